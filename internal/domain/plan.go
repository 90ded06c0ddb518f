package domain

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The weekly plan (ukeplan): programme elements (tiltak) with minutes per
// week spread over weekdays, within a period, in versions that each start on
// a date. Nothing is overwritten: a change is a new version from a date.

// Programme element kinds (tiltak).
const (
	ElementNorwegian     = "norwegian"      // norskopplæring
	ElementSocialStudies = "social_studies" // samfunnskunnskap
	ElementLifeSkills    = "life_skills"    // livsmestring
	ElementParenting     = "parenting"      // foreldreveiledning
	ElementWorkPractice  = "work_practice"  // arbeidspraksis
	ElementEducation     = "education"      // utdanning
	ElementJobSeeking    = "job_seeking"    // jobbsøking
	ElementOther         = "other"          // annet
)

var elementKinds = []Option{
	{ElementNorwegian, "Norskopplæring"},
	{ElementSocialStudies, "Samfunnskunnskap"},
	{ElementLifeSkills, "Livsmestring"},
	{ElementParenting, "Foreldreveiledning"},
	{ElementWorkPractice, "Arbeidspraksis"},
	{ElementEducation, "Utdanning"},
	{ElementJobSeeking, "Jobbsøking"},
	{ElementOther, "Annet"},
}

// ElementKinds lists the programme element kinds (a fresh slice).
func ElementKinds() []Option { return slices.Clone(elementKinds) }

// PlanElement is one element of a plan version.
type PlanElement struct {
	ID             int64      `db:"id"`
	Kind           string     `db:"kind"`
	Description    string     `db:"description"`
	MinutesPerWeek int        `db:"minutes_per_week"`
	Weekdays       []int16    `db:"weekdays"` // ISO weekdays, 1 = Monday … 5 = Friday
	From           *time.Time `db:"from_date"`
	To             *time.Time `db:"to_date"`
}

// ActiveOn reports whether the element runs on day (its period holds day).
func (e PlanElement) ActiveOn(day time.Time) bool {
	if e.From != nil && day.Before(*e.From) {
		return false
	}
	if e.To != nil && day.After(*e.To) {
		return false
	}
	return true
}

// MinutesOn is the element's expected minutes on day: its weekly minutes
// spread evenly over its weekdays (the first days take the remainder), 0 on
// other days or outside its period.
func (e PlanElement) MinutesOn(day time.Time) int {
	if !e.ActiveOn(day) || len(e.Weekdays) == 0 {
		return 0
	}
	wd := ISOWeekday(day)
	days := slices.Clone(e.Weekdays)
	slices.Sort(days)
	i := slices.Index(days, int16(wd))
	if i < 0 {
		return 0
	}
	n := len(days)
	per := e.MinutesPerWeek / n
	if i < e.MinutesPerWeek%n {
		per++
	}
	return per
}

// PlanVersion is a version of a person's weekly plan, in force from
// ValidFrom until the next version's ValidFrom.
type PlanVersion struct {
	ID        int64         `db:"id"`
	PersonID  int64         `db:"person_id"`
	ValidFrom time.Time     `db:"valid_from"`
	SelfStudy bool          `db:"self_study"`
	Comment   string        `db:"comment"`
	CreatedAt time.Time     `db:"created_at"`
	Elements  []PlanElement `db:"-"`
}

// ExpectedMinutes is the plan version's minutes on day, summed over its
// elements (weekends and days outside every element: 0).
func (v PlanVersion) ExpectedMinutes(day time.Time) int {
	total := 0
	for _, e := range v.Elements {
		total += e.MinutesOn(day)
	}
	return total
}

// VersionOn picks the version in force on day from a person's versions (the
// latest ValidFrom on or before day; among versions from the same day the
// highest ID), or nil.
func VersionOn(versions []PlanVersion, day time.Time) *PlanVersion {
	var best *PlanVersion
	for i := range versions {
		v := &versions[i]
		if v.ValidFrom.After(day) {
			continue
		}
		if best == nil || v.ValidFrom.After(best.ValidFrom) || (v.ValidFrom.Equal(best.ValidFrom) && v.ID > best.ID) {
			best = v
		}
	}
	return best
}

// ISOWeekday is 1 for Monday … 7 for Sunday.
func ISOWeekday(d time.Time) int {
	wd := int(d.Weekday())
	if wd == 0 {
		return 7
	}
	return wd
}

// WeekStart is the Monday of day's ISO week.
func WeekStart(day time.Time) time.Time { return AddDays(Date(day), 1-ISOWeekday(day)) }

// ParseISOWeek reads "2026-W49" and returns that week's Monday.
func ParseISOWeek(s string) (time.Time, bool) {
	var y, w int
	if len(s) < 7 || len(s) > 8 || s[4] != '-' || (s[5] != 'W' && s[5] != 'w') {
		return time.Time{}, false
	}
	for _, c := range s[:4] {
		if c < '0' || c > '9' {
			return time.Time{}, false
		}
		y = y*10 + int(c-'0')
	}
	for _, c := range s[6:] {
		if c < '0' || c > '9' {
			return time.Time{}, false
		}
		w = w*10 + int(c-'0')
	}
	if y < 1990 || y > 2100 || w < 1 || w > 53 {
		return time.Time{}, false
	}
	// 4 January is always in week 1.
	monday := WeekStart(time.Date(y, 1, 4, 0, 0, 0, 0, time.UTC))
	d := AddDays(monday, 7*(w-1))
	if yy, ww := d.ISOWeek(); yy != y || ww != w {
		return time.Time{}, false // week 53 of a year that has 52
	}
	return d, true
}

// FormatISOWeek writes day's ISO week as "2026-W49".
func FormatISOWeek(day time.Time) string {
	y, w := day.ISOWeek()
	return fmt.Sprintf("%04d-W%02d", y, w)
}

// PlanVersionInfo is a stored version with who made it, for the history.
type PlanVersionInfo struct {
	PlanVersion
	CreatedByName string
}

// Weekday names as the plan shows them (ISO 1 = Monday … 5 = Friday).
var planWeekdays = []Option{{"1", "Mandag"}, {"2", "Tirsdag"}, {"3", "Onsdag"}, {"4", "Torsdag"}, {"5", "Fredag"}}

// PlanWeekdays lists Monday to Friday (value "1"–"5", a fresh slice).
func PlanWeekdays() []Option { return slices.Clone(planWeekdays) }

var weekdayShort = [...]string{"", "man", "tir", "ons", "tor", "fre", "lør", "søn"}

// FormatWeekdays shows ISO weekdays the short Norwegian way: "man–fre",
// "man, tir, ons" (a run of all five is "man–fre").
func FormatWeekdays(days []int16) string {
	ds := slices.Clone(days)
	slices.Sort(ds)
	ds = slices.Compact(ds)
	if slices.Equal(ds, []int16{1, 2, 3, 4, 5}) {
		return "man–fre"
	}
	out := make([]string, 0, len(ds))
	for _, d := range ds {
		if d >= 1 && d <= 7 {
			out = append(out, weekdayShort[d])
		}
	}
	return strings.Join(out, ", ")
}

// ElementLabel is a programme element kind's Norwegian name.
func ElementLabel(kind string) string { return Label(elementKinds, kind) }

// PlanRowForm is one element row of the plan form, as typed: the form has
// one row per element kind.
type PlanRowForm struct {
	Kind        string
	Hours       string   // hours per week, "7,5"
	Days        []string // the ticked weekdays, "1" (Monday) … "5" (Friday)
	From, To    string   // optional period (YYYY-MM-DD)
	Description string
}

// HasDay reports whether weekday d ("1"–"5") is ticked.
func (r PlanRowForm) HasDay(d string) bool { return slices.Contains(r.Days, d) }

// empty reports whether nothing of the row is filled in.
func (r PlanRowForm) empty() bool {
	return strings.TrimSpace(r.Hours) == "" && len(r.Days) == 0 && strings.TrimSpace(r.From) == "" &&
		strings.TrimSpace(r.To) == "" && strings.TrimSpace(r.Description) == ""
}

// Field is the form field name of the row's part ("norwegian_hours").
func (r PlanRowForm) Field(part string) string { return PlanField(r.Kind, part) }

// PlanField names a row's field: kind + "_" + part (hours, days, from, to,
// description).
func PlanField(kind, part string) string { return kind + "_" + part }

// PlanForm is a new plan version as typed: when it applies from, whether the
// plan has significant self-study (the weekly target is then the
// self_study_minutes rate, 30 h, instead of full_time_minutes, 37.5 h), a
// comment, the confirmation that weeks off the target are meant, and one row
// per element kind (ElementKinds' order).
type PlanForm struct {
	ValidFrom        string
	SelfStudy        bool
	Comment          string
	ConfirmDeviation bool
	Rows             []PlanRowForm
}

// NewPlanForm is an empty form: one row per element kind.
func NewPlanForm() PlanForm {
	f := PlanForm{}
	for _, k := range elementKinds {
		f.Rows = append(f.Rows, PlanRowForm{Kind: k.Value})
	}
	return f
}

// PlanFormFrom prefills the form from the version in force: its elements
// still running on validFrom (a period that started before validFrom starts
// with the new version instead), its self-study flag; the comment is left
// empty for the new version's own.
func PlanFormFrom(v *PlanVersion, validFrom time.Time) PlanForm {
	f := NewPlanForm()
	f.ValidFrom = FormatISODate(&validFrom)
	if v == nil {
		return f
	}
	f.SelfStudy = v.SelfStudy
	for _, e := range v.Elements {
		if e.To != nil && e.To.Before(validFrom) {
			continue
		}
		i := slices.IndexFunc(f.Rows, func(r PlanRowForm) bool { return r.Kind == e.Kind })
		if i < 0 || !f.Rows[i].empty() {
			continue
		}
		row := &f.Rows[i]
		row.Hours = FormatHours(e.MinutesPerWeek)
		for _, d := range e.Weekdays {
			row.Days = append(row.Days, strconv.Itoa(int(d)))
		}
		slices.Sort(row.Days)
		if e.From != nil && e.From.After(validFrom) {
			row.From = FormatISODate(e.From)
		}
		row.To = FormatISODate(e.To)
		row.Description = e.Description
	}
	return f
}

// PlanContext is what a new version is checked against: the programme (its
// decision, start and planned end), the day before the next stored version
// when the new one is slotted in before it, and the dated rates.
type PlanContext struct {
	Granted    bool
	Start      *time.Time
	PlannedEnd *time.Time
	// Until is the last day the new version would be in force (the day
	// before a later stored version), or nil.
	Until *time.Time
	Rates RateTable
	// Placements are the person's placements: their hours count in the
	// weeks they run, in place of the plan's work-practice elements.
	Placements []Placement
}

// PlanNotGranted is the refusal of a plan for a person without a granted
// programme decision.
const PlanNotGranted = "Registrer vedtak om introduksjonsprogram før du lager ukeplan."

// planWeeksWithoutEnd is how far ahead a plan is checked when the programme
// has no planned end.
const planWeeksWithoutEnd = 52

// PlanHorizon is the last day a version from validFrom is checked up to:
// the programme's planned end, or the Sunday of the 52nd week, or the day
// before a later version, whichever is first.
func PlanHorizon(validFrom time.Time, plannedEnd, until *time.Time) time.Time {
	last := AddDays(WeekStart(validFrom), 7*planWeeksWithoutEnd-1)
	if plannedEnd != nil {
		last = *plannedEnd
	}
	if until != nil && until.Before(last) {
		last = *until
	}
	return last
}

// WeekSum is one ISO week of a plan: the planned minutes of its weekdays in
// force (Days of them, Monday to Friday, counted from the version's first
// day to the horizon) against the target of the rates in force that week,
// pro rata for a part week.
type WeekSum struct {
	Monday    time.Time
	Days      int
	Minutes   int
	Target    int
	HasTarget bool // false: the rates have no full-time figure that week
	// Practice is the placements' part of Minutes (PlacementWeekSums;
	// placement.go), with the work_practice elements they replace left out.
	Practice int
}

// Diff is the planned minutes less the target (negative: below).
func (w WeekSum) Diff() int { return w.Minutes - w.Target }

// Partial reports whether only some weekdays of the week are in force: the
// week a version starts or the programme ends mid-week. Such a week is
// shown, never refused: its days depend on what lies outside it.
func (w WeekSum) Partial() bool { return w.Days < 5 }

// Deviates reports whether a whole week is off its target (or has none).
func (w WeekSum) Deviates() bool { return !w.Partial() && (!w.HasTarget || w.Minutes != w.Target) }

// Week is the ISO week number.
func (w WeekSum) Week() int { _, n := w.Monday.ISOWeek(); return n }

// DiffText says how far off the target the week is: "2,5 t under 37,5",
// "5 t over 37,5", "" on target.
func (w WeekSum) DiffText() string {
	switch {
	case !w.HasTarget:
		return "fulltid mangler i satstabellen"
	case w.Minutes < w.Target:
		return FormatHours(w.Target-w.Minutes) + " t under " + FormatHours(w.Target)
	case w.Minutes > w.Target:
		return FormatHours(w.Minutes-w.Target) + " t over " + FormatHours(w.Target)
	}
	return ""
}

// weeklyTarget is the full-time minutes of a week from the rates in force
// on its Monday: self_study_minutes with significant self-study, otherwise
// full_time_minutes.
func weeklyTarget(rates RateTable, monday time.Time, selfStudy bool) (int, bool) {
	kind := RateFullTimeMinutes
	if selfStudy {
		kind = RateSelfStudyMinutes
	}
	v, ok := rates.At(kind, monday)
	return int(v), ok
}

// PlanWeekSums sums the plan week by week over [from, to] (a part week at
// either end counts only its days in the range): each weekday uses
// the version in force that day (VersionOn); days without one are not
// counted, and weeks without any are left out. The target is the weekly
// full-time figure of the rates in force on the week's Monday (the
// self-study figure for days whose version has self-study), pro rata by
// weekdays: 3 days of 37,5 h is 22,5 h.
func PlanWeekSums(versions []PlanVersion, rates RateTable, from, to time.Time) []WeekSum {
	return PlacementWeekSums(versions, nil, rates, from, to)
}

// PlacementWeekSums is PlanWeekSums with the person's placements: on each
// day counted, the placements' minutes are added (Practice) and in a week a
// placement runs the plan's work_practice elements are left out (they are
// the same hours; see placement.go).
func PlacementWeekSums(versions []PlanVersion, ps []Placement, rates RateTable, from, to time.Time) []WeekSum {
	var out []WeekSum
	from, to = Date(from), Date(to)
	for monday := WeekStart(from); !monday.After(to); monday = AddDays(monday, 7) {
		w := WeekSum{Monday: monday, HasTarget: true}
		replaced := PracticeInWeek(ps, monday)
		var full, self int // weekdays per target kind
		for i := 0; i < 5; i++ {
			d := AddDays(monday, i)
			if d.Before(from) || d.After(to) {
				continue
			}
			v := VersionOn(versions, d)
			if v == nil {
				continue
			}
			w.Days++
			w.Minutes += planMinutesOn(v, d, replaced)
			for _, p := range ps {
				w.Practice += p.MinutesOn(d)
			}
			if v.SelfStudy {
				self++
			} else {
				full++
			}
		}
		if w.Days == 0 {
			continue
		}
		w.Minutes += w.Practice
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
		out = append(out, w)
	}
	return out
}

// WeekRun is a run of consecutive deviating weeks with the same figures.
type WeekRun struct {
	First, Last WeekSum
}

// text is "uke 49: 35 t, 2,5 t under 37,5", or "uke 49–52: …" for a run;
// the ISO year is added when it is not the year of the first week listed,
// and to both ends of a run across a new year ("uke 49 2026–3 2027").
func (r WeekRun) text(year int) string {
	fy, _ := r.First.Monday.ISOWeek()
	ly, _ := r.Last.Monday.ISOWeek()
	label := func(w WeekSum) string {
		y, n := w.Monday.ISOWeek()
		if y != year || fy != ly {
			return strconv.Itoa(n) + " " + strconv.Itoa(y)
		}
		return strconv.Itoa(n)
	}
	s := "uke " + label(r.First)
	if !r.Last.Monday.Equal(r.First.Monday) {
		s += "–" + label(r.Last)
	}
	return s + ": " + FormatHours(r.First.Minutes) + " t, " + r.First.DiffText()
}

// Deviations groups the whole weeks off target into runs of consecutive
// weeks with the same minutes and target.
func Deviations(weeks []WeekSum) []WeekRun {
	var out []WeekRun
	for _, w := range weeks {
		if !w.Deviates() {
			continue
		}
		if n := len(out); n > 0 {
			last := &out[n-1]
			if AddDays(last.Last.Monday, 7).Equal(w.Monday) && last.Last.Days == w.Days &&
				last.Last.Minutes == w.Minutes && last.Last.Target == w.Target && last.Last.HasTarget == w.HasTarget {
				last.Last = w
				continue
			}
		}
		out = append(out, WeekRun{First: w, Last: w})
	}
	return out
}

// DeviationTexts writes each run ("uke 49: 35 t, 2,5 t under 37,5").
func DeviationTexts(runs []WeekRun) []string {
	if len(runs) == 0 {
		return nil
	}
	year, _ := runs[0].First.Monday.ISOWeek()
	out := make([]string, len(runs))
	for i, r := range runs {
		out[i] = r.text(year)
	}
	return out
}

// PlanCheck is a validated plan version and its weeks.
type PlanCheck struct {
	Version    PlanVersion // no ID, person or creation time yet
	Weeks      []WeekSum   // from ValidFrom to the horizon
	Deviations []WeekRun
}

// maxPlanMinutes is the most an element may plan per week (50 h; the
// column allows 3 000 minutes).
const maxPlanMinutes = 50 * 60

// Validate checks a new plan version against the programme and the rates
// and returns it with its week sums. Each row is checked on its own (hours
// without weekdays, weekdays without hours, a period that ends before it
// begins or lies outside the version); then every whole ISO week from
// ValidFrom to the horizon (PlanHorizon) must sum to its target (a part week
// at either end is shown, not refused), unless the form
// confirms the deviation and the comment explains it. The weeks are
// returned with the error when the rows themselves were fine.
func (f PlanForm) Validate(c PlanContext) (PlanCheck, error) {
	e := &Error{Code: EINVALID, Message: "Ukeplanen er ikke lagret. Rett feltene som er markert.", Fields: map[string]string{}}
	var check PlanCheck
	if !c.Granted {
		e.Message = PlanNotGranted
		e.Fields["valid_from"] = PlanNotGranted
		return check, e
	}
	v := &check.Version
	v.SelfStudy = f.SelfStudy
	from, ok := ParseDate(f.ValidFrom)
	switch {
	case strings.TrimSpace(f.ValidFrom) == "":
		e.Fields["valid_from"] = "Skriv datoen planen gjelder fra."
	case !ok:
		e.Fields["valid_from"] = "Skriv datoen planen gjelder fra som åååå-mm-dd."
	case from.Year() < 1990 || from.Year() > 2100:
		e.Fields["valid_from"] = "Datoen må være mellom 1990 og 2100."
	case c.Start != nil && from.Before(*c.Start):
		e.Fields["valid_from"] = "Planen kan ikke gjelde fra før programmet starter (" + FormatDate(c.Start) + ")."
	case c.PlannedEnd != nil && from.After(*c.PlannedEnd):
		e.Fields["valid_from"] = "Planen kan ikke gjelde fra etter planlagt slutt på programmet (" + FormatDate(c.PlannedEnd) + ")."
	default:
		v.ValidFrom = from
	}
	comment, msg := textField("Kommentaren", f.Comment)
	switch {
	case msg != "":
		e.Fields["comment"] = msg
	case len([]rune(comment)) > 1000:
		e.Fields["comment"] = "Kommentaren kan ha høyst 1000 tegn."
	}
	v.Comment = comment
	seen := map[string]bool{}
	for _, r := range f.Rows {
		el, errs := r.validate(v.ValidFrom, c.PlannedEnd)
		if !slices.ContainsFunc(elementKinds, func(o Option) bool { return o.Value == r.Kind }) {
			errs = map[string]string{"hours": "Ukjent tiltak. Last siden på nytt."}
		} else if seen[r.Kind] {
			errs = map[string]string{"hours": ElementLabel(r.Kind) + " står to ganger. Last siden på nytt."}
		}
		seen[r.Kind] = true
		for part, m := range errs {
			e.Fields[r.Field(part)] = m
		}
		if el != nil && len(errs) == 0 {
			v.Elements = append(v.Elements, *el)
		}
	}
	if len(e.Fields) == 0 && len(v.Elements) == 0 {
		e.Fields[PlanField(ElementNorwegian, "hours")] = "Fyll ut minst ett tiltak med timer per uke og ukedager."
	}
	if len(e.Fields) > 0 {
		return check, e
	}
	last := PlanHorizon(v.ValidFrom, c.PlannedEnd, c.Until)
	check.Weeks = PlacementWeekSums([]PlanVersion{*v}, c.Placements, c.Rates, v.ValidFrom, last)
	check.Deviations = Deviations(check.Weeks)
	if len(check.Deviations) > 0 {
		target := "fulltid"
		if t, ok := weeklyTarget(c.Rates, WeekStart(v.ValidFrom), v.SelfStudy); ok {
			target = FormatHours(t) + " t"
		}
		switch {
		case !f.ConfirmDeviation:
			e.Message = "Ukeplanen er ikke lagret: noen uker avviker fra " + target + "."
			e.Fields["confirm_deviation"] = "Ukesummene avviker fra " + target + ": " + strings.Join(DeviationTexts(check.Deviations), "; ") +
				". Rett timene, eller kryss av for at avviket er ment og forklar hvorfor i kommentaren."
		case comment == "":
			e.Message = "Ukeplanen er ikke lagret: forklar avviket i kommentaren."
			e.Fields["comment"] = "Forklar i kommentaren hvorfor planen avviker fra " + target + " i noen uker."
		}
	}
	if len(e.Fields) > 0 {
		return check, e
	}
	return check, nil
}

// validate checks one row; an empty row is no element and no error. Errors
// are keyed by the row's part (hours, days, from, to, description).
func (r PlanRowForm) validate(validFrom time.Time, plannedEnd *time.Time) (*PlanElement, map[string]string) {
	if r.empty() {
		return nil, nil
	}
	errs := map[string]string{}
	name := ElementLabel(r.Kind)
	lower := strings.ToLower(name)
	el := &PlanElement{Kind: r.Kind}
	hours := strings.TrimSpace(r.Hours)
	var days []int16
	for _, d := range r.Days {
		n, err := strconv.Atoi(d)
		if err != nil || n < 1 || n > 5 {
			errs["days"] = "Ukedagene for " + lower + " må være mandag til fredag."
			break
		}
		if !slices.Contains(days, int16(n)) {
			days = append(days, int16(n))
		}
	}
	slices.Sort(days)
	el.Weekdays = days
	switch m, ok := ParseHours(hours); {
	case hours == "" && len(r.Days) > 0:
		errs["hours"] = "Skriv timer per uke for " + lower + ", eller fjern avkryssingen for ukedagene."
	case hours == "":
		errs["hours"] = "Skriv timer per uke og velg ukedager for " + lower + ", eller tøm feltene i raden."
	case !ok:
		errs["hours"] = "Skriv timer per uke for " + lower + " som et tall, for eksempel 7,5."
	case m <= 0 || m > maxPlanMinutes:
		errs["hours"] = "Timer per uke for " + lower + " må være mer enn 0 og høyst " + FormatHours(maxPlanMinutes) + "."
	default:
		el.MinutesPerWeek = m
		if len(r.Days) == 0 {
			errs["days"] = "Velg minst én ukedag for " + lower + "."
		}
	}
	parse := func(part, s, which string) *time.Time {
		s = strings.TrimSpace(s)
		if s == "" {
			return nil
		}
		d, ok := ParseDate(s)
		if !ok || d.Year() < 1990 || d.Year() > 2100 {
			errs[part] = which + " for " + lower + " må være en dato (åååå-mm-dd)."
			return nil
		}
		return &d
	}
	el.From = parse("from", r.From, "Fra-datoen")
	el.To = parse("to", r.To, "Til-datoen")
	switch {
	case el.From != nil && el.To != nil && el.To.Before(*el.From):
		errs["to"] = "Til-datoen for " + lower + " kan ikke være før fra-datoen."
	case validFrom.IsZero():
		// the version's start is refused; the period cannot be checked
	case el.To != nil && el.To.Before(validFrom):
		errs["to"] = "Perioden for " + lower + " slutter før planen gjelder fra (" + FormatDate(&validFrom) + ")."
	case el.From != nil && el.From.Before(validFrom):
		errs["from"] = "Perioden for " + lower + " kan ikke begynne før planen gjelder fra (" + FormatDate(&validFrom) + ")."
	case plannedEnd != nil && el.From != nil && el.From.After(*plannedEnd):
		errs["from"] = "Perioden for " + lower + " begynner etter planlagt slutt på programmet (" + FormatDate(plannedEnd) + ")."
	case plannedEnd != nil && el.To != nil && el.To.After(*plannedEnd):
		errs["to"] = "Perioden for " + lower + " kan ikke vare lenger enn programmet (planlagt slutt " + FormatDate(plannedEnd) + ")."
	}
	desc, msg := lineField("Beskrivelsen", r.Description)
	switch {
	case msg != "":
		errs["description"] = msg
	case len([]rune(desc)) > 200:
		errs["description"] = "Beskrivelsen av " + lower + " kan ha høyst 200 tegn."
	}
	el.Description = desc
	return el, errs
}

// PlanChanges lists a new version for the audit log: its start, self-study,
// comment and elements ("Norskopplæring 15 t man–fre; …").
func PlanChanges(v PlanVersion) Changes {
	c := Changes{}
	c.Set("plan_valid_from", "", FormatISODate(&v.ValidFrom))
	c.Set("plan_self_study", "", strconv.FormatBool(v.SelfStudy))
	c.Set("plan_comment", "", v.Comment)
	parts := make([]string, 0, len(v.Elements))
	for _, e := range v.Elements {
		parts = append(parts, ElementSummary(e))
	}
	c.Set("plan_elements", "", strings.Join(parts, "; "))
	return c
}

// ElementSummary is one line about an element: "Arbeidspraksis 15 t
// man, tir, ons (01.12.2026–31.01.2027): Kafé".
func ElementSummary(e PlanElement) string {
	s := ElementLabel(e.Kind) + " " + FormatHours(e.MinutesPerWeek) + " t " + FormatWeekdays(e.Weekdays)
	if p := FormatPeriod(e.From, e.To); p != "" {
		s += " (" + p + ")"
	}
	if e.Description != "" {
		s += ": " + e.Description
	}
	return s
}

// FormatPeriod shows an optional period: "01.12.2026–31.01.2027",
// "fra 01.12.2026", "til 31.01.2027", or "" for none.
func FormatPeriod(from, to *time.Time) string {
	switch {
	case from != nil && to != nil:
		return FormatDate(from) + "–" + FormatDate(to)
	case from != nil:
		return "fra " + FormatDate(from)
	case to != nil:
		return "til " + FormatDate(to)
	}
	return ""
}
