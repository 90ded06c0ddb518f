package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	"ankomst/internal/domain"

	"github.com/jackc/pgx/v5"
)

// Weekly plans (ukeplan, plan_versions and plan_elements of migration
// 000013): append-only in use. A change is a new version from a date with
// all its elements; nothing is updated. The version in force on a day is
// the one with the latest valid_from on or before it (domain.VersionOn).

// PlanData is what the plan pages read about a person: the name, the
// programme the plan is checked against (with the dated rates) and every
// version with its elements, newest valid_from first.
type PlanData struct {
	PersonID   int64
	PersonName string
	Programme  domain.PlanContext
	Versions   []domain.PlanVersionInfo
	// Placements are the person's work-practice placements that hold some
	// day (their hours count in the week sums; placement.go).
	Placements []domain.Placement
}

// Plain returns the versions without their creators, for the domain's
// week sums.
func (d *PlanData) Plain() []domain.PlanVersion {
	out := make([]domain.PlanVersion, len(d.Versions))
	for i, v := range d.Versions {
		out[i] = v.PlanVersion
	}
	return out
}

// Version finds a version by id (nil when the person has none such).
func (d *PlanData) Version(id int64) *domain.PlanVersionInfo {
	for i := range d.Versions {
		if d.Versions[i].ID == id {
			return &d.Versions[i]
		}
	}
	return nil
}

// planVersionRow is a version as read, its elements as one JSON array.
type planVersionRow struct {
	ID            int64           `db:"id"`
	PersonID      int64           `db:"person_id"`
	ValidFrom     time.Time       `db:"valid_from"`
	SelfStudy     bool            `db:"self_study"`
	Comment       string          `db:"comment"`
	CreatedAt     time.Time       `db:"created_at"`
	CreatedByName string          `db:"created_by_name"`
	Elements      json.RawMessage `db:"elements"`
}

// planElementJSON is an element inside the versions' json_agg.
type planElementJSON struct {
	ID             int64   `json:"id"`
	Kind           string  `json:"kind"`
	Description    string  `json:"description"`
	MinutesPerWeek int     `json:"minutes_per_week"`
	Weekdays       []int16 `json:"weekdays"`
	From           *string `json:"from_date"`
	To             *string `json:"to_date"`
}

func jsonDate(s *string) (*time.Time, error) {
	if s == nil {
		return nil, nil
	}
	d, err := time.Parse("2006-01-02", *s)
	if err != nil {
		return nil, err
	}
	return &d, nil
}

func (r planVersionRow) version() (domain.PlanVersionInfo, error) {
	v := domain.PlanVersionInfo{CreatedByName: r.CreatedByName, PlanVersion: domain.PlanVersion{
		ID: r.ID, PersonID: r.PersonID, ValidFrom: r.ValidFrom, SelfStudy: r.SelfStudy, Comment: r.Comment, CreatedAt: r.CreatedAt,
	}}
	var els []planElementJSON
	if err := json.Unmarshal(r.Elements, &els); err != nil {
		return v, err
	}
	for _, e := range els {
		el := domain.PlanElement{ID: e.ID, Kind: e.Kind, Description: e.Description, MinutesPerWeek: e.MinutesPerWeek, Weekdays: e.Weekdays}
		var err error
		if el.From, err = jsonDate(e.From); err != nil {
			return v, err
		}
		if el.To, err = jsonDate(e.To); err != nil {
			return v, err
		}
		v.Elements = append(v.Elements, el)
	}
	return v, nil
}

// planVersionsSQL reads a person's versions with their elements in one
// statement (the elements as a json_agg per version), scoped by the
// person's unit, newest first. Arguments: $1 the person, then the scope's;
// with onDay one more, a day: only the version in force that day.
func planVersionsSQL(s domain.Scope, onDay bool) (string, []any) {
	where, args := unitScope(s, "p.unit_id", 2)
	extra, limit := "", ""
	if onDay {
		extra = ` AND v.valid_from <= $` + strconv.Itoa(len(args)+2)
		limit = ` LIMIT 1`
	}
	return `
		SELECT v.id, v.person_id, v.valid_from, v.self_study, v.comment, v.created_at,
			coalesce(u.name, '') AS created_by_name,
			coalesce((SELECT json_agg(json_build_object('id', e.id, 'kind', e.kind, 'description', e.description,
					'minutes_per_week', e.minutes_per_week, 'weekdays', e.weekdays,
					'from_date', e.from_date, 'to_date', e.to_date) ORDER BY e.position, e.id)
				FROM plan_elements e WHERE e.plan_version_id = v.id), '[]'::json) AS elements
		FROM plan_versions v JOIN persons p ON p.id = v.person_id LEFT JOIN users u ON u.id = v.created_by
		WHERE v.person_id = $1 AND ` + where + extra + `
		ORDER BY v.valid_from DESC, v.id DESC` + limit, args
}

func collectPlanVersions(rows pgx.Rows) ([]domain.PlanVersionInfo, error) {
	rs, err := pgx.CollectRows(rows, pgx.RowToStructByName[planVersionRow])
	if err != nil {
		return nil, err
	}
	out := make([]domain.PlanVersionInfo, 0, len(rs))
	for _, r := range rs {
		v, err := r.version()
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// planProgrammeSQL reads the person's programme as the plan needs it
// (granted, start, planned end); no row when there is none.
func planProgrammeSQL(s domain.Scope) (string, []any) {
	where, args := unitScope(s, "p.unit_id", 2)
	return `SELECT pr.decision IS NOT DISTINCT FROM 'granted', pr.start_date, pr.planned_end
		FROM programmes pr JOIN persons p ON p.id = pr.person_id
		WHERE pr.person_id = $1 AND ` + where, args
}

// PersonPlan reads a person's weekly plan in one round trip (a batch: the
// person's name, the programme, every version with its elements, the rates,
// and the audit row of the read). A person outside the scope is ENOTFOUND.
func (db *DB) PersonPlan(ctx context.Context, s domain.Scope, personID int64) (*PlanData, error) {
	if err := s.Role.Require(domain.CapProgramme); err != nil {
		return nil, err
	}
	out := &PlanData{PersonID: personID}
	found := false
	var b pgx.Batch
	where, args := unitScope(s, "p.unit_id", 2)
	b.Queue(`SELECT p.given_name || ' ' || p.family_name FROM persons p WHERE p.id = $1 AND `+where,
		append([]any{personID}, args...)...).QueryRow(func(row pgx.Row) error {
		err := row.Scan(&out.PersonName)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		found = err == nil
		return err
	})
	sql, args := planProgrammeSQL(s)
	b.Queue(sql, append([]any{personID}, args...)...).QueryRow(func(row pgx.Row) error {
		pc := &out.Programme
		err := row.Scan(&pc.Granted, &pc.Start, &pc.PlannedEnd)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		return err
	})
	sql, args = planVersionsSQL(s, false)
	b.Queue(sql, append([]any{personID}, args...)...).Query(func(rows pgx.Rows) error {
		var err error
		out.Versions, err = collectPlanVersions(rows)
		return err
	})
	queueRateTable(&b, &out.Programme.Rates)
	var pa sqlArgs
	b.Queue(placementsOfPersonSQL(&pa, s, personID, time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2100, 12, 31, 0, 0, 0, 0, time.UTC)),
		pa.list...).Query(func(rows pgx.Rows) error {
		var err error
		out.Placements, err = pgx.CollectRows(rows, pgx.RowToStructByName[domain.Placement])
		return err
	})
	queueViewAudit(&b, s, domain.EntityPlanVersion, personID)
	if err := db.Pool.SendBatch(ctx, &b).Close(); err != nil {
		return nil, err
	}
	if !found {
		return nil, domain.Errorf(domain.ENOTFOUND, "Fant ikke personen.")
	}
	return out, nil
}

// PlanVersionOn returns the person's version in force on day with its
// elements; ENOTFOUND when the person is outside the scope or has no
// version in force that day.
func (db *DB) PlanVersionOn(ctx context.Context, s domain.Scope, personID int64, day time.Time) (*domain.PlanVersionInfo, error) {
	if err := s.Role.Require(domain.CapProgramme); err != nil {
		return nil, err
	}
	sql, args := planVersionsSQL(s, true)
	args = append(append([]any{personID}, args...), domain.Date(day))
	rows, err := db.Pool.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	vs, err := collectPlanVersions(rows)
	if err != nil {
		return nil, err
	}
	if len(vs) == 0 {
		return nil, domain.Errorf(domain.ENOTFOUND, "Ingen ukeplan gjelder den dagen.")
	}
	return &vs[0], nil
}

// PlanSaved is the outcome of CreatePlanVersion: the version's id (the
// first submit's when the form was sent before: Repeat) and the checked
// plan with its weeks, which a refusal for the weeks carries too.
type PlanSaved struct {
	ID     int64
	Repeat bool
	Check  domain.PlanCheck
}

// CreatePlanVersion checks a new version of a person's weekly plan against
// the programme and the rates in force (domain.PlanForm.Validate) and
// stores it with its elements and the audit row, in one transaction. The
// person must be in the scope (ENOTFOUND) and have a granted programme
// decision (EINVALID with domain.PlanNotGranted). formKey is the form's
// one-time key: a second submit of the same form makes no second version
// and returns the first one's id. Creations for one person are serialised
// on the person's row.
func (db *DB) CreatePlanVersion(ctx context.Context, s domain.Scope, personID int64, f domain.PlanForm, formKey string) (PlanSaved, error) {
	var out PlanSaved
	if err := s.Role.Require(domain.CapProgramme); err != nil {
		return out, err
	}
	var key *string
	if formKey != "" {
		key = &formKey
	}
	err := db.WithTx(ctx, func(tx pgx.Tx) error {
		var c domain.PlanContext
		var decision *string
		where, args := unitScope(s, "p.unit_id", 2)
		err := tx.QueryRow(ctx, `
			SELECT (SELECT pr.decision FROM programmes pr WHERE pr.person_id = p.id),
				(SELECT pr.start_date FROM programmes pr WHERE pr.person_id = p.id),
				(SELECT pr.planned_end FROM programmes pr WHERE pr.person_id = p.id)
			FROM persons p WHERE p.id = $1 AND `+where+`
			FOR NO KEY UPDATE OF p`, append([]any{personID}, args...)...).Scan(&decision, &c.Start, &c.PlannedEnd)
		if errors.Is(err, pgx.ErrNoRows) {
			return domain.Errorf(domain.ENOTFOUND, "Fant ikke personen.")
		} else if err != nil {
			return err
		}
		c.Granted = decision != nil && *decision == "granted"
		if key != nil {
			var owner int64
			err := tx.QueryRow(ctx, `SELECT id, person_id FROM plan_versions WHERE form_key = $1`, *key).Scan(&out.ID, &owner)
			if err == nil {
				if owner != personID {
					return domain.Errorf(domain.ECONFLICT, "Skjemaet er allerede brukt. Last siden på nytt.")
				}
				out.Repeat = true
				return nil // the first submit made it
			} else if !errors.Is(err, pgx.ErrNoRows) {
				return err
			}
		}
		if from, ok := domain.ParseDate(f.ValidFrom); ok {
			var next *time.Time
			if err := tx.QueryRow(ctx, `SELECT min(valid_from) FROM plan_versions WHERE person_id = $1 AND valid_from > $2`,
				personID, from).Scan(&next); err != nil {
				return err
			}
			if next != nil {
				until := domain.AddDays(*next, -1)
				c.Until = &until
			}
		}
		rows, err := tx.Query(ctx, rateTableSQL)
		if err != nil {
			return err
		}
		if c.Rates, err = pgx.CollectRows(rows, pgx.RowToStructByName[domain.Rate]); err != nil {
			return err
		}
		// The placements count in the plan's weeks (issue 9): a new plan
		// may not push a week with a placement over full time either.
		if rows, err = tx.Query(ctx, placementSelect+` WHERE pl.person_id = $1
				AND (pl.status IN ('planned', 'active', 'paused') OR pl.ended_on IS NOT NULL)`, personID); err != nil {
			return err
		}
		if c.Placements, err = pgx.CollectRows(rows, pgx.RowToStructByName[domain.Placement]); err != nil {
			return err
		}
		check, err := f.Validate(c)
		out.Check = check
		if err != nil {
			return err
		}
		v := check.Version
		if err := tx.QueryRow(ctx, `
			INSERT INTO plan_versions (person_id, valid_from, self_study, comment, form_key, created_by)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
			personID, v.ValidFrom, v.SelfStudy, v.Comment, key, s.UserID).Scan(&out.ID); err != nil {
			return err
		}
		type elementIn struct {
			Kind        string  `json:"kind"`
			Description string  `json:"description"`
			Minutes     int     `json:"minutes_per_week"`
			Weekdays    []int16 `json:"weekdays"`
			From        *string `json:"from_date"`
			To          *string `json:"to_date"`
			Position    int     `json:"position"`
		}
		els := make([]elementIn, len(v.Elements))
		opt := func(d *time.Time) *string {
			if d == nil {
				return nil
			}
			s := domain.FormatISODate(d)
			return &s
		}
		for i, e := range v.Elements {
			els[i] = elementIn{Kind: e.Kind, Description: e.Description, Minutes: e.MinutesPerWeek, Weekdays: e.Weekdays,
				From: opt(e.From), To: opt(e.To), Position: i}
		}
		doc, err := json.Marshal(els)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `
			INSERT INTO plan_elements (plan_version_id, kind, description, minutes_per_week, weekdays, from_date, to_date, position)
			SELECT $1, x.kind, x.description, x.minutes_per_week, x.weekdays, x.from_date, x.to_date, x.position
			FROM json_to_recordset($2::json) AS x (kind text, description text, minutes_per_week integer,
				weekdays smallint[], from_date date, to_date date, position integer)`, out.ID, doc); err != nil {
			return err
		}
		changes := domain.PlanChanges(v)
		changes.Set("plan_deviation", "", strings.Join(domain.DeviationTexts(check.Deviations), "; "))
		return writeAudit(ctx, tx, s, auditEvent{Action: ActionCreate, Entity: domain.EntityPlanVersion,
			EntityID: &out.ID, PersonID: &personID, Changes: changes})
	})
	if err != nil {
		if domain.ErrorCode(mapError(err)) == domain.ECONFLICT && domain.ErrorCode(err) == domain.EINTERNAL {
			return out, domain.Errorf(domain.ECONFLICT, "Ukeplanen er allerede lagret. Last siden på nytt.")
		}
		return out, err
	}
	return out, nil
}
