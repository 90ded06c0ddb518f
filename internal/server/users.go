package server

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"ankomst/internal/domain"
	"ankomst/internal/postgres"
	"ankomst/web/layout"
	"ankomst/web/paths"
	"ankomst/web/users"

	"github.com/go-chi/chi/v5"
)

// User administration (issue 13, part 1; domain.CapAdminister): the user
// list, creating users, changing role and unit, deactivating and
// reactivating, a user's sessions, and one-time set-password links. The
// public set-password and setup pages are in setup.go.

func (s *Server) userRoutes(r chi.Router) {
	r.Get(paths.AdminUsers(), s.userList)
	r.Post(paths.AdminUsers(), s.userCreate)
	r.Get(paths.AdminUserNew(), s.userNew)
	r.Get("/admin/users/{id}", s.userShow)
	r.Post("/admin/users/{id}", s.userAction)
}

const userNotFound = "Fant ikke brukeren."

var userFieldOrder = []string{"email", "name", "role", "unit_id", "version"}

func roleOptions() []domain.Option {
	var out []domain.Option
	for _, r := range domain.Roles() {
		out = append(out, domain.Option{Value: string(r), Label: r.Label()})
	}
	return out
}

func unitOptions(us []domain.Unit) []domain.Option {
	out := make([]domain.Option, len(us))
	for i, u := range us {
		out[i] = domain.Option{Value: strconv.FormatInt(u.ID, 10), Label: u.Name}
	}
	return out
}

func lastSeenText(t *time.Time) string {
	if t == nil {
		return "–"
	}
	return domain.FormatDateTime(*t)
}

// userListParams is the list's state as it travels in URLs.
type userListParams struct {
	Q, Role, Unit, Active, Sort string
	Page                        int
}

func (p userListParams) url() string {
	v := url.Values{}
	for k, x := range map[string]string{"q": p.Q, "role": p.Role, "unit": p.Unit, "active": p.Active, "sort": p.Sort} {
		if x != "" {
			v.Set(k, x)
		}
	}
	if p.Page > 1 {
		v.Set("page", strconv.Itoa(p.Page))
	}
	return paths.WithQuery(paths.AdminUsers(), v)
}

func (s *Server) userList(w http.ResponseWriter, r *http.Request) {
	if !s.allow(w, r, domain.CapAdminister) {
		return
	}
	qv := r.URL.Query()
	p := userListParams{Role: qv.Get("role"), Unit: qv.Get("unit"), Active: qv.Get("active"), Sort: qv.Get("sort")}
	if q, fault := domain.CleanLine(qv.Get("q")); fault == domain.TextOK && len(q) <= 200 {
		p.Q = q
	}
	if !domain.Role(p.Role).Valid() {
		p.Role = ""
	}
	unitID, err := strconv.ParseInt(p.Unit, 10, 64)
	if err != nil || unitID <= 0 {
		p.Unit, unitID = "", 0
	}
	if p.Active != "yes" && p.Active != "no" {
		p.Active = ""
	}
	sortKeys := []struct{ key, label string }{{"name", "Navn"}, {"email", "E-post"}, {"role", "Rolle"}, {"unit", "Enhet"}, {"last_seen", "Sist aktiv"}}
	valid := false
	for _, k := range sortKeys {
		if p.Sort == k.key || p.Sort == "-"+k.key {
			valid = true
		}
	}
	if !valid {
		p.Sort = ""
	}
	p.Page, _ = strconv.Atoi(qv.Get("page"))
	p.Page = min(max(p.Page, 1), 10000)
	res, err := s.DB.ListUsers(r.Context(), scope(r), postgres.UserQuery{Q: p.Q, Role: p.Role, UnitID: unitID, Active: p.Active,
		Sort: p.Sort, Page: p.Page, Limit: 50})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := users.ListView{User: currentUser(r), Q: p.Q, Role: p.Role, UnitID: p.Unit, Active: p.Active,
		Roles: roleOptions(), Units: unitOptions(res.Units),
		Actives:  []domain.Option{{Value: "yes", Label: "Aktive"}, {Value: "no", Label: "Deaktiverte"}},
		Flash:    s.Sessions.PopString(r.Context(), sessFlash),
		Searched: p.Q != "" || p.Role != "" || p.Unit != "" || p.Active != "", ResetURL: paths.AdminUsers()}
	cur := p.Sort
	if cur == "" {
		cur = "name"
	}
	for _, k := range sortKeys {
		col := layout.SortColumn{Label: k.label, AriaSort: "none"}
		q := p
		q.Page = 1
		q.Sort = k.key
		switch cur {
		case k.key:
			col.AriaSort = "ascending"
			q.Sort = "-" + k.key
		case "-" + k.key:
			col.AriaSort = "descending"
		}
		if q.Sort == "name" {
			q.Sort = ""
		}
		col.URL = q.url()
		v.Sort = append(v.Sort, col)
	}
	switch {
	case res.Total == 1:
		v.Count = "1 bruker"
	default:
		v.Count = strconv.Itoa(res.Total) + " brukere"
	}
	for _, u := range res.Rows {
		v.Rows = append(v.Rows, users.Row{URL: paths.AdminUser(u.ID), Name: u.Name, Email: u.Email, Role: u.Role.Label(),
			Unit: u.UnitName, Active: u.Active, LastSeen: lastSeenText(u.LastSeen)})
	}
	if p.Page > 1 {
		prev := p
		prev.Page--
		v.PrevURL = prev.url()
	}
	if res.HasNext {
		next := p
		next.Page++
		v.NextURL = next.url()
	}
	s.render(w, r, http.StatusOK, users.List(v))
}

func (s *Server) userNew(w http.ResponseWriter, r *http.Request) {
	if !s.allow(w, r, domain.CapAdminister) {
		return
	}
	s.renderUserNew(w, r, http.StatusOK, users.Fields{}, nil)
}

func (s *Server) renderUserNew(w http.ResponseWriter, r *http.Request, status int, f users.Fields, ferr error) {
	units, err := s.DB.AdminUnits(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := users.NewView{User: currentUser(r), Fields: f, Roles: roleOptions(), Units: unitOptions(units)}
	if ferr != nil {
		v.Errors = fieldErrors(ferr)
		v.Summary = employerSummary(userFieldOrder, "", v.Errors, ferr)
	}
	s.render(w, r, status, users.New(v))
}

func (s *Server) userCreate(w http.ResponseWriter, r *http.Request) {
	if !s.allow(w, r, domain.CapAdminister) {
		return
	}
	f := r.PostForm
	form := domain.UserForm{Email: f.Get("email"), Name: f.Get("name"), Role: f.Get("role"), UnitID: f.Get("unit_id")}
	in, err := form.Validate()
	var id int64
	if err == nil {
		id, err = s.DB.CreateUserAdmin(r.Context(), scope(r), in)
	}
	if err == nil {
		s.Sessions.Put(r.Context(), sessFlash, "Brukeren er opprettet. Lag en lenke for å sette passord og gi den til brukeren.")
		http.Redirect(w, r, paths.AdminUser(id), http.StatusSeeOther)
		return
	}
	if domain.ErrorCode(err) != domain.EINVALID {
		s.fail(w, r, err)
		return
	}
	s.renderUserNew(w, r, http.StatusUnprocessableEntity, users.Fields{Email: form.Email, Name: form.Name, Role: form.Role, UnitID: form.UnitID}, err)
}

func (s *Server) userShow(w http.ResponseWriter, r *http.Request) {
	id, ok := s.begin(w, r, domain.CapAdminister, "id", userNotFound)
	if !ok {
		return
	}
	pg := userPage{status: http.StatusOK}
	if r.URL.Query().Get("confirm") == "deactivate" {
		pg.confirm = "deactivate"
	}
	s.renderUser(w, r, id, pg)
}

// userPage is what a user page shows besides the stored user.
type userPage struct {
	status      int
	edit        *users.Fields // the change form as typed
	err         error         // why it was refused
	notice      string
	confirm     string
	link        string
	linkExpires time.Time
}

func (s *Server) renderUser(w http.ResponseWriter, r *http.Request, id int64, pg userPage) {
	d, err := s.DB.GetUserDetail(r.Context(), scope(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	u := d.User
	v := users.ShowView{User: currentUser(r), URL: paths.AdminUser(id), Name: u.Name, Active: u.Active,
		Roles: roleOptions(), Units: unitOptions(d.Units), Notice: pg.notice, Confirm: pg.confirm,
		Self: u.ID == currentUser(r).ID,
		Edit: users.Fields{Role: string(u.Role), UnitID: strconv.FormatInt(u.UnitID, 10), Version: strconv.Itoa(u.Version)},
		Facts: []layout.Fact{
			{Label: "E-postadresse", Value: u.Email, TestID: "user-email"},
			{Label: "Rolle", Value: u.Role.Label(), TestID: "user-role"},
			{Label: "Enhet", Value: u.UnitName, TestID: "user-unit"},
			{Label: "Opprettet", Value: domain.FormatDateTime(u.CreatedAt)},
			{Label: "Sist aktiv", Value: lastSeenText(u.LastSeen)},
		}}
	if !u.Active {
		v.Confirm = ""
	}
	if pg.status == http.StatusOK && pg.link == "" {
		v.Flash = s.Sessions.PopString(r.Context(), sessFlash)
	}
	if pg.link != "" {
		v.Link = pg.link
		v.LinkExpires = domain.FormatDateTime(pg.linkExpires)
	}
	for _, x := range d.Sessions {
		v.Sessions = append(v.Sessions, users.Session{ID: strconv.FormatInt(x.ID, 10), Started: domain.FormatDateTime(x.StartedAt),
			LastSeen: domain.FormatDateTime(x.LastSeenAt), Browser: domain.BrowserSummary(x.UserAgent), IP: x.IP})
	}
	if pg.edit != nil {
		v.Edit.Role, v.Edit.UnitID = pg.edit.Role, pg.edit.UnitID
	}
	var stale *postgres.UserStaleError
	switch {
	case errors.As(pg.err, &stale):
		cur := stale.Current
		v.Conflict = "Ingenting er lagret. " + employerStored("Lagret nå: "+cur.Role.Label(), cur.UnitName, activeText(cur.Active),
			"versjon "+strconv.Itoa(cur.Version))
		v.Edit.Version = strconv.Itoa(cur.Version)
	case pg.err != nil && pg.edit != nil:
		v.Errors = fieldErrors(pg.err)
		v.Summary = employerSummary([]string{"role", "unit_id", "version"}, "", v.Errors, pg.err)
	}
	s.render(w, r, pg.status, users.Show(v))
}

func activeText(a bool) string {
	if a {
		return "aktiv"
	}
	return "deaktivert"
}

// userAction is POST /admin/users/{id}: action=update (role and unit),
// deactivate (confirm=yes; without it the confirmation step), reactivate,
// password_link, end_session (session=id) or end_all.
func (s *Server) userAction(w http.ResponseWriter, r *http.Request) {
	id, ok := s.begin(w, r, domain.CapAdminister, "id", userNotFound)
	if !ok {
		return
	}
	f := r.PostForm
	sc := scope(r)
	flash := func(msg string) {
		s.Sessions.Put(r.Context(), sessFlash, msg)
		http.Redirect(w, r, paths.AdminUser(id), http.StatusSeeOther)
	}
	switch f.Get("action") {
	case "update":
		form := domain.UserChangeForm{Role: f.Get("role"), UnitID: f.Get("unit_id"), Version: f.Get("version")}
		c, err := form.Validate()
		if err == nil {
			err = s.DB.ChangeUser(r.Context(), sc, id, c)
		}
		if err == nil {
			flash("Rolle og enhet er lagret.")
			return
		}
		status := housingWriteStatus(err)
		if status == 0 || domain.ErrorCode(err) == domain.ENOTFOUND {
			s.fail(w, r, err)
			return
		}
		s.renderUser(w, r, id, userPage{status: status, edit: &users.Fields{Role: form.Role, UnitID: form.UnitID}, err: err})
	case "deactivate", "reactivate":
		active := f.Get("action") == "reactivate"
		version, verr := strconv.Atoi(f.Get("version"))
		if verr != nil {
			s.fail(w, r, domain.Errorf(domain.EINVALID, "Skjemaet mangler versjon. Last siden på nytt."))
			return
		}
		if !active && f.Get("confirm") != "yes" {
			s.renderUser(w, r, id, userPage{status: http.StatusOK, confirm: "deactivate"})
			return
		}
		err := s.DB.SetUserActive(r.Context(), sc, id, active, version)
		switch {
		case err == nil && active:
			flash("Brukeren er aktivert igjen. Lag en ny lenke for å sette passord om brukeren trenger det.")
		case err == nil:
			if id == currentUser(r).ID {
				http.Redirect(w, r, paths.Login(), http.StatusSeeOther)
				return
			}
			flash("Brukeren er deaktivert, og alle øktene er avsluttet.")
		case domain.ErrorCode(err) == domain.ECONFLICT:
			s.renderUser(w, r, id, userPage{status: http.StatusConflict, err: err})
		case domain.ErrorCode(err) == domain.EINVALID:
			s.renderUser(w, r, id, userPage{status: http.StatusUnprocessableEntity, notice: domain.ErrorMessage(err)})
		default:
			s.fail(w, r, err)
		}
	case "password_link":
		tok, expires, err := s.DB.CreatePasswordLink(r.Context(), sc, id)
		switch {
		case err == nil:
			s.renderUser(w, r, id, userPage{status: http.StatusOK, link: s.absoluteURL(r, paths.SetPassword(tok)), linkExpires: expires})
		case domain.ErrorCode(err) == domain.EINVALID:
			s.renderUser(w, r, id, userPage{status: http.StatusUnprocessableEntity, notice: domain.ErrorMessage(err)})
		default:
			s.fail(w, r, err)
		}
	case "end_session", "end_all":
		var sid int64
		if f.Get("action") == "end_session" {
			var err error
			if sid, err = strconv.ParseInt(f.Get("session"), 10, 64); err != nil || sid <= 0 {
				s.fail(w, r, domain.Errorf(domain.EINVALID, "Velg en økt."))
				return
			}
		}
		n, err := s.DB.EndUserSessions(r.Context(), sc, id, sid)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if id == currentUser(r).ID && sid == 0 {
			http.Redirect(w, r, paths.Login(), http.StatusSeeOther)
			return
		}
		switch {
		case sid != 0:
			flash("Økten er avsluttet.")
		case n == 1:
			flash("1 økt er avsluttet.")
		default:
			flash(strconv.Itoa(n) + " økter er avsluttet.")
		}
	default:
		s.fail(w, r, domain.Errorf(domain.EINVALID, "Ukjent handling."))
	}
}

// absoluteURL is path on this site as the request reached it (for a link
// the admin copies): https behind TLS or with SecureCookies.
func (s *Server) absoluteURL(r *http.Request, path string) string {
	scheme := "http"
	if r.TLS != nil || s.Config.SecureCookies {
		scheme = "https"
	}
	return scheme + "://" + r.Host + path
}
