// Package admin is the administration page (GET /admin): the
// administrator's tools, each with what it is for.
package admin

import "ankomst/internal/domain"

// Tool is one tool on the page (from the module list's administration
// entries, those the user's role may open).
type Tool struct {
	Label  string
	Path   string
	Desc   string
	TestID string
}

// View is the page's view model.
type View struct {
	User  *domain.User
	Tools []Tool
}
