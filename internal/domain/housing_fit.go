package domain

import (
	"slices"
	"time"
)

// Which housing units fit a household agreed for settlement (the occupancy
// board's "Boliger som passer"). The rule is deliberately simple:
//
//   - Bedrooms needed: one for the first two adults (a person alone or a
//     couple), one more for each further adult, and one for every two
//     children (rounded up); at least one, and never more than there are
//     persons. A child is under 18 on the expected arrival day.
//   - A unit fits when it sleeps that many: its bedrooms, a studio
//     (0 bedrooms) counting as one, are at least the need; when anyone in
//     the household needs a step-free home, the unit must be accessible.
//   - Candidates are ranked by the fewest spare bedrooms, then an
//     accessible unit only when it is needed (to keep those for who need
//     them), then the lowest rent, then the address; FitLimit are shown.

// FitLimit is how many candidate units the board shows per household.
const FitLimit = 5

// BedroomsNeeded is the number of bedrooms a household of adults and
// children needs (see the rule above). An empty household needs none.
func BedroomsNeeded(adults, children int) int {
	adults, children = max(adults, 0), max(children, 0)
	persons := adults + children
	if persons == 0 {
		return 0
	}
	n := 0
	if adults > 0 {
		n = 1 + max(adults-2, 0)
	}
	n += (children + 1) / 2
	return min(max(n, 1), persons)
}

// FitHousehold is what the fit rule needs of a household.
type FitHousehold struct {
	Adults          int
	Children        int
	NeedsAccessible bool
	ExpectedArrival time.Time
}

// FitUnit is what the fit rule needs of a housing unit: its bedrooms,
// whether it is accessible, its rent and address (for the order), and the
// day from which no lease holds it (FreeFrom nil: it is let open-ended).
type FitUnit struct {
	ID         int64
	Address    string
	Bedrooms   int
	Accessible bool
	RentOre    int64
	FreeFrom   *time.Time // zero time: never let
}

// FreeOn reports whether no lease holds the unit on or after day.
func (u FitUnit) FreeOn(day time.Time) bool {
	return u.FreeFrom != nil && !Date(*u.FreeFrom).After(Date(day))
}

// Fits reports whether the unit suits the household: free from the
// expected arrival on, enough bedrooms, accessible when needed.
func (u FitUnit) Fits(h FitHousehold) bool {
	return u.FreeOn(h.ExpectedArrival) && max(u.Bedrooms, 1) >= BedroomsNeeded(h.Adults, h.Children) &&
		(!h.NeedsAccessible || u.Accessible)
}

// FitUnits returns the best limit units for the household, best first.
func FitUnits(h FitHousehold, units []FitUnit, limit int) []FitUnit {
	need := BedroomsNeeded(h.Adults, h.Children)
	var out []FitUnit
	for _, u := range units {
		if u.Fits(h) {
			out = append(out, u)
		}
	}
	slices.SortStableFunc(out, func(a, b FitUnit) int {
		if d := (max(a.Bedrooms, 1) - need) - (max(b.Bedrooms, 1) - need); d != 0 {
			return d
		}
		if !h.NeedsAccessible && a.Accessible != b.Accessible {
			if a.Accessible {
				return 1
			}
			return -1
		}
		if a.RentOre != b.RentOre {
			if a.RentOre < b.RentOre {
				return -1
			}
			return 1
		}
		if a.Address != b.Address {
			if a.Address < b.Address {
				return -1
			}
			return 1
		}
		return int(a.ID - b.ID)
	})
	if len(out) > limit {
		out = out[:limit]
	}
	return out
}
