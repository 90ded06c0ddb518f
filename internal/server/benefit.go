package server

import (
	"errors"
	"net/http"
	"net/url"
	"time"

	"ankomst/internal/domain"
	"ankomst/internal/postgres"
	"ankomst/web/benefit"
	"ankomst/web/layout"
	"ankomst/web/paths"

	"github.com/go-chi/chi/v5"
)

// benefitRoutes registers the benefit calculator and a participant's
// benefit month with its deductions.
func (s *Server) benefitRoutes(r chi.Router) {
	r.Get(paths.BenefitCalculator(), s.benefitCalculator)
	r.Get("/persons/{id}/programme/benefit", s.personBenefit)
	r.Post("/persons/{id}/programme/benefit/deductions", s.addBenefitDeduction)
}

// calculatorFields are the calculator's fields in form order (the error
// summary's order).
var calculatorFields = []string{"month", "birth_date", "with_parents", "start", "end", "unexcused_hours", "other_deductions"}

// benefitCalculator is GET /benefit/calculator: the form, and for a query the
// month computed by domain.ComputeBenefit (the payroll's function) with the
// rates in force. A refused query answers 422 with the form as typed and a
// message per field.
func (s *Server) benefitCalculator(w http.ResponseWriter, r *http.Request) {
	if !s.allow(w, r, domain.CapProgramme) {
		return
	}
	q := r.URL.Query()
	v := benefit.CalculatorView{User: currentUser(r), Form: domain.BenefitCalculatorForm{
		Month: q.Get("month"), BirthDate: q.Get("birth_date"), WithParents: q.Get("with_parents"),
		Start: q.Get("start"), End: q.Get("end"), UnexcusedHours: q.Get("unexcused_hours"), OtherDeductions: q.Get("other_deductions"),
	}}
	asked := false
	for _, f := range calculatorFields {
		if q.Has(f) {
			asked = true
		}
	}
	if !asked {
		v.Form.Month = domain.FormatISOMonth(domain.Today(s.DB.Now()))
		s.render(w, r, http.StatusOK, benefit.Calculator(v))
		return
	}
	in, err := v.Form.Validate()
	if err == nil {
		var rates domain.RateTable
		if rates, err = s.DB.RateTable(r.Context()); err != nil {
			s.serverError(w, r, err)
			return
		}
		var b domain.Benefit
		if b, err = domain.ComputeBenefit(in, rates); err == nil {
			v.Result = benefit.NewResult(b)
			s.render(w, r, http.StatusOK, benefit.Calculator(v))
			return
		}
		// No rate in force for the month: the month is what to change.
		err = &domain.Error{Code: domain.EINVALID, Fields: map[string]string{"month": domain.ErrorMessage(err)}}
	}
	var de *domain.Error
	if !errors.As(err, &de) || de.Code != domain.EINVALID {
		s.fail(w, r, err)
		return
	}
	v.Errors, v.Summary = de.Fields, summary(de.Fields, calculatorFields)
	s.render(w, r, http.StatusUnprocessableEntity, benefit.Calculator(v))
}

// summary lists a refused form's messages in its fields' order.
func summary(fields map[string]string, order []string) []layout.ErrorItem {
	var out []layout.ErrorItem
	for _, f := range order {
		if msg, ok := fields[f]; ok {
			out = append(out, layout.ErrorItem{Field: f, Message: msg})
		}
	}
	return out
}

// benefitMonthURL is a participant's benefit page for a month.
func benefitMonthURL(personID int64, month time.Time) string {
	return paths.PersonBenefit(personID) + "?" + url.Values{"month": {domain.FormatISOMonth(month)}}.Encode()
}

// personBenefit is GET /persons/{id}/programme/benefit?month=YYYY-MM (this
// month without one).
func (s *Server) personBenefit(w http.ResponseWriter, r *http.Request) {
	id, ok := s.begin(w, r, domain.CapProgramme, "id", "Fant ikke personen.")
	if !ok {
		return
	}
	month := domain.MonthStart(domain.Today(s.DB.Now()))
	if m := r.URL.Query().Get("month"); m != "" {
		var ok bool
		if month, ok = domain.ParseMonth(m); !ok {
			if err := s.DB.PersonInScope(r.Context(), scope(r), id); err != nil {
				s.fail(w, r, err)
				return
			}
			s.fail(w, r, domain.Errorf(domain.EINVALID, "Måneden må skrives som åååå-mm, for eksempel 2025-05."))
			return
		}
	}
	pb, err := s.DB.PersonBenefit(r.Context(), scope(r), id, month)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := personBenefitView(r, pb)
	v.Flash = s.Sessions.PopString(r.Context(), sessFlash)
	s.render(w, r, http.StatusOK, benefit.Person(v))
}

var deductionFields = []string{"amount", "description", "month"}

// addBenefitDeduction is POST /persons/{id}/programme/benefit/deductions:
// another benefit deducted from the month (303 back to the month; 422 keeps
// what was typed).
func (s *Server) addBenefitDeduction(w http.ResponseWriter, r *http.Request) {
	id, ok := s.begin(w, r, domain.CapProgramme, "id", "Fant ikke personen.")
	if !ok {
		return
	}
	form := domain.BenefitDeductionForm{Month: r.PostForm.Get("month"), Amount: r.PostForm.Get("amount"), Description: r.PostForm.Get("description")}
	d, err := form.Validate()
	if err == nil {
		if _, err = s.DB.AddBenefitDeduction(r.Context(), scope(r), id, d); err == nil {
			s.Sessions.Put(r.Context(), sessFlash, "Trekket er registrert: "+d.Description+", "+domain.FormatOre(d.AmountOre)+" kr.")
			http.Redirect(w, r, benefitMonthURL(id, d.Month), http.StatusSeeOther)
			return
		}
	}
	var de *domain.Error
	if !errors.As(err, &de) || de.Code != domain.EINVALID {
		s.fail(w, r, err)
		return
	}
	month, ok := domain.ParseMonth(form.Month)
	if !ok {
		month = domain.MonthStart(domain.Today(s.DB.Now()))
	}
	pb, err := s.DB.PersonBenefit(r.Context(), scope(r), id, month)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := personBenefitView(r, pb)
	v.Form = form
	v.Form.Month = domain.FormatISOMonth(month)
	v.Errors, v.Summary = de.Fields, summary(de.Fields, deductionFields)
	s.render(w, r, http.StatusUnprocessableEntity, benefit.Person(v))
}

func personBenefitView(r *http.Request, pb postgres.PersonBenefit) benefit.PersonView {
	v := benefit.PersonView{
		User: currentUser(r), PersonID: pb.PersonID, PersonName: pb.FullName(),
		Month: domain.FormatISOMonth(pb.Month), MonthLabel: domain.FormatMonth(pb.Month),
		PrevURL: benefitMonthURL(pb.PersonID, pb.Month.AddDate(0, -1, 0)),
		NextURL: benefitMonthURL(pb.PersonID, pb.Month.AddDate(0, 1, 0)),
		Problem: pb.Problem,
		Form:    domain.BenefitDeductionForm{Month: domain.FormatISOMonth(pb.Month)},
	}
	if pb.Granted {
		end := "Ikke satt"
		switch {
		case pb.Ended:
			end = domain.FormatDate(pb.End) + " (avsluttet)"
		case pb.End != nil:
			end = domain.FormatDate(pb.End) + " (planlagt)"
		}
		parents := "Nei"
		if pb.WithParents {
			parents = "Ja"
		}
		v.Programme = []layout.Fact{
			{Label: "Fødselsdato", Value: domain.FormatDate(&pb.BirthDate)},
			{Label: "I programmet fra", Value: domain.FormatDate(pb.Start), TestID: "programme-start"},
			{Label: "Slutt", Value: end},
			{Label: "Bor med foreldre", Value: parents},
		}
	}
	if pb.Benefit != nil {
		v.Result = benefit.NewResult(*pb.Benefit)
	}
	var total int64
	for _, d := range pb.Deductions {
		by := d.CreatedAt.In(domain.Oslo).Format("02.01.2006")
		if d.CreatedBy != nil {
			by = *d.CreatedBy + ", " + by
		}
		v.Deductions = append(v.Deductions, benefit.DeductionRow{Amount: domain.FormatOre(d.AmountOre), Description: d.Description, AddedBy: by})
		total += d.AmountOre
	}
	v.Total = domain.FormatOre(total)
	return v
}
