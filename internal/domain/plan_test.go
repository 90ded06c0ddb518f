package domain

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
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

// planRates are the full-time rates of migration 000013.
var planRates = RateTable{
	{ID: 1, Kind: RateFullTimeMinutes, EffectiveFrom: day("2021-01-01"), Value: 2250},
	{ID: 2, Kind: RateSelfStudyMinutes, EffectiveFrom: day("2021-01-01"), Value: 1800},
}

// planForm is a valid 37,5-hour plan from Monday 30 November 2026:
// Norwegian 15 h Mon–Fri, work practice 15 h Mon–Wed, social studies 7,5 h
// Thu–Fri.
func planForm() PlanForm {
	f := NewPlanForm()
	f.ValidFrom = "2026-11-30"
	set := func(kind, hours string, days ...string) {
		for i := range f.Rows {
			if f.Rows[i].Kind == kind {
				f.Rows[i].Hours, f.Rows[i].Days = hours, days
			}
		}
	}
	set(ElementNorwegian, "15", "1", "2", "3", "4", "5")
	set(ElementWorkPractice, "15", "1", "2", "3")
	set(ElementSocialStudies, "7,5", "4", "5")
	return f
}

func planCtx() PlanContext {
	return PlanContext{Granted: true, Start: ptr(day("2026-08-03")), Rates: planRates}
}

func row(f *PlanForm, kind string) *PlanRowForm {
	for i := range f.Rows {
		if f.Rows[i].Kind == kind {
			return &f.Rows[i]
		}
	}
	panic(kind)
}

func TestPlanFormValidateRules(t *testing.T) {
	long := func(n int) string { return strings.Repeat("a", n) }
	for _, c := range []struct {
		name  string
		edit  func(f *PlanForm, c *PlanContext)
		field string // "" = accepted
		msg   string
	}{
		{"a 37,5-hour plan", func(*PlanForm, *PlanContext) {}, "", ""},
		{"no granted decision", func(_ *PlanForm, c *PlanContext) { c.Granted = false }, "valid_from", "Registrer vedtak"},
		{"valid_from missing", func(f *PlanForm, _ *PlanContext) { f.ValidFrom = " " }, "valid_from", "Skriv datoen"},
		{"valid_from no date", func(f *PlanForm, _ *PlanContext) { f.ValidFrom = "31.02.2026" }, "valid_from", "åååå-mm-dd"},
		{"valid_from the programme's start", func(f *PlanForm, c *PlanContext) { c.Start = ptr(day("2026-11-30")) }, "", ""},
		{"valid_from before the start", func(f *PlanForm, c *PlanContext) { c.Start = ptr(day("2026-12-01")) }, "valid_from", "før programmet starter (01.12.2026)"},
		{"valid_from on the planned end", func(f *PlanForm, c *PlanContext) { c.PlannedEnd = ptr(day("2026-11-30")) }, "", ""},
		{"valid_from after the planned end", func(f *PlanForm, c *PlanContext) { c.PlannedEnd = ptr(day("2026-11-29")) }, "valid_from", "etter planlagt slutt"},
		{"hours without weekdays", func(f *PlanForm, _ *PlanContext) { row(f, ElementNorwegian).Days = nil }, "norwegian_days", "Velg minst én ukedag for norskopplæring"},
		{"weekdays without hours", func(f *PlanForm, _ *PlanContext) { row(f, ElementNorwegian).Hours = "" }, "norwegian_hours", "fjern avkryssingen"},
		{"a description alone", func(f *PlanForm, _ *PlanContext) { row(f, ElementOther).Description = "Svømming" }, "other_hours", "tøm feltene"},
		{"hours not a number", func(f *PlanForm, _ *PlanContext) { row(f, ElementNorwegian).Hours = "femten" }, "norwegian_hours", "for eksempel 7,5"},
		{"hours 0", func(f *PlanForm, _ *PlanContext) { row(f, ElementNorwegian).Hours = "0" }, "norwegian_hours", "mer enn 0"},
		{"hours 50 (the most)", func(f *PlanForm, _ *PlanContext) {
			row(f, ElementNorwegian).Hours = "50"
			f.ConfirmDeviation, f.Comment = true, "Intensivkurs"
		}, "", ""},
		{"hours 50,25", func(f *PlanForm, _ *PlanContext) { row(f, ElementNorwegian).Hours = "50,25" }, "norwegian_hours", "høyst 50"},
		{"a weekend day", func(f *PlanForm, _ *PlanContext) { row(f, ElementNorwegian).Days = []string{"1", "6"} }, "norwegian_days", "mandag til fredag"},
		{"a weekday that is no number", func(f *PlanForm, _ *PlanContext) { row(f, ElementNorwegian).Days = []string{"x"} }, "norwegian_days", "mandag til fredag"},
		{"to on from", func(f *PlanForm, _ *PlanContext) {
			r := row(f, ElementOther)
			r.Hours, r.Days, r.From, r.To = "1", []string{"1"}, "2027-01-11", "2027-01-11"
			f.ConfirmDeviation, f.Comment = true, "Kurs en dag"
		}, "", ""},
		{"to before from", func(f *PlanForm, _ *PlanContext) {
			r := row(f, ElementOther)
			r.Hours, r.Days, r.From, r.To = "1", []string{"1"}, "2027-01-11", "2027-01-10"
		}, "other_to", "før fra-datoen"},
		{"from no date", func(f *PlanForm, _ *PlanContext) { row(f, ElementNorwegian).From = "snart" }, "norwegian_from", "må være en dato"},
		{"to on valid_from", func(f *PlanForm, _ *PlanContext) {
			row(f, ElementWorkPractice).To = "2026-11-30"
			f.ConfirmDeviation, f.Comment = true, "Praksisen slutter"
		}, "", ""},
		{"to before valid_from", func(f *PlanForm, _ *PlanContext) { row(f, ElementWorkPractice).To = "2026-11-29" }, "work_practice_to", "slutter før planen gjelder fra (30.11.2026)"},
		{"from on valid_from", func(f *PlanForm, _ *PlanContext) { row(f, ElementWorkPractice).From = "2026-11-30" }, "", ""},
		{"from before valid_from", func(f *PlanForm, _ *PlanContext) { row(f, ElementWorkPractice).From = "2026-11-29" }, "work_practice_from", "før planen gjelder fra"},
		{"to on the planned end", func(f *PlanForm, c *PlanContext) {
			c.PlannedEnd = ptr(day("2027-06-30"))
			row(f, ElementWorkPractice).To = "2027-06-30"
		}, "", ""},
		{"to after the planned end", func(f *PlanForm, c *PlanContext) {
			c.PlannedEnd = ptr(day("2027-06-30"))
			row(f, ElementWorkPractice).To = "2027-07-01"
		}, "work_practice_to", "lenger enn programmet"},
		{"from after the planned end", func(f *PlanForm, c *PlanContext) {
			c.PlannedEnd = ptr(day("2027-06-30"))
			row(f, ElementWorkPractice).From = "2027-07-01"
		}, "work_practice_from", "etter planlagt slutt"},
		{"unknown kind", func(f *PlanForm, _ *PlanContext) {
			f.Rows = append(f.Rows, PlanRowForm{Kind: "yoga", Hours: "1", Days: []string{"1"}})
		}, "yoga_hours", "Ukjent tiltak"},
		{"a kind twice", func(f *PlanForm, _ *PlanContext) {
			f.Rows = append(f.Rows, PlanRowForm{Kind: ElementNorwegian, Hours: "1", Days: []string{"1"}})
		}, "norwegian_hours", "to ganger"},
		{"no element", func(f *PlanForm, _ *PlanContext) { f.Rows = NewPlanForm().Rows }, "norwegian_hours", "minst ett tiltak"},
		{"description of 200", func(f *PlanForm, _ *PlanContext) { row(f, ElementNorwegian).Description = long(200) }, "", ""},
		{"description of 201", func(f *PlanForm, _ *PlanContext) { row(f, ElementNorwegian).Description = long(201) }, "norwegian_description", "høyst 200"},
		{"description with a control character", func(f *PlanForm, _ *PlanContext) { row(f, ElementNorwegian).Description = "a\x07b" }, "norwegian_description", "Beskrivelsen"},
		{"comment of 1000", func(f *PlanForm, _ *PlanContext) { f.Comment = long(1000) }, "", ""},
		{"comment of 1001", func(f *PlanForm, _ *PlanContext) { f.Comment = long(1001) }, "comment", "høyst 1000"},
	} {
		t.Run(c.name, func(t *testing.T) {
			f, ctx := planForm(), planCtx()
			c.edit(&f, &ctx)
			_, err := f.Validate(ctx)
			var de *Error
			switch {
			case c.field == "" && err != nil:
				errors.As(err, &de)
				t.Fatalf("refused: %v %v", err, de.Fields)
			case c.field == "":
			case !errors.As(err, &de):
				t.Fatalf("accepted, want %s refused", c.field)
			case !strings.Contains(de.Fields[c.field], c.msg):
				t.Fatalf("fields %v, want %s: …%s…", de.Fields, c.field, c.msg)
			case de.Code != EINVALID:
				t.Fatalf("code %s", de.Code)
			}
		})
	}
}

func TestPlanFormValidateWeeks(t *testing.T) {
	for _, c := range []struct {
		name  string
		edit  func(f *PlanForm, c *PlanContext)
		field string // "" = accepted
		msg   string
		runs  []string // the deviations of an accepted plan
	}{
		{"37,5 h every week", func(*PlanForm, *PlanContext) {}, "", "", nil},
		{"35 h is refused", func(f *PlanForm, _ *PlanContext) { row(f, ElementSocialStudies).Hours = "5" },
			"confirm_deviation", "uke 49 2026–47 2027: 35 t, 2,5 t under 37,5", nil},
		{"40 h is refused", func(f *PlanForm, _ *PlanContext) { row(f, ElementSocialStudies).Hours = "10" },
			"confirm_deviation", "40 t, 2,5 t over 37,5", nil},
		{"35 h confirmed without a comment", func(f *PlanForm, _ *PlanContext) {
			row(f, ElementSocialStudies).Hours = "5"
			f.ConfirmDeviation = true
		}, "comment", "Forklar", nil},
		{"35 h confirmed and explained", func(f *PlanForm, _ *PlanContext) {
			row(f, ElementSocialStudies).Hours = "5"
			f.ConfirmDeviation, f.Comment = true, "Deltakeren har barn i tilvenning"
		}, "", "", []string{"uke 49 2026–47 2027: 35 t, 2,5 t under 37,5"}},
		{"a confirmation without deviation is harmless", func(f *PlanForm, _ *PlanContext) { f.ConfirmDeviation = true }, "", "", nil},
		{"self-study: 30 h", func(f *PlanForm, _ *PlanContext) {
			f.SelfStudy = true
			row(f, ElementWorkPractice).Hours = "7,5"
		}, "", "", nil},
		{"self-study: 37,5 h is over", func(f *PlanForm, _ *PlanContext) { f.SelfStudy = true },
			"confirm_deviation", "37,5 t, 7,5 t over 30", nil},
		{"30 h without self-study is under", func(f *PlanForm, _ *PlanContext) { row(f, ElementWorkPractice).Hours = "7,5" },
			"confirm_deviation", "30 t, 7,5 t under 37,5", nil},
		{"an element that ends", func(f *PlanForm, c *PlanContext) {
			c.PlannedEnd = ptr(day("2027-03-31"))
			row(f, ElementWorkPractice).To = "2027-01-08" // the Friday of week 1
			f.ConfirmDeviation, f.Comment = true, "Ny praksisplass fra februar"
		}, "", "", []string{"uke 2–12: 22,5 t, 15 t under 37,5"}},
		{"the rates change", func(f *PlanForm, c *PlanContext) {
			c.PlannedEnd = ptr(day("2027-01-31"))
			c.Rates = append(slices.Clone(planRates), Rate{ID: 9, Kind: RateFullTimeMinutes, EffectiveFrom: day("2027-01-04"), Value: 2100})
			f.ConfirmDeviation, f.Comment = true, "Ny sats"
		}, "", "", []string{"uke 1–4: 37,5 t, 2,5 t over 35"}},
		{"no full-time rate", func(f *PlanForm, c *PlanContext) { c.Rates = nil },
			"confirm_deviation", "fulltid mangler i satstabellen", nil},
		{"a part week at the end is not refused", func(f *PlanForm, c *PlanContext) {
			c.PlannedEnd = ptr(day("2027-06-30")) // a Wednesday: 24 h that week
		}, "", "", nil},
		{"a placement's hours replace the plan's work practice", func(f *PlanForm, c *PlanContext) {
			c.PlannedEnd = ptr(day("2027-01-31"))
			c.Placements = []Placement{{ID: 1, WorksiteName: "Kafé Nord", MinutesPerWeek: 900, Weekdays: []int16{1, 2, 3},
				Start: day("2026-12-07"), PlannedEnd: day("2027-01-31"), Status: PlacementActive}}
		}, "", "", nil},
		{"a placement over the plan's work practice is refused", func(f *PlanForm, c *PlanContext) {
			c.PlannedEnd = ptr(day("2027-01-31"))
			c.Placements = []Placement{{ID: 1, WorksiteName: "Kafé Nord", MinutesPerWeek: 1200, Weekdays: []int16{1, 2, 3},
				Start: day("2026-12-07"), PlannedEnd: day("2027-01-31"), Status: PlacementActive}}
		}, "confirm_deviation", "42,5 t, 5 t over 37,5", nil},
		{"a later version ends the check", func(f *PlanForm, c *PlanContext) {
			c.Until = ptr(day("2026-12-06"))
			row(f, ElementSocialStudies).Hours = "5"
		}, "confirm_deviation", "uke 49: 35 t", nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			f, ctx := planForm(), planCtx()
			c.edit(&f, &ctx)
			check, err := f.Validate(ctx)
			var de *Error
			switch {
			case c.field == "" && err != nil:
				errors.As(err, &de)
				t.Fatalf("refused: %v %v", err, de.Fields)
			case c.field == "":
				if got := DeviationTexts(check.Deviations); !slices.Equal(got, c.runs) {
					t.Fatalf("deviations %q, want %q", got, c.runs)
				}
			case !errors.As(err, &de):
				t.Fatalf("accepted, want %s refused", c.field)
			case !strings.Contains(de.Fields[c.field], c.msg):
				t.Fatalf("fields %v, want %s: …%s…", de.Fields, c.field, c.msg)
			case len(check.Weeks) == 0:
				t.Fatal("a refusal for the weeks returns no weeks")
			}
		})
	}
}

func TestPlanWeekSumsAcrossVersions(t *testing.T) {
	full := PlanVersion{ID: 1, ValidFrom: day("2026-11-30"), Elements: []PlanElement{
		{Kind: ElementNorwegian, MinutesPerWeek: 2250, Weekdays: []int16{1, 2, 3, 4, 5}}}} // 7,5 h a day
	self := PlanVersion{ID: 2, ValidFrom: day("2026-12-09"), SelfStudy: true, Elements: []PlanElement{
		{Kind: ElementNorwegian, MinutesPerWeek: 1800, Weekdays: []int16{1, 2, 3, 4, 5}}}} // 6 h a day
	ws := PlanWeekSums([]PlanVersion{full, self}, planRates, day("2026-11-25"), day("2026-12-17"))
	type w struct {
		monday          string
		days, min, targ int
		dev             bool
	}
	want := []w{
		// 25 Nov (Wed): no version yet that week; 30 Nov: the first version.
		{"2026-11-30", 5, 2250, 2250, false},
		// Mon–Tue full time, Wed–Fri self-study: 2 × 450 + 3 × 360.
		{"2026-12-07", 5, 900 + 1080, 900 + 1080, false},
		// 14–17 Dec: a part week of 4 days, shown and not refused.
		{"2026-12-14", 4, 1440, 1440, false},
	}
	if len(ws) != len(want) {
		t.Fatalf("weeks %+v", ws)
	}
	for i, x := range want {
		g := ws[i]
		if g.Monday.Format("2006-01-02") != x.monday || g.Days != x.days || g.Minutes != x.min || g.Target != x.targ || g.Deviates() != x.dev {
			t.Errorf("week %d = %+v, want %+v", i, g, x)
		}
	}
	// A part week off its target is shown with its difference, not flagged.
	part := WeekSum{Monday: day("2026-12-14"), Days: 3, Minutes: 600, Target: 1350, HasTarget: true}
	if part.Deviates() || part.DiffText() != "12,5 t under 22,5" {
		t.Errorf("part week: deviates %v, %q", part.Deviates(), part.DiffText())
	}
}

func TestPlanHorizon(t *testing.T) {
	for _, c := range []struct {
		from       string
		end, until *time.Time
		want       string
	}{
		{"2026-11-30", nil, nil, "2027-11-28"},                                       // 52 weeks: the Sunday of the 52nd
		{"2026-12-02", nil, nil, "2027-11-28"},                                       // from mid-week: the same weeks
		{"2026-11-30", ptr(day("2027-03-31")), nil, "2027-03-31"},                    // the planned end
		{"2026-11-30", ptr(day("2027-03-31")), ptr(day("2027-01-03")), "2027-01-03"}, // a later version first
		{"2026-11-30", ptr(day("2027-01-03")), ptr(day("2027-03-31")), "2027-01-03"},
	} {
		if got := PlanHorizon(day(c.from), c.end, c.until); !got.Equal(day(c.want)) {
			t.Errorf("PlanHorizon(%s, %v, %v) = %s, want %s", c.from, c.end, c.until, got.Format("2006-01-02"), c.want)
		}
	}
}

func TestPlanFormFromVersion(t *testing.T) {
	v := &PlanVersion{SelfStudy: true, Elements: []PlanElement{
		{Kind: ElementNorwegian, MinutesPerWeek: 900, Weekdays: []int16{5, 1, 3}, From: ptr(day("2026-09-01")), Description: "Spor 2"},
		{Kind: ElementWorkPractice, MinutesPerWeek: 450, Weekdays: []int16{2}, To: ptr(day("2026-12-04"))}, // ends before
		{Kind: ElementEducation, MinutesPerWeek: 270, Weekdays: []int16{4}, From: ptr(day("2027-01-04")), To: ptr(day("2027-02-26"))},
	}}
	f := PlanFormFrom(v, day("2026-12-07"))
	if f.ValidFrom != "2026-12-07" || !f.SelfStudy || f.Comment != "" || len(f.Rows) != 8 {
		t.Fatalf("form %+v", f)
	}
	n := row(&f, ElementNorwegian)
	if n.Hours != "15" || !slices.Equal(n.Days, []string{"1", "3", "5"}) || n.From != "" || n.Description != "Spor 2" {
		t.Errorf("norwegian row %+v (a period begun before the new version starts with it)", n)
	}
	if r := row(&f, ElementWorkPractice); !r.empty() {
		t.Errorf("an element that ended is not carried over: %+v", r)
	}
	if r := row(&f, ElementEducation); r.Hours != "4,5" || r.From != "2027-01-04" || r.To != "2027-02-26" {
		t.Errorf("education row %+v", r)
	}
	if f := PlanFormFrom(nil, day("2026-12-07")); f.ValidFrom != "2026-12-07" || len(f.Rows) != 8 || !f.Rows[0].empty() {
		t.Errorf("empty form %+v", f)
	}
}

func TestPlanFormatting(t *testing.T) {
	for _, c := range []struct {
		days []int16
		want string
	}{
		{[]int16{1, 2, 3, 4, 5}, "man–fre"},
		{[]int16{3, 1, 2}, "man, tir, ons"},
		{[]int16{5}, "fre"},
	} {
		if got := FormatWeekdays(c.days); got != c.want {
			t.Errorf("FormatWeekdays(%v) = %q, want %q", c.days, got, c.want)
		}
	}
	e := PlanElement{Kind: ElementWorkPractice, MinutesPerWeek: 900, Weekdays: []int16{1, 2, 3}, From: ptr(day("2026-12-01")), To: ptr(day("2027-01-31")), Description: "Kafé"}
	if got := ElementSummary(e); got != "Arbeidspraksis 15 t man, tir, ons (01.12.2026–31.01.2027): Kafé" {
		t.Errorf("ElementSummary = %q", got)
	}
	ch := PlanChanges(PlanVersion{ValidFrom: day("2026-11-30"), Comment: "Ny plan", Elements: []PlanElement{e}})
	if ch["plan_valid_from"].New != "2026-11-30" || ch["plan_elements"].New != ElementSummary(e) || ch["plan_comment"].New != "Ny plan" || ch["plan_self_study"].New != "false" {
		t.Errorf("PlanChanges = %+v", ch)
	}
	for f := range ch {
		if l := AuditFieldLabel(f); l == f {
			t.Errorf("audit field %s has no label", f)
		}
	}
}
