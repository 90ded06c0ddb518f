package postgres

import (
	"context"
	"time"

	"ankomst/internal/domain"

	"github.com/jackc/pgx/v5"
)

// Demo data for housing (demo and benchmark only: no audit rows). The
// housing of a database is made once, when it has no housing units: package
// demo plans landlords, units and leases in Go from the households read
// here, and DemoHousingLoad copies them in one transaction. DemoPipeline
// marks some households and single persons agreed for settlement with an
// expected arrival in the next weeks.

// CountHousingUnits returns how many housing units are stored.
func (db *DB) CountHousingUnits(ctx context.Context) (int64, error) {
	var n int64
	err := db.Pool.QueryRow(ctx, `SELECT count(*) FROM housing_units`).Scan(&n)
	return n, err
}

// DemoHousingPipeline marks about one household in 18 of those made in the last
// year (and one single person in 40 without household), all of unit-active
// persons without a programme, as agreed for settlement: expected arrival
// within 8 weeks, no settlement date, agreed some weeks ago; one in 15 needs
// a step-free home. What settlement made for them (deadlines, the health
// checklist) goes, as for anyone not yet settled. It returns the persons marked.
//
// The deletions run with the per-row summary triggers off (bulkSummaries):
// row by row, a 1 000 000-person load's 150 000 checklist items took minutes.
func (db *DB) DemoHousingPipeline(ctx context.Context, today time.Time) (int64, error) {
	var n int64
	err := db.BulkTx(ctx, []string{"health_items", "deadlines"}, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `
			WITH hh AS (
				SELECT m.household_id, m.person_id FROM household_members m
				WHERE m.left_on IS NULL AND m.household_id % 18 = 7
					AND NOT EXISTS (SELECT 1 FROM leases l WHERE l.household_id = m.household_id)
					AND NOT EXISTS (SELECT 1 FROM household_members o JOIN programmes pr ON pr.person_id = o.person_id
						WHERE o.household_id = m.household_id AND o.left_on IS NULL)
			), single AS (
				SELECT p.id AS person_id, p.id AS household_id FROM persons p
				WHERE p.id % 40 = 3 AND p.status = 'active'
					AND NOT EXISTS (SELECT 1 FROM household_members m WHERE m.person_id = p.id AND m.left_on IS NULL)
					AND NOT EXISTS (SELECT 1 FROM programmes pr WHERE pr.person_id = p.id)
			), pick AS (SELECT * FROM hh UNION ALL SELECT * FROM single)
			UPDATE persons p SET settlement_stage = 'agreed', settlement_date = NULL,
				expected_arrival = $1::date + ((pick.household_id * 7) % 56)::int,
				agreed_on = $1::date - ((pick.household_id * 3) % 40)::int - 7,
				needs_accessible_home = pick.household_id % 15 = 0
			FROM pick WHERE p.id = pick.person_id AND p.status = 'active' AND p.settlement_stage = 'settled'
			RETURNING p.id`, domain.Date(today))
		if err != nil {
			return err
		}
		ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			return err
		}
		n = int64(len(ids))
		if _, err := tx.Exec(ctx, `DELETE FROM health_items WHERE person_id = ANY($1)`, ids); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `DELETE FROM deadlines WHERE person_id = ANY($1)`, ids)
		return err
	})
	return n, err
}

// DemoHousingHousehold is a household to house: its unit, when it came
// (the earliest joining of its active members), its size on today and
// whether it is in the settlement pipeline (agreed: not housed yet).
type DemoHousingHousehold struct {
	ID       int64
	UnitID   int64
	Arrival  time.Time
	Adults   int
	Children int
	Adult    int64 // an adult member (a tenant), 0 when none
}

// DemoHousingHouseholds reads the households with active members, none of
// them in the settlement pipeline, by unit and arrival.
func (db *DB) DemoHousingHouseholds(ctx context.Context, today time.Time) ([]DemoHousingHousehold, error) {
	rows, err := db.Pool.Query(ctx, `
		SELECT h.id, h.unit_id, min(m.joined_on),
			count(*) FILTER (WHERE age($1::date, p.birth_date) >= interval '18 years')::int,
			count(*) FILTER (WHERE age($1::date, p.birth_date) < interval '18 years')::int,
			coalesce(min(p.id) FILTER (WHERE age($1::date, p.birth_date) >= interval '18 years'), 0)
		FROM households h JOIN household_members m ON m.household_id = h.id AND m.left_on IS NULL
		JOIN persons p ON p.id = m.person_id
		GROUP BY h.id HAVING bool_and(p.settlement_stage = 'settled')
		ORDER BY h.unit_id, min(m.joined_on), h.id`, domain.Date(today))
	if err != nil {
		return nil, err
	}
	var out []DemoHousingHousehold
	for rows.Next() {
		var h DemoHousingHousehold
		if err := rows.Scan(&h.ID, &h.UnitID, &h.Arrival, &h.Adults, &h.Children, &h.Adult); err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

// DemoLandlord is a landlord to copy (ID set by the loader, an index of the
// plan).
type DemoLandlord struct {
	UnitID int64
	Kind   string
	Name   string
	OrgNr  *string
}

// DemoUnit is a housing unit to copy; Landlord indexes the plan's landlords
// (-1: none).
type DemoUnit struct {
	UnitID     int64
	Address    string
	OwnerType  string
	Landlord   int
	Rooms      int
	Bedrooms   int
	SizeM2     int
	Floor      int
	Lift       bool
	Accessible bool
	Furnished  bool
	RentOre    int64
	Status     string
}

// DemoLease is a lease to copy; Unit indexes the plan's units.
type DemoLease struct {
	Unit        int
	HouseholdID int64
	PersonID    int64 // 0: the household's contract
	Start       time.Time
	End         *time.Time
	RentOre     int64
	Security    string
	SecurityOre int64
	Arrears     bool
}

// DemoHousingPlan is everything DemoHousingLoad copies.
type DemoHousingPlan struct {
	Landlords []DemoLandlord
	Units     []DemoUnit
	Leases    []DemoLease
}

// reserveIDs moves an identity sequence on by n and returns the first id.
func reserveIDs(ctx context.Context, tx pgx.Tx, table string, n int) (int64, error) {
	var first int64
	if n == 0 {
		return 0, nil
	}
	if err := tx.QueryRow(ctx, `SELECT nextval(pg_get_serial_sequence($1, 'id'))`, table).Scan(&first); err != nil {
		return 0, err
	}
	_, err := tx.Exec(ctx, `SELECT setval(pg_get_serial_sequence($1, 'id'), $2)`, table, first+int64(n)-1)
	return first, err
}

// DemoHousingLoad copies the plan in one transaction (ids reserved from the
// identity sequences, rows copied into temporary tables and inserted with
// OVERRIDING SYSTEM VALUE), with the move-in and move-out checklists of
// every lease (move-in done for leases started, move-out for ended ones),
// then analyzes the tables.
func (db *DB) DemoHousingLoad(ctx context.Context, p DemoHousingPlan, today time.Time) error {
	err := db.WithTx(ctx, func(tx pgx.Tx) error {
		firstL, err := reserveIDs(ctx, tx, "landlords", len(p.Landlords))
		if err != nil {
			return err
		}
		firstU, err := reserveIDs(ctx, tx, "housing_units", len(p.Units))
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `CREATE TEMP TABLE demo_landlords (LIKE landlords INCLUDING DEFAULTS) ON COMMIT DROP;
			CREATE TEMP TABLE demo_units (LIKE housing_units INCLUDING DEFAULTS) ON COMMIT DROP`); err != nil {
			return err
		}
		i := 0
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"demo_landlords"}, []string{"id", "unit_id", "kind", "name", "orgnr"},
			pgx.CopyFromFunc(func() ([]any, error) {
				if i == len(p.Landlords) {
					return nil, nil
				}
				l := p.Landlords[i]
				i++
				return []any{firstL + int64(i-1), l.UnitID, l.Kind, l.Name, l.OrgNr}, nil
			})); err != nil {
			return err
		}
		i = 0
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"demo_units"}, []string{"id", "unit_id", "address", "address_key", "owner_type", "landlord_id",
			"rooms", "bedrooms", "size_m2", "floor", "lift", "accessible", "furnished", "rent_ore", "status"},
			pgx.CopyFromFunc(func() ([]any, error) {
				if i == len(p.Units) {
					return nil, nil
				}
				u := p.Units[i]
				i++
				var landlord *int64
				if u.Landlord >= 0 {
					id := firstL + int64(u.Landlord)
					landlord = &id
				}
				return []any{firstU + int64(i-1), u.UnitID, u.Address, domain.FoldName(u.Address), u.OwnerType, landlord,
					u.Rooms, u.Bedrooms, u.SizeM2, u.Floor, u.Lift, u.Accessible, u.Furnished, u.RentOre, u.Status}, nil
			})); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO landlords (id, unit_id, kind, name, orgnr) OVERRIDING SYSTEM VALUE
			SELECT id, unit_id, kind, name, orgnr FROM demo_landlords;
			INSERT INTO housing_units (id, unit_id, address, address_key, owner_type, landlord_id, rooms, bedrooms, size_m2, floor,
				lift, accessible, furnished, rent_ore, status) OVERRIDING SYSTEM VALUE
			SELECT id, unit_id, address, address_key, owner_type, landlord_id, rooms, bedrooms, size_m2, floor,
				lift, accessible, furnished, rent_ore, status FROM demo_units`); err != nil {
			return err
		}
		i = 0
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"leases"}, []string{"housing_unit_id", "household_id", "person_id", "start_date", "end_date",
			"rent_ore", "security", "security_ore", "rent_arrears"},
			pgx.CopyFromFunc(func() ([]any, error) {
				if i == len(p.Leases) {
					return nil, nil
				}
				l := p.Leases[i]
				i++
				var person *int64
				if l.PersonID != 0 {
					person = &l.PersonID
				}
				return []any{firstU + int64(l.Unit), l.HouseholdID, person, l.Start, l.End, l.RentOre, l.Security, l.SecurityOre, l.Arrears}, nil
			})); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO lease_checklist_items (lease_id, phase, item, done_on)
			SELECT l.id, ph, it, CASE
				WHEN ph = 'move_in' AND l.start_date <= $1::date THEN l.start_date
				WHEN ph = 'move_out' AND l.end_date <= $1::date THEN l.end_date END
			FROM leases l, unnest(ARRAY['move_in','move_out']) ph, unnest(ARRAY['keys','inspection','meter_reading']) it
			WHERE l.housing_unit_id >= $2`, domain.Date(today), firstU)
		return err
	})
	if err != nil {
		return err
	}
	_, err = db.Pool.Exec(ctx, `ANALYZE landlords, housing_units, leases, lease_checklist_items`)
	return err
}
