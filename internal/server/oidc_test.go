package server_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"ankomst/internal/domain"
	"ankomst/internal/postgres/pgtest"
	"ankomst/internal/server"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// testProvider is an OpenID Connect provider in the test's process:
// discovery, JWKS, /authorize (answers at once for the user in next) and
// /token (checks the PKCE verifier and the client), signing with RS256.
type testProvider struct {
	t      *testing.T
	srv    *httptest.Server
	key    *rsa.PrivateKey
	signer jose.Signer

	mu    sync.Mutex
	codes map[string]authReq
	// next is who logs in at /authorize; tamper changes the ID token's claims.
	next   providerUser
	tamper func(c map[string]any)
}

type providerUser struct {
	Sub, Email, Name string
	Groups           []string
}

type authReq struct {
	user                    providerUser
	nonce, challenge, redir string
}

func newTestProvider(t *testing.T) *testProvider {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: key, KeyID: "k1", Algorithm: "RS256"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	p := &testProvider{t: t, key: key, signer: signer, codes: map[string]authReq{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(map[string]any{ //nolint:errcheck
			"issuer":                                p.srv.URL,
			"authorization_endpoint":                p.srv.URL + "/authorize",
			"token_endpoint":                        p.srv.URL + "/token",
			"jwks_uri":                              p.srv.URL + "/jwks",
			"response_types_supported":              []string{"code"},
			"subject_types_supported":               []string{"public"},
			"id_token_signing_alg_values_supported": []string{"RS256"},
			"code_challenge_methods_supported":      []string{"S256"},
		})
	})
	mux.HandleFunc("GET /jwks", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &key.PublicKey, KeyID: "k1", Algorithm: "RS256", Use: "sig"}}}) //nolint:errcheck
	})
	mux.HandleFunc("GET /authorize", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if q.Get("response_type") != "code" || q.Get("client_id") != "ankomst" || q.Get("code_challenge_method") != "S256" ||
			q.Get("code_challenge") == "" || q.Get("nonce") == "" || q.Get("state") == "" || !strings.Contains(q.Get("scope"), "openid") {
			http.Error(w, "bad authorize request", http.StatusBadRequest)
			return
		}
		code := rand.Text()
		p.mu.Lock()
		p.codes[code] = authReq{user: p.next, nonce: q.Get("nonce"), challenge: q.Get("code_challenge"), redir: q.Get("redirect_uri")}
		p.mu.Unlock()
		http.Redirect(w, r, q.Get("redirect_uri")+"?"+url.Values{"code": {code}, "state": {q.Get("state")}}.Encode(), http.StatusFound)
	})
	mux.HandleFunc("POST /token", func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm() //nolint:errcheck
		id, secret, _ := r.BasicAuth()
		if id == "" {
			id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
		}
		p.mu.Lock()
		ar, ok := p.codes[r.PostForm.Get("code")]
		delete(p.codes, r.PostForm.Get("code")) // codes are single-use
		p.mu.Unlock()
		sum := sha256.Sum256([]byte(r.PostForm.Get("code_verifier")))
		if !ok || id != "ankomst" || secret != "hemmelig" || r.PostForm.Get("grant_type") != "authorization_code" ||
			base64.RawURLEncoding.EncodeToString(sum[:]) != ar.challenge || r.PostForm.Get("redirect_uri") != ar.redir {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, `{"error":"invalid_grant"}`) //nolint:errcheck
			return
		}
		now := time.Now()
		claims := map[string]any{
			"iss": p.srv.URL, "sub": ar.user.Sub, "aud": "ankomst", "nonce": ar.nonce,
			"iat": now.Unix(), "exp": now.Add(5 * time.Minute).Unix(),
			"email": ar.user.Email, "email_verified": true, "name": ar.user.Name, "groups": ar.user.Groups,
		}
		if p.tamper != nil {
			p.tamper(claims)
		}
		raw, err := jwt.Signed(p.signer).Claims(claims).Serialize()
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"access_token": "at-" + rand.Text(), "token_type": "Bearer", "expires_in": 300, "id_token": raw}) //nolint:errcheck
	})
	p.srv = httptest.NewServer(mux)
	t.Cleanup(p.srv.Close)
	return p
}

// newOIDCApp is the real router with single sign-on against the provider.
func newOIDCApp(t *testing.T, p *testProvider) *testApp {
	t.Helper()
	db := pgtest.New(t)
	log := slog.New(slog.NewJSONHandler(io.Discard, nil))
	app := &testApp{t: t, DB: db}
	mux := http.NewServeMux()
	app.TS = httptest.NewServer(mux)
	t.Cleanup(app.TS.Close)
	groups, err := server.ParseOIDCGroups("ankomst-saksbehandler-ost=caseworker:Øst, ankomst-ledere=leader:Vest")
	if err != nil {
		t.Fatal(err)
	}
	app.Srv = server.New(db, log, server.Config{ServeTestAssets: true, OIDC: &server.OIDCConfig{
		Issuer: p.srv.URL, ClientID: "ankomst", ClientSecret: "hemmelig", RedirectURL: app.TS.URL + "/auth/oidc/callback",
		Groups: groups, HTTPClient: p.srv.Client(),
	}}, nil)
	mux.Handle("/", app.Srv.Routes())
	return app
}

// ssoLogin follows the sign-on to the app's answer to the callback and
// returns it with the callback's URL.
func ssoLogin(t *testing.T, c *client) (response, string) {
	t.Helper()
	r := c.get("/auth/oidc/login")
	if r.Status != http.StatusSeeOther || !strings.Contains(r.Location, "/authorize?") {
		t.Fatalf("GET /auth/oidc/login: %d → %s", r.Status, r.Location)
	}
	req, _ := http.NewRequest(http.MethodGet, r.Location, nil)
	back := c.do(req)
	if back.Status != http.StatusFound {
		t.Fatalf("authorize: %d %s", back.Status, back.Body)
	}
	req, _ = http.NewRequest(http.MethodGet, back.Location, nil)
	return c.do(req), back.Location
}

func TestOIDCLogin(t *testing.T) {
	p := newTestProvider(t)
	app := newOIDCApp(t, p)
	ctx := context.Background()

	c := app.client()
	clMust(t, c.get("/login"), http.StatusOK, "Logg inn med kommunens konto")
	p.next = providerUser{Sub: "sub-1", Email: "sso@kommune.no", Name: "Sigrid Solberg", Groups: []string{"alle-ansatte", "ankomst-saksbehandler-ost"}}
	r, callback := ssoLogin(t, c)
	if r.Status != http.StatusSeeOther || r.Location != "/persons" {
		t.Fatalf("callback: %d → %s\n%.1500s", r.Status, r.Location, r.Body)
	}
	clMust(t, c.get("/persons"), http.StatusOK, "Sigrid Solberg")
	var role, unit string
	app.DB.Pool.QueryRow(ctx, `SELECT u.role, n.name FROM users u JOIN units n ON n.id = u.unit_id WHERE u.oidc_subject = 'sub-1'`).Scan(&role, &unit) //nolint:errcheck
	if role != "caseworker" || unit != "Øst" {
		t.Errorf("created as %s in %s", role, unit)
	}
	// A replayed state (the same callback again) is refused.
	req, _ := http.NewRequest(http.MethodGet, callback, nil)
	clMust(t, c.do(req), http.StatusBadRequest, "Innloggingen mislyktes")

	// The groups change at the provider: the role follows at the next login
	// and the user's other sessions end.
	p.next.Groups = []string{"ankomst-ledere"}
	c2 := app.client()
	if r, _ := ssoLogin(t, c2); r.Status != http.StatusSeeOther {
		t.Fatalf("second login: %d", r.Status)
	}
	app.DB.Pool.QueryRow(ctx, `SELECT u.role, n.name FROM users u JOIN units n ON n.id = u.unit_id WHERE u.oidc_subject = 'sub-1'`).Scan(&role, &unit) //nolint:errcheck
	if role != "leader" || unit != "Vest" {
		t.Errorf("updated to %s in %s", role, unit)
	}
	if r := c.get("/persons"); r.Status != http.StatusSeeOther {
		t.Errorf("the session with the old role still works: %d", r.Status)
	}
	// A leader by single sign-on is not sent to TOTP enrolment (the provider does the second factor).
	clMust(t, c2.get("/persons"), http.StatusOK)

	// A local account with the same e-mail is linked; its password stays.
	app.user("kari@kommune.no", domain.RoleCaseworker, "Øst")
	p.next = providerUser{Sub: "sub-kari", Email: "KARI@kommune.no", Name: "Kari Nordmann", Groups: []string{"ankomst-saksbehandler-ost"}}
	if r, _ := ssoLogin(t, app.client()); r.Status != http.StatusSeeOther {
		t.Fatalf("linking login: %d", r.Status)
	}
	var n int
	app.DB.Pool.QueryRow(ctx, `SELECT count(*) FROM users WHERE lower(email) = 'kari@kommune.no' AND oidc_subject = 'sub-kari'`).Scan(&n) //nolint:errcheck
	if n != 1 {
		t.Error("the local account was not linked")
	}
	app.client().login("kari@kommune.no")

	var audits int
	app.DB.Pool.QueryRow(ctx, `SELECT count(*) FROM audit_events WHERE action = 'login' AND entity = 'user'`).Scan(&audits) //nolint:errcheck
	if audits < 3 {
		t.Errorf("%d login audit rows", audits)
	}
}

func TestOIDCRefusals(t *testing.T) {
	p := newTestProvider(t)
	app := newOIDCApp(t, p)
	ok := providerUser{Sub: "sub-2", Email: "per@kommune.no", Name: "Per", Groups: []string{"ankomst-saksbehandler-ost"}}
	for _, c := range []struct {
		name   string
		user   providerUser
		tamper func(map[string]any)
		status int
		text   string
	}{
		{"wrong audience", ok, func(c map[string]any) { c["aud"] = "en-annen-app" }, http.StatusUnauthorized, "Innloggingen mislyktes"},
		{"expired token", ok, func(c map[string]any) {
			c["exp"] = time.Now().Add(-10 * time.Minute).Unix()
			c["iat"] = time.Now().Add(-20 * time.Minute).Unix()
		}, http.StatusUnauthorized, "Innloggingen mislyktes"},
		{"bad nonce", ok, func(c map[string]any) { c["nonce"] = "gjettet" }, http.StatusUnauthorized, "Innloggingen mislyktes"},
		{"wrong issuer", ok, func(c map[string]any) { c["iss"] = "https://idp.example" }, http.StatusUnauthorized, "Innloggingen mislyktes"},
		{"unmapped group", providerUser{Sub: "sub-3", Email: "ola@kommune.no", Name: "Ola", Groups: []string{"alle-ansatte"}}, nil,
			http.StatusForbidden, "ikke med i en gruppe som gir tilgang til Ankomst"},
		{"no groups", providerUser{Sub: "sub-4", Email: "eva@kommune.no", Name: "Eva"}, nil, http.StatusForbidden, "Du har ikke tilgang til Ankomst"},
		{"unverified e-mail", ok, func(c map[string]any) { c["email_verified"] = false }, http.StatusForbidden, "bekreftet e-postadresse"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p.next, p.tamper = c.user, c.tamper
			cl := app.client()
			r, _ := ssoLogin(t, cl)
			clMust(t, r, c.status, c.text)
			if r := cl.get("/persons"); r.Status != http.StatusSeeOther {
				t.Errorf("logged in after a refusal: %d", r.Status)
			}
		})
	}
	p.tamper = nil
	var n int
	app.DB.Pool.QueryRow(context.Background(), `SELECT count(*) FROM users`).Scan(&n) //nolint:errcheck
	if n != 0 {
		t.Errorf("%d users created by refused sign-ons", n)
	}
	// A callback without a started sign-on, and a state that does not match.
	cl := app.client()
	clMust(t, cl.get("/auth/oidc/callback?code=x&state=y"), http.StatusBadRequest)
	cl.get("/auth/oidc/login")
	clMust(t, cl.get("/auth/oidc/callback?code=x&state=annen"), http.StatusBadRequest)
	// A deactivated user is refused.
	p.next = ok
	if r, _ := ssoLogin(t, app.client()); r.Status != http.StatusSeeOther {
		t.Fatalf("login: %d", r.Status)
	}
	app.DB.Pool.Exec(context.Background(), `UPDATE users SET active = false WHERE email = 'per@kommune.no'`) //nolint:errcheck
	r, _ := ssoLogin(t, app.client())
	clMust(t, r, http.StatusForbidden, "deaktivert")
}

// Without single sign-on configured the login page has no such button and
// the routes lead to the login page.
func TestOIDCNotConfigured(t *testing.T) {
	app := newTestApp(t)
	c := app.client()
	if r := c.get("/login"); strings.Contains(r.Body, "kommunens konto") {
		t.Error("the login page offers single sign-on without it being configured")
	}
	for _, p := range []string{"/auth/oidc/login", "/auth/oidc/callback?code=x&state=y"} {
		if r := c.get(p); r.Status != http.StatusSeeOther || r.Location != "/login" {
			t.Errorf("GET %s: %d → %s", p, r.Status, r.Location)
		}
	}
	if _, err := server.ParseOIDCGroups("a=superuser:Øst"); err == nil {
		t.Error("an unknown role was accepted in the mapping")
	}
	if _, err := server.ParseOIDCGroups("a=caseworker"); err == nil {
		t.Error("a mapping without a unit was accepted")
	}
}
