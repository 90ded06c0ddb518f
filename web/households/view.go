// Package households holds the household (husstand) pages and the household
// section of the person page.
package households

import (
	"strconv"

	"ankomst/internal/domain"
	"ankomst/web/layout"
	"ankomst/web/paths"
)

// ListView is the household list's model.
type ListView struct {
	User      *domain.User
	Q         string
	Rows      []Row
	ShowUnit  bool // admins see every unit
	NextURL   string
	PrevURL   string
	ResetURL  string
	CanCreate bool
	Flash     string
}

// Row is one household in the list, formatted for display.
type Row struct {
	URL        string
	Name       string
	Head       string
	Members    string
	Reunified  string // "" when none came by family reunification
	LastJoined string
	Unit       string
}

// FormView is the model of the new-household form and the rename form.
type FormView struct {
	User      *domain.User
	Title     string
	Action    string
	Submit    string
	CancelURL string
	Name      string
	Version   string
	// Head is set when the household is created from a person's page.
	Head     *HeadView
	Errors   map[string]string
	Summary  []layout.ErrorItem
	Conflict *ConflictView
}

// HeadView is the person who becomes the head of a new household.
type HeadView struct {
	PersonID string
	Name     string
	JoinedOn string // the form's value (YYYY-MM-DD)
}

// ConflictView is the stored household when a change lost a race.
type ConflictView struct {
	Name    string
	Version string
	Members []MemberRow
}

// ShowView is the household page's model.
type ShowView struct {
	User      *domain.User
	ID        int64
	URL       string
	Name      string
	Unit      string
	Version   string
	UpdatedAt string
	CanEdit   bool
	Flash     string
	Members   []MemberRow // active members
	Former    []MemberRow // members who have left
	Picker    PickerView
	// Conflict is the message when a change lost a race (409).
	Conflict string
	// Summary lists a refused change's errors.
	Summary []layout.ErrorItem

	// ShowHousing shows the link to the household's home (leases module).
	ShowHousing bool
}

// editURL is the rename form; reunificationURL the family reunification form.
func (v ShowView) editURL() string { return paths.HouseholdEdit(v.ID) }

func (v ShowView) reunificationURL() string { return paths.HouseholdReunification(v.ID) }

// Facts are the household page's facts: its unit and how many members it has now.
func (v ShowView) Facts() []layout.Fact {
	return []layout.Fact{
		{Label: "Enhet", Value: v.Unit},
		{Label: "Medlemmer nå", Value: strconv.Itoa(len(v.Members)), TestID: "member-count"},
	}
}

// MemberRow is one member, formatted for display.
type MemberRow struct {
	PersonID      string
	PersonURL     string
	RemoveURL     string
	Name          string
	Relation      string
	BirthDate     string
	Age           string
	Arrival       string
	JoinedOn      string
	LeftOn        string
	Basis         string
	Settlement    string
	Reunification bool
	Closed        bool // the person's case is closed
}

// PickerView is the search for persons to add, and its results.
type PickerView struct {
	SearchAction string
	AddAction    string
	// Q is the query; an identity number is shown back only in the answer
	// to the search's POST and in hidden fields, never put in a link.
	Q          string
	Searched   bool
	Candidates []Candidate
	More       bool
	Version    string
}

// PickerFragment is the part of Show that answers the picker's live search
// (htmx): the count and the candidates, rendered with templ.RenderFragments.
const PickerFragment = "picker"

// CountText says how many persons the picker found, for its live region;
// nothing before a search.
func (p PickerView) CountText() string {
	switch {
	case !p.Searched:
		return ""
	case len(p.Candidates) == 0:
		return "Ingen treff"
	case p.More:
		return "Viser de " + strconv.Itoa(len(p.Candidates)) + " første treffene"
	}
	return strconv.Itoa(len(p.Candidates)) + " treff"
}

// Candidate is a person the picker found.
type Candidate struct {
	PersonID  string
	PersonURL string
	Name      string
	BirthDate string
	Arrival   string
	// Here: already a member of this household; Other/OtherURL: member of another.
	Here     bool
	Other    string
	OtherURL string
	// The add form's values and errors.
	Relation string
	JoinedOn string
	Errors   map[string]string
}

// RemoveView is the confirmation page for removing a member.
type RemoveView struct {
	User         *domain.User
	HouseholdURL string
	Household    string
	Action       string
	Member       MemberRow
	LeftOn       string
	Version      string
	Errors       map[string]string
	Summary      []layout.ErrorItem
	Conflict     bool
}

// Facts are what the confirmation shows of the membership to end.
func (v RemoveView) Facts() []layout.Fact {
	return []layout.Fact{
		{Label: "Husstand", Value: v.Household},
		{Label: "Relasjon", Value: v.Member.Relation},
		{Label: "Kom til husstanden", Value: v.Member.JoinedOn},
	}
}

// ReunificationView is the family reunification form's model.
type ReunificationView struct {
	User         *domain.User
	HouseholdURL string
	Household    string
	Action       string
	Flash        string
	Form         domain.ReunificationForm
	Errors       map[string]string
	Summary      []layout.ErrorItem
	Caseworkers  []domain.Option
	DuplicateURL string
	// Conflict is the stored household when the registration lost a race.
	Conflict *ConflictView
}

// SectionView is the household section of the person page.
type SectionView struct {
	HouseholdURL string
	Name         string
	Members      []SectionMember
	CanCreate    bool
	NewURL       string
}

// SectionMember is one member in the person page's household section.
type SectionMember struct {
	PersonURL     string
	Name          string
	Relation      string
	JoinedOn      string
	Arrival       string
	Self          bool
	Reunification bool
}
