// Package housing holds the housing registers' pages (boliger og utleiere):
// the unit list with filters, the new-unit form, a unit's page, the landlord
// list with its new-landlord form and a landlord's page with its agreements
// and units.
package housing

import (
	"ankomst/internal/domain"
	"ankomst/web/layout"
)

// UnitRow is one housing unit of a list, formatted for display.
type UnitRow struct {
	URL       string
	Address   string
	OwnerType string
	Landlord  string
	Rooms     string // "3 rom, 2 soverom"
	Rent      string
	Status    string
	StatusRaw string
}

// UnitListView is the unit list's model.
type UnitListView struct {
	User      *domain.User
	Q         string
	Status    string
	OwnerType string
	Statuses  []domain.Option
	Owners    []domain.Option
	Rows      []UnitRow
	Count     string
	PrevURL   string
	NextURL   string
	Flash     string
	Searched  bool
}

// UnitFields are a housing unit's fields as typed.
type UnitFields struct {
	Address    string
	OwnerType  string
	LandlordID string
	Rooms      string
	Bedrooms   string
	SizeM2     string
	Floor      string
	Lift       bool
	Accessible bool
	Furnished  bool
	Rent       string
	Status     string
	Note       string
	Version    string
}

// UnitChoices are the options of the unit form.
type UnitChoices struct {
	Owners    []domain.Option
	Statuses  []domain.Option
	Landlords []domain.Option
}

// UnitNewView is the new-unit form's model.
type UnitNewView struct {
	User    *domain.User
	Fields  UnitFields
	Choices UnitChoices
	Errors  map[string]string
	Summary []layout.ErrorItem
}

// UnitView is a housing unit's page.
type UnitView struct {
	User     *domain.User
	Address  string
	URL      string
	Facts    []layout.Fact
	Note     string
	Flash    string
	Edit     UnitFields
	Choices  UnitChoices
	EditOpen bool
	Errors   map[string]string
	Summary  []layout.ErrorItem
	Conflict string
}

// LandlordFields are a landlord's fields as typed.
type LandlordFields struct {
	Kind    string
	Name    string
	OrgNr   string
	Contact string
	Phone   string
	Email   string
	Version string
}

// DuplicateLink is the landlord that already holds an organisation number.
type DuplicateLink struct {
	Name string
	URL  string
}

// LandlordRow is one landlord of the list.
type LandlordRow struct {
	URL     string
	Name    string
	Kind    string
	OrgNr   string
	Contact string
	Units   string
	// Inactive marks a deactivated landlord.
	Inactive bool
}

// LandlordListView is the landlord list with its new-landlord form.
type LandlordListView struct {
	User      *domain.User
	Rows      []LandlordRow
	Flash     string
	Kinds     []domain.Option
	New       LandlordFields
	NewOpen   bool
	Errors    map[string]string
	Summary   []layout.ErrorItem
	Duplicate *DuplicateLink
}

// AgreementRow is an agreement on its landlord's page.
type AgreementRow struct {
	Period string
	Units  string
	Note   string
	Active bool
}

// AgreementFields are an agreement as typed.
type AgreementFields struct {
	From  string
	To    string
	Units string
	Note  string
}

// LandlordView is a landlord's page.
type LandlordView struct {
	User            *domain.User
	Name            string
	URL             string
	AgreementAction string
	Facts           []layout.Fact
	Flash           string
	Kinds           []domain.Option
	Edit            LandlordFields
	EditOpen        bool
	EditErrors      map[string]string
	Conflict        string
	Duplicate       *DuplicateLink
	Summary         []layout.ErrorItem
	Agreements      []AgreementRow
	Agreement       AgreementFields
	AgreementOpen   bool
	AgreementErrors map[string]string
	Units           []UnitRow
	// Active and Version are the landlord's state for the deactivate /
	// activate form.
	Active  bool
	Version string
}

func errIf(errs map[string]string, key string) string {
	if errs == nil {
		return ""
	}
	return errs[key]
}

// statusColor is a unit status's tag colour.
func statusColor(status string) string {
	switch status {
	case domain.UnitVacant:
		return "success"
	case domain.UnitLet:
		return "info"
	case domain.UnitRenovation:
		return "warning"
	}
	return "neutral"
}
