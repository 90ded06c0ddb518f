package postgres

import (
	"context"
	"strconv"
	"strings"

	"ankomst/internal/domain"

	"github.com/jackc/pgx/v5"
)

// Housing guidance (boveiledning) and Husbanken applications of a household
// (issue 11, items 4 and 5): read by those who read the household's home,
// written by those who write housing; always scoped by the household's unit.

const (
	entityHousingGuidance      = "housing_guidance"
	entityHusbankenApplication = "husbanken_application"
)

// HusbankenStaleError answers a change of an application based on an old version.
type HusbankenStaleError = ConflictError[*domain.HusbankenApplication]

// HousingSupport is a household's guidance sessions (newest first) and
// Husbanken applications (newest first).
type HousingSupport struct {
	Household    *domain.HouseholdDetail
	Guidance     []domain.GuidanceSession
	Applications []domain.HusbankenApplication
}

const husbankenSelect = `SELECT a.id, a.household_id, a.scheme, a.applied_on, a.decision, a.decided_on,
		a.amount_ore, a.next_review, a.note, a.version
	FROM husbanken_applications a JOIN households h ON h.id = a.household_id`

func (db *DB) husbankenOf(ctx context.Context, q querier, s domain.Scope, householdID, appID int64, lock bool) ([]domain.HusbankenApplication, error) {
	var a sqlArgs
	sql := husbankenSelect + ` WHERE a.household_id = ` + a.add(householdID) + ` AND ` + a.scope(s, "h.unit_id")
	if appID != 0 {
		sql += ` AND a.id = ` + a.add(appID)
	}
	sql += ` ORDER BY a.applied_on DESC, a.id DESC`
	if lock {
		sql += ` FOR UPDATE OF a`
	}
	rows, err := q.Query(ctx, sql, a.list...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByName[domain.HusbankenApplication])
}

// GetHousingSupport returns a household in scope with its guidance sessions
// and Husbanken applications.
func (db *DB) GetHousingSupport(ctx context.Context, s domain.Scope, householdID int64) (*HousingSupport, error) {
	if err := domain.RequireReadHousing(s.Role); err != nil {
		return nil, err
	}
	out := &HousingSupport{}
	b := &pgx.Batch{}
	hd := queueHouseholdDetail(b, s, householdID)
	var ga sqlArgs
	b.Queue(`SELECT g.id, g.household_id, g.held_on, g.topics, g.interpreter_used, g.note
		FROM housing_guidance g JOIN households h ON h.id = g.household_id
		WHERE g.household_id = `+ga.add(householdID)+` AND `+ga.scope(s, "h.unit_id")+`
		ORDER BY g.held_on DESC, g.id DESC`, ga.list...).Query(func(r pgx.Rows) error {
		var err error
		out.Guidance, err = pgx.CollectRows(r, pgx.RowToStructByName[domain.GuidanceSession])
		return err
	})
	var aa sqlArgs
	b.Queue(husbankenSelect+` WHERE a.household_id = `+aa.add(householdID)+` AND `+aa.scope(s, "h.unit_id")+
		` ORDER BY a.applied_on DESC, a.id DESC`, aa.list...).Query(func(r pgx.Rows) error {
		var err error
		out.Applications, err = pgx.CollectRows(r, pgx.RowToStructByName[domain.HusbankenApplication])
		return err
	})
	queueHouseholdAudit(b, s, entityHousingGuidance, householdID)
	if err := db.Pool.SendBatch(ctx, b).Close(); err != nil {
		return nil, err
	}
	var err error
	if out.Household, err = hd(); err != nil {
		return nil, err
	}
	return out, nil
}

// CreateGuidance records a guidance session of a household in scope.
func (db *DB) CreateGuidance(ctx context.Context, s domain.Scope, householdID int64, in domain.GuidanceInput) (int64, error) {
	if err := s.Role.Require(domain.CapWriteHousing); err != nil {
		return 0, err
	}
	var id int64
	err := db.WithTx(ctx, func(tx pgx.Tx) error {
		if _, err := db.getHousehold(ctx, tx, s, householdID, true); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `INSERT INTO housing_guidance (household_id, held_on, topics, interpreter_used, note, created_by)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
			householdID, in.HeldOn, in.Topics, in.Interpreter, in.Note, nilID(s.UserID)).Scan(&id); err != nil {
			return err
		}
		labels := make([]string, len(in.Topics))
		for i, t := range in.Topics {
			labels[i] = domain.Label(domain.GuidanceTopics(), t)
		}
		ch := domain.Changes{}
		ch.Set("guidance_held_on", "", in.HeldOn.Format("2006-01-02"))
		ch.Set("guidance_topics", "", strings.Join(labels, ", "))
		ch.Set("guidance_interpreter", "", strconv.FormatBool(in.Interpreter))
		if in.Note != "" {
			ch["guidance_note"] = domain.Change{Old: "", New: "(endret)"}
		}
		return writeAudit(ctx, tx, s, auditEvent{Action: ActionCreate, Entity: entityHousingGuidance, EntityID: &id, Changes: ch})
	})
	return id, err
}

func amountString(ore *int64) string {
	if ore == nil {
		return ""
	}
	return kroner(*ore)
}

// CreateHusbanken records a Husbanken application of a household in scope.
func (db *DB) CreateHusbanken(ctx context.Context, s domain.Scope, householdID int64, in domain.HusbankenInput) (int64, error) {
	if err := s.Role.Require(domain.CapWriteHousing); err != nil {
		return 0, err
	}
	var id int64
	err := db.WithTx(ctx, func(tx pgx.Tx) error {
		if _, err := db.getHousehold(ctx, tx, s, householdID, true); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `INSERT INTO husbanken_applications (household_id, scheme, applied_on, decision,
				decided_on, amount_ore, next_review, note, created_by, updated_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id`,
			householdID, in.Scheme, in.AppliedOn, in.Decision, in.DecidedOn, in.AmountOre, in.NextReview, in.Note,
			nilID(s.UserID)).Scan(&id); err != nil {
			return err
		}
		ch := domain.Changes{}
		ch.Set("husbanken_scheme", "", in.Scheme)
		ch.Set("husbanken_applied_on", "", in.AppliedOn.Format("2006-01-02"))
		ch.Set("husbanken_decision", "", in.Decision)
		ch.Set("husbanken_decided_on", "", dateString(in.DecidedOn))
		ch.Set("husbanken_amount", "", amountString(in.AmountOre))
		ch.Set("husbanken_next_review", "", dateString(in.NextReview))
		ch.Set("husbanken_note", "", in.Note)
		return writeAudit(ctx, tx, s, auditEvent{Action: ActionCreate, Entity: entityHusbankenApplication, EntityID: &id, Changes: ch})
	})
	return id, err
}

// GetHusbanken returns an application of a household in scope.
func (db *DB) GetHusbanken(ctx context.Context, s domain.Scope, householdID, appID int64) (*domain.HusbankenApplication, error) {
	if err := domain.RequireReadHousing(s.Role); err != nil {
		return nil, err
	}
	as, err := db.husbankenOf(ctx, db.Pool, s, householdID, appID, false)
	if err != nil {
		return nil, err
	}
	if len(as) == 0 {
		return nil, domain.Errorf(domain.ENOTFOUND, "Fant ikke søknaden.")
	}
	return &as[0], nil
}

// UpdateHusbanken records an application's decision, amount, next review
// and note, based on in.Version; an old version gets a *HusbankenStaleError.
func (db *DB) UpdateHusbanken(ctx context.Context, s domain.Scope, householdID, appID int64, in domain.HusbankenInput) (*domain.HusbankenApplication, error) {
	if err := s.Role.Require(domain.CapWriteHousing); err != nil {
		return nil, err
	}
	var out *domain.HusbankenApplication
	err := db.WithTx(ctx, func(tx pgx.Tx) error {
		as, err := db.husbankenOf(ctx, tx, s, householdID, appID, true)
		if err != nil {
			return err
		}
		if len(as) == 0 {
			return domain.Errorf(domain.ENOTFOUND, "Fant ikke søknaden.")
		}
		cur := &as[0]
		if cur.Version != in.Version {
			return &HusbankenStaleError{Current: cur, Message: "Noen andre har endret søknaden mens du arbeidet med den. Ingenting er lagret."}
		}
		if in.DecidedOn != nil && in.DecidedOn.Before(cur.AppliedOn) {
			return invalidField("decided_on", "Vedtaksdato kan ikke være før søknadsdato.")
		}
		if in.NextReview != nil && in.NextReview.Before(cur.AppliedOn) {
			return invalidField("next_review", "Neste revurdering kan ikke være før søknadsdato.")
		}
		if _, err := tx.Exec(ctx, `UPDATE husbanken_applications SET decision = $2, decided_on = $3, amount_ore = $4,
			next_review = $5, note = $6, version = version + 1, updated_at = now(), updated_by = $7 WHERE id = $1`,
			appID, in.Decision, in.DecidedOn, in.AmountOre, in.NextReview, in.Note, nilID(s.UserID)); err != nil {
			return err
		}
		ch := domain.Changes{}
		ch.Set("husbanken_decision", cur.Decision, in.Decision)
		ch.Set("husbanken_decided_on", dateString(cur.DecidedOn), dateString(in.DecidedOn))
		ch.Set("husbanken_amount", amountString(cur.AmountOre), amountString(in.AmountOre))
		ch.Set("husbanken_next_review", dateString(cur.NextReview), dateString(in.NextReview))
		ch.Set("husbanken_note", cur.Note, in.Note)
		if err := writeAudit(ctx, tx, s, auditEvent{Action: ActionUpdate, Entity: entityHusbankenApplication, EntityID: &appID, Changes: ch}); err != nil {
			return err
		}
		as, err = db.husbankenOf(ctx, tx, s, householdID, appID, false)
		if err == nil {
			out = &as[0]
		}
		return err
	})
	return out, err
}
