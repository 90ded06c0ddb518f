package postgres_test

import (
	"context"
	"errors"
	"testing"

	"ankomst/internal/domain"
	"ankomst/internal/postgres"
)

func TestHousingSupport(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	hid, _ := f.household(t, "Familien Ali", "Amina", "Ali")
	hB := mkUser(t, f.db, "housing-b@x.no", domain.RoleHousing, "B")
	g := domain.GuidanceInput{HeldOn: date("2026-02-01"), Topics: []string{"waste", "fire_safety"}, Interpreter: true, Note: "Gikk gjennom"}
	app := domain.HusbankenInput{Scheme: domain.SchemeHousingAllowance, AppliedOn: date("2026-02-01"), Decision: domain.HusbankenPending}

	// Caseworkers read but do not write; another unit finds nothing.
	if _, err := f.db.CreateGuidance(ctx, f.cwA.Scope(), hid, g); code(err) != domain.EFORBIDDEN {
		t.Fatalf("caseworker: %v", err)
	}
	if _, err := f.db.CreateGuidance(ctx, hB.Scope(), hid, g); code(err) != domain.ENOTFOUND {
		t.Fatalf("other unit: %v", err)
	}
	if _, err := f.db.CreateHusbanken(ctx, hB.Scope(), hid, app); code(err) != domain.ENOTFOUND {
		t.Fatalf("other unit: %v", err)
	}
	if _, err := f.db.CreateHusbanken(ctx, f.cwA.Scope(), hid, app); code(err) != domain.EFORBIDDEN {
		t.Fatalf("caseworker: %v", err)
	}
	gid, err := f.db.CreateGuidance(ctx, f.hou.Scope(), hid, g)
	if err != nil {
		t.Fatal(err)
	}
	aid, err := f.db.CreateHusbanken(ctx, f.hou.Scope(), hid, app)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.GetHousingSupport(ctx, hB.Scope(), hid); code(err) != domain.ENOTFOUND {
		t.Fatalf("other unit reads: %v", err)
	}
	hs, err := f.db.GetHousingSupport(ctx, f.cwA.Scope(), hid)
	if err != nil {
		t.Fatal(err)
	}
	if len(hs.Guidance) != 1 || hs.Guidance[0].ID != gid || len(hs.Guidance[0].Topics) != 2 || !hs.Guidance[0].Interpreter ||
		len(hs.Applications) != 1 || hs.Applications[0].Version != 1 || hs.Applications[0].Decision != domain.HusbankenPending {
		t.Fatalf("%+v", hs)
	}

	// The decision: another unit finds nothing, an old version is a conflict.
	amount := int64(350000)
	dec := domain.HusbankenInput{Decision: domain.HusbankenGranted, DecidedOn: ptr(date("2026-03-01")), AmountOre: &amount,
		NextReview: ptr(date("2026-09-01")), Version: 1}
	if _, err := f.db.UpdateHusbanken(ctx, hB.Scope(), hid, aid, dec); code(err) != domain.ENOTFOUND {
		t.Fatalf("other unit: %v", err)
	}
	if _, err := f.db.GetHusbanken(ctx, hB.Scope(), hid, aid); code(err) != domain.ENOTFOUND {
		t.Fatalf("other unit get: %v", err)
	}
	hid2, _ := f.household(t, "Familien Berg", "Bo", "Berg")
	if _, err := f.db.UpdateHusbanken(ctx, f.hou.Scope(), hid2, aid, dec); code(err) != domain.ENOTFOUND {
		t.Fatalf("other household: %v", err)
	}
	a, err := f.db.UpdateHusbanken(ctx, f.hou.Scope(), hid, aid, dec)
	if err != nil {
		t.Fatal(err)
	}
	if a.Version != 2 || a.Decision != domain.HusbankenGranted || *a.AmountOre != amount {
		t.Fatalf("%+v", a)
	}
	var stale *postgres.HusbankenStaleError
	if _, err := f.db.UpdateHusbanken(ctx, f.hou.Scope(), hid, aid, dec); !errors.As(err, &stale) || stale.Current.Version != 2 || code(err) != domain.ECONFLICT {
		t.Fatalf("stale: %v", err)
	}
	// A decided date before the stored application date is a field error.
	bad := dec
	bad.Version, bad.DecidedOn = 2, ptr(date("2026-01-01"))
	if _, err := f.db.UpdateHusbanken(ctx, f.hou.Scope(), hid, aid, bad); code(err) != domain.EINVALID {
		t.Fatalf("decided before applied: %v", err)
	}

	var n int
	f.db.Pool.QueryRow(ctx, `SELECT count(*) FROM audit_events WHERE entity IN ('housing_guidance', 'husbanken_application') AND action <> 'view'`).Scan(&n)
	if n != 3 {
		t.Fatalf("audit rows %d", n)
	}
}
