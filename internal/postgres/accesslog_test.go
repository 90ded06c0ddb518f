package postgres_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"ankomst/internal/domain"
	"ankomst/internal/postgres"
)

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
