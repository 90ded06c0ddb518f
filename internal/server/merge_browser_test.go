package server_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserMerge: an admin merges two registrations of one person in
// Chromium, through every page of the merge, with axe on each (and
// screenshots with ANKOMST_SCREENSHOTS).
func TestBrowserMerge(t *testing.T) {
	skipUnlessBrowser(t)
	app, cw, _, first, second := mgSetup(t)
	b := newBrowser(t, app)
	b.login("admin@k.no", testPassword)
	firstPath := "/persons/" + strconv.FormatInt(first, 10)
	secondPath := "/persons/" + strconv.FormatInt(second, 10)

	// From the person page to the search step: the other is suggested.
	if st := b.open(firstPath); st != http.StatusOK {
		t.Fatalf("person page: %d", st)
	}
	if st := b.submit(`[data-testid="merge-person"]`); st != http.StatusOK {
		t.Fatalf("merge search page: %d", st)
	}
	b.waitVisible(`[data-testid="suggestion-row"]`)
	b.checkPage("merge-search")

	// A search by DUF number (POST: the number stays out of the URL).
	b.typeInto("#q", "2024 1234 5678")
	if st := b.submit(`[data-testid="merge-search-submit"]`); st != http.StatusOK {
		t.Fatalf("merge search: %d", st)
	}
	b.waitVisible(`[data-testid="result-row"]`)
	if loc := b.location(); strings.Contains(loc, "5678") {
		t.Errorf("the DUF number is in the URL %s", loc)
	}
	b.checkPage("merge-search-results")
	b.typeInto("#q", "finnesikke")
	b.submit(`[data-testid="merge-search-submit"]`)
	b.waitVisible(`[data-testid="empty-state"]`)

	// The preview: both side by side, the first (with a national ID) proposed kept.
	b.open(firstPath + "/merge")
	if st := b.submit(`[data-testid="suggestion-row"] a`); st != http.StatusOK {
		t.Fatalf("preview: %d", st)
	}
	b.waitVisible(`[data-testid="merge-fields"]`)
	if !eval[bool](b, "proposed survivor", `document.querySelector('[data-testid="keep_a"]').checked`) {
		t.Error("the registration with a national ID is not proposed as the one to keep")
	}
	if got := b.text(`[data-testid="merge-row-family_name"]`); !strings.Contains(got, "Haidari") || !strings.Contains(got, "Haidary") {
		t.Errorf("family name row %q", got)
	}
	b.checkPage("merge-preview")

	// A refused choice: the survivor left without identity numbers.
	b.do("keep the second", chromedp.Click(chromedp.CSS(`[data-testid="keep_b"]`)))
	if st := b.submit(`[data-testid="merge-submit"]`); st != http.StatusOK {
		t.Fatalf("switching the survivor: %d, want 200", st)
	}
	b.waitVisible(`[data-testid="merge-switched"]`)
	b.do("no DUF number", chromedp.Click(chromedp.CSS(`#f_duf_number`))) // the first's: none
	b.do("no national ID", chromedp.Click(chromedp.CSS(`#f_national_id-b`)))
	if st := b.submit(`[data-testid="merge-submit"]`); st != http.StatusUnprocessableEntity {
		t.Fatalf("no identity number: %d, want 422", st)
	}
	b.waitVisible(`[data-testid="error-summary"]`)
	b.checkPage("merge-preview-error")

	// Keep the first after all, take the second's DUF number, merge.
	b.do("keep the first", chromedp.Click(chromedp.CSS(`[data-testid="keep_a"]`)))
	b.submit(`[data-testid="merge-submit"]`)
	b.waitVisible(`[data-testid="merge-switched"]`)
	b.do("take the DUF number", chromedp.Click(chromedp.CSS(`#f_duf_number-b`)))

	// Meanwhile a caseworker corrects the second's given name: 409, what
	// changed, and the form on the new version with the choices kept.
	edit := validPersonForm("")
	edit.Set("family_name", "Haidary")
	edit.Set("given_name", "Aminah")
	edit.Set("duf_number", "202412345678")
	edit.Set("version", "1")
	if r := cw.post(secondPath, edit); r.Status != http.StatusSeeOther {
		t.Fatalf("concurrent edit: %d", r.Status)
	}
	if st := b.submit(`[data-testid="merge-submit"]`); st != http.StatusConflict {
		t.Fatalf("stale merge: %d, want 409", st)
	}
	b.waitVisible(`[data-testid="merge-stale"]`)
	if got := b.text(`[data-testid="stale-item"]`); !strings.Contains(got, "fornavn") {
		t.Errorf("what changed: %q", got)
	}
	if !eval[bool](b, "choice kept", `document.querySelector('#f_duf_number-b').checked`) {
		t.Error("the DUF number choice was lost in the conflict")
	}
	b.checkPage("merge-preview-stale")
	if st := b.submit(`[data-testid="merge-submit"]`); st != http.StatusOK {
		t.Fatalf("merge: %d", st)
	}
	b.waitVisible(`[data-testid="flash"]`)
	if loc := b.location(); !strings.HasSuffix(loc, firstPath) {
		t.Errorf("after the merge at %s, want %s", loc, firstPath)
	}
	if got := b.text(`[data-testid="duf-number"]`); got != "2024 12345678" {
		t.Errorf("survivor's DUF number %q", got)
	}

	// The merged registration's page leads on to the survivor.
	if st := b.open(secondPath); st != http.StatusOK {
		t.Fatalf("merged page: %d", st)
	}
	b.waitVisible(`[data-testid="merged-notice"]`)
	b.checkPage("merged-notice")
	if st := b.submit(`[data-testid="survivor-link"]`); st != http.StatusOK {
		t.Fatalf("follow to the survivor: %d", st)
	}
	b.waitVisible(`[data-testid="person-name"]`)
}
