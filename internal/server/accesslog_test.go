package server_test

import (
	"context"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"ankomst/internal/domain"
	"ankomst/internal/postgres"
)

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
