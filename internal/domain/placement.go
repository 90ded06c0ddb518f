package domain

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// Work-practice placements (arbeidspraksis, issue 9): a participant placed
// at a worksite with a supervisor, hours per week over weekdays, a period,
// a goal and a status; follow-up conversations and an end evaluation.
//
// Three rules guard a placement (CheckPlacement), each a pure function with
// its own refusal naming the week and the figures:
//   - overlap: a person holds at most one placement on any day;
//   - capacity: in no ISO week may a worksite's placements (every unit's: a
//     place is a place) exceed its places;
//   - 37.5 hours: in no ISO week may the weekly plan plus the placements
//     exceed the week's target (full_time_minutes, or self_study_minutes
//     when the plan version has self-study).
//
// A placement IS the participant's work practice: in a week where a
// placement runs, the plan's own elements of kind work_practice count as
// replaced by it (their minutes are left out of the week and of each day of
// it), so a 37.5-hour plan with "Arbeidspraksis 15 t" and a 15-hour
// placement is 37.5 hours, not 52.5. The same rule gives the plan page's
// week sums and the attendance grid's expected minutes (DayMinutes).

// Placement goals.
const (
	PlacementGoalLanguage  = "language"    // språkpraksis
	PlacementGoalWorkTrial = "work_trial"  // arbeidsutprøving
	PlacementGoalPathToJob = "path_to_job" // vei til jobb
)

var placementGoals = []Option{
	{PlacementGoalLanguage, "Språkpraksis"},
	{PlacementGoalWorkTrial, "Arbeidsutprøving"},
	{PlacementGoalPathToJob, "Vei til jobb"},
}

// PlacementGoals lists the goals of a placement (a fresh slice).
func PlacementGoals() []Option { return slices.Clone(placementGoals) }

// Placement statuses.
const (
	PlacementPlanned = "planned" // planlagt
	PlacementActive  = "active"  // aktiv
	PlacementPaused  = "paused"  // pause
	PlacementEnded   = "ended"   // avsluttet
	PlacementAborted = "aborted" // avbrutt (with a reason)
)

var placementStatuses = []Option{
	{PlacementPlanned, "Planlagt"},
	{PlacementActive, "Aktiv"},
	{PlacementPaused, "Pause"},
	{PlacementEnded, "Avsluttet"},
	{PlacementAborted, "Avbrutt"},
}

// PlacementStatuses lists the statuses (a fresh slice).
func PlacementStatuses() []Option { return slices.Clone(placementStatuses) }

// placementFormStatuses are the statuses the placement form offers; ending
// and aborting are actions of their own (with a date or a reason).
var placementFormStatuses = []Option{
	{PlacementPlanned, "Planlagt"},
	{PlacementActive, "Aktiv"},
	{PlacementPaused, "Pause"},
}

// PlacementFormStatuses lists the statuses the form offers.
func PlacementFormStatuses() []Option { return slices.Clone(placementFormStatuses) }

// PlacementFollowupWeeks is how long an active placement may go without a
// follow-up conversation before it is due on Frister.
const PlacementFollowupWeeks = 6

// Placement is a stored placement with the names the pages show.
type Placement struct {
	ID             int64      `db:"id"`
	PersonID       int64      `db:"person_id"`
	WorksiteID     int64      `db:"worksite_id"`
	WorksiteName   string     `db:"worksite_name"`
	EmployerName   string     `db:"employer_name"`
	SupervisorID   *int64     `db:"supervisor_id"`
	SupervisorName string     `db:"supervisor_name"`
	MinutesPerWeek int        `db:"minutes_per_week"`
	Weekdays       []int16    `db:"weekdays"`
	Start          time.Time  `db:"start_date"`
	PlannedEnd     time.Time  `db:"planned_end"`
	EndedOn        *time.Time `db:"ended_on"`
	Goal           string     `db:"goal"`
	Status         string     `db:"status"`
	AbortReason    string     `db:"abort_reason"`
	Version        int        `db:"version"`
	UpdatedAt      time.Time  `db:"updated_at"`
	LastFollowup   *time.Time `db:"last_followup"`
}

// Current reports whether the placement is planned, active or paused.
func (p Placement) Current() bool {
	return p.Status == PlacementPlanned || p.Status == PlacementActive || p.Status == PlacementPaused
}

// Holds reports whether the placement holds its period at all: planned,
// active and paused placements hold it to the planned end (or the end date
// when one is set); ended and aborted ones up to the day they ended, and
// not at all without one (aborted before it began).
func (p Placement) Holds() bool { return p.Current() || p.EndedOn != nil }

// LastDay is the last day the placement holds: the day it ended, else the
// planned end.
func (p Placement) LastDay() time.Time {
	if p.EndedOn != nil {
		return *p.EndedOn
	}
	return p.PlannedEnd
}

// HoldsOn reports whether the placement holds day.
func (p Placement) HoldsOn(day time.Time) bool {
	return p.Holds() && !day.Before(p.Start) && !day.After(p.LastDay())
}

// InWeek reports whether the placement holds any weekday (Monday–Friday)
// of the week starting monday. A placement starting on a Sunday is in the
// week after; one ending on a Friday is not in the next.
func (p Placement) InWeek(monday time.Time) bool {
	return p.Holds() && !p.Start.After(AddDays(monday, 4)) && !p.LastDay().Before(monday)
}

// MinutesOn is the placement's minutes on day: its weekly minutes spread
// over its weekdays as PlanElement.MinutesOn does, 0 on days it does not
// hold.
func (p Placement) MinutesOn(day time.Time) int {
	if !p.HoldsOn(day) {
		return 0
	}
	return PlanElement{MinutesPerWeek: p.MinutesPerWeek, Weekdays: p.Weekdays}.MinutesOn(day)
}

// Name is the worksite with its employer: "Kafé Nord (Bydel AS)".
func (p Placement) Name() string {
	if p.EmployerName == "" || p.EmployerName == p.WorksiteName {
		return p.WorksiteName
	}
	return p.WorksiteName + " (" + p.EmployerName + ")"
}

// Period shows the placement's period: "01.02.2027–30.04.2027".
func (p Placement) Period() string {
	last := p.LastDay()
	return FormatDate(&p.Start) + "–" + FormatDate(&last)
}

// FollowupDue is when an active placement's next follow-up is due: 6 weeks
// after the last follow-up, or after the start without one; ok is false for
// a placement that is not active.
func (p Placement) FollowupDue() (time.Time, bool) {
	if p.Status != PlacementActive {
		return time.Time{}, false
	}
	from := p.Start
	if p.LastFollowup != nil && p.LastFollowup.After(from) {
		from = *p.LastFollowup
	}
	return AddDays(from, 7*PlacementFollowupWeeks), true
}

// PlacementFollowupDue is the earliest follow-up due of a person's active
// placements (the one placement_followup deadline of the person).
func PlacementFollowupDue(ps []Placement) (time.Time, bool) {
	var due time.Time
	found := false
	for _, p := range ps {
		if d, ok := p.FollowupDue(); ok && (!found || d.Before(due)) {
			due, found = d, true
		}
	}
	return due, found
}

// PracticeInWeek reports whether any of the placements is in the week
// starting monday: the plan's work_practice elements are then replaced.
func PracticeInWeek(ps []Placement, monday time.Time) bool {
	return slices.ContainsFunc(ps, func(p Placement) bool { return p.InWeek(monday) })
}

// planMinutesOn is the version's minutes on day, without its work_practice
// elements when replaced.
func planMinutesOn(v *PlanVersion, day time.Time, replaced bool) int {
	if v == nil {
		return 0
	}
	total := 0
	for _, e := range v.Elements {
		if replaced && e.Kind == ElementWorkPractice {
			continue
		}
		total += e.MinutesOn(day)
	}
	return total
}

// DayMinutes is a participant's expected minutes on day: the plan version
// in force (its work_practice elements replaced in a week a placement runs)
// plus the placements' minutes that day.
func DayMinutes(versions []PlanVersion, ps []Placement, day time.Time) int {
	m := planMinutesOn(VersionOn(versions, day), day, PracticeInWeek(ps, WeekStart(day)))
	for _, p := range ps {
		m += p.MinutesOn(day)
	}
	return m
}

// WeekLoad is one whole ISO week of a person: the plan's minutes (work
// practice replaced where a placement runs), the placements' minutes and
// the week's target.
type WeekLoad struct {
	Monday    time.Time
	Plan      int
	Practice  int
	Target    int
	HasTarget bool
}

// Total is the plan's and the placements' minutes together.
func (w WeekLoad) Total() int { return w.Plan + w.Practice }

// PlacementWeekLoad sums the whole week starting monday: each weekday with
// the plan version in force that day (none: nothing planned), the
// placements' minutes, and the target: the weekly full-time figure of the
// rates in force on the Monday, the self-study figure for the days whose
// version has self-study (days without a version count as full time).
func PlacementWeekLoad(versions []PlanVersion, ps []Placement, rates RateTable, monday time.Time) WeekLoad {
	w := WeekLoad{Monday: monday, HasTarget: true}
	replaced := PracticeInWeek(ps, monday)
	var full, self int
	for i := 0; i < 5; i++ {
		d := AddDays(monday, i)
		v := VersionOn(versions, d)
		w.Plan += planMinutesOn(v, d, replaced)
		for _, p := range ps {
			w.Practice += p.MinutesOn(d)
		}
		if v != nil && v.SelfStudy {
			self++
		} else {
			full++
		}
	}
	for _, part := range []struct {
		days int
		self bool
	}{{full, false}, {self, true}} {
		if part.days == 0 {
			continue
		}
		t, ok := weeklyTarget(rates, monday, part.self)
		if !ok {
			w.HasTarget = false
		}
		w.Target += t * part.days / 5
	}
	return w
}

// weekLabel is "uke 12 2027".
func weekLabel(monday time.Time) string {
	y, n := monday.ISOWeek()
	return "uke " + strconv.Itoa(n) + " " + strconv.Itoa(y)
}

// placementWeeks lists the Mondays of the weeks p is in.
func placementWeeks(p Placement) []time.Time {
	var out []time.Time
	if !p.Holds() {
		return nil
	}
	for m := WeekStart(p.Start); !m.After(p.LastDay()); m = AddDays(m, 7) {
		if p.InWeek(m) {
			out = append(out, m)
		}
	}
	return out
}

// CheckPlacementOverlap refuses a placement whose period shares a day with
// another placement of the person that holds its period ("" when none
// does). others must not contain p itself.
func CheckPlacementOverlap(p Placement, others []Placement) string {
	if !p.Holds() {
		return ""
	}
	for _, o := range others {
		if o.ID != 0 && o.ID == p.ID || !o.Holds() {
			continue
		}
		if !o.Start.After(p.LastDay()) && !o.LastDay().Before(p.Start) {
			return "Overlapper praksisplassen hos " + o.Name() + " " + o.Period() + ". En deltaker kan ha én praksisplass om gangen."
		}
	}
	return ""
}

// CheckPlacementCapacity refuses a placement that would take the worksite
// over its places in some ISO week of its period: counted per week, every
// placement at the worksite that holds a weekday of the week uses a place
// ("" when every week has room). atWorksite are the worksite's other
// placements (every unit's).
func CheckPlacementCapacity(p Placement, places int, atWorksite []Placement) string {
	for _, m := range placementWeeks(p) {
		used := 0
		for _, o := range atWorksite {
			if (o.ID == 0 || o.ID != p.ID) && o.InWeek(m) {
				used++
			}
		}
		if used+1 > places {
			y, n := m.ISOWeek()
			return "Arbeidsstedet har " + strconv.Itoa(places) + " " + Plural(places, "plass", "plasser") + "; i uke " +
				strconv.Itoa(n) + " " + strconv.Itoa(y) + " er " + strconv.Itoa(used) + " i bruk."
		}
	}
	return ""
}

// Plural picks the singular for 1 and the plural otherwise ("1 dag", "2 dager").
func Plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// CheckPlacementHours refuses a placement that takes some whole ISO week of
// its period over the week's target, with the plan (its work practice
// replaced, see the top of this file) and the person's other placements
// ("" when no week is over). A week without a target in the rates is not
// judged.
func CheckPlacementHours(p Placement, others []Placement, versions []PlanVersion, rates RateTable) string {
	all := []Placement{p}
	for _, o := range others {
		if o.ID == 0 || o.ID != p.ID {
			all = append(all, o)
		}
	}
	for _, m := range placementWeeks(p) {
		w := PlacementWeekLoad(versions, all, rates, m)
		if w.HasTarget && w.Total() > w.Target {
			s := weekLabel(m)
			return strings.ToUpper(s[:1]) + s[1:] + ": ukeplan " + FormatHours(w.Plan) + " t + praksis " + FormatHours(w.Practice) +
				" t = " + FormatHours(w.Total()) + " t, over " + FormatHours(w.Target) + " t."
		}
	}
	return ""
}

// PlacementWorksite is what the rules need of a worksite.
type PlacementWorksite struct {
	ID           int64
	EmployerID   int64
	Name         string
	EmployerName string
	Places       int
	Active       bool
}

// PlacementSupervisor is what the rules need of a supervisor.
type PlacementSupervisor struct {
	ID           int64
	EmployerID   int64
	Name         string
	IsSupervisor bool
	Active       bool
}

// PlacementContext is what a placement is checked against.
type PlacementContext struct {
	Worksite   *PlacementWorksite   // nil: no such worksite
	Supervisor *PlacementSupervisor // nil: none chosen, or no such contact
	Others     []Placement          // the person's other placements
	AtWorksite []Placement          // the worksite's other placements (every unit)
	Versions   []PlanVersion        // the person's plan versions
	Rates      RateTable
	// WorksiteChanged is false when an edit keeps the worksite: an inactive
	// worksite then stays acceptable.
	WorksiteChanged bool
}

// CheckPlacement runs the worksite, supervisor, overlap, capacity and
// 37.5-hour rules for p and returns an *Error with the refusal on its field
// (worksite_id, supervisor_id, start_date, hours), or nil.
func CheckPlacement(p Placement, c PlacementContext) error {
	fields := map[string]string{}
	ws := c.Worksite
	switch {
	case ws == nil:
		fields["worksite_id"] = "Velg et arbeidssted fra listen."
	case !ws.Active && c.WorksiteChanged:
		fields["worksite_id"] = "Arbeidsstedet " + ws.Name + " er ikke aktivt. Velg et annet."
	}
	if p.SupervisorID != nil {
		sv := c.Supervisor
		switch {
		case sv == nil || !sv.IsSupervisor:
			fields["supervisor_id"] = "Velg en veileder fra listen."
		case ws != nil && sv.EmployerID != ws.EmployerID:
			fields["supervisor_id"] = sv.Name + " er ikke veileder hos " + ws.EmployerName + ". Velg en veileder hos arbeidsgiveren."
		}
	}
	if len(fields) == 0 {
		if msg := CheckPlacementOverlap(p, c.Others); msg != "" {
			fields["start_date"] = msg
		} else if msg := CheckPlacementCapacity(p, ws.Places, c.AtWorksite); msg != "" {
			fields["worksite_id"] = msg
		} else if msg := CheckPlacementHours(p, c.Others, c.Versions, c.Rates); msg != "" {
			fields["hours"] = msg
		}
	}
	if len(fields) == 0 {
		return nil
	}
	msg := "Praksisplassen er ikke lagret. Rett feltene som er markert."
	if len(fields) == 1 {
		for _, m := range fields {
			msg = "Praksisplassen er ikke lagret: " + m
		}
	}
	return &Error{Code: EINVALID, Message: msg, Fields: fields}
}

// PlacementForm is a placement as typed.
type PlacementForm struct {
	WorksiteID   string
	SupervisorID string
	Hours        string
	Weekdays     []string
	Start        string
	PlannedEnd   string
	Goal         string
	Status       string
	Version      string
}

// HasDay reports whether weekday d ("1"–"5") is ticked.
func (f PlacementForm) HasDay(d string) bool { return slices.Contains(f.Weekdays, d) }

// PlacementInput is a validated placement form.
type PlacementInput struct {
	WorksiteID     int64
	SupervisorID   *int64
	MinutesPerWeek int
	Weekdays       []int16
	Start          time.Time
	PlannedEnd     time.Time
	Goal           string
	Status         string
	Version        int
}

// maxPlacementMinutes is the most a placement may have per week (37.5 h;
// the rules refuse a week over the target anyway).
const maxPlacementMinutes = 2250

// PlacementFormFrom fills the form from a stored placement (for editing).
func PlacementFormFrom(p Placement) PlacementForm {
	f := PlacementForm{
		WorksiteID: strconv.FormatInt(p.WorksiteID, 10), Hours: FormatHours(p.MinutesPerWeek), Weekdays: WeekdayCodes(p.Weekdays),
		Start: FormatISODate(&p.Start), PlannedEnd: FormatISODate(&p.PlannedEnd), Goal: p.Goal, Status: p.Status,
		Version: strconv.Itoa(p.Version),
	}
	if p.SupervisorID != nil {
		f.SupervisorID = strconv.FormatInt(*p.SupervisorID, 10)
	}
	return f
}

// Validate checks the form on its own (the rules that need the worksite,
// the person's plan and other placements are CheckPlacement's). update
// requires a version.
func (f PlacementForm) Validate(update bool) (PlacementInput, error) {
	var in PlacementInput
	fields := map[string]string{}
	if id, err := strconv.ParseInt(strings.TrimSpace(f.WorksiteID), 10, 64); err != nil || id <= 0 {
		fields["worksite_id"] = "Velg et arbeidssted."
	} else {
		in.WorksiteID = id
	}
	if s := strings.TrimSpace(f.SupervisorID); s != "" {
		if id, err := strconv.ParseInt(s, 10, 64); err != nil || id <= 0 {
			fields["supervisor_id"] = "Velg en veileder fra listen."
		} else {
			in.SupervisorID = &id
		}
	}
	switch m, ok := ParseHours(f.Hours); {
	case strings.TrimSpace(f.Hours) == "":
		fields["hours"] = "Skriv timer per uke."
	case !ok:
		fields["hours"] = "Skriv timer per uke som et tall, for eksempel 15 eller 7,5."
	case m <= 0 || m > maxPlacementMinutes:
		fields["hours"] = "Timer per uke må være mer enn 0 og høyst " + FormatHours(maxPlacementMinutes) + "."
	default:
		in.MinutesPerWeek = m
	}
	for _, d := range f.Weekdays {
		n, err := strconv.Atoi(strings.TrimSpace(d))
		if err != nil || n < 1 || n > 5 {
			fields["weekdays"] = "Ukedagene må være mandag til fredag."
			break
		}
		if !slices.Contains(in.Weekdays, int16(n)) {
			in.Weekdays = append(in.Weekdays, int16(n))
		}
	}
	slices.Sort(in.Weekdays)
	if len(in.Weekdays) == 0 && fields["weekdays"] == "" {
		fields["weekdays"] = "Velg minst én ukedag."
	}
	date := func(field, s, what string) time.Time {
		if strings.TrimSpace(s) == "" {
			fields[field] = what + " må fylles ut."
			return time.Time{}
		}
		d, ok := ParseDate(s)
		if !ok || d.Year() < 1990 || d.Year() > 2100 {
			fields[field] = what + " må være en dato (åååå-mm-dd)."
			return time.Time{}
		}
		return d
	}
	in.Start = date("start_date", f.Start, "Startdato")
	in.PlannedEnd = date("planned_end", f.PlannedEnd, "Planlagt slutt")
	if !in.Start.IsZero() && !in.PlannedEnd.IsZero() {
		switch {
		case in.PlannedEnd.Before(in.Start):
			fields["planned_end"] = "Planlagt slutt kan ikke være før startdatoen."
		case in.PlannedEnd.After(in.Start.AddDate(2, 0, 0)):
			fields["planned_end"] = "En praksisplass kan vare høyst 2 år."
		}
	}
	if !hasOption(placementGoals, f.Goal) {
		fields["goal"] = "Velg mål for praksisen."
	}
	in.Goal = f.Goal
	if !hasOption(placementFormStatuses, f.Status) {
		fields["status"] = "Velg status: planlagt, aktiv eller pause. Avslutt eller avbryt med knappene på praksisplassen."
	}
	in.Status = f.Status
	if update {
		v, err := strconv.Atoi(strings.TrimSpace(f.Version))
		if err != nil || v <= 0 {
			fields["version"] = "Ugyldig versjon. Last siden på nytt."
		}
		in.Version = v
	}
	if len(fields) > 0 {
		return in, &Error{Code: EINVALID, Message: "Praksisplassen er ikke lagret. Rett feltene som er markert.", Fields: fields}
	}
	return in, nil
}

// Apply gives the placement the input's values (status, period, hours …).
func (in PlacementInput) Apply(p Placement) Placement {
	p.WorksiteID, p.SupervisorID, p.MinutesPerWeek, p.Weekdays = in.WorksiteID, in.SupervisorID, in.MinutesPerWeek, in.Weekdays
	p.Start, p.PlannedEnd, p.Goal, p.Status = in.Start, in.PlannedEnd, in.Goal, in.Status
	return p
}

// Status actions on a placement.
const (
	PlacementActivate = "activate" // planned or paused → active
	PlacementPause    = "pause"    // active → paused
	PlacementEnd      = "end"      // active or paused → ended, with the day it ended
	PlacementAbort    = "abort"    // planned, active or paused → aborted, with a reason
)

// PlacementActions lists the status actions open to a placement in its
// status, in the order the page offers them.
func PlacementActions(status string) []string {
	switch status {
	case PlacementPlanned:
		return []string{PlacementActivate, PlacementAbort}
	case PlacementActive:
		return []string{PlacementPause, PlacementEnd, PlacementAbort}
	case PlacementPaused:
		return []string{PlacementActivate, PlacementEnd, PlacementAbort}
	}
	return nil
}

// PlacementStatusForm is a status action as typed.
type PlacementStatusForm struct {
	Action      string
	EndedOn     string
	AbortReason string
	Version     string
}

// PlacementStatusInput is a validated status change.
type PlacementStatusInput struct {
	Status      string
	EndedOn     *time.Time
	AbortReason string
	Version     int
}

// Validate checks the action against the placement's status: ending takes
// the day it ended (from the start, not after today); aborting takes a
// reason and, once the placement has begun, the day it ended (a planned
// placement aborted before its start holds nothing).
func (f PlacementStatusForm) Validate(p Placement, today time.Time) (PlacementStatusInput, error) {
	var in PlacementStatusInput
	fields := map[string]string{}
	v, err := strconv.Atoi(strings.TrimSpace(f.Version))
	if err != nil || v <= 0 {
		fields["version"] = "Ugyldig versjon. Last siden på nytt."
	}
	in.Version = v
	if !slices.Contains(PlacementActions(p.Status), f.Action) {
		msg := "Praksisplassen har status " + strings.ToLower(Label(placementStatuses, p.Status)) + " og kan ikke endres slik."
		return in, &Error{Code: EINVALID, Message: msg, Fields: map[string]string{"action": msg}}
	}
	endedOn := func(field string) {
		s := strings.TrimSpace(f.EndedOn)
		d, ok := ParseDate(s)
		switch {
		case s == "":
			fields[field] = "Skriv datoen praksisen sluttet."
		case !ok:
			fields[field] = "Sluttdatoen må være en dato (åååå-mm-dd)."
		case d.Before(p.Start):
			fields[field] = "Sluttdatoen kan ikke være før praksisen startet (" + FormatDate(&p.Start) + ")."
		case d.After(Date(today)):
			fields[field] = "Sluttdatoen kan ikke være i fremtiden."
		default:
			in.EndedOn = &d
		}
	}
	switch f.Action {
	case PlacementActivate:
		in.Status = PlacementActive
	case PlacementPause:
		in.Status = PlacementPaused
	case PlacementEnd:
		in.Status = PlacementEnded
		endedOn("ended_on")
	case PlacementAbort:
		in.Status = PlacementAborted
		reason, msg := lineField("Årsaken", f.AbortReason)
		switch {
		case msg != "":
			fields["abort_reason"] = msg
		case reason == "":
			fields["abort_reason"] = "Skriv hvorfor praksisen ble avbrutt."
		case len([]rune(reason)) > 500:
			fields["abort_reason"] = "Årsaken kan ha høyst 500 tegn."
		}
		in.AbortReason = reason
		if p.Status != PlacementPlanned || !Date(today).Before(p.Start) {
			endedOn("abort_ended_on")
		}
	}
	if len(fields) > 0 {
		return in, &Error{Code: EINVALID, Message: "Statusen er ikke endret. Rett feltene som er markert.", Fields: fields}
	}
	return in, nil
}

// Apply gives the placement the new status.
func (in PlacementStatusInput) Apply(p Placement) Placement {
	p.Status, p.EndedOn, p.AbortReason = in.Status, in.EndedOn, in.AbortReason
	return p
}

// PlacementChanges lists what changed between two placements for the audit.
func PlacementChanges(old, new Placement) Changes {
	c := Changes{}
	id := func(p *int64) string {
		if p == nil {
			return ""
		}
		return strconv.FormatInt(*p, 10)
	}
	isoOf := func(p Placement, d time.Time) string {
		if p.ID == 0 && d.IsZero() {
			return ""
		}
		return FormatISODate(&d)
	}
	var oldWorksite, oldMinutes, oldStatus string
	if old.WorksiteID != 0 {
		oldWorksite = old.Name()
	}
	if old.MinutesPerWeek != 0 {
		oldMinutes = FormatHours(old.MinutesPerWeek)
	}
	oldStatus = old.Status
	c.Set("placement_worksite", oldWorksite, new.Name())
	if id(old.SupervisorID) != id(new.SupervisorID) {
		c.Set("placement_supervisor", old.SupervisorName, new.SupervisorName)
		if old.SupervisorName == new.SupervisorName {
			c.Set("placement_supervisor", id(old.SupervisorID), id(new.SupervisorID))
		}
	}
	c.Set("placement_hours", oldMinutes, FormatHours(new.MinutesPerWeek))
	c.Set("placement_weekdays", FormatWeekdays(old.Weekdays), FormatWeekdays(new.Weekdays))
	c.Set("placement_start", isoOf(old, old.Start), FormatISODate(&new.Start))
	c.Set("placement_planned_end", isoOf(old, old.PlannedEnd), FormatISODate(&new.PlannedEnd))
	c.Set("placement_ended_on", FormatISODate(old.EndedOn), FormatISODate(new.EndedOn))
	c.Set("placement_goal", old.Goal, new.Goal)
	c.Set("placement_status", oldStatus, new.Status)
	c.Set("placement_abort_reason", old.AbortReason, new.AbortReason)
	return c
}

// PlacementFollowup is a follow-up conversation.
type PlacementFollowup struct {
	ID              int64     `db:"id"`
	PlacementID     int64     `db:"placement_id"`
	HeldOn          time.Time `db:"held_on"`
	Participants    string    `db:"participants"`
	InterpreterUsed bool      `db:"interpreter_used"`
	Summary         string    `db:"summary"`
	CreatedAt       time.Time `db:"created_at"`
	CreatedByName   string    `db:"created_by_name"`
}

// PlacementFollowupForm is a follow-up as typed.
type PlacementFollowupForm struct {
	HeldOn          string
	Participants    string
	InterpreterUsed bool
	Summary         string
}

// Validate checks a follow-up of placement p: the day it was held (from the
// placement's start, not after today), who took part and a summary.
func (f PlacementFollowupForm) Validate(p Placement, today time.Time) (PlacementFollowup, error) {
	out := PlacementFollowup{InterpreterUsed: f.InterpreterUsed}
	fields := map[string]string{}
	s := strings.TrimSpace(f.HeldOn)
	d, ok := ParseDate(s)
	switch {
	case s == "":
		fields["held_on"] = "Skriv datoen for samtalen."
	case !ok:
		fields["held_on"] = "Datoen for samtalen må være en dato (åååå-mm-dd)."
	case d.Before(p.Start):
		fields["held_on"] = "Samtalen kan ikke være før praksisen startet (" + FormatDate(&p.Start) + ")."
	case d.After(Date(today)):
		fields["held_on"] = "Samtalen kan ikke være i fremtiden."
	default:
		out.HeldOn = d
	}
	var msg string
	out.Participants, msg = lineField("Deltakere i samtalen", f.Participants)
	switch {
	case msg != "":
		fields["participants"] = msg
	case len([]rune(out.Participants)) > 500:
		fields["participants"] = "Deltakere i samtalen kan ha høyst 500 tegn."
	}
	out.Summary, msg = textField("Referatet", f.Summary)
	switch {
	case msg != "":
		fields["summary"] = msg
	case out.Summary == "":
		fields["summary"] = "Skriv et kort referat fra samtalen."
	case len([]rune(out.Summary)) > 4000:
		fields["summary"] = "Referatet kan ha høyst 4000 tegn."
	}
	if len(fields) > 0 {
		return out, &Error{Code: EINVALID, Message: "Oppfølgingssamtalen er ikke lagret. Rett feltene som er markert.", Fields: fields}
	}
	return out, nil
}

// PlacementEvaluation is the end evaluation of a placement.
type PlacementEvaluation struct {
	PlacementID   int64     `db:"placement_id"`
	EvaluatedOn   time.Time `db:"evaluated_on"`
	Attendance    string    `db:"attendance"`
	LanguageUse   string    `db:"language_use"`
	TasksMastered string    `db:"tasks_mastered"`
	Recommend     string    `db:"recommendation"`
	GotJob        bool      `db:"got_job"`
	Version       int       `db:"version"`
	UpdatedAt     time.Time `db:"updated_at"`
}

// PlacementEvaluationForm is the evaluation as typed.
type PlacementEvaluationForm struct {
	EvaluatedOn   string
	Attendance    string
	LanguageUse   string
	TasksMastered string
	Recommend     string
	GotJob        bool
	Version       string // "0" (or empty) for a new evaluation
}

// Validate checks the evaluation of placement p.
func (f PlacementEvaluationForm) Validate(p Placement, today time.Time) (PlacementEvaluation, error) {
	out := PlacementEvaluation{GotJob: f.GotJob}
	fields := map[string]string{}
	s := strings.TrimSpace(f.EvaluatedOn)
	d, ok := ParseDate(s)
	switch {
	case s == "":
		fields["evaluated_on"] = "Skriv datoen for evalueringen."
	case !ok:
		fields["evaluated_on"] = "Datoen for evalueringen må være en dato (åååå-mm-dd)."
	case d.Before(p.Start):
		fields["evaluated_on"] = "Evalueringen kan ikke være før praksisen startet (" + FormatDate(&p.Start) + ")."
	case d.After(Date(today)):
		fields["evaluated_on"] = "Evalueringen kan ikke være i fremtiden."
	default:
		out.EvaluatedOn = d
	}
	for _, t := range []struct {
		field, subject string
		in             string
		out            *string
	}{
		{"attendance", "Oppmøte", f.Attendance, &out.Attendance},
		{"language_use", "Bruk av norsk", f.LanguageUse, &out.LanguageUse},
		{"tasks_mastered", "Oppgaver deltakeren mestrer", f.TasksMastered, &out.TasksMastered},
		{"recommendation", "Anbefaling", f.Recommend, &out.Recommend},
	} {
		v, msg := textField(t.subject, t.in)
		switch {
		case msg != "":
			fields[t.field] = msg
		case len([]rune(v)) > 2000:
			fields[t.field] = t.subject + " kan ha høyst 2000 tegn."
		}
		*t.out = v
	}
	if len(fields) == 0 && out.Attendance == "" && out.LanguageUse == "" && out.TasksMastered == "" && out.Recommend == "" && !out.GotJob {
		fields["attendance"] = "Fyll ut minst ett av feltene i evalueringen."
	}
	if v := strings.TrimSpace(f.Version); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			fields["version"] = "Ugyldig versjon. Last siden på nytt."
		}
		out.Version = n
	}
	if len(fields) > 0 {
		return out, &Error{Code: EINVALID, Message: "Evalueringen er ikke lagret. Rett feltene som er markert.", Fields: fields}
	}
	return out, nil
}

// PlacementEvaluationChanges lists what changed in an evaluation.
func PlacementEvaluationChanges(old *PlacementEvaluation, new PlacementEvaluation) Changes {
	c := Changes{}
	var o PlacementEvaluation
	oldDate, oldJob := "", ""
	if old != nil {
		o = *old
		oldDate, oldJob = FormatISODate(&o.EvaluatedOn), strconv.FormatBool(o.GotJob)
	}
	c.Set("evaluation_date", oldDate, FormatISODate(&new.EvaluatedOn))
	c.Set("evaluation_attendance", o.Attendance, new.Attendance)
	c.Set("evaluation_language", o.LanguageUse, new.LanguageUse)
	c.Set("evaluation_tasks", o.TasksMastered, new.TasksMastered)
	c.Set("evaluation_recommendation", o.Recommend, new.Recommend)
	c.Set("evaluation_got_job", oldJob, strconv.FormatBool(new.GotJob))
	return c
}

// PlacementEndReasonWork is the programme's end reason for a placement
// that led to a job (Overgang til arbeid): "fikk jobb" offers it.
const PlacementEndReasonWork = "work"
