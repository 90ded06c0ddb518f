package domain

import (
	"strconv"
	"time"
)

// Retention (sletting og anonymisering, issue 13): how long each kind of
// record about a person is kept after the case is closed (Person.ClosedOn),
// and what is due for whom. The periods are data (retention_rules,
// migration 000034) that administrators change; the defaults and their
// basis are in docs/OPERATIONS.md.

// Kinds of record with a retention period (retention_rules.kind).
const (
	// RetentionCase: the whole person: names, identity numbers, contact
	// details and every free text are removed; statistics stay.
	RetentionCase = "case"
	// RetentionNotes: case notes and the free text of every module.
	RetentionNotes = "notes"
	// RetentionHealth: the free text of health items (place, logistics
	// note, reason); status, place and dates stay.
	RetentionHealth = "health"
)

// AnonymisedText replaces every non-empty free text that retention removes
// (some columns must not be empty), and is what lists show for the name of
// an anonymised person.
const AnonymisedText = "Anonymisert"

// retentionKinds lists the kinds in display order.
var retentionKinds = []Option{
	{RetentionCase, "Hele saken (anonymisering)"},
	{RetentionNotes, "Saksnotater og fritekst"},
	{RetentionHealth, "Fritekst i helseoppfølgingen"},
}

// RetentionKinds lists the kinds of record with their labels (a fresh slice).
func RetentionKinds() []Option { return append([]Option(nil), retentionKinds...) }

// RetentionKindLabel is a kind's label ("" when unknown).
func RetentionKindLabel(kind string) string {
	for _, o := range retentionKinds {
		if o.Value == kind {
			return o.Label
		}
	}
	return ""
}

// RetentionRule is one kind's period.
type RetentionRule struct {
	Kind    string `db:"kind"`
	Years   int    `db:"years"`
	Basis   string `db:"basis_text"`
	Version int    `db:"version"`
}

// RetentionRules are the periods by kind.
type RetentionRules map[string]RetentionRule

// RetentionSubject is what retention needs to know about a closed person.
type RetentionSubject struct {
	PersonID        int64     `db:"id"`
	Name            string    `db:"name"`
	UnitID          int64     `db:"unit_id"`
	UnitName        string    `db:"unit_name"`
	ClosedOn        time.Time `db:"closed_on"`
	LegalHold       bool      `db:"legal_hold"`
	LegalHoldReason string    `db:"legal_hold_reason"`
	// HasText: free text outside health items remains (notes, comments …).
	HasText bool `db:"has_text"`
	// HasHealthText: free text of health items remains.
	HasHealthText bool `db:"has_health_text"`
}

// RetentionAction is what is due for a person: one kind, from a day.
type RetentionAction struct {
	Kind   string
	DueOn  time.Time
	Reason string // in Norwegian: which rule, since when
}

// RetentionDecision is what retention would do to a person today.
type RetentionDecision struct {
	Subject RetentionSubject
	// Actions due, the widest first; a case anonymisation covers the rest
	// and stands alone.
	Actions []RetentionAction
	// Held: the actions are due but a legal hold stops them.
	Held bool
}

// RetentionDueOn is the day a period of years after closedOn has run out (29
// February closes on 28 February in a common year).
func RetentionDueOn(closedOn time.Time, years int) time.Time {
	closedOn = Date(closedOn)
	due := time.Date(closedOn.Year()+years, closedOn.Month(), closedOn.Day(), 0, 0, 0, 0, time.UTC)
	if due.Month() != closedOn.Month() {
		due = time.Date(closedOn.Year()+years, closedOn.Month()+1, 0, 0, 0, 0, 0, time.UTC)
	}
	return due
}

// DecideRetention says what is due for a closed person today: the whole case
// once its period has run out (which removes everything), else the notes'
// and health items' text when theirs has and text remains. A kind without a
// rule is never due. ok is false when nothing is due.
func DecideRetention(s RetentionSubject, rules RetentionRules, today time.Time) (RetentionDecision, bool) {
	today = Date(today)
	d := RetentionDecision{Subject: s, Held: s.LegalHold}
	due := func(kind string) (RetentionAction, bool) {
		r, ok := rules[kind]
		if !ok || r.Years < 1 || s.ClosedOn.IsZero() {
			return RetentionAction{}, false
		}
		on := RetentionDueOn(s.ClosedOn, r.Years)
		if on.After(today) {
			return RetentionAction{}, false
		}
		return RetentionAction{Kind: kind, DueOn: on, Reason: "Avsluttet " + s.ClosedOn.Format("02.01.2006") + ": " +
			RetentionKindLabel(kind) + " skal bort etter " + strconv.Itoa(r.Years) + " " + Plural(r.Years, "år", "år") +
			" (fra " + on.Format("02.01.2006") + ")."}, true
	}
	if a, ok := due(RetentionCase); ok {
		d.Actions = []RetentionAction{a}
		return d, true
	}
	if a, ok := due(RetentionNotes); ok && s.HasText {
		d.Actions = append(d.Actions, a)
	}
	if a, ok := due(RetentionHealth); ok && s.HasHealthText {
		d.Actions = append(d.Actions, a)
	}
	return d, len(d.Actions) > 0
}

// RetentionForm is the form changing a kind's period, as typed.
type RetentionForm struct {
	Kind    string
	Years   string
	Basis   string
	Version string
}

// Validate checks a retention rule's form.
func (f RetentionForm) Validate() (RetentionRule, error) {
	fields := map[string]string{}
	r := RetentionRule{Kind: f.Kind}
	if RetentionKindLabel(f.Kind) == "" {
		fields["kind"] = "Velg en kjent type opplysninger."
	}
	years, _ := CleanLine(f.Years)
	y, err := strconv.Atoi(years)
	switch {
	case err != nil:
		fields["years"] = "Skriv antall år som et helt tall."
	case y < 1 || y > 100:
		fields["years"] = "Oppbevaringstiden må være mellom 1 og 100 år."
	default:
		r.Years = y
	}
	basis, fault := CleanText(f.Basis)
	r.Basis = basis
	switch n := len([]rune(r.Basis)); {
	case fault != TextOK:
		fields["basis"] = "Begrunnelsen har tegn som ikke kan lagres."
	case n == 0:
		fields["basis"] = "Skriv begrunnelsen for oppbevaringstiden."
	case n > 1000:
		fields["basis"] = "Begrunnelsen kan ha høyst 1000 tegn."
	}
	v, err := strconv.Atoi(f.Version)
	if err != nil || v < 1 {
		fields["version"] = "Skjemaet mangler versjon. Last siden på nytt."
	}
	r.Version = v
	if len(fields) > 0 {
		return r, &Error{Code: EINVALID, Message: "Oppbevaringstiden har feil.", Fields: fields}
	}
	return r, nil
}

// LegalHoldForm sets or clears a legal hold, as typed.
type LegalHoldForm struct {
	Hold   bool
	Reason string
}

// Validate checks a legal hold: setting one needs a reason (500 characters
// at most); clearing one drops it.
func (f LegalHoldForm) Validate() (LegalHoldForm, error) {
	out := LegalHoldForm{Hold: f.Hold}
	if !f.Hold {
		return out, nil
	}
	reason, fault := CleanLine(f.Reason)
	out.Reason = reason
	switch n := len([]rune(out.Reason)); {
	case fault != TextOK:
		return out, &Error{Code: EINVALID, Message: "Begrunnelsen har tegn som ikke kan lagres.", Fields: map[string]string{"reason": "Begrunnelsen har tegn som ikke kan lagres."}}
	case n == 0:
		return out, &Error{Code: EINVALID, Message: "Skriv hvorfor saken holdes tilbake.", Fields: map[string]string{"reason": "Skriv hvorfor saken holdes tilbake (for eksempel en klage eller en rettssak)."}}
	case n > 500:
		return out, &Error{Code: EINVALID, Message: "Begrunnelsen er for lang.", Fields: map[string]string{"reason": "Begrunnelsen kan ha høyst 500 tegn."}}
	}
	return out, nil
}
