package domain

import (
	"strings"
	"testing"
	"time"
)

// testRates are the absence rates of migration 000013 as a table.
func testRates() Rates {
	d := time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)
	t := RateTable{
		{ID: 1, Kind: RateHolidayDays, EffectiveFrom: d, Value: 25},
		{ID: 2, Kind: RateSelfCertMaxDays, EffectiveFrom: d, Value: 3},
		{ID: 3, Kind: RateSelfCertAfterWeeks, EffectiveFrom: d, Value: 8},
		{ID: 4, Kind: RateSelfCertMaxTimes, EffectiveFrom: d, Value: 4},
		{ID: 5, Kind: RateSickChildDays, EffectiveFrom: d, Value: 10},
		{ID: 6, Kind: RateSickChildDaysMany, EffectiveFrom: d, Value: 15},
		{ID: 7, Kind: RateSickChildSoleFactor, EffectiveFrom: d, Value: 2},
	}
	return t.RatesOn(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
}

func atDay(s string) time.Time {
	d, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return d
}

func days(ss ...string) []time.Time {
	out := make([]time.Time, len(ss))
	for i, s := range ss {
		out[i] = atDay(s)
	}
	return out
}

func TestCellMinutes(t *testing.T) {
	for _, tc := range []struct {
		name             string
		expected         int
		present, reason  string
		wantP, wantA     int
		wantR            string
		wantMsgSubstring string
	}{
		{"full day", 450, "7,5", "", 450, 0, "", ""},
		{"more than planned", 450, "8", "", 480, 0, "", ""},
		{"colon", 450, "7:30", "", 450, 0, "", ""},
		{"missing hours need a reason", 450, "5", "", 0, 0, "", "Velg årsak for fraværet på 2,5 t"},
		{"missing hours with a reason", 450, "5", ReasonIllness, 300, 150, ReasonIllness, ""},
		{"empty present with reason is a whole day absent", 450, "", ReasonUnexcused, 0, 450, ReasonUnexcused, ""},
		{"reason without missing hours", 450, "7,5", ReasonHoliday, 0, 0, "", "mangler ingen timer"},
		{"no plan, no reason", 0, "", "", 0, 0, "", ""},
		{"no plan, a reason", 0, "", ReasonIllness, 0, 0, "", "mangler ingen timer"},
		{"bad hours", 450, "sju", "", 0, 0, "", "Skriv timer"},
		{"negative hours", 450, "-1", "", 0, 0, "", "Skriv timer"},
		{"unknown reason", 450, "5", "ferie!", 0, 0, "", "Velg en årsak"},
		{"24 hours is the most", 0, "24", "", 1440, 0, "", ""},
		{"over 24 hours", 0, "24,5", "", 0, 0, "", "høyst 24 timer"},
		{"present + absent over 24 hours", 1500, "1", ReasonIllness, 0, 0, "", "til sammen være høyst 24"},
		{"present + absent exactly 24 hours", 1440, "1", ReasonIllness, 60, 1380, ReasonIllness, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, a, r, msg := CellMinutes(tc.expected, tc.present, tc.reason)
			if tc.wantMsgSubstring != "" {
				if !strings.Contains(msg, tc.wantMsgSubstring) {
					t.Fatalf("message %q, want it to contain %q", msg, tc.wantMsgSubstring)
				}
				return
			}
			if msg != "" || p != tc.wantP || a != tc.wantA || r != tc.wantR {
				t.Fatalf("got %d/%d/%q %q, want %d/%d/%q", p, a, r, msg, tc.wantP, tc.wantA, tc.wantR)
			}
		})
	}
}

func TestSpells(t *testing.T) {
	got := Spells(days("2026-11-30", "2026-12-01", "2026-12-04", "2026-12-07", "2026-12-09", "2026-12-01"))
	// 30.11–01.12; 04.12 (Fri) + 07.12 (Mon) over the weekend; 09.12.
	if len(got) != 3 || len(got[0]) != 2 || len(got[1]) != 2 || len(got[2]) != 1 {
		t.Fatalf("spells %v", got)
	}
}

func TestCheckSelfCert(t *testing.T) {
	r := testRates()
	start := atDay("2026-09-01")
	// 8 weeks after 2026-09-01 is 2026-10-27.
	for _, tc := range []struct {
		name       string
		start      time.Time
		all, week  []time.Time
		wantSubstr string // "" = allowed
	}{
		{"the day 8 weeks after the start is allowed", start, days("2026-10-27"), days("2026-10-27"), ""},
		{"the day before is too early", start, days("2026-10-26"), days("2026-10-26"), "først etter 8 uker"},
		{"3 days in a row", start, days("2026-11-30", "2026-12-01", "2026-12-02"), days("2026-11-30", "2026-12-01", "2026-12-02"), ""},
		{"4 days in a row is too long", start, days("2026-11-30", "2026-12-01", "2026-12-02", "2026-12-03"), days("2026-11-30", "2026-12-01", "2026-12-02", "2026-12-03"), "høyst 3 dager om gangen"},
		{"a spell over the weekend counts its weekdays", start, days("2026-12-03", "2026-12-04", "2026-12-07", "2026-12-08"), days("2026-12-07", "2026-12-08"), "høyst 3 dager om gangen"},
		{"an old long spell is not judged again", start, days("2026-11-02", "2026-11-03", "2026-11-04", "2026-11-05", "2026-12-01"), days("2026-12-01"), ""},
		{"the 4th spell in 12 months is allowed", start, days("2026-10-28", "2026-11-04", "2026-11-11", "2026-12-01"), days("2026-12-01"), ""},
		{"the 5th spell in 12 months is refused", start, days("2026-10-28", "2026-11-04", "2026-11-11", "2026-11-18", "2026-12-01"), days("2026-12-01"), "høyst 4 ganger"},
		{"a spell more than 12 months back is not counted", atDay("2025-01-01"), days("2025-11-28", "2026-11-04", "2026-11-11", "2026-11-18", "2026-12-01"), days("2026-12-01"), ""},
		{"a spell 12 months back to the day is counted", atDay("2025-01-01"), days("2025-12-02", "2026-11-04", "2026-11-11", "2026-11-18", "2026-12-01"), days("2026-12-01"), "høyst 4 ganger"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			msgs := CheckSelfCert(r, tc.start, tc.all, tc.week)
			got := strings.Join(msgs, " ")
			if tc.wantSubstr == "" && got != "" {
				t.Fatalf("refused: %s", got)
			}
			if tc.wantSubstr != "" && !strings.Contains(got, tc.wantSubstr) {
				t.Fatalf("messages %q, want %q", got, tc.wantSubstr)
			}
		})
	}
}

func TestSickChildLimit(t *testing.T) {
	r := testRates()
	for _, tc := range []struct {
		children int
		sole     bool
		want     int
	}{
		{0, false, 10}, {2, false, 10}, {3, false, 15}, {2, true, 20}, {3, true, 30},
	} {
		if got := SickChildLimit(r, tc.children, tc.sole); got != tc.want {
			t.Errorf("%d children, sole %v: %d days, want %d", tc.children, tc.sole, got, tc.want)
		}
	}
}

// weekdaysFrom lists n weekdays from d.
func weekdaysFrom(d time.Time, n int) []time.Time {
	var out []time.Time
	for len(out) < n {
		if ISOWeekday(d) <= 5 {
			out = append(out, d)
		}
		d = AddDays(d, 1)
	}
	return out
}

func TestCheckDaysPerYear(t *testing.T) {
	used := weekdaysFrom(atDay("2026-06-01"), 24) // 24 holiday days in summer
	week := days("2026-12-01")
	if msg := CheckDaysPerYear(25, append(used, week...), week, "Ferie"); msg != "" {
		t.Errorf("the 25th day: %s", msg)
	}
	week = days("2026-12-01", "2026-12-02")
	if msg := CheckDaysPerYear(25, append(used, week...), week, "Ferie"); !strings.Contains(msg, "høyst 25 dager i 2026; dette blir 26") {
		t.Errorf("the 26th day: %q", msg)
	}
	// A new year starts afresh: days of 2026 do not count in 2027.
	week = days("2027-01-04")
	if msg := CheckDaysPerYear(24, append(used, atDay("2026-12-01"), week[0]), week, "Ferie"); msg != "" {
		t.Errorf("a new year: %s", msg)
	}
	if got := HolidayBalance(testRates(), 24); got != 1 {
		t.Errorf("balance %d, want 1", got)
	}
}

func TestCheckAttendanceWeek(t *testing.T) {
	r := testRates()
	monday := atDay("2026-11-30")
	after := atDay("2026-12-31") // "today" after the week: every day has come
	plan := PlanVersion{ID: 1, ValidFrom: atDay("2026-01-01"), Elements: []PlanElement{{Kind: ElementNorwegian, MinutesPerWeek: 2250, Weekdays: []int16{1, 2, 3, 4, 5}}}}
	newPart := func() map[int64]*AttendanceParticipant {
		return map[int64]*AttendanceParticipant{
			7: {PersonID: 7, Name: "Kari Nordmann", Start: atDay("2026-09-01"), Plans: []PlanVersion{plan},
				Stored: []AttendanceEntry{{PersonID: 7, Day: atDay("2026-12-01"), Present: 450, Version: 3}}},
		}
	}
	cell := func(d, present, reason string, version int) AttendanceCellForm {
		return AttendanceCellForm{PersonID: 7, Day: atDay(d), Present: present, Reason: reason, Version: version}
	}

	t.Run("unchanged cells are no change whatever their version", func(t *testing.T) {
		w, err := CheckAttendanceWeek(r, monday, after, newPart(), []AttendanceCellForm{cell("2026-12-01", "7,5", "", 1)})
		if err != nil || len(w.Changes) != 0 || len(w.Conflicts) != 0 {
			t.Fatalf("%+v %v", w, err)
		}
	})
	t.Run("a new cell and a changed cell", func(t *testing.T) {
		w, err := CheckAttendanceWeek(r, monday, after, newPart(), []AttendanceCellForm{
			cell("2026-11-30", "7,5", "", 0), cell("2026-12-01", "0", ReasonUnexcused, 3), cell("2026-12-02", "", "", 0)})
		if err != nil || len(w.Changes) != 2 || len(w.Conflicts) != 0 {
			t.Fatalf("%+v %v", w, err)
		}
		if c := w.Changes[1]; c.Absent != 450 || c.Reason != ReasonUnexcused || c.Version != 3 {
			t.Fatalf("change %+v", c)
		}
	})
	t.Run("a changed cell loaded with an old version is a conflict naming it", func(t *testing.T) {
		w, err := CheckAttendanceWeek(r, monday, after, newPart(), []AttendanceCellForm{cell("2026-12-01", "6", ReasonIllness, 2)})
		if err != nil || len(w.Conflicts) != 1 || len(w.Changes) != 0 {
			t.Fatalf("%+v %v", w, err)
		}
		if msg := w.Conflicts[0].Message(); !strings.Contains(msg, "Kari Nordmann tirsdag 01.12 ble endret av en annen") {
			t.Fatalf("message %q", msg)
		}
	})
	t.Run("a cell stored meanwhile by someone else is a conflict", func(t *testing.T) {
		p := newPart()
		p[7].Stored = append(p[7].Stored, AttendanceEntry{PersonID: 7, Day: atDay("2026-12-02"), Present: 300, Absent: 150, Reason: ReasonIllness, Version: 1})
		w, err := CheckAttendanceWeek(r, monday, after, p, []AttendanceCellForm{cell("2026-12-02", "7,5", "", 0)})
		if err != nil || len(w.Conflicts) != 1 {
			t.Fatalf("%+v %v", w, err)
		}
	})
	t.Run("errors are keyed by cell and row", func(t *testing.T) {
		p := newPart()
		p[7].Start = atDay("2026-11-01") // less than 8 weeks
		_, err := CheckAttendanceWeek(r, monday, after, p, []AttendanceCellForm{
			cell("2026-11-30", "5", "", 0), cell("2026-12-02", "", ReasonSelfCertified, 0)})
		fields := err.(*Error).Fields
		if !strings.Contains(fields["h-7-20261130"], "Velg årsak") || !strings.Contains(fields["row-7"], "først etter 8 uker") {
			t.Fatalf("fields %v", fields)
		}
	})
	t.Run("a day outside the programme is refused", func(t *testing.T) {
		p := newPart()
		end := atDay("2026-12-01")
		p[7].Ended = &end
		_, err := CheckAttendanceWeek(r, monday, after, p, []AttendanceCellForm{cell("2026-12-02", "7,5", "", 0)})
		if err == nil || !strings.Contains(err.(*Error).Fields["h-7-20261202"], "ikke i programmet") {
			t.Fatalf("%v", err)
		}
	})
	t.Run("holiday over the year's days is refused", func(t *testing.T) {
		p := newPart()
		for _, d := range weekdaysFrom(atDay("2026-06-01"), 25) {
			p[7].History = append(p[7].History, AttendanceEntry{PersonID: 7, Day: d, Absent: 450, Reason: ReasonHoliday})
		}
		_, err := CheckAttendanceWeek(r, monday, after, p, []AttendanceCellForm{cell("2026-11-30", "", ReasonHoliday, 0)})
		if err == nil || !strings.Contains(err.(*Error).Fields["row-7"], "Ferie: høyst 25 dager") {
			t.Fatalf("%v", err)
		}
	})
	t.Run("sick child days of a sole carer", func(t *testing.T) {
		p := newPart()
		p[7].SoleCarer = true
		for _, d := range weekdaysFrom(atDay("2026-02-02"), 19) {
			p[7].History = append(p[7].History, AttendanceEntry{PersonID: 7, Day: d, Absent: 450, Reason: ReasonSickChild})
		}
		if _, err := CheckAttendanceWeek(r, monday, after, p, []AttendanceCellForm{cell("2026-11-30", "", ReasonSickChild, 0)}); err != nil {
			t.Fatalf("the 20th day: %v", err)
		}
		_, err := CheckAttendanceWeek(r, monday, after, p, []AttendanceCellForm{cell("2026-11-30", "", ReasonSickChild, 0), cell("2026-12-02", "", ReasonSickChild, 0)})
		if err == nil || !strings.Contains(err.(*Error).Fields["row-7"], "Sykt barn: høyst 20 dager") {
			t.Fatalf("the 21st day: %v", err)
		}
	})

	t.Run("days that have not come take only a planned absence", func(t *testing.T) {
		today := atDay("2026-12-01") // Tuesday
		for _, tc := range []struct {
			c  AttendanceCellForm
			ok bool
		}{
			{cell("2026-12-01", "7,5", "", 3), true},              // today: hours present are fine
			{cell("2026-12-02", "7,5", "", 0), false},             // tomorrow: no hours present yet
			{cell("2026-12-02", "0", ReasonIllness, 0), false},    // nor illness ahead
			{cell("2026-12-02", "0", ReasonUnexcused, 0), false},  // nor unexcused absence
			{cell("2026-12-02", "0", ReasonHoliday, 0), true},     // holiday may be planned
			{cell("2026-12-04", "", ReasonWelfareLeave, 0), true}, // and welfare leave
			{cell("2026-12-03", "2", ReasonHoliday, 0), false},    // but with no hours present
			{cell("2026-12-03", "", "", 0), true},                 // an empty future cell is skipped
		} {
			_, err := CheckAttendanceWeek(r, monday, today, newPart(), []AttendanceCellForm{tc.c})
			if (err == nil) != tc.ok {
				t.Errorf("%s %q %q: err = %v, want ok %v", tc.c.Day.Format("2006-01-02"), tc.c.Present, tc.c.Reason, err, tc.ok)
			}
			if err != nil && !strings.Contains(err.(*Error).Fields[CellField("h", 7, tc.c.Day)], "ikke vært ennå") {
				t.Errorf("%s: message %q", tc.c.Day.Format("2006-01-02"), err.(*Error).Fields[CellField("h", 7, tc.c.Day)])
			}
		}
	})
}

func TestGroupForm(t *testing.T) {
	in, err := GroupForm{Name: "  Norsk A2  ", Contact: "Lærer Lise", Weekdays: []string{"3", "1", "1"}}.Validate(false)
	if err != nil || in.Name != "Norsk A2" || len(in.Weekdays) != 2 || in.Weekdays[0] != 1 {
		t.Fatalf("%+v %v", in, err)
	}
	for _, tc := range []struct {
		f     GroupForm
		field string
	}{
		{GroupForm{Name: "", Weekdays: []string{"1"}}, "name"},
		{GroupForm{Name: strings.Repeat("a", 121), Weekdays: []string{"1"}}, "name"},
		{GroupForm{Name: "A", Weekdays: nil}, "weekdays"},
		{GroupForm{Name: "A", Weekdays: []string{"6"}}, "weekdays"},
		{GroupForm{Name: "A", Contact: "x\u202ey", Weekdays: []string{"1"}}, "contact"},
	} {
		_, err := tc.f.Validate(false)
		if err == nil || err.(*Error).Fields[tc.field] == "" {
			t.Errorf("%+v: %v, want an error on %s", tc.f, err, tc.field)
		}
	}
	if _, err := (GroupForm{Name: "A", Weekdays: []string{"1"}}).Validate(true); err == nil {
		t.Error("an edit without version passed")
	}
	if got := FormatWeekdays([]int16{5, 1}); got != "man, fre" {
		t.Errorf("FormatWeekdays %q", got)
	}
}
