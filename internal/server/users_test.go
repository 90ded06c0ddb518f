package server_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"ankomst/internal/domain"
	"ankomst/internal/postgres/pgtest"
	"ankomst/internal/server"
)

// userAdminApp is a test app with an admin (logged in) and a caseworker.
func userAdminApp(t *testing.T) (*testApp, *client, *domain.User, *domain.User) {
	t.Helper()
	app := newTestApp(t)
	admin := app.user("admin@kommune.no", domain.RoleAdmin, "Vest")
	cw := app.user("kari@kommune.no", domain.RoleCaseworker, "Øst")
	ac := app.client()
	ac.login(admin.Email)
	return app, ac, admin, cw
}

func userPath(id int64) string { return "/admin/users/" + strconv.FormatInt(id, 10) }

func userVersion(t *testing.T, app *testApp, id int64) string {
	t.Helper()
	var v int
	if err := app.DB.Pool.QueryRow(context.Background(), `SELECT version FROM users WHERE id = $1`, id).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return strconv.Itoa(v)
}

func userAuditCount(t *testing.T, app *testApp, action string, userID int64) int {
	t.Helper()
	var n int
	if err := app.DB.Pool.QueryRow(context.Background(),
		`SELECT count(*) FROM audit_events WHERE entity = 'user' AND action = $1 AND entity_id = $2`, action, userID).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func unitID(t *testing.T, app *testApp, name string) string {
	t.Helper()
	var id int64
	if err := app.DB.Pool.QueryRow(context.Background(), `SELECT id FROM units WHERE name = $1`, name).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return strconv.FormatInt(id, 10)
}

func TestUserAdminForbiddenForEveryOtherRole(t *testing.T) {
	app, _, _, cw := userAdminApp(t)
	for _, role := range []domain.Role{domain.RoleCaseworker, domain.RoleHealth, domain.RoleHousing, domain.RoleLeader} {
		u := app.user("x-"+string(role)+"@kommune.no", role, "Øst")
		c := app.client()
		c.login(u.Email)
		for _, r := range []response{
			c.get("/admin/users"), c.get("/admin/users/new"), c.get(userPath(cw.ID)),
			c.post("/admin/users", url.Values{"email": {"ny@kommune.no"}, "name": {"Ny"}, "role": {"admin"}, "unit_id": {unitID(t, app, "Øst")}}),
			c.post(userPath(u.ID), url.Values{"action": {"update"}, "role": {"admin"}, "unit_id": {unitID(t, app, "Øst")}, "version": {"0"}}),
			c.post(userPath(cw.ID), url.Values{"action": {"password_link"}}),
		} {
			if r.Status != http.StatusForbidden || !strings.Contains(r.Body, "Bare systemansvarlig har tilgang hit.") {
				t.Errorf("%s: status %d, want 403 with the capability's message", role, r.Status)
			}
		}
		if role2 := currentRole(t, app, u.ID); role2 != role {
			t.Errorf("%s changed its own role to %s", role, role2)
		}
	}
	var n int
	app.DB.Pool.QueryRow(context.Background(), `SELECT count(*) FROM users WHERE email = 'ny@kommune.no'`).Scan(&n) //nolint:errcheck
	if n != 0 {
		t.Error("a non-admin created a user")
	}
}

func currentRole(t *testing.T, app *testApp, id int64) domain.Role {
	t.Helper()
	var r string
	if err := app.DB.Pool.QueryRow(context.Background(), `SELECT role FROM users WHERE id = $1`, id).Scan(&r); err != nil {
		t.Fatal(err)
	}
	return domain.Role(r)
}

func TestUserAdminCreateValidates(t *testing.T) {
	app, ac, _, _ := userAdminApp(t)
	ost := unitID(t, app, "Øst")
	// 422 keeps what was typed, with Norwegian messages.
	r := ac.post("/admin/users", url.Values{"email": {"ikke-en-adresse"}, "name": {"Per Hansen"}, "role": {"boss"}, "unit_id": {""}})
	clMust(t, r, http.StatusUnprocessableEntity, "Skriv en gyldig e-postadresse", `value="ikke-en-adresse"`, `value="Per Hansen"`,
		"Velg en rolle.", "Velg en enhet.")
	// Duplicate e-mail (any case): a clear message.
	r = ac.post("/admin/users", url.Values{"email": {"KARI@kommune.no"}, "name": {"Kari To"}, "role": {"caseworker"}, "unit_id": {ost}})
	clMust(t, r, http.StatusUnprocessableEntity, "Det finnes allerede en bruker med denne e-postadressen", `value="Kari To"`)
	// A unit that does not exist.
	r = ac.post("/admin/users", url.Values{"email": {"per@kommune.no"}, "name": {"Per"}, "role": {"caseworker"}, "unit_id": {"999999"}})
	clMust(t, r, http.StatusUnprocessableEntity, "Velg en enhet.")
	// NUL and invalid UTF-8 are refused at the edge; bidi controls and huge values by the form.
	for _, bad := range []string{"Per\x00", "Per\xff"} {
		if r := ac.post("/admin/users", url.Values{"email": {"per@kommune.no"}, "name": {bad}, "role": {"caseworker"}, "unit_id": {ost}}); r.Status != http.StatusBadRequest {
			t.Errorf("name %q: status %d, want 400", bad, r.Status)
		}
	}
	r = ac.post("/admin/users", url.Values{"email": {"per@kommune.no"}, "name": {"Per\u202eHansen"}, "role": {"caseworker"}, "unit_id": {ost}})
	clMust(t, r, http.StatusUnprocessableEntity, "kontrolltegn")
	r = ac.post("/admin/users", url.Values{"email": {strings.Repeat("a", 300) + "@kommune.no"}, "name": {strings.Repeat("Å", 5000)}, "role": {"caseworker"}, "unit_id": {ost}})
	clMust(t, r, http.StatusUnprocessableEntity, "Skriv en gyldig e-postadresse", "Navnet kan ha høyst 200 tegn.")
	// Success: 303 to the new user's page; audited; no password.
	r = ac.post("/admin/users", url.Values{"email": {" per@kommune.no "}, "name": {"Per  Hansen"}, "role": {"leader"}, "unit_id": {ost}})
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/admin/users/") {
		t.Fatalf("create: %d %s\n%.2000s", r.Status, r.Location, r.Body)
	}
	id, _ := strconv.ParseInt(strings.TrimPrefix(r.Location, "/admin/users/"), 10, 64)
	clMust(t, ac.get(r.Location), http.StatusOK, "Per Hansen", "per@kommune.no", "Leder", "Brukeren er opprettet")
	if userAuditCount(t, app, domain.ActionCreate, id) != 1 {
		t.Error("no audit row for the new user")
	}
	// The new user cannot log in before a password is set.
	c := app.client()
	if r := c.post("/login", url.Values{"email": {"per@kommune.no"}, "password": {""}}); r.Status != http.StatusUnauthorized {
		t.Errorf("login without a password: %d", r.Status)
	}
}

func TestUserAdminListSearchFilterSort(t *testing.T) {
	app, ac, _, _ := userAdminApp(t)
	app.user("ola@kommune.no", domain.RoleLeader, "Øst")
	off := app.user("borte@kommune.no", domain.RoleHealth, "Vest")
	if _, err := app.DB.Pool.Exec(context.Background(), `UPDATE users SET active = false WHERE id = $1`, off.ID); err != nil {
		t.Fatal(err)
	}
	clMust(t, ac.get("/admin/users"), http.StatusOK, "4 brukere", "kari@kommune.no", "ola@kommune.no", "Deaktivert")
	clMust(t, ac.get("/admin/users?q=OLA"), http.StatusOK, "1 bruker", "ola@kommune.no")
	clMust(t, ac.get("/admin/users?role=leader"), http.StatusOK, "1 bruker")
	clMust(t, ac.get("/admin/users?active=no"), http.StatusOK, "1 bruker", "borte@kommune.no")
	clMust(t, ac.get("/admin/users?unit="+unitID(t, app, "Vest")), http.StatusOK, "2 brukere")
	r := ac.get("/admin/users?sort=-email")
	clMust(t, r, http.StatusOK, `aria-sort="descending"`)
	if strings.Index(r.Body, "ola@kommune.no") > strings.Index(r.Body, "admin@kommune.no") {
		t.Error("sort=-email does not list ola before admin")
	}
	// Junk parameters are ignored, never a 500; a LIKE wildcard is literal.
	for _, q := range []string{"?sort=drop", "?page=-5", "?unit=abc", "?role=x&active=maybe", "?q=%25", "?q=" + url.QueryEscape(strings.Repeat("x", 5000))} {
		if r := ac.get("/admin/users" + q); r.Status != http.StatusOK {
			t.Errorf("%s: %d", q, r.Status)
		}
	}
	clMust(t, ac.get("/admin/users?q=%25"), http.StatusOK, "0 brukere")
	// Paging: 60 users make two pages.
	for i := range 60 {
		app.user("u"+strconv.Itoa(i)+"@kommune.no", domain.RoleCaseworker, "Øst")
	}
	r = ac.get("/admin/users")
	clMust(t, r, http.StatusOK, "64 brukere", `data-testid="next-page"`)
	clMust(t, ac.get("/admin/users?page=2"), http.StatusOK, `data-testid="prev-page"`)
}

func TestUserAdminChangeRoleAndUnitIsVersionChecked(t *testing.T) {
	app, ac, _, cw := userAdminApp(t)
	vest := unitID(t, app, "Vest")
	r := ac.post(userPath(cw.ID), url.Values{"action": {"update"}, "role": {"leader"}, "unit_id": {vest}, "version": {"0"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("change: %d\n%.2000s", r.Status, r.Body)
	}
	if currentRole(t, app, cw.ID) != domain.RoleLeader {
		t.Error("the role did not change")
	}
	// The same form again: stale → 409 with what is stored, keeping the input.
	r = ac.post(userPath(cw.ID), url.Values{"action": {"update"}, "role": {"health"}, "unit_id": {vest}, "version": {"0"}})
	clMust(t, r, http.StatusConflict, "Lagret nå: Leder", "Vest", `name="version" value="1"`)
	if !strings.Contains(r.Body, `<option value="health" selected`) {
		t.Error("the 409 page does not keep the role typed")
	}
	// 422: a role that does not exist keeps the page.
	r = ac.post(userPath(cw.ID), url.Values{"action": {"update"}, "role": {"root"}, "unit_id": {vest}, "version": {"1"}})
	clMust(t, r, http.StatusUnprocessableEntity, "Velg en rolle.")
	if userAuditCount(t, app, domain.ActionUpdate, cw.ID) != 1 {
		t.Error("want one update audit row")
	}
	// Another id: 404; a malformed id: 404.
	if r := ac.post("/admin/users/999999", url.Values{"action": {"update"}, "role": {"leader"}, "unit_id": {vest}, "version": {"0"}}); r.Status != http.StatusNotFound {
		t.Errorf("unknown user: %d", r.Status)
	}
	if r := ac.get("/admin/users/abc"); r.Status != http.StatusNotFound {
		t.Errorf("malformed id: %d", r.Status)
	}
	// The change applies to the user's very next request (role read per request).
	c := app.client()
	c.login(cw.Email)
	if r := c.get("/reports/payroll"); r.Status == http.StatusForbidden {
		t.Errorf("as leader now, payroll: %d", r.Status)
	}
}

func TestUserAdminDeactivateEndsSessionsAtOnce(t *testing.T) {
	app, ac, _, cw := userAdminApp(t)
	laptop, phone := app.client(), app.client()
	laptop.login(cw.Email)
	phone.login(cw.Email)
	for _, c := range []*client{laptop, phone} {
		clMust(t, c.get("/persons"), http.StatusOK)
	}
	page := ac.get(userPath(cw.ID))
	clMust(t, page, http.StatusOK, "Aktive økter")
	if n := strings.Count(page.Body, `data-testid="session-row"`); n != 2 {
		t.Errorf("%d sessions listed, want 2", n)
	}
	// The confirmation step first: nothing happens without confirm=yes.
	v := userVersion(t, app, cw.ID)
	r := ac.post(userPath(cw.ID), url.Values{"action": {"deactivate"}, "version": {v}})
	clMust(t, r, http.StatusOK, "Ja, deaktiver", "logget ut med en gang")
	clMust(t, laptop.get("/persons"), http.StatusOK)
	clMust(t, ac.get(userPath(cw.ID)+"?confirm=deactivate"), http.StatusOK, "Ja, deaktiver")
	// Stale version: 409.
	if r := ac.post(userPath(cw.ID), url.Values{"action": {"deactivate"}, "confirm": {"yes"}, "version": {"99"}}); r.Status != http.StatusConflict {
		t.Errorf("stale deactivate: %d", r.Status)
	}
	r = ac.post(userPath(cw.ID), url.Values{"action": {"deactivate"}, "confirm": {"yes"}, "version": {v}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("deactivate: %d\n%.2000s", r.Status, r.Body)
	}
	for _, c := range []*client{laptop, phone} {
		if r := c.get("/persons"); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/login") {
			t.Errorf("a deactivated user's session: %d %s, want a redirect to login", r.Status, r.Location)
		}
	}
	var left int
	app.DB.Pool.QueryRow(context.Background(), `SELECT count(*) FROM sessions s JOIN user_sessions us ON us.token_hash = s.token WHERE us.user_id = $1`, cw.ID).Scan(&left) //nolint:errcheck
	if left != 0 {
		t.Errorf("%d session rows of the deactivated user left", left)
	}
	if r := app.client().post("/login", url.Values{"email": {cw.Email}, "password": {testPassword}}); r.Status != http.StatusUnauthorized {
		t.Errorf("a deactivated user logs in: %d", r.Status)
	}
	// Reactivate: logging in works again.
	r = ac.post(userPath(cw.ID), url.Values{"action": {"reactivate"}, "version": {userVersion(t, app, cw.ID)}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("reactivate: %d", r.Status)
	}
	laptop.login(cw.Email)
	for action, n := range map[string]int{domain.ActionDeactivate: 1, domain.ActionReactivate: 1} {
		if got := userAuditCount(t, app, action, cw.ID); got != n {
			t.Errorf("%s audit rows: %d, want %d", action, got, n)
		}
	}
}

var sessionIDRe = regexp.MustCompile(`name="session" value="(\d+)"`)

func TestUserAdminEndOneSession(t *testing.T) {
	app, ac, _, cw := userAdminApp(t)
	laptop, phone := app.client(), app.client()
	laptop.login(cw.Email)
	clMust(t, laptop.get("/persons"), http.StatusOK)
	phone.login(cw.Email)
	req, _ := http.NewRequest(http.MethodGet, app.TS.URL+"/persons", nil)
	req.Header.Set("User-Agent", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Version/17.0 Mobile/15E148\tSafari/604.1 \xff")
	clMust(t, phone.do(req), http.StatusOK)
	page := ac.get(userPath(cw.ID))
	clMust(t, page, http.StatusOK, "Safari 17 på iPhone")
	// The phone's session is the most recently seen: listed first.
	m := sessionIDRe.FindStringSubmatch(page.Body)
	if m == nil {
		t.Fatalf("no session on the page\n%.3000s", page.Body)
	}
	var token, data []byte
	var expiry time.Time
	if err := app.DB.Pool.QueryRow(context.Background(), `SELECT s.token, s.data, s.expiry FROM sessions s JOIN user_sessions us ON us.token_hash = s.token WHERE us.id = $1`,
		m[1]).Scan(&token, &data, &expiry); err != nil {
		t.Fatal(err)
	}
	r := ac.post(userPath(cw.ID), url.Values{"action": {"end_session"}, "session": {m[1]}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("end session: %d", r.Status)
	}
	if r := phone.get("/persons"); r.Status != http.StatusSeeOther {
		t.Errorf("the ended session still works: %d", r.Status)
	}
	clMust(t, laptop.get("/persons"), http.StatusOK)
	// A request in flight writing the ended session back does not revive it.
	if _, err := app.DB.Pool.Exec(context.Background(), `INSERT INTO sessions (token, data, expiry) VALUES ($1, $2, $3)`, string(token), data, expiry); err != nil {
		t.Fatal(err)
	}
	if r := phone.get("/persons"); r.Status != http.StatusSeeOther {
		t.Errorf("a revived session row works: %d", r.Status)
	}
	// Ending it again, or another user's session: 404.
	if r := ac.post(userPath(cw.ID), url.Values{"action": {"end_session"}, "session": {m[1]}}); r.Status != http.StatusNotFound {
		t.Errorf("ending an ended session: %d", r.Status)
	}
	// End all.
	r = ac.post(userPath(cw.ID), url.Values{"action": {"end_all"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("end all: %d", r.Status)
	}
	if r := laptop.get("/persons"); r.Status != http.StatusSeeOther {
		t.Errorf("after end all: %d", r.Status)
	}
	if n := userAuditCount(t, app, domain.ActionEndSession, cw.ID); n != 2 {
		t.Errorf("end_session audit rows: %d, want 2", n)
	}
	// The admin's own session is untouched.
	clMust(t, ac.get("/admin/users"), http.StatusOK)
}

func TestUserAdminKeepsOneActiveAdmin(t *testing.T) {
	app, ac, admin, _ := userAdminApp(t)
	vest := unitID(t, app, "Vest")
	r := ac.post(userPath(admin.ID), url.Values{"action": {"update"}, "role": {"leader"}, "unit_id": {vest}, "version": {"0"}})
	clMust(t, r, http.StatusUnprocessableEntity, "minst én aktiv systemansvarlig")
	r = ac.post(userPath(admin.ID), url.Values{"action": {"deactivate"}, "confirm": {"yes"}, "version": {"0"}})
	clMust(t, r, http.StatusUnprocessableEntity, "minst én aktiv systemansvarlig")
	if currentRole(t, app, admin.ID) != domain.RoleAdmin {
		t.Fatal("the last admin was demoted")
	}
	// Two admins deactivating each other at once: one of them stays.
	other := app.user("admin2@kommune.no", domain.RoleAdmin, "Øst")
	oc := app.client()
	oc.login(other.Email)
	var wg sync.WaitGroup
	status := make([]int, 2)
	for i, x := range []struct {
		c      *client
		target int64
	}{{ac, other.ID}, {oc, admin.ID}} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			form := url.Values{"action": {"deactivate"}, "confirm": {"yes"}, "version": {"0"}}
			req, _ := http.NewRequest(http.MethodPost, app.TS.URL+userPath(x.target), strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Sec-Fetch-Site", "same-origin")
			resp, err := x.c.http.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			status[i] = resp.StatusCode
		}()
	}
	wg.Wait()
	var n int
	app.DB.Pool.QueryRow(context.Background(), `SELECT count(*) FROM users WHERE role = 'admin' AND active`).Scan(&n) //nolint:errcheck
	if n != 1 {
		t.Errorf("%d active admins after parallel deactivations (statuses %v), want 1", n, status)
	}
}

var linkRe = regexp.MustCompile(`/set-password/([A-Za-z0-9_-]{43})`)

func TestSetPasswordLinkWorksOnceAndFor24Hours(t *testing.T) {
	app, ac, _, _ := userAdminApp(t)
	r := ac.post("/admin/users", url.Values{"email": {"nina@kommune.no"}, "name": {"Nina Berg"}, "role": {"health"}, "unit_id": {unitID(t, app, "Øst")}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("create: %d", r.Status)
	}
	id, _ := strconv.ParseInt(strings.TrimPrefix(r.Location, "/admin/users/"), 10, 64)
	r = ac.post(r.Location, url.Values{"action": {"password_link"}})
	clMust(t, r, http.StatusOK, "Lenken vises bare nå")
	m := linkRe.FindStringSubmatch(r.Body)
	if m == nil {
		t.Fatalf("no link on the page\n%.3000s", r.Body)
	}
	tok := m[1]
	// Shown once: not on the page afterwards; only its hash is stored.
	if strings.Contains(ac.get(userPath(id)).Body, tok) {
		t.Error("the link shows again")
	}
	var stored int
	app.DB.Pool.QueryRow(context.Background(), `SELECT count(*) FROM password_tokens t WHERE position(convert_to($1, 'UTF8') in t.token_hash) > 0 OR encode(t.token_hash, 'escape') LIKE '%' || $1 || '%'`, tok).Scan(&stored) //nolint:errcheck
	if stored != 0 {
		t.Error("the token itself is stored")
	}
	if userAuditCount(t, app, domain.ActionPasswordLink, id) != 1 {
		t.Error("no password_link audit row")
	}
	u := app.client()
	link := "/set-password/" + tok
	clMust(t, u.get(link), http.StatusOK, "Velg passord", "Nina Berg")
	clMust(t, u.post(link, url.Values{"password": {"kort"}, "confirm": {"kort"}}), http.StatusUnprocessableEntity, "minst 12 tegn")
	clMust(t, u.post(link, url.Values{"password": {"et langt passord 1"}, "confirm": {"et langt passord 2"}}), http.StatusUnprocessableEntity, "Passordene er ikke like")
	clMust(t, u.post(link, url.Values{"password": {strings.Repeat("p", 300)}, "confirm": {strings.Repeat("p", 300)}}), http.StatusUnprocessableEntity, "høyst 256 tegn")
	clMust(t, u.post(link, url.Values{"password": {"et langt\u202e passord"}, "confirm": {"et langt\u202e passord"}}), http.StatusUnprocessableEntity, "kontrolltegn")
	clMust(t, u.post(link, url.Values{"password": {"nina sitt nye passord"}, "confirm": {"nina sitt nye passord"}}), http.StatusOK, "Passordet er lagret")
	// Logging in with it works.
	if r := u.post("/login", url.Values{"email": {"nina@kommune.no"}, "password": {"nina sitt nye passord"}}); r.Status != http.StatusSeeOther {
		t.Errorf("login with the new password: %d", r.Status)
	}
	// Spent: a clear page, not the form.
	clMust(t, app.client().get(link), http.StatusGone, "Lenken er allerede brukt")
	clMust(t, app.client().post(link, url.Values{"password": {"et annet langt passord"}, "confirm": {"et annet langt passord"}}), http.StatusGone, "allerede brukt")
	// Unknown and malformed tokens: 404 with the same kind of page.
	clMust(t, app.client().get("/set-password/"+strings.Repeat("A", 43)), http.StatusNotFound, "Lenken virker ikke")
	clMust(t, app.client().get("/set-password/kort"), http.StatusNotFound, "Lenken virker ikke")
	// A new link, 24 hours and a minute later: expired. A newer link ends the older one.
	r = ac.post(userPath(id), url.Values{"action": {"password_link"}})
	old := linkRe.FindStringSubmatch(r.Body)[1]
	r = ac.post(userPath(id), url.Values{"action": {"password_link"}})
	fresh := linkRe.FindStringSubmatch(r.Body)[1]
	clMust(t, app.client().get("/set-password/"+old), http.StatusGone, "Lenken er utløpt")
	clMust(t, app.client().get("/set-password/"+fresh), http.StatusOK)
	real := app.DB.Now
	app.DB.Now = func() time.Time { return real().Add(24*time.Hour + time.Minute) }
	clMust(t, app.client().get("/set-password/"+fresh), http.StatusGone, "Lenken er utløpt")
	clMust(t, app.client().post("/set-password/"+fresh, url.Values{"password": {"nina sitt tredje passord"}, "confirm": {"nina sitt tredje passord"}}), http.StatusGone)
	app.DB.Now = real
	// A deactivated user's link does not work.
	r = ac.post(userPath(id), url.Values{"action": {"password_link"}})
	last := linkRe.FindStringSubmatch(r.Body)[1]
	ac.post(userPath(id), url.Values{"action": {"deactivate"}, "confirm": {"yes"}, "version": {userVersion(t, app, id)}})
	clMust(t, app.client().get("/set-password/"+last), http.StatusGone)
	clMust(t, ac.post(userPath(id), url.Values{"action": {"password_link"}}), http.StatusUnprocessableEntity, "Brukeren er deaktivert")
}

// The set-password token is spent once even by parallel posts.
func TestSetPasswordLinkParallelUsesOneWins(t *testing.T) {
	app, ac, _, cw := userAdminApp(t)
	r := ac.post(userPath(cw.ID), url.Values{"action": {"password_link"}})
	tok := linkRe.FindStringSubmatch(r.Body)[1]
	var wg sync.WaitGroup
	codes := make([]int, 4)
	for i := range codes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := app.client()
			form := url.Values{"password": {"parallelt passord " + strconv.Itoa(i)}, "confirm": {"parallelt passord " + strconv.Itoa(i)}}
			req, _ := http.NewRequest(http.MethodPost, app.TS.URL+"/set-password/"+tok, strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Sec-Fetch-Site", "same-origin")
			resp, err := c.http.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			codes[i] = resp.StatusCode
		}()
	}
	wg.Wait()
	ok := 0
	for _, c := range codes {
		if c == http.StatusOK {
			ok++
		} else if c != http.StatusGone {
			t.Errorf("a parallel use answered %d", c)
		}
	}
	if ok != 1 {
		t.Errorf("%d parallel uses succeeded (%v), want 1", ok, codes)
	}
}

func TestSetupLinkOnlyOnAnEmptyDatabase(t *testing.T) {
	db := pgtest.New(t)
	logs := &syncBuffer{}
	srv := server.New(db, slog.New(slog.NewJSONHandler(logs, nil)), server.Config{}, nil)
	ts := httptest.NewServer(srv.Routes())
	defer ts.Close()
	app := &testApp{t: t, DB: db, Srv: srv, TS: ts}
	link, err := srv.FirstStart(context.Background(), ts.URL)
	if err != nil || link == "" {
		t.Fatalf("first start on an empty database: %q %v", link, err)
	}
	if !strings.Contains(logs.String(), link) {
		t.Error("the setup link is not in the log")
	}
	path := strings.TrimPrefix(link, ts.URL)
	c := app.client()
	clMust(t, c.get(path), http.StatusOK, "Første oppsett")
	clMust(t, c.get("/setup/"+strings.Repeat("B", 43)), http.StatusNotFound)
	r := c.post(path, url.Values{"email": {"sjef@kommune.no"}, "name": {""}, "unit": {"Flyktningtjenesten"}, "password": {"kort"}, "confirm": {"kort"}})
	clMust(t, r, http.StatusUnprocessableEntity, "Skriv navnet.", "minst 12 tegn", `value="sjef@kommune.no"`)
	r = c.post(path, url.Values{"email": {"sjef@kommune.no"}, "name": {"Sjef Sjefsen"}, "unit": {"Flyktningtjenesten"},
		"password": {"et godt langt passord"}, "confirm": {"et godt langt passord"}})
	clMust(t, r, http.StatusOK, "Systemansvarlig er opprettet")
	// Now an admin exists: the setup pages are gone, for this and any token.
	clMust(t, c.get(path), http.StatusNotFound)
	clMust(t, c.post(path, url.Values{"email": {"x@kommune.no"}, "name": {"X"}, "unit": {"Y"}, "password": {"et godt langt passord"}, "confirm": {"et godt langt passord"}}), http.StatusNotFound)
	// The admin logs in and reaches the user list.
	if r := c.post("/login", url.Values{"email": {"sjef@kommune.no"}, "password": {"et godt langt passord"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("login as the first admin: %d", r.Status)
	}
	// An admin must use two-factor: every page sends to the enrolment first.
	if r := c.get("/admin/users"); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/account/2fa") {
		t.Fatalf("first admin before two-factor: %d %q, want 303 to /account/2fa", r.Status, r.Header.Get("Location"))
	}
	clMust(t, c.get("/account/2fa"), http.StatusOK)
	// The next start logs nothing.
	if link, err := srv.FirstStart(context.Background(), ts.URL); err != nil || link != "" {
		t.Errorf("first start with users: %q %v", link, err)
	}
	var n int
	db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_events WHERE entity = 'user' AND action = 'create'`).Scan(&n) //nolint:errcheck
	if n != 1 {
		t.Errorf("setup audit rows: %d", n)
	}
	// The token is in the first start's log line and nowhere else: the
	// request log names the route pattern.
	tok := strings.TrimPrefix(path, "/setup/")
	if got := strings.Count(logs.String(), tok); got != 1 {
		t.Errorf("the setup token is %d times in the log, want once (the setup_url line)", got)
	}
	if !strings.Contains(logs.String(), `"route":"/setup/{token}"`) {
		t.Error("no request log line names the setup route pattern")
	}
}

// The user list and a user's page are one round trip each (plus the
// session and user reads every page has).
func TestUserAdminRoundTrips(t *testing.T) {
	app := newTestApp(t)
	logs := &syncBuffer{}
	srv := server.New(app.DB, slog.New(slog.NewJSONHandler(logs, nil)), server.Config{}, nil)
	ts := httptest.NewServer(srv.Routes())
	defer ts.Close()
	app.TS = ts
	admin := app.user("admin@kommune.no", domain.RoleAdmin, "Vest")
	ac := app.client()
	ac.login(admin.Email)
	for _, p := range []struct{ path, route string }{{"/admin/users", "/admin/users"}, {userPath(admin.ID), "/admin/users/{id}"}} {
		st, rt := pageCost(t, app, logs, ac, p.path, p.route)
		t.Logf("%s: %d statements, %d round trips", p.route, st, rt)
		if rt > 4 {
			t.Errorf("%s: %d round trips, want at most 4", p.route, rt)
		}
	}
}

var _ = io.Discard

// A huge or broken User-Agent is stored cleaned and cut, never refused.
func TestSessionRowTakesAnyUserAgent(t *testing.T) {
	app, _, _, cw := userAdminApp(t)
	c := app.client()
	c.login(cw.Email)
	req, _ := http.NewRequest(http.MethodGet, app.TS.URL+"/persons", nil)
	req.Header.Set("User-Agent", strings.Repeat("Å\xfe\t", 3000))
	clMust(t, c.do(req), http.StatusOK)
	var ua string
	if err := app.DB.Pool.QueryRow(context.Background(), `SELECT user_agent FROM user_sessions WHERE user_id = $1`, cw.ID).Scan(&ua); err != nil {
		t.Fatal(err)
	}
	if n := len([]rune(ua)); n == 0 || n > 512 || strings.ContainsAny(ua, "\t\ufffd") {
		t.Errorf("stored user agent: %d characters %q…", n, ua[:min(len(ua), 20)])
	}
}
