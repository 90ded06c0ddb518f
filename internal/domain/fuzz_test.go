package domain

import (
	"errors"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Run with: go test -run XXX -fuzz FuzzParseNationalID ./internal/domain

func isASCIIDigits(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func withoutSpace(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

// checkInvalid fails unless err is an EINVALID *Error with one of msgs.
func checkInvalid(t *testing.T, in string, err error, msgs ...string) {
	t.Helper()
	var de *Error
	if !errors.As(err, &de) || de.Code != EINVALID {
		t.Fatalf("%q: error %#v is not an EINVALID *Error", in, err)
	}
	for _, m := range msgs {
		if de.Message == m {
			return
		}
	}
	t.Fatalf("%q: unexpected message %q", in, de.Message)
}

func FuzzParseNationalID(f *testing.F) {
	for _, s := range []string{
		fnrClassic, fnrClassic2, fnrLeapDay, fnr2032a, fnr2032c, fnr2032Only, fnr2032Only2,
		dnrClassic, dnr2032, dnrDay31, hnrClassic, hnr2032, synClassic, synOctober,
		synDnr, synDnr2, syn2032, "010101 00131", " 558575 45671 ", "", "   ",
		"0101010013", "0101010013a", "31049912350", "01010100132", "٠١٠١٠١٠٠١٣١", "010101\xff00131",
		fnrLeapDay96, fnrNoLeapDay99, synDnrNoLeapDay01,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := ParseNationalID(s)
		compact := withoutSpace(s)
		if err != nil {
			if id != (NationalID{}) {
				t.Fatalf("ParseNationalID(%q) = %+v with error %v", s, id, err)
			}
			checkInvalid(t, s, err, msgNIDEmpty, msgNIDLength, msgNIDDigits, msgNIDDate, msgNIDCheck)
			if isASCIIDigits(compact, 11) && refDateOK(compact) && refValid(compact) {
				t.Fatalf("ParseNationalID(%q) rejected a number the reference accepts: %v", s, err)
			}
			return
		}
		// Accepted: 11 digits, what the user typed less white space.
		if !isASCIIDigits(id.Number, 11) {
			t.Fatalf("ParseNationalID(%q).Number = %q, not 11 digits", s, id.Number)
		}
		if id.Number != compact {
			t.Fatalf("ParseNationalID(%q).Number = %q, want %q", s, id.Number, compact)
		}
		if !refDateOK(id.Number) || !refValid(id.Number) {
			t.Fatalf("ParseNationalID(%q) = %+v, which the reference rejects", s, id)
		}
		// The kind and the synthetic flag follow from the digits.
		day := int(id.Number[0]-'0')*10 + int(id.Number[1]-'0')
		month := int(id.Number[2]-'0')*10 + int(id.Number[3]-'0')
		wantKind := KindFnr
		switch {
		case day > 40:
			wantKind = KindDnr
		case month > 40 && month <= 52:
			wantKind = KindHnr
		}
		if id.Kind != wantKind || id.Synthetic != (month > 80) {
			t.Fatalf("ParseNationalID(%q) = %+v, want kind %s, synthetic %v", s, id, wantKind, month > 80)
		}
		// Parsing the output, or its display form, gives it back.
		for _, again := range []string{id.Number, FormatNationalID(id.Number), FormatNationalID(s)} {
			if id2, err := ParseNationalID(again); err != nil || id2 != id {
				t.Fatalf("ParseNationalID(%q) = %+v, %v; want %+v", again, id2, err, id)
			}
		}
		if fm := FormatNationalID(id.Number); len(fm) != 12 || fm[6] != ' ' || fm[:6]+fm[7:] != id.Number {
			t.Fatalf("FormatNationalID(%q) = %q", id.Number, fm)
		}
	})
}

func FuzzParseDUF(f *testing.F) {
	for _, s := range []string{
		"201912345678", "2019 12345678", "198000000000", "209999999999", "197912345678",
		"210012345678", "", " ", "20191234567", "2019123456a8", "２０１９１２３４５６７８",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDUF(s)
		compact := withoutSpace(s)
		if err != nil {
			if d != "" {
				t.Fatalf("ParseDUF(%q) = %q with error %v", s, d, err)
			}
			checkInvalid(t, s, err, msgDUFEmpty, msgDUFLength, msgDUFDigits, msgDUFYear)
			if isASCIIDigits(compact, 12) && compact[:4] >= "1980" && compact[:4] <= "2099" {
				t.Fatalf("ParseDUF(%q) rejected a valid number: %v", s, err)
			}
			return
		}
		if !isASCIIDigits(d, 12) || d != compact {
			t.Fatalf("ParseDUF(%q) = %q, want the 12 digits %q", s, d, compact)
		}
		if d[:4] < "1980" || d[:4] > "2099" {
			t.Fatalf("ParseDUF(%q) = %q: year out of range", s, d)
		}
		for _, again := range []string{d, FormatDUF(d), FormatDUF(s)} {
			if d2, err := ParseDUF(again); err != nil || d2 != d {
				t.Fatalf("ParseDUF(%q) = %q, %v; want %q", again, d2, err, d)
			}
		}
		if fm := FormatDUF(d); len(fm) != 13 || fm[4] != ' ' || fm[:4]+fm[5:] != d {
			t.Fatalf("FormatDUF(%q) = %q", d, fm)
		}
	})
}

func FuzzSyntheticNationalID(f *testing.F) {
	f.Add(1975, 5, 15, 456)
	f.Add(1985, 1, 20, 999)
	f.Add(2000, 2, 29, -1)
	f.Add(-5, 13, 40, 1<<40)
	f.Fuzz(func(t *testing.T, year, month, day, individual int) {
		// time.Date normalises any month and day into a real date.
		birth := time.Date(year%10000, time.Month(month%1000), day%100000, 12, 0, 0, 0, time.UTC)
		n := SyntheticNationalID(birth, individual)
		id, err := ParseNationalID(n)
		if err != nil || id.Number != n || id.Kind != KindFnr || !id.Synthetic {
			t.Fatalf("SyntheticNationalID(%s, %d) = %q: %+v, %v", birth, individual, n, id, err)
		}
		if refClassic(n[:9]) != n {
			t.Fatalf("SyntheticNationalID(%s, %d) = %q does not follow the classic rule", birth, individual, n)
		}
	})
}

func FuzzNormalizeName(f *testing.F) {
	for _, s := range []string{
		"Ola Nordmann", "  Øyvind   Åsmund-Sæther ", "JOSE\u0301", "O’Brien", "King Jr.",
		"محمد", "علی\u200Cرضا", "\u200Cعلی", "ሰላም", "Олександр", "アキラ", "", " ", "-",
		"Ola2", "<script>", "Ola\x00", "\xff", "\u0301Ola", "a\u2000\u0301", strings.Repeat("é", 101),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, err := NormalizeName(s)
		if err != nil {
			if out != "" {
				t.Fatalf("NormalizeName(%q) = %q with error %v", s, out, err)
			}
			checkInvalid(t, s, err, msgNameEmpty, msgNameTooLong, msgNameChars, msgNameNoLetter, msgNameControl, msgNameVisible)
			return
		}
		if !utf8.ValidString(out) {
			t.Fatalf("NormalizeName(%q) = %q, not UTF-8", s, out)
		}
		if !norm.NFC.IsNormalString(out) {
			t.Fatalf("NormalizeName(%q) = %q, not NFC", s, out)
		}
		if n := utf8.RuneCountInString(out); n == 0 || n > 100 {
			t.Fatalf("NormalizeName(%q) = %q, %d runes", s, out, n)
		}
		if strings.TrimSpace(out) != out || strings.Contains(out, "  ") {
			t.Fatalf("NormalizeName(%q) = %q: white space not collapsed", s, out)
		}
		hasLetter := false
		for _, r := range out {
			switch {
			case unicode.IsLetter(r):
				hasLetter = true
			case unicode.Is(unicode.M, r), r == ' ', r == '-', r == '\'', r == '’', r == '.', r == '\u200C':
			default:
				t.Fatalf("NormalizeName(%q) = %q holds %q", s, out, r)
			}
		}
		if !hasLetter {
			t.Fatalf("NormalizeName(%q) = %q has no letter", s, out)
		}
		if again, err := NormalizeName(out); err != nil || again != out {
			t.Fatalf("NormalizeName(%q) = %q, %v; not idempotent", out, again, err)
		}
		// Normalising does not change the search key.
		if FoldName(out) != FoldName(s) {
			t.Fatalf("FoldName(%q) = %q but FoldName(%q) = %q", out, FoldName(out), s, FoldName(s))
		}
	})
}

func FuzzFoldName(f *testing.F) {
	for _, s := range []string{
		"Øyvind Åsmund-Sæther", "JOSÉ", "JOSE\u0301", "Weiß \u1E9E", "ĐŁıŒœ", "İstanbul",
		"O’Brien", "علی\u200Cرضا", "مُحَمَّد", "ΣΟΦΊΑ ς", "\u212A\u2126", "ǅ ǈ", "ﬁ",
		"", "  a  b  ", "\xff\xfe", "a\u2000\u0301", "\u0345", "ΐ",
		"0ᏹ", // x/text/cases.Fold turned this into Ᏹ and back: not idempotent
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := FoldName(s)
		if !utf8.ValidString(out) {
			t.Fatalf("FoldName(%q) = %q, not UTF-8", s, out)
		}
		if strings.TrimSpace(out) != out || strings.Contains(out, "  ") {
			t.Fatalf("FoldName(%q) = %q: white space not collapsed", s, out)
		}
		for _, r := range out {
			if unicode.Is(unicode.Mn, r) {
				t.Fatalf("FoldName(%q) = %q holds the mark %q", s, out, r)
			}
			if unicode.IsSpace(r) && r != ' ' {
				t.Fatalf("FoldName(%q) = %q holds the space %q", s, out, r)
			}
			if strings.ContainsRune("øæßđłıœ’\u200CØÆĐŁŒ", r) {
				t.Fatalf("FoldName(%q) = %q holds %q", s, out, r)
			}
		}
		if again := FoldName(out); again != out {
			t.Fatalf("FoldName(%q) = %q, FoldName of that = %q: not idempotent", s, out, again)
		}
		// The key does not depend on the normal form of the input.
		if utf8.ValidString(s) {
			for _, v := range []string{norm.NFC.String(s), norm.NFD.String(s)} {
				if got := FoldName(v); got != out {
					t.Fatalf("FoldName(%q) = %q but FoldName(%q) = %q", v, got, s, out)
				}
			}
		}
	})
}
