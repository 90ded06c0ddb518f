package postgres

import (
	"context"
	"errors"
	"time"

	"ankomst/internal/domain"

	"github.com/jackc/pgx/v5"
)

// PersonPageBatch gathers the person page's reads, and the audit rows of those
// reads, into one pgx.Batch: one round trip to Postgres however many modules
// add sections (design.md, "Speed by design"). A batch runs as one implicit
// transaction, so the reads and their audit rows commit together.
//
// Use: NewPersonPage queues the person, the last-seen mark and the view
// audit row; each module's section queues its own reads (Household,
// Deadlines, Timeline, Closure …) and keeps the result pointer; LoadPersonPage
// sends the batch and fills every result. Every statement carries the scope,
// so for a person outside it nothing is read or written and Load answers
// ENOTFOUND.
type PersonPageBatch struct {
	s      domain.Scope
	id     int64
	today  time.Time
	batch  pgx.Batch
	person *domain.Person
	finish []func() // run in order after the batch, to combine results
	// writes are queued after every read, just before the implicit commit,
	// so the last-seen row lock is held for the shortest time (the same user
	// opening the same person twice at once would otherwise wait for the
	// other's reads).
	writes pgx.Batch
}

// NewPersonPage starts the batch of a person's page: the person, the user's
// last-seen mark and the view audit row.
func (db *DB) NewPersonPage(s domain.Scope, personID int64) *PersonPageBatch {
	pp := &PersonPageBatch{s: s, id: personID, today: db.today()}
	where, args := unitScope(s, "p.unit_id", 2)
	pp.batch.Queue(`SELECT `+personColumns+` FROM `+personFrom+` WHERE p.id = $1 AND `+where,
		append([]any{personID}, args...)...).Query(func(rows pgx.Rows) error {
		p, err := pgx.CollectExactlyOneRow(rows, pgx.RowToAddrOfStructByName[domain.Person])
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		pp.person = p
		return err
	})
	if s.UserID != 0 {
		where, args := unitScope(s, "p.unit_id", 3)
		pp.writes.Queue(`INSERT INTO person_last_seen (user_id, person_id, seen_at)
			SELECT $1, p.id, now() FROM persons p WHERE p.id = $2 AND `+where+`
			ON CONFLICT (user_id, person_id) DO UPDATE SET seen_at = excluded.seen_at`,
			append([]any{s.UserID, personID}, args...)...)
	}
	queueViewAudit(&pp.writes, s, domain.EntityPerson, personID)
	return pp
}

// LoadPersonPage sends the batch and returns the person (ENOTFOUND outside
// the scope); the sections' results are filled in.
func (db *DB) LoadPersonPage(ctx context.Context, pp *PersonPageBatch) (*domain.Person, error) {
	pp.batch.QueuedQueries = append(pp.batch.QueuedQueries, pp.writes.QueuedQueries...)
	pp.writes.QueuedQueries = nil
	if err := db.Pool.SendBatch(ctx, &pp.batch).Close(); err != nil {
		return nil, err
	}
	if pp.person == nil {
		return nil, domain.Errorf(domain.ENOTFOUND, "Fant ikke personen.")
	}
	for _, f := range pp.finish {
		f()
	}
	return pp.person, nil
}

// Household queues the person's current household with its members; the
// result is nil when the person has none.
func (pp *PersonPageBatch) Household() **domain.HouseholdDetail {
	out := new(*domain.HouseholdDetail)
	var a sqlArgs
	idp := a.add(pp.id)
	current := `(SELECT m.household_id FROM household_members m JOIN persons p ON p.id = m.person_id
		WHERE m.person_id = ` + idp + ` AND m.left_on IS NULL AND ` + a.scope(pp.s, "p.unit_id") + `)`
	var h *domain.Household
	pp.batch.Queue(householdSelect+` WHERE h.id = `+current, a.list...).Query(func(rows pgx.Rows) error {
		var err error
		h, err = pgx.CollectExactlyOneRow(rows, pgx.RowToAddrOfStructByName[domain.Household])
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		return err
	})
	var b sqlArgs
	idp = b.add(pp.id)
	current = `(SELECT m.household_id FROM household_members m JOIN persons p ON p.id = m.person_id
		WHERE m.person_id = ` + idp + ` AND m.left_on IS NULL AND ` + b.scope(pp.s, "p.unit_id") + `)`
	pp.batch.Queue(memberSelect+` WHERE m.household_id = `+current+` AND `+b.scope(pp.s, "p.unit_id"), b.list...).Query(func(rows pgx.Rows) error {
		ms, err := pgx.CollectRows(rows, pgx.RowToStructByName[domain.HouseholdMember])
		if err != nil || h == nil {
			return err
		}
		domain.SortMembers(ms)
		*out = &domain.HouseholdDetail{Household: *h, Members: ms}
		return nil
	})
	return out
}

// Deadlines queues the person's deadlines and tasks (PersonDeadlines' rules)
// and, for a role that sees health deadlines, the audit row of that read: one
// per page, written when the page shows any.
func (pp *PersonPageBatch) Deadlines() *[]domain.Deadline {
	out := new([]domain.Deadline)
	queueDeadlines(&pp.batch, pp.s, pp.id, pp.today, func(ds []domain.Deadline) { *out = ds })
	queueHealthReadAudit(&pp.writes, pp.s, pp.id)
	return out
}

// queueDeadlines queues a person's deadlines and tasks (PersonDeadlines'
// rules) into b; done receives them merged, by due date.
func queueDeadlines(b *pgx.Batch, s domain.Scope, personID int64, today time.Time, done func([]domain.Deadline)) {
	dsql, dargs, tsql, targs := personDeadlinesSQL(s, personID)
	var ds []deadlineRow
	b.Queue(dsql, dargs...).Query(func(rows pgx.Rows) error {
		var err error
		ds, err = pgx.CollectRows(rows, pgx.RowToStructByName[deadlineRow])
		return err
	})
	b.Queue(tsql, targs...).Query(func(rows pgx.Rows) error {
		ts, err := pgx.CollectRows(rows, pgx.RowToStructByName[deadlineRow])
		done(mergeDeadlineRows(ds, ts, today))
		return err
	})
}

// queueViewAudit queues the audit row of a read of the person's entity (the
// person page, the timeline), written only when the person is in scope.
func queueViewAudit(b *pgx.Batch, s domain.Scope, entity string, personID int64) {
	var uid *int64
	if s.UserID != 0 {
		uid = &s.UserID
	}
	where, args := unitScope(s, "p.unit_id", 7)
	entityID := "p.id"
	if entity != domain.EntityPerson {
		entityID = "NULL::bigint"
	}
	b.Queue(`INSERT INTO audit_events (user_id, user_role, action, entity, entity_id, person_id, request_id)
		SELECT $1, $2, $3, $4, `+entityID+`, p.id, $5 FROM persons p WHERE p.id = $6 AND `+where,
		append([]any{uid, string(s.Role), ActionView, entity, s.RequestID, personID}, args...)...)
}

// queueHealthReadAudit queues, for a role that sees health deadlines, the
// audit row of reading them: one per read, written when the person in scope
// has any it may see.
func queueHealthReadAudit(b *pgx.Batch, s domain.Scope, personID int64) {
	if !s.Role.Can(domain.CapReadHealth) {
		return
	}
	var uid *int64
	if s.UserID != 0 {
		uid = &s.UserID
	}
	where, args := unitScope(s, "p.unit_id", 7)
	b.Queue(`INSERT INTO audit_events (user_id, user_role, action, entity, person_id, request_id, details)
		SELECT $1, $2, $3, $4, $5, $6, '{"purpose": "`+HealthPurposeDeadlines+`"}'::jsonb WHERE EXISTS (
			SELECT 1 FROM deadlines d JOIN persons p ON p.id = d.person_id
			WHERE d.person_id = $5 AND d.kind = ANY(`+healthKindsSQL()+`) AND `+where+`
				AND (p.status = 'active' OR d.done_on IS NOT NULL))`,
		append([]any{uid, string(s.Role), ActionView, entityHealthDeadlines, personID, s.RequestID}, args...)...)
}

// healthKindsSQL is the array of health deadline kinds as a literal.
func healthKindsSQL() string {
	out := "ARRAY["
	for i, k := range domain.HealthDeadlineKinds() {
		if !validAuditAction(k) { // plain names from code
			panic("deadline kind " + k + " is not a plain name")
		}
		if i > 0 {
			out += ", "
		}
		out += "'" + k + "'"
	}
	return out + "]::text[]"
}

// Timeline queues the first page of the person's timeline (notes for roles
// that read them, audit changes); deadlines are the ones the page read
// already (Deadlines), so they are read once and a health read is audited
// once.
func (pp *PersonPageBatch) Timeline(limit int, deadlines *[]domain.Deadline) *Timeline {
	q := TimelineQuery{Limit: limit}
	if q.Limit <= 0 || q.Limit > 200 {
		q.Limit = 50
	}
	tl := &Timeline{NotesHidden: !pp.s.Role.Can(domain.CapReadNotes)}
	var notes []domain.Note
	if !tl.NotesHidden {
		sql, args := timelineNotesSQL(pp.s, pp.id, q)
		pp.batch.Queue(sql, args...).Query(func(rows pgx.Rows) error {
			var err error
			notes, err = pgx.CollectRows(rows, pgx.RowToStructByName[domain.Note])
			return err
		})
	}
	var changes []changeRow
	sql, args := timelineChangesSQL(pp.s, pp.id, q)
	pp.batch.Queue(sql, args...).Query(func(rows pgx.Rows) error {
		var err error
		changes, err = pgx.CollectRows(rows, pgx.RowToStructByName[changeRow])
		return err
	})
	pp.finish = append(pp.finish, func() {
		var ds []domain.Deadline
		if deadlines != nil {
			ds = *deadlines
		}
		tl.Items, tl.Next = domain.MergeTimeline(nil, q.Limit, notes, changeRows(changes, q.Limit), ds, pp.s.Role)
	})
	return tl
}

// Closure queues the case's status, end date and reason (PersonClosure).
func (pp *PersonPageBatch) Closure() *Closure {
	out := &Closure{}
	where, args := unitScope(pp.s, "p.unit_id", 2)
	pp.batch.Queue(`SELECT p.status, p.closed_on, p.close_reason, p.version
		FROM persons p WHERE p.id = $1 AND `+where, append([]any{pp.id}, args...)...).Query(func(rows pgx.Rows) error {
		c, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[Closure])
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		*out = c
		return err
	})
	return out
}

// ProgrammeSummary is what the person page's programme section shows: the
// programme and its pauses, the permit date and rates (for the rule set),
// the plan versions that may be in force this week with their elements, and
// this month's attendance (minutes present, minutes absent by reason).
type ProgrammeSummary struct {
	PermitDate     *time.Time
	Programme      domain.Programme // Version 0: none yet
	Pauses         []domain.Pause
	Rates          domain.RateTable
	Week           time.Time // Monday of this week
	Plans          []domain.PlanVersion
	Month          time.Time // first day of this month
	PresentMinutes int
	AbsentMinutes  map[string]int // by reason
}

// planElementRow is a plan element with its version's id.
type planElementRow struct {
	VersionID int64 `db:"plan_version_id"`
	domain.PlanElement
}

// Programme queues the programme section's reads (ProgrammeSummary), each
// scoped by the person's unit.
func (pp *PersonPageBatch) Programme() *ProgrammeSummary {
	out := &ProgrammeSummary{Programme: domain.Programme{PersonID: pp.id}, AbsentMinutes: map[string]int{}}
	out.Week = domain.WeekStart(pp.today)
	out.Month = time.Date(pp.today.Year(), pp.today.Month(), 1, 0, 0, 0, 0, time.UTC)
	friday := domain.AddDays(out.Week, 4)
	queue := func(sql string, args []any, fn func(pgx.Rows) error) {
		pp.batch.Queue(sql, args...).Query(fn)
	}
	where, args := unitScope(pp.s, "p.unit_id", 2)
	queue(`SELECT p.permit_date FROM persons p WHERE p.id = $1 AND `+where, append([]any{pp.id}, args...), func(rows pgx.Rows) error {
		d, err := pgx.CollectExactlyOneRow(rows, pgx.RowTo[*time.Time])
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		out.PermitDate = d
		return err
	})
	queue(`SELECT `+programmeColumns+` FROM programmes g JOIN persons p ON p.id = g.person_id WHERE g.person_id = $1 AND `+where,
		append([]any{pp.id}, args...), func(rows pgx.Rows) error {
			g, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[domain.Programme])
			if errors.Is(err, pgx.ErrNoRows) {
				return nil
			}
			out.Programme = g
			return err
		})
	queue(`SELECT `+pauseColumns+` FROM programme_pauses pa JOIN persons p ON p.id = pa.person_id
		WHERE pa.person_id = $1 AND `+where+` ORDER BY pa.from_date, pa.id`, append([]any{pp.id}, args...), func(rows pgx.Rows) error {
		var err error
		out.Pauses, err = pgx.CollectRows(rows, pgx.RowToStructByName[domain.Pause])
		return err
	})
	queueRateTable(&pp.batch, &out.Rates)
	// The versions that may be in force this week: the last one from before
	// Monday and any starting by Friday.
	where4, args4 := unitScope(pp.s, "p.unit_id", 4)
	weekVersions := `pv.person_id = $1 AND pv.valid_from <= $3 AND pv.valid_from >= coalesce(
			(SELECT max(valid_from) FROM plan_versions WHERE person_id = $1 AND valid_from <= $2), '-infinity'::date)`
	queue(`SELECT pv.id, pv.person_id, pv.valid_from, pv.self_study, pv.comment, pv.created_at
		FROM plan_versions pv JOIN persons p ON p.id = pv.person_id WHERE `+weekVersions+` AND `+where4,
		append([]any{pp.id, out.Week, friday}, args4...), func(rows pgx.Rows) error {
			var err error
			out.Plans, err = pgx.CollectRows(rows, pgx.RowToStructByName[domain.PlanVersion])
			return err
		})
	queue(`SELECT pe.plan_version_id, pe.id, pe.kind, pe.description, pe.minutes_per_week, pe.weekdays, pe.from_date, pe.to_date
		FROM plan_elements pe JOIN plan_versions pv ON pv.id = pe.plan_version_id JOIN persons p ON p.id = pv.person_id
		WHERE `+weekVersions+` AND `+where4+` ORDER BY pe.plan_version_id, pe.position, pe.id`,
		append([]any{pp.id, out.Week, friday}, args4...), func(rows pgx.Rows) error {
			es, err := pgx.CollectRows(rows, pgx.RowToStructByName[planElementRow])
			for _, e := range es {
				for i := range out.Plans {
					if out.Plans[i].ID == e.VersionID {
						out.Plans[i].Elements = append(out.Plans[i].Elements, e.PlanElement)
					}
				}
			}
			return err
		})
	queue(`SELECT a.reason, sum(a.present_minutes)::int AS present, sum(a.absent_minutes)::int AS absent
		FROM attendance a JOIN persons p ON p.id = a.person_id
		WHERE a.person_id = $1 AND a.day >= $2 AND a.day < $3 AND `+where4+` GROUP BY a.reason`,
		append([]any{pp.id, out.Month, domain.AddMonths(out.Month, 1)}, args4...), func(rows pgx.Rows) error {
			type row struct {
				Reason  *string `db:"reason"`
				Present int     `db:"present"`
				Absent  int     `db:"absent"`
			}
			rs, err := pgx.CollectRows(rows, pgx.RowToStructByName[row])
			for _, r := range rs {
				out.PresentMinutes += r.Present
				if r.Reason != nil {
					out.AbsentMinutes[*r.Reason] += r.Absent
				}
			}
			return err
		})
	return out
}
