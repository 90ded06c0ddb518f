package postgres

import (
	"context"
	"errors"
	"time"

	"ankomst/internal/domain"

	"github.com/jackc/pgx/v5"
)

// Closure is a case's status with its end date and reason (when closed).
type Closure struct {
	Status      string     `db:"status"`
	ClosedOn    *time.Time `db:"closed_on"`
	CloseReason *string    `db:"close_reason"`
	Version     int        `db:"version"`
}

// PersonClosure returns the status, end date and reason of a person's case
// within scope. It does not audit: the person page's GetPerson has.
func (db *DB) PersonClosure(ctx context.Context, s domain.Scope, personID int64) (Closure, error) {
	where, args := unitScope(s, "p.unit_id", 2)
	rows, err := db.Pool.Query(ctx, `SELECT p.status, p.closed_on, p.close_reason, p.version
		FROM persons p WHERE p.id = $1 AND `+where, append([]any{personID}, args...)...)
	if err != nil {
		return Closure{}, err
	}
	c, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[Closure])
	if errors.Is(err, pgx.ErrNoRows) {
		return c, domain.Errorf(domain.ENOTFOUND, "Fant ikke personen.")
	}
	return c, err
}

// ClosePerson closes a person's case (status avsluttet) with an end date and
// a reason, on the version the user saw. The person leaves the active lists
// but stays searchable.
func (db *DB) ClosePerson(ctx context.Context, s domain.Scope, id int64, in domain.CloseInput) (*domain.Person, error) {
	if err := s.Role.Require(domain.CapWriteCase); err != nil {
		return nil, err
	}
	var out *domain.Person
	err := db.WithTx(ctx, func(tx pgx.Tx) error {
		cur, err := db.lockPersonAt(ctx, tx, s, id, in.Version, caseStaleMessage)
		if err != nil {
			return err
		}
		if cur.Status == domain.StatusClosed {
			return domain.Errorf(domain.ECONFLICT, "Saken er allerede avsluttet.")
		}
		if err := domain.CheckClose(in, db.today(), cur.ArrivalDate, cur.SettlementDate); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE persons SET status = 'closed', closed_on = $2, close_reason = $3,
				version = version + 1, updated_at = now(), updated_by = $4
			WHERE id = $1`, id, in.ClosedOn, in.Reason, s.UserID); err != nil {
			return err
		}
		ch := domain.Changes{
			"status":       {Old: cur.Status, New: domain.StatusClosed},
			"closed_on":    {Old: "", New: dateStr(&in.ClosedOn)},
			"close_reason": {Old: "", New: in.Reason},
		}
		if err := writeAudit(ctx, tx, s, auditEvent{Action: ActionClose, Entity: "person", EntityID: &id, PersonID: &id, Changes: ch}); err != nil {
			return err
		}
		out, err = db.getPerson(ctx, tx, s, id, false)
		return err
	})
	return out, err
}

// caseStaleMessage answers a close or reopen based on an old version.
const caseStaleMessage = "Personen er endret av noen andre siden du åpnet siden. Ingenting er lagret."

// ReopenPerson makes a closed case active again, on the version the user saw;
// the end date and reason are cleared (the audit log keeps them).
func (db *DB) ReopenPerson(ctx context.Context, s domain.Scope, id int64, version int) (*domain.Person, error) {
	if err := s.Role.Require(domain.CapWriteCase); err != nil {
		return nil, err
	}
	var out *domain.Person
	err := db.WithTx(ctx, func(tx pgx.Tx) error {
		cur, err := db.lockPersonAt(ctx, tx, s, id, version, caseStaleMessage)
		if err != nil {
			return err
		}
		if cur.Status != domain.StatusClosed {
			return domain.Errorf(domain.ECONFLICT, "Saken er ikke avsluttet.")
		}
		var closedOn *time.Time
		var reason *string
		if err := tx.QueryRow(ctx, `SELECT closed_on, close_reason FROM persons WHERE id = $1`, id).Scan(&closedOn, &reason); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE persons SET status = 'active', closed_on = NULL, close_reason = NULL,
				version = version + 1, updated_at = now(), updated_by = $2
			WHERE id = $1`, id, s.UserID); err != nil {
			return err
		}
		ch := domain.Changes{
			"status":       {Old: cur.Status, New: domain.StatusActive},
			"closed_on":    {Old: dateStr(closedOn), New: ""},
			"close_reason": {Old: strPtr(reason), New: ""},
		}
		if err := writeAudit(ctx, tx, s, auditEvent{Action: ActionReopen, Entity: "person", EntityID: &id, PersonID: &id, Changes: ch}); err != nil {
			return err
		}
		out, err = db.getPerson(ctx, tx, s, id, false)
		return err
	})
	return out, err
}
