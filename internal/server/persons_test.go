package server_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"ankomst/internal/domain"
)

func TestDuplicateWarningOnRegistration(t *testing.T) {
	app := newTestApp(t)
	app.user("kari@k.no", domain.RoleCaseworker, "Øst")
	c := app.client()
	c.login("kari@k.no")
	existing := createPerson(t, c, validPersonForm(nid(1))) // Amina Haidari, 1990-04-12

	form := validPersonForm(nid(2))
	form.Set("given_name", "Aminah")
	form.Set("family_name", "Haydari")
	form.Set("duplicate_check", "1") // as the registration form sends
	r := c.post("/persons", form)
	clMust(t, r, http.StatusOK, `data-testid="duplicate-warning"`, `href="`+existing+`"`, "Amina Haidari", "12.04.1990",
		`name="confirm_duplicate"`, `name="duplicate_warned" value="1"`, `value="Aminah"`, `value="Haydari"`)
	if strings.Contains(r.Body, `data-testid="error-summary"`) {
		t.Error("a warning is not an error")
	}
	count := func() int {
		var n int
		app.DB.Pool.QueryRow(context.Background(), `SELECT count(*) FROM persons`).Scan(&n)
		return n
	}
	if count() != 1 {
		t.Fatal("the warned registration was saved")
	}
	// Sent again without the tick: asked to tick it (422).
	form.Set("duplicate_warned", "1")
	r = c.post("/persons", form)
	clMust(t, r, http.StatusUnprocessableEntity, `href="#confirm_duplicate"`, `id="confirm_duplicate-error"`)
	// Ticked: saved.
	form.Set("confirm_duplicate", "1")
	createPerson(t, c, form)
	if count() != 2 {
		t.Error("the confirmed registration was not saved")
	}
	// Another birth date or another name: no warning.
	other := validPersonForm(nid(3))
	other.Set("given_name", "Yonas")
	other.Set("family_name", "Tesfaye")
	other.Set("duplicate_check", "1")
	createPerson(t, c, other)
	// The same national ID is still refused outright, with a link (409).
	same := validPersonForm(nid(1))
	same.Set("duplicate_check", "1")
	if r := c.post("/persons", same); r.Status != http.StatusConflict || !strings.Contains(r.Body, `data-testid="duplicate-link"`) {
		t.Errorf("same national ID: %d", r.Status)
	}
	// The registration form asks for the check.
	clMust(t, c.get("/persons/new"), http.StatusOK, `name="duplicate_check" value="1"`)
}
