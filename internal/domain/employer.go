package domain

import (
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// The employer register (arbeidsgivere) of work-practice placements: an
// employer with its organisation number (organisasjonsnummer) and sector,
// its worksites (arbeidssteder) with the places they offer and the languages
// spoken there, and its contact people and supervisors (veiledere). The
// register is shared by every unit of the municipality.

// Sectors (bransje) of an employer, as stored in employers.sector.
const (
	SectorNursingHome  = "nursing_home"
	SectorHomeCare     = "home_care"
	SectorKindergarten = "kindergarten"
	SectorSchool       = "school"
	SectorWorkshop     = "workshop"
	SectorShop         = "shop"
	SectorKitchen      = "kitchen"
	SectorHotel        = "hotel"
	SectorCleaning     = "cleaning"
	SectorCaretaking   = "caretaking"
	SectorParks        = "parks"
	SectorIndustry     = "industry"
	SectorOther        = "other"
)

var sectors = []Option{
	{SectorNursingHome, "Sykehjem"},
	{SectorHomeCare, "Hjemmetjeneste"},
	{SectorKindergarten, "Barnehage"},
	{SectorSchool, "Skole/SFO"},
	{SectorWorkshop, "Verksted"},
	{SectorShop, "Butikk"},
	{SectorKitchen, "Storkjøkken"},
	{SectorHotel, "Hotell"},
	{SectorCleaning, "Renhold"},
	{SectorCaretaking, "Vaktmester/drift"},
	{SectorParks, "Park og anlegg"},
	{SectorIndustry, "Industri"},
	{SectorOther, "Annet"},
}

// Sectors lists the sectors of an employer with their Norwegian names.
func Sectors() []Option { return slices.Clone(sectors) }

// SectorLabel is a sector's Norwegian name (the code itself when unknown).
func SectorLabel(code string) string { return Label(sectors, code) }

// orgNumberWeights are the weights of digits 1–8 of an organisation number.
var orgNumberWeights = [8]int{3, 2, 7, 6, 5, 4, 3, 2}

// OrgNumberCheckDigit computes the mod-11 check digit of the first eight
// digits of an organisation number: 11 − (weighted sum mod 11), where 11
// gives 0; ok is false when first8 is not eight ASCII digits or the result
// is 10 (no number has those eight digits).
func OrgNumberCheckDigit(first8 string) (digit int, ok bool) {
	if len(first8) != 8 {
		return 0, false
	}
	sum := 0
	for i := range 8 {
		c := first8[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		sum += int(c-'0') * orgNumberWeights[i]
	}
	d := 11 - sum%11
	switch d {
	case 11:
		return 0, true
	case 10:
		return 0, false
	}
	return d, true
}

// ValidOrgNumber reports whether s is a valid organisation number: exactly
// nine ASCII digits whose last is the mod-11 check digit of the first eight
// (974760673 is valid, 974760674 is not). Spaces are not accepted here; the
// form removes them first (NormalizeOrgNumber).
func ValidOrgNumber(s string) bool {
	if len(s) != 9 || s[8] < '0' || s[8] > '9' {
		return false
	}
	d, ok := OrgNumberCheckDigit(s[:8])
	return ok && int(s[8]-'0') == d
}

// NormalizeOrgNumber removes the white space a user types in an organisation
// number ("974 760 673", with no-break spaces too).
func NormalizeOrgNumber(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '\u00a0' || r == '\u202f' {
			return -1
		}
		return r
	}, s)
}

// FormatOrgNumber shows a nine-digit organisation number in groups of three
// ("974 760 673"); anything else is returned as it is.
func FormatOrgNumber(s string) string {
	if len(s) != 9 {
		return s
	}
	return s[:3] + " " + s[3:6] + " " + s[6:]
}

// Employer is an employer of the register.
type Employer struct {
	ID        int64     `db:"id"`
	Name      string    `db:"name"`
	OrgNr     string    `db:"orgnr"`
	Address   string    `db:"address"`
	Sector    string    `db:"sector"`
	Notes     string    `db:"notes"`
	Active    bool      `db:"active"`
	Version   int       `db:"version"`
	UpdatedAt time.Time `db:"updated_at"`
}

// Worksite is a worksite of an employer with the places it offers. InUse is
// the number of placements holding a place today, across every unit.
type Worksite struct {
	ID           int64     `db:"id"`
	EmployerID   int64     `db:"employer_id"`
	EmployerName string    `db:"employer_name"`
	Name         string    `db:"name"`
	Address      string    `db:"address"`
	Area         string    `db:"area"`
	Places       int       `db:"places"`
	Languages    []string  `db:"languages"`
	Notes        string    `db:"notes"`
	Active       bool      `db:"active"`
	Version      int       `db:"version"`
	UpdatedAt    time.Time `db:"updated_at"`
	InUse        int       `db:"in_use"`
}

// Free is the number of places not in use today (never below 0).
func (w Worksite) Free() int { return max(w.Places-w.InUse, 0) }

// EmployerContact is a contact person or supervisor of an employer,
// optionally tied to one worksite.
type EmployerContact struct {
	ID           int64   `db:"id"`
	EmployerID   int64   `db:"employer_id"`
	WorksiteID   *int64  `db:"worksite_id"`
	WorksiteName *string `db:"worksite_name"`
	Name         string  `db:"name"`
	Phone        string  `db:"phone"`
	Email        string  `db:"email"`
	IsSupervisor bool    `db:"is_supervisor"`
	Active       bool    `db:"active"`
	Version      int     `db:"version"`
}

// EmployerDetail is an employer with its worksites and contacts.
type EmployerDetail struct {
	Employer
	Worksites []Worksite
	Contacts  []EmployerContact
}

// WorksitePlacement is a placement at a worksite as its page lists it: the
// participant, the period, the status and the hours.
type WorksitePlacement struct {
	ID             int64      `db:"id"`
	PersonID       int64      `db:"person_id"`
	GivenName      string     `db:"given_name"`
	FamilyName     string     `db:"family_name"`
	StartDate      time.Time  `db:"start_date"`
	PlannedEnd     time.Time  `db:"planned_end"`
	EndedOn        *time.Time `db:"ended_on"`
	Status         string     `db:"status"`
	MinutesPerWeek int        `db:"minutes_per_week"`
}

// FullName is the participant's given and family name.
func (p WorksitePlacement) FullName() string { return p.GivenName + " " + p.FamilyName }

// Current reports whether the placement still holds a place (planned,
// active or paused); ended and aborted placements are past.
func (p WorksitePlacement) Current() bool {
	return p.Status == "planned" || p.Status == "active" || p.Status == "paused"
}

// worksitePlacementStatusLabels are the placement statuses as the worksite
// page shows them.
var worksitePlacementStatusLabels = []Option{
	{"planned", "Planlagt"}, {"active", "Aktiv"}, {"paused", "Pause"}, {"ended", "Avsluttet"}, {"aborted", "Avbrutt"},
}

// StatusLabel is the placement's status in Norwegian.
func (p WorksitePlacement) StatusLabel() string {
	return Label(worksitePlacementStatusLabels, p.Status)
}

// WorksiteDetail is a worksite's page: the worksite with its employer, its
// contacts and supervisors (its own and the employer's without a worksite)
// and the placements at it that the user may see.
type WorksiteDetail struct {
	Worksite
	EmployerOrgNr  string
	EmployerActive bool
	Contacts       []EmployerContact
	Placements     []WorksitePlacement
}

// ---- Forms ----

// EmployerForm is an employer as typed.
type EmployerForm struct {
	Name    string
	OrgNr   string
	Address string
	Sector  string
	Notes   string
	Version string
}

// EmployerInput is a validated employer form.
type EmployerInput struct {
	Name    string
	OrgNr   string // nine digits, no spaces
	Address string
	Sector  string
	Notes   string
	Version int // the version an edit was based on (0 when creating)
}

// requiredLine checks a required one-line field of at most maxRunes.
func requiredLine(fields map[string]string, key, subject, missing string, s string, maxRunes int) string {
	v, msg := lineField(subject, s)
	switch {
	case msg != "":
		fields[key] = msg
	case v == "":
		fields[key] = missing
	case utf8.RuneCountInString(v) > maxRunes:
		fields[key] = subject + " kan ha høyst " + strconv.Itoa(maxRunes) + " tegn."
	}
	return v
}

// optionalLine checks an optional one-line field of at most maxRunes.
func optionalLine(fields map[string]string, key, subject, s string, maxRunes int) string {
	v, msg := lineField(subject, s)
	switch {
	case msg != "":
		fields[key] = msg
	case utf8.RuneCountInString(v) > maxRunes:
		fields[key] = subject + " kan ha høyst " + strconv.Itoa(maxRunes) + " tegn."
	}
	return v
}

// optionalText checks an optional multi-line field of at most maxRunes.
func optionalText(fields map[string]string, key, subject, s string, maxRunes int) string {
	v, msg := textField(subject, s)
	switch {
	case msg != "":
		fields[key] = msg
	case utf8.RuneCountInString(v) > maxRunes:
		fields[key] = subject + " kan ha høyst " + strconv.Itoa(maxRunes) + " tegn."
	}
	return v
}

// checkVersion reads the form's version; an edit (requireVersion) must have one.
func checkVersion(fields map[string]string, s string, requireVersion bool) int {
	v := parseVersion(s, fields)
	if requireVersion && v == 0 && fields["version"] == "" {
		fields["version"] = "Skjemaet mangler versjon. Last siden på nytt."
	}
	return v
}

// Validate checks the employer form: a name, a valid organisation number
// (spaces allowed as typed), a sector from the list; address and notes are
// optional. An edit (requireVersion) must carry its version.
func (f EmployerForm) Validate(requireVersion bool) (EmployerInput, error) {
	var in EmployerInput
	fields := map[string]string{}
	in.Name = requiredLine(fields, "name", "Navnet", "Skriv navnet på arbeidsgiveren.", f.Name, 200)
	in.OrgNr = NormalizeOrgNumber(f.OrgNr)
	switch {
	case in.OrgNr == "":
		fields["orgnr"] = "Skriv organisasjonsnummeret (9 siffer)."
	case len(in.OrgNr) != 9 || !isDigits9(in.OrgNr):
		fields["orgnr"] = "Organisasjonsnummeret må ha 9 siffer, for eksempel 974 760 673."
	case !ValidOrgNumber(in.OrgNr):
		fields["orgnr"] = "Organisasjonsnummeret " + FormatOrgNumber(in.OrgNr) + " er ikke gyldig: kontrollsifferet stemmer ikke. Sjekk nummeret i Enhetsregisteret."
	}
	in.Address = optionalLine(fields, "address", "Adressen", f.Address, 300)
	in.Sector = strings.TrimSpace(f.Sector)
	switch {
	case in.Sector == "":
		fields["sector"] = "Velg bransje."
	case !hasOption(sectors, in.Sector):
		fields["sector"] = "Ukjent bransje. Velg en fra listen."
	}
	in.Notes = optionalText(fields, "notes", "Notatene", f.Notes, 4000)
	in.Version = checkVersion(fields, f.Version, requireVersion)
	if len(fields) > 0 {
		return in, invalidForm(fields)
	}
	return in, nil
}

func isDigits9(s string) bool {
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// WorksiteForm is a worksite as typed.
type WorksiteForm struct {
	Name      string
	Address   string
	Area      string
	Places    string
	Languages []string
	Notes     string
	Version   string
}

// WorksiteInput is a validated worksite form.
type WorksiteInput struct {
	Name      string
	Address   string
	Area      string
	Places    int
	Languages []string // codes of Languages(), in the list's order
	Notes     string
	Version   int
}

// MaxWorksitePlaces is the greatest number of places a worksite may offer.
const MaxWorksitePlaces = 500

// Validate checks the worksite form: a name, the number of places (0–500),
// languages from the list; address, area and notes are optional.
func (f WorksiteForm) Validate(requireVersion bool) (WorksiteInput, error) {
	var in WorksiteInput
	fields := map[string]string{}
	in.Name = requiredLine(fields, "name", "Navnet", "Skriv navnet på arbeidsstedet, for eksempel «Kjøkkenet».", f.Name, 200)
	in.Address = optionalLine(fields, "address", "Adressen", f.Address, 300)
	in.Area = optionalLine(fields, "area", "Området", f.Area, 100)
	p := strings.TrimSpace(f.Places)
	n, err := strconv.Atoi(p)
	switch {
	case p == "":
		fields["places"] = "Skriv hvor mange praksisplasser arbeidsstedet tilbyr (0 hvis ingen nå)."
	case err != nil:
		fields["places"] = "Antall plasser må være et helt tall."
	case n < 0 || n > MaxWorksitePlaces:
		fields["places"] = "Antall plasser må være mellom 0 og " + strconv.Itoa(MaxWorksitePlaces) + "."
	default:
		in.Places = n
	}
	in.Languages = []string{}
	for _, l := range f.Languages {
		l = strings.TrimSpace(l)
		if !hasOption(languages, l) {
			fields["languages"] = "Ukjent språk. Velg fra listen."
			break
		}
		if !slices.Contains(in.Languages, l) {
			in.Languages = append(in.Languages, l)
		}
	}
	slices.SortFunc(in.Languages, func(a, b string) int {
		return slices.IndexFunc(languages, func(o Option) bool { return o.Value == a }) -
			slices.IndexFunc(languages, func(o Option) bool { return o.Value == b })
	})
	in.Notes = optionalText(fields, "notes", "Notatene om samarbeidet", f.Notes, 4000)
	in.Version = checkVersion(fields, f.Version, requireVersion)
	if len(fields) > 0 {
		return in, invalidForm(fields)
	}
	return in, nil
}

// LanguageNames are the languages' Norwegian names, joined with commas ("–"
// for none).
func LanguageNames(codes []string) string {
	if len(codes) == 0 {
		return "–"
	}
	out := make([]string, len(codes))
	for i, c := range codes {
		out[i] = Label(languages, c)
	}
	return strings.Join(out, ", ")
}

// ContactForm is a contact person or supervisor as typed. Supervisor is the
// checkbox's value ("yes" when ticked); WorksiteID is "" for the whole
// employer.
type ContactForm struct {
	Name       string
	Phone      string
	Email      string
	Supervisor string
	WorksiteID string
	Version    string
}

// ContactInput is a validated contact form.
type ContactInput struct {
	Name         string
	Phone        string
	Email        string
	IsSupervisor bool
	WorksiteID   *int64 // checked against the employer's worksites by the store
	Version      int
}

// Validate checks the contact form: a name; a phone number (digits, spaces,
// +, -, parentheses, 5–15 digits) and an e-mail address are optional but
// must look right when given.
func (f ContactForm) Validate(requireVersion bool) (ContactInput, error) {
	var in ContactInput
	fields := map[string]string{}
	in.Name = requiredLine(fields, "name", "Navnet", "Skriv navnet på kontaktpersonen.", f.Name, 200)
	phone := optionalLine(fields, "phone", "Telefonnummeret", f.Phone, 40)
	if phone != "" && fields["phone"] == "" && !ValidPhone(phone) {
		fields["phone"] = "Telefonnummeret kan bare ha siffer, mellomrom, +, - og parenteser, for eksempel 22 33 44 55 eller +47 912 34 567."
	}
	in.Phone = phone
	email := optionalLine(fields, "email", "E-postadressen", f.Email, 254)
	if email != "" && fields["email"] == "" && !ValidEmail(email) {
		fields["email"] = "E-postadressen ser ikke riktig ut. Skriv den slik: navn@eksempel.no."
	}
	in.Email = email
	switch strings.TrimSpace(f.Supervisor) {
	case "":
	case "yes", "on", "true":
		in.IsSupervisor = true
	default:
		fields["supervisor"] = "Ugyldig valg for veileder."
	}
	if w := strings.TrimSpace(f.WorksiteID); w != "" {
		id, err := strconv.ParseInt(w, 10, 64)
		if err != nil || id <= 0 {
			fields["worksite_id"] = "Velg et arbeidssted fra listen."
		} else {
			in.WorksiteID = &id
		}
	}
	in.Version = checkVersion(fields, f.Version, requireVersion)
	if len(fields) > 0 {
		return in, invalidForm(fields)
	}
	return in, nil
}

// ValidPhone reports whether s looks like a phone number: digits, spaces,
// a leading +, hyphens and parentheses, with 5 to 15 digits.
func ValidPhone(s string) bool {
	digits := 0
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '+' && i == 0, r == ' ', r == '-', r == '(', r == ')':
		default:
			return false
		}
	}
	return digits >= 5 && digits <= 15
}

// ValidEmail is a sane check of an e-mail address, not RFC 5322: one @, a
// local part of at most 64 characters without spaces, and a domain of
// labels (letters, digits, hyphens) with at least one dot and a top-level
// domain of at least two letters.
func ValidEmail(s string) bool {
	if len(s) > 254 || strings.ContainsAny(s, " \t\"<>,;:\\[]()") {
		return false
	}
	local, dom, ok := strings.Cut(s, "@")
	if !ok || local == "" || len(local) > 64 || strings.Contains(dom, "@") {
		return false
	}
	if strings.HasPrefix(local, ".") || strings.HasSuffix(local, ".") || strings.Contains(local, "..") {
		return false
	}
	labels := strings.Split(dom, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || strings.HasPrefix(l, "-") || strings.HasSuffix(l, "-") {
			return false
		}
		for _, r := range l {
			if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-' {
				return false
			}
		}
	}
	tld := labels[len(labels)-1]
	if utf8.RuneCountInString(tld) < 2 {
		return false
	}
	for _, r := range tld {
		if !unicode.IsLetter(r) {
			return false
		}
	}
	return true
}

// ActiveForm is a deactivation or reactivation as posted: the action and
// the version it is based on.
type ActiveForm struct {
	Action  string // "deactivate" or "activate"
	Version string
}

// Validate returns whether the record becomes active, and the version.
func (f ActiveForm) Validate() (active bool, version int, err error) {
	fields := map[string]string{}
	switch f.Action {
	case "deactivate":
	case "activate":
		active = true
	default:
		fields["action"] = "Ukjent handling."
	}
	version = checkVersion(fields, f.Version, true)
	if len(fields) > 0 {
		return false, 0, invalidForm(fields)
	}
	return active, version, nil
}
