package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"ankomst/internal/domain"

	"github.com/jackc/pgx/v5"
)

// The health follow-up's store (issue 10): a checklist per person
// (health_items), created and re-dated from the person's dates in the
// person's own transaction, read by the health role alone with the read's
// audit row (and its purpose) in the same transaction, and updated with
// optimistic locking. Marking TB screening or the health check done meets
// the deadline of the same kind.

// HealthItemStaleError answers an item edited by someone else meanwhile.
type HealthItemStaleError = ConflictError[*domain.HealthItem]

// healthPlanRow is one planned item for the bulk refresh's COPY.
type healthFactsRow struct {
	id int64
	f  domain.HealthFacts
}

const healthFactsSelect = `SELECT id, birth_date, country_of_origin, arrival_date, settlement_date FROM persons`

func scanHealthFacts(row pgx.Row) (healthFactsRow, error) {
	var x healthFactsRow
	err := row.Scan(&x.id, &x.f.BirthDate, &x.f.Country, &x.f.Arrival, &x.f.Settlement)
	return x, err
}

// refreshHealthItems brings a person's checklist in line with the person's
// dates, in the caller's transaction (beside refreshDeadlines): missing
// items are inserted (TB as not relevant, with its reason, for people not
// from a high-incidence country), and the due date of every item not done
// follows the dates. Statuses are never touched, and nothing is deleted: an
// item once created stays (a child who turns 18 keeps the dental item).
func refreshHealthItems(ctx context.Context, tx pgx.Tx, personID int64) error {
	x, err := scanHealthFacts(tx.QueryRow(ctx, healthFactsSelect+` WHERE id = $1 AND status <> 'merged' AND settlement_stage = 'settled'`, personID))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil
	} else if err != nil {
		return mapError(err)
	}
	plan := domain.PlanHealthItems(x.f)
	if len(plan) == 0 {
		return nil
	}
	kinds := make([]string, len(plan))
	dues := make([]time.Time, len(plan))
	statuses := make([]string, len(plan))
	reasons := make([]string, len(plan))
	for i, p := range plan {
		kinds[i], dues[i], statuses[i], reasons[i] = p.Kind, p.Due, p.Status, p.Reason
	}
	_, err = tx.Exec(ctx, `
		WITH want AS (
			SELECT * FROM unnest($2::text[], $3::date[], $4::text[], $5::text[]) AS w (kind, due_date, status, reason)
		)
		INSERT INTO health_items (person_id, kind, due_date, status, not_relevant_reason)
		SELECT $1, kind, due_date, status, reason FROM want
		ON CONFLICT (person_id, kind) DO UPDATE
			SET due_date = EXCLUDED.due_date, version = health_items.version + 1, updated_at = now()
			WHERE health_items.status <> 'done' AND health_items.due_date IS DISTINCT FROM EXCLUDED.due_date`,
		x.id, kinds, dues, statuses, reasons)
	return err
}

// RefreshAllHealthItems creates and re-dates the checklists of every person,
// for after a bulk load that bypassed CreatePerson (the demo): the rules
// run in Go, the planned items go in by COPY and are merged set-wise in one
// transaction, with refreshHealthItems' rules.
func (db *DB) RefreshAllHealthItems(ctx context.Context) error {
	return db.BulkTx(ctx, []string{"health_items"}, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, healthFactsSelect+` WHERE status <> 'merged' AND settlement_stage = 'settled' AND (arrival_date IS NOT NULL OR settlement_date IS NOT NULL)`)
		if err != nil {
			return err
		}
		var all []healthFactsRow
		for rows.Next() {
			x, err := scanHealthFacts(rows)
			if err != nil {
				rows.Close()
				return err
			}
			all = append(all, x)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `CREATE TEMP TABLE health_items_want (person_id bigint NOT NULL, kind text NOT NULL,
			due_date date NOT NULL, status text NOT NULL, reason text NOT NULL) ON COMMIT DROP`); err != nil {
			return err
		}
		var (
			i   int
			id  int64
			buf []domain.PlannedHealthItem
		)
		_, err = tx.CopyFrom(ctx, pgx.Identifier{"health_items_want"}, []string{"person_id", "kind", "due_date", "status", "reason"},
			pgx.CopyFromFunc(func() ([]any, error) {
				for len(buf) == 0 {
					if i == len(all) {
						return nil, nil
					}
					buf, id = domain.PlanHealthItems(all[i].f), all[i].id
					i++
				}
				p := buf[0]
				buf = buf[1:]
				return []any{id, p.Kind, p.Due, p.Status, p.Reason}, nil
			}))
		if err != nil {
			return fmt.Errorf("copy planned health items: %w", err)
		}
		if _, err := tx.Exec(ctx, `ANALYZE health_items_want`); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `
			INSERT INTO health_items (person_id, kind, due_date, status, not_relevant_reason)
			SELECT person_id, kind, due_date, status, reason FROM health_items_want
			ON CONFLICT (person_id, kind) DO UPDATE
				SET due_date = EXCLUDED.due_date, version = health_items.version + 1, updated_at = now()
				WHERE health_items.status <> 'done' AND health_items.due_date IS DISTINCT FROM EXCLUDED.due_date`)
		return err
	})
}

// HealthChecklist is a person's checklist as the health role reads it.
type HealthChecklist struct {
	PersonID   int64
	PersonName string
	Facts      domain.HealthFacts
	Items      []domain.HealthItem // in checklist order
}

const healthItemSelect = `
	SELECT h.id, h.person_id, h.kind, h.due_date, h.status, h.not_relevant_reason, h.booked_on, h.done_on,
		h.place, h.interpreter_booked, h.logistics_note, h.version, h.updated_at, ub.name AS updated_by_name
	FROM health_items h JOIN persons p ON p.id = h.person_id LEFT JOIN users ub ON ub.id = h.updated_by`

// healthKindOrder orders items as the checklist lists them.
const healthKindOrder = `array_position(ARRAY['tb_screening','health_check','vaccines','mental_health','gp','dental']::text[], h.kind)`

// PersonHealth reads a person's checklist for the health role and writes
// the read's audit row (view health_items, with the purpose in details) in
// the same transaction: no read without its log row. Other roles are
// refused; a person outside the unit is ENOTFOUND.
func (db *DB) PersonHealth(ctx context.Context, s domain.Scope, personID int64, purpose domain.HealthPurpose) (*HealthChecklist, error) {
	if err := s.Role.Require(domain.CapReadHealth); err != nil {
		return nil, err
	}
	var out *HealthChecklist
	err := db.WithTx(ctx, func(tx pgx.Tx) error {
		c := &HealthChecklist{PersonID: personID}
		where, args := unitScope(s, "p.unit_id", 2)
		err := tx.QueryRow(ctx, `SELECT p.given_name || ' ' || p.family_name, p.birth_date, p.country_of_origin,
				p.arrival_date, p.settlement_date
			FROM persons p WHERE p.id = $1 AND p.status <> 'merged' AND `+where, append([]any{personID}, args...)...).
			Scan(&c.PersonName, &c.Facts.BirthDate, &c.Facts.Country, &c.Facts.Arrival, &c.Facts.Settlement)
		if err != nil {
			return mapError(err)
		}
		rows, err := tx.Query(ctx, healthItemSelect+` WHERE h.person_id = $1 AND `+where+` ORDER BY `+healthKindOrder,
			append([]any{personID}, args...)...)
		if err != nil {
			return err
		}
		if c.Items, err = pgx.CollectRows(rows, pgx.RowToStructByName[domain.HealthItem]); err != nil {
			return err
		}
		if err := writeAudit(ctx, tx, s, auditEvent{Action: ActionView, Entity: domain.EntityHealthItems, PersonID: &personID,
			Details: &domain.AuditDetails{Purpose: purpose.Code, PurposeText: purpose.Text}}); err != nil {
			return err
		}
		out = c
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// getHealthItem reads one item of a person in scope (locked for update).
func getHealthItem(ctx context.Context, tx pgx.Tx, s domain.Scope, personID, itemID int64, lock bool) (*domain.HealthItem, error) {
	where, args := unitScope(s, "p.unit_id", 3)
	sql := healthItemSelect + ` WHERE h.id = $1 AND h.person_id = $2 AND ` + where
	if lock {
		sql += ` FOR UPDATE OF h`
	}
	rows, err := tx.Query(ctx, sql, append([]any{itemID, personID}, args...)...)
	if err != nil {
		return nil, err
	}
	it, err := pgx.CollectExactlyOneRow(rows, pgx.RowToAddrOfStructByName[domain.HealthItem])
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, domain.Errorf(domain.ENOTFOUND, "Fant ikke helsepunktet.")
	}
	return it, err
}

// healthItemChanges lists what an update changes. The logistics note's
// text never goes into the audit log (free text could hold what does not
// belong there): a changed note is recorded as "(endret)".
func healthItemChanges(cur *domain.HealthItem, in domain.HealthItemInput) domain.Changes {
	c := domain.Changes{}
	c.Set("health_status", cur.Status, in.Status)
	c.Set("health_not_relevant_reason", cur.NotRelevantReason, in.NotRelevantReason)
	c.Set("health_booked_on", dateStr(cur.BookedOn), dateStr(in.BookedOn))
	c.Set("health_done_on", dateStr(cur.DoneOn), dateStr(in.DoneOn))
	c.Set("health_place", cur.Place, in.Place)
	c.Set("health_interpreter_booked", fmt.Sprint(cur.InterpreterBooked), fmt.Sprint(in.InterpreterBooked))
	if cur.LogisticsNote != in.LogisticsNote {
		c["health_logistics_note"] = domain.Change{Old: "", New: domain.HealthNoteChanged}
	}
	return c
}

// UpdateHealthItem saves an item's status, dates, place, interpreter and
// note (the health role alone), based on version: an old version is a
// *HealthItemStaleError with the stored item; the same values again change
// nothing. The audit row names the changed fields; marking TB screening or
// the health check done (or undone) meets (or reopens) its deadline in the
// same transaction.
func (db *DB) UpdateHealthItem(ctx context.Context, s domain.Scope, personID, itemID int64, in domain.HealthItemInput) (*domain.HealthItem, error) {
	if err := s.Role.Require(domain.CapWriteHealth); err != nil {
		return nil, err
	}
	var out *domain.HealthItem
	err := db.WithTx(ctx, func(tx pgx.Tx) error {
		cur, err := getHealthItem(ctx, tx, s, personID, itemID, true)
		if err != nil {
			return err
		}
		changes := healthItemChanges(cur, in)
		if len(changes) == 0 {
			out = cur
			return nil
		}
		if cur.Version != in.Version {
			return &HealthItemStaleError{Current: cur,
				Message: "Noen andre har endret helsepunktet etter at du åpnet det. Se den lagrede versjonen og lagre på nytt."}
		}
		if _, err := tx.Exec(ctx, `
			UPDATE health_items SET status = $2, not_relevant_reason = $3, booked_on = $4, done_on = $5, place = $6,
				interpreter_booked = $7, logistics_note = $8, version = version + 1, updated_at = now(), updated_by = $9
			WHERE id = $1`, cur.ID, in.Status, in.NotRelevantReason, in.BookedOn, in.DoneOn, in.Place,
			in.InterpreterBooked, in.LogisticsNote, s.UserID); err != nil {
			return err
		}
		if err := writeAudit(ctx, tx, s, auditEvent{Action: ActionUpdate, Entity: domain.EntityHealthItem, EntityID: &cur.ID,
			PersonID: &personID, Changes: changes, Details: &domain.AuditDetails{DeadlineKind: cur.Kind}}); err != nil {
			return err
		}
		if err := meetHealthDeadline(ctx, tx, s, personID, cur.Kind, in.DoneOn); err != nil {
			return err
		}
		out, err = getHealthItem(ctx, tx, s, personID, itemID, false)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// meetHealthDeadline sets the done date of the deadline of the item's kind
// (TB screening, health check) to the item's, with its audit row (entity
// health_deadline: off other roles' timelines); other kinds have no deadline.
func meetHealthDeadline(ctx context.Context, tx pgx.Tx, s domain.Scope, personID int64, kind string, doneOn *time.Time) error {
	if rule, ok := domain.DeadlineRuleOf(kind); !ok || !rule.Health {
		return nil
	}
	var by *int64
	if doneOn != nil {
		by = &s.UserID
	}
	var id int64
	var old *time.Time
	err := tx.QueryRow(ctx, `
		WITH old AS (SELECT id, done_on FROM deadlines WHERE person_id = $1 AND kind = $2 FOR UPDATE)
		UPDATE deadlines d SET done_on = $3, done_by = $4, version = d.version + 1, updated_at = now(), updated_by = $5
		FROM old WHERE d.id = old.id AND d.done_on IS DISTINCT FROM $3::date
		RETURNING d.id, old.done_on`, personID, kind, doneOn, by, s.UserID).Scan(&id, &old)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil // no such deadline, or already met on that day
	} else if err != nil {
		return err
	}
	return writeAudit(ctx, tx, s, auditEvent{Action: ActionUpdate, Entity: domain.EntityHealthDeadline, EntityID: &id, PersonID: &personID,
		Changes: domain.Changes{"done_on": {Old: dateStr(old), New: dateStr(doneOn)}},
		Details: &domain.AuditDetails{DeadlineKind: kind}})
}

// HealthSummary queues, for the person page, the one line other roles see
// of the person's health follow-up: the state (domain.HealthSummaryState:
// ongoing, complete, late; "" without items), computed from the items'
// statuses and due dates only; no item leaves the store.
func (pp *PersonPageBatch) HealthSummary() *string {
	out := new(string)
	var a sqlArgs
	idp := a.add(pp.id)
	pp.batch.Queue(`SELECT h.status, h.due_date FROM health_items h JOIN persons p ON p.id = h.person_id
		WHERE h.person_id = `+idp+` AND `+a.scope(pp.s, "p.unit_id"), a.list...).Query(func(rows pgx.Rows) error {
		var items []domain.HealthItem
		for rows.Next() {
			var it domain.HealthItem
			if err := rows.Scan(&it.Status, &it.Due); err != nil {
				return err
			}
			items = append(items, it)
		}
		*out = domain.HealthSummaryState(items, pp.today)
		return rows.Err()
	})
	return out
}
