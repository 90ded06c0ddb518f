// Package groups holds the group pages (grupper): the list, the new-group
// form and a group's page with its members and its edit form.
package groups

import (
	"slices"
	"strconv"

	"ankomst/internal/domain"
	"ankomst/web/layout"
)

// ListView is the group list's model.
type ListView struct {
	User      *domain.User
	Rows      []Row
	ShowUnit  bool // admins see every unit
	CanCreate bool
	Flash     string
}

// Row is one group in the list, formatted for display.
type Row struct {
	URL           string
	AttendanceURL string
	Name          string
	Contact       string
	Weekdays      string
	Members       string
	Unit          string
}

// FormFields are a group's fields as typed (new group, edit).
type FormFields struct {
	Name     string
	Contact  string
	Weekdays []string
	Version  string
}

// HasWeekday reports whether the weekday (ISO "1"–"5") is checked.
func (f FormFields) HasWeekday(d string) bool { return slices.Contains(f.Weekdays, d) }

// FormView is the new-group form's model.
type FormView struct {
	User    *domain.User
	Fields  FormFields
	Errors  map[string]string
	Summary []layout.ErrorItem
}

// ConflictView is the stored group when an edit lost a race.
type ConflictView struct {
	Name     string
	Contact  string
	Weekdays string
	Version  string
}

// ShowView is a group's page: facts, members, the add form and the edit form.
type ShowView struct {
	User          *domain.User
	ID            int64
	URL           string
	AttendanceURL string
	Name          string
	Contact       string
	Weekdays      string
	Unit          string
	UpdatedAt     string
	Flash         string
	Members       []MemberRow
	Former        []MemberRow
	// Add: the participants who may join and the form's state.
	AddAction  string
	Candidates []domain.Option
	PersonID   string
	JoinedOn   string
	// Edit: the edit form's fields (with the version it is based on).
	Edit     FormFields
	Conflict *ConflictView
	Errors   map[string]string
	Summary  []layout.ErrorItem
	// EditOpen shows the edit form opened (after a refused edit).
	EditOpen bool
}

// Facts are the group page's facts.
func (v ShowView) Facts() []layout.Fact {
	contact := v.Contact
	if contact == "" {
		contact = "–"
	}
	return []layout.Fact{
		{Label: "Lærer eller kontaktperson", Value: contact, TestID: "group-contact"},
		{Label: "Ukedager", Value: v.Weekdays, TestID: "group-weekdays"},
		{Label: "Enhet", Value: v.Unit},
		{Label: "Deltakere nå", Value: itoa(len(v.Members)), TestID: "member-count"},
	}
}

// MemberRow is one membership, formatted for display.
type MemberRow struct {
	PersonID     string
	PersonURL    string
	Name         string
	BirthDate    string
	JoinedOn     string
	LeftOn       string
	RemoveAction string
	Today        string // the default end date (YYYY-MM-DD)
	Error        string // a refused removal's message
}

func itoa(n int) string { return strconv.Itoa(n) }
