package server

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"ankomst/internal/domain"
	"ankomst/internal/totp"
	"ankomst/web/account"
	"ankomst/web/auth"
	"ankomst/web/paths"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
)

// Session keys of the login's code step and of an enrolment.
const (
	sessPendingUser  = "pending_user_id" // password right, code not yet
	sessPendingEpoch = "pending_epoch"
	sessPendingAt    = "pending_at" // unix seconds
	sessPendingNext  = "pending_next"
	sessEnrolSecret  = "totp_enrol_secret" // the secret being enrolled (not yet confirmed)
)

// pendingTimeout is how long the code step waits after the password.
const pendingTimeout = 5 * time.Minute

// twoFactorRoutes registers the user's two-factor page and the
// administrators' per-unit setting.
func (s *Server) twoFactorRoutes(r chi.Router) {
	r.Get(paths.Account2FA(), s.twoFactorPage)
	r.Post(paths.Account2FA(), s.enableTwoFactor)
	r.Post(paths.Account2FADisable(), s.disableTwoFactor)
	r.Get(paths.AdminTwoFactor(), s.unitsTwoFactorPage)
	r.Post(paths.AdminTwoFactor()+"/{unitID}", s.setUnitTwoFactor)
}

// passwordSession reports whether the session logged in with a local password.
func (s *Server) passwordSession(r *http.Request) bool {
	return s.Sessions.GetString(r.Context(), sessAuth) != "oidc"
}

// require2FA sends a user who must use two-factor (domain.User.Needs2FA)
// and has not enrolled to the enrolment page: nothing else is open to them
// until they have. Single sign-on sessions are exempt.
func (s *Server) require2FA(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u := currentUser(r)
		if u.TOTPEnabled || !u.Needs2FA() || !s.passwordSession(r) ||
			r.URL.Path == paths.Account2FA() || strings.HasPrefix(r.URL.Path, paths.Account2FA()+"/") {
			next.ServeHTTP(w, r)
			return
		}
		if isHTMX(r) {
			w.Header().Set("HX-Redirect", paths.Account2FA())
			w.WriteHeader(http.StatusForbidden)
			return
		}
		http.Redirect(w, r, paths.Account2FA(), http.StatusSeeOther)
	})
}

// startSession makes the session the user's (a new token: every change of
// privilege renews it).
func (s *Server) startSession(r *http.Request, u *domain.User, method string) error {
	ctx := r.Context()
	if err := s.Sessions.RenewToken(ctx); err != nil {
		return err
	}
	for _, k := range []string{sessPendingUser, sessPendingEpoch, sessPendingAt, sessPendingNext} {
		s.Sessions.Remove(ctx, k)
	}
	s.Sessions.Put(ctx, sessUserID, u.ID)
	s.Sessions.Put(ctx, sessEpoch, u.SessionEpoch)
	s.Sessions.Put(ctx, sessAuth, method)
	return nil
}

// startCodeStep keeps a user whose password was right half-logged-in: the
// session knows who, but loadUser sees no user until the code is right.
func (s *Server) startCodeStep(r *http.Request, u *domain.User, next string) error {
	ctx := r.Context()
	if err := s.Sessions.RenewToken(ctx); err != nil {
		return err
	}
	s.Sessions.Put(ctx, sessPendingUser, u.ID)
	s.Sessions.Put(ctx, sessPendingEpoch, u.SessionEpoch)
	s.Sessions.Put(ctx, sessPendingAt, s.DB.Now().Unix())
	s.Sessions.Put(ctx, sessPendingNext, next)
	return nil
}

// pendingUser is the user waiting for the code step, or 0 (none, or waited too long).
func (s *Server) pendingUser(r *http.Request) int64 {
	id := s.Sessions.GetInt64(r.Context(), sessPendingUser)
	at := time.Unix(s.Sessions.GetInt64(r.Context(), sessPendingAt), 0)
	if id == 0 || s.DB.Now().Sub(at) > pendingTimeout {
		return 0
	}
	return id
}

// loginCodeForm is GET /login/code.
func (s *Server) loginCodeForm(w http.ResponseWriter, r *http.Request) {
	if currentUser(r) != nil {
		http.Redirect(w, r, paths.Persons(), http.StatusSeeOther)
		return
	}
	if s.pendingUser(r) == 0 {
		http.Redirect(w, r, paths.Login(), http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, account.Code(account.CodeView{}))
}

// loginCode is POST /login/code: the code step.
func (s *Server) loginCode(w http.ResponseWriter, r *http.Request) {
	id := s.pendingUser(r)
	if id == 0 {
		s.render(w, r, http.StatusUnauthorized, auth.Login(auth.LoginView{Error: "Innloggingen tok for lang tid. Logg inn på nytt.", OIDC: s.oidcEnabled()}))
		return
	}
	key, ok := s.limitAttempt(w, r)
	if !ok {
		return
	}
	u, err := s.DB.VerifySecondFactor(r.Context(), id, r.PostForm.Get("code"), middleware.GetReqID(r.Context()))
	if err != nil {
		if domain.ErrorCode(err) != domain.EUNAUTHORIZED {
			s.serverError(w, r, err)
			return
		}
		s.Log.WarnContext(r.Context(), "login code failed", "request_id", middleware.GetReqID(r.Context()))
		s.render(w, r, http.StatusUnauthorized, account.Code(account.CodeView{Error: domain.ErrorMessage(err)}))
		return
	}
	s.limiter.release(key)
	if u.SessionEpoch != s.Sessions.GetInt(r.Context(), sessPendingEpoch) { // sessions ended meanwhile
		s.Sessions.Destroy(r.Context()) //nolint:errcheck
		s.render(w, r, http.StatusUnauthorized, auth.Login(auth.LoginView{Error: "Innloggingen ble avbrutt. Logg inn på nytt.", OIDC: s.oidcEnabled()}))
		return
	}
	next := s.Sessions.GetString(r.Context(), sessPendingNext)
	if err := s.startSession(r, u, "password"); err != nil {
		s.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, safeNext(next), http.StatusSeeOther)
}

// twoFactorPage is GET /account/2fa: enrolment, or the status once enrolled.
func (s *Server) twoFactorPage(w http.ResponseWriter, r *http.Request) {
	u := currentUser(r)
	if u.TOTPEnabled {
		left, err := s.DB.RecoveryCodesLeft(r.Context(), u.ID)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		s.render(w, r, http.StatusOK, account.Status(account.StatusView{User: u, Left: left, Required: u.Needs2FA(),
			Flash: s.Sessions.PopString(r.Context(), sessFlash)}))
		return
	}
	s.renderEnrol(w, r, http.StatusOK, "")
}

// renderEnrol shows the enrolment with the session's secret, made on first view.
func (s *Server) renderEnrol(w http.ResponseWriter, r *http.Request, status int, msg string) {
	u := currentUser(r)
	secret := s.Sessions.GetString(r.Context(), sessEnrolSecret)
	var key *totp.Key
	var err error
	if secret == "" {
		key, err = totp.Generate(u.Email)
		if err == nil {
			s.Sessions.Put(r.Context(), sessEnrolSecret, key.Secret)
		}
	} else {
		key, err = totp.FromSecret(u.Email, secret)
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	qr, err := key.QRDataURI()
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, status, account.Enrol(account.EnrolView{User: u, QR: qr, Secret: totp.GroupedSecret(key.Secret),
		Error: msg, Required: u.Needs2FA() && s.passwordSession(r)}))
}

// enableTwoFactor is POST /account/2fa: the code confirms the enrolment; the
// recovery codes are shown once.
func (s *Server) enableTwoFactor(w http.ResponseWriter, r *http.Request) {
	u := currentUser(r)
	secret := s.Sessions.GetString(r.Context(), sessEnrolSecret)
	if u.TOTPEnabled || secret == "" {
		http.Redirect(w, r, paths.Account2FA(), http.StatusSeeOther)
		return
	}
	codes, err := s.DB.EnableTOTP(r.Context(), scope(r), secret, r.PostForm.Get("code"))
	if err != nil {
		var de *domain.Error
		if errors.As(err, &de) && de.Code == domain.EINVALID {
			s.renderEnrol(w, r, http.StatusUnprocessableEntity, de.Message)
			return
		}
		s.fail(w, r, err)
		return
	}
	s.Sessions.Remove(r.Context(), sessEnrolSecret)
	if err := s.Sessions.RenewToken(r.Context()); err != nil { // a change of privilege
		s.serverError(w, r, err)
		return
	}
	u.TOTPEnabled = true
	s.render(w, r, http.StatusOK, account.Recovery(account.RecoveryView{User: u, Codes: codes}))
}

// disableTwoFactor is POST /account/2fa/disable (password and code).
func (s *Server) disableTwoFactor(w http.ResponseWriter, r *http.Request) {
	u := currentUser(r)
	if !u.TOTPEnabled {
		http.Redirect(w, r, paths.Account2FA(), http.StatusSeeOther)
		return
	}
	key, ok := s.limitAttempt(w, r)
	if !ok {
		return
	}
	err := s.DB.DisableTOTP(r.Context(), scope(r), r.PostForm.Get("password"), r.PostForm.Get("code"))
	if err != nil {
		if domain.ErrorCode(err) != domain.EUNAUTHORIZED {
			s.fail(w, r, err)
			return
		}
		left, lerr := s.DB.RecoveryCodesLeft(r.Context(), u.ID)
		if lerr != nil {
			s.serverError(w, r, lerr)
			return
		}
		s.render(w, r, http.StatusUnprocessableEntity, account.Status(account.StatusView{User: u, Left: left, Required: u.Needs2FA(), Error: domain.ErrorMessage(err)}))
		return
	}
	s.limiter.release(key)
	if err := s.Sessions.RenewToken(r.Context()); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.Sessions.Put(r.Context(), sessFlash, "Tofaktorinnlogging er slått av.")
	http.Redirect(w, r, paths.Account2FA(), http.StatusSeeOther)
}

// unitsTwoFactorPage is GET /admin/2fa.
func (s *Server) unitsTwoFactorPage(w http.ResponseWriter, r *http.Request) {
	if !s.allow(w, r, domain.CapAdminister) {
		return
	}
	units, err := s.DB.UnitsTwoFactor(r.Context(), scope(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := account.UnitsView{User: currentUser(r), Flash: s.Sessions.PopString(r.Context(), sessFlash)}
	for _, u := range units {
		v.Units = append(v.Units, account.UnitRow{ID: "enhet-" + strconv.FormatInt(u.ID, 10), Name: u.Name, Required: u.Require2FA, Action: paths.AdminUnitTwoFactor(u.ID)})
	}
	s.render(w, r, http.StatusOK, account.Units(v))
}

// setUnitTwoFactor is POST /admin/2fa/{unitID} (require=1 or 0).
func (s *Server) setUnitTwoFactor(w http.ResponseWriter, r *http.Request) {
	if !s.allow(w, r, domain.CapAdminister) {
		return
	}
	id, ok := pathID(r, "unitID")
	if !ok {
		s.notFound(w, r)
		return
	}
	var require bool
	switch r.PostForm.Get("require") {
	case "1":
		require = true
	case "0":
	default:
		s.renderError(w, r, http.StatusUnprocessableEntity, "Ugyldig valg", "Velg om enheten skal kreve tofaktorinnlogging.")
		return
	}
	if err := s.DB.SetUnitRequire2FA(r.Context(), scope(r), id, require); err != nil {
		s.fail(w, r, err)
		return
	}
	msg := "Enheten krever ikke lenger tofaktorinnlogging."
	if require {
		msg = "Enheten krever nå tofaktorinnlogging. Brukere uten blir bedt om å slå det på neste gang de åpner en side."
	}
	s.Sessions.Put(r.Context(), sessFlash, msg)
	http.Redirect(w, r, paths.AdminTwoFactor()+"#enhet-"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}
