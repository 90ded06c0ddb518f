package domain

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// Health follow-up (helseoppfølging): a checklist per person with status and
// dates only, never clinical content (that belongs in the medical record,
// journalen). Only the health role reads items, and every read is logged
// with its purpose. Other roles see one summary line (HealthSummary).

// Health item kinds (health_items.kind). TB screening and the health check
// are also computed deadlines (deadline.go): marking the item done meets
// the deadline.
const (
	HealthTB       = KindTBScreening // TB-undersøkelse
	HealthCheck    = KindHealthCheck // helsekartlegging
	HealthVaccines = "vaccines"      // vaksiner (MMR, polio; barn etter vaksinasjonsprogrammet)
	HealthMental   = "mental_health" // psykisk helse-kartlegging
	HealthGP       = "gp"            // fastlege
	HealthDental   = "dental"        // tannhelse (barn under 18)
)

// Health item statuses.
const (
	HealthNotStarted  = "not_started"  // ikke startet
	HealthBooked      = "booked"       // bestilt
	HealthDone        = "done"         // utført
	HealthDeclined    = "declined"     // takket nei
	HealthNotRelevant = "not_relevant" // ikke aktuelt (with a reason)
)

// The health rules' periods (Helsedirektoratet's guideline for health
// services to refugees; docs/domain.md). TB uses TBScreeningDays and the
// health check HealthCheckMonths (deadline.go), so the item and the deadline
// never disagree.
const (
	VaccinesMonths       = 3  // vaccination started within 3 months …
	VaccinesLatestMonths = 12 // … and at the latest within a year
	MentalHealthMonths   = 3
	GPMonths             = 3
	DentalMonths         = 3
	DentalMaxAge         = 18 // dental follow-up for children under 18
	// TB X-ray (røntgen thorax) is part of the screening for ages 10–35 at
	// arrival; the others get a blood test (IGRA) only. The checklist has
	// one TB item: the age only decides the hint "med røntgen" shown with
	// it (HealthTBXRay), so the health worker books the right appointment.
	TBXRayMinAge = 10
	TBXRayMaxAge = 35
	// HealthNoteMax is the logistics note's length limit (the column's).
	HealthNoteMax   = 500
	HealthReasonMax = 300
	// HealthPurposeTextMax limits the purpose's free text (annet).
	HealthPurposeTextMax = 200
)

// ReasonNotHighIncidence is the reason of a TB item created not relevant.
const ReasonNotHighIncidence = "Ikke fra land med høy forekomst av tuberkulose"

// HealthNoteChanged stands for the logistics note in an audit row: the
// change is recorded, the text is not.
const HealthNoteChanged = "(endret)"

// HealthNoteWarning stands beside the logistics note on every form.
const HealthNoteWarning = "Bare praktiske opplysninger (timebestilling, tolk, transport). Ikke skriv helseopplysninger her – de hører hjemme i journalen."

var healthKinds = []Option{
	{HealthTB, "TB-undersøkelse"},
	{HealthCheck, "Helsekartlegging"},
	{HealthVaccines, "Vaksiner"},
	{HealthMental, "Psykisk helse-kartlegging"},
	{HealthGP, "Fastlege"},
	{HealthDental, "Tannhelse"},
}

var healthStatuses = []Option{
	{HealthNotStarted, "Ikke startet"},
	{HealthBooked, "Bestilt"},
	{HealthDone, "Utført"},
	{HealthDeclined, "Takket nei"},
	{HealthNotRelevant, "Ikke aktuelt"},
}

var healthPlaces = []Option{
	{"health_station", "Helsestasjon"},
	{"gp", "Fastlege"},
	{"hospital", "Sykehus"},
	{"other", "Annet"},
}

// Purposes of reading a person's health items (Normen: every access has a
// reason, logged with it).
const (
	PurposeFollowUp   = "follow_up"
	PurposeBooking    = "booking"
	PurposeCorrection = "correction"
	PurposeOther      = "other"
)

var healthPurposes = []Option{
	{PurposeFollowUp, "Oppfølging"},
	{PurposeBooking, "Timebestilling"},
	{PurposeCorrection, "Retting"},
	{PurposeOther, "Annet"},
}

// HealthKinds lists the item kinds in checklist order (a fresh slice).
func HealthKinds() []Option { return slices.Clone(healthKinds) }

// HealthStatuses lists the statuses (a fresh slice).
func HealthStatuses() []Option { return slices.Clone(healthStatuses) }

// HealthPlaces lists where an item is done (a fresh slice).
func HealthPlaces() []Option { return slices.Clone(healthPlaces) }

// HealthPurposes lists the purposes of a read (a fresh slice).
func HealthPurposes() []Option { return slices.Clone(healthPurposes) }

// HealthKindLabel, HealthStatusLabel, HealthPlaceLabel and
// HealthPurposeLabel are the Norwegian words of the codes.
func HealthKindLabel(k string) string   { return Label(healthKinds, k) }
func HealthStatusLabel(s string) string { return Label(healthStatuses, s) }
func HealthPlaceLabel(p string) string {
	if p == "" {
		return ""
	}
	return Label(healthPlaces, p)
}
func HealthPurposeLabel(p string) string { return Label(healthPurposes, p) }

// HighTBIncidenceCountries are the countries of origin (codes of the
// person form's list) whose people are screened for TB on arrival: those
// the Norwegian Institute of Public Health (FHI) lists as having a high
// incidence of tuberculosis (≥ 40 per 100 000; the list is revised yearly —
// check it against fhi.no and change it here). "XX" (stateless / unknown)
// counts as high incidence: without a known country the screening is
// offered rather than skipped. Syria, Iraq, Iran, Lebanon, Palestine and
// Turkey are below the threshold.
func HighTBIncidenceCountries() []string {
	return []string{"AF", "BI", "CD", "ER", "ET", "MM", "RU", "RW", "SD", "SO", "SS", "UA", "YE", "XX"}
}

// HighTBIncidence reports whether a country of origin is on the list.
func HighTBIncidence(country string) bool {
	return slices.Contains(HighTBIncidenceCountries(), country)
}

// HealthFacts are what the checklist's due dates count from.
type HealthFacts struct {
	BirthDate  time.Time
	Country    string     // country of origin code
	Arrival    *time.Time // arrival in Norway (a reunified member's own)
	Settlement *time.Time // settlement in the municipality
}

// Start is the date the checklist counts from: the arrival, or the
// settlement when the arrival is unknown (as the deadline rules do); false
// when neither is known (no checklist yet).
func (f HealthFacts) Start() (time.Time, bool) {
	switch {
	case f.Arrival != nil:
		return Date(*f.Arrival), true
	case f.Settlement != nil:
		return Date(*f.Settlement), true
	}
	return time.Time{}, false
}

// PlannedHealthItem is one item the rules give for a person: its kind, due
// date, and, for an item that does not apply, the status not_relevant with
// its reason (the status is only used when the item is created).
type PlannedHealthItem struct {
	Kind   string
	Due    time.Time
	Status string
	Reason string
}

// PlanHealthItems returns the checklist the rules give, in checklist order:
// TB within 14 days (not relevant, with a reason, for people not from a
// high-incidence country), health check, vaccines, mental health and GP
// within 3 months, dental within 3 months for children under 18 at the
// start. No start date, no checklist.
func PlanHealthItems(f HealthFacts) []PlannedHealthItem {
	start, ok := f.Start()
	if !ok {
		return nil
	}
	tb := PlannedHealthItem{Kind: HealthTB, Due: AddDays(start, TBScreeningDays), Status: HealthNotStarted}
	if !HighTBIncidence(f.Country) {
		tb.Status, tb.Reason = HealthNotRelevant, ReasonNotHighIncidence
	}
	out := []PlannedHealthItem{
		tb,
		{Kind: HealthCheck, Due: AddMonths(start, HealthCheckMonths), Status: HealthNotStarted},
		{Kind: HealthVaccines, Due: AddMonths(start, VaccinesMonths), Status: HealthNotStarted},
		{Kind: HealthMental, Due: AddMonths(start, MentalHealthMonths), Status: HealthNotStarted},
		{Kind: HealthGP, Due: AddMonths(start, GPMonths), Status: HealthNotStarted},
	}
	if AgeOn(f.BirthDate, start) < DentalMaxAge {
		out = append(out, PlannedHealthItem{Kind: HealthDental, Due: AddMonths(start, DentalMonths), Status: HealthNotStarted})
	}
	return out
}

// VaccinesLatest is the vaccines' outer limit (a year from the start),
// shown beside the 3-month due date.
func VaccinesLatest(f HealthFacts) (time.Time, bool) {
	start, ok := f.Start()
	if !ok {
		return time.Time{}, false
	}
	return AddMonths(start, VaccinesLatestMonths), true
}

// HealthTBXRay reports whether the TB screening includes an X-ray: ages
// 10–35 at the start (arrival, else settlement).
func HealthTBXRay(f HealthFacts) bool {
	start, ok := f.Start()
	if !ok {
		return false
	}
	age := AgeOn(f.BirthDate, start)
	return age >= TBXRayMinAge && age <= TBXRayMaxAge
}

// HealthItem is one stored checklist item.
type HealthItem struct {
	ID                int64      `db:"id"`
	PersonID          int64      `db:"person_id"`
	Kind              string     `db:"kind"`
	Due               *time.Time `db:"due_date"`
	Status            string     `db:"status"`
	NotRelevantReason string     `db:"not_relevant_reason"`
	BookedOn          *time.Time `db:"booked_on"`
	DoneOn            *time.Time `db:"done_on"`
	Place             string     `db:"place"`
	InterpreterBooked bool       `db:"interpreter_booked"`
	LogisticsNote     string     `db:"logistics_note"`
	Version           int        `db:"version"`
	UpdatedAt         time.Time  `db:"updated_at"`
	UpdatedBy         *string    `db:"updated_by_name"`
}

// Closed reports whether the item needs nothing more: done, declined or
// not relevant.
func (it HealthItem) Closed() bool {
	return it.Status == HealthDone || it.Status == HealthDeclined || it.Status == HealthNotRelevant
}

// Overdue reports whether an open item's due date has passed on today.
func (it HealthItem) Overdue(today time.Time) bool {
	return !it.Closed() && it.Due != nil && Date(*it.Due).Before(Date(today))
}

// The summary line's states.
const (
	HealthSummaryOngoing  = "ongoing"  // pågår
	HealthSummaryComplete = "complete" // fullført
	HealthSummaryLate     = "late"     // forsinket
)

// HealthSummaryState is the one fact other roles see: late when any open
// item is overdue, complete when every item is done, declined or not
// relevant, otherwise ongoing; "" without items.
func HealthSummaryState(items []HealthItem, today time.Time) string {
	if len(items) == 0 {
		return ""
	}
	complete := true
	for _, it := range items {
		if it.Overdue(today) {
			return HealthSummaryLate
		}
		if !it.Closed() {
			complete = false
		}
	}
	if complete {
		return HealthSummaryComplete
	}
	return HealthSummaryOngoing
}

// HealthSummaryLabel is the state in Norwegian (pågår, fullført, forsinket).
func HealthSummaryLabel(state string) string {
	switch state {
	case HealthSummaryOngoing:
		return "pågår"
	case HealthSummaryComplete:
		return "fullført"
	case HealthSummaryLate:
		return "forsinket"
	}
	return ""
}

// HealthSummary is the line caseworkers and leaders see:
// "Helseoppfølging: pågår / fullført / forsinket" ("" without items).
func HealthSummary(items []HealthItem, today time.Time) string {
	st := HealthSummaryState(items, today)
	if st == "" {
		return ""
	}
	return "Helseoppfølging: " + HealthSummaryLabel(st)
}

// HealthItemForm is an item's edit form as typed (all strings).
type HealthItemForm struct {
	Status            string
	NotRelevantReason string
	BookedOn          string
	DoneOn            string
	Place             string
	InterpreterBooked string // "true" when ticked
	LogisticsNote     string
	Version           string
}

// HealthItemInput is a validated item form.
type HealthItemInput struct {
	Status            string
	NotRelevantReason string
	BookedOn          *time.Time
	DoneOn            *time.Time
	Place             string
	InterpreterBooked bool
	LogisticsNote     string
	Version           int
}

// FormFromHealthItem fills the form from a stored item.
func FormFromHealthItem(it HealthItem) HealthItemForm {
	f := HealthItemForm{
		Status: it.Status, NotRelevantReason: it.NotRelevantReason,
		BookedOn: FormatISODate(it.BookedOn), DoneOn: FormatISODate(it.DoneOn),
		Place: it.Place, LogisticsNote: it.LogisticsNote, Version: strconv.Itoa(it.Version),
	}
	if it.InterpreterBooked {
		f.InterpreterBooked = "true"
	}
	return f
}

// Validate checks an item form. Booked needs the appointment date; done
// needs the date it was done (not in the future); not relevant needs a
// reason; the done date belongs to done alone. The note is one line of
// logistics (CleanLine, at most 500 characters); the form warns against
// clinical content beside it rather than guessing at it.
func (f HealthItemForm) Validate(today time.Time) (HealthItemInput, error) {
	var in HealthItemInput
	fields := map[string]string{}
	today = Date(today)
	in.Status = strings.TrimSpace(f.Status)
	if !slices.ContainsFunc(healthStatuses, func(o Option) bool { return o.Value == in.Status }) {
		fields["status"] = "Velg en status."
	}
	date := func(field, label, s string, notFuture bool) *time.Time {
		if strings.TrimSpace(s) == "" {
			return nil
		}
		d, ok := ParseDate(s)
		switch {
		case !ok:
			fields[field] = label + " må være en gyldig dato (dd.mm.åååå)."
		case d.Year() < earliestTaskYear:
			fields[field] = label + " kan ikke være før " + strconv.Itoa(earliestTaskYear) + "."
		case notFuture && d.After(today):
			fields[field] = label + " kan ikke være i fremtiden."
		case d.After(today.AddDate(2, 0, 0)):
			fields[field] = label + " kan ikke være mer enn 2 år frem i tid."
		default:
			return &d
		}
		return nil
	}
	in.BookedOn = date("booked_on", "Timedato", f.BookedOn, false)
	in.DoneOn = date("done_on", "Dato for utført", f.DoneOn, true)
	switch in.Status {
	case HealthBooked:
		if in.BookedOn == nil && fields["booked_on"] == "" {
			fields["booked_on"] = "Timedato må fylles ut når timen er bestilt."
		}
	case HealthDone:
		if in.DoneOn == nil && fields["done_on"] == "" {
			fields["done_on"] = "Dato for utført må fylles ut når punktet er utført."
		}
	}
	if in.Status != HealthDone && strings.TrimSpace(f.DoneOn) != "" && fields["done_on"] == "" {
		fields["done_on"] = "Dato for utført fylles bare ut når status er «Utført»."
		in.DoneOn = nil
	}
	var msg string
	in.NotRelevantReason, msg = lineField("Begrunnelse", f.NotRelevantReason)
	switch n := len([]rune(in.NotRelevantReason)); {
	case msg != "":
		fields["not_relevant_reason"] = msg
	case in.Status == HealthNotRelevant && n == 0:
		fields["not_relevant_reason"] = "Skriv hvorfor punktet ikke er aktuelt."
	case n > HealthReasonMax:
		fields["not_relevant_reason"] = "Begrunnelse kan ha høyst " + strconv.Itoa(HealthReasonMax) + " tegn (nå " + strconv.Itoa(n) + ")."
	}
	if in.Status != HealthNotRelevant {
		in.NotRelevantReason = ""
	}
	in.Place = strings.TrimSpace(f.Place)
	if in.Place != "" && !slices.ContainsFunc(healthPlaces, func(o Option) bool { return o.Value == in.Place }) {
		fields["place"] = "Velg et sted fra listen."
	}
	switch strings.TrimSpace(f.InterpreterBooked) {
	case "", "false":
	case "true", "on":
		in.InterpreterBooked = true
	default:
		fields["interpreter_booked"] = "Ugyldig verdi for tolk bestilt."
	}
	in.LogisticsNote, msg = lineField("Praktisk merknad", f.LogisticsNote)
	if n := len([]rune(in.LogisticsNote)); msg != "" {
		fields["logistics_note"] = msg
	} else if n > HealthNoteMax {
		fields["logistics_note"] = "Praktisk merknad kan ha høyst " + strconv.Itoa(HealthNoteMax) + " tegn (nå " + strconv.Itoa(n) + ")."
	}
	if v, err := strconv.Atoi(strings.TrimSpace(f.Version)); err != nil || v <= 0 {
		fields["version"] = "Ugyldig versjon. Last siden på nytt."
	} else {
		in.Version = v
	}
	if len(fields) > 0 {
		return in, &Error{Code: EINVALID, Message: "Skjemaet har feil. Rett opp feltene som er merket.", Fields: fields}
	}
	return in, nil
}

// HealthPurposeForm is the purpose of reading a person's items, as typed.
type HealthPurposeForm struct {
	Purpose string
	Text    string
}

// HealthPurpose is a validated purpose: a code and, for "annet", a text.
type HealthPurpose struct {
	Code string `json:"code"`
	Text string `json:"text,omitempty"`
}

// Label is the purpose in Norwegian ("Annet: …" with its text).
func (p HealthPurpose) Label() string {
	l := HealthPurposeLabel(p.Code)
	if p.Text != "" {
		l += ": " + p.Text
	}
	return l
}

// Validate checks the purpose form: a purpose from the list; a text for
// "annet" (one line, at most 200 characters), and none kept for the others.
func (f HealthPurposeForm) Validate() (HealthPurpose, error) {
	var p HealthPurpose
	fields := map[string]string{}
	p.Code = strings.TrimSpace(f.Purpose)
	if !slices.ContainsFunc(healthPurposes, func(o Option) bool { return o.Value == p.Code }) {
		fields["purpose"] = "Velg formålet med innsynet."
	}
	text, msg := lineField("Beskrivelse av formålet", f.Text)
	switch n := len([]rune(text)); {
	case msg != "":
		fields["purpose_text"] = msg
	case p.Code == PurposeOther && n == 0:
		fields["purpose_text"] = "Beskriv formålet når du velger «Annet»."
	case n > HealthPurposeTextMax:
		fields["purpose_text"] = "Beskrivelsen kan ha høyst " + strconv.Itoa(HealthPurposeTextMax) + " tegn (nå " + strconv.Itoa(n) + ")."
	}
	if p.Code == PurposeOther {
		p.Text = text
	}
	if len(fields) > 0 {
		return p, &Error{Code: EINVALID, Message: "Velg formålet med innsynet.", Fields: fields}
	}
	return p, nil
}
