package domain

import (
	"strconv"
	"strings"
)

// Money is kept in øre as int64; hours as whole minutes. These are the
// Norwegian ways of typing and showing them.

// FormatOre shows øre as kroner with a space between thousands and the øre
// after a comma when there are any: 2169333 → "21 693,33", 2169300 → "21 693".
func FormatOre(ore int64) string {
	neg := ore < 0
	if neg {
		ore = -ore
	}
	kr, o := ore/100, ore%100
	s := groupThousands(kr)
	if o != 0 {
		s += "," + twoDigits(o)
	}
	if neg {
		s = "−" + s
	}
	return s
}

// FormatKroner shows a whole number of kroner: 21693 → "21 693".
func FormatKroner(kr int64) string {
	if kr < 0 {
		return "−" + groupThousands(-kr)
	}
	return groupThousands(kr)
}

func twoDigits(n int64) string {
	if n < 10 {
		return "0" + strconv.FormatInt(n, 10)
	}
	return strconv.FormatInt(n, 10)
}

// groupThousands writes n with a space (U+00A0 is not used: plain space
// copies well into spreadsheets) between groups of three digits.
func groupThousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// ParseKroner reads an amount typed in kroner ("130 160", "130160,50",
// "1 234.5", "kr 500") into øre. ok is false for anything else, negative
// amounts and amounts of a billion kroner or more.
func ParseKroner(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	s = strings.TrimSuffix(strings.TrimPrefix(s, "kr"), "kr")
	s = strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "").Replace(strings.TrimSpace(s))
	s = strings.ReplaceAll(s, ",", ".")
	if s == "" || strings.Count(s, ".") > 1 {
		return 0, false
	}
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" || len(frac) > 2 || len(whole) > 10 {
		return 0, false
	}
	for _, c := range whole + frac {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	kr, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || kr >= 1_000_000_000 {
		return 0, false
	}
	for len(frac) < 2 {
		frac += "0"
	}
	o, _ := strconv.ParseInt(frac, 10, 64)
	return kr*100 + o, true
}

// ParseHours reads hours typed as "7,5", "7.5", "7:30" or "7" into whole
// minutes (450). ok is false for anything else, negatives, and fractions
// finer than a minute.
func ParseHours(s string) (int, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, false
	}
	if h, m, found := strings.Cut(s, ":"); found {
		hh, err1 := strconv.Atoi(h)
		mm, err2 := strconv.Atoi(m)
		if err1 != nil || err2 != nil || hh < 0 || mm < 0 || mm > 59 || len(m) != 2 || hh > 10000 {
			return 0, false
		}
		return hh*60 + mm, true
	}
	s = strings.ReplaceAll(s, ",", ".")
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" {
		whole = "0"
	}
	if len(frac) > 2 || len(whole) > 5 {
		return 0, false
	}
	for _, c := range whole + frac {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	h, _ := strconv.Atoi(whole)
	for len(frac) < 2 {
		frac += "0"
	}
	hundredths, _ := strconv.Atoi(frac)
	// Minutes must be whole: 0,25 h = 15 min is fine, 0,01 h is not.
	if hundredths*60%100 != 0 {
		return 0, false
	}
	return h*60 + hundredths*60/100, true
}

// FormatHours shows minutes as hours the Norwegian way: 450 → "7,5",
// 2250 → "37,5", 480 → "8", 21 → "0,35". Minutes that two decimals cannot
// hold exactly (a multiple of 3 minutes is 0,05 h) show as hours and
// minutes, 333 → "5:33", so what is shown in a form reads back as the same
// minutes (FuzzParseHours).
func FormatHours(minutes int) string {
	neg := minutes < 0
	if neg {
		minutes = -minutes
	}
	h, m := minutes/60, minutes%60
	s := strconv.Itoa(h)
	if m%3 != 0 {
		s += ":" + twoDigits(int64(m))
	} else if m != 0 {
		frac := strconv.FormatFloat(float64(m)/60, 'f', 2, 64) // "0.50"
		frac = strings.TrimRight(frac[2:], "0")
		s += "," + frac
	}
	if neg {
		s = "−" + s
	}
	return s
}
