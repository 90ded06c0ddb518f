package domain

import (
	"errors"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

func TestNormalizeNameValid(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"plain", "Ola Nordmann", "Ola Nordmann"},
		{"one letter", "X", "X"},
		{"trimmed", "  Ola Nordmann  ", "Ola Nordmann"},
		{"internal spaces collapsed", "Ola    Nordmann", "Ola Nordmann"},
		{"tabs and newlines", "\tOla\n\nNordmann\r\n", "Ola Nordmann"},
		{"no-break space", "Ola\u00a0Nordmann", "Ola Nordmann"},
		{"ideographic space", "Ola\u3000Nordmann", "Ola Nordmann"},
		{"Norwegian letters", "Ærlige Øyvind Åsen", "Ærlige Øyvind Åsen"},
		{"NFD å composed", "A\u030Ase", "\u00C5se"},
		{"NFD é composed", "Jose\u0301", "Jos\u00E9"},
		{"NFC kept", "Jos\u00E9", "Jos\u00E9"},
		{"Vietnamese stacked marks", "Nguye\u0302\u0303n", "Nguy\u1EC5n"},
		{"mark without a precomposed letter", "n\u0308a", "n\u0308a"},
		{"hyphen", "Anne-Marie", "Anne-Marie"},
		{"apostrophe", "O'Brien", "O'Brien"},
		{"typographic apostrophe", "O\u2019Brien", "O\u2019Brien"},
		{"modifier letter apostrophe", "Ta\u02BCizz", "Ta\u02BCizz"},
		{"period", "Martin Luther King Jr.", "Martin Luther King Jr."},
		{"initials", "J. R. R.", "J. R. R."},
		{"Arabic", "محمد عبد الله", "محمد عبد الله"},
		{"Arabic with harakat", "مُحَمَّد", "مُحَمَّد"},
		{"Persian with ZWNJ", "علی\u200Cرضا", "علی\u200Cرضا"},
		{"Tigrinya (Ethiopic)", "ሰላም ተስፋይ", "ሰላም ተስፋይ"},
		{"Ukrainian", "Олександр Шевченко", "Олександр Шевченко"},
		{"Burmese with spacing marks", "အောင်", "အောင်"},
		{"Kurdish (Latin)", "Şêrko Bêkes", "Şêrko Bêkes"},
		{"Somali", "Xaawo Cabdi", "Xaawo Cabdi"},
		{"Chinese", "王小明", "王小明"},
		{"Greek", "Σοφία", "Σοφία"},
		{"leading and trailing hyphen kept", "-Ola-", "-Ola-"},
		{"100 letters", strings.Repeat("a", 100), strings.Repeat("a", 100)},
		{"100 letters after NFC", strings.Repeat("e\u0301", 100), strings.Repeat("\u00E9", 100)},
		{"100 runes after collapsing", strings.Repeat("a", 50) + "      " + strings.Repeat("b", 49), strings.Repeat("a", 50) + " " + strings.Repeat("b", 49)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := NormalizeName(tt.in)
			if err != nil {
				t.Fatalf("NormalizeName(%q): %v", tt.in, err)
			}
			if got != tt.want {
				t.Errorf("NormalizeName(%q) = %q, want %q", tt.in, got, tt.want)
			}
			again, err := NormalizeName(got)
			if err != nil || again != got {
				t.Errorf("NormalizeName(%q) = %q, %v; not idempotent", got, again, err)
			}
		})
	}
}

func TestNormalizeNameInvalid(t *testing.T) {
	tests := []struct {
		name string
		in   string
		msg  string
	}{
		{"empty", "", msgNameEmpty},
		{"spaces", "   ", msgNameEmpty},
		{"white space", "\t\n\u00a0\u3000", msgNameEmpty},

		{"101 letters", strings.Repeat("a", 101), msgNameTooLong},
		{"101 runes of Arabic", strings.Repeat("م", 101), msgNameTooLong},
		{"101 digits: length first", strings.Repeat("1", 101), msgNameTooLong},

		{"digit", "Ola2", msgNameChars},
		{"digits only", "123", msgNameChars},
		{"Arabic-Indic digit", "محمد٢", msgNameChars},
		{"less than", "Ola<", msgNameChars},
		{"greater than", "Ola>", msgNameChars},
		{"script tag", "<script>alert(1)</script>", msgNameChars},
		{"ampersand", "Ola & Kari", msgNameChars},
		{"comma", "Nordmann, Ola", msgNameChars},
		{"underscore", "Ola_Nordmann", msgNameChars},
		{"at", "ola@example.no", msgNameChars},
		{"slash", "Ola/Kari", msgNameChars},
		{"quotation mark", `Ola "Kari"`, msgNameChars},
		{"zero-width space", "Ola\u200bNordmann", msgNameChars},
		{"soft hyphen", "Ola\u00adNordmann", msgNameChars},
		{"byte order mark", "\ufeffOla", msgNameChars},
		{"Hangul filler", "Ola\u3164", msgNameChars},
		{"emoji", "Ola 😀", msgNameChars},
		{"replacement character", "Ola\ufffd", msgNameChars},
		{"leading combining mark", "\u0301Ola", msgNameChars},
		{"combining mark after a space", "Ola \u0301", msgNameChars},
		{"combining mark after a hyphen", "Ola-\u0301Kari", msgNameChars},
		{"ZWNJ at the start", "\u200Cعلی", msgNameChars},
		{"ZWNJ at the end", "علی\u200C", msgNameChars},
		{"ZWNJ before a space", "علی\u200C رضا", msgNameChars},
		{"two ZWNJ", "علی\u200C\u200Cرضا", msgNameChars},
		{"zero-width joiner", "علی\u200Dرضا", msgNameChars},

		// Control and bidi control characters (CleanLine) have their own
		// message, as does a name of invisible characters alone.
		{"NUL", "Ola\x00", msgNameControl},
		{"escape", "Ola\x1b[31m", msgNameControl},
		{"bell", "Ola\a", msgNameControl},
		{"DEL", "Ola\x7f", msgNameControl},
		{"vertical tab", "Ola\vNordmann", msgNameControl},
		{"C1 next line", "Ola\u0085Nordmann", msgNameControl},
		{"C1 CSI", "Ola\u009b31m", msgNameControl},
		{"right-to-left override", "Ola\u202eNordmann", msgNameControl},
		{"right-to-left override in a Persian name", "علی\u202Eرضا", msgNameControl},
		{"first strong isolate", "\u2068Ola\u2069", msgNameControl},
		{"invalid UTF-8", "Ola\xff", msgNameControl},
		{"zero-width space alone", "\u200b", msgNameVisible},
		{"ZWNJ alone", "\u200c", msgNameVisible},
		{"invisible characters and spaces", " \u200b \u2060\ufeff ", msgNameVisible},
		{"Hangul filler alone", "\u3164", msgNameVisible},

		{"hyphen only", "-", msgNameNoLetter},
		{"punctuation only", "- . '", msgNameNoLetter},
		{"apostrophes only", "’’", msgNameNoLetter},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := NormalizeName(tt.in)
			if err == nil {
				t.Fatalf("NormalizeName(%q) = %q, want an error", tt.in, got)
			}
			if got != "" {
				t.Errorf("NormalizeName(%q) returned %q with its error", tt.in, got)
			}
			var de *Error
			if !errors.As(err, &de) || de.Code != EINVALID {
				t.Fatalf("NormalizeName(%q) error = %#v, want an EINVALID *Error", tt.in, err)
			}
			if de.Message != tt.msg {
				t.Errorf("NormalizeName(%q) message = %q, want %q", tt.in, de.Message, tt.msg)
			}
		})
	}
}

func TestNormalizeNameMessages(t *testing.T) {
	if msgNameEmpty != "Navn må fylles ut." {
		t.Errorf("empty message = %q", msgNameEmpty)
	}
	if msgNameChars != "Navnet kan bare inneholde bokstaver, mellomrom, bindestrek og apostrof." {
		t.Errorf("characters message = %q", msgNameChars)
	}
	seen := map[string]bool{}
	for _, m := range []string{msgNameEmpty, msgNameTooLong, msgNameChars, msgNameNoLetter, msgNameControl, msgNameVisible} {
		if seen[m] {
			t.Errorf("message %q repeated", m)
		}
		seen[m] = true
	}
}

// Every ASCII character alone after a letter: only letters, space, hyphen,
// apostrophe and period are allowed.
func TestNormalizeNameASCII(t *testing.T) {
	for c := rune(0); c < utf8.RuneSelf; c++ {
		in := "a" + string(c) + "b"
		_, err := NormalizeName(in)
		allowed := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' ||
			c == ' ' || c == '-' || c == '\'' || c == '.' ||
			c == '\t' || c == '\n' || c == '\r' // white space; other controls are refused
		if allowed != (err == nil) {
			t.Errorf("NormalizeName(%q): err = %v, want allowed = %v", in, err, allowed)
		}
	}
}

func TestFoldName(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"Øyvind Åsmund-Sæther", "oyvind asmund-saether"},
		{"JOSÉ", "jose"},
		{"JOSE\u0301", "jose"},
		{"José", "jose"},
		{"Müller", "muller"},
		{"MÜLLER", "muller"},
		{"Weiß", "weiss"},
		{"WEISS", "weiss"},
		{"\u1E9E", "ss"}, // capital sharp s
		{"Đorđević", "dordevic"},
		{"ĐORĐEVIĆ", "dordevic"},
		{"Łukasz", "lukasz"},
		{"ŁUKASZ", "lukasz"},
		{"Yıldız", "yildiz"},
		{"YILDIZ", "yildiz"},
		{"İstanbul", "istanbul"},
		{"Œdipe", "oedipe"},
		{"cœur", "coeur"},
		{"ÆØÅ", "aeoa"},
		{"æøå", "aeoa"},
		{"Ñúñez", "nunez"},
		{"Čapek", "capek"},
		{"Ångström", "angstrom"},
		{"Nguyễn", "nguyen"},
		{"Şêrko", "serko"},
		{"  Ola   Nordmann \t", "ola nordmann"},
		{"Ola\u00a0Nordmann", "ola nordmann"},
		{"O’Brien", "o'brien"},
		{"O'BRIEN", "o'brien"},
		{"Anne-Marie", "anne-marie"},
		{"King Jr.", "king jr."},
		{"Олександр", "олександр"},
		{"ОЛЕКСАНДР", "олександр"},
		{"Σοφία", "σοφια"},
		{"ΣΟΦΊΑ", "σοφια"},
		{"Σοφίας", "σοφιασ"}, // final sigma folds to σ, so that the upper case matches
		{"ΣΟΦΊΑΣ", "σοφιασ"},
		{"مُحَمَّد", "محمد"},
		{"علی\u200Cرضا", "علیرضا"},
		{"ሰላም", "ሰላም"},
		{"王小明", "王小明"},
		{"ſ", "s"},                // long s
		{"\u212Aelvin", "kelvin"}, // Kelvin sign
		{"ᏹ", "ᏹ"},                // Cherokee: one key for both cases
		{"Ᏹ", "ᏹ"},
		{"", ""},
		{"   ", ""},
	}
	for _, tt := range tests {
		if got := FoldName(tt.in); got != tt.want {
			t.Errorf("FoldName(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if got := FoldName(FoldName(tt.in)); got != tt.want {
			t.Errorf("FoldName(FoldName(%q)) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// The search key is the same whatever the case or Unicode normal form.
func TestFoldNameInsensitive(t *testing.T) {
	names := []string{
		"Øyvind Åsmund-Sæther", "José Ñúñez", "Đorđević", "Łukasz Müller",
		"Olena Шевченко", "Σοφία", "Nguyễn Văn", "Şêrko Bêkes", "Œdipe Weiß",
	}
	for _, n := range names {
		want := FoldName(n)
		for _, v := range []string{
			strings.ToUpper(n), strings.ToLower(n), norm.NFD.String(n), norm.NFC.String(n),
			norm.NFD.String(strings.ToUpper(n)), " " + n + " ",
		} {
			if got := FoldName(v); got != want {
				t.Errorf("FoldName(%q) = %q, want %q as for %q", v, got, want, n)
			}
		}
		for _, r := range want {
			if unicode.IsUpper(r) || unicode.Is(unicode.Mn, r) {
				t.Errorf("FoldName(%q) = %q holds %q", n, want, r)
			}
		}
	}
}

// A query finds a stored name when its key is part of the name's key.
func TestFoldNameSearch(t *testing.T) {
	tests := []struct {
		stored, query string
		match         bool
	}{
		{"Øyvind Åsmund-Sæther", "oyvind", true},
		{"Øyvind Åsmund-Sæther", "SÆTHER", true},
		{"Øyvind Åsmund-Sæther", "saether", true},
		{"Øyvind Åsmund-Sæther", "asmund", true},
		{"Øyvind Åsmund-Sæther", "Åsmund  Sæther", false}, // the hyphen matters
		{"José Ñúñez", "jose nunez", true},
		{"Jose Nunez", "José Ñúñez", true},
		{"Łukasz", "lukasz", true},
		{"O’Brien", "o'brien", true},
		{"Ola Nordmann", "kari", false},
	}
	for _, tt := range tests {
		if got := strings.Contains(FoldName(tt.stored), FoldName(tt.query)); got != tt.match {
			t.Errorf("search %q in %q = %v, want %v", tt.query, tt.stored, got, tt.match)
		}
	}
}

// NormalizeName and FoldName together: a normalised name folds like the raw
// input.
func TestFoldNormalizedName(t *testing.T) {
	for _, in := range []string{"  Øyvind   A\u030Asmund-Sæther ", "JOSE\u0301", "O’Brien"} {
		n, err := NormalizeName(in)
		if err != nil {
			t.Fatal(err)
		}
		if FoldName(n) != FoldName(in) {
			t.Errorf("FoldName(%q) = %q, FoldName(%q) = %q", n, FoldName(n), in, FoldName(in))
		}
	}
}

func TestEditDistance(t *testing.T) {
	cases := []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"abc", "", 3},
		{"", "abc", 3},
		{"kitten", "sitting", 3},
		{"mohammed", "muhammad", 2},
		{"haidari", "haydari", 1},
		{"ødegård", "odegard", 2}, // runes, not bytes
		{"ab", "ba", 2},
		{"same", "same", 0},
	}
	for _, c := range cases {
		if got := EditDistance(c.a, c.b); got != c.want {
			t.Errorf("EditDistance(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
		if got := EditDistance(c.b, c.a); got != c.want {
			t.Errorf("EditDistance(%q, %q) = %d, want %d (symmetry)", c.b, c.a, got, c.want)
		}
	}
}
