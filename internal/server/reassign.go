package server

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"ankomst/internal/domain"
	"ankomst/internal/postgres"
	"ankomst/web/caseload"
	"ankomst/web/layout"
	"ankomst/web/paths"

	"github.com/go-chi/chi/v5"
)

// reassignRoutes registers reassignment (saksfordeling): the caseload per
// caseworker, the preview of a bulk reassignment and its confirmation.
func (s *Server) reassignRoutes(r chi.Router) {
	r.Get("/caseload", s.caseloadOverview)
	r.Post("/caseload/preview", s.caseloadPreview)
	r.Post("/caseload/reassign", s.caseloadReassign)
}

func caseloadName(given, family string) string { return family + ", " + given }

// caseloadFilter is the caseload page's caseworker filter as it travels in
// URLs and forms: "all", "none" or a user id.
type caseloadFilter struct {
	Value string
	ID    int64 // for the store: 0, UnassignedCaseworker or a user id
}

func parseCaseloadFilter(v string) caseloadFilter {
	switch v {
	case "none":
		return caseloadFilter{"none", postgres.UnassignedCaseworker}
	case "", "all":
		return caseloadFilter{"all", 0}
	}
	if id, err := strconv.ParseInt(v, 10, 64); err == nil && id > 0 {
		return caseloadFilter{v, id}
	}
	return caseloadFilter{"all", 0}
}

func caseloadURL(filter string, change func(url.Values)) string {
	v := url.Values{}
	if filter != "" && filter != "all" {
		v.Set("caseworker", filter)
	}
	if change != nil {
		change(v)
	}
	return paths.WithQuery(paths.Caseload(), v)
}

func (s *Server) caseloadOverview(w http.ResponseWriter, r *http.Request) {
	if !s.allow(w, r, domain.CapReassign) {
		return
	}
	q := r.URL.Query()
	after, _ := strconv.ParseInt(q.Get("after"), 10, 64)
	s.renderCaseload(w, r, http.StatusOK, parseCaseloadFilter(q.Get("caseworker")), after, q.Get("select") == "all", nil, "", nil)
}

// renderCaseload shows the caseload page; checked marks persons as chosen
// (after a refused preview, or "select all"), err carries field errors.
func (s *Server) renderCaseload(w http.ResponseWriter, r *http.Request, status int, f caseloadFilter, after int64,
	checkAll bool, checked map[int64]bool, to string, err error) {
	u := currentUser(r)
	ov, lerr := s.DB.CaseloadOverview(r.Context(), scope(r), postgres.CaseloadQuery{Caseworker: f.ID, After: after, Limit: 100})
	if lerr != nil {
		s.fail(w, r, lerr)
		return
	}
	v := caseload.OverviewView{
		User: u, ShowUnit: u.Role.Can(domain.CapAllUnits), Filter: f.Value, To: to,
		Flash:         s.Sessions.PopString(r.Context(), sessFlash),
		Unassigned:    ov.Unassigned,
		UnassignedURL: caseloadURL("none", nil),
		AllURL:        caseloadURL("all", nil),
		FilterOptions: []domain.Option{{Value: "all", Label: "Alle programrådgivere"}, {Value: "none", Label: "Ikke tildelt"}},
	}
	if f.Value == "none" {
		v.FilterLabel = "ikke tildelt"
	}
	for _, c := range ov.Counts {
		id := strconv.FormatInt(c.UserID, 10)
		label := c.Name
		if v.ShowUnit {
			label += " – " + c.UnitName
		}
		if !c.Active {
			label += " (deaktivert)"
		}
		v.Counts = append(v.Counts, caseload.CountRow{Name: c.Name, Unit: c.UnitName, Persons: c.Persons, Inactive: !c.Active,
			URL: caseloadURL(id, nil), Current: f.Value == id})
		v.FilterOptions = append(v.FilterOptions, domain.Option{Value: id, Label: label})
		if f.Value == id {
			v.FilterLabel = "hos " + c.Name
		}
	}
	for _, t := range ov.Targets {
		label := t.Name
		if v.ShowUnit {
			label += " – " + t.UnitName
		}
		v.Targets = append(v.Targets, domain.Option{Value: strconv.FormatInt(t.ID, 10), Label: label})
	}
	for _, row := range ov.Page.Rows {
		cw := "Ikke tildelt"
		if row.CaseworkerName != nil {
			cw = *row.CaseworkerName
		}
		v.Rows = append(v.Rows, caseload.PersonRow{ID: row.ID, Name: caseloadName(row.GivenName, row.FamilyName),
			BirthDate: domain.FormatDate(&row.BirthDate), Unit: row.UnitName, Caseworker: cw,
			Checked: checkAll || checked[row.ID]})
	}
	afterStr := func(uv url.Values) {
		if after != 0 {
			uv.Set("after", strconv.FormatInt(after, 10))
		}
	}
	v.SelectAllURL = caseloadURL(f.Value, func(uv url.Values) { afterStr(uv); uv.Set("select", "all") }) + "#person"
	v.SelectNoneURL = caseloadURL(f.Value, afterStr) + "#person"
	if ov.Page.HasNext && len(ov.Page.Rows) > 0 {
		last := ov.Page.Rows[len(ov.Page.Rows)-1].ID
		v.NextURL = caseloadURL(f.Value, func(uv url.Values) { uv.Set("after", strconv.FormatInt(last, 10)) })
	}
	if after != 0 {
		v.FirstURL = caseloadURL(f.Value, nil)
	}
	var de *domain.Error
	if errors.As(err, &de) {
		v.Errors = de.Fields
		for _, field := range []string{"person", "to"} {
			if msg, ok := de.Fields[field]; ok {
				v.Summary = append(v.Summary, layout.ErrorItem{Field: field, Message: msg})
			}
		}
	}
	s.render(w, r, status, caseload.Overview(v))
}

// parsePersonIDs reads positive ids; ok is false if any value is not one.
func parsePersonIDs(vals []string) ([]int64, bool) {
	out := make([]int64, 0, len(vals))
	for _, v := range vals {
		id, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil || id <= 0 {
			return nil, false
		}
		out = append(out, id)
	}
	return out, true
}

func (s *Server) caseloadPreview(w http.ResponseWriter, r *http.Request) {
	if !s.allow(w, r, domain.CapReassign) {
		return
	}
	ids, ok := parsePersonIDs(r.PostForm["person"])
	if !ok {
		s.fail(w, r, domain.Errorf(domain.EINVALID, "Ugyldig deltaker i skjemaet."))
		return
	}
	filter := parseCaseloadFilter(r.PostForm.Get("caseworker"))
	toStr := strings.TrimSpace(r.PostForm.Get("to"))
	to, _ := strconv.ParseInt(toStr, 10, 64)
	fields := map[string]string{}
	if len(ids) == 0 {
		fields["person"] = "Velg minst én deltaker."
	}
	if to <= 0 {
		fields["to"] = "Velg hvem deltakerne skal flyttes til."
	}
	var err error
	var pv postgres.ReassignPreview
	if len(fields) > 0 {
		err = &domain.Error{Code: domain.EINVALID, Message: "Skjemaet har feil.", Fields: fields}
	} else {
		pv, err = s.DB.PreviewReassign(r.Context(), scope(r), ids, to)
	}
	if err != nil {
		var de *domain.Error
		if errors.As(err, &de) && de.Code == domain.EINVALID && len(de.Fields) > 0 {
			checked := map[int64]bool{}
			for _, id := range ids {
				checked[id] = true
			}
			s.renderCaseload(w, r, http.StatusUnprocessableEntity, filter, 0, false, checked, toStr, err)
			return
		}
		s.fail(w, r, err)
		return
	}
	v := caseload.PreviewView{User: currentUser(r), ToID: pv.ToID, ToName: pv.ToName, Missing: pv.Missing,
		BackURL: caseloadURL(filter.Value, nil)}
	for _, c := range pv.Changes {
		from := "Ikke tildelt"
		if c.FromName != nil {
			from = *c.FromName
		}
		v.Changes = append(v.Changes, caseload.ChangeRow{ID: c.PersonID, Name: caseloadName(c.GivenName, c.FamilyName), From: from, Version: c.Version})
	}
	for _, sk := range pv.Skipped {
		v.Skipped = append(v.Skipped, caseload.SkipRow{ID: sk.PersonID, Name: caseloadName(sk.GivenName, sk.FamilyName), Reason: sk.Reason})
	}
	s.render(w, r, http.StatusOK, caseload.Preview(v))
}

// parseReassignItems reads the preview's "id:version" items.
func parseReassignItems(vals []string) (map[int64]int, []int64, bool) {
	m := make(map[int64]int, len(vals))
	var ids []int64
	for _, v := range vals {
		a, b, found := strings.Cut(v, ":")
		id, err1 := strconv.ParseInt(a, 10, 64)
		ver, err2 := strconv.Atoi(b)
		if !found || err1 != nil || err2 != nil || id <= 0 || ver <= 0 {
			return nil, nil, false
		}
		if _, dup := m[id]; !dup {
			ids = append(ids, id)
		}
		m[id] = ver
	}
	return m, ids, true
}

func (s *Server) caseloadReassign(w http.ResponseWriter, r *http.Request) {
	if !s.allow(w, r, domain.CapReassign) {
		return
	}
	expected, ids, ok := parseReassignItems(r.PostForm["item"])
	to, err := strconv.ParseInt(r.PostForm.Get("to"), 10, 64)
	if !ok || len(expected) == 0 || err != nil || to <= 0 {
		s.fail(w, r, domain.Errorf(domain.EINVALID, "Skjemaet mangler deltakere eller programrådgiver. Gå tilbake til saksfordelingen og lag en ny forhåndsvisning."))
		return
	}
	res, err := s.DB.ReassignPersons(r.Context(), scope(r), to, expected)
	var stale *postgres.ReassignStaleError
	switch {
	case err == nil:
		s.Sessions.Put(r.Context(), sessFlash, reassignCountText(res.Moved)+" er flyttet til "+res.ToName+".")
		http.Redirect(w, r, caseloadURL(strconv.FormatInt(to, 10), nil), http.StatusSeeOther)
	case errors.As(err, &stale):
		v := caseload.ConflictView{User: currentUser(r), Missing: stale.Missing, PersonIDs: ids, ToID: to, BackURL: paths.Caseload()}
		for _, c := range stale.Changed {
			v.Changed = append(v.Changed, caseload.SkipRow{ID: c.PersonID, Name: caseloadName(c.GivenName, c.FamilyName), Reason: c.Why})
		}
		s.render(w, r, http.StatusConflict, caseload.Conflict(v))
	default:
		var de *domain.Error
		if errors.As(err, &de) && de.Code == domain.EINVALID && len(de.Fields) > 0 {
			for _, msg := range de.Fields {
				err = domain.Errorf(domain.EINVALID, "%s", msg)
				break
			}
		}
		s.fail(w, r, err)
	}
}

func reassignCountText(n int) string {
	if n == 1 {
		return "1 deltaker"
	}
	return strconv.Itoa(n) + " deltakere"
}
