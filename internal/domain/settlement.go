package domain

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// The settlement pipeline (bosettingsløpet, migration 000027): a person is
// proposed by IMDi, agreed with an expected arrival, or declined with a
// reason, before being settled. The settlement date stays the fact the
// ledger counts; the stage says where a person not yet settled stands.
const (
	StageProposed = "proposed" // foreslått av IMDi
	StageAgreed   = "agreed"   // avtalt, med forventet ankomst
	StageDeclined = "declined" // avslått, med begrunnelse
	StageSettled  = "settled"  // bosatt
)

// SettlementStages lists the stages in pipeline order.
var SettlementStages = []Option{
	{StageProposed, "Foreslått"},
	{StageAgreed, "Avtalt"},
	{StageDeclined, "Avslått"},
	{StageSettled, "Bosatt"},
}

// Kinds of settlement_targets rows: IMDi's request and the council's decision.
const (
	TargetRequest  = "request"  // anmodning fra IMDi
	TargetDecision = "decision" // kommunestyrets vedtak
)

// SettlementStageLabel is a stage in Norwegian ("Avtalt").
func SettlementStageLabel(stage string) string { return Label(SettlementStages, stage) }

// SettlementTargetKinds lists the kinds of target rows.
var SettlementTargetKinds = []Option{
	{TargetRequest, "Anmodning fra IMDi"},
	{TargetDecision, "Vedtak i kommunestyret"},
}

// Settlement categories of the ledger (bosettingsregnskapet). Every person
// falls in exactly one: the residence basis decides family reunified,
// unaccompanied minors and collective protection; everyone else is a child
// (under 18 on the day counted) or an adult.
const (
	CatAdult         = "adult"
	CatChild         = "child"
	CatUnaccompanied = "unaccompanied"
	CatFamily        = "family"
	CatCollective    = "collective"
)

// SettlementCategories lists the categories in the ledger's order.
var SettlementCategories = []Option{
	{CatAdult, "Voksne"},
	{CatChild, "Barn"},
	{CatUnaccompanied, "Enslige mindreårige"},
	{CatCollective, "Kollektiv beskyttelse"},
	{CatFamily, "Familiegjenforente (utenfor vedtaket)"},
}

// SettlementCategory places a person in the ledger: basis first (family
// reunified, unaccompanied, collective protection), then age on the day
// counted (the settlement date, the expected arrival …): under 18 a child.
func SettlementCategory(basis string, age int) string {
	switch basis {
	case BasisFamily:
		return CatFamily
	case BasisUnaccompanied:
		return CatUnaccompanied
	case BasisCollective:
		return CatCollective
	}
	if age < 18 {
		return CatChild
	}
	return CatAdult
}

// InQuota reports whether a category counts against the council's decision:
// every category but family reunification (which IMDi counts outside it).
func InQuota(cat string) bool { return cat != CatFamily }

// SettlementTarget is one row of settlement_targets: IMDi's request or the
// council's decision for a year, unaccompanied minors separately (of the
// total). The newest row per (year, kind) is in force.
type SettlementTarget struct {
	ID            int64     `db:"id"`
	Year          int       `db:"year"`
	Kind          string    `db:"kind"`
	Total         int       `db:"total"`
	Unaccompanied int       `db:"unaccompanied"`
	DecidedOn     time.Time `db:"decided_on"`
	Note          string    `db:"note"`
	CreatedAt     time.Time `db:"created_at"`
	CreatedBy     *string   `db:"created_by_name"`
}

// SettlementCount is one group of the ledger's aggregate: how many persons
// at a stage, of a residence basis and an age on the day counted, fall in a
// month (1–12) of the year.
type SettlementCount struct {
	Stage string `db:"stage"`
	Basis string `db:"basis"`
	Age   int    `db:"age"`
	Month int    `db:"month"`
	N     int    `db:"n"`
}

// LedgerRow is one category's months (index 0 = January) and total.
type LedgerRow struct {
	Category string
	Months   [12]int
	Total    int
}

// LedgerSection is one stage's rows by category, with a total row.
type LedgerSection struct {
	Stage string
	Rows  []LedgerRow // one per SettlementCategories, in order
	Sum   LedgerRow   // every category
	Quota LedgerRow   // the categories in the quota
}

// Ledger is a year's settlement ledger: the target rows in force and their
// history, and the people settled, agreed, proposed and declined by
// category and month, with the remaining quota.
type Ledger struct {
	Year     int
	Request  *SettlementTarget  // newest request row, nil without one
	Decision *SettlementTarget  // newest decision row, nil without one
	History  []SettlementTarget // every row of the year, newest first
	Sections []LedgerSection    // settled, agreed, proposed, declined
	// Remaining is the decision's total minus the settled in the quota;
	// RemainingUnaccompanied the decision's unaccompanied minus the settled
	// unaccompanied. Both are negative when the municipality settled more
	// than decided, and meaningless (HasDecision false) without a decision.
	HasDecision            bool
	Remaining              int
	RemainingUnaccompanied int
	// Agreed counts people agreed (avtalt) in the quota not yet settled: the
	// quota left after they arrive is Remaining - AgreedInQuota.
	AgreedInQuota       int
	AgreedUnaccompanied int
}

// ledgerStages is the order of a ledger's sections.
var ledgerStages = []string{StageSettled, StageAgreed, StageProposed, StageDeclined}

// Section returns the ledger's section for a stage (an empty one when absent).
func (l Ledger) Section(stage string) LedgerSection {
	for _, s := range l.Sections {
		if s.Stage == stage {
			return s
		}
	}
	return LedgerSection{Stage: stage}
}

// Row returns a section's row for a category.
func (s LedgerSection) Row(cat string) LedgerRow {
	for _, r := range s.Rows {
		if r.Category == cat {
			return r
		}
	}
	return LedgerRow{Category: cat}
}

// BuildLedger puts a year's aggregate together with its target rows
// (history: every row of the year, any order). Counts of an unknown stage
// or a month outside 1–12 are ignored.
func BuildLedger(year int, history []SettlementTarget, counts []SettlementCount) Ledger {
	l := Ledger{Year: year}
	for _, t := range history {
		if t.Year == year {
			l.History = append(l.History, t)
		}
	}
	slices.SortStableFunc(l.History, func(a, b SettlementTarget) int {
		if c := b.CreatedAt.Compare(a.CreatedAt); c != 0 {
			return c
		}
		return cmpInt64(b.ID, a.ID)
	})
	for i := range l.History {
		t := &l.History[i]
		switch {
		case t.Kind == TargetRequest && l.Request == nil:
			l.Request = t
		case t.Kind == TargetDecision && l.Decision == nil:
			l.Decision = t
		}
	}
	idx := map[string]int{}
	for i, c := range SettlementCategories {
		idx[c.Value] = i
	}
	for _, st := range ledgerStages {
		sec := LedgerSection{Stage: st, Sum: LedgerRow{Category: "sum"}, Quota: LedgerRow{Category: "quota"}}
		for _, c := range SettlementCategories {
			sec.Rows = append(sec.Rows, LedgerRow{Category: c.Value})
		}
		for _, c := range counts {
			if c.Stage != st || c.Month < 1 || c.Month > 12 || c.N == 0 {
				continue
			}
			cat := SettlementCategory(c.Basis, c.Age)
			r := &sec.Rows[idx[cat]]
			r.Months[c.Month-1] += c.N
			r.Total += c.N
			sec.Sum.Months[c.Month-1] += c.N
			sec.Sum.Total += c.N
			if InQuota(cat) {
				sec.Quota.Months[c.Month-1] += c.N
				sec.Quota.Total += c.N
			}
		}
		l.Sections = append(l.Sections, sec)
	}
	settled, agreed := l.Section(StageSettled), l.Section(StageAgreed)
	l.AgreedInQuota = agreed.Quota.Total
	l.AgreedUnaccompanied = agreed.Row(CatUnaccompanied).Total
	if l.Decision != nil {
		l.HasDecision = true
		l.Remaining = l.Decision.Total - settled.Quota.Total
		l.RemainingUnaccompanied = l.Decision.Unaccompanied - settled.Row(CatUnaccompanied).Total
	}
	return l
}

func cmpInt64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// SettlementTargetForm is a new request or decision as typed.
type SettlementTargetForm struct {
	Year          string
	Kind          string
	Total         string
	Unaccompanied string
	DecidedOn     string
	Note          string
}

// Validate checks a new target row: a year 2000–2100, a known kind, whole
// numbers 0–100 000 with the unaccompanied no more than the total, the
// date it was made and an optional note.
func (f SettlementTargetForm) Validate() (SettlementTarget, error) {
	fields := map[string]string{}
	var t SettlementTarget
	y, err := strconv.Atoi(strings.TrimSpace(f.Year))
	if err != nil || y < 2000 || y > 2100 {
		fields["year"] = "Skriv et år mellom 2000 og 2100."
	}
	t.Year = y
	if !hasOption(SettlementTargetKinds, f.Kind) {
		fields["kind"] = "Velg anmodning eller vedtak."
	}
	t.Kind = f.Kind
	num := func(field, label, s string) int {
		s = strings.ReplaceAll(strings.TrimSpace(s), " ", "")
		if s == "" {
			if field == "unaccompanied" {
				return 0
			}
			fields[field] = label + " må fylles ut."
			return 0
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 || n > 100000 {
			fields[field] = label + " må være et helt tall fra 0 til 100 000."
			return 0
		}
		return n
	}
	t.Total = num("total", "Antall personer", f.Total)
	t.Unaccompanied = num("unaccompanied", "Antall enslige mindreårige", f.Unaccompanied)
	if _, bad := fields["total"]; !bad && fields["unaccompanied"] == "" && t.Unaccompanied > t.Total {
		fields["unaccompanied"] = "Enslige mindreårige er en del av totalen og kan ikke være flere enn den."
	}
	if strings.TrimSpace(f.DecidedOn) == "" {
		fields["decided_on"] = "Skriv datoen anmodningen eller vedtaket ble gjort."
	} else if d, ok := ParseDate(f.DecidedOn); !ok || d.Year() < 1990 || d.Year() > 2100 {
		fields["decided_on"] = "Datoen må være en gyldig dato (åååå-mm-dd)."
	} else {
		t.DecidedOn = d
	}
	note, msg := lineField("Merknaden", f.Note)
	switch {
	case msg != "":
		fields["note"] = msg
	case len([]rune(note)) > 500:
		fields["note"] = "Merknaden kan ha høyst 500 tegn."
	}
	t.Note = note
	if len(fields) > 0 {
		return SettlementTarget{}, &Error{Code: EINVALID, Message: "Tallet er ikke lagret. Rett feltene som er markert.", Fields: fields}
	}
	return t, nil
}

// The integration grant (integreringstilskudd): the municipality receives a
// grant for each person settled, in the settlement year (year 1) and the
// four years after. Year 1's rate depends on the person (an unaccompanied
// minor, a child under 18 when settled, an adult), with once-only extras
// in year 1 for the elderly (from RateGrantElderlyAge when settled) and for
// a disability (persons.grant_disability); years 2–5 have one rate each.
// The rates of a budget year are those in force on 1 January of that year:
// a forecast for a year without rates yet uses the latest entered.

// GrantCohort is one group of persons settled in a year: the residence
// basis, the age when settled, the disability extra and how many.
type GrantCohort struct {
	Year       int    `db:"year"`
	Basis      string `db:"basis"`
	Age        int    `db:"age"`
	Disability bool   `db:"disability"`
	N          int    `db:"n"`
}

// GrantRow is the grant expected in the budget year for the persons settled
// in one year.
type GrantRow struct {
	SettlementYear int
	GrantYear      int // 1–5: the budget year is the cohort's n-th year
	Persons        int
	Elderly        int   // persons with the elderly extra (year 1)
	Disability     int   // persons with the disability extra (year 1)
	Base           int64 // øre: the year's rate(s) times the persons
	Extras         int64 // øre: the elderly and disability extras
	Amount         int64 // øre: Base + Extras
}

// GrantForecast is the grant expected in a budget year, per settlement year
// (the budget year and the four before it, newest first) and in total.
// Missing names rate kinds without a value on 1 January of the budget year
// that the forecast needed (their amounts count as 0).
type GrantForecast struct {
	BudgetYear int
	Rows       []GrantRow
	Total      int64
	Missing    []RateKind
}

// ForecastGrant computes the grant expected in budgetYear from the persons
// settled in each of the five years up to it and the rate table.
func ForecastGrant(budgetYear int, cohorts []GrantCohort, rates RateTable) GrantForecast {
	day := time.Date(budgetYear, 1, 1, 0, 0, 0, 0, time.UTC)
	f := GrantForecast{BudgetYear: budgetYear}
	rate := func(k RateKind) int64 {
		v, ok := rates.At(k, day)
		if !ok && !slices.Contains(f.Missing, k) {
			f.Missing = append(f.Missing, k)
		}
		return v
	}
	later := [...]RateKind{RateGrantY2, RateGrantY3, RateGrantY4, RateGrantY5}
	for n := 1; n <= 5; n++ {
		row := GrantRow{SettlementYear: budgetYear - n + 1, GrantYear: n}
		for _, c := range cohorts {
			if c.Year != row.SettlementYear || c.N <= 0 {
				continue
			}
			row.Persons += c.N
			if n > 1 {
				row.Base += int64(c.N) * rate(later[n-2])
				continue
			}
			var base RateKind
			switch {
			case c.Basis == BasisUnaccompanied:
				base = RateGrantY1Unaccompanied
			case c.Age < 18:
				base = RateGrantY1Child
			default:
				base = RateGrantY1Adult
			}
			row.Base += int64(c.N) * rate(base)
			if age, ok := rates.At(RateGrantElderlyAge, day); !ok {
				rate(RateGrantElderlyAge)
			} else if int64(c.Age) >= age {
				row.Elderly += c.N
				row.Extras += int64(c.N) * rate(RateGrantElderly)
			}
			if c.Disability {
				row.Disability += c.N
				row.Extras += int64(c.N) * rate(RateGrantDisability)
			}
		}
		row.Amount = row.Base + row.Extras
		f.Total += row.Amount
		f.Rows = append(f.Rows, row)
	}
	return f
}

// Pipeline is a person's place in the settlement pipeline, validated.
type Pipeline struct {
	Stage               string
	ProposedOn          *time.Time
	AgreedOn            *time.Time
	ExpectedArrival     *time.Time
	DeclinedOn          *time.Time
	DeclineReason       string
	GrantDisability     bool
	NeedsAccessibleHome bool
}

// StageOrSettled is a stage as stored: "" (a form or caller that does not
// know the pipeline) is settled.
func StageOrSettled(stage string) string {
	if stage == "" {
		return StageSettled
	}
	return stage
}

// validatePipeline checks the pipeline fields of a person form: a known
// stage ("" is settled); agreed needs the expected arrival; declined needs a
// reason (the date defaults to today); a settlement date belongs to the
// settled only. Dates lie between 1990 and two years ahead.
func validatePipeline(f PersonForm, settlement *time.Time, today time.Time, bad func(field, msg string)) Pipeline {
	p := Pipeline{Stage: StageOrSettled(f.SettlementStage), GrantDisability: f.GrantDisability, NeedsAccessibleHome: f.NeedsAccessibleHome}
	if !hasOption(SettlementStages, p.Stage) {
		bad("settlement_stage", "Velg bosettingsstatus.")
		return p
	}
	date := func(field, label, s string) *time.Time {
		if strings.TrimSpace(s) == "" {
			return nil
		}
		d, ok := ParseDate(s)
		switch {
		case !ok:
			bad(field, label+" må være en gyldig dato (dd.mm.åååå).")
			return nil
		case d.Before(time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)):
			bad(field, label+" kan ikke være før 1990.")
			return nil
		case d.After(today.AddDate(2, 0, 0)):
			bad(field, label+" kan ikke være mer enn to år frem i tid.")
			return nil
		}
		return &d
	}
	p.ProposedOn = date("proposed_on", "Foreslått dato", f.ProposedOn)
	p.AgreedOn = date("agreed_on", "Avtalt dato", f.AgreedOn)
	p.ExpectedArrival = date("expected_arrival", "Forventet ankomst", f.ExpectedArrival)
	p.DeclinedOn = date("declined_on", "Avslått dato", f.DeclinedOn)
	reason, msg := lineField("Begrunnelsen", f.DeclineReason)
	switch {
	case msg != "":
		bad("decline_reason", msg)
	case len([]rune(reason)) > 500:
		bad("decline_reason", "Begrunnelsen kan ha høyst 500 tegn.")
	}
	p.DeclineReason = reason
	switch p.Stage {
	case StageAgreed:
		if p.ExpectedArrival == nil && strings.TrimSpace(f.ExpectedArrival) == "" {
			bad("expected_arrival", "Skriv forventet ankomst når bosettingen er avtalt.")
		}
	case StageDeclined:
		if p.DeclineReason == "" && msg == "" {
			bad("decline_reason", "Skriv hvorfor bosettingen ble avslått.")
		}
		if p.DeclinedOn == nil && strings.TrimSpace(f.DeclinedOn) == "" {
			t := today
			p.DeclinedOn = &t
		}
	}
	if p.Stage != StageDeclined {
		p.DeclineReason = "" // a reason belongs to a decline only
	}
	if p.Stage != StageSettled && settlement != nil {
		bad("settlement_date", "Bosettingsdato settes når personen er bosatt. Velg «Bosatt» eller la datoen stå tom.")
	}
	if p.ProposedOn != nil && p.AgreedOn != nil && p.AgreedOn.Before(*p.ProposedOn) {
		bad("agreed_on", "Avtalt dato kan ikke være før foreslått dato.")
	}
	return p
}

// SettleForm marks a person settled from the person page.
type SettleForm struct {
	SettlementDate string
	Version        string
}

// Settle is a validated SettleForm.
type Settle struct {
	SettlementDate time.Time
	Version        int
}

// Validate checks the settlement date (required, 1990 to a year ahead) and
// the version.
func (f SettleForm) Validate(today time.Time) (Settle, error) {
	fields := map[string]string{}
	var s Settle
	if strings.TrimSpace(f.SettlementDate) == "" {
		fields["settlement_date"] = "Skriv bosettingsdatoen."
	} else if d, ok := ParseDate(f.SettlementDate); !ok {
		fields["settlement_date"] = "Bosettingsdato må være en gyldig dato (dd.mm.åååå)."
	} else if d.Before(time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)) || d.After(Date(today).AddDate(1, 0, 0)) {
		fields["settlement_date"] = "Bosettingsdato må være mellom 1990 og ett år frem i tid."
	} else {
		s.SettlementDate = d
	}
	s.Version = parseVersion(f.Version, fields)
	if s.Version <= 0 && fields["version"] == "" {
		fields["version"] = "Ugyldig versjon. Last siden på nytt."
	}
	if len(fields) > 0 {
		return s, invalidForm(fields)
	}
	return s, nil
}
