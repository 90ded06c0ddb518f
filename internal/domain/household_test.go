package domain

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func fieldsOf(t *testing.T, err error) map[string]string {
	t.Helper()
	if err == nil {
		return nil
	}
	var e *Error
	if !errors.As(err, &e) || e.Code != EINVALID {
		t.Fatalf("error %v is not an EINVALID *Error", err)
	}
	return e.Fields
}

func TestAgeOn(t *testing.T) {
	for _, c := range []struct {
		birth, day string
		want       int
	}{
		{"1990-04-12", "2026-04-11", 35},
		{"1990-04-12", "2026-04-12", 36},
		{"1990-04-12", "2026-12-31", 36},
		{"2024-02-29", "2025-02-28", 0}, // a leap-day child turns 1 on 1 March in a common year
		{"2024-02-29", "2025-03-01", 1},
		{"2024-02-29", "2028-02-29", 4},
		{"2026-01-01", "2026-01-01", 0},
		{"2026-05-01", "2026-01-01", 0}, // not yet born
	} {
		if got := AgeOn(d(c.birth), d(c.day)); got != c.want {
			t.Errorf("AgeOn(%s, %s) = %d, want %d", c.birth, c.day, got, c.want)
		}
	}
}

func TestNormalizeHouseholdName(t *testing.T) {
	for _, c := range []struct{ in, want, err string }{
		{"  Familien   Haidari ", "Familien Haidari", ""},
		{"Familien Ødegård (2)", "Familien Ødegård (2)", ""},
		{"", "", "må fylles ut"},
		{"   \t", "", "må fylles ut"},
		{strings.Repeat("a", 100), strings.Repeat("a", 100), ""},
		{strings.Repeat("å", 101), "", "høyst 100"},
		{"Familien\u0000X", "", "Navn på husstanden inneholder kontrolltegn"},
		{"Familien \xff", "", "Navn på husstanden inneholder kontrolltegn"},
		{"Familien\aHaidari", "", "Navn på husstanden inneholder kontrolltegn"},
		{"Familien \u202eiradiaH", "", "Navn på husstanden inneholder kontrolltegn"},
		{"\u200b", "", "Navn på husstanden må inneholde synlige tegn."},
		{" \u200b\u200d\ufeff ", "", "Navn på husstanden må inneholde synlige tegn."},
		{"Familien \u200fحيدري\u200f", "Familien \u200fحيدري\u200f", ""}, // RLM kept
		{"Familien 🏠", "Familien 🏠", ""},
		{"Familien Zoe\u0308", "Familien Zoë", ""}, // NFC
	} {
		got, err := NormalizeHouseholdName(c.in)
		if c.err == "" {
			if err != nil || got != c.want {
				t.Errorf("NormalizeHouseholdName(%q) = %q, %v; want %q", c.in, got, err, c.want)
			}
			continue
		}
		if err == nil || !strings.Contains(ErrorMessage(err), c.err) {
			t.Errorf("NormalizeHouseholdName(%q) error = %v, want %q", c.in, err, c.err)
		}
	}
}

func TestHouseholdFormValidate(t *testing.T) {
	in, err := HouseholdForm{Name: " Familien  Haidari", Version: "3"}.Validate(true)
	if err != nil || in.Name != "Familien Haidari" || in.Version != 3 {
		t.Fatalf("valid edit: %+v, %v", in, err)
	}
	if _, err := (HouseholdForm{Name: "Familien Haidari"}).Validate(false); err != nil {
		t.Errorf("a new household needs no version: %v", err)
	}
	for _, c := range []struct {
		f       HouseholdForm
		version bool
		fields  []string
	}{
		{HouseholdForm{Name: "", Version: "1"}, true, []string{"name"}},
		{HouseholdForm{Name: "X"}, true, []string{"version"}},
		{HouseholdForm{Name: "X", Version: "abc"}, false, []string{"version"}},
		{HouseholdForm{Name: "X", Version: "-1"}, true, []string{"version"}},
		{HouseholdForm{Name: " ", Version: "0"}, true, []string{"name", "version"}},
	} {
		_, err := c.f.Validate(c.version)
		got := fieldsOf(t, err)
		if len(got) != len(c.fields) {
			t.Errorf("%+v: fields %v, want %v", c.f, got, c.fields)
		}
		for _, f := range c.fields {
			if got[f] == "" {
				t.Errorf("%+v: no message for %s (got %v)", c.f, f, got)
			}
		}
	}
}

func TestMemberFormValidate(t *testing.T) {
	today := d("2026-06-15")
	in, err := MemberForm{PersonID: "42", Relation: RelationChild, JoinedOn: "2026-06-15", Version: "2"}.Validate(today, true)
	if err != nil || in.PersonID != 42 || in.Relation != "child" || !in.JoinedOn.Equal(d("2026-06-15")) || in.Version != 2 {
		t.Fatalf("valid: %+v, %v", in, err)
	}
	if in, err := (MemberForm{PersonID: "7", Relation: "head", JoinedOn: "01.02.2026"}).Validate(today, false); err != nil || !in.JoinedOn.Equal(d("2026-02-01")) {
		t.Errorf("first member without version, Norwegian date: %+v, %v", in, err)
	}
	for _, c := range []struct {
		name  string
		f     MemberForm
		field string
		msg   string
	}{
		{"no person", MemberForm{Relation: "child", JoinedOn: "2026-01-01", Version: "1"}, "person_id", "Velg en person"},
		{"bad person", MemberForm{PersonID: "x1", Relation: "child", JoinedOn: "2026-01-01", Version: "1"}, "person_id", "Velg en person"},
		{"zero person", MemberForm{PersonID: "0", Relation: "child", JoinedOn: "2026-01-01", Version: "1"}, "person_id", "Velg en person"},
		{"no relation", MemberForm{PersonID: "1", JoinedOn: "2026-01-01", Version: "1"}, "relation", "Velg relasjon"},
		{"unknown relation", MemberForm{PersonID: "1", Relation: "cousin", JoinedOn: "2026-01-01", Version: "1"}, "relation", "Velg relasjon"},
		{"no date", MemberForm{PersonID: "1", Relation: "child", Version: "1"}, "joined_on", "må fylles ut"},
		{"bad date", MemberForm{PersonID: "1", Relation: "child", JoinedOn: "2026-02-30", Version: "1"}, "joined_on", "gyldig dato"},
		{"future", MemberForm{PersonID: "1", Relation: "child", JoinedOn: "2026-06-16", Version: "1"}, "joined_on", "fremtiden"},
		{"too early", MemberForm{PersonID: "1", Relation: "child", JoinedOn: "1989-12-31", Version: "1"}, "joined_on", "før 1990"},
		{"no version", MemberForm{PersonID: "1", Relation: "child", JoinedOn: "2026-01-01"}, "version", "mangler versjon"},
	} {
		_, err := c.f.Validate(today, true)
		got := fieldsOf(t, err)
		if len(got) != 1 || !strings.Contains(got[c.field], c.msg) {
			t.Errorf("%s: fields %v, want %s: %q", c.name, got, c.field, c.msg)
		}
	}
}

func TestCheckJoinedOn(t *testing.T) {
	arr := d("2025-09-01")
	for _, c := range []struct {
		joined, birth string
		arrival       *time.Time
		want          string
	}{
		{"2025-09-01", "1990-01-01", &arr, ""},
		{"2025-08-31", "1990-01-01", &arr, "ankomst til Norge (01.09.2025)"},
		{"2025-08-31", "1990-01-01", nil, ""},
		{"2026-01-10", "2026-01-10", nil, ""}, // born into the household
		{"2026-01-09", "2026-01-10", nil, "fødselsdatoen (10.01.2026)"},
	} {
		got := CheckJoinedOn(d(c.joined), d(c.birth), c.arrival)
		if (c.want == "") != (got == "") || !strings.Contains(got, c.want) {
			t.Errorf("CheckJoinedOn(%s, %s, %v) = %q, want %q", c.joined, c.birth, c.arrival, got, c.want)
		}
	}
}

func TestDefaultJoinedOn(t *testing.T) {
	arr, set := d("2025-09-01"), d("2025-10-01")
	today := time.Date(2026, 6, 15, 23, 30, 0, 0, time.UTC)
	if got := DefaultJoinedOn(&arr, &set, today); !got.Equal(arr) {
		t.Errorf("with arrival: %v", got)
	}
	if got := DefaultJoinedOn(nil, &set, today); !got.Equal(set) {
		t.Errorf("with settlement only: %v", got)
	}
	if got := DefaultJoinedOn(nil, nil, today); !got.Equal(d("2026-06-15")) {
		t.Errorf("with neither: %v", got)
	}
}

func TestLeaveFormAndCheckLeftOn(t *testing.T) {
	today := d("2026-06-15")
	in, err := LeaveForm{LeftOn: "2026-06-15", Version: "4"}.Validate(today)
	if err != nil || !in.LeftOn.Equal(today) || in.Version != 4 {
		t.Fatalf("valid: %+v, %v", in, err)
	}
	for _, c := range []struct {
		f     LeaveForm
		field string
	}{
		{LeaveForm{Version: "1"}, "left_on"},
		{LeaveForm{LeftOn: "i går", Version: "1"}, "left_on"},
		{LeaveForm{LeftOn: "2026-06-16", Version: "1"}, "left_on"},
		{LeaveForm{LeftOn: "2026-06-01"}, "version"},
	} {
		got := fieldsOf(t, func() error { _, err := c.f.Validate(today); return err }())
		if len(got) != 1 || got[c.field] == "" {
			t.Errorf("%+v: fields %v, want %s", c.f, got, c.field)
		}
	}
	if msg := CheckLeftOn(d("2026-03-01"), d("2026-02-28")); !strings.Contains(msg, "01.03.2026") {
		t.Errorf("leaving before joining: %q", msg)
	}
	if msg := CheckLeftOn(d("2026-03-01"), d("2026-03-01")); msg != "" {
		t.Errorf("leaving the day one joined: %q", msg)
	}
}

func reunificationForm() ReunificationForm {
	f := NewReunificationForm(3)
	f.Person.GivenName, f.Person.FamilyName = "Sara", "Haidari"
	f.Person.BirthDate, f.Person.Sex = "2015-03-02", "female"
	f.Person.DUFNumber = "201500012345"
	f.Person.CountryOfOrigin = "AF"
	f.Person.ArrivalDate = "2026-05-20"
	f.Relation = RelationChild
	return f
}

func TestReunificationFormValidate(t *testing.T) {
	today := d("2026-06-15")
	if f := NewReunificationForm(3); f.Person.ResidenceBasis != BasisFamily || f.Version != "3" {
		t.Errorf("new form: %+v", f)
	}
	in, err := reunificationForm().Validate(today)
	if err != nil {
		t.Fatalf("valid: %v", err)
	}
	if !in.JoinedOn.Equal(d("2026-05-20")) || in.Relation != "child" || in.Version != 3 ||
		in.Person.ResidenceBasis != BasisFamily || in.Person.GivenName != "Sara" {
		t.Errorf("valid: %+v", in)
	}
	f := reunificationForm()
	f.JoinedOn = "2026-06-01"
	if in, err := f.Validate(today); err != nil || !in.JoinedOn.Equal(d("2026-06-01")) {
		t.Errorf("own joining date: %+v, %v", in, err)
	}

	for _, c := range []struct {
		name   string
		change func(*ReunificationForm)
		field  string
		msg    string
	}{
		{"no arrival", func(f *ReunificationForm) { f.Person.ArrivalDate = "" }, "arrival_date", "familiegjenforente"},
		{"joined before arrival", func(f *ReunificationForm) { f.JoinedOn = "2026-05-19" }, "joined_on", "ankomst til Norge"},
		{"joined in the future", func(f *ReunificationForm) { f.JoinedOn = "2026-07-01" }, "joined_on", "fremtiden"},
		{"no relation", func(f *ReunificationForm) { f.Relation = "" }, "relation", "Velg relasjon"},
		{"person field", func(f *ReunificationForm) { f.Person.GivenName = "" }, "given_name", "må fylles ut"},
		{"no identity", func(f *ReunificationForm) { f.Person.DUFNumber = "" }, "national_id", "DUF-nummer"},
		{"no version", func(f *ReunificationForm) { f.Version = "" }, "version", "mangler versjon"},
	} {
		f := reunificationForm()
		c.change(&f)
		_, err := f.Validate(today)
		got := fieldsOf(t, err)
		if len(got) != 1 || !strings.Contains(got[c.field], c.msg) {
			t.Errorf("%s: fields %v, want %s: %q", c.name, got, c.field, c.msg)
		}
	}
	// The person's version field is ignored: the version is the household's.
	f = reunificationForm()
	f.Person.Version = "garbage"
	if _, err := f.Validate(today); err != nil {
		t.Errorf("a person version in the form: %v", err)
	}
}

func TestSortMembers(t *testing.T) {
	left1, left2 := d("2026-01-01"), d("2026-03-01")
	ms := []HouseholdMember{
		{PersonID: 1, Relation: RelationChild, BirthDate: d("2015-01-01")},
		{PersonID: 2, Relation: RelationOther, BirthDate: d("1950-01-01"), LeftOn: &left1},
		{PersonID: 3, Relation: RelationChild, BirthDate: d("2012-01-01")},
		{PersonID: 4, Relation: RelationSpouse, BirthDate: d("1985-01-01")},
		{PersonID: 5, Relation: RelationHead, BirthDate: d("1988-01-01")},
		{PersonID: 6, Relation: RelationChild, BirthDate: d("2020-01-01"), LeftOn: &left2},
		{PersonID: 7, Relation: RelationChild, BirthDate: d("2012-01-01")},
		{PersonID: 8, Relation: RelationParent, BirthDate: d("1950-01-01")},
	}
	SortMembers(ms)
	var got []int64
	for _, m := range ms {
		got = append(got, m.PersonID)
	}
	want := []int64{5, 4, 3, 7, 1, 8, 6, 2}
	if len(got) != len(want) {
		t.Fatalf("got %v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("order %v, want %v", got, want)
		}
	}
	h := HouseholdDetail{Members: ms}
	if hd := h.Head(); hd == nil || hd.PersonID != 5 {
		t.Errorf("head = %v", hd)
	}
	if n := len(h.ActiveMembers()); n != 6 {
		t.Errorf("%d active members, want 6", n)
	}
	if RelationRank("nonsense") != len(relations) || RelationRank(RelationHead) != 0 {
		t.Error("RelationRank")
	}
	if Label(relations, RelationSpouse) != "Ektefelle/partner" || Label(relations, RelationSibling) != "Søsken" {
		t.Error("relation labels")
	}
}
