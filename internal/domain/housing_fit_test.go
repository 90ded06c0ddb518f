package domain

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

func TestBedroomsNeeded(t *testing.T) {
	tests := []struct {
		adults, children, want int
	}{
		{0, 0, 0},
		{1, 0, 1}, // a person alone
		{2, 0, 1}, // a couple
		{3, 0, 2}, // a couple and a grown child
		{4, 0, 3},
		{1, 1, 2}, // a parent and a child
		{2, 1, 2}, // a couple and a child
		{2, 2, 2}, // two children share
		{2, 3, 3}, // three children: two rooms
		{2, 4, 3},
		{2, 5, 4},
		{0, 1, 1}, // an unaccompanied minor
		{0, 3, 2},
		{1, 6, 4},
		{-1, 2, 1}, // nonsense counts as none
	}
	for _, tt := range tests {
		if got := BedroomsNeeded(tt.adults, tt.children); got != tt.want {
			t.Errorf("BedroomsNeeded(%d, %d) = %d, want %d", tt.adults, tt.children, got, tt.want)
		}
		if p := max(tt.adults, 0) + max(tt.children, 0); BedroomsNeeded(tt.adults, tt.children) > p {
			t.Errorf("BedroomsNeeded(%d, %d) exceeds the persons", tt.adults, tt.children)
		}
	}
}

func TestFitUnits(t *testing.T) {
	arrive := lday("2026-12-14")
	free := func(s string) *time.Time { return ldayp(s) }
	units := []FitUnit{
		{ID: 1, Address: "A 1", Bedrooms: 3, RentOre: 1500000, FreeFrom: free("2026-01-01")},
		{ID: 2, Address: "B 2", Bedrooms: 2, RentOre: 1400000, FreeFrom: free("2026-12-14")}, // free on the day
		{ID: 3, Address: "C 3", Bedrooms: 2, RentOre: 1300000, FreeFrom: free("2026-12-15")}, // one day late
		{ID: 4, Address: "D 4", Bedrooms: 2, RentOre: 1200000, FreeFrom: nil},                // let open-ended
		{ID: 5, Address: "E 5", Bedrooms: 2, Accessible: true, RentOre: 1100000, FreeFrom: free("2020-01-01")},
		{ID: 6, Address: "F 6", Bedrooms: 1, RentOre: 900000, FreeFrom: free("2020-01-01")},
		{ID: 7, Address: "G 7", Bedrooms: 0, RentOre: 700000, FreeFrom: free("2020-01-01")}, // studio
		{ID: 8, Address: "H 8", Bedrooms: 4, Accessible: true, RentOre: 1600000, FreeFrom: free("2020-01-01")},
	}
	ids := func(us []FitUnit) []int64 {
		var out []int64
		for _, u := range us {
			out = append(out, u.ID)
		}
		return out
	}
	tests := []struct {
		name  string
		h     FitHousehold
		limit int
		want  []int64
	}{
		{"couple and two children: two bedrooms, inaccessible first", FitHousehold{Adults: 2, Children: 2, ExpectedArrival: arrive}, 5, []int64{2, 5, 1, 8}},
		{"needs a step-free home", FitHousehold{Adults: 2, Children: 2, NeedsAccessible: true, ExpectedArrival: arrive}, 5, []int64{5, 8}},
		{"one person: studio first, then one bedroom", FitHousehold{Adults: 1, ExpectedArrival: arrive}, 3, []int64{7, 6, 2}},
		{"too big for any", FitHousehold{Adults: 2, Children: 8, ExpectedArrival: arrive}, 5, nil},
		{"limit", FitHousehold{Adults: 1, ExpectedArrival: arrive}, 1, []int64{7}},
		{"arriving later: unit 3 is free by then", FitHousehold{Adults: 2, Children: 1, ExpectedArrival: lday("2026-12-20")}, 5, []int64{3, 2, 5, 1, 8}},
	}
	for _, tt := range tests {
		got := ids(FitUnits(tt.h, units, tt.limit))
		if len(got) != len(tt.want) {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
			continue
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
				break
			}
		}
	}
}

// FitUnits keeps the best few as it goes; it must pick what filtering
// every fitting unit and sorting them stably (its earlier way) picks, on
// random pools with many ties.
func TestFitUnitsAsSorted(t *testing.T) {
	sorted := func(h FitHousehold, units []FitUnit, limit int) []FitUnit {
		need := BedroomsNeeded(h.Adults, h.Children)
		var out []FitUnit
		for _, u := range units {
			if u.Fits(h) {
				out = append(out, u)
			}
		}
		slices.SortStableFunc(out, func(a, b FitUnit) int { return compareFit(a, b, need, h.NeedsAccessible) })
		return out[:min(len(out), max(limit, 0))]
	}
	rnd := rand.New(rand.NewPCG(7, 11))
	base := lday("2026-12-01")
	for round := range 2000 {
		var units []FitUnit
		for range rnd.IntN(60) {
			u := FitUnit{ID: int64(rnd.IntN(8)), Address: fmt.Sprintf("Gate %d", rnd.IntN(2)), Bedrooms: rnd.IntN(4),
				Accessible: rnd.IntN(3) == 0, RentOre: int64(rnd.IntN(2)) * 100000}
			if rnd.IntN(6) > 0 {
				d := base.AddDate(0, 0, rnd.IntN(30))
				u.FreeFrom = &d
			}
			units = append(units, u)
		}
		h := FitHousehold{Adults: rnd.IntN(4), Children: rnd.IntN(5), NeedsAccessible: rnd.IntN(4) == 0,
			ExpectedArrival: base.AddDate(0, 0, rnd.IntN(30))}
		limit := rnd.IntN(8)
		got, want := FitUnits(h, units, limit), sorted(h, units, limit)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("round %d, limit %d: got %v, want %v", round, limit, got, want)
		}
	}
}
