package server

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"ankomst/internal/domain"
	"ankomst/internal/postgres"
	"ankomst/web/layout"
	"ankomst/web/paths"
	"ankomst/web/programme"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5"
)

// The introduction programme of a person: the overview and one form per
// part. Every handler asks CapProgramme (caseworker, leader, admin).

const progNotFound = "Fant ikke personen."

// progPart is one of the programme's forms: its title, its fields, what the
// stored programme fills them with, and the one store call that saves it.
type progPart struct {
	title, intro, submit, flash string
	fields                      []string
	stored                      func(v *postgres.ProgrammeView) map[string]string
	save                        func(s *Server, r *http.Request, id int64, vals map[string]string) (*postgres.ProgrammeView, error)
	facts                       func(v *postgres.ProgrammeView, today time.Time) []layout.Fact
}

func iso(d *time.Time) string { return domain.FormatISODate(d) }

func boolVal(b bool) string {
	if b {
		return "1"
	}
	return ""
}

func optVal(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func (s *Server) progToday() time.Time { return domain.Today(s.DB.Now()) }

// progParts are the programme's forms by URL segment.
func progParts() map[string]progPart {
	return map[string]progPart{
		"ruleset": {
			title: "Regelverk og oppholdstillatelse", submit: "Lagre regelverk", flash: "Regelverket er lagret.",
			intro:  "Regelverket utledes av vedtaksdatoen for oppholdstillatelsen og oppholdsgrunnlaget. Overstyr bare når utledningen er feil, og skriv hvorfor.",
			fields: []string{"permit_date", "override", "reason", "person_version", "version"},
			stored: func(v *postgres.ProgrammeView) map[string]string {
				return map[string]string{"permit_date": iso(v.PermitDate), "override": optVal(v.Programme.RuleSetOverride),
					"reason": v.Programme.RuleSetReason, "person_version": strconv.Itoa(v.Person.Version), "version": strconv.Itoa(v.Programme.Version)}
			},
			save: func(s *Server, r *http.Request, id int64, vals map[string]string) (*postgres.ProgrammeView, error) {
				in, err := domain.RuleSetForm{PermitDate: vals["permit_date"], Override: vals["override"], Reason: vals["reason"],
					PersonVersion: vals["person_version"], Version: vals["version"]}.Validate(s.progToday())
				if err != nil {
					return nil, err
				}
				return s.DB.SaveRuleSet(r.Context(), scope(r), id, in)
			},
			facts: ruleSetFacts,
		},
		"mapping": {
			title: "Kompetansekartlegging og karriereveiledning", submit: "Lagre", flash: "Kartlegging og veiledning er lagret.",
			intro:  "Kompetansekartlegging og karriereveiledning skal være gjort før vedtaket.",
			fields: []string{"mapping_done_on", "mapping_by", "guidance_done_on", "guidance_by", "version"},
			stored: func(v *postgres.ProgrammeView) map[string]string {
				p := v.Programme
				return map[string]string{"mapping_done_on": iso(p.MappingDoneOn), "mapping_by": p.MappingBy,
					"guidance_done_on": iso(p.GuidanceDoneOn), "guidance_by": p.GuidanceBy, "version": strconv.Itoa(p.Version)}
			},
			save: func(s *Server, r *http.Request, id int64, vals map[string]string) (*postgres.ProgrammeView, error) {
				in, err := domain.MappingForm{MappingDoneOn: vals["mapping_done_on"], MappingBy: vals["mapping_by"],
					GuidanceDoneOn: vals["guidance_done_on"], GuidanceBy: vals["guidance_by"], Version: vals["version"]}.Validate(s.progToday())
				if err != nil {
					return nil, err
				}
				return s.DB.SaveMapping(r.Context(), scope(r), id, in)
			},
			facts: mappingFacts,
		},
		"decision": {
			title: "Vedtak og integreringsplan", submit: "Lagre vedtak", flash: "Vedtaket er lagret.",
			fields: []string{"decision", "refusal_reason", "decision_date", "start_date", "planned_end", "end_goal",
				"has_upper_secondary", "norwegian_goal", "extension_months", "lives_with_parents", "version"},
			stored: func(v *postgres.ProgrammeView) map[string]string {
				p := v.Programme
				ext := ""
				if p.ExtensionMonths > 0 {
					ext = strconv.Itoa(p.ExtensionMonths)
				}
				return map[string]string{"decision": optVal(p.Decision), "refusal_reason": p.RefusalReason, "decision_date": iso(p.DecisionDate),
					"start_date": iso(p.StartDate), "planned_end": iso(p.PlannedEnd), "end_goal": optVal(p.EndGoal),
					"has_upper_secondary": boolVal(p.HasUpperSecondary), "norwegian_goal": p.NorwegianGoal, "extension_months": ext,
					"lives_with_parents": boolVal(p.LivesWithParents), "version": strconv.Itoa(p.Version)}
			},
			save: func(s *Server, r *http.Request, id int64, vals map[string]string) (*postgres.ProgrammeView, error) {
				in, err := domain.DecisionForm{Decision: vals["decision"], RefusalReason: vals["refusal_reason"], DecisionDate: vals["decision_date"],
					StartDate: vals["start_date"], PlannedEnd: vals["planned_end"], EndGoal: vals["end_goal"],
					HasUpperSecondary: vals["has_upper_secondary"], NorwegianGoal: vals["norwegian_goal"],
					ExtensionMonths: vals["extension_months"], LivesWithParents: vals["lives_with_parents"], Version: vals["version"]}.Validate(s.progToday())
				if err != nil {
					return nil, err
				}
				return s.DB.SaveDecision(r.Context(), scope(r), id, in)
			},
			facts: decisionFacts,
		},
		"contract": {
			title: "Integreringskontrakt", submit: "Lagre", flash: "Integreringskontrakten er lagret.",
			fields: []string{"contract_signed_on", "version"},
			stored: func(v *postgres.ProgrammeView) map[string]string {
				return map[string]string{"contract_signed_on": iso(v.Programme.ContractSignedOn), "version": strconv.Itoa(v.Programme.Version)}
			},
			save: func(s *Server, r *http.Request, id int64, vals map[string]string) (*postgres.ProgrammeView, error) {
				in, err := domain.ContractForm{SignedOn: vals["contract_signed_on"], Version: vals["version"]}.Validate(s.progToday())
				if err != nil {
					return nil, err
				}
				return s.DB.SaveContract(r.Context(), scope(r), id, in)
			},
			facts: contractFacts,
		},
		"pause": {
			title: "Ny permisjon eller avbrudd", submit: "Registrer", flash: "Permisjonen eller avbruddet er registrert.",
			intro:  "Permisjon flytter planlagt slutt like mange kalenderdager som permisjonen varer. Avbrudd (stans) flytter ikke slutten.",
			fields: []string{"kind", "reason", "from_date", "to_date"},
			stored: func(v *postgres.ProgrammeView) map[string]string { return map[string]string{} },
			save: func(s *Server, r *http.Request, id int64, vals map[string]string) (*postgres.ProgrammeView, error) {
				in, err := domain.PauseForm{Kind: vals["kind"], Reason: vals["reason"], From: vals["from_date"], To: vals["to_date"]}.Validate(false)
				if err != nil {
					return nil, err
				}
				return s.DB.AddPause(r.Context(), scope(r), id, in)
			},
			facts: func(*postgres.ProgrammeView, time.Time) []layout.Fact { return nil },
		},
		"end": {
			title: "Avslutt programmet", submit: "Avslutt programmet", flash: "Programmet er avsluttet.",
			intro:  "Avslutningsårsak og hovedaktivitet ved avslutning rapporteres til IMDi.",
			fields: []string{"ended_on", "end_reason", "end_activity", "version"},
			stored: func(v *postgres.ProgrammeView) map[string]string {
				p := v.Programme
				return map[string]string{"ended_on": iso(p.EndedOn), "end_reason": p.EndReason, "end_activity": p.EndActivity, "version": strconv.Itoa(p.Version)}
			},
			save: func(s *Server, r *http.Request, id int64, vals map[string]string) (*postgres.ProgrammeView, error) {
				in, err := domain.EndForm{EndedOn: vals["ended_on"], EndReason: vals["end_reason"], EndActivity: vals["end_activity"], Version: vals["version"]}.Validate(s.progToday())
				if err != nil {
					return nil, err
				}
				return s.DB.EndProgramme(r.Context(), scope(r), id, in)
			},
			facts: endFacts,
		},
	}
}

// programmeRoutes registers the programme page and its forms.
func (s *Server) programmeRoutes(r chi.Router) {
	r.Get("/persons/{id}/programme", s.programmeShow)
	for _, part := range []string{"ruleset", "mapping", "decision", "contract", "pause", "end"} {
		r.Get("/persons/{id}/programme/"+part, s.programmePartForm(part))
		r.Post("/persons/{id}/programme/"+part, s.programmePartSave(part))
	}
	r.Get("/persons/{id}/programme/pauses/{pauseID}", s.programmePauseForm)
	r.Post("/persons/{id}/programme/pauses/{pauseID}", s.programmePauseSave)
}

// --- facts shown on the overview and beside a conflict -------------------

func fact(label, value, testID string) layout.Fact {
	if value == "" {
		value = "–"
	}
	return layout.Fact{Label: label, Value: value, TestID: testID}
}

func fdate(d *time.Time) string {
	if d == nil {
		return ""
	}
	return domain.FormatDate(d)
}

func progRuleSet(v *postgres.ProgrammeView, today time.Time) domain.RuleSetResult {
	return domain.DeriveRuleSet(v.Rates, today, v.PermitDate, v.Person.ResidenceBasis, optVal(v.Programme.RuleSetOverride), v.Programme.RuleSetReason)
}

func ruleSetFacts(v *postgres.ProgrammeView, today time.Time) []layout.Fact {
	rs := progRuleSet(v, today)
	fs := []layout.Fact{
		fact("Vedtaksdato for oppholdstillatelse", fdate(v.PermitDate), "permit-date"),
		fact("Oppholdsgrunnlag", domain.Label(domain.ResidenceBases(), v.Person.ResidenceBasis), ""),
		fact("Regelverk", rs.Label(), "rule-set"),
	}
	if rs.Overridden {
		fs = append(fs, fact("Overstyrt fordi", v.Programme.RuleSetReason, ""))
	}
	return fs
}

func mappingFacts(v *postgres.ProgrammeView, _ time.Time) []layout.Fact {
	p := v.Programme
	if p.MappingDoneOn == nil && p.GuidanceDoneOn == nil && p.MappingBy == "" && p.GuidanceBy == "" {
		return nil
	}
	return []layout.Fact{
		fact("Kompetansekartlegging", joinNonEmpty(fdate(p.MappingDoneOn), p.MappingBy), "mapping"),
		fact("Karriereveiledning", joinNonEmpty(fdate(p.GuidanceDoneOn), p.GuidanceBy), "guidance"),
	}
}

func joinNonEmpty(parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, ", ")
}

// progDuration is the allowed duration of a granted programme, when its
// start is known.
func progDuration(v *postgres.ProgrammeView) (domain.Duration, bool) {
	p := v.Programme
	if p.Decision == nil || *p.Decision != domain.DecisionGranted || p.StartDate == nil {
		return domain.Duration{}, false
	}
	d := domain.ProgrammeDuration(v.Rates.RatesOn(*p.StartDate), optVal(p.EndGoal), p.HasUpperSecondary, domain.AgeOn(v.Person.BirthDate, *p.StartDate))
	return d, d.Known
}

func decisionFacts(v *postgres.ProgrammeView, today time.Time) []layout.Fact {
	p := v.Programme
	if p.Decision == nil {
		return nil
	}
	fs := []layout.Fact{
		fact("Vedtak", domain.Label(domain.Decisions(), *p.Decision), "decision"),
		fact("Vedtaksdato", fdate(p.DecisionDate), "decision-date"),
	}
	if *p.Decision == domain.DecisionRefused {
		return append(fs, fact("Begrunnelse", p.RefusalReason, ""))
	}
	fs = append(fs,
		fact("Startdato", fdate(p.StartDate), "start-date"),
		fact("Sluttmål", domain.Label(domain.EndGoals(), optVal(p.EndGoal)), "end-goal"),
		fact("Fullført videregående", yesNo(p.HasUpperSecondary), ""),
		fact("Norskmål", p.NorwegianGoal, ""),
		fact("Planlagt slutt", fdate(p.PlannedEnd), "planned-end"),
	)
	if p.ExtensionMonths > 0 {
		fs = append(fs, fact("Innvilget forlengelse", strconv.Itoa(p.ExtensionMonths)+" mnd.", ""))
	}
	if leave := domain.LeaveDays(v.Pauses, today); leave > 0 {
		fs = append(fs, fact("Slutt med permisjon", fmt.Sprintf("%s (%d dager permisjon)", fdate(p.EffectiveEnd(v.Pauses, today)), leave), "effective-end"))
	}
	if d, ok := progDuration(v); ok {
		lo, hi := d.AllowedEnd(*p.StartDate, p.ExtensionMonths)
		fs = append(fs, fact("Tillatt slutt", "mellom "+domain.FormatDate(&lo)+" og "+domain.FormatDate(&hi), "allowed-end"))
	}
	return append(fs, fact("Bor med foreldre", yesNo(p.LivesWithParents), ""))
}

func yesNo(b bool) string {
	if b {
		return "Ja"
	}
	return "Nei"
}

func contractFacts(v *postgres.ProgrammeView, _ time.Time) []layout.Fact {
	if v.Programme.ContractSignedOn == nil {
		return nil
	}
	return []layout.Fact{fact("Signert", fdate(v.Programme.ContractSignedOn), "contract-signed")}
}

func endFacts(v *postgres.ProgrammeView, _ time.Time) []layout.Fact {
	p := v.Programme
	if p.EndedOn == nil {
		return nil
	}
	reason := domain.Label(domain.EndReasons(), p.EndReason)
	if p.EndReason == "" {
		reason = "Mangler"
	}
	return []layout.Fact{
		fact("Sluttdato", fdate(p.EndedOn), "ended-on"),
		fact("Avslutningsårsak", reason, "end-reason"),
		fact("Hovedaktivitet ved avslutning", domain.Label(domain.EndActivities(), p.EndActivity), "end-activity"),
	}
}

// progStatus is the programme's status as a tag.
func progStatus(p domain.Programme, pauses []domain.Pause, today time.Time) programme.Tag {
	st := p.Status(pauses, today)
	color := map[string]string{domain.ProgNotDecided: "neutral", domain.ProgRefused: "danger", domain.ProgNotStarted: "info",
		domain.ProgActive: "success", domain.ProgOnLeave: "warning", domain.ProgInterrupt: "warning", domain.ProgEnded: "neutral"}[st]
	return programme.Tag{Label: domain.Label(domain.ProgrammeStatuses(), st), Color: color}
}

// --- the overview -----------------------------------------------------------

func (s *Server) programmeView(r *http.Request, v *postgres.ProgrammeView) programme.PageView {
	today := s.progToday()
	p, id := v.Programme, v.Person.ID
	rs := progRuleSet(v, today)
	rd := domain.RightAndDuty(v.Rates, domain.RightDutyFacts{Name: v.Person.GivenName, BirthDate: v.Person.BirthDate, PermitDate: v.PermitDate,
		SettlementDate: v.Person.SettlementDate, RuleSet: rs.RuleSet, DecisionDate: p.DecisionDate, Today: today})
	color := "info"
	if rd.Known {
		color = map[bool]string{true: "success", false: "warning"}[rd.Right]
	}
	edit := func(part string) string { return paths.PersonProgrammePart(id, part) }
	pv := programme.PageView{
		User: currentUser(r), PersonID: id, PersonName: v.Person.FullName(), Status: progStatus(p, v.Pauses, today),
		MissingEndReason: p.MissingEndReason(), RightDuty: rd.Sentence, RightDutyColor: color,
		PlanURL: paths.PersonPlan(id), NewPauseURL: paths.PersonProgrammePart(id, "pause"),
		CanPause:   p.Decision != nil && *p.Decision == domain.DecisionGranted && p.StartDate != nil,
		PauseEmpty: "Ingen permisjon eller avbrudd er registrert.",
	}
	if !pv.CanPause {
		pv.PauseEmpty = "Permisjon og avbrudd kan registreres når programmet er innvilget med startdato."
	}
	pv.Blocks = []programme.Block{
		{ID: "ruleset", Heading: "Regelverk", Facts: ruleSetFacts(v, today), Text: rs.Explanation,
			EditURL: edit("ruleset"), EditText: "Endre regelverk"},
		{ID: "mapping", Heading: "Kompetansekartlegging og karriereveiledning", Facts: mappingFacts(v, today),
			Empty: "Ikke registrert.", EditURL: edit("mapping"), EditText: "Endre kartlegging og veiledning"},
		{ID: "decision", Heading: "Vedtak og integreringsplan", Facts: decisionFacts(v, today),
			Empty: "Ikke vedtatt ennå.", EditURL: edit("decision"), EditText: "Endre vedtak"},
		{ID: "contract", Heading: "Integreringskontrakt", Facts: contractFacts(v, today),
			Empty: "Ikke signert.", EditURL: edit("contract"), EditText: "Endre integreringskontrakt"},
	}
	if d, ok := progDuration(v); ok {
		pv.Blocks[2].Text = d.Rule
	}
	for _, ps := range v.Pauses {
		period := domain.FormatDate(&ps.From) + "–"
		if ps.To != nil {
			period += domain.FormatDate(ps.To)
		}
		pv.Pauses = append(pv.Pauses, programme.PauseRow{ID: ps.ID, Kind: domain.Label(domain.PauseKinds(), ps.Kind), Reason: ps.Reason,
			Period: period, Days: strconv.Itoa(ps.Days(today)), Ongoing: ps.Holds(today),
			EditURL: paths.PersonProgramme(id) + "/pauses/" + strconv.FormatInt(ps.ID, 10)})
	}
	pv.End = programme.Block{ID: "end", Heading: "Avslutning", Facts: endFacts(v, today), Empty: "Programmet er ikke avsluttet."}
	if pv.CanPause {
		pv.End.EditURL, pv.End.EditText = edit("end"), "Avslutt programmet"
		if p.EndedOn != nil {
			pv.End.EditText = "Endre avslutning"
		}
	}
	return pv
}

func (s *Server) programmeShow(w http.ResponseWriter, r *http.Request) {
	id, ok := s.begin(w, r, domain.CapProgramme, "id", progNotFound)
	if !ok {
		return
	}
	v, err := s.DB.GetProgramme(r.Context(), scope(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pv := s.programmeView(r, v)
	pv.Flash = s.Sessions.PopString(r.Context(), sessFlash)
	s.render(w, r, http.StatusOK, programme.Page(pv))
}

// --- the parts' forms -------------------------------------------------------

func (s *Server) partFormView(r *http.Request, part string, pp progPart, v *postgres.ProgrammeView) programme.FormView {
	today := s.progToday()
	fv := programme.FormView{User: currentUser(r), PersonID: v.Person.ID, PersonName: v.Person.FullName(), Part: part,
		Title: pp.title, Intro: pp.intro, Submit: pp.submit, Action: paths.PersonProgrammePart(v.Person.ID, part),
		Today: domain.FormatISODate(&today), Values: pp.stored(v), Errors: map[string]string{}}
	if part == "decision" {
		fv.Intro = "Tillatt varighet etter sluttmål: har fullført videregående og mål høyere utdanning eller arbeid: 3–6 måneder (+ inntil 6); under 25 år uten videregående, eller mål videregående: 3 måneder–3 år (+ inntil 1 år); andre: 3 måneder–2 år (+ inntil 1 år). Vedtaket markerer fristen for tilbud om program som oppfylt."
		if d, ok := progDuration(v); ok {
			fv.Intro = "Gjeldende regel: " + d.Rule + " Vedtaket markerer fristen for tilbud om program som oppfylt."
		}
	}
	return fv
}

func (s *Server) programmePartForm(part string) http.HandlerFunc {
	pp := progParts()[part]
	return func(w http.ResponseWriter, r *http.Request) {
		id, ok := s.begin(w, r, domain.CapProgramme, "id", progNotFound)
		if !ok {
			return
		}
		v, err := s.DB.GetProgramme(r.Context(), scope(r), id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		fv := s.partFormView(r, part, pp, v)
		if part == "end" && fv.Values["ended_on"] == "" {
			fv.Values["ended_on"] = fv.Today
		}
		// ?end_reason= preselects a reason (the placement's "fikk jobb"
		// offer links here with "work"); it never saves anything.
		if q := r.URL.Query().Get("end_reason"); part == "end" && fv.Values["end_reason"] == "" && domain.Label(domain.EndReasons(), q) != q {
			fv.Values["end_reason"] = q
		}
		s.render(w, r, http.StatusOK, programme.Form(fv))
	}
}

func (s *Server) programmePartSave(part string) http.HandlerFunc {
	pp := progParts()[part]
	return func(w http.ResponseWriter, r *http.Request) {
		id, ok := s.begin(w, r, domain.CapProgramme, "id", progNotFound)
		if !ok {
			return
		}
		vals := map[string]string{}
		for _, f := range pp.fields {
			vals[f] = r.PostForm.Get(f)
		}
		_, err := pp.save(s, r, id, vals)
		if err == nil {
			s.Sessions.Put(r.Context(), sessFlash, pp.flash)
			http.Redirect(w, r, paths.PersonProgramme(id), http.StatusSeeOther)
			return
		}
		s.progRefused(w, r, id, part, pp, vals, err, 0)
	}
}

// progRefused answers a refused save: 409 with the stored values (and the
// versions the form now carries) beside the user's input, 422 with the
// field messages, or the error page (404 outside the scope, whatever the
// input).
func (s *Server) progRefused(w http.ResponseWriter, r *http.Request, id int64, part string, pp progPart, vals map[string]string, err error, pauseID int64) {
	var stale *postgres.ProgrammeStaleError
	var de *domain.Error
	var v *postgres.ProgrammeView
	switch {
	case errors.As(err, &stale):
		v = stale.Current
	case errors.As(err, &de) && (de.Code == domain.EINVALID || de.Code == domain.ECONFLICT):
		var gerr error
		if v, gerr = s.DB.GetProgramme(r.Context(), scope(r), id); gerr != nil {
			s.fail(w, r, gerr)
			return
		}
	default:
		s.fail(w, r, err)
		return
	}
	fv := s.partFormView(r, part, pp, v)
	stored := fv.Values
	fv.Values = vals
	today := s.progToday()
	if pauseID != 0 {
		fv.Action = paths.PersonProgramme(id) + "/pauses/" + strconv.FormatInt(pauseID, 10)
		if ps := v.Pause(pauseID); ps != nil {
			fv.Ongoing = ps.To == nil
			stored = pauseValues(ps)
		}
	}
	status := http.StatusUnprocessableEntity
	switch {
	case stale != nil:
		status = http.StatusConflict
		fv.Conflict = stale.Message + " Se hva som er lagret nå, og lagre på nytt hvis endringen din fortsatt skal gjelde."
		for _, k := range []string{"version", "person_version"} {
			if _, ok := stored[k]; ok {
				fv.Values[k] = stored[k]
			}
		}
		if pauseID != 0 {
			if ps := v.Pause(pauseID); ps != nil {
				fv.Stored = pauseFacts(ps, today)
			}
		} else {
			fv.Stored = pp.facts(v, today)
		}
	case de.Code == domain.ECONFLICT:
		status = http.StatusConflict
		fv.Conflict = de.Message
	default:
		fv.Errors = de.Fields
		for _, f := range append(pp.fields, "version") {
			if msg, ok := de.Fields[f]; ok && f != "person_version" {
				fv.Summary = append(fv.Summary, layout.ErrorItem{Field: f, Message: msg})
			}
		}
		if len(fv.Summary) == 0 && de.Message != "" {
			fv.Conflict = de.Message
		}
	}
	s.render(w, r, status, programme.Form(fv))
}

// --- pauses -----------------------------------------------------------------

func pauseValues(ps *domain.Pause) map[string]string {
	return map[string]string{"kind": ps.Kind, "reason": ps.Reason, "from_date": iso(&ps.From), "to_date": iso(ps.To), "version": strconv.Itoa(ps.Version)}
}

func pauseFacts(ps *domain.Pause, today time.Time) []layout.Fact {
	return []layout.Fact{
		fact("Type", domain.Label(domain.PauseKinds(), ps.Kind), ""),
		fact("Årsak", ps.Reason, ""),
		fact("Fra og med", domain.FormatDate(&ps.From), ""),
		fact("Til og med", fdate(ps.To), ""),
		fact("Dager", strconv.Itoa(ps.Days(today)), ""),
	}
}

func pauseEditPart() progPart {
	pp := progParts()["pause"]
	pp.title, pp.submit, pp.flash = "Endre permisjon eller avbrudd", "Lagre endringer", "Permisjonen eller avbruddet er endret."
	pp.fields = []string{"kind", "reason", "from_date", "to_date", "version"}
	return pp
}

func (s *Server) programmePauseForm(w http.ResponseWriter, r *http.Request) {
	id, ok := s.begin(w, r, domain.CapProgramme, "id", progNotFound)
	if !ok {
		return
	}
	pauseID, ok := pathID(r, "pauseID")
	if !ok {
		s.fail(w, r, domain.Errorf(domain.ENOTFOUND, "Fant ikke permisjonen eller avbruddet."))
		return
	}
	v, err := s.DB.GetProgramme(r.Context(), scope(r), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ps := v.Pause(pauseID)
	if ps == nil {
		s.fail(w, r, domain.Errorf(domain.ENOTFOUND, "Fant ikke permisjonen eller avbruddet."))
		return
	}
	fv := s.partFormView(r, "pause_edit", pauseEditPart(), v)
	fv.Action = paths.PersonProgramme(id) + "/pauses/" + strconv.FormatInt(pauseID, 10)
	fv.Values, fv.Ongoing = pauseValues(ps), ps.To == nil
	s.render(w, r, http.StatusOK, programme.Form(fv))
}

func (s *Server) programmePauseSave(w http.ResponseWriter, r *http.Request) {
	id, ok := s.begin(w, r, domain.CapProgramme, "id", progNotFound)
	if !ok {
		return
	}
	pauseID, ok := pathID(r, "pauseID")
	if !ok {
		s.fail(w, r, domain.Errorf(domain.ENOTFOUND, "Fant ikke permisjonen eller avbruddet."))
		return
	}
	pp := pauseEditPart()
	vals := map[string]string{}
	for _, f := range pp.fields {
		vals[f] = r.PostForm.Get(f)
	}
	var err error
	flash := pp.flash
	switch r.PostForm.Get("action") {
	case "resume", "delete":
		version, verr := strconv.Atoi(strings.TrimSpace(vals["version"]))
		if verr != nil || version <= 0 {
			if serr := s.DB.ProgrammeInScope(r.Context(), scope(r), id); serr != nil {
				s.fail(w, r, serr)
				return
			}
			s.fail(w, r, domain.Errorf(domain.EINVALID, "Skjemaet mangler versjon. Last siden på nytt."))
			return
		}
		if r.PostForm.Get("action") == "resume" {
			flash = "Programmet er gjenopptatt."
			_, err = s.DB.ResumePause(r.Context(), scope(r), id, pauseID, version, s.progToday())
		} else {
			flash = "Registreringen er slettet."
			_, err = s.DB.DeletePause(r.Context(), scope(r), id, pauseID, version)
		}
		if err != nil {
			var stale *postgres.ProgrammeStaleError
			var de *domain.Error
			if errors.As(err, &stale) || (errors.As(err, &de) && de.Code == domain.EINVALID) {
				// Show the edit form with the stored pause and the message.
				if errors.As(err, &stale) {
					if ps := stale.Current.Pause(pauseID); ps != nil {
						vals = pauseValues(ps)
					}
				}
				s.progRefused(w, r, id, "pause_edit", pp, vals, err, pauseID)
				return
			}
			s.fail(w, r, err)
			return
		}
	default:
		var in domain.PauseInput
		in, err = domain.PauseForm{Kind: vals["kind"], Reason: vals["reason"], From: vals["from_date"], To: vals["to_date"], Version: vals["version"]}.Validate(true)
		if err == nil {
			_, err = s.DB.UpdatePause(r.Context(), scope(r), id, pauseID, in)
		}
		if err != nil {
			s.progRefused(w, r, id, "pause_edit", pp, vals, err, pauseID)
			return
		}
	}
	s.Sessions.Put(r.Context(), sessFlash, flash)
	http.Redirect(w, r, paths.PersonProgramme(id), http.StatusSeeOther)
}

// --- the person page's section ----------------------------------------------

// programmeSection is the person page's "Program" section, for the roles
// that hold CapProgramme; its reads ride in the page's batch.
func (s *Server) programmeSection(pg *personPage) func(*domain.Person) (templ.Component, error) {
	if !currentUser(pg.r).Role.Can(domain.CapProgramme) {
		return func(*domain.Person) (templ.Component, error) { return nil, nil }
	}
	sum := pg.batch.Programme()
	lastMonth := domain.MonthStart(domain.AddMonths(domain.MonthStart(s.progToday()), -1))
	benefit := pg.batch.Benefit(lastMonth)
	return func(p *domain.Person) (templ.Component, error) {
		v := s.programmeSectionView(p, sum)
		if f, ok := benefitFact(p.ID, benefit); ok {
			v.Facts = append(v.Facts, f)
		}
		return programme.Section(v), nil
	}
}

// benefitFact is the section's line on last month's benefit: the payment,
// the deduction and the "krever vedtak" flag (none when the person was not a
// participant that month).
func benefitFact(personID int64, b *postgres.PersonBenefit) (layout.Fact, bool) {
	if b == nil || b.Benefit == nil || b.Benefit.InProgrammeDays == 0 {
		return layout.Fact{}, false
	}
	r := b.Benefit
	text := domain.FormatKroner(r.PaymentKroner) + " kr"
	if r.DeductionOre > 0 {
		text += " (trekk " + domain.FormatOre(r.DeductionOre) + " kr)"
	}
	if r.NeedsDecision {
		text += " – krever vedtak"
	}
	return fact("Stønad for "+domain.FormatMonth(r.Month), text, "section-benefit"), true
}

func (s *Server) programmeSectionView(person *domain.Person, sum *postgres.ProgrammeSummary) programme.SectionView {
	today := s.progToday()
	v := &postgres.ProgrammeView{Person: person, PermitDate: sum.PermitDate, Programme: sum.Programme, Pauses: sum.Pauses, Rates: sum.Rates}
	p := sum.Programme
	rs := progRuleSet(v, today)
	sv := programme.SectionView{PersonID: person.ID, URL: paths.PersonProgramme(person.ID), Status: progStatus(p, sum.Pauses, today),
		MissingEndReason: p.MissingEndReason()}
	decision := "Ikke vedtatt"
	if p.Decision != nil {
		decision = domain.Label(domain.Decisions(), *p.Decision) + " " + fdate(p.DecisionDate)
	}
	sv.Facts = []layout.Fact{
		fact("Regelverk", rs.Label(), "section-rule-set"),
		fact("Vedtak", decision, "section-decision"),
	}
	if p.Decision != nil && *p.Decision == domain.DecisionGranted {
		sv.Facts = append(sv.Facts, fact("Sluttmål", domain.Label(domain.EndGoals(), optVal(p.EndGoal)), "section-end-goal"))
		end := fdate(p.EffectiveEnd(sum.Pauses, today))
		if d, ok := progDuration(v); ok {
			_, hi := d.AllowedEnd(*p.StartDate, p.ExtensionMonths)
			hi = domain.AddDays(hi, domain.LeaveDays(sum.Pauses, today)) // leave moves the allowed end as well
			end += " (tillatt til " + domain.FormatDate(&hi) + ")"
		}
		sv.Facts = append(sv.Facts, fact("Planlagt slutt", end, "section-allowed-end"))
	}
	// This week's planned hours, Monday to Friday.
	total, planned := 0, false
	for i := 0; i < 5; i++ {
		day := domain.AddDays(sum.Week, i)
		if pv := domain.VersionOn(sum.Plans, day); pv != nil {
			planned = true
			total += pv.ExpectedMinutes(day)
		}
	}
	_, week := sum.Week.ISOWeek()
	hours := "Ingen ukeplan"
	if planned {
		hours = domain.FormatHours(total) + " timer"
	}
	sv.Facts = append(sv.Facts, fact(fmt.Sprintf("Planlagt denne uken (uke %d)", week), hours, "section-week-hours"))
	// Attendance this month.
	att := "Ikke registrert"
	if sum.PresentMinutes > 0 || len(sum.AbsentMinutes) > 0 {
		att = "Til stede " + domain.FormatHours(sum.PresentMinutes) + " t"
		var abs []string
		for _, o := range domain.AbsenceReasons() {
			if m := sum.AbsentMinutes[o.Value]; m > 0 {
				abs = append(abs, strings.ToLower(o.Label)+" "+domain.FormatHours(m)+" t")
			}
		}
		if len(abs) > 0 {
			att += "; fravær: " + strings.Join(abs, ", ")
		}
	}
	sv.Facts = append(sv.Facts, fact("Oppmøte i "+domain.MonthName(sum.Month), att, "section-attendance"))
	return sv
}
