package domain

import (
	"time"
	_ "time/tzdata" // the zone database travels in the binary (distroless images have none)
)

// Oslo is Norway's time zone: dates and times are shown, and "today" is
// decided, in it.
var Oslo = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Oslo")
	if err != nil { // cannot happen with time/tzdata embedded
		panic(err)
	}
	return loc
}()

// Today is the current date in Norway, as a UTC midnight.
func Today(now time.Time) time.Time { return Date(now.In(Oslo)) }

// FormatDateTime shows a moment in Norwegian time: dd.mm.yyyy hh:mm.
func FormatDateTime(t time.Time) string { return t.In(Oslo).Format("02.01.2006 15:04") }

// Date returns the calendar date of t as midnight UTC: dates are kept free of
// time zones once the day is known.
func Date(t time.Time) time.Time {
	if t.Location() == time.UTC && t.Nanosecond() == 0 && t.Unix()%86400 == 0 {
		return t // a date already (as read from the database): no calendar arithmetic
	}
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// AddMonths returns the date n months after d. A deadline "in N months" ends
// on the same day of the month N months later, or on the last day of that
// month when the day does not exist there (31 January + 3 months = 30 April;
// 30 November 2023 + 3 months = 29 February 2024). time.AddDate would overflow
// into the following month instead.
func AddMonths(d time.Time, n int) time.Time {
	y, m, day := d.Date()
	first := time.Date(y, m+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1).Day()
	return time.Date(first.Year(), first.Month(), min(day, last), 0, 0, 0, 0, time.UTC)
}

// AddDays returns the date n calendar days after d (20 February + 14 days = 6 March).
func AddDays(d time.Time, n int) time.Time {
	y, m, day := d.Date()
	return time.Date(y, m, day+n, 0, 0, 0, 0, time.UTC)
}
