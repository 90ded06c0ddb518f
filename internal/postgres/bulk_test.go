package postgres_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"ankomst/internal/domain"
	"ankomst/internal/postgres"
	"ankomst/internal/postgres/pgtest"
)

// TestBulkSummariesMatchRowByRow loads the same persons and computed
// deadlines twice: as the owner, whose bulk loads switch the per-row
// summary triggers off and rebuild the summaries once (bulkSummaries), and
// as the server's role, whose triggers keep them row by row. The
// summaries must come out the same, the owner's triggers must be on
// again after the load, and a load that fails must leave them on.
func TestBulkSummariesMatchRowByRow(t *testing.T) {
	ctx := context.Background()
	appURL, ownerURL := pgtest.URLs(t)
	bulkApp, err := postgres.Open(ctx, appURL)
	if err != nil {
		t.Fatal(err)
	}
	defer bulkApp.Close()
	owner, err := postgres.Open(ctx, ownerURL)
	if err != nil {
		t.Fatal(err)
	}
	defer owner.Close()
	rowByRow := pgtest.New(t) // a second database, as the server's role

	today := demoDate("2026-06-01")
	snapshot := func(db *postgres.DB) []string {
		t.Helper()
		rows, err := db.Pool.Query(ctx, `
			SELECT 'caseload ' || u.name || ' ' || coalesce(us.email, '-') || ' ' || c.n FROM caseload_counts c
			  JOIN units u ON u.id = c.unit_id LEFT JOIN users us ON us.id = c.caseworker_id WHERE c.n <> 0
			UNION ALL SELECT 'breach ' || u.name || ' ' || c.kind || ' ' || c.month || ' ' || c.done || ' ' || c.n
			  FROM deadline_breach_months c JOIN units u ON u.id = c.unit_id WHERE c.n <> 0
			UNION ALL SELECT 'open ' || u.name || ' ' || c.kind || ' ' || c.due_date || ' ' || c.n
			  FROM deadline_open_days c JOIN units u ON u.id = c.unit_id WHERE c.n <> 0
			UNION ALL SELECT 'breaches ' || count(*) FROM deadline_breaches`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			out = append(out, s)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		slices.Sort(out)
		return out
	}
	load := func(db *postgres.DB) {
		t.Helper()
		for _, u := range []string{"Bulkenheten", "Radenheten"} {
			if _, err := db.CreateUser(ctx, postgres.NewUser{Email: "cw@" + u + ".test", Name: "Kari " + u, Role: domain.RoleCaseworker,
				UnitName: u, Password: "et-langt-passord"}); err != nil {
				t.Fatal(err)
			}
		}
		var rows []postgres.DemoPerson
		for i, u := range []string{"Bulkenheten", "Radenheten"} {
			unit, err := db.EnsureUnit(ctx, u)
			if err != nil {
				t.Fatal(err)
			}
			cw, err := db.UserIDByEmail(ctx, "cw@"+u+".test")
			if err != nil {
				t.Fatal(err)
			}
			for j := range 40 {
				duf := fmt.Sprintf("2026%08d", i*100+j)
				arrival := today.AddDate(0, 0, -30*j)
				settled := arrival.AddDate(0, 0, 20)
				p := postgres.DemoPerson{UnitID: unit, DUFNumber: &duf, GivenName: fmt.Sprintf("Bulk%d", j), FamilyName: "Test",
					BirthDate: demoDate("1990-04-01"), Sex: "female", CountryOfOrigin: "ER", Languages: []string{"ti"},
					ResidenceBasis: domain.BasisReception, ArrivalDate: &arrival, SettlementDate: &settled}
				if j%3 != 0 {
					p.CaseworkerID = &cw
				}
				if j%7 == 0 {
					p.Status = "closed"
				}
				rows = append(rows, p)
			}
		}
		if _, err := db.CopyPersons(ctx, rows); err != nil {
			t.Fatal(err)
		}
		if err := db.RefreshAllDeadlines(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := db.DemoCompleteOldDeadlines(ctx, today); err != nil {
			t.Fatal(err)
		}
	}
	load(owner)
	load(rowByRow)
	bulk, kept := snapshot(bulkApp), snapshot(rowByRow)
	if len(kept) < 10 {
		t.Fatalf("the row-by-row load kept only %d summary rows: %v", len(kept), kept)
	}
	if !slices.Equal(bulk, kept) {
		t.Errorf("bulk summaries differ from row by row:\nbulk %v\nkept %v", bulk, kept)
	}
	var off int
	if err := bulkApp.Pool.QueryRow(ctx, `SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal AND tgenabled = 'D'`).Scan(&off); err != nil || off != 0 {
		t.Fatalf("%d triggers left off after the bulk load (%v)", off, err)
	}
	// A bulk load that fails rolls the switch back with the rest.
	_, err = owner.CopyPersonsFunc(ctx, func() (postgres.DemoPerson, bool, error) {
		return postgres.DemoPerson{}, false, fmt.Errorf("the source broke off")
	})
	if err == nil {
		t.Fatal("a failing copy succeeded")
	}
	if err := bulkApp.Pool.QueryRow(ctx, `SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal AND tgenabled = 'D'`).Scan(&off); err != nil || off != 0 {
		t.Fatalf("%d triggers left off after a failed bulk load (%v)", off, err)
	}
	// And the triggers keep the summaries again: a write by the server's role moves them.
	before := snapshot(bulkApp)
	if _, err := bulkApp.Pool.Exec(ctx, `UPDATE persons SET status = 'closed' WHERE status = 'active' AND caseworker_id IS NOT NULL
		AND id = (SELECT min(id) FROM persons WHERE status = 'active' AND caseworker_id IS NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	if after := snapshot(bulkApp); slices.Equal(before, after) {
		t.Error("closing a case after the bulk load did not move the caseload counts")
	}
}
