// Package postgres is Ankomst's store: raw SQL over a pgx pool. Exported
// methods own their transactions; every read of people is filtered by the
// caller's domain.Scope in SQL.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"ankomst/internal/domain"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// DB is the store.
type DB struct {
	Pool *pgxpool.Pool
	// SessionPool serves the session store alone. scs rewrites the session
	// on every request (to slide the idle timeout), so this pool commits with
	// synchronous_commit=off: a crash may forget the last fraction of a second
	// of idle-timer updates, never personal data or audit rows, which use Pool.
	SessionPool *pgxpool.Pool
	// Read, when set (OpenRead, DATABASE_READ_URL), is a pool on a read
	// replica for the dashboards and exports (Reader); nil: they read Pool.
	Read *pgxpool.Pool
	// Now returns the current time; tests may replace it.
	Now func() time.Time
	// CheckPassword verifies a password against its hash (password.Check when
	// nil); tests may replace it to count verifications.
	CheckPassword func(pw, hash string) bool
}

// Open connects to the database at url.
func Open(ctx context.Context, url string) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("parse database url: %w", err)
	}
	if cfg.MaxConns < 8 {
		cfg.MaxConns = 8
	}
	cfg.ConnConfig.RuntimeParams["application_name"] = "ankomst"
	cfg.ConnConfig.RuntimeParams["timezone"] = "UTC"
	// No JIT: the app's statements are short, and JIT compiling one whose
	// estimate crosses jit_above_cost (the timeline's audit rows, when a few
	// persons hold most of them) cost 30 ms for a 1 ms query.
	cfg.ConnConfig.RuntimeParams["jit"] = "off"
	cfg.ConnConfig.Tracer = countingTracer{} // per-request counts (WithQueryCount)
	// A database restart must not need an app restart (make loadtest stops
	// Postgres mid-run): a connection the server ended is destroyed when it
	// errors or fails the ping pgxpool makes before handing out a connection
	// idle for over a second; the health check replaces dead idle ones
	// sooner than the 1-minute default; and a connect gives up after 5 s
	// (none by default), so a request during an outage answers 503 quickly
	// instead of hanging. connect_timeout and pool_health_check_period in
	// the URL win.
	if cfg.ConnConfig.ConnectTimeout == 0 {
		cfg.ConnConfig.ConnectTimeout = 5 * time.Second
	}
	if !strings.Contains(url, "pool_health_check_period") {
		cfg.HealthCheckPeriod = 10 * time.Second
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connect: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("ping database: %w", err)
	}
	scfg := cfg.Copy()
	scfg.MaxConns = max(2, cfg.MaxConns/2)
	scfg.ConnConfig.RuntimeParams["synchronous_commit"] = "off"
	scfg.ConnConfig.RuntimeParams["application_name"] = "ankomst-sessions"
	spool, err := pgxpool.NewWithConfig(ctx, scfg)
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect: %w", err)
	}
	return &DB{Pool: pool, SessionPool: spool, Now: time.Now}, nil
}

// OpenRead connects the read pool (DB.Read) to url: a streaming replica of
// the primary (DATABASE_READ_URL). The dashboards and exports read through
// it; everything else, and every write, stays on Pool. Its sessions are
// named "ankomst-read" unless url sets application_name.
func (db *DB) OpenRead(ctx context.Context, url string) error {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return fmt.Errorf("parse read database url: %w", err)
	}
	if cfg.MaxConns < 4 {
		cfg.MaxConns = 4
	}
	if cfg.ConnConfig.RuntimeParams["application_name"] == "" {
		cfg.ConnConfig.RuntimeParams["application_name"] = "ankomst-read"
	}
	cfg.ConnConfig.RuntimeParams["timezone"] = "UTC"
	cfg.ConnConfig.RuntimeParams["jit"] = "off"
	cfg.ConnConfig.RuntimeParams["default_transaction_read_only"] = "on"
	cfg.ConnConfig.Tracer = countingTracer{}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return fmt.Errorf("connect read database: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return fmt.Errorf("ping read database: %w", err)
	}
	if db.Read != nil {
		db.Read.Close()
	}
	db.Read = pool
	return nil
}

// Close closes the pools.
func (db *DB) Close() {
	if db.Read != nil {
		db.Read.Close()
	}
	db.SessionPool.Close()
	db.Pool.Close()
}

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error { return db.Pool.Ping(ctx) }

// WithTx runs fn in a transaction, committing if it returns nil.
func (db *DB) WithTx(ctx context.Context, fn func(pgx.Tx) error) error {
	return pgx.BeginFunc(ctx, db.Pool, fn)
}

// today is the current date in Norway, as a UTC midnight.
func (db *DB) today() time.Time {
	return domain.Today(db.Now())
}

// mapError turns pgx errors into domain errors.
func mapError(err error) error {
	var pgErr *pgconn.PgError
	switch {
	case err == nil:
		return nil
	case errors.Is(err, pgx.ErrNoRows):
		return domain.Errorf(domain.ENOTFOUND, "Fant ikke det du lette etter.")
	case errors.As(err, &pgErr) && pgErr.Code == "23505":
		return domain.Errorf(domain.ECONFLICT, "Finnes allerede.")
	case errors.As(err, &pgErr) && pgErr.Code == "AN001": // migration 000034
		return domain.Errorf(domain.ECONFLICT, "Personen er anonymisert og kan ikke endres.")
	}
	return err
}

// EnsureDatabase creates the database named in url if it does not exist, by
// connecting to the server's "postgres" database.
func EnsureDatabase(ctx context.Context, dbURL string) error {
	cfg, err := pgx.ParseConfig(dbURL)
	if err != nil {
		return fmt.Errorf("parse database url: %w", err)
	}
	name := cfg.Database
	if name == "" || name == "postgres" {
		return nil
	}
	// Already there? Connecting is the cheapest check.
	if conn, err := pgx.ConnectConfig(ctx, cfg); err == nil {
		return conn.Close(ctx)
	}
	cfg.Database = "postgres"
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return fmt.Errorf("connect to the postgres database: %w", err)
	}
	defer conn.Close(ctx)
	var exists bool
	if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		return err
	}
	if exists {
		return nil
	}
	_, err = conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize())
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "42P04" { // created meanwhile
		return nil
	}
	return err
}

// withDatabase returns dbURL with its database name replaced.
func withDatabase(dbURL, name string) (string, error) {
	u, err := url.Parse(dbURL)
	if err != nil || u.Scheme == "" {
		// key=value form
		if strings.Contains(dbURL, "dbname=") {
			parts := strings.Fields(dbURL)
			for i, p := range parts {
				if strings.HasPrefix(p, "dbname=") {
					parts[i] = "dbname=" + name
				}
			}
			return strings.Join(parts, " "), nil
		}
		return dbURL + " dbname=" + name, nil
	}
	u.Path = "/" + name
	return u.String(), nil
}
