package server

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"ankomst/internal/domain"
	"ankomst/internal/postgres"
	"ankomst/web/accesspackage"
	"ankomst/web/paths"
	"ankomst/web/retention"

	"github.com/go-chi/chi/v5"
)

// retentionRoutes registers retention (sletting og anonymisering) and the
// access package (innsyn), issue 13.
func (s *Server) retentionRoutes(r chi.Router) {
	r.Get(paths.AdminRetention(), s.retentionPage)
	r.Post(paths.AdminRetentionRule(), s.retentionRule)
	r.Post(paths.AdminRetentionApply(), s.retentionApply)
	r.Post(paths.AdminLegalHold(), s.legalHold)
	r.Get("/persons/{id}/access-package", s.accessPackagePage)
	r.Get("/persons/{id}/access-package.json", s.accessPackageJSON)
}

// retentionView reads the rules, the dry run and the holds.
func (s *Server) retentionView(r *http.Request) (retention.View, error) {
	rules, ds, holds, err := s.DB.RetentionOverview(r.Context(), scope(r))
	if err != nil {
		return retention.View{}, err
	}
	today := domain.Today(s.DB.Now())
	v := retention.View{User: currentUser(r), Today: today.Format("02.01.2006")}
	for _, rr := range rules {
		rule := retention.Rule{Kind: rr.Kind, Label: domain.RetentionKindLabel(rr.Kind),
			Form:      domain.RetentionForm{Kind: rr.Kind, Years: strconv.Itoa(rr.Years), Basis: rr.Basis, Version: strconv.Itoa(rr.Version)},
			UpdatedBy: "Fra installasjonen"}
		if rr.UpdatedBy != nil {
			rule.UpdatedBy = *rr.UpdatedBy + ", " + rr.UpdatedAt.In(domain.Oslo).Format("02.01.2006")
		}
		v.Rules = append(v.Rules, rule)
	}
	for _, d := range ds {
		var what, why []string
		for _, a := range d.Actions {
			what = append(what, domain.RetentionKindLabel(a.Kind))
			why = append(why, a.Reason)
		}
		row := retention.Due{PersonID: d.Subject.PersonID, Name: d.Subject.Name, URL: paths.Person(d.Subject.PersonID),
			Unit: d.Subject.UnitName, ClosedOn: d.Subject.ClosedOn.Format("02.01.2006"),
			What: strings.Join(what, ", "), Why: strings.Join(why, " "), Held: d.Held, HoldNote: d.Subject.LegalHoldReason}
		if d.Held {
			v.HeldNow++
		} else {
			v.DueNow++
		}
		v.Due = append(v.Due, row)
	}
	for _, h := range holds {
		v.Holds = append(v.Holds, retention.Hold{Name: h.Name, URL: paths.Person(h.PersonID), Unit: h.UnitName,
			Reason: h.Reason, PersonID: strconv.FormatInt(h.PersonID, 10)})
	}
	return v, nil
}

// retentionPage is GET /admin/retention: the dry run (nothing changes).
func (s *Server) retentionPage(w http.ResponseWriter, r *http.Request) {
	if !s.allow(w, r, domain.CapRetention) {
		return
	}
	v, err := s.retentionView(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v.Flash = s.Sessions.PopString(r.Context(), sessFlash)
	s.render(w, r, http.StatusOK, retention.Page(v))
}

// retentionRule is POST /admin/retention/rules: a kind's new period.
func (s *Server) retentionRule(w http.ResponseWriter, r *http.Request) {
	if !s.allow(w, r, domain.CapRetention) {
		return
	}
	form := domain.RetentionForm{Kind: r.PostForm.Get("kind"), Years: r.PostForm.Get("years"),
		Basis: r.PostForm.Get("basis"), Version: r.PostForm.Get("version")}
	rule, err := form.Validate()
	if err == nil {
		if err = s.DB.UpdateRetentionRule(r.Context(), scope(r), rule); err == nil {
			s.Sessions.Put(r.Context(), sessFlash, "Oppbevaringstiden er lagret: "+domain.RetentionKindLabel(rule.Kind)+", "+
				strconv.Itoa(rule.Years)+" år.")
			http.Redirect(w, r, paths.AdminRetention()+"#regel-"+rule.Kind, http.StatusSeeOther)
			return
		}
	}
	var de *domain.Error
	if !errors.As(err, &de) || (de.Code != domain.EINVALID && de.Code != domain.ECONFLICT) || domain.RetentionKindLabel(form.Kind) == "" {
		s.fail(w, r, err)
		return
	}
	v, verr := s.retentionView(r)
	if verr != nil {
		s.fail(w, r, verr)
		return
	}
	status := http.StatusUnprocessableEntity
	for i := range v.Rules {
		if v.Rules[i].Kind != form.Kind {
			continue
		}
		if de.Code == domain.ECONFLICT {
			status = http.StatusConflict
			// The stored rule is shown in the conflict; what the user typed stays in the form.
			form.Version = v.Rules[i].Form.Version
			v.Rules[i].Errors = map[string]string{"version": de.Message}
		} else {
			v.Rules[i].Errors = de.Fields
		}
		v.Rules[i].Form = form
	}
	s.render(w, r, status, retention.Page(v))
}

// retentionApply is POST /admin/retention/apply: carries out what is due.
func (s *Server) retentionApply(w http.ResponseWriter, r *http.Request) {
	if !s.allow(w, r, domain.CapRetention) {
		return
	}
	// Irreversible: only with the box ticked.
	if r.PostForm.Get("confirm") != "1" {
		v, err := s.retentionView(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		v.ConfirmError = "Kryss av for å bekrefte at du vil anonymisere personene i listen."
		s.render(w, r, http.StatusUnprocessableEntity, retention.Page(v))
		return
	}
	res, err := s.DB.ApplyRetention(r.Context(), scope(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.Sessions.Put(r.Context(), sessFlash, RetentionSummary(res))
	http.Redirect(w, r, paths.AdminRetention(), http.StatusSeeOther)
}

// RetentionSummary says what a run did, in Norwegian (the page's flash and
// the command line's report).
func RetentionSummary(res postgres.RetentionResult) string {
	return "Anonymisert: " + strconv.Itoa(res.Anonymised) + ". Notater og fritekst tømt: " + strconv.Itoa(res.NotesCleared) +
		". Fritekst i helseoppfølgingen tømt: " + strconv.Itoa(res.HealthClear) + ". Holdt tilbake av rettslig hold: " +
		strconv.Itoa(res.Held) + "."
}

// legalHold is POST /admin/retention/legal-hold: sets (hold=on, with a
// reason) or clears a person's legal hold.
func (s *Server) legalHold(w http.ResponseWriter, r *http.Request) {
	if !s.allow(w, r, domain.CapRetention) {
		return
	}
	rawID, _ := domain.CleanLine(r.PostForm.Get("person_id"))
	form := domain.LegalHoldForm{Hold: r.PostForm.Get("hold") == "on", Reason: r.PostForm.Get("reason")}
	id, idErr := strconv.ParseInt(strings.TrimPrefix(rawID, "#"), 10, 64)
	h, err := form.Validate()
	if err == nil && (idErr != nil || id <= 0) {
		err = &domain.Error{Code: domain.EINVALID, Message: "Skriv personens nummer.", Fields: map[string]string{"person_id": "Skriv personens nummer i Ankomst (et tall)."}}
	}
	if err == nil {
		err = s.DB.SetLegalHold(r.Context(), scope(r), id, h)
		if de := (*domain.Error)(nil); errors.As(err, &de) && de.Code == domain.ENOTFOUND && form.Hold {
			err = &domain.Error{Code: domain.EINVALID, Message: "Fant ikke personen.", Fields: map[string]string{"person_id": "Fant ingen person med dette nummeret."}}
		}
		if err == nil {
			msg := "Det rettslige holdet er opphevet."
			if h.Hold {
				msg = "Rettslig hold er satt."
			}
			s.Sessions.Put(r.Context(), sessFlash, msg)
			http.Redirect(w, r, paths.AdminRetention()+"#rettslig-hold", http.StatusSeeOther)
			return
		}
	}
	var de *domain.Error
	if !errors.As(err, &de) || de.Code != domain.EINVALID || !form.Hold {
		s.fail(w, r, err)
		return
	}
	v, verr := s.retentionView(r)
	if verr != nil {
		s.fail(w, r, verr)
		return
	}
	v.HoldPerson, v.HoldReason, v.HoldErrors = r.PostForm.Get("person_id"), r.PostForm.Get("reason"), de.Fields
	v.Summary = summary(de.Fields, []string{"person_id", "reason"})
	s.render(w, r, http.StatusUnprocessableEntity, retention.Page(v))
}

// accessPackage reads a person's package (audited).
func (s *Server) accessPackage(w http.ResponseWriter, r *http.Request) (*postgres.AccessPackage, bool) {
	id, ok := s.begin(w, r, domain.CapAccessPackage, "id", "Fant ikke personen.")
	if !ok {
		return nil, false
	}
	pkg, err := s.DB.AccessPackage(r.Context(), scope(r), id)
	if err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	return pkg, true
}

// accessPackagePage is GET /persons/{id}/access-package: the printable page.
func (s *Server) accessPackagePage(w http.ResponseWriter, r *http.Request) {
	pkg, ok := s.accessPackage(w, r)
	if !ok {
		return
	}
	u := currentUser(r)
	v := accesspackage.View{User: u, PersonURL: paths.Person(pkg.PersonID), JSONURL: paths.PersonAccessPackageJSON(pkg.PersonID),
		GeneratedAt: pkg.GeneratedAt.In(domain.Oslo).Format("02.01.2006 kl. 15.04"), GeneratedBy: u.Name, Count: pkg.Count()}
	for _, sec := range pkg.Sections {
		out := accesspackage.Section{ID: "del-" + strings.ReplaceAll(sec.Key, "_", "-"), Title: sec.Title}
		if sec.Key == "person" && len(sec.Records) == 1 {
			var given, family string
			for _, f := range sec.Records[0] {
				switch f.Key {
				case "given_name":
					given = f.Value
				case "family_name":
					family = f.Value
				}
			}
			v.PersonName = strings.TrimSpace(given + " " + family)
		}
		if len(sec.Records) == 1 && len(sec.Records[0]) > 6 {
			for _, f := range sec.Records[0] {
				out.Single = append(out.Single, accesspackage.Cell{Label: domain.AuditFieldLabel(f.Key), Value: accessValue(f)})
			}
		} else if len(sec.Records) > 0 {
			for _, f := range sec.Records[0] {
				out.Columns = append(out.Columns, domain.AuditFieldLabel(f.Key))
			}
			for _, rec := range sec.Records {
				row := make([]string, len(rec))
				for i, f := range rec {
					row[i] = accessValue(f)
				}
				out.Rows = append(out.Rows, row)
			}
		}
		v.Sections = append(v.Sections, out)
	}
	s.render(w, r, http.StatusOK, accesspackage.Page(v))
}

// accessValue is a stored value for the page: codes by their labels, dates
// as dd.mm.yyyy, times in Norway.
func accessValue(f postgres.AccessField) string {
	if f.Null {
		return "–"
	}
	switch f.Key {
	case "action":
		return domain.AuditActionLabel(f.Value)
	case "entity":
		return domain.EntityLabel(f.Value)
	case "changes":
		var ch map[string]struct {
			Old string `json:"old"`
			New string `json:"new"`
		}
		if json.Unmarshal([]byte(f.Value), &ch) != nil {
			return f.Value
		}
		fs := make([]domain.FieldChange, 0, len(ch))
		for k, c := range ch {
			fs = append(fs, domain.FieldChange{Field: k, Old: c.Old, New: c.New})
		}
		domain.SortFieldChanges(fs)
		parts := make([]string, len(fs))
		for i, c := range fs {
			parts[i] = domain.AuditFieldLabel(c.Field) + ": " + domain.FormatChangeValue(c.Field, c.Old) + " → " + domain.FormatChangeValue(c.Field, c.New)
		}
		return strings.Join(parts, "; ")
	}
	switch f.Value {
	case "true":
		return "Ja"
	case "false":
		return "Nei"
	}
	if len(f.Value) > 19 && f.Value[4] == '-' && f.Value[10] == 'T' {
		if t, err := time.Parse(time.RFC3339Nano, f.Value); err == nil {
			return t.In(domain.Oslo).Format("02.01.2006 15.04")
		}
	}
	return domain.FormatChangeValue(f.Key, f.Value)
}

// accessPackageJSON is GET /persons/{id}/access-package.json: the package
// as a file.
func (s *Server) accessPackageJSON(w http.ResponseWriter, r *http.Request) {
	pkg, ok := s.accessPackage(w, r)
	if !ok {
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="innsyn-`+pkg.ID()+`.json"`)
	w.Header().Set("Cache-Control", "no-store")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(pkg); err != nil {
		s.Log.ErrorContext(r.Context(), "access package json", "err", err)
	}
}
