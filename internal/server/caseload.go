package server

import "github.com/go-chi/chi/v5"

// caseloadRoutes registers bulk reassignment, closing, merging and the access log (stub).
func (s *Server) caseloadRoutes(r chi.Router) {}
