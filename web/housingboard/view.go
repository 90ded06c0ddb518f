// Package housingboard holds the occupancy board (belegg, GET /housing):
// counts of let, free and repair units today and in each of the next 12
// ISO weeks, filtered by owner type, and the units free today.
package housingboard

import "ankomst/internal/domain"

// WeekRow is one row of the board, formatted.
type WeekRow struct {
	Label  string // "Nå (02.12.2026)" or "Uke 50 (07.12.)"
	Let    string
	Free   string
	Repair string
	Share  string // "75 %", or "–" without units in use
	Now    bool
}

// FreeRow is a unit free today.
type FreeRow struct {
	URL        string
	Address    string
	OwnerType  string
	Rooms      string
	Bedrooms   string
	Accessible string
	Rent       string
}

// View is the board's model.
type View struct {
	User      *domain.User
	OwnerType string
	Owners    []domain.Option
	Weeks     []WeekRow
	Free      []FreeRow
	// FreeMore says how many units free today are not listed (the board
	// lists the first 50 unless asked for all); FreeAllURL asks for all.
	FreeMore     string
	FreeAllURL   string
	FreeAllLabel string
	Empty        bool // no units at all (with the filter)
	Arrivals     []ArrivalRow
	// ArrivalsMore says how many arriving households are not listed.
	ArrivalsMore string
	Arrears      []ArrearsRow
	ArrearsCount string // "3 leieforhold har husleierestanse"
	// ArrearsMore says how many leases in arrears are not listed (the
	// board lists the first 50 unless asked for all); ArrearsAllURL asks
	// for all.
	ArrearsMore     string
	ArrearsAllURL   string
	ArrearsAllLabel string
}

// ArrivalRow is a household agreed for settlement and not yet arrived,
// with the units that fit it.
type ArrivalRow struct {
	Name       string
	URL        string
	Size       string // "2 voksne, 2 barn"
	Needs      string // "2 soverom", with "tilrettelagt" when needed
	Arrival    string // "14.12.2026", or "14.11.2026 (passert)"
	Accessible bool
	Candidates []CandidateRow
}

// CandidateRow is a unit that fits an arriving household.
type CandidateRow struct {
	URL     string
	Address string
	Detail  string // "2 soverom · 12 500 kr · ledig fra 01.01.2027"
}

// ArrearsRow is a running lease with rent arrears.
type ArrearsRow struct {
	Household    string
	HouseholdURL string
	Address      string
	UnitURL      string
	Tenant       string
}
