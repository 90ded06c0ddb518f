package postgres_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"ankomst/internal/domain"
	"ankomst/internal/postgres"
)

// plWorksite inserts an employer with a worksite of places and a supervisor
// (by SQL: the register is another module's) and returns their ids.
func plWorksite(t *testing.T, f *fixture, orgnr, name string, places int) (worksite, supervisor int64) {
	t.Helper()
	ctx := context.Background()
	var emp int64
	if err := f.db.Pool.QueryRow(ctx, `INSERT INTO employers (name, orgnr, name_key, sector) VALUES ($1, $2, lower($1), 'kitchen') RETURNING id`,
		name+" AS", orgnr).Scan(&emp); err != nil {
		t.Fatal(err)
	}
	if err := f.db.Pool.QueryRow(ctx, `INSERT INTO worksites (employer_id, name, places) VALUES ($1, $2, $3) RETURNING id`,
		emp, name, places).Scan(&worksite); err != nil {
		t.Fatal(err)
	}
	if err := f.db.Pool.QueryRow(ctx, `INSERT INTO employer_contacts (employer_id, worksite_id, name, is_supervisor) VALUES ($1, $2, 'Eva Veileder', true) RETURNING id`,
		emp, worksite).Scan(&supervisor); err != nil {
		t.Fatal(err)
	}
	return worksite, supervisor
}

func plInput(worksite, supervisor int64, start, end string, minutes int) domain.PlacementInput {
	in := domain.PlacementInput{WorksiteID: worksite, MinutesPerWeek: minutes, Weekdays: []int16{1, 2, 3},
		Start: date(start), PlannedEnd: date(end), Goal: domain.PlacementGoalLanguage, Status: domain.PlacementActive}
	if supervisor != 0 {
		in.SupervisorID = &supervisor
	}
	return in
}

func plDeadline(t *testing.T, f *fixture, personID int64) string {
	t.Helper()
	var due []string
	if err := f.db.Pool.QueryRow(context.Background(), `SELECT coalesce(array_agg(due_date::text), '{}') FROM deadlines WHERE person_id = $1 AND kind = $2`,
		personID, domain.KindPlacementFollowup).Scan(&due); err != nil {
		t.Fatal(err)
	}
	return strings.Join(due, ",")
}

func TestPlacementsScopeRulesAuditAndDeadline(t *testing.T) {
	f := dlFixture(t, "2027-03-15")
	ctx := context.Background()
	s := f.cwA.Scope()
	ws, sv := plWorksite(t, f, "974760673", "Kafé Nord", 2)
	kari := f.participant(t, f.cwA, "Kari", "Nordmann", "2027-01-04", 1800) // 30 h
	in := plInput(ws, sv, "2027-03-01", "2027-05-28", 450)
	id, err := f.db.CreatePlacement(ctx, s, kari, in)
	if err != nil {
		t.Fatal(err)
	}
	ch := pgAudit(t, f, kari, domain.EntityPlacement, postgres.ActionCreate)
	if ch["placement_worksite"].New != "Kafé Nord (Kafé Nord AS)" || ch["placement_hours"].New != "7,5" || ch["placement_supervisor"].New != "Eva Veileder" {
		t.Errorf("create audit: %v", ch)
	}
	// Follow-up due 6 weeks after the start.
	if got := plDeadline(t, f, kari); got != "2027-04-12" {
		t.Errorf("deadline %q, want 2027-04-12", got)
	}
	// Scope per role and unit.
	for _, tc := range []struct {
		u    *domain.User
		want string
	}{{f.cwA2, ""}, {f.leaderA, ""}, {f.admin, ""}, {f.cwB, domain.ENOTFOUND}, {f.health, domain.EFORBIDDEN}, {f.hou, domain.EFORBIDDEN}} {
		_, err := f.db.PlacementPage(ctx, tc.u.Scope(), kari, id)
		if code(err) != tc.want {
			t.Errorf("%s: PlacementPage %v, want %q", tc.u.Email, err, tc.want)
		}
		if tc.want == "" {
			continue
		}
		if _, err := f.db.CreatePlacement(ctx, tc.u.Scope(), kari, plInput(ws, sv, "2027-06-01", "2027-06-30", 450)); code(err) != tc.want {
			t.Errorf("%s: CreatePlacement %v, want %q", tc.u.Email, err, tc.want)
		}
	}
	if err := f.db.PlacementInScope(ctx, f.cwB.Scope(), kari, id); code(err) != domain.ENOTFOUND {
		t.Errorf("PlacementInScope other unit: %v", err)
	}
	if _, err := f.db.PlacementPage(ctx, s, kari, id+1000); code(err) != domain.ENOTFOUND {
		t.Errorf("unknown placement: %v", err)
	}
	page, err := f.db.PlacementPage(ctx, s, kari, id)
	if err != nil || page.Placement == nil || page.Placement.SupervisorName != "Eva Veileder" || len(page.Worksites) != 1 || page.Worksites[0].Used != 1 || len(page.Supervisors) != 1 {
		t.Fatalf("page: %+v %v", page, err)
	}

	// Overlap: another placement of Kari from the planned end's day.
	if _, err := f.db.CreatePlacement(ctx, s, kari, plInput(ws, sv, "2027-05-28", "2027-06-30", 450)); code(err) != domain.EINVALID ||
		!strings.Contains(domain.ErrorMessage(err), "Overlapper praksisplassen hos Kafé Nord") {
		t.Errorf("overlap: %v", err)
	}
	// 37.5 hours: 30 h plan + 10 h.
	ola := f.participant(t, f.cwA, "Ola", "Nordmann", "2027-01-04", 1800)
	if _, err := f.db.CreatePlacement(ctx, s, ola, plInput(ws, 0, "2027-03-15", "2027-04-30", 600)); code(err) != domain.EINVALID ||
		!strings.Contains(domain.ErrorMessage(err), "Uke 11 2027: ukeplan 30 t + praksis 10 t = 40 t, over 37,5 t") {
		t.Errorf("37.5 hours: %v", err)
	}
	// A supervisor of another employer is refused.
	ws2, sv2 := plWorksite(t, f, "974760681", "Verksted Sør", 1)
	if _, err := f.db.CreatePlacement(ctx, s, ola, plInput(ws, sv2, "2027-03-15", "2027-04-30", 450)); code(err) != domain.EINVALID {
		t.Errorf("foreign supervisor: %v", err)
	}
	// Capacity counts every unit's placements: unit B fills the last place.
	per := f.participant(t, f.cwB, "Per", "Vest", "2027-01-04", 0)
	if _, err := f.db.CreatePlacement(ctx, f.cwB.Scope(), per, plInput(ws, 0, "2027-04-05", "2027-04-30", 450)); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.CreatePlacement(ctx, s, ola, plInput(ws, 0, "2027-03-15", "2027-04-30", 450)); code(err) != domain.EINVALID ||
		!strings.Contains(domain.ErrorMessage(err), "Arbeidsstedet har 2 plasser; i uke 14 2027 er 2 i bruk") {
		t.Errorf("capacity: %v", err)
	}
	// Up to Friday of week 13 it fits.
	if _, err := f.db.CreatePlacement(ctx, s, ola, plInput(ws, 0, "2027-03-15", "2027-04-02", 450)); err != nil {
		t.Errorf("exactly full: %v", err)
	}

	// Edit with a stale version: 409; with the right one: saved and audited.
	stale := in
	stale.Version = 7
	stale.MinutesPerWeek = 300
	if err := f.db.UpdatePlacement(ctx, s, kari, id, stale); code(err) != domain.ECONFLICT {
		t.Errorf("stale edit: %v", err)
	}
	edit := in
	edit.Version, edit.MinutesPerWeek = 1, 300
	if err := f.db.UpdatePlacement(ctx, s, kari, id, edit); err != nil {
		t.Fatal(err)
	}
	if ch := pgAudit(t, f, kari, domain.EntityPlacement, postgres.ActionUpdate); ch["placement_hours"].Old != "7,5" || ch["placement_hours"].New != "5" {
		t.Errorf("update audit: %v", ch)
	}
	if err := f.db.UpdatePlacement(ctx, f.cwB.Scope(), kari, id, edit); code(err) != domain.ENOTFOUND {
		t.Errorf("edit from another unit: %v", err)
	}
	// Moving to worksite 2 (1 place, none used) is fine, and back.
	move := edit
	move.WorksiteID, move.SupervisorID, move.Version = ws2, &sv2, 2
	if err := f.db.UpdatePlacement(ctx, s, kari, id, move); err != nil {
		t.Fatal(err)
	}
	edit.Version = 3
	if err := f.db.UpdatePlacement(ctx, s, kari, id, edit); err != nil {
		t.Fatal(err)
	}
	edit.Version = 4

	// A follow-up moves the deadline; updating the person keeps it.
	if _, err := f.db.AddPlacementFollowup(ctx, s, kari, id, domain.PlacementFollowupForm{HeldOn: "2027-03-10", Participants: "Eva", Summary: "Går bra."}); err != nil {
		t.Fatal(err)
	}
	if got := plDeadline(t, f, kari); got != "2027-04-21" {
		t.Errorf("deadline after follow-up %q, want 2027-04-21", got)
	}
	p, _ := f.db.GetPerson(ctx, s, kari)
	pin := input("Kari", "Nordmann-Berg", f.cwA)
	pin.NationalID, pin.Version = p.NationalID, p.Version
	pin.ArrivalDate, pin.SettlementDate = ptr(date("2026-10-01")), ptr(date("2026-11-01"))
	if _, err := f.db.UpdatePerson(ctx, s, kari, pin); err != nil {
		t.Fatal(err)
	}
	if got := plDeadline(t, f, kari); got != "2027-04-21" {
		t.Errorf("updating the person lost the follow-up deadline: %q", got)
	}
	ds, _ := f.db.PersonDeadlines(ctx, s, kari)
	if m := dues(ds); m[domain.KindPlacementFollowup] != "2027-04-21" {
		t.Errorf("PersonDeadlines: %v", m)
	}
	if _, err := f.db.AddPlacementFollowup(ctx, s, kari, id, domain.PlacementFollowupForm{HeldOn: "2027-03-16", Summary: "x"}); code(err) != domain.EINVALID {
		t.Errorf("follow-up in the future: %v", err)
	}

	// Status: pause (deadline gone), end; the evaluation with got_job.
	if err := f.db.ChangePlacementStatus(ctx, s, kari, id, domain.PlacementStatusForm{Action: domain.PlacementPause, Version: "1"}); code(err) != domain.ECONFLICT {
		t.Errorf("stale pause: %v", err)
	}
	if err := f.db.ChangePlacementStatus(ctx, s, kari, id, domain.PlacementStatusForm{Action: domain.PlacementPause, Version: "4"}); err != nil {
		t.Fatal(err)
	}
	if got := plDeadline(t, f, kari); got != "" {
		t.Errorf("paused placement still due: %q", got)
	}
	if err := f.db.ChangePlacementStatus(ctx, s, kari, id, domain.PlacementStatusForm{Action: domain.PlacementEnd, EndedOn: "2027-03-12", Version: "5"}); err != nil {
		t.Fatal(err)
	}
	if ch := pgAudit(t, f, kari, domain.EntityPlacement, postgres.ActionUpdate); ch["placement_status"].New != domain.PlacementEnded || ch["placement_ended_on"].New != "2027-03-12" {
		t.Errorf("end audit: %v", ch)
	}
	if err := f.db.UpdatePlacement(ctx, s, kari, id, edit); code(err) != domain.EINVALID {
		t.Errorf("edit of an ended placement: %v", err)
	}
	ev, err := f.db.SavePlacementEvaluation(ctx, s, kari, id, domain.PlacementEvaluationForm{EvaluatedOn: "2027-03-12", Attendance: "God", GotJob: true, Version: "0"})
	if err != nil || ev.Version != 1 {
		t.Fatalf("evaluation: %+v %v", ev, err)
	}
	if _, err := f.db.SavePlacementEvaluation(ctx, s, kari, id, domain.PlacementEvaluationForm{EvaluatedOn: "2027-03-12", Attendance: "Svært god", Version: "0"}); code(err) != domain.ECONFLICT {
		t.Errorf("a second new evaluation: %v", err)
	}
	if _, err := f.db.SavePlacementEvaluation(ctx, s, kari, id, domain.PlacementEvaluationForm{EvaluatedOn: "2027-03-12", Attendance: "Svært god", GotJob: true, Version: "1"}); err != nil {
		t.Errorf("evaluation update: %v", err)
	}
	if ch := pgAudit(t, f, kari, domain.EntityPlacementEvaluation, postgres.ActionUpdate); ch["evaluation_attendance"].New != "Svært god" {
		t.Errorf("evaluation audit: %v", ch)
	}
	page, _ = f.db.PlacementPage(ctx, s, kari, id)
	if page.Evaluation == nil || !page.Evaluation.GotJob || len(page.Followups) != 1 {
		t.Errorf("page after evaluation: %+v", page)
	}
}

func TestPlacementsParallelLastPlace(t *testing.T) {
	f := dlFixture(t, "2027-03-15")
	ctx := context.Background()
	ws, _ := plWorksite(t, f, "974760673", "Kafé Nord", 1)
	a := f.participant(t, f.cwA, "Anne", "En", "2027-01-04", 0)
	b := f.participant(t, f.cwB, "Bente", "To", "2027-01-04", 0)
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, c := range []struct {
		u  *domain.User
		id int64
	}{{f.cwA, a}, {f.cwB, b}} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = f.db.CreatePlacement(ctx, c.u.Scope(), c.id, plInput(ws, 0, "2027-03-15", "2027-04-30", 450))
		}()
	}
	wg.Wait()
	ok, refused := 0, 0
	for _, err := range errs {
		switch code(err) {
		case "":
			ok++
		case domain.EINVALID:
			refused++
		default:
			t.Errorf("unexpected: %v", err)
		}
	}
	var n int
	_ = f.db.Pool.QueryRow(ctx, `SELECT count(*) FROM placements WHERE worksite_id = $1`, ws).Scan(&n)
	if ok != 1 || refused != 1 || n != 1 {
		t.Errorf("parallel: %d saved, %d refused, %d rows; want exactly one", ok, refused, n)
	}
}

func TestPlacementsMergedAndMerge(t *testing.T) {
	f := dlFixture(t, "2027-03-15")
	ctx := context.Background()
	s := f.cwA.Scope()
	ws, _ := plWorksite(t, f, "974760673", "Kafé Nord", 3)
	keep := f.participant(t, f.cwA, "Amal", "Hassan", "2027-01-04", 0)
	dup := clCreate(t, f, f.cwA, input("Amal", "Hasan", f.cwA))
	id, err := f.db.CreatePlacement(ctx, s, dup, plInput(ws, 0, "2027-03-01", "2027-04-30", 450))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.AddPlacementFollowup(ctx, s, dup, id, domain.PlacementFollowupForm{HeldOn: "2027-03-08", Summary: "Start."}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.MergePersons(ctx, f.admin.Scope(), keep, dup, mgInput(t, f, keep, dup)); err != nil {
		t.Fatal(err)
	}
	page, err := f.db.PlacementPage(ctx, s, keep, id)
	if err != nil || len(page.Followups) != 1 {
		t.Fatalf("the survivor's placement: %+v %v", page, err)
	}
	if got := plDeadline(t, f, keep); got != "2027-04-19" {
		t.Errorf("survivor's deadline %q, want 2027-04-19", got)
	}
	if got := plDeadline(t, f, dup); got != "" {
		t.Errorf("merged registration's deadline %q", got)
	}
	if _, err := f.db.CreatePlacement(ctx, f.admin.Scope(), dup, plInput(ws, 0, "2027-05-03", "2027-05-28", 450)); code(err) != domain.ECONFLICT {
		t.Errorf("placement on a merged registration: %v", err)
	}
}

func TestPlacementsInPlanAndAttendanceGrid(t *testing.T) {
	f := dlFixture(t, "2027-03-15")
	ctx := context.Background()
	s := f.cwA.Scope()
	ws, _ := plWorksite(t, f, "974760673", "Kafé Nord", 3)
	kari := f.participant(t, f.cwA, "Kari", "Nordmann", "2027-01-04", 1800)
	if _, err := f.db.CreatePlacement(ctx, s, kari, plInput(ws, 0, "2027-03-15", "2027-04-30", 450)); err != nil {
		t.Fatal(err)
	}
	pd, err := f.db.PersonPlan(ctx, s, kari)
	if err != nil || len(pd.Placements) != 1 || pd.Placements[0].WorksiteName != "Kafé Nord" {
		t.Fatalf("plan's placements: %+v %v", pd, err)
	}
	grid, err := f.db.AttendanceWeekGrid(ctx, s, postgres.AttendanceSelection{Monday: date("2027-03-15")})
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, p := range grid.Participants {
		if p.PersonID == kari {
			found = true
			// Monday: Norwegian 6 h + placement 2,5 h (7,5 over Mon–Wed).
			if got := p.Expected(date("2027-03-15")); got != 360+150 {
				t.Errorf("expected Monday %d", got)
			}
			if got := p.Expected(date("2027-03-18")); got != 360 {
				t.Errorf("expected Thursday %d", got)
			}
		}
	}
	if !found {
		t.Errorf("Kari not in the grid: %+v", grid.Participants)
	}
}
