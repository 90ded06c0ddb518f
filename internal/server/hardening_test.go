package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"ankomst/internal/domain"
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
