package server_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"ankomst/internal/domain"
)

// navOf is the main menu's markup of a page.
func navOf(t *testing.T, body string) string {
	t.Helper()
	i := strings.Index(body, `aria-label="Hovedmeny"`)
	if i < 0 {
		t.Fatalf("no main menu")
	}
	j := strings.Index(body[i:], "</nav>")
	return body[i : i+j]
}

// TestAdminPage: the administrator's tools are one menu entry,
// «Administrasjon» (GET /admin lists them with what each is for, and the
// entry is current on each tool's page); other roles see neither.
func TestAdminPage(t *testing.T) {
	app := newTestApp(t)
	app.user("admin@ost.no", domain.RoleAdmin, "Øst")
	app.user("leder@ost.no", domain.RoleLeader, "Øst")
	app.user("cw@ost.no", domain.RoleCaseworker, "Øst")
	admin := app.client()
	admin.login("admin@ost.no")

	nav := navOf(t, admin.get("/persons").Body)
	if n := strings.Count(nav, `href="/admin"`); n != 1 {
		t.Errorf("administration entries in the admin's menu: %d, want 1\n%s", n, nav)
	}
	for _, tool := range []string{"/admin/users", "/admin/rates", "/admin/2fa", "/admin/retention"} {
		if strings.Contains(nav, `href="`+tool+`"`) {
			t.Errorf("%s is in the main menu; it belongs on the administration page", tool)
		}
	}

	r := admin.get("/admin")
	if r.Status != http.StatusOK {
		t.Fatalf("GET /admin: %d", r.Status)
	}
	for _, tool := range []string{"users", "rates", "admin-2fa", "retention"} {
		if !strings.Contains(r.Body, `data-testid="admin-tool-`+tool+`"`) {
			t.Errorf("the administration page lacks %s", tool)
		}
	}
	current := regexp.MustCompile(`href="([^"]*)"[^>]*aria-current="page"`)
	for _, p := range []string{"/admin", "/admin/users", "/admin/rates", "/admin/2fa", "/admin/retention"} {
		m := current.FindStringSubmatch(navOf(t, admin.get(p).Body))
		if m == nil || m[1] != "/admin" {
			t.Errorf("%s: the current menu entry is %v, want /admin", p, m)
		}
	}

	for _, who := range []string{"leder@ost.no", "cw@ost.no"} {
		c := app.client()
		c.login(who)
		if nav := navOf(t, c.get("/persons").Body); strings.Contains(nav, `href="/admin`) {
			t.Errorf("%s sees administration in the menu", who)
		}
		if r := c.get("/admin"); r.Status != http.StatusForbidden {
			t.Errorf("%s: GET /admin = %d, want 403", who, r.Status)
		}
	}
}
