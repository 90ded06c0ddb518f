package server_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"ankomst/internal/domain"
	"ankomst/internal/postgres"
	"ankomst/internal/postgres/pgtest"
	"ankomst/internal/server"

	"github.com/jackc/pgx/v5/pgconn"
)

// cutProxy forwards TCP to the test's Postgres until cut: then it closes
// every open connection and stops listening (a connect is refused, as when
// Postgres is stopped), until restore listens on the same address again.
type cutProxy struct {
	t      *testing.T
	addr   string // the proxy's address, stable across cut/restore
	target string
	mu     sync.Mutex
	ln     net.Listener
	conns  map[net.Conn]struct{}
	wg     sync.WaitGroup
}

func newCutProxy(t *testing.T, target string) *cutProxy {
	p := &cutProxy{t: t, target: target, conns: map[net.Conn]struct{}{}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p.addr = ln.Addr().String()
	p.serve(ln)
	t.Cleanup(func() { p.cut(); p.wg.Wait() })
	return p
}

func (p *cutProxy) serve(ln net.Listener) {
	p.mu.Lock()
	p.ln = ln
	p.mu.Unlock()
	p.wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			up, err := net.DialTimeout("tcp", p.target, 5*time.Second)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns[c], p.conns[up] = struct{}{}, struct{}{}
			p.mu.Unlock()
			pipe := func(dst, src net.Conn) {
				io.Copy(dst, src) //nolint:errcheck
				dst.Close()
				src.Close()
			}
			p.wg.Go(func() { pipe(up, c) })
			p.wg.Go(func() { pipe(c, up) })
		}
	})
}

// cut refuses new connections and kills the open ones.
func (p *cutProxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for c := range p.conns {
		c.Close()
		delete(p.conns, c)
	}
}

// restore listens again on the same address.
func (p *cutProxy) restore() {
	ln, err := net.Listen("tcp", p.addr)
	if err != nil {
		p.t.Fatalf("proxy: listen again on %s: %v", p.addr, err)
	}
	p.serve(ln)
}

// TestDatabaseOutage: with the database unreachable (every connection cut,
// new ones refused) a page answers 503 with the friendly Norwegian page,
// Retry-After and no internals, a form post too; /readyz fails while
// /healthz (liveness) does not. When the database is back, the same pool
// recovers by itself (no new server, no new pool) and the session from
// before the outage still holds: the same cookie opens the page.
// make loadtest does the same against a real Postgres stopped mid-run.
func TestDatabaseOutage(t *testing.T) {
	appURL := pgtest.URL(t)
	u, err := url.Parse(appURL)
	if err != nil {
		t.Fatal(err)
	}
	proxy := newCutProxy(t, u.Host)
	u.Host = proxy.addr
	db, err := postgres.Open(context.Background(), u.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	srv := server.New(db, slog.New(slog.NewJSONHandler(io.Discard, nil)), server.Config{}, nil)
	ts := httptest.NewServer(srv.Routes())
	t.Cleanup(ts.Close)
	app := &testApp{t: t, DB: db, Srv: srv, TS: ts}
	app.user("kari@kommune.no", domain.RoleCaseworker, "Øst")
	c := app.client()
	c.login("kari@kommune.no")
	clMust(t, c.get("/persons"), http.StatusOK)
	clMust(t, c.get("/readyz"), http.StatusOK)

	proxy.cut()
	internals := []string{"pgconn", "dial", "connect", "127.0.0.1", "refused", "EOF", "SQLSTATE", "goroutine", "Noe gikk galt"}
	check := func(what string, r response) {
		t.Helper()
		if r.Status != http.StatusServiceUnavailable {
			t.Fatalf("%s during the outage: status %d, want 503; body %s", what, r.Status, r.Body)
		}
		if !strings.Contains(r.Body, "Tjenesten er midlertidig utilgjengelig") || !strings.Contains(r.Body, "prøv igjen") {
			t.Errorf("%s: not the friendly page: %s", what, r.Body)
		}
		if r.Header.Get("Retry-After") == "" {
			t.Errorf("%s: no Retry-After", what)
		}
		for _, s := range internals {
			if strings.Contains(r.Body, s) {
				t.Errorf("%s: the page shows %q", what, s)
			}
		}
	}
	check("GET /persons", c.get("/persons"))
	check("GET /persons again", c.get("/persons"))
	check("POST /persons", c.post("/persons", validPersonForm(nid(1))))
	fresh := app.client()
	check("POST /login", fresh.post("/login", url.Values{"email": {"kari@kommune.no"}, "password": {testPassword}}))
	if r := c.get("/readyz"); r.Status != http.StatusServiceUnavailable {
		t.Errorf("/readyz during the outage: %d, want 503", r.Status)
	}
	if r := c.get("/healthz"); r.Status != http.StatusOK {
		t.Errorf("/healthz during the outage: %d, want 200 (liveness must not restart the app)", r.Status)
	}
	if r := c.get("/metrics"); !strings.Contains(r.Body, "ankomst_db_unavailable_total") {
		t.Errorf("/metrics lacks ankomst_db_unavailable_total")
	}

	proxy.restore()
	// The pool replaces its dead connections by itself: the first request
	// after the restart may still meet one (bounded: 20 tries, 5 s).
	deadline := time.Now().Add(5 * time.Second)
	var r response
	for i := 0; i < 20 && time.Now().Before(deadline); i++ {
		if r = c.get("/persons"); r.Status == http.StatusOK {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if r.Status != http.StatusOK {
		t.Fatalf("after the restore: GET /persons %d, want 200 with the session from before (body %.300s)", r.Status, r.Body)
	}
	if strings.Contains(r.Body, `action="/login"`) && !strings.Contains(r.Body, "Logg ut") {
		t.Errorf("after the restore the session is gone")
	}
	clMust(t, c.get("/readyz"), http.StatusOK)
	clMust(t, c.post("/persons", validPersonForm(nid(2))), http.StatusSeeOther)
}

// TestConcurrentIs409: a deadlock (found by make loadtest between two
// attendance saves of groups sharing participants) or a serialization
// failure is classified as concurrent: serverError answers 409 "nothing
// stored, try again" instead of 500. The classifier only; make loadtest
// meets the real deadlock.
func TestConcurrentIs409(t *testing.T) {
	if !postgres.Concurrent(&pgconn.PgError{Code: "40P01"}) || !postgres.Concurrent(&pgconn.PgError{Code: "40001"}) ||
		postgres.Concurrent(&pgconn.PgError{Code: "23505"}) || postgres.Concurrent(io.EOF) {
		t.Fatal("Concurrent misclassifies")
	}
}

// TestUnavailableClassifier: outage errors and others.
func TestUnavailableClassifier(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{io.ErrUnexpectedEOF, true},
		{&pgconn.PgError{Code: "57P01"}, true}, // admin shutdown (pg_ctl stop -m fast)
		{&pgconn.PgError{Code: "57P03"}, true}, // starting up
		{&pgconn.PgError{Code: "08006"}, true},
		{&pgconn.PgError{Code: "23505"}, false},
		{&pgconn.PgError{Code: "28P01"}, false}, // wrong password: not an outage
		{&net.OpError{Op: "dial", Err: errors.New("connection refused")}, true},
		{errors.New("some bug"), false},
		{context.Canceled, false},
		{domain.Errorf(domain.EINVALID, "x"), false},
		{nil, false},
	} {
		if got := postgres.Unavailable(tc.err); got != tc.want {
			t.Errorf("Unavailable(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
}
