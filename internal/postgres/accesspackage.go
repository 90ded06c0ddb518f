package postgres

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"time"

	"ankomst/internal/domain"

	"github.com/jackc/pgx/v5"
)

// A person's access package (innsyn, GDPR art. 15, issue 13): everything
// stored about a person, section by section, and the audit rows about them.
// It is read in one batch, which is one implicit transaction: its audit row
// is written by the batch's first statement, only when the person is in
// scope, so the package and its audit row commit together.

// AccessField is one stored value: the column and its value as text.
type AccessField struct {
	Key   string
	Value string
	Null  bool
}

// AccessRecord is one row, its columns in the table's order.
type AccessRecord []AccessField

// MarshalJSON writes the record as an object in column order.
func (r AccessRecord) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, f := range r {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(f.Key)
		b.Write(k)
		b.WriteByte(':')
		if f.Null {
			b.WriteString("null")
		} else {
			v, _ := json.Marshal(f.Value)
			b.Write(v)
		}
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// AccessSection is one kind of record.
type AccessSection struct {
	Key     string         `json:"key"`
	Title   string         `json:"title"`
	Records []AccessRecord `json:"records"`
}

// AccessPackage is everything stored about a person.
type AccessPackage struct {
	PersonID    int64           `json:"person_id"`
	GeneratedAt time.Time       `json:"generated_at"`
	Sections    []AccessSection `json:"sections"`
}

// accessSections are the package's sections: each a query of the rows of
// the person $1, as JSON objects in column order. Technical keys (form
// tokens, search keys) are left out in accessHidden.
var accessSections = []struct{ key, title, sql string }{
	{"person", "Personopplysninger", `SELECT * FROM persons WHERE id = $1`},
	{"household_members", "Husstandsmedlemskap", `SELECT hm.*, h.name AS household_name FROM household_members hm JOIN households h ON h.id = hm.household_id WHERE hm.person_id = $1 ORDER BY hm.id`},
	{"household_people", "Andre i husstanden", `SELECT o.household_id, o.relation, o.joined_on, o.left_on, p.given_name, p.family_name, p.birth_date
		FROM household_members o JOIN persons p ON p.id = o.person_id
		WHERE o.household_id IN (SELECT household_id FROM household_members WHERE person_id = $1) AND o.person_id <> $1 ORDER BY o.household_id, o.id`},
	{"case_notes", "Saksnotater", `SELECT n.*, u.name AS author FROM case_notes n LEFT JOIN users u ON u.id = n.author_id WHERE n.person_id = $1 ORDER BY n.note_date, n.id`},
	{"deadlines", "Frister", `SELECT * FROM deadlines WHERE person_id = $1 ORDER BY due_date, id`},
	{"tasks", "Oppgaver", `SELECT * FROM tasks WHERE person_id = $1 ORDER BY due_date, id`},
	{"programme", "Introduksjonsprogram", `SELECT * FROM programmes WHERE person_id = $1`},
	{"programme_pauses", "Permisjoner og avbrudd", `SELECT * FROM programme_pauses WHERE person_id = $1 ORDER BY from_date, id`},
	{"plan_versions", "Ukeplaner", `SELECT * FROM plan_versions WHERE person_id = $1 ORDER BY id`},
	{"plan_elements", "Elementer i ukeplanene", `SELECT * FROM plan_elements WHERE plan_version_id IN (SELECT id FROM plan_versions WHERE person_id = $1) ORDER BY plan_version_id, id`},
	{"groups", "Grupper", `SELECT g.name AS group_name, m.joined_on, m.left_on FROM programme_group_members m JOIN programme_groups g ON g.id = m.group_id WHERE m.person_id = $1 ORDER BY m.joined_on`},
	{"attendance", "Oppmøte (per måned)", `SELECT to_char(date_trunc('month', day), 'YYYY-MM') AS month, count(*) AS days_registered,
		sum(present_minutes) AS present_minutes, sum(absent_minutes) AS absent_minutes,
		sum(absent_minutes) FILTER (WHERE reason = 'unexcused') AS unexcused_minutes
		FROM attendance WHERE person_id = $1 GROUP BY 1 ORDER BY 1`},
	{"benefit_deductions", "Trekk i introduksjonsstønaden", `SELECT * FROM benefit_deductions WHERE person_id = $1 ORDER BY month, id`},
	{"payroll_lines", "Utbetalingsgrunnlag", `SELECT * FROM payroll_lines WHERE person_id = $1 ORDER BY for_month`},
	{"placements", "Praksisplasser", `SELECT pl.*, e.name AS employer FROM placements pl LEFT JOIN worksites w ON w.id = pl.worksite_id LEFT JOIN employers e ON e.id = w.employer_id WHERE pl.person_id = $1 ORDER BY pl.start_date, pl.id`},
	{"placement_followups", "Oppfølgingssamtaler i praksis", `SELECT * FROM placement_followups WHERE placement_id IN (SELECT id FROM placements WHERE person_id = $1) ORDER BY id`},
	{"placement_evaluations", "Sluttevalueringer av praksis", `SELECT * FROM placement_evaluations WHERE placement_id IN (SELECT id FROM placements WHERE person_id = $1)`},
	{"leases", "Leieforhold", `SELECT l.*, hu.address FROM leases l LEFT JOIN housing_units hu ON hu.id = l.housing_unit_id
		WHERE l.person_id = $1 OR l.household_id IN (SELECT household_id FROM household_members WHERE person_id = $1) ORDER BY l.start_date, l.id`},
	{"lease_checklist_items", "Sjekklister ved inn- og utflytting", `SELECT * FROM lease_checklist_items WHERE lease_id IN (SELECT id FROM leases
		WHERE person_id = $1 OR household_id IN (SELECT household_id FROM household_members WHERE person_id = $1)) ORDER BY lease_id, id`},
	{"housing_guidance", "Boveiledning", `SELECT * FROM housing_guidance WHERE household_id IN (SELECT household_id FROM household_members WHERE person_id = $1) ORDER BY held_on, id`},
	{"husbanken", "Søknader til Husbanken", `SELECT * FROM husbanken_applications WHERE household_id IN (SELECT household_id FROM household_members WHERE person_id = $1) ORDER BY applied_on, id`},
	{"health_items", "Helseoppfølging (status og datoer)", `SELECT kind, status, due_date, booked_on, done_on, interpreter_booked FROM health_items WHERE person_id = $1 ORDER BY due_date, id`},
	{"audit", "Logg over hvem som har sett og endret opplysningene", `SELECT a.at, u.name AS user_name, a.user_role, a.action, a.entity, a.entity_id, ` + maskedChangesSQLConst + ` AS changes
		FROM audit_events a LEFT JOIN users u ON u.id = a.user_id WHERE a.person_id = $1 ORDER BY a.at, a.id`},
}

// accessHidden are technical columns left out of the package.
var accessHidden = []string{"submit_token", "form_key", "name_key", "family_key", "given_key", "version"}

// AccessSectionKeys lists the sections' keys, for tests.
func AccessSectionKeys() []string {
	out := make([]string, len(accessSections))
	for i, s := range accessSections {
		out[i] = s.key
	}
	return out
}

// AccessPackage reads everything stored about a person in scope and writes
// its audit row, in one round trip. Only roles with CapAccessPackage.
func (db *DB) AccessPackage(ctx context.Context, s domain.Scope, personID int64) (*AccessPackage, error) {
	if err := s.Role.Require(domain.CapAccessPackage); err != nil {
		return nil, err
	}
	where, args := unitScope(s, "unit_id", 7)
	secWhere, secArgs := unitScope(s, "unit_id", 2)
	pkg := &AccessPackage{PersonID: personID, GeneratedAt: db.Now()}
	b := &pgx.Batch{}
	var inScope bool
	b.Queue(`WITH p AS (SELECT id FROM persons WHERE id = $1 AND `+where+`),
		a AS (INSERT INTO audit_events (user_id, user_role, action, entity, entity_id, person_id, request_id)
			SELECT $2, $3, $4, $5, p.id, p.id, $6 FROM p RETURNING 1)
		SELECT EXISTS (SELECT 1 FROM a)`,
		append([]any{personID, nullID(s.UserID), string(s.Role), domain.ActionAccessPackage, domain.EntityPerson, s.RequestID}, args...)...).
		QueryRow(func(row pgx.Row) error { return row.Scan(&inScope) })
	pkg.Sections = make([]AccessSection, len(accessSections))
	for i, sec := range accessSections {
		pkg.Sections[i] = AccessSection{Key: sec.key, Title: sec.title, Records: []AccessRecord{}}
		b.Queue(`SELECT coalesce(json_agg(row_to_json(x)), '[]')::text FROM (`+sec.sql+`) x
			WHERE EXISTS (SELECT 1 FROM persons WHERE id = $1 AND `+secWhere+`)`, append([]any{personID}, secArgs...)...).
			QueryRow(func(row pgx.Row) error {
				var raw string
				if err := row.Scan(&raw); err != nil {
					return err
				}
				recs, err := decodeRecords(raw)
				pkg.Sections[i].Records = recs
				return err
			})
	}
	if err := db.Pool.SendBatch(ctx, b).Close(); err != nil {
		return nil, fmt.Errorf("access package: %w", err)
	}
	if !inScope {
		return nil, domain.Errorf(domain.ENOTFOUND, "Fant ikke personen.")
	}
	return pkg, nil
}

// decodeRecords reads a JSON array of objects keeping the keys' order;
// nested values (arrays, the audit's changes) stay JSON text.
func decodeRecords(raw string) ([]AccessRecord, error) {
	var arr []json.RawMessage
	if err := json.Unmarshal([]byte(raw), &arr); err != nil {
		return nil, err
	}
	out := make([]AccessRecord, 0, len(arr))
	for _, obj := range arr {
		dec := json.NewDecoder(bytes.NewReader(obj))
		dec.UseNumber()
		if _, err := dec.Token(); err != nil { // {
			return nil, err
		}
		var rec AccessRecord
		for dec.More() {
			kt, err := dec.Token()
			if err != nil {
				return nil, err
			}
			var v json.RawMessage
			if err := dec.Decode(&v); err != nil {
				return nil, err
			}
			key, _ := kt.(string)
			if slices.Contains(accessHidden, key) {
				continue
			}
			f := AccessField{Key: key}
			switch {
			case string(v) == "null":
				f.Null = true
			case len(v) > 0 && v[0] == '"':
				_ = json.Unmarshal(v, &f.Value)
			default:
				f.Value = string(v)
			}
			rec = append(rec, f)
		}
		if _, err := dec.Token(); err != nil && err != io.EOF { // }
			return nil, err
		}
		out = append(out, rec)
	}
	return out, nil
}

// Count is the number of records in the package.
func (p *AccessPackage) Count() int {
	n := 0
	for _, s := range p.Sections {
		n += len(s.Records)
	}
	return n
}

// ID is the person's id as text.
func (p *AccessPackage) ID() string { return strconv.FormatInt(p.PersonID, 10) }
