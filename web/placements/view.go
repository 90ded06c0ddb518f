// Package placements holds the views of a participant's work-practice
// placements (arbeidspraksis): the list, the new-placement form and one
// placement's page with its status actions, follow-ups and evaluation.
package placements

import (
	"ankomst/internal/domain"
	"ankomst/web/layout"
)

// Row is a placement in the person's list.
type Row struct {
	URL         string
	Worksite    string
	Period      string
	Hours       string
	Days        string
	Goal        string
	Status      string
	StatusColor string
	FollowupDue string // "12.04.2027" for an active placement, or ""
	Overdue     bool
}

// ListView is a person's placements.
type ListView struct {
	User       *domain.User
	PersonName string
	PersonURL  string
	Flash      string
	NewURL     string // "" for a merged registration
	Current    []Row
	History    []Row
}

// OptGroup is a labelled group of options (the supervisors of one employer).
type OptGroup struct {
	Label   string
	Options []domain.Option
}

// FormFields are the placement form's values as typed.
type FormFields = domain.PlacementForm

// FormView is the placement form (new, or the edit on a placement's page).
type FormView struct {
	User        *domain.User
	PersonName  string
	PersonURL   string
	ListURL     string
	Action      string
	Fields      FormFields
	Worksites   []domain.Option
	Supervisors []OptGroup
	Errors      map[string]string
	Summary     []layout.ErrorItem
	Edit        bool
}

// ActionView is a status action on a placement's page.
type ActionView struct {
	Action  string // activate, pause, end, abort
	Label   string
	Confirm bool // end and abort: a disclosure with the date (and reason)
	Danger  bool
}

// FollowupRow is a follow-up conversation.
type FollowupRow struct {
	HeldOn       string
	Participants string
	Interpreter  string
	Summary      []string // its lines
	CreatedBy    string
}

// FollowupFields are the follow-up form's values.
type FollowupFields struct {
	HeldOn          string
	Participants    string
	InterpreterUsed bool
	Summary         string
}

// EvaluationFields are the evaluation form's values.
type EvaluationFields struct {
	EvaluatedOn   string
	Attendance    string
	LanguageUse   string
	TasksMastered string
	Recommend     string
	GotJob        bool
	Version       string
}

// ShowView is one placement's page.
type ShowView struct {
	User        *domain.User
	PersonName  string
	PersonURL   string
	ListURL     string
	URL         string
	Heading     string
	Flash       string
	Status      string
	StatusColor string
	Facts       []layout.Fact
	Conflict    string // a 409's explanation, or ""
	Summary     []layout.ErrorItem
	Errors      map[string]string

	Version     string
	Actions     []ActionView
	EndedOn     string // the end/abort forms' date
	AbortReason string
	OpenAction  string // the action whose disclosure shows a refusal

	CanEdit  bool
	EditOpen bool
	Form     FormView

	Followups      []FollowupRow
	FollowupAction string
	Followup       FollowupFields

	EvaluationAction string
	Evaluation       EvaluationFields
	HasEvaluation    bool
	// GotJobURL is the programme's end form with "Overgang til arbeid"
	// preselected, offered when the evaluation says the participant got a
	// job.
	GotJobURL string
}
