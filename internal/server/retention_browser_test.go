package server_test

import (
	"github.com/chromedp/chromedp"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"ankomst/web/paths"
)

// TestBrowserRetention: an administrator opens the retention page (the dry
// run with two closed cases), sets a legal hold with a mistake (422 with
// the summary) and then properly, applies, and opens a person's access
// package; axe on every page at desktop and phone widths.
func TestBrowserRetention(t *testing.T) {
	skipUnlessBrowser(t)
	app, _, amina, yonas, _ := retentionApp(t)
	b := newBrowser(t, app)
	b.login("admin@k.no", testPassword)

	// The access package first (with today's clock, before anonymisation).
	later := app.DB.Now
	app.DB.Now = time.Now
	if st := b.open(paths.PersonAccessPackage(amina)); st != http.StatusOK {
		t.Fatalf("access package: %d", st)
	}
	b.waitVisible(`[data-testid="access-package-title"]`)
	if s := b.text(`[data-testid="access-package-title"]`); !strings.Contains(s, "Amina Haidari") {
		t.Errorf("title %q", s)
	}
	b.checkPage("access-package")
	app.DB.Now = later

	if st := b.open(paths.AdminRetention()); st != http.StatusOK {
		t.Fatalf("retention: %d", st)
	}
	b.waitVisible(`[data-testid="retention-due"]`)
	if n := eval[int](b, "dry-run rows", `document.querySelectorAll('[data-testid="retention-row"]').length`); n != 2 {
		t.Errorf("%d rows in the dry run", n)
	}
	b.checkPage("retention")

	b.typeInto("#person_id", strconv.FormatInt(yonas, 10))
	if st := b.submit(`[data-testid="set-hold"]`); st != http.StatusUnprocessableEntity {
		t.Fatalf("hold without a reason: %d", st)
	}
	b.waitVisible(`[data-testid="error-summary"]`)
	b.checkPage("retention-hold-error")
	b.typeInto("#reason", "Klage til Statsforvalteren")
	if st := b.submit(`[data-testid="set-hold"]`); st != http.StatusOK {
		t.Fatalf("hold: %d", st)
	}
	b.waitVisible(`[data-testid="retention-held"]`)

	// Without the confirmation: refused, the page says why.
	if st := b.submit(`[data-testid="retention-apply"]`); st != http.StatusUnprocessableEntity {
		t.Fatalf("apply unconfirmed: %d, want 422", st)
	}
	b.checkPage("retention-apply-unconfirmed")
	b.do("confirm", chromedp.Click(chromedp.CSS(`[data-testid="retention-confirm"]`)))
	if st := b.submit(`[data-testid="retention-apply"]`); st != http.StatusOK {
		t.Fatalf("apply: %d", st)
	}
	b.waitVisible(`[data-testid="holds"]`)
	if s := b.text("main"); !strings.Contains(s, "Anonymisert: 1.") {
		t.Errorf("after apply: %.500s", s)
	}
	b.checkPage("retention-applied")
}
