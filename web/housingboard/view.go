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
	Empty     bool // no units at all (with the filter)
}
