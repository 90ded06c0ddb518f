package postgres

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"ankomst/internal/domain"

	"github.com/jackc/pgx/v5"
)

// Retention and anonymisation (issue 13, migration 000034). The rules are
// rows of retention_rules; domain.DecideRetention says what is due for a
// closed person; Anonymise carries it out in one transaction per run with
// one audit row per person.
//
// Which text of which table goes is the table below. Every text column of a
// table that refers to persons (directly, or through a household, placement,
// plan version or lease) is listed either as cleared or as kept (codes and
// technical keys): TestRetentionCoversEveryPersonText reads the catalog and
// fails when a new column is in neither list.

// retentionTable is a table holding text about persons.
type retentionTable struct {
	Table string
	// Link is the predicate selecting the rows of the persons $1 (bigint[]);
	// household-wide rows (household) are cleared only when every member
	// of the household is anonymised.
	Link      string
	Household bool
	Kind      string   // the kind of record whose period clears them
	Cleared   []string // free text: replaced by "Anonymisert" ('' stays '')
	Kept      []string // codes and keys kept as statistics
}

// anonymisedHouseholds selects the households every member of which is
// anonymised (the persons of the run are by then).
const anonymisedHouseholds = `(SELECT hm.household_id FROM household_members hm WHERE hm.person_id = ANY($1)
	AND NOT EXISTS (SELECT 1 FROM household_members o JOIN persons op ON op.id = o.person_id
		WHERE o.household_id = hm.household_id AND op.anonymised_at IS NULL))`

var retentionTables = []retentionTable{
	{Table: "case_notes", Link: "person_id = ANY($1)", Kind: domain.RetentionNotes,
		Cleared: []string{"body", "no_interpreter_reason"},
		Kept:    []string{"kind", "interpreter_mode", "interpreter_category", "interpreter_language", "submit_token"}},
	{Table: "tasks", Link: "person_id = ANY($1)", Kind: domain.RetentionNotes,
		Cleared: []string{"title"}, Kept: []string{"form_key"}},
	{Table: "deadlines", Link: "person_id = ANY($1)", Kind: domain.RetentionNotes, Kept: []string{"kind"}},
	{Table: "programmes", Link: "person_id = ANY($1)", Kind: domain.RetentionNotes,
		Cleared: []string{"rule_set_reason", "mapping_by", "guidance_by", "refusal_reason", "norwegian_goal"},
		Kept:    []string{"rule_set_override", "decision", "end_goal", "end_reason", "end_activity"}},
	{Table: "programme_pauses", Link: "person_id = ANY($1)", Kind: domain.RetentionNotes,
		Cleared: []string{"reason"}, Kept: []string{"kind"}},
	{Table: "plan_versions", Link: "person_id = ANY($1)", Kind: domain.RetentionNotes,
		Cleared: []string{"comment"}, Kept: []string{"form_key"}},
	{Table: "plan_elements", Link: "plan_version_id IN (SELECT id FROM plan_versions WHERE person_id = ANY($1))", Kind: domain.RetentionNotes,
		Cleared: []string{"description"}, Kept: []string{"kind"}},
	{Table: "attendance", Link: "person_id = ANY($1)", Kind: domain.RetentionNotes, Kept: []string{"reason"}},
	{Table: "benefit_deductions", Link: "person_id = ANY($1)", Kind: domain.RetentionNotes,
		Cleared: []string{"description"}},
	{Table: "placements", Link: "person_id = ANY($1)", Kind: domain.RetentionNotes,
		Cleared: []string{"abort_reason"}, Kept: []string{"goal", "status"}},
	{Table: "placement_followups", Link: "placement_id IN (SELECT id FROM placements WHERE person_id = ANY($1))", Kind: domain.RetentionNotes,
		Cleared: []string{"participants", "summary"}},
	{Table: "placement_evaluations", Link: "placement_id IN (SELECT id FROM placements WHERE person_id = ANY($1))", Kind: domain.RetentionNotes,
		Cleared: []string{"attendance", "language_use", "tasks_mastered", "recommendation"}},
	{Table: "health_items", Link: "person_id = ANY($1)", Kind: domain.RetentionHealth,
		Cleared: []string{"not_relevant_reason", "logistics_note"}, Kept: []string{"kind", "status", "place"}},
	{Table: "household_members", Link: "person_id = ANY($1)", Kind: domain.RetentionNotes, Kept: []string{"relation"}},
	{Table: "leases", Link: "person_id = ANY($1)", Kind: domain.RetentionNotes, Kept: []string{"security"}},
	{Table: "lease_checklist_items", Link: "lease_id IN (SELECT id FROM leases WHERE person_id = ANY($1) OR household_id IN " + anonymisedHouseholds + ")",
		Household: true, Kind: domain.RetentionCase, Cleared: []string{"note"}, Kept: []string{"phase", "item"}},
	{Table: "housing_guidance", Link: "household_id IN " + anonymisedHouseholds, Household: true, Kind: domain.RetentionCase,
		Cleared: []string{"note"}, Kept: []string{"topics"}},
	// The NIR file's marks (issue 12) hold no text; an export's row holds only its format.
	{Table: "nir_exports", Link: "id IN (SELECT export_id FROM nir_marks WHERE person_id = ANY($1))", Kind: domain.RetentionNotes,
		Kept: []string{"format"}},
	{Table: "husbanken_applications", Link: "household_id IN " + anonymisedHouseholds, Household: true, Kind: domain.RetentionCase,
		Cleared: []string{"note"}, Kept: []string{"scheme", "decision"}},
	// The dashboard's summaries (migration 000035): codes only.
	{Table: "deadline_breaches", Link: "deadline_id IN (SELECT id FROM deadlines WHERE person_id = ANY($1))", Kind: domain.RetentionNotes,
		Kept: []string{"kind"}},
	{Table: "placements_open", Link: "placement_id IN (SELECT id FROM placements WHERE person_id = ANY($1))", Kind: domain.RetentionNotes,
		Kept: []string{"status"}},
}

// Persons' own columns: cleared (names, identity numbers, free text) and
// kept (statistics). Dates are cut to what statistics need: birth and
// settlement to the year, arrival and permit dates removed.
var (
	retentionPersonCleared = []string{"given_name", "family_name", "name_key", "family_key", "given_key",
		"national_id", "duf_number", "interpreter_dialect", "decline_reason", "legal_hold_reason"}
	retentionPersonKept = []string{"sex", "country_of_origin", "languages", "interpreter_language", "interpreter_gender",
		"residence_basis", "status", "close_reason", "settlement_stage"}
	// Households: the name (often the family's) goes once every member is anonymised.
	retentionHouseholdCleared = []string{"name", "name_key"}
)

// RetentionColumns lists, table by table, the text columns anonymisation
// clears and those it keeps (for the catalog test and the documentation).
func RetentionColumns() (cleared, kept map[string][]string) {
	cleared, kept = map[string][]string{}, map[string][]string{}
	cleared["persons"], kept["persons"] = retentionPersonCleared, retentionPersonKept
	cleared["households"] = retentionHouseholdCleared
	for _, t := range retentionTables {
		cleared[t.Table] = append(cleared[t.Table], t.Cleared...)
		kept[t.Table] = append(kept[t.Table], t.Kept...)
	}
	return cleared, kept
}

// RetentionLinks lists each table's predicate selecting the rows of the
// persons $1 (bigint[]), for tests checking what remains.
func RetentionLinks() map[string]string {
	out := map[string]string{"persons": "id = ANY($1) OR merged_into = ANY($1)",
		"households": "id IN " + anonymisedHouseholds}
	for _, t := range retentionTables {
		out[t.Table] = t.Link
	}
	return out
}

// remains is the SQL true when a cleared column still holds text.
func remains(cols []string, alias string) string {
	var parts []string
	for _, c := range cols {
		parts = append(parts, alias+c+" NOT IN ('', '"+domain.AnonymisedText+"')")
	}
	return "(" + strings.Join(parts, " OR ") + ")"
}

// hasTextSQL is an EXISTS over the person-linked tables of the kinds, for
// the person p.
func hasTextSQL(kind string) string {
	var parts []string
	for _, t := range retentionTables {
		if t.Kind != kind || t.Household || len(t.Cleared) == 0 {
			continue
		}
		// Unqualified columns resolve to the innermost table; p is the person.
		link := strings.ReplaceAll(t.Link, "ANY($1)", "p.id")
		parts = append(parts, "EXISTS (SELECT 1 FROM "+t.Table+" WHERE "+link+" AND "+remains(t.Cleared, "")+")")
	}
	if len(parts) == 0 {
		return "false"
	}
	return "(" + strings.Join(parts, " OR ") + ")"
}

// RetentionRuleRow is a rule with who changed it last.
type RetentionRuleRow struct {
	domain.RetentionRule
	UpdatedAt time.Time `db:"updated_at"`
	UpdatedBy *string   `db:"updated_by_name"`
}

// RetentionRules reads the rules in the kinds' order.
func (db *DB) RetentionRules(ctx context.Context, s domain.Scope) ([]RetentionRuleRow, error) {
	if err := s.Role.Require(domain.CapRetention); err != nil {
		return nil, err
	}
	rows, err := db.Pool.Query(ctx, `SELECT r.kind, r.years, r.basis_text, r.version, r.updated_at, u.name AS updated_by_name
		FROM retention_rules r LEFT JOIN users u ON u.id = r.updated_by
		ORDER BY array_position(ARRAY['case', 'notes', 'health'], r.kind)`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByName[RetentionRuleRow])
}

// UpdateRetentionRule changes a kind's period on the version the user saw,
// with its audit row.
func (db *DB) UpdateRetentionRule(ctx context.Context, s domain.Scope, r domain.RetentionRule) error {
	if err := s.Role.Require(domain.CapRetention); err != nil {
		return err
	}
	return mapError(db.WithTx(ctx, func(tx pgx.Tx) error {
		var cur domain.RetentionRule
		rows, err := tx.Query(ctx, `SELECT kind, years, basis_text, version FROM retention_rules WHERE kind = $1 FOR UPDATE`, r.Kind)
		if err != nil {
			return err
		}
		cur, err = pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[domain.RetentionRule])
		if errors.Is(err, pgx.ErrNoRows) {
			return domain.Errorf(domain.ENOTFOUND, "Fant ikke oppbevaringstiden.")
		} else if err != nil {
			return err
		}
		if cur.Version != r.Version {
			return domain.Errorf(domain.ECONFLICT, "Noen andre har endret oppbevaringstiden for «%s» mens du skrev: nå %d år. Last siden på nytt.",
				domain.RetentionKindLabel(r.Kind), cur.Years)
		}
		var uid *int64
		if s.UserID != 0 {
			uid = &s.UserID
		}
		if _, err := tx.Exec(ctx, `UPDATE retention_rules SET years = $2, basis_text = $3, version = version + 1,
			updated_at = now(), updated_by = $4 WHERE kind = $1`, r.Kind, r.Years, r.Basis, uid); err != nil {
			return err
		}
		ch := domain.Changes{}
		ch.Set("retention_years", strconv.Itoa(cur.Years), strconv.Itoa(r.Years))
		ch.Set("retention_basis", cur.Basis, r.Basis)
		return writeAudit(ctx, tx, s, auditEvent{Action: ActionUpdate, Entity: domain.EntityRetentionRule, Changes: ch,
			Details: &domain.AuditDetails{Reason: r.Kind}})
	}))
}

// retentionRuleMap reads the rules as the domain wants them.
func retentionRuleMap(ctx context.Context, q interface {
	Query(context.Context, string, ...any) (pgx.Rows, error)
}) (domain.RetentionRules, error) {
	rows, err := q.Query(ctx, `SELECT kind, years, basis_text, version FROM retention_rules`)
	if err != nil {
		return nil, err
	}
	rs, err := pgx.CollectRows(rows, pgx.RowToStructByName[domain.RetentionRule])
	out := domain.RetentionRules{}
	for _, r := range rs {
		out[r.Kind] = r
	}
	return out, err
}

// retentionSubjectsSQL reads the closed, not yet anonymised persons in
// scope whose shortest period has run out ($1: today).
func retentionSubjectsSQL(where string) string {
	return `SELECT p.id, p.family_name || ', ' || p.given_name AS name, p.unit_id, un.name AS unit_name, p.closed_on, p.legal_hold, p.legal_hold_reason,
			` + hasTextSQL(domain.RetentionNotes) + ` AS has_text,
			` + hasTextSQL(domain.RetentionHealth) + ` AS has_health_text
		FROM persons p JOIN units un ON un.id = p.unit_id
		WHERE p.status = 'closed' AND p.anonymised_at IS NULL AND p.closed_on IS NOT NULL
			AND p.closed_on <= $1::date - make_interval(years => (SELECT min(years) FROM retention_rules))
			AND ` + where + `
		ORDER BY p.closed_on, p.id`
}

// RetentionDryRun lists what retention would do today, without changing
// anything: every person with something due, those on legal hold included
// (marked Held).
func (db *DB) RetentionDryRun(ctx context.Context, s domain.Scope) ([]domain.RetentionDecision, error) {
	if err := s.Role.Require(domain.CapRetention); err != nil {
		return nil, err
	}
	return db.retentionDecisions(ctx, db.Pool, s)
}

func (db *DB) retentionDecisions(ctx context.Context, q interface {
	Query(context.Context, string, ...any) (pgx.Rows, error)
}, s domain.Scope) ([]domain.RetentionDecision, error) {
	rules, err := retentionRuleMap(ctx, q)
	if err != nil {
		return nil, err
	}
	where, args := unitScope(s, "p.unit_id", 2)
	today := db.today()
	rows, err := q.Query(ctx, retentionSubjectsSQL(where), append([]any{today}, args...)...)
	if err != nil {
		return nil, err
	}
	subjects, err := pgx.CollectRows(rows, pgx.RowToStructByName[domain.RetentionSubject])
	if err != nil {
		return nil, err
	}
	var out []domain.RetentionDecision
	for _, sub := range subjects {
		if d, ok := domain.DecideRetention(sub, rules, today); ok {
			out = append(out, d)
		}
	}
	return out, nil
}

// RetentionResult counts what a run did.
type RetentionResult struct {
	Anonymised   int // whole persons
	NotesCleared int // persons whose notes and comments were cleared
	HealthClear  int // persons whose health items' text was cleared
	Held         int // persons due but on legal hold
}

// ApplyRetention carries out what is due today, in one transaction: the
// decisions are made again inside it (persons locked), so a legal hold set
// meanwhile wins. Each person gets one audit row naming the kinds.
func (db *DB) ApplyRetention(ctx context.Context, s domain.Scope) (RetentionResult, error) {
	var res RetentionResult
	if err := s.Role.Require(domain.CapRetention); err != nil {
		return res, err
	}
	err := db.WithTx(ctx, func(tx pgx.Tx) error {
		res = RetentionResult{}
		where, args := unitScope(s, "p.unit_id", 1)
		if _, err := tx.Exec(ctx, `SELECT 1 FROM persons p WHERE p.status = 'closed' AND p.anonymised_at IS NULL AND `+where+` FOR UPDATE`, args...); err != nil {
			return err
		}
		ds, err := db.retentionDecisions(ctx, tx, s)
		if err != nil {
			return err
		}
		byKind := map[string][]int64{}
		for _, d := range ds {
			if d.Held {
				res.Held++
				continue
			}
			var kinds []string
			for _, a := range d.Actions {
				byKind[a.Kind] = append(byKind[a.Kind], d.Subject.PersonID)
				kinds = append(kinds, domain.RetentionKindLabel(a.Kind))
				switch a.Kind {
				case domain.RetentionCase:
					res.Anonymised++
				case domain.RetentionNotes:
					res.NotesCleared++
				case domain.RetentionHealth:
					res.HealthClear++
				}
			}
			pid := d.Subject.PersonID
			ch := domain.Changes{}
			ch.Set("retention_scope", "", strings.Join(kinds, ", "))
			if err := writeAudit(ctx, tx, s, auditEvent{Action: domain.ActionAnonymise, Entity: domain.EntityPerson,
				EntityID: &pid, PersonID: &pid, Changes: ch}); err != nil {
				return err
			}
		}
		if ids := byKind[domain.RetentionCase]; len(ids) > 0 {
			if err := anonymisePersons(ctx, tx, ids); err != nil {
				return err
			}
		}
		if ids := byKind[domain.RetentionNotes]; len(ids) > 0 {
			if err := clearText(ctx, tx, ids, func(t retentionTable) bool { return t.Kind == domain.RetentionNotes && !t.Household }); err != nil {
				return err
			}
		}
		if ids := byKind[domain.RetentionHealth]; len(ids) > 0 {
			if err := clearText(ctx, tx, ids, func(t retentionTable) bool { return t.Kind == domain.RetentionHealth }); err != nil {
				return err
			}
		}
		return nil
	})
	return res, mapError(err)
}

// anonymisePersons removes names, identity numbers and free text of the
// persons (and of rows merged into them) and then every text of theirs in
// the other tables; statistics stay.
func anonymisePersons(ctx context.Context, tx pgx.Tx, ids []int64) error {
	if _, err := tx.Exec(ctx, `UPDATE persons SET given_name = '', family_name = '`+domain.AnonymisedText+`',
			name_key = '', family_key = '', given_key = '', national_id = NULL, duf_number = NULL,
			interpreter_dialect = '', decline_reason = CASE WHEN decline_reason = '' THEN '' ELSE '`+domain.AnonymisedText+`' END,
			birth_date = date_trunc('year', birth_date)::date,
			settlement_date = date_trunc('year', settlement_date)::date,
			arrival_date = NULL, permit_date = NULL,
			legal_hold = false, legal_hold_reason = '',
			anonymised_at = now(), version = version + 1, updated_at = now()
		WHERE (id = ANY($1) OR merged_into = ANY($1)) AND anonymised_at IS NULL`, ids); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `DELETE FROM person_last_seen WHERE person_id = ANY($1)`, ids); err != nil {
		return err
	}
	if err := clearText(ctx, tx, ids, func(retentionTable) bool { return true }); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `UPDATE households SET name = '`+domain.AnonymisedText+`', name_key = '', version = version + 1, updated_at = now()
		WHERE id IN `+anonymisedHouseholds+` AND name <> '`+domain.AnonymisedText+`'`, ids)
	return err
}

// clearText replaces the cleared columns' text of the selected tables for
// the persons.
func clearText(ctx context.Context, tx pgx.Tx, ids []int64, pick func(retentionTable) bool) error {
	for _, t := range retentionTables {
		if !pick(t) || len(t.Cleared) == 0 {
			continue
		}
		var sets []string
		for _, c := range t.Cleared {
			sets = append(sets, c+" = CASE WHEN "+c+" = '' THEN '' ELSE '"+domain.AnonymisedText+"' END")
		}
		if _, err := tx.Exec(ctx, `UPDATE `+t.Table+` SET `+strings.Join(sets, ", ")+
			` WHERE (`+t.Link+`) AND `+remains(t.Cleared, ""), ids); err != nil {
			return err
		}
	}
	return nil
}

// SetLegalHold sets or clears a legal hold on a person in scope, with its
// audit row. An anonymised person has nothing left to hold.
func (db *DB) SetLegalHold(ctx context.Context, s domain.Scope, personID int64, h domain.LegalHoldForm) error {
	if err := s.Role.Require(domain.CapRetention); err != nil {
		return err
	}
	return mapError(db.WithTx(ctx, func(tx pgx.Tx) error {
		where, args := unitScope(s, "unit_id", 2)
		var hold bool
		var reason string
		var anonymised *time.Time
		err := tx.QueryRow(ctx, `SELECT legal_hold, legal_hold_reason, anonymised_at FROM persons
			WHERE id = $1 AND status <> 'merged' AND `+where+` FOR UPDATE`, append([]any{personID}, args...)...).Scan(&hold, &reason, &anonymised)
		if errors.Is(err, pgx.ErrNoRows) {
			return domain.Errorf(domain.ENOTFOUND, "Fant ikke personen.")
		} else if err != nil {
			return err
		}
		if anonymised != nil {
			return domain.Errorf(domain.ECONFLICT, "Personen er anonymisert.")
		}
		if _, err := tx.Exec(ctx, `UPDATE persons SET legal_hold = $2, legal_hold_reason = $3, version = version + 1,
			updated_at = now(), updated_by = $4 WHERE id = $1`, personID, h.Hold, h.Reason, nullID(s.UserID)); err != nil {
			return err
		}
		ch := domain.Changes{}
		ch.Set("legal_hold", yesNo(hold), yesNo(h.Hold))
		ch.Set("legal_hold_reason", reason, h.Reason)
		return writeAudit(ctx, tx, s, auditEvent{Action: domain.ActionLegalHold, Entity: domain.EntityPerson,
			EntityID: &personID, PersonID: &personID, Changes: ch})
	}))
}

// LegalHold is a person on legal hold, for the retention page.
type LegalHold struct {
	PersonID int64  `db:"id"`
	Name     string `db:"name"`
	UnitName string `db:"unit_name"`
	Reason   string `db:"legal_hold_reason"`
	Status   string `db:"status"`
}

// LegalHolds lists the persons on legal hold in scope.
func (db *DB) LegalHolds(ctx context.Context, s domain.Scope) ([]LegalHold, error) {
	if err := s.Role.Require(domain.CapRetention); err != nil {
		return nil, err
	}
	where, args := unitScope(s, "p.unit_id", 1)
	rows, err := db.Pool.Query(ctx, `SELECT p.id, p.family_name || ', ' || p.given_name AS name, un.name AS unit_name,
			p.legal_hold_reason, p.status
		FROM persons p JOIN units un ON un.id = p.unit_id
		WHERE p.legal_hold AND `+where+` ORDER BY p.family_key, p.given_key, p.id`, args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByName[LegalHold])
}

func yesNo(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

func nullID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

// maskedChangesSQL is an audit row's changes as the app shows them: for an
// anonymised person (anonymisedAt is the SQL of their anonymised_at) every
// value is "(skjult)" — the audit log is append-only, so the row itself
// keeps what it recorded (docs/OPERATIONS.md, "Sletting og anonymisering").
func maskedChangesSQL(anonymisedAt string) string {
	return `CASE WHEN ` + anonymisedAt + ` IS NULL OR jsonb_typeof(a.changes) IS DISTINCT FROM 'object' THEN a.changes
		ELSE (SELECT jsonb_object_agg(c.key, '{"old": "(skjult)", "new": "(skjult)"}'::jsonb) FROM jsonb_each(a.changes) c) END`
}

// maskedChangesSQLConst masks by the audit row's own person.
const maskedChangesSQLConst = `CASE WHEN (SELECT ap.anonymised_at FROM persons ap WHERE ap.id = a.person_id) IS NULL
		OR jsonb_typeof(a.changes) IS DISTINCT FROM 'object' THEN a.changes
		ELSE (SELECT jsonb_object_agg(c.key, '{"old": "(skjult)", "new": "(skjult)"}'::jsonb) FROM jsonb_each(a.changes) c) END`

// RetentionOverview reads the retention page in one batch: the rules, the
// dry run and the legal holds. Nothing changes and nothing is audited.
func (db *DB) RetentionOverview(ctx context.Context, s domain.Scope) ([]RetentionRuleRow, []domain.RetentionDecision, []LegalHold, error) {
	if err := s.Role.Require(domain.CapRetention); err != nil {
		return nil, nil, nil, err
	}
	var rules []RetentionRuleRow
	var subjects []domain.RetentionSubject
	var holds []LegalHold
	today := db.today()
	b := &pgx.Batch{}
	b.Queue(`SELECT r.kind, r.years, r.basis_text, r.version, r.updated_at, u.name AS updated_by_name
		FROM retention_rules r LEFT JOIN users u ON u.id = r.updated_by
		ORDER BY array_position(ARRAY['case', 'notes', 'health'], r.kind)`).Query(func(rows pgx.Rows) error {
		var err error
		rules, err = pgx.CollectRows(rows, pgx.RowToStructByName[RetentionRuleRow])
		return err
	})
	where, args := unitScope(s, "p.unit_id", 2)
	b.Queue(retentionSubjectsSQL(where), append([]any{today}, args...)...).Query(func(rows pgx.Rows) error {
		var err error
		subjects, err = pgx.CollectRows(rows, pgx.RowToStructByName[domain.RetentionSubject])
		return err
	})
	hwhere, hargs := unitScope(s, "p.unit_id", 1)
	b.Queue(`SELECT p.id, p.family_name || ', ' || p.given_name AS name, un.name AS unit_name, p.legal_hold_reason, p.status
		FROM persons p JOIN units un ON un.id = p.unit_id
		WHERE p.legal_hold AND `+hwhere+` ORDER BY p.family_key, p.given_key, p.id`, hargs...).Query(func(rows pgx.Rows) error {
		var err error
		holds, err = pgx.CollectRows(rows, pgx.RowToStructByName[LegalHold])
		return err
	})
	if err := db.Pool.SendBatch(ctx, b).Close(); err != nil {
		return nil, nil, nil, err
	}
	rm := domain.RetentionRules{}
	for _, r := range rules {
		rm[r.Kind] = r.RetentionRule
	}
	var ds []domain.RetentionDecision
	for _, sub := range subjects {
		if d, ok := domain.DecideRetention(sub, rm, today); ok {
			ds = append(ds, d)
		}
	}
	return rules, ds, holds, nil
}
