package demo

import (
	"testing"
	"time"

	"ankomst/internal/domain"
	"ankomst/internal/postgres"
)

// The housing plan keeps the capacity rule (no unit let to two households
// at once) and gives no household two homes at once.
func TestPlanHousing(t *testing.T) {
	today := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	var hh []postgres.DemoHousingHousehold
	for i := range 400 {
		hh = append(hh, postgres.DemoHousingHousehold{ID: int64(i + 1), UnitID: int64(1 + i%2),
			Arrival: domain.AddDays(today, -10*(400-i)), Adults: 1 + i%3, Children: i % 4, Adult: int64(1000 + i)})
	}
	p := planHousing(hh, today)
	if len(p.Units) == 0 || len(p.Leases) < len(hh) || len(p.Landlords) == 0 {
		t.Fatalf("plan: %d units, %d leases, %d landlords", len(p.Units), len(p.Leases), len(p.Landlords))
	}
	byUnit := map[int][]domain.LeasePeriod{}
	byHousehold := map[int64][]domain.LeasePeriod{}
	for _, l := range p.Leases {
		lp := domain.LeasePeriod{HouseholdID: l.HouseholdID, Start: l.Start, End: l.End}
		if msg := domain.CheckLeaseCapacity(0, byUnit[l.Unit], lp); msg != "" {
			t.Fatalf("unit %d overbooked: %s", l.Unit, msg)
		}
		for _, o := range byHousehold[l.HouseholdID] {
			if (o.End == nil || l.Start.Before(*o.End)) && (l.End == nil || o.Start.Before(*l.End)) {
				t.Fatalf("household %d has two homes at once", l.HouseholdID)
			}
		}
		byUnit[l.Unit] = append(byUnit[l.Unit], lp)
		byHousehold[l.HouseholdID] = append(byHousehold[l.HouseholdID], lp)
		if u := p.Units[l.Unit]; u.UnitID != hh[l.HouseholdID-1].UnitID || u.Bedrooms > u.Rooms {
			t.Fatalf("lease in another unit's housing or bad unit: %+v", u)
		}
	}
	for _, u := range p.Units {
		if u.Landlord >= 0 && p.Landlords[u.Landlord].UnitID != u.UnitID {
			t.Fatalf("landlord of another unit")
		}
		if u.OwnerType == domain.OwnerPrivate && u.Landlord < 0 {
			t.Fatalf("private unit without landlord")
		}
	}
	for _, l := range p.Landlords {
		if l.OrgNr != nil && !domain.ValidOrgNumber(*l.OrgNr) {
			t.Fatalf("invalid orgnr %s", *l.OrgNr)
		}
	}
}
