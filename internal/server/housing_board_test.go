package server_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

func TestHousingBoardPage(t *testing.T) {
	app := newTestApp(t)
	app.user("bolig@ost.no", "housing", "Øst")
	app.user("cw@ost.no", "caseworker", "Øst")
	app.user("bolig@vest.no", "housing", "Vest")
	c := app.client()
	c.login("bolig@ost.no")

	clMust(t, c.get("/housing"), http.StatusOK, "Belegg", `data-testid="empty-state"`)
	unit := hsCreate(t, c, "/housing/units", unitForm("Storgata 1 H0101"), housingUnitPathRe)
	f := unitForm("Kirkeveien 2")
	f.Set("owner_type", "foundation")
	f.Set("status", "renovation")
	hsCreate(t, c, "/housing/units", f, housingUnitPathRe)

	clMust(t, c.get("/housing/units"), http.StatusOK, `data-testid="board-link"`, `href="/housing"`)
	r := c.get("/housing")
	clMust(t, r, http.StatusOK, `data-testid="board-table"`, "Andel utleid", `data-testid="free-row"`, `href="`+unit+`"`, "Storgata 1 H0101", "12 500")
	if n := strings.Count(r.Body, `data-testid="board-week"`); n != 13 {
		t.Errorf("%d week rows, want 13", n)
	}
	if strings.Count(r.Body, `data-testid="free-row"`) != 1 {
		t.Errorf("free rows: want only Storgata")
	}
	clMust(t, c.get("/housing?owner=foundation"), http.StatusOK, `data-testid="free-empty"`)
	clMust(t, c.get("/housing?owner=nonsense"), http.StatusOK, "Storgata 1 H0101")

	// Another unit sees none of Øst's housing; caseworkers are refused.
	v := app.client()
	v.login("bolig@vest.no")
	clMust(t, v.get("/housing"), http.StatusOK, `data-testid="empty-state"`)
	cw := app.client()
	cw.login("cw@ost.no")
	clMust(t, cw.get("/housing"), http.StatusForbidden)
}

// The board lists the first 50 units free today and links to all of them.
func TestHousingBoardFreeCapped(t *testing.T) {
	app := newTestApp(t)
	app.user("bolig@ost.no", "housing", "Øst")
	c := app.client()
	c.login("bolig@ost.no")
	for i := range 52 {
		hsCreate(t, c, "/housing/units", unitForm(fmt.Sprintf("Storgata %02d", i+1)), housingUnitPathRe)
	}
	r := c.get("/housing")
	clMust(t, r, http.StatusOK, `data-testid="free-more"`, "Viser 50 av 52 ledige boliger", `href="/housing?ledige=alle"`, "Vis alle 52", "Storgata 50")
	if n := strings.Count(r.Body, `data-testid="free-row"`); n != 50 || strings.Contains(r.Body, "Storgata 51") {
		t.Errorf("%d free rows, want the first 50", n)
	}
	r = c.get("/housing?ledige=alle")
	clMust(t, r, http.StatusOK, "Storgata 52")
	if n := strings.Count(r.Body, `data-testid="free-row"`); n != 52 || strings.Contains(r.Body, `data-testid="free-more"`) {
		t.Errorf("all: %d free rows, want 52 and no notice", n)
	}
	clMust(t, c.get("/housing?owner=municipal"), http.StatusOK, `href="/housing?ledige=alle&amp;owner=municipal"`)
}
