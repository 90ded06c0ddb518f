package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"ankomst/internal/domain"
	"ankomst/internal/postgres"
)

// loadHousing is the demo step "housing", once for a database without
// housing units: first some households and single persons are marked agreed
// for settlement (postgres.DemoHousingPipeline: expected arrival within 8 weeks),
// then every other household gets a home (planHousing) and the plan is
// copied in.
func loadHousing(ctx context.Context, db *postgres.DB, today time.Time) (string, error) {
	started := time.Now()
	n, err := db.CountHousingUnits(ctx)
	if err != nil || n > 0 {
		return "", err
	}
	today = domain.Date(today)
	agreed, err := db.DemoHousingPipeline(ctx, today)
	if err != nil {
		return "", fmt.Errorf("pipeline: %w", err)
	}
	hh, err := db.DemoHousingHouseholds(ctx, today)
	if err != nil {
		return "", err
	}
	plan := planHousing(hh, today)
	if err := db.DemoHousingLoad(ctx, plan, today); err != nil {
		return "", err
	}
	return fmt.Sprintf("Housing: %d persons agreed for settlement, %d landlords, %d units, %d leases in %s.",
		agreed, len(plan.Landlords), len(plan.Units), len(plan.Leases), time.Since(started).Round(time.Millisecond)), nil
}

// housingSlot is a unit of the plan while leases are placed in it.
type housingSlot struct {
	unit     int // index into the plan's units
	bedrooms int
	freeFrom time.Time // no lease holds it from this day on (zero: never let)
	open     bool      // let open-ended
}

// planHousing houses each household of a unit in arrival order: about half
// first live 3–9 months in a transitional unit (gjennomgangsbolig, reused
// by the next household once free), then move to a home of their own with
// the bedrooms the fit rule asks for — a home another household left, when
// one is free, else a new unit. Two in three homes were left again after
// eight months to two years for another home, so households and units
// have a history.
// Some units are spare, some under renovation; a few running leases have
// rent arrears. Deterministic for the households given.
func planHousing(hh []postgres.DemoHousingHousehold, today time.Time) postgres.DemoHousingPlan {
	r := rand.New(rand.NewPCG(uint64(len(hh)), 0x626f6c6967)) // "bolig"
	var p postgres.DemoHousingPlan
	orgnrs := demoOrgnrs(200)
	landlords := map[int64][]int{} // unit → landlord indexes
	addUnit := func(unitID int64, bedrooms int) int {
		owner := domain.OwnerMunicipal
		landlord := -1
		switch x := r.IntN(10); {
		case x < 2:
			owner = domain.OwnerFoundation
		case x < 5:
			owner = domain.OwnerPrivate
		}
		if owner != domain.OwnerMunicipal {
			ls := landlords[unitID]
			if len(ls) < 20 {
				i := len(p.Landlords)
				l := postgres.DemoLandlord{UnitID: unitID, Kind: domain.LandlordPerson,
					Name: anyOf(r, demoGiven) + " " + anyOf(r, demoSurnames)}
				if len(ls)%2 == 0 || owner == domain.OwnerFoundation {
					nr := orgnrs[len(p.Landlords)%len(orgnrs)]
					l.Kind, l.OrgNr = domain.LandlordOrganisation, &nr
					l.Name = anyOf(r, demoPlaces) + " " + []string{"Eiendom AS", "Boligstiftelse", "Utleie AS"}[len(ls)%3]
				}
				p.Landlords = append(p.Landlords, l)
				landlords[unitID] = append(ls, i)
				landlord = i
			} else {
				landlord = ls[r.IntN(len(ls))]
			}
		}
		rooms := bedrooms + 1
		u := postgres.DemoUnit{UnitID: unitID, OwnerType: owner, Landlord: landlord, Rooms: rooms, Bedrooms: bedrooms,
			Address: fmt.Sprintf("%s %d %s%d%02d", anyOf(r, demoStreets), 1+r.IntN(120), "H", 1+r.IntN(5), 1+r.IntN(4)),
			SizeM2:  25 + 18*bedrooms + r.IntN(20), Floor: r.IntN(6), Lift: r.IntN(3) == 0, Accessible: r.IntN(8) == 0,
			Furnished: r.IntN(4) == 0, RentOre: int64(6000+3200*bedrooms+r.IntN(30)*100) * 100, Status: domain.UnitVacant}
		if u.Floor == 0 {
			u.Accessible = u.Accessible || r.IntN(3) == 0
		}
		p.Units = append(p.Units, u)
		return len(p.Units) - 1
	}
	lease := func(s *housingSlot, h postgres.DemoHousingHousehold, start time.Time, end *time.Time) {
		u := &p.Units[s.unit]
		l := postgres.DemoLease{Unit: s.unit, HouseholdID: h.ID, Start: start, End: end, RentOre: u.RentOre, Security: domain.SecurityNone}
		if h.Adult != 0 && r.IntN(2) == 0 {
			l.PersonID = h.Adult
		}
		switch r.IntN(3) {
		case 0:
			l.Security, l.SecurityOre = domain.SecurityDeposit, 3*u.RentOre
		case 1:
			l.Security, l.SecurityOre = domain.SecurityGuarantee, 3*u.RentOre
		}
		running := !start.After(today) && (end == nil || end.After(today))
		l.Arrears = running && r.IntN(25) == 0
		if running {
			u.Status = domain.UnitLet
		}
		p.Leases = append(p.Leases, l)
		if end == nil {
			s.open = true
		} else {
			s.freeFrom = *end
		}
	}
	take := func(pool []*housingSlot, need, spare int, from time.Time) *housingSlot {
		for _, s := range pool {
			if !s.open && s.bedrooms >= need && s.bedrooms <= need+spare && !s.freeFrom.After(from) {
				return s
			}
		}
		return nil
	}
	byUnit := map[int64][2][]*housingSlot{} // transit, homes
	for _, h := range hh {
		pools := byUnit[h.UnitID]
		need := max(domain.BedroomsNeeded(h.Adults, h.Children), 1)
		start := domain.Date(h.Arrival)
		if r.IntN(2) == 0 { // a transitional home first
			end := domain.AddDays(start, 90+r.IntN(180))
			s := take(pools[0], need, 2, start)
			if s == nil {
				s = &housingSlot{unit: addUnit(h.UnitID, max(need, 2)), bedrooms: max(need, 2)}
				pools[0] = append(pools[0], s)
			}
			lease(s, h, start, &end)
			start = end
		}
		for {
			s := take(pools[1], need, 1, start)
			if s == nil {
				b := need
				if r.IntN(5) == 0 {
					b++
				}
				s = &housingSlot{unit: addUnit(h.UnitID, b), bedrooms: b}
				pools[1] = append(pools[1], s)
			}
			var end *time.Time
			if e := domain.AddDays(start, 240+r.IntN(480)); r.IntN(3) != 0 && e.Before(today) {
				end = &e // moved on to another home
			}
			lease(s, h, start, end)
			if end == nil {
				break
			}
			start = *end
		}
		byUnit[h.UnitID] = pools
	}
	// Spare units and units under renovation: one in 12 more.
	n := len(p.Units)
	for i := 0; i < n/12; i++ {
		j := addUnit(p.Units[r.IntN(n)].UnitID, 1+r.IntN(3))
		if i%4 == 0 {
			p.Units[j].Status = domain.UnitRenovation
		}
	}
	return p
}
