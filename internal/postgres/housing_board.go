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
	// ArrearsTotal counts every lease in arrears running today (Arrears
	// holds the first BoardLimits.Arrears).
	ArrearsTotal int

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

// BoardLimits are how many units free today and leases in arrears the
// board lists: BoardDefaultLimits unless the user asks for all of them
// (BoardAllLimits). The counts of both are whole.
type BoardLimits struct{ Free, Arrears int }

var (
	BoardDefaultLimits = BoardLimits{Free: 50, Arrears: 50}
	BoardAllLimits     = BoardLimits{Free: 2000, Arrears: 2000}
)

// HousingBoard reads the occupancy board of the user's unit (admins: all
// units) in one round trip, optionally for one owner type, with the
// default list limits.
func (db *DB) HousingBoard(ctx context.Context, s domain.Scope, today time.Time, ownerType string) (HousingBoard, error) {
	return db.HousingBoardLimits(ctx, s, today, ownerType, BoardDefaultLimits)
}

// HousingBoardLimits is HousingBoard listing the first lim.Free units free
// today (the count of all is the first row's Free) and lim.Arrears leases
// in arrears (the count of all is ArrearsTotal).
func (db *DB) HousingBoardLimits(ctx context.Context, s domain.Scope, today time.Time, ownerType string, lim BoardLimits) (HousingBoard, error) {
	if err := s.Role.Require(domain.CapWriteHousing); err != nil {
		return HousingBoard{}, err
	}
	days := BoardDays(today)
	// match is the scope and owner filter on the table aliased t.
	match := func(a *sqlArgs, t string) string {
		where := a.scope(s, t+".unit_id")
		if ownerType != "" {
			where += " AND " + t + ".owner_type = " + a.add(ownerType)
		}
		return where
	}
	var board HousingBoard
	b := &pgx.Batch{}
	horizon := domain.AddDays(days[len(days)-1], 6)
	queueUnits(b, days, horizon, lim.Free, match, &board)
	queueArrivals(b, s, days[0], horizon, &board)

	// The arrears: the leases flagged in arrears running today, read from
	// the covering partial index leases_arrears_cover_idx (a few per cent of
	// the leases; migration 000038), scoped and filtered by owner through
	// housing_occupancy's primary key (which carries unit and owner type),
	// counted and cut to the first lim.Arrears by household name; the
	// address and tenant are looked up for those only.
	var ra sqlArgs
	rp := ra.add(days[0])
	b.Queue(`WITH a AS MATERIALIZED (SELECT l.id, l.household_id, l.housing_unit_id, l.person_id FROM leases l
			WHERE l.rent_arrears AND l.start_date <= `+rp+`::date AND (l.end_date IS NULL OR l.end_date > `+rp+`::date)),
		s AS (SELECT a.id, a.household_id, a.person_id, a.housing_unit_id, hh.name, hh.name_key, count(*) OVER () AS total
			FROM a JOIN housing_occupancy o ON o.housing_unit_id = a.housing_unit_id JOIN households hh ON hh.id = a.household_id
			WHERE `+match(&ra, "o")+` ORDER BY hh.name_key, a.id LIMIT `+strconv.Itoa(lim.Arrears)+`)
		SELECT s.id AS lease_id, s.household_id, s.name AS household_name, h.address, s.housing_unit_id,
			coalesce(tp.given_name || ' ' || tp.family_name, '') AS tenant, s.total::int
		FROM s JOIN housing_units h ON h.id = s.housing_unit_id LEFT JOIN persons tp ON tp.id = s.person_id
		ORDER BY s.name_key, s.id`, ra.list...).Query(func(r pgx.Rows) error {
		for r.Next() {
			var a ArrearsLease
			if err := r.Scan(&a.LeaseID, &a.HouseholdID, &a.HouseholdName, &a.Address, &a.HousingUnitID, &a.Tenant, &board.ArrearsTotal); err != nil {
				return err
			}
			board.Arrears = append(board.Arrears, a)
		}
		return r.Err()
	})
	if err := db.Pool.SendBatch(ctx, b).Close(); err != nil {
		return HousingBoard{}, err
	}
	board.fitArrivals(days[0])
	return board, nil
}

// queueArrivals queues the pipeline: the households agreed for settlement
// whose expected arrival is before horizon (already passed included: not
// yet arrived), grouped and counted in SQL, the first BoardArrivalLimit by
// expected arrival. The households' names (the order's tie-break) are
// looked up only for the groups arriving no later than the
// BoardArrivalLimit-th group (cut), not for every group. Their candidate
// units come from queueUnits; the fit itself is domain.FitUnits, in Go.
func queueArrivals(b *pgx.Batch, s domain.Scope, today, horizon time.Time, board *HousingBoard) {
	var pa sqlArgs
	pipeline := `SELECT p.id, p.unit_id, p.given_name || ' ' || p.family_name AS name, p.expected_arrival,
			p.needs_accessible_home, age(p.expected_arrival, p.birth_date) < interval '18 years' AS child, m.household_id
		FROM persons p
		LEFT JOIN household_members m ON m.person_id = p.id AND m.left_on IS NULL
		WHERE ` + pa.scope(s, "p.unit_id") + ` AND p.settlement_stage = 'agreed' AND p.status = 'active'
			AND p.expected_arrival < ` + pa.add(horizon) + `::date`
	limit := strconv.Itoa(BoardArrivalLimit)
	b.Queue(`WITH a AS (`+pipeline+`),
		g AS MATERIALIZED (SELECT min(household_id) AS household_id, min(id) AS person_id, min(name) AS person_name, min(unit_id) AS unit_id,
				count(*) FILTER (WHERE NOT child)::int AS adults, count(*) FILTER (WHERE child)::int AS children,
				bool_or(needs_accessible_home) AS needs, min(expected_arrival) AS arrival
			FROM a GROUP BY coalesce(household_id, -id)),
		cut AS (SELECT arrival FROM g ORDER BY arrival OFFSET `+strconv.Itoa(BoardArrivalLimit-1)+` LIMIT 1)
		SELECT g.household_id, g.person_id, coalesce(hh.name, g.person_name) AS name, g.unit_id, g.adults, g.children, g.needs, g.arrival,
			(SELECT count(*) FROM g)::int AS total
		FROM g LEFT JOIN households hh ON hh.id = g.household_id
		WHERE g.arrival <= coalesce((SELECT arrival FROM cut), 'infinity'::date)
		ORDER BY g.arrival, 3, g.person_id LIMIT `+limit, pa.list...).Query(func(r pgx.Rows) error {
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
}

// queueUnits queues the board's unit statements, which read the summaries
// of migration 000038 (kept by triggers on leases and housing_units in the
// same transaction as each write) instead of the leases, so their cost
// does not grow with the leases or the units:
//
//   - the counts: the units and those under repair from
//     housing_unit_counts (a row per owner type), and the units let on
//     each board day from housing_let_edges: +1 on a day a housing unit's
//     merged occupied period starts, -1 on the day it ends, so the let on
//     day d are the sum over the days <= d (13 filtered sums in one pass
//     over the scope's few thousand edge rows);
//   - the first freeLimit units free today (not under repair, no period
//     containing today), by address: a walk of housing_occupancy_free_idx
//     in address order that tests each unit's periods from the index and
//     stops at the limit;
//   - the fit candidates' pool: the units (not under repair) of the units
//     with households agreed for settlement whose leases all end before
//     the horizon (let_until), with the day they are free from (let_until,
//     or today): an index-only scan of housing_occupancy_until_idx, which
//     carries the columns the fit reads.
func queueUnits(b *pgx.Batch, days []time.Time, horizon time.Time, freeLimit int, match func(*sqlArgs, string) string, board *HousingBoard) {
	var ca sqlArgs
	dp := make([]string, len(days))
	for i, d := range days {
		dp[i] = ca.add(d)
	}
	sums := make([]string, len(days))
	for i := range days {
		sums[i] = `coalesce(sum(e.delta) FILTER (WHERE e.day <= ` + dp[i] + `::date), 0)`
	}
	where := match(&ca, "c")
	b.Queue(`SELECT (SELECT coalesce(sum(c.units), 0) FROM housing_unit_counts c WHERE `+where+`)::int,
			(SELECT coalesce(sum(c.repair), 0) FROM housing_unit_counts c WHERE `+where+`)::int,
			ARRAY[`+strings.Join(sums, ", ")+`]::int[]
		FROM housing_let_edges e WHERE `+match(&ca, "e")+` AND e.day <= `+dp[len(dp)-1]+`::date`, ca.list...).QueryRow(func(r pgx.Row) error {
		var total, repair int
		var let []int32
		if err := r.Scan(&total, &repair, &let); err != nil {
			return err
		}
		for i, d := range days {
			board.Weeks = append(board.Weeks, HousingBoardWeek{Day: d, Let: int(let[i]), Repair: repair, Free: total - repair - int(let[i])})
		}
		return nil
	})

	var fa sqlArgs
	tp := fa.add(days[0])
	b.Queue(`SELECT h.id, h.address, h.owner_type, h.rooms, h.bedrooms, h.accessible, h.rent_ore
		FROM (SELECT o.housing_unit_id, o.address_key FROM housing_occupancy o
			WHERE `+match(&fa, "o")+` AND NOT o.repair AND NOT o.occupied @> `+tp+`::date
			ORDER BY o.address_key, o.housing_unit_id LIMIT `+strconv.Itoa(freeLimit)+`) x
		JOIN housing_units h ON h.id = x.housing_unit_id
		ORDER BY x.address_key, x.housing_unit_id`, fa.list...).Query(func(r pgx.Rows) error {
		list, err := pgx.CollectRows(r, pgx.RowToStructByName[FreeHousingUnit])
		board.Free = list
		return err
	})

	var pa sqlArgs
	tp, hp := pa.add(days[0]), pa.add(horizon)
	b.Queue(`SELECT o.housing_unit_id, o.unit_id, o.address, o.bedrooms, o.accessible, o.rent_ore, greatest(o.let_until, `+tp+`::date)
		FROM housing_occupancy o
		WHERE `+match(&pa, "o")+` AND NOT o.repair AND o.let_until < `+hp+`::date
			AND o.unit_id IN (SELECT p.unit_id FROM persons p WHERE p.settlement_stage = 'agreed' AND p.expected_arrival < `+hp+`::date)`,
		pa.list...).Query(func(r pgx.Rows) error {
		for r.Next() {
			var u unitFit
			var free time.Time
			if err := r.Scan(&u.ID, &u.unit, &u.Address, &u.Bedrooms, &u.Accessible, &u.RentOre, &free); err != nil {
				return err
			}
			u.FreeFrom = &free
			board.freeUnits = append(board.freeUnits, u)
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
