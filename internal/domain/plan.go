package domain

import (
	"fmt"
	"slices"
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
