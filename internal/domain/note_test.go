package domain

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestNoteEditable(t *testing.T) {
	created := time.Date(2026, 3, 10, 14, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		now  time.Time
		want bool
	}{
		{"just written", created, true},
		{"one hour later", created.Add(time.Hour), true},
		{"one second before 24 hours", created.Add(24*time.Hour - time.Second), true},
		{"exactly 24 hours", created.Add(24 * time.Hour), false},
		{"25 hours", created.Add(25 * time.Hour), false},
		{"a year later", created.AddDate(1, 0, 0), false},
		{"clock slightly behind", created.Add(-time.Minute), true},
		{"across a DST change in Norway", time.Date(2026, 3, 29, 0, 30, 0, 0, time.UTC).Add(23 * time.Hour), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := created
			if strings.Contains(tc.name, "DST") {
				c = time.Date(2026, 3, 29, 0, 30, 0, 0, time.UTC)
			}
			if got := NoteEditable(c, tc.now); got != tc.want {
				t.Errorf("NoteEditable(%v, %v) = %v, want %v", c, tc.now, got, tc.want)
			}
		})
	}
}

func TestNoteEditableBy(t *testing.T) {
	created := time.Date(2026, 3, 10, 14, 0, 0, 0, time.UTC)
	corr := int64(9)
	for _, tc := range []struct {
		name string
		note Note
		user int64
		now  time.Time
		want bool
	}{
		{"author within a day", Note{AuthorID: 1, CreatedAt: created}, 1, created.Add(time.Hour), true},
		{"someone else", Note{AuthorID: 1, CreatedAt: created}, 2, created.Add(time.Hour), false},
		{"author after a day", Note{AuthorID: 1, CreatedAt: created}, 1, created.Add(25 * time.Hour), false},
		{"corrected note", Note{AuthorID: 1, CreatedAt: created, CorrectedByID: &corr}, 1, created.Add(time.Hour), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.note.EditableBy(tc.user, tc.now); got != tc.want {
				t.Errorf("EditableBy = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestChildInterpreterNeedsConfirmation(t *testing.T) {
	for _, tc := range []struct{ child, emergency, want bool }{
		{false, false, false}, {false, true, false}, {true, false, true}, {true, true, false},
	} {
		if got := ChildInterpreterNeedsConfirmation(tc.child, tc.emergency); got != tc.want {
			t.Errorf("child=%v emergency=%v: %v, want %v", tc.child, tc.emergency, got, tc.want)
		}
	}
}

func TestNoteRoles(t *testing.T) {
	for _, tc := range []struct {
		role        Role
		read, write bool
	}{
		{RoleCaseworker, true, true}, {RoleLeader, true, true}, {RoleAdmin, true, true},
		{RoleHealth, false, false}, {RoleHousing, false, false}, {Role("guest"), false, false},
	} {
		if tc.role.Can(CapReadNotes) != tc.read || tc.role.Can(CapWriteNotes) != tc.write {
			t.Errorf("%s: read %v write %v, want %v %v", tc.role, tc.role.Can(CapReadNotes), tc.role.Can(CapWriteNotes), tc.read, tc.write)
		}
	}
}

func TestNoteFormValidate(t *testing.T) {
	today := time.Date(2026, 3, 10, 15, 0, 0, 0, time.UTC)
	valid := func() NoteForm {
		return NoteForm{Kind: NoteMeeting, NoteDate: "2026-03-10", Body: "  Samtale om bolig.\r\nNeste møte om to uker.  "}
	}
	for _, tc := range []struct {
		name       string
		edit       func(*NoteForm)
		need       bool
		wantFields []string // fields with errors; none means valid
		check      func(*testing.T, NoteInput)
	}{
		{name: "valid meeting without interpreter question", check: func(t *testing.T, in NoteInput) {
			if in.Body != "Samtale om bolig.\nNeste møte om to uker." || in.InterpreterUsed != nil || !in.NoteDate.Equal(Date(today)) {
				t.Errorf("input = %+v", in)
			}
		}},
		{name: "dd.mm.yyyy date", edit: func(f *NoteForm) { f.NoteDate = "09.03.2026" }},
		{name: "unknown kind", edit: func(f *NoteForm) { f.Kind = "letter" }, wantFields: []string{"kind"}},
		{name: "no kind", edit: func(f *NoteForm) { f.Kind = "" }, wantFields: []string{"kind"}},
		{name: "date missing", edit: func(f *NoteForm) { f.NoteDate = " " }, wantFields: []string{"note_date"}},
		{name: "date invalid", edit: func(f *NoteForm) { f.NoteDate = "2026-02-30" }, wantFields: []string{"note_date"}},
		{name: "date tomorrow", edit: func(f *NoteForm) { f.NoteDate = "2026-03-11" }, wantFields: []string{"note_date"}},
		{name: "date long ago", edit: func(f *NoteForm) { f.NoteDate = "1989-12-31" }, wantFields: []string{"note_date"}},
		{name: "empty body", edit: func(f *NoteForm) { f.Body = " \n\t " }, wantFields: []string{"body"}},
		{name: "body at the limit", edit: func(f *NoteForm) { f.Body = strings.Repeat("ø", NoteBodyMax) }},
		{name: "body over the limit", edit: func(f *NoteForm) { f.Body = strings.Repeat("ø", NoteBodyMax+1) }, wantFields: []string{"body"}},
		{name: "interpreter need: question required", need: true, wantFields: []string{"interpreter_used"}},
		{name: "interpreter need: message needs no question", need: true, edit: func(f *NoteForm) { f.Kind = NoteMessage }},
		{name: "bad answer", edit: func(f *NoteForm) { f.InterpreterUsed = "maybe" }, wantFields: []string{"interpreter_used"}},
		{name: "interpreter used", need: true, edit: func(f *NoteForm) {
			f.InterpreterUsed, f.InterpreterMode, f.InterpreterCategory, f.InterpreterLanguage = "yes", "video", "B", "ar"
		}, check: func(t *testing.T, in NoteInput) {
			if in.InterpreterUsed == nil || !*in.InterpreterUsed || *in.InterpreterMode != "video" || *in.InterpreterCategory != "B" || in.InterpreterLanguage != "ar" {
				t.Errorf("input = %+v", in)
			}
		}},
		{name: "interpreter used without mode", edit: func(f *NoteForm) { f.InterpreterUsed = "yes" }, wantFields: []string{"interpreter_mode"}},
		{name: "unknown category", edit: func(f *NoteForm) { f.InterpreterUsed, f.InterpreterMode, f.InterpreterCategory = "yes", "phone", "F" }, wantFields: []string{"interpreter_category"}},
		{name: "unknown language", edit: func(f *NoteForm) { f.InterpreterUsed, f.InterpreterMode, f.InterpreterLanguage = "yes", "phone", "xx" }, wantFields: []string{"interpreter_language"}},
		{name: "child interpreter without emergency", edit: func(f *NoteForm) {
			f.InterpreterUsed, f.InterpreterMode, f.InterpreterIsChild = "yes", "on_site", true
		}, wantFields: []string{"interpreter_emergency"}},
		{name: "child interpreter in an emergency", edit: func(f *NoteForm) {
			f.InterpreterUsed, f.InterpreterMode, f.InterpreterIsChild, f.InterpreterEmergency = "yes", "on_site", true, true
		}, check: func(t *testing.T, in NoteInput) {
			if !in.InterpreterIsChild || !in.InterpreterEmergency {
				t.Errorf("input = %+v", in)
			}
		}},
		{name: "child with a register category", edit: func(f *NoteForm) {
			f.InterpreterUsed, f.InterpreterMode, f.InterpreterIsChild, f.InterpreterEmergency, f.InterpreterCategory = "yes", "on_site", true, true, "A"
		}, wantFields: []string{"interpreter_category"}},
		{name: "emergency without a child is dropped", edit: func(f *NoteForm) {
			f.InterpreterUsed, f.InterpreterMode, f.InterpreterEmergency = "yes", "on_site", true
		}, check: func(t *testing.T, in NoteInput) {
			if in.InterpreterEmergency {
				t.Error("emergency kept without a child interpreter")
			}
		}},
		{name: "no interpreter, need, no reason", need: true, edit: func(f *NoteForm) { f.InterpreterUsed = "no" }, wantFields: []string{"no_interpreter_reason"}},
		{name: "no interpreter, need, reason", need: true, edit: func(f *NoteForm) {
			f.InterpreterUsed, f.NoInterpreterReason = "no", "  Tolken   kom ikke. "
			f.InterpreterMode, f.InterpreterIsChild = "video", true // ignored with "no"
		}, check: func(t *testing.T, in NoteInput) {
			if in.NoInterpreterReason != "Tolken kom ikke." || in.InterpreterMode != nil || in.InterpreterIsChild {
				t.Errorf("input = %+v", in)
			}
		}},
		{name: "no interpreter, no need, no reason", edit: func(f *NoteForm) { f.InterpreterUsed = "no" }},
		{name: "reason too long", edit: func(f *NoteForm) {
			f.InterpreterUsed, f.NoInterpreterReason = "no", strings.Repeat("a", NoInterpreterReasonMax+1)
		}, wantFields: []string{"no_interpreter_reason"}},
		{name: "interpreter on a message", edit: func(f *NoteForm) { f.Kind, f.InterpreterUsed, f.InterpreterMode = NoteMessage, "yes", "phone" }, wantFields: []string{"interpreter_used"}},
		{name: "no on a message is dropped", edit: func(f *NoteForm) { f.Kind, f.InterpreterUsed, f.NoInterpreterReason = NoteOther, "no", "x" }, check: func(t *testing.T, in NoteInput) {
			if in.InterpreterUsed != nil || in.NoInterpreterReason != "" {
				t.Errorf("input = %+v", in)
			}
		}},
		{name: "bad version", edit: func(f *NoteForm) { f.Version = "x" }, wantFields: []string{"version"}},
		{name: "version", edit: func(f *NoteForm) { f.Version = "3" }, check: func(t *testing.T, in NoteInput) {
			if in.Version != 3 {
				t.Errorf("version %d", in.Version)
			}
		}},
		{name: "token kept", edit: func(f *NoteForm) { f.Token = "0123456789abcdef0123456789abcdef" }, check: func(t *testing.T, in NoteInput) {
			if in.Token != "0123456789abcdef0123456789abcdef" {
				t.Errorf("token %q", in.Token)
			}
		}},
		{name: "odd token dropped", edit: func(f *NoteForm) { f.Token = "'; DROP TABLE" }, check: func(t *testing.T, in NoteInput) {
			if in.Token != "" {
				t.Errorf("token %q", in.Token)
			}
		}},
		{name: "several errors", edit: func(f *NoteForm) { f.Kind, f.NoteDate, f.Body = "", "", "" }, wantFields: []string{"kind", "note_date", "body"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := valid()
			if tc.edit != nil {
				tc.edit(&f)
			}
			in, err := f.Validate(today, tc.need)
			if len(tc.wantFields) == 0 {
				if err != nil {
					t.Fatalf("unexpected error %v (%+v)", err, err.(*Error).Fields)
				}
				if tc.check != nil {
					tc.check(t, in)
				}
				return
			}
			e, ok := err.(*Error)
			if !ok || e.Code != EINVALID {
				t.Fatalf("err = %v, want EINVALID", err)
			}
			if len(e.Fields) != len(tc.wantFields) {
				t.Errorf("fields %v, want %v", e.Fields, tc.wantFields)
			}
			for _, f := range tc.wantFields {
				if e.Fields[f] == "" {
					t.Errorf("no message for %s (got %v)", f, e.Fields)
				}
			}
		})
	}
}

func TestFormFromNoteRoundTrip(t *testing.T) {
	yes, mode, cat := true, "phone", "C"
	n := &Note{Kind: NotePhone, NoteDate: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), Body: "Ringte.", Version: 2,
		InterpreterUsed: &yes, InterpreterMode: &mode, InterpreterCategory: &cat, InterpreterLanguage: "so"}
	f := FormFromNote(n)
	if f.InterpreterUsed != "yes" || f.Version != "2" || f.NoteDate != "2026-03-01" {
		t.Fatalf("form = %+v", f)
	}
	in, err := f.Validate(time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC), true)
	if err != nil {
		t.Fatal(err)
	}
	if !n.SameContent(in) {
		t.Errorf("round trip changed the note: %+v", in)
	}
	in.Body = "Ringte igjen."
	if n.SameContent(in) {
		t.Error("SameContent ignores the body")
	}
	no := false
	n2 := &Note{Kind: NoteMeeting, NoteDate: n.NoteDate, Body: "x", InterpreterUsed: &no, NoInterpreterReason: "Ingen tolk ledig"}
	if f := FormFromNote(n2); f.InterpreterUsed != "no" || f.NoInterpreterReason != "Ingen tolk ledig" {
		t.Errorf("form = %+v", f)
	}
	if f := FormFromNote(&Note{Kind: NoteMessage}); f.InterpreterUsed != "" {
		t.Errorf("unrecorded interpreter use became %q", f.InterpreterUsed)
	}
}

func day(s string) time.Time {
	d, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return d
}

func TestTimelineKey(t *testing.T) {
	k := TimelineKey{Day: day("2026-03-10"), Rank: RankNote, ID: 42}
	if s := k.String(); s != "20260310-1-42" {
		t.Errorf("String = %q", s)
	}
	back, ok := ParseTimelineKey(k.String())
	if !ok || back != k {
		t.Errorf("parse back = %+v %v", back, ok)
	}
	for _, bad := range []string{"", "x", "20260310-1", "20261310-1-2", "20260310-3-2", "20260310--1-2", "20260310-1-x", "20260310-1-2-3", "20260310-1--5"} {
		if _, ok := ParseTimelineKey(bad); ok {
			t.Errorf("ParseTimelineKey(%q) accepted", bad)
		}
	}
	order := []TimelineKey{
		{day("2026-04-01"), RankDeadline, 1},
		{day("2026-03-10"), RankDeadline, 2},
		{day("2026-03-10"), RankNote, 50},
		{day("2026-03-10"), RankNote, 7},
		{day("2026-03-10"), RankChange, 900},
		{day("2026-03-09"), RankNote, 99},
	}
	for i := range order {
		for j := range order {
			if got := order[i].Before(order[j]); got != (i < j) {
				t.Errorf("%v.Before(%v) = %v", order[i], order[j], got)
			}
		}
	}
}

func TestMergeTimeline(t *testing.T) {
	notes := []Note{
		{ID: 5, NoteDate: day("2026-03-10")},
		{ID: 3, NoteDate: day("2026-03-10")},
		{ID: 4, NoteDate: day("2026-03-01")},
	}
	changes := []AuditChange{
		{ID: 100, Day: day("2026-03-10")},
		{ID: 90, Day: day("2026-03-05")},
	}
	deadlines := []Deadline{
		{Title: "Helsekontroll", Due: day("2026-05-01"), Status: DeadlineOpen, Health: true},
		{Title: "Oppstart program", Due: day("2026-04-10"), Status: DeadlineOpen},
		{Title: "NIR", Due: day("2026-03-05"), Status: DeadlineOverdue},
		{Title: "Ferdig", Due: day("2026-03-20"), Status: DeadlineDone},
	}
	describe := func(items []TimelineItem) string {
		var s []string
		for _, it := range items {
			switch {
			case it.Note != nil:
				s = append(s, "n"+itoa(it.Note.ID))
			case it.Change != nil:
				s = append(s, "c"+itoa(it.Change.ID))
			case it.Deadline != nil:
				s = append(s, "d:"+it.Deadline.Title)
			}
		}
		return strings.Join(s, " ")
	}

	all, next := MergeTimeline(nil, 0, notes, changes, deadlines, RoleCaseworker)
	if got, want := describe(all), "d:Oppstart program n5 n3 c100 d:NIR c90 n4"; got != want || next != nil {
		t.Errorf("caseworker: %s (next %v), want %s", got, next, want)
	}
	all, _ = MergeTimeline(nil, 0, notes, changes, deadlines, RoleHealth)
	if got := describe(all); !strings.HasPrefix(got, "d:Helsekontroll d:Oppstart program") {
		t.Errorf("health: %s", got)
	}

	// Paging in threes gives the same sequence without gaps or repeats.
	var paged []string
	var after *TimelineKey
	for range 10 {
		page, next := MergeTimeline(after, 3, notes, changes, deadlines, RoleCaseworker)
		paged = append(paged, describe(page))
		if next == nil {
			break
		}
		after = next
	}
	if got, want := strings.Join(paged, " | "), "d:Oppstart program n5 n3 | c100 d:NIR c90 | n4"; got != want {
		t.Errorf("pages: %s, want %s", got, want)
	}
	// A page that is exactly full has no next page.
	if _, next := MergeTimeline(nil, 7, notes, changes, deadlines, RoleCaseworker); next != nil {
		t.Errorf("next after a full last page: %v", next)
	}
	if items, next := MergeTimeline(nil, 20, nil, nil, nil, RoleLeader); len(items) != 0 || next != nil {
		t.Errorf("empty timeline: %v %v", items, next)
	}
}

func itoa(i int64) string { return strconv.FormatInt(i, 10) }

func TestDeadlineOnTimeline(t *testing.T) {
	for _, tc := range []struct {
		d    Deadline
		role Role
		want bool
	}{
		{Deadline{Status: DeadlineOpen}, RoleCaseworker, true},
		{Deadline{Status: DeadlineOverdue}, RoleHousing, true},
		{Deadline{Status: DeadlineDone}, RoleCaseworker, false},
		{Deadline{Status: DeadlineOpen, Health: true}, RoleCaseworker, false},
		{Deadline{Status: DeadlineOpen, Health: true}, RoleLeader, false},
		{Deadline{Status: DeadlineOpen, Health: true}, RoleAdmin, false},
		{Deadline{Status: DeadlineOpen, Health: true}, RoleHealth, true},
	} {
		if got := DeadlineOnTimeline(tc.d, tc.role); got != tc.want {
			t.Errorf("%+v for %s: %v, want %v", tc.d, tc.role, got, tc.want)
		}
	}
}

func TestChangeLabelsAndValues(t *testing.T) {
	for _, tc := range []struct{ field, v, want string }{
		{"sex", "female", "Kvinne"},
		{"country_of_origin", "SY", "Syria"},
		{"residence_basis", "resettlement", "Overføringsflyktning"},
		{"languages", "prs,fa", "Dari, Farsi"},
		{"interpreter_needed", "true", "Ja"},
		{"interpreter_needed", "false", "Nei"},
		{"settlement_date", "2026-03-10", "10.03.2026"},
		{"settlement_date", "", "–"},
		{"given_name", "Amina", "Amina"},
		{"national_id", "(skjult)", "(skjult)"},
		{"status", "closed", "Avsluttet"},
	} {
		if got := FormatChangeValue(tc.field, tc.v); got != tc.want {
			t.Errorf("FormatChangeValue(%s, %q) = %q, want %q", tc.field, tc.v, got, tc.want)
		}
	}
	if AuditFieldLabel("settlement_date") != "Bosettingsdato" || AuditFieldLabel("rent_amount") != "Rent amount" {
		t.Errorf("labels: %q %q", AuditFieldLabel("settlement_date"), AuditFieldLabel("rent_amount"))
	}
	fs := []FieldChange{{Field: "zeta"}, {Field: "caseworker_id"}, {Field: "given_name"}, {Field: "alpha"}}
	SortFieldChanges(fs)
	if fs[0].Field != "given_name" || fs[1].Field != "caseworker_id" || fs[2].Field != "alpha" || fs[3].Field != "zeta" {
		t.Errorf("order %v", fs)
	}
	if EntityLabel("person") != "Deltaker" {
		t.Error(EntityLabel("person"))
	}
	for _, tc := range []struct{ action, entity, want string }{
		{"create", "person", "Deltakeren ble registrert"},
		{"update", "person", "Opplysninger endret"},
		{"close", "person", "Saken ble avsluttet"},
		{"update", "task", "Oppgave endret"},
		{"create", "household", "Husstand opprettet"},
		{"add_member", "household", "Lagt til i husstand"},
		{"add_member", "group_member", "Lagt til i gruppe"},
		{"remove_member", "group_member", "Fjernet fra gruppe"},
		{"archive", "thing", "Thing: archive"},
	} {
		if got := ChangeTitle(tc.action, tc.entity); got != tc.want {
			t.Errorf("ChangeTitle(%s, %s) = %q, want %q", tc.action, tc.entity, got, tc.want)
		}
	}
}
