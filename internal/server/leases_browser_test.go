package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"ankomst/internal/domain"

	"github.com/chromedp/chromedp"
)

// TestBrowserLeases: a housing officer lets a two-bedroom unit to a household
// of four with two adult contracts, and ends one; the housing page (both
// states) and the person page's home section are checked with axe at desktop
// and phone widths.
func TestBrowserLeases(t *testing.T) {
	skipUnlessBrowser(t)
	app := newTestApp(t)
	app.user("kari@k.no", domain.RoleCaseworker, "Øst")
	app.user("bolig@k.no", domain.RoleHousing, "Øst")
	c := app.client()
	c.login("kari@k.no")
	amina := createPerson(t, c, personForm(1, "Amina", "Haidari"))
	hh := createHousehold(t, c, amina, "Familien Haidari")
	var omarID string
	for i, m := range []struct{ given, birth, rel string }{
		{"Omar", "1988-02-03", "spouse"}, {"Sara", "2015-06-01", "child"}, {"Yusuf", "2018-09-09", "child"},
	} {
		f := personForm(10+i, m.given, "Haidari")
		f.Set("birth_date", m.birth)
		p := createPerson(t, c, f)
		pid := strings.TrimPrefix(p, "/persons/")
		if m.given == "Omar" {
			omarID = pid
		}
		if r := c.post(hh+"/members", url.Values{"person_id": {pid}, "relation": {m.rel}, "joined_on": {"2026-03-01"}, "version": {householdVersion(t, app, hh)}}); r.Status != http.StatusSeeOther {
			t.Fatalf("member %s: %d\n%.2000s", m.given, r.Status, r.Body)
		}
	}
	hu := lsHousingUnit(t, app, hh, "Fjellveien 12", 2)
	housing := hh + "/housing"
	start := time.Now().AddDate(0, -2, 0).Format("2006-01-02")

	b := newBrowser(t, app)
	b.login("bolig@k.no", testPassword)
	if st := b.open(housing); st != http.StatusOK {
		t.Fatalf("housing: %d", st)
	}
	b.waitVisible(`[data-testid="new-lease-form"]`)
	b.checkPage("housing-empty")
	for _, tenant := range []string{strings.TrimPrefix(amina, "/persons/"), omarID} {
		b.setValue("#unit", hu)
		b.setValue("#tenant", tenant)
		b.setValue("#start", start)
		b.typeInto("#rent", "6 000")
		b.setValue("#security", "guarantee")
		b.typeInto("#security_amount", "18 000")
		if st := b.submit(`[data-testid="save-new-lease"]`); st != http.StatusOK {
			t.Fatalf("let: %d", st)
		}
		b.waitVisible(`[data-testid="lease"]`)
	}
	if n := eval[int](b, "leases", `document.querySelectorAll('[data-testid="current-home"] [data-testid="lease"]').length`); n != 2 {
		t.Fatalf("%d current contracts, want 2", n)
	}
	b.checkPage("housing-two-contracts")

	var lid string
	if err := app.DB.Pool.QueryRow(context.Background(), `SELECT id::text FROM leases WHERE person_id = $1`, omarID).Scan(&lid); err != nil {
		t.Fatal(err)
	}
	b.do("open the edit form", chromedp.Click(chromedp.CSS(`[data-testid="edit-toggle-`+lid+`"]`)))
	b.setValue("#end-"+lid, domain.Today(time.Now()).Format("2006-01-02"))
	if st := b.submit(`form[action$="/leases/` + lid + `"] [data-testid="save-lease"]`); st != http.StatusOK {
		t.Fatalf("end: %d", st)
	}
	b.waitVisible(`#history-heading`)
	if n := eval[int](b, "leases", `document.querySelectorAll('[data-testid="current-home"] [data-testid="lease"]').length`); n != 1 {
		t.Fatalf("%d current contracts after ending one, want 1", n)
	}
	b.checkPage("housing-one-ended")

	if st := b.open(amina); st != http.StatusOK {
		t.Fatalf("person: %d", st)
	}
	b.waitVisible(`[data-testid="home-section"]`)
	if got := b.text(`[data-testid="home-address"]`); !strings.Contains(got, "Fjellveien 12") {
		t.Errorf("home section %q", got)
	}
	b.checkPage("person-home")
}
