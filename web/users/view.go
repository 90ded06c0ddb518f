// Package users holds the user administration pages (issue 13): the user
// list, the new-user form, a user's page with its sessions and the
// one-time set-password link, the public set-password page and the first
// administrator's setup page.
package users

import (
	"ankomst/internal/domain"
	"ankomst/web/layout"
)

// Row is one user of the list.
type Row struct {
	URL      string
	Name     string
	Email    string
	Role     string
	Unit     string
	Active   bool
	LastSeen string
}

// ListView is the user list's model.
type ListView struct {
	User     *domain.User
	Q        string
	Role     string
	UnitID   string
	Active   string
	Roles    []domain.Option
	Units    []domain.Option
	Actives  []domain.Option
	Sort     []layout.SortColumn // name, email, role, unit, last seen
	Rows     []Row
	Count    string
	PrevURL  string
	NextURL  string
	Flash    string
	Searched bool
	ResetURL string
}

// Fields are the user form's fields as typed.
type Fields struct {
	Email   string
	Name    string
	Role    string
	UnitID  string
	Version string
}

// NewView is the new-user form's model.
type NewView struct {
	User    *domain.User
	Fields  Fields
	Roles   []domain.Option
	Units   []domain.Option
	Errors  map[string]string
	Summary []layout.ErrorItem
}

// Session is one live session of the user.
type Session struct {
	ID       string
	Started  string
	LastSeen string
	Browser  string
	IP       string
}

// ShowView is a user's page.
type ShowView struct {
	User     *domain.User
	URL      string
	Name     string
	Active   bool
	Facts    []layout.Fact
	Edit     Fields
	Roles    []domain.Option
	Units    []domain.Option
	Errors   map[string]string
	Summary  []layout.ErrorItem
	Conflict string
	Notice   string // a refused action's message
	Flash    string
	Sessions []Session
	// Link is the one-time set-password link, shown once (after the POST
	// that made it), with when it expires.
	Link        string
	LinkExpires string
	// Confirm is "deactivate" on the confirmation step.
	Confirm string
	Self    bool
}

// LinkView is the set-password page.
type LinkView struct {
	Name    string
	Email   string
	Action  string
	Errors  map[string]string
	Summary []layout.ErrorItem
}

// LinkGoneView is the page of a link that cannot be used.
type LinkGoneView struct {
	Title   string
	Message string
}

// SetupView is the first administrator's setup page.
type SetupView struct {
	Action  string
	Email   string
	Name    string
	Unit    string
	Errors  map[string]string
	Summary []layout.ErrorItem
}

// DoneView is the page after a password has been set or the first
// administrator created.
type DoneView struct {
	Title   string
	Message string
	Email   string
}

func errIf(errs map[string]string, key string) string {
	if errs == nil {
		return ""
	}
	return errs[key]
}
