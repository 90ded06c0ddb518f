package postgres_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"ankomst/internal/demo"
	"ankomst/internal/domain"
	"ankomst/internal/postgres"
	"ankomst/internal/postgres/pgtest"

	"github.com/jackc/pgx/v5"
)

// dashFixture loads demo data (persons, deadlines, programme, plans,
// attendance, placements, health) and adds what the demo lacks: housing
// units with leases, approved payroll lines flagged "krever vedtak", and
// ended programmes without an end reason.
func dashFixture(t *testing.T) (*postgres.DB, time.Time, map[string]int64) {
	t.Helper()
	ctx := context.Background()
	today := time.Date(2026, 3, 15, 0, 0, 0, 0, time.UTC)
	db := pgtest.NewOwner(t)
	db.Now = func() time.Time { return today.Add(12 * time.Hour) }
	if err := demo.Load(ctx, db, demo.Options{Persons: 400, Seed: 12, Today: today}); err != nil {
		t.Fatal(err)
	}
	units := map[string]int64{}
	for _, name := range []string{demo.UnitEast, demo.UnitWest} {
		id, err := db.EnsureUnit(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		units[name] = id
	}
	exec := func(sql string, args ...any) {
		t.Helper()
		if _, err := db.Pool.Exec(ctx, sql, args...); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	// Housing: the demo's homes give way to a fixture counted by hand: per
	// unit 6 units, 3 let today (one lease ended yesterday), 1 under repair.
	exec(`DELETE FROM lease_checklist_items`)
	exec(`DELETE FROM leases`)
	exec(`DELETE FROM housing_units`)
	for _, u := range units {
		exec(`INSERT INTO housing_units (unit_id, address, address_key, owner_type, rooms, bedrooms, rent_ore, status)
			SELECT $1, 'Gate ' || g, 'gate ' || g, 'municipal', 3, 2, 900000, CASE WHEN g = 6 THEN 'renovation' ELSE 'vacant' END
			FROM generate_series(1, 6) g`, u)
	}
	exec(`INSERT INTO leases (housing_unit_id, household_id, start_date, end_date, rent_ore)
		SELECT h.id, (SELECT hh.id FROM households hh WHERE hh.unit_id = h.unit_id ORDER BY hh.id LIMIT 1),
			$1::date - 100, CASE WHEN h.address = 'Gate 4' THEN $1::date ELSE NULL END, 900000
		FROM housing_units h WHERE h.address IN ('Gate 1', 'Gate 2', 'Gate 3', 'Gate 4')`, today)
	// Payroll: an approved month per unit with a few lines flagged.
	exec(`INSERT INTO payroll_approvals (unit_id, month, approved_by)
		SELECT u.id, $1::date, (SELECT id FROM users ORDER BY id LIMIT 1) FROM units u`, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	exec(`INSERT INTO payroll_lines (approval_id, person_id, for_month, days, unexcused_minutes, gross_ore, deduction_ore, amount_ore, needs_decision)
		SELECT a.id, p.id, a.month, 20, 0, 100, 0, 100, p.id % 3 = 0
		FROM payroll_approvals a JOIN persons p ON p.unit_id = a.unit_id AND p.status = 'active'
		WHERE p.id % 4 = 0`)
	// Ended programmes without an end reason.
	exec(`UPDATE programmes SET ended_on = start_date + 30, end_reason = '' WHERE person_id IN
		(SELECT person_id FROM programmes WHERE start_date IS NOT NULL AND ended_on IS NULL ORDER BY person_id LIMIT 7)`)
	// Attendance edits and deletions, which the monthly sums (attendance_months) must follow.
	exec(`UPDATE attendance SET present_minutes = present_minutes / 2, absent_minutes = absent_minutes + 30, reason = 'illness'
		WHERE (person_id + extract(day FROM day)::int) % 7 = 0`)
	exec(`DELETE FROM attendance WHERE (person_id + extract(day FROM day)::int) % 11 = 0`)
	// Some part-time plans and some running participants without a plan.
	exec(`UPDATE plan_elements SET minutes_per_week = 300 WHERE plan_version_id IN (SELECT id FROM plan_versions ORDER BY id LIMIT 6)`)
	exec(`DELETE FROM plan_versions WHERE person_id IN (SELECT person_id FROM plan_versions ORDER BY id DESC LIMIT 3)`)
	exec(`ANALYZE`)
	return db, today, units
}

// dashRows reads rows of one query as maps.
func dashRows(t *testing.T, db *postgres.DB, sql string, args ...any) []map[string]any {
	t.Helper()
	rows, err := db.Pool.Query(context.Background(), sql, args...)
	if err != nil {
		t.Fatal(err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToMap)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func dDate(v any) time.Time {
	if v == nil {
		return time.Time{}
	}
	return v.(time.Time)
}

// TestDashboardAggregates compares every dashboard figure with counts made
// row by row in Go over the same data, for each unit and for all units.
func TestDashboardAggregates(t *testing.T) {
	db, today, units := dashFixture(t)
	checkDashboard(t, db, today, units)
	checkDashSummaries(t, db)
}

// TestDashboardSummariesFollowWrites: the summaries of migration 000035
// (participant_hours, health_open_counts, programme_start_counts,
// deadline_breaches, placements_open, caseload_counts) follow inserts, updates and deletes
// of the rows they sum and a person's change
// of unit, status and settlement date: every figure still equals the
// row-by-row count, and each summary equals its rebuild from the rows.
func TestDashboardSummariesFollowWrites(t *testing.T) {
	ctx := context.Background()
	db, today, units := dashFixture(t)
	exec := func(sql string, args ...any) {
		t.Helper()
		if _, err := db.Pool.Exec(ctx, sql, args...); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	east, west := units[demo.UnitEast], units[demo.UnitWest]
	// Plans: a new version in force from today for some participants, one
	// in the future, elements added, changed, ended and removed, versions removed.
	exec(`INSERT INTO plan_versions (person_id, valid_from)
		SELECT person_id, $1::date FROM programmes WHERE decision = 'granted' AND start_date <= $1::date AND ended_on IS NULL
		ORDER BY person_id LIMIT 5`, today)
	exec(`INSERT INTO plan_elements (plan_version_id, kind, minutes_per_week, weekdays)
		SELECT id, 'norwegian', 1500, '{1,2,3}' FROM plan_versions WHERE valid_from = $1::date`, today)
	exec(`INSERT INTO plan_versions (person_id, valid_from)
		SELECT person_id, $1::date + 10 FROM programmes WHERE decision = 'granted' AND start_date <= $1::date AND ended_on IS NULL
		ORDER BY person_id DESC LIMIT 3`, today)
	exec(`UPDATE plan_elements SET minutes_per_week = 600 WHERE id IN (SELECT id FROM plan_elements ORDER BY id DESC LIMIT 9)`)
	exec(`UPDATE plan_elements SET to_date = $1::date - 1 WHERE id IN (SELECT id FROM plan_elements WHERE from_date IS NULL ORDER BY id LIMIT 8)`, today)
	exec(`UPDATE plan_elements SET from_date = $1::date + 1 WHERE id IN (SELECT id FROM plan_elements WHERE to_date IS NULL ORDER BY id DESC LIMIT 4 OFFSET 20)`, today)
	exec(`DELETE FROM plan_elements WHERE id IN (SELECT id FROM plan_elements ORDER BY id LIMIT 5 OFFSET 40)`)
	exec(`DELETE FROM plan_versions WHERE id IN (SELECT id FROM plan_versions ORDER BY id LIMIT 4 OFFSET 30)`)
	exec(`UPDATE plan_versions SET valid_from = valid_from - 3 WHERE id IN (SELECT id FROM plan_versions ORDER BY id LIMIT 4 OFFSET 50)`)
	// Programmes: ended today and yesterday, started later, refused, decided
	// earlier, deleted, and a new one.
	exec(`UPDATE programmes SET ended_on = $1::date WHERE person_id IN (SELECT person_id FROM programmes WHERE ended_on IS NULL AND start_date < $1::date ORDER BY person_id LIMIT 3)`, today)
	exec(`UPDATE programmes SET ended_on = $1::date - 1 WHERE person_id IN (SELECT person_id FROM programmes WHERE ended_on IS NULL AND start_date < $1::date - 1 ORDER BY person_id LIMIT 3 OFFSET 5)`, today)
	exec(`UPDATE programmes SET start_date = start_date + 20 WHERE person_id IN (SELECT person_id FROM programmes WHERE start_date IS NOT NULL AND ended_on IS NULL AND (planned_end IS NULL OR planned_end > start_date + 20) ORDER BY person_id LIMIT 4 OFFSET 10)`)
	exec(`UPDATE programmes SET decision = 'refused', refusal_reason = 'x' WHERE person_id IN (SELECT person_id FROM programmes WHERE decision = 'granted' ORDER BY person_id LIMIT 2 OFFSET 15)`)
	exec(`UPDATE programmes SET decision_date = decision_date - 40 WHERE person_id IN (SELECT person_id FROM programmes WHERE decision_date IS NOT NULL ORDER BY person_id DESC LIMIT 6)`)
	exec(`DELETE FROM programmes WHERE person_id IN (SELECT person_id FROM programmes ORDER BY person_id LIMIT 2 OFFSET 25)`)
	exec(`INSERT INTO programmes (person_id, decision, decision_date, start_date)
		SELECT p.id, 'granted', $1::date - 60, $1::date - 10 FROM persons p
		WHERE p.status = 'active' AND NOT EXISTS (SELECT 1 FROM programmes pr WHERE pr.person_id = p.id) ORDER BY p.id LIMIT 3`, today)
	// Health: booked, done, a due date moved, deleted, added.
	exec(`UPDATE health_items SET status = 'booked', booked_on = $1::date WHERE id IN (SELECT id FROM health_items WHERE status = 'not_started' ORDER BY id LIMIT 5)`, today)
	exec(`UPDATE health_items SET status = 'done', done_on = $1::date WHERE id IN (SELECT id FROM health_items WHERE status IN ('not_started', 'booked') ORDER BY id DESC LIMIT 6)`, today)
	exec(`UPDATE health_items SET due_date = $1::date - 5 WHERE id IN (SELECT id FROM health_items WHERE status = 'not_started' ORDER BY id LIMIT 5 OFFSET 10)`, today)
	exec(`UPDATE health_items SET due_date = NULL WHERE id IN (SELECT id FROM health_items WHERE status = 'not_started' ORDER BY id LIMIT 3 OFFSET 20)`)
	exec(`DELETE FROM health_items WHERE id IN (SELECT id FROM health_items WHERE status = 'not_started' ORDER BY id LIMIT 4 OFFSET 30)`)
	exec(`INSERT INTO health_items (person_id, kind, due_date)
		SELECT p.id, 'dental', $1::date - 2 FROM persons p
		WHERE p.status = 'active' AND NOT EXISTS (SELECT 1 FROM health_items h WHERE h.person_id = p.id AND h.kind = 'dental') ORDER BY p.id LIMIT 4`, today)
	// Deadlines: done late, done in time, reopened, moved, deleted, added.
	exec(`UPDATE deadlines SET done_on = due_date + 3 WHERE id IN (SELECT id FROM deadlines WHERE done_on IS NULL AND due_date < $1::date - 5 ORDER BY id LIMIT 5)`, today)
	exec(`UPDATE deadlines SET done_on = due_date WHERE id IN (SELECT id FROM deadlines WHERE done_on IS NULL ORDER BY id DESC LIMIT 5)`)
	exec(`UPDATE deadlines SET done_on = NULL WHERE id IN (SELECT id FROM deadlines WHERE done_on IS NOT NULL ORDER BY id LIMIT 4)`)
	exec(`UPDATE deadlines SET due_date = due_date - 40 WHERE id IN (SELECT id FROM deadlines ORDER BY id LIMIT 6 OFFSET 30)`)
	exec(`DELETE FROM deadlines WHERE id IN (SELECT id FROM deadlines ORDER BY id LIMIT 4 OFFSET 60)`)
	exec(`INSERT INTO deadlines (person_id, kind, due_date)
		SELECT p.id, 'programme_offer', $1::date - 20 FROM persons p
		WHERE p.status = 'active' AND NOT EXISTS (SELECT 1 FROM deadlines d WHERE d.person_id = p.id AND d.kind = 'programme_offer') ORDER BY p.id LIMIT 3`, today)
	// Placements: paused, ended, planned end moved, deleted.
	exec(`UPDATE placements SET status = 'paused' WHERE id IN (SELECT id FROM placements WHERE status = 'active' ORDER BY id LIMIT 3)`)
	exec(`UPDATE placements SET status = 'active' WHERE id IN (SELECT id FROM placements WHERE status = 'paused' ORDER BY id DESC LIMIT 1)`)
	exec(`UPDATE placements SET status = 'ended', ended_on = greatest(start_date, $1::date - 1) WHERE id IN (SELECT id FROM placements WHERE status = 'active' AND start_date < $1::date ORDER BY id DESC LIMIT 3)`, today)
	exec(`UPDATE placements SET planned_end = $1::date + 10 WHERE id IN (SELECT id FROM placements WHERE status = 'active' AND start_date < $1::date ORDER BY id LIMIT 3 OFFSET 5)`, today)
	exec(`DELETE FROM placements WHERE id IN (SELECT id FROM placements WHERE status IN ('active', 'paused') ORDER BY id LIMIT 2 OFFSET 8)`)
	// Placements (000039's counts by start date): one starts later, one is
	// added starting in a week.
	exec(`UPDATE placements SET start_date = $1::date + 5 WHERE id IN (SELECT id FROM placements WHERE status = 'active' AND planned_end > $1::date + 10 ORDER BY id LIMIT 2 OFFSET 12)`, today)
	// Programmes without an end reason (000039): one given a reason, one
	// ended without, one ended with.
	exec(`UPDATE programmes SET end_reason = 'completed' WHERE person_id IN (SELECT person_id FROM programmes WHERE ended_on IS NOT NULL AND end_reason = '' ORDER BY person_id LIMIT 1)`)
	exec(`UPDATE programmes SET ended_on = $1::date - 2, end_reason = 'work' WHERE person_id IN (SELECT person_id FROM programmes WHERE ended_on IS NULL AND start_date < $1::date - 2 ORDER BY person_id LIMIT 1 OFFSET 30)`, today)
	// Attendance (000039's unit months): one statement over many persons
	// and both units, new days, changed days, deleted days.
	exec(`UPDATE attendance SET present_minutes = present_minutes + 15 WHERE day = (SELECT max(day) FROM attendance WHERE day < $1::date - 20)`, today)
	exec(`INSERT INTO attendance (person_id, day, present_minutes, absent_minutes, reason)
		SELECT a.person_id, $1::date - 1, 300, 60, 'illness' FROM (SELECT DISTINCT person_id FROM attendance) a
		WHERE NOT EXISTS (SELECT 1 FROM attendance b WHERE b.person_id = a.person_id AND b.day = $1::date - 1)
		ORDER BY a.person_id LIMIT 9`, today)
	exec(`UPDATE attendance SET absent_minutes = 0, reason = NULL WHERE (person_id + extract(day FROM day)::int) % 13 = 0 AND absent_minutes > 0`)
	exec(`DELETE FROM attendance WHERE (person_id * 3 + extract(day FROM day)::int) % 17 = 0`)
	// Caseworkers: persons handed to another caseworker or to none.
	exec(`UPDATE persons SET caseworker_id = (SELECT min(caseworker_id) FROM persons) WHERE id IN (SELECT id FROM persons WHERE status = 'active' ORDER BY id DESC LIMIT 7)`)
	exec(`UPDATE persons SET caseworker_id = NULL WHERE id IN (SELECT id FROM persons WHERE status = 'active' AND caseworker_id IS NOT NULL ORDER BY id LIMIT 4 OFFSET 3)`)
	// Persons: moved to the other unit, closed, reopened, settled on another day.
	exec(`UPDATE persons SET unit_id = CASE unit_id WHEN $1::bigint THEN $2::bigint ELSE $1::bigint END
		WHERE id IN (SELECT person_id FROM programmes WHERE decision = 'granted' ORDER BY person_id LIMIT 6 OFFSET 3)`, east, west)
	exec(`UPDATE persons SET unit_id = $1 WHERE id IN (SELECT person_id FROM placements WHERE status = 'active' AND person_id IN (SELECT id FROM persons WHERE unit_id = $2) ORDER BY person_id LIMIT 3)`, east, west)
	exec(`UPDATE persons SET unit_id = $1 WHERE id IN (SELECT person_id FROM deadlines WHERE done_on IS NULL AND person_id IN (SELECT id FROM persons WHERE unit_id = $2) ORDER BY person_id LIMIT 3)`, west, east)
	exec(`UPDATE persons SET unit_id = $1 WHERE id IN (SELECT person_id FROM health_items WHERE status = 'not_started' AND person_id IN (SELECT id FROM persons WHERE unit_id = $2) ORDER BY person_id LIMIT 3)`, east, west)
	exec(`UPDATE persons SET unit_id = $1 WHERE id IN (SELECT DISTINCT person_id FROM attendance WHERE person_id IN (SELECT id FROM persons WHERE unit_id = $2) ORDER BY person_id LIMIT 4)`, east, west)
	exec(`UPDATE persons SET unit_id = $1 WHERE id IN (SELECT person_id FROM programmes WHERE ended_on IS NOT NULL AND end_reason = '' AND person_id IN (SELECT id FROM persons WHERE unit_id = $2) ORDER BY person_id LIMIT 2)`, west, east)
	exec(`UPDATE persons SET status = 'closed', closed_on = $1::date, close_reason = 'moved'
		WHERE id IN (SELECT person_id FROM programmes WHERE decision = 'granted' AND ended_on IS NULL ORDER BY person_id DESC LIMIT 4)`, today)
	exec(`UPDATE persons SET status = 'closed', closed_on = $1::date, close_reason = 'moved'
		WHERE id IN (SELECT person_id FROM health_items WHERE status = 'not_started' ORDER BY person_id DESC LIMIT 3)`, today)
	exec(`UPDATE persons SET status = 'active', closed_on = NULL, close_reason = NULL
		WHERE id IN (SELECT id FROM persons WHERE status = 'closed' ORDER BY id LIMIT 3)`)
	exec(`UPDATE persons SET settlement_date = settlement_date + 45 WHERE id IN (SELECT person_id FROM programmes WHERE start_date IS NOT NULL ORDER BY person_id DESC LIMIT 5 OFFSET 7) AND settlement_date IS NOT NULL`)
	exec(`UPDATE persons SET settlement_date = NULL WHERE id IN (SELECT person_id FROM programmes WHERE start_date IS NOT NULL ORDER BY person_id DESC LIMIT 2 OFFSET 20)`)
	// A merge: the duplicate's programme, plans and health items move to
	// the survivor, the duplicate becomes 'merged'.
	var keep, dup int64
	var keepV, dupV int
	if err := db.Pool.QueryRow(ctx, `SELECT k.id, k.version, d.id, d.version FROM persons k, persons d
		WHERE k.status = 'active' AND k.unit_id = $1 AND NOT EXISTS (SELECT 1 FROM programmes pr WHERE pr.person_id = k.id)
		  AND NOT EXISTS (SELECT 1 FROM health_items h WHERE h.person_id = k.id)
		  AND d.status = 'active' AND d.unit_id = $2 AND EXISTS (SELECT 1 FROM programmes pr WHERE pr.person_id = d.id AND pr.decision = 'granted' AND pr.ended_on IS NULL)
		  AND EXISTS (SELECT 1 FROM health_items h WHERE h.person_id = d.id AND h.status = 'not_started')
		ORDER BY k.id, d.id LIMIT 1`, east, east).Scan(&keep, &keepV, &dup, &dupV); err != nil {
		t.Fatal(err)
	}
	admin := domain.Scope{UserID: 1, Role: domain.RoleAdmin}
	if _, err := db.MergePersons(ctx, admin, keep, dup, domain.MergeInput{SurvivorID: keep, MergedID: dup,
		SurvivorVersion: keepV, MergedVersion: dupV}); err != nil {
		t.Fatal(err)
	}
	exec(`ANALYZE`)
	checkDashboard(t, db, today, units)
	// Other days: the first of a month, a new year's first days, the last
	// day of a year (000039's events by year, month and day; breaches of
	// today's month).
	for _, d := range []time.Time{time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC),
		time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC), time.Date(2026, 2, 28, 0, 0, 0, 0, time.UTC)} {
		checkDashboard(t, db, d, units)
	}
	checkDashSummaries(t, db)
}

// checkDashSummaries compares each summary of migrations 000039 and 000035
// with its rebuild from the rows (the backfill): the same rows, counts of
// zero aside (attendance_unit_months summed over its slots). 000039's
// come first: they are compared as the triggers kept them, before the
// rebuilds of 000035's summaries (whose writes they follow) run.
func checkDashSummaries(t *testing.T, db *postgres.DB) {
	t.Helper()
	ctx := context.Background()
	for _, s := range []struct{ table, cols, rebuild string }{
		{"(SELECT unit_id, month, sum(present_minutes) AS p, sum(absent_minutes) AS a FROM attendance_unit_months GROUP BY 1, 2) x",
			"unit_id, month, p, a", "attendance_unit_months_rebuild"},
		{"deadline_breach_months", "unit_id, kind, month, done, n", "deadline_counts_rebuild"},
		{"deadline_open_days", "unit_id, kind, due_date, n", "deadline_counts_rebuild"},
		{"participant_hours_events", "unit_id, level, at, bucket, n", "participant_hours_events_rebuild"},
		{"placement_counts", "unit_id, kind, day, n", "placement_counts_rebuild"},
		{"programme_no_reason_counts", "unit_id, n", "programme_no_reason_rebuild"},
		{"health_open_levels", "unit_id, kind, level, at, n", "health_open_levels_rebuild"},
		{"participant_hours", "person_id, from_day, to_day, unit_id, active, minutes", "participant_hours_rebuild"},
		{"health_open_counts", "unit_id, kind, due_date, n", "health_open_rebuild"},
		{"programme_start_counts", "unit_id, month, days, within3, n", "programme_start_rebuild"},
		{"deadline_breaches", "deadline_id, unit_id, kind, due_date, done", "deadline_breaches_rebuild"},
		{"placements_open", "placement_id, unit_id, status, start_date, planned_end", "placements_open_rebuild"},
		{"caseload_counts", "unit_id, caseworker_id, n", "caseload_rebuild"},
	} {
		read := func() []string {
			where := ""
			if strings.HasSuffix(s.cols, ", n") {
				where = " WHERE n <> 0"
			}
			if strings.HasSuffix(s.cols, ", p, a") {
				where = " WHERE p <> 0 OR a <> 0"
			}
			var out []string
			rows := dashRows(t, db, `SELECT `+s.cols+` FROM `+s.table+where+` ORDER BY `+s.cols)
			for _, r := range rows {
				out = append(out, fmt.Sprint(r))
			}
			return out
		}
		kept := read()
		if len(kept) == 0 {
			t.Errorf("%s: empty", s.table)
		}
		tx, err := db.Pool.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Exec(ctx, `SELECT `+s.rebuild+`()`); err != nil {
			t.Fatal(err)
		}
		if err := tx.Commit(ctx); err != nil {
			t.Fatal(err)
		}
		rebuilt := read()
		if strings.Join(kept, "\n") != strings.Join(rebuilt, "\n") {
			t.Errorf("%s: kept by the triggers (%d rows) differs from the rebuild (%d rows)", s.table, len(kept), len(rebuilt))
			for i := 0; i < len(kept) && i < len(rebuilt); i++ {
				if kept[i] != rebuilt[i] {
					t.Errorf("%s: first difference: kept %s, rebuilt %s", s.table, kept[i], rebuilt[i])
					break
				}
			}
		}
	}
}

// checkDashboard compares every dashboard figure with counts made row by
// row in Go, for each unit and for all units.
func checkDashboard(t *testing.T, db *postgres.DB, today time.Time, units map[string]int64) {
	t.Helper()
	ctx := context.Background()
	from, to := time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	end := to.AddDate(0, 1, 0)
	in := func(d time.Time) bool { return !d.IsZero() && !d.Before(from) && d.Before(end) }

	persons := map[int64]map[string]any{}
	for _, p := range dashRows(t, db, `SELECT id, unit_id, status, caseworker_id, settlement_date FROM persons`) {
		persons[p["id"].(int64)] = p
	}
	admin := domain.Scope{UserID: 1, Role: domain.RoleAdmin}
	checked := 0
	for _, c := range []struct {
		name  string
		unit  int64
		scope domain.Scope
	}{
		{"leader Øst", 0, domain.Scope{UserID: 1, UnitID: units[demo.UnitEast], Role: domain.RoleLeader}},
		{"admin Vest", units[demo.UnitWest], admin},
		{"admin all", 0, admin},
	} {
		unitOf := c.unit
		if unitOf == 0 {
			unitOf = c.scope.UnitID // 0 for the admin: all
		}
		mine := func(personID int64) bool {
			p := persons[personID]
			return p != nil && (unitOf == 0 || p["unit_id"].(int64) == unitOf)
		}
		d, err := db.Dashboard(ctx, c.scope, postgres.DashboardQuery{UnitID: c.unit, From: from, To: to, Today: today})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if len(d.Months) != 12 {
			t.Errorf("%s: %d months, want 12", c.name, len(d.Months))
		}

		// Caseload.
		load := map[int64]int{}
		for id, p := range persons {
			if mine(id) && p["status"] == "active" {
				cw, _ := p["caseworker_id"].(int64)
				load[cw]++
			}
		}
		got := map[int64]int{}
		for _, cw := range d.Caseload {
			got[cw.UserID] = cw.Persons
		}
		if len(got) != len(load) {
			t.Errorf("%s: caseload %v, want %v", c.name, got, load)
		}
		for k, n := range load {
			if got[k] != n {
				t.Errorf("%s: caseload of %d = %d, want %d", c.name, k, got[k], n)
			}
		}
		if len(load) == 0 {
			t.Errorf("%s: the fixture has no active persons", c.name)
		}

		// Deadline breaches.
		kinds := map[string]bool{}
		for _, k := range postgres.DashDeadlineKinds() {
			kinds[k] = true
		}
		type mk struct {
			m time.Time
			k string
		}
		want := map[mk][2]int{}
		for _, r := range dashRows(t, db, `SELECT person_id, kind, due_date, done_on FROM deadlines`) {
			pid, due, done := r["person_id"].(int64), dDate(r["due_date"]), dDate(r["done_on"])
			if !mine(pid) || persons[pid]["status"] == "merged" || !kinds[r["kind"].(string)] || !in(due) {
				continue
			}
			k := mk{domain.MonthStart(due), r["kind"].(string)}
			w := want[k]
			if done.IsZero() && due.Before(today) {
				w[0]++
			} else if !done.IsZero() && done.After(due) {
				w[1]++
			} else {
				continue
			}
			want[k] = w
		}
		gotB := map[mk][2]int{}
		for _, b := range d.Breaches {
			gotB[mk{b.Month, b.Kind}] = [2]int{b.Overdue, b.Late}
		}
		if len(gotB) != len(want) {
			t.Errorf("%s: breaches %v, want %v", c.name, gotB, want)
		}
		for k, w := range want {
			if gotB[k] != w {
				t.Errorf("%s: breaches %v = %v, want %v", c.name, k, gotB[k], w)
			}
		}

		// Programme start, running participants' hours, ended without reason.
		started, within, noReason := 0, 0, 0
		var days []int
		var hours postgres.DashHours
		versions := map[int64][]map[string]any{}
		for _, v := range dashRows(t, db, `SELECT id, person_id, valid_from FROM plan_versions ORDER BY valid_from DESC, id DESC`) {
			versions[v["person_id"].(int64)] = append(versions[v["person_id"].(int64)], v)
		}
		elements := map[int64][]map[string]any{}
		for _, e := range dashRows(t, db, `SELECT plan_version_id, minutes_per_week, from_date, to_date FROM plan_elements`) {
			elements[e["plan_version_id"].(int64)] = append(elements[e["plan_version_id"].(int64)], e)
		}
		for _, r := range dashRows(t, db, `SELECT person_id, decision, decision_date, start_date, ended_on, end_reason FROM programmes`) {
			pid := r["person_id"].(int64)
			if !mine(pid) {
				continue
			}
			p := persons[pid]
			start, ended := dDate(r["start_date"]), dDate(r["ended_on"])
			if !ended.IsZero() && r["end_reason"] == "" && p["status"] != "merged" {
				noReason++
			}
			if r["decision"] != "granted" {
				continue
			}
			ref := dDate(p["settlement_date"])
			if ref.IsZero() {
				ref = dDate(r["decision_date"])
			}
			if in(start) && !ref.IsZero() && p["status"] != "merged" {
				started++
				if !start.After(domain.AddMonths(ref, 3)) {
					within++
				}
				days = append(days, int(start.Sub(ref).Hours()/24))
			}
			if start.IsZero() || start.After(today) || (!ended.IsZero() && ended.Before(today)) || p["status"] != "active" {
				continue
			}
			var version map[string]any
			for _, v := range versions[pid] {
				if !dDate(v["valid_from"]).After(today) {
					version = v
					break
				}
			}
			if version == nil {
				hours.NoPlan++
				continue
			}
			minutes := 0
			for _, e := range elements[version["id"].(int64)] {
				f, u := dDate(e["from_date"]), dDate(e["to_date"])
				if (f.IsZero() || !f.After(today)) && (u.IsZero() || !u.Before(today)) {
					minutes += int(e["minutes_per_week"].(int32))
				}
			}
			switch {
			case minutes < 1200:
				hours.Under20++
			case minutes < 1800:
				hours.Under30++
			case minutes < postgres.FullTimeMinutes:
				hours.UnderFull++
			default:
				hours.Full++
			}
		}
		if d.Started != started || d.StartedWithin3 != within {
			t.Errorf("%s: started %d, within 3 months %d; want %d, %d", c.name, d.Started, d.StartedWithin3, started, within)
		}
		if len(days) > 0 {
			sort.Ints(days)
			med := float64(days[len(days)/2])
			if len(days)%2 == 0 {
				med = float64(days[len(days)/2-1]+days[len(days)/2]) / 2
			}
			if d.MedianStartDays == nil || *d.MedianStartDays != med {
				t.Errorf("%s: median start days %v, want %v", c.name, d.MedianStartDays, med)
			}
		}
		if d.Hours != hours {
			t.Errorf("%s: hours %+v, want %+v", c.name, d.Hours, hours)
		}
		if d.MissingEndReason != noReason {
			t.Errorf("%s: ended without reason %d, want %d", c.name, d.MissingEndReason, noReason)
		}

		// Attendance and "krever vedtak" per month.
		present, absent := map[time.Time]int64{}, map[time.Time]int64{}
		for _, r := range dashRows(t, db, `SELECT person_id, day, present_minutes, absent_minutes FROM attendance WHERE day >= $1 AND day < $2`, from, end) {
			if mine(r["person_id"].(int64)) {
				m := domain.MonthStart(dDate(r["day"]))
				present[m] += int64(r["present_minutes"].(int32))
				absent[m] += int64(r["absent_minutes"].(int32))
			}
		}
		needs := map[time.Time]map[int64]bool{}
		for _, r := range dashRows(t, db, `SELECT l.person_id, l.for_month, a.unit_id FROM payroll_lines l
			JOIN payroll_approvals a ON a.id = l.approval_id WHERE l.needs_decision`) {
			if m := dDate(r["for_month"]); in(m) && (unitOf == 0 || r["unit_id"].(int64) == unitOf) {
				if needs[m] == nil {
					needs[m] = map[int64]bool{}
				}
				needs[m][r["person_id"].(int64)] = true
			}
		}
		anyNeeds := false
		for _, m := range d.Months {
			if m.Present != present[m.Month] || m.Absent != absent[m.Month] || m.NeedsDecision != len(needs[m.Month]) {
				t.Errorf("%s: %s: %d/%d present/absent, %d krever vedtak; want %d/%d, %d", c.name, domain.FormatISOMonth(m.Month),
					m.Present, m.Absent, m.NeedsDecision, present[m.Month], absent[m.Month], len(needs[m.Month]))
			}
			anyNeeds = anyNeeds || m.NeedsDecision > 0
		}
		if !anyNeeds {
			t.Errorf("%s: the fixture has no months flagged krever vedtak", c.name)
		}

		// Placements.
		active, ending := 0, 0
		for _, r := range dashRows(t, db, `SELECT person_id, status, start_date, planned_end FROM placements`) {
			if !mine(r["person_id"].(int64)) {
				continue
			}
			st, start, pe := r["status"], dDate(r["start_date"]), dDate(r["planned_end"])
			if st == "active" && !start.After(today) {
				active++
			}
			if (st == "active" || st == "paused") && !pe.Before(today) && pe.Before(today.AddDate(0, 0, 28)) {
				ending++
			}
		}
		if d.ActivePlacements != active || d.EndingPlacements != ending {
			t.Errorf("%s: placements %d active, %d ending; want %d, %d", c.name, d.ActivePlacements, d.EndingPlacements, active, ending)
		}

		// Housing: 6 units per unit, 3 let (the 4th lease ended today), 1 under repair.
		n := len(units)
		if c.unit != 0 || c.scope.UnitID != 0 {
			n = 1
		}
		if today.Equal(time.Date(2026, 3, 15, 0, 0, 0, 0, time.UTC)) && (d.Housing.Let != 3*n || d.Housing.Free != 2*n || d.Housing.Repair != n) {
			t.Errorf("%s: housing %+v, want %d let, %d free, %d repair", c.name, d.Housing, 3*n, 2*n, n)
		}

		// Health: open and overdue per kind.
		open, overdue := map[string]int{}, map[string]int{}
		for _, r := range dashRows(t, db, `SELECT person_id, kind, status, due_date FROM health_items`) {
			pid := r["person_id"].(int64)
			if !mine(pid) || persons[pid]["status"] != "active" || (r["status"] != "not_started" && r["status"] != "booked") {
				continue
			}
			open[r["kind"].(string)]++
			if due := dDate(r["due_date"]); !due.IsZero() && due.Before(today) {
				overdue[r["kind"].(string)]++
			}
		}
		for _, k := range d.Health {
			if k.Open != open[k.Kind] || k.Overdue != overdue[k.Kind] {
				t.Errorf("%s: health %s %d/%d, want %d/%d", c.name, k.Kind, k.Open, k.Overdue, open[k.Kind], overdue[k.Kind])
			}
		}
		checked++
		t.Logf("%s: %d caseworkers, %d breach cells, %d started (%d within 3 m), hours %+v, %d/%d placements, %d without end reason",
			c.name, len(load), len(want), started, within, hours, active, ending, noReason)
	}
	if checked != 3 {
		t.Fatal("not every case checked")
	}
}

// TestDashboardScope: a leader asking for another unit is ENOTFOUND; a
// caseworker is refused; the lists keep to the unit.
func TestDashboardScope(t *testing.T) {
	ctx := context.Background()
	db, today, units := dashFixture(t)
	q := postgres.DashboardQuery{From: time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), Today: today}
	east := domain.Scope{UserID: 1, UnitID: units[demo.UnitEast], Role: domain.RoleLeader}
	other := q
	other.UnitID = units[demo.UnitWest]
	if _, err := db.Dashboard(ctx, east, other); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Errorf("leader of Øst asking for Vest: %v, want ENOTFOUND", err)
	}
	if _, err := db.DashboardList(ctx, east, other, postgres.ListNoEndReason, 10); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Errorf("leader of Øst listing Vest: %v, want ENOTFOUND", err)
	}
	cw := domain.Scope{UserID: 1, UnitID: units[demo.UnitEast], Role: domain.RoleCaseworker}
	if _, err := db.Dashboard(ctx, cw, q); domain.ErrorCode(err) != domain.EFORBIDDEN {
		t.Errorf("caseworker: %v, want EFORBIDDEN", err)
	}
	d, err := db.Dashboard(ctx, east, q)
	if err != nil {
		t.Fatal(err)
	}
	for _, list := range []string{postgres.ListNoEndReason, postgres.ListPartTime, postgres.ListLateStart, postgres.ListEndingPlacements} {
		rows, err := db.DashboardList(ctx, east, q, list, 1000)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			if r.UnitName != demo.UnitEast {
				t.Errorf("%s: a row of %s", list, r.UnitName)
			}
		}
		switch list {
		case postgres.ListNoEndReason:
			if len(rows) != d.MissingEndReason {
				t.Errorf("%s: %d rows, the figure says %d", list, len(rows), d.MissingEndReason)
			}
		case postgres.ListPartTime:
			if want := d.Hours.Participants() - d.Hours.Full; len(rows) != want {
				t.Errorf("%s: %d rows, the figure says %d", list, len(rows), want)
			}
		case postgres.ListLateStart:
			if want := d.Started - d.StartedWithin3; len(rows) != want {
				t.Errorf("%s: %d rows, the figure says %d", list, len(rows), want)
			}
		case postgres.ListEndingPlacements:
			if len(rows) != d.EndingPlacements {
				t.Errorf("%s: %d rows, the figure says %d", list, len(rows), d.EndingPlacements)
			}
		}
	}
}
