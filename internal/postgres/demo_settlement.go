package postgres

import (
	"context"
	"fmt"
	"time"

	"ankomst/internal/domain"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// demoLoaded is the condition on persons of the persons the demo loaded:
// not the settlement pipeline's demo people (DUF numbers 2098…), whom the
// settlement step adds on top, so counts of loaded persons stay as asked.
const demoLoaded = `coalesce(duf_number NOT LIKE '2098%', true)`

// DemoPipelinePerson is a demo person not yet settled (proposed, agreed or
// declined). DUF numbers 2098xxxxxxxx mark them: a second run inserts
// nothing (ON CONFLICT on the DUF number).
type DemoPipelinePerson struct {
	UnitID          int64
	GivenName       string
	FamilyName      string
	BirthDate       time.Time
	Sex             string
	DUF             string
	Country         string
	Languages       []string
	Basis           string
	Stage           string
	ProposedOn      *time.Time
	AgreedOn        *time.Time
	ExpectedArrival *time.Time
	DeclinedOn      *time.Time
	DeclineReason   string
	Disability      bool
	Accessible      bool
}

// DemoPipelineSources reads n active, settled persons to borrow names,
// birth dates, countries and units from (every k-th by id).
func (db *DB) DemoPipelineSources(ctx context.Context, n int) ([]DemoPipelinePerson, error) {
	rows, err := db.Pool.Query(ctx, `
		SELECT unit_id, given_name, family_name, birth_date, sex, country_of_origin, languages, residence_basis
		FROM persons WHERE status = 'active' AND settlement_stage = 'settled'
		ORDER BY id DESC LIMIT $1`, n)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []DemoPipelinePerson
	for rows.Next() {
		var p DemoPipelinePerson
		if err := rows.Scan(&p.UnitID, &p.GivenName, &p.FamilyName, &p.BirthDate, &p.Sex, &p.Country, &p.Languages, &p.Basis); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// DemoPipeline inserts demo persons of the pipeline (those whose DUF number
// is taken already are skipped) and returns how many were new.
func (db *DB) DemoPipeline(ctx context.Context, ps []DemoPipelinePerson) (int64, error) {
	var n int64
	err := db.WithTx(ctx, func(tx pgx.Tx) error {
		b := &pgx.Batch{}
		for _, p := range ps {
			b.Queue(`INSERT INTO persons (unit_id, given_name, family_name, name_key, family_key, given_key, birth_date, sex,
					duf_number, country_of_origin, languages, residence_basis, settlement_stage, proposed_on, agreed_on,
					expected_arrival, declined_on, decline_reason, grant_disability, needs_accessible_home)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)
				ON CONFLICT (duf_number) DO NOTHING`,
				p.UnitID, p.GivenName, p.FamilyName, nameKey(p.GivenName, p.FamilyName), domain.FoldName(p.FamilyName),
				domain.FoldName(p.GivenName), p.BirthDate, p.Sex, p.DUF, p.Country, p.Languages, p.Basis, p.Stage,
				p.ProposedOn, p.AgreedOn, p.ExpectedArrival, p.DeclinedOn, p.DeclineReason, p.Disability, p.Accessible).
				Exec(func(ct pgconn.CommandTag) error { n += ct.RowsAffected(); return nil })
		}
		return tx.SendBatch(ctx, b).Close()
	})
	return n, err
}

// DemoSettlementTargets gives each of the years from first to last without
// a target row IMDi's request and the council's decision, sized from the
// people settled that year (the last year's decision is revised once, so
// the page shows a history). Rows are dated on the decisions' days and
// added by the installation. It returns how many rows it added.
func (db *DB) DemoSettlementTargets(ctx context.Context, first, last int) (int64, error) {
	var n int64
	err := db.WithTx(ctx, func(tx pgx.Tx) error {
		for y := first; y <= last; y++ {
			var exists bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM settlement_targets WHERE year = $1)`, y).Scan(&exists); err != nil {
				return err
			}
			if exists {
				continue
			}
			var settled, unacc int
			if err := tx.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE residence_basis = 'unaccompanied')
				FROM persons WHERE settlement_stage = 'settled' AND status <> 'merged'
				AND settlement_date >= make_date($1, 1, 1) AND settlement_date < make_date($1 + 1, 1, 1)`, y).Scan(&settled, &unacc); err != nil {
				return err
			}
			round5 := func(x int) int { return max(5, (x+2)/5*5) }
			request := round5(settled * 115 / 100)
			decision := round5(settled * 95 / 100)
			rows := []struct {
				kind         string
				total, unacc int
				on           time.Time
				note         string
			}{
				{domain.TargetRequest, request, max(1, unacc*12/10), time.Date(y-1, 9, 15, 0, 0, 0, 0, time.UTC), fmt.Sprintf("Anmodning om bosetting i %d", y)},
				{domain.TargetDecision, decision, max(1, unacc), time.Date(y-1, 12, 12, 0, 0, 0, 0, time.UTC), fmt.Sprintf("Kommunestyret, sak %d/%d", 80+y%7, (y-1)%100)},
			}
			if y == last {
				rows = append(rows, struct {
					kind         string
					total, unacc int
					on           time.Time
					note         string
				}{domain.TargetDecision, round5(decision * 110 / 100), max(1, unacc), time.Date(y, 6, 18, 0, 0, 0, 0, time.UTC), "Økt etter ny anmodning fra IMDi"})
			}
			for _, r := range rows {
				if _, err := tx.Exec(ctx, `INSERT INTO settlement_targets (year, kind, total, unaccompanied, decided_on, note, created_at)
					VALUES ($1, $2, $3, $4, $5, $6, $5::date + time '10:00')`, y, r.kind, min(r.total, 100000), min(r.unacc, r.total), r.on, r.note); err != nil {
					return err
				}
				n++
			}
		}
		return nil
	})
	return n, err
}

// HasSettlementTargets reports whether any request or decision is stored.
func (db *DB) HasSettlementTargets(ctx context.Context) (bool, error) {
	var ok bool
	err := db.Pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM settlement_targets)`).Scan(&ok)
	return ok, err
}
