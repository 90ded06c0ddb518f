package server_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"ankomst/internal/domain"
)

var hiddenRe = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)"`)

// mgForm is the preview page's form as a browser would send it unchanged:
// its hidden fields, and keep with every field choice at its default.
func mgForm(t *testing.T, body string) url.Values {
	t.Helper()
	f := url.Values{}
	for _, m := range hiddenRe.FindAllStringSubmatch(body, -1) {
		f.Set(html.UnescapeString(m[1]), html.UnescapeString(m[2]))
	}
	if f.Get("preview_keep") == "" || f.Get("version_a") == "" {
		t.Fatalf("the preview has no form:\n%.3000s", body)
	}
	f.Set("keep", f.Get("preview_keep"))
	for _, m := range regexp.MustCompile(`name="(f_[a-z_]+)" value="(\d+)" checked`).FindAllStringSubmatch(body, -1) {
		f.Set(m[1], m[2])
	}
	return f
}

// mgSetup makes unit Øst with a caseworker and an admin, and two
// registrations of Amina: the second has a DUF number instead of a national
// ID, and another spelling.
func mgSetup(t *testing.T) (app *testApp, cw, admin *client, first, second int64) {
	t.Helper()
	app = newTestApp(t)
	kari := app.user("kari@k.no", domain.RoleCaseworker, "Øst")
	app.user("leder@k.no", domain.RoleLeader, "Øst")
	app.user("admin@k.no", domain.RoleAdmin, "Vest")
	cw = app.client()
	cw.login("kari@k.no")
	_, first = clPerson(t, cw, 1, "Amina", "Haidari", kari.ID)
	f := validPersonForm("")
	f.Set("family_name", "Haidary")
	f.Set("duf_number", "202412345678")
	p := createPerson(t, cw, f)
	second, _ = strconv.ParseInt(strings.TrimPrefix(p, "/persons/"), 10, 64)
	admin = app.client()
	admin.login("admin@k.no")
	return app, cw, admin, first, second
}

func mgPath(a, b int64) string {
	return "/persons/" + strconv.FormatInt(a, 10) + "/merge/" + strconv.FormatInt(b, 10)
}

func TestMergeOnlyAdmins(t *testing.T) {
	app, cw, admin, first, second := mgSetup(t)
	leader := app.client()
	leader.login("leder@k.no")
	firstPath := "/persons/" + strconv.FormatInt(first, 10)
	for name, c := range map[string]*client{"caseworker": cw, "leader": leader} {
		if r := c.get(firstPath); strings.Contains(r.Body, `data-testid="merge-person"`) {
			t.Errorf("%s is offered the merge", name)
		}
		for _, r := range []response{
			c.get(firstPath + "/merge"),
			c.post(firstPath+"/merge/search", url.Values{"q": {"amina"}}),
			c.get(mgPath(first, second)),
			c.post(mgPath(first, second), url.Values{"keep": {strconv.FormatInt(first, 10)}, "preview_keep": {strconv.FormatInt(first, 10)},
				"version_a": {"1"}, "version_b": {"1"}}),
		} {
			if r.Status != http.StatusForbidden {
				t.Errorf("%s: status %d, want 403", name, r.Status)
			}
		}
	}
	var status string
	app.DB.Pool.QueryRow(context.Background(), `SELECT status FROM persons WHERE id = $1`, second).Scan(&status)
	if status != domain.StatusActive {
		t.Fatalf("a refused merge changed the status to %s", status)
	}
	// The admin is offered it on the person page.
	clMust(t, admin.get(firstPath), http.StatusOK, `data-testid="merge-person"`, `href="`+firstPath+`/merge"`)
}

func TestMergeHappyPath(t *testing.T) {
	app, _, admin, first, second := mgSetup(t)
	firstPath := "/persons/" + strconv.FormatInt(first, 10)

	// Step 1: the other registration is suggested (same birth date, similar name).
	r := admin.get(firstPath + "/merge")
	clMust(t, r, http.StatusOK, `data-testid="suggestion-row"`, "Haidary, Amina", `href="`+mgPath(first, second)+`"`)
	// Search by DUF number: by POST, never echoed.
	r = admin.post(firstPath+"/merge/search", url.Values{"q": {"2024 1234 5678"}})
	clMust(t, r, http.StatusOK, `data-testid="result-row"`, "Haidary, Amina")
	if strings.Contains(r.Body, "5678") {
		t.Error("the DUF number was echoed into the search page")
	}
	r = admin.post(firstPath+"/merge/search", url.Values{"q": {"finnesikke"}})
	clMust(t, r, http.StatusOK, `data-testid="empty-state"`)

	// Step 2: the preview; the first has a national ID and is older: proposed kept.
	r = admin.get(mgPath(first, second))
	clMust(t, r, http.StatusOK, `data-testid="merge-fields"`, "Haidari", "Haidary", `data-testid="merge-row-family_name"`,
		`name="f_family_name"`, `name="f_duf_number"`, "Ingen saksnotater")
	if strings.Contains(r.Body, `name="f_given_name"`) {
		t.Error("a choice is offered for a field that is the same in both")
	}
	form := mgForm(t, r.Body)
	if form.Get("keep") != strconv.FormatInt(first, 10) || form.Get("f_family_name") != strconv.FormatInt(first, 10) {
		t.Errorf("defaults: keep %s family name from %s", form.Get("keep"), form.Get("f_family_name"))
	}
	// Take the DUF number from the second.
	form.Set("f_duf_number", strconv.FormatInt(second, 10))

	// Step 3: merge.
	r = admin.post(mgPath(first, second), form)
	if r.Status != http.StatusSeeOther || r.Location != firstPath {
		t.Fatalf("merge: %d %s\n%.2000s", r.Status, r.Location, r.Body)
	}
	r = admin.get(firstPath)
	clMust(t, r, http.StatusOK, `data-testid="flash"`, "er slått sammen med", "2024 12345678")
	// The merged registration's page says where it went.
	r = admin.get("/persons/" + strconv.FormatInt(second, 10))
	clMust(t, r, http.StatusOK, `data-testid="merged-notice"`, "Slått sammen med", `href="`+firstPath+`"`)
	if strings.Contains(r.Body, `data-testid="edit-person"`) || strings.Contains(r.Body, `data-testid="merge-person"`) {
		t.Error("the merged registration offers changes")
	}
	clMust(t, admin.get("/persons/"+strconv.FormatInt(second, 10)+"/edit"), http.StatusOK, `data-testid="merged-notice"`)
	// Out of the lists and searches.
	for _, path := range []string{"/persons?view=all", "/persons?view=all&q=haidary", "/persons?view=closed"} {
		if r := admin.get(path); strings.Contains(r.Body, "/persons/"+strconv.FormatInt(second, 10)+`"`) {
			t.Errorf("%s lists the merged registration", path)
		}
	}
	// The survivor's access log holds the merged registration's events too.
	r = admin.get(firstPath + "/audit?action=create")
	if n := strings.Count(r.Body, "Registrerte"); n < 2 {
		t.Errorf("the survivor's access log shows %d registrations, want both", n)
	}
	if !strings.Contains(r.Body, "sammenslått registrering "+strconv.FormatInt(second, 10)) {
		t.Error("the access log does not mark the merged registration's events")
	}
	csv := admin.get(firstPath + "/audit.csv")
	if !strings.Contains(csv.Body, "sammenslått registrering "+strconv.FormatInt(second, 10)) {
		t.Error("the CSV export does not mark the merged registration's events")
	}
	var count int
	app.DB.Pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_events WHERE action = 'merge' AND person_id IN ($1, $2)`, first, second).Scan(&count)
	if count != 2 {
		t.Errorf("%d merge events, want 2", count)
	}
	// Merging again is refused.
	if r := admin.get(mgPath(first, second)); r.Status != http.StatusConflict {
		t.Errorf("preview of a merged pair: %d", r.Status)
	}
}

func TestMergeStaleAndBadChoices(t *testing.T) {
	app, cw, admin, first, second := mgSetup(t)
	r := admin.get(mgPath(first, second))
	clMust(t, r, http.StatusOK)
	form := mgForm(t, r.Body)

	// A choice that names neither: 422, the preview again with the message.
	bad := url.Values{}
	for k, v := range form {
		bad[k] = v
	}
	bad.Set("f_family_name", "999999")
	clMust(t, admin.post(mgPath(first, second), bad), http.StatusUnprocessableEntity, `data-testid="error-summary"`, `href="#f_family_name"`)
	bad = url.Values{}
	for k, v := range form {
		bad[k] = v
	}
	bad.Set("keep", "999999")
	bad.Set("preview_keep", "999999")
	clMust(t, admin.post(mgPath(first, second), bad), http.StatusUnprocessableEntity, `data-testid="error-summary"`, `href="#keep_a"`)
	// Values that do not fit: the survivor without any identity number.
	bad = url.Values{}
	for k, v := range form {
		bad[k] = v
	}
	bad.Set("keep", strconv.FormatInt(second, 10))
	bad.Set("preview_keep", strconv.FormatInt(second, 10))
	bad.Set("f_national_id", strconv.FormatInt(second, 10)) // has no national ID…
	bad.Set("f_duf_number", strconv.FormatInt(first, 10))   // …and takes the first's lack of a DUF number
	bad.Set("version_a", form.Get("version_a"))
	r = admin.post(mgPath(first, second), bad)
	clMust(t, r, http.StatusUnprocessableEntity, `href="#f_national_id"`, "fødselsnummer/D-nummer eller DUF-nummer")

	// Another survivor than the preview's: the preview again for it, 200, nothing saved.
	sw := url.Values{}
	for k, v := range form {
		sw[k] = v
	}
	sw.Set("keep", strconv.FormatInt(second, 10))
	r = admin.post(mgPath(first, second), sw)
	clMust(t, r, http.StatusOK, `data-testid="merge-switched"`, `name="preview_keep" value="`+strconv.FormatInt(second, 10)+`"`)

	// Someone changes the second's given name after the preview: 409 with what changed.
	edit := validPersonForm("")
	edit.Set("family_name", "Haidary")
	edit.Set("given_name", "Aminah")
	edit.Set("duf_number", "202412345678")
	edit.Set("version", "1")
	if r := cw.post("/persons/"+strconv.FormatInt(second, 10), edit); r.Status != http.StatusSeeOther {
		t.Fatalf("concurrent edit: %d", r.Status)
	}
	r = admin.post(mgPath(first, second), form)
	clMust(t, r, http.StatusConflict, `data-testid="merge-stale"`, "Aminah Haidary er endret (nå versjon 2): fornavn.", "Aminah")
	var status string
	app.DB.Pool.QueryRow(context.Background(), `SELECT status FROM persons WHERE id = $1`, second).Scan(&status)
	if status != domain.StatusActive {
		t.Fatalf("a stale merge saved: %s", status)
	}
	// The refreshed form merges.
	again := mgForm(t, r.Body)
	if again.Get("version_b") != "2" {
		t.Errorf("the refreshed form carries version %s", again.Get("version_b"))
	}
	if r := admin.post(mgPath(first, second), again); r.Status != http.StatusSeeOther {
		t.Errorf("merge after the conflict: %d\n%.2000s", r.Status, r.Body)
	}
}

func TestMergeAcrossUnitsRefused(t *testing.T) {
	app, _, admin, first, _ := mgSetup(t)
	app.user("ola@vest.no", domain.RoleCaseworker, "Vest")
	vest := app.client()
	vest.login("ola@vest.no")
	_, other := clPerson(t, vest, 9, "Amina", "Haidari", 0)
	r := admin.get(mgPath(first, other))
	clMust(t, r, http.StatusUnprocessableEntity, "Bare registreringer i samme enhet kan slås sammen")
	// The search offers only the same unit.
	r = admin.post("/persons/"+strconv.FormatInt(first, 10)+"/merge/search", url.Values{"q": {"haidari"}})
	if strings.Contains(r.Body, mgPath(first, other)) {
		t.Error("the merge search offers another unit's person")
	}
	// Not with itself.
	if r := admin.get(mgPath(first, first)); r.Status != http.StatusUnprocessableEntity {
		t.Errorf("merge with itself: %d", r.Status)
	}
}
