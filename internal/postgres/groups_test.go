package postgres_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"ankomst/internal/domain"
	"ankomst/internal/postgres"
)

// participant registers a person of cw's unit (assigned to cw) with a
// granted programme from start and a plan of minutesPerWeek over Monday to
// Friday (none when 0), and returns the person's id.
func (f *fixture) participant(t *testing.T, cw *domain.User, given, family, start string, minutesPerWeek int) int64 {
	t.Helper()
	ctx := context.Background()
	pid, err := f.db.CreatePerson(ctx, cw.Scope(), input(given, family, cw))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.Pool.Exec(ctx, `INSERT INTO programmes (person_id, decision, decision_date, start_date) VALUES ($1, 'granted', $2, $2)`, pid, date(start)); err != nil {
		t.Fatal(err)
	}
	if minutesPerWeek > 0 {
		if _, err := f.db.Pool.Exec(ctx, `WITH v AS (INSERT INTO plan_versions (person_id, valid_from) VALUES ($1, $2) RETURNING id)
			INSERT INTO plan_elements (plan_version_id, kind, minutes_per_week, weekdays) SELECT id, 'norwegian', $3, '{1,2,3,4,5}' FROM v`,
			pid, date(start), minutesPerWeek); err != nil {
			t.Fatal(err)
		}
	}
	return pid
}

func TestGroupsScopeAndAudit(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	gid, err := f.db.CreateGroup(ctx, f.cwA.Scope(), domain.GroupInput{Name: "Norsk A2", Contact: "Lise", Weekdays: []int16{1, 3}})
	if err != nil {
		t.Fatal(err)
	}
	// The same active name in the unit is refused with a clear message; another unit may use it.
	_, err = f.db.CreateGroup(ctx, f.leaderA.Scope(), domain.GroupInput{Name: "norsk a2", Weekdays: []int16{1}})
	if code(err) != domain.EINVALID || !strings.Contains(domain.ErrorMessage(err), "allerede en gruppe som heter") {
		t.Fatalf("duplicate name: %v", err)
	}
	if _, err := f.db.CreateGroup(ctx, f.cwB.Scope(), domain.GroupInput{Name: "Norsk A2", Weekdays: []int16{1}}); err != nil {
		t.Fatalf("same name in another unit: %v", err)
	}
	// Scope: unit A's roles see it, unit B's caseworker does not, the admin does.
	for _, tc := range []struct {
		u    *domain.User
		want string
	}{{f.cwA2, ""}, {f.leaderA, ""}, {f.cwB, domain.ENOTFOUND}, {f.admin, ""}, {f.health, domain.EFORBIDDEN}, {f.hou, domain.EFORBIDDEN}} {
		_, err := f.db.GetGroup(ctx, tc.u.Scope(), gid)
		if code(err) != tc.want {
			t.Errorf("%s: GetGroup %v, want %q", tc.u.Email, err, tc.want)
		}
	}
	list, err := f.db.ListGroups(ctx, f.cwB.Scope())
	if err != nil || len(list) != 1 || list[0].UnitID != f.unitB {
		t.Fatalf("unit B's list: %+v %v", list, err)
	}
	if list, _ := f.db.ListGroups(ctx, f.admin.Scope()); len(list) != 2 {
		t.Errorf("the admin sees %d groups, want 2", len(list))
	}

	// Members: only participants of the unit with a granted programme.
	kari := f.participant(t, f.cwA, "Kari", "Nordmann", "2026-09-01", 2250)
	plain, _ := f.db.CreatePerson(ctx, f.cwA.Scope(), input("Uten", "Program", f.cwA))
	other := f.participant(t, f.cwB, "Ola", "Vest", "2026-09-01", 2250)
	cands, err := f.db.GroupCandidates(ctx, f.cwA.Scope(), gid)
	if err != nil || len(cands) != 1 || cands[0].PersonID != kari {
		t.Fatalf("candidates %+v %v", cands, err)
	}
	if err := f.db.AddGroupMember(ctx, f.cwA.Scope(), gid, domain.GroupMemberInput{PersonID: plain, JoinedOn: date("2026-11-02")}); code(err) != domain.EINVALID {
		t.Errorf("a person without a programme: %v", err)
	}
	if err := f.db.AddGroupMember(ctx, f.cwA.Scope(), gid, domain.GroupMemberInput{PersonID: other, JoinedOn: date("2026-11-02")}); code(err) != domain.ENOTFOUND {
		t.Errorf("a person of another unit: %v", err)
	}
	if err := f.db.AddGroupMember(ctx, f.cwB.Scope(), gid, domain.GroupMemberInput{PersonID: kari, JoinedOn: date("2026-11-02")}); code(err) != domain.ENOTFOUND {
		t.Errorf("another unit's caseworker adds to the group: %v", err)
	}
	if err := f.db.AddGroupMember(ctx, f.cwA.Scope(), gid, domain.GroupMemberInput{PersonID: kari, JoinedOn: date("2026-11-02")}); err != nil {
		t.Fatal(err)
	}
	if err := f.db.AddGroupMember(ctx, f.cwA.Scope(), gid, domain.GroupMemberInput{PersonID: kari, JoinedOn: date("2026-11-02")}); code(err) != domain.ECONFLICT {
		t.Errorf("twice: %v", err)
	}
	if err := f.db.RemoveGroupMember(ctx, f.cwA.Scope(), gid, kari, date("2026-11-01")); code(err) != domain.EINVALID {
		t.Errorf("leaving before joining: %v", err)
	}
	if err := f.db.RemoveGroupMember(ctx, f.cwA.Scope(), gid, kari, date("2026-11-20")); err != nil {
		t.Fatal(err)
	}
	// Joining again reopens the membership.
	if err := f.db.AddGroupMember(ctx, f.cwA.Scope(), gid, domain.GroupMemberInput{PersonID: kari, JoinedOn: date("2026-11-23")}); err != nil {
		t.Fatal(err)
	}
	g, err := f.db.GetGroup(ctx, f.cwA.Scope(), gid)
	if err != nil || g.MemberCount != 1 || len(g.Members) != 1 || g.Members[0].LeftOn != nil {
		t.Fatalf("group %+v %v", g, err)
	}

	// Edit with optimistic locking.
	if err := f.db.UpdateGroup(ctx, f.cwA.Scope(), gid, domain.GroupInput{Name: "Norsk B1", Weekdays: []int16{2}, Version: 1}); err != nil {
		t.Fatal(err)
	}
	err = f.db.UpdateGroup(ctx, f.cwA2.Scope(), gid, domain.GroupInput{Name: "Norsk C", Weekdays: []int16{2}, Version: 1})
	var stale *postgres.GroupStaleError
	if !errors.As(err, &stale) || stale.Current.Name != "Norsk B1" || code(err) != domain.ECONFLICT {
		t.Fatalf("stale edit: %v", err)
	}
	if err := f.db.UpdateGroup(ctx, f.cwB.Scope(), gid, domain.GroupInput{Name: "X", Weekdays: []int16{2}, Version: 2}); code(err) != domain.ENOTFOUND {
		t.Errorf("another unit edits: %v", err)
	}
	// Audit: create, update (entity group), add, remove, add (entity group member).
	var n int
	if err := f.db.Pool.QueryRow(ctx, `SELECT count(*) FROM audit_events WHERE entity = $1 AND entity_id = $2`, domain.EntityGroup, gid).Scan(&n); err != nil || n != 2 {
		t.Errorf("group audit rows %d %v, want 2", n, err)
	}
	if err := f.db.Pool.QueryRow(ctx, `SELECT count(*) FROM audit_events WHERE entity = $1 AND entity_id = $2 AND person_id = $3`, domain.EntityGroupMember, gid, kari).Scan(&n); err != nil || n != 3 {
		t.Errorf("member audit rows %d %v, want 3", n, err)
	}
}
