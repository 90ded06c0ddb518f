package server_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"ankomst/internal/domain"
	"ankomst/internal/postgres/pgtest"

	"github.com/xuri/excelize/v2"
)

// readNIRCSV checks the framing (BOM, semicolons, CRLF) and returns the rows.
func readNIRCSV(t *testing.T, r response) [][]string {
	t.Helper()
	if r.Status != http.StatusOK {
		t.Fatalf("csv: %d %.500s", r.Status, r.Body)
	}
	if !strings.HasPrefix(r.Body, "\uFEFFPerson-ID;DUF-nummer;Etternavn;") || strings.Contains(strings.ReplaceAll(r.Body, "\r\n", ""), "\n") {
		t.Fatalf("csv framing: %q", r.Body)
	}
	if r.Header.Get("Cache-Control") != "no-store" || !strings.Contains(r.Header.Get("Content-Disposition"), "attachment") {
		t.Errorf("csv headers: %v", r.Header)
	}
	cr := csv.NewReader(strings.NewReader(strings.TrimPrefix(r.Body, "\uFEFF")))
	cr.Comma = ';'
	rows, err := cr.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

type nirFixture struct {
	app                  *testApp
	amina, evil, stopped int64
	spare                int64 // a registration without a programme
	ostUnit, vestUnit    int64
}

// newNIRFixture: in Øst, Amina's full programme (two plan versions with three
// elements, a leave, an open interruption, absences), Eva's refusal without
// a reason (an old decision, a name that is a formula) and an ended
// programme without an end reason; two granted programmes in Vest.
func newNIRFixture(t *testing.T) nirFixture {
	app := newTestApp(t)
	ctx := context.Background()
	kari := app.user("kari@k.no", domain.RoleCaseworker, "Øst")
	leader := app.user("leder@k.no", domain.RoleLeader, "Øst")
	vestLeader := app.user("leder-vest@k.no", domain.RoleLeader, "Vest")
	app.user("admin@k.no", domain.RoleAdmin, "Vest")
	app.user("helse@k.no", domain.RoleHealth, "Øst")
	cw := app.client()
	cw.login("kari@k.no")
	fx := nirFixture{app: app, ostUnit: leader.UnitID, vestUnit: vestLeader.UnitID}
	_, fx.amina = clPerson(t, cw, 1, "Amina", "Haidari", kari.ID)
	_, fx.evil = clPerson(t, cw, 2, "Eva", "Ek", kari.ID)
	_, fx.stopped = clPerson(t, cw, 3, "Omar", "Sluttet", kari.ID)
	_, fx.spare = clPerson(t, cw, 4, "Omar", "Overlevende", kari.ID)
	app.DB.Now = func() time.Time { return time.Date(2025, 7, 3, 12, 0, 0, 0, time.UTC) }
	exec := func(sql string, args ...any) {
		t.Helper()
		if _, err := app.DB.Pool.Exec(ctx, sql, args...); err != nil {
			t.Fatal(err)
		}
	}
	exec(`UPDATE persons SET family_name = '=HYPERLINK("http://x")' WHERE id = $1`, fx.evil)
	exec(`INSERT INTO programmes (person_id, decision, decision_date, start_date, planned_end, end_goal, mapping_done_on, guidance_done_on, contract_signed_on)
		VALUES ($1, 'granted', '2025-01-02', '2025-01-06', '2027-01-05', 'work', '2024-12-01', '2024-12-15', '2025-01-20')`, fx.amina)
	exec(`INSERT INTO programmes (person_id, decision, decision_date) VALUES ($1, 'refused', '2024-01-10')`, fx.evil)
	exec(`INSERT INTO programmes (person_id, decision, decision_date, start_date, planned_end, end_goal, ended_on)
		VALUES ($1, 'granted', '2025-01-02', '2025-01-06', '2027-01-05', 'work', '2025-05-31')`, fx.stopped)
	var v1, v2 int64
	if err := app.DB.Pool.QueryRow(ctx, `INSERT INTO plan_versions (person_id, valid_from) VALUES ($1, '2025-01-06') RETURNING id`, fx.amina).Scan(&v1); err != nil {
		t.Fatal(err)
	}
	if err := app.DB.Pool.QueryRow(ctx, `INSERT INTO plan_versions (person_id, valid_from) VALUES ($1, '2025-03-03') RETURNING id`, fx.amina).Scan(&v2); err != nil {
		t.Fatal(err)
	}
	exec(`INSERT INTO plan_elements (plan_version_id, kind, description, minutes_per_week, weekdays, position) VALUES
		($1, 'norwegian', '=1+1', 900, '{1,2,3}', 0),
		($1, 'work_practice', 'Butikk', 600, '{4,5}', 1),
		($2, 'norwegian', '', 1350, '{1,2,3,4,5}', 0)`, v1, v2)
	exec(`INSERT INTO plan_elements (plan_version_id, kind, minutes_per_week, weekdays, from_date, to_date, position) VALUES
		($1, 'job_seeking', 270, '{5}', '2025-04-04', '2025-06-27', 1)`, v2)
	exec(`INSERT INTO programme_pauses (person_id, kind, reason, from_date, to_date) VALUES ($1, 'leave', 'Fødsel', '2025-02-03', '2025-02-07')`, fx.amina)
	exec(`INSERT INTO programme_pauses (person_id, kind, reason, from_date) VALUES ($1, 'interruption', 'Stans', '2025-06-02')`, fx.amina)
	exec(`INSERT INTO attendance (person_id, day, absent_minutes, reason) VALUES
		($1, '2025-01-02', 450, 'holiday'), ($1, '2025-01-07', 450, 'illness'), ($1, '2025-01-08', 90, 'unexcused'),
		($1, '2025-01-09', 450, 'illness'), ($1, '2025-01-10', 0, NULL)`, fx.amina)
	payrollPersons(t, app, vestLeader.UnitID, 2, "Vestby", "2025-01-06")
	return fx
}

func TestNIRExport(t *testing.T) {
	fx := newNIRFixture(t)
	app := fx.app
	ctx := context.Background()
	l := app.client()
	l.login("leder@k.no")

	// The exports page: every export, the NIR counts, the menu entry current.
	clMust(t, l.get("/reports"), http.StatusOK, `href="/reports" aria-current="page"`, "Rapporter",
		`action="/reports/settlement.csv"`, `formaction="/reports/settlement.xlsx"`, `action="/reports/nir.csv"`, `formaction="/reports/nir.xlsx"`,
		`action="/reports/payroll"`, `formaction="/reports/payroll.csv"`, `href="/reports/nir/check?unit=`,
		`data-testid="nir-programmes">3</`, `data-testid="nir-changed">3</`, `value="2025-06"`)

	// The whole file: Amina's four element lines (versions in order; the
	// holiday before the start is not counted), Eva's and Omar's one each.
	rows := readNIRCSV(t, l.get("/reports/nir.csv"))
	if len(rows) != 1+4+1+1 {
		t.Fatalf("rows: %d %v", len(rows), rows)
	}
	head := rows[0]
	col := func(name string) int {
		for i, h := range head {
			if h == name {
				return i
			}
		}
		t.Fatalf("no column %q in %v", name, head)
		return -1
	}
	a := rows[1]
	want := map[string]string{"Person-ID": itoa64(fx.amina), "Etternavn": "Haidari", "Enhet": "Øst", "Endring": "Ny", "Vedtak": "Innvilget",
		"Vedtaksdato (tilbud)": "2025-01-02", "Startdato": "2025-01-06", "Planlagt slutt": "2027-01-05", "Sluttmål": "Arbeid",
		"Kompetansekartlegging": "2024-12-01", "Karriereveiledning": "2024-12-15", "Integreringskontrakt": "2025-01-20",
		"Permisjoner": "2025-02-03–2025-02-07", "Permisjonsdager": "5", "Stans (avbrudd)": "2025-06-02–",
		"Fravær sykdom (t)": "15", "Ugyldig fravær (t)": "1,5", "Fravær ferie (t)": "0",
		"Tiltak nr": "1", "Tiltak": "Norskopplæring", "Beskrivelse": "'=1+1", "Omfang (t/uke)": "15", "Tiltak fra": "2025-01-06", "Tiltak til": "2025-03-02"}
	for k, v := range want {
		if got := a[col(k)]; got != v {
			t.Errorf("Amina %s = %q, want %q", k, got, v)
		}
	}
	if rows[3][col("Tiltak nr")] != "3" || rows[3][col("Omfang (t/uke)")] != "22,5" || rows[3][col("Tiltak til")] != "" {
		t.Errorf("Amina's third element: %v", rows[3])
	}
	if rows[4][col("Tiltak")] != "Jobbsøking" || rows[4][col("Tiltak fra")] != "2025-04-04" || rows[4][col("Tiltak til")] != "2025-06-27" {
		t.Errorf("Amina's fourth element: %v", rows[4])
	}
	e := rows[5]
	if e[col("Etternavn")] != `'=HYPERLINK("http://x")` || e[col("Vedtak")] != "Avslått" || e[col("Tiltak nr")] != "" {
		t.Errorf("Eva's line: %v", e)
	}
	if rows[6][col("Sluttdato")] != "2025-05-31" || rows[6][col("Avslutningsårsak")] != "" {
		t.Errorf("Omar's line: %v", rows[6])
	}

	// Every programme is now marked: nothing changed.
	rows = readNIRCSV(t, l.get("/reports/nir.csv?changed=1"))
	if len(rows) != 1 {
		t.Fatalf("changed right after an export: %v", rows)
	}
	clMust(t, l.get("/reports"), http.StatusOK, `data-testid="nir-changed">0</`, `data-testid="nir-export"`)
	// An absence, a new element, a pause and an edit each make a change.
	if _, err := app.DB.Pool.Exec(ctx, `UPDATE attendance SET absent_minutes = 450, reason = 'sick_child' WHERE person_id = $1 AND day = '2025-01-10'`, fx.amina); err != nil {
		t.Fatal(err)
	}
	if _, err := app.DB.Pool.Exec(ctx, `UPDATE programmes SET end_reason = 'work', updated_at = now() WHERE person_id = $1`, fx.stopped); err != nil {
		t.Fatal(err)
	}
	// A present day does not.
	if _, err := app.DB.Pool.Exec(ctx, `INSERT INTO attendance (person_id, day, present_minutes) VALUES ($1, '2025-01-06', 450)`, fx.evil); err != nil {
		t.Fatal(err)
	}
	rows = readNIRCSV(t, l.get("/reports/nir.csv?changed=1"))
	if len(rows) != 1+4+1 || rows[1][col("Endring")] != "Endret" || rows[1][col("Fravær sykt barn (t)")] != "7,5" ||
		rows[1][col("Forrige uttrekk")] == "" || rows[5][col("Avslutningsårsak")] != "Overgang til arbeid" {
		t.Fatalf("changed: %v", rows)
	}
	if rows = readNIRCSV(t, l.get("/reports/nir.csv?changed=1")); len(rows) != 1 {
		t.Fatalf("changed twice: %v", rows)
	}
	if _, err := app.DB.Pool.Exec(ctx, `INSERT INTO programme_pauses (person_id, kind, reason, from_date, to_date) VALUES ($1, 'leave', 'x', '2024-02-01', '2024-02-02')`, fx.evil); err != nil {
		t.Fatal(err)
	}
	if rows = readNIRCSV(t, l.get("/reports/nir.csv?changed=1")); len(rows) != 2 || rows[1][col("Person-ID")] != itoa64(fx.evil) {
		t.Fatalf("a pause: %v", rows)
	}

	// The check page reads; it never marks.
	if _, err := app.DB.Pool.Exec(ctx, `UPDATE programmes SET refusal_reason = 'Ikke rett', updated_at = now() WHERE person_id = $1`, fx.evil); err != nil {
		t.Fatal(err)
	}
	clMust(t, l.get("/reports/nir/check"), http.StatusOK, "Kontrollrapport for NIR")
	if rows = readNIRCSV(t, l.get("/reports/nir.csv?changed=1")); len(rows) != 2 {
		t.Fatalf("after the check page: %v", rows)
	}

	// XLSX: the whole file again, read back; numbers as numbers, a formula
	// name kept as text.
	r := l.get("/reports/nir.xlsx")
	if r.Status != http.StatusOK || !strings.Contains(r.Header.Get("Content-Disposition"), "nir-ost-2025-07-03.xlsx") {
		t.Fatalf("xlsx: %d %v", r.Status, r.Header)
	}
	f, err := excelize.OpenReader(bytes.NewReader([]byte(r.Body)))
	if err != nil {
		t.Fatal(err)
	}
	xrows, err := f.GetRows("NIR")
	if err != nil || len(xrows) != 7 || xrows[0][0] != "Person-ID" || xrows[0][len(xrows[0])-1] != "Tiltak til" {
		t.Fatalf("xlsx rows: %d %v", len(xrows), err)
	}
	if typ, _ := f.GetCellType("NIR", "A2"); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		t.Errorf("person id cell type %v", typ)
	}
	if v, _ := f.GetCellValue("NIR", "AH2", excelize.Options{RawCellValue: true}); v != "15" {
		t.Errorf("scope: %q", v)
	}
	if v, _ := f.GetCellFormula("NIR", "C6"); v != "" {
		t.Errorf("a formula in the workbook: %q", v)
	}
	if v, _ := f.GetCellValue("NIR", "C6"); v != `=HYPERLINK("http://x")` {
		t.Errorf("Eva's name: %q", v)
	}

	// Exports and their audit rows: the same transaction.
	var exports, audits, marks int
	if err := app.DB.Pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM nir_exports), (SELECT count(*) FROM audit_events WHERE action = 'export' AND entity = 'nir_export' AND details->>'selection' <> 'check'),
		(SELECT count(*) FROM nir_marks)`).Scan(&exports, &audits, &marks); err != nil {
		t.Fatal(err)
	}
	if exports != 7 || audits != 7 || marks != 3 {
		t.Errorf("exports %d, audits %d, marks %d", exports, audits, marks)
	}

	// A re-send of the first export: the programmes still marked by it
	// (none: each was exported again since); of the last: all three.
	var first, last int64
	if err := app.DB.Pool.QueryRow(ctx, `SELECT min(id), max(id) FROM nir_exports`).Scan(&first, &last); err != nil {
		t.Fatal(err)
	}
	if rows = readNIRCSV(t, l.get("/reports/nir.csv?resend="+itoa64(first))); len(rows) != 1 {
		t.Errorf("resend first: %v", rows)
	}
	if rows = readNIRCSV(t, l.get("/reports/nir.csv?resend="+itoa64(last))); len(rows) != 7 {
		t.Errorf("resend last: %d", len(rows))
	}
	if err := app.DB.Pool.QueryRow(ctx, `SELECT count(*) FROM nir_exports`).Scan(&exports); err != nil || exports != 7 {
		t.Errorf("a re-send made an export row: %d %v", exports, err)
	}
	clMust(t, l.get("/reports"), http.StatusOK, `href="/reports/nir.csv?resend=`+itoa64(last)+`"`)

	// A merge moves a marked programme to the survivor: the mark follows,
	// and the programme counts as changed (another person in the file).
	survivor := fx.spare
	if _, err := app.DB.Pool.Exec(ctx, `UPDATE programmes SET person_id = $2 WHERE person_id = $1`, fx.stopped, survivor); err != nil {
		t.Fatal(err)
	}
	if rows = readNIRCSV(t, l.get("/reports/nir.csv?changed=1")); len(rows) != 2 || rows[1][col("Person-ID")] != itoa64(survivor) ||
		rows[1][col("Endring")] != "Endret" {
		t.Errorf("after a merge: %v", rows)
	}
}

func TestNIRScope(t *testing.T) {
	fx := newNIRFixture(t)
	app := fx.app
	vest, ost := strconv.FormatInt(fx.vestUnit, 10), strconv.FormatInt(fx.ostUnit, 10)
	// Roles without the capability: 403 everywhere, no menu entry.
	for _, email := range []string{"kari@k.no", "helse@k.no"} {
		c := app.client()
		c.login(email)
		for _, p := range []string{"/reports", "/reports/nir.csv", "/reports/nir.xlsx", "/reports/nir/check", "/reports/nir/check.csv"} {
			if r := c.get(p); r.Status != http.StatusForbidden {
				t.Errorf("%s %s: %d", email, p, r.Status)
			}
		}
		if strings.Contains(c.get("/").Body, `href="/reports"`) {
			t.Errorf("%s sees the menu entry", email)
		}
	}
	// A leader: another unit's id is 404, a malformed one too.
	l := app.client()
	l.login("leder@k.no")
	for _, p := range []string{"/reports?unit=" + vest, "/reports/nir.csv?unit=" + vest, "/reports/nir.xlsx?unit=" + vest,
		"/reports/nir/check?unit=" + vest, "/reports/nir/check.csv?unit=" + vest, "/reports/nir.csv?unit=x", "/reports/nir.csv?resend=x", "/reports?unit=99999999999999999999"} {
		if r := l.get(p); r.Status != http.StatusNotFound {
			t.Errorf("leader %s: %d", p, r.Status)
		}
	}
	// NUL and invalid UTF-8: a clean 400.
	for _, p := range []string{"/reports/nir/check?unit=%00", "/reports/nir.xlsx?resend=%FF"} {
		if r := l.get(p); r.Status != http.StatusBadRequest {
			t.Errorf("leader %s: %d", p, r.Status)
		}
	}
	// Vest's leader may not re-send Øst's export.
	rows := readNIRCSV(t, l.get("/reports/nir.csv"))
	if len(rows) != 1+4+1+1 {
		t.Fatalf("leader rows %d", len(rows))
	}
	var id int64
	if err := app.DB.Pool.QueryRow(context.Background(), `SELECT max(id) FROM nir_exports`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	vl := app.client()
	vl.login("leder-vest@k.no")
	if r := vl.get("/reports/nir.csv?resend=" + itoa64(id)); r.Status != http.StatusNotFound {
		t.Errorf("vest resends øst: %d", r.Status)
	}
	if r := vl.get("/reports/nir.csv?resend=999999"); r.Status != http.StatusNotFound {
		t.Errorf("unknown export: %d", r.Status)
	}
	if rows := readNIRCSV(t, vl.get("/reports/nir.csv")); len(rows) != 3 {
		t.Errorf("vest leader rows %d", len(rows))
	}
	// An admin: every unit by default (Øst changed nothing since; Vest's
	// were exported by Vest's leader), a chosen unit, a unit picker.
	a := app.client()
	a.login("admin@k.no")
	clMust(t, a.get("/reports"), http.StatusOK, `data-testid="nir-unit">Alle enheter</`, `name="unit"`, `data-testid="nir-programmes">5</`, `data-testid="nir-changed">0</`)
	if rows := readNIRCSV(t, a.get("/reports/nir.csv")); len(rows) != 1+6+2 {
		t.Errorf("admin all rows %d", len(rows))
	}
	if rows := readNIRCSV(t, a.get("/reports/nir.csv?unit="+ost)); len(rows) != 1+6 {
		t.Errorf("admin øst rows %d", len(rows))
	}
	clMust(t, a.get("/reports/nir/check"), http.StatusOK, "Alle enheter", "Vestby")
	clMust(t, a.get("/reports/nir/check?unit="+vest), http.StatusOK, "Vest")
}

func TestNIRCheckReport(t *testing.T) {
	fx := newNIRFixture(t)
	app := fx.app
	l := app.client()
	l.login("leder@k.no")
	r := l.get("/reports/nir/check")
	clMust(t, r, http.StatusOK, "Kontrollrapport for NIR", `href="/persons/`+itoa64(fx.evil)+`/programme"`,
		`href="/persons/`+itoa64(fx.stopped)+`/programme"`, "Avslag uten begrunnelse", "Avsluttet uten avslutningsårsak",
		"Vedtak eldre enn 2 måneder er ikke rapportert til NIR", `data-testid="count-refused_no_reason">1</`,
		`data-testid="count-decision_unreported">3</`, "3 deltakere med funn", `href="/reports/nir/check.csv"`)
	if strings.Contains(r.Body, "Vestby") || strings.Contains(r.Body, `name="unit"`) {
		t.Error("a leader sees another unit or a unit picker")
	}
	c := l.get("/reports/nir/check.csv")
	if c.Status != http.StatusOK || !strings.HasPrefix(c.Body, "\uFEFFPerson-ID;Etternavn;Fornavn;Enhet;Type;Funn;Kode\r\n") {
		t.Fatalf("check csv: %d %q", c.Status, c.Body)
	}
	if !strings.Contains(c.Body, itoa64(fx.evil)+`;"'=HYPERLINK(""http://x"")";Eva;Øst;Mangler;Avslag uten begrunnelse;refused_no_reason`) {
		t.Errorf("check csv: %q", c.Body)
	}
	// Exported: the late decisions are reported; the rest stays.
	readNIRCSV(t, l.get("/reports/nir.csv"))
	r = l.get("/reports/nir/check")
	clMust(t, r, http.StatusOK, "Avslag uten begrunnelse")
	if strings.Contains(r.Body, "ikke rapportert") {
		t.Error("an exported decision is still unreported")
	}
	var audits int
	if err := app.DB.Pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_events WHERE entity = 'nir_export' AND details->>'selection' = 'check'`).Scan(&audits); err != nil || audits != 1 {
		t.Errorf("check csv audit rows %d %v", audits, err)
	}
}

// TestNIRExportReadPool: with a read pool, the file's lines are read there
// only when its snapshot holds the export just committed on the primary; a
// replica that does not (lagging; here a second database that never will)
// is passed over for the primary, so the file is whole all the same.
func TestNIRExportReadPool(t *testing.T) {
	fx := newNIRFixture(t)
	app := fx.app
	if err := app.DB.OpenRead(context.Background(), pgtest.URL(t)+"&application_name=ankomst-replica-test"); err != nil {
		t.Fatal(err)
	}
	l := app.client()
	l.login("leder@k.no")
	if rows := readNIRCSV(t, l.get("/reports/nir.csv")); len(rows) != 1+4+1+1 {
		t.Fatalf("with a lagging read pool: %d rows, want 7: %v", len(rows), rows)
	}
	if rows := readNIRCSV(t, l.get("/reports/nir.csv?changed=1")); len(rows) != 1 {
		t.Fatalf("changed only after a full export: %d rows, want the header: %v", len(rows), rows)
	}
}

// TestNIRExportReadPoolInStep: a read pool that holds the export (here the
// primary's own pool as the "replica") streams the file there, programmes
// and elements on two of its connections in one snapshot, and the file is
// the primary's line for line.
func TestNIRExportReadPoolInStep(t *testing.T) {
	fx := newNIRFixture(t)
	app := fx.app
	l := app.client()
	l.login("leder@k.no")
	want := readNIRCSV(t, l.get("/reports/nir.csv"))
	app.DB.Read = app.DB.Pool
	defer func() { app.DB.Read = nil }()
	got := readNIRCSV(t, l.get("/reports/nir.csv"))
	if len(got) != 1+4+1+1 || len(got) != len(want) {
		t.Fatalf("through the read pool: %d rows, want %d: %v", len(got), len(want), got)
	}
	strip := func(row []string) string { // «Endring» and «Forrige uttrekk» tell the second export from the first
		return strings.Join(append(append([]string{}, row[:6]...), row[8:]...), ";")
	}
	for i := range got {
		if g, w := strip(got[i]), strip(want[i]); g != w {
			t.Errorf("line %d through the read pool:\n got %s\nwant %s", i, g, w)
		}
	}
}

// TestNIRCSVQuoting: the programme's cells are encoded once per programme
// and the element's per line; names and descriptions holding the separator,
// quotes, line breaks or a leading space still read back whole, and every
// line has every column.
func TestNIRCSVQuoting(t *testing.T) {
	fx := newNIRFixture(t)
	app := fx.app
	ctx := context.Background()
	if _, err := app.DB.Pool.Exec(ctx, `UPDATE persons SET family_name = $2 WHERE id = $1`, fx.amina, ` Hai;da"ri`); err != nil {
		t.Fatal(err)
	}
	if _, err := app.DB.Pool.Exec(ctx, `UPDATE plan_elements SET description = $1 WHERE description = 'Butikk'`, "a;\"b\"\nc"); err != nil {
		t.Fatal(err)
	}
	l := app.client()
	l.login("leder@k.no")
	r := l.get("/reports/nir.csv")
	if r.Status != http.StatusOK || !strings.HasPrefix(r.Body, "\uFEFFPerson-ID;") {
		t.Fatalf("csv: %d %.300s", r.Status, r.Body)
	}
	cr := csv.NewReader(strings.NewReader(strings.TrimPrefix(r.Body, "\uFEFF")))
	cr.Comma = ';'
	rows, err := cr.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 7 {
		t.Fatalf("%d rows: %q", len(rows), rows)
	}
	found := false
	for _, row := range rows[1:] {
		if len(row) != len(rows[0]) {
			t.Errorf("a line of %d columns, the header has %d: %q", len(row), len(rows[0]), row)
		}
		if row[0] == itoa64(fx.amina) {
			if row[2] != ` Hai;da"ri` {
				t.Errorf("family name %q", row[2])
			}
			if row[len(row)-4] == "a;\"b\"\r\nc" || row[len(row)-4] == "a;\"b\"\nc" {
				found = true
			}
		}
	}
	if !found {
		t.Errorf("the description with separator, quotes and a line break did not read back: %q", rows)
	}
}
