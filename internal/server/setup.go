package server

import (
	"context"
	"errors"
	"net/http"

	"ankomst/internal/domain"
	"ankomst/internal/password"
	"ankomst/internal/postgres"
	"ankomst/web/layout"
	"ankomst/web/paths"
	"ankomst/web/users"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
)

// The public pages of user administration: a one-time set-password link
// and the first administrator's setup link. The token in the path is the
// credential: the request log names the route pattern only, and pages are
// no-store with no referrer.

// publicUserRoutes registers the link pages (in the session group, outside
// the login).
func (s *Server) publicUserRoutes(r chi.Router) {
	r.Get("/set-password/{token}", s.setPasswordForm)
	r.Post("/set-password/{token}", s.setPassword)
	r.Get("/setup/{token}", s.setupForm)
	r.Post("/setup/{token}", s.setup)
}

// linkToken is the path's token when it has the shape of one (43
// characters of base64url), else "".
func linkToken(r *http.Request) string {
	t := chi.URLParam(r, "token")
	if len(t) != 43 {
		return ""
	}
	for i := 0; i < len(t); i++ {
		c := t[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return ""
		}
	}
	return t
}

func (s *Server) linkGone(w http.ResponseWriter, r *http.Request, state postgres.LinkState) {
	v := users.LinkGoneView{Title: "Lenken virker ikke",
		Message: "Lenken er ikke gyldig. Sjekk at du har kopiert hele lenken, eller be systemansvarlig om en ny."}
	status := http.StatusNotFound
	switch state {
	case postgres.LinkUsed:
		v = users.LinkGoneView{Title: "Lenken er allerede brukt",
			Message: "Lenken for å sette passord kan bare brukes én gang. Har du glemt passordet, be systemansvarlig om en ny lenke."}
		status = http.StatusGone
	case postgres.LinkExpired:
		v = users.LinkGoneView{Title: "Lenken er utløpt",
			Message: "Lenken for å sette passord virker i 24 timer. Be systemansvarlig om en ny lenke."}
		status = http.StatusGone
	}
	s.render(w, r, status, users.LinkGone(v))
}

func (s *Server) setPasswordForm(w http.ResponseWriter, r *http.Request) {
	tok := linkToken(r)
	state, u, err := postgres.LinkUnknown, (*domain.User)(nil), error(nil)
	if tok != "" {
		state, u, err = s.DB.PasswordLinkUser(r.Context(), tok)
		if err != nil {
			s.fail(w, r, err)
			return
		}
	}
	if state != postgres.LinkValid {
		s.linkGone(w, r, state)
		return
	}
	s.render(w, r, http.StatusOK, users.SetPassword(users.LinkView{Name: u.Name, Email: u.Email, Action: paths.SetPassword(tok)}))
}

var passwordFieldOrder = []string{"password", "confirm"}

func (s *Server) setPassword(w http.ResponseWriter, r *http.Request) {
	tok := linkToken(r)
	state, u, err := postgres.LinkUnknown, (*domain.User)(nil), error(nil)
	if tok != "" {
		state, u, err = s.DB.PasswordLinkUser(r.Context(), tok)
		if err != nil {
			s.fail(w, r, err)
			return
		}
	}
	if state != postgres.LinkValid {
		s.linkGone(w, r, state)
		return
	}
	pw := r.PostForm.Get("password")
	if errs := domain.PasswordErrors(pw, r.PostForm.Get("confirm"), password.Validate); len(errs) > 0 {
		s.render(w, r, http.StatusUnprocessableEntity, users.SetPassword(users.LinkView{Name: u.Name, Email: u.Email,
			Action: paths.SetPassword(tok), Errors: errs, Summary: summaryOf(errs, passwordFieldOrder)}))
		return
	}
	err = s.DB.SetPasswordWithLink(r.Context(), tok, pw, middleware.GetReqID(r.Context()))
	var le *postgres.LinkError
	switch {
	case errors.As(err, &le):
		s.linkGone(w, r, le.State)
		return
	case err != nil:
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, users.Done(users.DoneView{Title: "Passordet er lagret",
		Message: "Du kan nå logge inn med e-postadressen " + u.Email + " og det nye passordet.", Email: u.Email}))
}

func summaryOf(errs map[string]string, order []string) []layout.ErrorItem {
	var items []layout.ErrorItem
	for _, f := range order {
		if msg, ok := errs[f]; ok {
			items = append(items, layout.ErrorItem{Field: f, Message: msg})
		}
	}
	return items
}

// setupValid answers 404 (and returns false) unless the setup token may be
// used: once any active admin exists the setup pages do not exist.
func (s *Server) setupValid(w http.ResponseWriter, r *http.Request) (string, bool) {
	tok := linkToken(r)
	ok := false
	if tok != "" {
		var err error
		if ok, err = s.DB.SetupTokenValid(r.Context(), tok); err != nil {
			s.fail(w, r, err)
			return "", false
		}
	}
	if !ok {
		s.notFound(w, r)
	}
	return tok, ok
}

func (s *Server) setupForm(w http.ResponseWriter, r *http.Request) {
	tok, ok := s.setupValid(w, r)
	if !ok {
		return
	}
	s.render(w, r, http.StatusOK, users.Setup(users.SetupView{Action: paths.Setup(tok), Unit: "Flyktningtjenesten"}))
}

var setupFieldOrder = []string{"email", "name", "unit", "password", "confirm"}

func (s *Server) setup(w http.ResponseWriter, r *http.Request) {
	tok, ok := s.setupValid(w, r)
	if !ok {
		return
	}
	f := r.PostForm
	form := domain.SetupForm{Email: f.Get("email"), Name: f.Get("name"), Unit: f.Get("unit"), Password: f.Get("password"), Confirm: f.Get("confirm")}
	in, err := form.Validate(password.Validate)
	if err == nil {
		_, err = s.DB.SetupAdmin(r.Context(), tok, in, middleware.GetReqID(r.Context()))
	}
	if err == nil {
		s.render(w, r, http.StatusOK, users.Done(users.DoneView{Title: "Systemansvarlig er opprettet",
			Message: "Logg inn med " + in.Email + " og passordet du valgte. Deretter oppretter du de andre brukerne under «Brukere».", Email: in.Email}))
		return
	}
	if domain.ErrorCode(err) != domain.EINVALID {
		s.fail(w, r, err)
		return
	}
	errs := fieldErrors(err)
	s.render(w, r, http.StatusUnprocessableEntity, users.Setup(users.SetupView{Action: paths.Setup(tok), Email: form.Email, Name: form.Name,
		Unit: form.Unit, Errors: errs, Summary: summaryOf(errs, setupFieldOrder)}))
}

// FirstStart logs a one-time setup link for the first administrator when
// the database has no users at all (so `docker compose up` alone ends in a
// usable system). baseURL is where the server is reached, e.g.
// http://localhost:8080. It returns the link ("" when users exist).
func (s *Server) FirstStart(ctx context.Context, baseURL string) (string, error) {
	tok, ok, err := s.DB.CreateSetupToken(ctx)
	if err != nil || !ok {
		return "", err
	}
	link := baseURL + paths.Setup(tok)
	s.Log.WarnContext(ctx, "no users yet: open the setup link to create the first administrator (valid 24 hours, one use)",
		"setup_url", link)
	return link, nil
}
