package domain

import (
	"slices"
	"testing"
	"time"
)

func TestNIRCheck(t *testing.T) {
	d := func(s string) *time.Time {
		v, _ := time.Parse("2006-01-02", s)
		return &v
	}
	today := *d("2026-06-15")
	// A complete, running registration: nothing to report.
	ok := NIRCheckInput{Decision: DecisionGranted, DecisionDate: d("2026-01-10"), StartDate: d("2026-02-01"),
		PlannedEnd: d("2027-02-01"), EndGoal: GoalWork, Elements: 2, Reported: true}
	with := func(f func(*NIRCheckInput)) NIRCheckInput { in := ok; f(&in); return in }
	cases := []struct {
		name string
		in   NIRCheckInput
		want []string
	}{
		{"complete", ok, nil},
		{"no decision yet", NIRCheckInput{}, nil},
		{"ended without reason or activity", with(func(in *NIRCheckInput) { in.EndedOn = d("2026-05-01") }),
			[]string{NIREndedNoReason, NIREndedNoActivity}},
		{"ended with reason, no activity", with(func(in *NIRCheckInput) { in.EndedOn = d("2026-05-01"); in.EndReason = "work" }),
			[]string{NIREndedNoActivity}},
		{"ended complete", with(func(in *NIRCheckInput) {
			in.EndedOn = d("2026-05-01")
			in.EndReason, in.EndActivity = "work", "work_full"
		}), nil},
		{"decision without date, never reported", with(func(in *NIRCheckInput) { in.DecisionDate = nil; in.Reported = false }),
			[]string{NIRDecisionNoDate}},
		{"refused without reason", NIRCheckInput{Decision: DecisionRefused, DecisionDate: d("2026-06-01")}, []string{NIRRefusedNoReason}},
		{"refused with reason", NIRCheckInput{Decision: DecisionRefused, DecisionDate: d("2026-06-01"), RefusalReason: "Ikke rett"}, nil},
		{"granted without start", with(func(in *NIRCheckInput) { in.StartDate = nil; in.Elements = 0 }), []string{NIRGrantedNoStart}},
		{"started without end goal", with(func(in *NIRCheckInput) { in.EndGoal = "" }), []string{NIRStartedNoGoal}},
		{"started without elements", with(func(in *NIRCheckInput) { in.Elements = 0 }), []string{NIRNoElements}},
		{"start in the future without elements", with(func(in *NIRCheckInput) { in.StartDate = d("2026-07-01"); in.Elements = 0 }), nil},
		{"past planned end, not ended", with(func(in *NIRCheckInput) { in.PlannedEnd = d("2026-06-14") }), []string{NIRPastPlannedEnd}},
		{"planned end today", with(func(in *NIRCheckInput) { in.PlannedEnd = d("2026-06-15") }), nil},
		{"leave moves the planned end", with(func(in *NIRCheckInput) { in.PlannedEnd = d("2026-06-10"); in.LeaveDays = 5 }), nil},
		{"leave not long enough", with(func(in *NIRCheckInput) { in.PlannedEnd = d("2026-06-10"); in.LeaveDays = 4 }), []string{NIRPastPlannedEnd}},
		{"decision 2 months old today, unreported", with(func(in *NIRCheckInput) { in.DecisionDate = d("2026-04-15"); in.Reported = false }), nil},
		{"decision 2 months and a day, unreported", with(func(in *NIRCheckInput) { in.DecisionDate = d("2026-04-14"); in.Reported = false }),
			[]string{NIRDecisionUnreported}},
		{"old decision, reported", with(func(in *NIRCheckInput) { in.DecisionDate = d("2025-01-01") }), nil},
		{"old refusal, unreported", NIRCheckInput{Decision: DecisionRefused, DecisionDate: d("2026-01-01"), RefusalReason: "x"},
			[]string{NIRDecisionUnreported}},
	}
	for _, c := range cases {
		var got []string
		for _, i := range NIRCheck(c.in, today) {
			got = append(got, i.Code)
			if i.Label == "" || (i.Kind != NIRMissing && i.Kind != NIRLate) {
				t.Errorf("%s: issue %+v", c.name, i)
			}
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
	got := NIRCheckOrder([]NIRIssue{{Code: NIRDecisionUnreported}, {Code: NIREndedNoReason}, {Code: NIRNoElements}})
	if got[0].Code != NIREndedNoReason || got[1].Code != NIRNoElements || got[2].Code != NIRDecisionUnreported {
		t.Errorf("order: %v", got)
	}
	if NIRKindLabel(NIRLate) != "Forsinket" || NIRKindLabel(NIRMissing) != "Mangler" {
		t.Error("kind labels")
	}
}
