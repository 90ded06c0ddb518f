package postgres

import (
	"context"
	"fmt"
)

// AppRole is the database role the server runs as (directly, or through a
// login role that is a member of it). Migration 000011 grants it row access
// only: no DDL, no TRUNCATE, and INSERT/SELECT alone on the audit log.
const AppRole = "ankomst_app"

// PrivilegeProblems lists what the connected role may do beyond what the
// server needs (superuser, owning tables, truncating or rewriting the audit
// log). serve logs them: running as the owner works, but then nothing stops a
// bug from erasing the audit trail.
func (db *DB) PrivilegeProblems(ctx context.Context) ([]string, error) {
	var (
		user                             string
		super, owns, truncate, updateLog bool
	)
	err := db.Pool.QueryRow(ctx, `
		SELECT current_user,
		       (SELECT rolsuper FROM pg_roles WHERE rolname = current_user),
		       EXISTS (SELECT 1 FROM pg_tables WHERE schemaname = 'public'
		               AND pg_has_role(current_user, tableowner, 'USAGE')),
		       has_table_privilege('audit_events', 'TRUNCATE'),
		       has_table_privilege('audit_events', 'UPDATE') OR has_table_privilege('audit_events', 'DELETE')`).
		Scan(&user, &super, &owns, &truncate, &updateLog)
	if err != nil {
		return nil, err
	}
	var p []string
	if super {
		p = append(p, fmt.Sprintf("role %s is a superuser", user))
	}
	if owns {
		p = append(p, fmt.Sprintf("role %s owns tables (it can alter them and disable their triggers)", user))
	}
	if truncate {
		p = append(p, fmt.Sprintf("role %s may truncate the audit log", user))
	}
	if updateLog {
		p = append(p, fmt.Sprintf("role %s may update or delete audit rows", user))
	}
	return p, nil
}
