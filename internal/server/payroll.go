package server

import (
	"archive/zip"
	"encoding/csv"
	"errors"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"ankomst/internal/domain"
	"ankomst/internal/postgres"
	"ankomst/web/layout"
	"ankomst/web/paths"
	"ankomst/web/payroll"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/xuri/excelize/v2"
)

// payrollRoutes registers the payroll basis (utbetalingsgrunnlag): the page,
// its CSV and XLSX exports and the leader's approval.
func (s *Server) payrollRoutes(r chi.Router) {
	r.Get(paths.Payroll(), s.payroll)
	r.Get(paths.Payroll()+".csv", s.payrollCSV)
	r.Get(paths.Payroll()+".xlsx", s.payrollXLSX)
	r.Post(paths.Payroll()+"/approve", s.approvePayroll)
}

// payrollPageSize is how many participants a page of the table shows (the
// exports hold every line).
const payrollPageSize = 100

// payrollState is what the page is rendered for: the month and unit asked
// for, and what a refused approval has to say.
type payrollState struct {
	month      time.Time
	monthTyped string
	monthError string
	unitID     int64
	confirmErr string
	approveErr string
	conflict   string
}

// payrollParams reads month (YYYY-MM; last month without one) and unit (the
// user's own without one; only admins can see another) from the query. A
// malformed unit is ENOTFOUND; a malformed month EINVALID.
func (s *Server) payrollParams(r *http.Request) (payrollState, error) {
	q := r.URL.Query()
	st := payrollState{month: domain.MonthStart(domain.Today(s.DB.Now())).AddDate(0, -1, 0), unitID: currentUser(r).UnitID}
	if v := strings.TrimSpace(q.Get("unit")); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return st, domain.Errorf(domain.ENOTFOUND, "Fant ikke enheten.")
		}
		st.unitID = id
	}
	if v := q.Get("month"); v != "" {
		st.monthTyped = v
		m, ok := domain.ParseMonth(v)
		if !ok || m.Year() < 2000 || m.Year() > 2100 {
			st.monthError = "Skriv måneden som åååå-mm, for eksempel 2026-10."
			return st, domain.Errorf(domain.EINVALID, "%s", st.monthError)
		}
		st.month = m
	}
	return st, nil
}

// payroll is GET /reports/payroll?month=YYYY-MM&unit=ID&sort=…&dir=…&page=N&flagged=1.
func (s *Server) payroll(w http.ResponseWriter, r *http.Request) {
	if !s.allow(w, r, domain.CapPayroll) {
		return
	}
	st, err := s.payrollParams(r)
	status := http.StatusOK
	if err != nil {
		if domain.ErrorCode(err) != domain.EINVALID {
			s.fail(w, r, err)
			return
		}
		status = http.StatusUnprocessableEntity // the month as typed, last month's basis
	}
	s.renderPayroll(w, r, status, st)
}

// payrollSorts are the table's sortable columns: key, label, and the order.
var payrollSorts = []struct {
	key, label, class string
	num               bool
	less              func(a, b postgres.PayrollLine) int
}{
	{"name", "Navn", "", false, func(a, b postgres.PayrollLine) int { return 0 }},
	{"days", "Dager", "", true, func(a, b postgres.PayrollLine) int { return a.Days - b.Days }},
	{"hours", "Ugyldig fravær (t)", "", true, func(a, b postgres.PayrollLine) int { return a.UnexcusedMinutes - b.UnexcusedMinutes }},
	{"gross", "Stønad før trekk", "hide-narrow", true, func(a, b postgres.PayrollLine) int { return cmp64(a.GrossOre, b.GrossOre) }},
	{"deduction", "Trekk", "hide-narrow", true, func(a, b postgres.PayrollLine) int { return cmp64(a.DeductionOre, b.DeductionOre) }},
	{"amount", "Til utbetaling (kr)", "", true, func(a, b postgres.PayrollLine) int { return cmp64(a.AmountOre, b.AmountOre) }},
	{"flag", "Krever vedtak", "", false, func(a, b postgres.PayrollLine) int {
		return boolInt(a.NeedsDecision || a.Problem != "") - boolInt(b.NeedsDecision || b.Problem != "")
	}},
}

func cmp64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// signedKroner shows an adjustment in whole kroner with its sign: "+667", "−1 001".
func signedKroner(ore int64) string {
	if ore < 0 {
		return "−" + domain.FormatKroner(-ore/100)
	}
	return "+" + domain.FormatKroner(ore/100)
}

func (s *Server) renderPayroll(w http.ResponseWriter, r *http.Request, status int, st payrollState) {
	u := currentUser(r)
	rep, err := s.DB.Payroll(r.Context(), scope(r), st.unitID, st.month)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	if r.Method != http.MethodGet {
		q = url.Values{}
	}
	sortKey, dir := q.Get("sort"), q.Get("dir")
	sortIdx := 0
	for i, c := range payrollSorts {
		if c.key == sortKey {
			sortIdx = i
		}
	}
	sortKey = payrollSorts[sortIdx].key
	if dir != "desc" {
		dir = "asc"
	}
	flagged := q.Get("flagged") == "1"
	page, _ := strconv.Atoi(q.Get("page"))
	if page < 1 {
		page = 1
	}

	month := rep.Month
	link := func(change func(url.Values)) string {
		v := url.Values{"month": {domain.FormatISOMonth(month)}}
		if u.Role.Can(domain.CapAllUnits) || rep.UnitID != u.UnitID {
			v.Set("unit", strconv.FormatInt(rep.UnitID, 10))
		}
		if sortKey != "name" || dir != "asc" {
			v.Set("sort", sortKey)
			v.Set("dir", dir)
		}
		if flagged {
			v.Set("flagged", "1")
		}
		if change != nil {
			change(v)
		}
		return paths.WithQuery(paths.Payroll(), v)
	}
	exportURL := func(ext string) string {
		v := url.Values{"month": {domain.FormatISOMonth(month)}, "unit": {strconv.FormatInt(rep.UnitID, 10)}}
		return paths.WithQuery(paths.Payroll()+"."+ext, v)
	}

	v := payroll.View{User: u, Flash: s.Sessions.PopString(r.Context(), sessFlash), Conflict: st.conflict,
		Month: domain.FormatISOMonth(month), MonthLabel: domain.FormatMonth(month), MonthError: st.monthError,
		UnitID: strconv.FormatInt(rep.UnitID, 10), UnitName: rep.UnitName, Flagged: flagged,
		CSVURL: exportURL("csv"), XLSXURL: exportURL("xlsx"), ConfirmError: st.confirmErr, ApproveError: st.approveErr}
	if st.monthError != "" {
		v.Month = st.monthTyped
	}
	if u.Role.Can(domain.CapAllUnits) {
		units, err := s.DB.PayrollUnits(r.Context(), scope(r))
		if err != nil {
			s.fail(w, r, err)
			return
		}
		for _, un := range units {
			v.Units = append(v.Units, domain.Option{Value: strconv.FormatInt(un.ID, 10), Label: un.Name})
		}
	}

	// The month's lines and the adjustments; totals over every line.
	var lines []postgres.PayrollLine
	var tDays, tMinutes int
	var tGross, tDed, tAmount, tAdj int64
	problems := 0
	for _, l := range rep.Lines {
		if l.IsAdjustment(month) {
			tAdj += l.AmountOre
			v.Adjustments = append(v.Adjustments, payroll.Adjustment{Name: l.Name(), URL: benefitMonthURL(l.PersonID, l.ForMonth),
				ForMonth: domain.FormatMonth(l.ForMonth), Amount: signedKroner(l.AmountOre)})
			continue
		}
		v.Count++
		tDays += l.Days
		tMinutes += l.UnexcusedMinutes
		tGross += l.GrossOre
		tDed += l.DeductionOre
		tAmount += l.AmountOre
		if l.NeedsDecision {
			v.Totals.Flagged++
		}
		if l.Problem != "" {
			problems++
		}
		if !flagged || l.NeedsDecision || l.Problem != "" {
			lines = append(lines, l)
		}
	}
	v.Totals.Days = domain.FormatKroner(int64(tDays))
	v.Totals.Hours = domain.FormatHours(tMinutes)
	v.Totals.Gross = domain.FormatOre(tGross)
	v.Totals.Deduction = domain.FormatOre(tDed)
	v.Totals.Amount = domain.FormatKroner(tAmount / 100)
	v.AdjustTotal = signedKroner(tAdj)
	v.GrandTotal = domain.FormatKroner((tAmount + tAdj) / 100)
	if tAmount+tAdj < 0 {
		v.GrandTotal = signedKroner(tAmount + tAdj)
	}

	// Sort (by name within equal values), then the page.
	less := payrollSorts[sortIdx].less
	sort.SliceStable(lines, func(i, j int) bool {
		c := less(lines[i], lines[j])
		if dir == "desc" {
			c = -c
		}
		return c < 0
	})
	for i, c := range payrollSorts {
		col := payroll.Column{Key: c.key, Class: c.class, Num: c.num, SortColumn: layout.SortColumn{Label: c.label, AriaSort: "none"}}
		nextDir := "asc"
		if i == sortIdx {
			col.AriaSort = map[string]string{"asc": "ascending", "desc": "descending"}[dir]
			if dir == "asc" {
				nextDir = "desc"
			}
		} else if c.num || c.key == "flag" {
			nextDir = "desc" // the largest first
		}
		key := c.key
		col.URL = link(func(uv url.Values) {
			uv.Set("sort", key)
			uv.Set("dir", nextDir)
			uv.Del("page")
		})
		v.Columns = append(v.Columns, col)
	}
	pages := (len(lines) + payrollPageSize - 1) / payrollPageSize
	if page > pages && pages > 0 {
		page = pages
	}
	from := (page - 1) * payrollPageSize
	to := min(from+payrollPageSize, len(lines))
	if len(lines) > 0 {
		v.Shown = "Viser " + domain.FormatKroner(int64(from+1)) + "–" + domain.FormatKroner(int64(to)) + " av " + domain.FormatKroner(int64(len(lines)))
		if flagged {
			v.Shown += " som krever vedtak"
		} else {
			v.Shown += " deltakere"
		}
		if pages > 1 {
			v.Shown += " (side " + strconv.Itoa(page) + " av " + strconv.Itoa(pages) + ")"
		}
	}
	for _, l := range lines[from:to] {
		row := payroll.Row{Name: l.FamilyName + ", " + l.GivenName, URL: benefitMonthURL(l.PersonID, month),
			Days: strconv.Itoa(l.Days), Hours: domain.FormatHours(l.UnexcusedMinutes), Gross: domain.FormatOre(l.GrossOre),
			Deduction: domain.FormatOre(l.DeductionOre), Amount: domain.FormatKroner(l.AmountOre / 100),
			NeedsDecision: l.NeedsDecision, Problem: l.Problem}
		v.Rows = append(v.Rows, row)
	}
	pageURL := func(p int) string {
		return link(func(uv url.Values) {
			if p > 1 {
				uv.Set("page", strconv.Itoa(p))
			}
		})
	}
	var prev, next, first layout.PageLink
	if page > 1 {
		prev = layout.PrevPage(pageURL(page - 1))
		if page > 2 {
			first = layout.FirstPage(pageURL(1))
		}
	}
	if page < pages {
		next = layout.NextPage(pageURL(page + 1))
	}
	v.Pager = []layout.PageLink{first, prev, next}
	v.FlaggedURL = link(func(uv url.Values) { uv.Set("flagged", "1"); uv.Del("page") })
	v.AllURL = link(func(uv url.Values) { uv.Del("flagged"); uv.Del("page") })

	// The approval.
	ended := !month.AddDate(0, 1, 0).After(domain.Today(s.DB.Now()))
	switch {
	case rep.Approval != nil:
		v.ApprovedBy = rep.Approval.ByName
		v.ApprovedAt = rep.Approval.At.In(domain.Oslo).Format("02.01.2006 kl. 15:04")
	case !u.Role.Can(domain.CapApprovePayroll):
		v.ApproveNote = "Grunnlaget godkjennes av lederen for enheten."
	case rep.UnitID != u.UnitID:
		v.ApproveNote = "Du kan bare godkjenne grunnlaget for din egen enhet."
	case !ended:
		v.ApproveNote = "Grunnlaget for " + domain.FormatMonth(month) + " kan godkjennes fra 1. " + domain.FormatMonth(month.AddDate(0, 1, 0)) + "."
	case problems > 0:
		v.ApproveNote = "Grunnlaget kan ikke godkjennes før stønaden kan beregnes for alle deltakerne. Sjekk satsene."
	case v.Count == 0 && len(v.Adjustments) == 0:
		v.ApproveNote = "Det er ingenting å godkjenne for " + domain.FormatMonth(month) + "."
	default:
		v.CanApprove = true
	}
	s.render(w, r, status, payroll.Page(v))
}

// approvePayroll is POST /reports/payroll/approve (month, confirm=1): the
// leader approves the own unit's basis for a month that has ended. A missing
// confirmation or a month not ended is 422 with the page; a month approved
// already 409 with the page showing the approval.
func (s *Server) approvePayroll(w http.ResponseWriter, r *http.Request) {
	if !s.allow(w, r, domain.CapApprovePayroll) {
		return
	}
	u := currentUser(r)
	st := payrollState{unitID: u.UnitID, month: domain.MonthStart(domain.Today(s.DB.Now())).AddDate(0, -1, 0)}
	typed := r.PostForm.Get("month")
	m, ok := domain.ParseMonth(typed)
	if !ok || m.Year() < 2000 || m.Year() > 2100 {
		st.monthTyped, st.monthError = typed, "Skriv måneden som åååå-mm, for eksempel 2026-10."
		st.approveErr = "Velg måneden som skal godkjennes."
		s.renderPayroll(w, r, http.StatusUnprocessableEntity, st)
		return
	}
	st.month = m
	if r.PostForm.Get("confirm") != "1" {
		st.confirmErr = "Kryss av for at du har kontrollert grunnlaget før du godkjenner det."
		s.renderPayroll(w, r, http.StatusUnprocessableEntity, st)
		return
	}
	a, err := s.DB.ApprovePayroll(r.Context(), scope(r), m)
	if err != nil {
		var de *domain.Error
		if !errors.As(err, &de) {
			s.fail(w, r, err)
			return
		}
		switch de.Code {
		case domain.EINVALID:
			st.approveErr = de.Message
			s.renderPayroll(w, r, http.StatusUnprocessableEntity, st)
		case domain.ECONFLICT:
			st.conflict = de.Message
			s.renderPayroll(w, r, http.StatusConflict, st)
		default:
			s.fail(w, r, err)
		}
		return
	}
	s.Sessions.Put(r.Context(), sessFlash, "Utbetalingsgrunnlaget for "+domain.FormatMonth(m)+" er godkjent ("+strconv.Itoa(a.Lines)+" linjer) og låst.")
	http.Redirect(w, r, paths.WithQuery(paths.Payroll(), url.Values{"month": {domain.FormatISOMonth(m)}}), http.StatusSeeOther)
}

// payrollExportParams opens an export: the role, then month and unit.
func (s *Server) payrollExportParams(w http.ResponseWriter, r *http.Request) (payrollState, bool) {
	if !s.allow(w, r, domain.CapPayroll) {
		return payrollState{}, false
	}
	st, err := s.payrollParams(r)
	if err != nil {
		s.fail(w, r, err)
		return st, false
	}
	return st, true
}

// payrollFilename is "utbetalingsgrunnlag-<unit>-<YYYY-MM>.<ext>", ASCII.
func payrollFilename(h postgres.PayrollHead, ext string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(h.UnitName) {
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
	unit := strings.Trim(b.String(), "-")
	if unit == "" {
		unit = "enhet-" + strconv.FormatInt(h.UnitID, 10)
	}
	return "utbetalingsgrunnlag-" + unit + "-" + domain.FormatISOMonth(h.Month) + "." + ext
}

func setDownloadHeaders(w http.ResponseWriter, contentType, filename string) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Disposition", `attachment; filename="`+filename+`"`)
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
}

// payrollColumns are the exports' columns.
var payrollColumns = []string{"Person-ID", "Etternavn", "Fornavn", "Gjelder måned", "Linje", "Dager i programmet",
	"Timer ugyldig fravær", "Stønad før trekk (kr)", "Trekk for fravær (kr)", "Andre trekk (kr)", "Trekk i alt (kr)",
	"Til utbetaling (kr)", "Krever vedtak", "Merknad"}

func lineKind(l postgres.PayrollLine, month time.Time) string {
	if l.IsAdjustment(month) {
		return "Korrigering"
	}
	return "Måned"
}

// plainOre is an amount in øre as a plain number of kroner for Norwegian
// Excel: no thousands separator, a decimal comma ("-21693,33").
func plainOre(ore int64) string {
	sign := ""
	if ore < 0 {
		sign, ore = "-", -ore
	}
	return sign + strconv.FormatInt(ore/100, 10) + "," + strconv.FormatInt(ore%100/10, 10) + strconv.FormatInt(ore%10, 10)
}

// plainHours is minutes as a plain number of hours with a decimal comma.
func plainHours(min int) string {
	return strings.Replace(strconv.FormatFloat(float64(min)/60, 'f', -1, 64), ".", ",", 1)
}

// payrollCSV is GET /reports/payroll.csv?month=YYYY-MM&unit=ID: every line
// of the basis for Norwegian Excel (UTF-8 with BOM, semicolons, CRLF, text
// cells defused against formulas, amounts as plain numbers), streamed and
// never cached; audited by the store before the first byte.
func (s *Server) payrollCSV(w http.ResponseWriter, r *http.Request) {
	st, ok := s.payrollExportParams(w, r)
	if !ok {
		return
	}
	var cw *csv.Writer
	var month time.Time
	err := s.DB.ExportPayroll(r.Context(), scope(r), st.unitID, st.month, "csv", func(h postgres.PayrollHead, _ int) error {
		month = h.Month
		setDownloadHeaders(w, "text/csv; charset=utf-8", payrollFilename(h, "csv"))
		w.WriteHeader(http.StatusOK)
		var err error
		if cw, err = excelCSV(w); err != nil {
			return err
		}
		return cw.Write(payrollColumns)
	}, func(l postgres.PayrollLine) error {
		return cw.Write([]string{strconv.FormatInt(l.PersonID, 10), csvSafeCell(l.FamilyName), csvSafeCell(l.GivenName),
			domain.FormatISOMonth(l.ForMonth), lineKind(l, month), strconv.Itoa(l.Days), plainHours(l.UnexcusedMinutes),
			plainOre(l.GrossOre), plainOre(l.AbsenceOre), plainOre(l.OtherOre), plainOre(l.DeductionOre),
			strconv.FormatInt(l.AmountOre/100, 10), yesNo(l.NeedsDecision), csvSafeCell(l.Problem)})
	})
	if err != nil {
		if cw == nil {
			s.fail(w, r, err)
			return
		}
		s.Log.ErrorContext(r.Context(), "payroll export broke off", "err", err.Error(), "request_id", middleware.GetReqID(r.Context()))
		return
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		s.Log.ErrorContext(r.Context(), "payroll export", "err", err.Error(), "request_id", middleware.GetReqID(r.Context()))
	}
}

// payrollXLSX is GET /reports/payroll.xlsx?month=YYYY-MM&unit=ID: the same
// lines as a workbook, written row by row with excelize's StreamWriter
// (rows spill to a temporary file past 16 MB) and zipped straight into the
// response; a header row, numbers as numbers; audited before the first row.
func (s *Server) payrollXLSX(w http.ResponseWriter, r *http.Request) {
	st, ok := s.payrollExportParams(w, r)
	if !ok {
		return
	}
	const sheet = "Utbetalingsgrunnlag"
	var (
		f        *excelize.File
		sw       *excelize.StreamWriter
		head     postgres.PayrollHead
		money    int
		n        = 1
		cell     = make([]any, len(payrollColumns))
		rowCells = make([]excelize.Cell, len(payrollColumns))
	)
	defer func() {
		if f != nil {
			f.Close() //nolint:errcheck
		}
	}()
	err := s.DB.ExportPayroll(r.Context(), scope(r), st.unitID, st.month, "xlsx", func(h postgres.PayrollHead, _ int) error {
		head = h
		f = excelize.NewFile()
		if err := f.SetSheetName("Sheet1", sheet); err != nil {
			return err
		}
		var err error
		if money, err = f.NewStyle(&excelize.Style{NumFmt: 4}); err != nil { // #,##0.00
			return err
		}
		bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
		if err != nil {
			return err
		}
		if sw, err = f.NewStreamWriter(sheet); err != nil {
			return err
		}
		for i, wd := range []float64{10, 20, 20, 12, 12, 10, 12, 14, 14, 14, 14, 14, 10, 30} {
			if err := sw.SetColWidth(i+1, i+1, wd); err != nil {
				return err
			}
		}
		if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
			return err
		}
		for i, c := range payrollColumns {
			cell[i] = excelize.Cell{StyleID: bold, Value: c}
		}
		return sw.SetRow("A1", cell)
	}, func(l postgres.PayrollLine) error {
		n++
		kr := func(ore int64) excelize.Cell { return excelize.Cell{StyleID: money, Value: float64(ore) / 100} }
		rowCells[0] = excelize.Cell{Value: l.PersonID}
		rowCells[1] = excelize.Cell{Value: l.FamilyName}
		rowCells[2] = excelize.Cell{Value: l.GivenName}
		rowCells[3] = excelize.Cell{Value: domain.FormatISOMonth(l.ForMonth)}
		rowCells[4] = excelize.Cell{Value: lineKind(l, head.Month)}
		rowCells[5] = excelize.Cell{Value: l.Days}
		rowCells[6] = excelize.Cell{Value: float64(l.UnexcusedMinutes) / 60}
		rowCells[7] = kr(l.GrossOre)
		rowCells[8] = kr(l.AbsenceOre)
		rowCells[9] = kr(l.OtherOre)
		rowCells[10] = kr(l.DeductionOre)
		rowCells[11] = excelize.Cell{Value: l.AmountOre / 100}
		rowCells[12] = excelize.Cell{Value: yesNo(l.NeedsDecision)}
		rowCells[13] = excelize.Cell{Value: l.Problem}
		for i := range rowCells {
			cell[i] = rowCells[i]
		}
		return sw.SetRow("A"+strconv.Itoa(n), cell)
	})
	if err == nil {
		err = sw.Flush()
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// The zip is written straight into the response (not into a buffer).
	setDownloadHeaders(w, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", payrollFilename(head, "xlsx"))
	w.WriteHeader(http.StatusOK)
	f.SetZipWriter(func(io.Writer) excelize.ZipWriter { return zip.NewWriter(w) })
	if _, err := f.WriteToBuffer(); err != nil {
		s.Log.ErrorContext(r.Context(), "payroll export broke off", "err", err.Error(), "request_id", middleware.GetReqID(r.Context()))
	}
}
