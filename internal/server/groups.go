package server

import (
	"errors"
	"net/http"
	"strconv"

	"ankomst/internal/domain"
	"ankomst/internal/postgres"
	"ankomst/web/groups"
	"ankomst/web/layout"
	"ankomst/web/paths"

	"github.com/go-chi/chi/v5"
)

// groupRoutes registers the groups module's routes.
func (s *Server) groupRoutes(r chi.Router) {
	r.Get("/groups", s.groupList)
	r.Get("/groups/new", s.groupNew)
	r.Post("/groups", s.groupCreate)
	r.Get("/groups/{groupID}", s.groupShow)
	r.Post("/groups/{groupID}", s.groupUpdate)
	r.Post("/groups/{groupID}/members", s.groupAddMember)
	r.Post("/groups/{groupID}/members/{personID}/remove", s.groupRemoveMember)
}

const groupNotFound = "Fant ikke gruppa."

// groupFieldOrder is the order of the group forms' fields in an error summary.
var groupFieldOrder = []string{"name", "contact", "weekdays", "person_id", "joined_on", "left_on", "version"}

func groupErrors(fields map[string]string) []layout.ErrorItem {
	var items []layout.ErrorItem
	for _, f := range groupFieldOrder {
		if msg, ok := fields[f]; ok {
			items = append(items, layout.ErrorItem{Field: f, Message: msg})
		}
	}
	return items
}

func groupFormFrom(r *http.Request) domain.GroupForm {
	f := r.PostForm
	return domain.GroupForm{Name: f.Get("name"), Contact: f.Get("contact"), Weekdays: f["weekdays"], Version: f.Get("version")}
}

func groupFields(f domain.GroupForm) groups.FormFields {
	return groups.FormFields{Name: f.Name, Contact: f.Contact, Weekdays: f.Weekdays, Version: f.Version}
}

func (s *Server) groupList(w http.ResponseWriter, r *http.Request) {
	if !s.allow(w, r, domain.CapProgramme) {
		return
	}
	u := currentUser(r)
	gs, err := s.DB.ListGroups(r.Context(), scope(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := groups.ListView{User: u, ShowUnit: u.Role.Can(domain.CapAllUnits), CanCreate: true, Flash: s.Sessions.PopString(r.Context(), sessFlash)}
	week := domain.FormatISOWeek(s.today())
	for _, g := range gs {
		v.Rows = append(v.Rows, groups.Row{
			URL: paths.Group(g.ID), AttendanceURL: paths.AttendanceGroupWeek(g.ID, week), Name: g.Name, Contact: g.Contact,
			Weekdays: domain.FormatWeekdays(g.Weekdays), Members: strconv.Itoa(g.MemberCount), Unit: g.UnitName,
		})
	}
	s.render(w, r, http.StatusOK, groups.List(v))
}

func (s *Server) groupNew(w http.ResponseWriter, r *http.Request) {
	if !s.allow(w, r, domain.CapProgramme) {
		return
	}
	s.render(w, r, http.StatusOK, groups.New(groups.FormView{User: currentUser(r), Fields: groups.FormFields{Weekdays: []string{"1", "2", "3", "4", "5"}}}))
}

func (s *Server) groupCreate(w http.ResponseWriter, r *http.Request) {
	if !s.allow(w, r, domain.CapProgramme) {
		return
	}
	form := groupFormFrom(r)
	form.Version = ""
	in, err := form.Validate(false)
	var id int64
	if err == nil {
		id, err = s.DB.CreateGroup(r.Context(), scope(r), in)
	}
	if err == nil {
		s.Sessions.Put(r.Context(), sessFlash, "Gruppa er opprettet. Legg til deltakere under.")
		http.Redirect(w, r, paths.Group(id), http.StatusSeeOther)
		return
	}
	if domain.ErrorCode(err) != domain.EINVALID {
		s.fail(w, r, err)
		return
	}
	fields := fieldErrors(err)
	s.render(w, r, http.StatusUnprocessableEntity, groups.New(groups.FormView{
		User: currentUser(r), Fields: groupFields(form), Errors: fields, Summary: groupErrors(fields),
	}))
}

// groupPage is a group page's state beyond the stored group: a refused
// form's input and errors.
type groupPage struct {
	status   int
	edit     *domain.GroupForm // a refused edit's input
	conflict *domain.GroupDetail
	personID string
	joinedOn string
	removeOf string // the member whose removal was refused
	leftOn   string
	err      error
}

func (s *Server) groupShow(w http.ResponseWriter, r *http.Request) {
	id, ok := s.begin(w, r, domain.CapProgramme, "groupID", groupNotFound)
	if !ok {
		return
	}
	s.renderGroup(w, r, id, groupPage{status: http.StatusOK})
}

// renderGroup shows a group's page, with a refused form's input and errors.
func (s *Server) renderGroup(w http.ResponseWriter, r *http.Request, id int64, pg groupPage) {
	g, err := s.DB.GetGroup(r.Context(), scope(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	cands, err := s.DB.GroupCandidates(r.Context(), scope(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	today := domain.FormatISODate(ptrTime(s.today()))
	v := groups.ShowView{
		User: currentUser(r), ID: g.ID, URL: paths.Group(g.ID), AttendanceURL: paths.AttendanceGroupWeek(g.ID, domain.FormatISOWeek(s.today())),
		Name: g.Name, Contact: g.Contact, Weekdays: domain.FormatWeekdays(g.Weekdays), Unit: g.UnitName,
		UpdatedAt: domain.FormatDateTime(g.UpdatedAt), AddAction: paths.Group(g.ID) + "/members",
		PersonID: pg.personID, JoinedOn: today,
		Edit: groups.FormFields{Name: g.Name, Contact: g.Contact, Weekdays: domain.WeekdayCodes(g.Weekdays), Version: strconv.Itoa(g.Version)},
	}
	if pg.status == http.StatusOK {
		v.Flash = s.Sessions.PopString(r.Context(), sessFlash)
	}
	if pg.joinedOn != "" {
		v.JoinedOn = pg.joinedOn
	}
	for _, c := range cands {
		v.Candidates = append(v.Candidates, domain.Option{Value: strconv.FormatInt(c.PersonID, 10),
			Label: c.FamilyName + ", " + c.GivenName + " (f. " + domain.FormatDate(&c.BirthDate) + ")"})
	}
	fields := fieldErrors(pg.err)
	for _, m := range g.Members {
		pid := strconv.FormatInt(m.PersonID, 10)
		row := groups.MemberRow{
			PersonID: pid, PersonURL: paths.Person(m.PersonID), Name: m.FullName(), BirthDate: domain.FormatDate(&m.BirthDate),
			JoinedOn: domain.FormatDate(&m.JoinedOn), LeftOn: domain.FormatDate(m.LeftOn),
			RemoveAction: paths.Group(g.ID) + "/members/" + pid + "/remove", Today: today,
		}
		if pid == pg.removeOf {
			row.Today, row.Error = pg.leftOn, fields["left_on"]
		}
		if m.Active() {
			v.Members = append(v.Members, row)
		} else {
			v.Former = append(v.Former, row)
		}
	}
	if pg.edit != nil {
		v.Edit = groupFields(*pg.edit)
		v.EditOpen = true
	}
	if pg.conflict != nil {
		c := pg.conflict
		v.Edit.Version = strconv.Itoa(c.Version)
		v.Conflict = &groups.ConflictView{Name: c.Name, Contact: c.Contact, Weekdays: domain.FormatWeekdays(c.Weekdays), Version: v.Edit.Version}
	}
	if pg.err != nil && pg.conflict == nil {
		v.Errors = fields
		for _, it := range groupErrors(fields) {
			if it.Field == "left_on" {
				it.Field = "left_on-" + pg.removeOf
			}
			v.Summary = append(v.Summary, it)
		}
		if len(v.Summary) == 0 {
			v.Summary = []layout.ErrorItem{{Field: "person_id", Message: domain.ErrorMessage(pg.err)}}
		}
	}
	s.render(w, r, pg.status, groups.Show(v))
}

func (s *Server) groupUpdate(w http.ResponseWriter, r *http.Request) {
	id, ok := s.begin(w, r, domain.CapProgramme, "groupID", groupNotFound)
	if !ok {
		return
	}
	form := groupFormFrom(r)
	in, err := form.Validate(true)
	if err == nil {
		err = s.DB.UpdateGroup(r.Context(), scope(r), id, in)
	} else if serr := s.DB.GroupInScope(r.Context(), scope(r), id); serr != nil {
		s.fail(w, r, serr) // a group out of scope is 404 whatever the form says
		return
	}
	var stale *postgres.GroupStaleError
	switch {
	case err == nil:
		s.Sessions.Put(r.Context(), sessFlash, "Gruppa er lagret.")
		http.Redirect(w, r, paths.Group(id), http.StatusSeeOther)
	case errors.As(err, &stale):
		s.renderGroup(w, r, id, groupPage{status: http.StatusConflict, edit: &form, conflict: stale.Current})
	case domain.ErrorCode(err) == domain.EINVALID:
		s.renderGroup(w, r, id, groupPage{status: http.StatusUnprocessableEntity, edit: &form, err: err})
	default:
		s.fail(w, r, err)
	}
}

func (s *Server) groupAddMember(w http.ResponseWriter, r *http.Request) {
	id, ok := s.begin(w, r, domain.CapProgramme, "groupID", groupNotFound)
	if !ok {
		return
	}
	mf := domain.GroupMemberForm{PersonID: r.PostForm.Get("person_id"), JoinedOn: r.PostForm.Get("joined_on")}
	in, err := mf.Validate(s.today())
	if err == nil {
		err = s.DB.AddGroupMember(r.Context(), scope(r), id, in)
	} else if serr := s.DB.GroupInScope(r.Context(), scope(r), id); serr != nil {
		s.fail(w, r, serr)
		return
	}
	if err == nil {
		s.Sessions.Put(r.Context(), sessFlash, "Deltakeren er lagt til i gruppa.")
		http.Redirect(w, r, paths.Group(id)+"#add-member", http.StatusSeeOther)
		return
	}
	status := http.StatusUnprocessableEntity
	switch domain.ErrorCode(err) {
	case domain.EINVALID:
	case domain.ECONFLICT:
		status = http.StatusConflict
	default:
		s.fail(w, r, err)
		return
	}
	s.renderGroup(w, r, id, groupPage{status: status, personID: mf.PersonID, joinedOn: mf.JoinedOn, err: err})
}

func (s *Server) groupRemoveMember(w http.ResponseWriter, r *http.Request) {
	id, ok := s.begin(w, r, domain.CapProgramme, "groupID", groupNotFound)
	if !ok {
		return
	}
	pid, ok := pathID(r, "personID")
	if !ok {
		s.fail(w, r, domain.Errorf(domain.ENOTFOUND, "Personen er ikke med i gruppa."))
		return
	}
	lf := domain.GroupLeaveForm{LeftOn: r.PostForm.Get("left_on")}
	leftOn, err := lf.Validate(s.today())
	if err == nil {
		err = s.DB.RemoveGroupMember(r.Context(), scope(r), id, pid, leftOn)
	} else if serr := s.DB.GroupInScope(r.Context(), scope(r), id); serr != nil {
		s.fail(w, r, serr)
		return
	}
	if err == nil {
		s.Sessions.Put(r.Context(), sessFlash, "Deltakeren er fjernet fra gruppa.")
		http.Redirect(w, r, paths.Group(id), http.StatusSeeOther)
		return
	}
	if domain.ErrorCode(err) != domain.EINVALID {
		s.fail(w, r, err)
		return
	}
	s.renderGroup(w, r, id, groupPage{status: http.StatusUnprocessableEntity, removeOf: strconv.FormatInt(pid, 10), leftOn: lf.LeftOn, err: err})
}
