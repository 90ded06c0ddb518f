package server

import (
	"net/http"
	"strings"

	"ankomst/internal/domain"
	"ankomst/web/auth"

	"github.com/go-chi/chi/v5/middleware"
)

// safeNext keeps a post-login redirect on this site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/persons"
	}
	return next
}

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) {
	if currentUser(r) != nil {
		http.Redirect(w, r, "/persons", http.StatusSeeOther)
		return
	}
	v := auth.LoginView{Next: r.URL.Query().Get("next")}
	if r.URL.Query().Get("logged_out") == "1" {
		v.Notice = "Du er logget ut."
	}
	s.render(w, r, http.StatusOK, auth.Login(v))
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.render(w, r, http.StatusBadRequest, auth.Login(auth.LoginView{Error: "Ugyldig skjema."}))
		return
	}
	email := strings.TrimSpace(r.PostForm.Get("email"))
	next := r.PostForm.Get("next")
	u, err := s.DB.Authenticate(r.Context(), email, r.PostForm.Get("password"), middleware.GetReqID(r.Context()))
	if err != nil {
		if domain.ErrorCode(err) != domain.EUNAUTHORIZED {
			s.serverError(w, r, err)
			return
		}
		s.Log.WarnContext(r.Context(), "login failed", "request_id", middleware.GetReqID(r.Context()))
		s.render(w, r, http.StatusUnauthorized, auth.Login(auth.LoginView{Email: email, Error: domain.ErrorMessage(err), Next: next}))
		return
	}
	// A new token at login prevents session fixation.
	if err := s.Sessions.RenewToken(r.Context()); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.Sessions.Put(r.Context(), sessUserID, u.ID)
	s.Sessions.Put(r.Context(), sessEpoch, u.SessionEpoch)
	http.Redirect(w, r, safeNext(next), http.StatusSeeOther)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if u := currentUser(r); u != nil {
		if err := s.DB.RecordLogout(r.Context(), scope(r)); err != nil {
			s.serverError(w, r, err)
			return
		}
	}
	if err := s.Sessions.Destroy(r.Context()); err != nil {
		s.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, "/login?logged_out=1", http.StatusSeeOther)
}
