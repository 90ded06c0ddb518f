package server

import (
	"encoding/csv"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"ankomst/internal/domain"
	"ankomst/internal/postgres"
	"ankomst/web/caseload"
	"ankomst/web/layout"
	"ankomst/web/persons"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
)

// caseloadRoutes registers the caseload module: caseload per caseworker and
// bulk reassignment, closing and reopening a case, and a person's access log.
func (s *Server) caseloadRoutes(r chi.Router) {
	r.Get("/caseload", s.caseloadOverview)
	r.Post("/caseload/preview", s.caseloadPreview)
	r.Post("/caseload/reassign", s.caseloadReassign)
	r.Get("/persons/{id}/close", s.personCloseForm)
	r.Post("/persons/{id}/close", s.personClose)
	r.Post("/persons/{id}/reopen", s.personReopen)
	r.Get("/persons/{id}/audit", s.personAudit)
	r.Get("/persons/{id}/audit.csv", s.personAuditCSV)
}

// caseloadToday is the current date in Norway.
func (s *Server) caseloadToday() time.Time { return domain.Date(s.DB.Now().In(domain.Oslo)) }

func caseloadName(given, family string) string { return family + ", " + given }

// ---- Caseload overview and bulk reassignment ----

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
	if len(v) == 0 {
		return "/caseload"
	}
	return "/caseload?" + v.Encode()
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
		v := caseload.ConflictView{User: currentUser(r), Missing: stale.Missing, PersonIDs: ids, ToID: to, BackURL: "/caseload"}
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

// ---- Closing and reopening a case ----

func (s *Server) closeView(r *http.Request, p *domain.Person) caseload.CloseView {
	today := s.caseloadToday()
	v := caseload.CloseView{User: currentUser(r), PersonID: p.ID, PersonName: p.FullName(), Today: domain.FormatISODate(&today)}
	if first := domain.EarliestCloseDate(today, p.ArrivalDate, p.SettlementDate); first != nil {
		v.Earliest = domain.FormatDate(first)
	}
	if p.Status == domain.StatusClosed {
		v.AlreadyClosed = true
		v.Conflict = "Saken er allerede avsluttet."
	}
	return v
}

func (s *Server) personCloseForm(w http.ResponseWriter, r *http.Request) {
	id, ok := s.begin(w, r, domain.CapWriteCase, "id", "Fant ikke personen.")
	if !ok {
		return
	}
	p, err := s.DB.GetPerson(r.Context(), scope(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := s.closeView(r, p)
	v.Form = domain.CloseForm{ClosedOn: v.Today, Version: strconv.Itoa(p.Version)}
	s.render(w, r, http.StatusOK, caseload.Close(v))
}

func (s *Server) personClose(w http.ResponseWriter, r *http.Request) {
	id, ok := s.begin(w, r, domain.CapWriteCase, "id", "Fant ikke personen.")
	if !ok {
		return
	}
	form := domain.CloseForm{ClosedOn: r.PostForm.Get("closed_on"), Reason: r.PostForm.Get("close_reason"), Version: r.PostForm.Get("version")}
	in, err := form.Validate(s.caseloadToday())
	if err == nil {
		_, err = s.DB.ClosePerson(r.Context(), scope(r), id, in)
		if err == nil {
			s.Sessions.Put(r.Context(), sessFlash, "Saken er avsluttet.")
			http.Redirect(w, r, "/persons/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
			return
		}
	}
	var stale *postgres.CaseStaleError
	var de *domain.Error
	switch {
	case errors.As(err, &stale):
		v := s.closeView(r, stale.Current)
		v.Form = form
		v.Form.Version = strconv.Itoa(stale.Current.Version)
		if !v.AlreadyClosed {
			v.Conflict = "Personen ble endret av noen andre etter at du åpnet siden (nå versjon " + strconv.Itoa(stale.Current.Version) +
				"). Ingenting er lagret. Se over og avslutt på nytt hvis saken fortsatt skal avsluttes."
		}
		s.render(w, r, http.StatusConflict, caseload.Close(v))
	case errors.As(err, &de) && (de.Code == domain.EINVALID || de.Code == domain.ECONFLICT):
		// Show the form again with what the user chose.
		p, gerr := s.DB.GetPerson(r.Context(), scope(r), id)
		if gerr != nil {
			s.fail(w, r, gerr)
			return
		}
		v := s.closeView(r, p)
		v.Form = form
		status := http.StatusConflict
		if de.Code == domain.EINVALID {
			status = http.StatusUnprocessableEntity
			v.Errors = de.Fields
			for _, f := range []string{"closed_on", "close_reason", "version"} {
				if msg, ok := de.Fields[f]; ok {
					v.Summary = append(v.Summary, layout.ErrorItem{Field: f, Message: msg})
				}
			}
		}
		s.render(w, r, status, caseload.Close(v))
	default:
		s.fail(w, r, err)
	}
}

func (s *Server) personReopen(w http.ResponseWriter, r *http.Request) {
	id, ok := s.begin(w, r, domain.CapWriteCase, "id", "Fant ikke personen.")
	if !ok {
		return
	}
	version, err := strconv.Atoi(r.PostForm.Get("version"))
	if err != nil || version <= 0 {
		// A person out of scope is 404 whatever the form says.
		if serr := s.DB.PersonInScope(r.Context(), scope(r), id); serr != nil {
			s.fail(w, r, serr)
			return
		}
		s.fail(w, r, domain.Errorf(domain.EINVALID, "Skjemaet mangler versjon. Last siden på nytt."))
		return
	}
	if _, err := s.DB.ReopenPerson(r.Context(), scope(r), id, version); err != nil {
		s.fail(w, r, err)
		return
	}
	s.Sessions.Put(r.Context(), sessFlash, "Saken er gjenåpnet.")
	http.Redirect(w, r, "/persons/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}

// ---- The person pages' parts of the caseload module ----

// markChangedSinceSeen marks the rows of the Mine list that others changed
// since the user last opened them, and those the user never opened.
func (s *Server) markChangedSinceSeen(r *http.Request, v *persons.ListView) error {
	ids := make([]int64, len(v.Rows))
	for i, row := range v.Rows {
		ids[i] = row.ID
	}
	seen, err := s.DB.ChangedSinceLastSeen(r.Context(), scope(r), ids)
	if err != nil {
		return err
	}
	for i := range v.Rows {
		c := seen[v.Rows[i].ID]
		switch {
		case c.Changed():
			v.Rows[i].Changed = true
			v.Rows[i].ChangedWhat = changedWhat(c)
			v.ChangedCount++
		case c.New():
			v.Rows[i].NewToMe = true
		}
	}
	return nil
}

// changedWhat says in Norwegian what others changed: the fields, or else the
// kinds of change.
func changedWhat(c postgres.SeenChange) string {
	var what []string
	for _, f := range c.Fields {
		what = append(what, domain.AuditFieldLabel(f))
	}
	if len(what) == 0 {
		for _, a := range c.Actions {
			what = append(what, strings.ToLower(domain.AuditActionLabel(a)))
		}
	}
	return "Endret av andre siden du sist så personen: " + strings.Join(what, ", ")
}

// addCaseActions adds the case status and the caseload actions to the person
// page: the closing (when closed), "Avslutt sak" or "Gjenåpne sak", and the
// access log link for leaders and admins.
func (s *Server) addCaseActions(r *http.Request, v *persons.ShowView, c postgres.Closure) {
	u := currentUser(r)
	v.CanAudit = u.Role.Can(domain.CapLeaderViews)
	if v.Person.Status != domain.StatusClosed {
		v.CanClose = u.Role.Can(domain.CapWriteCase)
		return
	}
	v.Closure = &persons.Closure{}
	if c.ClosedOn != nil {
		v.Closure.ClosedOn = domain.FormatDate(c.ClosedOn)
	}
	if c.CloseReason != nil {
		v.Closure.Reason = domain.Label(domain.CloseReasons, *c.CloseReason)
	}
	v.CanReopen = u.Role.Can(domain.CapWriteCase)
}

// warnLikelyDuplicates answers a registration that looks like a person
// already registered (same birth date and a similar name) with the form
// again and a warning listing them, unless the user has ticked "Dette er
// ikke samme person" (confirm_duplicate=1). It reports whether it answered.
//
// The registration form asks for the check with duplicate_check=1 (a
// hidden field): a post without it — a script, a test fixture — is not
// interrupted, as if confirmed.
//
// The first warning is 200: the input is valid and nothing is refused; the
// page is the second step of the form, as a confirmation page is. Sending
// the form again without the tick is 422 with the tick box's message.
// Identity-number matches are left to CreatePerson, which refuses them (409).
func (s *Server) warnLikelyDuplicates(w http.ResponseWriter, r *http.Request, v persons.FormView, in domain.PersonInput) bool {
	if r.PostForm.Get("duplicate_check") != "1" || r.PostForm.Get("confirm_duplicate") == "1" {
		return false
	}
	cands, err := s.DB.LikelyDuplicates(r.Context(), scope(r), in)
	if err != nil {
		s.fail(w, r, err)
		return true
	}
	for _, c := range cands {
		if c.IdentityMatch() {
			return false
		}
		row := persons.DuplicateRow{Name: "Registrert i en annen enhet", Why: "samme fødselsdato og lignende navn"}
		if c.Visible {
			row.URL = "/persons/" + strconv.FormatInt(c.PersonID, 10)
			row.Name = c.GivenName + " " + c.FamilyName
			row.BirthDate = domain.FormatDate(&c.BirthDate)
			row.Closed = c.Status == domain.StatusClosed
			if c.CaseworkerName != nil {
				row.Caseworker = "programrådgiver " + *c.CaseworkerName
			}
		}
		v.Duplicates = append(v.Duplicates, row)
	}
	if len(v.Duplicates) == 0 {
		return false
	}
	status, ferr := http.StatusOK, error(nil)
	if r.PostForm.Get("duplicate_warned") == "1" {
		status = http.StatusUnprocessableEntity
		ferr = &domain.Error{Code: domain.EINVALID, Message: "Bekreft at dette ikke er samme person.",
			Fields: map[string]string{"confirm_duplicate": "Kryss av for at dette ikke er samme person, eller avbryt registreringen."}}
	}
	s.renderPersonForm(w, r, status, v, ferr)
	return true
}

// ---- Access log (innsyn: hvem har sett) ----

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
	base := "/persons/" + strconv.FormatInt(id, 10)
	link := func(path string, change func(url.Values)) string {
		v := url.Values{}
		if action != "" {
			v.Set("action", action)
		}
		if change != nil {
			change(v)
		}
		if len(v) == 0 {
			return path
		}
		return path + "?" + v.Encode()
	}
	v := caseload.AuditView{User: currentUser(r), PersonID: id, PersonName: page.PersonName, Action: action,
		CSVURL: link(base+"/audit.csv", nil)}
	if v.Action == "" {
		v.Action = "all"
	}
	v.Actions = append([]domain.Option{{Value: "all", Label: "Alle handlinger"}}, domain.AuditActions()...)
	for _, e := range page.Events {
		name, role := auditUser(e)
		v.Rows = append(v.Rows, caseload.AuditRow{
			At: e.At.In(domain.Oslo).Format("02.01.2006 15:04:05"), User: name, Role: role,
			Action: domain.AuditActionLabel(e.Action), What: auditWhat(e, id), Fields: auditFields(e), Ref: e.RequestID,
		})
	}
	if page.HasMore && len(page.Events) > 0 {
		last := page.Events[len(page.Events)-1].ID
		v.NextURL = link(base+"/audit", func(uv url.Values) { uv.Set("before", strconv.FormatInt(last, 10)) })
	}
	if before != 0 {
		v.FirstURL = link(base+"/audit", nil)
	}
	s.render(w, r, http.StatusOK, caseload.Audit(v))
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
		w.Write([]byte("\uFEFF")) //nolint:errcheck
		cw = csv.NewWriter(w)
		cw.Comma = ';'
		cw.UseCRLF = true
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
		row := []string{e.At.In(domain.Oslo).Format("2006-01-02 15:04:05"), name, role, domain.AuditActionLabel(e.Action),
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
