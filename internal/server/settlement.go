package server

import (
	"archive/zip"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"ankomst/internal/domain"
	"ankomst/internal/postgres"
	"ankomst/web/paths"
	"ankomst/web/persons"
	"ankomst/web/settlement"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/xuri/excelize/v2"
)

// The settlement ledger (GET /settlement?year=YYYY, POST /settlement/targets)
// and its exports (GET /reports/settlement.csv|.xlsx?year=YYYY): leaders and
// admins (domain.CapLeaderViews). Admins count the whole municipality, a
// leader the own unit; the targets (request and decision) are always the
// municipality's. The arithmetic is domain.BuildLedger and
// domain.ForecastGrant; the aggregate is postgres.SettlementLedger.
func (s *Server) settlementRoutes(r chi.Router) {
	r.Get(paths.Settlement(), s.settlementPage)
	r.Post(paths.SettlementTargets(), s.addSettlementTarget)
	r.Get(paths.SettlementReport("csv"), s.settlementCSV)
	r.Get(paths.SettlementReport("xlsx"), s.settlementXLSX)
	r.Get("/persons/{id}/settle", s.settleForm)
	r.Post("/persons/{id}/settle", s.settlePerson)
}

var settlementTargetFields = []string{"kind", "year", "total", "unaccompanied", "decided_on", "note"}

// settlementYear reads ?year= (this year without one); a malformed year is
// EINVALID with the current year.
func (s *Server) settlementYear(r *http.Request) (int, error) {
	year := domain.Today(s.DB.Now()).Year()
	v := strings.TrimSpace(r.URL.Query().Get("year"))
	if v == "" {
		return year, nil
	}
	y, err := strconv.Atoi(v)
	if err != nil || y < 2000 || y > 2100 {
		return year, domain.Errorf(domain.EINVALID, "Velg et år mellom 2000 og 2100.")
	}
	return y, nil
}

func (s *Server) settlementPage(w http.ResponseWriter, r *http.Request) {
	if !s.allow(w, r, domain.CapLeaderViews) {
		return
	}
	year, err := s.settlementYear(r)
	status := http.StatusOK
	yearErr := ""
	if err != nil {
		status, yearErr = http.StatusUnprocessableEntity, domain.ErrorMessage(err)
	}
	form := domain.SettlementTargetForm{Year: strconv.Itoa(year), DecidedOn: domain.Today(s.DB.Now()).Format("2006-01-02")}
	s.renderSettlement(w, r, status, year, yearErr, form, nil)
}

// addSettlementTarget is POST /settlement/targets: a new request or decision
// row (303 back to its year with a flash; 422 keeps what was typed).
func (s *Server) addSettlementTarget(w http.ResponseWriter, r *http.Request) {
	if !s.allow(w, r, domain.CapLeaderViews) {
		return
	}
	f := r.PostForm
	form := domain.SettlementTargetForm{Year: f.Get("year"), Kind: f.Get("kind"), Total: f.Get("total"),
		Unaccompanied: f.Get("unaccompanied"), DecidedOn: f.Get("decided_on"), Note: f.Get("note")}
	t, err := form.Validate()
	if err == nil {
		if _, err = s.DB.AddSettlementTarget(r.Context(), scope(r), t); err == nil {
			s.Sessions.Put(r.Context(), sessFlash, domain.Label(domain.SettlementTargetKinds, t.Kind)+" for "+strconv.Itoa(t.Year)+
				" er lagret: "+domain.Plural(t.Total, "person", "personer")+".")
			http.Redirect(w, r, settlementURL(t.Year), http.StatusSeeOther)
			return
		}
	}
	var de *domain.Error
	if !errors.As(err, &de) || de.Code != domain.EINVALID {
		s.fail(w, r, err)
		return
	}
	year := domain.Today(s.DB.Now()).Year()
	if y, err := strconv.Atoi(strings.TrimSpace(form.Year)); err == nil && y >= 2000 && y <= 2100 {
		year = y
	}
	s.renderSettlement(w, r, http.StatusUnprocessableEntity, year, "", form, de.Fields)
}

func settlementURL(year int) string {
	return paths.WithQuery(paths.Settlement(), url.Values{"year": {strconv.Itoa(year)}})
}

func count(n int) string { return domain.FormatKroner(int64(n)) }

func targetText(t *domain.SettlementTarget) string {
	if t == nil {
		return "Ikke registrert"
	}
	return count(t.Total) + " (herav " + count(t.Unaccompanied) + " enslige mindreårige), " + t.DecidedOn.Format("02.01.2006")
}

// settlementSections are the page's and the exports' stage sections.
var settlementSections = []struct{ stage, id, title, explain string }{
	{domain.StageSettled, "bosatt", "Bosatt", "Personer bosatt i året, etter bosettingsdato. Barn er under 18 år på bosettingsdagen."},
	{domain.StageAgreed, "avtalt", "Avtalt", "Personer kommunen har avtalt å bosette, etter forventet ankomst."},
	{domain.StageProposed, "foreslatt", "Foreslått", "Personer IMDi har foreslått, etter dato for forslaget."},
	{domain.StageDeclined, "avslatt", "Avslått", "Forslag kommunen har avslått, etter dato for avslaget."},
}

func (s *Server) renderSettlement(w http.ResponseWriter, r *http.Request, status, year int, yearErr string,
	form domain.SettlementTargetForm, errs map[string]string) {
	rep, err := s.DB.SettlementLedger(r.Context(), scope(r), year)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	u := currentUser(r)
	l := rep.Ledger
	exportURL := func(ext string) string {
		return paths.WithQuery(paths.SettlementReport(ext), url.Values{"year": {strconv.Itoa(year)}})
	}
	v := settlement.View{User: u, Flash: s.Sessions.PopString(r.Context(), sessFlash), Year: strconv.Itoa(year), YearError: yearErr,
		Request: targetText(l.Request), Decision: targetText(l.Decision), CSVURL: exportURL("csv"), XLSXURL: exportURL("xlsx"),
		Form: form, Kinds: domain.SettlementTargetKinds, Errors: errs, Summary: summary(errs, settlementTargetFields),
		GrantYear: strconv.Itoa(year)}
	if rep.UnitName == "" {
		v.ScopeNote = "Tallene gjelder hele kommunen. Anmodningen og vedtaket gjelder kommunen."
	} else {
		v.ScopeNote = "Tallene gjelder bare " + rep.UnitName + ". Anmodningen og vedtaket gjelder hele kommunen, så det som gjenstår er kommunens vedtak minus enhetens bosatte."
	}
	if u.Role.Can(domain.CapAdminister) {
		v.RatesURL = paths.AdminRates()
	}
	this := domain.Today(s.DB.Now()).Year()
	for y := this + 1; y >= this-5; y-- {
		v.Years = append(v.Years, domain.Option{Value: strconv.Itoa(y), Label: strconv.Itoa(y)})
	}
	if year > this+1 || year < this-5 {
		v.Years = append(v.Years, domain.Option{Value: strconv.Itoa(year), Label: strconv.Itoa(year)})
	}
	settled := l.Section(domain.StageSettled)
	v.Settled = count(settled.Quota.Total)
	v.Family = count(settled.Row(domain.CatFamily).Total)
	v.Agreed = count(l.AgreedInQuota) + " (herav " + count(l.AgreedUnaccompanied) + " enslige mindreårige)"
	v.Remaining, v.RemainingU = "Ikke vedtatt", "Ikke vedtatt"
	if l.HasDecision {
		v.Remaining, v.RemainingU = remainingText(l.Remaining), remainingText(l.RemainingUnaccompanied)
	}
	for _, sec := range settlementSections {
		ls := l.Section(sec.stage)
		vs := settlement.Section{ID: sec.id, Title: sec.title, Explain: sec.explain, Empty: ls.Sum.Total == 0}
		for _, c := range domain.SettlementCategories {
			vs.Rows = append(vs.Rows, ledgerRow(c.Label, ls.Row(c.Value), false))
		}
		vs.Rows = append(vs.Rows, ledgerRow("Sum innenfor vedtaket", ls.Quota, true), ledgerRow("Sum alle", ls.Sum, true))
		v.Sections = append(v.Sections, vs)
	}
	for _, t := range l.History {
		row := settlement.Target{Kind: domain.Label(domain.SettlementTargetKinds, t.Kind), Total: count(t.Total),
			Unaccompanied: count(t.Unaccompanied), DecidedOn: t.DecidedOn.Format("02.01.2006"), Note: t.Note,
			InForce: (l.Request != nil && t.ID == l.Request.ID) || (l.Decision != nil && t.ID == l.Decision.ID)}
		if t.CreatedBy != nil {
			row.AddedBy = *t.CreatedBy + ", " + t.CreatedAt.In(domain.Oslo).Format("02.01.2006")
		}
		v.History = append(v.History, row)
	}
	for _, g := range rep.Grant.Rows {
		extras := "–"
		if g.Extras > 0 {
			extras = domain.FormatKroner(g.Extras / 100)
		}
		v.Grant = append(v.Grant, settlement.GrantRow{SettlementYear: strconv.Itoa(g.SettlementYear), GrantYear: "År " + strconv.Itoa(g.GrantYear),
			Persons: count(g.Persons), Extras: extras, Amount: domain.FormatKroner(g.Amount / 100)})
	}
	v.GrantTotal = domain.FormatKroner(rep.Grant.Total / 100)
	if len(rep.Grant.Missing) > 0 {
		var names []string
		for _, k := range rep.Grant.Missing {
			info, _ := domain.RateKindByName(string(k))
			names = append(names, info.Label)
		}
		v.GrantNote = "Satser mangler for " + strconv.Itoa(year) + " og er regnet som 0: " + strings.Join(names, "; ") + "."
	}
	s.render(w, r, status, settlement.Page(v))
}

func remainingText(n int) string {
	if n < 0 {
		return "0 (" + count(-n) + " flere bosatt enn vedtatt)"
	}
	return count(n)
}

func ledgerRow(label string, r domain.LedgerRow, sum bool) settlement.Row {
	out := settlement.Row{Label: label, Total: count(r.Total), Sum: sum}
	for i, n := range r.Months {
		out.Months[i] = count(n)
	}
	return out
}

// settlementExportColumns are the exports' columns: the section, the
// category, twelve months and the total.
var settlementExportColumns = append(append([]string{"Del", "Kategori"}, settlement.MonthNames[:]...), "Sum")

// settlementExportRows are the export's rows after its header: the request
// and decision in force, the remaining quota, then every section's
// categories by month. Text cells are the app's own words and labels.
func settlementExportRows(rep postgres.SettlementReport) [][]any {
	l := rep.Ledger
	var out [][]any
	target := func(label string, t *domain.SettlementTarget) {
		if t == nil {
			out = append(out, []any{label, "Ikke registrert"})
			return
		}
		out = append(out, []any{label, "Totalt", t.Total}, []any{label, "Herav enslige mindreårige", t.Unaccompanied},
			[]any{label, "Dato", t.DecidedOn.Format("2006-01-02")}, []any{label, "Merknad", t.Note})
	}
	target("Anmodning fra IMDi", l.Request)
	target("Vedtak i kommunestyret", l.Decision)
	if l.HasDecision {
		out = append(out, []any{"Gjenstår av vedtaket", "Totalt", l.Remaining},
			[]any{"Gjenstår av vedtaket", "Enslige mindreårige", l.RemainingUnaccompanied})
	}
	scopeLabel := "Hele kommunen"
	if rep.UnitName != "" {
		scopeLabel = rep.UnitName
	}
	out = append(out, []any{"Omfang", scopeLabel})
	for _, sec := range settlementSections {
		ls := l.Section(sec.stage)
		add := func(label string, r domain.LedgerRow) {
			row := []any{sec.title, label}
			for _, n := range r.Months {
				row = append(row, n)
			}
			out = append(out, append(row, r.Total))
		}
		for _, c := range domain.SettlementCategories {
			add(c.Label, ls.Row(c.Value))
		}
		add("Sum innenfor vedtaket", ls.Quota)
		add("Sum alle", ls.Sum)
	}
	return out
}

func settlementFilename(year int, ext string) string {
	return "bosetting-" + strconv.Itoa(year) + "." + ext
}

// settlementExportYear opens an export: the role, then the year.
func (s *Server) settlementExportYear(w http.ResponseWriter, r *http.Request) (int, bool) {
	if !s.allow(w, r, domain.CapLeaderViews) {
		return 0, false
	}
	year, err := s.settlementYear(r)
	if err != nil {
		s.fail(w, r, err)
		return 0, false
	}
	return year, true
}

// settlementCSV is GET /reports/settlement.csv?year=YYYY: the report for
// Norwegian Excel (UTF-8 with BOM, semicolons, CRLF, text cells defused
// against formulas), audited by the store before the first byte.
func (s *Server) settlementCSV(w http.ResponseWriter, r *http.Request) {
	year, ok := s.settlementExportYear(w, r)
	if !ok {
		return
	}
	started := false
	err := s.DB.ExportSettlement(r.Context(), scope(r), year, "csv", func(rep postgres.SettlementReport) error {
		setDownloadHeaders(w, "text/csv; charset=utf-8", settlementFilename(year, "csv"))
		w.WriteHeader(http.StatusOK)
		started = true
		cw, err := excelCSV(w)
		if err != nil {
			return err
		}
		if err := cw.Write(settlementExportColumns); err != nil {
			return err
		}
		for _, row := range settlementExportRows(rep) {
			rec := make([]string, len(row))
			for i, c := range row {
				switch x := c.(type) {
				case int:
					rec[i] = strconv.Itoa(x)
				case string:
					rec[i] = csvSafeCell(x)
				}
			}
			if err := cw.Write(rec); err != nil {
				return err
			}
		}
		cw.Flush()
		return cw.Error()
	})
	if err != nil {
		if !started {
			s.fail(w, r, err)
			return
		}
		s.Log.ErrorContext(r.Context(), "settlement export broke off", "err", err.Error(), "request_id", middleware.GetReqID(r.Context()))
	}
}

// settlementXLSX is GET /reports/settlement.xlsx?year=YYYY: the same rows
// as a workbook written with excelize's StreamWriter and zipped straight
// into the response; numbers as numbers; audited before the first byte.
func (s *Server) settlementXLSX(w http.ResponseWriter, r *http.Request) {
	year, ok := s.settlementExportYear(w, r)
	if !ok {
		return
	}
	const sheet = "Bosetting"
	var f *excelize.File
	defer func() {
		if f != nil {
			f.Close() //nolint:errcheck
		}
	}()
	err := s.DB.ExportSettlement(r.Context(), scope(r), year, "xlsx", func(rep postgres.SettlementReport) error {
		f = excelize.NewFile()
		if err := f.SetSheetName("Sheet1", sheet); err != nil {
			return err
		}
		bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
		if err != nil {
			return err
		}
		sw, err := f.NewStreamWriter(sheet)
		if err != nil {
			return err
		}
		if err := sw.SetColWidth(1, 2, 28); err != nil {
			return err
		}
		if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
			return err
		}
		head := make([]any, len(settlementExportColumns))
		for i, c := range settlementExportColumns {
			head[i] = excelize.Cell{StyleID: bold, Value: c}
		}
		if err := sw.SetRow("A1", head); err != nil {
			return err
		}
		for i, row := range settlementExportRows(rep) {
			cells := make([]any, len(row))
			for j, c := range row {
				cells[j] = excelize.Cell{Value: c} // strings are written as text, never as formulas
			}
			if err := sw.SetRow("A"+strconv.Itoa(i+2), cells); err != nil {
				return err
			}
		}
		return sw.Flush()
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	setDownloadHeaders(w, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", settlementFilename(year, "xlsx"))
	w.WriteHeader(http.StatusOK)
	f.SetZipWriter(func(io.Writer) excelize.ZipWriter { return zip.NewWriter(w) })
	if _, err := f.WriteToBuffer(); err != nil {
		s.Log.ErrorContext(r.Context(), "settlement export broke off", "err", err.Error(), "request_id", middleware.GetReqID(r.Context()))
	}
}

// settleView is the settle form for a person in the pipeline.
func settleView(r *http.Request, p *domain.Person, date string) settlement.SettleView {
	return settlement.SettleView{User: currentUser(r), PersonID: p.ID, Name: p.FullName(), Facts: persons.PipelineFacts(p),
		Date: date, Version: strconv.Itoa(p.Version)}
}

// settleForm is GET /persons/{id}/settle; a person settled already goes
// back to the person page.
func (s *Server) settleForm(w http.ResponseWriter, r *http.Request) {
	id, ok := s.begin(w, r, domain.CapWriteCase, "id", "Fant ikke personen.")
	if !ok {
		return
	}
	p, err := s.DB.GetPerson(r.Context(), scope(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if p.SettlementStage == domain.StageSettled || p.SettlementStage == domain.StageDeclined || p.Status != domain.StatusActive {
		msg := "Personen er allerede registrert som bosatt."
		if p.SettlementStage == domain.StageDeclined {
			msg = "Bosettingen er avslått. Endre bosettingsstatus til avtalt først."
		}
		s.Sessions.Put(r.Context(), sessFlash, msg)
		http.Redirect(w, r, paths.Person(id), http.StatusSeeOther)
		return
	}
	date := domain.Today(s.DB.Now()).Format("2006-01-02")
	if p.ExpectedArrival != nil {
		date = p.ExpectedArrival.Format("2006-01-02")
	}
	s.render(w, r, http.StatusOK, settlement.Settle(settleView(r, p, date)))
}

// settlePerson is POST /persons/{id}/settle (settlement_date, version):
// 303 to the person page; 422 keeps the date typed; 409 on a stale version
// or a person settled meanwhile, showing what is saved now.
func (s *Server) settlePerson(w http.ResponseWriter, r *http.Request) {
	id, ok := s.begin(w, r, domain.CapWriteCase, "id", "Fant ikke personen.")
	if !ok {
		return
	}
	form := domain.SettleForm{SettlementDate: r.PostForm.Get("settlement_date"), Version: r.PostForm.Get("version")}
	in, err := form.Validate(domain.Today(s.DB.Now()))
	if err == nil {
		var p *domain.Person
		if p, err = s.DB.MarkSettled(r.Context(), scope(r), id, in); err == nil {
			s.Sessions.Put(r.Context(), sessFlash, p.FullName()+" er registrert som bosatt "+domain.FormatDate(p.SettlementDate)+".")
			http.Redirect(w, r, paths.Person(id), http.StatusSeeOther)
			return
		}
	}
	var stale *postgres.StaleError
	var de *domain.Error
	switch {
	case errors.As(err, &stale):
		v := settleView(r, stale.Current, form.SettlementDate)
		v.Conflict = "Ingenting er lagret. Bosettingsstatus nå: " + domain.SettlementStageLabel(stale.Current.SettlementStage) +
			". Se over og send skjemaet på nytt."
		s.render(w, r, http.StatusConflict, settlement.Settle(v))
	case errors.As(err, &de) && (de.Code == domain.EINVALID || de.Code == domain.ECONFLICT):
		// A person out of scope is 404 whatever the form says.
		p, gerr := s.DB.GetPerson(r.Context(), scope(r), id)
		if gerr != nil {
			s.fail(w, r, gerr)
			return
		}
		v := settleView(r, p, form.SettlementDate)
		status := http.StatusUnprocessableEntity
		if de.Code == domain.ECONFLICT {
			status, v.Conflict = http.StatusConflict, de.Message
		} else {
			v.Errors, v.Summary = de.Fields, summary(de.Fields, []string{"settlement_date", "version"})
		}
		s.render(w, r, status, settlement.Settle(v))
	default:
		s.fail(w, r, err)
	}
}
