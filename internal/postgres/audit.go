package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"time"

	"ankomst/internal/domain"

	"github.com/jackc/pgx/v5"
)

// Audit actions: the names of the domain's action table (domain/audit.go),
// which says how each is labelled and whether it shows on the timeline.
const (
	ActionCreate        = domain.ActionCreate
	ActionUpdate        = domain.ActionUpdate
	ActionView          = domain.ActionView
	ActionClose         = domain.ActionClose
	ActionReopen        = domain.ActionReopen
	ActionReassign      = domain.ActionReassign
	ActionViewAudit     = domain.ActionViewAudit
	ActionExportAudit   = domain.ActionExportAudit
	ActionMerge         = domain.ActionMerge
	ActionAddMember     = domain.ActionAddMember
	ActionRemoveMember  = domain.ActionRemoveMember
	ActionReunification = domain.ActionReunification
	ActionLogin         = domain.ActionLogin
	ActionLoginFailed   = domain.ActionLoginFailed
	ActionLogout        = domain.ActionLogout
)

// auditEvent is one row of the append-only audit log. Every write records
// what it changed in the one shape the timeline and the access log read
// (domain.Changes); other facts go in Details, stored apart.
type auditEvent struct {
	Action   string
	Entity   string
	EntityID *int64
	PersonID *int64
	Changes  domain.Changes
	Details  *domain.AuditDetails
}

// writeAudit appends an event in the caller's transaction, so the change and
// its audit row commit or roll back together.
func writeAudit(ctx context.Context, tx pgx.Tx, s domain.Scope, e auditEvent) error {
	var changes, details []byte
	var err error
	if len(e.Changes) > 0 {
		if changes, err = json.Marshal(e.Changes); err != nil {
			return err
		}
	}
	if !e.Details.IsZero() {
		if details, err = json.Marshal(e.Details); err != nil {
			return err
		}
	}
	var uid *int64
	if s.UserID != 0 {
		uid = &s.UserID
	}
	_, err = tx.Exec(ctx, `
		INSERT INTO audit_events (user_id, user_role, action, entity, entity_id, person_id, changes, details, request_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		uid, string(s.Role), e.Action, e.Entity, e.EntityID, e.PersonID, changes, details, s.RequestID)
	return err
}

// AuditEvent is an audit row as read back.
type AuditEvent struct {
	ID        int64           `db:"id"`
	At        time.Time       `db:"at"`
	UserID    *int64          `db:"user_id"`
	UserName  *string         `db:"user_name"`
	UserRole  string          `db:"user_role"`
	Action    string          `db:"action"`
	Entity    string          `db:"entity"`
	EntityID  *int64          `db:"entity_id"`
	PersonID  *int64          `db:"person_id"`
	Changes   json.RawMessage `db:"changes"`
	Details   json.RawMessage `db:"details"`
	RequestID string          `db:"request_id"`
}

// ChangedFields lists the keys of the event's changes (the fields an update
// changed), sorted; nil when the changes are not an object. (Rows written
// before migration 000012 may list a detail among them; it has a label.)
func (e AuditEvent) ChangedFields() []string {
	var m map[string]json.RawMessage
	if len(e.Changes) == 0 || json.Unmarshal(e.Changes, &m) != nil {
		return nil
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// AuditQuery asks for one page of a person's access log, newest first.
type AuditQuery struct {
	Action string // only this action; "" for all
	Before int64  // keyset cursor: the id of the last event of the previous page
	Limit  int
}

// AuditPage is one page of a person's access log.
type AuditPage struct {
	PersonName string
	Events     []AuditEvent
	HasMore    bool
}

// validAuditAction reports whether a filter value can be an action name.
func validAuditAction(a string) bool {
	if len(a) == 0 || len(a) > 40 {
		return false
	}
	for _, r := range a {
		if (r < 'a' || r > 'z') && r != '_' {
			return false
		}
	}
	return true
}

// personAuditSQL selects a person's audit events, and those of the
// registrations merged into it (merge.go; audit_events is append-only, so
// their rows keep the merged person's id); $1 is the person, $2 the action
// filter (empty for all). merged holds the person and everything merged
// into it, transitively.
const personAuditSQL = `
	WITH RECURSIVE merged (id) AS (
		SELECT $1::bigint
		UNION
		SELECT p.id FROM persons p JOIN merged ON p.merged_into = merged.id
	)
	SELECT a.id, a.at, a.user_id, u.name AS user_name, a.user_role, a.action, a.entity,
	       a.entity_id, a.person_id, a.changes, a.details, a.request_id
	FROM audit_events a LEFT JOIN users u ON u.id = a.user_id
	WHERE a.person_id IN (SELECT id FROM merged) AND ($2 = '' OR a.action = $2)`

// auditAccess checks that the user may read the person's access log — a
// leader or admin, and the person within scope — and returns the person's
// full name.
func (db *DB) auditAccess(ctx context.Context, q querier, s domain.Scope, personID int64, action string) (string, error) {
	if err := s.Role.Require(domain.CapLeaderViews); err != nil {
		return "", err
	}
	if action != "" && !validAuditAction(action) {
		return "", domain.Errorf(domain.EINVALID, "Ukjent handling i filteret.")
	}
	where, args := unitScope(s, "p.unit_id", 2)
	var name string
	err := q.QueryRow(ctx, `SELECT p.given_name || ' ' || p.family_name FROM persons p WHERE p.id = $1 AND `+where,
		append([]any{personID}, args...)...).Scan(&name)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", domain.Errorf(domain.ENOTFOUND, "Fant ikke personen.")
	}
	return name, err
}

// PersonAudit returns one page of the audit events of a person — every read
// and change, by whom, in which role — newest first, optionally only one
// action, with keyset paging. Only for leaders and admins within scope (the
// basis for answering a GDPR access request); the read is itself audited.
func (db *DB) PersonAudit(ctx context.Context, s domain.Scope, personID int64, q AuditQuery) (AuditPage, error) {
	if q.Limit <= 0 || q.Limit > 500 {
		q.Limit = 100
	}
	var page AuditPage
	err := db.WithTx(ctx, func(tx pgx.Tx) error {
		var err error
		if page.PersonName, err = db.auditAccess(ctx, tx, s, personID, q.Action); err != nil {
			return err
		}
		args := []any{personID, q.Action}
		sql := personAuditSQL
		if q.Before != 0 {
			args = append(args, q.Before)
			sql += ` AND (a.at, a.id) < (SELECT c.at, c.id FROM audit_events c WHERE c.id = $3 AND c.person_id IN (SELECT id FROM merged))`
		}
		rows, err := tx.Query(ctx, sql+` ORDER BY a.at DESC, a.id DESC LIMIT `+strconv.Itoa(q.Limit+1), args...)
		if err != nil {
			return err
		}
		if page.Events, err = pgx.CollectRows(rows, pgx.RowToStructByName[AuditEvent]); err != nil {
			return err
		}
		if len(page.Events) > q.Limit {
			page.Events, page.HasMore = page.Events[:q.Limit], true
		}
		return writeAudit(ctx, tx, s, auditEvent{Action: ActionViewAudit, Entity: "person", EntityID: &personID, PersonID: &personID})
	})
	return page, err
}

// ExportPersonAudit writes a person's whole access log (optionally only one
// action), newest first, through each — for a CSV export. The export is
// audited before the first row is handed out, in its own transaction, so it
// stays on record even if the download breaks off.
func (db *DB) ExportPersonAudit(ctx context.Context, s domain.Scope, personID int64, action string, each func(AuditEvent) error) error {
	err := db.WithTx(ctx, func(tx pgx.Tx) error {
		if _, err := db.auditAccess(ctx, tx, s, personID, action); err != nil {
			return err
		}
		return writeAudit(ctx, tx, s, auditEvent{Action: ActionExportAudit, Entity: domain.EntityPerson, EntityID: &personID, PersonID: &personID,
			Details: &domain.AuditDetails{ActionFilter: action}})
	})
	if err != nil {
		return err
	}
	rows, err := db.Pool.Query(ctx, personAuditSQL+` ORDER BY a.at DESC, a.id DESC`, personID, action)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		e, err := pgx.RowToStructByName[AuditEvent](rows)
		if err != nil {
			return err
		}
		if err := each(e); err != nil {
			return err
		}
	}
	return rows.Err()
}
