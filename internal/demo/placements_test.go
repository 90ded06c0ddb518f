package demo_test

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"ankomst/internal/demo"
	"ankomst/internal/domain"
	"ankomst/internal/postgres"
	"ankomst/internal/postgres/pgtest"

	"github.com/jackc/pgx/v5"
)

// placementCounts counts the rows of every placement table.
func placementCounts(t *testing.T, db *postgres.DB) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	for _, table := range []string{"employers", "worksites", "employer_contacts", "placements", "placement_followups", "placement_evaluations"} {
		var n int64
		if err := db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM `+table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		out[table] = n
	}
	return out
}

// validOrgnr checks the mod-11 check digit (weights 3 2 7 6 5 4 3 2), on
// its own here so the test does not trust the generator's arithmetic.
func validOrgnr(s string) bool {
	if len(s) != 9 {
		return false
	}
	sum := 0
	for i, w := range []int{3, 2, 7, 6, 5, 4, 3, 2} {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
		sum += int(s[i]-'0') * w
	}
	c := 11 - sum%11
	if c == 11 {
		c = 0
	}
	return c != 10 && int(s[8]-'0') == c
}

func TestValidOrgnrHelper(t *testing.T) {
	if !validOrgnr("974760673") || validOrgnr("974760674") {
		t.Fatal("the issue's examples: 974760673 is valid, 974760674 is not")
	}
}

func TestDemoPlacements(t *testing.T) {
	db := pgtest.NewOwner(t) // demo runs as the schema owner
	ctx := context.Background()
	today := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	var out bytes.Buffer
	if err := demo.Load(ctx, db, demo.Options{Persons: 1500, Seed: 11, Out: &out, Today: today}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "Placements (") {
		t.Errorf("the report has no placements line:\n%s", out.String())
	}
	counts := placementCounts(t, db)
	t.Logf("%v", counts)
	// One employer per 20 persons, 1.6 worksites each, a contact per employer
	// and a supervisor per worksite.
	if counts["employers"] != 75 || counts["worksites"] != 120 || counts["employer_contacts"] != 195 {
		t.Errorf("register %v, want 75 employers, 120 worksites, 195 contacts", counts)
	}
	if counts["placements"] < 100 || counts["placement_followups"] < counts["placements"] || counts["placement_evaluations"] == 0 {
		t.Errorf("too little placement data: %v", counts)
	}

	// Every organisation number is valid.
	rows, err := db.Pool.Query(ctx, `SELECT orgnr FROM employers`)
	if err != nil {
		t.Fatal(err)
	}
	orgnrs, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range orgnrs {
		if !validOrgnr(o) {
			t.Errorf("invalid orgnr %s", o)
		}
	}

	var overbooked, overlapping, outside, wrongMinutes, supervisorElsewhere, badStatus, gotJob, areas, langs, full int
	// No worksite holds more placements than its places in any week
	// (counting every placement over its period, ended or not: stricter than
	// the capacity rule, which counts only those holding a place now).
	db.Pool.QueryRow(ctx, `SELECT count(*) FROM (
		SELECT w.id, wk FROM worksites w JOIN placements pl ON pl.worksite_id = w.id
		CROSS JOIN LATERAL generate_series(date_trunc('week', pl.start_date), coalesce(pl.ended_on, pl.planned_end), interval '7 days') wk
		WHERE pl.start_date <= wk::date + 4 AND coalesce(pl.ended_on, pl.planned_end) >= wk::date
		GROUP BY w.id, w.places, wk HAVING count(*) > w.places) x`).Scan(&overbooked)
	// One placement at a time per person.
	db.Pool.QueryRow(ctx, `SELECT count(*) FROM placements a JOIN placements b ON a.person_id = b.person_id AND a.id < b.id
		WHERE a.start_date <= coalesce(b.ended_on, b.planned_end) AND b.start_date <= coalesce(a.ended_on, a.planned_end)`).Scan(&overlapping)
	// Each placement lies within a work-practice element of the participant's
	// plan in force, with its hours (so the week still sums to the plan's).
	db.Pool.QueryRow(ctx, `SELECT count(*) FILTER (WHERE NOT EXISTS (
			SELECT 1 FROM plan_versions pv JOIN plan_elements pe ON pe.plan_version_id = pv.id
			WHERE pv.person_id = pl.person_id AND pe.kind = 'work_practice'
			  AND pv.valid_from <= pl.start_date AND coalesce(pe.from_date, pv.valid_from) <= pl.start_date
			  AND coalesce(pe.to_date, 'infinity') >= pl.planned_end
			  AND NOT EXISTS (SELECT 1 FROM plan_versions v2 WHERE v2.person_id = pv.person_id AND v2.valid_from > pv.valid_from AND v2.valid_from <= pl.planned_end))),
		count(*) FILTER (WHERE NOT EXISTS (
			SELECT 1 FROM plan_versions pv JOIN plan_elements pe ON pe.plan_version_id = pv.id
			WHERE pv.person_id = pl.person_id AND pe.kind = 'work_practice' AND pe.minutes_per_week = pl.minutes_per_week AND pe.weekdays = pl.weekdays)),
		count(*) FILTER (WHERE pl.supervisor_id IS NOT NULL AND NOT EXISTS (
			SELECT 1 FROM employer_contacts c WHERE c.id = pl.supervisor_id AND c.worksite_id = pl.worksite_id AND c.is_supervisor))
		FROM placements pl`).Scan(&outside, &wrongMinutes, &supervisorElsewhere)
	// Statuses follow the dates: planned after today, ended before, running
	// around it; the programme is granted.
	db.Pool.QueryRow(ctx, `SELECT count(*) FILTER (WHERE
			(pl.status = 'planned' AND pl.start_date <= $1) OR
			(pl.status IN ('active', 'paused') AND (pl.start_date > $1 OR pl.planned_end < $1 OR pl.ended_on IS NOT NULL)) OR
			(pl.status IN ('ended', 'aborted') AND (pl.ended_on IS NULL OR pl.ended_on >= $1)) OR
			g.decision IS DISTINCT FROM 'granted')
		FROM placements pl LEFT JOIN programmes g ON g.person_id = pl.person_id`, today).Scan(&badStatus)
	db.Pool.QueryRow(ctx, `SELECT count(*) FROM placement_evaluations WHERE got_job`).Scan(&gotJob)
	db.Pool.QueryRow(ctx, `SELECT count(DISTINCT area), (SELECT count(DISTINCT l) FROM worksites, unnest(languages) l) FROM worksites`).Scan(&areas, &langs)
	// Some worksites are full this week (the capacity page has zeros to show).
	page, err := db.CapacityPage(ctx, domain.Scope{Role: domain.RoleAdmin}, postgres.CapacityQuery{Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range page.Rows {
		if r.Free()[0] <= 0 {
			full++
		}
	}
	t.Logf("%d overbooked weeks, %d overlapping pairs, %d outside the plan, %d with other hours, %d bad statuses, %d got a job, %d areas, %d languages, %d full worksites now",
		overbooked, overlapping, outside, wrongMinutes, badStatus, gotJob, areas, langs, full)
	if overbooked != 0 || overlapping != 0 || outside != 0 || wrongMinutes != 0 || supervisorElsewhere != 0 || badStatus != 0 {
		t.Error("an invariant is broken (see the log)")
	}
	if areas < 5 || langs < 5 {
		t.Errorf("%d areas, %d languages: too few to filter by", areas, langs)
	}

	// Loading again adds nothing: with IfEmpty the step does not run.
	if err := demo.Load(ctx, db, demo.Options{Persons: 1500, IfEmpty: true, Seed: 11, Out: io.Discard, Today: today}); err != nil {
		t.Fatal(err)
	}
	if again := placementCounts(t, db); !mapsEqual(again, counts) {
		t.Errorf("a second load changed the placement data: %v, was %v", again, counts)
	}
}

// A database loaded before placements existed (programmes, no employers)
// gets them once from a load with IfEmpty.
func TestDemoPlacementsIfEmpty(t *testing.T) {
	db := pgtest.NewOwner(t)
	ctx := context.Background()
	today := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	if err := demo.Load(ctx, db, demo.Options{Persons: 500, IfEmpty: true, Seed: 3, Out: io.Discard, Today: today}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Pool.Exec(ctx, `TRUNCATE employers, worksites, employer_contacts, placements, placement_followups, placement_evaluations, placements_open`); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := demo.Load(ctx, db, demo.Options{Persons: 500, IfEmpty: true, Seed: 3, Out: &out, Today: today}); err != nil {
		t.Fatal(err)
	}
	counts := placementCounts(t, db)
	if counts["employers"] != 25 || counts["placements"] == 0 || !strings.Contains(out.String(), "Placements (") {
		t.Fatalf("the placement step did not run on a database without employers: %v\n%s", counts, out.String())
	}
	if err := demo.Load(ctx, db, demo.Options{Persons: 500, IfEmpty: true, Seed: 3, Out: io.Discard, Today: today}); err != nil {
		t.Fatal(err)
	}
	if again := placementCounts(t, db); !mapsEqual(again, counts) {
		t.Errorf("a second load changed the placement data: %v, was %v", again, counts)
	}
}
