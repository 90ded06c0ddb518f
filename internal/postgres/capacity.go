package postgres

import (
	"context"
	"fmt"
	"strings"
	"time"

	"ankomst/internal/domain"

	"github.com/jackc/pgx/v5"
)

// The capacity page (issue 9, item 4): every active worksite of an active
// employer with its places and the places in use this ISO week and each of
// the next 8 (domain.CapacityWeeks, counted as domain.PlacementSpan does:
// placements planned, active or paused whose period overlaps the week's
// Monday–Friday). The counts are across all units; the page shows no person
// data, so no unit scope applies, only the capability.
//
// One batch, one round trip: the distinct areas and languages for the
// filter form, and the page. The page's query makes one pass over the
// placements that hold a place (the partial index placements_worksite_idx
// covers exactly them) and overlap the 9-week window, grouped by worksite
// with one count per week, joins it to the filtered worksites, sorts by free
// places now (then employer, worksite) and cuts the page with an offset
// (at most CapacityMaxPage pages).

// CapacityPageSize is the number of worksites on a page of the capacity page.
const CapacityPageSize = 50

// CapacityMaxPage is the last page the capacity page serves (an offset cap).
const CapacityMaxPage = 200

// CapacityQuery filters and pages the capacity page. Empty strings filter
// nothing; Page counts from 1.
type CapacityQuery struct {
	Sector   string // employers.sector code
	Area     string // worksites.area, exactly
	Language string // one of worksites.languages
	OnlyFree bool   // only worksites with a free place this week
	Page     int
	Limit    int // CapacityPageSize when 0
}

// CapacityRow is one worksite of the capacity page.
type CapacityRow struct {
	WorksiteID int64    `db:"id"`
	Worksite   string   `db:"name"`
	EmployerID int64    `db:"employer_id"`
	Employer   string   `db:"employer"`
	Sector     string   `db:"sector"`
	Area       string   `db:"area"`
	Languages  []string `db:"languages"`
	Places     int      `db:"places"`
	// Used is the number of places in use in each week of CapacityPage.Weeks.
	Used  []int `db:"used"`
	Total int   `db:"total"` // rows matching the filter (the same on every row)
}

// Free is the free places in each week (negative when overbooked).
func (r CapacityRow) Free() []int { return domain.FreeFromUsed(r.Places, r.Used) }

// CapacityPage is the capacity page's data.
type CapacityPage struct {
	Weeks     []time.Time // the Mondays of the columns
	Rows      []CapacityRow
	Total     int // worksites matching the filter
	Page      int
	Limit     int
	HasNext   bool
	Areas     []string // distinct areas of active worksites, for the filter
	Languages []string // distinct languages of active worksites, for the filter
}

// CapacitySQL is the capacity page's query for the week of monday (exported
// for the benchmark's EXPLAIN).
func CapacitySQL(q CapacityQuery, monday time.Time) (string, []any) {
	var a sqlArgs
	mon := a.add(domain.WeekStart(monday))
	var counts []string
	for i := range domain.CapacityWeekCount {
		counts = append(counts, fmt.Sprintf("count(*) FILTER (WHERE pl.start_date <= %s::date + %d AND coalesce(pl.ended_on, pl.planned_end) >= %s::date + %d)::int",
			mon, 7*i+4, mon, 7*i))
	}
	zeros := strings.TrimSuffix(strings.Repeat("0,", domain.CapacityWeekCount), ",")
	var where []string
	if q.Sector != "" {
		where = append(where, "e.sector = "+a.add(q.Sector))
	}
	if q.Area != "" {
		where = append(where, "w.area = "+a.add(q.Area))
	}
	if q.Language != "" {
		where = append(where, "w.languages @> ARRAY["+a.add(q.Language)+"::text]")
	}
	filter := ""
	if len(where) > 0 {
		filter = " AND " + strings.Join(where, " AND ")
	}
	free := ""
	if q.OnlyFree {
		free = "WHERE s.free_now > 0"
	}
	limit := q.Limit
	if limit <= 0 {
		limit = CapacityPageSize
	}
	page := min(max(q.Page, 1), CapacityMaxPage)
	// The status list is literal: the planner proves the partial index's
	// predicate only from constants.
	sql := `WITH used AS (
		SELECT pl.worksite_id, ARRAY[` + strings.Join(counts, ",\n\t\t\t") + `] AS used
		FROM placements pl
		WHERE pl.status IN ('planned', 'active', 'paused')
		  AND pl.start_date <= ` + mon + `::date + ` + fmt.Sprint(7*(domain.CapacityWeekCount-1)+4) + `
		  AND coalesce(pl.ended_on, pl.planned_end) >= ` + mon + `::date
		GROUP BY pl.worksite_id
	), sites AS (
		SELECT w.id, w.name, w.employer_id, e.name AS employer, e.name_key, e.sector, w.area, w.languages, w.places,
			coalesce(u.used, '{` + zeros + `}'::int[]) AS used, w.places - coalesce(u.used[1], 0) AS free_now
		FROM worksites w JOIN employers e ON e.id = w.employer_id
		LEFT JOIN used u ON u.worksite_id = w.id
		WHERE w.active AND e.active` + filter + `
	)
	SELECT s.id, s.name, s.employer_id, s.employer, s.sector, s.area, s.languages, s.places, s.used,
		count(*) OVER ()::int AS total
	FROM sites s ` + free + `
	ORDER BY s.free_now DESC, s.name_key, s.employer_id, s.name, s.id
	LIMIT ` + a.add(limit+1) + ` OFFSET ` + a.add((page-1)*limit)
	return sql, a.list
}

// CapacityFilterSQL are the filter form's lists: distinct areas and
// languages of the active worksites of active employers.
const (
	capacityAreasSQL = `SELECT DISTINCT w.area FROM worksites w JOIN employers e ON e.id = w.employer_id
		WHERE w.active AND e.active AND w.area <> '' ORDER BY 1`
	capacityLanguagesSQL = `SELECT DISTINCT l FROM worksites w JOIN employers e ON e.id = w.employer_id, unnest(w.languages) l
		WHERE w.active AND e.active ORDER BY 1`
)

// CapacityPage reads the capacity page for the week of today (one batch).
// It needs CapProgramme.
func (db *DB) CapacityPage(ctx context.Context, s domain.Scope, q CapacityQuery) (*CapacityPage, error) {
	if err := s.Role.Require(domain.CapProgramme); err != nil {
		return nil, err
	}
	today := db.today()
	out := &CapacityPage{Weeks: domain.CapacityWeeks(today), Limit: q.Limit}
	if out.Limit <= 0 {
		out.Limit = CapacityPageSize
	}
	out.Page = min(max(q.Page, 1), CapacityMaxPage)
	var b pgx.Batch
	b.Queue(capacityAreasSQL).Query(func(rows pgx.Rows) error {
		var err error
		out.Areas, err = pgx.CollectRows(rows, pgx.RowTo[string])
		return err
	})
	b.Queue(capacityLanguagesSQL).Query(func(rows pgx.Rows) error {
		var err error
		out.Languages, err = pgx.CollectRows(rows, pgx.RowTo[string])
		return err
	})
	sql, args := CapacitySQL(q, today)
	b.Queue(sql, args...).Query(func(rows pgx.Rows) error {
		var err error
		out.Rows, err = pgx.CollectRows(rows, pgx.RowToStructByName[CapacityRow])
		return err
	})
	if err := db.Pool.SendBatch(ctx, &b).Close(); err != nil {
		return nil, err
	}
	if len(out.Rows) > 0 {
		out.Total = out.Rows[0].Total
	}
	if len(out.Rows) > out.Limit {
		out.Rows = out.Rows[:out.Limit]
		out.HasNext = out.Page < CapacityMaxPage
	}
	return out, nil
}
