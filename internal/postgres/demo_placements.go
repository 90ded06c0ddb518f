package postgres

import (
	"context"
	"fmt"
	"time"

	"ankomst/internal/domain"

	"github.com/jackc/pgx/v5"
)

// Demo data for work-practice placements (demo and benchmark only: no audit
// rows). The employer register (employers, worksites, contacts and
// supervisors) is made once, when it is empty; placements are generated in
// Go (package demo) for the granted participants whose weekly plan has a
// work-practice element and who have no placement yet, booked against the
// worksites' places, and copied in with COPY; follow-ups and evaluations
// are set-based SQL over the placements just copied.

// DemoPlacementsTx is one transaction of the placement demo load.
type DemoPlacementsTx struct {
	tx    pgx.Tx
	today time.Time
}

// DemoPlacements runs fn in one transaction (the placement demo load).
func (db *DB) DemoPlacements(ctx context.Context, today time.Time, fn func(*DemoPlacementsTx) error) error {
	return db.BulkTx(ctx, []string{"placements"}, func(tx pgx.Tx) error {
		return fn(&DemoPlacementsTx{tx: tx, today: domain.Date(today)})
	})
}

// CountEmployers returns how many employers are stored.
func (db *DB) CountEmployers(ctx context.Context) (int64, error) {
	var n int64
	err := db.Pool.QueryRow(ctx, `SELECT count(*) FROM employers`).Scan(&n)
	return n, err
}

// AnalyzePlacements refreshes the planner statistics of the placement
// tables (after a bulk load).
func (db *DB) AnalyzePlacements(ctx context.Context) error {
	_, err := db.Pool.Exec(ctx, `ANALYZE employers, worksites, employer_contacts, placements, placement_followups, placement_evaluations`)
	return err
}

// DemoEmployer is an employer to copy, with its worksites and its contact
// person. IDs are set by CopyEmployers.
type DemoEmployer struct {
	ID      int64
	Name    string
	Orgnr   string
	Address string
	Sector  string
	Notes   string
	Contact DemoContact
	Sites   []DemoWorksite
}

// DemoWorksite is a worksite with its supervisor.
type DemoWorksite struct {
	ID         int64
	Name       string
	Address    string
	Area       string
	Places     int
	Languages  []string
	Notes      string
	Supervisor DemoContact
}

// DemoContact is a contact person or supervisor.
type DemoContact struct {
	ID    int64
	Name  string
	Phone string
	Email string
}

// reserveIDs takes n ids of table's identity sequence and returns the first.
func (t *DemoPlacementsTx) reserveIDs(ctx context.Context, table string, n int) (int64, error) {
	var first int64
	if err := t.tx.QueryRow(ctx, `SELECT nextval(pg_get_serial_sequence($1, 'id'))`, table).Scan(&first); err != nil {
		return 0, err
	}
	if n > 1 {
		if _, err := t.tx.Exec(ctx, `SELECT setval(pg_get_serial_sequence($1, 'id'), $2)`, table, first+int64(n)-1); err != nil {
			return 0, err
		}
	}
	return first, nil
}

// CopyEmployers copies the employers, their worksites and contacts (an
// employer's contact person; each worksite's supervisor), setting their IDs
// in place. It returns the numbers of employers, worksites and contacts.
func (t *DemoPlacementsTx) CopyEmployers(ctx context.Context, es []DemoEmployer) (ne, nw, nc int64, err error) {
	if len(es) == 0 {
		return 0, 0, 0, nil
	}
	sites := 0
	for _, e := range es {
		sites += len(e.Sites)
	}
	fe, err := t.reserveIDs(ctx, "employers", len(es))
	if err != nil {
		return 0, 0, 0, err
	}
	fw, err := t.reserveIDs(ctx, "worksites", max(sites, 1))
	if err != nil {
		return 0, 0, 0, err
	}
	fc, err := t.reserveIDs(ctx, "employer_contacts", len(es)+sites)
	if err != nil {
		return 0, 0, 0, err
	}
	var erows, wrows, crows [][]any
	w, c := fw, fc
	for i := range es {
		e := &es[i]
		e.ID = fe + int64(i)
		erows = append(erows, []any{e.ID, e.Name, e.Orgnr, domain.FoldName(e.Name), e.Address, e.Sector, e.Notes})
		e.Contact.ID = c
		crows = append(crows, []any{c, e.ID, nil, e.Contact.Name, e.Contact.Phone, e.Contact.Email, false})
		c++
		for j := range e.Sites {
			s := &e.Sites[j]
			s.ID = w
			w++
			wrows = append(wrows, []any{s.ID, e.ID, s.Name, s.Address, s.Area, s.Places, s.Languages, s.Notes})
			s.Supervisor.ID = c
			crows = append(crows, []any{c, e.ID, s.ID, s.Supervisor.Name, s.Supervisor.Phone, s.Supervisor.Email, true})
			c++
		}
	}
	// COPY writes the reserved ids into the identity columns.
	if ne, err = t.tx.CopyFrom(ctx, pgx.Identifier{"employers"}, []string{"id", "name", "orgnr", "name_key", "address", "sector", "notes"},
		pgx.CopyFromRows(erows)); err != nil {
		return 0, 0, 0, fmt.Errorf("copy employers: %w", err)
	}
	if nw, err = t.tx.CopyFrom(ctx, pgx.Identifier{"worksites"}, []string{"id", "employer_id", "name", "address", "area", "places", "languages", "notes"},
		pgx.CopyFromRows(wrows)); err != nil {
		return ne, 0, 0, fmt.Errorf("copy worksites: %w", err)
	}
	if nc, err = t.tx.CopyFrom(ctx, pgx.Identifier{"employer_contacts"}, []string{"id", "employer_id", "worksite_id", "name", "phone", "email", "is_supervisor"},
		pgx.CopyFromRows(crows)); err != nil {
		return ne, nw, 0, fmt.Errorf("copy contacts: %w", err)
	}
	// Statistics before Sites reads them back per worksite: planned as the
	// empty tables they were, each worksite's supervisor lookup scanned
	// every contact (at 1 000 000 persons: 50 000 worksites × 80 000
	// contacts, the load stalled there).
	if _, err := t.tx.Exec(ctx, `ANALYZE employers, worksites, employer_contacts`); err != nil {
		return ne, nw, nc, err
	}
	return ne, nw, nc, nil
}

// DemoSite is a stored active worksite as the placement generator books
// it: its places, sector, first supervisor, and the periods of the
// placements it holds already.
type DemoSite struct {
	ID           int64
	Sector       string
	Places       int
	SupervisorID *int64
	Booked       [][2]time.Time // first and last day of each stored placement
}

// Sites returns the active worksites of active employers, by id.
func (t *DemoPlacementsTx) Sites(ctx context.Context) ([]DemoSite, error) {
	rows, err := t.tx.Query(ctx, `
		SELECT w.id, e.sector, w.places,
			(SELECT c.id FROM employer_contacts c WHERE c.worksite_id = w.id AND c.is_supervisor AND c.active ORDER BY c.id LIMIT 1),
			coalesce((SELECT array_agg(pl.start_date ORDER BY pl.id) FROM placements pl WHERE pl.worksite_id = w.id), '{}'),
			coalesce((SELECT array_agg(coalesce(pl.ended_on, pl.planned_end) ORDER BY pl.id) FROM placements pl WHERE pl.worksite_id = w.id), '{}')
		FROM worksites w JOIN employers e ON e.id = w.employer_id
		WHERE w.active AND e.active AND w.places > 0
		ORDER BY w.id`)
	if err != nil {
		return nil, err
	}
	var out []DemoSite
	var s DemoSite
	var starts, ends []time.Time
	_, err = pgx.ForEachRow(rows, []any{&s.ID, &s.Sector, &s.Places, &s.SupervisorID, &starts, &ends}, func() error {
		x := s
		x.Booked = nil
		for i := range starts {
			x.Booked = append(x.Booked, [2]time.Time{starts[i], ends[i]})
		}
		out = append(out, x)
		return nil
	})
	return out, err
}

// DemoPractice is a work-practice element of a participant's plan, over the
// days it is in force: from the later of the version's start and the
// element's from date, to the earliest of the element's to date, the day
// before the next version and the programme's end (ended_on, or the
// planned end).
type DemoPractice struct {
	PersonID    int64
	Minutes     int
	Weekdays    []int16
	Description string
	From, To    time.Time
}

// Practices returns the work-practice elements of granted participants who
// have no placement yet, by person and date.
func (t *DemoPlacementsTx) Practices(ctx context.Context) ([]DemoPractice, error) {
	rows, err := t.tx.Query(ctx, `
		SELECT pv.person_id, pe.minutes_per_week, pe.weekdays, pe.description,
			greatest(pv.valid_from, coalesce(pe.from_date, pv.valid_from)) AS f,
			least(coalesce(pe.to_date, 'infinity'),
				coalesce((SELECT min(v2.valid_from) - 1 FROM plan_versions v2 WHERE v2.person_id = pv.person_id AND v2.valid_from > pv.valid_from), 'infinity'),
				coalesce(g.ended_on, g.planned_end)) AS t
		FROM plan_elements pe JOIN plan_versions pv ON pv.id = pe.plan_version_id
		JOIN programmes g ON g.person_id = pv.person_id JOIN persons p ON p.id = pv.person_id
		WHERE pe.kind = $1 AND g.decision = 'granted' AND g.planned_end IS NOT NULL AND p.status <> 'merged'
		  AND NOT EXISTS (SELECT 1 FROM placements pl WHERE pl.person_id = pv.person_id)
		ORDER BY pv.person_id, f`, domain.ElementWorkPractice)
	if err != nil {
		return nil, err
	}
	var out []DemoPractice
	var d DemoPractice
	_, err = pgx.ForEachRow(rows, []any{&d.PersonID, &d.Minutes, &d.Weekdays, &d.Description, &d.From, &d.To}, func() error {
		if !d.To.Before(d.From) {
			x := d
			x.Weekdays = append([]int16(nil), d.Weekdays...)
			out = append(out, x)
		}
		return nil
	})
	return out, err
}

// DemoPlacement is a placement to copy.
type DemoPlacement struct {
	PersonID     int64
	WorksiteID   int64
	SupervisorID *int64
	Minutes      int
	Weekdays     []int16
	Start        time.Time
	PlannedEnd   time.Time
	EndedOn      *time.Time
	Goal         string
	Status       string
	AbortReason  string
}

// CopyPlacements copies the placements and returns how many.
func (t *DemoPlacementsTx) CopyPlacements(ctx context.Context, ps []DemoPlacement) (int64, error) {
	i := 0
	n, err := t.tx.CopyFrom(ctx, pgx.Identifier{"placements"},
		[]string{"person_id", "worksite_id", "supervisor_id", "minutes_per_week", "weekdays", "start_date", "planned_end", "ended_on", "goal", "status", "abort_reason"},
		pgx.CopyFromFunc(func() ([]any, error) {
			if i == len(ps) {
				return nil, nil
			}
			p := &ps[i]
			i++
			return []any{p.PersonID, p.WorksiteID, p.SupervisorID, p.Minutes, p.Weekdays, p.Start, p.PlannedEnd, p.EndedOn, p.Goal, p.Status, p.AbortReason}, nil
		}))
	if err != nil {
		return n, fmt.Errorf("copy placements: %w", err)
	}
	return n, nil
}

// demoFollowupsSQL writes follow-up conversations for the placements with
// an id from $2: two weeks after the start and then every five weeks until
// the placement ended (or today, $1). One running placement in ten has had
// none for the last 50 days, so it shows as due on Frister.
const demoFollowupsSQL = `
INSERT INTO placement_followups (placement_id, held_on, participants, interpreter_used, summary)
SELECT pl.id, d::date,
	(ARRAY['Deltaker, veileder og programrådgiver', 'Deltaker og programrådgiver', 'Deltaker, veileder, tolk og programrådgiver'])[1 + (hashint8(pl.id + (d::date - '2000-01-01'::date)) & 2147483647) % 3],
	(hashint8(pl.id * 3) & 2147483647) % 4 = 0,
	(ARRAY['Trives godt. Forstår mer av arbeidsspråket, vil øve på telefon og vaktlister.',
	       'Møter presist. Trenger mer støtte med skriftlige rutiner; veileder lager bildeinstruksjoner.',
	       'God innsats. Neste mål: ta egne oppgaver uten å spørre veileder hver gang.',
	       'Noe fravær siste uker. Avtalt fast kontakt på mandager.',
	       'Veileder er fornøyd. Deltakeren ønsker flere timer og å prøve kasse/resepsjon.'])[1 + (hashint8(pl.id * 7 + (d::date - '2000-01-01'::date)) & 2147483647) % 5]
FROM placements pl
CROSS JOIN LATERAL generate_series(pl.start_date + 14, least(coalesce(pl.ended_on, pl.planned_end), $1::date), interval '35 days') d
WHERE pl.id >= $2
  AND NOT (pl.status IN ('active', 'paused') AND (hashint8(pl.id * 11) & 2147483647) % 10 = 0 AND d::date > $1::date - 50)`

// demoEvaluationsSQL writes the end evaluation of seven in ten ended
// placements (id from $1); one in eight of those whose goal was a path to a
// job ended with a job ("fikk jobb").
const demoEvaluationsSQL = `
INSERT INTO placement_evaluations (placement_id, evaluated_on, attendance, language_use, tasks_mastered, recommendation, got_job)
SELECT pl.id, coalesce(pl.ended_on, pl.planned_end),
	(ARRAY['Stabilt oppmøte, meldte fravær.', 'Godt oppmøte.', 'Noe ugyldig fravær i starten, bedre siste måned.'])[1 + (hashint8(pl.id * 13) & 2147483647) % 3],
	(ARRAY['Bruker norsk i enkle samtaler med kolleger.', 'Forstår instruksjoner, svarer kort.', 'Snakker norsk med brukerne hver dag.'])[1 + (hashint8(pl.id * 17) & 2147483647) % 3],
	(ARRAY['Faste rutineoppgaver på egen hånd.', 'Varemottak og påfylling.', 'Kjøkkenhjelp og oppvask, hygieneregler.', 'Enkle vedlikeholdsoppgaver med veileder.'])[1 + (hashint8(pl.id * 19) & 2147483647) % 4],
	CASE WHEN pl.goal = 'path_to_job' AND (hashint8(pl.id * 23) & 2147483647) % 8 = 0 THEN 'Tilbudt ansettelse.'
	     ELSE (ARRAY['Anbefales videre praksis med flere timer.', 'Anbefales arbeidsrettet norskkurs.', 'Klar for å søke jobb i bransjen.'])[1 + (hashint8(pl.id * 29) & 2147483647) % 3] END,
	pl.goal = 'path_to_job' AND (hashint8(pl.id * 23) & 2147483647) % 8 = 0
FROM placements pl
WHERE pl.id >= $1 AND pl.status = 'ended' AND (hashint8(pl.id * 31) & 2147483647) % 10 < 7`

// FollowUps writes follow-ups and evaluations for the placements copied by
// this load (ids from firstPlacement) and returns the numbers written and
// how many evaluations record a job.
func (t *DemoPlacementsTx) FollowUps(ctx context.Context, firstPlacement int64) (followups, evaluations, gotJob int64, err error) {
	tag, err := t.tx.Exec(ctx, demoFollowupsSQL, t.today, firstPlacement)
	if err != nil {
		return 0, 0, 0, fmt.Errorf("follow-ups: %w", err)
	}
	followups = tag.RowsAffected()
	tag, err = t.tx.Exec(ctx, demoEvaluationsSQL, firstPlacement)
	if err != nil {
		return followups, 0, 0, fmt.Errorf("evaluations: %w", err)
	}
	evaluations = tag.RowsAffected()
	err = t.tx.QueryRow(ctx, `SELECT count(*) FROM placement_evaluations WHERE placement_id >= $1 AND got_job`, firstPlacement).Scan(&gotJob)
	return followups, evaluations, gotJob, err
}

// NextPlacementID is above every stored placement's id: this load's
// placements have ids from it.
func (t *DemoPlacementsTx) NextPlacementID(ctx context.Context) (int64, error) {
	var next int64
	err := t.tx.QueryRow(ctx, `SELECT coalesce(max(id), 0) + 1 FROM placements`).Scan(&next)
	return next, err
}
