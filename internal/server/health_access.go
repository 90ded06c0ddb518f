package server

import (
	"encoding/csv"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"ankomst/internal/domain"
	"ankomst/internal/postgres"
	"ankomst/web/healthaccess"
	"ankomst/web/paths"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
)

// healthAccessRoutes registers a person's health access report and its CSV
// (leaders and admins: CapLeaderViews, scoped by unit; another unit is 404).
func (s *Server) healthAccessRoutes(r chi.Router) {
	r.Get("/persons/{id}/health/access", s.personHealthAccess)
	r.Get("/persons/{id}/health/access.csv", s.personHealthAccessCSV)
}

func healthPurpose(e postgres.AuditEvent) string {
	p := postgres.HealthPurposeOf(e)
	if p == "" {
		return ""
	}
	label := domain.HealthPurposeLabel(p)
	switch p {
	case postgres.HealthPurposeWorklist:
		label = "Arbeidsliste"
	case postgres.HealthPurposeDeadlines:
		label = "Fristoversikt"
	}
	if t := postgres.HealthPurposeTextOf(e); t != "" {
		label += ": " + t
	}
	return label
}

// healthAccessWhat says what an event did with the health data.
func healthAccessWhat(e postgres.AuditEvent) string {
	own := e.Entity == postgres.EntityHealthAccess
	switch {
	case own && strings.HasPrefix(e.Action, "export"):
		return "Eksporterte innsynsoversikten"
	case own:
		return "Leste innsynsoversikten"
	case strings.HasPrefix(e.Action, "export"):
		return "Eksporterte helseopplysninger"
	case strings.HasPrefix(e.Action, "view"):
		return "Leste helseoppfølgingen"
	case e.Action == domain.ActionCreate:
		return "Opprettet helsepunkter"
	default:
		return "Endret helseoppfølgingen"
	}
}

func (s *Server) personHealthAccess(w http.ResponseWriter, r *http.Request) {
	id, ok := s.begin(w, r, domain.CapLeaderViews, "id", "Fant ikke personen.")
	if !ok {
		return
	}
	before, _ := strconv.ParseInt(r.URL.Query().Get("before"), 10, 64)
	page, err := s.DB.PersonHealthAccess(r.Context(), scope(r), id, before, 100)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := healthaccess.View{User: currentUser(r), PersonID: id, PersonName: page.PersonName, CSVURL: paths.PersonHealthAccessCSV(id)}
	for _, e := range page.Events {
		name, role := auditUser(e)
		v.Rows = append(v.Rows, healthaccess.Row{At: e.At.In(domain.Oslo).Format("02.01.2006 15:04:05"), User: name, Role: role,
			What: healthAccessWhat(e), Purpose: healthPurpose(e), Ref: e.RequestID})
	}
	if page.HasMore && len(page.Events) > 0 {
		v.NextURL = paths.WithQuery(paths.PersonHealthAccess(id), url.Values{"before": {strconv.FormatInt(page.Events[len(page.Events)-1].ID, 10)}})
	}
	if before != 0 {
		v.FirstURL = paths.PersonHealthAccess(id)
	}
	s.render(w, r, http.StatusOK, healthaccess.Report(v))
}

// personHealthAccessCSV exports the report like the access log's CSV: UTF-8
// with BOM, semicolons, CRLF, formulas defused (csvSafeCell), never cached;
// the export is logged by the store before the first row.
func (s *Server) personHealthAccessCSV(w http.ResponseWriter, r *http.Request) {
	id, ok := s.begin(w, r, domain.CapLeaderViews, "id", "Fant ikke personen.")
	if !ok {
		return
	}
	var cw *csv.Writer
	start := func() {
		h := w.Header()
		h.Set("Content-Type", "text/csv; charset=utf-8")
		h.Set("Content-Disposition", `attachment; filename="helseinnsyn-person-`+strconv.FormatInt(id, 10)+`.csv"`)
		h.Set("Cache-Control", "no-store")
		h.Set("X-Content-Type-Options", "nosniff")
		w.WriteHeader(http.StatusOK)
		cw, _ = excelCSV(w)                                                                          // a failed write shows in cw.Error at the end
		cw.Write([]string{"Tidspunkt (norsk tid)", "Bruker", "Rolle", "Hva", "Formål", "Referanse"}) //nolint:errcheck
	}
	err := s.DB.ExportPersonHealthAccess(r.Context(), scope(r), id, func(e postgres.AuditEvent) error {
		if cw == nil {
			start()
		}
		name, role := auditUser(e)
		row := []string{e.At.In(domain.Oslo).Format("2006-01-02 15:04:05"), name, role, healthAccessWhat(e), healthPurpose(e), e.RequestID}
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
		s.Log.ErrorContext(r.Context(), "health access export broke off", "err", err.Error(), "request_id", middleware.GetReqID(r.Context()))
		return
	}
	if cw == nil {
		start()
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		s.Log.ErrorContext(r.Context(), "health access export", "err", err.Error(), "request_id", middleware.GetReqID(r.Context()))
	}
}
