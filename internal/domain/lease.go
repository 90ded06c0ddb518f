package domain

import (
	"strconv"
	"strings"
	"time"
)

// Security kinds of a lease (Lease.Security).
const (
	SecurityNone      = "none"
	SecurityDeposit   = "deposit"   // depositum
	SecurityGuarantee = "guarantee" // garanti fra NAV
)

// SecurityOptions lists the kinds of security, in display order.
func SecurityOptions() []Option {
	return []Option{
		{SecurityNone, "Ingen"},
		{SecurityDeposit, "Depositum"},
		{SecurityGuarantee, "Garanti fra NAV"},
	}
}

// SecurityLabel is the Norwegian name of a security kind.
func SecurityLabel(v string) string { return optionLabel(SecurityOptions(), v) }

// Checklist phases and items of a lease (lease_checklist_items).
const (
	PhaseMoveIn  = "move_in"
	PhaseMoveOut = "move_out"

	ItemKeys         = "keys"
	ItemInspection   = "inspection"
	ItemMeterReading = "meter_reading"
)

// ChecklistPhases lists the phases, in display order.
func ChecklistPhases() []Option {
	return []Option{{PhaseMoveIn, "Innflytting"}, {PhaseMoveOut, "Utflytting"}}
}

// ChecklistItems lists the items of each phase, in display order.
func ChecklistItems() []Option {
	return []Option{
		{ItemKeys, "Nøkler"},
		{ItemInspection, "Befaringsrapport"},
		{ItemMeterReading, "Målerstand"},
	}
}

func optionLabel(opts []Option, v string) string {
	for _, o := range opts {
		if o.Value == v {
			return o.Label
		}
	}
	return v
}

// Lease is one contract (leieforhold): a housing unit let to a household,
// for one adult tenant (PersonID) in shared housing or for the household
// (PersonID nil). The period is [Start, End): End is the move-out day, on
// which the next tenant may move in; nil is open-ended.
type Lease struct {
	ID            int64           `db:"id"`
	HousingUnitID int64           `db:"housing_unit_id"`
	HouseholdID   int64           `db:"household_id"`
	PersonID      *int64          `db:"person_id"`
	TenantName    string          `db:"tenant_name"`
	Address       string          `db:"address"`
	Rooms         int             `db:"rooms"`
	Bedrooms      int             `db:"bedrooms"`
	Start         time.Time       `db:"start_date"`
	End           *time.Time      `db:"end_date"`
	RentOre       int64           `db:"rent_ore"`
	Security      string          `db:"security"`
	SecurityOre   int64           `db:"security_ore"`
	RentArrears   bool            `db:"rent_arrears"`
	Version       int             `db:"version"`
	Checklist     []ChecklistItem `db:"-"`
}

// RunsOn reports whether the lease runs on day: Start <= day < End.
func (l *Lease) RunsOn(day time.Time) bool {
	day = Date(day)
	return !day.Before(Date(l.Start)) && (l.End == nil || day.Before(Date(*l.End)))
}

// ChecklistItem is one item of a lease's move-in or move-out checklist.
type ChecklistItem struct {
	LeaseID int64      `db:"lease_id"`
	Phase   string     `db:"phase"`
	Item    string     `db:"item"`
	DoneOn  *time.Time `db:"done_on"`
	Note    string     `db:"note"`
	Version int        `db:"version"`
}

// LeaseForm is the let-a-unit form as typed.
type LeaseForm struct {
	Unit        string
	Start       string
	End         string
	Rent        string
	Security    string
	SecurityAmt string
	Tenant      string // a person id, or "" for the household's contract
}

// LeaseInput is a validated new lease.
type LeaseInput struct {
	HousingUnitID int64
	PersonID      *int64
	Start         time.Time
	End           *time.Time
	RentOre       int64
	Security      string
	SecurityOre   int64
}

// leaseDates checks a start and an optional end.
func leaseDates(start, end string, fields map[string]string) (time.Time, *time.Time) {
	var s time.Time
	if strings.TrimSpace(start) == "" {
		fields["start"] = "Startdato må fylles ut."
	} else if d, ok := ParseDate(start); !ok {
		fields["start"] = "Startdato må være en gyldig dato (dd.mm.åååå)."
	} else if d.Before(earliestDate) {
		fields["start"] = "Startdato kan ikke være før 1990."
	} else {
		s = d
	}
	var e *time.Time
	if strings.TrimSpace(end) != "" {
		if d, ok := ParseDate(end); !ok {
			fields["end"] = "Sluttdato må være en gyldig dato (dd.mm.åååå)."
		} else if !s.IsZero() && d.Before(s) {
			fields["end"] = "Sluttdato kan ikke være før startdato."
		} else {
			e = &d
		}
	}
	return s, e
}

// Validate checks the form on its own; the tenant's membership and age and
// the unit's capacity are checked by CheckTenant and CheckLeaseCapacity.
func (f LeaseForm) Validate() (LeaseInput, error) {
	var in LeaseInput
	fields := map[string]string{}
	if id, err := strconv.ParseInt(strings.TrimSpace(f.Unit), 10, 64); err != nil || id <= 0 {
		fields["unit"] = "Velg en bolig."
	} else {
		in.HousingUnitID = id
	}
	in.Start, in.End = leaseDates(f.Start, f.End, fields)
	if strings.TrimSpace(f.Rent) == "" {
		fields["rent"] = "Husleie må fylles ut."
	} else if v, ok := ParseKroner(f.Rent); !ok {
		fields["rent"] = "Husleie må være et beløp i kroner, for eksempel 9 500."
	} else {
		in.RentOre = v
	}
	in.Security = f.Security
	if in.Security == "" {
		in.Security = SecurityNone
	}
	if !hasOption(SecurityOptions(), in.Security) {
		fields["security"] = "Velg sikkerhet for leien."
	} else if in.Security != SecurityNone {
		if v, ok := ParseKroner(f.SecurityAmt); !ok || v == 0 {
			fields["security_amount"] = "Beløp for depositum eller garanti må være et beløp i kroner."
		} else {
			in.SecurityOre = v
		}
	} else if strings.TrimSpace(f.SecurityAmt) != "" {
		if v, ok := ParseKroner(f.SecurityAmt); !ok || v != 0 {
			fields["security_amount"] = "Velg depositum eller garanti for å oppgi et beløp."
		}
	}
	if t := strings.TrimSpace(f.Tenant); t != "" {
		if id, err := strconv.ParseInt(t, 10, 64); err != nil || id <= 0 {
			fields["tenant"] = "Velg en leietaker."
		} else {
			in.PersonID = &id
		}
	}
	if len(fields) > 0 {
		return in, invalidForm(fields)
	}
	return in, nil
}

// CheckTenant checks the contract's tenant: a member of the household on the
// start date, aged 18 or more then. It returns the field message, or "".
func CheckTenant(personID int64, start time.Time, members []HouseholdMember) string {
	for _, m := range members {
		if m.PersonID != personID {
			continue
		}
		if m.LeftOn != nil && !Date(*m.LeftOn).After(Date(start)) {
			return "Leietakeren har flyttet ut av husstanden."
		}
		if AgeOn(m.BirthDate, start) < 18 {
			return "Leietakeren må være 18 år eller eldre ved start av leieforholdet."
		}
		return ""
	}
	return "Leietakeren må være medlem av husstanden."
}

// LeaseEditForm is the change-a-lease form as typed: end date (empty:
// open-ended), rent, the rent arrears flag and the version the user saw.
type LeaseEditForm struct {
	End     string
	Rent    string
	Arrears bool
	Version string
}

// LeaseEdit is a validated change of a lease.
type LeaseEdit struct {
	End     *time.Time
	RentOre int64
	Arrears bool
	Version int
}

// Validate checks the form against the lease's start date.
func (f LeaseEditForm) Validate(start time.Time) (LeaseEdit, error) {
	fields := map[string]string{}
	in := LeaseEdit{Arrears: f.Arrears}
	_, in.End = leaseDates(start.Format("2006-01-02"), f.End, fields)
	if v, ok := ParseKroner(f.Rent); !ok {
		fields["rent"] = "Husleie må være et beløp i kroner, for eksempel 9 500."
	} else {
		in.RentOre = v
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

// ChecklistForm is one checklist item as typed.
type ChecklistForm struct {
	Phase   string
	Item    string
	DoneOn  string
	Note    string
	Version string // the item's version the user saw
}

// ChecklistInput is a validated checklist item.
type ChecklistInput struct {
	Phase   string
	Item    string
	DoneOn  *time.Time
	Note    string
	Version int
}

// Validate checks the item; the done date may not be in the future.
func (f ChecklistForm) Validate(today time.Time) (ChecklistInput, error) {
	fields := map[string]string{}
	in := ChecklistInput{Phase: f.Phase, Item: f.Item}
	if !hasOption(ChecklistPhases(), f.Phase) || !hasOption(ChecklistItems(), f.Item) {
		fields["item"] = "Ukjent punkt på sjekklisten."
	}
	if strings.TrimSpace(f.DoneOn) != "" {
		if d, ok := ParseDate(f.DoneOn); !ok {
			fields["done_on"] = "Dato må være en gyldig dato (dd.mm.åååå)."
		} else if d.After(Date(today)) {
			fields["done_on"] = "Dato kan ikke være i fremtiden."
		} else {
			in.DoneOn = &d
		}
	}
	note, msg := lineField("Merknaden", f.Note)
	if msg != "" {
		fields["note"] = msg
	} else if len([]rune(note)) > 300 {
		fields["note"] = "Merknaden kan være på høyst 300 tegn."
	}
	in.Note = note
	in.Version = parseVersion(f.Version, fields)
	if in.Version == 0 && fields["version"] == "" {
		fields["version"] = "Skjemaet mangler versjon. Last siden på nytt."
	}
	if len(fields) > 0 {
		return in, invalidForm(fields)
	}
	return in, nil
}

// LeasePeriod is what the capacity rule needs of a lease: whose it is and
// when it runs ([Start, End), End nil: open-ended).
type LeasePeriod struct {
	ID          int64
	HouseholdID int64
	PersonID    *int64
	Start       time.Time
	End         *time.Time
}

func (p LeasePeriod) runsOn(day time.Time) bool {
	return !day.Before(p.Start) && (p.End == nil || day.Before(*p.End))
}

func (p LeasePeriod) overlaps(q LeasePeriod) bool {
	return (q.End == nil || p.Start.Before(*q.End)) && (p.End == nil || q.Start.Before(*p.End))
}

// UnitCapacity is how many households a unit can house at once: its
// bedrooms, and one for a unit without bedrooms (a studio).
func UnitCapacity(bedrooms int) int { return max(bedrooms, 1) }

// CheckLeaseCapacity is the rule "a unit cannot be let for overlapping
// periods beyond its bedrooms": on no day of the new lease may the
// households with a lease of the unit (the new one's included) outnumber the
// unit's capacity. Contracts of the same household share its rooms and count
// once; the same tenant (or the household's own contract) cannot have two
// overlapping contracts. existing are the unit's other leases (a changed
// lease left out). It returns a message, or "".
func CheckLeaseCapacity(bedrooms int, existing []LeasePeriod, lease LeasePeriod) string {
	lease.Start = Date(lease.Start)
	for _, e := range existing {
		if e.HouseholdID == lease.HouseholdID && e.overlaps(lease) &&
			((e.PersonID == nil && lease.PersonID == nil) || (e.PersonID != nil && lease.PersonID != nil && *e.PersonID == *lease.PersonID)) {
			return "Leietakeren har allerede et leieforhold i boligen i denne perioden."
		}
	}
	// The number of households only grows on a start day, so the days to
	// check are the new lease's start and the starts of leases within it.
	days := []time.Time{lease.Start}
	for _, e := range existing {
		if e.Start.After(lease.Start) && lease.runsOn(e.Start) {
			days = append(days, e.Start)
		}
	}
	limit := UnitCapacity(bedrooms)
	for _, d := range days {
		hh := map[int64]bool{lease.HouseholdID: true}
		for _, e := range existing {
			if e.runsOn(d) {
				hh[e.HouseholdID] = true
			}
		}
		if len(hh) > limit {
			return "Boligen er fullt utleid fra " + FormatDate(&d) + " (" + strconv.Itoa(limit) +
				" husstand" + map[bool]string{true: "", false: "er"}[limit == 1] + " om gangen)."
		}
	}
	return ""
}

// CanReadHousing reports whether the role sees a household's home and
// leases: those who write housing, and caseworkers (who write cases); not
// health personnel.
func CanReadHousing(r Role) bool { return r.Can(CapWriteHousing) || r.Can(CapWriteCase) }

// RequireReadHousing is nil for a role that sees households' homes, and the
// refusal (EFORBIDDEN) otherwise.
func RequireReadHousing(r Role) error {
	if CanReadHousing(r) {
		return nil
	}
	return &Error{Code: EFORBIDDEN, Message: "Rollen din har ikke tilgang til husstandens bolig."}
}
