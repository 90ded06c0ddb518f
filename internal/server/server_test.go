package server_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"ankomst/internal/domain"
	"ankomst/internal/server"
)

func nid(i int) string {
	// A birth date per i: SyntheticNationalID's individual numbers wrap at 1000.
	return domain.SyntheticNationalID(time.Date(1990, 4, 12, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i), 500)
}

var idRe = regexp.MustCompile(`^/persons/(\d+)$`)

// createPerson registers a person through the form and returns its path.
func createPerson(t *testing.T, c *client, form url.Values) string {
	t.Helper()
	r := c.post("/persons", form)
	if r.Status != http.StatusSeeOther || !idRe.MatchString(r.Location) {
		t.Fatalf("create: status %d location %q body %s", r.Status, r.Location, r.Body)
	}
	return r.Location
}

func TestHealthReadyMetrics(t *testing.T) {
	app := newTestApp(t)
	c := app.client()
	if r := c.get("/healthz"); r.Status != 200 {
		t.Errorf("healthz %d", r.Status)
	}
	if r := c.get("/readyz"); r.Status != 200 {
		t.Errorf("readyz %d", r.Status)
	}
	c.get("/login")
	r := c.get("/metrics")
	if r.Status != 200 || !strings.Contains(r.Body, `ankomst_http_requests_total{method="GET",route="/login",status="200"}`) ||
		!strings.Contains(r.Body, "ankomst_db_pool_connections") {
		t.Errorf("metrics: %d\n%.2000s", r.Status, r.Body)
	}
	app.Srv.ShutDown()
	if r := c.get("/readyz"); r.Status != http.StatusServiceUnavailable {
		t.Errorf("readyz while shutting down: %d", r.Status)
	}
}

func TestLoginLogoutAndHeaders(t *testing.T) {
	app := newTestApp(t)
	app.user("kari@kommune.no", domain.RoleCaseworker, "Øst")
	c := app.client()

	// Anonymous: the list redirects to the login page.
	r := c.get("/persons")
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/login") {
		t.Fatalf("anonymous /persons: %d %s", r.Status, r.Location)
	}
	r = c.get("/login")
	for h, want := range map[string]string{
		"Content-Security-Policy": "script-src 'self'", "X-Frame-Options": "DENY",
		"Referrer-Policy": "no-referrer", "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff",
	} {
		if !strings.Contains(r.Header.Get(h), want) {
			t.Errorf("header %s = %q, want %q", h, r.Header.Get(h), want)
		}
	}
	if strings.Contains(r.Header.Get("Content-Security-Policy"), "unsafe-inline'; img") && strings.Contains(r.Header.Get("Content-Security-Policy"), "script-src 'self' 'unsafe-inline'") {
		t.Error("CSP allows inline script")
	}

	// Wrong password and unknown user get the same message.
	wrong := c.post("/login", url.Values{"email": {"kari@kommune.no"}, "password": {"feil"}})
	unknown := c.post("/login", url.Values{"email": {"ingen@kommune.no"}, "password": {"feil"}})
	if wrong.Status != http.StatusUnauthorized || unknown.Status != http.StatusUnauthorized {
		t.Fatalf("failed logins: %d %d", wrong.Status, unknown.Status)
	}
	msg := regexp.MustCompile(`data-testid="login-error">([^<]*)<`)
	if m1, m2 := msg.FindStringSubmatch(wrong.Body), msg.FindStringSubmatch(unknown.Body); m1 == nil || m2 == nil || m1[1] != m2[1] {
		t.Errorf("messages differ or missing: %v / %v", m1, m2)
	}
	if !strings.Contains(wrong.Body, `value="kari@kommune.no"`) {
		t.Error("the e-mail was not kept after a failed login")
	}

	// A good login sets a hardened cookie, renewed at login.
	before := c.get("/login")
	_ = before
	r = c.post("/login", url.Values{"email": {"kari@kommune.no"}, "password": {testPassword}, "next": {"/persons/new"}})
	if r.Status != http.StatusSeeOther || r.Location != "/persons/new" {
		t.Fatalf("login: %d %s", r.Status, r.Location)
	}
	sc := r.Header.Get("Set-Cookie")
	if !strings.Contains(sc, "HttpOnly") || !strings.Contains(sc, "SameSite=Lax") || strings.Contains(sc, "Expires") {
		t.Errorf("session cookie = %q", sc)
	}
	if r := c.get("/persons"); r.Status != 200 || !strings.Contains(r.Body, "Deltakere") {
		t.Fatalf("list after login: %d", r.Status)
	}
	// An open redirect through next is refused.
	c2 := app.client()
	r = c2.post("/login", url.Values{"email": {"kari@kommune.no"}, "password": {testPassword}, "next": {"//evil.example"}})
	if r.Location != "/persons" {
		t.Errorf("next=//evil.example redirected to %q", r.Location)
	}

	// Logout ends the session.
	r = c.post("/logout", nil)
	if r.Status != http.StatusSeeOther {
		t.Fatalf("logout: %d", r.Status)
	}
	if r := c.get("/persons"); r.Status != http.StatusSeeOther {
		t.Errorf("after logout /persons: %d", r.Status)
	}
}

func TestLockoutThroughLoginForm(t *testing.T) {
	app := newTestApp(t)
	app.user("ola@kommune.no", domain.RoleCaseworker, "Øst")
	c := app.client()
	for range 5 {
		c.post("/login", url.Values{"email": {"ola@kommune.no"}, "password": {"gjett"}})
	}
	r := c.post("/login", url.Values{"email": {"ola@kommune.no"}, "password": {testPassword}})
	if r.Status != http.StatusUnauthorized {
		t.Fatalf("right password after 5 failures: %d, want 401 (locked)", r.Status)
	}
	var n int
	app.DB.Pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_events WHERE action = 'login_failed'`).Scan(&n)
	if n != 6 {
		t.Errorf("audited %d failed logins, want 6", n)
	}
}

func TestIdleTimeout(t *testing.T) {
	app := newTestApp(t)
	app.user("idle@kommune.no", domain.RoleCaseworker, "Øst")
	srv := server.New(app.DB, slog.New(slog.NewJSONHandler(io.Discard, nil)), server.Config{IdleTimeout: time.Second}, nil)
	ts := httptest.NewServer(srv.Routes())
	defer ts.Close()
	app.TS = ts
	c := app.client()
	c.login("idle@kommune.no")
	if r := c.get("/persons"); r.Status != 200 {
		t.Fatalf("fresh session: %d", r.Status)
	}
	time.Sleep(1500 * time.Millisecond)
	if r := c.get("/persons"); r.Status != http.StatusSeeOther {
		t.Errorf("after the idle timeout: %d, want a redirect to login", r.Status)
	}
}

func TestCrossOriginPostRefused(t *testing.T) {
	app := newTestApp(t)
	app.user("kari@kommune.no", domain.RoleCaseworker, "Øst")
	c := app.client()
	c.login("kari@kommune.no")
	req, _ := http.NewRequest(http.MethodPost, app.TS.URL+"/persons", strings.NewReader(validPersonForm(nid(1)).Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	req.Header.Set("Origin", "https://evil.example")
	if r := c.do(req); r.Status != http.StatusForbidden {
		t.Errorf("cross-site post: %d, want 403", r.Status)
	}
	var n int
	app.DB.Pool.QueryRow(context.Background(), `SELECT count(*) FROM persons`).Scan(&n)
	if n != 0 {
		t.Errorf("cross-site post created %d persons", n)
	}
	// Also the login form.
	req, _ = http.NewRequest(http.MethodPost, app.TS.URL+"/login", strings.NewReader("email=kari%40kommune.no&password="+testPassword))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "https://evil.example")
	if r := c.do(req); r.Status != http.StatusForbidden {
		t.Errorf("cross-origin login: %d, want 403", r.Status)
	}
}

func TestRolesWithoutAccess(t *testing.T) {
	app := newTestApp(t)
	app.user("cw-a@k.no", domain.RoleCaseworker, "A")
	app.user("cw-b@k.no", domain.RoleCaseworker, "B")
	app.user("helse@k.no", domain.RoleHealth, "A")
	app.user("bolig@k.no", domain.RoleHousing, "A")
	a := app.client()
	a.login("cw-a@k.no")
	path := createPerson(t, a, validPersonForm(nid(1)))

	b := app.client()
	b.login("cw-b@k.no")
	if r := b.get(path); r.Status != http.StatusNotFound {
		t.Errorf("caseworker of another unit opened the person: %d", r.Status)
	}
	if r := b.post(path, validPersonForm(nid(1))); r.Status != http.StatusNotFound && r.Status != http.StatusUnprocessableEntity {
		t.Errorf("caseworker of another unit posted an edit: %d", r.Status)
	}
	if r := b.get("/persons?view=all"); strings.Contains(r.Body, "Haidari") {
		t.Error("the list of unit B shows a person of unit A")
	}

	for _, email := range []string{"helse@k.no", "bolig@k.no"} {
		c := app.client()
		c.login(email)
		if r := c.get("/persons/new"); r.Status != http.StatusForbidden {
			t.Errorf("%s GET /persons/new: %d, want 403", email, r.Status)
		}
		if r := c.post("/persons", validPersonForm(nid(2))); r.Status != http.StatusForbidden {
			t.Errorf("%s POST /persons: %d, want 403", email, r.Status)
		}
		if r := c.get(path + "/edit"); r.Status != http.StatusForbidden {
			t.Errorf("%s edit: %d, want 403", email, r.Status)
		}
		if r := c.get(path); r.Status != 200 {
			t.Errorf("%s view in own unit: %d", email, r.Status)
		}
	}
	if r := a.get("/persons/999999"); r.Status != http.StatusNotFound {
		t.Errorf("missing person: %d", r.Status)
	}
	if r := a.get("/persons/abc"); r.Status != http.StatusNotFound {
		t.Errorf("bad id: %d", r.Status)
	}
}

func TestFormErrorsKeepInput(t *testing.T) {
	app := newTestApp(t)
	app.user("kari@kommune.no", domain.RoleCaseworker, "Øst")
	c := app.client()
	c.login("kari@kommune.no")
	form := validPersonForm("12345678901") // bad check digits
	form.Set("given_name", "Mariam")
	form.Set("interpreter_dialect", "Herati")
	form.Set("settlement_date", "2026-02-01") // before arrival
	r := c.post("/persons", form)
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("bad form: %d", r.Status)
	}
	for _, want := range []string{`value="Mariam"`, `value="12345678901"`, `value="Herati"`, `value="1990-04-12"`,
		`data-testid="error-summary"`, `href="#national_id"`, `id="national_id-error"`, `aria-invalid="true"`,
		"Bosettingsdato kan ikke være før ankomstdato", `value="prs" checked`} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("the refused form lacks %s", want)
		}
	}
	var n int
	app.DB.Pool.QueryRow(context.Background(), `SELECT count(*) FROM persons`).Scan(&n)
	if n != 0 {
		t.Errorf("a refused form stored %d persons", n)
	}
}

func TestDuplicateNationalIDLinksToExisting(t *testing.T) {
	app := newTestApp(t)
	app.user("kari@kommune.no", domain.RoleCaseworker, "Øst")
	c := app.client()
	c.login("kari@kommune.no")
	path := createPerson(t, c, validPersonForm(nid(3)))
	form := validPersonForm(nid(3))
	form.Set("given_name", "Annen")
	r := c.post("/persons", form)
	if r.Status != http.StatusConflict || !strings.Contains(r.Body, `href="`+path+`"`) || !strings.Contains(r.Body, `value="Annen"`) {
		t.Errorf("duplicate: %d, link to %s present=%v", r.Status, path, strings.Contains(r.Body, path))
	}
}

func TestStaleEditIsRefusedWithBothVersions(t *testing.T) {
	app := newTestApp(t)
	app.user("kari@kommune.no", domain.RoleCaseworker, "Øst")
	app.user("per@kommune.no", domain.RoleCaseworker, "Øst")
	kari, per := app.client(), app.client()
	kari.login("kari@kommune.no")
	per.login("per@kommune.no")
	path := createPerson(t, kari, validPersonForm(nid(4)))

	edit := validPersonForm(nid(4))
	edit.Set("version", "1")
	edit.Set("family_name", "Haidari-Kari")
	if r := kari.post(path, edit); r.Status != http.StatusSeeOther {
		t.Fatalf("first edit: %d %s", r.Status, r.Body)
	}
	edit2 := validPersonForm(nid(4))
	edit2.Set("version", "1") // Per opened the form before Kari saved
	edit2.Set("given_name", "Aminah-Per")
	r := per.post(path, edit2)
	if r.Status != http.StatusConflict {
		t.Fatalf("stale edit: %d, want 409", r.Status)
	}
	for _, want := range []string{`data-testid="conflict"`, "Haidari-Kari", `value="Aminah-Per"`, `name="version" value="2"`} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("conflict page lacks %s", want)
		}
	}
	show := kari.get(path)
	if !strings.Contains(show.Body, "Haidari-Kari") || strings.Contains(show.Body, "Aminah-Per") {
		t.Error("the stale edit changed the stored person")
	}
	// Saving again on the new version succeeds.
	edit2.Set("version", "2")
	if r := per.post(path, edit2); r.Status != http.StatusSeeOther {
		t.Errorf("resubmit on the current version: %d", r.Status)
	}
}

func TestXSSIsEscaped(t *testing.T) {
	app := newTestApp(t)
	app.user("kari@kommune.no", domain.RoleCaseworker, "Øst")
	c := app.client()
	c.login("kari@kommune.no")
	form := validPersonForm(nid(5))
	form.Set("given_name", `<script>alert(1)</script>`)
	r := c.post("/persons", form)
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("a name with markup: %d, want 422", r.Status)
	}
	if strings.Contains(r.Body, "<script>alert(1)</script>") || !strings.Contains(r.Body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Error("the payload came back unescaped")
	}
	// A dialect is free text: stored, and shown escaped.
	form.Set("given_name", "Amina")
	form.Set("interpreter_dialect", `"><img src=x onerror=alert(1)>`)
	form.Set("interpreter_gender", "female")
	path := createPerson(t, c, form)
	show := c.get(path)
	if !strings.Contains(show.Body, "kvinnelig tolk") {
		t.Error("the interpreter gender preference is not on the person page")
	}
	if strings.Contains(show.Body, "<img src=x") || !strings.Contains(show.Body, "&lt;img src=x onerror=alert(1)&gt;") {
		t.Error("the dialect came back unescaped")
	}
}

func TestListSearchAndPaging(t *testing.T) {
	app := newTestApp(t)
	app.user("kari@kommune.no", domain.RoleCaseworker, "Øst")
	c := app.client()
	c.login("kari@kommune.no")
	for i := range 55 {
		f := validPersonForm(nid(100 + i))
		f.Set("family_name", "Person"+string(rune('A'+i%26))+string(rune('a'+i/26)))
		createPerson(t, c, f)
	}
	f := validPersonForm(nid(300))
	f.Set("given_name", "Zoë")
	f.Set("family_name", "Ødegård")
	zoe := createPerson(t, c, f)

	r := c.get("/persons?view=all")
	if n := strings.Count(r.Body, `data-testid="person-row"`); n != 50 {
		t.Errorf("first page has %d rows, want 50", n)
	}
	next := regexp.MustCompile(`href="(/persons\?[^"]*after=\d+[^"]*)"`).FindStringSubmatch(r.Body)
	if next == nil {
		t.Fatal("no next-page link")
	}
	r2 := c.get(strings.ReplaceAll(next[1], "&amp;", "&"))
	if n := strings.Count(r2.Body, `data-testid="person-row"`); n != 6 {
		t.Errorf("second page has %d rows, want 6", n)
	}
	if !strings.Contains(r2.Body, `data-testid="prev-page"`) {
		t.Error("second page has no previous link")
	}
	// Search by name redirects to a GET URL; by national ID it answers directly.
	r = c.post("/persons/search", url.Values{"q": {"ODEGARD"}, "view": {"all"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("name search: %d", r.Status)
	}
	r = c.get(r.Location)
	if !strings.Contains(r.Body, zoe) || strings.Count(r.Body, `data-testid="person-row"`) != 1 {
		t.Errorf("name search did not find exactly Zoë")
	}
	r = c.post("/persons/search", url.Values{"q": {nid(300)}, "view": {"all"}})
	if r.Status != 200 || !strings.Contains(r.Body, zoe) || strings.Contains(r.Body, nid(300)) {
		t.Errorf("national ID search: %d found=%v echoed=%v", r.Status, strings.Contains(r.Body, zoe), strings.Contains(r.Body, nid(300)))
	}
	r = c.get("/persons?view=all&q=finnesikke")
	if !strings.Contains(r.Body, `data-testid="empty-state"`) {
		t.Error("no empty state for a search without hits")
	}
	// Mine: the caseworker is preselected on the form, so all are Kari's.
	r = c.get("/persons")
	if !strings.Contains(r.Body, `aria-current="page">Mine deltakere`) && !strings.Contains(r.Body, `data-testid="filter-mine" aria-current="page"`) {
		t.Error("caseworkers do not start on Mine deltakere")
	}
}

func TestEndSessionsLogsOutEverywhere(t *testing.T) {
	app := newTestApp(t)
	u := app.user("kari@kommune.no", domain.RoleCaseworker, "Øst")
	laptop, phone := app.client(), app.client()
	laptop.login("kari@kommune.no")
	phone.login("kari@kommune.no")
	if err := app.DB.EndSessions(context.Background(), u.ID); err != nil {
		t.Fatal(err)
	}
	for _, c := range []*client{laptop, phone} {
		if r := c.get("/persons"); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/login") {
			t.Errorf("after EndSessions: %d %s, want a redirect to login", r.Status, r.Location)
		}
	}
	laptop.login("kari@kommune.no") // a new login works again
	if r := laptop.get("/persons"); r.Status != 200 {
		t.Errorf("login after EndSessions: %d", r.Status)
	}
}

func TestErrorPageShowsNoInternals(t *testing.T) {
	app := newTestApp(t)
	app.user("kari@kommune.no", domain.RoleCaseworker, "Øst")
	c := app.client()
	c.login("kari@kommune.no")
	app.DB.Pool.Close() // the database goes away under a logged-in user
	r := c.get("/persons")
	if r.Status != http.StatusInternalServerError {
		t.Fatalf("status %d, want 500", r.Status)
	}
	if !strings.Contains(r.Body, "Noe gikk galt") || !strings.Contains(r.Body, `data-testid="error-ref"`) {
		t.Error("the error page lacks its message or reference")
	}
	for _, internal := range []string{"pool", "closed", "pgx", "sql", ".go:"} {
		if strings.Contains(strings.ToLower(r.Body), internal) {
			t.Errorf("the error page shows %q", internal)
		}
	}
	if r := c.get("/readyz"); r.Status != http.StatusServiceUnavailable || strings.Contains(r.Body, "closed") {
		t.Errorf("readyz without a database: %d %q", r.Status, r.Body)
	}
}
