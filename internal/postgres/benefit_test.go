package postgres_test

import (
	"context"
	"strings"
	"testing"

	"ankomst/internal/domain"
	"ankomst/internal/postgres"
)

// bfProgramme gives the person a granted programme from start (directly:
// the programme forms are another module's).
func bfProgramme(t *testing.T, f *fixture, personID int64, decision, start, plannedEnd string) {
	t.Helper()
	_, err := f.db.Pool.Exec(context.Background(), `INSERT INTO programmes (person_id, decision, decision_date, start_date, planned_end)
		VALUES ($1, $2, $3::date, $3::date, $4::date)`, personID, decision, start, plannedEnd)
	if err != nil {
		t.Fatal(err)
	}
}

func TestPersonBenefit(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	id := clCreate(t, f, f.cwA, input("Amina", "Haidari", f.cwA)) // born 1990: full rate
	s := f.cwA.Scope()

	// No programme yet: no benefit, and why.
	pb, err := f.db.PersonBenefit(ctx, s, id, date("2025-05-10"))
	if err != nil || pb.Benefit != nil || !strings.Contains(pb.Problem, "ikke introduksjonsprogram") || pb.FullName() != "Amina Haidari" {
		t.Fatalf("no programme: %+v %v", pb, err)
	}

	bfProgramme(t, f, id, "granted", "2025-05-19", "2027-05-18")
	exec := func(sql string, args ...any) {
		t.Helper()
		if _, err := f.db.Pool.Exec(ctx, sql, args...); err != nil {
			t.Fatal(err)
		}
	}
	// 7,5 h unexcused on 20 May, an hour of illness (not deducted), and
	// unexcused in June (another month).
	exec(`INSERT INTO attendance (person_id, day, present_minutes, absent_minutes, reason) VALUES
		($1, '2025-05-20', 0, 450, 'unexcused'), ($1, '2025-05-21', 390, 60, 'illness'), ($1, '2025-06-02', 0, 450, 'unexcused')`, id)
	// Leave on Monday 26 and Tuesday 27 May.
	exec(`INSERT INTO programme_pauses (person_id, kind, reason, from_date, to_date) VALUES ($1, 'leave', 'Familie', '2025-05-26', '2025-05-27')`, id)

	// Another benefit of 1 000 kr in May, and one in June.
	dedID, err := f.db.AddBenefitDeduction(ctx, s, id, domain.BenefitDeduction{Month: date("2025-05-01"), AmountOre: 100000, Description: "Sykepenger"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.AddBenefitDeduction(ctx, s, id, domain.BenefitDeduction{Month: date("2025-06-01"), AmountOre: 50000, Description: "Dagpenger"}); err != nil {
		t.Fatal(err)
	}
	var changes string
	if err := f.db.Pool.QueryRow(ctx, `SELECT changes::text FROM audit_events WHERE entity = 'benefit_deduction' AND entity_id = $1
		AND action = 'create' AND person_id = $2 AND user_id = $3`, dedID, id, f.cwA.ID).Scan(&changes); err != nil {
		t.Fatalf("deduction audit row: %v", err)
	}
	if !strings.Contains(changes, "1 000 kr") || !strings.Contains(changes, "mai 2025") || !strings.Contains(changes, "Sykepenger") {
		t.Errorf("deduction audit changes: %s", changes)
	}

	// May 2025: from Monday 19 May, 10 weekdays less 2 on leave = 8;
	// 8 × 260 320 ÷ 260 = 8 009,85; unexcused 7,5 × 260 320 ÷ 1 950 =
	// 1 001,23; other 1 000; 8 009,846 − 1 001,231 − 1 000 = 6 008,62 → 6 009.
	pb, err = f.db.PersonBenefit(ctx, s, id, date("2025-05-10"))
	if err != nil {
		t.Fatal(err)
	}
	b := pb.Benefit
	if b == nil {
		t.Fatalf("no benefit: %s", pb.Problem)
	}
	if b.InProgrammeDays != 8 || b.GrossOre != 800985 || b.AbsenceDeductionOre != 100123 || b.OtherDeductionsOre != 100000 ||
		b.PaymentKroner != 6009 || b.NeedsDecision || len(pb.Deductions) != 1 || pb.Deductions[0].Description != "Sykepenger" ||
		pb.Deductions[0].CreatedBy == nil || *pb.Deductions[0].CreatedBy != f.cwA.Name {
		t.Errorf("May: %+v\n%+v", b, pb.Deductions)
	}
	var views int
	if err := f.db.Pool.QueryRow(ctx, `SELECT count(*) FROM audit_events WHERE action = 'view' AND entity = 'programme' AND person_id = $1`, id).Scan(&views); err != nil || views != 2 {
		t.Errorf("view audit rows: %d %v", views, err)
	}

	// Scope: another unit finds nothing and writes nothing; admins see every unit.
	_, err = f.db.PersonBenefit(ctx, f.cwB.Scope(), id, date("2025-05-01"))
	clCode(t, err, domain.ENOTFOUND)
	_, err = f.db.AddBenefitDeduction(ctx, f.cwB.Scope(), id, domain.BenefitDeduction{Month: date("2025-05-01"), AmountOre: 100, Description: "x"})
	clCode(t, err, domain.ENOTFOUND)
	_, err = f.db.AddBenefitDeduction(ctx, f.health.Scope(), id, domain.BenefitDeduction{Month: date("2025-05-01"), AmountOre: 100, Description: "x"})
	clCode(t, err, domain.EFORBIDDEN)
	if pb, err := f.db.PersonBenefit(ctx, f.admin.Scope(), id, date("2025-05-01")); err != nil || pb.Benefit == nil || pb.Benefit.PaymentKroner != 6009 {
		t.Errorf("admin: %+v %v", pb, err)
	}
	if pb, err := f.db.PersonBenefit(ctx, f.leaderA.Scope(), id, date("2025-05-01")); err != nil || pb.Benefit == nil {
		t.Errorf("leader: %+v %v", pb, err)
	}

	// A new G from 1 May 2025 (a correction, newest wins) changes May, and
	// only an administrator adds it.
	_, err = f.db.AddRate(ctx, f.leaderA.Scope(), domain.Rate{Kind: domain.RateG, EffectiveFrom: date("2025-05-01"), Value: 12000000})
	clCode(t, err, domain.EFORBIDDEN)
	rateID, err := f.db.AddRate(ctx, f.admin.Scope(), domain.Rate{Kind: domain.RateG, EffectiveFrom: date("2025-05-01"), Value: 13000000, Note: "Rettet G"})
	if err != nil {
		t.Fatal(err)
	}
	// 2 × 130 000 = 260 000: 8 × 1 000 = 8 000; absence 7,5 × 260 000 ÷ 1 950 = 1 000;
	// 8 000 − 1 000 − 1 000 = 6 000.
	pb, _ = f.db.PersonBenefit(ctx, s, id, date("2025-05-01"))
	if pb.Benefit == nil || pb.Benefit.PaymentKroner != 6000 || pb.Benefit.GrossOre != 800000 {
		t.Errorf("after the new G: %+v", pb.Benefit)
	}
	if err := f.db.Pool.QueryRow(ctx, `SELECT changes::text FROM audit_events WHERE entity = 'rate' AND entity_id = $1 AND action = 'create' AND user_id = $2`,
		rateID, f.admin.ID).Scan(&changes); err != nil || !strings.Contains(changes, "130 000 kr") || !strings.Contains(changes, "01.05.2025") {
		t.Errorf("rate audit row: %s %v", changes, err)
	}
	hist, err := f.db.RateHistory(ctx, f.admin.Scope())
	if err != nil {
		t.Fatal(err)
	}
	if i := indexRate(hist, rateID); i < 0 || hist[i].CreatedBy == nil || *hist[i].CreatedBy != f.admin.Name || hist[i].Note != "Rettet G" ||
		hist[i+1].Kind != domain.RateG || hist[i+1].Value != 13016000 {
		t.Errorf("history: the new row first among its date, with its author")
	}
	_, err = f.db.RateHistory(ctx, f.cwA.Scope())
	clCode(t, err, domain.EFORBIDDEN)

	// No rates in force (before the first G): a problem, not an error.
	pb, err = f.db.PersonBenefit(ctx, s, id, date("2020-01-01"))
	if err != nil || pb.Benefit != nil || !strings.Contains(pb.Problem, "Grunnbeløpet") {
		t.Errorf("no G: %+v %v", pb, err)
	}

	// The person page's batch: the benefit of a month beside the person.
	pp := f.db.NewPersonPage(s, id)
	got := pp.Benefit(date("2025-05-01"))
	if _, err := f.db.LoadPersonPage(ctx, pp); err != nil {
		t.Fatal(err)
	}
	if got.Benefit == nil || got.Benefit.PaymentKroner != 6000 {
		t.Errorf("person page benefit: %+v", got)
	}
}

func TestPersonBenefitNotGrantedAndEnded(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	refused := clCreate(t, f, f.cwA, input("Yonas", "Tesfaye", f.cwA))
	bfProgramme(t, f, refused, "refused", "2025-05-01", "2026-05-01")
	pb, err := f.db.PersonBenefit(ctx, f.cwA.Scope(), refused, date("2025-05-01"))
	if err != nil || pb.Benefit != nil || !pb.HasProgramme || pb.Granted || !strings.Contains(pb.Problem, "vedtak") {
		t.Errorf("refused: %+v %v", pb, err)
	}
	ended := clCreate(t, f, f.cwA, input("Sara", "Ali", f.cwA))
	bfProgramme(t, f, ended, "granted", "2025-01-06", "2027-01-01")
	// Ended Friday 9 May 2025, an open pause from the 8th: 1 and 2 May, 5–7 May = 5 days.
	if _, err := f.db.Pool.Exec(ctx, `UPDATE programmes SET ended_on = '2025-05-09' WHERE person_id = $1;`, ended); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.Pool.Exec(ctx, `INSERT INTO programme_pauses (person_id, kind, reason, from_date) VALUES ($1, 'interruption', 'Stans', '2025-05-08')`, ended); err != nil {
		t.Fatal(err)
	}
	pb, err = f.db.PersonBenefit(ctx, f.cwA.Scope(), ended, date("2025-05-01"))
	if err != nil || pb.Benefit == nil || !pb.Ended || pb.Benefit.InProgrammeDays != 5 || pb.Benefit.PausedDays != 2 {
		t.Errorf("ended: %+v %+v %v", pb, pb.Benefit, err)
	}
}

func indexRate(rs []postgres.RateRow, id int64) int {
	for i, r := range rs {
		if r.ID == id {
			return i
		}
	}
	return -1
}
