package server_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"ankomst/internal/domain"

	"github.com/chromedp/chromedp"
)

// TestBrowserHealthEndToEnd is issue 10's walk: a health worker opens the
// worklist from the menu, finds the overdue TB screening of a person from
// Eritrea, follows the name to the checklist, gives the purpose, books the
// screening and marks it done; the worklist no longer lists it and Frister
// shows the deadline met. The unit's leader then sees the reads (with their
// purposes) in the person's access report, and a caseworker sees only the
// summary line. Every page is checked with axe at desktop and phone widths.
func TestBrowserHealthEndToEnd(t *testing.T) {
	skipUnlessBrowser(t)
	app := newTestApp(t)
	now := time.Date(2026, 3, 25, 12, 0, 0, 0, time.UTC)
	app.DB.Now = func() time.Time { return now }
	kari := app.user("kari@k.no", domain.RoleCaseworker, "Øst")
	app.user("helse@k.no", domain.RoleHealth, "Øst")
	app.user("leder@k.no", domain.RoleLeader, "Øst")

	// Fixtures through the person form: Amina from Eritrea arrived 22 days
	// ago (TB due 14 days after arrival: 8 days overdue), Omar from Syria
	// arrived almost 3 months ago (no TB; his other items are due soon).
	c := app.client()
	c.login("kari@k.no")
	f := validPersonForm(nid(1))
	f.Set("given_name", "Amina")
	f.Set("family_name", "Tesfay")
	f.Set("country_of_origin", "ER")
	f["languages"] = []string{"ti"}
	f.Set("interpreter_language", "ti")
	f.Set("arrival_date", "2026-03-03")
	f.Set("settlement_date", "2026-03-05")
	f.Set("caseworker_id", strconv.FormatInt(kari.ID, 10))
	path := createPerson(t, c, f)
	g := validPersonForm(nid(2))
	g.Set("given_name", "Omar")
	g.Set("family_name", "Said")
	g.Set("country_of_origin", "SY")
	g.Set("arrival_date", "2026-01-01")
	g.Set("settlement_date", "2026-01-05")
	createPerson(t, c, g)
	pid, _ := strconv.ParseInt(strings.TrimPrefix(path, "/persons/"), 10, 64)
	tb := hlItemID(t, app, pid, domain.HealthTB)
	item := `#item-` + tb

	b := newBrowser(t, app)
	b.login("helse@k.no", testPassword)

	// Frister before: the TB deadline is open and overdue.
	if st := b.open("/deadlines"); st != http.StatusOK {
		t.Fatalf("Frister: %d", st)
	}
	if rows := deadlineRowsFor(b, "Amina Tesfay"); !hasRow(rows, "Forfalt", "TB") {
		t.Errorf("Frister before: no overdue TB row for Amina: %q", rows)
	}

	// The worklist from the menu.
	if st := b.submit(`nav.app-nav a[href="/health"]`); st != http.StatusOK {
		t.Fatalf("menu «Helse»: %d", st)
	}
	if h := b.text("h1"); !strings.Contains(h, "Helse") && !strings.Contains(h, "arbeidsliste") {
		t.Errorf("worklist heading %q", h)
	}
	if cur := eval[string](b, "menu current", `document.querySelector('nav.app-nav a[aria-current="page"]')?.innerText || ''`); cur != "Helse" {
		t.Errorf("current menu entry %q, want Helse", cur)
	}
	b.waitVisible(`[data-testid="worklist-table"]`)
	rows := worklistRows(b)
	if len(rows) < 2 || !strings.Contains(rows[0], "Amina Tesfay") || !strings.Contains(rows[0], "TB-undersøkelse") ||
		!strings.Contains(rows[0], "8 dager over fristen") || !strings.Contains(rows[0], "Tigrinja") {
		t.Errorf("worklist rows (first should be Amina's overdue TB, with her language): %q", rows)
	}
	if !anyContains(rows, "Omar Said") {
		t.Errorf("Omar's due-soon items are missing: %q", rows)
	}
	b.checkPage("hl-e2e-worklist")

	// Sort by due date descending, then filter by «TB-undersøkelse».
	b.do("sort desc", chromedp.Click(chromedp.CSS(`[data-testid="sort-due"]`)))
	b.waitVisible(`th[aria-sort="descending"]`)
	if rows := worklistRows(b); len(rows) < 2 || strings.Contains(rows[0], "Amina") {
		t.Errorf("descending: Amina's overdue TB should be last: %q", rows)
	}
	if opt := eval[string](b, "TB option", `[...document.querySelectorAll('#kind option')].find(o => o.value === 'tb_screening')?.textContent.trim() || ''`); opt != "TB-undersøkelse" {
		t.Errorf("filter option %q, want TB-undersøkelse", opt)
	}
	b.setValue("#kind", "tb_screening")
	if st := b.submit(`[data-testid="filter-submit"]`); st != http.StatusOK {
		t.Fatalf("filter: %d", st)
	}
	b.waitVisible(`[data-testid="worklist-table"]`)
	rows = worklistRows(b)
	if len(rows) != 1 || !strings.Contains(rows[0], "Amina Tesfay") {
		t.Fatalf("filtered by TB: %q", rows)
	}
	b.checkPage("hl-e2e-worklist-tb")

	// Follow the name: the purpose form first, no item before it.
	if st := b.submit(`[data-testid="worklist-person"]`); st != http.StatusOK {
		t.Fatalf("follow the name: %d", st)
	}
	if loc := b.location(); !strings.HasSuffix(strings.SplitN(loc, "?", 2)[0], path+"/health") && !strings.Contains(loc, path+"/health") {
		t.Errorf("the name leads to %s, want the checklist", loc)
	}
	b.waitVisible(`[data-testid="health-purpose-form"]`)
	if n := eval[int](b, "items before purpose", `document.querySelectorAll('[data-testid="health-items"], .health-item, [data-testid="health-status"]').length`); n != 0 {
		t.Errorf("%d item elements shown before the purpose", n)
	}
	body := eval[string](b, "page text", `document.body.innerText`)
	if strings.Contains(body, "Ikke startet") || strings.Contains(body, "Bestilt") {
		t.Errorf("item detail shown before the purpose:\n%s", body)
	}
	b.checkPage("hl-e2e-purpose")
	b.do("choose Timebestilling", chromedp.Click(chromedp.CSS(`#purpose-booking`)))
	if lbl := b.text(`label[for="purpose-booking"]`); lbl != "Timebestilling" {
		t.Errorf("purpose label %q", lbl)
	}
	if st := b.submit(`[data-testid="purpose-submit"]`); st != http.StatusOK {
		t.Fatalf("purpose: %d", st)
	}
	b.waitVisible(`[data-testid="health-items"]`)
	if got := b.text(`[data-testid="health-purpose"]`); !strings.Contains(got, "Timebestilling") {
		t.Errorf("purpose line %q", got)
	}
	if got := b.text(item + ` [data-testid="health-status"]`); !strings.HasPrefix(got, "Ikke startet") {
		t.Errorf("TB status before booking %q", got)
	}
	b.checkPage("hl-e2e-checklist")

	// Book the TB screening.
	b.do("open the TB form", chromedp.Click(chromedp.CSS(item+` [data-testid="health-edit"]`)))
	b.waitVisible(`#status-` + tb)
	b.waitVisible(item + ` [data-testid="health-note-warning"]`)
	if got := b.text(item + ` [data-testid="health-note-warning"]`); got != domain.HealthNoteWarning {
		t.Errorf("warning %q", got)
	}
	// The warning is visible right beside (above) the note field.
	gap := eval[float64](b, "warning beside the note", `(() => {
		const w = document.querySelector('#note-warning-`+tb+`').getBoundingClientRect();
		const f = document.querySelector('#logistics_note-`+tb+`').getBoundingClientRect();
		if (w.width === 0 || w.height === 0 || f.width === 0) return -1;
		return f.top - w.bottom;
	})()`)
	if gap < 0 || gap > 80 {
		t.Errorf("the warning is not visible just above the note field (gap %.0fpx)", gap)
	}
	b.setValue(`#status-`+tb, "booked")
	b.setValue(`#booked_on-`+tb, "2026-03-27")
	b.setValue(`#place-`+tb, "health_station")
	b.do("interpreter booked", chromedp.Click(chromedp.CSS(`#interpreter_booked-`+tb)))
	b.typeInto(`#logistics_note-`+tb, "Tolk bestilt, møter kl. 09 i 2. etasje")
	b.checkPage("hl-e2e-book-form")
	if st := b.submit(item + ` [data-testid="health-save"]`); st != http.StatusOK {
		t.Fatalf("book: %d", st)
	}
	b.waitVisible(`[data-testid="flash"]`)
	for sel, want := range map[string]string{
		`[data-testid="health-booked"]`:      "27.03.2026",
		`[data-testid="health-interpreter"]`: "Ja",
	} {
		if got := b.text(item + " " + sel); got != want {
			t.Errorf("after booking %s = %q, want %q", sel, got, want)
		}
	}
	if got := b.text(item + ` [data-testid="health-status"]`); !strings.HasPrefix(got, "Bestilt") {
		t.Errorf("status after booking %q", got)
	}
	if txt := b.text(item); !strings.Contains(txt, "Helsestasjon") || !strings.Contains(txt, "Tolk bestilt, møter kl. 09") {
		t.Errorf("booked item lacks the place or the note: %q", txt)
	}
	b.checkPage("hl-e2e-booked")

	// Mark it done.
	b.do("open the TB form again", chromedp.Click(chromedp.CSS(item+` [data-testid="health-edit"]`)))
	b.waitVisible(`#status-` + tb)
	b.setValue(`#status-`+tb, "done")
	b.setValue(`#done_on-`+tb, "2026-03-25")
	if st := b.submit(item + ` [data-testid="health-save"]`); st != http.StatusOK {
		t.Fatalf("done: %d", st)
	}
	b.waitVisible(`[data-testid="flash"]`)
	if got := b.text(item + ` [data-testid="health-status"]`); got != "Utført" {
		t.Errorf("status %q", got)
	}
	if got := b.text(item + ` [data-testid="health-done"]`); got != "25.03.2026" {
		t.Errorf("done %q", got)
	}
	b.checkPage("hl-e2e-done")

	// The worklist no longer lists it.
	if st := b.submit(`nav.app-nav a[href="/health"]`); st != http.StatusOK {
		t.Fatalf("worklist again: %d", st)
	}
	b.waitVisible(`[data-testid="worklist-table"]`)
	if rows := worklistRows(b); anyContains(rows, "Amina") || !anyContains(rows, "Omar Said") {
		t.Errorf("worklist after done: %q", rows)
	}
	if st := b.open("/health?kind=tb_screening"); st != http.StatusOK {
		t.Fatalf("worklist TB: %d", st)
	}
	b.waitVisible(`[data-testid="empty-state"]`)
	b.checkPage("hl-e2e-worklist-tb-empty")

	// Frister: the TB deadline is met (gone from the open list, «Utført» on
	// the person's page).
	if st := b.submit(`nav.app-nav a[href="/deadlines"]`); st != http.StatusOK {
		t.Fatalf("Frister: %d", st)
	}
	if rows := deadlineRowsFor(b, "Amina Tesfay"); hasRow(rows, "", "TB") {
		t.Errorf("Frister after done still lists Amina's TB: %q", rows)
	}
	b.checkPage("hl-e2e-frister")
	if st := b.open(path); st != http.StatusOK {
		t.Fatalf("person: %d", st)
	}
	b.waitVisible(`[data-testid="deadline-tb_screening"]`)
	if got := b.text(`[data-testid="deadline-tb_screening"] [data-testid="status-tag"]`); got != "Utført 25.03.2026" {
		t.Errorf("person page TB deadline tag %q, want Utført 25.03.2026", got)
	}
	b.checkPage("hl-e2e-person-health")

	// The leader: the person's access report lists the reads and purposes.
	l := newBrowser(t, app)
	l.login("leder@k.no", testPassword)
	if st := l.open(path + "/health/access"); st != http.StatusOK {
		t.Fatalf("access report: %d", st)
	}
	l.waitVisible(`[data-testid="health-access-table"]`)
	acc := eval[[]string](l, "access rows",
		`[...document.querySelectorAll('[data-testid="health-access-row"]')].map(r => r.innerText.replace(/\s+/g, ' '))`)
	var booking, worklist, changes int
	for _, r := range acc {
		switch {
		case strings.Contains(r, "Leste helseoppfølgingen") && strings.Contains(r, "Timebestilling"):
			booking++
		case strings.Contains(r, "Leste helseoppfølgingen") && strings.Contains(r, "Arbeidsliste"):
			worklist++
		case strings.Contains(r, "Endret helseoppfølgingen"):
			changes++
		}
	}
	if booking == 0 || worklist == 0 || changes < 2 {
		t.Errorf("access report: %d reads for Timebestilling, %d worklist reads, %d changes; rows:\n%s",
			booking, worklist, changes, strings.Join(acc, "\n"))
	}
	for _, r := range acc {
		if strings.Contains(r, "Tolk bestilt") || strings.Contains(r, "Bestilt") {
			t.Errorf("the access report shows item content: %q", r)
		}
	}
	l.checkPage("hl-e2e-access")

	// The caseworker: the summary line only; the checklist is 403.
	k := newBrowser(t, app)
	k.login("kari@k.no", testPassword)
	if st := k.open(path); st != http.StatusOK {
		t.Fatalf("person as caseworker: %d", st)
	}
	k.waitVisible(`[data-testid="health-summary"]`)
	if got := k.text(`[data-testid="health-summary"]`); !strings.HasPrefix(got, "Helseoppfølging: ") {
		t.Errorf("summary %q", got)
	}
	kbody := eval[string](k, "person page text", `document.body.innerText`)
	for _, bad := range []string{"TB-undersøkelse", "Tolk bestilt", "Helsestasjon", "Åpne helseoppfølgingen"} {
		if strings.Contains(kbody, bad) {
			t.Errorf("the caseworker's person page shows %q", bad)
		}
	}
	k.checkPage("hl-e2e-caseworker-person")
	if st := k.open(path + "/health"); st != http.StatusForbidden {
		t.Errorf("caseworker GET %s/health: %d, want 403", path, st)
	}
	k.checkPage("hl-e2e-caseworker-403")
}

func deadlineRowsFor(b *browser, name string) []string {
	b.t.Helper()
	var out []string
	for _, r := range eval[[]string](b, "read deadline rows",
		`[...document.querySelectorAll('[data-testid="deadline-row"]')].map(r => r.innerText.replace(/\s+/g, ' '))`) {
		if strings.Contains(r, name) {
			out = append(out, r)
		}
	}
	return out
}

// hasRow reports whether a row holds both strings.
func hasRow(rows []string, a, b string) bool {
	for _, r := range rows {
		if strings.Contains(r, a) && strings.Contains(r, b) {
			return true
		}
	}
	return false
}

func anyContains(rows []string, s string) bool {
	for _, r := range rows {
		if strings.Contains(r, s) {
			return true
		}
	}
	return false
}
