package postgres

import (
	"slices"
	"strconv"
	"strings"

	"ankomst/internal/domain"
)

// unitScope is the one place that turns a user's scope into SQL: a predicate
// on the unit column col, with its arguments numbered from n. Admins see every
// unit; every other role sees its own unit. Every query that reads people or
// their records composes it.
func unitScope(s domain.Scope, col string, n int) (string, []any) {
	if s.Role.Can(domain.CapAllUnits) {
		return "true", nil
	}
	if s.UnitID == 0 || !s.Role.Valid() {
		return "false", nil
	}
	return col + " = $" + strconv.Itoa(n), []any{s.UnitID}
}

// holdCaseloadRoles is the SQL list of the roles that may hold a caseload
// (domain.CapHoldCaseload), e.g. ('caseworker', 'leader'): a literal, so the
// planner treats it as it did the hand-written list.
func holdCaseloadRoles() string {
	roles := domain.RolesWith(domain.CapHoldCaseload)
	for i, r := range roles {
		roles[i] = "'" + strings.ReplaceAll(r, "'", "''") + "'"
	}
	return "(" + strings.Join(roles, ", ") + ")"
}

// trimPage cuts the rows of a keyset query (fetched with limit+1) to the page
// and tells whether there are pages before and after it. A backward query
// (the previous page) read its rows in reverse order; they are turned around.
func trimPage[T any](rows []T, limit int, backward, fromCursor bool) (page []T, hasPrev, hasNext bool) {
	more := len(rows) > limit
	if more {
		rows = rows[:limit]
	}
	if backward {
		slices.Reverse(rows)
		return rows, more, true
	}
	return rows, fromCursor, more
}
