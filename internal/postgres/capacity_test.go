package postgres_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"ankomst/internal/domain"
	"ankomst/internal/postgres"
)

// capNow is a Tuesday: the capacity weeks run from Monday 2026-11-30.
func capNow() time.Time { return time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC) }

// capEmployer inserts an employer with its worksites (SQL fixtures: the
// employer register is another module's); it returns the worksite ids.
func capEmployer(t *testing.T, f *fixture, name, sector string, active bool, sites ...capSite) []int64 {
	t.Helper()
	ctx := context.Background()
	seq++
	var eid int64
	if err := f.db.Pool.QueryRow(ctx, `INSERT INTO employers (name, orgnr, name_key, sector, active)
		VALUES ($1, $2, $3, $4, $5) RETURNING id`, name, fmt.Sprintf("9%08d", seq), domain.FoldName(name), sector, active).Scan(&eid); err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, s := range sites {
		var id int64
		if err := f.db.Pool.QueryRow(ctx, `INSERT INTO worksites (employer_id, name, area, places, languages, active)
			VALUES ($1, $2, $3, $4, coalesce($5, '{}'::text[]), $6) RETURNING id`, eid, s.name, s.area, s.places, s.langs, !s.inactive).Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	return ids
}

type capSite struct {
	name, area string
	places     int
	langs      []string
	inactive   bool
}

func capPlacement(t *testing.T, f *fixture, personID, worksiteID int64, p domain.PlacementSpan) int64 {
	t.Helper()
	reason := ""
	if p.Status == "aborted" {
		reason = "Flyttet"
	}
	var id int64
	if err := f.db.Pool.QueryRow(context.Background(), `INSERT INTO placements (person_id, worksite_id, minutes_per_week, weekdays,
		start_date, planned_end, ended_on, goal, status, abort_reason)
		VALUES ($1, $2, 900, '{1,2,3}', $3, $4, $5, 'language', $6, $7) RETURNING id`,
		personID, worksiteID, p.Start, p.PlannedEnd, p.EndedOn, p.Status, reason).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

func TestCapacityPage(t *testing.T) {
	f := newFixture(t)
	f.db.Now = capNow
	ctx := context.Background()
	weeks := domain.CapacityWeeks(capNow())
	home := capEmployer(t, f, "Solsiden sykehjem", "nursing_home", true,
		capSite{"Avdeling 1", "Sentrum", 3, []string{"ar", "en"}, false},
		capSite{"Avdeling 2", "Nord", 1, []string{"uk"}, false},
		capSite{"Nedlagt avdeling", "Nord", 5, nil, true})
	shop := capEmployer(t, f, "Butikken AS", "shop", true, capSite{"Butikken", "Sør", 2, []string{"ar"}, false})
	gone := capEmployer(t, f, "Gammel bedrift", "shop", false, capSite{"Lager", "Øst", 9, nil, false})
	pA := mustPerson(t, f, f.cwA)
	pB := mustPerson(t, f, f.cwB)
	d := func(s string) time.Time { return date(s) }
	// Avdeling 1: person A now and next week; person B (another unit: still
	// counted) from week 3; an ended placement (never counted).
	capPlacement(t, f, pA, home[0], domain.PlacementSpan{Status: "active", Start: d("2026-10-01"), PlannedEnd: d("2026-12-11")})
	capPlacement(t, f, pB, home[0], domain.PlacementSpan{Status: "planned", Start: d("2026-12-21"), PlannedEnd: d("2027-03-01")})
	capPlacement(t, f, pB, home[0], domain.PlacementSpan{Status: "ended", Start: d("2026-06-01"), PlannedEnd: d("2027-03-01")})
	// Avdeling 2: full now (1 place), free from week 2 (ended early on the Friday of week 1).
	capPlacement(t, f, pA, home[1], domain.PlacementSpan{Status: "paused", Start: d("2027-06-01"), PlannedEnd: d("2027-07-01")})
	capPlacement(t, f, pB, home[1], domain.PlacementSpan{Status: "active", Start: d("2026-11-01"), PlannedEnd: d("2027-05-01"), EndedOn: ptr(d("2026-12-11"))})
	// Lager of an inactive employer: full of placements, never shown.
	capPlacement(t, f, pA, gone[0], domain.PlacementSpan{Status: "active", Start: d("2026-11-01"), PlannedEnd: d("2027-05-01")})

	page, err := f.db.CapacityPage(ctx, f.cwA.Scope(), postgres.CapacityQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.EqualFunc(page.Weeks, weeks, time.Time.Equal) {
		t.Errorf("weeks %v", page.Weeks)
	}
	if page.Total != 3 || len(page.Rows) != 3 || page.HasNext {
		t.Fatalf("total %d, rows %+v", page.Total, page.Rows)
	}
	// Sorted by free places now: Avdeling 1 (2), Butikken (2) by employer
	// name: Butikken AS first, then Solsiden; Avdeling 2 (0) last.
	var got []int64
	for _, r := range page.Rows {
		got = append(got, r.WorksiteID)
	}
	if want := []int64{shop[0], home[0], home[1]}; !slices.Equal(got, want) {
		t.Errorf("order %v, want %v", got, want)
	}
	byID := map[int64]postgres.CapacityRow{}
	for _, r := range page.Rows {
		byID[r.WorksiteID] = r
	}
	for id, want := range map[int64][]int{
		home[0]: {2, 2, 3, 2, 2, 2, 2, 2, 2},
		home[1]: {0, 0, 1, 1, 1, 1, 1, 1, 1},
		shop[0]: {2, 2, 2, 2, 2, 2, 2, 2, 2},
	} {
		if free := byID[id].Free(); !slices.Equal(free, want) {
			t.Errorf("worksite %d: free %v, want %v", id, free, want)
		}
	}
	r := byID[home[0]]
	if r.Employer != "Solsiden sykehjem" || r.Sector != "nursing_home" || r.Area != "Sentrum" || !slices.Equal(r.Languages, []string{"ar", "en"}) || r.Places != 3 {
		t.Errorf("row %+v", r)
	}
	// Areas of active worksites (the inactive one's Nord is there through Avdeling 2).
	if !slices.Equal(page.Areas, []string{"Nord", "Sentrum", "Sør", "Øst"}) {
		t.Errorf("areas %v", page.Areas)
	}

	// Filters.
	for _, c := range []struct {
		q    postgres.CapacityQuery
		want []int64
	}{
		{postgres.CapacityQuery{Sector: "nursing_home"}, []int64{home[0], home[1]}},
		{postgres.CapacityQuery{Sector: "kitchen"}, nil},
		{postgres.CapacityQuery{Area: "Nord"}, []int64{home[1]}},
		{postgres.CapacityQuery{Area: "nord"}, nil}, // exact
		{postgres.CapacityQuery{Language: "ar"}, []int64{shop[0], home[0]}},
		{postgres.CapacityQuery{Language: "uk", Sector: "nursing_home"}, []int64{home[1]}},
		{postgres.CapacityQuery{OnlyFree: true}, []int64{shop[0], home[0]}},
		{postgres.CapacityQuery{OnlyFree: true, Area: "Nord"}, nil},
		// The total is counted apart from the page (pl-speed): the inactive
		// employer's worksite stays out of a sector's count too.
		{postgres.CapacityQuery{Sector: "shop"}, []int64{shop[0]}},
		{postgres.CapacityQuery{Sector: "shop", OnlyFree: true}, []int64{shop[0]}},
		{postgres.CapacityQuery{Sector: "nursing_home", OnlyFree: true}, []int64{home[0]}},
		{postgres.CapacityQuery{Area: "Øst"}, nil},
		{postgres.CapacityQuery{Limit: 2}, []int64{shop[0], home[0]}},
		{postgres.CapacityQuery{Limit: 2, Page: 2}, []int64{home[1]}},
	} {
		page, err := f.db.CapacityPage(ctx, f.leaderA.Scope(), c.q)
		if err != nil {
			t.Fatal(err)
		}
		var got []int64
		for _, r := range page.Rows {
			got = append(got, r.WorksiteID)
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%+v: %v, want %v", c.q, got, c.want)
		}
		if c.q.Limit == 0 && len(got) > 0 && page.Total != len(got) {
			t.Errorf("%+v: total %d, want %d", c.q, page.Total, len(got))
		}
		if c.q.Limit == 2 && (page.Total != 3 || page.HasNext != (c.q.Page < 2)) {
			t.Errorf("%+v: total %d, next %v", c.q, page.Total, page.HasNext)
		}
	}

	// Roles without CapProgramme are refused; the admin sees the same.
	for _, u := range []*domain.User{f.health, f.hou} {
		if _, err := f.db.CapacityPage(ctx, u.Scope(), postgres.CapacityQuery{}); domain.ErrorCode(err) != domain.EFORBIDDEN {
			t.Errorf("%s: %v, want forbidden", u.Role, err)
		}
	}
	if page, err := f.db.CapacityPage(ctx, f.admin.Scope(), postgres.CapacityQuery{}); err != nil || page.Total != 3 {
		t.Errorf("admin: %v %v", page, err)
	}
}

// The query counts as the domain does: random placements at week
// boundaries, compared with domain.FreePlaces.
func TestCapacityMatchesDomain(t *testing.T) {
	f := newFixture(t)
	f.db.Now = capNow
	ctx := context.Background()
	weeks := domain.CapacityWeeks(capNow())
	sites := capEmployer(t, f, "Kommunen", "other", true,
		capSite{"A", "", 20, nil, false}, capSite{"B", "", 20, nil, false}, capSite{"C", "", 20, nil, false})
	pid := mustPerson(t, f, f.cwA)
	r := rand.New(rand.NewPCG(9, 4))
	statuses := []string{"planned", "active", "paused", "ended", "aborted"}
	spans := map[int64][]domain.PlacementSpan{}
	base := date("2026-11-20")
	for range 60 {
		start := domain.AddDays(base, r.IntN(80))
		p := domain.PlacementSpan{Status: statuses[r.IntN(len(statuses))], Start: start, PlannedEnd: domain.AddDays(start, r.IntN(30))}
		if r.IntN(3) == 0 || p.Status == "aborted" {
			p.EndedOn = ptr(domain.AddDays(start, r.IntN(20)))
		}
		site := sites[r.IntN(len(sites))]
		capPlacement(t, f, pid, site, p)
		spans[site] = append(spans[site], p)
	}
	page, err := f.db.CapacityPage(ctx, f.cwA.Scope(), postgres.CapacityQuery{})
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range page.Rows {
		if want := domain.FreePlaces(20, spans[row.WorksiteID], weeks); !slices.Equal(row.Free(), want) {
			t.Errorf("worksite %s: SQL %v, domain %v", row.Worksite, row.Free(), want)
		}
	}
}

// The person page's placement history: newest first, scoped by the unit.
func TestPersonPagePlacements(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	site := capEmployer(t, f, "Barnehagen", "kindergarten", true, capSite{"Avdeling Blå", "Vest", 2, nil, false})[0]
	pid := mustPerson(t, f, f.cwA)
	for i := range postgres.PlacementHistoryLimit + 1 {
		start := domain.AddDays(date("2025-01-06"), 28*i)
		capPlacement(t, f, pid, site, domain.PlacementSpan{Status: "ended", Start: start, PlannedEnd: domain.AddDays(start, 20)})
	}
	pg := f.db.NewPersonPage(f.cwA.Scope(), pid)
	h := pg.Placements()
	if _, err := f.db.LoadPersonPage(ctx, pg); err != nil {
		t.Fatal(err)
	}
	if len(h.Rows) != postgres.PlacementHistoryLimit || !h.More {
		t.Fatalf("%d rows, more %v", len(h.Rows), h.More)
	}
	first := h.Rows[0]
	if !first.Start.Equal(domain.AddDays(date("2025-01-06"), 28*postgres.PlacementHistoryLimit)) || first.Worksite != "Avdeling Blå" ||
		first.Employer != "Barnehagen" || first.MinutesPerWeek != 900 || first.Status != "ended" {
		t.Errorf("first %+v", first)
	}
	// Another unit's caseworker reads nothing (the page is not found).
	pg = f.db.NewPersonPage(f.cwB.Scope(), pid)
	h = pg.Placements()
	if _, err := f.db.LoadPersonPage(ctx, pg); domain.ErrorCode(err) != domain.ENOTFOUND || len(h.Rows) != 0 {
		t.Errorf("other unit: %v, %d rows", err, len(h.Rows))
	}
}
