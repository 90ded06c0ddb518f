package server_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

var employerPathRe = regexp.MustCompile(`^/employers/(\d+)$`)

// emCreate registers an employer through the form and returns its path and id.
func emCreate(t *testing.T, c *client, name, orgnr, sector string) (string, int64) {
	t.Helper()
	r := c.post("/employers", url.Values{"name": {name}, "orgnr": {orgnr}, "sector": {sector}, "address": {"Storgata 1"}})
	m := employerPathRe.FindStringSubmatch(r.Location)
	if r.Status != http.StatusSeeOther || m == nil {
		t.Fatalf("create employer: %d %q\n%.2000s", r.Status, r.Location, r.Body)
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	return r.Location, id
}

func TestEmployerPages(t *testing.T) {
	app := newTestApp(t)
	app.user("cw@ost.no", "caseworker", "Øst")
	app.user("cw@vest.no", "caseworker", "Vest")
	app.user("helse@ost.no", "health", "Øst")
	app.user("bolig@ost.no", "housing", "Øst")
	c := app.client()
	c.login("cw@ost.no")
	vest := app.client()
	vest.login("cw@vest.no")

	clMust(t, c.get("/persons"), http.StatusOK, `href="/employers"`, "Arbeidsgivere")
	clMust(t, c.get("/employers"), http.StatusOK, `data-testid="empty-state"`, "ingen arbeidsgivere i registeret", "Ny arbeidsgiver")
	clMust(t, c.get("/employers/new"), http.StatusOK, `name="orgnr"`, "Sykehjem", "Skole/SFO", "Park og anlegg")

	// Bad input: 422 keeps what was typed, with Norwegian messages.
	r := c.post("/employers", url.Values{"name": {"Solsiden sykehjem"}, "orgnr": {"974 760 674"}, "sector": {""}, "notes": {"Fast kontakt: Kari"}})
	clMust(t, r, http.StatusUnprocessableEntity, "kontrollsifferet stemmer ikke", "Velg bransje", `value="Solsiden sykehjem"`, `value="974 760 674"`,
		"Fast kontakt: Kari", `data-testid="error-summary"`)
	r = c.post("/employers", url.Values{"name": {""}, "orgnr": {"12345"}, "sector": {"bank"}})
	clMust(t, r, http.StatusUnprocessableEntity, "Skriv navnet på arbeidsgiveren", "må ha 9 siffer", "Ukjent bransje")

	// Typed with spaces, stored without.
	path, id := emCreate(t, c, "Solsiden sykehjem", "974 760 673", "nursing_home")
	clMust(t, c.get(path), http.StatusOK, "Arbeidsgiveren er registrert", `data-testid="employer-orgnr">974 760 673`, "Sykehjem",
		`data-testid="worksites-empty"`, `data-testid="contacts-empty"`)
	var stored string
	if err := app.DB.Pool.QueryRow(context.Background(), `SELECT orgnr FROM employers WHERE id = $1`, id).Scan(&stored); err != nil || stored != "974760673" {
		t.Errorf("stored orgnr %q %v", stored, err)
	}

	// A duplicate organisation number: 409 with a link to the existing employer, input kept.
	r = vest.post("/employers", url.Values{"name": {"Solsiden AS"}, "orgnr": {"974760673"}, "sector": {"other"}})
	clMust(t, r, http.StatusConflict, `data-testid="duplicate-link"`, `href="`+path+`"`, "allerede registrert", `value="Solsiden AS"`)

	// The register is shared: another unit sees and edits it.
	clMust(t, vest.get(path), http.StatusOK, "Solsiden sykehjem")
	clMust(t, vest.get("/employers?q=solsiden"), http.StatusOK, `data-testid="employer-row"`, "1 treff")
	clMust(t, c.get("/employers?q=974+760+673"), http.StatusOK, "Solsiden sykehjem")
	clMust(t, c.get("/employers?q=SOLSIDEN&sector=kitchen"), http.StatusOK, "Ingen arbeidsgivere passer søket", "0 treff")
	clMust(t, c.get("/employers?sector=nursing_home"), http.StatusOK, "Solsiden sykehjem")

	// A worksite: bad input keeps it; then saved.
	r = c.post(path+"/worksites", url.Values{"name": {"Kjøkkenet"}, "places": {"600"}, "languages": {"ar", "so"}, "area": {"Sentrum"}})
	clMust(t, r, http.StatusUnprocessableEntity, "mellom 0 og 500", `value="Kjøkkenet"`, `value="600"`, `value="Sentrum"`, `id="ws-lang-so" name="languages" value="so" checked`)
	r = c.post(path+"/worksites", url.Values{"name": {"Kjøkkenet"}, "places": {"3"}, "languages": {"ar", "so"}, "area": {"Sentrum"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("worksite: %d\n%.2000s", r.Status, r.Body)
	}
	var ws int64
	if err := app.DB.Pool.QueryRow(context.Background(), `SELECT id FROM worksites WHERE employer_id = $1`, id).Scan(&ws); err != nil {
		t.Fatal(err)
	}
	wsPath := "/worksites/" + strconv.FormatInt(ws, 10)
	clMust(t, c.get(path), http.StatusOK, `data-testid="worksite-row"`, "Arabisk, Somali", `href="`+wsPath+`"`)

	// A contact: a bad e-mail keeps the input; a supervisor at the worksite.
	r = c.post(path+"/contacts", url.Values{"name": {"Kari Veileder"}, "email": {"kari@"}, "phone": {"912 34 567"}, "supervisor": {"yes"}})
	clMust(t, r, http.StatusUnprocessableEntity, "E-postadressen ser ikke riktig ut", `value="kari@"`, `value="912 34 567"`, `id="ct-supervisor" name="supervisor" value="yes" checked`)
	r = c.post(path+"/contacts", url.Values{"name": {"Kari Veileder"}, "email": {"kari@solsiden.no"}, "phone": {"912 34 567"}, "supervisor": {"yes"},
		"worksite_id": {strconv.FormatInt(ws, 10)}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("contact: %d\n%.2000s", r.Status, r.Body)
	}
	clMust(t, c.get(path), http.StatusOK, "Veilederen Kari Veileder er lagt til", `data-testid="supervisor-tag"`, "mailto:kari@solsiden.no")
	var cid int64
	if err := app.DB.Pool.QueryRow(context.Background(), `SELECT id FROM employer_contacts WHERE employer_id = $1`, id).Scan(&cid); err != nil {
		t.Fatal(err)
	}
	cPath := path + "/contacts/" + strconv.FormatInt(cid, 10)
	// Edit the contact; a stale version is 409 with the stored values.
	r = c.post(cPath, url.Values{"action": {"save"}, "name": {"Kari Veileder"}, "phone": {"22 33 44 55"}, "email": {"kari@solsiden.no"}, "supervisor": {"yes"},
		"worksite_id": {strconv.FormatInt(ws, 10)}, "version": {"1"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("contact edit: %d\n%.2000s", r.Status, r.Body)
	}
	r = c.post(cPath, url.Values{"action": {"save"}, "name": {"Kari V."}, "phone": {"22 33 44 55"}, "version": {"1"}})
	clMust(t, r, http.StatusConflict, "Noen andre har endret kontaktpersonen", "telefon «22 33 44 55»", `value="Kari V."`)
	r = c.post(cPath, url.Values{"action": {"save"}, "name": {""}, "version": {"2"}})
	clMust(t, r, http.StatusUnprocessableEntity, "Skriv navnet på kontaktpersonen")
	// The worksite page lists its supervisor.
	clMust(t, c.get(wsPath), http.StatusOK, "Kjøkkenet", "Kari Veileder", `data-testid="worksite-places">3`, `data-testid="worksite-free">3`,
		`data-testid="current-empty"`, `data-testid="past-empty"`)

	// Edit the employer: a stale version is 409 showing the stored values; the input stays.
	edit := url.Values{"action": {"save"}, "name": {"Solsiden sykehjem og omsorg"}, "orgnr": {"974760673"}, "sector": {"nursing_home"}, "version": {"1"}}
	if r := c.post(path, edit); r.Status != http.StatusSeeOther {
		t.Fatalf("edit: %d\n%.2000s", r.Status, r.Body)
	}
	edit.Set("name", "Gammelt navn")
	clMust(t, c.post(path, edit), http.StatusConflict, "Lagret nå: «Solsiden sykehjem og omsorg»", `value="Gammelt navn"`, `name="version" value="2"`)
	edit.Set("name", "")
	edit.Set("version", "2")
	clMust(t, c.post(path, edit), http.StatusUnprocessableEntity, "Skriv navnet på arbeidsgiveren")
	// Changing the number to another employer's: 409 with a link.
	_, other := emCreate(t, c, "Bølgen kafé", "923609016", "kitchen")
	edit.Set("name", "Solsiden sykehjem og omsorg")
	edit.Set("orgnr", "923 609 016")
	clMust(t, c.post(path, edit), http.StatusConflict, `href="/employers/`+strconv.FormatInt(other, 10)+`"`, "Bølgen kafé")

	// Worksite edit: 422 keeps input, stale 409.
	wedit := url.Values{"action": {"save"}, "name": {"Kjøkkenet"}, "places": {"x"}, "version": {"1"}}
	clMust(t, c.post(wsPath, wedit), http.StatusUnprocessableEntity, "helt tall", `value="x"`)
	wedit.Set("places", "4")
	if r := c.post(wsPath, wedit); r.Status != http.StatusSeeOther {
		t.Fatalf("worksite edit: %d\n%.2000s", r.Status, r.Body)
	}
	wedit.Set("places", "5")
	rr := c.post(wsPath, wedit)
	clMust(t, rr, http.StatusConflict, "Lagret nå: «Kjøkkenet», 4 plasser", `value="5"`)

	// Deactivate the employer (with its version), then it takes no worksites.
	if r := c.post(path, url.Values{"action": {"deactivate"}, "version": {"2"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("deactivate: %d\n%.2000s", r.Status, r.Body)
	}
	clMust(t, c.get(path), http.StatusOK, "Arbeidsgiveren er deaktivert", `data-testid="inactive-tag"`, "Aktiver arbeidsgiveren igjen")
	clMust(t, c.post(path+"/worksites", url.Values{"name": {"Vaskeriet"}, "places": {"1"}}), http.StatusUnprocessableEntity, "ikke aktiv")
	clMust(t, c.get("/employers"), http.StatusOK, "Ikke aktiv")

	// Unknown ids: 404, also with a bad form.
	for _, rr := range []response{
		c.get("/employers/999999"), c.post("/employers/999999", url.Values{}), c.post("/employers/999999/worksites", url.Values{}),
		c.post("/employers/999999/contacts", url.Values{"name": {"X"}}), c.post(path+"/contacts/999999", url.Values{}),
		c.post("/employers/"+strconv.FormatInt(other, 10)+"/contacts/"+strconv.FormatInt(cid, 10), url.Values{"name": {"X"}, "version": {"1"}}),
		c.get("/worksites/999999"), c.post("/worksites/999999", url.Values{}), c.get("/employers/abc"),
	} {
		if rr.Status != http.StatusNotFound {
			t.Errorf("unknown id: status %d, want 404", rr.Status)
		}
	}
	// Roles without the programme: 403.
	for _, email := range []string{"helse@ost.no", "bolig@ost.no"} {
		o := app.client()
		o.login(email)
		for _, rr := range []response{o.get("/employers"), o.get("/employers/new"), o.get(path), o.get(wsPath),
			o.post("/employers", url.Values{"name": {"X"}, "orgnr": {"983887457"}, "sector": {"other"}}), o.post(path+"/contacts", url.Values{"name": {"X"}})} {
			if rr.Status != http.StatusForbidden {
				t.Errorf("%s: status %d, want 403", email, rr.Status)
			}
		}
		if strings.Contains(o.get("/persons").Body, `href="/employers"`) {
			t.Errorf("%s sees the menu entry", email)
		}
	}
}

// TestWorksitePageShowsParticipantsInScope: a worksite's participants are
// those of the user's unit; the places in use count every unit.
func TestWorksitePageShowsParticipantsInScope(t *testing.T) {
	app := newTestApp(t)
	app.user("cw@ost.no", "caseworker", "Øst")
	app.user("cw@vest.no", "caseworker", "Vest")
	app.user("admin@vest.no", "admin", "Vest")
	c := app.client()
	c.login("cw@ost.no")
	vest := app.client()
	vest.login("cw@vest.no")
	admin := app.client()
	admin.login("admin@vest.no")
	path, id := emCreate(t, c, "Solsiden sykehjem", "974760673", "nursing_home")
	if r := c.post(path+"/worksites", url.Values{"name": {"Kjøkkenet"}, "places": {"3"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("worksite: %d", r.Status)
	}
	ctx := context.Background()
	var ws int64
	if err := app.DB.Pool.QueryRow(ctx, `SELECT id FROM worksites WHERE employer_id = $1`, id).Scan(&ws); err != nil {
		t.Fatal(err)
	}
	_, kari := clPerson(t, c, 1, "Kari", "Nordmann", 0)
	_, ola := clPerson(t, vest, 2, "Ola", "Vestmann", 0)
	today := app.DB.Now().Format("2006-01-02")
	for _, p := range []struct {
		person int64
		status string
	}{{kari, "active"}, {ola, "active"}, {kari, "ended"}} {
		start, end := "2026-01-05", "2099-12-31"
		if p.status == "ended" {
			end = "2026-03-31"
		}
		if _, err := app.DB.Pool.Exec(ctx, `INSERT INTO placements (person_id, worksite_id, minutes_per_week, weekdays, start_date, planned_end, goal, status)
			VALUES ($1, $2, 600, '{1,2}', least($3::date, $5::date), $4::date, 'language', $6)`, p.person, ws, start, end, today, p.status); err != nil {
			t.Fatal(err)
		}
	}
	wsPath := "/worksites/" + strconv.FormatInt(ws, 10)
	page := c.get(wsPath)
	clMust(t, page, http.StatusOK, "Kari Nordmann", `data-testid="worksite-in-use">2`, `data-testid="worksite-free">1`, "Aktiv", "Avsluttet", "10 t",
		"Du ser deltakere i din enhet")
	if strings.Contains(page.Body, "Vestmann") {
		t.Error("unit Øst sees unit Vest's participant on the worksite page")
	}
	if n := strings.Count(page.Body, `data-testid="placement-row"`); n != 2 {
		t.Errorf("Øst sees %d placements, want 2", n)
	}
	vp := vest.get(wsPath)
	clMust(t, vp, http.StatusOK, "Ola Vestmann", `data-testid="worksite-in-use">2`)
	if strings.Contains(vp.Body, "Nordmann") {
		t.Error("unit Vest sees unit Øst's participant")
	}
	ap := admin.get(wsPath)
	clMust(t, ap, http.StatusOK, "Ola Vestmann", "Kari Nordmann")
	if strings.Contains(ap.Body, "Du ser deltakere i din enhet") {
		t.Error("the admin is told they see one unit")
	}
}
