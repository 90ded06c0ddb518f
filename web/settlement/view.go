// Package settlement holds the settlement ledger page (bosetting): IMDi's
// request and the council's decision for a year with their history, the
// people settled, agreed, proposed and declined by category and month, the
// remaining quota, the integration grant forecast and the form recording a
// new request or decision.
package settlement

import (
	"ankomst/internal/domain"
	"ankomst/web/layout"
)

// Months are the tables' month headings.
var Months = [12]string{"jan", "feb", "mar", "apr", "mai", "jun", "jul", "aug", "sep", "okt", "nov", "des"}

// MonthNames are the months' full names, for screen readers.
var MonthNames = [12]string{"januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september", "oktober", "november", "desember"}

// Row is one category's line of a section: 12 months and a total.
type Row struct {
	Label  string
	Months [12]string
	Total  string
	Sum    bool // a total row
}

// Section is one stage's table.
type Section struct {
	ID      string
	Title   string
	Explain string
	Rows    []Row
	Empty   bool
}

// Target is one request or decision row of the history.
type Target struct {
	Kind          string
	Total         string
	Unaccompanied string
	DecidedOn     string
	Note          string
	AddedBy       string
	InForce       bool
}

// GrantRow is one settlement year's expected grant.
type GrantRow struct {
	SettlementYear string
	GrantYear      string
	Persons        string
	Extras         string
	Amount         string
}

// View is the page's model.
type View struct {
	User       *domain.User
	Flash      string
	Year       string
	Years      []domain.Option
	YearError  string
	ScopeNote  string
	Request    string // "30 (herav 5 enslige mindreårige)" or "Ikke registrert"
	Decision   string
	Settled    string // settled in the quota
	Remaining  string
	RemainingU string
	Agreed     string
	Family     string // settled family reunified (outside the quota)
	Sections   []Section
	History    []Target
	Grant      []GrantRow
	GrantTotal string
	GrantYear  string
	GrantNote  string // missing rates
	CSVURL     string
	XLSXURL    string
	RatesURL   string // for admins
	Form       domain.SettlementTargetForm
	Kinds      []domain.Option
	Errors     map[string]string
	Summary    []layout.ErrorItem
}

// SettleView is the form marking a person in the pipeline settled.
type SettleView struct {
	User     *domain.User
	PersonID int64
	Name     string
	Facts    []layout.Fact
	Date     string
	Version  string
	Errors   map[string]string
	Summary  []layout.ErrorItem
	Conflict string // a 409: what is saved now
}
