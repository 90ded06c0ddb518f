package server_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

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
