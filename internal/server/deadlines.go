package server

import (
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"ankomst/internal/domain"
	"ankomst/internal/postgres"
	"ankomst/web/deadlines"
	"ankomst/web/layout"
	"ankomst/web/paths"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5"
)

// deadlineRoutes registers the deadlines module's routes: the Frister list,
// manual tasks, and marking computed deadlines done.
func (s *Server) deadlineRoutes(r chi.Router) {
	r.Get("/deadlines", s.deadlineList)
	r.Get("/persons/{id}/tasks/new", s.taskNew)
	r.Post("/persons/{id}/tasks/new", s.taskCreate)
	r.Get("/persons/{id}/tasks/{taskID}/edit", s.taskEdit)
	r.Post("/persons/{id}/tasks/{taskID}/edit", s.taskUpdate)
	r.Post("/persons/{id}/tasks/{taskID}/done", s.taskDone)
	r.Get("/persons/{id}/deadlines/{kind}/done", s.deadlineDoneForm)
	r.Post("/persons/{id}/deadlines/{kind}/done", s.deadlineDone)
}

// deadlineToday is today's date in Norway, as a UTC midnight.
func (s *Server) deadlineToday() time.Time {
	return domain.Today(s.DB.Now())
}

// kindLabel says what sort of item a deadline is.
func deadlineKindLabel(d domain.Deadline) string {
	switch {
	case d.Kind == domain.KindTask:
		return "Oppgave"
	case d.Health:
		return "Helsefrist"
	}
	return "Lovpålagt frist"
}

// deadlineParams is the Frister page's state as it travels in URLs.
type deadlineParams struct {
	View   string // "mine" or "all"
	Kind   string
	Desc   bool
	After  string
	Before string
}

func (p deadlineParams) url(change func(*deadlineParams)) string {
	c := p
	c.After, c.Before = "", ""
	if change != nil {
		change(&c)
	}
	v := url.Values{}
	v.Set("view", c.View)
	if c.Kind != "" {
		v.Set("kind", c.Kind)
	}
	if c.Desc {
		v.Set("dir", "desc")
	}
	if c.After != "" {
		v.Set("after", c.After)
	}
	if c.Before != "" {
		v.Set("before", c.Before)
	}
	return paths.WithQuery(paths.Deadlines(), v)
}

// deadlineKinds are the kind filter's options for the role.
func deadlineKinds(role domain.Role) []domain.Option {
	opts := []domain.Option{{Value: "", Label: "Alle frister og oppgaver"}}
	for _, rule := range domain.DeadlineRules() {
		if !rule.Health || role.Can(domain.CapReadHealth) {
			opts = append(opts, domain.Option{Value: rule.Kind, Label: rule.Title})
		}
	}
	return append(opts, domain.Option{Value: domain.KindTask, Label: "Oppgaver"})
}

func (s *Server) deadlineList(w http.ResponseWriter, r *http.Request) {
	u := currentUser(r)
	q := r.URL.Query()
	p := deadlineParams{View: q.Get("view"), Kind: q.Get("kind"), Desc: q.Get("dir") == "desc"}
	switch {
	case !u.Role.Can(domain.CapHoldCaseload):
		p.View = "all"
	case p.View != "mine" && p.View != "all":
		p.View = "all"
		if u.Role.Can(domain.CapMineFirst) {
			p.View = "mine"
		}
	}
	kinds := deadlineKinds(u.Role)
	if !slices.ContainsFunc(kinds, func(o domain.Option) bool { return o.Value == p.Kind }) {
		p.Kind = ""
	}
	dq := postgres.DeadlineQuery{Mine: p.View == "mine", Kind: p.Kind, Desc: p.Desc, Limit: 50, Reviews: true}
	if c, ok := postgres.ParseDeadlineCursor(q.Get("after")); ok {
		dq.After = &c
	} else if c, ok := postgres.ParseDeadlineCursor(q.Get("before")); ok {
		dq.Before = &c
	}
	page, err := s.DB.ListDeadlines(r.Context(), scope(r), dq)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := deadlines.ListView{
		User: u, ShowTabs: u.Role.Can(domain.CapHoldCaseload), Mine: p.View == "mine",
		MineURL: p.url(func(c *deadlineParams) { c.View = "mine" }),
		AllURL:  p.url(func(c *deadlineParams) { c.View = "all" }),
		View:    p.View, Kind: p.Kind, Kinds: kinds,
		FirstURL: p.url(func(c *deadlineParams) { c.Kind = "" }),
		Due: deadlines.SortColumn{Label: "Frist", AriaSort: "ascending",
			URL: p.url(func(c *deadlineParams) { c.Desc = true })},
	}
	if p.Desc {
		v.Dir = "desc"
		v.Due.AriaSort = "descending"
		v.Due.URL = p.url(func(c *deadlineParams) { c.Desc = false })
	}
	for _, d := range page.Rows {
		row := deadlines.ListRow{
			Due: domain.FormatDate(&d.Due), Overdue: d.Status == domain.DeadlineOverdue,
			Title: d.Title, KindLabel: deadlineKindLabel(d), PersonName: d.PersonName,
			PersonURL: paths.PersonDeadlines(d.PersonID),
		}
		switch {
		case d.Assignee != nil:
			row.Assignee = *d.Assignee
		case d.Kind != domain.KindTask && d.Caseworker != nil:
			row.Assignee = *d.Caseworker
		}
		v.HealthNote = v.HealthNote || d.Health
		v.Rows = append(v.Rows, row)
	}
	today := s.deadlineToday()
	for _, rv := range page.Reviews {
		v.Reviews = append(v.Reviews, deadlines.ReviewRow{Due: domain.FormatDate(&rv.NextReview), Overdue: rv.NextReview.Before(today),
			Scheme: domain.Label(domain.HusbankenSchemes(), rv.Scheme), Household: rv.HouseholdName, URL: supportPath(rv.HouseholdID)})
	}
	if n := len(page.Rows); n > 0 {
		first, last := postgres.CursorOf(page.Rows[0]).String(), postgres.CursorOf(page.Rows[n-1]).String()
		if page.HasNext {
			v.NextURL = p.url(func(c *deadlineParams) { c.After = last })
		}
		if page.HasPrev {
			v.PrevURL = p.url(func(c *deadlineParams) { c.Before = first })
		}
	}
	s.render(w, r, http.StatusOK, deadlines.List(v))
}

// deadlineSection is the deadlines module's part of the person page: the
// person's computed deadlines (health ones for the health role alone) and
// tasks, with their status.
func (s *Server) deadlineSection(pg *personPage) func(*domain.Person) (templ.Component, error) {
	ds := pg.Deadlines()
	return func(p *domain.Person) (templ.Component, error) {
		return s.renderDeadlineSection(pg.r, p, *ds), nil
	}
}

func (s *Server) renderDeadlineSection(r *http.Request, p *domain.Person, ds []domain.Deadline) templ.Component {
	u := currentUser(r)
	now := s.deadlineToday()
	today := domain.FormatISODate(&now)
	v := deadlines.SectionView{
		PersonID: p.ID, CanCreate: u.Role.Can(domain.CapWriteCase),
		NoDates: p.ArrivalDate == nil && p.SettlementDate == nil,
	}
	for _, d := range ds {
		row := deadlines.SectionRow{
			Title: d.Title, KindLabel: deadlineKindLabel(d), Due: domain.FormatDate(&d.Due),
			Tag: deadlines.StatusTag(d), Version: d.Version, IsDone: d.Status == domain.DeadlineDone,
			DueNote: d.Status != domain.DeadlineOpen,
		}
		if d.Kind == domain.KindTask {
			tid := strconv.FormatInt(*d.TaskID, 10)
			row.TestID = "task-" + tid
			if d.Assignee != nil {
				row.Assignee = "Ansvarlig: " + *d.Assignee
			}
			if u.Role.Can(domain.CapWriteCase) {
				row.EditURL = paths.TaskEdit(p.ID, *d.TaskID)
				row.MarkAction = paths.TaskDone(p.ID, *d.TaskID)
				row.Today = today
			}
		} else {
			row.TestID = "deadline-" + d.Kind
			if u.Role.Can(domain.DeadlineCapability(d.Health)) {
				row.DoneURL = paths.DeadlineDone(p.ID, d.Kind)
				row.DoneLabel = "Marker utført"
				if row.IsDone {
					row.DoneLabel = "Angre utført"
				}
			}
		}
		v.HealthNote = v.HealthNote || d.Health
		v.Rows = append(v.Rows, row)
	}
	return deadlines.Section(v)
}

// taskFormFrom reads the task form from a parsed POST.
func taskFormFrom(r *http.Request) domain.TaskForm {
	f := r.PostForm
	return domain.TaskForm{Title: f.Get("title"), DueDate: f.Get("due_date"), AssigneeID: f.Get("assignee_id"), Version: f.Get("version")}
}

var taskFieldOrder = []string{"title", "due_date", "assignee_id", "version"}

func taskErrorItems(fields map[string]string) []layout.ErrorItem {
	var items []layout.ErrorItem
	for _, f := range taskFieldOrder {
		if msg, ok := fields[f]; ok {
			items = append(items, layout.ErrorItem{Field: f, Message: msg})
		}
	}
	return items
}

func validTaskFormKey(k string) bool {
	if len(k) != 32 {
		return false
	}
	_, err := hex.DecodeString(k)
	return err == nil && strings.ToLower(k) == k
}

// renderTaskForm shows the task form with the scoped assignee picker, the
// user's input and any errors. current is the stored assignee (kept as an
// option even if no longer active).
func (s *Server) renderTaskForm(w http.ResponseWriter, r *http.Request, status int, personID int64, v deadlines.TaskFormView, current *domain.Deadline, err error) {
	name, users, aerr := s.DB.TaskAssignees(r.Context(), scope(r), personID)
	if aerr != nil {
		s.fail(w, r, aerr)
		return
	}
	v.User, v.PersonName, v.PersonURL = currentUser(r), name, paths.PersonDeadlines(personID)
	for _, u := range users {
		v.Assignees = append(v.Assignees, domain.Option{Value: strconv.FormatInt(u.ID, 10), Label: u.Name})
	}
	if current != nil && current.AssigneeID != nil {
		id := strconv.FormatInt(*current.AssigneeID, 10)
		if !slices.ContainsFunc(v.Assignees, func(o domain.Option) bool { return o.Value == id }) && current.Assignee != nil {
			v.Assignees = append(v.Assignees, domain.Option{Value: id, Label: *current.Assignee + " (ikke aktiv lenger)"})
		}
	}
	var de *domain.Error
	if errors.As(err, &de) {
		v.Errors = de.Fields
		v.Summary = taskErrorItems(de.Fields)
		if len(v.Summary) == 0 && de.Message != "" {
			v.Summary = []layout.ErrorItem{{Field: "title", Message: de.Message}}
		}
	}
	s.render(w, r, status, deadlines.TaskForm(v))
}

func newTaskView(personID int64) deadlines.TaskFormView {
	return deadlines.TaskFormView{Heading: "Ny oppgave", Submit: "Lagre oppgave",
		Action: paths.TaskNew(personID)}
}

func (s *Server) taskNew(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		s.fail(w, r, domain.Errorf(domain.ENOTFOUND, "Fant ikke personen."))
		return
	}
	u := currentUser(r)
	if !s.allow(w, r, domain.CapWriteCase) {
		return
	}
	v := newTaskView(id)
	v.FormKey = newToken()
	if u.Role.Can(domain.CapHoldCaseload) {
		v.Form.AssigneeID = strconv.FormatInt(u.ID, 10)
	}
	s.renderTaskForm(w, r, http.StatusOK, id, v, nil, nil)
}

func (s *Server) taskCreate(w http.ResponseWriter, r *http.Request) {
	id, ok := s.begin(w, r, domain.CapWriteCase, "id", "Fant ikke personen.")
	if !ok {
		return
	}
	v := newTaskView(id)
	v.Form = taskFormFrom(r)
	v.Form.Version = ""
	if k := r.PostForm.Get("form_key"); validTaskFormKey(k) {
		v.FormKey = k
	} else {
		v.FormKey = newToken()
	}
	in, err := v.Form.Validate(s.deadlineToday())
	if err != nil {
		s.renderTaskForm(w, r, http.StatusUnprocessableEntity, id, v, nil, err)
		return
	}
	if _, err := s.DB.CreateTask(r.Context(), scope(r), id, in, v.FormKey); err != nil {
		switch domain.ErrorCode(err) {
		case domain.EINVALID:
			s.renderTaskForm(w, r, http.StatusUnprocessableEntity, id, v, nil, err)
		case domain.ECONFLICT:
			v.FormKey = newToken()
			s.renderTaskForm(w, r, http.StatusConflict, id, v, nil, err)
		default:
			s.fail(w, r, err)
		}
		return
	}
	s.Sessions.Put(r.Context(), sessFlash, "Oppgaven er lagret.")
	http.Redirect(w, r, paths.PersonDeadlines(id), http.StatusSeeOther)
}

// taskIDs parses the person and task ids of a task URL.
func taskIDs(r *http.Request) (int64, int64, bool) {
	id, ok1 := pathID(r, "id")
	tid, ok2 := pathID(r, "taskID")
	return id, tid, ok1 && ok2
}

func editTaskView(personID, taskID int64) deadlines.TaskFormView {
	return deadlines.TaskFormView{Heading: "Endre oppgave", Submit: "Lagre endringer",
		Action: paths.TaskEdit(personID, taskID)}
}

func (s *Server) taskEdit(w http.ResponseWriter, r *http.Request) {
	id, tid, ok := taskIDs(r)
	if !ok {
		s.fail(w, r, domain.Errorf(domain.ENOTFOUND, "Fant ikke oppgaven."))
		return
	}
	if !s.allow(w, r, domain.CapWriteCase) {
		return
	}
	t, err := s.DB.GetTask(r.Context(), scope(r), id, tid)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := editTaskView(id, tid)
	v.Form = domain.FormFromTask(t)
	s.renderTaskForm(w, r, http.StatusOK, id, v, t, nil)
}

// taskFacts formats a stored task for the conflict views.
func taskFacts(t *domain.Deadline) []deadlines.Fact {
	who := "–"
	if t.Assignee != nil {
		who = *t.Assignee
	}
	facts := []deadlines.Fact{
		{Label: "Oppgave", Value: t.Title},
		{Label: "Frist", Value: domain.FormatDate(&t.Due)},
		{Label: "Ansvarlig", Value: who},
		{Label: "Status", Value: deadlines.StatusTag(*t).Label},
	}
	if t.DoneBy != nil {
		facts = append(facts, deadlines.Fact{Label: "Markert utført av", Value: *t.DoneBy})
	}
	return facts
}

func (s *Server) taskUpdate(w http.ResponseWriter, r *http.Request) {
	id, tid, ok := taskIDs(r)
	if !ok {
		s.fail(w, r, domain.Errorf(domain.ENOTFOUND, "Fant ikke oppgaven."))
		return
	}
	if !s.allow(w, r, domain.CapWriteCase) {
		return
	}
	v := editTaskView(id, tid)
	v.Form = taskFormFrom(r)
	in, err := v.Form.Validate(s.deadlineToday())
	if err == nil && in.Version == 0 {
		err = &domain.Error{Code: domain.EINVALID, Message: "Mangler versjon.", Fields: map[string]string{"version": "Skjemaet mangler versjon. Last siden på nytt."}}
	}
	if err != nil {
		s.renderTaskForm(w, r, http.StatusUnprocessableEntity, id, v, nil, err)
		return
	}
	_, err = s.DB.UpdateTask(r.Context(), scope(r), id, tid, in)
	var stale *postgres.DeadlineStaleError
	switch {
	case err == nil:
		s.Sessions.Put(r.Context(), sessFlash, "Oppgaven er endret.")
		http.Redirect(w, r, paths.PersonDeadlines(id), http.StatusSeeOther)
	case errors.As(err, &stale):
		// Keep what the user typed, based on the stored version from now on.
		v.Form.Version = strconv.Itoa(stale.Current.Version)
		v.Stored, v.StoredVersion = taskFacts(stale.Current), stale.Current.Version
		s.renderTaskForm(w, r, http.StatusConflict, id, v, stale.Current, nil)
	case domain.ErrorCode(err) == domain.EINVALID:
		s.renderTaskForm(w, r, http.StatusUnprocessableEntity, id, v, nil, err)
	default:
		s.fail(w, r, err)
	}
}

// markForm reads a done/undo form: the version, and the done date (nil
// for undo). A missing done date means today.
func (s *Server) markForm(r *http.Request) (doneOn *time.Time, version int, err error) {
	version, verr := strconv.Atoi(r.PostForm.Get("version"))
	if verr != nil || version <= 0 {
		return nil, 0, &domain.Error{Code: domain.EINVALID, Message: "Skjemaet mangler versjon. Last siden på nytt.",
			Fields: map[string]string{"version": "Skjemaet mangler versjon. Last siden på nytt."}}
	}
	if r.PostForm.Get("undo") == "1" {
		return nil, version, nil
	}
	today := s.deadlineToday()
	raw := r.PostForm.Get("done_on")
	if _, sent := r.PostForm["done_on"]; !sent {
		raw = domain.FormatISODate(&today)
	}
	d, err := domain.ParseDoneDate(raw, today)
	if err != nil {
		return nil, version, err
	}
	return &d, version, nil
}

func markTried(doneOn *time.Time) string {
	if doneOn == nil {
		return "Angre utført"
	}
	return "Marker utført " + domain.FormatDate(doneOn)
}

func (s *Server) taskDone(w http.ResponseWriter, r *http.Request) {
	id, tid, ok := taskIDs(r)
	if !ok {
		s.fail(w, r, domain.Errorf(domain.ENOTFOUND, "Fant ikke oppgaven."))
		return
	}
	if !s.allow(w, r, domain.CapWriteCase) {
		return
	}
	doneOn, version, err := s.markForm(r)
	if err != nil {
		// A task out of scope is 404 whatever the form says.
		if serr := s.DB.TaskInScope(r.Context(), scope(r), id, tid); serr != nil {
			s.fail(w, r, serr)
			return
		}
		s.fail(w, r, err)
		return
	}
	t, err := s.DB.MarkTask(r.Context(), scope(r), id, tid, doneOn, version)
	var stale *postgres.DeadlineStaleError
	switch {
	case err == nil:
		s.Sessions.Put(r.Context(), sessFlash, markedFlash("Oppgaven", t.Title, doneOn))
		http.Redirect(w, r, paths.PersonDeadlines(id), http.StatusSeeOther)
	case errors.As(err, &stale):
		s.render(w, r, http.StatusConflict, deadlines.Conflict(deadlines.ConflictView{
			User: currentUser(r), Heading: "Oppgaven ble endret av noen andre",
			Message: "Ingenting er lagret. Oppgaven ble endret etter at du åpnet siden. Se hvordan den er lagret nå, og prøv igjen fra deltakersiden om det fortsatt trengs.",
			Stored:  taskFacts(stale.Current),
			Yours:   []deadlines.Fact{{Label: "Oppgave", Value: stale.Current.Title}, {Label: "Handling", Value: markTried(doneOn)}},
			BackURL: paths.PersonDeadlines(id),
		}))
	default:
		s.fail(w, r, err)
	}
}

// deadlineAccess checks the kind in the URL for the role: an unknown kind,
// or a health kind for another role than health, is not found; a kind the
// role may see but not change is forbidden.
func (s *Server) deadlineAccess(w http.ResponseWriter, r *http.Request) (int64, string, bool) {
	id, ok := pathID(r, "id")
	kind := chi.URLParam(r, "kind")
	rule, known := domain.DeadlineRuleOf(kind)
	role := currentUser(r).Role
	if !ok || !known || (rule.Health && !role.Can(domain.CapReadHealth)) {
		s.fail(w, r, domain.Errorf(domain.ENOTFOUND, "Fant ikke fristen."))
		return 0, "", false
	}
	if err := role.Require(domain.DeadlineCapability(rule.Health)); err != nil {
		s.fail(w, r, err)
		return 0, "", false
	}
	return id, kind, true
}

func (s *Server) doneView(r *http.Request, d *domain.Deadline) deadlines.DoneView {
	today := s.deadlineToday()
	v := deadlines.DoneView{
		User: currentUser(r), PersonName: d.PersonName, PersonURL: paths.PersonDeadlines(d.PersonID),
		Action: paths.DeadlineDone(d.PersonID, d.Kind),
		Title:  d.Title, Due: domain.FormatDate(&d.Due), Tag: deadlines.StatusTag(*d),
		IsDone: d.DoneOn != nil, DoneOn: domain.FormatDate(d.DoneOn), Version: d.Version,
		Value: domain.FormatISODate(&today),
	}
	if d.DoneBy != nil {
		v.DoneBy = *d.DoneBy
	}
	return v
}

func (s *Server) deadlineDoneForm(w http.ResponseWriter, r *http.Request) {
	id, kind, ok := s.deadlineAccess(w, r)
	if !ok {
		return
	}
	d, err := s.DB.GetDeadline(r.Context(), scope(r), id, kind)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, deadlines.Done(s.doneView(r, d)))
}

func (s *Server) deadlineDone(w http.ResponseWriter, r *http.Request) {
	id, kind, ok := s.deadlineAccess(w, r)
	if !ok {
		return
	}
	doneOn, version, err := s.markForm(r)
	if err != nil {
		// A deadline out of scope is 404 whatever the form says (checked
		// without GetDeadline, which audits a health deadline's read).
		if serr := s.DB.DeadlineInScope(r.Context(), scope(r), id, kind); serr != nil {
			s.fail(w, r, serr)
			return
		}
	}
	var de *domain.Error
	if errors.As(err, &de) && de.Fields["done_on"] != "" {
		// Show the form again with the user's date and the message.
		d, gerr := s.DB.GetDeadline(r.Context(), scope(r), id, kind)
		if gerr != nil {
			s.fail(w, r, gerr)
			return
		}
		v := s.doneView(r, d)
		v.Value, v.Error = r.PostForm.Get("done_on"), de.Fields["done_on"]
		v.Summary = []layout.ErrorItem{{Field: "done_on", Message: de.Fields["done_on"]}}
		s.render(w, r, http.StatusUnprocessableEntity, deadlines.Done(v))
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	d, err := s.DB.MarkDeadline(r.Context(), scope(r), id, kind, doneOn, version)
	var stale *postgres.DeadlineStaleError
	switch {
	case err == nil:
		s.Sessions.Put(r.Context(), sessFlash, markedFlash("Fristen", d.Title, doneOn))
		http.Redirect(w, r, paths.PersonDeadlines(id), http.StatusSeeOther)
	case errors.As(err, &stale):
		v := s.doneView(r, stale.Current)
		v.Conflict = markTried(doneOn)
		if doneOn != nil {
			v.Value = domain.FormatISODate(doneOn)
		}
		s.render(w, r, http.StatusConflict, deadlines.Done(v))
	default:
		s.fail(w, r, err)
	}
}

// markedFlash is the flash after a task or deadline is marked done or open.
func markedFlash(what, title string, doneOn *time.Time) string {
	if doneOn == nil {
		return what + " «" + title + "» er åpen igjen."
	}
	return what + " «" + title + "» er markert som utført."
}
