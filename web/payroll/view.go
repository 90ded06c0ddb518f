// Package payroll holds the payroll basis page (utbetalingsgrunnlag): a
// unit's participants for a month with their benefit, the approval and the
// exports.
package payroll

import (
	"ankomst/internal/domain"
	"ankomst/web/layout"
)

// Row is one participant's line as the page shows it.
type Row struct {
	Name          string
	URL           string // the participant's benefit page for the month
	Days          string
	Hours         string // unexcused hours
	Gross         string // kroner with øre
	Deduction     string
	Amount        string // whole kroner
	NeedsDecision bool
	Problem       string // the month could not be computed
}

// Adjustment is a correction of an earlier approved month.
type Adjustment struct {
	Name     string
	URL      string
	ForMonth string // "oktober 2026"
	Amount   string // "+667" or "−1 001"
	Days     string
	Hours    string
}

// Totals are the sums over every line of the month (not only the page).
type Totals struct {
	Days, Hours, Gross, Deduction, Amount string
	Flagged                               int
}

// View is the page's model (GET /reports/payroll).
type View struct {
	User        *domain.User
	Flash       string
	Conflict    string // why a POST was refused with 409
	Month       string // YYYY-MM
	MonthLabel  string // "oktober 2026"
	MonthError  string
	UnitID      string
	UnitName    string
	Units       []domain.Option // the units an admin may choose; nil for leaders
	Columns     []Column
	Rows        []Row // this page
	Count       int   // the month's participants (all pages)
	Totals      Totals
	Adjustments []Adjustment
	AdjustTotal string
	GrandTotal  string // the month's amount plus the adjustments
	// Flagged filters the table to the lines that krever vedtak.
	Flagged    bool
	FlaggedURL string
	AllURL     string
	Shown      string // "Viser 1–100 av 20 000"
	Pager      []layout.PageLink
	CSVURL     string
	XLSXURL    string
	// The approval: who approved when, or whether this user may approve.
	ApprovedBy   string
	ApprovedAt   string
	CanApprove   bool
	ApproveNote  string // why the month cannot be approved (yet) by this user
	ConfirmError string
	ApproveError string
}

// Column is a sortable column of the table.
type Column struct {
	layout.SortColumn
	Key   string
	Class string // hide-narrow
	Num   bool   // right-aligned
}
