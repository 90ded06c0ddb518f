package postgres

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"ankomst/internal/domain"

	"github.com/jackc/pgx/v5"
)

// The settlement ledger (bosetting, issue 12): IMDi's request and the
// council's decision per year (settlement_targets, append-only and
// municipality-wide), the people settled, agreed, proposed and declined by
// category and month, and the integration grant forecast. Scope: an admin
// reads the municipality; a leader reads the own unit's people against the
// municipality's targets (the page says so). Counts never include a merged
// registration.

// SettlementReport is the ledger page's data for a year.
type SettlementReport struct {
	Year     int
	Ledger   domain.Ledger
	Grant    domain.GrantForecast
	UnitName string // the unit counted; "" for the whole municipality
}

// settlementCountsSQL groups the people of a year by stage, residence
// basis, age on the day counted and month: the settled by settlement date
// (persons_settled_on_idx), the others (persons_pipeline_idx: the pipeline
// is small) by expected arrival (agreed), proposal (proposed, or the day
// registered) and decline (or the last change). Parameters: $1 the year's
// first day, $2 the next year's, then the scope.
const settlementCountsSQL = `
	WITH ev AS (
		SELECT 'settled'::text AS stage, p.residence_basis AS basis, p.birth_date, p.settlement_date AS day
		FROM persons p
		WHERE p.settlement_stage = 'settled' AND p.settlement_date >= $1 AND p.settlement_date < $2
			AND p.status <> 'merged' AND %[1]s
		UNION ALL
		SELECT * FROM (
			SELECT p.settlement_stage, p.residence_basis, p.birth_date,
				CASE p.settlement_stage
					WHEN 'agreed' THEN p.expected_arrival
					WHEN 'proposed' THEN coalesce(p.proposed_on, (p.created_at AT TIME ZONE 'Europe/Oslo')::date)
					ELSE coalesce(p.declined_on, (p.updated_at AT TIME ZONE 'Europe/Oslo')::date)
				END AS day
			FROM persons p
			WHERE p.settlement_stage <> 'settled' AND p.status <> 'merged' AND %[1]s
		) pipeline
		WHERE day >= $1 AND day < $2
	)
	SELECT stage, basis, date_part('year', age(day, birth_date))::int AS age,
		date_part('month', day)::int AS month, count(*)::int AS n
	FROM ev
	GROUP BY 1, 2, 3, 4`

// grantCohortsSQL groups the people settled in the five years up to a
// budget year by year, basis, age when settled and the disability extra.
const grantCohortsSQL = `
	SELECT date_part('year', p.settlement_date)::int AS year, p.residence_basis AS basis,
		date_part('year', age(p.settlement_date, p.birth_date))::int AS age,
		p.grant_disability AS disability, count(*)::int AS n
	FROM persons p
	WHERE p.settlement_stage = 'settled' AND p.settlement_date >= $1 AND p.settlement_date < $2
		AND p.status <> 'merged' AND %s
	GROUP BY 1, 2, 3, 4`

const settlementTargetsSQL = `
	SELECT t.id, t.year, t.kind, t.total, t.unaccompanied, t.decided_on, t.note, t.created_at,
		u.name AS created_by_name
	FROM settlement_targets t LEFT JOIN users u ON u.id = t.created_by
	WHERE t.year = $1
	ORDER BY t.created_at DESC, t.id DESC`

func yearStart(y int) time.Time { return time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC) }

// settlementScope is the persons condition of the ledger: every unit for an
// admin, the own unit for a leader; other roles are refused.
func settlementScope(s domain.Scope, n int) (string, []any, error) {
	if err := s.Role.Require(domain.CapLeaderViews); err != nil {
		return "", nil, err
	}
	where, args := unitScope(s, "p.unit_id", n)
	return where, args, nil
}

// SettlementLedger reads a year's ledger and the grant forecast for the
// year as a budget year, in one round trip (one batch: the targets, the
// counts, the grant cohorts, the rates and the unit's name).
func (db *DB) SettlementLedger(ctx context.Context, s domain.Scope, year int) (SettlementReport, error) {
	rep := SettlementReport{Year: year}
	where, args, err := settlementScope(s, 3)
	if err != nil {
		return rep, err
	}
	var (
		targets []domain.SettlementTarget
		counts  []domain.SettlementCount
		cohorts []domain.GrantCohort
		rates   domain.RateTable
	)
	b := &pgx.Batch{}
	b.Queue(settlementTargetsSQL, year).Query(func(rows pgx.Rows) error {
		var err error
		targets, err = pgx.CollectRows(rows, pgx.RowToStructByName[domain.SettlementTarget])
		return err
	})
	b.Queue(fmt.Sprintf(settlementCountsSQL, where), append([]any{yearStart(year), yearStart(year + 1)}, args...)...).Query(func(rows pgx.Rows) error {
		var err error
		counts, err = pgx.CollectRows(rows, pgx.RowToStructByName[domain.SettlementCount])
		return err
	})
	b.Queue(fmt.Sprintf(grantCohortsSQL, where), append([]any{yearStart(year - 4), yearStart(year + 1)}, args...)...).Query(func(rows pgx.Rows) error {
		var err error
		cohorts, err = pgx.CollectRows(rows, pgx.RowToStructByName[domain.GrantCohort])
		return err
	})
	queueRateTable(b, &rates)
	if !s.Role.Can(domain.CapAllUnits) {
		b.Queue(`SELECT name FROM units WHERE id = $1`, s.UnitID).QueryRow(func(row pgx.Row) error {
			return row.Scan(&rep.UnitName)
		})
	}
	if err := db.Pool.SendBatch(ctx, b).Close(); err != nil {
		return rep, err
	}
	rep.Ledger = domain.BuildLedger(year, targets, counts)
	rep.Grant = domain.ForecastGrant(year, cohorts, rates)
	return rep, nil
}

// AddSettlementTarget appends a request or decision row (a change is a new
// row; the newest is in force) with its audit row. Leaders and admins.
func (db *DB) AddSettlementTarget(ctx context.Context, s domain.Scope, t domain.SettlementTarget) (int64, error) {
	if err := s.Role.Require(domain.CapLeaderViews); err != nil {
		return 0, err
	}
	var uid *int64
	if s.UserID != 0 {
		uid = &s.UserID
	}
	var id int64
	err := db.WithTx(ctx, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `INSERT INTO settlement_targets (year, kind, total, unaccompanied, decided_on, note, created_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
			t.Year, t.Kind, t.Total, t.Unaccompanied, t.DecidedOn, t.Note, uid).Scan(&id); err != nil {
			return err
		}
		ch := domain.Changes{}
		ch.Set("kind", "", domain.Label(domain.SettlementTargetKinds, t.Kind))
		ch.Set("year", "", strconv.Itoa(t.Year))
		ch.Set("total", "", strconv.Itoa(t.Total))
		ch.Set("unaccompanied", "", strconv.Itoa(t.Unaccompanied))
		ch.Set("decided_on", "", t.DecidedOn.Format("2006-01-02"))
		ch.Set("note", "", t.Note)
		return writeAudit(ctx, tx, s, auditEvent{Action: domain.ActionCreate, Entity: domain.EntitySettlementTarget, EntityID: &id, Changes: ch})
	})
	return id, err
}

// ExportSettlement reads a year's ledger for an export, writes the export's
// audit row (committed) and only then hands the report to write: nothing
// reaches the client unaudited. The ledger is aggregated (a few hundred
// cells), so it is read whole and written straight out.
func (db *DB) ExportSettlement(ctx context.Context, s domain.Scope, year int, format string, write func(SettlementReport) error) error {
	rep, err := db.SettlementLedger(ctx, s, year)
	if err != nil {
		return err
	}
	var unit int64
	if !s.Role.Can(domain.CapAllUnits) {
		unit = s.UnitID
	}
	rows := 0
	for _, sec := range rep.Ledger.Sections {
		rows += len(sec.Rows)
	}
	if err := db.WithTx(ctx, func(tx pgx.Tx) error {
		return writeAudit(ctx, tx, s, auditEvent{Action: domain.ActionExport, Entity: domain.EntitySettlementReport,
			Details: &domain.AuditDetails{UnitID: unit, Year: year, Format: format, Rows: rows}})
	}); err != nil {
		return err
	}
	return write(rep)
}

// MarkSettled marks a person in the pipeline settled on a date, made on
// version: the stage, the settlement date and, when empty, the arrival
// date; deadlines and health items then count from it (proposed → settled
// and agreed → settled; a declined person is first agreed again through the
// edit form). A stale version is a *StaleError; a person already settled or
// declined ECONFLICT.
func (db *DB) MarkSettled(ctx context.Context, s domain.Scope, id int64, in domain.Settle) (*domain.Person, error) {
	if err := s.Role.Require(domain.CapWriteCase); err != nil {
		return nil, err
	}
	var out *domain.Person
	err := db.WithTx(ctx, func(tx pgx.Tx) error {
		cur, err := db.lockPersonAt(ctx, tx, s, id, in.Version,
			"Noen andre har endret personen mens du arbeidet. Se hva som er lagret nå.")
		if err != nil {
			return err
		}
		switch cur.SettlementStage {
		case domain.StageSettled:
			return domain.Errorf(domain.ECONFLICT, "Personen er allerede registrert som bosatt.")
		case domain.StageDeclined:
			return domain.Errorf(domain.ECONFLICT, "Bosettingen er avslått. Endre bosettingsstatus til avtalt først (Endre).")
		}
		if cur.Status != domain.StatusActive {
			return domain.Errorf(domain.ECONFLICT, "Saken er ikke aktiv.")
		}
		arrival := cur.ArrivalDate
		if arrival == nil || arrival.After(in.SettlementDate) {
			if arrival == nil {
				arrival = &in.SettlementDate
			} else {
				return &domain.Error{Code: domain.EINVALID, Message: "Skjemaet har feil. Rett opp feltene som er merket.",
					Fields: map[string]string{"settlement_date": "Bosettingsdato kan ikke være før ankomstdato (" + domain.FormatDate(cur.ArrivalDate) + ")."}}
			}
		}
		if in.SettlementDate.Before(cur.BirthDate) {
			return &domain.Error{Code: domain.EINVALID, Message: "Skjemaet har feil. Rett opp feltene som er merket.",
				Fields: map[string]string{"settlement_date": "Bosettingsdato kan ikke være før fødselsdato."}}
		}
		if _, err := tx.Exec(ctx, `UPDATE persons SET settlement_stage = 'settled', settlement_date = $2, arrival_date = $3,
				decline_reason = '', version = version + 1, updated_at = now(), updated_by = $4 WHERE id = $1`,
			id, in.SettlementDate, arrival, s.UserID); err != nil {
			return err
		}
		if err := refreshDeadlines(ctx, tx, id); err != nil {
			return err
		}
		if err := refreshHealthItems(ctx, tx, id); err != nil {
			return err
		}
		ch := domain.Changes{}
		ch.Set("settlement_stage", cur.SettlementStage, domain.StageSettled)
		ch.Set("settlement_date", dateStr(cur.SettlementDate), dateStr(&in.SettlementDate))
		ch.Set("arrival_date", dateStr(cur.ArrivalDate), dateStr(arrival))
		ch.Set("decline_reason", cur.DeclineReason, "")
		if err := writeAudit(ctx, tx, s, auditEvent{Action: domain.ActionUpdate, Entity: domain.EntityPerson, EntityID: &id, PersonID: &id, Changes: ch}); err != nil {
			return err
		}
		out, err = db.getPerson(ctx, tx, s, id, false)
		return err
	})
	return out, err
}
