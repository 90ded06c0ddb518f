package postgres

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"ankomst/internal/domain"

	"github.com/jackc/pgx/v5"
)

// The introduction programme of a person (programmes, programme_pauses,
// persons.permit_date; migration 000013). A person has at most one
// programme row, created by its first saved part; every part is saved on the
// version the user saw (0 before the row exists) and audited with its
// changes. The person's unit is the scope of all of it.

// ProgrammeView is a person's programme with what the page computes from:
// the person, the permit date, the programme row (Version 0 when there is
// none yet), its pauses by start date and the rate table.
type ProgrammeView struct {
	Person     *domain.Person
	PermitDate *time.Time
	Programme  domain.Programme
	Pauses     []domain.Pause
	Rates      domain.RateTable
}

// Pause finds one of the programme's pauses.
func (v *ProgrammeView) Pause(id int64) *domain.Pause {
	for i := range v.Pauses {
		if v.Pauses[i].ID == id {
			return &v.Pauses[i]
		}
	}
	return nil
}

// ProgrammeStaleError answers a change based on an old version of the
// programme, a pause or the person (the permit date): Current is the stored
// programme.
type ProgrammeStaleError = ConflictError[*ProgrammeView]

const programmeStaleMessage = "Programmet er endret av noen andre siden du åpnet skjemaet. Ingenting er lagret."

const programmeColumns = `g.person_id, g.rule_set_override, g.rule_set_reason, g.mapping_done_on, g.mapping_by,
	g.guidance_done_on, g.guidance_by, g.decision, g.refusal_reason, g.decision_date, g.start_date, g.planned_end,
	g.extension_months, g.end_goal, g.has_upper_secondary, g.norwegian_goal, g.contract_signed_on,
	g.lives_with_parents, g.ended_on, g.end_reason, g.end_activity, g.version, g.updated_at`

const pauseColumns = `pa.id, pa.person_id, pa.kind, pa.reason, pa.from_date, pa.to_date, pa.version`

// mergedRefusal refuses changes to a registration merged into another.
var mergedRefusal = domain.Errorf(domain.ECONFLICT, "Registreringen er slått sammen med en annen. Endre programmet på den gjenværende registreringen.")

// readProgramme reads the programme parts of a person already known to be in
// scope (the caller has read the person within it), optionally locking the
// programme row.
func (db *DB) readProgramme(ctx context.Context, q querier, p *domain.Person, lock bool) (*ProgrammeView, error) {
	v := &ProgrammeView{Person: p, Programme: domain.Programme{PersonID: p.ID}}
	if err := q.QueryRow(ctx, `SELECT permit_date FROM persons WHERE id = $1`, p.ID).Scan(&v.PermitDate); err != nil {
		return nil, err
	}
	sql := `SELECT ` + programmeColumns + ` FROM programmes g WHERE g.person_id = $1`
	if lock {
		sql += ` FOR UPDATE`
	}
	rows, err := q.Query(ctx, sql, p.ID)
	if err != nil {
		return nil, err
	}
	prog, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[domain.Programme])
	switch {
	case errors.Is(err, pgx.ErrNoRows):
	case err != nil:
		return nil, err
	default:
		v.Programme = prog
	}
	if rows, err = q.Query(ctx, `SELECT `+pauseColumns+` FROM programme_pauses pa WHERE pa.person_id = $1 ORDER BY pa.from_date, pa.id`, p.ID); err != nil {
		return nil, err
	}
	if v.Pauses, err = pgx.CollectRows(rows, pgx.RowToStructByName[domain.Pause]); err != nil {
		return nil, err
	}
	if rows, err = q.Query(ctx, rateTableSQL); err != nil {
		return nil, err
	}
	v.Rates, err = pgx.CollectRows(rows, pgx.RowToStructByName[domain.Rate])
	return v, err
}

// GetProgramme reads a person's programme within scope and audits the read,
// in one round trip: the person, the permit date, the programme, its pauses
// and the rates, then the audit row (written only for a person in scope), in
// one pgx.Batch (an implicit transaction).
func (db *DB) GetProgramme(ctx context.Context, s domain.Scope, personID int64) (*ProgrammeView, error) {
	if err := s.Role.Require(domain.CapProgramme); err != nil {
		return nil, err
	}
	var (
		b     pgx.Batch
		p     *domain.Person
		v     = &ProgrammeView{Programme: domain.Programme{PersonID: personID}}
		where string
		args  []any
	)
	where, args = unitScope(s, "p.unit_id", 2)
	b.Queue(`SELECT `+personColumns+` FROM `+personFrom+` WHERE p.id = $1 AND `+where, append([]any{personID}, args...)...).
		Query(func(rows pgx.Rows) error {
			var err error
			p, err = pgx.CollectExactlyOneRow(rows, pgx.RowToAddrOfStructByName[domain.Person])
			if errors.Is(err, pgx.ErrNoRows) {
				return nil
			}
			return err
		})
	// The reads below are of the person's own rows; they are used only when
	// the person above is in scope.
	b.Queue(`SELECT permit_date FROM persons WHERE id = $1`, personID).QueryRow(func(row pgx.Row) error {
		err := row.Scan(&v.PermitDate)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		return err
	})
	b.Queue(`SELECT `+programmeColumns+` FROM programmes g WHERE g.person_id = $1`, personID).Query(func(rows pgx.Rows) error {
		prog, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[domain.Programme])
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			return nil
		case err != nil:
			return err
		}
		v.Programme = prog
		return nil
	})
	b.Queue(`SELECT `+pauseColumns+` FROM programme_pauses pa WHERE pa.person_id = $1 ORDER BY pa.from_date, pa.id`, personID).
		Query(func(rows pgx.Rows) error {
			var err error
			v.Pauses, err = pgx.CollectRows(rows, pgx.RowToStructByName[domain.Pause])
			return err
		})
	queueRateTable(&b, &v.Rates)
	queueViewAudit(&b, s, domain.EntityProgramme, personID)
	if err := db.Pool.SendBatch(ctx, &b).Close(); err != nil {
		return nil, err
	}
	if p == nil {
		return nil, domain.Errorf(domain.ENOTFOUND, "Fant ikke personen.")
	}
	v.Person = p
	return v, nil
}

// ProgrammeInScope reports whether the person is in scope for the programme
// (nil, ENOTFOUND or EFORBIDDEN), without reading or auditing anything.
func (db *DB) ProgrammeInScope(ctx context.Context, s domain.Scope, personID int64) error {
	if err := s.Role.Require(domain.CapProgramme); err != nil {
		return err
	}
	return db.PersonInScope(ctx, s, personID)
}

// reread reads the person and the programme again after a change.
func (db *DB) reread(ctx context.Context, tx pgx.Tx, s domain.Scope, personID int64, out **ProgrammeView) error {
	p, err := db.getPerson(ctx, tx, s, personID, false)
	if err != nil {
		return err
	}
	*out, err = db.readProgramme(ctx, tx, p, false)
	return err
}

// colSet is one column of a programme write with its new value.
type colSet struct {
	col string
	val any
}

// progTx runs a programme change in one transaction: the person in scope
// and locked (not merged), the programme row locked; change computes the
// columns to set and the audit changes from the stored programme. No change
// is a success whatever the version (a double submit writes nothing);
// otherwise the version must match, then the row is written (created on the
// first part) with version + 1 and its audit row.
func (db *DB) progTx(ctx context.Context, s domain.Scope, personID int64, version int,
	change func(tx pgx.Tx, v *ProgrammeView) ([]colSet, domain.Changes, error)) (*ProgrammeView, error) {
	if err := s.Role.Require(domain.CapProgramme); err != nil {
		return nil, err
	}
	var out *ProgrammeView
	err := db.WithTx(ctx, func(tx pgx.Tx) error {
		p, err := db.getPerson(ctx, tx, s, personID, true)
		if err != nil {
			return err
		}
		if p.Status == domain.StatusMerged {
			return mergedRefusal
		}
		v, err := db.readProgramme(ctx, tx, p, true)
		if err != nil {
			return err
		}
		sets, ch, err := change(tx, v)
		if err != nil {
			return err
		}
		if len(ch) > 0 {
			if v.Programme.Version != version {
				return &ProgrammeStaleError{Current: v, Message: programmeStaleMessage}
			}
			if err := upsertProgramme(ctx, tx, s, personID, sets); err != nil {
				return err
			}
			action := ActionUpdate
			if v.Programme.Version == 0 {
				action = ActionCreate
			}
			if err := writeAudit(ctx, tx, s, auditEvent{Action: action, Entity: domain.EntityProgramme, EntityID: &personID, PersonID: &personID, Changes: ch}); err != nil {
				return err
			}
		}
		return db.reread(ctx, tx, s, personID, &out)
	})
	return out, err
}

// upsertProgramme writes the columns (names from code, never from input),
// creating the row on the first part.
func upsertProgramme(ctx context.Context, tx pgx.Tx, s domain.Scope, personID int64, sets []colSet) error {
	cols := []string{"person_id", "created_by", "updated_by"}
	args := []any{personID, s.UserID, s.UserID}
	var upd []string
	for _, c := range sets {
		cols = append(cols, c.col)
		args = append(args, c.val)
		upd = append(upd, c.col+" = EXCLUDED."+c.col)
	}
	ph := make([]string, len(cols))
	for i := range cols {
		ph[i] = "$" + strconv.Itoa(i+1)
	}
	_, err := tx.Exec(ctx, `INSERT INTO programmes (`+strings.Join(cols, ", ")+`) VALUES (`+strings.Join(ph, ", ")+`)
		ON CONFLICT (person_id) DO UPDATE SET `+strings.Join(upd, ", ")+`,
			version = programmes.version + 1, updated_at = now(), updated_by = EXCLUDED.updated_by`, args...)
	return mapError(err)
}

// diff collects the changed columns and their audit changes.
type diff struct {
	sets []colSet
	ch   domain.Changes
}

func (d *diff) add(col string, old, new string, val any) {
	d.sets = append(d.sets, colSet{col, val})
	if old != new {
		if d.ch == nil {
			d.ch = domain.Changes{}
		}
		d.ch[col] = domain.Change{Old: old, New: new}
	}
}

func optStr(s *string) *string {
	if s == nil || *s == "" {
		return nil
	}
	return s
}

// SaveRuleSet saves the person's permit date (on the person's version; the
// person's own audit row) and the programme's rule set override with its
// reason (on the programme's version).
func (db *DB) SaveRuleSet(ctx context.Context, s domain.Scope, personID int64, in domain.RuleSetInput) (*ProgrammeView, error) {
	return db.progTx(ctx, s, personID, in.Version, func(tx pgx.Tx, v *ProgrammeView) ([]colSet, domain.Changes, error) {
		if !sameDay(v.PermitDate, in.PermitDate) {
			if v.Person.Version != in.PersonVersion {
				return nil, nil, &ProgrammeStaleError{Current: v, Message: "Personen er endret av noen andre siden du åpnet skjemaet. Ingenting er lagret."}
			}
			if _, err := tx.Exec(ctx, `UPDATE persons SET permit_date = $2, version = version + 1, updated_at = now(), updated_by = $3 WHERE id = $1`,
				personID, in.PermitDate, s.UserID); err != nil {
				return nil, nil, err
			}
			if err := writeAudit(ctx, tx, s, auditEvent{Action: ActionUpdate, Entity: domain.EntityPerson, EntityID: &personID, PersonID: &personID,
				Changes: domain.Changes{"permit_date": {Old: dateStr(v.PermitDate), New: dateStr(in.PermitDate)}}}); err != nil {
				return nil, nil, err
			}
		}
		var d diff
		d.add("rule_set_override", strPtr(v.Programme.RuleSetOverride), in.Override, optStr(&in.Override))
		d.add("rule_set_reason", v.Programme.RuleSetReason, in.Reason, in.Reason)
		return d.sets, d.ch, nil
	})
}

func sameDay(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return a.Equal(*b)
}

// SaveMapping saves competence mapping and career guidance.
func (db *DB) SaveMapping(ctx context.Context, s domain.Scope, personID int64, in domain.MappingInput) (*ProgrammeView, error) {
	return db.progTx(ctx, s, personID, in.Version, func(_ pgx.Tx, v *ProgrammeView) ([]colSet, domain.Changes, error) {
		p := v.Programme
		var d diff
		d.add("mapping_done_on", dateStr(p.MappingDoneOn), dateStr(in.MappingDoneOn), in.MappingDoneOn)
		d.add("mapping_by", p.MappingBy, in.MappingBy, in.MappingBy)
		d.add("guidance_done_on", dateStr(p.GuidanceDoneOn), dateStr(in.GuidanceDoneOn), in.GuidanceDoneOn)
		d.add("guidance_by", p.GuidanceBy, in.GuidanceBy, in.GuidanceBy)
		return d.sets, d.ch, nil
	})
}

// SaveDecision saves the decision (vedtak) with the plan's goals. A grant's
// planned end is checked against the allowed duration (domain.CheckDuration,
// rates on the start date, the person's age then). In the same transaction
// the person's programme-offer deadline is marked met on the decision date
// when it is still open.
func (db *DB) SaveDecision(ctx context.Context, s domain.Scope, personID int64, in domain.DecisionInput) (*ProgrammeView, error) {
	return db.progTx(ctx, s, personID, in.Version, func(tx pgx.Tx, v *ProgrammeView) ([]colSet, domain.Changes, error) {
		if err := domain.CheckDuration(v.Rates, in, v.Person.BirthDate); err != nil {
			return nil, nil, err
		}
		if p := v.Programme; p.EndedOn != nil && in.StartDate != nil && p.EndedOn.Before(*in.StartDate) {
			return nil, nil, &domain.Error{Code: domain.EINVALID, Message: "Skjemaet har feil. Rett opp feltene som er merket.",
				Fields: map[string]string{"start_date": "Startdato kan ikke være etter at programmet ble avsluttet (" + domain.FormatDate(p.EndedOn) + ")."}}
		}
		p := v.Programme
		var goal *string
		if in.EndGoal != "" && in.Decision == domain.DecisionGranted {
			goal = &in.EndGoal
		}
		var d diff
		d.add("decision", strPtr(p.Decision), in.Decision, in.Decision)
		d.add("refusal_reason", p.RefusalReason, in.RefusalReason, in.RefusalReason)
		d.add("decision_date", dateStr(p.DecisionDate), dateStr(&in.DecisionDate), in.DecisionDate)
		d.add("start_date", dateStr(p.StartDate), dateStr(in.StartDate), in.StartDate)
		d.add("planned_end", dateStr(p.PlannedEnd), dateStr(in.PlannedEnd), in.PlannedEnd)
		d.add("extension_months", strconv.Itoa(p.ExtensionMonths), strconv.Itoa(in.ExtensionMonths), in.ExtensionMonths)
		d.add("end_goal", strPtr(p.EndGoal), strPtr(goal), goal)
		d.add("has_upper_secondary", strconv.FormatBool(p.HasUpperSecondary), strconv.FormatBool(in.HasUpperSecondary), in.HasUpperSecondary)
		d.add("norwegian_goal", p.NorwegianGoal, in.NorwegianGoal, in.NorwegianGoal)
		d.add("lives_with_parents", strconv.FormatBool(p.LivesWithParents), strconv.FormatBool(in.LivesWithParents), in.LivesWithParents)
		if len(d.ch) > 0 && p.Version == in.Version {
			if err := markOfferMet(ctx, tx, s, personID, in.DecisionDate); err != nil {
				return nil, nil, err
			}
		}
		return d.sets, d.ch, nil
	})
}

// markOfferMet marks the person's open programme-offer deadline done on the
// decision date, with its own audit row (as MarkDeadline writes).
func markOfferMet(ctx context.Context, tx pgx.Tx, s domain.Scope, personID int64, on time.Time) error {
	var id int64
	err := tx.QueryRow(ctx, `UPDATE deadlines SET done_on = $3, done_by = $4, version = version + 1, updated_at = now(), updated_by = $4
		WHERE person_id = $1 AND kind = $2 AND done_on IS NULL RETURNING id`,
		personID, domain.KindProgrammeOffer, on, s.UserID).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	return writeAudit(ctx, tx, s, auditEvent{Action: ActionUpdate, Entity: entityDeadline, EntityID: &id, PersonID: &personID,
		Changes: domain.Changes{"done_on": {Old: "", New: dateStr(&on)}},
		Details: &domain.AuditDetails{DeadlineKind: domain.KindProgrammeOffer}})
}

// SaveContract saves (or clears) the integration contract's signed date.
func (db *DB) SaveContract(ctx context.Context, s domain.Scope, personID int64, in domain.ContractInput) (*ProgrammeView, error) {
	return db.progTx(ctx, s, personID, in.Version, func(_ pgx.Tx, v *ProgrammeView) ([]colSet, domain.Changes, error) {
		var d diff
		d.add("contract_signed_on", dateStr(v.Programme.ContractSignedOn), dateStr(in.SignedOn), in.SignedOn)
		return d.sets, d.ch, nil
	})
}

// EndProgramme ends the programme with an end reason and the main activity
// at the end (domain.CheckEnd).
func (db *DB) EndProgramme(ctx context.Context, s domain.Scope, personID int64, in domain.EndInput) (*ProgrammeView, error) {
	return db.progTx(ctx, s, personID, in.Version, func(_ pgx.Tx, v *ProgrammeView) ([]colSet, domain.Changes, error) {
		if err := domain.CheckEnd(v.Programme, in); err != nil {
			return nil, nil, err
		}
		p := v.Programme
		var d diff
		d.add("ended_on", dateStr(p.EndedOn), dateStr(&in.EndedOn), in.EndedOn)
		d.add("end_reason", p.EndReason, in.EndReason, in.EndReason)
		d.add("end_activity", p.EndActivity, in.EndActivity, in.EndActivity)
		return d.sets, d.ch, nil
	})
}

// pauseChanges lists a pause's changed fields (a new one from "").
func pauseChanges(old *domain.Pause, in domain.PauseInput) domain.Changes {
	ch := domain.Changes{}
	var o domain.Pause
	if old != nil {
		o = *old
	}
	add := func(k, a, b string) {
		if a != b {
			ch[k] = domain.Change{Old: a, New: b}
		}
	}
	add("pause_kind", o.Kind, in.Kind)
	add("reason", o.Reason, in.Reason)
	from := ""
	if old != nil {
		from = dateStr(&o.From)
	}
	add("from_date", from, dateStr(&in.From))
	add("to_date", dateStr(o.To), dateStr(in.To))
	return ch
}

// pauseTx locks the person (in scope, not merged) and reads the programme
// for a pause change.
func (db *DB) pauseTx(ctx context.Context, s domain.Scope, personID int64, fn func(tx pgx.Tx, v *ProgrammeView) error) (*ProgrammeView, error) {
	if err := s.Role.Require(domain.CapProgramme); err != nil {
		return nil, err
	}
	var out *ProgrammeView
	err := db.WithTx(ctx, func(tx pgx.Tx) error {
		p, err := db.getPerson(ctx, tx, s, personID, true)
		if err != nil {
			return err
		}
		if p.Status == domain.StatusMerged {
			return mergedRefusal
		}
		v, err := db.readProgramme(ctx, tx, p, true)
		if err != nil {
			return err
		}
		if err := fn(tx, v); err != nil {
			return err
		}
		return db.reread(ctx, tx, s, personID, &out)
	})
	return out, err
}

// AddPause registers a leave or an interruption (domain.CheckPause).
func (db *DB) AddPause(ctx context.Context, s domain.Scope, personID int64, in domain.PauseInput) (*ProgrammeView, error) {
	return db.pauseTx(ctx, s, personID, func(tx pgx.Tx, v *ProgrammeView) error {
		if err := domain.CheckPause(v.Programme, v.Pauses, 0, in); err != nil {
			return err
		}
		var id int64
		if err := tx.QueryRow(ctx, `INSERT INTO programme_pauses (person_id, kind, reason, from_date, to_date, created_by, updated_by)
			VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id`, personID, in.Kind, in.Reason, in.From, in.To, s.UserID).Scan(&id); err != nil {
			return mapError(err)
		}
		return writeAudit(ctx, tx, s, auditEvent{Action: ActionCreate, Entity: domain.EntityProgrammePause, EntityID: &id, PersonID: &personID,
			Changes: pauseChanges(nil, in)})
	})
}

// pauseNotFound is the answer for a pause that is not the person's.
var pauseNotFound = domain.Errorf(domain.ENOTFOUND, "Fant ikke permisjonen eller avbruddet.")

// UpdatePause changes a pause on the version the user saw; the same values
// again are a success whatever the version.
func (db *DB) UpdatePause(ctx context.Context, s domain.Scope, personID, pauseID int64, in domain.PauseInput) (*ProgrammeView, error) {
	return db.pauseTx(ctx, s, personID, func(tx pgx.Tx, v *ProgrammeView) error {
		cur := v.Pause(pauseID)
		if cur == nil {
			return pauseNotFound
		}
		ch := pauseChanges(cur, in)
		if len(ch) == 0 {
			return nil
		}
		if cur.Version != in.Version {
			return &ProgrammeStaleError{Current: v, Message: "Permisjonen eller avbruddet er endret av noen andre siden du åpnet skjemaet. Ingenting er lagret."}
		}
		if err := domain.CheckPause(v.Programme, v.Pauses, pauseID, in); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE programme_pauses SET kind = $2, reason = $3, from_date = $4, to_date = $5,
				version = version + 1, updated_at = now(), updated_by = $6 WHERE id = $1`,
			pauseID, in.Kind, in.Reason, in.From, in.To, s.UserID); err != nil {
			return mapError(err)
		}
		return writeAudit(ctx, tx, s, auditEvent{Action: ActionUpdate, Entity: domain.EntityProgrammePause, EntityID: &pauseID, PersonID: &personID, Changes: ch})
	})
}

// ResumePause ends an ongoing pause on day (gjenoppta): its to date becomes
// day, which may not be before its start.
func (db *DB) ResumePause(ctx context.Context, s domain.Scope, personID, pauseID int64, version int, day time.Time) (*ProgrammeView, error) {
	return db.pauseTx(ctx, s, personID, func(tx pgx.Tx, v *ProgrammeView) error {
		cur := v.Pause(pauseID)
		if cur == nil {
			return pauseNotFound
		}
		if cur.To != nil && cur.Version != version {
			return nil // resumed already (a double submit)
		}
		if cur.Version != version {
			return &ProgrammeStaleError{Current: v, Message: "Permisjonen eller avbruddet er endret av noen andre siden du åpnet skjemaet. Ingenting er lagret."}
		}
		if cur.To != nil {
			return domain.Errorf(domain.ECONFLICT, "Permisjonen eller avbruddet er allerede avsluttet.")
		}
		if day.Before(cur.From) {
			return &domain.Error{Code: domain.EINVALID, Message: "Skjemaet har feil. Rett opp feltene som er merket.",
				Fields: map[string]string{"to_date": "Kan ikke gjenopptas før permisjonen eller avbruddet har startet (" + domain.FormatDate(&cur.From) + ")."}}
		}
		in := domain.PauseInput{Kind: cur.Kind, Reason: cur.Reason, From: cur.From, To: &day}
		if _, err := tx.Exec(ctx, `UPDATE programme_pauses SET to_date = $2, version = version + 1, updated_at = now(), updated_by = $3 WHERE id = $1`,
			pauseID, day, s.UserID); err != nil {
			return err
		}
		return writeAudit(ctx, tx, s, auditEvent{Action: ActionUpdate, Entity: domain.EntityProgrammePause, EntityID: &pauseID, PersonID: &personID, Changes: pauseChanges(cur, in)})
	})
}

// DeletePause removes a pause registered in error, on its version.
func (db *DB) DeletePause(ctx context.Context, s domain.Scope, personID, pauseID int64, version int) (*ProgrammeView, error) {
	return db.pauseTx(ctx, s, personID, func(tx pgx.Tx, v *ProgrammeView) error {
		cur := v.Pause(pauseID)
		if cur == nil {
			return pauseNotFound
		}
		if cur.Version != version {
			return &ProgrammeStaleError{Current: v, Message: "Permisjonen eller avbruddet er endret av noen andre siden du åpnet skjemaet. Ingenting er slettet."}
		}
		if _, err := tx.Exec(ctx, `DELETE FROM programme_pauses WHERE id = $1`, pauseID); err != nil {
			return err
		}
		ch := pauseChanges(nil, domain.PauseInput{Kind: cur.Kind, Reason: cur.Reason, From: cur.From, To: cur.To})
		for k, c := range ch {
			ch[k] = domain.Change{Old: c.New, New: ""}
		}
		return writeAudit(ctx, tx, s, auditEvent{Action: domain.ActionDelete, Entity: domain.EntityProgrammePause, EntityID: &pauseID, PersonID: &personID, Changes: ch})
	})
}
