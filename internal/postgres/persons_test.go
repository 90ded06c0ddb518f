package postgres_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"ankomst/internal/domain"
	"ankomst/internal/postgres"
	"ankomst/internal/postgres/pgtest"
)

type fixture struct {
	db                          *postgres.DB
	unitA, unitB                int64
	cwA, cwA2, cwB, health, hou *domain.User
	leaderA, admin              *domain.User
}

func mkUser(t *testing.T, db *postgres.DB, email string, role domain.Role, unit string) *domain.User {
	t.Helper()
	ctx := context.Background()
	id, err := db.CreateUser(ctx, postgres.NewUser{Email: email, Name: "U " + email, Role: role, UnitName: unit, Password: "et-langt-passord"})
	if err != nil {
		t.Fatal(err)
	}
	u, err := db.UserByID(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	db := pgtest.New(t)
	f := &fixture{db: db}
	f.cwA = mkUser(t, db, "cw-a@x.no", domain.RoleCaseworker, "A")
	f.cwA2 = mkUser(t, db, "cw-a2@x.no", domain.RoleCaseworker, "A")
	f.cwB = mkUser(t, db, "cw-b@x.no", domain.RoleCaseworker, "B")
	f.health = mkUser(t, db, "health-a@x.no", domain.RoleHealth, "A")
	f.hou = mkUser(t, db, "housing-a@x.no", domain.RoleHousing, "A")
	f.leaderA = mkUser(t, db, "leader-a@x.no", domain.RoleLeader, "A")
	f.admin = mkUser(t, db, "admin@x.no", domain.RoleAdmin, "B")
	f.unitA, f.unitB = f.cwA.UnitID, f.cwB.UnitID
	return f
}

func date(s string) time.Time {
	d, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return d
}

var seq = 0

func input(given, family string, cw *domain.User) domain.PersonInput {
	seq++
	// Individual numbers far apart: SyntheticNationalID skips numbers whose
	// check digit would be 10, so neighbours may map to the same number.
	nid := domain.SyntheticNationalID(date("1990-05-17"), seq*10)
	in := domain.PersonInput{
		GivenName: given, FamilyName: family, BirthDate: date("1990-05-17"), Sex: "female",
		NationalID: &nid, CountryOfOrigin: "SY", Languages: []string{"ar"},
		ResidenceBasis: domain.BasisReception, ArrivalDate: ptr(date("2026-01-05")), SettlementDate: ptr(date("2026-02-01")),
	}
	if cw != nil {
		in.CaseworkerID = &cw.ID
	}
	return in
}

func ptr[T any](v T) *T { return &v }

// clCreate registers a person and fails the test on error.
func clCreate(t *testing.T, f *fixture, u *domain.User, in domain.PersonInput) int64 {
	t.Helper()
	id, err := f.db.CreatePerson(context.Background(), u.Scope(), in)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// clActions lists the audit actions of a person, oldest first.
func clActions(t *testing.T, f *fixture, personID int64) []string {
	t.Helper()
	rows, err := f.db.Pool.Query(context.Background(), `SELECT action FROM audit_events WHERE person_id = $1 ORDER BY id`, personID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var a string
		if err := rows.Scan(&a); err != nil {
			t.Fatal(err)
		}
		out = append(out, a)
	}
	return out
}

func clCode(t *testing.T, err error, want string) {
	t.Helper()
	if got := domain.ErrorCode(err); got != want {
		t.Fatalf("error %v: code %q, want %q", err, got, want)
	}
}

func clVersion(t *testing.T, f *fixture, id int64) int {
	t.Helper()
	var v int
	if err := f.db.Pool.QueryRow(context.Background(), `SELECT version FROM persons WHERE id = $1`, id).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestCreateAndGetPersonWritesAudit(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	s := f.cwA.Scope()
	s.RequestID = "req-1"
	id, err := f.db.CreatePerson(ctx, s, input("Zoë", "Ødegård", f.cwA))
	if err != nil {
		t.Fatal(err)
	}
	p, err := f.db.GetPerson(ctx, s, id)
	if err != nil {
		t.Fatal(err)
	}
	if p.GivenName != "Zoë" || p.FamilyName != "Ødegård" || p.Version != 1 || p.UnitID != f.unitA {
		t.Errorf("stored person = %+v", p)
	}
	if p.CaseworkerName == nil || *p.CaseworkerName != f.cwA.Name {
		t.Errorf("caseworker name = %v", p.CaseworkerName)
	}
	var actions []string
	rows, err := f.db.Pool.Query(ctx, `SELECT action FROM audit_events WHERE person_id = $1 AND user_id = $2 AND request_id = 'req-1' ORDER BY id`, id, f.cwA.ID)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var a string
		rows.Scan(&a)
		actions = append(actions, a)
	}
	if len(actions) != 2 || actions[0] != "create" || actions[1] != "view" {
		t.Errorf("audit actions = %v, want [create view]", actions)
	}
	// The audit log is append-only.
	if _, err := f.db.Pool.Exec(ctx, `DELETE FROM audit_events`); err == nil {
		t.Error("deleting audit events succeeded")
	}
}

func TestScopePerRole(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	idA, err := f.db.CreatePerson(ctx, f.cwA.Scope(), input("Amal", "Hassan", f.cwA))
	if err != nil {
		t.Fatal(err)
	}
	idB, err := f.db.CreatePerson(ctx, f.cwB.Scope(), input("Bashir", "Hassan", f.cwB))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name       string
		u          *domain.User
		seeA, seeB bool
	}{
		{"caseworker A", f.cwA, true, false},
		{"other caseworker A", f.cwA2, true, false},
		{"caseworker B", f.cwB, false, true},
		{"health A", f.health, true, false},
		{"housing A", f.hou, true, false},
		{"leader A", f.leaderA, true, false},
		{"admin (unit B) sees all", f.admin, true, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, x := range []struct {
				id  int64
				see bool
			}{{idA, c.seeA}, {idB, c.seeB}} {
				_, err := f.db.GetPerson(ctx, c.u.Scope(), x.id)
				if got := err == nil; got != x.see {
					t.Errorf("GetPerson(%d): visible=%v, want %v (err %v)", x.id, got, x.see, err)
				}
				if err != nil && domain.ErrorCode(err) != domain.ENOTFOUND {
					t.Errorf("invisible person gave %v, want not found", err)
				}
			}
			page, err := f.db.ListPersons(ctx, c.u.Scope(), postgres.PersonQuery{Q: "hassan"})
			if err != nil {
				t.Fatal(err)
			}
			want := 0
			if c.seeA {
				want++
			}
			if c.seeB {
				want++
			}
			if len(page.Rows) != want {
				t.Errorf("list found %d, want %d", len(page.Rows), want)
			}
		})
	}
	// Roles without write access are refused by the store too.
	for _, u := range []*domain.User{f.health, f.hou} {
		if _, err := f.db.CreatePerson(ctx, u.Scope(), input("X", "Y", nil)); domain.ErrorCode(err) != domain.EFORBIDDEN {
			t.Errorf("%s CreatePerson: %v, want forbidden", u.Role, err)
		}
	}
	// A caseworker cannot edit across units, even with the right version.
	if _, err := f.db.UpdatePerson(ctx, f.cwB.Scope(), idA, withVersion(input("Amal", "Endret", nil), 1)); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Errorf("cross-unit update: %v, want not found", err)
	}
	// The caseworker picker is scoped to the unit.
	cws, err := f.db.Caseworkers(ctx, f.cwA.Scope())
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range cws {
		if u.UnitID != f.unitA {
			t.Errorf("picker offers %s from another unit", u.Email)
		}
	}
	if len(cws) != 3 { // two caseworkers and the leader
		t.Errorf("picker offers %d users, want 3", len(cws))
	}
	// Assigning a caseworker from another unit is refused.
	if _, err := f.db.CreatePerson(ctx, f.cwA.Scope(), input("Cross", "Unit", f.cwB)); domain.ErrorCode(err) != domain.EINVALID {
		t.Errorf("assigning a caseworker of unit B: %v, want invalid", err)
	}
}

func withVersion(in domain.PersonInput, v int) domain.PersonInput {
	in.Version = v
	return in
}

func TestOptimisticLocking(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	in := input("Fatima", "Noori", f.cwA)
	id, err := f.db.CreatePerson(ctx, f.cwA.Scope(), in)
	if err != nil {
		t.Fatal(err)
	}
	first := in
	first.Version = 1
	first.FamilyName = "Noori-Rahimi"
	p, err := f.db.UpdatePerson(ctx, f.cwA.Scope(), id, first)
	if err != nil {
		t.Fatal(err)
	}
	if p.Version != 2 || p.FamilyName != "Noori-Rahimi" {
		t.Fatalf("after update: version %d name %q", p.Version, p.FamilyName)
	}
	second := in
	second.Version = 1 // based on the old version
	second.GivenName = "Fatemeh"
	_, err = f.db.UpdatePerson(ctx, f.cwA2.Scope(), id, second)
	var stale *postgres.StaleError
	if !errors.As(err, &stale) || domain.ErrorCode(err) != domain.ECONFLICT {
		t.Fatalf("stale update: %v, want StaleError", err)
	}
	if stale.Current.FamilyName != "Noori-Rahimi" || stale.Current.Version != 2 {
		t.Errorf("stale error carries %+v", stale.Current)
	}
	got, _ := f.db.GetPerson(ctx, f.cwA.Scope(), id)
	if got.GivenName != "Fatima" {
		t.Errorf("stale update overwrote the name: %q", got.GivenName)
	}
	// The update's audit row names the changed fields.
	var changes []byte
	if err := f.db.Pool.QueryRow(ctx, `SELECT changes FROM audit_events WHERE person_id = $1 AND action = 'update'`, id).Scan(&changes); err != nil {
		t.Fatal(err)
	}
	var ch map[string]domain.Change
	json.Unmarshal(changes, &ch)
	if len(ch) != 1 || ch["family_name"].Old != "Noori" || ch["family_name"].New != "Noori-Rahimi" {
		t.Errorf("audit changes = %s", changes)
	}
}

func TestAuditRollsBackWithChange(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	in := input("Dup", "Licate", f.cwA)
	if _, err := f.db.CreatePerson(ctx, f.cwA.Scope(), in); err != nil {
		t.Fatal(err)
	}
	var before int
	f.db.Pool.QueryRow(ctx, `SELECT count(*) FROM audit_events WHERE entity = 'person'`).Scan(&before)
	_, err := f.db.CreatePerson(ctx, f.cwA.Scope(), in) // same national ID
	var dup *postgres.DuplicateError
	if !errors.As(err, &dup) || !dup.Visible || dup.Field != "national_id" {
		t.Fatalf("duplicate: %v", err)
	}
	var after int
	f.db.Pool.QueryRow(ctx, `SELECT count(*) FROM audit_events WHERE entity = 'person'`).Scan(&after)
	if after != before {
		t.Errorf("a refused create wrote %d audit rows", after-before)
	}
	// Registered in another unit: refused, without a link.
	in.CaseworkerID = nil
	_, err = f.db.CreatePerson(ctx, f.cwB.Scope(), in)
	if !errors.As(err, &dup) || dup.Visible {
		t.Fatalf("duplicate across units: %v visible=%v", err, dup != nil && dup.Visible)
	}
}

func TestListPersonsSearchSortAndPaging(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	s := f.cwA.Scope()
	names := [][2]string{{"Zoë", "Ødegård"}, {"José", "Álvarez"}, {"Ahmad", "Karimi"}, {"Ahmed", "Al-Sayed"}, {"Olena", "Kovalenko"}}
	ids := map[string]int64{}
	for i, n := range names {
		var cw *domain.User
		if i%2 == 0 {
			cw = f.cwA
		}
		id, err := f.db.CreatePerson(ctx, s, input(n[0], n[1], cw))
		if err != nil {
			t.Fatal(err)
		}
		ids[n[1]] = id
	}
	search := func(q string) []string {
		page, err := f.db.ListPersons(ctx, s, postgres.PersonQuery{Q: q})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, r := range page.Rows {
			out = append(out, r.FamilyName)
		}
		return out
	}
	for q, want := range map[string]int{"odegard": 1, "ØDEGÅRD": 1, "jose": 1, "alvarez": 1, "ahm": 2, "ahm kar": 1, "zoe ode": 1, "x%": 0, "_": 0,
		// Short terms match the start of a family or given name.
		"ka": 1, "zo": 1, "ri": 0, "a": 3, "ah ka": 1} {
		if got := search(q); len(got) != want {
			t.Errorf("search %q found %v, want %d", q, got, want)
		}
	}
	p, _ := f.db.GetPerson(ctx, s, ids["Karimi"])
	if got := search(*p.NationalID); len(got) != 1 || got[0] != "Karimi" {
		t.Errorf("search by national ID found %v", got)
	}
	mine, _ := f.db.ListPersons(ctx, s, postgres.PersonQuery{Mine: true})
	if len(mine.Rows) != 3 {
		t.Errorf("mine = %d, want 3", len(mine.Rows))
	}
	// Keyset paging by name, two at a time, forward and back.
	var all []string
	var after int64
	for range 5 {
		page, err := f.db.ListPersons(ctx, s, postgres.PersonQuery{Limit: 2, After: after})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range page.Rows {
			all = append(all, r.FamilyName)
		}
		if !page.HasNext {
			break
		}
		after = page.Rows[len(page.Rows)-1].ID
	}
	want := []string{"Al-Sayed", "Álvarez", "Karimi", "Kovalenko", "Ødegård"}
	if len(all) != len(want) {
		t.Fatalf("paged %v, want %v", all, want)
	}
	for i := range want {
		if all[i] != want[i] {
			t.Fatalf("paged %v, want %v", all, want)
		}
	}
	back, err := f.db.ListPersons(ctx, s, postgres.PersonQuery{Limit: 2, Before: ids["Kovalenko"]})
	if err != nil {
		t.Fatal(err)
	}
	if len(back.Rows) != 2 || back.Rows[0].FamilyName != "Álvarez" || back.Rows[1].FamilyName != "Karimi" || !back.HasPrev {
		t.Errorf("previous page = %+v", back)
	}
	desc, _ := f.db.ListPersons(ctx, s, postgres.PersonQuery{Desc: true, Limit: 1})
	if desc.Rows[0].FamilyName != "Ødegård" {
		t.Errorf("descending first = %s", desc.Rows[0].FamilyName)
	}
}

func TestLockout(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	f.db.Now = func() time.Time { return now }
	for i := range postgres.MaxLoginFailures {
		if _, err := f.db.Authenticate(ctx, "cw-a@x.no", "feil-passord", ""); err != postgres.ErrLoginFailed {
			t.Fatalf("attempt %d: %v", i, err)
		}
	}
	if _, err := f.db.Authenticate(ctx, "cw-a@x.no", "et-langt-passord", ""); err != postgres.ErrLoginFailed {
		t.Fatalf("right password while locked: %v, want refused", err)
	}
	now = now.Add(postgres.LockoutWindow + time.Second)
	u, err := f.db.Authenticate(ctx, "CW-A@x.no", "et-langt-passord", "")
	if err != nil || u.ID != f.cwA.ID {
		t.Fatalf("after the lock: %v", err)
	}
	if _, err := f.db.Authenticate(ctx, "nobody@x.no", "whatever", ""); err != postgres.ErrLoginFailed {
		t.Errorf("unknown user: %v", err)
	}
	// Four failures spread over more than 15 minutes do not lock.
	for range 4 {
		f.db.Authenticate(ctx, "cw-a2@x.no", "feil", "")
	}
	now = now.Add(16 * time.Minute)
	f.db.Authenticate(ctx, "cw-a2@x.no", "feil", "")
	if _, err := f.db.Authenticate(ctx, "cw-a2@x.no", "et-langt-passord", ""); err != nil {
		t.Errorf("locked although failures were spread out: %v", err)
	}
}

func TestMigrateDownAndUp(t *testing.T) {
	_, url := pgtest.URLs(t)
	mg, err := postgres.NewMigrator(url)
	if err != nil {
		t.Fatal(err)
	}
	defer mg.Close()
	if err := postgres.CheckSchema(url); err != nil {
		t.Fatalf("fresh clone: %v", err)
	}
	for {
		v, _, err := mg.Version()
		if err != nil {
			t.Fatal(err)
		}
		if v == 0 {
			break
		}
		if err := mg.Down(); err != nil {
			t.Fatalf("down from %d: %v", v, err)
		}
	}
	if err := postgres.CheckSchema(url); err == nil {
		t.Error("CheckSchema accepted an empty schema")
	}
	if err := mg.Up(); err != nil {
		t.Fatal(err)
	}
	if err := postgres.CheckSchema(url); err != nil {
		t.Error(err)
	}
}

func TestLikelyDuplicates(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	amina := input("Amina", "Haidari", f.cwA)
	aminaID := clCreate(t, f, f.cwA, amina)
	inB := input("Amina", "Haidari", f.cwB)
	inB.DUFNumber = ptr("201912345678")
	bID := clCreate(t, f, f.cwB, inB)
	clCreate(t, f, f.cwA, input("Yonas", "Tesfaye", f.cwA)) // same birth date, another name

	s := f.cwA.Scope()
	// A typo in the name, same birth date: the person in scope, not unit B's.
	probe := input("Aminah", "Haidary", nil)
	got, err := f.db.LikelyDuplicates(ctx, s, probe)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].PersonID != aminaID || !got[0].SimilarName || !got[0].Visible || got[0].IdentityMatch() {
		t.Fatalf("similar name: %+v", got)
	}
	// Another birth date: nothing.
	probe.BirthDate = date("1991-05-17")
	if got, _ := f.db.LikelyDuplicates(ctx, s, probe); len(got) != 0 {
		t.Errorf("another birth date: %+v", got)
	}
	// Unit B's DUF number: told as registered elsewhere, without details.
	probe = input("Helt", "Annen", nil)
	probe.BirthDate = date("1970-01-01")
	probe.DUFNumber = inB.DUFNumber
	got, _ = f.db.LikelyDuplicates(ctx, s, probe)
	if len(got) != 1 || got[0].Visible || !got[0].SameDUF || got[0].PersonID != 0 || got[0].FamilyName != "" {
		t.Errorf("DUF in another unit: %+v", got)
	}
	// The same DUF number for an admin: who it is.
	got, _ = f.db.LikelyDuplicates(ctx, f.admin.Scope(), probe)
	if len(got) != 1 || !got[0].Visible || got[0].PersonID != bID {
		t.Errorf("DUF for admin: %+v", got)
	}
	// The same national ID in scope, with the same name: one candidate.
	probe = input("Amina", "Haidari", nil)
	probe.NationalID = amina.NationalID
	got, _ = f.db.LikelyDuplicates(ctx, s, probe)
	if len(got) != 1 || got[0].PersonID != aminaID || !got[0].SameNationalID || !got[0].SimilarName {
		t.Errorf("same national ID: %+v", got)
	}
	// An admin sees look-alikes in every unit.
	probe = input("Amina", "Haidari", nil)
	if got, _ := f.db.LikelyDuplicates(ctx, f.admin.Scope(), probe); len(got) != 2 {
		t.Errorf("admin look-alikes: %+v", got)
	}
	// Read-only roles cannot ask.
	if _, err := f.db.LikelyDuplicates(ctx, f.health.Scope(), probe); domain.ErrorCode(err) != domain.EFORBIDDEN {
		t.Errorf("health asked: %v", err)
	}
}
