package domain

import (
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

func TestCleanLine(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		want  string
		fault TextFault
	}{
		{"plain", "Familien Haidari", "Familien Haidari", TextOK},
		{"empty", "", "", TextOK},
		{"only spaces", "   ", "", TextOK},
		{"tab and newlines become one space", " Ring\tNAV\r\nom\n bolig ", "Ring NAV om bolig", TextOK},
		{"NFC", "Zoe\u0308", "Zoë", TextOK},

		{"escape sequence", "Familien \x1b[31mHaidari", "", TextForbidden},
		{"bell", "Familien\a", "", TextForbidden},
		{"NUL", "Ola\x00", "", TextForbidden},
		{"DEL", "Ola\x7f", "", TextForbidden},
		{"vertical tab", "Ola\vKari", "", TextForbidden},
		{"form feed", "Ola\fKari", "", TextForbidden},
		{"C1 next line U+0085", "Ola\u0085Kari", "", TextForbidden},
		{"C1 CSI U+009B", "Ola\u009b31m", "", TextForbidden},
		{"right-to-left override in a name", "Ola\u202eNordmann", "", TextForbidden},
		{"left-to-right embedding", "\u202aOla", "", TextForbidden},
		{"pop directional formatting", "Ola\u202c", "", TextForbidden},
		{"left-to-right override", "\u202dOla", "", TextForbidden},
		{"right-to-left isolate", "\u2067Ola\u2069", "", TextForbidden},
		{"first strong isolate", "\u2068Ola", "", TextForbidden},
		{"invalid UTF-8", "Ola\xff", "", TextForbidden},
		{"invalid UTF-8 alone", "\xc3", "", TextForbidden},

		{"only a zero-width space", "\u200b", "", TextInvisible},
		{"zero-width spaces between spaces", "  \u200b \u200b  ", "", TextInvisible},
		{"only ZWNJ", "\u200c", "", TextInvisible},
		{"only ZWJ", "\u200d", "", TextInvisible},
		{"only a word joiner", "\u2060", "", TextInvisible},
		{"only a byte order mark", "\ufeff", "", TextInvisible},
		{"only marks LRM and RLM", "\u200e\u200f", "", TextInvisible},
		{"only a combining mark", "\u0301", "", TextInvisible},
		{"only a Hangul filler", "\u3164", "", TextInvisible},
		{"only a blank Braille pattern", "\u2800", "", TextInvisible},

		{"ZWNJ in a Persian name", "علی\u200cرضا", "علی\u200cرضا", TextOK},
		{"Arabic with RLM", "حيدري\u200f (Aleppo)", "حيدري\u200f (Aleppo)", TextOK},
		{"Latin with LRM", "\u200eOla", "\u200eOla", TextOK},
		{"emoji", "Familien 🏠", "Familien 🏠", TextOK},
		{"emoji alone", "👍", "👍", TextOK},
		{"ZWJ emoji sequence", "👩\u200d👩\u200d👧", "👩\u200d👩\u200d👧", TextOK},
		{"flag of England (tag characters)", "🏴\U000E0067\U000E0062\U000E0065\U000E006E\U000E0067\U000E007F", "🏴\U000E0067\U000E0062\U000E0065\U000E006E\U000E0067\U000E007F", TextOK},
		{"zero-width space beside visible text", "Familien\u200bX", "Familien\u200bX", TextOK},
		{"digits", "2026", "2026", TextOK},
		{"markup is text", "<b>Oslo</b>", "<b>Oslo</b>", TextOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, fault := CleanLine(tt.in)
			if got != tt.want || fault != tt.fault {
				t.Errorf("CleanLine(%q) = %q, %d; want %q, %d", tt.in, got, fault, tt.want, tt.fault)
			}
			if again, f := CleanLine(got); again != got || f != TextOK {
				t.Errorf("CleanLine(%q) = %q, %d: not idempotent", got, again, f)
			}
		})
	}
}

func TestCleanText(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		want  string
		fault TextFault
	}{
		{"plain", "Samtale om bolig.", "Samtale om bolig.", TextOK},
		{"empty", "", "", TextOK},
		{"white space only", " \r\n\t \n", "", TextOK},
		{"CRLF becomes LF", "Linje 1\r\nLinje 2\r\n", "Linje 1\nLinje 2", TextOK},
		{"lone CR becomes LF", "Linje 1\rLinje 2", "Linje 1\nLinje 2", TextOK},
		{"CR CR LF", "a\r\r\nb", "a\n\nb", TextOK},
		{"tab kept", "Punkt:\n\tbolig\n\tskole", "Punkt:\n\tbolig\n\tskole", TextOK},
		{"blank lines and inner spaces kept", "a  b\n\n\n  c", "a  b\n\n\n  c", TextOK},
		{"trimmed at both ends", "\n\n  Notat  \n\n", "Notat", TextOK},
		{"NFC", "Zoe\u0308", "Zoë", TextOK},

		{"escape sequence", "Rød: \x1b[31mviktig\x1b[0m", "", TextForbidden},
		{"bell", "Ring\a tilbake", "", TextForbidden},
		{"NUL", "a\x00b", "", TextForbidden},
		{"DEL", "a\x7fb", "", TextForbidden},
		{"vertical tab", "a\vb", "", TextForbidden},
		{"form feed", "a\fb", "", TextForbidden},
		{"C1 next line U+0085", "a\u0085b", "", TextForbidden},
		{"C1 CSI U+009B", "a\u009b31mb", "", TextForbidden},
		{"right-to-left override", "Beløp: \u202e00.001 kr", "", TextForbidden},
		{"right-to-left isolate", "a \u2067b\u2069", "", TextForbidden},
		{"invalid UTF-8", "a\xffb", "", TextForbidden},

		{"only zero-width characters and newlines", "\u200b\n\u200d\r\n\ufeff", "", TextInvisible},

		{"Persian with ZWNJ", "می\u200cخواهم", "می\u200cخواهم", TextOK},
		{"Arabic with RLM", "التاريخ\u200f: 12.03.2026", "التاريخ\u200f: 12.03.2026", TextOK},
		{"emoji", "Bra møte 👍", "Bra møte 👍", TextOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, fault := CleanText(tt.in)
			if got != tt.want || fault != tt.fault {
				t.Errorf("CleanText(%q) = %q, %d; want %q, %d", tt.in, got, fault, tt.want, tt.fault)
			}
			if again, f := CleanText(got); again != got || f != TextOK {
				t.Errorf("CleanText(%q) = %q, %d: not idempotent", got, again, f)
			}
		})
	}
}

// The field messages: the subject, and for multi-line text the line the
// first forbidden character is on, as the form shows the text.
func TestTextFieldMessages(t *testing.T) {
	if _, msg := lineField("Tittel", "a\x1bb"); msg != "Tittel inneholder kontrolltegn eller usynlige styretegn som ikke er tillatt. Skriv teksten inn på nytt." {
		t.Errorf("lineField message = %q", msg)
	}
	if _, msg := lineField("Tittel", "\u200b"); msg != "Tittel må inneholde synlige tegn." {
		t.Errorf("lineField message = %q", msg)
	}
	if out, msg := lineField("Tittel", "  "); out != "" || msg != "" {
		t.Errorf("lineField of spaces = %q, %q; want the field's own required rule", out, msg)
	}
	for _, c := range []struct {
		in   string
		line string
	}{
		{"\a", "linje 1"},
		{"ok\r\nok\n\x1b[31m", "linje 3"},
		{"\n\n\nok\r\r\u202e", "linje 6"},
	} {
		_, msg := textField("Notatet", c.in)
		want := "Notatet inneholder kontrolltegn eller usynlige styretegn som ikke er tillatt (første gang på " + c.line + "). Skriv den linjen inn på nytt."
		if msg != want {
			t.Errorf("textField(%q) message = %q, want %q", c.in, msg, want)
		}
	}
	if _, msg := textField("Notatet", "\u200b\n"); msg != "Notatet må inneholde synlige tegn." {
		t.Errorf("textField message = %q", msg)
	}
}

// Every free-text field of every form is cleaned: a control or bidi control
// character and a value of invisible characters alone are refused on the
// field, and the legitimate uses of invisible characters pass.
func TestFormsRefuseControlCharacters(t *testing.T) {
	today := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	const (
		forbidden = "inneholder kontrolltegn eller usynlige styretegn som ikke er tillatt"
		invisible = "må inneholde synlige tegn."
	)
	type check struct {
		field    string
		validate func(value string) (map[string]string, string) // field errors, the cleaned value
	}
	fieldsOf := func(err error) map[string]string {
		if e, ok := err.(*Error); ok {
			return e.Fields
		}
		return nil
	}
	person := func(set func(*PersonForm, string)) func(string) (map[string]string, string) {
		return func(v string) (map[string]string, string) {
			f := validForm()
			set(&f, v)
			in, err := f.Validate(today)
			return fieldsOf(err), in.GivenName + "|" + in.FamilyName + "|" + in.InterpreterDialect
		}
	}
	note := func(set func(*NoteForm, string)) func(string) (map[string]string, string) {
		return func(v string) (map[string]string, string) {
			f := NoteForm{Kind: NoteMeeting, NoteDate: "2026-11-20", Body: "Samtale.", InterpreterUsed: "no", NoInterpreterReason: "Ingen tolk ledig."}
			set(&f, v)
			in, err := f.Validate(today, true)
			return fieldsOf(err), in.Body + "|" + in.NoInterpreterReason
		}
	}
	checks := []check{
		{"given_name", person(func(f *PersonForm, v string) { f.GivenName = v })},
		{"family_name", person(func(f *PersonForm, v string) { f.FamilyName = v })},
		{"interpreter_dialect", person(func(f *PersonForm, v string) { f.InterpreterDialect = v })},
		{"given_name", func(v string) (map[string]string, string) { // family reunification
			f := NewReunificationForm(3)
			f.Person = validForm()
			f.Person.GivenName = v
			f.Relation = RelationChild
			in, err := f.Validate(today)
			return fieldsOf(err), in.Person.GivenName
		}},
		{"name", func(v string) (map[string]string, string) {
			in, err := HouseholdForm{Name: v, Version: "1"}.Validate(true)
			return fieldsOf(err), in.Name
		}},
		{"body", note(func(f *NoteForm, v string) { f.Body = v })},
		{"no_interpreter_reason", note(func(f *NoteForm, v string) { f.NoInterpreterReason = v })},
		{"title", func(v string) (map[string]string, string) {
			in, err := TaskForm{Title: v, DueDate: "2026-12-01", AssigneeID: "7"}.Validate(today)
			return fieldsOf(err), in.Title
		}},
	}
	refused := []struct {
		value, msg string
	}{
		{"Ola\x1b[31m", forbidden},
		{"Ola\a", forbidden},
		{"Ola\x00", forbidden},
		{"Ola\x7f", forbidden},
		{"Ola\u0085", forbidden},
		{"Ola\u202eNordmann", forbidden},
		{"\u2066Ola\u2069", forbidden},
		{"\u200b", invisible},
		{" \u200b\u200c\u200d\u2060\ufeff ", invisible},
	}
	for _, c := range checks {
		for _, r := range refused {
			fields, got := c.validate(r.value)
			if !strings.Contains(fields[c.field], r.msg) {
				t.Errorf("%s = %q: message %q, want one with %q", c.field, r.value, fields[c.field], r.msg)
			}
			if strings.ContainsFunc(got, forbiddenRune) || strings.Contains(got, "\u200b") {
				t.Errorf("%s = %q: the input carries %q", c.field, r.value, got)
			}
		}
		// Legitimate invisible characters inside visible text pass.
		for _, v := range []string{"علی\u200cرضا", "Zoe\u0308"} {
			if fields, _ := c.validate(v); fields[c.field] != "" {
				t.Errorf("%s = %q refused: %s", c.field, v, fields[c.field])
			}
		}
	}
	// Free text beyond names passes RLM and emoji.
	for _, c := range checks[2:] {
		if c.field == "given_name" {
			continue
		}
		for _, v := range []string{"حيدري\u200f (Aleppo)", "Familien 🏠"} {
			if fields, _ := c.validate(v); fields[c.field] != "" {
				t.Errorf("%s = %q refused: %s", c.field, v, fields[c.field])
			}
		}
	}
	// The names say which name is wrong.
	f := validForm()
	f.FamilyName = "Hai\u202edari"
	_, err := f.Validate(today)
	if got := fieldsOf(err)["family_name"]; got != "Etternavnet"+msgTextForbidden {
		t.Errorf("family name with RLO: %q", got)
	}
	f = validForm()
	f.GivenName = "\u200b"
	_, err = f.Validate(today)
	if got := fieldsOf(err)["given_name"]; got != "Fornavnet må inneholde synlige tegn." {
		t.Errorf("given name of a zero-width space: %q", got)
	}
}

// A merge carries over a stored dialect that today's rules refuse (data from
// before them), like the other fields, instead of emptying it.
func TestMergedPersonKeepsOldDialect(t *testing.T) {
	today := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	birth := time.Date(1990, 4, 12, 0, 0, 0, 0, time.UTC)
	nid := SyntheticNationalID(birth, 500)
	a := &Person{ID: 1, GivenName: "Amina", FamilyName: "Haidari", BirthDate: birth, Sex: "female", NationalID: &nid,
		CountryOfOrigin: "AF", Languages: []string{"prs"}, InterpreterNeeded: true, InterpreterLanguage: "prs",
		InterpreterDialect: "Herati\x1b", ResidenceBasis: BasisResettlement, Version: 1}
	b := *a
	b.ID, b.NationalID, b.FamilyName, b.InterpreterDialect = 2, nil, "Haidary", "Kabuli"
	in, err := MergedPerson(a, &b, []string{"family_name"}, today)
	if err != nil {
		t.Fatal(err)
	}
	if in.InterpreterDialect != "Herati\x1b" || in.FamilyName != "Haidary" {
		t.Errorf("merged %+v", in)
	}
	// Taken from the other registration, the dialect is checked.
	a.InterpreterDialect, b.InterpreterDialect = "Herati", "Kabuli\u202e"
	if _, err := MergedPerson(a, &b, []string{"interpreter"}, today); err == nil || !strings.Contains(err.(*Error).Fields["f_interpreter"], "kontrolltegn") {
		t.Errorf("taking a dialect with RLO: %v", err)
	}
}

// FuzzCleanLine: the result never holds a control character (tab and
// newline included) or a bidi control, is NFC, has single spaces and no
// space at its ends, holds something visible unless it is empty, and is
// returned unchanged by CleanLine.
func FuzzCleanLine(f *testing.F) {
	for _, s := range []string{
		"Familien Haidari", "", "   ", "\u200b", "Ola\x1b[31m", "\a", "Ola\u0085Kari", "Ola\u202eNordmann",
		"علی\u200cرضا", "حيدري\u200f", "👩\u200d👩\u200d👧", "Zoe\u0308", "\xff", "a\t\r\nb", "\u2068x\u2069",
		"a\u2000\u0301", " \u0301", "\u3164",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, fault := CleanLine(s)
		if fault != TextOK {
			if out != "" {
				t.Fatalf("CleanLine(%q) = %q with fault %d", s, out, fault)
			}
			if fault == TextForbidden && firstForbidden(s) < 0 {
				t.Fatalf("CleanLine(%q): forbidden, but nothing in it is", s)
			}
			return
		}
		if !utf8.ValidString(out) || !norm.NFC.IsNormalString(out) {
			t.Fatalf("CleanLine(%q) = %q: not UTF-8 in NFC", s, out)
		}
		for _, r := range out {
			if unicode.IsControl(r) || isBidiControl(r) || (unicode.IsSpace(r) && r != ' ') {
				t.Fatalf("CleanLine(%q) = %q holds %U", s, out, r)
			}
		}
		if strings.TrimSpace(out) != out || strings.Contains(out, "  ") {
			t.Fatalf("CleanLine(%q) = %q: white space not collapsed", s, out)
		}
		if out != "" && !strings.ContainsFunc(out, isVisible) {
			t.Fatalf("CleanLine(%q) = %q: nothing visible", s, out)
		}
		if again, f := CleanLine(out); again != out || f != TextOK {
			t.Fatalf("CleanLine(%q) = %q, CleanLine of that = %q, %d: not idempotent", s, out, again, f)
		}
	})
}

// FuzzCleanText: the result holds no control character but tab and LF, no
// CR and no bidi control, is NFC and trimmed, holds something visible unless
// it is empty, and is returned unchanged by CleanText.
func FuzzCleanText(f *testing.F) {
	for _, s := range []string{
		"Samtale om bolig.\r\nNeste møte.", "", "\r\r\n", "\u200b\n", "\x1b[31mrød\x1b[0m", "\a", "a\u0085b",
		"Beløp: \u202e00.001", "می\u200cخواهم", "\tinnrykk\n\tinnrykk", "\xff", " \u0301\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, fault := CleanText(s)
		if fault != TextOK {
			if out != "" {
				t.Fatalf("CleanText(%q) = %q with fault %d", s, out, fault)
			}
			return
		}
		if !utf8.ValidString(out) || !norm.NFC.IsNormalString(out) {
			t.Fatalf("CleanText(%q) = %q: not UTF-8 in NFC", s, out)
		}
		for _, r := range out {
			if unicode.IsControl(r) && r != '\t' && r != '\n' || isBidiControl(r) {
				t.Fatalf("CleanText(%q) = %q holds %U", s, out, r)
			}
		}
		if strings.TrimSpace(out) != out {
			t.Fatalf("CleanText(%q) = %q: not trimmed", s, out)
		}
		if out != "" && !strings.ContainsFunc(out, isVisible) {
			t.Fatalf("CleanText(%q) = %q: nothing visible", s, out)
		}
		if again, f := CleanText(out); again != out || f != TextOK {
			t.Fatalf("CleanText(%q) = %q, CleanText of that = %q, %d: not idempotent", s, out, again, f)
		}
	})
}
