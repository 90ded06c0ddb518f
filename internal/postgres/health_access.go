package postgres

import (
	"context"
	"encoding/json"
	"strconv"

	"ankomst/internal/domain"

	"github.com/jackc/pgx/v5"
)

// A person's health access report (issue 10, item 6): every audit event of
// the person whose entity starts with "health" (reads with their purpose,
// changes, exports), newest first, from audit_events_health_idx. For leaders
// and admins within scope (CapLeaderViews: whoever answers a GDPR access
// request), like the person's full access log (accesslog.go); the health
// role itself does not see who else read. Reading the report and exporting
// it are logged under EntityHealthAccess, so they show in the report too.

// EntityHealthAccess is the audited entity of a read or export of a
// person's health access report.
const EntityHealthAccess = "health_access"

// personHealthAccessSQL selects the health events of a person and of the
// registrations merged into it; $1 is the person.
const personHealthAccessSQL = `
	WITH RECURSIVE merged (id) AS (
		SELECT $1::bigint
		UNION
		SELECT p.id FROM persons p JOIN merged ON p.merged_into = merged.id
	)
	SELECT a.id, a.at, a.user_id, u.name AS user_name, a.user_role, a.action, a.entity,
	       a.entity_id, a.person_id, a.changes, a.details, a.request_id
	FROM audit_events a LEFT JOIN users u ON u.id = a.user_id
	WHERE a.person_id IN (SELECT id FROM merged) AND a.entity LIKE 'health%'`

// HealthAccessPage is one page of a person's health access report.
type HealthAccessPage struct {
	PersonName string
	Events     []AuditEvent
	HasMore    bool
}

// HealthPurposeOf is the purpose an event's details record ("" when none).
func HealthPurposeOf(e AuditEvent) string {
	var d domain.AuditDetails
	if len(e.Details) == 0 || json.Unmarshal(e.Details, &d) != nil {
		return ""
	}
	return d.Purpose
}

// HealthPurposeTextOf is the free text of purpose "annet", if any.
func HealthPurposeTextOf(e AuditEvent) string {
	var d domain.AuditDetails
	if len(e.Details) == 0 || json.Unmarshal(e.Details, &d) != nil {
		return ""
	}
	return d.PurposeText
}

// PersonHealthAccess returns one page of a person's health access report,
// newest first (Before: the id of the last event of the previous page), and
// logs the read.
func (db *DB) PersonHealthAccess(ctx context.Context, s domain.Scope, personID, before int64, limit int) (HealthAccessPage, error) {
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	var page HealthAccessPage
	err := db.WithTx(ctx, func(tx pgx.Tx) error {
		var err error
		if page.PersonName, err = db.auditAccess(ctx, tx, s, personID, ""); err != nil {
			return err
		}
		sql, args := personHealthAccessSQL, []any{personID}
		if before != 0 {
			args = append(args, before)
			sql += ` AND (a.at, a.id) < (SELECT c.at, c.id FROM audit_events c WHERE c.id = $2 AND c.person_id IN (SELECT id FROM merged))`
		}
		rows, err := tx.Query(ctx, sql+` ORDER BY a.at DESC, a.id DESC LIMIT `+strconv.Itoa(limit+1), args...)
		if err != nil {
			return err
		}
		if page.Events, err = pgx.CollectRows(rows, pgx.RowToStructByName[AuditEvent]); err != nil {
			return err
		}
		if len(page.Events) > limit {
			page.Events, page.HasMore = page.Events[:limit], true
		}
		return writeAudit(ctx, tx, s, auditEvent{Action: domain.ActionViewAudit, Entity: EntityHealthAccess, EntityID: &personID, PersonID: &personID})
	})
	return page, err
}

// ExportPersonHealthAccess hands a person's whole health access report,
// newest first, to each — for the CSV. The export is logged (export_audit,
// EntityHealthAccess) in its own transaction before the first row, so it
// stays on record even if the download breaks off.
func (db *DB) ExportPersonHealthAccess(ctx context.Context, s domain.Scope, personID int64, each func(AuditEvent) error) error {
	err := db.WithTx(ctx, func(tx pgx.Tx) error {
		if _, err := db.auditAccess(ctx, tx, s, personID, ""); err != nil {
			return err
		}
		return writeAudit(ctx, tx, s, auditEvent{Action: domain.ActionExportAudit, Entity: EntityHealthAccess, EntityID: &personID, PersonID: &personID})
	})
	if err != nil {
		return err
	}
	rows, err := db.Pool.Query(ctx, personHealthAccessSQL+` ORDER BY a.at DESC, a.id DESC`, personID)
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
