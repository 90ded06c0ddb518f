package postgres

import (
	"context"
	"time"

	"ankomst/internal/domain"

	"github.com/jackc/pgx/v5"
)

// The dated rates and limits (rates, migration 000013). The table is small
// (tens of rows): a page that needs rates reads all of them in one
// statement, or queues RateTableQuery into its batch, and the domain picks
// the values for its days.

const rateTableSQL = `SELECT id, kind, effective_from, value, note FROM rates ORDER BY kind, effective_from, id`

// RateTable reads every rate row.
func (db *DB) RateTable(ctx context.Context) (domain.RateTable, error) {
	rows, err := db.Pool.Query(ctx, rateTableSQL)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByName[domain.Rate])
}

// queueRateTable queues the rate rows into a batch; the result is filled
// when the batch has run.
func queueRateTable(b *pgx.Batch, out *domain.RateTable) {
	b.Queue(rateTableSQL).Query(func(rows pgx.Rows) error {
		rs, err := pgx.CollectRows(rows, pgx.RowToStructByName[domain.Rate])
		*out = rs
		return err
	})
}

// RateRow is a rate row as the admin page shows it: who added it and when.
type RateRow struct {
	domain.Rate
	CreatedAt time.Time `db:"created_at"`
	CreatedBy *string   `db:"created_by_name"`
}

// RateHistory reads every rate row with who added it, per kind newest
// first (effective date, then the newest row of a date first: the one in
// force). Rates are not personal data; every administrator sees them all.
func (db *DB) RateHistory(ctx context.Context, s domain.Scope) ([]RateRow, error) {
	if err := s.Role.Require(domain.CapAdminister); err != nil {
		return nil, err
	}
	rows, err := db.Pool.Query(ctx, `
		SELECT r.id, r.kind, r.effective_from, r.value, r.note, r.created_at, u.name AS created_by_name
		FROM rates r LEFT JOIN users u ON u.id = r.created_by
		ORDER BY r.kind, r.effective_from DESC, r.id DESC`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByName[RateRow])
}

// AddRate appends a rate row (rows are never changed: a correction is a new
// row from the same date, and the newest wins) with its audit row, in one
// transaction. Only administrators add rates.
func (db *DB) AddRate(ctx context.Context, s domain.Scope, r domain.Rate) (int64, error) {
	if err := s.Role.Require(domain.CapAdminister); err != nil {
		return 0, err
	}
	info, ok := domain.RateKindByName(string(r.Kind))
	if !ok {
		return 0, domain.Errorf(domain.EINVALID, "Ukjent sats.")
	}
	var uid *int64
	if s.UserID != 0 {
		uid = &s.UserID
	}
	var id int64
	err := db.WithTx(ctx, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `INSERT INTO rates (kind, effective_from, value, note, created_by)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`, r.Kind, r.EffectiveFrom, r.Value, r.Note, uid).Scan(&id); err != nil {
			return err
		}
		ch := domain.Changes{}
		ch.Set("kind", "", info.Label)
		ch.Set("effective_from", "", r.EffectiveFrom.Format("02.01.2006"))
		ch.Set("value", "", domain.FormatRateValue(info.Unit, r.Value))
		ch.Set("note", "", r.Note)
		return writeAudit(ctx, tx, s, auditEvent{Action: ActionCreate, Entity: domain.EntityRate, EntityID: &id, Changes: ch})
	})
	return id, mapError(err)
}
