package postgres

import (
	"context"
	"errors"
	"strconv"

	"ankomst/internal/domain"

	"github.com/jackc/pgx/v5"
)

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
	       a.entity_id, a.person_id, ` + maskedChangesSQLConst + ` AS changes, a.details, a.request_id
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
