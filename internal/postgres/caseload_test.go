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

func TestCloseAndReopenPerson(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.db.Now = func() time.Time { return time.Date(2026, 3, 15, 10, 0, 0, 0, time.UTC) }
	in := input("Amina", "Haidari", f.cwA) // arrival 2026-01-05, settlement 2026-02-01
	id := clCreate(t, f, f.cwA, in)
	other := clCreate(t, f, f.cwA, input("Yonas", "Tesfaye", f.cwA))
	s := f.cwA.Scope()

	// Before the settlement date: refused, with the field's message.
	_, err := f.db.ClosePerson(ctx, s, id, domain.CloseInput{ClosedOn: date("2026-01-31"), Reason: domain.CloseMoved, Version: 1})
	clCode(t, err, domain.EINVALID)
	var de *domain.Error
	if !errors.As(err, &de) || de.Fields["closed_on"] == "" {
		t.Errorf("no closed_on message: %v", err)
	}
	// In the future (the store's today, not the machine's): refused.
	_, err = f.db.ClosePerson(ctx, s, id, domain.CloseInput{ClosedOn: date("2026-03-16"), Reason: domain.CloseMoved, Version: 1})
	clCode(t, err, domain.EINVALID)
	// A stale version: refused with the stored person.
	_, err = f.db.ClosePerson(ctx, s, id, domain.CloseInput{ClosedOn: date("2026-03-01"), Reason: domain.CloseMoved, Version: 7})
	var stale *postgres.CaseStaleError
	if !errors.As(err, &stale) || stale.Current.Version != 1 {
		t.Fatalf("stale close: %v", err)
	}
	clCode(t, err, domain.ECONFLICT)
	// Roles and scope.
	_, err = f.db.ClosePerson(ctx, f.health.Scope(), id, domain.CloseInput{ClosedOn: date("2026-03-01"), Reason: domain.CloseMoved, Version: 1})
	clCode(t, err, domain.EFORBIDDEN)
	_, err = f.db.ClosePerson(ctx, f.cwB.Scope(), id, domain.CloseInput{ClosedOn: date("2026-03-01"), Reason: domain.CloseMoved, Version: 1})
	clCode(t, err, domain.ENOTFOUND)
	if v := clVersion(t, f, id); v != 1 {
		t.Fatalf("refused closings changed the version to %d", v)
	}

	p, err := f.db.ClosePerson(ctx, s, id, domain.CloseInput{ClosedOn: date("2026-03-01"), Reason: domain.CloseMoved, Version: 1})
	if err != nil {
		t.Fatal(err)
	}
	if p.Status != domain.StatusClosed || p.Version != 2 {
		t.Errorf("closed person: status %s version %d", p.Status, p.Version)
	}
	c, err := f.db.PersonClosure(ctx, s, id)
	if err != nil {
		t.Fatal(err)
	}
	if c.Status != "closed" || c.ClosedOn == nil || !c.ClosedOn.Equal(date("2026-03-01")) || c.CloseReason == nil || *c.CloseReason != "moved" {
		t.Errorf("closure = %+v", c)
	}
	if _, err := f.db.PersonClosure(ctx, f.cwB.Scope(), id); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Errorf("closure outside scope: %v", err)
	}
	var changes map[string]domain.Change
	var raw []byte
	if err := f.db.Pool.QueryRow(ctx, `SELECT changes FROM audit_events WHERE person_id = $1 AND action = 'close'`, id).Scan(&raw); err != nil {
		t.Fatal(err)
	}
	json.Unmarshal(raw, &changes)
	if changes["status"].New != "closed" || changes["closed_on"].New != "2026-03-01" || changes["close_reason"].New != "moved" {
		t.Errorf("close audit changes = %s", raw)
	}
	// Closing again is a conflict.
	_, err = f.db.ClosePerson(ctx, s, id, domain.CloseInput{ClosedOn: date("2026-03-01"), Reason: domain.CloseMoved, Version: 2})
	clCode(t, err, domain.ECONFLICT)

	// Closed people leave the active lists and stay searchable.
	for _, q := range []postgres.PersonQuery{{}, {Mine: true}} {
		page, err := f.db.ListPersons(ctx, s, q)
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Rows) != 1 || page.Rows[0].ID != other {
			t.Errorf("list %+v shows %v, want only the active person", q, page.Rows)
		}
	}
	page, _ := f.db.ListPersons(ctx, s, postgres.PersonQuery{Q: "haidari"})
	if len(page.Rows) != 1 || page.Rows[0].ID != id || page.Rows[0].Status != "closed" {
		t.Errorf("search for a closed person: %+v", page.Rows)
	}
	page, _ = f.db.ListPersons(ctx, s, postgres.PersonQuery{Q: *in.NationalID})
	if len(page.Rows) != 1 || page.Rows[0].ID != id {
		t.Errorf("national ID search for a closed person: %+v", page.Rows)
	}
	page, _ = f.db.ListPersons(ctx, s, postgres.PersonQuery{Closed: true})
	if len(page.Rows) != 1 || page.Rows[0].ID != id {
		t.Errorf("closed list: %+v", page.Rows)
	}
	if page, _ := f.db.ListPersons(ctx, s, postgres.PersonQuery{Closed: true, Q: "tesfaye"}); len(page.Rows) != 0 {
		t.Errorf("a search among closed cases found an active one: %+v", page.Rows)
	}

	// Reopen: stale refused, then active again with the closing cleared.
	if _, err := f.db.ReopenPerson(ctx, s, id, 1); !errors.As(err, &stale) {
		t.Fatalf("stale reopen: %v", err)
	}
	if _, err := f.db.ReopenPerson(ctx, f.hou.Scope(), id, 2); domain.ErrorCode(err) != domain.EFORBIDDEN {
		t.Errorf("housing reopened: %v", err)
	}
	p, err = f.db.ReopenPerson(ctx, s, id, 2)
	if err != nil {
		t.Fatal(err)
	}
	if p.Status != "active" || p.Version != 3 {
		t.Errorf("reopened: %+v", p)
	}
	if c, _ := f.db.PersonClosure(ctx, s, id); c.ClosedOn != nil || c.CloseReason != nil || c.Status != "active" {
		t.Errorf("closure after reopening = %+v", c)
	}
	if _, err := f.db.ReopenPerson(ctx, s, id, 3); domain.ErrorCode(err) != domain.ECONFLICT {
		t.Errorf("reopening an active case: %v", err)
	}
	if got := clActions(t, f, id); !slices.Equal(got, []string{"create", "close", "reopen"}) {
		t.Errorf("audit = %v", got)
	}
	// A closed case cannot be active with an end date (the schema agrees).
	if _, err := f.db.Pool.Exec(ctx, `UPDATE persons SET closed_on = '2026-01-01' WHERE id = $1`, id); err == nil {
		t.Error("an active case took an end date")
	}
}

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

func TestChangedSinceLastSeen(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	in := input("Amina", "Haidari", f.cwA)
	id := clCreate(t, f, f.cwA, in)
	bID := clCreate(t, f, f.cwB, input("Bente", "Berg", f.cwB))
	s := f.cwA.Scope()
	check := func(what string, never bool, changes int, fields ...string) {
		t.Helper()
		m, err := f.db.ChangedSinceLastSeen(ctx, s, []int64{id, bID})
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := m[bID]; ok {
			t.Errorf("%s: a person outside the scope is in the answer", what)
		}
		c := m[id]
		if c.Never != never || c.Changes != changes || (fields != nil && !slices.Equal(c.Fields, fields)) {
			t.Errorf("%s: got %+v, want never=%v changes=%d fields=%v", what, c, never, changes, fields)
		}
	}
	check("registered by the user, never opened", true, 0)
	m, _ := f.db.ChangedSinceLastSeen(ctx, s, []int64{id})
	if m[id].New() || m[id].Changed() {
		t.Errorf("own registration is news: %+v", m[id])
	}
	// Registered by a colleague for the user: new to the user.
	byOther := clCreate(t, f, f.cwA2, input("Yonas", "Tesfaye", f.cwA))
	m, _ = f.db.ChangedSinceLastSeen(ctx, s, []int64{byOther})
	if !m[byOther].New() || m[byOther].Changed() || !slices.Equal(m[byOther].Actions, []string{"create"}) {
		t.Errorf("registered by a colleague: %+v", m[byOther])
	}
	if _, err := f.db.GetPerson(ctx, s, id); err != nil {
		t.Fatal(err)
	}
	check("just opened", false, 0)
	// A colleague reads: not a change. A colleague edits: a change.
	if _, err := f.db.GetPerson(ctx, f.cwA2.Scope(), id); err != nil {
		t.Fatal(err)
	}
	check("a colleague read", false, 0)
	edit := in
	edit.InterpreterNeeded, edit.InterpreterLanguage = true, "ar"
	edit.Version = 1
	if _, err := f.db.UpdatePerson(ctx, f.cwA2.Scope(), id, edit); err != nil {
		t.Fatal(err)
	}
	check("a colleague edited", false, 1, "interpreter_language", "interpreter_needed")
	m, _ = f.db.ChangedSinceLastSeen(ctx, s, []int64{id})
	if !slices.Equal(m[id].Actions, []string{"update"}) || m[id].LastAt.IsZero() || !m[id].Changed() {
		t.Errorf("actions %+v", m[id])
	}
	// The user's own edit is not news to them.
	edit.InterpreterDialect = "levantinsk"
	edit.Version = 2
	if _, err := f.db.UpdatePerson(ctx, s, id, edit); err != nil {
		t.Fatal(err)
	}
	check("own edit", false, 1)
	// Opening the person again clears it.
	if _, err := f.db.GetPerson(ctx, s, id); err != nil {
		t.Fatal(err)
	}
	check("opened again", false, 0)
	var n int
	f.db.Pool.QueryRow(ctx, `SELECT count(*) FROM person_last_seen WHERE person_id = $1`, id).Scan(&n)
	if n != 2 {
		t.Errorf("%d last-seen rows, want 2 (one per user)", n)
	}
	if m, err := f.db.ChangedSinceLastSeen(ctx, s, nil); err != nil || len(m) != 0 {
		t.Errorf("no ids: %v %v", m, err)
	}
}

func TestPersonAuditPagingFilterAndExport(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	leaderB := mkUser(t, f.db, "leader-b@x.no", domain.RoleLeader, "B")
	in := input("Amina", "Haidari", f.cwA)
	id := clCreate(t, f, f.cwA, in)
	for range 3 {
		if _, err := f.db.GetPerson(ctx, f.cwA2.Scope(), id); err != nil {
			t.Fatal(err)
		}
	}
	in.FamilyName = "Haidari-Rahimi"
	in.Version = 1
	if _, err := f.db.UpdatePerson(ctx, f.cwA.Scope(), id, in); err != nil {
		t.Fatal(err)
	}
	// Events: create, view ×3, update.

	for _, u := range []*domain.User{f.cwA, f.health, f.hou} {
		if _, err := f.db.PersonAudit(ctx, u.Scope(), id, postgres.AuditQuery{}); domain.ErrorCode(err) != domain.EFORBIDDEN {
			t.Errorf("%s read the access log: %v", u.Role, err)
		}
		if err := f.db.ExportPersonAudit(ctx, u.Scope(), id, "", func(postgres.AuditEvent) error { return nil }); domain.ErrorCode(err) != domain.EFORBIDDEN {
			t.Errorf("%s exported the access log: %v", u.Role, err)
		}
	}
	if _, err := f.db.PersonAudit(ctx, leaderB.Scope(), id, postgres.AuditQuery{}); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Errorf("leader of another unit: %v", err)
	}
	if _, err := f.db.PersonAudit(ctx, f.leaderA.Scope(), id, postgres.AuditQuery{Action: "x'; --"}); domain.ErrorCode(err) != domain.EINVALID {
		t.Errorf("a bad action filter: %v", err)
	}

	ls := f.leaderA.Scope()
	page, err := f.db.PersonAudit(ctx, ls, id, postgres.AuditQuery{Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	if page.PersonName != "Amina Haidari-Rahimi" {
		t.Errorf("person name %q", page.PersonName)
	}
	if len(page.Events) != 2 || !page.HasMore || page.Events[0].Action != "update" || page.Events[1].Action != "view" {
		t.Fatalf("first page: %+v", page)
	}
	if e := page.Events[0]; e.UserName == nil || *e.UserName != f.cwA.Name || e.UserRole != "caseworker" ||
		!slices.Equal(e.ChangedFields(), []string{"family_name"}) {
		t.Errorf("update event: %+v fields %v", e, e.ChangedFields())
	}
	var all []postgres.AuditEvent
	all = append(all, page.Events...)
	for page.HasMore {
		page, err = f.db.PersonAudit(ctx, ls, id, postgres.AuditQuery{Limit: 2, Before: page.Events[len(page.Events)-1].ID})
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, page.Events...)
	}
	var actions []string
	for _, e := range all {
		actions = append(actions, e.Action)
	}
	// The first read of the log is in it from the second page on.
	if !slices.Equal(actions, []string{"update", "view", "view", "view", "create"}) {
		t.Errorf("paged actions = %v", actions)
	}
	page, _ = f.db.PersonAudit(ctx, ls, id, postgres.AuditQuery{Action: "view"})
	if len(page.Events) != 3 {
		t.Errorf("filter view: %d events", len(page.Events))
	}
	page, _ = f.db.PersonAudit(ctx, ls, id, postgres.AuditQuery{Action: "view_audit"})
	if len(page.Events) < 4 || *page.Events[0].UserID != f.leaderA.ID {
		t.Errorf("the log's own reads are not audited: %d", len(page.Events))
	}

	// Export: audited before the rows, all rows, and audited even when the
	// download breaks off.
	var exported []string
	if err := f.db.ExportPersonAudit(ctx, ls, id, "", func(e postgres.AuditEvent) error {
		exported = append(exported, e.Action)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(exported) < 6 || exported[0] != "export_audit" {
		t.Errorf("export rows: %v", exported)
	}
	boom := errors.New("client went away")
	if err := f.db.ExportPersonAudit(ctx, ls, id, "update", func(postgres.AuditEvent) error { return boom }); !errors.Is(err, boom) {
		t.Errorf("export error: %v", err)
	}
	var n int
	f.db.Pool.QueryRow(ctx, `SELECT count(*) FROM audit_events WHERE person_id = $1 AND action = 'export_audit' AND user_id = $2`, id, f.leaderA.ID).Scan(&n)
	if n != 2 {
		t.Errorf("%d export audit rows, want 2", n)
	}
	if err := f.db.ExportPersonAudit(ctx, leaderB.Scope(), id, "", func(postgres.AuditEvent) error { return nil }); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Errorf("export by another unit's leader: %v", err)
	}
}
