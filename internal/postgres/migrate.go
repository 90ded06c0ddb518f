package postgres

import (
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"strconv"
	"strings"

	"ankomst/migrations"

	"github.com/golang-migrate/migrate/v4"
	_ "github.com/golang-migrate/migrate/v4/database/pgx/v5" // the pgx5:// driver
	"github.com/golang-migrate/migrate/v4/source/iofs"
)

// Migrator applies the embedded migrations.
type Migrator struct{ m *migrate.Migrate }

// NewMigrator prepares the embedded migrations for the database at dbURL.
func NewMigrator(dbURL string) (*Migrator, error) {
	src, err := iofs.New(migrations.FS, ".")
	if err != nil {
		return nil, err
	}
	u, err := migrateURL(dbURL)
	if err != nil {
		return nil, err
	}
	m, err := migrate.NewWithSourceInstance("iofs", src, u)
	if err != nil {
		return nil, fmt.Errorf("open migrations: %w", err)
	}
	return &Migrator{m: m}, nil
}

// Up applies every pending migration.
func (mg *Migrator) Up() error {
	if err := mg.m.Up(); err != nil && !errors.Is(err, migrate.ErrNoChange) {
		return err
	}
	return nil
}

// Down rolls back one migration.
func (mg *Migrator) Down() error { return mg.m.Steps(-1) }

// Version returns the applied version (0 when none) and whether it is dirty.
func (mg *Migrator) Version() (uint, bool, error) {
	v, dirty, err := mg.m.Version()
	if errors.Is(err, migrate.ErrNilVersion) {
		return 0, false, nil
	}
	return v, dirty, err
}

// Close releases the migrator's connection.
func (mg *Migrator) Close() error {
	se, de := mg.m.Close()
	return errors.Join(se, de)
}

// LatestVersion is the highest migration version embedded in the binary.
func LatestVersion() uint {
	var latest uint
	entries, _ := fs.ReadDir(migrations.FS, ".")
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		if !ok {
			continue
		}
		if v, err := strconv.ParseUint(num, 10, 64); err == nil && uint(v) > latest {
			latest = uint(v)
		}
	}
	return latest
}

// CheckSchema returns an error unless the database is at LatestVersion.
func CheckSchema(dbURL string) error {
	mg, err := NewMigrator(dbURL)
	if err != nil {
		return err
	}
	defer mg.Close()
	v, dirty, err := mg.Version()
	if err != nil {
		return err
	}
	if dirty {
		return fmt.Errorf("database schema version %d is dirty: fix it by hand, then run 'ankomst migrate up'", v)
	}
	if latest := LatestVersion(); v != latest {
		return fmt.Errorf("database schema is at version %d, this binary needs %d: run 'ankomst migrate up' or start with --migrate", v, latest)
	}
	return nil
}

// migrateURL turns a postgres:// URL into golang-migrate's pgx5:// form.
func migrateURL(dbURL string) (string, error) {
	u, err := url.Parse(dbURL)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return "", fmt.Errorf("DATABASE_URL must be a postgres:// URL")
	}
	u.Scheme = "pgx5"
	return u.String(), nil
}
