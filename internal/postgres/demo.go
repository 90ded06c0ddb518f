package postgres

import (
	"context"
	"errors"
	"strings"
	"time"

	"ankomst/internal/domain"

	"github.com/jackc/pgx/v5"
)

// DemoPerson is one synthetic person for the bulk demo load. The search keys
// (name_key, family_key, given_key) are derived by CopyPersons exactly as
// CreatePerson derives them.
type DemoPerson struct {
	UnitID              int64
	GivenName           string
	FamilyName          string
	BirthDate           time.Time
	Sex                 string
	NationalID          *string
	DUFNumber           *string
	CountryOfOrigin     string
	Languages           []string
	InterpreterNeeded   bool
	InterpreterLanguage string
	InterpreterDialect  string
	ResidenceBasis      string
	ArrivalDate         *time.Time
	SettlementDate      *time.Time
	CaseworkerID        *int64
	Status              string // "" means active
}

var demoPersonColumns = []string{
	"unit_id", "given_name", "family_name", "name_key", "family_key", "given_key",
	"birth_date", "sex", "national_id", "duf_number", "country_of_origin", "languages",
	"interpreter_needed", "interpreter_language", "interpreter_dialect", "residence_basis",
	"arrival_date", "settlement_date", "caseworker_id", "status",
}

// CopyPersons bulk-inserts persons with COPY, bypassing the audit log (demo
// and test data only: nobody registered these people). It returns the number
// of rows copied. The rows go in as one statement: all or none.
func (db *DB) CopyPersons(ctx context.Context, rows []DemoPerson) (int64, error) {
	i := 0
	return db.CopyPersonsFunc(ctx, func() (DemoPerson, bool, error) {
		if i == len(rows) {
			return DemoPerson{}, false, nil
		}
		i++
		return rows[i-1], true, nil
	})
}

// CopyPersonsFunc is CopyPersons for a stream: it copies the persons next
// returns until it returns false, in one COPY statement (all or none), so a
// large load needs neither the whole set in memory nor many round trips.
func (db *DB) CopyPersonsFunc(ctx context.Context, next func() (DemoPerson, bool, error)) (int64, error) {
	src := pgx.CopyFromFunc(func() ([]any, error) {
		p, ok, err := next()
		if err != nil || !ok {
			return nil, err
		}
		return demoRow(&p)
	})
	return db.Pool.CopyFrom(ctx, pgx.Identifier{"persons"}, demoPersonColumns, src)
}

// demoRow is p's values in the order of demoPersonColumns, with the search
// keys derived as CreatePerson derives them.
func demoRow(p *DemoPerson) ([]any, error) {
	if p.UnitID == 0 {
		return nil, errors.New("copy persons: a person without a unit")
	}
	status := p.Status
	if status == "" {
		status = "active"
	}
	langs := p.Languages
	if langs == nil {
		langs = []string{}
	}
	return []any{
		p.UnitID, p.GivenName, p.FamilyName, nameKey(p.GivenName, p.FamilyName),
		domain.FoldName(p.FamilyName), domain.FoldName(p.GivenName),
		p.BirthDate, p.Sex, p.NationalID, p.DUFNumber, p.CountryOfOrigin, langs,
		p.InterpreterNeeded, p.InterpreterLanguage, p.InterpreterDialect, p.ResidenceBasis,
		p.ArrivalDate, p.SettlementDate, p.CaseworkerID, status,
	}, nil
}

// PersonIdentifiers returns every national ID and DUF number already stored,
// so a generator can avoid them.
func (db *DB) PersonIdentifiers(ctx context.Context) (nationalIDs, dufNumbers []string, err error) {
	rows, err := db.Pool.Query(ctx, `SELECT coalesce(national_id, ''), coalesce(duf_number, '') FROM persons`)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var n, d string
		if err := rows.Scan(&n, &d); err != nil {
			return nil, nil, err
		}
		if n != "" {
			nationalIDs = append(nationalIDs, n)
		}
		if d != "" {
			dufNumbers = append(dufNumbers, d)
		}
	}
	return nationalIDs, dufNumbers, rows.Err()
}

// UserIDByEmail returns the id of the user with this e-mail (any case), or
// an ENOTFOUND error.
func (db *DB) UserIDByEmail(ctx context.Context, email string) (int64, error) {
	var id int64
	err := db.Pool.QueryRow(ctx, `SELECT id FROM users WHERE lower(email) = lower($1)`, strings.TrimSpace(email)).Scan(&id)
	return id, mapError(err)
}

// CountPersons returns how many persons are stored, in every unit.
func (db *DB) CountPersons(ctx context.Context) (int64, error) {
	var n int64
	err := db.Pool.QueryRow(ctx, `SELECT count(*) FROM persons`).Scan(&n)
	return n, err
}

// AnalyzePersons refreshes the planner statistics of persons (after a bulk load).
func (db *DB) AnalyzePersons(ctx context.Context) error {
	_, err := db.Pool.Exec(ctx, `ANALYZE persons`)
	return err
}
