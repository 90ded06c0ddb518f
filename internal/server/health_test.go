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
)

// hlItemID is the id of a kind of item of the person's checklist.
func hlItemID(t *testing.T, app *testApp, personID int64, kind string) string {
	t.Helper()
	var id int64
	if err := app.DB.Pool.QueryRow(context.Background(), `SELECT id FROM health_items WHERE person_id = $1 AND kind = $2`, personID, kind).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return strconv.FormatInt(id, 10)
}

func hlAudits(t *testing.T, app *testApp, personID int64) int {
	t.Helper()
	var n int
	if err := app.DB.Pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_events WHERE person_id = $1 AND entity = 'health_items' AND action = 'view'`, personID).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestHealthChecklistThroughHTTP(t *testing.T) {
	app := newTestApp(t)
	app.DB.Now = func() time.Time { return time.Date(2026, 3, 20, 12, 0, 0, 0, time.UTC) }
	kari := app.user("kari@k.no", domain.RoleCaseworker, "Øst")
	app.user("helse@k.no", domain.RoleHealth, "Øst")
	app.user("bolig@k.no", domain.RoleHousing, "Øst")
	app.user("leder@k.no", domain.RoleLeader, "Øst")
	app.user("admin@k.no", domain.RoleAdmin, "Vest")
	vestUser := app.user("vest@k.no", domain.RoleCaseworker, "Vest")
	c := app.client()
	c.login("kari@k.no")
	path, id := clPerson(t, c, 1, "Amina", "Haidari", kari.ID) // AF, born 1990-04-12, arrival 2026-03-01
	tb := hlItemID(t, app, id, domain.HealthTB)
	itemPath := path + "/health/items/" + tb

	// Every role but health: 403 on every route, and the person page shows
	// the summary line only (TB due 15.03, not started: late).
	for _, email := range []string{"kari@k.no", "bolig@k.no", "leder@k.no", "admin@k.no", "vest@k.no"} {
		o := app.client()
		o.login(email)
		for _, r := range []response{o.get(path + "/health"), o.post(path+"/health/purpose", url.Values{"purpose": {"follow_up"}}),
			o.post(itemPath, url.Values{"status": {"declined"}, "version": {"1"}})} {
			if r.Status != http.StatusForbidden {
				t.Errorf("%s: status %d", email, r.Status)
			}
		}
	}
	r := c.get(path)
	clMust(t, r, http.StatusOK, `data-testid="health-summary"`, "Helseoppfølging: forsinket")
	if strings.Contains(r.Body, "TB-undersøkelse") && strings.Contains(r.Body, `data-testid="health-link"`) {
		t.Error("a caseworker sees the checklist link")
	}
	if o := app.client(); true {
		o.login("bolig@k.no")
		if strings.Contains(o.get(path).Body, `data-testid="health-section"`) {
			t.Error("housing sees the health section")
		}
	}

	h := app.client()
	h.login("helse@k.no")
	r = h.get(path)
	clMust(t, r, http.StatusOK, `data-testid="health-link"`)
	if strings.Contains(r.Body, "Helseoppfølging: ") {
		t.Error("the health role's person page shows the summary line")
	}
	// Purpose required before items show; nothing is logged yet.
	r = h.get(path + "/health")
	clMust(t, r, http.StatusOK, `data-testid="health-purpose-form"`, "Timebestilling")
	if strings.Contains(r.Body, `data-testid="health-items"`) || hlAudits(t, app, id) != 0 {
		t.Fatal("items before the purpose")
	}
	// An item's POST without a purpose saves nothing.
	r = h.post(itemPath, url.Values{"status": {"declined"}, "version": {"1"}})
	if r.Status != http.StatusSeeOther || !strings.HasSuffix(r.Header.Get("Location"), path+"/health") {
		t.Errorf("post without purpose: %d %s", r.Status, r.Header.Get("Location"))
	}
	// Annet without text: 422, keeps the choice.
	r = h.post(path+"/health/purpose", url.Values{"purpose": {"other"}})
	clMust(t, r, http.StatusUnprocessableEntity, `data-testid="error-summary"`, "Beskriv formålet", `value="other" checked`)
	r = h.post(path+"/health/purpose", url.Values{"purpose": {"booking"}})
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != path+"/health" {
		t.Fatalf("purpose: %d %s", r.Status, r.Header.Get("Location"))
	}
	r = h.get(path + "/health")
	clMust(t, r, http.StatusOK, `data-testid="health-items"`, "Formål med innsynet: <strong>Timebestilling", "TB-undersøkelse",
		"Med røntgen", "15.03.2026", "Senest", "01.03.2027", "Ikke startet – forsinket", domain.HealthNoteWarning[:40])
	// Screen readers hear the warning with the note field.
	if !regexp.MustCompile(`id="logistics_note-(\d+)"[^>]*aria-describedby="note-warning-(\d+) logistics_note-\d+-desc"`).MatchString(r.Body) {
		t.Error("the logistics note is not described by its warning")
	}
	if n := hlAudits(t, app, id); n != 1 {
		t.Errorf("%d audit rows after one read", n)
	}
	h.get(path + "/health")
	if n := hlAudits(t, app, id); n != 2 {
		t.Errorf("%d audit rows after two reads", n)
	}

	// 422 keeps the input.
	r = h.post(itemPath, url.Values{"status": {"booked"}, "place": {"hospital"}, "interpreter_booked": {"true"}, "logistics_note": {"Taxi 08:30"}, "version": {"1"}})
	clMust(t, r, http.StatusUnprocessableEntity, "Timedato må fylles ut", `value="hospital" selected`, `value="Taxi 08:30"`, `value="booked" selected`,
		`href="#booked_on-`+tb+`"`, "<details class=\"health-edit\" open")
	// Booked.
	r = h.post(itemPath, url.Values{"status": {"booked"}, "booked_on": {"2026-03-24"}, "place": {"health_station"}, "interpreter_booked": {"true"},
		"logistics_note": {"Tolk dari bestilt"}, "version": {"1"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("booked: %d\n%.2000s", r.Status, r.Body)
	}
	r = h.get(path + "/health")
	clMust(t, r, http.StatusOK, "Lagret: TB-undersøkelse – Bestilt.", "24.03.2026", "Helsestasjon", "Tolk dari bestilt")
	// 409 on a stale version, with the stored version in the form.
	r = h.post(itemPath, url.Values{"status": {"done"}, "done_on": {"2026-03-19"}, "version": {"1"}})
	clMust(t, r, http.StatusConflict, `data-testid="conflict"`, "Lagret nå: Bestilt", `name="version" value="2"`, `value="2026-03-19"`)
	// Done: the deadline is met.
	r = h.post(itemPath, url.Values{"status": {"done"}, "done_on": {"2026-03-19"}, "booked_on": {"2026-03-19"}, "place": {"health_station"}, "version": {"2"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("done: %d\n%.2000s", r.Status, r.Body)
	}
	var done *time.Time
	if err := app.DB.Pool.QueryRow(context.Background(), `SELECT done_on FROM deadlines WHERE person_id = $1 AND kind = 'tb_screening'`, id).Scan(&done); err != nil || done == nil {
		t.Errorf("deadline not met: %v %v", done, err)
	}
	// The summary line follows (the other items are not yet due).
	r = c.get(path)
	clMust(t, r, http.StatusOK, "Helseoppfølging: pågår")
	if strings.Contains(r.Body, "Frist endret") || strings.Contains(r.Body, "Helse"+"punkt") || strings.Contains(r.Body, "Helsefrist") {
		t.Error("the caseworker's timeline shows a health change")
	}

	// Another unit's person: 404 for the health role.
	v := app.client()
	v.login("vest@k.no")
	vpath, vid := clPerson(t, v, 2, "Omar", "Vest", vestUser.ID)
	vItem := hlItemID(t, app, vid, domain.HealthCheck)
	for _, r := range []response{h.get(vpath + "/health"), h.post(vpath+"/health/purpose", url.Values{"purpose": {"follow_up"}}),
		h.post(vpath+"/health/items/"+vItem, url.Values{"status": {"declined"}, "version": {"1"}}),
		h.post(path+"/health/items/"+vItem, url.Values{"status": {"declined"}, "version": {"1"}})} {
		if r.Status != http.StatusNotFound {
			t.Errorf("other unit: %d", r.Status)
		}
	}
}
