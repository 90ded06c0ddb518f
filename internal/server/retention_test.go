package server_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"ankomst/internal/domain"
	"ankomst/internal/server"
)

// retentionApp has two closed cases (Amina and Yonas, closed today) and an
// open one, a note on Amina; the store's clock is then moved 11 years on, so
// both closed cases are due.
func retentionApp(t *testing.T) (app *testApp, admin *client, amina, yonas, open int64) {
	t.Helper()
	app = newTestApp(t)
	kari := app.user("kari@k.no", domain.RoleCaseworker, "Øst")
	app.user("leder@k.no", domain.RoleLeader, "Øst")
	app.user("helse@k.no", domain.RoleHealth, "Øst")
	app.user("admin@k.no", domain.RoleAdmin, "Vest")
	c := app.client()
	c.login("kari@k.no")
	pa, amina := clPerson(t, c, 1, "Amina", "Haidari", kari.ID)
	_, yonas = clPerson(t, c, 2, "Yonas", "Tesfaye", kari.ID)
	_, open = clPerson(t, c, 3, "Sara", "Ahmadi", kari.ID)
	createNote(t, c, pa, meetingForm("Hemmelig: Amina bor hos søsteren i Storgata 5."))
	ctx := context.Background()
	today := domain.Today(time.Now())
	for _, id := range []int64{amina, yonas} {
		if _, err := app.DB.ClosePerson(ctx, kari.Scope(), id, domain.CloseInput{ClosedOn: today, Reason: domain.CloseMoved, Version: 1}); err != nil {
			t.Fatal(err)
		}
	}
	later := time.Now().AddDate(11, 0, 0)
	app.DB.Now = func() time.Time { return later }
	admin = app.client()
	admin.login("admin@k.no")
	return app, admin, amina, yonas, open
}

func auditCount(t *testing.T, app *testApp, action string) int {
	t.Helper()
	var n int
	if err := app.DB.Pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_events WHERE action = $1`, action).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestRetentionThroughHTTP(t *testing.T) {
	app, admin, amina, yonas, open := retentionApp(t)

	// The dry run lists both closed cases and changes nothing.
	var audits int
	app.DB.Pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_events`).Scan(&audits)
	for range 2 {
		r := admin.get("/admin/retention")
		clMust(t, r, http.StatusOK, "Haidari, Amina", "Tesfaye, Yonas", "Hele saken (anonymisering)", `data-testid="retention-apply"`, "2 personer skal behandles")
		if strings.Contains(r.Body, "Ahmadi") {
			t.Error("the open case is listed")
		}
	}
	var after int
	app.DB.Pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_events`).Scan(&after)
	if after != audits {
		t.Errorf("the dry run wrote %d audit rows", after-audits)
	}

	// Other roles: 403 on every route.
	for _, email := range []string{"kari@k.no", "leder@k.no", "helse@k.no"} {
		o := app.client()
		o.login(email)
		for _, r := range []response{o.get("/admin/retention"), o.post("/admin/retention/apply", nil),
			o.post("/admin/retention/legal-hold", url.Values{"person_id": {strconv.FormatInt(yonas, 10)}, "hold": {"on"}, "reason": {"x"}}),
			o.post("/admin/retention/rules", url.Values{"kind": {"case"}, "years": {"1"}, "basis": {"x"}, "version": {"1"}})} {
			if r.Status != http.StatusForbidden {
				t.Errorf("%s: %d, want 403", email, r.Status)
			}
		}
	}

	// A legal hold: a reason is needed; bad input keeps what was typed.
	yid := strconv.FormatInt(yonas, 10)
	r := admin.post("/admin/retention/legal-hold", url.Values{"person_id": {yid}, "hold": {"on"}, "reason": {"  "}})
	clMust(t, r, http.StatusUnprocessableEntity, `data-testid="error-summary"`, `value="`+yid+`"`)
	r = admin.post("/admin/retention/legal-hold", url.Values{"person_id": {"99999"}, "hold": {"on"}, "reason": {"Klage"}})
	clMust(t, r, http.StatusUnprocessableEntity, "Fant ingen person")
	// NUL and invalid UTF-8 are refused before the handler (a clean 400).
	r = admin.post("/admin/retention/legal-hold", url.Values{"person_id": {yid}, "hold": {"on"}, "reason": {"a\x00b"}})
	clMust(t, r, http.StatusBadRequest)
	r = admin.post("/admin/retention/legal-hold", url.Values{"person_id": {yid}, "hold": {"on"}, "reason": {strings.Repeat("x", 600)}})
	clMust(t, r, http.StatusUnprocessableEntity, "500 tegn")
	r = admin.post("/admin/retention/legal-hold", url.Values{"person_id": {yid}, "hold": {"on"}, "reason": {"Klage til Statsforvalteren"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("set hold: %d\n%.2000s", r.Status, r.Body)
	}
	if n := auditCount(t, app, domain.ActionLegalHold); n != 1 {
		t.Errorf("%d legal hold audit rows", n)
	}
	r = admin.get("/admin/retention")
	clMust(t, r, http.StatusOK, "Rettslig hold er satt.", `data-testid="retention-held"`, "Klage til Statsforvalteren", "1 person skal behandles")

	// Apply without the confirmation: nothing happens, the page says why.
	r = admin.post("/admin/retention/apply", nil)
	clMust(t, r, http.StatusUnprocessableEntity, "Kryss av for å bekrefte", "Haidari, Amina")
	if n := auditCount(t, app, domain.ActionAnonymise); n != 0 {
		t.Errorf("%d anonymise audit rows without the confirmation, want 0", n)
	}
	// Apply: Amina is anonymised (audited), Yonas is held.
	r = admin.post("/admin/retention/apply", url.Values{"confirm": {"1"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("apply: %d\n%.2000s", r.Status, r.Body)
	}
	clMust(t, admin.get("/admin/retention"), http.StatusOK, "Anonymisert: 1.", "Holdt tilbake av rettslig hold: 1.")
	if n := auditCount(t, app, domain.ActionAnonymise); n != 1 {
		t.Errorf("%d anonymise audit rows, want 1", n)
	}
	var given, family string
	var nationalID *string
	app.DB.Pool.QueryRow(context.Background(), `SELECT given_name, family_name, national_id FROM persons WHERE id = $1`, amina).Scan(&given, &family, &nationalID)
	if given != "" || family != "Anonymisert" || nationalID != nil {
		t.Errorf("Amina after apply: %q %q %v", given, family, nationalID)
	}
	var body string
	app.DB.Pool.QueryRow(context.Background(), `SELECT body FROM case_notes WHERE person_id = $1`, amina).Scan(&body)
	if body != "Anonymisert" {
		t.Errorf("note body %q", body)
	}
	// Lists and the person page show "Anonymisert"; an edit is refused.
	k := app.client()
	k.login("kari@k.no")
	r = k.get("/persons?status=all")
	if strings.Contains(r.Body, "Haidari") {
		t.Error("the list still shows the name")
	}
	r = k.get("/persons/" + strconv.FormatInt(amina, 10))
	clMust(t, r, http.StatusOK, "Anonymisert")
	if strings.Contains(r.Body, `data-testid="edit-person"`) || strings.Contains(r.Body, `data-testid="reopen-person"`) {
		t.Error("an anonymised person is offered edit or reopen")
	}
	if strings.Contains(r.Body, "Amina") || strings.Contains(r.Body, "Storgata") {
		i := strings.Index(r.Body, "Amina")
		if i < 0 {
			i = strings.Index(r.Body, "Storgata")
		}
		t.Errorf("the person page shows removed data: %s", r.Body[max(0, i-300):min(len(r.Body), i+200)])
	}
	f := validPersonForm(nid(1))
	f.Set("version", "3")
	r = k.post("/persons/"+strconv.FormatInt(amina, 10), f)
	if r.Status < 400 || r.Status >= 500 {
		t.Errorf("editing an anonymised person: %d, want a 4xx", r.Status)
	}
	// The hold is cleared and the next run takes Yonas.
	r = admin.post("/admin/retention/legal-hold", url.Values{"person_id": {yid}, "hold": {"off"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("clear hold: %d", r.Status)
	}
	admin.post("/admin/retention/apply", url.Values{"confirm": {"1"}})
	clMust(t, admin.get("/admin/retention"), http.StatusOK, "Anonymisert: 1.", "Ingen saker skal anonymiseres")
	var openName string
	app.DB.Pool.QueryRow(context.Background(), `SELECT given_name FROM persons WHERE id = $1`, open).Scan(&openName)
	if openName != "Sara" {
		t.Errorf("the open case was touched: %q", openName)
	}
}

func TestRetentionRulesThroughHTTP(t *testing.T) {
	app, admin, _, _, _ := retentionApp(t)
	r := admin.post("/admin/retention/rules", url.Values{"kind": {"health"}, "years": {"3"}, "basis": {"Vedtatt i arkivplanen."}, "version": {"1"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("save rule: %d\n%.2000s", r.Status, r.Body)
	}
	clMust(t, admin.get("/admin/retention"), http.StatusOK, "Oppbevaringstiden er lagret", "Vedtatt i arkivplanen.", "Test admin")
	// Stale version: 409 showing what was typed.
	r = admin.post("/admin/retention/rules", url.Values{"kind": {"health"}, "years": {"4"}, "basis": {"Min tekst"}, "version": {"1"}})
	clMust(t, r, http.StatusConflict, "3 år", "Min tekst")
	for _, bad := range []url.Values{
		{"kind": {"health"}, "years": {"0"}, "basis": {"x"}, "version": {"2"}},
		{"kind": {"health"}, "years": {"ti"}, "basis": {"x"}, "version": {"2"}},
		{"kind": {"health"}, "years": {"3"}, "basis": {strings.Repeat("å", 1001)}, "version": {"2"}},
	} {
		clMust(t, admin.post("/admin/retention/rules", bad), http.StatusUnprocessableEntity)
	}
	for _, bad := range []url.Values{
		{"kind": {"health"}, "years": {"3"}, "basis": {"x\x00"}, "version": {"2"}},
		{"kind": {"health"}, "years": {"\xff"}, "basis": {"x"}, "version": {"2"}},
	} {
		clMust(t, admin.post("/admin/retention/rules", bad), http.StatusBadRequest)
	}
	if r := admin.post("/admin/retention/rules", url.Values{"kind": {"bogus"}, "years": {"3"}, "basis": {"x"}, "version": {"1"}}); r.Status != http.StatusUnprocessableEntity {
		t.Errorf("unknown kind: %d", r.Status)
	}
	if n := auditCount(t, app, domain.ActionUpdate); n == 0 {
		t.Error("no audit row for the rule")
	}
}

func TestAccessPackageThroughHTTP(t *testing.T) {
	app, admin, amina, _, _ := retentionApp(t)
	app.DB.Now = time.Now
	p := "/persons/" + strconv.FormatInt(amina, 10)
	before := auditCount(t, app, domain.ActionAccessPackage)
	clMust(t, admin.get(p), http.StatusOK, `data-testid="access-package-link"`, `href="`+p+`/access-package"`)
	r := admin.get(p + "/access-package")
	clMust(t, r, http.StatusOK, "Innsyn: Amina Haidari", "Saksnotater", "Storgata 5", "Logg over hvem", `href="`+p+`/access-package.json"`)
	r = admin.get(p + "/access-package.json")
	if r.Status != http.StatusOK || !strings.Contains(r.Header.Get("Content-Disposition"), "innsyn-") {
		t.Fatalf("json: %d %v", r.Status, r.Header)
	}
	var pkg struct {
		PersonID int64 `json:"person_id"`
		Sections []struct {
			Key     string           `json:"key"`
			Records []map[string]any `json:"records"`
		} `json:"sections"`
	}
	if err := json.Unmarshal([]byte(r.Body), &pkg); err != nil || pkg.PersonID != amina || len(pkg.Sections) < 10 {
		t.Fatalf("json package: %v %+v", err, pkg)
	}
	if pkg.Sections[0].Records[0]["given_name"] != "Amina" {
		t.Errorf("person record %v", pkg.Sections[0].Records[0])
	}
	if n := auditCount(t, app, domain.ActionAccessPackage); n != before+2 {
		t.Errorf("access package audit rows %d, want %d", n, before+2)
	}
	for _, email := range []string{"kari@k.no", "leder@k.no", "helse@k.no"} {
		o := app.client()
		o.login(email)
		if strings.Contains(o.get(p).Body, `data-testid="access-package-link"`) {
			t.Errorf("%s is offered the access package", email)
		}
		if r := o.get(p + "/access-package"); r.Status != http.StatusForbidden {
			t.Errorf("%s page: %d", email, r.Status)
		}
		if r := o.get(p + "/access-package.json"); r.Status != http.StatusForbidden {
			t.Errorf("%s json: %d", email, r.Status)
		}
	}
	if r := admin.get("/persons/999999/access-package"); r.Status != http.StatusNotFound {
		t.Errorf("missing person: %d", r.Status)
	}
	if r := admin.get("/persons/x/access-package.json"); r.Status != http.StatusNotFound {
		t.Errorf("bad id: %d", r.Status)
	}
	if n := auditCount(t, app, domain.ActionAccessPackage); n != before+2 {
		t.Errorf("refused packages were audited")
	}
}

// The access package is one batch (its audit row included): with the
// session read, the user read and the session write, at most 4 round trips;
// the retention page reads rules, dry run and holds (at most 6).
func TestAccessPackageRoundTrips(t *testing.T) {
	app, _, amina, _, _ := retentionApp(t)
	logs := &syncBuffer{}
	srv := server.New(app.DB, slog.New(slog.NewJSONHandler(logs, nil)), server.Config{}, nil)
	ts := httptest.NewServer(srv.Routes())
	defer ts.Close()
	app.TS = ts
	admin := app.client()
	admin.login("admin@k.no")
	for _, c := range []struct {
		path, route string
		max         int
	}{
		{"/persons/" + strconv.FormatInt(amina, 10) + "/access-package", "/persons/{id}/access-package", 4},
		{"/persons/" + strconv.FormatInt(amina, 10) + "/access-package.json", "/persons/{id}/access-package.json", 4},
		{"/admin/retention", "/admin/retention", 6},
	} {
		st, rt := pageCost(t, app, logs, admin, c.path, c.route)
		t.Logf("%s: %d statements, %d round trips", c.route, st, rt)
		if rt > c.max {
			t.Errorf("%s: %d round trips (%d statements), want at most %d", c.route, rt, st, c.max)
		}
	}
}
