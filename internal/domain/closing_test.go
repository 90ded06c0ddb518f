package domain

import (
	"strings"
	"testing"
	"time"
)

func cday(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

func cdayp(s string) *time.Time {
	t := cday(s)
	return &t
}

func TestCloseFormValidate(t *testing.T) {
	today := time.Date(2026, 3, 15, 23, 30, 0, 0, time.UTC)
	cases := []struct {
		name   string
		form   CloseForm
		fields []string // fields with an error; nil for a valid form
		want   CloseInput
	}{
		{"valid ISO", CloseForm{"2026-03-01", CloseMoved, "3"}, nil, CloseInput{cday("2026-03-01"), CloseMoved, 3}},
		{"valid Norwegian date", CloseForm{"1.3.2026", CloseCompleted, "1"}, nil, CloseInput{cday("2026-03-01"), CloseCompleted, 1}},
		{"today is allowed", CloseForm{"2026-03-15", CloseOther, "1"}, nil, CloseInput{cday("2026-03-15"), CloseOther, 1}},
		{"tomorrow is the future", CloseForm{"2026-03-16", CloseOther, "1"}, []string{"closed_on"}, CloseInput{}},
		{"empty date", CloseForm{"", CloseOther, "1"}, []string{"closed_on"}, CloseInput{}},
		{"not a date", CloseForm{"31.02.2026", CloseOther, "1"}, []string{"closed_on"}, CloseInput{}},
		{"before 1990", CloseForm{"1989-12-31", CloseOther, "1"}, []string{"closed_on"}, CloseInput{}},
		{"unknown reason", CloseForm{"2026-03-01", "bored", "1"}, []string{"close_reason"}, CloseInput{}},
		{"no reason", CloseForm{"2026-03-01", "", "1"}, []string{"close_reason"}, CloseInput{}},
		{"no version", CloseForm{"2026-03-01", CloseMoved, ""}, []string{"version"}, CloseInput{}},
		{"bad version", CloseForm{"2026-03-01", CloseMoved, "0"}, []string{"version"}, CloseInput{}},
		{"everything wrong", CloseForm{"x", "y", "z"}, []string{"closed_on", "close_reason", "version"}, CloseInput{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in, err := c.form.Validate(today)
			if c.fields == nil {
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
				if in != c.want {
					t.Errorf("got %+v, want %+v", in, c.want)
				}
				return
			}
			e, ok := err.(*Error)
			if !ok || e.Code != EINVALID {
				t.Fatalf("want an EINVALID *Error, got %v", err)
			}
			if len(e.Fields) != len(c.fields) {
				t.Errorf("fields %v, want %v", e.Fields, c.fields)
			}
			for _, f := range c.fields {
				if e.Fields[f] == "" {
					t.Errorf("no message for %s in %v", f, e.Fields)
				}
			}
		})
	}
}

func TestEarliestCloseDate(t *testing.T) {
	today := cday("2026-03-15")
	cases := []struct {
		name                string
		arrival, settlement *time.Time
		want                *time.Time
	}{
		{"nothing known", nil, nil, nil},
		{"arrival only", cdayp("2025-06-01"), nil, cdayp("2025-06-01")},
		{"settled", cdayp("2025-06-01"), cdayp("2025-07-01"), cdayp("2025-07-01")},
		{"settled today", cdayp("2025-06-01"), cdayp("2026-03-15"), cdayp("2026-03-15")},
		{"settlement in the future counts not", cdayp("2025-06-01"), cdayp("2026-04-01"), cdayp("2025-06-01")},
		{"future settlement, no arrival", nil, cdayp("2026-04-01"), nil},
		{"settlement without arrival", nil, cdayp("2025-07-01"), cdayp("2025-07-01")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := EarliestCloseDate(today, c.arrival, c.settlement)
			if (got == nil) != (c.want == nil) || (got != nil && !got.Equal(*c.want)) {
				t.Errorf("got %v, want %v", FormatDate(got), FormatDate(c.want))
			}
		})
	}
}

func TestCheckClose(t *testing.T) {
	today := cday("2026-03-15")
	cases := []struct {
		name                string
		closedOn            string
		reason              string
		arrival, settlement *time.Time
		field               string // "" when allowed
		msgHas              string
	}{
		{"after settlement", "2026-01-10", CloseMoved, cdayp("2025-06-01"), cdayp("2025-07-01"), "", ""},
		{"on the settlement date", "2025-07-01", CloseMoved, cdayp("2025-06-01"), cdayp("2025-07-01"), "", ""},
		{"before settlement", "2025-06-30", CloseMoved, cdayp("2025-06-01"), cdayp("2025-07-01"), "closed_on", "bosettingsdato (01.07.2025)"},
		{"before arrival, not settled", "2025-05-31", CloseMoved, cdayp("2025-06-01"), nil, "closed_on", "ankomstdato (01.06.2025)"},
		{"future settlement: arrival counts", "2025-06-02", CloseOther, cdayp("2025-06-01"), cdayp("2026-05-01"), "", ""},
		{"no dates known", "2001-01-01", CloseDeceased, nil, nil, "", ""},
		{"in the future", "2026-03-16", CloseMoved, nil, nil, "closed_on", "fremtiden"},
		{"today", "2026-03-15", CloseEmployment, cdayp("2025-06-01"), cdayp("2025-07-01"), "", ""},
		{"unknown reason", "2026-03-01", "x", nil, nil, "close_reason", "årsak"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := CheckClose(CloseInput{ClosedOn: cday(c.closedOn), Reason: c.reason, Version: 1}, today, c.arrival, c.settlement)
			if c.field == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			e, ok := err.(*Error)
			if !ok || e.Code != EINVALID {
				t.Fatalf("want EINVALID, got %v", err)
			}
			if msg := e.Fields[c.field]; msg == "" || !strings.Contains(msg, c.msgHas) {
				t.Errorf("message for %s = %q, want it to mention %q", c.field, msg, c.msgHas)
			}
		})
	}
}
