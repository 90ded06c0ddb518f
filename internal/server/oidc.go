package server

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"ankomst/internal/domain"
	"ankomst/internal/postgres"
	"ankomst/web/paths"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/go-chi/chi/v5/middleware"
	"golang.org/x/oauth2"
)

// OIDCConfig is single sign-on through the municipality's identity provider
// (OpenID Connect, authorization code with PKCE).
type OIDCConfig struct {
	Issuer       string
	ClientID     string
	ClientSecret string
	RedirectURL  string // https://ankomst.kommune.no/auth/oidc/callback
	// GroupsClaim is the ID token's claim with the user's groups ("groups").
	GroupsClaim string
	// Groups maps the provider's groups to a role and unit, first match wins.
	Groups []OIDCGroup
	// HTTPClient talks to the provider (nil: http.DefaultClient; tests).
	HTTPClient *http.Client
	// Now is the clock for token expiry (nil: time.Now; tests).
	Now func() time.Time
}

// OIDCGroup is one line of the group mapping: members of Group get Role in Unit.
type OIDCGroup struct {
	Group string
	Role  domain.Role
	Unit  string
}

// ParseOIDCGroups reads ANKOMST_OIDC_GROUPS: "group=role:unit,group=role:unit"
// (the unit is the unit's name; the first matching group wins).
func ParseOIDCGroups(v string) ([]OIDCGroup, error) {
	var out []OIDCGroup
	for _, item := range strings.Split(v, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		group, rest, ok := strings.Cut(item, "=")
		role, unit, ok2 := strings.Cut(rest, ":")
		g := OIDCGroup{Group: strings.TrimSpace(group), Role: domain.Role(strings.TrimSpace(role)), Unit: strings.TrimSpace(unit)}
		if !ok || !ok2 || g.Group == "" || g.Unit == "" || !g.Role.Valid() {
			return nil, fmt.Errorf("ANKOMST_OIDC_GROUPS: %q is not group=role:unit with a known role", item)
		}
		out = append(out, g)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("ANKOMST_OIDC_GROUPS: no group mapped")
	}
	return out, nil
}

// oidcClient is the provider's discovery, fetched on first use (so the app
// starts while the provider is down) and kept.
type oidcClient struct {
	mu       sync.Mutex
	provider *oidc.Provider
}

// Session keys of a single sign-on in progress: single-use (popped by the callback).
const (
	sessOIDCState    = "oidc_state"
	sessOIDCNonce    = "oidc_nonce"
	sessOIDCVerifier = "oidc_verifier"
	sessOIDCNext     = "oidc_next"
	sessOIDCAt       = "oidc_at"
)

// oidcTimeout is how long the user may take at the provider.
const oidcTimeout = 10 * time.Minute

func (s *Server) oidcEnabled() bool { return s.Config.OIDC != nil }

func (s *Server) oidcContext(ctx context.Context) context.Context {
	if c := s.Config.OIDC.HTTPClient; c != nil {
		return oidc.ClientContext(ctx, c)
	}
	return ctx
}

// oidcProvider returns the provider and the OAuth2 configuration.
func (s *Server) oidcProvider(ctx context.Context) (*oidc.Provider, *oauth2.Config, error) {
	cfg := s.Config.OIDC
	s.oidc.mu.Lock()
	defer s.oidc.mu.Unlock()
	if s.oidc.provider == nil {
		ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		p, err := oidc.NewProvider(s.oidcContext(ctx), cfg.Issuer)
		if err != nil {
			return nil, nil, fmt.Errorf("oidc discovery: %w", err)
		}
		s.oidc.provider = p
	}
	p := s.oidc.provider
	return p, &oauth2.Config{ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret, RedirectURL: cfg.RedirectURL,
		Endpoint: p.Endpoint(), Scopes: []string{oidc.ScopeOpenID, "email", "profile"}}, nil
}

// oidcLogin is GET /auth/oidc/login: off to the provider with a fresh
// state, nonce and PKCE verifier kept in the session.
func (s *Server) oidcLogin(w http.ResponseWriter, r *http.Request) {
	if !s.oidcEnabled() { // single sign-on is not set up: the login page
		http.Redirect(w, r, paths.Login(), http.StatusSeeOther)
		return
	}
	_, oc, err := s.oidcProvider(r.Context())
	if err != nil {
		s.Log.ErrorContext(r.Context(), "oidc provider unavailable", "err", err)
		s.renderError(w, r, http.StatusServiceUnavailable, "Kommunens innlogging svarer ikke",
			"Vi får ikke kontakt med kommunens innloggingstjeneste nå. Prøv igjen om litt, eller logg inn med e-post og passord.")
		return
	}
	state, nonce, verifier := rand.Text(), rand.Text(), oauth2.GenerateVerifier()
	ctx := r.Context()
	s.Sessions.Put(ctx, sessOIDCState, state)
	s.Sessions.Put(ctx, sessOIDCNonce, nonce)
	s.Sessions.Put(ctx, sessOIDCVerifier, verifier)
	s.Sessions.Put(ctx, sessOIDCNext, r.URL.Query().Get("next"))
	s.Sessions.Put(ctx, sessOIDCAt, s.DB.Now().Unix())
	http.Redirect(w, r, oc.AuthCodeURL(state, oidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier)), http.StatusSeeOther)
}

// oidcFailed is the one page of a sign-on that could not be completed.
func (s *Server) oidcFailed(w http.ResponseWriter, r *http.Request, status int, why string, err error) {
	s.Log.WarnContext(r.Context(), "oidc login failed", "why", why, "err", err, "request_id", middleware.GetReqID(r.Context()))
	s.renderError(w, r, status, "Innloggingen mislyktes",
		"Innloggingen med kommunens konto kunne ikke fullføres. Gå tilbake til innloggingssiden og prøv igjen.")
}

// oidcCallback is GET /auth/oidc/callback: checks state (single-use),
// exchanges the code with the PKCE verifier, verifies the ID token
// (signature, issuer, audience, expiry, nonce), maps the groups to a role
// and unit, creates or updates the user and logs them in.
func (s *Server) oidcCallback(w http.ResponseWriter, r *http.Request) {
	if !s.oidcEnabled() { // single sign-on is not set up: the login page
		http.Redirect(w, r, paths.Login(), http.StatusSeeOther)
		return
	}
	ctx := r.Context()
	// Popped: each value works once, whatever happens next.
	state := s.Sessions.PopString(ctx, sessOIDCState)
	nonce := s.Sessions.PopString(ctx, sessOIDCNonce)
	verifier := s.Sessions.PopString(ctx, sessOIDCVerifier)
	next := s.Sessions.PopString(ctx, sessOIDCNext)
	at := time.Unix(s.Sessions.GetInt64(ctx, sessOIDCAt), 0)
	s.Sessions.Remove(ctx, sessOIDCAt)
	q := r.URL.Query()
	if state == "" || subtle.ConstantTimeCompare([]byte(state), []byte(q.Get("state"))) != 1 {
		s.oidcFailed(w, r, http.StatusBadRequest, "state", nil)
		return
	}
	if s.DB.Now().Sub(at) > oidcTimeout {
		s.oidcFailed(w, r, http.StatusBadRequest, "timeout", nil)
		return
	}
	if e := q.Get("error"); e != "" || q.Get("code") == "" {
		s.oidcFailed(w, r, http.StatusUnauthorized, "provider_error", fmt.Errorf("%.100s", e))
		return
	}
	p, oc, err := s.oidcProvider(ctx)
	if err != nil {
		s.oidcFailed(w, r, http.StatusServiceUnavailable, "provider", err)
		return
	}
	tctx, cancel := context.WithTimeout(s.oidcContext(ctx), 15*time.Second)
	defer cancel()
	tok, err := oc.Exchange(tctx, q.Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		s.oidcFailed(w, r, http.StatusUnauthorized, "exchange", err)
		return
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		s.oidcFailed(w, r, http.StatusUnauthorized, "no_id_token", nil)
		return
	}
	vc := &oidc.Config{ClientID: s.Config.OIDC.ClientID, Now: s.Config.OIDC.Now}
	idt, err := p.Verifier(vc).Verify(tctx, raw)
	if err != nil {
		s.oidcFailed(w, r, http.StatusUnauthorized, "id_token", err)
		return
	}
	if subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(nonce)) != 1 {
		s.oidcFailed(w, r, http.StatusUnauthorized, "nonce", nil)
		return
	}
	var claims map[string]any
	if err := idt.Claims(&claims); err != nil {
		s.oidcFailed(w, r, http.StatusUnauthorized, "claims", err)
		return
	}
	email, _ := claims["email"].(string)
	name, _ := claims["name"].(string)
	verified, hasVerified := claims["email_verified"].(bool)
	m, ok := s.mapGroups(claims)
	if !ok {
		s.Log.WarnContext(ctx, "oidc user not mapped", "request_id", middleware.GetReqID(ctx))
		s.renderError(w, r, http.StatusForbidden, "Du har ikke tilgang til Ankomst",
			"Kontoen din i kommunen er ikke med i en gruppe som gir tilgang til Ankomst. Kontakt systemansvarlig eller lederen din hvis du skal ha tilgang.")
		return
	}
	email = strings.TrimSpace(email)
	if email == "" || (hasVerified && !verified) {
		s.renderError(w, r, http.StatusForbidden, "Du har ikke tilgang til Ankomst",
			"Kontoen din i kommunen har ingen bekreftet e-postadresse. Kontakt systemansvarlig.")
		return
	}
	u, err := s.DB.UpsertOIDCUser(ctx, postgres.OIDCIdentity{Issuer: s.Config.OIDC.Issuer, Subject: idt.Subject,
		Email: email, Name: name, Role: m.Role, Unit: m.Unit}, middleware.GetReqID(ctx))
	if err != nil {
		if c := domain.ErrorCode(err); c == domain.EUNAUTHORIZED || c == domain.ECONFLICT || c == domain.EINVALID {
			s.Log.WarnContext(ctx, "oidc user refused", "err", err)
			s.renderError(w, r, http.StatusForbidden, "Du har ikke tilgang til Ankomst", domain.ErrorMessage(err))
			return
		}
		s.serverError(w, r, err)
		return
	}
	if err := s.startSession(r, u, "oidc"); err != nil {
		s.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, safeNext(next), http.StatusSeeOther)
}

// mapGroups finds the first configured group the user is in.
func (s *Server) mapGroups(claims map[string]any) (OIDCGroup, bool) {
	claim := s.Config.OIDC.GroupsClaim
	if claim == "" {
		claim = "groups"
	}
	have := map[string]bool{}
	switch gs := claims[claim].(type) {
	case []any:
		for _, g := range gs {
			if str, ok := g.(string); ok {
				have[str] = true
			}
		}
	case string:
		have[gs] = true
	}
	for _, g := range s.Config.OIDC.Groups {
		if have[g.Group] {
			return g, true
		}
	}
	return OIDCGroup{}, false
}
