// Package merge holds the pages for merging two registrations of one person
// (sammenslåing av dubletter): finding the other registration, the preview
// with the choices, and the notice a merged registration's page shows.
package merge

import (
	"ankomst/internal/domain"
	"ankomst/web/layout"
)

// SearchView is the first step: find the other registration.
type SearchView struct {
	User       *domain.User
	PersonID   int64
	PersonName string
	BirthDate  string
	UnitName   string
	PersonURL  string
	SearchURL  string // the search form's action (POST)
	Q          string // the query, "" when it was an identity number
	Searched   bool
	// Suggestions look like the person (same birth date, similar name).
	Suggestions []CandidateRow
	Results     []CandidateRow
	More        bool // more results than shown
}

// CandidateRow is a registration that can be chosen as the other one.
type CandidateRow struct {
	URL        string // the preview of merging with it
	Name       string
	BirthDate  string
	Identity   string // which identity numbers it has, in words
	Caseworker string
	Registered string
	Closed     bool
}

// Side is one of the two registrations in the preview.
type Side struct {
	ID         string // the person id, as posted
	Name       string
	Registered string // dd.mm.yyyy
	Closed     bool
	Suggested  bool // the proposed survivor (domain.DefaultSurvivor)
	Reason     string
}

// FieldRow is one person field in the side-by-side comparison.
type FieldRow struct {
	Key     string // the merge field (domain.MergeFields())
	Label   string
	A, B    string // the values, formatted
	Differs bool   // the registrations differ: the row offers a choice
	Choice  string // the id of the registration whose value is chosen
	Error   string
}

// Hidden is a hidden form input.
type Hidden struct{ Name, Value string }

// PreviewView is the merge preview: both registrations side by side, the
// choices, and what the merge will move.
type PreviewView struct {
	User       *domain.User
	Action     string // POST: merge
	CancelURL  string
	A, B       Side // A: the person the merge started from
	Keep       string
	Rows       []FieldRow
	Moves      []string // what moves to the survivor, one sentence each
	Household  string   // what happens to the households, or ""
	Caseworker string   // a warning about the other's caseworker, or ""
	Hidden     []Hidden
	Errors     map[string]string
	Summary    []layout.ErrorItem
	// Stale lists what changed since the preview the user submitted.
	Stale []string
	// Switched: the user chose the other survivor than the preview was
	// made for; the choices are reset to the new survivor's values.
	Switched     string
	SurvivorName string
	MergedName   string
}

// MergedView is the page of a registration merged into another.
type MergedView struct {
	User         *domain.User
	Name         string
	BirthDate    string
	SurvivorURL  string
	SurvivorName string
	MergedAt     string
	MergedBy     string
	AuditURL     string // the access log, for leaders and admins; or ""
}
