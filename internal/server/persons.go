package server

import (
	"errors"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"ankomst/internal/domain"
	"ankomst/internal/postgres"
	"ankomst/web/layout"
	"ankomst/web/paths"
	"ankomst/web/persons"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5"
)

// listParams is the person list's state as it travels in URLs.
type listParams struct {
	Q      string
	View   string // "mine" or "all"
	Sort   string
	Desc   bool
	After  int64
	Before int64
}

func (p listParams) url(change func(*listParams)) string {
	c := p
	c.After, c.Before = 0, 0
	if change != nil {
		change(&c)
	}
	v := url.Values{}
	if c.Q != "" {
		v.Set("q", c.Q)
	}
	v.Set("view", c.View)
	if c.Sort != "" && c.Sort != postgres.SortName {
		v.Set("sort", c.Sort)
	}
	if c.Desc {
		v.Set("dir", "desc")
	}
	if c.After != 0 {
		v.Set("after", strconv.FormatInt(c.After, 10))
	}
	if c.Before != 0 {
		v.Set("before", strconv.FormatInt(c.Before, 10))
	}
	return paths.WithQuery(paths.Persons(), v)
}

func defaultView(u *domain.User) string {
	if u.Role.Can(domain.CapMineFirst) {
		return "mine"
	}
	return "all"
}

func parseListParams(r *http.Request, q url.Values) listParams {
	p := listParams{Q: strings.TrimSpace(q.Get("q")), View: q.Get("view"), Sort: q.Get("sort"), Desc: q.Get("dir") == "desc"}
	if p.View != "mine" && p.View != "all" && p.View != "closed" && p.View != "pipeline" {
		p.View = defaultView(currentUser(r))
	}
	switch p.Sort {
	case postgres.SortSettlement, postgres.SortBirth:
	default:
		p.Sort = postgres.SortName
	}
	p.After, _ = strconv.ParseInt(q.Get("after"), 10, 64)
	p.Before, _ = strconv.ParseInt(q.Get("before"), 10, 64)
	return p
}

func (s *Server) personList(w http.ResponseWriter, r *http.Request) {
	s.renderPersonList(w, r, parseListParams(r, r.URL.Query()))
}

// personSearch takes the search form by POST so that a national ID or DUF
// number never lands in a URL, a log line or the browser history. A name
// search redirects to a shareable GET URL.
//
// The live search (htmx, HX-Request) gets the results fragment instead; for
// a query that may go into a URL, HX-Push-Url puts the shareable GET URL in
// the address bar and the history, for a possible identity number nothing.
func (s *Server) personSearch(w http.ResponseWriter, r *http.Request) {
	p := parseListParams(r, r.PostForm)
	if isHTMX(r) {
		if queryFitsURL(p.Q) {
			w.Header().Set("HX-Push-Url", p.url(nil))
		}
		s.renderPersonList(w, r, p)
		return
	}
	if p.Q != "" && queryFitsURL(p.Q) {
		http.Redirect(w, r, p.url(nil), http.StatusSeeOther)
		return
	}
	s.renderPersonList(w, r, p)
}

func looksLikeIDNumber(q string) bool {
	d := strings.ReplaceAll(q, " ", "")
	if len(d) != 11 && len(d) != 12 {
		return false
	}
	for _, c := range d {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func (s *Server) renderPersonList(w http.ResponseWriter, r *http.Request, p listParams) {
	u := currentUser(r)
	page, err := s.DB.ListPersons(r.Context(), scope(r), postgres.PersonQuery{
		Q: p.Q, Mine: p.View == "mine", Closed: p.View == "closed", Pipeline: p.View == "pipeline", Sort: p.Sort, Desc: p.Desc, After: p.After, Before: p.Before, Limit: 50,
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	flash := ""
	if !isHTMX(r) { // a live search shows no flash, so leaves it for the next page
		flash = s.Sessions.PopString(r.Context(), sessFlash)
	}
	v := persons.ListView{
		User: u, Q: p.Q, Searched: p.Q != "", Mine: p.View == "mine", CanCreate: u.Role.Can(domain.CapWriteCase),
		MineURL: p.url(func(c *listParams) { c.View = "mine"; c.Q = "" }),
		AllURL:  p.url(func(c *listParams) { c.View = "all"; c.Q = "" }),
		Flash:   flash,
		Closed:  p.View == "closed", ClosedURL: p.url(func(c *listParams) { c.View = "closed"; c.Q = "" }),
		Pipeline: p.View == "pipeline", PipelineURL: p.url(func(c *listParams) { c.View = "pipeline"; c.Q = "" }),
		CanReassign: u.Role.Can(domain.CapReassign),
	}
	if !queryFitsURL(p.Q) {
		v.Q = "" // never echo an identity number into links
	}
	if p.Sort != postgres.SortName || p.Desc {
		v.Sort, v.Desc = p.Sort, p.Desc
	}
	for _, c := range []struct{ key, label string }{
		{postgres.SortName, "Navn"}, {postgres.SortBirth, "Fødselsdato"}, {postgres.SortSettlement, "Bosettingsdato"},
	} {
		col := persons.SortColumn{Label: c.label, AriaSort: "none"}
		desc := false
		if p.Sort == c.key {
			if p.Desc {
				col.AriaSort = "descending"
			} else {
				col.AriaSort = "ascending"
				desc = true
			}
		}
		key := c.key
		col.URL = p.url(func(l *listParams) {
			l.Sort, l.Desc = key, desc
			if !queryFitsURL(l.Q) {
				l.Q = ""
			}
		})
		v.Columns = append(v.Columns, col)
	}
	for _, row := range page.Rows {
		cw := "–"
		if row.CaseworkerName != nil {
			cw = *row.CaseworkerName
		}
		settled := domain.FormatDate(row.SettlementDate)
		if row.SettlementStage != "" && row.SettlementStage != domain.StageSettled {
			// Not yet settled: the stage, and the expected arrival when agreed.
			settled = domain.SettlementStageLabel(row.SettlementStage)
			if row.ExpectedArrival != nil {
				settled += " (ankomst " + domain.FormatDate(row.ExpectedArrival) + ")"
			}
		}
		v.Rows = append(v.Rows, persons.Row{
			ID: row.ID, Name: domain.ListName(row.GivenName, row.FamilyName),
			BirthDate:      domain.FormatDate(&row.BirthDate),
			Country:        domain.Label(domain.Countries(), row.CountryOfOrigin),
			Basis:          domain.Label(domain.ResidenceBases(), row.ResidenceBasis),
			SettlementDate: settled, Caseworker: cw,
			Closed: row.Status == domain.StatusClosed && p.View != "closed", // the closed list needs no tag
		})
	}
	if v.Mine {
		if err := s.markChangedSinceSeen(r, &v); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	if len(page.Rows) > 0 && queryFitsURL(p.Q) {
		first, last := page.Rows[0].ID, page.Rows[len(page.Rows)-1].ID
		if page.HasNext {
			v.NextURL = p.url(func(l *listParams) { l.After = last })
		}
		if page.HasPrev {
			v.PrevURL = p.url(func(l *listParams) { l.Before = first })
		}
	}
	if isHTMX(r) { // a live search: the count and the results only
		s.renderFragments(w, r, http.StatusOK, persons.List(v), persons.ResultsFragment)
		return
	}
	s.render(w, r, http.StatusOK, persons.List(v))
}

// personFormFrom reads the person form from a parsed POST.
func personFormFrom(r *http.Request) domain.PersonForm {
	f := r.PostForm
	return domain.PersonForm{
		GivenName: f.Get("given_name"), FamilyName: f.Get("family_name"),
		BirthDate: f.Get("birth_date"), Sex: f.Get("sex"),
		NationalID: f.Get("national_id"), DUFNumber: f.Get("duf_number"),
		CountryOfOrigin: f.Get("country_of_origin"), Languages: f["languages"],
		InterpreterNeeded:   f.Get("interpreter_needed") != "",
		InterpreterLanguage: f.Get("interpreter_language"), InterpreterDialect: f.Get("interpreter_dialect"),
		InterpreterGender: f.Get("interpreter_gender"),
		ResidenceBasis:    f.Get("residence_basis"), ArrivalDate: f.Get("arrival_date"),
		SettlementDate: f.Get("settlement_date"), CaseworkerID: f.Get("caseworker_id"),
		Version:         f.Get("version"),
		SettlementStage: f.Get("settlement_stage"), ProposedOn: f.Get("proposed_on"), AgreedOn: f.Get("agreed_on"),
		ExpectedArrival: f.Get("expected_arrival"), DeclinedOn: f.Get("declined_on"), DeclineReason: f.Get("decline_reason"),
		GrantDisability: f.Get("grant_disability") != "", NeedsAccessibleHome: f.Get("needs_accessible_home") != "",
	}
}

// fieldOrder is the order of the form's fields, for the error summary.
var fieldOrder = []string{"given_name", "family_name", "birth_date", "sex", "national_id", "duf_number",
	"country_of_origin", "residence_basis", "arrival_date", "settlement_date", "languages",
	"interpreter_language", "interpreter_dialect", "interpreter_gender", "caseworker_id",
	"settlement_stage", "proposed_on", "agreed_on", "expected_arrival", "declined_on", "decline_reason", "version"}

func errorItems(fields map[string]string) []layout.ErrorItem {
	var items []layout.ErrorItem
	for _, f := range fieldOrder {
		if msg, ok := fields[f]; ok {
			items = append(items, layout.ErrorItem{Field: f, Message: msg})
		}
	}
	seen := len(items)
	if seen < len(fields) { // fields outside fieldOrder, in a stable order
		var rest []string
		for f := range fields {
			rest = append(rest, f)
		}
		sort.Strings(rest)
		for _, f := range rest {
			found := false
			for _, it := range items {
				found = found || it.Field == f
			}
			if !found {
				items = append(items, layout.ErrorItem{Field: f, Message: fields[f]})
			}
		}
	}
	return items
}

func (s *Server) caseworkerOptions(r *http.Request) ([]domain.Option, error) {
	users, err := s.DB.Caseworkers(r.Context(), scope(r))
	if err != nil {
		return nil, err
	}
	opts := make([]domain.Option, len(users))
	for i, u := range users {
		opts[i] = domain.Option{Value: strconv.FormatInt(u.ID, 10), Label: u.Name}
	}
	return opts, nil
}

// renderPersonForm shows the form with the user's input and any errors.
func (s *Server) renderPersonForm(w http.ResponseWriter, r *http.Request, status int, v persons.FormView, err error) {
	opts, oerr := s.caseworkerOptions(r)
	if oerr != nil {
		s.serverError(w, r, oerr)
		return
	}
	v.User, v.Caseworkers = currentUser(r), opts
	var de *domain.Error
	if errors.As(err, &de) {
		v.Errors = de.Fields
		v.Summary = errorItems(de.Fields)
		if len(v.Summary) == 0 && de.Message != "" {
			v.Summary = []layout.ErrorItem{{Field: "given_name", Message: de.Message}}
		}
	}
	var dup *postgres.DuplicateError
	if errors.As(err, &dup) && dup.Visible {
		v.DuplicateURL = paths.Person(dup.ExistingID)
	}
	s.render(w, r, status, persons.Form(v))
}

func newPersonView() persons.FormView {
	return persons.FormView{Title: "Registrer deltaker", Action: paths.Persons(), Submit: "Registrer", CancelURL: paths.Persons(), CheckDuplicates: true}
}

func (s *Server) personNew(w http.ResponseWriter, r *http.Request) {
	if !s.allow(w, r, domain.CapWriteCase) {
		return
	}
	v := newPersonView()
	u := currentUser(r)
	if u.Role.Can(domain.CapMineFirst) {
		v.Form.CaseworkerID = strconv.FormatInt(u.ID, 10)
	}
	s.renderPersonForm(w, r, http.StatusOK, v, nil)
}

func (s *Server) personCreate(w http.ResponseWriter, r *http.Request) {
	if !s.allow(w, r, domain.CapWriteCase) {
		return
	}
	v := newPersonView()
	v.Form = personFormFrom(r)
	v.Form.Version = ""
	in, err := v.Form.Validate(domain.Today(s.DB.Now()))
	if err != nil {
		s.renderPersonForm(w, r, http.StatusUnprocessableEntity, v, err)
		return
	}
	if s.warnLikelyDuplicates(w, r, v, in) {
		return
	}
	id, err := s.DB.CreatePerson(r.Context(), scope(r), in)
	if err != nil {
		switch domain.ErrorCode(err) {
		case domain.EINVALID:
			s.renderPersonForm(w, r, http.StatusUnprocessableEntity, v, err)
		case domain.ECONFLICT:
			s.renderPersonForm(w, r, http.StatusConflict, v, err)
		default:
			s.fail(w, r, err)
		}
		return
	}
	s.Sessions.Put(r.Context(), sessFlash, "Deltakeren er registrert.")
	http.Redirect(w, r, paths.Person(id), http.StatusSeeOther)
}

// personRoutes are the person register's routes.
func (s *Server) personRoutes(r chi.Router) {
	r.Get("/persons", s.personList)
	r.Post("/persons/search", s.personSearch)
	r.Get("/persons/new", s.personNew)
	r.Post("/persons", s.personCreate)
	r.Get("/persons/{id}", s.personShow)
	r.Get("/persons/{id}/edit", s.personEdit)
	r.Post("/persons/{id}", s.personUpdate)
}

// personShow is the person page: the person and every module's section, read
// in one batch with the audit rows of the read (personPage, modules.go).
func (s *Server) personShow(w http.ResponseWriter, r *http.Request) {
	id, ok := s.begin(w, r, domain.CapReadCase, "id", "Fant ikke personen.")
	if !ok {
		return
	}
	pg := &personPage{r: r, batch: s.DB.NewPersonPage(scope(r), id)}
	closure := pg.batch.Closure()
	var renders []func(*domain.Person) (templ.Component, error)
	for _, m := range s.mods {
		if m.section != nil {
			renders = append(renders, m.section(pg))
		}
	}
	p, err := s.DB.LoadPersonPage(r.Context(), pg.batch)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if p.Status == domain.StatusMerged { // a duplicate merged into another: say where it went
		s.mergedNotice(w, r, p)
		return
	}
	sv := persons.ShowView{
		User: currentUser(r), Person: p, CanEdit: currentUser(r).Role.Can(domain.CapWriteCase) && !p.Anonymised,
		Flash: s.Sessions.PopString(r.Context(), sessFlash),
	}
	for _, render := range renders {
		c, err := render(p)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if c != nil {
			sv.Sections = append(sv.Sections, c)
		}
	}
	s.addCaseActions(r, &sv, *closure)
	s.render(w, r, http.StatusOK, persons.Show(sv))
}

func editView(id int64) persons.FormView {
	return persons.FormView{Title: "Endre deltaker", Action: paths.Person(id), Submit: "Lagre endringer", CancelURL: paths.Person(id)}
}

func (s *Server) personEdit(w http.ResponseWriter, r *http.Request) {
	id, ok := s.begin(w, r, domain.CapWriteCase, "id", "Fant ikke personen.")
	if !ok {
		return
	}
	p, err := s.DB.GetPerson(r.Context(), scope(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if p.Status == domain.StatusMerged { // frozen: nothing to edit
		s.mergedNotice(w, r, p)
		return
	}
	v := editView(id)
	v.Form = domain.FormFromPerson(p)
	s.renderPersonForm(w, r, http.StatusOK, v, nil)
}

func (s *Server) personUpdate(w http.ResponseWriter, r *http.Request) {
	id, ok := s.begin(w, r, domain.CapWriteCase, "id", "Fant ikke personen.")
	if !ok {
		return
	}
	v := editView(id)
	v.Form = personFormFrom(r)
	in, err := v.Form.Validate(domain.Today(s.DB.Now()))
	if err == nil && in.Version == 0 {
		err = &domain.Error{Code: domain.EINVALID, Message: "Mangler versjon.", Fields: map[string]string{"version": "Skjemaet mangler versjon. Last siden på nytt."}}
	}
	if err != nil {
		// A person out of scope is 404 whatever the form says.
		if serr := s.DB.PersonInScope(r.Context(), scope(r), id); serr != nil {
			s.fail(w, r, serr)
			return
		}
		s.renderPersonForm(w, r, http.StatusUnprocessableEntity, v, err)
		return
	}
	_, err = s.DB.UpdatePerson(r.Context(), scope(r), id, in)
	var stale *postgres.StaleError
	switch {
	case err == nil:
		s.Sessions.Put(r.Context(), sessFlash, "Endringene er lagret.")
		http.Redirect(w, r, paths.Person(id), http.StatusSeeOther)
	case errors.As(err, &stale):
		// Keep what the user typed, based on the stored version from now on.
		v.Form.Version = strconv.Itoa(stale.Current.Version)
		v.Conflict = &persons.ShowView{Person: stale.Current}
		s.renderPersonForm(w, r, http.StatusConflict, v, nil)
	case domain.ErrorCode(err) == domain.EINVALID:
		s.renderPersonForm(w, r, http.StatusUnprocessableEntity, v, err)
	case domain.ErrorCode(err) == domain.ECONFLICT:
		s.renderPersonForm(w, r, http.StatusConflict, v, err)
	default:
		s.fail(w, r, err)
	}
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
			row.URL = paths.Person(c.PersonID)
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
