package demo

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"time"

	"ankomst/internal/domain"
	"ankomst/internal/postgres"
)

// The introduction programme's demo data: about one person in five (adults
// aged 18–60 at the permit, settled) gets a programme (postgres.DemoProgrammeTx.Programmes,
// set-based SQL), and each granted participant a weekly plan of 37.5 hours
// (30 with self-study) in one or two versions, a place in a group for some,
// and one attendance row per weekday from the start until yesterday (or the
// end), streamed into COPY: the expected minutes are the plan's
// (domain.PlanVersion.ExpectedMinutes), less realistic absence.

// planElement is an element of a plan template; weeks > 0 limits it to the
// first weeks of the version (then follow takes its place).
type planElement struct {
	kind, desc string
	minutes    int
	days       []int16
	weeks      int
	follow     *planElement
}

// planTemplate is a weekly plan: its elements sum to 2250 minutes a week
// (1800 with self-study), in every week.
type planTemplate struct {
	name      string
	selfStudy bool
	elements  []planElement
}

var (
	monFri = []int16{1, 2, 3, 4, 5}
	// The first months: Norwegian and social studies (75 hours in all).
	earlyPlans = []planTemplate{
		{"norsk, samfunnskunnskap og praksis", false, []planElement{
			{domain.ElementNorwegian, "Norskopplæring, spor 2", 900, monFri, 0, nil},
			{domain.ElementSocialStudies, "Samfunnskunnskap på morsmål", 180, []int16{2, 4}, 25,
				&planElement{domain.ElementJobSeeking, "Jobbsøkerkurs", 180, []int16{2, 4}, 0, nil}},
			{domain.ElementWorkPractice, "Språkpraksis", 900, []int16{1, 2, 3}, 0, nil},
			{domain.ElementLifeSkills, "Livsmestring i en ny hverdag", 270, []int16{5}, 0, nil},
		}},
		{"norsk, samfunnskunnskap og kurs", false, []planElement{
			{domain.ElementNorwegian, "Norskopplæring, spor 2", 1200, monFri, 0, nil},
			{domain.ElementSocialStudies, "Samfunnskunnskap", 300, []int16{2, 4}, 15,
				&planElement{domain.ElementOther, "Arbeidsrettet norsk", 300, []int16{2, 4}, 0, nil}},
			{domain.ElementLifeSkills, "Livsmestring", 150, []int16{3}, 0, nil},
			{domain.ElementParenting, "Foreldreveiledning (ICDP)", 150, []int16{3}, 0, nil},
			{domain.ElementOther, "Kurs i digitale ferdigheter", 450, []int16{1, 5}, 0, nil},
		}},
		{"norsk og jobbsøking", false, []planElement{
			{domain.ElementNorwegian, "Norskopplæring, spor 3", 1350, monFri, 0, nil},
			{domain.ElementSocialStudies, "Samfunnskunnskap", 300, []int16{1, 3}, 15,
				&planElement{domain.ElementNorwegian, "Norsk i praksis", 300, []int16{1, 3}, 0, nil}},
			{domain.ElementJobSeeking, "Jobbsøking med veileder", 300, []int16{4, 5}, 0, nil},
			{domain.ElementLifeSkills, "Livsmestring", 300, []int16{2}, 0, nil},
		}},
		{"norsk og grunnskole, selvstudium", true, []planElement{
			{domain.ElementNorwegian, "Norskopplæring, spor 1", 900, monFri, 0, nil},
			{domain.ElementSocialStudies, "Samfunnskunnskap", 180, []int16{2, 4}, 25,
				&planElement{domain.ElementNorwegian, "Leseopplæring", 180, []int16{2, 4}, 0, nil}},
			{domain.ElementEducation, "Grunnskole for voksne", 720, []int16{1, 2, 3, 4}, 0, nil},
		}},
	}
	// Later: work practice, education and job seeking, by end goal.
	laterWork = []planTemplate{
		{"praksis og jobbsøking", false, []planElement{
			{domain.ElementNorwegian, "Arbeidsrettet norsk", 600, []int16{1, 2}, 0, nil},
			{domain.ElementWorkPractice, "Arbeidspraksis", 1350, []int16{3, 4, 5}, 0, nil},
			{domain.ElementJobSeeking, "Jobbsøking", 300, []int16{1, 2}, 0, nil},
		}},
		{"norsk, praksis og jobbsøking", false, []planElement{
			{domain.ElementNorwegian, "Norskopplæring, spor 2", 900, monFri, 0, nil},
			{domain.ElementWorkPractice, "Arbeidspraksis i barnehage", 900, []int16{1, 2, 3}, 0, nil},
			{domain.ElementJobSeeking, "Jobbsøking og CV", 450, []int16{4, 5}, 0, nil},
		}},
	}
	laterSchool = []planTemplate{
		{"videregående og norsk", false, []planElement{
			{domain.ElementEducation, "Videregående opplæring for voksne", 1350, monFri, 0, nil},
			{domain.ElementNorwegian, "Norskopplæring, spor 3", 900, monFri, 0, nil},
		}},
	}
	laterHigher = []planTemplate{
		{"forkurs og norsk, selvstudium", true, []planElement{
			{domain.ElementEducation, "Forkurs for høyere utdanning", 1200, monFri, 0, nil},
			{domain.ElementNorwegian, "Norsk B2", 600, []int16{1, 3, 5}, 0, nil},
		}},
		laterSchool[0],
	}
)

// versionFrom makes a plan version of template t from the Monday-aligned
// day from (the first version: the start date).
func versionFrom(t planTemplate, personID int64, from time.Time, comment string) postgres.DemoPlanVersion {
	v := postgres.DemoPlanVersion{PersonID: personID, ValidFrom: from, SelfStudy: t.selfStudy, Comment: comment}
	for _, e := range t.elements {
		el := domain.PlanElement{Kind: e.kind, Description: e.desc, MinutesPerWeek: e.minutes, Weekdays: e.days}
		if e.weeks > 0 && e.follow != nil {
			// Until the Sunday of the last week, then the follower from Monday.
			end := domain.AddDays(domain.WeekStart(from), 7*e.weeks-1)
			next := domain.AddDays(end, 1)
			el.To = &end
			f := e.follow
			v.Elements = append(v.Elements, el, domain.PlanElement{Kind: f.kind, Description: f.desc,
				MinutesPerWeek: f.minutes, Weekdays: f.days, From: &next})
			continue
		}
		v.Elements = append(v.Elements, el)
	}
	return v
}

// demoPlans draws a participant's plan versions: an early plan from the
// start, and for most a later plan from a Monday 14–26 weeks on (before the
// planned end).
func demoPlans(p *postgres.DemoParticipant) []postgres.DemoPlanVersion {
	r := rand.New(rand.NewPCG(uint64(p.PersonID), 0x706c616e)) // "plan"
	early := earlyPlans[r.IntN(3)]
	if p.EndGoal == "higher_education" && r.IntN(2) == 0 || r.IntN(100) < 8 {
		early = earlyPlans[3]
	}
	out := []postgres.DemoPlanVersion{versionFrom(early, p.PersonID, p.Start, "Plan ved oppstart.")}
	later := domain.AddDays(domain.WeekStart(p.Start), 7*(14+r.IntN(13)))
	if later.Before(p.PlannedEnd) && r.IntN(100) < 75 {
		pool := laterWork
		switch p.EndGoal {
		case "upper_secondary":
			pool = laterSchool
		case "higher_education":
			pool = laterHigher
		}
		out = append(out, versionFrom(pool[r.IntN(len(pool))], p.PersonID, later, "Ny plan etter evaluering av norskprogresjon."))
	}
	return out
}

// groupDef is a demo group: a Norwegian class, or one for a language.
type groupDef struct {
	name, contact, lang string
	days                []int16
}

var demoGroupDefs = []groupDef{
	{"Norsk A1 morgen", "Anne Berg (voksenopplæringen)", "", monFri},
	{"Norsk A2 morgen", "Lars Holm (voksenopplæringen)", "", monFri},
	{"Norsk B1 kveld", "Eva Lunde (voksenopplæringen)", "", []int16{1, 2, 3, 4}},
	{"Samfunnskunnskap ukrainsk", "Olena Koval", "uk", []int16{2, 4}},
	{"Samfunnskunnskap arabisk", "Samir Haddad", "ar", []int16{2, 4}},
	{"Samfunnskunnskap tigrinja", "Senait Gebre", "ti", []int16{1, 3}},
	{"Samfunnskunnskap dari", "Farid Ahmadi", "prs", []int16{2, 4}},
	{"Norsk A2 dag", "Kjersti Moen (voksenopplæringen)", "", monFri},
	{"Samfunnskunnskap somali", "Hodan Ali", "so", []int16{1, 3}},
	{"Norsk B1 dag", "Per Vik (voksenopplæringen)", "", monFri},
	{"Jobbklubben", "Nina Aas (NAV)", "", []int16{4, 5}},
	{"Norsk A1 ettermiddag", "Marte Ruud (voksenopplæringen)", "", monFri},
	{"Livsmestring kvinner", "Ingvild Sæther", "", []int16{3}},
	{"Norsk B2 dag", "Tor Dahl (voksenopplæringen)", "", monFri},
	{"Arbeidspraksis helse", "Guro Fjeld (sykehjemmet)", "", []int16{1, 2, 3}},
	{"Foreldreveiledning", "Siri Lie (helsestasjonen)", "", []int16{3}},
}

// demoGroups makes a handful of groups per unit (about one per 25 running
// participants, 3 to 16) of 15–30 running participants each; the first
// group of each unit has 30 when there are as many. Language groups take
// participants of that first language. A participant is in at most one
// class and one language group.
func demoGroups(participants []postgres.DemoParticipant, today time.Time) []postgres.DemoGroup {
	byUnit := map[int64][]*postgres.DemoParticipant{}
	var units []int64
	for i := range participants {
		p := &participants[i]
		if p.Ended != nil || p.Start.After(today) {
			continue
		}
		if _, ok := byUnit[p.UnitID]; !ok {
			units = append(units, p.UnitID)
		}
		byUnit[p.UnitID] = append(byUnit[p.UnitID], p)
	}
	var out []postgres.DemoGroup
	for _, unit := range units {
		running := byUnit[unit]
		r := rand.New(rand.NewPCG(uint64(unit), 0x67726f7570)) // "group"
		r.Shuffle(len(running), func(i, j int) { running[i], running[j] = running[j], running[i] })
		n := min(len(demoGroupDefs), max(3, len(running)/25))
		next := 0                  // the next participant for a class
		inLang := map[int64]bool{} // in a language group already
		for i, def := range demoGroupDefs[:n] {
			size := 15 + r.IntN(16)
			if i == 0 {
				size = 30
			}
			g := postgres.DemoGroup{UnitID: unit, Name: def.name, Contact: def.contact, Weekdays: def.days}
			if def.lang == "" {
				for ; next < len(running) && len(g.Members) < size; next++ {
					p := running[next]
					g.Members = append(g.Members, postgres.DemoGroupMember{PersonID: p.PersonID, Joined: p.Start})
				}
			} else {
				for _, p := range running {
					if len(g.Members) == size {
						break
					}
					if p.Language == def.lang && !inLang[p.PersonID] {
						inLang[p.PersonID] = true
						g.Members = append(g.Members, postgres.DemoGroupMember{PersonID: p.PersonID, Joined: p.Start})
					}
				}
			}
			if len(g.Members) > 0 {
				out = append(out, g)
			}
		}
	}
	return out
}

// Absence reasons (attendance.reason).
const (
	absIllness    = "illness"
	absSelfCert   = "self_certified"
	absSickChild  = "sick_child"
	absWelfare    = "welfare_leave"
	absHoliday    = "holiday"
	absUnexcused  = "unexcused"
	selfCertAfter = 56 // days in the programme before self-certification
)

// attendanceGen walks the participants' weekdays and yields attendance rows,
// one at a time (memory stays flat whatever the number of rows).
type attendanceGen struct {
	parts    []postgres.DemoParticipant
	versions [][]domain.PlanVersion // per participant
	last     time.Time              // yesterday
	i        int                    // the current participant
	day      time.Time
	end      time.Time
	r        *rand.Rand
	// The current participant's absence state.
	spell     string
	spellLeft int
	holidays  [][2]time.Time // this year's holiday spells
	holYear   int
	selfCerts []time.Time // starts of self-certified spells
	childYear int
	childDays int
	started   bool
}

func (g *attendanceGen) startParticipant() {
	p := &g.parts[g.i]
	g.day = p.Start
	g.end = g.last
	if p.Ended != nil && p.Ended.Before(g.end) {
		g.end = *p.Ended
	}
	g.r = rand.New(rand.NewPCG(uint64(p.PersonID), 0x6f70706d)) // "oppm"
	g.spell, g.spellLeft, g.holYear, g.selfCerts, g.childYear, g.childDays = "", 0, 0, nil, 0, 0
}

// holidaySpells draws a year's holiday: three weeks from a Monday in July,
// for half a winter or autumn week, and for most the days between
// Christmas and New Year: at most 25 weekdays.
func (g *attendanceGen) holidaySpells(year int) [][2]time.Time {
	july := domain.WeekStart(time.Date(year, 7, 1+g.r.IntN(14), 0, 0, 0, 0, time.UTC))
	if july.Month() == 6 {
		july = domain.AddDays(july, 7)
	}
	out := [][2]time.Time{{july, domain.AddDays(july, 18)}}
	if g.r.IntN(2) == 0 {
		week := 8
		if g.r.IntN(2) == 0 {
			week = 40
		}
		mon, _ := domain.ParseISOWeek(fmt.Sprintf("%04d-W%02d", year, week))
		out = append(out, [2]time.Time{mon, domain.AddDays(mon, 4)})
	}
	if g.r.IntN(100) < 60 {
		out = append(out, [2]time.Time{time.Date(year, 12, 27, 0, 0, 0, 0, time.UTC), time.Date(year, 12, 31, 0, 0, 0, 0, time.UTC)})
	}
	return out
}

func inPause(p *postgres.DemoParticipant, day time.Time) bool {
	for _, q := range p.Pauses {
		if !day.Before(q.From) && (q.To == nil || !day.After(*q.To)) {
			return true
		}
	}
	return false
}

// next yields the next attendance row.
func (g *attendanceGen) next() (postgres.DemoAttendance, bool) {
	for g.i < len(g.parts) {
		if !g.started {
			g.startParticipant()
			g.started = true
		}
		p := &g.parts[g.i]
		for !g.day.After(g.end) {
			day := g.day
			g.day = domain.AddDays(g.day, 1)
			if wd := domain.ISOWeekday(day); wd > 5 || inPause(p, day) {
				continue
			}
			v := domain.VersionOn(g.versions[g.i], day)
			if v == nil {
				continue
			}
			expected := v.ExpectedMinutes(day)
			absent, reason := g.absence(p, day, expected)
			return postgres.DemoAttendance{PersonID: p.PersonID, Day: day,
				PresentMinutes: expected - absent, AbsentMinutes: absent, Reason: reason}, true
		}
		g.i++
		g.started = false
	}
	return postgres.DemoAttendance{}, false
}

// absence draws the day's absent minutes and reason: holidays as planned,
// illness (about 3 % of days, spells of 1–10 days), self-certified illness
// (about 1 %, 1–3 days, only after 8 weeks, at most 4 times in 12 months),
// a sick child (about 0.5 %, at most 10 days a year), now and then welfare
// leave, and unexcused absence (about 1 %, often part of a day).
func (g *attendanceGen) absence(p *postgres.DemoParticipant, day time.Time, expected int) (int, string) {
	if expected == 0 {
		return 0, ""
	}
	if day.Year() != g.holYear {
		g.holYear = day.Year()
		g.holidays = g.holidaySpells(day.Year())
	}
	for _, h := range g.holidays {
		if !day.Before(h[0]) && !day.After(h[1]) {
			return expected, absHoliday
		}
	}
	if g.spellLeft > 0 {
		g.spellLeft--
		return expected, g.spell
	}
	if day.Year() != g.childYear {
		g.childYear, g.childDays = day.Year(), 0
	}
	x := g.r.IntN(10000)
	switch {
	case x < 60:
		g.spell, g.spellLeft = absIllness, g.r.IntN(10)
		return expected, absIllness
	case x < 110:
		inProgramme := int(day.Sub(p.Start).Hours() / 24)
		recent := 0
		for _, s := range g.selfCerts {
			if day.Sub(s) < 365*24*time.Hour {
				recent++
			}
		}
		if inProgramme < selfCertAfter || recent >= 4 {
			return expected, absIllness // a doctor's note instead
		}
		g.selfCerts = append(g.selfCerts, day)
		g.spell, g.spellLeft = absSelfCert, g.r.IntN(3)
		return expected, absSelfCert
	case x < 143:
		if g.childDays >= 9 {
			return 0, ""
		}
		g.spell, g.spellLeft = absSickChild, g.r.IntN(2)
		g.childDays += 1 + g.spellLeft
		return expected, absSickChild
	case x < 148:
		return expected, absWelfare
	case x < 248:
		if expected >= 90 && g.r.IntN(100) < 60 { // part of the day
			return 15 * (2 + g.r.IntN((expected-45)/15-1)), absUnexcused
		}
		return expected, absUnexcused
	}
	return 0, ""
}

// loadProgramme is the programme demo step: programmes, plans, groups and
// attendance, in one transaction; then ANALYZE. It adds nothing for persons
// who have a programme, and no plans or attendance for participants who
// have a plan.
func loadProgramme(ctx context.Context, db *postgres.DB, today time.Time) (string, error) {
	started := time.Now()
	today = domain.Date(today)
	var c postgres.DemoProgrammeCounts
	var versions, elements, groups, members, rows int64
	var participants int
	err := db.DemoProgramme(ctx, today, func(tx *postgres.DemoProgrammeTx) error {
		var err error
		if c, err = tx.Programmes(ctx); err != nil {
			return fmt.Errorf("programmes: %w", err)
		}
		parts, err := tx.Participants(ctx)
		if err != nil {
			return fmt.Errorf("participants: %w", err)
		}
		participants = len(parts)
		// Plans, all at once (a few per participant), with their ids.
		var plans []postgres.DemoPlanVersion
		first := make([]int, len(parts)+1) // participant i's versions: plans[first[i]:first[i+1]]
		for i := range parts {
			first[i] = len(plans)
			plans = append(plans, demoPlans(&parts[i])...)
		}
		first[len(parts)] = len(plans)
		ids := make([]int64, len(plans))
		if versions, elements, err = tx.CopyPlans(ctx, plans, ids); err != nil {
			return err
		}
		gen := &attendanceGen{parts: parts, last: domain.AddDays(today, -1), versions: make([][]domain.PlanVersion, len(parts))}
		for i := range parts {
			for j := first[i]; j < first[i+1]; j++ {
				gen.versions[i] = append(gen.versions[i], domain.PlanVersion{ID: ids[j], PersonID: plans[j].PersonID,
					ValidFrom: plans[j].ValidFrom, SelfStudy: plans[j].SelfStudy, Elements: plans[j].Elements})
			}
		}
		plans = nil
		if groups, members, err = tx.CreateGroups(ctx, demoGroups(parts, today)); err != nil {
			return fmt.Errorf("groups: %w", err)
		}
		n := 0
		rows, err = tx.CopyAttendance(ctx, func() (postgres.DemoAttendance, bool, error) {
			if n++; n%100_000 == 0 {
				if err := ctx.Err(); err != nil {
					return postgres.DemoAttendance{}, false, err
				}
			}
			a, ok := gen.next()
			return a, ok, nil
		})
		return err
	})
	if err != nil {
		return "", err
	}
	if err := db.AnalyzeProgramme(ctx); err != nil {
		return "", fmt.Errorf("analyze: %w", err)
	}
	return fmt.Sprintf("Programme (%s): %d programmes (%d granted, %d refused, %d ended, %d of them without an end reason), "+
		"%d pauses, %d deductions, %d offer deadlines done on the decision date; for %d new participants %d plan versions "+
		"(%d elements), %d groups (%d members), %d attendance rows.",
		time.Since(started).Round(time.Millisecond), c.Programmes, c.Granted, c.Refused, c.Ended, c.EndedWithoutReason,
		c.Pauses, c.Deductions, c.OfferDone, participants, versions, elements, groups, members, rows), nil
}

// BenchCaseload gives the benchmark caseworker with this e-mail exactly n
// active persons of their unit, at least 30 of them (n if fewer) running
// participants of one group, so the attendance grid benchmark has a group
// of 25 to use (postgres.DemoBenchCaseload). It is idempotent.
func BenchCaseload(ctx context.Context, db *postgres.DB, email string, n int, out io.Writer) error {
	if n <= 0 {
		return fmt.Errorf("demo: the caseload must be positive")
	}
	id, name, members, have, err := db.DemoBenchCaseload(ctx, email, n)
	if err != nil {
		return fmt.Errorf("demo: bench caseload for %s: %w", email, err)
	}
	fmt.Fprintf(out, "%s has %d active persons; %d of them are participants in group %d %q.\n", email, have, members, id, name)
	if have != n {
		return fmt.Errorf("demo: %s has %d active persons, want %d (too few active persons in the unit?)", email, have, n)
	}
	return nil
}
