package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"ankomst/internal/domain"
	"ankomst/internal/postgres"
)

// dlFixture is the persons fixture with a fixed today.
func dlFixture(t *testing.T, today string) *fixture {
	t.Helper()
	f := newFixture(t)
	now := date(today).Add(12 * time.Hour)
	f.db.Now = func() time.Time { return now }
	return f
}

// dlPerson creates a person in the user's unit with the dates ("" for none).
func dlPerson(t *testing.T, f *fixture, u *domain.User, cw *domain.User, arrival, settlement string) int64 {
	t.Helper()
	in := input("Dl", "Person", cw)
	in.ArrivalDate, in.SettlementDate = nil, nil
	if arrival != "" {
		in.ArrivalDate = ptr(date(arrival))
	}
	if settlement != "" {
		in.SettlementDate = ptr(date(settlement))
	}
	id, err := f.db.CreatePerson(context.Background(), u.Scope(), in)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// dues maps kind → due date (YYYY-MM-DD) of a person's deadlines and tasks.
func dues(ds []domain.Deadline) map[string]string {
	m := map[string]string{}
	for _, d := range ds {
		k := d.Kind
		if k == domain.KindTask {
			k = "task:" + d.Title
		}
		m[k] = d.Due.Format("2006-01-02")
	}
	return m
}

func countAudit(t *testing.T, f *fixture, where string, args ...any) int {
	t.Helper()
	var n int
	if err := f.db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_events WHERE `+where, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestDeadlinesFollowThePersonsDates(t *testing.T) {
	f := dlFixture(t, "2026-03-10")
	ctx := context.Background()
	s := f.cwA.Scope()
	id := dlPerson(t, f, f.cwA, f.cwA, "2026-01-05", "2026-02-01")

	ds, err := f.db.PersonDeadlines(ctx, s, id)
	if err != nil {
		t.Fatal(err)
	}
	// The caseworker sees the two non-health deadlines, in due order.
	if got := dues(ds); len(got) != 2 || got[domain.KindNIRSettlement] != "2026-04-01" || got[domain.KindProgrammeOffer] != "2026-05-01" {
		t.Fatalf("caseworker sees %v", got)
	}
	if ds[0].Kind != domain.KindNIRSettlement || ds[0].Status != domain.DeadlineOpen || ds[0].Version != 1 || ds[0].ID == 0 || ds[0].PersonName != "Dl Person" {
		t.Errorf("first deadline %+v", ds[0])
	}
	// The health role sees all four; TB was due 19 January: overdue on 10 March.
	hs, err := f.db.PersonDeadlines(ctx, f.health.Scope(), id)
	if err != nil {
		t.Fatal(err)
	}
	if got := dues(hs); len(got) != 4 || got[domain.KindTBScreening] != "2026-01-19" || got[domain.KindHealthCheck] != "2026-04-05" {
		t.Fatalf("health sees %v", got)
	}
	if hs[0].Kind != domain.KindTBScreening || hs[0].Status != domain.DeadlineOverdue || !hs[0].Health {
		t.Errorf("first health deadline %+v", hs[0])
	}

	// Mark the programme offer done, then move the settlement to 31 January:
	// the due dates follow (end of month), the done date stays.
	po := ds[1]
	if _, err := f.db.MarkDeadline(ctx, s, id, domain.KindProgrammeOffer, ptr(date("2026-03-01")), po.Version); err != nil {
		t.Fatal(err)
	}
	p, _ := f.db.GetPerson(ctx, s, id)
	in := input("Dl", "Person", f.cwA)
	in.NationalID = p.NationalID
	in.ArrivalDate, in.SettlementDate, in.Version = ptr(date("2026-01-20")), ptr(date("2026-01-31")), p.Version
	if _, err := f.db.UpdatePerson(ctx, s, id, in); err != nil {
		t.Fatal(err)
	}
	hs, _ = f.db.PersonDeadlines(ctx, f.health.Scope(), id)
	got := dues(hs)
	for k, want := range map[string]string{
		domain.KindProgrammeOffer: "2026-04-30", domain.KindNIRSettlement: "2026-03-31",
		domain.KindTBScreening: "2026-02-03", domain.KindHealthCheck: "2026-04-20",
	} {
		if got[k] != want {
			t.Errorf("after the edit %s due %s, want %s", k, got[k], want)
		}
	}
	for _, d := range hs {
		if d.Kind == domain.KindProgrammeOffer && (d.DoneOn == nil || d.DoneOn.Format("2006-01-02") != "2026-03-01" || d.Status != domain.DeadlineDone || d.Version != 3) {
			t.Errorf("programme offer after the edit: %+v (done kept, version 3)", d)
		}
	}

	// Remove the settlement date: the settlement deadlines go, the health
	// check stays on arrival.
	p, _ = f.db.GetPerson(ctx, s, id)
	in.SettlementDate, in.Version = nil, p.Version
	if _, err := f.db.UpdatePerson(ctx, s, id, in); err != nil {
		t.Fatal(err)
	}
	hs, _ = f.db.PersonDeadlines(ctx, f.health.Scope(), id)
	if got := dues(hs); len(got) != 2 || got[domain.KindHealthCheck] != "2026-04-20" || got[domain.KindTBScreening] != "2026-02-03" {
		t.Errorf("without settlement: %v", got)
	}
	// No dates at all: no deadlines.
	none := dlPerson(t, f, f.cwA, nil, "", "")
	if ds, err := f.db.PersonDeadlines(ctx, f.health.Scope(), none); err != nil || len(ds) != 0 {
		t.Errorf("person without dates: %v %v", ds, err)
	}
	// The database refuses settlement before arrival outright.
	if _, err := f.db.Pool.Exec(ctx, `UPDATE persons SET settlement_date = arrival_date - 1 WHERE id = $1`, id); err == nil {
		t.Error("settlement before arrival was stored")
	}
}

func TestPersonDeadlinesScopeAndHealthAudit(t *testing.T) {
	f := dlFixture(t, "2026-03-10")
	ctx := context.Background()
	id := dlPerson(t, f, f.cwA, f.cwA, "2026-01-05", "2026-02-01")
	for _, c := range []struct {
		u               *domain.User
		visible, health bool
	}{
		{f.cwA, true, false}, {f.cwA2, true, false}, {f.leaderA, true, false}, {f.hou, true, false},
		{f.health, true, true}, {f.admin, true, false}, {f.cwB, false, false},
	} {
		before := countAudit(t, f, `entity = 'health_deadlines' AND user_id = $1`, c.u.ID)
		ds, err := f.db.PersonDeadlines(ctx, c.u.Scope(), id)
		if !c.visible {
			if domain.ErrorCode(err) != domain.ENOTFOUND {
				t.Errorf("%s: %v, want not found", c.u.Email, err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", c.u.Email, err)
		}
		sawHealth := slices.ContainsFunc(ds, func(d domain.Deadline) bool { return d.Health })
		if sawHealth != c.health {
			t.Errorf("%s sees health deadlines: %v", c.u.Email, sawHealth)
		}
		after := countAudit(t, f, `entity = 'health_deadlines' AND user_id = $1`, c.u.ID)
		if want := map[bool]int{true: 1, false: 0}[c.health]; after-before != want {
			t.Errorf("%s: %d health read audit rows, want %d", c.u.Email, after-before, want)
		}
	}
	// The health read's audit row names the person and the request.
	s := f.health.Scope()
	s.RequestID = "req-health"
	if _, err := f.db.PersonDeadlines(ctx, s, id); err != nil {
		t.Fatal(err)
	}
	if n := countAudit(t, f, `entity = 'health_deadlines' AND action = 'view' AND person_id = $1 AND request_id = 'req-health' AND user_role = 'health'`, id); n != 1 {
		t.Errorf("health read audit rows with person and request = %d", n)
	}
	// Every read of health data carries a purpose (Normen): the deadline
	// list's own.
	if n := countAudit(t, f, `entity = 'health_deadlines' AND details->>'purpose' IS DISTINCT FROM 'deadlines'`); n != 0 {
		t.Errorf("%d health deadline reads without the deadlines purpose", n)
	}
	if n := countAudit(t, f, `entity = 'health_deadlines' AND person_id = $1 AND details->>'purpose' = 'deadlines'`, id); n == 0 {
		t.Error("no health deadline read with its purpose")
	}
	// A health read whose person is out of scope writes nothing.
	other := dlPerson(t, f, f.cwB, nil, "2026-01-05", "2026-02-01")
	before := countAudit(t, f, `entity = 'health_deadlines'`)
	if _, err := f.db.PersonDeadlines(ctx, f.health.Scope(), other); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Errorf("health role, other unit: %v", err)
	}
	if countAudit(t, f, `entity = 'health_deadlines'`) != before {
		t.Error("a refused read was audited as a read")
	}
	// GetDeadline: health kinds exist only for the health role.
	if _, err := f.db.GetDeadline(ctx, f.cwA.Scope(), id, domain.KindTBScreening); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Errorf("caseworker GetDeadline(tb): %v, want not found", err)
	}
	if _, err := f.db.GetDeadline(ctx, f.cwA.Scope(), id, "no_such_kind"); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Errorf("unknown kind: %v", err)
	}
	before = countAudit(t, f, `entity = 'health_deadlines' AND person_id = $1`, id)
	if d, err := f.db.GetDeadline(ctx, f.health.Scope(), id, domain.KindTBScreening); err != nil || d.Due.Format("2006-01-02") != "2026-01-19" {
		t.Errorf("health GetDeadline(tb): %+v %v", d, err)
	}
	if countAudit(t, f, `entity = 'health_deadlines' AND person_id = $1`, id) != before+1 {
		t.Error("GetDeadline of a health deadline was not audited")
	}
}

func TestMarkDeadlineLockingRolesAndAudit(t *testing.T) {
	f := dlFixture(t, "2026-03-10")
	ctx := context.Background()
	id := dlPerson(t, f, f.cwA, f.cwA, "2026-01-05", "2026-02-01")
	po, err := f.db.GetDeadline(ctx, f.cwA.Scope(), id, domain.KindProgrammeOffer)
	if err != nil {
		t.Fatal(err)
	}
	done := ptr(date("2026-03-02"))
	d, err := f.db.MarkDeadline(ctx, f.cwA.Scope(), id, domain.KindProgrammeOffer, done, po.Version)
	if err != nil {
		t.Fatal(err)
	}
	if d.Status != domain.DeadlineDone || d.Version != po.Version+1 || d.DoneBy == nil || *d.DoneBy != f.cwA.Name {
		t.Errorf("after marking: %+v", d)
	}
	// A double submit (same state, old version) changes nothing.
	if d2, err := f.db.MarkDeadline(ctx, f.cwA2.Scope(), id, domain.KindProgrammeOffer, done, po.Version); err != nil || d2.Version != d.Version {
		t.Errorf("double submit: %+v %v", d2, err)
	}
	// Another change on the old version is refused with the stored one.
	_, err = f.db.MarkDeadline(ctx, f.cwA2.Scope(), id, domain.KindProgrammeOffer, nil, po.Version)
	var stale *postgres.DeadlineStaleError
	if !errors.As(err, &stale) || domain.ErrorCode(err) != domain.ECONFLICT || stale.Current.DoneOn == nil || stale.Current.Version != d.Version {
		t.Fatalf("stale undo: %v", err)
	}
	// Undo on the current version.
	if d3, err := f.db.MarkDeadline(ctx, f.cwA2.Scope(), id, domain.KindProgrammeOffer, nil, d.Version); err != nil || d3.DoneOn != nil || d3.DoneBy != nil || d3.Status != domain.DeadlineOpen {
		t.Errorf("undo: %+v %v", d3, err)
	}
	if n := countAudit(t, f, `entity = 'deadline' AND action = 'update' AND person_id = $1 AND entity_id = $2`, id, po.ID); n != 2 {
		t.Errorf("%d deadline audit rows, want 2 (done, undo)", n)
	}
	var changes, details string
	f.db.Pool.QueryRow(ctx, `SELECT changes::text, details::text FROM audit_events WHERE entity = 'deadline' ORDER BY id LIMIT 1`).Scan(&changes, &details)
	if changes != `{"done_on": {"new": "2026-03-02", "old": ""}}` || details != `{"deadline_kind": "`+domain.KindProgrammeOffer+`"}` {
		t.Errorf("audit changes %s, details %s", changes, details)
	}

	// Roles: health deadlines by the health role alone (others do not find
	// them); other deadlines by the roles that edit persons.
	tb := domain.KindTBScreening
	for _, c := range []struct {
		u    *domain.User
		kind string
		code string
	}{
		{f.cwA, tb, domain.ENOTFOUND},
		{f.leaderA, tb, domain.ENOTFOUND},
		{f.admin, tb, domain.ENOTFOUND},
		{f.hou, tb, domain.ENOTFOUND},
		{f.health, domain.KindNIRSettlement, domain.EFORBIDDEN},
		{f.hou, domain.KindNIRSettlement, domain.EFORBIDDEN},
		{f.cwB, domain.KindNIRSettlement, domain.ENOTFOUND},
		{f.cwA, "nonsense", domain.ENOTFOUND},
	} {
		if _, err := f.db.MarkDeadline(ctx, c.u.Scope(), id, c.kind, done, 1); domain.ErrorCode(err) != c.code {
			t.Errorf("%s marks %s: %v, want %s", c.u.Email, c.kind, err, c.code)
		}
	}
	if d, err := f.db.MarkDeadline(ctx, f.health.Scope(), id, tb, done, 1); err != nil || d.Status != domain.DeadlineDone {
		t.Errorf("health marks TB: %+v %v", d, err)
	}
	if d, err := f.db.MarkDeadline(ctx, f.admin.Scope(), id, domain.KindNIRSettlement, done, 1); err != nil || d.Status != domain.DeadlineDone {
		t.Errorf("admin (other unit) marks NIR: %+v %v", d, err)
	}
}

func TestTasks(t *testing.T) {
	f := dlFixture(t, "2026-03-10")
	ctx := context.Background()
	s := f.cwA.Scope()
	id := dlPerson(t, f, f.cwA, f.cwA, "2026-01-05", "2026-02-01")
	in := domain.TaskInput{Title: "Søk bostøtte", Due: date("2026-03-20"), AssigneeID: f.cwA2.ID}
	key := strings.Repeat("ab", 16)
	tid, err := f.db.CreateTask(ctx, s, id, in, key)
	if err != nil {
		t.Fatal(err)
	}
	// The same form submitted twice creates one task.
	if again, err := f.db.CreateTask(ctx, s, id, in, key); err != nil || again != tid {
		t.Errorf("double submit: %d %v, want %d", again, err, tid)
	}
	if n := countAudit(t, f, `entity = 'task' AND action = 'create' AND entity_id = $1 AND person_id = $2`, tid, id); n != 1 {
		t.Errorf("%d create audit rows", n)
	}
	// Its key cannot be replayed on another person.
	id2 := dlPerson(t, f, f.cwA, nil, "", "")
	if _, err := f.db.CreateTask(ctx, s, id2, in, key); domain.ErrorCode(err) != domain.ECONFLICT {
		t.Errorf("key reused on another person: %v", err)
	}
	task, err := f.db.GetTask(ctx, s, id, tid)
	if err != nil {
		t.Fatal(err)
	}
	if task.Kind != domain.KindTask || task.Title != "Søk bostøtte" || task.TaskID == nil || *task.TaskID != tid ||
		task.Assignee == nil || *task.Assignee != f.cwA2.Name || task.Version != 1 || task.Status != domain.DeadlineOpen {
		t.Errorf("task %+v", task)
	}
	// Tasks are no health items: every role in scope sees them.
	for _, u := range []*domain.User{f.health, f.hou, f.leaderA, f.admin} {
		ds, err := f.db.PersonDeadlines(ctx, u.Scope(), id)
		if err != nil || !slices.ContainsFunc(ds, func(d domain.Deadline) bool { return d.Kind == domain.KindTask }) {
			t.Errorf("%s does not see the task: %v", u.Email, err)
		}
	}

	// Refusals: roles without write access, other units, assignees outside
	// the person's unit or inactive or of the wrong role.
	for _, u := range []*domain.User{f.health, f.hou} {
		if _, err := f.db.CreateTask(ctx, u.Scope(), id, in, ""); domain.ErrorCode(err) != domain.EFORBIDDEN {
			t.Errorf("%s creates a task: %v", u.Email, err)
		}
		if _, err := f.db.MarkTask(ctx, u.Scope(), id, tid, ptr(date("2026-03-09")), 1); domain.ErrorCode(err) != domain.EFORBIDDEN {
			t.Errorf("%s marks a task: %v", u.Email, err)
		}
	}
	if _, err := f.db.CreateTask(ctx, f.cwB.Scope(), id, domain.TaskInput{Title: "x", Due: date("2026-03-20"), AssigneeID: f.cwB.ID}, ""); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Errorf("other unit creates a task: %v", err)
	}
	if _, err := f.db.GetTask(ctx, f.cwB.Scope(), id, tid); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Errorf("other unit reads a task: %v", err)
	}
	if _, err := f.db.GetTask(ctx, s, id2, tid); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Errorf("task read through another person: %v", err)
	}
	inactive := mkUser(t, f.db, "gone-a@x.no", domain.RoleCaseworker, "A")
	f.db.Pool.Exec(ctx, `UPDATE users SET active = false WHERE id = $1`, inactive.ID)
	for _, who := range []*domain.User{f.cwB, f.health, inactive} {
		_, err := f.db.CreateTask(ctx, s, id, domain.TaskInput{Title: "x", Due: date("2026-03-20"), AssigneeID: who.ID}, "")
		var de *domain.Error
		if !errors.As(err, &de) || de.Code != domain.EINVALID || de.Fields["assignee_id"] == "" {
			t.Errorf("assignee %s: %v, want an assignee_id message", who.Email, err)
		}
	}
	// The admin, from unit B, may assign within the person's unit A.
	if _, err := f.db.CreateTask(ctx, f.admin.Scope(), id, domain.TaskInput{Title: "Admin", Due: date("2026-04-01"), AssigneeID: f.leaderA.ID}, ""); err != nil {
		t.Errorf("admin creates a task in unit A: %v", err)
	}

	// Edit, then a stale edit.
	up := domain.TaskInput{Title: "Søk bostøtte og startlån", Due: date("2026-03-25"), AssigneeID: f.cwA.ID, Version: 1}
	task, err = f.db.UpdateTask(ctx, s, id, tid, up)
	if err != nil {
		t.Fatal(err)
	}
	if task.Version != 2 || task.Title != up.Title || *task.AssigneeID != f.cwA.ID {
		t.Errorf("after edit %+v", task)
	}
	stale := up
	stale.Title = "Noe annet"
	_, err = f.db.UpdateTask(ctx, f.leaderA.Scope(), id, tid, stale)
	var se *postgres.DeadlineStaleError
	if !errors.As(err, &se) || se.Current.Title != up.Title || se.Current.Version != 2 {
		t.Fatalf("stale edit: %v", err)
	}
	var changes string
	f.db.Pool.QueryRow(ctx, `SELECT changes::text FROM audit_events WHERE entity = 'task' AND action = 'update' AND entity_id = $1`, tid).Scan(&changes)
	for _, want := range []string{"title", "due_date", "assignee_id", "2026-03-25"} {
		if !strings.Contains(changes, want) {
			t.Errorf("edit audit %s lacks %s", changes, want)
		}
	}
	// Done, a double submit, undo on a stale version, undo.
	task, err = f.db.MarkTask(ctx, s, id, tid, ptr(date("2026-03-10")), 2)
	if err != nil || task.Status != domain.DeadlineDone || task.Version != 3 || task.DoneBy == nil {
		t.Fatalf("done: %+v %v", task, err)
	}
	if again, err := f.db.MarkTask(ctx, s, id, tid, ptr(date("2026-03-10")), 2); err != nil || again.Version != 3 {
		t.Errorf("double done: %+v %v", again, err)
	}
	if _, err := f.db.MarkTask(ctx, s, id, tid, nil, 2); !errors.As(err, &se) {
		t.Errorf("stale undo: %v", err)
	}
	if task, err = f.db.MarkTask(ctx, s, id, tid, nil, 3); err != nil || task.DoneOn != nil || task.Status != domain.DeadlineOpen {
		t.Errorf("undo: %+v %v", task, err)
	}
	if n := countAudit(t, f, `entity = 'task' AND action = 'update' AND entity_id = $1`, tid); n != 3 {
		t.Errorf("%d task update audit rows, want 3 (edit, done, undo)", n)
	}
	// The database keeps titles within 1–200 characters whatever the caller.
	if _, err := f.db.Pool.Exec(ctx, `UPDATE tasks SET title = '' WHERE id = $1`, tid); err == nil {
		t.Error("empty title stored")
	}
}

func TestTaskAssigneesScoped(t *testing.T) {
	f := dlFixture(t, "2026-03-10")
	ctx := context.Background()
	id := dlPerson(t, f, f.cwA, f.cwA, "2026-01-05", "2026-02-01")
	for _, u := range []*domain.User{f.cwA, f.health, f.admin} {
		name, users, err := f.db.TaskAssignees(ctx, u.Scope(), id)
		if err != nil || name != "Dl Person" {
			t.Fatalf("%s: %v", u.Email, err)
		}
		var emails []string
		for _, x := range users {
			emails = append(emails, x.Email)
		}
		slices.Sort(emails)
		if strings.Join(emails, " ") != "cw-a2@x.no cw-a@x.no leader-a@x.no" {
			t.Errorf("%s picker offers %v", u.Email, emails)
		}
	}
	if _, _, err := f.db.TaskAssignees(ctx, f.cwB.Scope(), id); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Errorf("other unit's picker: %v", err)
	}
}

// listAll pages through the whole deadline list with the query, forward.
func listAll(t *testing.T, f *fixture, u *domain.User, q postgres.DeadlineQuery) []domain.Deadline {
	t.Helper()
	var out []domain.Deadline
	for range 100 {
		page, err := f.db.ListDeadlines(context.Background(), u.Scope(), q)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, page.Rows...)
		if q.After != nil && !page.HasPrev {
			t.Errorf("a page after a cursor says there is no previous page")
		}
		if !page.HasNext {
			return out
		}
		c := postgres.CursorOf(page.Rows[len(page.Rows)-1])
		q.After = &c
	}
	t.Fatal("paging does not end")
	return nil
}

func keyOf(d domain.Deadline) string {
	return fmt.Sprintf("%s/%d/%s", d.Kind, d.ID, d.Due.Format("2006-01-02"))
}

func TestListDeadlinesOrderPagingAndScope(t *testing.T) {
	f := dlFixture(t, "2026-03-10")
	ctx := context.Background()
	s := f.cwA.Scope()
	// Kari's (cwA) caseload: three persons, one of them closed; one person of
	// cwA2; one unassigned; one in unit B.
	p1 := dlPerson(t, f, f.cwA, f.cwA, "2026-01-05", "2026-02-01") // NIR 04-01, offer 05-01, TB 01-19, HC 04-05
	p2 := dlPerson(t, f, f.cwA, f.cwA, "2025-11-20", "2025-12-31") // NIR 02-28 (overdue), offer 03-31
	p3 := dlPerson(t, f, f.cwA, f.cwA, "2026-03-01", "2026-03-10") // NIR 05-10, offer 06-10
	closed := dlPerson(t, f, f.cwA, f.cwA, "2026-01-05", "2026-02-01")
	f.db.Pool.Exec(ctx, `UPDATE persons SET status = 'closed' WHERE id = $1`, closed)
	other := dlPerson(t, f, f.cwA, f.cwA2, "2026-01-05", "2026-03-01") // NIR 05-01, offer 06-01
	unassigned := dlPerson(t, f, f.cwA, nil, "", "2026-02-28")         // NIR 04-28, offer 05-28
	dlPerson(t, f, f.cwB, f.cwB, "2026-01-05", "2026-02-01")
	// Tasks: on p1 for cwA2 on the same day as p1's NIR deadline (a tie
	// across the two sources), one for cwA on another's person (overdue),
	// one done.
	mk := func(p int64, title, due string, who *domain.User) int64 {
		id, err := f.db.CreateTask(ctx, s, p, domain.TaskInput{Title: title, Due: date(due), AssigneeID: who.ID}, "")
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	mk(p1, "Tie", "2026-04-01", f.cwA2)
	mk(other, "Mine elsewhere", "2026-03-01", f.cwA)
	mk(unassigned, "Not mine", "2026-03-15", f.cwA2)
	done := mk(p3, "Done", "2026-03-05", f.cwA)
	if _, err := f.db.MarkTask(ctx, s, p3, done, ptr(date("2026-03-05")), 1); err != nil {
		t.Fatal(err)
	}
	// p1's offer marked done: not listed.
	if _, err := f.db.MarkDeadline(ctx, s, p1, domain.KindProgrammeOffer, ptr(date("2026-03-01")), 1); err != nil {
		t.Fatal(err)
	}

	full := listAll(t, f, f.cwA, postgres.DeadlineQuery{Limit: 200})
	var got []string
	for _, d := range full {
		got = append(got, d.Due.Format("01-02")+" "+d.Title)
		if d.PersonID == closed {
			t.Errorf("a closed person's deadline is listed: %+v", d)
		}
		if d.Health {
			t.Errorf("caseworker sees a health deadline: %+v", d)
		}
		if d.Status == domain.DeadlineDone || d.Title == "Done" {
			t.Errorf("a done item is listed: %+v", d)
		}
	}
	want := []string{
		"02-28 NIR: registrer bosetting", // p2, overdue
		"03-01 Mine elsewhere",           // overdue task
		"03-15 Not mine",
		"03-31 Tilbud om introduksjonsprogram", // p2
		"04-01 NIR: registrer bosetting",       // p1 (deadline before task on the same day)
		"04-01 Tie",
		"04-28 NIR: registrer bosetting", // unassigned
		"05-01 NIR: registrer bosetting", // other
		"05-10 NIR: registrer bosetting", // p3
		"05-28 Tilbud om introduksjonsprogram",
		"06-01 Tilbud om introduksjonsprogram",
		"06-10 Tilbud om introduksjonsprogram",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("unit list, ascending:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if full[0].Status != domain.DeadlineOverdue || full[0].PersonID != p2 || full[2].Status != domain.DeadlineOpen {
		t.Errorf("statuses: %+v / %+v", full[0], full[2])
	}

	// Every page size gives the same sequence, forward and backward, in both
	// orders; descending keeps the overdue first.
	for _, desc := range []bool{false, true} {
		ref := listAll(t, f, f.cwA, postgres.DeadlineQuery{Desc: desc, Limit: 200})
		if desc {
			var dd []string
			for _, d := range ref {
				dd = append(dd, d.Due.Format("01-02"))
			}
			if strings.Join(dd, " ") != "03-01 02-28 06-10 06-01 05-28 05-10 05-01 04-28 04-01 04-01 03-31 03-15" {
				t.Errorf("descending: %v", dd)
			}
			if ref[8].Title != "Tie" || ref[9].Kind != domain.KindNIRSettlement {
				t.Errorf("descending tie: tasks before deadlines: %s, %s", ref[8].Title, ref[9].Title)
			}
		}
		for size := 1; size <= 5; size++ {
			paged := listAll(t, f, f.cwA, postgres.DeadlineQuery{Desc: desc, Limit: size})
			if len(paged) != len(ref) {
				t.Fatalf("desc=%v size %d: %d rows, want %d", desc, size, len(paged), len(ref))
			}
			for i := range ref {
				if keyOf(paged[i]) != keyOf(ref[i]) {
					t.Fatalf("desc=%v size %d: row %d %s, want %s", desc, size, i, keyOf(paged[i]), keyOf(ref[i]))
				}
			}
			// Backward from the end: the same rows, page by page.
			var back []domain.Deadline
			c := postgres.CursorOf(ref[len(ref)-1])
			last := ref[len(ref)-1]
			for range 100 {
				page, err := f.db.ListDeadlines(ctx, s, postgres.DeadlineQuery{Desc: desc, Limit: size, Before: &c})
				if err != nil {
					t.Fatal(err)
				}
				if !page.HasNext {
					t.Errorf("a page before a cursor says there is no next page")
				}
				back = append(slices.Clone(page.Rows), back...)
				if !page.HasPrev {
					break
				}
				c = postgres.CursorOf(page.Rows[0])
			}
			back = append(back, last)
			if len(back) != len(ref) {
				t.Fatalf("desc=%v size %d backward: %d rows, want %d", desc, size, len(back), len(ref))
			}
			for i := range ref {
				if keyOf(back[i]) != keyOf(ref[i]) {
					t.Fatalf("desc=%v size %d backward: row %d %s, want %s", desc, size, i, keyOf(back[i]), keyOf(ref[i]))
				}
			}
		}
	}

	// Mine: Kari's caseload (p1, p2, p3) and the task assigned to her elsewhere.
	mine := listAll(t, f, f.cwA, postgres.DeadlineQuery{Mine: true, Limit: 3})
	got = nil
	for _, d := range mine {
		got = append(got, d.Due.Format("01-02")+" "+d.Title)
	}
	want = []string{"02-28 NIR: registrer bosetting", "03-01 Mine elsewhere", "03-31 Tilbud om introduksjonsprogram",
		"04-01 NIR: registrer bosetting", "04-01 Tie", "05-10 NIR: registrer bosetting", "06-10 Tilbud om introduksjonsprogram"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("mine:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// Kind filters.
	if ts := listAll(t, f, f.cwA, postgres.DeadlineQuery{Kind: domain.KindTask}); len(ts) != 3 {
		t.Errorf("tasks only: %d, want 3", len(ts))
	}
	if ns := listAll(t, f, f.cwA, postgres.DeadlineQuery{Kind: domain.KindNIRSettlement}); len(ns) != 5 {
		t.Errorf("NIR only: %d, want 5", len(ns))
	}
	if hs := listAll(t, f, f.cwA, postgres.DeadlineQuery{Kind: domain.KindTBScreening}); len(hs) != 0 {
		t.Errorf("caseworker filtering on TB gets %d rows", len(hs))
	}

	// Scope per role.
	for _, c := range []struct {
		u      *domain.User
		n      int
		health bool
	}{
		{f.cwA2, 12, false}, {f.leaderA, 12, false}, {f.hou, 12, false},
		{f.health, 12 + 2*5 - 1, true}, // + TB and health check of p1, p2, p3, other, unassigned (no arrival: no TB)
		{f.cwB, 2, false},
		{f.admin, 14, false},
	} {
		before := countAudit(t, f, `entity = 'health_deadlines' AND user_id = $1`, c.u.ID)
		rows := listAll(t, f, c.u, postgres.DeadlineQuery{Limit: 200})
		if len(rows) != c.n {
			t.Errorf("%s lists %d, want %d", c.u.Email, len(rows), c.n)
		}
		persons := map[int64]bool{}
		for _, d := range rows {
			if d.Health {
				persons[d.PersonID] = true
			}
		}
		if (len(persons) > 0) != c.health {
			t.Errorf("%s sees health deadlines of %d persons", c.u.Email, len(persons))
		}
		if n := countAudit(t, f, `entity = 'health_deadlines' AND user_id = $1`, c.u.ID) - before; n != len(persons) {
			t.Errorf("%s: %d health audit rows for %d persons", c.u.Email, n, len(persons))
		}
	}
	// The health role's TB filter; the cwB's list holds unit B only.
	if tb := listAll(t, f, f.health, postgres.DeadlineQuery{Kind: domain.KindTBScreening}); len(tb) != 4 {
		t.Errorf("health TB filter: %d, want 4", len(tb))
	}
}

func TestDeadlineCursorRoundTrip(t *testing.T) {
	for _, c := range []postgres.DeadlineCursor{{Due: date("2024-02-29"), ID: 12}, {Due: date("2026-12-31"), Task: true, ID: 9_000_000_000}} {
		got, ok := postgres.ParseDeadlineCursor(c.String())
		if !ok || got != c {
			t.Errorf("round trip %v → %q → %v %v", c, c.String(), got, ok)
		}
	}
	for _, bad := range []string{"", "2026-01-01", "2026-01-01.x1", "2026-01-01.d", "2026-01-01.d-1", "2026-02-30.d1", "junk.t1", "2026-01-01.d1;DROP"} {
		if _, ok := postgres.ParseDeadlineCursor(bad); ok {
			t.Errorf("cursor %q accepted", bad)
		}
	}
}

func TestRefreshAllDeadlines(t *testing.T) {
	f := dlFixture(t, "2026-03-10")
	ctx := context.Background()
	// Persons inserted behind the store's back (as a bulk load does), with
	// the edge cases of the rules.
	cases := [][2]string{
		{"2026-01-20", "2026-01-31"}, {"2023-11-30", "2023-12-29"}, {"2024-02-29", "2024-02-29"},
		{"2026-12-01", "2026-12-31"}, {"", "2025-11-30"}, {"2024-02-20", ""}, {"", ""},
	}
	var ids []int64
	for i, c := range cases {
		var a, s *time.Time
		if c[0] != "" {
			a = ptr(date(c[0]))
		}
		if c[1] != "" {
			s = ptr(date(c[1]))
		}
		var id int64
		err := f.db.Pool.QueryRow(ctx, `
			INSERT INTO persons (unit_id, given_name, family_name, name_key, family_key, given_key, birth_date, sex,
				duf_number, country_of_origin, residence_basis, arrival_date, settlement_date)
			VALUES ($1, 'Bulk', 'Person', 'bulk person', 'person', 'bulk', '1990-01-01', 'male', $2, 'SY', 'reception', $3, $4)
			RETURNING id`, f.unitA, fmt.Sprintf("2019%08d", i), a, s).Scan(&id)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	// A registered person whose stored deadlines went wrong: a wrong due
	// date, a done date to keep, and a kind that no longer applies.
	reg := dlPerson(t, f, f.cwA, f.cwA, "2026-01-05", "2026-02-01")
	ids = append(ids, reg)
	f.db.Pool.Exec(ctx, `UPDATE deadlines SET due_date = '2000-01-01' WHERE person_id = $1 AND kind = 'nir_settlement'`, reg)
	f.db.Pool.Exec(ctx, `UPDATE deadlines SET done_on = '2026-03-01', done_by = $2 WHERE person_id = $1 AND kind = 'programme_offer'`, reg, f.cwA.ID)
	f.db.Pool.Exec(ctx, `UPDATE persons SET arrival_date = NULL WHERE id = $1`, reg) // TB no longer applies

	if err := f.db.RefreshAllDeadlines(ctx); err != nil {
		t.Fatal(err)
	}
	if err := f.db.RefreshAllDeadlines(ctx); err != nil { // idempotent
		t.Fatal(err)
	}
	for _, id := range ids {
		var fa domain.DeadlineFacts
		f.db.Pool.QueryRow(ctx, `SELECT arrival_date, settlement_date FROM persons WHERE id = $1`, id).Scan(&fa.Arrival, &fa.Settlement)
		want := map[string]string{}
		for _, d := range domain.ComputeDeadlines(fa) {
			want[d.Kind] = d.Due.Format("2006-01-02")
		}
		ds, err := f.db.PersonDeadlines(ctx, f.health.Scope(), id)
		if err != nil {
			t.Fatal(err)
		}
		got := dues(ds)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("person %d (%v, %v): stored %v, want %v", id, fa.Arrival, fa.Settlement, got, want)
		}
		if id == reg {
			for _, d := range ds {
				if d.Kind == domain.KindProgrammeOffer && (d.DoneOn == nil || d.Version != 1) {
					t.Errorf("the done date was lost or the unchanged row bumped: %+v", d)
				}
				if d.Kind == domain.KindNIRSettlement && d.Version != 2 {
					t.Errorf("the corrected row's version %d, want 2", d.Version)
				}
			}
		}
	}
	// 31 January + 3 months and the leap days, spelled out.
	ds, _ := f.db.PersonDeadlines(ctx, f.health.Scope(), ids[0])
	if dues(ds)[domain.KindProgrammeOffer] != "2026-04-30" {
		t.Errorf("31 January + 3 months stored as %s", dues(ds)[domain.KindProgrammeOffer])
	}
	ds, _ = f.db.PersonDeadlines(ctx, f.health.Scope(), ids[1])
	if dues(ds)[domain.KindNIRSettlement] != "2024-02-29" || dues(ds)[domain.KindHealthCheck] != "2024-02-29" {
		t.Errorf("leap February: %v", dues(ds))
	}
}

func TestClosedCaseKeepsOnlyMetDeadlines(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	in := input("Closed", "Case", f.cwA)
	id, err := f.db.CreatePerson(ctx, f.cwA.Scope(), in)
	if err != nil {
		t.Fatal(err)
	}
	before, err := f.db.PersonDeadlines(ctx, f.cwA.Scope(), id)
	if err != nil || len(before) == 0 {
		t.Fatalf("open case: %d deadlines, %v", len(before), err)
	}
	if _, err := f.db.Pool.Exec(ctx, `UPDATE deadlines SET done_on = due_date WHERE person_id = $1 AND kind = 'nir_settlement'`, id); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.Pool.Exec(ctx, `UPDATE persons SET status = 'closed', closed_on = '2026-06-01', close_reason = 'moved' WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	after, err := f.db.PersonDeadlines(ctx, f.cwA.Scope(), id)
	if err != nil {
		t.Fatal(err)
	}
	if len(after) != 1 || after[0].Kind != "nir_settlement" || after[0].Status != domain.DeadlineDone {
		t.Errorf("closed case shows %+v, want only the met NIR deadline", after)
	}
}
