package server_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
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
