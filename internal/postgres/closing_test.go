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
