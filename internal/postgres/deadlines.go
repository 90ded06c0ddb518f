package postgres

import (
	"context"

	"ankomst/internal/domain"
)

// PersonDeadlines returns the computed deadlines and manual tasks of a person
// in scope (stub until the deadlines module lands).
func (db *DB) PersonDeadlines(ctx context.Context, s domain.Scope, personID int64) ([]domain.Deadline, error) {
	return nil, nil
}
