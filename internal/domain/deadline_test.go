package domain

import (
	"strings"
	"testing"
	"time"
)

func dlDate(s string) *time.Time {
	if s == "" {
		return nil
	}
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return &t
}

func TestComputeDeadlines(t *testing.T) {
	type want map[string]string // kind → due date; absent kinds must be absent
	for _, c := range []struct {
		name                string
		arrival, settlement string
		want                want
	}{
		{"ordinary", "2026-01-05", "2026-02-01", want{
			KindProgrammeOffer: "2026-05-01", KindNIRSettlement: "2026-04-01",
			KindTBScreening: "2026-01-19", KindHealthCheck: "2026-04-05"}},
		{"settled the day of arrival", "2026-03-10", "2026-03-10", want{
			KindProgrammeOffer: "2026-06-10", KindNIRSettlement: "2026-05-10",
			KindTBScreening: "2026-03-24", KindHealthCheck: "2026-06-10"}},
		// End of month: 31 January + 3 months = 30 April; + 2 months = 31 March.
		{"settled 31 January", "2026-01-20", "2026-01-31", want{
			KindProgrammeOffer: "2026-04-30", KindNIRSettlement: "2026-03-31",
			KindTBScreening: "2026-02-03", KindHealthCheck: "2026-04-20"}},
		// 31 December + 2 months = 28 February of the next year (no leap year).
		{"settled 31 December", "2026-12-01", "2026-12-31", want{
			KindProgrammeOffer: "2027-03-31", KindNIRSettlement: "2027-02-28",
			KindTBScreening: "2026-12-15", KindHealthCheck: "2027-03-01"}},
		// Into a leap year: 30 November 2023 + 3 months = 29 February 2024;
		// 29 December 2023 + 2 months = 29 February 2024.
		{"into a leap February", "2023-11-30", "2023-12-29", want{
			KindProgrammeOffer: "2024-03-29", KindNIRSettlement: "2024-02-29",
			KindTBScreening: "2023-12-14", KindHealthCheck: "2024-02-29"}},
		// From a leap day: 29 February 2024 + 3 months = 29 May; + 14 days = 14 March.
		{"from a leap day", "2024-02-29", "2024-02-29", want{
			KindProgrammeOffer: "2024-05-29", KindNIRSettlement: "2024-04-29",
			KindTBScreening: "2024-03-14", KindHealthCheck: "2024-05-29"}},
		// 14 days across the end of February in a leap year and not.
		{"TB across February, leap year", "2024-02-20", "", want{
			KindTBScreening: "2024-03-05", KindHealthCheck: "2024-05-20"}},
		{"TB across February", "2026-02-20", "", want{
			KindTBScreening: "2026-03-06", KindHealthCheck: "2026-05-20"}},
		{"TB across the year", "2026-12-25", "", want{
			KindTBScreening: "2027-01-08", KindHealthCheck: "2027-03-25"}},
		// Arrival unknown: no TB deadline, the health check counts from settlement.
		{"arrival unknown", "", "2025-11-30", want{
			KindProgrammeOffer: "2026-02-28", KindNIRSettlement: "2026-01-30",
			KindHealthCheck: "2026-02-28"}},
		{"no dates", "", "", want{}},
		// Settlement before arrival is refused: no deadlines from contradictory facts.
		{"settlement before arrival", "2026-03-10", "2026-03-09", want{}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := ComputeDeadlines(DeadlineFacts{Arrival: dlDate(c.arrival), Settlement: dlDate(c.settlement)})
			if len(got) != len(c.want) {
				t.Fatalf("got %d deadlines %+v, want %d", len(got), got, len(c.want))
			}
			seen := map[string]bool{}
			for _, d := range got {
				w, ok := c.want[d.Kind]
				if !ok {
					t.Errorf("unexpected kind %s", d.Kind)
					continue
				}
				if seen[d.Kind] {
					t.Errorf("kind %s twice", d.Kind)
				}
				seen[d.Kind] = true
				if g := d.Due.Format("2006-01-02"); g != w {
					t.Errorf("%s due %s, want %s", d.Kind, g, w)
				}
				if d.Title == "" || d.Title != DeadlineTitle(d.Kind) {
					t.Errorf("%s title %q", d.Kind, d.Title)
				}
				if wantHealth := d.Kind == KindTBScreening || d.Kind == KindHealthCheck; d.Health != wantHealth {
					t.Errorf("%s health = %v", d.Kind, d.Health)
				}
				if d.Due.Location() != time.UTC || d.Due.Hour() != 0 {
					t.Errorf("%s due %v is not a UTC date", d.Kind, d.Due)
				}
			}
		})
	}
}

func TestComputeDeadlinesIgnoresTimeOfDay(t *testing.T) {
	oslo, err := time.LoadLocation("Europe/Oslo")
	if err != nil {
		t.Skip("no time zone data")
	}
	a := time.Date(2026, 1, 31, 23, 30, 0, 0, oslo)
	got := ComputeDeadlines(DeadlineFacts{Arrival: &a, Settlement: &a})
	for _, d := range got {
		if d.Kind == KindProgrammeOffer && d.Due.Format("2006-01-02") != "2026-04-30" {
			t.Errorf("programme offer from 31 Jan 23:30 Oslo time: %s", d.Due)
		}
	}
}

func TestSettlementBeforeArrivalIsRefused(t *testing.T) {
	f := DeadlineFacts{Arrival: dlDate("2026-03-10"), Settlement: dlDate("2026-03-09")}
	if err := f.Validate(); ErrorCode(err) != EINVALID {
		t.Errorf("DeadlineFacts.Validate: %v, want invalid", err)
	}
	if err := (DeadlineFacts{Arrival: dlDate("2026-03-10"), Settlement: dlDate("2026-03-10")}).Validate(); err != nil {
		t.Errorf("same day: %v", err)
	}
	if err := (DeadlineFacts{Settlement: dlDate("2026-03-10")}).Validate(); err != nil {
		t.Errorf("arrival unknown: %v", err)
	}
	// The person form refuses it too, so it never reaches the store.
	pf := PersonForm{GivenName: "Amina", FamilyName: "Haidari", BirthDate: "1990-04-12", Sex: "female",
		DUFNumber: "201912345678", CountryOfOrigin: "AF", ResidenceBasis: BasisReception,
		ArrivalDate: "2026-03-10", SettlementDate: "2026-03-09"}
	_, err := pf.Validate(time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC))
	var de *Error
	if ErrorCode(err) != EINVALID || !asError(err, &de) || de.Fields["settlement_date"] == "" {
		t.Errorf("PersonForm.Validate: %v, want a settlement_date message", err)
	}
}

func asError(err error, out **Error) bool {
	e, ok := err.(*Error)
	if ok {
		*out = e
	}
	return ok
}

func TestDeadlineStatus(t *testing.T) {
	today := *dlDate("2026-03-10")
	for _, c := range []struct {
		due, done string
		want      string
	}{
		{"2026-03-11", "", DeadlineOpen},
		{"2026-03-10", "", DeadlineOpen}, // due today: not yet overdue
		{"2026-03-09", "", DeadlineOverdue},
		{"2025-12-31", "", DeadlineOverdue},
		{"2026-03-09", "2026-03-10", DeadlineDone}, // done late is done
		{"2026-04-01", "2026-03-01", DeadlineDone},
	} {
		if got := DeadlineStatus(*dlDate(c.due), dlDate(c.done), today); got != c.want {
			t.Errorf("due %s done %q: %s, want %s", c.due, c.done, got, c.want)
		}
	}
	// Time of day does not matter.
	late := time.Date(2026, 3, 10, 23, 59, 0, 0, time.UTC)
	if got := DeadlineStatus(*dlDate("2026-03-10"), nil, late); got != DeadlineOpen {
		t.Errorf("due today, late evening: %s", got)
	}
}

func TestDeadlineVisibility(t *testing.T) {
	if DeadlineCapability(true) != CapWriteHealth || DeadlineCapability(false) != CapWriteCase {
		t.Error("DeadlineCapability")
	}
	hk := HealthDeadlineKinds()
	if len(hk) != 2 || hk[0] != KindTBScreening || hk[1] != KindHealthCheck {
		t.Errorf("health kinds %v", hk)
	}
	if DeadlineTitle(KindTask) != "Oppgave" || DeadlineTitle(KindProgrammeOffer) != "Tilbud om introduksjonsprogram" {
		t.Error("titles")
	}
}

func TestTaskFormValidate(t *testing.T) {
	today := time.Date(2026, 3, 10, 15, 0, 0, 0, time.UTC)
	ok := TaskForm{Title: "  Ring   NAV om \t bostøtte ", DueDate: "2026-03-20", AssigneeID: "7", Version: "3"}
	in, err := ok.Validate(today)
	if err != nil {
		t.Fatal(err)
	}
	if in.Title != "Ring NAV om bostøtte" || in.Due.Format("2006-01-02") != "2026-03-20" || in.AssigneeID != 7 || in.Version != 3 {
		t.Errorf("input %+v", in)
	}
	// dd.mm.yyyy, a past due date, exactly 200 characters (counted as runes).
	in, err = TaskForm{Title: strings.Repeat("ø", 200), DueDate: "01.02.2026", AssigneeID: "1"}.Validate(today)
	if err != nil || in.Due.Format("2006-01-02") != "2026-02-01" {
		t.Errorf("200 runes, past date: %+v %v", in, err)
	}
	for _, c := range []struct {
		name  string
		f     TaskForm
		field string
		msg   string
	}{
		{"empty title", TaskForm{Title: "   ", DueDate: "2026-03-20", AssigneeID: "1"}, "title", "må fylles ut"},
		{"too long title", TaskForm{Title: strings.Repeat("a", 201), DueDate: "2026-03-20", AssigneeID: "1"}, "title", "høyst 200"},
		{"control character", TaskForm{Title: "a\x00b", DueDate: "2026-03-20", AssigneeID: "1"}, "title", "kontrolltegn"},
		{"no due date", TaskForm{Title: "x", AssigneeID: "1"}, "due_date", "må fylles ut"},
		{"bad due date", TaskForm{Title: "x", DueDate: "2026-02-30", AssigneeID: "1"}, "due_date", "gyldig dato"},
		{"due date too early", TaskForm{Title: "x", DueDate: "1989-12-31", AssigneeID: "1"}, "due_date", "før 1990"},
		{"due date too far ahead", TaskForm{Title: "x", DueDate: "2031-03-11", AssigneeID: "1"}, "due_date", "5 år"},
		{"no assignee", TaskForm{Title: "x", DueDate: "2026-03-20"}, "assignee_id", "Velg"},
		{"bad assignee", TaskForm{Title: "x", DueDate: "2026-03-20", AssigneeID: "-3"}, "assignee_id", "Ukjent"},
		{"bad version", TaskForm{Title: "x", DueDate: "2026-03-20", AssigneeID: "1", Version: "x"}, "version", "versjon"},
	} {
		_, err := c.f.Validate(today)
		var de *Error
		if !asError(err, &de) || de.Code != EINVALID {
			t.Errorf("%s: %v, want invalid", c.name, err)
			continue
		}
		if !strings.Contains(de.Fields[c.field], c.msg) {
			t.Errorf("%s: fields %v, want %s to mention %q", c.name, de.Fields, c.field, c.msg)
		}
	}
	// Five years ahead to the day is allowed.
	if _, err := (TaskForm{Title: "x", DueDate: "2031-03-10", AssigneeID: "1"}).Validate(today); err != nil {
		t.Errorf("five years ahead: %v", err)
	}
}

func TestParseDoneDate(t *testing.T) {
	today := time.Date(2026, 3, 10, 22, 0, 0, 0, time.UTC)
	if d, err := ParseDoneDate("2026-03-10", today); err != nil || d.Format("2006-01-02") != "2026-03-10" {
		t.Errorf("today: %v %v", d, err)
	}
	if d, err := ParseDoneDate("29.02.2024", today); err != nil || d.Format("2006-01-02") != "2024-02-29" {
		t.Errorf("leap day: %v %v", d, err)
	}
	for s, msg := range map[string]string{
		"": "må fylles ut", "2026-03-11": "fremtiden", "2025-02-29": "gyldig dato", "1989-01-01": "før 1990", "i går": "gyldig dato",
	} {
		_, err := ParseDoneDate(s, today)
		var de *Error
		if !asError(err, &de) || !strings.Contains(de.Fields["done_on"], msg) {
			t.Errorf("ParseDoneDate(%q): %v, want %q", s, err, msg)
		}
	}
}
