package postgres

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"ankomst/internal/domain"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// The employer register (employers, worksites, employer_contacts, migration
// 000020). The register is shared by every unit: employers, worksites and
// contacts carry no unit and every role with domain.CapProgramme reads and
// writes all of them. What is scoped is the people: a worksite's page lists
// only the placements of persons in the user's scope (unitScope), while the
// number of places in use counts every unit's placements (a count, no names).

// Conflict errors of the register (optimistic locking: 409 with the stored
// record).
type (
	EmployerStaleError = ConflictError[*domain.Employer]
	WorksiteStaleError = ConflictError[*domain.Worksite]
	ContactStaleError  = ConflictError[*domain.EmployerContact]
)

const (
	employerNotFound = "Fant ikke arbeidsgiveren."
	worksiteNotFound = "Fant ikke arbeidsstedet."
	contactNotFound  = "Fant ikke kontaktpersonen."
)

// DuplicateOrgNrError answers an employer whose organisation number is
// already in the register, with the existing employer (to link to). The
// register is shared, so every user who may register may see it.
type DuplicateOrgNrError struct {
	ExistingID   int64
	ExistingName string
	OrgNr        string
}

func (e *DuplicateOrgNrError) Error() string { return "duplicate orgnr" }
func (e *DuplicateOrgNrError) Unwrap() error {
	msg := "Organisasjonsnummeret " + domain.FormatOrgNumber(e.OrgNr) + " er allerede registrert på «" + e.ExistingName + "»."
	return &domain.Error{Code: domain.ECONFLICT, Message: msg, Fields: map[string]string{"orgnr": msg}}
}

// placesInUse is the SQL predicate of a placement holding a place at its
// worksite on the day $today: planned, active or paused, and its period
// covering the day. The status list is literal, so the planner matches the
// partial index placements_holding_idx.
func placesInUse(alias, today string) string {
	return alias + `.status IN ('planned', 'active', 'paused') AND ` + alias + `.start_date <= ` + today +
		` AND coalesce(` + alias + `.ended_on, ` + alias + `.planned_end) >= ` + today
}

const employerColumns = `e.id, e.name, e.orgnr, e.address, e.sector, e.notes, e.active, e.version, e.updated_at`

// ---- The list ----

// EmployerQuery is a request for one page of the employer list.
type EmployerQuery struct {
	Q      string // a name (folded, every word) or an organisation number (digits, spaces allowed)
	Sector string // a sector code, or "" for all
	After  int64  // keyset cursor: the id of the last row of the previous page
	Before int64  // keyset cursor: the id of the first row of the next page
	Limit  int
}

// EmployerRow is one employer of the list with its worksites' places.
type EmployerRow struct {
	ID        int64  `db:"id"`
	Name      string `db:"name"`
	OrgNr     string `db:"orgnr"`
	Sector    string `db:"sector"`
	Address   string `db:"address"`
	Active    bool   `db:"active"`
	Worksites int    `db:"worksites"` // active worksites
	Places    int    `db:"places"`    // places offered by the active worksites
}

// EmployerPage is one page of the list, its neighbours and the number of
// employers the query matches.
type EmployerPage struct {
	Rows    []EmployerRow
	HasPrev bool
	HasNext bool
	Total   int
}

// employerMatch is the list's search and filter as SQL conditions on
// employers e: nine digits (spaces allowed) are an organisation number,
// three to eight digits its start; otherwise every folded word must be in
// the folded name (the trigram index employers_name_trgm_idx).
func employerMatch(q EmployerQuery, a *sqlArgs) []string {
	var conds []string
	if q.Sector != "" {
		conds = append(conds, "e.sector = "+a.add(q.Sector))
	}
	text := strings.TrimSpace(q.Q)
	digits := domain.NormalizeOrgNumber(text)
	switch {
	case text == "":
	case isDigits(digits) && len(digits) == 9:
		conds = append(conds, "e.orgnr = "+a.add(digits))
	case isDigits(digits) && len(digits) >= 3:
		conds = append(conds, "e.orgnr LIKE "+a.add(digits+"%"))
	default:
		for _, term := range strings.Fields(domain.FoldName(text)) {
			conds = append(conds, "e.name_key LIKE "+a.add("%"+likeEscape(term)+"%"))
		}
	}
	if len(conds) == 0 {
		conds = append(conds, "true")
	}
	return conds
}

// ListEmployers returns one page of the register by name (keyset paging on
// (name_key, id)) and the number of matches, in one round trip.
func (db *DB) ListEmployers(ctx context.Context, s domain.Scope, q EmployerQuery) (EmployerPage, error) {
	if err := s.Role.Require(domain.CapProgramme); err != nil {
		return EmployerPage{}, err
	}
	if q.Limit <= 0 || q.Limit > 200 {
		q.Limit = 50
	}
	var page EmployerPage
	b := &pgx.Batch{}

	var a sqlArgs
	conds := employerMatch(q, &a)
	backward := q.Before != 0 && q.After == 0
	if cursor := max(q.After, q.Before); cursor != 0 {
		op := ">"
		if backward {
			op = "<"
		}
		conds = append(conds, "(e.name_key, e.id) "+op+" (SELECT c.name_key, c.id FROM employers c WHERE c.id = "+a.add(cursor)+")")
	}
	dir := ""
	if backward {
		dir = " DESC"
	}
	var list []EmployerRow
	b.Queue(`SELECT e.id, e.name, e.orgnr, e.sector, e.address, e.active,
			(SELECT count(*) FROM worksites w WHERE w.employer_id = e.id AND w.active)::int AS worksites,
			(SELECT coalesce(sum(w.places), 0) FROM worksites w WHERE w.employer_id = e.id AND w.active)::int AS places
		FROM employers e
		WHERE `+strings.Join(conds, " AND ")+`
		ORDER BY e.name_key`+dir+`, e.id`+dir+`
		LIMIT `+strconv.Itoa(q.Limit+1), a.list...).Query(func(rows pgx.Rows) error {
		var err error
		list, err = pgx.CollectRows(rows, pgx.RowToStructByName[EmployerRow])
		return err
	})
	var c sqlArgs
	b.Queue(`SELECT count(*)::int FROM employers e WHERE `+strings.Join(employerMatch(q, &c), " AND "), c.list...).QueryRow(func(row pgx.Row) error {
		return row.Scan(&page.Total)
	})
	if err := db.Pool.SendBatch(ctx, b).Close(); err != nil {
		return EmployerPage{}, err
	}
	page.Rows, page.HasPrev, page.HasNext = trimPage(list, q.Limit, backward, q.After != 0)
	return page, nil
}

// ---- Employers ----

func getEmployer(ctx context.Context, q querier, id int64, lock bool) (*domain.Employer, error) {
	sql := `SELECT ` + employerColumns + ` FROM employers e WHERE e.id = $1`
	if lock {
		sql += ` FOR UPDATE`
	}
	rows, err := q.Query(ctx, sql, id)
	if err != nil {
		return nil, err
	}
	e, err := pgx.CollectExactlyOneRow(rows, pgx.RowToAddrOfStructByName[domain.Employer])
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, domain.Errorf(domain.ENOTFOUND, employerNotFound)
	}
	return e, err
}

// EmployerExists reports whether the employer is in the register (nil or
// ENOTFOUND), for a role that may use the register.
func (db *DB) EmployerExists(ctx context.Context, s domain.Scope, id int64) error {
	if err := s.Role.Require(domain.CapProgramme); err != nil {
		return err
	}
	return existsInScope(ctx, db.Pool, employerNotFound, `SELECT 1 FROM employers WHERE id = $1`, id)
}

// WorksiteExists reports whether the worksite is in the register (nil or
// ENOTFOUND).
func (db *DB) WorksiteExists(ctx context.Context, s domain.Scope, id int64) error {
	if err := s.Role.Require(domain.CapProgramme); err != nil {
		return err
	}
	return existsInScope(ctx, db.Pool, worksiteNotFound, `SELECT 1 FROM worksites WHERE id = $1`, id)
}

// duplicateOrgNr looks up the employer holding orgnr (other than self): a
// *DuplicateOrgNrError, or nil when there is none.
func duplicateOrgNr(ctx context.Context, q querier, orgnr string, self int64) error {
	var id int64
	var name string
	err := q.QueryRow(ctx, `SELECT id, name FROM employers WHERE orgnr = $1 AND id <> $2`, orgnr, self).Scan(&id, &name)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return nil
	case err != nil:
		return err
	}
	return &DuplicateOrgNrError{ExistingID: id, ExistingName: name, OrgNr: orgnr}
}

// orgNrRace maps a unique violation on employers.orgnr (another user saved
// the same number meanwhile) to the duplicate error, read after the failed
// transaction.
func (db *DB) orgNrRace(ctx context.Context, err error, orgnr string, self int64) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23505" && pgErr.ConstraintName == "employers_orgnr_key" {
		if dup := duplicateOrgNr(ctx, db.Pool, orgnr, self); dup != nil {
			return dup
		}
	}
	return err
}

func employerChanges(old domain.Employer, in domain.EmployerInput) domain.Changes {
	ch := domain.Changes{}
	ch.Set("employer_name", old.Name, in.Name)
	ch.Set("employer_orgnr", old.OrgNr, in.OrgNr)
	ch.Set("employer_address", old.Address, in.Address)
	ch.Set("employer_sector", old.Sector, in.Sector)
	ch.Set("employer_notes", old.Notes, in.Notes)
	return ch
}

// CreateEmployer registers an employer; a number already registered is a
// *DuplicateOrgNrError. The employer and its audit row commit together.
func (db *DB) CreateEmployer(ctx context.Context, s domain.Scope, in domain.EmployerInput) (int64, error) {
	if err := s.Role.Require(domain.CapProgramme); err != nil {
		return 0, err
	}
	var id int64
	err := db.WithTx(ctx, func(tx pgx.Tx) error {
		if err := duplicateOrgNr(ctx, tx, in.OrgNr, 0); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `INSERT INTO employers (name, orgnr, name_key, address, sector, notes, created_by, updated_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id`,
			in.Name, in.OrgNr, domain.FoldName(in.Name), in.Address, in.Sector, in.Notes, userRef(s)).Scan(&id); err != nil {
			return err
		}
		return writeAudit(ctx, tx, s, auditEvent{Action: ActionCreate, Entity: domain.EntityEmployer, EntityID: &id,
			Changes: employerChanges(domain.Employer{}, in)})
	})
	if err != nil {
		return 0, db.orgNrRace(ctx, err, in.OrgNr, 0)
	}
	return id, nil
}

// userRef is the user's id for created_by/updated_by, or NULL.
func userRef(s domain.Scope) *int64 {
	if s.UserID == 0 {
		return nil
	}
	return &s.UserID
}

// UpdateEmployer changes an employer's facts. A change based on another
// version gets an *EmployerStaleError with the stored employer; a number
// registered on another employer a *DuplicateOrgNrError. Nothing changed is
// success without a new version.
func (db *DB) UpdateEmployer(ctx context.Context, s domain.Scope, id int64, in domain.EmployerInput) error {
	if err := s.Role.Require(domain.CapProgramme); err != nil {
		return err
	}
	err := db.WithTx(ctx, func(tx pgx.Tx) error {
		e, err := getEmployer(ctx, tx, id, true)
		if err != nil {
			return err
		}
		ch := employerChanges(*e, in)
		if len(ch) == 0 {
			return nil
		}
		if e.Version != in.Version {
			return &EmployerStaleError{Current: e, Message: "Noen andre har endret arbeidsgiveren mens du arbeidet med den. Ingenting er lagret."}
		}
		if in.OrgNr != e.OrgNr {
			if err := duplicateOrgNr(ctx, tx, in.OrgNr, id); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE employers SET name = $2, orgnr = $3, name_key = $4, address = $5, sector = $6, notes = $7,
			version = version + 1, updated_at = now(), updated_by = $8 WHERE id = $1`,
			id, in.Name, in.OrgNr, domain.FoldName(in.Name), in.Address, in.Sector, in.Notes, userRef(s)); err != nil {
			return err
		}
		return writeAudit(ctx, tx, s, auditEvent{Action: ActionUpdate, Entity: domain.EntityEmployer, EntityID: &id, Changes: ch})
	})
	return db.orgNrRace(ctx, err, in.OrgNr, id)
}

// SetEmployerActive deactivates (or reactivates) an employer, based on
// version; its worksites and contacts stay as they are.
func (db *DB) SetEmployerActive(ctx context.Context, s domain.Scope, id int64, version int, active bool) error {
	if err := s.Role.Require(domain.CapProgramme); err != nil {
		return err
	}
	return db.WithTx(ctx, func(tx pgx.Tx) error {
		e, err := getEmployer(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if e.Active == active {
			return nil // already so: a double submit is harmless
		}
		if e.Version != version {
			return &EmployerStaleError{Current: e, Message: "Noen andre har endret arbeidsgiveren mens du arbeidet med den. Ingenting er lagret."}
		}
		if _, err := tx.Exec(ctx, `UPDATE employers SET active = $2, version = version + 1, updated_at = now(), updated_by = $3 WHERE id = $1`,
			id, active, userRef(s)); err != nil {
			return err
		}
		ch := domain.Changes{}
		ch.Set("employer_active", strconv.FormatBool(e.Active), strconv.FormatBool(active))
		return writeAudit(ctx, tx, s, auditEvent{Action: ActionUpdate, Entity: domain.EntityEmployer, EntityID: &id, Changes: ch})
	})
}

// worksiteSQL selects worksites w with their employer's name and the places
// in use on the day the placeholder today names.
func worksiteSQL(today string) string {
	return `SELECT w.id, w.employer_id, e.name AS employer_name, w.name, w.address, w.area, w.places, w.languages,
		w.notes, w.active, w.version, w.updated_at,
		(SELECT count(*) FROM placements pl WHERE pl.worksite_id = w.id AND ` + placesInUse("pl", today) + `)::int AS in_use
	FROM worksites w JOIN employers e ON e.id = w.employer_id`
}

const contactSelect = `SELECT c.id, c.employer_id, c.worksite_id, w.name AS worksite_name, c.name, c.phone, c.email,
		c.is_supervisor, c.active, c.version
	FROM employer_contacts c LEFT JOIN worksites w ON w.id = c.worksite_id`

// GetEmployer reads an employer with its worksites (active first, each with
// its places in use today across every unit) and its contacts (active
// first), in one round trip.
func (db *DB) GetEmployer(ctx context.Context, s domain.Scope, id int64) (*domain.EmployerDetail, error) {
	if err := s.Role.Require(domain.CapProgramme); err != nil {
		return nil, err
	}
	d := &domain.EmployerDetail{}
	var found bool
	b := &pgx.Batch{}
	b.Queue(`SELECT `+employerColumns+` FROM employers e WHERE e.id = $1`, id).Query(func(rows pgx.Rows) error {
		e, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[domain.Employer])
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		d.Employer, found = e, err == nil
		return err
	})
	b.Queue(worksiteSQL("$2")+` WHERE w.employer_id = $1 ORDER BY NOT w.active, lower(w.name), w.id`, id, db.today()).Query(func(rows pgx.Rows) error {
		var err error
		d.Worksites, err = pgx.CollectRows(rows, pgx.RowToStructByName[domain.Worksite])
		return err
	})
	b.Queue(contactSelect+` WHERE c.employer_id = $1 ORDER BY NOT c.active, lower(c.name), c.id`, id).Query(func(rows pgx.Rows) error {
		var err error
		d.Contacts, err = pgx.CollectRows(rows, pgx.RowToStructByName[domain.EmployerContact])
		return err
	})
	if err := db.Pool.SendBatch(ctx, b).Close(); err != nil {
		return nil, err
	}
	if !found {
		return nil, domain.Errorf(domain.ENOTFOUND, employerNotFound)
	}
	return d, nil
}

// ---- Worksites ----

func getWorksite(ctx context.Context, q querier, id int64, today time.Time, lock bool) (*domain.Worksite, error) {
	sql := worksiteSQL("$2") + ` WHERE w.id = $1`
	if lock {
		sql += ` FOR UPDATE OF w`
	}
	rows, err := q.Query(ctx, sql, id, today)
	if err != nil {
		return nil, err
	}
	w, err := pgx.CollectExactlyOneRow(rows, pgx.RowToAddrOfStructByName[domain.Worksite])
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, domain.Errorf(domain.ENOTFOUND, worksiteNotFound)
	}
	return w, err
}

func langStr(ls []string) string { return strings.Join(ls, ",") }

func worksiteChanges(old domain.Worksite, in domain.WorksiteInput, creating bool) domain.Changes {
	ch := domain.Changes{}
	ch.Set("worksite_name", old.Name, in.Name)
	ch.Set("worksite_address", old.Address, in.Address)
	ch.Set("worksite_area", old.Area, in.Area)
	oldPlaces := strconv.Itoa(old.Places)
	if creating {
		oldPlaces = ""
	}
	ch.Set("worksite_places", oldPlaces, strconv.Itoa(in.Places))
	ch.Set("worksite_languages", langStr(old.Languages), langStr(in.Languages))
	ch.Set("worksite_notes", old.Notes, in.Notes)
	return ch
}

// CreateWorksite adds a worksite to an active employer.
func (db *DB) CreateWorksite(ctx context.Context, s domain.Scope, employerID int64, in domain.WorksiteInput) (int64, error) {
	if err := s.Role.Require(domain.CapProgramme); err != nil {
		return 0, err
	}
	var id int64
	err := db.WithTx(ctx, func(tx pgx.Tx) error {
		e, err := getEmployer(ctx, tx, employerID, true)
		if err != nil {
			return err
		}
		if !e.Active {
			return invalidField("name", "Arbeidsgiveren er ikke aktiv. Aktiver arbeidsgiveren før du legger til arbeidssteder.")
		}
		if err := tx.QueryRow(ctx, `INSERT INTO worksites (employer_id, name, address, area, places, languages, notes, created_by, updated_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id`,
			employerID, in.Name, in.Address, in.Area, in.Places, in.Languages, in.Notes, userRef(s)).Scan(&id); err != nil {
			return err
		}
		return writeAudit(ctx, tx, s, auditEvent{Action: ActionCreate, Entity: domain.EntityWorksite, EntityID: &id,
			Changes: worksiteChanges(domain.Worksite{}, in, true)})
	})
	return id, err
}

// UpdateWorksite changes a worksite; a change based on another version gets
// a *WorksiteStaleError with the stored worksite.
func (db *DB) UpdateWorksite(ctx context.Context, s domain.Scope, id int64, in domain.WorksiteInput) error {
	if err := s.Role.Require(domain.CapProgramme); err != nil {
		return err
	}
	return db.WithTx(ctx, func(tx pgx.Tx) error {
		w, err := getWorksite(ctx, tx, id, db.today(), true)
		if err != nil {
			return err
		}
		ch := worksiteChanges(*w, in, false)
		if len(ch) == 0 {
			return nil
		}
		if w.Version != in.Version {
			return &WorksiteStaleError{Current: w, Message: "Noen andre har endret arbeidsstedet mens du arbeidet med det. Ingenting er lagret."}
		}
		if _, err := tx.Exec(ctx, `UPDATE worksites SET name = $2, address = $3, area = $4, places = $5, languages = $6, notes = $7,
			version = version + 1, updated_at = now(), updated_by = $8 WHERE id = $1`,
			id, in.Name, in.Address, in.Area, in.Places, in.Languages, in.Notes, userRef(s)); err != nil {
			return err
		}
		return writeAudit(ctx, tx, s, auditEvent{Action: ActionUpdate, Entity: domain.EntityWorksite, EntityID: &id, Changes: ch})
	})
}

// SetWorksiteActive deactivates (or reactivates) a worksite, based on version.
func (db *DB) SetWorksiteActive(ctx context.Context, s domain.Scope, id int64, version int, active bool) error {
	if err := s.Role.Require(domain.CapProgramme); err != nil {
		return err
	}
	return db.WithTx(ctx, func(tx pgx.Tx) error {
		w, err := getWorksite(ctx, tx, id, db.today(), true)
		if err != nil {
			return err
		}
		if w.Active == active {
			return nil
		}
		if w.Version != version {
			return &WorksiteStaleError{Current: w, Message: "Noen andre har endret arbeidsstedet mens du arbeidet med det. Ingenting er lagret."}
		}
		if _, err := tx.Exec(ctx, `UPDATE worksites SET active = $2, version = version + 1, updated_at = now(), updated_by = $3 WHERE id = $1`,
			id, active, userRef(s)); err != nil {
			return err
		}
		ch := domain.Changes{}
		ch.Set("worksite_active", strconv.FormatBool(w.Active), strconv.FormatBool(active))
		return writeAudit(ctx, tx, s, auditEvent{Action: ActionUpdate, Entity: domain.EntityWorksite, EntityID: &id, Changes: ch})
	})
}

// GetWorksite reads a worksite's page in one round trip: the worksite with
// its employer and its places in use today (every unit's placements,
// counted), its contacts (its own and the employer's without a worksite),
// and the placements at it of the persons in the user's scope, newest first
// (placements_worksite_all_idx; at most 500).
func (db *DB) GetWorksite(ctx context.Context, s domain.Scope, id int64) (*domain.WorksiteDetail, error) {
	if err := s.Role.Require(domain.CapProgramme); err != nil {
		return nil, err
	}
	d := &domain.WorksiteDetail{}
	var found bool
	b := &pgx.Batch{}
	b.Queue(`SELECT w.id, w.employer_id, e.name AS employer_name, e.orgnr, e.active AS employer_active, w.name, w.address, w.area,
			w.places, w.languages, w.notes, w.active, w.version, w.updated_at,
			(SELECT count(*) FROM placements pl WHERE pl.worksite_id = w.id AND `+placesInUse("pl", "$2")+`)::int AS in_use
		FROM worksites w JOIN employers e ON e.id = w.employer_id WHERE w.id = $1`, id, db.today()).QueryRow(func(row pgx.Row) error {
		w := &d.Worksite
		err := row.Scan(&w.ID, &w.EmployerID, &w.EmployerName, &d.EmployerOrgNr, &d.EmployerActive, &w.Name, &w.Address, &w.Area,
			&w.Places, &w.Languages, &w.Notes, &w.Active, &w.Version, &w.UpdatedAt, &w.InUse)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		found = err == nil
		return err
	})
	b.Queue(contactSelect+` WHERE c.employer_id = (SELECT employer_id FROM worksites WHERE id = $1)
			AND (c.worksite_id = $1 OR c.worksite_id IS NULL)
		ORDER BY NOT c.active, c.worksite_id IS NULL, NOT c.is_supervisor, lower(c.name), c.id`, id).Query(func(rows pgx.Rows) error {
		var err error
		d.Contacts, err = pgx.CollectRows(rows, pgx.RowToStructByName[domain.EmployerContact])
		return err
	})
	var a sqlArgs
	idp := a.add(id)
	// The worksite's placements first (a few hundred at most), each person
	// looked up by its key: the LATERAL's OFFSET 0 keeps the planner from
	// hashing every person of the unit instead.
	b.Queue(`SELECT pl.id, pl.person_id, p.given_name, p.family_name, pl.start_date, pl.planned_end, pl.ended_on, pl.status, pl.minutes_per_week
		FROM placements pl
		CROSS JOIN LATERAL (SELECT p.given_name, p.family_name FROM persons p
			WHERE p.id = pl.person_id AND p.status <> 'merged' AND `+a.scope(s, "p.unit_id")+` OFFSET 0) p
		WHERE pl.worksite_id = `+idp+`
		ORDER BY pl.start_date DESC, pl.id DESC
		LIMIT 500`, a.list...).Query(func(rows pgx.Rows) error {
		var err error
		d.Placements, err = pgx.CollectRows(rows, pgx.RowToStructByName[domain.WorksitePlacement])
		return err
	})
	if err := db.Pool.SendBatch(ctx, b).Close(); err != nil {
		return nil, err
	}
	if !found {
		return nil, domain.Errorf(domain.ENOTFOUND, worksiteNotFound)
	}
	return d, nil
}

// ---- Contacts and supervisors ----

func getContact(ctx context.Context, q querier, employerID, id int64, lock bool) (*domain.EmployerContact, error) {
	sql := contactSelect + ` WHERE c.id = $1 AND c.employer_id = $2`
	if lock {
		sql += ` FOR UPDATE OF c`
	}
	rows, err := q.Query(ctx, sql, id, employerID)
	if err != nil {
		return nil, err
	}
	c, err := pgx.CollectExactlyOneRow(rows, pgx.RowToAddrOfStructByName[domain.EmployerContact])
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, domain.Errorf(domain.ENOTFOUND, contactNotFound)
	}
	return c, err
}

// contactWorksite checks that the chosen worksite belongs to the employer
// and returns its name ("" for none).
func contactWorksite(ctx context.Context, q querier, employerID int64, wid *int64) (string, error) {
	if wid == nil {
		return "", nil
	}
	var name string
	err := q.QueryRow(ctx, `SELECT name FROM worksites WHERE id = $1 AND employer_id = $2`, *wid, employerID).Scan(&name)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", invalidField("worksite_id", "Arbeidsstedet hører ikke til denne arbeidsgiveren. Velg et fra listen.")
	}
	return name, err
}

func contactChanges(old domain.EmployerContact, oldWorksite string, in domain.ContactInput, newWorksite string, creating bool) domain.Changes {
	ch := domain.Changes{}
	ch.Set("contact_name", old.Name, in.Name)
	ch.Set("contact_phone", old.Phone, in.Phone)
	ch.Set("contact_email", old.Email, in.Email)
	oldSup := strconv.FormatBool(old.IsSupervisor)
	if creating {
		oldSup = ""
	}
	ch.Set("contact_supervisor", oldSup, strconv.FormatBool(in.IsSupervisor))
	ch.Set("contact_worksite", oldWorksite, newWorksite)
	return ch
}

// CreateContact adds a contact person or supervisor to an employer,
// optionally tied to one of its worksites.
func (db *DB) CreateContact(ctx context.Context, s domain.Scope, employerID int64, in domain.ContactInput) (int64, error) {
	if err := s.Role.Require(domain.CapProgramme); err != nil {
		return 0, err
	}
	var id int64
	err := db.WithTx(ctx, func(tx pgx.Tx) error {
		if _, err := getEmployer(ctx, tx, employerID, true); err != nil {
			return err
		}
		wname, err := contactWorksite(ctx, tx, employerID, in.WorksiteID)
		if err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `INSERT INTO employer_contacts (employer_id, worksite_id, name, phone, email, is_supervisor, created_by, updated_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id`,
			employerID, in.WorksiteID, in.Name, in.Phone, in.Email, in.IsSupervisor, userRef(s)).Scan(&id); err != nil {
			return err
		}
		return writeAudit(ctx, tx, s, auditEvent{Action: ActionCreate, Entity: domain.EntityEmployerContact, EntityID: &id,
			Changes: contactChanges(domain.EmployerContact{}, "", in, wname, true)})
	})
	return id, err
}

// UpdateContact changes a contact of the employer; a change based on another
// version gets a *ContactStaleError with the stored contact.
func (db *DB) UpdateContact(ctx context.Context, s domain.Scope, employerID, id int64, in domain.ContactInput) error {
	if err := s.Role.Require(domain.CapProgramme); err != nil {
		return err
	}
	return db.WithTx(ctx, func(tx pgx.Tx) error {
		c, err := getContact(ctx, tx, employerID, id, true)
		if err != nil {
			return err
		}
		wname, err := contactWorksite(ctx, tx, employerID, in.WorksiteID)
		if err != nil {
			return err
		}
		old := ""
		if c.WorksiteName != nil {
			old = *c.WorksiteName
		}
		ch := contactChanges(*c, old, in, wname, false)
		if idStr(c.WorksiteID) != idStr(in.WorksiteID) && old == wname {
			ch["contact_worksite"] = domain.Change{Old: old + " (" + idStr(c.WorksiteID) + ")", New: wname + " (" + idStr(in.WorksiteID) + ")"}
		}
		if len(ch) == 0 {
			return nil
		}
		if c.Version != in.Version {
			return &ContactStaleError{Current: c, Message: "Noen andre har endret kontaktpersonen mens du arbeidet med den. Ingenting er lagret."}
		}
		if _, err := tx.Exec(ctx, `UPDATE employer_contacts SET worksite_id = $2, name = $3, phone = $4, email = $5, is_supervisor = $6,
			version = version + 1, updated_at = now(), updated_by = $7 WHERE id = $1`,
			id, in.WorksiteID, in.Name, in.Phone, in.Email, in.IsSupervisor, userRef(s)); err != nil {
			return err
		}
		return writeAudit(ctx, tx, s, auditEvent{Action: ActionUpdate, Entity: domain.EntityEmployerContact, EntityID: &id, Changes: ch})
	})
}

// SetContactActive deactivates (or reactivates) a contact, based on version.
func (db *DB) SetContactActive(ctx context.Context, s domain.Scope, employerID, id int64, version int, active bool) error {
	if err := s.Role.Require(domain.CapProgramme); err != nil {
		return err
	}
	return db.WithTx(ctx, func(tx pgx.Tx) error {
		c, err := getContact(ctx, tx, employerID, id, true)
		if err != nil {
			return err
		}
		if c.Active == active {
			return nil
		}
		if c.Version != version {
			return &ContactStaleError{Current: c, Message: "Noen andre har endret kontaktpersonen mens du arbeidet med den. Ingenting er lagret."}
		}
		if _, err := tx.Exec(ctx, `UPDATE employer_contacts SET active = $2, version = version + 1, updated_at = now(), updated_by = $3 WHERE id = $1`,
			id, active, userRef(s)); err != nil {
			return err
		}
		ch := domain.Changes{}
		ch.Set("contact_active", strconv.FormatBool(c.Active), strconv.FormatBool(active))
		return writeAudit(ctx, tx, s, auditEvent{Action: ActionUpdate, Entity: domain.EntityEmployerContact, EntityID: &id, Changes: ch})
	})
}

// ContactExists reports whether the contact belongs to the employer (nil or
// ENOTFOUND).
func (db *DB) ContactExists(ctx context.Context, s domain.Scope, employerID, id int64) error {
	if err := s.Role.Require(domain.CapProgramme); err != nil {
		return err
	}
	return existsInScope(ctx, db.Pool, contactNotFound, `SELECT 1 FROM employer_contacts WHERE id = $1 AND employer_id = $2`, id, employerID)
}
