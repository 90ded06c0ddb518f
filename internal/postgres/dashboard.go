package postgres

import (
	"context"
	"fmt"
	"time"

	"ankomst/internal/domain"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// The leaders' dashboard (oversikt, GET /dashboard, issue 12 part 4): a
// handful of figures for one unit or, for admins, every unit, over a period
// of whole months. Counts only; the lists behind them are the modules' own
// pages or DashboardList. Every figure is read in ONE batch (one round
// trip) through the read pool (DB.Reader: the streaming replica when
// DATABASE_READ_URL is set), so a replica's lag of a few seconds shows here
// and nowhere else.
//
// The rules, one per figure:
//   - caseload: active persons per caseworker (now, not the period);
//   - deadline breaches: computed deadlines (not tasks, not the health
//     role's kinds) due in the period that are overdue (open, due before
//     today) or were done late (done_on > due_date), by month of the due
//     date and kind;
//   - programme start: granted programmes started in the period; within 3
//     months when start_date <= the settlement date (else the decision
//     date) + 3 months; the median of start − that date in days;
//   - hours: running participants today (granted, started, not ended) and
//     the minutes per week of the plan version in force today (its elements
//     in force today); full time is at least domain.FullTimeMinutes;
//   - attendance rate: present minutes / (present + absent minutes)
//     registered in the period, per month (from attendance_months, the
//     monthly sums triggers keep beside the daily rows);
//   - "krever vedtak": approved payroll lines (payroll_lines.needs_decision)
//     for a month of the period, counted per month in persons (months not yet
//     approved are on /reports/payroll);
//   - placements: status 'active' and started; ending = active or paused
//     with the planned end in the next 28 days;
//   - housing: as the occupancy board's first row (HousingBoard);
//   - health: open and overdue checklist items by kind, as HealthCounts;
//   - ended programmes without an end reason (all time: IMDi chases them).
//
// Speed (issue 12: 1 000 000 persons): no statement joins a unit's persons
// to their rows, and none reads a row per person (migration 000039):
// attendance, deadline breaches, hours, placements and ended programmes
// without a reason read counts per unit and month or day, health its
// counts by due-date level; caseload and programme start read the counts
// of 000035. All are kept by
// triggers in the writing transactions; the batch runs in one read-only
// transaction without parallel workers. postgres/dashboard_test.go holds
// each summary equal to the rows.

// FullTimeMinutes is a full-time week in the programme (37.5 hours).
const FullTimeMinutes = 37*60 + 30

// DashboardQuery is the dashboard's filter.
type DashboardQuery struct {
	UnitID   int64     // 0: the scope (own unit; every unit for admins)
	From, To time.Time // first days of the first and last months
	Today    time.Time
}

// periodEnd is the day after the period.
func (q DashboardQuery) periodEnd() time.Time { return domain.AddMonths(q.To, 1) }

// DashCaseworker is one caseworker's caseload (UserID 0: without one).
type DashCaseworker struct {
	UserID  int64  `db:"user_id"`
	Name    string `db:"name"`
	Persons int    `db:"persons"`
}

// DashBreach is one month's breaches of one deadline kind.
type DashBreach struct {
	Month   time.Time `db:"month"`
	Kind    string    `db:"kind"`
	Overdue int       `db:"overdue"`
	Late    int       `db:"late"`
}

// DashMonth is one month's attendance minutes and "krever vedtak" persons.
type DashMonth struct {
	Month         time.Time
	Present       int64
	Absent        int64
	NeedsDecision int
}

// AttendancePercent is Present of Present+Absent in whole per cent (-1: none registered).
func (m DashMonth) AttendancePercent() int {
	if n := m.Present + m.Absent; n > 0 {
		return int((m.Present*100 + n/2) / n)
	}
	return -1
}

// DashHours is the running participants by planned hours per week.
type DashHours struct {
	NoPlan, Under20, Under30, UnderFull, Full int
}

// Participants is every running participant.
func (h DashHours) Participants() int { return h.NoPlan + h.Under20 + h.Under30 + h.UnderFull + h.Full }

// Dashboard is every figure of the dashboard.
type Dashboard struct {
	Query    DashboardQuery
	Units    []domain.Unit // the units the user may choose
	Caseload []DashCaseworker
	Breaches []DashBreach
	// Programme start: started in the period, of them within 3 months.
	Started, StartedWithin3 int
	MedianStartDays         *float64
	Hours                   DashHours
	Months                  []DashMonth // every month of the period, in order
	ActivePlacements        int
	EndingPlacements        int
	Housing                 HousingBoardWeek
	Health                  []HealthKindCount // every kind, in checklist order
	MissingEndReason        int
}

// Reader is the pool for the dashboards and exports: the read replica's
// when DATABASE_READ_URL is set (OpenRead), else the primary.
func (db *DB) Reader() *pgxpool.Pool {
	if db.Read != nil {
		return db.Read
	}
	return db.Pool
}

// dashUnit is the dashboard's unit predicate on col for q: the chosen unit
// (which must be within the scope) or the scope.
func dashUnit(a *sqlArgs, s domain.Scope, q DashboardQuery, col string) string {
	if q.UnitID != 0 {
		return col + " = " + a.add(q.UnitID)
	}
	return a.scope(s, col)
}

// checkDashUnit refuses a unit outside the scope (ENOTFOUND).
func checkDashUnit(s domain.Scope, unitID int64) error {
	if err := s.Role.Require(domain.CapLeaderViews); err != nil {
		return err
	}
	if unitID != 0 && !s.Role.Can(domain.CapAllUnits) && unitID != s.UnitID {
		return domain.Errorf(domain.ENOTFOUND, "Fant ikke enheten.")
	}
	return nil
}

// Dashboard reads every figure in one batch on the read pool. A unit that
// does not exist yields zeros (the server checks it against Units).
func (db *DB) Dashboard(ctx context.Context, s domain.Scope, q DashboardQuery) (Dashboard, error) {
	if err := checkDashUnit(s, q.UnitID); err != nil {
		return Dashboard{}, err
	}
	d := Dashboard{Query: q}
	end := q.periodEnd()
	months := map[time.Time]*DashMonth{}
	for m := q.From; m.Before(end); m = domain.AddMonths(m, 1) {
		d.Months = append(d.Months, DashMonth{Month: m})
	}
	for i := range d.Months {
		months[d.Months[i].Month] = &d.Months[i]
	}
	// The batch is one read-only transaction: every figure from one
	// snapshot, and no parallel workers (each statement reads a summary or
	// a few index entries; starting workers cost more than they save, and
	// on a busy server they take the cores the other requests need).
	b := &pgx.Batch{}
	b.Queue(`BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY`)
	b.Queue(`SET LOCAL max_parallel_workers_per_gather = 0`)

	var ua sqlArgs
	b.Queue(`SELECT u.id, u.name FROM units u WHERE `+ua.scope(s, "u.id")+` ORDER BY u.name, u.id`, ua.list...).
		Query(func(r pgx.Rows) error {
			var err error
			d.Units, err = pgx.CollectRows(r, pgx.RowToStructByName[domain.Unit])
			return err
		})

	var ca sqlArgs
	// From caseload_counts (migration 000035: active persons per unit and
	// caseworker, 0 for none, kept by a trigger on persons).
	b.Queue(`SELECT l.caseworker_id AS user_id, coalesce(u.name, '') AS name, l.n::int AS persons
		FROM (SELECT c.caseworker_id, sum(c.n) AS n FROM caseload_counts c
			WHERE `+dashUnit(&ca, s, q, "c.unit_id")+`
			GROUP BY c.caseworker_id HAVING sum(c.n) <> 0) l
		LEFT JOIN users u ON u.id = l.caseworker_id
		ORDER BY l.caseworker_id = 0, l.n DESC, u.name, l.caseworker_id`, ca.list...).
		Query(func(r pgx.Rows) error {
			var err error
			d.Caseload, err = pgx.CollectRows(r, pgx.RowToStructByName[DashCaseworker])
			return err
		})

	var da sqlArgs
	from, to, today := da.add(q.From), da.add(end), da.add(q.Today)
	todayMonth := da.add(domain.MonthStart(q.Today))
	kinds := da.add(dashDeadlineKinds())
	// From deadline_breach_months (migration 000039: the open and late
	// deadlines counted per unit, kind, month and done, kept by triggers):
	// every open one of a month before today's is overdue; of today's month
	// those due before today, from deadline_open_days (the open ones per
	// unit, kind and due date).
	b.Queue(`SELECT x.month, x.kind, sum(x.overdue)::int AS overdue, sum(x.late)::int AS late FROM (
			SELECT c.month, c.kind, CASE WHEN NOT c.done AND c.month < `+todayMonth+`::date THEN c.n ELSE 0 END AS overdue,
				CASE WHEN c.done THEN c.n ELSE 0 END AS late
			FROM deadline_breach_months c
			WHERE c.month >= `+from+`::date AND c.month < `+to+`::date AND c.kind = ANY(`+kinds+`::text[])
			  AND `+dashUnit(&da, s, q, "c.unit_id")+`
			UNION ALL
			SELECT `+todayMonth+`::date, o.kind, o.n, 0
			FROM deadline_open_days o
			WHERE o.due_date >= greatest(`+from+`::date, `+todayMonth+`::date) AND o.due_date < least(`+to+`::date, `+today+`::date)
			  AND o.kind = ANY(`+kinds+`::text[]) AND `+dashUnit(&da, s, q, "o.unit_id")+`
		) x
		GROUP BY 1, 2 HAVING sum(x.overdue) <> 0 OR sum(x.late) <> 0 ORDER BY 1, 2`, da.list...).
		Query(func(r pgx.Rows) error {
			var err error
			d.Breaches, err = pgx.CollectRows(r, pgx.RowToStructByName[DashBreach])
			return err
		})

	// Programme start from programme_start_counts (migration 000035: counts
	// per unit, month, days from the reference date and "within 3 months",
	// kept by triggers); the median is computed from the counts.
	var pa sqlArgs
	b.Queue(`SELECT c.days, c.within3, sum(c.n)::bigint
		FROM programme_start_counts c
		WHERE c.month >= `+pa.add(q.From)+`::date AND c.month < `+pa.add(end)+`::date
		  AND `+dashUnit(&pa, s, q, "c.unit_id")+`
		GROUP BY 1, 2 HAVING sum(c.n) <> 0 ORDER BY 1`, pa.list...).
		Query(func(r pgx.Rows) error {
			var hist []startCount
			for r.Next() {
				var c startCount
				var within bool
				if err := r.Scan(&c.days, &within, &c.n); err != nil {
					return err
				}
				d.Started += int(c.n)
				if within {
					d.StartedWithin3 += int(c.n)
				}
				hist = append(hist, c)
			}
			d.MedianStartDays = medianOfCounts(hist)
			return r.Err()
		})

	// Planned hours from participant_hours_events (migration 000039: the
	// active pieces of participant_hours as events per unit and bucket,
	// +1 on the first day and -1 after the last, summed by year, month
	// and day): the events up to today are the years before, the months
	// of this year before this month and the days of this month.
	var ha sqlArgs
	ht, hm, hy := ha.add(q.Today), ha.add(domain.MonthStart(q.Today)), ha.add(time.Date(q.Today.Year(), 1, 1, 0, 0, 0, 0, time.UTC))
	b.Queue(`SELECT e.bucket, sum(e.n)::int FROM (
			SELECT h.bucket, h.n FROM participant_hours_events h
			WHERE h.level = 'y' AND h.at < `+hy+`::date AND `+dashUnit(&ha, s, q, "h.unit_id")+`
			UNION ALL
			SELECT h.bucket, h.n FROM participant_hours_events h
			WHERE h.level = 'm' AND h.at >= `+hy+`::date AND h.at < `+hm+`::date AND `+dashUnit(&ha, s, q, "h.unit_id")+`
			UNION ALL
			SELECT h.bucket, h.n FROM participant_hours_events h
			WHERE h.level = 'd' AND h.at >= `+hm+`::date AND h.at <= `+ht+`::date AND `+dashUnit(&ha, s, q, "h.unit_id")+`
		) e GROUP BY 1`, ha.list...).
		Query(func(r pgx.Rows) error {
			h := &d.Hours
			for r.Next() {
				var bucket, n int
				if err := r.Scan(&bucket, &n); err != nil {
					return err
				}
				switch bucket {
				case 0:
					h.NoPlan = n
				case 1:
					h.Under20 = n
				case 2:
					h.Under30 = n
				case 3:
					h.UnderFull = n
				case 4:
					h.Full = n
				}
			}
			return r.Err()
		})

	// Attendance from attendance_unit_months (migration 000039: minutes per
	// unit and month in a few slots, kept by triggers in the attendance
	// write's transaction), not the daily rows nor a row per participant.
	var aa sqlArgs
	b.Queue(`SELECT a.month, sum(a.present_minutes)::bigint, sum(a.absent_minutes)::bigint
		FROM attendance_unit_months a
		WHERE a.month >= `+aa.add(q.From)+`::date AND a.month < `+aa.add(end)+`::date
		  AND `+dashUnit(&aa, s, q, "a.unit_id")+`
		GROUP BY 1`, aa.list...).
		Query(func(r pgx.Rows) error {
			for r.Next() {
				var m time.Time
				var present, absent int64
				if err := r.Scan(&m, &present, &absent); err != nil {
					return err
				}
				if dm := months[m]; dm != nil {
					dm.Present, dm.Absent = present, absent
				}
			}
			return r.Err()
		})

	var ba sqlArgs
	b.Queue(`SELECT l.for_month, count(DISTINCT l.person_id)::int
		FROM payroll_lines l JOIN payroll_approvals a ON a.id = l.approval_id
		WHERE l.needs_decision AND l.for_month >= `+ba.add(q.From)+`::date AND l.for_month < `+ba.add(end)+`::date
		  AND `+dashUnit(&ba, s, q, "a.unit_id")+`
		GROUP BY 1`, ba.list...).
		Query(func(r pgx.Rows) error {
			for r.Next() {
				var m time.Time
				var n int
				if err := r.Scan(&m, &n); err != nil {
					return err
				}
				if dm := months[m]; dm != nil {
					dm.NeedsDecision = n
				}
			}
			return r.Err()
		})

	var la sqlArgs
	lt := la.add(q.Today)
	// From placement_counts (migration 000039: the active and paused
	// placements counted per unit: 'a' active, 's' active by start date, 'e'
	// by planned end; kept by triggers): active and started = 'a' less the
	// starts after today.
	b.Queue(`SELECT (coalesce(sum(c.n) FILTER (WHERE c.kind = 'a'), 0) - coalesce(sum(c.n) FILTER (WHERE c.kind = 's'), 0))::int,
			coalesce(sum(c.n) FILTER (WHERE c.kind = 'e'), 0)::int
		FROM placement_counts c
		WHERE (c.kind = 'a' OR (c.kind = 's' AND c.day > `+lt+`::date) OR (c.kind = 'e' AND c.day >= `+lt+`::date AND c.day < `+lt+`::date + 28))
		  AND `+dashUnit(&la, s, q, "c.unit_id"), la.list...).
		QueryRow(func(r pgx.Row) error { return r.Scan(&d.ActivePlacements, &d.EndingPlacements) })

	// Housing from the occupancy board's summaries (migration 000038, kept
	// by triggers): the units and those under repair per owner type, and
	// the units let today as the sum of the let periods' start (+1) and end
	// (-1) edges up to today.
	var wa sqlArgs
	wt := wa.add(q.Today)
	wu := dashUnit(&wa, s, q, "c.unit_id")
	b.Queue(`SELECT (SELECT coalesce(sum(c.repair), 0) FROM housing_unit_counts c WHERE `+wu+`)::int,
			(SELECT coalesce(sum(e.delta), 0) FROM housing_let_edges e WHERE `+dashUnit(&wa, s, q, "e.unit_id")+` AND e.day <= `+wt+`::date)::int,
			(SELECT coalesce(sum(c.units), 0) FROM housing_unit_counts c WHERE `+wu+`)::int`, wa.list...).
		QueryRow(func(r pgx.Row) error {
			var total int
			if err := r.Scan(&d.Housing.Repair, &d.Housing.Let, &total); err != nil {
				return err
			}
			d.Housing.Day, d.Housing.Free = q.Today, total-d.Housing.Repair-d.Housing.Let
			return nil
		})

	// Health from health_open_levels (migration 000039: the open items of
	// active persons per unit and kind, 't' in all and by due date on the
	// year, month and day levels, kept by triggers): open = 't', overdue =
	// the due dates before today.
	health := map[string]HealthKindCount{}
	var xa sqlArgs
	xt, xm, xy := xa.add(q.Today), xa.add(domain.MonthStart(q.Today)), xa.add(time.Date(q.Today.Year(), 1, 1, 0, 0, 0, 0, time.UTC))
	b.Queue(`SELECT e.kind, (coalesce(sum(e.n) FILTER (WHERE e.level = 't'), 0))::int AS open,
			(coalesce(sum(e.n) FILTER (WHERE e.level <> 't'), 0))::int AS overdue FROM (
			SELECT c.kind, c.level, c.n FROM health_open_levels c WHERE c.level = 't' AND `+dashUnit(&xa, s, q, "c.unit_id")+`
			UNION ALL
			SELECT c.kind, c.level, c.n FROM health_open_levels c
			WHERE c.level = 'y' AND c.at < `+xy+`::date AND `+dashUnit(&xa, s, q, "c.unit_id")+`
			UNION ALL
			SELECT c.kind, c.level, c.n FROM health_open_levels c
			WHERE c.level = 'm' AND c.at >= `+xy+`::date AND c.at < `+xm+`::date AND `+dashUnit(&xa, s, q, "c.unit_id")+`
			UNION ALL
			SELECT c.kind, c.level, c.n FROM health_open_levels c
			WHERE c.level = 'd' AND c.at >= `+xm+`::date AND c.at < `+xt+`::date AND `+dashUnit(&xa, s, q, "c.unit_id")+`
		) e GROUP BY e.kind`, xa.list...).
		Query(func(r pgx.Rows) error {
			list, err := pgx.CollectRows(r, pgx.RowToStructByName[HealthKindCount])
			for _, k := range list {
				health[k.Kind] = k
			}
			return err
		})

	var ea sqlArgs
	// From programme_no_reason_counts (migration 000039, per unit, kept by triggers).
	b.Queue(`SELECT coalesce(sum(c.n), 0)::int FROM programme_no_reason_counts c WHERE `+dashUnit(&ea, s, q, "c.unit_id"), ea.list...).
		QueryRow(func(r pgx.Row) error { return r.Scan(&d.MissingEndReason) })

	b.Queue(`COMMIT`)
	if err := db.Reader().SendBatch(ctx, b).Close(); err != nil {
		return Dashboard{}, fmt.Errorf("dashboard: %w", err)
	}
	for _, k := range domain.HealthKinds() {
		kc := health[k.Value]
		kc.Kind = k.Value
		d.Health = append(d.Health, kc)
	}
	return d, nil
}

// startCount is how many programmes started days after their reference date.
type startCount struct {
	days int
	n    int64
}

// medianOfCounts is percentile_cont(0.5) of the values in hist (ascending
// days, each n times): the middle value, or the mean of the middle two; nil
// when there are none.
func medianOfCounts(hist []startCount) *float64 {
	var total int64
	for _, c := range hist {
		total += c.n
	}
	if total <= 0 {
		return nil
	}
	at := func(i int64) float64 { // the i-th value (0-based)
		for _, c := range hist {
			if i < c.n {
				return float64(c.days)
			}
			i -= c.n
		}
		return float64(hist[len(hist)-1].days)
	}
	m := at((total - 1) / 2)
	if total%2 == 0 {
		m = (m + at(total/2)) / 2
	}
	return &m
}

// runningProgramme is the predicate of a programme running on day (a
// placeholder): granted, started, not ended.
func runningProgramme(alias, day string) string {
	return alias + ".decision = 'granted' AND " + alias + ".start_date <= " + day + "::date AND (" +
		alias + ".ended_on IS NULL OR " + alias + ".ended_on >= " + day + "::date)"
}

// dashDeadlineKinds are the deadline kinds on the dashboard: the computed
// kinds every leader may see (the health role's are in the health counts).
func dashDeadlineKinds() []string {
	var out []string
	for _, k := range domain.ComputedDeadlineKinds() {
		if r, ok := domain.DeadlineRuleOf(k); ok && !r.Health {
			out = append(out, k)
		}
	}
	return append(out, domain.KindPlacementFollowup)
}

// DashDeadlineKinds lists the kinds the dashboard counts breaches of, in order.
func DashDeadlineKinds() []string { return dashDeadlineKinds() }

// The lists behind the figures that no module lists already
// (GET /dashboard/list/{list}).
const (
	ListLateStart        = "late-start"        // started in the period more than 3 months after settlement/decision
	ListPartTime         = "part-time"         // running participants planned below full time (or without a plan)
	ListNoEndReason      = "no-end-reason"     // ended programmes without an end reason
	ListEndingPlacements = "ending-placements" // placements ending in the next 28 days
)

// DashListRow is one person of a dashboard list with the figure's detail.
type DashListRow struct {
	PersonID   int64     `db:"person_id"`
	GivenName  string    `db:"given_name"`
	FamilyName string    `db:"family_name"`
	UnitName   string    `db:"unit_name"`
	Day        time.Time `db:"day"`    // the list's date (start, end …)
	Detail     int       `db:"detail"` // the list's number (days, minutes)
}

// DashboardList reads up to limit persons behind a figure, scoped like the
// dashboard, on the read pool.
func (db *DB) DashboardList(ctx context.Context, s domain.Scope, q DashboardQuery, list string, limit int) ([]DashListRow, error) {
	if err := checkDashUnit(s, q.UnitID); err != nil {
		return nil, err
	}
	var a sqlArgs
	var sql string
	switch list {
	case ListLateStart:
		sql = `SELECT p.id AS person_id, p.given_name, p.family_name, n.name AS unit_name, pr.start_date AS day,
				(pr.start_date - coalesce(p.settlement_date, pr.decision_date))::int AS detail
			FROM programmes pr JOIN persons p ON p.id = pr.person_id JOIN units n ON n.id = p.unit_id
			WHERE pr.decision = 'granted' AND pr.start_date >= ` + a.add(q.From) + `::date AND pr.start_date < ` + a.add(q.periodEnd()) + `::date
			  AND pr.start_date > (coalesce(p.settlement_date, pr.decision_date) + interval '3 months')::date
			  AND p.status <> 'merged' AND ` + dashUnit(&a, s, q, "p.unit_id") + `
			ORDER BY detail DESC, p.id`
	case ListPartTime:
		t := a.add(q.Today)
		sql = `SELECT * FROM (SELECT p.id AS person_id, p.given_name, p.family_name, n.name AS unit_name, pr.start_date AS day,
				coalesce((SELECT sum(e.minutes_per_week) FROM plan_elements e WHERE e.plan_version_id = v.id
					AND (e.from_date IS NULL OR e.from_date <= ` + t + `::date) AND (e.to_date IS NULL OR e.to_date >= ` + t + `::date)), 0)::int AS detail
			FROM programmes pr JOIN persons p ON p.id = pr.person_id JOIN units n ON n.id = p.unit_id
			LEFT JOIN LATERAL (SELECT pv.id FROM plan_versions pv WHERE pv.person_id = pr.person_id AND pv.valid_from <= ` + t + `::date
				ORDER BY pv.valid_from DESC, pv.id DESC LIMIT 1) v ON true
			WHERE ` + runningProgramme("pr", t) + ` AND p.status = 'active' AND ` + dashUnit(&a, s, q, "p.unit_id") + `) x
			WHERE x.detail < ` + a.add(FullTimeMinutes) + `
			ORDER BY x.detail, x.person_id`
	case ListNoEndReason:
		sql = `SELECT p.id AS person_id, p.given_name, p.family_name, n.name AS unit_name, pr.ended_on AS day, 0 AS detail
			FROM programmes pr JOIN persons p ON p.id = pr.person_id JOIN units n ON n.id = p.unit_id
			WHERE pr.ended_on IS NOT NULL AND pr.end_reason = '' AND p.status <> 'merged' AND ` + dashUnit(&a, s, q, "p.unit_id") + `
			ORDER BY pr.ended_on, p.id`
	case ListEndingPlacements:
		t := a.add(q.Today)
		sql = `SELECT p.id AS person_id, p.given_name, p.family_name, n.name AS unit_name, pl.planned_end AS day, pl.minutes_per_week AS detail
			FROM placements pl JOIN persons p ON p.id = pl.person_id JOIN units n ON n.id = p.unit_id
			WHERE pl.status IN ('active', 'paused') AND pl.planned_end >= ` + t + `::date AND pl.planned_end < ` + t + `::date + 28
			  AND ` + dashUnit(&a, s, q, "p.unit_id") + `
			ORDER BY pl.planned_end, p.id`
	default:
		return nil, domain.Errorf(domain.ENOTFOUND, "Fant ikke listen.")
	}
	rows, err := db.Reader().Query(ctx, sql+` LIMIT `+fmt.Sprint(limit), a.list...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByName[DashListRow])
}
