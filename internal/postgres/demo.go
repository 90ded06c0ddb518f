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

// DemoHouseholds groups demo persons into households: persons of one unit
// who share a family name, arrival and settlement date came as one family.
// The oldest is the head, a second adult within 15 years of the head the
// spouse, and the rest children (or "other" when not 15 years younger).
// Persons already in a household are left alone. It returns the number of
// households made.
func (db *DB) DemoHouseholds(ctx context.Context) (int64, error) {
	var made int64
	err := db.WithTx(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `
			SELECT p.unit_id, p.family_name, p.arrival_date,
			       array_agg(p.id ORDER BY p.birth_date, p.id) AS ids,
			       array_agg(p.birth_date ORDER BY p.birth_date, p.id) AS births
			FROM persons p
			WHERE p.arrival_date IS NOT NULL
			  AND NOT EXISTS (SELECT 1 FROM household_members m WHERE m.person_id = p.id AND m.left_on IS NULL)
			GROUP BY p.unit_id, p.family_name, p.arrival_date, p.settlement_date
			HAVING count(*) > 1`)
		if err != nil {
			return err
		}
		type family struct {
			unit    int64
			name    string
			arrival time.Time
			ids     []int64
			births  []time.Time
		}
		var fams []family
		for rows.Next() {
			var f family
			if err := rows.Scan(&f.unit, &f.name, &f.arrival, &f.ids, &f.births); err != nil {
				return err
			}
			fams = append(fams, f)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if len(fams) == 0 {
			return nil
		}
		var first int64
		if err := tx.QueryRow(ctx, `SELECT nextval(pg_get_serial_sequence('households', 'id'))`).Scan(&first); err != nil {
			return err
		}
		hh := make([][]any, len(fams))
		var members [][]any
		for i, f := range fams {
			id := first + int64(i)
			name := "Familien " + f.name
			hh[i] = []any{id, f.unit, name, domain.FoldName(name)}
			for j, pid := range f.ids {
				rel := "child"
				switch {
				case j == 0:
					rel = "head"
				case f.births[j].Before(f.births[0].AddDate(15, 0, 0)):
					rel = "spouse"
					if j > 1 {
						rel = "other"
					}
				}
				members = append(members, []any{id, pid, rel, f.arrival})
			}
		}
		if _, err := tx.Exec(ctx, `SELECT setval(pg_get_serial_sequence('households', 'id'), $1)`, first+int64(len(fams))-1); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `CREATE TEMP TABLE demo_households (id bigint, unit_id bigint, name text, name_key text) ON COMMIT DROP`); err != nil {
			return err
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"demo_households"}, []string{"id", "unit_id", "name", "name_key"}, pgx.CopyFromRows(hh)); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO households (id, unit_id, name, name_key) OVERRIDING SYSTEM VALUE
			SELECT id, unit_id, name, name_key FROM demo_households`); err != nil {
			return err
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"household_members"}, []string{"household_id", "person_id", "relation", "joined_on"}, pgx.CopyFromRows(members)); err != nil {
			return err
		}
		made = int64(len(fams))
		return nil
	})
	return made, err
}

// DemoCompleteOldDeadlines marks computed deadlines due more than 30 days
// before today as done (a few days before they fell due), leaving about one
// in 33 persons with overdue items, as a real service would have.
func (db *DB) DemoCompleteOldDeadlines(ctx context.Context, today time.Time) (int64, error) {
	tag, err := db.Pool.Exec(ctx, `
		UPDATE deadlines SET done_on = due_date - (person_id % 10)::int
		WHERE done_on IS NULL AND due_date < $1::date - 30 AND person_id % 33 <> 0`, today)
	return tag.RowsAffected(), err
}

// DemoCloseDates gives demo persons whose case is closed an end date (two
// years after settlement, within the last 200 days of that, never after
// today) and a reason, as closing a case through the UI would.
func (db *DB) DemoCloseDates(ctx context.Context, today time.Time) error {
	_, err := db.Pool.Exec(ctx, `
		UPDATE persons SET
			closed_on = least($1::date, settlement_date + 730 + (id % 200)::int),
			close_reason = (ARRAY['completed', 'moved', 'employment', 'education'])[1 + id % 4]
		WHERE status = 'closed' AND closed_on IS NULL AND settlement_date IS NOT NULL`, today)
	return err
}
