package postgres

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"sync"
	"time"

	"ankomst/internal/domain"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// The NIR programme file (issue 12 part 5): one registration per programme
// the municipality has recorded (every programmes row of a registration not
// merged away), in the long form a register loads: one line per plan element
// (a weekly plan version's element with its kind, scope and period), the
// programme's own fields repeated on each; a programme without elements has
// one line with the element columns empty. Leave and interruption periods,
// leave days and the absence hours by reason (within the programme period,
// start to end or today) are per programme.
//
// The change mark: every programme has a change stamp,
// greatest(updated_at, nir_changed_at) (migration 000031's triggers stamp
// nir_changed_at when a pause, plan version, element or absence changes),
// and a mark (nir_marks) of the export that last held it with the stamp as
// it then was. "Changed only" selects programmes without a mark or with a
// stamp later than the mark's.
//
// A real export writes, in ONE transaction committed before the first byte,
// the export row (nir_exports), the marks of every programme it selects and
// the audit row; the lines are then read in a read-only snapshot taken after
// that commit, selected as "marked by this export". A change committed in
// between is exported with the newer data but keeps the older stamp in the
// mark, so it is exported again next time: never lost, at most twice. If the
// download breaks off mid-stream the marks stay (the audit row says the file
// left); the reports page offers the last exports for download again
// (ResendNIR: the programmes still marked by that export, audited, no new
// marks), and the full file is always there.

// NIRFilter is what an export selects: a unit (0: every unit, admins only),
// only programmes changed since their last export, or a re-send of an
// earlier export.
type NIRFilter struct {
	UnitID      int64
	ChangedOnly bool
	ResendID    int64
}

// NIRHead is the export's unit and mark.
type NIRHead struct {
	UnitID     int64 // 0: every unit
	UnitName   string
	ExportID   int64
	ExportedAt time.Time
	Programmes int
}

// NIRLine is one line of the file: a programme's registration and one of its
// plan elements (Element 0 and the element fields empty when it has none).
type NIRLine struct {
	PersonID       int64
	DUFNumber      string
	FamilyName     string
	GivenName      string
	BirthDate      time.Time
	UnitName       string
	PrevExportedAt *time.Time // nil: the first export of this programme
	Decision       string
	DecisionDate   *time.Time
	RefusalReason  string
	StartDate      *time.Time
	PlannedEnd     *time.Time
	Extension      int
	EndGoal        string
	MappingOn      *time.Time
	GuidanceOn     *time.Time
	ContractOn     *time.Time
	Leaves         string // "2026-01-05–2026-01-30, 2026-03-02–"
	LeaveDays      int
	Interruptions  string
	AbsenceMinutes [6]int // by domain.AbsenceReasons' order
	EndedOn        *time.Time
	EndReason      string
	EndActivity    string
	Element        int // 1… within the programme; 0: none
	ElementKind    string
	ElementText    string
	ElementMinutes int
	ElementFrom    *time.Time
	ElementTo      *time.Time
}

// nirUnit resolves the unit of an export or check: a unit in the user's
// scope (ENOTFOUND otherwise), or 0 for every unit (admins only; another
// role gets its own unit).
func nirUnit(ctx context.Context, q querier, s domain.Scope, unitID int64) (int64, string, error) {
	if err := s.Role.Require(domain.CapLeaderViews); err != nil {
		return 0, "", err
	}
	if unitID == 0 {
		if s.Role.Can(domain.CapAllUnits) {
			return 0, "Alle enheter", nil
		}
		unitID = s.UnitID
	}
	where, args := unitScope(s, "u.id", 2)
	var name string
	err := q.QueryRow(ctx, `SELECT u.name FROM units u WHERE u.id = $1 AND `+where, append([]any{unitID}, args...)...).Scan(&name)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, "", domain.Errorf(domain.ENOTFOUND, "Fant ikke enheten.")
	}
	return unitID, name, err
}

// nirWhere is the predicate on programmes g / persons p of a unit (0: all)
// within the scope, with arguments numbered from n.
func nirWhere(s domain.Scope, unitID int64, n int) (string, []any) {
	where, args := unitScope(s, "p.unit_id", n)
	where = "p.merged_into IS NULL AND " + where
	if unitID != 0 {
		where += " AND p.unit_id = $" + strconv.Itoa(n+len(args))
		args = append(args, unitID)
	}
	return where, args
}

// nirStamp is a programme's change stamp.
const nirStamp = `greatest(g.updated_at, g.nir_changed_at)`

// nirChanged is true for a programme changed since its last export (m: its mark).
const nirChanged = `(m.person_id IS NULL OR ` + nirStamp + ` > m.stamp)`

// nirLinesSQL (then the scope, then nirLinesTail) streams the programmes
// marked by export $1 in person order, ONE ROW PER PROGRAMME; their plan
// elements come from a second statement beside it (nirElementsSQL, on a
// second connection in the same snapshot), also in person order, and the
// store merges the two streams into the file's lines (one per element). So
// the programme's columns cross the wire and are decoded once, not once per
// element, and the two statements run at once in two backends: read per
// programme (a LATERAL subquery with the versions' window and a sort of
// each programme's elements) the elements were half of the line query's
// time. $2 is today; $3… the scope.
const nirLinesSQL = `
	SELECT g.person_id, coalesce(g.duf_number, ''), g.family_name, g.given_name, g.birth_date, g.unit_name, m.prev_exported_at,
	       coalesce(g.decision, ''), g.decision_date, g.refusal_reason, g.start_date, g.planned_end, g.extension_months,
	       coalesce(g.end_goal, ''), g.mapping_done_on, g.guidance_done_on, g.contract_signed_on,
	       coalesce(pz.leaves, ''), coalesce(pz.leave_days, 0), coalesce(pz.stops, ''),
	       coalesce(ab.minutes, '{0,0,0,0,0,0}'),
	       g.ended_on, g.end_reason, g.end_activity
	-- The export's marks in person order (OFFSET 0 keeps the subquery
	-- whole), and every other read a LATERAL subquery of the mark (the
	-- programme, person and unit one subquery, OFFSET 0 so it is not pulled
	-- up into a join the planner may hash): only nested loops over the
	-- marks, which keep their order, so the file streams from the first
	-- programme and ORDER BY needs no sort. (The planner cannot know how
	-- many marks an export id has: it is always a new value. With the
	-- programmes as a plain join it chose, by its guess, either this plan or
	-- a hash join and a sort of all 100 000 rows on disk before the first.)
	FROM (SELECT mk.person_id, mk.prev_exported_at FROM nir_marks mk WHERE mk.export_id = $1 ORDER BY mk.person_id OFFSET 0) m
	CROSS JOIN LATERAL (
		SELECT g.person_id, g.decision, g.decision_date, g.refusal_reason, g.start_date, g.planned_end, g.extension_months,
		       g.end_goal, g.mapping_done_on, g.guidance_done_on, g.contract_signed_on, g.ended_on, g.end_reason, g.end_activity,
		       p.duf_number, p.family_name, p.given_name, p.birth_date, u.name AS unit_name
		FROM programmes g
		JOIN persons p ON p.id = g.person_id
		JOIN units u ON u.id = p.unit_id
		WHERE g.person_id = m.person_id AND p.merged_into IS NULL AND ` // the scope, then nirLinesTail

// nirLinesTail follows the scope predicate on p (persons) in nirLinesSQL.
const nirLinesTail = `
		OFFSET 0
	) g
	LEFT JOIN LATERAL (
		-- string_agg keeps the ordered subquery's order (the index's
		-- (person_id, from_date): no sort; an ORDER BY inside each aggregate
		-- costs Postgres 15 two sorts set up per programme).
		SELECT string_agg(pp.from_date::text || '–' || coalesce(pp.to_date::text, ''), ', ') FILTER (WHERE pp.kind = 'leave') AS leaves,
		       sum(CASE WHEN coalesce(pp.to_date, $2::date) < pp.from_date THEN 0 ELSE coalesce(pp.to_date, $2::date) - pp.from_date + 1 END) FILTER (WHERE pp.kind = 'leave')::int AS leave_days,
		       string_agg(pp.from_date::text || '–' || coalesce(pp.to_date::text, ''), ', ') FILTER (WHERE pp.kind = 'interruption') AS stops
		FROM (SELECT pp.kind, pp.from_date, pp.to_date FROM programme_pauses pp WHERE pp.person_id = g.person_id ORDER BY pp.from_date) pp
	) pz ON true
	LEFT JOIN LATERAL (
		SELECT ARRAY[coalesce(sum(a.absent_minutes) FILTER (WHERE a.reason = 'illness'), 0),
		             coalesce(sum(a.absent_minutes) FILTER (WHERE a.reason = 'self_certified'), 0),
		             coalesce(sum(a.absent_minutes) FILTER (WHERE a.reason = 'sick_child'), 0),
		             coalesce(sum(a.absent_minutes) FILTER (WHERE a.reason = 'welfare_leave'), 0),
		             coalesce(sum(a.absent_minutes) FILTER (WHERE a.reason = 'holiday'), 0),
		             coalesce(sum(a.absent_minutes) FILTER (WHERE a.reason = 'unexcused'), 0)]::int[] AS minutes
		FROM attendance a
		WHERE a.person_id = g.person_id AND a.reason IS NOT NULL
		  AND a.day >= g.start_date AND a.day <= coalesce(g.ended_on, $2::date)
	) ab ON g.start_date IS NOT NULL
	ORDER BY m.person_id`

// nirElementsSQL streams the plan versions of the programmes export $1
// marked, in person order, each version with its elements (a version
// without elements once, with the element columns NULL: it still ends the
// version before it). Nested loops over the marks in person order, so it
// streams from the first row without a sort; within a person the store
// orders the few rows itself (take), so no order but the person's is
// relied on.
const nirElementsSQL = `
	SELECT m.person_id, pv.id, pv.valid_from, e.id, e.position, e.kind, e.description, e.minutes_per_week, e.from_date, e.to_date
	FROM (SELECT mk.person_id FROM nir_marks mk WHERE mk.export_id = $1 ORDER BY mk.person_id OFFSET 0) m
	JOIN plan_versions pv ON pv.person_id = m.person_id
	LEFT JOIN plan_elements e ON e.plan_version_id = pv.id
	ORDER BY m.person_id`

// nirRow is the scan target of one programme's row and its elements, reused
// row after row.
type nirRow struct {
	minutes []int32
	kinds   []string
	texts   []string
	mins    []int32
	froms   []*time.Time
	tos     []*time.Time
	// The programme's plan versions and their elements as the elements
	// stream had them.
	vers  []nirVersion
	elems []nirElement
}

// nirVersion is a plan version of the programme being read: its elements
// start at elems[first].
type nirVersion struct {
	id    int64
	from  time.Time
	first int
}

// nirElement is one row of nirElementsSQL.
type nirElement struct {
	personID int64
	vid      int64
	from     time.Time // the version's valid_from
	eid      *int64    // nil: a version without elements
	position *int32
	kind     *string
	text     *string
	minutes  *int32
	efrom    *time.Time
	eto      *time.Time
}

// scanNIRProgramme reads a programme's row of nirLinesSQL into l (the
// programme's fields).
func scanNIRProgramme(rows pgx.Rows, l *NIRLine, r *nirRow) error {
	if err := rows.Scan(&l.PersonID, &l.DUFNumber, &l.FamilyName, &l.GivenName, &l.BirthDate, &l.UnitName, &l.PrevExportedAt,
		&l.Decision, &l.DecisionDate, &l.RefusalReason, &l.StartDate, &l.PlannedEnd, &l.Extension,
		&l.EndGoal, &l.MappingOn, &l.GuidanceOn, &l.ContractOn,
		&l.Leaves, &l.LeaveDays, &l.Interruptions, &r.minutes,
		&l.EndedOn, &l.EndReason, &l.EndActivity); err != nil {
		return err
	}
	for i := range l.AbsenceMinutes {
		l.AbsenceMinutes[i] = 0
		if i < len(r.minutes) {
			l.AbsenceMinutes[i] = int(r.minutes[i])
		}
	}
	return nil
}

// nirElements is the elements stream (nirElementsSQL) with one row of
// lookahead, read alongside the programmes.
type nirElements struct {
	rows pgx.Rows
	cur  nirElement
	have bool // cur holds the next row
	done bool
}

func (e *nirElements) peek() (*nirElement, error) {
	if e.have {
		return &e.cur, nil
	}
	if e.done {
		return nil, nil
	}
	if !e.rows.Next() {
		e.done = true
		return nil, e.rows.Err()
	}
	c := &e.cur
	c.eid, c.position, c.kind, c.text, c.minutes, c.efrom, c.eto = nil, nil, nil, nil, nil, nil, nil
	if err := e.rows.Scan(&c.personID, &c.vid, &c.from, &c.eid, &c.position, &c.kind, &c.text, &c.minutes, &c.efrom, &c.eto); err != nil {
		return nil, err
	}
	e.have = true
	return c, nil
}

// take reads the plan versions and elements of person (skipping those of
// persons before it: marked, but outside the line query's scope) and sets
// r's element arrays to the programme's element lines: the versions in
// force (a version replaced on its own first day never was), in the
// versions' order, each element's period its own or else its version's
// (from valid_from to the day before the next version's).
func (e *nirElements) take(person int64, r *nirRow) error {
	r.vers, r.elems = r.vers[:0], r.elems[:0]
	for {
		c, err := e.peek()
		if err != nil {
			return err
		}
		if c == nil || c.personID > person {
			break
		}
		e.have = false
		if c.personID == person {
			r.elems = append(r.elems, *c) // the scan made fresh pointers
		}
	}
	// The versions in order (valid_from, id), each one's elements in the
	// plan's order (position, id); a version without elements is one row
	// with eid nil.
	slices.SortFunc(r.elems, func(a, b nirElement) int {
		if c := a.from.Compare(b.from); c != 0 {
			return c
		}
		if c := cmp.Compare(a.vid, b.vid); c != 0 {
			return c
		}
		if a.eid == nil || b.eid == nil {
			return 0 // the one row of a version without elements
		}
		if c := cmp.Compare(*a.position, *b.position); c != 0 {
			return c
		}
		return cmp.Compare(*a.eid, *b.eid)
	})
	for i, c := range r.elems {
		if n := len(r.vers); n == 0 || r.vers[n-1].id != c.vid {
			r.vers = append(r.vers, nirVersion{id: c.vid, from: c.from, first: i})
		}
	}
	r.kinds, r.texts, r.mins, r.froms, r.tos = r.kinds[:0], r.texts[:0], r.mins[:0], r.froms[:0], r.tos[:0]
	for i, v := range r.vers {
		end, next := len(r.elems), (*time.Time)(nil)
		if i+1 < len(r.vers) {
			end, next = r.vers[i+1].first, &r.vers[i+1].from
			if !next.After(v.from) {
				continue
			}
		}
		for _, el := range r.elems[v.first:end] {
			if el.eid == nil {
				continue
			}
			from, to := el.efrom, el.eto
			if from == nil {
				f := v.from
				from = &f
			}
			if to == nil && next != nil {
				t := next.AddDate(0, 0, -1)
				to = &t
			}
			text := ""
			if el.text != nil {
				text = *el.text
			}
			var minutes int32
			if el.minutes != nil {
				minutes = *el.minutes
			}
			r.kinds, r.texts, r.mins = append(r.kinds, *el.kind), append(r.texts, text), append(r.mins, minutes)
			r.froms, r.tos = append(r.froms, from), append(r.tos, to)
		}
	}
	return nil
}

// eachNIRLine hands the programme's lines to each: one per element, or one
// with the element fields empty when it has none.
func eachNIRLine(l *NIRLine, r *nirRow, each func(*NIRLine) error) error {
	if len(r.kinds) == 0 {
		l.Element, l.ElementKind, l.ElementText, l.ElementMinutes, l.ElementFrom, l.ElementTo = 0, "", "", 0, nil, nil
		return each(l)
	}
	for i := range r.kinds {
		l.Element, l.ElementKind, l.ElementText, l.ElementMinutes = i+1, r.kinds[i], r.texts[i], int(r.mins[i])
		l.ElementFrom, l.ElementTo = r.froms[i], r.tos[i]
		if err := each(l); err != nil {
			return err
		}
	}
	return nil
}

// ExportNIR is a real NIR export: the export row, the marks of every
// programme the filter selects and the audit row in one transaction, then
// start and each line, streamed from a read-only snapshot. f.ResendID
// re-sends an earlier export instead (ResendNIR).
func (db *DB) ExportNIR(ctx context.Context, s domain.Scope, f NIRFilter, format string,
	start func(NIRHead) error, each func(*NIRLine) error) error {
	if f.ResendID != 0 {
		return db.resendNIR(ctx, s, f.ResendID, format, start, each)
	}
	var h NIRHead
	err := db.WithTx(ctx, func(tx pgx.Tx) error {
		unitID, name, err := nirUnit(ctx, tx, s, f.UnitID)
		if err != nil {
			return err
		}
		h.UnitID, h.UnitName = unitID, name
		// One export at a time, so two exports never mark the same
		// programmes at once.
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('nir_export'))`); err != nil {
			return err
		}
		where, args := nirWhere(s, unitID, 5)
		changed := "true"
		if f.ChangedOnly {
			changed = nirChanged
		}
		var unit *int64
		if unitID != 0 {
			unit = &unitID
		}
		err = tx.QueryRow(ctx, `
			WITH sel AS MATERIALIZED (
				SELECT g.person_id, `+nirStamp+` AS stamp, px.exported_at AS prev_at, m.person_id IS NOT NULL AS marked
				FROM programmes g JOIN persons p ON p.id = g.person_id
				LEFT JOIN nir_marks m ON m.person_id = g.person_id
				LEFT JOIN nir_exports px ON px.id = m.export_id
				WHERE `+changed+` AND `+where+`
			), x AS (
				INSERT INTO nir_exports (exported_by, unit_id, format, changed_only, programmes)
				SELECT $1, $2, $3, $4, count(*) FROM sel
				RETURNING id, exported_at, programmes
			), up AS (
				-- Set-based: the marks that exist are updated in one join
				-- (no speculative insertion per row, as ON CONFLICT does);
				-- only the programmes without a mark are inserted. The
				-- advisory lock keeps another export from inserting a mark
				-- in between.
				UPDATE nir_marks mm SET export_id = x.id, stamp = sel.stamp, prev_exported_at = sel.prev_at
				FROM sel, x WHERE sel.marked AND mm.person_id = sel.person_id
			), ins AS (
				INSERT INTO nir_marks (person_id, export_id, stamp, prev_exported_at)
				SELECT sel.person_id, x.id, sel.stamp, sel.prev_at FROM sel, x WHERE NOT sel.marked
			)
			SELECT id, exported_at, programmes FROM x`,
			append([]any{s.UserID, unit, format, f.ChangedOnly}, args...)...).Scan(&h.ExportID, &h.ExportedAt, &h.Programmes)
		if err != nil {
			return err
		}
		sel := "all"
		if f.ChangedOnly {
			sel = "changed"
		}
		return writeAudit(ctx, tx, s, auditEvent{Action: domain.ActionExport, Entity: domain.EntityNIR, EntityID: &h.ExportID,
			Details: &domain.AuditDetails{UnitID: unitID, Format: format, Rows: h.Programmes, Selection: sel}})
	})
	if err != nil {
		return mapError(err)
	}
	return db.streamNIR(ctx, s, h, start, each)
}

// streamNIR reads the lines of the programmes export h marked.
// It reads through the read pool (db.Reader(): a replica, else the
// primary) when the replica's snapshot already holds the export (the
// marks were committed on the primary just before); a replica that lags
// behind, or fails before the first byte, is passed over for the primary.
func (db *DB) streamNIR(ctx context.Context, s domain.Scope, h NIRHead, start func(NIRHead) error, each func(*NIRLine) error) error {
	if db.Read != nil {
		started := false
		err := nirConns(ctx, db.Read, func(lines, elems *pgxpool.Conn) error {
			return pgx.BeginTxFunc(ctx, lines, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
				var seen bool
				if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM nir_exports WHERE id = $1)`, h.ExportID).Scan(&seen); err != nil {
					return err
				}
				if !seen {
					return nil
				}
				started = true
				return db.streamNIRTx(ctx, tx, elems, s, h, start, each)
			})
		})
		if started || ctx.Err() != nil {
			return err
		}
	}
	return nirConns(ctx, db.Pool, func(lines, elems *pgxpool.Conn) error {
		return pgx.BeginTxFunc(ctx, lines, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
			return db.streamNIRTx(ctx, tx, elems, s, h, start, each)
		})
	})
}

// nirAcquire lets one export at a time take its two connections: an export
// holding one while it waits for the second could otherwise wait for ever
// on exports that each hold one too (a pool of 8 and 8 downloads at once).
// Held only while acquiring; the streams themselves run side by side.
var nirAcquire sync.Mutex

// nirConns runs fn with two connections of pool: the lines' and the
// elements'.
func nirConns(ctx context.Context, pool *pgxpool.Pool, fn func(lines, elems *pgxpool.Conn) error) error {
	nirAcquire.Lock()
	lines, err := pool.Acquire(ctx)
	if err != nil {
		nirAcquire.Unlock()
		return err
	}
	defer lines.Release()
	elems, err := pool.Acquire(ctx)
	nirAcquire.Unlock()
	if err != nil {
		return err
	}
	defer elems.Release()
	return fn(lines, elems)
}

// nirSnapshotRE is what pg_export_snapshot returns ("00000003-0000001B-1").
var nirSnapshotRE = regexp.MustCompile(`^[0-9A-F]+-[0-9A-F]+(-[0-9]+)?$`)

// streamNIRTx calls start and streams the lines in tx, the elements read
// beside them on conn in tx's snapshot (pg_export_snapshot): the file is
// one consistent reading, as from one transaction.
func (db *DB) streamNIRTx(ctx context.Context, tx pgx.Tx, conn *pgxpool.Conn, s domain.Scope, h NIRHead, start func(NIRHead) error, each func(*NIRLine) error) error {
	var snap string
	if err := tx.QueryRow(ctx, `SELECT pg_export_snapshot()`).Scan(&snap); err != nil {
		return err
	}
	if !nirSnapshotRE.MatchString(snap) {
		return fmt.Errorf("nir: unexpected snapshot id %q", snap)
	}
	etx, err := conn.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return err
	}
	defer etx.Rollback(ctx)                                                                                          //nolint:errcheck // read only
	if _, err := etx.Exec(ctx, `SET TRANSACTION SNAPSHOT '`+snap+`'`, pgx.QueryExecModeSimpleProtocol); err != nil { // no cached statement per snapshot id
		return err
	}
	erows, err := etx.Query(ctx, nirElementsSQL, h.ExportID)
	if err != nil {
		return err
	}
	defer erows.Close()
	if err := start(h); err != nil {
		return err
	}
	// Each programme is read once: a Memoize node in front of the LATERAL
	// reads (the planner adds one, guessing repeats) only hashes and evicts.
	if _, err := tx.Exec(ctx, `SET LOCAL enable_memoize = off`); err != nil {
		return err
	}
	sql, args := NIRLinesSQL(s, h.ExportID, db.today())
	rows, err := tx.Query(ctx, sql, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	var (
		l NIRLine
		r nirRow
	)
	el := nirElements{rows: erows}
	for rows.Next() {
		if err := scanNIRProgramme(rows, &l, &r); err != nil {
			return err
		}
		if err := el.take(l.PersonID, &r); err != nil {
			return err
		}
		if err := eachNIRLine(&l, &r, each); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	rows.Close()
	erows.Close()
	return erows.Err()
}

// resendNIR sends an earlier export again (after a download broke off): the
// programmes still marked by it, with their data as it is now; audited, no
// new marks. Another unit's export is ENOTFOUND.
func (db *DB) resendNIR(ctx context.Context, s domain.Scope, exportID int64, format string,
	start func(NIRHead) error, each func(*NIRLine) error) error {
	if err := s.Role.Require(domain.CapLeaderViews); err != nil {
		return err
	}
	h := NIRHead{ExportID: exportID}
	err := db.WithTx(ctx, func(tx pgx.Tx) error {
		var unit *int64
		err := tx.QueryRow(ctx, `SELECT x.unit_id, coalesce(u.name, 'Alle enheter'), x.exported_at,
				(SELECT count(*) FROM nir_marks m WHERE m.export_id = x.id)
			FROM nir_exports x LEFT JOIN units u ON u.id = x.unit_id WHERE x.id = $1`, exportID).
			Scan(&unit, &h.UnitName, &h.ExportedAt, &h.Programmes)
		if errors.Is(err, pgx.ErrNoRows) {
			return domain.Errorf(domain.ENOTFOUND, "Fant ikke uttrekket.")
		}
		if err != nil {
			return err
		}
		if unit == nil {
			if !s.Role.Can(domain.CapAllUnits) {
				return domain.Errorf(domain.ENOTFOUND, "Fant ikke uttrekket.")
			}
		} else {
			h.UnitID = *unit
			if !s.Role.Can(domain.CapAllUnits) && *unit != s.UnitID {
				return domain.Errorf(domain.ENOTFOUND, "Fant ikke uttrekket.")
			}
		}
		return writeAudit(ctx, tx, s, auditEvent{Action: domain.ActionExport, Entity: domain.EntityNIR, EntityID: &exportID,
			Details: &domain.AuditDetails{UnitID: h.UnitID, Format: format, Rows: h.Programmes, Selection: "resend"}})
	})
	if err != nil {
		return mapError(err)
	}
	return db.streamNIR(ctx, s, h, start, each)
}

// NIRExport is an earlier export as the reports page lists it.
type NIRExport struct {
	ID          int64
	ExportedAt  time.Time
	ByName      string
	UnitName    string
	Format      string
	ChangedOnly bool
	Programmes  int
	StillMarked int // programmes not exported again since
}

// NIRStatus is the reports page's NIR summary for a unit (0: all).
type NIRStatus struct {
	UnitID     int64
	UnitName   string
	Programmes int
	Changed    int // without a mark or changed since it
	Exports    []NIRExport
	Units      []domain.Unit // the units an admin may choose (nil for others)
}

// nirExportsShown is how many earlier exports the page lists.
const nirExportsShown = 5

// NIRStatus counts a unit's programmes and those changed since their last
// export, and lists the unit's last exports (and the units for an admin),
// in one batch: one round trip. A unit outside the scope is ENOTFOUND.
func (db *DB) NIRStatus(ctx context.Context, s domain.Scope, unitID int64) (NIRStatus, error) {
	var st NIRStatus
	if err := s.Role.Require(domain.CapLeaderViews); err != nil {
		return st, err
	}
	if unitID == 0 && !s.Role.Can(domain.CapAllUnits) {
		unitID = s.UnitID
	}
	st.UnitID, st.UnitName = unitID, "Alle enheter"
	b := &pgx.Batch{}
	found := unitID == 0
	if unitID != 0 {
		uwhere, uargs := unitScope(s, "u.id", 2)
		b.Queue(`SELECT u.name FROM units u WHERE u.id = $1 AND `+uwhere, append([]any{unitID}, uargs...)...).Query(func(rows pgx.Rows) error {
			for rows.Next() {
				found = true
				if err := rows.Scan(&st.UnitName); err != nil {
					return err
				}
			}
			return rows.Err()
		})
	}
	where, args := nirWhere(s, unitID, 1)
	b.Queue(`SELECT count(*), count(*) FILTER (WHERE `+nirChanged+`)
		FROM programmes g JOIN persons p ON p.id = g.person_id LEFT JOIN nir_marks m ON m.person_id = g.person_id
		WHERE `+where, args...).QueryRow(func(r pgx.Row) error { return r.Scan(&st.Programmes, &st.Changed) })
	xwhere, xargs := "true", []any{nirExportsShown}
	if unitID != 0 {
		xwhere, xargs = "x.unit_id = $2", append(xargs, unitID)
	}
	// The marks still held by each listed export: one pass over nir_marks
	// (it has no index on export_id, migration 000036).
	b.Queue(`WITH xs AS MATERIALIZED (SELECT x.* FROM nir_exports x WHERE `+xwhere+` ORDER BY x.id DESC LIMIT $1),
			c AS (SELECT m.export_id, count(*)::int AS n FROM nir_marks m WHERE m.export_id IN (SELECT id FROM xs) GROUP BY m.export_id)
		SELECT x.id, x.exported_at, coalesce(us.name, ''), coalesce(u.name, 'Alle enheter'), x.format, x.changed_only, x.programmes,
			coalesce(c.n, 0)
		FROM xs x LEFT JOIN units u ON u.id = x.unit_id LEFT JOIN users us ON us.id = x.exported_by
		LEFT JOIN c ON c.export_id = x.id
		ORDER BY x.id DESC`, xargs...).Query(func(rows pgx.Rows) error {
		var err error
		st.Exports, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (NIRExport, error) {
			var e NIRExport
			err := r.Scan(&e.ID, &e.ExportedAt, &e.ByName, &e.UnitName, &e.Format, &e.ChangedOnly, &e.Programmes, &e.StillMarked)
			return e, err
		})
		return err
	})
	if s.Role.Can(domain.CapAllUnits) {
		b.Queue(`SELECT u.id, u.name FROM units u ORDER BY u.name, u.id`).Query(func(rows pgx.Rows) error {
			var err error
			st.Units, err = pgx.CollectRows(rows, pgx.RowToStructByName[domain.Unit])
			return err
		})
	}
	if err := db.Pool.SendBatch(ctx, b).Close(); err != nil {
		return st, err
	}
	if !found {
		return NIRStatus{}, domain.Errorf(domain.ENOTFOUND, "Fant ikke enheten.")
	}
	return st, nil
}

// NIRCheckLine is a programme the check report lists, with its issues.
type NIRCheckLine struct {
	PersonID   int64
	FamilyName string
	GivenName  string
	UnitName   string
	Issues     []domain.NIRIssue
}

// nirCheckSQL reads what the check needs of every programme in scope; $1 is today.
const nirCheckSQL = `
	SELECT p.id, p.family_name, p.given_name, u.name, coalesce(g.decision, ''), g.decision_date, g.refusal_reason,
	       g.start_date, g.planned_end, coalesce(g.end_goal, ''), g.ended_on, g.end_reason, g.end_activity,
	       coalesce((SELECT sum(CASE WHEN coalesce(pp.to_date, $1::date) < pp.from_date THEN 0 ELSE coalesce(pp.to_date, $1::date) - pp.from_date + 1 END)
	                 FROM programme_pauses pp WHERE pp.person_id = g.person_id AND pp.kind = 'leave'), 0)::int,
	       (SELECT count(*) FROM plan_versions v JOIN plan_elements e ON e.plan_version_id = v.id WHERE v.person_id = g.person_id)::int,
	       NOT ` + nirChanged + `
	FROM programmes g JOIN persons p ON p.id = g.person_id JOIN units u ON u.id = p.unit_id
	LEFT JOIN nir_marks m ON m.person_id = g.person_id
	WHERE `

// NIRCheck runs the check over a unit's programmes (0: all) and hands each
// programme with at least one issue to each, in name order, and returns the
// unit's name. It never marks anything. (Two statements, no transaction: the
// unit's name and the one query that reads the programmes.) With a format (the CSV) the read is
// audited in its own transaction before start is called; the page (format
// "") is not, as no file leaves.
func (db *DB) NIRCheck(ctx context.Context, s domain.Scope, unitID int64, format string,
	start func(unitName string, unitID int64) error, each func(NIRCheckLine) error) (string, error) {
	var unitName string
	err := func() error {
		id, name, err := nirUnit(ctx, db.Pool, s, unitID)
		if err != nil {
			return err
		}
		unitName = name
		if format != "" {
			if err := db.WithTx(ctx, func(atx pgx.Tx) error {
				return writeAudit(ctx, atx, s, auditEvent{Action: domain.ActionExport, Entity: domain.EntityNIR,
					Details: &domain.AuditDetails{UnitID: id, Format: format, Selection: "check"}})
			}); err != nil {
				return err
			}
		}
		if start != nil {
			if err := start(name, id); err != nil {
				return err
			}
		}
		today := db.today()
		where, args := nirWhere(s, id, 2)
		rows, err := db.Pool.Query(ctx, nirCheckSQL+where+` ORDER BY p.family_key, p.given_key, p.id`, append([]any{today}, args...)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var l NIRCheckLine
			var in domain.NIRCheckInput
			if err := rows.Scan(&l.PersonID, &l.FamilyName, &l.GivenName, &l.UnitName, &in.Decision, &in.DecisionDate, &in.RefusalReason,
				&in.StartDate, &in.PlannedEnd, &in.EndGoal, &in.EndedOn, &in.EndReason, &in.EndActivity,
				&in.LeaveDays, &in.Elements, &in.Reported); err != nil {
				return err
			}
			if l.Issues = domain.NIRCheck(in, today); len(l.Issues) == 0 {
				continue
			}
			if err := each(l); err != nil {
				return err
			}
		}
		return rows.Err()
	}()
	return unitName, mapError(err)
}

// ReportUnits are the units an admin may choose on the reports pages (a
// leader's scope gives the own unit only).
func (db *DB) ReportUnits(ctx context.Context, s domain.Scope) ([]domain.Unit, error) {
	if err := s.Role.Require(domain.CapLeaderViews); err != nil {
		return nil, err
	}
	where, args := unitScope(s, "u.id", 1)
	rows, err := db.Pool.Query(ctx, `SELECT u.id, u.name FROM units u WHERE `+where+` ORDER BY u.name, u.id`, args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByName[domain.Unit])
}

// NIRElementsSQL is the elements' statement beside it (its one argument:
// the export id), for the benchmark.
const NIRElementsSQL = nirElementsSQL

// NIRLinesSQL is the file's line query for an export with its arguments
// (also for the benchmark's EXPLAIN (ANALYZE)).
func NIRLinesSQL(s domain.Scope, exportID int64, today time.Time) (string, []any) {
	where, args := unitScope(s, "p.unit_id", 3)
	return nirLinesSQL + where + nirLinesTail, append([]any{exportID, today}, args...)
}
