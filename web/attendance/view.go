// Package attendance holds the weekly attendance grid (oppmøte): one row per
// participant, one column per weekday, one form for the whole week.
package attendance

import (
	"ankomst/internal/domain"
	"ankomst/web/layout"
)

// GridView is the weekly grid's model.
type GridView struct {
	User *domain.User
	// The selection: the week and the group ("" for the user's caseload).
	Week      string // "2026-W49"
	WeekLabel string // "Uke 49 · 30.11.–04.12.2026"
	GroupID   string
	Heading   string // the group's name, or "Mine deltakere"
	GroupURL  string // the group's page, or ""
	Choices   []domain.Option
	PrevURL   string
	NextURL   string
	ThisURL   string // the current week, or "" when this is it
	Action    string
	Days      []DayHead
	Rows      []Row
	Reasons   []Reason
	Flash     string
	Notice    string
	// Conflicts name the cells someone else saved meanwhile (409).
	Conflicts []string
	Summary   []layout.ErrorItem
	// Empty explains an empty grid.
	Empty string
}

// DayHead is a weekday column.
type DayHead struct {
	Short string // "Man 30.11"
	Long  string // "mandag 30.11"
}

// Reason is an absence reason with its key in the grid.
type Reason struct {
	Value string
	Label string
	Key   string
}

// Row is one participant's week.
type Row struct {
	PersonID  string
	RowID     string // "row-12": the row's id, for messages about the row
	Name      string
	PersonURL string
	NoPlan    bool
	Cells     []Cell
	Planned   string // hours planned in the week
	Present   string // hours present
	Absent    string // hours absent
	Holiday   string // "Ferie igjen 2026: 25 dager"
	Error     string // a rule broken by the row's week
}

// Cell is one participant's day.
type Cell struct {
	Outside  bool   // not in the programme that day: no input
	Future   bool   // a day that has not come: not prefilled, only planned absence
	HName    string // hours present: field name and element id
	RName    string // reason: field name and element id
	VName    string // the version it was loaded with
	Label    string // "Kari Nordmann, mandag 30.11" for the hidden labels
	Present  string
	Reason   string
	Version  string
	Expected string // planned hours ("7,5")
	Minutes  string // planned minutes, for attendance.js
	Error    string
	Current  string // after a conflict: what is stored now
}
