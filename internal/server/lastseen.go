package server

import (
	"net/http"
	"strings"

	"ankomst/internal/domain"
	"ankomst/internal/postgres"
	"ankomst/web/persons"
)

// markChangedSinceSeen marks the rows of the Mine list that others changed
// since the user last opened them, and those the user never opened.
func (s *Server) markChangedSinceSeen(r *http.Request, v *persons.ListView) error {
	ids := make([]int64, len(v.Rows))
	for i, row := range v.Rows {
		ids[i] = row.ID
	}
	seen, err := s.DB.ChangedSinceLastSeen(r.Context(), scope(r), ids)
	if err != nil {
		return err
	}
	for i := range v.Rows {
		c := seen[v.Rows[i].ID]
		switch {
		case c.Changed():
			v.Rows[i].Changed = true
			v.Rows[i].ChangedWhat = changedWhat(c)
			v.ChangedCount++
		case c.New():
			v.Rows[i].NewToMe = true
		}
	}
	return nil
}

// changedWhat says in Norwegian what others changed: the fields, or else the
// kinds of change.
func changedWhat(c postgres.SeenChange) string {
	var what []string
	for _, f := range c.Fields {
		what = append(what, domain.AuditFieldLabel(f))
	}
	if len(what) == 0 {
		for _, a := range c.Actions {
			what = append(what, strings.ToLower(domain.AuditActionLabel(a)))
		}
	}
	return "Endret av andre siden du sist så personen: " + strings.Join(what, ", ")
}
