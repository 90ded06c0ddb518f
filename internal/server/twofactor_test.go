package server_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"ankomst/internal/domain"
	"ankomst/internal/postgres"
	"ankomst/internal/server"
	"ankomst/internal/totp"
)

var secretRe = regexp.MustCompile(`data-testid="2fa-secret">([A-Z2-7 ]+)<`)
var recoveryRe = regexp.MustCompile(`<li><code>([a-z2-7]{5}-[a-z2-7]{5})</code></li>`)

// enrolThroughPage enrols the logged-in user through /account/2fa and
// returns the secret shown and the recovery codes.
func enrolThroughPage(t *testing.T, c *client) (string, []string) {
	t.Helper()
	r := c.get("/account/2fa")
	clMust(t, r, http.StatusOK, "Slå på tofaktorinnlogging", "data:image/png;base64,")
	m := secretRe.FindStringSubmatch(r.Body)
	if m == nil {
		t.Fatalf("no secret on the page\n%.2000s", r.Body)
	}
	secret := strings.ReplaceAll(m[1], " ", "")
	if again := c.get("/account/2fa"); !strings.Contains(again.Body, m[1]) {
		t.Error("the secret changed between two views of the enrolment")
	}
	clMust(t, c.post("/account/2fa", url.Values{"code": {"000000"}}), http.StatusUnprocessableEntity, "Koden stemmer ikke")
	code, _ := totp.Code(secret, time.Now())
	r = c.post("/account/2fa", url.Values{"code": {code}})
	clMust(t, r, http.StatusOK, "Tofaktorinnlogging er slått på")
	var codes []string
	for _, m := range recoveryRe.FindAllStringSubmatch(r.Body, -1) {
		codes = append(codes, m[1])
	}
	if len(codes) != totp.RecoveryCount {
		t.Fatalf("%d recovery codes shown, want %d", len(codes), totp.RecoveryCount)
	}
	return secret, codes
}

func sessionCookie(c *client) string {
	u, _ := url.Parse(c.app.TS.URL)
	for _, ck := range c.http.Jar.Cookies(u) {
		if ck.Name == "ankomst_session" {
			return ck.Value
		}
	}
	return ""
}

func TestTwoFactorEnrolAndLogin(t *testing.T) {
	app := newTestApp(t)
	u := app.user("kari@kommune.no", domain.RoleCaseworker, "Øst")
	c := app.client()
	c.login("kari@kommune.no")
	secret, codes := enrolThroughPage(t, c)
	var stored string
	var hashes int
	if err := app.DB.Pool.QueryRow(context.Background(), `SELECT totp_secret, (SELECT count(*) FROM user_recovery_codes WHERE user_id = $1) FROM users WHERE id = $1`, u.ID).Scan(&stored, &hashes); err != nil {
		t.Fatal(err)
	}
	if stored != secret || hashes != 10 {
		t.Fatalf("stored %q with %d codes", stored, hashes)
	}
	var plain int
	app.DB.Pool.QueryRow(context.Background(), `SELECT count(*) FROM user_recovery_codes WHERE code_hash = convert_to($1, 'UTF8')`, codes[0]).Scan(&plain) //nolint:errcheck
	if plain != 0 {
		t.Error("a recovery code is stored in plain text")
	}
	if r := c.get("/account/2fa"); !strings.Contains(r.Body, "er slått på") || strings.Contains(r.Body, "2fa-secret") {
		t.Error("the enrolled status page shows the secret again or not the status")
	}
	c.post("/logout", nil)

	// Password, then the code step: the session is only half logged in.
	c2 := app.client()
	r := c2.post("/login", url.Values{"email": {"kari@kommune.no"}, "password": {testPassword}, "next": {"/deadlines"}})
	if r.Status != http.StatusSeeOther || r.Location != "/login/code" {
		t.Fatalf("login: %d → %s, want the code step", r.Status, r.Location)
	}
	half := sessionCookie(c2)
	if r := c2.get("/persons"); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/login") {
		t.Fatalf("half logged in, GET /persons: %d → %s", r.Status, r.Location)
	}
	clMust(t, c2.get("/login/code"), http.StatusOK, "Skriv inn engangskoden")
	clMust(t, c2.post("/login/code", url.Values{"code": {"123456"}}), http.StatusUnauthorized, "Koden stemmer ikke")
	// The enrolment's code used this step; the next step's code is accepted
	// (one step of clock drift).
	code, _ := totp.Code(secret, time.Now().Add(totp.Period*time.Second))
	r = c2.post("/login/code", url.Values{"code": {code}})
	if r.Status != http.StatusSeeOther || r.Location != "/deadlines" {
		t.Fatalf("code: %d → %s", r.Status, r.Location)
	}
	if sessionCookie(c2) == half || half == "" {
		t.Error("the session id was not renewed after the code step")
	}
	clMust(t, c2.get("/persons"), http.StatusOK)

	// The same code again (another login within its window): refused.
	c3 := app.client()
	c3.post("/login", url.Values{"email": {"kari@kommune.no"}, "password": {testPassword}})
	clMust(t, c3.post("/login/code", url.Values{"code": {code}}), http.StatusUnauthorized, "Koden stemmer ikke")
	// A recovery code works once.
	if r := c3.post("/login/code", url.Values{"code": {strings.ToUpper(codes[3])}}); r.Status != http.StatusSeeOther {
		t.Fatalf("recovery code: %d", r.Status)
	}
	c4 := app.client()
	c4.post("/login", url.Values{"email": {"kari@kommune.no"}, "password": {testPassword}})
	clMust(t, c4.post("/login/code", url.Values{"code": {codes[3]}}), http.StatusUnauthorized)
	if r := c3.get("/account/2fa"); !strings.Contains(r.Body, "9 ubrukte") {
		t.Errorf("the status page does not count 9 unused codes")
	}

	// Turning it off takes the password and a code.
	clMust(t, c3.post("/account/2fa/disable", url.Values{"password": {"feil-passord-123"}, "code": {codes[5]}}), http.StatusUnprocessableEntity, "stemmer ikke")
	if r := c3.post("/account/2fa/disable", url.Values{"password": {testPassword}, "code": {codes[5]}}); r.Status != http.StatusSeeOther {
		t.Fatalf("disable: %d\n%.1500s", r.Status, r.Body)
	}
	clMust(t, c3.get("/account/2fa"), http.StatusOK, "Slå på tofaktorinnlogging")
	var actions []string
	rows, _ := app.DB.Pool.Query(context.Background(), `SELECT action FROM audit_events WHERE entity = 'user' AND entity_id = $1 AND action IN ('enable_2fa', 'disable_2fa', 'login_password') ORDER BY id`, u.ID)
	for rows.Next() {
		var a string
		rows.Scan(&a) //nolint:errcheck
		actions = append(actions, a)
	}
	if got := strings.Join(actions, " "); !strings.HasPrefix(got, "enable_2fa login_password") || !strings.HasSuffix(got, "disable_2fa") {
		t.Errorf("audit: %s", got)
	}
	// A caseworker may now log in with the password alone (not required).
	c5 := app.client()
	if r := c5.post("/login", url.Values{"email": {"kari@kommune.no"}, "password": {testPassword}}); r.Location != "/persons" {
		t.Errorf("after disabling, login → %s", r.Location)
	}
}

// Codes count against the account lockout as passwords do: five wrong codes
// lock the account, and then neither a right code nor the password works.
func TestTwoFactorCodesLockTheAccount(t *testing.T) {
	app := newTestApp(t)
	app.user("leder@kommune.no", domain.RoleLeader, "Øst") // enrolled with testTOTPSecret
	c := app.client()
	if r := c.post("/login", url.Values{"email": {"leder@kommune.no"}, "password": {testPassword}}); r.Location != "/login/code" {
		t.Fatalf("login → %s", r.Location)
	}
	for i := 0; i < 4; i++ {
		clMust(t, c.post("/login/code", url.Values{"code": {"000000"}}), http.StatusUnauthorized)
	}
	clMust(t, c.post("/login/code", url.Values{"code": {app.totpCode("leder@kommune.no")}}), http.StatusUnauthorized)
	c2 := app.client()
	clMust(t, c2.post("/login", url.Values{"email": {"leder@kommune.no"}, "password": {testPassword}}), http.StatusUnauthorized)
	var locked bool
	app.DB.Pool.QueryRow(context.Background(), `SELECT locked_until > now() FROM users WHERE email = 'leder@kommune.no'`).Scan(&locked) //nolint:errcheck
	if !locked {
		t.Error("the account is not locked")
	}
	// A password success does not reset the count while the code is missing:
	// alternating password and code guesses gets no more guesses.
	app2 := newTestApp(t)
	app2.user("leder@kommune.no", domain.RoleLeader, "Øst")
	for i := 0; i < 3; i++ {
		cc := app2.client()
		cc.post("/login", url.Values{"email": {"leder@kommune.no"}, "password": {testPassword}})
		cc.post("/login/code", url.Values{"code": {"000000"}})
	}
	cc := app2.client()
	clMust(t, cc.post("/login", url.Values{"email": {"leder@kommune.no"}, "password": {testPassword}}), http.StatusUnauthorized)
}

// A leader without enrolment is sent to it after the password and can do
// nothing else; a unit's setting does the same for everyone in it.
func TestTwoFactorRequired(t *testing.T) {
	app := newTestApp(t)
	ctx := context.Background()
	if _, err := app.DB.CreateUser(ctx, postgres.NewUser{Email: "ny-leder@kommune.no", Name: "Ny Leder", Role: domain.RoleLeader, UnitName: "Øst", Password: testPassword}); err != nil {
		t.Fatal(err)
	}
	c := app.client()
	r := c.post("/login", url.Values{"email": {"ny-leder@kommune.no"}, "password": {testPassword}})
	if r.Location != "/account/2fa" {
		t.Fatalf("login → %s, want the enrolment", r.Location)
	}
	for _, p := range []string{"/persons", "/deadlines", "/reports/payroll"} {
		if r := c.get(p); r.Status != http.StatusSeeOther || r.Location != "/account/2fa" {
			t.Errorf("GET %s before enrolment: %d → %s", p, r.Status, r.Location)
		}
	}
	clMust(t, c.get("/account/2fa"), http.StatusOK, "krever tofaktorinnlogging")
	enrolThroughPage(t, c)
	clMust(t, c.get("/persons"), http.StatusOK)

	// An admin requires it of unit Øst: its caseworker must enrol too.
	admin := app.user("admin@kommune.no", domain.RoleAdmin, "Vest")
	_ = admin
	app.user("kari@kommune.no", domain.RoleCaseworker, "Øst")
	var ost int64
	app.DB.Pool.QueryRow(ctx, `SELECT id FROM units WHERE name = 'Øst'`).Scan(&ost) //nolint:errcheck
	ca := app.client()
	ca.login("admin@kommune.no")
	clMust(t, ca.get("/admin/2fa"), http.StatusOK, "Tofaktorinnlogging per enhet", "Øst")
	clMust(t, ca.post("/admin/2fa/"+strconv.FormatInt(ost, 10), url.Values{"require": {"kanskje"}}), http.StatusUnprocessableEntity)
	if r := ca.post("/admin/2fa/"+strconv.FormatInt(ost, 10), url.Values{"require": {"1"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("require: %d", r.Status)
	}
	clMust(t, ca.post("/admin/2fa/999999", url.Values{"require": {"1"}}), http.StatusNotFound)
	ck := app.client()
	ck.post("/login", url.Values{"email": {"kari@kommune.no"}, "password": {testPassword}})
	if r := ck.get("/persons"); r.Location != "/account/2fa" {
		t.Errorf("caseworker of a unit requiring 2FA: GET /persons → %d %s", r.Status, r.Location)
	}
	clMust(t, c.get("/admin/2fa"), http.StatusForbidden) // the leader
	var n int
	app.DB.Pool.QueryRow(ctx, `SELECT count(*) FROM audit_events WHERE entity = 'unit' AND entity_id = $1 AND changes ? 'require_2fa'`, ost).Scan(&n) //nolint:errcheck
	if n != 1 {
		t.Errorf("%d audit rows for the unit's setting, want 1", n)
	}
}

// Login attempts per client address: after LoginAttemptsPerAddress failed
// attempts (any accounts) the address gets 429 with Retry-After and a
// Norwegian page; another account does not help, a success is not counted.
func TestLoginRateLimitPerAddress(t *testing.T) {
	app := newTestApp(t)
	app.user("kari@kommune.no", domain.RoleCaseworker, "Øst")
	c := app.client()
	for i := 0; i < 5; i++ { // successes are not counted
		c.login("kari@kommune.no")
	}
	for i := 0; i < server.LoginAttemptsPerAddress; i++ {
		r := c.post("/login", url.Values{"email": {"gjest" + strconv.Itoa(i) + "@kommune.no"}, "password": {"feil-passord-123"}})
		if r.Status != http.StatusUnauthorized {
			t.Fatalf("attempt %d: %d", i+1, r.Status)
		}
	}
	r := c.post("/login", url.Values{"email": {"kari@kommune.no"}, "password": {testPassword}})
	clMust(t, r, http.StatusTooManyRequests, "For mange forsøk. Prøv igjen om 15 minutter.")
	if ra, err := strconv.Atoi(r.Header.Get("Retry-After")); err != nil || ra < 800 || ra > 900 {
		t.Errorf("Retry-After %q", r.Header.Get("Retry-After"))
	}
	clMust(t, c.post("/login/code", url.Values{"code": {"123456"}}), http.StatusUnauthorized) // no pending login: not a guess
}

// The two-factor pages: session, user, at most one read of their own, session write.
func TestTwoFactorPagesRoundTrips(t *testing.T) {
	app := newTestApp(t)
	logs := &syncBuffer{}
	srv := server.New(app.DB, slog.New(slog.NewJSONHandler(logs, nil)), server.Config{}, nil)
	ts := httptest.NewServer(srv.Routes())
	defer ts.Close()
	app.TS = ts
	app.user("cw@kommune.no", domain.RoleCaseworker, "Øst")
	app.user("admin@kommune.no", domain.RoleAdmin, "Vest")
	cw, admin := app.client(), app.client()
	cw.login("cw@kommune.no")
	admin.login("admin@kommune.no")
	for _, pg := range []struct {
		c           *client
		path, route string
	}{
		{cw, "/account/2fa", "/account/2fa"},    // the enrolment
		{admin, "/account/2fa", "/account/2fa"}, // the status
		{admin, "/admin/2fa", "/admin/2fa"},
	} {
		st, rt := pageCost(t, app, logs, pg.c, pg.path, pg.route)
		t.Logf("%s: %d statements, %d round trips", pg.route, st, rt)
		if rt > 4 {
			t.Errorf("%s: %d round trips (%d statements), want at most 4", pg.route, rt, st)
		}
	}
}

// One code in two parallel code steps (two half-logged-in sessions of the
// same user): exactly one logs in.
func TestTwoFactorParallelReplay(t *testing.T) {
	app := newTestApp(t)
	app.user("leder@kommune.no", domain.RoleLeader, "Øst")
	a, b := app.client(), app.client()
	for _, c := range []*client{a, b} {
		if r := c.post("/login", url.Values{"email": {"leder@kommune.no"}, "password": {testPassword}}); r.Location != "/login/code" {
			t.Fatalf("login → %s", r.Location)
		}
	}
	code := app.totpCode("leder@kommune.no")
	statuses := make(chan int, 2)
	for _, c := range []*client{a, b} {
		go func() {
			req, _ := http.NewRequest(http.MethodPost, app.TS.URL+"/login/code", strings.NewReader(url.Values{"code": {code}}.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Sec-Fetch-Site", "same-origin")
			resp, err := c.http.Do(req)
			if err != nil {
				statuses <- 0
				return
			}
			resp.Body.Close()
			statuses <- resp.StatusCode
		}()
	}
	got := []int{<-statuses, <-statuses}
	if !(got[0] == http.StatusSeeOther) == !(got[1] == http.StatusSeeOther) {
		t.Errorf("statuses %v, want one 303 and one 401", got)
	}
	// Junk as a code: a clean 401 or 400, never a 500.
	c := app.client()
	c.post("/login", url.Values{"email": {"leder@kommune.no"}, "password": {testPassword}})
	for _, junk := range []string{strings.Repeat("9", 100000), "12345\x00", "ÆØÅæøå", "abcde-fghij"} {
		if r := c.post("/login/code", url.Values{"code": {junk}}); r.Status != http.StatusUnauthorized && r.Status != http.StatusBadRequest {
			t.Errorf("code %.10q: %d", junk, r.Status)
		}
	}
}

// `ankomst user reset-2fa`: the secret and codes go, sessions end, and a
// leader must enrol again.
func TestResetTOTP(t *testing.T) {
	app := newTestApp(t)
	u := app.user("leder@kommune.no", domain.RoleLeader, "Øst")
	c := app.client()
	c.login("leder@kommune.no")
	if err := app.DB.ResetTOTP(context.Background(), u.ID); err != nil {
		t.Fatal(err)
	}
	if r := c.get("/persons"); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/login") {
		t.Errorf("the session survived the reset: %d %s", r.Status, r.Location)
	}
	if r := c.post("/login", url.Values{"email": {"leder@kommune.no"}, "password": {testPassword}}); r.Location != "/account/2fa" {
		t.Errorf("after the reset, login → %s", r.Location)
	}
	var n int
	app.DB.Pool.QueryRow(context.Background(), `SELECT count(*) FROM user_recovery_codes WHERE user_id = $1`, u.ID).Scan(&n) //nolint:errcheck
	if n != 0 {
		t.Errorf("%d recovery codes left", n)
	}
}
