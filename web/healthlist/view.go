// Package healthlist holds GET /health: the health role's worklist (open
// items overdue or due soon, every read logged) and the leaders' counts
// (nothing person-level: no names, no links to persons).
package healthlist

import (
	"ankomst/internal/domain"
	"ankomst/web/layout"
)

// WorklistView is the worklist page's model.
type WorklistView struct {
	User     *domain.User
	Horizon  int // days ahead that count as due soon
	Kind     string
	Kinds    []domain.Option // the kind filter's options ("" is all)
	Dir      string          // "desc" or ""
	Due      layout.SortColumn
	Rows     []WorklistRow
	NextURL  string
	FirstURL string
	AllURL   string // the list without a kind filter
	IsFirst  bool
}

// WorklistRow is one open item.
type WorklistRow struct {
	PersonName  string
	PersonURL   string
	KindLabel   string
	Status      string
	StatusColor string
	Due         string
	Overdue     bool
	DaysText    string // "12 dager over fristen", "om 3 dager", "i dag"
	Language    string
	Interpreter string // "Trenger tolk (arabisk)", "Tolk bestilt", ""
}

// CountsView is the leaders' page: counts only.
type CountsView struct {
	User     *domain.User
	Units    []domain.Option // the unit choice (admins: every unit); empty: none offered
	Unit     string
	UnitName string
	Today    string
	Kinds    []KindCount
	// MedianTB is the median days from arrival to TB screening done, as
	// text ("" when none done); TBDone how many screenings it counts.
	MedianTB string
	TBDone   int
	Settled  int
	WithGP   int
	GPShare  string // "63 %"
}

// KindCount is one row of the counts table.
type KindCount struct {
	Label   string
	Open    int
	Overdue int
}
