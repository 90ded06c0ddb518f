// Package demo generates synthetic, realistic demo data: two units (or more,
// Options.Units, for a national-scale load), their staff with one shared
// demo password, and any number of persons in
// households from the countries most refugees in Norway come from today.
//
// Every national identity number is a synthetic test number (month + 80, see
// domain.SyntheticNationalID); no real person's number can occur. For a given
// seed and Options.Today the data is the same on every run.
package demo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"ankomst/internal/domain"
	"ankomst/internal/postgres"
)

// Password is every demo user's password.
const Password = "ankomst-demo-2026"

// The demo units.
const (
	UnitEast = "Flyktningtjenesten Øst"
	UnitWest = "Flyktningtjenesten Vest"
)

// Options control the demo load.
type Options struct {
	Persons int
	// Units is the number of units; 0 or 2 gives the two demo units. More
	// adds units "Flyktningtjenesten 3", "Flyktningtjenesten 4" … with a
	// leader and three caseworkers each (UnitStaff), and the persons are
	// spread over all units.
	Units int
	// Notes is the number of synthetic case notes to add over the persons
	// (postgres.DemoNotes); 0 adds none.
	Notes   int
	IfEmpty bool
	Seed    int64
	Out     io.Writer
	// Today is the latest arrival date; the zero value means today in Norway.
	// Fix it for data that is the same from day to day.
	Today time.Time
}

// StaffMember is a demo login.
type StaffMember struct {
	Email string
	Name  string
	Role  domain.Role
	Unit  string
}

// Staff lists the demo users, all with Password.
var Staff = []StaffMember{
	{"saksbehandler1@ost.demo", "Ingrid Solberg", domain.RoleCaseworker, UnitEast},
	{"saksbehandler2@ost.demo", "Thomas Bakken", domain.RoleCaseworker, UnitEast},
	{"saksbehandler3@ost.demo", "Nadia Haugland", domain.RoleCaseworker, UnitEast},
	{"leder@ost.demo", "Marianne Haugen", domain.RoleLeader, UnitEast},
	{"helse@ost.demo", "Silje Nygård", domain.RoleHealth, UnitEast},
	{"bolig@ost.demo", "Øyvind Lie", domain.RoleHousing, UnitEast},
	{"saksbehandler1@vest.demo", "Kristoffer Dahl", domain.RoleCaseworker, UnitWest},
	{"saksbehandler2@vest.demo", "Hanne Mæland", domain.RoleCaseworker, UnitWest},
	{"saksbehandler3@vest.demo", "Jonas Eriksen", domain.RoleCaseworker, UnitWest},
	{"leder@vest.demo", "Randi Strand", domain.RoleLeader, UnitWest},
	{"helse@vest.demo", "Camilla Aasen", domain.RoleHealth, UnitWest},
	{"bolig@vest.demo", "Per Arne Nilsen", domain.RoleHousing, UnitWest},
	{"admin@demo", "Sindre Johansen", domain.RoleAdmin, UnitEast},
}

// UnitName is the name of demo unit i (1-based): Øst, Vest, then
// "Flyktningtjenesten 3" and on.
func UnitName(i int) string {
	switch i {
	case 1:
		return UnitEast
	case 2:
		return UnitWest
	}
	return fmt.Sprintf("Flyktningtjenesten %d", i)
}

// extraStaffNames are the names of the leader and caseworkers of the units
// beyond the first two, taken in turn.
var extraStaffNames = []string{
	"Kari Nordmann", "Ola Berg", "Aisha Rahimi", "Lars Moen", "Eva Lunde", "Jon Kristiansen",
	"Ahmed Yusuf", "Tone Vik", "Mona Hagen", "Knut Fjeld", "Sara Holm", "Arne Sæther",
	"Line Brekke", "Petter Aas", "Hilde Ruud",
}

// UnitStaff lists the demo users for a load with units units: Staff, and
// for each unit from the third a leader (leder@enhetN.demo) and three
// caseworkers (saksbehandler1@enhetN.demo …), all with Password.
func UnitStaff(units int) []StaffMember {
	out := slices.Clone(Staff)
	k := 0
	for i := 3; i <= units; i++ {
		unit := UnitName(i)
		next := func() string {
			n := extraStaffNames[k%len(extraStaffNames)]
			k++
			return n
		}
		out = append(out, StaffMember{fmt.Sprintf("leder@enhet%d.demo", i), next(), domain.RoleLeader, unit})
		for c := 1; c <= 3; c++ {
			out = append(out, StaffMember{fmt.Sprintf("saksbehandler%d@enhet%d.demo", c, i), next(), domain.RoleCaseworker, unit})
		}
	}
	return out
}

// Load fills the database with demo units, users and persons, and Notes
// case notes over the persons. With IfEmpty it loads nothing if any user
// exists, except the notes when the database has persons but no case notes
// yet, and the programme data when it has persons but no programmes (so a
// database loaded before notes or programmes existed gets them). Without
// IfEmpty, it reuses demo users that exist and adds Persons more persons,
// avoiding identity numbers in use, and Notes more notes.
func Load(ctx context.Context, db *postgres.DB, o Options) error {
	out := o.Out
	if out == nil {
		out = io.Discard
	}
	if o.Persons < 0 {
		return errors.New("demo: the number of persons cannot be negative")
	}
	if o.Notes < 0 {
		return errors.New("demo: the number of notes cannot be negative")
	}
	nUnits := o.Units
	if nUnits == 0 {
		nUnits = 2
	}
	if nUnits < 2 {
		return errors.New("demo: the demo needs at least two units")
	}
	today := o.Today
	if today.IsZero() {
		loc, err := time.LoadLocation("Europe/Oslo")
		if err != nil {
			loc = time.UTC
		}
		today = db.Now().In(loc)
	}
	today = time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)
	if o.IfEmpty {
		n, err := db.CountUsers(ctx)
		if err != nil {
			return err
		}
		if n > 0 {
			fmt.Fprintln(out, "Demo data already loaded.")
			// A database loaded before the programme existed gets it once.
			if progs, err := db.CountProgrammes(ctx); err != nil {
				return err
			} else if persons, err := db.CountPersons(ctx); err != nil {
				return err
			} else if progs == 0 && persons > 0 {
				line, err := loadProgramme(ctx, db, today)
				if err != nil {
					return fmt.Errorf("demo: programme: %w", err)
				}
				fmt.Fprintln(out, line)
			}
			// And one loaded before placements existed gets those once.
			if emps, err := db.CountEmployers(ctx); err != nil {
				return err
			} else if progs, err := db.CountProgrammes(ctx); err != nil {
				return err
			} else if emps == 0 && progs > 0 {
				line, err := loadPlacements(ctx, db, today)
				if err != nil {
					return fmt.Errorf("demo: placements: %w", err)
				}
				fmt.Fprintln(out, line)
			}
			// And one loaded before the settlement ledger existed gets its
			// targets and pipeline once.
			if line, err := loadSettlementOnce(ctx, db, today); err != nil {
				return fmt.Errorf("demo: settlement: %w", err)
			} else if line != "" {
				fmt.Fprintln(out, line)
			}
			// And one loaded before health items existed, or whose load
			// stopped after the deadlines step made the checklists but
			// before the health step gave them statuses, gets those once.
			if items, err := db.CountHealthItems(ctx); err != nil {
				return err
			} else if given, err := db.DemoHealthStatusesGiven(ctx); err != nil {
				return err
			} else if persons, err := db.CountPersons(ctx); err != nil {
				return err
			} else if (items == 0 || !given) && persons > 0 {
				line, err := loadHealth(ctx, db, today)
				if err != nil {
					return fmt.Errorf("demo: health: %w", err)
				}
				fmt.Fprintln(out, line)
			}
			// And one loaded before housing existed gets it once (loadHousing
			// does nothing when housing units exist).
			if persons, err := db.CountPersons(ctx); err != nil {
				return err
			} else if persons > 0 {
				line, err := loadHousing(ctx, db, today)
				if err != nil {
					return fmt.Errorf("demo: housing: %w", err)
				}
				if line != "" {
					fmt.Fprintln(out, line)
				}
			}
			if o.Notes > 0 {
				notes, err := db.CountNotes(ctx)
				if err != nil {
					return err
				}
				if notes == 0 {
					if err := loadNotes(ctx, db, o, today, out); err != nil {
						return err
					}
				}
			}
			PrintLogins(out)
			return nil
		}
	}
	started := time.Now()

	units := make([]*staffUnit, nUnits)
	for i := range units {
		units[i] = &staffUnit{Name: UnitName(i + 1)}
	}
	for _, u := range units {
		id, err := db.EnsureUnit(ctx, u.Name)
		if err != nil {
			return fmt.Errorf("demo: unit %s: %w", u.Name, err)
		}
		u.ID = id
	}
	created := 0
	for _, s := range UnitStaff(nUnits) {
		id, err := db.CreateUser(ctx, postgres.NewUser{Email: s.Email, Name: s.Name, Role: s.Role, UnitName: s.Unit, Password: Password})
		if domain.ErrorCode(err) == domain.ECONFLICT { // loaded before: reuse
			id, err = db.UserIDByEmail(ctx, s.Email)
		} else if err == nil {
			created++
		}
		if err != nil {
			return fmt.Errorf("demo: user %s: %w", s.Email, err)
		}
		if s.Role.Can(domain.CapMineFirst) { // the demo's programme advisers
			for _, u := range units {
				if u.Name == s.Unit {
					u.Caseworkers = append(u.Caseworkers, id)
				}
			}
		}
	}
	usersDone := time.Now()

	g := newGenerator(o.Seed, today, units, o.Persons)
	nids, dufs, err := db.PersonIdentifiers(ctx)
	if err != nil {
		return err
	}
	for _, n := range nids {
		g.nids[n] = struct{}{}
	}
	for _, d := range dufs {
		g.dufs[d] = struct{}{}
	}
	perUnit := map[int64]int{}
	copied, err := db.CopyPersonsFunc(ctx, func() (postgres.DemoPerson, bool, error) {
		if err := ctx.Err(); err != nil {
			return postgres.DemoPerson{}, false, err
		}
		p, ok := g.next()
		if ok {
			perUnit[p.UnitID]++
			if o.Persons >= 100_000 && g.made%50_000 == 0 {
				fmt.Fprintf(out, "  %d of %d persons …\n", g.made, o.Persons)
			}
		}
		return p, ok, nil
	})
	if err != nil {
		return fmt.Errorf("demo: copy persons: %w", err)
	}
	copyDone := time.Now()
	if err := db.AnalyzePersons(ctx); err != nil {
		return fmt.Errorf("demo: analyze: %w", err)
	}
	var summary []string
	for _, step := range moduleSteps(today) {
		line, err := step.run(ctx, db)
		if err != nil {
			return fmt.Errorf("demo: %s: %w", step.name, err)
		}
		if line != "" {
			summary = append(summary, line)
		}
	}
	done := time.Now()

	fmt.Fprintf(out, "Demo data loaded in %s: %d persons (copied in %s, analyze, households and deadlines %s), %d new users (%s).\n",
		done.Sub(started).Round(time.Millisecond), copied, copyDone.Sub(usersDone).Round(time.Millisecond),
		done.Sub(copyDone).Round(time.Millisecond), created, usersDone.Sub(started).Round(time.Millisecond))
	if copied > 0 {
		fmt.Fprint(out, "Persons by country of origin:")
		for _, c := range countries {
			fmt.Fprintf(out, " %s %.1f %%", c.Code, 100*float64(g.counts[c.Code])/float64(copied))
		}
		fmt.Fprint(out, "\nPersons by unit:")
		for _, u := range units {
			fmt.Fprintf(out, " %s %d", u.Name, perUnit[u.ID])
		}
		fmt.Fprintf(out, "\n%s\n", strings.Join(summary, " "))
		fmt.Fprintln(out, "Every national ID is a synthetic test number (month + 80).")
	}
	if g.noNID > 0 {
		fmt.Fprintf(out, "%d persons got only a DUF number: no synthetic national ID was free for their birth date.\n", g.noNID)
	}
	if o.Notes > 0 {
		if err := loadNotes(ctx, db, o, today, out); err != nil {
			return err
		}
	}
	fmt.Fprintln(out)
	PrintLogins(out)
	if nUnits > 2 {
		fmt.Fprintf(out, "Units 3 to %d: leder@enhetN.demo and saksbehandler1–3@enhetN.demo, password %s.\n", nUnits, Password)
	}
	return nil
}

// demoStep is one module's demo data, added after the persons are copied;
// it returns a sentence for the summary.
type demoStep struct {
	name string
	run  func(ctx context.Context, db *postgres.DB) (string, error)
}

// moduleSteps lists each module's demo data, in order: one line per module.
// (Case notes come last and only on request: loadNotes.)
func moduleSteps(today time.Time) []demoStep {
	return []demoStep{
		{"households", func(ctx context.Context, db *postgres.DB) (string, error) {
			n, err := db.DemoHouseholds(ctx)
			return fmt.Sprintf("Households: %d.", n), err
		}},
		{"deadlines", func(ctx context.Context, db *postgres.DB) (string, error) {
			if err := db.RefreshAllDeadlines(ctx); err != nil {
				return "", err
			}
			if err := db.RefreshAllHealthItems(ctx); err != nil {
				return "", err
			}
			n, err := db.DemoCompleteOldDeadlines(ctx, today)
			return fmt.Sprintf("Computed deadlines due over a month ago marked done: %d.", n), err
		}},
		{"closed cases", func(ctx context.Context, db *postgres.DB) (string, error) {
			return "", db.DemoCloseDates(ctx, today)
		}},
		{"programme", func(ctx context.Context, db *postgres.DB) (string, error) {
			return loadProgramme(ctx, db, today)
		}},
		{"placements", func(ctx context.Context, db *postgres.DB) (string, error) {
			return loadPlacements(ctx, db, today)
		}},
		{"health", func(ctx context.Context, db *postgres.DB) (string, error) {
			return loadHealth(ctx, db, today)
		}},
		{"settlement", func(ctx context.Context, db *postgres.DB) (string, error) {
			return loadSettlement(ctx, db, today)
		}},
		{"housing", func(ctx context.Context, db *postgres.DB) (string, error) {
			return loadHousing(ctx, db, today)
		}},
	}
}

// loadNotes adds o.Notes synthetic case notes over the persons stored.
func loadNotes(ctx context.Context, db *postgres.DB, o Options, today time.Time, out io.Writer) error {
	started := time.Now()
	n, err := db.DemoNotes(ctx, o.Notes, o.Seed, today)
	if err != nil {
		return fmt.Errorf("demo: notes: %w", err)
	}
	fmt.Fprintf(out, "Case notes: %d added in %s.\n", n, time.Since(started).Round(time.Millisecond))
	return nil
}

// PrintLogins writes the table of demo logins.
func PrintLogins(out io.Writer) {
	fmt.Fprintln(out, "Demo logins:")
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  E-MAIL\tROLE\tUNIT\tPASSWORD")
	for _, s := range Staff {
		unit := s.Unit
		if s.Role.Can(domain.CapAllUnits) {
			unit += " (sees all units)"
		}
		fmt.Fprintf(tw, "  %s\t%s (%s)\t%s\t%s\n", s.Email, s.Role, s.Role.Label(), unit, Password)
	}
	tw.Flush()
	fmt.Fprintln(out, "Leaders and the admin use two-factor: at the first login they enrol an authenticator app (TOTP).")
}
