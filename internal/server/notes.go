package server

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/http"
	"strconv"
	"time"

	"ankomst/internal/domain"
	"ankomst/internal/postgres"
	"ankomst/web/layout"
	"ankomst/web/notes"
	"ankomst/web/paths"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5"
)

// Timeline page sizes: the person page shows the latest items, the full
// timeline pages through the rest.
const (
	sectionItems  = 20
	timelineItems = 50
)

// noteRoutes registers the case notes and the person timeline.
func (s *Server) noteRoutes(r chi.Router) {
	r.Get("/persons/{id}/notes/new", s.noteNew)
	r.Post("/persons/{id}/notes", s.noteCreate)
	r.Get("/persons/{id}/notes/{noteID}/edit", s.noteEdit)
	r.Post("/persons/{id}/notes/{noteID}", s.noteUpdate)
	r.Get("/persons/{id}/notes/{noteID}/correct", s.noteCorrectForm)
	r.Post("/persons/{id}/notes/{noteID}/correct", s.noteCorrect)
	r.Get("/persons/{id}/timeline", s.timelinePage)
}

// timelineSection is the latest part of the timeline on the person page.
func (s *Server) timelineSection(pg *personPage) func(*domain.Person) (templ.Component, error) {
	tl := pg.batch.Timeline(sectionItems, pg.Deadlines())
	return func(p *domain.Person) (templ.Component, error) {
		return s.renderTimelineSection(pg.r, p, tl), nil
	}
}

func (s *Server) renderTimelineSection(r *http.Request, p *domain.Person, tl *postgres.Timeline) templ.Component {
	u := currentUser(r)
	v := notes.SectionView{
		Items:   notes.Items(tl.Items, p.ID, u, s.DB.Now(), true),
		FullURL: paths.PersonTimeline(p.ID), HasMore: tl.Next != nil, NotesHidden: tl.NotesHidden,
	}
	if u.Role.Can(domain.CapWriteNotes) {
		v.NewNoteURL = paths.NoteNew(p.ID)
	}
	return notes.Section(v)
}

// noteToday is the current date in Norway: a note may be dated today there.
func noteToday(now time.Time) time.Time {
	return domain.Today(now)
}

// newToken is a form's one-time key: a double submit of a note or a task
// creates one.
func newToken() string {
	b := make([]byte, 16)
	rand.Read(b) //nolint:errcheck // crypto/rand.Read never fails
	return hex.EncodeToString(b)
}

// noteFormFrom reads the note form from a parsed POST.
func noteFormFrom(r *http.Request) domain.NoteForm {
	f := r.PostForm
	return domain.NoteForm{
		Kind: f.Get("kind"), NoteDate: f.Get("note_date"), Body: f.Get("body"),
		InterpreterUsed: f.Get("interpreter_used"), InterpreterMode: f.Get("interpreter_mode"),
		InterpreterCategory: f.Get("interpreter_category"), InterpreterLanguage: f.Get("interpreter_language"),
		InterpreterIsChild:   f.Get("interpreter_is_child") != "",
		InterpreterEmergency: f.Get("interpreter_emergency") != "",
		NoInterpreterReason:  f.Get("no_interpreter_reason"),
		Version:              f.Get("version"), Token: f.Get("token"),
	}
}

// noteFieldOrder is the form's field order, for the error summary.
var noteFieldOrder = []string{"kind", "note_date", "body", "interpreter_used", "interpreter_mode",
	"interpreter_language", "interpreter_category", "interpreter_emergency", "no_interpreter_reason", "version"}

// renderNoteForm shows the note form with the user's input and any errors.
func (s *Server) renderNoteForm(w http.ResponseWriter, r *http.Request, status int, v notes.FormView, err error) {
	v.User = currentUser(r)
	if v.CancelURL == "" {
		v.CancelURL = paths.Person(v.Subject.PersonID)
	}
	var de *domain.Error
	if errors.As(err, &de) && len(de.Fields) > 0 {
		v.Errors = de.Fields
		for _, f := range noteFieldOrder {
			if msg, ok := de.Fields[f]; ok {
				v.Summary = append(v.Summary, layout.ErrorItem{Field: f, Message: msg})
			}
		}
	}
	s.render(w, r, status, notes.Form(v))
}

// notePath reads the person and note ids of the URL.
func notePath(r *http.Request) (personID, noteID int64, ok bool) {
	personID, ok1 := pathID(r, "id")
	noteID, ok2 := pathID(r, "noteID")
	return personID, noteID, ok1 && ok2
}

func newNoteView(sub domain.NoteSubject) notes.FormView {
	return notes.FormView{
		Title: "Nytt notat", Intro: "Om " + sub.Name() + ".", Subject: sub,
		Action: paths.Notes(sub.PersonID), Submit: "Lagre notatet",
	}
}

// openNoteSubject opens a handler writing a new note: the person's id (404),
// the capability (403) and the person in scope (404).
func (s *Server) openNoteSubject(w http.ResponseWriter, r *http.Request) (domain.NoteSubject, bool) {
	id, ok := s.begin(w, r, domain.CapWriteNotes, "id", "Fant ikke personen.")
	if !ok {
		return domain.NoteSubject{}, false
	}
	sub, err := s.DB.NoteSubject(r.Context(), scope(r), id)
	if err != nil {
		s.fail(w, r, err)
		return domain.NoteSubject{}, false
	}
	return sub, true
}

func (s *Server) noteNew(w http.ResponseWriter, r *http.Request) {
	sub, ok := s.openNoteSubject(w, r)
	if !ok {
		return
	}
	v := newNoteView(sub)
	today := noteToday(s.DB.Now())
	v.Form = domain.NoteForm{NoteDate: domain.FormatISODate(&today), Token: newToken(),
		InterpreterLanguage: sub.InterpreterLanguage}
	s.renderNoteForm(w, r, http.StatusOK, v, nil)
}

func (s *Server) noteCreate(w http.ResponseWriter, r *http.Request) {
	sub, ok := s.openNoteSubject(w, r)
	if !ok {
		return
	}
	v := newNoteView(sub)
	v.Form = noteFormFrom(r)
	v.Form.Version = ""
	in, err := v.Form.Validate(noteToday(s.DB.Now()), sub.InterpreterNeeded)
	if err != nil {
		s.renderNoteForm(w, r, http.StatusUnprocessableEntity, v, err)
		return
	}
	noteID, err := s.DB.CreateNote(r.Context(), scope(r), sub.PersonID, in)
	if err != nil {
		if domain.ErrorCode(err) == domain.EINVALID {
			v.Form.Token = newToken()
			v.Flash = domain.ErrorMessage(err)
			s.renderNoteForm(w, r, http.StatusUnprocessableEntity, v, err)
			return
		}
		s.fail(w, r, err)
		return
	}
	s.Sessions.Put(r.Context(), sessFlash, "Notatet er lagret.")
	http.Redirect(w, r, paths.PersonTimeline(sub.PersonID)+paths.NoteAnchor(noteID), http.StatusSeeOther)
}

func editNoteView(sub domain.NoteSubject, n *domain.Note) notes.FormView {
	return notes.FormView{
		Title: "Endre notat", Subject: sub,
		Intro:  "Notatet fra " + domain.FormatDate(&n.NoteDate) + " om " + sub.Name() + ". Du kan endre det i 24 timer etter at det ble skrevet.",
		Action: paths.Note(sub.PersonID, n.ID), Submit: "Lagre endringene",
		CancelURL: paths.PersonTimeline(sub.PersonID),
	}
}

func correctNoteView(sub domain.NoteSubject, n *domain.Note, u *domain.User, now time.Time) notes.FormView {
	return notes.FormView{
		Title: "Korriger notat", Subject: sub,
		Intro:  "Korrigeringen blir et nytt notat som viser til notatet fra " + domain.FormatDate(&n.NoteDate) + ". Det opprinnelige notatet blir stående uendret og merkes «Korrigert».",
		Action: paths.NoteCorrect(sub.PersonID, n.ID), Submit: "Lagre korrigeringen",
		Original: notes.NoteItem(n, u, now), CancelURL: paths.PersonTimeline(sub.PersonID),
	}
}

// openNote opens a handler on one note for writing: the ids from the path
// (404), the capability (403) and the note in scope (404).
func (s *Server) openNote(w http.ResponseWriter, r *http.Request) (pid, nid int64, n *domain.Note, sub domain.NoteSubject, ok bool) {
	if pid, nid, ok = notePath(r); !ok {
		s.fail(w, r, domain.Errorf(domain.ENOTFOUND, "Fant ikke notatet."))
		return
	}
	if !s.allow(w, r, domain.CapWriteNotes) {
		return pid, nid, nil, sub, false
	}
	n, sub, err := s.DB.GetNote(r.Context(), scope(r), pid, nid)
	if err != nil {
		s.fail(w, r, err)
		return pid, nid, nil, sub, false
	}
	return pid, nid, n, sub, true
}

func (s *Server) noteEdit(w http.ResponseWriter, r *http.Request) {
	pid, nid, n, sub, ok := s.openNote(w, r)
	if !ok {
		return
	}
	u := currentUser(r)
	switch {
	case n.AuthorID != u.ID:
		s.forbidden(w, r, "Bare den som skrev notatet, kan endre det. Skriv en korrigering i stedet.")
		return
	case n.Corrected():
		s.Sessions.Put(r.Context(), sessFlash, "Notatet er korrigert og kan ikke endres.")
		http.Redirect(w, r, paths.NoteOnTimeline(pid, nid, n.NoteDate), http.StatusSeeOther)
		return
	case !domain.NoteEditable(n.CreatedAt, s.DB.Now()):
		s.Sessions.Put(r.Context(), sessFlash, "Notatet er eldre enn 24 timer og kan ikke endres. Skriv en korrigering i stedet.")
		http.Redirect(w, r, paths.NoteCorrect(pid, nid), http.StatusSeeOther)
		return
	}
	v := editNoteView(sub, n)
	v.Form = domain.FormFromNote(n)
	s.renderNoteForm(w, r, http.StatusOK, v, nil)
}

func (s *Server) noteUpdate(w http.ResponseWriter, r *http.Request) {
	pid, nid, n, sub, ok := s.openNote(w, r)
	if !ok {
		return
	}
	u := currentUser(r)
	if n.AuthorID != u.ID { // before the form: someone else's note is 403 whatever it says (as GET …/edit)
		s.forbidden(w, r, "Bare den som skrev notatet, kan endre det. Skriv en korrigering i stedet.")
		return
	}
	v := editNoteView(sub, n)
	v.Form = noteFormFrom(r)
	v.Form.Token = ""
	in, err := v.Form.Validate(noteToday(s.DB.Now()), sub.InterpreterNeeded)
	if err == nil && in.Version == 0 {
		err = &domain.Error{Code: domain.EINVALID, Message: "Mangler versjon.", Fields: map[string]string{"version": "Skjemaet mangler versjon. Last siden på nytt."}}
	}
	if err != nil {
		s.renderNoteForm(w, r, http.StatusUnprocessableEntity, v, err)
		return
	}
	_, err = s.DB.UpdateNote(r.Context(), scope(r), pid, nid, in)
	var stale *postgres.NoteStaleError
	var locked *postgres.NoteLockedError
	var corrected *postgres.NoteCorrectedError
	switch {
	case err == nil:
		s.Sessions.Put(r.Context(), sessFlash, "Endringene er lagret.")
		http.Redirect(w, r, paths.PersonTimeline(pid)+paths.NoteAnchor(nid), http.StatusSeeOther)
	case errors.As(err, &stale):
		// Keep what the user typed, now based on the stored version.
		v.Form.Version = strconv.Itoa(stale.Current.Version)
		v.Conflict = notes.NoteItem(stale.Current, u, s.DB.Now())
		s.renderNoteForm(w, r, http.StatusConflict, v, nil)
	case errors.As(err, &locked):
		// The 24 hours ran out while the user wrote: offer the text as a correction.
		cv := correctNoteView(sub, locked.Note, u, s.DB.Now())
		cv.Form, cv.Locked = v.Form, true
		cv.Form.Version, cv.Form.Token = "", newToken()
		s.renderNoteForm(w, r, http.StatusConflict, cv, nil)
	case errors.As(err, &corrected):
		s.Sessions.Put(r.Context(), sessFlash, "Notatet er korrigert og kan ikke endres. Endringen er ikke lagret.")
		http.Redirect(w, r, paths.NoteOnTimeline(pid, nid, n.NoteDate), http.StatusSeeOther)
	case domain.ErrorCode(err) == domain.EINVALID:
		s.renderNoteForm(w, r, http.StatusUnprocessableEntity, v, err)
	default:
		s.fail(w, r, err)
	}
}

func (s *Server) noteCorrectForm(w http.ResponseWriter, r *http.Request) {
	pid, _, n, sub, ok := s.openNote(w, r)
	if !ok {
		return
	}
	u := currentUser(r)
	if n.CorrectedByID != nil {
		// Correct the latest correction instead: corrections form a chain.
		s.Sessions.Put(r.Context(), sessFlash, "Notatet er allerede korrigert. Du korrigerer nå korrigeringen.")
		http.Redirect(w, r, paths.NoteCorrect(pid, *n.CorrectedByID), http.StatusSeeOther)
		return
	}
	v := correctNoteView(sub, n, u, s.DB.Now())
	v.Flash = s.Sessions.PopString(r.Context(), sessFlash)
	v.Form = domain.FormFromNote(n)
	v.Form.Version, v.Form.Token = "", newToken()
	s.renderNoteForm(w, r, http.StatusOK, v, nil)
}

func (s *Server) noteCorrect(w http.ResponseWriter, r *http.Request) {
	pid, nid, n, sub, ok := s.openNote(w, r)
	if !ok {
		return
	}
	u := currentUser(r)
	v := correctNoteView(sub, n, u, s.DB.Now())
	v.Form = noteFormFrom(r)
	v.Form.Version = ""
	in, err := v.Form.Validate(noteToday(s.DB.Now()), sub.InterpreterNeeded)
	if err != nil {
		s.renderNoteForm(w, r, http.StatusUnprocessableEntity, v, err)
		return
	}
	cid, err := s.DB.CorrectNote(r.Context(), scope(r), pid, nid, in)
	var corrected *postgres.NoteCorrectedError
	switch {
	case err == nil:
		s.Sessions.Put(r.Context(), sessFlash, "Korrigeringen er lagret.")
		http.Redirect(w, r, paths.NoteOnTimeline(pid, cid, in.NoteDate), http.StatusSeeOther)
	case errors.As(err, &corrected):
		v.CorrectionURL = paths.NoteCorrect(pid, corrected.CorrectionID)
		v.Form.Token = newToken()
		s.renderNoteForm(w, r, http.StatusConflict, v, nil)
	case domain.ErrorCode(err) == domain.EINVALID:
		v.Form.Token = newToken()
		s.renderNoteForm(w, r, http.StatusUnprocessableEntity, v, err)
	default:
		s.fail(w, r, err)
	}
}

func (s *Server) timelinePage(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		s.fail(w, r, domain.Errorf(domain.ENOTFOUND, "Fant ikke personen."))
		return
	}
	q := postgres.TimelineQuery{Limit: timelineItems, AuditView: true}
	if c := r.URL.Query().Get("before"); c != "" {
		k, ok := domain.ParseTimelineKey(c)
		if !ok {
			s.fail(w, r, domain.Errorf(domain.EINVALID, "Ugyldig side i tidslinjen."))
			return
		}
		q.Before = &k
	}
	tl, err := s.DB.PersonTimeline(r.Context(), scope(r), id, q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	u := currentUser(r)
	v := notes.TimelineView{
		User: u, Subject: tl.Subject, PersonURL: paths.Person(id),
		Items:       notes.Items(tl.Items, id, u, s.DB.Now(), false),
		NotesHidden: tl.NotesHidden, Flash: s.Sessions.PopString(r.Context(), sessFlash),
	}
	if u.Role.Can(domain.CapWriteNotes) {
		v.NewNoteURL = paths.NoteNew(id)
	}
	if tl.Next != nil {
		v.OlderURL = paths.PersonTimelineBefore(id, *tl.Next)
	}
	if q.Before != nil {
		v.NewestURL = paths.PersonTimeline(id)
	}
	s.render(w, r, http.StatusOK, notes.Timeline(v))
}
