package postgres_test

import (
	"context"
	"testing"

	"ankomst/internal/domain"
	"ankomst/internal/postgres"
)

func countWhere(t *testing.T, f *fixture, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := f.db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM `+sql, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// loadPage reads a person page the way the server does: every section.
func loadPage(t *testing.T, f *fixture, s domain.Scope, id int64) (*domain.Person, **domain.HouseholdDetail, *[]domain.Deadline, *postgres.Timeline, *postgres.Closure, error) {
	t.Helper()
	pg := f.db.NewPersonPage(s, id)
	hh := pg.Household()
	ds := pg.Deadlines()
	tl := pg.Timeline(20, ds)
	cl := pg.Closure()
	p, err := f.db.LoadPersonPage(context.Background(), pg)
	return p, hh, ds, tl, cl, err
}

// The person page's batch reads what the separate store calls read, audits
// the read once (the health read once, for the health role alone) and, for a
// person outside the scope, reads and writes nothing.
func TestPersonPageBatch(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	pid := mustPerson(t, f, f.cwA)
	mustNote(t, f, f.cwA, pid, noteIn("Samtale om bolig.", date("2026-02-01")))
	if _, err := f.db.CreateHousehold(ctx, f.cwA.Scope(), domain.HouseholdInput{Name: "Familien Hassan"},
		&domain.MemberInput{PersonID: pid, Relation: domain.RelationHead, JoinedOn: date("2026-02-01")}); err != nil {
		t.Fatal(err)
	}

	p, hh, ds, tl, cl, err := loadPage(t, f, f.cwA.Scope(), pid)
	if err != nil || p.ID != pid {
		t.Fatalf("caseworker: %v %v", p, err)
	}
	if *hh == nil || (*hh).Name != "Familien Hassan" || len((*hh).Members) != 1 {
		t.Errorf("household %+v", *hh)
	}
	want, err := f.db.PersonDeadlines(ctx, f.cwA.Scope(), pid)
	if err != nil || len(*ds) != len(want) || len(want) == 0 {
		t.Errorf("deadlines %d, want %d (%v)", len(*ds), len(want), err)
	}
	for _, d := range *ds {
		if d.Health {
			t.Errorf("a caseworker got the health deadline %s", d.Kind)
		}
	}
	var sawNote bool
	for _, it := range tl.Items {
		sawNote = sawNote || (it.Note != nil && it.Note.Body == "Samtale om bolig.")
	}
	if !sawNote || tl.NotesHidden {
		t.Errorf("timeline lacks the note: %+v", tl.Items)
	}
	if cl.Status != domain.StatusActive {
		t.Errorf("closure %+v", cl)
	}
	if n := countWhere(t, f, `audit_events WHERE action = 'view' AND entity = 'person' AND person_id = $1 AND user_id = $2`, pid, f.cwA.ID); n != 1 {
		t.Errorf("%d view rows, want 1", n)
	}
	if n := countWhere(t, f, `person_last_seen WHERE person_id = $1 AND user_id = $2`, pid, f.cwA.ID); n != 1 {
		t.Errorf("last seen not marked")
	}
	if n := countWhere(t, f, `audit_events WHERE entity = 'health_deadlines'`); n != 0 {
		t.Errorf("%d health reads audited for a caseworker", n)
	}

	// The health role: health deadlines, their read audited once per page
	// (the deadline section and the timeline share them); no notes.
	_, _, ds, tl, _, err = loadPage(t, f, f.health.Scope(), pid)
	if err != nil {
		t.Fatal(err)
	}
	var health int
	for _, d := range *ds {
		if d.Health {
			health++
		}
	}
	if health == 0 || !tl.NotesHidden {
		t.Errorf("health role: %d health deadlines, notes hidden %v", health, tl.NotesHidden)
	}
	for _, it := range tl.Items {
		if it.Note != nil {
			t.Error("the health role read a note")
		}
	}
	if n := countWhere(t, f, `audit_events WHERE entity = 'health_deadlines' AND person_id = $1 AND user_id = $2`, pid, f.health.ID); n != 1 {
		t.Errorf("%d health reads audited, want 1", n)
	}

	// Another unit: not found, nothing read, nothing written.
	before := countWhere(t, f, `audit_events`)
	if _, _, _, _, _, err := loadPage(t, f, f.cwB.Scope(), pid); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Errorf("other unit: %v, want not found", err)
	}
	if n := countWhere(t, f, `audit_events`); n != before {
		t.Errorf("other unit's read wrote %d audit rows", n-before)
	}
	if n := countWhere(t, f, `person_last_seen WHERE user_id = $1`, f.cwB.ID); n != 0 {
		t.Error("other unit's read marked the person seen")
	}
	// The admin sees every unit.
	if p, _, _, _, _, err := loadPage(t, f, f.admin.Scope(), pid); err != nil || p.ID != pid {
		t.Errorf("admin: %v", err)
	}
}

// Every table a merge moves refuses rows for a merged registration.
func TestMergeMovesAreGuarded(t *testing.T) {
	f := newFixture(t)
	for _, table := range postgres.MergeMoves() {
		if n := countWhere(t, f, `pg_trigger tg JOIN pg_proc p ON p.oid = tg.tgfoid
			WHERE tg.tgrelid = $1::regclass AND p.proname = 'refuse_merged_person'`, table); n == 0 {
			t.Errorf("%s has no refuse_merged_person trigger", table)
		}
	}
}
