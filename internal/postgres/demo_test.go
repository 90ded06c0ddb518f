package postgres_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"ankomst/internal/domain"
	"ankomst/internal/postgres"
	"ankomst/internal/postgres/pgtest"
)

func demoDate(s string) time.Time {
	d, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return d
}

func TestCopyPersons(t *testing.T) {
	ctx := context.Background()
	db := pgtest.New(t)
	cwID, err := db.CreateUser(ctx, postgres.NewUser{Email: "cw@copy.test", Name: "Kari Copy", Role: domain.RoleCaseworker,
		UnitName: "Kopienheten", Password: "et-langt-passord"})
	if err != nil {
		t.Fatal(err)
	}
	unitID, err := db.EnsureUnit(ctx, "Kopienheten")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := db.UserIDByEmail(ctx, "CW@copy.test"); err != nil || got != cwID {
		t.Fatalf("UserIDByEmail = %d, %v; want %d", got, err, cwID)
	}
	if _, err := db.UserIDByEmail(ctx, "nobody@copy.test"); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Fatalf("UserIDByEmail(unknown) error = %v, want ENOTFOUND", err)
	}

	nid := domain.SyntheticNationalID(demoDate("1987-01-08"), 123)
	duf := "202312345678"
	arrival, settled := demoDate("2024-02-01"), demoDate("2024-02-10")
	rows := []postgres.DemoPerson{
		{
			UnitID: unitID, GivenName: "Élodie", FamilyName: "Mbuyi", BirthDate: demoDate("1987-01-08"),
			Sex: "female", NationalID: &nid, CountryOfOrigin: "CD", Languages: []string{"ln", "fr"},
			InterpreterNeeded: true, InterpreterLanguage: "fr", ResidenceBasis: domain.BasisResettlement,
			ArrivalDate: &arrival, SettlementDate: &settled, CaseworkerID: &cwID,
		},
		{
			UnitID: unitID, GivenName: "Mar’iana", FamilyName: "Solov'iova", BirthDate: demoDate("2010-05-30"),
			Sex: "female", DUFNumber: &duf, CountryOfOrigin: "UA", ResidenceBasis: domain.BasisCollective,
			Status: "closed",
		},
	}
	n, err := db.CopyPersons(ctx, rows)
	if err != nil || n != 2 {
		t.Fatalf("CopyPersons = %d, %v", n, err)
	}
	if n, err := db.CopyPersons(ctx, nil); err != nil || n != 0 {
		t.Fatalf("CopyPersons(nil) = %d, %v", n, err)
	}

	// The same names through CreatePerson give the same search keys.
	s := domain.Scope{UserID: cwID, UnitID: unitID, Role: domain.RoleCaseworker}
	for i, r := range rows {
		other := fmt.Sprintf("2024999999%02d", i)
		if _, err := db.CreatePerson(ctx, s, domain.PersonInput{
			GivenName: r.GivenName, FamilyName: r.FamilyName, BirthDate: r.BirthDate, Sex: r.Sex,
			DUFNumber: &other, CountryOfOrigin: r.CountryOfOrigin, Languages: []string{},
			ResidenceBasis: r.ResidenceBasis,
		}); err != nil {
			t.Fatal(err)
		}
	}
	type keys struct{ Name, Family, Given string }
	byName := map[string][]keys{}
	dbRows, err := db.Pool.Query(ctx, `SELECT given_name, name_key, family_key, given_key FROM persons ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	for dbRows.Next() {
		var given string
		var k keys
		if err := dbRows.Scan(&given, &k.Name, &k.Family, &k.Given); err != nil {
			t.Fatal(err)
		}
		byName[given] = append(byName[given], k)
	}
	if err := dbRows.Err(); err != nil {
		t.Fatal(err)
	}
	for given, ks := range byName {
		if len(ks) != 2 || ks[0] != ks[1] {
			t.Errorf("%s: keys from CopyPersons and CreatePerson differ: %+v", given, ks)
		}
	}
	if want := (keys{"elodie mbuyi", "mbuyi", "elodie"}); byName["Élodie"][0] != want {
		t.Errorf("Élodie Mbuyi keys = %+v, want %+v", byName["Élodie"][0], want)
	}
	if want := (keys{"mar'iana solov'iova", "solov'iova", "mar'iana"}); byName["Mar’iana"][0] != want {
		t.Errorf("Mar’iana Solov'iova keys = %+v, want %+v", byName["Mar’iana"][0], want)
	}

	// Every column arrived; absent values are NULL or the defaults.
	var (
		langs             []string
		status, interp    string
		need              bool
		cw                *int64
		settle, arrive    *time.Time
		gotNID, gotDUF    *string
		version           int
		countAudit, total int64
	)
	err = db.Pool.QueryRow(ctx, `SELECT languages, status, interpreter_language, interpreter_needed, caseworker_id,
		settlement_date, arrival_date, national_id, duf_number, version FROM persons WHERE given_name = 'Élodie' ORDER BY id LIMIT 1`).
		Scan(&langs, &status, &interp, &need, &cw, &settle, &arrive, &gotNID, &gotDUF, &version)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(langs, []string{"ln", "fr"}) || status != "active" || interp != "fr" || !need ||
		cw == nil || *cw != cwID || settle == nil || !settle.Equal(settled) || arrive == nil || !arrive.Equal(arrival) ||
		gotNID == nil || *gotNID != nid || gotDUF != nil || version != 1 {
		t.Errorf("Élodie stored as langs=%v status=%s interp=%s need=%v cw=%v settle=%v arrive=%v nid=%v duf=%v version=%d",
			langs, status, interp, need, cw, settle, arrive, gotNID, gotDUF, version)
	}
	err = db.Pool.QueryRow(ctx, `SELECT languages, status, caseworker_id, settlement_date, arrival_date, national_id
		FROM persons WHERE given_name = 'Mar’iana' ORDER BY id LIMIT 1`).Scan(&langs, &status, &cw, &settle, &arrive, &gotNID)
	if err != nil {
		t.Fatal(err)
	}
	if len(langs) != 0 || langs == nil || status != "closed" || cw != nil || settle != nil || arrive != nil || gotNID != nil {
		t.Errorf("Mar’iana stored as langs=%#v status=%s cw=%v settle=%v arrive=%v nid=%v", langs, status, cw, settle, arrive, gotNID)
	}
	// Bulk rows are not audited (only the two CreatePerson calls are).
	if err := db.Pool.QueryRow(ctx, `SELECT count(*) FROM audit_events WHERE entity = 'person'`).Scan(&countAudit); err != nil {
		t.Fatal(err)
	}
	if countAudit != 2 {
		t.Errorf("%d person audit events, want 2 (from CreatePerson only)", countAudit)
	}

	// One bad row (settlement before arrival) fails the whole COPY.
	bad := rows[0]
	nid2 := domain.SyntheticNationalID(demoDate("1990-03-03"), 5)
	early := demoDate("2024-01-01")
	bad.NationalID, bad.SettlementDate = &nid2, &early
	good := rows[1]
	duf2 := "202387654321"
	good.DUFNumber = &duf2
	if _, err := db.CopyPersons(ctx, []postgres.DemoPerson{good, bad}); err == nil {
		t.Fatal("CopyPersons accepted a settlement before the arrival")
	}
	// A duplicate national ID fails too.
	dup := rows[0]
	if _, err := db.CopyPersons(ctx, []postgres.DemoPerson{dup}); err == nil {
		t.Fatal("CopyPersons accepted a duplicate national ID")
	}
	if total, err = db.CountPersons(ctx); err != nil || total != 4 {
		t.Fatalf("CountPersons = %d, %v; want 4 (failed copies leave nothing)", total, err)
	}

	// The streaming form, and reading the identifiers back.
	i := 0
	n, err = db.CopyPersonsFunc(ctx, func() (postgres.DemoPerson, bool, error) {
		if i == 3 {
			return postgres.DemoPerson{}, false, nil
		}
		i++
		d := fmt.Sprintf("2025000000%02d", i)
		return postgres.DemoPerson{UnitID: unitID, GivenName: "Test", FamilyName: "Strøm", BirthDate: demoDate("2000-01-01"),
			Sex: "male", DUFNumber: &d, CountryOfOrigin: "SO", ResidenceBasis: domain.BasisReception}, true, nil
	})
	if err != nil || n != 3 {
		t.Fatalf("CopyPersonsFunc = %d, %v", n, err)
	}
	nids, dufs, err := db.PersonIdentifiers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(nids, []string{nid}) || len(dufs) != 6 || !slices.Contains(dufs, duf) || !slices.Contains(dufs, "202500000003") {
		t.Errorf("PersonIdentifiers = %v, %v", nids, dufs)
	}
	if err := db.AnalyzePersons(ctx); err != nil {
		t.Fatal(err)
	}
}
