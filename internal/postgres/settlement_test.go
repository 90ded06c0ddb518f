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

// TestSettlementLedgerMatchesRows registers people at every stage, of every
// basis and age, in two units, and checks the ledger's aggregate (one SQL
// group-by) against a row-by-row count of the same people with the
// domain's categorisation, for an admin (every unit) and a leader (own).
func TestSettlementLedgerMatchesRows(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	leaderB := mkUser(t, f.db, "leader-b@x.no", domain.RoleLeader, "B")
	bases := []string{domain.BasisReception, domain.BasisResettlement, domain.BasisFamily, domain.BasisCollective, domain.BasisUnaccompanied}
	births := []string{"1960-03-01", "1990-05-17", "2009-02-28", "2010-06-30", "2020-01-01"}
	n := 0
	for i := 0; i < 60; i++ {
		u := f.leaderA
		if i%3 == 0 {
			u = leaderB
		}
		in := input(fmt.Sprintf("Person%c", 'a'+i%26), fmt.Sprintf("Ledger%c", 'a'+i/26), nil)
		in.ResidenceBasis = bases[i%len(bases)]
		in.BirthDate = date(births[(i/5)%len(births)])
		nid := domain.SyntheticNationalID(in.BirthDate, 3000+i*10)
		in.NationalID = &nid
		in.ArrivalDate = nil
		month := time.Month(1 + i%12)
		day := time.Date(2026, month, 1+i%27, 0, 0, 0, 0, time.UTC)
		switch i % 6 {
		case 0, 1, 2: // settled in 2026, or in 2025 (every fourth)
			in.SettlementDate = &day
			if i%4 == 0 {
				d := day.AddDate(-1, 0, 0)
				in.SettlementDate = &d
			}
			in.Pipeline = domain.Pipeline{Stage: domain.StageSettled, GrantDisability: i%5 == 0}
		case 3:
			in.SettlementDate = nil
			in.Pipeline = domain.Pipeline{Stage: domain.StageAgreed, ExpectedArrival: &day, AgreedOn: ptr(date("2025-12-01"))}
		case 4:
			in.SettlementDate = nil
			in.Pipeline = domain.Pipeline{Stage: domain.StageProposed, ProposedOn: &day}
		case 5:
			in.SettlementDate = nil
			in.Pipeline = domain.Pipeline{Stage: domain.StageDeclined, DeclinedOn: &day, DeclineReason: "Ingen bolig"}
		}
		if _, err := f.db.CreatePerson(ctx, u.Scope(), in); err != nil {
			t.Fatalf("person %d: %v", i, err)
		}
		n++
	}
	// A merged registration never counts.
	if _, err := f.db.Pool.Exec(ctx, `UPDATE persons SET status = 'merged', merged_into = (SELECT min(id) FROM persons), national_id = NULL, duf_number = NULL, name_key = ''
		WHERE id = (SELECT max(id) FROM persons WHERE settlement_stage = 'settled')`); err != nil {
		t.Fatal(err)
	}

	for _, u := range []*domain.User{f.admin, f.leaderA, leaderB} {
		rep, err := f.db.SettlementLedger(ctx, u.Scope(), 2026)
		if err != nil {
			t.Fatal(err)
		}
		// Row by row: every person the user's scope holds.
		where := "true"
		args := []any{}
		if !u.Role.Can(domain.CapAllUnits) {
			where, args = "unit_id = $1", []any{u.UnitID}
		}
		rows, err := f.db.Pool.Query(ctx, `SELECT settlement_stage, residence_basis, birth_date, settlement_date, expected_arrival,
			proposed_on, declined_on, grant_disability, status FROM persons WHERE `+where, args...)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]int{} // stage/category/month → n
		var cohorts []domain.GrantCohort
		for rows.Next() {
			var stage, basis, status string
			var birth time.Time
			var settled, expected, proposed, declined *time.Time
			var dis bool
			if err := rows.Scan(&stage, &basis, &birth, &settled, &expected, &proposed, &declined, &dis, &status); err != nil {
				t.Fatal(err)
			}
			if status == "merged" {
				continue
			}
			day := map[string]*time.Time{domain.StageSettled: settled, domain.StageAgreed: expected,
				domain.StageProposed: proposed, domain.StageDeclined: declined}[stage]
			if day == nil {
				continue
			}
			if stage == domain.StageSettled && day.Year() >= 2022 && day.Year() <= 2026 {
				cohorts = append(cohorts, domain.GrantCohort{Year: day.Year(), Basis: basis, Age: domain.AgeOn(birth, *day), Disability: dis, N: 1})
			}
			if day.Year() != 2026 {
				continue
			}
			want[fmt.Sprintf("%s/%s/%d", stage, domain.SettlementCategory(basis, domain.AgeOn(birth, *day)), day.Month())]++
		}
		rows.Close()
		got := map[string]int{}
		total := 0
		for _, sec := range rep.Ledger.Sections {
			for _, r := range sec.Rows {
				for m, c := range r.Months {
					if c > 0 {
						got[fmt.Sprintf("%s/%s/%d", sec.Stage, r.Category, m+1)] = c
						total += c
					}
				}
			}
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s: aggregate\n%v\nrow by row\n%v", u.Role, got, want)
		}
		if total == 0 {
			t.Errorf("%s: nothing counted", u.Role)
		}
		// The grant forecast from the aggregate equals the one from the rows.
		rates, err := f.db.RateTable(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if wantGrant := domain.ForecastGrant(2026, cohorts, rates); fmt.Sprint(wantGrant) != fmt.Sprint(rep.Grant) {
			t.Errorf("%s: grant\n%+v\nrow by row\n%+v", u.Role, rep.Grant, wantGrant)
		}
		if rep.Grant.Total == 0 || len(rep.Grant.Missing) != 0 {
			t.Errorf("%s: grant %+v (the migration's rates should cover 2026)", u.Role, rep.Grant)
		}
		if u.Role.Can(domain.CapAllUnits) != (rep.UnitName == "") {
			t.Errorf("%s: unit name %q", u.Role, rep.UnitName)
		}
	}
	if n != 60 {
		t.Fatal(n)
	}
	for _, u := range []*domain.User{f.cwA, f.health, f.hou} {
		if _, err := f.db.SettlementLedger(ctx, u.Scope(), 2026); code(err) != domain.EFORBIDDEN {
			t.Errorf("%s reads the ledger: %v", u.Role, err)
		}
	}
}

func TestSettlementTargetsAppend(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	add := func(u *domain.User, kind string, total, unacc int) error {
		_, err := f.db.AddSettlementTarget(ctx, u.Scope(), domain.SettlementTarget{Year: 2026, Kind: kind, Total: total,
			Unaccompanied: unacc, DecidedOn: date("2026-01-10"), Note: "Vedtak"})
		return err
	}
	if err := add(f.cwA, domain.TargetDecision, 10, 1); code(err) != domain.EFORBIDDEN {
		t.Errorf("caseworker adds a decision: %v", err)
	}
	for _, c := range []struct {
		kind         string
		total, unacc int
	}{{domain.TargetRequest, 30, 5}, {domain.TargetDecision, 20, 4}, {domain.TargetDecision, 25, 3}} {
		if err := add(f.leaderA, c.kind, c.total, c.unacc); err != nil {
			t.Fatal(err)
		}
	}
	rep, err := f.db.SettlementLedger(ctx, f.admin.Scope(), 2026)
	if err != nil {
		t.Fatal(err)
	}
	l := rep.Ledger
	if l.Decision == nil || l.Decision.Total != 25 || l.Request == nil || l.Request.Total != 30 || len(l.History) != 3 ||
		l.Decision.CreatedBy == nil || *l.Decision.CreatedBy == "" {
		t.Errorf("targets: %+v", l)
	}
	var audits int
	if err := f.db.Pool.QueryRow(ctx, `SELECT count(*) FROM audit_events WHERE entity = 'settlement_target' AND action = 'create'`).Scan(&audits); err != nil || audits != 3 {
		t.Errorf("audit rows %d %v", audits, err)
	}
	// That ankomst_app cannot change history: TestAppRolePrivileges.
}

func TestMarkSettled(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	in := input("Nadia", "Rahimi", f.cwA)
	in.ArrivalDate, in.SettlementDate = nil, nil
	in.Pipeline = domain.Pipeline{Stage: domain.StageAgreed, ExpectedArrival: ptr(date("2026-12-15"))}
	id := clCreate(t, f, f.cwA, in)
	ds, err := f.db.PersonDeadlines(ctx, f.cwA.Scope(), id)
	if err != nil || len(ds) != 0 {
		t.Fatalf("an agreed person has deadlines: %+v %v", ds, err)
	}
	p, err := f.db.GetPerson(ctx, f.cwA.Scope(), id)
	if err != nil || p.SettlementStage != domain.StageAgreed || p.ExpectedArrival == nil {
		t.Fatalf("agreed person: %+v %v", p, err)
	}
	if _, err := f.db.MarkSettled(ctx, f.cwB.Scope(), id, domain.Settle{SettlementDate: date("2026-12-16"), Version: p.Version}); code(err) != domain.ENOTFOUND {
		t.Errorf("another unit: %v", err)
	}
	if _, err := f.db.MarkSettled(ctx, f.health.Scope(), id, domain.Settle{SettlementDate: date("2026-12-16"), Version: p.Version}); code(err) != domain.EFORBIDDEN {
		t.Errorf("health: %v", err)
	}
	var stale *postgres.StaleError
	if _, err := f.db.MarkSettled(ctx, f.cwA.Scope(), id, domain.Settle{SettlementDate: date("2026-12-16"), Version: p.Version + 1}); !errors.As(err, &stale) {
		t.Errorf("stale version: %v", err)
	}
	got, err := f.db.MarkSettled(ctx, f.cwA.Scope(), id, domain.Settle{SettlementDate: date("2026-12-16"), Version: p.Version})
	if err != nil {
		t.Fatal(err)
	}
	if got.SettlementStage != domain.StageSettled || got.SettlementDate == nil || !got.SettlementDate.Equal(date("2026-12-16")) ||
		got.ArrivalDate == nil || !got.ArrivalDate.Equal(date("2026-12-16")) || got.Version != p.Version+1 {
		t.Errorf("settled: %+v", got)
	}
	if ds, err := f.db.PersonDeadlines(ctx, f.cwA.Scope(), id); err != nil || len(ds) == 0 {
		t.Errorf("no deadlines once settled: %v", err)
	}
	if _, err := f.db.MarkSettled(ctx, f.cwA.Scope(), id, domain.Settle{SettlementDate: date("2026-12-16"), Version: got.Version}); code(err) != domain.ECONFLICT {
		t.Errorf("settled twice: %v", err)
	}
	var changes string
	if err := f.db.Pool.QueryRow(ctx, `SELECT changes::text FROM audit_events WHERE person_id = $1 AND action = 'update' ORDER BY id DESC LIMIT 1`, id).Scan(&changes); err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"settlement_stage", "settlement_date", "arrival_date"} {
		if !strings.Contains(changes, w) {
			t.Errorf("audit changes %s lack %s", changes, w)
		}
	}
}

// Two parallel "mark settled" on the same version: one wins, the other is
// stale; one audit row.
// A declined person is not marked settled straight away.
func TestMarkSettledDeclined(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	in := input("Lina", "Saleh", nil)
	in.ArrivalDate, in.SettlementDate = nil, nil
	in.Pipeline = domain.Pipeline{Stage: domain.StageDeclined, DeclinedOn: ptr(date("2026-10-01")), DeclineReason: "Ingen bolig"}
	id := clCreate(t, f, f.cwA, in)
	if _, err := f.db.MarkSettled(ctx, f.cwA.Scope(), id, domain.Settle{SettlementDate: date("2026-11-01"), Version: 1}); code(err) != domain.ECONFLICT {
		t.Errorf("declined → settled: %v", err)
	}
}

func TestMarkSettledParallel(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	in := input("Omar", "Nuri", nil)
	in.ArrivalDate, in.SettlementDate = nil, nil
	in.Pipeline = domain.Pipeline{Stage: domain.StageProposed}
	id := clCreate(t, f, f.cwA, in)
	errs := make(chan error, 2)
	for range 2 {
		go func() {
			_, err := f.db.MarkSettled(ctx, f.cwA.Scope(), id, domain.Settle{SettlementDate: date("2026-11-01"), Version: 1})
			errs <- err
		}()
	}
	var ok, stale int
	for range 2 {
		err := <-errs
		var se *postgres.StaleError
		switch {
		case err == nil:
			ok++
		case errors.As(err, &se):
			stale++
		default:
			t.Errorf("unexpected: %v", err)
		}
	}
	var audits int
	if err := f.db.Pool.QueryRow(ctx, `SELECT count(*) FROM audit_events WHERE person_id = $1 AND action = 'update'`, id).Scan(&audits); err != nil {
		t.Fatal(err)
	}
	if ok != 1 || stale != 1 || audits != 1 {
		t.Errorf("ok %d stale %d audit rows %d; want 1, 1, 1", ok, stale, audits)
	}
}
