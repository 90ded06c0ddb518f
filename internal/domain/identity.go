package domain

import (
	"strings"
	"time"
	"unicode"
)

// IDKind is the kind of a Norwegian national identity number.
type IDKind string

// National identity number kinds.
const (
	KindFnr IDKind = "fnr" // fødselsnummer
	KindDnr IDKind = "dnr" // D-nummer: first digit + 4 (day 41–71)
	KindHnr IDKind = "hnr" // H-nummer (help number): month + 40
)

// NationalID is a validated Norwegian national identity number (fødselsnummer,
// D-nummer or H-nummer).
//
// It deliberately carries neither sex nor century: from 2032 new numbers no
// longer encode them, so nothing may derive them from the number.
type NationalID struct {
	Number    string // exactly 11 ASCII digits, no spaces
	Kind      IDKind
	Synthetic bool // Skatteetaten's synthetic test number (month + 80)
}

// Weights of the two mod-11 check digits.
var (
	nidWeightsK1 = [9]int{3, 7, 6, 1, 8, 9, 4, 5, 2}
	nidWeightsK2 = [10]int{5, 4, 3, 2, 7, 6, 5, 4, 3, 2}
)

// nidDaysInMonth is the greatest day of each month in a leap year. Whether
// 29 February exists is decided from the two-digit year alone (nidLeapDayOK).
var nidDaysInMonth = [13]int{0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}

// nidLeapDayOK reports whether 29 February can be a real birth date in a
// year ending in the two digits yy. The century is not derived from the
// number (the individual number stops telling it with the 2032 rule), and it
// is not needed: a leap year is divisible by 4, and so is every multiple of
// 100, so a year is a leap year only if its last two digits are divisible by
// 4. 00 counts, because 2000 was a leap year (1900 was not).
func nidLeapDayOK(yy int) bool { return yy%4 == 0 }

// Messages of ParseNationalID.
const (
	msgNIDEmpty  = "Fødselsnummer eller D-nummer må fylles ut."
	msgNIDLength = "Fødselsnummer og D-nummer har 11 siffer."
	msgNIDDigits = "Fødselsnummer og D-nummer kan bare inneholde siffer."
	msgNIDDate   = "Fødselsnummeret har en ugyldig dato."
	msgNIDCheck  = "Fødselsnummeret har feil kontrollsiffer."
)

// ParseNationalID validates a fødselsnummer, D-nummer or H-nummer, including
// Skatteetaten's synthetic test numbers (month + 80, also combined with the
// D-nummer day + 40). Spaces anywhere in s are ignored. 29 February is a
// valid date only when the two-digit year is divisible by 4 (nidLeapDayOK).
//
// The first check digit is accepted under both the classic rule
// (k1 = 11 − sum mod 11) and the rule for numbers issued from 2032
// (weighted sum of digits 1–9 plus k1 ≡ 0, 1, 2 or 3 mod 11); the second check
// digit has one rule. An error is an *Error with code EINVALID.
func ParseNationalID(s string) (NationalID, error) {
	n, err := nidCompactDigits(s, 11, msgNIDEmpty, msgNIDDigits, msgNIDLength)
	if err != nil {
		return NationalID{}, err
	}

	day := int(n[0]-'0')*10 + int(n[1]-'0')
	month := int(n[2]-'0')*10 + int(n[3]-'0')
	id := NationalID{Number: n, Kind: KindFnr}
	if day > 40 {
		id.Kind = KindDnr
		day -= 40
	}
	switch {
	case month > 80:
		id.Synthetic = true
		month -= 80
	case month > 40:
		if id.Kind == KindDnr { // no number is both a D-nummer and an H-nummer
			return NationalID{}, nidInvalid(msgNIDDate)
		}
		id.Kind = KindHnr
		month -= 40
	}
	if month < 1 || month > 12 || day < 1 || day > nidDaysInMonth[month] {
		return NationalID{}, nidInvalid(msgNIDDate)
	}
	if month == 2 && day == 29 && !nidLeapDayOK(int(n[4]-'0')*10+int(n[5]-'0')) {
		return NationalID{}, nidInvalid(msgNIDDate)
	}

	if !nationalIDChecksOK(n) {
		return NationalID{}, nidInvalid(msgNIDCheck)
	}
	return id, nil
}

// nationalIDChecksOK reports whether the two check digits of the 11-digit n
// are right.
func nationalIDChecksOK(n string) bool {
	s1 := 0
	for i, w := range nidWeightsK1 {
		s1 += w * int(n[i]-'0')
	}
	// Classic rule: s1 + k1 ≡ 0 (mod 11). 2032 rule: ≡ 0, 1, 2 or 3.
	if (s1+int(n[9]-'0'))%11 > 3 {
		return false
	}
	s2 := 0
	for i, w := range nidWeightsK2 {
		s2 += w * int(n[i]-'0')
	}
	return (s2+int(n[10]-'0'))%11 == 0
}

// nidCheckDigit returns 11 − sum mod 11 (11 becomes 0), or -1 where that is 10
// and so no digit fits.
func nidCheckDigit(sum int) int {
	k := 11 - sum%11
	switch k {
	case 11:
		return 0
	case 10:
		return -1
	}
	return k
}

// SyntheticNationalID builds a synthetic test fødselsnummer (month + 80, as in
// Skatteetaten's test register) for demo data: the birth date of birth as
// DDMMYY with 80 added to the month, the individual number (taken mod 1000)
// and check digits under the classic rule. Where an individual number gives a
// check digit of 10 the next one is tried, wrapping from 999 to 000.
// ParseNationalID always accepts the result, with Synthetic set.
func SyntheticNationalID(birth time.Time, individual int) string {
	individual %= 1000
	if individual < 0 {
		individual += 1000
	}
	var d [11]int
	d[0], d[1] = birth.Day()/10, birth.Day()%10
	m := int(birth.Month()) + 80
	d[2], d[3] = m/10, m%10
	y := birth.Year() % 100
	if y < 0 {
		y += 100
	}
	d[4], d[5] = y/10, y%10
	for range 1000 {
		d[6], d[7], d[8] = individual/100, individual/10%10, individual%10
		s1 := 0
		for i, w := range nidWeightsK1 {
			s1 += w * d[i]
		}
		if d[9] = nidCheckDigit(s1); d[9] >= 0 {
			s2 := 0
			for i, w := range nidWeightsK2 {
				s2 += w * d[i]
			}
			if d[10] = nidCheckDigit(s2); d[10] >= 0 {
				break
			}
		}
		individual = (individual + 1) % 1000
	}
	var b [11]byte
	for i, v := range d {
		b[i] = byte('0' + v)
	}
	return string(b[:])
}

// Messages of ParseDUF.
const (
	msgDUFEmpty  = "DUF-nummer må fylles ut."
	msgDUFLength = "DUF-nummeret har 12 siffer."
	msgDUFDigits = "DUF-nummeret kan bare inneholde siffer."
	msgDUFYear   = "DUF-nummeret må begynne med et årstall mellom 1980 og 2099."
)

// ParseDUF validates a DUF number (UDI's case number): 12 digits of which the
// first four are a year from 1980 to 2099. Spaces anywhere in s are ignored.
// It returns the 12 digits; an error is an *Error with code EINVALID.
func ParseDUF(s string) (string, error) {
	d, err := nidCompactDigits(s, 12, msgDUFEmpty, msgDUFDigits, msgDUFLength)
	if err != nil {
		return "", err
	}
	year := 0
	for _, c := range d[:4] {
		year = year*10 + int(c-'0')
	}
	if year < 1980 || year > 2099 {
		return "", nidInvalid(msgDUFYear)
	}
	return d, nil
}

// FormatNationalID formats a national identity number for display as
// "DDMMYY NNNNN". Anything that is not 11 digits (spaces ignored) is returned
// unchanged.
func FormatNationalID(n string) string {
	d, err := nidCompactDigits(n, 11, "", "", "")
	if err != nil {
		return n
	}
	return d[:6] + " " + d[6:]
}

// FormatDUF formats a DUF number for display as "YYYY NNNNNNNN". Anything that
// is not 12 digits (spaces ignored) is returned unchanged.
func FormatDUF(d string) string {
	c, err := nidCompactDigits(d, 12, "", "", "")
	if err != nil {
		return d
	}
	return c[:4] + " " + c[4:]
}

// nidCompactDigits removes all white space from s and checks that the rest is
// exactly want ASCII digits, failing with the message for an empty input, a
// non-digit or a wrong length, in that order.
func nidCompactDigits(s string, want int, msgEmpty, msgDigits, msgLength string) (string, error) {
	var b strings.Builder
	b.Grow(want)
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		default:
			return "", nidInvalid(msgDigits)
		}
	}
	switch b.Len() {
	case 0:
		return "", nidInvalid(msgEmpty)
	case want:
		return b.String(), nil
	}
	return "", nidInvalid(msgLength)
}

func nidInvalid(msg string) *Error { return &Error{Code: EINVALID, Message: msg} }
