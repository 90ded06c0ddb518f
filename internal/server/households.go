package server

import (
	"net/http"

	"ankomst/internal/domain"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5"
)

// householdRoutes registers the households module's routes (stub until the module lands).
func (s *Server) householdRoutes(r chi.Router) {}

// householdSection is the households module's part of the person page (stub).
func (s *Server) householdSection(r *http.Request, p *domain.Person) (templ.Component, error) { return nil, nil }
