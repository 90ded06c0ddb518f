package server_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"ankomst/internal/domain"
	"ankomst/internal/postgres"

	"github.com/chromedp/chromedp"
)

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

func clCaseworkerOf(t *testing.T, app *testApp, id int64) int64 {
	t.Helper()
	var cw *int64
	if err := app.DB.Pool.QueryRow(context.Background(), `SELECT caseworker_id FROM persons WHERE id = $1`, id).Scan(&cw); err != nil {
		t.Fatal(err)
	}
	if cw == nil {
		return 0
	}
	return *cw
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

var itemRe = regexp.MustCompile(`name="item" value="(\d+:\d+)"`)

func TestCaseloadRolesAndScope(t *testing.T) {
	app := newTestApp(t)
	cw := app.user("kari@k.no", domain.RoleCaseworker, "Øst")
	app.user("helse@k.no", domain.RoleHealth, "Øst")
	app.user("bolig@k.no", domain.RoleHousing, "Øst")
	app.user("leder@k.no", domain.RoleLeader, "Øst")
	app.user("leder@vest.no", domain.RoleLeader, "Vest")
	app.user("admin@k.no", domain.RoleAdmin, "Vest")
	kari := app.client()
	kari.login("kari@k.no")
	_, id := clPerson(t, kari, 1, "Amina", "Haidari", cw.ID)

	for _, email := range []string{"kari@k.no", "helse@k.no", "bolig@k.no"} {
		c := app.client()
		c.login(email)
		if r := c.get("/caseload"); r.Status != http.StatusForbidden {
			t.Errorf("%s GET /caseload: %d, want 403", email, r.Status)
		}
		if r := c.post("/caseload/preview", url.Values{"person": {strconv.FormatInt(id, 10)}, "to": {strconv.FormatInt(cw.ID, 10)}}); r.Status != http.StatusForbidden {
			t.Errorf("%s preview: %d, want 403", email, r.Status)
		}
		if r := c.post("/caseload/reassign", url.Values{"item": {strconv.FormatInt(id, 10) + ":1"}, "to": {strconv.FormatInt(cw.ID, 10)}}); r.Status != http.StatusForbidden {
			t.Errorf("%s reassign: %d, want 403", email, r.Status)
		}
	}
	if r := kari.get("/persons"); strings.Contains(r.Body, `data-testid="caseload-link"`) {
		t.Error("a caseworker is offered the caseload page")
	}

	leader := app.client()
	leader.login("leder@k.no")
	r := leader.get("/caseload")
	clMust(t, r, http.StatusOK, `data-testid="caseload-counts"`, "Haidari, Amina", cw.Name, `data-testid="caseload-row"`)
	if !strings.Contains(leader.get("/persons").Body, `data-testid="caseload-link"`) {
		t.Error("the person list has no link to the caseload page for a leader")
	}

	// Another unit's leader sees none of it and cannot move it.
	vest := app.client()
	vest.login("leder@vest.no")
	r = vest.get("/caseload")
	clMust(t, r, http.StatusOK, `data-testid="empty-state"`)
	if strings.Contains(r.Body, "Haidari") || strings.Contains(r.Body, cw.Name) {
		t.Error("the caseload page of unit Vest shows unit Øst")
	}
	r = vest.post("/caseload/preview", url.Values{"person": {strconv.FormatInt(id, 10)}, "to": {strconv.FormatInt(cw.ID, 10)}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `href="#to"`) {
		t.Errorf("Vest's leader moving to Øst's caseworker: %d", r.Status)
	}

	// The admin sees every unit, with the unit column.
	admin := app.client()
	admin.login("admin@k.no")
	clMust(t, admin.get("/caseload"), http.StatusOK, "Haidari, Amina", "<th scope=\"col\">Enhet</th>")
}

func TestCaseloadPreviewAndReassign(t *testing.T) {
	app := newTestApp(t)
	ola := app.user("ola@k.no", domain.RoleCaseworker, "Øst")
	kari := app.user("kari@k.no", domain.RoleCaseworker, "Øst")
	app.user("leder@k.no", domain.RoleLeader, "Øst")
	c := app.client()
	c.login("ola@k.no")
	p1Path, p1 := clPerson(t, c, 1, "Amina", "Haidari", ola.ID)
	_, p2 := clPerson(t, c, 2, "Yonas", "Tesfaye", ola.ID)
	_, p3 := clPerson(t, c, 3, "Olena", "Kovalenko", kari.ID)
	_, p4 := clPerson(t, c, 4, "Ali", "Rahimi", 0)
	leader := app.client()
	leader.login("leder@k.no")

	// Filter by caseworker.
	r := leader.get("/caseload?caseworker=" + strconv.FormatInt(ola.ID, 10))
	clMust(t, r, http.StatusOK, "Haidari, Amina", "Tesfaye, Yonas")
	if strings.Contains(r.Body, "Kovalenko") || strings.Contains(r.Body, "Rahimi") {
		t.Error("the filter by caseworker shows others' cases")
	}
	r = leader.get("/caseload?caseworker=none")
	if n := strings.Count(r.Body, `data-testid="caseload-row"`); n != 1 || !strings.Contains(r.Body, "Rahimi, Ali") {
		t.Errorf("unassigned filter: %d rows", n)
	}
	// "Velg alle" ticks every box on the page, without JavaScript.
	r = leader.get("/caseload?caseworker=" + strconv.FormatInt(ola.ID, 10) + "&select=all")
	if n := strings.Count(r.Body, `checked`); n < 2 {
		t.Errorf("select all: %d checked", n)
	}
	// Bad input: nobody chosen, no target, a non-number.
	r = leader.post("/caseload/preview", url.Values{"to": {strconv.FormatInt(kari.ID, 10)}})
	clMust(t, r, http.StatusUnprocessableEntity, `data-testid="error-summary"`, `href="#person"`, "Velg minst én deltaker.")
	r = leader.post("/caseload/preview", url.Values{"person": {strconv.FormatInt(p1, 10)}})
	clMust(t, r, http.StatusUnprocessableEntity, `href="#to"`, `id="to-error"`)
	if !regexp.MustCompile(`value="` + strconv.FormatInt(p1, 10) + `"[^>]*checked`).MatchString(r.Body) {
		t.Error("the refused preview lost the chosen person")
	}
	if r := leader.post("/caseload/preview", url.Values{"person": {"abc"}, "to": {"1"}}); r.Status != http.StatusUnprocessableEntity {
		t.Errorf("a non-numeric person: %d", r.Status)
	}

	// The preview: from → to, the skipped, nothing saved.
	r = leader.post("/caseload/preview", url.Values{
		"person": {strconv.FormatInt(p1, 10), strconv.FormatInt(p2, 10), strconv.FormatInt(p3, 10), strconv.FormatInt(p4, 10), "999999"},
		"to":     {strconv.FormatInt(kari.ID, 10)},
	})
	clMust(t, r, http.StatusOK, `data-testid="preview-table"`, "Haidari, Amina", "Ikke tildelt", `data-testid="skipped-row"`,
		"Har allerede denne programrådgiveren", "1 valgt deltaker finnes ikke lenger")
	if n := strings.Count(r.Body, `data-testid="preview-row"`); n != 3 {
		t.Errorf("%d preview rows, want 3 (Haidari, Tesfaye, Rahimi)", n)
	}
	items := itemRe.FindAllStringSubmatch(r.Body, -1)
	if len(items) != 3 {
		t.Fatalf("%d items in the confirm form", len(items))
	}
	if clCaseworkerOf(t, app, p1) != ola.ID {
		t.Fatal("the preview saved")
	}

	// Someone edits Amina after the preview: 409, nothing saved.
	edit := validPersonForm(nid(1))
	edit.Set("family_name", "Haidari-Rahimi")
	edit.Set("caseworker_id", strconv.FormatInt(ola.ID, 10))
	edit.Set("version", "1")
	if r := c.post(p1Path, edit); r.Status != http.StatusSeeOther {
		t.Fatalf("edit: %d", r.Status)
	}
	form := url.Values{"to": {strconv.FormatInt(kari.ID, 10)}}
	for _, it := range items {
		form.Add("item", it[1])
	}
	r = leader.post("/caseload/reassign", form)
	clMust(t, r, http.StatusConflict, `data-testid="conflict"`, `data-testid="conflict-row"`, "Haidari-Rahimi", `data-testid="preview-again"`)
	if clCaseworkerOf(t, app, p2) != ola.ID {
		t.Fatal("a refused reassignment moved Tesfaye")
	}

	// Preview again from the conflict page's form, and confirm.
	again := url.Values{"to": {strconv.FormatInt(kari.ID, 10)}}
	for _, m := range regexp.MustCompile(`name="person" value="(\d+)"`).FindAllStringSubmatch(r.Body, -1) {
		again.Add("person", m[1])
	}
	r = leader.post("/caseload/preview", again)
	clMust(t, r, http.StatusOK, `data-testid="reassign-submit"`)
	form = url.Values{"to": {strconv.FormatInt(kari.ID, 10)}}
	for _, it := range itemRe.FindAllStringSubmatch(r.Body, -1) {
		form.Add("item", it[1])
	}
	r = leader.post("/caseload/reassign", form)
	if r.Status != http.StatusSeeOther || r.Location != "/caseload?caseworker="+strconv.FormatInt(kari.ID, 10) {
		t.Fatalf("reassign: %d %s", r.Status, r.Location)
	}
	for _, id := range []int64{p1, p2, p4} {
		if clCaseworkerOf(t, app, id) != kari.ID {
			t.Errorf("person %d not moved", id)
		}
	}
	clMust(t, leader.get(r.Location), http.StatusOK, "3 deltakere er flyttet til "+kari.Name)
	var n int
	app.DB.Pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_events WHERE action = 'reassign'`).Scan(&n)
	if n != 3 {
		t.Errorf("%d reassign audit rows, want 3", n)
	}
	// A double submit is refused, not applied twice.
	if r := leader.post("/caseload/reassign", form); r.Status != http.StatusConflict {
		t.Errorf("double submit: %d", r.Status)
	}
	// Tampered input.
	for _, bad := range []url.Values{
		{"to": {strconv.FormatInt(kari.ID, 10)}},
		{"to": {strconv.FormatInt(kari.ID, 10)}, "item": {"1:x"}},
		{"to": {"x"}, "item": {strconv.FormatInt(p1, 10) + ":1"}},
	} {
		if r := leader.post("/caseload/reassign", bad); r.Status != http.StatusUnprocessableEntity {
			t.Errorf("bad reassign %v: %d", bad, r.Status)
		}
	}
}

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

func TestPersonAuditPageAndCSV(t *testing.T) {
	app := newTestApp(t)
	kari := app.user("kari@k.no", domain.RoleCaseworker, "Øst")
	app.user("leder@k.no", domain.RoleLeader, "Øst")
	app.user("leder@vest.no", domain.RoleLeader, "Vest")
	ctx := context.Background()
	// A user whose name a spreadsheet would take for a formula.
	evilID, err := app.DB.CreateUser(ctx, postgres.NewUser{Email: "evil@k.no", Name: "=HYPERLINK(\"http://x\")", Role: domain.RoleCaseworker, UnitName: "Øst", Password: testPassword})
	if err != nil {
		t.Fatal(err)
	}
	c := app.client()
	c.login("kari@k.no")
	path, id := clPerson(t, c, 1, "Amina", "Haidari", kari.ID)
	edit := validPersonForm(nid(1))
	edit.Set("family_name", "Haidari-Rahimi")
	edit.Set("caseworker_id", strconv.FormatInt(kari.ID, 10))
	edit.Set("version", "1")
	if r := c.post(path, edit); r.Status != http.StatusSeeOther {
		t.Fatalf("edit: %d", r.Status)
	}
	evil := app.client()
	evil.login("evil@k.no")
	evil.get(path)

	if r := c.get(path + "/audit"); r.Status != http.StatusForbidden {
		t.Errorf("caseworker GET audit: %d", r.Status)
	}
	if r := c.get(path + "/audit.csv"); r.Status != http.StatusForbidden || strings.Contains(r.Header.Get("Content-Type"), "csv") {
		t.Errorf("caseworker GET audit.csv: %d %s", r.Status, r.Header.Get("Content-Type"))
	}
	vest := app.client()
	vest.login("leder@vest.no")
	if r := vest.get(path + "/audit"); r.Status != http.StatusNotFound {
		t.Errorf("other unit's leader: %d", r.Status)
	}
	if r := vest.get(path + "/audit.csv"); r.Status != http.StatusNotFound {
		t.Errorf("other unit's leader CSV: %d", r.Status)
	}

	leader := app.client()
	leader.login("leder@k.no")
	clMust(t, leader.get(path), http.StatusOK, `data-testid="audit-link"`)
	r := leader.get(path + "/audit")
	clMust(t, r, http.StatusOK, `data-testid="audit-table"`, "Hvem har sett og endret Amina Haidari-Rahimi", "Så personen", "Registrerte",
		"Endret", "Etternavn", kari.Name, "Programrådgiver", "Leder", `=HYPERLINK(&#34;http://x&#34;)`)
	if strings.Contains(r.Body, nid(1)) {
		t.Error("the access log shows the national ID")
	}
	r = leader.get(path + "/audit?action=update")
	clMust(t, r, http.StatusOK, "Etternavn")
	if n := strings.Count(r.Body, `data-testid="audit-row"`); n != 1 {
		t.Errorf("filter update: %d rows", n)
	}
	if r := leader.get(path + "/audit?action=DROP%20TABLE"); r.Status != http.StatusUnprocessableEntity {
		t.Errorf("bad filter: %d", r.Status)
	}
	if r := leader.get("/persons/999999/audit"); r.Status != http.StatusNotFound {
		t.Errorf("unknown person: %d", r.Status)
	}

	// Paging: 130 more reads; 100 on the first page and a link to older ones.
	if _, err := app.DB.Pool.Exec(ctx, `INSERT INTO audit_events (at, user_id, user_role, action, entity, entity_id, person_id)
		SELECT now() - make_interval(mins => g), $2, 'caseworker', 'view', 'person', $1, $1 FROM generate_series(1, 130) g`, id, evilID); err != nil {
		t.Fatal(err)
	}
	r = leader.get(path + "/audit?action=view")
	if n := strings.Count(r.Body, `data-testid="audit-row"`); n != 100 {
		t.Errorf("first page: %d rows", n)
	}
	next := regexp.MustCompile(`href="(/persons/\d+/audit\?[^"]*before=\d+[^"]*)"`).FindStringSubmatch(r.Body)
	if next == nil {
		t.Fatal("no link to older events")
	}
	r = leader.get(strings.ReplaceAll(next[1], "&amp;", "&"))
	if n := strings.Count(r.Body, `data-testid="audit-row"`); n != 32 { // 130 + Kari's and evil's reads
		t.Errorf("second page: %d rows, want 32", n)
	}
	clMust(t, r, http.StatusOK, `data-testid="first-page"`)

	// CSV: BOM, semicolons, CRLF, no-store, formulas defused; audited.
	r = leader.get(path + "/audit.csv")
	if r.Status != http.StatusOK {
		t.Fatalf("csv: %d %.500s", r.Status, r.Body)
	}
	if ct := r.Header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
		t.Errorf("content type %q", ct)
	}
	if cc := r.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("cache-control %q", cc)
	}
	if cd := r.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") || !strings.Contains(cd, "innsyn-person-"+strconv.FormatInt(id, 10)+".csv") || strings.Contains(cd, "Haidari") {
		t.Errorf("content disposition %q", cd)
	}
	if !strings.HasPrefix(r.Body, "\uFEFFTidspunkt (norsk tid);Bruker;Rolle;Handling;Hva;Endrede felt;Referanse\r\n") {
		t.Errorf("csv head %q", r.Body[:min(120, len(r.Body))])
	}
	lines := strings.Split(strings.TrimSuffix(r.Body, "\r\n"), "\r\n")
	if len(lines) < 136 {
		t.Errorf("%d csv lines", len(lines))
	}
	if !strings.Contains(lines[1], "Eksporterte innsynsloggen") {
		t.Errorf("the export is not first in its own log: %q", lines[1])
	}
	if !strings.Contains(r.Body, `;"'=HYPERLINK(""http://x"")";`) {
		t.Error("the formula in a user name was not defused")
	}
	if strings.Contains(r.Body, ";=HYPERLINK") || strings.Contains(r.Body, `;"=HYPERLINK`) {
		t.Error("a raw formula cell in the CSV")
	}
	if !strings.Contains(r.Body, ";Endret;personopplysninger;Etternavn;") {
		t.Error("the update row lacks its changed field")
	}
	var n int
	app.DB.Pool.QueryRow(ctx, `SELECT count(*) FROM audit_events WHERE person_id = $1 AND action = 'export_audit'`, id).Scan(&n)
	if n != 1 {
		t.Errorf("%d export audit rows, want 1", n)
	}
	r = leader.get(path + "/audit.csv?action=update")
	if lines := strings.Split(strings.TrimSuffix(r.Body, "\r\n"), "\r\n"); len(lines) != 2 {
		t.Errorf("filtered CSV has %d lines, want header + 1", len(lines))
	}
}

func TestDuplicateWarningOnRegistration(t *testing.T) {
	app := newTestApp(t)
	app.user("kari@k.no", domain.RoleCaseworker, "Øst")
	c := app.client()
	c.login("kari@k.no")
	existing := createPerson(t, c, validPersonForm(nid(1))) // Amina Haidari, 1990-04-12

	form := validPersonForm(nid(2))
	form.Set("given_name", "Aminah")
	form.Set("family_name", "Haydari")
	form.Set("duplicate_check", "1") // as the registration form sends
	r := c.post("/persons", form)
	clMust(t, r, http.StatusOK, `data-testid="duplicate-warning"`, `href="`+existing+`"`, "Amina Haidari", "12.04.1990",
		`name="confirm_duplicate"`, `name="duplicate_warned" value="1"`, `value="Aminah"`, `value="Haydari"`)
	if strings.Contains(r.Body, `data-testid="error-summary"`) {
		t.Error("a warning is not an error")
	}
	count := func() int {
		var n int
		app.DB.Pool.QueryRow(context.Background(), `SELECT count(*) FROM persons`).Scan(&n)
		return n
	}
	if count() != 1 {
		t.Fatal("the warned registration was saved")
	}
	// Sent again without the tick: asked to tick it (422).
	form.Set("duplicate_warned", "1")
	r = c.post("/persons", form)
	clMust(t, r, http.StatusUnprocessableEntity, `href="#confirm_duplicate"`, `id="confirm_duplicate-error"`)
	// Ticked: saved.
	form.Set("confirm_duplicate", "1")
	createPerson(t, c, form)
	if count() != 2 {
		t.Error("the confirmed registration was not saved")
	}
	// Another birth date or another name: no warning.
	other := validPersonForm(nid(3))
	other.Set("given_name", "Yonas")
	other.Set("family_name", "Tesfaye")
	other.Set("duplicate_check", "1")
	createPerson(t, c, other)
	// The same national ID is still refused outright, with a link (409).
	same := validPersonForm(nid(1))
	same.Set("duplicate_check", "1")
	if r := c.post("/persons", same); r.Status != http.StatusConflict || !strings.Contains(r.Body, `data-testid="duplicate-link"`) {
		t.Errorf("same national ID: %d", r.Status)
	}
	// The registration form asks for the check.
	clMust(t, c.get("/persons/new"), http.StatusOK, `name="duplicate_check" value="1"`)
}

func TestMineListMarksChangesSinceLastVisit(t *testing.T) {
	app := newTestApp(t)
	kari := app.user("kari@k.no", domain.RoleCaseworker, "Øst")
	app.user("ola@k.no", domain.RoleCaseworker, "Øst")
	ola := app.client()
	ola.login("ola@k.no")
	path, _ := clPerson(t, ola, 1, "Amina", "Haidari", kari.ID) // Ola registers her for Kari

	c := app.client()
	c.login("kari@k.no")
	clPerson(t, c, 2, "Yonas", "Tesfaye", kari.ID) // Kari's own registration is no news to her
	r := c.get("/persons?view=mine")
	clMust(t, r, http.StatusOK, `data-testid="tag-new"`)
	if n := strings.Count(r.Body, `data-testid="tag-new"`); n != 1 {
		t.Errorf("%d rows marked new, want only the one Ola registered", n)
	}
	c.get(path) // Kari opens her
	r = c.get("/persons?view=mine")
	if strings.Contains(r.Body, `data-testid="tag-new"`) || strings.Contains(r.Body, `data-testid="tag-changed"`) {
		t.Error("tags after the visit")
	}
	// Ola changes the settlement date.
	edit := validPersonForm(nid(1))
	edit.Set("caseworker_id", strconv.FormatInt(kari.ID, 10))
	edit.Set("settlement_date", "2026-03-20")
	edit.Set("version", "1")
	if r := ola.post(path, edit); r.Status != http.StatusSeeOther {
		t.Fatalf("edit: %d", r.Status)
	}
	r = c.get("/persons?view=mine")
	clMust(t, r, http.StatusOK, `data-testid="tag-changed"`, "Bosettingsdato", `data-testid="changed-count"`)
	// The all-unit list carries no markers.
	if strings.Contains(c.get("/persons?view=all").Body, `data-testid="tag-changed"`) {
		t.Error("markers in the all-unit list")
	}
	c.get(path)
	if strings.Contains(c.get("/persons?view=mine").Body, `data-testid="tag-changed"`) {
		t.Error("the marker stays after the visit")
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

// TestBrowserCaseloadLeaderPages runs axe on the leader's pages: caseload,
// a refused preview, the preview, the conflict and the access log.
func TestBrowserCaseloadLeaderPages(t *testing.T) {
	app := newTestApp(t)
	ola := app.user("ola@kommune.no", domain.RoleCaseworker, "Øst")
	kari := app.user("kari@kommune.no", domain.RoleCaseworker, "Øst")
	app.user("leder@kommune.no", domain.RoleLeader, "Øst")
	c := app.client()
	c.login("ola@kommune.no")
	path, _ := clPerson(t, c, 1, "Amina", "Haidari", ola.ID)
	clPerson(t, c, 2, "Yonas", "Tesfaye", ola.ID)
	clPerson(t, c, 3, "Olena", "Kovalenko", kari.ID)
	clPerson(t, c, 4, "Ali", "Rahimi", 0)
	b := newBrowser(t, app)
	b.login("leder@kommune.no", testPassword)

	b.open("/caseload")
	b.waitVisible(`[data-testid="caseload-table"]`)
	b.checkPage("caseload-overview")
	if st := b.submit(`[data-testid="preview-submit"]`); st != http.StatusUnprocessableEntity {
		t.Fatalf("empty preview: status %d, want 422", st)
	}
	b.waitVisible(`[data-testid="error-summary"]`)
	b.checkPage("caseload-overview-errors")

	b.open("/caseload?caseworker=" + strconv.FormatInt(ola.ID, 10) + "&select=all")
	b.waitVisible(`[data-testid="caseload-table"]`)
	b.setValue("#to", strconv.FormatInt(kari.ID, 10))
	if st := b.submit(`[data-testid="preview-submit"]`); st != http.StatusOK {
		t.Fatalf("preview: status %d", st)
	}
	b.waitVisible(`[data-testid="preview-table"]`)
	b.checkPage("caseload-preview")

	// Ola edits Amina meanwhile: the confirmation is refused.
	edit := validPersonForm(nid(1))
	edit.Set("caseworker_id", strconv.FormatInt(ola.ID, 10))
	edit.Set("family_name", "Haidari-Rahimi")
	edit.Set("version", "1")
	if r := c.post(path, edit); r.Status != http.StatusSeeOther {
		t.Fatalf("edit: %d", r.Status)
	}
	if st := b.submit(`[data-testid="reassign-submit"]`); st != http.StatusConflict {
		t.Fatalf("stale reassign: status %d, want 409", st)
	}
	b.waitVisible(`[data-testid="conflict"]`)
	b.checkPage("caseload-conflict")
	if st := b.submit(`[data-testid="preview-again"]`); st != http.StatusOK {
		t.Fatalf("preview again: status %d", st)
	}
	if st := b.submit(`[data-testid="reassign-submit"]`); st != http.StatusOK {
		t.Fatalf("reassign: status %d", st)
	}
	b.waitVisible(`[data-testid="flash"]`)
	b.checkPage("caseload-after-reassign")

	b.open(path + "/audit")
	b.waitVisible(`[data-testid="audit-table"]`)
	b.checkPage("caseload-audit")
}
