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
// One batch, one round trip: the distinct areas for the filter form and the
// page (CapacitySQL), sorted by free places now, then employer and worksite,
// cut with an offset (at most CapacityMaxPage pages). The language filter
// offers domain.Languages (the languages of the participants).

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
	Weeks   []time.Time // the Mondays of the columns
	Rows    []CapacityRow
	Total   int // worksites matching the filter
	Page    int
	Limit   int
	HasNext bool
	Areas   []string // distinct areas of active worksites, for the filter
}

// CapacitySQL is the capacity page's query for the week of monday (exported
// for the benchmark's EXPLAIN). Sorting needs the free places now of every
// worksite the filter lets through, so the query counts the placements
// holding a place this week per worksite (an index-only scan of the partial
// index placements_holding_idx, migration 000024: no heap visits), ranks
// the narrow rows (id, free now, the name keys) and cuts the page; only the
// page's worksites then get their nine weekly counts, each an index-only
// scan of placements_holding_idx on (worksite_id, start_date). The total is
// counted once, apart (an InitPlan): a window count(*) OVER () over the
// ranked rows cost more (every row spooled), and the count needs no
// employer's name, only an anti-join on the inactive employers (or a
// semi-join on the sector's).
func CapacitySQL(q CapacityQuery, monday time.Time) (string, []any) {
	var a sqlArgs
	mon := a.add(domain.WeekStart(monday))
	var counts []string
	for i := range domain.CapacityWeekCount {
		counts = append(counts, fmt.Sprintf("count(*) FILTER (WHERE pl.start_date <= %s::date + %d AND coalesce(pl.ended_on, pl.planned_end) >= %s::date + %d)::int",
			mon, 7*i+4, mon, 7*i))
	}
	// where filters the worksites (alias w, with u the places in use now);
	// sector the employer (alias e).
	var where []string
	sector := ""
	if q.Sector != "" {
		sector = "e.sector = " + a.add(q.Sector)
	}
	if q.Area != "" {
		where = append(where, "w.area = "+a.add(q.Area))
	}
	if q.Language != "" {
		where = append(where, "w.languages @> ARRAY["+a.add(q.Language)+"::text]")
	}
	if q.OnlyFree {
		where = append(where, "w.places - coalesce(u.n, 0) > 0")
	}
	filter := ""
	if len(where) > 0 {
		filter = " AND " + strings.Join(where, " AND ")
	}
	rankFilter := filter
	if sector != "" {
		rankFilter += " AND " + sector
	}
	limit := q.Limit
	if limit <= 0 {
		limit = CapacityPageSize
	}
	page := min(max(q.Page, 1), CapacityMaxPage)
	// The status list is literal: the planner proves the partial index's
	// predicate only from constants.
	nowUsed := `SELECT pl.worksite_id, count(*)::int AS n
		FROM placements pl
		WHERE pl.status IN ('planned', 'active', 'paused')
		  AND pl.start_date <= ` + mon + `::date + 4 AND coalesce(pl.ended_on, pl.planned_end) >= ` + mon + `::date
		GROUP BY pl.worksite_id`
	// The total needs no employer's name: a semi-join on the sector's
	// employers, or an anti-join on the (few) inactive employers, is
	// cheaper than joining all of them.
	total := `SELECT count(*)::int FROM worksites w`
	if q.OnlyFree {
		total += ` LEFT JOIN now_used u ON u.worksite_id = w.id`
	}
	total += ` WHERE w.active` + filter
	if sector != "" {
		total += ` AND EXISTS (SELECT FROM employers e WHERE e.id = w.employer_id AND e.active AND ` + sector + `)`
	} else {
		total += ` AND NOT EXISTS (SELECT FROM employers e WHERE e.id = w.employer_id AND NOT e.active)`
	}
	sql := `WITH now_used AS (` + nowUsed + `
	), ranked AS (
		SELECT w.id, w.places - coalesce(u.n, 0) AS free_now, e.name_key, w.employer_id, w.name
		FROM worksites w JOIN employers e ON e.id = w.employer_id
		LEFT JOIN now_used u ON u.worksite_id = w.id
		WHERE w.active AND e.active` + rankFilter + `
		ORDER BY free_now DESC, e.name_key, w.employer_id, w.name, w.id
		LIMIT ` + a.add(limit+1) + ` OFFSET ` + a.add((page-1)*limit) + `
	)
	SELECT r.id, w.name, w.employer_id, e.name AS employer, e.sector, w.area, w.languages, w.places,
		(` + total + `) AS total,
		(SELECT ARRAY[` + strings.Join(counts, ",\n\t\t\t") + `]
		 FROM placements pl
		 WHERE pl.worksite_id = r.id AND pl.status IN ('planned', 'active', 'paused')
		   AND pl.start_date <= ` + mon + `::date + ` + fmt.Sprint(7*(domain.CapacityWeekCount-1)+4) + `
		   AND coalesce(pl.ended_on, pl.planned_end) >= ` + mon + `::date) AS used
	FROM ranked r JOIN worksites w ON w.id = r.id JOIN employers e ON e.id = w.employer_id
	ORDER BY r.free_now DESC, r.name_key, r.employer_id, r.name, r.id`
	return sql, a.list
}

// capacityAreasSQL lists the distinct areas of the active worksites for the
// filter: a loose scan of worksites_area_idx (one index probe per area).
// An area whose worksites all belong to inactive employers still shows (it
// filters to an empty page).
const capacityAreasSQL = `WITH RECURSIVE a AS (
		(SELECT area FROM worksites WHERE active AND area > '' ORDER BY area LIMIT 1)
		UNION ALL
		SELECT (SELECT w.area FROM worksites w WHERE w.active AND w.area > a.area ORDER BY w.area LIMIT 1)
		FROM a WHERE a.area IS NOT NULL
	)
	SELECT area FROM a WHERE area IS NOT NULL`

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
