package domain

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// The expected numbers below were computed by hand from the rules in
// docs/domain.md, not with the code under test:
//
//	s1 = 3·d1 + 7·d2 + 6·d3 + 1·d4 + 8·d5 + 9·d6 + 4·d7 + 5·d8 + 2·d9
//	k1 = 11 − s1 mod 11 (11 → 0, 10 → invalid); the 2032 rule also allows
//	     12, 13 and 14 − s1 mod 11, taken mod 11
//	s2 = 5·d1 + 4·d2 + 3·d3 + 2·d4 + 7·d5 + 6·d6 + 5·d7 + 4·d8 + 3·d9 + 2·k1
//	k2 = 11 − s2 mod 11 (11 → 0, 10 → invalid)
const (
	// 010101 001: s1 = 7+1+9+2 = 19, 19 mod 11 = 8, k1 = 3;
	// s2 = 4+2+6+3+2·3 = 21, 21 mod 11 = 10, k2 = 1.
	fnrClassic = "01010100131"
	// 311299 123: s1 = 9+7+6+2+72+81+4+10+6 = 197, mod 11 = 10, k1 = 1;
	// s2 = 15+4+3+4+63+54+5+8+9+2 = 167, mod 11 = 2, k2 = 9.
	fnrClassic2 = "31129912319"
	// 290200 123 (29 February 2000: 00 is divisible by 4, so a leap year):
	// s1 = 6+63+2+4+10+6 = 91, mod 11 = 3, k1 = 8;
	// s2 = 10+36+4+5+8+9+16 = 88, mod 11 = 0, k2 = 11 → 0.
	fnrLeapDay = "29020012380"
	// 120345 678: s1 = 3+14+3+32+45+24+35+16 = 172, mod 11 = 7.
	// Classic k1 = 4: s2 = 5+8+6+28+30+30+28+24+2·4 = 167, mod 11 = 2, k2 = 9.
	fnr2032Classic = "12034567849"
	// 2032 rule, k1 = 12 − 7 = 5: s2 = 159+10 = 169, mod 11 = 4, k2 = 7.
	fnr2032a = "12034567857"
	// 2032 rule, k1 = 14 − 7 = 7: s2 = 159+14 = 173, mod 11 = 8, k2 = 3.
	fnr2032c = "12034567873"
	// 010101 003: s1 = 7+1+9+6 = 23, mod 11 = 1, so the classic k1 would be
	// 10: no classic number exists. 2032 rule: k1 = 12 − 1 = 11 → 0,
	// s2 = 4+2+6+9+2·0 = 21, mod 11 = 10, k2 = 1.
	fnr2032Only = "01010100301"
	// and k1 = 14 − 1 = 13 → 2: s2 = 21+4 = 25, mod 11 = 3, k2 = 8.
	fnr2032Only2 = "01010100328"
	// D-nummer 550575 456 (15.05.75): s1 = 15+35+5+56+45+16+25+12 = 209,
	// mod 11 = 0, k1 = 11 → 0; s2 = 25+20+10+49+30+20+20+18+2·0 = 192,
	// mod 11 = 5, k2 = 6.
	dnrClassic = "55057545606"
	// D-nummer, 2032 rule k1 = (14 − 0) mod 11 = 3: s2 = 192+2·3 = 198,
	// mod 11 = 0, k2 = 0.
	dnr2032 = "55057545630"
	// D-nummer 711299 123 (day 71 = 31): s1 = 21+7+6+2+72+81+4+10+6 = 209,
	// mod 11 = 0, k1 = 0; s2 = 35+4+3+4+63+54+5+8+9+0 = 185, mod 11 = 9, k2 = 2.
	dnrDay31 = "71129912302"
	// H-nummer 014512 345 (month 45 = May): s1 = 7+24+5+8+18+12+20+10 = 104,
	// mod 11 = 5, k1 = 6; s2 = 4+12+10+7+12+15+16+15+2·6 = 103, mod 11 = 4,
	// k2 = 7.
	hnrClassic = "01451234567"
	// H-nummer 154575 456: s1 = 3+35+24+5+56+45+16+25+12 = 221, mod 11 = 1,
	// classic k1 = 10 (invalid); 2032 rule k1 = 12 − 1 = 0: s2 = 5+20+12+10+
	// 49+30+20+20+18+0 = 184, mod 11 = 8, k2 = 3.
	hnr2032 = "15457545603"
	// Synthetic 158575 456 (15.05.75, month + 80): s1 = 3+35+48+5+56+45+16+
	// 25+12 = 245, mod 11 = 3, k1 = 8; s2 = 5+20+24+10+49+30+20+20+18+2·8 =
	// 212, mod 11 = 3, k2 = 8.
	synClassic = "15857545688"
	// Synthetic 099001 234 (09.10.01, month 90): s1 = 63+54+9+8+15+8 = 157,
	// mod 11 = 3, k1 = 8; s2 = 36+27+6+10+12+12+2·8 = 119, mod 11 = 9, k2 = 2.
	synOctober = "09900123482"
	// Synthetic D-nummer 558575 456 (day + 40, month + 80): s1 = 257,
	// mod 11 = 4, k1 = 7; s2 = 25+20+24+10+49+30+20+20+18+2·7 = 230,
	// mod 11 = 10, k2 = 1.
	synDnr = "55857545671"
	// Synthetic D-nummer 418512 345: s1 = 12+7+48+5+8+18+12+20+10 = 140,
	// mod 11 = 8, k1 = 3; s2 = 20+4+24+10+7+12+15+16+15+2·3 = 129, mod 11 = 8,
	// k2 = 3.
	synDnr2 = "41851234533"
	// 29 February in years divisible by 4, one of each kind (classic rule):
	// fnr 290296 124: s1 = 6+63+2+72+54+4+10+8 = 219, mod 11 = 10, k1 = 1;
	// s2 = 10+36+4+63+36+5+8+12+2·1 = 176, mod 11 = 0, k2 = 0.
	fnrLeapDay96 = "29029612410"
	// D-nummer 690296 123: s1 = 18+63+2+72+54+4+10+6 = 229, mod 11 = 9,
	// k1 = 2; s2 = 30+36+4+63+36+5+8+9+2·2 = 195, mod 11 = 8, k2 = 3.
	dnrLeapDay96 = "69029612323"
	// H-nummer 294296 123 (month 42): s1 = 6+63+24+2+72+54+4+10+6 = 241,
	// mod 11 = 10, k1 = 1; s2 = 10+36+12+4+63+36+5+8+9+2·1 = 185, mod 11 = 9,
	// k2 = 2.
	hnrLeapDay96 = "29429612312"
	// Synthetic 298296 124 (month 82): s1 = 6+63+48+2+72+54+4+10+8 = 267,
	// mod 11 = 3, k1 = 8; s2 = 10+36+24+4+63+36+5+8+12+2·8 = 214, mod 11 = 5,
	// k2 = 6.
	synLeapDay96 = "29829612486"
	// Synthetic D-nummer 698204 123: s1 = 18+63+48+2+0+36+4+10+6 = 187,
	// mod 11 = 0, k1 = 0; s2 = 30+36+24+4+0+24+5+8+9+2·0 = 140, mod 11 = 8,
	// k2 = 3.
	synDnrLeapDay04 = "69820412303"
	// The same kinds on 29 February of years not divisible by 4, with right
	// check digits, so that only the date is wrong:
	// 290299 001: s1 = 6+63+2+72+81+2 = 226, mod 11 = 6, k1 = 5;
	// s2 = 10+36+4+63+54+3+2·5 = 180, mod 11 = 4, k2 = 7 (the number).
	fnrNoLeapDay99 = "29029900157"
	// 290297 123: s1 = 6+63+2+72+63+4+10+6 = 226, mod 11 = 6, k1 = 5;
	// s2 = 10+36+4+63+42+5+8+9+2·5 = 187, mod 11 = 0, k2 = 0.
	fnrNoLeapDay97 = "29029712350"
	// D-nummer 690297 123: s1 = 18+63+0+2+72+63+4+10+6 = 238, mod 11 = 7,
	// k1 = 4; s2 = 30+36+0+4+63+42+5+8+9+2·4 = 205, mod 11 = 7, k2 = 4.
	dnrNoLeapDay97 = "69029712344"
	// H-nummer 294297 123: s1 = 241+9 = 250, mod 11 = 8, k1 = 3;
	// s2 = 10+36+12+4+63+42+5+8+9+2·3 = 195, mod 11 = 8, k2 = 3.
	hnrNoLeapDay97 = "29429712333"
	// Synthetic 298297 123: s1 = 6+63+48+2+72+63+4+10+6 = 274, mod 11 = 10,
	// k1 = 1; s2 = 10+36+24+4+63+42+5+8+9+2·1 = 203, mod 11 = 5, k2 = 6.
	synNoLeapDay97 = "29829712316"
	// Synthetic D-nummer 698201 123: s1 = 18+63+48+2+0+9+4+10+6 = 160,
	// mod 11 = 6, k1 = 5; s2 = 30+36+24+4+0+6+5+8+9+2·5 = 132, mod 11 = 0,
	// k2 = 0.
	synDnrNoLeapDay01 = "69820112350"
	// Synthetic, 2032 rule: 158575 012: s1 = 201, mod 11 = 3; k1 = 14 − 3 =
	// 11 → 0: s2 = 5+20+24+10+49+30+0+4+6+0 = 148, mod 11 = 5, k2 = 6.
	syn2032 = "15857501206"
)

func TestParseNationalIDValid(t *testing.T) {
	tests := []struct {
		name      string
		in        string
		want      string
		kind      IDKind
		synthetic bool
	}{
		{"classic", fnrClassic, fnrClassic, KindFnr, false},
		{"classic 31 December", fnrClassic2, fnrClassic2, KindFnr, false},
		{"29 February", fnrLeapDay, fnrLeapDay, KindFnr, false},
		{"29 February 96", fnrLeapDay96, fnrLeapDay96, KindFnr, false},
		{"D-nummer 29 February 96", dnrLeapDay96, dnrLeapDay96, KindDnr, false},
		{"H-nummer 29 February 96", hnrLeapDay96, hnrLeapDay96, KindHnr, false},
		{"synthetic 29 February 96", synLeapDay96, synLeapDay96, KindFnr, true},
		{"synthetic D-nummer 29 February 04", synDnrLeapDay04, synDnrLeapDay04, KindDnr, true},
		{"2032 prefix, classic check digits", fnr2032Classic, fnr2032Classic, KindFnr, false},
		{"2032 rule, remainder 1", fnr2032a, fnr2032a, KindFnr, false},
		{"2032 rule, remainder 3", fnr2032c, fnr2032c, KindFnr, false},
		{"2032 rule where the classic k1 is 10", fnr2032Only, fnr2032Only, KindFnr, false},
		{"2032 rule where the classic k1 is 10 (2)", fnr2032Only2, fnr2032Only2, KindFnr, false},
		{"D-nummer", dnrClassic, dnrClassic, KindDnr, false},
		{"D-nummer, 2032 rule", dnr2032, dnr2032, KindDnr, false},
		{"D-nummer day 71", dnrDay31, dnrDay31, KindDnr, false},
		{"H-nummer", hnrClassic, hnrClassic, KindHnr, false},
		{"H-nummer, 2032 rule", hnr2032, hnr2032, KindHnr, false},
		{"synthetic", synClassic, synClassic, KindFnr, true},
		{"synthetic month 90", synOctober, synOctober, KindFnr, true},
		{"synthetic D-nummer", synDnr, synDnr, KindDnr, true},
		{"synthetic D-nummer (2)", synDnr2, synDnr2, KindDnr, true},
		{"synthetic, 2032 rule", syn2032, syn2032, KindFnr, true},
		{"display format", "010101 00131", fnrClassic, KindFnr, false},
		{"leading and trailing space", "  01010100131\t", fnrClassic, KindFnr, false},
		{"spaces everywhere", "0 1 0 1 0 1 0 0 1 3 1", fnrClassic, KindFnr, false},
		{"grouped 3-3-3-2", "010 101 001 31", fnrClassic, KindFnr, false},
		{"no-break space", "010101\u00a000131", fnrClassic, KindFnr, false},
		{"newline", "010101\n00131\n", fnrClassic, KindFnr, false},
		{"synthetic D with spaces", " 558575 45671 ", synDnr, KindDnr, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseNationalID(tt.in)
			if err != nil {
				t.Fatalf("ParseNationalID(%q): %v", tt.in, err)
			}
			want := NationalID{Number: tt.want, Kind: tt.kind, Synthetic: tt.synthetic}
			if got != want {
				t.Errorf("ParseNationalID(%q) = %+v, want %+v", tt.in, got, want)
			}
			if !refValid(tt.want) {
				t.Errorf("the reference rejects %s: the test data is wrong", tt.want)
			}
		})
	}
}

func TestParseNationalIDInvalid(t *testing.T) {
	tests := []struct {
		name string
		in   string
		msg  string
	}{
		{"empty", "", msgNIDEmpty},
		{"only spaces", "   ", msgNIDEmpty},
		{"only white space", "\t\n\u00a0", msgNIDEmpty},

		{"10 digits", "0101010013", msgNIDLength},
		{"12 digits", "010101001311", msgNIDLength},
		{"1 digit", "1", msgNIDLength},
		{"birth date only", "010101", msgNIDLength},
		{"10 digits with spaces", "010101 0013", msgNIDLength},

		{"letter", "0101010013a", msgNIDDigits},
		{"letter at the end, 12 runes", "01010100131x", msgNIDDigits},
		{"dots and hyphen", "01.01.01-00131", msgNIDDigits},
		{"hyphen", "010101-00131", msgNIDDigits},
		{"minus sign", "-1010100131", msgNIDDigits},
		{"plus sign", "+01010100131", msgNIDDigits},
		{"letter O for zero", "O1010100131", msgNIDDigits},
		{"Arabic-Indic digits", "٠١٠١٠١٠٠١٣١", msgNIDDigits},
		{"fullwidth digits", "０１０１０１００１３１", msgNIDDigits},
		{"zero-width space", "010101\u200b00131", msgNIDDigits},
		{"invalid UTF-8", "010101\xff00131", msgNIDDigits},
		{"NUL", "010101\x0000131", msgNIDDigits},

		// Right check digits on an impossible date: the date is reported.
		{"31 April", "31049912350", msgNIDDate}, // s1 = 193, mod 11 = 6, k1 = 5; s2 = 176, k2 = 0
		{"day 0", "00010100131", msgNIDDate},
		{"day 32", "32010100131", msgNIDDate},
		{"day 40", "40010100131", msgNIDDate},
		{"D-nummer day 72", "72810123487", msgNIDDate},
		{"D-nummer day 80", "80010100131", msgNIDDate},
		{"first digit 8", "81010100131", msgNIDDate},
		{"first digit 9", "91010100131", msgNIDDate},
		{"30 February", "30020012380", msgNIDDate},
		// 29 February of a two-digit year not divisible by 4 is never a leap
		// day, whatever the century (right check digits: see the constants).
		{"29 February 99", fnrNoLeapDay99, msgNIDDate},
		{"29 February 97", fnrNoLeapDay97, msgNIDDate},
		{"D-nummer 29 February 97", dnrNoLeapDay97, msgNIDDate},
		{"H-nummer 29 February 97", hnrNoLeapDay97, msgNIDDate},
		{"synthetic 29 February 97", synNoLeapDay97, msgNIDDate},
		{"synthetic D-nummer 29 February 01", synDnrNoLeapDay01, msgNIDDate},
		{"month 0", "01000100131", msgNIDDate},
		{"month 13", "01130100131", msgNIDDate},
		{"month 40", "01400100131", msgNIDDate},
		{"month 53", "01530100131", msgNIDDate},
		{"month 80", "01800100131", msgNIDDate},
		{"month 93", "01930100131", msgNIDDate},
		{"month 99", "01990100131", msgNIDDate},
		{"D-nummer and H-nummer at once", "41450100131", msgNIDDate},
		{"all zeros", "00000000000", msgNIDDate},
		{"synthetic 31 April", "31849912350", msgNIDDate},
		{"H-nummer 31 April", "31449912350", msgNIDDate},

		{"k2 off by one", "01010100132", msgNIDCheck},
		{"k2 off by one down", "01010100130", msgNIDCheck},
		{"k1 wrong", "01010100141", msgNIDCheck},
		{"k1 and k2 swapped", "01010100113", msgNIDCheck},
		{"k1 with remainder 4", "12034567880", msgNIDCheck}, // s1+k1 = 172+8 = 180, mod 11 = 4
		{"individual number changed", "01010100231", msgNIDCheck},
		{"digits transposed", "10010100131", msgNIDCheck},
		{"D-nummer k2 wrong", "55057545607", msgNIDCheck},
		{"H-nummer k1 wrong", "01451234577", msgNIDCheck},
		{"synthetic k2 wrong", "15857545689", msgNIDCheck},
		{"synthetic D-nummer k1 wrong", "55857545681", msgNIDCheck},
		{"real number with synthetic month", "01810100131", msgNIDCheck},
		{"synthetic number with real month", "15057545688", msgNIDCheck},
		// 010101 003 with k1 = 1 meets the 2032 rule (23+1 = 24, mod 11 = 2)
		// but its k2 would be 10: s2 = 21+2·1 = 23, mod 11 = 1.
		{"k1 whose k2 would be 10", "01010100311", msgNIDCheck},
		{"k1 whose k2 would be 10, k2 = 0", "01010100310", msgNIDCheck},
		{"all ones", "11111111111", msgNIDCheck},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseNationalID(tt.in)
			if err == nil {
				t.Fatalf("ParseNationalID(%q) = %+v, want an error", tt.in, got)
			}
			if got != (NationalID{}) {
				t.Errorf("ParseNationalID(%q) returned %+v with its error", tt.in, got)
			}
			var de *Error
			if !errors.As(err, &de) {
				t.Fatalf("error %T is not a *domain.Error", err)
			}
			if de.Code != EINVALID {
				t.Errorf("code = %q, want %q", de.Code, EINVALID)
			}
			if de.Message != tt.msg {
				t.Errorf("ParseNationalID(%q) message = %q, want %q", tt.in, de.Message, tt.msg)
			}
			if tt.msg == msgNIDCheck && refValid(tt.in) {
				t.Errorf("the reference accepts %s: the test data is wrong", tt.in)
			}
		})
	}
}

// The messages are distinct, so the user learns what is wrong.
func TestParseNationalIDMessagesDistinct(t *testing.T) {
	msgs := []string{msgNIDEmpty, msgNIDLength, msgNIDDigits, msgNIDDate, msgNIDCheck}
	seen := map[string]bool{}
	for _, m := range msgs {
		if m == "" || seen[m] {
			t.Errorf("message %q is empty or repeated", m)
		}
		seen[m] = true
	}
	if msgNIDLength != "Fødselsnummer og D-nummer har 11 siffer." {
		t.Errorf("length message = %q", msgNIDLength)
	}
	if msgNIDCheck != "Fødselsnummeret har feil kontrollsiffer." {
		t.Errorf("check digit message = %q", msgNIDCheck)
	}
}

// refCheckDigits is a reference for the check digit rules, written from the
// wording of docs/domain.md independently of the implementation: the
// acceptable k1 are (11 + j − s1 mod 11) mod 11 for j = 0 (classic) and
// j = 1, 2, 3 (2032 rule), leaving out 10; each k1 has one k2, or none where
// it would be 10.
func refCheckDigits(prefix string) [][2]int {
	w1 := []int{3, 7, 6, 1, 8, 9, 4, 5, 2}
	w2 := []int{5, 4, 3, 2, 7, 6, 5, 4, 3, 2}
	s1 := 0
	for i := range 9 {
		s1 += w1[i] * int(prefix[i]-'0')
	}
	var out [][2]int
	for j := range 4 {
		k1 := (11 + j - s1%11) % 11
		if k1 == 10 {
			continue
		}
		s2 := 2 * k1
		for i := range 9 {
			s2 += w2[i] * int(prefix[i]-'0')
		}
		k2 := 11 - s2%11
		if k2 == 11 {
			k2 = 0
		}
		if k2 == 10 {
			continue
		}
		out = append(out, [2]int{k1, k2})
	}
	return out
}

func refValid(n string) bool {
	for _, k := range refCheckDigits(n[:9]) {
		if int(n[9]-'0') == k[0] && int(n[10]-'0') == k[1] {
			return true
		}
	}
	return false
}

// For every individual number on a few dates of each kind, and every pair of
// check digits, ParseNationalID agrees with the reference.
func TestParseNationalIDAgreesWithReference(t *testing.T) {
	dates := []struct {
		ddmmyy    string
		kind      IDKind
		synthetic bool
	}{
		{"010100", KindFnr, false},
		{"311299", KindFnr, false},
		{"150575", KindFnr, false},
		{"290284", KindFnr, false},
		{"550575", KindDnr, false},
		{"710199", KindDnr, false},
		{"154575", KindHnr, false},
		{"015212", KindHnr, false},
		{"158575", KindFnr, true},
		{"019224", KindFnr, true},
		{"558575", KindDnr, true},
		{"419201", KindDnr, true},
		{"690296", KindDnr, false}, // 29 February 96
		{"294296", KindHnr, false}, // 29 February 96
		{"698200", KindDnr, true},  // 29 February 00
	}
	for _, d := range dates {
		accepted := 0
		for ind := range 1000 {
			prefix := fmt.Sprintf("%s%03d", d.ddmmyy, ind)
			ref := refCheckDigits(prefix)
			for k1 := range 10 {
				for k2 := range 10 {
					n := fmt.Sprintf("%s%d%d", prefix, k1, k2)
					want := false
					for _, r := range ref {
						want = want || (r == [2]int{k1, k2})
					}
					got, err := ParseNationalID(n)
					if (err == nil) != want {
						t.Fatalf("ParseNationalID(%s): err = %v, reference valid = %v", n, err, want)
					}
					if err != nil {
						if ErrorMessage(err) != msgNIDCheck {
							t.Fatalf("ParseNationalID(%s): message %q, want the check digit message", n, ErrorMessage(err))
						}
						continue
					}
					accepted++
					if got.Number != n || got.Kind != d.kind || got.Synthetic != d.synthetic {
						t.Fatalf("ParseNationalID(%s) = %+v, want kind %s synthetic %v", n, got, d.kind, d.synthetic)
					}
				}
			}
		}
		// Exactly one pair in 100 is right under the classic rule when it has
		// one; with the 2032 rule about 3.3 of 100 are accepted on average.
		if accepted < 2000 || accepted > 4000 {
			t.Errorf("%s: %d of 100 000 numbers accepted, want about 3 300", d.ddmmyy, accepted)
		}
	}
}

// 29 February of every two-digit year, for every kind of number and every
// individual number with check digits the reference accepts: the number is
// accepted exactly when the year is divisible by 4 (00 included), otherwise
// refused with the date message. 28 February is always accepted.
func TestParseNationalIDLeapDayEveryYear(t *testing.T) {
	kinds := []struct {
		ddmm      string
		kind      IDKind
		synthetic bool
	}{
		{"2902", KindFnr, false},
		{"6902", KindDnr, false},
		{"2942", KindHnr, false},
		{"2982", KindFnr, true},
		{"6982", KindDnr, true},
	}
	for _, k := range kinds {
		for yy := range 100 {
			leap := yy%4 == 0
			checked := 0
			for ind := range 1000 {
				prefix := fmt.Sprintf("%s%02d%03d", k.ddmm, yy, ind)
				for _, cd := range refCheckDigits(prefix) {
					n := fmt.Sprintf("%s%d%d", prefix, cd[0], cd[1])
					if refDateOK(n) != leap {
						t.Fatalf("refDateOK(%s) = %v, want %v", n, !leap, leap)
					}
					got, err := ParseNationalID(n)
					switch {
					case leap && err != nil:
						t.Fatalf("ParseNationalID(%s): %v, want it accepted (%02d is divisible by 4)", n, err, yy)
					case leap && (got.Kind != k.kind || got.Synthetic != k.synthetic):
						t.Fatalf("ParseNationalID(%s) = %+v, want kind %s synthetic %v", n, got, k.kind, k.synthetic)
					case !leap && ErrorMessage(err) != msgNIDDate:
						t.Fatalf("ParseNationalID(%s) = %+v, %v; want the date message (%02d is not divisible by 4)", n, got, err, yy)
					}
					checked++
				}
			}
			if checked < 2000 {
				t.Errorf("%s%02d: only %d numbers checked", k.ddmm, yy, checked)
			}
			// 28 February of the same year is always a date.
			feb28 := "28" + k.ddmm[2:] + fmt.Sprintf("%02d", yy)
			if k.ddmm[0] == '6' {
				feb28 = "68" + k.ddmm[2:] + fmt.Sprintf("%02d", yy)
			}
			for ind := range 1000 {
				prefix := fmt.Sprintf("%s%03d", feb28, ind)
				if cds := refCheckDigits(prefix); len(cds) > 0 {
					n := fmt.Sprintf("%s%d%d", prefix, cds[0][0], cds[0][1])
					if _, err := ParseNationalID(n); err != nil {
						t.Fatalf("ParseNationalID(%s) (28 February): %v", n, err)
					}
					break
				}
			}
		}
	}
}

// Random 11-digit strings: ParseNationalID accepts exactly those with a valid
// date and valid check digits.
func TestParseNationalIDRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	validDates := 0
	for range 200_000 {
		var b [11]byte
		for i := range b {
			b[i] = byte('0' + r.IntN(10))
		}
		if r.IntN(2) == 0 { // bias towards plausible dates
			day := 1 + r.IntN(28) + 40*r.IntN(2)
			month := 1 + r.IntN(12) + []int{0, 40, 80}[r.IntN(3)]
			if day > 40 && month > 40 && month < 80 {
				month -= 40
			}
			copy(b[:4], fmt.Sprintf("%02d%02d", day, month))
		}
		n := string(b[:])
		dateOK := refDateOK(n)
		if dateOK {
			validDates++
		}
		_, err := ParseNationalID(n)
		switch msg := ErrorMessage(err); {
		case !dateOK && msg != msgNIDDate:
			t.Fatalf("ParseNationalID(%s) = %v, want the date message", n, err)
		case dateOK && refValid(n) && err != nil:
			t.Fatalf("ParseNationalID(%s) = %v, want it accepted", n, err)
		case dateOK && !refValid(n) && msg != msgNIDCheck:
			t.Fatalf("ParseNationalID(%s) = %v, want the check digit message", n, err)
		}
	}
	if validDates < 50_000 {
		t.Errorf("only %d random numbers had a valid date", validDates)
	}
}

// refDateOK: day 1–31 (or + 40), month 1–12 (or + 40 or + 80, not + 40 on
// both), and the day exists in that month of the year 20YY, YY being the
// number's year digits: from 2000 to 2099 the leap years are exactly the
// years whose two digits are divisible by 4, which is the rule for any
// century when 00 is given the benefit of the doubt (2000 was a leap year).
func refDateOK(n string) bool {
	day := int(n[0]-'0')*10 + int(n[1]-'0')
	month := int(n[2]-'0')*10 + int(n[3]-'0')
	d := day > 40
	if d {
		day -= 40
	}
	switch {
	case month >= 81 && month <= 92:
		month -= 80
	case month >= 41 && month <= 52:
		if d {
			return false
		}
		month -= 40
	case month >= 1 && month <= 12:
	default:
		return false
	}
	year := 2000 + int(n[4]-'0')*10 + int(n[5]-'0')
	t := time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
	return day >= 1 && t.Day() == day
}

// Under the 2032 rule a change of k1 alone may give another valid number, but
// a change of any one of digits 1–9 changes s2 by w·δ with w in 2..7 and
// δ in ±1..9, never a multiple of 11, so k2 catches it; a change of k2 alone
// is caught too. Check that on valid numbers.
func TestParseNationalIDSingleDigitErrors(t *testing.T) {
	valid := []string{fnrClassic, fnrClassic2, fnrLeapDay, fnr2032a, fnr2032Only, dnrClassic, hnrClassic, synClassic, synDnr}
	for _, n := range valid {
		for i := range 11 {
			if i == 9 {
				continue // k1 may take several values under the 2032 rule
			}
			for c := byte('0'); c <= '9'; c++ {
				if c == n[i] {
					continue
				}
				m := n[:i] + string(c) + n[i+1:]
				if _, err := ParseNationalID(m); err == nil {
					t.Errorf("ParseNationalID(%s) (from %s, digit %d changed) accepted", m, n, i+1)
				}
			}
		}
	}
}

func TestSyntheticNationalIDGolden(t *testing.T) {
	tests := []struct {
		name       string
		birth      time.Time
		individual int
		want       string
	}{
		{"plain", date(1975, 5, 15), 456, synClassic},
		// 158575 006: s1 = 204, mod 11 = 6, k1 = 5; s2 = 166, mod 11 = 1,
		// k2 = 10: skipped. 007: s1 = 206, mod 11 = 8, k1 = 3; s2 = 165,
		// mod 11 = 0, k2 = 0.
		{"k2 = 10 skipped", date(1975, 5, 15), 6, "15857500730"},
		// 009: s1 = 210, mod 11 = 1, k1 = 10. 010: s1 = 197, k1 = 1,
		// s2 = 144, mod 11 = 1, k2 = 10. 011: s1 = 199, mod 11 = 1, k1 = 10.
		// 012: s1 = 201, mod 11 = 3, k1 = 8; s2 = 164, mod 11 = 10, k2 = 1.
		{"three skipped", date(1975, 5, 15), 9, "15857501281"},
		// 208185 999: s1 = 263, mod 11 = 10, k1 = 1; s2 = 232, mod 11 = 1,
		// k2 = 10: wraps to 000: s1 = 164, mod 11 = 10, k1 = 1; s2 = 124,
		// mod 11 = 3, k2 = 8.
		{"wraps from 999 to 000", date(1985, 1, 20), 999, "20818500018"},
		{"individual 1000 is 000", date(1985, 1, 20), 1000, "20818500018"},
		{"individual -1 is 999", date(1985, 1, 20), -1, "20818500018"},
		{"individual 1456 is 456", date(1975, 5, 15), 1456, synClassic},
		// 091001 234 → month 90: see synOctober.
		{"October", date(2001, 10, 9), 234, synOctober},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := SyntheticNationalID(tt.birth, tt.individual); got != tt.want {
				t.Errorf("SyntheticNationalID(%s, %d) = %s, want %s", tt.birth.Format(time.DateOnly), tt.individual, got, tt.want)
			}
		})
	}
}

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// Every day from 1900 to 2099 with a few individual numbers, and every
// individual number on a few days: the result is accepted as a synthetic
// fødselsnummer of that date, it satisfies the classic rule, and any
// individual numbers skipped have no classic check digits.
func TestSyntheticNationalIDProperties(t *testing.T) {
	check := func(birth time.Time, individual int) {
		t.Helper()
		n := SyntheticNationalID(birth, individual)
		id, err := ParseNationalID(n)
		if err != nil {
			t.Fatalf("SyntheticNationalID(%s, %d) = %s, rejected: %v", birth.Format(time.DateOnly), individual, n, err)
		}
		if id.Number != n || id.Kind != KindFnr || !id.Synthetic {
			t.Fatalf("ParseNationalID(%s) = %+v, want a synthetic fnr", n, id)
		}
		wantDate := fmt.Sprintf("%02d%02d%02d", birth.Day(), int(birth.Month())+80, birth.Year()%100)
		if n[:6] != wantDate {
			t.Fatalf("SyntheticNationalID(%s, %d) = %s, want it to start with %s", birth.Format(time.DateOnly), individual, n, wantDate)
		}
		// The classic rule, not the 2032 rule.
		classic := refClassic(n[:9])
		if classic == "" || classic != n {
			t.Fatalf("SyntheticNationalID(%s, %d) = %s, not the classic-rule number %q", birth.Format(time.DateOnly), individual, n, classic)
		}
		want := ((individual % 1000) + 1000) % 1000
		for got := int(n[6]-'0')*100 + int(n[7]-'0')*10 + int(n[8]-'0'); want != got; want = (want + 1) % 1000 {
			if c := refClassic(fmt.Sprintf("%s%03d", wantDate, want)); c != "" {
				t.Fatalf("SyntheticNationalID(%s, %d) = %s skipped individual number %03d, which is valid (%s)", birth.Format(time.DateOnly), individual, n, want, c)
			}
		}
	}
	r := rand.New(rand.NewPCG(3, 4))
	for d := date(1900, 1, 1); d.Year() < 2100; d = d.AddDate(0, 0, 1) {
		check(d, r.IntN(1000))
	}
	for _, d := range []time.Time{date(1975, 5, 15), date(1985, 1, 20), date(2000, 2, 29), date(2024, 12, 31)} {
		for i := -1000; i <= 2000; i++ {
			check(d, i)
		}
	}
	// The clock time and the location do not matter, only the date in it.
	oslo := time.FixedZone("CET", 3600)
	check(time.Date(1990, 6, 30, 23, 59, 59, 0, oslo), 123)
	if a, b := SyntheticNationalID(time.Date(1990, 6, 30, 23, 30, 0, 0, oslo), 5), SyntheticNationalID(date(1990, 6, 30), 5); a != b {
		t.Errorf("time of day changed the number: %s, %s", a, b)
	}
}

// refClassic returns the number with classic check digits, or "".
func refClassic(prefix string) string {
	w1 := []int{3, 7, 6, 1, 8, 9, 4, 5, 2}
	w2 := []int{5, 4, 3, 2, 7, 6, 5, 4, 3, 2}
	d := make([]int, 0, 11)
	for _, c := range prefix {
		d = append(d, int(c-'0'))
	}
	for _, w := range [][]int{w1, w2} {
		s := 0
		for i := range w {
			s += w[i] * d[i]
		}
		k := (11 - s%11) % 11
		if k == 10 {
			return ""
		}
		d = append(d, k)
	}
	var b strings.Builder
	for _, v := range d {
		b.WriteByte(byte('0' + v))
	}
	return b.String()
}

func TestParseDUF(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
		msg  string
	}{
		{"valid", "201912345678", "201912345678", ""},
		{"display format", "2019 12345678", "201912345678", ""},
		{"grouped by four", "2019 1234 5678", "201912345678", ""},
		{"surrounding space", "  201912345678\n", "201912345678", ""},
		{"no-break space", "2019\u00a012345678", "201912345678", ""},
		{"year 1980", "198000000000", "198000000000", ""},
		{"year 2099", "209999999999", "209999999999", ""},
		{"year 2000", "200000000001", "200000000001", ""},

		{"empty", "", "", msgDUFEmpty},
		{"spaces", "   ", "", msgDUFEmpty},
		{"11 digits", "20191234567", "", msgDUFLength},
		{"13 digits", "2019123456789", "", msgDUFLength},
		{"a fødselsnummer", fnrClassic, "", msgDUFLength},
		{"letter", "2019123456a8", "", msgDUFDigits},
		{"hyphen", "2019-12345678", "", msgDUFDigits},
		{"fullwidth digits", "２０１９１２３４５６７８", "", msgDUFDigits},
		{"year 1979", "197912345678", "", msgDUFYear},
		{"year 2100", "210012345678", "", msgDUFYear},
		{"year 0000", "000012345678", "", msgDUFYear},
		{"year 9999", "999912345678", "", msgDUFYear},
		{"year 1900", "190012345678", "", msgDUFYear},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseDUF(tt.in)
			if tt.msg == "" {
				if err != nil || got != tt.want {
					t.Errorf("ParseDUF(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
				}
				return
			}
			if err == nil {
				t.Fatalf("ParseDUF(%q) = %q, want an error", tt.in, got)
			}
			if got != "" {
				t.Errorf("ParseDUF(%q) returned %q with its error", tt.in, got)
			}
			if ErrorCode(err) != EINVALID || ErrorMessage(err) != tt.msg {
				t.Errorf("ParseDUF(%q) error = %v, want EINVALID %q", tt.in, err, tt.msg)
			}
		})
	}
	seen := map[string]bool{}
	for _, m := range []string{msgDUFEmpty, msgDUFLength, msgDUFDigits, msgDUFYear} {
		if seen[m] {
			t.Errorf("message %q repeated", m)
		}
		seen[m] = true
	}
}

func TestFormatNationalID(t *testing.T) {
	tests := []struct{ in, want string }{
		{fnrClassic, "010101 00131"},
		{"010101 00131", "010101 00131"},
		{" 0101 0100 131 ", "010101 00131"},
		{synDnr, "558575 45671"},
		{"", ""},
		{"123", "123"},
		{"0101010013a", "0101010013a"},
		{"010101001311", "010101001311"},
	}
	for _, tt := range tests {
		if got := FormatNationalID(tt.in); got != tt.want {
			t.Errorf("FormatNationalID(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestFormatDUF(t *testing.T) {
	tests := []struct{ in, want string }{
		{"201912345678", "2019 12345678"},
		{"2019 12345678", "2019 12345678"},
		{"2019 1234 5678", "2019 12345678"},
		{"", ""},
		{"2019", "2019"},
		{"20191234567x", "20191234567x"},
	}
	for _, tt := range tests {
		if got := FormatDUF(tt.in); got != tt.want {
			t.Errorf("FormatDUF(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// What FormatNationalID and FormatDUF show, the parsers read back.
func TestFormatRoundTrip(t *testing.T) {
	for _, n := range []string{fnrClassic, fnr2032Only, dnrClassic, hnrClassic, synClassic, synDnr} {
		id, err := ParseNationalID(FormatNationalID(n))
		if err != nil || id.Number != n {
			t.Errorf("ParseNationalID(FormatNationalID(%s)) = %+v, %v", n, id, err)
		}
	}
	for _, d := range []string{"201912345678", "198000000000"} {
		got, err := ParseDUF(FormatDUF(d))
		if err != nil || got != d {
			t.Errorf("ParseDUF(FormatDUF(%s)) = %q, %v", d, got, err)
		}
	}
}
