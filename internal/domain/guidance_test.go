package domain

import (
	"testing"
	"time"
)

func TestGuidanceFormValidate(t *testing.T) {
	today := time.Date(2026, 5, 10, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		name  string
		f     GuidanceForm
		field string // "" valid
	}{
		{"ok", GuidanceForm{HeldOn: "2026-05-10", Topics: []string{"waste", "fire_safety"}, Interpreter: true, Note: "Gikk gjennom"}, ""},
		{"no date", GuidanceForm{Topics: []string{"waste"}}, "held_on"},
		{"bad date", GuidanceForm{HeldOn: "32.13.2026", Topics: []string{"waste"}}, "held_on"},
		{"future", GuidanceForm{HeldOn: "2026-05-11", Topics: []string{"waste"}}, "held_on"},
		{"before 1990", GuidanceForm{HeldOn: "1989-12-31", Topics: []string{"waste"}}, "held_on"},
		{"no topic", GuidanceForm{HeldOn: "2026-05-01"}, "topics"},
		{"unknown topic", GuidanceForm{HeldOn: "2026-05-01", Topics: []string{"waste", "x"}}, "topics"},
		{"long note", GuidanceForm{HeldOn: "2026-05-01", Topics: []string{"waste"}, Note: repeat("a", 2001)}, "note"},
	}
	for _, c := range cases {
		in, err := c.f.Validate(today)
		if c.field == "" {
			if err != nil {
				t.Errorf("%s: %v", c.name, err)
			}
			if c.name == "ok" && (len(in.Topics) != 2 || in.Topics[0] != "waste" || !in.Interpreter) {
				t.Errorf("%s: %+v", c.name, in)
			}
			continue
		}
		e, ok := err.(*Error)
		if !ok || e.Code != EINVALID || e.Fields[c.field] == "" {
			t.Errorf("%s: want field %s, got %v", c.name, c.field, err)
		}
	}
}

func repeat(s string, n int) string {
	out := ""
	for i := 0; i < n; i++ {
		out += s
	}
	return out
}

func TestHusbankenFormValidate(t *testing.T) {
	today := time.Date(2026, 5, 10, 0, 0, 0, 0, time.UTC)
	applied := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		name  string
		f     HusbankenForm
		field string
	}{
		{"pending", HusbankenForm{Scheme: "housing_allowance", AppliedOn: "2026-03-01"}, ""},
		{"granted", HusbankenForm{Scheme: "start_loan", AppliedOn: "2026-03-01", Decision: "granted", DecidedOn: "2026-04-01", Amount: "12 500", NextReview: "2027-03-01"}, ""},
		{"refused", HusbankenForm{Scheme: "grant", AppliedOn: "2026-03-01", Decision: "refused", DecidedOn: "2026-04-01"}, ""},
		{"no scheme", HusbankenForm{AppliedOn: "2026-03-01"}, "scheme"},
		{"bad scheme", HusbankenForm{Scheme: "x", AppliedOn: "2026-03-01"}, "scheme"},
		{"no applied", HusbankenForm{Scheme: "grant"}, "applied_on"},
		{"future applied", HusbankenForm{Scheme: "grant", AppliedOn: "2026-06-01"}, "applied_on"},
		{"bad decision", HusbankenForm{Scheme: "grant", AppliedOn: "2026-03-01", Decision: "maybe"}, "decision"},
		{"decided without date", HusbankenForm{Scheme: "grant", AppliedOn: "2026-03-01", Decision: "granted"}, "decided_on"},
		{"pending with date", HusbankenForm{Scheme: "grant", AppliedOn: "2026-03-01", DecidedOn: "2026-04-01"}, "decided_on"},
		{"decided before applied", HusbankenForm{Scheme: "grant", AppliedOn: "2026-03-01", Decision: "refused", DecidedOn: "2026-02-01"}, "decided_on"},
		{"bad amount", HusbankenForm{Scheme: "grant", AppliedOn: "2026-03-01", Decision: "granted", DecidedOn: "2026-04-01", Amount: "mye"}, "amount"},
		{"amount when refused", HusbankenForm{Scheme: "grant", AppliedOn: "2026-03-01", Decision: "refused", DecidedOn: "2026-04-01", Amount: "100"}, "amount"},
		{"review before applied", HusbankenForm{Scheme: "grant", AppliedOn: "2026-03-01", NextReview: "2026-01-01"}, "next_review"},
		{"long note", HusbankenForm{Scheme: "grant", AppliedOn: "2026-03-01", Note: repeat("a", 501)}, "note"},
	}
	for _, c := range cases {
		in, err := c.f.ValidateNew(today)
		if c.field == "" {
			if err != nil {
				t.Errorf("%s: %v", c.name, err)
			}
			if c.name == "granted" && (in.AmountOre == nil || *in.AmountOre != 1250000 || in.DecidedOn == nil || in.NextReview == nil) {
				t.Errorf("%s: %+v", c.name, in)
			}
			continue
		}
		e, ok := err.(*Error)
		if !ok || e.Code != EINVALID || e.Fields[c.field] == "" {
			t.Errorf("%s: want field %s, got %v", c.name, c.field, err)
		}
	}
	// A decision: the stored application date bounds it, the version is read.
	in, err := HusbankenForm{Decision: "granted", DecidedOn: "2026-04-01", Amount: "3000", Version: "2"}.ValidateDecision(applied, today)
	if err != nil || in.Version != 2 || *in.AmountOre != 300000 {
		t.Fatalf("%+v %v", in, err)
	}
	if _, err := (HusbankenForm{Decision: "granted", DecidedOn: "2026-02-01", Version: "1"}).ValidateDecision(applied, today); err == nil {
		t.Fatal("decided before applied accepted")
	}
}
