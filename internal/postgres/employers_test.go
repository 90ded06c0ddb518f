package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"ankomst/internal/domain"
	"ankomst/internal/postgres"
)

// orgnr makes a valid organisation number from a seed (the first eight
// digits from 90000000 + seed, skipping those without a check digit).
func orgnr(seed int) string {
	for n := 90000000 + seed*7; ; n++ {
		s := fmt.Sprintf("%08d", n)
		if d, ok := domain.OrgNumberCheckDigit(s); ok {
			return s + fmt.Sprint(d)
		}
	}
}

func employerIn(name, nr, sector string) domain.EmployerInput {
	return domain.EmployerInput{Name: name, OrgNr: nr, Address: "Storgata 1", Sector: sector}
}

func auditCount(t *testing.T, f *fixture, entity string, id int64, action string) int {
	t.Helper()
	var n int
	if err := f.db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_events WHERE entity = $1 AND entity_id = $2 AND action = $3`,
		entity, id, action).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestEmployerRegisterSearchDuplicatesAndLocking(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	cw := f.cwA.Scope()
	sol, err := f.db.CreateEmployer(ctx, cw, employerIn("Solsiden sykehjem", "974760673", domain.SectorNursingHome))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.CreateEmployer(ctx, cw, employerIn("Bølgen Ærlig Kafé", orgnr(1), domain.SectorKitchen)); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.CreateEmployer(ctx, f.cwB.Scope(), employerIn("Østre Solsikke barnehage", orgnr(2), domain.SectorKindergarten)); err != nil {
		t.Fatal(err)
	}
	if n := auditCount(t, f, domain.EntityEmployer, sol, "create"); n != 1 {
		t.Errorf("%d create audit rows, want 1", n)
	}
	var changes string
	if err := f.db.Pool.QueryRow(ctx, `SELECT changes::text FROM audit_events WHERE entity = 'employer' AND entity_id = $1`, sol).Scan(&changes); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(changes, `"employer_orgnr": {"new": "974760673"`) && !strings.Contains(changes, `974760673`) {
		t.Errorf("create audit changes %s", changes)
	}

	// A duplicate organisation number: refused with the existing employer.
	_, err = f.db.CreateEmployer(ctx, f.leaderA.Scope(), employerIn("Solsiden AS", "974760673", domain.SectorOther))
	var dup *postgres.DuplicateOrgNrError
	if !errors.As(err, &dup) || dup.ExistingID != sol || code(err) != domain.ECONFLICT || !strings.Contains(domain.ErrorMessage(err), "974 760 673") {
		t.Fatalf("duplicate: %v", err)
	}

	// Search: the register is shared (unit B's employer is found from unit A).
	list := func(s domain.Scope, q postgres.EmployerQuery) postgres.EmployerPage {
		t.Helper()
		p, err := f.db.ListEmployers(ctx, s, q)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	names := func(p postgres.EmployerPage) string {
		var out []string
		for _, r := range p.Rows {
			out = append(out, r.Name)
		}
		return strings.Join(out, "|")
	}
	for _, tc := range []struct {
		q, sector, want string
	}{
		{"", "", "Bølgen Ærlig Kafé|Østre Solsikke barnehage|Solsiden sykehjem"}, // by folded name, as persons: ø sorts as o
		{"sol", "", "Østre Solsikke barnehage|Solsiden sykehjem"},
		{"SOLSIDEN", "", "Solsiden sykehjem"},
		{"bolgen", "", "Bølgen Ærlig Kafé"},      // ø folds to o
		{"aerlig kafe", "", "Bølgen Ærlig Kafé"}, // æ, é fold
		{"østre", "", "Østre Solsikke barnehage"},
		{"974 760 673", "", "Solsiden sykehjem"}, // orgnr with spaces
		{"974760", "", "Solsiden sykehjem"},      // its start
		{"974760674", "", ""},
		{"", domain.SectorKitchen, "Bølgen Ærlig Kafé"},
		{"sol", domain.SectorKindergarten, "Østre Solsikke barnehage"},
		{"100%_", "", ""}, // LIKE wildcards are literal
	} {
		p := list(f.cwB.Scope(), postgres.EmployerQuery{Q: tc.q, Sector: tc.sector})
		if got := names(p); got != tc.want {
			t.Errorf("search %q %q: %q, want %q", tc.q, tc.sector, got, tc.want)
		}
		if want := len(p.Rows); p.Total != want {
			t.Errorf("search %q: total %d, want %d", tc.q, p.Total, want)
		}
	}
	// Keyset paging by name, forward and back, with the total.
	for i := range 5 {
		if _, err := f.db.CreateEmployer(ctx, cw, employerIn(fmt.Sprintf("Firma %d", i), orgnr(10+i), domain.SectorShop)); err != nil {
			t.Fatal(err)
		}
	}
	p1 := list(cw, postgres.EmployerQuery{Limit: 3})
	if names(p1) != "Bølgen Ærlig Kafé|Firma 0|Firma 1" || p1.HasPrev || !p1.HasNext || p1.Total != 8 {
		t.Fatalf("page 1: %q prev %v next %v total %d", names(p1), p1.HasPrev, p1.HasNext, p1.Total)
	}
	p2 := list(cw, postgres.EmployerQuery{Limit: 3, After: p1.Rows[2].ID})
	if names(p2) != "Firma 2|Firma 3|Firma 4" || !p2.HasPrev || !p2.HasNext {
		t.Fatalf("page 2: %q %v %v", names(p2), p2.HasPrev, p2.HasNext)
	}
	back := list(cw, postgres.EmployerQuery{Limit: 3, Before: p2.Rows[0].ID})
	if names(back) != names(p1) || back.HasPrev || !back.HasNext {
		t.Fatalf("back: %q %v %v", names(back), back.HasPrev, back.HasNext)
	}

	// Roles: health and housing are refused.
	for _, u := range []*domain.User{f.health, f.hou} {
		if _, err := f.db.ListEmployers(ctx, u.Scope(), postgres.EmployerQuery{}); code(err) != domain.EFORBIDDEN {
			t.Errorf("%s list: %v", u.Email, err)
		}
		if _, err := f.db.CreateEmployer(ctx, u.Scope(), employerIn("X", orgnr(30), domain.SectorOther)); code(err) != domain.EFORBIDDEN {
			t.Errorf("%s create: %v", u.Email, err)
		}
		if _, err := f.db.GetEmployer(ctx, u.Scope(), sol); code(err) != domain.EFORBIDDEN {
			t.Errorf("%s get: %v", u.Email, err)
		}
	}

	// Update with optimistic locking.
	in := employerIn("Solsiden sykehjem og omsorg", "974760673", domain.SectorNursingHome)
	in.Version = 1
	if err := f.db.UpdateEmployer(ctx, f.cwB.Scope(), sol, in); err != nil {
		t.Fatal(err)
	}
	in.Name, in.Version = "Gammel versjon", 1
	err = f.db.UpdateEmployer(ctx, cw, sol, in)
	var stale *postgres.EmployerStaleError
	if !errors.As(err, &stale) || stale.Current.Name != "Solsiden sykehjem og omsorg" || stale.Current.Version != 2 || code(err) != domain.ECONFLICT {
		t.Fatalf("stale: %v", err)
	}
	// The same facts again (a double submit): success, no new version.
	in.Name = "Solsiden sykehjem og omsorg"
	if err := f.db.UpdateEmployer(ctx, cw, sol, in); err != nil {
		t.Errorf("unchanged: %v", err)
	}
	// Changing to another employer's number: the duplicate.
	in.OrgNr, in.Version = orgnr(1), 2
	if err := f.db.UpdateEmployer(ctx, cw, sol, in); !errors.As(err, &dup) || dup.ExistingName != "Bølgen Ærlig Kafé" {
		t.Errorf("update to a duplicate: %v", err)
	}
	if n := auditCount(t, f, domain.EntityEmployer, sol, "update"); n != 1 {
		t.Errorf("%d update audit rows, want 1", n)
	}
	// Search finds the new name (name_key follows the name).
	if got := names(list(cw, postgres.EmployerQuery{Q: "omsorg"})); got != "Solsiden sykehjem og omsorg" {
		t.Errorf("search after rename: %q", got)
	}
	// Deactivate with the version; stale and unknown ids.
	if err := f.db.SetEmployerActive(ctx, cw, sol, 1, false); !errors.As(err, &stale) {
		t.Errorf("deactivate on an old version: %v", err)
	}
	if err := f.db.SetEmployerActive(ctx, cw, sol, 2, false); err != nil {
		t.Fatal(err)
	}
	if err := f.db.SetEmployerActive(ctx, cw, sol, 2, false); err != nil {
		t.Errorf("second deactivation (double submit): %v", err)
	}
	e, err := f.db.GetEmployer(ctx, cw, sol)
	if err != nil || e.Active || e.Version != 3 {
		t.Fatalf("after deactivation: %+v %v", e, err)
	}
	if _, err := f.db.GetEmployer(ctx, cw, 999999); code(err) != domain.ENOTFOUND {
		t.Errorf("unknown employer: %v", err)
	}
	if err := f.db.UpdateEmployer(ctx, cw, 999999, in); code(err) != domain.ENOTFOUND {
		t.Errorf("update unknown: %v", err)
	}
	// An inactive employer takes no new worksites.
	if _, err := f.db.CreateWorksite(ctx, cw, sol, domain.WorksiteInput{Name: "Avd. 1", Places: 1, Languages: []string{}}); code(err) != domain.EINVALID {
		t.Errorf("worksite of an inactive employer: %v", err)
	}
}

func TestWorksitesContactsAndTheWorksitePageScope(t *testing.T) {
	f := newFixture(t)
	f.db.Now = func() time.Time { return time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC) }
	ctx := context.Background()
	cw := f.cwA.Scope()
	emp, err := f.db.CreateEmployer(ctx, cw, employerIn("Solsiden sykehjem", "974760673", domain.SectorNursingHome))
	if err != nil {
		t.Fatal(err)
	}
	ws, err := f.db.CreateWorksite(ctx, cw, emp, domain.WorksiteInput{Name: "Kjøkkenet", Area: "Sentrum", Places: 3, Languages: []string{"ar", "so"}})
	if err != nil {
		t.Fatal(err)
	}
	ws2, err := f.db.CreateWorksite(ctx, f.cwB.Scope(), emp, domain.WorksiteInput{Name: "Vaskeriet", Places: 1, Languages: []string{}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.CreateWorksite(ctx, cw, 999999, domain.WorksiteInput{Name: "X", Places: 1}); code(err) != domain.ENOTFOUND {
		t.Errorf("worksite of an unknown employer: %v", err)
	}
	// Contacts: a supervisor at the kitchen, a contact for the whole employer.
	sup, err := f.db.CreateContact(ctx, cw, emp, domain.ContactInput{Name: "Kari Veileder", Phone: "912 34 567", Email: "kari@sol.no", IsSupervisor: true, WorksiteID: &ws})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.CreateContact(ctx, cw, emp, domain.ContactInput{Name: "Per Leder"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.CreateContact(ctx, cw, emp, domain.ContactInput{Name: "Lise", WorksiteID: &ws2}); err != nil {
		t.Fatal(err)
	}
	// A worksite of another employer is refused.
	other, _ := f.db.CreateEmployer(ctx, cw, employerIn("Annen AS", orgnr(3), domain.SectorShop))
	otherWs, _ := f.db.CreateWorksite(ctx, cw, other, domain.WorksiteInput{Name: "Butikken", Places: 2, Languages: []string{}})
	if _, err := f.db.CreateContact(ctx, cw, emp, domain.ContactInput{Name: "X", WorksiteID: &otherWs}); code(err) != domain.EINVALID {
		t.Errorf("a contact at another employer's worksite: %v", err)
	}
	// Contact editing: locking, unknown under another employer.
	cin := domain.ContactInput{Name: "Kari Veileder", Phone: "912 34 567", Email: "kari.v@sol.no", IsSupervisor: true, WorksiteID: &ws, Version: 1}
	if err := f.db.UpdateContact(ctx, cw, emp, sup, cin); err != nil {
		t.Fatal(err)
	}
	var cstale *postgres.ContactStaleError
	cin.Phone = "22 33 44 55"
	if err := f.db.UpdateContact(ctx, cw, emp, sup, cin); !errors.As(err, &cstale) || cstale.Current.Email != "kari.v@sol.no" {
		t.Errorf("stale contact: %v", err)
	}
	if err := f.db.UpdateContact(ctx, cw, other, sup, cin); code(err) != domain.ENOTFOUND {
		t.Errorf("contact under another employer: %v", err)
	}
	if n := auditCount(t, f, domain.EntityEmployerContact, sup, "update"); n != 1 {
		t.Errorf("%d contact update rows, want 1", n)
	}

	// Worksite editing with locking.
	win := domain.WorksiteInput{Name: "Kjøkkenet", Area: "Sentrum", Places: 4, Languages: []string{"ar", "so"}, Version: 1}
	if err := f.db.UpdateWorksite(ctx, cw, ws, win); err != nil {
		t.Fatal(err)
	}
	win.Places = 9
	var wstale *postgres.WorksiteStaleError
	if err := f.db.UpdateWorksite(ctx, cw, ws, win); !errors.As(err, &wstale) || wstale.Current.Places != 4 {
		t.Errorf("stale worksite: %v", err)
	}
	var ch string
	if err := f.db.Pool.QueryRow(ctx, `SELECT changes::text FROM audit_events WHERE entity = 'worksite' AND entity_id = $1 AND action = 'update'`, ws).Scan(&ch); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(ch, "worksite_places") || strings.Contains(ch, "worksite_name") {
		t.Errorf("worksite update changes %s", ch)
	}

	// Placements at the kitchen: two of unit A (one current, one past), one
	// current of unit B, one of unit A that ended yesterday, one planned
	// from next week (no place in use today).
	kari, _ := f.db.CreatePerson(ctx, cw, input("Kari", "Nordmann", f.cwA))
	amal, _ := f.db.CreatePerson(ctx, cw, input("Amal", "Haidari", f.cwA))
	ola, _ := f.db.CreatePerson(ctx, f.cwB.Scope(), input("Ola", "Vest", f.cwB))
	place := func(person int64, start, end, status string, ended *string) {
		t.Helper()
		reason := ""
		if status == "aborted" {
			reason = "Flyttet"
		}
		if _, err := f.db.Pool.Exec(ctx, `INSERT INTO placements (person_id, worksite_id, supervisor_id, minutes_per_week, weekdays,
			start_date, planned_end, ended_on, goal, status, abort_reason) VALUES ($1, $2, $3, 900, '{1,2,3}', $4, $5, $6, 'language', $7, $8)`,
			person, ws, sup, start, end, ended, status, reason); err != nil {
			t.Fatal(err)
		}
	}
	yesterday := "2026-11-30"
	place(kari, "2026-10-01", "2027-01-31", "active", nil)
	place(amal, "2026-03-01", "2026-06-30", "ended", ptr("2026-06-30"))
	place(ola, "2026-11-01", "2027-02-28", "paused", nil)
	place(amal, "2026-09-01", "2026-12-31", "aborted", &yesterday)
	place(amal, "2026-12-07", "2027-03-31", "planned", nil)

	d, err := f.db.GetWorksite(ctx, cw, ws)
	if err != nil {
		t.Fatal(err)
	}
	if d.InUse != 2 || d.Places != 4 || d.Free() != 2 || d.EmployerName != "Solsiden sykehjem" || d.EmployerOrgNr != "974760673" {
		t.Errorf("worksite %+v: in use %d, want 2 (Kari and Ola's, across units)", d.Worksite, d.InUse)
	}
	var got []string
	for _, p := range d.Placements {
		got = append(got, p.GivenName+":"+p.Status)
		if p.PersonID == ola {
			t.Errorf("unit A sees unit B's participant %s", p.FullName())
		}
	}
	if strings.Join(got, ",") != "Amal:planned,Kari:active,Amal:aborted,Amal:ended" {
		t.Errorf("unit A's placements %v", got)
	}
	var cs []string
	for _, c := range d.Contacts {
		cs = append(cs, c.Name)
	}
	if strings.Join(cs, ",") != "Kari Veileder,Per Leder" {
		t.Errorf("worksite contacts %v (its own first, then the employer's)", cs)
	}
	// Unit B sees only Ola; the admin sees all four persons' placements.
	db, _ := f.db.GetWorksite(ctx, f.cwB.Scope(), ws)
	if len(db.Placements) != 1 || db.Placements[0].PersonID != ola || db.InUse != 2 {
		t.Errorf("unit B: %+v in use %d", db.Placements, db.InUse)
	}
	da, _ := f.db.GetWorksite(ctx, f.admin.Scope(), ws)
	if len(da.Placements) != 5 {
		t.Errorf("admin sees %d placements, want 5", len(da.Placements))
	}
	if _, err := f.db.GetWorksite(ctx, f.health.Scope(), ws); code(err) != domain.EFORBIDDEN {
		t.Errorf("health: %v", err)
	}
	if _, err := f.db.GetWorksite(ctx, cw, 999999); code(err) != domain.ENOTFOUND {
		t.Errorf("unknown worksite: %v", err)
	}
	// The employer page: worksites with their places in use, contacts.
	e, err := f.db.GetEmployer(ctx, cw, emp)
	if err != nil || len(e.Worksites) != 2 || e.Worksites[0].Name != "Kjøkkenet" || e.Worksites[0].InUse != 2 || len(e.Contacts) != 3 {
		t.Fatalf("employer page: %+v %v", e, err)
	}
	// The list sums the active worksites' places.
	p, _ := f.db.ListEmployers(ctx, cw, postgres.EmployerQuery{Q: "974760673"})
	if len(p.Rows) != 1 || p.Rows[0].Worksites != 2 || p.Rows[0].Places != 5 {
		t.Errorf("list row %+v", p.Rows)
	}
	// Deactivating a worksite and a contact.
	if err := f.db.SetWorksiteActive(ctx, cw, ws2, 1, false); err != nil {
		t.Fatal(err)
	}
	if err := f.db.SetContactActive(ctx, cw, emp, sup, 2, false); err != nil {
		t.Fatal(err)
	}
	p, _ = f.db.ListEmployers(ctx, cw, postgres.EmployerQuery{Q: "974760673"})
	if p.Rows[0].Worksites != 1 || p.Rows[0].Places != 4 {
		t.Errorf("after deactivating a worksite: %+v", p.Rows)
	}
	e, _ = f.db.GetEmployer(ctx, cw, emp)
	if last := e.Worksites[len(e.Worksites)-1]; last.Active || last.ID != ws2 {
		t.Errorf("the inactive worksite is not last: %+v", e.Worksites)
	}
	for _, c := range e.Contacts {
		if c.ID == sup && c.Active {
			t.Error("the supervisor is still active")
		}
	}
	if n := auditCount(t, f, domain.EntityWorksite, ws2, "update"); n != 1 {
		t.Errorf("%d worksite deactivation rows", n)
	}
}

// TestWorksiteInUseCountUsesItsIndex: the count of places in use matches
// the partial index placements_holding_idx (literal statuses).
func TestWorksiteInUseCountUsesItsIndex(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	tx, err := f.db.Pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `SET LOCAL enable_seqscan = off`); err != nil {
		t.Fatal(err)
	}
	rows, err := tx.Query(ctx, `EXPLAIN SELECT count(*) FROM placements pl WHERE pl.worksite_id = $1 AND `+postgres.PlacesInUseSQL("pl", "$2"),
		int64(1), time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	var plan string
	for rows.Next() {
		var l string
		if err := rows.Scan(&l); err != nil {
			t.Fatal(err)
		}
		plan += l + "\n"
	}
	if !strings.Contains(plan, "placements_holding_idx") {
		t.Errorf("the in-use count does not use placements_holding_idx:\n%s", plan)
	}
}
