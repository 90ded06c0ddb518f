package domain

import (
	"testing"
	"time"
)

func d(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestAddMonths(t *testing.T) {
	for _, c := range []struct {
		from string
		n    int
		want string
	}{
		{"2026-01-31", 3, "2026-04-30"},
		{"2023-11-30", 3, "2024-02-29"}, // leap year
		{"2025-11-30", 3, "2026-02-28"},
		{"2024-02-29", 12, "2025-02-28"}, // from a leap day
		{"2024-02-29", 48, "2028-02-29"},
		{"2026-03-15", 2, "2026-05-15"},
		{"2026-12-31", 2, "2027-02-28"}, // across a year
		{"2026-08-31", 1, "2026-09-30"},
		{"2026-01-01", 0, "2026-01-01"},
		{"2026-05-31", -3, "2026-02-28"},
	} {
		if got := AddMonths(d(c.from), c.n).Format("2006-01-02"); got != c.want {
			t.Errorf("AddMonths(%s, %d) = %s, want %s", c.from, c.n, got, c.want)
		}
	}
}

func TestAddDays(t *testing.T) {
	for _, c := range []struct {
		from string
		n    int
		want string
	}{
		{"2026-02-20", 14, "2026-03-06"},
		{"2024-02-20", 14, "2024-03-05"}, // leap year
		{"2026-12-25", 14, "2027-01-08"},
	} {
		if got := AddDays(d(c.from), c.n).Format("2006-01-02"); got != c.want {
			t.Errorf("AddDays(%s, %d) = %s, want %s", c.from, c.n, got, c.want)
		}
	}
}

// Date's shortcut for a value that is a date already gives what the
// calendar arithmetic gives, for every kind of moment.
func TestDateShortcut(t *testing.T) {
	for _, in := range []time.Time{
		time.Date(2026, 12, 14, 0, 0, 0, 0, time.UTC),
		time.Date(1969, 12, 31, 0, 0, 0, 0, time.UTC),
		time.Date(1969, 12, 31, 23, 0, 0, 0, time.UTC),
		time.Date(2026, 12, 14, 0, 0, 0, 1, time.UTC),
		time.Date(2026, 12, 14, 23, 59, 59, 0, time.UTC),
		time.Date(2026, 12, 14, 0, 0, 0, 0, Oslo),
		time.Date(2026, 12, 14, 0, 30, 0, 0, Oslo),
		time.Date(2026, 12, 14, 0, 0, 0, 0, time.FixedZone("x", 0)),
		time.Now(), time.Now().UTC(), {},
	} {
		want := time.Date(in.Year(), in.Month(), in.Day(), 0, 0, 0, 0, time.UTC)
		if got := Date(in); got != want {
			t.Errorf("Date(%v) = %v, want %v", in, got, want)
		}
	}
}
