package domain

import (
	"strings"
	"testing"
	"time"
)

func lday(s string) time.Time {
	d, _ := time.Parse("2006-01-02", s)
	return d
}

func ldayp(s string) *time.Time {
	if s == "" {
		return nil
	}
	d := lday(s)
	return &d
}

func TestCheckLeaseCapacity(t *testing.T) {
	p := func(id int64) *int64 { return &id }
	lp := func(hh int64, person *int64, start, end string) LeasePeriod {
		return LeasePeriod{HouseholdID: hh, PersonID: person, Start: lday(start), End: ldayp(end)}
	}
	tests := []struct {
		name     string
		bedrooms int
		existing []LeasePeriod
		lease    LeasePeriod
		ok       bool
	}{
		{"empty unit", 2, nil, lp(1, nil, "2026-01-01", ""), true},
		{"studio, one household", 0, nil, lp(1, nil, "2026-01-01", ""), true},
		{"studio, second household overlaps", 0, []LeasePeriod{lp(1, nil, "2026-01-01", "")}, lp(2, nil, "2026-06-01", "2026-07-01"), false},
		{"end = start of the next", 1, []LeasePeriod{lp(1, nil, "2026-01-01", "2026-03-01")}, lp(2, nil, "2026-03-01", ""), true},
		{"next ends on my start", 1, []LeasePeriod{lp(1, nil, "2026-03-01", "")}, lp(2, nil, "2026-01-01", "2026-03-01"), true},
		{"one day overlap", 1, []LeasePeriod{lp(1, nil, "2026-01-01", "2026-03-02")}, lp(2, nil, "2026-03-01", ""), false},
		{"open-ended later lease inside an open-ended new one", 1, []LeasePeriod{lp(1, nil, "2027-01-01", "")}, lp(2, nil, "2026-01-01", ""), false},
		{"two bedrooms, two households", 2, []LeasePeriod{lp(1, nil, "2026-01-01", "")}, lp(2, nil, "2026-01-01", ""), true},
		{"two bedrooms, third household", 2, []LeasePeriod{lp(1, nil, "2026-01-01", ""), lp(2, nil, "2026-02-01", "")}, lp(3, nil, "2026-03-01", "2026-04-01"), false},
		{"two bedrooms, third after one ends", 2, []LeasePeriod{lp(1, nil, "2026-01-01", "2026-03-01"), lp(2, nil, "2026-02-01", "")}, lp(3, nil, "2026-03-01", ""), true},
		{"third household starting later inside", 2, []LeasePeriod{lp(1, nil, "2026-01-01", ""), lp(2, nil, "2026-05-01", "")}, lp(3, nil, "2026-02-01", "2026-06-01"), false},
		{"same household, second adult", 1, []LeasePeriod{lp(1, p(10), "2026-01-01", "")}, lp(1, p(11), "2026-01-01", ""), true},
		{"same household, same adult twice", 3, []LeasePeriod{lp(1, p(10), "2026-01-01", "")}, lp(1, p(10), "2026-02-01", ""), false},
		{"same adult again after the first ended", 1, []LeasePeriod{lp(1, p(10), "2026-01-01", "2026-02-01")}, lp(1, p(10), "2026-02-01", ""), true},
		{"household contract twice", 3, []LeasePeriod{lp(1, nil, "2026-01-01", "")}, lp(1, nil, "2026-02-01", ""), false},
		{"disjoint earlier", 1, []LeasePeriod{lp(1, nil, "2026-05-01", "2026-06-01")}, lp(2, nil, "2026-01-01", "2026-02-01"), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg := CheckLeaseCapacity(tt.bedrooms, tt.existing, tt.lease)
			if (msg == "") != tt.ok {
				t.Fatalf("ok = %v, want %v (%q)", msg == "", tt.ok, msg)
			}
		})
	}
}

func TestLeaseFormValidate(t *testing.T) {
	good := LeaseForm{Unit: "3", Start: "01.02.2026", Rent: "9 500", Security: "deposit", SecurityAmt: "28 500", Tenant: "7"}
	in, err := good.Validate()
	if err != nil {
		t.Fatal(err)
	}
	if in.HousingUnitID != 3 || in.RentOre != 950000 || in.SecurityOre != 2850000 || *in.PersonID != 7 || in.End != nil {
		t.Fatalf("%+v", in)
	}
	bad := []struct {
		field string
		f     func(*LeaseForm)
	}{
		{"unit", func(f *LeaseForm) { f.Unit = "" }},
		{"start", func(f *LeaseForm) { f.Start = "" }},
		{"start", func(f *LeaseForm) { f.Start = "31.02.2026" }},
		{"end", func(f *LeaseForm) { f.End = "01.01.2026" }},
		{"rent", func(f *LeaseForm) { f.Rent = "-1" }},
		{"security", func(f *LeaseForm) { f.Security = "cash" }},
		{"security_amount", func(f *LeaseForm) { f.SecurityAmt = "" }},
		{"security_amount", func(f *LeaseForm) { f.Security = "none"; f.SecurityAmt = "100" }},
		{"tenant", func(f *LeaseForm) { f.Tenant = "x" }},
	}
	for _, b := range bad {
		f := good
		b.f(&f)
		_, err := f.Validate()
		if e, ok := err.(*Error); !ok || e.Fields[b.field] == "" {
			t.Errorf("%s: %v", b.field, err)
		}
	}
	f := good
	f.Security, f.SecurityAmt, f.Tenant, f.End = "", "", "", "01.02.2026"
	if in, err := f.Validate(); err != nil || in.Security != SecurityNone || in.PersonID != nil || in.End == nil {
		t.Fatalf("%+v %v", in, err)
	}
}

func TestCheckTenant(t *testing.T) {
	ms := []HouseholdMember{
		{PersonID: 1, BirthDate: lday("1990-05-05")},
		{PersonID: 2, BirthDate: lday("2008-03-02")},
		{PersonID: 3, BirthDate: lday("1980-01-01"), LeftOn: ldayp("2026-01-01")},
	}
	start := lday("2026-03-01")
	if m := CheckTenant(1, start, ms); m != "" {
		t.Error(m)
	}
	if m := CheckTenant(2, start, ms); !strings.Contains(m, "18") {
		t.Error("17-year-old:", m)
	}
	if m := CheckTenant(2, lday("2026-03-02"), ms); m != "" {
		t.Error("18th birthday:", m)
	}
	if m := CheckTenant(3, start, ms); m == "" {
		t.Error("left")
	}
	if m := CheckTenant(9, start, ms); m == "" {
		t.Error("not a member")
	}
}

func TestLeaseEditAndChecklist(t *testing.T) {
	start := lday("2026-01-01")
	if _, err := (LeaseEditForm{End: "2025-12-31", Rent: "1", Version: "1"}).Validate(start); err == nil {
		t.Error("end before start")
	}
	if _, err := (LeaseEditForm{Rent: "1"}).Validate(start); err == nil {
		t.Error("no version")
	}
	in, err := (LeaseEditForm{End: "2026-01-01", Rent: "100", Arrears: true, Version: "2"}).Validate(start)
	if err != nil || in.End == nil || !in.Arrears || in.RentOre != 10000 {
		t.Fatalf("%+v %v", in, err)
	}
	today := lday("2026-03-01")
	if _, err := (ChecklistForm{Phase: "move_in", Item: "keys", DoneOn: "2026-03-02"}).Validate(today); err == nil {
		t.Error("future")
	}
	if _, err := (ChecklistForm{Phase: "move_in", Item: "key"}).Validate(today); err == nil {
		t.Error("unknown item")
	}
	if in, err := (ChecklistForm{Phase: "move_out", Item: "meter_reading", DoneOn: "01.03.2026", Note: "Strøm 12345", Version: "3"}).Validate(today); err != nil || in.Version != 3 {
		t.Error(in, err)
	}
	if _, err := (ChecklistForm{Phase: "move_out", Item: "meter_reading", Note: "Strøm 12345"}).Validate(today); err == nil {
		t.Error("a checklist item without its version")
	}
	l := Lease{Start: start, End: ldayp("2026-02-01")}
	if !l.RunsOn(start) || l.RunsOn(lday("2026-02-01")) || l.RunsOn(lday("2025-12-31")) {
		t.Error("RunsOn")
	}
}
