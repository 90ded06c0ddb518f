package domain

import (
	"testing"
	"time"
)

func validForm() PersonForm {
	return PersonForm{
		GivenName: "Amina", FamilyName: "Haidari", BirthDate: "1990-04-12", Sex: "female",
		NationalID:      SyntheticNationalID(time.Date(1990, 4, 12, 0, 0, 0, 0, time.UTC), 500),
		CountryOfOrigin: "AF", Languages: []string{"prs"}, InterpreterNeeded: true, InterpreterLanguage: "prs",
		ResidenceBasis: BasisResettlement, ArrivalDate: "2026-03-01", SettlementDate: "2026-03-10",
	}
}

func TestPersonFormValidate(t *testing.T) {
	today := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	if _, err := validForm().Validate(today); err != nil {
		t.Fatalf("valid form refused: %v", err)
	}
	for _, c := range []struct {
		name  string
		edit  func(*PersonForm)
		field string
		msg   string
	}{
		{"no given name", func(f *PersonForm) { f.GivenName = " " }, "given_name", "Fornavn må fylles ut."},
		{"bad family name", func(f *PersonForm) { f.FamilyName = "X1" }, "family_name", "Etternavnet kan bare inneholde bokstaver, mellomrom, bindestrek og apostrof."},
		{"future birth", func(f *PersonForm) { f.BirthDate = "2027-01-01" }, "birth_date", "Fødselsdato kan ikke være i fremtiden."},
		{"Norwegian date format ok", func(f *PersonForm) { f.BirthDate = "12.04.1990" }, "", ""},
		{"no identity", func(f *PersonForm) { f.NationalID = "" }, "national_id", "Fyll ut fødselsnummer/D-nummer eller DUF-nummer."},
		{"DUF only ok", func(f *PersonForm) { f.NationalID = ""; f.DUFNumber = "2024 12345678" }, "", ""},
		{"bad check digits", func(f *PersonForm) { f.NationalID = "12345678901" }, "national_id", ""},
		{"settlement before arrival", func(f *PersonForm) { f.SettlementDate = "2026-02-28" }, "settlement_date", "Bosettingsdato kan ikke være før ankomstdato."},
		{"arrival in future", func(f *PersonForm) { f.ArrivalDate = "2026-11-24"; f.SettlementDate = "" }, "arrival_date", "Ankomstdato kan ikke være i fremtiden."},
		{"interpreter without language", func(f *PersonForm) { f.InterpreterLanguage = "" }, "interpreter_language", ""},
		{"unknown language", func(f *PersonForm) { f.Languages = []string{"xx"} }, "languages", ""},
		{"unknown country", func(f *PersonForm) { f.CountryOfOrigin = "QQ" }, "country_of_origin", ""},
		{"unknown basis", func(f *PersonForm) { f.ResidenceBasis = "tourist" }, "residence_basis", ""},
		{"bad sex", func(f *PersonForm) { f.Sex = "x" }, "sex", ""},
		{"interpreter gender ok", func(f *PersonForm) { f.InterpreterGender = "female" }, "", ""},
		{"unknown interpreter gender", func(f *PersonForm) { f.InterpreterGender = "x" }, "interpreter_gender", "Ukjent valg for tolkens kjønn."},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := validForm()
			c.edit(&f)
			_, err := f.Validate(today)
			if c.field == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			e, ok := err.(*Error)
			if !ok || e.Fields[c.field] == "" {
				t.Fatalf("err = %v, want a message on %s", err, c.field)
			}
			if c.msg != "" && e.Fields[c.field] != c.msg {
				t.Errorf("message %q, want %q", e.Fields[c.field], c.msg)
			}
		})
	}
}

func TestLikelyDuplicate(t *testing.T) {
	born := cday("1990-04-12")
	p := func(given, family string, birth time.Time) NameAndBirth { return NameAndBirth{given, family, birth} }
	cases := []struct {
		name string
		a, b NameAndBirth
		want bool
	}{
		{"identical", p("Amina", "Haidari", born), p("Amina", "Haidari", born), true},
		{"same family name, other given name", p("Amina", "Haidari", born), p("Fatima", "Haidari", born), true},
		{"family name folded: case and accents", p("Zoë", "Ødegård", born), p("Zoe", "ODEGARD", born), true},
		{"one typo in the given name", p("Mohammed", "Rahimi", born), p("Mohamed", "Rahimy", born), true},
		{"transliteration: two letters", p("Muhammad", "Karimi", born), p("Mohammed", "Karimy", born), false},
		{"two edits in all", p("Mohammad", "Rahimi", born), p("Muhammad", "Rahimy", born), true},
		{"given and family swapped", p("Haidari", "Amina", born), p("Amina", "Haidari", born), true},
		{"hyphen or space", p("Sara", "Ødegård-Haidari", born), p("Sara", "Odegard Haidari", born), true},
		{"different person, same birth date", p("Yonas", "Tesfaye", born), p("Olena", "Kovalenko", born), false},
		{"same name, another birth date", p("Amina", "Haidari", born), p("Amina", "Haidari", born.AddDate(0, 0, 1)), false},
		{"three edits apart", p("Ali", "Hassan", born), p("Ola", "Hassen", born), false},
		{"time of day is ignored", p("Amina", "Haidari", born), p("Amina", "Haidari", born.Add(13*time.Hour)), true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := LikelyDuplicate(c.a, c.b); got != c.want {
				t.Errorf("LikelyDuplicate(%v, %v) = %v, want %v", c.a, c.b, got, c.want)
			}
			if got := LikelyDuplicate(c.b, c.a); got != c.want {
				t.Errorf("not symmetric: LikelyDuplicate(%v, %v) = %v", c.b, c.a, got)
			}
		})
	}
}
