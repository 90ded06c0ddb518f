package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// DemoHealthStatusesGiven reports whether any health item has been changed
// since it was created (DemoHealthStatuses, or a user): false for
// checklists a demo load made but did not finish.
func (db *DB) DemoHealthStatusesGiven(ctx context.Context) (bool, error) {
	var given bool
	err := db.Pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM health_items WHERE version > 1)`).Scan(&given)
	return given, err
}

// CountHealthItems returns how many health items are stored, in every unit.
func (db *DB) CountHealthItems(ctx context.Context) (int64, error) {
	var n int64
	err := db.Pool.QueryRow(ctx, `SELECT count(*) FROM health_items`).Scan(&n)
	return n, err
}

// DemoHealthCounts is what DemoHealthStatuses did.
type DemoHealthCounts struct {
	Done, Booked, Declined, NotRelevant, Open, Overdue int64
}

// DemoHealthStatuses gives the demo checklists realistic statuses, set-wise
// and deterministically (by item id): of the open items due more than 30
// days ago, most are done (a few days before their due date, at the place
// the kind is usually done, the interpreter booked when the person needs
// one), 1 in 25 is still open (overdue), 1 in 25 declined, 1 in 25 not
// relevant with a reason; of those due from 30 days ago to 60 days ahead, a
// third are booked (an appointment in the next three weeks). Only items
// still at not_started with version 1 change, so a second run does nothing.
// Then the table is analysed.
func (db *DB) DemoHealthStatuses(ctx context.Context, today time.Time) (DemoHealthCounts, error) {
	var c DemoHealthCounts
	err := db.BulkTx(ctx, []string{"health_items"}, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `
		UPDATE health_items h SET
			status = CASE h.id % 25 WHEN 0 THEN 'not_started' WHEN 1 THEN 'declined' WHEN 2 THEN 'not_relevant' ELSE 'done' END,
			not_relevant_reason = CASE WHEN h.id % 25 = 2 THEN 'Utført i annen kommune før bosetting' ELSE '' END,
			done_on = CASE WHEN h.id % 25 > 2 THEN least($1::date, greatest(coalesce(p.arrival_date, p.settlement_date, h.due_date), h.due_date - (h.id % 12)::int)) END,
			booked_on = CASE WHEN h.id % 25 > 2 THEN least($1::date, greatest(coalesce(p.arrival_date, p.settlement_date, h.due_date), h.due_date - (h.id % 12)::int)) END,
			place = CASE WHEN h.id % 25 <= 2 THEN ''
				ELSE CASE h.kind WHEN 'gp' THEN 'gp' WHEN 'mental_health' THEN 'gp' WHEN 'dental' THEN 'other'
					WHEN 'tb_screening' THEN (CASE WHEN h.id % 7 = 0 THEN 'hospital' ELSE 'health_station' END)
					ELSE (CASE WHEN h.id % 3 = 0 THEN 'gp' ELSE 'health_station' END) END END,
			interpreter_booked = h.id % 25 > 2 AND p.interpreter_needed,
			version = h.version + 1, updated_at = now()
		FROM persons p
		WHERE p.id = h.person_id AND h.status = 'not_started' AND h.version = 1 AND h.due_date < $1::date - 30`, today)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `
		UPDATE health_items h SET status = 'booked', booked_on = $1::date + (h.id % 21)::int,
			place = CASE h.kind WHEN 'gp' THEN 'gp' WHEN 'dental' THEN 'other' ELSE 'health_station' END,
			interpreter_booked = p.interpreter_needed, version = h.version + 1, updated_at = now()
		FROM persons p
		WHERE p.id = h.person_id AND h.status = 'not_started' AND h.version = 1 AND h.id % 3 = 0
		  AND h.due_date BETWEEN $1::date - 30 AND $1::date + 60`, today)
		return err
	})
	if err != nil {
		return c, err
	}
	if _, err := db.Pool.Exec(ctx, `ANALYZE health_items`); err != nil {
		return c, err
	}
	err = db.Pool.QueryRow(ctx, `SELECT count(*) FILTER (WHERE status = 'done'), count(*) FILTER (WHERE status = 'booked'),
		count(*) FILTER (WHERE status = 'declined'), count(*) FILTER (WHERE status = 'not_relevant'),
		count(*) FILTER (WHERE status IN ('not_started', 'booked')),
		count(*) FILTER (WHERE status IN ('not_started', 'booked') AND due_date < $1::date)
		FROM health_items`, today).Scan(&c.Done, &c.Booked, &c.Declined, &c.NotRelevant, &c.Open, &c.Overdue)
	return c, err
}
