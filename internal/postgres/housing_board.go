package postgres

import (
	"context"
	"strconv"
	"strings"
	"time"

	"ankomst/internal/domain"

	"github.com/jackc/pgx/v5"
)

// The occupancy board (belegg, GET /housing): how many of the user's unit's
// housing units are let, free or under repair today and on the Monday of
// each of the next 12 ISO weeks, and the units free today.
//
// The rules: a unit with status 'renovation' or 'unused' is under repair
// (that status is kept by hand and counts on every day); any other unit is
// let on a day when a lease covers it (a lease runs [start_date, end_date):
// the end date is the move-out day), else free. The status column 'let' /
// 'vacant' is not read: it is not kept current when a lease's end passes.
// A unit is let in a week when it is let on the week's Monday.

// BoardWeeks is the number of weeks after the current one on the board.
const BoardWeeks = 12

// HousingBoardWeek is one row of the board: the counts on Day.
type HousingBoardWeek struct {
	Day    time.Time // today for the first row, else the week's Monday
	Let    int
	Free   int
	Repair int
}

// Total is the number of units counted on the row.
func (w HousingBoardWeek) Total() int { return w.Let + w.Free + w.Repair }

// LetPercent is the share of the units in use (let or free, not under
// repair) that are let, in whole per cent; 0 without such units.
func (w HousingBoardWeek) LetPercent() int {
	if n := w.Let + w.Free; n > 0 {
		return (w.Let*100 + n/2) / n
	}
	return 0
}

// FreeHousingUnit is a unit free today.
type FreeHousingUnit struct {
	ID         int64  `db:"id"`
	Address    string `db:"address"`
	OwnerType  string `db:"owner_type"`
	Rooms      int    `db:"rooms"`
	Bedrooms   int    `db:"bedrooms"`
	Accessible bool   `db:"accessible"`
	RentOre    int64  `db:"rent_ore"`
}

// HousingBoard is the board: today's row first, then one per week; the
// units free today; the households agreed for settlement and not yet
// arrived with the units that fit them; the running leases in rent arrears.
type HousingBoard struct {
	Weeks    []HousingBoardWeek
	Free     []FreeHousingUnit
	Arrivals []ArrivingHousehold
	// ArrivalsTotal counts every household of the pipeline within the
	// horizon (Arrivals holds the first BoardArrivalLimit).
	ArrivalsTotal int
	Arrears       []ArrearsLease

	freeUnits []unitFit // the candidates' pool, while reading
}

// BoardArrivalLimit is how many arriving households the board lists.
const BoardArrivalLimit = 50

// ArrivingHousehold is a household agreed for settlement and not yet
// arrived: its agreed persons grouped by their active household (a person
// without one is a household of one), with the units that fit it.
type ArrivingHousehold struct {
	HouseholdID     *int64 // nil: a person without household
	PersonID        int64  // the first agreed person (for one without household)
	Name            string // the household's name, or the person's
	UnitID          int64
	Adults          int
	Children        int
	NeedsAccessible bool
	ExpectedArrival time.Time
	Candidates      []domain.FitUnit
}

// Fit is the household as the fit rule sees it, arriving no earlier than
// today (an arrival date already passed is matched from today).
func (h ArrivingHousehold) Fit(today time.Time) domain.FitHousehold {
	arrive := h.ExpectedArrival
	if arrive.Before(today) {
		arrive = today
	}
	return domain.FitHousehold{Adults: h.Adults, Children: h.Children, NeedsAccessible: h.NeedsAccessible, ExpectedArrival: arrive}
}

// ArrearsLease is a lease running today with rent arrears (entered by hand).
type ArrearsLease struct {
	LeaseID       int64  `db:"lease_id"`
	HouseholdID   int64  `db:"household_id"`
	HouseholdName string `db:"household_name"`
	Address       string `db:"address"`
	HousingUnitID int64  `db:"housing_unit_id"`
	Tenant        string `db:"tenant"`
}

// BoardDays are the board's days: today, then the Mondays of the next
// BoardWeeks ISO weeks.
func BoardDays(today time.Time) []time.Time {
	days := []time.Time{domain.Date(today)}
	monday := domain.WeekStart(today)
	for i := 1; i <= BoardWeeks; i++ {
		days = append(days, domain.AddDays(monday, 7*i))
	}
	return days
}

// HousingBoard reads the occupancy board of the user's unit (admins: all
// units) in one round trip, optionally for one owner type.
func (db *DB) HousingBoard(ctx context.Context, s domain.Scope, today time.Time, ownerType string) (HousingBoard, error) {
	if err := s.Role.Require(domain.CapWriteHousing); err != nil {
		return HousingBoard{}, err
	}
	days := BoardDays(today)
	match := func(a *sqlArgs) string {
		where := a.scope(s, "h.unit_id")
		if ownerType != "" {
			where += " AND h.owner_type = " + a.add(ownerType)
		}
		return where
	}
	var board HousingBoard
	b := &pgx.Batch{}

	// The counts: one pass over the scope's leases that run on or after
	// today, each turned into a bit mask of the board days it covers (bit i:
	// days[i]); a unit is let on day i when any of its leases has bit i.
	// The index of the first board day on or after x is boardIndex(x):
	// 0 up to today, else 1 + the whole weeks from days[1] (rounded up).
	var wa sqlArgs
	tp, mp := wa.add(days[0]), wa.add(days[1])
	idx := func(col string) string {
		return `(CASE WHEN ` + col + ` <= ` + tp + `::date THEN 0 ELSE 1 + least(` + strconv.Itoa(BoardWeeks-1) + `, greatest(0, (` + col + ` - ` + mp + `::date + 6) / 7)) END)`
	}
	where := match(&wa)
	lastp := wa.add(days[len(days)-1])
	var lets []string
	for i := range days {
		lets = append(lets, `count(*) FILTER (WHERE m.mask & `+strconv.Itoa(1<<i)+` <> 0)::int`)
	}
	b.Queue(`WITH u AS (SELECT h.id, h.status IN ('renovation', 'unused') AS repair FROM housing_units h WHERE `+where+`),
		m AS (SELECT x.housing_unit_id, bit_or(((1 << x.hi) - 1) & ~((1 << x.lo) - 1)) AS mask
			FROM (SELECT l.housing_unit_id, `+idx("l.start_date")+` AS lo,
					CASE WHEN l.end_date IS NULL THEN `+strconv.Itoa(len(days))+` ELSE `+idx("l.end_date")+` END AS hi
				FROM leases l JOIN u ON u.id = l.housing_unit_id AND NOT u.repair
				WHERE (l.end_date IS NULL OR l.end_date > `+tp+`::date) AND l.start_date <= `+lastp+`::date) x
			GROUP BY x.housing_unit_id)
		SELECT (SELECT count(*) FROM u)::int, (SELECT count(*) FROM u WHERE repair)::int, `+strings.Join(lets, ", ")+`
		FROM m`, wa.list...).QueryRow(func(row pgx.Row) error {
		var total, repair int
		let := make([]int, len(days))
		dest := []any{&total, &repair}
		for i := range let {
			dest = append(dest, &let[i])
		}
		if err := row.Scan(dest...); err != nil {
			return err
		}
		for i, d := range days {
			board.Weeks = append(board.Weeks, HousingBoardWeek{Day: d, Let: let[i], Repair: repair, Free: total - repair - let[i]})
		}
		return nil
	})

	var fa sqlArgs
	ftp := fa.add(days[0])
	b.Queue(`SELECT h.id, h.address, h.owner_type, h.rooms, h.bedrooms, h.accessible, h.rent_ore
		FROM housing_units h
		LEFT JOIN (SELECT DISTINCT l.housing_unit_id FROM leases l
			WHERE l.start_date <= `+ftp+`::date AND (l.end_date IS NULL OR l.end_date > `+ftp+`::date)) r ON r.housing_unit_id = h.id
		WHERE `+match(&fa)+` AND h.status NOT IN ('renovation', 'unused') AND r.housing_unit_id IS NULL
		ORDER BY h.address_key, h.id LIMIT 500`, fa.list...).Query(func(r pgx.Rows) error {
		var err error
		board.Free, err = pgx.CollectRows(r, pgx.RowToStructByName[FreeHousingUnit])
		return err
	})

	horizon := domain.AddDays(days[len(days)-1], 6)
	queueArrivals(b, s, days[0], horizon, ownerType, &board)

	var ra sqlArgs
	rp := ra.add(days[0])
	b.Queue(`SELECT l.id AS lease_id, l.household_id, hh.name AS household_name, h.address, h.id AS housing_unit_id,
			coalesce(tp.given_name || ' ' || tp.family_name, '') AS tenant
		FROM leases l JOIN housing_units h ON h.id = l.housing_unit_id
		JOIN households hh ON hh.id = l.household_id
		LEFT JOIN persons tp ON tp.id = l.person_id
		WHERE `+match(&ra)+` AND l.rent_arrears AND l.start_date <= `+rp+`::date AND (l.end_date IS NULL OR l.end_date > `+rp+`::date)
		ORDER BY hh.name_key, l.id LIMIT 200`, ra.list...).Query(func(r pgx.Rows) error {
		var err error
		board.Arrears, err = pgx.CollectRows(r, pgx.RowToStructByName[ArrearsLease])
		return err
	})
	if err := db.Pool.SendBatch(ctx, b).Close(); err != nil {
		return HousingBoard{}, err
	}
	board.fitArrivals(days[0])
	return board, nil
}

// queueArrivals queues the pipeline's two statements: the households agreed
// for settlement whose expected arrival is before horizon (already passed
// included: not yet arrived), grouped and counted in SQL, the first
// BoardArrivalLimit by expected arrival; and the units of those households'
// units (of the owner type) that no lease holds from some day before the
// horizon on, with that day. The fit itself is domain.FitUnits, in Go.
func queueArrivals(b *pgx.Batch, s domain.Scope, today, horizon time.Time, ownerType string, board *HousingBoard) {
	var pa sqlArgs
	pipeline := `SELECT p.id, p.unit_id, p.given_name || ' ' || p.family_name AS name, p.expected_arrival,
			p.needs_accessible_home, age(p.expected_arrival, p.birth_date) < interval '18 years' AS child,
			m.household_id, hh.name AS household_name
		FROM persons p
		LEFT JOIN household_members m ON m.person_id = p.id AND m.left_on IS NULL
		LEFT JOIN households hh ON hh.id = m.household_id
		WHERE ` + pa.scope(s, "p.unit_id") + ` AND p.settlement_stage = 'agreed' AND p.status = 'active'
			AND p.expected_arrival < ` + pa.add(horizon) + `::date`
	b.Queue(`WITH a AS (`+pipeline+`),
		g AS (SELECT min(household_id) AS household_id, min(id) AS person_id,
				coalesce(min(household_name), min(name)) AS name, min(unit_id) AS unit_id,
				count(*) FILTER (WHERE NOT child)::int AS adults, count(*) FILTER (WHERE child)::int AS children,
				bool_or(needs_accessible_home) AS needs, min(expected_arrival) AS arrival
			FROM a GROUP BY coalesce(household_id, -id))
		SELECT household_id, person_id, name, unit_id, adults, children, needs, arrival, count(*) OVER ()::int AS total
		FROM g ORDER BY arrival, name, person_id LIMIT `+strconv.Itoa(BoardArrivalLimit), pa.list...).Query(func(r pgx.Rows) error {
		for r.Next() {
			var h ArrivingHousehold
			if err := r.Scan(&h.HouseholdID, &h.PersonID, &h.Name, &h.UnitID, &h.Adults, &h.Children, &h.NeedsAccessible,
				&h.ExpectedArrival, &board.ArrivalsTotal); err != nil {
				return err
			}
			board.Arrivals = append(board.Arrivals, h)
		}
		return r.Err()
	})

	var ua sqlArgs
	hp, tp := ua.add(horizon), ua.add(today)
	where := ua.scope(s, "h.unit_id")
	if ownerType != "" {
		where += " AND h.owner_type = " + ua.add(ownerType)
	}
	b.Queue(`SELECT h.id, h.unit_id, h.address, h.bedrooms, h.accessible, h.rent_ore, greatest(coalesce(x.until, `+tp+`::date), `+tp+`::date) AS free_from
		FROM housing_units h
		LEFT JOIN (SELECT l.housing_unit_id, max(coalesce(l.end_date, 'infinity'::date)) AS until FROM leases l
			WHERE l.end_date IS NULL OR l.end_date > `+tp+`::date GROUP BY l.housing_unit_id) x ON x.housing_unit_id = h.id
		WHERE `+where+` AND h.status NOT IN ('renovation', 'unused') AND (x.until IS NULL OR x.until < `+hp+`::date)
			AND h.unit_id IN (SELECT p.unit_id FROM persons p WHERE p.settlement_stage = 'agreed' AND p.expected_arrival < `+hp+`::date)
		ORDER BY h.unit_id, h.bedrooms, h.rent_ore, h.address_key, h.id`, ua.list...).Query(func(r pgx.Rows) error {
		for r.Next() {
			var u domain.FitUnit
			var unit int64
			var free time.Time
			if err := r.Scan(&u.ID, &unit, &u.Address, &u.Bedrooms, &u.Accessible, &u.RentOre, &free); err != nil {
				return err
			}
			u.FreeFrom = &free
			board.freeUnits = append(board.freeUnits, unitFit{unit, u})
		}
		return r.Err()
	})
}

type unitFit struct {
	unit int64
	domain.FitUnit
}

// fitArrivals picks each arriving household's candidates among the free
// units of its unit.
func (board *HousingBoard) fitArrivals(today time.Time) {
	byUnit := map[int64][]domain.FitUnit{}
	for _, u := range board.freeUnits {
		byUnit[u.unit] = append(byUnit[u.unit], u.FitUnit)
	}
	for i := range board.Arrivals {
		h := &board.Arrivals[i]
		h.Candidates = domain.FitUnits(h.Fit(today), byUnit[h.UnitID], domain.FitLimit)
	}
	board.freeUnits = nil
}
