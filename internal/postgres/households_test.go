package postgres_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"ankomst/internal/domain"
	"ankomst/internal/postgres"
)

// household creates a household in f's unit A with a head and returns its id
// and the head's person id.
func (f *fixture) household(t *testing.T, name, given, family string) (int64, int64) {
	t.Helper()
	ctx := context.Background()
	pid, err := f.db.CreatePerson(ctx, f.cwA.Scope(), input(given, family, f.cwA))
	if err != nil {
		t.Fatal(err)
	}
	hid, err := f.db.CreateHousehold(ctx, f.cwA.Scope(), domain.HouseholdInput{Name: name},
		&domain.MemberInput{PersonID: pid, Relation: domain.RelationHead, JoinedOn: date("2026-01-05")})
	if err != nil {
		t.Fatal(err)
	}
	return hid, pid
}

func (f *fixture) version(t *testing.T, hid int64) int {
	t.Helper()
	var v int
	if err := f.db.Pool.QueryRow(context.Background(), `SELECT version FROM households WHERE id = $1`, hid).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

type auditRow struct {
	Action   string
	Entity   string
	EntityID *int64
	PersonID *int64
	Changes  domain.Changes
	Details  map[string]any
}

func householdAudit(t *testing.T, f *fixture, hid int64) []auditRow {
	t.Helper()
	rows, err := f.db.Pool.Query(context.Background(), `SELECT action, entity, entity_id, person_id, changes, details
		FROM audit_events WHERE entity = 'household' AND entity_id = $1 AND action <> 'view' ORDER BY id`, hid)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []auditRow
	for rows.Next() {
		var r auditRow
		var ch, det []byte
		if err := rows.Scan(&r.Action, &r.Entity, &r.EntityID, &r.PersonID, &ch, &det); err != nil {
			t.Fatal(err)
		}
		if ch != nil {
			if err := json.Unmarshal(ch, &r.Changes); err != nil {
				t.Errorf("%s: changes not in the change shape: %s (%v)", r.Action, ch, err)
			}
		}
		if det != nil {
			json.Unmarshal(det, &r.Details)
		}
		out = append(out, r)
	}
	return out
}

func code(err error) string { return domain.ErrorCode(err) }

func TestCreateAndGetHousehold(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	s := f.cwA.Scope()

	// Without a person: the user's unit, no members.
	empty, err := f.db.CreateHousehold(ctx, s, domain.HouseholdInput{Name: "Familien Tom"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	h, err := f.db.GetHousehold(ctx, s, empty)
	if err != nil || h.Name != "Familien Tom" || h.UnitID != f.unitA || h.Version != 1 || len(h.Members) != 0 {
		t.Fatalf("empty household: %+v, %v", h, err)
	}

	hid, head := f.household(t, "Familien Haidari", "Amina", "Haidari")
	h, err = f.db.GetHousehold(ctx, s, hid)
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Members) != 1 || h.Members[0].PersonID != head || h.Members[0].Relation != "head" ||
		!h.Members[0].JoinedOn.Equal(date("2026-01-05")) || h.Members[0].Reunification || !h.Members[0].Active() ||
		h.Members[0].GivenName != "Amina" || h.Members[0].ResidenceBasis != domain.BasisReception {
		t.Errorf("members = %+v", h.Members)
	}
	if h.Head() == nil || h.Head().PersonID != head {
		t.Errorf("head = %+v", h.Head())
	}
	audit := householdAudit(t, f, hid)
	if len(audit) != 2 || audit[0].Action != "create" || audit[0].PersonID != nil || audit[0].Changes["name"].New != "Familien Haidari" ||
		audit[1].Action != "add_member" || audit[1].PersonID == nil || *audit[1].PersonID != head || audit[1].Changes["relation"] != (domain.Change{New: "head"}) {
		t.Errorf("audit = %+v", audit)
	}
	// Reading the household is audited for each member shown.
	var views int
	f.db.Pool.QueryRow(ctx, `SELECT count(*) FROM audit_events WHERE action = 'view' AND entity = 'household' AND entity_id = $1 AND person_id = $2`, hid, head).Scan(&views)
	if views != 1 {
		t.Errorf("%d view rows, want 1", views)
	}

	// The head is the person's active household on the person page.
	ph, err := f.db.PersonHousehold(ctx, s, head)
	if err != nil || ph.ID != hid {
		t.Errorf("PersonHousehold = %+v, %v", ph, err)
	}
	other, _ := f.db.CreatePerson(ctx, s, input("Uten", "Husstand", nil))
	if _, err := f.db.PersonHousehold(ctx, s, other); code(err) != domain.ENOTFOUND {
		t.Errorf("a person without a household: %v", err)
	}

	// A person is in one household at a time.
	_, err = f.db.CreateHousehold(ctx, s, domain.HouseholdInput{Name: "Dobbel"}, &domain.MemberInput{PersonID: head, Relation: "head", JoinedOn: date("2026-02-01")})
	if code(err) != domain.ECONFLICT || !strings.Contains(domain.ErrorMessage(err), "Familien Haidari") {
		t.Errorf("second household for the head: %v", err)
	}
	// ... and the refused household is not left behind.
	var n int
	f.db.Pool.QueryRow(ctx, `SELECT count(*) FROM households WHERE name = 'Dobbel'`).Scan(&n)
	if n != 0 {
		t.Error("a refused create left its household")
	}
	// Joining before arrival is refused with a field message.
	p2, _ := f.db.CreatePerson(ctx, s, input("Tidlig", "Ute", nil))
	_, err = f.db.CreateHousehold(ctx, s, domain.HouseholdInput{Name: "Tidlig"}, &domain.MemberInput{PersonID: p2, Relation: "head", JoinedOn: date("2025-12-31")})
	var de *domain.Error
	if !errors.As(err, &de) || de.Code != domain.EINVALID || !strings.Contains(de.Fields["joined_on"], "ankomst") {
		t.Errorf("joined before arrival: %v", err)
	}
}

func TestHouseholdScopePerRole(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	hid, head := f.household(t, "Familien Haidari", "Amina", "Haidari")
	pB, err := f.db.CreatePerson(ctx, f.cwB.Scope(), input("Bjørn", "Beta", nil))
	if err != nil {
		t.Fatal(err)
	}
	hB, err := f.db.CreateHousehold(ctx, f.cwB.Scope(), domain.HouseholdInput{Name: "Familien Beta"},
		&domain.MemberInput{PersonID: pB, Relation: "head", JoinedOn: date("2026-01-05")})
	if err != nil {
		t.Fatal(err)
	}

	for _, c := range []struct {
		u         *domain.User
		seesA     bool
		seesB     bool
		canChange bool
	}{
		{f.cwA, true, false, true}, {f.cwA2, true, false, true}, {f.leaderA, true, false, true},
		{f.health, true, false, false}, {f.hou, true, false, false},
		{f.cwB, false, true, true}, {f.admin, true, true, true},
	} {
		s := c.u.Scope()
		for _, hc := range []struct {
			id   int64
			sees bool
		}{{hid, c.seesA}, {hB, c.seesB}} {
			_, err := f.db.GetHousehold(ctx, s, hc.id)
			if hc.sees != (err == nil) || (err != nil && code(err) != domain.ENOTFOUND) {
				t.Errorf("%s GetHousehold(%d): %v, want sees=%v", c.u.Email, hc.id, err, hc.sees)
			}
		}
		page, err := f.db.ListHouseholds(ctx, s, postgres.HouseholdQuery{})
		if err != nil {
			t.Fatal(err)
		}
		want := 0
		if c.seesA {
			want++
		}
		if c.seesB {
			want++
		}
		if len(page.Rows) != want {
			t.Errorf("%s lists %d households, want %d", c.u.Email, len(page.Rows), want)
		}
		_, err = f.db.PersonHousehold(ctx, s, head)
		if c.seesA != (err == nil) {
			t.Errorf("%s PersonHousehold of A's head: %v", c.u.Email, err)
		}
		cands, err := f.db.HouseholdCandidates(ctx, s, hid, "haidari", 10)
		if err != nil {
			t.Fatal(err)
		}
		if c.seesA != (len(cands) == 1) {
			t.Errorf("%s picker on A's household found %d", c.u.Email, len(cands))
		}

		// Writes: read-only roles are refused before anything else; another
		// unit's household is not found.
		v := f.version(t, hid)
		_, err = f.db.UpdateHousehold(ctx, s, hid, domain.HouseholdInput{Name: "Familien Haidari", Version: v})
		switch {
		case !c.canChange && code(err) != domain.EFORBIDDEN:
			t.Errorf("%s update: %v, want forbidden", c.u.Email, err)
		case c.canChange && !c.seesA && code(err) != domain.ENOTFOUND:
			t.Errorf("%s update other unit: %v, want not found", c.u.Email, err)
		case c.canChange && c.seesA && err != nil:
			t.Errorf("%s update: %v", c.u.Email, err)
		}
		err = f.db.RemoveHouseholdMember(ctx, s, hid, head, domain.LeaveInput{LeftOn: date("2026-03-01"), Version: v})
		if !c.canChange && code(err) != domain.EFORBIDDEN {
			t.Errorf("%s remove: %v, want forbidden", c.u.Email, err)
		}
		if c.canChange && !c.seesA && code(err) != domain.ENOTFOUND {
			t.Errorf("%s remove in other unit: %v, want not found", c.u.Email, err)
		}
		if c.canChange && c.seesA && err == nil {
			// Put the head back for the next role.
			if err := f.db.AddHouseholdMember(ctx, s, hid, domain.MemberInput{PersonID: head, Relation: "head", JoinedOn: date("2026-03-01"), Version: v + 1}); err != nil {
				t.Fatalf("%s re-add: %v", c.u.Email, err)
			}
		}
		if !c.canChange {
			if _, err := f.db.CreateHousehold(ctx, s, domain.HouseholdInput{Name: "X"}, nil); code(err) != domain.EFORBIDDEN {
				t.Errorf("%s create: %v", c.u.Email, err)
			}
			if _, err := f.db.RegisterReunification(ctx, s, hid, domain.ReunificationInput{Person: input("R", "R", nil), Relation: "child", JoinedOn: date("2026-01-05"), Version: v}); code(err) != domain.EFORBIDDEN {
				t.Errorf("%s reunification: %v", c.u.Email, err)
			}
		}
	}

	// A caseworker cannot add a person of another unit, not even to a household they see.
	v := f.version(t, hid)
	if err := f.db.AddHouseholdMember(ctx, f.cwA.Scope(), hid, domain.MemberInput{PersonID: pB, Relation: "child", JoinedOn: date("2026-01-05"), Version: v}); code(err) != domain.ENOTFOUND {
		t.Errorf("adding a person of unit B: %v", err)
	}
	// An admin sees both, but members must belong to the household's unit.
	var de *domain.Error
	err = f.db.AddHouseholdMember(ctx, f.admin.Scope(), hid, domain.MemberInput{PersonID: pB, Relation: "other", JoinedOn: date("2026-01-05"), Version: v})
	if !errors.As(err, &de) || de.Code != domain.EINVALID || de.Fields["person_id"] == "" {
		t.Errorf("admin adding a person of another unit: %v", err)
	}
	// An admin creating a household from a person: the person's unit.
	pA, _ := f.db.CreatePerson(ctx, f.cwA.Scope(), input("Admin", "Laget", nil))
	id, err := f.db.CreateHousehold(ctx, f.admin.Scope(), domain.HouseholdInput{Name: "Adminlaget"}, &domain.MemberInput{PersonID: pA, Relation: "head", JoinedOn: date("2026-01-05")})
	if err != nil {
		t.Fatal(err)
	}
	if h, err := f.db.GetHousehold(ctx, f.cwA.Scope(), id); err != nil || h.UnitID != f.unitA {
		t.Errorf("admin's household from a unit A person: %+v, %v", h, err)
	}
	// A caseworker of B cannot create a household around a person of A.
	pA2, _ := f.db.CreatePerson(ctx, f.cwA.Scope(), input("Ikke", "Synlig", nil))
	if _, err := f.db.CreateHousehold(ctx, f.cwB.Scope(), domain.HouseholdInput{Name: "Lekk"}, &domain.MemberInput{PersonID: pA2, Relation: "head", JoinedOn: date("2026-01-05")}); code(err) != domain.ENOTFOUND {
		t.Errorf("B creating around A's person: %v", err)
	}
}

func TestHouseholdOptimisticLocking(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	s := f.cwA.Scope()
	hid, _ := f.household(t, "Familien Haidari", "Amina", "Haidari")
	v := f.version(t, hid)

	h, err := f.db.UpdateHousehold(ctx, s, hid, domain.HouseholdInput{Name: "Familien Haidari-Noori", Version: v})
	if err != nil || h.Name != "Familien Haidari-Noori" || h.Version != v+1 {
		t.Fatalf("update: %+v, %v", h, err)
	}
	// Saving the same name again changes nothing and keeps the version.
	if h, err := f.db.UpdateHousehold(ctx, s, hid, domain.HouseholdInput{Name: "Familien Haidari-Noori", Version: v + 1}); err != nil || h.Version != v+1 {
		t.Errorf("no-op update: %+v, %v", h, err)
	}
	// A second edit based on the old version is refused with the stored one.
	_, err = f.db.UpdateHousehold(ctx, f.cwA2.Scope(), hid, domain.HouseholdInput{Name: "Familien Noori", Version: v})
	var stale *postgres.HouseholdStaleError
	if !errors.As(err, &stale) || code(err) != domain.ECONFLICT || stale.Current.Name != "Familien Haidari-Noori" ||
		stale.Current.Version != v+1 || len(stale.Current.Members) != 1 {
		t.Fatalf("stale update: %v", err)
	}
	// Member changes bump the version and are refused on an old one too.
	p, _ := f.db.CreatePerson(ctx, s, input("Sara", "Haidari", nil))
	if err := f.db.AddHouseholdMember(ctx, s, hid, domain.MemberInput{PersonID: p, Relation: "child", JoinedOn: date("2026-01-05"), Version: v}); !errors.As(err, &stale) {
		t.Errorf("stale add: %v", err)
	}
	if err := f.db.AddHouseholdMember(ctx, s, hid, domain.MemberInput{PersonID: p, Relation: "child", JoinedOn: date("2026-01-05"), Version: v + 1}); err != nil {
		t.Fatal(err)
	}
	if got := f.version(t, hid); got != v+2 {
		t.Errorf("version after add %d, want %d", got, v+2)
	}
	// A double submit of the same add is refused, not duplicated.
	if err := f.db.AddHouseholdMember(ctx, s, hid, domain.MemberInput{PersonID: p, Relation: "child", JoinedOn: date("2026-01-05"), Version: v + 1}); !errors.As(err, &stale) {
		t.Errorf("double submit: %v", err)
	}
	if err := f.db.RemoveHouseholdMember(ctx, s, hid, p, domain.LeaveInput{LeftOn: date("2026-04-01"), Version: v + 1}); !errors.As(err, &stale) {
		t.Errorf("stale remove: %v", err)
	}
	var n int
	f.db.Pool.QueryRow(ctx, `SELECT count(*) FROM household_members WHERE household_id = $1`, hid).Scan(&n)
	if n != 2 {
		t.Errorf("%d membership rows, want 2", n)
	}
	audit := householdAudit(t, f, hid)
	if len(audit) != 4 || audit[2].Action != "update" || audit[2].Changes["name"].New == "" || audit[3].Action != "add_member" {
		t.Errorf("audit = %+v", audit)
	}
}

func TestAddAndRemoveMembers(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	s := f.cwA.Scope()
	hid, head := f.household(t, "Familien Haidari", "Amina", "Haidari")
	add := func(pid int64, rel, joined string) error {
		return f.db.AddHouseholdMember(ctx, s, hid, domain.MemberInput{PersonID: pid, Relation: rel, JoinedOn: date(joined), Version: f.version(t, hid)})
	}
	spouse, _ := f.db.CreatePerson(ctx, s, input("Reza", "Haidari", nil))
	child, _ := f.db.CreatePerson(ctx, s, input("Sara", "Haidari", nil))
	if err := add(spouse, "spouse", "2026-01-05"); err != nil {
		t.Fatal(err)
	}
	var de *domain.Error
	// One head per household.
	if err := add(child, "head", "2026-01-05"); !errors.As(err, &de) || !strings.Contains(de.Fields["relation"], "Amina Haidari") {
		t.Errorf("second head: %v", err)
	}
	// Not before arrival (input() arrives 2026-01-05).
	if err := add(child, "child", "2026-01-04"); !errors.As(err, &de) || de.Fields["joined_on"] == "" {
		t.Errorf("joined before arrival: %v", err)
	}
	if err := add(child, "child", "2026-02-01"); err != nil {
		t.Fatal(err)
	}
	// Already a member here.
	if err := add(child, "child", "2026-02-01"); code(err) != domain.ECONFLICT || !strings.Contains(domain.ErrorMessage(err), "allerede med i husstanden") {
		t.Errorf("added twice: %v", err)
	}
	// A member of another household must leave it first.
	other, otherHead := f.household(t, "Familien Karimi", "Ahmad", "Karimi")
	_ = other
	if err := add(otherHead, "other", "2026-02-01"); code(err) != domain.ECONFLICT || !strings.Contains(domain.ErrorMessage(err), "Familien Karimi") {
		t.Errorf("member elsewhere: %v", err)
	}
	// A person who is not there, or gone.
	if err := add(999999, "child", "2026-02-01"); code(err) != domain.ENOTFOUND {
		t.Errorf("missing person: %v", err)
	}

	// Removing keeps the row with the date; not before joining.
	v := f.version(t, hid)
	if err := f.db.RemoveHouseholdMember(ctx, s, hid, child, domain.LeaveInput{LeftOn: date("2026-01-31"), Version: v}); !errors.As(err, &de) || de.Fields["left_on"] == "" {
		t.Errorf("leaving before joining: %v", err)
	}
	if err := f.db.RemoveHouseholdMember(ctx, s, hid, child, domain.LeaveInput{LeftOn: date("2026-05-01"), Version: v}); err != nil {
		t.Fatal(err)
	}
	if err := f.db.RemoveHouseholdMember(ctx, s, hid, child, domain.LeaveInput{LeftOn: date("2026-05-01"), Version: v + 1}); code(err) != domain.ENOTFOUND {
		t.Errorf("removing twice: %v", err)
	}
	h, err := f.db.GetHousehold(ctx, s, hid)
	if err != nil {
		t.Fatal(err)
	}
	// Active members first (head, spouse), then the one who left.
	if len(h.Members) != 3 || h.Members[0].PersonID != head || h.Members[1].PersonID != spouse || h.Members[2].PersonID != child ||
		h.Members[2].Active() || !h.Members[2].LeftOn.Equal(date("2026-05-01")) || len(h.ActiveMembers()) != 2 {
		t.Errorf("members after removal: %+v", h.Members)
	}
	if _, err := f.db.PersonHousehold(ctx, s, child); code(err) != domain.ENOTFOUND {
		t.Errorf("a removed member still has a household: %v", err)
	}
	// The child may now join another household, and even come back later.
	if err := f.db.AddHouseholdMember(ctx, s, other, domain.MemberInput{PersonID: child, Relation: "other", JoinedOn: date("2026-05-01"), Version: f.version(t, other)}); err != nil {
		t.Errorf("joining another household after leaving: %v", err)
	}
	audit := householdAudit(t, f, hid)
	last := audit[len(audit)-1]
	if last.Action != "remove_member" || last.PersonID == nil || *last.PersonID != child || last.Changes["left_on"] != (domain.Change{New: "2026-05-01"}) ||
		last.Details["relation"] != "child" {
		t.Errorf("remove audit = %+v", last)
	}
	// The database refuses two active households for a person even without the store's checks.
	_, err = f.db.Pool.Exec(ctx, `INSERT INTO household_members (household_id, person_id, relation, joined_on) VALUES ($1, $2, 'child', '2026-05-01')`, hid, child)
	if err == nil {
		t.Error("the partial unique index let a person into two households")
	}
	_, err = f.db.Pool.Exec(ctx, `INSERT INTO household_members (household_id, person_id, relation, joined_on) VALUES ($1, $2, 'head', '2026-05-01')`, other, spouse)
	if err == nil {
		t.Error("a second active head was accepted by the database")
	}
}

func TestRegisterReunification(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	s := f.cwA.Scope()
	hid, _ := f.household(t, "Familien Haidari", "Amina", "Haidari")
	v := f.version(t, hid)

	in := input("Sara", "Haidari", f.cwA)
	in.ResidenceBasis = domain.BasisFamily
	in.ArrivalDate, in.SettlementDate = ptr(date("2026-06-01")), ptr(date("2026-06-10"))
	pid, err := f.db.RegisterReunification(ctx, s, hid, domain.ReunificationInput{Person: in, Relation: "child", JoinedOn: date("2026-06-01"), Version: v})
	if err != nil {
		t.Fatal(err)
	}
	p, err := f.db.GetPerson(ctx, s, pid)
	if err != nil || p.UnitID != f.unitA || p.ResidenceBasis != "family" || p.GivenName != "Sara" {
		t.Fatalf("reunified person: %+v, %v", p, err)
	}
	h, _ := f.db.GetHousehold(ctx, s, hid)
	var m *domain.HouseholdMember
	for i := range h.Members {
		if h.Members[i].PersonID == pid {
			m = &h.Members[i]
		}
	}
	if m == nil || !m.Reunification || m.Relation != "child" || !m.JoinedOn.Equal(date("2026-06-01")) || h.Version != v+1 {
		t.Fatalf("membership: %+v (version %d)", m, h.Version)
	}
	var personCreates int
	f.db.Pool.QueryRow(ctx, `SELECT count(*) FROM audit_events WHERE entity = 'person' AND action = 'create' AND person_id = $1`, pid).Scan(&personCreates)
	audit := householdAudit(t, f, hid)
	last := audit[len(audit)-1]
	if personCreates != 1 || last.Action != "reunification" || last.PersonID == nil || *last.PersonID != pid || last.Changes["reunification"].New != "true" {
		t.Errorf("audit: person creates %d, last %+v", personCreates, last)
	}

	// All or nothing: a refused membership (second head) leaves no person behind.
	countPersons := func() int {
		var n int
		f.db.Pool.QueryRow(ctx, `SELECT count(*) FROM persons`).Scan(&n)
		return n
	}
	before := countPersons()
	in2 := input("Reza", "Haidari", nil)
	in2.ArrivalDate, in2.SettlementDate = ptr(date("2026-06-01")), nil
	_, err = f.db.RegisterReunification(ctx, s, hid, domain.ReunificationInput{Person: in2, Relation: "head", JoinedOn: date("2026-06-01"), Version: v + 1})
	var de *domain.Error
	if !errors.As(err, &de) || de.Fields["relation"] == "" {
		t.Errorf("second head by reunification: %v", err)
	}
	if countPersons() != before || f.version(t, hid) != v+1 {
		t.Error("a refused reunification left a person or a version bump behind")
	}
	// A duplicate identity number: the duplicate error, nothing stored.
	_, err = f.db.RegisterReunification(ctx, s, hid, domain.ReunificationInput{Person: in, Relation: "child", JoinedOn: date("2026-06-01"), Version: v + 1})
	var dup *postgres.DuplicateError
	if !errors.As(err, &dup) || !dup.Visible || dup.ExistingID != pid {
		t.Errorf("duplicate: %v", err)
	}
	// Stale: the household changed meanwhile.
	var stale *postgres.HouseholdStaleError
	if _, err := f.db.RegisterReunification(ctx, s, hid, domain.ReunificationInput{Person: in2, Relation: "spouse", JoinedOn: date("2026-06-01"), Version: v}); !errors.As(err, &stale) || stale.Current.Version != v+1 {
		t.Errorf("stale reunification: %v", err)
	}
	if countPersons() != before {
		t.Error("a refused reunification left a person behind")
	}
	// A caseworker of another unit cannot register into A's household.
	if _, err := f.db.RegisterReunification(ctx, f.cwB.Scope(), hid, domain.ReunificationInput{Person: in2, Relation: "spouse", JoinedOn: date("2026-06-01"), Version: v + 1}); code(err) != domain.ENOTFOUND {
		t.Errorf("other unit: %v", err)
	}
	// A caseworker of another unit may not be assigned.
	in3 := input("Omar", "Haidari", f.cwB)
	in3.ArrivalDate, in3.SettlementDate = ptr(date("2026-06-01")), nil
	if _, err := f.db.RegisterReunification(ctx, s, hid, domain.ReunificationInput{Person: in3, Relation: "spouse", JoinedOn: date("2026-06-01"), Version: v + 1}); code(err) != domain.EINVALID {
		t.Errorf("caseworker of another unit: %v", err)
	}
	if countPersons() != before {
		t.Error("a refused reunification left a person behind")
	}
}

func TestListHouseholdsSearchAndPaging(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	s := f.cwA.Scope()
	var ids []int64
	for _, n := range [][3]string{
		{"Familien Ødegård", "Zoë", "Ødegård"}, {"Familien Álvarez", "José", "Álvarez"},
		{"Familien Karimi", "Ahmad", "Karimi"}, {"Familien Al-Sayed", "Ahmed", "Al-Sayed"},
		{"Familien Kovalenko", "Olena", "Kovalenko"},
	} {
		id, _ := f.household(t, n[0], n[1], n[2])
		ids = append(ids, id)
	}
	// A second member whose name differs from the household's.
	kid, _ := f.db.CreatePerson(ctx, s, input("Yonas", "Tesfaye", nil))
	if err := f.db.AddHouseholdMember(ctx, s, ids[2], domain.MemberInput{PersonID: kid, Relation: "other", JoinedOn: date("2026-03-01"), Version: f.version(t, ids[2])}); err != nil {
		t.Fatal(err)
	}
	names := func(q postgres.HouseholdQuery) ([]string, postgres.HouseholdPage) {
		page, err := f.db.ListHouseholds(ctx, s, q)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, r := range page.Rows {
			out = append(out, r.Name)
		}
		return out, page
	}
	all, _ := names(postgres.HouseholdQuery{})
	if strings.Join(all, "|") != "Familien Al-Sayed|Familien Álvarez|Familien Karimi|Familien Kovalenko|Familien Ødegård" {
		t.Errorf("order: %v", all)
	}
	_, page := names(postgres.HouseholdQuery{Q: "karimi"})
	if len(page.Rows) != 1 || page.Rows[0].Members != 2 || page.Rows[0].HeadName == nil || *page.Rows[0].HeadName != "Ahmad Karimi" ||
		page.Rows[0].LastJoined == nil || !page.Rows[0].LastJoined.Equal(date("2026-03-01")) || page.Rows[0].UnitName != "A" {
		t.Errorf("karimi row: %+v", page.Rows)
	}
	for q, want := range map[string]string{
		"odegard": "Familien Ødegård", "ZOE": "Familien Ødegård", "yonas": "Familien Karimi",
		"tesfaye yonas": "Familien Karimi", "alvarez": "Familien Álvarez", "al-say": "Familien Al-Sayed",
		"familien kova": "Familien Kovalenko", "ahmad tesfaye": "", "%": "", "nobody": "",
	} {
		got, _ := names(postgres.HouseholdQuery{Q: q})
		if strings.Join(got, "|") != want {
			t.Errorf("search %q: %v, want %q", q, got, want)
		}
	}
	// By a member's national ID.
	p, _ := f.db.GetPerson(ctx, s, kid)
	if got, _ := names(postgres.HouseholdQuery{Q: *p.NationalID}); len(got) != 1 || got[0] != "Familien Karimi" {
		t.Errorf("national ID search: %v", got)
	}
	// A member who left is not found by name.
	f.db.RemoveHouseholdMember(ctx, s, ids[2], kid, domain.LeaveInput{LeftOn: date("2026-04-01"), Version: f.version(t, ids[2])})
	if got, _ := names(postgres.HouseholdQuery{Q: "yonas"}); len(got) != 0 {
		t.Errorf("left member still found: %v", got)
	}

	// Paging forward and back, two at a time.
	got1, p1 := names(postgres.HouseholdQuery{Limit: 2})
	if len(got1) != 2 || !p1.HasNext || p1.HasPrev {
		t.Fatalf("page 1: %v %+v", got1, p1)
	}
	got2, p2 := names(postgres.HouseholdQuery{Limit: 2, After: p1.Rows[1].ID})
	if strings.Join(got2, "|") != "Familien Karimi|Familien Kovalenko" || !p2.HasNext || !p2.HasPrev {
		t.Fatalf("page 2: %v %+v", got2, p2)
	}
	got3, p3 := names(postgres.HouseholdQuery{Limit: 2, After: p2.Rows[1].ID})
	if strings.Join(got3, "|") != "Familien Ødegård" || p3.HasNext || !p3.HasPrev {
		t.Fatalf("page 3: %v %+v", got3, p3)
	}
	back, pb := names(postgres.HouseholdQuery{Limit: 2, Before: p3.Rows[0].ID})
	if strings.Join(back, "|") != strings.Join(got2, "|") || !pb.HasNext || !pb.HasPrev {
		t.Errorf("back from page 3: %v %+v", back, pb)
	}
	if got, _ := names(postgres.HouseholdQuery{Limit: 2, After: ids[1]}); strings.Join(got, "|") != "Familien Karimi|Familien Kovalenko" {
		t.Errorf("after Álvarez: %v", got)
	}
	// A cursor from another unit gives nothing away.
	pageB, err := f.db.ListHouseholds(ctx, f.cwB.Scope(), postgres.HouseholdQuery{After: ids[1]})
	if err != nil || len(pageB.Rows) != 0 {
		t.Errorf("B with A's cursor: %+v %v", pageB, err)
	}
}

func TestHouseholdCandidates(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	s := f.cwA.Scope()
	hid, head := f.household(t, "Familien Haidari", "Amina", "Haidari")
	free, _ := f.db.CreatePerson(ctx, s, input("Sara", "Haidari", nil))
	f.db.CreatePerson(ctx, f.cwB.Scope(), input("Sami", "Haidari", nil)) // unit B: never listed
	cands, err := f.db.HouseholdCandidates(ctx, s, hid, "HAIDARI", 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(cands) != 2 {
		t.Fatalf("candidates: %+v", cands)
	}
	for _, c := range cands {
		switch c.ID {
		case head:
			if c.HouseholdID == nil || *c.HouseholdID != hid || *c.HouseholdName != "Familien Haidari" {
				t.Errorf("head candidate: %+v", c)
			}
		case free:
			if c.HouseholdID != nil {
				t.Errorf("free candidate: %+v", c)
			}
		default:
			t.Errorf("unexpected candidate %+v", c)
		}
	}
	if c, _ := f.db.HouseholdCandidates(ctx, s, hid, "sara haid", 10); len(c) != 1 || c[0].ID != free {
		t.Errorf("two words: %+v", c)
	}
	// Short words match the start of a name, as in the person list (one
	// search condition for every search of people).
	if c, _ := f.db.HouseholdCandidates(ctx, s, hid, "sa ha", 10); len(c) != 1 || c[0].ID != free {
		t.Errorf("short words: %+v", c)
	}
	if c, _ := f.db.HouseholdCandidates(ctx, s, hid, "ar", 10); len(c) != 0 {
		t.Errorf("a short word inside a name matched: %+v", c)
	}
	if c, _ := f.db.HouseholdCandidates(ctx, s, hid, "  ", 10); len(c) != 0 {
		t.Errorf("empty query: %+v", c)
	}
	p, _ := f.db.GetPerson(ctx, s, free)
	if c, _ := f.db.HouseholdCandidates(ctx, s, hid, (*p.NationalID)[:6]+" "+(*p.NationalID)[6:], 10); len(c) != 1 || c[0].ID != free {
		t.Errorf("national ID: %+v", c)
	}
	// Limit + 1 rows tells that there are more.
	for i := 0; i < 3; i++ {
		f.db.CreatePerson(ctx, s, input("Flere", "Haidari", nil))
	}
	if c, _ := f.db.HouseholdCandidates(ctx, s, hid, "haidari", 2); len(c) != 3 {
		t.Errorf("limit 2 gave %d rows, want 3", len(c))
	}
	// The admin's picker stays within the household's unit.
	if c, _ := f.db.HouseholdCandidates(ctx, f.admin.Scope(), hid, "sami", 10); len(c) != 0 {
		t.Errorf("admin picker crossed units: %+v", c)
	}
}
