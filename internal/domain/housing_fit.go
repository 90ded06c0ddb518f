package domain

import (
	"cmp"
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

// FitUnits returns the best limit units for the household, best first. It
// keeps the best limit seen so far in order (an insertion into a slice of
// at most limit), so a pool of n units costs n × limit comparisons, not a
// sort of every unit that fits (the board runs it for 50 households over
// pools of a few thousand units). Units that compare equal keep the pool's
// order, as a stable sort would.
func FitUnits(h FitHousehold, units []FitUnit, limit int) []FitUnit {
	if limit <= 0 {
		return nil
	}
	need, arrive := BedroomsNeeded(h.Adults, h.Children), Date(h.ExpectedArrival)
	var out []FitUnit
	for _, u := range units {
		// u.Fits(h), the cheap tests first and the household's figures once.
		if max(u.Bedrooms, 1) < need || (h.NeedsAccessible && !u.Accessible) || u.FreeFrom == nil || Date(*u.FreeFrom).After(arrive) ||
			(len(out) == limit && compareFit(u, out[limit-1], need, h.NeedsAccessible) >= 0) {
			continue
		}
		i := len(out)
		for i > 0 && compareFit(u, out[i-1], need, h.NeedsAccessible) < 0 {
			i--
		}
		if len(out) < limit {
			out = append(out, FitUnit{})
		}
		copy(out[i+1:], out[i:len(out)-1])
		out[i] = u
	}
	return out
}

// compareFit orders two fitting units for a household needing need
// bedrooms: fewest spare bedrooms, an accessible unit only when needed,
// lowest rent, address, id.
func compareFit(a, b FitUnit, need int, needsAccessible bool) int {
	if d := (max(a.Bedrooms, 1) - need) - (max(b.Bedrooms, 1) - need); d != 0 {
		return d
	}
	if !needsAccessible && a.Accessible != b.Accessible {
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
	return cmp.Compare(a.ID, b.ID)
}
