package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"ankomst/internal/domain"
	"ankomst/web/paths"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestBrowserProgrammeEndToEnd is issue 8's walk through the programme in
// Chromium as a caseworker: from the person page to the programme, the
// permit date and a granted decision (the right-and-duty sentence), a
// 37,5-hour weekly plan typed from the keyboard, a group of five, a past
// week of attendance entered from the keyboard with one unexcused absence
// (fewer hours present), saved with one submit, and the month's benefit
// with its deduction — equal to domain.ComputeBenefit on the same inputs
// with the rates in the database — on the benefit page, the calculator and
// the person page's Program section. axe on every page at desktop and
// phone widths (screenshots with ANKOMST_SCREENSHOTS).
func TestBrowserProgrammeEndToEnd(t *testing.T) {
	skipUnlessBrowser(t)
	started := time.Now()
	app := newTestApp(t)
	// The server's clock: Thursday 1 October 2026 while the programme is set
	// up; later Wednesday 2 December, so that November is last month and
	// its week 46 has passed.
	now := time.Date(2026, 10, 1, 10, 0, 0, 0, time.UTC)
	app.DB.Now = func() time.Time { return now }
	kari := app.user("kari@kommune.no", domain.RoleCaseworker, "Øst")
	c := app.client()
	c.login(kari.Email)
	// Amina Haidari, born 12.04.1990, settled 10.03.2026, Kari's.
	personPath, id := clPerson(t, c, 1, "Amina", "Haidari", kari.ID)
	const (
		start      = "2026-10-05" // a Monday: the programme's start and the plan's
		plannedEnd = "2027-10-01"
	)

	b := newBrowser(t, app)
	b.login(kari.Email, testPassword)

	// The person list leads to the person page; its Program section to the
	// programme.
	b.waitVisible(`[data-testid="person-table"]`)
	if st := b.submit(`[data-testid="person-row"] a`); st != http.StatusOK {
		t.Fatalf("person page: %d", st)
	}
	b.waitVisible(`[data-testid="programme-section"]`)
	if loc := b.location(); !strings.HasSuffix(loc, personPath) {
		t.Fatalf("the list's link went to %s, want %s", loc, personPath)
	}
	b.checkPage("e2e-person-before")
	if st := b.submit(`[data-testid="programme-link"]`); st != http.StatusOK {
		t.Fatalf("programme page: %d", st)
	}
	b.waitVisible(`[data-testid="programme-heading"]`)
	b.checkPage("e2e-programme-empty")

	// The permit date (rule set form).
	if st := b.submit(`[data-testid="ruleset-edit"]`); st != http.StatusOK {
		t.Fatalf("rule set form: %d", st)
	}
	b.waitVisible(`[data-testid="form-ruleset"]`)
	b.checkPage("e2e-ruleset")
	b.setValue("#permit_date", "2026-02-01")
	if st := b.submit(`[data-testid="submit"]`); st != http.StatusOK {
		t.Fatalf("save rule set: %d", st)
	}
	if got := b.text(`[data-testid="flash"]`); got != "Regelverket er lagret." {
		t.Errorf("flash after the rule set %q", got)
	}

	// The decision: granted, from a Monday, end goal work.
	if st := b.submit(`[data-testid="decision-edit"]`); st != http.StatusOK {
		t.Fatalf("decision form: %d", st)
	}
	b.waitVisible(`[data-testid="form-decision"]`)
	b.checkPage("e2e-decision")
	b.do("granted", chromedp.Click(chromedp.CSS(`[data-testid="decision-granted"]`)))
	b.setValue("#decision_date", "2026-09-29")
	b.setValue("#start_date", start)
	b.setValue("#end_goal", "work")
	b.setValue("#planned_end", plannedEnd)
	b.typeInto("#norwegian_goal", "B1 muntlig")
	if st := b.submit(`[data-testid="submit"]`); st != http.StatusOK {
		t.Fatalf("save decision: %d", st)
	}
	if got := b.text(`[data-testid="flash"]`); got != "Vedtaket er lagret." {
		t.Errorf("flash after the decision %q", got)
	}
	rightDuty := b.text(`[data-testid="right-duty"]`)
	for _, want := range []string{"Amina har rett og plikt til introduksjonsprogram etter integreringsloven", "35 år", "01.02.2026", "under 2 år"} {
		if !strings.Contains(rightDuty, want) {
			t.Errorf("right and duty %q lacks %q", rightDuty, want)
		}
	}
	if got := b.text(`[data-testid="programme-status"]`); got == "Ikke vedtatt" {
		t.Errorf("status after the decision %q", got)
	}
	b.checkPage("e2e-programme-granted")

	// The weekly plan, typed from the keyboard: Norwegian 15 h Mon–Fri,
	// work practice 15 h Mon–Wed, social studies 7,5 h Thu–Fri.
	if st := b.submit(`[data-testid="plan-link"]`); st != http.StatusOK {
		t.Fatalf("plan page: %d", st)
	}
	b.waitVisible(`[data-testid="no-plan"]`)
	b.checkPage("e2e-plan-empty")
	if st := b.submit(`[data-testid="new-plan-version"]`); st != http.StatusOK {
		t.Fatalf("plan form: %d", st)
	}
	b.waitVisible(`[data-testid="plan-form"]`)
	if v := b.value("#valid_from"); v != start {
		t.Errorf("valid_from defaults to %q, want next Monday %s", v, start)
	}
	b.checkPage("e2e-plan-form")
	b.tabTo("#norwegian_hours")
	b.keys("15")
	for _, d := range []string{"1", "2", "3", "4", "5"} {
		b.tabTo("#norwegian_days_" + d)
		b.keys(" ")
	}
	b.tabTo("#social_studies_hours")
	b.keys("7,5")
	for _, d := range []string{"4", "5"} {
		b.tabTo("#social_studies_days_" + d)
		b.keys(" ")
	}
	b.tabTo("#work_practice_hours")
	b.keys("15")
	for _, d := range []string{"1", "2", "3"} {
		b.tabTo("#work_practice_days_" + d)
		b.keys(" ")
	}
	b.tabTo("#work_practice_description")
	b.keys("Kafé Bryggen")
	b.tabTo(`[data-testid="save-plan"]`)
	b.keys("\r")
	b.waitVisible(`[data-testid="flash"]`)
	if loc := b.location(); !strings.HasSuffix(loc, paths.PersonPlan(id)) {
		t.Fatalf("after saving the plan at %s", loc)
	}
	weeks := eval[[]string](b, "week rows", `[...document.querySelectorAll('[data-testid="week-row"]')].map(r => r.innerText.replace(/\s+/g, ' '))`)
	if len(weeks) == 0 {
		t.Fatal("no week rows after saving the plan")
	}
	for _, w := range weeks {
		if !strings.Contains(w, "37,5 t 37,5 t Ingen") {
			t.Errorf("week %q is not on target", w)
		}
	}
	b.checkPage("e2e-plan-saved")

	// Four more participants in Kari's caseload, each with a granted
	// programme and a 37,5-hour plan from the same Monday (fixture).
	others := [][2]string{{"Bashir", "Berg"}, {"Carmen", "Castro"}, {"Dawit", "Desta"}, {"Elena", "Ek"}}
	var otherIDs []int64
	for i, n := range others {
		otherIDs = append(otherIDs, grParticipant(t, app, c, 20+i, n[0], n[1], kari.ID, start, 2250))
	}

	// December: week 46 of November has passed.
	now = time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	const week = "2026-W46"
	monday, _ := domain.ParseDate("2026-11-09")
	month, _ := domain.ParseMonth("2026-11")

	// The group, created in the browser with Amina added there; the other
	// four by HTTP.
	b.open(paths.Groups())
	b.waitVisible(`[data-testid="empty-state"]`)
	b.checkPage("e2e-groups-empty")
	if st := b.submit(`[data-testid="new-group"]`); st != http.StatusOK {
		t.Fatalf("new group form: %d", st)
	}
	b.waitVisible("#name")
	b.checkPage("e2e-group-new")
	b.typeInto("#name", "Norsk A2 formiddag")
	b.typeInto("#contact", "Lise Lærer")
	// The form offers Monday to Friday, which is what the group meets.
	if n := eval[int](b, "ticked weekdays", `document.querySelectorAll('[name="weekdays"]:checked').length`); n != 5 {
		t.Errorf("%d weekdays ticked in the new group form, want Monday to Friday", n)
	}
	if st := b.submit(`[data-testid="save-group"]`); st != http.StatusOK {
		t.Fatalf("create group: %d", st)
	}
	b.waitVisible(`[data-testid="add-form"]`)
	groupPath := strings.TrimPrefix(b.location(), app.TS.URL)
	gid, err := strconv.ParseInt(strings.TrimPrefix(groupPath, "/groups/"), 10, 64)
	if err != nil {
		t.Fatalf("group page at %s", groupPath)
	}
	b.setValue("#person_id", strconv.FormatInt(id, 10))
	b.setValue("#joined_on", start)
	if st := b.submit(`[data-testid="add-member"]`); st != http.StatusOK {
		t.Fatalf("add Amina: %d", st)
	}
	b.waitVisible(`[data-testid="member-row"]`)
	for _, pid := range otherIDs {
		if r := c.post(groupPath+"/members", url.Values{"person_id": {strconv.FormatInt(pid, 10)}, "joined_on": {start}}); r.Status != http.StatusSeeOther {
			t.Fatalf("add member %d: %d\n%.2000s", pid, r.Status, r.Body)
		}
	}
	b.open(groupPath)
	if n := eval[int](b, "members", `document.querySelectorAll('[data-testid="member-row"]').length`); n != 5 {
		t.Fatalf("%d members, want 5", n)
	}
	b.checkPage("e2e-group")

	// The grid: from the group's button to this week, three weeks back.
	if st := b.submit(`[data-testid="group-attendance"]`); st != http.StatusOK {
		t.Fatalf("grid: %d", st)
	}
	for i := 0; i < 3; i++ {
		if st := b.submit(`[data-testid="prev-week"]`); st != http.StatusOK {
			t.Fatalf("previous week: %d", st)
		}
	}
	b.waitVisible(`[data-testid="attendance-grid"]`)
	if loc := b.location(); !strings.Contains(loc, "group="+strconv.FormatInt(gid, 10)) || !strings.Contains(loc, "week="+week) {
		t.Fatalf("the grid's URL %s, want group %d and week %s", loc, gid, week)
	}
	if n := eval[int](b, "rows", `document.querySelectorAll('[data-testid="attendance-row"]').length`); n != 5 {
		t.Fatalf("%d rows, want 5", n)
	}
	b.checkPage("e2e-attendance-grid")

	ids := append([]int64{id}, otherIDs...)
	cell := func(pid int64, day int) string { return domain.CellField("h", pid, domain.AddDays(monday, day)) }
	active := func() string { return eval[string](b, "the focused cell", `document.activeElement.id`) }
	// Amina's Tuesday is planned at 3 h Norwegian + 5 h work practice.
	tuesday := cell(id, 1)
	expected := eval[string](b, "expected minutes", `document.getElementById('`+tuesday+`').closest('[data-cell]').dataset.expected`)
	plannedTuesday := (15*60)/5 + (15*60)/3
	if expected != strconv.Itoa(plannedTuesday) {
		t.Fatalf("Amina's Tuesday expects %s minutes, want %d", expected, plannedTuesday)
	}
	if got := b.value("#" + tuesday); got != "8" {
		t.Errorf("Amina's Tuesday is prefilled with %q, want 8", got)
	}

	// From Bashir's Monday with the arrow keys up to Amina's Tuesday (the
	// rows follow the family name: Berg, Castro, Desta, Ek, Haidari).
	b.do("focus a cell", chromedp.Focus(chromedp.CSS("#"+cell(otherIDs[0], 0))))
	for _, step := range []struct {
		key  string
		want string
	}{
		{kb.ArrowRight, cell(otherIDs[0], 1)},
		{kb.ArrowDown, cell(otherIDs[1], 1)},
		{kb.ArrowDown, cell(otherIDs[2], 1)},
		{kb.ArrowDown, cell(otherIDs[3], 1)},
		{kb.ArrowDown, tuesday},
	} {
		b.do("key", chromedp.KeyEvent(step.key))
		if got := active(); got != step.want {
			t.Fatalf("after a key the focus is on %q, want %q", got, step.want)
		}
	}
	// 5 hours present, the rest unexcused ('u').
	b.keys("5")
	b.keys("u")
	reasonSel := "#" + domain.CellField("r", id, domain.AddDays(monday, 1))
	if got := b.value(reasonSel); got != domain.ReasonUnexcused {
		t.Fatalf("the reason after 'u' is %q", got)
	}
	if got := b.value("#" + tuesday); got != "5" {
		t.Fatalf("the hours after typing 5 and 'u' are %q, want 5", got)
	}
	if st := b.submit(`[data-testid="save-week"]`); st != http.StatusOK {
		t.Fatalf("save the week: %d", st)
	}
	b.waitVisible(`[data-testid="flash"]`)
	if got := b.text(`[data-testid="flash"]`); !strings.Contains(got, "Uka er lagret: 25 celler for 5 deltakere") {
		t.Errorf("flash %q", got)
	}
	if got := b.value(reasonSel); got != domain.ReasonUnexcused {
		t.Errorf("the saved reason is %q", got)
	}
	if got := b.value("#" + tuesday); got != "5" {
		t.Errorf("the saved hours are %q", got)
	}
	sums := eval[string](b, "Amina's sums", `document.querySelector('[data-testid="attendance-row"][data-person="`+strconv.FormatInt(id, 10)+`"] [data-testid="row-sums"]').textContent`)
	if !strings.Contains(sums, "Plan 37,5 t") || !strings.Contains(sums, "til stede 34,5 t") || !strings.Contains(sums, "fravær 3 t") {
		t.Errorf("Amina's sums %q", sums)
	}
	b.checkPage("e2e-attendance-saved")
	// What the database holds: one week of 25 cells, one unexcused.
	var cells, unexcused int
	if err := app.DB.Pool.QueryRow(context.Background(), `SELECT count(*), coalesce(sum(absent_minutes) FILTER (WHERE reason = 'unexcused'), 0)
		FROM attendance WHERE person_id = ANY($1) AND day BETWEEN $2 AND $3`, ids, monday, domain.AddDays(monday, 4)).Scan(&cells, &unexcused); err != nil {
		t.Fatal(err)
	}
	if cells != 25 || unexcused != plannedTuesday-5*60 {
		t.Errorf("stored %d cells with %d unexcused minutes, want 25 and %d", cells, unexcused, plannedTuesday-5*60)
	}

	// The expected month from the domain function and the rates in the
	// database: Amina (36, not with parents) in the programme all November,
	// 3 hours unexcused, nothing else deducted.
	rates, err := app.DB.RateTable(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	birth, _ := domain.ParseDate("1990-04-12")
	from, _ := domain.ParseDate(start)
	to, _ := domain.ParseDate(plannedEnd)
	want, err := domain.ComputeBenefit(domain.BenefitInput{Month: month, BirthDate: birth, Start: &from, End: &to, UnexcusedMinutes: plannedTuesday - 5*60}, rates)
	if err != nil {
		t.Fatal(err)
	}
	if want.DeductionOre <= 0 || want.AbsenceDeductionOre != want.DeductionOre {
		t.Fatalf("the domain's month has no absence deduction: %+v", want)
	}

	// The participant's benefit month.
	if st := b.open(paths.PersonBenefit(id) + "?month=2026-11"); st != http.StatusOK {
		t.Fatalf("benefit page: %d", st)
	}
	b.waitVisible(`[data-testid="benefit-result"]`)
	if got := b.text(`[data-testid="month-label"]`); got != "november 2026" {
		t.Errorf("month label %q", got)
	}
	if got, w := b.text(`[data-testid="deduction"]`), domain.FormatOre(want.DeductionOre)+" kr"; got != w {
		t.Errorf("deduction %q, want %q", got, w)
	}
	if got, w := b.text(`[data-testid="payment"]`), domain.FormatKroner(want.PaymentKroner); got != w {
		t.Errorf("payment %q, want %q", got, w)
	}
	if got, w := b.text(`[data-testid="gross"]`), domain.FormatOre(want.GrossOre)+" kr"; got != w {
		t.Errorf("gross %q, want %q", got, w)
	}
	if got := b.text(`[data-testid="working"]`); !strings.Contains(got, "3 t") {
		t.Errorf("the working does not show the 3 hours: %q", got)
	}
	b.checkPage("e2e-benefit")

	// The calculator gives the same month for the same inputs.
	q := url.Values{"month": {"2026-11"}, "birth_date": {"1990-04-12"}, "start": {start}, "end": {plannedEnd}, "unexcused_hours": {"3"}}
	if st := b.open(paths.BenefitCalculator() + "?" + q.Encode()); st != http.StatusOK {
		t.Fatalf("calculator: %d", st)
	}
	b.waitVisible(`[data-testid="benefit-result"]`)
	if got, w := b.text(`[data-testid="deduction"]`), domain.FormatOre(want.DeductionOre)+" kr"; got != w {
		t.Errorf("calculator deduction %q, want %q", got, w)
	}
	if got, w := b.text(`[data-testid="payment"]`), domain.FormatKroner(want.PaymentKroner); got != w {
		t.Errorf("calculator payment %q, want %q", got, w)
	}
	b.checkPage("e2e-calculator")

	// The person page: November is last month.
	b.open(personPath)
	b.waitVisible(`[data-testid="section-benefit"]`)
	wantLine := domain.FormatKroner(want.PaymentKroner) + " kr (trekk " + domain.FormatOre(want.DeductionOre) + " kr)"
	if want.NeedsDecision {
		wantLine += " – krever vedtak"
	}
	if got := b.text(`[data-testid="section-benefit"]`); got != wantLine {
		t.Errorf("section benefit %q, want %q", got, wantLine)
	}
	label := eval[string](b, "the benefit line's label", `document.querySelector('[data-testid="section-benefit"]').previousElementSibling.textContent`)
	if strings.TrimSpace(label) != "Stønad for november 2026" {
		t.Errorf("the benefit line's label %q", label)
	}
	// The timeline tells joining the group from joining a household (it
	// said "Lagt til i husstand").
	timeline := b.text(`[data-testid="timeline-section"]`)
	if !strings.Contains(timeline, "Lagt til i gruppe") || strings.Contains(timeline, "Lagt til i husstand") {
		t.Errorf("the timeline does not show Amina joining the group:\n%s", timeline)
	}
	b.checkPage("e2e-person-after")
	t.Logf("end to end in %v", time.Since(started).Round(time.Millisecond))
}
