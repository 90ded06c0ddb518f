package server

import (
	"net/http"
	"strconv"

	"ankomst/internal/domain"
	"ankomst/web/housingboard"
	"ankomst/web/paths"

	"github.com/go-chi/chi/v5"
)

// The occupancy board (GET /housing): the roles with domain.CapWriteHousing,
// scoped to the user's unit (admins: all). The rules are in
// postgres.HousingBoard.

func (s *Server) housingBoardRoutes(r chi.Router) {
	r.Get("/housing", s.housingBoard)
}

func (s *Server) housingBoard(w http.ResponseWriter, r *http.Request) {
	if !s.allow(w, r, domain.CapWriteHousing) {
		return
	}
	owner := r.URL.Query().Get("owner")
	if domain.Label(domain.OwnerTypes(), owner) == owner {
		owner = "" // unknown owner type: all
	}
	today := domain.Today(s.DB.Now())
	b, err := s.DB.HousingBoard(r.Context(), scope(r), today, owner)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := housingboard.View{User: currentUser(r), OwnerType: owner, Owners: domain.OwnerTypes()}
	for i, wk := range b.Weeks {
		row := housingboard.WeekRow{Let: strconv.Itoa(wk.Let), Free: strconv.Itoa(wk.Free), Repair: strconv.Itoa(wk.Repair), Share: "–"}
		if i == 0 {
			row.Label, row.Now = "Nå ("+wk.Day.Format("02.01.2006")+")", true
		} else {
			_, n := wk.Day.ISOWeek()
			row.Label = "Uke " + strconv.Itoa(n) + " (" + wk.Day.Format("02.01.") + ")"
		}
		if wk.Let+wk.Free > 0 {
			row.Share = strconv.Itoa(wk.LetPercent()) + " %"
		}
		v.Weeks = append(v.Weeks, row)
	}
	v.Empty = len(b.Weeks) == 0 || b.Weeks[0].Total() == 0
	for _, u := range b.Free {
		acc := "Nei"
		if u.Accessible {
			acc = "Ja"
		}
		v.Free = append(v.Free, housingboard.FreeRow{URL: paths.HousingUnit(u.ID), Address: u.Address,
			OwnerType: domain.Label(domain.OwnerTypes(), u.OwnerType), Rooms: strconv.Itoa(u.Rooms), Bedrooms: strconv.Itoa(u.Bedrooms),
			Accessible: acc, Rent: domain.FormatOre(u.RentOre) + " kr"})
	}
	s.render(w, r, http.StatusOK, housingboard.Board(v))
}
