package domain

import (
	"testing"
	"time"
)

func TestDecideRetention(t *testing.T) {
	d := func(s string) time.Time { v, _ := time.Parse("2006-01-02", s); return v }
	rules := RetentionRules{
		RetentionCase:   {Kind: RetentionCase, Years: 10},
		RetentionNotes:  {Kind: RetentionNotes, Years: 5},
		RetentionHealth: {Kind: RetentionHealth, Years: 2},
	}
	today := d("2026-06-01")
	for _, tc := range []struct {
		name     string
		s        RetentionSubject
		want     []string
		held, ok bool
	}{
		{"closed a year ago", RetentionSubject{ClosedOn: d("2025-06-01"), HasText: true, HasHealthText: true}, nil, false, false},
		{"health due the day it runs out", RetentionSubject{ClosedOn: d("2024-06-01"), HasText: true, HasHealthText: true}, []string{"health"}, false, true},
		{"health not due the day before", RetentionSubject{ClosedOn: d("2024-06-02"), HasHealthText: true}, nil, false, false},
		{"health text already gone", RetentionSubject{ClosedOn: d("2024-01-01")}, nil, false, false},
		{"notes and health", RetentionSubject{ClosedOn: d("2021-05-31"), HasText: true, HasHealthText: true}, []string{"notes", "health"}, false, true},
		{"whole case", RetentionSubject{ClosedOn: d("2016-06-01"), HasText: true, HasHealthText: true}, []string{"case"}, false, true},
		{"whole case without text left", RetentionSubject{ClosedOn: d("2010-01-01")}, []string{"case"}, false, true},
		{"legal hold", RetentionSubject{ClosedOn: d("2010-01-01"), LegalHold: true, LegalHoldReason: "Klage"}, []string{"case"}, true, true},
		{"never closed", RetentionSubject{HasText: true}, nil, false, false},
	} {
		got, ok := DecideRetention(tc.s, rules, today)
		var kinds []string
		for _, a := range got.Actions {
			kinds = append(kinds, a.Kind)
			if a.Reason == "" || a.DueOn.After(today) {
				t.Errorf("%s: action %+v", tc.name, a)
			}
		}
		if ok != tc.ok || got.Held != tc.held || len(kinds) != len(tc.want) {
			t.Errorf("%s: %v held=%v ok=%v, want %v held=%v ok=%v", tc.name, kinds, got.Held, ok, tc.want, tc.held, tc.ok)
			continue
		}
		for i := range kinds {
			if kinds[i] != tc.want[i] {
				t.Errorf("%s: %v, want %v", tc.name, kinds, tc.want)
			}
		}
	}
	// A kind without a rule is never due.
	if _, ok := DecideRetention(RetentionSubject{ClosedOn: d("1990-01-01"), HasText: true}, RetentionRules{}, today); ok {
		t.Error("due without rules")
	}
	if got := RetentionDueOn(d("2024-02-29"), 1); !got.Equal(d("2025-02-28")) {
		t.Errorf("29 February + 1 year = %v", got)
	}
}

func TestRetentionForms(t *testing.T) {
	if _, err := (RetentionForm{Kind: "case", Years: "10", Basis: "Arkivplan", Version: "1"}).Validate(); err != nil {
		t.Errorf("valid form: %v", err)
	}
	for _, f := range []RetentionForm{
		{Kind: "x", Years: "10", Basis: "b", Version: "1"},
		{Kind: "case", Years: "0", Basis: "b", Version: "1"},
		{Kind: "case", Years: "ti", Basis: "b", Version: "1"},
		{Kind: "case", Years: "10", Basis: " ", Version: "1"},
		{Kind: "case", Years: "10", Basis: "a\x00b", Version: "1"},
		{Kind: "case", Years: "10", Basis: "b", Version: ""},
	} {
		if _, err := f.Validate(); ErrorCode(err) != EINVALID {
			t.Errorf("%+v: %v, want invalid", f, err)
		}
	}
	if h, err := (LegalHoldForm{Hold: true, Reason: " Klage  til Statsforvalteren "}).Validate(); err != nil || h.Reason != "Klage til Statsforvalteren" {
		t.Errorf("hold: %+v %v", h, err)
	}
	for _, f := range []LegalHoldForm{{Hold: true}, {Hold: true, Reason: "\xff"}, {Hold: true, Reason: string(make([]rune, 501))}} {
		if _, err := f.Validate(); ErrorCode(err) != EINVALID {
			t.Errorf("hold %q: %v, want invalid", f.Reason, err)
		}
	}
	if h, err := (LegalHoldForm{Hold: false, Reason: "x"}).Validate(); err != nil || h.Reason != "" {
		t.Errorf("clear: %+v %v", h, err)
	}
}
