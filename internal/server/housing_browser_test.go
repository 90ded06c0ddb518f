package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"ankomst/internal/domain"
	"ankomst/web/paths"

	"github.com/chromedp/chromedp"
)

// TestBrowserHousingRegisters: a housing officer opens the empty unit list,
// submits the new-unit form with a mistake (422 with the summary), and views
// the unit list, a unit's page, the landlord list and a landlord's page with
// an agreement; axe on every page at desktop and phone widths.
func TestBrowserHousingRegisters(t *testing.T) {
	skipUnlessBrowser(t)
	app := newTestApp(t)
	ingrid := app.user("ingrid@kommune.no", domain.RoleHousing, "Øst")
	c := app.client()
	c.login(ingrid.Email)
	b := newBrowser(t, app)
	b.login(ingrid.Email, testPassword)

	if st := b.open(paths.HousingUnits()); st != http.StatusOK {
		t.Fatalf("units: %d", st)
	}
	b.waitVisible(`[data-testid="empty-state"]`)
	b.checkPage("housing-units-empty")

	if st := b.submit(`[data-testid="new-unit"]`); st != http.StatusOK {
		t.Fatalf("new unit: %d", st)
	}
	b.waitVisible("#address")
	b.checkPage("housing-unit-new")
	b.emType("#address", "Storgata 1 H0101, 0155 Oslo")
	b.emType("#rooms", "2")
	b.emType("#bedrooms", "3")
	if st := b.submit(`[data-testid="save-unit"]`); st != http.StatusUnprocessableEntity {
		t.Fatalf("bad unit: status %d, want 422", st)
	}
	b.waitVisible(`[data-testid="error-summary"]`)
	if s := b.text(`[data-testid="error-summary"]`); !strings.Contains(s, "flere soverom enn rom") {
		t.Errorf("error summary %q", s)
	}
	if v := b.value("#address"); v != "Storgata 1 H0101, 0155 Oslo" {
		t.Errorf("the address was not kept: %q", v)
	}
	b.checkPage("housing-unit-new-error")

	ll := hsCreate(t, c, "/landlords", url.Values{"kind": {"organisation"}, "name": {"Boligbygg AS"}, "orgnr": {"974760673"},
		"contact": {"Kari Utleier"}, "phone": {"22 33 44 55"}}, landlordPathRe)
	if r := c.post(ll+"/agreements", url.Values{"from": {"2026-01-01"}, "to": {"2027-12-31"}, "units": {"10"}, "note": {"Tilvisning for bosetting"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("agreement: %d", r.Status)
	}
	f := unitForm("Storgata 1 H0101, 0155 Oslo")
	f.Set("owner_type", "private")
	f.Set("landlord_id", ll[len("/landlords/"):])
	f.Set("size_m2", "64")
	f.Set("floor", "3")
	f.Set("lift", "yes")
	unit := hsCreate(t, c, "/housing/units", f, housingUnitPathRe)
	hsCreate(t, c, "/housing/units", unitForm("Ærlighetsveien 7, 0170 Oslo"), housingUnitPathRe)

	b.open(paths.HousingUnits())
	b.waitVisible(`[data-testid="unit-table"]`)
	b.checkPage("housing-units")
	b.open(unit)
	b.waitVisible(`[data-testid="unit-facts"]`)
	b.checkPage("housing-unit")
	b.open(paths.Landlords())
	b.waitVisible(`[data-testid="landlord-table"]`)
	b.checkPage("landlords")
	b.open(ll)
	b.waitVisible(`[data-testid="agreement-table"]`)
	b.checkPage("landlord")

	// The occupancy board and a household's support page (guidance and
	// Husbanken), empty lists included.
	if st := b.open(paths.Housing()); st != http.StatusOK {
		t.Fatalf("board: %d", st)
	}
	b.waitVisible(`[data-testid="board-week"]`)
	b.checkPage("housing-board")
	cw := app.user("cw@kommune.no", domain.RoleCaseworker, "Øst")
	cwc := app.client()
	cwc.login(cw.Email)
	person := createPerson(t, cwc, validPersonForm(nid(1)))
	household := createHousehold(t, cwc, person, "Familien Haidari")
	if st := b.open(household + "/housing/support"); st != http.StatusOK {
		t.Fatalf("support: %d", st)
	}
	b.waitVisible(`[data-testid="guidance"]`)
	b.checkPage("housing-support")

	// The pipeline on the board: Familien Haidari agreed for settlement in
	// ten days, with the units that fit; another household's lease in rent
	// arrears, flagged on its home and counted on the board.
	ctx := context.Background()
	if _, err := app.DB.Pool.Exec(ctx, `UPDATE persons SET settlement_stage = 'agreed', expected_arrival = (now() AT TIME ZONE 'Europe/Oslo')::date + 10,
		settlement_date = NULL WHERE id = $1`, idOf(person)); err != nil {
		t.Fatal(err)
	}
	other := createPerson(t, cwc, personForm(2, "Yonas", "Tesfay"))
	tesfay := createHousehold(t, cwc, other, "Familien Tesfay")
	let := hsCreate(t, c, "/housing/units", unitForm("Leiegata 5, 0180 Oslo"), housingUnitPathRe)
	if r := c.post(tesfay+"/housing/leases", url.Values{"unit": {idOf(let)}, "start": {"2026-01-05"}, "rent": {"9 000"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("lease: %d", r.Status)
	}
	if st := b.open(tesfay + "/housing"); st != http.StatusOK {
		t.Fatalf("home: %d", st)
	}
	b.do("open the lease form", chromedp.Click(chromedp.CSS(`[data-testid^="edit-toggle-"]`)))
	b.do("tick arrears", chromedp.Click(chromedp.CSS(`input[name="arrears"]`)))
	if st := b.submit(`[data-testid="save-lease"]`); st != http.StatusOK {
		t.Fatalf("arrears: %d", st)
	}
	b.checkPage("housing-lease-arrears")
	if st := b.open(paths.Housing()); st != http.StatusOK {
		t.Fatalf("board: %d", st)
	}
	b.waitVisible(`[data-testid="fit-unit"]`)
	b.waitVisible(`[data-testid="arrears-row"]`)
	if s := b.text(`[data-testid="arrivals-table"]`); !strings.Contains(s, "Familien Haidari") || !strings.Contains(s, "Ærlighetsveien 7") {
		t.Errorf("fit list %q", s)
	}
	if s := b.text(`[data-testid="arrears-notice"]`); !strings.Contains(s, "1 leieforhold har husleierestanse") {
		t.Errorf("arrears notice %q", s)
	}
	b.checkPage("housing-board-fit")

	// A Husbanken review due on Frister; a landlord deactivated.
	if _, err := app.DB.Pool.Exec(ctx, `INSERT INTO husbanken_applications (household_id, scheme, applied_on, decision, next_review)
		VALUES ($1, 'housing_allowance', '2026-01-05', 'granted', (now() AT TIME ZONE 'Europe/Oslo')::date + 7)`, idOf(tesfay)); err != nil {
		t.Fatal(err)
	}
	if st := b.open(paths.Deadlines()); st != http.StatusOK {
		t.Fatalf("frister: %d", st)
	}
	b.waitVisible(`[data-testid="review-row"]`)
	b.checkPage("housing-frister-review")
	b.open(ll)
	if st := b.submit(`[data-testid="deactivate-landlord"]`); st != http.StatusOK {
		t.Fatalf("deactivate: %d", st)
	}
	b.waitVisible(`[data-testid="landlord-deactivated"]`)
	b.checkPage("landlord-deactivated")
}
