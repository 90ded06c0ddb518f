package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"ankomst/internal/domain"

	"github.com/jackc/pgx/v5"
)

// Demo data for the introduction programme (demo and benchmark only, like
// the other demo loads: no audit rows, nobody registered these facts). The
// set-based parts (who takes part, the decision and its dates, pauses,
// deductions, the programme-offer deadline) are SQL over the stored persons;
// plans, groups and attendance are generated in Go (package demo) and
// copied in with COPY through a DemoProgrammeTx. Every draw is a hash of the
// person's id, so a load is the same on every run for the same persons.

// DemoProgrammeTx is one transaction of the programme demo load: all of it
// or nothing.
type DemoProgrammeTx struct {
	tx    pgx.Tx
	today time.Time
}

// DemoProgrammeCounts counts what DemoProgrammeTx.Programmes made.
type DemoProgrammeCounts struct {
	Programmes, Granted, Refused, Ended, EndedWithoutReason, Pauses, Deductions, OfferDone int64
}

// DemoProgramme runs fn in one transaction (the programme demo load).
//
// The owner (who bulk-loads) loads with the per-row triggers that keep the
// summaries of programmes, plan versions and elements off, and the
// summaries rebuilt once at the end, after ANALYZE (bulkSummaries): kept
// row by row, each copied plan element re-read its person's whole plan —
// with no statistics on the just-copied tables by sequential scans — and
// the 100 000-person load spent over 10 minutes in that one COPY.
func (db *DB) DemoProgramme(ctx context.Context, today time.Time, fn func(*DemoProgrammeTx) error) error {
	return db.BulkTx(ctx, []string{"programmes", "plan_versions", "plan_elements"}, func(tx pgx.Tx) error {
		return fn(&DemoProgrammeTx{tx: tx, today: domain.Date(today)})
	})
}

// CountProgrammes returns how many programme rows are stored, in every unit.
func (db *DB) CountProgrammes(ctx context.Context) (int64, error) {
	var n int64
	err := db.Pool.QueryRow(ctx, `SELECT count(*) FROM programmes`).Scan(&n)
	return n, err
}

// AnalyzeProgramme refreshes the planner statistics of the programme tables
// (after a bulk load), and of the households the attendance rules read
// (without them an attendance save's household statement scanned the whole
// active-member index per participant: 50 ms instead of 0.4).
func (db *DB) AnalyzeProgramme(ctx context.Context) error {
	_, err := db.Pool.Exec(ctx, `ANALYZE persons, programmes, programme_pauses, plan_versions, plan_elements,
		programme_groups, programme_group_members, attendance, benefit_deductions, deadlines, households, household_members`)
	return err
}

// demoProgrammeSQL chooses the participants and writes their programmes. Of
// the persons without a programme, settled on or before today, not merged,
// aged 18–60 at the permit, it takes (in hash order) as many as bring the
// programmes to a fifth of all persons. The permit date comes before
// arrival for those resettled or reunified (the permit is granted abroad),
// otherwise between arrival and settlement. Draws r1…r8 are hashes of the
// id. About one in eight decisions comes after the 3-month offer deadline;
// one in 33 is refused; a decision after today leaves the programme in
// mapping (no decision yet). Durations follow the end goal (domain.md):
// 6 months with upper-secondary and goal work or higher education, 30–36
// months for goal upper-secondary, 18–24 otherwise; a few are extended.
// Programmes past their planned end have ended (some ended early in work);
// one in 25 of the ended has no end reason (the product flags it). A closed
// case's programme ended at the latest on the day the case closed.
const demoProgrammeSQL = `
WITH base AS (
	SELECT p.id, p.birth_date, p.residence_basis, p.status, p.closed_on,
		p.settlement_date AS s, coalesce(p.arrival_date, p.settlement_date) AS a,
		hashint8(p.id * 16) & 2147483647 AS h0
	FROM persons p
	WHERE p.settlement_date IS NOT NULL AND p.settlement_date <= $1::date AND p.status <> 'merged'
	  AND NOT EXISTS (SELECT 1 FROM programmes g WHERE g.person_id = p.id)
), permitted AS (
	SELECT b.*, CASE WHEN b.residence_basis IN ('resettlement', 'family') THEN b.a - (30 + b.h0 % 90)::int
		ELSE b.a + ((b.s - b.a) * (20 + b.h0 % 60) / 100)::int END AS permit
	FROM base b
), chosen AS (
	SELECT c.*,
		hashint8(c.id * 16 + 1) & 2147483647 AS r1, hashint8(c.id * 16 + 2) & 2147483647 AS r2,
		hashint8(c.id * 16 + 3) & 2147483647 AS r3, hashint8(c.id * 16 + 4) & 2147483647 AS r4,
		hashint8(c.id * 16 + 5) & 2147483647 AS r5, hashint8(c.id * 16 + 6) & 2147483647 AS r6,
		hashint8(c.id * 16 + 7) & 2147483647 AS r7, hashint8(c.id * 16 + 8) & 2147483647 AS r8
	FROM permitted c
	WHERE c.birth_date <= (c.permit - interval '18 years')::date AND c.birth_date > (c.permit - interval '61 years')::date
	ORDER BY c.h0 % 200 + ($1::date - c.s), c.id
	LIMIT (SELECT greatest(0, (SELECT count(*) FROM persons WHERE ` + demoLoaded + `) / 5 - (SELECT count(*) FROM programmes)))
), decided AS (
	SELECT c.*,
		c.s + (CASE WHEN c.r1 % 100 < 12 THEN 95 + c.r2 % 75 ELSE 20 + c.r2 % 50 END)::int AS dd,
		CASE WHEN c.r5 % 100 < 40 THEN 'work' WHEN c.r5 % 100 < 55 THEN 'upper_secondary'
			WHEN c.r5 % 100 < 61 THEN 'higher_education' ELSE 'other' END AS goal
	FROM chosen c
), planned AS (
	SELECT d.*,
		dd <= $1::date AS has_decision,
		dd <= $1::date AND d.r3 % 100 < 3 AS refused,
		dd + (7 + d.r4 % 15)::int AS start,
		(goal = 'higher_education' OR (goal = 'work' AND d.r6 % 100 < 15)) AS upsec,
		CASE WHEN goal = 'higher_education' OR (goal = 'work' AND d.r6 % 100 < 15) THEN 6
			WHEN goal = 'upper_secondary' THEN 30 + (d.r7 % 7)::int
			ELSE 18 + (d.r7 % 7)::int END AS months
	FROM decided d
), extended AS (
	SELECT p.*,
		CASE WHEN months = 6 AND p.r6 % 100 >= 85 THEN 3
			WHEN months > 6 AND p.r6 % 100 >= 92 THEN 6 ELSE 0 END AS ext
	FROM planned p
), ended AS (
	SELECT e.*, (e.start + make_interval(months => e.months + e.ext))::date AS pend
	FROM extended e
), final AS (
	SELECT f.*,
		CASE WHEN NOT f.has_decision OR f.refused OR f.start >= $1::date THEN NULL
			ELSE least(
				CASE WHEN f.pend <= $1::date THEN f.pend END,
				CASE WHEN f.r8 % 100 < 6 AND f.start + 120 < $1::date
					THEN f.start + (90 + f.r8 % greatest(1, least(f.pend, $1::date) - f.start - 90))::int END,
				CASE WHEN f.status = 'closed' THEN greatest(f.start, coalesce(f.closed_on, f.start)) END)
		END AS ended_on
	FROM ended f
)
INSERT INTO programmes (person_id, mapping_done_on, mapping_by, guidance_done_on, guidance_by,
	decision, refusal_reason, decision_date, start_date, planned_end, extension_months, end_goal,
	has_upper_secondary, norwegian_goal, contract_signed_on, lives_with_parents, ended_on, end_reason, end_activity)
SELECT f.id,
	CASE WHEN f.s + (f.dd - f.s) * 35 / 100 <= $1::date THEN f.s + (f.dd - f.s) * 35 / 100 END,
	CASE WHEN f.s + (f.dd - f.s) * 35 / 100 <= $1::date THEN (ARRAY['Voksenopplæringen', 'Programrådgiver', 'Karrieresenteret'])[1 + f.r2 % 3] ELSE '' END,
	CASE WHEN f.s + (f.dd - f.s) * 65 / 100 <= $1::date THEN f.s + (f.dd - f.s) * 65 / 100 END,
	CASE WHEN f.s + (f.dd - f.s) * 65 / 100 <= $1::date THEN (ARRAY['Karrieresenteret', 'Karriere Viken', 'Programrådgiver'])[1 + f.r4 % 3] ELSE '' END,
	CASE WHEN NOT f.has_decision THEN NULL WHEN f.refused THEN 'refused' ELSE 'granted' END,
	CASE WHEN f.refused THEN (ARRAY[
		'Har takket nei til programmet for å begynne i fast arbeid.',
		'Har fullført introduksjonsprogram i en annen kommune.',
		'Har ikke rett og plikt: var over aldersgrensen da tillatelsen ble gitt.'])[1 + f.r7 % 3] ELSE '' END,
	CASE WHEN f.has_decision THEN f.dd END,
	CASE WHEN f.has_decision AND NOT f.refused THEN f.start END,
	CASE WHEN f.has_decision AND NOT f.refused THEN f.pend END,
	CASE WHEN f.has_decision AND NOT f.refused THEN f.ext ELSE 0 END,
	CASE WHEN f.has_decision AND NOT f.refused THEN f.goal END,
	f.upsec,
	CASE WHEN f.has_decision AND NOT f.refused THEN
		(ARRAY['A2 muntlig', 'B1 muntlig', 'B1 muntlig', 'B1 muntlig og skriftlig', 'B2 muntlig og skriftlig'])[1 + f.r6 % 5] ELSE '' END,
	CASE WHEN f.has_decision AND NOT f.refused AND f.dd + (f.r8 % 15)::int <= $1::date THEN f.dd + (f.r8 % 15)::int END,
	f.birth_date > (f.start - interval '25 years')::date AND f.r7 % 100 < 40,
	f.ended_on,
	CASE WHEN f.ended_on IS NULL OR f.r3 % 100 BETWEEN 3 AND 6 THEN ''
		WHEN f.goal IN ('upper_secondary', 'higher_education') THEN 'utdanning'
		WHEN f.status = 'closed' AND f.r5 % 3 = 0 THEN 'flyttet'
		WHEN f.goal = 'other' AND f.r5 % 4 = 0 THEN 'fullført uten overgang'
		ELSE 'arbeid' END,
	CASE WHEN f.ended_on IS NULL OR f.r3 % 100 BETWEEN 3 AND 6 THEN ''
		WHEN f.goal IN ('upper_secondary', 'higher_education') THEN 'utdanning'
		WHEN f.status = 'closed' AND f.r5 % 3 = 0 THEN 'ukjent'
		WHEN f.goal = 'other' AND f.r5 % 4 = 0 THEN 'arbeidssøker'
		ELSE (ARRAY['arbeid heltid', 'arbeid deltid', 'arbeid heltid'])[1 + f.r4 % 3] END
FROM final f`

// demoPermitSQL gives the new participants their permit date (the same
// arithmetic as demoProgrammeSQL).
const demoPermitSQL = `
UPDATE persons p SET permit_date = CASE WHEN p.residence_basis IN ('resettlement', 'family')
		THEN coalesce(p.arrival_date, p.settlement_date) - (30 + (hashint8(p.id * 16) & 2147483647) % 90)::int
		ELSE coalesce(p.arrival_date, p.settlement_date) + ((p.settlement_date - coalesce(p.arrival_date, p.settlement_date))
			* (20 + (hashint8(p.id * 16) & 2147483647) % 60) / 100)::int END
FROM programmes g
WHERE g.person_id = p.id AND p.permit_date IS NULL`

// demoPausesSQL: about one in 25 running programmes (started over 120 days
// ago) has had a leave or an interruption; a leave moves the planned end by
// its length. A pause still running today has no end date.
const demoPausesSQL = `
WITH made AS (
	INSERT INTO programme_pauses (person_id, kind, reason, from_date, to_date)
	SELECT x.person_id, x.kind, x.reason, x.from_date, CASE WHEN x.to_date < $1::date THEN x.to_date END
	FROM (
		SELECT g.person_id,
			CASE WHEN h % 4 = 0 THEN 'interruption' ELSE 'leave' END AS kind,
			CASE WHEN h % 4 = 0 THEN (ARRAY['Avbrudd: langvarig sykdom.', 'Stans etter gjentatt ugyldig fravær.'])[1 + h % 2]
				ELSE (ARRAY['Foreldrepermisjon.', 'Velferdspermisjon: dødsfall i nær familie.', 'Permisjon for sommerjobb.'])[1 + h % 3] END AS reason,
			g.start_date + (60 + h % greatest(1, $1::date - g.start_date - 90))::int AS from_date,
			g.start_date + (60 + h % greatest(1, $1::date - g.start_date - 90))::int + (9 + h % 40)::int AS to_date
		FROM (SELECT person_id, start_date, hashint8(person_id * 16 + 9) & 2147483647 AS h FROM programmes
			WHERE decision = 'granted' AND ended_on IS NULL AND start_date + 120 < $1::date) g
		WHERE g.h % 100 < 4
		  AND NOT EXISTS (SELECT 1 FROM programme_pauses q WHERE q.person_id = g.person_id)
	) x
	RETURNING person_id, kind, from_date, to_date
)
UPDATE programmes g SET planned_end = g.planned_end + (m.to_date - m.from_date + 1)
FROM made m
WHERE m.person_id = g.person_id AND m.kind = 'leave' AND m.to_date IS NOT NULL`

// demoDeductionsSQL: about one in 30 running participants had another
// benefit (dagpenger, sykepenger …) deducted in one of the last three months.
const demoDeductionsSQL = `
INSERT INTO benefit_deductions (person_id, month, amount_ore, description)
SELECT g.person_id,
	(date_trunc('month', $1::date) - make_interval(months => 1 + (h % 3)::int))::date,
	150000 + (h % 6000) * 100,
	(ARRAY['Dagpenger fra NAV', 'Sykepenger fra NAV', 'Foreldrepenger fra NAV', 'Dagpenger fra NAV'])[1 + h % 4]
FROM (SELECT person_id, hashint8(person_id * 16 + 10) & 2147483647 AS h FROM programmes
	WHERE decision = 'granted' AND ended_on IS NULL AND start_date < date_trunc('month', $1::date) - interval '3 months') g
WHERE g.h % 30 = 0
  AND NOT EXISTS (SELECT 1 FROM benefit_deductions b WHERE b.person_id = g.person_id)`

// demoOfferDoneSQL marks each participant's programme-offer deadline done on
// the decision date (after the due date where the decision came late), and
// open where no decision is made yet.
const demoOfferDoneSQL = `
UPDATE deadlines d SET done_on = CASE WHEN g.decision_date <= $1::date THEN g.decision_date END, done_by = NULL
FROM programmes g
WHERE d.person_id = g.person_id AND d.kind = 'programme_offer'
  AND d.done_on IS DISTINCT FROM CASE WHEN g.decision_date <= $1::date THEN g.decision_date END`

// Programmes chooses the participants among the persons without a
// programme and writes their programmes, permit dates, pauses, deductions
// and programme-offer deadlines; it returns the counts over all stored
// programmes.
func (t *DemoProgrammeTx) Programmes(ctx context.Context) (DemoProgrammeCounts, error) {
	var c DemoProgrammeCounts
	for _, q := range []string{demoProgrammeSQL, demoPermitSQL, demoPausesSQL, demoDeductionsSQL, demoOfferDoneSQL} {
		args := []any{t.today}
		if q == demoPermitSQL {
			args = nil
		}
		if _, err := t.tx.Exec(ctx, q, args...); err != nil {
			return c, err
		}
	}
	err := t.tx.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE decision = 'granted'), count(*) FILTER (WHERE decision = 'refused'),
			count(ended_on), count(*) FILTER (WHERE ended_on IS NOT NULL AND end_reason = ''),
			(SELECT count(*) FROM programme_pauses), (SELECT count(*) FROM benefit_deductions),
			(SELECT count(*) FROM deadlines d WHERE d.kind = 'programme_offer' AND d.done_on IS NOT NULL
				AND EXISTS (SELECT 1 FROM programmes g WHERE g.person_id = d.person_id AND g.decision_date = d.done_on))
		FROM programmes`).Scan(&c.Programmes, &c.Granted, &c.Refused, &c.Ended, &c.EndedWithoutReason, &c.Pauses, &c.Deductions, &c.OfferDone)
	return c, err
}

// DemoParticipant is a granted participant without a weekly plan yet: what
// the generator needs to draw plans, groups and attendance.
type DemoParticipant struct {
	PersonID   int64
	UnitID     int64
	Language   string // the first language
	Start      time.Time
	PlannedEnd time.Time
	Ended      *time.Time
	EndGoal    string
	// Pauses: leave and interruption, To nil while running.
	Pauses []DemoPause
}

// DemoPause is one leave or interruption.
type DemoPause struct {
	From time.Time
	To   *time.Time
}

// Participants returns the granted participants (start date set) who have
// no plan version yet, in person order.
func (t *DemoProgrammeTx) Participants(ctx context.Context) ([]DemoParticipant, error) {
	rows, err := t.tx.Query(ctx, `
		SELECT g.person_id, p.unit_id, coalesce(p.languages[1], ''), g.start_date, g.planned_end, g.ended_on, g.end_goal,
			coalesce((SELECT array_agg(q.from_date ORDER BY q.from_date) FROM programme_pauses q WHERE q.person_id = g.person_id), '{}'),
			coalesce((SELECT array_agg(coalesce(q.to_date, '9999-12-31'::date) ORDER BY q.from_date) FROM programme_pauses q WHERE q.person_id = g.person_id), '{}')
		FROM programmes g JOIN persons p ON p.id = g.person_id
		WHERE g.decision = 'granted' AND g.start_date IS NOT NULL AND g.planned_end IS NOT NULL AND p.status <> 'merged'
		  AND NOT EXISTS (SELECT 1 FROM plan_versions v WHERE v.person_id = g.person_id)
		ORDER BY g.person_id`)
	if err != nil {
		return nil, err
	}
	var out []DemoParticipant
	var d DemoParticipant
	var froms []time.Time
	var tos []time.Time
	_, err = pgx.ForEachRow(rows, []any{&d.PersonID, &d.UnitID, &d.Language, &d.Start, &d.PlannedEnd, &d.Ended, &d.EndGoal, &froms, &tos}, func() error {
		p := d
		p.Pauses = nil
		for i := range froms {
			q := DemoPause{From: froms[i]}
			if i < len(tos) && tos[i].Year() < 9999 {
				to := tos[i]
				q.To = &to
			}
			p.Pauses = append(p.Pauses, q)
		}
		out = append(out, p)
		return nil
	})
	return out, err
}

// DemoPlanVersion is a plan version to copy, with its elements.
type DemoPlanVersion struct {
	PersonID  int64
	ValidFrom time.Time
	SelfStudy bool
	Comment   string
	Elements  []domain.PlanElement
}

// CopyPlans copies plan versions and their elements. It sets each version's
// ID (reserved from the sequence) in place and returns the numbers copied.
func (t *DemoProgrammeTx) CopyPlans(ctx context.Context, versions []DemoPlanVersion, ids []int64) (nv, ne int64, err error) {
	if len(versions) == 0 {
		return 0, 0, nil
	}
	if len(ids) != len(versions) {
		return 0, 0, errors.New("copy plans: one id per version")
	}
	var first int64
	if err := t.tx.QueryRow(ctx, `SELECT nextval(pg_get_serial_sequence('plan_versions', 'id'))`).Scan(&first); err != nil {
		return 0, 0, err
	}
	if _, err := t.tx.Exec(ctx, `SELECT setval(pg_get_serial_sequence('plan_versions', 'id'), $1)`, first+int64(len(versions))-1); err != nil {
		return 0, 0, err
	}
	for i := range ids {
		ids[i] = first + int64(i)
	}
	if _, err := t.tx.Exec(ctx, `CREATE TEMP TABLE demo_plan_versions (id bigint, person_id bigint, valid_from date, self_study boolean, comment text) ON COMMIT DROP`); err != nil {
		return 0, 0, err
	}
	i := 0
	nv, err = t.tx.CopyFrom(ctx, pgx.Identifier{"demo_plan_versions"}, []string{"id", "person_id", "valid_from", "self_study", "comment"},
		pgx.CopyFromFunc(func() ([]any, error) {
			if i == len(versions) {
				return nil, nil
			}
			v := &versions[i]
			i++
			return []any{ids[i-1], v.PersonID, v.ValidFrom, v.SelfStudy, v.Comment}, nil
		}))
	if err != nil {
		return 0, 0, fmt.Errorf("copy plan versions: %w", err)
	}
	if _, err := t.tx.Exec(ctx, `INSERT INTO plan_versions (id, person_id, valid_from, self_study, comment) OVERRIDING SYSTEM VALUE
		SELECT id, person_id, valid_from, self_study, comment FROM demo_plan_versions ORDER BY id`); err != nil {
		return 0, 0, err
	}
	vi, ei := 0, 0
	ne, err = t.tx.CopyFrom(ctx, pgx.Identifier{"plan_elements"},
		[]string{"plan_version_id", "kind", "description", "minutes_per_week", "weekdays", "from_date", "to_date", "position"},
		pgx.CopyFromFunc(func() ([]any, error) {
			for vi < len(versions) && ei == len(versions[vi].Elements) {
				vi, ei = vi+1, 0
			}
			if vi == len(versions) {
				return nil, nil
			}
			e := &versions[vi].Elements[ei]
			ei++
			return []any{ids[vi], e.Kind, e.Description, e.MinutesPerWeek, e.Weekdays, e.From, e.To, ei - 1}, nil
		}))
	if err != nil {
		return nv, 0, fmt.Errorf("copy plan elements: %w", err)
	}
	return nv, ne, nil
}

// DemoGroup is a group to create, with its members.
type DemoGroup struct {
	UnitID   int64
	Name     string
	Contact  string
	Weekdays []int16
	Members  []DemoGroupMember
}

// DemoGroupMember is one member of a DemoGroup.
type DemoGroupMember struct {
	PersonID int64
	Joined   time.Time
}

// CreateGroups creates the groups whose name is free in their unit (an
// active group of the same name is left alone) and copies their members; it
// returns the numbers of groups and members made.
func (t *DemoProgrammeTx) CreateGroups(ctx context.Context, groups []DemoGroup) (ng, nm int64, err error) {
	var members [][]any
	for _, g := range groups {
		var id int64
		err := t.tx.QueryRow(ctx, `INSERT INTO programme_groups (unit_id, name, contact, weekdays) VALUES ($1, $2, $3, $4)
			ON CONFLICT (unit_id, lower(name)) WHERE active DO NOTHING RETURNING id`, g.UnitID, g.Name, g.Contact, g.Weekdays).Scan(&id)
		if errors.Is(err, pgx.ErrNoRows) {
			continue
		}
		if err != nil {
			return ng, 0, err
		}
		ng++
		for _, m := range g.Members {
			members = append(members, []any{id, m.PersonID, m.Joined})
		}
	}
	nm, err = t.tx.CopyFrom(ctx, pgx.Identifier{"programme_group_members"}, []string{"group_id", "person_id", "joined_on"}, pgx.CopyFromRows(members))
	return ng, nm, err
}

// DemoAttendance is one participant's day.
type DemoAttendance struct {
	PersonID       int64
	Day            time.Time
	PresentMinutes int
	AbsentMinutes  int
	Reason         string // "" when nothing is absent
}

// CopyAttendance copies the attendance rows next returns until it returns
// false, in one COPY (streamed: nothing is held in memory). When the role
// owns the table, its per-row triggers are skipped for the load: the
// merged-person check (the participants are never merged registrations:
// Participants leaves them out) and the attendance_months summary, which is
// then added to once, grouped, from the rows this transaction copied (row
// by row it was one upsert per day of attendance: millions at bench
// scale). The table is locked for the transaction meanwhile, and a
// rollback restores the triggers with the rest.
func (t *DemoProgrammeTx) CopyAttendance(ctx context.Context, next func() (DemoAttendance, bool, error)) (int64, error) {
	var owner bool
	if err := t.tx.QueryRow(ctx, `SELECT pg_has_role(current_user, relowner, 'USAGE') FROM pg_class WHERE oid = 'attendance'::regclass`).Scan(&owner); err != nil {
		return 0, err
	}
	if owner {
		for _, trg := range []string{"attendance_refuse_merged", "attendance_months_keep"} {
			if _, err := t.tx.Exec(ctx, `ALTER TABLE attendance DISABLE TRIGGER `+trg); err != nil {
				return 0, err
			}
		}
	}
	n, err := t.tx.CopyFrom(ctx, pgx.Identifier{"attendance"}, []string{"person_id", "day", "present_minutes", "absent_minutes", "reason"},
		pgx.CopyFromFunc(func() ([]any, error) {
			a, ok, err := next()
			if err != nil || !ok {
				return nil, err
			}
			var reason *string
			if a.Reason != "" {
				reason = &a.Reason
			}
			return []any{a.PersonID, a.Day, a.PresentMinutes, a.AbsentMinutes, reason}, nil
		}))
	if err != nil {
		return n, fmt.Errorf("copy attendance: %w", err)
	}
	if !owner {
		return n, nil
	}
	// The rows this transaction wrote are those whose xmin is its own id
	// (the load runs no subtransactions).
	if _, err := t.tx.Exec(ctx, `INSERT INTO attendance_months AS m (person_id, month, unit_id, present_minutes, absent_minutes)
		SELECT a.person_id, date_trunc('month', a.day)::date, p.unit_id, sum(a.present_minutes), sum(a.absent_minutes)
		FROM attendance a JOIN persons p ON p.id = a.person_id
		WHERE a.xmin = pg_current_xact_id()::xid
		GROUP BY 1, 2, 3
		ON CONFLICT (person_id, month) DO UPDATE
			SET present_minutes = m.present_minutes + excluded.present_minutes,
				absent_minutes = m.absent_minutes + excluded.absent_minutes`); err != nil {
		return n, fmt.Errorf("attendance months: %w", err)
	}
	for _, trg := range []string{"attendance_refuse_merged", "attendance_months_keep"} {
		if _, err := t.tx.Exec(ctx, `ALTER TABLE attendance ENABLE TRIGGER `+trg); err != nil {
			return n, err
		}
	}
	return n, nil
}

// DemoBenchCaseload gives the caseworker with this e-mail exactly n active
// persons of their unit, at least min(30, n) of them running participants
// of one group (the group of the unit with the most running participants),
// so the attendance grid has a group of 25 to measure; the rest are the
// unit's most recently settled active persons. It is idempotent: run again
// it changes nothing. It returns the group's id and name, how many of its
// members the caseworker has and how many active persons in all.
func (db *DB) DemoBenchCaseload(ctx context.Context, email string, n int) (groupID int64, group string, members, have int, err error) {
	err = db.WithTx(ctx, func(tx pgx.Tx) error {
		var uid, unit int64
		if err := tx.QueryRow(ctx, `SELECT id, unit_id FROM users WHERE lower(email) = lower($1)`, email).Scan(&uid, &unit); err != nil {
			return mapError(err)
		}
		const running = `JOIN persons p ON p.id = m.person_id AND p.status = 'active'
			JOIN programmes g ON g.person_id = m.person_id AND g.decision = 'granted' AND g.ended_on IS NULL AND g.start_date <= $2::date`
		err := tx.QueryRow(ctx, `SELECT gr.id, gr.name FROM programme_groups gr JOIN programme_group_members m ON m.group_id = gr.id AND m.left_on IS NULL `+running+`
			WHERE gr.unit_id = $1 AND gr.active GROUP BY gr.id ORDER BY count(*) DESC, gr.id LIMIT 1`, unit, db.today()).Scan(&groupID, &group)
		if err != nil {
			if errors.Is(err, pgx.ErrNoRows) {
				return errors.New("no group with running participants in the caseworker's unit (load the demo first)")
			}
			return err
		}
		want := min(30, n)
		// The group's running members first, then the unit's most recently
		// settled active persons, keeping those the caseworker has.
		_, err = tx.Exec(ctx, `
			WITH grp AS (
				SELECT m.person_id FROM programme_group_members m `+running+`
				WHERE m.group_id = $3 AND m.left_on IS NULL ORDER BY m.person_id LIMIT $4
			), keep AS (
				SELECT id FROM (
					SELECT p.id, row_number() OVER (ORDER BY (p.id IN (SELECT person_id FROM grp)) DESC,
						(p.caseworker_id = $5) DESC, p.settlement_date DESC NULLS LAST, p.id) AS rn
					FROM persons p WHERE p.unit_id = $1 AND p.status = 'active'
				) x WHERE rn <= $6
			)
			UPDATE persons p SET caseworker_id = CASE WHEN p.id IN (SELECT id FROM keep) THEN $5 ELSE NULL END
			WHERE (p.caseworker_id = $5 AND p.id NOT IN (SELECT id FROM keep))
			   OR (p.id IN (SELECT id FROM keep) AND p.caseworker_id IS DISTINCT FROM $5)`,
			unit, db.today(), groupID, want, uid, n)
		if err != nil {
			return err
		}
		return tx.QueryRow(ctx, `SELECT count(*) FILTER (WHERE EXISTS (SELECT 1 FROM programme_group_members m
				WHERE m.group_id = $1 AND m.person_id = p.id AND m.left_on IS NULL)), count(*)
			FROM persons p WHERE p.caseworker_id = $2 AND p.status = 'active'`, groupID, uid).Scan(&members, &have)
	})
	return groupID, group, members, have, err
}
