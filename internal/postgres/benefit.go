package postgres

import (
	"context"
	"errors"
	"time"

	"ankomst/internal/domain"

	"github.com/jackc/pgx/v5"
)

// A participant's benefit for a month (introduksjonsstønad): everything
// domain.ComputeBenefit needs, read in one batch (one round trip), every
// statement scoped by the person's unit.
//
// The programme period is the granted decision's start date to the day the
// programme ended (ended_on) or, while it runs, its planned end; both days
// are in the programme. Leave and interruption (programme_pauses) take
// their weekdays out; an open pause runs to the end of the month.

// PersonBenefit is one participant's month.
type PersonBenefit struct {
	PersonID   int64
	GivenName  string
	FamilyName string
	BirthDate  time.Time
	Month      time.Time
	// HasProgramme: a programme row exists; Granted: its decision is granted
	// with a start date (a participant).
	HasProgramme bool
	Granted      bool
	Start        *time.Time
	End          *time.Time // ended_on, else planned_end
	Ended        bool       // End is the day the programme ended
	WithParents  bool
	// Benefit is the month's result; nil when the person is not a
	// participant or the rates are missing (Problem says which).
	Benefit    *domain.Benefit
	Problem    string
	Deductions []domain.BenefitDeduction
}

// FullName is "Given Family".
func (b PersonBenefit) FullName() string { return b.GivenName + " " + b.FamilyName }

// benefitReads are the batch's raw results for one person and month.
type benefitReads struct {
	month   time.Time
	found   bool
	pb      PersonBenefit
	prog    *benefitProgramme
	pauses  []benefitPause
	minutes int
	rates   domain.RateTable
}

type benefitProgramme struct {
	Decision         *string    `db:"decision"`
	StartDate        *time.Time `db:"start_date"`
	EndedOn          *time.Time `db:"ended_on"`
	PlannedEnd       *time.Time `db:"planned_end"`
	LivesWithParents bool       `db:"lives_with_parents"`
}

type benefitPause struct {
	From time.Time  `db:"from_date"`
	To   *time.Time `db:"to_date"`
}

// queueBenefit queues a person's benefit reads for the month into b.
func queueBenefit(b *pgx.Batch, s domain.Scope, personID int64, month time.Time) *benefitReads {
	first := domain.MonthStart(month)
	last := first.AddDate(0, 1, -1)
	r := &benefitReads{month: first}
	r.pb.PersonID = personID
	r.pb.Month = first
	scoped := func(n int) (string, []any) {
		where, args := unitScope(s, "p.unit_id", n)
		return where, args
	}

	where, args := scoped(2)
	b.Queue(`SELECT p.given_name, p.family_name, p.birth_date FROM persons p WHERE p.id = $1 AND `+where,
		append([]any{personID}, args...)...).QueryRow(func(row pgx.Row) error {
		err := row.Scan(&r.pb.GivenName, &r.pb.FamilyName, &r.pb.BirthDate)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		r.found = err == nil
		return err
	})
	b.Queue(`SELECT g.decision, g.start_date, g.ended_on, g.planned_end, g.lives_with_parents
		FROM programmes g JOIN persons p ON p.id = g.person_id WHERE g.person_id = $1 AND `+where,
		append([]any{personID}, args...)...).Query(func(rows pgx.Rows) error {
		g, err := pgx.CollectExactlyOneRow(rows, pgx.RowToAddrOfStructByName[benefitProgramme])
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		r.prog = g
		return err
	})
	where, args = scoped(4)
	b.Queue(`SELECT pp.from_date, pp.to_date FROM programme_pauses pp JOIN persons p ON p.id = pp.person_id
		WHERE pp.person_id = $1 AND pp.from_date <= $3 AND (pp.to_date IS NULL OR pp.to_date >= $2) AND `+where,
		append([]any{personID, first, last}, args...)...).Query(func(rows pgx.Rows) error {
		ps, err := pgx.CollectRows(rows, pgx.RowToStructByName[benefitPause])
		r.pauses = ps
		return err
	})
	b.Queue(`SELECT coalesce(sum(a.absent_minutes), 0)::int FROM attendance a JOIN persons p ON p.id = a.person_id
		WHERE a.person_id = $1 AND a.day BETWEEN $2 AND $3 AND a.reason = 'unexcused' AND `+where,
		append([]any{personID, first, last}, args...)...).QueryRow(func(row pgx.Row) error {
		return row.Scan(&r.minutes)
	})
	where, args = scoped(3)
	b.Queue(`SELECT d.id, d.person_id, d.month, d.amount_ore, d.description, d.created_at, u.name AS created_by_name
		FROM benefit_deductions d JOIN persons p ON p.id = d.person_id LEFT JOIN users u ON u.id = d.created_by
		WHERE d.person_id = $1 AND d.month = $2 AND `+where+` ORDER BY d.created_at, d.id`,
		append([]any{personID, first}, args...)...).Query(func(rows pgx.Rows) error {
		ds, err := pgx.CollectRows(rows, pgx.RowToStructByName[domain.BenefitDeduction])
		r.pb.Deductions = ds
		return err
	})
	queueRateTable(b, &r.rates)
	return r
}

// result computes the month from the reads (after the batch has run).
func (r *benefitReads) result() PersonBenefit {
	pb := r.pb
	g := r.prog
	if g == nil {
		pb.Problem = "Personen har ikke introduksjonsprogram."
		return pb
	}
	pb.HasProgramme = true
	pb.WithParents = g.LivesWithParents
	if g.Decision == nil || *g.Decision != "granted" || g.StartDate == nil {
		pb.Problem = "Personen har ikke vedtak om introduksjonsprogram med startdato."
		return pb
	}
	pb.Granted = true
	pb.Start = g.StartDate
	switch {
	case g.EndedOn != nil:
		pb.End, pb.Ended = g.EndedOn, true
	case g.PlannedEnd != nil:
		pb.End = g.PlannedEnd
	}
	var other int64
	for _, d := range pb.Deductions {
		other += d.AmountOre
	}
	// The same input as the payroll basis builds (benefitInput, payroll.go).
	b, err := domain.ComputeBenefit(benefitInput(r.month, pb.BirthDate, g.LivesWithParents, pb.Start, pb.End,
		r.pauses, r.minutes, other), r.rates)
	if err != nil {
		pb.Problem = domain.ErrorMessage(err)
		return pb
	}
	pb.Benefit = &b
	return pb
}

// PersonBenefit reads and computes a participant's month in one round trip
// and audits the read (ENOTFOUND outside the user's scope). A person without
// a granted programme, or a month without rates, comes back with Benefit nil
// and Problem set.
func (db *DB) PersonBenefit(ctx context.Context, s domain.Scope, personID int64, month time.Time) (PersonBenefit, error) {
	var b pgx.Batch
	r := queueBenefit(&b, s, personID, month)
	queueViewAudit(&b, s, domain.EntityProgramme, personID)
	if err := db.Pool.SendBatch(ctx, &b).Close(); err != nil {
		return PersonBenefit{}, err
	}
	if !r.found {
		return PersonBenefit{}, domain.Errorf(domain.ENOTFOUND, "Fant ikke personen.")
	}
	return r.result(), nil
}

// Benefit queues the person's benefit for a month (say, last month) into the
// person page's batch; the result is filled in when the page is loaded.
func (pp *PersonPageBatch) Benefit(month time.Time) *PersonBenefit {
	out := new(PersonBenefit)
	r := queueBenefit(&pp.batch, pp.s, pp.id, month)
	pp.finish = append(pp.finish, func() {
		if r.found {
			*out = r.result()
		}
	})
	return out
}

// AddBenefitDeduction records another benefit deducted from a participant's
// month, with its audit row, in one transaction (ENOTFOUND outside the
// user's scope).
func (db *DB) AddBenefitDeduction(ctx context.Context, s domain.Scope, personID int64, d domain.BenefitDeduction) (int64, error) {
	if err := s.Role.Require(domain.CapProgramme); err != nil {
		return 0, err
	}
	var uid *int64
	if s.UserID != 0 {
		uid = &s.UserID
	}
	var id int64
	err := db.WithTx(ctx, func(tx pgx.Tx) error {
		where, args := unitScope(s, "p.unit_id", 2)
		if err := existsInScope(ctx, tx, "Fant ikke personen.",
			`SELECT 1 FROM persons p WHERE p.id = $1 AND `+where, append([]any{personID}, args...)...); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `INSERT INTO benefit_deductions (person_id, month, amount_ore, description, created_by)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`,
			personID, domain.MonthStart(d.Month), d.AmountOre, d.Description, uid).Scan(&id); err != nil {
			return err
		}
		ch := domain.Changes{}
		ch.Set("month", "", domain.FormatMonth(d.Month))
		ch.Set("amount", "", domain.FormatOre(d.AmountOre)+" kr")
		ch.Set("description", "", d.Description)
		return writeAudit(ctx, tx, s, auditEvent{Action: ActionCreate, Entity: domain.EntityBenefitDeduction,
			EntityID: &id, PersonID: &personID, Changes: ch})
	})
	return id, mapError(err)
}
