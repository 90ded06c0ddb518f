package postgres_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"ankomst/internal/domain"
	"ankomst/internal/postgres"
	"ankomst/internal/postgres/pgtest"
)

func TestDemoProgrammeStore(t *testing.T) {
	ctx := context.Background()
	db := pgtest.NewOwner(t) // the demo load runs as the schema owner (sequences, ALTER TABLE, ANALYZE)
	if _, err := db.CreateUser(ctx, postgres.NewUser{Email: "cw@prog.test", Name: "Kari Program", Role: domain.RoleCaseworker,
		UnitName: "Programenheten", Password: "et-langt-passord"}); err != nil {
		t.Fatal(err)
	}
	unit, err := db.EnsureUnit(ctx, "Programenheten")
	if err != nil {
		t.Fatal(err)
	}
	arrival, settled := demoDate("2025-01-01"), demoDate("2025-03-10")
	var rows []postgres.DemoPerson
	add := func(n int, birth string, settlement *time.Time) {
		for range n {
			duf := fmt.Sprintf("2025%08d", len(rows))
			rows = append(rows, postgres.DemoPerson{UnitID: unit, DUFNumber: &duf, GivenName: fmt.Sprintf("Deltaker%d", len(rows)), FamilyName: "Test",
				BirthDate: demoDate(birth), Sex: "female", CountryOfOrigin: "ER", Languages: []string{"ti"},
				ResidenceBasis: domain.BasisReception, ArrivalDate: &arrival, SettlementDate: settlement})
		}
	}
	add(50, "1990-04-01", &settled) // adults
	add(5, "2015-04-01", &settled)  // children
	add(3, "1955-04-01", &settled)  // over 60 at the permit
	add(2, "1990-04-01", nil)       // not settled
	if _, err := db.CopyPersons(ctx, rows); err != nil {
		t.Fatal(err)
	}
	today := demoDate("2026-06-01")
	var counts postgres.DemoProgrammeCounts
	var parts []postgres.DemoParticipant
	err = db.DemoProgramme(ctx, today, func(tx *postgres.DemoProgrammeTx) error {
		var err error
		if counts, err = tx.Programmes(ctx); err != nil {
			return err
		}
		if parts, err = tx.Participants(ctx); err != nil {
			return err
		}
		plans := make([]postgres.DemoPlanVersion, len(parts))
		for i, p := range parts {
			plans[i] = postgres.DemoPlanVersion{PersonID: p.PersonID, ValidFrom: p.Start, Elements: []domain.PlanElement{
				{Kind: domain.ElementNorwegian, MinutesPerWeek: 2250, Weekdays: []int16{1, 2, 3, 4, 5}}}}
		}
		ids := make([]int64, len(plans))
		if nv, ne, err := tx.CopyPlans(ctx, plans, ids); err != nil || nv != int64(len(parts)) || ne != nv {
			return fmt.Errorf("CopyPlans = %d, %d, %v", nv, ne, err)
		}
		g := postgres.DemoGroup{UnitID: unit, Name: "Norsk A1 morgen", Weekdays: []int16{1, 2, 3, 4, 5}}
		for _, p := range parts {
			g.Members = append(g.Members, postgres.DemoGroupMember{PersonID: p.PersonID, Joined: p.Start})
		}
		if ng, nm, err := tx.CreateGroups(ctx, []postgres.DemoGroup{g, g}); err != nil || ng != 1 || nm != int64(len(parts)) {
			return fmt.Errorf("CreateGroups = %d, %d, %v (the second of the same name is left out)", ng, nm, err)
		}
		i := 0
		n, err := tx.CopyAttendance(ctx, func() (postgres.DemoAttendance, bool, error) {
			if i == len(parts) {
				return postgres.DemoAttendance{}, false, nil
			}
			i++
			a := postgres.DemoAttendance{PersonID: parts[i-1].PersonID, Day: parts[i-1].Start, PresentMinutes: 450}
			if i%2 == 0 {
				a.PresentMinutes, a.AbsentMinutes, a.Reason = 0, 450, "illness"
			}
			return a, true, nil
		})
		if err != nil || n != int64(len(parts)) {
			return fmt.Errorf("CopyAttendance = %d, %v", n, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// A fifth of the 60 persons, all adults 18–60 at the permit and settled.
	if counts.Programmes != 12 || counts.Granted == 0 || len(parts) != int(counts.Granted) {
		t.Fatalf("counts %+v, %d participants", counts, len(parts))
	}
	var wrong, permits, triggerOn int
	db.Pool.QueryRow(ctx, `SELECT count(*) FROM programmes g JOIN persons p ON p.id = g.person_id
		WHERE p.birth_date <> '1990-04-01' OR p.settlement_date IS NULL`).Scan(&wrong)
	db.Pool.QueryRow(ctx, `SELECT count(*) FROM persons WHERE permit_date IS NOT NULL`).Scan(&permits)
	db.Pool.QueryRow(ctx, `SELECT count(*) FROM pg_trigger WHERE tgname IN ('attendance_refuse_merged', 'attendance_months_keep', 'participant_hours_keep')
		AND tgenabled = 'O'`).Scan(&triggerOn)
	if wrong != 0 || permits != 12 || triggerOn != 5 {
		t.Errorf("%d programmes for children, the old or the unsettled; %d permit dates; triggers enabled again: %d of 5", wrong, permits, triggerOn)
	}
	// The summaries the load kept in bulk (its row triggers off) equal the
	// rows: attendance_months grouped from attendance, participant_hours as
	// its rebuild makes it.
	var monthsOff, monthRows, hoursOff, hoursRows int
	if err := db.Pool.QueryRow(ctx, `SELECT count(*) FROM (
			(SELECT a.person_id, date_trunc('month', a.day)::date, p.unit_id, sum(a.present_minutes), sum(a.absent_minutes)
			 FROM attendance a JOIN persons p ON p.id = a.person_id GROUP BY 1, 2, 3
			 EXCEPT SELECT person_id, month, unit_id, present_minutes, absent_minutes FROM attendance_months)
			UNION ALL
			(SELECT person_id, month, unit_id, present_minutes, absent_minutes FROM attendance_months
			 EXCEPT SELECT a.person_id, date_trunc('month', a.day)::date, p.unit_id, sum(a.present_minutes), sum(a.absent_minutes)
			 FROM attendance a JOIN persons p ON p.id = a.person_id GROUP BY 1, 2, 3)) x`).Scan(&monthsOff); err != nil {
		t.Fatal(err)
	}
	if err := db.Pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM attendance_months), (SELECT count(*) FROM participant_hours)`).Scan(&monthRows, &hoursRows); err != nil {
		t.Fatal(err)
	}
	conn, err := db.Pool.Acquire(ctx) // the temporary table lives on one connection
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `CREATE TEMP TABLE kept_hours AS SELECT person_id, from_day, to_day, unit_id, active, minutes FROM participant_hours`); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, `SELECT participant_hours_rebuild()`); err != nil {
		t.Fatal(err)
	}
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM (
		(SELECT * FROM kept_hours EXCEPT SELECT person_id, from_day, to_day, unit_id, active, minutes FROM participant_hours)
		UNION ALL
		(SELECT person_id, from_day, to_day, unit_id, active, minutes FROM participant_hours EXCEPT SELECT * FROM kept_hours)) x`).Scan(&hoursOff); err != nil {
		t.Fatal(err)
	}
	if monthsOff != 0 || monthRows == 0 || hoursOff != 0 || hoursRows == 0 {
		t.Errorf("after the load: attendance_months %d rows, %d differ from the attendance; participant_hours %d rows, %d differ from its rebuild",
			monthRows, monthsOff, hoursRows, hoursOff)
	}
	// Again: nothing new (a fifth already), and no participant lacks a plan.
	err = db.DemoProgramme(ctx, today, func(tx *postgres.DemoProgrammeTx) error {
		c, err := tx.Programmes(ctx)
		if err != nil || c.Programmes != 12 {
			return fmt.Errorf("again: %+v, %v", c, err)
		}
		p, err := tx.Participants(ctx)
		if err != nil || len(p) != 0 {
			return fmt.Errorf("again: %d participants without a plan, %v", len(p), err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := db.CountProgrammes(ctx); err != nil || n != 12 {
		t.Fatalf("CountProgrammes = %d, %v", n, err)
	}
	if err := db.AnalyzeProgramme(ctx); err != nil {
		t.Fatal(err)
	}

	if _, _, _, _, err := db.DemoBenchCaseload(ctx, "nobody@prog.test", 10); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Errorf("DemoBenchCaseload(unknown) = %v, want ENOTFOUND", err)
	}
	if _, err := db.CreateUser(ctx, postgres.NewUser{Email: "cw@other.test", Name: "Ola Annen", Role: domain.RoleCaseworker,
		UnitName: "Annen enhet", Password: "et-langt-passord"}); err != nil {
		t.Fatal(err)
	}
	if _, _, _, _, err := db.DemoBenchCaseload(ctx, "cw@other.test", 10); err == nil {
		t.Error("DemoBenchCaseload in a unit without groups succeeded")
	}
}
