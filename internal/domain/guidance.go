package domain

import (
	"strings"
	"time"
)

// Housing guidance (boveiledning) and Husbanken applications of a household
// (issue 11, items 4 and 5).

// GuidanceTopics lists the topics of a guidance session, in display order.
func GuidanceTopics() []Option {
	return []Option{
		{"rent_economy", "Husleie og økonomi"},
		{"cleaning", "Renhold og vedlikehold"},
		{"waste", "Avfall og kildesortering"},
		{"fire_safety", "Brannsikkerhet"},
		{"neighbours", "Naboskap og husordensregler"},
		{"energy", "Strøm og energi"},
		{"other", "Annet"},
	}
}

// Husbanken schemes and decisions (husbanken_applications).
const (
	SchemeHousingAllowance = "housing_allowance" // bostøtte
	SchemeStartLoan        = "start_loan"        // startlån
	SchemeGrant            = "grant"             // tilskudd

	HusbankenPending = "pending"
	HusbankenGranted = "granted"
	HusbankenRefused = "refused"
)

// HusbankenSchemes lists the schemes, in display order.
func HusbankenSchemes() []Option {
	return []Option{{SchemeHousingAllowance, "Bostøtte"}, {SchemeStartLoan, "Startlån"}, {SchemeGrant, "Tilskudd"}}
}

// HusbankenDecisions lists the decisions, in display order.
func HusbankenDecisions() []Option {
	return []Option{{HusbankenPending, "Ikke avgjort"}, {HusbankenGranted, "Innvilget"}, {HusbankenRefused, "Avslått"}}
}

// GuidanceSession is one housing guidance session of a household.
type GuidanceSession struct {
	ID          int64     `db:"id"`
	HouseholdID int64     `db:"household_id"`
	HeldOn      time.Time `db:"held_on"`
	Topics      []string  `db:"topics"`
	Interpreter bool      `db:"interpreter_used"`
	Note        string    `db:"note"`
}

// HusbankenApplication is one application to Husbanken of a household.
type HusbankenApplication struct {
	ID          int64      `db:"id"`
	HouseholdID int64      `db:"household_id"`
	Scheme      string     `db:"scheme"`
	AppliedOn   time.Time  `db:"applied_on"`
	Decision    string     `db:"decision"`
	DecidedOn   *time.Time `db:"decided_on"`
	AmountOre   *int64     `db:"amount_ore"`
	NextReview  *time.Time `db:"next_review"`
	Note        string     `db:"note"`
	Version     int        `db:"version"`
}

// GuidanceForm is the new-session form as typed.
type GuidanceForm struct {
	HeldOn      string
	Topics      []string
	Interpreter bool
	Note        string
}

// GuidanceInput is a validated session.
type GuidanceInput struct {
	HeldOn      time.Time
	Topics      []string
	Interpreter bool
	Note        string
}

// pastDate checks a required date between 1990 and today.
func pastDate(field, subject, s string, today time.Time, fields map[string]string) time.Time {
	if strings.TrimSpace(s) == "" {
		fields[field] = subject + " må fylles ut."
	} else if d, ok := ParseDate(s); !ok {
		fields[field] = subject + " må være en gyldig dato (dd.mm.åååå)."
	} else if d.Before(earliestDate) {
		fields[field] = subject + " kan ikke være før 1990."
	} else if d.After(Date(today)) {
		fields[field] = subject + " kan ikke være etter i dag."
	} else {
		return d
	}
	return time.Time{}
}

// Validate checks the form: a date not after today, at least one known
// topic, a note of at most 2000 characters.
func (f GuidanceForm) Validate(today time.Time) (GuidanceInput, error) {
	fields := map[string]string{}
	in := GuidanceInput{Interpreter: f.Interpreter}
	in.HeldOn = pastDate("held_on", "Dato", f.HeldOn, today, fields)
	for _, t := range GuidanceTopics() {
		for _, got := range f.Topics {
			if got == t.Value {
				in.Topics = append(in.Topics, t.Value)
				break
			}
		}
	}
	for _, got := range f.Topics {
		if !hasOption(GuidanceTopics(), got) {
			fields["topics"] = "Velg tema fra listen."
		}
	}
	if len(in.Topics) == 0 && fields["topics"] == "" {
		fields["topics"] = "Velg minst ett tema."
	}
	note, msg := textField("Notatet", f.Note)
	if msg != "" {
		fields["note"] = msg
	} else if len([]rune(note)) > 2000 {
		fields["note"] = "Notatet kan ha høyst 2000 tegn."
	}
	in.Note = note
	if len(fields) > 0 {
		return in, invalidForm(fields)
	}
	return in, nil
}

// HusbankenForm is the new-application form, or the decision form of an
// application (Scheme and AppliedOn are not used there), as typed.
type HusbankenForm struct {
	Scheme     string
	AppliedOn  string
	Decision   string
	DecidedOn  string
	Amount     string
	NextReview string
	Note       string
	Version    string
}

// HusbankenInput is a validated application or decision.
type HusbankenInput struct {
	Scheme     string
	AppliedOn  time.Time
	Decision   string
	DecidedOn  *time.Time
	AmountOre  *int64
	NextReview *time.Time
	Note       string
	Version    int
}

// ValidateNew checks a new application: a scheme, the date applied (not
// after today) and the decision fields (ValidateDecision's rules).
func (f HusbankenForm) ValidateNew(today time.Time) (HusbankenInput, error) {
	fields := map[string]string{}
	var in HusbankenInput
	if !hasOption(HusbankenSchemes(), f.Scheme) {
		fields["scheme"] = "Velg ordning."
	}
	in.Scheme = f.Scheme
	in.AppliedOn = pastDate("applied_on", "Søknadsdato", f.AppliedOn, today, fields)
	f.decision(&in, today, fields)
	if len(fields) > 0 {
		return in, invalidForm(fields)
	}
	return in, nil
}

// ValidateDecision checks a change of an application applied on applied:
// a decision, its date (required when decided, not before applied nor after
// today, empty while pending), an amount in kroner (only when granted), a
// next review date (not before applied), a note of at most 500 characters.
func (f HusbankenForm) ValidateDecision(applied, today time.Time) (HusbankenInput, error) {
	fields := map[string]string{}
	in := HusbankenInput{AppliedOn: applied}
	in.Version = parseVersion(f.Version, fields)
	f.decision(&in, today, fields)
	if len(fields) > 0 {
		return in, invalidForm(fields)
	}
	return in, nil
}

func (f HusbankenForm) decision(in *HusbankenInput, today time.Time, fields map[string]string) {
	in.Decision = f.Decision
	if in.Decision == "" {
		in.Decision = HusbankenPending
	}
	if !hasOption(HusbankenDecisions(), in.Decision) {
		fields["decision"] = "Velg vedtak."
	}
	if in.Decision == HusbankenPending {
		if strings.TrimSpace(f.DecidedOn) != "" {
			fields["decided_on"] = "Vedtaksdato fylles bare ut når søknaden er avgjort."
		}
	} else if hasOption(HusbankenDecisions(), in.Decision) {
		if d := pastDate("decided_on", "Vedtaksdato", f.DecidedOn, today, fields); !d.IsZero() {
			if !in.AppliedOn.IsZero() && d.Before(in.AppliedOn) {
				fields["decided_on"] = "Vedtaksdato kan ikke være før søknadsdato."
			} else {
				in.DecidedOn = &d
			}
		}
	}
	if strings.TrimSpace(f.Amount) != "" {
		if v, ok := ParseKroner(f.Amount); !ok {
			fields["amount"] = "Beløp må være et beløp i kroner, for eksempel 12 500."
		} else if in.Decision != HusbankenGranted {
			fields["amount"] = "Beløp fylles bare ut når søknaden er innvilget."
		} else {
			in.AmountOre = &v
		}
	}
	if strings.TrimSpace(f.NextReview) != "" {
		if d, ok := ParseDate(f.NextReview); !ok {
			fields["next_review"] = "Neste revurdering må være en gyldig dato (dd.mm.åååå)."
		} else if !in.AppliedOn.IsZero() && d.Before(in.AppliedOn) {
			fields["next_review"] = "Neste revurdering kan ikke være før søknadsdato."
		} else {
			in.NextReview = &d
		}
	}
	note, msg := lineField("Merknaden", f.Note)
	if msg != "" {
		fields["note"] = msg
	} else if len([]rune(note)) > 500 {
		fields["note"] = "Merknaden kan ha høyst 500 tegn."
	}
	in.Note = note
}

// HusbankenReviewDays is the Frister window of Husbanken reviews: an
// application's next review shows on Frister from this many days before
// it (and stays while it is past, until the date is changed).
const HusbankenReviewDays = 30
