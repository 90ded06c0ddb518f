package postgres

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"ankomst/internal/domain"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// The housing registers (housing_units, landlords, landlord_agreements,
// migration 000026). Units and landlords belong to a unit of the service:
// every query composes unitScope on their unit_id (admins see all, another
// unit's record is not found), and only roles with domain.CapWriteHousing
// read or write them. New records belong to the user's unit.

// Conflict errors of the registers (optimistic locking: 409 with the stored
// record).
type (
	HousingUnitStaleError = ConflictError[*domain.HousingUnit]
	LandlordStaleError    = ConflictError[*domain.Landlord]
)

// Audited entities of the registers (rows of domain's entity table).
const (
	entityHousingUnit       = "housing_unit"
	entityLandlord          = "landlord"
	entityLandlordAgreement = "landlord_agreement"
)

const (
	housingUnitNotFound = "Fant ikke boligen."
	landlordNotFound    = "Fant ikke utleieren."
)

// DuplicateLandlordError answers a landlord whose organisation number is
// already registered in the unit, with the existing landlord (to link to).
type DuplicateLandlordError struct {
	ExistingID   int64
	ExistingName string
	OrgNr        string
}

func (e *DuplicateLandlordError) Error() string { return "duplicate landlord orgnr" }
func (e *DuplicateLandlordError) Unwrap() error {
	msg := "Organisasjonsnummeret " + domain.FormatOrgNumber(e.OrgNr) + " er allerede registrert på utleieren «" + e.ExistingName + "»."
	return &domain.Error{Code: domain.ECONFLICT, Message: msg, Fields: map[string]string{"orgnr": msg}}
}

const housingUnitColumns = `h.id, h.address, h.owner_type, h.landlord_id, l.name AS landlord_name, h.rooms, h.bedrooms,
	h.size_m2, h.floor, h.lift, h.accessible, h.furnished, h.rent_ore, h.status, h.note, h.version, h.updated_at`

const housingUnitFrom = ` FROM housing_units h LEFT JOIN landlords l ON l.id = h.landlord_id`

// ---- Units ----

// HousingUnitQuery is a request for one page of the unit list.
type HousingUnitQuery struct {
	Q         string // words of the address (folded, every word)
	Status    string // a status code, or "" for all
	OwnerType string // an owner type, or "" for all
	Page      int    // 1-based
	Limit     int
}

// HousingUnitPage is one page of the list and the number of matches.
type HousingUnitPage struct {
	Rows    []domain.HousingUnit
	Page    int
	HasNext bool
	Total   int
}

func housingUnitMatch(s domain.Scope, q HousingUnitQuery, a *sqlArgs) string {
	conds := []string{a.scope(s, "h.unit_id")}
	if q.Status != "" {
		conds = append(conds, "h.status = "+a.add(q.Status))
	}
	if q.OwnerType != "" {
		conds = append(conds, "h.owner_type = "+a.add(q.OwnerType))
	}
	for _, term := range strings.Fields(domain.FoldName(q.Q)) {
		conds = append(conds, "h.address_key LIKE "+a.add("%"+likeEscape(term)+"%"))
	}
	return strings.Join(conds, " AND ")
}

// ListHousingUnits returns one page of the user's unit's housing units by
// address, and the number of matches.
func (db *DB) ListHousingUnits(ctx context.Context, s domain.Scope, q HousingUnitQuery) (HousingUnitPage, error) {
	if err := s.Role.Require(domain.CapWriteHousing); err != nil {
		return HousingUnitPage{}, err
	}
	if q.Limit <= 0 || q.Limit > 200 {
		q.Limit = 50
	}
	if q.Page < 1 {
		q.Page = 1
	}
	page := HousingUnitPage{Page: q.Page}
	b := &pgx.Batch{}
	var a sqlArgs
	where := housingUnitMatch(s, q, &a)
	var rows []domain.HousingUnit
	b.Queue(`SELECT `+housingUnitColumns+housingUnitFrom+` WHERE `+where+`
		ORDER BY h.address_key, h.id LIMIT `+strconv.Itoa(q.Limit+1)+` OFFSET `+strconv.Itoa((q.Page-1)*q.Limit), a.list...).Query(func(r pgx.Rows) error {
		var err error
		rows, err = pgx.CollectRows(r, pgx.RowToStructByName[domain.HousingUnit])
		return err
	})
	var c sqlArgs
	b.Queue(`SELECT count(*)::int FROM housing_units h WHERE `+housingUnitMatch(s, q, &c), c.list...).QueryRow(func(row pgx.Row) error {
		return row.Scan(&page.Total)
	})
	if err := db.Pool.SendBatch(ctx, b).Close(); err != nil {
		return HousingUnitPage{}, err
	}
	if len(rows) > q.Limit {
		rows, page.HasNext = rows[:q.Limit], true
	}
	page.Rows = rows
	return page, nil
}

func getHousingUnit(ctx context.Context, q querier, s domain.Scope, id int64, lock bool) (*domain.HousingUnit, error) {
	where, args := unitScope(s, "h.unit_id", 2)
	sql := `SELECT ` + housingUnitColumns + housingUnitFrom + ` WHERE h.id = $1 AND ` + where
	if lock {
		sql += ` FOR UPDATE OF h`
	}
	rows, err := q.Query(ctx, sql, append([]any{id}, args...)...)
	if err != nil {
		return nil, err
	}
	u, err := pgx.CollectExactlyOneRow(rows, pgx.RowToAddrOfStructByName[domain.HousingUnit])
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, domain.Errorf(domain.ENOTFOUND, "%s", housingUnitNotFound)
	}
	return u, err
}

// GetHousingUnit reads a housing unit in the user's scope.
func (db *DB) GetHousingUnit(ctx context.Context, s domain.Scope, id int64) (*domain.HousingUnit, error) {
	if err := s.Role.Require(domain.CapWriteHousing); err != nil {
		return nil, err
	}
	return getHousingUnit(ctx, db.Pool, s, id, false)
}

// HousingUnitInScope reports whether the housing unit is in the user's scope
// (nil or ENOTFOUND), without reading it.
func (db *DB) HousingUnitInScope(ctx context.Context, s domain.Scope, id int64) error {
	if err := s.Role.Require(domain.CapWriteHousing); err != nil {
		return err
	}
	where, args := unitScope(s, "unit_id", 2)
	return existsInScope(ctx, db.Pool, housingUnitNotFound, `SELECT 1 FROM housing_units WHERE id = $1 AND `+where, append([]any{id}, args...)...)
}

// unitLandlord checks that the landlord of a housing unit belongs to the
// same unit of the service; a landlord elsewhere is a field error.
// A deactivated landlord is refused unless it is the unit's landlord
// already (current: the unit's landlord now, nil for a new unit).
func unitLandlord(ctx context.Context, tx pgx.Tx, unitID int64, landlordID, current *int64) (string, error) {
	if landlordID == nil {
		return "", nil
	}
	var name string
	var active bool
	err := tx.QueryRow(ctx, `SELECT name, active FROM landlords WHERE id = $1 AND unit_id = $2`, *landlordID, unitID).Scan(&name, &active)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", &domain.Error{Code: domain.EINVALID, Message: "Skjemaet har feil. Rett opp feltene som er merket.",
			Fields: map[string]string{"landlord_id": "Fant ikke utleieren. Velg en utleier fra listen."}}
	}
	if err == nil && !active && (current == nil || *current != *landlordID) {
		return "", &domain.Error{Code: domain.EINVALID, Message: "Skjemaet har feil. Rett opp feltene som er merket.",
			Fields: map[string]string{"landlord_id": "Utleieren «" + name + "» er deaktivert og kan ikke få nye boliger. Velg en annen utleier."}}
	}
	return name, err
}

func housingOptInt(p *int) string {
	if p == nil {
		return ""
	}
	return strconv.Itoa(*p)
}

func housingUnitChanges(old domain.HousingUnit, in domain.HousingUnitInput, landlordName string) domain.Changes {
	ch := domain.Changes{}
	ch.Set("housing_address", old.Address, in.Address)
	ch.Set("housing_owner_type", old.OwnerType, in.OwnerType)
	oldLandlord := ""
	if old.LandlordName != nil {
		oldLandlord = *old.LandlordName
	}
	if (old.LandlordID == nil) != (in.LandlordID == nil) || (old.LandlordID != nil && *old.LandlordID != *in.LandlordID) {
		ch["housing_landlord"] = domain.Change{Old: oldLandlord, New: landlordName}
	}
	if old.ID == 0 || old.Rooms != in.Rooms {
		ch.Set("housing_rooms", housingOptInt(housingNonZero(old.ID, old.Rooms)), strconv.Itoa(in.Rooms))
	}
	if old.ID == 0 || old.Bedrooms != in.Bedrooms {
		ch.Set("housing_bedrooms", housingOptInt(housingNonZero(old.ID, old.Bedrooms)), strconv.Itoa(in.Bedrooms))
	}
	ch.Set("housing_size_m2", housingOptInt(old.SizeM2), housingOptInt(in.SizeM2))
	ch.Set("housing_floor", housingOptInt(old.Floor), housingOptInt(in.Floor))
	ch.Set("housing_lift", strconv.FormatBool(old.Lift), strconv.FormatBool(in.Lift))
	ch.Set("housing_accessible", strconv.FormatBool(old.Accessible), strconv.FormatBool(in.Accessible))
	ch.Set("housing_furnished", strconv.FormatBool(old.Furnished), strconv.FormatBool(in.Furnished))
	oldRent := ""
	if old.ID != 0 {
		oldRent = domain.FormatOre(old.RentOre)
	}
	ch.Set("housing_rent", oldRent, domain.FormatOre(in.RentOre))
	ch.Set("housing_status", old.Status, in.Status)
	ch.Set("housing_note", old.Note, in.Note)
	return ch
}

// nonZero is &n for a stored record (id ≠ 0), nil for a new one.
func housingNonZero(id int64, n int) *int {
	if id == 0 {
		return nil
	}
	return &n
}

// CreateHousingUnit registers a housing unit in the user's unit; its landlord
// must be one of the unit's. The unit and its audit row commit together.
func (db *DB) CreateHousingUnit(ctx context.Context, s domain.Scope, in domain.HousingUnitInput) (int64, error) {
	if err := s.Role.Require(domain.CapWriteHousing); err != nil {
		return 0, err
	}
	var id int64
	err := db.WithTx(ctx, func(tx pgx.Tx) error {
		name, err := unitLandlord(ctx, tx, s.UnitID, in.LandlordID, nil)
		if err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `INSERT INTO housing_units (unit_id, address, address_key, owner_type, landlord_id, rooms, bedrooms,
				size_m2, floor, lift, accessible, furnished, rent_ore, status, note, created_by, updated_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16) RETURNING id`,
			s.UnitID, in.Address, in.AddressKey, in.OwnerType, in.LandlordID, in.Rooms, in.Bedrooms, in.SizeM2, in.Floor,
			in.Lift, in.Accessible, in.Furnished, in.RentOre, in.Status, in.Note, userRef(s)).Scan(&id); err != nil {
			return err
		}
		return writeAudit(ctx, tx, s, auditEvent{Action: ActionCreate, Entity: entityHousingUnit, EntityID: &id,
			Changes: housingUnitChanges(domain.HousingUnit{}, in, name)})
	})
	return id, err
}

// UpdateHousingUnit changes a housing unit in the user's scope. A change
// based on another version gets a *HousingUnitStaleError with the stored
// unit; nothing changed is success without a new version.
func (db *DB) UpdateHousingUnit(ctx context.Context, s domain.Scope, id int64, in domain.HousingUnitInput) error {
	if err := s.Role.Require(domain.CapWriteHousing); err != nil {
		return err
	}
	return db.WithTx(ctx, func(tx pgx.Tx) error {
		u, err := getHousingUnit(ctx, tx, s, id, true)
		if err != nil {
			return err
		}
		var unitID int64
		if err := tx.QueryRow(ctx, `SELECT unit_id FROM housing_units WHERE id = $1`, id).Scan(&unitID); err != nil {
			return err
		}
		name, err := unitLandlord(ctx, tx, unitID, in.LandlordID, u.LandlordID)
		if err != nil {
			return err
		}
		ch := housingUnitChanges(*u, in, name)
		if len(ch) == 0 {
			return nil
		}
		if u.Version != in.Version {
			return &HousingUnitStaleError{Current: u, Message: "Noen andre har endret boligen mens du arbeidet med den. Ingenting er lagret."}
		}
		if _, err := tx.Exec(ctx, `UPDATE housing_units SET address = $2, address_key = $3, owner_type = $4, landlord_id = $5,
				rooms = $6, bedrooms = $7, size_m2 = $8, floor = $9, lift = $10, accessible = $11, furnished = $12,
				rent_ore = $13, status = $14, note = $15, version = version + 1, updated_at = now(), updated_by = $16
			WHERE id = $1`,
			id, in.Address, in.AddressKey, in.OwnerType, in.LandlordID, in.Rooms, in.Bedrooms, in.SizeM2, in.Floor,
			in.Lift, in.Accessible, in.Furnished, in.RentOre, in.Status, in.Note, userRef(s)); err != nil {
			return err
		}
		return writeAudit(ctx, tx, s, auditEvent{Action: ActionUpdate, Entity: entityHousingUnit, EntityID: &id, Changes: ch})
	})
}

// ---- Landlords ----

const landlordColumns = `l.id, l.kind, l.name, l.orgnr, l.contact, l.phone, l.email, l.active, l.version, l.updated_at,
	(SELECT count(*) FROM housing_units hu WHERE hu.landlord_id = l.id)::int AS units`

// ListLandlords returns the landlords in the user's scope by name.
func (db *DB) ListLandlords(ctx context.Context, s domain.Scope) ([]domain.Landlord, error) {
	if err := s.Role.Require(domain.CapWriteHousing); err != nil {
		return nil, err
	}
	where, args := unitScope(s, "l.unit_id", 1)
	rows, err := db.Pool.Query(ctx, `SELECT `+landlordColumns+` FROM landlords l WHERE `+where+` ORDER BY lower(l.name), l.id LIMIT 1000`, args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByName[domain.Landlord])
}

func getLandlord(ctx context.Context, q querier, s domain.Scope, id int64, lock bool) (*domain.Landlord, int64, error) {
	where, args := unitScope(s, "l.unit_id", 2)
	sql := `SELECT ` + landlordColumns + `, l.unit_id FROM landlords l WHERE l.id = $1 AND ` + where
	if lock {
		sql += ` FOR UPDATE`
	}
	var l domain.Landlord
	var unitID int64
	err := q.QueryRow(ctx, sql, append([]any{id}, args...)...).Scan(&l.ID, &l.Kind, &l.Name, &l.OrgNr, &l.Contact, &l.Phone,
		&l.Email, &l.Active, &l.Version, &l.UpdatedAt, &l.Units, &unitID)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, 0, domain.Errorf(domain.ENOTFOUND, "%s", landlordNotFound)
	}
	if err != nil {
		return nil, 0, err
	}
	return &l, unitID, nil
}

// LandlordInScope reports whether the landlord is in the user's scope (nil
// or ENOTFOUND).
func (db *DB) LandlordInScope(ctx context.Context, s domain.Scope, id int64) error {
	if err := s.Role.Require(domain.CapWriteHousing); err != nil {
		return err
	}
	where, args := unitScope(s, "unit_id", 2)
	return existsInScope(ctx, db.Pool, landlordNotFound, `SELECT 1 FROM landlords WHERE id = $1 AND `+where, append([]any{id}, args...)...)
}

// GetLandlord reads a landlord in the user's scope with its agreements
// (newest first) and its housing units.
func (db *DB) GetLandlord(ctx context.Context, s domain.Scope, id int64) (*domain.LandlordDetail, error) {
	if err := s.Role.Require(domain.CapWriteHousing); err != nil {
		return nil, err
	}
	l, _, err := getLandlord(ctx, db.Pool, s, id, false)
	if err != nil {
		return nil, err
	}
	d := &domain.LandlordDetail{Landlord: *l}
	b := &pgx.Batch{}
	b.Queue(`SELECT id, kind, from_date, to_date, units, note FROM landlord_agreements WHERE landlord_id = $1 ORDER BY from_date DESC, id DESC`, id).Query(func(r pgx.Rows) error {
		var err error
		d.Agreements, err = pgx.CollectRows(r, pgx.RowToStructByName[domain.LandlordAgreement])
		return err
	})
	b.Queue(`SELECT `+housingUnitColumns+housingUnitFrom+` WHERE h.landlord_id = $1 ORDER BY h.address_key, h.id`, id).Query(func(r pgx.Rows) error {
		var err error
		d.Units, err = pgx.CollectRows(r, pgx.RowToStructByName[domain.HousingUnit])
		return err
	})
	if err := db.Pool.SendBatch(ctx, b).Close(); err != nil {
		return nil, err
	}
	return d, nil
}

// duplicateLandlord looks up the landlord of the unit holding orgnr (other
// than self): a *DuplicateLandlordError, or nil.
func duplicateLandlord(ctx context.Context, q querier, unitID int64, orgnr *string, self int64) error {
	if orgnr == nil {
		return nil
	}
	var id int64
	var name string
	err := q.QueryRow(ctx, `SELECT id, name FROM landlords WHERE unit_id = $1 AND orgnr = $2 AND id <> $3`, unitID, *orgnr, self).Scan(&id, &name)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return nil
	case err != nil:
		return err
	}
	return &DuplicateLandlordError{ExistingID: id, ExistingName: name, OrgNr: *orgnr}
}

// landlordRace maps a unique violation on (unit_id, orgnr) to the duplicate
// error, read after the failed transaction.
func (db *DB) landlordRace(ctx context.Context, err error, unitID int64, orgnr *string, self int64) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23505" && pgErr.ConstraintName == "landlords_unit_orgnr_idx" {
		if dup := duplicateLandlord(ctx, db.Pool, unitID, orgnr, self); dup != nil {
			return dup
		}
	}
	return err
}

func landlordChanges(old domain.Landlord, in domain.LandlordInput) domain.Changes {
	ch := domain.Changes{}
	ch.Set("landlord_kind", old.Kind, in.Kind)
	ch.Set("landlord_name", old.Name, in.Name)
	ch.Set("landlord_orgnr", housingDeref(old.OrgNr), housingDeref(in.OrgNr))
	ch.Set("landlord_contact", old.Contact, in.Contact)
	ch.Set("landlord_phone", old.Phone, in.Phone)
	ch.Set("landlord_email", old.Email, in.Email)
	return ch
}

func housingDeref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// CreateLandlord registers a landlord in the user's unit; an organisation
// number already registered there is a *DuplicateLandlordError.
func (db *DB) CreateLandlord(ctx context.Context, s domain.Scope, in domain.LandlordInput) (int64, error) {
	if err := s.Role.Require(domain.CapWriteHousing); err != nil {
		return 0, err
	}
	var id int64
	err := db.WithTx(ctx, func(tx pgx.Tx) error {
		if err := duplicateLandlord(ctx, tx, s.UnitID, in.OrgNr, 0); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `INSERT INTO landlords (unit_id, kind, name, orgnr, contact, phone, email, created_by, updated_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id`,
			s.UnitID, in.Kind, in.Name, in.OrgNr, in.Contact, in.Phone, in.Email, userRef(s)).Scan(&id); err != nil {
			return err
		}
		return writeAudit(ctx, tx, s, auditEvent{Action: ActionCreate, Entity: entityLandlord, EntityID: &id,
			Changes: landlordChanges(domain.Landlord{}, in)})
	})
	if err != nil {
		return 0, db.landlordRace(ctx, err, s.UnitID, in.OrgNr, 0)
	}
	return id, nil
}

// UpdateLandlord changes a landlord in the user's scope (409 on another
// version or a number registered on another landlord of the unit).
func (db *DB) UpdateLandlord(ctx context.Context, s domain.Scope, id int64, in domain.LandlordInput) error {
	if err := s.Role.Require(domain.CapWriteHousing); err != nil {
		return err
	}
	var unitID int64
	err := db.WithTx(ctx, func(tx pgx.Tx) error {
		l, u, err := getLandlord(ctx, tx, s, id, true)
		if err != nil {
			return err
		}
		unitID = u
		ch := landlordChanges(*l, in)
		if len(ch) == 0 {
			return nil
		}
		if l.Version != in.Version {
			return &LandlordStaleError{Current: l, Message: "Noen andre har endret utleieren mens du arbeidet med den. Ingenting er lagret."}
		}
		if err := duplicateLandlord(ctx, tx, unitID, in.OrgNr, id); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE landlords SET kind = $2, name = $3, orgnr = $4, contact = $5, phone = $6, email = $7,
			version = version + 1, updated_at = now(), updated_by = $8 WHERE id = $1`,
			id, in.Kind, in.Name, in.OrgNr, in.Contact, in.Phone, in.Email, userRef(s)); err != nil {
			return err
		}
		return writeAudit(ctx, tx, s, auditEvent{Action: ActionUpdate, Entity: entityLandlord, EntityID: &id, Changes: ch})
	})
	return db.landlordRace(ctx, err, unitID, in.OrgNr, id)
}

// AddLandlordAgreement appends an agreement (tilvisningsavtale) to a
// landlord in the user's scope.
func (db *DB) AddLandlordAgreement(ctx context.Context, s domain.Scope, landlordID int64, in domain.AgreementInput) (int64, error) {
	if err := s.Role.Require(domain.CapWriteHousing); err != nil {
		return 0, err
	}
	var id int64
	err := db.WithTx(ctx, func(tx pgx.Tx) error {
		if _, _, err := getLandlord(ctx, tx, s, landlordID, true); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `INSERT INTO landlord_agreements (landlord_id, from_date, to_date, units, note, created_by)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
			landlordID, in.From, in.To, in.Units, in.Note, userRef(s)).Scan(&id); err != nil {
			return err
		}
		ch := domain.Changes{}
		ch.Set("agreement_from", "", domain.FormatDate(&in.From))
		if in.To != nil {
			ch.Set("agreement_to", "", domain.FormatDate(in.To))
		}
		ch.Set("agreement_units", "", strconv.Itoa(in.Units))
		ch.Set("agreement_note", "", in.Note)
		return writeAudit(ctx, tx, s, auditEvent{Action: ActionCreate, Entity: entityLandlordAgreement, EntityID: &id, Changes: ch})
	})
	return id, err
}

// SetLandlordActive deactivates (or reactivates) a landlord in the user's
// scope, based on version. A deactivated landlord keeps its units and
// agreements but is not offered for new units, nor can a unit be moved to
// it. Already so is success (a double submit is harmless).
func (db *DB) SetLandlordActive(ctx context.Context, s domain.Scope, id int64, version int, active bool) error {
	if err := s.Role.Require(domain.CapWriteHousing); err != nil {
		return err
	}
	return db.WithTx(ctx, func(tx pgx.Tx) error {
		l, _, err := getLandlord(ctx, tx, s, id, true)
		if err != nil {
			return err
		}
		if l.Active == active {
			return nil
		}
		if l.Version != version {
			return &LandlordStaleError{Current: l, Message: "Noen andre har endret utleieren mens du arbeidet med den. Ingenting er lagret."}
		}
		if _, err := tx.Exec(ctx, `UPDATE landlords SET active = $2, version = version + 1, updated_at = now(), updated_by = $3 WHERE id = $1`,
			id, active, userRef(s)); err != nil {
			return err
		}
		ch := domain.Changes{}
		ch.Set("landlord_active", strconv.FormatBool(l.Active), strconv.FormatBool(active))
		return writeAudit(ctx, tx, s, auditEvent{Action: ActionUpdate, Entity: entityLandlord, EntityID: &id, Changes: ch})
	})
}
