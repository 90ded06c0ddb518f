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
)

// progApp is a test app on 15.03.2026 with Kari (caseworker, Øst), a health
// and a housing user of Øst and a caseworker of Vest, and Amina (born
// 12.04.1990, settled 10.03.2026) assigned to Kari.
func progApp(t *testing.T) (*testApp, *client, string, int64) {
	t.Helper()
	app := newTestApp(t)
	app.DB.Now = func() time.Time { return time.Date(2026, 3, 15, 12, 0, 0, 0, time.UTC) }
	kari := app.user("kari@k.no", domain.RoleCaseworker, "Øst")
	app.user("helse@k.no", domain.RoleHealth, "Øst")
	app.user("bolig@k.no", domain.RoleHousing, "Øst")
	app.user("vest@k.no", domain.RoleCaseworker, "Vest")
	c := app.client()
	c.login("kari@k.no")
	path, id := clPerson(t, c, 1, "Amina", "Haidari", kari.ID)
	return app, c, path, id
}

func TestProgrammeOverviewAndRuleSet(t *testing.T) {
	_, c, path, _ := progApp(t)
	prog := path + "/programme"
	r := c.get(prog)
	clMust(t, r, http.StatusOK, `data-testid="programme-heading"`, "Ikke vedtatt", "vedtaksdato for oppholdstillatelse mangler",
		`href="`+prog+`/plan"`, `href="`+prog+`/ruleset"`, `href="`+prog+`/decision"`)

	r = c.get(prog + "/ruleset")
	clMust(t, r, http.StatusOK, `name="person_version" value="1"`, `name="version" value="0"`, `max="2026-03-15"`)
	// Bad input keeps what was typed.
	r = c.post(prog+"/ruleset", url.Values{"permit_date": {"2026-03-16"}, "override": {"chapter_6a"}, "reason": {""}, "person_version": {"1"}, "version": {"0"}})
	clMust(t, r, http.StatusUnprocessableEntity, `href="#permit_date"`, `href="#reason"`, `value="2026-03-16"`, `value="chapter_6a" selected`)
	r = c.post(prog+"/ruleset", url.Values{"permit_date": {"2026-02-01"}, "person_version": {"1"}, "version": {"0"}})
	if r.Status != http.StatusSeeOther || r.Location != prog {
		t.Fatalf("save: %d %s\n%.2000s", r.Status, r.Location, r.Body)
	}
	r = c.get(prog)
	clMust(t, r, http.StatusOK, "Regelverket er lagret.", "Integreringsloven",
		"Amina har rett og plikt til introduksjonsprogram etter integreringsloven: Amina var 35 år da oppholdstillatelsen ble gitt 01.02.2026 (grensen er 18–60 år), og Amina har vært bosatt i kommunen i 5 dager (under 2 år) i dag.")
	// The person's version moved: the old form is stale (409 with the stored values and the new version).
	r = c.post(prog+"/ruleset", url.Values{"permit_date": {"2026-02-02"}, "person_version": {"1"}, "version": {"0"}})
	clMust(t, r, http.StatusConflict, `data-testid="conflict"`, `data-testid="stored-values"`, "01.02.2026", `name="person_version" value="2"`, `value="2026-02-02"`)
}

func TestProgrammeDecisionThroughHTTP(t *testing.T) {
	app, c, path, id := progApp(t)
	prog := path + "/programme"
	grant := func(version string) url.Values {
		return url.Values{"decision": {"granted"}, "decision_date": {"2026-03-12"}, "start_date": {"2026-03-16"},
			"planned_end": {"2027-03-16"}, "end_goal": {"work"}, "norwegian_goal": {"B1"}, "version": {version}}
	}
	r := c.get(prog + "/decision")
	clMust(t, r, http.StatusOK, `data-testid="form-decision"`, "3–6 måneder")
	// Refused without a reason: 422, input kept.
	bad := grant("0")
	bad.Set("decision", "refused")
	r = c.post(prog+"/decision", bad)
	clMust(t, r, http.StatusUnprocessableEntity, `href="#refusal_reason"`, `value="2026-03-12"`, `value="refused" checked`)
	// A planned end past the allowed duration: refused with the rule.
	bad = grant("0")
	bad.Set("planned_end", "2028-03-17")
	r = c.post(prog+"/decision", bad)
	clMust(t, r, http.StatusUnprocessableEntity, `href="#planned_end"`, "16.06.2026 og 16.03.2028", "kan ha program i 3 måneder–2 år", `value="2028-03-17"`)
	// Start before the decision date.
	bad = grant("0")
	bad.Set("start_date", "2026-03-11")
	clMust(t, c.post(prog+"/decision", bad), http.StatusUnprocessableEntity, `href="#start_date"`)

	r = c.post(prog+"/decision", grant("0"))
	if r.Status != http.StatusSeeOther || r.Location != prog {
		t.Fatalf("grant: %d\n%.2000s", r.Status, r.Body)
	}
	r = c.get(prog)
	clMust(t, r, http.StatusOK, "Vedtaket er lagret.", "Innvilget, ikke startet", "16.03.2027", "mellom 16.06.2026 og 16.03.2028", `data-testid="new-pause"`)
	// The programme-offer deadline is met on the decision date.
	var done *time.Time
	if err := app.DB.Pool.QueryRow(context.Background(), `SELECT done_on FROM deadlines WHERE person_id = $1 AND kind = 'programme_offer'`, id).Scan(&done); err != nil || done == nil || done.Format("2006-01-02") != "2026-03-12" {
		t.Errorf("offer deadline done %v %v", done, err)
	}
	// A double submit is harmless; a change on the old version is 409.
	if r := c.post(prog+"/decision", grant("0")); r.Status != http.StatusSeeOther {
		t.Errorf("double submit: %d", r.Status)
	}
	change := grant("0")
	change.Set("norwegian_goal", "B2")
	r = c.post(prog+"/decision", change)
	clMust(t, r, http.StatusConflict, `data-testid="conflict"`, `data-testid="stored-values"`, `name="version" value="1"`, `value="B2"`)

	// The person page's section.
	r = c.get(path)
	clMust(t, r, http.StatusOK, `data-testid="programme-section"`, "Innvilget 12.03.2026", "Arbeid", "Ingen ukeplan", "Oppmøte i mars")
	// A plan of 37.5 hours and some attendance show in the section.
	ctx := context.Background()
	var pv int64
	if err := app.DB.Pool.QueryRow(ctx, `INSERT INTO plan_versions (person_id, valid_from) VALUES ($1, '2026-03-01') RETURNING id`, id).Scan(&pv); err != nil {
		t.Fatal(err)
	}
	if _, err := app.DB.Pool.Exec(ctx, `INSERT INTO plan_elements (plan_version_id, kind, minutes_per_week, weekdays) VALUES ($1, 'norwegian', 2250, '{1,2,3,4,5}')`, pv); err != nil {
		t.Fatal(err)
	}
	if _, err := app.DB.Pool.Exec(ctx, `INSERT INTO attendance (person_id, day, present_minutes, absent_minutes, reason) VALUES
		($1, '2026-03-02', 450, 0, NULL), ($1, '2026-03-03', 0, 450, 'unexcused'), ($1, '2026-02-27', 450, 0, NULL)`, id); err != nil {
		t.Fatal(err)
	}
	r = c.get(path)
	clMust(t, r, http.StatusOK, "37,5 timer", "Til stede 7,5 t; fravær: ugyldig fravær 7,5 t")
	for _, email := range []string{"helse@k.no", "bolig@k.no"} {
		o := app.client()
		o.login(email)
		if strings.Contains(o.get(path).Body, `data-testid="programme-section"`) {
			t.Errorf("%s sees the programme section", email)
		}
	}
}

func TestProgrammeFormsRolesAndScope(t *testing.T) {
	app, c, path, id := progApp(t)
	prog := path + "/programme"
	valid := map[string]url.Values{
		"ruleset":  {"permit_date": {"2026-02-01"}, "person_version": {"1"}, "version": {"0"}},
		"mapping":  {"mapping_done_on": {"2026-03-11"}, "mapping_by": {"Kari"}, "version": {"0"}},
		"decision": {"decision": {"granted"}, "decision_date": {"2026-03-12"}, "start_date": {"2026-03-12"}, "planned_end": {"2027-03-12"}, "end_goal": {"work"}, "version": {"1"}},
		"contract": {"contract_signed_on": {"2026-03-13"}, "version": {"2"}},
		"pause":    {"kind": {"leave"}, "reason": {"Fødsel"}, "from_date": {"2026-03-13"}, "to_date": {"2026-03-14"}},
		"end":      {"ended_on": {"2026-03-15"}, "end_reason": {"work"}, "end_activity": {"work_full"}, "version": {"3"}},
	}
	bad := map[string]url.Values{
		"ruleset":  {"permit_date": {"31.02.2026"}, "person_version": {"1"}, "version": {"0"}},
		"mapping":  {"mapping_done_on": {"2026-03-11"}, "mapping_by": {""}, "guidance_by": {"NAV"}, "version": {"0"}},
		"decision": {"decision": {""}, "decision_date": {"2026-03-12"}, "norwegian_goal": {"B1 muntlig"}, "version": {"0"}},
		"contract": {"contract_signed_on": {"2099-01-01"}, "version": {"0"}},
		"pause":    {"kind": {"leave"}, "reason": {"Fødsel"}, "from_date": {"2026-03-14"}, "to_date": {"2026-03-13"}},
		"end":      {"ended_on": {"2026-03-15"}, "end_reason": {""}, "end_activity": {"work_full"}, "version": {"1"}},
	}
	badField := map[string]string{"ruleset": "permit_date", "mapping": "mapping_by", "decision": "decision", "contract": "contract_signed_on", "pause": "to_date", "end": "end_reason"}
	kept := map[string]string{"ruleset": `value="31.02.2026"`, "mapping": `value="NAV"`, "decision": `value="B1 muntlig"`, "contract": `value="2099-01-01"`, "pause": `value="Fødsel"`, "end": `value="work_full" selected`}
	order := []string{"ruleset", "mapping", "decision", "contract", "pause", "end"}

	// Health and housing: 403 for every form, whatever the body.
	for _, email := range []string{"helse@k.no", "bolig@k.no"} {
		o := app.client()
		o.login(email)
		if r := o.get(prog); r.Status != http.StatusForbidden {
			t.Errorf("%s GET programme: %d", email, r.Status)
		}
		for _, part := range order {
			if r := o.get(prog + "/" + part); r.Status != http.StatusForbidden {
				t.Errorf("%s GET %s: %d", email, part, r.Status)
			}
			if r := o.post(prog+"/"+part, valid[part]); r.Status != http.StatusForbidden {
				t.Errorf("%s POST %s: %d", email, part, r.Status)
			}
		}
	}
	// Another unit: 404 with valid and with bad input.
	vest := app.client()
	vest.login("vest@k.no")
	for _, part := range order {
		if r := vest.get(prog + "/" + part); r.Status != http.StatusNotFound {
			t.Errorf("other unit GET %s: %d", part, r.Status)
		}
		for _, form := range []url.Values{valid[part], bad[part]} {
			if r := vest.post(prog+"/"+part, form); r.Status != http.StatusNotFound {
				t.Errorf("other unit POST %s: %d", part, r.Status)
			}
		}
	}
	// Bad input: 422 with the field's message and the input kept; then valid input saves.
	for _, part := range order {
		r := c.post(prog+"/"+part, bad[part])
		clMust(t, r, http.StatusUnprocessableEntity, `href="#`+badField[part]+`"`, kept[part])
		r = c.post(prog+"/"+part, valid[part])
		if r.Status != http.StatusSeeOther {
			t.Fatalf("%s: %d\n%.3000s", part, r.Status, r.Body)
		}
	}
	// Stale versions: 409.
	clMust(t, c.post(prog+"/mapping", url.Values{"mapping_done_on": {"2026-03-10"}, "mapping_by": {"Kari"}, "version": {"1"}}), http.StatusConflict, `data-testid="conflict"`)
	clMust(t, c.post(prog+"/contract", url.Values{"contract_signed_on": {"2026-03-10"}, "version": {"2"}}), http.StatusConflict, `data-testid="conflict"`, `name="version" value="4"`)

	// The pause: edit form, 422, 409, resume, delete; another unit 404.
	var pause int64
	if err := app.DB.Pool.QueryRow(context.Background(), `SELECT id FROM programme_pauses WHERE person_id = $1`, id).Scan(&pause); err != nil {
		t.Fatal(err)
	}
	pp := prog + "/pauses/" + strconv.FormatInt(pause, 10)
	clMust(t, c.get(pp), http.StatusOK, `name="version" value="1"`, `value="Fødsel"`, `data-testid="delete-pause"`)
	clMust(t, c.post(pp, url.Values{"kind": {"leave"}, "reason": {""}, "from_date": {"2026-03-13"}, "version": {"1"}}), http.StatusUnprocessableEntity, `href="#reason"`)
	clMust(t, c.post(pp, url.Values{"kind": {"leave"}, "reason": {"Sykdom"}, "from_date": {"2026-03-13"}, "version": {"7"}}), http.StatusConflict, `data-testid="conflict"`, `name="version" value="1"`)
	if r := vest.get(pp); r.Status != http.StatusNotFound {
		t.Errorf("other unit pause: %d", r.Status)
	}
	if r := vest.post(pp, url.Values{"action": {"delete"}, "version": {"1"}}); r.Status != http.StatusNotFound {
		t.Errorf("other unit delete: %d", r.Status)
	}
	if r := c.get(prog + "/pauses/999999"); r.Status != http.StatusNotFound {
		t.Errorf("unknown pause: %d", r.Status)
	}
	// An ongoing pause offers "Gjenoppta"; resuming sets today.
	r := c.post(pp, url.Values{"kind": {"leave"}, "reason": {"Sykdom"}, "from_date": {"2026-03-13"}, "version": {"1"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("edit pause: %d\n%.2000s", r.Status, r.Body)
	}
	clMust(t, c.get(pp), http.StatusOK, `data-testid="resume"`)
	if r := c.post(pp, url.Values{"action": {"resume"}, "version": {"2"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("resume: %d\n%.2000s", r.Status, r.Body)
	}
	clMust(t, c.get(prog), http.StatusOK, "Programmet er gjenopptatt.", "13.03.2026–15.03.2026")
	clMust(t, c.post(pp, url.Values{"action": {"delete"}, "version": {"2"}}), http.StatusConflict, `data-testid="conflict"`)
	if r := c.post(pp, url.Values{"action": {"delete"}, "version": {"3"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("delete: %d", r.Status)
	}
	clMust(t, c.get(prog), http.StatusOK, "Ingen permisjon eller avbrudd er registrert.", "Avsluttet", "Overgang til arbeid")
}
