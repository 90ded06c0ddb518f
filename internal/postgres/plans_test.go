package postgres_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"ankomst/internal/domain"
)

// plProgramme gives the person a programme with the decision ("" for none)
// from start (and planned end, "" for none).
func plProgramme(t *testing.T, f *fixture, personID int64, decision, start, end string) {
	t.Helper()
	var dec, s, e any
	if decision != "" {
		dec = decision
	}
	if start != "" {
		s = date(start)
	}
	if end != "" {
		e = date(end)
	}
	if _, err := f.db.Pool.Exec(context.Background(), `
		INSERT INTO programmes (person_id, decision, decision_date, start_date, planned_end) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (person_id) DO UPDATE SET decision = $2, start_date = $4, planned_end = $5`,
		personID, dec, date("2026-07-01"), s, e); err != nil {
		t.Fatal(err)
	}
}

// plForm is a 37,5-hour plan from validFrom: Norwegian 15 h Mon–Fri, work
// practice 15 h Mon–Wed, social studies 7,5 h Thu–Fri (socialHours changes
// the last, to make weeks deviate).
func plForm(validFrom, socialHours string) domain.PlanForm {
	f := domain.NewPlanForm()
	f.ValidFrom = validFrom
	for i := range f.Rows {
		r := &f.Rows[i]
		switch r.Kind {
		case domain.ElementNorwegian:
			r.Hours, r.Days, r.Description = "15", []string{"1", "2", "3", "4", "5"}, "Spor 2"
		case domain.ElementWorkPractice:
			r.Hours, r.Days = "15", []string{"1", "2", "3"}
		case domain.ElementSocialStudies:
			r.Hours, r.Days = socialHours, []string{"4", "5"}
		}
	}
	return f
}

func plKey(c byte) string { return strings.Repeat(string(c), 32) }

func TestCreatePlanVersionNeedsAGrantedDecision(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	id := clCreate(t, f, f.cwA, input("Amal", "Haidari", f.cwA))
	s := f.cwA.Scope()

	for _, decision := range []string{"none", "refused"} {
		if decision == "refused" {
			plProgramme(t, f, id, "refused", "", "")
		}
		_, err := f.db.CreatePlanVersion(ctx, s, id, plForm("2026-11-30", "7,5"), "")
		if code(err) != domain.EINVALID || domain.ErrorMessage(err) != domain.PlanNotGranted {
			t.Fatalf("decision %s: %v", decision, err)
		}
	}
	plProgramme(t, f, id, "granted", "2026-08-03", "")
	// Not before the programme's start; on it is fine.
	_, err := f.db.CreatePlanVersion(ctx, s, id, plForm("2026-08-02", "7,5"), "")
	var de *domain.Error
	if code(err) != domain.EINVALID || !asError(err, &de) || !strings.Contains(de.Fields["valid_from"], "03.08.2026") {
		t.Fatalf("before the start: %v", err)
	}
	saved, err := f.db.CreatePlanVersion(ctx, s, id, plForm("2026-08-03", "7,5"), "")
	if err != nil || saved.ID == 0 || saved.Repeat || len(saved.Check.Weeks) == 0 {
		t.Fatalf("on the start: %+v, %v", saved, err)
	}
}

func asError(err error, de **domain.Error) bool {
	e, ok := err.(*domain.Error)
	*de = e
	return ok
}

func TestPlanScopePerRoleAndUnit(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	id := clCreate(t, f, f.cwA, input("Amal", "Haidari", f.cwA))
	plProgramme(t, f, id, "granted", "2026-08-03", "")
	for i, tc := range []struct {
		u    *domain.User
		want string
	}{
		{f.cwA, ""}, {f.cwA2, ""}, {f.leaderA, ""}, {f.admin, ""}, // the admin is of unit B: every unit
		{f.cwB, domain.ENOTFOUND},
		{f.health, domain.EFORBIDDEN}, {f.hou, domain.EFORBIDDEN},
	} {
		s := tc.u.Scope()
		_, err := f.db.CreatePlanVersion(ctx, s, id, plForm("2026-11-30", "7,5"), plKey("abcdef0"[i]))
		if code(err) != tc.want {
			t.Errorf("%s creates: %v, want %q", tc.u.Email, err, tc.want)
		}
		_, err = f.db.PersonPlan(ctx, s, id)
		if code(err) != tc.want {
			t.Errorf("%s reads: %v, want %q", tc.u.Email, err, tc.want)
		}
		_, err = f.db.PlanVersionOn(ctx, s, id, date("2026-12-01"))
		if code(err) != tc.want {
			t.Errorf("%s reads the version in force: %v, want %q", tc.u.Email, err, tc.want)
		}
	}
	// A refused form for a person of another unit is still not found.
	_, err := f.db.CreatePlanVersion(ctx, f.cwB.Scope(), id, domain.PlanForm{}, "")
	if code(err) != domain.ENOTFOUND {
		t.Errorf("an empty form across units: %v", err)
	}
	if n := countAudit(t, f, `entity = 'plan_version' AND action = 'create' AND person_id = $1`, id); n != 4 {
		t.Errorf("%d create rows, want 4 (cw, cw2, leader, admin)", n)
	}
	if n := countAudit(t, f, `entity = 'plan_version' AND action = 'view' AND person_id = $1`, id); n != 4 {
		t.Errorf("%d view rows, want 4", n)
	}
}

func TestPlanHistoryIsAppendOnlyAndVersionInForce(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	id := clCreate(t, f, f.cwA, input("Amal", "Haidari", f.cwA))
	plProgramme(t, f, id, "granted", "2026-08-03", "")
	s := f.cwA.Scope()
	create := func(form domain.PlanForm) int64 {
		t.Helper()
		saved, err := f.db.CreatePlanVersion(ctx, s, id, form, "")
		if err != nil {
			t.Fatalf("create %s: %v", form.ValidFrom, err)
		}
		return saved.ID
	}
	v1 := create(plForm("2026-08-03", "7,5"))
	selfStudy := plForm("2026-12-07", "7,5")
	selfStudy.SelfStudy = true
	for i := range selfStudy.Rows {
		if selfStudy.Rows[i].Kind == domain.ElementWorkPractice {
			selfStudy.Rows[i].Hours = "7,5"
		}
	}
	v2 := create(selfStudy)
	v3 := create(plForm("2026-12-07", "7,5")) // the same day: the newer wins

	// A version slotted in before a later one is checked up to the day
	// before it: 35 h in week 49 alone.
	mid := plForm("2026-11-30", "5")
	_, err := f.db.CreatePlanVersion(ctx, s, id, mid, "")
	var de *domain.Error
	if !asError(err, &de) || de.Fields["confirm_deviation"] == "" || !strings.Contains(de.Fields["confirm_deviation"], "uke 49: 35 t, 2,5 t under 37,5.") {
		t.Fatalf("slotted-in version: %v %v", err, de)
	}
	mid.ConfirmDeviation, mid.Comment = true, "Foreldremøter denne uka"
	v4 := create(mid)

	pd, err := f.db.PersonPlan(ctx, s, id)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, v := range pd.Versions {
		ids = append(ids, v.ID)
	}
	if want := []int64{v3, v2, v4, v1}; len(ids) != 4 || ids[0] != want[0] || ids[1] != want[1] || ids[2] != want[2] || ids[3] != want[3] {
		t.Fatalf("versions %v, want %v (newest valid_from first)", ids, want)
	}
	if pd.PersonName != "Amal Haidari" || !pd.Programme.Granted || pd.Programme.Start == nil || len(pd.Programme.Rates) == 0 {
		t.Errorf("plan data %+v", pd)
	}
	first := pd.Version(v1)
	if first == nil || len(first.Elements) != 3 || first.Elements[0].Kind != domain.ElementNorwegian || first.Elements[0].Description != "Spor 2" ||
		first.Elements[2].MinutesPerWeek != 900 || len(first.Elements[2].Weekdays) != 3 || first.CreatedByName != f.cwA.Name {
		t.Errorf("first version %+v", first)
	}
	if v := pd.Version(v2); v == nil || !v.SelfStudy {
		t.Errorf("self-study version %+v", v)
	}
	if v := pd.Version(v4); v == nil || v.Comment != "Foreldremøter denne uka" {
		t.Errorf("confirmed version %+v", v)
	}
	// The version in force, by the store and by the domain alike.
	for _, c := range []struct {
		day  string
		want int64
	}{{"2026-08-03", v1}, {"2026-11-29", v1}, {"2026-11-30", v4}, {"2026-12-06", v4}, {"2026-12-07", v3}, {"2027-05-01", v3}} {
		v, err := f.db.PlanVersionOn(ctx, s, id, date(c.day))
		if err != nil || v.ID != c.want {
			t.Errorf("in force on %s: %+v, %v; want %d", c.day, v, err, c.want)
		}
		if d := domain.VersionOn(pd.Plain(), date(c.day)); d == nil || d.ID != c.want {
			t.Errorf("domain: in force on %s: %+v", c.day, d)
		}
	}
	if _, err := f.db.PlanVersionOn(ctx, s, id, date("2026-08-02")); code(err) != domain.ENOTFOUND {
		t.Errorf("before the first version: %v", err)
	}
	// Nothing was updated: every version keeps its creation and elements.
	var elements, updated int
	if err := f.db.Pool.QueryRow(ctx, `SELECT count(*) FROM plan_elements e JOIN plan_versions v ON v.id = e.plan_version_id WHERE v.person_id = $1`, id).Scan(&elements); err != nil {
		t.Fatal(err)
	}
	if elements != 12 {
		t.Errorf("%d elements, want 12 (3 per version)", elements)
	}
	if err := f.db.Pool.QueryRow(ctx, `SELECT count(*) FROM audit_events WHERE person_id = $1 AND entity = 'plan_version' AND action <> 'create' AND action <> 'view'`, id).Scan(&updated); err != nil {
		t.Fatal(err)
	}
	if updated != 0 {
		t.Errorf("%d audit rows other than create/view", updated)
	}
}

func TestCreatePlanVersionDoubleSubmitAndAudit(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	id := clCreate(t, f, f.cwA, input("Amal", "Haidari", f.cwA))
	other := clCreate(t, f, f.cwA, input("Yasin", "Haidari", f.cwA))
	plProgramme(t, f, id, "granted", "2026-08-03", "")
	plProgramme(t, f, other, "granted", "2026-08-03", "")
	s := f.cwA.Scope()
	key := plKey('a')

	// A refused submit does not use up the key.
	if _, err := f.db.CreatePlanVersion(ctx, s, id, plForm("2026-11-30", "5"), key); code(err) != domain.EINVALID {
		t.Fatalf("35 h without confirmation: %v", err)
	}
	first, err := f.db.CreatePlanVersion(ctx, s, id, plForm("2026-11-30", "7,5"), key)
	if err != nil || first.Repeat {
		t.Fatalf("first submit: %+v, %v", first, err)
	}
	again, err := f.db.CreatePlanVersion(ctx, s, id, plForm("2026-11-30", "7,5"), key)
	if err != nil || !again.Repeat || again.ID != first.ID {
		t.Fatalf("second submit: %+v, %v; want the first's version %d", again, err, first.ID)
	}
	if _, err := f.db.CreatePlanVersion(ctx, s, other, plForm("2026-11-30", "7,5"), key); code(err) != domain.ECONFLICT {
		t.Fatalf("the key for another person: %v", err)
	}
	var n int
	if err := f.db.Pool.QueryRow(ctx, `SELECT count(*) FROM plan_versions WHERE person_id = $1`, id).Scan(&n); err != nil || n != 1 {
		t.Fatalf("%d versions, %v; want 1", n, err)
	}

	// One audit row for the one version, listing its elements.
	rows, err := f.db.Pool.Query(ctx, `SELECT entity_id, user_id, changes FROM audit_events
		WHERE person_id = $1 AND entity = 'plan_version' AND action = 'create'`, id)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	count := 0
	for rows.Next() {
		count++
		var eid, uid int64
		var raw []byte
		if err := rows.Scan(&eid, &uid, &raw); err != nil {
			t.Fatal(err)
		}
		var ch domain.Changes
		if err := json.Unmarshal(raw, &ch); err != nil {
			t.Fatal(err)
		}
		if eid != first.ID || uid != f.cwA.ID || ch["plan_valid_from"].New != "2026-11-30" ||
			ch["plan_elements"].New != "Norskopplæring 15 t man–fre: Spor 2; Samfunnskunnskap 7,5 t tor, fre; Arbeidspraksis 15 t man, tir, ons" {
			t.Errorf("audit row: entity %d user %d changes %+v", eid, uid, ch)
		}
		if _, ok := ch["plan_deviation"]; ok {
			t.Errorf("a plan on target records no deviation: %+v", ch)
		}
	}
	if count != 1 {
		t.Errorf("%d create rows, want 1", count)
	}

	// A confirmed deviation is recorded with the version.
	dev := plForm("2026-12-07", "5")
	dev.ConfirmDeviation, dev.Comment = true, "Barnehagestart"
	saved, err := f.db.CreatePlanVersion(ctx, s, id, dev, plKey('b'))
	if err != nil || len(saved.Check.Deviations) != 1 {
		t.Fatalf("confirmed deviation: %+v, %v", saved, err)
	}
	if n := countAudit(t, f, `entity_id = $1 AND changes->'plan_deviation'->>'new' LIKE 'uke 50 2026–%: 35 t, 2,5 t under 37,5'`, saved.ID); n != 1 {
		t.Errorf("deviation audit rows: %d", n)
	}
}
