// Command ankomst is the Ankomst server and its administration commands:
//
//	ankomst serve [--addr HOST:PORT] [--migrate]
//	ankomst migrate up|down|version
//	ankomst demo [--persons N] [--units N] [--notes N] [--if-empty]
//	ankomst demo --bench-caseworker EMAIL [--bench-caseload N]
//	ankomst user create --email E --name NAME --role ROLE [--unit UNIT]   (password on stdin)
//	ankomst retention --dry-run | --apply [--as EMAIL]
//
// DATABASE_URL selects the database and the role the server runs as (the app
// role, ankomst_app: rows only). ANKOMST_OWNER_URL, when set, is the schema
// owner's URL for `migrate`, `serve --migrate` and `demo` (bulk load and
// ANALYZE); without it they use DATABASE_URL. main only wires; the work is in
// internal/.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"ankomst/internal/demo"
	"ankomst/internal/domain"
	"ankomst/internal/postgres"
	"ankomst/internal/server"
)

const usage = `Usage:
  ankomst serve [--addr HOST:PORT] [--migrate]     serve the web app (default :8080, or ANKOMST_ADDR)
  ankomst migrate up|down|version                   manage the database schema
  ankomst demo [--persons N] [--units N] [--notes N] [--if-empty]
                                                    load synthetic demo data
  ankomst demo --bench-caseworker EMAIL [--bench-caseload N]
                                                    give a benchmark caseworker N active persons,
                                                    30 of them running participants of one group
  ankomst user create --email E --name NAME --role ROLE [--unit UNIT]
                                                    create a user; the password is read from stdin
  ankomst user end-sessions --email E               log the user out everywhere
  ankomst user reset-2fa --email E                  remove the user's two-factor (lost phone); sessions end
  ankomst retention --dry-run | --apply [--as EMAIL]
                                                    list (--dry-run) or anonymise (--apply) what the
                                                    retention periods say is due today; --as names the
                                                    administrator the audit log records (default: the system)
Environment: DATABASE_URL (required; the app role), ANKOMST_OWNER_URL (the schema
owner, for migrate, serve --migrate and demo; default DATABASE_URL), ANKOMST_ADDR,
ANKOMST_IDLE_TIMEOUT (e.g. 30m), ANKOMST_SECURE_COOKIES=1 behind TLS, ANKOMST_BASE_URL
(the address users reach, for the first start's setup link; default http://localhost:PORT),
ANKOMST_TRUSTED_PROXIES, ANKOMST_OIDC_* (single sign-on: docs/OPERATIONS.md),
DATABASE_READ_URL (optional: a streaming replica the dashboards and exports read
from; see docs/OPERATIONS.md).
`

func main() {
	if len(os.Args) < 2 {
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	log := slog.New(slog.NewJSONHandler(os.Stdout, nil))
	var err error
	switch os.Args[1] {
	case "serve":
		err = serve(ctx, log, os.Args[2:])
	case "migrate":
		err = migrateCmd(ctx, os.Args[2:])
	case "demo":
		err = demoCmd(ctx, os.Args[2:])
	case "user":
		err = userCmd(ctx, os.Args[2:], os.Stdin)
	case "retention":
		err = retentionCmd(ctx, os.Args[2:], os.Stdout)
	case "-h", "--help", "help":
		fmt.Print(usage)
		return
	default:
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "ankomst:", err)
		os.Exit(1)
	}
}

func databaseURL() (string, error) {
	u := os.Getenv("DATABASE_URL")
	if u == "" {
		return "", errors.New("DATABASE_URL is not set (make run and make test set it through scripts/db.sh)")
	}
	return u, nil
}

// ownerURL is the schema owner's URL (migrations, bulk loads): ANKOMST_OWNER_URL,
// else DATABASE_URL.
func ownerURL() (string, error) {
	if u := os.Getenv("ANKOMST_OWNER_URL"); u != "" {
		return u, nil
	}
	return databaseURL()
}

// openDB connects as the app role.
func openDB(ctx context.Context) (*postgres.DB, string, error) {
	url, err := databaseURL()
	if err != nil {
		return nil, "", err
	}
	db, err := postgres.Open(ctx, url)
	return db, url, err
}

// openCurrentDB connects for an administration command, as the app role or,
// with asOwner, as the schema owner, refusing a database whose schema is not
// the one this binary was built for.
func openCurrentDB(ctx context.Context, asOwner bool) (*postgres.DB, error) {
	open := openDB
	if asOwner {
		open = func(ctx context.Context) (*postgres.DB, string, error) {
			url, err := ownerURL()
			if err != nil {
				return nil, "", err
			}
			db, err := postgres.Open(ctx, url)
			return db, url, err
		}
	}
	db, url, err := open(ctx)
	if err != nil {
		return nil, err
	}
	if err := postgres.CheckSchema(url); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

func migrateUp(url string) error {
	mg, err := postgres.NewMigrator(url)
	if err != nil {
		return err
	}
	defer mg.Close()
	return mg.Up()
}

func serve(ctx context.Context, log *slog.Logger, args []string) error {
	fs := flag.NewFlagSet("serve", flag.ExitOnError)
	addr := fs.String("addr", envOr("ANKOMST_ADDR", ":8080"), "listen address")
	migrate := fs.Bool("migrate", false, "apply pending migrations before serving")
	fs.Parse(args) //nolint:errcheck // ExitOnError

	if *migrate {
		owner, err := ownerURL()
		if err != nil {
			return err
		}
		if err := postgres.EnsureDatabase(ctx, owner); err != nil {
			return err
		}
		if err := migrateUp(owner); err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
	}
	db, url, err := openDB(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := postgres.CheckSchema(url); err != nil {
		return err
	}
	if ru := os.Getenv("DATABASE_READ_URL"); ru != "" {
		if err := db.OpenRead(ctx, ru); err != nil {
			return fmt.Errorf("DATABASE_READ_URL: %w", err)
		}
		log.Info("dashboards and exports read from the replica at DATABASE_READ_URL")
	}
	if problems, err := db.PrivilegeProblems(ctx); err != nil {
		return err
	} else if len(problems) > 0 {
		log.Warn("serving with a database role that can do more than the app needs; set DATABASE_URL to the app role ("+postgres.AppRole+")",
			"problems", problems)
	}
	cfg := server.Config{SecureCookies: os.Getenv("ANKOMST_SECURE_COOKIES") == "1"}
	if v := os.Getenv("ANKOMST_IDLE_TIMEOUT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			return fmt.Errorf("ANKOMST_IDLE_TIMEOUT: %w", err)
		}
		cfg.IdleTimeout = d
	}
	if v := os.Getenv("ANKOMST_TRUSTED_PROXIES"); v != "" {
		p, err := server.ParseTrustedProxies(v)
		if err != nil {
			return fmt.Errorf("ANKOMST_TRUSTED_PROXIES: %w", err)
		}
		cfg.TrustedProxies = p
	}
	if issuer := os.Getenv("ANKOMST_OIDC_ISSUER"); issuer != "" {
		groups, err := server.ParseOIDCGroups(os.Getenv("ANKOMST_OIDC_GROUPS"))
		if err != nil {
			return err
		}
		cfg.OIDC = &server.OIDCConfig{Issuer: issuer, ClientID: os.Getenv("ANKOMST_OIDC_CLIENT_ID"),
			ClientSecret: os.Getenv("ANKOMST_OIDC_CLIENT_SECRET"), RedirectURL: os.Getenv("ANKOMST_OIDC_REDIRECT_URL"),
			GroupsClaim: os.Getenv("ANKOMST_OIDC_GROUPS_CLAIM"), Groups: groups}
		if cfg.OIDC.ClientID == "" || cfg.OIDC.RedirectURL == "" {
			return errors.New("ANKOMST_OIDC_ISSUER is set: ANKOMST_OIDC_CLIENT_ID and ANKOMST_OIDC_REDIRECT_URL are needed too")
		}
	}
	srv := server.New(db, log, cfg, nil)
	// On a database without users: log a one-time link for the first administrator.
	if _, err := srv.FirstStart(ctx, baseURL(*addr)); err != nil {
		return fmt.Errorf("first start: %w", err)
	}
	hs := &http.Server{
		Addr:              *addr,
		Handler:           srv.Routes(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    1 << 16,
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.ListenAndServe() }()
	log.Info("serving", "addr", *addr)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	srv.ShutDown()
	shutCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	return hs.Shutdown(shutCtx)
}

func migrateCmd(ctx context.Context, args []string) error {
	if len(args) != 1 {
		return errors.New("usage: ankomst migrate up|down|version")
	}
	url, err := ownerURL()
	if err != nil {
		return err
	}
	if err := postgres.EnsureDatabase(ctx, url); err != nil {
		return err
	}
	mg, err := postgres.NewMigrator(url)
	if err != nil {
		return err
	}
	defer mg.Close()
	switch args[0] {
	case "up":
		if err := mg.Up(); err != nil {
			return err
		}
	case "down":
		if err := mg.Down(); err != nil {
			return err
		}
	case "version":
	default:
		return errors.New("usage: ankomst migrate up|down|version")
	}
	v, dirty, err := mg.Version()
	if err != nil {
		return err
	}
	fmt.Printf("schema version %d (latest %d)", v, postgres.LatestVersion())
	if dirty {
		fmt.Print(" DIRTY")
	}
	fmt.Println()
	return nil
}

func demoCmd(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("demo", flag.ExitOnError)
	n := fs.Int("persons", 500, "number of synthetic persons")
	notes := fs.Int("notes", 0, "number of synthetic case notes over the persons")
	units := fs.Int("units", 2, "number of units (2: Øst and Vest; more adds Flyktningtjenesten 3 … with a leader and three caseworkers each)")
	ifEmpty := fs.Bool("if-empty", false, "do nothing if the database already has users (but add --notes if it has no case notes, and the programme data if it has no programmes)")
	seed := fs.Int64("seed", 1, "random seed")
	benchCaseworker := fs.String("bench-caseworker", "", "instead of loading: give this caseworker --bench-caseload active persons, 30 of them running participants of one group")
	benchCaseload := fs.Int("bench-caseload", 150, "the caseload for --bench-caseworker")
	fs.Parse(args) //nolint:errcheck
	db, err := openCurrentDB(ctx, true)
	if err != nil {
		return err
	}
	defer db.Close()
	if *benchCaseworker != "" {
		return demo.BenchCaseload(ctx, db, *benchCaseworker, *benchCaseload, os.Stdout)
	}
	return demo.Load(ctx, db, demo.Options{Persons: *n, Units: *units, Notes: *notes, IfEmpty: *ifEmpty, Seed: *seed, Out: os.Stdout})
}

func userCmd(ctx context.Context, args []string, stdin io.Reader) error {
	if len(args) >= 1 && args[0] == "end-sessions" {
		return endSessionsCmd(ctx, args[1:])
	}
	if len(args) >= 1 && args[0] == "reset-2fa" {
		return reset2FACmd(ctx, args[1:])
	}
	if len(args) < 1 || args[0] != "create" {
		return errors.New("usage: ankomst user create --email E --name NAME --role ROLE [--unit UNIT] | ankomst user end-sessions --email E | ankomst user reset-2fa --email E")
	}
	fs := flag.NewFlagSet("user create", flag.ExitOnError)
	email := fs.String("email", "", "e-mail (login)")
	name := fs.String("name", "", "full name")
	role := fs.String("role", "", "caseworker, health, housing, leader or admin")
	unit := fs.String("unit", "Flyktningtjenesten", "unit name (created if missing)")
	fs.Parse(args[1:]) //nolint:errcheck
	pw, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	pw = strings.TrimRight(pw, "\r\n")
	db, err := openCurrentDB(ctx, false)
	if err != nil {
		return err
	}
	defer db.Close()
	id, err := db.CreateUser(ctx, postgres.NewUser{Email: *email, Name: *name, Role: domain.Role(*role), UnitName: *unit, Password: pw})
	if err != nil {
		return errors.New(domain.ErrorMessage(err))
	}
	fmt.Printf("user %d created\n", id)
	return nil
}

// endSessionsCmd logs a user out everywhere (a lost laptop, a leaver).
func endSessionsCmd(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("user end-sessions", flag.ExitOnError)
	email := fs.String("email", "", "e-mail (login)")
	fs.Parse(args) //nolint:errcheck
	db, err := openCurrentDB(ctx, false)
	if err != nil {
		return err
	}
	defer db.Close()
	id, err := db.UserIDByEmail(ctx, *email)
	if err != nil {
		return fmt.Errorf("no user with e-mail %q", *email)
	}
	if err := db.EndSessions(ctx, id); err != nil {
		return err
	}
	fmt.Printf("every session of user %d ended\n", id)
	return nil
}

// baseURL is where the server is reached, for the setup link in the log:
// ANKOMST_BASE_URL, else http://localhost on the listen address's port.
func baseURL(addr string) string {
	if u := os.Getenv("ANKOMST_BASE_URL"); u != "" {
		return strings.TrimRight(u, "/")
	}
	port := "8080"
	if i := strings.LastIndex(addr, ":"); i >= 0 && i+1 < len(addr) {
		port = addr[i+1:]
	}
	return "http://localhost:" + port
}

// reset2FACmd removes a user's two-factor (a lost phone without recovery
// codes): the user enrols again at the next login if the role or unit requires it.
func reset2FACmd(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("user reset-2fa", flag.ExitOnError)
	email := fs.String("email", "", "e-mail (login)")
	fs.Parse(args) //nolint:errcheck
	db, err := openCurrentDB(ctx, false)
	if err != nil {
		return err
	}
	defer db.Close()
	id, err := db.UserIDByEmail(ctx, *email)
	if err != nil {
		return fmt.Errorf("no user with e-mail %q", *email)
	}
	if err := db.ResetTOTP(ctx, id); err != nil {
		return err
	}
	fmt.Printf("two-factor of user %d removed; every session ended\n", id)
	return nil
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

// retentionCmd lists (--dry-run) or carries out (--apply) what retention
// says is due today (docs/OPERATIONS.md, "Sletting og anonymisering"). The
// audit log records the administrator --as names, or no user (the system)
// with the role admin and the request id "cli-retention".
func retentionCmd(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("retention", flag.ContinueOnError)
	dry := fs.Bool("dry-run", false, "list who would be anonymised and why; change nothing")
	apply := fs.Bool("apply", false, "anonymise and clear what is due, in one transaction")
	as := fs.String("as", "", "e-mail of the administrator recorded in the audit log")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *dry == *apply {
		return errors.New("usage: ankomst retention --dry-run | --apply [--as EMAIL]")
	}
	db, err := openCurrentDB(ctx, false)
	if err != nil {
		return err
	}
	defer db.Close()
	s := domain.Scope{Role: domain.RoleAdmin, RequestID: "cli-retention"}
	if *as != "" {
		id, err := db.UserIDByEmail(ctx, *as)
		var u *domain.User
		if err == nil {
			u, err = db.UserByID(ctx, id)
		}
		if err != nil || u == nil || !u.Role.Can(domain.CapRetention) {
			return fmt.Errorf("no administrator with e-mail %q", *as)
		}
		s.UserID, s.UnitID = u.ID, u.UnitID
	}
	if *dry {
		ds, err := db.RetentionDryRun(ctx, s)
		if err != nil {
			return errors.New(domain.ErrorMessage(err))
		}
		held := 0
		for _, d := range ds {
			var kinds []string
			for _, a := range d.Actions {
				kinds = append(kinds, a.Kind)
			}
			state := "due"
			if d.Held {
				state = "held (" + d.Subject.LegalHoldReason + ")"
				held++
			}
			fmt.Fprintf(out, "person %d\t%s\tclosed %s\t%s\t%s\t%s\n", d.Subject.PersonID, d.Subject.UnitName,
				d.Subject.ClosedOn.Format("2006-01-02"), strings.Join(kinds, ","), state, d.Actions[0].Reason)
		}
		fmt.Fprintf(out, "dry run: %d persons due, %d of them on legal hold; nothing changed\n", len(ds), held)
		return nil
	}
	res, err := db.ApplyRetention(ctx, s)
	if err != nil {
		return errors.New(domain.ErrorMessage(err))
	}
	fmt.Fprintln(out, server.RetentionSummary(res))
	return nil
}
