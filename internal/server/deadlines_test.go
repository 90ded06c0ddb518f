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
	"time"

	"ankomst/internal/domain"
)

// dlApp is a test app whose today is 15 June 2026, with users in unit Øst
// (Kari and Ola, caseworkers; a leader, health and housing) and unit Vest.
type dlApp struct {
	*testApp
	kari, ola, leader, health, housing, per *domain.User
}

func newDlApp(t *testing.T) *dlApp {
	t.Helper()
	app := newTestApp(t)
	now := time.Date(2026, 6, 15, 10, 0, 0, 0, time.UTC)
	app.DB.Now = func() time.Time { return now }
	a := &dlApp{testApp: app}
	a.kari = app.user("kari@k.no", domain.RoleCaseworker, "Øst")
	a.ola = app.user("ola@k.no", domain.RoleCaseworker, "Øst")
	a.leader = app.user("leder@k.no", domain.RoleLeader, "Øst")
	a.health = app.user("helse@k.no", domain.RoleHealth, "Øst")
	a.housing = app.user("bolig@k.no", domain.RoleHousing, "Øst")
	a.per = app.user("per@k.no", domain.RoleCaseworker, "Vest")
	return a
}

func (a *dlApp) as(u *domain.User) *client {
	c := a.client()
	c.login(u.Email)
	return c
}

// dlPerson registers a person through the form, assigned to cw (nil: nobody).
func dlPerson(t *testing.T, c *client, i int, given string, cw *domain.User, arrival, settlement string) (string, int64) {
	t.Helper()
	f := validPersonForm(nid(i))
	f.Set("given_name", given)
	f.Set("arrival_date", arrival)
	f.Set("settlement_date", settlement)
	if cw != nil {
		f.Set("caseworker_id", strconv.FormatInt(cw.ID, 10))
	}
	path := createPerson(t, c, f)
	id, _ := strconv.ParseInt(strings.TrimPrefix(path, "/persons/"), 10, 64)
	return path, id
}

var dlRowRe = regexp.MustCompile(`(?s)<tr data-testid="deadline-row">(.*?)</tr>`)
var tagsRe = regexp.MustCompile(`<[^>]+>`)

// dlRows is the text of each row of the Frister table.
func dlRows(body string) []string {
	var out []string
	for _, m := range dlRowRe.FindAllStringSubmatch(body, -1) {
		out = append(out, strings.Join(strings.Fields(html.UnescapeString(tagsRe.ReplaceAllString(m[1], " "))), " "))
	}
	return out
}

func hrefOf(body, testID string) string {
	m := regexp.MustCompile(`href="([^"]*)"[^>]*data-testid="` + testID + `"`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return html.UnescapeString(m[1])
}

func healthAudits(t *testing.T, a *dlApp, userID int64) int {
	t.Helper()
	var n int
	a.DB.Pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_events WHERE entity = 'health_deadlines' AND action = 'view' AND user_id = $1`, userID).Scan(&n)
	return n
}

func TestDeadlinesPage(t *testing.T) {
	a := newDlApp(t)
	kari := a.as(a.kari)
	// Kari's Amina: settled 10 March (NIR 10 May and offer 10 June, both
	// overdue on 15 June). Kari's Zoë: settled 31 May (NIR 31 July, offer
	// 31 August). Ola's Yonas: settled 1 June (NIR 1 August, offer 1 September).
	dlPerson(t, kari, 1, "Amina", a.kari, "2026-03-01", "2026-03-10")
	dlPerson(t, kari, 2, "Zoë", a.kari, "2026-05-20", "2026-05-31")
	dlPerson(t, kari, 3, "Yonas", a.ola, "2026-05-25", "2026-06-01")

	r := kari.get("/deadlines")
	if r.Status != 200 {
		t.Fatalf("GET /deadlines: %d", r.Status)
	}
	rows := dlRows(r.Body)
	want := []string{
		"10.05.2026 Forfalt NIR: registrer bosetting Amina Haidari · Lovpålagt frist Test caseworker",
		"10.06.2026 Forfalt Tilbud om introduksjonsprogram Amina Haidari · Lovpålagt frist Test caseworker",
		"31.07.2026 NIR: registrer bosetting Zoë Haidari · Lovpålagt frist Test caseworker",
		"31.08.2026 Tilbud om introduksjonsprogram Zoë Haidari · Lovpålagt frist Test caseworker",
	}
	if strings.Join(rows, "\n") != strings.Join(want, "\n") {
		t.Errorf("Kari's own deadlines:\n%s\nwant:\n%s", strings.Join(rows, "\n"), strings.Join(want, "\n"))
	}
	if !strings.Contains(r.Body, `data-testid="filter-mine" aria-current="page"`) || !strings.Contains(r.Body, `aria-sort="ascending"`) {
		t.Error("the default view is not Kari's own, ascending")
	}
	if strings.Contains(r.Body, "TB-undersøkelse") || strings.Contains(r.Body, "Helsekartlegging") {
		t.Error("a caseworker sees health deadlines")
	}
	// The unit's view has Ola's person too; descending keeps the overdue first.
	r = kari.get("/deadlines?view=all&dir=desc")
	rows = dlRows(r.Body)
	if len(rows) != 6 || !strings.HasPrefix(rows[0], "10.06.2026 Forfalt") || !strings.HasPrefix(rows[1], "10.05.2026 Forfalt") || !strings.HasPrefix(rows[2], "01.09.2026") {
		t.Errorf("unit, descending: %q", rows)
	}
	if !strings.Contains(r.Body, `aria-sort="descending"`) || !strings.Contains(r.Body, `data-testid="filter-all" aria-current="page"`) {
		t.Error("descending unit view not marked")
	}
	// Kind filter; a health kind is ignored for a caseworker.
	if rows := dlRows(kari.get("/deadlines?view=all&kind=nir_settlement").Body); len(rows) != 3 {
		t.Errorf("NIR filter: %q", rows)
	}
	if rows := dlRows(kari.get("/deadlines?view=all&kind=tb_screening").Body); len(rows) != 6 {
		t.Errorf("a caseworker's TB filter: %q, want the unfiltered list", rows)
	}
	r = kari.get("/deadlines?kind=task")
	if len(dlRows(r.Body)) != 0 || !strings.Contains(r.Body, `data-testid="empty-state"`) {
		t.Error("no tasks: no empty state")
	}
	// Bad cursors and parameters are ignored, not errors.
	for _, q := range []string{"?after=junk", "?before=2026-13-01.d1", "?view=x&dir=y&kind=%3Cscript%3E"} {
		if r := kari.get("/deadlines" + q); r.Status != 200 || len(dlRows(r.Body)) != 4 {
			t.Errorf("GET /deadlines%s: %d, %d rows", q, r.Status, len(dlRows(r.Body)))
		}
	}

	// Other roles and units.
	if rows := dlRows(a.as(a.per).get("/deadlines?view=all").Body); len(rows) != 0 {
		t.Errorf("unit Vest sees %q", rows)
	}
	r = a.as(a.housing).get("/deadlines")
	if rows := dlRows(r.Body); len(rows) != 6 || strings.Contains(r.Body, `data-testid="filter-mine"`) {
		t.Errorf("housing: %d rows, tabs shown: %v", len(rows), strings.Contains(r.Body, "filter-mine"))
	}
	if rows := dlRows(a.as(a.leader).get("/deadlines").Body); len(rows) != 6 {
		t.Errorf("leader (default: the unit): %d rows", len(rows))
	}
	before := healthAudits(t, a, a.health.ID)
	r = a.as(a.health).get("/deadlines")
	rows = dlRows(r.Body)
	if len(rows) != 12 || !strings.Contains(r.Body, "TB-undersøkelse") || !strings.Contains(r.Body, `data-testid="health-note"`) {
		t.Errorf("health: %d rows %q", len(rows), rows)
	}
	if n := healthAudits(t, a, a.health.ID) - before; n != 3 {
		t.Errorf("health list wrote %d audit rows, want one per person (3)", n)
	}
	if rows := dlRows(a.as(a.health).get("/deadlines?kind=tb_screening").Body); len(rows) != 3 {
		t.Errorf("health TB filter: %q", rows)
	}
}

func TestDeadlinesPagePaging(t *testing.T) {
	a := newDlApp(t)
	ctx := context.Background()
	s := a.kari.Scope()
	// 27 persons: 54 deadlines, 50 a page.
	for i := range 27 {
		settled := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i*5)
		nidS := nid(100 + i)
		_, err := a.DB.CreatePerson(ctx, s, domain.PersonInput{GivenName: "P" + strconv.Itoa(i), FamilyName: "Test",
			BirthDate: time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC), Sex: "male", NationalID: &nidS, CountryOfOrigin: "SY",
			Languages: []string{}, ResidenceBasis: domain.BasisReception, SettlementDate: &settled, CaseworkerID: &a.kari.ID})
		if err != nil {
			t.Fatal(err)
		}
	}
	c := a.as(a.kari)
	r := c.get("/deadlines")
	first := dlRows(r.Body)
	next := hrefOf(r.Body, "next-page")
	if len(first) != 50 || next == "" || hrefOf(r.Body, "prev-page") != "" {
		t.Fatalf("first page: %d rows, next %q", len(first), next)
	}
	if strings.Contains(next, "Test") || !strings.Contains(next, "after=") {
		t.Errorf("next link %q", next)
	}
	r = c.get(next)
	second := dlRows(r.Body)
	prev := hrefOf(r.Body, "prev-page")
	if len(second) != 4 || hrefOf(r.Body, "next-page") != "" || prev == "" {
		t.Fatalf("second page: %d rows, prev %q", len(second), prev)
	}
	if second[0] == first[49] {
		t.Error("a row on both pages")
	}
	if back := dlRows(c.get(prev).Body); strings.Join(back, "\n") != strings.Join(first, "\n") {
		t.Errorf("previous page differs from the first: %d rows", len(back))
	}
}

// sectionRow returns the person page's row of a deadline or task.
func sectionRow(body, testID string) string {
	m := regexp.MustCompile(`(?s)<li data-testid="` + testID + `"[^>]*>(.*?)</li>`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return strings.Join(strings.Fields(html.UnescapeString(tagsRe.ReplaceAllString(m[1], " "))), " ")
}

func TestPersonPageDeadlineSection(t *testing.T) {
	a := newDlApp(t)
	kari := a.as(a.kari)
	path, id := dlPerson(t, kari, 1, "Amina", a.kari, "2026-06-01", "2026-06-05")
	r := kari.get(path)
	if !strings.Contains(r.Body, `data-testid="deadline-section"`) || !strings.Contains(r.Body, `data-testid="new-task"`) {
		t.Fatal("no deadline section with a new-task button")
	}
	if row := sectionRow(r.Body, "deadline-programme_offer"); !strings.Contains(row, "Tilbud om introduksjonsprogram") ||
		!strings.Contains(row, "05.09.2026") || !strings.Contains(row, "Frist 05.09.2026") || !strings.Contains(row, "Marker utført") {
		t.Errorf("programme offer row %q", row)
	}
	if strings.Contains(r.Body, "deadline-tb_screening") || strings.Contains(r.Body, "TB-undersøkelse") {
		t.Error("the caseworker sees the TB deadline")
	}
	before := healthAudits(t, a, a.health.ID)
	r = a.as(a.health).get(path)
	row := sectionRow(r.Body, "deadline-tb_screening")
	if !strings.Contains(row, "15.06.2026") || !strings.Contains(row, "Frist 15.06.2026") || !strings.Contains(row, "Marker utført") {
		t.Errorf("health sees TB row %q (due today: still open)", row)
	}
	if strings.Contains(sectionRow(r.Body, "deadline-programme_offer"), "Marker utført") || strings.Contains(r.Body, `data-testid="new-task"`) {
		t.Error("health may change non-health items")
	}
	// (The timeline section reads them too, and is audited on its own.)
	if healthAudits(t, a, a.health.ID)-before < 1 {
		t.Error("the health role's read of the person page was not audited")
	}
	var pid int64
	a.DB.Pool.QueryRow(context.Background(), `SELECT person_id FROM audit_events WHERE entity = 'health_deadlines' ORDER BY id DESC LIMIT 1`).Scan(&pid)
	if pid != id {
		t.Errorf("health audit names person %d, want %d", pid, id)
	}
	r = a.as(a.housing).get(path)
	if strings.Contains(r.Body, "TB-undersøkelse") || strings.Contains(r.Body, "Marker utført") || strings.Contains(r.Body, "new-task") {
		t.Error("housing sees health items or actions")
	}
	// A person without dates: the empty state says why.
	p2, _ := dlPerson(t, kari, 2, "Zoë", a.kari, "", "")
	if r := kari.get(p2); !strings.Contains(r.Body, `data-testid="deadlines-empty"`) || !strings.Contains(r.Body, "ankomstdato eller bosettingsdato") {
		t.Error("no empty state for a person without dates")
	}
	// Changing the settlement date moves the deadlines.
	f := validPersonForm(nid(1))
	f.Set("given_name", "Amina")
	f.Set("arrival_date", "2026-01-20")
	f.Set("settlement_date", "2026-01-31")
	f.Set("caseworker_id", strconv.FormatInt(a.kari.ID, 10))
	f.Set("version", "1")
	if r := kari.post(path, f); r.Status != http.StatusSeeOther {
		t.Fatalf("edit person: %d", r.Status)
	}
	if row := sectionRow(kari.get(path).Body, "deadline-programme_offer"); !strings.Contains(row, "30.04.2026") || !strings.Contains(row, "Forfalt") {
		t.Errorf("after moving the settlement to 31 January: %q", row)
	}
}

var formKeyRe = regexp.MustCompile(`name="form_key" value="([0-9a-f]{32})"`)

func taskForm(title, due string, assignee *domain.User) url.Values {
	return url.Values{"title": {title}, "due_date": {due}, "assignee_id": {strconv.FormatInt(assignee.ID, 10)}}
}

func TestTaskHandlers(t *testing.T) {
	a := newDlApp(t)
	kari := a.as(a.kari)
	path, id := dlPerson(t, kari, 1, "Amina", a.kari, "2026-06-01", "2026-06-05")

	r := kari.get(path + "/tasks/new")
	if r.Status != 200 || !strings.Contains(r.Body, "Amina Haidari") {
		t.Fatalf("new task form: %d", r.Status)
	}
	for _, who := range []*domain.User{a.kari, a.ola, a.leader} {
		if !strings.Contains(r.Body, `<option value="`+strconv.FormatInt(who.ID, 10)+`"`) {
			t.Errorf("picker lacks %s", who.Email)
		}
	}
	for _, who := range []*domain.User{a.health, a.housing, a.per} {
		if strings.Contains(r.Body, `<option value="`+strconv.FormatInt(who.ID, 10)+`"`) {
			t.Errorf("picker offers %s", who.Email)
		}
	}
	if !strings.Contains(r.Body, `<option value="`+strconv.FormatInt(a.kari.ID, 10)+`" selected`) {
		t.Error("the caseworker is not the default assignee")
	}
	key := formKeyRe.FindStringSubmatch(r.Body)
	if key == nil {
		t.Fatal("no form key")
	}

	// Bad input: 422, messages, input kept.
	bad := url.Values{"title": {"  "}, "due_date": {"31.02.2026"}, "assignee_id": {strconv.FormatInt(a.per.ID, 10)}, "form_key": {key[1]}}
	r = kari.post(path+"/tasks/new", bad)
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `data-testid="error-summary"`) ||
		!strings.Contains(r.Body, "Tittel må fylles ut") || !strings.Contains(r.Body, `value="31.02.2026"`) {
		t.Errorf("bad task: %d", r.Status)
	}
	// An assignee of another unit passes the form but not the store.
	f := taskForm("Søk bostøtte <b>nå</b>", "2026-06-20", a.per)
	f.Set("form_key", key[1])
	r = kari.post(path+"/tasks/new", f)
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Velg en programrådgiver eller leder i enheten") {
		t.Errorf("assignee in another unit: %d", r.Status)
	}
	if !strings.Contains(r.Body, `value="Søk bostøtte &lt;b&gt;nå&lt;/b&gt;"`) {
		t.Error("title not kept (escaped) after a refusal")
	}
	// A good one, submitted twice: one task.
	f = taskForm("Søk bostøtte <b>nå</b>", "2026-06-10", a.ola)
	f.Set("form_key", key[1])
	for range 2 {
		if r := kari.post(path+"/tasks/new", f); r.Status != http.StatusSeeOther || r.Location != path+"#frister" {
			t.Fatalf("create task: %d %s %s", r.Status, r.Location, r.Body)
		}
	}
	var n int
	var tid int64
	a.DB.Pool.QueryRow(context.Background(), `SELECT count(*), max(id) FROM tasks WHERE person_id = $1`, id).Scan(&n, &tid)
	if n != 1 {
		t.Errorf("double submit made %d tasks", n)
	}
	tpath := path + "/tasks/" + strconv.FormatInt(tid, 10)
	r = kari.get(path)
	row := sectionRow(r.Body, "task-"+strconv.FormatInt(tid, 10))
	if !strings.Contains(row, "Søk bostøtte <b>nå</b>") || !strings.Contains(row, "Forfalt") || !strings.Contains(row, "Ansvarlig: Test caseworker") {
		t.Errorf("task row %q", row)
	}
	if strings.Contains(r.Body, "<b>nå</b>") {
		t.Error("task title not escaped")
	}
	if !strings.Contains(r.Body, "Oppgaven er lagret") {
		t.Error("no flash")
	}
	// It is on Ola's Frister page (assigned to him), and on Kari's (her person).
	if rows := dlRows(a.as(a.ola).get("/deadlines").Body); len(rows) != 1 || !strings.Contains(rows[0], "Søk bostøtte") {
		t.Errorf("Ola's list %q", rows)
	}
	if rows := dlRows(kari.get("/deadlines?kind=task").Body); len(rows) != 1 || !strings.Contains(rows[0], "Forfalt") {
		t.Errorf("Kari's task list %q", rows)
	}

	// Edit: the form is filled; a stale version answers 409 with both.
	r = kari.get(tpath + "/edit")
	if r.Status != 200 || !strings.Contains(r.Body, `value="2026-06-10"`) || !strings.Contains(r.Body, `name="version" value="1"`) {
		t.Fatalf("edit form: %d", r.Status)
	}
	e := taskForm("Søk bostøtte", "2026-06-30", a.kari)
	e.Set("version", "1")
	if r := a.as(a.leader).post(tpath+"/edit", e); r.Status != http.StatusSeeOther {
		t.Fatalf("edit: %d %s", r.Status, r.Body)
	}
	e.Set("title", "Mitt forslag")
	r = kari.post(tpath+"/edit", e)
	if r.Status != http.StatusConflict || !strings.Contains(r.Body, `data-testid="conflict"`) ||
		!strings.Contains(r.Body, "30.06.2026") || !strings.Contains(r.Body, `value="Mitt forslag"`) || !strings.Contains(r.Body, `name="version" value="2"`) {
		t.Errorf("stale edit: %d", r.Status)
	}
	e.Del("version")
	if r := kari.post(tpath+"/edit", e); r.Status != http.StatusUnprocessableEntity {
		t.Errorf("edit without version: %d", r.Status)
	}

	// Done, double done, stale undo (409 with both), undo.
	done := url.Values{"version": {"2"}, "done_on": {"2026-06-15"}}
	for range 2 {
		if r := kari.post(tpath+"/done", done); r.Status != http.StatusSeeOther {
			t.Fatalf("done: %d %s", r.Status, r.Body)
		}
	}
	if row := sectionRow(kari.get(path).Body, "task-"+strconv.FormatInt(tid, 10)); !strings.Contains(row, "Utført 15.06.2026") || !strings.Contains(row, "Angre utført") {
		t.Errorf("done task row %q", row)
	}
	if rows := dlRows(kari.get("/deadlines?kind=task").Body); len(rows) != 0 {
		t.Errorf("a done task is listed: %q", rows)
	}
	r = kari.post(tpath+"/done", url.Values{"version": {"2"}, "undo": {"1"}})
	if r.Status != http.StatusConflict || !strings.Contains(r.Body, `data-testid="stored"`) || !strings.Contains(r.Body, "Utført 15.06.2026") || !strings.Contains(r.Body, "Angre utført") {
		t.Errorf("stale undo: %d", r.Status)
	}
	if r := kari.post(tpath+"/done", url.Values{"version": {"3"}, "undo": {"1"}}); r.Status != http.StatusSeeOther {
		t.Errorf("undo: %d", r.Status)
	}
	for _, form := range []url.Values{{"done_on": {"2026-06-15"}}, {"version": {"x"}}, {"version": {"4"}, "done_on": {"2026-06-16"}}} {
		if r := kari.post(tpath+"/done", form); r.Status != http.StatusUnprocessableEntity {
			t.Errorf("done with %v: %d, want 422", form, r.Status)
		}
	}
	var audits int
	a.DB.Pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_events WHERE entity = 'task' AND entity_id = $1`, tid).Scan(&audits)
	if audits != 4 { // create, edit, done, undo
		t.Errorf("%d task audit rows, want 4", audits)
	}

	// Roles and units.
	for _, u := range []*domain.User{a.health, a.housing} {
		c := a.as(u)
		for _, req := range []func() response{
			func() response { return c.get(path + "/tasks/new") },
			func() response { return c.post(path+"/tasks/new", taskForm("x", "2026-07-01", a.kari)) },
			func() response { return c.get(tpath + "/edit") },
			func() response { return c.post(tpath+"/edit", e) },
			func() response { return c.post(tpath+"/done", done) },
		} {
			if r := req(); r.Status != http.StatusForbidden {
				t.Errorf("%s: %d, want 403", u.Email, r.Status)
			}
		}
	}
	per := a.as(a.per)
	for _, r := range []response{
		per.get(path + "/tasks/new"), per.post(path+"/tasks/new", taskForm("x", "2026-07-01", a.per)),
		per.get(tpath + "/edit"), per.post(tpath+"/done", url.Values{"version": {"4"}}),
		kari.get("/persons/999999/tasks/new"), kari.get(path + "/tasks/999999/edit"), kari.get(path + "/tasks/abc/edit"),
	} {
		if r.Status != http.StatusNotFound {
			t.Errorf("out of scope or missing: %d, want 404", r.Status)
		}
	}
	// A task reached through another person's URL is not found.
	other, _ := dlPerson(t, kari, 2, "Zoë", a.kari, "", "")
	if r := kari.get(other + "/tasks/" + strconv.FormatInt(tid, 10) + "/edit"); r.Status != http.StatusNotFound {
		t.Errorf("task through another person: %d", r.Status)
	}
}

func TestDeadlineDoneHandlers(t *testing.T) {
	a := newDlApp(t)
	kari := a.as(a.kari)
	path, _ := dlPerson(t, kari, 1, "Amina", a.kari, "2026-03-01", "2026-03-10")
	po := path + "/deadlines/programme_offer/done"

	if href := hrefOf(kari.get(path).Body, "mark-deadline"); href == "" {
		t.Fatal("no mark-deadline link")
	}
	r := kari.get(po)
	if r.Status != 200 || !strings.Contains(r.Body, `name="done_on"`) || !strings.Contains(r.Body, `value="2026-06-15"`) || !strings.Contains(r.Body, "Forfalt") {
		t.Fatalf("done page: %d", r.Status)
	}
	for _, bad := range []string{"2026-06-16", "", "31.06.2026"} {
		r := kari.post(po, url.Values{"version": {"1"}, "done_on": {bad}})
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `data-testid="error-summary"`) || !strings.Contains(r.Body, `value="`+bad+`"`) {
			t.Errorf("done on %q: %d", bad, r.Status)
		}
	}
	if r := kari.post(po, url.Values{"version": {"1"}, "done_on": {"2026-06-01"}}); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, path) {
		t.Fatalf("mark done: %d", r.Status)
	}
	r = kari.get(path)
	if row := sectionRow(r.Body, "deadline-programme_offer"); !strings.Contains(row, "Utført 01.06.2026") || !strings.Contains(row, "Angre utført") {
		t.Errorf("row after done %q", row)
	}
	if !strings.Contains(r.Body, "er markert som utført") {
		t.Error("no flash")
	}
	// The done page now offers undo (the confirmation step).
	r = kari.get(po)
	if !strings.Contains(r.Body, `data-testid="undo-deadline"`) || !strings.Contains(r.Body, "Test caseworker") {
		t.Error("done page of a done deadline offers no undo")
	}
	// Stale: 409 with the stored state and what the user tried.
	r = a.as(a.ola).post(po, url.Values{"version": {"1"}, "undo": {"1"}})
	if r.Status != http.StatusConflict || !strings.Contains(r.Body, `data-testid="conflict"`) || !strings.Contains(r.Body, "Utført 01.06.2026") || !strings.Contains(r.Body, `name="version" value="2"`) {
		t.Errorf("stale undo: %d", r.Status)
	}
	if r := a.as(a.ola).post(po, url.Values{"version": {"2"}, "undo": {"1"}}); r.Status != http.StatusSeeOther {
		t.Errorf("undo: %d", r.Status)
	}
	// Done lists: an undone deadline is listed again.
	if rows := dlRows(kari.get("/deadlines?kind=programme_offer").Body); len(rows) != 1 {
		t.Errorf("after undo: %q", rows)
	}

	// Health deadlines: not found for other roles, open to the health role.
	tb := path + "/deadlines/tb_screening/done"
	for _, u := range []*domain.User{a.kari, a.leader, a.housing} {
		c := a.as(u)
		if r := c.get(tb); r.Status != http.StatusNotFound {
			t.Errorf("%s GET TB done page: %d, want 404", u.Email, r.Status)
		}
		if r := c.post(tb, url.Values{"version": {"1"}, "done_on": {"2026-06-01"}}); r.Status != http.StatusNotFound {
			t.Errorf("%s POST TB done: %d, want 404", u.Email, r.Status)
		}
	}
	h := a.as(a.health)
	before := healthAudits(t, a, a.health.ID)
	if r := h.get(tb); r.Status != 200 || !strings.Contains(r.Body, "TB-undersøkelse") {
		t.Errorf("health GET TB: %d", r.Status)
	}
	if healthAudits(t, a, a.health.ID) != before+1 {
		t.Error("the health role's read of the TB page was not audited")
	}
	if r := h.post(tb, url.Values{"version": {"1"}, "done_on": {"2026-03-12"}}); r.Status != http.StatusSeeOther {
		t.Errorf("health marks TB: %d", r.Status)
	}
	for _, c := range []struct {
		u    *domain.User
		path string
		want int
	}{
		{a.health, po, http.StatusForbidden},
		{a.housing, po, http.StatusForbidden},
		{a.per, po, http.StatusNotFound},
		{a.kari, path + "/deadlines/nonsense/done", http.StatusNotFound},
		{a.kari, "/persons/999999/deadlines/programme_offer/done", http.StatusNotFound},
		{a.kari, "/persons/abc/deadlines/programme_offer/done", http.StatusNotFound},
	} {
		cl := a.as(c.u)
		if r := cl.get(c.path); r.Status != c.want {
			t.Errorf("%s GET %s: %d, want %d", c.u.Email, c.path, r.Status, c.want)
		}
		if r := cl.post(c.path, url.Values{"version": {"1"}, "done_on": {"2026-06-01"}}); r.Status != c.want {
			t.Errorf("%s POST %s: %d, want %d", c.u.Email, c.path, r.Status, c.want)
		}
	}
	// A cross-origin POST is refused before anything happens.
	req, _ := http.NewRequest(http.MethodPost, a.TS.URL+po, strings.NewReader("version=3&undo=1"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if r := kari.do(req); r.Status != http.StatusForbidden {
		t.Errorf("cross-origin POST: %d", r.Status)
	}
}

// TestBrowserDeadlines drives the deadline pages in Chromium: axe on every
// page at desktop and phone size (and screenshots with ANKOMST_SCREENSHOTS).
func TestBrowserDeadlines(t *testing.T) {
	a := newDlApp(t)
	b := newBrowser(t, a.testApp)
	kari := a.as(a.kari)
	path, _ := dlPerson(t, kari, 1, "Amina", a.kari, "2026-03-01", "2026-03-10")
	dlPerson(t, kari, 2, "Zoë", a.kari, "2026-05-20", "2026-05-31")
	dlPerson(t, kari, 3, "Yonas", a.ola, "2026-05-25", "2026-06-01")
	if r := kari.post(path+"/tasks/new", taskForm("Følg opp søknad om bostøtte hos Husbanken", "2026-06-20", a.kari)); r.Status != http.StatusSeeOther {
		t.Fatalf("seed task: %d", r.Status)
	}

	b.login("kari@k.no", testPassword)
	b.open("/deadlines")
	b.waitVisible(`[data-testid="deadline-table"]`)
	if n := eval[int](b, "rows", `document.querySelectorAll('[data-testid="deadline-row"]').length`); n != 5 {
		t.Errorf("Kari's Frister: %d rows, want 5", n)
	}
	b.checkPage("deadlines")
	b.submit(`[data-testid="sort-due"]`)
	b.waitVisible(`th[aria-sort="descending"]`)
	b.submit(`[data-testid="filter-all"]`)
	b.waitVisible(`[data-testid="filter-all"][aria-current="page"]`)
	b.setValue("#kind", "nir_settlement")
	b.submit(`[data-testid="filter-submit"]`)
	b.waitVisible(`[data-testid="deadline-table"]`)
	if n := eval[int](b, "rows", `document.querySelectorAll('[data-testid="deadline-row"]').length`); n != 3 {
		t.Errorf("NIR in the unit: %d rows, want 3", n)
	}
	b.checkPage("deadlines-filtered")
	b.setValue("#kind", "")
	b.submit(`[data-testid="filter-submit"]`)
	b.waitVisible(`[data-testid="deadline-table"]`)
	if n := eval[int](b, "rows", `document.querySelectorAll('[data-testid="deadline-row"]').length`); n != 7 {
		t.Errorf("all kinds in the unit: %d rows, want 7", n)
	}
	b.open("/deadlines?view=mine&kind=health_check")
	b.open("/deadlines?view=mine&kind=task&dir=desc")
	b.waitVisible(`[data-testid="deadline-table"]`)
	b.open("/deadlines?view=all&kind=nir_settlement&after=2099-01-01.d1")
	b.waitVisible(`[data-testid="empty-state"]`)
	b.checkPage("deadlines-empty")

	// The person page's section, the task form with errors, a new task.
	b.open(path)
	b.waitVisible(`[data-testid="deadline-section"]`)
	b.checkPage("person-deadlines")
	b.submit(`[data-testid="new-task"]`)
	b.waitVisible(`[data-testid="save-task"]`)
	b.checkPage("task-new")
	b.typeInto("#title", "")
	if st := b.submit(`[data-testid="save-task"]`); st != http.StatusUnprocessableEntity {
		t.Fatalf("empty task: %d", st)
	}
	b.waitVisible(`[data-testid="error-summary"]`)
	b.checkPage("task-errors")
	b.typeInto("#title", "Bestill tolk til samtale om bosetting")
	b.setValue("#due_date", "2026-06-25")
	if st := b.submit(`[data-testid="save-task"]`); st != http.StatusOK {
		t.Fatalf("save task: %d", st)
	}
	b.waitVisible(`[data-testid="flash"]`)
	if got := b.text(`[data-testid="deadline-section"]`); !strings.Contains(got, "Bestill tolk") {
		t.Errorf("section after saving: %q", got)
	}

	// Edit a task that someone else changes meanwhile: 409 with both.
	b.submit(`[data-testid="edit-task"]`)
	b.waitVisible(`[data-testid="save-task"]`)
	b.checkPage("task-edit")
	var tid int64
	a.DB.Pool.QueryRow(context.Background(), `SELECT min(id) FROM tasks`).Scan(&tid)
	e := taskForm("Følg opp bostøtte", "2026-06-22", a.ola)
	e.Set("version", "1")
	if r := a.as(a.leader).post(path+"/tasks/"+strconv.FormatInt(tid, 10)+"/edit", e); r.Status != http.StatusSeeOther {
		t.Fatalf("concurrent edit: %d", r.Status)
	}
	b.typeInto("#title", "Min versjon")
	if st := b.submit(`[data-testid="save-task"]`); st != http.StatusConflict {
		t.Fatalf("stale task edit: %d", st)
	}
	b.waitVisible(`[data-testid="conflict"]`)
	b.checkPage("task-conflict")

	// Mark a task done while someone else did: the conflict page.
	b.open(path)
	b.waitVisible(`[data-testid="done-task"]`)
	if r := kari.post(path+"/tasks/"+strconv.FormatInt(tid, 10)+"/done", url.Values{"version": {"2"}, "done_on": {"2026-06-14"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("concurrent done: %d", r.Status)
	}
	if st := b.submit(`[data-testid="done-task"]`); st != http.StatusConflict {
		t.Fatalf("stale task done: %d", st)
	}
	b.waitVisible(`[data-testid="conflict"]`)
	b.checkPage("task-done-conflict")

	// Mark a computed deadline done: the date page, with an error, then done.
	b.open(path + "/deadlines/programme_offer/done")
	b.waitVisible(`[data-testid="save-done"]`)
	b.checkPage("deadline-done")
	b.setValue("#done_on", "2026-12-01")
	if st := b.submit(`[data-testid="save-done"]`); st != http.StatusUnprocessableEntity {
		t.Fatalf("future done date: %d", st)
	}
	b.waitVisible(`[data-testid="error-summary"]`)
	b.checkPage("deadline-done-error")
	b.setValue("#done_on", "2026-06-01")
	if st := b.submit(`[data-testid="save-done"]`); st != http.StatusOK {
		t.Fatalf("done: %d", st)
	}
	b.waitVisible(`[data-testid="flash"]`)
	b.open(path + "/deadlines/programme_offer/done")
	b.waitVisible(`[data-testid="undo-deadline"]`)
	b.checkPage("deadline-undo")
	// Ola undoes it and marks it done on another date meanwhile.
	ola := a.as(a.ola)
	if r := ola.post(path+"/deadlines/programme_offer/done", url.Values{"version": {"2"}, "undo": {"1"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("concurrent undo: %d", r.Status)
	}
	if r := ola.post(path+"/deadlines/programme_offer/done", url.Values{"version": {"3"}, "done_on": {"2026-06-10"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("concurrent done: %d", r.Status)
	}
	if st := b.submit(`[data-testid="undo-deadline"]`); st != http.StatusConflict {
		t.Fatalf("stale undo: %d", st)
	}
	b.waitVisible(`[data-testid="conflict"]`)
	b.checkPage("deadline-conflict")

	// The health role: health deadlines on the list and the person page.
	b.submit(`[data-testid="logout"]`)
	b.login("helse@k.no", testPassword)
	b.open("/deadlines")
	b.waitVisible(`[data-testid="health-note"]`)
	b.checkPage("deadlines-health")
	b.open(path)
	b.waitVisible(`[data-testid="deadline-tb_screening"]`)
	b.checkPage("person-deadlines-health")
}

// The person page shows health deadlines in two sections (deadlines and
// timeline); a health worker opening it is one audited read, not two.
func TestPersonPageAuditsOneHealthRead(t *testing.T) {
	app := newTestApp(t)
	app.user("kari@kommune.no", domain.RoleCaseworker, "Øst")
	app.user("helse@kommune.no", domain.RoleHealth, "Øst")
	cw := app.client()
	cw.login("kari@kommune.no")
	f := validPersonForm(nid(42))
	f.Set("arrival_date", "2026-11-01")
	f.Set("settlement_date", "2026-11-10")
	path := createPerson(t, cw, f)
	h := app.client()
	h.login("helse@kommune.no")
	for i := 1; i <= 2; i++ {
		if r := h.get(path); r.Status != 200 || !strings.Contains(r.Body, "TB") {
			t.Fatalf("health person page: %d, TB deadline shown=%v", r.Status, strings.Contains(r.Body, "TB"))
		}
		var n int
		app.DB.Pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_events WHERE entity = 'health_deadlines'`).Scan(&n)
		if n != i {
			t.Errorf("after %d page views: %d health reads audited, want %d", i, n, i)
		}
	}
}
