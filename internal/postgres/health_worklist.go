package postgres

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"ankomst/internal/domain"

	"github.com/jackc/pgx/v5"
)

// The health worklist (issue 10, item 3) and the leaders' counts (item 5).
//
// The worklist lists every open item (not started or booked) of the active
// persons of the user's unit that is overdue or due within
// HealthDueSoonDays, by due date, with keyset paging over (due_date, id) on
// health_items_open_due_idx. Only the health role reads it, and every read
// is a read of health data: one statement reads the page and, in a
// data-modifying CTE, writes one access-log row per person shown
// (audit_events action view, entity health_items, details.purpose
// "worklist"), so the read and its log commit together in one round trip.

// HealthDueSoonDays is how far ahead the worklist looks: an open item due
// within this many days of today is "due soon" and listed with the overdue.
const HealthDueSoonDays = 14

// HealthPurposeWorklist is the access-log purpose of a worklist read
// (audit_events.details.purpose), beside the purposes a health worker
// chooses when opening a person (domain.PurposeFollowUp …): the worklist
// shows names, kinds, statuses and due dates, so it is a read of health data
// of every person on the page.
const HealthPurposeWorklist = "worklist"

// HealthPurposeDeadlines is the purpose recorded for reads of a person's
// health deadlines on Frister and the person page: the deadline list's own
// purpose, so every read of health data in the access report has one
// (Normen).
const HealthPurposeDeadlines = "deadlines"

func validWorklistKind(k string) bool {
	for _, o := range domain.HealthKinds() {
		if o.Value == k {
			return true
		}
	}
	return false
}

// WorklistCursor is a keyset position: the due date and id of a row.
type WorklistCursor struct {
	Due time.Time
	ID  int64
}

// String is the cursor as it travels in the URL: 2026-01-02.123.
func (c WorklistCursor) String() string {
	return c.Due.Format(time.DateOnly) + "." + strconv.FormatInt(c.ID, 10)
}

// ParseWorklistCursor reads a cursor written by String.
func ParseWorklistCursor(s string) (WorklistCursor, bool) {
	d, id, ok := strings.Cut(s, ".")
	if !ok {
		return WorklistCursor{}, false
	}
	t, err := time.Parse(time.DateOnly, d)
	n, err2 := strconv.ParseInt(id, 10, 64)
	if err != nil || err2 != nil || n <= 0 {
		return WorklistCursor{}, false
	}
	return WorklistCursor{Due: t, ID: n}, true
}

// WorklistQuery asks for one page of the worklist.
type WorklistQuery struct {
	Kind  string // only this item kind; "" for all
	Desc  bool   // latest due date first
	After *WorklistCursor
	Limit int
}

// WorklistRow is one open item on the worklist.
type WorklistRow struct {
	ID                  int64      `db:"id"`
	PersonID            int64      `db:"person_id"`
	PersonName          string     `db:"person_name"`
	Kind                string     `db:"kind"`
	Status              string     `db:"status"`
	Due                 time.Time  `db:"due_date"`
	BookedOn            *time.Time `db:"booked_on"`
	InterpreterBooked   bool       `db:"interpreter_booked"`
	Languages           []string   `db:"languages"`
	InterpreterNeeded   bool       `db:"interpreter_needed"`
	InterpreterLanguage string     `db:"interpreter_language"`
	DaysOverdue         int        `db:"days_overdue"` // > 0 overdue; <= 0 days left, negated
}

// Cursor is the row's keyset position.
func (r WorklistRow) Cursor() WorklistCursor { return WorklistCursor{Due: r.Due, ID: r.ID} }

// WorklistPage is one page of the worklist.
type WorklistPage struct {
	Today   time.Time
	Rows    []WorklistRow
	HasNext bool
}

// HealthWorklist returns one page of the health worklist of the user's unit
// and logs the read of every person on it, in the same statement.
func (db *DB) HealthWorklist(ctx context.Context, s domain.Scope, q WorklistQuery) (WorklistPage, error) {
	if err := s.Role.Require(domain.CapReadHealth); err != nil {
		return WorklistPage{}, err
	}
	if q.Limit <= 0 || q.Limit > 200 {
		q.Limit = 50
	}
	if q.Kind != "" && !validWorklistKind(q.Kind) {
		return WorklistPage{}, domain.Errorf(domain.EINVALID, "Ukjent type helsepunkt i filteret.")
	}
	page := WorklistPage{Today: domain.Today(db.Now())}
	var uid *int64
	if s.UserID != 0 {
		uid = &s.UserID
	}
	// $1 today, $2 horizon, $3 kind, $4 user, $5 role, $6 request, $7 details,
	// $8 entity, $9 action; the unit $10.
	args := []any{page.Today, page.Today.AddDate(0, 0, HealthDueSoonDays), q.Kind, uid, string(s.Role), s.RequestID,
		domain.AuditDetails{Purpose: HealthPurposeWorklist}, domain.EntityHealthItems, domain.ActionView}
	where, uargs := unitScope(s, "p.unit_id", len(args)+1)
	args = append(args, uargs...)
	cmp, dir := ">", "ASC"
	if q.Desc {
		cmp, dir = "<", "DESC"
	}
	keyset := ""
	if q.After != nil {
		args = append(args, q.After.Due, q.After.ID)
		keyset = fmt.Sprintf(" AND (h.due_date, h.id) %s ($%d::date, $%d::bigint)", cmp, len(args)-1, len(args))
	}
	sql := `
	WITH page AS (
		SELECT h.id, h.person_id, p.given_name || ' ' || p.family_name AS person_name, h.kind, h.status,
		       h.due_date, h.booked_on, h.interpreter_booked, p.languages, p.interpreter_needed,
		       p.interpreter_language, ($1::date - h.due_date) AS days_overdue
		FROM health_items h JOIN persons p ON p.id = h.person_id
		WHERE h.status IN ('not_started', 'booked') AND h.due_date <= $2::date
		  AND ($3 = '' OR h.kind = $3) AND p.status = 'active' AND ` + where + keyset + `
		ORDER BY h.due_date ` + dir + `, h.id ` + dir + `
		LIMIT ` + strconv.Itoa(q.Limit+1) + `
	), shown AS (
		SELECT person_id FROM page ORDER BY due_date ` + dir + `, id ` + dir + ` LIMIT ` + strconv.Itoa(q.Limit) + `
	), logged AS (
		INSERT INTO audit_events (user_id, user_role, action, entity, person_id, details, request_id)
		SELECT $4::bigint, $5, $9, $8, person_id, $7::jsonb, $6
		FROM (SELECT DISTINCT person_id FROM shown) d
		ORDER BY person_id
	)
	SELECT * FROM page ORDER BY due_date ` + dir + `, id ` + dir
	rows, err := db.Pool.Query(ctx, sql, args...)
	if err != nil {
		return page, err
	}
	if page.Rows, err = pgx.CollectRows(rows, pgx.RowToStructByName[WorklistRow]); err != nil {
		return page, err
	}
	if len(page.Rows) > q.Limit {
		page.Rows, page.HasNext = page.Rows[:q.Limit], true
	}
	return page, nil
}

// HealthKindCount is the open and overdue items of one kind.
type HealthKindCount struct {
	Kind    string `db:"kind"`
	Open    int    `db:"open"`
	Overdue int    `db:"overdue"`
}

// HealthCounts are the leaders' figures for a unit (or every unit): counts
// only, nothing about a person.
type HealthCounts struct {
	Today time.Time
	Kinds []HealthKindCount // every kind, in checklist order
	// MedianTBDays is the median days from arrival to TB screening done
	// (nil: no screening done with a known arrival).
	MedianTBDays *float64
	TBDone       int
	// Settled is the active persons settled more than 3 months ago; WithGP
	// those of them whose GP item is done.
	Settled int
	WithGP  int
}

// GPShare is WithGP of Settled in percent (0 when none settled).
func (c HealthCounts) GPShare() float64 {
	if c.Settled == 0 {
		return 0
	}
	return 100 * float64(c.WithGP) / float64(c.Settled)
}

// HealthCounts returns the leaders' counts of the unit unitID (0: the user's
// scope: the own unit, every unit for admins), in one batch. Leaders and
// admins only (CapLeaderViews); a unit outside the scope is ENOTFOUND.
// Counts are not person-level reads and are not logged.
func (db *DB) HealthCounts(ctx context.Context, s domain.Scope, unitID int64) (HealthCounts, error) {
	if err := s.Role.Require(domain.CapLeaderViews); err != nil {
		return HealthCounts{}, err
	}
	c := HealthCounts{Today: domain.Today(db.Now())}
	where, args := unitScope(s, "p.unit_id", 3)
	if unitID != 0 {
		if !s.Role.Can(domain.CapAllUnits) && unitID != s.UnitID {
			return c, domain.Errorf(domain.ENOTFOUND, "Fant ikke enheten.")
		}
		where, args = "p.unit_id = $3", []any{unitID}
	}
	settledBefore := domain.AddMonths(c.Today, -3)
	counts := map[string]HealthKindCount{}
	var b pgx.Batch
	b.Queue(`SELECT h.kind, count(*)::int AS open, (count(*) FILTER (WHERE h.due_date < $1::date))::int AS overdue
		FROM health_items h JOIN persons p ON p.id = h.person_id
		WHERE h.status IN ('not_started', 'booked') AND p.status = 'active' AND $2::int = 0 AND `+where+`
		GROUP BY h.kind`, append([]any{c.Today, 0}, args...)...).Query(func(rows pgx.Rows) error {
		list, err := pgx.CollectRows(rows, pgx.RowToStructByName[HealthKindCount])
		for _, k := range list {
			counts[k.Kind] = k
		}
		return err
	})
	b.Queue(`SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY h.done_on - p.arrival_date), count(*)::int
		FROM health_items h JOIN persons p ON p.id = h.person_id
		WHERE h.kind = 'tb_screening' AND h.status = 'done' AND p.arrival_date IS NOT NULL
		  AND $1::date IS NOT NULL AND $2::int = 0 AND `+where, append([]any{c.Today, 0}, args...)...).
		QueryRow(func(row pgx.Row) error { return row.Scan(&c.MedianTBDays, &c.TBDone) })
	b.Queue(`SELECT count(*)::int, (count(*) FILTER (WHERE g.status = 'done'))::int
		FROM persons p LEFT JOIN health_items g ON g.person_id = p.id AND g.kind = 'gp'
		WHERE p.status = 'active' AND p.settlement_date < $1::date AND $2::int = 0 AND `+where,
		append([]any{settledBefore, 0}, args...)...).
		QueryRow(func(row pgx.Row) error { return row.Scan(&c.Settled, &c.WithGP) })
	if err := db.Pool.SendBatch(ctx, &b).Close(); err != nil {
		return c, err
	}
	for _, k := range domain.HealthKinds() {
		kc := counts[k.Value]
		kc.Kind = k.Value
		c.Kinds = append(c.Kinds, kc)
	}
	return c, nil
}
