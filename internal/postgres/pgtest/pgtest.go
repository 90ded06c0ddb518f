// Package pgtest gives each test a fresh database cloned from a migrated
// template, on the server DATABASE_URL points at (see scripts/db.sh).
//
// DATABASE_URL must be allowed to create databases and roles (make test gives
// the server's superuser). Migrations run as that user, as the owner role does
// in production; the stores tests use connect as the app role
// (postgres.AppRole), so a test exercises the same privileges as the server.
package pgtest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"strings"
	"testing"

	"ankomst/internal/postgres"
	"ankomst/migrations"

	"github.com/jackc/pgx/v5"
)

// serverURL returns DATABASE_URL pointed at the maintenance database.
func serverURL(t testing.TB) *url.URL {
	t.Helper()
	raw := os.Getenv("DATABASE_URL")
	if raw == "" {
		raw = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
	}
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatalf("DATABASE_URL: %v", err)
	}
	u.Path = "/postgres"
	return u
}

// AppPassword is the app role's password on development and test servers
// (scripts/db.sh sets the same); trust authentication ignores it.
const AppPassword = "ankomst_app"

// ensureAppRole makes sure the app role exists and may log in.
func ensureAppRole(ctx context.Context, conn *pgx.Conn) error {
	role := pgx.Identifier{postgres.AppRole}.Sanitize()
	var canLogin *bool
	if err := conn.QueryRow(ctx, `SELECT (SELECT rolcanlogin FROM pg_roles WHERE rolname = $1)`, postgres.AppRole).Scan(&canLogin); err != nil {
		return err
	}
	switch {
	case canLogin == nil:
		_, err := conn.Exec(ctx, "CREATE ROLE "+role+" LOGIN PASSWORD '"+AppPassword+"'")
		if err != nil && !strings.Contains(err.Error(), "already exists") {
			return err
		}
	case !*canLogin:
		_, err := conn.Exec(ctx, "ALTER ROLE "+role+" LOGIN PASSWORD '"+AppPassword+"'")
		return err
	}
	return nil
}

// templateName is derived from the migrations, so a schema change makes a
// new template instead of reusing a stale one.
func templateName() string {
	h := sha256.New()
	_ = fs.WalkDir(migrations.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, _ := fs.ReadFile(migrations.FS, p)
		h.Write([]byte(p))
		h.Write(b)
		return nil
	})
	return "ankomst_tmpl_" + hex.EncodeToString(h.Sum(nil))[:12]
}

// ensureTemplate creates and migrates the template database once per server,
// serialised across test processes by an advisory lock.
func ensureTemplate(ctx context.Context, conn *pgx.Conn, srv *url.URL) (string, error) {
	name := templateName()
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock(727274)`); err != nil {
		return "", err
	}
	defer conn.Exec(ctx, `SELECT pg_advisory_unlock(727274)`) //nolint:errcheck
	if err := ensureAppRole(ctx, conn); err != nil {
		return "", fmt.Errorf("app role: %w", err)
	}
	var ready bool
	err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1 AND datistemplate)`, name).Scan(&ready)
	if err != nil || ready {
		return name, err
	}
	if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+name); err != nil {
		return "", err
	}
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		return "", err
	}
	u := *srv
	u.Path = "/" + name
	mg, err := postgres.NewMigrator(u.String())
	if err != nil {
		return "", err
	}
	err = mg.Up()
	mg.Close()
	if err != nil {
		return "", fmt.Errorf("migrate template: %w", err)
	}
	_, err = conn.Exec(ctx, "ALTER DATABASE "+name+" WITH is_template = true")
	return name, err
}

// URL creates a fresh, migrated database for the test and returns the app
// role's URL of it. The database is dropped when the test ends.
func URL(t testing.TB) string {
	t.Helper()
	app, _ := URLs(t)
	return app
}

// URLs creates a fresh, migrated database for the test and returns its URL for
// the app role and for the owner (who may migrate it). The database is
// dropped when the test ends.
func URLs(t testing.TB) (app, owner string) {
	t.Helper()
	ctx := context.Background()
	srv := serverURL(t)
	conn, err := pgx.Connect(ctx, srv.String())
	if err != nil {
		t.Fatalf("pgtest: no database server at DATABASE_URL (run the tests through 'make test'): %v", err)
	}
	defer conn.Close(ctx)
	tmpl, err := ensureTemplate(ctx, conn, srv)
	if err != nil {
		t.Fatalf("pgtest: template: %v", err)
	}
	name := "ankomst_t_" + rand.Text()[:16]
	if _, err := conn.Exec(ctx, fmt.Sprintf("CREATE DATABASE %s TEMPLATE %s", pgx.Identifier{name}.Sanitize(), tmpl)); err != nil {
		t.Fatalf("pgtest: clone template: %v", err)
	}
	t.Cleanup(func() {
		c, err := pgx.Connect(ctx, srv.String())
		if err != nil {
			return
		}
		defer c.Close(ctx)
		c.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)") //nolint:errcheck
	})
	u := *srv
	u.Path = "/" + name
	a := u
	a.User = url.UserPassword(postgres.AppRole, AppPassword)
	return a.String(), u.String()
}

// New returns a store on a fresh database; the pool closes when the test ends.
func New(t testing.TB) *postgres.DB {
	t.Helper()
	db, err := postgres.Open(context.Background(), URL(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	return db
}

// NewOwner returns a store connected as the owner of a fresh database, for
// what runs as the owner in production: `ankomst demo` (bulk loads, ANALYZE).
func NewOwner(t testing.TB) *postgres.DB {
	t.Helper()
	_, owner := URLs(t)
	db, err := postgres.Open(context.Background(), owner)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	return db
}

// EmptyURL creates an empty database (no schema, not cloned from the
// template) and returns the server admin's URL of it, for a restore drill.
// The database is dropped when the test ends.
func EmptyURL(t testing.TB) string {
	t.Helper()
	ctx := context.Background()
	srv := serverURL(t)
	conn, err := pgx.Connect(ctx, srv.String())
	if err != nil {
		t.Fatalf("pgtest: no database server at DATABASE_URL: %v", err)
	}
	defer conn.Close(ctx)
	name := "ankomst_r_" + strings.ToLower(rand.Text()[:16])
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()+" TEMPLATE template0"); err != nil {
		t.Fatalf("pgtest: create database: %v", err)
	}
	t.Cleanup(func() {
		c, err := pgx.Connect(ctx, srv.String())
		if err != nil {
			return
		}
		defer c.Close(ctx)
		c.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)") //nolint:errcheck
	})
	u := *srv
	u.Path = "/" + name
	return u.String()
}
