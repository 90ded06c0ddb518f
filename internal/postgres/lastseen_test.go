package postgres_test

import (
	"context"
	"slices"
	"testing"
)

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
