// Package reports holds the exports page (rapporter) and the NIR check
// report.
package reports

import (
	"ankomst/internal/domain"
	"ankomst/web/layout"
)

// View is the exports page.
type View struct {
	User *domain.User
	// Settlement report: the year asked for.
	Year string
	// NIR file: the unit chosen (empty: every unit, admins only) and the
	// units an admin may choose; the counts and the last exports.
	UnitID     string
	UnitName   string
	Units      []domain.Option // nil for leaders (their own unit)
	Programmes string
	Changed    string
	Exports    []Export
	CheckURL   string
	// Payroll basis: the month asked for.
	Month       string
	CanPayroll  bool
	PayrollUnit string
}

// Export is an earlier NIR export with its re-send links.
type Export struct {
	At          string
	By          string
	Unit        string
	What        string // "Alle" or "Bare endret"
	Programmes  string
	StillMarked string
	CSVURL      string
	XLSXURL     string
}

// CheckView is the NIR check report.
type CheckView struct {
	User     *domain.User
	UnitID   string
	UnitName string
	Units    []domain.Option
	AllUnits bool // show the unit column
	Lines    []CheckLine
	Total    int
	Shown    string
	Counts   []layout.Fact
	CSVURL   string
	BackURL  string
}

// CheckLine is a programme with what it lacks or is late with.
type CheckLine struct {
	Name   string
	URL    string // the person's programme page
	Unit   string
	Issues []Issue
}

// Issue is one finding.
type Issue struct {
	Kind  string // "Mangler" or "Forsinket"
	Late  bool
	Label string
}
