// Package demo generates synthetic, realistic demo data.
package demo

import (
	"context"
	"io"

	"ankomst/internal/postgres"
)

// Options control the demo load.
type Options struct {
	Persons int
	IfEmpty bool
	Seed    int64
	Out     io.Writer
}

// Load fills the database with demo units, users and persons.
func Load(ctx context.Context, db *postgres.DB, o Options) error {
	return nil // replaced by the real generator
}
