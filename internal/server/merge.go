package server

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"ankomst/internal/domain"
	"ankomst/internal/postgres"
	"ankomst/web/layout"
	"ankomst/web/merge"
	"ankomst/web/paths"
	"ankomst/web/persons"

	"github.com/go-chi/chi/v5"
)

// mergeRoutes registers merging two registrations of one person
// (administrators only): find the other registration, preview, merge.
func (s *Server) mergeRoutes(r chi.Router) {
	r.Get("/persons/{id}/merge", s.mergeSearch)
	r.Post("/persons/{id}/merge/search", s.mergeSearch)
	r.Get("/persons/{id}/merge/{otherID}", s.mergePreview)
	r.Post("/persons/{id}/merge/{otherID}", s.mergeSubmit)
}

// mergeIDs reads the two registrations' ids from the path.
func mergeIDs(r *http.Request) (a, b int64, ok bool) {
	a, okA := pathID(r, "id")
	b, okB := pathID(r, "otherID")
	return a, b, okA && okB
}

// ---- Step 1: find the other registration ----

// mergeSearch shows the suggestions (GET) and, for a POST, the registrations
// matching the query: a POST keeps identity numbers out of URLs and logs.
func (s *Server) mergeSearch(w http.ResponseWriter, r *http.Request) {
	id, ok := s.begin(w, r, domain.CapMerge, "id", "Fant ikke personen.")
	if !ok {
		return
	}
	q := ""
	if r.Method == http.MethodPost {
		q = strings.TrimSpace(r.PostForm.Get("q"))
	}
	res, err := s.DB.FindMergeCandidates(r.Context(), scope(r), id, q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := merge.SearchView{
		User: currentUser(r), PersonID: id, PersonName: res.Subject.FullName(),
		BirthDate: domain.FormatDate(&res.Subject.BirthDate), UnitName: res.UnitName,
		PersonURL: paths.Person(id), SearchURL: paths.MergeSearch(id),
		Q: q, Searched: q != "", More: res.More,
	}
	if looksLikeIDNumber(q) {
		v.Q = "" // never echo an identity number
	}
	row := func(c postgres.MergeCandidate) merge.CandidateRow {
		ident := []string{}
		if c.HasNationalID {
			ident = append(ident, "fødselsnummer")
		}
		if c.HasDUF {
			ident = append(ident, "DUF-nummer")
		}
		idt := "Har " + strings.Join(ident, " og ")
		cw := "Ikke tildelt"
		if c.CaseworkerName != nil {
			cw = *c.CaseworkerName
		}
		return merge.CandidateRow{URL: paths.MergeWith(id, c.ID), Name: c.FamilyName + ", " + c.GivenName,
			BirthDate: domain.FormatDate(&c.BirthDate), Identity: idt, Caseworker: cw,
			Registered: c.CreatedAt.In(domain.Oslo).Format("02.01.2006"), Closed: c.Status == domain.StatusClosed}
	}
	for _, c := range res.Suggestions {
		v.Suggestions = append(v.Suggestions, row(c))
	}
	for _, c := range res.Results {
		v.Results = append(v.Results, row(c))
	}
	s.render(w, r, http.StatusOK, merge.Search(v))
}

// ---- Step 2: the preview ----

// openMerge opens a handler on a pair of registrations: both ids (404) and
// the capability (403).
func (s *Server) openMerge(w http.ResponseWriter, r *http.Request) (a, b int64, ok bool) {
	if a, b, ok = mergeIDs(r); !ok {
		s.fail(w, r, domain.Errorf(domain.ENOTFOUND, "Fant ikke personen."))
		return 0, 0, false
	}
	return a, b, s.allow(w, r, domain.CapMerge)
}

func (s *Server) mergePreview(w http.ResponseWriter, r *http.Request) {
	a, b, ok := s.openMerge(w, r)
	if !ok {
		return
	}
	keep, _ := strconv.ParseInt(r.URL.Query().Get("keep"), 10, 64)
	pv, err := s.DB.PreviewMerge(r.Context(), scope(r), a, b, keep)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, merge.Preview(s.previewView(r, pv, nil)))
}

// previewState is what a refused or redone preview carries over.
type previewState struct {
	choices  map[string]string // merge field → chosen registration's id
	err      error             // field errors
	stale    []string          // what changed since the preview
	switched string
}

// mergeFieldKeys maps the person page's facts (persons.Facts) to merge fields.
var mergeFieldKeys = map[string]string{
	"given-name": "given_name", "family-name": "family_name", "birth-date": "birth_date", "sex": "sex",
	"national-id": "national_id", "duf-number": "duf_number", "country": "country_of_origin",
	"languages": "languages", "interpreter": "interpreter", "residence-basis": "residence_basis",
	"arrival-date": "arrival_date", "settlement-date": "settlement_date", "caseworker": "caseworker_id",
}

// mergeFacts formats a registration's merge fields as the person page does.
func mergeFacts(p *domain.Person) map[string]string {
	out := map[string]string{}
	for _, f := range persons.Facts(p) {
		if k, ok := mergeFieldKeys[f.TestID]; ok {
			out[k] = f.Value
		}
	}
	return out
}

func countText(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	if n == 0 {
		return "Ingen " + many
	}
	return strconv.Itoa(n) + " " + many
}

// previewView builds the preview page from the store's preview.
func (s *Server) previewView(r *http.Request, pv *postgres.MergePreview, st *previewState) merge.PreviewView {
	if st == nil {
		st = &previewState{}
	}
	sv, mg := pv.Survivor(), pv.Merged()
	side := func(p *domain.Person) merge.Side {
		return merge.Side{ID: strconv.FormatInt(p.ID, 10), Name: p.FullName(),
			Registered: domain.FormatDateTime(p.CreatedAt),
			Closed:     p.Status == domain.StatusClosed, Suggested: p.ID == pv.DefaultSurvivorID}
	}
	v := merge.PreviewView{
		User: currentUser(r), Action: paths.MergeWith(pv.A.ID, pv.B.ID), CancelURL: paths.Person(pv.A.ID),
		A: side(pv.A), B: side(pv.B), Keep: strconv.FormatInt(sv.ID, 10),
		SurvivorName: sv.FullName(), MergedName: mg.FullName(),
		Stale: st.stale, Switched: st.switched,
	}
	var de *domain.Error
	if errors.As(st.err, &de) {
		v.Errors = de.Fields
		if len(de.Fields) == 0 {
			v.Summary = []layout.ErrorItem{{Field: "keep", Message: de.Message}}
		}
	}
	fa, fb := mergeFacts(pv.A), mergeFacts(pv.B)
	aID, bID := strconv.FormatInt(pv.A.ID, 10), strconv.FormatInt(pv.B.ID, 10)
	for _, f := range domain.MergeFields() {
		row := merge.FieldRow{Key: f.Value, Label: f.Label, A: fa[f.Value], B: fb[f.Value], Choice: v.Keep,
			Error: v.Errors["f_"+f.Value]}
		for _, d := range pv.Diffs {
			row.Differs = row.Differs || d == f.Value
		}
		if c := st.choices[f.Value]; c == aID || c == bID {
			row.Choice = c
		}
		v.Rows = append(v.Rows, row)
	}
	if msg := v.Errors["keep"]; msg != "" {
		v.Summary = append(v.Summary, layout.ErrorItem{Field: "keep_a", Message: msg})
	}
	for _, row := range v.Rows {
		if row.Error != "" {
			id := "f_" + row.Key
			if !row.Differs {
				id = "fields-heading"
			}
			v.Summary = append(v.Summary, layout.ErrorItem{Field: id, Message: row.Label + ": " + row.Error})
		}
	}
	if msg := v.Errors["version"]; msg != "" {
		v.Summary = append(v.Summary, layout.ErrorItem{Field: "keep_a", Message: msg})
	}

	memberships := countText(pv.Moves.Memberships, "husstandsmedlemskap", "husstandsmedlemskap")
	if pv.Moves.Memberships > 0 {
		memberships += " (nåværende og tidligere)"
	}
	done := countText(pv.Moves.DoneMarks, "frist merket som utført", "frister merket som utført")
	if pv.Moves.DoneMarks > 0 {
		done += " (har begge merket samme frist, beholdes den tidligste datoen)"
	}
	v.Moves = []string{
		countText(pv.Moves.Notes, "saksnotat", "saksnotater"), memberships,
		countText(pv.Moves.Tasks, "oppgave", "oppgaver"), done,
	}
	left := domain.FormatDate(&pv.LeftOn)
	switch pv.HouseholdPlan {
	case domain.MergeHouseholdNone:
		v.Household = mg.FullName() + " er ikke med i noen husstand nå."
	case domain.MergeHouseholdMove:
		v.Household = "Medlemskapet til " + mg.FullName() + " i husstanden «" + pv.MergedHousehold.Name + "» flyttes til " + sv.FullName() + "."
	case domain.MergeHouseholdEnd:
		v.Household = sv.FullName() + " beholder medlemskapet i husstanden «" + pv.SurvivorHousehold.Name + "». Medlemskapet til " +
			mg.FullName() + " i husstanden «" + pv.MergedHousehold.Name + "» avsluttes " + left + " og blir stående i husstandens historikk."
	case domain.MergeHouseholdSame:
		v.Household = "Begge er med i husstanden «" + pv.SurvivorHousehold.Name + "». " + sv.FullName() +
			" beholder medlemskapet, og medlemskapet til " + mg.FullName() + " avsluttes " + left + " og blir stående i husstandens historikk."
	}
	if pv.CaseworkerInactive && mg.CaseworkerName != nil {
		for _, d := range pv.Diffs {
			if d == "caseworker_id" {
				v.Caseworker = "Programrådgiveren til " + mg.FullName() + " (" + *mg.CaseworkerName +
					") kan ikke lenger få saker i enheten. Velg verdien til " + sv.FullName() + "."
			}
		}
	}

	v.Hidden = []merge.Hidden{
		{Name: "preview_keep", Value: v.Keep},
		{Name: "version_a", Value: strconv.Itoa(pv.A.Version)},
		{Name: "version_b", Value: strconv.Itoa(pv.B.Version)},
	}
	for _, p := range []struct {
		prefix string
		seen   map[string]string
	}{{"seen_a_", domain.MergeSeen(pv.A)}, {"seen_b_", domain.MergeSeen(pv.B)}} {
		for _, f := range append(slices.Clone(domain.MergeFields()), domain.Option{Value: "status"}) {
			v.Hidden = append(v.Hidden, merge.Hidden{Name: p.prefix + f.Value, Value: p.seen[f.Value]})
		}
	}
	return v
}

// ---- Step 3: the merge ----

// mergeFormFrom reads the preview's form.
func mergeFormFrom(r *http.Request) (domain.MergeForm, map[string]string, map[string]string) {
	f := domain.MergeForm{Keep: r.PostForm.Get("keep"), PreviewKeep: r.PostForm.Get("preview_keep"),
		VersionA: r.PostForm.Get("version_a"), VersionB: r.PostForm.Get("version_b"), Fields: map[string]string{}}
	seenA, seenB := map[string]string{}, map[string]string{}
	for k, vals := range r.PostForm {
		if len(vals) == 0 {
			continue
		}
		switch {
		case strings.HasPrefix(k, "f_"):
			f.Fields[strings.TrimPrefix(k, "f_")] = vals[0]
		case strings.HasPrefix(k, "seen_a_"):
			seenA[strings.TrimPrefix(k, "seen_a_")] = vals[0]
		case strings.HasPrefix(k, "seen_b_"):
			seenB[strings.TrimPrefix(k, "seen_b_")] = vals[0]
		}
	}
	return f, seenA, seenB
}

// staleText says what changed in a registration since the preview.
func staleText(p *domain.Person, seen map[string]string) string {
	var what []string
	for _, k := range domain.MergeChangedFields(seen, p) {
		label := domain.Label(domain.MergeFields(), k)
		switch {
		case k == "status":
			label = "status"
		case !strings.HasPrefix(label, "DUF"):
			label = strings.ToLower(label[:1]) + label[1:] // labels begin with an ASCII capital
		}
		what = append(what, label)
	}
	t := p.FullName() + " er endret (nå versjon " + strconv.Itoa(p.Version) + ")"
	if len(what) > 0 {
		t += ": " + strings.Join(what, ", ")
	}
	return t + "."
}

func (s *Server) mergeSubmit(w http.ResponseWriter, r *http.Request) {
	a, b, ok := s.openMerge(w, r)
	if !ok {
		return
	}
	form, seenA, seenB := mergeFormFrom(r)
	// again shows the preview once more, for the survivor keep, with state.
	again := func(status int, keep int64, st *previewState) {
		pv, err := s.DB.PreviewMerge(r.Context(), scope(r), a, b, keep)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		s.render(w, r, status, merge.Preview(s.previewView(r, pv, st)))
	}
	previewKeep, _ := strconv.ParseInt(form.PreviewKeep, 10, 64)
	in, err := form.Validate(a, b)
	var de *domain.Error
	if err != nil {
		if errors.As(err, &de) && len(de.Fields) > 0 {
			again(http.StatusUnprocessableEntity, previewKeep, &previewState{choices: form.Fields, err: err})
			return
		}
		s.fail(w, r, err)
		return
	}
	if form.Keep != form.PreviewKeep {
		// The preview was made for the other survivor: show it for this one
		// (the households and what moves depend on it) before merging.
		again(http.StatusOK, in.SurvivorID, &previewState{switched: "Du har valgt å beholde en annen registrering enn forhåndsvisningen gjaldt. " +
			"Valgene under er satt til verdiene til den som nå beholdes. Se over og trykk «Slå sammen» for å slå sammen."})
		return
	}
	res, err := s.DB.MergePersons(r.Context(), scope(r), a, b, in)
	var stale *postgres.MergeStaleError
	switch {
	case err == nil:
		msg := res.MergedName + " er slått sammen med " + res.SurvivorName + "."
		if res.EndedHousehold != "" {
			msg += " Medlemskapet i husstanden «" + res.EndedHousehold + "» til den sammenslåtte registreringen er avsluttet."
		}
		s.Sessions.Put(r.Context(), sessFlash, msg)
		http.Redirect(w, r, paths.Person(res.SurvivorID), http.StatusSeeOther)
	case errors.As(err, &stale):
		st := &previewState{choices: form.Fields}
		for _, x := range []struct {
			p    *domain.Person
			seen map[string]string
			ver  string
		}{{stale.A, seenA, form.VersionA}, {stale.B, seenB, form.VersionB}} {
			if strconv.Itoa(x.p.Version) != strings.TrimSpace(x.ver) {
				st.stale = append(st.stale, staleText(x.p, x.seen))
			}
		}
		again(http.StatusConflict, in.SurvivorID, st)
	case errors.As(err, &de) && de.Code == domain.EINVALID && len(de.Fields) > 0:
		again(http.StatusUnprocessableEntity, in.SurvivorID, &previewState{choices: form.Fields, err: err})
	default:
		s.fail(w, r, err)
	}
}

// ---- A merged registration's page ----

// mergedNotice answers the page of a registration merged into another with
// where the person is now, instead of the person page.
func (s *Server) mergedNotice(w http.ResponseWriter, r *http.Request, p *domain.Person) {
	n, err := s.DB.MergedInto(r.Context(), scope(r), p.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := merge.MergedView{
		User: currentUser(r), Name: p.FullName(), BirthDate: domain.FormatDate(&p.BirthDate),
		SurvivorURL: paths.Person(n.SurvivorID), SurvivorName: n.SurvivorName,
		MergedAt: n.MergedAt.In(domain.Oslo).Format("02.01.2006"), MergedBy: n.MergedBy,
	}
	if currentUser(r).Role.Can(domain.CapLeaderViews) {
		v.AuditURL = paths.PersonAudit(p.ID)
	}
	s.render(w, r, http.StatusOK, merge.Merged(v))
}
