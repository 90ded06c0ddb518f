package server

import (
	"net/http"

	"ankomst/internal/domain"
	"ankomst/web/admin"

	"github.com/go-chi/chi/v5"
)

// adminRoutes mounts the administration page: the tools the module list
// marks as administration (menuEntry.admin), which the main menu shows as
// one entry.
func (s *Server) adminRoutes(r chi.Router) {
	r.Get("/admin", s.adminPage)
}

// adminPage is GET /admin: the tools the user's role may open; a role
// with none is refused like any other page it may not open.
func (s *Server) adminPage(w http.ResponseWriter, r *http.Request) {
	if !s.allow(w, r, domain.CapAdminister) {
		return
	}
	u := currentUser(r)
	s.render(w, r, http.StatusOK, admin.Page(admin.View{User: u, Tools: adminTools(s.mods, u.Role)}))
}
