package postgres_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"ankomst/internal/domain"
	"ankomst/internal/postgres"
)

// atCell is a posted cell of person pid on day.
func atCell(pid int64, day, present, reason string, version int) domain.AttendanceCellForm {
	return domain.AttendanceCellForm{PersonID: pid, Day: date(day), Present: present, Reason: reason, Version: version}
}

func atCount(t *testing.T, f *fixture, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := f.db.Pool.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestAttendanceGridScope(t *testing.T) {
	f := newFixture(t)
	f.db.Now = afterTestWeek
	ctx := context.Background()
	monday := date("2026-11-30")
	kari := f.participant(t, f.cwA, "Kari", "Nordmann", "2026-09-01", 2250)
	noPlan := f.participant(t, f.cwA, "Uten", "Plan", "2026-09-01", 0)
	f.participant(t, f.cwA, "Senere", "Start", "2026-12-07", 2250) // starts after the week
	f.participant(t, f.cwA2, "Annen", "Rådgiver", "2026-09-01", 2250)
	vest := f.participant(t, f.cwB, "Ola", "Vest", "2026-09-01", 2250)

	g, err := f.db.AttendanceWeekGrid(ctx, f.cwA.Scope(), postgres.AttendanceSelection{Monday: monday})
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Participants) != 2 || g.Participants[0].PersonID != kari || g.Participants[1].PersonID != noPlan {
		t.Fatalf("mine: %+v", g.Participants)
	}
	if e := g.Participants[0].Expected(monday); e != 450 {
		t.Errorf("expected minutes %d, want 450", e)
	}
	if e := g.Participants[1].Expected(monday); e != 0 {
		t.Errorf("no plan: expected minutes %d, want 0", e)
	}
	if len(g.Rates) == 0 {
		t.Error("no rates")
	}

	gid, err := f.db.CreateGroup(ctx, f.cwA.Scope(), domain.GroupInput{Name: "Norsk", Weekdays: []int16{1, 2, 3, 4, 5}})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.db.AddGroupMember(ctx, f.cwA.Scope(), gid, domain.GroupMemberInput{PersonID: kari, JoinedOn: date("2026-11-02")}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		u    *domain.User
		want string
		n    int
	}{{f.cwA2, "", 1}, {f.leaderA, "", 1}, {f.admin, "", 1}, {f.cwB, domain.ENOTFOUND, 0}, {f.health, domain.EFORBIDDEN, 0}, {f.hou, domain.EFORBIDDEN, 0}} {
		g, err := f.db.AttendanceWeekGrid(ctx, tc.u.Scope(), postgres.AttendanceSelection{GroupID: gid, Monday: monday})
		if code(err) != tc.want || (err == nil && len(g.Participants) != tc.n) {
			t.Errorf("%s: group grid %v, want %q", tc.u.Email, err, tc.want)
		}
	}
	// A forged person of another unit saves nothing.
	_, err = f.db.SaveAttendanceWeek(ctx, f.cwA.Scope(), monday, []domain.AttendanceCellForm{
		atCell(kari, "2026-11-30", "7,5", "", 0), atCell(vest, "2026-11-30", "7,5", "", 0)})
	if code(err) != domain.ENOTFOUND {
		t.Fatalf("forged person: %v", err)
	}
	if n := atCount(t, f, `SELECT count(*) FROM attendance`); n != 0 {
		t.Errorf("%d rows saved", n)
	}
	if _, err := f.db.SaveAttendanceWeek(ctx, f.health.Scope(), monday, []domain.AttendanceCellForm{atCell(kari, "2026-11-30", "7,5", "", 0)}); code(err) != domain.EFORBIDDEN {
		t.Errorf("health saves: %v", err)
	}
}

func TestSaveAttendanceWeek(t *testing.T) {
	f := newFixture(t)
	f.db.Now = afterTestWeek
	ctx := context.Background()
	monday := date("2026-11-30")
	kari := f.participant(t, f.cwA, "Kari", "Nordmann", "2026-09-01", 2250)
	ali := f.participant(t, f.cwA, "Ali", "Hassan", "2026-11-16", 2250) // 2 weeks in the programme
	week := []domain.AttendanceCellForm{
		atCell(kari, "2026-11-30", "7,5", "", 0), atCell(kari, "2026-12-01", "0", domain.ReasonUnexcused, 0),
		atCell(kari, "2026-12-02", "5", domain.ReasonIllness, 0), atCell(kari, "2026-12-03", "", "", 0),
		atCell(ali, "2026-11-30", "7,5", "", 0),
	}
	res, err := f.db.SaveAttendanceWeek(ctx, f.cwA.Scope(), monday, week)
	if err != nil || res.Changed != 4 || res.Participants != 2 {
		t.Fatalf("save: %+v %v", res, err)
	}
	var present, absent int
	var reason string
	if err := f.db.Pool.QueryRow(ctx, `SELECT present_minutes, absent_minutes, reason FROM attendance WHERE person_id = $1 AND day = '2026-12-02'`, kari).Scan(&present, &absent, &reason); err != nil || present != 300 || absent != 150 || reason != "illness" {
		t.Fatalf("stored %d/%d/%s %v", present, absent, reason, err)
	}
	audit := `SELECT count(*) FROM audit_events WHERE entity = 'attendance'`
	if n := atCount(t, f, audit); n != 2 {
		t.Fatalf("%d audit rows, want one per participant", n)
	}
	var changes string
	if err := f.db.Pool.QueryRow(ctx, `SELECT changes::text FROM audit_events WHERE entity = 'attendance' AND person_id = $1`, kari).Scan(&changes); err != nil ||
		!strings.Contains(changes, "2026-12-01") || !strings.Contains(changes, "ugyldig fravær") {
		t.Errorf("audit changes %s %v", changes, err)
	}

	// The same form again changes nothing and writes no audit row.
	res, err = f.db.SaveAttendanceWeek(ctx, f.cwA.Scope(), monday, week)
	if err != nil || res.Changed != 0 {
		t.Fatalf("second save: %+v %v", res, err)
	}
	if n := atCount(t, f, audit); n != 2 {
		t.Errorf("second save wrote audit rows: %d", n)
	}
	if n := atCount(t, f, `SELECT count(*) FROM attendance WHERE version <> 1`); n != 0 {
		t.Errorf("second save bumped %d versions", n)
	}

	// Another user changes Tuesday; a change based on the old version is a
	// conflict naming the cell, and nothing of that save is written.
	if _, err := f.db.SaveAttendanceWeek(ctx, f.cwA2.Scope(), monday, []domain.AttendanceCellForm{atCell(kari, "2026-12-01", "7,5", "", 1)}); err != nil {
		t.Fatal(err)
	}
	_, err = f.db.SaveAttendanceWeek(ctx, f.cwA.Scope(), monday, []domain.AttendanceCellForm{
		atCell(kari, "2026-12-01", "2", domain.ReasonIllness, 1), atCell(ali, "2026-12-01", "7,5", "", 0)})
	var conflict *postgres.AttendanceConflictError
	if !errors.As(err, &conflict) || code(err) != domain.ECONFLICT || len(conflict.Current) != 1 {
		t.Fatalf("stale cell: %v", err)
	}
	if msg := conflict.Current[0].Message(); !strings.Contains(msg, "Kari Nordmann tirsdag 01.12 ble endret av en annen") || !strings.Contains(msg, "7,5 t til stede") {
		t.Errorf("conflict message %q", msg)
	}
	if n := atCount(t, f, `SELECT count(*) FROM attendance WHERE person_id = $1 AND day = '2026-12-01'`, ali); n != 0 {
		t.Error("a conflicting save wrote another cell")
	}

	// One transaction: a rule violation (self-certified illness after two
	// weeks) saves nothing of the week, not even the valid cells.
	before := atCount(t, f, `SELECT count(*) FROM attendance`)
	_, err = f.db.SaveAttendanceWeek(ctx, f.cwA.Scope(), monday, []domain.AttendanceCellForm{
		atCell(kari, "2026-12-04", "7,5", "", 0), atCell(ali, "2026-12-02", "", domain.ReasonSelfCertified, 0)})
	if code(err) != domain.EINVALID || !strings.Contains(fieldErrs(err)[domain.RowField(ali)], "først etter 8 uker") {
		t.Fatalf("self-certified too early: %v", err)
	}
	if n := atCount(t, f, `SELECT count(*) FROM attendance`); n != before {
		t.Errorf("a refused week saved %d rows", n-before)
	}
}

func fieldErrs(err error) map[string]string {
	var de *domain.Error
	if errors.As(err, &de) {
		return de.Fields
	}
	return nil
}

func TestAttendanceRulesFromStoredRows(t *testing.T) {
	f := newFixture(t)
	f.db.Now = afterTestWeek
	ctx := context.Background()
	kari := f.participant(t, f.cwA, "Kari", "Nordmann", "2025-01-06", 2250)
	// Four self-certified spells already this year, and 25 holiday days.
	for _, d := range []string{"2026-03-02", "2026-05-04", "2026-08-03", "2026-10-05"} {
		if _, err := f.db.Pool.Exec(ctx, `INSERT INTO attendance (person_id, day, absent_minutes, reason) VALUES ($1, $2, 450, 'self_certified')`, kari, date(d)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.db.Pool.Exec(ctx, `INSERT INTO attendance (person_id, day, absent_minutes, reason)
		SELECT $1, d, 450, 'holiday' FROM generate_series('2026-06-22'::date, '2026-08-01'::date, '1 day') d
		WHERE extract(isodow FROM d) < 6 AND d <> '2026-08-03' LIMIT 25`, kari); err != nil {
		t.Fatal(err)
	}
	monday := date("2026-11-30")
	_, err := f.db.SaveAttendanceWeek(ctx, f.cwA.Scope(), monday, []domain.AttendanceCellForm{atCell(kari, "2026-12-01", "", domain.ReasonSelfCertified, 0)})
	if msg := fieldErrs(err)[domain.RowField(kari)]; !strings.Contains(msg, "høyst 4 ganger") {
		t.Errorf("5th spell: %v", err)
	}
	_, err = f.db.SaveAttendanceWeek(ctx, f.cwA.Scope(), monday, []domain.AttendanceCellForm{atCell(kari, "2026-12-01", "", domain.ReasonHoliday, 0)})
	if msg := fieldErrs(err)[domain.RowField(kari)]; !strings.Contains(msg, "Ferie: høyst 25 dager") {
		t.Errorf("26th holiday day: %v", err)
	}
	g, err := f.db.AttendanceWeekGrid(ctx, f.cwA.Scope(), postgres.AttendanceSelection{Monday: monday})
	if err != nil || len(g.Participants) != 1 || g.Participants[0].HolidayUsed != 25 {
		t.Fatalf("grid holiday used: %+v %v", g, err)
	}
	// Sick child: a sole carer of one child under 12 has 20 days.
	hid, err := f.db.CreateHousehold(ctx, f.cwA.Scope(), domain.HouseholdInput{Name: "Familien Nordmann"},
		&domain.MemberInput{PersonID: kari, Relation: domain.RelationHead, JoinedOn: date("2026-01-05")})
	if err != nil {
		t.Fatal(err)
	}
	child := input("Liten", "Nordmann", f.cwA)
	child.BirthDate = date("2020-02-02")
	child.NationalID = nil
	child.DUFNumber = ptr("201912345678")
	cid, err := f.db.CreatePerson(ctx, f.cwA.Scope(), child)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.db.AddHouseholdMember(ctx, f.cwA.Scope(), hid, domain.MemberInput{PersonID: cid, Relation: domain.RelationChild, JoinedOn: date("2026-01-05"), Version: f.version(t, hid)}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.Pool.Exec(ctx, `INSERT INTO attendance (person_id, day, absent_minutes, reason)
		SELECT $1, d, 450, 'sick_child' FROM generate_series('2026-02-02'::date, '2026-03-31'::date, '1 day') d
		WHERE extract(isodow FROM d) < 6 AND d <> '2026-03-02' LIMIT 19`, kari); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.SaveAttendanceWeek(ctx, f.cwA.Scope(), monday, []domain.AttendanceCellForm{atCell(kari, "2026-11-30", "", domain.ReasonSickChild, 0)}); err != nil {
		t.Errorf("the 20th sick-child day of a sole carer: %v", err)
	}
	_, err = f.db.SaveAttendanceWeek(ctx, f.cwA.Scope(), monday, []domain.AttendanceCellForm{atCell(kari, "2026-12-02", "", domain.ReasonSickChild, 0)})
	if msg := fieldErrs(err)[domain.RowField(kari)]; !strings.Contains(msg, "Sykt barn: høyst 20 dager") {
		t.Errorf("the 21st: %v", err)
	}
	_ = time.Now
}

// afterTestWeek is the clock of the attendance tests: Monday 7 December
// 2026, so every day of the week they save (2026-W49) has come.
func afterTestWeek() time.Time { return time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC) }
