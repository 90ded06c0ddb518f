package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"ankomst/internal/domain"
	"ankomst/internal/postgres"
)

// The work-practice demo data (issue 9): an employer register of about one
// employer per 20 persons stored (5 000 at 100 000 persons) with 1.6
// worksites each (8 000), each with a supervisor, 1–8 places, an area and
// the languages spoken there; and placements for the granted participants
// whose weekly plan has a work-practice element: within the element's
// period and with its hours and weekdays (so the plan still sums to 37.5
// hours), 8–20 weeks each with short gaps, one at a time per person, never
// more at a worksite in any week than its places; planned up to 8 weeks
// ahead. Past placements have ended (one in twelve aborted early), running
// ones are active (one in twenty paused). Follow-ups every five weeks, end
// evaluations and a few "fikk jobb" are set-based SQL
// (postgres.DemoPlacementsTx.FollowUps).

var (
	demoAreas   = []string{"Sentrum", "Nord", "Sør", "Øst", "Vest", "Fjellet"}
	demoStreets = []string{"Storgata", "Kirkegata", "Industriveien", "Havnegata", "Skolegata", "Parkveien", "Strandveien",
		"Bjørkeveien", "Torget", "Fabrikkgata", "Sykehusveien", "Jernbanegata", "Løkkeveien", "Granveien"}
	demoPlaces = []string{"Solsiden", "Fjordgløtt", "Bakkehuset", "Lindeberg", "Granly", "Eikeli", "Furuset", "Haugen",
		"Nordby", "Sjøsiden", "Liabø", "Bjørkelia", "Kløverenga", "Tunet", "Lyngheim", "Storåsen", "Vestli", "Østbyen",
		"Solbakken", "Rosenhof", "Kirkeby", "Elvebakken", "Moholt", "Skogly", "Brattås", "Strandkanten", "Heimly",
		"Fagerli", "Nyhavna", "Torvet"}
	demoSurnames = []string{"Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Pedersen", "Nilsen", "Kristiansen",
		"Jensen", "Karlsen", "Berg", "Haugen", "Hagen", "Bakke", "Moen", "Lie", "Dahl", "Lund", "Solberg", "Strand"}
	demoGiven = []string{"Anne", "Kari", "Ingrid", "Marit", "Hilde", "Tone", "Lise", "Guro", "Siri", "Ole", "Lars",
		"Per", "Jan", "Knut", "Bjørn", "Geir", "Espen", "Trond", "Nina", "Aud"}
	demoChains = []string{"Kiwi", "Rema 1000", "Coop Extra", "Meny", "Joker", "Europris", "Bunnpris"}
	// Languages spoken at worksites besides Norwegian, weighted.
	demoSiteLangs = []string{"en", "en", "en", "en", "ar", "ar", "uk", "uk", "ti", "so", "prs", "fa", "ru", "sw", "tr", "kmr"}
	// Places offered, weighted (mean about 2.7).
	demoSitePlaces = []int{1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 5, 6, 8}
	demoSectors    = []string{"nursing_home", "nursing_home", "home_care", "kindergarten", "kindergarten", "school", "workshop",
		"shop", "shop", "shop", "kitchen", "hotel", "cleaning", "cleaning", "caretaking", "parks", "industry", "other"}
	demoAbortReasons = []string{"Flyttet til annen kommune.", "Helseplager, ikke i stand til å fortsette.",
		"Arbeidsstedet hadde ikke lenger oppgaver.", "Startet på fulltidsutdanning."}
)

// orgnrCheck is the mod-11 check digit of an organisation number's first
// eight digits (weights 3 2 7 6 5 4 3 2; 11 gives 0), or -1 when it would be
// 10 (no valid number has those eight digits).
func orgnrCheck(first8 string) int {
	weights := []int{3, 2, 7, 6, 5, 4, 3, 2}
	sum := 0
	for i, w := range weights {
		sum += int(first8[i]-'0') * w
	}
	switch c := 11 - sum%11; c {
	case 11:
		return 0
	case 10:
		return -1
	default:
		return c
	}
}

// demoOrgnrs returns n valid synthetic organisation numbers, 9xxxxxxxc from
// a seed spread (bases whose check digit would be 10 are skipped).
func demoOrgnrs(n int) []string {
	out := make([]string, 0, n)
	for base := 0; len(out) < n; base++ {
		first8 := fmt.Sprintf("9%07d", (base*7919+1_000_003)%10_000_000)
		if c := orgnrCheck(first8); c >= 0 {
			out = append(out, first8+strconv.Itoa(c))
		}
	}
	return out
}

func anyOf[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

func demoPerson(r *rand.Rand, domainName string) postgres.DemoContact {
	given, family := anyOf(r, demoGiven), anyOf(r, demoSurnames)
	return postgres.DemoContact{Name: given + " " + family,
		Phone: fmt.Sprintf("4%02d %02d %03d", r.IntN(100), r.IntN(100), r.IntN(1000)),
		Email: strings.ToLower(domain.FoldName(given)+"."+domain.FoldName(family)) + "@" + domainName + ".example"}
}

// demoEmployers makes n employers with 1.6 worksites each on average.
func demoEmployers(n int) []postgres.DemoEmployer {
	r := rand.New(rand.NewPCG(uint64(n), 0x61726267)) // "arbg"
	orgnrs := demoOrgnrs(n)
	seen := map[string]int{}
	out := make([]postgres.DemoEmployer, n)
	for i := range out {
		sector := anyOf(r, demoSectors)
		place, surname := anyOf(r, demoPlaces), anyOf(r, demoSurnames)
		var name string
		switch sector {
		case "nursing_home":
			name = place + " sykehjem"
		case "home_care":
			name = "Hjemmetjenesten " + place
		case "kindergarten":
			name = place + " barnehage"
		case "school":
			name = place + " skole og SFO"
		case "workshop":
			name = surname + " Bilverksted AS"
		case "shop":
			name = anyOf(r, demoChains) + " " + place
		case "kitchen":
			name = place + " storkjøkken"
		case "hotel":
			name = "Hotell " + place
		case "cleaning":
			name = surname + " Renhold AS"
		case "caretaking":
			name = place + " Eiendomsdrift"
		case "parks":
			name = place + " park og idrettsanlegg"
		case "industry":
			name = surname + " Mekaniske AS"
		default:
			name = surname + " & Sønn AS"
		}
		if seen[name]++; seen[name] > 1 {
			name += " " + strconv.Itoa(seen[name])
		}
		slug := strings.NewReplacer(" ", "", "&", "og").Replace(strings.ToLower(domain.FoldName(name)))
		e := postgres.DemoEmployer{Name: name, Orgnr: orgnrs[i], Sector: sector,
			Address: fmt.Sprintf("%s %d, 7%03d Ankomstby", anyOf(r, demoStreets), 1+r.IntN(80), r.IntN(1000)),
			Contact: demoPerson(r, slug)}
		if r.IntN(4) == 0 {
			e.Notes = "Rammeavtale om arbeidspraksis. Fast kontaktmøte hvert kvartal."
		}
		sites := []int{1, 2, 1, 2, 2}[i%5] // 8 per 5 employers
		for j := range sites {
			s := postgres.DemoWorksite{Name: name, Area: anyOf(r, demoAreas), Places: anyOf(r, demoSitePlaces),
				Address: fmt.Sprintf("%s %d", anyOf(r, demoStreets), 1+r.IntN(120)), Supervisor: demoPerson(r, slug), Languages: []string{}}
			if sites > 1 {
				s.Name = name + ", avdeling " + []string{"A", "B", "C"}[j]
				if sector == "nursing_home" || sector == "kindergarten" {
					s.Name = name + ", avdeling " + []string{"Sol", "Måne", "Stjerne"}[j]
				}
			}
			for range r.IntN(4) {
				l := anyOf(r, demoSiteLangs)
				if !strings.Contains(strings.Join(s.Languages, ","), l) {
					s.Languages = append(s.Languages, l)
				}
			}
			if r.IntN(5) == 0 {
				s.Notes = "Veileder har god erfaring med språkpraksis."
			}
			e.Sites = append(e.Sites, s)
		}
		out[i] = e
	}
	return out
}

// nextMonday is d when it is a Monday, else the Monday after it.
func nextMonday(d time.Time) time.Time {
	if domain.ISOWeekday(d) == 1 {
		return d
	}
	return domain.AddDays(domain.WeekStart(d), 7)
}

// lastFriday is the last Friday on or before d.
func lastFriday(d time.Time) time.Time {
	fri := domain.AddDays(domain.WeekStart(d), 4)
	if fri.After(d) {
		fri = domain.AddDays(fri, -7)
	}
	return fri
}

// booker books placements at worksites, week by week: a worksite never
// holds more placements in a week (Monday–Friday) than its places.
type booker struct {
	sites    []postgres.DemoSite
	bySector map[string][]int
	base     time.Time // Monday of week 0
	used     [][]uint8 // per site, per week
}

func newBooker(sites []postgres.DemoSite, base time.Time) *booker {
	b := &booker{sites: sites, bySector: map[string][]int{}, base: domain.WeekStart(base), used: make([][]uint8, len(sites))}
	for i, s := range sites {
		b.bySector[s.Sector] = append(b.bySector[s.Sector], i)
		for _, p := range s.Booked {
			b.book(i, p[0], p[1])
		}
	}
	return b
}

func (b *booker) week(d time.Time) int {
	return int(domain.WeekStart(d).Sub(b.base).Hours() / (24 * 7))
}

// weeks are the week indexes a period [from, last] holds a place in (its
// days Monday–Friday), clipped at week 0.
func (b *booker) weeks(from, last time.Time) (int, int) {
	if domain.ISOWeekday(from) > 5 {
		from = nextMonday(from)
	}
	if domain.ISOWeekday(last) > 5 {
		last = lastFriday(last)
	}
	return max(0, b.week(from)), b.week(last)
}

func (b *booker) free(i int, from, last time.Time) bool {
	w0, w1 := b.weeks(from, last)
	u := b.used[i]
	for w := w0; w <= w1; w++ {
		if w < len(u) && int(u[w]) >= b.sites[i].Places {
			return false
		}
	}
	return true
}

func (b *booker) book(i int, from, last time.Time) {
	w0, w1 := b.weeks(from, last)
	if w1 < w0 {
		return
	}
	if len(b.used[i]) <= w1 {
		b.used[i] = append(b.used[i], make([]uint8, w1+1-len(b.used[i]))...)
	}
	for w := w0; w <= w1; w++ {
		b.used[i][w]++
	}
}

// find picks a worksite with a free place over the period: first among the
// preferred sector's, then any; -1 when 40 draws find none.
func (b *booker) find(r *rand.Rand, sector string, from, last time.Time) int {
	if len(b.sites) == 0 {
		return -1
	}
	for try := range 40 {
		pool := b.bySector[sector]
		var i int
		if try < 10 && len(pool) > 0 {
			i = pool[r.IntN(len(pool))]
		} else {
			i = r.IntN(len(b.sites))
		}
		if b.free(i, from, last) {
			return i
		}
	}
	return -1
}

// demoPlacements draws the placements of the work-practice elements (by
// person and date), booked at the sites; none starts more than 8 weeks
// after today.
func demoPlacements(practices []postgres.DemoPractice, b *booker, today time.Time) []postgres.DemoPlacement {
	var out []postgres.DemoPlacement
	horizon := domain.AddDays(today, 56)
	var lastPerson int64
	var busyUntil time.Time // the person's last placement's last day
	for _, e := range practices {
		r := rand.New(rand.NewPCG(uint64(e.PersonID), uint64(e.From.Unix())^0x7072616b)) // "prak"
		if e.PersonID != lastPerson {
			lastPerson, busyUntil = e.PersonID, time.Time{}
		}
		sector := ""
		goal := "language"
		switch d := strings.ToLower(e.Description); {
		case strings.Contains(d, "barnehage"):
			sector, goal = "kindergarten", "work_trial"
		case strings.Contains(d, "språk"):
			sector = anyOf(r, []string{"nursing_home", "kitchen", "shop", "cleaning", "caretaking"})
		default:
			goal = anyOf(r, []string{"work_trial", "work_trial", "path_to_job"})
			sector = anyOf(r, demoSectors)
		}
		cursor := nextMonday(e.From)
		if !busyUntil.IsZero() && !cursor.After(busyUntil) {
			cursor = nextMonday(domain.AddDays(busyUntil, 1))
		}
		for !cursor.After(horizon) {
			end := lastFriday(e.To)
			plannedEnd := domain.AddDays(cursor, 7*(7+r.IntN(13))+4) // 8–20 weeks, to a Friday
			if plannedEnd.After(end) {
				plannedEnd = end
			}
			if plannedEnd.Before(domain.AddDays(cursor, 7*3+4)) { // under 4 weeks left
				break
			}
			p := postgres.DemoPlacement{PersonID: e.PersonID, Minutes: e.Minutes, Weekdays: e.Weekdays,
				Start: cursor, PlannedEnd: plannedEnd, Goal: goal}
			last := plannedEnd
			switch {
			case cursor.After(today):
				p.Status = "planned"
			case plannedEnd.Before(today):
				p.Status = "ended"
				if r.IntN(12) == 0 { // aborted on a weekday before the planned end
					days := int(plannedEnd.Sub(cursor).Hours()/24) - 1
					ended := domain.AddDays(cursor, r.IntN(max(1, days)))
					if domain.ISOWeekday(ended) > 5 {
						ended = lastFriday(ended)
					}
					p.Status, p.AbortReason, p.EndedOn, last = "aborted", anyOf(r, demoAbortReasons), &ended, ended
				} else {
					ended := plannedEnd
					p.EndedOn = &ended
				}
			default:
				p.Status = "active"
				if r.IntN(20) == 0 {
					p.Status = "paused"
				}
			}
			if i := b.find(r, sector, cursor, last); i >= 0 {
				b.book(i, cursor, last)
				p.WorksiteID, p.SupervisorID = b.sites[i].ID, b.sites[i].SupervisorID
				out = append(out, p)
				busyUntil = last
			}
			cursor = domain.AddDays(domain.WeekStart(last), 7*(1+r.IntN(3))) // a gap of 0–2 weeks
		}
	}
	return out
}

// loadPlacements is the placement demo step: the employer register when it
// is empty (one employer per 20 persons stored, at least 8), then
// placements for the participants with a work-practice element and no
// placement, with follow-ups and evaluations, in one transaction; then
// ANALYZE.
func loadPlacements(ctx context.Context, db *postgres.DB, today time.Time) (string, error) {
	started := time.Now()
	today = domain.Date(today)
	var ne, nw, nc, np, nf, nv, nj int64
	err := db.DemoPlacements(ctx, today, func(tx *postgres.DemoPlacementsTx) error {
		employers, err := db.CountEmployers(ctx)
		if err != nil {
			return err
		}
		if employers == 0 {
			persons, err := db.CountPersons(ctx)
			if err != nil {
				return err
			}
			if ne, nw, nc, err = tx.CopyEmployers(ctx, demoEmployers(max(8, int(persons/20)))); err != nil {
				return err
			}
		}
		sites, err := tx.Sites(ctx)
		if err != nil {
			return fmt.Errorf("worksites: %w", err)
		}
		practices, err := tx.Practices(ctx)
		if err != nil {
			return fmt.Errorf("work practice: %w", err)
		}
		base := today
		for _, p := range practices {
			if p.From.Before(base) {
				base = p.From
			}
		}
		for _, s := range sites {
			for _, b := range s.Booked {
				if b[0].Before(base) {
					base = b[0]
				}
			}
		}
		first, err := tx.NextPlacementID(ctx)
		if err != nil {
			return err
		}
		if np, err = tx.CopyPlacements(ctx, demoPlacements(practices, newBooker(sites, base), today)); err != nil {
			return err
		}
		nf, nv, nj, err = tx.FollowUps(ctx, first)
		return err
	})
	if err != nil {
		return "", err
	}
	if err := db.AnalyzePlacements(ctx); err != nil {
		return "", fmt.Errorf("analyze: %w", err)
	}
	return fmt.Sprintf("Placements (%s): %d employers, %d worksites, %d contacts and supervisors; %d placements, %d follow-ups, %d evaluations (%d got a job).",
		time.Since(started).Round(time.Millisecond), ne, nw, nc, np, nf, nv, nj), nil
}
