package postgres_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"testing"
	"time"

	"ankomst/internal/domain"
	"ankomst/internal/postgres"
)

func TestReassignPreviewAndApply(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	p1 := clCreate(t, f, f.cwA, input("Amina", "Haidari", f.cwA))
	in2 := input("Yonas", "Tesfaye", nil)
	p2 := clCreate(t, f, f.cwA, in2)
	p3 := clCreate(t, f, f.cwA, input("Olena", "Kovalenko", f.cwA2)) // already the target's
	p4 := clCreate(t, f, f.cwA, input("Ali", "Rahimi", f.cwA))
	f.db.Now = func() time.Time { return time.Date(2026, 3, 15, 0, 0, 0, 0, time.UTC) }
	if _, err := f.db.ClosePerson(ctx, f.cwA.Scope(), p4, domain.CloseInput{ClosedOn: date("2026-03-01"), Reason: domain.CloseOther, Version: 1}); err != nil {
		t.Fatal(err)
	}
	pB := clCreate(t, f, f.cwB, input("Bente", "Berg", f.cwB))
	leader := f.leaderA.Scope()
	ids := []int64{p1, p2, p3, p4, pB, 999999, p1}

	// Only leaders and admins.
	for _, u := range []*domain.User{f.cwA, f.health, f.hou} {
		if _, err := f.db.PreviewReassign(ctx, u.Scope(), ids, f.cwA2.ID); domain.ErrorCode(err) != domain.EFORBIDDEN {
			t.Errorf("%s previewed: %v", u.Role, err)
		}
		if _, err := f.db.ReassignPersons(ctx, u.Scope(), f.cwA2.ID, map[int64]int{p1: 1}); domain.ErrorCode(err) != domain.EFORBIDDEN {
			t.Errorf("%s reassigned: %v", u.Role, err)
		}
	}
	// The target must be a caseworker within scope.
	for _, to := range []int64{f.cwB.ID, f.health.ID, 0} {
		_, err := f.db.PreviewReassign(ctx, leader, ids, to)
		var de *domain.Error
		if !errors.As(err, &de) || de.Code != domain.EINVALID || de.Fields["to"] == "" {
			t.Errorf("target %d: %v", to, err)
		}
	}
	if _, err := f.db.PreviewReassign(ctx, leader, nil, f.cwA2.ID); domain.ErrorCode(err) != domain.EINVALID {
		t.Errorf("nobody chosen: %v", err)
	}

	pv, err := f.db.PreviewReassign(ctx, leader, ids, f.cwA2.ID)
	if err != nil {
		t.Fatal(err)
	}
	var changed, skipped []int64
	for _, c := range pv.Changes {
		changed = append(changed, c.PersonID)
	}
	for _, s := range pv.Skipped {
		skipped = append(skipped, s.PersonID)
	}
	// By name: Haidari, Tesfaye; skipped Kovalenko (already), Rahimi (closed).
	if !slices.Equal(changed, []int64{p1, p2}) || !slices.Equal(skipped, []int64{p3, p4}) || pv.Missing != 2 || pv.ToName != f.cwA2.Name {
		t.Fatalf("preview: changes %v skipped %v missing %d to %q", changed, skipped, pv.Missing, pv.ToName)
	}
	if pv.Changes[0].FromName == nil || *pv.Changes[0].FromName != f.cwA.Name || pv.Changes[1].FromID != nil {
		t.Errorf("preview from: %+v", pv.Changes)
	}
	if clVersion(t, f, p1) != 1 {
		t.Error("the preview saved something")
	}
	expected := map[int64]int{}
	for _, c := range pv.Changes {
		expected[c.PersonID] = c.Version
	}

	// Someone edits p2 after the preview: nothing is saved.
	in2.FamilyName = "Tesfaye-Berhe"
	in2.Version = 1
	if _, err := f.db.UpdatePerson(ctx, f.cwA.Scope(), p2, in2); err != nil {
		t.Fatal(err)
	}
	_, err = f.db.ReassignPersons(ctx, leader, f.cwA2.ID, expected)
	var stale *postgres.ReassignStaleError
	if !errors.As(err, &stale) || len(stale.Changed) != 1 || stale.Changed[0].PersonID != p2 || stale.Missing != 0 {
		t.Fatalf("stale reassign: %v %+v", err, stale)
	}
	clCode(t, err, domain.ECONFLICT)
	var cw *int64
	f.db.Pool.QueryRow(ctx, `SELECT caseworker_id FROM persons WHERE id = $1`, p1).Scan(&cw)
	if cw == nil || *cw != f.cwA.ID || clVersion(t, f, p1) != 1 {
		t.Fatal("a refused reassignment moved p1")
	}
	// A person outside the scope slipped into the form: refused, not named.
	_, err = f.db.ReassignPersons(ctx, leader, f.cwA2.ID, map[int64]int{p1: 1, pB: 1})
	if !errors.As(err, &stale) || stale.Missing != 1 || len(stale.Changed) != 0 {
		t.Fatalf("out-of-scope reassign: %v %+v", err, stale)
	}
	// A previewed closed person: refused.
	_, err = f.db.ReassignPersons(ctx, leader, f.cwA2.ID, map[int64]int{p1: 1, p4: 2})
	if !errors.As(err, &stale) || len(stale.Changed) != 1 || stale.Changed[0].PersonID != p4 {
		t.Fatalf("closed person reassigned: %v", err)
	}

	// A fresh preview applies.
	pv, err = f.db.PreviewReassign(ctx, leader, []int64{p1, p2}, f.cwA2.ID)
	if err != nil {
		t.Fatal(err)
	}
	expected = map[int64]int{}
	for _, c := range pv.Changes {
		expected[c.PersonID] = c.Version
	}
	res, err := f.db.ReassignPersons(ctx, leader, f.cwA2.ID, expected)
	if err != nil {
		t.Fatal(err)
	}
	if res.Moved != 2 || res.ToName != f.cwA2.Name {
		t.Errorf("result %+v", res)
	}
	for _, id := range []int64{p1, p2} {
		f.db.Pool.QueryRow(ctx, `SELECT caseworker_id FROM persons WHERE id = $1`, id).Scan(&cw)
		if cw == nil || *cw != f.cwA2.ID {
			t.Errorf("person %d not moved", id)
		}
		if a := clActions(t, f, id); a[len(a)-1] != "reassign" {
			t.Errorf("person %d audit %v", id, a)
		}
	}
	var raw []byte
	f.db.Pool.QueryRow(ctx, `SELECT changes FROM audit_events WHERE person_id = $1 AND action = 'reassign' AND user_id = $2`, p1, f.leaderA.ID).Scan(&raw)
	var ch map[string]domain.Change
	json.Unmarshal(raw, &ch)
	if ch["caseworker_id"].Old == "" || ch["caseworker_id"].New == ch["caseworker_id"].Old {
		t.Errorf("reassign audit changes %s", raw)
	}
	// Applying the same preview twice is refused (the versions moved on).
	if _, err := f.db.ReassignPersons(ctx, leader, f.cwA2.ID, expected); !errors.As(err, &stale) {
		t.Errorf("double submit: %v", err)
	}

	// An admin sees every unit, but a person only moves within their unit.
	pv, err = f.db.PreviewReassign(ctx, f.admin.Scope(), []int64{pB, p3}, f.cwA.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(pv.Changes) != 1 || pv.Changes[0].PersonID != p3 || len(pv.Skipped) != 1 || pv.Skipped[0].PersonID != pB || pv.Missing != 0 {
		t.Errorf("admin preview: %+v", pv)
	}
}

func TestCaseloadCountsAndPersons(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	a1 := clCreate(t, f, f.cwA, input("Amina", "Haidari", f.cwA))
	clCreate(t, f, f.cwA, input("Yonas", "Tesfaye", f.cwA))
	a3 := clCreate(t, f, f.cwA, input("Olena", "Kovalenko", f.cwA2))
	un := clCreate(t, f, f.cwA, input("Ali", "Rahimi", nil))
	closed := clCreate(t, f, f.cwA, input("Sara", "Ahmadi", f.cwA))
	f.db.Now = func() time.Time { return time.Date(2026, 3, 15, 0, 0, 0, 0, time.UTC) }
	if _, err := f.db.ClosePerson(ctx, f.cwA.Scope(), closed, domain.CloseInput{ClosedOn: date("2026-03-01"), Reason: domain.CloseOther, Version: 1}); err != nil {
		t.Fatal(err)
	}
	clCreate(t, f, f.cwB, input("Bente", "Berg", f.cwB))

	if _, err := f.db.CaseloadCounts(ctx, f.cwA.Scope()); domain.ErrorCode(err) != domain.EFORBIDDEN {
		t.Errorf("caseworker saw the counts: %v", err)
	}
	if _, err := f.db.CaseloadPersons(ctx, f.health.Scope(), postgres.CaseloadQuery{}); domain.ErrorCode(err) != domain.EFORBIDDEN {
		t.Errorf("health saw the caseload: %v", err)
	}
	cl, err := f.db.CaseloadCounts(ctx, f.leaderA.Scope())
	if err != nil {
		t.Fatal(err)
	}
	got := map[int64]int{}
	for _, c := range cl.Counts {
		got[c.UserID] = c.Persons
	}
	want := map[int64]int{f.cwA.ID: 2, f.cwA2.ID: 1, f.leaderA.ID: 0}
	if len(got) != len(want) || cl.Unassigned != 1 {
		t.Errorf("counts %v unassigned %d, want %v and 1", got, cl.Unassigned, want)
	}
	for id, n := range want {
		if got[id] != n {
			t.Errorf("user %d has %d, want %d", id, got[id], n)
		}
	}
	all, err := f.db.CaseloadCounts(ctx, f.admin.Scope())
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int64]bool{}
	for _, c := range all.Counts {
		seen[c.UserID] = true
	}
	if !seen[f.cwB.ID] || !seen[f.cwA.ID] || all.Unassigned != 1 {
		t.Errorf("admin counts: %+v", all)
	}

	// The list: active only, filtered by caseworker, paged by name.
	page, err := f.db.CaseloadPersons(ctx, f.leaderA.Scope(), postgres.CaseloadQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Rows) != 4 || page.HasNext {
		t.Errorf("leader's list: %d rows", len(page.Rows))
	}
	page, _ = f.db.CaseloadPersons(ctx, f.leaderA.Scope(), postgres.CaseloadQuery{Caseworker: f.cwA2.ID})
	if len(page.Rows) != 1 || page.Rows[0].ID != a3 {
		t.Errorf("filter by caseworker: %+v", page.Rows)
	}
	page, _ = f.db.CaseloadPersons(ctx, f.leaderA.Scope(), postgres.CaseloadQuery{Caseworker: postgres.UnassignedCaseworker})
	if len(page.Rows) != 1 || page.Rows[0].ID != un {
		t.Errorf("unassigned: %+v", page.Rows)
	}
	page, _ = f.db.CaseloadPersons(ctx, f.leaderA.Scope(), postgres.CaseloadQuery{Limit: 2})
	if len(page.Rows) != 2 || !page.HasNext || page.Rows[0].ID != a1 {
		t.Fatalf("first page: %+v", page)
	}
	next, _ := f.db.CaseloadPersons(ctx, f.leaderA.Scope(), postgres.CaseloadQuery{Limit: 2, After: page.Rows[1].ID})
	if len(next.Rows) != 2 || next.HasNext || next.Rows[0].ID == page.Rows[1].ID {
		t.Errorf("second page: %+v", next)
	}
	// A cursor from another unit gives nothing away.
	var bID int64
	f.db.Pool.QueryRow(ctx, `SELECT id FROM persons WHERE unit_id = $1`, f.unitB).Scan(&bID)
	if p, _ := f.db.CaseloadPersons(ctx, f.leaderA.Scope(), postgres.CaseloadQuery{After: bID}); len(p.Rows) != 0 {
		t.Errorf("foreign cursor: %d rows", len(p.Rows))
	}
	ap, _ := f.db.CaseloadPersons(ctx, f.admin.Scope(), postgres.CaseloadQuery{})
	if len(ap.Rows) != 5 {
		t.Errorf("admin sees %d active cases, want 5", len(ap.Rows))
	}

	// The overview in one read: the targets are the scope's caseworkers and leaders.
	ov, err := f.db.CaseloadOverview(ctx, f.leaderA.Scope(), postgres.CaseloadQuery{Caseworker: f.cwA.ID})
	if err != nil {
		t.Fatal(err)
	}
	var targets []int64
	for _, u := range ov.Targets {
		targets = append(targets, u.ID)
	}
	slices.Sort(targets)
	want2 := []int64{f.cwA.ID, f.cwA2.ID, f.leaderA.ID}
	slices.Sort(want2)
	if !slices.Equal(targets, want2) || len(ov.Page.Rows) != 2 || ov.Unassigned != 1 {
		t.Errorf("overview: targets %v (want %v), %d rows", targets, want2, len(ov.Page.Rows))
	}
	if _, err := f.db.CaseloadOverview(ctx, f.cwA.Scope(), postgres.CaseloadQuery{}); domain.ErrorCode(err) != domain.EFORBIDDEN {
		t.Errorf("caseworker overview: %v", err)
	}
}
