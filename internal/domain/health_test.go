package domain

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func hd(s string) time.Time {
	d, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return d
}

func hdp(s string) *time.Time { d := hd(s); return &d }

func TestPlanHealthItems(t *testing.T) {
	type want struct{ kind, due, status string }
	cases := []struct {
		name string
		f    HealthFacts
		want []want
	}{
		{"no dates, no checklist", HealthFacts{BirthDate: hd("1990-01-01"), Country: "ER"}, nil},
		{"adult from high-incidence country, arrival known",
			HealthFacts{BirthDate: hd("1990-05-01"), Country: "ER", Arrival: hdp("2024-02-20"), Settlement: hdp("2024-03-01")},
			[]want{{HealthTB, "2024-03-05", HealthNotStarted}, {HealthCheck, "2024-05-20", HealthNotStarted},
				{HealthVaccines, "2024-05-20", HealthNotStarted}, {HealthMental, "2024-05-20", HealthNotStarted},
				{HealthGP, "2024-05-20", HealthNotStarted}}},
		{"arrival unknown counts from settlement; end of month",
			HealthFacts{BirthDate: hd("1980-01-01"), Country: "SO", Settlement: hdp("2023-11-30")},
			[]want{{HealthTB, "2023-12-14", HealthNotStarted}, {HealthCheck, "2024-02-29", HealthNotStarted},
				{HealthVaccines, "2024-02-29", HealthNotStarted}, {HealthMental, "2024-02-29", HealthNotStarted},
				{HealthGP, "2024-02-29", HealthNotStarted}}},
		{"low-incidence country: TB not relevant; a child gets dental",
			HealthFacts{BirthDate: hd("2015-06-01"), Country: "SY", Arrival: hdp("2025-01-31")},
			[]want{{HealthTB, "2025-02-14", HealthNotRelevant}, {HealthCheck, "2025-04-30", HealthNotStarted},
				{HealthVaccines, "2025-04-30", HealthNotStarted}, {HealthMental, "2025-04-30", HealthNotStarted},
				{HealthGP, "2025-04-30", HealthNotStarted}, {HealthDental, "2025-04-30", HealthNotStarted}}},
		{"17 the day before the 18th birthday: dental",
			HealthFacts{BirthDate: hd("2007-03-02"), Country: "UA", Arrival: hdp("2025-03-01")},
			[]want{{HealthTB, "2025-03-15", HealthNotStarted}, {HealthCheck, "2025-06-01", HealthNotStarted},
				{HealthVaccines, "2025-06-01", HealthNotStarted}, {HealthMental, "2025-06-01", HealthNotStarted},
				{HealthGP, "2025-06-01", HealthNotStarted}, {HealthDental, "2025-06-01", HealthNotStarted}}},
		{"18 on arrival: no dental",
			HealthFacts{BirthDate: hd("2007-03-01"), Country: "UA", Arrival: hdp("2025-03-01")},
			[]want{{HealthTB, "2025-03-15", HealthNotStarted}, {HealthCheck, "2025-06-01", HealthNotStarted},
				{HealthVaccines, "2025-06-01", HealthNotStarted}, {HealthMental, "2025-06-01", HealthNotStarted},
				{HealthGP, "2025-06-01", HealthNotStarted}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := PlanHealthItems(c.f)
			if len(got) != len(c.want) {
				t.Fatalf("got %d items %+v, want %d", len(got), got, len(c.want))
			}
			for i, w := range c.want {
				g := got[i]
				if g.Kind != w.kind || g.Due.Format("2006-01-02") != w.due || g.Status != w.status {
					t.Errorf("item %d = %s %s %s, want %s %s %s", i, g.Kind, g.Due.Format("2006-01-02"), g.Status, w.kind, w.due, w.status)
				}
				if (g.Status == HealthNotRelevant) != (g.Reason != "") {
					t.Errorf("item %d: reason %q with status %s", i, g.Reason, g.Status)
				}
			}
		})
	}
}

// The checklist's TB and health-check items fall due with the deadlines.
func TestPlanHealthItemsMatchDeadlines(t *testing.T) {
	f := HealthFacts{BirthDate: hd("1990-01-01"), Country: "AF", Arrival: hdp("2024-01-31"), Settlement: hdp("2024-02-10")}
	items := map[string]time.Time{}
	for _, it := range PlanHealthItems(f) {
		items[it.Kind] = it.Due
	}
	for _, d := range ComputeDeadlines(DeadlineFacts{Arrival: f.Arrival, Settlement: f.Settlement}) {
		if d.Health && !items[d.Kind].Equal(d.Due) {
			t.Errorf("%s: item due %v, deadline due %v", d.Kind, items[d.Kind], d.Due)
		}
	}
}

func TestVaccinesLatestAndXRay(t *testing.T) {
	f := HealthFacts{BirthDate: hd("2000-01-01"), Arrival: hdp("2024-02-29")}
	if l, ok := VaccinesLatest(f); !ok || l.Format("2006-01-02") != "2025-02-28" {
		t.Errorf("latest = %v %v", l, ok)
	}
	if _, ok := VaccinesLatest(HealthFacts{}); ok {
		t.Error("latest without dates")
	}
	cases := []struct {
		birth, arrival string
		want           bool
	}{
		{"2014-03-01", "2024-03-01", true},  // 10 on arrival
		{"2014-03-02", "2024-03-01", false}, // 9
		{"1988-03-02", "2024-03-01", true},  // 35 (36 the next day)
		{"1988-03-01", "2024-03-01", false}, // 36
	}
	for _, c := range cases {
		if got := HealthTBXRay(HealthFacts{BirthDate: hd(c.birth), Arrival: hdp(c.arrival)}); got != c.want {
			t.Errorf("x-ray %s/%s = %v", c.birth, c.arrival, got)
		}
	}
}

func TestHighTBIncidence(t *testing.T) {
	for _, c := range HighTBIncidenceCountries() {
		if Label(countries, c) == c {
			t.Errorf("%s is not a country of the person form", c)
		}
	}
	if HighTBIncidence("SY") || !HighTBIncidence("ER") || !HighTBIncidence("XX") {
		t.Error("wrong list")
	}
}

func TestHealthSummary(t *testing.T) {
	today := hd("2025-06-10")
	item := func(status, due string) HealthItem { return HealthItem{Status: status, Due: hdp(due)} }
	cases := []struct {
		name  string
		items []HealthItem
		want  string
	}{
		{"none", nil, ""},
		{"all closed", []HealthItem{item(HealthDone, "2025-01-01"), item(HealthDeclined, "2025-01-01"), item(HealthNotRelevant, "2025-01-01")}, "Helseoppfølging: fullført"},
		{"open not yet due; due today is not late", []HealthItem{item(HealthDone, "2025-01-01"), item(HealthBooked, "2025-06-10")}, "Helseoppfølging: pågår"},
		{"an open item overdue", []HealthItem{item(HealthNotStarted, "2025-07-01"), item(HealthBooked, "2025-06-09")}, "Helseoppfølging: forsinket"},
		{"done late is not late", []HealthItem{item(HealthDone, "2025-01-01")}, "Helseoppfølging: fullført"},
	}
	for _, c := range cases {
		if got := HealthSummary(c.items, today); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}

func TestHealthItemFormValidate(t *testing.T) {
	today := hd("2025-06-10")
	cases := []struct {
		name   string
		f      HealthItemForm
		fields []string
	}{
		{"booked with date, place, interpreter", HealthItemForm{Status: "booked", BookedOn: "2025-06-20", Place: "health_station", InterpreterBooked: "true", LogisticsNote: "Tolk tigrinja, taxi bestilt", Version: "1"}, nil},
		{"booked without date", HealthItemForm{Status: "booked", Version: "1"}, []string{"booked_on"}},
		{"done without date", HealthItemForm{Status: "done", Version: "1"}, []string{"done_on"}},
		{"done in the future", HealthItemForm{Status: "done", DoneOn: "2025-06-11", Version: "1"}, []string{"done_on"}},
		{"done date when not done", HealthItemForm{Status: "booked", BookedOn: "10.06.2025", DoneOn: "2025-06-01", Version: "1"}, []string{"done_on"}},
		{"not relevant without reason", HealthItemForm{Status: "not_relevant", Version: "1"}, []string{"not_relevant_reason"}},
		{"unknown status and place", HealthItemForm{Status: "x", Place: "moon", Version: "1"}, []string{"status", "place"}},
		{"bad date", HealthItemForm{Status: "booked", BookedOn: "31.02.2025", Version: "1"}, []string{"booked_on"}},
		{"note too long", HealthItemForm{Status: "not_started", LogisticsNote: strings.Repeat("a", 501), Version: "1"}, []string{"logistics_note"}},
		{"note with control character", HealthItemForm{Status: "not_started", LogisticsNote: "a\u202eb", Version: "1"}, []string{"logistics_note"}},
		{"no version", HealthItemForm{Status: "not_started"}, []string{"version"}},
		{"declined", HealthItemForm{Status: "declined", Version: "3"}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in, err := c.f.Validate(today)
			var de *Error
			if len(c.fields) == 0 {
				if err != nil {
					t.Fatalf("error %v", err)
				}
				return
			}
			if !errors.As(err, &de) || de.Code != EINVALID {
				t.Fatalf("err = %v", err)
			}
			for _, f := range c.fields {
				if de.Fields[f] == "" {
					t.Errorf("no message for %s: %v", f, de.Fields)
				}
			}
			if len(de.Fields) != len(c.fields) {
				t.Errorf("fields %v, want %v", de.Fields, c.fields)
			}
			_ = in
		})
	}
	in, err := HealthItemForm{Status: "not_relevant", NotRelevantReason: " Bor i utlandet ", BookedOn: "2025-06-01", InterpreterBooked: "on", Version: "2"}.Validate(today)
	if err != nil || in.NotRelevantReason != "Bor i utlandet" || !in.InterpreterBooked || in.Version != 2 || in.BookedOn == nil {
		t.Errorf("input %+v, %v", in, err)
	}
	in, _ = HealthItemForm{Status: "booked", BookedOn: "2025-06-20", NotRelevantReason: "x", Version: "1"}.Validate(today)
	if in.NotRelevantReason != "" {
		t.Error("reason kept for a relevant item")
	}
}

func TestHealthPurposeFormValidate(t *testing.T) {
	cases := []struct {
		f    HealthPurposeForm
		ok   bool
		want string
	}{
		{HealthPurposeForm{Purpose: "follow_up", Text: "ignored"}, true, "Oppfølging"},
		{HealthPurposeForm{Purpose: "booking"}, true, "Timebestilling"},
		{HealthPurposeForm{Purpose: "correction"}, true, "Retting"},
		{HealthPurposeForm{Purpose: "other", Text: " Innsynsbegjæring "}, true, "Annet: Innsynsbegjæring"},
		{HealthPurposeForm{Purpose: "other"}, false, ""},
		{HealthPurposeForm{Purpose: "other", Text: strings.Repeat("x", 201)}, false, ""},
		{HealthPurposeForm{}, false, ""},
		{HealthPurposeForm{Purpose: "curious"}, false, ""},
	}
	for _, c := range cases {
		p, err := c.f.Validate()
		if (err == nil) != c.ok {
			t.Errorf("%+v: err %v", c.f, err)
			continue
		}
		if c.ok && p.Label() != c.want {
			t.Errorf("%+v: label %q, want %q", c.f, p.Label(), c.want)
		}
	}
}

func TestHealthAuditVocabulary(t *testing.T) {
	if EntityLabel(EntityHealthItems) != "Helseoppfølging" || EntityLabel(EntityHealthItem) != "Helsepunkt" {
		t.Error("entity labels")
	}
	if FormatChangeValue("purpose", PurposeBooking) != "Timebestilling" || AuditFieldLabel("purpose") != "Formål" {
		t.Error("purpose label")
	}
	if (&AuditDetails{Purpose: PurposeFollowUp}).IsZero() {
		t.Error("purpose details are zero")
	}
}
