package server_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"ankomst/internal/domain"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestBrowserAttendance: a caseworker opens the grid of a group of five
// participants with plans, moves between cells with the arrow keys, marks
// one unexcused absence with the 'u' key, saves the week with one submit and
// sees it saved; the group pages and the grid pass axe at desktop and phone
// width.
func TestBrowserAttendance(t *testing.T) {
	skipUnlessBrowser(t)
	app := newTestApp(t)
	cw := app.user("kari@kommune.no", domain.RoleCaseworker, "Øst")
	c := app.client()
	c.login("kari@kommune.no")
	today := domain.Today(time.Now())
	monday := domain.WeekStart(today)
	week := domain.FormatISOWeek(monday)
	// The server's clock: Friday evening of this week, so every day of the
	// week has come and can be registered.
	friday := domain.AddDays(monday, 4).Add(18 * time.Hour)
	app.DB.Now = func() time.Time { return friday }
	start := domain.FormatISODate(ptrDate(domain.AddDays(monday, -70)))

	groupPath, gid := grCreate(t, c, "Norsk A2 formiddag")
	var ids []int64
	for i, name := range [][2]string{{"Amal", "Ahmadi"}, {"Bashir", "Berg"}, {"Carmen", "Castro"}, {"Dawit", "Desta"}, {"Elena", "Ek"}} {
		pid := grParticipant(t, app, c, 10+i, name[0], name[1], cw.ID, start, 2250)
		if r := c.post(groupPath+"/members", url.Values{"person_id": {strconv.FormatInt(pid, 10)}, "joined_on": {start}}); r.Status != http.StatusSeeOther {
			t.Fatalf("add member: %d", r.Status)
		}
		ids = append(ids, pid)
	}

	b := newBrowser(t, app)
	b.login("kari@kommune.no", testPassword)

	// The group pages.
	b.open("/groups")
	b.waitVisible(`[data-testid="group-row"]`)
	b.checkPage("groups")
	b.open("/groups/new")
	b.waitVisible(`#name`)
	b.checkPage("group-new")
	b.open(groupPath)
	b.waitVisible(`[data-testid="member-row"]`)
	b.checkPage("group")

	// The grid, from the group page's button.
	if st := b.submit(`[data-testid="group-attendance"]`); st != http.StatusOK {
		t.Fatalf("grid: %d", st)
	}
	b.waitVisible(`[data-testid="attendance-grid"]`)
	if loc := b.location(); !strings.Contains(loc, "group="+strconv.FormatInt(gid, 10)) || !strings.Contains(loc, "week="+week) {
		t.Errorf("the grid's URL %s", loc)
	}
	if n := eval[int](b, "rows", `document.querySelectorAll('[data-testid="attendance-row"]').length`); n != 5 {
		t.Fatalf("%d rows, want 5", n)
	}
	b.checkPage("attendance-grid")

	cellID := func(row, day int) string { return domain.CellField("h", ids[row], domain.AddDays(monday, day)) }
	active := func() string { return eval[string](b, "the focused cell", `document.activeElement.id`) }

	// Arrow keys: right, down, down, left, up.
	b.do("focus the first cell", chromedp.Focus(chromedp.CSS("#"+cellID(0, 0))))
	for _, step := range []struct {
		key  string
		want string
	}{
		{kb.ArrowRight, cellID(0, 1)},
		{kb.ArrowDown, cellID(1, 1)},
		{kb.ArrowDown, cellID(2, 1)},
		{kb.ArrowLeft, cellID(2, 0)},
		{kb.ArrowUp, cellID(1, 0)},
		{kb.ArrowRight, cellID(1, 1)},
		{kb.ArrowDown, cellID(2, 1)},
	} {
		b.do("key", chromedp.KeyEvent(step.key))
		if got := active(); got != step.want {
			t.Fatalf("after a key the focus is on %q, want %q", got, step.want)
		}
	}
	// 'u' on Carmen Castro's Tuesday: unexcused, the whole day.
	b.do("u", chromedp.KeyEvent("u"))
	tuesdayReason := "#" + domain.CellField("r", ids[2], domain.AddDays(monday, 1))
	if got := b.value(tuesdayReason); got != domain.ReasonUnexcused {
		t.Fatalf("the reason after 'u' is %q", got)
	}
	if got := b.value("#" + cellID(2, 1)); got != "0" {
		t.Errorf("the hours after 'u' are %q, want 0", got)
	}
	b.waitVisible(`[data-testid="legend"] kbd`)

	// One submit saves the week.
	if st := b.submit(`[data-testid="save-week"]`); st != http.StatusOK {
		t.Fatalf("save: %d", st)
	}
	b.waitVisible(`[data-testid="flash"]`)
	if got := b.text(`[data-testid="flash"]`); !strings.Contains(got, "Uka er lagret: 25 celler for 5 deltakere") {
		t.Errorf("flash %q", got)
	}
	if got := b.value(tuesdayReason); got != domain.ReasonUnexcused {
		t.Errorf("the saved reason is %q", got)
	}
	sums := eval[string](b, "sums", `document.querySelectorAll('[data-testid="row-sums"]')[2].textContent`)
	if !strings.Contains(sums, "til stede 30 t") || !strings.Contains(sums, "fravær 7,5 t") {
		t.Errorf("Carmen's sums %q", sums)
	}
	b.checkPage("attendance-saved")

	// A refused week shows the error summary and keeps the input.
	b.typeInto("#"+cellID(0, 0), "1.2.3")
	if st := b.submit(`[data-testid="save-week"]`); st != http.StatusUnprocessableEntity {
		t.Fatalf("bad hours: %d, want 422", st)
	}
	b.waitVisible(`[data-testid="error-summary"]`)
	if got := b.value("#" + cellID(0, 0)); got != "1.2.3" {
		t.Errorf("the input after 422 is %q", got)
	}
	b.checkPage("attendance-error")
}

func ptrDate(d time.Time) *time.Time { return &d }
