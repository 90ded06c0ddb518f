package domain

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// Residence basis categories (oppholdsgrunnlag).
const (
	BasisReception     = "reception"     // flyktning fra mottak
	BasisResettlement  = "resettlement"  // overføringsflyktning
	BasisFamily        = "family"        // familiegjenforent
	BasisCollective    = "collective"    // kollektiv beskyttelse (utlendingsloven § 34)
	BasisUnaccompanied = "unaccompanied" // enslig mindreårig
)

// residenceBases lists the residence basis categories.
var residenceBases = []Option{
	{BasisReception, "Flyktning fra mottak"},
	{BasisResettlement, "Overføringsflyktning"},
	{BasisFamily, "Familiegjenforent"},
	{BasisCollective, "Kollektiv beskyttelse (§ 34)"},
	{BasisUnaccompanied, "Enslig mindreårig"},
}

// interpreterGenders lists the gender preferences for an interpreter.
var interpreterGenders = []Option{{"", "Ingen preferanse"}, {"female", "Kvinnelig tolk"}, {"male", "Mannlig tolk"}}

// sexes lists the values of Person.Sex.
var sexes = []Option{{"female", "Kvinne"}, {"male", "Mann"}, {"unknown", "Ukjent"}}

// countries lists countries of origin (ISO 3166-1 alpha-2) with Norwegian names.
var countries = []Option{
	{"AF", "Afghanistan"}, {"BI", "Burundi"}, {"CD", "Den demokratiske republikken Kongo"},
	{"ER", "Eritrea"}, {"ET", "Etiopia"}, {"IQ", "Irak"}, {"IR", "Iran"}, {"LB", "Libanon"},
	{"MM", "Myanmar"}, {"PS", "Palestina"}, {"RU", "Russland"}, {"RW", "Rwanda"},
	{"SD", "Sudan"}, {"SO", "Somalia"}, {"SS", "Sør-Sudan"}, {"SY", "Syria"},
	{"TR", "Tyrkia"}, {"UA", "Ukraina"}, {"YE", "Jemen"}, {"XX", "Statsløs / ukjent"},
}

// languages lists languages (ISO 639 codes) with Norwegian names.
var languages = []Option{
	{"am", "Amharisk"}, {"ar", "Arabisk"}, {"prs", "Dari"}, {"en", "Engelsk"},
	{"fa", "Farsi"}, {"fr", "Fransk"}, {"kmr", "Kurdisk (kurmanji)"}, {"ckb", "Kurdisk (sorani)"},
	{"ln", "Lingala"}, {"ps", "Pashto"}, {"ru", "Russisk"}, {"so", "Somali"},
	{"sw", "Swahili"}, {"ti", "Tigrinja"}, {"tr", "Tyrkisk"}, {"uk", "Ukrainsk"},
}

// Label returns the label of value in opts, or value itself.
func Label(opts []Option, value string) string {
	for _, o := range opts {
		if o.Value == value {
			return o.Label
		}
	}
	return value
}

func hasOption(opts []Option, value string) bool {
	return slices.ContainsFunc(opts, func(o Option) bool { return o.Value == value })
}

// Person is a settled refugee (deltaker).
type Person struct {
	ID                  int64      `db:"id"`
	UnitID              int64      `db:"unit_id"`
	GivenName           string     `db:"given_name"`
	FamilyName          string     `db:"family_name"`
	BirthDate           time.Time  `db:"birth_date"`
	Sex                 string     `db:"sex"`
	NationalID          *string    `db:"national_id"`
	DUFNumber           *string    `db:"duf_number"`
	CountryOfOrigin     string     `db:"country_of_origin"`
	Languages           []string   `db:"languages"`
	InterpreterNeeded   bool       `db:"interpreter_needed"`
	InterpreterLanguage string     `db:"interpreter_language"`
	InterpreterDialect  string     `db:"interpreter_dialect"`
	InterpreterGender   string     `db:"interpreter_gender"`
	ResidenceBasis      string     `db:"residence_basis"`
	ArrivalDate         *time.Time `db:"arrival_date"`
	SettlementDate      *time.Time `db:"settlement_date"`
	CaseworkerID        *int64     `db:"caseworker_id"`
	CaseworkerName      *string    `db:"caseworker_name"`
	Status              string     `db:"status"`
	Version             int        `db:"version"`
	CreatedAt           time.Time  `db:"created_at"`
	UpdatedAt           time.Time  `db:"updated_at"`
	// Anonymised: retention removed the person's identity (migration
	// 000034); the record cannot change.
	Anonymised bool `db:"anonymised"`
	// The settlement pipeline (migration 000027).
	SettlementStage     string     `db:"settlement_stage"`
	ProposedOn          *time.Time `db:"proposed_on"`
	AgreedOn            *time.Time `db:"agreed_on"`
	ExpectedArrival     *time.Time `db:"expected_arrival"`
	DeclinedOn          *time.Time `db:"declined_on"`
	DeclineReason       string     `db:"decline_reason"`
	GrantDisability     bool       `db:"grant_disability"`
	NeedsAccessibleHome bool       `db:"needs_accessible_home"`
}

// FullName is "given family".
func (p *Person) FullName() string { return strings.TrimSpace(p.GivenName + " " + p.FamilyName) }

// ListName is a person's name as lists show it ("Haidari, Amina"); an
// anonymised person (no given name left) is "Anonymisert".
func ListName(given, family string) string {
	if given == "" {
		return family
	}
	return family + ", " + given
}

// PersonForm is a person as typed in the form: every field a string, so a
// refused form comes back exactly as the user wrote it.
type PersonForm struct {
	GivenName           string
	FamilyName          string
	BirthDate           string
	Sex                 string
	NationalID          string
	DUFNumber           string
	CountryOfOrigin     string
	Languages           []string
	InterpreterNeeded   bool
	InterpreterLanguage string
	InterpreterDialect  string
	InterpreterGender   string
	ResidenceBasis      string
	ArrivalDate         string
	SettlementDate      string
	CaseworkerID        string
	Version             string
	// The settlement pipeline: the stage ("" is settled), its dates and the
	// reason for a decline; the grant's disability extra and the housing need.
	SettlementStage     string
	ProposedOn          string
	AgreedOn            string
	ExpectedArrival     string
	DeclinedOn          string
	DeclineReason       string
	GrantDisability     bool
	NeedsAccessibleHome bool
}

// FormFromPerson fills a form from a stored person (for editing).
func FormFromPerson(p *Person) PersonForm {
	f := PersonForm{
		GivenName: p.GivenName, FamilyName: p.FamilyName,
		BirthDate: FormatISODate(&p.BirthDate), Sex: p.Sex,
		CountryOfOrigin: p.CountryOfOrigin, Languages: p.Languages,
		InterpreterNeeded: p.InterpreterNeeded, InterpreterLanguage: p.InterpreterLanguage,
		InterpreterDialect: p.InterpreterDialect, InterpreterGender: p.InterpreterGender,
		ResidenceBasis: p.ResidenceBasis,
		ArrivalDate:    FormatISODate(p.ArrivalDate), SettlementDate: FormatISODate(p.SettlementDate),
		Version:         strconv.Itoa(p.Version),
		SettlementStage: p.SettlementStage, ProposedOn: FormatISODate(p.ProposedOn), AgreedOn: FormatISODate(p.AgreedOn),
		ExpectedArrival: FormatISODate(p.ExpectedArrival), DeclinedOn: FormatISODate(p.DeclinedOn),
		DeclineReason: p.DeclineReason, GrantDisability: p.GrantDisability, NeedsAccessibleHome: p.NeedsAccessibleHome,
	}
	if p.NationalID != nil {
		f.NationalID = *p.NationalID
	}
	if p.DUFNumber != nil {
		f.DUFNumber = *p.DUFNumber
	}
	if p.CaseworkerID != nil {
		f.CaseworkerID = strconv.FormatInt(*p.CaseworkerID, 10)
	}
	return f
}

// FormatISODate formats d as YYYY-MM-DD, or "" for nil.
func FormatISODate(d *time.Time) string {
	if d == nil || d.IsZero() {
		return ""
	}
	return d.Format("2006-01-02")
}

// FormatDate formats d the Norwegian way (dd.mm.yyyy), or "–" for nil.
func FormatDate(d *time.Time) string {
	if d == nil || d.IsZero() {
		return "–"
	}
	return d.Format("02.01.2006")
}

// ParseDate accepts YYYY-MM-DD (what <input type=date> sends) and dd.mm.yyyy.
func ParseDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{"2006-01-02", "02.01.2006", "2.1.2006"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// PersonInput is a validated person, ready to store.
type PersonInput struct {
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
	InterpreterGender   string
	ResidenceBasis      string
	ArrivalDate         *time.Time
	SettlementDate      *time.Time
	CaseworkerID        *int64
	Version             int // the version the edit was based on (updates only)
	Pipeline            Pipeline
}

// Validate checks the form against the rules and returns the typed input, or
// an *Error with one Norwegian message per field. today is the current date.
func (f PersonForm) Validate(today time.Time) (PersonInput, error) {
	var in PersonInput
	fields := map[string]string{}
	bad := func(field, msg string) {
		if _, ok := fields[field]; !ok {
			fields[field] = msg
		}
	}

	var err error
	if in.GivenName, err = NormalizeName(f.GivenName); err != nil {
		bad("given_name", nameMessage("Fornavn", err))
	}
	if in.FamilyName, err = NormalizeName(f.FamilyName); err != nil {
		bad("family_name", nameMessage("Etternavn", err))
	}

	today = time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)
	if strings.TrimSpace(f.BirthDate) == "" {
		bad("birth_date", "Fødselsdato må fylles ut.")
	} else if d, ok := ParseDate(f.BirthDate); !ok {
		bad("birth_date", "Fødselsdato må være en gyldig dato (dd.mm.åååå).")
	} else if d.After(today) {
		bad("birth_date", "Fødselsdato kan ikke være i fremtiden.")
	} else if d.Before(today.AddDate(-125, 0, 0)) {
		bad("birth_date", "Fødselsdato er for langt tilbake i tid.")
	} else {
		in.BirthDate = d
	}

	if !hasOption(sexes, f.Sex) {
		bad("sex", "Velg kjønn.")
	}
	in.Sex = f.Sex

	if strings.TrimSpace(f.NationalID) != "" {
		if id, err := ParseNationalID(f.NationalID); err != nil {
			bad("national_id", ErrorMessage(err))
		} else {
			in.NationalID = &id.Number
		}
	}
	if strings.TrimSpace(f.DUFNumber) != "" {
		if d, err := ParseDUF(f.DUFNumber); err != nil {
			bad("duf_number", ErrorMessage(err))
		} else {
			in.DUFNumber = &d
		}
	}
	if strings.TrimSpace(f.NationalID) == "" && strings.TrimSpace(f.DUFNumber) == "" {
		bad("national_id", "Fyll ut fødselsnummer/D-nummer eller DUF-nummer.")
	}

	if !hasOption(countries, f.CountryOfOrigin) {
		bad("country_of_origin", "Velg opprinnelsesland.")
	}
	in.CountryOfOrigin = f.CountryOfOrigin

	for _, l := range f.Languages {
		if !hasOption(languages, l) {
			bad("languages", "Ukjent språk.")
			continue
		}
		if !slices.Contains(in.Languages, l) {
			in.Languages = append(in.Languages, l)
		}
	}
	if in.Languages == nil {
		in.Languages = []string{}
	}

	in.InterpreterNeeded = f.InterpreterNeeded
	var msg string
	if in.InterpreterDialect, msg = lineField("Dialekt", f.InterpreterDialect); msg != "" {
		bad("interpreter_dialect", msg)
	} else if len([]rune(in.InterpreterDialect)) > 100 {
		bad("interpreter_dialect", "Dialekt kan ha høyst 100 tegn.")
	}
	if !hasOption(interpreterGenders, f.InterpreterGender) {
		bad("interpreter_gender", "Ukjent valg for tolkens kjønn.")
	}
	in.InterpreterGender = f.InterpreterGender
	if f.InterpreterNeeded {
		if !hasOption(languages, f.InterpreterLanguage) {
			bad("interpreter_language", "Velg språk for tolk når det er behov for tolk.")
		}
		in.InterpreterLanguage = f.InterpreterLanguage
	} else if f.InterpreterLanguage != "" && !hasOption(languages, f.InterpreterLanguage) {
		bad("interpreter_language", "Ukjent språk.")
	} else {
		in.InterpreterLanguage = f.InterpreterLanguage
	}

	if !hasOption(residenceBases, f.ResidenceBasis) {
		bad("residence_basis", "Velg oppholdsgrunnlag.")
	}
	in.ResidenceBasis = f.ResidenceBasis

	optDate := func(field, label, s string, maxFuture int) *time.Time {
		if strings.TrimSpace(s) == "" {
			return nil
		}
		d, ok := ParseDate(s)
		if !ok {
			bad(field, label+" må være en gyldig dato (dd.mm.åååå).")
			return nil
		}
		if d.After(today.AddDate(0, 0, maxFuture)) {
			if maxFuture == 0 {
				bad(field, label+" kan ikke være i fremtiden.")
			} else {
				bad(field, label+" kan ikke være mer enn ett år frem i tid.")
			}
			return nil
		}
		if d.Before(time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)) {
			bad(field, label+" kan ikke være før 1990.")
			return nil
		}
		return &d
	}
	in.ArrivalDate = optDate("arrival_date", "Ankomstdato", f.ArrivalDate, 0)
	in.SettlementDate = optDate("settlement_date", "Bosettingsdato", f.SettlementDate, 366)
	if in.ArrivalDate != nil && in.SettlementDate != nil && in.SettlementDate.Before(*in.ArrivalDate) {
		bad("settlement_date", "Bosettingsdato kan ikke være før ankomstdato.")
	}
	if in.ArrivalDate != nil && !in.BirthDate.IsZero() && in.ArrivalDate.Before(in.BirthDate) {
		bad("arrival_date", "Ankomstdato kan ikke være før fødselsdato.")
	}

	in.Pipeline = validatePipeline(f, in.SettlementDate, today, bad)

	if s := strings.TrimSpace(f.CaseworkerID); s != "" {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			bad("caseworker_id", "Ukjent programrådgiver.")
		} else {
			in.CaseworkerID = &id
		}
	}

	if s := strings.TrimSpace(f.Version); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v <= 0 {
			bad("version", "Ugyldig versjon. Last siden på nytt.")
		}
		in.Version = v
	}

	if len(fields) > 0 {
		return in, &Error{Code: EINVALID, Message: "Skjemaet har feil. Rett opp feltene som er merket.", Fields: fields}
	}
	return in, nil
}

// nameMessage names the field in a name error ("Fornavn må fylles ut."), so
// the error summary says which name is wrong.
func nameMessage(field string, err error) string {
	msg := ErrorMessage(err)
	switch {
	case strings.HasPrefix(msg, "Navnet "):
		return field + "et " + strings.TrimPrefix(msg, "Navnet ")
	case strings.HasPrefix(msg, "Navn "):
		return field + " " + strings.TrimPrefix(msg, "Navn ")
	}
	return msg
}

// NameAndBirth is what the duplicate rule compares.
type NameAndBirth struct {
	GivenName  string
	FamilyName string
	BirthDate  time.Time
}

// LikelyDuplicate reports whether two persons are likely the same: the same
// birth date and similar names (SimilarNames). Identity numbers are compared
// by the store, where they are unique.
func LikelyDuplicate(a, b NameAndBirth) bool {
	return Date(a.BirthDate).Equal(Date(b.BirthDate)) &&
		SimilarNames(a.GivenName, a.FamilyName, b.GivenName, b.FamilyName)
}
