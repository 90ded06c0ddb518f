package postgres

import (
	"context"
	"encoding/json"
	"slices"
	"time"

	"ankomst/internal/domain"

	"github.com/jackc/pgx/v5"
)

// Audit actions: the names of the domain's action table (domain/audit.go),
// which says how each is labelled and whether it shows on the timeline.
const (
	ActionCreate        = domain.ActionCreate
	ActionLoginPassword = domain.ActionLoginPassword
	ActionEnable2FA     = domain.ActionEnable2FA
	ActionDisable2FA    = domain.ActionDisable2FA
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
