package server

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"ankomst/internal/domain"
	"ankomst/internal/postgres"
	"ankomst/web/households"
	"ankomst/web/layout"
	"ankomst/web/paths"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5"
)

// householdRoutes registers the households module's routes.
func (s *Server) householdRoutes(r chi.Router) {
	r.Get("/households", s.householdList)
	r.Post("/households/search", s.householdSearch)
	r.Get("/households/new", s.householdNew)
	r.Post("/households", s.householdCreate)
	r.Get("/households/{id}", s.householdShow)
	r.Post("/households/{id}", s.householdUpdate)
	r.Get("/households/{id}/edit", s.householdEdit)
	r.Post("/households/{id}/search", s.householdPickerSearch)
	r.Post("/households/{id}/members", s.householdAddMember)
	r.Get("/households/{id}/members/{personID}/remove", s.householdRemoveConfirm)
	r.Post("/households/{id}/members/{personID}/remove", s.householdRemove)
	r.Get("/households/{id}/reunification", s.reunificationNew)
	r.Post("/households/{id}/reunification", s.reunificationCreate)
}

// householdFieldOrder is the order of the households forms' fields in an
// error summary; the person form's fields follow (fieldOrder).
var householdFieldOrder = []string{"name", "person_id", "relation", "joined_on", "left_on"}

func householdErrors(fields map[string]string) []layout.ErrorItem {
	var items []layout.ErrorItem
	rest := map[string]string{}
	for f, m := range fields {
		rest[f] = m
	}
	for _, f := range householdFieldOrder {
		if msg, ok := rest[f]; ok {
			items = append(items, layout.ErrorItem{Field: f, Message: msg})
			delete(rest, f)
		}
	}
	return append(items, errorItems(rest)...)
}

// fieldErrors returns the field messages of a domain error, or nil.
func fieldErrors(err error) map[string]string {
	var de *domain.Error
	if errors.As(err, &de) {
		return de.Fields
	}
	return nil
}

// today is the current date as a UTC midnight.
func (s *Server) today() time.Time { return domain.Today(s.DB.Now()) }

// --- list ---

// householdListParams is the household list's state as it travels in URLs.
type householdListParams struct {
	Q             string
	After, Before int64
}

func (p householdListParams) url() string {
	v := url.Values{}
	if p.Q != "" && !looksLikeIDNumber(p.Q) {
		v.Set("q", p.Q)
	}
	if p.After != 0 {
		v.Set("after", strconv.FormatInt(p.After, 10))
	}
	if p.Before != 0 {
		v.Set("before", strconv.FormatInt(p.Before, 10))
	}
	return paths.WithQuery(paths.Households(), v)
}

func (s *Server) householdList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	p := householdListParams{Q: strings.TrimSpace(q.Get("q"))}
	p.After, _ = strconv.ParseInt(q.Get("after"), 10, 64)
	p.Before, _ = strconv.ParseInt(q.Get("before"), 10, 64)
	s.renderHouseholdList(w, r, p)
}

// householdSearch takes the search by POST so that an identity number never
// lands in a URL; a name search redirects to a shareable GET URL.
func (s *Server) householdSearch(w http.ResponseWriter, r *http.Request) {
	p := householdListParams{Q: strings.TrimSpace(r.PostForm.Get("q"))}
	if !looksLikeIDNumber(p.Q) {
		http.Redirect(w, r, p.url(), http.StatusSeeOther)
		return
	}
	s.renderHouseholdList(w, r, p)
}

func (s *Server) renderHouseholdList(w http.ResponseWriter, r *http.Request, p householdListParams) {
	u := currentUser(r)
	page, err := s.DB.ListHouseholds(r.Context(), scope(r), postgres.HouseholdQuery{Q: p.Q, After: p.After, Before: p.Before, Limit: 50})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := households.ListView{
		User: u, Q: p.Q, ShowUnit: u.Role.Can(domain.CapAllUnits), CanCreate: u.Role.Can(domain.CapWriteCase),
		ResetURL: paths.Households(), Flash: s.Sessions.PopString(r.Context(), sessFlash),
	}
	isID := looksLikeIDNumber(p.Q)
	if isID {
		v.Q = "" // never echo an identity number
	}
	for _, row := range page.Rows {
		head := "–"
		if row.HeadName != nil {
			head = *row.HeadName
		}
		hr := households.Row{
			URL: paths.Household(row.ID), Name: row.Name, Head: head, Members: strconv.Itoa(row.Members),
			LastJoined: domain.FormatDate(row.LastJoined), Unit: row.UnitName,
		}
		if row.Reunified > 0 {
			hr.Reunified = strconv.Itoa(row.Reunified) + " familiegjenforent"
		}
		v.Rows = append(v.Rows, hr)
	}
	if len(page.Rows) > 0 && !isID {
		first, last := page.Rows[0].ID, page.Rows[len(page.Rows)-1].ID
		if page.HasNext {
			v.NextURL = householdListParams{Q: p.Q, After: last}.url()
		}
		if page.HasPrev {
			v.PrevURL = householdListParams{Q: p.Q, Before: first}.url()
		}
	}
	s.render(w, r, http.StatusOK, households.List(v))
}

// --- new and rename ---

func (s *Server) householdNew(w http.ResponseWriter, r *http.Request) {
	if !s.allow(w, r, domain.CapWriteCase) {
		return
	}
	v := households.FormView{Title: "Opprett husstand", Action: paths.Households(), Submit: "Opprett husstand", CancelURL: paths.Households()}
	if raw := r.URL.Query().Get("person"); raw != "" {
		pid, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || pid <= 0 {
			s.fail(w, r, domain.Errorf(domain.ENOTFOUND, "Fant ikke personen."))
			return
		}
		p, err := s.DB.GetPerson(r.Context(), scope(r), pid)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		joined := domain.DefaultJoinedOn(p.ArrivalDate, p.SettlementDate, s.today())
		v.Head = &households.HeadView{PersonID: raw, Name: p.FullName(), JoinedOn: domain.FormatISODate(&joined)}
		v.Name = domain.DefaultHouseholdName(p.FamilyName)
		v.CancelURL = paths.Person(pid)
	}
	s.renderHouseholdForm(w, r, http.StatusOK, v, nil)
}

func (s *Server) renderHouseholdForm(w http.ResponseWriter, r *http.Request, status int, v households.FormView, err error) {
	v.User = currentUser(r)
	var de *domain.Error
	if errors.As(err, &de) {
		v.Errors = de.Fields
		v.Summary = householdErrors(de.Fields)
		if len(v.Summary) == 0 && de.Message != "" {
			v.Summary = []layout.ErrorItem{{Field: "name", Message: de.Message}}
		}
	}
	s.render(w, r, status, households.Form(v))
}

func (s *Server) householdCreate(w http.ResponseWriter, r *http.Request) {
	if !s.allow(w, r, domain.CapWriteCase) {
		return
	}
	f := r.PostForm
	v := households.FormView{Title: "Opprett husstand", Action: paths.Households(), Submit: "Opprett husstand", CancelURL: paths.Households(), Name: f.Get("name")}
	in, err := domain.HouseholdForm{Name: f.Get("name")}.Validate(false)
	fields := map[string]string{}
	for k, m := range fieldErrors(err) {
		fields[k] = m
	}
	var head *domain.MemberInput
	if raw := strings.TrimSpace(f.Get("person_id")); raw != "" {
		m, merr := domain.MemberForm{PersonID: raw, Relation: domain.RelationHead, JoinedOn: f.Get("joined_on")}.Validate(s.DB.Now(), false)
		for k, msg := range fieldErrors(merr) {
			fields[k] = msg
		}
		if _, bad := fields["person_id"]; bad {
			s.fail(w, r, domain.Errorf(domain.ENOTFOUND, "Fant ikke personen."))
			return
		}
		head = &m
		v.Head = &households.HeadView{PersonID: raw, JoinedOn: f.Get("joined_on")}
		v.CancelURL = paths.Person(m.PersonID)
	}
	var id int64
	if len(fields) > 0 {
		err = &domain.Error{Code: domain.EINVALID, Message: "Skjemaet har feil.", Fields: fields}
	} else {
		id, err = s.DB.CreateHousehold(r.Context(), scope(r), in, head)
	}
	if err == nil {
		s.Sessions.Put(r.Context(), sessFlash, "Husstanden er opprettet.")
		http.Redirect(w, r, paths.Household(id), http.StatusSeeOther)
		return
	}
	code := domain.ErrorCode(err)
	if code != domain.EINVALID && code != domain.ECONFLICT {
		s.fail(w, r, err)
		return
	}
	if head != nil { // the head's name, for showing the form again
		p, perr := s.DB.GetPerson(r.Context(), scope(r), head.PersonID)
		if perr != nil {
			s.fail(w, r, perr)
			return
		}
		v.Head.Name = p.FullName()
	}
	status := http.StatusUnprocessableEntity
	if code == domain.ECONFLICT {
		status = http.StatusConflict
	}
	s.renderHouseholdForm(w, r, status, v, err)
}

func editHouseholdView(id int64) households.FormView {
	return households.FormView{Title: "Endre husstand", Action: paths.Household(id), Submit: "Lagre", CancelURL: paths.Household(id)}
}

func (s *Server) householdEdit(w http.ResponseWriter, r *http.Request) {
	id, ok := s.begin(w, r, domain.CapWriteCase, "id", "Fant ikke husstanden.")
	if !ok {
		return
	}
	h, err := s.DB.GetHousehold(r.Context(), scope(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := editHouseholdView(id)
	v.Name, v.Version = h.Name, strconv.Itoa(h.Version)
	s.renderHouseholdForm(w, r, http.StatusOK, v, nil)
}

func (s *Server) householdUpdate(w http.ResponseWriter, r *http.Request) {
	id, ok := s.begin(w, r, domain.CapWriteCase, "id", "Fant ikke husstanden.")
	if !ok {
		return
	}
	v := editHouseholdView(id)
	v.Name, v.Version = r.PostForm.Get("name"), r.PostForm.Get("version")
	in, err := domain.HouseholdForm{Name: v.Name, Version: v.Version}.Validate(true)
	if err == nil {
		_, err = s.DB.UpdateHousehold(r.Context(), scope(r), id, in)
	} else if serr := s.DB.HouseholdInScope(r.Context(), scope(r), id); serr != nil {
		// A household out of scope is 404 whatever the form says.
		s.fail(w, r, serr)
		return
	}
	var stale *postgres.HouseholdStaleError
	switch {
	case err == nil:
		s.Sessions.Put(r.Context(), sessFlash, "Husstanden er lagret.")
		http.Redirect(w, r, paths.Household(id), http.StatusSeeOther)
	case errors.As(err, &stale):
		// Keep what the user typed, based on the stored version from now on.
		v.Version = strconv.Itoa(stale.Current.Version)
		v.Conflict = &households.ConflictView{Name: stale.Current.Name, Version: v.Version}
		s.renderHouseholdForm(w, r, http.StatusConflict, v, nil)
	case domain.ErrorCode(err) == domain.EINVALID:
		s.renderHouseholdForm(w, r, http.StatusUnprocessableEntity, v, err)
	default:
		s.fail(w, r, err)
	}
}

// --- household page and members ---

// memberRows formats a household's members: the active ones and those who left.
func memberRows(h *domain.HouseholdDetail, today time.Time) (active, former []households.MemberRow) {
	for _, m := range h.Members {
		row := households.MemberRow{
			PersonID: strconv.FormatInt(m.PersonID, 10), PersonURL: paths.Person(m.PersonID),
			RemoveURL: paths.HouseholdMemberRemove(h.ID, m.PersonID),
			Name:      m.FullName(), Relation: domain.Label(domain.Relations(), m.Relation),
			BirthDate: domain.FormatDate(&m.BirthDate), Age: strconv.Itoa(domain.AgeOn(m.BirthDate, today)) + " år",
			Arrival: domain.FormatDate(m.ArrivalDate), JoinedOn: domain.FormatDate(&m.JoinedOn),
			LeftOn: domain.FormatDate(m.LeftOn), Basis: domain.Label(domain.ResidenceBases(), m.ResidenceBasis),
			Settlement: domain.FormatDate(m.SettlementDate), Reunification: m.Reunification, Closed: m.PersonStatus == "closed",
		}
		if m.Active() {
			active = append(active, row)
		} else {
			former = append(former, row)
		}
	}
	return active, former
}

// showHousehold builds the household page; q is the picker's query.
func (s *Server) showHousehold(r *http.Request, h *domain.HouseholdDetail, q string) (households.ShowView, error) {
	u := currentUser(r)
	v := households.ShowView{
		User: u, ID: h.ID, URL: paths.Household(h.ID), Name: h.Name, Unit: h.UnitName,
		Version: strconv.Itoa(h.Version), UpdatedAt: h.UpdatedAt.In(domain.Oslo).Format("02.01.2006 15:04"),
		CanEdit: u.Role.Can(domain.CapWriteCase), ShowHousing: domain.CanReadHousing(u.Role),
	}
	v.Members, v.Former = memberRows(h, s.today())
	v.Picker = households.PickerView{SearchAction: paths.HouseholdPickerSearch(h.ID), AddAction: paths.HouseholdMembers(h.ID), Q: q, Version: v.Version}
	if !v.CanEdit || q == "" {
		return v, nil
	}
	const limit = 20
	cands, err := s.DB.HouseholdCandidates(r.Context(), scope(r), h.ID, q, limit)
	if err != nil {
		return v, err
	}
	v.Picker.Searched = true
	if len(cands) > limit {
		cands, v.Picker.More = cands[:limit], true
	}
	for _, c := range cands {
		joined := domain.DefaultJoinedOn(c.ArrivalDate, c.SettlementDate, s.today())
		cv := households.Candidate{
			PersonID: strconv.FormatInt(c.ID, 10), PersonURL: paths.Person(c.ID), Name: c.GivenName + " " + c.FamilyName,
			BirthDate: domain.FormatDate(&c.BirthDate), Arrival: domain.FormatDate(c.ArrivalDate),
			JoinedOn: domain.FormatISODate(&joined),
		}
		if c.HouseholdID != nil {
			if *c.HouseholdID == h.ID {
				cv.Here = true
			} else {
				cv.Other, cv.OtherURL = *c.HouseholdName, paths.Household(*c.HouseholdID)
			}
		}
		v.Picker.Candidates = append(v.Picker.Candidates, cv)
	}
	return v, nil
}

func (s *Server) householdShow(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		s.fail(w, r, domain.Errorf(domain.ENOTFOUND, "Fant ikke husstanden."))
		return
	}
	s.renderHousehold(w, r, http.StatusOK, id, strings.TrimSpace(r.URL.Query().Get("q")), nil)
}

// householdFailure is a refused change to show on the household page.
type householdFailure struct {
	personID string
	relation string
	joinedOn string
	err      error
}

// renderHousehold shows the household page, with a refused add's input and
// errors when f is set.
func (s *Server) renderHousehold(w http.ResponseWriter, r *http.Request, status int, id int64, q string, f *householdFailure) {
	h, err := s.DB.GetHousehold(r.Context(), scope(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.showHousehold(r, h, q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if f == nil && isHTMX(r) { // the picker's live search: its count and candidates only
		s.renderFragments(w, r, status, households.Show(v), households.PickerFragment)
		return
	}
	if f == nil {
		v.Flash = s.Sessions.PopString(r.Context(), sessFlash)
		s.render(w, r, status, households.Show(v))
		return
	}
	var stale *postgres.HouseholdStaleError
	if errors.As(f.err, &stale) {
		v.Conflict = "Ingenting er lagret. Under ser du husstanden slik den er nå (versjon " + v.Version + "). Se over og prøv på nytt."
	}
	fields := fieldErrors(f.err)
	for i := range v.Picker.Candidates {
		c := &v.Picker.Candidates[i]
		if c.PersonID == f.personID {
			c.Relation, c.JoinedOn, c.Errors = f.relation, f.joinedOn, fields
		}
	}
	for _, it := range householdErrors(fields) {
		field := it.Field
		if field == "relation" || field == "joined_on" {
			field += "-" + f.personID
		} else {
			field = "add-member"
		}
		v.Summary = append(v.Summary, layout.ErrorItem{Field: field, Message: it.Message})
	}
	if len(v.Summary) == 0 && v.Conflict == "" {
		v.Summary = []layout.ErrorItem{{Field: "add-member", Message: domain.ErrorMessage(f.err)}}
	}
	s.render(w, r, status, households.Show(v))
}

// householdPickerSearch takes the picker's search by POST, so an identity
// number stays out of URLs; a name search redirects to the household page
// with the query. The live search (htmx) gets the picker's fragment, with
// HX-Push-Url for a query that fits a URL.
func (s *Server) householdPickerSearch(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		s.fail(w, r, domain.Errorf(domain.ENOTFOUND, "Fant ikke husstanden."))
		return
	}
	q := strings.TrimSpace(r.PostForm.Get("q"))
	qs := url.Values{}
	if q != "" {
		qs.Set("q", q)
	}
	shareable := paths.WithQuery(paths.Household(id), qs) + "#add-member"
	if isHTMX(r) { // the live search: the candidates, and the shareable URL when the query fits one
		if queryFitsURL(q) {
			w.Header().Set("HX-Push-Url", shareable)
		}
		s.renderHousehold(w, r, http.StatusOK, id, q, nil)
		return
	}
	if queryFitsURL(q) {
		// Only a household in scope gets a redirect (an identity number
		// search below reads it in scope anyway).
		if err := s.DB.HouseholdInScope(r.Context(), scope(r), id); err != nil {
			s.fail(w, r, err)
			return
		}
		http.Redirect(w, r, shareable, http.StatusSeeOther)
		return
	}
	s.renderHousehold(w, r, http.StatusOK, id, q, nil)
}

func (s *Server) householdAddMember(w http.ResponseWriter, r *http.Request) {
	id, ok := s.begin(w, r, domain.CapWriteCase, "id", "Fant ikke husstanden.")
	if !ok {
		return
	}
	f := r.PostForm
	mf := domain.MemberForm{PersonID: f.Get("person_id"), Relation: f.Get("relation"), JoinedOn: f.Get("joined_on"), Version: f.Get("version")}
	in, err := mf.Validate(s.DB.Now(), true)
	if err == nil {
		err = s.DB.AddHouseholdMember(r.Context(), scope(r), id, in)
	}
	if err == nil {
		s.Sessions.Put(r.Context(), sessFlash, "Personen er lagt til i husstanden.")
		http.Redirect(w, r, paths.Household(id), http.StatusSeeOther)
		return
	}
	status := http.StatusUnprocessableEntity
	switch domain.ErrorCode(err) {
	case domain.EINVALID:
		if fe := fieldErrors(err); fe["person_id"] != "" && len(fe) == 1 && in.PersonID == 0 {
			s.fail(w, r, domain.Errorf(domain.ENOTFOUND, "Fant ikke personen."))
			return
		}
	case domain.ECONFLICT:
		status = http.StatusConflict
	default:
		s.fail(w, r, err)
		return
	}
	s.renderHousehold(w, r, status, id, strings.TrimSpace(f.Get("q")),
		&householdFailure{personID: mf.PersonID, relation: mf.Relation, joinedOn: mf.JoinedOn, err: err})
}

// removeTarget reads the household and the active member a removal is about.
func (s *Server) removeTarget(w http.ResponseWriter, r *http.Request) (*domain.HouseholdDetail, households.MemberRow, bool) {
	id, ok := pathID(r, "id")
	pid, ok2 := pathID(r, "personID")
	if !ok || !ok2 {
		s.fail(w, r, domain.Errorf(domain.ENOTFOUND, "Fant ikke husstanden."))
		return nil, households.MemberRow{}, false
	}
	if !s.allow(w, r, domain.CapWriteCase) {
		return nil, households.MemberRow{}, false
	}
	h, err := s.DB.GetHousehold(r.Context(), scope(r), id)
	if err != nil {
		s.fail(w, r, err)
		return nil, households.MemberRow{}, false
	}
	active, _ := memberRows(h, s.today())
	for _, m := range active {
		if m.PersonID == strconv.FormatInt(pid, 10) {
			return h, m, true
		}
	}
	s.fail(w, r, domain.Errorf(domain.ENOTFOUND, "Personen er ikke medlem av husstanden."))
	return nil, households.MemberRow{}, false
}

func removeView(h *domain.HouseholdDetail, m households.MemberRow) households.RemoveView {
	return households.RemoveView{
		HouseholdURL: paths.Household(h.ID), Household: h.Name, Member: m, Action: m.RemoveURL,
		Version: strconv.Itoa(h.Version),
	}
}

func (s *Server) householdRemoveConfirm(w http.ResponseWriter, r *http.Request) {
	h, m, ok := s.removeTarget(w, r)
	if !ok {
		return
	}
	v := removeView(h, m)
	v.User, v.LeftOn = currentUser(r), domain.FormatISODate(ptrTime(s.today()))
	s.render(w, r, http.StatusOK, households.Remove(v))
}

func ptrTime(t time.Time) *time.Time { return &t }

func (s *Server) householdRemove(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	pid, ok2 := pathID(r, "personID")
	if !ok || !ok2 {
		s.fail(w, r, domain.Errorf(domain.ENOTFOUND, "Fant ikke husstanden."))
		return
	}
	if !s.allow(w, r, domain.CapWriteCase) {
		return
	}
	lf := domain.LeaveForm{LeftOn: r.PostForm.Get("left_on"), Version: r.PostForm.Get("version")}
	in, err := lf.Validate(s.today())
	if err == nil {
		err = s.DB.RemoveHouseholdMember(r.Context(), scope(r), id, pid, in)
	}
	if err == nil {
		s.Sessions.Put(r.Context(), sessFlash, "Personen er fjernet fra husstanden.")
		http.Redirect(w, r, paths.Household(id), http.StatusSeeOther)
		return
	}
	var stale *postgres.HouseholdStaleError
	status := http.StatusUnprocessableEntity
	switch {
	case errors.As(err, &stale):
		status = http.StatusConflict
	case domain.ErrorCode(err) != domain.EINVALID:
		s.fail(w, r, err)
		return
	}
	h, m, ok := s.removeTarget(w, r)
	if !ok {
		return
	}
	v := removeView(h, m)
	v.User, v.LeftOn = currentUser(r), lf.LeftOn
	if stale != nil {
		v.Conflict = true // the form now carries the current version
	} else {
		v.Version = lf.Version
		v.Errors = fieldErrors(err)
		v.Summary = householdErrors(v.Errors)
	}
	s.render(w, r, status, households.Remove(v))
}

// --- family reunification ---

func (s *Server) reunificationView(r *http.Request, h *domain.HouseholdDetail) (households.ReunificationView, error) {
	opts, err := s.caseworkerOptions(r)
	if err != nil {
		return households.ReunificationView{}, err
	}
	return households.ReunificationView{
		User: currentUser(r), HouseholdURL: paths.Household(h.ID), Household: h.Name,
		Action: paths.HouseholdReunification(h.ID), Caseworkers: opts,
	}, nil
}

func (s *Server) reunificationNew(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		s.fail(w, r, domain.Errorf(domain.ENOTFOUND, "Fant ikke husstanden."))
		return
	}
	u := currentUser(r)
	if !s.allow(w, r, domain.CapWriteCase) {
		return
	}
	h, err := s.DB.GetHousehold(r.Context(), scope(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.reunificationView(r, h)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v.Form = domain.NewReunificationForm(h.Version)
	v.Flash = s.Sessions.PopString(r.Context(), sessFlash)
	if u.Role.Can(domain.CapMineFirst) {
		v.Form.Person.CaseworkerID = strconv.FormatInt(u.ID, 10)
	}
	s.render(w, r, http.StatusOK, households.Reunification(v))
}

func (s *Server) reunificationCreate(w http.ResponseWriter, r *http.Request) {
	id, ok := s.begin(w, r, domain.CapWriteCase, "id", "Fant ikke husstanden.")
	if !ok {
		return
	}
	form := domain.ReunificationForm{
		Person: personFormFrom(r), Relation: r.PostForm.Get("relation"),
		JoinedOn: r.PostForm.Get("joined_on"), Version: r.PostForm.Get("version"),
	}
	form.Person.Version = ""
	in, err := form.Validate(s.today())
	if err == nil {
		_, err = s.DB.RegisterReunification(r.Context(), scope(r), id, in)
	}
	if err == nil {
		s.Sessions.Put(r.Context(), sessFlash, in.Person.GivenName+" "+in.Person.FamilyName+" er registrert som familiegjenforent i husstanden.")
		target := paths.Household(id)
		if r.PostForm.Get("next") == "another" {
			target = paths.HouseholdReunification(id)
		}
		http.Redirect(w, r, target, http.StatusSeeOther)
		return
	}
	var stale *postgres.HouseholdStaleError
	var dup *postgres.DuplicateError
	status := http.StatusUnprocessableEntity
	switch {
	case errors.As(err, &stale), errors.As(err, &dup), domain.ErrorCode(err) == domain.ECONFLICT:
		status = http.StatusConflict
	case domain.ErrorCode(err) != domain.EINVALID:
		s.fail(w, r, err)
		return
	}
	h, gerr := s.DB.GetHousehold(r.Context(), scope(r), id)
	if gerr != nil {
		s.fail(w, r, gerr)
		return
	}
	v, verr := s.reunificationView(r, h)
	if verr != nil {
		s.fail(w, r, verr)
		return
	}
	v.Form = form
	if stale != nil {
		v.Form.Version = strconv.Itoa(h.Version)
		active, _ := memberRows(h, s.today())
		v.Conflict = &households.ConflictView{Name: h.Name, Version: v.Form.Version, Members: active}
	} else {
		v.Errors = fieldErrors(err)
		v.Summary = householdErrors(v.Errors)
		if len(v.Summary) == 0 {
			v.Summary = []layout.ErrorItem{{Field: "given_name", Message: domain.ErrorMessage(err)}}
		}
	}
	if dup != nil && dup.Visible {
		v.DuplicateURL = paths.Person(dup.ExistingID)
	}
	s.render(w, r, status, households.Reunification(v))
}

// --- the person page's section ---

// householdSection is the households module's part of the person page: the
// person's household with its members, or a way to create one.
func (s *Server) householdSection(pg *personPage) func(*domain.Person) (templ.Component, error) {
	hh := pg.batch.Household()
	return func(p *domain.Person) (templ.Component, error) {
		return s.renderHouseholdSection(pg.r, p, *hh), nil
	}
}

func (s *Server) renderHouseholdSection(r *http.Request, p *domain.Person, h *domain.HouseholdDetail) templ.Component {
	if h == nil {
		return households.Section(households.SectionView{
			CanCreate: currentUser(r).Role.Can(domain.CapWriteCase),
			NewURL:    paths.HouseholdNewFor(p.ID),
		})
	}
	v := households.SectionView{HouseholdURL: paths.Household(h.ID), Name: h.Name}
	for _, m := range h.ActiveMembers() {
		v.Members = append(v.Members, households.SectionMember{
			PersonURL: paths.Person(m.PersonID), Name: m.FullName(), Relation: domain.Label(domain.Relations(), m.Relation),
			JoinedOn: domain.FormatDate(&m.JoinedOn), Arrival: domain.FormatDate(m.ArrivalDate),
			Self: m.PersonID == p.ID, Reunification: m.Reunification,
		})
	}
	return households.Section(v)
}
