package postgres_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"ankomst/internal/domain"
	"ankomst/internal/postgres"
)

// mgToday is the fixed "today" of the merge tests.
const mgToday = "2026-05-04"

func mgFixture(t *testing.T) *fixture {
	t.Helper()
	return dlFixture(t, mgToday)
}

// mgPerson registers a person in u's unit, registered at the time given
// (so that "the older record" is known), and returns its id.
func mgPerson(t *testing.T, f *fixture, u *domain.User, in domain.PersonInput, createdAt string) int64 {
	t.Helper()
	id, err := f.db.CreatePerson(context.Background(), u.Scope(), in)
	if err != nil {
		t.Fatal(err)
	}
	// Test data only: person rows are not append-only.
	if _, err := f.db.Pool.Exec(context.Background(), `UPDATE persons SET created_at = $2 WHERE id = $1`, id, date(createdAt)); err != nil {
		t.Fatal(err)
	}
	return id
}

func mgVersion(t *testing.T, f *fixture, id int64) int { t.Helper(); return clVersion(t, f, id) }

func mgCount(t *testing.T, f *fixture, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := f.db.Pool.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// mgInput is a merge of merged into survivor (a: the person the merge
// started from) on their current versions.
func mgInput(t *testing.T, f *fixture, survivor, merged int64, take ...string) domain.MergeInput {
	t.Helper()
	return domain.MergeInput{SurvivorID: survivor, MergedID: merged,
		SurvivorVersion: mgVersion(t, f, survivor), MergedVersion: mgVersion(t, f, merged), Take: take}
}

func TestMergePersonsMovesEverything(t *testing.T) {
	f := mgFixture(t)
	ctx := context.Background()
	admin := f.admin.Scope() // of unit B: admins see every unit

	// Kept: registered first, with a national ID, programme offer done 5 March.
	inK := input("Amina", "Haidari", f.cwA)
	keep := mgPerson(t, f, f.cwA, inK, "2026-02-01")
	// The duplicate: another national ID (the right one) and a DUF number,
	// another spelling of the family name, no caseworker.
	inD := input("Amina", "Haidary", nil)
	duf := "202412345678"
	inD.DUFNumber = &duf
	dup := mgPerson(t, f, f.cwA2, inD, "2026-02-10")

	// Notes on both; one of the duplicate's is older than the 24-hour edit
	// window (inserted as such: the trigger guards updates).
	mustNote(t, f, f.cwA, keep, noteIn("Notat på den som beholdes.", date("2026-03-01")))
	n1 := mustNote(t, f, f.cwA2, dup, noteIn("Notat på dubletten.", date("2026-03-02")))
	var oldNote int64
	if err := f.db.Pool.QueryRow(ctx, `INSERT INTO case_notes (person_id, kind, note_date, body, author_id, created_at)
		VALUES ($1, 'other', '2026-02-15', 'Gammelt notat.', $2, now() - interval '30 days') RETURNING id`, dup, f.cwA2.ID).Scan(&oldNote); err != nil {
		t.Fatal(err)
	}
	// A task of the duplicate.
	if _, err := f.db.CreateTask(ctx, f.cwA.Scope(), dup, domain.TaskInput{Title: "Bostøtte", Due: date("2026-06-01"), AssigneeID: f.cwA.ID}, ""); err != nil {
		t.Fatal(err)
	}
	// The duplicate is the head of a household, and was once in another.
	hid, err := f.db.CreateHousehold(ctx, f.cwA.Scope(), domain.HouseholdInput{Name: "Familien Haidary"},
		&domain.MemberInput{PersonID: dup, Relation: domain.RelationHead, JoinedOn: date("2026-02-01")})
	if err != nil {
		t.Fatal(err)
	}
	old, err := f.db.CreateHousehold(ctx, f.cwA.Scope(), domain.HouseholdInput{Name: "Mottak"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.Pool.Exec(ctx, `INSERT INTO household_members (household_id, person_id, relation, joined_on, left_on, removed_at)
		VALUES ($1, $2, 'other', '2026-01-10', '2026-01-31', now())`, old, dup); err != nil {
		t.Fatal(err)
	}
	hVersion := f.version(t, hid)
	// Deadlines: the programme offer done on both (the earlier date wins), NIR on the duplicate alone.
	mark := func(id int64, kind, on string) {
		t.Helper()
		d, err := f.db.GetDeadline(ctx, f.cwA.Scope(), id, kind)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.db.MarkDeadline(ctx, f.cwA.Scope(), id, kind, ptr(date(on)), d.Version); err != nil {
			t.Fatal(err)
		}
	}
	mark(keep, domain.KindProgrammeOffer, "2026-03-05")
	mark(dup, domain.KindProgrammeOffer, "2026-03-01")
	mark(dup, domain.KindNIRSettlement, "2026-03-02")
	// Opened by a caseworker (person_last_seen).
	if _, err := f.db.GetPerson(ctx, f.cwA2.Scope(), dup); err != nil {
		t.Fatal(err)
	}

	// The preview: proposes the older record, counts what moves, saves nothing.
	pv, err := f.db.PreviewMerge(ctx, admin, dup, keep, 0)
	if err != nil {
		t.Fatal(err)
	}
	if pv.DefaultSurvivorID != keep || pv.SurvivorID != keep || pv.MergedID != dup || pv.A.ID != dup || pv.B.ID != keep {
		t.Errorf("preview parts: default %d survivor %d merged %d A %d B %d", pv.DefaultSurvivorID, pv.SurvivorID, pv.MergedID, pv.A.ID, pv.B.ID)
	}
	if want := []string{"family_name", "national_id", "duf_number", "caseworker_id"}; !slices.Equal(pv.Diffs, want) {
		t.Errorf("diffs %v, want %v", pv.Diffs, want)
	}
	if pv.Moves != (postgres.MergeCounts{Notes: 2, Tasks: 1, Memberships: 2, DoneMarks: 2}) {
		t.Errorf("preview moves %+v", pv.Moves)
	}
	if pv.HouseholdPlan != domain.MergeHouseholdMove || pv.MergedHousehold == nil || pv.MergedHousehold.Name != "Familien Haidary" || pv.SurvivorHousehold != nil {
		t.Errorf("household plan %s %+v %+v", pv.HouseholdPlan, pv.MergedHousehold, pv.SurvivorHousehold)
	}
	// Keeping the other one instead turns the parts round.
	if pv2, err := f.db.PreviewMerge(ctx, admin, dup, keep, dup); err != nil || pv2.SurvivorID != dup || pv2.Moves.Notes != 1 {
		t.Errorf("preview keeping the duplicate: %+v %v", pv2, err)
	}
	if mgCount(t, f, `SELECT count(*) FROM persons WHERE status = 'merged'`) != 0 {
		t.Fatal("the preview saved something")
	}

	// Merge, taking the duplicate's family name, national ID and DUF number.
	vKeep := mgVersion(t, f, keep)
	res, err := f.db.MergePersons(ctx, admin, dup, keep, mgInput(t, f, keep, dup, "family_name", "national_id", "duf_number"))
	if err != nil {
		t.Fatal(err)
	}
	if res.SurvivorID != keep || res.MergedID != dup || res.SurvivorName != "Amina Haidary" || res.HouseholdPlan != domain.MergeHouseholdMove ||
		res.Moved != (postgres.MergeCounts{Notes: 2, Tasks: 1, Memberships: 2, DoneMarks: 2}) {
		t.Errorf("result %+v", res)
	}

	// The survivor: the chosen values, a new version.
	p, err := f.db.GetPerson(ctx, admin, keep)
	if err != nil {
		t.Fatal(err)
	}
	if p.FamilyName != "Haidary" || p.GivenName != "Amina" || p.NationalID == nil || *p.NationalID != *inD.NationalID ||
		p.DUFNumber == nil || *p.DUFNumber != duf || p.CaseworkerID == nil || *p.CaseworkerID != f.cwA.ID ||
		p.Version != vKeep+1 || p.Status != domain.StatusActive {
		t.Errorf("survivor %+v", p)
	}
	// The merged registration: status, link, no identity numbers, no search key.
	var status, nameKey string
	var mergedInto *int64
	var nidDup, dufDup *string
	if err := f.db.Pool.QueryRow(ctx, `SELECT status, merged_into, national_id, duf_number, name_key FROM persons WHERE id = $1`, dup).
		Scan(&status, &mergedInto, &nidDup, &dufDup, &nameKey); err != nil {
		t.Fatal(err)
	}
	if status != domain.StatusMerged || mergedInto == nil || *mergedInto != keep || nidDup != nil || dufDup != nil || nameKey != "" {
		t.Errorf("merged row: %s %v %v %v %q", status, mergedInto, nidDup, dufDup, nameKey)
	}

	// Everything moved.
	for what, sql := range map[string]string{
		"notes":       `SELECT count(*) FROM case_notes WHERE person_id = $1`,
		"tasks":       `SELECT count(*) FROM tasks WHERE person_id = $1`,
		"memberships": `SELECT count(*) FROM household_members WHERE person_id = $1`,
		"deadlines":   `SELECT count(*) FROM deadlines WHERE person_id = $1`,
		"last seen":   `SELECT count(*) FROM person_last_seen WHERE person_id = $1`,
	} {
		if n := mgCount(t, f, sql, dup); n != 0 {
			t.Errorf("%s left on the merged registration: %d", what, n)
		}
	}
	if n := mgCount(t, f, `SELECT count(*) FROM case_notes WHERE person_id = $1 AND id IN ($2, $3)`, keep, n1, oldNote); n != 2 {
		t.Errorf("the duplicate's notes (one older than 24 h) on the survivor: %d, want 2", n)
	}
	if n := mgCount(t, f, `SELECT count(*) FROM case_notes WHERE person_id = $1`, keep); n != 3 {
		t.Errorf("survivor has %d notes, want 3", n)
	}
	if n := mgCount(t, f, `SELECT count(*) FROM tasks WHERE person_id = $1`, keep); n != 1 {
		t.Errorf("survivor has %d tasks, want 1", n)
	}
	if n := mgCount(t, f, `SELECT count(*) FROM household_members WHERE person_id = $1 AND household_id = $2 AND left_on IS NULL AND relation = 'head'`, keep, hid); n != 1 {
		t.Errorf("the active membership did not move to the survivor")
	}
	if n := mgCount(t, f, `SELECT count(*) FROM household_members WHERE person_id = $1 AND household_id = $2 AND left_on = '2026-01-31'`, keep, old); n != 1 {
		t.Errorf("the former membership did not move to the survivor")
	}
	if v := f.version(t, hid); v != hVersion+1 {
		t.Errorf("household version %d, want %d", v, hVersion+1)
	}
	if n := mgCount(t, f, `SELECT count(*) FROM person_last_seen WHERE person_id = $1 AND user_id = $2`, keep, f.cwA2.ID); n != 1 {
		t.Errorf("the last-seen mark did not move")
	}
	ds, err := f.db.PersonDeadlines(ctx, f.cwA.Scope(), keep)
	if err != nil {
		t.Fatal(err)
	}
	done := map[string]string{}
	for _, d := range ds {
		done[d.Kind] = domain.FormatISODate(d.DoneOn)
	}
	if done[domain.KindProgrammeOffer] != "2026-03-01" || done[domain.KindNIRSettlement] != "2026-03-02" {
		t.Errorf("survivor's done marks %v, want the earlier programme offer and the duplicate's NIR", done)
	}

	// One merge audit row on each, in the same transaction as the change.
	// The changed fields in the one change shape; what moved, in details.
	var ch map[string]domain.Change
	var det map[string]json.RawMessage
	var raw, rawDet []byte
	if err := f.db.Pool.QueryRow(ctx, `SELECT changes, details FROM audit_events WHERE action = 'merge' AND person_id = $1`, keep).Scan(&raw, &rawDet); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &ch); err != nil {
		t.Fatalf("survivor's merge changes are not {field: {old, new}}: %s (%v)", raw, err)
	}
	if err := json.Unmarshal(rawDet, &det); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"family_name", "national_id", "duf_number"} {
		if _, ok := ch[k]; !ok {
			t.Errorf("survivor's merge event lacks %s: %s", k, raw)
		}
	}
	for _, k := range []string{"merged_person_id", "moved", "household_plan"} {
		if _, ok := det[k]; !ok {
			t.Errorf("survivor's merge event's details lack %s: %s", k, rawDet)
		}
	}
	if strings.Contains(string(raw), *inD.NationalID) || strings.Contains(string(raw), duf) {
		t.Errorf("identity numbers in the audit log: %s", raw)
	}
	if string(det["merged_person_id"]) != jsonInt(dup) {
		t.Errorf("merged_person_id %s, want %d", det["merged_person_id"], dup)
	}
	if a := clActions(t, f, dup); a[len(a)-1] != "merge" {
		t.Errorf("merged registration's last event %v", a)
	}

	// Gone from every list and search; the survivor is found by the number it took.
	for _, q := range []postgres.PersonQuery{
		{}, {Closed: true}, {Q: "haidary"}, {Q: "amina"}, {Q: *inD.NationalID}, {Q: *inK.NationalID}, {Q: duf},
	} {
		page, err := f.db.ListPersons(ctx, admin, q)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range page.Rows {
			if r.ID == dup || r.Status == domain.StatusMerged {
				t.Errorf("ListPersons(%+v) shows the merged registration", q)
			}
		}
		want := 1
		if q.Closed || q.Q == *inK.NationalID {
			want = 0
		}
		if len(page.Rows) != want {
			t.Errorf("ListPersons(%+v): %d rows, want %d", q, len(page.Rows), want)
		}
	}
	if cands, err := f.db.FindMergeCandidates(ctx, admin, keep, "haidary"); err != nil || len(cands.Results) != 0 || len(cands.Suggestions) != 0 {
		t.Errorf("merge search finds the merged registration: %+v %v", cands, err)
	}

	// The merged registration is frozen and takes no new records.
	if _, err := f.db.Pool.Exec(ctx, `UPDATE persons SET given_name = 'X' WHERE id = $1`, dup); err == nil {
		t.Error("updated a merged registration")
	}
	if _, err := f.db.CreateNote(ctx, f.cwA.Scope(), dup, noteIn("For sent.", date("2026-05-01"))); err == nil {
		t.Error("wrote a note on a merged registration")
	}
	if _, err := f.db.CreateTask(ctx, f.cwA.Scope(), dup, domain.TaskInput{Title: "X", Due: date("2026-06-01"), AssigneeID: f.cwA.ID}, ""); err == nil {
		t.Error("made a task on a merged registration")
	}
	// Its page still opens, and tells where it went.
	if got, err := f.db.GetPerson(ctx, f.cwA.Scope(), dup); err != nil || got.Status != domain.StatusMerged {
		t.Errorf("GetPerson(merged) = %+v, %v", got, err)
	}
	n, err := f.db.MergedInto(ctx, f.cwA.Scope(), dup)
	if err != nil || n.SurvivorID != keep || n.SurvivorName != "Amina Haidary" || n.MergedBy != f.admin.Name {
		t.Errorf("MergedInto = %+v, %v", n, err)
	}
	if _, err := f.db.MergedInto(ctx, f.cwA.Scope(), keep); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Errorf("MergedInto(not merged) = %v", err)
	}
	if _, err := f.db.MergedInto(ctx, f.cwB.Scope(), dup); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Errorf("MergedInto out of scope = %v", err)
	}
	// Merging it again is refused.
	if _, err := f.db.PreviewMerge(ctx, admin, keep, dup, 0); domain.ErrorCode(err) != domain.ECONFLICT {
		t.Errorf("preview with a merged registration: %v", err)
	}
}

func jsonInt(id int64) string { b, _ := json.Marshal(id); return string(b) }

func TestMergeUniqueIdentityNumbers(t *testing.T) {
	f := mgFixture(t)
	ctx := context.Background()
	admin := f.admin.Scope()
	inK, inD := input("Yonas", "Tesfaye", nil), input("Yonas", "Tesfay", nil)
	keep := mgPerson(t, f, f.cwA, inK, "2026-01-01")
	dup := mgPerson(t, f, f.cwA, inD, "2026-01-02")
	// The survivor takes the duplicate's national ID: no unique violation.
	if _, err := f.db.MergePersons(ctx, admin, keep, dup, mgInput(t, f, keep, dup, "national_id")); err != nil {
		t.Fatal(err)
	}
	// The survivor's old number is free again; the taken one is the survivor's.
	if _, err := f.db.CreatePerson(ctx, f.cwA.Scope(), inK); err != nil {
		t.Errorf("registering the freed number: %v", err)
	}
	_, err := f.db.CreatePerson(ctx, f.cwA.Scope(), inD)
	var dupErr *postgres.DuplicateError
	if !errors.As(err, &dupErr) || dupErr.ExistingID != keep {
		t.Errorf("registering the taken number: %v, want a duplicate of %d", err, keep)
	}
}

func TestMergeHouseholdsOfBoth(t *testing.T) {
	f := mgFixture(t)
	ctx := context.Background()
	admin := f.admin.Scope()
	today := date(mgToday)

	t.Run("different households", func(t *testing.T) {
		h1, keep := f.household(t, "Familien En", "Amal", "Hassan")
		h2, dup := f.household(t, "Familien To", "Amal", "Hasan")
		v2 := f.version(t, h2)
		pv, err := f.db.PreviewMerge(ctx, admin, keep, dup, keep)
		if err != nil {
			t.Fatal(err)
		}
		if pv.HouseholdPlan != domain.MergeHouseholdEnd || pv.SurvivorHousehold.ID != h1 || pv.MergedHousehold.ID != h2 || !pv.LeftOn.Equal(today) {
			t.Errorf("preview plan %s %+v %+v %v", pv.HouseholdPlan, pv.SurvivorHousehold, pv.MergedHousehold, pv.LeftOn)
		}
		res, err := f.db.MergePersons(ctx, admin, keep, dup, mgInput(t, f, keep, dup))
		if err != nil {
			t.Fatal(err)
		}
		if res.EndedHousehold != "Familien To" {
			t.Errorf("ended household %q", res.EndedHousehold)
		}
		// The survivor stays in its household; the other membership ended
		// today and stays in Familien To's history, now the survivor's.
		if n := mgCount(t, f, `SELECT count(*) FROM household_members WHERE person_id = $1 AND left_on IS NULL AND household_id = $2`, keep, h1); n != 1 {
			t.Errorf("survivor's own membership: %d", n)
		}
		var left time.Time
		if err := f.db.Pool.QueryRow(ctx, `SELECT left_on FROM household_members WHERE person_id = $1 AND household_id = $2`, keep, h2).Scan(&left); err != nil {
			t.Fatal(err)
		}
		if !left.Equal(today) {
			t.Errorf("ended on %v, want today", left)
		}
		if v := f.version(t, h2); v <= v2 {
			t.Errorf("household To version %d, want > %d", v, v2)
		}
		if a := clActions(t, f, dup); !slices.Contains(a, postgres.ActionRemoveMember) {
			t.Errorf("no remove_member event: %v", a)
		}
	})

	t.Run("the same household", func(t *testing.T) {
		h, keep := f.household(t, "Familien Tre", "Rahel", "Kidane")
		dup, err := f.db.CreatePerson(ctx, f.cwA.Scope(), input("Rahel", "Kidane", nil))
		if err != nil {
			t.Fatal(err)
		}
		if err := f.db.AddHouseholdMember(ctx, f.cwA.Scope(), h, domain.MemberInput{PersonID: dup, Relation: domain.RelationSpouse,
			JoinedOn: date("2026-02-01"), Version: f.version(t, h)}); err != nil {
			t.Fatal(err)
		}
		res, err := f.db.MergePersons(ctx, admin, keep, dup, mgInput(t, f, keep, dup))
		if err != nil {
			t.Fatal(err)
		}
		if res.HouseholdPlan != domain.MergeHouseholdSame {
			t.Errorf("plan %s", res.HouseholdPlan)
		}
		if n := mgCount(t, f, `SELECT count(*) FROM household_members WHERE person_id = $1 AND left_on IS NULL`, keep); n != 1 {
			t.Errorf("survivor has %d active memberships, want 1", n)
		}
		if n := mgCount(t, f, `SELECT count(*) FROM household_members WHERE person_id = $1 AND household_id = $2 AND relation = 'head' AND left_on IS NULL`, keep, h); n != 1 {
			t.Errorf("the survivor is no longer the head")
		}
	})
}

func TestMergeRefusals(t *testing.T) {
	f := mgFixture(t)
	ctx := context.Background()
	admin := f.admin.Scope()
	a := mgPerson(t, f, f.cwA, input("Olena", "Kovalenko", nil), "2026-01-01")
	b := mgPerson(t, f, f.cwA, input("Olena", "Kovalenk", nil), "2026-01-02")
	other := mgPerson(t, f, f.cwB, input("Olena", "Kovalenko", nil), "2026-01-03")

	// Only administrators.
	for _, u := range []*domain.User{f.cwA, f.leaderA, f.health, f.hou} {
		if _, err := f.db.PreviewMerge(ctx, u.Scope(), a, b, 0); domain.ErrorCode(err) != domain.EFORBIDDEN {
			t.Errorf("%s previews: %v", u.Role, err)
		}
		if _, err := f.db.MergePersons(ctx, u.Scope(), a, b, mgInput(t, f, a, b)); domain.ErrorCode(err) != domain.EFORBIDDEN {
			t.Errorf("%s merges: %v", u.Role, err)
		}
		if _, err := f.db.FindMergeCandidates(ctx, u.Scope(), a, ""); domain.ErrorCode(err) != domain.EFORBIDDEN {
			t.Errorf("%s searches: %v", u.Role, err)
		}
	}
	// Not across units, said plainly.
	_, err := f.db.PreviewMerge(ctx, admin, a, other, 0)
	if domain.ErrorCode(err) != domain.EINVALID || !strings.Contains(domain.ErrorMessage(err), "samme enhet") {
		t.Errorf("across units: %v", err)
	}
	if _, err := f.db.MergePersons(ctx, admin, a, other, mgInput(t, f, a, other)); domain.ErrorCode(err) != domain.EINVALID {
		t.Errorf("merge across units: %v", err)
	}
	// Not with itself, not with someone who does not exist.
	if _, err := f.db.PreviewMerge(ctx, admin, a, a, 0); domain.ErrorCode(err) != domain.EINVALID {
		t.Errorf("with itself: %v", err)
	}
	if _, err := f.db.PreviewMerge(ctx, admin, a, 999999, 0); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Errorf("with nobody: %v", err)
	}
	// A choice that does not name the two.
	if _, err := f.db.MergePersons(ctx, admin, a, b, mgInput(t, f, a, other)); domain.ErrorCode(err) != domain.EINVALID {
		t.Errorf("a third person in the input: %v", err)
	}

	// Stale: someone edits b after the preview; nothing is saved.
	in := mgInput(t, f, a, b, "family_name")
	pb, _ := f.db.GetPerson(ctx, f.cwA.Scope(), b)
	edit := domain.FormFromPerson(pb)
	edit.GivenName = "Olha"
	ein, err := edit.Validate(date(mgToday))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.UpdatePerson(ctx, f.cwA.Scope(), b, ein); err != nil {
		t.Fatal(err)
	}
	_, err = f.db.MergePersons(ctx, admin, a, b, in)
	var stale *postgres.MergeStaleError
	if !errors.As(err, &stale) || domain.ErrorCode(err) != domain.ECONFLICT || stale.A.ID != a || stale.B.ID != b || stale.B.GivenName != "Olha" {
		t.Fatalf("stale merge: %v", err)
	}
	if n := mgCount(t, f, `SELECT count(*) FROM persons WHERE status = 'merged'`); n != 0 {
		t.Errorf("a stale merge saved something")
	}
	// Stale on the survivor's side too.
	in = mgInput(t, f, a, b)
	in.SurvivorVersion--
	if _, err := f.db.MergePersons(ctx, admin, a, b, in); !errors.As(err, &stale) {
		t.Errorf("stale survivor: %v", err)
	}

	// Values that do not fit together: the other's later arrival, the
	// survivor's settlement before it.
	late := input("Olena", "Kovalenko", nil)
	late.ArrivalDate, late.SettlementDate = ptr(date("2026-03-01")), ptr(date("2026-03-02"))
	c := mgPerson(t, f, f.cwA, late, "2026-01-04")
	_, err = f.db.MergePersons(ctx, admin, a, c, mgInput(t, f, a, c, "arrival_date"))
	var de *domain.Error
	if !errors.As(err, &de) || de.Code != domain.EINVALID || de.Fields["f_settlement_date"] == "" {
		t.Errorf("arrival after settlement: %v", err)
	}
	// A caseworker who can no longer have cases cannot be taken.
	withCW := input("Olena", "Kovalenko", f.cwA2)
	d := mgPerson(t, f, f.cwA, withCW, "2026-01-05")
	if _, err := f.db.Pool.Exec(ctx, `UPDATE users SET active = false WHERE id = $1`, f.cwA2.ID); err != nil {
		t.Fatal(err)
	}
	if pv, err := f.db.PreviewMerge(ctx, admin, a, d, a); err != nil || !pv.CaseworkerInactive {
		t.Errorf("preview does not warn of the inactive caseworker: %v", err)
	}
	_, err = f.db.MergePersons(ctx, admin, a, d, mgInput(t, f, a, d, "caseworker_id"))
	if !errors.As(err, &de) || de.Fields["f_caseworker_id"] == "" {
		t.Errorf("taking an inactive caseworker: %v", err)
	}
	if n := mgCount(t, f, `SELECT count(*) FROM persons WHERE status = 'merged'`); n != 0 {
		t.Errorf("a refused merge saved something")
	}
}

func TestMergeAuditTrailFollowsTheSurvivor(t *testing.T) {
	f := mgFixture(t)
	ctx := context.Background()
	admin := f.admin.Scope()
	a := mgPerson(t, f, f.cwA, input("Hamid", "Noori", nil), "2026-01-01")
	b := mgPerson(t, f, f.cwA, input("Hamid", "Nouri", nil), "2026-01-02")
	c := mgPerson(t, f, f.cwA, input("Hamed", "Noori", nil), "2026-01-03")
	// Reads of the duplicates before the merge, by a caseworker and the health role.
	if _, err := f.db.GetPerson(ctx, f.cwA2.Scope(), b); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.GetPerson(ctx, f.health.Scope(), c); err != nil {
		t.Fatal(err)
	}
	// c into b, then b into a: a's log holds all three.
	if _, err := f.db.MergePersons(ctx, admin, b, c, mgInput(t, f, b, c)); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.MergePersons(ctx, admin, a, b, mgInput(t, f, a, b)); err != nil {
		t.Fatal(err)
	}
	page, err := f.db.PersonAudit(ctx, f.leaderA.Scope(), a, postgres.AuditQuery{})
	if err != nil {
		t.Fatal(err)
	}
	byPerson := map[int64][]string{}
	for _, e := range page.Events {
		byPerson[*e.PersonID] = append(byPerson[*e.PersonID], e.Action)
	}
	for id, want := range map[int64][]string{a: {"create", "merge"}, b: {"create", "view", "merge"}, c: {"create", "view", "merge"}} {
		for _, w := range want {
			if !slices.Contains(byPerson[id], w) {
				t.Errorf("a's access log lacks %s of person %d: %v", w, id, byPerson[id])
			}
		}
	}
	// Filter and paging work across the merged registrations.
	views, err := f.db.PersonAudit(ctx, f.leaderA.Scope(), a, postgres.AuditQuery{Action: "view"})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int64]bool{}
	for _, e := range views.Events {
		seen[*e.PersonID] = true
	}
	if !seen[b] || !seen[c] {
		t.Errorf("view filter: %v", seen)
	}
	var all []int64
	var before int64
	for {
		p, err := f.db.PersonAudit(ctx, f.leaderA.Scope(), a, postgres.AuditQuery{Before: before, Limit: 2})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range p.Events {
			all = append(all, e.ID)
		}
		if !p.HasMore {
			break
		}
		before = p.Events[len(p.Events)-1].ID
	}
	if len(all) < len(page.Events) {
		t.Errorf("paging in twos read %d events, the page had %d", len(all), len(page.Events))
	}
	// The CSV export has them too.
	exported := map[int64]bool{}
	if err := f.db.ExportPersonAudit(ctx, admin, a, "", func(e postgres.AuditEvent) error {
		exported[*e.PersonID] = true
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if !exported[a] || !exported[b] || !exported[c] {
		t.Errorf("export covers %v", exported)
	}
	// The merged registration's own log does not hold the survivor's events.
	own, err := f.db.PersonAudit(ctx, f.leaderA.Scope(), b, postgres.AuditQuery{})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range own.Events {
		if *e.PersonID == a {
			t.Errorf("b's log has a's event %s", e.Action)
		}
	}
	// The timeline holds the merged registrations' changes too.
	tl, err := f.db.PersonTimeline(ctx, f.cwA.Scope(), a, postgres.TimelineQuery{Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	actions := map[string]int{}
	for _, it := range tl.Items {
		if it.Change != nil {
			actions[it.Change.Action]++
		}
	}
	if actions["create"] != 3 || actions["merge"] != 1 {
		t.Errorf("a's timeline changes %v, want 3 registrations and a's own merge event", actions)
	}
	// A merged chain leads the notice to the last survivor.
	if n, err := f.db.MergedInto(ctx, f.cwA.Scope(), c); err != nil || n.SurvivorID != a {
		t.Errorf("MergedInto(c) = %+v, %v", n, err)
	}
}

func TestFindMergeCandidates(t *testing.T) {
	f := mgFixture(t)
	ctx := context.Background()
	admin := f.admin.Scope()
	subject := mgPerson(t, f, f.cwA, input("Fatima", "Ahmadi", f.cwA), "2026-01-01")
	like := mgPerson(t, f, f.cwA, input("Fatma", "Ahmadi", nil), "2026-01-02") // same birth date, similar name
	other := input("Sara", "Jonsson", nil)                                     // another name
	otherID := mgPerson(t, f, f.cwA, other, "2026-01-03")                      //
	mgPerson(t, f, f.cwB, input("Fatima", "Ahmadi", nil), "2026-01-04")        // another unit
	res, err := f.db.FindMergeCandidates(ctx, admin, subject, "")
	if err != nil {
		t.Fatal(err)
	}
	if res.Subject.ID != subject || res.UnitName != "A" || len(res.Suggestions) != 1 || res.Suggestions[0].ID != like || res.Results != nil {
		t.Errorf("suggestions %+v", res)
	}
	res, err = f.db.FindMergeCandidates(ctx, admin, subject, "jons")
	if err != nil || len(res.Results) != 1 || res.Results[0].ID != otherID || !res.Results[0].HasNationalID {
		t.Errorf("name search %+v %v", res, err)
	}
	res, err = f.db.FindMergeCandidates(ctx, admin, subject, *other.NationalID)
	if err != nil || len(res.Results) != 1 || res.Results[0].ID != otherID {
		t.Errorf("national ID search %+v %v", res, err)
	}
	// Not the subject itself, not another unit.
	res, err = f.db.FindMergeCandidates(ctx, admin, subject, "ahmadi")
	if err != nil || len(res.Results) != 1 || res.Results[0].ID != like {
		t.Errorf("search ahmadi: %+v %v", res.Results, err)
	}
}
