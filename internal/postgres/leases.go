package postgres

import (
	"context"
	"errors"
	"strconv"
	"time"

	"ankomst/internal/domain"

	"github.com/jackc/pgx/v5"
)

const (
	entityLease          = "lease"
	entityLeaseChecklist = "lease_checklist"
)

// LeaseStaleError answers a change of a lease based on an old version.
type LeaseStaleError = ConflictError[*domain.Lease]

// ChecklistStaleError answers a change of a checklist item based on an old
// version, with the item as stored.
type ChecklistStaleError = ConflictError[*domain.ChecklistItem]

// leaseSelect reads leases (domain.Lease) with their unit and tenant; the
// caller joins households h for the scope.
const leaseSelect = `SELECT l.id, l.housing_unit_id, l.household_id, l.person_id,
		coalesce(tp.given_name || ' ' || tp.family_name, '') AS tenant_name,
		u.address, u.rooms, u.bedrooms, l.start_date, l.end_date, l.rent_ore,
		l.security, l.security_ore, l.rent_arrears, l.version
	FROM leases l JOIN housing_units u ON u.id = l.housing_unit_id
	JOIN households h ON h.id = l.household_id
	LEFT JOIN persons tp ON tp.id = l.person_id`

// HousingUnitOption is a housing unit the household may be let: vacant, or
// let to fewer households than it has bedrooms.
type HousingUnitOption struct {
	ID       int64  `db:"id"`
	Address  string `db:"address"`
	Rooms    int    `db:"rooms"`
	Bedrooms int    `db:"bedrooms"`
	RentOre  int64  `db:"rent_ore"`
	Status   string `db:"status"`
}

// HouseholdHousing is a household's home: its leases (newest first, each
// with its checklist), and for a user who writes housing, the units it may
// be let.
type HouseholdHousing struct {
	Household *domain.HouseholdDetail
	Leases    []domain.Lease
	Units     []HousingUnitOption
}

// Current returns the leases running on day.
func (hh *HouseholdHousing) Current(day time.Time) []domain.Lease {
	var out []domain.Lease
	for _, l := range hh.Leases {
		if l.RunsOn(day) {
			out = append(out, l)
		}
	}
	return out
}

// Lease returns the household's lease id, or nil.
func (hh *HouseholdHousing) Lease(id int64) *domain.Lease {
	for i := range hh.Leases {
		if hh.Leases[i].ID == id {
			return &hh.Leases[i]
		}
	}
	return nil
}

// leasesOf reads a household's leases with their checklists.
func (db *DB) leasesOf(ctx context.Context, q querier, s domain.Scope, householdID int64, leaseID int64, lock bool) ([]domain.Lease, error) {
	var a sqlArgs
	sql := leaseSelect + ` WHERE l.household_id = ` + a.add(householdID) + ` AND ` + a.scope(s, "h.unit_id")
	if leaseID != 0 {
		sql += ` AND l.id = ` + a.add(leaseID)
	}
	sql += ` ORDER BY l.start_date DESC, l.id DESC`
	if lock {
		sql += ` FOR UPDATE OF l`
	}
	rows, err := q.Query(ctx, sql, a.list...)
	if err != nil {
		return nil, err
	}
	ls, err := pgx.CollectRows(rows, pgx.RowToStructByName[domain.Lease])
	if err != nil || len(ls) == 0 {
		return ls, err
	}
	ids := make([]int64, len(ls))
	for i, l := range ls {
		ids[i] = l.ID
	}
	rows, err = q.Query(ctx, `SELECT lease_id, phase, item, done_on, note, version FROM lease_checklist_items
		WHERE lease_id = ANY($1)
		ORDER BY lease_id, phase = 'move_out', array_position(ARRAY['keys','inspection','meter_reading'], item)`, ids)
	if err != nil {
		return nil, err
	}
	items, err := pgx.CollectRows(rows, pgx.RowToStructByName[domain.ChecklistItem])
	if err != nil {
		return nil, err
	}
	attachChecklists(ls, items)
	return ls, nil
}

// GetHouseholdHousing returns a household in scope with its leases; for a
// role that writes housing, also the units it may be let. One batch (one
// round trip, one implicit transaction): the household, its members, its
// leases, their checklists, the units and the view's audit row (written
// only when the household is in scope).
func (db *DB) GetHouseholdHousing(ctx context.Context, s domain.Scope, householdID int64) (*HouseholdHousing, error) {
	if err := domain.RequireReadHousing(s.Role); err != nil {
		return nil, err
	}
	out := &HouseholdHousing{}
	b := &pgx.Batch{}
	hd := queueHouseholdDetail(b, s, householdID)
	var la sqlArgs
	b.Queue(leaseSelect+` WHERE l.household_id = `+la.add(householdID)+` AND `+la.scope(s, "h.unit_id")+
		` ORDER BY l.start_date DESC, l.id DESC`, la.list...).Query(func(r pgx.Rows) error {
		var err error
		out.Leases, err = pgx.CollectRows(r, pgx.RowToStructByName[domain.Lease])
		return err
	})
	var items []domain.ChecklistItem
	var ca sqlArgs
	b.Queue(`SELECT c.lease_id, c.phase, c.item, c.done_on, c.note, c.version FROM lease_checklist_items c
		JOIN leases l ON l.id = c.lease_id JOIN households h ON h.id = l.household_id
		WHERE l.household_id = `+ca.add(householdID)+` AND `+ca.scope(s, "h.unit_id")+`
		ORDER BY c.lease_id, c.phase = 'move_out', array_position(ARRAY['keys','inspection','meter_reading'], c.item)`, ca.list...).Query(func(r pgx.Rows) error {
		var err error
		items, err = pgx.CollectRows(r, pgx.RowToStructByName[domain.ChecklistItem])
		return err
	})
	if s.Role.Can(domain.CapWriteHousing) {
		var ua sqlArgs
		hp := ua.add(householdID)
		b.Queue(`SELECT u.id, u.address, u.rooms, u.bedrooms, u.rent_ore, u.status
			FROM housing_units u JOIN households h ON h.id = `+hp+` AND u.unit_id = h.unit_id
			WHERE `+ua.scope(s, "h.unit_id")+` AND u.status IN ('vacant', 'let')
			AND (SELECT count(DISTINCT l.household_id) FROM leases l
				WHERE l.housing_unit_id = u.id AND l.household_id <> `+hp+`
				AND l.start_date <= `+ua.add(db.today())+` AND (l.end_date IS NULL OR l.end_date > `+ua.add(db.today())+`)) < greatest(u.bedrooms, 1)
			ORDER BY u.address, u.id LIMIT 500`, ua.list...).Query(func(r pgx.Rows) error {
			var err error
			out.Units, err = pgx.CollectRows(r, pgx.RowToStructByName[HousingUnitOption])
			return err
		})
	}
	queueHouseholdAudit(b, s, entityLease, householdID)
	if err := db.Pool.SendBatch(ctx, b).Close(); err != nil {
		return nil, err
	}
	var err error
	if out.Household, err = hd(); err != nil {
		return nil, err
	}
	attachChecklists(out.Leases, items)
	return out, nil
}

// queueHouseholdDetail queues the reads of a household in scope and its
// members; the function returned gives the household after the batch ran
// (ENOTFOUND out of scope).
func queueHouseholdDetail(b *pgx.Batch, s domain.Scope, householdID int64) func() (*domain.HouseholdDetail, error) {
	var h *domain.Household
	var ha sqlArgs
	b.Queue(householdSelect+` WHERE h.id = `+ha.add(householdID)+` AND `+ha.scope(s, "h.unit_id"), ha.list...).Query(func(r pgx.Rows) error {
		hs, err := pgx.CollectRows(r, pgx.RowToAddrOfStructByName[domain.Household])
		if len(hs) == 1 {
			h = hs[0]
		}
		return err
	})
	var members []domain.HouseholdMember
	var ma sqlArgs
	b.Queue(memberSelect+` WHERE m.household_id = `+ma.add(householdID)+` AND `+ma.scope(s, "p.unit_id"), ma.list...).Query(func(r pgx.Rows) error {
		var err error
		members, err = pgx.CollectRows(r, pgx.RowToStructByName[domain.HouseholdMember])
		return err
	})
	return func() (*domain.HouseholdDetail, error) {
		if h == nil {
			return nil, domain.Errorf(domain.ENOTFOUND, "Fant ikke husstanden.")
		}
		domain.SortMembers(members)
		return &domain.HouseholdDetail{Household: *h, Members: members}, nil
	}
}

// queueHouseholdAudit queues the audit row of a read of a household's
// entity, written only when the household is in scope.
func queueHouseholdAudit(b *pgx.Batch, s domain.Scope, entity string, householdID int64) {
	var a sqlArgs
	sql := `INSERT INTO audit_events (user_id, user_role, action, entity, entity_id, request_id)
		SELECT ` + a.add(nilID(s.UserID)) + `::bigint, ` + a.add(string(s.Role)) + `, ` + a.add(ActionView) + `, ` + a.add(entity) + `, h.id, ` +
		a.add(s.RequestID) + ` FROM households h WHERE h.id = ` + a.add(householdID) + ` AND `
	sql += a.scope(s, "h.unit_id")
	b.Queue(sql, a.list...)
}

// attachChecklists gives each lease its checklist items.
func attachChecklists(ls []domain.Lease, items []domain.ChecklistItem) {
	for _, it := range items {
		for i := range ls {
			if ls[i].ID == it.LeaseID {
				ls[i].Checklist = append(ls[i].Checklist, it)
			}
		}
	}
}

// lockHousingUnit locks a housing unit of the household's unit (so two
// leases of it are checked one after the other) and returns its bedrooms
// and status; another unit's housing is a field error.
func lockHousingUnit(ctx context.Context, tx pgx.Tx, id, unitID int64) (bedrooms int, status, address string, err error) {
	err = tx.QueryRow(ctx, `SELECT bedrooms, status, address FROM housing_units WHERE id = $1 AND unit_id = $2 FOR UPDATE`,
		id, unitID).Scan(&bedrooms, &status, &address)
	if errors.Is(err, pgx.ErrNoRows) {
		err = invalidField("unit", "Fant ikke boligen. Velg en bolig fra listen.")
	}
	return
}

// checkCapacity checks the capacity rule for lease against the unit's other
// leases (except the lease itself).
func checkCapacity(ctx context.Context, tx pgx.Tx, unitID int64, bedrooms int, lease domain.LeasePeriod) error {
	rows, err := tx.Query(ctx, `SELECT id, household_id, person_id, start_date, end_date FROM leases
		WHERE housing_unit_id = $1 AND id <> $2`, unitID, lease.ID)
	if err != nil {
		return err
	}
	var existing []domain.LeasePeriod
	for rows.Next() {
		var p domain.LeasePeriod
		if err := rows.Scan(&p.ID, &p.HouseholdID, &p.PersonID, &p.Start, &p.End); err != nil {
			rows.Close()
			return err
		}
		existing = append(existing, p)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if msg := domain.CheckLeaseCapacity(bedrooms, existing, lease); msg != "" {
		return invalidField("start", msg)
	}
	return nil
}

// syncUnitStatus sets a vacant or let unit's status by whether a lease of it
// runs today; units under renovation or not in use keep theirs.
func (db *DB) syncUnitStatus(ctx context.Context, tx pgx.Tx, s domain.Scope, unitID int64) error {
	_, err := tx.Exec(ctx, `UPDATE housing_units u SET status = x.status, version = version + 1, updated_at = now(), updated_by = $3
		FROM (SELECT CASE WHEN EXISTS (SELECT 1 FROM leases l WHERE l.housing_unit_id = $1
			AND l.start_date <= $2 AND (l.end_date IS NULL OR l.end_date > $2)) THEN 'let' ELSE 'vacant' END AS status) x
		WHERE u.id = $1 AND u.status IN ('vacant', 'let') AND u.status <> x.status`, unitID, db.today(), nilID(s.UserID))
	return err
}

func kroner(ore int64) string { return domain.FormatOre(ore) + " kr" }

func nilID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

func dateString(d *time.Time) string {
	if d == nil {
		return ""
	}
	return d.Format("2006-01-02")
}

// CreateLease lets a housing unit of the household's unit to a household in
// scope, for an adult member (in.PersonID) or the household: in one
// transaction, with the unit locked so parallel leases cannot overbook it,
// the capacity rule checked, the move-in and move-out checklists created,
// the unit's status set and the change audited.
func (db *DB) CreateLease(ctx context.Context, s domain.Scope, householdID int64, in domain.LeaseInput) (int64, error) {
	if err := s.Role.Require(domain.CapWriteHousing); err != nil {
		return 0, err
	}
	var id int64
	err := db.WithTx(ctx, func(tx pgx.Tx) error {
		h, err := db.householdDetail(ctx, tx, s, householdID)
		if err != nil {
			return err
		}
		if in.PersonID != nil {
			if msg := domain.CheckTenant(*in.PersonID, in.Start, h.Members); msg != "" {
				return invalidField("tenant", msg)
			}
		}
		bedrooms, status, address, err := lockHousingUnit(ctx, tx, in.HousingUnitID, h.UnitID)
		if err != nil {
			return err
		}
		if status != "vacant" && status != "let" {
			return invalidField("unit", "Boligen er ikke i bruk eller er under oppussing.")
		}
		if err := checkCapacity(ctx, tx, in.HousingUnitID, bedrooms, domain.LeasePeriod{
			HouseholdID: householdID, PersonID: in.PersonID, Start: in.Start, End: in.End}); err != nil {
			return err
		}
		err = tx.QueryRow(ctx, `INSERT INTO leases (housing_unit_id, household_id, person_id, start_date, end_date,
				rent_ore, security, security_ore, created_by, updated_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id`,
			in.HousingUnitID, householdID, in.PersonID, in.Start, in.End, in.RentOre, in.Security, in.SecurityOre,
			nilID(s.UserID)).Scan(&id)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO lease_checklist_items (lease_id, phase, item, updated_by)
			SELECT $1, ph, it, $2 FROM unnest(ARRAY['move_in','move_out']) ph, unnest(ARRAY['keys','inspection','meter_reading']) it`,
			id, nilID(s.UserID)); err != nil {
			return err
		}
		if err := db.syncUnitStatus(ctx, tx, s, in.HousingUnitID); err != nil {
			return err
		}
		ch := domain.Changes{}
		ch.Set("lease_address", "", address)
		ch.Set("lease_start", "", in.Start.Format("2006-01-02"))
		ch.Set("lease_end", "", dateString(in.End))
		ch.Set("lease_rent", "", kroner(in.RentOre))
		ch.Set("lease_security", "", in.Security)
		if in.SecurityOre != 0 {
			ch.Set("lease_security_amount", "", kroner(in.SecurityOre))
		}
		return writeAudit(ctx, tx, s, auditEvent{Action: ActionCreate, Entity: entityLease, EntityID: &id,
			PersonID: in.PersonID, Changes: ch})
	})
	return id, err
}

// lockLease locks the housing unit and then the household's lease (always
// in that order, as CreateLease), checking the version; an old version gets
// a *LeaseStaleError.
func (db *DB) lockLease(ctx context.Context, tx pgx.Tx, s domain.Scope, householdID, leaseID int64, version int) (*domain.Lease, int, error) {
	ls, err := db.leasesOf(ctx, tx, s, householdID, leaseID, false)
	if err != nil {
		return nil, 0, err
	}
	if len(ls) == 0 {
		return nil, 0, domain.Errorf(domain.ENOTFOUND, "Fant ikke leieforholdet.")
	}
	var bedrooms int
	if err := tx.QueryRow(ctx, `SELECT bedrooms FROM housing_units WHERE id = $1 FOR UPDATE`, ls[0].HousingUnitID).Scan(&bedrooms); err != nil {
		return nil, 0, err
	}
	if ls, err = db.leasesOf(ctx, tx, s, householdID, leaseID, true); err != nil {
		return nil, 0, err
	}
	if version != 0 && ls[0].Version != version {
		return nil, 0, &LeaseStaleError{Current: &ls[0], Message: "Noen andre har endret leieforholdet mens du arbeidet med det. Ingenting er lagret."}
	}
	return &ls[0], bedrooms, nil
}

// GetLease returns a lease of a household in scope.
func (db *DB) GetLease(ctx context.Context, s domain.Scope, householdID, leaseID int64) (*domain.Lease, error) {
	ls, err := db.leasesOf(ctx, db.Pool, s, householdID, leaseID, false)
	if err != nil {
		return nil, err
	}
	if len(ls) == 0 {
		return nil, domain.Errorf(domain.ENOTFOUND, "Fant ikke leieforholdet.")
	}
	return &ls[0], nil
}

// UpdateLease changes a lease's end date (ending it, or extending it within
// the capacity rule), rent and rent arrears flag, based on in.Version; the
// unit's status follows.
func (db *DB) UpdateLease(ctx context.Context, s domain.Scope, householdID, leaseID int64, in domain.LeaseEdit) (*domain.Lease, error) {
	if err := s.Role.Require(domain.CapWriteHousing); err != nil {
		return nil, err
	}
	var out *domain.Lease
	err := db.WithTx(ctx, func(tx pgx.Tx) error {
		cur, bedrooms, err := db.lockLease(ctx, tx, s, householdID, leaseID, in.Version)
		if err != nil {
			return err
		}
		if in.End != nil && in.End.Before(cur.Start) {
			return invalidField("end", "Sluttdato kan ikke være før startdato.")
		}
		if err := checkCapacity(ctx, tx, cur.HousingUnitID, bedrooms, domain.LeasePeriod{ID: cur.ID,
			HouseholdID: householdID, PersonID: cur.PersonID, Start: cur.Start, End: in.End}); err != nil {
			return invalidField("end", domain.ErrorMessage(err))
		}
		if _, err := tx.Exec(ctx, `UPDATE leases SET end_date = $2, rent_ore = $3, rent_arrears = $4,
			version = version + 1, updated_at = now(), updated_by = $5 WHERE id = $1`,
			leaseID, in.End, in.RentOre, in.Arrears, nilID(s.UserID)); err != nil {
			return err
		}
		if err := db.syncUnitStatus(ctx, tx, s, cur.HousingUnitID); err != nil {
			return err
		}
		ch := domain.Changes{}
		ch.Set("lease_end", dateString(cur.End), dateString(in.End))
		ch.Set("lease_rent", kroner(cur.RentOre), kroner(in.RentOre))
		ch.Set("lease_arrears", strconv.FormatBool(cur.RentArrears), strconv.FormatBool(in.Arrears))
		if err := writeAudit(ctx, tx, s, auditEvent{Action: ActionUpdate, Entity: entityLease, EntityID: &leaseID,
			PersonID: cur.PersonID, Changes: ch}); err != nil {
			return err
		}
		ls, err := db.leasesOf(ctx, tx, s, householdID, leaseID, false)
		if err == nil {
			out = &ls[0]
		}
		return err
	})
	return out, err
}

// SetChecklistItem records one move-in or move-out checklist item of a
// household's lease: the date it was done (nil: not done) and a note.
func (db *DB) SetChecklistItem(ctx context.Context, s domain.Scope, householdID, leaseID int64, in domain.ChecklistInput) error {
	if err := s.Role.Require(domain.CapWriteHousing); err != nil {
		return err
	}
	return db.WithTx(ctx, func(tx pgx.Tx) error {
		cur, _, err := db.lockLease(ctx, tx, s, householdID, leaseID, 0)
		if err != nil {
			return err
		}
		var oldDone *time.Time
		var oldNote string
		for _, it := range cur.Checklist {
			if it.Phase == in.Phase && it.Item == in.Item {
				oldDone, oldNote = it.DoneOn, it.Note
				if dateString(it.DoneOn) == dateString(in.DoneOn) && it.Note == in.Note {
					return nil // nothing changed (a double submit): no new version
				}
				if it.Version != in.Version {
					return &ChecklistStaleError{Current: &it, Message: "Noen andre har endret punktet på sjekklisten mens du arbeidet med det. Ingenting er lagret."}
				}
			}
		}
		if _, err := tx.Exec(ctx, `INSERT INTO lease_checklist_items (lease_id, phase, item, done_on, note, updated_by)
			VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (lease_id, phase, item) DO UPDATE SET done_on = excluded.done_on, note = excluded.note,
				version = lease_checklist_items.version + 1, updated_at = now(), updated_by = excluded.updated_by`,
			leaseID, in.Phase, in.Item, in.DoneOn, in.Note, nilID(s.UserID)); err != nil {
			return err
		}
		ch := domain.Changes{}
		ch["checklist_item"] = domain.Change{Old: "", New: domain.Label(domain.ChecklistPhases(), in.Phase) + ": " +
			domain.Label(domain.ChecklistItems(), in.Item)}
		ch.Set("checklist_done_on", dateString(oldDone), dateString(in.DoneOn))
		ch.Set("checklist_note", oldNote, in.Note)
		return writeAudit(ctx, tx, s, auditEvent{Action: ActionUpdate, Entity: entityLeaseChecklist, EntityID: &leaseID,
			PersonID: cur.PersonID, Changes: ch})
	})
}

// RunningLeaseHousehold returns the person's current household when it has
// a lease running today (the close-case page offers to end it), or 0.
func (db *DB) RunningLeaseHousehold(ctx context.Context, s domain.Scope, personID int64) (int64, error) {
	var a sqlArgs
	idp, dp := a.add(personID), a.add(db.today())
	var hid int64
	err := db.Pool.QueryRow(ctx, `SELECT m.household_id FROM household_members m JOIN persons p ON p.id = m.person_id
		WHERE m.person_id = `+idp+` AND m.left_on IS NULL AND `+a.scope(s, "p.unit_id")+`
		AND EXISTS (SELECT 1 FROM leases l WHERE l.household_id = m.household_id
			AND l.start_date <= `+dp+` AND (l.end_date IS NULL OR l.end_date > `+dp+`))
		LIMIT 1`, a.list...).Scan(&hid)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	}
	return hid, err
}

// Home is the current home of a person's household for the person page:
// the address and the first day of its running leases there (Address ""
// when none runs).
type Home struct {
	HouseholdID int64
	Address     string
	Since       *time.Time
}

// Home queues the current home of the person's household: one scoped
// statement; nil when the person has no household.
func (pp *PersonPageBatch) Home() **Home {
	out := new(*Home)
	var a sqlArgs
	idp := a.add(pp.id)
	dp := a.add(pp.today)
	pp.batch.Queue(`SELECT m.household_id, coalesce(x.address, ''), x.since
		FROM household_members m JOIN persons p ON p.id = m.person_id
		LEFT JOIN LATERAL (SELECT u.address, min(l.start_date) AS since
			FROM leases l JOIN housing_units u ON u.id = l.housing_unit_id
			WHERE l.household_id = m.household_id
			AND l.start_date <= `+dp+` AND (l.end_date IS NULL OR l.end_date > `+dp+`)
			GROUP BY u.address ORDER BY min(l.start_date) DESC LIMIT 1) x ON true
		WHERE m.person_id = `+idp+` AND m.left_on IS NULL AND `+a.scope(pp.s, "p.unit_id")+`
		LIMIT 1`, a.list...).Query(func(rows pgx.Rows) error {
		defer rows.Close()
		if rows.Next() {
			h := &Home{}
			if err := rows.Scan(&h.HouseholdID, &h.Address, &h.Since); err != nil {
				return err
			}
			*out = h
		}
		return rows.Err()
	})
	return out
}
