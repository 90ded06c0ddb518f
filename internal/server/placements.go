package server

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"ankomst/internal/domain"
	"ankomst/internal/postgres"
	"ankomst/web/layout"
	"ankomst/web/paths"
	"ankomst/web/placements"

	"github.com/go-chi/chi/v5"
)

// placementRoutes registers a person's work-practice placements (issue 9):
// the list, the new form, one placement with its status actions, follow-ups
// and evaluation. All take CapProgramme and are scoped by the person.
func (s *Server) placementRoutes(r chi.Router) {
	r.Get("/persons/{id}/placements", s.placementList)
	r.Get("/persons/{id}/placements/new", s.placementNew)
	r.Post("/persons/{id}/placements", s.placementCreate)
	r.Get("/persons/{id}/placements/{placementID}", s.placementShow)
	r.Post("/persons/{id}/placements/{placementID}", s.placementUpdate)
	r.Post("/persons/{id}/placements/{placementID}/followups", s.placementFollowup)
	r.Post("/persons/{id}/placements/{placementID}/evaluation", s.placementEvaluation)
}

const placementPersonNotFound = "Fant ikke personen."

// placementFieldOrder is the order of the placement pages' fields in an
// error summary.
var placementFieldOrder = []string{"worksite_id", "supervisor_id", "hours", "weekdays", "start_date", "planned_end", "goal", "status",
	"action", "abort_reason", "abort_ended_on", "ended_on", "held_on", "participants", "summary",
	"evaluated_on", "attendance", "language_use", "tasks_mastered", "recommendation", "version"}

func placementErrors(err error) []layout.ErrorItem {
	fields := fieldErrors(err)
	var items []layout.ErrorItem
	for _, f := range placementFieldOrder {
		if msg, ok := fields[f]; ok {
			items = append(items, layout.ErrorItem{Field: f, Message: msg})
		}
	}
	if len(items) == 0 && err != nil {
		items = []layout.ErrorItem{{Field: "worksite_id", Message: domain.ErrorMessage(err)}}
	}
	return items
}

func placementFormFrom(r *http.Request) domain.PlacementForm {
	f := r.PostForm
	return domain.PlacementForm{WorksiteID: f.Get("worksite_id"), SupervisorID: f.Get("supervisor_id"), Hours: f.Get("hours"),
		Weekdays: f["weekdays"], Start: f.Get("start_date"), PlannedEnd: f.Get("planned_end"), Goal: f.Get("goal"),
		Status: f.Get("status"), Version: f.Get("version")}
}

// placementStatusColor is the tag colour of a status.
func placementStatusColor(status string) string {
	switch status {
	case domain.PlacementActive:
		return "success"
	case domain.PlacementPlanned:
		return "info"
	case domain.PlacementPaused:
		return "warning"
	case domain.PlacementAborted:
		return "danger"
	}
	return "neutral"
}

// placementFormView fills the form's options: active worksites with their
// employer and free places, supervisors grouped by employer.
func placementFormView(r *http.Request, pd *postgres.PlacementData, action string, f domain.PlacementForm, err error) placements.FormView {
	v := placements.FormView{User: currentUser(r), PersonName: pd.PersonName, PersonURL: paths.Person(pd.PersonID),
		ListURL: paths.PersonPlacements(pd.PersonID), Action: action, Fields: f, Errors: fieldErrors(err)}
	if err != nil {
		v.Summary = placementErrors(err)
	}
	for _, w := range pd.Worksites {
		v.Worksites = append(v.Worksites, domain.Option{Value: strconv.FormatInt(w.ID, 10),
			Label: w.Name + " – " + w.EmployerName + " (" + strconv.Itoa(w.Free()) + " av " + strconv.Itoa(w.Places) + " plasser ledige)"})
	}
	for _, sv := range pd.Supervisors {
		n := len(v.Supervisors)
		if n == 0 || v.Supervisors[n-1].Label != sv.EmployerName {
			v.Supervisors = append(v.Supervisors, placements.OptGroup{Label: sv.EmployerName})
			n++
		}
		v.Supervisors[n-1].Options = append(v.Supervisors[n-1].Options, domain.Option{Value: strconv.FormatInt(sv.ID, 10), Label: sv.Name})
	}
	return v
}

func (s *Server) placementList(w http.ResponseWriter, r *http.Request) {
	id, ok := s.begin(w, r, domain.CapProgramme, "id", placementPersonNotFound)
	if !ok {
		return
	}
	pd, err := s.DB.PlacementPage(r.Context(), scope(r), id, 0)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	today := s.today()
	v := placements.ListView{User: currentUser(r), PersonName: pd.PersonName, PersonURL: paths.Person(id),
		Flash: s.Sessions.PopString(r.Context(), sessFlash)}
	if !pd.Merged {
		v.NewURL = paths.PersonPlacements(id) + "/new"
	}
	for _, p := range pd.Placements {
		row := placements.Row{URL: paths.Placement(id, p.ID), Worksite: p.Name(), Period: p.Period(),
			Hours: domain.FormatHours(p.MinutesPerWeek) + " t", Days: domain.FormatWeekdays(p.Weekdays),
			Goal: domain.Label(domain.PlacementGoals(), p.Goal), Status: domain.Label(domain.PlacementStatuses(), p.Status),
			StatusColor: placementStatusColor(p.Status)}
		if due, ok := p.FollowupDue(); ok {
			row.FollowupDue, row.Overdue = domain.FormatDate(&due), due.Before(today)
		}
		if p.Current() {
			v.Current = append(v.Current, row)
		} else {
			v.History = append(v.History, row)
		}
	}
	s.render(w, r, http.StatusOK, placements.List(v))
}

func (s *Server) placementNew(w http.ResponseWriter, r *http.Request) {
	id, ok := s.begin(w, r, domain.CapProgramme, "id", placementPersonNotFound)
	if !ok {
		return
	}
	pd, err := s.DB.PlacementPage(r.Context(), scope(r), id, 0)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := domain.PlacementForm{Weekdays: []string{"1", "2", "3"}, Start: domain.FormatISODate(ptrTime(s.today())),
		Goal: domain.PlacementGoalLanguage, Status: domain.PlacementPlanned}
	s.render(w, r, http.StatusOK, placements.New(placementFormView(r, pd, paths.PersonPlacements(id), f, nil)))
}

func (s *Server) placementCreate(w http.ResponseWriter, r *http.Request) {
	id, ok := s.begin(w, r, domain.CapProgramme, "id", placementPersonNotFound)
	if !ok {
		return
	}
	f := placementFormFrom(r)
	f.Version = ""
	in, err := f.Validate(false)
	var pid int64
	if err == nil {
		pid, err = s.DB.CreatePlacement(r.Context(), scope(r), id, in)
	}
	if err == nil {
		s.Sessions.Put(r.Context(), sessFlash, "Praksisplassen er lagret.")
		http.Redirect(w, r, paths.Placement(id, pid), http.StatusSeeOther)
		return
	}
	if domain.ErrorCode(err) != domain.EINVALID {
		s.fail(w, r, err)
		return
	}
	pd, perr := s.DB.PlacementPage(r.Context(), scope(r), id, 0)
	if perr != nil {
		s.fail(w, r, perr) // a person out of scope is 404 whatever the form says
		return
	}
	s.render(w, r, http.StatusUnprocessableEntity, placements.New(placementFormView(r, pd, paths.PersonPlacements(id), f, err)))
}

// placementState is a placement page's state beyond the stored placement:
// a refused form's input and its error.
type placementState struct {
	status     int
	edit       *domain.PlacementForm
	action     *domain.PlacementStatusForm
	followup   *domain.PlacementFollowupForm
	evaluation *domain.PlacementEvaluationForm
	conflict   bool
	err        error
}

func (s *Server) placementShow(w http.ResponseWriter, r *http.Request) {
	id, ok := s.begin(w, r, domain.CapProgramme, "id", placementPersonNotFound)
	if !ok {
		return
	}
	pid, ok := pathID(r, "placementID")
	if !ok {
		s.fail(w, r, domain.Errorf(domain.ENOTFOUND, "Fant ikke praksisplassen."))
		return
	}
	s.renderPlacement(w, r, id, pid, placementState{status: http.StatusOK})
}

func (s *Server) renderPlacement(w http.ResponseWriter, r *http.Request, id, pid int64, st placementState) {
	pd, err := s.DB.PlacementPage(r.Context(), scope(r), id, pid)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := pd.Placement
	today := domain.FormatISODate(ptrTime(s.today()))
	self := paths.Placement(id, pid)
	v := placements.ShowView{
		User: currentUser(r), PersonName: pd.PersonName, PersonURL: paths.Person(id), ListURL: paths.PersonPlacements(id), URL: self,
		Heading: "Praksis hos " + p.Name(), Status: domain.Label(domain.PlacementStatuses(), p.Status), StatusColor: placementStatusColor(p.Status),
		Version: strconv.Itoa(p.Version), EndedOn: today, CanEdit: p.Current() && !pd.Merged,
		FollowupAction: self + "/followups", EvaluationAction: self + "/evaluation",
		Followup:   placements.FollowupFields{HeldOn: today},
		Evaluation: placements.EvaluationFields{EvaluatedOn: today, Version: "0"},
	}
	if st.status == http.StatusOK {
		v.Flash = s.Sessions.PopString(r.Context(), sessFlash)
	}
	supervisor := p.SupervisorName
	if supervisor == "" {
		supervisor = "–"
	}
	v.Facts = []layout.Fact{
		{Label: "Arbeidssted", Value: p.Name(), TestID: "fact-worksite", Content: placements.WorksiteLink(paths.Worksite(p.WorksiteID), p.Name())},
		{Label: "Veileder", Value: supervisor, TestID: "fact-supervisor"},
		{Label: "Timer per uke", Value: domain.FormatHours(p.MinutesPerWeek) + " t, " + domain.FormatWeekdays(p.Weekdays), TestID: "fact-hours"},
		{Label: "Periode", Value: placementPeriod(p), TestID: "fact-period"},
		{Label: "Mål", Value: domain.Label(domain.PlacementGoals(), p.Goal)},
	}
	if p.EndedOn != nil {
		v.Facts = append(v.Facts, layout.Fact{Label: "Sluttet", Value: domain.FormatDate(p.EndedOn), TestID: "fact-ended"})
	}
	if p.AbortReason != "" {
		v.Facts = append(v.Facts, layout.Fact{Label: "Årsak til avbrudd", Value: p.AbortReason})
	}
	if due, ok := p.FollowupDue(); ok {
		v.Facts = append(v.Facts, layout.Fact{Label: "Neste oppfølging", Value: domain.FormatDate(&due), TestID: "fact-followup-due"})
	}
	if !pd.Merged {
		for _, a := range domain.PlacementActions(p.Status) {
			av := placements.ActionView{Action: a}
			switch a {
			case domain.PlacementActivate:
				av.Label = "Sett som aktiv"
				if p.Status == domain.PlacementPaused {
					av.Label = "Gjenoppta praksisen"
				}
			case domain.PlacementPause:
				av.Label = "Sett på pause"
			case domain.PlacementEnd:
				av.Label, av.Confirm, av.Danger = "Avslutt praksisen", true, true
			case domain.PlacementAbort:
				av.Label, av.Confirm, av.Danger = "Avbryt praksisen", true, true
			}
			v.Actions = append(v.Actions, av)
		}
	}
	for _, f := range pd.Followups {
		who := f.Participants
		if who == "" {
			who = "Deltakere ikke oppgitt"
		}
		interp := "uten tolk"
		if f.InterpreterUsed {
			interp = "med tolk"
		}
		by := f.CreatedByName
		if by == "" {
			by = "–"
		}
		v.Followups = append(v.Followups, placements.FollowupRow{HeldOn: domain.FormatDate(&f.HeldOn), Participants: who,
			Interpreter: interp, Summary: strings.Split(f.Summary, "\n"), CreatedBy: by + " " + domain.FormatDateTime(f.CreatedAt)})
	}
	if ev := pd.Evaluation; ev != nil {
		v.HasEvaluation = true
		v.Evaluation = placements.EvaluationFields{EvaluatedOn: domain.FormatISODate(&ev.EvaluatedOn), Attendance: ev.Attendance,
			LanguageUse: ev.LanguageUse, TasksMastered: ev.TasksMastered, Recommend: ev.Recommend, GotJob: ev.GotJob, Version: strconv.Itoa(ev.Version)}
		if ev.GotJob {
			v.GotJobURL = paths.PersonProgrammePart(id, "end") + "?" + url.Values{"end_reason": {domain.PlacementEndReasonWork}}.Encode()
		}
	}
	v.Form = placementFormView(r, pd, self, domain.PlacementFormFrom(*p), nil)
	v.Form.Edit = true
	// A refused form comes back as typed.
	if st.edit != nil {
		v.EditOpen = true
		f := *st.edit
		if st.conflict {
			f.Version = strconv.Itoa(p.Version)
		}
		v.Form.Fields = f
		v.Form.Errors = fieldErrors(st.err)
	}
	if a := st.action; a != nil {
		v.OpenAction, v.EndedOn, v.AbortReason = a.Action, a.EndedOn, a.AbortReason
	}
	if f := st.followup; f != nil {
		v.Followup = placements.FollowupFields{HeldOn: f.HeldOn, Participants: f.Participants, InterpreterUsed: f.InterpreterUsed, Summary: f.Summary}
	}
	if f := st.evaluation; f != nil {
		v.Evaluation = placements.EvaluationFields{EvaluatedOn: f.EvaluatedOn, Attendance: f.Attendance, LanguageUse: f.LanguageUse,
			TasksMastered: f.TasksMastered, Recommend: f.Recommend, GotJob: f.GotJob, Version: f.Version}
		if st.conflict && pd.Evaluation != nil {
			v.Evaluation.Version = strconv.Itoa(pd.Evaluation.Version)
		}
	}
	if st.conflict {
		v.Conflict = domain.ErrorMessage(st.err) + " Siden viser det som er lagret nå" +
			map[bool]string{true: ", og skjemaet det du skrev: lagre på nytt for å beholde dine endringer.", false: "."}[st.edit != nil || st.evaluation != nil]
	} else if st.err != nil {
		v.Errors = fieldErrors(st.err)
		v.Summary = placementErrors(st.err)
	}
	s.render(w, r, st.status, placements.Show(v))
}

// placementRefused answers a refused POST on a placement: 404 out of scope
// (whatever the form), 409 with the stored placement, 422 with the input.
func (s *Server) placementRefused(w http.ResponseWriter, r *http.Request, id, pid int64, st placementState) {
	var stale *postgres.PlacementStaleError
	switch {
	case errors.As(st.err, &stale) || domain.ErrorCode(st.err) == domain.ECONFLICT:
		if serr := s.DB.PlacementInScope(r.Context(), scope(r), id, pid); serr != nil {
			s.fail(w, r, serr)
			return
		}
		st.status, st.conflict = http.StatusConflict, true
	case domain.ErrorCode(st.err) == domain.EINVALID:
		if serr := s.DB.PlacementInScope(r.Context(), scope(r), id, pid); serr != nil {
			s.fail(w, r, serr)
			return
		}
		st.status = http.StatusUnprocessableEntity
	default:
		s.fail(w, r, st.err)
		return
	}
	s.renderPlacement(w, r, id, pid, st)
}

// placementIDs opens a POST on one placement: the person's and the
// placement's ids and the capability.
func (s *Server) placementIDs(w http.ResponseWriter, r *http.Request) (int64, int64, bool) {
	id, ok := s.begin(w, r, domain.CapProgramme, "id", placementPersonNotFound)
	if !ok {
		return 0, 0, false
	}
	pid, ok := pathID(r, "placementID")
	if !ok {
		s.fail(w, r, domain.Errorf(domain.ENOTFOUND, "Fant ikke praksisplassen."))
		return 0, 0, false
	}
	return id, pid, true
}

func (s *Server) placementUpdate(w http.ResponseWriter, r *http.Request) {
	id, pid, ok := s.placementIDs(w, r)
	if !ok {
		return
	}
	action := r.PostForm.Get("action")
	if action == "" || action == "edit" {
		f := placementFormFrom(r)
		in, err := f.Validate(true)
		if err == nil {
			err = s.DB.UpdatePlacement(r.Context(), scope(r), id, pid, in)
		}
		if err == nil {
			s.Sessions.Put(r.Context(), sessFlash, "Praksisplassen er lagret.")
			http.Redirect(w, r, paths.Placement(id, pid), http.StatusSeeOther)
			return
		}
		s.placementRefused(w, r, id, pid, placementState{edit: &f, err: err})
		return
	}
	f := domain.PlacementStatusForm{Action: action, EndedOn: r.PostForm.Get("ended_on"), AbortReason: r.PostForm.Get("abort_reason"),
		Version: r.PostForm.Get("version")}
	err := s.DB.ChangePlacementStatus(r.Context(), scope(r), id, pid, f)
	if err == nil {
		msg := map[string]string{domain.PlacementActivate: "Praksisen er aktiv.", domain.PlacementPause: "Praksisen er satt på pause.",
			domain.PlacementEnd: "Praksisen er avsluttet. Skriv gjerne sluttevalueringen.", domain.PlacementAbort: "Praksisen er avbrutt."}[action]
		s.Sessions.Put(r.Context(), sessFlash, msg)
		target := paths.Placement(id, pid)
		if action == domain.PlacementEnd {
			target += "#evaluation"
		}
		http.Redirect(w, r, target, http.StatusSeeOther)
		return
	}
	s.placementRefused(w, r, id, pid, placementState{action: &f, err: err})
}

func (s *Server) placementFollowup(w http.ResponseWriter, r *http.Request) {
	id, pid, ok := s.placementIDs(w, r)
	if !ok {
		return
	}
	f := domain.PlacementFollowupForm{HeldOn: r.PostForm.Get("held_on"), Participants: r.PostForm.Get("participants"),
		InterpreterUsed: r.PostForm.Get("interpreter_used") != "", Summary: r.PostForm.Get("summary")}
	_, err := s.DB.AddPlacementFollowup(r.Context(), scope(r), id, pid, f)
	if err == nil {
		s.Sessions.Put(r.Context(), sessFlash, "Oppfølgingssamtalen er lagret.")
		http.Redirect(w, r, paths.Placement(id, pid)+"#followups", http.StatusSeeOther)
		return
	}
	s.placementRefused(w, r, id, pid, placementState{followup: &f, err: err})
}

func (s *Server) placementEvaluation(w http.ResponseWriter, r *http.Request) {
	id, pid, ok := s.placementIDs(w, r)
	if !ok {
		return
	}
	p := r.PostForm
	f := domain.PlacementEvaluationForm{EvaluatedOn: p.Get("evaluated_on"), Attendance: p.Get("attendance"), LanguageUse: p.Get("language_use"),
		TasksMastered: p.Get("tasks_mastered"), Recommend: p.Get("recommendation"), GotJob: p.Get("got_job") != "", Version: p.Get("version")}
	ev, err := s.DB.SavePlacementEvaluation(r.Context(), scope(r), id, pid, f)
	if err == nil {
		msg := "Sluttevalueringen er lagret."
		if ev.GotJob {
		}
		s.Sessions.Put(r.Context(), sessFlash, msg)
		http.Redirect(w, r, paths.Placement(id, pid), http.StatusSeeOther)
		return
	}
	s.placementRefused(w, r, id, pid, placementState{evaluation: &f, err: err})
}

// placementPeriod is a placement's period: to its last day once it has
// ended, else to its planned end, marked as planned.
func placementPeriod(p *domain.Placement) string {
	if p.EndedOn != nil {
		return p.Period()
	}
	return domain.FormatDate(&p.Start) + "–" + domain.FormatDate(&p.PlannedEnd) + " (planlagt)"
}
