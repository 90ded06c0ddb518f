// Package benefit holds the benefit pages: the benefit calculator
// (stønadskalkulator) and a participant's benefit month with its deductions.
package benefit

import (
	"ankomst/internal/domain"
	"ankomst/web/layout"
)

// Result is one computed month as the pages show it.
type Result struct {
	Month         string // "mai 2025"
	Payment       string // whole kroner: "21 693"
	Gross         string // "21 693,33"
	Deduction     string // "667,49"
	Days          string // "22 av 22 hverdager"
	NeedsDecision bool
	Working       []string
}

// NewResult formats a domain.Benefit for the pages.
func NewResult(b domain.Benefit) *Result {
	return &Result{
		Month:         domain.FormatMonth(b.Month),
		Payment:       domain.FormatKroner(b.PaymentKroner),
		Gross:         domain.FormatOre(b.GrossOre),
		Deduction:     domain.FormatOre(b.DeductionOre),
		Days:          itoa(b.InProgrammeDays) + " av " + itoa(b.WeekdaysInMonth) + " hverdager",
		NeedsDecision: b.NeedsDecision,
		Working:       b.Working,
	}
}

// CalculatorView is the calculator page's model (GET /benefit/calculator).
type CalculatorView struct {
	User    *domain.User
	Form    domain.BenefitCalculatorForm
	Errors  map[string]string
	Summary []layout.ErrorItem
	Result  *Result // nil until a valid query is given
}

// DeductionRow is another benefit deducted from the month.
type DeductionRow struct {
	Amount      string
	Description string
	AddedBy     string // "Kari Nordmann, 03.06.2025"
}

// PersonView is a participant's benefit month (GET /persons/{id}/programme/benefit).
type PersonView struct {
	User       *domain.User
	Flash      string
	PersonID   int64
	PersonName string
	Month      string // YYYY-MM
	MonthLabel string // "mai 2025"
	PrevURL    string
	NextURL    string
	Programme  []layout.Fact
	Problem    string
	Result     *Result
	Deductions []DeductionRow
	Total      string // the deductions' sum
	Form       domain.BenefitDeductionForm
	Errors     map[string]string
	Summary    []layout.ErrorItem
}

func itoa(n int) string { return domain.FormatKroner(int64(n)) }
