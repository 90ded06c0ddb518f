// Package persons holds the person (deltaker) pages.
package persons

import (
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"

	"ankomst/internal/domain"
	"ankomst/web/layout"
)

// Row is one person in the list, formatted for display.
type Row struct {
	ID             int64
	Name           string
	BirthDate      string
	Country        string
	Basis          string
	SettlementDate string
	Caseworker     string
	Closed         bool // the case is closed (avsluttet)
	// Mine list only: Changed marks a person others changed since the user
	// last opened it (ChangedWhat says what); NewToMe one never opened.
	Changed     bool
	ChangedWhat string
	NewToMe     bool
}

// SortColumn is a sortable column header.
type SortColumn = layout.SortColumn

// ListView is the person list's model.
type ListView struct {
	User      *domain.User
	Q         string
	Mine      bool
	MineURL   string
	AllURL    string
	Columns   []SortColumn // name, birth, settlement
	Rows      []Row
	NextURL   string
	PrevURL   string
	CanCreate bool
	Flash     string
	Closed    bool // the list of closed cases (avsluttede)
	ClosedURL string
	// Pipeline: the list of people not yet settled (før bosetting).
	Pipeline    bool
	PipelineURL string
	// ChangedCount is how many rows of the Mine list others changed since
	// the user last opened them.
	ChangedCount int
	CanReassign  bool // leaders and admins: a link to the caseload page
	// Searched: the list answers a search (Q is empty when the query was an
	// identity number, which is never echoed).
	Searched bool
	// Sort and Desc are the list's order, kept by the search form ("" is by
	// name).
	Sort string
	Desc bool
}

// ResultsFragment is the part of List that answers a live search (htmx):
// the count and the results, rendered with templ.RenderFragments.
const ResultsFragment = "results"

// CountText says how many the list shows, for the live region above it.
func (v ListView) CountText() string {
	n := len(v.Rows)
	more := v.NextURL != "" || v.PrevURL != ""
	if v.Searched {
		switch {
		case n == 0:
			return "Ingen treff"
		case more:
			return strconv.Itoa(n) + " treff på denne siden"
		}
		return strconv.Itoa(n) + " treff"
	}
	switch {
	case n == 0:
		return "Ingen deltakere"
	case n == 1:
		return "1 deltaker"
	case more:
		return strconv.Itoa(n) + " deltakere på denne siden"
	}
	return strconv.Itoa(n) + " deltakere"
}

// FormView is the register/edit form's model.
type FormView struct {
	User        *domain.User
	Title       string
	Action      string
	Submit      string
	Form        domain.PersonForm
	Errors      map[string]string
	Summary     []layout.ErrorItem
	Caseworkers []domain.Option
	// DuplicateURL links to the person who already has the identity number.
	DuplicateURL string
	// Duplicates are registered persons who look like the one being
	// registered; the form asks to confirm before saving.
	Duplicates []DuplicateRow
	// CheckDuplicates makes the form ask for the duplicate check (new
	// registrations).
	CheckDuplicates bool
	// Conflict is set when the edit lost a race: the stored version.
	Conflict  *ShowView
	CancelURL string
}

// FieldOptions are where the person's fields differ between the forms that
// use PersonFields.
type FieldOptions struct {
	// ArrivalRequired marks the arrival date as required: family
	// reunification needs it (domain.ReunificationForm.Validate).
	ArrivalRequired bool
}

// ShowView is the person page's model.
type ShowView struct {
	User    *domain.User
	Person  *domain.Person
	CanEdit bool
	Flash   string
	Fields  []Fact
	// Sections are the modules' parts of the person page (household,
	// deadlines, timeline), in order.
	Sections []templ.Component
	// Closure is set for a closed case (avsluttet).
	Closure *Closure
	// CanClose offers "Avslutt sak", CanReopen "Gjenåpne sak", CanAudit the
	// access log (leaders and admins).
	CanClose  bool
	CanReopen bool
	CanAudit  bool
}

// Closure is how and when a case was closed, formatted.
type Closure struct {
	ClosedOn string // dd.mm.yyyy, or "" when not recorded
	Reason   string // Norwegian, or ""
}

// DuplicateRow is a registered person who may be the one being registered.
type DuplicateRow struct {
	URL        string // "" when the user may not open the person
	Name       string
	BirthDate  string
	Caseworker string
	Closed     bool
	Why        string // what matched, in Norwegian
}

// Fact is one labelled value on the person page.
type Fact = layout.Fact

// Facts formats a person for the person page and the conflict view.
func Facts(p *domain.Person) []Fact {
	idn := "–"
	if p.NationalID != nil {
		idn = domain.FormatNationalID(*p.NationalID)
	}
	duf := "–"
	if p.DUFNumber != nil {
		duf = domain.FormatDUF(*p.DUFNumber)
	}
	langs := ""
	for i, l := range p.Languages {
		if i > 0 {
			langs += ", "
		}
		langs += domain.Label(domain.Languages(), l)
	}
	if langs == "" {
		langs = "–"
	}
	interp := "Nei"
	if p.InterpreterNeeded {
		interp = "Ja, " + domain.Label(domain.Languages(), p.InterpreterLanguage)
		if p.InterpreterDialect != "" {
			interp += " (" + p.InterpreterDialect + ")"
		}
		if p.InterpreterGender != "" {
			interp += ", " + strings.ToLower(domain.Label(domain.InterpreterGenders(), p.InterpreterGender))
		}
	}
	cw := "Ikke tildelt"
	if p.CaseworkerName != nil {
		cw = *p.CaseworkerName
	}
	return []Fact{
		{Label: "Fornavn", Value: p.GivenName, TestID: "given-name"},
		{Label: "Etternavn", Value: p.FamilyName, TestID: "family-name"},
		{Label: "Fødselsdato", Value: domain.FormatDate(&p.BirthDate), TestID: "birth-date"},
		{Label: "Kjønn", Value: domain.Label(domain.Sexes(), p.Sex), TestID: "sex"},
		{Label: "Fødselsnummer / D-nummer", Value: idn, TestID: "national-id"},
		{Label: "DUF-nummer", Value: duf, TestID: "duf-number"},
		{Label: "Opprinnelsesland", Value: domain.Label(domain.Countries(), p.CountryOfOrigin), TestID: "country"},
		{Label: "Språk", Value: langs, TestID: "languages"},
		{Label: "Behov for tolk", Value: interp, TestID: "interpreter"},
		{Label: "Oppholdsgrunnlag", Value: domain.Label(domain.ResidenceBases(), p.ResidenceBasis), TestID: "residence-basis"},
		{Label: "Ankomstdato", Value: domain.FormatDate(p.ArrivalDate), TestID: "arrival-date"},
		{Label: "Bosettingsdato", Value: domain.FormatDate(p.SettlementDate), TestID: "settlement-date"},
		{Label: "Programrådgiver", Value: cw, TestID: "caseworker"},
	}
}

// stageValue is the stage a form shows: a new form's "" is settled.
func stageValue(stage string) string { return domain.StageOrSettled(stage) }

// PipelineFacts are a person's settlement pipeline: the stage and its dates,
// the reason for a decline and the grant and housing flags.
func PipelineFacts(p *domain.Person) []Fact {
	fs := []Fact{{Label: "Bosettingsstatus", Value: domain.SettlementStageLabel(p.SettlementStage), TestID: "settlement-stage"}}
	add := func(label string, d *time.Time, id string) {
		if d != nil {
			fs = append(fs, Fact{Label: label, Value: domain.FormatDate(d), TestID: id})
		}
	}
	add("Foreslått", p.ProposedOn, "proposed-on")
	add("Avtalt", p.AgreedOn, "agreed-on")
	add("Forventet ankomst", p.ExpectedArrival, "expected-arrival")
	add("Avslått", p.DeclinedOn, "declined-on")
	if p.DeclineReason != "" {
		fs = append(fs, Fact{Label: "Begrunnelse for avslag", Value: p.DeclineReason, TestID: "decline-reason"})
	}
	if p.GrantDisability {
		fs = append(fs, Fact{Label: "Tilskudd ved nedsatt funksjonsevne", Value: "Ja", TestID: "grant-disability"})
	}
	if p.NeedsAccessibleHome {
		fs = append(fs, Fact{Label: "Trenger tilgjengelig bolig", Value: "Ja", TestID: "accessible-home"})
	}
	return fs
}

// Tabs are the list's selections: Mine deltakere, Alle i enheten, Avsluttede.
func (v ListView) Tabs() []layout.Tab {
	return []layout.Tab{
		{Label: "Mine deltakere", URL: v.MineURL, TestID: "filter-mine", Current: v.Mine},
		{Label: "Alle i enheten", URL: v.AllURL, TestID: "filter-all", Current: !v.Mine && !v.Closed && !v.Pipeline},
		{Label: "Avsluttede", URL: v.ClosedURL, TestID: "filter-closed", Current: v.Closed},
		{Label: "Før bosetting", URL: v.PipelineURL, TestID: "filter-pipeline", Current: v.Pipeline},
	}
}

// searchView is the hidden view field of the search form, so a search stays
// in the selection it was made from.
func (v ListView) searchView() string {
	switch {
	case v.Mine:
		return "mine"
	case v.Closed:
		return "closed"
	case v.Pipeline:
		return "pipeline"
	}
	return "all"
}

func hasLang(f domain.PersonForm, code string) bool {
	for _, l := range f.Languages {
		if l == code {
			return true
		}
	}
	return false
}
