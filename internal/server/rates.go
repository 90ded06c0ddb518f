package server

import (
	"errors"
	"net/http"
	"strconv"

	"ankomst/internal/domain"
	"ankomst/internal/postgres"
	"ankomst/web/paths"
	"ankomst/web/rates"

	"github.com/go-chi/chi/v5"
)

// rateRoutes registers the administrators' page of dated rates and limits.
func (s *Server) rateRoutes(r chi.Router) {
	r.Get(paths.AdminRates(), s.ratesPage)
	r.Post(paths.AdminRates(), s.addRate)
}

var rateFields = []string{"kind", "effective_from", "value", "note"}

// ratesPage is GET /admin/rates (?kind= presets the form's kind).
func (s *Server) ratesPage(w http.ResponseWriter, r *http.Request) {
	if !s.allow(w, r, domain.CapAdminister) {
		return
	}
	form := domain.RateForm{}
	if k, ok := domain.RateKindByName(r.URL.Query().Get("kind")); ok {
		form.Kind = string(k.Kind)
	}
	v, err := s.ratesView(r, form)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v.Flash = s.Sessions.PopString(r.Context(), sessFlash)
	s.render(w, r, http.StatusOK, rates.Page(v))
}

// addRate is POST /admin/rates: a new row (303 back with a flash; 422 keeps
// what was typed).
func (s *Server) addRate(w http.ResponseWriter, r *http.Request) {
	if !s.allow(w, r, domain.CapAdminister) {
		return
	}
	form := domain.RateForm{Kind: r.PostForm.Get("kind"), EffectiveFrom: r.PostForm.Get("effective_from"),
		Value: r.PostForm.Get("value"), Note: r.PostForm.Get("note")}
	rate, err := form.Validate()
	if err == nil {
		if _, err = s.DB.AddRate(r.Context(), scope(r), rate); err == nil {
			info, _ := domain.RateKindByName(string(rate.Kind))
			s.Sessions.Put(r.Context(), sessFlash, "Satsen er lagret: "+info.Label+" fra "+rate.EffectiveFrom.Format("02.01.2006")+
				": "+domain.FormatRateValue(info.Unit, rate.Value)+".")
			http.Redirect(w, r, paths.AdminRates()+"#"+groupID(info.Group), http.StatusSeeOther)
			return
		}
	}
	var de *domain.Error
	if !errors.As(err, &de) || de.Code != domain.EINVALID {
		s.fail(w, r, err)
		return
	}
	v, verr := s.ratesView(r, form)
	if verr != nil {
		s.fail(w, r, verr)
		return
	}
	v.Errors, v.Summary = de.Fields, summary(de.Fields, rateFields)
	s.render(w, r, http.StatusUnprocessableEntity, rates.Page(v))
}

// groupID is a group's heading id on the page.
func groupID(group string) string { return "gruppe-" + strconv.Itoa(groupIndex(group)) }

// groupIndex is the position of a group among the kinds' groups.
func groupIndex(group string) int {
	var seen []string
	for _, k := range domain.RateKinds() {
		found := false
		for _, g := range seen {
			if g == k.Group {
				found = true
			}
		}
		if !found {
			if k.Group == group {
				return len(seen)
			}
			seen = append(seen, k.Group)
		}
	}
	return len(seen)
}

func (s *Server) ratesView(r *http.Request, form domain.RateForm) (rates.View, error) {
	hist, err := s.DB.RateHistory(r.Context(), scope(r))
	if err != nil {
		return rates.View{}, err
	}
	today := domain.Today(s.DB.Now())
	v := rates.View{User: currentUser(r), Today: today.Format("02.01.2006"), Form: form}
	table := make(domain.RateTable, len(hist))
	for i, h := range hist {
		table[i] = h.Rate
	}
	for _, info := range domain.RateKinds() {
		unit := rates.UnitHint(info.Unit)
		v.Kinds = append(v.Kinds, domain.Option{Value: string(info.Kind), Label: info.Label + " (" + unit + ")"})
		k := rates.Kind{Kind: string(info.Kind), Label: info.Label, Unit: unit,
			NewURL: paths.AdminRates() + "?kind=" + string(info.Kind) + "#ny-sats"}
		if val, ok := table.At(info.Kind, today); ok {
			k.Current = domain.FormatRateValue(info.Unit, val)
		}
		nowSeen := false
		var prev *postgres.RateRow
		for i := range hist {
			h := &hist[i]
			if h.Kind != info.Kind {
				continue
			}
			row := rates.Row{From: h.EffectiveFrom.Format("02.01.2006"), Value: domain.FormatRateValue(info.Unit, h.Value), Note: h.Note}
			if h.CreatedBy != nil {
				row.AddedBy = *h.CreatedBy + ", " + h.CreatedAt.In(domain.Oslo).Format("02.01.2006")
			} else {
				row.AddedBy = "Fra installasjonen"
			}
			switch {
			case prev != nil && prev.EffectiveFrom.Equal(h.EffectiveFrom):
				row.State = "replaced"
			case h.EffectiveFrom.After(today):
				row.State = "future"
			case !nowSeen:
				row.State = "now"
				nowSeen = true
				k.CurrentFrom = row.From
			}
			k.History = append(k.History, row)
			prev = h
		}
		gi := groupIndex(info.Group)
		for len(v.Groups) <= gi {
			v.Groups = append(v.Groups, rates.Group{})
		}
		v.Groups[gi].ID = groupID(info.Group)
		v.Groups[gi].Name = info.Group
		v.Groups[gi].Kinds = append(v.Groups[gi].Kinds, k)
	}
	return v, nil
}
