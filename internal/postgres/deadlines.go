package postgres

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"ankomst/internal/domain"

	"github.com/jackc/pgx/v5"
)

// Audit entities of the deadlines module.
const (
	entityDeadline        = domain.EntityDeadline
	entityTask            = domain.EntityTask
	entityHealthDeadlines = domain.EntityHealthDeadlines // a read of a person's health deadlines
)

// deadlineFactsColumns are a person's dates the deadlines count from: none
// before the person is settled (the municipality's duties start at
// settlement; a proposed or agreed person has no deadlines yet).
const deadlineFactsColumns = `CASE WHEN settlement_stage = 'settled' THEN arrival_date END,
	CASE WHEN settlement_stage = 'settled' THEN settlement_date END`

// refreshDeadlines recomputes a person's deadlines from the person's dates
// with the domain rules, in the caller's transaction: due dates are upserted,
// computed kinds that no longer apply are deleted (only those:
// domain.ComputedDeadlineKinds; placement_followup is the placements
// module's), and done dates are kept. Person
// create and update call it, so the stored deadlines never lag the dates.
func refreshDeadlines(ctx context.Context, tx pgx.Tx, personID int64) error {
	var f domain.DeadlineFacts
	if err := tx.QueryRow(ctx, `SELECT `+deadlineFactsColumns+` FROM persons WHERE id = $1`, personID).
		Scan(&f.Arrival, &f.Settlement); err != nil {
		return mapError(err)
	}
	ds := domain.ComputeDeadlines(f)
	kinds := make([]string, len(ds))
	dues := make([]time.Time, len(ds))
	for i, d := range ds {
		kinds[i], dues[i] = d.Kind, d.Due
	}
	_, err := tx.Exec(ctx, `
		WITH want AS (
			SELECT w.kind, w.due_date FROM unnest($2::text[], $3::date[]) AS w (kind, due_date)
		), gone AS (
			DELETE FROM deadlines d
			WHERE d.person_id = $1 AND d.kind = ANY($4::text[]) AND NOT EXISTS (SELECT 1 FROM want WHERE want.kind = d.kind)
		)
		INSERT INTO deadlines (person_id, kind, due_date)
		SELECT $1, kind, due_date FROM want
		ON CONFLICT (person_id, kind) DO UPDATE
			SET due_date = EXCLUDED.due_date, version = deadlines.version + 1, updated_at = now()
			WHERE deadlines.due_date IS DISTINCT FROM EXCLUDED.due_date`,
		personID, kinds, dues, domain.ComputedDeadlineKinds())
	return err
}

// RefreshAllDeadlines recomputes the deadlines of every person, for after a
// bulk load that bypassed CreatePerson. The rules run in Go (the one place
// they live); the results go in by COPY and are merged set-wise in one
// transaction.
func (db *DB) RefreshAllDeadlines(ctx context.Context) error {
	return db.BulkTx(ctx, []string{"deadlines"}, func(tx pgx.Tx) error {
		type facts struct {
			id int64
			f  domain.DeadlineFacts
		}
		rows, err := tx.Query(ctx, `SELECT id, `+deadlineFactsColumns+` FROM persons`)
		if err != nil {
			return err
		}
		var all []facts
		for rows.Next() {
			var x facts
			if err := rows.Scan(&x.id, &x.f.Arrival, &x.f.Settlement); err != nil {
				rows.Close()
				return err
			}
			all = append(all, x)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `CREATE TEMP TABLE deadlines_want (person_id bigint NOT NULL, kind text NOT NULL, due_date date NOT NULL) ON COMMIT DROP`); err != nil {
			return err
		}
		var (
			i   int
			buf []domain.Deadline
		)
		_, err = tx.CopyFrom(ctx, pgx.Identifier{"deadlines_want"}, []string{"person_id", "kind", "due_date"},
			pgx.CopyFromFunc(func() ([]any, error) {
				for len(buf) == 0 {
					if i == len(all) {
						return nil, nil
					}
					buf = domain.ComputeDeadlines(all[i].f)
					for j := range buf {
						buf[j].PersonID = all[i].id
					}
					i++
				}
				d := buf[0]
				buf = buf[1:]
				return []any{d.PersonID, d.Kind, d.Due}, nil
			}))
		if err != nil {
			return fmt.Errorf("copy computed deadlines: %w", err)
		}
		if _, err := tx.Exec(ctx, `ANALYZE deadlines_want`); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `
			DELETE FROM deadlines d
			WHERE d.kind = ANY($1::text[])
			  AND NOT EXISTS (SELECT 1 FROM deadlines_want w WHERE w.person_id = d.person_id AND w.kind = d.kind)`, domain.ComputedDeadlineKinds()); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `
			INSERT INTO deadlines (person_id, kind, due_date)
			SELECT person_id, kind, due_date FROM deadlines_want
			ON CONFLICT (person_id, kind) DO UPDATE
				SET due_date = EXCLUDED.due_date, version = deadlines.version + 1, updated_at = now()
				WHERE deadlines.due_date IS DISTINCT FROM EXCLUDED.due_date`)
		return err
	})
}

// hiddenKinds are the deadline kinds the role may not see.
func hiddenKinds(s domain.Scope) []string {
	if s.Role.Can(domain.CapReadHealth) {
		return []string{}
	}
	return domain.HealthDeadlineKinds()
}

// auditHealthReads writes one "view health_deadlines" event per person whose
// health deadlines the health role has just read, in the read's transaction.
func auditHealthReads(ctx context.Context, tx pgx.Tx, s domain.Scope, ds []domain.Deadline) error {
	if !s.Role.Can(domain.CapReadHealth) {
		return nil
	}
	var persons []int64
	for _, d := range ds {
		if d.Health && !slices.Contains(persons, d.PersonID) {
			persons = append(persons, d.PersonID)
		}
	}
	if len(persons) == 0 {
		return nil
	}
	var uid *int64
	if s.UserID != 0 {
		uid = &s.UserID
	}
	// One row per person read. The person page reads health deadlines once
	// (its deadline section; the timeline gets them from there), in its batch.
	_, err := tx.Exec(ctx, `
		INSERT INTO audit_events (user_id, user_role, action, entity, person_id, request_id, details)
		SELECT $1, $2, $3, $4, p, $5, '{"purpose": "`+HealthPurposeDeadlines+`"}'::jsonb FROM unnest($6::bigint[]) AS p`,
		uid, string(s.Role), ActionView, entityHealthDeadlines, s.RequestID, persons)
	return err
}

// deadlineRow is a stored deadline or task as read for one person.
type deadlineRow struct {
	ID         int64      `db:"id"`
	PersonID   int64      `db:"person_id"`
	PersonName string     `db:"person_name"`
	Kind       string     `db:"kind"`
	Title      string     `db:"title"`
	Due        time.Time  `db:"due_date"`
	DoneOn     *time.Time `db:"done_on"`
	DoneBy     *string    `db:"done_by"`
	Version    int        `db:"version"`
	AssigneeID *int64     `db:"assignee_id"`
	Assignee   *string    `db:"assignee"`
	Caseworker *string    `db:"caseworker"`
}

func (r deadlineRow) deadline(today time.Time) domain.Deadline {
	d := domain.Deadline{
		ID: r.ID, PersonID: r.PersonID, PersonName: r.PersonName, Kind: r.Kind, Title: r.Title,
		Due: r.Due, DoneOn: r.DoneOn, DoneBy: r.DoneBy, Version: r.Version, Caseworker: r.Caseworker,
		Status: domain.DeadlineStatus(r.Due, r.DoneOn, today),
	}
	if r.Kind == domain.KindTask {
		id := r.ID
		d.TaskID, d.AssigneeID, d.Assignee = &id, r.AssigneeID, r.Assignee
	} else if rule, ok := domain.DeadlineRuleOf(r.Kind); ok {
		d.Title, d.Health = rule.Title, rule.Health
	}
	return d
}

const deadlineSelect = `
	SELECT d.id, d.person_id, p.given_name || ' ' || p.family_name AS person_name, d.kind,
		''::text AS title, d.due_date, d.done_on, db.name AS done_by, d.version,
		NULL::bigint AS assignee_id, NULL::text AS assignee, cw.name AS caseworker
	FROM deadlines d JOIN persons p ON p.id = d.person_id LEFT JOIN users db ON db.id = d.done_by
		LEFT JOIN users cw ON cw.id = p.caseworker_id`

const taskSelect = `
	SELECT t.id, t.person_id, p.given_name || ' ' || p.family_name AS person_name, 'task'::text AS kind,
		t.title, t.due_date, t.done_on, db.name AS done_by, t.version, t.assignee_id, a.name AS assignee,
		cw.name AS caseworker
	FROM tasks t JOIN persons p ON p.id = t.person_id LEFT JOIN users db ON db.id = t.done_by
		LEFT JOIN users a ON a.id = t.assignee_id LEFT JOIN users cw ON cw.id = p.caseworker_id`

// personDeadlinesSQL are the queries of a person's deadlines (hidden kinds
// left out; a closed case shows only the met ones) and tasks, by due date.
func personDeadlinesSQL(s domain.Scope, personID int64) (dsql string, dargs []any, tsql string, targs []any) {
	where, args := unitScope(s, "p.unit_id", 3)
	dsql = deadlineSelect + `
		WHERE d.person_id = $1 AND d.kind <> ALL($2) AND ` + where + `
			-- a closed case owes nothing more: only its met deadlines remain
			AND (p.status = 'active' OR d.done_on IS NOT NULL)
		ORDER BY d.due_date, d.id`
	dargs = append([]any{personID, hiddenKinds(s)}, args...)
	where, args = unitScope(s, "p.unit_id", 2)
	tsql = taskSelect + `
		WHERE t.person_id = $1 AND ` + where + `
		ORDER BY t.due_date, t.id`
	targs = append([]any{personID}, args...)
	return
}

// mergeDeadlineRows merges a person's deadlines and tasks by due date,
// deadlines first on the same day.
func mergeDeadlineRows(ds, ts []deadlineRow, today time.Time) []domain.Deadline {
	out := make([]domain.Deadline, 0, len(ds)+len(ts))
	i, j := 0, 0
	for i < len(ds) || j < len(ts) {
		if j == len(ts) || (i < len(ds) && !ds[i].Due.After(ts[j].Due)) {
			out = append(out, ds[i].deadline(today))
			i++
		} else {
			out = append(out, ts[j].deadline(today))
			j++
		}
	}
	return out
}

// PersonDeadlines returns the computed deadlines and manual tasks of a
// person in scope, by due date (deadlines before tasks on the same day).
// Health deadlines are included for the health role alone, and that read is
// audited in the same transaction. A person outside the scope is ENOTFOUND.
// (The person page reads them in its batch instead: personpage.go.)
func (db *DB) PersonDeadlines(ctx context.Context, s domain.Scope, personID int64) ([]domain.Deadline, error) {
	today := db.today()
	var out []domain.Deadline
	err := db.WithTx(ctx, func(tx pgx.Tx) error {
		if _, err := db.personUnit(ctx, tx, s, personID); err != nil {
			return err
		}
		dsql, dargs, tsql, targs := personDeadlinesSQL(s, personID)
		rows, err := tx.Query(ctx, dsql, dargs...)
		if err != nil {
			return err
		}
		ds, err := pgx.CollectRows(rows, pgx.RowToStructByName[deadlineRow])
		if err != nil {
			return err
		}
		rows, err = tx.Query(ctx, tsql, targs...)
		if err != nil {
			return err
		}
		ts, err := pgx.CollectRows(rows, pgx.RowToStructByName[deadlineRow])
		if err != nil {
			return err
		}
		out = mergeDeadlineRows(ds, ts, today)
		return auditHealthReads(ctx, tx, s, out)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// visibleRule returns the rule of kind if the role may see it; an unknown or
// hidden kind is ENOTFOUND, so other roles cannot learn that it exists.
func visibleRule(s domain.Scope, kind string) (domain.DeadlineRule, error) {
	rule, ok := domain.DeadlineRuleOf(kind)
	if !ok || (rule.Health && !s.Role.Can(domain.CapReadHealth)) {
		return rule, domain.Errorf(domain.ENOTFOUND, "Fant ikke fristen.")
	}
	return rule, nil
}

func (db *DB) getDeadline(ctx context.Context, tx pgx.Tx, s domain.Scope, personID int64, kind string, lock bool) (*domain.Deadline, error) {
	where, args := unitScope(s, "p.unit_id", 3)
	sql := deadlineSelect + ` WHERE d.person_id = $1 AND d.kind = $2 AND ` + where
	if lock {
		sql += ` FOR UPDATE OF d`
	}
	rows, err := tx.Query(ctx, sql, append([]any{personID, kind}, args...)...)
	if err != nil {
		return nil, err
	}
	r, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[deadlineRow])
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, domain.Errorf(domain.ENOTFOUND, "Fant ikke fristen.")
	} else if err != nil {
		return nil, err
	}
	d := r.deadline(db.today())
	return &d, nil
}

// GetDeadline returns one computed deadline of a person in scope. A health
// deadline is found for the health role alone, and the read is audited.
func (db *DB) GetDeadline(ctx context.Context, s domain.Scope, personID int64, kind string) (*domain.Deadline, error) {
	if _, err := visibleRule(s, kind); err != nil {
		return nil, err
	}
	var out *domain.Deadline
	err := db.WithTx(ctx, func(tx pgx.Tx) error {
		var err error
		if out, err = db.getDeadline(ctx, tx, s, personID, kind, false); err != nil {
			return err
		}
		return auditHealthReads(ctx, tx, s, []domain.Deadline{*out})
	})
	return out, err
}

// sameDone reports whether a stored done date equals the requested one
// (nil: not done).
func sameDone(cur, want *time.Time) bool {
	if cur == nil || want == nil {
		return cur == nil && want == nil
	}
	return domain.Date(*cur).Equal(domain.Date(*want))
}

// MarkDeadline marks a computed deadline done on doneOn, or not done when
// doneOn is nil, based on version. Asking for the state it is already in
// changes nothing (a double submit is harmless); otherwise an old version
// gives a *DeadlineStaleError. Health deadlines are marked by the health
// role alone; other roles do not find them.
func (db *DB) MarkDeadline(ctx context.Context, s domain.Scope, personID int64, kind string, doneOn *time.Time, version int) (*domain.Deadline, error) {
	rule, err := visibleRule(s, kind)
	if err != nil {
		return nil, err
	}
	if err := s.Role.Require(domain.DeadlineCapability(rule.Health)); err != nil {
		return nil, err
	}
	var out *domain.Deadline
	err = db.WithTx(ctx, func(tx pgx.Tx) error {
		cur, err := db.getDeadline(ctx, tx, s, personID, kind, true)
		if err != nil {
			return err
		}
		if sameDone(cur.DoneOn, doneOn) {
			out = cur
			return nil
		}
		if cur.Version != version {
			return deadlineConflict(cur)
		}
		var by *int64
		if doneOn != nil {
			by = &s.UserID
		}
		if _, err := tx.Exec(ctx, `
			UPDATE deadlines SET done_on = $2, done_by = $3, version = version + 1, updated_at = now(), updated_by = $4
			WHERE id = $1`, cur.ID, doneOn, by, s.UserID); err != nil {
			return err
		}
		// A health deadline's change is a health event (hidden from other
		// roles' timelines: entities named health…).
		entity := entityDeadline
		if rule.Health {
			entity = domain.EntityHealthDeadline
			// The checklist item of the same kind follows (issue 10): done on
			// the same day, or open again when the mark is undone. Its
			// version moves, so an open item form answers 409.
			if _, err := tx.Exec(ctx, `
				UPDATE health_items SET
					status = CASE WHEN $3::date IS NOT NULL THEN 'done'
					              WHEN status = 'done' THEN CASE WHEN booked_on IS NULL THEN 'not_started' ELSE 'booked' END
					              ELSE status END,
					done_on = $3, version = version + 1, updated_at = now(), updated_by = $4
				WHERE person_id = $1 AND kind = $2
				  AND ($3::date IS NOT NULL AND status IN ('not_started', 'booked')
				       OR $3::date IS NULL AND status = 'done')`, personID, kind, doneOn, s.UserID); err != nil {
				return err
			}
		}
		if err := writeAudit(ctx, tx, s, auditEvent{Action: ActionUpdate, Entity: entity, EntityID: &cur.ID, PersonID: &personID,
			Changes: domain.Changes{"done_on": {Old: dateStr(cur.DoneOn), New: dateStr(doneOn)}},
			Details: &domain.AuditDetails{DeadlineKind: kind}}); err != nil {
			return err
		}
		out, err = db.getDeadline(ctx, tx, s, personID, kind, false)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// TaskAssignees returns the name of a person in scope and who a task of the
// person can be assigned to: the active caseworkers and leaders of the
// person's unit (the scoped picker of the task form).
func (db *DB) TaskAssignees(ctx context.Context, s domain.Scope, personID int64) (string, []domain.User, error) {
	where, args := unitScope(s, "p.unit_id", 2)
	var name string
	err := db.Pool.QueryRow(ctx, `SELECT p.given_name || ' ' || p.family_name FROM persons p WHERE p.id = $1 AND `+where,
		append([]any{personID}, args...)...).Scan(&name)
	if err != nil {
		return "", nil, mapError(err)
	}
	rows, err := db.Pool.Query(ctx, `
		SELECT `+userColumns+` FROM persons p
		JOIN users u ON u.unit_id = p.unit_id AND u.active AND u.role IN `+holdCaseloadRoles()+`
		JOIN units n ON n.id = u.unit_id
		WHERE p.id = $1 AND `+where+`
		ORDER BY u.name, u.id`, append([]any{personID}, args...)...)
	if err != nil {
		return "", nil, err
	}
	users, err := pgx.CollectRows(rows, pgx.RowToStructByName[domain.User])
	return name, users, err
}

// checkAssignee verifies that a task's assignee is an active caseworker or
// leader of the person's unit.
func checkAssignee(ctx context.Context, tx pgx.Tx, id, unitID int64) error {
	var ok bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM users WHERE id = $1 AND active
		AND role IN `+holdCaseloadRoles()+` AND unit_id = $2)`, id, unitID).Scan(&ok); err != nil {
		return err
	}
	if !ok {
		return &domain.Error{Code: domain.EINVALID, Message: "Skjemaet har feil. Rett opp feltene som er merket.",
			Fields: map[string]string{"assignee_id": "Velg en programrådgiver eller leder i enheten."}}
	}
	return nil
}

func (db *DB) getTask(ctx context.Context, tx pgx.Tx, s domain.Scope, personID, taskID int64, lock bool) (*domain.Deadline, error) {
	where, args := unitScope(s, "p.unit_id", 3)
	sql := taskSelect + ` WHERE t.id = $1 AND t.person_id = $2 AND ` + where
	if lock {
		sql += ` FOR UPDATE OF t`
	}
	rows, err := tx.Query(ctx, sql, append([]any{taskID, personID}, args...)...)
	if err != nil {
		return nil, err
	}
	r, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[deadlineRow])
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, domain.Errorf(domain.ENOTFOUND, "Fant ikke oppgaven.")
	} else if err != nil {
		return nil, err
	}
	d := r.deadline(db.today())
	return &d, nil
}

// GetTask returns a task of a person in scope.
func (db *DB) GetTask(ctx context.Context, s domain.Scope, personID, taskID int64) (*domain.Deadline, error) {
	var out *domain.Deadline
	err := db.WithTx(ctx, func(tx pgx.Tx) error {
		var err error
		out, err = db.getTask(ctx, tx, s, personID, taskID, false)
		return err
	})
	return out, err
}

// CreateTask adds a manual task to a person in scope and audits it. formKey
// is the form's one-time key: a second submit of the same form returns the
// task the first one created.
func (db *DB) CreateTask(ctx context.Context, s domain.Scope, personID int64, in domain.TaskInput, formKey string) (int64, error) {
	if err := s.Role.Require(domain.CapWriteCase); err != nil {
		return 0, err
	}
	var key *string
	if formKey != "" {
		key = &formKey
	}
	var id int64
	err := db.WithTx(ctx, func(tx pgx.Tx) error {
		unit, err := db.personUnit(ctx, tx, s, personID)
		if err != nil {
			return err
		}
		if key != nil {
			var owner int64
			err := tx.QueryRow(ctx, `SELECT id, person_id FROM tasks WHERE form_key = $1`, *key).Scan(&id, &owner)
			if err == nil {
				if owner != personID {
					return domain.Errorf(domain.ECONFLICT, "Skjemaet er allerede brukt. Last siden på nytt.")
				}
				return nil // the first submit created it
			} else if !errors.Is(err, pgx.ErrNoRows) {
				return err
			}
		}
		if err := checkAssignee(ctx, tx, in.AssigneeID, unit); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `
			INSERT INTO tasks (person_id, title, due_date, assignee_id, form_key, created_by, updated_by)
			VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id`,
			personID, in.Title, in.Due, in.AssigneeID, key, s.UserID).Scan(&id); err != nil {
			return err
		}
		return writeAudit(ctx, tx, s, auditEvent{Action: ActionCreate, Entity: entityTask, EntityID: &id, PersonID: &personID,
			Changes: domain.Changes{"title": {New: in.Title}, "due_date": {New: dateStr(&in.Due)},
				"assignee_id": {New: strconv.FormatInt(in.AssigneeID, 10)}}})
	})
	if err != nil {
		if domain.ErrorCode(mapError(err)) == domain.ECONFLICT && domain.ErrorCode(err) == domain.EINTERNAL {
			// Two submits of one form raced on form_key: the other one won.
			return 0, domain.Errorf(domain.ECONFLICT, "Oppgaven er allerede lagret. Last siden på nytt.")
		}
		return 0, err
	}
	return id, nil
}

// UpdateTask saves an edit of a task made on in.Version. An edit on an old
// version returns a *DeadlineStaleError carrying the stored task.
func (db *DB) UpdateTask(ctx context.Context, s domain.Scope, personID, taskID int64, in domain.TaskInput) (*domain.Deadline, error) {
	if err := s.Role.Require(domain.CapWriteCase); err != nil {
		return nil, err
	}
	var out *domain.Deadline
	err := db.WithTx(ctx, func(tx pgx.Tx) error {
		cur, err := db.getTask(ctx, tx, s, personID, taskID, true)
		if err != nil {
			return err
		}
		if cur.Version != in.Version {
			return deadlineConflict(cur)
		}
		changes := domain.Changes{}
		changes.Set("title", cur.Title, in.Title)
		changes.Set("due_date", dateStr(&cur.Due), dateStr(&in.Due))
		if cur.AssigneeID == nil || *cur.AssigneeID != in.AssigneeID {
			changes.Set("assignee_id", idStr(cur.AssigneeID), strconv.FormatInt(in.AssigneeID, 10))
			unit, err := db.personUnit(ctx, tx, s, personID)
			if err != nil {
				return err
			}
			if err := checkAssignee(ctx, tx, in.AssigneeID, unit); err != nil {
				return err
			}
		}
		if len(changes) == 0 {
			out = cur
			return nil
		}
		if _, err := tx.Exec(ctx, `
			UPDATE tasks SET title = $2, due_date = $3, assignee_id = $4,
				version = version + 1, updated_at = now(), updated_by = $5
			WHERE id = $1`, taskID, in.Title, in.Due, in.AssigneeID, s.UserID); err != nil {
			return err
		}
		if err := writeAudit(ctx, tx, s, auditEvent{Action: ActionUpdate, Entity: entityTask, EntityID: &taskID, PersonID: &personID, Changes: changes}); err != nil {
			return err
		}
		out, err = db.getTask(ctx, tx, s, personID, taskID, false)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// MarkTask marks a task done on doneOn, or not done when doneOn is nil,
// based on version; like MarkDeadline, asking for the current state is a
// harmless no-op and an old version gives a *DeadlineStaleError.
func (db *DB) MarkTask(ctx context.Context, s domain.Scope, personID, taskID int64, doneOn *time.Time, version int) (*domain.Deadline, error) {
	if err := s.Role.Require(domain.CapWriteCase); err != nil {
		return nil, err
	}
	var out *domain.Deadline
	err := db.WithTx(ctx, func(tx pgx.Tx) error {
		cur, err := db.getTask(ctx, tx, s, personID, taskID, true)
		if err != nil {
			return err
		}
		if sameDone(cur.DoneOn, doneOn) {
			out = cur
			return nil
		}
		if cur.Version != version {
			return deadlineConflict(cur)
		}
		var by *int64
		if doneOn != nil {
			by = &s.UserID
		}
		if _, err := tx.Exec(ctx, `
			UPDATE tasks SET done_on = $2, done_by = $3, version = version + 1, updated_at = now(), updated_by = $4
			WHERE id = $1`, taskID, doneOn, by, s.UserID); err != nil {
			return err
		}
		if err := writeAudit(ctx, tx, s, auditEvent{Action: ActionUpdate, Entity: entityTask, EntityID: &taskID, PersonID: &personID,
			Changes: domain.Changes{"done_on": {Old: dateStr(cur.DoneOn), New: dateStr(doneOn)}}}); err != nil {
			return err
		}
		out, err = db.getTask(ctx, tx, s, personID, taskID, false)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DeadlineCursor is a position in the deadline list: the sort key of a row
// (due date, deadlines before tasks, id). It travels in URLs as
// "YYYY-MM-DD.d123" (a deadline) or "YYYY-MM-DD.t45" (a task): no names.
type DeadlineCursor struct {
	Due  time.Time
	Task bool
	ID   int64
}

func (c DeadlineCursor) String() string {
	src := "d"
	if c.Task {
		src = "t"
	}
	return c.Due.Format("2006-01-02") + "." + src + strconv.FormatInt(c.ID, 10)
}

// ParseDeadlineCursor reads a cursor written by String.
func ParseDeadlineCursor(s string) (DeadlineCursor, bool) {
	date, rest, ok := strings.Cut(s, ".")
	if !ok || len(rest) < 2 || (rest[0] != 'd' && rest[0] != 't') {
		return DeadlineCursor{}, false
	}
	due, err := time.Parse("2006-01-02", date)
	if err != nil {
		return DeadlineCursor{}, false
	}
	id, err := strconv.ParseInt(rest[1:], 10, 64)
	if err != nil || id <= 0 {
		return DeadlineCursor{}, false
	}
	return DeadlineCursor{Due: due, Task: rest[0] == 't', ID: id}, true
}

// CursorOf is the cursor of a listed row.
func CursorOf(d domain.Deadline) DeadlineCursor {
	return DeadlineCursor{Due: d.Due, Task: d.Kind == domain.KindTask, ID: d.ID}
}

// DeadlineQuery asks for one page of the deadline list (Frister).
type DeadlineQuery struct {
	// Mine: the user's own caseload (persons.caseworker_id) and tasks
	// assigned to the user; otherwise everything in scope.
	Mine bool
	// Kind: "" for all, a rule kind, or domain.KindTask for tasks alone.
	Kind string
	// Desc sorts by due date descending. Overdue items come first either way.
	Desc   bool
	After  *DeadlineCursor
	Before *DeadlineCursor
	Limit  int
	// Reviews also reads the Husbanken reviews due (HusbankenReview), in
	// the first segment's round trip; for roles that read housing.
	Reviews bool
}

// DeadlinePage is one page of the list with whether neighbours exist.
type DeadlinePage struct {
	Rows    []domain.Deadline
	HasNext bool
	HasPrev bool
	Reviews []HusbankenReview
}

// HusbankenReview is a Husbanken application whose next review is within
// domain.HusbankenReviewDays (or past): a line on Frister.
type HusbankenReview struct {
	ID            int64     `db:"id"`
	HouseholdID   int64     `db:"household_id"`
	HouseholdName string    `db:"household_name"`
	Scheme        string    `db:"scheme"`
	NextReview    time.Time `db:"next_review"`
}

// HusbankenReviewLimit is how many reviews Frister lists.
const HusbankenReviewLimit = 50

// queueReviews queues the Husbanken reviews due in scope: within the window
// or past, earliest first; with mine, only households with an active member
// in the user's caseload.
func queueReviews(b *pgx.Batch, s domain.Scope, today time.Time, mine bool, out *[]HusbankenReview) {
	var a sqlArgs
	sql := `SELECT ha.id, ha.household_id, hh.name AS household_name, ha.scheme, ha.next_review
		FROM husbanken_applications ha JOIN households hh ON hh.id = ha.household_id
		WHERE ha.next_review IS NOT NULL AND ha.next_review <= ` + a.add(domain.AddDays(today, domain.HusbankenReviewDays)) + `::date
			AND ha.decision <> 'refused' AND ` + a.scope(s, "hh.unit_id")
	if mine {
		sql += ` AND EXISTS (SELECT 1 FROM household_members m JOIN persons p ON p.id = m.person_id
			WHERE m.household_id = ha.household_id AND m.left_on IS NULL AND p.caseworker_id = ` + a.add(s.UserID) + `)`
	}
	sql += ` ORDER BY ha.next_review, ha.id LIMIT ` + strconv.Itoa(HusbankenReviewLimit)
	b.Queue(sql, a.list...).Query(func(r pgx.Rows) error {
		var err error
		*out, err = pgx.CollectRows(r, pgx.RowToStructByName[HusbankenReview])
		return err
	})
}

// ListDeadlines returns one page of the open deadlines and tasks of active
// persons in scope: overdue first, then by due date (ascending, or
// descending with q.Desc within the overdue and the open part), paged by
// keyset. Health deadlines are listed for the health role alone, and that
// read is audited per person in the same transaction.
func (db *DB) ListDeadlines(ctx context.Context, s domain.Scope, q DeadlineQuery) (DeadlinePage, error) {
	if q.Limit <= 0 || q.Limit > 200 {
		q.Limit = 50
	}
	today := db.today()
	// The list is a sequence of segments, each an index-ordered range of due
	// dates. Ascending: one segment (overdue rows come first by themselves).
	// Descending: the overdue rows, then the rest, each latest first.
	type segment struct{ cond string } // a condition on the due column "%[1]s"
	segs := []segment{{""}}
	if q.Desc {
		segs = []segment{{"%[1]s < $today"}, {"%[1]s >= $today"}}
	}
	backward := q.Before != nil && q.After == nil
	cursor := q.After
	greater := !q.Desc // the scan direction within a segment
	if backward {
		cursor = q.Before
		greater = !greater
		slices.Reverse(segs)
	}
	start := 0
	if cursor != nil && q.Desc {
		overdue := cursor.Due.Before(today)
		if overdue == backward { // the cursor's segment is the second one scanned
			start = 1
		}
	}
	var rows []deadlineRow
	var reviews []HusbankenReview
	wantReviews := q.Reviews && q.Kind == "" && q.After == nil && q.Before == nil && domain.CanReadHousing(s.Role)
	run := func(exec batchQuerier) error {
		rows = nil
		for i := start; i < len(segs) && len(rows) <= q.Limit; i++ {
			c := cursor
			if i != start {
				c = nil
			}
			var extra func(*pgx.Batch)
			if i == start && wantReviews {
				extra = func(b *pgx.Batch) { queueReviews(b, s, today, q.Mine, &reviews) }
			}
			part, err := db.listSegment(ctx, exec, s, q, today, segs[i].cond, c, greater, q.Limit+1-len(rows), extra)
			if err != nil {
				return err
			}
			rows = append(rows, part...)
		}
		return nil
	}
	var page DeadlinePage
	collect := func() {
		page.Reviews = reviews
		rows, page.HasPrev, page.HasNext = trimPage(rows, q.Limit, backward, q.After != nil)
		page.Rows = make([]domain.Deadline, len(rows))
		for i, r := range rows {
			page.Rows[i] = r.deadline(today)
		}
	}
	if !s.Role.Can(domain.CapReadHealth) {
		if err := run(db.Pool); err != nil {
			return DeadlinePage{}, err
		}
		collect()
		return page, nil
	}
	err := db.WithTx(ctx, func(tx pgx.Tx) error {
		if err := run(tx); err != nil {
			return err
		}
		collect()
		return auditHealthReads(ctx, tx, s, page.Rows)
	})
	if err != nil {
		return DeadlinePage{}, err
	}
	return page, nil
}

// listSegment reads up to limit rows of one segment after cursor c in the
// scan direction. Each branch of the union gets its own conditions, so each
// can walk its index: open deadlines and tasks by due date, or a caseload's
// persons through the caseworker index.
func (db *DB) listSegment(ctx context.Context, exec batchQuerier, s domain.Scope, q DeadlineQuery, today time.Time,
	seg string, c *DeadlineCursor, greater bool, limit int, extra func(*pgx.Batch)) ([]deadlineRow, error) {
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	todayArg := ""
	// common are the conditions every branch shares, on due column col and
	// id column id of a branch whose source is task or not.
	common := func(col, id string, task bool) []string {
		scope, sargs := unitScope(s, "p.unit_id", len(args)+1)
		args = append(args, sargs...)
		conds := []string{scope, "p.status = 'active'"}
		if seg != "" {
			if todayArg == "" {
				todayArg = arg(today)
			}
			conds = append(conds, strings.ReplaceAll(fmt.Sprintf(seg, col), "$today", todayArg))
		}
		if c != nil {
			op := "<"
			if greater {
				op = ">"
			}
			switch {
			case task == c.Task:
				conds = append(conds, fmt.Sprintf("(%s, %s) %s (%s, %s)", col, id, op, arg(c.Due), arg(c.ID)))
			case task == greater: // this source sorts after the cursor's on the same day
				conds = append(conds, fmt.Sprintf("%s %s= %s", col, op, arg(c.Due)))
			default:
				conds = append(conds, fmt.Sprintf("%s %s %s", col, op, arg(c.Due)))
			}
		}
		return conds
	}
	dir := "DESC"
	if greater {
		dir = "ASC"
	}
	var branches []string
	if q.Kind != domain.KindTask {
		conds := append(common("d.due_date", "d.id", false), "d.done_on IS NULL", "d.kind <> ALL("+arg(hiddenKinds(s))+")")
		if q.Kind != "" {
			conds = append(conds, "d.kind = "+arg(q.Kind))
		}
		if q.Mine {
			conds = append(conds, "p.caseworker_id = "+arg(s.UserID))
		}
		branches = append(branches, `(`+deadlineSelect+` WHERE `+strings.Join(conds, " AND ")+
			` ORDER BY d.due_date `+dir+`, d.id `+dir+` LIMIT `+strconv.Itoa(limit)+`)`)
	}
	if q.Kind == "" || q.Kind == domain.KindTask {
		taskBranch := func(extra ...string) {
			conds := append(common("t.due_date", "t.id", true), "t.done_on IS NULL")
			conds = append(conds, extra...)
			branches = append(branches, `(`+taskSelect+` WHERE `+strings.Join(conds, " AND ")+
				` ORDER BY t.due_date `+dir+`, t.id `+dir+` LIMIT `+strconv.Itoa(limit)+`)`)
		}
		if q.Mine {
			me := arg(s.UserID)
			taskBranch("t.assignee_id = " + me)
			taskBranch("p.caseworker_id = "+me, "t.assignee_id <> "+me)
		} else {
			taskBranch()
		}
	}
	srcDir := dir // deadlines (false) before tasks (true) in ascending order
	sql := `SELECT id, person_id, person_name, kind, title, due_date, done_on, done_by, version, assignee_id, assignee, caseworker
		FROM (` + strings.Join(branches, " UNION ALL ") + `) x
		ORDER BY due_date ` + dir + `, (kind = 'task') ` + srcDir + `, id ` + dir + `
		LIMIT ` + strconv.Itoa(limit)
	if extra == nil {
		rows, err := exec.Query(ctx, sql, args...)
		if err != nil {
			return nil, err
		}
		return pgx.CollectRows(rows, pgx.RowToStructByName[deadlineRow])
	}
	// Another module's lines ride in the same round trip.
	var out []deadlineRow
	b := &pgx.Batch{}
	b.Queue(sql, args...).Query(func(r pgx.Rows) error {
		var err error
		out, err = pgx.CollectRows(r, pgx.RowToStructByName[deadlineRow])
		return err
	})
	extra(b)
	if err := exec.SendBatch(ctx, b).Close(); err != nil {
		return nil, err
	}
	return out, nil
}

// batchQuerier is a pool or a transaction: queries and batches.
type batchQuerier interface {
	querier
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
}

// deadlineConflict is the conflict of a change based on an old version of a
// deadline or task: cur is the stored one.
func deadlineConflict(cur *domain.Deadline) error {
	what := "fristen"
	if cur != nil && cur.Kind == domain.KindTask {
		what = "oppgaven"
	}
	return &DeadlineStaleError{Current: cur, Message: "Noen andre har endret " + what + " mens du arbeidet med den. Se begge versjonene under."}
}
