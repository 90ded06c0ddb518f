package server

import (
	"bufio"
	"encoding/csv"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"ankomst/internal/domain"
	"ankomst/internal/postgres"
	"ankomst/web/layout"
	"ankomst/web/paths"
	"ankomst/web/reports"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/xuri/excelize/v2"
)

// reportRoutes registers the exports page, the NIR programme file and its
// check report. (The settlement report's files are the ledger's routes; the
// payroll basis is payrollRoutes.)
func (s *Server) reportRoutes(r chi.Router) {
	r.Get(paths.Reports(), s.reportsPage)
	r.Get(paths.ReportNIR()+".csv", s.nirCSV)
	r.Get(paths.ReportNIR()+".xlsx", s.nirXLSX)
	r.Get(paths.ReportNIRCheck(), s.nirCheckPage)
	r.Get(paths.ReportNIRCheck()+".csv", s.nirCheckCSV)
}

// reportUnit reads ?unit=ID (0 without one: every unit for admins, the own
// unit for leaders). A malformed id is ENOTFOUND.
func reportUnit(r *http.Request) (int64, error) {
	v := strings.TrimSpace(r.URL.Query().Get("unit"))
	if v == "" {
		return 0, nil
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return 0, domain.Errorf(domain.ENOTFOUND, "Fant ikke enheten.")
	}
	return id, nil
}

// unitQuery is ?unit=ID for a chosen unit, nothing for every unit.
func unitQuery(unitID int64) url.Values {
	v := url.Values{}
	if unitID != 0 {
		v.Set("unit", strconv.FormatInt(unitID, 10))
	}
	return v
}

// reportsPage is GET /reports?unit=ID: every export with its form.
func (s *Server) reportsPage(w http.ResponseWriter, r *http.Request) {
	if !s.allow(w, r, domain.CapLeaderViews) {
		return
	}
	u := currentUser(r)
	unitID, err := reportUnit(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	st, err := s.DB.NIRStatus(r.Context(), scope(r), unitID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	today := domain.Today(s.DB.Now())
	v := reports.View{User: u, Year: strconv.Itoa(today.Year()), UnitName: st.UnitName,
		Programmes: domain.FormatKroner(int64(st.Programmes)), Changed: domain.FormatKroner(int64(st.Changed)),
		CheckURL:   paths.WithQuery(paths.ReportNIRCheck(), unitQuery(st.UnitID)),
		Month:      domain.FormatISOMonth(domain.MonthStart(today).AddDate(0, -1, 0)),
		CanPayroll: u.Role.Can(domain.CapPayroll), PayrollUnit: strconv.FormatInt(u.UnitID, 10)}
	if st.UnitID != 0 {
		v.UnitID = strconv.FormatInt(st.UnitID, 10)
		v.PayrollUnit = v.UnitID
	}
	if u.Role.Can(domain.CapAllUnits) {
		v.Units = []domain.Option{}
		for _, un := range st.Units {
			v.Units = append(v.Units, domain.Option{Value: strconv.FormatInt(un.ID, 10), Label: un.Name})
		}
	}
	for _, e := range st.Exports {
		what := "Alle"
		if e.ChangedOnly {
			what = "Bare nye og endrede"
		}
		q := url.Values{"resend": {strconv.FormatInt(e.ID, 10)}}
		v.Exports = append(v.Exports, reports.Export{At: domain.FormatDateTime(e.ExportedAt), By: e.ByName, Unit: e.UnitName,
			What: what, Programmes: domain.FormatKroner(int64(e.Programmes)), StillMarked: domain.FormatKroner(int64(e.StillMarked)),
			CSVURL: paths.WithQuery(paths.ReportNIR()+".csv", q), XLSXURL: paths.WithQuery(paths.ReportNIR()+".xlsx", q)})
	}
	s.render(w, r, http.StatusOK, reports.Page(v))
}

// nirFilter reads the export's query: unit, changed=1, resend=ID.
func (s *Server) nirFilter(w http.ResponseWriter, r *http.Request) (postgres.NIRFilter, bool) {
	if !s.allow(w, r, domain.CapLeaderViews) {
		return postgres.NIRFilter{}, false
	}
	var f postgres.NIRFilter
	var err error
	if f.UnitID, err = reportUnit(r); err != nil {
		s.fail(w, r, err)
		return f, false
	}
	q := r.URL.Query()
	f.ChangedOnly = q.Get("changed") == "1"
	if v := q.Get("resend"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			s.fail(w, r, domain.Errorf(domain.ENOTFOUND, "Fant ikke uttrekket."))
			return f, false
		}
		f.ResendID = id
	}
	return f, true
}

// nirFilename is "nir-<unit>-<yyyy-mm-dd>[-endret|-uttrekk-N].<ext>", ASCII.
func nirFilename(h postgres.NIRHead, f postgres.NIRFilter, today time.Time, ext string) string {
	unit := "alle-enheter"
	if h.UnitID != 0 {
		unit = asciiSlug(h.UnitName, h.UnitID)
	}
	name := "nir-" + unit + "-" + today.Format("2006-01-02")
	switch {
	case f.ResendID != 0:
		name += "-uttrekk-" + strconv.FormatInt(f.ResendID, 10)
	case f.ChangedOnly:
		name += "-endret"
	}
	return name + "." + ext
}

// asciiSlug is a unit's name for a filename: lower-case ASCII with dashes.
func asciiSlug(name string, id int64) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == 'æ':
			b.WriteString("ae")
		case r == 'ø':
			b.WriteString("o")
		case r == 'å':
			b.WriteString("a")
		default:
			if s := b.String(); s != "" && !strings.HasSuffix(s, "-") {
				b.WriteByte('-')
			}
		}
	}
	if s := strings.Trim(b.String(), "-"); s != "" {
		return s
	}
	return "enhet-" + strconv.FormatInt(id, 10)
}

// nirColumns are the file's columns. One line per plan element; the
// programme's fields repeat on each; a programme without elements has one
// line with the element columns empty. Dates are YYYY-MM-DD, hours plain
// numbers with a decimal comma.
var nirColumns = []string{"Person-ID", "DUF-nummer", "Etternavn", "Fornavn", "Fødselsdato", "Enhet", "Endring", "Forrige uttrekk",
	"Vedtak", "Vedtaksdato (tilbud)", "Avslagsgrunn", "Startdato", "Planlagt slutt", "Forlenget (måneder)", "Sluttmål",
	"Kompetansekartlegging", "Karriereveiledning", "Integreringskontrakt",
	"Permisjoner", "Permisjonsdager", "Stans (avbrudd)",
	"Fravær sykdom (t)", "Fravær egenmelding (t)", "Fravær sykt barn (t)", "Fravær velferdspermisjon (t)", "Fravær ferie (t)", "Ugyldig fravær (t)",
	"Sluttdato", "Avslutningsårsak", "Hovedaktivitet ved avslutning",
	"Tiltak nr", "Tiltak", "Beskrivelse", "Omfang (t/uke)", "Tiltak fra", "Tiltak til"}

// nirChange is "Ny" for a programme's first export, "Endret" after.
func nirChange(l *postgres.NIRLine) string {
	if l.PrevExportedAt == nil {
		return "Ny"
	}
	return "Endret"
}

func isoDate(d *time.Time) string { return domain.FormatISODate(d) }

func isoMoment(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.In(domain.Oslo).Format("2006-01-02 15:04")
}

// nirElementColumns is how many columns at the end describe the element.
const nirElementColumns = 6

// nirProgrammeTexts are the programme's cells (every column before the element's).
func nirProgrammeTexts(l *postgres.NIRLine, out []string) []string {
	decision := ""
	if l.Decision != "" {
		decision = domain.Label(domain.Decisions(), l.Decision)
	}
	out = append(out, strconv.FormatInt(l.PersonID, 10), l.DUFNumber, l.FamilyName, l.GivenName, l.BirthDate.Format("2006-01-02"),
		l.UnitName, nirChange(l), isoMoment(l.PrevExportedAt),
		decision, isoDate(l.DecisionDate), l.RefusalReason, isoDate(l.StartDate), isoDate(l.PlannedEnd), strconv.Itoa(l.Extension),
		optLabel(domain.EndGoals(), l.EndGoal), isoDate(l.MappingOn), isoDate(l.GuidanceOn), isoDate(l.ContractOn),
		l.Leaves, strconv.Itoa(l.LeaveDays), l.Interruptions)
	for _, m := range l.AbsenceMinutes {
		out = append(out, plainHours(m))
	}
	return append(out, isoDate(l.EndedOn), optLabel(domain.EndReasons(), l.EndReason), optLabel(domain.EndActivities(), l.EndActivity))
}

// optLabel is a code's label, "" for none.
func optLabel(opts []domain.Option, v string) string {
	if v == "" {
		return ""
	}
	return domain.Label(opts, v)
}

// nirCSV is GET /reports/nir.csv?unit=ID&changed=1&resend=ID: the NIR file
// for Norwegian Excel (BOM, semicolons, CRLF, text defused), streamed from
// the store's cursor; the export, its marks and its audit row are committed
// before the first byte.
func (s *Server) nirCSV(w http.ResponseWriter, r *http.Request) {
	f, ok := s.nirFilter(w, r)
	if !ok {
		return
	}
	today := domain.Today(s.DB.Now())
	var (
		cw    *csv.Writer
		bw    *bufio.Writer
		lines nirCSVLines
	)
	err := s.DB.ExportNIR(r.Context(), scope(r), f, "csv", func(h postgres.NIRHead) error {
		setDownloadHeaders(w, "text/csv; charset=utf-8", nirFilename(h, f, today, "csv"))
		w.WriteHeader(http.StatusOK)
		if _, err := io.WriteString(w, "\uFEFF"); err != nil {
			return err
		}
		// 64 KiB writes instead of csv.Writer's own 4 KiB buffer
		// (csv.NewWriter keeps a *bufio.Writer this large as it is).
		bw = bufio.NewWriterSize(w, 64<<10)
		cw = newNIRCSVWriter(bw)
		return cw.Write(nirColumns)
	}, func(l *postgres.NIRLine) error {
		return lines.write(bw, l)
	})
	if err != nil {
		if cw == nil {
			s.fail(w, r, err)
			return
		}
		s.Log.ErrorContext(r.Context(), "nir export broke off", "err", err.Error(), "request_id", middleware.GetReqID(r.Context()))
		return
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		s.Log.ErrorContext(r.Context(), "nir export", "err", err.Error(), "request_id", middleware.GetReqID(r.Context()))
	}
}

// newNIRCSVWriter is the file's CSV dialect: semicolons, CRLF.
func newNIRCSVWriter(w io.Writer) *csv.Writer {
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	cw.UseCRLF = true
	return cw
}

// nirXLSX is GET /reports/nir.xlsx?…: the same lines as a workbook, row by
// row through excelize's StreamWriter (spilling to a temporary file past 16
// MB) and zipped straight into the response; numbers as numbers. The
// workbook is only sent whole: a failure while the rows are read is a clean
// error page (the export is marked and audited; send it again from the
// reports page).
func (s *Server) nirXLSX(w http.ResponseWriter, r *http.Request) {
	f, ok := s.nirFilter(w, r)
	if !ok {
		return
	}
	today := domain.Today(s.DB.Now())
	const sheet = "NIR"
	var (
		x    *excelize.File
		sw   *excelize.StreamWriter
		head postgres.NIRHead
		n    = 1
		rows nirXLSXRows
	)
	defer func() {
		if x != nil {
			x.Close() //nolint:errcheck
		}
	}()
	err := s.DB.ExportNIR(r.Context(), scope(r), f, "xlsx", func(h postgres.NIRHead) error {
		head = h
		x = excelize.NewFile()
		if err := x.SetSheetName("Sheet1", sheet); err != nil {
			return err
		}
		bold, err := x.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
		if err != nil {
			return err
		}
		if sw, err = x.NewStreamWriter(sheet); err != nil {
			return err
		}
		if err := sw.SetColWidth(1, len(nirColumns), 14); err != nil {
			return err
		}
		if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
			return err
		}
		head := make([]any, len(nirColumns))
		for i, c := range nirColumns {
			head[i] = excelize.Cell{StyleID: bold, Value: c}
		}
		return sw.SetRow("A1", head)
	}, func(l *postgres.NIRLine) error {
		n++
		return sw.SetRow("A"+strconv.Itoa(n), rows.cells(l))
	})
	if err == nil {
		err = sw.Flush()
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	setDownloadHeaders(w, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", nirFilename(head, f, today, "xlsx"))
	w.WriteHeader(http.StatusOK)
	x.SetZipWriter(func(io.Writer) excelize.ZipWriter { return newFastZipWriter(w) })
	if _, err := x.WriteToBuffer(); err != nil {
		s.Log.ErrorContext(r.Context(), "nir export broke off", "err", err.Error(), "request_id", middleware.GetReqID(r.Context()))
	}
}

// nirCheckShown is how many programmes the check page lists (the CSV holds all).
const nirCheckShown = 500

// nirCheckPage is GET /reports/nir/check?unit=ID: what the registrations
// lack or are late with, each linking to the programme page. It reads only.
func (s *Server) nirCheckPage(w http.ResponseWriter, r *http.Request) {
	if !s.allow(w, r, domain.CapLeaderViews) {
		return
	}
	u := currentUser(r)
	unitID, err := reportUnit(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := reports.CheckView{User: u, AllUnits: unitID == 0 && u.Role.Can(domain.CapAllUnits),
		CSVURL: paths.WithQuery(paths.ReportNIRCheck()+".csv", unitQuery(unitID)), BackURL: paths.WithQuery(paths.Reports(), unitQuery(unitID))}
	if unitID != 0 {
		v.UnitID = strconv.FormatInt(unitID, 10)
	}
	counts := map[string]int{}
	var order []domain.NIRIssue
	name, err := s.DB.NIRCheck(r.Context(), scope(r), unitID, "", nil, func(l postgres.NIRCheckLine) error {
		v.Total++
		for _, i := range l.Issues {
			if counts[i.Code] == 0 {
				order = append(order, i)
			}
			counts[i.Code]++
		}
		if len(v.Lines) < nirCheckShown {
			cl := reports.CheckLine{Name: l.FamilyName + ", " + l.GivenName, URL: paths.PersonProgramme(l.PersonID), Unit: l.UnitName}
			for _, i := range l.Issues {
				cl.Issues = append(cl.Issues, reports.Issue{Kind: domain.NIRKindLabel(i.Kind), Late: i.Kind == domain.NIRLate, Label: i.Label})
			}
			v.Lines = append(v.Lines, cl)
		}
		return nil
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v.UnitName = name
	for _, c := range domain.NIRCheckOrder(order) {
		v.Counts = append(v.Counts, layout.Fact{Label: c.Label, Value: domain.FormatKroner(int64(counts[c.Code])), TestID: "count-" + c.Code})
	}
	v.Shown = domain.FormatKroner(int64(v.Total)) + " " + domain.Plural(v.Total, "deltaker", "deltakere") + " med funn"
	if v.Total > len(v.Lines) {
		v.Shown += "; viser de første " + domain.FormatKroner(int64(len(v.Lines))) + " (alle er i CSV-filen)"
	}
	if u.Role.Can(domain.CapAllUnits) {
		units, err := s.DB.ReportUnits(r.Context(), scope(r))
		if err != nil {
			s.fail(w, r, err)
			return
		}
		v.Units = []domain.Option{}
		for _, un := range units {
			v.Units = append(v.Units, domain.Option{Value: strconv.FormatInt(un.ID, 10), Label: un.Name})
		}
	}
	s.render(w, r, http.StatusOK, reports.Check(v))
}

// nirCheckColumns are the check CSV's columns: one line per finding.
var nirCheckColumns = []string{"Person-ID", "Etternavn", "Fornavn", "Enhet", "Type", "Funn", "Kode"}

// nirCheckCSV is GET /reports/nir/check.csv?unit=ID: every finding, one
// line each; audited before the first byte, never marks anything.
func (s *Server) nirCheckCSV(w http.ResponseWriter, r *http.Request) {
	if !s.allow(w, r, domain.CapLeaderViews) {
		return
	}
	unitID, err := reportUnit(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	today := domain.Today(s.DB.Now())
	var cw *csv.Writer
	_, err = s.DB.NIRCheck(r.Context(), scope(r), unitID, "csv", func(unitName string, id int64) error {
		unit := "alle-enheter"
		if id != 0 {
			unit = asciiSlug(unitName, id)
		}
		setDownloadHeaders(w, "text/csv; charset=utf-8", "nir-kontroll-"+unit+"-"+today.Format("2006-01-02")+".csv")
		w.WriteHeader(http.StatusOK)
		var err error
		if cw, err = excelCSV(w); err != nil {
			return err
		}
		return cw.Write(nirCheckColumns)
	}, func(l postgres.NIRCheckLine) error {
		for _, i := range l.Issues {
			if err := cw.Write([]string{strconv.FormatInt(l.PersonID, 10), csvSafeCell(l.FamilyName), csvSafeCell(l.GivenName),
				csvSafeCell(l.UnitName), domain.NIRKindLabel(i.Kind), i.Label, i.Code}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		if cw == nil {
			s.fail(w, r, err)
			return
		}
		s.Log.ErrorContext(r.Context(), "nir check export broke off", "err", err.Error(), "request_id", middleware.GetReqID(r.Context()))
		return
	}
	cw.Flush()
}
