package domain

import (
	"strconv"
	"strings"
	"time"
)

// Deadline statuses.
const (
	DeadlineOpen    = "open"    // due in the future
	DeadlineOverdue = "overdue" // due date passed, not done
	DeadlineDone    = "done"
)

// Deadline is one computed legal deadline or one manual task of a person.
type Deadline struct {
	PersonID   int64
	PersonName string
	Kind       string // a computed rule's kind, or "task" for a manual task
	Title      string // Norwegian, for display
	Due        time.Time
	Status     string // DeadlineOpen, DeadlineOverdue or DeadlineDone
	DoneOn     *time.Time
	TaskID     *int64  // manual tasks only
	Assignee   *string // manual tasks only
	Health     bool    // a health item: shown to the health role alone, reads audited

	// ID is the stored row's id (the deadline's, or the task's); Version is
	// its optimistic-locking version. Both are zero for deadlines that are
	// computed but not stored.
	ID         int64
	Version    int
	AssigneeID *int64  // manual tasks only
	DoneBy     *string // the name of who marked it done
	Caseworker *string // the person's caseworker (programrådgiver), if any
}

// Kinds of computed deadlines (fristtyper), and KindTask for manual tasks.
const (
	KindProgrammeOffer = "programme_offer" // tilbud om introduksjonsprogram
	KindTBScreening    = "tb_screening"    // tuberkuloseundersøkelse
	KindHealthCheck    = "health_check"    // helsekartlegging
	KindNIRSettlement  = "nir_settlement"  // NIR: registrering av bosetting
	// KindPlacementFollowup: an active work-practice placement without a
	// follow-up conversation for PlacementFollowupWeeks (placement.go). Not
	// computed from the person's dates: the placements module keeps it.
	KindPlacementFollowup = "placement_followup"
	KindTask              = "task" // manuell oppgave
)

// The rule periods. Each is the law's (or the guideline's) number; the
// arithmetic is AddMonths / AddDays, see dates.go and docs domain.md
// "Computing dates and money".
const (
	// ProgrammeOfferMonths: integreringsloven — the introduction programme is
	// offered (started) at the latest 3 months after settlement in the
	// municipality (or after the person's request).
	ProgrammeOfferMonths = 3
	// TBScreeningDays: tuberkulosekontroll (Helsedirektoratet) — screening
	// within 14 days of arrival in Norway; the municipality arranges it for
	// people settled directly.
	TBScreeningDays = 14
	// HealthCheckMonths: Helsedirektoratet's guideline for refugees — a health
	// check (helsekartlegging) offered within 3 months of arrival.
	HealthCheckMonths = 3
	// NIRMonths: integreringsloven / IMDi — facts are registered in the
	// national introduction register (NIR) within 2 months; settlement is the
	// first such fact.
	NIRMonths = 2
)

// DeadlineRule describes one kind of computed deadline.
type DeadlineRule struct {
	Kind   string
	Title  string // Norwegian, for display
	Health bool   // shown to the health role alone
}

// deadlineRules lists the computed deadlines in display order.
var deadlineRules = []DeadlineRule{
	{KindProgrammeOffer, "Tilbud om introduksjonsprogram", false},
	{KindNIRSettlement, "NIR: registrer bosetting", false},
	{KindTBScreening, "TB-undersøkelse", true},
	{KindHealthCheck, "Helsekartlegging", true},
	{KindPlacementFollowup, "Oppfølging i arbeidspraksis", false},
}

// ComputedDeadlineKinds lists the kinds ComputeDeadlines owns (computed
// from the person's dates): refreshing them must leave the other kinds
// (placement_followup, kept by the placements module) alone.
func ComputedDeadlineKinds() []string {
	var out []string
	for _, r := range deadlineRules {
		if r.Kind != KindPlacementFollowup {
			out = append(out, r.Kind)
		}
	}
	return out
}

// DeadlineRuleOf returns the rule of a computed kind.
func DeadlineRuleOf(kind string) (DeadlineRule, bool) {
	for _, r := range deadlineRules {
		if r.Kind == kind {
			return r, true
		}
	}
	return DeadlineRule{}, false
}

// DeadlineTitle is the Norwegian name of a kind ("Oppgave" for tasks).
func DeadlineTitle(kind string) string {
	if kind == KindTask {
		return "Oppgave"
	}
	if r, ok := DeadlineRuleOf(kind); ok {
		return r.Title
	}
	return kind
}

// HealthDeadlineKinds lists the kinds only the health role may see.
func HealthDeadlineKinds() []string {
	var out []string
	for _, r := range deadlineRules {
		if r.Health {
			out = append(out, r.Kind)
		}
	}
	return out
}

// DeadlineCapability is what marking a computed deadline done (or undoing
// it) takes: health deadlines need CapWriteHealth, the others CapWriteCase.
// Seeing a health deadline takes CapReadHealth, and every read is audited.
func DeadlineCapability(health bool) Capability {
	if health {
		return CapWriteHealth
	}
	return CapWriteCase
}

// DeadlineFacts are the dated facts of a person that deadlines count from.
// Missing facts are nil; a rule whose fact is missing yields no deadline.
type DeadlineFacts struct {
	Arrival    *time.Time // arrival in Norway (ankomstdato)
	Settlement *time.Time // settlement in the municipality (bosettingsdato)
}

// Validate refuses contradictory facts: settlement before arrival.
func (f DeadlineFacts) Validate() error {
	if f.Arrival != nil && f.Settlement != nil && Date(*f.Settlement).Before(Date(*f.Arrival)) {
		return &Error{Code: EINVALID, Message: "Bosettingsdato kan ikke være før ankomstdato.",
			Fields: map[string]string{"settlement_date": "Bosettingsdato kan ikke være før ankomstdato."}}
	}
	return nil
}

// ComputeDeadlines returns the deadlines the rules give for the facts, in
// deadlineRules order, with Kind, Title, Due and Health set (Status is left
// to DeadlineStatus, which needs today and the done date). Contradictory
// facts (settlement before arrival, refused by Validate) give none.
func ComputeDeadlines(f DeadlineFacts) []Deadline {
	if f.Validate() != nil {
		return nil
	}
	due := map[string]time.Time{}
	if f.Settlement != nil {
		s := Date(*f.Settlement)
		due[KindProgrammeOffer] = AddMonths(s, ProgrammeOfferMonths)
		due[KindNIRSettlement] = AddMonths(s, NIRMonths)
	}
	if f.Arrival != nil {
		a := Date(*f.Arrival)
		due[KindTBScreening] = AddDays(a, TBScreeningDays)
		due[KindHealthCheck] = AddMonths(a, HealthCheckMonths)
	} else if f.Settlement != nil {
		// Arrival unknown: the health check counts from settlement instead.
		due[KindHealthCheck] = AddMonths(Date(*f.Settlement), HealthCheckMonths)
	}
	var out []Deadline
	for _, r := range deadlineRules {
		if d, ok := due[r.Kind]; ok {
			out = append(out, Deadline{Kind: r.Kind, Title: r.Title, Due: d, Health: r.Health})
		}
	}
	return out
}

// DeadlineStatus is the status of a deadline due on due, done on doneOn (nil
// if not done), seen on today: done, overdue once the due day has passed,
// otherwise open (a deadline due today is still open).
func DeadlineStatus(due time.Time, doneOn *time.Time, today time.Time) string {
	switch {
	case doneOn != nil:
		return DeadlineDone
	case Date(due).Before(Date(today)):
		return DeadlineOverdue
	}
	return DeadlineOpen
}

// Limits of a manual task.
const (
	TaskTitleMax     = 200
	TaskDueYearsMax  = 5 // a task may be due at most this many years ahead
	earliestTaskYear = 1990
)

// TaskForm is a manual task (oppgave) as typed in the form.
type TaskForm struct {
	Title      string
	DueDate    string
	AssigneeID string
	Version    string
}

// TaskInput is a validated task, ready to store.
type TaskInput struct {
	Title      string
	Due        time.Time
	AssigneeID int64
	Version    int // the version the edit was based on (updates only)
}

// FormFromTask fills a task form from a stored task (for editing).
func FormFromTask(d *Deadline) TaskForm {
	f := TaskForm{Title: d.Title, DueDate: FormatISODate(&d.Due), Version: strconv.Itoa(d.Version)}
	if d.AssigneeID != nil {
		f.AssigneeID = strconv.FormatInt(*d.AssigneeID, 10)
	}
	return f
}

// Validate checks a task form and returns the typed input, or an *Error
// with one Norwegian message per field.
func (f TaskForm) Validate(today time.Time) (TaskInput, error) {
	var in TaskInput
	fields := map[string]string{}
	var msg string
	in.Title, msg = lineField("Tittel", f.Title)
	switch n := len([]rune(in.Title)); {
	case msg != "":
		fields["title"] = msg
	case n == 0:
		fields["title"] = "Tittel må fylles ut."
	case n > TaskTitleMax:
		fields["title"] = "Tittel kan ha høyst " + strconv.Itoa(TaskTitleMax) + " tegn (nå " + strconv.Itoa(n) + ")."
	}
	today = Date(today)
	if strings.TrimSpace(f.DueDate) == "" {
		fields["due_date"] = "Frist må fylles ut."
	} else if d, ok := ParseDate(f.DueDate); !ok {
		fields["due_date"] = "Frist må være en gyldig dato (dd.mm.åååå)."
	} else if d.Year() < earliestTaskYear {
		fields["due_date"] = "Frist kan ikke være før " + strconv.Itoa(earliestTaskYear) + "."
	} else if d.After(today.AddDate(TaskDueYearsMax, 0, 0)) {
		fields["due_date"] = "Frist kan ikke være mer enn " + strconv.Itoa(TaskDueYearsMax) + " år frem i tid."
	} else {
		in.Due = d
	}
	if s := strings.TrimSpace(f.AssigneeID); s == "" {
		fields["assignee_id"] = "Velg hvem som har ansvar for oppgaven."
	} else if id, err := strconv.ParseInt(s, 10, 64); err != nil || id <= 0 {
		fields["assignee_id"] = "Ukjent ansvarlig."
	} else {
		in.AssigneeID = id
	}
	if s := strings.TrimSpace(f.Version); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v <= 0 {
			fields["version"] = "Ugyldig versjon. Last siden på nytt."
		}
		in.Version = v
	}
	if len(fields) > 0 {
		return in, &Error{Code: EINVALID, Message: "Skjemaet har feil. Rett opp feltene som er merket.", Fields: fields}
	}
	return in, nil
}

// ParseDoneDate checks the date a deadline or task was done: required, a
// valid date, not in the future and not before 1990. The error is an *Error
// with the message on field "done_on".
func ParseDoneDate(s string, today time.Time) (time.Time, error) {
	bad := func(msg string) (time.Time, error) {
		return time.Time{}, &Error{Code: EINVALID, Message: msg, Fields: map[string]string{"done_on": msg}}
	}
	if strings.TrimSpace(s) == "" {
		return bad("Dato for utført må fylles ut.")
	}
	d, ok := ParseDate(s)
	if !ok {
		return bad("Dato for utført må være en gyldig dato (dd.mm.åååå).")
	}
	if d.After(Date(today)) {
		return bad("Dato for utført kan ikke være i fremtiden.")
	}
	if d.Year() < earliestTaskYear {
		return bad("Dato for utført kan ikke være før " + strconv.Itoa(earliestTaskYear) + ".")
	}
	return d, nil
}
