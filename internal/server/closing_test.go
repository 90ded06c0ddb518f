package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"ankomst/internal/domain"

	"github.com/chromedp/chromedp"
)

func TestCloseAndReopenThroughHTTP(t *testing.T) {
	app := newTestApp(t)
	app.DB.Now = func() time.Time { return time.Date(2026, 3, 15, 12, 0, 0, 0, time.UTC) }
	kari := app.user("kari@k.no", domain.RoleCaseworker, "Øst")
	app.user("helse@k.no", domain.RoleHealth, "Øst")
	app.user("bolig@k.no", domain.RoleHousing, "Øst")
	app.user("vest@k.no", domain.RoleCaseworker, "Vest")
	c := app.client()
	c.login("kari@k.no")
	path, id := clPerson(t, c, 1, "Amina", "Haidari", kari.ID) // arrival 2026-03-01, settled 2026-03-10

	r := c.get(path)
	clMust(t, r, http.StatusOK, `data-testid="close-person"`)
	if strings.Contains(r.Body, `data-testid="audit-link"`) {
		t.Error("a caseworker is offered the access log")
	}
	r = c.get(path + "/close")
	clMust(t, r, http.StatusOK, `name="closed_on"`, `value="2026-03-15"`, `max="2026-03-15"`, "Tidligst 10.03.2026", "Flyttet fra kommunen", `name="version" value="1"`)

	// Bad input keeps what was chosen.
	r = c.post(path+"/close", url.Values{"closed_on": {"2026-03-16"}, "close_reason": {"moved"}, "version": {"1"}})
	clMust(t, r, http.StatusUnprocessableEntity, `data-testid="error-summary"`, `href="#closed_on"`, "fremtiden", `value="moved" selected`, `value="2026-03-16"`)
	r = c.post(path+"/close", url.Values{"closed_on": {"2026-03-09"}, "close_reason": {"moved"}, "version": {"1"}})
	clMust(t, r, http.StatusUnprocessableEntity, "bosettingsdato (10.03.2026)")
	r = c.post(path+"/close", url.Values{"closed_on": {"2026-03-12"}, "close_reason": {""}, "version": {"1"}})
	clMust(t, r, http.StatusUnprocessableEntity, `href="#close_reason"`)
	// Stale: someone else saved first.
	r = c.post(path+"/close", url.Values{"closed_on": {"2026-03-12"}, "close_reason": {"moved"}, "version": {"9"}})
	clMust(t, r, http.StatusConflict, `data-testid="conflict"`, `name="version" value="1"`)

	// Roles and scope.
	for _, email := range []string{"helse@k.no", "bolig@k.no"} {
		o := app.client()
		o.login(email)
		if r := o.get(path + "/close"); r.Status != http.StatusForbidden {
			t.Errorf("%s GET close: %d", email, r.Status)
		}
		if r := o.post(path+"/close", url.Values{"closed_on": {"2026-03-12"}, "close_reason": {"moved"}, "version": {"1"}}); r.Status != http.StatusForbidden {
			t.Errorf("%s POST close: %d", email, r.Status)
		}
		if r := o.post(path+"/reopen", url.Values{"version": {"2"}}); r.Status != http.StatusForbidden {
			t.Errorf("%s reopen: %d", email, r.Status)
		}
		if strings.Contains(o.get(path).Body, `data-testid="close-person"`) {
			t.Errorf("%s is offered Avslutt sak", email)
		}
	}
	vest := app.client()
	vest.login("vest@k.no")
	if r := vest.get(path + "/close"); r.Status != http.StatusNotFound {
		t.Errorf("other unit GET close: %d", r.Status)
	}
	if r := vest.post(path+"/close", url.Values{"closed_on": {"2026-03-12"}, "close_reason": {"moved"}, "version": {"1"}}); r.Status != http.StatusNotFound {
		t.Errorf("other unit POST close: %d", r.Status)
	}
	if r := c.get("/persons/abc/close"); r.Status != http.StatusNotFound {
		t.Errorf("bad id: %d", r.Status)
	}

	// Close.
	r = c.post(path+"/close", url.Values{"closed_on": {"12.03.2026"}, "close_reason": {"employment"}, "version": {"1"}})
	if r.Status != http.StatusSeeOther || r.Location != path {
		t.Fatalf("close: %d %s", r.Status, r.Location)
	}
	r = c.get(path)
	clMust(t, r, http.StatusOK, `data-testid="tag-closed"`, "Saken er avsluttet 12.03.2026. Årsak: Overgang til arbeid", `data-testid="reopen-person"`)
	if strings.Contains(r.Body, `data-testid="close-person"`) {
		t.Error("a closed case offers Avslutt sak")
	}
	clMust(t, c.get(path+"/close"), http.StatusOK, "Saken er allerede avsluttet.")
	if r := c.post(path+"/close", url.Values{"closed_on": {"2026-03-12"}, "close_reason": {"moved"}, "version": {"2"}}); r.Status != http.StatusConflict {
		t.Errorf("closing twice: %d", r.Status)
	}
	// Gone from the active lists, in the closed list, found by search.
	for _, list := range []string{"/persons?view=mine", "/persons?view=all"} {
		if strings.Contains(c.get(list).Body, "Haidari") {
			t.Errorf("%s still shows the closed case", list)
		}
	}
	clMust(t, c.get("/persons?view=closed"), http.StatusOK, "Haidari, Amina", `data-testid="filter-closed" aria-current="page"`)
	clMust(t, c.get("/persons?view=all&q=haidari"), http.StatusOK, "Haidari, Amina", `data-testid="tag-closed"`)
	r = c.post("/persons/search", url.Values{"q": {nid(1)}, "view": {"all"}})
	clMust(t, r, http.StatusOK, path, `data-testid="tag-closed"`)

	// Reopen: a stale version is refused, then it is active again.
	if r := c.post(path+"/reopen", url.Values{"version": {"1"}}); r.Status != http.StatusConflict {
		t.Errorf("stale reopen: %d", r.Status)
	}
	if r := c.post(path+"/reopen", url.Values{"version": {"x"}}); r.Status != http.StatusUnprocessableEntity {
		t.Errorf("bad version: %d", r.Status)
	}
	if r := c.post(path+"/reopen", url.Values{"version": {"2"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("reopen: %d", r.Status)
	}
	clMust(t, c.get(path), http.StatusOK, "Saken er gjenåpnet.", `data-testid="close-person"`)
	if !strings.Contains(c.get("/persons?view=mine").Body, "Haidari") {
		t.Error("the reopened case is not back in Mine deltakere")
	}
	var actions []string
	rows, _ := app.DB.Pool.Query(context.Background(), `SELECT action FROM audit_events WHERE person_id = $1 AND action IN ('close', 'reopen') ORDER BY id`, id)
	for rows.Next() {
		var a string
		rows.Scan(&a)
		actions = append(actions, a)
	}
	if strings.Join(actions, ",") != "close,reopen" {
		t.Errorf("audit %v", actions)
	}
}

// TestBrowserCaseloadCaseworkerPages runs axe (and, with ANKOMST_SCREENSHOTS,
// takes screenshots) on the caseworker's caseload pages: the Mine list with
// its markers, the duplicate warning, closing a case and a closed case.
func TestBrowserCaseloadCaseworkerPages(t *testing.T) {
	app := newTestApp(t)
	app.DB.Now = func() time.Time { return time.Date(2026, 3, 15, 12, 0, 0, 0, time.UTC) }
	kari := app.user("kari@kommune.no", domain.RoleCaseworker, "Øst")
	app.user("ola@kommune.no", domain.RoleCaseworker, "Øst")
	ola := app.client()
	ola.login("ola@kommune.no")
	path, _ := clPerson(t, ola, 1, "Amina", "Haidari", kari.ID)
	clPerson(t, ola, 2, "Yonas", "Tesfaye", kari.ID)
	b := newBrowser(t, app)
	b.login("kari@kommune.no", testPassword)

	// Kari opens Amina; Ola then changes her: "Endret" in Mine deltakere.
	b.open(path)
	b.waitVisible(`[data-testid="close-person"]`)
	b.checkPage("caseload-person-active")
	edit := validPersonForm(nid(1))
	edit.Set("caseworker_id", strconv.FormatInt(kari.ID, 10))
	edit.Set("settlement_date", "2026-03-12")
	edit.Set("version", "1")
	if r := ola.post(path, edit); r.Status != http.StatusSeeOther {
		t.Fatalf("edit: %d", r.Status)
	}
	b.open("/persons?view=mine")
	b.waitVisible(`[data-testid="tag-changed"]`)
	b.waitVisible(`[data-testid="tag-new"]`)
	b.checkPage("caseload-mine-markers")

	// The duplicate warning on registration, through the real form.
	b.open("/persons/new")
	b.fillPersonForm(personInput{Given: "Aminah", Family: "Haidary", Birth: "1990-04-12", Sex: "female",
		NationalID: nid(3), Country: "AF", Basis: "reception"})
	if st := b.submit(`[data-testid="save-person"]`); st != http.StatusOK {
		t.Fatalf("look-alike registration: status %d, want 200", st)
	}
	b.waitVisible(`[data-testid="duplicate-warning"]`)
	b.checkPage("caseload-duplicate-warning")
	if st := b.submit(`[data-testid="save-person"]`); st != http.StatusUnprocessableEntity {
		t.Fatalf("without the tick: status %d, want 422", st)
	}
	b.waitVisible(`#confirm_duplicate-error`)
	b.checkPage("caseload-duplicate-unconfirmed")
	b.do("tick", chromedp.Click(chromedp.CSS("#confirm_duplicate")))
	if st := b.submit(`[data-testid="save-person"]`); st != http.StatusOK {
		t.Fatalf("confirmed registration: status %d", st)
	}
	b.waitVisible(`[data-testid="person-name"]`)

	// Closing a case: the confirmation page, a refused date, then closed.
	b.open(path + "/close")
	b.waitVisible(`[data-testid="close-submit"]`)
	b.checkPage("caseload-close")
	b.setValue("#closed_on", "2026-03-11")
	b.setValue("#close_reason", "moved")
	if st := b.submit(`[data-testid="close-submit"]`); st != http.StatusUnprocessableEntity {
		t.Fatalf("close before settlement: status %d, want 422", st)
	}
	b.waitVisible(`[data-testid="error-summary"]`)
	b.checkPage("caseload-close-errors")
	b.setValue("#closed_on", "2026-03-14")
	if st := b.submit(`[data-testid="close-submit"]`); st != http.StatusOK {
		t.Fatalf("close: status %d", st)
	}
	b.waitVisible(`[data-testid="closure"]`)
	b.checkPage("caseload-person-closed")
	b.open("/persons?view=closed")
	b.waitVisible(`[data-testid="person-table"]`)
	b.checkPage("caseload-list-closed")
	b.open("/persons?view=all&q=haidari")
	b.waitVisible(`[data-testid="tag-closed"]`)
	b.checkPage("caseload-search-closed")
}
