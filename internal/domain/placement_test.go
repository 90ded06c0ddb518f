package domain

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// Week 12 of 2027 runs Monday 22 to Sunday 28 March; week 13 from 29 March.

func plc(id int64, start, end string, minutes int, days ...int16) Placement {
	if len(days) == 0 {
		days = []int16{1, 2, 3, 4, 5}
	}
	return Placement{ID: id, WorksiteID: 7, WorksiteName: "Kafé Nord", EmployerName: "Nord AS", MinutesPerWeek: minutes,
		Weekdays: days, Start: day(start), PlannedEnd: day(end), Goal: PlacementGoalLanguage, Status: PlacementActive}
}

func ended(p Placement, status, on string) Placement {
	p.Status = status
	if on != "" {
		d := day(on)
		p.EndedOn = &d
	}
	return p
}

// plan37 is a 37,5-hour plan from 2027-01-04: Norwegian 15 h Mon–Fri,
// work practice 15 h Mon–Wed, social studies 7,5 h Thu–Fri.
func plan37(from string, selfStudy bool) PlanVersion {
	return PlanVersion{ID: 1, ValidFrom: day(from), SelfStudy: selfStudy, Elements: []PlanElement{
		{Kind: ElementNorwegian, MinutesPerWeek: 900, Weekdays: []int16{1, 2, 3, 4, 5}},
		{Kind: ElementWorkPractice, MinutesPerWeek: 900, Weekdays: []int16{1, 2, 3}},
		{Kind: ElementSocialStudies, MinutesPerWeek: 450, Weekdays: []int16{4, 5}},
	}}
}

// plan30 is 30 h without work practice.
func plan30(id int64, from string) PlanVersion {
	return PlanVersion{ID: id, ValidFrom: day(from), Elements: []PlanElement{
		{Kind: ElementNorwegian, MinutesPerWeek: 1800, Weekdays: []int16{1, 2, 3, 4, 5}},
	}}
}

func TestPlacementInWeekBoundaries(t *testing.T) {
	mon12, mon13 := day("2027-03-22"), day("2027-03-29")
	for _, c := range []struct {
		name       string
		p          Placement
		in12, in13 bool
	}{
		{"starts Sunday before week 13: only week 13", plc(1, "2027-03-28", "2027-04-30", 900), false, true},
		{"starts Monday of week 13", plc(1, "2027-03-29", "2027-04-30", 900), false, true},
		{"ends Friday of week 12", plc(1, "2027-03-01", "2027-03-26", 900), true, false},
		{"ends Sunday of week 12", plc(1, "2027-03-01", "2027-03-28", 900), true, false},
		{"ends Monday of week 13", plc(1, "2027-03-01", "2027-03-29", 900), true, true},
		{"ended early in week 11", ended(plc(1, "2027-03-01", "2027-04-30", 900), PlacementEnded, "2027-03-19"), false, false},
		{"aborted before it began holds nothing", ended(plc(1, "2027-03-22", "2027-04-30", 900), PlacementAborted, ""), false, false},
	} {
		if got := c.p.InWeek(mon12); got != c.in12 {
			t.Errorf("%s: in week 12 = %v, want %v", c.name, got, c.in12)
		}
		if got := c.p.InWeek(mon13); got != c.in13 {
			t.Errorf("%s: in week 13 = %v, want %v", c.name, got, c.in13)
		}
	}
}

func TestPlacementMinutesOn(t *testing.T) {
	p := plc(1, "2027-03-24", "2027-04-30", 1000, 1, 3, 5) // from a Wednesday
	for d, want := range map[string]int{
		"2027-03-22": 0,   // Monday before the start
		"2027-03-24": 333, // Wednesday: 1000 / 3, the remainder on Monday
		"2027-03-25": 0,   // Thursday: not a weekday of it
		"2027-03-26": 333,
		"2027-03-29": 334,
		"2027-03-27": 0, // Saturday
	} {
		if got := p.MinutesOn(day(d)); got != want {
			t.Errorf("MinutesOn(%s) = %d, want %d", d, got, want)
		}
	}
}

func TestCheckPlacementOverlap(t *testing.T) {
	other := plc(2, "2027-02-01", "2027-04-30", 900)
	for _, c := range []struct {
		name  string
		p     Placement
		other Placement
		want  bool // refused
	}{
		{"starts the day after", plc(1, "2027-05-01", "2027-06-30", 900), other, false},
		{"starts on the last day: one day of overlap", plc(1, "2027-04-30", "2027-06-30", 900), other, true},
		{"ends the day before", plc(1, "2027-01-04", "2027-01-31", 900), other, false},
		{"ends on the first day", plc(1, "2027-01-04", "2027-02-01", 900), other, true},
		{"within", plc(1, "2027-03-01", "2027-03-05", 900), other, true},
		{"the other ended early", plc(1, "2027-04-01", "2027-06-30", 900), ended(other, PlacementEnded, "2027-03-31"), false},
		{"the other ended on our start", plc(1, "2027-04-01", "2027-06-30", 900), ended(other, PlacementEnded, "2027-04-01"), true},
		{"the other aborted before it began", plc(1, "2027-03-01", "2027-06-30", 900), ended(other, PlacementAborted, ""), false},
		{"the same placement (an edit)", plc(2, "2027-03-01", "2027-06-30", 900), other, false},
	} {
		msg := CheckPlacementOverlap(c.p, []Placement{c.other})
		if (msg != "") != c.want {
			t.Errorf("%s: %q, want refused %v", c.name, msg, c.want)
		}
		if msg != "" && !strings.Contains(msg, "Overlapper praksisplassen hos Kafé Nord (Nord AS) 01.02.2027–") {
			t.Errorf("%s: message %q names neither the worksite nor the period", c.name, msg)
		}
	}
}

func TestCheckPlacementCapacity(t *testing.T) {
	// Three places; two placements run to Friday of week 12, one to week 14.
	at := []Placement{
		plc(11, "2027-03-01", "2027-03-26", 600),
		plc(12, "2027-03-01", "2027-03-26", 600),
		plc(13, "2027-03-01", "2027-04-09", 600),
	}
	for _, c := range []struct {
		name   string
		p      Placement
		places int
		want   string
	}{
		{"one over in week 12", plc(1, "2027-03-22", "2027-04-30", 600), 3, "Arbeidsstedet har 3 plasser; i uke 12 2027 er 3 i bruk."},
		{"exactly full in week 12 with four places", plc(1, "2027-03-22", "2027-04-30", 600), 4, ""},
		{"from Monday of week 13: two free", plc(1, "2027-03-29", "2027-04-30", 600), 2, ""},
		{"from Sunday of week 12: counts from week 13", plc(1, "2027-03-28", "2027-04-30", 600), 2, ""},
		{"from Friday of week 12: one over", plc(1, "2027-03-26", "2027-04-30", 600), 3, "i uke 12 2027 er 3 i bruk"},
		{"one place, one in use to week 14", plc(1, "2027-03-29", "2027-04-30", 600), 1, "Arbeidsstedet har 1 plass; i uke 13 2027 er 1 i bruk."},
		{"no places at all", plc(1, "2027-05-03", "2027-05-07", 600), 0, "Arbeidsstedet har 0 plasser; i uke 18 2027 er 0 i bruk."},
		{"an edit of a placement counted once", plc(13, "2027-03-01", "2027-04-09", 600), 3, ""},
	} {
		got := CheckPlacementCapacity(c.p, c.places, at)
		if (c.want == "") != (got == "") || !strings.Contains(got, c.want) {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}

func TestCheckPlacementHours(t *testing.T) {
	v37 := []PlanVersion{plan37("2027-01-04", false)}
	v30 := []PlanVersion{plan30(1, "2027-01-04")}
	// A week split by a new version on Wednesday of week 12: 30 h without
	// work practice to Tuesday, then 37,5 with 15 h of work practice.
	split := []PlanVersion{plan30(1, "2027-01-04"), {ID: 2, ValidFrom: day("2027-03-24"), Elements: []PlanElement{
		{Kind: ElementNorwegian, MinutesPerWeek: 2250, Weekdays: []int16{1, 2, 3, 4, 5}},
	}}}
	selfStudy := []PlanVersion{{ID: 1, ValidFrom: day("2027-01-04"), SelfStudy: true, Elements: []PlanElement{
		{Kind: ElementNorwegian, MinutesPerWeek: 1500, Weekdays: []int16{1, 2, 3, 4, 5}},
	}}}
	for _, c := range []struct {
		name     string
		p        Placement
		others   []Placement
		versions []PlanVersion
		want     string
	}{
		{"37,5 with work practice 15 + placement 15: the practice is replaced", plc(1, "2027-03-22", "2027-04-30", 900), nil, v37, ""},
		{"37,5 with work practice 15 + placement 20: over", plc(1, "2027-03-22", "2027-04-30", 1200), nil, v37,
			"Uke 12 2027: ukeplan 22,5 t + praksis 20 t = 42,5 t, over 37,5 t."},
		{"30 h + 7,5 h: exactly full", plc(1, "2027-03-22", "2027-04-30", 450), nil, v30, ""},
		{"30 h + 15 h: over", plc(1, "2027-03-22", "2027-04-30", 900), nil, v30,
			"Uke 12 2027: ukeplan 30 t + praksis 15 t = 45 t, over 37,5 t."},
		{"from Sunday: week 12 not counted, week 13 over", plc(1, "2027-03-28", "2027-04-30", 900), nil, v30, "Uke 13 2027:"},
		{"from Thursday of week 12: 2 of 5 days", plc(1, "2027-03-25", "2027-04-02", 900, 4, 5), nil, v30, "Uke 12 2027: ukeplan 30 t + praksis 15 t"},
		{"from Thursday on Mon–Wed days: nothing in week 12", plc(1, "2027-03-25", "2027-03-26", 900, 1, 2, 3), nil, v30, ""},
		{"ends Friday of week 12, plan over only from week 13", plc(1, "2027-03-15", "2027-03-26", 450), nil,
			[]PlanVersion{plan30(1, "2027-01-04"), {ID: 2, ValidFrom: day("2027-03-29"), Elements: []PlanElement{{Kind: ElementNorwegian, MinutesPerWeek: 2250, Weekdays: []int16{1, 2, 3, 4, 5}}}}}, ""},
		{"week split by a new version: 2 days of 30 h, 3 of 37,5 h + 7,5", plc(1, "2027-03-22", "2027-04-30", 450), nil, split,
			"Uke 12 2027: ukeplan 34,5 t + praksis 7,5 t = 42 t, over 37,5 t."},
		{"self-study: target 30 h", plc(1, "2027-03-22", "2027-04-30", 450), nil, selfStudy,
			"Uke 12 2027: ukeplan 25 t + praksis 7,5 t = 32,5 t, over 30 t."},
		{"another placement in the same week counts", plc(1, "2027-03-24", "2027-04-30", 900, 3, 4, 5),
			[]Placement{plc(2, "2027-03-01", "2027-03-23", 900, 1, 2)}, v30,
			"Uke 12 2027: ukeplan 30 t + praksis 30 t = 60 t"},
		{"no plan at all: 20 h alone", plc(1, "2027-03-22", "2027-04-30", 1200), nil, nil, ""},
	} {
		got := CheckPlacementHours(c.p, c.others, c.versions, planRates)
		if (c.want == "") != (got == "") || !strings.Contains(got, c.want) {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}

func TestPlacementWeekSumsAndDayMinutes(t *testing.T) {
	v := []PlanVersion{plan37("2027-01-04", false)}
	p := plc(1, "2027-03-29", "2027-04-30", 900, 1, 2, 3)
	ws := PlacementWeekSums(v, []Placement{p}, planRates, day("2027-03-22"), day("2027-04-04"))
	if len(ws) != 2 {
		t.Fatalf("weeks: %+v", ws)
	}
	if ws[0].Minutes != 2250 || ws[0].Practice != 0 {
		t.Errorf("week 12 (before the placement): %+v", ws[0])
	}
	if ws[1].Minutes != 2250 || ws[1].Practice != 900 || ws[1].Deviates() {
		t.Errorf("week 13 (the placement replaces the plan's work practice): %+v", ws[1])
	}
	if got := PlanWeekSums(v, planRates, day("2027-03-29"), day("2027-04-04")); got[0].Minutes != 2250 || got[0].Practice != 0 {
		t.Errorf("PlanWeekSums without placements changed: %+v", got)
	}
	// Monday 29 March: Norwegian 3 h + placement 5 h (work practice 5 h replaced).
	if got := DayMinutes(v, []Placement{p}, day("2027-03-29")); got != 180+300 {
		t.Errorf("DayMinutes Monday = %d", got)
	}
	// Monday 22 March: no placement that week: the plan's 3 + 5 h.
	if got := DayMinutes(v, []Placement{p}, day("2027-03-22")); got != 480 {
		t.Errorf("DayMinutes week before = %d", got)
	}
	ap := AttendanceParticipant{Plans: v, Placements: []Placement{p}}
	if got := ap.Expected(day("2027-03-29")); got != 480 {
		t.Errorf("Expected = %d", got)
	}
}

func TestPlacementFollowupDue(t *testing.T) {
	p := plc(1, "2027-03-01", "2027-06-30", 900)
	if d, ok := p.FollowupDue(); !ok || !d.Equal(day("2027-04-12")) {
		t.Errorf("due from the start: %v %v", d, ok)
	}
	f := day("2027-04-05")
	p.LastFollowup = &f
	if d, _ := p.FollowupDue(); !d.Equal(day("2027-05-17")) {
		t.Errorf("due from the last follow-up: %v", d)
	}
	q := plc(2, "2027-03-15", "2027-06-30", 900)
	planned := plc(3, "2027-01-01", "2027-06-30", 900)
	planned.Status = PlacementPlanned
	if d, ok := PlacementFollowupDue([]Placement{p, q, planned}); !ok || !d.Equal(day("2027-04-26")) {
		t.Errorf("earliest of the active: %v %v", d, ok)
	}
	if _, ok := PlacementFollowupDue([]Placement{planned, ended(q, PlacementEnded, "2027-04-01")}); ok {
		t.Error("no active placement: nothing due")
	}
}

func TestPlacementFormValidate(t *testing.T) {
	good := PlacementForm{WorksiteID: "7", SupervisorID: "3", Hours: "15", Weekdays: []string{"1", "3"}, Start: "2027-03-22",
		PlannedEnd: "2027-06-30", Goal: PlacementGoalWorkTrial, Status: PlacementPlanned}
	in, err := good.Validate(false)
	if err != nil || in.MinutesPerWeek != 900 || *in.SupervisorID != 3 || len(in.Weekdays) != 2 {
		t.Fatalf("valid form: %+v %v", in, err)
	}
	for _, c := range []struct {
		name  string
		edit  func(*PlacementForm)
		field string
	}{
		{"no worksite", func(f *PlacementForm) { f.WorksiteID = "" }, "worksite_id"},
		{"bad supervisor", func(f *PlacementForm) { f.SupervisorID = "x" }, "supervisor_id"},
		{"no hours", func(f *PlacementForm) { f.Hours = "" }, "hours"},
		{"hours not a number", func(f *PlacementForm) { f.Hours = "mye" }, "hours"},
		{"too many hours", func(f *PlacementForm) { f.Hours = "40" }, "hours"},
		{"no weekdays", func(f *PlacementForm) { f.Weekdays = nil }, "weekdays"},
		{"Saturday", func(f *PlacementForm) { f.Weekdays = []string{"6"} }, "weekdays"},
		{"bad start", func(f *PlacementForm) { f.Start = "22.13.2027" }, "start_date"},
		{"end before start", func(f *PlacementForm) { f.PlannedEnd = "2027-03-21" }, "planned_end"},
		{"unknown goal", func(f *PlacementForm) { f.Goal = "fun" }, "goal"},
		{"ended is not a form status", func(f *PlacementForm) { f.Status = PlacementEnded }, "status"},
	} {
		f := good
		c.edit(&f)
		_, err := f.Validate(false)
		var e *Error
		if !errors.As(err, &e) || e.Fields[c.field] == "" {
			t.Errorf("%s: %v, want a message on %s", c.name, err, c.field)
		}
	}
	if _, err := good.Validate(true); err == nil {
		t.Error("an update without a version was accepted")
	}
}

func TestCheckPlacementSupervisorAndWorksite(t *testing.T) {
	sid := int64(3)
	p := plc(0, "2027-03-22", "2027-04-30", 600)
	p.SupervisorID = &sid
	ws := &PlacementWorksite{ID: 7, EmployerID: 1, Name: "Kafé Nord", EmployerName: "Nord AS", Places: 2, Active: true}
	for _, c := range []struct {
		name  string
		sv    *PlacementSupervisor
		ws    *PlacementWorksite
		field string
	}{
		{"fine", &PlacementSupervisor{ID: 3, EmployerID: 1, Name: "Eva", IsSupervisor: true, Active: true}, ws, ""},
		{"another employer's supervisor", &PlacementSupervisor{ID: 3, EmployerID: 2, Name: "Eva", IsSupervisor: true}, ws, "supervisor_id"},
		{"a contact, not a supervisor", &PlacementSupervisor{ID: 3, EmployerID: 1, Name: "Eva"}, ws, "supervisor_id"},
		{"no such worksite", nil, nil, "worksite_id"},
		{"inactive worksite", &PlacementSupervisor{ID: 3, EmployerID: 1, Name: "Eva", IsSupervisor: true}, &PlacementWorksite{ID: 7, EmployerID: 1, Name: "Kafé Nord", Places: 2}, "worksite_id"},
	} {
		err := CheckPlacement(p, PlacementContext{Worksite: c.ws, Supervisor: c.sv, WorksiteChanged: true, Rates: planRates})
		var e *Error
		if c.field == "" {
			if err != nil {
				t.Errorf("%s: %v", c.name, err)
			}
			continue
		}
		if !errors.As(err, &e) || e.Fields[c.field] == "" {
			t.Errorf("%s: %v, want a message on %s", c.name, err, c.field)
		}
	}
}

func TestPlacementStatusForm(t *testing.T) {
	today := day("2027-04-15")
	active := plc(1, "2027-03-01", "2027-06-30", 900)
	active.Version = 2
	planned := active
	planned.Status = PlacementPlanned
	planned.Start = day("2027-05-03")
	for _, c := range []struct {
		name   string
		p      Placement
		f      PlacementStatusForm
		status string
		field  string
	}{
		{"pause", active, PlacementStatusForm{Action: PlacementPause, Version: "2"}, PlacementPaused, ""},
		{"end", active, PlacementStatusForm{Action: PlacementEnd, EndedOn: "2027-04-15", Version: "2"}, PlacementEnded, ""},
		{"end without a date", active, PlacementStatusForm{Action: PlacementEnd, Version: "2"}, "", "ended_on"},
		{"end in the future", active, PlacementStatusForm{Action: PlacementEnd, EndedOn: "2027-04-16", Version: "2"}, "", "ended_on"},
		{"end before the start", active, PlacementStatusForm{Action: PlacementEnd, EndedOn: "2027-02-28", Version: "2"}, "", "ended_on"},
		{"abort without a reason", active, PlacementStatusForm{Action: PlacementAbort, EndedOn: "2027-04-15", Version: "2"}, "", "abort_reason"},
		{"abort with a reason", active, PlacementStatusForm{Action: PlacementAbort, AbortReason: "Flyttet", EndedOn: "2027-04-15", Version: "2"}, PlacementAborted, ""},
		{"abort a planned one before its start: no date", planned, PlacementStatusForm{Action: PlacementAbort, AbortReason: "Fikk annen plass", Version: "2"}, PlacementAborted, ""},
		{"pause a planned one", planned, PlacementStatusForm{Action: PlacementPause, Version: "2"}, "", "action"},
		{"no version", active, PlacementStatusForm{Action: PlacementPause}, "", "version"},
	} {
		in, err := c.f.Validate(c.p, today)
		var e *Error
		if c.field == "" {
			if err != nil || in.Status != c.status {
				t.Errorf("%s: %+v %v", c.name, in, err)
			}
			continue
		}
		if !errors.As(err, &e) || e.Fields[c.field] == "" {
			t.Errorf("%s: %v, want a message on %s", c.name, err, c.field)
		}
	}
}

func TestPlacementFollowupAndEvaluationForms(t *testing.T) {
	today := day("2027-04-15")
	p := plc(1, "2027-03-01", "2027-06-30", 900)
	if _, err := (PlacementFollowupForm{HeldOn: "2027-04-10", Participants: "Eva, tolk", Summary: "Går fint."}).Validate(p, today); err != nil {
		t.Errorf("valid follow-up: %v", err)
	}
	for _, f := range []PlacementFollowupForm{
		{HeldOn: "", Summary: "x"},
		{HeldOn: "2027-02-01", Summary: "x"},
		{HeldOn: "2027-04-16", Summary: "x"},
		{HeldOn: "2027-04-10", Summary: " "},
		{HeldOn: "2027-04-10", Summary: "a\u202eb"},
	} {
		if _, err := f.Validate(p, today); err == nil {
			t.Errorf("follow-up %+v accepted", f)
		}
	}
	ev, err := (PlacementEvaluationForm{EvaluatedOn: "2027-04-15", GotJob: true, Version: "0"}).Validate(p, time.Date(2027, 4, 15, 0, 0, 0, 0, time.UTC))
	if err != nil || !ev.GotJob {
		t.Errorf("got-job evaluation: %+v %v", ev, err)
	}
	if _, err := (PlacementEvaluationForm{EvaluatedOn: "2027-04-15"}).Validate(p, today); err == nil {
		t.Error("an empty evaluation was accepted")
	}
	ch := PlacementEvaluationChanges(nil, ev)
	if ch["evaluation_got_job"].New != "true" {
		t.Errorf("changes: %v", ch)
	}
}

func TestPlacementChanges(t *testing.T) {
	p := plc(0, "2027-03-01", "2027-06-30", 900)
	ch := PlacementChanges(Placement{}, p)
	if ch["placement_worksite"].New != "Kafé Nord (Nord AS)" || ch["placement_hours"].New != "15" || ch["placement_start"].Old != "" {
		t.Errorf("create: %v", ch)
	}
	q := ended(p, PlacementEnded, "2027-04-01")
	ch = PlacementChanges(p, q)
	if len(ch) != 2 || ch["placement_status"].New != PlacementEnded || ch["placement_ended_on"].New != "2027-04-01" {
		t.Errorf("end: %v", ch)
	}
	for _, f := range []string{"placement_worksite", "placement_status", "evaluation_got_job", "followup_held_on"} {
		if AuditFieldLabel(f) == strings.ToUpper(f[:1])+strings.ReplaceAll(f[1:], "_", " ") {
			t.Errorf("field %s has no label", f)
		}
	}
}

func TestComputedDeadlineKinds(t *testing.T) {
	kinds := ComputedDeadlineKinds()
	for _, k := range kinds {
		if k == KindPlacementFollowup {
			t.Error("placement_followup is not computed from the person's dates")
		}
	}
	if len(kinds) != 4 {
		t.Errorf("kinds: %v", kinds)
	}
	if r, ok := DeadlineRuleOf(KindPlacementFollowup); !ok || r.Health || r.Title == "" {
		t.Errorf("rule: %+v %v", r, ok)
	}
}
