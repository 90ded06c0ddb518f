package domain

import "time"

// Capacity of the worksites (issue 9, item 4): how many of a worksite's
// places are free this ISO week and in each of the next 8. A placement
// holds a place in a week when its status is planned, active or paused and
// its period — start_date to ended_on, or to planned_end while it has not
// ended — overlaps the week's Monday to Friday. The capacity page's SQL
// (postgres.CapacityPage) counts the same way; these are the rules it is
// tested against.

// CapacityWeekCount is the number of week columns: this week and the next 8.
const CapacityWeekCount = 9

// CapacityWeeks are the Mondays of the capacity page's columns: the ISO
// week of today and the next 8.
func CapacityWeeks(today time.Time) []time.Time {
	mon := WeekStart(today)
	out := make([]time.Time, CapacityWeekCount)
	for i := range out {
		out[i] = AddDays(mon, 7*i)
	}
	return out
}

// HoldsPlace reports whether a placement with this status takes one of its
// worksite's places (planned, active, paused; not ended or aborted).
func HoldsPlace(status string) bool {
	switch status {
	case "planned", "active", "paused":
		return true
	}
	return false
}

// PlacementSpan is what capacity needs of a placement: its status and period.
type PlacementSpan struct {
	Status     string
	Start      time.Time
	PlannedEnd time.Time
	EndedOn    *time.Time
}

// Last is the last day of the placement's period: the day it ended, or its
// planned end while it has not ended.
func (p PlacementSpan) Last() time.Time {
	if p.EndedOn != nil {
		return Date(*p.EndedOn)
	}
	return Date(p.PlannedEnd)
}

// HoldsPlaceInWeek reports whether the placement takes a place in the week
// of monday: it holds places and its period overlaps Monday–Friday.
func (p PlacementSpan) HoldsPlaceInWeek(monday time.Time) bool {
	if !HoldsPlace(p.Status) {
		return false
	}
	mon := WeekStart(monday)
	fri := AddDays(mon, 4)
	return !Date(p.Start).After(fri) && !p.Last().Before(mon)
}

// FreePlaces is, for each week of mondays, the worksite's places less the
// placements holding a place that week. It is negative when the worksite is
// overbooked (the placement module refuses that; old data may hold it).
func FreePlaces(places int, spans []PlacementSpan, mondays []time.Time) []int {
	out := make([]int, len(mondays))
	for i, mon := range mondays {
		out[i] = places
		for _, p := range spans {
			if p.HoldsPlaceInWeek(mon) {
				out[i]--
			}
		}
	}
	return out
}

// FreeFromUsed is FreePlaces when the places in use per week are counted
// already (the capacity query's answer).
func FreeFromUsed(places int, used []int) []int {
	out := make([]int, len(used))
	for i, u := range used {
		out[i] = places - u
	}
	return out
}
