package server

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"ankomst/internal/domain"
	"ankomst/internal/postgres"
	"ankomst/web/attendance"
	"ankomst/web/layout"
	"ankomst/web/paths"

	"github.com/go-chi/chi/v5"
)

// attendanceRoutes registers the weekly attendance grid.
func (s *Server) attendanceRoutes(r chi.Router) {
	r.Get("/attendance", s.attendanceGrid)
	r.Post("/attendance", s.attendanceSave)
}

// attendanceParams reads the grid's selection: the group (empty: the user's
// caseload) and the ISO week (empty: this week). ok is false for a
// malformed group id.
func (s *Server) attendanceParams(group, week string) (groupID int64, monday time.Time, weekOK, ok bool) {
	if g := strings.TrimSpace(group); g != "" {
		id, err := strconv.ParseInt(g, 10, 64)
		if err != nil || id <= 0 {
			return 0, time.Time{}, false, false
		}
		groupID = id
	}
	monday = domain.WeekStart(s.today())
	weekOK = true
	if w := strings.TrimSpace(week); w != "" {
		if m, good := domain.ParseISOWeek(w); good {
			monday = m
		} else {
			weekOK = false
		}
	}
	return groupID, monday, weekOK, true
}

func (s *Server) attendanceGrid(w http.ResponseWriter, r *http.Request) {
	if !s.allow(w, r, domain.CapProgramme) {
		return
	}
	q := r.URL.Query()
	groupID, monday, weekOK, ok := s.attendanceParams(q.Get("group"), q.Get("week"))
	if !ok {
		s.fail(w, r, domain.Errorf(domain.ENOTFOUND, groupNotFound))
		return
	}
	grid, err := s.DB.AttendanceWeekGrid(r.Context(), scope(r), postgres.AttendanceSelection{GroupID: groupID, Monday: monday})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := s.gridView(r, grid, nil, nil, nil)
	v.Flash = s.Sessions.PopString(r.Context(), sessFlash)
	if !weekOK {
		v.Notice = "Uka «" + q.Get("week") + "» finnes ikke. Viser denne uka i stedet."
	}
	s.render(w, r, http.StatusOK, attendance.Grid(v))
}

// postedCell is a cell as posted: hours, reason and the version it was
// loaded with, as typed.
type postedCell struct{ present, reason, version string }

func (s *Server) attendanceSave(w http.ResponseWriter, r *http.Request) {
	if !s.allow(w, r, domain.CapProgramme) {
		return
	}
	f := r.PostForm
	groupID, monday, weekOK, ok := s.attendanceParams(f.Get("group"), f.Get("week"))
	if !ok {
		s.fail(w, r, domain.Errorf(domain.ENOTFOUND, groupNotFound))
		return
	}
	if !weekOK || strings.TrimSpace(f.Get("week")) == "" {
		s.fail(w, r, domain.Errorf(domain.EINVALID, "Skjemaet mangler uke. Last siden på nytt."))
		return
	}
	// The cells: per posted participant, the weekdays whose fields are there
	// (a day outside the programme has none).
	var cells []domain.AttendanceCellForm
	posted := map[string]postedCell{}
	for _, raw := range f["p"] {
		pid, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || pid <= 0 {
			s.fail(w, r, domain.Errorf(domain.ENOTFOUND, "Fant ikke deltakeren."))
			return
		}
		for _, d := range domain.WeekDays(monday) {
			h := domain.CellField("h", pid, d)
			if _, there := f[h]; !there {
				continue
			}
			pc := postedCell{present: f.Get(h), reason: f.Get(domain.CellField("r", pid, d)), version: f.Get(domain.CellField("v", pid, d))}
			posted[h] = pc
			version, err := strconv.Atoi(strings.TrimSpace(pc.version))
			if err != nil || version < 0 {
				version = -1 // never matches: a changed cell is a conflict
			}
			cells = append(cells, domain.AttendanceCellForm{PersonID: pid, Day: d, Present: pc.present, Reason: pc.reason, Version: version})
		}
	}
	res, err := s.DB.SaveAttendanceWeek(r.Context(), scope(r), monday, cells)
	if err == nil {
		msg := "Ingen endringer å lagre: uka var allerede lagret slik."
		if res.Changed > 0 {
			msg = "Uka er lagret: " + strconv.Itoa(res.Changed) + " " + domain.Plural(res.Changed, "celle", "celler") + " for " +
				strconv.Itoa(res.Participants) + " " + domain.Plural(res.Participants, "deltaker", "deltakere") + "."
		}
		s.Sessions.Put(r.Context(), sessFlash, msg)
		http.Redirect(w, r, paths.AttendanceGroupWeek(groupID, domain.FormatISOWeek(monday)), http.StatusSeeOther)
		return
	}
	var conflict *postgres.AttendanceConflictError
	status := http.StatusUnprocessableEntity
	var conflicts []domain.AttendanceConflict
	switch {
	case errors.As(err, &conflict):
		status, conflicts = http.StatusConflict, conflict.Current
	case domain.ErrorCode(err) != domain.EINVALID:
		s.fail(w, r, err)
		return
	}
	grid, gerr := s.DB.AttendanceWeekGrid(r.Context(), scope(r), postgres.AttendanceSelection{GroupID: groupID, Monday: monday})
	if gerr != nil {
		s.fail(w, r, gerr)
		return
	}
	s.render(w, r, status, attendance.Grid(s.gridView(r, grid, posted, fieldErrors(err), conflicts)))
}

var dayShort = [...]string{"", "Man", "Tir", "Ons", "Tor", "Fre"}

// gridView builds the grid's model: the stored week, prefilled from the
// plans where nothing is stored, with a refused save's input, messages and
// conflicts laid over it.
func (s *Server) gridView(r *http.Request, g *postgres.AttendanceGrid, posted map[string]postedCell, fields map[string]string, conflicts []domain.AttendanceConflict) attendance.GridView {
	u := currentUser(r)
	monday := g.Monday
	friday := domain.AddDays(monday, 4)
	_, wk := monday.ISOWeek()
	week := domain.FormatISOWeek(monday)
	v := attendance.GridView{
		User: u, Week: week, Action: paths.Attendance(), Heading: "Mine deltakere",
		WeekLabel: "Uke " + strconv.Itoa(wk) + " · " + monday.Format("02.01.") + "–" + friday.Format("02.01.2006"),
	}
	var groupID int64
	if g.Group != nil {
		groupID = g.Group.ID
		v.GroupID, v.Heading, v.GroupURL = strconv.FormatInt(groupID, 10), g.Group.Name, paths.Group(groupID)
	}
	v.PrevURL = paths.AttendanceGroupWeek(groupID, domain.FormatISOWeek(domain.AddDays(monday, -7)))
	v.NextURL = paths.AttendanceGroupWeek(groupID, domain.FormatISOWeek(domain.AddDays(monday, 7)))
	if this := domain.WeekStart(s.today()); !this.Equal(monday) {
		v.ThisURL = paths.AttendanceGroupWeek(groupID, "")
	}
	v.Choices = []domain.Option{{Value: "", Label: "Mine deltakere"}}
	for _, gr := range g.Groups {
		label := gr.Name
		if u.Role.Can(domain.CapAllUnits) {
			label += " (" + gr.UnitName + ")"
		}
		v.Choices = append(v.Choices, domain.Option{Value: strconv.FormatInt(gr.ID, 10), Label: label})
	}
	if g.Group != nil && !slices.ContainsFunc(g.Groups, func(x domain.Group) bool { return x.ID == groupID }) {
		v.Choices = append(v.Choices, domain.Option{Value: v.GroupID, Label: g.Group.Name})
	}
	for _, o := range domain.AbsenceReasons() {
		v.Reasons = append(v.Reasons, attendance.Reason{Value: o.Value, Label: o.Label, Key: domain.AbsenceReasonKey(o.Value)})
	}
	days := domain.WeekDays(monday)
	for _, d := range days {
		v.Days = append(v.Days, attendance.DayHead{Short: dayShort[domain.ISOWeekday(d)] + " " + d.Format("02.01"), Long: domain.DayLabel(d)})
	}
	rates := g.Rates.RatesOn(monday)
	year := domain.AddDays(monday, 3).Year()
	today := s.today()
	type key struct {
		pid int64
		day time.Time
	}
	current := map[key]domain.AttendanceEntry{}
	for _, c := range conflicts {
		current[key{c.PersonID, c.Day}] = c.Current
		v.Conflicts = append(v.Conflicts, c.Message())
	}
	for _, p := range g.Participants {
		pid := strconv.FormatInt(p.PersonID, 10)
		row := attendance.Row{PersonID: pid, RowID: domain.RowField(p.PersonID), Name: p.Name, PersonURL: paths.Person(p.PersonID),
			NoPlan: domain.VersionOn(p.Plans, friday) == nil && domain.VersionOn(p.Plans, monday) == nil, Error: fields[domain.RowField(p.PersonID)]}
		var planned, present, absent int
		holidayUsed := p.HolidayUsed
		for _, d := range days {
			h := domain.CellField("h", p.PersonID, d)
			c := attendance.Cell{HName: h, RName: domain.CellField("r", p.PersonID, d), VName: domain.CellField("v", p.PersonID, d),
				Label: p.Name + ", " + domain.DayLabel(d), Version: "0"}
			if !p.InProgramme(d) {
				c.Outside = true
				row.Cells = append(row.Cells, c)
				continue
			}
			expected := p.Expected(d)
			planned += expected
			c.Expected, c.Minutes = domain.FormatHours(expected), strconv.Itoa(expected)
			stored, has := storedOn(p, d)
			switch {
			case has:
				c.Present, c.Reason, c.Version = domain.FormatHours(stored.Present), stored.Reason, strconv.Itoa(stored.Version)
			case expected > 0 && !d.After(today):
				c.Present = c.Expected // a day that has come: prefilled from the plan
			}
			c.Future = d.After(today)
			if pc, ok := posted[h]; ok {
				c.Present, c.Reason, c.Version = pc.present, pc.reason, pc.version
			}
			if cur, ok := current[key{p.PersonID, d}]; ok {
				c.Version, c.Current = strconv.Itoa(cur.Version), cur.Describe()
				if cur.Version == 0 {
					c.Current = "ingenting"
				}
			}
			// In the cell the message goes without the name and day the
			// error summary needs.
			c.Error = strings.TrimPrefix(fields[h], p.Name+" "+domain.DayLabel(d)+": ")
			if pm, am, reason, msg := domain.CellMinutes(expected, c.Present, c.Reason); msg == "" {
				present += pm
				absent += am
				if posted != nil && reason == domain.ReasonHoliday && !(has && stored.Reason == domain.ReasonHoliday) {
					holidayUsed++
				}
			}
			row.Cells = append(row.Cells, c)
		}
		row.Planned, row.Present, row.Absent = domain.FormatHours(planned), domain.FormatHours(present), domain.FormatHours(absent)
		row.Holiday = "Ferie igjen " + strconv.Itoa(year) + ": " + strconv.Itoa(domain.HolidayBalance(rates, holidayUsed)) + " av " +
			strconv.FormatInt(rates.Get(domain.RateHolidayDays), 10) + " dager"
		v.Rows = append(v.Rows, row)
	}
	// The error summary: the row and cell messages in grid order.
	for _, row := range v.Rows {
		if row.Error != "" {
			v.Summary = append(v.Summary, layout.ErrorItem{Field: row.RowID, Message: row.Error})
		}
		for _, c := range row.Cells {
			if c.Error != "" {
				v.Summary = append(v.Summary, layout.ErrorItem{Field: c.HName, Message: fields[c.HName]})
			}
		}
	}
	if len(fields) > 0 && len(v.Summary) == 0 {
		for _, msg := range fields {
			v.Summary = append(v.Summary, layout.ErrorItem{Field: "attendance-grid", Message: msg})
		}
	}
	if len(v.Rows) == 0 {
		switch {
		case g.Group != nil:
			v.Empty = "Ingen i gruppa har introduksjonsprogram denne uka. Legg til deltakere på siden til gruppa."
		case len(g.Groups) > 0:
			v.Empty = "Du har ingen deltakere i introduksjonsprogram denne uka. Velg en gruppe over for å føre oppmøte for den."
		default:
			v.Empty = "Du har ingen deltakere i introduksjonsprogram denne uka, og enheten har ingen grupper. Opprett en gruppe under Grupper."
		}
	}
	return v
}

func storedOn(p *domain.AttendanceParticipant, d time.Time) (domain.AttendanceEntry, bool) {
	for _, e := range p.Stored {
		if e.Day.Equal(d) {
			return e, true
		}
	}
	return domain.AttendanceEntry{}, false
}
