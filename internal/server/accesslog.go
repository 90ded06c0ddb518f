package server

import (
	"encoding/csv"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"ankomst/internal/domain"
	"ankomst/internal/postgres"
	"ankomst/web/caseload"
	"ankomst/web/paths"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
)

// accessLogRoutes registers a person's access log (innsyn: hvem har sett)
// and its CSV export.
func (s *Server) accessLogRoutes(r chi.Router) {
	r.Get("/persons/{id}/audit", s.personAudit)
	r.Get("/persons/{id}/audit.csv", s.personAuditCSV)
}

func auditActionParam(v string) string {
	if v == "all" {
		return ""
	}
	return strings.TrimSpace(v)
}

func auditUser(e postgres.AuditEvent) (name, role string) {
	name = "Ukjent bruker"
	if e.UserName != nil {
		name = *e.UserName
	} else if e.UserID == nil {
		name = "Systemet"
	}
	role = domain.Role(e.UserRole).Label()
	if e.UserRole == "system" {
		role = "System"
	}
	return name, role
}

// auditWhat names the record an event touched when it is not the person
// itself, and marks events of a record since merged into the person whose
// log this is (pageID).
func auditWhat(e postgres.AuditEvent, pageID int64) string {
	what := ""
	if e.Entity != domain.EntityPerson && e.Entity != "" {
		what = domain.EntityLabel(e.Entity)
	}
	if e.PersonID != nil && *e.PersonID != pageID {
		if what != "" {
			what += ", "
		}
		what += "sammenslått registrering " + strconv.FormatInt(*e.PersonID, 10)
	}
	return what
}

func auditFields(e postgres.AuditEvent) string {
	if strings.HasPrefix(e.Action, "view") || strings.HasPrefix(e.Action, "export") {
		return ""
	}
	var labels []string
	for _, f := range e.ChangedFields() {
		labels = append(labels, domain.AuditFieldLabel(f))
	}
	return strings.Join(labels, ", ")
}

func (s *Server) personAudit(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		s.fail(w, r, domain.Errorf(domain.ENOTFOUND, "Fant ikke personen."))
		return
	}
	q := r.URL.Query()
	action := auditActionParam(q.Get("action"))
	before, _ := strconv.ParseInt(q.Get("before"), 10, 64)
	page, err := s.DB.PersonAudit(r.Context(), scope(r), id, postgres.AuditQuery{Action: action, Before: before, Limit: 100})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	link := func(path string, change func(url.Values)) string {
		v := url.Values{}
		if action != "" {
			v.Set("action", action)
		}
		if change != nil {
			change(v)
		}
		return paths.WithQuery(path, v)
	}
	v := caseload.AuditView{User: currentUser(r), PersonID: id, PersonName: page.PersonName, Action: action,
		CSVURL: link(paths.PersonAuditCSV(id), nil)}
	if v.Action == "" {
		v.Action = "all"
	}
	v.Actions = append([]domain.Option{{Value: "all", Label: "Alle handlinger"}}, domain.AuditActions()...)
	for _, e := range page.Events {
		name, role := auditUser(e)
		v.Rows = append(v.Rows, caseload.AuditRow{
			At: e.At.In(domain.Oslo).Format("02.01.2006 15:04:05"), User: name, Role: role,
			Action: domain.AuditEventLabel(e.Action, e.Entity), What: auditWhat(e, id), Fields: auditFields(e), Ref: e.RequestID,
		})
	}
	if page.HasMore && len(page.Events) > 0 {
		last := page.Events[len(page.Events)-1].ID
		v.NextURL = link(paths.PersonAudit(id), func(uv url.Values) { uv.Set("before", strconv.FormatInt(last, 10)) })
	}
	if before != 0 {
		v.FirstURL = link(paths.PersonAudit(id), nil)
	}
	s.render(w, r, http.StatusOK, caseload.Audit(v))
}

// excelCSV starts a CSV body for Norwegian Excel: the UTF-8 byte-order mark,
// then a writer with semicolons and CRLF. Text cells still go through
// csvSafeCell. The writer comes back even when the mark could not be
// written (the next write then fails too).
func excelCSV(w io.Writer) (*csv.Writer, error) {
	_, err := io.WriteString(w, "\uFEFF")
	cw := csv.NewWriter(w)
	cw.Comma, cw.UseCRLF = ';', true
	return cw, err
}

// csvSafeCell defuses a cell a spreadsheet would read as a formula: one starting
// with = + - @, a tab, a carriage return or NUL gets a leading apostrophe.
func csvSafeCell(v string) string {
	if v == "" {
		return v
	}
	switch v[0] {
	case '=', '+', '-', '@', '\t', '\r', 0:
		return "'" + v
	}
	return v
}

// personAuditCSV exports a person's access log as CSV for Norwegian Excel:
// UTF-8 with BOM, semicolons, CRLF, formulas defused, never cached. The
// export is audited by the store before the first row.
func (s *Server) personAuditCSV(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		s.fail(w, r, domain.Errorf(domain.ENOTFOUND, "Fant ikke personen."))
		return
	}
	action := auditActionParam(r.URL.Query().Get("action"))
	var cw *csv.Writer
	start := func() {
		h := w.Header()
		h.Set("Content-Type", "text/csv; charset=utf-8")
		h.Set("Content-Disposition", `attachment; filename="innsyn-person-`+strconv.FormatInt(id, 10)+`.csv"`)
		h.Set("Cache-Control", "no-store")
		h.Set("X-Content-Type-Options", "nosniff")
		w.WriteHeader(http.StatusOK)
		cw, _ = excelCSV(w)                                                                                            // a failed write shows in cw.Error at the end
		cw.Write([]string{"Tidspunkt (norsk tid)", "Bruker", "Rolle", "Handling", "Hva", "Endrede felt", "Referanse"}) //nolint:errcheck
	}
	err := s.DB.ExportPersonAudit(r.Context(), scope(r), id, action, func(e postgres.AuditEvent) error {
		if cw == nil {
			start()
		}
		name, role := auditUser(e)
		what := auditWhat(e, id)
		if what == "" {
			what = "personopplysninger"
		}
		row := []string{e.At.In(domain.Oslo).Format("2006-01-02 15:04:05"), name, role, domain.AuditEventLabel(e.Action, e.Entity),
			what, auditFields(e), e.RequestID}
		for i := range row {
			row[i] = csvSafeCell(row[i])
		}
		return cw.Write(row)
	})
	if err != nil {
		if cw == nil {
			s.fail(w, r, err)
			return
		}
		// The download has begun: the status is sent, so only log.
		s.Log.ErrorContext(r.Context(), "audit export broke off", "err", err.Error(), "request_id", middleware.GetReqID(r.Context()))
		return
	}
	if cw == nil {
		start()
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		s.Log.ErrorContext(r.Context(), "audit export", "err", err.Error(), "request_id", middleware.GetReqID(r.Context()))
	}
}
