package demo

import (
	"reflect"
	"testing"
	"time"

	"ankomst/internal/domain"
	"ankomst/internal/postgres"
)

var genToday = time.Date(2026, 3, 15, 0, 0, 0, 0, time.UTC)

func testUnits() []*staffUnit {
	return []*staffUnit{{ID: 1, Caseworkers: []int64{11, 12, 13}}, {ID: 2, Caseworkers: []int64{21, 22, 23}}}
}

func drain(g *generator) []postgres.DemoPerson {
	var out []postgres.DemoPerson
	for {
		p, ok := g.next()
		if !ok {
			return out
		}
		out = append(out, p)
	}
}

func TestGeneratorDeterministic(t *testing.T) {
	a := drain(newGenerator(9, genToday, testUnits(), 3000))
	b := drain(newGenerator(9, genToday, testUnits(), 3000))
	if len(a) != 3000 || !reflect.DeepEqual(a, b) {
		t.Fatal("the same seed gave different persons")
	}
	c := drain(newGenerator(10, genToday, testUnits(), 3000))
	if reflect.DeepEqual(a, c) {
		t.Fatal("different seeds gave the same persons")
	}
}

func TestGeneratorMix(t *testing.T) {
	g := newGenerator(1, genToday, testUnits(), 20000)
	persons := drain(g)
	for _, c := range countries {
		got := 100 * float64(g.counts[c.Code]) / float64(len(persons))
		if got < float64(c.Share)-1.5 || got > float64(c.Share)+1.5 {
			t.Errorf("%s: %.1f %% of persons, want %d %%", c.Code, got, c.Share)
		}
	}
	if g.noNID != 0 {
		t.Errorf("%d persons found no free national ID", g.noNID)
	}
	basis := map[string]map[string]int{}
	for _, p := range persons {
		if basis[p.CountryOfOrigin] == nil {
			basis[p.CountryOfOrigin] = map[string]int{}
		}
		basis[p.CountryOfOrigin][p.ResidenceBasis]++
	}
	if ua := basis["UA"]; ua[domain.BasisCollective] < 9*(ua[domain.BasisFamily]+ua[domain.BasisUnaccompanied]) {
		t.Errorf("Ukrainians should mostly have collective protection: %v", ua)
	}
	for _, c := range []string{"AF", "ER", "SO"} {
		if basis[c][domain.BasisUnaccompanied] == 0 {
			t.Errorf("no unaccompanied minors from %s: %v", c, basis[c])
		}
	}
}

func TestHouseholds(t *testing.T) {
	g := newGenerator(5, genToday, testUnits(), 1<<30)
	sizes := map[int]int{}
	for i := range 5000 {
		c := &countries[i%len(countries)]
		hh := g.household(c)
		sizes[len(hh)]++
		if len(hh) < 1 || len(hh) > 7 {
			t.Fatalf("household of %d", len(hh))
		}
		first := hh[0]
		var youngestAdult time.Time
		var children []time.Time
		for _, p := range hh {
			if !p.ArrivalDate.Equal(*first.ArrivalDate) || !reflect.DeepEqual(p.SettlementDate, first.SettlementDate) ||
				p.UnitID != first.UnitID || !reflect.DeepEqual(p.CaseworkerID, first.CaseworkerID) {
				t.Fatalf("household members differ in dates, unit or caseworker: %+v / %+v", first, p)
			}
			if domain.FoldName(p.FamilyName)[:3] != domain.FoldName(first.FamilyName)[:3] {
				t.Fatalf("household of %s has %s", first.FamilyName, p.FamilyName)
			}
			adult := !p.BirthDate.After(p.ArrivalDate.AddDate(-18, 0, 0))
			if adult && p.BirthDate.After(youngestAdult) {
				youngestAdult = p.BirthDate
			}
			if !adult && len(hh) > 1 {
				children = append(children, p.BirthDate)
			}
		}
		for i, b := range children {
			if b.Before(youngestAdult.AddDate(18, 0, 0)) {
				t.Fatalf("%s %s: child born %s, the youngest adult %s", hh[0].GivenName, hh[0].FamilyName,
					b.Format(time.DateOnly), youngestAdult.Format(time.DateOnly))
			}
			if i > 0 && b.Sub(children[i-1]) < 300*24*time.Hour {
				t.Fatalf("%s: siblings born %s and %s", hh[0].FamilyName, children[i-1].Format(time.DateOnly), b.Format(time.DateOnly))
			}
		}
	}
	if sizes[1] == 0 || sizes[2] == 0 || sizes[4] == 0 || sizes[6] == 0 {
		t.Errorf("household sizes %v", sizes)
	}
}

func TestNamePools(t *testing.T) {
	for _, pool := range []namePool{ukrainian, syrian, kurdish, afghan, eritrean, congolese, somali} {
		if pool.Family != nil && len(pool.Family) < 30 || len(pool.Male) < 15 || len(pool.Female) < 15 {
			t.Errorf("small pool: %d male, %d female, %d family", len(pool.Male), len(pool.Female), len(pool.Family))
		}
		var all []string
		all = append(append(all, pool.Male...), pool.Female...)
		for _, f := range pool.Family {
			all = append(all, f.Male)
			if f.Female != "" {
				all = append(all, f.Female)
			}
		}
		for _, n := range all {
			if norm, err := domain.NormalizeName(n); err != nil || norm != n {
				t.Errorf("%q: NormalizeName = %q, %v", n, norm, err)
			}
		}
	}
}
