// Package guidance holds a household's housing support page: housing
// guidance sessions (boveiledning) and Husbanken applications, with their
// forms.
package guidance

import (
	"ankomst/internal/domain"
	"ankomst/web/layout"
)

// PageView is the household's housing support page.
type PageView struct {
	User          *domain.User
	HouseholdName string
	HousingURL    string
	Flash         string
	CanWrite      bool
	Summary       []layout.ErrorItem
	Conflict      string
	Sessions      []SessionView
	Applications  []ApplicationView
	// The new-session form.
	GuidanceAction string
	Guidance       domain.GuidanceForm
	GuidanceErrors map[string]string
	// The new-application form.
	HusbankenAction string
	Husbanken       domain.HusbankenForm
	HusbankenErrors map[string]string
}

// SessionView is one guidance session formatted for display.
type SessionView struct {
	HeldOn      string
	Topics      string
	Interpreter string
	Note        string
}

// ApplicationView is one Husbanken application with its decision form.
type ApplicationView struct {
	ID         string
	Scheme     string
	AppliedOn  string
	Decision   string
	DecidedOn  string
	Amount     string
	NextReview string
	Note       string
	Action     string
	Form       domain.HusbankenForm
	Errors     map[string]string
	Open       bool
}

func topicChecked(f domain.GuidanceForm, v string) bool {
	for _, t := range f.Topics {
		if t == v {
			return true
		}
	}
	return false
}
