// Package capacity holds the capacity page (free places at the worksites
// now and in the next 8 weeks) and the person page's placement history.
package capacity

import "ankomst/internal/domain"

// SectorOptions are the sector filter's options (the employer module's
// sectors).
func SectorOptions() []domain.Option { return domain.Sectors() }

// SectorLabel is a sector code's Norwegian label.
func SectorLabel(code string) string { return domain.SectorLabel(code) }

// statusColors are the tag colours of the placement statuses, whose labels
// are the placement module's (domain.PlacementStatuses).
var statusColors = map[string]string{
	domain.PlacementPlanned: "info",
	domain.PlacementActive:  "success",
	domain.PlacementPaused:  "warning",
	domain.PlacementEnded:   "neutral",
	domain.PlacementAborted: "danger",
}

// StatusTag is a placement status's tag.
func StatusTag(status string) Tag {
	color, ok := statusColors[status]
	if !ok {
		color = "neutral"
	}
	return Tag{domain.Label(domain.PlacementStatuses(), status), color}
}

// Tag is a status tag (ds-tag): its text and Designsystemet colour.
type Tag struct {
	Label string
	Color string
}

// Week is a week column: its number as the heading, the full week (with
// its dates) as the title.
type Week struct {
	Number string // "49"
	Title  string // "Uke 49: 30.11.–04.12.2026"
	Dates  string // "30.11.–04.12.2026"
}

// Cell is a worksite's free places in one week.
type Cell struct {
	Free int
	None bool // no free place (0, or overbooked): highlighted
}

// Row is one worksite of the capacity page.
type Row struct {
	URL       string // paths.Worksite
	Worksite  string
	Employer  string
	Sector    string
	Area      string
	Languages string
	Places    int
	Weeks     []Cell // this week first
}

// PageView is the capacity page.
type PageView struct {
	User *domain.User
	// The filter, as chosen.
	Sector, Area, Language string
	OnlyFree               bool
	Sectors, Areas, Langs  []domain.Option
	Filtered               bool   // any filter set
	ResetURL               string // the page without filters
	Weeks                  []Week
	Rows                   []Row
	Count                  string // "812 arbeidssteder"
	Showing                string // "Viser 1–50"
	PrevURL, NextURL       string
	FirstURL               string // shown when a page past the end is empty
}

// HistoryRow is one of a person's placements on the person page.
type HistoryRow struct {
	WorksiteURL string
	Worksite    string
	Employer    string
	Period      string
	Hours       string // "15 t/uke"
	Status      Tag
}

// SectionView is the person page's "Praksisplasser" section.
type SectionView struct {
	URL  string // paths.PersonPlacements
	Rows []HistoryRow
	More bool // older placements are on the placements page
}
