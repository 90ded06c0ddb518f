package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"ankomst/internal/domain"
	"ankomst/internal/server"
)

// rawPost sends a same-origin form post with a body as given (not re-encoded).
func (c *client) rawPost(path, contentType, body string) response {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, c.app.TS.URL+path, strings.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return c.do(req)
}

func (c *client) method(method, path string) response {
	c.t.Helper()
	req, _ := http.NewRequest(method, c.app.TS.URL+path, nil)
	if method != http.MethodGet && method != http.MethodHead {
		req.Header.Set("Sec-Fetch-Site", "same-origin")
	}
	return c.do(req)
}

func (a *testApp) count(table string) int {
	a.t.Helper()
	var n int
	if err := a.DB.Pool.QueryRow(context.Background(), `SELECT count(*) FROM `+table).Scan(&n); err != nil {
		a.t.Fatal(err)
	}
	return n
}

const badCharsPage = "ugyldige tegn"

// NUL and invalid UTF-8 in any query or form key or value are refused with
// 400 at the edge, before the session, the login or a handler sees them.
func TestInvalidCharactersRefusedAtTheEdge(t *testing.T) {
	app := newTestApp(t)
	app.user("kari@kommune.no", domain.RoleCaseworker, "Øst")
	c := app.client()
	audits := app.count("audit_events") // creating the user is audited

	refused := func(what string, r response) {
		t.Helper()
		if r.Status != http.StatusBadRequest || !strings.Contains(r.Body, badCharsPage) || !strings.Contains(r.Body, `data-testid="error-ref"`) {
			t.Errorf("%s: %d, want 400 with the error page\n%.500s", what, r.Status, r.Body)
		}
	}
	form := "application/x-www-form-urlencoded"

	// Before login.
	refused("login e-mail with NUL", c.rawPost("/login", form, "email=a%00b@x.test&password=x"))
	refused("login password with invalid UTF-8", c.rawPost("/login", form, "email=kari%40kommune.no&password=%FF"))
	refused("login form key with NUL", c.rawPost("/login", form, "email=kari%40kommune.no&pass%00word=x"))
	refused("login page next with invalid UTF-8", c.get("/login?next=%FF"))
	refused("login page query key with NUL", c.get("/login?a%00=1"))
	refused("multipart login with NUL", func() response {
		body := "--XX\r\nContent-Disposition: form-data; name=\"email\"\r\n\r\na\x00b@x.test\r\n--XX--\r\n"
		return c.rawPost("/login", "multipart/form-data; boundary=XX", body)
	}())
	refused("health check with NUL in the query", c.get("/healthz?x=%00"))
	if n := app.count("audit_events"); n != audits {
		t.Errorf("refused logins wrote %d audit rows", n-audits)
	}
	if n := app.count("users WHERE login_attempts > 0"); n != 0 {
		t.Errorf("refused logins counted attempts on %d users", n)
	}

	// Logged in.
	c.login("kari@kommune.no")
	person := createPerson(t, c, validPersonForm(nid(1)))
	persons, audits := app.count("persons"), app.count("audit_events")

	refused("person search with NUL", c.get("/persons?q=ab%00cd"))
	refused("person search with invalid UTF-8", c.get("/persons?q=%FF"))
	refused("household search with NUL", c.get("/households?q=%00"))
	refused("household search form with NUL", c.post("/households/search", url.Values{"q": {"a\x00"}}))
	refused("person search form with NUL", c.post("/persons/search", url.Values{"q": {"a\x00"}}))
	for _, bad := range []string{"før\x00etter", "\xff", "ugyldig \xc3\x28 utf-8"} {
		refused("note body "+strconv.Quote(bad), c.post(person+"/notes", meetingForm(bad)))
		f := validPersonForm(nid(2))
		f.Set("interpreter_dialect", bad)
		refused("interpreter dialect "+strconv.Quote(bad), c.post("/persons", f))
		refused("task title "+strconv.Quote(bad), c.post(person+"/tasks/new", url.Values{"title": {bad}, "due_date": {"2030-01-01"}}))
	}
	refused("note form key with invalid UTF-8", c.post(person+"/notes", func() url.Values {
		f := meetingForm("Samtale")
		f.Set("\xffbody", "x")
		return f
	}()))
	if n := app.count("case_notes"); n != 0 {
		t.Errorf("refused notes stored %d notes", n)
	}
	if n := app.count("tasks"); n != 0 {
		t.Errorf("refused tasks stored %d tasks", n)
	}
	if n := app.count("persons"); n != persons {
		t.Errorf("refused registrations stored %d persons", n-persons)
	}
	if n := app.count("audit_events"); n != audits {
		t.Errorf("refused requests wrote %d audit rows", n-audits)
	}

	// Norwegian letters and other valid UTF-8 pass.
	if r := c.get("/persons?view=all&q=" + url.QueryEscape("Ødegård")); r.Status != http.StatusOK {
		t.Errorf("search for Ødegård: %d", r.Status)
	}
	createNote(t, c, person, meetingForm("Samtale om bosetting i Tromsø – «tolk» brukt"))
}

// Request bodies are limited: a huge form gets a clear 413 page.
func TestRequestBodyLimit(t *testing.T) {
	app := newTestApp(t)
	app.user("kari@kommune.no", domain.RoleCaseworker, "Øst")
	c := app.client()
	huge := strings.Repeat("a", 1<<20+100<<10)
	r := c.post("/login", url.Values{"email": {"kari@kommune.no"}, "password": {huge}})
	if r.Status != http.StatusRequestEntityTooLarge || !strings.Contains(r.Body, "for stor") {
		t.Errorf("huge login form: %d, want 413\n%.500s", r.Status, r.Body)
	}
	c.login("kari@kommune.no")
	person := createPerson(t, c, validPersonForm(nid(1)))
	r = c.post(person+"/notes", meetingForm(huge))
	if r.Status != http.StatusRequestEntityTooLarge || !strings.Contains(r.Body, "for stor") {
		t.Errorf("huge note: %d, want 413\n%.500s", r.Status, r.Body)
	}
	if n := app.count("case_notes"); n != 0 {
		t.Errorf("a huge note stored %d notes", n)
	}
	// An ordinary long note is fine.
	createNote(t, c, person, meetingForm(strings.Repeat("Lang samtale. ", 500)))
}

// Unknown methods all count under one label, so nobody can grow /metrics.
func TestMetricsMethodLabelIsBounded(t *testing.T) {
	app := newTestApp(t)
	c := app.client()
	methods := []string{"PROBE123", "XYZZY", "FOOBAR" + strconv.FormatInt(time.Now().UnixNano(), 36)}
	for _, m := range methods {
		c.method(m, "/x")
		c.method(m, "/login")
	}
	c.method(http.MethodGet, "/login")
	r := c.get("/metrics")
	for _, m := range methods {
		if strings.Contains(r.Body, m) {
			t.Errorf("/metrics has a series for method %s", m)
		}
	}
	if !strings.Contains(r.Body, `method="other"`) || !strings.Contains(r.Body, `method="GET",route="/login"`) {
		t.Errorf("metrics lack the other or GET series:\n%.3000s", r.Body)
	}
}

// next after login must stay on this site, also after the browser's own
// clean-up of the Location (tabs, CR and LF removed, backslash as slash).
func TestLoginNextStaysLocal(t *testing.T) {
	app := newTestApp(t)
	app.user("kari@kommune.no", domain.RoleCaseworker, "Øst")
	for _, tc := range []struct{ next, want string }{
		{"/\t/evil.example", "/persons"},
		{"/\n/evil", "/persons"},
		{"/\r/evil", "/persons"},
		{"\t//evil.example", "/persons"},
		{" /persons", "/persons"},
		{"/\\evil", "/persons"},
		{"/persons\\..\\\\evil", "/persons"},
		{"//evil", "/persons"},
		{"///evil", "/persons"},
		{"https://evil", "/persons"},
		{"http:/evil", "/persons"},
		{"javascript:alert(1)", "/persons"},
		{"evil.example", "/persons"},
		{"/%09/x", "/persons"},
		{"/%2F/evil.example", "/persons"},
		{"/%5Cevil", "/persons"},
		{"/persons/\x00", "/persons"},
		{"/persons/\u00a0", "/persons"},
		{"/persons/\u2028", "/persons"},
		{"", "/persons"},
		{"/persons/12", "/persons/12"},
		{"/persons?view=all", "/persons?view=all"},
		{"/persons/new", "/persons/new"},
		{"/deadlines?view=overdue&unit=2", "/deadlines?view=overdue&unit=2"},
	} {
		c := app.client()
		body := url.Values{"email": {"kari@kommune.no"}, "password": {testPassword}, "next": {tc.next}}.Encode()
		r := c.rawPost("/login", "application/x-www-form-urlencoded", body)
		if r.Status == http.StatusBadRequest && strings.ContainsRune(tc.next, 0) {
			continue // refused at the edge
		}
		if r.Status != http.StatusSeeOther || r.Location != tc.want {
			t.Errorf("next=%q: %d Location %q, want %q", tc.next, r.Status, r.Location, tc.want)
		}
	}
}

// syncBuffer is a log sink the server writes while the test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// The request id in audit rows and the log is made by the server; a client's
// X-Request-Id is only logged, short and printable, as client_request_id.
func TestRequestIDIsServerMade(t *testing.T) {
	app := newTestApp(t)
	app.user("kari@kommune.no", domain.RoleCaseworker, "Øst")
	var logs syncBuffer
	app.Srv.Log = slog.New(slog.NewJSONHandler(&logs, nil))
	c := app.client()

	header := "=HYPERLINK(\"x\")\tété" + strings.Repeat("x", 20000)
	for _, path := range []string{"/login", "/login"} {
		req, _ := http.NewRequest(http.MethodPost, app.TS.URL+path, strings.NewReader(url.Values{"email": {"kari@kommune.no"}, "password": {testPassword}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		req.Header.Set("X-Request-Id", header)
		if r := c.do(req); r.Status != http.StatusSeeOther {
			t.Fatalf("login: %d", r.Status)
		}
	}
	rows, err := app.DB.Pool.Query(context.Background(), `SELECT request_id FROM audit_events WHERE action = 'login' ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if len(ids) != 2 {
		t.Fatalf("%d login audit rows, want 2", len(ids))
	}
	for _, id := range ids {
		if id == "" || len(id) > 64 || strings.Contains(id, "HYPERLINK") || strings.Contains(id, "xxxx") || strings.Contains(header, id) {
			t.Errorf("audit request id %.80q is not server-made", id)
		}
	}
	if ids[0] == ids[1] {
		t.Errorf("two requests share the request id %q", ids[0])
	}

	// The request log has the server's id and the client's, cleaned.
	var line map[string]any
	deadline := time.Now().Add(2 * time.Second)
	for line == nil && time.Now().Before(deadline) {
		for _, l := range strings.Split(logs.String(), "\n") {
			var m map[string]any
			if json.Unmarshal([]byte(l), &m) == nil && m["msg"] == "request" && m["request_id"] == ids[0] {
				line = m
			}
		}
		if line == nil {
			time.Sleep(20 * time.Millisecond)
		}
	}
	if line == nil {
		t.Fatalf("no request log line with request_id %q:\n%.3000s", ids[0], logs.String())
	}
	cid, _ := line["client_request_id"].(string)
	if want := ("=HYPERLINK(\"x\")t" + strings.Repeat("x", 64))[:64]; cid != want {
		t.Errorf("client_request_id = %q, want %q", cid, want)
	}
}

// Static files: no directory listings, and only at their clean path.
func TestStaticNoDirectoryListing(t *testing.T) {
	app := newTestApp(t)
	c := app.client()
	for _, p := range []string{"/static/", "/static/vendor/", "/static/vendor", "/static/css/", "/static/css", "/static"} {
		if r := c.get(p); r.Status != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", p, r.Status)
		}
	}
	if r := c.get("/static/css/app.css"); r.Status != http.StatusOK || !strings.Contains(r.Header.Get("Content-Type"), "text/css") ||
		r.Header.Get("Cache-Control") != "public, max-age=3600" {
		t.Errorf("GET /static/css/app.css: %d %s %s", r.Status, r.Header.Get("Content-Type"), r.Header.Get("Cache-Control"))
	}
	if r := c.get("/static/css/finnes-ikke.css"); r.Status != http.StatusNotFound {
		t.Errorf("a missing file: %d, want 404", r.Status)
	}
}

// axe-core is served only with ServeTestAssets, however the path is spelt.
func TestStaticCleanPathsOnly(t *testing.T) {
	app := newTestApp(t)
	c := app.client()
	for _, p := range []string{"/static//css/app.css", "/static/css//app.css", "/static/./css/app.css", "/static/js/../css/app.css"} {
		if r := c.get(p); r.Status != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", p, r.Status)
		}
	}
	if r := c.get("/static/vendor/axe.min.js"); r.Status != http.StatusOK {
		t.Errorf("axe with ServeTestAssets: %d", r.Status)
	}
	prod := httptest.NewServer(server.New(app.DB, slog.New(slog.NewJSONHandler(io.Discard, nil)), server.Config{}, nil).Routes())
	defer prod.Close()
	for _, p := range []string{"/static/vendor/axe.min.js", "/static/vendor//axe.min.js", "/static//vendor/axe.min.js",
		"/static/vendor/./axe.min.js", "/static/css/../vendor/axe.min.js", "/static/vendor%2Faxe.min.js", "/static/vendor%2F%2Faxe.min.js"} {
		resp, err := http.Get(prod.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("without ServeTestAssets GET %s: %d, want 404", p, resp.StatusCode)
		}
	}
}

// HEAD is answered on every GET route, without a body.
func TestHeadOnGetRoutes(t *testing.T) {
	app := newTestApp(t)
	app.user("kari@kommune.no", domain.RoleCaseworker, "Øst")
	c := app.client()
	for _, p := range []string{"/healthz", "/livez", "/readyz", "/login", "/metrics", "/static/css/app.css"} {
		if r := c.method(http.MethodHead, p); r.Status != http.StatusOK || r.Body != "" {
			t.Errorf("HEAD %s: %d (body %d bytes), want 200 without a body", p, r.Status, len(r.Body))
		}
	}
	if r := c.method(http.MethodHead, "/persons/new"); r.Status != http.StatusSeeOther || r.Location != "/login?next=%2Fpersons%2Fnew" {
		t.Errorf("anonymous HEAD /persons/new: %d %s, want 303 to the login page", r.Status, r.Location)
	}
	c.login("kari@kommune.no")
	if r := c.method(http.MethodHead, "/persons"); r.Status != http.StatusOK || r.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("HEAD /persons: %d %q", r.Status, r.Header.Get("Cache-Control"))
	}
}

// A 405 names the allowed methods in Allow.
func TestMethodNotAllowedNamesAllowed(t *testing.T) {
	app := newTestApp(t)
	c := app.client()
	for _, tc := range []struct{ method, path, allow string }{
		{http.MethodPost, "/healthz", "GET, HEAD"},
		{http.MethodPut, "/login", "GET, HEAD, POST"},
		{http.MethodGet, "/logout", "POST"},
		{http.MethodDelete, "/persons/1", "GET, HEAD, POST"},
		{http.MethodPatch, "/persons/1/notes", "POST"},
		{"PROBE123", "/login", "GET, HEAD, POST"},
	} {
		r := c.method(tc.method, tc.path)
		if r.Status != http.StatusMethodNotAllowed || r.Header.Get("Allow") != tc.allow || !strings.Contains(r.Body, "Ikke tillatt") {
			t.Errorf("%s %s: %d Allow %q, want 405 Allow %q", tc.method, tc.path, r.Status, r.Header.Get("Allow"), tc.allow)
		}
	}
	if r := c.method("PROBE123", "/finnes-ikke"); r.Status != http.StatusNotFound {
		t.Errorf("unknown method on an unknown path: %d, want 404", r.Status)
	}
}

// /metrics and /static/ answer GET and HEAD only.
func TestMetricsAndStaticAreReadOnly(t *testing.T) {
	app := newTestApp(t)
	c := app.client()
	for _, p := range []string{"/metrics", "/static/css/app.css"} {
		for _, m := range []string{http.MethodPost, http.MethodPut, http.MethodDelete} {
			if r := c.method(m, p); r.Status != http.StatusMethodNotAllowed {
				t.Errorf("%s %s: %d, want 405", m, p, r.Status)
			}
		}
	}
}

// Without Sec-Fetch-Site (older browsers), an unsafe request's Origin must
// match our scheme as well as our host.
func TestOriginMustMatchScheme(t *testing.T) {
	app := newTestApp(t)
	app.user("kari@kommune.no", domain.RoleCaseworker, "Øst")
	host := strings.TrimPrefix(app.TS.URL, "http://")
	post := func(ts *httptest.Server, origin string) int {
		req, _ := http.NewRequest(http.MethodPost, ts.URL+"/login", strings.NewReader("email=kari%40kommune.no&password=feil"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if origin != "" {
			req.Header.Set("Origin", origin)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for _, tc := range []struct {
		origin string
		want   int
	}{
		{"https://" + host, http.StatusForbidden},
		{"http://" + host, http.StatusUnauthorized},
		{"HTTP://" + strings.ToUpper(host), http.StatusUnauthorized},
		{"", http.StatusUnauthorized},
		{"null", http.StatusForbidden},
		{"http://evil.example", http.StatusForbidden},
	} {
		if got := post(app.TS, tc.origin); got != tc.want {
			t.Errorf("plain HTTP, Origin %q: %d, want %d", tc.origin, got, tc.want)
		}
	}

	// Behind TLS (SecureCookies), the origin is https.
	secure := httptest.NewServer(server.New(app.DB, slog.New(slog.NewJSONHandler(io.Discard, nil)), server.Config{SecureCookies: true}, nil).Routes())
	defer secure.Close()
	shost := strings.TrimPrefix(secure.URL, "http://")
	if got := post(secure, "http://"+shost); got != http.StatusForbidden {
		t.Errorf("SecureCookies, Origin http://: %d, want 403", got)
	}
	if got := post(secure, "https://"+shost); got != http.StatusUnauthorized {
		t.Errorf("SecureCookies, Origin https://: %d, want 401", got)
	}
}
