package demo_test

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"ankomst/internal/demo"
	"ankomst/internal/postgres/pgtest"
)

// The demo step "health": every person with dates gets a checklist, with
// realistic statuses; --if-empty on a database without health items loads
// them once, and a second run changes nothing.
func TestDemoHealth(t *testing.T) {
	db := pgtest.NewOwner(t)
	ctx := context.Background()
	today := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	if err := demo.Load(ctx, db, demo.Options{Persons: 600, Seed: 7, Out: io.Discard, Today: today}); err != nil {
		t.Fatal(err)
	}
	count := func(where string) int {
		var n int
		if err := db.Pool.QueryRow(ctx, `SELECT count(*) FROM health_items WHERE `+where, today).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	all := count(`$1::date IS NOT NULL`)
	done, booked := count(`status = 'done' AND $1::date IS NOT NULL`), count(`status = 'booked' AND $1::date IS NOT NULL`)
	overdue := count(`status = 'not_started' AND due_date < $1::date`)
	if all < 600*3 || done < all/2 || booked == 0 || overdue == 0 || count(`status = 'declined' AND $1::date IS NOT NULL`) == 0 {
		t.Errorf("items %d, done %d, booked %d, overdue %d", all, done, booked, overdue)
	}
	if n := count(`status = 'done' AND (done_on > $1::date OR place = '')`); n != 0 {
		t.Errorf("%d done items in the future or without a place", n)
	}
	if n := count(`status = 'booked' AND (booked_on < $1::date OR booked_on IS NULL)`); n != 0 {
		t.Errorf("%d booked items without an appointment ahead", n)
	}

	// A database loaded before health items: --if-empty adds them once.
	if _, err := db.Pool.Exec(ctx, `DELETE FROM health_items`); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := demo.Load(ctx, db, demo.Options{Persons: 600, IfEmpty: true, Seed: 7, Out: &out, Today: today}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "Health items: ") || count(`$1::date IS NOT NULL`) != all {
		t.Errorf("if-empty: %d items, output %q", count(`$1::date IS NOT NULL`), out.String())
	}
	out.Reset()
	if err := demo.Load(ctx, db, demo.Options{Persons: 600, IfEmpty: true, Seed: 7, Out: &out, Today: today}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), "Health items: ") {
		t.Errorf("a second --if-empty loaded health items again")
	}

	// A load stopped after the deadlines step made the checklists and
	// before the health step gave them statuses: --if-empty gives them.
	if _, err := db.Pool.Exec(ctx, `UPDATE health_items SET status = 'not_started', version = 1, done_on = NULL, booked_on = NULL,
		place = '', not_relevant_reason = '', interpreter_booked = false`); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := demo.Load(ctx, db, demo.Options{Persons: 600, IfEmpty: true, Seed: 7, Out: &out, Today: today}); err != nil {
		t.Fatal(err)
	}
	if d := count(`status = 'done' AND $1::date IS NOT NULL`); !strings.Contains(out.String(), "Health items: ") || d < all/2 {
		t.Errorf("if-empty after an interrupted load: %d of %d done, output %q", d, all, out.String())
	}
}
