package domain

import (
	"slices"
	"testing"
	"time"
)

func capDay(s string) time.Time {
	d, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return d
}

func capDayPtr(s string) *time.Time { d := capDay(s); return &d }

func TestCapacityWeeks(t *testing.T) {
	for _, c := range []struct{ today, first, last string }{
		{"2026-12-01", "2026-11-30", "2027-01-25"}, // Tuesday: from its Monday
		{"2026-11-30", "2026-11-30", "2027-01-25"}, // Monday
		{"2026-12-06", "2026-11-30", "2027-01-25"}, // Sunday: still that week
		{"2026-12-28", "2026-12-28", "2027-02-22"}, // week 53 of 2026
		{"2027-01-01", "2026-12-28", "2027-02-22"}, // a Friday in week 53 of 2026
	} {
		w := CapacityWeeks(day(c.today))
		if len(w) != 9 || !w[0].Equal(day(c.first)) || !w[8].Equal(day(c.last)) {
			t.Errorf("CapacityWeeks(%s) = %v … %v (%d), want %s … %s", c.today, w[0], w[len(w)-1], len(w), c.first, c.last)
		}
		for i := 1; i < len(w); i++ {
			if w[i].Sub(w[i-1]) != 7*24*time.Hour || ISOWeekday(w[i]) != 1 {
				t.Errorf("CapacityWeeks(%s): week %d is %v", c.today, i, w[i])
			}
		}
	}
}

func TestHoldsPlace(t *testing.T) {
	for status, want := range map[string]bool{"planned": true, "active": true, "paused": true, "ended": false, "aborted": false, "": false} {
		if HoldsPlace(status) != want {
			t.Errorf("HoldsPlace(%q) = %v", status, !want)
		}
	}
}

// The week of 2026-11-30 (Monday) to 2026-12-04 (Friday), 12-05/06 the weekend.
func TestHoldsPlaceInWeek(t *testing.T) {
	mon := capDay("2026-11-30")
	for _, c := range []struct {
		name string
		p    PlacementSpan
		want bool
	}{
		{"ends the Sunday before", PlacementSpan{"active", capDay("2026-10-01"), capDay("2026-11-29"), nil}, false},
		{"ends on the Monday", PlacementSpan{"active", capDay("2026-10-01"), capDay("2026-11-30"), nil}, true},
		{"starts on the Friday", PlacementSpan{"planned", capDay("2026-12-04"), capDay("2027-02-01"), nil}, true},
		{"starts on the Saturday", PlacementSpan{"planned", capDay("2026-12-05"), capDay("2027-02-01"), nil}, false},
		{"starts the Monday after", PlacementSpan{"planned", capDay("2026-12-07"), capDay("2027-02-01"), nil}, false},
		{"only the weekend", PlacementSpan{"active", capDay("2026-12-05"), capDay("2026-12-06"), nil}, false},
		{"one day mid-week", PlacementSpan{"active", capDay("2026-12-02"), capDay("2026-12-02"), nil}, true},
		{"spans the week", PlacementSpan{"paused", capDay("2026-01-05"), capDay("2027-06-30"), nil}, true},
		{"ended early, before the week", PlacementSpan{"active", capDay("2026-10-01"), capDay("2027-01-31"), capDayPtr("2026-11-27")}, false},
		{"ended on the Tuesday", PlacementSpan{"active", capDay("2026-10-01"), capDay("2027-01-31"), capDayPtr("2026-12-01")}, true},
		{"ended later than planned", PlacementSpan{"active", capDay("2026-10-01"), capDay("2026-11-20"), capDayPtr("2026-12-03")}, true},
		{"status ended", PlacementSpan{"ended", capDay("2026-10-01"), capDay("2027-01-31"), nil}, false},
		{"status aborted", PlacementSpan{"aborted", capDay("2026-10-01"), capDay("2027-01-31"), capDayPtr("2026-12-01")}, false},
	} {
		if got := c.p.HoldsPlaceInWeek(mon); got != c.want {
			t.Errorf("%s: HoldsPlaceInWeek = %v, want %v", c.name, got, c.want)
		}
		// Any day of the week names the same week.
		if got := c.p.HoldsPlaceInWeek(capDay("2026-12-03")); got != c.want {
			t.Errorf("%s: HoldsPlaceInWeek(Thursday) = %v, want %v", c.name, got, c.want)
		}
	}
}

func TestFreePlaces(t *testing.T) {
	weeks := CapacityWeeks(capDay("2026-12-01")) // 2026-11-30 … 2027-01-25
	spans := []PlacementSpan{
		{"active", capDay("2026-09-01"), capDay("2026-12-11"), nil},                      // weeks 0–1
		{"active", capDay("2026-11-02"), capDay("2027-03-01"), capDayPtr("2026-12-02")},  // week 0 (ended early)
		{"planned", capDay("2026-12-14"), capDay("2027-01-08"), nil},                     // weeks 2–5
		{"paused", capDay("2027-01-22"), capDay("2027-04-30"), nil},                      // weeks 7–8
		{"ended", capDay("2026-09-01"), capDay("2027-12-31"), nil},                       // never
		{"aborted", capDay("2026-09-01"), capDay("2027-12-31"), capDayPtr("2026-12-31")}, // never
	}
	got := FreePlaces(2, spans, weeks)
	want := []int{0, 1, 1, 1, 1, 1, 2, 1, 1}
	if !slices.Equal(got, want) {
		t.Errorf("FreePlaces = %v, want %v", got, want)
	}
	// Overbooked: negative.
	if got := FreePlaces(1, spans[:2], weeks[:1]); !slices.Equal(got, []int{-1}) {
		t.Errorf("overbooked: %v", got)
	}
	if got := FreePlaces(0, nil, weeks[:2]); !slices.Equal(got, []int{0, 0}) {
		t.Errorf("no places: %v", got)
	}
	if got := FreeFromUsed(3, []int{0, 1, 3, 4}); !slices.Equal(got, []int{3, 2, 0, -1}) {
		t.Errorf("FreeFromUsed = %v", got)
	}
}
