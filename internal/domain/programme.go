package domain

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// The introduction programme (introduksjonsprogrammet) of one person: the
// rule set, right and duty, competence mapping and career guidance, the
// decision (vedtak) with the end goal and the allowed duration, the
// integration contract, leave and interruption, and the end. Every limit is
// a dated rate (rates.go); nothing here is a constant of law.

// Rule sets (regelverk).
const (
	RuleSetIntroductionAct = "introduction_act" // introduksjonsloven (permits before 2021)
	RuleSetIntegrationAct  = "integration_act"  // integreringsloven
	RuleSetChapter6A       = "chapter_6a"       // integreringsloven kapittel 6A (§ 34 collective protection)
)

var ruleSets = []Option{
	{RuleSetIntroductionAct, "Introduksjonsloven"},
	{RuleSetIntegrationAct, "Integreringsloven"},
	{RuleSetChapter6A, "Integreringsloven kapittel 6A"},
}

// RuleSets lists the rule sets (a fresh slice).
func RuleSets() []Option { return slices.Clone(ruleSets) }

// ruleSetLaw is the rule set as it reads after "etter": "etter integreringsloven".
func ruleSetLaw(rs string) string {
	switch rs {
	case RuleSetIntroductionAct:
		return "introduksjonsloven"
	case RuleSetIntegrationAct:
		return "integreringsloven"
	case RuleSetChapter6A:
		return "integreringsloven kapittel 6A"
	}
	return ""
}

// Decisions (vedtak).
const (
	DecisionGranted = "granted" // innvilget
	DecisionRefused = "refused" // avslått
)

var decisions = []Option{{DecisionGranted, "Innvilget"}, {DecisionRefused, "Avslått"}}

// Decisions lists the decisions.
func Decisions() []Option { return slices.Clone(decisions) }

// End goals (sluttmål).
const (
	GoalWork            = "work"             // arbeid
	GoalUpperSecondary  = "upper_secondary"  // videregående opplæring
	GoalHigherEducation = "higher_education" // høyere utdanning
	GoalOther           = "other"            // annet (e.g. school below upper-secondary)
)

var endGoals = []Option{
	{GoalWork, "Arbeid"},
	{GoalUpperSecondary, "Videregående opplæring"},
	{GoalHigherEducation, "Høyere utdanning"},
	{GoalOther, "Annet (for eksempel grunnskole)"},
}

// EndGoals lists the end goals.
func EndGoals() []Option { return slices.Clone(endGoals) }

// Pause kinds.
const (
	PauseLeave        = "leave"        // permisjon: moves the planned end
	PauseInterruption = "interruption" // avbrudd/stans
)

var pauseKinds = []Option{{PauseLeave, "Permisjon"}, {PauseInterruption, "Avbrudd (stans)"}}

// PauseKinds lists the pause kinds.
func PauseKinds() []Option { return slices.Clone(pauseKinds) }

// End reasons (avslutningsårsak), as IMDi asks for them.
var endReasons = []Option{
	{"completed", "Fullført program"},
	{"work", "Overgang til arbeid"},
	{"education", "Overgang til utdanning"},
	{"moved", "Flyttet fra kommunen"},
	{"other_benefit", "Over på annen ytelse"},
	{"discontinued", "Avbrutt"},
	{"no_show", "Ikke møtt"},
	{"other", "Annet"},
}

// EndReasons lists the end reasons.
func EndReasons() []Option { return slices.Clone(endReasons) }

// End activities: the participant's main activity at the end.
var endActivities = []Option{
	{"work_full", "Arbeid, heltid"},
	{"work_part", "Arbeid, deltid"},
	{"upper_secondary", "Videregående opplæring"},
	{"higher_education", "Høyere utdanning"},
	{"other_education", "Annen utdanning eller kurs"},
	{"job_seeker", "Arbeidssøker"},
	{"other_benefit", "Annen ytelse"},
	{"home", "Hjemmeværende"},
	{"unknown", "Ukjent"},
	{"other", "Annet"},
}

// EndActivities lists the main activities at the end.
func EndActivities() []Option { return slices.Clone(endActivities) }

// Programme is a person's programme row (programmes).
type Programme struct {
	PersonID          int64      `db:"person_id"`
	RuleSetOverride   *string    `db:"rule_set_override"`
	RuleSetReason     string     `db:"rule_set_reason"`
	MappingDoneOn     *time.Time `db:"mapping_done_on"`
	MappingBy         string     `db:"mapping_by"`
	GuidanceDoneOn    *time.Time `db:"guidance_done_on"`
	GuidanceBy        string     `db:"guidance_by"`
	Decision          *string    `db:"decision"`
	RefusalReason     string     `db:"refusal_reason"`
	DecisionDate      *time.Time `db:"decision_date"`
	StartDate         *time.Time `db:"start_date"`
	PlannedEnd        *time.Time `db:"planned_end"`
	ExtensionMonths   int        `db:"extension_months"`
	EndGoal           *string    `db:"end_goal"`
	HasUpperSecondary bool       `db:"has_upper_secondary"`
	NorwegianGoal     string     `db:"norwegian_goal"`
	ContractSignedOn  *time.Time `db:"contract_signed_on"`
	LivesWithParents  bool       `db:"lives_with_parents"`
	EndedOn           *time.Time `db:"ended_on"`
	EndReason         string     `db:"end_reason"`
	EndActivity       string     `db:"end_activity"`
	Version           int        `db:"version"` // 0: no row yet
	UpdatedAt         time.Time  `db:"updated_at"`
}

// Pause is a leave (permisjon) or an interruption (avbrudd) of the
// programme; To nil means it is still going on.
type Pause struct {
	ID       int64      `db:"id"`
	PersonID int64      `db:"person_id"`
	Kind     string     `db:"kind"`
	Reason   string     `db:"reason"`
	From     time.Time  `db:"from_date"`
	To       *time.Time `db:"to_date"`
	Version  int        `db:"version"`
}

// Ongoing reports whether the pause holds day.
func (p Pause) Holds(day time.Time) bool {
	return !day.Before(p.From) && (p.To == nil || !day.After(*p.To))
}

// Days is the pause's length in calendar days, both ends counted; an
// ongoing pause counts up to today (0 when it starts after today).
func (p Pause) Days(today time.Time) int {
	end := today
	if p.To != nil {
		end = *p.To
	}
	if end.Before(p.From) {
		return 0
	}
	return int(Date(end).Sub(Date(p.From)).Hours()/24) + 1
}

// LeaveDays sums the calendar days of the leaves (not interruptions). A leave
// moves the planned end by its calendar days: a week's leave, Monday to
// Sunday, moves it seven days. Calendar days are what a participant
// understands and what the programme's months are counted in.
func LeaveDays(pauses []Pause, today time.Time) int {
	n := 0
	for _, p := range pauses {
		if p.Kind == PauseLeave {
			n += p.Days(today)
		}
	}
	return n
}

// EffectiveEnd is the planned end moved by the leaves, or nil.
func (p Programme) EffectiveEnd(pauses []Pause, today time.Time) *time.Time {
	if p.PlannedEnd == nil {
		return nil
	}
	d := AddDays(*p.PlannedEnd, LeaveDays(pauses, today))
	return &d
}

// Programme statuses.
const (
	ProgNotDecided = "not_decided"
	ProgRefused    = "refused"
	ProgNotStarted = "not_started" // granted, start in the future
	ProgActive     = "active"
	ProgOnLeave    = "on_leave"
	ProgInterrupt  = "interrupted"
	ProgEnded      = "ended"
)

var progStatuses = []Option{
	{ProgNotDecided, "Ikke vedtatt"},
	{ProgRefused, "Avslått"},
	{ProgNotStarted, "Innvilget, ikke startet"},
	{ProgActive, "I program"},
	{ProgOnLeave, "Permisjon"},
	{ProgInterrupt, "Avbrutt (stans)"},
	{ProgEnded, "Avsluttet"},
}

// ProgrammeStatuses lists the statuses with labels.
func ProgrammeStatuses() []Option { return slices.Clone(progStatuses) }

// Status derives the programme's status on today.
func (p Programme) Status(pauses []Pause, today time.Time) string {
	switch {
	case p.Decision == nil:
		return ProgNotDecided
	case *p.Decision == DecisionRefused:
		return ProgRefused
	case p.EndedOn != nil && !p.EndedOn.After(today):
		return ProgEnded
	case p.StartDate == nil || p.StartDate.After(today):
		return ProgNotStarted
	}
	for _, ps := range pauses {
		if ps.Holds(today) {
			if ps.Kind == PauseLeave {
				return ProgOnLeave
			}
			return ProgInterrupt
		}
	}
	return ProgActive
}

// MissingEndReason flags an ended programme without an end reason (IMDi
// chases them).
func (p Programme) MissingEndReason() bool { return p.EndedOn != nil && p.EndReason == "" }

// RuleSetResult is a person's rule set: derived from the permit date and
// residence basis, or overridden; "" when unknown, with Explanation saying why.
type RuleSetResult struct {
	RuleSet     string // effective; "" unknown
	Derived     string // what the facts give; "" unknown
	Overridden  bool
	Explanation string
}

// Label is the rule set's Norwegian name, or "Ukjent".
func (r RuleSetResult) Label() string {
	if r.RuleSet == "" {
		return "Ukjent"
	}
	return Label(ruleSets, r.RuleSet)
}

// DeriveRuleSet chooses the rule set from the permit date and the residence
// basis. The cut-off dates (integration_act_from, chapter_6a_until) are read
// as in force today, so an extension of chapter 6A entered as a new rate row
// applies at once. Collective protection (§ 34) with a permit before the
// chapter 6A date follows chapter 6A; a family member reunified with a § 34
// person has basis "family" and follows the ordinary rules.
func DeriveRuleSet(t RateTable, today time.Time, permit *time.Time, basis, override, reason string) RuleSetResult {
	var res RuleSetResult
	r := t.RatesOn(today)
	intFrom, ok1 := r.DateValue(RateIntegrationActFrom)
	sixAUntil, ok2 := r.DateValue(RateChapter6AUntil)
	switch {
	case permit == nil:
		res.Explanation = "Regelverket kan ikke avgjøres fordi vedtaksdato for oppholdstillatelse mangler. Registrer datoen."
	case !ok1 || !ok2:
		res.Explanation = "Regelverket kan ikke avgjøres fordi satsene for regelverkets datoer mangler. Kontakt systemansvarlig."
	case permit.Before(intFrom):
		res.Derived = RuleSetIntroductionAct
		res.Explanation = "Oppholdstillatelsen ble gitt " + FormatDate(permit) + ", før integreringsloven gjaldt (" + FormatDate(&intFrom) + "): introduksjonsloven gjelder."
	case basis == BasisCollective && permit.Before(sixAUntil):
		res.Derived = RuleSetChapter6A
		res.Explanation = "Kollektiv beskyttelse (§ 34) med oppholdstillatelse " + FormatDate(permit) + ", før " + FormatDate(&sixAUntil) + ": de midlertidige reglene i integreringsloven kapittel 6A gjelder."
	case basis == BasisCollective:
		res.Derived = RuleSetIntegrationAct
		res.Explanation = "Kollektiv beskyttelse (§ 34), men oppholdstillatelsen ble gitt " + FormatDate(permit) + ", etter at kapittel 6A gjaldt (til " + FormatDate(&sixAUntil) + "): integreringsloven gjelder."
	default:
		res.Derived = RuleSetIntegrationAct
		res.Explanation = "Oppholdstillatelsen ble gitt " + FormatDate(permit) + ", etter " + FormatDate(&intFrom) + ": integreringsloven gjelder."
		if basis == BasisFamily {
			res.Explanation += " Familiegjenforente følger de ordinære reglene."
		}
	}
	res.RuleSet = res.Derived
	if override != "" {
		res.RuleSet = override
		res.Overridden = true
		res.Explanation = "Overstyrt til " + ruleSetLaw(override) + ": " + reason + " (Utledet: " + strings.TrimSuffix(lowerFirst(res.Explanation), ".") + ".)"
	}
	return res
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	r, n := utf8.DecodeRuneInString(s)
	return strings.ToLower(string(r)) + s[n:]
}

// RightDutyFacts are what right and duty is decided from.
type RightDutyFacts struct {
	Name           string // the given name, used in the sentence
	BirthDate      time.Time
	PermitDate     *time.Time
	SettlementDate *time.Time
	RuleSet        string     // effective rule set, "" unknown
	DecisionDate   *time.Time // nil: today
	Today          time.Time
}

// RightDuty is the answer: Known is false when a fact or rate is missing;
// Sentence is what a caseworker can read aloud.
type RightDuty struct {
	Known    bool
	Right    bool
	Sentence string
}

// RightAndDuty decides right and duty (rett og plikt) to the programme: the
// age when the permit was granted within [age_min, age_max] of the rates in
// force on the permit date, and settled in the municipality less than
// settled_max_years on the decision date (or today before a decision).
func RightAndDuty(t RateTable, f RightDutyFacts) RightDuty {
	name := f.Name
	if f.PermitDate == nil {
		return RightDuty{Sentence: "Rett og plikt kan ikke vurderes fordi vedtaksdato for oppholdstillatelse mangler."}
	}
	if f.SettlementDate == nil {
		return RightDuty{Sentence: "Rett og plikt kan ikke vurderes fordi bosettingsdato mangler."}
	}
	rp := t.RatesOn(*f.PermitDate)
	if !rp.Has(RateAgeMin) || !rp.Has(RateAgeMax) {
		return RightDuty{Sentence: "Rett og plikt kan ikke vurderes fordi aldersgrensene mangler for " + FormatDate(f.PermitDate) + ". Kontakt systemansvarlig."}
	}
	day, dayWord := Date(f.Today), "i dag"
	if f.DecisionDate != nil {
		day, dayWord = Date(*f.DecisionDate), "på vedtaksdatoen"
	}
	rd := t.RatesOn(day)
	if !rd.Has(RateSettledMaxYears) {
		return RightDuty{Sentence: "Rett og plikt kan ikke vurderes fordi grensen for botid mangler. Kontakt systemansvarlig."}
	}
	lo, hi := int(rp.Get(RateAgeMin)), int(rp.Get(RateAgeMax))
	years := int(rd.Get(RateSettledMaxYears))
	age := AgeOn(f.BirthDate, *f.PermitDate)
	ageOK := age >= lo && age <= hi
	settledOK := day.Before(AddMonths(*f.SettlementDate, 12*years))
	limit := fmt.Sprintf("under %d år", years)

	ageClause := fmt.Sprintf("%s var %d år da oppholdstillatelsen ble gitt %s (grensen er %d–%d år)", name, age, FormatDate(f.PermitDate), lo, hi)
	var settledClause string
	if day.Before(*f.SettlementDate) {
		settledClause = fmt.Sprintf("%s blir bosatt i kommunen %s (%s)", name, FormatDate(f.SettlementDate), limit)
	} else {
		settledClause = fmt.Sprintf("%s har vært bosatt i kommunen i %s (%s) %s", name, SpanWords(*f.SettlementDate, day), limit, dayWord)
	}
	law := ""
	if l := ruleSetLaw(f.RuleSet); l != "" {
		law = " etter " + l
	}
	out := RightDuty{Known: true, Right: ageOK && settledOK}
	switch {
	case out.Right:
		out.Sentence = name + " har rett og plikt til introduksjonsprogram" + law + ": " + ageClause + ", og " + settledClause + "."
	case !ageOK && !settledOK:
		out.Sentence = name + " har ikke rett og plikt til introduksjonsprogram" + law + ": " + ageClause + ", og " + settledClause + "."
	case !ageOK:
		out.Sentence = name + " har ikke rett og plikt til introduksjonsprogram" + law + ": " + ageClause + "."
	default:
		out.Sentence = name + " har ikke rett og plikt til introduksjonsprogram" + law + ": " + settledClause + "."
	}
	return out
}

// SpanWords says how long it is from a to b in Norwegian: "12 dager",
// "1 måned", "4 måneder", "1 år og 3 måneder".
func SpanWords(a, b time.Time) string {
	a, b = Date(a), Date(b)
	months := 0
	for !AddMonths(a, months+1).After(b) {
		months++
	}
	if months == 0 {
		d := int(b.Sub(a).Hours() / 24)
		if d == 1 {
			return "1 dag"
		}
		return strconv.Itoa(d) + " dager"
	}
	unit := func(n int, one, many string) string {
		if n == 1 {
			return "1 " + one
		}
		return strconv.Itoa(n) + " " + many
	}
	y, m := months/12, months%12
	switch {
	case y == 0:
		return unit(m, "måned", "måneder")
	case m == 0:
		return unit(y, "år", "år")
	}
	return unit(y, "år", "år") + " og " + unit(m, "måned", "måneder")
}

// Duration categories.
const (
	DurationShort = "short" // has upper-secondary, goal higher education or work
	DurationUpsec = "upsec" // young without upper-secondary, or goal upper-secondary
	DurationOther = "other"
)

// Duration is the allowed length of a programme: at least MinMonths, at
// most MaxMonths, extendable by up to ExtMonths; Rule says so in words.
type Duration struct {
	Category  string
	MinMonths int
	MaxMonths int
	ExtMonths int
	Rule      string
	Known     bool
}

// ProgrammeDuration picks the allowed duration from the end goal, whether the
// participant has upper-secondary education and the age at the start, with
// the rates in force on the start date.
func ProgrammeDuration(r Rates, goal string, hasUpperSecondary bool, ageAtStart int) Duration {
	young := int(r.Get(RateDurationYoungAge))
	d := Duration{MinMonths: int(r.Get(RateDurationMinMonths)), Known: true}
	need := []RateKind{RateDurationMinMonths, RateDurationYoungAge}
	switch {
	case hasUpperSecondary && (goal == GoalHigherEducation || goal == GoalWork):
		d.Category, d.MaxMonths, d.ExtMonths = DurationShort, int(r.Get(RateDurationShortMax)), int(r.Get(RateDurationShortExt))
		need = append(need, RateDurationShortMax, RateDurationShortExt)
		d.Rule = "Deltakere med fullført videregående og sluttmål høyere utdanning eller arbeid"
	case goal == GoalUpperSecondary || (!hasUpperSecondary && ageAtStart < young):
		d.Category, d.MaxMonths, d.ExtMonths = DurationUpsec, int(r.Get(RateDurationUpsecMax)), int(r.Get(RateDurationUpsecExt))
		need = append(need, RateDurationUpsecMax, RateDurationUpsecExt)
		if goal == GoalUpperSecondary {
			d.Rule = "Deltakere med sluttmål videregående opplæring"
		} else {
			d.Rule = fmt.Sprintf("Deltakere under %d år uten fullført videregående", young)
		}
	default:
		d.Category, d.MaxMonths, d.ExtMonths = DurationOther, int(r.Get(RateDurationOtherMax)), int(r.Get(RateDurationOtherExt))
		need = append(need, RateDurationOtherMax, RateDurationOtherExt)
		d.Rule = "Andre deltakere (sluttmål arbeid eller opplæring under videregående nivå)"
	}
	for _, k := range need {
		if !r.Has(k) {
			return Duration{Rule: "Varigheten kan ikke beregnes fordi satsene for varighet mangler. Kontakt systemansvarlig."}
		}
	}
	d.Rule += fmt.Sprintf(" kan ha program i %s–%s, med forlengelse inntil %s.", monthWords(d.MinMonths), monthWords(d.MaxMonths), monthWords(d.ExtMonths))
	return d
}

// monthWords says a number of months: "3 måneder", "2 år", "1 år".
func monthWords(n int) string {
	if n >= 12 && n%12 == 0 {
		return strconv.Itoa(n/12) + " år"
	}
	if n == 1 {
		return "1 måned"
	}
	return strconv.Itoa(n) + " måneder"
}

// AllowedEnd is the window a planned end must fall in: from start + min to
// start + max + the extension granted.
func (d Duration) AllowedEnd(start time.Time, extension int) (time.Time, time.Time) {
	return AddMonths(start, d.MinMonths), AddMonths(start, d.MaxMonths+extension)
}

// earliestProgrammeDate is the first date any programme date may have.
var earliestProgrammeDate = time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)

// dateField parses an optional date: "" is nil. label starts the messages;
// notFuture refuses dates after today.
func dateField(fields map[string]string, key, label, s string, today time.Time, notFuture bool) *time.Time {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	d, ok := ParseDate(s)
	switch {
	case !ok:
		fields[key] = label + " må være en gyldig dato (dd.mm.åååå)."
	case d.Before(earliestProgrammeDate):
		fields[key] = label + " kan ikke være før 1990."
	case d.Year() > 2100:
		fields[key] = label + " kan ikke være etter 2100."
	case notFuture && d.After(Date(today)):
		fields[key] = label + " kan ikke være i fremtiden."
	default:
		return &d
	}
	return nil
}

// requireVersion reads the version a form was based on; allowZero is true
// for a programme that has no row yet (version 0).
func formVersion(fields map[string]string, s string, allowZero bool) int {
	v, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || v < 0 || (v == 0 && !allowZero) {
		fields["version"] = "Skjemaet mangler versjon. Last siden på nytt."
		return 0
	}
	return v
}

// shortLine cleans a single-line field with a maximum length.
func shortLine(fields map[string]string, key, label, s string, max int, required bool) string {
	out, msg := lineField(label, s)
	switch {
	case msg != "":
		fields[key] = msg
	case required && out == "":
		fields[key] = label + " må fylles ut."
	case utf8.RuneCountInString(out) > max:
		fields[key] = fmt.Sprintf("%s kan ha høyst %d tegn.", label, max)
	}
	return out
}

// RuleSetForm is the permit date and the rule set override, as typed.
type RuleSetForm struct {
	PermitDate    string
	Override      string
	Reason        string
	PersonVersion string
	Version       string
}

// RuleSetInput is a validated rule set form.
type RuleSetInput struct {
	PermitDate    *time.Time
	Override      string // "" derived
	Reason        string
	PersonVersion int
	Version       int // programme version, 0 when none yet
}

// Validate checks the form: the permit date is optional and not in the
// future; an override needs a reason.
func (f RuleSetForm) Validate(today time.Time) (RuleSetInput, error) {
	fields := map[string]string{}
	var in RuleSetInput
	in.PermitDate = dateField(fields, "permit_date", "Vedtaksdato for oppholdstillatelse", f.PermitDate, today, true)
	if f.Override != "" && !hasOption(ruleSets, f.Override) {
		fields["override"] = "Velg et regelverk fra listen."
	}
	in.Override = f.Override
	reason, msg := textField("Begrunnelsen", f.Reason)
	switch {
	case msg != "":
		fields["reason"] = msg
	case in.Override != "" && reason == "":
		fields["reason"] = "Skriv hvorfor regelverket overstyres."
	case utf8.RuneCountInString(reason) > 500:
		fields["reason"] = "Begrunnelsen kan ha høyst 500 tegn."
	}
	if in.Override == "" {
		reason = ""
	}
	in.Reason = reason
	in.PersonVersion = formVersion(map[string]string{}, f.PersonVersion, false)
	if in.PersonVersion == 0 {
		fields["version"] = "Skjemaet mangler versjon. Last siden på nytt."
	}
	in.Version = formVersion(fields, f.Version, true)
	if len(fields) > 0 {
		return in, invalidForm(fields)
	}
	return in, nil
}

// MappingForm is competence mapping and career guidance, as typed.
type MappingForm struct {
	MappingDoneOn  string
	MappingBy      string
	GuidanceDoneOn string
	GuidanceBy     string
	Version        string
}

// MappingInput is a validated mapping form.
type MappingInput struct {
	MappingDoneOn  *time.Time
	MappingBy      string
	GuidanceDoneOn *time.Time
	GuidanceBy     string
	Version        int
}

// Validate checks the form: dates not in the future; who did it is required
// with a date.
func (f MappingForm) Validate(today time.Time) (MappingInput, error) {
	fields := map[string]string{}
	var in MappingInput
	in.MappingDoneOn = dateField(fields, "mapping_done_on", "Dato for kompetansekartlegging", f.MappingDoneOn, today, true)
	in.MappingBy = shortLine(fields, "mapping_by", "Hvem som kartla", f.MappingBy, 200, strings.TrimSpace(f.MappingDoneOn) != "")
	in.GuidanceDoneOn = dateField(fields, "guidance_done_on", "Dato for karriereveiledning", f.GuidanceDoneOn, today, true)
	in.GuidanceBy = shortLine(fields, "guidance_by", "Hvem som veiledet", f.GuidanceBy, 200, strings.TrimSpace(f.GuidanceDoneOn) != "")
	in.Version = formVersion(fields, f.Version, true)
	if len(fields) > 0 {
		return in, invalidForm(fields)
	}
	return in, nil
}

// DecisionForm is the decision (vedtak) with the plan's goals, as typed.
type DecisionForm struct {
	Decision          string
	RefusalReason     string
	DecisionDate      string
	StartDate         string
	PlannedEnd        string
	EndGoal           string
	HasUpperSecondary string // "1" when checked
	NorwegianGoal     string
	ExtensionMonths   string
	LivesWithParents  string // "1" when checked
	Version           string
}

// DecisionInput is a validated decision.
type DecisionInput struct {
	Decision          string
	RefusalReason     string
	DecisionDate      time.Time
	StartDate         *time.Time
	PlannedEnd        *time.Time
	EndGoal           string
	HasUpperSecondary bool
	NorwegianGoal     string
	ExtensionMonths   int
	LivesWithParents  bool
	Version           int
}

// Validate checks the form on its own. A decision date is required and not
// in the future. A refusal needs its reason (and carries no plan). A grant
// needs a start on or after the decision date (the programme starts after it
// is decided; the start may be ahead), a planned end after the start and an
// end goal. The planned end against the allowed duration is CheckDuration.
func (f DecisionForm) Validate(today time.Time) (DecisionInput, error) {
	fields := map[string]string{}
	var in DecisionInput
	if !hasOption(decisions, f.Decision) {
		fields["decision"] = "Velg om programmet innvilges eller avslås."
	}
	in.Decision = f.Decision
	if strings.TrimSpace(f.DecisionDate) == "" {
		fields["decision_date"] = "Vedtaksdato må fylles ut."
	} else if d := dateField(fields, "decision_date", "Vedtaksdato", f.DecisionDate, today, true); d != nil {
		in.DecisionDate = *d
	}
	reason, msg := textField("Begrunnelsen for avslaget", f.RefusalReason)
	switch {
	case msg != "":
		fields["refusal_reason"] = msg
	case f.Decision == DecisionRefused && reason == "":
		fields["refusal_reason"] = "Skriv begrunnelsen for avslaget."
	case utf8.RuneCountInString(reason) > 1000:
		fields["refusal_reason"] = "Begrunnelsen kan ha høyst 1000 tegn."
	}
	in.Version = formVersion(fields, f.Version, true)
	if f.Decision != DecisionGranted {
		in.RefusalReason = reason
		if len(fields) > 0 {
			return in, invalidForm(fields)
		}
		return in, nil
	}
	in.StartDate = dateField(fields, "start_date", "Startdato", f.StartDate, today, false)
	if in.StartDate == nil && fields["start_date"] == "" {
		fields["start_date"] = "Startdato må fylles ut når programmet innvilges."
	}
	if in.StartDate != nil && !in.DecisionDate.IsZero() && in.StartDate.Before(in.DecisionDate) {
		fields["start_date"] = "Startdato kan ikke være før vedtaksdatoen (" + FormatDate(&in.DecisionDate) + ")."
	}
	in.PlannedEnd = dateField(fields, "planned_end", "Planlagt slutt", f.PlannedEnd, today, false)
	if in.PlannedEnd == nil && fields["planned_end"] == "" {
		fields["planned_end"] = "Planlagt slutt må fylles ut når programmet innvilges."
	}
	if in.PlannedEnd != nil && in.StartDate != nil && !in.PlannedEnd.After(*in.StartDate) {
		fields["planned_end"] = "Planlagt slutt må være etter startdatoen."
	}
	if !hasOption(endGoals, f.EndGoal) {
		fields["end_goal"] = "Velg sluttmål."
	}
	in.EndGoal = f.EndGoal
	in.HasUpperSecondary = f.HasUpperSecondary == "1"
	in.LivesWithParents = f.LivesWithParents == "1"
	in.NorwegianGoal = shortLine(fields, "norwegian_goal", "Norskmålet", f.NorwegianGoal, 200, false)
	if s := strings.TrimSpace(f.ExtensionMonths); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 || n > 12 {
			fields["extension_months"] = "Forlengelse må være et helt antall måneder fra 0 til 12."
		}
		in.ExtensionMonths = n
	}
	if len(fields) > 0 {
		return in, invalidForm(fields)
	}
	return in, nil
}

// CheckDuration checks a grant against the allowed duration: the extension
// within the category's limit, and the planned end within
// [start + min, start + max + extension]. The refusal names the rule.
func CheckDuration(t RateTable, in DecisionInput, birth time.Time) error {
	if in.Decision != DecisionGranted || in.StartDate == nil || in.PlannedEnd == nil {
		return nil
	}
	d := ProgrammeDuration(t.RatesOn(*in.StartDate), in.EndGoal, in.HasUpperSecondary, AgeOn(birth, *in.StartDate))
	if !d.Known {
		return invalidForm(map[string]string{"planned_end": d.Rule})
	}
	fields := map[string]string{}
	if in.ExtensionMonths > d.ExtMonths {
		fields["extension_months"] = fmt.Sprintf("Forlengelse kan være høyst %s her. %s", monthWords(d.ExtMonths), d.Rule)
	} else {
		lo, hi := d.AllowedEnd(*in.StartDate, in.ExtensionMonths)
		if in.PlannedEnd.Before(lo) || in.PlannedEnd.After(hi) {
			fields["planned_end"] = fmt.Sprintf("Planlagt slutt må være mellom %s og %s. %s", FormatDate(&lo), FormatDate(&hi), d.Rule)
			if in.ExtensionMonths > 0 {
				fields["planned_end"] += fmt.Sprintf(" Innvilget forlengelse: %s.", monthWords(in.ExtensionMonths))
			}
		}
	}
	if len(fields) > 0 {
		return invalidForm(fields)
	}
	return nil
}

// ContractForm is the integration contract (integreringskontrakt), as typed.
type ContractForm struct {
	SignedOn string
	Version  string
}

// ContractInput is a validated contract form: a signed date, or nil to clear.
type ContractInput struct {
	SignedOn *time.Time
	Version  int
}

// Validate checks the signed date: optional, not in the future.
func (f ContractForm) Validate(today time.Time) (ContractInput, error) {
	fields := map[string]string{}
	var in ContractInput
	in.SignedOn = dateField(fields, "contract_signed_on", "Dato kontrakten ble signert", f.SignedOn, today, true)
	in.Version = formVersion(fields, f.Version, true)
	if len(fields) > 0 {
		return in, invalidForm(fields)
	}
	return in, nil
}

// PauseForm is a leave or interruption, as typed.
type PauseForm struct {
	Kind    string
	Reason  string
	From    string
	To      string
	Version string // the pause's version (edit); "" for a new one
}

// PauseInput is a validated pause.
type PauseInput struct {
	Kind    string
	Reason  string
	From    time.Time
	To      *time.Time
	Version int
}

// Validate checks the form: a kind, a reason, a start, and an end (optional:
// still going on) not before the start. edit requires a version.
func (f PauseForm) Validate(edit bool) (PauseInput, error) {
	fields := map[string]string{}
	var in PauseInput
	if !hasOption(pauseKinds, f.Kind) {
		fields["kind"] = "Velg permisjon eller avbrudd."
	}
	in.Kind = f.Kind
	in.Reason = shortLine(fields, "reason", "Årsaken", f.Reason, 500, true)
	if strings.TrimSpace(f.From) == "" {
		fields["from_date"] = "Fra-dato må fylles ut."
	} else if d := dateField(fields, "from_date", "Fra-dato", f.From, time.Time{}, false); d != nil {
		in.From = *d
	}
	in.To = dateField(fields, "to_date", "Til-dato", f.To, time.Time{}, false)
	if in.To != nil && !in.From.IsZero() && in.To.Before(in.From) {
		fields["to_date"] = "Til-dato kan ikke være før fra-dato."
	}
	if edit {
		in.Version = formVersion(fields, f.Version, false)
	}
	if len(fields) > 0 {
		return in, invalidForm(fields)
	}
	return in, nil
}

// CheckPause checks a pause against the programme: it must be granted with
// a start, the pause may not start before the start or after the end, and
// may not overlap another pause (self is the pause being edited, 0 for new).
func CheckPause(p Programme, others []Pause, self int64, in PauseInput) error {
	if p.Decision == nil || *p.Decision != DecisionGranted || p.StartDate == nil {
		return invalidForm(map[string]string{"from_date": "Permisjon og avbrudd kan bare registreres når programmet er innvilget med startdato."})
	}
	if in.From.Before(*p.StartDate) {
		return invalidForm(map[string]string{"from_date": "Fra-dato kan ikke være før programmet startet (" + FormatDate(p.StartDate) + ")."})
	}
	if p.EndedOn != nil && in.From.After(*p.EndedOn) {
		return invalidForm(map[string]string{"from_date": "Fra-dato kan ikke være etter at programmet ble avsluttet (" + FormatDate(p.EndedOn) + ")."})
	}
	far := time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
	inTo := far
	if in.To != nil {
		inTo = *in.To
	}
	for _, o := range others {
		if o.ID == self {
			continue
		}
		oTo := far
		if o.To != nil {
			oTo = *o.To
		}
		if !in.From.After(oTo) && !o.From.After(inTo) {
			what := Label(pauseKinds, o.Kind)
			return invalidForm(map[string]string{"from_date": fmt.Sprintf("Perioden overlapper %s fra %s. Avslutt den først.", strings.ToLower(what), FormatDate(&o.From))})
		}
	}
	return nil
}

// EndForm is the end of the programme, as typed.
type EndForm struct {
	EndedOn     string
	EndReason   string
	EndActivity string
	Version     string
}

// EndInput is a validated end.
type EndInput struct {
	EndedOn     time.Time
	EndReason   string
	EndActivity string
	Version     int
}

// Validate checks the form: an end date not in the future, a reason and the
// main activity at the end from the lists.
func (f EndForm) Validate(today time.Time) (EndInput, error) {
	fields := map[string]string{}
	var in EndInput
	if strings.TrimSpace(f.EndedOn) == "" {
		fields["ended_on"] = "Sluttdato må fylles ut."
	} else if d := dateField(fields, "ended_on", "Sluttdato", f.EndedOn, today, true); d != nil {
		in.EndedOn = *d
	}
	if !hasOption(endReasons, f.EndReason) {
		fields["end_reason"] = "Velg avslutningsårsak."
	}
	in.EndReason = f.EndReason
	if !hasOption(endActivities, f.EndActivity) {
		fields["end_activity"] = "Velg hovedaktivitet ved avslutning."
	}
	in.EndActivity = f.EndActivity
	in.Version = formVersion(fields, f.Version, false)
	if len(fields) > 0 {
		return in, invalidForm(fields)
	}
	return in, nil
}

// CheckEnd checks an end against the programme: granted and started, and
// not before the start.
func CheckEnd(p Programme, in EndInput) error {
	if p.Decision == nil || *p.Decision != DecisionGranted || p.StartDate == nil {
		return invalidForm(map[string]string{"ended_on": "Programmet kan bare avsluttes når det er innvilget med startdato."})
	}
	if in.EndedOn.Before(*p.StartDate) {
		return invalidForm(map[string]string{"ended_on": "Sluttdato kan ikke være før startdatoen (" + FormatDate(p.StartDate) + ")."})
	}
	return nil
}
