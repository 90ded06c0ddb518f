package server_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"ankomst/internal/domain"
	"ankomst/internal/postgres"
	"ankomst/internal/server"
	"ankomst/internal/totp"
)

// A leader without two-factor logs in, is sent to the enrolment, scans
// (reads) the secret, confirms with a code computed here, sees the recovery
// codes, logs out and logs in again with password and code. axe at desktop
// and phone widths on every new page.
func TestBrowserTwoFactor(t *testing.T) {
	skipUnlessBrowser(t)
	app := newTestApp(t)
	if _, err := app.DB.CreateUser(context.Background(), postgres.NewUser{Email: "leder@kommune.no", Name: "Liv Leder", Role: domain.RoleLeader, UnitName: "Øst", Password: testPassword}); err != nil {
		t.Fatal(err)
	}
	app.user("admin@kommune.no", domain.RoleAdmin, "Vest")
	b := newBrowser(t, app)

	b.open("/login")
	b.typeInto("#email", "leder@kommune.no")
	b.typeInto("#password", testPassword)
	if st := b.submit(`[data-testid="login-submit"]`); st != http.StatusOK {
		t.Fatalf("login: %d", st)
	}
	if loc := b.location(); !strings.HasSuffix(loc, "/account/2fa") {
		t.Fatalf("after the password at %s, want the enrolment", loc)
	}
	b.waitVisible(`[data-testid="2fa-qr"]`)
	b.checkPage("2fa-enrol")
	secret := strings.ReplaceAll(b.text(`[data-testid="2fa-secret"]`), " ", "")
	code, err := totp.Code(secret, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	b.typeInto("#code", code)
	if st := b.submit(`[data-testid="2fa-confirm"]`); st != http.StatusOK {
		t.Fatalf("confirm: %d", st)
	}
	b.waitVisible(`[data-testid="2fa-recovery-codes"]`)
	b.checkPage("2fa-recovery")
	b.submit(`[data-testid="2fa-continue"]`)
	b.waitVisible(`[data-testid="current-user"]`)
	b.submit(`[data-testid="logout"]`)

	// Password, then the code (the next step's: this step's code was used).
	b.open("/login")
	b.typeInto("#email", "leder@kommune.no")
	b.typeInto("#password", testPassword)
	b.submit(`[data-testid="login-submit"]`)
	if loc := b.location(); !strings.Contains(loc, "/login/code") {
		t.Fatalf("after the password at %s, want the code step", loc)
	}
	b.checkPage("2fa-code")
	b.typeInto("#code", "000000")
	if st := b.submit(`[data-testid="code-submit"]`); st != http.StatusUnauthorized {
		t.Errorf("wrong code: %d", st)
	}
	b.waitVisible(`[data-testid="code-error"]`)
	b.checkPage("2fa-code-error")
	code, _ = totp.Code(secret, time.Now().Add(totp.Period*time.Second))
	b.typeInto("#code", code)
	if st := b.submit(`[data-testid="code-submit"]`); st != http.StatusOK {
		t.Fatalf("code: %d", st)
	}
	b.waitVisible(`[data-testid="current-user"]`)
	if loc := b.location(); !strings.Contains(loc, "/persons") {
		t.Fatalf("after the code at %s", loc)
	}
	b.open("/account/2fa")
	b.waitVisible(`[data-testid="2fa-on"]`)
	b.checkPage("2fa-status")
	b.submit(`[data-testid="logout"]`)

	// The administrators' page of the units' setting.
	b.login("admin@kommune.no", testPassword)
	b.open("/admin/2fa")
	b.waitVisible(`[data-testid="2fa-units"]`)
	b.checkPage("2fa-units")
	b.submit(`[data-testid="2fa-units"] button`)
	b.waitVisible(`[data-testid="2fa-units"]`)
	if !strings.Contains(b.text(`[data-testid="2fa-units"]`), "Ja") {
		t.Error("the unit does not require two-factor after the button")
	}
	b.checkPage("2fa-units-flash")
}

// Single sign-on in the browser: the login page's button, the provider, the
// person list; an unmapped user's refusal page; the rate limit's page.
func TestBrowserOIDCAndRateLimit(t *testing.T) {
	skipUnlessBrowser(t)
	p := newTestProvider(t)
	app := newOIDCApp(t, p)
	b := newBrowser(t, app)
	b.open("/login")
	b.waitVisible(`[data-testid="login-oidc"]`)
	b.checkPage("login-oidc")
	p.next = providerUser{Sub: "sub-b", Email: "sso@kommune.no", Name: "Sigrid Solberg", Groups: []string{"ankomst-saksbehandler-ost"}}
	if st := b.submit(`[data-testid="login-oidc"]`); st != http.StatusOK {
		t.Fatalf("single sign-on: %d at %s", st, b.location())
	}
	b.waitVisible(`[data-testid="current-user"]`)
	if !strings.Contains(b.text(`[data-testid="current-user"]`), "Sigrid Solberg") {
		t.Error("not logged in as the provider's user")
	}
	b.submit(`[data-testid="logout"]`)
	p.next = providerUser{Sub: "sub-c", Email: "ola@kommune.no", Name: "Ola", Groups: []string{"alle-ansatte"}}
	b.open("/login")
	if st := b.submit(`[data-testid="login-oidc"]`); st != http.StatusForbidden {
		t.Errorf("unmapped: %d", st)
	}
	b.checkPage("oidc-refused")
	for i := 0; i <= server.LoginAttemptsPerAddress; i++ {
		b.open("/login")
		b.typeInto("#email", "ingen@kommune.no")
		b.typeInto("#password", "feil-passord-123")
		b.submit(`[data-testid="login-submit"]`)
	}
	if !strings.Contains(b.text("main"), "For mange forsøk. Prøv igjen om") {
		t.Errorf("no rate limit page: %s", b.text("main"))
	}
	b.checkPage("rate-limited")
}
