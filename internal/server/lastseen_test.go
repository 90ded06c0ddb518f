package server_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"ankomst/internal/domain"
)

func TestMineListMarksChangesSinceLastVisit(t *testing.T) {
	app := newTestApp(t)
	kari := app.user("kari@k.no", domain.RoleCaseworker, "Øst")
	app.user("ola@k.no", domain.RoleCaseworker, "Øst")
	ola := app.client()
	ola.login("ola@k.no")
	path, _ := clPerson(t, ola, 1, "Amina", "Haidari", kari.ID) // Ola registers her for Kari

	c := app.client()
	c.login("kari@k.no")
	clPerson(t, c, 2, "Yonas", "Tesfaye", kari.ID) // Kari's own registration is no news to her
	r := c.get("/persons?view=mine")
	clMust(t, r, http.StatusOK, `data-testid="tag-new"`)
	if n := strings.Count(r.Body, `data-testid="tag-new"`); n != 1 {
		t.Errorf("%d rows marked new, want only the one Ola registered", n)
	}
	c.get(path) // Kari opens her
	r = c.get("/persons?view=mine")
	if strings.Contains(r.Body, `data-testid="tag-new"`) || strings.Contains(r.Body, `data-testid="tag-changed"`) {
		t.Error("tags after the visit")
	}
	// Ola changes the settlement date.
	edit := validPersonForm(nid(1))
	edit.Set("caseworker_id", strconv.FormatInt(kari.ID, 10))
	edit.Set("settlement_date", "2026-03-20")
	edit.Set("version", "1")
	if r := ola.post(path, edit); r.Status != http.StatusSeeOther {
		t.Fatalf("edit: %d", r.Status)
	}
	r = c.get("/persons?view=mine")
	clMust(t, r, http.StatusOK, `data-testid="tag-changed"`, "Bosettingsdato", `data-testid="changed-count"`)
	// The all-unit list carries no markers.
	if strings.Contains(c.get("/persons?view=all").Body, `data-testid="tag-changed"`) {
		t.Error("markers in the all-unit list")
	}
	c.get(path)
	if strings.Contains(c.get("/persons?view=mine").Body, `data-testid="tag-changed"`) {
		t.Error("the marker stays after the visit")
	}
}
