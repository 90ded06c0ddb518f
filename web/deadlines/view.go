// Package deadlines holds the deadline (frister) and task (oppgaver) pages:
// the Frister list, the person page's section, the task form, the page that
// marks a computed deadline done, and the conflict page.
package deadlines

import (
	"ankomst/internal/domain"
	"ankomst/web/layout"
)

// Tag is a status tag (ds-tag): its text and Designsystemet colour.
type Tag struct {
	Label string
	Color string // danger, info, success, neutral
}

// StatusTag is the tag of a deadline or task: Forfalt, Frist dd.mm.yyyy or
// Utført dd.mm.yyyy.
func StatusTag(d domain.Deadline) Tag {
	switch d.Status {
	case domain.DeadlineDone:
		return Tag{"Utført " + domain.FormatDate(d.DoneOn), "success"}
	case domain.DeadlineOverdue:
		return Tag{"Forfalt", "danger"}
	}
	return Tag{"Frist " + domain.FormatDate(&d.Due), "info"}
}

// Fact is one labelled value, for the conflict views.
type Fact = layout.Fact

// SortColumn is a sortable column header whose sort travels in the URL.
type SortColumn = layout.SortColumn

// ListView is the Frister page's model.
type ListView struct {
	User *domain.User
	// ShowTabs offers "Mine frister" / "Alle i enheten" (caseworkers and leaders).
	ShowTabs bool
	Mine     bool
	MineURL  string
	AllURL   string
	// View, Dir travel as hidden fields of the filter form.
	View  string
	Dir   string
	Kind  string
	Kinds []domain.Option // the kind filter's options ("" is all)
	Due   SortColumn
	Rows  []ListRow
	// HealthNote tells the health role that its reads are logged.
	HealthNote bool
	NextURL    string
	PrevURL    string
	FirstURL   string
	// Reviews are the Husbanken reviews due (first page, all kinds only).
	Reviews []ReviewRow
}

// ReviewRow is a Husbanken application's next review on Frister.
type ReviewRow struct {
	Due       string
	Overdue   bool
	Scheme    string // "Bostøtte"
	Household string
	URL       string // the household's housing support page
}

// Tabs are the list's selections: Mine frister, Alle i enheten.
func (v ListView) Tabs() []layout.Tab {
	return []layout.Tab{
		{Label: "Mine frister", URL: v.MineURL, TestID: "filter-mine", Current: v.Mine},
		{Label: "Alle i enheten", URL: v.AllURL, TestID: "filter-all", Current: !v.Mine},
	}
}

// ListRow is one open deadline or task in the list.
type ListRow struct {
	Due        string
	Overdue    bool
	Title      string
	KindLabel  string // "Lovpålagt frist", "Helsefrist" or "Oppgave"
	PersonName string
	PersonURL  string
	Assignee   string // tasks
}

// SectionView is the person page's deadlines section.
type SectionView struct {
	PersonID  int64
	Rows      []SectionRow
	CanCreate bool
	// HealthNote tells the health role that its reads are logged.
	HealthNote bool
	// NoDates: the person has neither arrival nor settlement date, so no
	// deadline can be computed yet.
	NoDates bool
}

// SectionRow is one deadline or task of the person.
type SectionRow struct {
	Title     string
	KindLabel string
	Due       string
	Tag       Tag
	// DueNote shows the due date under the tag (overdue and done items,
	// whose tag does not carry it).
	DueNote  bool
	Assignee string
	TestID   string
	// DoneURL leads to the page that marks a computed deadline done or
	// undoes it ("" when the role may not).
	DoneURL   string
	DoneLabel string
	// Tasks, for roles that edit: the edit link and the done/undo form.
	EditURL    string
	MarkAction string
	Version    int
	IsDone     bool
	Today      string // the done date a task's "Utført" button sends
}

// TaskFormView is the new/edit task form's model.
type TaskFormView struct {
	User       *domain.User
	Heading    string
	PersonName string
	PersonURL  string
	Action     string
	Submit     string
	Form       domain.TaskForm
	FormKey    string // new tasks: the form's one-time key
	Errors     map[string]string
	Summary    []layout.ErrorItem
	Assignees  []domain.Option
	// Stored is set when the edit lost a race: the stored version.
	Stored        []Fact
	StoredVersion int
}

// DoneView is the page that marks a computed deadline done, or undoes it.
type DoneView struct {
	User       *domain.User
	PersonName string
	PersonURL  string
	Action     string
	Title      string
	Due        string
	Tag        Tag
	IsDone     bool
	DoneOn     string // the stored done date, formatted
	DoneBy     string
	Version    int
	Value      string // the done date field (YYYY-MM-DD)
	Error      string
	Summary    []layout.ErrorItem
	// Conflict is set when the change lost a race: what the user tried.
	Conflict string
}

// Facts are the deadline's details: whose, when, its status and who marked it done.
func (v DoneView) Facts() []layout.Fact {
	fs := []layout.Fact{
		{Label: "Deltaker", Value: v.PersonName},
		{Label: "Frist", Value: v.Due},
		{Label: "Status", Content: tag(v.Tag)},
	}
	if v.IsDone && v.DoneBy != "" {
		fs = append(fs, layout.Fact{Label: "Markert av", Value: v.DoneBy})
	}
	return fs
}

// ConflictView answers a done/undo of a task that lost a race: the stored
// version beside what the user tried.
type ConflictView struct {
	User    *domain.User
	Heading string
	Message string
	Stored  []Fact
	Yours   []Fact
	BackURL string
}
