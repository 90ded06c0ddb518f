package domain

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// StatusMerged is the status of a registration merged into another (a
// duplicate, sammenslått): it is kept for its audit trail, out of every list.
const StatusMerged = "merged"

// mergeFields are the person fields a merge lets the administrator take from
// either registration, in the order the person page shows them. The
// interpreter need, language, dialect and gender go together as "interpreter".
var mergeFields = []Option{
	{"given_name", "Fornavn"},
	{"family_name", "Etternavn"},
	{"birth_date", "Fødselsdato"},
	{"sex", "Kjønn"},
	{"national_id", "Fødselsnummer / D-nummer"},
	{"duf_number", "DUF-nummer"},
	{"country_of_origin", "Opprinnelsesland"},
	{"languages", "Språk"},
	{"interpreter", "Behov for tolk"},
	{"residence_basis", "Oppholdsgrunnlag"},
	{"arrival_date", "Ankomstdato"},
	{"settlement_date", "Bosettingsdato"},
	{"caseworker_id", "Programrådgiver"},
}

// IsMergeField reports whether field is one of mergeFields.
func IsMergeField(field string) bool { return hasOption(mergeFields, field) }

// MergeFieldValue is a person's value of a merge field as a plain string
// (ISO dates, digits, codes; "" for none), for comparing the two
// registrations and for noticing a change since the preview.
func MergeFieldValue(p *Person, field string) string {
	switch field {
	case "given_name":
		return p.GivenName
	case "family_name":
		return p.FamilyName
	case "birth_date":
		return FormatISODate(&p.BirthDate)
	case "sex":
		return p.Sex
	case "national_id":
		return derefStr(p.NationalID)
	case "duf_number":
		return derefStr(p.DUFNumber)
	case "country_of_origin":
		return p.CountryOfOrigin
	case "languages":
		return strings.Join(p.Languages, ",")
	case "interpreter":
		return strconv.FormatBool(p.InterpreterNeeded) + "|" + p.InterpreterLanguage + "|" +
			p.InterpreterDialect + "|" + p.InterpreterGender
	case "residence_basis":
		return p.ResidenceBasis
	case "arrival_date":
		return FormatISODate(p.ArrivalDate)
	case "settlement_date":
		return FormatISODate(p.SettlementDate)
	case "caseworker_id":
		if p.CaseworkerID == nil {
			return ""
		}
		return strconv.FormatInt(*p.CaseworkerID, 10)
	}
	return ""
}

func derefStr(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// MergeDiffs lists the merge fields on which the two registrations differ,
// in mergeFields order.
func MergeDiffs(a, b *Person) []string {
	var out []string
	for _, f := range mergeFields {
		if MergeFieldValue(a, f.Value) != MergeFieldValue(b, f.Value) {
			out = append(out, f.Value)
		}
	}
	return out
}

// DefaultSurvivor proposes which registration to keep: the one with a
// national ID (fødselsnummer/D-nummer) when only one has it, otherwise the
// older record (registered first; the lower id on a tie).
func DefaultSurvivor(a, b *Person) *Person {
	if (a.NationalID != nil) != (b.NationalID != nil) {
		if a.NationalID != nil {
			return a
		}
		return b
	}
	if !a.CreatedAt.Equal(b.CreatedAt) {
		if a.CreatedAt.Before(b.CreatedAt) {
			return a
		}
		return b
	}
	if a.ID <= b.ID {
		return a
	}
	return b
}

// MergeForm is the merge preview's form as posted: every value a string,
// so a refused form can be shown again as chosen.
type MergeForm struct {
	Keep        string // id of the registration to keep
	PreviewKeep string // the survivor the preview was shown for
	VersionA    string // the versions the preview showed, of the person the
	VersionB    string // merge started from (A) and of the other (B)
	// Fields maps a merge field to the id of the registration whose value
	// the survivor gets; a field left out keeps the survivor's value.
	Fields map[string]string
}

// MergeInput is a validated merge choice.
type MergeInput struct {
	SurvivorID, MergedID           int64
	SurvivorVersion, MergedVersion int
	// Take lists the fields whose value comes from the merged registration,
	// in mergeFields order.
	Take []string
}

// Validate checks the form against the two registrations' ids a (the
// person the merge started from) and b: the survivor is one of them, each
// field choice names one of them, and both versions are given.
func (f MergeForm) Validate(a, b int64) (MergeInput, error) {
	var in MergeInput
	fields := map[string]string{}
	keep, err := strconv.ParseInt(strings.TrimSpace(f.Keep), 10, 64)
	switch {
	case a == b || a <= 0 || b <= 0:
		return in, Errorf(EINVALID, "En registrering kan ikke slås sammen med seg selv.")
	case err != nil || (keep != a && keep != b):
		fields["keep"] = "Velg hvilken registrering som skal beholdes."
	}
	va, errA := strconv.Atoi(strings.TrimSpace(f.VersionA))
	vb, errB := strconv.Atoi(strings.TrimSpace(f.VersionB))
	if errA != nil || errB != nil || va <= 0 || vb <= 0 {
		fields["version"] = "Skjemaet mangler versjon. Last siden på nytt."
	}
	in.SurvivorID, in.MergedID, in.SurvivorVersion, in.MergedVersion = a, b, va, vb
	if keep == b {
		in.SurvivorID, in.MergedID, in.SurvivorVersion, in.MergedVersion = b, a, vb, va
	}
	for field, v := range f.Fields {
		if !IsMergeField(field) {
			fields["keep"] = "Skjemaet har en ukjent opplysning. Last siden på nytt."
			continue
		}
		id, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil || (id != a && id != b) {
			fields["f_"+field] = "Velg hvilken verdi for " + strings.ToLower(Label(mergeFields, field)) + " som skal beholdes."
			continue
		}
		if id == in.MergedID {
			in.Take = append(in.Take, field)
		}
	}
	if len(fields) > 0 {
		return MergeInput{}, &Error{Code: EINVALID, Message: "Skjemaet har feil. Rett opp feltene som er merket.", Fields: fields}
	}
	slices.SortFunc(in.Take, func(x, y string) int { return mergeFieldIndex(x) - mergeFieldIndex(y) })
	return in, nil
}

func mergeFieldIndex(field string) int {
	return slices.IndexFunc(mergeFields, func(o Option) bool { return o.Value == field })
}

// MergedPerson is what the survivor becomes: its own values, with the
// fields in take from the merged registration. The result is checked as a
// person form is (PersonForm.Validate): the survivor must keep an identity
// number, and dates taken from different registrations must still fit
// together. A fault the survivor's stored values already had on their own
// (data from before a rule) does not stop the merge unless the field is
// taken. Errors are keyed "f_<merge field>". The version is the survivor's.
func MergedPerson(survivor, merged *Person, take []string, today time.Time) (PersonInput, error) {
	f := mergeForm(survivor, merged, take)
	in, err := f.Validate(today)
	if err == nil {
		return in, nil
	}
	e, ok := err.(*Error)
	if !ok || e.Code != EINVALID {
		return in, err
	}
	var before map[string]string // the survivor's own faults
	if _, err := FormFromPerson(survivor).Validate(today); err != nil {
		if be, ok := err.(*Error); ok {
			before = be.Fields
		}
	}
	fields := map[string]string{}
	for field, msg := range e.Fields {
		key := field
		switch field {
		case "interpreter_language", "interpreter_dialect", "interpreter_gender":
			key = "interpreter"
		case "version":
			continue
		}
		if before[field] == msg && !slices.Contains(take, key) {
			continue
		}
		if field == "national_id" && f.NationalID == "" && f.DUFNumber == "" {
			msg = "Den som beholdes må ha fødselsnummer/D-nummer eller DUF-nummer. Velg nummeret fra den andre registreringen."
		}
		if _, dup := fields["f_"+key]; !dup {
			fields["f_"+key] = msg
		}
	}
	if len(fields) == 0 {
		return mergeInputUnchecked(f, in), nil
	}
	return in, &Error{Code: EINVALID, Message: "Opplysningene du valgte passer ikke sammen. Rett opp valgene som er merket.", Fields: fields}
}

// mergeForm fills a person form with the survivor's values and the taken
// fields from the merged registration.
func mergeForm(survivor, merged *Person, take []string) PersonForm {
	f := FormFromPerson(survivor)
	from := FormFromPerson(merged)
	for _, field := range take {
		switch field {
		case "given_name":
			f.GivenName = from.GivenName
		case "family_name":
			f.FamilyName = from.FamilyName
		case "birth_date":
			f.BirthDate = from.BirthDate
		case "sex":
			f.Sex = from.Sex
		case "national_id":
			f.NationalID = from.NationalID
		case "duf_number":
			f.DUFNumber = from.DUFNumber
		case "country_of_origin":
			f.CountryOfOrigin = from.CountryOfOrigin
		case "languages":
			f.Languages = from.Languages
		case "interpreter":
			f.InterpreterNeeded, f.InterpreterLanguage, f.InterpreterDialect, f.InterpreterGender =
				from.InterpreterNeeded, from.InterpreterLanguage, from.InterpreterDialect, from.InterpreterGender
		case "residence_basis":
			f.ResidenceBasis = from.ResidenceBasis
		case "arrival_date":
			f.ArrivalDate = from.ArrivalDate
		case "settlement_date":
			f.SettlementDate = from.SettlementDate
		case "caseworker_id":
			f.CaseworkerID = from.CaseworkerID
		}
	}
	return f
}

// mergeInputUnchecked completes an input whose only faults are the
// survivor's own old ones: Validate leaves a refused field's value out of
// the input, so the stored value is carried over as it was.
func mergeInputUnchecked(f PersonForm, in PersonInput) PersonInput {
	if in.GivenName == "" {
		in.GivenName = strings.TrimSpace(f.GivenName)
	}
	if in.FamilyName == "" {
		in.FamilyName = strings.TrimSpace(f.FamilyName)
	}
	if in.BirthDate.IsZero() {
		in.BirthDate, _ = ParseDate(f.BirthDate)
	}
	if in.NationalID == nil && f.NationalID != "" {
		in.NationalID = &f.NationalID
	}
	if in.DUFNumber == nil && f.DUFNumber != "" {
		in.DUFNumber = &f.DUFNumber
	}
	if in.ArrivalDate == nil && f.ArrivalDate != "" {
		if d, ok := ParseDate(f.ArrivalDate); ok {
			in.ArrivalDate = &d
		}
	}
	if in.SettlementDate == nil && f.SettlementDate != "" {
		if d, ok := ParseDate(f.SettlementDate); ok {
			in.SettlementDate = &d
		}
	}
	if in.InterpreterLanguage == "" {
		in.InterpreterLanguage = f.InterpreterLanguage
	}
	if in.InterpreterDialect == "" {
		in.InterpreterDialect = f.InterpreterDialect
	}
	if len(in.Languages) == 0 && len(f.Languages) > 0 {
		in.Languages = f.Languages
	}
	if in.CaseworkerID == nil && f.CaseworkerID != "" {
		if id, err := strconv.ParseInt(f.CaseworkerID, 10, 64); err == nil {
			in.CaseworkerID = &id
		}
	}
	return in
}

// What a merge does with the merged registration's active household
// membership (husstandsmedlemskap).
const (
	MergeHouseholdNone = "none" // the merged registration is in no household
	MergeHouseholdMove = "move" // its membership moves to the survivor, who has none
	MergeHouseholdEnd  = "end"  // both are members of different households: the survivor's is kept, the other ends
	MergeHouseholdSame = "same" // both are members of the same household: the merged one's membership ends
)

// MergeHouseholdPlan decides what happens to the households of a merge from
// the survivor's and the merged registration's active households (0: none).
// Ended memberships stay in the household's history, moved to the survivor.
func MergeHouseholdPlan(survivorHousehold, mergedHousehold int64) string {
	switch {
	case mergedHousehold == 0:
		return MergeHouseholdNone
	case survivorHousehold == 0:
		return MergeHouseholdMove
	case survivorHousehold == mergedHousehold:
		return MergeHouseholdSame
	}
	return MergeHouseholdEnd
}

// MergeLeftOn is the day an ended membership ends: today, or the day it
// began if that is later (a membership cannot end before it began).
func MergeLeftOn(today, joinedOn time.Time) time.Time {
	today, joinedOn = Date(today), Date(joinedOn)
	if joinedOn.After(today) {
		return joinedOn
	}
	return today
}

// MergeEarliestDone is the done date a deadline keeps when both
// registrations had marked it done: the earlier one (nil: not done).
func MergeEarliestDone(a, b *time.Time) *time.Time {
	switch {
	case a == nil:
		return b
	case b == nil:
		return a
	case b.Before(*a):
		return b
	}
	return a
}

// MergeSeen is what the preview showed of a registration, for telling what
// changed when the merge is refused as stale: the merge fields' values
// (MergeFieldValue) and the status.
func MergeSeen(p *Person) map[string]string {
	m := make(map[string]string, len(mergeFields)+1)
	for _, f := range mergeFields {
		m[f.Value] = MergeFieldValue(p, f.Value)
	}
	m["status"] = p.Status
	return m
}

// MergeChangedFields lists the keys of MergeSeen whose values differ
// between what the preview showed (seen) and the registration now, in
// mergeFields order with the status last. A key missing from seen is not
// compared.
func MergeChangedFields(seen map[string]string, p *Person) []string {
	now := MergeSeen(p)
	var out []string
	for _, f := range append(slices.Clone(mergeFields), Option{"status", "Status"}) {
		if v, ok := seen[f.Value]; ok && v != now[f.Value] {
			out = append(out, f.Value)
		}
	}
	return out
}
