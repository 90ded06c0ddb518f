package server

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"ankomst/internal/domain"
	"ankomst/internal/postgres"
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
	allFree, allArrears := r.URL.Query().Get("ledige") == "alle", r.URL.Query().Get("restanse") == "alle"
	lim := postgres.BoardDefaultLimits
	if allFree {
		lim.Free = postgres.BoardAllLimits.Free
	}
	if allArrears {
		lim.Arrears = postgres.BoardAllLimits.Arrears
	}
	today := domain.Today(s.DB.Now())
	b, err := s.DB.HousingBoardLimits(r.Context(), scope(r), today, owner, lim)
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
	if n := len(b.Weeks); n > 0 && b.Weeks[0].Free > len(b.Free) {
		total := b.Weeks[0].Free
		v.FreeMore = "Viser " + strconv.Itoa(len(b.Free)) + " av " + strconv.Itoa(total) + " ledige boliger, sortert etter adresse."
		if !allFree {
			q := url.Values{"ledige": {"alle"}}
			if owner != "" {
				q.Set("owner", owner)
			}
			v.FreeAllURL = paths.Housing() + "?" + q.Encode()
			if total > postgres.BoardAllLimits.Free {
				v.FreeAllLabel = "Vis de " + strconv.Itoa(postgres.BoardAllLimits.Free) + " første"
			} else {
				v.FreeAllLabel = "Vis alle " + strconv.Itoa(total)
			}
		}
	}
	for _, a := range b.Arrivals {
		v.Arrivals = append(v.Arrivals, arrivalRow(a, today))
	}
	if more := b.ArrivalsTotal - len(b.Arrivals); more > 0 {
		v.ArrivalsMore = "Viser de " + strconv.Itoa(len(b.Arrivals)) + " første etter forventet ankomst. " + strconv.Itoa(more) +
			domain.Plural(more, " husstand til er", " husstander til er") + " avtalt bosatt i perioden."
	}
	for _, a := range b.Arrears {
		row := housingboard.ArrearsRow{Household: a.HouseholdName, HouseholdURL: paths.HouseholdHousing(a.HouseholdID),
			Address: a.Address, UnitURL: paths.HousingUnit(a.HousingUnitID), Tenant: a.Tenant}
		if row.Tenant == "" {
			row.Tenant = "Husstanden"
		}
		v.Arrears = append(v.Arrears, row)
	}
	if n := b.ArrearsTotal; n > 0 {
		v.ArrearsCount = strconv.Itoa(n) + " leieforhold har husleierestanse"
	}
	if total := b.ArrearsTotal; total > len(b.Arrears) {
		v.ArrearsMore = "Viser " + strconv.Itoa(len(b.Arrears)) + " av " + strconv.Itoa(total) + " leieforhold med husleierestanse, sortert etter husstand."
		if !allArrears {
			q := url.Values{"restanse": {"alle"}}
			if owner != "" {
				q.Set("owner", owner)
			}
			v.ArrearsAllURL = paths.Housing() + "?" + q.Encode() + "#arrears-heading"
			if total > postgres.BoardAllLimits.Arrears {
				v.ArrearsAllLabel = "Vis de " + strconv.Itoa(postgres.BoardAllLimits.Arrears) + " første"
			} else {
				v.ArrearsAllLabel = "Vis alle " + strconv.Itoa(total)
			}
		}
	}
	s.render(w, r, http.StatusOK, housingboard.Board(v))
}

// arrivalRow formats an arriving household and its candidate units.
func arrivalRow(a postgres.ArrivingHousehold, today time.Time) housingboard.ArrivalRow {
	row := housingboard.ArrivalRow{Name: a.Name, Accessible: a.NeedsAccessible, Arrival: domain.FormatDate(&a.ExpectedArrival)}
	if a.HouseholdID != nil {
		row.URL = paths.HouseholdHousing(*a.HouseholdID)
	} else {
		row.URL = paths.Person(a.PersonID)
	}
	var size []string
	if a.Adults > 0 {
		size = append(size, strconv.Itoa(a.Adults)+domain.Plural(a.Adults, " voksen", " voksne"))
	}
	if a.Children > 0 {
		size = append(size, strconv.Itoa(a.Children)+" barn")
	}
	row.Size = strings.Join(size, ", ")
	need := domain.BedroomsNeeded(a.Adults, a.Children)
	row.Needs = strconv.Itoa(need) + " soverom"
	if a.ExpectedArrival.Before(today) {
		row.Arrival += " (passert)"
	}
	for _, c := range a.Candidates {
		detail := strconv.Itoa(c.Bedrooms) + " soverom · " + domain.FormatOre(c.RentOre) + " kr"
		if c.Bedrooms == 0 {
			detail = "hybel · " + domain.FormatOre(c.RentOre) + " kr"
		}
		if c.Accessible {
			detail += " · tilrettelagt"
		}
		if c.FreeFrom != nil && c.FreeFrom.After(today) {
			detail += " · ledig fra " + domain.FormatDate(c.FreeFrom)
		}
		row.Candidates = append(row.Candidates, housingboard.CandidateRow{URL: paths.HousingUnit(c.ID), Address: c.Address, Detail: detail})
	}
	return row
}
