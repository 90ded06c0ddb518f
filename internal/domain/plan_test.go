package domain

import (
	"testing"
)

func TestParseISOWeek(t *testing.T) {
	for _, c := range []struct {
		in   string
		want string
		ok   bool
	}{
		{"2026-W49", "2026-11-30", true},
		{"2026-W01", "2025-12-29", true},
		{"2020-W53", "2020-12-28", true},
		{"2026-W53", "2026-12-28", true}, // 2026 starts on a Thursday: 53 weeks
		{"2025-W53", "", false},          // 2025 has 52
		{"2026-W00", "", false},
		{"2026W49", "", false},
		{"abcd-W01", "", false},
	} {
		got, ok := ParseISOWeek(c.in)
		if ok != c.ok || (ok && !got.Equal(day(c.want))) {
			t.Errorf("ParseISOWeek(%q) = %v, %v; want %s, %v", c.in, got, ok, c.want, c.ok)
		}
		if ok && FormatISOWeek(got) != c.in {
			t.Errorf("FormatISOWeek(%s) = %s, want %s", got, FormatISOWeek(got), c.in)
		}
	}
}

func TestExpectedMinutes(t *testing.T) {
	to := day("2026-12-31")
	v := PlanVersion{Elements: []PlanElement{
		{Kind: ElementNorwegian, MinutesPerWeek: 900, Weekdays: []int16{1, 2, 3, 4, 5}},                          // 3 h a day
		{Kind: ElementWorkPractice, MinutesPerWeek: 1000, Weekdays: []int16{3, 1, 2}, To: &to},                   // 333/334 Mon–Wed
		{Kind: ElementSocialStudies, MinutesPerWeek: 350, Weekdays: []int16{4, 5}, From: ptr(day("2026-12-03"))}, // Thu, Fri from 3 Dec
	}}
	for _, c := range []struct {
		day  string
		want int
	}{
		{"2026-11-30", 180 + 334}, // Monday: work practice takes the remainder first
		{"2026-12-01", 180 + 333}, // Tuesday
		{"2026-12-03", 180 + 175}, // Thursday, social studies from today
		{"2026-11-26", 180},       // Thursday before social studies
		{"2026-12-05", 0},         // Saturday
		{"2027-01-04", 180},       // Monday after work practice ended
	} {
		if got := v.ExpectedMinutes(day(c.day)); got != c.want {
			t.Errorf("ExpectedMinutes(%s) = %d, want %d", c.day, got, c.want)
		}
	}
	week := 0
	for i := 0; i < 7; i++ {
		week += v.ExpectedMinutes(AddDays(day("2026-12-07"), i))
	}
	if week != 900+1000+350 {
		t.Errorf("a whole week sums to %d, want %d", week, 900+1000+350)
	}
}

func TestVersionOn(t *testing.T) {
	vs := []PlanVersion{{ID: 1, ValidFrom: day("2026-01-05")}, {ID: 3, ValidFrom: day("2026-03-02")}, {ID: 2, ValidFrom: day("2026-03-02")}}
	if VersionOn(vs, day("2026-01-04")) != nil {
		t.Error("a day before the first version has no plan")
	}
	if v := VersionOn(vs, day("2026-03-01")); v == nil || v.ID != 1 {
		t.Errorf("1 March: %+v, want version 1", v)
	}
	if v := VersionOn(vs, day("2026-03-02")); v == nil || v.ID != 3 {
		t.Errorf("2 March: %+v, want the newest of the two versions from that day (3)", v)
	}
}

func ptr[T any](v T) *T { return &v }
