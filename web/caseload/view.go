// Package caseload holds the caseload pages: caseload per caseworker and
// bulk reassignment (saksfordeling), closing a case (avslutte sak) and the
// person's access log (innsyn: hvem har sett).
package caseload

import (
	"strconv"

	"ankomst/internal/domain"
	"ankomst/web/layout"
)

// CountRow is one caseworker's caseload in the overview.
type CountRow struct {
	Name     string
	Unit     string
	Persons  int
	Inactive bool   // the user is deactivated but still has cases
	URL      string // the list filtered to this caseworker
	Current  bool   // the list is filtered to this caseworker
}

// PersonRow is one active case in the reassignment list.
type PersonRow struct {
	ID         int64
	Name       string // "Family, Given"
	BirthDate  string
	Unit       string
	Caseworker string
	Checked    bool
}

// OverviewView is the caseload page's model (GET /caseload).
type OverviewView struct {
	User     *domain.User
	Flash    string
	ShowUnit bool // admins see every unit
	Counts   []CountRow
	// Unassigned counts active cases without a caseworker.
	Unassigned    int
	UnassignedURL string
	AllURL        string
	// Filter is the current caseworker filter: "", "none" or a user id.
	Filter        string
	FilterLabel   string
	FilterOptions []domain.Option
	Rows          []PersonRow
	NextURL       string
	FirstURL      string
	SelectAllURL  string
	SelectNoneURL string
	Targets       []domain.Option
	To            string
	Errors        map[string]string
	Summary       []layout.ErrorItem
}

// ChangeRow is one person a previewed reassignment moves.
type ChangeRow struct {
	ID      int64
	Name    string
	From    string
	Version int
}

// Item is the hidden form value that carries a previewed person and the
// version seen: "id:version".
func (c ChangeRow) Item() string {
	return strconv.FormatInt(c.ID, 10) + ":" + strconv.Itoa(c.Version)
}

// SkipRow is a chosen person left alone, with the reason.
type SkipRow struct {
	ID     int64
	Name   string
	Reason string
}

// PreviewView is the reassignment preview's model (POST /caseload/preview).
type PreviewView struct {
	User    *domain.User
	ToID    int64
	ToName  string
	Changes []ChangeRow
	Skipped []SkipRow
	Missing int
	BackURL string
}

// ConflictView answers a reassignment whose preview no longer holds (409).
type ConflictView struct {
	User      *domain.User
	Changed   []SkipRow
	Missing   int
	PersonIDs []int64 // to preview again
	ToID      int64
	BackURL   string
}

// CloseView is the close-a-case confirmation page's model.
type CloseView struct {
	User       *domain.User
	PersonID   int64
	PersonName string
	Form       domain.CloseForm
	Errors     map[string]string
	Summary    []layout.ErrorItem
	Today      string // YYYY-MM-DD, the date input's max
	Earliest   string // the earliest end date, dd.mm.yyyy, or ""
	// Conflict is set when the person changed since the page was opened.
	Conflict string
	// AlreadyClosed hides the form: there is nothing to close.
	AlreadyClosed bool

	// HousingURL, when set, is the housing page of the person's household,
	// which has a running lease: closing offers to end it there (issue 11).
	HousingURL string
}

// AuditRow is one event of the access log, formatted.
type AuditRow struct {
	At     string
	User   string
	Role   string
	Action string
	What   string
	Fields string
	Ref    string
}

// AuditView is the access log page's model (innsyn: hvem har sett).
type AuditView struct {
	User       *domain.User
	PersonID   int64
	PersonName string
	Action     string
	Actions    []domain.Option
	Rows       []AuditRow
	NextURL    string
	FirstURL   string
	CSVURL     string
}

// closedOnDescription is the end date's hint: the earliest and latest date allowed.
func (v CloseView) closedOnDescription() string {
	if v.Earliest != "" {
		return "Tidligst " + v.Earliest + ", senest i dag."
	}
	return "Senest i dag."
}
