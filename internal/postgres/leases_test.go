package postgres_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"ankomst/internal/domain"
	"ankomst/internal/postgres"
)

// housingUnit inserts a housing unit in unit by SQL (the unit register is
// another module) and returns its id.
func housingUnit(t *testing.T, f *fixture, unit int64, address string, bedrooms int) int64 {
	t.Helper()
	var id int64
	if err := f.db.Pool.QueryRow(context.Background(), `INSERT INTO housing_units (unit_id, address, address_key, owner_type, rooms, bedrooms, rent_ore)
		VALUES ($1, $2, lower($2), 'municipal', $3 + 1, $3, 950000) RETURNING id`, unit, address, bedrooms).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

func unitStatus(t *testing.T, f *fixture, id int64) string {
	t.Helper()
	var s string
	if err := f.db.Pool.QueryRow(context.Background(), `SELECT status FROM housing_units WHERE id = $1`, id).Scan(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestLeaseLifecycle(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	hid, head := f.household(t, "Familien Ali", "Amina", "Ali")
	hu := housingUnit(t, f, f.unitA, "Storgata 1", 1)
	in := domain.LeaseInput{HousingUnitID: hu, PersonID: &head, Start: date("2026-02-01"), RentOre: 950000, Security: domain.SecurityDeposit, SecurityOre: 2850000}

	// Caseworkers read but do not write; another unit finds nothing.
	if _, err := f.db.CreateLease(ctx, f.cwA.Scope(), hid, in); code(err) != domain.EFORBIDDEN {
		t.Fatalf("caseworker: %v", err)
	}
	hB := mkUser(t, f.db, "housing-b@x.no", domain.RoleHousing, "B")
	if _, err := f.db.CreateLease(ctx, hB.Scope(), hid, in); code(err) != domain.ENOTFOUND {
		t.Fatalf("other unit: %v", err)
	}
	// A housing unit of another unit is refused as a field.
	huB := housingUnit(t, f, f.unitB, "Bgata 2", 1)
	bad := in
	bad.HousingUnitID = huB
	if _, err := f.db.CreateLease(ctx, f.hou.Scope(), hid, bad); code(err) != domain.EINVALID {
		t.Fatalf("other unit's housing: %v", err)
	}

	id, err := f.db.CreateLease(ctx, f.hou.Scope(), hid, in)
	if err != nil {
		t.Fatal(err)
	}
	if s := unitStatus(t, f, hu); s != "let" {
		t.Fatalf("status %s", s)
	}
	// Same tenant twice: refused. Another household in a one-bedroom unit: refused.
	if _, err := f.db.CreateLease(ctx, f.hou.Scope(), hid, in); code(err) != domain.EINVALID {
		t.Fatalf("same tenant: %v", err)
	}
	hid2, _ := f.household(t, "Familien Berg", "Bo", "Berg")
	in2 := in
	in2.PersonID = nil
	if _, err := f.db.CreateLease(ctx, f.hou.Scope(), hid2, in2); code(err) != domain.EINVALID {
		t.Fatalf("overbooked: %v", err)
	}

	hh, err := f.db.GetHouseholdHousing(ctx, f.cwA.Scope(), hid)
	if err != nil {
		t.Fatal(err)
	}
	if len(hh.Leases) != 1 || len(hh.Leases[0].Checklist) != 6 || hh.Leases[0].Address != "Storgata 1" || hh.Units != nil {
		t.Fatalf("%+v", hh)
	}
	if _, err := f.db.GetHouseholdHousing(ctx, f.cwB.Scope(), hid); code(err) != domain.ENOTFOUND {
		t.Fatalf("cwB: %v", err)
	}

	// Checklist.
	if err := f.db.SetChecklistItem(ctx, f.hou.Scope(), hid, id, domain.ChecklistInput{Phase: "move_in", Item: "keys", DoneOn: ptr(date("2026-02-01")), Note: "2 nøkler", Version: 1}); err != nil {
		t.Fatal(err)
	}
	// The same item from a form based on version 1 again: a conflict with the stored item;
	// the same values again (a double submit) are harmless.
	var staleItem *postgres.ChecklistStaleError
	if err := f.db.SetChecklistItem(ctx, f.hou.Scope(), hid, id, domain.ChecklistInput{Phase: "move_in", Item: "keys", Note: "ingen", Version: 1}); !errors.As(err, &staleItem) || staleItem.Current.Note != "2 nøkler" || staleItem.Current.Version != 2 {
		t.Fatalf("stale checklist item: %v", err)
	}
	if err := f.db.SetChecklistItem(ctx, f.hou.Scope(), hid, id, domain.ChecklistInput{Phase: "move_in", Item: "keys", DoneOn: ptr(date("2026-02-01")), Note: "2 nøkler", Version: 1}); err != nil {
		t.Fatalf("double submit: %v", err)
	}
	if err := f.db.SetChecklistItem(ctx, f.hou.Scope(), hid2, id, domain.ChecklistInput{Phase: "move_in", Item: "keys"}); code(err) != domain.ENOTFOUND {
		t.Fatalf("other household's lease: %v", err)
	}

	// End: old version → conflict; then ended, the unit is vacant again.
	end := date("2026-06-01")
	_, err = f.db.UpdateLease(ctx, f.hou.Scope(), hid, id, domain.LeaseEdit{End: &end, RentOre: 950000, Version: 9})
	var stale *postgres.LeaseStaleError
	if !errors.As(err, &stale) || code(err) != domain.ECONFLICT {
		t.Fatalf("stale: %v", err)
	}
	l, err := f.db.UpdateLease(ctx, f.hou.Scope(), hid, id, domain.LeaseEdit{End: &end, RentOre: 950000, Arrears: true, Version: 1})
	if err != nil {
		t.Fatal(err)
	}
	if l.Version != 2 || !l.RentArrears || l.End == nil {
		t.Fatalf("%+v", l)
	}
	if s := unitStatus(t, f, hu); s != "vacant" {
		t.Fatalf("status after end %s", s)
	}
	// Now the other household can move in on the move-out day.
	in2.Start = end
	if _, err := f.db.CreateLease(ctx, f.hou.Scope(), hid2, in2); err != nil {
		t.Fatal(err)
	}
	// Reopening the first lease would overbook.
	if _, err := f.db.UpdateLease(ctx, f.hou.Scope(), hid, id, domain.LeaseEdit{RentOre: 1, Version: 2}); code(err) != domain.EINVALID {
		t.Fatalf("reopen: %v", err)
	}

	var n int
	f.db.Pool.QueryRow(ctx, `SELECT count(*) FROM audit_events WHERE entity IN ('lease', 'lease_checklist') AND action <> 'view'`).Scan(&n)
	if n != 4 {
		t.Fatalf("audit rows %d", n)
	}
}

func TestLeaseTenantMustBeAdultMember(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	hid, _ := f.household(t, "Familien Ali", "Amina", "Ali")
	_, other := f.household(t, "Familien Berg", "Bo", "Berg")
	hu := housingUnit(t, f, f.unitA, "Storgata 1", 2)
	in := domain.LeaseInput{HousingUnitID: hu, PersonID: &other, Start: date("2026-02-01"), RentOre: 1, Security: "none"}
	if _, err := f.db.CreateLease(ctx, f.hou.Scope(), hid, in); code(err) != domain.EINVALID {
		t.Fatalf("not a member: %v", err)
	}
}

func TestLeaseParallelCannotOverbook(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	hu := housingUnit(t, f, f.unitA, "Storgata 1", 1)
	var hids []int64
	for _, n := range []string{"A", "B", "C", "D"} {
		hid, _ := f.household(t, "Familien "+n, "X", n)
		hids = append(hids, hid)
	}
	var wg sync.WaitGroup
	errs := make([]error, len(hids))
	for i, hid := range hids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = f.db.CreateLease(ctx, f.hou.Scope(), hid, domain.LeaseInput{HousingUnitID: hu, Start: date("2026-02-01"), RentOre: 1, Security: "none"})
		}()
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		if err == nil {
			ok++
		} else if code(err) != domain.EINVALID {
			t.Fatal(err)
		}
	}
	if ok != 1 {
		t.Fatalf("%d leases", ok)
	}
}
