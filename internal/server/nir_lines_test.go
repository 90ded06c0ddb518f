package server

import (
	"bytes"
	"encoding/csv"
	"math/rand/v2"
	"testing"
	"time"
)

// TestAppendCSVField: appendCSVField writes each field as csv.Writer with
// Comma ';' and UseCRLF does, on the quoting cases and on random strings
// of the characters that matter.
func TestAppendCSVField(t *testing.T) {
	cases := []string{"", "a", `\.`, `\.x`, " a", "a ", "\ta", "\u00a0a", "\u2003a", "\u0085a", "a;b", `a"b`, "a\r\nb", "a\nb", "a\rb",
		"'=1+1", "Øst", "æøå;", "\x00", "\v", "\f"}
	r := rand.New(rand.NewPCG(1, 2))
	alphabet := []string{"a", ";", `"`, "\r", "\n", " ", "\t", "\\", ".", "ø", "\u00a0", "\u2028", "="}
	for range 5000 {
		var s string
		for range r.IntN(6) {
			s += alphabet[r.IntN(len(alphabet))]
		}
		cases = append(cases, s)
	}
	for _, s := range cases {
		var want bytes.Buffer
		cw := csv.NewWriter(&want)
		cw.Comma, cw.UseCRLF = ';', true
		if err := cw.Write([]string{s}); err != nil {
			t.Fatal(err)
		}
		cw.Flush()
		got := append(appendCSVField(nil, s), '\r', '\n')
		if !bytes.Equal(got, want.Bytes()) {
			t.Errorf("%q: got %q, want %q", s, got, want.Bytes())
		}
	}
}

func TestAppendNumbersAndDates(t *testing.T) {
	for _, m := range []int{0, 1, 30, 45, 60, 90, 91, 450, 900, 1350, 2250, -30, -60, 1 << 30, 7} {
		if got, want := string(appendPlainHours(nil, m)), plainHours(m); got != want {
			t.Errorf("hours %d: %q, want %q", m, got, want)
		}
	}
	for _, d := range []time.Time{time.Date(2025, 1, 6, 0, 0, 0, 0, time.UTC), time.Date(999, 12, 31, 0, 0, 0, 0, time.UTC),
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC), {}} {
		if got, want := string(appendISODate(nil, &d)), isoDate(&d); got != want {
			t.Errorf("date %v: %q, want %q", d, got, want)
		}
	}
	if got := appendISODate(nil, nil); len(got) != 0 {
		t.Errorf("nil date: %q", got)
	}
}
