package postgres

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"ankomst/internal/domain"

	"github.com/jackc/pgx/v5"
)

// DuplicateError answers a registration whose national ID or DUF number is
// already registered. Visible tells whether the user may open ExistingID.
type DuplicateError struct {
	Field      string // "national_id" or "duf_number"
	ExistingID int64
	Visible    bool
}

func (e *DuplicateError) Error() string { return "duplicate " + e.Field }
func (e *DuplicateError) Unwrap() error {
	what := "Fødselsnummeret"
	if e.Field == "duf_number" {
		what = "DUF-nummeret"
	}
	msg := what + " er allerede registrert på en annen person."
	if !e.Visible {
		msg = what + " er allerede registrert i en annen enhet. Kontakt systemansvarlig."
	}
	return &domain.Error{Code: domain.ECONFLICT, Message: msg, Fields: map[string]string{e.Field: msg}}
}

const personColumns = `p.id, p.unit_id, p.given_name, p.family_name, p.birth_date, p.sex, p.national_id,
	p.duf_number, p.country_of_origin, p.languages, p.interpreter_needed, p.interpreter_language,
	p.interpreter_dialect, p.interpreter_gender, p.residence_basis, p.arrival_date, p.settlement_date, p.caseworker_id,
	cw.name AS caseworker_name, p.status, p.version, p.created_at, p.updated_at,
	p.anonymised_at IS NOT NULL AS anonymised,
	p.settlement_stage, p.proposed_on, p.agreed_on, p.expected_arrival, p.declined_on, p.decline_reason,
	p.grant_disability, p.needs_accessible_home`

const personFrom = `persons p LEFT JOIN users cw ON cw.id = p.caseworker_id`

// checkCaseworker verifies that the chosen caseworker is one the user may assign.
func (db *DB) checkCaseworker(ctx context.Context, q pgx.Tx, s domain.Scope, id *int64, unitID int64) error {
	if id == nil {
		return nil
	}
	var ok bool
	err := q.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM users WHERE id = $1 AND active
		AND role IN `+holdCaseloadRoles()+` AND unit_id = $2)`, *id, unitID).Scan(&ok)
	if err != nil {
		return err
	}
	if !ok {
		return &domain.Error{Code: domain.EINVALID, Message: "Skjemaet har feil. Rett opp feltene som er merket.",
			Fields: map[string]string{"caseworker_id": "Velg en programrådgiver i enheten."}}
	}
	return nil
}

// checkDuplicate refuses a national ID or DUF number another person has.
func (db *DB) checkDuplicate(ctx context.Context, tx pgx.Tx, s domain.Scope, in domain.PersonInput, self int64) error {
	for _, c := range []struct {
		field string
		val   *string
	}{{"national_id", in.NationalID}, {"duf_number", in.DUFNumber}} {
		if c.val == nil {
			continue
		}
		var id, unit int64
		err := tx.QueryRow(ctx, `SELECT id, unit_id FROM persons WHERE `+c.field+` = $1 AND id <> $2`, *c.val, self).Scan(&id, &unit)
		if errors.Is(err, pgx.ErrNoRows) {
			continue
		} else if err != nil {
			return err
		}
		return &DuplicateError{Field: c.field, ExistingID: id, Visible: s.Role.Can(domain.CapAllUnits) || unit == s.UnitID}
	}
	return nil
}

// CreatePerson registers a person in the user's unit and audits it.
func (db *DB) CreatePerson(ctx context.Context, s domain.Scope, in domain.PersonInput) (int64, error) {
	if err := s.Role.Require(domain.CapWriteCase); err != nil {
		return 0, err
	}
	var id int64
	err := db.WithTx(ctx, func(tx pgx.Tx) error {
		var err error
		id, err = db.insertPerson(ctx, tx, s, s.UnitID, in)
		return err
	})
	if err != nil {
		var dup *DuplicateError
		if errors.As(err, &dup) {
			return 0, err
		}
		if domain.ErrorCode(mapError(err)) == domain.ECONFLICT { // lost a race on the unique index
			return 0, domain.Errorf(domain.ECONFLICT, "Fødselsnummeret eller DUF-nummeret er allerede registrert.")
		}
		return 0, err
	}
	return id, nil
}

// insertPerson registers a person in unit unitID within the caller's
// transaction and audits it: the caseworker and duplicate checks, the insert
// and the audit row. CreatePerson and RegisterReunification (households.go)
// compose it.
func (db *DB) insertPerson(ctx context.Context, tx pgx.Tx, s domain.Scope, unitID int64, in domain.PersonInput) (int64, error) {
	if err := db.checkCaseworker(ctx, tx, s, in.CaseworkerID, unitID); err != nil {
		return 0, err
	}
	if err := db.checkDuplicate(ctx, tx, s, in, 0); err != nil {
		return 0, err
	}
	var id int64
	err := tx.QueryRow(ctx, `
		INSERT INTO persons (unit_id, given_name, family_name, name_key, family_key, given_key,
			birth_date, sex, national_id, duf_number, country_of_origin, languages,
			interpreter_needed, interpreter_language, interpreter_dialect, residence_basis,
			arrival_date, settlement_date, caseworker_id, created_by, updated_by, interpreter_gender,
			settlement_stage, proposed_on, agreed_on, expected_arrival, declined_on, decline_reason,
			grant_disability, needs_accessible_home)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $20, $21,
			$22, $23, $24, $25, $26, $27, $28, $29)
		RETURNING id`,
		unitID, in.GivenName, in.FamilyName, nameKey(in.GivenName, in.FamilyName),
		domain.FoldName(in.FamilyName), domain.FoldName(in.GivenName),
		in.BirthDate, in.Sex, in.NationalID, in.DUFNumber, in.CountryOfOrigin, in.Languages,
		in.InterpreterNeeded, in.InterpreterLanguage, in.InterpreterDialect, in.ResidenceBasis,
		in.ArrivalDate, in.SettlementDate, in.CaseworkerID, s.UserID, in.InterpreterGender,
		domain.StageOrSettled(in.Pipeline.Stage), in.Pipeline.ProposedOn, in.Pipeline.AgreedOn, in.Pipeline.ExpectedArrival,
		in.Pipeline.DeclinedOn, in.Pipeline.DeclineReason, in.Pipeline.GrantDisability, in.Pipeline.NeedsAccessibleHome).Scan(&id)
	if err != nil {
		return 0, err
	}
	if err := refreshDeadlines(ctx, tx, id); err != nil {
		return 0, err
	}
	if err := refreshHealthItems(ctx, tx, id); err != nil {
		return 0, err
	}
	return id, writeAudit(ctx, tx, s, auditEvent{Action: ActionCreate, Entity: domain.EntityPerson, EntityID: &id, PersonID: &id,
		Changes: createdPersonChanges(in)})
}

func nameKey(given, family string) string {
	return domain.FoldName(given + " " + family)
}

type querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// personUnit returns the unit of a person the user may see, or ENOTFOUND.
func (db *DB) personUnit(ctx context.Context, q querier, s domain.Scope, id int64) (int64, error) {
	where, args := unitScope(s, "unit_id", 2)
	var unit int64
	err := q.QueryRow(ctx, `SELECT unit_id FROM persons WHERE id = $1 AND `+where, append([]any{id}, args...)...).Scan(&unit)
	return unit, mapError(err)
}

func (db *DB) getPerson(ctx context.Context, q querier, s domain.Scope, id int64, lock bool) (*domain.Person, error) {
	where, args := unitScope(s, "p.unit_id", 2)
	sql := `SELECT ` + personColumns + ` FROM ` + personFrom + ` WHERE p.id = $1 AND ` + where
	if lock {
		sql += ` FOR UPDATE OF p`
	}
	rows, err := q.Query(ctx, sql, append([]any{id}, args...)...)
	if err != nil {
		return nil, err
	}
	p, err := pgx.CollectExactlyOneRow(rows, pgx.RowToAddrOfStructByName[domain.Person])
	if err != nil {
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, domain.Errorf(domain.ENOTFOUND, "Fant ikke personen.")
		}
		return nil, err
	}
	return p, nil
}

// lockPersonAt locks a person in scope for a change made on version: another
// stored version is a *StaleError (ConflictError) with the stored person and
// msg; a person outside the scope is ENOTFOUND.
func (db *DB) lockPersonAt(ctx context.Context, tx pgx.Tx, s domain.Scope, id int64, version int, msg string) (*domain.Person, error) {
	cur, err := db.getPerson(ctx, tx, s, id, true)
	if err != nil {
		return nil, err
	}
	if cur.Version != version {
		return nil, &StaleError{Current: cur, Message: msg}
	}
	return cur, nil
}

// GetPerson returns a person in scope and audits the read.
func (db *DB) GetPerson(ctx context.Context, s domain.Scope, id int64) (*domain.Person, error) {
	var p *domain.Person
	err := db.WithTx(ctx, func(tx pgx.Tx) error {
		var err error
		if p, err = db.getPerson(ctx, tx, s, id, false); err != nil {
			return err
		}
		if err := markSeen(ctx, tx, s, id); err != nil {
			return err
		}
		return writeAudit(ctx, tx, s, auditEvent{Action: ActionView, Entity: "person", EntityID: &id, PersonID: &id})
	})
	return p, err
}

func dateStr(d *time.Time) string { return domain.FormatISODate(d) }
func strPtr(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
func idStr(id *int64) string {
	if id == nil {
		return ""
	}
	return strconv.FormatInt(*id, 10)
}

// personChanges lists the fields that differ between the stored person and the
// input (for a new person, an empty one). Identity numbers are recorded as
// changed without their values.
func personChanges(p *domain.Person, in domain.PersonInput) domain.Changes {
	ch := domain.Changes{}
	add := ch.Set
	add("given_name", p.GivenName, in.GivenName)
	add("family_name", p.FamilyName, in.FamilyName)
	add("birth_date", dateStr(&p.BirthDate), dateStr(&in.BirthDate))
	add("sex", p.Sex, in.Sex)
	ch.SetHidden("national_id", p.NationalID, in.NationalID)
	ch.SetHidden("duf_number", p.DUFNumber, in.DUFNumber)
	add("country_of_origin", p.CountryOfOrigin, in.CountryOfOrigin)
	add("languages", strings.Join(p.Languages, ","), strings.Join(in.Languages, ","))
	add("interpreter_needed", strconv.FormatBool(p.InterpreterNeeded), strconv.FormatBool(in.InterpreterNeeded))
	add("interpreter_language", p.InterpreterLanguage, in.InterpreterLanguage)
	add("interpreter_dialect", p.InterpreterDialect, in.InterpreterDialect)
	add("interpreter_gender", p.InterpreterGender, in.InterpreterGender)
	add("residence_basis", p.ResidenceBasis, in.ResidenceBasis)
	add("arrival_date", dateStr(p.ArrivalDate), dateStr(in.ArrivalDate))
	add("settlement_date", dateStr(p.SettlementDate), dateStr(in.SettlementDate))
	add("caseworker_id", idStr(p.CaseworkerID), idStr(in.CaseworkerID))
	pl := in.Pipeline
	add("settlement_stage", domain.StageOrSettled(p.SettlementStage), domain.StageOrSettled(pl.Stage))
	add("proposed_on", dateStr(p.ProposedOn), dateStr(pl.ProposedOn))
	add("agreed_on", dateStr(p.AgreedOn), dateStr(pl.AgreedOn))
	add("expected_arrival", dateStr(p.ExpectedArrival), dateStr(pl.ExpectedArrival))
	add("declined_on", dateStr(p.DeclinedOn), dateStr(pl.DeclinedOn))
	add("decline_reason", p.DeclineReason, pl.DeclineReason)
	add("grant_disability", strconv.FormatBool(p.GrantDisability), strconv.FormatBool(pl.GrantDisability))
	add("needs_accessible_home", strconv.FormatBool(p.NeedsAccessibleHome), strconv.FormatBool(pl.NeedsAccessibleHome))
	return ch
}

// createdPersonChanges is a new person as an audit row's changes: each field
// given, from nothing.
func createdPersonChanges(in domain.PersonInput) domain.Changes {
	ch := personChanges(&domain.Person{}, in)
	for k, c := range ch {
		if c.New == "" || c.New == "false" {
			delete(ch, k)
		} else {
			ch[k] = domain.Change{New: c.New}
		}
	}
	return ch
}

// UpdatePerson saves an edit made on in.Version. An edit on an old version
// returns a *StaleError carrying the stored person; nothing is overwritten.
func (db *DB) UpdatePerson(ctx context.Context, s domain.Scope, id int64, in domain.PersonInput) (*domain.Person, error) {
	if err := s.Role.Require(domain.CapWriteCase); err != nil {
		return nil, err
	}
	var out *domain.Person
	err := db.WithTx(ctx, func(tx pgx.Tx) error {
		cur, err := db.lockPersonAt(ctx, tx, s, id, in.Version,
			"Noen andre har endret personen mens du redigerte. Se begge versjonene under.")
		if err != nil {
			return err
		}
		changes := personChanges(cur, in)
		if len(changes) == 0 {
			out = cur
			return nil
		}
		if in.CaseworkerID != nil && idStr(in.CaseworkerID) != idStr(cur.CaseworkerID) {
			if err := db.checkCaseworker(ctx, tx, s, in.CaseworkerID, cur.UnitID); err != nil {
				return err
			}
		}
		if err := db.checkDuplicate(ctx, tx, s, in, id); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `
			UPDATE persons SET given_name = $2, family_name = $3, name_key = $4, family_key = $5,
				given_key = $6, birth_date = $7, sex = $8, national_id = $9, duf_number = $10,
				country_of_origin = $11, languages = $12, interpreter_needed = $13,
				interpreter_language = $14, interpreter_dialect = $15, residence_basis = $16,
				arrival_date = $17, settlement_date = $18, caseworker_id = $19,
				interpreter_gender = $21, settlement_stage = $22, proposed_on = $23, agreed_on = $24,
				expected_arrival = $25, declined_on = $26, decline_reason = $27, grant_disability = $28,
				needs_accessible_home = $29, version = version + 1, updated_at = now(), updated_by = $20
			WHERE id = $1`,
			id, in.GivenName, in.FamilyName, nameKey(in.GivenName, in.FamilyName),
			domain.FoldName(in.FamilyName), domain.FoldName(in.GivenName),
			in.BirthDate, in.Sex, in.NationalID, in.DUFNumber, in.CountryOfOrigin, in.Languages,
			in.InterpreterNeeded, in.InterpreterLanguage, in.InterpreterDialect, in.ResidenceBasis,
			in.ArrivalDate, in.SettlementDate, in.CaseworkerID, s.UserID, in.InterpreterGender,
			domain.StageOrSettled(in.Pipeline.Stage), in.Pipeline.ProposedOn, in.Pipeline.AgreedOn, in.Pipeline.ExpectedArrival,
			in.Pipeline.DeclinedOn, in.Pipeline.DeclineReason, in.Pipeline.GrantDisability, in.Pipeline.NeedsAccessibleHome)
		if err != nil {
			return err
		}
		if err := refreshDeadlines(ctx, tx, id); err != nil {
			return err
		}
		if err := refreshHealthItems(ctx, tx, id); err != nil {
			return err
		}
		if err := writeAudit(ctx, tx, s, auditEvent{Action: ActionUpdate, Entity: "person", EntityID: &id, PersonID: &id, Changes: changes}); err != nil {
			return err
		}
		out, err = db.getPerson(ctx, tx, s, id, false)
		return err
	})
	if err != nil {
		var stale *StaleError
		var dup *DuplicateError
		if errors.As(err, &stale) || errors.As(err, &dup) {
			return nil, err
		}
		if domain.ErrorCode(mapError(err)) == domain.ECONFLICT {
			return nil, domain.Errorf(domain.ECONFLICT, "Fødselsnummeret eller DUF-nummeret er allerede registrert.")
		}
		return nil, err
	}
	return out, nil
}

// Person list sort orders.
const (
	SortName       = "name"
	SortSettlement = "settlement"
	SortBirth      = "birth"
)

// PersonQuery is a request for one page of the person list.
type PersonQuery struct {
	Q      string // name, national ID or DUF number
	Mine   bool   // only the user's own caseload
	Sort   string // SortName (default), SortSettlement, SortBirth
	Desc   bool
	After  int64 // keyset cursor: the id of the last row of the previous page
	Before int64 // keyset cursor: the id of the first row of the next page
	Limit  int
	// Closed lists closed cases (avsluttet) instead of active ones. Without
	// it, a search (Q) finds both and a list shows active cases only.
	Closed bool
	// Pipeline lists the active people not yet settled (proposed, agreed,
	// declined: the settlement pipeline, on persons_pipeline_idx).
	Pipeline bool
}

// PersonRow is one row of the list.
type PersonRow struct {
	ID              int64      `db:"id"`
	GivenName       string     `db:"given_name"`
	FamilyName      string     `db:"family_name"`
	BirthDate       time.Time  `db:"birth_date"`
	CountryOfOrigin string     `db:"country_of_origin"`
	ResidenceBasis  string     `db:"residence_basis"`
	SettlementDate  *time.Time `db:"settlement_date"`
	CaseworkerName  *string    `db:"caseworker_name"`
	Status          string     `db:"status"`
	SettlementStage string     `db:"settlement_stage"`
	ExpectedArrival *time.Time `db:"expected_arrival"`
}

// PersonPage is one page of the list with its neighbours' cursors.
type PersonPage struct {
	Rows    []PersonRow
	HasNext bool
	HasPrev bool
}

// sortKeys returns the SQL tuple a sort order pages by.
func sortKeys(sort string) []string {
	switch sort {
	case SortSettlement:
		return []string{"coalesce(p.settlement_date, 'infinity'::date)", "p.id"}
	case SortBirth:
		return []string{"p.birth_date", "p.id"}
	}
	return []string{"p.family_key", "p.given_key", "p.id"}
}

// likeEscape escapes LIKE wildcards in s.
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// personMatch is the one search condition on persons p, shared by every
// search of people (list, household picker, merge search): 11 digits match a
// national ID, 12 a DUF number; otherwise every word must be in the folded
// name, or, when no word is long enough for the trigram index, every word
// must start the family or given name (prefix indexes). It returns no
// conditions for an empty query, and whether a trigram term was used.
func personMatch(q string, add func(any) string) (conds []string, trigram bool) {
	q = strings.TrimSpace(q)
	digits := strings.ReplaceAll(q, " ", "")
	switch {
	case q == "":
		return nil, false
	case isDigits(digits) && len(digits) == 11:
		return []string{"p.national_id = " + add(digits)}, false
	case isDigits(digits) && len(digits) == 12:
		return []string{"p.duf_number = " + add(digits)}, false
	}
	terms := strings.Fields(domain.FoldName(q))
	for _, term := range terms {
		trigram = trigram || hasTrigram(term)
	}
	for _, term := range terms {
		if trigram {
			conds = append(conds, "p.name_key LIKE "+add("%"+likeEscape(term)+"%"))
		} else {
			prefix := add(likeEscape(term) + "%")
			conds = append(conds, "(p.family_key LIKE "+prefix+" OR p.given_key LIKE "+prefix+")")
		}
	}
	return conds, trigram
}

// ListPersons returns one page of the persons the user may see, with
// keyset pagination in the requested order.
func (db *DB) ListPersons(ctx context.Context, s domain.Scope, pq PersonQuery) (PersonPage, error) {
	if pq.Limit <= 0 || pq.Limit > 200 {
		pq.Limit = 50
	}
	where, args := unitScope(s, "p.unit_id", 1)
	conds := []string{where}
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if pq.Mine {
		conds = append(conds, "p.caseworker_id = "+arg(s.UserID))
	}
	switch {
	case pq.Closed:
		conds = append(conds, "p.status = 'closed'")
	case pq.Pipeline:
		conds = append(conds, "p.status = 'active'", "p.settlement_stage <> 'settled'")
	case strings.TrimSpace(pq.Q) == "":
		conds = append(conds, "p.status = 'active'") // literal: matches the partial indexes
	default: // a search covers active and closed cases, never merged records
		conds = append(conds, "p.status <> 'merged'")
	}
	match, trigram := personMatch(pq.Q, arg)
	conds = append(conds, match...)

	keys := sortKeys(pq.Sort)
	tuple := "(" + strings.Join(keys, ", ") + ")"
	backward := pq.Before != 0 && pq.After == 0
	desc := pq.Desc != backward // the scan direction
	if cursor := max(pq.After, pq.Before); cursor != 0 {
		op := ">"
		if desc {
			op = "<"
		}
		cw, cargs := unitScope(s, "p.unit_id", len(args)+2)
		args = append(args, cursor)
		n := len(args)
		args = append(args, cargs...)
		conds = append(conds, fmt.Sprintf("%s %s (SELECT %s FROM persons p WHERE p.id = $%d AND %s)",
			tuple, op, strings.Join(keys, ", "), n, cw))
	}
	order := make([]string, len(keys))
	for i, k := range keys {
		order[i] = k
		if desc {
			order[i] += " DESC"
		}
	}
	from, where := personFrom, strings.Join(conds, " AND ")
	if trigram {
		// Find the matches through the trigram index, then sort them (OFFSET
		// 0 keeps the planner from flattening the subquery). Otherwise it may
		// walk the sort-order index and filter, reading most of the unit
		// when the matches sort late (a name search at 20 ms instead of 1).
		from = `(SELECT * FROM persons p WHERE ` + where + ` OFFSET 0) p LEFT JOIN users cw ON cw.id = p.caseworker_id`
		where = "true"
	}
	sql := `SELECT p.id, p.given_name, p.family_name, p.birth_date, p.country_of_origin,
			p.residence_basis, p.settlement_date, cw.name AS caseworker_name, p.status,
			p.settlement_stage, p.expected_arrival
		FROM ` + from + `
		WHERE ` + where + `
		ORDER BY ` + strings.Join(order, ", ") + `
		LIMIT ` + strconv.Itoa(pq.Limit+1)
	rows, err := db.Pool.Query(ctx, sql, args...)
	if err != nil {
		return PersonPage{}, err
	}
	list, err := pgx.CollectRows(rows, pgx.RowToStructByName[PersonRow])
	if err != nil {
		return PersonPage{}, err
	}
	page := PersonPage{}
	page.Rows, page.HasPrev, page.HasNext = trimPage(list, pq.Limit, backward, pq.After != 0)
	return page, nil
}

// hasTrigram reports whether a folded search term has three letters or
// digits in a row, so that pg_trgm can use its index for LIKE '%term%'.
func hasTrigram(term string) bool {
	run := 0
	for _, r := range term {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			run = 0
		} else if run++; run == 3 {
			return true
		}
	}
	return false
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// ---- Likely duplicates ----

// DuplicateCandidate is a registered person who may be the one being
// registered. A candidate outside the user's scope (Visible false) carries
// no details: only that the identity number is registered in another unit.
type DuplicateCandidate struct {
	PersonID       int64
	GivenName      string
	FamilyName     string
	BirthDate      time.Time
	Status         string
	CaseworkerName *string
	Visible        bool
	SameNationalID bool
	SameDUF        bool
	SimilarName    bool // the same birth date and a similar name
}

// IdentityMatch reports whether the candidate has the same national ID or DUF number.
func (c DuplicateCandidate) IdentityMatch() bool { return c.SameNationalID || c.SameDUF }

// LikelyDuplicates finds registered persons who may be the person in about
// to be registered: within scope, the same birth date and a similar name
// (domain.LikelyDuplicate); across all units, the same national ID or DUF
// number — outside the scope told only as "registered in another unit".
func (db *DB) LikelyDuplicates(ctx context.Context, s domain.Scope, in domain.PersonInput) ([]DuplicateCandidate, error) {
	if err := s.Role.Require(domain.CapWriteCase); err != nil {
		return nil, err
	}
	var out []DuplicateCandidate
	type row struct {
		ID             int64     `db:"id"`
		GivenName      string    `db:"given_name"`
		FamilyName     string    `db:"family_name"`
		BirthDate      time.Time `db:"birth_date"`
		Status         string    `db:"status"`
		CaseworkerName *string   `db:"caseworker_name"`
		Visible        bool      `db:"visible"`
		SameNID        bool      `db:"same_nid"`
		SameDUF        bool      `db:"same_duf"`
	}
	if in.NationalID != nil || in.DUFNumber != nil {
		vis, args := unitScope(s, "p.unit_id", 3)
		rows, err := db.Pool.Query(ctx, `
			SELECT p.id, p.given_name, p.family_name, p.birth_date, p.status, cw.name AS caseworker_name,
				(`+vis+`) AS visible,
				coalesce(p.national_id = $1, false) AS same_nid, coalesce(p.duf_number = $2, false) AS same_duf
			FROM `+personFrom+`
			WHERE p.national_id = $1 OR p.duf_number = $2
			ORDER BY p.id`, append([]any{in.NationalID, in.DUFNumber}, args...)...)
		if err != nil {
			return nil, err
		}
		ident, err := pgx.CollectRows(rows, pgx.RowToStructByName[row])
		if err != nil {
			return nil, err
		}
		for _, r := range ident {
			c := DuplicateCandidate{Visible: r.Visible, SameNationalID: r.SameNID, SameDUF: r.SameDUF}
			if r.Visible {
				c.PersonID, c.GivenName, c.FamilyName, c.BirthDate, c.Status, c.CaseworkerName =
					r.ID, r.GivenName, r.FamilyName, r.BirthDate, r.Status, r.CaseworkerName
				c.SimilarName = domain.LikelyDuplicate(
					domain.NameAndBirth{GivenName: in.GivenName, FamilyName: in.FamilyName, BirthDate: in.BirthDate},
					domain.NameAndBirth{GivenName: r.GivenName, FamilyName: r.FamilyName, BirthDate: r.BirthDate})
			}
			out = append(out, c)
		}
	}
	where, args := unitScope(s, "p.unit_id", 2)
	rows, err := db.Pool.Query(ctx, `
		SELECT p.id, p.given_name, p.family_name, p.birth_date, p.status, cw.name AS caseworker_name,
			true AS visible, false AS same_nid, false AS same_duf
		FROM `+personFrom+`
		WHERE p.birth_date = $1 AND p.status <> 'merged' AND `+where+`
		ORDER BY p.family_key, p.given_key, p.id
		LIMIT 2000`, append([]any{in.BirthDate}, args...)...)
	if err != nil {
		return nil, err
	}
	same, err := pgx.CollectRows(rows, pgx.RowToStructByName[row])
	if err != nil {
		return nil, err
	}
	me := domain.NameAndBirth{GivenName: in.GivenName, FamilyName: in.FamilyName, BirthDate: in.BirthDate}
	for _, r := range same {
		if !domain.LikelyDuplicate(me, domain.NameAndBirth{GivenName: r.GivenName, FamilyName: r.FamilyName, BirthDate: r.BirthDate}) {
			continue
		}
		if slices.ContainsFunc(out, func(c DuplicateCandidate) bool { return c.Visible && c.PersonID == r.ID }) {
			continue // already there by its identity number
		}
		out = append(out, DuplicateCandidate{PersonID: r.ID, GivenName: r.GivenName, FamilyName: r.FamilyName,
			BirthDate: r.BirthDate, Status: r.Status, CaseworkerName: r.CaseworkerName, Visible: true, SimilarName: true})
		if len(out) >= 20 {
			break
		}
	}
	return out, nil
}
