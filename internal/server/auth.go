package server

import (
	"net/http"
	"net/url"
	"strings"

	"ankomst/internal/domain"
	"ankomst/web/auth"
	"ankomst/web/paths"

	"github.com/go-chi/chi/v5/middleware"
)

// safeNext keeps a post-login redirect on this site: only a local path
// passes, anything else becomes /persons. Browsers clean a Location before
// resolving it (they drop tab, CR and LF anywhere and leading or trailing
// spaces and control characters, and read a backslash as "/"), so "/\t/evil.example"
// reaches them as "//evil.example", another host. A local path here is one
// "/" followed by printable ASCII without spaces or backslashes, which no such
// cleaning changes, and it stays one after one round of percent-decoding too
// (for a proxy or server that decodes once more): "/%2F/host" is refused.
func safeNext(next string) string {
	fallback := paths.Persons()
	decoded, err := url.PathUnescape(next)
	if err != nil || !localPath(next, false) || !localPath(decoded, true) {
		return fallback
	}
	if u, err := url.Parse(next); err != nil || u.Scheme != "" || u.Host != "" || u.Opaque != "" || u.User != nil {
		return fallback
	}
	return next
}

// localPath reports whether p is "/" and then printable ASCII without
// space, backslash or a second leading "/". With nonASCII, bytes from 0x80
// (percent-decoded UTF-8) are allowed too.
func localPath(p string, nonASCII bool) bool {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") {
		return false
	}
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c <= ' ' || c == 0x7f || c == '\\' || (c >= 0x80 && !nonASCII) {
			return false
		}
	}
	return true
}

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) {
	if currentUser(r) != nil {
		http.Redirect(w, r, paths.Persons(), http.StatusSeeOther)
		return
	}
	v := auth.LoginView{Next: r.URL.Query().Get("next"), OIDC: s.oidcEnabled()}
	if r.URL.Query().Get("logged_out") == "1" {
		v.Notice = "Du er logget ut."
	}
	s.render(w, r, http.StatusOK, auth.Login(v))
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.render(w, r, http.StatusBadRequest, auth.Login(auth.LoginView{Error: "Ugyldig skjema.", OIDC: s.oidcEnabled()}))
		return
	}
	email := strings.TrimSpace(r.PostForm.Get("email"))
	next := r.PostForm.Get("next")
	key, ok := s.limitAttempt(w, r)
	if !ok {
		return
	}
	u, err := s.DB.Authenticate(r.Context(), email, r.PostForm.Get("password"), middleware.GetReqID(r.Context()))
	if err != nil {
		if domain.ErrorCode(err) != domain.EUNAUTHORIZED {
			s.serverError(w, r, err)
			return
		}
		s.Log.WarnContext(r.Context(), "login failed", "request_id", middleware.GetReqID(r.Context()))
		s.render(w, r, http.StatusUnauthorized, auth.Login(auth.LoginView{Email: email, Error: domain.ErrorMessage(err), Next: next, OIDC: s.oidcEnabled()}))
		return
	}
	s.limiter.release(key)
	if u.TOTPEnabled { // the code step follows (twofactor.go)
		if err := s.startCodeStep(r, u, next); err != nil {
			s.serverError(w, r, err)
			return
		}
		http.Redirect(w, r, paths.LoginCode(), http.StatusSeeOther)
		return
	}
	// A new token at login prevents session fixation.
	if err := s.startSession(r, u, "password"); err != nil {
		s.serverError(w, r, err)
		return
	}
	if u.Needs2FA() { // must enrol before anything else (require2FA)
		http.Redirect(w, r, paths.Account2FA(), http.StatusSeeOther)
		return
	}
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
	http.Redirect(w, r, paths.WithQuery(paths.Login(), url.Values{"logged_out": {"1"}}), http.StatusSeeOther)
}
