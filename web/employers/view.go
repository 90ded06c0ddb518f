// Package employers holds the employer register's pages (arbeidsgivere):
// the list with search, the new-employer form, an employer's page with its
// worksites and contacts, and a worksite's page with its participants.
package employers

import (
	"slices"

	"ankomst/internal/domain"
	"ankomst/web/layout"
)

// ListView is the employer list's model.
type ListView struct {
	User    *domain.User
	Q       string
	Sector  string
	Sectors []domain.Option
	Rows    []ListRow
	Total   int
	Count   string // "12 arbeidsgivere", "3 treff"
	PrevURL string
	NextURL string
	Flash   string
	// Searched: a search or filter narrows the list.
	Searched bool
	ResetURL string
}

// ListRow is one employer of the list, formatted for display.
type ListRow struct {
	URL       string
	Name      string
	OrgNr     string
	Sector    string
	Address   string
	Worksites string
	Places    string
	Active    bool
}

// EmployerFields are an employer's fields as typed.
type EmployerFields struct {
	Name    string
	OrgNr   string
	Address string
	Sector  string
	Notes   string
	Version string
}

// DuplicateLink is the employer that already holds an organisation number.
type DuplicateLink struct {
	Name string
	URL  string
}

// NewView is the new-employer form's model.
type NewView struct {
	User      *domain.User
	Fields    EmployerFields
	Sectors   []domain.Option
	Errors    map[string]string
	Summary   []layout.ErrorItem
	Duplicate *DuplicateLink
}

// WorksiteFields are a worksite's fields as typed.
type WorksiteFields struct {
	Name      string
	Address   string
	Area      string
	Places    string
	Languages []string
	Notes     string
	Version   string
}

// HasLanguage reports whether the language is ticked.
func (f WorksiteFields) HasLanguage(code string) bool { return slices.Contains(f.Languages, code) }

// ContactFields are a contact's fields as typed.
type ContactFields struct {
	Name       string
	Phone      string
	Email      string
	Supervisor bool
	WorksiteID string
	Version    string
}

// WorksiteRow is a worksite on its employer's page.
type WorksiteRow struct {
	URL       string
	Name      string
	Area      string
	Address   string
	Places    string
	InUse     string
	Free      string
	Languages string
	Active    bool
}

// ContactRow is a contact person or supervisor, with its edit form on the
// employer's page.
type ContactRow struct {
	ID         string
	Name       string
	Phone      string
	Email      string
	Supervisor bool
	Worksite   string // its worksite's name, or "" for the whole employer
	Active     bool
	Action     string // the edit form's URL
	Edit       ContactFields
	Errors     map[string]string
	Open       bool   // the edit form opened (after a refused edit)
	Conflict   string // the stored contact after a lost race
}

// Prefix is the element id prefix of the contact's edit form.
func (c ContactRow) Prefix() string { return "ct" + c.ID + "-" }

// ShowView is an employer's page.
type ShowView struct {
	User      *domain.User
	URL       string
	Name      string
	OrgNr     string
	Sector    string
	Address   string
	Notes     string
	Active    bool
	UpdatedAt string
	Version   string
	Flash     string
	Worksites []WorksiteRow
	Contacts  []ContactRow
	// The forms: edit, a new worksite, a new contact.
	Edit            EmployerFields
	EditOpen        bool
	EditErrors      map[string]string
	Conflict        string // the stored employer after a lost race
	Duplicate       *DuplicateLink
	NewWorksite     WorksiteFields
	WorksiteErrors  map[string]string
	WorksiteOpen    bool
	NewContact      ContactFields
	ContactErrors   map[string]string
	ContactOpen     bool
	WorksiteOptions []domain.Option // the active worksites, for a contact
	Sectors         []domain.Option
	Languages       []domain.Option
	Summary         []layout.ErrorItem
	WorksiteAction  string
	ContactAction   string
}

// Facts are the employer's facts.
func (v ShowView) Facts() []layout.Fact {
	return []layout.Fact{
		{Label: "Organisasjonsnummer", Value: v.OrgNr, TestID: "employer-orgnr"},
		{Label: "Bransje", Value: v.Sector, TestID: "employer-sector"},
		{Label: "Adresse", Value: dash(v.Address)},
		{Label: "Status", Value: activeText(v.Active, "Aktiv", "Ikke aktiv"), TestID: "employer-status"},
	}
}

// PlacementRow is a placement at a worksite, formatted for display.
type PlacementRow struct {
	PersonURL    string
	PlacementURL string
	Name         string
	Period       string
	Status       string
	Hours        string
}

// WorksiteView is a worksite's page.
type WorksiteView struct {
	User         *domain.User
	URL          string
	Name         string
	EmployerName string
	EmployerURL  string
	OrgNr        string
	Address      string
	Area         string
	Places       string
	InUse        string
	Free         string
	Languages    string
	Notes        string
	Active       bool
	UpdatedAt    string
	Version      string
	Flash        string
	Contacts     []ContactRow
	Current      []PlacementRow
	Past         []PlacementRow
	// ShowUnitNote: the user sees one unit's participants; places in use
	// count every unit's.
	ShowUnitNote    bool
	Edit            WorksiteFields
	EditOpen        bool
	Errors          map[string]string
	Conflict        string
	Summary         []layout.ErrorItem
	LanguageOptions []domain.Option
}

// Facts are the worksite's facts.
func (v WorksiteView) Facts() []layout.Fact {
	return []layout.Fact{
		{Label: "Arbeidsgiver", Value: v.EmployerName + " (" + v.OrgNr + ")"},
		{Label: "Adresse", Value: dash(v.Address)},
		{Label: "Område", Value: dash(v.Area)},
		{Label: "Språk på arbeidsstedet", Value: v.Languages, TestID: "worksite-languages"},
		{Label: "Praksisplasser", Value: v.Places, TestID: "worksite-places"},
		{Label: "I bruk nå", Value: v.InUse, TestID: "worksite-in-use"},
		{Label: "Ledige nå", Value: v.Free, TestID: "worksite-free"},
		{Label: "Status", Value: activeText(v.Active, "Aktivt", "Ikke aktivt"), TestID: "worksite-status"},
	}
}

func dash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}

func activeText(active bool, yes, no string) string {
	if active {
		return yes
	}
	return no
}

func errIf(errs map[string]string, key string) string {
	if errs == nil {
		return ""
	}
	return errs[key]
}
