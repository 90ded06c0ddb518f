package postgres

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"ankomst/internal/domain"

	"github.com/jackc/pgx/v5"
)

// MaxReassign is the most persons one bulk reassignment may move.
const MaxReassign = 500

// ---- Caseload overview ----

// CaseloadCount is one caseworker's number of active cases.
type CaseloadCount struct {
	UserID   int64  `db:"user_id"`
	Name     string `db:"name"`
	UnitName string `db:"unit_name"`
	Role     string `db:"role"`
	Active   bool   `db:"active"`
	Persons  int    `db:"persons"`
}

// Caseload is the caseload overview: per caseworker, and the unassigned.
type Caseload struct {
	Counts     []CaseloadCount
	Unassigned int
}

// CaseloadCounts counts the active cases per caseworker within scope: every
// active caseworker and leader of the scope's units (even with none), and
// anyone else who still has cases (a deactivated user, say).
func (db *DB) CaseloadCounts(ctx context.Context, s domain.Scope) (Caseload, error) {
	if err := s.Role.Require(domain.CapReassign); err != nil {
		return Caseload{}, err
	}
	pw, args := unitScope(s, "p.unit_id", 1)
	uw, uargs := unitScope(s, "u.unit_id", len(args)+1)
	args = append(args, uargs...)
	rows, err := db.Pool.Query(ctx, `
		WITH load AS (
			SELECT p.caseworker_id, count(*) AS n FROM persons p
			WHERE p.status = 'active' AND `+pw+`
			GROUP BY p.caseworker_id
		)
		SELECT coalesce(u.id, 0) AS user_id, coalesce(u.name, '') AS name, coalesce(n.name, '') AS unit_name,
			coalesce(u.role, '') AS role, coalesce(u.active, false) AS active, coalesce(l.n, 0)::int AS persons
		FROM users u
		JOIN units n ON n.id = u.unit_id
		FULL JOIN load l ON l.caseworker_id = u.id
		WHERE (u.id IS NULL AND l.caseworker_id IS NULL)
		   OR l.n IS NOT NULL
		   OR (u.active AND u.role IN `+holdCaseloadRoles()+` AND `+uw+`)
		ORDER BY u.id IS NULL, n.name, u.name, u.id`, args...)
	if err != nil {
		return Caseload{}, err
	}
	all, err := pgx.CollectRows(rows, pgx.RowToStructByName[CaseloadCount])
	if err != nil {
		return Caseload{}, err
	}
	var out Caseload
	for _, c := range all {
		if c.UserID == 0 {
			out.Unassigned = c.Persons
			continue
		}
		out.Counts = append(out.Counts, c)
	}
	return out, nil
}

// CaseloadQuery asks for one page of active cases on the caseload page.
type CaseloadQuery struct {
	// Caseworker filters by the current caseworker: 0 for everyone,
	// UnassignedCaseworker for those without one.
	Caseworker int64
	After      int64 // keyset cursor: the id of the last row of the previous page
	Limit      int
}

// UnassignedCaseworker in CaseloadQuery.Caseworker asks for cases without a caseworker.
const UnassignedCaseworker = -1

// CaseloadRow is one active case on the caseload page.
type CaseloadRow struct {
	ID             int64     `db:"id"`
	GivenName      string    `db:"given_name"`
	FamilyName     string    `db:"family_name"`
	BirthDate      time.Time `db:"birth_date"`
	UnitName       string    `db:"unit_name"`
	CaseworkerID   *int64    `db:"caseworker_id"`
	CaseworkerName *string   `db:"caseworker_name"`
}

// CaseloadPage is one page of CaseloadRows.
type CaseloadPage struct {
	Rows    []CaseloadRow
	HasNext bool
}

// CaseloadPersons lists active cases within scope by name, for picking whom
// to reassign.
func (db *DB) CaseloadPersons(ctx context.Context, s domain.Scope, q CaseloadQuery) (CaseloadPage, error) {
	if err := s.Role.Require(domain.CapReassign); err != nil {
		return CaseloadPage{}, err
	}
	if q.Limit <= 0 || q.Limit > 500 {
		q.Limit = 100
	}
	where, args := unitScope(s, "p.unit_id", 1)
	conds := []string{where, "p.status = 'active'"}
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	switch {
	case q.Caseworker == UnassignedCaseworker:
		conds = append(conds, "p.caseworker_id IS NULL")
	case q.Caseworker > 0:
		conds = append(conds, "p.caseworker_id = "+arg(q.Caseworker))
	}
	if q.After != 0 {
		n := arg(q.After)
		cw, cargs := unitScope(s, "c.unit_id", len(args)+1)
		args = append(args, cargs...)
		conds = append(conds, "(p.family_key, p.given_key, p.id) > (SELECT c.family_key, c.given_key, c.id FROM persons c WHERE c.id = "+n+" AND "+cw+")")
	}
	rows, err := db.Pool.Query(ctx, `
		SELECT p.id, p.given_name, p.family_name, p.birth_date, n.name AS unit_name,
			p.caseworker_id, cw.name AS caseworker_name
		FROM persons p JOIN units n ON n.id = p.unit_id LEFT JOIN users cw ON cw.id = p.caseworker_id
		WHERE `+strings.Join(conds, " AND ")+`
		ORDER BY p.family_key, p.given_key, p.id
		LIMIT `+strconv.Itoa(q.Limit+1), args...)
	if err != nil {
		return CaseloadPage{}, err
	}
	list, err := pgx.CollectRows(rows, pgx.RowToStructByName[CaseloadRow])
	if err != nil {
		return CaseloadPage{}, err
	}
	page := CaseloadPage{Rows: list}
	if len(list) > q.Limit {
		page.Rows, page.HasNext = list[:q.Limit], true
	}
	return page, nil
}

// CaseloadOverview is the caseload page in one read: the counts, one page
// of active cases and the caseworkers cases can be moved to.
type CaseloadOverview struct {
	Caseload
	Page    CaseloadPage
	Targets []domain.User
}

// CaseloadOverview reads the caseload page: CaseloadCounts, CaseloadPersons
// and the assignable caseworkers, all within scope. Leaders and admins only.
func (db *DB) CaseloadOverview(ctx context.Context, s domain.Scope, q CaseloadQuery) (CaseloadOverview, error) {
	var out CaseloadOverview
	var err error
	if out.Caseload, err = db.CaseloadCounts(ctx, s); err != nil {
		return out, err
	}
	if out.Page, err = db.CaseloadPersons(ctx, s, q); err != nil {
		return out, err
	}
	out.Targets, err = db.Caseworkers(ctx, s)
	return out, err
}

// ---- Bulk reassignment ----

// ReassignItem is one person a reassignment moves, as previewed.
type ReassignItem struct {
	PersonID   int64
	GivenName  string
	FamilyName string
	FromID     *int64
	FromName   *string
	Version    int
}

// ReassignSkip is a chosen person a reassignment leaves alone, and why.
type ReassignSkip struct {
	PersonID   int64
	GivenName  string
	FamilyName string
	Reason     string // Norwegian, for display
}

// ReassignPreview is what a reassignment would do; nothing is saved.
type ReassignPreview struct {
	ToID    int64
	ToName  string
	Changes []ReassignItem
	Skipped []ReassignSkip
	// Missing counts chosen ids that do not exist or are outside the scope
	// (which of them is not told).
	Missing int
}

type reassignRow struct {
	ID           int64   `db:"id"`
	GivenName    string  `db:"given_name"`
	FamilyName   string  `db:"family_name"`
	UnitID       int64   `db:"unit_id"`
	Status       string  `db:"status"`
	Version      int     `db:"version"`
	CaseworkerID *int64  `db:"caseworker_id"`
	FromName     *string `db:"from_name"`
}

type reassignTarget struct {
	ID     int64
	Name   string
	UnitID int64
}

// reassignTarget returns the caseworker to move persons to: an active
// caseworker or leader within scope.
func reassignTargetOf(ctx context.Context, q querier, s domain.Scope, toID int64) (reassignTarget, error) {
	where, args := unitScope(s, "u.unit_id", 2)
	var t reassignTarget
	err := q.QueryRow(ctx, `SELECT u.id, u.name, u.unit_id FROM users u
		WHERE u.id = $1 AND u.active AND u.role IN `+holdCaseloadRoles()+` AND `+where,
		append([]any{toID}, args...)...).Scan(&t.ID, &t.Name, &t.UnitID)
	if errors.Is(err, pgx.ErrNoRows) {
		return t, &domain.Error{Code: domain.EINVALID, Message: "Skjemaet har feil. Rett opp feltene som er merket.",
			Fields: map[string]string{"to": "Velg en programrådgiver i enheten."}}
	}
	return t, err
}

func uniqueReassignIDs(ids []int64) []int64 {
	out := make([]int64, 0, len(ids))
	for _, id := range ids {
		if id > 0 && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

func checkReassignIDs(ids []int64) error {
	if len(ids) == 0 {
		return &domain.Error{Code: domain.EINVALID, Message: "Skjemaet har feil. Rett opp feltene som er merket.",
			Fields: map[string]string{"person": "Velg minst én deltaker."}}
	}
	if len(ids) > MaxReassign {
		return &domain.Error{Code: domain.EINVALID, Message: "Skjemaet har feil. Rett opp feltene som er merket.",
			Fields: map[string]string{"person": "Du kan flytte høyst " + strconv.Itoa(MaxReassign) + " deltakere om gangen."}}
	}
	return nil
}

// reassignRows reads the chosen persons within scope, by name.
func reassignRows(ctx context.Context, q querier, s domain.Scope, ids []int64, lock bool) ([]reassignRow, error) {
	where, args := unitScope(s, "p.unit_id", 2)
	sql := `SELECT p.id, p.given_name, p.family_name, p.unit_id, p.status, p.version, p.caseworker_id,
			cw.name AS from_name
		FROM persons p LEFT JOIN users cw ON cw.id = p.caseworker_id
		WHERE p.id = ANY($1) AND ` + where + `
		ORDER BY p.family_key, p.given_key, p.id`
	if lock {
		sql += ` FOR UPDATE OF p`
	}
	rows, err := q.Query(ctx, sql, append([]any{ids}, args...)...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByName[reassignRow])
}

// reassignSkipReason says why a person would not be moved to t, or "".
func reassignSkipReason(r reassignRow, t reassignTarget) string {
	switch {
	case r.Status != domain.StatusActive:
		return "Saken er avsluttet."
	case r.UnitID != t.UnitID:
		return "Deltakeren hører til en annen enhet enn programrådgiveren."
	case r.CaseworkerID != nil && *r.CaseworkerID == t.ID:
		return "Har allerede denne programrådgiveren."
	}
	return ""
}

// PreviewReassign shows what moving the persons to the caseworker toID would
// change, saving nothing. Leaders and admins only; persons outside the scope
// are counted in Missing, never named.
func (db *DB) PreviewReassign(ctx context.Context, s domain.Scope, personIDs []int64, toID int64) (ReassignPreview, error) {
	if err := s.Role.Require(domain.CapReassign); err != nil {
		return ReassignPreview{}, err
	}
	ids := uniqueReassignIDs(personIDs)
	if err := checkReassignIDs(ids); err != nil {
		return ReassignPreview{}, err
	}
	t, err := reassignTargetOf(ctx, db.Pool, s, toID)
	if err != nil {
		return ReassignPreview{}, err
	}
	rows, err := reassignRows(ctx, db.Pool, s, ids, false)
	if err != nil {
		return ReassignPreview{}, err
	}
	p := ReassignPreview{ToID: t.ID, ToName: t.Name, Missing: len(ids) - len(rows)}
	for _, r := range rows {
		if why := reassignSkipReason(r, t); why != "" {
			p.Skipped = append(p.Skipped, ReassignSkip{PersonID: r.ID, GivenName: r.GivenName, FamilyName: r.FamilyName, Reason: why})
			continue
		}
		p.Changes = append(p.Changes, ReassignItem{PersonID: r.ID, GivenName: r.GivenName, FamilyName: r.FamilyName,
			FromID: r.CaseworkerID, FromName: r.FromName, Version: r.Version})
	}
	return p, nil
}

// ReassignStale is a previewed person that changed before the reassignment.
type ReassignStale struct {
	PersonID   int64
	GivenName  string
	FamilyName string
	Why        string // Norwegian, for display
}

// ReassignStaleError refuses a reassignment whose preview no longer holds:
// a person changed, closed, or went out of reach since. Nothing is saved.
type ReassignStaleError struct {
	Changed []ReassignStale
	// Missing counts previewed persons that are gone or out of scope.
	Missing int
}

func (e *ReassignStaleError) Error() string { return "reassign: stale preview" }
func (e *ReassignStaleError) Unwrap() error {
	return domain.Errorf(domain.ECONFLICT, "Noen av deltakerne er endret etter forhåndsvisningen. Ingenting er lagret.")
}

// ReassignResult is what a reassignment did.
type ReassignResult struct {
	Moved  int
	ToName string
}

// ReassignPersons moves exactly the previewed persons (id → the version seen
// in the preview) to the caseworker toID, in one transaction with an audit
// row per person. If any of them changed since the preview (another
// version, closed, moved out of scope), nothing is saved and a
// *ReassignStaleError tells which.
func (db *DB) ReassignPersons(ctx context.Context, s domain.Scope, toID int64, expected map[int64]int) (ReassignResult, error) {
	if err := s.Role.Require(domain.CapReassign); err != nil {
		return ReassignResult{}, err
	}
	ids := make([]int64, 0, len(expected))
	for id := range expected {
		if id > 0 {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	if err := checkReassignIDs(ids); err != nil {
		return ReassignResult{}, err
	}
	var res ReassignResult
	err := db.WithTx(ctx, func(tx pgx.Tx) error {
		t, err := reassignTargetOf(ctx, tx, s, toID)
		if err != nil {
			return err
		}
		res.ToName = t.Name
		rows, err := reassignRows(ctx, tx, s, ids, true)
		if err != nil {
			return err
		}
		stale := &ReassignStaleError{Missing: len(ids) - len(rows)}
		for _, r := range rows {
			why := reassignSkipReason(r, t)
			if r.Version != expected[r.ID] {
				why = "Endret av noen andre etter forhåndsvisningen (versjon " + strconv.Itoa(expected[r.ID]) +
					" → " + strconv.Itoa(r.Version) + ")."
			}
			if why != "" {
				stale.Changed = append(stale.Changed, ReassignStale{PersonID: r.ID, GivenName: r.GivenName, FamilyName: r.FamilyName, Why: why})
			}
		}
		if stale.Missing > 0 || len(stale.Changed) > 0 {
			return stale
		}
		if _, err := tx.Exec(ctx, `UPDATE persons SET caseworker_id = $2, version = version + 1,
				updated_at = now(), updated_by = $3
			WHERE id = ANY($1)`, ids, t.ID, s.UserID); err != nil {
			return err
		}
		for _, r := range rows {
			id := r.ID
			ch := domain.Changes{"caseworker_id": {Old: idStr(r.CaseworkerID), New: strconv.FormatInt(t.ID, 10)}}
			if err := writeAudit(ctx, tx, s, auditEvent{Action: ActionReassign, Entity: "person", EntityID: &id, PersonID: &id, Changes: ch}); err != nil {
				return err
			}
		}
		res.Moved = len(rows)
		return nil
	})
	return res, err
}
