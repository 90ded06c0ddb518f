package postgres

import (
	"context"
	"slices"
	"time"

	"ankomst/internal/domain"

	"github.com/jackc/pgx/v5"
)

// markSeen records that the user opened the person now, in the caller's
// transaction (GetPerson's).
func markSeen(ctx context.Context, tx pgx.Tx, s domain.Scope, personID int64) error {
	if s.UserID == 0 {
		return nil
	}
	_, err := tx.Exec(ctx, `INSERT INTO person_last_seen (user_id, person_id, seen_at) VALUES ($1, $2, now())
		ON CONFLICT (user_id, person_id) DO UPDATE SET seen_at = excluded.seen_at`, s.UserID, personID)
	return err
}

// auditReadActionsSQL is the audit predicate of the actions that change nothing
// (reads and exports), which "changed since" ignores.
const auditReadActionsSQL = `(a.action LIKE 'view%' OR a.action LIKE 'export%' OR a.action LIKE 'read%')`

// SeenChange is what happened to a person since the user last opened it.
type SeenChange struct {
	Never   bool      // the user has never opened the person
	Changes int       // changes by others since the last visit (or ever, if Never)
	Actions []string  // their actions (update, reassign, close, ...), sorted
	Fields  []string  // the person fields they changed, sorted
	LastAt  time.Time // the latest change
}

// Changed reports whether others changed the person since the user last
// opened it.
func (c SeenChange) Changed() bool { return !c.Never && c.Changes > 0 }

// New reports whether the person is new to the user: never opened, and
// registered, assigned or changed by someone else (not, say, loaded as
// data without an audit trail, or registered by the user).
func (c SeenChange) New() bool { return c.Never && c.Changes > 0 }

// ChangedSinceLastSeen tells, for each person in scope among ids, whether the
// user has opened it and what others changed since (from the audit log:
// every write, of the person or a record of theirs, by someone else).
func (db *DB) ChangedSinceLastSeen(ctx context.Context, s domain.Scope, ids []int64) (map[int64]SeenChange, error) {
	out := map[int64]SeenChange{}
	if len(ids) == 0 {
		return out, nil
	}
	where, args := unitScope(s, "p.unit_id", 3)
	rows, err := db.Pool.Query(ctx, `
		SELECT p.id, ls.seen_at IS NULL AS never, count(DISTINCT a.id)::int AS changes,
			coalesce(array_agg(DISTINCT a.action) FILTER (WHERE a.id IS NOT NULL), '{}') AS actions,
			coalesce(array_agg(DISTINCT k.key) FILTER (WHERE k.key IS NOT NULL), '{}') AS fields,
			max(a.at) AS last_at
		FROM persons p
		LEFT JOIN person_last_seen ls ON ls.person_id = p.id AND ls.user_id = $2
		-- LATERAL with OFFSET 0 keeps the per-person index lookup: a plain join
		-- lets the planner scan the whole audit log once a person has many rows.
		LEFT JOIN LATERAL (
			SELECT a.id, a.action, a.at, a.changes FROM audit_events a
			WHERE a.person_id = p.id AND a.at > coalesce(ls.seen_at, '-infinity'::timestamptz)
				AND a.user_id IS DISTINCT FROM $2 AND NOT `+auditReadActionsSQL+`
			OFFSET 0
		) a ON true
		LEFT JOIN LATERAL jsonb_object_keys(CASE WHEN jsonb_typeof(a.changes) = 'object' THEN a.changes ELSE '{}'::jsonb END) AS k(key) ON true
		WHERE p.id = ANY($1) AND `+where+`
		GROUP BY p.id, ls.seen_at`, append([]any{ids, s.UserID}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var c SeenChange
		var last *time.Time
		if err := rows.Scan(&id, &c.Never, &c.Changes, &c.Actions, &c.Fields, &last); err != nil {
			return nil, err
		}
		if last != nil {
			c.LastAt = *last
		}
		slices.Sort(c.Actions)
		slices.Sort(c.Fields)
		out[id] = c
	}
	return out, rows.Err()
}
