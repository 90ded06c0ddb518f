// Package programme holds the introduction programme's pages: the overview
// of a person's programme (rule set, right and duty, mapping, decision,
// duration, contract, pauses, end), the form of each part, and the person
// page's "Program" section.
package programme

import (
	"strings"

	"ankomst/internal/domain"
	"ankomst/web/layout"
)

// Block is one part of the overview: a heading, its facts, an explanation
// and the link to its form.
type Block struct {
	ID       string // heading id and data-testid
	Heading  string
	Facts    []layout.Fact
	Text     string // a sentence under the facts (the rule set's reason)
	EditURL  string
	EditText string // "Endre …", with the part named for screen readers
	Empty    string // shown instead of the facts when the part has nothing yet
}

// PauseRow is one leave or interruption in the overview.
type PauseRow struct {
	ID      int64
	Kind    string
	Reason  string
	Period  string
	Days    string
	Ongoing bool
	EditURL string
}

// PageView is the programme page's model (GET /persons/{id}/programme).
type PageView struct {
	User       *domain.User
	PersonID   int64
	PersonName string
	Flash      string
	Status     Tag
	// MissingEndReason flags an ended programme without an end reason.
	MissingEndReason bool
	RightDuty        string
	RightDutyColor   string // success, warning, info
	Blocks           []Block
	Pauses           []PauseRow
	PauseEmpty       string
	NewPauseURL      string
	CanPause         bool
	PlanURL          string
	End              Block
}

// Tag is a status tag: label and Designsystemet colour.
type Tag struct {
	Label string
	Color string
}

// FormView is the model of one part's form page. Values and Errors are
// keyed by field name; the part decides which fields it shows.
type FormView struct {
	User       *domain.User
	PersonID   int64
	PersonName string
	Part       string // ruleset, mapping, decision, contract, pause, pause_edit, end
	Title      string
	Intro      string // what the form is for, and the rule that applies
	Action     string
	Values     map[string]string
	Errors     map[string]string
	Summary    []layout.ErrorItem
	Conflict   string
	Stored     []layout.Fact // the stored values beside a 409
	Today      string        // YYYY-MM-DD, the max of past-only dates
	Ongoing    bool          // pause_edit: the pause has no end yet (offer "Gjenoppta")
	Submit     string
}

// SectionView is the person page's "Program" section.
type SectionView struct {
	PersonID         int64
	URL              string
	Status           Tag
	MissingEndReason bool
	Facts            []layout.Fact
}

// softHyphens mark where the programme's long compound words may break on a
// phone (a soft hyphen shows only at a break).
var softHyphens = strings.NewReplacer(
	"Introduksjonsprogram", "Introduksjons\u00adprogram",
	"Kompetansekartlegging", "Kompetanse\u00adkartlegging",
	"karriereveiledning", "karriere\u00adveiledning",
	"Integreringskontrakt", "Integrerings\u00adkontrakt",
	"integreringsplan", "integrerings\u00adplan",
	"oppholdstillatelse", "opphold\u00adstillatelse",
)

// Hyphenate puts soft hyphens into a heading's long words.
func Hyphenate(s string) string { return softHyphens.Replace(s) }

// requiredFields are the fields marked required (påkrevd) in the forms; a
// grant's start, planned end and end goal are required unless refused.
var requiredFields = map[string]bool{"decision_date": true, "start_date": true, "planned_end": true,
	"from_date": true, "reason": true, "ended_on": true}
