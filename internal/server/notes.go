package server

import (
	"net/http"

	"ankomst/internal/domain"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5"
)

// noteRoutes registers the notes module's routes (stub until the module lands).
func (s *Server) noteRoutes(r chi.Router) {}

// timelineSection is the notes module's part of the person page (stub).
func (s *Server) timelineSection(r *http.Request, p *domain.Person) (templ.Component, error) { return nil, nil }
