package server_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"ankomst/internal/domain"
	"ankomst/internal/postgres"
)

// hlSeed inserts health items by SQL (the checklist's creation is another
// part's): due is days from today, negative for overdue.
func hlSeed(t *testing.T, app *testApp, personID int64, kind, status string, due int) {
	t.Helper()
	// The checklist CreatePerson made is set aside (not relevant) first, so
	// only the items a test sets up are open.
	if _, err := app.DB.Pool.Exec(context.Background(), `UPDATE health_items SET status = 'not_relevant', not_relevant_reason = 'test', version = version + 10
		WHERE person_id = $1 AND version = 1`, personID); err != nil {
		t.Fatal(err)
	}
	if _, err := app.DB.Pool.Exec(context.Background(), `INSERT INTO health_items (person_id, kind, status, due_date, done_on, version)
		VALUES ($1, $2, $3, (now() AT TIME ZONE 'Europe/Oslo')::date + $4::int, CASE WHEN $3 = 'done' THEN (now() AT TIME ZONE 'Europe/Oslo')::date + $4::int END, 2)
		ON CONFLICT (person_id, kind) DO UPDATE SET status = EXCLUDED.status, due_date = EXCLUDED.due_date,
			done_on = EXCLUDED.done_on, not_relevant_reason = '', version = health_items.version + 1`, personID, kind, status, due); err != nil {
		t.Fatal(err)
	}
}

func TestHealthWorklistHTTP(t *testing.T) {
	app := newTestApp(t)
	kari := app.user("kari@k.no", domain.RoleCaseworker, "Øst")
	app.user("helse@k.no", domain.RoleHealth, "Øst")
	app.user("helse@vest.no", domain.RoleHealth, "Vest")
	app.user("bolig@k.no", domain.RoleHousing, "Øst")
	app.user("leder@k.no", domain.RoleLeader, "Øst")
	app.user("admin@k.no", domain.RoleAdmin, "Vest")
	c := app.client()
	c.login("kari@k.no")
	_, amina := clPerson(t, c, 1, "Amina", "Haidari", kari.ID)
	_, omar := clPerson(t, c, 2, "Omar", "Said", kari.ID)
	hlSeed(t, app, amina, "tb_screening", "not_started", -20)
	hlSeed(t, app, amina, "health_check", "booked", 3)
	hlSeed(t, app, omar, "vaccines", "not_started", 40) // beyond the horizon
	hlSeed(t, app, omar, "gp", "done", -40)

	// Every role without the health capability or leader views: 403.
	for _, email := range []string{"kari@k.no", "bolig@k.no"} {
		cl := app.client()
		cl.login(email)
		if r := cl.get("/health"); r.Status != http.StatusForbidden || strings.Contains(r.Body, "Amina") {
			t.Errorf("%s GET /health: %d", email, r.Status)
		}
		if r := cl.get("/health?kind=tb_screening&dir=desc"); r.Status != http.StatusForbidden {
			t.Errorf("%s GET /health filtered: %d", email, r.Status)
		}
	}

	h := app.client()
	h.login("helse@k.no")
	clMust(t, h.get("/deadlines"), http.StatusOK, `href="/health"`, ">Helse<")
	r := h.get("/health")
	clMust(t, r, http.StatusOK, `data-testid="worklist-table"`, "Amina Haidari", "TB-undersøkelse", "20 dager over fristen",
		"Bestilt", "Om 3 dager", "Helsekartlegging", `href="/persons/`+strconv.FormatInt(amina, 10)+`/health"`, "dari", "Trenger tolk")
	if strings.Contains(r.Body, "Omar") {
		t.Error("an item beyond the horizon or done is on the worklist")
	}
	if strings.Index(r.Body, "20 dager over") > strings.Index(r.Body, "Om 3 dager") {
		t.Error("not sorted by due date ascending")
	}
	r = h.get("/health?dir=desc")
	if strings.Index(r.Body, "20 dager over") < strings.Index(r.Body, "Om 3 dager") {
		t.Error("not sorted by due date descending")
	}
	r = h.get("/health?kind=health_check")
	clMust(t, r, http.StatusOK, "Om 3 dager")
	if strings.Contains(r.Body, "20 dager over") {
		t.Error("the kind filter let another kind through")
	}
	clMust(t, h.get("/health?kind=dental"), http.StatusOK, `data-testid="empty-state"`, "Vis alle typer")
	var logged int
	app.DB.Pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_events WHERE person_id = $1 AND entity = 'health_items' AND details->>'purpose' = 'worklist'`, amina).Scan(&logged)
	if logged != 3 { // /health, ?dir=desc, ?kind=health_check; not the empty dental page
		t.Errorf("access-log rows for the shown person: %d, want 3", logged)
	}
	hv := app.client()
	hv.login("helse@vest.no")
	clMust(t, hv.get("/health"), http.StatusOK, `data-testid="empty-state"`)

	// Leaders: counts only, no names, no links to persons.
	l := app.client()
	l.login("leder@k.no")
	clMust(t, l.get("/deadlines"), http.StatusOK, "Helse (tall)")
	r = l.get("/health")
	clMust(t, r, http.StatusOK, `data-testid="counts-table"`, "Helseoppfølging i tall", `data-testid="gp-share"`, `data-testid="median-tb"`)
	for _, leak := range []string{"Amina", "Haidari", "Omar", "/persons/" + strconv.FormatInt(amina, 10), `data-testid="worklist-table"`} {
		if strings.Contains(r.Body, leak) {
			t.Errorf("the leaders' page shows %q", leak)
		}
	}
	if r := l.get("/health?unit=abc"); r.Status != http.StatusNotFound {
		t.Errorf("bad unit: %d", r.Status)
	}
	a := app.client()
	a.login("admin@k.no")
	r = a.get("/health")
	clMust(t, r, http.StatusOK, `data-testid="unit-filter"`, "Alle enheter", "Øst")
	if strings.Contains(r.Body, "Amina") {
		t.Error("the admin's counts show a name")
	}
	if r := a.get("/health?unit=999999"); r.Status != http.StatusNotFound {
		t.Errorf("unknown unit: %d", r.Status)
	}
}

func TestHealthAccessReportHTTP(t *testing.T) {
	app := newTestApp(t)
	ctx := context.Background()
	kari := app.user("kari@k.no", domain.RoleCaseworker, "Øst")
	app.user("helse@k.no", domain.RoleHealth, "Øst")
	app.user("leder@k.no", domain.RoleLeader, "Øst")
	app.user("leder@vest.no", domain.RoleLeader, "Vest")
	if _, err := app.DB.CreateUser(ctx, postgres.NewUser{Email: "evil@k.no", Name: "=HYPERLINK(\"http://x\")", Role: domain.RoleHealth, UnitName: "Øst", Password: testPassword}); err != nil {
		t.Fatal(err)
	}
	c := app.client()
	c.login("kari@k.no")
	path, amina := clPerson(t, c, 1, "Amina", "Haidari", kari.ID)
	hlSeed(t, app, amina, "tb_screening", "not_started", -5)
	for _, email := range []string{"helse@k.no", "evil@k.no"} {
		h := app.client()
		h.login(email)
		clMust(t, h.get("/health"), http.StatusOK, "Amina")
	}
	for _, email := range []string{"kari@k.no", "helse@k.no"} {
		cl := app.client()
		cl.login(email)
		if r := cl.get(path + "/health/access"); r.Status != http.StatusForbidden {
			t.Errorf("%s report: %d", email, r.Status)
		}
		if r := cl.get(path + "/health/access.csv"); r.Status != http.StatusForbidden || strings.Contains(r.Header.Get("Content-Type"), "csv") {
			t.Errorf("%s csv: %d", email, r.Status)
		}
	}
	vest := app.client()
	vest.login("leder@vest.no")
	for _, p := range []string{path + "/health/access", path + "/health/access.csv", "/persons/999999/health/access"} {
		if r := vest.get(p); r.Status != http.StatusNotFound {
			t.Errorf("other unit %s: %d", p, r.Status)
		}
	}
	l := app.client()
	l.login("leder@k.no")
	clMust(t, l.get(path+"/audit"), http.StatusOK, `data-testid="health-access-link"`, `href="`+path+`/health/access"`)
	r := l.get(path + "/health/access")
	clMust(t, r, http.StatusOK, `data-testid="health-access-table"`, "Hvem har sett helseoppfølgingen til Amina Haidari",
		"Leste helseoppfølgingen", "Arbeidsliste", "Helse", `=HYPERLINK(&#34;http://x&#34;)`)
	if n := strings.Count(r.Body, `data-testid="health-access-row"`); n != 2 {
		t.Errorf("%d rows, want the 2 worklist reads", n)
	}

	r = l.get(path + "/health/access.csv")
	if r.Status != http.StatusOK {
		t.Fatalf("csv: %d", r.Status)
	}
	if r.Header.Get("Cache-Control") != "no-store" || r.Header.Get("Content-Type") != "text/csv; charset=utf-8" ||
		!strings.Contains(r.Header.Get("Content-Disposition"), "helseinnsyn-person-"+strconv.FormatInt(amina, 10)+".csv") {
		t.Errorf("headers %v", r.Header)
	}
	if !strings.HasPrefix(r.Body, "\uFEFFTidspunkt (norsk tid);Bruker;Rolle;Hva;Formål;Referanse\r\n") {
		t.Errorf("csv head %q", r.Body[:min(100, len(r.Body))])
	}
	lines := strings.Split(strings.TrimSuffix(r.Body, "\r\n"), "\r\n")
	// The export, the page read, the 2 worklist reads.
	if len(lines) != 5 || !strings.Contains(lines[1], "Eksporterte innsynsoversikten") || !strings.Contains(lines[2], "Leste innsynsoversikten") {
		t.Errorf("csv lines %q", lines)
	}
	if strings.Contains(strings.ReplaceAll(r.Body, "\r\n", ""), "\n") {
		t.Error("a bare LF in the CSV")
	}
	if !strings.Contains(r.Body, `;"'=HYPERLINK(""http://x"")";`) {
		t.Errorf("the formula in a user name was not defused: %q", r.Body)
	}
	var exports int
	app.DB.Pool.QueryRow(ctx, `SELECT count(*) FROM audit_events WHERE person_id = $1 AND entity = 'health_access' AND action = 'export_audit'`, amina).Scan(&exports)
	if exports != 1 {
		t.Errorf("export audited %d times", exports)
	}
}
