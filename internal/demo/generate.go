package demo

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"ankomst/internal/domain"
	"ankomst/internal/postgres"
)

// weighted is a value with a relative weight.
type weighted[T any] struct {
	W int
	V T
}

func pick[T any](r *rand.Rand, opts []weighted[T]) T {
	total := 0
	for _, o := range opts {
		total += o.W
	}
	n := r.IntN(total)
	for _, o := range opts {
		if n < o.W {
			return o.V
		}
		n -= o.W
	}
	return opts[len(opts)-1].V
}

// Household kinds.
const (
	hhSingle        = "single"        // one adult
	hhElderly       = "elderly"       // one adult over 60
	hhCouple        = "couple"        // two adults, no children
	hhElderlyCouple = "elderlycouple" // two adults over 60
	hhFamily        = "family"        // two adults and children
	hhSingleParent  = "singleparent"  // one adult and children
	hhThreeGen      = "threegen"      // mother, children and grandmother
	hhMinor         = "minor"         // unaccompanied minor, 15–17
)

// country is what the generator knows about one country of origin.
type country struct {
	Code  string
	Share int // per cent of the persons
	Names namePool
	// Households by kind.
	Households []weighted[string]
	// Residence basis of a household that is not an unaccompanied minor.
	Basis []weighted[string]
	// Language sets; the first language is the interpreter language.
	Languages []weighted[[]string]
	// Dialects of an interpreter language, "" for none.
	Dialects map[string][]weighted[string]
	// Per cent of lone adults who are men.
	SingleMale int
	// Per cent of single parents who are mothers.
	SingleMother int
	// Arrivals are weighted towards the first months of the war (Ukraine).
	WarPeak bool
}

var countries = []country{
	{
		Code: "UA", Share: 45, Names: ukrainian, WarPeak: true,
		Households: []weighted[string]{
			{25, hhSingle}, {7, hhElderly}, {8, hhCouple}, {5, hhElderlyCouple},
			{15, hhFamily}, {32, hhSingleParent}, {8, hhThreeGen},
		},
		Basis:        []weighted[string]{{97, domain.BasisCollective}, {3, domain.BasisFamily}},
		Languages:    []weighted[[]string]{{60, []string{"uk"}}, {30, []string{"uk", "ru"}}, {10, []string{"ru", "uk"}}},
		SingleMale:   40,
		SingleMother: 92,
	},
	{
		Code: "SY", Share: 15, Names: syrian,
		Households: []weighted[string]{
			{4, hhMinor}, {26, hhSingle}, {2, hhElderly}, {8, hhCouple}, {46, hhFamily}, {14, hhSingleParent},
		},
		Basis: []weighted[string]{
			{45, domain.BasisReception}, {40, domain.BasisResettlement}, {15, domain.BasisFamily},
		},
		Languages: []weighted[[]string]{
			{75, []string{"ar"}}, {17, []string{"kmr", "ar"}}, {8, []string{"ckb", "ar"}},
		},
		Dialects: map[string][]weighted[string]{
			"ar": {{65, ""}, {35, "levantinsk (syrisk)"}},
		},
		SingleMale:   65,
		SingleMother: 85,
	},
	{
		Code: "AF", Share: 12, Names: afghan,
		Households: []weighted[string]{
			{12, hhMinor}, {26, hhSingle}, {1, hhElderly}, {6, hhCouple}, {43, hhFamily}, {12, hhSingleParent},
		},
		Basis: []weighted[string]{
			{40, domain.BasisReception}, {35, domain.BasisResettlement}, {25, domain.BasisFamily},
		},
		Languages: []weighted[[]string]{
			{55, []string{"prs"}}, {25, []string{"ps", "prs"}}, {12, []string{"fa"}}, {8, []string{"prs", "en"}},
		},
		Dialects: map[string][]weighted[string]{
			"prs": {{80, ""}, {20, "hazaragi"}},
			"ps":  {{85, ""}, {15, "sørlig (kandahari)"}},
		},
		SingleMale:   78,
		SingleMother: 90,
	},
	{
		Code: "ER", Share: 10, Names: eritrean,
		Households: []weighted[string]{
			{10, hhMinor}, {34, hhSingle}, {6, hhCouple}, {34, hhFamily}, {16, hhSingleParent},
		},
		Basis: []weighted[string]{
			{55, domain.BasisReception}, {20, domain.BasisResettlement}, {25, domain.BasisFamily},
		},
		Languages:    []weighted[[]string]{{85, []string{"ti"}}, {10, []string{"ti", "am"}}, {5, []string{"ti", "ar"}}},
		SingleMale:   62,
		SingleMother: 88,
	},
	{
		Code: "CD", Share: 8, Names: congolese,
		Households: []weighted[string]{
			{3, hhMinor}, {15, hhSingle}, {2, hhElderly}, {5, hhCouple}, {55, hhFamily}, {20, hhSingleParent},
		},
		Basis: []weighted[string]{
			{70, domain.BasisResettlement}, {10, domain.BasisReception}, {20, domain.BasisFamily},
		},
		Languages: []weighted[[]string]{
			{40, []string{"ln", "fr"}}, {20, []string{"fr"}}, {30, []string{"sw", "fr"}}, {10, []string{"sw"}},
		},
		SingleMale:   50,
		SingleMother: 85,
	},
	{
		Code: "SO", Share: 10, Names: somali,
		Households: []weighted[string]{
			{8, hhMinor}, {24, hhSingle}, {1, hhElderly}, {5, hhCouple}, {40, hhFamily}, {22, hhSingleParent},
		},
		Basis: []weighted[string]{
			{40, domain.BasisReception}, {25, domain.BasisResettlement}, {35, domain.BasisFamily},
		},
		Languages: []weighted[[]string]{{85, []string{"so"}}, {10, []string{"so", "ar"}}, {5, []string{"so", "en"}}},
		Dialects: map[string][]weighted[string]{
			"so": {{90, ""}, {10, "maay"}},
		},
		SingleMale:   58,
		SingleMother: 90,
	},
}

// staffUnit is a unit and the caseworkers persons in it are assigned to.
type staffUnit struct {
	ID          int64
	Name        string
	Caseworkers []int64
	next        int
}

// generator produces households of synthetic persons, deterministically for
// a seed and a date.
type generator struct {
	r       *rand.Rand
	today   time.Time
	units   []*staffUnit
	nids    map[string]struct{}
	dufs    map[string]struct{}
	target  int
	made    int
	counts  map[string]int // persons per country
	queue   []postgres.DemoPerson
	noNID   int // persons given only a DUF number because no number was free
	ukStart time.Time
	start   time.Time
}

func newGenerator(seed int64, today time.Time, units []*staffUnit, target int) *generator {
	return &generator{
		r:       rand.New(rand.NewPCG(uint64(seed), uint64(seed)^0x616e6b6f6d7374)),
		today:   today,
		units:   units,
		nids:    map[string]struct{}{},
		dufs:    map[string]struct{}{},
		target:  target,
		counts:  map[string]int{},
		ukStart: time.Date(2022, 3, 1, 0, 0, 0, 0, time.UTC),
		start:   time.Date(2022, 1, 3, 0, 0, 0, 0, time.UTC),
	}
}

// next returns the next person, or false when target persons are made.
func (g *generator) next() (postgres.DemoPerson, bool) {
	if g.made >= g.target {
		return postgres.DemoPerson{}, false
	}
	if len(g.queue) == 0 {
		g.queue = g.household(g.pickCountry())
		if rest := g.target - g.made; len(g.queue) > rest {
			g.queue = g.queue[:rest] // the last household is cut short
		}
	}
	p := g.queue[0]
	g.queue = g.queue[1:]
	g.made++
	g.counts[p.CountryOfOrigin]++
	return p, true
}

// pickCountry weighs the countries by how far each is below its share, so
// the mix comes out close to the shares whatever the household sizes.
func (g *generator) pickCountry() *country {
	opts := make([]weighted[*country], 0, len(countries))
	for i := range countries {
		c := &countries[i]
		want := float64(c.Share) * float64(g.made+10) / 100
		w := int(want-float64(g.counts[c.Code])) + 1
		if w < 1 {
			w = 1
		}
		opts = append(opts, weighted[*country]{w, c})
	}
	return pick(g.r, opts)
}

func (g *generator) chance(percent int) bool { return g.r.IntN(100) < percent }

// between returns a random integer in [lo, hi].
func (g *generator) between(lo, hi int) int {
	if hi <= lo {
		return lo
	}
	return lo + g.r.IntN(hi-lo+1)
}

// member is a person of a household before names and numbers.
type member struct {
	sex   string
	age   int // whole years at arrival (adults and unaccompanied minors)
	days  int // days of age at arrival on top of age; drawn when 0 for adults
	child bool
}

// members draws the people of a household of kind k.
func (g *generator) members(c *country, k string) []member {
	sexOfSingle := func() string {
		if g.chance(c.SingleMale) {
			return "male"
		}
		return "female"
	}
	// children draws up to n children of a mother aged motherAge at
	// arrival: born when she was 18 or older, at least ten months apart,
	// eldest first.
	children := func(motherAge, n int) []member {
		const gap = 300 // days between siblings
		maxDays := min(17*365+364, (motherAge-18)*365)
		n = max(0, min(n, maxDays/gap+1))
		days := make([]int, n)
		for i := range days {
			days[i] = g.r.IntN(maxDays - (n-1)*gap + 1)
		}
		slices.Sort(days)
		out := make([]member, 0, n)
		for i := n - 1; i >= 0; i-- {
			sex := "female"
			if g.chance(51) {
				sex = "male"
			}
			out = append(out, member{sex: sex, days: days[i] + i*gap, child: true})
		}
		return out
	}
	nChildren := func(maxN int) int {
		n := pick(g.r, []weighted[int]{{25, 1}, {30, 2}, {22, 3}, {13, 4}, {10, 5}})
		return min(n, maxN)
	}
	switch k {
	case hhMinor:
		return []member{{sex: pick(g.r, []weighted[string]{{80, "male"}, {20, "female"}}), age: g.between(15, 17), child: true}}
	case hhElderly:
		return []member{{sex: pick(g.r, []weighted[string]{{35, "male"}, {65, "female"}}), age: g.between(60, 84)}}
	case hhCouple:
		woman := g.between(19, 45)
		return []member{{sex: "male", age: min(woman+g.between(0, 8), 70)}, {sex: "female", age: woman}}
	case hhElderlyCouple:
		woman := g.between(60, 78)
		return []member{{sex: "male", age: min(woman+g.between(0, 6), 88)}, {sex: "female", age: woman}}
	case hhFamily:
		woman := g.between(22, 48)
		out := []member{{sex: "male", age: min(woman+g.between(0, 9), 70)}, {sex: "female", age: woman}}
		return append(out, children(woman, nChildren(5))...)
	case hhSingleParent:
		sex := "female"
		if !g.chance(c.SingleMother) {
			sex = "male"
		}
		age := g.between(22, 50)
		return append([]member{{sex: sex, age: age}}, children(age, nChildren(4))...)
	case hhThreeGen:
		mother := g.between(24, 45)
		out := []member{{sex: "female", age: mother}}
		out = append(out, children(mother, nChildren(4))...)
		return append(out, member{sex: "female", age: min(mother+g.between(20, 30), 85)})
	}
	return []member{{sex: sexOfSingle(), age: g.between(18, 45)}}
}

// arrival draws an arrival date no later than today.
func (g *generator) arrival(c *country) time.Time {
	start := g.start
	if c.WarPeak {
		start = g.ukStart
		if g.chance(45) { // the first wave, spring 2022 to summer 2023
			end := time.Date(2023, 6, 30, 0, 0, 0, 0, time.UTC)
			if end.After(g.today) {
				end = g.today
			}
			return g.dayBetween(start, end)
		}
	}
	return g.dayBetween(start, g.today)
}

func (g *generator) dayBetween(from, to time.Time) time.Time {
	if !to.After(from) {
		return to
	}
	days := int(to.Sub(from).Hours() / 24)
	return from.AddDate(0, 0, g.r.IntN(days+1))
}

// settlement draws the settlement date for an arrival: 0–6 months later by
// residence basis, or nil where that would be after today (not yet settled).
func (g *generator) settlement(arrival time.Time, basis string) *time.Time {
	var days int
	switch basis {
	case domain.BasisResettlement, domain.BasisFamily: // settled directly
		days = g.between(0, 14)
	case domain.BasisCollective:
		days = g.between(14, 100)
	case domain.BasisUnaccompanied:
		days = g.between(30, 183)
	default: // from a reception centre
		days = g.between(60, 183)
	}
	d := arrival.AddDate(0, 0, days)
	if d.After(g.today) {
		return nil
	}
	return &d
}

// birth returns the birth date of m, drawing the day in the year for an
// adult or minor given in whole years.
func (g *generator) birth(arrival time.Time, m member) time.Time {
	days := m.days
	if days == 0 && m.age > 0 {
		days = g.r.IntN(365)
	}
	return arrival.AddDate(-m.age, 0, -days)
}

// nationalID returns a synthetic national ID for birth that no one has yet.
func (g *generator) nationalID(birth time.Time) (string, bool) {
	ind := g.r.IntN(1000)
	for range 1000 {
		n := domain.SyntheticNationalID(birth, ind)
		if _, taken := g.nids[n]; !taken {
			g.nids[n] = struct{}{}
			return n, true
		}
		ind = (ind + 1) % 1000
	}
	return "", false
}

// dufNumber returns a DUF number of the year that no one has yet.
func (g *generator) dufNumber(year int) string {
	for {
		d := fmt.Sprintf("%04d%08d", year, g.r.IntN(100_000_000))
		if _, taken := g.dufs[d]; !taken {
			g.dufs[d] = struct{}{}
			return d
		}
	}
}

// household draws one household of country c.
func (g *generator) household(c *country) []postgres.DemoPerson {
	kind := pick(g.r, c.Households)
	members := g.members(c, kind)
	basis := domain.BasisUnaccompanied
	if kind != hhMinor {
		basis = pick(g.r, c.Basis)
	}
	arrival := g.arrival(c)
	settled := g.settlement(arrival, basis)
	langs := pick(g.r, c.Languages)
	dialect := ""
	if d, ok := c.Dialects[langs[0]]; ok {
		dialect = pick(g.r, d)
	}

	// One unit and one caseworker follow the whole household.
	// Two units: 60 % in the first. More: the first (the largest city) weighs
	// three, every other unit one.
	unit := g.units[0]
	switch {
	case len(g.units) == 2:
		if !g.chance(60) {
			unit = g.units[1]
		}
	case len(g.units) > 2:
		if n := g.r.IntN(len(g.units) + 2); n >= 3 {
			unit = g.units[n-2]
		}
	}
	var caseworker *int64
	if len(unit.Caseworkers) > 0 && !g.chance(5) {
		id := unit.Caseworkers[unit.next%len(unit.Caseworkers)]
		unit.next++
		caseworker = &id
	}
	status := "active"
	if settled != nil && settled.Before(g.today.AddDate(-2, 0, 0)) && g.chance(15) {
		status = "closed" // moved away or finished the programme
	}

	names := c.Names
	if langs[0] == "kmr" || langs[0] == "ckb" {
		if g.chance(60) {
			names.Male, names.Female = kurdish.Male, kurdish.Female
		}
	}
	family := names.Family[g.r.IntN(len(names.Family))]
	used := map[string]bool{}
	givenName := func(sex string) string {
		pool := names.Female
		if sex == "male" {
			pool = names.Male
		}
		for range 10 {
			n := pool[g.r.IntN(len(pool))]
			if !used[n] {
				used[n] = true
				return n
			}
		}
		return pool[g.r.IntN(len(pool))]
	}

	out := make([]postgres.DemoPerson, 0, len(members))
	for _, m := range members {
		birth := g.birth(arrival, m)
		p := postgres.DemoPerson{
			UnitID:          unit.ID,
			GivenName:       givenName(m.sex),
			FamilyName:      family.form(m.sex),
			BirthDate:       birth,
			Sex:             m.sex,
			CountryOfOrigin: c.Code,
			Languages:       langs,
			ResidenceBasis:  basis,
			ArrivalDate:     &arrival,
			SettlementDate:  settled,
			CaseworkerID:    caseworker,
			Status:          status,
		}
		// Interpreters for most adults, some teenagers, no small children.
		ageNow := int(g.today.Sub(birth).Hours() / 24 / 365.25)
		need := 0
		switch {
		case ageNow >= 60:
			need = 97
		case ageNow >= 16:
			need = 85
		case ageNow >= 12:
			need = 25
		}
		if g.chance(need) {
			p.InterpreterNeeded = true
			p.InterpreterLanguage = langs[0]
			if len(langs) > 1 && langs[1] == "fr" && g.chance(40) {
				p.InterpreterLanguage = "fr"
			}
			if p.InterpreterLanguage == langs[0] {
				p.InterpreterDialect = dialect
			}
		}
		// About 15 % have only a DUF number (no national ID yet); half of
		// the others have their DUF number registered as well.
		if g.chance(15) {
			d := g.dufNumber(arrival.Year())
			p.DUFNumber = &d
		} else {
			if n, ok := g.nationalID(birth); ok {
				p.NationalID = &n
			} else {
				g.noNID++
			}
			if p.NationalID == nil || g.chance(50) {
				d := g.dufNumber(arrival.Year())
				p.DUFNumber = &d
			}
		}
		out = append(out, p)
	}
	return out
}
