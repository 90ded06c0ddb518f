// Package rates holds the administrators' page of dated rates and limits
// (satser): every kind with the value in force today and its history, and
// the form adding a new row.
package rates

import (
	"ankomst/internal/domain"
	"ankomst/web/layout"
)

// Row is one stored row of a kind.
type Row struct {
	From    string
	Value   string
	Note    string
	AddedBy string
	// State is "now" (in force today), "future", "replaced" (a newer row
	// from the same date corrects it) or "" (an earlier value).
	State string
}

// Kind is one rate or limit: its value today and every row.
type Kind struct {
	Kind        string
	Label       string
	Unit        string // what the value is typed in ("kroner", "timer" …)
	Current     string // the value in force today, or ""
	CurrentFrom string
	NewURL      string // the form preset to this kind
	History     []Row
}

// Group is a heading of the page with its kinds.
type Group struct {
	ID    string
	Name  string
	Kinds []Kind
}

// View is the page's model (GET /admin/rates, and a refused POST).
type View struct {
	User    *domain.User
	Flash   string
	Today   string
	Groups  []Group
	Kinds   []domain.Option
	Form    domain.RateForm
	Errors  map[string]string
	Summary []layout.ErrorItem
}

// UnitHint is how a unit's value is typed on the form.
func UnitHint(u domain.RateUnit) string {
	switch u {
	case domain.UnitOre:
		return "kroner"
	case domain.UnitMinutes:
		return "timer"
	case domain.UnitDate:
		return "dato"
	case domain.UnitThirds:
		return "tredjedeler"
	case domain.UnitPercent:
		return "prosent"
	case domain.UnitYears:
		return "år"
	case domain.UnitMonths:
		return "måneder"
	case domain.UnitDays:
		return "dager"
	case domain.UnitWeeks:
		return "uker"
	}
	return "antall"
}

func stateTag(state string) (label, color string) {
	switch state {
	case "now":
		return "Gjelder nå", "success"
	case "future":
		return "Kommer", "info"
	case "replaced":
		return "Rettet", "neutral"
	}
	return "", ""
}

func itoa(n int) string { return domain.FormatKroner(int64(n)) }

func rowsWord(n int) string {
	if n == 1 {
		return "rad"
	}
	return "rader"
}
