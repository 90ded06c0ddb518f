package domain

import (
	"slices"
	"testing"
	"time"
)

func mergeDate(s string) time.Time {
	d, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return d
}

// mergePerson is a valid stored person for the merge tests.
func mergePerson(id int64) *Person {
	nid := SyntheticNationalID(mergeDate("1990-05-17"), int(id)*10)
	cw := int64(7)
	cwName := "Kari"
	return &Person{
		ID: id, UnitID: 1, GivenName: "Amina", FamilyName: "Haidari", BirthDate: mergeDate("1990-05-17"),
		Sex: "female", NationalID: &nid, CountryOfOrigin: "AF", Languages: []string{"prs", "fa"},
		InterpreterNeeded: true, InterpreterLanguage: "prs", ResidenceBasis: BasisResettlement,
		ArrivalDate: ptrTime(mergeDate("2025-03-01")), SettlementDate: ptrTime(mergeDate("2025-03-10")),
		CaseworkerID: &cw, CaseworkerName: &cwName, Status: StatusActive, Version: 1,
		CreatedAt: time.Date(2025, 3, 10, 9, 0, 0, 0, time.UTC),
	}
}

func ptrTime(t time.Time) *time.Time { return &t }

func TestDefaultSurvivor(t *testing.T) {
	older := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	newer := older.Add(time.Hour)
	duf := "202412345678"
	cases := []struct {
		name        string
		aNID, bNID  bool
		aAt, bAt    time.Time
		aID, bID    int64
		wantAKeeper bool
	}{
		{"only A has a national ID, B older", true, false, newer, older, 1, 2, true},
		{"only B has a national ID, A older", false, true, older, newer, 1, 2, false},
		{"both have one: the older record", true, true, newer, older, 1, 2, false},
		{"neither has one: the older record", false, false, older, newer, 2, 1, true},
		{"same time: the lower id", true, true, older, older, 5, 3, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a, b := mergePerson(c.aID), mergePerson(c.bID)
			a.CreatedAt, b.CreatedAt = c.aAt, c.bAt
			if !c.aNID {
				a.NationalID, a.DUFNumber = nil, &duf
			}
			if !c.bNID {
				b.NationalID, b.DUFNumber = nil, &duf
			}
			got := DefaultSurvivor(a, b)
			if want := map[bool]*Person{true: a, false: b}[c.wantAKeeper]; got != want {
				t.Errorf("DefaultSurvivor kept %d, want %d", got.ID, want.ID)
			}
		})
	}
}

func TestMergeDiffs(t *testing.T) {
	a, b := mergePerson(1), mergePerson(2)
	// Different national IDs (ids differ), and then some.
	b.GivenName = "Aminah"
	b.InterpreterDialect = "herati"
	b.SettlementDate = nil
	b.CaseworkerID = nil
	got := MergeDiffs(a, b)
	want := []string{"given_name", "national_id", "interpreter", "settlement_date", "caseworker_id"}
	if !slices.Equal(got, want) {
		t.Errorf("MergeDiffs = %v, want %v", got, want)
	}
	g := mergePerson(1)
	g.InterpreterGender = "female"
	if d := MergeDiffs(mergePerson(1), g); !slices.Equal(d, []string{"interpreter"}) {
		t.Errorf("interpreter gender: MergeDiffs = %v", d)
	}
	in, err := MergedPerson(mergePerson(1), g, []string{"interpreter"}, mergeDate("2026-05-01"))
	if err != nil || in.InterpreterGender != "female" {
		t.Errorf("taking the interpreter takes its gender: %q, %v", in.InterpreterGender, err)
	}
	if d := MergeDiffs(a, a); len(d) != 0 {
		t.Errorf("a person differs from itself: %v", d)
	}
	// Every merge field has a value function: a field left out would never differ.
	for _, f := range mergeFields {
		x, y := mergePerson(1), mergePerson(1)
		switch f.Value {
		case "given_name":
			y.GivenName = "X"
		case "family_name":
			y.FamilyName = "X"
		case "birth_date":
			y.BirthDate = mergeDate("1991-01-01")
		case "sex":
			y.Sex = "male"
		case "national_id":
			y.NationalID = nil
		case "duf_number":
			s := "202412345678"
			y.DUFNumber = &s
		case "country_of_origin":
			y.CountryOfOrigin = "SY"
		case "languages":
			y.Languages = []string{"ar"}
		case "interpreter":
			y.InterpreterNeeded = false
		case "residence_basis":
			y.ResidenceBasis = BasisFamily
		case "arrival_date":
			y.ArrivalDate = nil
		case "settlement_date":
			y.SettlementDate = nil
		case "caseworker_id":
			y.CaseworkerID = nil
		default:
			t.Fatalf("test does not know field %s", f.Value)
		}
		if d := MergeDiffs(x, y); !slices.Equal(d, []string{f.Value}) {
			t.Errorf("changing %s: MergeDiffs = %v", f.Value, d)
		}
	}
}

func TestMergeFormValidate(t *testing.T) {
	ok := MergeForm{Keep: "2", PreviewKeep: "2", VersionA: "3", VersionB: "5",
		Fields: map[string]string{"given_name": "1", "national_id": "2", "settlement_date": "1"}}
	in, err := ok.Validate(1, 2)
	if err != nil {
		t.Fatal(err)
	}
	want := MergeInput{SurvivorID: 2, MergedID: 1, SurvivorVersion: 5, MergedVersion: 3,
		Take: []string{"given_name", "settlement_date"}}
	if in.SurvivorID != want.SurvivorID || in.MergedID != want.MergedID || in.SurvivorVersion != want.SurvivorVersion ||
		in.MergedVersion != want.MergedVersion || !slices.Equal(in.Take, want.Take) {
		t.Errorf("Validate = %+v, want %+v", in, want)
	}
	// Keeping A: A's versions are the survivor's.
	keepA := ok
	keepA.Keep = "1"
	in, err = keepA.Validate(1, 2)
	if err != nil || in.SurvivorID != 1 || in.SurvivorVersion != 3 || in.MergedVersion != 5 || !slices.Equal(in.Take, []string{"national_id"}) {
		t.Errorf("keep A: %+v, %v", in, err)
	}

	bad := []struct {
		name  string
		edit  func(*MergeForm)
		field string
	}{
		{"no survivor", func(f *MergeForm) { f.Keep = "" }, "keep"},
		{"a third person as survivor", func(f *MergeForm) { f.Keep = "3" }, "keep"},
		{"no version", func(f *MergeForm) { f.VersionB = "" }, "version"},
		{"zero version", func(f *MergeForm) { f.VersionA = "0" }, "version"},
		{"a value from a third person", func(f *MergeForm) { f.Fields = map[string]string{"given_name": "9"} }, "f_given_name"},
		{"a value that is no id", func(f *MergeForm) { f.Fields = map[string]string{"birth_date": "b"} }, "f_birth_date"},
		{"an unknown field", func(f *MergeForm) { f.Fields = map[string]string{"unit_id": "1"} }, "keep"},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			f := ok
			f.Fields = map[string]string{}
			c.edit(&f)
			_, err := f.Validate(1, 2)
			e, isErr := err.(*Error)
			if !isErr || e.Code != EINVALID || e.Fields[c.field] == "" {
				t.Errorf("Validate: %v, want a message on %s", err, c.field)
			}
		})
	}
	if _, err := ok.Validate(4, 4); ErrorCode(err) != EINVALID {
		t.Errorf("merging a person with itself: %v", err)
	}
}

func TestMergedPerson(t *testing.T) {
	today := mergeDate("2026-05-01")
	sv, mg := mergePerson(1), mergePerson(2)
	mg.GivenName, mg.FamilyName = "Aminah", "Haidary"
	mg.InterpreterNeeded, mg.InterpreterLanguage, mg.InterpreterDialect = false, "", ""
	duf := "202412345678"
	mg.DUFNumber = &duf
	mg.ArrivalDate = ptrTime(mergeDate("2025-02-01"))

	in, err := MergedPerson(sv, mg, []string{"given_name", "interpreter", "duf_number", "arrival_date"}, today)
	if err != nil {
		t.Fatal(err)
	}
	if in.GivenName != "Aminah" || in.FamilyName != "Haidari" || in.InterpreterNeeded || in.InterpreterLanguage != "" ||
		in.DUFNumber == nil || *in.DUFNumber != duf || *in.NationalID != *sv.NationalID ||
		!in.ArrivalDate.Equal(mergeDate("2025-02-01")) || in.Version != sv.Version {
		t.Errorf("MergedPerson = %+v", in)
	}

	// Nothing taken: the survivor as it is.
	in, err = MergedPerson(sv, mg, nil, today)
	if err != nil || in.GivenName != sv.GivenName || *in.CaseworkerID != *sv.CaseworkerID {
		t.Errorf("nothing taken: %+v, %v", in, err)
	}

	// Dates from two registrations that do not fit: settlement before arrival.
	late := mergePerson(3)
	late.ArrivalDate = ptrTime(mergeDate("2025-04-01"))
	late.SettlementDate = ptrTime(mergeDate("2025-04-02"))
	_, err = MergedPerson(sv, late, []string{"arrival_date"}, today)
	if e, ok := err.(*Error); !ok || e.Fields["f_settlement_date"] == "" {
		t.Errorf("settlement before the taken arrival: %v", err)
	}

	// Taking "no national ID" from a registration with only a DUF number
	// leaves the survivor with no identity number at all.
	dufOnly := mergePerson(4)
	dufOnly.NationalID = nil
	_, err = MergedPerson(sv, dufOnly, []string{"national_id"}, today)
	if e, ok := err.(*Error); !ok || e.Fields["f_national_id"] == "" {
		t.Errorf("survivor without identity number: %v", err)
	}

	// A fault the survivor's stored data already had does not block the
	// merge of other fields, but blocks taking a bad value.
	old := mergePerson(5)
	old.InterpreterLanguage = "" // needed, but no language (data from before the rule)
	in, err = MergedPerson(old, mg, []string{"given_name"}, today)
	if err != nil || !in.InterpreterNeeded || in.GivenName != "Aminah" || in.NationalID == nil || in.ArrivalDate == nil {
		t.Errorf("survivor's own old fault blocked the merge: %+v, %v", in, err)
	}
	_, err = MergedPerson(mg, old, []string{"interpreter"}, today)
	if e, ok := err.(*Error); !ok || e.Fields["f_interpreter"] == "" {
		t.Errorf("taking the bad interpreter value: %v", err)
	}
}

func TestMergeHouseholdPlan(t *testing.T) {
	for _, c := range []struct {
		survivor, merged int64
		want             string
	}{
		{0, 0, MergeHouseholdNone},
		{5, 0, MergeHouseholdNone},
		{0, 5, MergeHouseholdMove},
		{4, 5, MergeHouseholdEnd},
		{5, 5, MergeHouseholdSame},
	} {
		if got := MergeHouseholdPlan(c.survivor, c.merged); got != c.want {
			t.Errorf("MergeHouseholdPlan(%d, %d) = %s, want %s", c.survivor, c.merged, got, c.want)
		}
	}
}

func TestMergeLeftOnAndEarliestDone(t *testing.T) {
	today := time.Date(2026, 5, 1, 22, 30, 0, 0, time.UTC)
	if got := MergeLeftOn(today, mergeDate("2025-01-01")); !got.Equal(mergeDate("2026-05-01")) {
		t.Errorf("MergeLeftOn = %v, want today", got)
	}
	if got := MergeLeftOn(today, mergeDate("2026-06-01")); !got.Equal(mergeDate("2026-06-01")) {
		t.Errorf("MergeLeftOn before joining = %v, want the day joined", got)
	}
	a, b := ptrTime(mergeDate("2026-01-05")), ptrTime(mergeDate("2026-01-03"))
	for _, c := range []struct {
		x, y, want *time.Time
	}{{nil, nil, nil}, {a, nil, a}, {nil, b, b}, {a, b, b}, {b, a, b}} {
		if got := MergeEarliestDone(c.x, c.y); got != c.want {
			t.Errorf("MergeEarliestDone(%v, %v) = %v, want %v", c.x, c.y, got, c.want)
		}
	}
}

func TestMergeChangedFields(t *testing.T) {
	p := mergePerson(1)
	seen := MergeSeen(p)
	if got := MergeChangedFields(seen, p); len(got) != 0 {
		t.Errorf("unchanged person: %v", got)
	}
	q := *p
	q.FamilyName = "Rahimi"
	q.Status = StatusClosed
	q.SettlementDate = nil
	if got, want := MergeChangedFields(seen, &q), []string{"family_name", "settlement_date", "status"}; !slices.Equal(got, want) {
		t.Errorf("MergeChangedFields = %v, want %v", got, want)
	}
	// A field the form did not carry is not reported.
	delete(seen, "family_name")
	if got := MergeChangedFields(seen, &q); slices.Contains(got, "family_name") {
		t.Errorf("compared a field that was not seen: %v", got)
	}
}
