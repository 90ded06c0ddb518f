package postgres

import (
	"context"
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

// HousingBoard is the board: today's row first, then one per week.
type HousingBoard struct {
	Weeks []HousingBoardWeek
	Free  []FreeHousingUnit
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

	var wa sqlArgs
	dp := wa.add(days)
	b.Queue(`SELECT d.day,
			count(*) FILTER (WHERE h.status IN ('renovation', 'unused'))::int AS repair,
			count(*) FILTER (WHERE h.status NOT IN ('renovation', 'unused') AND EXISTS (SELECT 1 FROM leases l
				WHERE l.housing_unit_id = h.id AND l.start_date <= d.day AND (l.end_date IS NULL OR l.end_date > d.day)))::int AS let,
			count(h.id)::int AS total
		FROM unnest(`+dp+`::date[]) WITH ORDINALITY AS d (day, n)
		LEFT JOIN housing_units h ON `+match(&wa)+`
		GROUP BY d.day, d.n ORDER BY d.n`, wa.list...).Query(func(r pgx.Rows) error {
		for r.Next() {
			var w HousingBoardWeek
			var total int
			if err := r.Scan(&w.Day, &w.Repair, &w.Let, &total); err != nil {
				return err
			}
			w.Free = total - w.Repair - w.Let
			board.Weeks = append(board.Weeks, w)
		}
		return r.Err()
	})

	var fa sqlArgs
	tp := fa.add(days[0])
	b.Queue(`SELECT h.id, h.address, h.owner_type, h.rooms, h.bedrooms, h.accessible, h.rent_ore
		FROM housing_units h
		WHERE `+match(&fa)+` AND h.status NOT IN ('renovation', 'unused')
			AND NOT EXISTS (SELECT 1 FROM leases l WHERE l.housing_unit_id = h.id
				AND l.start_date <= `+tp+`::date AND (l.end_date IS NULL OR l.end_date > `+tp+`::date))
		ORDER BY h.address_key, h.id LIMIT 500`, fa.list...).Query(func(r pgx.Rows) error {
		var err error
		board.Free, err = pgx.CollectRows(r, pgx.RowToStructByName[FreeHousingUnit])
		return err
	})
	if err := db.Pool.SendBatch(ctx, b).Close(); err != nil {
		return HousingBoard{}, err
	}
	return board, nil
}
