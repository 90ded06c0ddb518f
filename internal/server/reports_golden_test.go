package server_test

import (
	"archive/zip"
	"bytes"
	"context"
	"flag"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var updateGolden = flag.Bool("update-golden", false, "rewrite the golden files in testdata")

// TestNIRFileGolden pins the NIR file byte for byte: the CSV (whole, and a
// changed-only file after changes) and the workbook's sheet, shared strings
// and styles, on a small fixed dataset that covers every column and the
// CSV's quoting cases. The person ids (database-assigned) and the previous
// export's time (the database's clock) are replaced by tokens before the
// comparison. Rewrite with: go test ./internal/server -run TestNIRFileGolden -update-golden
func TestNIRFileGolden(t *testing.T) {
	fx := newNIRFixture(t)
	app := fx.app
	ctx := context.Background()
	exec := func(sql string, args ...any) {
		t.Helper()
		if _, err := app.DB.Pool.Exec(ctx, sql, args...); err != nil {
			t.Fatal(err)
		}
	}
	// The cases the fixture lacks: every absence reason, an extension, an
	// end with reason and main activity, a version replaced on its first
	// day (never in force), text that must be quoted (separator, quote,
	// line breaks, a leading space, a lone `\.`), a leading tab or minus.
	exec(`UPDATE persons SET family_name = $2, given_name = $3 WHERE id = $1`, fx.amina, ` Hai;da"ri`, `\.`)
	exec(`UPDATE programmes SET extension_months = 6, refusal_reason = '' WHERE person_id = $1`, fx.amina)
	exec(`UPDATE plan_elements SET description = $1 WHERE description = 'Butikk'`, "a;\"b\"\r\nc\nd")
	exec(`UPDATE plan_elements SET description = $1 WHERE description = '' AND minutes_per_week = 1350`, "\t-tab")
	exec(`INSERT INTO attendance (person_id, day, absent_minutes, reason) VALUES
		($1, '2025-02-10', 30, 'self_certified'), ($1, '2025-02-11', 45, 'sick_child'), ($1, '2025-02-12', 450, 'welfare_leave'),
		($1, '2025-02-13', 450, 'holiday'), ($1, '2025-02-14', 1, 'unexcused')`, fx.amina)
	exec(`UPDATE programmes SET end_reason = 'work', end_activity = 'work_part', refusal_reason = '-neg' WHERE person_id = $1`, fx.stopped)
	exec(`INSERT INTO programme_pauses (person_id, kind, reason, from_date, to_date) VALUES
		($1, 'leave', 'a', '2025-03-01', '2025-03-10'), ($1, 'interruption', 'b', '2025-04-01', '2025-04-02'),
		($1, 'interruption', 'c', '2025-04-20', '2025-04-22')`, fx.stopped)
	var v int64
	if err := app.DB.Pool.QueryRow(ctx, `INSERT INTO plan_versions (person_id, valid_from) VALUES ($1, '2025-01-06') RETURNING id`, fx.stopped).Scan(&v); err != nil {
		t.Fatal(err)
	}
	var v2 int64
	if err := app.DB.Pool.QueryRow(ctx, `INSERT INTO plan_versions (person_id, valid_from) VALUES ($1, '2025-01-06') RETURNING id`, fx.stopped).Scan(&v2); err != nil {
		t.Fatal(err)
	}
	exec(`INSERT INTO plan_elements (plan_version_id, kind, description, minutes_per_week, weekdays, position) VALUES
		($1, 'other', 'never in force', 60, '{1}', 0), ($2, 'education', '@skole', 1, '{1}', 0), ($2, 'life_skills', 'x', 2250, '{2}', 1)`, v, v2)

	l := app.client()
	l.login("admin@k.no")
	ids := map[string]string{itoa64(fx.amina): "{amina}", itoa64(fx.evil): "{evil}", itoa64(fx.stopped): "{stopped}"}
	var vest []string
	rows, err := app.DB.Pool.Query(ctx, `SELECT p.id::text FROM persons p JOIN programmes g ON g.person_id = p.id WHERE p.unit_id = $1 ORDER BY p.id`, fx.vestUnit)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		vest = append(vest, id)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	for i, id := range vest {
		ids[id] = "{vest" + itoa64(int64(i+1)) + "}"
	}

	full := l.get("/reports/nir.csv")
	readNIRCSV(t, full)
	golden(t, "nir_full.csv", normaliseNIRCSV(t, full.Body, ids))

	// After changes: a changed-only file with «Endret» and the previous
	// export's time.
	exec(`UPDATE programmes SET updated_at = now() WHERE person_id IN ($1, $2)`, fx.amina, fx.stopped)
	changed := l.get("/reports/nir.csv?changed=1")
	readNIRCSV(t, changed)
	golden(t, "nir_changed.csv", normaliseNIRCSV(t, changed.Body, ids))

	x := l.get("/reports/nir.xlsx")
	if x.Status != 200 {
		t.Fatalf("xlsx: %d", x.Status)
	}
	zr, err := zip.NewReader(strings.NewReader(x.Body), int64(len(x.Body)))
	if err != nil {
		t.Fatal(err)
	}
	var parts []string
	for _, f := range zr.File {
		parts = append(parts, f.Name)
	}
	golden(t, "nir_xlsx_parts.txt", strings.Join(parts, "\n")+"\n")
	for _, name := range []string{"xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "xl/styles.xml"} {
		f, err := zr.Open(name)
		if err != nil {
			continue // not every workbook has shared strings
		}
		b, err := io.ReadAll(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		golden(t, "nir_"+strings.ReplaceAll(filepath.Base(name), ".xml", "")+".xml", normaliseNIRSheet(string(b), ids))
	}
}

// normaliseNIRCSV replaces a person id starting a line and the previous
// export's time (the file's only date with a time of day) by tokens.
func normaliseNIRCSV(t *testing.T, body string, ids map[string]string) string {
	t.Helper()
	lines := strings.SplitAfter(body, "\r\n")
	for i, l := range lines {
		if first, rest, ok := strings.Cut(l, ";"); ok {
			if tok, known := ids[first]; known {
				lines[i] = tok + ";" + rest
			}
		}
	}
	return csvPrevTime.ReplaceAllString(strings.Join(lines, ""), ";{prev};")
}

var csvPrevTime = regexp.MustCompile(`;[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2};`)

var (
	sheetIDCell   = regexp.MustCompile(`(<c r="A[0-9]+"[^>]*><v>)([0-9]+)(</v>)`)
	sheetPrevCell = regexp.MustCompile(`(<c r="H[0-9]+"[^>]*><is><t>)([0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2})(</t></is>)`)
)

// normaliseNIRSheet replaces the person ids in column A and the previous
// export's times in column H by tokens.
func normaliseNIRSheet(s string, ids map[string]string) string {
	s = sheetIDCell.ReplaceAllStringFunc(s, func(m string) string {
		p := sheetIDCell.FindStringSubmatch(m)
		if tok, ok := ids[p[2]]; ok {
			return p[1] + tok + p[3]
		}
		return m
	})
	return sheetPrevCell.ReplaceAllString(s, "${1}{prev}${3}")
}

// golden compares got with testdata/name (or writes it with -update-golden).
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *updateGolden {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (write it with -update-golden)", err)
	}
	if !bytes.Equal(want, []byte(got)) {
		i := 0
		for i < len(want) && i < len(got) && want[i] == got[i] {
			i++
		}
		lo := max(0, i-200)
		t.Errorf("%s differs at byte %d:\nwant …%q…\ngot  …%q…", name, i, want[lo:min(len(want), i+200)], got[lo:min(len(got), i+200)])
	}
}
