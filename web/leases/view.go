// Package leases holds a household's housing page (bolig): its current home
// and lease history, the let-a-unit form, each lease's edit form and move-in
// and move-out checklists, and the person page's home section.
package leases

import (
	"ankomst/internal/domain"
	"ankomst/web/layout"
)

// PageView is the household's housing page.
type PageView struct {
	User          *domain.User
	HouseholdName string
	HouseholdURL  string
	Flash         string
	CanWrite      bool
	Current       []LeaseView // running today
	History       []LeaseView // ended or not yet started
	Summary       []layout.ErrorItem
	Conflict      string
	// The let-a-unit form (CanWrite).
	NewAction string
	Form      domain.LeaseForm
	Errors    map[string]string
	Units     []domain.Option
	Tenants   []domain.Option
}

// LeaseView is one lease formatted for display, with its forms.
type LeaseView struct {
	ID        string
	Address   string
	Rooms     string
	Period    string
	Rent      string
	Security  string
	Tenant    string
	Arrears   bool
	Action    string // the edit form's action
	End       string // the edit form's fields as typed or stored
	RentInput string
	ArrearsIn bool
	Version   string
	Errors    map[string]string
	Checklist []ChecklistRow
	CheckURL  string
	CheckOpen bool // a checklist form was refused
	EditOpen  bool // the edit form was refused or conflicted
}

// ChecklistRow is one item of a lease's checklist.
type ChecklistRow struct {
	ID     string // element id prefix, unique on the page
	Phase  string
	Item   string
	Label  string // "Innflytting: Nøkler"
	DoneOn string // dd.mm.yyyy, or ""
	Input  string // the date field's value (yyyy-mm-dd)
	Note   string
	Error  string
	// Version is the item's version the form is based on.
	Version string
}

// SectionView is the person page's home section.
type SectionView struct {
	Address string
	Since   string
	URL     string // the household's housing page, or "" without a household
}
