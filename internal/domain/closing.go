package domain

import (
	"strconv"
	"strings"
	"time"
)

// Person statuses (Person.Status).
const (
	StatusActive = "active"
	StatusClosed = "closed" // avsluttet
)

// Close reasons (avslutningsårsak) of a case.
const (
	CloseCompleted  = "completed"  // fullført program
	CloseMoved      = "moved"      // flyttet fra kommunen
	CloseEmployment = "employment" // arbeid
	CloseEducation  = "education"  // utdanning
	CloseDeceased   = "deceased"   // død
	CloseOther      = "other"      // annet
)

// closeReasons lists the reasons a case can be closed for, in display order.
var closeReasons = []Option{
	{CloseCompleted, "Fullført program"},
	{CloseMoved, "Flyttet fra kommunen"},
	{CloseEmployment, "Overgang til arbeid"},
	{CloseEducation, "Overgang til utdanning"},
	{CloseDeceased, "Død"},
	{CloseOther, "Annet"},
}

// earliestDate is the first date any date of a case may have (as for the
// person form's arrival and settlement dates).
var earliestDate = time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)

// CloseForm is the close-a-case form as typed.
type CloseForm struct {
	ClosedOn string
	Reason   string
	Version  string
}

// CloseInput is a validated closing: end date, reason and the person's
// version the user saw.
type CloseInput struct {
	ClosedOn time.Time
	Reason   string
	Version  int
}

// Validate checks the form on its own: a real end date that is not in the
// future, a known reason and a version. today is the current date in Norway.
// The end date is checked against the person's own dates by CheckClose.
func (f CloseForm) Validate(today time.Time) (CloseInput, error) {
	var in CloseInput
	fields := map[string]string{}
	today = Date(today)
	if strings.TrimSpace(f.ClosedOn) == "" {
		fields["closed_on"] = "Sluttdato må fylles ut."
	} else if d, ok := ParseDate(f.ClosedOn); !ok {
		fields["closed_on"] = "Sluttdato må være en gyldig dato (dd.mm.åååå)."
	} else if d.After(today) {
		fields["closed_on"] = "Sluttdato kan ikke være i fremtiden."
	} else if d.Before(earliestDate) {
		fields["closed_on"] = "Sluttdato kan ikke være før 1990."
	} else {
		in.ClosedOn = d
	}
	if !hasOption(closeReasons, f.Reason) {
		fields["close_reason"] = "Velg årsak til at saken avsluttes."
	}
	in.Reason = f.Reason
	v, err := strconv.Atoi(strings.TrimSpace(f.Version))
	if err != nil || v <= 0 {
		fields["version"] = "Skjemaet mangler versjon. Last siden på nytt."
	}
	in.Version = v
	if len(fields) > 0 {
		return in, &Error{Code: EINVALID, Message: "Skjemaet har feil. Rett opp feltene som er merket.", Fields: fields}
	}
	return in, nil
}

// EarliestCloseDate is the first day a case may end on: the settlement date
// (bosettingsdato) once it has come, otherwise the arrival date; nil when
// neither is known. A settlement date still in the future does not count, so
// that a settlement that never happened can be closed as of today.
func EarliestCloseDate(today time.Time, arrival, settlement *time.Time) *time.Time {
	today = Date(today)
	if settlement != nil && !Date(*settlement).After(today) {
		d := Date(*settlement)
		if arrival != nil && Date(*arrival).After(d) {
			d = Date(*arrival)
		}
		return &d
	}
	if arrival != nil {
		d := Date(*arrival)
		return &d
	}
	return nil
}

// CheckClose checks a closing against the person's dates: the end date may
// not be before EarliestCloseDate nor after today.
func CheckClose(in CloseInput, today time.Time, arrival, settlement *time.Time) error {
	bad := func(msg string) error {
		return &Error{Code: EINVALID, Message: "Skjemaet har feil. Rett opp feltene som er merket.",
			Fields: map[string]string{"closed_on": msg}}
	}
	d := Date(in.ClosedOn)
	if d.After(Date(today)) {
		return bad("Sluttdato kan ikke være i fremtiden.")
	}
	if first := EarliestCloseDate(today, arrival, settlement); first != nil && d.Before(*first) {
		what := "ankomstdato"
		if settlement != nil && first.Equal(Date(*settlement)) {
			what = "bosettingsdato"
		}
		return bad("Sluttdato kan ikke være før " + what + " (" + FormatDate(first) + ").")
	}
	if !hasOption(closeReasons, in.Reason) {
		return &Error{Code: EINVALID, Message: "Skjemaet har feil. Rett opp feltene som er merket.",
			Fields: map[string]string{"close_reason": "Velg årsak til at saken avsluttes."}}
	}
	return nil
}
