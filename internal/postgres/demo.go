package postgres

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
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
//
// The owner (who bulk-loads) copies with the per-row trigger that keeps
// caseload_counts off and the counts rebuilt once after (bulkSummaries):
// row by row every copied person upserted one of a few hundred (unit,
// caseworker) rows, each walking that row's earlier versions in the one
// transaction — quadratic: 100 000 persons took about a minute,
// 1 000 000 more than 20 (now about 2½).
func (db *DB) CopyPersonsFunc(ctx context.Context, next func() (DemoPerson, bool, error)) (int64, error) {
	var n int64
	err := db.BulkTx(ctx, []string{"persons"}, func(tx pgx.Tx) error {
		src := pgx.CopyFromFunc(func() ([]any, error) {
			p, ok, err := next()
			if err != nil || !ok {
				return nil, err
			}
			return demoRow(&p)
		})
		var err error
		n, err = tx.CopyFrom(ctx, pgx.Identifier{"persons"}, demoPersonColumns, src)
		return err
	})
	return n, err
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
	err := db.Pool.QueryRow(ctx, `SELECT count(*) FROM persons WHERE `+demoLoaded).Scan(&n)
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
	var n int64
	err := db.BulkTx(ctx, []string{"deadlines"}, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `
			UPDATE deadlines SET done_on = due_date - (person_id % 10)::int
			WHERE done_on IS NULL AND due_date < $1::date - 30 AND person_id % 33 <> 0`, today)
		n = tag.RowsAffected()
		return err
	})
	return n, err
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

// CountNotes returns how many case notes are stored, in every unit.
func (db *DB) CountNotes(ctx context.Context) (int64, error) {
	var n int64
	err := db.Pool.QueryRow(ctx, `SELECT count(*) FROM case_notes`).Scan(&n)
	return n, err
}

// demoNoteColumns are the columns DemoNotes copies.
var demoNoteColumns = []string{
	"person_id", "kind", "note_date", "body", "author_id", "created_at", "updated_at",
	"interpreter_used", "interpreter_mode", "interpreter_category", "interpreter_language",
	"interpreter_is_child", "interpreter_emergency", "no_interpreter_reason",
}

// demoNoteSubject is what DemoNotes needs to know about a person.
type demoNoteSubject struct {
	id               int64
	unit             int64
	given            string
	caseworker       int64 // 0: none
	first, end       int32 // the first and last possible note day (days since 1970)
	needsInterpreter bool
	language         string // the interpreter language, or the person's first language
}

// demoNote is one note to generate: a person (index) and a day; the rest is
// drawn while copying.
type demoNote struct {
	person int32
	day    int32
}

// DemoNotes bulk-inserts n synthetic case notes with COPY, bypassing the
// audit log as the other demo loads do. Notes go to persons with an arrival
// or settlement date, dated from settlement (or arrival) to today (or the
// day the case closed), denser in the first months, and spread very
// unevenly: a heavy-tailed weight per person, larger for long-running cases,
// gives most persons a handful of notes and a few several hundred. The
// author is the person's caseworker as a rule, otherwise another caseworker
// (or now and then a leader) of the person's unit. About a fifth record
// interpreter use, consistent with the case_notes CHECK constraints. The
// notes are inserted in date order, as they would have been written. For a
// given seed, today and set of persons the notes are the same on every run.
// It returns the number of notes copied.
func (db *DB) DemoNotes(ctx context.Context, n int, seed int64, today time.Time) (int64, error) {
	if n <= 0 {
		return 0, nil
	}
	writers := map[int64][]int64{} // unit → caseworkers
	leaders := map[int64][]int64{}
	rows, err := db.Pool.Query(ctx, `SELECT id, unit_id, role FROM users WHERE active AND role IN `+holdCaseloadRoles()+` ORDER BY id`)
	if err != nil {
		return 0, err
	}
	var uid, unit int64
	var role string
	if _, err := pgx.ForEachRow(rows, []any{&uid, &unit, &role}, func() error {
		if !domain.Role(role).Can(domain.CapMineFirst) { // leaders write only where no caseworker is
			leaders[unit] = append(leaders[unit], uid)
		} else {
			writers[unit] = append(writers[unit], uid)
		}
		return nil
	}); err != nil {
		return 0, err
	}
	for u, ls := range leaders { // a unit without caseworkers: its leaders write
		if len(writers[u]) == 0 {
			writers[u] = ls
		}
	}

	todayDay := int32(domain.Date(today).Unix() / 86400)
	rows, err = db.Pool.Query(ctx, `
		SELECT p.id, p.unit_id, p.given_name, coalesce(p.caseworker_id, 0),
			coalesce(p.settlement_date, p.arrival_date), p.closed_on, p.interpreter_needed,
			coalesce(nullif(p.interpreter_language, ''), p.languages[1], '')
		FROM persons p
		WHERE coalesce(p.settlement_date, p.arrival_date) IS NOT NULL
		ORDER BY p.id`)
	if err != nil {
		return 0, err
	}
	var subjects []demoNoteSubject
	var s demoNoteSubject
	var start time.Time
	var closed *time.Time
	if _, err := pgx.ForEachRow(rows, []any{&s.id, &s.unit, &s.given, &s.caseworker, &start, &closed, &s.needsInterpreter, &s.language}, func() error {
		if len(writers[s.unit]) == 0 {
			return nil
		}
		s.first, s.end = int32(start.Unix()/86400), todayDay
		if closed != nil {
			s.end = min(s.end, int32(closed.Unix()/86400))
		}
		if s.first > todayDay {
			return nil
		}
		s.end = max(s.end, s.first)
		subjects = append(subjects, s)
		return nil
	}); err != nil {
		return 0, err
	}
	if len(subjects) == 0 {
		return 0, errors.New("demo notes: no persons with an arrival or settlement date and a caseworker in their unit")
	}

	// Each person's weight: Pareto (α = 1.3), capped, times the case's length.
	r := rand.New(rand.NewPCG(uint64(seed), 0x6e6f746573)) // "notes"
	cum := make([]float64, len(subjects))
	total := 0.0
	for i, p := range subjects {
		w := min(1/math.Pow(1-r.Float64(), 1/1.3), 400)
		years := float64(p.end-p.first) / 365
		total += w * (0.2 + min(years, 5))
		cum[i] = total
	}
	notes := make([]demoNote, n)
	for i := range notes {
		pi, _ := slices.BinarySearch(cum, r.Float64()*total)
		pi = min(pi, len(subjects)-1)
		p := &subjects[pi]
		// Denser early: most follow-up happens in the first months.
		span := float64(p.end - p.first + 1)
		notes[i] = demoNote{person: int32(pi), day: p.first + int32(span*math.Pow(r.Float64(), 1.7))}
	}
	slices.SortFunc(notes, func(a, b demoNote) int {
		if a.day != b.day {
			return int(a.day - b.day)
		}
		return int(a.person - b.person)
	})

	osloLoc, err := time.LoadLocation("Europe/Oslo")
	if err != nil {
		osloLoc = time.UTC
	}
	r = rand.New(rand.NewPCG(uint64(seed), 0x626f647973)) // "bodys"
	var body strings.Builder
	i := 0
	copied, err := db.Pool.CopyFrom(ctx, pgx.Identifier{"case_notes"}, demoNoteColumns, pgx.CopyFromFunc(func() ([]any, error) {
		if i == len(notes) {
			return nil, nil
		}
		if i%10000 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		nt := notes[i]
		i++
		p := &subjects[nt.person]
		day := time.Unix(int64(nt.day)*86400, 0).UTC()
		kind := demoPick(r, demoNoteKinds)

		author := p.caseworker
		switch x := r.IntN(100); {
		case author == 0 || x >= 95:
			ws := writers[p.unit]
			author = ws[r.IntN(len(ws))]
		case x >= 90 && len(leaders[p.unit]) > 0:
			ls := leaders[p.unit]
			author = ls[r.IntN(len(ls))]
		}
		created := time.Date(day.Year(), day.Month(), day.Day(), 8+r.IntN(8), r.IntN(60), r.IntN(60), 0, osloLoc)

		var used *bool
		var mode, category *string
		var language, reason string
		var child, emergency bool
		// Interpreter use is recorded for about a third of the conversations.
		if domain.KindTakesInterpreter(kind) && r.IntN(100) < 30 {
			yes := r.IntN(100) < 10
			if p.needsInterpreter {
				yes = r.IntN(100) < 85
			}
			used = &yes
			switch {
			case yes:
				m := demoPick(r, demoInterpreterModes)
				mode, language = &m, p.language
				if language == "" {
					language = "ar"
				}
				if r.IntN(500) == 0 { // a child in an emergency (tolkeloven § 4)
					child, emergency = true, true
				} else if c := demoPick(r, demoInterpreterCategories); c != "" {
					category = &c
				}
			case p.needsInterpreter:
				reason = demoNoInterpreterReasons[r.IntN(len(demoNoInterpreterReasons))]
			}
		}

		body.Reset()
		demoNoteBody(r, &body, kind, p.given, used != nil && *used)
		return []any{p.id, kind, day, body.String(), author, created, created,
			used, mode, category, language, child, emergency, reason}, nil
	}))
	if err != nil {
		return copied, fmt.Errorf("copy case notes: %w", err)
	}
	_, err = db.Pool.Exec(ctx, `ANALYZE case_notes`)
	return copied, err
}

// demoWeighted is a value with a relative weight.
type demoWeighted struct {
	w int
	v string
}

func demoPick(r *rand.Rand, opts []demoWeighted) string {
	total := 0
	for _, o := range opts {
		total += o.w
	}
	x := r.IntN(total)
	for _, o := range opts {
		if x < o.w {
			return o.v
		}
		x -= o.w
	}
	return opts[len(opts)-1].v
}

var demoNoteKinds = []demoWeighted{
	{35, domain.NoteMeeting}, {25, domain.NotePhone}, {8, domain.NoteHomeVisit},
	{20, domain.NoteMessage}, {12, domain.NoteOther},
}

var demoInterpreterModes = []demoWeighted{{55, "on_site"}, {30, "phone"}, {15, "video"}}

// demoInterpreterCategories: "" is an interpreter outside the register.
var demoInterpreterCategories = []demoWeighted{{15, "A"}, {20, "B"}, {10, "C"}, {15, "D"}, {15, "E"}, {25, ""}}

var demoNoInterpreterReasons = []string{
	"Tolken meldte avbud samme morgen, og vi fikk ikke tak i en ny.",
	"Kort praktisk avklaring som ble gjort på enkel norsk.",
	"Deltakeren ønsket å snakke norsk for å øve.",
	"Samtalen foregikk på engelsk, som deltakeren behersker godt.",
	"Fikk ikke bestilt tolk på så kort varsel.",
	"Deltakeren tok kontakt uanmeldt.",
}

// demoOpenings start a note, by kind; %s is the person's given name.
var demoOpenings = map[string][]string{
	domain.NoteMeeting: {
		"Oppfølgingssamtale med %s på kontoret.",
		"Møte med %s om individuell plan.",
		"Samtale med %s på servicetorget.",
		"Trepartsmøte med %s og NAV-veileder.",
		"Møte med %s og kontaktlærer på voksenopplæringen.",
		"Planlagt samtale med %s om progresjon i programmet.",
	},
	domain.NotePhone: {
		"%s ringte og ønsket å snakke om bostøtte.",
		"Ringte %s for å følge opp avtalen fra forrige uke.",
		"Telefonsamtale med %s om fraværet den siste uken.",
		"%s ringte om brev fra Skatteetaten.",
		"Ringte %s for å bekrefte tid for møte.",
	},
	domain.NoteHomeVisit: {
		"Hjemmebesøk hos %s sammen med boligkonsulent.",
		"Hjemmebesøk hos %s etter innflytting.",
		"Besøkte %s hjemme for å gå gjennom husordensreglene.",
		"Hjemmebesøk hos %s og familien.",
	},
	domain.NoteMessage: {
		"Melding fra %s via SMS:",
		"Sendte melding til %s med påminnelse om møtet.",
		"%s sendte melding og ba om ny time.",
		"Melding til %s om endret oppmøtested.",
	},
	domain.NoteOther: {
		"E-post fra NAV om %s sin sak.",
		"Drøftet saken til %s i teammøte.",
		"Brev fra skolen om %s.",
		"Henvendelse fra utleier angående %s.",
		"Saken til %s gjennomgått før møte med IMDi.",
	},
}

// demoSentences are the middle of a note.
var demoSentences = []string{
	"Vi gikk gjennom timeplanen for norskopplæringen og samfunnskunnskap.",
	"Deltakeren møter stabilt og er fornøyd med klassen.",
	"Fraværet den siste måneden er gjennomgått; det meste er dokumentert.",
	"Vi snakket om mål for praksisplass etter sommeren.",
	"Deltakeren ønsker praksis innen helse og omsorg, eventuelt butikk.",
	"Avtalt at programrådgiver kontakter arbeidsgiver om mulig praksisplass.",
	"Søknad om bostøtte er sendt Husbanken; svar ventes innen fire uker.",
	"Husleien for neste måned er betalt.",
	"Det er behov for hjelp til å forstå strømregningen.",
	"Vi gikk gjennom introduksjonsstønaden og trekk ved ugyldig fravær.",
	"Barna har fått plass i barnehage fra august.",
	"Eldste barn har begynt på innføringsklasse og trives.",
	"Det er søkt om skoleskyss for barna.",
	"Deltakeren har fått hjelp til å bestille pass og trenger ikke mer hjelp med det.",
	"Vi snakket om bankkonto og BankID; deltakeren har nå begge deler.",
	"Skattekort er bestilt.",
	"Deltakeren har spørsmål om familiegjenforening, henvist til UDI sine sider.",
	"Leiligheten er i god stand, men det mangler gardiner og en lampe på soverommet.",
	"Vaskemaskinen fungerer ikke; utleier er varslet.",
	"Det er klaget på støy fra naboer, og vi gikk gjennom husordensreglene sammen.",
	"Deltakeren har bestått norskprøven muntlig på nivå A2.",
	"Vi la en plan for å ta norskprøven skriftlig til høsten.",
	"Kurs i arbeidsrettet norsk starter i neste modul.",
	"Deltakeren er motivert for førerkort, men det må vente til økonomien tillater det.",
	"Vi fylte ut søknad om redusert foreldrebetaling i barnehagen.",
	"Individuell plan er oppdatert med nye delmål.",
	"Deltakeren ønsker å ta fagbrev og har sett på voksenopplæringens tilbud.",
	"Vi avklarte hvem som følger opp søknaden om godkjenning av utdanning fra hjemlandet.",
	"Det er sendt henvisning til NAV for arbeidsrettet oppfølging.",
	"Deltakeren er informert om retten til permisjon ved sykdom hos barn.",
	"Vi snakket om fritidsaktiviteter for barna; fritidskortet er tatt i bruk.",
	"Deltakeren har fått tilbud om språkpraksis i kommunens kantine.",
	"Praksisplassen fungerer godt ifølge kontaktpersonen på arbeidsplassen.",
	"Deltakeren kom for sent to ganger denne uken; vi snakket om hvorfor.",
	"Deltakeren er bekymret for familien i hjemlandet.",
	"Det er avtalt møte med boligkontoret om bytte til større leilighet.",
	"Depositum er dekket av kommunen etter vedtak.",
	"Deltakeren har fått innkalling til samtale hos UDI.",
	"Vi meldte barna på leksehjelp på biblioteket.",
	"Vi ble enige om å trappe ned oppfølgingen til én samtale i måneden.",
}

// demoClosings end a note.
var demoClosings = []string{
	"Ny samtale om to uker.",
	"Avtalt oppfølging i neste uke.",
	"Programrådgiver følger opp.",
	"Ingen videre oppfølging nødvendig nå.",
	"Neste møte avtales på telefon.",
	"Deltakeren tar kontakt ved behov.",
}

// demoNoteBody writes a note's text: an opening for the kind, some middle
// sentences and usually a closing. Most notes are a few lines; a few run to
// several paragraphs.
func demoNoteBody(r *rand.Rand, b *strings.Builder, kind, given string, interpreter bool) {
	openings := demoOpenings[kind]
	fmt.Fprintf(b, openings[r.IntN(len(openings))], given)
	if interpreter && r.IntN(3) == 0 {
		b.WriteString(" Tolk deltok.")
	}
	var middle int
	switch x := r.IntN(100); {
	case x < 15:
		middle = 0
	case x < 55:
		middle = 1 + r.IntN(2)
	case x < 85:
		middle = 3 + r.IntN(3)
	case x < 97:
		middle = 6 + r.IntN(7)
	default: // a long note, in paragraphs
		middle = 20 + r.IntN(25)
	}
	for j := range middle {
		if j > 0 && j%5 == 0 && middle > 8 {
			b.WriteString("\n\n")
		} else {
			b.WriteByte(' ')
		}
		b.WriteString(demoSentences[r.IntN(len(demoSentences))])
	}
	if middle > 0 && r.IntN(4) != 0 {
		b.WriteByte(' ')
		b.WriteString(demoClosings[r.IntN(len(demoClosings))])
	}
}
