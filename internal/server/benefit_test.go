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

func TestBenefitCalculatorHTTP(t *testing.T) {
	app := newTestApp(t)
	app.DB.Now = func() time.Time { return time.Date(2026, 3, 15, 12, 0, 0, 0, time.UTC) }
	app.user("kari@k.no", domain.RoleCaseworker, "Øst")
	app.user("helse@k.no", domain.RoleHealth, "Øst")
	app.user("bolig@k.no", domain.RoleHousing, "Øst")
	app.user("admin@k.no", domain.RoleAdmin, "Vest")
	c := app.client()
	c.login("kari@k.no")

	// The empty form: every field by its query name, this month preset, and the menu entry.
	r := c.get("/benefit/calculator")
	clMust(t, r, http.StatusOK, `name="month"`, `value="2026-03"`, `name="birth_date"`, `name="with_parents"`, `name="start"`, `name="end"`,
		`name="unexcused_hours"`, `name="other_deductions"`, `method="get"`, `href="/benefit/calculator" aria-current="page"`, "Stønadskalkulator")
	if strings.Contains(r.Body, `data-testid="benefit-result"`) {
		t.Error("a result without a query")
	}

	// A whole May 2025 at full rate: 2 × 130 160 ÷ 12 = 21 693,33 → 21 693.
	r = c.get("/benefit/calculator?month=2025-05&birth_date=1950-01-01")
	clMust(t, r, http.StatusOK, `data-testid="payment">21 693</span>`, "Grunnbeløpet (G) fra 01.05.2025: 130 160 kr",
		"Hel måned: 260 320 kr ÷ 12 = 21 693,33 kr", "Til utbetaling: 21 693 kr", `data-testid="no-decision"`, `value="1950-01-01"`)
	// April 2025 is on the old G: 2 × 124 028 ÷ 12 = 20 671,33 → 20 671.
	clMust(t, c.get("/benefit/calculator?month=2025-04&birth_date=1950-01-01"), http.StatusOK, `data-testid="payment">20 671</span>`)
	// Under 25 away from parents, 7,5 h unexcused: 14 462,22 − 667,49 → 13 795;
	// with other deductions of 10 500 kr: 14 462,22 − 11 167,49 = 3 294,74 → 3 295, krever vedtak
	// (11 167,49 ≥ 50 % of 14 462,22 and ≥ 1/12 G = 10 846,67).
	q := url.Values{"month": {"2025-05"}, "birth_date": {"2005-01-01"}, "unexcused_hours": {"7,5"}, "with_parents": {""}, "start": {""}, "end": {""}, "other_deductions": {""}}
	clMust(t, c.get("/benefit/calculator?"+q.Encode()), http.StatusOK, `data-testid="payment">13 795</span>`, "Ugyldig fravær 7,5 timer")
	q.Set("other_deductions", "10 500")
	clMust(t, c.get("/benefit/calculator?"+q.Encode()), http.StatusOK, `data-testid="payment">3 295</span>`, `data-testid="needs-decision"`, `value="10 500"`, "krever vedtak")
	// 9 000 kr: 9 667,49 is under 1/12 G: no decision.
	q.Set("other_deductions", "9 000")
	clMust(t, c.get("/benefit/calculator?"+q.Encode()), http.StatusOK, `data-testid="no-decision"`)
	// With parents: 1/3. Start mid-month: the daily rate.
	clMust(t, c.get("/benefit/calculator?month=2025-05&birth_date=2005-01-01&with_parents=1"), http.StatusOK,
		`data-testid="payment">7 231</span>`, `value="1" checked`)
	clMust(t, c.get("/benefit/calculator?month=2025-05&birth_date=1950-01-01&start=2025-05-19"), http.StatusOK,
		`data-testid="payment">10 012</span>`, "10 av 22 hverdager")

	// Bad input: 422, a message per field, what was typed kept.
	r = c.get("/benefit/calculator?" + url.Values{"month": {"2025-13"}, "birth_date": {"14.3.20x1"}, "unexcused_hours": {"sju"},
		"other_deductions": {"mye"}, "start": {"2025-05-20"}, "end": {"2025-05-19"}}.Encode())
	clMust(t, r, http.StatusUnprocessableEntity, `data-testid="error-summary"`, `href="#month"`, `href="#birth_date"`, `href="#unexcused_hours"`,
		`href="#other_deductions"`, `value="2025-13"`, `value="14.3.20x1"`, `value="sju"`, `value="mye"`, `aria-invalid="true"`)
	if strings.Contains(r.Body, `data-testid="benefit-result"`) {
		t.Error("a result beside errors")
	}
	// Before the first G in the rates: the month is refused, naming the rate.
	clMust(t, c.get("/benefit/calculator?month=2020-01&birth_date=1950-01-01"), http.StatusUnprocessableEntity, `href="#month"`, "Grunnbeløpet (G)")
	// End before start; only the month.
	clMust(t, c.get("/benefit/calculator?month=2025-05&birth_date=1950-01-01&start=2025-05-20&end=2025-05-19"), http.StatusUnprocessableEntity, `href="#end"`)
	clMust(t, c.get("/benefit/calculator?month=2025-05"), http.StatusUnprocessableEntity, `href="#birth_date"`)

	for _, email := range []string{"helse@k.no", "bolig@k.no"} {
		o := app.client()
		o.login(email)
		if r := o.get("/benefit/calculator?month=2025-05&birth_date=1950-01-01"); r.Status != http.StatusForbidden {
			t.Errorf("%s: %d", email, r.Status)
		}
		if strings.Contains(o.get("/").Body, "Stønadskalkulator") {
			t.Errorf("%s sees the menu entry", email)
		}
	}

	// A new G from 1 May 2026 changes the answer from May 2026, not April.
	a := app.client()
	a.login("admin@k.no")
	r = a.post("/admin/rates", url.Values{"kind": {"g"}, "effective_from": {"2026-05-01"}, "value": {"130 000"}, "note": {"Ny G"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("add G: %d\n%.2000s", r.Status, r.Body)
	}
	// April 2026 on 130 160: 21 693; May on 130 000: 260 000 ÷ 12 = 21 666,67 → 21 667.
	clMust(t, c.get("/benefit/calculator?month=2026-04&birth_date=1950-01-01"), http.StatusOK, `data-testid="payment">21 693</span>`)
	clMust(t, c.get("/benefit/calculator?month=2026-05&birth_date=1950-01-01"), http.StatusOK, `data-testid="payment">21 667</span>`,
		"Grunnbeløpet (G) fra 01.05.2026: 130 000 kr")
}

func TestRatesAdminHTTP(t *testing.T) {
	app := newTestApp(t)
	app.DB.Now = func() time.Time { return time.Date(2026, 3, 15, 12, 0, 0, 0, time.UTC) }
	app.user("kari@k.no", domain.RoleCaseworker, "Øst")
	app.user("leder@k.no", domain.RoleLeader, "Øst")
	admin := app.user("admin@k.no", domain.RoleAdmin, "Vest")
	for _, email := range []string{"kari@k.no", "leder@k.no"} {
		o := app.client()
		o.login(email)
		if r := o.get("/admin/rates"); r.Status != http.StatusForbidden {
			t.Errorf("%s GET: %d", email, r.Status)
		}
		if r := o.post("/admin/rates", url.Values{"kind": {"g"}, "effective_from": {"2026-05-01"}, "value": {"1"}}); r.Status != http.StatusForbidden {
			t.Errorf("%s POST: %d", email, r.Status)
		}
	}
	c := app.client()
	c.login("admin@k.no")
	r := c.get("/admin/rates")
	clMust(t, r, http.StatusOK, "Satser og grenser", "Introduksjonsstønad", "Grunnbeløpet (G)", `data-testid="rate-current">130 160 kr`,
		"Gjelder nå", "Fra installasjonen", "G fra 1. mai 2024: 124 028 kr", `data-testid="rate-current">60 år`, `data-testid="rate-current">37,5 t`,
		`data-testid="rate-current">01.07.2026`, `href="/admin" aria-current="page"`) // the menu entry «Administrasjon»
	// Every kind is on the page.
	for _, k := range domain.RateKinds() {
		if !strings.Contains(r.Body, `data-testid="rate-`+string(k.Kind)+`"`) {
			t.Errorf("kind %s missing", k.Kind)
		}
	}
	clMust(t, c.get("/admin/rates?kind=holiday_days"), http.StatusOK, `value="holiday_days" selected`)

	// Refused: 422 keeps what was typed.
	r = c.post("/admin/rates", url.Values{"kind": {"g"}, "effective_from": {"2026-02-30"}, "value": {"mange"}, "note": {"Ny G"}})
	clMust(t, r, http.StatusUnprocessableEntity, `href="#effective_from"`, `href="#value"`, `value="g" selected`, `value="2026-02-30"`, `value="mange"`, `value="Ny G"`)
	clMust(t, c.post("/admin/rates", url.Values{"kind": {""}, "effective_from": {"2026-05-01"}, "value": {"1"}}), http.StatusUnprocessableEntity, `href="#kind"`)
	clMust(t, c.post("/admin/rates", url.Values{"kind": {"factor_away_thirds"}, "effective_from": {"2026-05-01"}, "value": {"4"}}), http.StatusUnprocessableEntity, "fra 0 til 3")

	// Added: a flash, the history, and the audit row in the same transaction.
	r = c.post("/admin/rates", url.Values{"kind": {"g"}, "effective_from": {"2026-05-01"}, "value": {"135 000"}, "note": {"G fra 1. mai 2026"}})
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/admin/rates#gruppe-") {
		t.Fatalf("add: %d %s", r.Status, r.Location)
	}
	r = c.get("/admin/rates")
	clMust(t, r, http.StatusOK, `data-testid="flash"`, "Satsen er lagret: Grunnbeløpet (G) fra 01.05.2026: 135 000 kr.", "135 000 kr", "Kommer", admin.Name)
	// Today (15 March 2026) the old G is still in force.
	clMust(t, r, http.StatusOK, `data-testid="rate-current">130 160 kr`)
	// A correction from a date already in force: the newest wins, the old row shows as corrected.
	r = c.post("/admin/rates", url.Values{"kind": {"holiday_days"}, "effective_from": {"2021-01-01"}, "value": {"26"}, "note": {"Rettet"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("correction: %d", r.Status)
	}
	clMust(t, c.get("/admin/rates"), http.StatusOK, `data-testid="rate-current">26 dager`, "Rettet")
	var n int
	if err := app.DB.Pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_events WHERE entity = 'rate' AND action = 'create' AND user_id = $1`, admin.ID).Scan(&n); err != nil || n != 2 {
		t.Errorf("audit rows: %d %v", n, err)
	}
}

func TestPersonBenefitHTTP(t *testing.T) {
	app := newTestApp(t)
	app.DB.Now = func() time.Time { return time.Date(2026, 3, 15, 12, 0, 0, 0, time.UTC) }
	kari := app.user("kari@k.no", domain.RoleCaseworker, "Øst")
	app.user("helse@k.no", domain.RoleHealth, "Øst")
	app.user("vest@k.no", domain.RoleCaseworker, "Vest")
	c := app.client()
	c.login("kari@k.no")
	_, id := clPerson(t, c, 1, "Amina", "Haidari", kari.ID) // born 1990: full rate
	path := "/persons/" + itoa64(id) + "/programme/benefit"

	// No programme: said so, and the deduction form still there.
	clMust(t, c.get(path+"?month=2025-05"), http.StatusOK, `data-testid="benefit-problem"`, "ikke introduksjonsprogram", `data-testid="deductions-empty"`)

	if _, err := app.DB.Pool.Exec(context.Background(), `INSERT INTO programmes (person_id, decision, decision_date, start_date, planned_end)
		VALUES ($1, 'granted', '2025-05-01', '2025-05-19', '2027-05-18')`, id); err != nil {
		t.Fatal(err)
	}
	// From Monday 19 May: 10 days × 260 320 ÷ 260 = 10 012,31 → 10 012.
	r := c.get(path + "?month=2025-05")
	clMust(t, r, http.StatusOK, "Introduksjonsstønad for Amina Haidari", `data-testid="payment">10 012</span>`, "mai 2025", "19.05.2025",
		`href="/persons/`+itoa64(id)+`/programme/benefit?month=2025-04"`, `name="month" value="2025-05"`)
	// Without a month: this month (March 2026).
	clMust(t, c.get(path), http.StatusOK, "mars 2026")
	clMust(t, c.get(path+"?month=mai"), http.StatusUnprocessableEntity)

	// A refused deduction keeps what was typed.
	r = c.post(path+"/deductions", url.Values{"month": {"2025-05"}, "amount": {"tusen"}, "description": {""}})
	clMust(t, r, http.StatusUnprocessableEntity, `href="#amount"`, `href="#description"`, `value="tusen"`, `data-testid="payment">10 012</span>`)
	// Added and deducted: 10 012,31 − 1 000 = 9 012,31 → 9 012.
	r = c.post(path+"/deductions", url.Values{"month": {"2025-05"}, "amount": {"1 000"}, "description": {"Sykepenger fra Nav"}})
	if r.Status != http.StatusSeeOther || r.Location != path+"?month=2025-05" {
		t.Fatalf("add deduction: %d %s\n%.1500s", r.Status, r.Location, r.Body)
	}
	clMust(t, c.get(r.Location), http.StatusOK, `data-testid="flash"`, "Sykepenger fra Nav", `data-testid="deductions-total">1 000 kr`,
		`data-testid="payment">9 012</span>`, "Andre ytelser som trekkes: 1 000 kr", kari.Name)
	// Not in June.
	clMust(t, c.get(path+"?month=2025-06"), http.StatusOK, `data-testid="deductions-empty"`)
	var n int
	if err := app.DB.Pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_events WHERE entity = 'benefit_deduction' AND action = 'create' AND person_id = $1`, id).Scan(&n); err != nil || n != 1 {
		t.Errorf("audit rows: %d %v", n, err)
	}

	// Another unit: 404; health: 403.
	v := app.client()
	v.login("vest@k.no")
	if r := v.get(path + "?month=2025-05"); r.Status != http.StatusNotFound {
		t.Errorf("other unit GET: %d", r.Status)
	}
	if r := v.get(path + "?month=mai"); r.Status != http.StatusNotFound {
		t.Errorf("other unit GET bad month: %d", r.Status)
	}
	if r := v.post(path+"/deductions", url.Values{"month": {"2025-05"}, "amount": {"1"}, "description": {"x"}}); r.Status != http.StatusNotFound {
		t.Errorf("other unit POST: %d", r.Status)
	}
	h := app.client()
	h.login("helse@k.no")
	if r := h.get(path); r.Status != http.StatusForbidden {
		t.Errorf("health GET: %d", r.Status)
	}
	if err := app.DB.Pool.QueryRow(context.Background(), `SELECT count(*) FROM benefit_deductions WHERE person_id = $1`, id).Scan(&n); err != nil || n != 1 {
		t.Errorf("deductions: %d %v", n, err)
	}
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }
