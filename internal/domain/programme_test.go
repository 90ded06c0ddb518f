package domain

import (
	"strings"
	"testing"
	"time"
)

func dp(s string) *time.Time { t := d(s); return &t }

// seedRates are the rows of migrations 000013 and 000014 the programme uses.
func programmeRates() RateTable {
	rows := []struct {
		kind RateKind
		from string
		v    int64
	}{
		{RateAgeMin, "2021-01-01", 18}, {RateAgeMax, "2021-01-01", 55}, {RateAgeMax, "2025-01-01", 60},
		{RateSettledMaxYears, "2021-01-01", 2},
		{RateIntegrationActFrom, "2021-01-01", 20210101}, {RateChapter6AUntil, "2022-06-01", 20260701},
		{RateDurationMinMonths, "2021-01-01", 3},
		{RateDurationShortMax, "2021-01-01", 6}, {RateDurationShortExt, "2021-01-01", 6},
		{RateDurationUpsecMax, "2021-01-01", 36}, {RateDurationUpsecExt, "2021-01-01", 12},
		{RateDurationOtherMax, "2021-01-01", 24}, {RateDurationOtherExt, "2021-01-01", 12},
		{RateDurationYoungAge, "2021-01-01", 25},
	}
	var t RateTable
	for i, r := range rows {
		t = append(t, Rate{ID: int64(i + 1), Kind: r.kind, EffectiveFrom: d(r.from), Value: r.v})
	}
	return t
}

func TestDeriveRuleSet(t *testing.T) {
	rates := programmeRates()
	today := d("2026-03-01")
	cases := []struct {
		name     string
		permit   *time.Time
		basis    string
		override string
		want     string
		explain  string
	}{
		{"no permit date", nil, BasisReception, "", "", "vedtaksdato for oppholdstillatelse mangler"},
		{"day before integration act", dp("2020-12-31"), BasisReception, "", RuleSetIntroductionAct, "introduksjonsloven"},
		{"first day of integration act", dp("2021-01-01"), BasisReception, "", RuleSetIntegrationAct, "integreringsloven gjelder"},
		{"collective before 6A date", dp("2026-06-30"), BasisCollective, "", RuleSetChapter6A, "kapittel 6A"},
		{"collective on 6A end date", dp("2026-07-01"), BasisCollective, "", RuleSetIntegrationAct, "etter at kapittel 6A gjaldt"},
		{"collective before 2021", dp("2020-06-01"), BasisCollective, "", RuleSetIntroductionAct, "introduksjonsloven"},
		{"family of a § 34 person: ordinary rules", dp("2023-05-01"), BasisFamily, "", RuleSetIntegrationAct, "ordinære reglene"},
		{"override", dp("2023-05-01"), BasisCollective, RuleSetIntegrationAct, RuleSetIntegrationAct, "Overstyrt til integreringsloven: grunn"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := DeriveRuleSet(rates, today, c.permit, c.basis, c.override, "grunn")
			if got.RuleSet != c.want {
				t.Fatalf("rule set = %q, want %q (%s)", got.RuleSet, c.want, got.Explanation)
			}
			if !strings.Contains(got.Explanation, c.explain) {
				t.Fatalf("explanation %q lacks %q", got.Explanation, c.explain)
			}
			if got.Overridden != (c.override != "") {
				t.Fatalf("overridden = %v", got.Overridden)
			}
		})
	}
	if got := DeriveRuleSet(rates, today, nil, BasisReception, "", ""); got.Label() != "Ukjent" {
		t.Fatalf("label of unknown = %q", got.Label())
	}
}

func TestRightAndDuty(t *testing.T) {
	rates := programmeRates()
	cases := []struct {
		name     string
		birth    string
		permit   *time.Time
		settled  *time.Time
		decision *time.Time
		today    string
		known    bool
		right    bool
		contains string
	}{
		{"example sentence", "1990-06-01", dp("2025-03-12"), dp("2025-04-01"), dp("2025-08-01"), "2025-09-01", true, true,
			"Amina har rett og plikt til introduksjonsprogram etter integreringsloven: Amina var 34 år da oppholdstillatelsen ble gitt 12.03.2025 (grensen er 18–60 år), og Amina har vært bosatt i kommunen i 4 måneder (under 2 år) på vedtaksdatoen."},
		{"17 at the permit", "2007-03-13", dp("2025-03-12"), dp("2025-04-01"), nil, "2025-05-01", true, false, "var 17 år"},
		{"18 on the permit day", "2007-03-12", dp("2025-03-12"), dp("2025-04-01"), nil, "2025-05-01", true, true, "var 18 år"},
		{"55 in 2024: inside", "1968-06-01", dp("2024-03-12"), dp("2024-04-01"), nil, "2024-05-01", true, true, "18–55 år"},
		{"56 in 2024: outside", "1967-06-01", dp("2024-03-12"), dp("2024-04-01"), nil, "2024-05-01", true, false, "var 56 år"},
		{"56 in 2025: inside (60 from 2025)", "1968-06-01", dp("2025-03-12"), dp("2025-04-01"), nil, "2025-05-01", true, true, "18–60 år"},
		{"60 in 2025: inside", "1964-06-01", dp("2025-03-12"), dp("2025-04-01"), nil, "2025-05-01", true, true, "var 60 år"},
		{"61 in 2025: outside", "1963-06-01", dp("2025-03-12"), dp("2025-04-01"), nil, "2025-05-01", true, false, "var 61 år"},
		{"settled 2 years minus a day at decision", "1990-01-01", dp("2023-01-10"), dp("2023-02-01"), dp("2025-01-31"), "2025-06-01", true, true, "1 år og 11 måneder"},
		{"settled exactly 2 years at decision", "1990-01-01", dp("2023-01-10"), dp("2023-02-01"), dp("2025-02-01"), "2025-06-01", true, false, "2 år (under 2 år) på vedtaksdatoen"},
		{"no decision: today counts", "1990-01-01", dp("2023-01-10"), dp("2023-02-01"), nil, "2025-02-01", true, false, "i dag"},
		{"both fail", "1950-01-01", dp("2023-01-10"), dp("2023-02-01"), nil, "2025-02-01", true, false, "var 73 år da oppholdstillatelsen ble gitt 10.01.2023 (grensen er 18–55 år), og Amina har vært bosatt"},
		{"settled days ago", "1990-01-01", dp("2025-01-10"), dp("2025-02-01"), nil, "2025-02-13", true, true, "12 dager"},
		{"no permit date", "1990-01-01", nil, dp("2025-02-01"), nil, "2025-02-13", false, false, "vedtaksdato for oppholdstillatelse mangler"},
		{"no settlement date", "1990-01-01", dp("2025-01-10"), nil, nil, "2025-02-13", false, false, "bosettingsdato mangler"},
		{"permit before every age rate", "1990-01-01", dp("2019-01-10"), dp("2019-02-01"), nil, "2019-02-13", false, false, "aldersgrensene mangler"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := RightAndDuty(rates, RightDutyFacts{Name: "Amina", BirthDate: d(c.birth), PermitDate: c.permit,
				SettlementDate: c.settled, RuleSet: RuleSetIntegrationAct, DecisionDate: c.decision, Today: d(c.today)})
			if got.Known != c.known || got.Right != c.right {
				t.Fatalf("known, right = %v, %v; want %v, %v (%s)", got.Known, got.Right, c.known, c.right, got.Sentence)
			}
			if !strings.Contains(got.Sentence, c.contains) {
				t.Fatalf("sentence %q lacks %q", got.Sentence, c.contains)
			}
		})
	}
}

func TestSpanWords(t *testing.T) {
	for _, c := range []struct{ a, b, want string }{
		{"2025-01-31", "2025-02-01", "1 dag"},
		{"2025-01-31", "2025-02-27", "27 dager"},
		{"2025-01-31", "2025-02-28", "1 måned"}, // AddMonths: 31 January + 1 month = 28 February
		{"2025-01-31", "2025-03-31", "2 måneder"},
		{"2024-02-29", "2025-02-28", "1 år"},
		{"2023-01-15", "2024-04-20", "1 år og 3 måneder"},
		{"2023-01-15", "2023-02-15", "1 måned"},
	} {
		if got := SpanWords(d(c.a), d(c.b)); got != c.want {
			t.Errorf("SpanWords(%s, %s) = %q, want %q", c.a, c.b, got, c.want)
		}
	}
}

func TestProgrammeDuration(t *testing.T) {
	r := programmeRates().RatesOn(d("2025-01-01"))
	cases := []struct {
		name     string
		goal     string
		upsec    bool
		age      int
		category string
		max, ext int
	}{
		{"upper-secondary, goal work", GoalWork, true, 30, DurationShort, 6, 6},
		{"upper-secondary, goal higher education", GoalHigherEducation, true, 22, DurationShort, 6, 6},
		{"upper-secondary, goal upper-secondary", GoalUpperSecondary, true, 30, DurationUpsec, 36, 12},
		{"upper-secondary, goal other", GoalOther, true, 30, DurationOther, 24, 12},
		{"24 without upper-secondary, goal work", GoalWork, false, 24, DurationUpsec, 36, 12},
		{"25 without upper-secondary, goal work", GoalWork, false, 25, DurationOther, 24, 12},
		{"40, goal upper-secondary", GoalUpperSecondary, false, 40, DurationUpsec, 36, 12},
		{"40, goal other", GoalOther, false, 40, DurationOther, 24, 12},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := ProgrammeDuration(r, c.goal, c.upsec, c.age)
			if got.Category != c.category || got.MinMonths != 3 || got.MaxMonths != c.max || got.ExtMonths != c.ext || !got.Known {
				t.Fatalf("got %+v", got)
			}
			if !strings.Contains(got.Rule, "3 måneder") {
				t.Fatalf("rule %q", got.Rule)
			}
		})
	}
	if got := ProgrammeDuration(RateTable{}.RatesOn(d("2025-01-01")), GoalWork, true, 30); got.Known {
		t.Fatalf("no rates: %+v", got)
	}
}

func TestCheckDuration(t *testing.T) {
	rates := programmeRates()
	birth := d("1990-01-01") // 35 at the start
	young := d("2001-01-02") // 24 at the start
	start := d("2025-01-31")
	cases := []struct {
		name  string
		goal  string
		upsec bool
		birth time.Time
		end   string
		ext   int
		field string // "" accepted
	}{
		{"short: min minus a day", GoalWork, true, birth, "2025-04-29", 0, "planned_end"},
		{"short: min (31 Jan + 3 months = 30 April)", GoalWork, true, birth, "2025-04-30", 0, ""},
		{"short: max", GoalWork, true, birth, "2025-07-31", 0, ""},
		{"short: max plus a day", GoalWork, true, birth, "2025-08-01", 0, "planned_end"},
		{"short: with 6 months extension", GoalWork, true, birth, "2026-01-31", 6, ""},
		{"short: extension plus a day", GoalWork, true, birth, "2026-02-01", 6, "planned_end"},
		{"short: extension over the limit", GoalWork, true, birth, "2026-01-31", 7, "extension_months"},
		{"upsec: 3 years", GoalUpperSecondary, false, birth, "2028-01-31", 0, ""},
		{"upsec: 3 years plus a day", GoalUpperSecondary, false, birth, "2028-02-01", 0, "planned_end"},
		{"upsec: 4 years with a year", GoalUpperSecondary, false, birth, "2029-01-31", 12, ""},
		{"young without upsec: 3 years", GoalWork, false, young, "2028-01-31", 0, ""},
		{"other: 2 years", GoalWork, false, birth, "2027-01-31", 0, ""},
		{"other: 2 years plus a day", GoalWork, false, birth, "2027-02-01", 0, "planned_end"},
		{"other: 3 years with a year", GoalOther, false, birth, "2028-01-31", 12, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := DecisionInput{Decision: DecisionGranted, StartDate: &start, PlannedEnd: dp(c.end), EndGoal: c.goal, HasUpperSecondary: c.upsec, ExtensionMonths: c.ext}
			err := CheckDuration(rates, in, c.birth)
			if c.field == "" {
				if err != nil {
					t.Fatalf("refused: %v", err.(*Error).Fields)
				}
				return
			}
			e, ok := err.(*Error)
			if !ok || e.Fields[c.field] == "" {
				t.Fatalf("want a message on %s, got %v", c.field, err)
			}
			if !strings.Contains(e.Fields[c.field], "kan ha program i") {
				t.Fatalf("message does not show the rule: %q", e.Fields[c.field])
			}
		})
	}
	// A refusal carries no plan and is not checked.
	if err := CheckDuration(rates, DecisionInput{Decision: DecisionRefused}, birth); err != nil {
		t.Fatal(err)
	}
}

func TestLeaveMovesEnd(t *testing.T) {
	today := d("2025-06-15")
	p := Programme{PlannedEnd: dp("2025-12-31")}
	pauses := []Pause{
		{Kind: PauseLeave, From: d("2025-03-03"), To: dp("2025-03-09")},        // 7 calendar days
		{Kind: PauseInterruption, From: d("2025-04-01"), To: dp("2025-04-30")}, // does not move
		{Kind: PauseLeave, From: d("2025-06-13")},                              // ongoing: 13, 14, 15 = 3
	}
	if n := LeaveDays(pauses, today); n != 10 {
		t.Fatalf("leave days = %d, want 10", n)
	}
	if got := p.EffectiveEnd(pauses, today); !got.Equal(d("2026-01-10")) {
		t.Fatalf("effective end = %s", got)
	}
	if (Pause{From: d("2025-07-01")}).Days(today) != 0 {
		t.Fatal("a future ongoing pause counts")
	}
	if (Programme{}).EffectiveEnd(pauses, today) != nil {
		t.Fatal("no planned end gives an end")
	}
}

func TestProgrammeStatus(t *testing.T) {
	today := d("2025-06-15")
	granted, refused := DecisionGranted, DecisionRefused
	started := Programme{Decision: &granted, StartDate: dp("2025-01-01")}
	cases := []struct {
		name   string
		p      Programme
		pauses []Pause
		want   string
	}{
		{"no decision", Programme{}, nil, ProgNotDecided},
		{"refused", Programme{Decision: &refused}, nil, ProgRefused},
		{"starts tomorrow", Programme{Decision: &granted, StartDate: dp("2025-06-16")}, nil, ProgNotStarted},
		{"starts today", Programme{Decision: &granted, StartDate: dp("2025-06-15")}, nil, ProgActive},
		{"on leave today", started, []Pause{{Kind: PauseLeave, From: d("2025-06-10"), To: dp("2025-06-15")}}, ProgOnLeave},
		{"leave ended yesterday", started, []Pause{{Kind: PauseLeave, From: d("2025-06-10"), To: dp("2025-06-14")}}, ProgActive},
		{"interrupted, ongoing", started, []Pause{{Kind: PauseInterruption, From: d("2025-06-01")}}, ProgInterrupt},
		{"ended today", Programme{Decision: &granted, StartDate: dp("2025-01-01"), EndedOn: dp("2025-06-15")}, nil, ProgEnded},
	}
	for _, c := range cases {
		if got := c.p.Status(c.pauses, today); got != c.want {
			t.Errorf("%s: status = %s, want %s", c.name, got, c.want)
		}
	}
	if !(Programme{EndedOn: dp("2025-01-01")}).MissingEndReason() || (Programme{EndedOn: dp("2025-01-01"), EndReason: "work"}).MissingEndReason() {
		t.Fatal("missing end reason flag")
	}
}

func TestDecisionFormValidate(t *testing.T) {
	today := d("2025-06-15")
	ok := DecisionForm{Decision: DecisionGranted, DecisionDate: "2025-06-15", StartDate: "2025-06-15", PlannedEnd: "2026-06-15",
		EndGoal: GoalWork, ExtensionMonths: "", Version: "0", NorwegianGoal: "B1"}
	cases := []struct {
		name  string
		edit  func(f *DecisionForm)
		field string
	}{
		{"valid grant", func(f *DecisionForm) {}, ""},
		{"no decision", func(f *DecisionForm) { f.Decision = "" }, "decision"},
		{"decision date tomorrow", func(f *DecisionForm) { f.DecisionDate = "2025-06-16" }, "decision_date"},
		{"decision date missing", func(f *DecisionForm) { f.DecisionDate = "" }, "decision_date"},
		{"start before decision", func(f *DecisionForm) { f.StartDate = "2025-06-14" }, "start_date"},
		{"start in the future", func(f *DecisionForm) { f.StartDate = "2025-08-01" }, ""},
		{"start missing", func(f *DecisionForm) { f.StartDate = "" }, "start_date"},
		{"end on start", func(f *DecisionForm) { f.PlannedEnd = "2025-06-15" }, "planned_end"},
		{"end missing", func(f *DecisionForm) { f.PlannedEnd = "" }, "planned_end"},
		{"no end goal", func(f *DecisionForm) { f.EndGoal = "" }, "end_goal"},
		{"extension 13", func(f *DecisionForm) { f.ExtensionMonths = "13" }, "extension_months"},
		{"extension 12", func(f *DecisionForm) { f.ExtensionMonths = "12" }, ""},
		{"extension text", func(f *DecisionForm) { f.ExtensionMonths = "seks" }, "extension_months"},
		{"bad date", func(f *DecisionForm) { f.DecisionDate = "31.02.2025" }, "decision_date"},
		{"no version", func(f *DecisionForm) { f.Version = "" }, "version"},
		{"refused without reason", func(f *DecisionForm) { f.Decision = DecisionRefused }, "refusal_reason"},
		{"refused with reason, no plan", func(f *DecisionForm) {
			f.Decision, f.RefusalReason, f.StartDate, f.PlannedEnd, f.EndGoal = DecisionRefused, "Over aldersgrensen", "", "", ""
		}, ""},
		{"control character in Norwegian goal", func(f *DecisionForm) { f.NorwegianGoal = "B1\u202e" }, "norwegian_goal"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := ok
			c.edit(&f)
			in, err := f.Validate(today)
			if c.field == "" {
				if err != nil {
					t.Fatalf("refused: %v", err.(*Error).Fields)
				}
				if f.Decision == DecisionRefused && in.StartDate != nil {
					t.Fatal("a refusal kept a start date")
				}
				return
			}
			e, _ := err.(*Error)
			if e == nil || e.Fields[c.field] == "" {
				t.Fatalf("want a message on %s, got %v", c.field, err)
			}
		})
	}
}

func TestOtherFormsValidate(t *testing.T) {
	today := d("2025-06-15")
	check := func(name string, err error, field string) {
		t.Helper()
		if field == "" {
			if err != nil {
				t.Errorf("%s: refused %v", name, err.(*Error).Fields)
			}
			return
		}
		e, _ := err.(*Error)
		if e == nil || e.Fields[field] == "" {
			t.Errorf("%s: want a message on %s, got %v", name, field, err)
		}
	}
	_, err := RuleSetForm{PermitDate: "2025-06-15", PersonVersion: "1", Version: "0"}.Validate(today)
	check("permit today", err, "")
	_, err = RuleSetForm{PermitDate: "2025-06-16", PersonVersion: "1", Version: "0"}.Validate(today)
	check("permit tomorrow", err, "permit_date")
	_, err = RuleSetForm{PermitDate: "", PersonVersion: "1", Version: "0"}.Validate(today)
	check("permit cleared", err, "")
	_, err = RuleSetForm{Override: RuleSetChapter6A, PersonVersion: "1", Version: "0"}.Validate(today)
	check("override without reason", err, "reason")
	_, err = RuleSetForm{Override: "nonsense", Reason: "x", PersonVersion: "1", Version: "0"}.Validate(today)
	check("unknown override", err, "override")
	_, err = RuleSetForm{PermitDate: "2025-01-01", Version: "0"}.Validate(today)
	check("no person version", err, "version")

	_, err = MappingForm{MappingDoneOn: "2025-06-15", MappingBy: "Kari", Version: "0"}.Validate(today)
	check("mapping today", err, "")
	_, err = MappingForm{MappingDoneOn: "2025-06-15", Version: "0"}.Validate(today)
	check("mapping without who", err, "mapping_by")
	_, err = MappingForm{GuidanceDoneOn: "2025-06-16", GuidanceBy: "NAV", Version: "0"}.Validate(today)
	check("guidance tomorrow", err, "guidance_done_on")
	_, err = MappingForm{MappingBy: strings.Repeat("a", 201), Version: "0"}.Validate(today)
	check("who too long", err, "mapping_by")

	_, err = ContractForm{SignedOn: "2025-06-16", Version: "1"}.Validate(today)
	check("contract tomorrow", err, "contract_signed_on")
	_, err = ContractForm{SignedOn: "", Version: "1"}.Validate(today)
	check("contract cleared", err, "")

	_, err = PauseForm{Kind: PauseLeave, Reason: "Fødsel", From: "2025-06-01"}.Validate(false)
	check("ongoing leave", err, "")
	_, err = PauseForm{Kind: "holiday", Reason: "x", From: "2025-06-01"}.Validate(false)
	check("unknown kind", err, "kind")
	_, err = PauseForm{Kind: PauseLeave, Reason: " ", From: "2025-06-01"}.Validate(false)
	check("no reason", err, "reason")
	_, err = PauseForm{Kind: PauseLeave, Reason: "x", From: "2025-06-02", To: "2025-06-01"}.Validate(false)
	check("to before from", err, "to_date")
	_, err = PauseForm{Kind: PauseLeave, Reason: "x", From: "2025-06-01", To: "2025-06-01"}.Validate(false)
	check("one-day leave", err, "")
	_, err = PauseForm{Kind: PauseLeave, Reason: "x", From: "2025-06-01"}.Validate(true)
	check("edit without version", err, "version")

	_, err = EndForm{EndedOn: "2025-06-15", EndReason: "work", EndActivity: "work_full", Version: "2"}.Validate(today)
	check("end today", err, "")
	_, err = EndForm{EndedOn: "2025-06-16", EndReason: "work", EndActivity: "work_full", Version: "2"}.Validate(today)
	check("end tomorrow", err, "ended_on")
	_, err = EndForm{EndedOn: "2025-06-15", EndActivity: "work_full", Version: "2"}.Validate(today)
	check("end without reason", err, "end_reason")
	_, err = EndForm{EndedOn: "2025-06-15", EndReason: "work", Version: "2"}.Validate(today)
	check("end without activity", err, "end_activity")
}

func TestCheckPauseAndEnd(t *testing.T) {
	granted := DecisionGranted
	p := Programme{Decision: &granted, StartDate: dp("2025-01-01")}
	others := []Pause{{ID: 1, Kind: PauseLeave, From: d("2025-03-01"), To: dp("2025-03-10")}, {ID: 2, Kind: PauseInterruption, From: d("2025-05-01")}}
	cases := []struct {
		name string
		self int64
		from string
		to   *time.Time
		ok   bool
	}{
		{"before start", 0, "2024-12-31", dp("2025-01-05"), false},
		{"on start", 0, "2025-01-01", dp("2025-01-05"), true},
		{"touches a leave's last day", 0, "2025-03-10", dp("2025-03-12"), false},
		{"day after a leave", 0, "2025-03-11", dp("2025-03-12"), true},
		{"open-ended before an ongoing pause", 0, "2025-04-01", nil, false},
		{"ends day before an ongoing pause", 0, "2025-04-01", dp("2025-04-30"), true},
		{"editing itself", 1, "2025-03-02", dp("2025-03-12"), true},
	}
	for _, c := range cases {
		err := CheckPause(p, others, c.self, PauseInput{Kind: PauseLeave, Reason: "x", From: d(c.from), To: c.to})
		if (err == nil) != c.ok {
			t.Errorf("%s: err = %v", c.name, err)
		}
	}
	if CheckPause(Programme{}, nil, 0, PauseInput{From: d("2025-01-01")}) == nil {
		t.Error("a pause without a decision was accepted")
	}
	if CheckEnd(p, EndInput{EndedOn: d("2024-12-31")}) == nil || CheckEnd(p, EndInput{EndedOn: d("2025-01-01")}) != nil {
		t.Error("end against start")
	}
	if CheckEnd(Programme{}, EndInput{EndedOn: d("2025-01-01")}) == nil {
		t.Error("end without a decision accepted")
	}
}
