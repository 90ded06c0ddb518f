package server_test

import (
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
