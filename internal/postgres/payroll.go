package postgres

import (
	"context"
	"errors"
	"sort"
	"time"

	"ankomst/internal/domain"

	"github.com/jackc/pgx/v5"
)

// The payroll basis (utbetalingsgrunnlag) of a unit for a month: every
// participant with a granted programme overlapping the month, computed by
// domain.ComputeBenefit from the same input the per-person reader builds
// (benefitInput). The rows come from ONE set-based query (payrollSQL: the
// month's unexcused minutes, paused days and other deductions gathered per
// participant by LATERAL subqueries) and are computed and handed on one at a
// time, so an export never holds the unit's participants in memory.
//
// Scope: leaders read their own unit only, admins any unit (unitScope, in
// SQL); a unit outside the scope is ENOTFOUND.
//
// Approval (leaders, their own unit, a month that has ended) writes the
// month's lines, and adjustment lines for earlier approved months whose
// recomputed amount now differs from what was approved and adjusted so far,
// in one transaction with its audit row. An approved month is locked: it is
// read back from payroll_lines, never recomputed. A later correction shows
// as an adjustment line (for_month = the earlier month) in the next basis.

// payrollAdjustMonths is how far back an unapproved month looks for
// approved months to adjust.
const payrollAdjustMonths = 12

// PayrollLine is one line of the basis: a participant's month, or an
// adjustment of an earlier approved month (ForMonth before the basis month).
type PayrollLine struct {
	PersonID         int64
	GivenName        string
	FamilyName       string
	ForMonth         time.Time
	Days             int
	UnexcusedMinutes int
	GrossOre         int64
	AbsenceOre       int64
	OtherOre         int64
	DeductionOre     int64 // absence + other
	AmountOre        int64 // whole kroner (a multiple of 100); an adjustment may be negative
	NeedsDecision    bool
	// Problem is set when the month could not be computed (a missing rate);
	// the amounts are then 0.
	Problem string
}

// Name is "Given Family".
func (l PayrollLine) Name() string { return l.GivenName + " " + l.FamilyName }

// IsAdjustment reports whether the line corrects an earlier month.
func (l PayrollLine) IsAdjustment(month time.Time) bool { return l.ForMonth.Before(month) }

// PayrollApproval is who approved a unit's month, and when.
type PayrollApproval struct {
	ID     int64
	At     time.Time
	ByName string
	Lines  int
}

// PayrollHead is the basis's unit and month and its approval, if any.
type PayrollHead struct {
	UnitID   int64
	UnitName string
	Month    time.Time
	Approval *PayrollApproval
}

// PayrollReport is the whole basis for the page.
type PayrollReport struct {
	PayrollHead
	Lines []PayrollLine // the month's lines, then the adjustments
}

// PayrollUnits are the units the user may choose: their own for leaders,
// every unit for admins.
func (db *DB) PayrollUnits(ctx context.Context, s domain.Scope) ([]domain.Unit, error) {
	if err := s.Role.Require(domain.CapPayroll); err != nil {
		return nil, err
	}
	where, args := unitScope(s, "u.id", 1)
	rows, err := db.Pool.Query(ctx, `SELECT u.id, u.name FROM units u WHERE `+where+` ORDER BY u.name, u.id`, args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByName[domain.Unit])
}

// benefitInput is domain.ComputeBenefit's input from a participant's rows:
// the programme period (start to ended_on or planned end), the weekdays of
// the pauses inside the month (an open pause runs to the month's end), the
// month's unexcused minutes and the sum of the other deductions. The
// per-person reader (benefit.go) and the payroll basis both use it.
func benefitInput(month, birth time.Time, withParents bool, start, end *time.Time, pauses []benefitPause, minutes int, otherOre int64) domain.BenefitInput {
	first := domain.MonthStart(month)
	last := first.AddDate(0, 1, -1)
	var paused []time.Time
	for _, p := range pauses {
		to := last
		if p.To != nil && p.To.Before(to) {
			to = *p.To
		}
		from := p.From
		if from.Before(first) {
			from = first
		}
		for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
			paused = append(paused, d)
		}
	}
	return domain.BenefitInput{
		Month: first, BirthDate: birth, WithParents: withParents,
		Start: start, End: end, PausedDays: paused,
		UnexcusedMinutes: minutes, OtherDeductionsOre: otherOre,
	}
}

// payrollSQL selects the participants of unit $1 in the month $2 (first
// day) … $3 (last day) with everything their benefit needs, one row each,
// in name order; $4… is the user's scope.
const payrollSQL = `
	SELECT p.id, p.given_name, p.family_name, p.birth_date, g.lives_with_parents, g.start_date,
	       coalesce(g.ended_on, g.planned_end) AS end_date,
	       coalesce(pz.froms, '{}') AS pause_from, coalesce(pz.tos, '{}') AS pause_to,
	       coalesce(ux.minutes, 0) AS minutes, coalesce(bd.ore, 0) AS other_ore
	FROM programmes g
	JOIN persons p ON p.id = g.person_id
	LEFT JOIN LATERAL (
		SELECT sum(a.absent_minutes)::int AS minutes FROM attendance a
		WHERE a.person_id = p.id AND a.reason = 'unexcused' AND a.day BETWEEN $2 AND $3
	) ux ON true
	LEFT JOIN LATERAL (
		SELECT array_agg(pp.from_date ORDER BY pp.from_date) AS froms,
		       array_agg(coalesce(pp.to_date, $3::date) ORDER BY pp.from_date) AS tos
		FROM programme_pauses pp
		WHERE pp.person_id = p.id AND pp.from_date <= $3 AND (pp.to_date IS NULL OR pp.to_date >= $2)
	) pz ON true
	LEFT JOIN LATERAL (
		SELECT sum(d.amount_ore)::bigint AS ore FROM benefit_deductions d
		WHERE d.person_id = p.id AND d.month = $2
	) bd ON true
	WHERE g.decision = 'granted' AND g.start_date IS NOT NULL AND g.start_date <= $3
	  AND (coalesce(g.ended_on, g.planned_end) IS NULL OR coalesce(g.ended_on, g.planned_end) >= $2)
	  AND p.merged_into IS NULL AND p.unit_id = $1 AND `

// payrollCountSQL counts payrollSQL's rows.
const payrollCountSQL = `
	SELECT count(*) FROM programmes g JOIN persons p ON p.id = g.person_id
	WHERE g.decision = 'granted' AND g.start_date IS NOT NULL AND g.start_date <= $3
	  AND (coalesce(g.ended_on, g.planned_end) IS NULL OR coalesce(g.ended_on, g.planned_end) >= $2)
	  AND p.merged_into IS NULL AND p.unit_id = $1 AND `

// computeLines streams the unit's computed lines for month through each.
func computeLines(ctx context.Context, q querier, s domain.Scope, rates domain.RateTable, unitID int64, month time.Time, each func(PayrollLine) error) error {
	first := domain.MonthStart(month)
	sql, args := PayrollSQL(s, unitID, first)
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	var (
		l           PayrollLine
		birth       time.Time
		withParents bool
		start, end  *time.Time
		froms, tos  []time.Time
		minutes     int
		other       int64
		pauses      []benefitPause
	)
	for rows.Next() {
		if err := rows.Scan(&l.PersonID, &l.GivenName, &l.FamilyName, &birth, &withParents, &start, &end,
			&froms, &tos, &minutes, &other); err != nil {
			return err
		}
		pauses = pauses[:0]
		for i := range froms {
			to := tos[i]
			pauses = append(pauses, benefitPause{From: froms[i], To: &to})
		}
		in := benefitInput(first, birth, withParents, start, end, pauses, minutes, other)
		out := l
		out.ForMonth = first
		b, err := domain.ComputeBenefit(in, rates)
		if err != nil {
			out.Problem = domain.ErrorMessage(err)
			out.UnexcusedMinutes = minutes
			out.OtherOre = other
		} else {
			out.Days = b.InProgrammeDays
			out.UnexcusedMinutes = b.UnexcusedMinutes
			out.GrossOre = b.GrossOre
			out.AbsenceOre = b.AbsenceDeductionOre
			out.OtherOre = b.OtherDeductionsOre
			out.DeductionOre = b.DeductionOre
			out.AmountOre = b.PaymentKroner * 100
			out.NeedsDecision = b.NeedsDecision
		}
		if err := each(out); err != nil {
			return err
		}
	}
	return rows.Err()
}

// payrollUnit checks the unit is in the user's scope (ENOTFOUND otherwise)
// and reads its name and the month's approval.
func payrollUnit(ctx context.Context, q querier, s domain.Scope, unitID int64, month time.Time) (PayrollHead, error) {
	h := PayrollHead{UnitID: unitID, Month: domain.MonthStart(month)}
	if err := s.Role.Require(domain.CapPayroll); err != nil {
		return h, err
	}
	where, args := unitScope(s, "u.id", 2)
	err := q.QueryRow(ctx, `SELECT u.name FROM units u WHERE u.id = $1 AND `+where, append([]any{unitID}, args...)...).Scan(&h.UnitName)
	if errors.Is(err, pgx.ErrNoRows) {
		return h, domain.Errorf(domain.ENOTFOUND, "Fant ikke enheten.")
	}
	if err != nil {
		return h, err
	}
	var a PayrollApproval
	err = q.QueryRow(ctx, `SELECT a.id, a.approved_at, coalesce(u.name, ''), (SELECT count(*) FROM payroll_lines l WHERE l.approval_id = a.id)
		FROM payroll_approvals a LEFT JOIN users u ON u.id = a.approved_by WHERE a.unit_id = $1 AND a.month = $2`,
		unitID, h.Month).Scan(&a.ID, &a.At, &a.ByName, &a.Lines)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
	case err != nil:
		return h, err
	default:
		h.Approval = &a
	}
	return h, nil
}

// approvedLines streams an approved month's lines as approved: the month's
// own, then the adjustments of earlier months.
func approvedLines(ctx context.Context, q querier, approvalID int64, month time.Time, each func(PayrollLine) error) error {
	rows, err := q.Query(ctx, `SELECT l.person_id, p.given_name, p.family_name, l.for_month, l.days, l.unexcused_minutes,
		l.gross_ore, l.deduction_ore, l.other_deduction_ore, l.amount_ore, l.needs_decision
		FROM payroll_lines l JOIN persons p ON p.id = l.person_id
		WHERE l.approval_id = $1
		ORDER BY l.for_month = $2 DESC, l.for_month, p.family_key, p.given_key, p.id`, approvalID, month)
	if err != nil {
		return err
	}
	defer rows.Close()
	var l PayrollLine
	for rows.Next() {
		if err := rows.Scan(&l.PersonID, &l.GivenName, &l.FamilyName, &l.ForMonth, &l.Days, &l.UnexcusedMinutes,
			&l.GrossOre, &l.DeductionOre, &l.OtherOre, &l.AmountOre, &l.NeedsDecision); err != nil {
			return err
		}
		l.AbsenceOre = l.DeductionOre - l.OtherOre
		if err := each(l); err != nil {
			return err
		}
	}
	return rows.Err()
}

// paidSoFar is what has been approved for a person's earlier month: the
// month's line plus the adjustments approved since.
type paidSoFar struct {
	given, family                   string
	days, minutes                   int
	gross, deduction, other, amount int64
	flagged                         bool // krever vedtak on an approved line
}

// adjustmentLines recomputes the unit's approved months in the lookback
// window before month and returns a line for each participant whose amount
// now differs from what has been approved for that month so far (the
// difference of every figure; for a participant no longer in that month's
// basis, the whole amount back). Only the differences are kept.
func adjustmentLines(ctx context.Context, q querier, s domain.Scope, rates domain.RateTable, unitID int64, month time.Time) ([]PayrollLine, error) {
	first := domain.MonthStart(month)
	rows, err := q.Query(ctx, `SELECT a.month FROM payroll_approvals a
		WHERE a.unit_id = $1 AND a.month < $2 AND a.month >= $3 ORDER BY a.month`,
		unitID, first, first.AddDate(0, -payrollAdjustMonths, 0))
	if err != nil {
		return nil, err
	}
	months, err := pgx.CollectRows(rows, pgx.RowTo[time.Time])
	if err != nil {
		return nil, err
	}
	var out []PayrollLine
	for _, m := range months {
		paid := map[int64]*paidSoFar{}
		rows, err := q.Query(ctx, `SELECT l.person_id, p.given_name, p.family_name, sum(l.days)::int, sum(l.unexcused_minutes)::int,
			sum(l.gross_ore)::bigint, sum(l.deduction_ore)::bigint, sum(l.other_deduction_ore)::bigint, sum(l.amount_ore)::bigint, bool_or(l.needs_decision)
			FROM payroll_lines l JOIN payroll_approvals a ON a.id = l.approval_id JOIN persons p ON p.id = l.person_id
			WHERE a.unit_id = $1 AND a.month < $2 AND l.for_month = $3
			GROUP BY l.person_id, p.given_name, p.family_name`, unitID, first, m)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id int64
			var p paidSoFar
			if err := rows.Scan(&id, &p.given, &p.family, &p.days, &p.minutes, &p.gross, &p.deduction, &p.other, &p.amount, &p.flagged); err != nil {
				rows.Close()
				return nil, err
			}
			paid[id] = &p
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		var adj []PayrollLine
		err = computeLines(ctx, q, s, rates, unitID, m, func(l PayrollLine) error {
			p := paid[l.PersonID]
			delete(paid, l.PersonID)
			if l.Problem != "" {
				return nil // nothing to compare a month that cannot be computed with
			}
			if p == nil {
				p = &paidSoFar{}
			}
			if l.AmountOre == p.amount {
				return nil
			}
			d := l
			d.Days -= p.days
			d.UnexcusedMinutes -= p.minutes
			d.GrossOre -= p.gross
			d.DeductionOre -= p.deduction
			d.OtherOre -= p.other
			d.AbsenceOre = d.DeductionOre - d.OtherOre
			d.AmountOre -= p.amount
			d.NeedsDecision = l.NeedsDecision && !p.flagged // newly krever vedtak
			adj = append(adj, d)
			return nil
		})
		if err != nil {
			return nil, err
		}
		for id, p := range paid { // no longer in the month's basis: everything back
			if p.amount == 0 {
				continue
			}
			adj = append(adj, PayrollLine{PersonID: id, GivenName: p.given, FamilyName: p.family, ForMonth: m,
				Days: -p.days, UnexcusedMinutes: -p.minutes, GrossOre: -p.gross, DeductionOre: -p.deduction,
				OtherOre: -p.other, AbsenceOre: -(p.deduction - p.other), AmountOre: -p.amount})
		}
		sortLinesByName(adj)
		out = append(out, adj...)
	}
	return out, nil
}

// readRates reads the rate table on q.
func readRates(ctx context.Context, q querier) (domain.RateTable, error) {
	rows, err := q.Query(ctx, rateTableSQL)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByName[domain.Rate])
}

// readOnly runs fn in a read-only REPEATABLE READ transaction: every read
// of the basis sees one snapshot.
func (db *DB) readOnly(ctx context.Context, fn func(pgx.Tx) error) error {
	return pgx.BeginTxFunc(ctx, db.Pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, fn)
}

// Payroll reads a unit's basis for a month for the page: the approved lines
// when the month is approved, otherwise the computed lines and the
// adjustments of earlier approved months. (The page sorts and pages it; the
// exports stream with ExportPayroll.)
func (db *DB) Payroll(ctx context.Context, s domain.Scope, unitID int64, month time.Time) (PayrollReport, error) {
	var rep PayrollReport
	err := db.readOnly(ctx, func(tx pgx.Tx) error {
		h, err := payrollUnit(ctx, tx, s, unitID, month)
		if err != nil {
			return err
		}
		rep.PayrollHead = h
		add := func(l PayrollLine) error { rep.Lines = append(rep.Lines, l); return nil }
		if h.Approval != nil {
			return approvedLines(ctx, tx, h.Approval.ID, h.Month, add)
		}
		rates, err := readRates(ctx, tx)
		if err != nil {
			return err
		}
		if err := computeLines(ctx, tx, s, rates, unitID, h.Month, add); err != nil {
			return err
		}
		adj, err := adjustmentLines(ctx, tx, s, rates, unitID, h.Month)
		rep.Lines = append(rep.Lines, adj...)
		return err
	})
	return rep, err
}

// ExportPayroll streams a unit's basis for a month through each, for a CSV
// or XLSX export (format). The export is audited (with the unit, month,
// format and number of lines) in its own transaction before start is
// called and the first line handed out: if the audit row cannot be
// written, there is no file. The lines are read in one snapshot and never
// held in memory (only the adjustments of earlier months, which are few).
func (db *DB) ExportPayroll(ctx context.Context, s domain.Scope, unitID int64, month time.Time, format string,
	start func(h PayrollHead, rows int) error, each func(PayrollLine) error) error {
	return db.readOnly(ctx, func(tx pgx.Tx) error {
		h, err := payrollUnit(ctx, tx, s, unitID, month)
		if err != nil {
			return err
		}
		var (
			count int
			adj   []PayrollLine
			rates domain.RateTable
		)
		if h.Approval != nil {
			count = h.Approval.Lines
		} else {
			if rates, err = readRates(ctx, tx); err != nil {
				return err
			}
			if adj, err = adjustmentLines(ctx, tx, s, rates, unitID, h.Month); err != nil {
				return err
			}
			first := h.Month
			where, args := unitScope(s, "p.unit_id", 4)
			if err := tx.QueryRow(ctx, payrollCountSQL+where, append([]any{unitID, first, first.AddDate(0, 1, -1)}, args...)...).Scan(&count); err != nil {
				return err
			}
			count += len(adj)
		}
		err = db.WithTx(ctx, func(atx pgx.Tx) error {
			return writeAudit(ctx, atx, s, auditEvent{Action: domain.ActionExport, Entity: domain.EntityPayroll, EntityID: &unitID,
				Details: &domain.AuditDetails{UnitID: unitID, Month: domain.FormatISOMonth(h.Month), Format: format, Rows: count}})
		})
		if err != nil {
			return err
		}
		if err := start(h, count); err != nil {
			return err
		}
		if h.Approval != nil {
			return approvedLines(ctx, tx, h.Approval.ID, h.Month, each)
		}
		if err := computeLines(ctx, tx, s, rates, unitID, h.Month, each); err != nil {
			return err
		}
		for _, l := range adj {
			if err := each(l); err != nil {
				return err
			}
		}
		return nil
	})
}

// ApprovePayroll approves the basis of the leader's own unit for a month
// that has ended: the month's lines and the adjustments of earlier approved
// months, with the audit row, in one transaction. A month approved already
// is ECONFLICT; a month not yet ended EINVALID.
func (db *DB) ApprovePayroll(ctx context.Context, s domain.Scope, month time.Time) (PayrollApproval, error) {
	var a PayrollApproval
	if err := s.Role.Require(domain.CapApprovePayroll); err != nil {
		return a, err
	}
	first := domain.MonthStart(month)
	if first.AddDate(0, 1, 0).After(db.today()) {
		return a, domain.Errorf(domain.EINVALID, "%s er ikke over ennå. En måned kan godkjennes fra den første dagen i neste måned.",
			capitalizeFirst(domain.FormatMonth(first)))
	}
	err := db.WithTx(ctx, func(tx pgx.Tx) error {
		// One approval of a unit's month at a time: the second waits here and
		// then finds the first.
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1::int, $2::int)`,
			int32(s.UnitID), int32(first.Year()*100+int(first.Month()))); err != nil {
			return err
		}
		h, err := payrollUnit(ctx, tx, s, s.UnitID, first)
		if err != nil {
			return err
		}
		if h.Approval != nil {
			return domain.Errorf(domain.ECONFLICT, "Utbetalingsgrunnlaget for %s er allerede godkjent av %s %s. Et godkjent grunnlag kan ikke godkjennes på nytt; endringer kommer som korrigeringer i neste måned.",
				domain.FormatMonth(first), h.Approval.ByName, h.Approval.At.In(domain.Oslo).Format("02.01.2006 kl. 15:04"))
		}
		rates, err := readRates(ctx, tx)
		if err != nil {
			return err
		}
		var lines [][]any
		var problems int
		line := func(l PayrollLine) []any {
			return []any{l.PersonID, l.ForMonth, l.Days, l.UnexcusedMinutes, l.GrossOre, l.DeductionOre, l.OtherOre, l.AmountOre, l.NeedsDecision}
		}
		if err := computeLines(ctx, tx, s, rates, s.UnitID, first, func(l PayrollLine) error {
			if l.Problem != "" {
				problems++
			}
			lines = append(lines, line(l))
			return nil
		}); err != nil {
			return err
		}
		if problems > 0 {
			return domain.Errorf(domain.EINVALID, "Grunnlaget kan ikke godkjennes: stønaden kunne ikke beregnes for %d deltaker(e). Sjekk satsene.", problems)
		}
		adj, err := adjustmentLines(ctx, tx, s, rates, s.UnitID, first)
		if err != nil {
			return err
		}
		for _, l := range adj {
			lines = append(lines, line(l))
		}
		if err := tx.QueryRow(ctx, `INSERT INTO payroll_approvals (unit_id, month, approved_by) VALUES ($1, $2, $3)
			RETURNING id, approved_at, (SELECT name FROM users WHERE id = $3)`, s.UnitID, first, s.UserID).Scan(&a.ID, &a.At, &a.ByName); err != nil {
			return err
		}
		rowsIn := make([][]any, len(lines))
		for i, l := range lines {
			rowsIn[i] = append([]any{a.ID}, l...)
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"payroll_lines"},
			[]string{"approval_id", "person_id", "for_month", "days", "unexcused_minutes", "gross_ore", "deduction_ore", "other_deduction_ore", "amount_ore", "needs_decision"},
			pgx.CopyFromRows(rowsIn)); err != nil {
			return err
		}
		a.Lines = len(lines)
		return writeAudit(ctx, tx, s, auditEvent{Action: domain.ActionApprove, Entity: domain.EntityPayroll, EntityID: &a.ID,
			Details: &domain.AuditDetails{UnitID: s.UnitID, Month: domain.FormatISOMonth(first), Rows: a.Lines}})
	})
	return a, mapError(err)
}

// sortLinesByName orders adjustment lines by family, given name and id.
func sortLinesByName(ls []PayrollLine) {
	sort.Slice(ls, func(i, j int) bool {
		a, b := ls[i], ls[j]
		if a.FamilyName != b.FamilyName {
			return a.FamilyName < b.FamilyName
		}
		if a.GivenName != b.GivenName {
			return a.GivenName < b.GivenName
		}
		return a.PersonID < b.PersonID
	})
}

func capitalizeFirst(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	if r[0] >= 'a' && r[0] <= 'z' {
		r[0] -= 'a' - 'A'
	}
	return string(r)
}

// PayrollSQL is the basis query of a unit's month with its arguments, for
// the benchmark's EXPLAIN (ANALYZE) (payroll_bench_test.go).
func PayrollSQL(s domain.Scope, unitID int64, month time.Time) (string, []any) {
	first := domain.MonthStart(month)
	where, args := unitScope(s, "p.unit_id", 4)
	return payrollSQL + where + ` ORDER BY p.family_key, p.given_key, p.id`,
		append([]any{unitID, first, first.AddDate(0, 1, -1)}, args...)
}
