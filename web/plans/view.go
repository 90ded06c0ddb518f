// Package plans is the weekly plan's pages (ukeplan): the plan in force
// with its week sums and history, one stored version, and the form for a
// new version.
package plans

import (
	"ankomst/internal/domain"
	"ankomst/web/layout"
)

// ElementRow is one programme element of a version, formatted.
type ElementRow struct {
	Label       string
	Hours       string // "15 t"
	Days        string // "man–fre"
	Period      string // "01.12.2026–31.01.2027", or "Hele perioden"
	Description string
}

// WeekRow is one ISO week's sum against its target.
type WeekRow struct {
	Week     string // "Uke 49"
	Dates    string // "30.11.–04.12.2026"
	Planned  string // "35 t"
	Target   string // "37,5 t"
	Diff     string // "2,5 t under 37,5", "" on target
	Deviates bool   // a whole week off its target
	Partial  bool   // only some weekdays in force
	Current  bool   // this week
	// Practice lists the work-practice placements' hours in the week
	// ("Praksis: Kafé Nord 15 t"); they are part of Planned.
	Practice []string
}

// VersionView is a version's facts and elements.
type VersionView struct {
	Heading  string
	Facts    []layout.Fact
	Elements []ElementRow
}

// HistoryRow is one version in the history table.
type HistoryRow struct {
	ValidFrom string
	CreatedBy string
	CreatedAt string
	Comment   string
	URL       string
	Status    string // "Gjelder nå", "Kommer", "Erstattet"
	Color     string // the status tag's colour
}

// PageView is the plan page: the version in force, the coming weeks'
// sums, the deviating weeks and the history.
type PageView struct {
	User         *domain.User
	PersonName   string
	PersonURL    string
	ProgrammeURL string
	Flash        string
	NotGranted   bool
	NewURL       string // the new-version form ("" without a granted decision)
	Current      *VersionView
	Weeks        []WeekRow
	Deviations   []string // the whole weeks off target from this week on
	History      []HistoryRow
	// PlacementsURL is the person's work-practice placements.
	PlacementsURL string
}

// VersionPageView is one stored version with its weeks.
type VersionPageView struct {
	User       *domain.User
	PersonName string
	PlanURL    string
	Version    VersionView
	Weeks      []WeekRow
	Deviations []string
}

// FormView is the new-version form.
type FormView struct {
	User         *domain.User
	PersonName   string
	PlanURL      string
	ProgrammeURL string
	Action       string
	NotGranted   bool
	Facts        []layout.Fact // the programme's start and planned end, the targets
	Form         domain.PlanForm
	FormKey      string
	Errors       map[string]string
	Summary      []layout.ErrorItem
	Weeks        []WeekRow // the refused plan's weeks (the first ones), when they were summed
}

// Weekdays are the form's weekday choices.
func (v FormView) Weekdays() []domain.Option { return domain.PlanWeekdays() }

// rowError is a row field's message.
func (v FormView) rowError(r domain.PlanRowForm, part string) string { return v.Errors[r.Field(part)] }

// daysErrorID is the id of a row's weekday error, while it has one.
func (v FormView) daysErrorID(r domain.PlanRowForm) string {
	return layout.ErrorID(r.Field("days"), v.rowError(r, "days"))
}
