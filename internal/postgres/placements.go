package postgres

import (
	"context"
	"errors"
	"time"

	"ankomst/internal/domain"

	"github.com/jackc/pgx/v5"
)

// Placements (issue 9: placements, follow-ups and evaluations of migration
// 000020). A placement belongs to a person and so to the person's unit: every
// read and write is scoped by the person (another unit's: not found), and
// needs CapProgramme. Employers, worksites and supervisors are the
// municipality's register (every unit's); the capacity rule counts every
// unit's placements at a worksite (a place is a place).
//
// A write is one transaction: the person's row and the worksite's row are
// locked (FOR NO KEY UPDATE, person first, so parallel placements at one
// worksite serialise and cannot overbook it), what the rules need is read
// (the person's other placements, the worksite's placements over the
// period, the plan versions, the rates), domain.CheckPlacement decides, then
// the row, its audit row and the person's placement_followup deadline are
// written.

// PlacementStaleError answers a change based on an old version of a
// placement (or of its evaluation).
type PlacementStaleError = ConflictError[*domain.Placement]

const placementNotFound = "Fant ikke praksisplassen."

// placementStaleMessage explains a 409.
const placementStaleMessage = "Noen andre har endret praksisplassen mens du arbeidet med den. Ingenting er lagret."

// placementMerged refuses changes on a merged registration.
var placementMerged = domain.Errorf(domain.ECONFLICT, "Registreringen er slått sammen med en annen. Registrer praksis på den gjenværende registreringen.")

const placementSelect = `SELECT pl.id, pl.person_id, pl.worksite_id, w.name AS worksite_name, e.name AS employer_name,
		pl.supervisor_id, coalesce(c.name, '') AS supervisor_name, pl.minutes_per_week, pl.weekdays,
		pl.start_date, pl.planned_end, pl.ended_on, pl.goal, pl.status, pl.abort_reason, pl.version, pl.updated_at,
		(SELECT max(f.held_on) FROM placement_followups f WHERE f.placement_id = pl.id) AS last_followup
	FROM placements pl JOIN worksites w ON w.id = pl.worksite_id JOIN employers e ON e.id = w.employer_id
		LEFT JOIN employer_contacts c ON c.id = pl.supervisor_id`

// PlacementWorksiteOption is a worksite the form offers: active, with its
// employer and the places free this week.
type PlacementWorksiteOption struct {
	ID           int64  `db:"id"`
	Name         string `db:"name"`
	EmployerID   int64  `db:"employer_id"`
	EmployerName string `db:"employer_name"`
	Places       int    `db:"places"`
	Used         int    `db:"used"`
}

// Free is the places not in use this week (never below 0).
func (o PlacementWorksiteOption) Free() int { return max(o.Places-o.Used, 0) }

// PlacementSupervisorOption is an active supervisor of an employer.
type PlacementSupervisorOption struct {
	ID           int64  `db:"id"`
	Name         string `db:"name"`
	EmployerID   int64  `db:"employer_id"`
	EmployerName string `db:"employer_name"`
}

// PlacementData is what the placement pages read: the person, the person's
// placements (current first), the form's options and, for one placement,
// its follow-ups and evaluation.
type PlacementData struct {
	PersonID    int64
	PersonName  string
	Merged      bool
	Placements  []domain.Placement
	Worksites   []PlacementWorksiteOption
	Supervisors []PlacementSupervisorOption
	// One placement's page (PlacementPage with a placement id).
	Placement  *domain.Placement
	Followups  []domain.PlacementFollowup
	Evaluation *domain.PlacementEvaluation
}

// PlacementPage reads a person's placements in one batch (the person, the
// placements, the active worksites with their places in use this week, the
// active supervisors and the audit row of the read); with placementID ≠ 0
// also that placement's follow-ups and evaluation (ENOTFOUND when the
// person has no such placement). A person outside the scope is ENOTFOUND.
func (db *DB) PlacementPage(ctx context.Context, s domain.Scope, personID, placementID int64) (*PlacementData, error) {
	if err := s.Role.Require(domain.CapProgramme); err != nil {
		return nil, err
	}
	out := &PlacementData{PersonID: personID}
	found := false
	today := db.today()
	monday := domain.WeekStart(today)
	var b pgx.Batch
	var a sqlArgs
	pid := a.add(personID)
	b.Queue(`SELECT p.given_name || ' ' || p.family_name, p.status = 'merged' FROM persons p WHERE p.id = `+pid+` AND `+a.scope(s, "p.unit_id"),
		a.list...).QueryRow(func(row pgx.Row) error {
		err := row.Scan(&out.PersonName, &out.Merged)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		found = err == nil
		return err
	})
	a = sqlArgs{}
	pid = a.add(personID)
	b.Queue(placementSelect+` JOIN persons p ON p.id = pl.person_id WHERE pl.person_id = `+pid+` AND `+a.scope(s, "p.unit_id")+`
		ORDER BY pl.status NOT IN ('planned', 'active', 'paused'), pl.start_date DESC, pl.id DESC`, a.list...).Query(func(rows pgx.Rows) error {
		var err error
		out.Placements, err = pgx.CollectRows(rows, pgx.RowToStructByName[domain.Placement])
		return err
	})
	b.Queue(`SELECT w.id, w.name, w.employer_id, e.name AS employer_name, w.places,
			(SELECT count(*) FROM placements o WHERE o.worksite_id = w.id AND o.start_date <= $2::date
				AND coalesce(o.ended_on, o.planned_end) >= $1::date
				AND (o.status IN ('planned', 'active', 'paused') OR o.ended_on IS NOT NULL))::int AS used
		FROM worksites w JOIN employers e ON e.id = w.employer_id
		WHERE w.active AND e.active
		ORDER BY e.name_key, e.id, w.name, w.id`, monday, domain.AddDays(monday, 4)).Query(func(rows pgx.Rows) error {
		var err error
		out.Worksites, err = pgx.CollectRows(rows, pgx.RowToStructByName[PlacementWorksiteOption])
		return err
	})
	b.Queue(`SELECT c.id, c.name, c.employer_id, e.name AS employer_name
		FROM employer_contacts c JOIN employers e ON e.id = c.employer_id
		WHERE c.is_supervisor AND c.active AND e.active
		ORDER BY e.name_key, e.id, c.name, c.id`).Query(func(rows pgx.Rows) error {
		var err error
		out.Supervisors, err = pgx.CollectRows(rows, pgx.RowToStructByName[PlacementSupervisorOption])
		return err
	})
	if placementID != 0 {
		a = sqlArgs{}
		idp, pid := a.add(placementID), a.add(personID)
		b.Queue(`SELECT f.id, f.placement_id, f.held_on, f.participants, f.interpreter_used, f.summary, f.created_at,
				coalesce(u.name, '') AS created_by_name
			FROM placement_followups f JOIN placements pl ON pl.id = f.placement_id JOIN persons p ON p.id = pl.person_id
				LEFT JOIN users u ON u.id = f.created_by
			WHERE f.placement_id = `+idp+` AND pl.person_id = `+pid+` AND `+a.scope(s, "p.unit_id")+`
			ORDER BY f.held_on DESC, f.id DESC`, a.list...).Query(func(rows pgx.Rows) error {
			var err error
			out.Followups, err = pgx.CollectRows(rows, pgx.RowToStructByName[domain.PlacementFollowup])
			return err
		})
		a = sqlArgs{}
		idp, pid = a.add(placementID), a.add(personID)
		b.Queue(`SELECT ev.placement_id, ev.evaluated_on, ev.attendance, ev.language_use, ev.tasks_mastered, ev.recommendation,
				ev.got_job, ev.version, ev.updated_at
			FROM placement_evaluations ev JOIN placements pl ON pl.id = ev.placement_id JOIN persons p ON p.id = pl.person_id
			WHERE ev.placement_id = `+idp+` AND pl.person_id = `+pid+` AND `+a.scope(s, "p.unit_id"), a.list...).Query(func(rows pgx.Rows) error {
			ev, err := pgx.CollectRows(rows, pgx.RowToAddrOfStructByName[domain.PlacementEvaluation])
			if len(ev) > 0 {
				out.Evaluation = ev[0]
			}
			return err
		})
	}
	queueViewAudit(&b, s, domain.EntityPlacement, personID)
	if err := db.Pool.SendBatch(ctx, &b).Close(); err != nil {
		return nil, err
	}
	if !found {
		return nil, domain.Errorf(domain.ENOTFOUND, "Fant ikke personen.")
	}
	if placementID != 0 {
		for i := range out.Placements {
			if out.Placements[i].ID == placementID {
				out.Placement = &out.Placements[i]
			}
		}
		if out.Placement == nil {
			return nil, domain.Errorf(domain.ENOTFOUND, placementNotFound)
		}
	}
	return out, nil
}

// PlacementInScope reports whether the person in the user's scope has the
// placement: nil, or ENOTFOUND (a person out of scope: "Fant ikke personen.").
func (db *DB) PlacementInScope(ctx context.Context, s domain.Scope, personID, placementID int64) error {
	if err := db.PersonInScope(ctx, s, personID); err != nil || placementID == 0 {
		return err
	}
	return existsInScope(ctx, db.Pool, placementNotFound,
		`SELECT 1 FROM placements WHERE id = $1 AND person_id = $2`, placementID, personID)
}

// lockPlacementPerson locks the person in scope (not merged) for a
// placement write.
func lockPlacementPerson(ctx context.Context, tx pgx.Tx, s domain.Scope, personID int64) error {
	var a sqlArgs
	pid := a.add(personID)
	var status string
	err := tx.QueryRow(ctx, `SELECT p.status FROM persons p WHERE p.id = `+pid+` AND `+a.scope(s, "p.unit_id")+` FOR NO KEY UPDATE OF p`,
		a.list...).Scan(&status)
	if errors.Is(err, pgx.ErrNoRows) {
		return domain.Errorf(domain.ENOTFOUND, "Fant ikke personen.")
	} else if err != nil {
		return err
	}
	if status == domain.StatusMerged {
		return placementMerged
	}
	return nil
}

// getPlacement reads the person's placement, optionally locked.
func getPlacement(ctx context.Context, q querier, personID, placementID int64, lock bool) (*domain.Placement, error) {
	sql := placementSelect + ` WHERE pl.id = $1 AND pl.person_id = $2`
	if lock {
		sql += ` FOR NO KEY UPDATE OF pl`
	}
	rows, err := q.Query(ctx, sql, placementID, personID)
	if err != nil {
		return nil, err
	}
	p, err := pgx.CollectExactlyOneRow(rows, pgx.RowToAddrOfStructByName[domain.Placement])
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, domain.Errorf(domain.ENOTFOUND, placementNotFound)
	}
	return p, err
}

// placementRules reads, in the transaction, what domain.CheckPlacement
// needs for p: the worksite (locked), the supervisor, the person's other
// placements, the worksite's placements around p's period, the plan
// versions and the rates.
func placementRules(ctx context.Context, tx pgx.Tx, s domain.Scope, p domain.Placement) (domain.PlacementContext, error) {
	var c domain.PlacementContext
	var ws domain.PlacementWorksite
	err := tx.QueryRow(ctx, `SELECT w.id, w.employer_id, w.name, e.name, w.places, w.active AND e.active
		FROM worksites w JOIN employers e ON e.id = w.employer_id WHERE w.id = $1 FOR NO KEY UPDATE OF w`, p.WorksiteID).
		Scan(&ws.ID, &ws.EmployerID, &ws.Name, &ws.EmployerName, &ws.Places, &ws.Active)
	switch {
	case err == nil:
		c.Worksite = &ws
	case !errors.Is(err, pgx.ErrNoRows):
		return c, err
	}
	if p.SupervisorID != nil {
		var sv domain.PlacementSupervisor
		err := tx.QueryRow(ctx, `SELECT id, employer_id, name, is_supervisor, active FROM employer_contacts WHERE id = $1`, *p.SupervisorID).
			Scan(&sv.ID, &sv.EmployerID, &sv.Name, &sv.IsSupervisor, &sv.Active)
		switch {
		case err == nil:
			c.Supervisor = &sv
		case !errors.Is(err, pgx.ErrNoRows):
			return c, err
		}
	}
	rows, err := tx.Query(ctx, placementSelect+` WHERE pl.person_id = $1 AND pl.id <> $2`, p.PersonID, p.ID)
	if err != nil {
		return c, err
	}
	if c.Others, err = pgx.CollectRows(rows, pgx.RowToStructByName[domain.Placement]); err != nil {
		return c, err
	}
	// The worksite's placements that can share a week with p (every unit).
	from, to := domain.WeekStart(p.Start), domain.AddDays(domain.WeekStart(p.LastDay()), 6)
	rows, err = tx.Query(ctx, placementSelect+` WHERE pl.worksite_id = $1 AND pl.id <> $2
		AND pl.start_date <= $4::date AND coalesce(pl.ended_on, pl.planned_end) >= $3::date
		AND (pl.status IN ('planned', 'active', 'paused') OR pl.ended_on IS NOT NULL)`, p.WorksiteID, p.ID, from, to)
	if err != nil {
		return c, err
	}
	if c.AtWorksite, err = pgx.CollectRows(rows, pgx.RowToStructByName[domain.Placement]); err != nil {
		return c, err
	}
	sql, args := planVersionsSQL(s, false)
	rows, err = tx.Query(ctx, sql, append([]any{p.PersonID}, args...)...)
	if err != nil {
		return c, err
	}
	vs, err := collectPlanVersions(rows)
	if err != nil {
		return c, err
	}
	for _, v := range vs {
		c.Versions = append(c.Versions, v.PlanVersion)
	}
	rows, err = tx.Query(ctx, rateTableSQL)
	if err != nil {
		return c, err
	}
	c.Rates, err = pgx.CollectRows(rows, pgx.RowToStructByName[domain.Rate])
	return c, err
}

// withNames fills the worksite's and supervisor's names from the context
// (for the audit's changes).
func withNames(p domain.Placement, c domain.PlacementContext) domain.Placement {
	if c.Worksite != nil {
		p.WorksiteName, p.EmployerName = c.Worksite.Name, c.Worksite.EmployerName
	}
	p.SupervisorName = ""
	if c.Supervisor != nil && p.SupervisorID != nil {
		p.SupervisorName = c.Supervisor.Name
	}
	return p
}

// CreatePlacement places the person in scope at a worksite: the rules run
// in the transaction with the person and the worksite locked; the
// placement, its audit row and the person's follow-up deadline commit
// together.
func (db *DB) CreatePlacement(ctx context.Context, s domain.Scope, personID int64, in domain.PlacementInput) (int64, error) {
	if err := s.Role.Require(domain.CapProgramme); err != nil {
		return 0, err
	}
	var id int64
	err := db.WithTx(ctx, func(tx pgx.Tx) error {
		if err := lockPlacementPerson(ctx, tx, s, personID); err != nil {
			return err
		}
		p := in.Apply(domain.Placement{PersonID: personID})
		c, err := placementRules(ctx, tx, s, p)
		if err != nil {
			return err
		}
		c.WorksiteChanged = true
		if err := domain.CheckPlacement(p, c); err != nil {
			return err
		}
		p = withNames(p, c)
		if err := tx.QueryRow(ctx, `INSERT INTO placements (person_id, worksite_id, supervisor_id, minutes_per_week, weekdays,
				start_date, planned_end, goal, status, created_by, updated_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id`,
			personID, p.WorksiteID, p.SupervisorID, p.MinutesPerWeek, p.Weekdays, p.Start, p.PlannedEnd, p.Goal, p.Status, s.UserID).
			Scan(&id); err != nil {
			return err
		}
		if err := writeAudit(ctx, tx, s, auditEvent{Action: ActionCreate, Entity: domain.EntityPlacement, EntityID: &id, PersonID: &personID,
			Changes: domain.PlacementChanges(domain.Placement{}, p)}); err != nil {
			return err
		}
		return refreshPlacementDeadline(ctx, tx, personID)
	})
	return id, err
}

// placementWrite locks the person and the placement, checks the version
// (a change with nothing to change is a success whatever the version), and
// lets change compute the new placement; check says whether the rules must
// run (the period, hours, worksite or status grew).
func (db *DB) placementWrite(ctx context.Context, s domain.Scope, personID, placementID int64,
	change func(old domain.Placement) (p domain.Placement, version int, check bool, err error)) error {
	if err := s.Role.Require(domain.CapProgramme); err != nil {
		return err
	}
	return db.WithTx(ctx, func(tx pgx.Tx) error {
		if err := lockPlacementPerson(ctx, tx, s, personID); err != nil {
			return err
		}
		old, err := getPlacement(ctx, tx, personID, placementID, true)
		if err != nil {
			return err
		}
		p, version, check, err := change(*old)
		if err != nil {
			return err
		}
		c, err := placementRules(ctx, tx, s, p)
		if err != nil {
			return err
		}
		p = withNames(p, c)
		if old.SupervisorID != nil && p.SupervisorID != nil && *old.SupervisorID == *p.SupervisorID {
			p.SupervisorName = old.SupervisorName
		}
		ch := domain.PlacementChanges(*old, p)
		if len(ch) == 0 {
			return nil // nothing changed: no new version, no audit row
		}
		if old.Version != version {
			return &PlacementStaleError{Current: old, Message: placementStaleMessage}
		}
		if check {
			c.WorksiteChanged = p.WorksiteID != old.WorksiteID
			if err := domain.CheckPlacement(p, c); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE placements SET worksite_id = $2, supervisor_id = $3, minutes_per_week = $4, weekdays = $5,
				start_date = $6, planned_end = $7, ended_on = $8, goal = $9, status = $10, abort_reason = $11,
				version = version + 1, updated_at = now(), updated_by = $12
			WHERE id = $1`, placementID, p.WorksiteID, p.SupervisorID, p.MinutesPerWeek, p.Weekdays, p.Start, p.PlannedEnd,
			p.EndedOn, p.Goal, p.Status, p.AbortReason, s.UserID); err != nil {
			return err
		}
		if err := writeAudit(ctx, tx, s, auditEvent{Action: ActionUpdate, Entity: domain.EntityPlacement, EntityID: &placementID,
			PersonID: &personID, Changes: ch}); err != nil {
			return err
		}
		return refreshPlacementDeadline(ctx, tx, personID)
	})
}

// UpdatePlacement saves an edit of a placement (worksite, supervisor,
// hours, weekdays, period, goal, status planned/active/paused); every rule
// runs again. A change based on another version is a *PlacementStaleError.
func (db *DB) UpdatePlacement(ctx context.Context, s domain.Scope, personID, placementID int64, in domain.PlacementInput) error {
	return db.placementWrite(ctx, s, personID, placementID, func(old domain.Placement) (domain.Placement, int, bool, error) {
		if !old.Current() {
			return old, 0, false, domain.Errorf(domain.EINVALID, "Praksisplassen er %s og kan ikke endres.",
				map[string]string{domain.PlacementEnded: "avsluttet", domain.PlacementAborted: "avbrutt"}[old.Status])
		}
		return in.Apply(old), in.Version, true, nil
	})
}

// ChangePlacementStatus applies a status action (activate, pause, end with
// the day it ended, abort with a reason) validated against the stored
// placement. Ending or aborting only shortens what the placement holds, so
// the rules run only when the action makes it hold longer.
func (db *DB) ChangePlacementStatus(ctx context.Context, s domain.Scope, personID, placementID int64, f domain.PlacementStatusForm) error {
	today := db.today()
	return db.placementWrite(ctx, s, personID, placementID, func(old domain.Placement) (domain.Placement, int, bool, error) {
		in, err := f.Validate(old, today)
		if err != nil {
			return old, 0, false, err
		}
		p := in.Apply(old)
		grows := p.Holds() && (!old.Holds() || p.LastDay().After(old.LastDay()))
		return p, in.Version, grows, nil
	})
}

// AddPlacementFollowup records a follow-up conversation of the person's
// placement (appended; never edited) with its audit row, and moves the
// person's follow-up deadline.
func (db *DB) AddPlacementFollowup(ctx context.Context, s domain.Scope, personID, placementID int64, f domain.PlacementFollowupForm) (int64, error) {
	if err := s.Role.Require(domain.CapProgramme); err != nil {
		return 0, err
	}
	var id int64
	today := db.today()
	err := db.WithTx(ctx, func(tx pgx.Tx) error {
		if err := lockPlacementPerson(ctx, tx, s, personID); err != nil {
			return err
		}
		p, err := getPlacement(ctx, tx, personID, placementID, true)
		if err != nil {
			return err
		}
		fu, err := f.Validate(*p, today)
		if err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `INSERT INTO placement_followups (placement_id, held_on, participants, interpreter_used, summary, created_by)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, placementID, fu.HeldOn, fu.Participants, fu.InterpreterUsed, fu.Summary, s.UserID).
			Scan(&id); err != nil {
			return err
		}
		ch := domain.Changes{}
		ch.Set("followup_held_on", "", domain.FormatISODate(&fu.HeldOn))
		ch.Set("followup_participants", "", fu.Participants)
		ch.Set("followup_interpreter", "", map[bool]string{true: "Ja", false: "Nei"}[fu.InterpreterUsed])
		ch.Set("followup_summary", "", fu.Summary)
		if err := writeAudit(ctx, tx, s, auditEvent{Action: ActionCreate, Entity: domain.EntityPlacementFollowup, EntityID: &placementID,
			PersonID: &personID, Changes: ch}); err != nil {
			return err
		}
		return refreshPlacementDeadline(ctx, tx, personID)
	})
	return id, err
}

// SavePlacementEvaluation saves the end evaluation of the person's
// placement (one per placement): version 0 creates it, another version
// updates it; a stale version is a *PlacementStaleError.
func (db *DB) SavePlacementEvaluation(ctx context.Context, s domain.Scope, personID, placementID int64, f domain.PlacementEvaluationForm) (domain.PlacementEvaluation, error) {
	var out domain.PlacementEvaluation
	if err := s.Role.Require(domain.CapProgramme); err != nil {
		return out, err
	}
	today := db.today()
	err := db.WithTx(ctx, func(tx pgx.Tx) error {
		if err := lockPlacementPerson(ctx, tx, s, personID); err != nil {
			return err
		}
		p, err := getPlacement(ctx, tx, personID, placementID, true)
		if err != nil {
			return err
		}
		ev, err := f.Validate(*p, today)
		if err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT placement_id, evaluated_on, attendance, language_use, tasks_mastered, recommendation,
				got_job, version, updated_at FROM placement_evaluations WHERE placement_id = $1`, placementID)
		if err != nil {
			return err
		}
		olds, err := pgx.CollectRows(rows, pgx.RowToAddrOfStructByName[domain.PlacementEvaluation])
		if err != nil {
			return err
		}
		var old *domain.PlacementEvaluation
		if len(olds) > 0 {
			old = olds[0]
		}
		ch := domain.PlacementEvaluationChanges(old, ev)
		out = ev
		if len(ch) == 0 {
			out.Version = old.Version
			return nil
		}
		storedVersion := 0
		if old != nil {
			storedVersion = old.Version
		}
		if ev.Version != storedVersion {
			return &PlacementStaleError{Current: p, Message: "Noen andre har lagret evalueringen mens du arbeidet med den. Ingenting er lagret."}
		}
		action := ActionUpdate
		if old == nil {
			action = ActionCreate
			err = tx.QueryRow(ctx, `INSERT INTO placement_evaluations (placement_id, evaluated_on, attendance, language_use, tasks_mastered,
					recommendation, got_job, created_by, updated_by)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING version`, placementID, ev.EvaluatedOn, ev.Attendance, ev.LanguageUse,
				ev.TasksMastered, ev.Recommend, ev.GotJob, s.UserID).Scan(&out.Version)
		} else {
			err = tx.QueryRow(ctx, `UPDATE placement_evaluations SET evaluated_on = $2, attendance = $3, language_use = $4,
					tasks_mastered = $5, recommendation = $6, got_job = $7, version = version + 1, updated_at = now(), updated_by = $8
				WHERE placement_id = $1 RETURNING version`, placementID, ev.EvaluatedOn, ev.Attendance, ev.LanguageUse,
				ev.TasksMastered, ev.Recommend, ev.GotJob, s.UserID).Scan(&out.Version)
		}
		if err != nil {
			return err
		}
		return writeAudit(ctx, tx, s, auditEvent{Action: action, Entity: domain.EntityPlacementEvaluation, EntityID: &placementID,
			PersonID: &personID, Changes: ch})
	})
	return out, err
}

// refreshPlacementDeadline keeps the person's placement_followup deadline
// (one per person: the earliest follow-up due of the active placements) in
// the caller's transaction: upserted when due (a new due date reopens it),
// deleted when no placement is active.
func refreshPlacementDeadline(ctx context.Context, tx pgx.Tx, personID int64) error {
	rows, err := tx.Query(ctx, placementSelect+` WHERE pl.person_id = $1 AND pl.status = 'active'`, personID)
	if err != nil {
		return err
	}
	ps, err := pgx.CollectRows(rows, pgx.RowToStructByName[domain.Placement])
	if err != nil {
		return err
	}
	due, ok := domain.PlacementFollowupDue(ps)
	if !ok {
		_, err := tx.Exec(ctx, `DELETE FROM deadlines WHERE person_id = $1 AND kind = $2`, personID, domain.KindPlacementFollowup)
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO deadlines (person_id, kind, due_date) VALUES ($1, $2, $3)
		ON CONFLICT (person_id, kind) DO UPDATE
			SET due_date = EXCLUDED.due_date, done_on = NULL, done_by = NULL, version = deadlines.version + 1, updated_at = now()
			WHERE deadlines.due_date IS DISTINCT FROM EXCLUDED.due_date`, personID, domain.KindPlacementFollowup, due)
	return err
}

// placementsOfPersonSQL reads the placements of a person in scope that hold
// some day in [$n, $n+1] (for the plan page's weeks).
func placementsOfPersonSQL(a *sqlArgs, s domain.Scope, personID int64, from, to time.Time) string {
	pid := a.add(personID)
	return placementSelect + ` JOIN persons p ON p.id = pl.person_id
		WHERE pl.person_id = ` + pid + ` AND ` + a.scope(s, "p.unit_id") + `
		  AND pl.start_date <= ` + a.add(to) + `::date AND coalesce(pl.ended_on, pl.planned_end) >= ` + a.add(from) + `::date
		  AND (pl.status IN ('planned', 'active', 'paused') OR pl.ended_on IS NOT NULL)
		ORDER BY pl.start_date, pl.id`
}
