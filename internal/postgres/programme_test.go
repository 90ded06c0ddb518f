package postgres_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"ankomst/internal/domain"
	"ankomst/internal/postgres"
)

// pgGrant is a valid grant for a person born 1990-05-17 (35 at the start:
// the "other" duration, 3 months to 2 years).
func pgGrant(version int) domain.DecisionInput {
	return domain.DecisionInput{Decision: domain.DecisionGranted, DecisionDate: date("2026-03-10"),
		StartDate: ptr(date("2026-03-16")), PlannedEnd: ptr(date("2027-03-16")), EndGoal: domain.GoalWork,
		NorwegianGoal: "B1", Version: version}
}

// pgAudit returns the changes of the newest audit row of entity and action.
func pgAudit(t *testing.T, f *fixture, personID int64, entity, action string) map[string]domain.Change {
	t.Helper()
	var raw []byte
	err := f.db.Pool.QueryRow(context.Background(), `SELECT coalesce(changes, '{}') FROM audit_events
		WHERE person_id = $1 AND entity = $2 AND action = $3 ORDER BY id DESC LIMIT 1`, personID, entity, action).Scan(&raw)
	if err != nil {
		t.Fatalf("no %s %s audit row: %v", entity, action, err)
	}
	var ch map[string]domain.Change
	if err := json.Unmarshal(raw, &ch); err != nil {
		t.Fatal(err)
	}
	return ch
}

func TestProgrammeScopeAndRoles(t *testing.T) {
	f := dlFixture(t, "2026-03-15")
	ctx := context.Background()
	id := clCreate(t, f, f.cwA, input("Amina", "Haidari", f.cwA))
	for _, u := range []*domain.User{f.cwA, f.cwA2, f.leaderA, f.admin} {
		v, err := f.db.GetProgramme(ctx, u.Scope(), id)
		if err != nil || v.Programme.Version != 0 || v.Person.ID != id || len(v.Rates) == 0 {
			t.Errorf("%s: %v %+v", u.Email, err, v)
		}
	}
	if n := countWhere(t, f, `audit_events WHERE person_id = $1 AND entity = 'programme' AND action = 'view'`, id); n != 4 {
		t.Errorf("%d view audit rows, want 4", n)
	}
	_, err := f.db.GetProgramme(ctx, f.cwB.Scope(), id)
	clCode(t, err, domain.ENOTFOUND)
	for _, u := range []*domain.User{f.health, f.hou} {
		_, err := f.db.GetProgramme(ctx, u.Scope(), id)
		clCode(t, err, domain.EFORBIDDEN)
		_, err = f.db.SaveDecision(ctx, u.Scope(), id, pgGrant(0))
		clCode(t, err, domain.EFORBIDDEN)
	}
	_, err = f.db.SaveDecision(ctx, f.cwB.Scope(), id, pgGrant(0))
	clCode(t, err, domain.ENOTFOUND)
	_, err = f.db.AddPause(ctx, f.cwB.Scope(), id, domain.PauseInput{Kind: domain.PauseLeave, Reason: "x", From: date("2026-04-01")})
	clCode(t, err, domain.ENOTFOUND)
	if err := f.db.ProgrammeInScope(ctx, f.cwB.Scope(), id); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Errorf("in scope for another unit: %v", err)
	}
	if n := countWhere(t, f, `programmes`); n != 0 {
		t.Errorf("refused writes left %d programmes", n)
	}
}

func TestProgrammeRuleSetAndPermitDate(t *testing.T) {
	f := dlFixture(t, "2026-03-15")
	ctx := context.Background()
	s := f.cwA.Scope()
	id := clCreate(t, f, f.cwA, input("Amina", "Haidari", f.cwA))

	v, err := f.db.SaveRuleSet(ctx, s, id, domain.RuleSetInput{PermitDate: ptr(date("2026-01-10")), PersonVersion: 1})
	if err != nil {
		t.Fatal(err)
	}
	if v.PermitDate == nil || !v.PermitDate.Equal(date("2026-01-10")) || v.Person.Version != 2 || v.Programme.Version != 0 {
		t.Fatalf("after permit date: %+v %+v", v.PermitDate, v.Programme)
	}
	if ch := pgAudit(t, f, id, domain.EntityPerson, "update"); ch["permit_date"].New != "2026-01-10" {
		t.Errorf("permit audit %v", ch)
	}
	// A stale person version with another date: refused, nothing saved.
	_, err = f.db.SaveRuleSet(ctx, s, id, domain.RuleSetInput{PermitDate: ptr(date("2026-01-11")), PersonVersion: 1})
	var stale *postgres.ProgrammeStaleError
	if !errors.As(err, &stale) || stale.Current.Person.Version != 2 {
		t.Fatalf("stale permit: %v", err)
	}
	// The override creates the programme.
	v, err = f.db.SaveRuleSet(ctx, s, id, domain.RuleSetInput{PermitDate: ptr(date("2026-01-10")), PersonVersion: 2,
		Override: domain.RuleSetChapter6A, Reason: "Ukrainsk flyktning"})
	if err != nil {
		t.Fatal(err)
	}
	if v.Programme.Version != 1 || v.Programme.RuleSetOverride == nil || *v.Programme.RuleSetOverride != domain.RuleSetChapter6A || v.Person.Version != 2 {
		t.Fatalf("override: %+v", v.Programme)
	}
	if ch := pgAudit(t, f, id, domain.EntityProgramme, "create"); ch["rule_set_override"].New != "chapter_6a" || ch["rule_set_reason"].New != "Ukrainsk flyktning" {
		t.Errorf("override audit %v", ch)
	}
	// Clearing the override on a stale programme version: 409.
	_, err = f.db.SaveRuleSet(ctx, s, id, domain.RuleSetInput{PermitDate: ptr(date("2026-01-10")), PersonVersion: 2, Version: 0})
	if !errors.As(err, &stale) || stale.Current.Programme.Version != 1 {
		t.Fatalf("stale override: %v", err)
	}
	// The same values again on an old version: a double submit, nothing written.
	before := countWhere(t, f, `audit_events WHERE person_id = $1 AND action <> 'view'`, id)
	if _, err := f.db.SaveRuleSet(ctx, s, id, domain.RuleSetInput{PermitDate: ptr(date("2026-01-10")), PersonVersion: 1,
		Override: domain.RuleSetChapter6A, Reason: "Ukrainsk flyktning"}); err != nil {
		t.Fatalf("double submit: %v", err)
	}
	if n := countWhere(t, f, `audit_events WHERE person_id = $1 AND action <> 'view'`, id); n != before {
		t.Errorf("double submit wrote %d audit rows", n-before)
	}
}

func TestProgrammeDecisionMarksOfferMet(t *testing.T) {
	f := dlFixture(t, "2026-03-15")
	ctx := context.Background()
	s := f.cwA.Scope()
	id := clCreate(t, f, f.cwA, input("Amina", "Haidari", f.cwA))

	// Outside the allowed duration: refused with the rule, nothing saved.
	bad := pgGrant(0)
	bad.PlannedEnd = ptr(date("2028-03-17"))
	_, err := f.db.SaveDecision(ctx, s, id, bad)
	var de *domain.Error
	if !errors.As(err, &de) || de.Code != domain.EINVALID || de.Fields["planned_end"] == "" {
		t.Fatalf("too long: %v", err)
	}
	if n := countWhere(t, f, `deadlines WHERE person_id = $1 AND done_on IS NOT NULL`, id); n != 0 {
		t.Fatal("a refused decision marked a deadline")
	}

	v, err := f.db.SaveDecision(ctx, s, id, pgGrant(0))
	if err != nil {
		t.Fatal(err)
	}
	p := v.Programme
	if p.Version != 1 || p.Decision == nil || *p.Decision != "granted" || !p.StartDate.Equal(date("2026-03-16")) || p.NorwegianGoal != "B1" {
		t.Fatalf("programme %+v", p)
	}
	var doneOn *time.Time
	var doneBy *int64
	var ver int
	if err := f.db.Pool.QueryRow(ctx, `SELECT done_on, done_by, version FROM deadlines WHERE person_id = $1 AND kind = 'programme_offer'`, id).
		Scan(&doneOn, &doneBy, &ver); err != nil {
		t.Fatal(err)
	}
	if doneOn == nil || !doneOn.Equal(date("2026-03-10")) || doneBy == nil || *doneBy != f.cwA.ID || ver != 2 {
		t.Errorf("offer deadline: %v %v %d", doneOn, doneBy, ver)
	}
	if ch := pgAudit(t, f, id, domain.EntityDeadline, "update"); ch["done_on"].New != "2026-03-10" {
		t.Errorf("deadline audit %v", ch)
	}
	if ch := pgAudit(t, f, id, domain.EntityProgramme, "create"); ch["decision"].New != "granted" || ch["planned_end"].New != "2027-03-16" || ch["end_goal"].New != "work" {
		t.Errorf("decision audit %v", ch)
	}
	// A stale version with a change: 409 with the stored programme.
	change := pgGrant(0)
	change.NorwegianGoal = "B2"
	_, err = f.db.SaveDecision(ctx, s, id, change)
	var stale *postgres.ProgrammeStaleError
	if !errors.As(err, &stale) || stale.Current.Programme.NorwegianGoal != "B1" {
		t.Fatalf("stale decision: %v", err)
	}
	clCode(t, err, domain.ECONFLICT)
	// A later change on the right version does not touch the met deadline.
	change.Version, change.DecisionDate = 1, date("2026-03-12")
	if v, err = f.db.SaveDecision(ctx, s, id, change); err != nil || v.Programme.Version != 2 {
		t.Fatalf("update: %v", err)
	}
	if n := countWhere(t, f, `deadlines WHERE person_id = $1 AND kind = 'programme_offer' AND done_on = '2026-03-10'`, id); n != 1 {
		t.Error("the offer deadline moved")
	}
	// The other parts.
	if v, err = f.db.SaveMapping(ctx, s, id, domain.MappingInput{MappingDoneOn: ptr(date("2026-03-01")), MappingBy: "Kari", Version: 2}); err != nil || v.Programme.MappingBy != "Kari" {
		t.Fatalf("mapping: %v", err)
	}
	if v, err = f.db.SaveContract(ctx, s, id, domain.ContractInput{SignedOn: ptr(date("2026-03-14")), Version: 3}); err != nil || v.Programme.ContractSignedOn == nil {
		t.Fatalf("contract: %v", err)
	}
	if ch := pgAudit(t, f, id, domain.EntityProgramme, "update"); ch["contract_signed_on"].New != "2026-03-14" {
		t.Errorf("contract audit %v", ch)
	}
}

func TestProgrammePausesAndEnd(t *testing.T) {
	f := dlFixture(t, "2026-03-15")
	ctx := context.Background()
	s := f.cwA.Scope()
	id := clCreate(t, f, f.cwA, input("Amina", "Haidari", f.cwA))

	// No decision yet: a pause is refused.
	_, err := f.db.AddPause(ctx, s, id, domain.PauseInput{Kind: domain.PauseLeave, Reason: "Fødsel", From: date("2026-03-20")})
	clCode(t, err, domain.EINVALID)
	g := pgGrant(0)
	g.StartDate = ptr(date("2026-03-02"))
	if _, err := f.db.SaveDecision(ctx, s, id, g); err != nil {
		t.Fatal(err)
	}
	v, err := f.db.AddPause(ctx, s, id, domain.PauseInput{Kind: domain.PauseLeave, Reason: "Fødsel", From: date("2026-03-03"), To: ptr(date("2026-03-09"))})
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Pauses) != 1 || v.Pauses[0].Version != 1 {
		t.Fatalf("pauses %+v", v.Pauses)
	}
	leave := v.Pauses[0].ID
	if end := v.Programme.EffectiveEnd(v.Pauses, date("2026-03-15")); !end.Equal(date("2027-03-23")) {
		t.Errorf("effective end %v, want 7 days later", end)
	}
	if ch := pgAudit(t, f, id, domain.EntityProgrammePause, "create"); ch["pause_kind"].New != "leave" || ch["from_date"].New != "2026-03-03" {
		t.Errorf("pause audit %v", ch)
	}
	// Overlap: refused.
	_, err = f.db.AddPause(ctx, s, id, domain.PauseInput{Kind: domain.PauseInterruption, Reason: "Stans", From: date("2026-03-09")})
	clCode(t, err, domain.EINVALID)
	// An ongoing interruption, then resumed today.
	v, err = f.db.AddPause(ctx, s, id, domain.PauseInput{Kind: domain.PauseInterruption, Reason: "Ikke møtt", From: date("2026-03-12")})
	if err != nil {
		t.Fatal(err)
	}
	if st := v.Programme.Status(v.Pauses, date("2026-03-15")); st != domain.ProgInterrupt {
		t.Errorf("status %s", st)
	}
	stop := v.Pauses[1].ID
	if v, err = f.db.ResumePause(ctx, s, id, stop, 1, date("2026-03-15")); err != nil || v.Pause(stop).To == nil {
		t.Fatalf("resume: %v", err)
	}
	// A double submit of the resume is harmless.
	if _, err = f.db.ResumePause(ctx, s, id, stop, 1, date("2026-03-15")); err != nil {
		t.Fatalf("resume twice: %v", err)
	}
	// Edit on a stale version: 409.
	_, err = f.db.UpdatePause(ctx, s, id, leave, domain.PauseInput{Kind: domain.PauseLeave, Reason: "Fødsel", From: date("2026-03-03"), To: ptr(date("2026-03-10")), Version: 9})
	var stale *postgres.ProgrammeStaleError
	if !errors.As(err, &stale) {
		t.Fatalf("stale pause: %v", err)
	}
	if v, err = f.db.UpdatePause(ctx, s, id, leave, domain.PauseInput{Kind: domain.PauseLeave, Reason: "Fødsel", From: date("2026-03-03"), To: ptr(date("2026-03-10")), Version: 1}); err != nil || v.Pause(leave).Version != 2 {
		t.Fatalf("edit pause: %v", err)
	}
	// A pause of another person, or another unit: not found.
	other := clCreate(t, f, f.cwA, input("Yonas", "Tesfaye", f.cwA))
	_, err = f.db.UpdatePause(ctx, s, other, leave, domain.PauseInput{Kind: domain.PauseLeave, Reason: "x", From: date("2026-03-03"), Version: 2})
	clCode(t, err, domain.ENOTFOUND)
	_, err = f.db.DeletePause(ctx, f.cwB.Scope(), id, leave, 2)
	clCode(t, err, domain.ENOTFOUND)
	if _, err = f.db.DeletePause(ctx, s, id, stop, 2); err != nil {
		t.Fatalf("delete: %v", err)
	}

	// End: before the start refused; then ended.
	_, err = f.db.EndProgramme(ctx, s, id, domain.EndInput{EndedOn: date("2026-03-01"), EndReason: "work", EndActivity: "work_full", Version: 1})
	clCode(t, err, domain.EINVALID)
	v, err = f.db.EndProgramme(ctx, s, id, domain.EndInput{EndedOn: date("2026-03-15"), EndReason: "work", EndActivity: "work_full", Version: 1})
	if err != nil {
		t.Fatal(err)
	}
	if v.Programme.Status(v.Pauses, date("2026-03-15")) != domain.ProgEnded || v.Programme.MissingEndReason() {
		t.Errorf("ended programme %+v", v.Programme)
	}
}

func TestProgrammeMergedAndMerge(t *testing.T) {
	f := dlFixture(t, "2026-03-15")
	ctx := context.Background()
	s := f.cwA.Scope()
	admin := f.admin.Scope()
	keep := clCreate(t, f, f.cwA, input("Amal", "Hassan", f.cwA))
	dup := clCreate(t, f, f.cwA, input("Amal", "Hasan", f.cwA))
	third := clCreate(t, f, f.cwA, input("Amal", "Hassen", f.cwA))
	for _, id := range []int64{keep, dup} {
		g := pgGrant(0)
		g.StartDate = ptr(date("2026-03-10"))
		if id == dup {
			g.NorwegianGoal = "A2"
		}
		if _, err := f.db.SaveDecision(ctx, s, id, g); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.db.AddPause(ctx, s, dup, domain.PauseInput{Kind: domain.PauseLeave, Reason: "Syk", From: date("2026-03-11"), To: ptr(date("2026-03-12"))}); err != nil {
		t.Fatal(err)
	}
	// Both have attendance on 12 March; the merged one also on 13 March, a
	// plan and a deduction.
	if _, err := f.db.Pool.Exec(ctx, `INSERT INTO attendance (person_id, day, present_minutes) VALUES
			($1, '2026-03-12', 450), ($2, '2026-03-12', 300), ($2, '2026-03-13', 420)`, keep, dup); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.Pool.Exec(ctx, `INSERT INTO plan_versions (person_id, valid_from) VALUES ($1, '2026-03-10')`, dup); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.Pool.Exec(ctx, `INSERT INTO benefit_deductions (person_id, month, amount_ore, description) VALUES ($1, '2026-03-01', 10000, 'Dagpenger')`, dup); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.MergePersons(ctx, admin, keep, dup, mgInput(t, f, keep, dup)); err != nil {
		t.Fatal(err)
	}
	var att []int
	if err := f.db.Pool.QueryRow(ctx, `SELECT array_agg(present_minutes ORDER BY day) FROM attendance WHERE person_id = $1`, keep).Scan(&att); err != nil {
		t.Fatal(err)
	}
	if len(att) != 2 || att[0] != 450 || att[1] != 420 {
		t.Errorf("survivor's attendance %v, want its own 12 March (450) and the merged one's 13 March (420)", att)
	}
	var plans, deductions int
	if err := f.db.Pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM plan_versions WHERE person_id = $1),
			(SELECT count(*) FROM benefit_deductions WHERE person_id = $1)`, keep).Scan(&plans, &deductions); err != nil {
		t.Fatal(err)
	}
	if plans != 0 || deductions != 1 {
		t.Errorf("survivor with its own programme: %d plan versions (want 0: the plan follows the programme), %d deductions (want 1)", plans, deductions)
	}
	v, err := f.db.GetProgramme(ctx, s, keep)
	if err != nil {
		t.Fatal(err)
	}
	if v.Programme.NorwegianGoal != "B1" || len(v.Pauses) != 1 {
		t.Errorf("survivor: goal %q, %d pauses", v.Programme.NorwegianGoal, len(v.Pauses))
	}
	// The merged registration refuses changes.
	_, err = f.db.SaveContract(ctx, admin, dup, domain.ContractInput{SignedOn: ptr(date("2026-03-14")), Version: 1})
	clCode(t, err, domain.ECONFLICT)
	// A survivor without a programme gets the merged one's.
	if _, err := f.db.MergePersons(ctx, admin, third, keep, mgInput(t, f, third, keep)); err != nil {
		t.Fatal(err)
	}
	if v, err = f.db.GetProgramme(ctx, s, third); err != nil || v.Programme.Version == 0 || len(v.Pauses) != 1 {
		t.Errorf("third: %v %+v", err, v)
	}
	if err := f.db.Pool.QueryRow(ctx, `SELECT count(*) FROM attendance WHERE person_id = $1`, third).Scan(&plans); err != nil || plans != 2 {
		t.Errorf("third: %d attendance days, want the 2 that moved with the programme (%v)", plans, err)
	}
}
