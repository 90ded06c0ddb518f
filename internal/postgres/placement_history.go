package postgres

import (
	"time"

	"github.com/jackc/pgx/v5"
)

// PlacementHistoryLimit is how many placements the person page lists (the
// newest; the rest are on the person's placements page).
const PlacementHistoryLimit = 10

// PlacementHistoryRow is one of a person's placements as the person page
// lists it: where, when, how many hours, and its status.
type PlacementHistoryRow struct {
	ID             int64      `db:"id"`
	WorksiteID     int64      `db:"worksite_id"`
	Worksite       string     `db:"worksite"`
	EmployerID     int64      `db:"employer_id"`
	Employer       string     `db:"employer"`
	Start          time.Time  `db:"start_date"`
	PlannedEnd     time.Time  `db:"planned_end"`
	EndedOn        *time.Time `db:"ended_on"`
	MinutesPerWeek int        `db:"minutes_per_week"`
	Status         string     `db:"status"`
}

// PlacementHistory is the person page's placement history: the newest
// PlacementHistoryLimit placements, and whether there are more.
type PlacementHistory struct {
	Rows []PlacementHistoryRow
	More bool
}

// Placements queues the person's placements, newest first, scoped by the
// person's unit (nothing outside the scope).
func (pp *PersonPageBatch) Placements() *PlacementHistory {
	out := &PlacementHistory{}
	var a sqlArgs
	idp := a.add(pp.id)
	pp.batch.Queue(`SELECT pl.id, pl.worksite_id, w.name AS worksite, w.employer_id, e.name AS employer,
			pl.start_date, pl.planned_end, pl.ended_on, pl.minutes_per_week, pl.status
		FROM placements pl JOIN persons p ON p.id = pl.person_id
		JOIN worksites w ON w.id = pl.worksite_id JOIN employers e ON e.id = w.employer_id
		WHERE pl.person_id = `+idp+` AND `+a.scope(pp.s, "p.unit_id")+`
		ORDER BY pl.start_date DESC, pl.id DESC LIMIT `+a.add(PlacementHistoryLimit+1), a.list...).Query(func(rows pgx.Rows) error {
		rs, err := pgx.CollectRows(rows, pgx.RowToStructByName[PlacementHistoryRow])
		if len(rs) > PlacementHistoryLimit {
			rs, out.More = rs[:PlacementHistoryLimit], true
		}
		out.Rows = rs
		return err
	})
	return out
}
