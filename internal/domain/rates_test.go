package domain

import (
	"errors"
	"testing"
)

func TestRateFormValidate(t *testing.T) {
	for _, tc := range []struct {
		f    RateForm
		want int64
	}{
		{RateForm{Kind: "g", EffectiveFrom: "2026-05-01", Value: "135 000,50", Note: "G fra 1. mai 2026"}, 13500050},
		{RateForm{Kind: "full_time_minutes", EffectiveFrom: "01.01.2027", Value: "37,5"}, 2250},
		{RateForm{Kind: "chapter_6a_until", EffectiveFrom: "2026-01-01", Value: "2026-07-01"}, 20260701},
		{RateForm{Kind: "factor_away_thirds", EffectiveFrom: "2026-01-01", Value: "2"}, 2},
		{RateForm{Kind: "benefit_hours_per_year", EffectiveFrom: "2026-01-01", Value: "1 950"}, 1950},
		{RateForm{Kind: "decision_share_pct", EffectiveFrom: "2026-01-01", Value: "0"}, 0},
	} {
		r, err := tc.f.Validate()
		if err != nil || r.Value != tc.want || string(r.Kind) != tc.f.Kind {
			t.Errorf("%+v: %+v %v", tc.f, r, err)
		}
	}
	for _, tc := range []struct {
		f     RateForm
		field string
	}{
		{RateForm{Kind: "nope", EffectiveFrom: "2026-01-01", Value: "1"}, "kind"},
		{RateForm{Kind: "g", EffectiveFrom: "2026-02-30", Value: "1"}, "effective_from"},
		{RateForm{Kind: "g", EffectiveFrom: "1989-12-31", Value: "1"}, "effective_from"},
		{RateForm{Kind: "g", EffectiveFrom: "2026-05-01", Value: ""}, "value"},
		{RateForm{Kind: "g", EffectiveFrom: "2026-05-01", Value: "0"}, "value"},
		{RateForm{Kind: "g", EffectiveFrom: "2026-05-01", Value: "-5"}, "value"},
		{RateForm{Kind: "factor_away_thirds", EffectiveFrom: "2026-05-01", Value: "4"}, "value"},
		{RateForm{Kind: "decision_share_pct", EffectiveFrom: "2026-05-01", Value: "101"}, "value"},
		{RateForm{Kind: "benefit_days_per_year", EffectiveFrom: "2026-05-01", Value: "0"}, "value"},
		{RateForm{Kind: "benefit_hours_per_year", EffectiveFrom: "2026-05-01", Value: "0"}, "value"},
		{RateForm{Kind: "benefit_g_multiple", EffectiveFrom: "2026-05-01", Value: "2,5"}, "value"},
		{RateForm{Kind: "age_max", EffectiveFrom: "2026-05-01", Value: "200"}, "value"},
		{RateForm{Kind: "chapter_6a_until", EffectiveFrom: "2026-05-01", Value: "3000-01-01"}, "value"},
		{RateForm{Kind: "full_time_minutes", EffectiveFrom: "2026-05-01", Value: "0"}, "value"},
		{RateForm{Kind: "g", EffectiveFrom: "2026-05-01", Value: "1", Note: "a\x00"}, "note"},
	} {
		_, err := tc.f.Validate()
		var e *Error
		if !errors.As(err, &e) || e.Fields[tc.field] == "" || len(e.Fields) != 1 {
			t.Errorf("%+v: want a message on %s only, got %v", tc.f, tc.field, err)
			if e != nil {
				t.Log(e.Fields)
			}
		}
	}
}

func TestFormatRateValue(t *testing.T) {
	for _, tc := range []struct {
		u    RateUnit
		v    int64
		want string
	}{
		{UnitOre, 13016000, "130 160 kr"}, {UnitMinutes, 2250, "37,5 t"}, {UnitDate, 20260701, "01.07.2026"},
		{UnitThirds, 2, "2/3"}, {UnitPercent, 50, "50 %"}, {UnitYears, 25, "25 år"}, {UnitCount, 1950, "1 950"}, {UnitCount, 2, "2"},
	} {
		if got := FormatRateValue(tc.u, tc.v); got != tc.want {
			t.Errorf("%s %d: %q", tc.u, tc.v, got)
		}
	}
}
