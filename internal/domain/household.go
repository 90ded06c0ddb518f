package domain

import (
	"cmp"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// relations of a household member (relasjon), relative to the head of the
// household (hovedperson).
const (
	RelationHead    = "head"    // hovedperson
	RelationSpouse  = "spouse"  // ektefelle/partner
	RelationChild   = "child"   // barn
	RelationParent  = "parent"  // forelder
	RelationSibling = "sibling" // søsken
	RelationOther   = "other"   // annen
)

// relations lists the relations in display order (the order members are listed in).
var relations = []Option{
	{RelationHead, "Hovedperson"},
	{RelationSpouse, "Ektefelle/partner"},
	{RelationChild, "Barn"},
	{RelationParent, "Forelder"},
	{RelationSibling, "Søsken"},
	{RelationOther, "Annen"},
}

// householdNameMaxRunes is the greatest length of a household's name.
const householdNameMaxRunes = 100

// Household is a group of people settled together (husstand). It belongs to
// one unit; its members are persons of that unit.
type Household struct {
	ID        int64     `db:"id"`
	UnitID    int64     `db:"unit_id"`
	UnitName  string    `db:"unit_name"`
	Name      string    `db:"name"`
	Version   int       `db:"version"`
	CreatedAt time.Time `db:"created_at"`
	UpdatedAt time.Time `db:"updated_at"`
}

// HouseholdMember is one membership of a person in a household, with the
// person's facts that the household page shows. A member who has left keeps
// the row, with LeftOn set.
type HouseholdMember struct {
	PersonID       int64      `db:"person_id"`
	GivenName      string     `db:"given_name"`
	FamilyName     string     `db:"family_name"`
	BirthDate      time.Time  `db:"birth_date"`
	ResidenceBasis string     `db:"residence_basis"`
	ArrivalDate    *time.Time `db:"arrival_date"`
	SettlementDate *time.Time `db:"settlement_date"`
	PersonStatus   string     `db:"person_status"`
	Relation       string     `db:"relation"`
	JoinedOn       time.Time  `db:"joined_on"`
	Reunification  bool       `db:"reunification"`
	LeftOn         *time.Time `db:"left_on"`
}

// FullName is "given family".
func (m *HouseholdMember) FullName() string { return m.GivenName + " " + m.FamilyName }

// Active reports whether the member still belongs to the household.
func (m *HouseholdMember) Active() bool { return m.LeftOn == nil }

// HouseholdDetail is a household with its members: the active ones first,
// each group ordered by relation and birth date.
type HouseholdDetail struct {
	Household
	Members []HouseholdMember
}

// ActiveMembers returns the members who have not left.
func (h *HouseholdDetail) ActiveMembers() []HouseholdMember {
	var out []HouseholdMember
	for _, m := range h.Members {
		if m.Active() {
			out = append(out, m)
		}
	}
	return out
}

// Head returns the active head of the household, or nil.
func (h *HouseholdDetail) Head() *HouseholdMember {
	for i := range h.Members {
		if h.Members[i].Active() && h.Members[i].Relation == RelationHead {
			return &h.Members[i]
		}
	}
	return nil
}

// AgeOn returns the age in whole years on day of someone born on birth. A
// person born on 29 February turns a year older on 1 March in common years.
func AgeOn(birth, day time.Time) int {
	birth, day = Date(birth), Date(day)
	if day.Before(birth) {
		return 0
	}
	age := day.Year() - birth.Year()
	if day.Month() < birth.Month() || (day.Month() == birth.Month() && day.Day() < birth.Day()) {
		age--
	}
	return age
}

// invalidForm is the error of a refused form.
func invalidForm(fields map[string]string) *Error {
	return &Error{Code: EINVALID, Message: "Skjemaet har feil. Rett opp feltene som er merket.", Fields: fields}
}

// parseVersion reads a form's version field; "" is 0 (no version).
func parseVersion(s string, fields map[string]string) int {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0
	}
	v, err := strconv.Atoi(s)
	if err != nil || v <= 0 {
		fields["version"] = "Ugyldig versjon. Last siden på nytt."
		return 0
	}
	return v
}

// HouseholdForm is the household's own fields as typed.
type HouseholdForm struct {
	Name    string
	Version string
}

// HouseholdInput is a validated household form.
type HouseholdInput struct {
	Name    string
	Version int // the version an edit was based on (0 when creating)
}

// NormalizeHouseholdName cleans a household's name with CleanLine (no
// control or bidi control characters, something visible; white space joined,
// NFC). A name is required and has at most 100 characters.
func NormalizeHouseholdName(s string) (string, error) {
	s, msg := lineField("Navn på husstanden", s)
	switch {
	case msg != "":
		return "", &Error{Code: EINVALID, Message: msg}
	case s == "":
		return "", &Error{Code: EINVALID, Message: "Navn på husstanden må fylles ut."}
	case utf8.RuneCountInString(s) > householdNameMaxRunes:
		return "", &Error{Code: EINVALID, Message: "Navnet kan ha høyst 100 tegn."}
	}
	return s, nil
}

// Validate checks the form; an edit (requireVersion) must carry the version
// it was based on.
func (f HouseholdForm) Validate(requireVersion bool) (HouseholdInput, error) {
	var in HouseholdInput
	fields := map[string]string{}
	name, err := NormalizeHouseholdName(f.Name)
	if err != nil {
		fields["name"] = ErrorMessage(err)
	}
	in.Name = name
	in.Version = parseVersion(f.Version, fields)
	if requireVersion && in.Version == 0 && fields["version"] == "" {
		fields["version"] = "Skjemaet mangler versjon. Last siden på nytt."
	}
	if len(fields) > 0 {
		return in, invalidForm(fields)
	}
	return in, nil
}

// DefaultHouseholdName is the name a new household gets from its head:
// "Familien Haidari".
func DefaultHouseholdName(familyName string) string {
	return "Familien " + familyName
}

// MemberForm adds an existing person to a household, as typed.
type MemberForm struct {
	PersonID string
	Relation string
	JoinedOn string
	Version  string
}

// MemberInput is a validated membership.
type MemberInput struct {
	PersonID      int64
	Relation      string
	JoinedOn      time.Time
	Reunification bool
	Version       int // the household's version the change was based on
}

// validRelation checks a relation into fields.
func validRelation(rel string, fields map[string]string) {
	if !hasOption(relations, rel) {
		fields["relation"] = "Velg relasjon."
	}
}

// validJoinedOn parses the date a member joined: required, a real date, not
// in the future and not before 1990.
func validJoinedOn(s string, today time.Time, fields map[string]string) time.Time {
	if strings.TrimSpace(s) == "" {
		fields["joined_on"] = "Dato for når personen kom til husstanden må fylles ut."
		return time.Time{}
	}
	d, ok := ParseDate(s)
	switch {
	case !ok:
		fields["joined_on"] = "Dato for når personen kom til husstanden må være en gyldig dato (dd.mm.åååå)."
	case d.After(Date(today)):
		fields["joined_on"] = "Dato for når personen kom til husstanden kan ikke være i fremtiden."
	case d.Before(time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)):
		fields["joined_on"] = "Dato for når personen kom til husstanden kan ikke være før 1990."
	default:
		return d
	}
	return time.Time{}
}

// Validate checks the form. requireVersion is false only when the member is
// the first one, added while the household is created.
func (f MemberForm) Validate(today time.Time, requireVersion bool) (MemberInput, error) {
	var in MemberInput
	fields := map[string]string{}
	id, err := strconv.ParseInt(strings.TrimSpace(f.PersonID), 10, 64)
	if err != nil || id <= 0 {
		fields["person_id"] = "Velg en person."
	}
	in.PersonID = id
	validRelation(f.Relation, fields)
	in.Relation = f.Relation
	in.JoinedOn = validJoinedOn(f.JoinedOn, today, fields)
	in.Version = parseVersion(f.Version, fields)
	if requireVersion && in.Version == 0 && fields["version"] == "" {
		fields["version"] = "Skjemaet mangler versjon. Last siden på nytt."
	}
	if len(fields) > 0 {
		return in, invalidForm(fields)
	}
	return in, nil
}

// CheckJoinedOn is the rule between a member's joining date and the person:
// nobody joins a household before they are born or before they arrived in
// Norway. It returns a field message, or "".
func CheckJoinedOn(joined, birth time.Time, arrival *time.Time) string {
	switch {
	case joined.Before(Date(birth)):
		return "Personen kan ikke ha kommet til husstanden før fødselsdatoen (" + FormatDate(&birth) + ")."
	case arrival != nil && joined.Before(Date(*arrival)):
		return "Personen kan ikke ha kommet til husstanden før ankomst til Norge (" + FormatDate(arrival) + ")."
	}
	return ""
}

// DefaultJoinedOn is the date a member is suggested to have joined: the
// arrival date, else the settlement date, else today.
func DefaultJoinedOn(arrival, settlement *time.Time, today time.Time) time.Time {
	switch {
	case arrival != nil:
		return Date(*arrival)
	case settlement != nil:
		return Date(*settlement)
	}
	return Date(today)
}

// LeaveForm removes a member from a household, as typed.
type LeaveForm struct {
	LeftOn  string
	Version string
}

// LeaveInput is a validated removal.
type LeaveInput struct {
	LeftOn  time.Time
	Version int
}

// Validate checks the form: the date the member left is required, a real
// date and not in the future.
func (f LeaveForm) Validate(today time.Time) (LeaveInput, error) {
	var in LeaveInput
	fields := map[string]string{}
	if strings.TrimSpace(f.LeftOn) == "" {
		fields["left_on"] = "Dato for når personen flyttet ut må fylles ut."
	} else if d, ok := ParseDate(f.LeftOn); !ok {
		fields["left_on"] = "Dato for når personen flyttet ut må være en gyldig dato (dd.mm.åååå)."
	} else if d.After(Date(today)) {
		fields["left_on"] = "Dato for når personen flyttet ut kan ikke være i fremtiden."
	} else {
		in.LeftOn = d
	}
	in.Version = parseVersion(f.Version, fields)
	if in.Version == 0 && fields["version"] == "" {
		fields["version"] = "Skjemaet mangler versjon. Last siden på nytt."
	}
	if len(fields) > 0 {
		return in, invalidForm(fields)
	}
	return in, nil
}

// CheckLeftOn is the rule between a membership's dates: a member cannot leave
// before joining. It returns a field message, or "".
func CheckLeftOn(joined, left time.Time) string {
	if left.Before(Date(joined)) {
		return "Personen kan ikke flytte ut før datoen personen kom til husstanden (" + FormatDate(&joined) + ")."
	}
	return ""
}

// ReunificationForm registers a new person who joins an existing household
// by family reunification (familiegjenforening): the person form, the
// relation and the date the person joined the household.
type ReunificationForm struct {
	Person   PersonForm
	Relation string
	JoinedOn string // optional: the arrival date when empty
	Version  string // the household's version
}

// ReunificationInput is a validated reunification.
type ReunificationInput struct {
	Person   PersonInput
	Relation string
	JoinedOn time.Time
	Version  int
}

// NewReunificationForm is the empty form: the residence basis is family
// reunification (familiegjenforent), the relation not yet chosen.
func NewReunificationForm(version int) ReunificationForm {
	return ReunificationForm{Person: PersonForm{ResidenceBasis: BasisFamily}, Version: strconv.Itoa(version)}
}

// Validate checks the person with PersonForm.Validate and the membership. A
// reunified person must have an arrival date; the date of joining defaults
// to it and cannot come before it.
func (f ReunificationForm) Validate(today time.Time) (ReunificationInput, error) {
	var in ReunificationInput
	fields := map[string]string{}
	pf := f.Person
	pf.Version = "" // a new person; the version belongs to the household
	p, err := pf.Validate(today)
	var e *Error
	if err != nil {
		if !errors.As(err, &e) {
			return in, err
		}
		for k, v := range e.Fields {
			fields[k] = v
		}
	}
	in.Person = p
	if strings.TrimSpace(pf.ArrivalDate) == "" {
		fields["arrival_date"] = "Ankomstdato må fylles ut for familiegjenforente."
	}
	validRelation(f.Relation, fields)
	in.Relation = f.Relation
	if strings.TrimSpace(f.JoinedOn) == "" {
		if p.ArrivalDate != nil {
			in.JoinedOn = *p.ArrivalDate
		}
	} else {
		in.JoinedOn = validJoinedOn(f.JoinedOn, today, fields)
	}
	if _, bad := fields["joined_on"]; !bad && !in.JoinedOn.IsZero() && !p.BirthDate.IsZero() {
		if msg := CheckJoinedOn(in.JoinedOn, p.BirthDate, p.ArrivalDate); msg != "" {
			fields["joined_on"] = msg
		}
	}
	in.Version = parseVersion(f.Version, fields)
	if in.Version == 0 && fields["version"] == "" {
		fields["version"] = "Skjemaet mangler versjon. Last siden på nytt."
	}
	if len(fields) > 0 {
		return in, invalidForm(fields)
	}
	return in, nil
}

// RelationRank is the position of a relation in display order.
func RelationRank(rel string) int {
	i := slices.IndexFunc(relations, func(o Option) bool { return o.Value == rel })
	if i < 0 {
		return len(relations)
	}
	return i
}

// SortMembers orders members for display: active members before those who
// have left, then by relation (head, spouse, children, ...), then the eldest
// first; those who have left, the latest to leave first.
func SortMembers(ms []HouseholdMember) {
	slices.SortStableFunc(ms, func(a, b HouseholdMember) int {
		if a.Active() != b.Active() {
			if a.Active() {
				return -1
			}
			return 1
		}
		if !a.Active() {
			if c := b.LeftOn.Compare(*a.LeftOn); c != 0 {
				return c
			}
		}
		if c := RelationRank(a.Relation) - RelationRank(b.Relation); c != 0 {
			return c
		}
		if c := a.BirthDate.Compare(b.BirthDate); c != 0 {
			return c
		}
		return cmp.Compare(a.PersonID, b.PersonID)
	})
}
