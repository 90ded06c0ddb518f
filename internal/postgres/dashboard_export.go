package postgres

import (
	"context"

	"ankomst/internal/domain"

	"github.com/jackc/pgx/v5"
)

// AuditDashboardExport writes the audit row of a dashboard CSV (the
// unit — 0 for all units —, the months and the number of rows), committed
// before the first byte is sent: every export is audited, counts included.
func (db *DB) AuditDashboardExport(ctx context.Context, s domain.Scope, q DashboardQuery, rows int) error {
	if err := checkDashUnit(s, q.UnitID); err != nil {
		return err
	}
	unit := q.UnitID
	if unit == 0 && !s.Role.Can(domain.CapAllUnits) {
		unit = s.UnitID
	}
	period := q.From.Format("2006-01") + " – " + q.To.Format("2006-01")
	return db.WithTx(ctx, func(tx pgx.Tx) error {
		return writeAudit(ctx, tx, s, auditEvent{Action: domain.ActionExport, Entity: domain.EntityDashboardReport,
			Details: &domain.AuditDetails{UnitID: unit, Format: "csv", Rows: rows, Period: period}})
	})
}
