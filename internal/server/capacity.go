package server

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"ankomst/internal/domain"
	"ankomst/internal/postgres"
	"ankomst/web/capacity"
	"ankomst/web/paths"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5"
)

// The capacity page (GET /placements/capacity): the worksites with their
// free places this week and in each of the next 8, filtered by sector,
// area, language and "only with free places now" (GET, so a filter can be
// shared), 50 a page. The page shows no person data. CapProgramme.
// And the person page's placement history (placementHistorySection).

func (s *Server) capacityRoutes(r chi.Router) {
	r.Get("/placements/capacity", s.capacityPage)
}

// capacityParams are the capacity page's query parameters, cleaned: an
// unknown sector, an over-long area or language, or a bad page number is
// ignored (a filter, not a form).
type capacityParams struct {
	Sector, Area, Language string
	OnlyFree               bool
	Page                   int
}

func readCapacityParams(q url.Values) capacityParams {
	p := capacityParams{Sector: q.Get("sector"), Area: strings.TrimSpace(q.Get("area")),
		Language: strings.TrimSpace(q.Get("language")), OnlyFree: q.Get("only_free") == "1", Page: 1}
	if !slices.ContainsFunc(capacity.SectorOptions(), func(o domain.Option) bool { return o.Value == p.Sector }) {
		p.Sector = ""
	}
	if len(p.Area) > 100 {
		p.Area = ""
	}
	if len(p.Language) > 20 {
		p.Language = ""
	}
	if n, err := strconv.Atoi(q.Get("page")); err == nil && n >= 1 && n <= postgres.CapacityMaxPage {
		p.Page = n
	}
	return p
}

// url is the page's URL with these parameters (empty ones left out).
func (p capacityParams) url() string {
	q := url.Values{}
	set := func(k, v string) {
		if v != "" {
			q.Set(k, v)
		}
	}
	set("sector", p.Sector)
	set("area", p.Area)
	set("language", p.Language)
	if p.OnlyFree {
		q.Set("only_free", "1")
	}
	if p.Page > 1 {
		q.Set("page", strconv.Itoa(p.Page))
	}
	if len(q) == 0 {
		return paths.PlacementsCapacity()
	}
	return paths.PlacementsCapacity() + "?" + q.Encode()
}

func (p capacityParams) filtered() bool {
	return p.Sector != "" || p.Area != "" || p.Language != "" || p.OnlyFree
}

func (s *Server) capacityPage(w http.ResponseWriter, r *http.Request) {
	if !s.allow(w, r, domain.CapProgramme) {
		return
	}
	p := readCapacityParams(r.URL.Query())
	page, err := s.DB.CapacityPage(r.Context(), scope(r), postgres.CapacityQuery{
		Sector: p.Sector, Area: p.Area, Language: p.Language, OnlyFree: p.OnlyFree, Page: p.Page})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, capacity.Page(capacityView(currentUser(r), p, page)))
}

// capacityView is the page's view model.
func capacityView(u *domain.User, p capacityParams, page *postgres.CapacityPage) capacity.PageView {
	v := capacity.PageView{User: u, Sector: p.Sector, Area: p.Area, Language: p.Language, OnlyFree: p.OnlyFree,
		Sectors: capacity.SectorOptions(), Filtered: p.filtered(), ResetURL: paths.PlacementsCapacity()}
	for _, a := range page.Areas {
		v.Areas = append(v.Areas, domain.Option{Value: a, Label: a})
	}
	// A chosen area or language no worksite has any more stays selectable.
	if p.Area != "" && !slices.Contains(page.Areas, p.Area) {
		v.Areas = append(v.Areas, domain.Option{Value: p.Area, Label: p.Area})
	}
	// The participants' languages (a list of the app, no query; one copy
	// serves the labels of all rows too).
	v.Langs = domain.Languages()
	langs := v.Langs
	if p.Language != "" && !slices.ContainsFunc(v.Langs, func(o domain.Option) bool { return o.Value == p.Language }) {
		v.Langs = append(v.Langs, domain.Option{Value: p.Language, Label: languageLabel(p.Language)})
	}
	for _, mon := range page.Weeks {
		v.Weeks = append(v.Weeks, capacityWeek(mon))
	}
	for _, row := range page.Rows {
		cr := capacity.Row{URL: paths.Worksite(row.WorksiteID), Worksite: row.Worksite, Employer: row.Employer,
			Sector: capacity.SectorLabel(row.Sector), Area: row.Area, Places: row.Places}
		var ls []string
		for _, l := range row.Languages {
			ls = append(ls, languageLabelIn(langs, l))
		}
		cr.Languages = strings.Join(ls, ", ")
		for _, f := range row.Free() {
			cr.Weeks = append(cr.Weeks, capacity.Cell{Free: f, None: f <= 0})
		}
		v.Rows = append(v.Rows, cr)
	}
	switch page.Total {
	case 1:
		v.Count = "1 arbeidssted"
	default:
		v.Count = strconv.Itoa(page.Total) + " arbeidssteder"
	}
	if len(v.Rows) > 0 {
		first := (page.Page-1)*page.Limit + 1
		v.Showing = "Viser " + strconv.Itoa(first) + "–" + strconv.Itoa(first+len(v.Rows)-1) + " av " + strconv.Itoa(page.Total)
	} else if page.Page > 1 {
		// A page past the end: the count is unknown from here.
		v.Count = ""
		first := p
		first.Page = 1
		v.FirstURL = first.url()
	}
	if page.Page > 1 && len(v.Rows) > 0 {
		prev := p
		prev.Page = page.Page - 1
		v.PrevURL = prev.url()
	}
	if page.HasNext {
		next := p
		next.Page = page.Page + 1
		v.NextURL = next.url()
	}
	return v
}

// capacityWeek is a week column: "49" and "Uke 49: 30.11.–04.12.2026".
func capacityWeek(mon time.Time) capacity.Week {
	_, n := mon.ISOWeek()
	fri := domain.AddDays(mon, 4)
	dates := mon.Format("02.01.") + "–" + fri.Format("02.01.2006")
	return capacity.Week{Number: strconv.Itoa(n), Title: "Uke " + strconv.Itoa(n) + ": " + dates, Dates: dates}
}

// languageLabel is a language code's Norwegian name (the code itself when
// unknown).
func languageLabel(code string) string { return languageLabelIn(domain.Languages(), code) }

// languageLabelIn is languageLabel with the list of languages at hand.
func languageLabelIn(langs []domain.Option, code string) string {
	switch code {
	case "nb", "no":
		return "Norsk"
	}
	return domain.Label(langs, code)
}

// placementHistorySection is the person page's "Praksisplasser" section, for
// the roles that hold CapProgramme; its read rides in the page's batch.
func (s *Server) placementHistorySection(pg *personPage) func(*domain.Person) (templ.Component, error) {
	if !currentUser(pg.r).Role.Can(domain.CapProgramme) {
		return func(*domain.Person) (templ.Component, error) { return nil, nil }
	}
	h := pg.batch.Placements()
	return func(p *domain.Person) (templ.Component, error) {
		v := capacity.SectionView{URL: paths.PersonPlacements(p.ID), More: h.More}
		for _, r := range h.Rows {
			end := r.PlannedEnd
			if r.EndedOn != nil {
				end = *r.EndedOn
			}
			v.Rows = append(v.Rows, capacity.HistoryRow{
				WorksiteURL: paths.Worksite(r.WorksiteID), Worksite: r.Worksite, Employer: r.Employer,
				Period: domain.FormatPeriod(&r.Start, &end), Hours: domain.FormatHours(r.MinutesPerWeek) + " t/uke",
				Status: capacity.StatusTag(r.Status),
			})
		}
		return capacity.Section(v), nil
	}
}
