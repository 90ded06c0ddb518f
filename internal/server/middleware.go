package server

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"runtime/debug"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"ankomst/internal/domain"
	"ankomst/internal/postgres"
	"ankomst/web/paths"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
)

type ctxKey int

const (
	userKey ctxKey = iota
	logInfoKey
)

// logInfo lets inner middleware tell the request log who the user was.
type logInfo struct{ userID int64 }

// requestID gives every request a fresh random id, made here and never taken
// from the client: it goes into audit rows (scope) and the log. It is stored
// under chi's key, so middleware.GetReqID reads it. A client's X-Request-Id is
// only logged, cleaned, as client_request_id (see logRequests).
func requestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := context.WithValue(r.Context(), middleware.RequestIDKey, rand.Text())
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// maxClientRequestID is the longest client X-Request-Id that is logged.
const maxClientRequestID = 64

// clientRequestID is the client's X-Request-Id for the log: printable ASCII
// only (other bytes are dropped), at most maxClientRequestID characters.
func clientRequestID(h string) string {
	var b strings.Builder
	for i := 0; i < len(h) && b.Len() < maxClientRequestID; i++ {
		if c := h[i]; c >= 0x20 && c <= 0x7e {
			b.WriteByte(c)
		}
	}
	return b.String()
}

// logRequests writes one JSON line per request: method, route pattern (never
// the raw path or query, which may hold personal data), status, duration,
// request id and user id.
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		info := &logInfo{}
		ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
		ctx, queries := postgres.WithQueryCount(context.WithValue(r.Context(), logInfoKey, info))
		next.ServeHTTP(ww, r.WithContext(ctx))
		route := chi.RouteContext(r.Context()).RoutePattern()
		if route == "" {
			route = "unmatched"
		}
		status := ww.Status()
		if status == 0 {
			status = http.StatusOK
		}
		dur := time.Since(start)
		method := metricMethod(r.Method)
		s.Metrics.observe(method, route, status, dur)
		if route == "/metrics" || route == "/healthz" || route == "/livez" || route == "/readyz" || route == "/static/*" {
			return
		}
		level := slog.LevelInfo
		if status >= 500 {
			level = slog.LevelError
		}
		attrs := []slog.Attr{
			slog.String("request_id", middleware.GetReqID(r.Context())),
			slog.String("method", method),
			slog.String("route", route),
			slog.Int("status", status),
			slog.Float64("duration_ms", float64(dur.Microseconds())/1000),
			slog.Int64("user_id", info.userID),
			// Postgres work of the request, session and user included.
			slog.Int64("db_statements", queries.Statements()),
			slog.Int64("db_round_trips", queries.RoundTrips()),
		}
		if c := clientRequestID(r.Header.Get("X-Request-Id")); c != "" {
			attrs = append(attrs, slog.String("client_request_id", c))
		}
		s.Log.LogAttrs(r.Context(), level, "request", attrs...)
	})
}

func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if rec := recover(); rec != nil {
				if rec == http.ErrAbortHandler {
					panic(rec)
				}
				s.serverError(w, r, fmt.Errorf("panic: %v\n%s", rec, debug.Stack()))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// securityHeaders sets a strict CSP (no inline script), frame denial and no referrer.
func securityHeaders(hsts bool) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h := w.Header()
			h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'")
			h.Set("X-Frame-Options", "DENY")
			h.Set("X-Content-Type-Options", "nosniff")
			h.Set("Referrer-Policy", "no-referrer")
			h.Set("Cross-Origin-Opener-Policy", "same-origin")
			h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
			if hsts {
				h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
			}
			next.ServeHTTP(w, r)
		})
	}
}

// maxBodyBytes limits every request body (our forms are far smaller).
const maxBodyBytes = 1 << 20

// limitBodies caps request bodies at maxBodyBytes. It comes first in the
// chain so that the limit reaches net/http's own response writer, which then
// closes the connection instead of reading the rest of a huge body.
func limitBodies(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body != nil && r.Body != http.NoBody {
			r.Body = http.MaxBytesReader(w, r.Body, maxBodyBytes)
		}
		next.ServeHTTP(w, r)
	})
}

// checkInput parses the query and the form once, at the edge, and refuses
// (400) NUL and invalid UTF-8 in the path or in any key or value of the query
// or an urlencoded or multipart form, which PostgreSQL would refuse as text;
// a body over the limit gets 413. It runs before the session and every
// handler, so nothing is stored from such a request. Handlers' later
// ParseForm calls reuse what was parsed here.
func (s *Server) checkInput(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var err error
		if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "multipart/form-data" {
			err = r.ParseMultipartForm(maxBodyBytes)
			if r.MultipartForm != nil {
				defer r.MultipartForm.RemoveAll() //nolint:errcheck
			}
		} else {
			err = r.ParseForm()
		}
		var tooLarge *http.MaxBytesError
		switch {
		case errors.As(err, &tooLarge):
			s.renderError(w, r, http.StatusRequestEntityTooLarge, "Forespørselen er for stor",
				"Skjemaet var for stort til å tas imot. Ingenting ble lagret. Gjør teksten kortere og prøv igjen.")
			return
		case err != nil || !validText(r.URL.Path) || !validValues(r.Form) || !validMultipart(r.MultipartForm):
			s.renderError(w, r, http.StatusBadRequest, "Ugyldige tegn",
				"Skjemaet eller adressen inneholdt ugyldige tegn (for eksempel NUL eller ugyldig UTF-8). Ingenting ble lagret.")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// validText is valid UTF-8 without NUL (what PostgreSQL accepts as text).
func validText(v string) bool {
	return utf8.ValidString(v) && strings.IndexByte(v, 0) < 0
}

func validValues(vs url.Values) bool {
	for k, list := range vs {
		if !validText(k) {
			return false
		}
		for _, v := range list {
			if !validText(v) {
				return false
			}
		}
	}
	return true
}

// validMultipart checks a multipart form's values (also merged into r.Form),
// file field names and file names.
func validMultipart(f *multipart.Form) bool {
	if f == nil {
		return true
	}
	if !validValues(f.Value) {
		return false
	}
	for k, files := range f.File {
		if !validText(k) {
			return false
		}
		for _, fh := range files {
			if !validText(fh.Filename) {
				return false
			}
		}
	}
	return true
}

// safeMethod reports the methods that change nothing (RFC 9110).
func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// crossOriginProtection refuses cross-origin state-changing requests (CSRF)
// with net/http's CrossOriginProtection. Browsers without Sec-Fetch-Site are
// judged by Origin, which CrossOriginProtection compares by host only; here
// the scheme must match too (https behind TLS or with SecureCookies), so an
// https page of another service on our host name cannot post to us over
// plain HTTP, nor the other way round.
func (s *Server) crossOriginProtection(next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	deny := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "Forespørselen kom fra et annet nettsted og ble avvist.", http.StatusForbidden)
	})
	cop.SetDenyHandler(deny)
	h := cop.Handler(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !safeMethod(r.Method) && r.Header.Get("Sec-Fetch-Site") == "" {
			if o := r.Header.Get("Origin"); o != "" && !strings.EqualFold(o, s.origin(r)) {
				deny.ServeHTTP(w, r)
				return
			}
		}
		h.ServeHTTP(w, r)
	})
}

// origin is this site's origin as a browser names it in Origin.
func (s *Server) origin(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil || s.Config.SecureCookies {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// noStore keeps pages with personal data out of caches.
func noStore(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}

// Session keys.
const (
	sessUserID = "user_id"
	sessEpoch  = "epoch"
	sessFlash  = "flash"
	// sessAuth is how the session logged in: "oidc" (single sign-on, whose
	// identity provider does the second factor) or "" (password).
	sessAuth = "auth"
)

// loadUser puts the session's user in the context. A session whose epoch no
// longer matches the user's (sessions ended) or whose user is gone is destroyed.
func (s *Server) loadUser(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := s.Sessions.GetInt64(r.Context(), sessUserID)
		if id == 0 {
			next.ServeHTTP(w, r)
			return
		}
		u, err := s.sessionUser(r, id)
		if err != nil && domain.ErrorCode(err) != domain.ENOTFOUND {
			s.serverError(w, r, err)
			return
		}
		if u == nil || u.SessionEpoch != s.Sessions.GetInt(r.Context(), sessEpoch) {
			if err := s.Sessions.Destroy(r.Context()); err != nil {
				s.serverError(w, r, err)
				return
			}
			next.ServeHTTP(w, r)
			return
		}
		if info, ok := r.Context().Value(logInfoKey).(*logInfo); ok {
			info.userID = u.ID
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), userKey, u)))
	})
}

// currentUser returns the logged-in user, or nil.
func currentUser(r *http.Request) *domain.User {
	u, _ := r.Context().Value(userKey).(*domain.User)
	return u
}

// scope returns the user's access scope with the request id for audit rows.
func scope(r *http.Request) domain.Scope {
	sc := currentUser(r).Scope()
	sc.RequestID = middleware.GetReqID(r.Context())
	return sc
}

// requireUser sends anonymous requests to the login page.
func (s *Server) requireUser(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if currentUser(r) == nil {
			if isHTMX(r) { // a live search after the session ended: the whole page goes to the login
				w.Header().Set("HX-Redirect", paths.Login())
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			if r.Method == http.MethodGet || r.Method == http.MethodHead {
				http.Redirect(w, r, paths.WithQuery(paths.Login(), url.Values{"next": {r.URL.Path}}), http.StatusSeeOther)
			} else {
				http.Redirect(w, r, paths.Login(), http.StatusSeeOther)
			}
			return
		}
		next.ServeHTTP(w, r)
	})
}

// pathID parses a positive int64 URL parameter.
func pathID(r *http.Request, name string) (int64, bool) {
	id, err := strconv.ParseInt(chi.URLParam(r, name), 10, 64)
	return id, err == nil && id > 0
}
