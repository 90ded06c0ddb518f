package server_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"ankomst/internal/domain"
)

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
