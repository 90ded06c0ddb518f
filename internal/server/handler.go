package server

import (
	"net/http"

	"ankomst/internal/domain"
)

// begin opens a handler: the record id from the path (when idParam is not
// empty; a missing or malformed id is a 404 with notFound) and the capability
// the role must hold (403 with the capability's one message). It answers the
// request itself and returns false when either fails. Forms need no parsing
// here: checkInput parsed and checked every query and form at the edge.
//
// Order matters for the authorization matrix: a malformed id is 404 for
// everyone; a well-formed id is checked against the role before any lookup,
// so a role without the capability never learns whether the record exists.
func (s *Server) begin(w http.ResponseWriter, r *http.Request, c domain.Capability, idParam, notFound string) (int64, bool) {
	var id int64
	if idParam != "" {
		var ok bool
		if id, ok = pathID(r, idParam); !ok {
			s.fail(w, r, domain.Errorf(domain.ENOTFOUND, "%s", notFound))
			return 0, false
		}
	}
	if err := currentUser(r).Role.Require(c); err != nil {
		s.fail(w, r, err)
		return 0, false
	}
	return id, true
}

// allow answers 403 with the capability's message and returns false when the
// user's role lacks it.
func (s *Server) allow(w http.ResponseWriter, r *http.Request, c domain.Capability) bool {
	if err := currentUser(r).Role.Require(c); err != nil {
		s.fail(w, r, err)
		return false
	}
	return true
}
