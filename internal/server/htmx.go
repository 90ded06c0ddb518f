package server

import (
	"net/http"
	"strings"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5/middleware"
)

// htmx is progressive enhancement only: the live searches (person list,
// household member picker) send the same POST as their forms, with the
// header HX-Request, and get the page's results fragment instead of a
// redirect or a whole page. Without JavaScript the routes answer as before.

// isHTMX reports whether htmx sent the request.
func isHTMX(r *http.Request) bool { return r.Header.Get("HX-Request") == "true" }

// renderFragments writes only the named fragments (templ.Fragment) of a page
// component: the answer to an htmx request, from the page's own template.
func (s *Server) renderFragments(w http.ResponseWriter, r *http.Request, status int, c templ.Component, ids ...any) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	if err := templ.RenderFragments(r.Context(), w, c, ids...); err != nil {
		s.Log.ErrorContext(r.Context(), "render", "err", err, "request_id", middleware.GetReqID(r.Context()))
	}
}

// queryFitsURL reports whether a search query may go into a URL (a redirect,
// a link, the browser history). A query with a digit may be an identity
// number or part of one (a live search sends it digit by digit), so it
// stays in POST bodies.
func queryFitsURL(q string) bool { return !strings.ContainsAny(q, "0123456789") }
