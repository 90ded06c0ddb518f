package domain

import "time"

// Date returns the calendar date of t as midnight UTC: dates are kept free of
// time zones once the day is known.
func Date(t time.Time) time.Time {
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
