// Package retention holds the administrators' page of retention (sletting
// og anonymisering): each kind of record's period, the dry run of what is
// due today, and legal holds.
package retention

import (
	"ankomst/internal/domain"
	"ankomst/web/layout"
)

// Rule is one kind's period with its form.
type Rule struct {
	Kind      string
	Label     string
	Form      domain.RetentionForm
	Errors    map[string]string
	UpdatedBy string // "Marianne Haugen, 01.12.2026" or "Fra installasjonen"
}

// Due is one person in the dry run.
type Due struct {
	PersonID   int64
	Name       string
	URL        string
	Unit       string
	ClosedOn   string
	What       string // the kinds due, in Norwegian
	Why        string
	Held       bool
	HoldNote   string
	PackageURL string
}

// Hold is a person on legal hold.
type Hold struct {
	Name     string
	URL      string
	Unit     string
	Reason   string
	PersonID string
}

// View is the page.
type View struct {
	User    *domain.User
	Flash   string
	Today   string
	Rules   []Rule
	Due     []Due
	DueNow  int // due and not held
	HeldNow int
	Holds   []Hold
	// The set-a-hold form.
	HoldPerson string
	HoldReason string
	HoldErrors map[string]string
	Summary    []layout.ErrorItem
	// The apply form: the confirmation box was not ticked.
	ConfirmError string
}
