package postgres

import (
	"context"
	"encoding/json"
	"time"

	"ankomst/internal/domain"

	"github.com/jackc/pgx/v5"
)

// Audit actions.
const (
	ActionCreate      = "create"
	ActionUpdate      = "update"
	ActionView        = "view"
	ActionLogin       = "login"
	ActionLoginFailed = "login_failed"
	ActionLogout      = "logout"
)

// auditEvent is one row of the append-only audit log.
type auditEvent struct {
	Action   string
	Entity   string
	EntityID *int64
	PersonID *int64
	Changes  any
}

// writeAudit appends an event in the caller's transaction, so the change and
// its audit row commit or roll back together.
func writeAudit(ctx context.Context, tx pgx.Tx, s domain.Scope, e auditEvent) error {
	var changes []byte
	if e.Changes != nil {
		var err error
		if changes, err = json.Marshal(e.Changes); err != nil {
			return err
		}
	}
	var uid *int64
	if s.UserID != 0 {
		uid = &s.UserID
	}
	_, err := tx.Exec(ctx, `
		INSERT INTO audit_events (user_id, user_role, action, entity, entity_id, person_id, changes, request_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		uid, string(s.Role), e.Action, e.Entity, e.EntityID, e.PersonID, changes, s.RequestID)
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
	RequestID string          `db:"request_id"`
}

// PersonAudit returns the audit events of a person, newest first. Only for
// leaders and admins within scope.
func (db *DB) PersonAudit(ctx context.Context, s domain.Scope, personID int64, limit int) ([]AuditEvent, error) {
	if s.Role != domain.RoleLeader && s.Role != domain.RoleAdmin {
		return nil, domain.Errorf(domain.EFORBIDDEN, "Du har ikke tilgang til innsynsloggen.")
	}
	if _, err := db.personUnit(ctx, db.Pool, s, personID); err != nil {
		return nil, err
	}
	rows, err := db.Pool.Query(ctx, `
		SELECT a.id, a.at, a.user_id, u.name AS user_name, a.user_role, a.action, a.entity,
		       a.entity_id, a.person_id, a.changes, a.request_id
		FROM audit_events a LEFT JOIN users u ON u.id = a.user_id
		WHERE a.person_id = $1
		ORDER BY a.at DESC, a.id DESC
		LIMIT $2`, personID, limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByName[AuditEvent])
}
