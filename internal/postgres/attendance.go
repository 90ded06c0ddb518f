package postgres

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"slices"
	"time"

	"ankomst/internal/domain"

	"github.com/jackc/pgx/v5"
)

// Attendance (attendance, migration 000013): one row per participant and
// day, read and written a week at a time. The grid is read in one pgx.Batch
// (one round trip); a week is saved in one transaction of four round trips
// (the batch of what the rules need, with the week's rows locked; one
// set-based write; one insert of the audit rows; the commit), whatever the
// number of participants. Rows are found by their primary key (person_id,
// day) ranges; absences with a reason by the partial index of migration
// 000016.

// AttendanceSelection says whose rows a grid shows: a group's members, or
// the user's caseload ("mine deltakere").
type AttendanceSelection struct {
	GroupID int64 // 0: the user's caseload
	Monday  time.Time
}

// AttendanceGrid is what the weekly grid shows.
type AttendanceGrid struct {
	Monday       time.Time
	Group        *domain.Group // nil for the caseload
	Groups       []domain.Group
	Rates        domain.RateTable
	Participants []*domain.AttendanceParticipant
}

// AttendanceConflictError answers a save where cells were changed by
// someone else since the grid was loaded; nothing was saved.
type AttendanceConflictError = ConflictError[[]domain.AttendanceConflict]

// participantsCTE selects the participants of a week: persons in scope with
// a granted programme active some day of the week (start ≤ Friday, not
// ended before Monday), narrowed by sel ("" for none). It is the first part
// of every statement of the grid and of a save, so one batch needs no ids
// from an earlier answer.
func participantsCTE(a *sqlArgs, s domain.Scope, monday time.Time, sel string) string {
	mon, fri := a.add(monday), a.add(domain.AddDays(monday, 4))
	return `WITH part AS (
		SELECT p.id, p.given_name, p.family_name, pr.start_date, pr.ended_on
		FROM persons p JOIN programmes pr ON pr.person_id = p.id
		WHERE pr.decision = 'granted' AND pr.start_date <= ` + fri + `::date
		  AND (pr.ended_on IS NULL OR pr.ended_on >= ` + mon + `::date)
		  AND p.status <> 'merged' AND ` + a.scope(s, "p.unit_id") + sel + `)`
}

// selectionSQL narrows the participants to a group's members in the week
// or to the user's caseload.
func selectionSQL(a *sqlArgs, s domain.Scope, sel AttendanceSelection) string {
	if sel.GroupID == 0 {
		return ` AND p.caseworker_id = ` + a.add(s.UserID)
	}
	g := a.add(sel.GroupID)
	mon, fri := a.add(sel.Monday), a.add(domain.AddDays(sel.Monday, 4))
	return ` AND EXISTS (SELECT 1 FROM programme_group_members m WHERE m.group_id = ` + g + ` AND m.person_id = p.id
		AND m.joined_on <= ` + fri + `::date AND (m.left_on IS NULL OR m.left_on >= ` + mon + `::date))`
}

// weekReads queues the reads a grid and a save share into b, for the
// participants part selects (built by cte on fresh arguments each time).
// The results are filled into parts (by person id, in name order in list)
// when the batch has run.
type weekReads struct {
	list  []*domain.AttendanceParticipant
	byID  map[int64]*domain.AttendanceParticipant
	plans map[int64]*domain.PlanVersion
}

func (w *weekReads) queue(b *pgx.Batch, monday time.Time, cte func(a *sqlArgs) string, lock bool) {
	w.byID = map[int64]*domain.AttendanceParticipant{}
	w.plans = map[int64]*domain.PlanVersion{}
	fri := domain.AddDays(monday, 4)

	var a sqlArgs
	sql := cte(&a) + ` SELECT id, given_name || ' ' || family_name, start_date, ended_on FROM part ORDER BY family_name, given_name, id`
	b.Queue(sql, a.list...).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			p := &domain.AttendanceParticipant{}
			if err := rows.Scan(&p.PersonID, &p.Name, &p.Start, &p.Ended); err != nil {
				return err
			}
			w.list = append(w.list, p)
			w.byID[p.PersonID] = p
		}
		return rows.Err()
	})

	// The week's rows (locked when saving).
	a = sqlArgs{}
	sql = cte(&a) + ` SELECT a.person_id, a.day, a.present_minutes, a.absent_minutes, coalesce(a.reason, '') AS reason, a.version
		FROM part JOIN attendance a ON a.person_id = part.id AND a.day BETWEEN ` + a.add(monday) + ` AND ` + a.add(fri)
	if lock {
		// Locked in one order (person, day) so two saves of groups that share
		// participants wait for each other instead of deadlocking.
		sql += ` ORDER BY a.person_id, a.day FOR UPDATE OF a`
	}
	b.Queue(sql, a.list...).Query(func(rows pgx.Rows) error {
		es, err := pgx.CollectRows(rows, pgx.RowToStructByName[domain.AttendanceEntry])
		for _, e := range es {
			if p := w.byID[e.PersonID]; p != nil {
				p.Stored = append(p.Stored, e)
			}
		}
		return err
	})

	// The plan versions that can be in force in the week: the last one from
	// Monday or before, and any from within the week; then their elements.
	planCTE := func(a *sqlArgs) string {
		return cte(a) + `, pv AS (
			SELECT v.id, v.person_id, v.valid_from, v.self_study FROM part JOIN plan_versions v ON v.person_id = part.id
			WHERE v.valid_from <= ` + a.add(fri) + `::date AND v.valid_from >= coalesce((SELECT max(v2.valid_from) FROM plan_versions v2
				WHERE v2.person_id = part.id AND v2.valid_from <= ` + a.add(monday) + `::date), '-infinity'::date))`
	}
	a = sqlArgs{}
	b.Queue(planCTE(&a)+` SELECT id, person_id, valid_from, self_study FROM pv ORDER BY person_id, valid_from, id`, a.list...).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			var v domain.PlanVersion
			if err := rows.Scan(&v.ID, &v.PersonID, &v.ValidFrom, &v.SelfStudy); err != nil {
				return err
			}
			if p := w.byID[v.PersonID]; p != nil {
				p.Plans = append(p.Plans, v)
			}
		}
		return rows.Err()
	})
	a = sqlArgs{}
	b.Queue(planCTE(&a)+` SELECT pv.person_id, e.plan_version_id, e.id, e.kind, e.description, e.minutes_per_week, e.weekdays, e.from_date, e.to_date
		FROM pv JOIN plan_elements e ON e.plan_version_id = pv.id ORDER BY e.plan_version_id, e.position, e.id`, a.list...).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			var pid, vid int64
			var e domain.PlanElement
			if err := rows.Scan(&pid, &vid, &e.ID, &e.Kind, &e.Description, &e.MinutesPerWeek, &e.Weekdays, &e.From, &e.To); err != nil {
				return err
			}
			if p := w.byID[pid]; p != nil {
				for i := range p.Plans {
					if p.Plans[i].ID == vid {
						p.Plans[i].Elements = append(p.Plans[i].Elements, e)
					}
				}
			}
		}
		return rows.Err()
	})
	w.queuePlacements(b, monday, cte)
}

// queuePlacements queues, into a grid's or a save's batch, the
// participants' placements that hold some day of the week: their minutes
// count in the expected minutes (domain.DayMinutes).
func (w *weekReads) queuePlacements(b *pgx.Batch, monday time.Time, cte func(a *sqlArgs) string) {
	var a sqlArgs
	sql := cte(&a) + ` ` + placementSelect + ` JOIN part ON part.id = pl.person_id
		WHERE pl.start_date <= ` + a.add(domain.AddDays(monday, 4)) + `::date AND coalesce(pl.ended_on, pl.planned_end) >= ` + a.add(monday) + `::date
		  AND (pl.status IN ('planned', 'active', 'paused') OR pl.ended_on IS NOT NULL)
		ORDER BY pl.person_id, pl.start_date, pl.id`
	b.Queue(sql, a.list...).Query(func(rows pgx.Rows) error {
		ps, err := pgx.CollectRows(rows, pgx.RowToStructByName[domain.Placement])
		for _, p := range ps {
			if part := w.byID[p.PersonID]; part != nil {
				part.Placements = append(part.Placements, p)
			}
		}
		return err
	})
}

// yearBounds are the first day of the year of monday's week's Thursday (the
// ISO week's year) and of the year after.
func yearBounds(monday time.Time) (time.Time, time.Time) {
	y := domain.AddDays(monday, 3).Year()
	return time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(y+1, 1, 1, 0, 0, 0, 0, time.UTC)
}

// AttendanceWeekGrid reads the weekly grid: the group (in scope, or
// ENOTFOUND) or the user's caseload, the unit's groups for the picker, the
// rates, and per participant the programme period, the plan versions of the
// week, the week's rows and the holiday days used in the year. One batch,
// one round trip.
func (db *DB) AttendanceWeekGrid(ctx context.Context, s domain.Scope, sel AttendanceSelection) (*AttendanceGrid, error) {
	if err := s.Role.Require(domain.CapProgramme); err != nil {
		return nil, err
	}
	g := &AttendanceGrid{Monday: sel.Monday}
	b := &pgx.Batch{}
	var groupErr error
	if sel.GroupID != 0 {
		var a sqlArgs
		idp := a.add(sel.GroupID)
		b.Queue(groupSelect+` WHERE g.id = `+idp+` AND `+a.scope(s, "g.unit_id"), a.list...).Query(func(rows pgx.Rows) error {
			grp, err := pgx.CollectExactlyOneRow(rows, pgx.RowToAddrOfStructByName[domain.Group])
			if errors.Is(err, pgx.ErrNoRows) {
				groupErr = domain.Errorf(domain.ENOTFOUND, groupNotFound)
				return nil
			}
			g.Group = grp
			return err
		})
	}
	var a sqlArgs
	b.Queue(groupSelect+` WHERE g.active AND `+a.scope(s, "g.unit_id")+` ORDER BY lower(g.name), g.id`, a.list...).Query(func(rows pgx.Rows) error {
		gs, err := pgx.CollectRows(rows, pgx.RowToStructByName[domain.Group])
		g.Groups = gs
		return err
	})
	queueRateTable(b, &g.Rates)
	cte := func(a *sqlArgs) string {
		return participantsCTE(a, s, sel.Monday, selectionSQL(a, s, sel))
	}
	var w weekReads
	w.queue(b, sel.Monday, cte, false)
	from, to := yearBounds(sel.Monday)
	a = sqlArgs{}
	b.Queue(cte(&a)+` SELECT a.person_id, count(*)::int FROM part JOIN attendance a ON a.person_id = part.id
		WHERE a.reason = 'holiday' AND a.day >= `+a.add(from)+` AND a.day < `+a.add(to)+` GROUP BY a.person_id`, a.list...).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			var pid int64
			var n int
			if err := rows.Scan(&pid, &n); err != nil {
				return err
			}
			if p := w.byID[pid]; p != nil {
				p.HolidayUsed = n
			}
		}
		return rows.Err()
	})
	if err := db.Pool.SendBatch(ctx, b).Close(); err != nil {
		return nil, err
	}
	if groupErr != nil {
		return nil, groupErr
	}
	g.Participants = w.list
	return g, nil
}

// AttendanceSave is the outcome of a saved week.
type AttendanceSave struct {
	Changed      int // cells written
	Participants int // participants whose week changed (one audit row each)
}

// SaveAttendanceWeek saves a posted week in one transaction with its audit
// rows: every posted participant must be in scope with a granted programme
// in the week (else ENOTFOUND, nothing saved); the cells are checked by
// domain.CheckAttendanceWeek against the stored rows (locked), the plans,
// the stored absences and the household (an EINVALID error, nothing saved);
// a changed cell that someone else saved since it was loaded makes an
// *AttendanceConflictError (nothing saved). Unchanged cells are not
// written: posting the same form twice writes nothing the second time.
func (db *DB) SaveAttendanceWeek(ctx context.Context, s domain.Scope, monday time.Time, cells []domain.AttendanceCellForm) (AttendanceSave, error) {
	var res AttendanceSave
	if err := s.Role.Require(domain.CapProgramme); err != nil {
		return res, err
	}
	var ids []int64
	for _, c := range cells {
		if !slices.Contains(ids, c.PersonID) {
			ids = append(ids, c.PersonID)
		}
	}
	if len(ids) == 0 {
		return res, nil
	}
	err := db.WithTx(ctx, func(tx pgx.Tx) error {
		b := &pgx.Batch{}
		var rates domain.RateTable
		queueRateTable(b, &rates)
		cte := func(a *sqlArgs) string {
			return participantsCTE(a, s, monday, ` AND p.id = ANY(`+a.add(ids)+`::bigint[])`)
		}
		var w weekReads
		w.queue(b, monday, cte, true)
		// Stored absences with a day-limited reason outside the week: from
		// 12 months and a week before the week (self-certified spells) or
		// the start of the year, to a week after it or the end of the year.
		fri := domain.AddDays(monday, 4)
		from := time.Date(monday.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
		if d := domain.AddDays(domain.AddMonths(fri, -12), -7); d.Before(from) {
			from = d
		}
		to := time.Date(fri.Year()+1, 1, 1, 0, 0, 0, 0, time.UTC)
		if d := domain.AddDays(fri, 8); d.After(to) {
			to = d
		}
		var a sqlArgs
		b.Queue(cte(&a)+` SELECT a.person_id, a.day, a.present_minutes, a.absent_minutes, a.reason, a.version
			FROM part JOIN attendance a ON a.person_id = part.id
			WHERE a.reason IN ('self_certified', 'sick_child', 'holiday') AND a.day >= `+a.add(from)+` AND a.day < `+a.add(to)+`
			  AND (a.day < `+a.add(monday)+` OR a.day > `+a.add(fri)+`)`, a.list...).Query(func(rows pgx.Rows) error {
			es, err := pgx.CollectRows(rows, pgx.RowToStructByName[domain.AttendanceEntry])
			for _, e := range es {
				if p := w.byID[e.PersonID]; p != nil {
					p.History = append(p.History, e)
				}
			}
			return err
		})
		// The household: children under 12 and other adults (18 or older)
		// among the other active members of the participant's household.
		a = sqlArgs{}
		b.Queue(cte(&a)+` SELECT part.id,
				count(*) FILTER (WHERE o.relation = 'child' AND op.birth_date > `+a.add(domain.AddMonths(monday, -12*12))+`)::int,
				count(*) FILTER (WHERE op.birth_date <= `+a.add(domain.AddMonths(monday, -12*18))+`)::int
			FROM part JOIN household_members hm ON hm.person_id = part.id AND hm.left_on IS NULL
			JOIN household_members o ON o.household_id = hm.household_id AND o.left_on IS NULL AND o.person_id <> part.id
			JOIN persons op ON op.id = o.person_id
			GROUP BY part.id`, a.list...).Query(func(rows pgx.Rows) error {
			for rows.Next() {
				var pid int64
				var children, adults int
				if err := rows.Scan(&pid, &children, &adults); err != nil {
					return err
				}
				if p := w.byID[pid]; p != nil {
					p.ChildrenUnder12, p.SoleCarer = children, children > 0 && adults == 0
				}
			}
			return rows.Err()
		})
		if err := tx.SendBatch(ctx, b).Close(); err != nil {
			return err
		}
		for _, id := range ids {
			if w.byID[id] == nil {
				return domain.Errorf(domain.ENOTFOUND, "Fant ikke deltakeren.")
			}
		}
		week, err := domain.CheckAttendanceWeek(rates.RatesOn(monday), monday, domain.Today(db.Now()), w.byID, cells)
		if err != nil {
			return err
		}
		if len(week.Conflicts) > 0 {
			return &AttendanceConflictError{Current: week.Conflicts, Message: "Noen andre har endret oppmøtet mens du arbeidet. Ingenting er lagret."}
		}
		if len(week.Changes) == 0 {
			return nil
		}
		if err := writeAttendance(ctx, tx, s, w.byID, week.Changes); err != nil {
			return err
		}
		res.Changed = len(week.Changes)
		res.Participants = len(domain.ChangedDays(week.Changes))
		return nil
	})
	return res, err
}

// writeAttendance writes the changed cells in one statement (updates of
// rows at the version they were read with, inserts of new rows that nobody
// inserted meanwhile) and one audit row per participant, listing the changed
// days. A cell that was not written (another user inserted it first) makes
// an *AttendanceConflictError.
func writeAttendance(ctx context.Context, tx pgx.Tx, s domain.Scope, parts map[int64]*domain.AttendanceParticipant, changes []domain.AttendanceEntry) error {
	// Written in (person, day) order, the order the rows were locked in, so
	// concurrent inserts of the same new cells cannot deadlock either.
	changes = slices.Clone(changes)
	slices.SortFunc(changes, func(x, y domain.AttendanceEntry) int {
		if c := cmp.Compare(x.PersonID, y.PersonID); c != 0 {
			return c
		}
		return x.Day.Compare(y.Day)
	})
	n := len(changes)
	pids, days := make([]int64, n), make([]time.Time, n)
	present, absent, versions := make([]int32, n), make([]int32, n), make([]int32, n)
	reasons := make([]string, n)
	for i, c := range changes {
		pids[i], days[i], present[i], absent[i], reasons[i], versions[i] = c.PersonID, c.Day, int32(c.Present), int32(c.Absent), c.Reason, int32(c.Version)
	}
	var uid *int64
	if s.UserID != 0 {
		uid = &s.UserID
	}
	rows, err := tx.Query(ctx, `WITH i AS (
			SELECT * FROM unnest($1::bigint[], $2::date[], $3::int[], $4::int[], $5::text[], $6::int[])
				AS i(person_id, day, present, absent, reason, expected)),
		upd AS (
			UPDATE attendance a SET present_minutes = i.present, absent_minutes = i.absent, reason = nullif(i.reason, ''),
				version = a.version + 1, updated_at = now(), updated_by = $7
			FROM i WHERE i.expected > 0 AND a.person_id = i.person_id AND a.day = i.day AND a.version = i.expected
			RETURNING a.person_id, a.day),
		ins AS (
			INSERT INTO attendance (person_id, day, present_minutes, absent_minutes, reason, updated_by)
			SELECT i.person_id, i.day, i.present, i.absent, nullif(i.reason, ''), $7 FROM i WHERE i.expected = 0
			ON CONFLICT (person_id, day) DO NOTHING
			RETURNING person_id, day)
		SELECT person_id, day FROM upd UNION ALL SELECT person_id, day FROM ins`,
		pids, days, present, absent, reasons, versions, uid)
	if err != nil {
		return err
	}
	type key struct {
		pid int64
		day time.Time
	}
	written := map[key]bool{}
	for rows.Next() {
		var k key
		if err := rows.Scan(&k.pid, &k.day); err != nil {
			return err
		}
		written[k] = true
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(written) != n {
		var missing []domain.AttendanceConflict
		for _, c := range changes {
			if written[key{c.PersonID, c.Day}] {
				continue
			}
			cur := domain.AttendanceEntry{PersonID: c.PersonID, Day: c.Day}
			err := tx.QueryRow(ctx, `SELECT present_minutes, absent_minutes, coalesce(reason, ''), version FROM attendance WHERE person_id = $1 AND day = $2`,
				c.PersonID, c.Day).Scan(&cur.Present, &cur.Absent, &cur.Reason, &cur.Version)
			if err != nil && !errors.Is(err, pgx.ErrNoRows) {
				return err
			}
			missing = append(missing, domain.AttendanceConflict{PersonID: c.PersonID, Name: parts[c.PersonID].Name, Day: c.Day, Current: cur})
		}
		return &AttendanceConflictError{Current: missing, Message: "Noen andre har endret oppmøtet mens du arbeidet. Ingenting er lagret."}
	}

	// One audit row per participant: the changed days, old → new in words.
	var auditPIDs []int64
	var auditChanges [][]byte
	for _, c := range changes {
		if len(auditPIDs) == 0 || auditPIDs[len(auditPIDs)-1] != c.PersonID {
			auditPIDs = append(auditPIDs, c.PersonID)
			auditChanges = append(auditChanges, nil)
		}
	}
	for i, pid := range auditPIDs {
		ch := domain.Changes{}
		p := parts[pid]
		for _, c := range changes {
			if c.PersonID != pid {
				continue
			}
			old := ""
			if i := slices.IndexFunc(p.Stored, func(e domain.AttendanceEntry) bool { return e.Day.Equal(c.Day) }); i >= 0 {
				old = p.Stored[i].Describe()
			}
			ch.Set(c.Day.Format("2006-01-02"), old, c.Describe()) // a day as its ISO date: listed in order, labelled by AuditFieldLabel
		}
		b, err := json.Marshal(ch)
		if err != nil {
			return err
		}
		auditChanges[i] = b
	}
	_, err = tx.Exec(ctx, `INSERT INTO audit_events (user_id, user_role, action, entity, entity_id, person_id, changes, request_id)
		SELECT $1, $2, $3, $4, i.person_id, i.person_id, i.changes, $5
		FROM unnest($6::bigint[], $7::jsonb[]) AS i(person_id, changes)`,
		uid, string(s.Role), ActionUpdate, domain.EntityAttendance, s.RequestID, auditPIDs, auditChanges)
	return err
}
