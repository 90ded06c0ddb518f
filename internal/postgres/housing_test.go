package postgres_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"ankomst/internal/domain"
	"ankomst/internal/postgres"
)

func unitIn(address string, rooms, bedrooms int, status string) domain.HousingUnitInput {
	return domain.HousingUnitInput{Address: address, AddressKey: domain.FoldName(address), OwnerType: domain.OwnerMunicipal,
		Rooms: rooms, Bedrooms: bedrooms, RentOre: 1250000, Status: status}
}

func TestHousingUnitsScopeSearchAndLocking(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	hou := f.hou.Scope()
	a1, err := f.db.CreateHousingUnit(ctx, hou, unitIn("Storgata 1 H0101", 3, 2, domain.UnitVacant))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.CreateHousingUnit(ctx, f.leaderA.Scope(), unitIn("Ærlighetsveien 7", 4, 3, domain.UnitLet)); err != nil {
		t.Fatal(err)
	}
	b1, err := f.db.CreateHousingUnit(ctx, f.admin.Scope(), unitIn("Storgata 99", 2, 1, domain.UnitVacant)) // admin of unit B
	if err != nil {
		t.Fatal(err)
	}
	if n := auditCount(t, f, "housing_unit", a1, "create"); n != 1 {
		t.Errorf("%d create audit rows, want 1", n)
	}

	// Caseworkers and health may not read the registers.
	for _, u := range []*domain.User{f.cwA, f.health} {
		if _, err := f.db.ListHousingUnits(ctx, u.Scope(), postgres.HousingUnitQuery{}); code(err) != domain.EFORBIDDEN {
			t.Errorf("%s list: %v", u.Role, err)
		}
		if _, err := f.db.CreateHousingUnit(ctx, u.Scope(), unitIn("X 1", 1, 0, domain.UnitVacant)); code(err) != domain.EFORBIDDEN {
			t.Errorf("%s create: %v", u.Role, err)
		}
	}

	list := func(s domain.Scope, q postgres.HousingUnitQuery) postgres.HousingUnitPage {
		t.Helper()
		p, err := f.db.ListHousingUnits(ctx, s, q)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	if p := list(hou, postgres.HousingUnitQuery{}); p.Total != 2 {
		t.Errorf("unit A sees %d, want 2", p.Total)
	}
	if p := list(f.admin.Scope(), postgres.HousingUnitQuery{}); p.Total != 3 {
		t.Errorf("admin sees %d, want 3", p.Total)
	}
	if p := list(hou, postgres.HousingUnitQuery{Q: "storgata"}); p.Total != 1 || p.Rows[0].ID != a1 {
		t.Errorf("search storgata: %+v", p)
	}
	if p := list(hou, postgres.HousingUnitQuery{Q: "aerlighets"}); p.Total != 1 {
		t.Errorf("folded search: %+v", p)
	}
	if p := list(hou, postgres.HousingUnitQuery{Status: domain.UnitLet}); p.Total != 1 || p.Rows[0].Status != domain.UnitLet {
		t.Errorf("status filter: %+v", p)
	}
	if p := list(hou, postgres.HousingUnitQuery{OwnerType: domain.OwnerPrivate}); p.Total != 0 {
		t.Errorf("owner filter: %+v", p)
	}
	if p := list(hou, postgres.HousingUnitQuery{Limit: 1}); len(p.Rows) != 1 || !p.HasNext {
		t.Errorf("paging: %+v", p)
	}
	if p := list(hou, postgres.HousingUnitQuery{Limit: 1, Page: 2}); len(p.Rows) != 1 || p.HasNext {
		t.Errorf("page 2: %+v", p)
	}

	// Another unit's record is not found.
	if _, err := f.db.GetHousingUnit(ctx, hou, b1); code(err) != domain.ENOTFOUND {
		t.Errorf("other unit get: %v", err)
	}
	if err := f.db.UpdateHousingUnit(ctx, hou, b1, unitIn("Storgata 99", 2, 1, domain.UnitLet)); code(err) != domain.ENOTFOUND {
		t.Errorf("other unit update: %v", err)
	}
	if err := f.db.HousingUnitInScope(ctx, hou, b1); code(err) != domain.ENOTFOUND {
		t.Errorf("other unit in scope: %v", err)
	}

	// Update with version; a stale version is a conflict with the stored unit.
	in := unitIn("Storgata 1 H0101", 3, 2, domain.UnitRenovation)
	in.Version = 1
	if err := f.db.UpdateHousingUnit(ctx, hou, a1, in); err != nil {
		t.Fatal(err)
	}
	in.Status, in.Version = domain.UnitLet, 1
	err = f.db.UpdateHousingUnit(ctx, f.leaderA.Scope(), a1, in)
	var stale *postgres.HousingUnitStaleError
	if !errors.As(err, &stale) || stale.Current.Status != domain.UnitRenovation || code(err) != domain.ECONFLICT {
		t.Fatalf("stale: %v", err)
	}
	u, err := f.db.GetHousingUnit(ctx, hou, a1)
	if err != nil || u.Version != 2 || u.Status != domain.UnitRenovation {
		t.Fatalf("after update %+v %v", u, err)
	}
	if n := auditCount(t, f, "housing_unit", a1, "update"); n != 1 {
		t.Errorf("%d update audit rows, want 1", n)
	}
	// An unchanged form is no new version.
	in.Status, in.Version = domain.UnitRenovation, 2
	if err := f.db.UpdateHousingUnit(ctx, hou, a1, in); err != nil {
		t.Fatal(err)
	}
	if n := auditCount(t, f, "housing_unit", a1, "update"); n != 1 {
		t.Errorf("%d update audit rows after no change, want 1", n)
	}
}

func TestLandlordsDuplicatesAgreementsAndScope(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	hou := f.hou.Scope()
	nr := "974760673"
	org := domain.LandlordInput{Kind: domain.LandlordOrganisation, Name: "Boligbygg AS", OrgNr: &nr, Contact: "Kari"}
	l1, err := f.db.CreateLandlord(ctx, hou, org)
	if err != nil {
		t.Fatal(err)
	}
	// The same number in the same unit: 409 with the existing landlord.
	_, err = f.db.CreateLandlord(ctx, f.leaderA.Scope(), org)
	var dup *postgres.DuplicateLandlordError
	if !errors.As(err, &dup) || dup.ExistingID != l1 || code(err) != domain.ECONFLICT || !strings.Contains(domain.ErrorMessage(err), "974 760 673") {
		t.Fatalf("duplicate: %v", err)
	}
	// The same number in another unit is allowed.
	lB, err := f.db.CreateLandlord(ctx, f.admin.Scope(), org)
	if err != nil {
		t.Fatalf("other unit: %v", err)
	}
	person := domain.LandlordInput{Kind: domain.LandlordPerson, Name: "Ola Nordmann", Phone: "912 34 567"}
	l2, err := f.db.CreateLandlord(ctx, hou, person)
	if err != nil {
		t.Fatal(err)
	}
	ls, err := f.db.ListLandlords(ctx, hou)
	if err != nil || len(ls) != 2 {
		t.Fatalf("list: %v %v", ls, err)
	}
	if _, err := f.db.ListLandlords(ctx, f.cwA.Scope()); code(err) != domain.EFORBIDDEN {
		t.Errorf("caseworker list: %v", err)
	}
	if _, err := f.db.GetLandlord(ctx, hou, lB); code(err) != domain.ENOTFOUND {
		t.Errorf("other unit get: %v", err)
	}

	// Changing the person to the organisation's number: duplicate.
	p2 := org
	p2.Name, p2.Version = "Ola Nordmann AS", 1
	if err := f.db.UpdateLandlord(ctx, hou, l2, p2); !errors.As(err, &dup) {
		t.Fatalf("update duplicate: %v", err)
	}
	person.Email, person.Version = "ola@eksempel.no", 1
	if err := f.db.UpdateLandlord(ctx, hou, l2, person); err != nil {
		t.Fatal(err)
	}
	person.Phone = "22 33 44 55"
	var stale *postgres.LandlordStaleError
	if err := f.db.UpdateLandlord(ctx, hou, l2, person); !errors.As(err, &stale) || stale.Current.Email != "ola@eksempel.no" {
		t.Fatalf("stale: %v", err)
	}

	// Agreements: appended, newest first, audited; another unit's landlord is not found.
	to := date("2027-12-31")
	if _, err := f.db.AddLandlordAgreement(ctx, hou, l1, domain.AgreementInput{From: date("2026-01-01"), To: &to, Units: 10}); err != nil {
		t.Fatal(err)
	}
	aid, err := f.db.AddLandlordAgreement(ctx, hou, l1, domain.AgreementInput{From: date("2028-01-01"), Units: 12})
	if err != nil {
		t.Fatal(err)
	}
	if n := auditCount(t, f, "landlord_agreement", aid, "create"); n != 1 {
		t.Errorf("%d agreement audit rows", n)
	}
	if _, err := f.db.AddLandlordAgreement(ctx, hou, lB, domain.AgreementInput{From: date("2026-01-01"), Units: 1}); code(err) != domain.ENOTFOUND {
		t.Errorf("other unit agreement: %v", err)
	}

	// A private unit must use a landlord of its own unit.
	priv := unitIn("Privatveien 2", 2, 1, domain.UnitLet)
	priv.OwnerType, priv.LandlordID = domain.OwnerPrivate, &lB
	if _, err := f.db.CreateHousingUnit(ctx, hou, priv); code(err) != domain.EINVALID {
		t.Errorf("other unit's landlord: %v", err)
	}
	priv.LandlordID = &l1
	if _, err := f.db.CreateHousingUnit(ctx, hou, priv); err != nil {
		t.Fatal(err)
	}
	d, err := f.db.GetLandlord(ctx, hou, l1)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Agreements) != 2 || d.Agreements[0].Units != 12 || len(d.Units) != 1 || d.Units[0].Address != "Privatveien 2" || d.Landlord.Units != 1 {
		t.Errorf("detail %+v", d)
	}
}
