package postgres_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"ankomst/internal/domain"
	"ankomst/internal/postgres"
)

// wlNow is the worklist tests' today: 2026-12-01.
func wlNow() time.Time { return time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC) }

// wlItem inserts a health item by SQL (the checklist's creation is another
// part's); due is days from wlNow (negative: overdue).
func wlItem(t *testing.T, f *fixture, personID int64, kind, status string, due int) int64 {
	t.Helper()
	var doneOn *time.Time
	if status == "done" {
		d := wlNow().AddDate(0, 0, due)
		doneOn = &d
	}
	// The person's checklist from CreatePerson is set aside first (not
	// relevant), so only the items a test sets up are open.
	var id int64
	if _, err := f.db.Pool.Exec(context.Background(), `UPDATE health_items SET status = 'not_relevant', not_relevant_reason = 'test', version = version + 10
		WHERE person_id = $1 AND version = 1`, personID); err != nil {
		t.Fatal(err)
	}
	if err := f.db.Pool.QueryRow(context.Background(), `INSERT INTO health_items (person_id, kind, status, due_date, done_on, version)
		VALUES ($1, $2, $3, $4::date, $5::date, 2)
		ON CONFLICT (person_id, kind) DO UPDATE SET status = EXCLUDED.status, due_date = EXCLUDED.due_date,
			done_on = EXCLUDED.done_on, not_relevant_reason = '', version = health_items.version + 1 RETURNING id`, personID, kind, status, domain.Date(wlNow()).AddDate(0, 0, due), doneOn).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

func wlAuditCount(t *testing.T, f *fixture, personID int64) int {
	t.Helper()
	var n int
	if err := f.db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_events
		WHERE person_id = $1 AND entity = 'health_items' AND action = 'view' AND details->>'purpose' = 'worklist'`, personID).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestHealthWorklistScopeAndAudit(t *testing.T) {
	f := newFixture(t)
	f.db.Now = wlNow
	ctx := context.Background()
	healthB := mkUser(t, f.db, "health-b@x.no", domain.RoleHealth, "B")
	a1 := clCreate(t, f, f.cwA, input("Amina", "Haidari", f.cwA))
	a2 := clCreate(t, f, f.cwA, input("Omar", "Said", f.cwA))
	a3 := clCreate(t, f, f.cwA, input("Lina", "Farah", f.cwA))
	b1 := clCreate(t, f, f.cwB, input("Yusuf", "Ali", f.cwB))
	overdue := wlItem(t, f, a1, "tb_screening", "not_started", -20)
	booked := wlItem(t, f, a1, "health_check", "booked", 3)
	soon := wlItem(t, f, a2, "vaccines", "not_started", 14)
	wlItem(t, f, a2, "gp", "not_started", 15)     // beyond the horizon
	wlItem(t, f, a2, "tb_screening", "done", -30) // done: not open
	wlItem(t, f, a3, "mental_health", "declined", -5)
	wlItem(t, f, b1, "tb_screening", "not_started", -3) // another unit

	for _, u := range []*domain.User{f.cwA, f.leaderA, f.hou, f.admin} {
		if _, err := f.db.HealthWorklist(ctx, u.Scope(), postgres.WorklistQuery{}); domain.ErrorCode(err) != domain.EFORBIDDEN {
			t.Errorf("%s read the worklist: %v", u.Role, err)
		}
	}
	if n := wlAuditCount(t, f, a1); n != 0 {
		t.Fatalf("a refused read logged %d rows", n)
	}

	page, err := f.db.HealthWorklist(ctx, f.health.Scope(), postgres.WorklistQuery{})
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, r := range page.Rows {
		ids = append(ids, r.ID)
	}
	if len(ids) != 3 || ids[0] != overdue || ids[1] != booked || ids[2] != soon || page.HasNext {
		t.Fatalf("worklist ids %v (want %d %d %d)", ids, overdue, booked, soon)
	}
	if r := page.Rows[0]; r.DaysOverdue != 20 || r.PersonName != "Amina Haidari" || r.Languages[0] != "ar" {
		t.Errorf("first row %+v", r)
	}
	if page.Rows[2].DaysOverdue != -14 {
		t.Errorf("due soon: days %d", page.Rows[2].DaysOverdue)
	}
	// One access-log row per person shown, with the purpose, none for others.
	if a, b, c, d := wlAuditCount(t, f, a1), wlAuditCount(t, f, a2), wlAuditCount(t, f, a3), wlAuditCount(t, f, b1); a != 1 || b != 1 || c != 0 || d != 0 {
		t.Errorf("access-log rows %d %d %d %d, want 1 1 0 0", a, b, c, d)
	}
	var uid int64
	var role string
	if err := f.db.Pool.QueryRow(ctx, `SELECT user_id, user_role FROM audit_events WHERE person_id = $1 AND entity = 'health_items'`, a1).Scan(&uid, &role); err != nil || uid != f.health.ID || role != "health" {
		t.Errorf("logged by %d %q: %v", uid, role, err)
	}

	// Another unit's health worker sees only theirs.
	pb, err := f.db.HealthWorklist(ctx, healthB.Scope(), postgres.WorklistQuery{})
	if err != nil || len(pb.Rows) != 1 || pb.Rows[0].PersonID != b1 {
		t.Errorf("unit B worklist %+v %v", pb.Rows, err)
	}

	// Kind filter, descending, keyset paging; the peeked row is not logged.
	pk, err := f.db.HealthWorklist(ctx, f.health.Scope(), postgres.WorklistQuery{Kind: "vaccines"})
	if err != nil || len(pk.Rows) != 1 || pk.Rows[0].ID != soon {
		t.Errorf("kind filter %+v %v", pk.Rows, err)
	}
	if _, err := f.db.HealthWorklist(ctx, f.health.Scope(), postgres.WorklistQuery{Kind: "x'--"}); domain.ErrorCode(err) != domain.EINVALID {
		t.Errorf("bad kind: %v", err)
	}
	before := wlAuditCount(t, f, a1)
	p1, err := f.db.HealthWorklist(ctx, f.health.Scope(), postgres.WorklistQuery{Desc: true, Limit: 1})
	if err != nil || len(p1.Rows) != 1 || p1.Rows[0].ID != soon || !p1.HasNext {
		t.Fatalf("desc page 1 %+v %v", p1, err)
	}
	if wlAuditCount(t, f, a1) != before {
		t.Errorf("the peeked row's person was logged")
	}
	c := p1.Rows[0].Cursor()
	if got, ok := postgres.ParseWorklistCursor(c.String()); !ok || got != c {
		t.Errorf("cursor round trip %v %v", got, ok)
	}
	p2, err := f.db.HealthWorklist(ctx, f.health.Scope(), postgres.WorklistQuery{Desc: true, Limit: 1, After: &c})
	if err != nil || len(p2.Rows) != 1 || p2.Rows[0].ID != booked || !p2.HasNext {
		t.Fatalf("desc page 2 %+v %v", p2, err)
	}
	p3c := p2.Rows[0].Cursor()
	p3, err := f.db.HealthWorklist(ctx, f.health.Scope(), postgres.WorklistQuery{Desc: true, Limit: 1, After: &p3c})
	if err != nil || len(p3.Rows) != 1 || p3.Rows[0].ID != overdue || p3.HasNext {
		t.Fatalf("desc page 3 %+v %v", p3, err)
	}
}

func TestHealthCountsLeadersOnly(t *testing.T) {
	f := newFixture(t)
	f.db.Now = wlNow
	ctx := context.Background()
	leaderB := mkUser(t, f.db, "leader-b@x.no", domain.RoleLeader, "B")
	// Arrival 2026-01-05, settled 2026-02-01 (input's dates).
	a1 := clCreate(t, f, f.cwA, input("Amina", "Haidari", f.cwA))
	a2 := clCreate(t, f, f.cwA, input("Omar", "Said", f.cwA))
	b1 := clCreate(t, f, f.cwB, input("Yusuf", "Ali", f.cwB))
	wlItem(t, f, a1, "tb_screening", "not_started", -2)
	wlItem(t, f, a1, "gp", "booked", 5)
	wlItem(t, f, b1, "tb_screening", "not_started", -2)
	exec := func(sql string, args ...any) {
		if _, err := f.db.Pool.Exec(ctx, sql, args...); err != nil {
			t.Fatal(err)
		}
	}
	// TB done 10 days after arrival for a2; GP done for a2.
	exec(`UPDATE health_items SET status = 'not_relevant', not_relevant_reason = 'test' WHERE person_id = $1`, a2)
	exec(`INSERT INTO health_items (person_id, kind, status, due_date, done_on) VALUES ($1, 'tb_screening', 'done', '2026-01-19', '2026-01-15'), ($1, 'gp', 'done', '2026-05-01', '2026-03-01')
		ON CONFLICT (person_id, kind) DO UPDATE SET status = EXCLUDED.status, due_date = EXCLUDED.due_date, done_on = EXCLUDED.done_on, not_relevant_reason = ''`, a2)

	for _, u := range []*domain.User{f.cwA, f.health, f.hou} {
		if _, err := f.db.HealthCounts(ctx, u.Scope(), 0); domain.ErrorCode(err) != domain.EFORBIDDEN {
			t.Errorf("%s read the counts: %v", u.Role, err)
		}
	}
	if _, err := f.db.HealthCounts(ctx, leaderB.Scope(), f.unitA); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Errorf("leader of B asked for A: %v", err)
	}
	c, err := f.db.HealthCounts(ctx, f.leaderA.Scope(), 0)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][2]int{}
	for _, k := range c.Kinds {
		got[k.Kind] = [2]int{k.Open, k.Overdue}
	}
	if len(c.Kinds) != 6 || got["tb_screening"] != [2]int{1, 1} || got["gp"] != [2]int{1, 0} || got["vaccines"] != [2]int{} {
		t.Errorf("kinds %v", got)
	}
	if c.MedianTBDays == nil || *c.MedianTBDays != 10 || c.TBDone != 1 {
		t.Errorf("median TB %v (%d)", c.MedianTBDays, c.TBDone)
	}
	if c.Settled != 2 || c.WithGP != 1 || c.GPShare() != 50 {
		t.Errorf("GP share %d of %d", c.WithGP, c.Settled)
	}
	// Admins: every unit, or the one chosen.
	all, err := f.db.HealthCounts(ctx, f.admin.Scope(), 0)
	if err != nil || all.Kinds[0].Open != 2 || all.Settled != 3 {
		t.Errorf("admin all units %+v %v", all, err)
	}
	onlyB, err := f.db.HealthCounts(ctx, f.admin.Scope(), f.unitB)
	if err != nil || onlyB.Kinds[0].Open != 1 || onlyB.Settled != 1 || onlyB.MedianTBDays != nil {
		t.Errorf("admin unit B %+v %v", onlyB, err)
	}
	// Counts read nothing person-level and log nothing.
	var n int
	f.db.Pool.QueryRow(ctx, `SELECT count(*) FROM audit_events WHERE entity LIKE 'health%'`).Scan(&n)
	if n != 0 {
		t.Errorf("counts logged %d rows", n)
	}
}

func TestPersonHealthAccessReport(t *testing.T) {
	f := newFixture(t)
	f.db.Now = wlNow
	ctx := context.Background()
	leaderB := mkUser(t, f.db, "leader-b@x.no", domain.RoleLeader, "B")
	a1 := clCreate(t, f, f.cwA, input("Amina", "Haidari", f.cwA))
	wlItem(t, f, a1, "tb_screening", "not_started", -2)
	for range 3 {
		if _, err := f.db.HealthWorklist(ctx, f.health.Scope(), postgres.WorklistQuery{}); err != nil {
			t.Fatal(err)
		}
	}
	// A non-health event of the person stays out.
	if _, err := f.db.GetPerson(ctx, f.cwA.Scope(), a1); err != nil {
		t.Fatal(err)
	}
	for _, u := range []*domain.User{f.cwA, f.health, f.hou} {
		if _, err := f.db.PersonHealthAccess(ctx, u.Scope(), a1, 0, 0); domain.ErrorCode(err) != domain.EFORBIDDEN {
			t.Errorf("%s read the report: %v", u.Role, err)
		}
		if err := f.db.ExportPersonHealthAccess(ctx, u.Scope(), a1, func(postgres.AuditEvent) error { return nil }); domain.ErrorCode(err) != domain.EFORBIDDEN {
			t.Errorf("%s exported the report: %v", u.Role, err)
		}
	}
	if _, err := f.db.PersonHealthAccess(ctx, leaderB.Scope(), a1, 0, 0); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Errorf("other unit: %v", err)
	}
	page, err := f.db.PersonHealthAccess(ctx, f.leaderA.Scope(), a1, 0, 2)
	if err != nil {
		t.Fatal(err)
	}
	if page.PersonName != "Amina Haidari" || len(page.Events) != 2 || !page.HasMore {
		t.Fatalf("page 1 %+v", page)
	}
	if e := page.Events[0]; e.Entity != "health_items" || postgres.HealthPurposeOf(e) != "worklist" || e.UserRole != "health" {
		t.Errorf("event %+v", e)
	}
	page2, err := f.db.PersonHealthAccess(ctx, f.leaderA.Scope(), a1, page.Events[1].ID, 2)
	if err != nil || len(page2.Events) != 1 || page2.HasMore || page2.Events[0].Entity != "health_items" {
		t.Fatalf("page 2 %+v %v", page2, err)
	}
	// The report's own reads are in it, newest first.
	again, err := f.db.PersonHealthAccess(ctx, f.leaderA.Scope(), a1, 0, 2)
	if err != nil || again.Events[0].Entity != postgres.EntityHealthAccess || again.Events[0].Action != "view_audit" {
		t.Errorf("the report's own read is not in it: %+v %v", again.Events, err)
	}
	var rows int
	if err := f.db.ExportPersonHealthAccess(ctx, f.admin.Scope(), a1, func(e postgres.AuditEvent) error {
		if !strings.HasPrefix(e.Entity, "health") {
			t.Errorf("exported a non-health event %s", e.Entity)
		}
		rows++
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	var exports int
	f.db.Pool.QueryRow(ctx, `SELECT count(*) FROM audit_events WHERE person_id = $1 AND entity = 'health_access' AND action = 'export_audit' AND user_id = $2`, a1, f.admin.ID).Scan(&exports)
	// 3 reads, 3 report reads, the export itself.
	if exports != 1 || rows != 7 {
		t.Errorf("export: %d audit rows, %d exported rows", exports, rows)
	}
}
