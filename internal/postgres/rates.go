package postgres

import (
	"context"

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
