package domain

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Every rate and limit of the programme is dated data (the rates table): the
// value in force on a day is the row of its kind with the latest
// EffectiveFrom on or before that day (the newest row wins a tie, so a
// correction is a new row, never an edit). The store reads the rows, the
// domain picks the value for a day. No rate is a constant in code.

// RateKind names a rate or limit.
type RateKind string

// The kinds of rates and limits. Units: see RateUnit.
const (
	RateG                   RateKind = "g"                     // grunnbeløpet, øre
	RateBenefitGMultiple    RateKind = "benefit_g_multiple"    // the yearly benefit in G (2)
	RateFullRateAge         RateKind = "full_rate_age"         // full benefit from this age (25)
	RateFactorAwayThirds    RateKind = "factor_away_thirds"    // under that age, away from parents (2/3)
	RateFactorParentsThirds RateKind = "factor_parents_thirds" // under that age, with a parent (1/3)
	RateBenefitDaysPerYear  RateKind = "benefit_days_per_year" // daily rate = yearly / this (260)
	RateBenefitHoursPerYear RateKind = "benefit_hours_per_year"
	RateDecisionSharePct    RateKind = "decision_share_pct"  // deduction ≥ this % of the payment …
	RateDecisionGTwelfths   RateKind = "decision_g_twelfths" // … and ≥ this many twelfths of G
	RateAgeMin              RateKind = "age_min"             // right and duty: age at the permit
	RateAgeMax              RateKind = "age_max"
	RateSettledMaxYears     RateKind = "settled_max_years"    // settled here under this many years
	RateIntegrationActFrom  RateKind = "integration_act_from" // permits from this date: integreringsloven
	RateChapter6AUntil      RateKind = "chapter_6a_until"     // chapter 6A applies to permits before this date
	RateFullTimeMinutes     RateKind = "full_time_minutes"    // 37.5 h a week
	RateSelfStudyMinutes    RateKind = "self_study_minutes"   // 30 h with significant self-study
	RateDurationMinMonths   RateKind = "duration_min_months"  // every end goal: at least 3 months
	RateDurationShortMax    RateKind = "duration_short_max_months"
	RateDurationShortExt    RateKind = "duration_short_ext_months"
	RateDurationUpsecMax    RateKind = "duration_upsec_max_months"
	RateDurationUpsecExt    RateKind = "duration_upsec_ext_months"
	RateDurationOtherMax    RateKind = "duration_other_max_months"
	RateDurationOtherExt    RateKind = "duration_other_ext_months"
	RateHolidayDays         RateKind = "holiday_days"          // 25 days a year
	RateSelfCertMaxDays     RateKind = "self_cert_max_days"    // egenmelding: at most 3 days at a time
	RateSelfCertAfterWeeks  RateKind = "self_cert_after_weeks" // only after 8 weeks in the programme
	RateSelfCertMaxTimes    RateKind = "self_cert_max_times"   // at most 4 times in 12 months
	RateSickChildDays       RateKind = "sick_child_days"       // 10 days a year
	RateSickChildDaysMany   RateKind = "sick_child_days_many"  // 15 with more than two children
	RateSickChildSoleFactor RateKind = "sick_child_sole_factor"
	// Programme (migration 000014).
	RateDurationYoungAge RateKind = "duration_young_age" // under this age without upper-secondary: the long duration
	// Integration grant (integreringstilskudd, migration 000029): the rate of
	// a grant year is the one in force on 1 January of the budget year.
	RateGrantY1Adult         RateKind = "grant_y1_adult"         // year 1, an adult
	RateGrantY1Child         RateKind = "grant_y1_child"         // year 1, a child (under 18 when settled)
	RateGrantY1Unaccompanied RateKind = "grant_y1_unaccompanied" // year 1, an unaccompanied minor
	RateGrantElderlyAge      RateKind = "grant_elderly_age"      // the elderly extra from this age when settled
	RateGrantElderly         RateKind = "grant_elderly"          // the elderly extra, once, in year 1
	RateGrantY2              RateKind = "grant_y2"
	RateGrantY3              RateKind = "grant_y3"
	RateGrantY4              RateKind = "grant_y4"
	RateGrantY5              RateKind = "grant_y5"
	RateGrantDisability      RateKind = "grant_disability" // once, in year 1, for a person with grant_disability
)

// RateUnit says how a kind's integer value reads.
type RateUnit string

const (
	UnitOre     RateUnit = "ore"     // money in øre, shown as kroner
	UnitCount   RateUnit = "count"   // a plain number
	UnitYears   RateUnit = "years"   // an age or a number of years
	UnitMonths  RateUnit = "months"  // a number of months
	UnitDays    RateUnit = "days"    // a number of days
	UnitWeeks   RateUnit = "weeks"   // a number of weeks
	UnitMinutes RateUnit = "minutes" // a duration, shown as hours
	UnitPercent RateUnit = "percent"
	UnitThirds  RateUnit = "thirds" // a share in thirds (2 = 2/3)
	UnitDate    RateUnit = "date"   // a date as yyyymmdd
)

// RateKindInfo describes a kind for the admin page and for validation.
type RateKindInfo struct {
	Kind  RateKind
	Label string // Norwegian
	Unit  RateUnit
	Group string // heading on the admin page
}

var rateKinds = []RateKindInfo{
	{RateG, "Grunnbeløpet (G)", UnitOre, "Introduksjonsstønad"},
	{RateBenefitGMultiple, "Stønad per år i G", UnitCount, "Introduksjonsstønad"},
	{RateFullRateAge, "Full sats fra alder", UnitYears, "Introduksjonsstønad"},
	{RateFactorAwayThirds, "Under full-sats-alder, bor ikke med foreldre (tredjedeler)", UnitThirds, "Introduksjonsstønad"},
	{RateFactorParentsThirds, "Under full-sats-alder, bor med foreldre (tredjedeler)", UnitThirds, "Introduksjonsstønad"},
	{RateBenefitDaysPerYear, "Dagsats: årlig stønad delt på", UnitDays, "Introduksjonsstønad"},
	{RateBenefitHoursPerYear, "Timesats: årlig stønad delt på (timer)", UnitCount, "Introduksjonsstønad"},
	{RateDecisionSharePct, "Vedtak kreves: trekk minst (% av utbetalingen)", UnitPercent, "Introduksjonsstønad"},
	{RateDecisionGTwelfths, "Vedtak kreves: og trekk minst (tolvdeler av G)", UnitCount, "Introduksjonsstønad"},
	{RateAgeMin, "Rett og plikt: alder ved tillatelsen fra", UnitYears, "Rett og plikt"},
	{RateAgeMax, "Rett og plikt: alder ved tillatelsen til og med", UnitYears, "Rett og plikt"},
	{RateSettledMaxYears, "Rett og plikt: bosatt i kommunen under (år)", UnitYears, "Rett og plikt"},
	{RateIntegrationActFrom, "Integreringsloven gjelder tillatelser fra", UnitDate, "Regelverk"},
	{RateChapter6AUntil, "Kapittel 6A gjelder tillatelser før", UnitDate, "Regelverk"},
	{RateFullTimeMinutes, "Fulltid per uke", UnitMinutes, "Plan"},
	{RateSelfStudyMinutes, "Fulltid per uke med mye selvstudium", UnitMinutes, "Plan"},
	{RateDurationMinMonths, "Varighet: minst (måneder)", UnitMonths, "Varighet"},
	{RateDurationShortMax, "Varighet, videregående fullført / mål høyere utdanning eller arbeid: inntil", UnitMonths, "Varighet"},
	{RateDurationShortExt, "… forlengelse inntil", UnitMonths, "Varighet"},
	{RateDurationUpsecMax, "Varighet, under 25 uten videregående / mål videregående: inntil", UnitMonths, "Varighet"},
	{RateDurationUpsecExt, "… forlengelse inntil", UnitMonths, "Varighet"},
	{RateDurationOtherMax, "Varighet, andre: inntil", UnitMonths, "Varighet"},
	{RateDurationOtherExt, "… forlengelse inntil", UnitMonths, "Varighet"},
	{RateHolidayDays, "Ferie per år", UnitDays, "Fravær og ferie"},
	{RateSelfCertMaxDays, "Egenmelding: dager om gangen", UnitDays, "Fravær og ferie"},
	{RateSelfCertAfterWeeks, "Egenmelding: etter uker i programmet", UnitWeeks, "Fravær og ferie"},
	{RateSelfCertMaxTimes, "Egenmelding: ganger per 12 måneder", UnitCount, "Fravær og ferie"},
	{RateSickChildDays, "Sykt barn: dager per år", UnitDays, "Fravær og ferie"},
	{RateSickChildDaysMany, "Sykt barn, mer enn to barn: dager per år", UnitDays, "Fravær og ferie"},
	{RateSickChildSoleFactor, "Sykt barn, alene om omsorgen: ganger", UnitCount, "Fravær og ferie"},
	// Programme.
	{RateDurationYoungAge, "Varighet: under denne alderen uten videregående gir lang varighet", UnitYears, "Varighet"},
	// Integration grant.
	{RateGrantY1Adult, "År 1: voksen", UnitOre, "Integreringstilskudd"},
	{RateGrantY1Child, "År 1: barn (under 18 ved bosetting)", UnitOre, "Integreringstilskudd"},
	{RateGrantY1Unaccompanied, "År 1: enslig mindreårig", UnitOre, "Integreringstilskudd"},
	{RateGrantElderlyAge, "Tillegg for eldre: fra alder ved bosetting", UnitYears, "Integreringstilskudd"},
	{RateGrantElderly, "Tillegg for eldre, engangs (år 1)", UnitOre, "Integreringstilskudd"},
	{RateGrantY2, "År 2", UnitOre, "Integreringstilskudd"},
	{RateGrantY3, "År 3", UnitOre, "Integreringstilskudd"},
	{RateGrantY4, "År 4", UnitOre, "Integreringstilskudd"},
	{RateGrantY5, "År 5", UnitOre, "Integreringstilskudd"},
	{RateGrantDisability, "Tillegg ved nedsatt funksjonsevne, engangs (år 1)", UnitOre, "Integreringstilskudd"},
}

// RateKinds lists every kind, in the admin page's order (a fresh slice).
func RateKinds() []RateKindInfo { return slices.Clone(rateKinds) }

// RateKindByName finds a kind's description.
func RateKindByName(kind string) (RateKindInfo, bool) {
	i := slices.IndexFunc(rateKinds, func(k RateKindInfo) bool { return string(k.Kind) == kind })
	if i < 0 {
		return RateKindInfo{}, false
	}
	return rateKinds[i], true
}

// Rate is one row of the rates table.
type Rate struct {
	ID            int64     `db:"id"`
	Kind          RateKind  `db:"kind"`
	EffectiveFrom time.Time `db:"effective_from"`
	Value         int64     `db:"value"`
	Note          string    `db:"note"`
}

// RateTable is every rate row; At picks a value for a day.
type RateTable []Rate

// At returns the value of kind in force on day (the latest EffectiveFrom on
// or before day; among rows from the same date the highest ID) and whether
// one is.
func (t RateTable) At(kind RateKind, day time.Time) (int64, bool) {
	var best *Rate
	for i := range t {
		r := &t[i]
		if r.Kind != kind || r.EffectiveFrom.After(day) {
			continue
		}
		if best == nil || r.EffectiveFrom.After(best.EffectiveFrom) ||
			(r.EffectiveFrom.Equal(best.EffectiveFrom) && r.ID > best.ID) {
			best = r
		}
	}
	if best == nil {
		return 0, false
	}
	return best.Value, true
}

// Rates is the set of rates and limits in force on one day, read from a
// RateTable by RatesOn. Missing names the kinds without a value then.
type Rates struct {
	Day     time.Time
	values  map[RateKind]int64
	Missing []RateKind
}

// RatesOn picks every kind's value in force on day.
func (t RateTable) RatesOn(day time.Time) Rates {
	r := Rates{Day: day, values: map[RateKind]int64{}}
	for _, k := range rateKinds {
		if v, ok := t.At(k.Kind, day); ok {
			r.values[k.Kind] = v
		} else {
			r.Missing = append(r.Missing, k.Kind)
		}
	}
	return r
}

// Get is a kind's value (0 when missing).
func (r Rates) Get(k RateKind) int64 { return r.values[k] }

// Has reports whether the kind has a value.
func (r Rates) Has(k RateKind) bool { _, ok := r.values[k]; return ok }

// DateValue reads a date kind (yyyymmdd) as a date; ok is false when the
// kind is missing or not a date.
func (r Rates) DateValue(k RateKind) (time.Time, bool) {
	v, ok := r.values[k]
	if !ok {
		return time.Time{}, false
	}
	return DateFromYYYYMMDD(v)
}

// DateFromYYYYMMDD turns 20260701 into 2026-07-01.
func DateFromYYYYMMDD(v int64) (time.Time, bool) {
	t, err := time.Parse("20060102", strconv.FormatInt(v, 10))
	if err != nil {
		return time.Time{}, false
	}
	return t, true
}

// RateChanges lists the dates on which kind changes value within [from, to]
// (the rows' effective dates), sorted: a month split by a new G, say.
func (t RateTable) RateChanges(kind RateKind, from, to time.Time) []time.Time {
	var out []time.Time
	for _, r := range t {
		if r.Kind == kind && r.EffectiveFrom.After(from) && !r.EffectiveFrom.After(to) {
			out = append(out, r.EffectiveFrom)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Before(out[j]) })
	return slices.CompactFunc(out, func(a, b time.Time) bool { return a.Equal(b) })
}

// RateForm is a new rate row as typed on the admin page.
type RateForm struct {
	Kind          string
	EffectiveFrom string
	Value         string
	Note          string
}

// Validate checks a new rate row and returns it. Values are typed in the
// kind's display unit: kroner for money (øre allowed after a comma), hours
// for minutes (7,5), dates as YYYY-MM-DD, whole numbers otherwise.
func (f RateForm) Validate() (Rate, error) {
	e := &Error{Code: EINVALID, Message: "Satsen er ikke lagret. Rett feltene som er markert.", Fields: map[string]string{}}
	info, ok := RateKindByName(f.Kind)
	if !ok {
		e.Fields["kind"] = "Velg hva satsen gjelder."
	}
	var r Rate
	r.Kind = info.Kind
	from, okDate := ParseDate(f.EffectiveFrom)
	switch {
	case !okDate:
		e.Fields["effective_from"] = "Skriv datoen satsen gjelder fra (åååå-mm-dd)."
	case from.Year() < 1990 || from.Year() > 2100:
		e.Fields["effective_from"] = "Datoen må være mellom 1990 og 2100."
	default:
		r.EffectiveFrom = from
	}
	if ok {
		v, msg := parseRateValue(info.Unit, strings.TrimSpace(f.Value))
		if msg == "" {
			msg = checkRateValue(info, v)
		}
		if msg != "" {
			e.Fields["value"] = msg
		}
		r.Value = v
	} else if strings.TrimSpace(f.Value) == "" {
		e.Fields["value"] = "Skriv en verdi."
	}
	note, msg := lineField("Merknaden", f.Note)
	switch {
	case msg != "":
		e.Fields["note"] = msg
	case len([]rune(note)) > 500:
		e.Fields["note"] = "Merknaden kan ha høyst 500 tegn."
	}
	r.Note = note
	if len(e.Fields) > 0 {
		return Rate{}, e
	}
	return r, nil
}

// checkRateValue refuses values a kind cannot have: a share above the
// whole, a divisor of 0, an age no one reaches.
func checkRateValue(info RateKindInfo, v int64) string {
	switch info.Unit {
	case UnitThirds:
		if v > 3 {
			return "Skriv et antall tredjedeler fra 0 til 3 (2 betyr 2/3)."
		}
	case UnitPercent:
		if v > 100 {
			return "Skriv en prosent fra 0 til 100."
		}
	case UnitYears:
		if v > 120 {
			return "Skriv et antall år fra 0 til 120."
		}
	case UnitMonths:
		if v > 120 {
			return "Skriv et antall måneder fra 0 til 120."
		}
	case UnitDays:
		if v > 366 {
			return "Skriv et antall dager fra 0 til 366."
		}
	case UnitWeeks:
		if v > 104 {
			return "Skriv et antall uker fra 0 til 104."
		}
	}
	switch info.Kind {
	case RateBenefitDaysPerYear, RateBenefitHoursPerYear, RateBenefitGMultiple, RateFullRateAge, RateFullTimeMinutes:
		if v == 0 {
			return "Verdien må være større enn 0."
		}
	case RateDecisionGTwelfths:
		if v > 12 {
			return "Skriv et antall tolvdeler fra 0 til 12."
		}
	}
	return ""
}

func parseRateValue(u RateUnit, s string) (int64, string) {
	if s == "" {
		return 0, "Skriv en verdi."
	}
	switch u {
	case UnitOre:
		v, ok := ParseKroner(s)
		if !ok || v <= 0 {
			return 0, "Skriv et beløp i kroner, for eksempel 130 160 eller 130 160,50."
		}
		return v, ""
	case UnitMinutes:
		m, ok := ParseHours(s)
		if !ok || m <= 0 || m > 60*80 {
			return 0, "Skriv timer, for eksempel 37,5."
		}
		return int64(m), ""
	case UnitDate:
		d, ok := ParseDate(s)
		if !ok || d.Year() < 1990 || d.Year() > 2100 {
			return 0, "Skriv en dato mellom 1990 og 2100 (åååå-mm-dd)."
		}
		v, _ := strconv.ParseInt(d.Format("20060102"), 10, 64)
		return v, ""
	default:
		v, err := strconv.ParseInt(strings.ReplaceAll(s, " ", ""), 10, 64)
		if err != nil || v < 0 || v > 1_000_000 {
			return 0, "Skriv et helt tall fra 0 til 1 000 000."
		}
		return v, ""
	}
}

// FormatRateValue shows a value in its kind's unit ("130 160 kr", "37,5 t",
// "01.07.2026", "2/3").
func FormatRateValue(u RateUnit, v int64) string {
	switch u {
	case UnitOre:
		return FormatOre(v) + " kr"
	case UnitMinutes:
		return FormatHours(int(v)) + " t"
	case UnitDate:
		if d, ok := DateFromYYYYMMDD(v); ok {
			return d.Format("02.01.2006")
		}
		return strconv.FormatInt(v, 10)
	case UnitThirds:
		return fmt.Sprintf("%d/3", v)
	case UnitPercent:
		return strconv.FormatInt(v, 10) + " %"
	case UnitMonths:
		return strconv.FormatInt(v, 10) + " mnd."
	case UnitYears:
		return strconv.FormatInt(v, 10) + " år"
	case UnitDays:
		return strconv.FormatInt(v, 10) + " dager"
	case UnitWeeks:
		return strconv.FormatInt(v, 10) + " uker"
	}
	return FormatKroner(v) // a plain number, thousands grouped: "1 950"
}
