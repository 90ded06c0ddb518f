package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"ankomst/internal/domain"
)

// osloToday is today's date in Norway as the form sends it.
func noteOsloToday() string {
	loc, _ := time.LoadLocation("Europe/Oslo")
	return time.Now().In(loc).Format("2006-01-02")
}

// meetingForm is a valid meeting note with a qualified interpreter (the
// person of validPersonForm needs one).
func meetingForm(body string) url.Values {
	return url.Values{
		"kind": {"meeting"}, "note_date": {noteOsloToday()}, "body": {body},
		"interpreter_used": {"yes"}, "interpreter_mode": {"on_site"}, "interpreter_category": {"A"},
		"interpreter_language": {"prs"}, "token": {""},
	}
}

var noteLocRe = regexp.MustCompile(`^/persons/(\d+)/timeline(\?before=[0-9-]+)?#note-(\d+)$`)

// createNote posts a note and returns its id.
func createNote(t *testing.T, c *client, personPath string, form url.Values) int64 {
	t.Helper()
	r := c.post(personPath+"/notes", form)
	m := noteLocRe.FindStringSubmatch(r.Location)
	if r.Status != http.StatusSeeOther || m == nil {
		t.Fatalf("create note: status %d location %q\n%.3000s", r.Status, r.Location, r.Body)
	}
	id, _ := strconv.ParseInt(m[3], 10, 64)
	return id
}

func notePersonID(t *testing.T, path string) int64 {
	t.Helper()
	id, err := strconv.ParseInt(strings.TrimPrefix(path, "/persons/"), 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func noteMustContain(t *testing.T, what, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("%s lacks %q", what, w)
		}
	}
}

func TestNoteCreateShowsOnTimeline(t *testing.T) {
	app := newTestApp(t)
	app.user("kari@kommune.no", domain.RoleCaseworker, "Øst")
	c := app.client()
	c.login("kari@kommune.no")
	p := createPerson(t, c, validPersonForm(nid(1)))

	r := c.get(p + "/notes/new")
	if r.Status != http.StatusOK {
		t.Fatalf("new note form: %d", r.Status)
	}
	noteMustContain(t, "new note form", r.Body, `data-testid="interpreter-need"`, `value="`+noteOsloToday()+`"`, `name="token" value="`)
	if regexp.MustCompile(`name="token" value=""`).MatchString(r.Body) {
		t.Error("the form has no double-submit token")
	}

	// Bad input: everything missing, and the person needs an interpreter.
	r = c.post(p+"/notes", url.Values{"kind": {""}, "note_date": {"2099-01-01"}, "body": {"  "}, "no_interpreter_reason": {"beholdes"}})
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("empty note: %d", r.Status)
	}
	noteMustContain(t, "refused form", r.Body, `data-testid="error-summary"`, `href="#kind"`, `href="#note_date"`, `href="#body"`,
		"Dato kan ikke være i fremtiden.", `value="2099-01-01"`, `value="beholdes"`)
	// A meeting with a person who needs an interpreter must say whether one was used.
	r = c.post(p+"/notes", url.Values{"kind": {"meeting"}, "note_date": {noteOsloToday()}, "body": {"Møte"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `href="#interpreter_used"`) || !strings.Contains(r.Body, `id="interpreter_used-error"`) {
		t.Errorf("meeting without the interpreter question: %d", r.Status)
	}
	r = c.post(p+"/notes", url.Values{"kind": {"letter"}, "note_date": {"i går"}, "body": {strings.Repeat("x", 10001)}, "interpreter_used": {"maybe"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "høyst 10000 tegn") {
		t.Errorf("bad values: %d", r.Status)
	}

	id := createNote(t, c, p, meetingForm("Samtale om bolig.\n\nNeste møte om to uker. <script>alert(1)</script>"))
	r = c.get(p + "/timeline")
	if r.Status != http.StatusOK {
		t.Fatalf("timeline: %d", r.Status)
	}
	noteMustContain(t, "timeline", r.Body, `data-testid="flash">Notatet er lagret.`, `id="note-`+strconv.FormatInt(id, 10)+`"`,
		"Samtale om bolig.", "&lt;script&gt;alert(1)&lt;/script&gt;", "Med tolk: oppmøte, dari, kategori A i Nasjonalt tolkeregister.",
		"Skrevet av Test caseworker", `data-testid="edit-note"`, "Deltakeren ble registrert")
	if strings.Contains(r.Body, "<script>alert(1)") {
		t.Error("the note's text is not escaped")
	}
	// The person page shows the latest items in its timeline section.
	r = c.get(p)
	noteMustContain(t, "person page", r.Body, `data-testid="timeline-section"`, "Samtale om bolig.", `href="`+p+`/timeline"`, `href="`+p+`/notes/new"`)
	// The note and its read are audited.
	var creates, views int
	app.DB.Pool.QueryRow(context.Background(), `SELECT count(*) FILTER (WHERE action = 'create' AND entity = 'case_note'),
		count(*) FILTER (WHERE action = 'view' AND entity = 'timeline') FROM audit_events WHERE person_id = $1`, notePersonID(t, p)).Scan(&creates, &views)
	if creates != 1 || views != 1 {
		t.Errorf("audit: %d note creates, %d timeline views", creates, views)
	}

	// A double submit of the same form stores one note.
	f := meetingForm("To ganger")
	f.Set("token", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")
	if a, b := createNote(t, c, p, f), createNote(t, c, p, f); a != b {
		t.Errorf("double submit made notes %d and %d", a, b)
	}
}

func TestNoteInterpreterRules(t *testing.T) {
	app := newTestApp(t)
	app.user("kari@kommune.no", domain.RoleCaseworker, "Øst")
	c := app.client()
	c.login("kari@kommune.no")
	p := createPerson(t, c, validPersonForm(nid(2)))

	// A child as interpreter: the form comes back with the warning until an
	// emergency is confirmed.
	f := meetingForm("Barnet tolket")
	f.Set("interpreter_category", "")
	f.Set("interpreter_is_child", "1")
	r := c.post(p+"/notes", f)
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("child interpreter without emergency: %d", r.Status)
	}
	noteMustContain(t, "child warning", r.Body, `data-testid="child-warning"`, "tolkeloven § 4", `id="interpreter_emergency"`,
		"Det var en nødsituasjon", `href="#interpreter_emergency"`, "Barnet tolket")
	f.Set("interpreter_emergency", "1")
	createNote(t, c, p, f)
	r = c.get(p + "/timeline")
	noteMustContain(t, "timeline", r.Body, `data-testid="child-interpreter"`, "barn som tolk i en nødsituasjon")

	// No interpreter for a person who needs one: a reason is required.
	f = meetingForm("Uten tolk")
	f.Set("interpreter_used", "no")
	r = c.post(p+"/notes", f)
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `href="#no_interpreter_reason"`) {
		t.Fatalf("no interpreter without reason: %d", r.Status)
	}
	f.Set("no_interpreter_reason", "Tolken meldte forfall")
	createNote(t, c, p, f)
	r = c.get(p + "/timeline")
	noteMustContain(t, "timeline", r.Body, "Uten tolk. Begrunnelse: Tolken meldte forfall")

	// A message needs no interpreter answer.
	createNote(t, c, p, url.Values{"kind": {"message"}, "note_date": {noteOsloToday()}, "body": {"Sendte SMS"}})
}

var noteVersionRe = regexp.MustCompile(`name="version" value="(\d+)"`)

func TestNoteEditConflictAndAuthor(t *testing.T) {
	app := newTestApp(t)
	app.user("kari@kommune.no", domain.RoleCaseworker, "Øst")
	app.user("per@kommune.no", domain.RoleCaseworker, "Øst")
	c := app.client()
	c.login("kari@kommune.no")
	p := createPerson(t, c, validPersonForm(nid(3)))
	id := createNote(t, c, p, meetingForm("Første utkast"))
	edit := fmt.Sprintf("%s/notes/%d", p, id)

	r := c.get(edit + "/edit")
	if r.Status != http.StatusOK || !strings.Contains(r.Body, "Første utkast") {
		t.Fatalf("edit form: %d", r.Status)
	}
	if m := noteVersionRe.FindStringSubmatch(r.Body); m == nil || m[1] != "1" {
		t.Fatalf("edit form version: %v", m)
	}
	f := meetingForm("Andre utkast")
	f.Set("version", "1")
	if r := c.post(edit, f); r.Status != http.StatusSeeOther || !noteLocRe.MatchString(r.Location) {
		t.Fatalf("edit: %d %s", r.Status, r.Location)
	}
	// The same version again with other text: 409, both versions, input kept.
	f.Set("body", "Tredje utkast")
	r = c.post(edit, f)
	if r.Status != http.StatusConflict {
		t.Fatalf("stale edit: %d", r.Status)
	}
	noteMustContain(t, "conflict", r.Body, `data-testid="conflict"`, `data-testid="stored-version"`, "Andre utkast", "Tredje utkast")
	if m := noteVersionRe.FindStringSubmatch(r.Body); m == nil || m[1] != "2" {
		t.Errorf("conflict form version: %v, want 2", m)
	}
	// Missing version and bad input.
	f.Del("version")
	if r := c.post(edit, f); r.Status != http.StatusUnprocessableEntity {
		t.Errorf("edit without version: %d", r.Status)
	}
	f.Set("version", "2")
	f.Set("kind", "")
	if r := c.post(edit, f); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Tredje utkast") {
		t.Errorf("edit with bad input: %d", r.Status)
	}

	// Another caseworker may read and correct, not edit.
	c2 := app.client()
	c2.login("per@kommune.no")
	if r := c2.get(edit + "/edit"); r.Status != http.StatusForbidden {
		t.Errorf("someone else's edit form: %d", r.Status)
	}
	f.Set("kind", "meeting")
	if r := c2.post(edit, f); r.Status != http.StatusForbidden {
		t.Errorf("someone else's edit: %d", r.Status)
	}
	r = c2.get(p + "/timeline")
	if !strings.Contains(r.Body, "Andre utkast") || strings.Contains(r.Body, `data-testid="edit-note"`) || !strings.Contains(r.Body, `data-testid="correct-note"`) {
		t.Error("a colleague should see the note with Korriger and without Endre")
	}
	// Unknown notes and bad ids.
	for _, path := range []string{p + "/notes/999999/edit", p + "/notes/x/edit", "/persons/x/notes/new", p + "/notes/0/correct"} {
		if r := c.get(path); r.Status != http.StatusNotFound {
			t.Errorf("GET %s: %d", path, r.Status)
		}
	}
}

func TestNoteLockedAndCorrection(t *testing.T) {
	app := newTestApp(t)
	app.user("kari@kommune.no", domain.RoleCaseworker, "Øst")
	c := app.client()
	c.login("kari@kommune.no")
	p := createPerson(t, c, validPersonForm(nid(4)))
	f := meetingForm("Feil i notatet")
	f.Set("note_date", time.Now().AddDate(0, 0, -3).Format("2006-01-02"))
	id := createNote(t, c, p, f)
	base := fmt.Sprintf("%s/notes/%d", p, id)

	real := app.DB.Now
	app.DB.Now = func() time.Time { return real().Add(25 * time.Hour) }
	defer func() { app.DB.Now = real }()

	// After 24 hours the edit form leads to the correction form.
	r := c.get(base + "/edit")
	if r.Status != http.StatusSeeOther || r.Location != base+"/correct" {
		t.Fatalf("late edit form: %d %s", r.Status, r.Location)
	}
	// An edit sent late keeps the text and offers it as a correction.
	f.Set("version", "1")
	f.Set("body", "Rettet tekst")
	r = c.post(base, f)
	if r.Status != http.StatusConflict {
		t.Fatalf("late edit: %d", r.Status)
	}
	noteMustContain(t, "late edit", r.Body, `data-testid="locked"`, `action="`+base+`/correct"`, "Rettet tekst", `data-testid="original-note"`)

	r = c.get(base + "/correct")
	if r.Status != http.StatusOK {
		t.Fatalf("correction form: %d", r.Status)
	}
	noteMustContain(t, "correction form", r.Body, "Notatet er eldre enn 24 timer", "Feil i notatet", `data-testid="original-note"`)
	f.Del("version")
	f.Set("token", "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb")
	f.Set("note_date", "") // bad input comes back
	if r := c.post(base+"/correct", f); r.Status != http.StatusUnprocessableEntity {
		t.Errorf("correction with bad input: %d", r.Status)
	}
	f.Set("note_date", time.Now().AddDate(0, 0, -3).Format("2006-01-02"))
	r = c.post(base+"/correct", f)
	m := noteLocRe.FindStringSubmatch(r.Location)
	if r.Status != http.StatusSeeOther || m == nil {
		t.Fatalf("correction: %d %s", r.Status, r.Location)
	}
	cid := m[3]
	r = c.get(strings.Split(r.Location, "#")[0])
	noteMustContain(t, "timeline", r.Body, "Korrigert – se korrigering", "Korrigerer notat fra "+time.Now().AddDate(0, 0, -3).Format("02.01.2006"),
		"Rettet tekst", "Feil i notatet", `data-testid="flash">Korrigeringen er lagret.`)

	// The corrected note: no second correction, the form leads to the correction's.
	r = c.get(base + "/correct")
	if r.Status != http.StatusSeeOther || r.Location != p+"/notes/"+cid+"/correct" {
		t.Errorf("correct a corrected note: %d %s", r.Status, r.Location)
	}
	f.Set("token", "cccccccccccccccccccccccccccccccc")
	r = c.post(base+"/correct", f)
	if r.Status != http.StatusConflict || !strings.Contains(r.Body, `data-testid="already-corrected"`) || !strings.Contains(r.Body, "Rettet tekst") {
		t.Errorf("second correction: %d", r.Status)
	}
}

func TestNoteRoles(t *testing.T) {
	app := newTestApp(t)
	app.user("kari@kommune.no", domain.RoleCaseworker, "Øst")
	app.user("helse@kommune.no", domain.RoleHealth, "Øst")
	app.user("bolig@kommune.no", domain.RoleHousing, "Øst")
	app.user("leder@kommune.no", domain.RoleLeader, "Øst")
	app.user("vest@kommune.no", domain.RoleCaseworker, "Vest")
	app.user("admin@kommune.no", domain.RoleAdmin, "Vest")
	c := app.client()
	c.login("kari@kommune.no")
	p := createPerson(t, c, validPersonForm(nid(5)))
	id := createNote(t, c, p, meetingForm("Fortrolig saksnotat"))
	base := fmt.Sprintf("%s/notes/%d", p, id)
	f := meetingForm("Forsøk")
	f.Set("version", "1")

	type call struct {
		method, path string
	}
	writes := []call{{"GET", p + "/notes/new"}, {"POST", p + "/notes"}, {"GET", base + "/edit"}, {"POST", base},
		{"GET", base + "/correct"}, {"POST", base + "/correct"}}
	for _, tc := range []struct {
		email      string
		write      int // status of every write route
		timeline   int
		seesNotes  bool
		notesBadge bool
	}{
		{"helse@kommune.no", http.StatusForbidden, http.StatusOK, false, true},
		{"bolig@kommune.no", http.StatusForbidden, http.StatusOK, false, true},
		{"vest@kommune.no", http.StatusNotFound, http.StatusNotFound, false, false},
	} {
		t.Run(tc.email, func(t *testing.T) {
			u := app.client()
			u.login(tc.email)
			for _, w := range writes {
				var r response
				if w.method == "GET" {
					r = u.get(w.path)
				} else {
					r = u.post(w.path, f)
				}
				if r.Status != tc.write {
					t.Errorf("%s %s: %d, want %d", w.method, w.path, r.Status, tc.write)
				}
			}
			r := u.get(p + "/timeline")
			if r.Status != tc.timeline {
				t.Fatalf("timeline: %d, want %d", r.Status, tc.timeline)
			}
			if strings.Contains(r.Body, "Fortrolig saksnotat") != tc.seesNotes {
				t.Errorf("timeline shows the note: %v", !tc.seesNotes)
			}
			if tc.timeline == http.StatusOK {
				noteMustContain(t, "timeline", r.Body, `data-testid="notes-hidden"`, "Deltakeren ble registrert")
				if strings.Contains(r.Body, `data-testid="new-note"`) {
					t.Error("a read-only role is offered a new note")
				}
				pr := u.get(p)
				if pr.Status != http.StatusOK || strings.Contains(pr.Body, "Fortrolig saksnotat") || !strings.Contains(pr.Body, `data-testid="timeline-section"`) {
					t.Errorf("person page for %s: %d", tc.email, pr.Status)
				}
			}
		})
	}
	// Leaders and admins read notes and may write them.
	for _, email := range []string{"leder@kommune.no", "admin@kommune.no"} {
		u := app.client()
		u.login(email)
		if r := u.get(p + "/timeline"); r.Status != http.StatusOK || !strings.Contains(r.Body, "Fortrolig saksnotat") {
			t.Errorf("%s timeline: %d", email, r.Status)
		}
		createNote(t, u, p, meetingForm("Notat fra "+email))
	}
}

func TestTimelinePaging(t *testing.T) {
	app := newTestApp(t)
	u := app.user("kari@kommune.no", domain.RoleCaseworker, "Øst")
	c := app.client()
	c.login("kari@kommune.no")
	p := createPerson(t, c, validPersonForm(nid(6)))
	pid := notePersonID(t, p)
	start := time.Now().AddDate(0, 0, -100)
	for i := range 55 {
		in := domain.NoteInput{Kind: domain.NotePhone, NoteDate: domain.Date(start.AddDate(0, 0, i)), Body: fmt.Sprintf("Notat nummer %02d", i)}
		if _, err := app.DB.CreateNote(context.Background(), u.Scope(), pid, in); err != nil {
			t.Fatal(err)
		}
	}
	itemRe := regexp.MustCompile(`id="((?:note|change|deadline)-\d+)" data-testid="timeline-item"`)
	olderRe := regexp.MustCompile(`href="([^"]+)" rel="next" data-testid="older-page"`)
	seen := map[string]bool{}
	path := p + "/timeline"
	pages := 0
	for path != "" && pages < 10 {
		r := c.get(path)
		if r.Status != http.StatusOK {
			t.Fatalf("GET %s: %d", path, r.Status)
		}
		items := itemRe.FindAllStringSubmatch(r.Body, -1)
		if pages == 0 && len(items) != 50 {
			t.Errorf("first page has %d items, want 50", len(items))
		}
		if pages > 0 && !strings.Contains(r.Body, `data-testid="newest-page"`) {
			t.Error("an older page has no link back to the newest")
		}
		for _, m := range items {
			if seen[m[1]] {
				t.Errorf("%s on two pages", m[1])
			}
			seen[m[1]] = true
		}
		path = ""
		if m := olderRe.FindStringSubmatch(r.Body); m != nil {
			path = strings.ReplaceAll(m[1], "&amp;", "&")
		}
		pages++
	}
	notesSeen := 0
	for k := range seen {
		if strings.HasPrefix(k, "note-") {
			notesSeen++
		}
	}
	if pages != 2 || notesSeen != 55 {
		t.Errorf("%d pages, %d notes seen, want 2 pages and 55 notes", pages, notesSeen)
	}
	// The person page shows 20 items and links to the rest.
	r := c.get(p)
	if n := len(itemRe.FindAllString(r.Body, -1)); n != 20 || !strings.Contains(r.Body, "Se hele tidslinjen") {
		t.Errorf("person page: %d items", n)
	}
	// A bad cursor is bad input; another unit's person is not found.
	for _, bad := range []string{"x", "20260101-9-1", "20261301-1-1", "1-1"} {
		if r := c.get(p + "/timeline?before=" + bad); r.Status != http.StatusUnprocessableEntity {
			t.Errorf("cursor %q: %d", bad, r.Status)
		}
	}
	if r := c.get("/persons/999999/timeline"); r.Status != http.StatusNotFound {
		t.Errorf("missing person's timeline: %d", r.Status)
	}
	// An anonymous user is sent to the login page.
	if r := app.client().get(p + "/timeline"); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/login") {
		t.Errorf("anonymous timeline: %d %s", r.Status, r.Location)
	}
}
