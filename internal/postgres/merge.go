package postgres

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"ankomst/internal/domain"

	"github.com/jackc/pgx/v5"
)

// canMerge refuses every role but the administrator.
func canMerge(s domain.Scope) error {
	if err := s.Role.Require(domain.CapMerge); err != nil {
		return err
	}
	return nil
}

// MergeStaleError refuses a merge when either registration changed after
// the preview: A and B are the stored persons now (A the one the merge
// started from). Nothing is saved.
type MergeStaleError struct{ A, B *domain.Person }

func (e *MergeStaleError) Error() string { return "merge: stale preview" }
func (e *MergeStaleError) Unwrap() error {
	return domain.Errorf(domain.ECONFLICT, "En av registreringene er endret etter forhåndsvisningen. Ingenting er lagret.")
}

// MergeCounts is what a merge moves from the merged registration to the
// survivor.
type MergeCounts struct {
	Notes       int // case notes (saksnotater)
	Tasks       int // manual tasks (oppgaver)
	Memberships int // household memberships, past and present
	DoneMarks   int // computed deadlines marked done, of kinds the user may see
}

// MergeHousehold is a registration's active household.
type MergeHousehold struct {
	ID       int64
	Name     string
	memberID int64
	joinedOn time.Time
}

// MergePreview is what merging two registrations would do; nothing is saved.
type MergePreview struct {
	A, B                 *domain.Person // A: the person the merge started from
	SurvivorID, MergedID int64
	DefaultSurvivorID    int64    // domain.DefaultSurvivor
	Diffs                []string // merge fields that differ (domain.MergeDiffs)
	Moves                MergeCounts
	// HouseholdPlan is one of domain.MergeHousehold*; the households are
	// the survivor's and the merged registration's active ones, or nil.
	HouseholdPlan     string
	SurvivorHousehold *MergeHousehold
	MergedHousehold   *MergeHousehold
	// LeftOn is the day an ended membership ends (plans end and same).
	LeftOn time.Time
	// CaseworkerInactive tells that the merged registration's caseworker can
	// no longer be assigned (deactivated, or no longer a caseworker).
	CaseworkerInactive bool
}

// Survivor and Merged return the two registrations by their part.
func (p *MergePreview) Survivor() *domain.Person { return p.pick(p.SurvivorID) }
func (p *MergePreview) Merged() *domain.Person   { return p.pick(p.MergedID) }

func (p *MergePreview) pick(id int64) *domain.Person {
	if p.A.ID == id {
		return p.A
	}
	return p.B
}

// mergePair reads the two registrations within scope, optionally locked (in
// id order, so two merges of overlapping pairs cannot deadlock), and checks
// that they can be merged at all.
func (db *DB) mergePair(ctx context.Context, q querier, s domain.Scope, aID, bID int64, lock bool) (a, b *domain.Person, err error) {
	if aID == bID {
		return nil, nil, domain.Errorf(domain.EINVALID, "En registrering kan ikke slås sammen med seg selv. Velg en annen person.")
	}
	first, second := aID, bID
	if second < first {
		first, second = second, first
	}
	p1, err := db.getPerson(ctx, q, s, first, lock)
	if err != nil {
		return nil, nil, err
	}
	p2, err := db.getPerson(ctx, q, s, second, lock)
	if err != nil {
		return nil, nil, err
	}
	a, b = p1, p2
	if a.ID != aID {
		a, b = p2, p1
	}
	return a, b, nil
}

// checkMergeable refuses a pair that cannot be merged: either one already
// merged, or the two in different units.
func checkMergeable(ctx context.Context, q querier, a, b *domain.Person) error {
	for _, p := range []*domain.Person{a, b} {
		if p.Status == domain.StatusMerged {
			return domain.Errorf(domain.ECONFLICT, "%s er allerede slått sammen med en annen registrering.", p.FullName())
		}
	}
	if a.UnitID != b.UnitID {
		var ua, ub string
		if err := q.QueryRow(ctx, `SELECT (SELECT name FROM units WHERE id = $1), (SELECT name FROM units WHERE id = $2)`,
			a.UnitID, b.UnitID).Scan(&ua, &ub); err != nil {
			return err
		}
		return domain.Errorf(domain.EINVALID, "%s hører til enheten %s og %s til enheten %s. Bare registreringer i samme enhet kan slås sammen.",
			a.FullName(), ua, b.FullName(), ub)
	}
	return nil
}

// activeHousehold returns the person's active household membership, or nil.
func activeHousehold(ctx context.Context, q querier, s domain.Scope, personID int64, lock bool) (*MergeHousehold, error) {
	var a sqlArgs
	pp := a.add(personID)
	sql := `SELECT m.id, h.id, h.name, m.joined_on FROM household_members m JOIN households h ON h.id = m.household_id
		WHERE m.person_id = ` + pp + ` AND m.left_on IS NULL AND ` + a.scope(s, "h.unit_id")
	if lock {
		sql += ` FOR UPDATE OF m`
	}
	var h MergeHousehold
	err := q.QueryRow(ctx, sql, a.list...).Scan(&h.memberID, &h.ID, &h.Name, &h.joinedOn)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &h, nil
}

func householdID(h *MergeHousehold) int64 {
	if h == nil {
		return 0
	}
	return h.ID
}

// mergeMoves lists the modules' tables whose rows a merge simply moves to
// the survivor (person_id re-pointed): one line per module. Records that
// need more (household memberships, computed deadlines, last-seen marks)
// have their own step in MergePersons. A table listed here must also refuse
// new rows for a merged registration (a trigger calling refuse_merged_person,
// migration 000007; TestMergeMovesAreGuarded checks) and be counted in
// mergeCounts for the preview.
func mergeMoves() []string {
	return []string{"case_notes", "tasks",
		// The programme: plan versions before programmes (they follow the
		// programme), then the facts about the person whatever programme
		// survives; see mergeOnlyIf.
		"plan_versions", "programmes", "programme_pauses", "benefit_deductions",
		"attendance", "programme_group_members",
		// Placements (their follow-ups and evaluations follow them).
		"placements",
	}
}

// mergeOnlyIf limits the move of a table of mergeMoves to the merged
// registration's rows (alias m) for which the condition holds ($2 is the
// survivor): rows unique per person move only where the survivor has none.
// The survivor's programme is kept, with its weekly plan; the other stays
// on the merged registration, where the audit trail can still find it. A
// day of attendance or a group membership the survivor has already is kept
// as the survivor's.
func mergeOnlyIf() map[string]string {
	noProgramme := `NOT EXISTS (SELECT 1 FROM programmes s WHERE s.person_id = $2)`
	return map[string]string{
		"plan_versions":           noProgramme,
		"programmes":              noProgramme,
		"attendance":              `NOT EXISTS (SELECT 1 FROM attendance s WHERE s.person_id = $2 AND s.day = m.day)`,
		"programme_group_members": `NOT EXISTS (SELECT 1 FROM programme_group_members s WHERE s.person_id = $2 AND s.group_id = m.group_id)`,
	}
}

// mergeCounts counts the records of a registration that a merge moves;
// done marks only of the deadline kinds the user may see.
func mergeCounts(ctx context.Context, q querier, s domain.Scope, personID int64) (MergeCounts, error) {
	var c MergeCounts
	err := q.QueryRow(ctx, `SELECT
			(SELECT count(*) FROM case_notes WHERE person_id = $1)::int,
			(SELECT count(*) FROM tasks WHERE person_id = $1)::int,
			(SELECT count(*) FROM household_members WHERE person_id = $1)::int,
			(SELECT count(*) FROM deadlines WHERE person_id = $1 AND done_on IS NOT NULL AND kind <> ALL($2))::int`,
		personID, hiddenKinds(s)).Scan(&c.Notes, &c.Tasks, &c.Memberships, &c.DoneMarks)
	return c, err
}

// assignable reports whether a caseworker can still be given cases in unit.
func assignable(ctx context.Context, q querier, id *int64, unitID int64) (bool, error) {
	if id == nil {
		return true, nil
	}
	var ok bool
	err := q.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM users WHERE id = $1 AND active
		AND role IN `+holdCaseloadRoles()+` AND unit_id = $2)`, *id, unitID).Scan(&ok)
	return ok, err
}

// PreviewMerge shows what merging the registrations aID (the person the
// merge started from) and bID would do, keeping keep (0: the proposed
// survivor, domain.DefaultSurvivor). Administrators only; both persons must
// be within scope, not merged, and of one unit. Nothing is saved, but the
// read of both is audited, as opening a person page is.
func (db *DB) PreviewMerge(ctx context.Context, s domain.Scope, aID, bID, keep int64) (*MergePreview, error) {
	if err := canMerge(s); err != nil {
		return nil, err
	}
	var pv *MergePreview
	err := db.WithTx(ctx, func(tx pgx.Tx) error {
		a, b, err := db.mergePair(ctx, tx, s, aID, bID, false)
		if err != nil {
			return err
		}
		if err := checkMergeable(ctx, tx, a, b); err != nil {
			return err
		}
		pv = &MergePreview{A: a, B: b, DefaultSurvivorID: domain.DefaultSurvivor(a, b).ID, Diffs: domain.MergeDiffs(a, b)}
		pv.SurvivorID = pv.DefaultSurvivorID
		if keep == a.ID || keep == b.ID {
			pv.SurvivorID = keep
		}
		pv.MergedID = a.ID + b.ID - pv.SurvivorID
		if pv.Moves, err = mergeCounts(ctx, tx, s, pv.MergedID); err != nil {
			return err
		}
		if pv.SurvivorHousehold, err = activeHousehold(ctx, tx, s, pv.SurvivorID, false); err != nil {
			return err
		}
		if pv.MergedHousehold, err = activeHousehold(ctx, tx, s, pv.MergedID, false); err != nil {
			return err
		}
		pv.HouseholdPlan = domain.MergeHouseholdPlan(householdID(pv.SurvivorHousehold), householdID(pv.MergedHousehold))
		if h := pv.MergedHousehold; h != nil {
			pv.LeftOn = domain.MergeLeftOn(db.today(), h.joinedOn)
		}
		ok, err := assignable(ctx, tx, pv.Merged().CaseworkerID, pv.Merged().UnitID)
		if err != nil {
			return err
		}
		pv.CaseworkerInactive = !ok
		for _, id := range []int64{a.ID, b.ID} {
			if err := writeAudit(ctx, tx, s, auditEvent{Action: ActionView, Entity: "person", EntityID: &id, PersonID: &id}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return pv, nil
}

// MergeResult is what a merge did.
type MergeResult struct {
	SurvivorID, MergedID     int64
	SurvivorName, MergedName string
	Taken                    []string // the fields taken from the merged registration
	Moved                    MergeCounts
	HouseholdPlan            string
	// EndedHousehold is the household whose membership of the merged
	// registration ended (plans end and same), or "".
	EndedHousehold string
}

// MergePersons merges the registration in.MergedID into in.SurvivorID, on
// the versions the preview showed, in one transaction:
//   - the survivor gets the fields of in.Take from the merged registration
//     (checked by domain.MergedPerson) and a new version;
//   - case notes, tasks, household memberships (past and present), deadline
//     done marks (the earlier date of a kind both had done) and last-seen
//     marks move to the survivor; when both are active members of a
//     household, the merged registration's membership ends today
//     (domain.MergeHouseholdPlan) and stays in that household's history;
//   - the merged registration gets status merged, merged_into, and loses its
//     identity numbers (cleared before the survivor takes them: they are
//     unique) and its search key, so no list or search finds it;
//   - one merge audit row on each of the two.
//
// aID is the person the merge started from and bID the other: a
// *MergeStaleError carries both as stored when either changed since the
// preview. Administrators only, both within scope and of one unit.
func (db *DB) MergePersons(ctx context.Context, s domain.Scope, aID, bID int64, in domain.MergeInput) (*MergeResult, error) {
	if err := canMerge(s); err != nil {
		return nil, err
	}
	if (in.SurvivorID != aID || in.MergedID != bID) && (in.SurvivorID != bID || in.MergedID != aID) {
		return nil, domain.Errorf(domain.EINVALID, "Velg hvilken registrering som skal beholdes.")
	}
	today := db.today()
	var res *MergeResult
	err := db.WithTx(ctx, func(tx pgx.Tx) error {
		a, b, err := db.mergePair(ctx, tx, s, aID, bID, true)
		if err != nil {
			return err
		}
		sv, mg := a, b
		if sv.ID != in.SurvivorID {
			sv, mg = b, a
		}
		if sv.Version != in.SurvivorVersion || mg.Version != in.MergedVersion {
			return &MergeStaleError{A: a, B: b}
		}
		if err := checkMergeable(ctx, tx, a, b); err != nil {
			return err
		}
		next, err := domain.MergedPerson(sv, mg, in.Take, today)
		if err != nil {
			return err
		}
		if slices.Contains(in.Take, "caseworker_id") && idStr(next.CaseworkerID) != idStr(sv.CaseworkerID) {
			ok, err := assignable(ctx, tx, next.CaseworkerID, sv.UnitID)
			if err != nil {
				return err
			}
			if !ok {
				return &domain.Error{Code: domain.EINVALID, Message: "Opplysningene du valgte passer ikke sammen. Rett opp valgene som er merket.",
					Fields: map[string]string{"f_caseworker_id": "Programrådgiveren til den andre registreringen kan ikke lenger få saker i enheten. Behold den andre verdien."}}
			}
		}
		res = &MergeResult{SurvivorID: sv.ID, MergedID: mg.ID, SurvivorName: next.GivenName + " " + next.FamilyName,
			MergedName: mg.FullName(), Taken: in.Take}
		counts, err := mergeCounts(ctx, tx, s, mg.ID)
		if err != nil {
			return err
		}
		svHome, err := activeHousehold(ctx, tx, s, sv.ID, true)
		if err != nil {
			return err
		}
		mgHome, err := activeHousehold(ctx, tx, s, mg.ID, true)
		if err != nil {
			return err
		}

		// The merged registration first: its identity numbers are unique.
		if _, err := tx.Exec(ctx, `UPDATE persons SET status = 'merged', merged_into = $2, national_id = NULL,
				duf_number = NULL, name_key = '', version = version + 1, updated_at = now(), updated_by = $3
			WHERE id = $1`, mg.ID, sv.ID, s.UserID); err != nil {
			return err
		}
		changes := personChanges(sv, next)
		if _, err := tx.Exec(ctx, `
			UPDATE persons SET given_name = $2, family_name = $3, name_key = $4, family_key = $5,
				given_key = $6, birth_date = $7, sex = $8, national_id = $9, duf_number = $10,
				country_of_origin = $11, languages = $12, interpreter_needed = $13,
				interpreter_language = $14, interpreter_dialect = $15, residence_basis = $16,
				arrival_date = $17, settlement_date = $18, caseworker_id = $19, interpreter_gender = $21,
				version = version + 1, updated_at = now(), updated_by = $20
			WHERE id = $1`,
			sv.ID, next.GivenName, next.FamilyName, nameKey(next.GivenName, next.FamilyName),
			domain.FoldName(next.FamilyName), domain.FoldName(next.GivenName),
			next.BirthDate, next.Sex, next.NationalID, next.DUFNumber, next.CountryOfOrigin, next.Languages,
			next.InterpreterNeeded, next.InterpreterLanguage, next.InterpreterDialect, next.ResidenceBasis,
			next.ArrivalDate, next.SettlementDate, next.CaseworkerID, s.UserID, next.InterpreterGender); err != nil {
			return err
		}

		for _, table := range mergeMoves() {
			sql := `UPDATE ` + table + ` AS m SET person_id = $2 WHERE m.person_id = $1`
			if cond := mergeOnlyIf()[table]; cond != "" {
				sql += ` AND ` + cond
			}
			if _, err := tx.Exec(ctx, sql, mg.ID, sv.ID); err != nil {
				return err
			}
		}

		// Households.
		res.HouseholdPlan = domain.MergeHouseholdPlan(householdID(svHome), householdID(mgHome))
		if res.HouseholdPlan == domain.MergeHouseholdEnd || res.HouseholdPlan == domain.MergeHouseholdSame {
			leftOn := domain.MergeLeftOn(today, mgHome.joinedOn)
			var relation string
			if err := tx.QueryRow(ctx, `UPDATE household_members SET left_on = $2, removed_at = now(), removed_by = $3
				WHERE id = $1 RETURNING relation, joined_on`, mgHome.memberID, leftOn, s.UserID).
				Scan(&relation, &mgHome.joinedOn); err != nil {
				return err
			}
			if err := writeAudit(ctx, tx, s, leaveAudit(mgHome.ID, mg.ID, relation, mgHome.joinedOn, leftOn)); err != nil {
				return err
			}
			res.EndedHousehold = mgHome.Name
		}
		if _, err := tx.Exec(ctx, `
			WITH moved AS (
				UPDATE household_members SET person_id = $2 WHERE person_id = $1 RETURNING household_id
			)
			UPDATE households SET version = version + 1, updated_at = now(), updated_by = $3
			WHERE id IN (SELECT household_id FROM moved)`, mg.ID, sv.ID, s.UserID); err != nil {
			return err
		}

		// Deadlines: the survivor's follow its (new) dates; a kind both had
		// done keeps the earlier date; the merged registration's go.
		if err := refreshDeadlines(ctx, tx, sv.ID); err != nil {
			return err
		}
		if err := refreshHealthItems(ctx, tx, sv.ID); err != nil {
			return err
		}
		if err := refreshPlacementDeadline(ctx, tx, sv.ID); err != nil {
			return err
		}
		doneAll, doneMoved, err := mergeDoneMarks(ctx, tx, s, mg.ID, sv.ID)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM deadlines WHERE person_id = $1`, mg.ID); err != nil {
			return err
		}

		if _, err := tx.Exec(ctx, `
			INSERT INTO person_last_seen (user_id, person_id, seen_at)
			SELECT user_id, $2, seen_at FROM person_last_seen WHERE person_id = $1
			ON CONFLICT (user_id, person_id) DO UPDATE SET seen_at = least(person_last_seen.seen_at, excluded.seen_at)`,
			mg.ID, sv.ID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM person_last_seen WHERE person_id = $1`, mg.ID); err != nil {
			return err
		}

		res.Moved = MergeCounts{Notes: counts.Notes, Tasks: counts.Tasks, Memberships: counts.Memberships, DoneMarks: doneMoved}
		svDetails := &domain.AuditDetails{
			MergedPersonID: mg.ID,
			Moved: []domain.AuditCount{{What: "case_notes", Count: counts.Notes}, {What: "tasks", Count: counts.Tasks},
				{What: "household_members", Count: counts.Memberships}, {What: "deadline_done_marks", Count: doneAll}},
			HouseholdPlan: res.HouseholdPlan,
		}
		svID, mgID := sv.ID, mg.ID
		if err := writeAudit(ctx, tx, s, auditEvent{Action: ActionMerge, Entity: domain.EntityPerson, EntityID: &svID, PersonID: &svID,
			Changes: changes, Details: svDetails}); err != nil {
			return err
		}
		mgChanges := domain.Changes{}
		mgChanges.Set("merged_into", "", strconv.FormatInt(sv.ID, 10))
		mgChanges.Set("status", mg.Status, domain.StatusMerged)
		mgChanges.SetHidden("national_id", mg.NationalID, nil)
		mgChanges.SetHidden("duf_number", mg.DUFNumber, nil)
		return writeAudit(ctx, tx, s, auditEvent{Action: ActionMerge, Entity: domain.EntityPerson, EntityID: &mgID, PersonID: &mgID, Changes: mgChanges})
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// mergeDoneMarks carries the merged registration's done marks over to the
// survivor's deadlines of the same kind: a kind done on both keeps the
// earlier date (domain.MergeEarliestDone). Kinds the survivor's dates do
// not give are not carried. It returns how many deadlines of the survivor
// changed, and how many of them are of kinds the user may see.
func mergeDoneMarks(ctx context.Context, tx pgx.Tx, s domain.Scope, mergedID, survivorID int64) (all, visible int, err error) {
	type mark struct {
		ID     int64      `db:"id"`
		Kind   string     `db:"kind"`
		DoneOn *time.Time `db:"done_on"`
		DoneBy *int64     `db:"done_by"`
	}
	read := func(personID int64) (map[string]mark, error) {
		rows, err := tx.Query(ctx, `SELECT id, kind, done_on, done_by FROM deadlines WHERE person_id = $1 FOR UPDATE`, personID)
		if err != nil {
			return nil, err
		}
		list, err := pgx.CollectRows(rows, pgx.RowToStructByName[mark])
		if err != nil {
			return nil, err
		}
		out := make(map[string]mark, len(list))
		for _, m := range list {
			out[m.Kind] = m
		}
		return out, nil
	}
	from, err := read(mergedID)
	if err != nil {
		return 0, 0, err
	}
	to, err := read(survivorID)
	if err != nil {
		return 0, 0, err
	}
	hidden := hiddenKinds(s)
	for kind, m := range from {
		t, ok := to[kind]
		if m.DoneOn == nil || !ok {
			continue
		}
		done := domain.MergeEarliestDone(t.DoneOn, m.DoneOn)
		if done == t.DoneOn {
			continue // the survivor's own date stands
		}
		if _, err := tx.Exec(ctx, `UPDATE deadlines SET done_on = $2, done_by = $3, version = version + 1,
				updated_at = now(), updated_by = $4
			WHERE id = $1`, t.ID, m.DoneOn, m.DoneBy, s.UserID); err != nil {
			return 0, 0, err
		}
		all++
		if !slices.Contains(hidden, kind) {
			visible++
		}
	}
	return all, visible, nil
}

// ---- Finding the other registration ----

// MergeCandidate is a registration that may be merged with the subject.
type MergeCandidate struct {
	ID             int64     `db:"id"`
	GivenName      string    `db:"given_name"`
	FamilyName     string    `db:"family_name"`
	BirthDate      time.Time `db:"birth_date"`
	Status         string    `db:"status"`
	CaseworkerName *string   `db:"caseworker_name"`
	HasNationalID  bool      `db:"has_national_id"`
	HasDUF         bool      `db:"has_duf"`
	CreatedAt      time.Time `db:"created_at"`
}

// MergeSearch is the first step of a merge: the subject, the registrations
// that look like it (same birth date, similar name) and, for a query, the
// registrations that match it — all of the subject's unit, never merged ones.
type MergeSearch struct {
	Subject     *domain.Person
	UnitName    string
	Suggestions []MergeCandidate
	Results     []MergeCandidate
	More        bool // more results than shown
}

// MergeSearchLimit is how many search results the merge search shows.
const MergeSearchLimit = 25

const mergeCandidateSelect = `SELECT p.id, p.given_name, p.family_name, p.birth_date, p.status,
		cw.name AS caseworker_name, p.national_id IS NOT NULL AS has_national_id,
		p.duf_number IS NOT NULL AS has_duf, p.created_at
	FROM persons p LEFT JOIN users cw ON cw.id = p.caseworker_id`

// FindMergeCandidates reads the merge search page for the registration
// personID: likely duplicates of it, and the registrations matching q (a
// name, part of one, a national ID or a DUF number; "" for none). Only
// registrations of the subject's unit within scope, not merged, not the
// subject. Administrators only.
func (db *DB) FindMergeCandidates(ctx context.Context, s domain.Scope, personID int64, q string) (*MergeSearch, error) {
	if err := canMerge(s); err != nil {
		return nil, err
	}
	out := &MergeSearch{}
	err := db.WithTx(ctx, func(tx pgx.Tx) error {
		var err error
		if out.Subject, err = db.getPerson(ctx, tx, s, personID, false); err != nil {
			return err
		}
		if out.Subject.Status == domain.StatusMerged {
			return domain.Errorf(domain.ECONFLICT, "%s er allerede slått sammen med en annen registrering.", out.Subject.FullName())
		}
		if err := tx.QueryRow(ctx, `SELECT name FROM units WHERE id = $1`, out.Subject.UnitID).Scan(&out.UnitName); err != nil {
			return err
		}
		var a sqlArgs
		base := []string{"p.unit_id = " + a.add(out.Subject.UnitID), "p.id <> " + a.add(personID),
			"p.status <> 'merged'", a.scope(s, "p.unit_id")}
		// Suggestions: the same birth date and a similar name (domain.LikelyDuplicate).
		sa := sqlArgs{list: slices.Clone(a.list)}
		rows, err := tx.Query(ctx, mergeCandidateSelect+` WHERE `+strings.Join(base, " AND ")+
			` AND p.birth_date = `+sa.add(out.Subject.BirthDate)+` ORDER BY p.family_key, p.given_key, p.id LIMIT 500`, sa.list...)
		if err != nil {
			return err
		}
		same, err := pgx.CollectRows(rows, pgx.RowToStructByName[MergeCandidate])
		if err != nil {
			return err
		}
		me := domain.NameAndBirth{GivenName: out.Subject.GivenName, FamilyName: out.Subject.FamilyName, BirthDate: out.Subject.BirthDate}
		for _, c := range same {
			if domain.LikelyDuplicate(me, domain.NameAndBirth{GivenName: c.GivenName, FamilyName: c.FamilyName, BirthDate: c.BirthDate}) {
				out.Suggestions = append(out.Suggestions, c)
			}
		}
		match, _ := personMatch(q, a.add)
		if len(match) == 0 {
			return nil
		}
		conds := append(slices.Clone(base), match...)
		rows, err = tx.Query(ctx, mergeCandidateSelect+` WHERE `+strings.Join(conds, " AND ")+
			` ORDER BY p.family_key, p.given_key, p.id LIMIT `+strconv.Itoa(MergeSearchLimit+1), a.list...)
		if err != nil {
			return err
		}
		if out.Results, err = pgx.CollectRows(rows, pgx.RowToStructByName[MergeCandidate]); err != nil {
			return err
		}
		if len(out.Results) > MergeSearchLimit {
			out.Results, out.More = out.Results[:MergeSearchLimit], true
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ---- A merged registration ----

// MergedNotice tells where a merged registration went: the registration
// that holds it now (following merges of merges), when and by whom.
type MergedNotice struct {
	SurvivorID   int64
	SurvivorName string
	MergedAt     time.Time
	MergedBy     string
}

// MergedInto returns where the merged registration personID went, within
// scope. A registration that is not merged is ENOTFOUND.
func (db *DB) MergedInto(ctx context.Context, s domain.Scope, personID int64) (*MergedNotice, error) {
	var a sqlArgs
	pp := a.add(personID)
	ms := a.scope(s, "m.unit_id")
	ps := a.scope(s, "p.unit_id")
	var n MergedNotice
	err := db.Pool.QueryRow(ctx, `
		WITH RECURSIVE up (id, merged_into, depth) AS (
			SELECT id, merged_into, 0 FROM persons WHERE id = `+pp+`
			UNION ALL
			SELECT p.id, p.merged_into, up.depth + 1 FROM persons p JOIN up ON p.id = up.merged_into
			WHERE up.depth < 100
		)
		SELECT p.id, p.given_name || ' ' || p.family_name, m.updated_at, coalesce(u.name, '')
		FROM persons m
		JOIN up ON up.merged_into IS NULL
		JOIN persons p ON p.id = up.id
		LEFT JOIN users u ON u.id = m.updated_by
		WHERE m.id = `+pp+` AND m.status = 'merged' AND `+ms+` AND `+ps,
		a.list...).Scan(&n.SurvivorID, &n.SurvivorName, &n.MergedAt, &n.MergedBy)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, domain.Errorf(domain.ENOTFOUND, "Fant ikke personen.")
	}
	if err != nil {
		return nil, err
	}
	return &n, nil
}
