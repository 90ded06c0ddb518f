package demo_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"ankomst/internal/demo"
	"ankomst/internal/domain"
	"ankomst/internal/postgres"
	"ankomst/internal/postgres/pgtest"
)

// storedPerson is what the checks read back.
type storedPerson struct {
	ID           int64
	UnitID       int64
	Given        string
	Family       string
	NameKey      string
	FamilyKey    string
	GivenKey     string
	Birth        time.Time
	Sex          string
	NationalID   *string
	DUF          *string
	Country      string
	Languages    []string
	Need         bool
	InterpLang   string
	Basis        string
	Arrival      *time.Time
	Settlement   *time.Time
	CaseworkerID *int64
	Status       string
}

func readPersons(t *testing.T, db *postgres.DB) []storedPerson {
	t.Helper()
	rows, err := db.Pool.Query(context.Background(), `
		SELECT id, unit_id, given_name, family_name, name_key, family_key, given_key, birth_date, sex,
			national_id, duf_number, country_of_origin, languages, interpreter_needed,
			interpreter_language, residence_basis, arrival_date, settlement_date, caseworker_id, status
		FROM persons WHERE coalesce(duf_number NOT LIKE '2098%', true) ORDER BY id`) // the settlement step's own pipeline persons: TestDemoSettlement
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []storedPerson
	for rows.Next() {
		var p storedPerson
		if err := rows.Scan(&p.ID, &p.UnitID, &p.Given, &p.Family, &p.NameKey, &p.FamilyKey, &p.GivenKey, &p.Birth, &p.Sex,
			&p.NationalID, &p.DUF, &p.Country, &p.Languages, &p.Need, &p.InterpLang, &p.Basis,
			&p.Arrival, &p.Settlement, &p.CaseworkerID, &p.Status); err != nil {
			t.Fatal(err)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func hasOption(opts []domain.Option, v string) bool {
	return slices.ContainsFunc(opts, func(o domain.Option) bool { return o.Value == v })
}

var today = time.Date(2026, 3, 15, 0, 0, 0, 0, time.UTC)

func TestLoad(t *testing.T) {
	ctx := context.Background()
	db := pgtest.NewOwner(t) // demo runs as the schema owner
	var out bytes.Buffer
	// IfEmpty on an empty database loads.
	if err := demo.Load(ctx, db, demo.Options{Persons: 300, IfEmpty: true, Seed: 42, Out: &out, Today: today}); err != nil {
		t.Fatal(err)
	}
	report := out.String()
	for _, s := range demo.Staff {
		if !strings.Contains(report, s.Email) {
			t.Errorf("the report does not list the login %s:\n%s", s.Email, report)
		}
	}
	if !strings.Contains(report, demo.Password) || !strings.Contains(report, "300 persons") {
		t.Errorf("the report lacks the password or the count:\n%s", report)
	}

	if n, err := db.CountUsers(ctx); err != nil || n != 13 {
		t.Fatalf("CountUsers = %d, %v; want 13", n, err)
	}
	units := map[string]int64{}
	for _, name := range []string{demo.UnitEast, demo.UnitWest} {
		id, err := db.EnsureUnit(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		units[name] = id
	}
	var nUnits int
	if err := db.Pool.QueryRow(ctx, `SELECT count(*) FROM units`).Scan(&nUnits); err != nil || nUnits != 2 {
		t.Fatalf("%d units, %v; want 2", nUnits, err)
	}
	// Per unit: 3 caseworkers, a leader, health and housing; one admin.
	roleCount := map[string]int{}
	caseworkerUnit := map[int64]int64{}
	rows, err := db.Pool.Query(ctx, `SELECT u.id, u.role, n.name, u.unit_id FROM users u JOIN units n ON n.id = u.unit_id`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id, unit int64
		var role, name string
		if err := rows.Scan(&id, &role, &name, &unit); err != nil {
			t.Fatal(err)
		}
		roleCount[name+"/"+role]++
		if role == "caseworker" {
			caseworkerUnit[id] = unit
		}
	}
	rows.Close()
	for _, u := range []string{demo.UnitEast, demo.UnitWest} {
		for role, want := range map[string]int{"caseworker": 3, "leader": 1, "health": 1, "housing": 1} {
			if roleCount[u+"/"+role] != want {
				t.Errorf("%s has %d %s users, want %d", u, roleCount[u+"/"+role], role, want)
			}
		}
	}
	if roleCount[demo.UnitEast+"/admin"]+roleCount[demo.UnitWest+"/admin"] != 1 {
		t.Errorf("want one admin: %v", roleCount)
	}
	// The demo logins work.
	for _, email := range []string{"saksbehandler1@ost.demo", "admin@demo"} {
		if _, err := db.Authenticate(ctx, email, demo.Password, "test"); err != nil {
			t.Errorf("login %s: %v", email, err)
		}
	}

	persons := readPersons(t, db)
	if len(persons) != 300 {
		t.Fatalf("%d persons, want 300", len(persons))
	}
	checkPersons(t, persons, caseworkerUnit, units)

	// IfEmpty with users present adds nothing.
	out.Reset()
	if err := demo.Load(ctx, db, demo.Options{Persons: 300, IfEmpty: true, Seed: 42, Out: &out, Today: today}); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); !strings.HasPrefix(got, "Demo data already loaded.") || !strings.Contains(got, "saksbehandler1@ost.demo") {
		t.Errorf("second load said %q, want the notice and the logins", got)
	}
	if n, err := db.CountPersons(ctx); err != nil || n != 300 {
		t.Fatalf("after the second load: %d persons, %v; want 300", n, err)
	}
	if n, err := db.CountUsers(ctx); err != nil || n != 13 {
		t.Fatalf("after the second load: %d users, %v; want 13", n, err)
	}

	// The list search finds a demo person by a folded part of the name,
	// preferably one spelled with accents or an apostrophe.
	target := persons[0]
	for _, p := range persons {
		if strings.ContainsAny(p.Given+p.Family, "éèëïêîôâçÉŞşûü'’") {
			target = p
			break
		}
	}
	givenKey, familyKey := domain.FoldName(target.Given), domain.FoldName(target.Family)
	partial := []rune(familyKey)
	if len(partial) > 4 {
		partial = partial[1:5]
	}
	queries := []string{
		strings.ToUpper(target.Given) + " " + target.Family, // as typed, any case
		givenKey + " " + string(partial),                    // folded, part of the family name
	}
	t.Logf("searching for %s %s with %q", target.Given, target.Family, queries)
	admin := domain.Scope{UserID: 1, UnitID: units[demo.UnitEast], Role: domain.RoleAdmin}
	unitScope := domain.Scope{UserID: 1, UnitID: target.UnitID, Role: domain.RoleLeader}
	for _, q := range queries {
		for _, s := range []domain.Scope{admin, unitScope} {
			if !listFinds(t, db, s, q, target.ID) {
				t.Errorf("ListPersons(%q) as %s does not find %s %s (id %d)", q, s.Role, target.Given, target.Family, target.ID)
			}
		}
	}
	// A unit's caseworker does not find the other unit's people.
	otherUnit := units[demo.UnitWest]
	if target.UnitID == otherUnit {
		otherUnit = units[demo.UnitEast]
	}
	if listFinds(t, db, domain.Scope{UserID: 1, UnitID: otherUnit, Role: domain.RoleCaseworker}, queries[0], target.ID) {
		t.Errorf("a caseworker of another unit found %s %s", target.Given, target.Family)
	}
}

// listFinds pages through the search results for q and reports whether id is among them.
func listFinds(t *testing.T, db *postgres.DB, s domain.Scope, q string, id int64) bool {
	t.Helper()
	pq := postgres.PersonQuery{Q: q, Limit: 200}
	for range 10 {
		page, err := db.ListPersons(context.Background(), s, pq)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range page.Rows {
			if r.ID == id {
				return true
			}
		}
		if !page.HasNext || len(page.Rows) == 0 {
			return false
		}
		pq.After = page.Rows[len(page.Rows)-1].ID
	}
	return false
}

func checkPersons(t *testing.T, persons []storedPerson, caseworkerUnit map[int64]int64, units map[string]int64) {
	t.Helper()
	nids, dufs := map[string]bool{}, map[string]bool{}
	var dufOnly, unassigned, east int
	countries := map[string]int{}
	for _, p := range persons {
		who := p.Given + " " + p.Family
		if p.NationalID == nil && p.DUF == nil {
			t.Errorf("%s has neither national ID nor DUF number", who)
		}
		if p.NationalID != nil {
			id, err := domain.ParseNationalID(*p.NationalID)
			if err != nil || !id.Synthetic || id.Number != *p.NationalID {
				t.Errorf("%s: national ID %s: %+v, %v; want a synthetic number", who, *p.NationalID, id, err)
			}
			if want := fmt.Sprintf("%02d%02d%02d", p.Birth.Day(), p.Birth.Month()+80, p.Birth.Year()%100); (*p.NationalID)[:6] != want {
				t.Errorf("%s: national ID %s does not encode the birth date %s", who, *p.NationalID, p.Birth.Format("02.01.2006"))
			}
			if nids[*p.NationalID] {
				t.Errorf("national ID %s twice", *p.NationalID)
			}
			nids[*p.NationalID] = true
		} else {
			dufOnly++
		}
		if p.DUF != nil {
			if d, err := domain.ParseDUF(*p.DUF); err != nil || d != *p.DUF {
				t.Errorf("%s: DUF number %s: %v", who, *p.DUF, err)
			}
			if dufs[*p.DUF] {
				t.Errorf("DUF number %s twice", *p.DUF)
			}
			dufs[*p.DUF] = true
		}
		if p.Arrival == nil {
			t.Errorf("%s has no arrival date", who)
			continue
		}
		if p.Arrival.After(today) || p.Arrival.Year() < 2022 {
			t.Errorf("%s arrived %s, outside 2022..today", who, p.Arrival.Format(time.DateOnly))
		}
		if p.Birth.After(*p.Arrival) {
			t.Errorf("%s was born %s, after arriving %s", who, p.Birth.Format(time.DateOnly), p.Arrival.Format(time.DateOnly))
		}
		if p.Settlement != nil {
			if p.Settlement.Before(*p.Arrival) {
				t.Errorf("%s settled %s before arriving %s", who, p.Settlement.Format(time.DateOnly), p.Arrival.Format(time.DateOnly))
			}
			if p.Settlement.After(p.Arrival.AddDate(0, 6, 1)) || p.Settlement.After(today) {
				t.Errorf("%s settled %s, more than 6 months after arriving %s or after today", who,
					p.Settlement.Format(time.DateOnly), p.Arrival.Format(time.DateOnly))
			}
		}
		if p.Sex != "female" && p.Sex != "male" {
			t.Errorf("%s has sex %q", who, p.Sex)
		}
		if !hasOption(domain.Countries(), p.Country) || !hasOption(domain.ResidenceBases(), p.Basis) {
			t.Errorf("%s: country %q, basis %q", who, p.Country, p.Basis)
		}
		countries[p.Country]++
		if len(p.Languages) == 0 {
			t.Errorf("%s speaks no language", who)
		}
		for _, l := range p.Languages {
			if !hasOption(domain.Languages(), l) {
				t.Errorf("%s speaks unknown language %q", who, l)
			}
		}
		if p.Need != (p.InterpLang != "") || (p.Need && !slices.Contains(p.Languages, p.InterpLang)) {
			t.Errorf("%s: interpreter needed %v in %q, languages %v", who, p.Need, p.InterpLang, p.Languages)
		}
		if p.Basis == domain.BasisUnaccompanied {
			age := p.Arrival.Year() - p.Birth.Year()
			if p.Arrival.YearDay() < p.Birth.YearDay() {
				age--
			}
			if age < 15 || age > 17 {
				t.Errorf("unaccompanied minor %s was %d at arrival", who, age)
			}
		}
		for _, n := range []string{p.Given, p.Family} {
			if norm, err := domain.NormalizeName(n); err != nil || norm != n {
				t.Errorf("name %q does not pass NormalizeName: %q, %v", n, norm, err)
			}
		}
		if p.NameKey != domain.FoldName(p.Given+" "+p.Family) || p.FamilyKey != domain.FoldName(p.Family) || p.GivenKey != domain.FoldName(p.Given) {
			t.Errorf("%s: keys %q %q %q", who, p.NameKey, p.FamilyKey, p.GivenKey)
		}
		if p.CaseworkerID == nil {
			unassigned++
		} else if caseworkerUnit[*p.CaseworkerID] != p.UnitID {
			t.Errorf("%s in unit %d has caseworker %d of unit %d", who, p.UnitID, *p.CaseworkerID, caseworkerUnit[*p.CaseworkerID])
		}
		if p.UnitID == units[demo.UnitEast] {
			east++
		}
	}
	n := len(persons)
	share := func(k int) float64 { return float64(k) / float64(n) }
	if s := share(dufOnly); s < 0.05 || s > 0.3 {
		t.Errorf("%.0f %% have only a DUF number, want about 15 %%", 100*s)
	}
	if s := share(unassigned); s > 0.15 {
		t.Errorf("%.0f %% have no caseworker, want about 5 %%", 100*s)
	}
	if s := share(east); s < 0.4 || s > 0.8 {
		t.Errorf("%.0f %% in %s, want about 60 %%", 100*s, demo.UnitEast)
	}
	if s := share(countries["UA"]); s < 0.35 || s > 0.55 {
		t.Errorf("%.0f %% from Ukraine, want about 45 %%: %v", 100*s, countries)
	}
	for _, c := range []string{"UA", "SY", "AF", "ER", "CD", "SO"} {
		if countries[c] == 0 {
			t.Errorf("nobody from %s: %v", c, countries)
		}
	}
}

// Without IfEmpty a second load reuses the users and adds persons with
// identity numbers distinct from those already stored, even with the same seed.
func TestLoadAgainAddsPersons(t *testing.T) {
	ctx := context.Background()
	db := pgtest.NewOwner(t) // demo runs as the schema owner
	for range 2 {
		if err := demo.Load(ctx, db, demo.Options{Persons: 150, Seed: 3, Today: today}); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := db.CountUsers(ctx); err != nil || n != len(demo.Staff) {
		t.Fatalf("CountUsers = %d, %v; want %d", n, err, len(demo.Staff))
	}
	if n, err := db.CountPersons(ctx); err != nil || n != 300 {
		t.Fatalf("CountPersons = %d, %v; want 300", n, err)
	}
	// Zero persons is a valid load (users only).
	if err := demo.Load(ctx, db, demo.Options{Persons: 0}); err != nil {
		t.Fatal(err)
	}
	if err := demo.Load(ctx, db, demo.Options{Persons: -1}); err == nil {
		t.Fatal("Load accepted -1 persons")
	}
}

func TestDemoHouseholdsAndDeadlines(t *testing.T) {
	db := pgtest.NewOwner(t) // demo runs as the schema owner
	ctx := context.Background()
	today := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	if err := demo.Load(ctx, db, demo.Options{Persons: 400, Seed: 7, Out: io.Discard, Today: today}); err != nil {
		t.Fatal(err)
	}
	var households, members, heads, persons, withDeadlines, overdue int
	db.Pool.QueryRow(ctx, `SELECT count(*) FROM households`).Scan(&households)
	db.Pool.QueryRow(ctx, `SELECT count(*) FROM household_members`).Scan(&members)
	db.Pool.QueryRow(ctx, `SELECT count(*) FROM household_members WHERE relation = 'head'`).Scan(&heads)
	db.Pool.QueryRow(ctx, `SELECT count(*) FROM persons`).Scan(&persons)
	db.Pool.QueryRow(ctx, `SELECT count(DISTINCT person_id) FROM deadlines`).Scan(&withDeadlines)
	db.Pool.QueryRow(ctx, `SELECT count(*) FROM deadlines WHERE done_on IS NULL AND due_date < $1`, today).Scan(&overdue)
	if households == 0 || heads != households || members < 2*households || members > persons {
		t.Errorf("households %d, heads %d, members %d of %d persons", households, heads, members, persons)
	}
	var crossUnit int
	db.Pool.QueryRow(ctx, `SELECT count(*) FROM household_members m JOIN households h ON h.id = m.household_id
		JOIN persons p ON p.id = m.person_id WHERE p.unit_id <> h.unit_id`).Scan(&crossUnit)
	if crossUnit != 0 {
		t.Errorf("%d members in another unit's household", crossUnit)
	}
	if withDeadlines < persons*9/10 {
		t.Errorf("only %d of %d persons have deadlines", withDeadlines, persons)
	}
	if overdue == 0 || overdue > persons/5 {
		t.Errorf("%d overdue deadlines for %d persons", overdue, persons)
	}
}

func TestDemoClosedCasesHaveDates(t *testing.T) {
	db := pgtest.NewOwner(t) // demo runs as the schema owner
	ctx := context.Background()
	today := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	if err := demo.Load(ctx, db, demo.Options{Persons: 600, Seed: 3, Out: io.Discard, Today: today}); err != nil {
		t.Fatal(err)
	}
	var closed, undated, bad int
	db.Pool.QueryRow(ctx, `SELECT count(*) FROM persons WHERE status = 'closed'`).Scan(&closed)
	db.Pool.QueryRow(ctx, `SELECT count(*) FROM persons WHERE status = 'closed' AND (closed_on IS NULL OR close_reason IS NULL)`).Scan(&undated)
	db.Pool.QueryRow(ctx, `SELECT count(*) FROM persons WHERE closed_on > $1 OR closed_on < settlement_date`, today).Scan(&bad)
	if closed == 0 || undated != 0 || bad != 0 {
		t.Errorf("closed %d, without date or reason %d, dated outside settlement..today %d", closed, undated, bad)
	}
}

func TestDemoNotes(t *testing.T) {
	db := pgtest.NewOwner(t) // demo runs as the schema owner
	ctx := context.Background()
	var out bytes.Buffer
	// Persons first, without notes; then --if-empty with notes adds them,
	// since the database has no notes yet.
	if err := demo.Load(ctx, db, demo.Options{Persons: 400, IfEmpty: true, Seed: 5, Out: io.Discard, Today: today}); err != nil {
		t.Fatal(err)
	}
	if err := demo.Load(ctx, db, demo.Options{Persons: 400, Notes: 4000, IfEmpty: true, Seed: 5, Out: &out, Today: today}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "Case notes: 4000 added") {
		t.Errorf("the report does not count the notes:\n%s", out.String())
	}
	if n, err := db.CountPersons(ctx); err != nil || n != 400 {
		t.Fatalf("CountPersons = %d, %v; --if-empty added persons", n, err)
	}
	// Again: notes exist now, so nothing is added.
	if err := demo.Load(ctx, db, demo.Options{Persons: 400, Notes: 4000, IfEmpty: true, Seed: 5, Out: io.Discard, Today: today}); err != nil {
		t.Fatal(err)
	}
	if n, err := db.CountNotes(ctx); err != nil || n != 4000 {
		t.Fatalf("CountNotes = %d, %v; want 4000", n, err)
	}

	var wrongAuthor, outOfRange, outOfOrder, interpreter, reasons, conversations, long, maxNotes, withNotes, kinds int
	db.Pool.QueryRow(ctx, `SELECT count(*) FROM case_notes n JOIN persons p ON p.id = n.person_id JOIN users u ON u.id = n.author_id
		WHERE u.unit_id <> p.unit_id OR u.role NOT IN ('caseworker', 'leader')`).Scan(&wrongAuthor)
	db.Pool.QueryRow(ctx, `SELECT count(*) FROM case_notes n JOIN persons p ON p.id = n.person_id
		WHERE n.note_date < coalesce(p.settlement_date, p.arrival_date) OR n.note_date > $1
		   OR n.note_date > coalesce(p.closed_on, $1)`, today).Scan(&outOfRange)
	db.Pool.QueryRow(ctx, `SELECT count(*) FROM (SELECT note_date, lag(note_date) OVER (ORDER BY id) AS prev FROM case_notes) x
		WHERE note_date < prev`).Scan(&outOfOrder)
	db.Pool.QueryRow(ctx, `SELECT count(*) FILTER (WHERE interpreter_used IS NOT NULL),
		count(*) FILTER (WHERE no_interpreter_reason <> ''), count(*) FILTER (WHERE kind IN ('meeting', 'phone', 'home_visit')),
		count(*) FILTER (WHERE char_length(body) > 1000), count(DISTINCT kind) FROM case_notes`).
		Scan(&interpreter, &reasons, &conversations, &long, &kinds)
	db.Pool.QueryRow(ctx, `SELECT max(c), count(*) FROM (SELECT count(*) AS c FROM case_notes GROUP BY person_id) x`).Scan(&maxNotes, &withNotes)
	t.Logf("%d persons with notes, the busiest has %d; %d record interpreter use, %d with a reason; %d conversations, %d long",
		withNotes, maxNotes, interpreter, reasons, conversations, long)
	if wrongAuthor != 0 {
		t.Errorf("%d notes written by someone outside the person's unit or not a caseworker or leader", wrongAuthor)
	}
	if outOfRange != 0 {
		t.Errorf("%d notes dated before settlement, after today or after the case closed", outOfRange)
	}
	if outOfOrder != 0 {
		t.Errorf("%d notes inserted out of date order", outOfOrder)
	}
	if interpreter < 4000*12/100 || interpreter > 4000*28/100 || reasons == 0 {
		t.Errorf("%d of 4000 notes record interpreter use (%d with a reason for none), want about a fifth", interpreter, reasons)
	}
	if kinds != 5 || conversations < 4000/2 || long == 0 {
		t.Errorf("%d kinds, %d conversations, %d notes over 1000 characters", kinds, conversations, long)
	}
	// Skewed: the busiest person has many times the average.
	if mean := 4000 / withNotes; maxNotes < 5*mean {
		t.Errorf("the busiest person has %d notes, the mean is %d: not skewed", maxNotes, mean)
	}

	// The store reads them: the busiest person's timeline is full.
	var pid, unit int64
	db.Pool.QueryRow(ctx, `SELECT n.person_id, p.unit_id FROM case_notes n JOIN persons p ON p.id = n.person_id
		GROUP BY 1, 2 ORDER BY count(*) DESC LIMIT 1`).Scan(&pid, &unit)
	tl, err := db.PersonTimeline(ctx, domain.Scope{UserID: 1, UnitID: unit, Role: domain.RoleLeader}, pid, postgres.TimelineQuery{Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	notes := 0
	for _, it := range tl.Items {
		if it.Note != nil {
			notes++
		}
	}
	if notes < 40 || tl.Next == nil {
		t.Errorf("the busiest person's timeline has %d notes on its first page, next %v", notes, tl.Next)
	}
}

// TestLoadUnits: --units 5 adds units "Flyktningtjenesten 3" to 5, each
// with a leader and three caseworkers (demo.UnitStaff), spreads the persons
// over all five (Øst the largest) and gives every unit's persons that
// unit's caseworkers; one unit is refused.
func TestLoadUnits(t *testing.T) {
	ctx := context.Background()
	db := pgtest.NewOwner(t) // demo runs as the schema owner
	if err := demo.Load(ctx, db, demo.Options{Persons: 1000, Units: 5, Seed: 5, Today: today}); err != nil {
		t.Fatal(err)
	}
	staff := demo.UnitStaff(5)
	if len(staff) != len(demo.Staff)+3*4 {
		t.Fatalf("UnitStaff(5): %d users, want %d", len(staff), len(demo.Staff)+12)
	}
	if n, err := db.CountUsers(ctx); err != nil || n != len(staff) {
		t.Fatalf("CountUsers = %d, %v; want %d", n, err, len(staff))
	}
	var leader, cw int
	if err := db.Pool.QueryRow(ctx, `SELECT count(*) FILTER (WHERE u.role = 'leader'), count(*) FILTER (WHERE u.role = 'caseworker')
		FROM users u JOIN units n ON n.id = u.unit_id WHERE n.name = 'Flyktningtjenesten 4'`).Scan(&leader, &cw); err != nil {
		t.Fatal(err)
	}
	if leader != 1 || cw != 3 {
		t.Errorf("Flyktningtjenesten 4: %d leaders, %d caseworkers; want 1, 3", leader, cw)
	}
	rows := unitCounts(t, db, `SELECT n.name, count(p.id) AS persons,
			count(p.id) FILTER (WHERE p.caseworker_id IS NOT NULL AND c.unit_id IS DISTINCT FROM p.unit_id) AS foreign_cw
		FROM units n LEFT JOIN persons p ON p.unit_id = n.id LEFT JOIN users c ON c.id = p.caseworker_id
		GROUP BY n.name ORDER BY n.name`)
	got := map[string]int64{}
	for _, r := range rows {
		got[r.name] = r.persons
		if r.foreign != 0 {
			t.Errorf("%s: %d persons with another unit's caseworker", r.name, r.foreign)
		}
	}
	for i := 1; i <= 5; i++ {
		name := demo.UnitName(i)
		if got[name] < 50 {
			t.Errorf("%s: %d persons, want a share of the 1000 (%v)", name, got[name], got)
		}
		if i > 1 && got[name] >= got[demo.UnitEast] {
			t.Errorf("%s has %d persons, Øst %d: Øst should be the largest", name, got[name], got[demo.UnitEast])
		}
	}
	if len(got) != 5 {
		t.Errorf("units %v, want 5", got)
	}
	if err := demo.Load(ctx, db, demo.Options{Persons: 10, Units: 1}); err == nil {
		t.Error("Load accepted one unit")
	}
}

type unitCount struct {
	name             string
	persons, foreign int64
}

func unitCounts(t *testing.T, db *postgres.DB, sql string) []unitCount {
	t.Helper()
	rows, err := db.Pool.Query(context.Background(), sql)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []unitCount
	for rows.Next() {
		var c unitCount
		if err := rows.Scan(&c.name, &c.persons, &c.foreign); err != nil {
			t.Fatal(err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
