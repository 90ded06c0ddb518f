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

// TestSettlementPipelineAndLedger registers people at each stage through
// the person form, marks one settled, records a request and decisions, and
// reads the ledger page and both exports back.
func TestSettlementPipelineAndLedger(t *testing.T) {
	app := newTestApp(t)
	ctx := context.Background()
	app.user("cw@k.no", domain.RoleCaseworker, "Øst")
	leader := app.user("leder@k.no", domain.RoleLeader, "Øst")
	app.user("admin@k.no", domain.RoleAdmin, "Vest")
	app.user("cwvest@k.no", domain.RoleCaseworker, "Vest")
	cw := app.client()
	cw.login("cw@k.no")
	year := time.Now().In(domain.Oslo).Year()
	ys := strconv.Itoa(year)
	in := func(month int) string {
		return time.Date(year, time.Month(month), 10, 0, 0, 0, 0, time.UTC).Format("2006-01-02")
	}

	// Settled: an adult in March (the form's default stage).
	f := validPersonForm(nid(1))
	f.Set("arrival_date", in(3))
	f.Set("settlement_date", in(3))
	createPerson(t, cw, f)
	// A child (unaccompanied) settled in March, outside the form's default.
	f = validPersonForm(nid(2))
	f.Set("birth_date", time.Date(year-15, 1, 1, 0, 0, 0, 0, time.UTC).Format("2006-01-02"))
	f.Set("national_id", domain.SyntheticNationalID(time.Date(year-15, 1, 1, 0, 0, 0, 0, time.UTC), 600))
	f.Set("residence_basis", domain.BasisUnaccompanied)
	f.Set("arrival_date", in(3))
	f.Set("settlement_date", in(3))
	createPerson(t, cw, f)
	// Agreed, expected in … next month or December.
	expected := time.Now().In(domain.Oslo).AddDate(0, 0, 20).Format("2006-01-02")
	f = validPersonForm(nid(3))
	f.Set("given_name", "Avtalt")
	f.Del("settlement_date")
	f.Del("arrival_date")
	f.Set("settlement_stage", domain.StageAgreed)
	f.Set("expected_arrival", expected)
	f.Set("grant_disability", "1")
	agreedPath := createPerson(t, cw, f)
	agreed, _ := strconv.ParseInt(strings.TrimPrefix(agreedPath, "/persons/"), 10, 64)
	clMust(t, cw.get(agreedPath), http.StatusOK, `data-testid="pipeline"`, "Avtalt", "Forventet ankomst", `data-testid="settle-person"`)
	var deadlines int
	if err := app.DB.Pool.QueryRow(ctx, `SELECT count(*) FROM deadlines WHERE person_id = $1`, agreed).Scan(&deadlines); err != nil || deadlines != 0 {
		t.Errorf("an agreed person has %d deadlines (%v)", deadlines, err)
	}
	// Refused: declined without a reason; agreed without an arrival; a
	// settlement date on someone not settled. The form keeps what was typed.
	f = validPersonForm(nid(4))
	f.Set("settlement_stage", domain.StageDeclined)
	f.Set("decline_reason", "")
	clMust(t, cw.post("/persons", f), http.StatusUnprocessableEntity, "Skriv hvorfor bosettingen ble avslått.",
		"Bosettingsdato settes når personen er bosatt.", `<option value="declined" selected`)
	f.Del("settlement_date")
	f.Set("decline_reason", "Ingen egnet bolig")
	createPerson(t, cw, f)
	f = validPersonForm(nid(5))
	f.Del("settlement_date")
	f.Set("settlement_stage", domain.StageAgreed)
	clMust(t, cw.post("/persons", f), http.StatusUnprocessableEntity, "Skriv forventet ankomst")

	// Mark settled: a stale version is 409, a bad date 422, then 303.
	clMust(t, cw.get("/persons/"+itoa64(agreed)+"/settle"), http.StatusOK, `data-testid="settle-form"`, `value="`+expected+`"`)
	clMust(t, cw.post("/persons/"+itoa64(agreed)+"/settle", url.Values{"settlement_date": {in(1)}, "version": {"9"}}),
		http.StatusConflict, "Ingenting er lagret")
	clMust(t, cw.post("/persons/"+itoa64(agreed)+"/settle", url.Values{"settlement_date": {"31.02.2026"}, "version": {"1"}}),
		http.StatusUnprocessableEntity, `value="31.02.2026"`, "gyldig dato")
	vest := app.client()
	vest.login("cwvest@k.no")
	if r := vest.post("/persons/"+itoa64(agreed)+"/settle", url.Values{"settlement_date": {in(1)}, "version": {"1"}}); r.Status != http.StatusNotFound {
		t.Errorf("another unit settles: %d", r.Status)
	}
	// Leave it agreed for the ledger; a second agreed person is settled.
	f = validPersonForm(nid(6))
	f.Del("settlement_date")
	f.Del("arrival_date")
	f.Set("settlement_stage", domain.StageAgreed)
	f.Set("expected_arrival", expected)
	p2 := createPerson(t, cw, f)
	r := cw.post(p2+"/settle", url.Values{"settlement_date": {in(1)}, "version": {"1"}})
	if r.Status != http.StatusSeeOther || r.Location != p2 {
		t.Fatalf("settle: %d %s %.2000s", r.Status, r.Location, r.Body)
	}
	r = cw.get(p2)
	clMust(t, r, http.StatusOK, "registrert som bosatt")
	if strings.Contains(r.Body, `data-testid="pipeline"`) {
		t.Error("a settled person shows the pipeline")
	}
	if err := app.DB.Pool.QueryRow(ctx, `SELECT count(*) FROM deadlines WHERE person_id = $1`, strings.TrimPrefix(p2, "/persons/")).Scan(&deadlines); err != nil || deadlines == 0 {
		t.Errorf("a settled person has no deadlines (%v)", err)
	}
	clMust(t, cw.post(p2+"/settle", url.Values{"settlement_date": {in(1)}, "version": {"2"}}), http.StatusConflict, "allerede registrert som bosatt")

	// The ledger: caseworkers are refused.
	if r := cw.get("/settlement"); r.Status != http.StatusForbidden {
		t.Errorf("caseworker: %d", r.Status)
	}
	l := app.client()
	l.login("leder@k.no")
	clMust(t, l.post("/settlement/targets", url.Values{"year": {ys}, "kind": {"decision"}, "total": {"5"}, "unaccompanied": {"9"},
		"decided_on": {in(1)}}), http.StatusUnprocessableEntity, "kan ikke være flere", `value="9"`)
	for _, form := range []url.Values{
		{"year": {ys}, "kind": {"request"}, "total": {"20"}, "unaccompanied": {"4"}, "decided_on": {in(1)}},
		{"year": {ys}, "kind": {"decision"}, "total": {"12"}, "unaccompanied": {"3"}, "decided_on": {in(2)}},
		{"year": {ys}, "kind": {"decision"}, "total": {"15"}, "unaccompanied": {"2"}, "decided_on": {in(4)}, "note": {`=HYPERLINK("http://x")`}},
	} {
		if r := l.post("/settlement/targets", form); r.Status != http.StatusSeeOther || r.Location != "/settlement?year="+ys {
			t.Fatalf("target: %d %s %.2000s", r.Status, r.Location, r.Body)
		}
	}
	// Settled in the quota: the adult, the unaccompanied and the one
	// settled in January: 3; remaining 15 − 3 = 12; unaccompanied 2 − 1 = 1.
	r = l.get("/settlement?year=" + ys)
	clMust(t, r, http.StatusOK, "Tallene gjelder bare Øst", `data-testid="remaining">12<`, `data-testid="remaining-unaccompanied">1<`,
		`data-testid="settled-quota">3<`, "Gjelder", `data-testid="grant-table"`, `href="/reports/settlement.csv?year=`+ys+`"`,
		`href="/settlement" aria-current="page"`)
	if n := strings.Count(r.Body, `data-testid="target-row"`); n != 3 {
		t.Errorf("history rows: %d", n)
	}
	clMust(t, l.get("/settlement?year=abc"), http.StatusUnprocessableEntity, "mellom 2000 og 2100")
	// The admin counts the municipality.
	a := app.client()
	a.login("admin@k.no")
	clMust(t, a.get("/settlement?year="+ys), http.StatusOK, "Tallene gjelder hele kommunen", `data-testid="remaining">12<`)

	// CSV: BOM, semicolons, CRLF, the note defused, the counts by month.
	r = l.get("/reports/settlement.csv?year=" + ys)
	if r.Status != http.StatusOK || r.Header.Get("Cache-Control") != "no-store" ||
		!strings.Contains(r.Header.Get("Content-Disposition"), `filename="bosetting-`+ys+`.csv"`) {
		t.Fatalf("csv: %d %v %s", r.Status, r.Header, r.Body)
	}
	if !strings.HasPrefix(r.Body, "\uFEFFDel;Kategori;januar;februar;mars;") || strings.Contains(strings.ReplaceAll(r.Body, "\r\n", ""), "\n") {
		t.Errorf("csv framing: %q", r.Body)
	}
	for _, want := range []string{
		"Vedtak i kommunestyret;Totalt;15\r\n", "Vedtak i kommunestyret;Herav enslige mindreårige;2\r\n",
		`Vedtak i kommunestyret;Merknad;"'=HYPERLINK(""http://x"")"` + "\r\n",
		"Gjenstår av vedtaket;Totalt;12\r\n", "Anmodning fra IMDi;Totalt;20\r\n",
		"Bosatt;Voksne;1;0;1;0;0;0;0;0;0;0;0;0;2\r\n",
		"Bosatt;Enslige mindreårige;0;0;1;0;0;0;0;0;0;0;0;0;1\r\n",
		"Bosatt;Sum innenfor vedtaket;1;0;2;0;0;0;0;0;0;0;0;0;3\r\n",
		"Omfang;Øst\r\n",
	} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("csv lacks %q:\n%s", want, r.Body)
		}
	}
	// XLSX: the same rows, numbers as numbers, the note as text.
	r = l.get("/reports/settlement.xlsx?year=" + ys)
	if r.Status != http.StatusOK || !strings.Contains(r.Header.Get("Content-Disposition"), "bosetting-"+ys+".xlsx") {
		t.Fatalf("xlsx: %d %v", r.Status, r.Header)
	}
	x, err := excelize.OpenReader(bytes.NewReader([]byte(r.Body)))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := x.GetRows("Bosetting")
	if err != nil || len(rows) < 10 || rows[0][0] != "Del" || rows[0][14] != "Sum" {
		t.Fatalf("xlsx rows: %v %v", rows, err)
	}
	found := false
	for i, row := range rows {
		if len(row) > 2 && row[0] == "Vedtak i kommunestyret" && row[1] == "Merknad" {
			cell := "C" + strconv.Itoa(i+1)
			if fm, _ := x.GetCellFormula("Bosetting", cell); fm != "" || row[2] != `=HYPERLINK("http://x")` {
				t.Errorf("note cell: formula %q value %q", fm, row[2])
			}
		}
		if len(row) == 15 && row[0] == "Bosatt" && row[1] == "Voksne" {
			found = true
			cell := "O" + strconv.Itoa(i+1)
			if typ, _ := x.GetCellType("Bosetting", cell); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
				t.Errorf("total cell type %v", typ)
			}
			if row[14] != "2" || row[2] != "1" || row[4] != "1" || row[3] != "0" {
				t.Errorf("adults: %v", row)
			}
		}
	}
	if !found {
		t.Errorf("no adults row: %v", rows)
	}
	var n int
	if err := app.DB.Pool.QueryRow(ctx, `SELECT count(*) FROM audit_events WHERE action = 'export' AND entity = 'settlement_report'
		AND user_id = $1 AND details->>'year' = $2`, leader.ID, ys).Scan(&n); err != nil || n != 2 {
		t.Errorf("export audit rows: %d %v", n, err)
	}
	if r := l.get("/reports/settlement.csv?year=1800"); r.Status != http.StatusUnprocessableEntity {
		t.Errorf("bad year export: %d", r.Status)
	}

	// Hostile input: NUL, invalid UTF-8, huge values, a huge note: clean 422s,
	// nothing stored.
	for _, form := range []url.Values{
		{"year": {ys}, "kind": {"decision"}, "total": {"5"}, "decided_on": {in(1)}, "note": {"a\x00b"}},
		{"year": {ys}, "kind": {"decision"}, "total": {"5"}, "decided_on": {in(1)}, "note": {"a\xffb"}},
		{"year": {ys}, "kind": {"decision"}, "total": {"99999999999999999999"}, "decided_on": {in(1)}},
		{"year": {"99999999999999999999"}, "kind": {"decision"}, "total": {"5"}, "decided_on": {in(1)}},
		{"year": {ys}, "kind": {"decision"}, "total": {"5"}, "decided_on": {in(1)}, "note": {strings.Repeat("x", 600)}},
		{"year": {ys}, "kind": {"decision\x00"}, "total": {"5"}, "decided_on": {in(1)}},
	} {
		if r := l.post("/settlement/targets", form); r.Status != http.StatusUnprocessableEntity && r.Status != http.StatusBadRequest {
			t.Errorf("hostile %v: %d", form, r.Status)
		}
	}
	if err := app.DB.Pool.QueryRow(ctx, `SELECT count(*) FROM settlement_targets`).Scan(&n); err != nil || n != 3 {
		t.Errorf("%d target rows after hostile posts (%v), want 3", n, err)
	}
	if r := cw.post("/settlement/targets", url.Values{"year": {ys}, "kind": {"decision"}, "total": {"5"}, "decided_on": {in(1)}}); r.Status != http.StatusForbidden {
		t.Errorf("caseworker posts a decision: %d", r.Status)
	}
}

// The person list's "Før bosetting" view lists the active people not yet
// settled, with the stage in the settlement column; the other views keep
// listing them too (they are registered persons of the unit).
func TestPersonListPipelineView(t *testing.T) {
	app := newTestApp(t)
	app.user("cw@k.no", domain.RoleCaseworker, "Øst")
	cw := app.client()
	cw.login("cw@k.no")
	createPerson(t, cw, validPersonForm(nid(1)))
	f := validPersonForm(nid(2))
	f.Set("given_name", "Avtalt")
	f.Del("settlement_date")
	f.Set("settlement_stage", domain.StageAgreed)
	f.Set("expected_arrival", "2027-01-15")
	createPerson(t, cw, f)
	r := cw.get("/persons?view=pipeline")
	clMust(t, r, http.StatusOK, "Haidari, Avtalt", "Avtalt (ankomst 15.01.2027)", `data-testid="filter-pipeline"`)
	if strings.Contains(r.Body, "Haidari, Amina") {
		t.Error("the pipeline view lists a settled person")
	}
	clMust(t, cw.get("/persons?view=all"), http.StatusOK, "Haidari, Amina", "Haidari, Avtalt")
}
