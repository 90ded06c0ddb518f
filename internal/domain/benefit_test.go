package domain

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// seedRates are the benefit rows of migrations/000013.
func seedRates() RateTable {
	d := func(s string) time.Time { t, _ := time.Parse("2006-01-02", s); return t }
	return RateTable{
		{ID: 1, Kind: RateG, EffectiveFrom: d("2023-05-01"), Value: 11847700},
		{ID: 2, Kind: RateG, EffectiveFrom: d("2024-05-01"), Value: 12402800},
		{ID: 3, Kind: RateG, EffectiveFrom: d("2025-05-01"), Value: 13016000},
		{ID: 4, Kind: RateBenefitGMultiple, EffectiveFrom: d("2021-01-01"), Value: 2},
		{ID: 5, Kind: RateFullRateAge, EffectiveFrom: d("2021-01-01"), Value: 25},
		{ID: 6, Kind: RateFactorAwayThirds, EffectiveFrom: d("2021-01-01"), Value: 2},
		{ID: 7, Kind: RateFactorParentsThirds, EffectiveFrom: d("2021-01-01"), Value: 1},
		{ID: 8, Kind: RateBenefitDaysPerYear, EffectiveFrom: d("2021-01-01"), Value: 260},
		{ID: 9, Kind: RateBenefitHoursPerYear, EffectiveFrom: d("2021-01-01"), Value: 1950},
		{ID: 10, Kind: RateDecisionSharePct, EffectiveFrom: d("2021-01-01"), Value: 50},
		{ID: 11, Kind: RateDecisionGTwelfths, EffectiveFrom: d("2021-01-01"), Value: 1},
	}
}

// roundRates are the seed rates with G = 120 000 kr from 2026-05-01, so that
// 1/12 G (10 000 kr) and a full month (2 G ÷ 12 = 20 000 kr) are whole øre.
func roundRates() RateTable {
	t := seedRates()
	return append(t, Rate{ID: 12, Kind: RateG, EffectiveFrom: bday("2026-05-01"), Value: 12000000})
}

func bday(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

func bdayp(s string) *time.Time { t := bday(s); return &t }

func TestComputeBenefit(t *testing.T) {
	old := bday("1970-01-01") // full rate
	type want struct {
		days, weekdays int
		whole          bool
		gross          int64 // øre
		absence, other int64 // øre
		pay            int64 // kroner
		decision       bool
	}
	tests := []struct {
		name  string
		in    BenefitInput
		rates RateTable
		want  want
	}{
		// Full rate, whole month on the new G: 2 × 130 160 = 260 320;
		// ÷ 12 = 21 693,333… → 21 693 kr.
		{"whole May 2025 full rate", BenefitInput{Month: bday("2025-05-17"), BirthDate: old}, nil,
			want{22, 22, true, 2169333, 0, 0, 21693, false}},
		// April 2025 is still on the old G: 2 × 124 028 = 248 056; ÷ 12 =
		// 20 671,333… → 20 671 kr.
		{"April 2025 on the old G", BenefitInput{Month: bday("2025-04-01"), BirthDate: old}, nil,
			want{22, 22, true, 2067133, 0, 0, 20671, false}},
		// Month ends: a start on the last day leaves one weekday.
		// February 2025: 28 days, 20 weekdays; Friday 28th on the May 2024
		// G: 2 × 124 028 = 248 056 ÷ 260 = 954,0615… → 954 kr.
		{"28-day month, start on the 28th", BenefitInput{Month: bday("2025-02-01"), BirthDate: old, Start: bdayp("2025-02-28")}, nil,
			want{1, 20, false, 95406, 0, 0, 954, false}},
		// February 2024 (leap year): 29 days, 21 weekdays; Thursday 29th on
		// the May 2023 G: 2 × 118 477 = 236 954 ÷ 260 = 911,3615… → 911 kr.
		{"29-day month, start on the 29th", BenefitInput{Month: bday("2024-02-10"), BirthDate: old, Start: bdayp("2024-02-29")}, nil,
			want{1, 21, false, 91136, 0, 0, 911, false}},
		// April 2025: 30 days, 22 weekdays; Wednesday 30th: 248 056 ÷ 260 → 954.
		{"30-day month, start on the 30th", BenefitInput{Month: bday("2025-04-01"), BirthDate: old, Start: bdayp("2025-04-30")}, nil,
			want{1, 22, false, 95406, 0, 0, 954, false}},
		// January 2025: 31 days, 23 weekdays; Friday 31st → 954.
		{"31-day month, start on the 31st", BenefitInput{Month: bday("2025-01-31"), BirthDate: old, Start: bdayp("2025-01-31")}, nil,
			want{1, 23, false, 95406, 0, 0, 954, false}},
		// Whole February 2024 pays ÷ 12 like any month: 236 954 ÷ 12 =
		// 19 746,166… → 19 746 kr.
		{"whole leap February", BenefitInput{Month: bday("2024-02-01"), BirthDate: old}, nil,
			want{21, 21, true, 1974617, 0, 0, 19746, false}},
		// Turning 25 on Wednesday 14 May 2025, away from parents: 2/3 up to
		// and including the 14th (Thu 1, Fri 2, 5–9, 12–14: 10 days), full
		// from the 15th (12 days). 10 × 173 546,67 ÷ 260 = 6 674,87 and
		// 12 × 260 320 ÷ 260 = 12 014,77; together 18 689,64 → 18 690 kr.
		{"turns 25 mid-month", BenefitInput{Month: bday("2025-05-01"), BirthDate: bday("2000-05-14")}, nil,
			want{22, 22, false, 1868964, 0, 0, 18690, false}},
		// Turning 25 on Thursday 1 May 2025: the 1st at 2/3, 21 days full:
		// 667,49 + 21 025,85 = 21 693,33 → 21 693 kr (by the daily rate:
		// (21 + 2/3) ÷ 260 = 1/12, the same as a whole month).
		{"turns 25 on the 1st", BenefitInput{Month: bday("2025-05-01"), BirthDate: bday("2000-05-01")}, nil,
			want{22, 22, false, 2169333, 0, 0, 21693, false}},
		// Turning 25 on Monday 30 June 2025 (the last day): the whole of June
		// at 2/3: 173 546,67 ÷ 12 = 14 462,22 → 14 462 kr …
		{"turns 25 on the last day", BenefitInput{Month: bday("2025-06-01"), BirthDate: bday("2000-06-30")}, nil,
			want{21, 21, true, 1446222, 0, 0, 14462, false}},
		// … and July at full rate: 21 693 kr.
		{"the month after turning 25 on the last day", BenefitInput{Month: bday("2025-07-01"), BirthDate: bday("2000-06-30")}, nil,
			want{23, 23, true, 2169333, 0, 0, 21693, false}},
		// Born 29 February 2000: 25 on 1 March 2025 (no 29 February), a
		// Saturday, so February 2025 is wholly at 2/3 on the May 2024 G:
		// 248 056 × 2/3 = 165 370,67 ÷ 12 = 13 780,89 → 13 781 kr …
		{"leap-day birthday, February before", BenefitInput{Month: bday("2025-02-01"), BirthDate: bday("2000-02-29")}, nil,
			want{20, 20, true, 1378089, 0, 0, 13781, false}},
		// … and March 2025 wholly at full rate (factor from Sunday the 2nd):
		// 248 056 ÷ 12 = 20 671,33 → 20 671 kr.
		{"leap-day birthday, March after", BenefitInput{Month: bday("2025-03-01"), BirthDate: bday("2000-02-29")}, nil,
			want{21, 21, true, 2067133, 0, 0, 20671, false}},
		// Born 29 February 2004: 25 on Thursday 1 March 2029; 1 day at 2/3
		// and 21 at full on the last G (130 160): 21 693,33 → 21 693 kr,
		// by the daily rate.
		{"leap-day birthday on a weekday", BenefitInput{Month: bday("2029-03-01"), BirthDate: bday("2004-02-29")}, nil,
			want{22, 22, false, 2169333, 0, 0, 21693, false}},
		// Start Monday 19 May 2025: 19–23 and 26–30, 10 days × 260 320 ÷ 260
		// = 10 012,31 → 10 012 kr.
		{"start mid-month", BenefitInput{Month: bday("2025-05-01"), BirthDate: old, Start: bdayp("2025-05-19")}, nil,
			want{10, 22, false, 1001231, 0, 0, 10012, false}},
		// End Friday 9 May 2025 (included): 1, 2, 5–9 = 7 days: 7 008,62 → 7 009 kr.
		{"end mid-month", BenefitInput{Month: bday("2025-05-01"), BirthDate: old, End: bdayp("2025-05-09")}, nil,
			want{7, 22, false, 700862, 0, 0, 7009, false}},
		// Start before and end after the month: the whole month.
		{"period around the month", BenefitInput{Month: bday("2025-05-01"), BirthDate: old, Start: bdayp("2024-01-01"), End: bdayp("2026-01-01")}, nil,
			want{22, 22, true, 2169333, 0, 0, 21693, false}},
		// Paused Monday 12 – Friday 16 May (and Saturday 17th, ignored):
		// 17 days × 1 001,23 = 17 020,92 → 17 021 kr.
		{"paused days", BenefitInput{Month: bday("2025-05-01"), BirthDate: old, PausedDays: []time.Time{
			bday("2025-05-12"), bday("2025-05-13"), bday("2025-05-14"), bday("2025-05-15"), bday("2025-05-16"), bday("2025-05-17")}}, nil,
			want{17, 22, false, 1702092, 0, 0, 17021, false}},
		// Not in the programme at all this month.
		{"started after the month", BenefitInput{Month: bday("2025-05-01"), BirthDate: old, Start: bdayp("2025-06-02")}, nil,
			want{0, 22, false, 0, 0, 0, 0, false}},
		// Under 25 with parents: 260 320 ÷ 3 = 86 773,33 ÷ 12 = 7 231,11 → 7 231 kr.
		{"with parents 1/3", BenefitInput{Month: bday("2025-05-01"), BirthDate: bday("2005-01-01"), WithParents: true}, nil,
			want{22, 22, true, 723111, 0, 0, 7231, false}},
		// Under 25 away, 7,5 h unexcused: 173 546,67 × 7,5 ÷ 1 950 = 667,49;
		// 14 462,22 − 667,49 = 13 794,74 → 13 795 kr.
		{"unexcused absence", BenefitInput{Month: bday("2025-05-01"), BirthDate: bday("2005-01-01"), UnexcusedMinutes: 450}, nil,
			want{22, 22, true, 1446222, 66749, 0, 13795, false}},
		// May 2026 starts on a Friday (31 days: Fri, Sat, Sun extra → 21
		// weekdays). Decision threshold, G = 120 000: a full month 20 000 kr; 50 % =
		// 10 000 = 1/12 G. A deduction of exactly 10 000 kr → krever vedtak;
		// payment 10 000.
		{"decision exactly at both limits", BenefitInput{Month: bday("2026-05-01"), BirthDate: old, OtherDeductionsOre: 1000000}, roundRates(),
			want{21, 21, true, 2000000, 0, 1000000, 10000, true}},
		// One øre under: 9 999,99 kr → no decision; 10 000,01 → 10 000 kr.
		{"decision one øre under", BenefitInput{Month: bday("2026-05-01"), BirthDate: old, OtherDeductionsOre: 999999}, roundRates(),
			want{21, 21, true, 2000000, 0, 999999, 10000, false}},
		// Under 25 away: 240 000 × 2/3 ÷ 12 = 13 333,33; 50 % = 6 666,67, so
		// the 1/12 G (10 000) binds: 10 000 → vedtak, 9 999,99 → not.
		{"decision at 1/12 G binding", BenefitInput{Month: bday("2026-05-01"), BirthDate: bday("2005-01-01"), OtherDeductionsOre: 1000000}, roundRates(),
			want{21, 21, true, 1333333, 0, 1000000, 3333, true}},
		{"decision under 1/12 G though over 50 %", BenefitInput{Month: bday("2026-05-01"), BirthDate: bday("2005-01-01"), OtherDeductionsOre: 999999}, roundRates(),
			want{21, 21, true, 1333333, 0, 999999, 3333, false}},
		// Start on Monday 25 May 2026 (5 days): 240 000 × 5 ÷ 260 = 4 615,38;
		// a deduction of 10 000 exceeds both → vedtak, payment floored at 0.
		{"payment floor at 0", BenefitInput{Month: bday("2026-05-01"), BirthDate: old, Start: bdayp("2026-05-25"), OtherDeductionsOre: 1000000}, roundRates(),
			want{5, 21, false, 461538, 0, 1000000, 0, true}},
		// Rounding half up: 20 000 − 0,50 = 19 999,50 → 20 000 kr;
		// 20 000 − 0,51 = 19 999,49 → 19 999 kr.
		{"rounding half up", BenefitInput{Month: bday("2026-05-01"), BirthDate: old, OtherDeductionsOre: 50}, roundRates(),
			want{21, 21, true, 2000000, 0, 50, 20000, false}},
		{"rounding below half", BenefitInput{Month: bday("2026-05-01"), BirthDate: old, OtherDeductionsOre: 51}, roundRates(),
			want{21, 21, true, 2000000, 0, 51, 19999, false}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rates := tc.rates
			if rates == nil {
				rates = seedRates()
			}
			got, err := ComputeBenefit(tc.in, rates)
			if err != nil {
				t.Fatal(err)
			}
			g := want{got.InProgrammeDays, got.WeekdaysInMonth, got.WholeMonth, got.GrossOre,
				got.AbsenceDeductionOre, got.OtherDeductionsOre, got.PaymentKroner, got.NeedsDecision}
			if g != tc.want {
				t.Errorf("got  %+v\nwant %+v\n%s", g, tc.want, strings.Join(got.Working, "\n"))
			}
			if got.DeductionOre != got.AbsenceDeductionOre+got.OtherDeductionsOre {
				t.Errorf("deduction %d", got.DeductionOre)
			}
			if !got.Month.Equal(MonthStart(tc.in.Month)) {
				t.Errorf("month %v", got.Month)
			}
			if last := got.Working[len(got.Working)-1]; last != "Til utbetaling: "+FormatKroner(got.PaymentKroner)+" kr" {
				t.Errorf("last working line %q", last)
			}
		})
	}
}

func TestComputeBenefitWorking(t *testing.T) {
	got, err := ComputeBenefit(BenefitInput{Month: bday("2025-05-01"), BirthDate: bday("2005-01-01"),
		UnexcusedMinutes: 450, OtherDeductionsOre: 100000}, seedRates())
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"Grunnbeløpet (G) fra 01.05.2025: 130 160 kr",
		"Sats 2/3: under 25 år og bor ikke sammen med foreldrene",
		"2 G × 2/3 = 173 546,67 kr i året",
		"Hel måned: 173 546,67 kr ÷ 12 = 14 462,22 kr",
		"Stønad før trekk: 14 462,22 kr",
		"Timesats: 173 546,67 kr ÷ 1 950 timer = 89,00 kr",
		"Ugyldig fravær 7,5 timer × 173 546,67 kr ÷ 1 950 = 667,49 kr",
		"Andre ytelser som trekkes: 1 000 kr",
		"Trekk i alt: 1 667,49 kr",
		// 14 462,22 − 1 667,49 = 12 794,74 → 12 795.
		"Til utbetaling: 12 795 kr",
	}
	if strings.Join(got.Working, "\n") != strings.Join(want, "\n") {
		t.Errorf("working:\n%s\nwant:\n%s", strings.Join(got.Working, "\n"), strings.Join(want, "\n"))
	}

	// A birthday inside the month and paused days show in the working.
	got, err = ComputeBenefit(BenefitInput{Month: bday("2025-05-01"), BirthDate: bday("2000-05-14"),
		PausedDays: []time.Time{bday("2025-05-02")}}, seedRates())
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(got.Working, "\n")
	for _, s := range []string{
		"Fyller 25 år 14.05.2025: full sats fra 15.05.2025",
		"I programmet 21 dager av 22 hverdager i mai 2025",
		"1 dag med permisjon eller avbrudd gir ikke stønad",
		"9 dager × 173 546,67 kr ÷ 260 = 6 007,38 kr",
		"12 dager × 260 320 kr ÷ 260 = 12 014,77 kr",
		"Full sats: fylt 25 år",
	} {
		if !strings.Contains(text, s) {
			t.Errorf("working lacks %q:\n%s", s, text)
		}
	}
}

func TestComputeBenefitErrors(t *testing.T) {
	var without RateTable
	for _, r := range seedRates() {
		if r.Kind != RateBenefitHoursPerYear {
			without = append(without, r)
		}
	}
	_, err := ComputeBenefit(BenefitInput{Month: bday("2025-05-01"), BirthDate: bday("1970-01-01")}, without)
	if ErrorCode(err) != EINVALID || !strings.Contains(ErrorMessage(err), "benefit_hours_per_year") {
		t.Errorf("missing rate: %v", err)
	}
	// Before the first G there is none in force.
	_, err = ComputeBenefit(BenefitInput{Month: bday("2023-04-01"), BirthDate: bday("1970-01-01")}, seedRates())
	if ErrorCode(err) != EINVALID || !strings.Contains(ErrorMessage(err), "(g)") {
		t.Errorf("missing G: %v", err)
	}
	_, err = ComputeBenefit(BenefitInput{Month: bday("2025-05-01"), BirthDate: bday("1970-01-01"), UnexcusedMinutes: -1}, seedRates())
	if ErrorCode(err) != EINVALID {
		t.Errorf("negative minutes: %v", err)
	}
	_, err = ComputeBenefit(BenefitInput{Month: bday("2025-05-01")}, seedRates())
	if ErrorCode(err) != EINVALID {
		t.Errorf("no birth date: %v", err)
	}
}

func TestBirthdayAt(t *testing.T) {
	for _, tc := range []struct{ birth, want string }{
		{"2000-05-14", "2025-05-14"},
		{"2000-02-29", "2025-03-01"}, // no 29 February in 2025
		{"2004-02-29", "2029-03-01"},
	} {
		if got := BirthdayAt(bday(tc.birth), 25); !got.Equal(bday(tc.want)) {
			t.Errorf("%s: %s", tc.birth, got.Format("2006-01-02"))
		}
	}
}

func TestBenefitCalculatorForm(t *testing.T) {
	in, err := BenefitCalculatorForm{Month: "2025-05", BirthDate: "2001-03-14", WithParents: "1", Start: "2025-05-19",
		UnexcusedHours: "7,5", OtherDeductions: "1 500,50"}.Validate()
	if err != nil {
		t.Fatal(err)
	}
	if !in.Month.Equal(bday("2025-05-01")) || !in.BirthDate.Equal(bday("2001-03-14")) || !in.WithParents ||
		in.Start == nil || !in.Start.Equal(bday("2025-05-19")) || in.End != nil || in.UnexcusedMinutes != 450 || in.OtherDeductionsOre != 150050 {
		t.Errorf("got %+v", in)
	}
	if in, err := (BenefitCalculatorForm{Month: "05.2025", BirthDate: "14.03.2001", UnexcusedHours: "7.5"}).Validate(); err != nil || in.UnexcusedMinutes != 450 {
		t.Errorf("Norwegian forms: %+v %v", in, err)
	}
	for _, tc := range []struct {
		f     BenefitCalculatorForm
		field string
	}{
		{BenefitCalculatorForm{BirthDate: "2001-03-14"}, "month"},
		{BenefitCalculatorForm{Month: "2025-13", BirthDate: "2001-03-14"}, "month"},
		{BenefitCalculatorForm{Month: "mai", BirthDate: "2001-03-14"}, "month"},
		{BenefitCalculatorForm{Month: "2025-05"}, "birth_date"},
		{BenefitCalculatorForm{Month: "2025-05", BirthDate: "2001-02-30"}, "birth_date"},
		{BenefitCalculatorForm{Month: "2025-05", BirthDate: "2025-06-01"}, "birth_date"},
		{BenefitCalculatorForm{Month: "2025-05", BirthDate: "2001-03-14", WithParents: "ja"}, "with_parents"},
		{BenefitCalculatorForm{Month: "2025-05", BirthDate: "2001-03-14", Start: "19.5"}, "start"},
		{BenefitCalculatorForm{Month: "2025-05", BirthDate: "2001-03-14", Start: "2025-05-19", End: "2025-05-18"}, "end"},
		{BenefitCalculatorForm{Month: "2025-05", BirthDate: "2001-03-14", UnexcusedHours: "sju"}, "unexcused_hours"},
		{BenefitCalculatorForm{Month: "2025-05", BirthDate: "2001-03-14", UnexcusedHours: "-2"}, "unexcused_hours"},
		{BenefitCalculatorForm{Month: "2025-05", BirthDate: "2001-03-14", UnexcusedHours: "1000"}, "unexcused_hours"},
		{BenefitCalculatorForm{Month: "2025-05", BirthDate: "2001-03-14", OtherDeductions: "-100"}, "other_deductions"},
		{BenefitCalculatorForm{Month: "2025-05", BirthDate: "2001-03-14", OtherDeductions: "1,234"}, "other_deductions"},
	} {
		_, err := tc.f.Validate()
		var e *Error
		if !errors.As(err, &e) || e.Fields[tc.field] == "" || len(e.Fields) != 1 {
			t.Errorf("%+v: want a message on %s, got %v", tc.f, tc.field, err)
		}
	}
}

func TestBenefitDeductionForm(t *testing.T) {
	d, err := BenefitDeductionForm{Month: "2025-05", Amount: "2 000,50", Description: "  Sykepenger fra Nav "}.Validate()
	if err != nil || d.AmountOre != 200050 || d.Description != "Sykepenger fra Nav" || !d.Month.Equal(bday("2025-05-01")) {
		t.Errorf("%+v %v", d, err)
	}
	for _, tc := range []struct {
		f     BenefitDeductionForm
		field string
	}{
		{BenefitDeductionForm{Month: "2025-5x", Amount: "1", Description: "x"}, "month"},
		{BenefitDeductionForm{Month: "2025-05", Amount: "", Description: "x"}, "amount"},
		{BenefitDeductionForm{Month: "2025-05", Amount: "0", Description: "x"}, "amount"},
		{BenefitDeductionForm{Month: "2025-05", Amount: "tusen", Description: "x"}, "amount"},
		{BenefitDeductionForm{Month: "2025-05", Amount: "1", Description: "  "}, "description"},
		{BenefitDeductionForm{Month: "2025-05", Amount: "1", Description: "a\x00b"}, "description"},
		{BenefitDeductionForm{Month: "2025-05", Amount: "1", Description: strings.Repeat("x", 201)}, "description"},
	} {
		_, err := tc.f.Validate()
		var e *Error
		if !errors.As(err, &e) || e.Fields[tc.field] == "" || len(e.Fields) != 1 {
			t.Errorf("%+v: want a message on %s, got %v", tc.f, tc.field, err)
		}
	}
}
