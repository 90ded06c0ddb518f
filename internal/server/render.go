package server

import (
	"errors"
	"net/http"

	"ankomst/internal/domain"
	"ankomst/internal/postgres"
	"ankomst/web/layout"
	"ankomst/web/paths"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5/middleware"
)

// render writes a templ component with the status.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, c templ.Component) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	if err := c.Render(r.Context(), w); err != nil {
		s.Log.ErrorContext(r.Context(), "render", "err", err, "request_id", middleware.GetReqID(r.Context()))
	}
}

// renderError shows an error page with a user-safe message and the request id.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, status int, title, msg string) {
	s.render(w, r, status, layout.ErrorPage(layout.ErrorView{
		User: currentUser(r), Status: status, Title: title, Message: msg,
		Ref: middleware.GetReqID(r.Context()),
	}))
}

// serverError logs err (internals go to the log only) and shows a plain page.
// A database that cannot be reached (postgres.Unavailable: stopped,
// restarting, the network cut) is not a bug: 503 with a friendly page and
// Retry-After instead of 500. Nor is a transaction rolled back for a
// concurrent one (postgres.Concurrent: a deadlock): 409, nothing stored.
func (s *Server) serverError(w http.ResponseWriter, r *http.Request, err error) {
	if postgres.Unavailable(err) {
		s.unavailable(w, r, err)
		return
	}
	if postgres.Concurrent(err) { // rolled back: nothing stored
		s.Log.WarnContext(r.Context(), "transaction rolled back by a concurrent one", "err", err.Error(), "request_id", middleware.GetReqID(r.Context()))
		s.renderError(w, r, http.StatusConflict, "Konflikt",
			"Noen andre lagret de samme opplysningene samtidig, så ingenting ble lagret. Gå tilbake, last siden på nytt og prøv igjen.")
		return
	}
	s.Log.ErrorContext(r.Context(), "internal error", "err", err.Error(), "request_id", middleware.GetReqID(r.Context()))
	s.renderError(w, r, http.StatusInternalServerError, "Noe gikk galt",
		"Det oppstod en feil hos oss. Prøv igjen om litt. Oppgi referansen under hvis du kontakter brukerstøtte.")
}

// unavailableRetryAfter is the Retry-After of a 503 for a database outage.
const unavailableRetryAfter = "10"

// unavailable answers 503 when the database cannot be reached: a friendly
// Norwegian page without internals, Retry-After, and a warning in the log
// (an outage is an operations event, not a bug). The pool reconnects by
// itself once the database is back; the user only has to try again.
func (s *Server) unavailable(w http.ResponseWriter, r *http.Request, err error) {
	s.Metrics.dbUnavailable.Inc()
	s.Log.WarnContext(r.Context(), "database unavailable", "err", err.Error(), "request_id", middleware.GetReqID(r.Context()))
	w.Header().Set("Retry-After", unavailableRetryAfter)
	s.renderError(w, r, http.StatusServiceUnavailable, "Tjenesten er midlertidig utilgjengelig",
		"Vi får ikke kontakt med databasen akkurat nå, men det er ikke noe galt med det du gjorde. "+
			"Vent et halvt minutt og prøv igjen. Sendte du et skjema, kan du sjekke om endringen er lagret før du sender det på nytt.")
}

// fail answers a store or domain error with the status its code implies.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	var de *domain.Error
	if !errors.As(err, &de) {
		s.serverError(w, r, err)
		return
	}
	switch de.Code {
	case domain.ENOTFOUND:
		s.renderError(w, r, http.StatusNotFound, "Fant ikke siden", "Det du lette etter finnes ikke, eller du har ikke tilgang til det.")
	case domain.EFORBIDDEN:
		s.Log.WarnContext(r.Context(), "access refused", "request_id", middleware.GetReqID(r.Context()), "user_id", currentUser(r).ID)
		s.renderError(w, r, http.StatusForbidden, "Ingen tilgang", de.Message)
	case domain.EINVALID:
		s.renderError(w, r, http.StatusUnprocessableEntity, "Ugyldig forespørsel", de.Message)
	case domain.ECONFLICT:
		s.renderError(w, r, http.StatusConflict, "Konflikt", de.Message)
	case domain.EUNAUTHORIZED:
		http.Redirect(w, r, paths.Login(), http.StatusSeeOther)
	default:
		s.serverError(w, r, err)
	}
}

// forbidden refuses a role without access, and logs it.
func (s *Server) forbidden(w http.ResponseWriter, r *http.Request, msg string) {
	s.fail(w, r, domain.Errorf(domain.EFORBIDDEN, "%s", msg))
}
