package postgres_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"ankomst/internal/domain"
	"ankomst/internal/postgres"
)

func payrollLines(t *testing.T, db *postgres.DB, s domain.Scope, unit int64, month string) postgres.PayrollReport {
	t.Helper()
	rep, err := db.Payroll(context.Background(), s, unit, date(month))
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func TestPayroll(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.db.Now = func() time.Time { return time.Date(2025, 7, 3, 10, 0, 0, 0, time.UTC) }
	exec := func(sql string, args ...any) {
		t.Helper()
		if _, err := f.db.Pool.Exec(ctx, sql, args...); err != nil {
			t.Fatal(err)
		}
	}
	// Unit A: Amina (from 19 May, leave 26–27 May, 7,5 h unexcused, 1 000 kr
	// other benefits), Bilal (the whole month, 60 h unexcused: krever vedtak),
	// Carl (refused: not in the basis), Dina (ended in April: not in May).
	amina := clCreate(t, f, f.cwA, input("Amina", "Haidari", f.cwA))
	bilal := clCreate(t, f, f.cwA, input("Bilal", "Ahmadi", f.cwA))
	carl := clCreate(t, f, f.cwA, input("Carl", "Berg", f.cwA))
	dina := clCreate(t, f, f.cwA, input("Dina", "Dahl", f.cwA))
	other := clCreate(t, f, f.cwB, input("Olav", "Vest", f.cwB))
	bfProgramme(t, f, amina, "granted", "2025-05-19", "2027-05-18")
	bfProgramme(t, f, bilal, "granted", "2025-01-06", "2027-01-05")
	bfProgramme(t, f, carl, "refused", "2025-01-06", "2027-01-05")
	bfProgramme(t, f, dina, "granted", "2024-01-08", "2025-04-30")
	bfProgramme(t, f, other, "granted", "2025-01-06", "2027-01-05")
	exec(`INSERT INTO attendance (person_id, day, present_minutes, absent_minutes, reason) VALUES
		($1, '2025-05-20', 0, 450, 'unexcused'), ($1, '2025-05-21', 390, 60, 'illness'), ($1, '2025-06-02', 0, 450, 'unexcused')`, amina)
	for d := date("2025-05-01"); d.Before(date("2025-05-22")); d = d.AddDate(0, 0, 1) {
		if d.Weekday() != time.Saturday && d.Weekday() != time.Sunday {
			exec(`INSERT INTO attendance (person_id, day, absent_minutes, reason) VALUES ($1, $2, 450, 'unexcused')`, bilal, d)
		}
	}
	exec(`INSERT INTO programme_pauses (person_id, kind, reason, from_date, to_date) VALUES ($1, 'leave', 'Familie', '2025-05-26', '2025-05-27')`, amina)
	if _, err := f.db.AddBenefitDeduction(ctx, f.cwA.Scope(), amina, domain.BenefitDeduction{Month: date("2025-05-01"), AmountOre: 100000, Description: "Sykepenger"}); err != nil {
		t.Fatal(err)
	}

	// The amounts are the per-person reader's (the same ComputeBenefit).
	rep := payrollLines(t, f.db, f.leaderA.Scope(), f.unitA, "2025-05-01")
	if rep.Approval != nil || len(rep.Lines) != 2 || rep.Lines[0].PersonID != bilal || rep.Lines[1].PersonID != amina {
		t.Fatalf("May lines: %+v", rep)
	}
	for _, l := range rep.Lines {
		pb, err := f.db.PersonBenefit(ctx, f.leaderA.Scope(), l.PersonID, date("2025-05-01"))
		if err != nil || pb.Benefit == nil {
			t.Fatal(pb.Problem, err)
		}
		b := pb.Benefit
		if l.Days != b.InProgrammeDays || l.UnexcusedMinutes != b.UnexcusedMinutes || l.GrossOre != b.GrossOre ||
			l.AbsenceOre != b.AbsenceDeductionOre || l.OtherOre != b.OtherDeductionsOre || l.DeductionOre != b.DeductionOre ||
			l.AmountOre != b.PaymentKroner*100 || l.NeedsDecision != b.NeedsDecision {
			t.Errorf("%s: line %+v, benefit %+v", l.Name(), l, b)
		}
	}
	if a := rep.Lines[1]; a.Days != 8 || a.AmountOre != 600900 || a.OtherOre != 100000 || a.NeedsDecision {
		t.Errorf("Amina: %+v", a)
	}
	if b := rep.Lines[0]; !b.NeedsDecision || b.UnexcusedMinutes != 15*450 {
		t.Errorf("Bilal: %+v", b)
	}

	// Scope: a leader (or caseworker) of another unit sees nothing of this
	// unit; admins choose any unit; other roles are refused.
	_, err := f.db.Payroll(ctx, f.leaderA.Scope(), f.unitB, date("2025-05-01"))
	clCode(t, err, domain.ENOTFOUND)
	_, err = f.db.Payroll(ctx, f.cwA.Scope(), f.unitA, date("2025-05-01"))
	clCode(t, err, domain.EFORBIDDEN)
	if rep := payrollLines(t, f.db, f.admin.Scope(), f.unitA, "2025-05-01"); len(rep.Lines) != 2 {
		t.Errorf("admin, unit A: %+v", rep.Lines)
	}
	if rep := payrollLines(t, f.db, f.admin.Scope(), f.unitB, "2025-05-01"); len(rep.Lines) != 1 || rep.Lines[0].PersonID != other {
		t.Errorf("admin, unit B: %+v", rep.Lines)
	}
	if us, err := f.db.PayrollUnits(ctx, f.leaderA.Scope()); err != nil || len(us) != 1 || us[0].ID != f.unitA {
		t.Errorf("leader's units: %+v %v", us, err)
	}
	if us, err := f.db.PayrollUnits(ctx, f.admin.Scope()); err != nil || len(us) < 2 {
		t.Errorf("admin's units: %+v %v", us, err)
	}

	// Export: audited before the first line, with unit, month, format, rows.
	var got []postgres.PayrollLine
	err = f.db.ExportPayroll(ctx, f.leaderA.Scope(), f.unitA, date("2025-05-01"), "csv", func(h postgres.PayrollHead, n int) error {
		var details string
		if err := f.db.Pool.QueryRow(ctx, `SELECT details::text FROM audit_events WHERE action = 'export' AND entity = 'payroll' AND user_id = $1`,
			f.leaderA.ID).Scan(&details); err != nil {
			t.Errorf("no audit row before the first line: %v", err)
		}
		if n != 2 || !strings.Contains(details, `"rows": 2`) || !strings.Contains(details, `"format": "csv"`) || !strings.Contains(details, `"month": "2025-05"`) {
			t.Errorf("export audit: %d %s", n, details)
		}
		return nil
	}, func(l postgres.PayrollLine) error { got = append(got, l); return nil })
	if err != nil || len(got) != 2 {
		t.Fatalf("export: %v %+v", err, got)
	}
	err = f.db.ExportPayroll(ctx, f.leaderA.Scope(), f.unitB, date("2025-05-01"), "csv", nil, nil)
	clCode(t, err, domain.ENOTFOUND)

	// Approval: leaders only, a month that has ended.
	_, err = f.db.ApprovePayroll(ctx, f.admin.Scope(), date("2025-05-01"))
	clCode(t, err, domain.EFORBIDDEN)
	_, err = f.db.ApprovePayroll(ctx, f.leaderA.Scope(), date("2025-07-01"))
	clCode(t, err, domain.EINVALID)
	a, err := f.db.ApprovePayroll(ctx, f.leaderA.Scope(), date("2025-05-01"))
	if err != nil || a.Lines != 2 || a.ByName != f.leaderA.Name {
		t.Fatalf("approve: %+v %v", a, err)
	}
	_, err = f.db.ApprovePayroll(ctx, f.leaderA.Scope(), date("2025-05-01"))
	clCode(t, err, domain.ECONFLICT)
	if !strings.Contains(domain.ErrorMessage(err), "allerede godkjent") {
		t.Errorf("twice: %v", err)
	}
	var n int
	if err := f.db.Pool.QueryRow(ctx, `SELECT count(*) FROM audit_events WHERE action = 'approve' AND entity = 'payroll' AND entity_id = $1`, a.ID).Scan(&n); err != nil || n != 1 {
		t.Errorf("approve audit rows: %d %v", n, err)
	}

	// An attendance change after approval: May stays as approved; June's
	// basis holds an adjustment line for May.
	exec(`UPDATE attendance SET present_minutes = 450, absent_minutes = 0, reason = NULL WHERE person_id = $1 AND day = '2025-05-20'`, amina)
	may := payrollLines(t, f.db, f.leaderA.Scope(), f.unitA, "2025-05-01")
	if may.Approval == nil || may.Approval.ByName != f.leaderA.Name || len(may.Lines) != 2 || may.Lines[1].AmountOre != 600900 {
		t.Fatalf("approved May changed: %+v", may)
	}
	june := payrollLines(t, f.db, f.leaderA.Scope(), f.unitA, "2025-06-01")
	var adj []postgres.PayrollLine
	for _, l := range june.Lines {
		if l.IsAdjustment(date("2025-06-01")) {
			adj = append(adj, l)
		}
	}
	// 7,5 h × 260 320 ÷ 1 950 = 1 001,23 back: 6 009 → 7 010.
	if len(adj) != 1 || adj[0].PersonID != amina || adj[0].AmountOre != 100100 || !adj[0].ForMonth.Equal(date("2025-05-01")) ||
		adj[0].UnexcusedMinutes != -450 {
		t.Fatalf("June adjustments: %+v", adj)
	}
	// Approving June writes the adjustment; July then has nothing to adjust.
	f.db.Now = func() time.Time { return time.Date(2025, 8, 3, 10, 0, 0, 0, time.UTC) }
	ja, err := f.db.ApprovePayroll(ctx, f.leaderA.Scope(), date("2025-06-01"))
	if err != nil || ja.Lines != len(june.Lines) {
		t.Fatalf("approve June: %+v %v (%d lines shown)", ja, err, len(june.Lines))
	}
	july := payrollLines(t, f.db, f.leaderA.Scope(), f.unitA, "2025-07-01")
	for _, l := range july.Lines {
		if l.IsAdjustment(date("2025-07-01")) {
			t.Errorf("July adjusts again: %+v", l)
		}
	}
	june = payrollLines(t, f.db, f.leaderA.Scope(), f.unitA, "2025-06-01")
	if june.Approval == nil || len(june.Lines) != ja.Lines || !june.Lines[len(june.Lines)-1].IsAdjustment(date("2025-06-01")) {
		t.Errorf("approved June: %+v", june)
	}
	// The approved basis is what an export of the month holds.
	got = nil
	if err := f.db.ExportPayroll(ctx, f.admin.Scope(), f.unitA, date("2025-05-01"), "xlsx", func(postgres.PayrollHead, int) error { return nil },
		func(l postgres.PayrollLine) error { got = append(got, l); return nil }); err != nil || len(got) != 2 || got[1].AmountOre != 600900 {
		t.Errorf("export of approved May: %+v %v", got, err)
	}
}

// Two leaders approving the same month at the same moment: exactly one
// approval is stored, the other gets the clear 409, and the lines are
// written once.
func TestPayrollParallelApprovals(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.db.Now = func() time.Time { return time.Date(2025, 7, 3, 10, 0, 0, 0, time.UTC) }
	for _, name := range []string{"Amina", "Bilal", "Dawit"} {
		id := clCreate(t, f, f.cwA, input(name, "Haidari", f.cwA))
		bfProgramme(t, f, id, "granted", "2025-01-06", "2027-01-05")
	}
	const n = 6
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := f.db.ApprovePayroll(ctx, f.leaderA.Scope(), date("2025-05-01"))
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	ok, conflicts := 0, 0
	for err := range errs {
		switch domain.ErrorCode(err) {
		case "":
			ok++
		case domain.ECONFLICT:
			conflicts++
		default:
			t.Errorf("approval: %v", err)
		}
	}
	if ok != 1 || conflicts != n-1 {
		t.Errorf("%d approvals and %d conflicts of %d, want 1 and %d", ok, conflicts, n, n-1)
	}
	var approvals, lines int
	if err := f.db.Pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM payroll_approvals), (SELECT count(*) FROM payroll_lines)`).Scan(&approvals, &lines); err != nil {
		t.Fatal(err)
	}
	if approvals != 1 || lines != 3 {
		t.Errorf("%d approvals with %d lines stored, want 1 with 3", approvals, lines)
	}
}
