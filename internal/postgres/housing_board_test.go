package postgres_test

import (
	"context"
	"testing"

	"ankomst/internal/domain"
	"ankomst/internal/postgres"
)

func TestHousingBoardCountsAndScope(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	pool := f.db.Pool
	hid, _ := f.household(t, "Familien Ali", "Amina", "Ali")
	lease := func(unit int64, start string, end any) {
		t.Helper()
		if _, err := pool.Exec(ctx, `INSERT INTO leases (housing_unit_id, household_id, start_date, end_date, rent_ore)
			VALUES ($1, $2, $3::date, $4::date, 900000)`, unit, hid, start, end); err != nil {
			t.Fatal(err)
		}
	}
	// Today is Wednesday 2026-12-02 (ISO week 49); the board's Mondays are
	// 2026-12-07 … 2027-02-22.
	today := date("2026-12-02")
	open := housingUnit(t, f, f.unitA, "A 1", 2)      // let from the past, open-ended
	endsMon := housingUnit(t, f, f.unitA, "A 2", 2)   // move-out on Monday 12-07: free from week 50
	endsTue := housingUnit(t, f, f.unitA, "A 3", 1)   // move-out on Tuesday 12-08: let in week 50
	startsMon := housingUnit(t, f, f.unitA, "A 4", 3) // moves in Monday 12-14: free now and week 50
	free := housingUnit(t, f, f.unitA, "A 5", 1)      // never let; status 'let' is stale
	repair := housingUnit(t, f, f.unitA, "A 6", 2)
	past := housingUnit(t, f, f.unitA, "A 7", 1) // lease ended yesterday
	housingUnit(t, f, f.unitB, "B 1", 1)         // another unit: free
	lease(open, "2026-01-01", nil)
	lease(endsMon, "2026-06-01", "2026-12-07")
	lease(endsTue, "2026-06-01", "2026-12-08")
	lease(startsMon, "2026-12-14", nil)
	lease(past, "2026-01-01", "2026-12-02")
	if _, err := pool.Exec(ctx, `UPDATE housing_units SET status = 'let' WHERE id = $1`, free); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `UPDATE housing_units SET status = 'renovation', owner_type = 'private' WHERE id = $1`, repair); err != nil {
		t.Fatal(err)
	}

	for _, u := range []*domain.User{f.cwA, f.health} {
		if _, err := f.db.HousingBoard(ctx, u.Scope(), today, ""); code(err) != domain.EFORBIDDEN {
			t.Errorf("%s: %v", u.Role, err)
		}
	}
	b, err := f.db.HousingBoard(ctx, f.hou.Scope(), today, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Weeks) != postgres.BoardWeeks+1 || !b.Weeks[0].Day.Equal(today) || !b.Weeks[1].Day.Equal(date("2026-12-07")) || !b.Weeks[12].Day.Equal(date("2027-02-22")) {
		t.Fatalf("days: %+v", b.Weeks)
	}
	want := []struct{ let, free, repair int }{
		0: {3, 3, 1}, // open, endsMon, endsTue let; startsMon, free, past free
		1: {2, 4, 1}, // 12-07: endsMon has moved out
		2: {2, 4, 1}, // 12-14: endsTue gone, startsMon in
		3: {2, 4, 1},
	}
	for i, w := range want {
		g := b.Weeks[i]
		if g.Let != w.let || g.Free != w.free || g.Repair != w.repair {
			t.Errorf("row %d (%s): let %d free %d repair %d, want %+v", i, g.Day.Format("2006-01-02"), g.Let, g.Free, g.Repair, w)
		}
	}
	if p := b.Weeks[0].LetPercent(); p != 50 {
		t.Errorf("share let now %d%%, want 50", p)
	}
	var names []string
	for _, u := range b.Free {
		names = append(names, u.Address)
	}
	if len(names) != 3 || names[0] != "A 4" || names[1] != "A 5" || names[2] != "A 7" {
		t.Errorf("free now: %v", names)
	}
	// The free list is capped (the first by address); the count is not.
	if b, err := f.db.HousingBoardLimits(ctx, f.hou.Scope(), today, "", postgres.BoardLimits{Free: 2, Arrears: 2}); err != nil {
		t.Fatal(err)
	} else if len(b.Free) != 2 || b.Free[0].Address != "A 4" || b.Free[1].Address != "A 5" || b.Weeks[0].Free != 3 || b.Weeks[1].Let != 2 {
		t.Errorf("free capped at 2: %v, %+v", b.Free, b.Weeks[:2])
	}

	// Owner filter: only the private unit (under repair).
	b, err = f.db.HousingBoard(ctx, f.hou.Scope(), today, domain.OwnerPrivate)
	if err != nil {
		t.Fatal(err)
	}
	if g := b.Weeks[0]; g.Total() != 1 || g.Repair != 1 || len(b.Free) != 0 {
		t.Errorf("private: %+v %v", g, b.Free)
	}
	// Admins see every unit; another unit's housing is not counted.
	b, err = f.db.HousingBoard(ctx, f.admin.Scope(), today, "")
	if err != nil {
		t.Fatal(err)
	}
	if g := b.Weeks[0]; g.Total() != 8 || g.Free != 4 {
		t.Errorf("admin: %+v", g)
	}
	hB := mkUser(t, f.db, "housing-b@x.no", domain.RoleHousing, "B")
	b, err = f.db.HousingBoard(ctx, hB.Scope(), today, "")
	if err != nil {
		t.Fatal(err)
	}
	if g := b.Weeks[12]; g.Total() != 1 || g.Free != 1 || len(b.Free) != 1 || b.Free[0].Address != "B 1" {
		t.Errorf("unit B: %+v %v", g, b.Free)
	}
}

// The board's pipeline: households agreed for settlement and not yet
// arrived, grouped by their active household (a person without one alone),
// with the units of the same unit that fit them; and the leases in rent
// arrears.
func TestHousingBoardArrivalsAndArrears(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	pool := f.db.Pool
	exec := func(sql string, args ...any) {
		t.Helper()
		if _, err := pool.Exec(ctx, sql, args...); err != nil {
			t.Fatal(err)
		}
	}
	today := date("2026-12-02")
	// A family of four (two adults, two children) arriving 2026-12-14.
	hid, head := f.household(t, "Familien Haidari", "Amina", "Haidari")
	var members []int64
	for _, g := range []string{"Ali", "Sara", "Omid"} {
		pid, err := f.db.CreatePerson(ctx, f.cwA.Scope(), input(g, "Haidari", f.cwA))
		if err != nil {
			t.Fatal(err)
		}
		members = append(members, pid)
		exec(`INSERT INTO household_members (household_id, person_id, relation, joined_on) VALUES ($1, $2, 'other', '2026-01-05')`, hid, pid)
	}
	exec(`UPDATE persons SET birth_date = '1990-01-01' WHERE id = ANY($1)`, []int64{head, members[0]})
	exec(`UPDATE persons SET birth_date = '2015-01-01' WHERE id = ANY($1)`, []int64{members[1], members[2]})
	exec(`UPDATE persons SET settlement_stage = 'agreed', expected_arrival = '2026-12-14', settlement_date = NULL WHERE id = ANY($1)`,
		append([]int64{head}, members...))
	// A single adult without household who needs a step-free home, arrival passed.
	single, err := f.db.CreatePerson(ctx, f.cwA.Scope(), input("Yonas", "Tesfay", f.cwA))
	if err != nil {
		t.Fatal(err)
	}
	exec(`UPDATE persons SET birth_date = '1980-05-05', settlement_stage = 'agreed', expected_arrival = '2026-11-20', needs_accessible_home = true WHERE id = $1`, single)
	// Not on the board: agreed in another unit's scope? (unit B), arriving after the horizon, proposed.
	late, err := f.db.CreatePerson(ctx, f.cwA.Scope(), input("Late", "Comer", f.cwA))
	if err != nil {
		t.Fatal(err)
	}
	exec(`UPDATE persons SET settlement_stage = 'agreed', expected_arrival = '2027-06-01' WHERE id = $1`, late)

	two := housingUnit(t, f, f.unitA, "A 2", 2)        // fits the family
	three := housingUnit(t, f, f.unitA, "A 3", 3)      // fits, one spare
	one := housingUnit(t, f, f.unitA, "A 1", 1)        // too small for the family
	letOpen := housingUnit(t, f, f.unitA, "A 4", 2)    // let open-ended: never
	freedLater := housingUnit(t, f, f.unitA, "A 5", 2) // free from 2026-12-20: too late for the 14th
	acc := housingUnit(t, f, f.unitA, "A 6 tilrettelagt", 1)
	housingUnit(t, f, f.unitB, "B 2", 2) // another unit
	exec(`UPDATE housing_units SET accessible = true WHERE id = $1`, acc)
	exec(`INSERT INTO leases (housing_unit_id, household_id, start_date, end_date, rent_ore) VALUES ($1, $2, '2026-01-01', NULL, 1)`, letOpen, hid)
	exec(`INSERT INTO leases (housing_unit_id, household_id, start_date, end_date, rent_ore, rent_arrears) VALUES ($1, $2, '2026-01-01', '2026-12-20', 1, true)`, freedLater, hid)

	b, err := f.db.HousingBoard(ctx, f.hou.Scope(), today, "")
	if err != nil {
		t.Fatal(err)
	}
	if b.ArrivalsTotal != 2 || len(b.Arrivals) != 2 {
		t.Fatalf("arrivals: %d %+v", b.ArrivalsTotal, b.Arrivals)
	}
	ids := func(us []domain.FitUnit) []int64 {
		var out []int64
		for _, u := range us {
			out = append(out, u.ID)
		}
		return out
	}
	s := b.Arrivals[0] // arrival passed: first
	if s.HouseholdID != nil || s.PersonID != single || s.Adults != 1 || s.Children != 0 || !s.NeedsAccessible {
		t.Errorf("single: %+v", s)
	}
	if got := ids(s.Candidates); len(got) != 1 || got[0] != acc {
		t.Errorf("single's candidates %v, want only the accessible unit %d", got, acc)
	}
	fam := b.Arrivals[1]
	if fam.HouseholdID == nil || *fam.HouseholdID != hid || fam.Name != "Familien Haidari" || fam.Adults != 2 || fam.Children != 2 {
		t.Errorf("family: %+v", fam)
	}
	if got := ids(fam.Candidates); len(got) != 2 || got[0] != two || got[1] != three {
		t.Errorf("family's candidates %v, want [%d %d] (not %d, %d, %d)", got, two, three, one, letOpen, freedLater)
	}
	if len(b.Arrears) != 1 || b.ArrearsTotal != 1 || b.Arrears[0].HousingUnitID != freedLater || b.Arrears[0].HouseholdName != "Familien Haidari" {
		t.Errorf("arrears: %+v", b.Arrears)
	}
	// The arrears list is capped (Arrears: 0 lists none).
	if b, err := f.db.HousingBoardLimits(ctx, f.hou.Scope(), today, "", postgres.BoardLimits{Free: 50, Arrears: 0}); err != nil {
		t.Fatal(err)
	} else if len(b.Arrears) != 0 || len(b.Arrivals) != 2 {
		t.Errorf("arrears capped at 0: %+v (total %d)", b.Arrears, b.ArrearsTotal)
	}
	// The owner filter applies to the candidates; another unit sees none.
	if b, err = f.db.HousingBoard(ctx, f.hou.Scope(), today, domain.OwnerPrivate); err != nil {
		t.Fatal(err)
	} else if len(b.Arrivals) != 2 || len(b.Arrivals[1].Candidates) != 0 || len(b.Arrears) != 0 || b.ArrearsTotal != 0 {
		t.Errorf("private: %+v %+v", b.Arrivals, b.Arrears)
	}
	hB := mkUser(t, f.db, "housing-b@x.no", domain.RoleHousing, "B")
	if b, err = f.db.HousingBoard(ctx, hB.Scope(), today, ""); err != nil {
		t.Fatal(err)
	} else if len(b.Arrivals) != 0 || b.ArrivalsTotal != 0 || len(b.Arrears) != 0 {
		t.Errorf("unit B: %+v", b)
	}
}
