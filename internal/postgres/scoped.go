package postgres

import (
	"context"
	"errors"

	"ankomst/internal/domain"

	"github.com/jackc/pgx/v5"
)

// Scoped existence checks: is a record there within the user's scope? Each
// is one indexed query composing unitScope; it writes nothing (no audit row,
// no last-seen mark) and answers nil or the domain ENOTFOUND error the full
// lookup gives. Handlers call them on the error path of a refused form,
// before answering 422, so that a record out of scope is 404 whatever the
// request body says, and the happy path stays at one store call.

// existsInScope runs a `SELECT 1 … WHERE …` and maps no row to ENOTFOUND
// with the message notFound. Every role reads records in its scope; a scope
// without a valid role or unit finds nothing (unitScope gives "false").
func existsInScope(ctx context.Context, q querier, notFound, sql string, args ...any) error {
	var one int
	err := q.QueryRow(ctx, sql, args...).Scan(&one)
	if errors.Is(err, pgx.ErrNoRows) {
		return domain.Errorf(domain.ENOTFOUND, "%s", notFound)
	}
	return err
}

// PersonInScope reports whether the person is in the user's scope: nil, or
// ENOTFOUND "Fant ikke personen." (as GetPerson, without its audit row).
func (db *DB) PersonInScope(ctx context.Context, s domain.Scope, id int64) error {
	where, args := unitScope(s, "p.unit_id", 2)
	return existsInScope(ctx, db.Pool, "Fant ikke personen.",
		`SELECT 1 FROM persons p WHERE p.id = $1 AND `+where, append([]any{id}, args...)...)
}

// HouseholdInScope reports whether the household is in the user's scope:
// nil, or ENOTFOUND "Fant ikke husstanden." (as GetHousehold, without its
// audit rows).
func (db *DB) HouseholdInScope(ctx context.Context, s domain.Scope, id int64) error {
	where, args := unitScope(s, "h.unit_id", 2)
	return existsInScope(ctx, db.Pool, "Fant ikke husstanden.",
		`SELECT 1 FROM households h WHERE h.id = $1 AND `+where, append([]any{id}, args...)...)
}

// TaskInScope reports whether the task belongs to the person and the person
// is in the user's scope: nil, or ENOTFOUND "Fant ikke oppgaven." (as
// GetTask and MarkTask).
func (db *DB) TaskInScope(ctx context.Context, s domain.Scope, personID, taskID int64) error {
	where, args := unitScope(s, "p.unit_id", 3)
	return existsInScope(ctx, db.Pool, "Fant ikke oppgaven.",
		`SELECT 1 FROM tasks t JOIN persons p ON p.id = t.person_id
		WHERE t.id = $1 AND t.person_id = $2 AND `+where, append([]any{taskID, personID}, args...)...)
}

// DeadlineInScope reports whether the person in the user's scope has the
// deadline kind, and the role may see it (a health deadline for the health
// role alone): nil, or ENOTFOUND "Fant ikke fristen." (as MarkDeadline).
// Unlike GetDeadline it writes no health read event.
func (db *DB) DeadlineInScope(ctx context.Context, s domain.Scope, personID int64, kind string) error {
	if _, err := visibleRule(s, kind); err != nil {
		return err
	}
	where, args := unitScope(s, "p.unit_id", 3)
	return existsInScope(ctx, db.Pool, "Fant ikke fristen.",
		`SELECT 1 FROM deadlines d JOIN persons p ON p.id = d.person_id
		WHERE d.person_id = $1 AND d.kind = $2 AND `+where, append([]any{personID, kind}, args...)...)
}
