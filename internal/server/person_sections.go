package server

import (
	"net/http"

	"ankomst/internal/domain"

	"github.com/a-h/templ"
)

// personSections gathers the modules' parts of the person page, in order.
// Each returns nil when it has nothing to show for this user.
func (s *Server) personSections(r *http.Request, p *domain.Person) ([]templ.Component, error) {
	var out []templ.Component
	for _, section := range []func(*http.Request, *domain.Person) (templ.Component, error){
		s.householdSection, s.deadlineSection, s.timelineSection,
	} {
		c, err := section(r, p)
		if err != nil {
			return nil, err
		}
		if c != nil {
			out = append(out, c)
		}
	}
	return out, nil
}
