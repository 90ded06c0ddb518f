package server_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"ankomst/internal/totp"
	"ankomst/web/paths"
)

// TestBrowserUserAdministration walks the first run and the handover of a
// password: on an empty database the first start's setup link creates the
// first administrator, who logs in, opens «Brukere», creates a user (a
// mistake first: 422), makes a set-password link and copies it; the new
// user opens the link, chooses a password and logs in. axe on every page
// at desktop and phone widths.
func TestBrowserUserAdministration(t *testing.T) {
	skipUnlessBrowser(t)
	app := newTestApp(t)
	link, err := app.Srv.FirstStart(context.Background(), app.TS.URL)
	if err != nil || link == "" {
		t.Fatalf("first start: %q %v", link, err)
	}
	b := newBrowser(t, app)

	// The first administrator.
	if st := b.open(strings.TrimPrefix(link, app.TS.URL)); st != http.StatusOK {
		t.Fatalf("setup: %d", st)
	}
	b.waitVisible(`[data-testid="setup-form"]`)
	b.checkPage("setup")
	b.typeInto("#email", "sjef@kommune.no")
	b.typeInto("#name", "Sigrid Sjef")
	b.typeInto("#password", "et godt langt passord")
	b.typeInto("#confirm", "et godt langt passord")
	if st := b.submit(`[data-testid="save-setup"]`); st != http.StatusOK {
		t.Fatalf("setup submit: %d", st)
	}
	b.waitVisible(`[data-testid="done-title"]`)
	b.checkPage("setup-done")
	// The first administrator logs in and, as every admin, enrols two-factor first.
	b.open("/login")
	b.typeInto("#email", "sjef@kommune.no")
	b.typeInto("#password", "et godt langt passord")
	if st := b.submit(`[data-testid="login-submit"]`); st != http.StatusOK {
		t.Fatalf("login: %d", st)
	}
	if loc := b.location(); !strings.HasSuffix(loc, "/account/2fa") {
		t.Fatalf("the first admin after the password at %s, want the two-factor enrolment", loc)
	}
	secret := strings.ReplaceAll(b.text(`[data-testid="2fa-secret"]`), " ", "")
	code, err := totp.Code(secret, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	b.typeInto("#code", code)
	if st := b.submit(`[data-testid="2fa-confirm"]`); st != http.StatusOK {
		t.Fatalf("confirm two-factor: %d", st)
	}
	b.waitVisible(`[data-testid="2fa-recovery-codes"]`)
	b.submit(`[data-testid="2fa-continue"]`)
	b.waitVisible(`[data-testid="current-user"]`)

	// «Administrasjon» in the menu, then «Brukere» on that page (which the
	// menu then marks as current: the administration entry).
	if st := b.submit(`nav.app-nav a[href="/admin"]`); st != http.StatusOK {
		t.Fatalf("administration page: %d", st)
	}
	b.waitVisible(`[data-testid="admin-tools"]`)
	b.checkPage("admin")
	if st := b.submit(`[data-testid="admin-tool-users"] a`); st != http.StatusOK {
		t.Fatalf("user list: %d", st)
	}
	if cur := eval[string](b, "menu current", `document.querySelector('nav.app-nav a[aria-current="page"]')?.innerText || ''`); cur != "Administrasjon" {
		t.Errorf("menu current on the user list: %q, want Administrasjon", cur)
	}
	b.waitVisible(`[data-testid="user-table"]`)
	b.checkPage("users")
	if st := b.submit(`[data-testid="new-user"]`); st != http.StatusOK {
		t.Fatalf("new user: %d", st)
	}
	b.waitVisible(`[data-testid="user-form"]`)
	b.checkPage("user-new")
	b.typeInto("#email", "nina@kommune")
	b.typeInto("#name", "Nina Berg")
	b.setValue("#role", "caseworker")
	b.setValue("#unit_id", eval[string](b, "the unit", `document.querySelector('#unit_id option:nth-child(2)').value`))
	if st := b.submit(`[data-testid="save-user"]`); st != http.StatusUnprocessableEntity {
		t.Fatalf("bad e-mail: %d, want 422", st)
	}
	b.waitVisible(`[data-testid="error-summary"]`)
	if v := b.value("#name"); v != "Nina Berg" {
		t.Errorf("the name was not kept: %q", v)
	}
	b.checkPage("user-new-error")
	b.typeInto("#email", "nina@kommune.no")
	if st := b.submit(`[data-testid="save-user"]`); st != http.StatusOK {
		t.Fatalf("create user: %d", st)
	}
	b.waitVisible(`[data-testid="user-facts"]`)
	b.checkPage("user")
	if st := b.submit(`[data-testid="make-password-link"]`); st != http.StatusOK {
		t.Fatalf("password link: %d", st)
	}
	b.waitVisible(`[data-testid="password-link"]`)
	copied := b.value(`[data-testid="password-link"]`)
	if !strings.HasPrefix(copied, app.TS.URL+"/set-password/") {
		t.Fatalf("the link %q", copied)
	}
	b.checkPage("user-password-link")
	if st := b.open(paths.AdminUsers() + "/" + strings.TrimPrefix(b.location(), app.TS.URL+"/admin/users/") + "?confirm=deactivate"); st != http.StatusOK {
		t.Fatalf("confirm page: %d", st)
	}
	b.waitVisible(`[data-testid="confirm-deactivate"]`)
	b.checkPage("user-confirm-deactivate")
	if st := b.submit(`[data-testid="logout"]`); st != http.StatusOK {
		t.Fatalf("logout: %d", st)
	}

	// The new user.
	if st := b.open(strings.TrimPrefix(copied, app.TS.URL)); st != http.StatusOK {
		t.Fatalf("set-password page: %d", st)
	}
	b.waitVisible(`[data-testid="set-password-form"]`)
	b.checkPage("set-password")
	b.typeInto("#password", "ninas hemmelige setning")
	b.typeInto("#confirm", "ninas hemmelige setning")
	if st := b.submit(`[data-testid="save-password"]`); st != http.StatusOK {
		t.Fatalf("save password: %d", st)
	}
	b.waitVisible(`[data-testid="done-title"]`)
	b.checkPage("set-password-done")
	b.login("nina@kommune.no", "ninas hemmelige setning")
	if s := b.text(`[data-testid="current-user"]`); !strings.Contains(s, "Nina Berg") {
		t.Errorf("logged in as %q", s)
	}
	// The spent link: a clear page.
	if st := b.open(strings.TrimPrefix(copied, app.TS.URL)); st != http.StatusGone {
		t.Fatalf("spent link: %d, want 410", st)
	}
	b.checkPage("set-password-used")
}
