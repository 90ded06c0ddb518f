package server

import (
	"bufio"
	"io"
	"strconv"
	"testing"
	"time"

	"ankomst/internal/postgres"

	"github.com/xuri/excelize/v2"
)

// nirBenchLines are synthetic lines shaped like the bench's: n programmes
// of three elements each.
func nirBenchLines(n int) []postgres.NIRLine {
	d := func(t time.Time) *time.Time { return &t }
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	prev := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	var out []postgres.NIRLine
	kinds := []string{"norwegian", "work_practice", "social_studies"}
	texts := []string{"Norsk spor 2", "Praksis", ""}
	mins := []int{900, 900, 180}
	for i := range n {
		s := base.AddDate(0, 0, i%600)
		l := postgres.NIRLine{PersonID: int64(100000 + i), DUFNumber: "000012345678", FamilyName: "Haidari", GivenName: "Amina",
			BirthDate: base.AddDate(-30, 0, i%365), UnitName: "Flyktningtjenesten Øst", PrevExportedAt: &prev, Decision: "granted",
			DecisionDate: d(s), StartDate: d(s.AddDate(0, 0, 14)), PlannedEnd: d(s.AddDate(0, 0, 744)), EndGoal: "work",
			MappingOn: d(s.AddDate(0, 0, -30)), GuidanceOn: d(s.AddDate(0, 0, -20)), ContractOn: d(s.AddDate(0, 0, 21)),
			AbsenceMinutes: [6]int{450, 450, 0, 0, 450, 450}}
		if i%15 == 0 {
			l.Leaves, l.LeaveDays = "2024-03-01–2024-03-15", 15
		}
		if i%5 == 0 {
			l.EndedOn, l.EndReason, l.EndActivity = d(s.AddDate(0, 0, 314)), "completed", "work_full"
		}
		for e := range 3 {
			l.Element, l.ElementKind, l.ElementText, l.ElementMinutes = e+1, kinds[e], texts[e], mins[e]
			l.ElementFrom = d(s.AddDate(0, 0, 14))
			out = append(out, l)
		}
	}
	return out
}

func BenchmarkNIRCSVLines(b *testing.B) {
	lines := nirBenchLines(10000)
	b.ReportAllocs()
	for b.Loop() {
		bw := bufio.NewWriterSize(io.Discard, 64<<10)
		var c nirCSVLines
		for i := range lines {
			if err := c.write(bw, &lines[i]); err != nil {
				b.Fatal(err)
			}
		}
		bw.Flush()
	}
}

func BenchmarkNIRXLSXRows(b *testing.B) {
	lines := nirBenchLines(2000)
	b.ReportAllocs()
	for b.Loop() {
		x := excelize.NewFile()
		sw, err := x.NewStreamWriter("Sheet1")
		if err != nil {
			b.Fatal(err)
		}
		var rows nirXLSXRows
		for i := range lines {
			if err := sw.SetRow("A"+strconv.Itoa(i+2), rows.cells(&lines[i])); err != nil {
				b.Fatal(err)
			}
		}
		if err := sw.Flush(); err != nil {
			b.Fatal(err)
		}
		x.SetZipWriter(func(w io.Writer) excelize.ZipWriter { return newFastZipWriter(w) })
		if err := x.Write(io.Discard); err != nil {
			b.Fatal(err)
		}
		x.Close()
	}
}
