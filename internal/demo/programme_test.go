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
)

// programmeCounts counts the rows of every programme table.
func programmeCounts(t *testing.T, db *postgres.DB) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	for _, table := range []string{"programmes", "programme_pauses", "plan_versions", "plan_elements", "programme_groups",
		"programme_group_members", "attendance", "benefit_deductions"} {
		var n int64
		if err := db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM `+table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		out[table] = n
	}
	return out
}

// participantPlans reads each person's plan versions with their elements.
func participantPlans(t *testing.T, db *postgres.DB) map[int64][]domain.PlanVersion {
	t.Helper()
	ctx := context.Background()
	rows, err := db.Pool.Query(ctx, `SELECT v.id, v.person_id, v.valid_from, v.self_study, e.kind, e.minutes_per_week, e.weekdays, e.from_date, e.to_date
		FROM plan_versions v JOIN plan_elements e ON e.plan_version_id = v.id ORDER BY v.person_id, v.id, e.position`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[int64][]domain.PlanVersion{}
	for rows.Next() {
		var v domain.PlanVersion
		var e domain.PlanElement
		if err := rows.Scan(&v.ID, &v.PersonID, &v.ValidFrom, &v.SelfStudy, &e.Kind, &e.MinutesPerWeek, &e.Weekdays, &e.From, &e.To); err != nil {
			t.Fatal(err)
		}
		vs := out[v.PersonID]
		if len(vs) == 0 || vs[len(vs)-1].ID != v.ID {
			vs = append(vs, v)
		}
		vs[len(vs)-1].Elements = append(vs[len(vs)-1].Elements, e)
		out[v.PersonID] = vs
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

type demoProgramme struct {
	start, end time.Time // end: the last day with attendance (ended_on or yesterday)
	pauses     [][2]time.Time
}

func (p demoProgramme) paused(day time.Time) bool {
	for _, q := range p.pauses {
		if !day.Before(q[0]) && !day.After(q[1]) {
			return true
		}
	}
	return false
}

func TestDemoProgramme(t *testing.T) {
	db := pgtest.NewOwner(t) // demo runs as the schema owner
	ctx := context.Background()
	today := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	yesterday := domain.AddDays(today, -1)
	var out bytes.Buffer
	if err := demo.Load(ctx, db, demo.Options{Persons: 1500, Seed: 11, Out: &out, Today: today}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "Programme (") {
		t.Errorf("the report has no programme line:\n%s", out.String())
	}
	t.Log(out.String()[:strings.Index(out.String(), "Demo logins")])
	counts := programmeCounts(t, db)

	// A fifth of the persons, adults 18–60 at the permit, settled, with a
	// permit date before settlement.
	var granted, refused, pending, ended, noReason, badAge, badPermit, late, withParents, offerDone, offerWrong int
	db.Pool.QueryRow(ctx, `SELECT count(*) FILTER (WHERE g.decision = 'granted'), count(*) FILTER (WHERE g.decision = 'refused'),
			count(*) FILTER (WHERE g.decision IS NULL), count(g.ended_on), count(*) FILTER (WHERE g.ended_on IS NOT NULL AND g.end_reason = ''),
			count(*) FILTER (WHERE p.birth_date > (p.permit_date - interval '18 years')::date OR p.birth_date <= (p.permit_date - interval '61 years')::date),
			count(*) FILTER (WHERE p.permit_date IS NULL OR p.permit_date > p.settlement_date),
			count(*) FILTER (WHERE g.decision_date > (p.settlement_date + interval '3 months')::date),
			count(*) FILTER (WHERE g.lives_with_parents)
		FROM programmes g JOIN persons p ON p.id = g.person_id`).
		Scan(&granted, &refused, &pending, &ended, &noReason, &badAge, &badPermit, &late, &withParents)
	db.Pool.QueryRow(ctx, `SELECT count(*) FILTER (WHERE d.done_on = g.decision_date),
			count(*) FILTER (WHERE d.done_on IS DISTINCT FROM CASE WHEN g.decision_date <= $1 THEN g.decision_date END)
		FROM deadlines d JOIN programmes g ON g.person_id = d.person_id WHERE d.kind = 'programme_offer'`, today).Scan(&offerDone, &offerWrong)
	t.Logf("%d programmes: %d granted, %d refused, %d pending, %d ended (%d without reason), %d decided late, %d living with parents; %d offer deadlines done",
		counts["programmes"], granted, refused, pending, ended, noReason, late, withParents, offerDone)
	if counts["programmes"] != 300 {
		t.Errorf("%d programmes for 1500 persons, want a fifth", counts["programmes"])
	}
	if badAge != 0 || badPermit != 0 {
		t.Errorf("%d participants outside 18–60 at the permit, %d without a permit date before settlement", badAge, badPermit)
	}
	if granted < 200 || refused == 0 || ended == 0 || noReason == 0 || late == 0 || withParents == 0 {
		t.Errorf("granted %d, refused %d, ended %d, without end reason %d, late %d, with parents %d: want some of each",
			granted, refused, ended, noReason, late, withParents)
	}
	if offerDone < granted || offerWrong != 0 {
		t.Errorf("%d offer deadlines done on the decision date (%d granted), %d wrong", offerDone, granted, offerWrong)
	}
	var badEnd, outOfRange int
	db.Pool.QueryRow(ctx, `SELECT count(*) FROM programmes WHERE ended_on IS NOT NULL AND end_reason <> '' AND end_activity = ''`).Scan(&badEnd)
	db.Pool.QueryRow(ctx, `SELECT count(*) FROM programmes WHERE ended_on > $1 OR start_date < decision_date OR decision_date < guidance_done_on
		OR guidance_done_on < mapping_done_on OR (decision = 'granted' AND (planned_end IS NULL OR end_goal IS NULL OR norwegian_goal = ''))
		OR (decision = 'refused' AND (refusal_reason = '' OR start_date IS NOT NULL))`, today).Scan(&outOfRange)
	if badEnd != 0 || outOfRange != 0 {
		t.Errorf("%d ended with a reason but no activity, %d programmes with dates out of order or missing facts", badEnd, outOfRange)
	}
	if counts["programme_pauses"] == 0 || counts["benefit_deductions"] == 0 {
		t.Errorf("no pauses or no deductions: %v", counts)
	}

	// Plans: every full week of a participant's programme sums to 2250
	// minutes (1800 with self-study).
	plans := participantPlans(t, db)
	progs := map[int64]demoProgramme{}
	rows, err := db.Pool.Query(ctx, `SELECT g.person_id, g.start_date, coalesce(least(g.ended_on, $1::date), $1::date),
			coalesce((SELECT array_agg(q.from_date ORDER BY q.id) FROM programme_pauses q WHERE q.person_id = g.person_id), '{}'),
			coalesce((SELECT array_agg(coalesce(q.to_date, $2::date) ORDER BY q.id) FROM programme_pauses q WHERE q.person_id = g.person_id), '{}')
		FROM programmes g WHERE g.decision = 'granted'`, yesterday, today)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		var p demoProgramme
		var froms, tos []time.Time
		if err := rows.Scan(&id, &p.start, &p.end, &froms, &tos); err != nil {
			t.Fatal(err)
		}
		for i := range froms {
			p.pauses = append(p.pauses, [2]time.Time{froms[i], tos[i]})
		}
		progs[id] = p
	}
	rows.Close()
	weeks, selfStudyWeeks, twoVersions := 0, 0, 0
	for id, p := range progs {
		vs := plans[id]
		if len(vs) == 0 {
			t.Fatalf("participant %d has no plan", id)
		}
		if len(vs) > 1 {
			twoVersions++
		}
		if !vs[0].ValidFrom.Equal(p.start) {
			t.Errorf("participant %d: the first plan is from %s, the programme starts %s", id, vs[0].ValidFrom, p.start)
		}
		for mon := domain.AddDays(domain.WeekStart(p.start), 7); domain.AddDays(mon, 4).Before(domain.AddDays(vs[0].ValidFrom, 800)); mon = domain.AddDays(mon, 7) {
			sum := 0
			var v *domain.PlanVersion
			for d := range 5 {
				day := domain.AddDays(mon, d)
				v = domain.VersionOn(vs, day)
				sum += v.ExpectedMinutes(day)
			}
			want := 2250
			if v.SelfStudy {
				want = 1800
				selfStudyWeeks++
			}
			weeks++
			if sum != want {
				t.Fatalf("participant %d, week of %s: %d minutes, want %d", id, mon.Format(time.DateOnly), sum, want)
			}
		}
	}
	if weeks == 0 || selfStudyWeeks == 0 || twoVersions == 0 {
		t.Errorf("%d weeks checked, %d with self-study, %d participants with two versions", weeks, selfStudyWeeks, twoVersions)
	}

	// Attendance: only weekdays inside the programme (not in a pause, not
	// today or later), present + absent = the plan's minutes that day, and
	// every such day has its row.
	rows, err = db.Pool.Query(ctx, `SELECT person_id, day, present_minutes, absent_minutes, coalesce(reason, '') FROM attendance ORDER BY person_id, day`)
	if err != nil {
		t.Fatal(err)
	}
	perPerson := map[int64]int{}
	reasons := map[string]int{}
	partial, total := 0, 0
	for rows.Next() {
		var id int64
		var day time.Time
		var present, absent int
		var reason string
		if err := rows.Scan(&id, &day, &present, &absent, &reason); err != nil {
			t.Fatal(err)
		}
		total++
		p, ok := progs[id]
		switch {
		case !ok:
			t.Fatalf("attendance for %d, who has no granted programme", id)
		case domain.ISOWeekday(day) > 5 || day.Before(p.start) || day.After(p.end) || p.paused(day):
			t.Fatalf("attendance for %d on %s, outside the programme's weekdays %s–%s (or in a pause)", id, day.Format(time.DateOnly), p.start, p.end)
		case (absent == 0) != (reason == ""):
			t.Fatalf("attendance for %d on %s: %d absent, reason %q", id, day, absent, reason)
		}
		if want := domain.VersionOn(plans[id], day).ExpectedMinutes(day); present+absent != want {
			t.Fatalf("attendance for %d on %s: %d + %d minutes, the plan says %d", id, day, present, absent, want)
		}
		perPerson[id]++
		reasons[reason]++
		if absent > 0 && present > 0 {
			partial++
		}
	}
	rows.Close()
	for id, p := range progs {
		want := 0
		for d := p.start; !d.After(p.end); d = domain.AddDays(d, 1) {
			if domain.ISOWeekday(d) <= 5 && !p.paused(d) {
				want++
			}
		}
		if perPerson[id] != want {
			t.Errorf("participant %d has %d attendance rows, want %d (%s–%s)", id, perPerson[id], want, p.start, p.end)
		}
	}
	t.Logf("%d attendance rows: %v, %d partial", total, reasons, partial)
	for _, r := range []string{"illness", "self_certified", "sick_child", "holiday", "unexcused"} {
		if reasons[r] == 0 {
			t.Errorf("no absence for %s: %v", r, reasons)
		}
	}
	if share := float64(reasons["holiday"]) / float64(total); share < 0.03 || share > 0.12 {
		t.Errorf("holiday on %.1f %% of the days", 100*share)
	}
	if share := float64(reasons["unexcused"]) / float64(total); share < 0.004 || share > 0.02 || partial == 0 {
		t.Errorf("unexcused absence on %.1f %% of the days, %d partial days", 100*share, partial)
	}

	// Groups: per unit, members of the unit who are granted participants.
	var groups, wrongMember, smallest, largest int
	db.Pool.QueryRow(ctx, `SELECT count(DISTINCT gr.id), count(*) FILTER (WHERE p.unit_id <> gr.unit_id OR g.decision IS DISTINCT FROM 'granted')
		FROM programme_groups gr JOIN programme_group_members m ON m.group_id = gr.id
		JOIN persons p ON p.id = m.person_id LEFT JOIN programmes g ON g.person_id = m.person_id`).Scan(&groups, &wrongMember)
	db.Pool.QueryRow(ctx, `SELECT min(n), max(n) FROM (SELECT count(*) AS n FROM programme_group_members GROUP BY group_id) x`).Scan(&smallest, &largest)
	if groups < 4 || wrongMember != 0 || largest != 30 {
		t.Errorf("%d groups (%d–%d members), %d members of another unit or without a programme", groups, smallest, largest, wrongMember)
	}

	// Loading again adds nothing: with IfEmpty (users exist) and without
	// new persons the programme step does not run again.
	if err := demo.Load(ctx, db, demo.Options{Persons: 1500, IfEmpty: true, Seed: 11, Out: io.Discard, Today: today}); err != nil {
		t.Fatal(err)
	}
	if again := programmeCounts(t, db); !mapsEqual(again, counts) {
		t.Errorf("a second load changed the programme data: %v, was %v", again, counts)
	}

	// The benchmark caseworker: 150 active persons, 30 of them running
	// participants of one group; again: the same.
	cw, err := db.CreateUser(ctx, postgres.NewUser{Email: "bench.caseworker@ost.demo", Name: "Benk", Role: domain.RoleCaseworker,
		UnitName: demo.UnitEast, Password: "ankomst-bench-2026"})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		var report bytes.Buffer
		if err := demo.BenchCaseload(ctx, db, "bench.caseworker@ost.demo", 150, &report); err != nil {
			t.Fatal(err)
		}
		var have, inGroup int
		db.Pool.QueryRow(ctx, `SELECT count(*) FROM persons WHERE caseworker_id = $1 AND status = 'active'`, cw).Scan(&have)
		db.Pool.QueryRow(ctx, `SELECT max(n) FROM (SELECT count(*) AS n FROM programme_group_members m
			JOIN persons p ON p.id = m.person_id JOIN programmes g ON g.person_id = p.id
			WHERE p.caseworker_id = $1 AND g.ended_on IS NULL AND g.decision = 'granted' GROUP BY m.group_id) x`, cw).Scan(&inGroup)
		if have != 150 || inGroup < 25 {
			t.Fatalf("the bench caseworker has %d active persons, %d running participants in one group: %s", have, inGroup, report.String())
		}
	}
}

// A database loaded before the programme existed (users and persons, no
// programmes) gets the programme once from a load with IfEmpty.
func TestDemoProgrammeIfEmpty(t *testing.T) {
	db := pgtest.NewOwner(t) // demo runs as the schema owner
	ctx := context.Background()
	if err := demo.Load(ctx, db, demo.Options{Persons: 500, IfEmpty: true, Seed: 2, Out: io.Discard, Today: today}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Pool.Exec(ctx, `TRUNCATE programmes, programme_pauses, plan_versions, plan_elements, programme_groups,
		programme_group_members, attendance, benefit_deductions, nir_marks; UPDATE persons SET permit_date = NULL`); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := demo.Load(ctx, db, demo.Options{Persons: 500, IfEmpty: true, Seed: 2, Out: &out, Today: today}); err != nil {
		t.Fatal(err)
	}
	counts := programmeCounts(t, db)
	if counts["programmes"] != 100 || counts["attendance"] == 0 || !strings.Contains(out.String(), "Programme (") {
		t.Fatalf("the programme step did not run on a database without programmes: %v\n%s", counts, out.String())
	}
	if n, err := db.CountPersons(ctx); err != nil || n != 500 {
		t.Fatalf("CountPersons = %d, %v; --if-empty added persons", n, err)
	}
	if err := demo.Load(ctx, db, demo.Options{Persons: 500, IfEmpty: true, Seed: 2, Out: io.Discard, Today: today}); err != nil {
		t.Fatal(err)
	}
	if again := programmeCounts(t, db); !mapsEqual(again, counts) {
		t.Errorf("a second load changed the programme data: %v, was %v", again, counts)
	}
}

func mapsEqual(a, b map[string]int64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
