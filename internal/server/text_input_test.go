package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"ankomst/internal/domain"
)

// Free text with control characters, bidi overrides or nothing visible is
// refused with the field's message (422), the form comes back as typed, and
// nothing is stored (domain.CleanLine and domain.CleanText).

func TestTextInputHouseholdNameInvisible(t *testing.T) {
	app := newTestApp(t)
	app.user("kari@kommune.no", domain.RoleCaseworker, "Øst")
	c := app.client()
	c.login("kari@kommune.no")
	amina := createPerson(t, c, personForm(1, "Amina", "Haidari"))
	hh := createHousehold(t, c, amina, "Familien Haidari")

	storedNames := func() []string {
		t.Helper()
		rows, err := app.DB.Pool.Query(context.Background(), `SELECT name FROM households ORDER BY id`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var n string
			if err := rows.Scan(&n); err != nil {
				t.Fatal(err)
			}
			out = append(out, n)
		}
		return out
	}

	// A rename to a zero-width space alone.
	r := c.post(hh, url.Values{"name": {"\u200b"}, "version": {householdVersion(t, app, hh)}})
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("rename to U+200B: %d, want 422", r.Status)
	}
	mustContain(t, "refused rename", r.Body, `data-testid="error-summary"`, `href="#name"`,
		"Navn på husstanden må inneholde synlige tegn.", `value="`+"\u200b"+`"`)
	// Zero-width characters between spaces are nothing visible either.
	if r := c.post(hh, url.Values{"name": {" \u200b\u200d\ufeff "}, "version": {householdVersion(t, app, hh)}}); r.Status != http.StatusUnprocessableEntity {
		t.Errorf("rename to invisible characters: %d, want 422", r.Status)
	}
	// Control characters and a right-to-left override.
	for _, name := range []string{"Familien \x1b[31mHaidari", "Familien\aHaidari", "Familien \u202eiradiaH"} {
		r := c.post(hh, url.Values{"name": {name}, "version": {householdVersion(t, app, hh)}})
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Navn på husstanden inneholder kontrolltegn eller usynlige styretegn") {
			t.Errorf("rename to %q: %d, want 422 with the message", name, r.Status)
		}
	}
	// A new household named with a zero-width space alone.
	tariq := createPerson(t, c, personForm(2, "Tariq", "Noori"))
	r = c.post("/households", url.Values{"name": {"\u200b"}, "person_id": {pid(tariq)}, "joined_on": {"2026-03-01"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Navn på husstanden må inneholde synlige tegn.") {
		t.Errorf("create with U+200B: %d, want 422 with the message", r.Status)
	}
	if got := storedNames(); len(got) != 1 || got[0] != "Familien Haidari" {
		t.Errorf("households stored: %q", got)
	}

	// Legitimate invisible characters beside visible ones are kept.
	name := "Familien \u200fحيدري\u200f 🏠"
	if r := c.post(hh, url.Values{"name": {name}, "version": {householdVersion(t, app, hh)}}); r.Status != http.StatusSeeOther {
		t.Fatalf("rename with RLM and emoji: %d", r.Status)
	}
	if got := storedNames(); len(got) != 1 || got[0] != name {
		t.Errorf("households stored: %q", got)
	}
}

func TestTextInputNoteControlCharacters(t *testing.T) {
	app := newTestApp(t)
	app.user("kari@kommune.no", domain.RoleCaseworker, "Øst")
	c := app.client()
	c.login("kari@kommune.no")
	p := createPerson(t, c, validPersonForm(nid(1)))

	storedBodies := func() []string {
		t.Helper()
		var bodies []string
		rows, err := app.DB.Pool.Query(context.Background(), `SELECT body || '|' || no_interpreter_reason FROM case_notes ORDER BY id`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var b string
			if err := rows.Scan(&b); err != nil {
				t.Fatal(err)
			}
			bodies = append(bodies, b)
		}
		return bodies
	}

	for _, c2 := range []struct {
		name, body, line string
	}{
		{"ANSI colour escape", "Samtale om bolig.\r\nViktig: \x1b[31mrødt\x1b[0m", "linje 2"},
		{"bell", "Ring tilbake\a", "linje 1"},
		{"C1 CSI", "\n\n\u009b31m", "linje 3"},
		{"right-to-left override", "Beløp: \u202e00.001 kr", "linje 1"},
	} {
		t.Run(c2.name, func(t *testing.T) {
			r := c.post(p+"/notes", meetingForm(c2.body))
			if r.Status != http.StatusUnprocessableEntity {
				t.Fatalf("note with %q: %d, want 422", c2.body, r.Status)
			}
			noteMustContain(t, "refused note", r.Body, `data-testid="error-summary"`, `href="#body"`, `id="body-error"`,
				"Notatet inneholder kontrolltegn eller usynlige styretegn som ikke er tillatt (første gang på "+c2.line+")")
			// The text comes back exactly as typed.
			if !strings.Contains(r.Body, ">"+c2.body+"</textarea>") {
				t.Errorf("the refused form lost the text %q", c2.body)
			}
		})
	}
	// NUL is refused, by the domain (422) or at the edge with invalid UTF-8 (400).
	if r := c.post(p+"/notes", meetingForm("a\x00b")); r.Status != http.StatusUnprocessableEntity && r.Status != http.StatusBadRequest {
		t.Errorf("note with NUL: %d, want 422 or 400", r.Status)
	}
	// A note with nothing visible.
	if r := c.post(p+"/notes", meetingForm("\u200b\r\n\u2060")); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Notatet må inneholde synlige tegn.") {
		t.Errorf("invisible note: %d, want 422 with the message", r.Status)
	}
	// The reason why no interpreter was used is one line of text.
	f := meetingForm("Samtale.")
	f.Set("interpreter_used", "no")
	f.Set("no_interpreter_reason", "Ingen \x1b[2Jtolk")
	if r := c.post(p+"/notes", f); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Begrunnelsen inneholder kontrolltegn") {
		t.Errorf("reason with ESC: %d, want 422 with the message", r.Status)
	}
	if got := storedBodies(); len(got) != 0 {
		t.Fatalf("refused notes were stored: %q", got)
	}

	// CRLF is stored as LF, tabs are kept, RLM and emoji pass.
	createNote(t, c, p, meetingForm("Punkter:\r\n\tbolig\r\n\tskole \u200fمدرسة\u200f 👍"))
	if got := storedBodies(); len(got) != 1 || got[0] != "Punkter:\n\tbolig\n\tskole \u200fمدرسة\u200f 👍|" {
		t.Errorf("stored notes: %q", got)
	}
}

func TestTextInputPersonNameOverride(t *testing.T) {
	app := newTestApp(t)
	app.user("kari@kommune.no", domain.RoleCaseworker, "Øst")
	c := app.client()
	c.login("kari@kommune.no")

	count := func() int {
		t.Helper()
		var n int
		if err := app.DB.Pool.QueryRow(context.Background(), `SELECT count(*) FROM persons`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	form := validPersonForm(nid(1))
	form.Set("family_name", "Hai\u202edari")
	r := c.post("/persons", form)
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("family name with RLO: %d, want 422", r.Status)
	}
	mustContain(t, "refused person", r.Body, `href="#family_name"`, `id="family_name-error"`,
		"Etternavnet inneholder kontrolltegn eller usynlige styretegn som ikke er tillatt.", `value="Hai`+"\u202e"+`dari"`)

	form = validPersonForm(nid(1))
	form.Set("given_name", "\u200b")
	form.Set("interpreter_dialect", "Herati\x1b[0m")
	r = c.post("/persons", form)
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("invisible given name, dialect with ESC: %d, want 422", r.Status)
	}
	mustContain(t, "refused person", r.Body, "Fornavnet må inneholde synlige tegn.",
		`href="#interpreter_dialect"`, "Dialekt inneholder kontrolltegn eller usynlige styretegn som ikke er tillatt.")
	if n := count(); n != 0 {
		t.Errorf("%d persons stored", n)
	}

	// An edit is refused the same way and changes nothing.
	path := createPerson(t, c, personForm(1, "Ali\u200cReza", "Haidari"))
	form = personForm(1, "Ali\u200cReza", "Hai\u202edari")
	form.Set("version", "1")
	if r := c.post(path, form); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Etternavnet inneholder kontrolltegn") {
		t.Errorf("edit with RLO: %d, want 422 with the message", r.Status)
	}
	var given, family string
	app.DB.Pool.QueryRow(context.Background(), `SELECT given_name, family_name FROM persons`).Scan(&given, &family)
	if given != "Ali\u200cReza" || family != "Haidari" {
		t.Errorf("stored %q %q", given, family)
	}
}

func TestTextInputTaskTitle(t *testing.T) {
	a := newDlApp(t)
	kari := a.as(a.kari)
	path, _ := dlPerson(t, kari, 1, "Amina", a.kari, "2026-06-01", "2026-06-05")
	for _, title := range []string{"Søk \u202ebostøtte", "Søk\u0085bostøtte", "\u200b\u200b"} {
		r := kari.post(path+"/tasks/new", taskForm(title, "2026-06-20", a.kari))
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `href="#title"`) ||
			!(strings.Contains(r.Body, "Tittel inneholder kontrolltegn") || strings.Contains(r.Body, "Tittel må inneholde synlige tegn.")) {
			t.Errorf("title %q: %d, want 422 with the message", title, r.Status)
		}
	}
	var n int
	a.DB.Pool.QueryRow(context.Background(), `SELECT count(*) FROM tasks`).Scan(&n)
	if n != 0 {
		t.Errorf("%d tasks stored", n)
	}
}
