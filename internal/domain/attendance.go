package domain

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Attendance (oppmøte og fravær) per participant and weekday, entered a week
// at a time in a grid. The cell model: the user types the hours present and,
// when some of the day's expected hours (from the weekly plan) were missed,
// picks a reason; the absent hours are then the expected hours minus the
// hours present. Every number the rules use is a dated rate (rates.go).

// Absence reasons (fraværsårsaker).
const (
	ReasonIllness       = "illness"        // sykdom
	ReasonSelfCertified = "self_certified" // egenmelding
	ReasonSickChild     = "sick_child"     // sykt barn
	ReasonWelfareLeave  = "welfare_leave"  // velferdspermisjon
	ReasonHoliday       = "holiday"        // ferie
	ReasonUnexcused     = "unexcused"      // ugyldig fravær
)

var absenceReasons = []Option{
	{ReasonIllness, "Sykdom"},
	{ReasonSelfCertified, "Egenmelding"},
	{ReasonSickChild, "Sykt barn"},
	{ReasonWelfareLeave, "Velferdspermisjon"},
	{ReasonHoliday, "Ferie"},
	{ReasonUnexcused, "Ugyldig fravær"},
}

// AbsenceReasons lists the reasons in the grid's order (a fresh slice).
func AbsenceReasons() []Option { return slices.Clone(absenceReasons) }

// absenceKeys are the grid's one-key shortcuts per reason (attendance.js).
var absenceKeys = map[string]string{
	ReasonIllness: "s", ReasonSelfCertified: "e", ReasonSickChild: "b",
	ReasonWelfareLeave: "v", ReasonHoliday: "f", ReasonUnexcused: "u",
}

// AbsenceReasonKey is the keyboard shortcut of a reason in the grid.
func AbsenceReasonKey(reason string) string { return absenceKeys[reason] }

// ValidAbsenceReason reports whether s is a reason.
func ValidAbsenceReason(s string) bool {
	return slices.ContainsFunc(absenceReasons, func(o Option) bool { return o.Value == s })
}

// weekdayNames are the Norwegian names of the ISO weekdays 1–7.
var weekdayNames = [...]string{"", "mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag"}

// WeekdayName is the Norwegian name of day's weekday ("tirsdag").
func WeekdayName(day time.Time) string { return weekdayNames[ISOWeekday(day)] }

// DayLabel names a day in messages: "tirsdag 01.12".
func DayLabel(day time.Time) string { return WeekdayName(day) + " " + day.Format("02.01") }

// WeekDays are the five weekdays (Monday–Friday) of the week starting monday.
func WeekDays(monday time.Time) []time.Time {
	out := make([]time.Time, 5)
	for i := range out {
		out[i] = AddDays(monday, i)
	}
	return out
}

// AttendanceEntry is one participant's attendance on one day: minutes
// present, minutes absent and the reason (empty when nothing is absent).
type AttendanceEntry struct {
	PersonID int64     `db:"person_id"`
	Day      time.Time `db:"day"`
	Present  int       `db:"present_minutes"`
	Absent   int       `db:"absent_minutes"`
	Reason   string    `db:"reason"`
	Version  int       `db:"version"`
}

// Same reports whether two entries hold the same attendance (versions aside).
func (e AttendanceEntry) Same(o AttendanceEntry) bool {
	return e.Present == o.Present && e.Absent == o.Absent && e.Reason == o.Reason
}

// Describe shows an entry in words: "7,5 t til stede", "2 t til stede, 5,5 t
// sykdom".
func (e AttendanceEntry) Describe() string {
	s := FormatHours(e.Present) + " t til stede"
	if e.Absent > 0 {
		s += ", " + FormatHours(e.Absent) + " t " + strings.ToLower(Label(absenceReasons, e.Reason))
	}
	return s
}

// maxDayMinutes is the most a day can hold: present + absent ≤ 24 hours.
const maxDayMinutes = 24 * 60

// CellMinutes reads one grid cell as typed: the hours present and the
// reason for the missing hours, against the day's expected minutes. The
// absent minutes are expected − present when a reason is chosen. It returns
// the entry's minutes and reason, or a Norwegian message.
//
// An empty present field means 0 hours present when a reason is chosen.
func CellMinutes(expected int, present, reason string) (p, a int, r string, msg string) {
	present = strings.TrimSpace(present)
	reason = strings.TrimSpace(reason)
	if reason != "" && !ValidAbsenceReason(reason) {
		return 0, 0, "", "Velg en årsak fra listen."
	}
	if present != "" {
		var ok bool
		if p, ok = ParseHours(present); !ok {
			return 0, 0, "", "Skriv timer til stede som et tall, for eksempel 7,5."
		}
	}
	if p > maxDayMinutes {
		return 0, 0, "", "En dag har høyst 24 timer."
	}
	missing := expected - p
	switch {
	case reason == "" && missing > 0:
		return 0, 0, "", "Velg årsak for fraværet på " + FormatHours(missing) + " t (planen har " + FormatHours(expected) + " t)."
	case reason == "":
		return p, 0, "", ""
	case missing <= 0:
		return 0, 0, "", "Årsak er valgt, men det mangler ingen timer etter planen (" + FormatHours(expected) + " t). Fjern årsaken eller skriv færre timer til stede."
	case p+missing > maxDayMinutes:
		return 0, 0, "", "Til stede og fravær kan til sammen være høyst 24 timer."
	}
	return p, missing, reason, ""
}

// msgFutureDay refuses hours present on a day that has not come yet.
const msgFutureDay = "Dagen har ikke vært ennå. På forhånd kan bare ferie eller velferdspermisjon føres, uten timer til stede."

// nextWeekday is the weekday after day (Friday → Monday).
func nextWeekday(day time.Time) time.Time {
	d := AddDays(day, 1)
	for ISOWeekday(d) > 5 {
		d = AddDays(d, 1)
	}
	return d
}

// Spells groups days into spells (sammenhengende perioder): runs of
// consecutive weekdays, where a Friday and the Monday after it are
// consecutive. The days are sorted and deduplicated first.
func Spells(days []time.Time) [][]time.Time {
	ds := slices.Clone(days)
	slices.SortFunc(ds, func(a, b time.Time) int { return a.Compare(b) })
	ds = slices.CompactFunc(ds, func(a, b time.Time) bool { return a.Equal(b) })
	var out [][]time.Time
	for _, d := range ds {
		if n := len(out); n > 0 && nextWeekday(out[n-1][len(out[n-1])-1]).Equal(d) {
			out[n-1] = append(out[n-1], d)
			continue
		}
		out = append(out, []time.Time{d})
	}
	return out
}

// SelfCertFrom is the first day self-certified illness may be used: the
// programme start plus self_cert_after_weeks weeks.
func SelfCertFrom(r Rates, start time.Time) time.Time {
	return AddDays(start, 7*int(r.Get(RateSelfCertAfterWeeks)))
}

// CheckSelfCert checks self-certified illness (egenmelding): days are every
// self-certified day of the participant (stored and new), week the new
// days. Only spells that touch a new day are judged (an old spell is not
// re-judged). It returns one message per broken rule, or nil:
//   - at most self_cert_max_days consecutive weekdays at a time;
//   - only from self_cert_after_weeks weeks after the programme start;
//   - at most self_cert_max_times spells in the 12 months up to and with
//     the last new day.
func CheckSelfCert(r Rates, start time.Time, days, week []time.Time) []string {
	if len(week) == 0 {
		return nil
	}
	var msgs []string
	isNew := func(d time.Time) bool { return slices.ContainsFunc(week, d.Equal) }
	from := SelfCertFrom(r, start)
	for _, d := range week {
		if d.Before(from) {
			msgs = append(msgs, fmt.Sprintf("Egenmelding kan brukes først etter %d uker i programmet (fra %s), ikke %s.",
				r.Get(RateSelfCertAfterWeeks), from.Format("02.01.2006"), DayLabel(d)))
			break
		}
	}
	spells := Spells(days)
	maxDays := int(r.Get(RateSelfCertMaxDays))
	for _, sp := range spells {
		if len(sp) > maxDays && slices.ContainsFunc(sp, isNew) {
			msgs = append(msgs, fmt.Sprintf("Egenmelding kan brukes høyst %d dager om gangen; %s–%s er %d dager. Bruk sykdom (legeerklæring) for resten.",
				maxDays, sp[0].Format("02.01"), sp[len(sp)-1].Format("02.01"), len(sp)))
		}
	}
	last := slices.MaxFunc(week, func(a, b time.Time) int { return a.Compare(b) })
	windowStart := AddDays(AddMonths(last, -12), 1)
	count := 0
	for _, sp := range spells {
		if !sp[len(sp)-1].Before(windowStart) && !sp[0].After(last) {
			count++
		}
	}
	if maxTimes := int(r.Get(RateSelfCertMaxTimes)); count > maxTimes {
		msgs = append(msgs, fmt.Sprintf("Egenmelding kan brukes høyst %d ganger i løpet av 12 måneder; dette blir gang nummer %d (siden %s).",
			maxTimes, count, windowStart.Format("02.01.2006")))
	}
	return msgs
}

// Household facts for the sick-child rule. Interpretation: the children are
// the active members of the participant's household with relation child and
// a birth date less than 12 years before the day; the participant is a sole
// carer (alene om omsorgen) when no other active member of the household is
// 18 or older. A participant without a registered household has no
// registered children and is not counted as a sole carer: the base number of
// days applies.

// SickChildLimit is the number of sick-child days a year: sick_child_days,
// sick_child_days_many with more than two children under 12, times
// sick_child_sole_factor for a sole carer.
func SickChildLimit(r Rates, childrenUnder12 int, soleCarer bool) int {
	n := int(r.Get(RateSickChildDays))
	if childrenUnder12 > 2 {
		n = int(r.Get(RateSickChildDaysMany))
	}
	if soleCarer {
		n *= int(r.Get(RateSickChildSoleFactor))
	}
	return n
}

// DaysInYear counts the days of year among days (each day once).
func DaysInYear(days []time.Time, year int) int {
	n := 0
	for i, d := range days {
		if d.Year() == year && !slices.ContainsFunc(days[:i], d.Equal) {
			n++
		}
	}
	return n
}

// CheckDaysPerYear checks a yearly limit of days (holiday, sick child):
// days are all the participant's days of that reason (stored and new), week
// the new ones; only years with a new day are judged. what names the
// reason in the message ("Ferie", "Sykt barn").
func CheckDaysPerYear(limit int, days, week []time.Time, what string) string {
	seen := map[int]bool{}
	for _, d := range week {
		y := d.Year()
		if seen[y] {
			continue
		}
		seen[y] = true
		if n := DaysInYear(days, y); n > limit {
			return fmt.Sprintf("%s: høyst %d dager i %d; dette blir %d dager.", what, limit, y, n)
		}
	}
	return ""
}

// HolidayBalance is the holiday days left in a year: holiday_days − the
// days used.
func HolidayBalance(r Rates, used int) int { return int(r.Get(RateHolidayDays)) - used }

// AttendanceCellForm is one grid cell as posted: the hours present and the
// reason as typed, and the version of the stored entry it was loaded with
// (0: none was stored).
type AttendanceCellForm struct {
	PersonID int64
	Day      time.Time
	Present  string
	Reason   string
	Version  int
}

// CellField is the form field (and element id) of a cell's hours:
// "h-12-20261201"; the reason is "r-…", the version "v-…".
func CellField(prefix string, personID int64, day time.Time) string {
	return prefix + "-" + strconv.FormatInt(personID, 10) + "-" + day.Format("20060102")
}

// RowField is the id of a participant's row in messages: "row-12".
func RowField(personID int64) string { return "row-" + strconv.FormatInt(personID, 10) }

// AttendanceParticipant is what the rules need to know about one
// participant when a week is saved.
type AttendanceParticipant struct {
	PersonID        int64
	Name            string
	Start           time.Time  // programme start
	Ended           *time.Time // programme end, if ended
	Plans           []PlanVersion
	Placements      []Placement // work-practice placements in the week (placement.go)
	ChildrenUnder12 int
	SoleCarer       bool
	// Stored are the stored entries of the week; History the stored
	// absences with a day-limited reason outside the week (self-certified
	// illness in the last 12 months and after, sick child and holiday in
	// the years of the week).
	Stored  []AttendanceEntry
	History []AttendanceEntry
	// HolidayUsed is the holiday days stored in the year of the week (the
	// grid shows the balance).
	HolidayUsed int
}

// InProgramme reports whether day is within the participant's programme.
func (p AttendanceParticipant) InProgramme(day time.Time) bool {
	return !day.Before(p.Start) && (p.Ended == nil || !day.After(*p.Ended))
}

// Expected is the participant's planned minutes on day (0 without a plan):
// the plan's, plus the placements' (their work practice replacing the
// plan's work_practice elements in the week; DayMinutes).
func (p AttendanceParticipant) Expected(day time.Time) int {
	return DayMinutes(p.Plans, p.Placements, day)
}

func (p AttendanceParticipant) stored(day time.Time) (AttendanceEntry, bool) {
	i := slices.IndexFunc(p.Stored, func(e AttendanceEntry) bool { return e.Day.Equal(day) })
	if i < 0 {
		return AttendanceEntry{}, false
	}
	return p.Stored[i], true
}

// AttendanceConflict is a cell someone else saved after the user loaded it.
type AttendanceConflict struct {
	PersonID int64
	Name     string
	Day      time.Time
	Current  AttendanceEntry
}

// Message names the cell: "Kari Nordmann tirsdag 01.12 ble endret av en
// annen bruker (nå: 6 t til stede)."
func (c AttendanceConflict) Message() string {
	return c.Name + " " + DayLabel(c.Day) + " ble endret av en annen bruker mens du arbeidet (lagret nå: " + c.Current.Describe() + ")."
}

// AttendanceWeek is the outcome of checking a posted week: the entries
// that change (to write), the conflicts, and the participants whose week
// changed with the days that changed.
type AttendanceWeek struct {
	Changes   []AttendanceEntry // Version: the stored version it replaces (0: new)
	Conflicts []AttendanceConflict
}

// CheckAttendanceWeek checks a posted week against the participants' plans,
// stored entries and the rules, with the rates in force in the week. A cell
// is skipped when nothing is typed and nothing is stored. A cell equal to
// what is stored is unchanged whatever version it carries (a second submit
// of the same form changes nothing); a changed cell whose stored version
// differs from the one it was loaded with is a conflict. Field errors (422)
// come back as an EINVALID *Error whose Fields are keyed by CellField("h",
// …) or RowField; conflicts are only reported when there are no errors.
//
// Days after today take only a planned absence (holiday or welfare leave,
// no hours present): attendance is registered when it has happened.
func CheckAttendanceWeek(r Rates, monday, today time.Time, parts map[int64]*AttendanceParticipant, cells []AttendanceCellForm) (AttendanceWeek, error) {
	var out AttendanceWeek
	fields := map[string]string{}
	newByPerson := map[int64][]AttendanceEntry{}
	for _, c := range cells {
		p := parts[c.PersonID]
		if p == nil {
			continue // the store refuses unknown participants before this
		}
		field := CellField("h", c.PersonID, c.Day)
		stored, has := p.stored(c.Day)
		if strings.TrimSpace(c.Present) == "" && strings.TrimSpace(c.Reason) == "" && !has {
			continue
		}
		if ISOWeekday(c.Day) > 5 || c.Day.Before(monday) || c.Day.After(AddDays(monday, 4)) {
			fields[field] = "Dagen er ikke en hverdag i uka."
			continue
		}
		if !p.InProgramme(c.Day) {
			fields[field] = p.Name + " er ikke i programmet " + DayLabel(c.Day) + "."
			continue
		}
		pm, am, reason, msg := CellMinutes(p.Expected(c.Day), c.Present, c.Reason)
		if msg != "" {
			fields[field] = p.Name + " " + DayLabel(c.Day) + ": " + msg
			continue
		}
		if c.Day.After(today) && (pm > 0 || (reason != ReasonHoliday && reason != ReasonWelfareLeave)) && !(has && stored.Same(AttendanceEntry{PersonID: c.PersonID, Day: c.Day, Present: pm, Absent: am, Reason: reason})) {
			fields[field] = p.Name + " " + DayLabel(c.Day) + ": " + msgFutureDay
			continue
		}
		e := AttendanceEntry{PersonID: c.PersonID, Day: c.Day, Present: pm, Absent: am, Reason: reason}
		newByPerson[c.PersonID] = append(newByPerson[c.PersonID], e)
		if has && stored.Same(e) {
			continue
		}
		if (has && stored.Version != c.Version) || (!has && c.Version != 0) {
			cur := stored
			if !has {
				cur = AttendanceEntry{PersonID: c.PersonID, Day: c.Day}
			}
			out.Conflicts = append(out.Conflicts, AttendanceConflict{PersonID: c.PersonID, Name: p.Name, Day: c.Day, Current: cur})
			continue
		}
		if has {
			e.Version = stored.Version
		}
		out.Changes = append(out.Changes, e)
	}
	// The day-limited reasons, per participant: stored days outside the
	// week, the stored days of the week not posted, and the posted days.
	for pid, news := range newByPerson {
		p := parts[pid]
		byReason := func(reason string) (all, week []time.Time) {
			posted := map[time.Time]bool{}
			for _, e := range news {
				posted[e.Day] = true
				if e.Reason == reason {
					all = append(all, e.Day)
					week = append(week, e.Day)
				}
			}
			for _, e := range append(slices.Clone(p.History), p.Stored...) {
				if e.Reason == reason && !posted[e.Day] {
					all = append(all, e.Day)
				}
			}
			return all, week
		}
		var msgs []string
		if all, week := byReason(ReasonSelfCertified); len(week) > 0 {
			msgs = append(msgs, CheckSelfCert(r, p.Start, all, week)...)
		}
		if all, week := byReason(ReasonSickChild); len(week) > 0 {
			if m := CheckDaysPerYear(SickChildLimit(r, p.ChildrenUnder12, p.SoleCarer), all, week, "Sykt barn"); m != "" {
				msgs = append(msgs, m)
			}
		}
		if all, week := byReason(ReasonHoliday); len(week) > 0 {
			if m := CheckDaysPerYear(int(r.Get(RateHolidayDays)), all, week, "Ferie"); m != "" {
				msgs = append(msgs, m)
			}
		}
		if len(msgs) > 0 {
			fields[RowField(pid)] = p.Name + ": " + strings.Join(msgs, " ")
		}
	}
	if len(fields) > 0 {
		return AttendanceWeek{}, &Error{Code: EINVALID, Message: "Uka er ikke lagret. Rett cellene som er markert.", Fields: fields}
	}
	slices.SortFunc(out.Changes, func(a, b AttendanceEntry) int {
		if a.PersonID != b.PersonID {
			return cmp.Compare(a.PersonID, b.PersonID)
		}
		return a.Day.Compare(b.Day)
	})
	return out, nil
}

// ChangedDays lists, per participant, the days of changes as "tirsdag
// 01.12", for the audit row.
func ChangedDays(changes []AttendanceEntry) map[int64][]string {
	out := map[int64][]string{}
	for _, c := range changes {
		out[c.PersonID] = append(out[c.PersonID], DayLabel(c.Day))
	}
	return out
}
