package domain

import (
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"time"
)

// The introduction benefit (introduksjonsstønad) of one participant for one
// month. Every number comes from the dated rates (RateTable), read on the
// month's first day: a new G from 1 May pays April on the old G and May on
// the new; a rate dated inside a month applies from the next month.
//
//   - yearly = benefit_g_multiple × G × factor. The factor is 1 from the day
//     after the full_rate_age birthday (a birthday inside the month changes
//     it from the next day); under it factor_away_thirds/3 living away from
//     parents, factor_parents_thirds/3 living with at least one of them.
//   - A whole month (in the programme every weekday Monday–Friday, no paused
//     day, one factor on every weekday) pays yearly ÷ 12. Otherwise each
//     weekday in the programme and not paused pays yearly ÷
//     benefit_days_per_year at that day's factor.
//   - Unexcused absence deducts yearly ÷ benefit_hours_per_year per hour, at
//     the factor in force on the month's first day in the programme (the
//     month's first day when there is none).
//   - Other benefits entered by the caseworker are deducted as they are.
//   - Arithmetic is exact (big.Rat); only the payment is rounded, to whole
//     kroner half up, and never below 0. The figures of the working are
//     rounded to øre for display.
//   - Krever vedtak: the deduction (absence + other) is at least
//     decision_share_pct % of the gross benefit and at least
//     decision_g_twelfths × G ÷ 12.

// BenefitInput is what one participant's benefit for one month is computed from.
type BenefitInput struct {
	Month            time.Time   // any day of the month; the first day is used
	BirthDate        time.Time   //
	WithParents      bool        // lives with at least one parent (matters under the full-rate age)
	Start, End       *time.Time  // the programme period, both days included; nil: in the programme on that side of the month
	PausedDays       []time.Time // days on leave or interruption (not paid); weekends ignored
	UnexcusedMinutes int         // unexcused absence (ugyldig fravær) in the month
	// OtherDeductionsOre is other benefits entered by the caseworker (øre).
	OtherDeductionsOre int64
}

// Benefit is the month's result with its working.
type Benefit struct {
	Month               time.Time
	InProgrammeDays     int  // weekdays (Mon–Fri) in the programme and not paused
	WeekdaysInMonth     int  //
	PausedDays          int  // weekdays in the programme period but paused
	WholeMonth          bool // in the programme every weekday of the month: yearly ÷ 12
	UnexcusedMinutes    int
	GrossOre            int64 // before deductions, rounded to øre for display
	AbsenceDeductionOre int64
	OtherDeductionsOre  int64
	DeductionOre        int64 // absence + other
	PaymentKroner       int64 // the payment, rounded to whole kroner only at the end (never negative)
	NeedsDecision       bool  // "krever vedtak"
	Working             []string
}

// benefitRates are the kinds the benefit reads, in the order a missing one
// is reported.
var benefitRates = []RateKind{
	RateG, RateBenefitGMultiple, RateFullRateAge, RateFactorAwayThirds,
	RateFactorParentsThirds, RateBenefitDaysPerYear, RateBenefitHoursPerYear,
	RateDecisionSharePct, RateDecisionGTwelfths,
}

// MonthStart is the first day of d's month (UTC midnight).
func MonthStart(d time.Time) time.Time {
	return time.Date(d.Year(), d.Month(), 1, 0, 0, 0, 0, time.UTC)
}

// BirthdayAt is the day a person born on birth turns years old. Someone born
// on 29 February turns a year older on 1 March in other years.
func BirthdayAt(birth time.Time, years int) time.Time {
	return Date(birth).AddDate(years, 0, 0)
}

var monthNames = [...]string{"januar", "februar", "mars", "april", "mai", "juni", "juli",
	"august", "september", "oktober", "november", "desember"}

// MonthName is a month's Norwegian name: "mai".
func MonthName(d time.Time) string { return monthNames[d.Month()-1] }

// FormatMonth shows a month the Norwegian way: "mai 2025".
func FormatMonth(d time.Time) string {
	return monthNames[d.Month()-1] + " " + strconv.Itoa(d.Year())
}

// ComputeBenefit computes one participant's benefit for one month. An error
// (EINVALID) names a missing rate or impossible input.
func ComputeBenefit(in BenefitInput, rates RateTable) (Benefit, error) {
	first := MonthStart(in.Month)
	last := first.AddDate(0, 1, -1)
	out := Benefit{Month: first, UnexcusedMinutes: in.UnexcusedMinutes, OtherDeductionsOre: in.OtherDeductionsOre}
	if in.UnexcusedMinutes < 0 || in.OtherDeductionsOre < 0 {
		return out, Errorf(EINVALID, "Fravær og trekk kan ikke være negative.")
	}
	if in.BirthDate.IsZero() {
		return out, Errorf(EINVALID, "Fødselsdatoen mangler.")
	}
	r := rates.RatesOn(first)
	for _, k := range benefitRates {
		if !r.Has(k) {
			info, _ := RateKindByName(string(k))
			return out, Errorf(EINVALID, "Satsen «%s» (%s) mangler for %s.", info.Label, k, FormatMonth(first))
		}
	}
	g := r.Get(RateG)
	multiple := r.Get(RateBenefitGMultiple)
	daysPerYear := r.Get(RateBenefitDaysPerYear)
	hoursPerYear := r.Get(RateBenefitHoursPerYear)
	if daysPerYear <= 0 || hoursPerYear <= 0 {
		return out, Errorf(EINVALID, "Dagsats- og timesatsdelerne må være større enn 0.")
	}

	// The factor in thirds on a day: full from the day after the birthday.
	fullAge := BirthdayAt(in.BirthDate, int(r.Get(RateFullRateAge)))
	under := r.Get(RateFactorAwayThirds)
	if in.WithParents {
		under = r.Get(RateFactorParentsThirds)
	}
	thirdsOn := func(d time.Time) int64 {
		if fullAge.Before(d) {
			return 3
		}
		return under
	}
	yearly := func(thirds int64) *big.Rat { // øre
		return new(big.Rat).SetFrac64(multiple*g*thirds, 3)
	}

	paused := map[time.Time]bool{}
	for _, d := range in.PausedDays {
		paused[Date(d)] = true
	}
	from, to := first, last
	if in.Start != nil && Date(*in.Start).After(from) {
		from = Date(*in.Start)
	}
	if in.End != nil && Date(*in.End).Before(to) {
		to = Date(*in.End)
	}

	// Weekdays in the programme, counted per factor in the order met.
	daysByThirds := map[int64]int{}
	var order []int64
	var firstDay time.Time
	for d := first; !d.After(last); d = d.AddDate(0, 0, 1) {
		if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
			continue
		}
		out.WeekdaysInMonth++
		if d.Before(from) || d.After(to) {
			continue
		}
		if paused[d] {
			out.PausedDays++
			continue
		}
		out.InProgrammeDays++
		if firstDay.IsZero() {
			firstDay = d
		}
		t := thirdsOn(d)
		if _, ok := daysByThirds[t]; !ok {
			order = append(order, t)
		}
		daysByThirds[t]++
	}
	out.WholeMonth = out.InProgrammeDays == out.WeekdaysInMonth && len(order) == 1

	// The working, step by step.
	w := func(format string, args ...any) { out.Working = append(out.Working, fmt.Sprintf(format, args...)) }
	w("Grunnbeløpet (G) fra %s: %s kr", rateFrom(rates, RateG, first).Format("02.01.2006"), FormatOre(g))
	ageYears := r.Get(RateFullRateAge)
	if !fullAge.Before(first) && !fullAge.After(last) {
		w("Fyller %d år %s: full sats fra %s", ageYears, fullAge.Format("02.01.2006"),
			fullAge.AddDate(0, 0, 1).Format("02.01.2006"))
	}
	if out.InProgrammeDays == 0 {
		order = []int64{thirdsOn(first)}
	}
	for _, t := range order {
		w("%s", factorLine(t, ageYears, in.WithParents))
		w("%d G × %s = %s kr i året", multiple, thirdsText(t), formatRat(yearly(t)))
	}

	gross := new(big.Rat)
	switch {
	case out.WholeMonth:
		y := yearly(order[0])
		gross.Quo(y, big.NewRat(12, 1))
		w("Hel måned: %s kr ÷ 12 = %s kr", formatRat(y), formatRat(gross))
	default:
		w("I programmet %s av %d hverdager i %s", daysText(out.InProgrammeDays), out.WeekdaysInMonth, FormatMonth(first))
		if out.PausedDays > 0 {
			w("%s med permisjon eller avbrudd gir ikke stønad", capitalize(daysText(out.PausedDays)))
		}
		for _, t := range order {
			n := daysByThirds[t]
			y := yearly(t)
			part := new(big.Rat).Mul(y, big.NewRat(int64(n), daysPerYear))
			gross.Add(gross, part)
			w("Dagsats: %s kr ÷ %d = %s kr", formatRat(y), daysPerYear,
				formatRat(new(big.Rat).Quo(y, big.NewRat(daysPerYear, 1))))
			w("%s × %s kr ÷ %d = %s kr", capitalize(daysText(n)), formatRat(y), daysPerYear, formatRat(part))
		}
	}
	w("Stønad før trekk: %s kr", formatRat(gross))
	out.GrossOre = roundHalfUp(gross)

	absence := new(big.Rat)
	if in.UnexcusedMinutes > 0 {
		t := thirdsOn(first)
		if !firstDay.IsZero() {
			t = thirdsOn(firstDay)
		}
		y := yearly(t)
		hourly := new(big.Rat).Quo(y, big.NewRat(hoursPerYear, 1))
		absence.Mul(hourly, big.NewRat(int64(in.UnexcusedMinutes), 60))
		w("Timesats: %s kr ÷ %s timer = %s kr", formatRat(y), FormatKroner(hoursPerYear), formatRat(hourly))
		w("Ugyldig fravær %s timer × %s kr ÷ %s = %s kr", FormatHours(in.UnexcusedMinutes), formatRat(y), FormatKroner(hoursPerYear), formatRat(absence))
	}
	out.AbsenceDeductionOre = roundHalfUp(absence)
	other := new(big.Rat).SetInt64(in.OtherDeductionsOre)
	if in.OtherDeductionsOre > 0 {
		w("Andre ytelser som trekkes: %s kr", FormatOre(in.OtherDeductionsOre))
	}
	deduction := new(big.Rat).Add(absence, other)
	out.DeductionOre = out.AbsenceDeductionOre + out.OtherDeductionsOre
	if deduction.Sign() > 0 {
		w("Trekk i alt: %s kr", formatRat(deduction))
	}

	payment := new(big.Rat).Sub(gross, deduction)
	if payment.Sign() < 0 {
		w("Trekket er større enn stønaden, så ingenting utbetales")
		payment.SetInt64(0)
	}
	out.PaymentKroner = roundHalfUp(new(big.Rat).Quo(payment, big.NewRat(100, 1)))

	// Krever vedtak: deduction ≥ pct % of gross and ≥ twelfths × G ÷ 12.
	pct := r.Get(RateDecisionSharePct)
	twelfths := r.Get(RateDecisionGTwelfths)
	shareLimit := new(big.Rat).Mul(gross, big.NewRat(pct, 100))
	gLimit := new(big.Rat).SetFrac64(twelfths*g, 12)
	if deduction.Sign() > 0 && deduction.Cmp(shareLimit) >= 0 && deduction.Cmp(gLimit) >= 0 {
		out.NeedsDecision = true
		w("Trekket er minst %d %% av stønaden (%s kr) og minst %d/12 G (%s kr): krever vedtak",
			pct, formatRat(shareLimit), twelfths, formatRat(gLimit))
	}
	w("Til utbetaling: %s kr", FormatKroner(out.PaymentKroner))
	return out, nil
}

// rateFrom is the effective date of the row of kind in force on day.
func rateFrom(t RateTable, kind RateKind, day time.Time) time.Time {
	var best time.Time
	for _, r := range t {
		if r.Kind == kind && !r.EffectiveFrom.After(day) && r.EffectiveFrom.After(best) {
			best = r.EffectiveFrom
		}
	}
	return best
}

func thirdsText(t int64) string {
	switch t {
	case 3:
		return "1"
	case 0:
		return "0"
	}
	return fmt.Sprintf("%d/3", t)
}

func factorLine(t, age int64, withParents bool) string {
	switch {
	case t == 3:
		return fmt.Sprintf("Full sats: fylt %d år", age)
	case withParents:
		return fmt.Sprintf("Sats %s: under %d år og bor sammen med minst én av foreldrene", thirdsText(t), age)
	}
	return fmt.Sprintf("Sats %s: under %d år og bor ikke sammen med foreldrene", thirdsText(t), age)
}

func daysText(n int) string {
	if n == 1 {
		return "1 dag"
	}
	return strconv.Itoa(n) + " dager"
}

func capitalize(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}

// roundHalfUp rounds a non-negative x to the nearest integer, halves up.
func roundHalfUp(x *big.Rat) int64 {
	num := new(big.Int).Mul(x.Num(), big.NewInt(2))
	num.Add(num, x.Denom())
	den := new(big.Int).Mul(x.Denom(), big.NewInt(2))
	return new(big.Int).Div(num, den).Int64() // Euclidean: floor for den > 0
}

// formatRat shows an amount in øre as kroner rounded to øre; an amount that
// only rounds to whole kroner keeps its ",00" (88,998 → "89,00").
func formatRat(ore *big.Rat) string {
	o := roundHalfUp(ore)
	s := FormatOre(o)
	if o%100 == 0 && !ore.IsInt() {
		s += ",00"
	}
	return s
}

// ParseMonth reads a month typed as YYYY-MM (what <input type=month> sends)
// or MM.YYYY into its first day.
func ParseMonth(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{"2006-01", "01.2006", "1.2006"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// FormatISOMonth is a month as YYYY-MM, the calculator's and the benefit
// page's query value.
func FormatISOMonth(d time.Time) string { return d.Format("2006-01") }

// BenefitCalculatorForm is the benefit calculator's query (stønadskalkulator),
// as typed.
type BenefitCalculatorForm struct {
	Month           string // YYYY-MM
	BirthDate       string
	WithParents     string // "1" when living with at least one parent
	Start, End      string // optional
	UnexcusedHours  string // "7,5" or "7.5"; empty is none
	OtherDeductions string // kroner; empty is none
}

// Validate checks the calculator's query and returns the benefit input,
// or EINVALID with a Norwegian message per field.
func (f BenefitCalculatorForm) Validate() (BenefitInput, error) {
	e := &Error{Code: EINVALID, Message: "Beregningen er ikke gjort. Rett feltene som er markert.", Fields: map[string]string{}}
	var in BenefitInput
	month, ok := ParseMonth(f.Month)
	switch {
	case strings.TrimSpace(f.Month) == "":
		e.Fields["month"] = "Skriv måneden som skal beregnes (åååå-mm)."
	case !ok:
		e.Fields["month"] = "Skriv måneden som åååå-mm, for eksempel 2025-05."
	case month.Year() < 1990 || month.Year() > 2100:
		e.Fields["month"] = "Måneden må være mellom 1990 og 2100."
	default:
		in.Month = month
	}
	birth, ok := ParseDate(f.BirthDate)
	switch {
	case strings.TrimSpace(f.BirthDate) == "":
		e.Fields["birth_date"] = "Skriv fødselsdatoen (åååå-mm-dd)."
	case !ok:
		e.Fields["birth_date"] = "Skriv fødselsdatoen som åååå-mm-dd, for eksempel 2001-03-14."
	case birth.Year() < 1900:
		e.Fields["birth_date"] = "Fødselsdatoen kan ikke være før 1900."
	case !in.Month.IsZero() && birth.After(in.Month.AddDate(0, 1, -1)):
		e.Fields["birth_date"] = "Fødselsdatoen er etter måneden som beregnes."
	default:
		in.BirthDate = birth
	}
	switch f.WithParents {
	case "", "0":
	case "1":
		in.WithParents = true
	default:
		e.Fields["with_parents"] = "Kryss av hvis deltakeren bor sammen med minst én av foreldrene."
	}
	optDate := func(field, s, what string) *time.Time {
		if strings.TrimSpace(s) == "" {
			return nil
		}
		d, ok := ParseDate(s)
		if !ok || d.Year() < 1990 || d.Year() > 2100 {
			e.Fields[field] = "Skriv " + what + " som åååå-mm-dd, eller la feltet stå tomt."
			return nil
		}
		return &d
	}
	in.Start = optDate("start", f.Start, "startdatoen")
	in.End = optDate("end", f.End, "sluttdatoen")
	if in.Start != nil && in.End != nil && in.End.Before(*in.Start) {
		e.Fields["end"] = "Sluttdatoen kan ikke være før startdatoen."
	}
	if s := strings.TrimSpace(f.UnexcusedHours); s != "" {
		m, ok := ParseHours(s)
		switch {
		case !ok:
			e.Fields["unexcused_hours"] = "Skriv timer med ugyldig fravær som et tall, for eksempel 7,5."
		case m > 31*24*60:
			e.Fields["unexcused_hours"] = "Så mange timer fravær kan det ikke være i én måned."
		default:
			in.UnexcusedMinutes = m
		}
	}
	if s := strings.TrimSpace(f.OtherDeductions); s != "" {
		o, ok := ParseKroner(s)
		if !ok {
			e.Fields["other_deductions"] = "Skriv beløpet i kroner, for eksempel 1 500 eller 1 500,50."
		} else {
			in.OtherDeductionsOre = o
		}
	}
	if len(e.Fields) > 0 {
		return BenefitInput{}, e
	}
	return in, nil
}

// BenefitDeduction is another benefit (dagpenger, sykepenger …) deducted
// from a participant's month.
type BenefitDeduction struct {
	ID          int64     `db:"id"`
	PersonID    int64     `db:"person_id"`
	Month       time.Time `db:"month"`
	AmountOre   int64     `db:"amount_ore"`
	Description string    `db:"description"`
	CreatedAt   time.Time `db:"created_at"`
	CreatedBy   *string   `db:"created_by_name"`
}

// BenefitDeductionForm is a new deduction as typed on the benefit page.
type BenefitDeductionForm struct {
	Month       string // YYYY-MM
	Amount      string // kroner
	Description string
}

// Validate checks a new deduction and returns it (PersonID is the caller's).
func (f BenefitDeductionForm) Validate() (BenefitDeduction, error) {
	e := &Error{Code: EINVALID, Message: "Trekket er ikke lagret. Rett feltene som er markert.", Fields: map[string]string{}}
	var d BenefitDeduction
	month, ok := ParseMonth(f.Month)
	if !ok || month.Year() < 1990 || month.Year() > 2100 {
		e.Fields["month"] = "Skriv måneden som åååå-mm, for eksempel 2025-05."
	}
	d.Month = month
	amount, ok := ParseKroner(f.Amount)
	switch {
	case strings.TrimSpace(f.Amount) == "":
		e.Fields["amount"] = "Skriv beløpet som skal trekkes, i kroner."
	case !ok || amount <= 0:
		e.Fields["amount"] = "Skriv et beløp i kroner større enn 0, for eksempel 1 500 eller 1 500,50."
	default:
		d.AmountOre = amount
	}
	desc, msg := lineField("Beskrivelsen", f.Description)
	switch {
	case msg != "":
		e.Fields["description"] = msg
	case desc == "":
		e.Fields["description"] = "Skriv hvilken ytelse som trekkes, for eksempel «Sykepenger fra Nav»."
	case len([]rune(desc)) > 200:
		e.Fields["description"] = "Beskrivelsen kan ha høyst 200 tegn."
	}
	d.Description = desc
	if len(e.Fields) > 0 {
		return BenefitDeduction{}, e
	}
	return d, nil
}
