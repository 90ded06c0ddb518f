package postgres_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"ankomst/internal/demo"
	"ankomst/internal/domain"
	"ankomst/internal/postgres"
	"ankomst/internal/postgres/pgtest"
)

// TestRetentionCoversEveryPersonText reads the catalog: every text column of
// persons, of a table with a foreign key to persons, and of a table with a
// foreign key to one of those (households, placements, plan versions,
// leases …) must be either cleared or kept by anonymisation. A new table or
// column with text about a person fails here until retention.go says which.
func TestRetentionCoversEveryPersonText(t *testing.T) {
	db := pgtest.New(t)
	ctx := context.Background()
	// Every foreign key, walked both ways from persons, but not through the
	// registers that are not about persons: the housing stock, employers,
	// staff and units are the municipality's own.
	notAboutPersons := []string{"housing_units", "landlords", "landlord_agreements", "employers", "worksites",
		"employer_contacts", "payroll_approvals", "programme_groups", "settlement_targets", "units", "users",
		"sessions", "rates", "retention_rules"}
	edges, err := db.Pool.Query(ctx, `SELECT conrelid::regclass::text, confrelid::regclass::text FROM pg_constraint WHERE contype = 'f'`)
	if err != nil {
		t.Fatal(err)
	}
	next := map[string][]string{}
	for edges.Next() {
		var from, to string
		if err := edges.Scan(&from, &to); err != nil {
			t.Fatal(err)
		}
		next[from] = append(next[from], to)
		next[to] = append(next[to], from)
	}
	edges.Close()
	linked := map[string]bool{"persons": true}
	queue := []string{"persons"}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		for _, n := range next[cur] {
			if linked[n] || slices.Contains(notAboutPersons, n) {
				continue
			}
			linked[n] = true
			queue = append(queue, n)
		}
	}
	var tables []string
	for tb := range linked {
		tables = append(tables, tb)
	}
	rows, err := db.Pool.Query(ctx, `
		SELECT a.attrelid::regclass::text, a.attname::text
		FROM pg_attribute a
		WHERE a.attrelid::regclass::text = ANY($1) AND a.attnum > 0 AND NOT a.attisdropped
			AND a.atttypid IN ('text'::regtype, 'text[]'::regtype, 'varchar'::regtype, 'jsonb'::regtype, 'json'::regtype, 'bytea'::regtype)
		ORDER BY 1, 2`, tables)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cleared, kept := postgres.RetentionColumns()
	seenTables := map[string]bool{}
	n := 0
	for rows.Next() {
		var table, col string
		if err := rows.Scan(&table, &col); err != nil {
			t.Fatal(err)
		}
		n++
		seenTables[table] = true
		if !slices.Contains(cleared[table], col) && !slices.Contains(kept[table], col) {
			t.Errorf("%s.%s holds text about a person: list it in retention.go as cleared or kept", table, col)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if n < 40 || !seenTables["case_notes"] || !seenTables["placement_followups"] || !seenTables["housing_guidance"] || !seenTables["households"] {
		t.Errorf("the catalog walk found %d columns in %v: it no longer walks the references", n, seenTables)
	}
	// Everything listed exists (a renamed column is not silently skipped).
	for table, cols := range cleared {
		for _, c := range cols {
			var ok bool
			db.Pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_name = $1 AND column_name = $2)`, table, c).Scan(&ok)
			if !ok {
				t.Errorf("retention clears %s.%s, which does not exist", table, c)
			}
		}
	}
}

// retentionFixture loads demo data and closes a third of the persons long
// ago, as the owner; the store runs as the app role.
func retentionFixture(t *testing.T) (app, owner *postgres.DB, admin domain.Scope) {
	t.Helper()
	ctx := context.Background()
	appURL, ownerURL := pgtest.URLs(t)
	owner, err := postgres.Open(ctx, ownerURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(owner.Close)
	today := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	if err := demo.Load(ctx, owner, demo.Options{Persons: 120, Notes: 400, Seed: 7, Today: today}); err != nil {
		t.Fatal(err)
	}
	app, err = postgres.Open(ctx, appURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(app.Close)
	app.Now = func() time.Time { return time.Date(2026, 6, 1, 10, 0, 0, 0, time.UTC) }
	uid, err := owner.UserIDByEmail(ctx, "admin@demo")
	if err != nil {
		t.Fatal(err)
	}
	return app, owner, domain.Scope{UserID: uid, Role: domain.RoleAdmin, RequestID: "test"}
}

// closeLongAgo closes the persons (as the owner: closing dates in the past
// are the point).
func closeLongAgo(t *testing.T, owner *postgres.DB, ids []int64, on string) {
	t.Helper()
	if _, err := owner.Pool.Exec(context.Background(), `UPDATE persons SET status = 'closed', closed_on = $2::date, close_reason = 'moved'
		WHERE id = ANY($1) AND status <> 'merged'`, ids, on); err != nil {
		t.Fatal(err)
	}
}

func TestRetentionAnonymisesEveryText(t *testing.T) {
	app, owner, admin := retentionFixture(t)
	ctx := context.Background()
	// The persons with the most text: every one of them in a household,
	// with notes, a programme or a placement.
	var ids []int64
	rows, err := owner.Pool.Query(ctx, `SELECT id FROM persons WHERE status = 'active' AND merged_into IS NULL ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		ids = append(ids, id)
	}
	rows.Close()
	if len(ids) < 60 {
		t.Fatalf("%d active persons", len(ids))
	}
	old, held, recent := ids[:len(ids)/2], ids[len(ids)/2:len(ids)/2+5], ids[len(ids)/2+5:len(ids)/2+10]
	closeLongAgo(t, owner, old, "2012-03-01")
	closeLongAgo(t, owner, held, "2012-03-01")
	closeLongAgo(t, owner, recent, "2025-01-01")
	for _, id := range held {
		if err := app.SetLegalHold(ctx, admin, id, domain.LegalHoldForm{Hold: true, Reason: "Klage til Statsforvalteren"}); err != nil {
			t.Fatal(err)
		}
	}
	cleared, _ := postgres.RetentionColumns()
	links := postgres.RetentionLinks()
	// countText counts, per table, the cleared columns' values other than
	// '' and "Anonymisert" in the rows of the persons.
	countText := func(people []int64) map[string]int {
		out := map[string]int{}
		for table, cols := range cleared {
			if len(cols) == 0 {
				continue
			}
			var conds []string
			for _, c := range cols {
				if c == "name_key" || c == "family_key" || c == "given_key" || c == "national_id" || c == "duf_number" {
					conds = append(conds, "coalesce("+c+", '') <> ''")
					continue
				}
				conds = append(conds, "coalesce("+c+", '') NOT IN ('', 'Anonymisert')")
			}
			var n int
			if err := owner.Pool.QueryRow(ctx, `SELECT count(*) FROM `+table+` WHERE (`+links[table]+`) AND (`+strings.Join(conds, " OR ")+`)`, people).Scan(&n); err != nil {
				t.Fatalf("%s: %v", table, err)
			}
			out[table] = n
		}
		return out
	}
	before := countText(old)
	for _, table := range []string{"persons", "case_notes", "tasks", "health_items", "programmes", "placements", "placement_followups"} {
		if before[table] == 0 && table != "placements" {
			t.Logf("no text in %s before: the demo data does not exercise it", table)
		}
	}
	if before["persons"] == 0 || before["case_notes"] == 0 {
		t.Fatalf("nothing to anonymise: %v", before)
	}
	var auditBefore int
	owner.Pool.QueryRow(ctx, `SELECT count(*) FROM audit_events`).Scan(&auditBefore)

	// The dry run lists them and changes nothing.
	ds, err := app.RetentionDryRun(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	var dueCase, heldSeen int
	for _, d := range ds {
		if d.Held {
			heldSeen++
			if !slices.Contains(held, d.Subject.PersonID) {
				t.Errorf("person %d held", d.Subject.PersonID)
			}
		} else if d.Actions[0].Kind == domain.RetentionCase {
			dueCase++
		}
		if slices.Contains(recent, d.Subject.PersonID) {
			t.Errorf("recently closed person %d is due", d.Subject.PersonID)
		}
	}
	if dueCase != len(old) || heldSeen != len(held) {
		t.Errorf("dry run: %d due, %d held; want %d, %d", dueCase, heldSeen, len(old), len(held))
	}
	if after := countText(old); !mapsEqual(after, before) {
		t.Errorf("the dry run changed text: %v → %v", before, after)
	}
	var auditAfterDry int
	owner.Pool.QueryRow(ctx, `SELECT count(*) FROM audit_events`).Scan(&auditAfterDry)
	if auditAfterDry != auditBefore {
		t.Errorf("the dry run wrote %d audit rows", auditAfterDry-auditBefore)
	}
	readStats := func(people []int64) []stat {
		rows, err := owner.Pool.Query(ctx, `SELECT extract(year FROM p.birth_date), p.sex, p.country_of_origin, p.residence_basis, p.settlement_stage,
				p.unit_id, extract(year FROM p.settlement_date), pr.decision, (SELECT min(goal) FROM placements pl WHERE pl.person_id = p.id)
			FROM persons p LEFT JOIN programmes pr ON pr.person_id = p.id WHERE p.id = ANY($1) ORDER BY p.id`, people)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []stat
		for rows.Next() {
			var s stat
			if err := rows.Scan(&s.Year, &s.Sex, &s.Country, &s.Basis, &s.Stage, &s.Unit, &s.Settled, &s.ProgrammeDecision, &s.PlacementG); err != nil {
				t.Fatal(err)
			}
			out = append(out, s)
		}
		return out
	}
	statsBeforeRows := readStats(old)
	heldBefore := countText(held)

	res, err := app.ApplyRetention(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	if res.Anonymised != len(old) || res.Held != len(held) {
		t.Errorf("apply: %+v, want %d anonymised and %d held", res, len(old), len(held))
	}
	after := countText(old)
	for table, n := range after {
		if n != 0 {
			t.Errorf("%s: %d rows of anonymised persons still hold text", table, n)
		}
	}
	if h := countText(held); !mapsEqual(h, heldBefore) {
		t.Errorf("legal hold: text changed %v → %v", heldBefore, h)
	}
	var identity int
	owner.Pool.QueryRow(ctx, `SELECT count(*) FROM persons WHERE id = ANY($1) AND (anonymised_at IS NULL OR national_id IS NOT NULL
		OR duf_number IS NOT NULL OR given_name <> '' OR family_name <> 'Anonymisert' OR arrival_date IS NOT NULL
		OR extract(doy FROM birth_date) <> 1)`, old).Scan(&identity)
	if identity != 0 {
		t.Errorf("%d anonymised persons keep identity data", identity)
	}
	if got := readStats(old); !slices.EqualFunc(got, statsBeforeRows, statEqual) {
		for i := range got {
			if !statEqual(got[i], statsBeforeRows[i]) {
				t.Errorf("statistics changed: %+v → %+v", statsBeforeRows[i], got[i])
				break
			}
		}
	}
	var anonAudits int
	owner.Pool.QueryRow(ctx, `SELECT count(*) FROM audit_events WHERE action = 'anonymise' AND person_id = ANY($1) AND user_id = $2`, old, admin.UserID).Scan(&anonAudits)
	if anonAudits != len(old) {
		t.Errorf("%d anonymise audit rows, want %d", anonAudits, len(old))
	}
	// Anonymised persons cannot be edited, nor get new records.
	_, err = app.Pool.Exec(ctx, `UPDATE persons SET given_name = 'Amina' WHERE id = $1`, old[0])
	if err == nil {
		t.Error("an anonymised person was edited")
	}
	_, err = app.Pool.Exec(ctx, `INSERT INTO tasks (person_id, title, form_key) VALUES ($1, 'Ring', md5('x'))`, old[0])
	if err == nil {
		t.Error("a task was added to an anonymised person")
	}
	// A second run has nothing left to do; the held persons wait.
	res, err = app.ApplyRetention(ctx, admin)
	if err != nil || res.Anonymised != 0 || res.Held != len(held) {
		t.Errorf("second run: %+v, %v", res, err)
	}
	// Clearing the hold lets the next run anonymise them.
	if err := app.SetLegalHold(ctx, admin, held[0], domain.LegalHoldForm{}); err != nil {
		t.Fatal(err)
	}
	if res, err = app.ApplyRetention(ctx, admin); err != nil || res.Anonymised != 1 {
		t.Errorf("after clearing a hold: %+v, %v", res, err)
	}
	if err := app.SetLegalHold(ctx, admin, old[0], domain.LegalHoldForm{Hold: true, Reason: "x"}); domain.ErrorCode(err) != domain.ECONFLICT {
		t.Errorf("hold on an anonymised person: %v", err)
	}
}

func TestRetentionPartialAndScope(t *testing.T) {
	app, owner, admin := retentionFixture(t)
	ctx := context.Background()
	var ids []int64
	rows, _ := owner.Pool.Query(ctx, `SELECT p.id FROM persons p WHERE p.status = 'active'
		AND EXISTS (SELECT 1 FROM case_notes n WHERE n.person_id = p.id) ORDER BY p.id LIMIT 5`)
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		ids = append(ids, id)
	}
	rows.Close()
	if len(ids) == 0 {
		t.Fatal("no person with notes")
	}
	closeLongAgo(t, owner, ids, "2020-01-01") // notes (5 years) due, the case (10) not
	ds, err := app.RetentionDryRun(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	mine := 0
	for _, d := range ds {
		if !slices.Contains(ids, d.Subject.PersonID) {
			continue
		}
		mine++
		if d.Actions[0].Kind != domain.RetentionNotes {
			t.Errorf("%+v due for %d", d.Actions, d.Subject.PersonID)
		}
	}
	if mine != len(ids) {
		t.Errorf("%d decisions, want %d", mine, len(ids))
	}
	res, err := app.ApplyRetention(ctx, admin)
	if err != nil || res.NotesCleared < len(ids) || res.Anonymised != 0 {
		t.Fatalf("apply: %+v %v", res, err)
	}
	var left, named int
	owner.Pool.QueryRow(ctx, `SELECT count(*) FROM case_notes WHERE person_id = ANY($1) AND body <> 'Anonymisert'`, ids).Scan(&left)
	owner.Pool.QueryRow(ctx, `SELECT count(*) FROM persons WHERE id = ANY($1) AND anonymised_at IS NULL AND name_key <> ''`, ids).Scan(&named)
	if left != 0 || named != len(ids) {
		t.Errorf("notes left %d, persons still named %d (want 0, %d)", left, named, len(ids))
	}
	// Roles: nobody but an administrator.
	for _, r := range []domain.Role{domain.RoleCaseworker, domain.RoleLeader, domain.RoleHealth, domain.RoleHousing} {
		s := domain.Scope{UserID: admin.UserID, UnitID: 1, Role: r}
		if _, err := app.RetentionDryRun(ctx, s); domain.ErrorCode(err) != domain.EFORBIDDEN {
			t.Errorf("%s dry run: %v", r, err)
		}
		if _, err := app.ApplyRetention(ctx, s); domain.ErrorCode(err) != domain.EFORBIDDEN {
			t.Errorf("%s apply: %v", r, err)
		}
		if err := app.SetLegalHold(ctx, s, ids[0], domain.LegalHoldForm{}); domain.ErrorCode(err) != domain.EFORBIDDEN {
			t.Errorf("%s hold: %v", r, err)
		}
	}
	// Rules: a stale version is refused; a change is audited.
	rules, err := app.RetentionRules(ctx, admin)
	if err != nil || len(rules) != 3 || rules[0].Kind != domain.RetentionCase || rules[0].Years != 10 {
		t.Fatalf("rules %+v %v", rules, err)
	}
	r := rules[2].RetentionRule
	r.Years = 3
	if err := app.UpdateRetentionRule(ctx, admin, r); err != nil {
		t.Fatal(err)
	}
	if err := app.UpdateRetentionRule(ctx, admin, r); domain.ErrorCode(err) != domain.ECONFLICT {
		t.Errorf("stale rule: %v", err)
	}
}

type stat struct {
	Year                          float64
	Sex, Country, Basis, Stage    string
	Unit                          int64
	Settled                       *float64
	ProgrammeDecision, PlacementG *string
}

func statEqual(a, b stat) bool {
	eq := func(x, y *string) bool { return (x == nil) == (y == nil) && (x == nil || *x == *y) }
	return a.Year == b.Year && a.Sex == b.Sex && a.Country == b.Country && a.Basis == b.Basis && a.Stage == b.Stage &&
		a.Unit == b.Unit && (a.Settled == nil) == (b.Settled == nil) && (a.Settled == nil || *a.Settled == *b.Settled) &&
		eq(a.ProgrammeDecision, b.ProgrammeDecision) && eq(a.PlacementG, b.PlacementG)
}

func mapsEqual(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func TestAccessPackage(t *testing.T) {
	app, owner, admin := retentionFixture(t)
	ctx := context.Background()
	var id, unit int64
	// A person with notes, a household and a programme.
	if err := owner.Pool.QueryRow(ctx, `SELECT p.id, p.unit_id FROM persons p WHERE p.status = 'active'
		AND EXISTS (SELECT 1 FROM case_notes n WHERE n.person_id = p.id)
		AND EXISTS (SELECT 1 FROM household_members m WHERE m.person_id = p.id)
		ORDER BY p.id LIMIT 1`).Scan(&id, &unit); err != nil {
		t.Fatal(err)
	}
	var audits int
	owner.Pool.QueryRow(ctx, `SELECT count(*) FROM audit_events WHERE action = 'access_package'`).Scan(&audits)
	pkg, err := app.AccessPackage(ctx, admin, id)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, s := range pkg.Sections {
		got[s.Key] = len(s.Records)
	}
	if got["person"] != 1 || got["case_notes"] == 0 || got["household_members"] == 0 || got["audit"] == 0 {
		t.Errorf("sections %v", got)
	}
	// The person's own fields are there, technical keys are not.
	var keys []string
	for _, f := range pkg.Sections[0].Records[0] {
		keys = append(keys, f.Key)
	}
	if !slices.Contains(keys, "given_name") || !slices.Contains(keys, "national_id") || slices.Contains(keys, "name_key") {
		t.Errorf("person fields %v", keys)
	}
	var after int
	owner.Pool.QueryRow(ctx, `SELECT count(*) FROM audit_events WHERE action = 'access_package' AND person_id = $1 AND user_id = $2`, id, admin.UserID).Scan(&after)
	if after != audits+1 {
		t.Errorf("access package audit rows %d, want %d", after, audits+1)
	}
	// Other roles: refused; another unit: not found, and nothing audited.
	for _, r := range []domain.Role{domain.RoleCaseworker, domain.RoleLeader, domain.RoleHealth, domain.RoleHousing} {
		if _, err := app.AccessPackage(ctx, domain.Scope{UserID: admin.UserID, UnitID: unit, Role: r}, id); domain.ErrorCode(err) != domain.EFORBIDDEN {
			t.Errorf("%s: %v", r, err)
		}
	}
	if _, err := app.AccessPackage(ctx, admin, 999999); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Errorf("missing person: %v", err)
	}
	owner.Pool.QueryRow(ctx, `SELECT count(*) FROM audit_events WHERE action = 'access_package'`).Scan(&after)
	if after != audits+1 {
		t.Errorf("refused packages were audited: %d", after-audits)
	}
	b, err := json.Marshal(pkg)
	if err != nil || !strings.Contains(string(b), `"given_name":`) {
		t.Errorf("json: %v %.200s", err, b)
	}
}

// Two runs at once: the persons' row locks serialise them, so each person
// is anonymised and audited exactly once.
func TestRetentionParallelApply(t *testing.T) {
	app, owner, admin := retentionFixture(t)
	ctx := context.Background()
	var ids []int64
	rows, _ := owner.Pool.Query(ctx, `SELECT id FROM persons WHERE status = 'active' ORDER BY id LIMIT 20`)
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		ids = append(ids, id)
	}
	rows.Close()
	closeLongAgo(t, owner, ids, "2001-01-01")
	type out struct {
		res postgres.RetentionResult
		err error
	}
	ch := make(chan out, 2)
	for range 2 {
		go func() {
			r, err := app.ApplyRetention(ctx, admin)
			ch <- out{r, err}
		}()
	}
	total := 0
	for range 2 {
		o := <-ch
		if o.err != nil {
			t.Fatal(o.err)
		}
		total += o.res.Anonymised
	}
	var audited, anonymised int
	owner.Pool.QueryRow(ctx, `SELECT count(*) FROM audit_events WHERE action = 'anonymise' AND person_id = ANY($1)`, ids).Scan(&audited)
	owner.Pool.QueryRow(ctx, `SELECT count(*) FROM persons WHERE id = ANY($1) AND anonymised_at IS NOT NULL`, ids).Scan(&anonymised)
	if anonymised != len(ids) || audited != len(ids) {
		t.Errorf("%d anonymised, %d audit rows, want %d each (runs said %d)", anonymised, audited, len(ids), total)
	}
}
