// Package health holds the health follow-up's pages: a person's checklist
// (checklist.templ) and the health worklist.
package health

import (
	"strconv"

	"ankomst/internal/domain"
	"ankomst/web/layout"
)

// ChecklistView is a person's health checklist page. Without a purpose for
// the person in the session it shows the purpose form and no items.
type ChecklistView struct {
	User       *domain.User
	PersonID   int64
	PersonName string
	Flash      string

	NeedPurpose    bool
	PurposeForm    domain.HealthPurposeForm
	PurposeErrors  map[string]string
	PurposeSummary []layout.ErrorItem

	Purpose string // the session's purpose, in Norwegian
	Start   string // what the due dates count from ("ankomst 20.02.2026")
	Items   []ItemView
}

// ItemView is one item with its edit form.
type ItemView struct {
	ID      int64
	Title   string
	Hint    string // e.g. "Med røntgen (10–35 år ved ankomst)"
	Status  Tag
	Facts   []layout.Fact // due (and, for vaccines, the latest), dates, place, interpreter, note
	Updated string

	Action   string
	Form     domain.HealthItemForm
	Errors   map[string]string
	Summary  []layout.ErrorItem
	Conflict string
	Open     bool // the edit form is shown open (errors, conflict)
}

// Tag is a coloured status label.
type Tag struct {
	Label string
	Color string
}

// StatusTag colours an item's status: overdue red, done green, booked
// blue, declined and not relevant neutral, not started warning.
func StatusTag(it domain.HealthItem, overdue bool) Tag {
	t := Tag{Label: domain.HealthStatusLabel(it.Status)}
	switch {
	case overdue:
		t.Label += " – forsinket"
		t.Color = "danger"
	case it.Status == domain.HealthDone:
		t.Color = "success"
	case it.Status == domain.HealthBooked:
		t.Color = "info"
	case it.Status == domain.HealthNotStarted:
		t.Color = "warning"
	default:
		t.Color = "neutral"
	}
	return t
}

// SectionView is the person page's health section: for the health role a
// link to the checklist, for others the summary line only.
type SectionView struct {
	URL     string // the checklist (health role)
	Summary string // "Helseoppfølging: pågår" (others), or ""
}

// fieldID makes a field's id unique on the page (one form per item).
func fieldID(name string, itemID int64) string {
	return name + "-" + strconv.FormatInt(itemID, 10)
}
