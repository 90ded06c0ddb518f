package server

import (
	"net/http"

	"ankomst/internal/domain"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5"
)

// deadlineRoutes registers the deadlines module's routes (stub until the module lands).
func (s *Server) deadlineRoutes(r chi.Router) {}

// deadlineSection is the deadlines module's part of the person page (stub).
func (s *Server) deadlineSection(r *http.Request, p *domain.Person) (templ.Component, error) { return nil, nil }
