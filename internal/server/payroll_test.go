package server_test

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"ankomst/internal/domain"

	"github.com/xuri/excelize/v2"
)

// payrollPersons adds n participants to the unit directly (the programme
// forms are another module's): granted from start, born 1990 (full rate).
func payrollPersons(t testing.TB, app *testApp, unitID int64, n int, family, start string) {
	t.Helper()
	ctx := context.Background()
	_, err := app.DB.Pool.Exec(ctx, `
		WITH p AS (
			INSERT INTO persons (unit_id, given_name, family_name, name_key, family_key, given_key, birth_date, sex,
			                     duf_number, country_of_origin, residence_basis)
			SELECT $1, 'Deltaker' || i, $3, lower('deltaker' || i || ' ' || $3), lower($3), 'deltaker' || lpad(i::text, 6, '0'),
			       '1990-01-01', 'female', lpad((($1::bigint * 1000000) + i + (SELECT count(*) FROM persons))::text, 12, '0'), 'SY', 'resettlement'
			FROM generate_series(1, $2::int) i
			RETURNING id)
		INSERT INTO programmes (person_id, decision, decision_date, start_date, planned_end)
		SELECT id, 'granted', $4::date, $4::date, '2028-01-01' FROM p`, unitID, n, family, start)
	if err != nil {
		t.Fatal(err)
	}
}

func TestPayrollHTTP(t *testing.T) {
	app := newTestApp(t)
	ctx := context.Background()
	kari := app.user("kari@k.no", domain.RoleCaseworker, "Øst")
	app.user("helse@k.no", domain.RoleHealth, "Øst")
	app.user("bolig@k.no", domain.RoleHousing, "Øst")
	leader := app.user("leder@k.no", domain.RoleLeader, "Øst")
	vestLeader := app.user("leder-vest@k.no", domain.RoleLeader, "Vest")
	admin := app.user("admin@k.no", domain.RoleAdmin, "Vest")
	cw := app.client()
	cw.login("kari@k.no")
	_, amina := clPerson(t, cw, 1, "Amina", "Haidari", kari.ID)
	_, evil := clPerson(t, cw, 2, "Eva", "Ek", kari.ID)
	app.DB.Now = func() time.Time { return time.Date(2025, 7, 3, 12, 0, 0, 0, time.UTC) }
	exec := func(sql string, args ...any) {
		t.Helper()
		if _, err := app.DB.Pool.Exec(ctx, sql, args...); err != nil {
			t.Fatal(err)
		}
	}
	// A name a spreadsheet would take for a formula.
	exec(`UPDATE persons SET family_name = '=HYPERLINK("http://x")' WHERE id = $1`, evil)
	for _, id := range []int64{amina, evil} {
		exec(`INSERT INTO programmes (person_id, decision, decision_date, start_date, planned_end) VALUES ($1, 'granted', '2025-01-06', '2025-01-06', '2027-01-05')`, id)
	}
	// Amina: 112,5 h unexcused in May (15 days): krever vedtak.
	for d := time.Date(2025, 5, 1, 0, 0, 0, 0, time.UTC); d.Before(time.Date(2025, 5, 22, 0, 0, 0, 0, time.UTC)); d = d.AddDate(0, 0, 1) {
		if d.Weekday() != time.Saturday && d.Weekday() != time.Sunday {
			exec(`INSERT INTO attendance (person_id, day, absent_minutes, reason) VALUES ($1, $2, 450, 'unexcused')`, amina, d)
		}
	}
	payrollPersons(t, app, vestLeader.UnitID, 3, "Vestby", "2025-01-06")

	// Forbidden roles: 403 everywhere, and no menu entry.
	for _, email := range []string{"kari@k.no", "helse@k.no", "bolig@k.no"} {
		o := app.client()
		o.login(email)
		for _, p := range []string{"/reports/payroll", "/reports/payroll.csv?month=2025-05", "/reports/payroll.xlsx?month=2025-05"} {
			if r := o.get(p); r.Status != http.StatusForbidden {
				t.Errorf("%s %s: %d", email, p, r.Status)
			}
		}
		if r := o.post("/reports/payroll/approve", url.Values{"month": {"2025-05"}, "confirm": {"1"}}); r.Status != http.StatusForbidden {
			t.Errorf("%s approve: %d", email, r.Status)
		}
		if strings.Contains(o.get("/").Body, "Utbetalingsgrunnlag") {
			t.Errorf("%s sees the menu entry", email)
		}
	}

	l := app.client()
	l.login("leder@k.no")
	// Without a month: last month (June 2025), the menu entry current.
	clMust(t, l.get("/reports/payroll"), http.StatusOK, "juni 2025", `value="2025-06"`, `href="/reports/payroll" aria-current="page"`)
	r := l.get("/reports/payroll?month=2025-05")
	aminaURL := `href="/persons/` + itoa64(amina) + `/programme/benefit?month=2025-05"`
	clMust(t, r, http.StatusOK, "Øst, mai 2025", "Haidari, Amina", aminaURL, `data-testid="needs-decision"`, `data-flagged="true"`,
		`data-testid="count">2</`, `data-testid="flagged-count">1</`, `data-testid="not-approved"`, `data-testid="approve-form"`,
		"Jeg har kontrollert grunnlaget", `href="/reports/payroll.csv?month=2025-05&amp;unit=`, "Viser 1–2 av 2 deltakere", `data-testid="totals"`)
	if strings.Contains(r.Body, `name="unit"`) {
		t.Error("a leader gets a unit picker")
	}
	// Only the flagged; sorting by amount, largest first.
	r = l.get("/reports/payroll?month=2025-05&flagged=1")
	clMust(t, r, http.StatusOK, "Haidari, Amina", `data-testid="show-all"`)
	if strings.Contains(r.Body, "HYPERLINK") {
		t.Error("the flagged filter shows an unflagged line")
	}
	r = l.get("/reports/payroll?month=2025-05&sort=amount&dir=desc")
	if i, j := strings.Index(r.Body, "HYPERLINK"), strings.Index(r.Body, "Haidari, Amina"); r.Status != 200 || i < 0 || j < 0 || i > j {
		t.Errorf("sort by amount desc: %d %d %d", r.Status, i, j)
	}
	clMust(t, r, http.StatusOK, `aria-sort="descending"`)
	clMust(t, l.get("/reports/payroll?month=mai"), http.StatusUnprocessableEntity, `value="mai"`, "åååå-mm")

	// Another unit's id: refused (404), in the page and the exports.
	vest := strconv.FormatInt(vestLeader.UnitID, 10)
	for _, p := range []string{"/reports/payroll?unit=" + vest, "/reports/payroll.csv?month=2025-05&unit=" + vest, "/reports/payroll.xlsx?unit=" + vest, "/reports/payroll?unit=x"} {
		if r := l.get(p); r.Status != http.StatusNotFound {
			t.Errorf("leader, %s: %d", p, r.Status)
		}
	}

	// Admins: their own unit by default, any unit they choose; never approve.
	a := app.client()
	a.login("admin@k.no")
	clMust(t, a.get("/reports/payroll?month=2025-05"), http.StatusOK, "Vest, mai 2025", "Vestby, Deltaker1", `name="unit"`,
		"Grunnlaget godkjennes av lederen for enheten.")
	clMust(t, a.get("/reports/payroll?month=2025-05&unit="+strconv.FormatInt(leader.UnitID, 10)), http.StatusOK, "Øst, mai 2025", "Haidari, Amina")
	if r := a.post("/reports/payroll/approve", url.Values{"month": {"2025-05"}, "confirm": {"1"}}); r.Status != http.StatusForbidden {
		t.Errorf("admin approves: %d", r.Status)
	}

	// CSV: BOM, semicolons, CRLF, formulas defused, plain numbers, no-store,
	// a filename with unit and month, an audit row.
	r = l.get("/reports/payroll.csv?month=2025-05")
	if r.Status != http.StatusOK {
		t.Fatalf("csv: %d %s", r.Status, r.Body)
	}
	if !strings.HasPrefix(r.Body, "\uFEFFPerson-ID;Etternavn;Fornavn;") || !strings.Contains(r.Body, "\r\n") ||
		strings.Count(r.Body, "\r\n") != 3 || strings.Contains(strings.ReplaceAll(r.Body, "\r\n", ""), "\n") {
		t.Errorf("csv framing: %q", r.Body)
	}
	if !strings.Contains(r.Body, `;"'=HYPERLINK(""http://x"")";Eva;`) {
		t.Errorf("formula not defused: %q", r.Body)
	}
	// Amina: 22 days, 112,5 h, 21 693,33 − 15 018,46 = 6 674,87 → 6 675.
	if !strings.Contains(r.Body, itoa64(amina)+";Haidari;Amina;2025-05;Måned;22;112,5;21693,33;15018,46;0,00;15018,46;6675;Ja;") {
		t.Errorf("Amina's line: %q", r.Body)
	}
	if r.Header.Get("Cache-Control") != "no-store" || !strings.Contains(r.Header.Get("Content-Disposition"), `filename="utbetalingsgrunnlag-ost-2025-05.csv"`) {
		t.Errorf("csv headers: %v", r.Header)
	}
	// XLSX: opens, a header row and the lines, numbers as numbers.
	r = l.get("/reports/payroll.xlsx?month=2025-05")
	if r.Status != http.StatusOK || r.Header.Get("Cache-Control") != "no-store" || !strings.Contains(r.Header.Get("Content-Disposition"), "utbetalingsgrunnlag-ost-2025-05.xlsx") {
		t.Fatalf("xlsx: %d %v", r.Status, r.Header)
	}
	f, err := excelize.OpenReader(bytes.NewReader([]byte(r.Body)))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows("Utbetalingsgrunnlag")
	if err != nil || len(rows) != 3 || rows[0][0] != "Person-ID" || rows[2][1] != "Haidari" {
		t.Fatalf("xlsx rows: %v %v", rows, err)
	}
	if typ, _ := f.GetCellType("Utbetalingsgrunnlag", "L3"); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		t.Errorf("amount cell type %v", typ)
	}
	if v, _ := f.GetCellValue("Utbetalingsgrunnlag", "L3", excelize.Options{RawCellValue: true}); v != "6675" {
		t.Errorf("amount: %q", v)
	}
	if v, _ := f.GetCellValue("Utbetalingsgrunnlag", "H3", excelize.Options{RawCellValue: true}); v != "21693.33" {
		t.Errorf("gross: %q", v)
	}
	var details []string
	rs, err := app.DB.Pool.Query(ctx, `SELECT details::text FROM audit_events WHERE action = 'export' AND entity = 'payroll' AND user_id = $1 ORDER BY id`, leader.ID)
	if err != nil {
		t.Fatal(err)
	}
	for rs.Next() {
		var d string
		rs.Scan(&d) //nolint:errcheck
		details = append(details, d)
	}
	if len(details) != 2 || !strings.Contains(details[0], `"format": "csv"`) || !strings.Contains(details[1], `"format": "xlsx"`) ||
		!strings.Contains(details[0], `"rows": 2`) || !strings.Contains(details[0], `"month": "2025-05"`) ||
		!strings.Contains(details[0], `"unit_id": `+strconv.FormatInt(leader.UnitID, 10)) {
		t.Errorf("export audit rows: %v", details)
	}

	// Approval: the confirmation first; a month that has not ended is refused.
	clMust(t, l.post("/reports/payroll/approve", url.Values{"month": {"2025-05"}}), http.StatusUnprocessableEntity,
		"Kryss av for at du har kontrollert grunnlaget", `aria-invalid="true"`)
	clMust(t, l.post("/reports/payroll/approve", url.Values{"month": {"2025-07"}, "confirm": {"1"}}), http.StatusUnprocessableEntity,
		"Juli 2025 er ikke over ennå")
	clMust(t, l.get("/reports/payroll?month=2025-07"), http.StatusOK, "kan godkjennes fra 1. august 2025")
	r = l.post("/reports/payroll/approve", url.Values{"month": {"2025-05"}, "confirm": {"1"}})
	if r.Status != http.StatusSeeOther || r.Location != "/reports/payroll?month=2025-05" {
		t.Fatalf("approve: %d %s\n%.2000s", r.Status, r.Location, r.Body)
	}
	clMust(t, l.get(r.Location), http.StatusOK, `data-testid="flash"`, "er godkjent (2 linjer)", `data-testid="approved"`, leader.Name)
	// Twice: 409 with the approval named.
	clMust(t, l.post("/reports/payroll/approve", url.Values{"month": {"2025-05"}, "confirm": {"1"}}), http.StatusConflict,
		"allerede godkjent av "+leader.Name)

	// A correction after approval: May stays, June shows the adjustment.
	exec(`UPDATE attendance SET absent_minutes = 0, reason = NULL, present_minutes = 450 WHERE person_id = $1 AND day = '2025-05-21'`, amina)
	clMust(t, l.get("/reports/payroll?month=2025-05"), http.StatusOK, `data-testid="amount">6 675</td>`)
	// 7,5 h × 260 320 ÷ 1 950 = 1 001,23 back: 6 674,87 + 1 001,23 = 7 676,10 → 7 676 (+1 001).
	clMust(t, l.get("/reports/payroll?month=2025-06"), http.StatusOK, `data-testid="adjustment"`, "Korrigering for mai 2025: +1 001 kr",
		`data-testid="adjust-total">+1 001 kr`)
	r = l.get("/reports/payroll.csv?month=2025-06")
	if !strings.Contains(r.Body, itoa64(amina)+";Haidari;Amina;2025-05;Korrigering;0;-7,5;0,00;-1001,23;0,00;-1001,23;1001;Nei;") {
		t.Errorf("adjustment line in the CSV: %q", r.Body)
	}

	// The empty state: a month before anyone's programme.
	clMust(t, l.get("/reports/payroll?month=2024-05"), http.StatusOK, `data-testid="payroll-empty"`)

	// Paging: 130 participants, 100 a page; the exports hold them all.
	payrollPersons(t, app, leader.UnitID, 130, "Mange", "2025-06-02")
	r = l.get("/reports/payroll?month=2025-06")
	clMust(t, r, http.StatusOK, "Viser 1–100 av 132 deltakere (side 1 av 2)", `data-testid="next-page"`)
	if n := strings.Count(r.Body, `data-testid="payroll-row"`); n != 100 {
		t.Errorf("page 1 rows: %d", n)
	}
	r = l.get("/reports/payroll?month=2025-06&page=2")
	clMust(t, r, http.StatusOK, "Viser 101–132 av 132 deltakere (side 2 av 2)", `data-testid="prev-page"`)
	if r := l.get("/reports/payroll.csv?month=2025-06"); strings.Count(r.Body, "\r\n") != 1+132+1 {
		t.Errorf("csv lines: %d", strings.Count(r.Body, "\r\n"))
	}
	_ = admin
}
