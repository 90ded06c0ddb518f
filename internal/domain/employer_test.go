package domain

import (
	"slices"
	"strconv"
	"strings"
	"testing"
)

// orgCheck is an independent computation of the check digit: -1 when none.
func orgCheck(first8 string) int {
	w := []int{3, 2, 7, 6, 5, 4, 3, 2}
	sum := 0
	for i, c := range first8 {
		sum += int(c-'0') * w[i]
	}
	r := sum % 11
	switch r {
	case 0:
		return 0
	case 1:
		return -1
	}
	return 11 - r
}

func TestValidOrgNumber(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"974760673", true},  // the valid number
		{"974760674", false}, // the same with a wrong check digit
		{"923609016", true},
		{"983887457", true},
		{"999999999", true}, // sum 288, 288 mod 11 = 2 → 9
		{"999999998", false},
		{"000000000", true}, // sum 0 → check digit 0
		{"97476067", false}, // 8 digits
		{"9747606730", false},
		{"974 760 673", false}, // spaces: the form removes them first
		{"97476067a", false},
		{"a74760673", false},
		{"", false},
		{"９74760673", false}, // full-width digit
		{"-74760673", false},
	} {
		if got := ValidOrgNumber(tc.in); got != tc.want {
			t.Errorf("ValidOrgNumber(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
	// A number whose check digit would be 10 has no valid form.
	found := false
	for n := 10000000; n < 10000100 && !found; n++ {
		s := strconv.Itoa(n)
		if _, ok := OrgNumberCheckDigit(s); !ok {
			found = true
			for d := '0'; d <= '9'; d++ {
				if ValidOrgNumber(s + string(d)) {
					t.Errorf("%s%c is accepted though its check digit would be 10", s, d)
				}
			}
		}
	}
	if !found {
		t.Error("no eight digits with check digit 10 in the range tried")
	}
	if d, ok := OrgNumberCheckDigit("97476067"); !ok || d != 3 {
		t.Errorf("OrgNumberCheckDigit(97476067) = %d, %v; want 3, true", d, ok)
	}
}

func TestOrgNumberFormatting(t *testing.T) {
	if got := NormalizeOrgNumber(" 974 760\u00a0673\t"); got != "974760673" {
		t.Errorf("NormalizeOrgNumber = %q", got)
	}
	if got := FormatOrgNumber("974760673"); got != "974 760 673" {
		t.Errorf("FormatOrgNumber = %q", got)
	}
	if got := FormatOrgNumber("12"); got != "12" {
		t.Errorf("FormatOrgNumber(12) = %q", got)
	}
}

// FuzzOrgNumber: ValidOrgNumber never accepts a number whose recomputed
// check digit differs, nor anything but nine ASCII digits.
func FuzzOrgNumber(f *testing.F) {
	for _, s := range []string{"974760673", "974760674", "000000000", "10000010", "974 760 673", "ab"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ok := ValidOrgNumber(s)
		if !ok {
			return
		}
		if !isASCIIDigits(s, 9) {
			t.Fatalf("accepted %q, which is not nine ASCII digits", s)
		}
		if want := orgCheck(s[:8]); want < 0 || int(s[8]-'0') != want {
			t.Fatalf("accepted %q, whose check digit should be %d", s, want)
		}
		if NormalizeOrgNumber(s) != s {
			t.Fatalf("normalising the valid %q changes it", s)
		}
	})
}

func TestEmployerForm(t *testing.T) {
	ok := EmployerForm{Name: "  Solsiden sykehjem ", OrgNr: "974 760 673", Address: "Storgata 1", Sector: SectorNursingHome, Notes: "God erfaring\r\nmed språkpraksis"}
	in, err := ok.Validate(false)
	if err != nil {
		t.Fatalf("valid form: %v", err)
	}
	if in.Name != "Solsiden sykehjem" || in.OrgNr != "974760673" || in.Notes != "God erfaring\nmed språkpraksis" {
		t.Errorf("input %+v", in)
	}
	for _, tc := range []struct {
		name  string
		edit  func(*EmployerForm)
		edits bool
		field string
		msg   string
	}{
		{"no name", func(f *EmployerForm) { f.Name = " " }, false, "name", "Skriv navnet"},
		{"long name", func(f *EmployerForm) { f.Name = strings.Repeat("a", 201) }, false, "name", "høyst 200"},
		{"bidi in name", func(f *EmployerForm) { f.Name = "Sol\u202Eside" }, false, "name", "Navnet"},
		{"no orgnr", func(f *EmployerForm) { f.OrgNr = "" }, false, "orgnr", "Skriv organisasjonsnummeret"},
		{"short orgnr", func(f *EmployerForm) { f.OrgNr = "97476067" }, false, "orgnr", "9 siffer"},
		{"letters", func(f *EmployerForm) { f.OrgNr = "97476067X" }, false, "orgnr", "9 siffer"},
		{"check digit", func(f *EmployerForm) { f.OrgNr = "974760674" }, false, "orgnr", "kontrollsifferet stemmer ikke"},
		{"no sector", func(f *EmployerForm) { f.Sector = "" }, false, "sector", "Velg bransje"},
		{"bad sector", func(f *EmployerForm) { f.Sector = "bank" }, false, "sector", "Ukjent bransje"},
		{"long address", func(f *EmployerForm) { f.Address = strings.Repeat("a", 301) }, false, "address", "høyst 300"},
		{"control in notes", func(f *EmployerForm) { f.Notes = "ok\nbad\x07" }, false, "notes", "linje 2"},
		{"long notes", func(f *EmployerForm) { f.Notes = strings.Repeat("a", 4001) }, false, "notes", "høyst 4000"},
		{"edit without version", func(f *EmployerForm) {}, true, "version", "mangler versjon"},
		{"bad version", func(f *EmployerForm) { f.Version = "x" }, true, "version", "Ugyldig versjon"},
	} {
		f := ok
		tc.edit(&f)
		_, err := f.Validate(tc.edits)
		fs := fieldsOf(t, err)
		if !strings.Contains(fs[tc.field], tc.msg) {
			t.Errorf("%s: fields %v, want %s: %q", tc.name, fs, tc.field, tc.msg)
		}
	}
	f := ok
	f.Version = "3"
	if in, err := f.Validate(true); err != nil || in.Version != 3 {
		t.Errorf("edit: %+v %v", in, err)
	}
}

func TestSectors(t *testing.T) {
	want := map[string]string{
		"nursing_home": "Sykehjem", "home_care": "Hjemmetjeneste", "kindergarten": "Barnehage", "school": "Skole/SFO",
		"workshop": "Verksted", "shop": "Butikk", "kitchen": "Storkjøkken", "hotel": "Hotell", "cleaning": "Renhold",
		"caretaking": "Vaktmester/drift", "parks": "Park og anlegg", "industry": "Industri", "other": "Annet",
	}
	ss := Sectors()
	if len(ss) != len(want) {
		t.Fatalf("%d sectors, want %d", len(ss), len(want))
	}
	for _, s := range ss {
		if want[s.Value] != s.Label {
			t.Errorf("sector %s = %q, want %q", s.Value, s.Label, want[s.Value])
		}
	}
	ss[0].Label = "x"
	if SectorLabel(SectorNursingHome) != "Sykehjem" || FormatChangeValue("employer_sector", "kitchen") != "Storkjøkken" {
		t.Error("the sector list is shared or unlabelled")
	}
}

func TestWorksiteForm(t *testing.T) {
	ok := WorksiteForm{Name: "Kjøkkenet", Address: "Storgata 1", Area: "Sentrum", Places: " 3 ", Languages: []string{"so", "ar", "so"}, Notes: "Fast veileder"}
	in, err := ok.Validate(false)
	if err != nil {
		t.Fatalf("valid form: %v", err)
	}
	if in.Places != 3 || !slices.Equal(in.Languages, []string{"ar", "so"}) {
		t.Errorf("input %+v", in)
	}
	zero := ok
	zero.Places, zero.Languages = "0", nil
	if in, err := zero.Validate(false); err != nil || in.Places != 0 || in.Languages == nil {
		t.Errorf("0 places, no languages: %+v %v", in, err)
	}
	for _, tc := range []struct {
		name  string
		edit  func(*WorksiteForm)
		field string
		msg   string
	}{
		{"no name", func(f *WorksiteForm) { f.Name = "" }, "name", "Skriv navnet på arbeidsstedet"},
		{"no places", func(f *WorksiteForm) { f.Places = "" }, "places", "hvor mange"},
		{"not a number", func(f *WorksiteForm) { f.Places = "tre" }, "places", "helt tall"},
		{"negative", func(f *WorksiteForm) { f.Places = "-1" }, "places", "mellom 0 og 500"},
		{"too many", func(f *WorksiteForm) { f.Places = "501" }, "places", "mellom 0 og 500"},
		{"unknown language", func(f *WorksiteForm) { f.Languages = []string{"xx"} }, "languages", "Ukjent språk"},
		{"long area", func(f *WorksiteForm) { f.Area = strings.Repeat("å", 101) }, "area", "høyst 100"},
		{"control in notes", func(f *WorksiteForm) { f.Notes = "\x00" }, "notes", "Notatene om samarbeidet"},
	} {
		f := ok
		tc.edit(&f)
		_, err := f.Validate(false)
		fs := fieldsOf(t, err)
		if !strings.Contains(fs[tc.field], tc.msg) {
			t.Errorf("%s: fields %v, want %s: %q", tc.name, fs, tc.field, tc.msg)
		}
	}
	if got := LanguageNames([]string{"ar", "so"}); got != "Arabisk, Somali" {
		t.Errorf("LanguageNames = %q", got)
	}
	if got := LanguageNames(nil); got != "–" {
		t.Errorf("LanguageNames(nil) = %q", got)
	}
}

func TestContactForm(t *testing.T) {
	ok := ContactForm{Name: "Kari Veileder", Phone: "+47 912 34 567", Email: "kari@solsiden.no", Supervisor: "yes", WorksiteID: "7"}
	in, err := ok.Validate(false)
	if err != nil {
		t.Fatalf("valid form: %v", err)
	}
	if !in.IsSupervisor || in.WorksiteID == nil || *in.WorksiteID != 7 {
		t.Errorf("input %+v", in)
	}
	bare := ContactForm{Name: "Per"}
	if in, err := bare.Validate(false); err != nil || in.IsSupervisor || in.WorksiteID != nil {
		t.Errorf("name only: %+v %v", in, err)
	}
	for _, tc := range []struct {
		name  string
		edit  func(*ContactForm)
		field string
		msg   string
	}{
		{"no name", func(f *ContactForm) { f.Name = "" }, "name", "Skriv navnet på kontaktpersonen"},
		{"letters in phone", func(f *ContactForm) { f.Phone = "ring meg" }, "phone", "bare ha siffer"},
		{"short phone", func(f *ContactForm) { f.Phone = "123" }, "phone", "bare ha siffer"},
		{"plus inside", func(f *ContactForm) { f.Phone = "22+334455" }, "phone", "bare ha siffer"},
		{"no at", func(f *ContactForm) { f.Email = "kari.solsiden.no" }, "email", "ser ikke riktig ut"},
		{"no dot", func(f *ContactForm) { f.Email = "kari@solsiden" }, "email", "ser ikke riktig ut"},
		{"two ats", func(f *ContactForm) { f.Email = "kari@@solsiden.no" }, "email", "ser ikke riktig ut"},
		{"space", func(f *ContactForm) { f.Email = "kari nord@solsiden.no" }, "email", "ser ikke riktig ut"},
		{"bad worksite", func(f *ContactForm) { f.WorksiteID = "x" }, "worksite_id", "Velg et arbeidssted"},
		{"bad supervisor", func(f *ContactForm) { f.Supervisor = "kanskje" }, "supervisor", "Ugyldig"},
	} {
		f := ok
		tc.edit(&f)
		_, err := f.Validate(false)
		fs := fieldsOf(t, err)
		if !strings.Contains(fs[tc.field], tc.msg) {
			t.Errorf("%s: fields %v, want %s: %q", tc.name, fs, tc.field, tc.msg)
		}
	}
	for _, e := range []string{"a@b.no", "kari.nord+praksis@oslo.kommune.no", "ola@bø.no"} {
		if !ValidEmail(e) {
			t.Errorf("ValidEmail(%q) = false", e)
		}
	}
	for _, e := range []string{"@b.no", "a@.no", "a@b.", "a@b.n", "a@b-.no", ".a@b.no", "a..b@c.no", "a@b.n0"} {
		if ValidEmail(e) {
			t.Errorf("ValidEmail(%q) = true", e)
		}
	}
}

func TestActiveForm(t *testing.T) {
	if a, v, err := (ActiveForm{Action: "deactivate", Version: "2"}).Validate(); err != nil || a || v != 2 {
		t.Errorf("deactivate: %v %d %v", a, v, err)
	}
	if a, _, err := (ActiveForm{Action: "activate", Version: "2"}).Validate(); err != nil || !a {
		t.Errorf("activate: %v %v", a, err)
	}
	if _, _, err := (ActiveForm{Action: "delete", Version: "2"}).Validate(); err == nil {
		t.Error("unknown action accepted")
	}
	if _, _, err := (ActiveForm{Action: "deactivate"}).Validate(); err == nil {
		t.Error("no version accepted")
	}
}

func TestWorksiteFreeAndPlacementStatus(t *testing.T) {
	if (Worksite{Places: 2, InUse: 3}).Free() != 0 || (Worksite{Places: 5, InUse: 3}).Free() != 2 {
		t.Error("Free")
	}
	p := WorksitePlacement{Status: "paused"}
	if !p.Current() || p.StatusLabel() != "Pause" {
		t.Error("paused")
	}
	p.Status = "aborted"
	if p.Current() || p.StatusLabel() != "Avbrutt" {
		t.Error("aborted")
	}
}
