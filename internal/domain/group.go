package domain

import (
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Groups (grupper): e.g. a Norwegian class, with a teacher or contact, the
// weekdays it meets and its members, so attendance can be entered per group.
// A group belongs to one unit; its members are participants of that unit
// with a granted programme. Leaving sets left_on (history stays).

// Group is a group with its unit and its number of active members.
type Group struct {
	ID          int64     `db:"id"`
	UnitID      int64     `db:"unit_id"`
	UnitName    string    `db:"unit_name"`
	Name        string    `db:"name"`
	Contact     string    `db:"contact"`
	Weekdays    []int16   `db:"weekdays"`
	Active      bool      `db:"active"`
	Version     int       `db:"version"`
	UpdatedAt   time.Time `db:"updated_at"`
	MemberCount int       `db:"members"` // active members
}

// GroupMember is a membership with its person.
type GroupMember struct {
	PersonID   int64      `db:"person_id"`
	GivenName  string     `db:"given_name"`
	FamilyName string     `db:"family_name"`
	BirthDate  time.Time  `db:"birth_date"`
	JoinedOn   time.Time  `db:"joined_on"`
	LeftOn     *time.Time `db:"left_on"`
}

// FullName is the member's given and family name.
func (m GroupMember) FullName() string { return m.GivenName + " " + m.FamilyName }

// Active reports whether the member has not left.
func (m GroupMember) Active() bool { return m.LeftOn == nil }

// GroupDetail is a group with its memberships, past and present.
type GroupDetail struct {
	Group
	Members []GroupMember
}

// GroupCandidate is a person who may join a group: a participant of the
// group's unit with a granted programme, not an active member.
type GroupCandidate struct {
	PersonID   int64     `db:"person_id"`
	GivenName  string    `db:"given_name"`
	FamilyName string    `db:"family_name"`
	BirthDate  time.Time `db:"birth_date"`
}

var weekdayOptions = []Option{
	{"1", "Mandag"}, {"2", "Tirsdag"}, {"3", "Onsdag"}, {"4", "Torsdag"}, {"5", "Fredag"},
}

// WeekdayOptions are the weekdays a group may meet (ISO 1–5).
func WeekdayOptions() []Option { return slices.Clone(weekdayOptions) }

// WeekdayCodes turns weekdays into the form's values ("1", "3").
func WeekdayCodes(days []int16) []string {
	out := make([]string, len(days))
	for i, d := range days {
		out[i] = strconv.Itoa(int(d))
	}
	return out
}

// GroupForm is a group as typed.
type GroupForm struct {
	Name     string
	Contact  string
	Weekdays []string
	Version  string
}

// GroupInput is a validated group form.
type GroupInput struct {
	Name     string
	Contact  string
	Weekdays []int16
	Version  int // the version an edit was based on (0 when creating)
}

// Validate checks the form: a name of at most 120 characters, a contact of
// at most 200, at least one weekday among Monday–Friday; an edit
// (requireVersion) must carry its version.
func (f GroupForm) Validate(requireVersion bool) (GroupInput, error) {
	var in GroupInput
	fields := map[string]string{}
	name, msg := lineField("Navnet", f.Name)
	switch {
	case msg != "":
		fields["name"] = msg
	case name == "":
		fields["name"] = "Skriv navnet på gruppa, for eksempel «Norsk A2 formiddag»."
	case utf8.RuneCountInString(name) > 120:
		fields["name"] = "Navnet kan ha høyst 120 tegn."
	}
	in.Name = name
	contact, msg := lineField("Lærer eller kontaktperson", f.Contact)
	switch {
	case msg != "":
		fields["contact"] = msg
	case utf8.RuneCountInString(contact) > 200:
		fields["contact"] = "Lærer eller kontaktperson kan ha høyst 200 tegn."
	}
	in.Contact = contact
	for _, w := range f.Weekdays {
		n, err := strconv.Atoi(strings.TrimSpace(w))
		if err != nil || n < 1 || n > 5 {
			fields["weekdays"] = "Velg ukedager fra mandag til fredag."
			break
		}
		if !slices.Contains(in.Weekdays, int16(n)) {
			in.Weekdays = append(in.Weekdays, int16(n))
		}
	}
	slices.Sort(in.Weekdays)
	if len(in.Weekdays) == 0 && fields["weekdays"] == "" {
		fields["weekdays"] = "Velg minst én ukedag gruppa møtes."
	}
	in.Version = parseVersion(f.Version, fields)
	if requireVersion && in.Version == 0 && fields["version"] == "" {
		fields["version"] = "Skjemaet mangler versjon. Last siden på nytt."
	}
	if len(fields) > 0 {
		return in, invalidForm(fields)
	}
	return in, nil
}

// GroupMemberForm adds a participant to a group, as typed.
type GroupMemberForm struct {
	PersonID string
	JoinedOn string
}

// GroupMemberInput is a validated membership.
type GroupMemberInput struct {
	PersonID int64
	JoinedOn time.Time
}

// Validate checks the form: a person picked and a start date (empty: today).
func (f GroupMemberForm) Validate(today time.Time) (GroupMemberInput, error) {
	var in GroupMemberInput
	fields := map[string]string{}
	id, err := strconv.ParseInt(strings.TrimSpace(f.PersonID), 10, 64)
	if err != nil || id <= 0 {
		fields["person_id"] = "Velg en deltaker å legge til."
	}
	in.PersonID = id
	in.JoinedOn = Date(today)
	if s := strings.TrimSpace(f.JoinedOn); s != "" {
		d, ok := ParseDate(s)
		switch {
		case !ok:
			fields["joined_on"] = "Startdatoen må være en gyldig dato (dd.mm.åååå)."
		case d.Year() < 1990 || d.Year() > 2100:
			fields["joined_on"] = "Startdatoen må være mellom 1990 og 2100."
		default:
			in.JoinedOn = d
		}
	}
	if len(fields) > 0 {
		return in, invalidForm(fields)
	}
	return in, nil
}

// GroupLeaveForm ends a membership, as typed.
type GroupLeaveForm struct {
	LeftOn string
}

// Validate checks the date the member left (required: the form offers
// today); it cannot be before the member joined (checked by the store with
// CheckGroupLeftOn).
func (f GroupLeaveForm) Validate(today time.Time) (time.Time, error) {
	s := strings.TrimSpace(f.LeftOn)
	if s == "" {
		return time.Time{}, invalidForm(map[string]string{"left_on": "Skriv datoen personen sluttet i gruppa."})
	}
	d, ok := ParseDate(s)
	if !ok || d.Year() < 1990 || d.Year() > 2100 {
		return time.Time{}, invalidForm(map[string]string{"left_on": "Sluttdatoen må være en gyldig dato (dd.mm.åååå)."})
	}
	return d, nil
}

// CheckGroupLeftOn is the rule between a membership's dates; "" when fine.
func CheckGroupLeftOn(joined, left time.Time) string {
	if left.Before(Date(joined)) {
		return "Sluttdatoen kan ikke være før personen ble med i gruppa (" + FormatDate(&joined) + ")."
	}
	return ""
}
