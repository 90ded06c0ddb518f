package domain

import (
	"strings"
	"testing"
)

// FuzzParseHours: whatever is typed into an hours field, a value read is a
// whole number of minutes within the parser's bounds, and writing it back
// with FormatHours reads as the same minutes.
func FuzzParseHours(f *testing.F) {
	for _, s := range []string{"7,5", "7.5", "7:30", "0", "37,5", "0,25", "0,01", "-1", "1e3", "٣", "7,5\x00", "99999", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, ok := ParseHours(s)
		if !ok {
			return
		}
		if m < 0 || m > 100000*60 {
			t.Fatalf("ParseHours(%q) = %d minutes, out of bounds", s, m)
		}
		back, ok := ParseHours(FormatHours(m))
		if !ok || back != m {
			t.Fatalf("ParseHours(%q) = %d; FormatHours gives %q which reads as %d, %v", s, m, FormatHours(m), back, ok)
		}
	})
}

// FuzzParseKroner: an amount read is non-negative øre under a billion
// kroner, and FormatOre's text (spaces and a comma) reads back the same.
func FuzzParseKroner(f *testing.F) {
	for _, s := range []string{"130 160", "130160,50", "1 234.5", "kr 500", "500 kr", "-1", "1,234", "0,001", "1e9", "999999999,99", "１２"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		o, ok := ParseKroner(s)
		if !ok {
			return
		}
		if o < 0 || o >= 1_000_000_000*100 {
			t.Fatalf("ParseKroner(%q) = %d øre, out of bounds", s, o)
		}
		text := FormatOre(o)
		if strings.ContainsAny(text, "−-") {
			t.Fatalf("FormatOre(%d) = %q is negative", o, text)
		}
		back, ok := ParseKroner(text)
		if !ok || back != o {
			t.Fatalf("ParseKroner(%q) = %d; FormatOre gives %q which reads as %d, %v", s, o, text, back, ok)
		}
	})
}

// The grid prefills each cell with FormatHours of the plan's minutes (a
// plan of 50 minutes a week over five days expects 10 minutes a day), and
// saving the prefilled cell must read back the same minutes: 10 minutes
// showed as "0,17", which the hours parser refuses (0,17 h is not whole
// minutes), so such a prefilled week could not be saved. Found by
// FuzzParseHours.
func TestPrefilledOddMinutesReadBack(t *testing.T) {
	for _, m := range []int{333, 334, 1, 10, 200, 449, 450, 451} {
		p, a, r, msg := CellMinutes(m, FormatHours(m), "")
		if msg != "" || p != m || a != 0 || r != "" {
			t.Errorf("%d minutes shown as %q: read %d, %d, %q, %q", m, FormatHours(m), p, a, r, msg)
		}
	}
	if got := FormatHours(10); got != "0:10" {
		t.Errorf("FormatHours(10) = %q, want 0:10", got)
	}
	if got := FormatHours(333); got != "5,55" {
		t.Errorf("FormatHours(333) = %q, want 5,55", got)
	}
	if got := FormatHours(21); got != "0,35" {
		t.Errorf("FormatHours(21) = %q, want 0,35", got)
	}
}
