package server_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"ankomst/internal/domain"
	"ankomst/internal/postgres"
	"ankomst/internal/postgres/pgtest"
	"ankomst/internal/server"
	"ankomst/internal/totp"
)

// testApp is the real router on a fresh database behind an httptest server.
type testApp struct {
	t   testing.TB
	DB  *postgres.DB
	Srv *server.Server
	TS  *httptest.Server
}

const testPassword = "riktig-passord-123"

func newTestApp(t testing.TB) *testApp {
	t.Helper()
	db := pgtest.New(t)
	log := slog.New(slog.NewJSONHandler(io.Discard, nil))
	srv := server.New(db, log, server.Config{ServeTestAssets: true}, nil)
	ts := httptest.NewServer(srv.Routes())
	t.Cleanup(ts.Close)
	return &testApp{t: t, DB: db, Srv: srv, TS: ts}
}

// user creates a user with testPassword and returns it.
func (a *testApp) user(email string, role domain.Role, unit string) *domain.User {
	a.t.Helper()
	id, err := a.DB.CreateUser(context.Background(), postgres.NewUser{Email: email, Name: "Test " + string(role), Role: role, UnitName: unit, Password: testPassword})
	if err != nil {
		a.t.Fatal(err)
	}
	u, err := a.DB.UserByID(context.Background(), id)
	if err != nil {
		a.t.Fatal(err)
	}
	if u.Needs2FA() { // admins and leaders log in with a code: enrol them
		a.enrolTOTP(u)
	}
	return u
}

// testTOTPSecret is the TOTP secret of the users the tests enrol.
const testTOTPSecret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

// enrolTOTP enrols the user in two-factor with testTOTPSecret.
func (a *testApp) enrolTOTP(u *domain.User) {
	a.t.Helper()
	code, _ := totp.Code(testTOTPSecret, a.DB.Now())
	if _, err := a.DB.EnableTOTP(context.Background(), u.Scope(), testTOTPSecret, code); err != nil {
		a.t.Fatal(err)
	}
	u.TOTPEnabled = true
}

// totpCode is a fresh code for an enrolled test user: the last used step is
// forgotten first, as a test logs one user in many times within 30 seconds.
func (a *testApp) totpCode(email string) string {
	a.t.Helper()
	if _, err := a.DB.Pool.Exec(context.Background(), `UPDATE users SET totp_last_step = NULL WHERE lower(email) = lower($1)`, email); err != nil {
		a.t.Fatal(err)
	}
	code, err := totp.Code(testTOTPSecret, a.DB.Now())
	if err != nil {
		a.t.Fatal(err)
	}
	return code
}

// client is a browser-like HTTP client with a cookie jar that does not
// follow redirects, so tests see them.
type client struct {
	t    testing.TB
	app  *testApp
	http *http.Client
}

func (a *testApp) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: a.t, app: a, http: &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// response is a finished request: status, headers and body.
type response struct {
	Status   int
	Header   http.Header
	Body     string
	Location string
}

func (c *client) do(req *http.Request) response {
	c.t.Helper()
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return response{Status: resp.StatusCode, Header: resp.Header, Body: string(b), Location: resp.Header.Get("Location")}
}

func (c *client) get(path string) response {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, c.app.TS.URL+path, nil)
	return c.do(req)
}

// post sends a same-origin form post (as a browser does: Sec-Fetch-Site).
func (c *client) post(path string, form url.Values) response {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, c.app.TS.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return c.do(req)
}

func (c *client) login(email string) {
	c.t.Helper()
	r := c.post("/login", url.Values{"email": {email}, "password": {testPassword}})
	if r.Status != http.StatusSeeOther {
		c.t.Fatalf("login %s: status %d", email, r.Status)
	}
	if r.Location == "/login/code" {
		r = c.post("/login/code", url.Values{"code": {c.app.totpCode(email)}})
		if r.Status != http.StatusSeeOther {
			c.t.Fatalf("login code %s: status %d", email, r.Status)
		}
	}
}

// validPersonForm is a complete, valid registration.
func validPersonForm(nationalID string) url.Values {
	return url.Values{
		"given_name": {"Amina"}, "family_name": {"Haidari"}, "birth_date": {"1990-04-12"},
		"sex": {"female"}, "national_id": {nationalID}, "country_of_origin": {"AF"},
		"languages": {"prs", "fa"}, "interpreter_needed": {"1"}, "interpreter_language": {"prs"},
		"residence_basis": {"resettlement"}, "arrival_date": {"2026-03-01"}, "settlement_date": {"2026-03-10"},
	}
}

// clPerson registers a person through the form, assigned to caseworker (0:
// nobody), and returns its path and id.
func clPerson(t *testing.T, c *client, i int, given, family string, caseworker int64) (string, int64) {
	t.Helper()
	f := validPersonForm(nid(i))
	f.Set("given_name", given)
	f.Set("family_name", family)
	if caseworker != 0 {
		f.Set("caseworker_id", strconv.FormatInt(caseworker, 10))
	}
	path := createPerson(t, c, f)
	id, _ := strconv.ParseInt(strings.TrimPrefix(path, "/persons/"), 10, 64)
	return path, id
}

func clMust(t *testing.T, r response, status int, wants ...string) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d\n%.3000s", r.Status, status, r.Body)
	}
	for _, w := range wants {
		if !strings.Contains(r.Body, w) {
			t.Errorf("the page lacks %q", w)
		}
	}
}
