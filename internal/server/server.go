// Package server is Ankomst's HTTP layer: the chi router, middleware and one
// file of thin handlers per module (parse → authorize → one store call → render).
package server

import (
	"context"
	"io/fs"
	"log/slog"
	"net/http"
	"net/netip"
	"path"
	"strings"
	"sync/atomic"
	"time"

	"ankomst/internal/domain"
	"ankomst/internal/postgres"
	"ankomst/web"
	"ankomst/web/layout"
	"ankomst/web/paths"

	"github.com/alexedwards/scs/pgxstore"
	"github.com/alexedwards/scs/v2"
	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/prometheus/client_golang/prometheus"
)

// Config holds the server's settings.
type Config struct {
	// IdleTimeout ends a session after this long without a request (default 30 min).
	IdleTimeout time.Duration
	// Lifetime ends a session this long after login, whatever happens (default 10 h).
	Lifetime time.Duration
	// SecureCookies marks cookies Secure and sends HSTS (set behind TLS).
	SecureCookies bool
	// ServeTestAssets serves axe-core at /static/vendor/axe.min.js (browser tests only).
	ServeTestAssets bool
	// TrustedProxies are the reverse proxies whose X-Forwarded-For names the
	// client (for the login rate limit); empty: r.RemoteAddr is the client.
	TrustedProxies []netip.Prefix
	// OIDC configures single sign-on; nil: local passwords only.
	OIDC *OIDCConfig
}

// Server holds the handlers' dependencies.
type Server struct {
	DB       *postgres.DB
	Sessions *scs.SessionManager
	Log      *slog.Logger
	Config   Config
	Metrics  *Metrics
	// shuttingDown makes /readyz answer 503 during graceful shutdown.
	shuttingDown atomic.Bool
	// mods is the module list (modules.go); menus the main menu per role.
	mods  []module
	menus map[domain.Role][]layout.MenuItem
	// limiter counts login attempts per client address (ratelimit.go).
	limiter *loginLimiter
	// oidc is the single sign-on client, set up on first use (oidc.go).
	oidc oidcClient
}

// New wires a server. reg receives the metrics (nil for a fresh registry).
func New(db *postgres.DB, log *slog.Logger, cfg Config, reg *prometheus.Registry) *Server {
	if cfg.IdleTimeout == 0 {
		cfg.IdleTimeout = 30 * time.Minute
	}
	if cfg.Lifetime == 0 {
		cfg.Lifetime = 10 * time.Hour
	}
	sm := scs.New()
	sm.Store = pgxstore.NewWithCleanupInterval(db.SessionPool, 10*time.Minute)
	sm.IdleTimeout = cfg.IdleTimeout
	sm.Lifetime = cfg.Lifetime
	sm.Cookie.Name = "ankomst_session"
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Secure = cfg.SecureCookies
	sm.Cookie.Persist = false
	sm.HashTokenInStore = true
	if reg == nil {
		reg = prometheus.NewRegistry()
	}
	s := &Server{DB: db, Sessions: sm, Log: log, Config: cfg, limiter: newLoginLimiter()}
	s.mods = s.modules()
	s.menus = menus(s.mods)
	s.Metrics = newMetrics(reg, db)
	sm.ErrorFunc = func(w http.ResponseWriter, r *http.Request, err error) {
		s.serverError(w, r, err)
	}
	return s
}

// ShutDown makes /readyz fail so a load balancer stops sending traffic.
func (s *Server) ShutDown() { s.shuttingDown.Store(true) }

// Routes returns the router with every route and middleware.
func (s *Server) Routes() http.Handler {
	r := chi.NewRouter()
	r.Use(limitBodies)
	r.Use(requestID)
	r.Use(s.logRequests)
	r.Use(s.recoverPanics)
	r.Use(securityHeaders(s.Config.SecureCookies))
	r.Use(middleware.GetHead)
	r.Use(s.checkInput)

	r.Get("/healthz", s.healthz)
	r.Get("/livez", s.healthz)
	r.Get("/readyz", s.readyz)
	r.Method(http.MethodGet, "/metrics", s.Metrics.Handler())
	r.Method(http.MethodGet, "/static/*", s.staticHandler())

	r.Group(func(r chi.Router) {
		r.Use(s.crossOriginProtection)
		r.Use(s.Sessions.LoadAndSave)
		r.Use(s.loadUser)
		r.Use(s.withMenu)
		r.Use(noStore)

		r.Get("/login", s.loginForm)
		r.Post("/login", s.login)
		r.Post("/logout", s.logout)
		s.publicUserRoutes(r) // /set-password/{token}, /setup/{token} (users module)
		r.Get(paths.LoginCode(), s.loginCodeForm)
		r.Post(paths.LoginCode(), s.loginCode)
		r.Get(paths.OIDCLogin(), s.oidcLogin)
		r.Get(paths.OIDCCallback(), s.oidcCallback)

		r.Group(func(r chi.Router) {
			r.Use(s.requireUser)
			r.Use(s.require2FA)
			r.Get("/", func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, paths.Persons(), http.StatusSeeOther)
			})
			for _, m := range s.mods {
				m.routes(r)
			}
		})
	})
	r.NotFound(s.notFound)
	r.MethodNotAllowed(func(w http.ResponseWriter, req *http.Request) {
		allowed := allowedMethods(r, req)
		if len(allowed) == 0 { // an unknown method on a path we do not have
			s.notFound(w, req)
			return
		}
		w.Header().Set("Allow", strings.Join(allowed, ", "))
		s.renderError(w, req, http.StatusMethodNotAllowed, "Ikke tillatt", "Denne handlingen er ikke tillatt her.")
	})
	return r
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.renderError(w, r, http.StatusNotFound, "Siden finnes ikke", "Vi fant ikke siden du lette etter.")
}

// standardMethods are the methods chi routes, in the order Allow lists them.
var standardMethods = []string{
	http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
	http.MethodDelete, http.MethodOptions, http.MethodConnect, http.MethodTrace,
}

// allowedMethods lists the methods the router answers for the request's path,
// for the Allow header of a 405. HEAD is allowed wherever GET is (GetHead).
func allowedMethods(routes chi.Routes, r *http.Request) []string {
	p := r.URL.RawPath
	if p == "" {
		p = r.URL.Path
	}
	var allowed []string
	for _, m := range standardMethods {
		ok := routes.Match(chi.NewRouteContext(), m, p)
		if !ok && m == http.MethodHead {
			ok = routes.Match(chi.NewRouteContext(), http.MethodGet, p)
		}
		if ok {
			allowed = append(allowed, m)
		}
	}
	return allowed
}

// staticHandler serves web/static: files only (no directory listings) and
// only at their clean path, so "//" or "." cannot get around the block of
// axe-core outside browser tests.
func (s *Server) staticHandler() http.Handler {
	static := web.Static()
	files := http.StripPrefix("/static/", http.FileServerFS(static))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name, ok := strings.CutPrefix(r.URL.Path, "/static/")
		if !ok || name == "" || path.Clean(r.URL.Path) != r.URL.Path ||
			(!s.Config.ServeTestAssets && name == "vendor/axe.min.js") {
			http.NotFound(w, r)
			return
		}
		if fi, err := fs.Stat(static, name); err != nil || fi.IsDir() {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=3600")
		files.ServeHTTP(w, r)
	})
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ok\n")) //nolint:errcheck
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if s.shuttingDown.Load() {
		http.Error(w, "shutting down", http.StatusServiceUnavailable)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.DB.Ping(ctx); err != nil {
		s.Log.ErrorContext(r.Context(), "readyz: database ping failed", "err", err)
		http.Error(w, "database unavailable", http.StatusServiceUnavailable)
		return
	}
	w.Write([]byte("ready\n")) //nolint:errcheck
}
