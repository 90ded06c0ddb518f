package domain

import (
	"slices"
	"time"
)

// The NIR programme file (the directorate's register of the introduction
// programme) and its check report: what a registration lacks or is late
// with. The file itself is built by the store (postgres/nir.go) and written
// by the server (server/reports.go); the rules of the check live here.

// NIRCheckInput is what the check reads of one programme.
type NIRCheckInput struct {
	Decision      string // "", granted, refused
	DecisionDate  *time.Time
	RefusalReason string
	StartDate     *time.Time
	PlannedEnd    *time.Time
	LeaveDays     int // days of leave, which move the planned end
	EndGoal       string
	EndedOn       *time.Time
	EndReason     string
	EndActivity   string
	Elements      int // plan elements with a scope (minutes a week)
	// Reported: the programme as it is now has been in a real export (a
	// mark no older than its last change).
	Reported bool
}

// NIR check kinds: missing data or a late registration.
const (
	NIRMissing = "missing" // mangler
	NIRLate    = "late"    // forsinket
)

// NIRIssue is one finding of the check.
type NIRIssue struct {
	Code  string
	Kind  string // NIRMissing or NIRLate
	Label string // Norwegian, for the page and the CSV
}

// NIR check codes.
const (
	NIREndedNoReason      = "ended_no_reason"
	NIREndedNoActivity    = "ended_no_activity"
	NIRDecisionNoDate     = "decision_no_date"
	NIRRefusedNoReason    = "refused_no_reason"
	NIRGrantedNoStart     = "granted_no_start"
	NIRStartedNoGoal      = "started_no_goal"
	NIRNoElements         = "no_elements"
	NIRPastPlannedEnd     = "past_planned_end"
	NIRDecisionUnreported = "decision_unreported"
)

// nirReportMonths is how long after the decision a registration may wait
// before it is late (IMDi asks for it within two months).
const nirReportMonths = 2

// NIRKindLabel is a kind in Norwegian.
func NIRKindLabel(kind string) string {
	if kind == NIRLate {
		return "Forsinket"
	}
	return "Mangler"
}

// NIRCheck lists what a programme lacks or is late with on today, in a
// fixed order. An element can have no scope only in older data (the plan
// form and the schema require minutes a week), so "element without scope"
// is checked as a started programme with no element in its plan at all.
func NIRCheck(in NIRCheckInput, today time.Time) []NIRIssue {
	var out []NIRIssue
	add := func(code, kind, label string) { out = append(out, NIRIssue{code, kind, label}) }
	if in.EndedOn != nil && in.EndReason == "" {
		add(NIREndedNoReason, NIRMissing, "Avsluttet uten avslutningsårsak")
	}
	if in.EndedOn != nil && in.EndActivity == "" {
		add(NIREndedNoActivity, NIRMissing, "Avsluttet uten hovedaktivitet ved avslutning")
	}
	if in.Decision != "" && in.DecisionDate == nil {
		add(NIRDecisionNoDate, NIRMissing, "Vedtak uten vedtaksdato")
	}
	if in.Decision == DecisionRefused && in.RefusalReason == "" {
		add(NIRRefusedNoReason, NIRMissing, "Avslag uten begrunnelse")
	}
	if in.Decision == DecisionGranted && in.StartDate == nil && in.EndedOn == nil {
		add(NIRGrantedNoStart, NIRMissing, "Innvilget uten startdato")
	}
	if in.Decision == DecisionGranted && in.StartDate != nil && in.EndGoal == "" {
		add(NIRStartedNoGoal, NIRMissing, "Startdato uten sluttmål")
	}
	if in.Decision == DecisionGranted && in.StartDate != nil && !in.StartDate.After(today) && in.Elements == 0 {
		add(NIRNoElements, NIRMissing, "Startet uten tiltak med omfang (timer i uka) i planen")
	}
	if in.Decision == DecisionGranted && in.EndedOn == nil && in.PlannedEnd != nil && AddDays(*in.PlannedEnd, in.LeaveDays).Before(today) {
		add(NIRPastPlannedEnd, NIRLate, "Planlagt slutt er passert, men programmet er ikke avsluttet")
	}
	if in.DecisionDate != nil && !in.Reported && AddMonths(*in.DecisionDate, nirReportMonths).Before(today) {
		add(NIRDecisionUnreported, NIRLate, "Vedtak eldre enn 2 måneder er ikke rapportert til NIR")
	}
	return out
}

// nirCodes is the check's order of codes.
var nirCodes = []string{NIREndedNoReason, NIREndedNoActivity, NIRDecisionNoDate, NIRRefusedNoReason, NIRGrantedNoStart,
	NIRStartedNoGoal, NIRNoElements, NIRPastPlannedEnd, NIRDecisionUnreported}

// NIRCheckOrder sorts issues of different codes into the check's order.
func NIRCheckOrder(issues []NIRIssue) []NIRIssue {
	out := slices.Clone(issues)
	slices.SortFunc(out, func(a, b NIRIssue) int {
		return slices.Index(nirCodes, a.Code) - slices.Index(nirCodes, b.Code)
	})
	return out
}
