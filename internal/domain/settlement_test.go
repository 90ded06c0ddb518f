package domain

import (
	"testing"
	"time"
)

func TestSettlementCategory(t *testing.T) {
	for _, c := range []struct {
		basis string
		age   int
		want  string
	}{
		{BasisReception, 30, CatAdult},
		{BasisResettlement, 18, CatAdult},
		{BasisResettlement, 17, CatChild},
		{BasisReception, 0, CatChild},
		{BasisUnaccompanied, 16, CatUnaccompanied},
		{BasisUnaccompanied, 18, CatUnaccompanied}, // the basis decides
		{BasisFamily, 40, CatFamily},
		{BasisFamily, 5, CatFamily},
		{BasisCollective, 40, CatCollective},
		{BasisCollective, 3, CatCollective},
	} {
		if got := SettlementCategory(c.basis, c.age); got != c.want {
			t.Errorf("SettlementCategory(%s, %d) = %s, want %s", c.basis, c.age, got, c.want)
		}
	}
	if InQuota(CatFamily) || !InQuota(CatAdult) || !InQuota(CatCollective) || !InQuota(CatUnaccompanied) {
		t.Error("InQuota: family reunified only is outside the quota")
	}
}

func TestBuildLedger(t *testing.T) {
	at := func(s string) time.Time { d, _ := time.Parse("2006-01-02 15:04", s); return d }
	history := []SettlementTarget{
		{ID: 1, Year: 2026, Kind: TargetRequest, Total: 30, Unaccompanied: 5, CreatedAt: at("2025-10-01 10:00")},
		{ID: 2, Year: 2026, Kind: TargetDecision, Total: 25, Unaccompanied: 4, CreatedAt: at("2025-12-10 10:00")},
		{ID: 3, Year: 2026, Kind: TargetDecision, Total: 28, Unaccompanied: 3, CreatedAt: at("2026-06-01 10:00")}, // in force
		{ID: 4, Year: 2025, Kind: TargetDecision, Total: 99, CreatedAt: at("2025-01-01 10:00")},                   // another year
	}
	counts := []SettlementCount{
		{StageSettled, BasisReception, 35, 1, 4},     // 4 adults in January
		{StageSettled, BasisReception, 10, 1, 3},     // 3 children in January
		{StageSettled, BasisResettlement, 18, 3, 2},  // 2 adults in March
		{StageSettled, BasisUnaccompanied, 16, 3, 2}, // 2 unaccompanied in March
		{StageSettled, BasisFamily, 40, 3, 5},        // 5 family reunified (outside)
		{StageSettled, BasisCollective, 8, 12, 1},    // 1 collective in December
		{StageAgreed, BasisReception, 30, 9, 2},      // 2 adults expected in September
		{StageAgreed, BasisUnaccompanied, 15, 10, 1}, // 1 unaccompanied expected in October
		{StageAgreed, BasisFamily, 30, 10, 1},        // outside the quota
		{StageProposed, BasisReception, 17, 2, 1},    // a child proposed in February
		{StageDeclined, BasisReception, 50, 4, 1},    // declined in April
		{StageSettled, BasisReception, 30, 13, 9},    // a bad month: ignored
		{"unknown", BasisReception, 30, 1, 9},        // an unknown stage: ignored
	}
	l := BuildLedger(2026, history, counts)
	if l.Request == nil || l.Request.ID != 1 || l.Decision == nil || l.Decision.ID != 3 {
		t.Fatalf("in force: request %+v decision %+v", l.Request, l.Decision)
	}
	if len(l.History) != 3 || l.History[0].ID != 3 || l.History[2].ID != 1 {
		t.Errorf("history (newest first, this year only): %+v", l.History)
	}
	settled := l.Section(StageSettled)
	want := map[string]int{CatAdult: 6, CatChild: 3, CatUnaccompanied: 2, CatFamily: 5, CatCollective: 1}
	for cat, n := range want {
		if got := settled.Row(cat).Total; got != n {
			t.Errorf("settled %s = %d, want %d", cat, got, n)
		}
	}
	if settled.Sum.Total != 17 || settled.Quota.Total != 12 {
		t.Errorf("settled sum %d quota %d, want 17 and 12", settled.Sum.Total, settled.Quota.Total)
	}
	if settled.Sum.Months[0] != 7 || settled.Sum.Months[2] != 9 || settled.Sum.Months[11] != 1 || settled.Quota.Months[2] != 4 {
		t.Errorf("settled months %v quota %v", settled.Sum.Months, settled.Quota.Months)
	}
	if settled.Row(CatAdult).Months[0] != 4 || settled.Row(CatAdult).Months[2] != 2 {
		t.Errorf("adult months %v", settled.Row(CatAdult).Months)
	}
	// Remaining: 28 − 12 = 16; unaccompanied 3 − 2 = 1.
	if !l.HasDecision || l.Remaining != 16 || l.RemainingUnaccompanied != 1 {
		t.Errorf("remaining %d / %d (has %v), want 16 / 1", l.Remaining, l.RemainingUnaccompanied, l.HasDecision)
	}
	if l.AgreedInQuota != 3 || l.AgreedUnaccompanied != 1 {
		t.Errorf("agreed in quota %d unaccompanied %d, want 3 and 1", l.AgreedInQuota, l.AgreedUnaccompanied)
	}
	if p := l.Section(StageProposed); p.Row(CatChild).Months[1] != 1 || p.Sum.Total != 1 {
		t.Errorf("proposed %+v", p)
	}
	if d := l.Section(StageDeclined); d.Sum.Total != 1 {
		t.Errorf("declined %+v", d)
	}

	// More settled than decided: a negative remainder.
	over := BuildLedger(2026, []SettlementTarget{{ID: 1, Year: 2026, Kind: TargetDecision, Total: 2, Unaccompanied: 0}},
		[]SettlementCount{{StageSettled, BasisReception, 30, 5, 3}, {StageSettled, BasisUnaccompanied, 15, 5, 1}})
	if over.Remaining != -2 || over.RemainingUnaccompanied != -1 {
		t.Errorf("over: remaining %d / %d, want -2 / -1", over.Remaining, over.RemainingUnaccompanied)
	}
	// Without a decision nothing remains to compute.
	if none := BuildLedger(2027, history, nil); none.HasDecision || none.Decision != nil || len(none.History) != 0 || len(none.Sections) != 4 {
		t.Errorf("empty year: %+v", none)
	}
}

func TestSettlementTargetFormValidate(t *testing.T) {
	ok := SettlementTargetForm{Year: "2026", Kind: TargetDecision, Total: "1 20", Unaccompanied: "", DecidedOn: "2026-02-01", Note: "Vedtatt i kommunestyret"}
	got, err := ok.Validate()
	if err != nil || got.Total != 120 || got.Unaccompanied != 0 || got.DecidedOn.Format("2006-01-02") != "2026-02-01" {
		t.Fatalf("valid form: %+v %v", got, err)
	}
	for _, c := range []struct {
		name, field string
		f           func(*SettlementTargetForm)
	}{
		{"year", "year", func(f *SettlementTargetForm) { f.Year = "1999" }},
		{"kind", "kind", func(f *SettlementTargetForm) { f.Kind = "wish" }},
		{"total empty", "total", func(f *SettlementTargetForm) { f.Total = "" }},
		{"total negative", "total", func(f *SettlementTargetForm) { f.Total = "-1" }},
		{"total huge", "total", func(f *SettlementTargetForm) { f.Total = "100001" }},
		{"unaccompanied above total", "unaccompanied", func(f *SettlementTargetForm) { f.Unaccompanied = "121" }},
		{"date", "decided_on", func(f *SettlementTargetForm) { f.DecidedOn = "31.02.2026" }},
		{"note NUL", "note", func(f *SettlementTargetForm) { f.Note = "a\x00b" }},
		{"note invalid UTF-8", "note", func(f *SettlementTargetForm) { f.Note = "a\xffb" }},
	} {
		f := ok
		c.f(&f)
		_, err := f.Validate()
		if e, isE := err.(*Error); !isE || e.Fields[c.field] == "" {
			t.Errorf("%s: want a message on %s, got %v", c.name, c.field, err)
		}
	}
}

func TestForecastGrant(t *testing.T) {
	d := func(s string) time.Time { x, _ := time.Parse("2006-01-02", s); return x }
	rates := RateTable{
		{ID: 1, Kind: RateGrantY1Adult, EffectiveFrom: d("2025-01-01"), Value: 100_000_00},
		{ID: 2, Kind: RateGrantY1Adult, EffectiveFrom: d("2026-01-01"), Value: 110_000_00},
		{ID: 3, Kind: RateGrantY1Child, EffectiveFrom: d("2025-01-01"), Value: 80_000_00},
		{ID: 4, Kind: RateGrantY1Unaccompanied, EffectiveFrom: d("2025-01-01"), Value: 90_000_00},
		{ID: 5, Kind: RateGrantElderlyAge, EffectiveFrom: d("2025-01-01"), Value: 60},
		{ID: 6, Kind: RateGrantElderly, EffectiveFrom: d("2025-01-01"), Value: 50_000_00},
		{ID: 7, Kind: RateGrantY2, EffectiveFrom: d("2025-01-01"), Value: 70_000_00},
		{ID: 8, Kind: RateGrantY3, EffectiveFrom: d("2025-01-01"), Value: 40_000_00},
		{ID: 9, Kind: RateGrantY4, EffectiveFrom: d("2025-01-01"), Value: 20_000_00},
		{ID: 10, Kind: RateGrantY5, EffectiveFrom: d("2025-01-01"), Value: 10_000_00},
		{ID: 11, Kind: RateGrantDisability, EffectiveFrom: d("2025-01-01"), Value: 200_000_00},
		{ID: 12, Kind: RateGrantY1Adult, EffectiveFrom: d("2026-07-01"), Value: 999_000_00}, // after 1 January: not used
	}
	cohorts := []GrantCohort{
		{Year: 2026, Basis: BasisReception, Age: 30, N: 2},                   // 2 × 110 000
		{Year: 2026, Basis: BasisReception, Age: 5, N: 3},                    // 3 × 80 000
		{Year: 2026, Basis: BasisUnaccompanied, Age: 16, N: 1},               // 90 000
		{Year: 2026, Basis: BasisFamily, Age: 65, N: 1},                      // 110 000 + elderly 50 000
		{Year: 2026, Basis: BasisReception, Age: 40, Disability: true, N: 1}, // 110 000 + 200 000
		{Year: 2025, Basis: BasisReception, Age: 30, N: 4},                   // year 2: 4 × 70 000
		{Year: 2025, Basis: BasisReception, Age: 61, Disability: true, N: 1}, // year 2: 70 000, no extras
		{Year: 2024, Basis: BasisCollective, Age: 20, N: 2},                  // year 3: 2 × 40 000
		{Year: 2023, Basis: BasisReception, Age: 20, N: 1},                   // year 4: 20 000
		{Year: 2022, Basis: BasisReception, Age: 20, N: 5},                   // year 5: 5 × 10 000
		{Year: 2021, Basis: BasisReception, Age: 20, N: 7},                   // year 6: no grant
	}
	f := ForecastGrant(2026, cohorts, rates)
	want := []GrantRow{
		{SettlementYear: 2026, GrantYear: 1, Persons: 8, Elderly: 1, Disability: 1,
			Base: (2*110_000 + 3*80_000 + 90_000 + 110_000 + 110_000) * 100, Extras: (50_000 + 200_000) * 100},
		{SettlementYear: 2025, GrantYear: 2, Persons: 5, Base: 5 * 70_000_00},
		{SettlementYear: 2024, GrantYear: 3, Persons: 2, Base: 2 * 40_000_00},
		{SettlementYear: 2023, GrantYear: 4, Persons: 1, Base: 20_000_00},
		{SettlementYear: 2022, GrantYear: 5, Persons: 5, Base: 5 * 10_000_00},
	}
	if len(f.Rows) != 5 {
		t.Fatalf("rows %+v", f.Rows)
	}
	var total int64
	for i, w := range want {
		w.Amount = w.Base + w.Extras
		total += w.Amount
		if f.Rows[i] != w {
			t.Errorf("row %d = %+v, want %+v", i, f.Rows[i], w)
		}
	}
	// 770 000 + 250 000 + 350 000 + 80 000 + 20 000 + 50 000 = 1 520 000 kr.
	if f.Total != total || f.Total != 1_520_000_00 || len(f.Missing) != 0 {
		t.Errorf("total %d (want %d = 1 520 000 kr), missing %v", f.Total, total, f.Missing)
	}
	// 2025's rates for budget year 2025: 2025's cohort is year 1.
	f25 := ForecastGrant(2025, cohorts, rates)
	if f25.Rows[0].Base != (4*100_000+100_000)*100 || f25.Rows[0].Extras != (50_000+200_000)*100 {
		t.Errorf("2025 year 1: %+v", f25.Rows[0])
	}
	// No rates at all: amounts 0 and the kinds needed named.
	empty := ForecastGrant(2026, cohorts, nil)
	if empty.Total != 0 || len(empty.Missing) == 0 {
		t.Errorf("without rates: %+v", empty)
	}
}

func TestPersonFormPipeline(t *testing.T) {
	today := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	agreed := func(f *PersonForm) {
		f.SettlementDate = ""
		f.SettlementStage = StageAgreed
		f.ProposedOn, f.AgreedOn, f.ExpectedArrival = "2026-10-01", "2026-11-01", "2027-01-15"
	}
	for _, c := range []struct {
		name, field string
		edit        func(*PersonForm)
		check       func(Pipeline) bool
	}{
		{"no stage is settled", "", func(f *PersonForm) {}, func(p Pipeline) bool { return p.Stage == StageSettled }},
		{"agreed", "", agreed, func(p Pipeline) bool {
			return p.Stage == StageAgreed && p.ExpectedArrival.Format("2006-01-02") == "2027-01-15"
		}},
		{"agreed without arrival", "expected_arrival", func(f *PersonForm) { agreed(f); f.ExpectedArrival = "" }, nil},
		{"agreed before proposed", "agreed_on", func(f *PersonForm) { agreed(f); f.AgreedOn = "2026-09-01" }, nil},
		{"not settled with a settlement date", "settlement_date", func(f *PersonForm) { agreed(f); f.SettlementDate = "2026-03-10" }, nil},
		{"declined without reason", "decline_reason", func(f *PersonForm) {
			f.SettlementDate, f.SettlementStage = "", StageDeclined
		}, nil},
		{"declined: date defaults to today, reason kept", "", func(f *PersonForm) {
			f.SettlementDate, f.SettlementStage, f.DeclineReason = "", StageDeclined, "Ingen egnet bolig"
		}, func(p Pipeline) bool {
			return p.DeclinedOn != nil && p.DeclinedOn.Format("2006-01-02") == "2026-11-23" && p.DeclineReason == "Ingen egnet bolig"
		}},
		{"reason dropped when not declined", "", func(f *PersonForm) { f.DeclineReason = "x" }, func(p Pipeline) bool { return p.DeclineReason == "" }},
		{"reason with NUL", "decline_reason", func(f *PersonForm) { f.SettlementStage, f.SettlementDate, f.DeclineReason = StageDeclined, "", "a\x00" }, nil},
		{"unknown stage", "settlement_stage", func(f *PersonForm) { f.SettlementStage = "maybe" }, nil},
		{"arrival too far ahead", "expected_arrival", func(f *PersonForm) { agreed(f); f.ExpectedArrival = "2029-01-01" }, nil},
		{"flags", "", func(f *PersonForm) { f.GrantDisability, f.NeedsAccessibleHome = true, true }, func(p Pipeline) bool {
			return p.GrantDisability && p.NeedsAccessibleHome
		}},
	} {
		f := validForm()
		c.edit(&f)
		in, err := f.Validate(today)
		if c.field != "" {
			if e, ok := err.(*Error); !ok || e.Fields[c.field] == "" {
				t.Errorf("%s: want a message on %s, got %v", c.name, c.field, err)
			}
			continue
		}
		if err != nil || !c.check(in.Pipeline) {
			t.Errorf("%s: %+v %v", c.name, in.Pipeline, err)
		}
	}
}

func TestSettleFormValidate(t *testing.T) {
	today := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	if s, err := (SettleForm{SettlementDate: "2026-12-01", Version: "3"}).Validate(today); err != nil || s.Version != 3 {
		t.Fatalf("valid: %+v %v", s, err)
	}
	for _, f := range []SettleForm{{"", "3"}, {"2026-13-01", "3"}, {"2028-01-01", "3"}, {"2026-12-01", ""}, {"2026-12-01", "x"}} {
		if _, err := f.Validate(today); ErrorCode(err) != EINVALID {
			t.Errorf("%+v: want EINVALID, got %v", f, err)
		}
	}
}
