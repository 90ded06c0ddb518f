package domain

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// The housing registers (boliger og utleiere): a unit's housing units
// (municipal flats, housing-foundation flats and flats rented from private
// landlords) and its landlords with their agreements (tilvisningsavtaler).
// Both belong to a unit of the service, like households.

// Owner types of a housing unit, as stored in housing_units.owner_type.
const (
	OwnerMunicipal  = "municipal"
	OwnerFoundation = "foundation"
	OwnerPrivate    = "private"
)

var ownerTypes = []Option{
	{OwnerMunicipal, "Kommunal"},
	{OwnerFoundation, "Boligstiftelse"},
	{OwnerPrivate, "Privat utleier"},
}

// OwnerTypes lists the owner types with their Norwegian names.
func OwnerTypes() []Option { return slices.Clone(ownerTypes) }

// OwnerTypeLabel is an owner type's Norwegian name.
func OwnerTypeLabel(code string) string { return Label(ownerTypes, code) }

// Statuses of a housing unit, as stored in housing_units.status.
const (
	UnitVacant     = "vacant"
	UnitLet        = "let"
	UnitRenovation = "renovation"
	UnitUnused     = "unused"
)

var unitStatuses = []Option{
	{UnitVacant, "Ledig"},
	{UnitLet, "Utleid"},
	{UnitRenovation, "Under oppussing"},
	{UnitUnused, "Ikke i bruk"},
}

// HousingUnitStatuses lists the statuses of a housing unit.
func HousingUnitStatuses() []Option { return slices.Clone(unitStatuses) }

// HousingUnitStatusLabel is a unit status's Norwegian name.
func HousingUnitStatusLabel(code string) string { return Label(unitStatuses, code) }

// Landlord kinds, as stored in landlords.kind.
const (
	LandlordOrganisation = "organisation"
	LandlordPerson       = "person"
)

var landlordKinds = []Option{
	{LandlordOrganisation, "Organisasjon"},
	{LandlordPerson, "Privatperson"},
}

// LandlordKinds lists the kinds of landlord.
func LandlordKinds() []Option { return slices.Clone(landlordKinds) }

// LandlordKindLabel is a landlord kind's Norwegian name.
func LandlordKindLabel(code string) string { return Label(landlordKinds, code) }

// HousingUnit is a housing unit of the register.
type HousingUnit struct {
	ID           int64     `db:"id"`
	Address      string    `db:"address"`
	OwnerType    string    `db:"owner_type"`
	LandlordID   *int64    `db:"landlord_id"`
	LandlordName *string   `db:"landlord_name"`
	Rooms        int       `db:"rooms"`
	Bedrooms     int       `db:"bedrooms"`
	SizeM2       *int      `db:"size_m2"`
	Floor        *int      `db:"floor"`
	Lift         bool      `db:"lift"`
	Accessible   bool      `db:"accessible"`
	Furnished    bool      `db:"furnished"`
	RentOre      int64     `db:"rent_ore"`
	Status       string    `db:"status"`
	Note         string    `db:"note"`
	Version      int       `db:"version"`
	UpdatedAt    time.Time `db:"updated_at"`
}

// OwnerTypeLabel is the unit's owner type in Norwegian.
func (u HousingUnit) OwnerTypeLabel() string { return OwnerTypeLabel(u.OwnerType) }

// StatusLabel is the unit's status in Norwegian.
func (u HousingUnit) StatusLabel() string { return HousingUnitStatusLabel(u.Status) }

// Landlord is a landlord of the register.
type Landlord struct {
	ID        int64     `db:"id"`
	Kind      string    `db:"kind"`
	Name      string    `db:"name"`
	OrgNr     *string   `db:"orgnr"`
	Contact   string    `db:"contact"`
	Phone     string    `db:"phone"`
	Email     string    `db:"email"`
	Active    bool      `db:"active"`
	Version   int       `db:"version"`
	UpdatedAt time.Time `db:"updated_at"`
	Units     int       `db:"units"` // housing units of the landlord
}

// KindLabel is the landlord's kind in Norwegian.
func (l Landlord) KindLabel() string { return LandlordKindLabel(l.Kind) }

// LandlordAgreement is an agreement with a landlord.
type LandlordAgreement struct {
	ID       int64      `db:"id"`
	Kind     string     `db:"kind"`
	FromDate time.Time  `db:"from_date"`
	ToDate   *time.Time `db:"to_date"`
	Units    int        `db:"units"`
	Note     string     `db:"note"`
}

// ActiveOn reports whether the agreement covers day.
func (a LandlordAgreement) ActiveOn(day time.Time) bool {
	return !day.Before(a.FromDate) && (a.ToDate == nil || !day.After(*a.ToDate))
}

// LandlordDetail is a landlord's page: the landlord, its agreements and units.
type LandlordDetail struct {
	Landlord
	Agreements []LandlordAgreement
	Units      []HousingUnit
}

// ---- Forms ----

// HousingUnitForm is a housing unit as typed. Lift, Accessible and
// Furnished are checkbox values ("yes" when ticked).
type HousingUnitForm struct {
	Address    string
	OwnerType  string
	LandlordID string
	Rooms      string
	Bedrooms   string
	SizeM2     string
	Floor      string
	Lift       string
	Accessible string
	Furnished  string
	Rent       string
	Status     string
	Note       string
	Version    string
}

// HousingUnitInput is a validated housing unit form.
type HousingUnitInput struct {
	Address    string
	AddressKey string // FoldName(Address), for search
	OwnerType  string
	LandlordID *int64 // checked against the unit's landlords by the store
	Rooms      int
	Bedrooms   int
	SizeM2     *int
	Floor      *int
	Lift       bool
	Accessible bool
	Furnished  bool
	RentOre    int64
	Status     string
	Note       string
	Version    int
}

// intField reads a whole number between lo and hi; an empty field is nil
// (and missing, when given, is the message for a required field).
func intField(fields map[string]string, key, subject, missing, s string, lo, hi int) *int {
	s = strings.TrimSpace(s)
	if s == "" {
		if missing != "" {
			fields[key] = missing
		}
		return nil
	}
	n, err := strconv.Atoi(s)
	switch {
	case err != nil:
		fields[key] = subject + " må være et helt tall."
	case n < lo || n > hi:
		fields[key] = subject + " må være mellom " + strconv.Itoa(lo) + " og " + strconv.Itoa(hi) + "."
	default:
		return &n
	}
	return nil
}

// checkbox reads a checkbox value.
func checkbox(fields map[string]string, key, s string) bool {
	switch strings.TrimSpace(s) {
	case "":
		return false
	case "yes", "on", "true":
		return true
	}
	fields[key] = "Ugyldig valg."
	return false
}

// Validate checks the housing unit form: an address, an owner type, a
// landlord for private units, 1–20 rooms, bedrooms (0–20, not more than
// rooms), optional size (5–1000 m²) and floor (−2–50), a monthly rent in
// kroner and a status. An edit (requireVersion) must carry its version.
func (f HousingUnitForm) Validate(requireVersion bool) (HousingUnitInput, error) {
	var in HousingUnitInput
	fields := map[string]string{}
	in.Address = requiredLine(fields, "address", "Adressen", "Skriv adressen til boligen.", f.Address, 300)
	in.AddressKey = FoldName(in.Address)
	in.OwnerType = strings.TrimSpace(f.OwnerType)
	switch {
	case in.OwnerType == "":
		fields["owner_type"] = "Velg eierform."
	case !hasOption(ownerTypes, in.OwnerType):
		fields["owner_type"] = "Ukjent eierform. Velg en fra listen."
	}
	if l := strings.TrimSpace(f.LandlordID); l != "" {
		id, err := strconv.ParseInt(l, 10, 64)
		if err != nil || id <= 0 {
			fields["landlord_id"] = "Velg en utleier fra listen."
		} else {
			in.LandlordID = &id
		}
	} else if in.OwnerType == OwnerPrivate {
		fields["landlord_id"] = "Velg utleieren. En bolig fra privat utleier må ha en utleier."
	}
	rooms := intField(fields, "rooms", "Antall rom", "Skriv hvor mange rom boligen har.", f.Rooms, 1, 20)
	bedrooms := intField(fields, "bedrooms", "Antall soverom", "Skriv hvor mange soverom boligen har (0 for hybel).", f.Bedrooms, 0, 20)
	if rooms != nil {
		in.Rooms = *rooms
	}
	if bedrooms != nil {
		in.Bedrooms = *bedrooms
		if rooms != nil && *bedrooms > *rooms {
			fields["bedrooms"] = "Boligen kan ikke ha flere soverom enn rom."
		}
	}
	in.SizeM2 = intField(fields, "size_m2", "Størrelsen", "", f.SizeM2, 5, 1000)
	in.Floor = intField(fields, "floor", "Etasjen", "", f.Floor, -2, 50)
	in.Lift = checkbox(fields, "lift", f.Lift)
	in.Accessible = checkbox(fields, "accessible", f.Accessible)
	in.Furnished = checkbox(fields, "furnished", f.Furnished)
	switch rent := strings.TrimSpace(f.Rent); {
	case rent == "":
		fields["rent"] = "Skriv månedsleien i kroner (0 hvis ingen leie)."
	default:
		ore, ok := ParseKroner(rent)
		if !ok {
			fields["rent"] = "Skriv månedsleien i kroner, for eksempel 12 500."
		} else {
			in.RentOre = ore
		}
	}
	in.Status = strings.TrimSpace(f.Status)
	switch {
	case in.Status == "":
		fields["status"] = "Velg status."
	case !hasOption(unitStatuses, in.Status):
		fields["status"] = "Ukjent status. Velg en fra listen."
	}
	in.Note = optionalText(fields, "note", "Merknaden", f.Note, 1000)
	in.Version = checkVersion(fields, f.Version, requireVersion)
	if len(fields) > 0 {
		return in, invalidForm(fields)
	}
	return in, nil
}

// LandlordForm is a landlord as typed.
type LandlordForm struct {
	Kind    string
	Name    string
	OrgNr   string
	Contact string
	Phone   string
	Email   string
	Version string
}

// LandlordInput is a validated landlord form.
type LandlordInput struct {
	Kind    string
	Name    string
	OrgNr   *string // nine digits for organisations, nil for persons
	Contact string
	Phone   string
	Email   string
	Version int
}

// Validate checks the landlord form: a kind, a name, a valid organisation
// number for organisations (none for private persons), an optional contact
// person, phone number and e-mail address.
func (f LandlordForm) Validate(requireVersion bool) (LandlordInput, error) {
	var in LandlordInput
	fields := map[string]string{}
	in.Kind = strings.TrimSpace(f.Kind)
	switch {
	case in.Kind == "":
		fields["kind"] = "Velg om utleieren er en organisasjon eller en privatperson."
	case !hasOption(landlordKinds, in.Kind):
		fields["kind"] = "Ukjent type utleier. Velg en fra listen."
	}
	in.Name = requiredLine(fields, "name", "Navnet", "Skriv navnet på utleieren.", f.Name, 200)
	orgnr := NormalizeOrgNumber(f.OrgNr)
	switch {
	case in.Kind == LandlordPerson:
		if orgnr != "" {
			fields["orgnr"] = "En privatperson har ikke organisasjonsnummer. Tøm feltet eller velg organisasjon."
		}
	case in.Kind != LandlordOrganisation:
	case orgnr == "":
		fields["orgnr"] = "Skriv organisasjonsnummeret (9 siffer)."
	case len(orgnr) != 9 || !isDigits9(orgnr):
		fields["orgnr"] = "Organisasjonsnummeret må ha 9 siffer, for eksempel 974 760 673."
	case !ValidOrgNumber(orgnr):
		fields["orgnr"] = "Organisasjonsnummeret " + FormatOrgNumber(orgnr) + " er ikke gyldig: kontrollsifferet stemmer ikke. Sjekk nummeret i Enhetsregisteret."
	default:
		in.OrgNr = &orgnr
	}
	in.Contact = optionalLine(fields, "contact", "Kontaktpersonen", f.Contact, 200)
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
	in.Version = checkVersion(fields, f.Version, requireVersion)
	if len(fields) > 0 {
		return in, invalidForm(fields)
	}
	return in, nil
}

// AgreementForm is an agreement with a landlord (tilvisningsavtale) as typed.
type AgreementForm struct {
	From  string
	To    string
	Units string
	Note  string
}

// AgreementInput is a validated agreement form.
type AgreementInput struct {
	From  time.Time
	To    *time.Time
	Units int
	Note  string
}

// Validate checks the agreement form: a start date, an optional end date not
// before it, and the number of units (0–10 000).
func (f AgreementForm) Validate() (AgreementInput, error) {
	var in AgreementInput
	fields := map[string]string{}
	switch s := strings.TrimSpace(f.From); {
	case s == "":
		fields["from"] = "Skriv datoen avtalen gjelder fra."
	default:
		d, ok := ParseDate(s)
		if !ok {
			fields["from"] = "Skriv datoen slik: 31.12.2026."
		}
		in.From = d
	}
	if s := strings.TrimSpace(f.To); s != "" {
		d, ok := ParseDate(s)
		switch {
		case !ok:
			fields["to"] = "Skriv datoen slik: 31.12.2026."
		case fields["from"] == "" && d.Before(in.From):
			fields["to"] = "Avtalen kan ikke slutte før den begynner."
		default:
			in.To = &d
		}
	}
	if n := intField(fields, "units", "Antall boliger", "Skriv hvor mange boliger avtalen gjelder.", f.Units, 0, 10000); n != nil {
		in.Units = *n
	}
	in.Note = optionalText(fields, "note", "Merknaden", f.Note, 500)
	if len(fields) > 0 {
		return in, invalidForm(fields)
	}
	return in, nil
}
