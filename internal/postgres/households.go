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

const entityHousehold = domain.EntityHousehold

// sqlArgs collects a query's arguments and hands out their placeholders.
type sqlArgs struct{ list []any }

func (a *sqlArgs) add(v any) string {
	a.list = append(a.list, v)
	return "$" + strconv.Itoa(len(a.list))
}

// scope composes unitScope on col with the next placeholder numbers.
func (a *sqlArgs) scope(s domain.Scope, col string) string {
	where, args := unitScope(s, col, len(a.list)+1)
	a.list = append(a.list, args...)
	return where
}

// invalidField is an EINVALID error with one field's message.
func invalidField(field, msg string) error {
	return &domain.Error{Code: domain.EINVALID, Message: msg, Fields: map[string]string{field: msg}}
}

func canEditHouseholds(s domain.Scope) error {
	if err := s.Role.Require(domain.CapWriteCase); err != nil {
		return err
	}
	return nil
}

// getHousehold returns a household in scope, optionally locked for update.
// householdSelect reads households (domain.Household) with their unit.
const householdSelect = `SELECT h.id, h.unit_id, n.name AS unit_name, h.name, h.version, h.created_at, h.updated_at
	FROM households h JOIN units n ON n.id = h.unit_id`

// memberSelect reads memberships (domain.HouseholdMember) with their persons.
const memberSelect = `SELECT m.person_id, p.given_name, p.family_name, p.birth_date, p.residence_basis,
		p.arrival_date, p.settlement_date, p.status AS person_status,
		m.relation, m.joined_on, m.reunification, m.left_on
	FROM household_members m JOIN persons p ON p.id = m.person_id`

func (db *DB) getHousehold(ctx context.Context, q querier, s domain.Scope, id int64, lock bool) (*domain.Household, error) {
	var a sqlArgs
	idp := a.add(id)
	sql := householdSelect + ` WHERE h.id = ` + idp + ` AND ` + a.scope(s, "h.unit_id")
	if lock {
		sql += ` FOR UPDATE OF h`
	}
	rows, err := q.Query(ctx, sql, a.list...)
	if err != nil {
		return nil, err
	}
	h, err := pgx.CollectExactlyOneRow(rows, pgx.RowToAddrOfStructByName[domain.Household])
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, domain.Errorf(domain.ENOTFOUND, "Fant ikke husstanden.")
	}
	return h, err
}

// householdMembers returns every membership of a household, past and
// present, of persons in scope, in display order.
func (db *DB) householdMembers(ctx context.Context, q querier, s domain.Scope, householdID int64) ([]domain.HouseholdMember, error) {
	var a sqlArgs
	idp := a.add(householdID)
	rows, err := q.Query(ctx, memberSelect+` WHERE m.household_id = `+idp+` AND `+a.scope(s, "p.unit_id"), a.list...)
	if err != nil {
		return nil, err
	}
	ms, err := pgx.CollectRows(rows, pgx.RowToStructByName[domain.HouseholdMember])
	if err != nil {
		return nil, err
	}
	domain.SortMembers(ms)
	return ms, nil
}

func (db *DB) householdDetail(ctx context.Context, q querier, s domain.Scope, id int64) (*domain.HouseholdDetail, error) {
	h, err := db.getHousehold(ctx, q, s, id, false)
	if err != nil {
		return nil, err
	}
	ms, err := db.householdMembers(ctx, q, s, id)
	if err != nil {
		return nil, err
	}
	return &domain.HouseholdDetail{Household: *h, Members: ms}, nil
}

// lockHousehold locks a household in scope for a change based on version. A
// change based on another version gets a *HouseholdStaleError.
func (db *DB) lockHousehold(ctx context.Context, tx pgx.Tx, s domain.Scope, id int64, version int) (*domain.Household, error) {
	h, err := db.getHousehold(ctx, tx, s, id, true)
	if err != nil {
		return nil, err
	}
	if h.Version != version {
		cur, err := db.householdDetail(ctx, tx, s, id)
		if err != nil {
			return nil, err
		}
		return nil, &HouseholdStaleError{Current: cur, Message: "Noen andre har endret husstanden mens du arbeidet med den. Ingenting er lagret."}
	}
	return h, nil
}

// touchHousehold bumps the version of a household after a change.
func (db *DB) touchHousehold(ctx context.Context, tx pgx.Tx, s domain.Scope, id int64) error {
	_, err := tx.Exec(ctx, `UPDATE households SET version = version + 1, updated_at = now(), updated_by = $2 WHERE id = $1`, id, s.UserID)
	return err
}

// joinChanges are the audit changes of a new membership.
func joinChanges(in domain.MemberInput) domain.Changes {
	ch := domain.Changes{}
	ch.Set("relation", "", in.Relation)
	ch.Set("joined_on", "", dateStr(&in.JoinedOn))
	if in.Reunification {
		ch.Set("reunification", "", "true")
	}
	return ch
}

// leaveAudit is the audit row of a membership ended on leftOn: the change is
// the move-out date; the relation and move-in date are details.
func leaveAudit(householdID, personID int64, relation string, joinedOn, leftOn time.Time) auditEvent {
	ch := domain.Changes{}
	ch.Set("left_on", "", dateStr(&leftOn))
	return auditEvent{Action: ActionRemoveMember, Entity: entityHousehold, EntityID: &householdID, PersonID: &personID,
		Changes: ch, Details: &domain.AuditDetails{Relation: relation, JoinedOn: dateStr(&joinedOn)}}
}

// insertMember adds a person of the household's unit as an active member,
// checking the rules: the person is in scope and in the unit, not an active
// member of any household, joins after birth and arrival, and the household
// gets at most one active head.
func (db *DB) insertMember(ctx context.Context, tx pgx.Tx, s domain.Scope, h *domain.Household, in domain.MemberInput, action string) error {
	var a sqlArgs
	idp := a.add(in.PersonID)
	var unit int64
	var birth time.Time
	var arrival *time.Time
	err := tx.QueryRow(ctx, `SELECT unit_id, birth_date, arrival_date FROM persons p WHERE p.id = `+idp+` AND `+a.scope(s, "p.unit_id")+` FOR UPDATE OF p`,
		a.list...).Scan(&unit, &birth, &arrival)
	if errors.Is(err, pgx.ErrNoRows) {
		return domain.Errorf(domain.ENOTFOUND, "Fant ikke personen.")
	} else if err != nil {
		return err
	}
	if unit != h.UnitID {
		return invalidField("person_id", "Personen tilhører en annen enhet enn husstanden.")
	}
	var otherID int64
	var otherName string
	err = tx.QueryRow(ctx, `SELECT h.id, h.name FROM household_members m JOIN households h ON h.id = m.household_id
		WHERE m.person_id = $1 AND m.left_on IS NULL`, in.PersonID).Scan(&otherID, &otherName)
	switch {
	case err == nil && otherID == h.ID:
		return domain.Errorf(domain.ECONFLICT, "Personen er allerede med i husstanden.")
	case err == nil:
		return domain.Errorf(domain.ECONFLICT, "Personen er allerede med i husstanden «%s». Fjern personen derfra først.", otherName)
	case !errors.Is(err, pgx.ErrNoRows):
		return err
	}
	if in.Relation == domain.RelationHead {
		var head string
		err := tx.QueryRow(ctx, `SELECT p.given_name || ' ' || p.family_name FROM household_members m JOIN persons p ON p.id = m.person_id
			WHERE m.household_id = $1 AND m.left_on IS NULL AND m.relation = 'head'`, h.ID).Scan(&head)
		if err == nil {
			return invalidField("relation", "Husstanden har allerede en hovedperson ("+head+"). Velg en annen relasjon.")
		} else if !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
	}
	if msg := domain.CheckJoinedOn(in.JoinedOn, birth, arrival); msg != "" {
		return invalidField("joined_on", msg)
	}
	_, err = tx.Exec(ctx, `INSERT INTO household_members (household_id, person_id, relation, joined_on, reunification, added_by)
		VALUES ($1, $2, $3, $4, $5, $6)`, h.ID, in.PersonID, in.Relation, in.JoinedOn, in.Reunification, s.UserID)
	if err != nil {
		return err
	}
	return writeAudit(ctx, tx, s, auditEvent{Action: action, Entity: entityHousehold, EntityID: &h.ID, PersonID: &in.PersonID,
		Changes: joinChanges(in)})
}

// memberError maps a lost race on the partial unique indexes (one active
// household per person, one active head per household) to a conflict.
func memberError(err error) error {
	var stale *HouseholdStaleError
	if err == nil || errors.As(err, &stale) {
		return err
	}
	if domain.ErrorCode(mapError(err)) == domain.ECONFLICT && !isDomainError(err) {
		return domain.Errorf(domain.ECONFLICT, "Noen andre endret medlemskapet samtidig. Last siden på nytt og prøv igjen.")
	}
	return err
}

func isDomainError(err error) bool {
	var de *domain.Error
	return errors.As(err, &de)
}

// CreateHousehold creates a household named in.Name. With head, that person
// becomes its first member and the household belongs to the person's unit;
// without, it belongs to the user's unit. The change and its audit rows
// commit together.
func (db *DB) CreateHousehold(ctx context.Context, s domain.Scope, in domain.HouseholdInput, head *domain.MemberInput) (int64, error) {
	if err := canEditHouseholds(s); err != nil {
		return 0, err
	}
	var id int64
	err := db.WithTx(ctx, func(tx pgx.Tx) error {
		unit := s.UnitID
		if head != nil {
			var err error
			if unit, err = db.personUnit(ctx, tx, s, head.PersonID); err != nil {
				return err
			}
		}
		err := tx.QueryRow(ctx, `INSERT INTO households (unit_id, name, name_key, created_by, updated_by)
			VALUES ($1, $2, $3, $4, $4) RETURNING id`, unit, in.Name, domain.FoldName(in.Name), s.UserID).Scan(&id)
		if err != nil {
			return err
		}
		if err := writeAudit(ctx, tx, s, auditEvent{Action: ActionCreate, Entity: entityHousehold, EntityID: &id,
			Changes: domain.Changes{"name": {Old: "", New: in.Name}}}); err != nil {
			return err
		}
		if head == nil {
			return nil
		}
		h := &domain.Household{ID: id, UnitID: unit}
		return db.insertMember(ctx, tx, s, h, *head, ActionAddMember)
	})
	if err != nil {
		return 0, memberError(err)
	}
	return id, nil
}

// GetHousehold returns a household in scope with its members, past and
// present, and audits the read for each member shown.
func (db *DB) GetHousehold(ctx context.Context, s domain.Scope, id int64) (*domain.HouseholdDetail, error) {
	var out *domain.HouseholdDetail
	err := db.WithTx(ctx, func(tx pgx.Tx) error {
		var err error
		if out, err = db.householdDetail(ctx, tx, s, id); err != nil {
			return err
		}
		for _, m := range out.Members {
			if err := writeAudit(ctx, tx, s, auditEvent{Action: ActionView, Entity: entityHousehold, EntityID: &id, PersonID: &m.PersonID}); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

// PersonHousehold returns the household a person in scope is an active member
// of, with its members, or ENOTFOUND when the person has none.
func (db *DB) PersonHousehold(ctx context.Context, s domain.Scope, personID int64) (*domain.HouseholdDetail, error) {
	var a sqlArgs
	idp := a.add(personID)
	var hid int64
	err := db.Pool.QueryRow(ctx, `SELECT m.household_id FROM household_members m JOIN persons p ON p.id = m.person_id
		WHERE m.person_id = `+idp+` AND m.left_on IS NULL AND `+a.scope(s, "p.unit_id"), a.list...).Scan(&hid)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, domain.Errorf(domain.ENOTFOUND, "Personen er ikke med i noen husstand.")
	} else if err != nil {
		return nil, err
	}
	return db.householdDetail(ctx, db.Pool, s, hid)
}

// UpdateHousehold renames a household, based on in.Version. An edit of an old
// version gets a *HouseholdStaleError; nothing is overwritten.
func (db *DB) UpdateHousehold(ctx context.Context, s domain.Scope, id int64, in domain.HouseholdInput) (*domain.Household, error) {
	if err := canEditHouseholds(s); err != nil {
		return nil, err
	}
	var out *domain.Household
	err := db.WithTx(ctx, func(tx pgx.Tx) error {
		cur, err := db.lockHousehold(ctx, tx, s, id, in.Version)
		if err != nil {
			return err
		}
		if cur.Name == in.Name {
			out = cur
			return nil
		}
		if _, err := tx.Exec(ctx, `UPDATE households SET name = $2, name_key = $3, version = version + 1,
			updated_at = now(), updated_by = $4 WHERE id = $1`, id, in.Name, domain.FoldName(in.Name), s.UserID); err != nil {
			return err
		}
		if err := writeAudit(ctx, tx, s, auditEvent{Action: ActionUpdate, Entity: entityHousehold, EntityID: &id,
			Changes: domain.Changes{"name": {Old: cur.Name, New: in.Name}}}); err != nil {
			return err
		}
		out, err = db.getHousehold(ctx, tx, s, id, false)
		return err
	})
	return out, err
}

// AddHouseholdMember adds an existing person of the household's unit, based
// on the household's version in.Version.
func (db *DB) AddHouseholdMember(ctx context.Context, s domain.Scope, householdID int64, in domain.MemberInput) error {
	if err := canEditHouseholds(s); err != nil {
		return err
	}
	err := db.WithTx(ctx, func(tx pgx.Tx) error {
		h, err := db.lockHousehold(ctx, tx, s, householdID, in.Version)
		if err != nil {
			return err
		}
		action := ActionAddMember
		if in.Reunification {
			action = ActionReunification
		}
		if err := db.insertMember(ctx, tx, s, h, in, action); err != nil {
			return err
		}
		return db.touchHousehold(ctx, tx, s, householdID)
	})
	return memberError(err)
}

// RemoveHouseholdMember ends a person's active membership on in.LeftOn. The
// row stays, so the household keeps its history.
func (db *DB) RemoveHouseholdMember(ctx context.Context, s domain.Scope, householdID, personID int64, in domain.LeaveInput) error {
	if err := canEditHouseholds(s); err != nil {
		return err
	}
	err := db.WithTx(ctx, func(tx pgx.Tx) error {
		if _, err := db.lockHousehold(ctx, tx, s, householdID, in.Version); err != nil {
			return err
		}
		var a sqlArgs
		hp, pp := a.add(householdID), a.add(personID)
		var memberID int64
		var relation string
		var joined time.Time
		err := tx.QueryRow(ctx, `SELECT m.id, m.relation, m.joined_on
			FROM household_members m JOIN persons p ON p.id = m.person_id
			WHERE m.household_id = `+hp+` AND m.person_id = `+pp+` AND m.left_on IS NULL AND `+a.scope(s, "p.unit_id")+`
			FOR UPDATE OF m`, a.list...).Scan(&memberID, &relation, &joined)
		if errors.Is(err, pgx.ErrNoRows) {
			return domain.Errorf(domain.ENOTFOUND, "Personen er ikke medlem av husstanden.")
		} else if err != nil {
			return err
		}
		if msg := domain.CheckLeftOn(joined, in.LeftOn); msg != "" {
			return invalidField("left_on", msg)
		}
		if _, err := tx.Exec(ctx, `UPDATE household_members SET left_on = $2, removed_at = now(), removed_by = $3 WHERE id = $1`,
			memberID, in.LeftOn, s.UserID); err != nil {
			return err
		}
		if err := writeAudit(ctx, tx, s, leaveAudit(householdID, personID, relation, joined, in.LeftOn)); err != nil {
			return err
		}
		return db.touchHousehold(ctx, tx, s, householdID)
	})
	return memberError(err)
}

// RegisterReunification registers a new person who joins the household by
// family reunification (familiegjenforening): the person, in the household's
// unit, and the membership commit in one transaction with their audit rows,
// based on the household's version in.Version. It returns the new person's id.
func (db *DB) RegisterReunification(ctx context.Context, s domain.Scope, householdID int64, in domain.ReunificationInput) (int64, error) {
	if err := canEditHouseholds(s); err != nil {
		return 0, err
	}
	var id int64
	err := db.WithTx(ctx, func(tx pgx.Tx) error {
		h, err := db.lockHousehold(ctx, tx, s, householdID, in.Version)
		if err != nil {
			return err
		}
		if id, err = db.insertPerson(ctx, tx, s, h.UnitID, in.Person); err != nil {
			return err
		}
		m := domain.MemberInput{PersonID: id, Relation: in.Relation, JoinedOn: in.JoinedOn, Reunification: true}
		if err := db.insertMember(ctx, tx, s, h, m, ActionReunification); err != nil {
			return err
		}
		return db.touchHousehold(ctx, tx, s, householdID)
	})
	if err != nil {
		var dup *DuplicateError
		if errors.As(err, &dup) {
			return 0, err
		}
		if domain.ErrorCode(mapError(err)) == domain.ECONFLICT && !isDomainError(err) {
			// Lost a race on a unique index: an identity number or a membership.
			return 0, domain.Errorf(domain.ECONFLICT, "Fødselsnummeret, DUF-nummeret eller medlemskapet ble registrert av noen andre samtidig. Prøv igjen.")
		}
		return 0, err
	}
	return id, nil
}

// HouseholdQuery is a request for one page of the household list.
type HouseholdQuery struct {
	Q      string // a member's name (or the household's), national ID or DUF number
	After  int64  // keyset cursor: the id of the last row of the previous page
	Before int64  // keyset cursor: the id of the first row of the next page
	Limit  int
}

// HouseholdRow is one row of the household list.
type HouseholdRow struct {
	ID         int64      `db:"id"`
	Name       string     `db:"name"`
	UnitName   string     `db:"unit_name"`
	Members    int        `db:"members"`
	Reunified  int        `db:"reunified"`
	HeadName   *string    `db:"head_name"`
	LastJoined *time.Time `db:"last_joined"`
}

// HouseholdPage is one page of the list with its neighbours' cursors.
type HouseholdPage struct {
	Rows    []HouseholdRow
	HasNext bool
	HasPrev bool
}

// memberMatch is the search condition on a member of household h: each word
// of a name must match the same active member; 11 or 12 digits match a
// national ID or DUF number.
func memberMatch(a *sqlArgs, s domain.Scope, q string) string {
	conds, _ := personMatch(q, a.add)
	if len(conds) == 0 {
		return "true"
	}
	return `EXISTS (SELECT 1 FROM household_members m JOIN persons p ON p.id = m.person_id
		WHERE m.household_id = h.id AND m.left_on IS NULL AND ` + a.scope(s, "p.unit_id") + ` AND ` + strings.Join(conds, " AND ") + `)`
}

// ListHouseholds returns one page of the households the user may see, in
// name order, with keyset pagination; Q searches the members' names (and
// the household's name) or a member's identity number.
func (db *DB) ListHouseholds(ctx context.Context, s domain.Scope, hq HouseholdQuery) (HouseholdPage, error) {
	if hq.Limit <= 0 || hq.Limit > 200 {
		hq.Limit = 50
	}
	var a sqlArgs
	conds := []string{a.scope(s, "h.unit_id")}
	if q := strings.TrimSpace(hq.Q); q != "" {
		match := memberMatch(&a, s, q)
		if d := strings.ReplaceAll(q, " ", ""); !(isDigits(d) && (len(d) == 11 || len(d) == 12)) {
			var own []string
			for _, term := range strings.Fields(domain.FoldName(q)) {
				own = append(own, "h.name_key LIKE "+a.add("%"+likeEscape(term)+"%"))
			}
			if len(own) > 0 {
				match = "(" + match + " OR (" + strings.Join(own, " AND ") + "))"
			}
		}
		conds = append(conds, match)
	}
	backward := hq.Before != 0 && hq.After == 0
	if cursor := max(hq.After, hq.Before); cursor != 0 {
		op := ">"
		if backward {
			op = "<"
		}
		cp := a.add(cursor)
		conds = append(conds, "(h.name_key, h.id) "+op+" (SELECT c.name_key, c.id FROM households c WHERE c.id = "+cp+" AND "+a.scope(s, "c.unit_id")+")")
	}
	dir := ""
	if backward {
		dir = " DESC"
	}
	memberScope := a.scope(s, "p.unit_id")
	sql := `SELECT h.id, h.name, n.name AS unit_name,
			coalesce(agg.members, 0) AS members, coalesce(agg.reunified, 0) AS reunified,
			agg.head_name, agg.last_joined
		FROM households h JOIN units n ON n.id = h.unit_id
		LEFT JOIN LATERAL (
			SELECT count(*)::int AS members,
			       (count(*) FILTER (WHERE m.reunification))::int AS reunified,
			       max(p.given_name || ' ' || p.family_name) FILTER (WHERE m.relation = 'head') AS head_name,
			       max(m.joined_on) AS last_joined
			FROM household_members m JOIN persons p ON p.id = m.person_id
			WHERE m.household_id = h.id AND m.left_on IS NULL AND ` + memberScope + `
		) agg ON true
		WHERE ` + strings.Join(conds, " AND ") + `
		ORDER BY h.name_key` + dir + `, h.id` + dir + `
		LIMIT ` + strconv.Itoa(hq.Limit+1)
	rows, err := db.Pool.Query(ctx, sql, a.list...)
	if err != nil {
		return HouseholdPage{}, err
	}
	list, err := pgx.CollectRows(rows, pgx.RowToStructByName[HouseholdRow])
	if err != nil {
		return HouseholdPage{}, err
	}
	page := HouseholdPage{}
	page.Rows, page.HasPrev, page.HasNext = trimPage(list, hq.Limit, backward, hq.After != 0)
	return page, nil
}

// HouseholdCandidate is a person the household picker found.
type HouseholdCandidate struct {
	ID             int64      `db:"id"`
	GivenName      string     `db:"given_name"`
	FamilyName     string     `db:"family_name"`
	BirthDate      time.Time  `db:"birth_date"`
	ArrivalDate    *time.Time `db:"arrival_date"`
	SettlementDate *time.Time `db:"settlement_date"`
	// The household the person is an active member of, if any.
	HouseholdID   *int64  `db:"household_id"`
	HouseholdName *string `db:"household_name"`
}

// HouseholdCandidates finds persons to add to a household: persons in scope
// and in the household's unit whose name matches q (each word, accents and
// case ignored) or whose national ID or DUF number is q. At most limit rows,
// plus one to tell that there are more.
func (db *DB) HouseholdCandidates(ctx context.Context, s domain.Scope, householdID int64, q string, limit int) ([]HouseholdCandidate, error) {
	if limit <= 0 || limit > 100 {
		limit = 20
	}
	var a sqlArgs
	hp := a.add(householdID)
	conds := []string{"p.unit_id = (SELECT h.unit_id FROM households h WHERE h.id = " + hp + " AND " + a.scope(s, "h.unit_id") + ")", a.scope(s, "p.unit_id")}
	match, _ := personMatch(q, a.add)
	if len(match) == 0 {
		return nil, nil
	}
	conds = append(conds, match...)
	rows, err := db.Pool.Query(ctx, `
		SELECT p.id, p.given_name, p.family_name, p.birth_date, p.arrival_date, p.settlement_date,
		       h.id AS household_id, h.name AS household_name
		FROM persons p
		LEFT JOIN household_members m ON m.person_id = p.id AND m.left_on IS NULL
		LEFT JOIN households h ON h.id = m.household_id
		WHERE `+strings.Join(conds, " AND ")+`
		ORDER BY p.family_key, p.given_key, p.id
		LIMIT `+strconv.Itoa(limit+1), a.list...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByName[HouseholdCandidate])
}
