package postgres_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"ankomst/internal/domain"
	"ankomst/internal/postgres"
)

// noteIn is a valid meeting note dated d.
func noteIn(body string, d time.Time) domain.NoteInput {
	return domain.NoteInput{Kind: domain.NoteMeeting, NoteDate: d, Body: body}
}

func mustPerson(t *testing.T, f *fixture, u *domain.User) int64 {
	t.Helper()
	id, err := f.db.CreatePerson(context.Background(), u.Scope(), input("Amal", "Hassan", nil))
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func mustNote(t *testing.T, f *fixture, u *domain.User, personID int64, in domain.NoteInput) int64 {
	t.Helper()
	id, err := f.db.CreateNote(context.Background(), u.Scope(), personID, in)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func auditRows(t *testing.T, f *fixture, noteID int64) []postgres.AuditEvent {
	t.Helper()
	rows, err := f.db.Pool.Query(context.Background(), `SELECT action, changes FROM audit_events
		WHERE entity = 'case_note' AND entity_id = $1 ORDER BY id`, noteID)
	if err != nil {
		t.Fatal(err)
	}
	var out []postgres.AuditEvent
	for rows.Next() {
		var e postgres.AuditEvent
		if err := rows.Scan(&e.Action, &e.Changes); err != nil {
			t.Fatal(err)
		}
		out = append(out, e)
	}
	return out
}

func TestCreateAndGetNote(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	pid := mustPerson(t, f, f.cwA)
	yes, mode, cat := true, "video", "B"
	in := noteIn("Samtale om bolig.\nNeste møte om to uker.", date("2026-03-02"))
	in.InterpreterUsed, in.InterpreterMode, in.InterpreterCategory, in.InterpreterLanguage = &yes, &mode, &cat, "ar"
	s := f.cwA.Scope()
	s.RequestID = "req-note"
	id, err := f.db.CreateNote(ctx, s, pid, in)
	if err != nil {
		t.Fatal(err)
	}
	n, sub, err := f.db.GetNote(ctx, f.cwA.Scope(), pid, id)
	if err != nil {
		t.Fatal(err)
	}
	if n.Body != in.Body || n.Kind != domain.NoteMeeting || !n.NoteDate.Equal(date("2026-03-02")) || n.Version != 1 ||
		n.AuthorID != f.cwA.ID || n.AuthorName != f.cwA.Name || n.PersonID != pid {
		t.Errorf("stored note = %+v", n)
	}
	if n.InterpreterUsed == nil || !*n.InterpreterUsed || *n.InterpreterMode != "video" || *n.InterpreterCategory != "B" || n.InterpreterLanguage != "ar" {
		t.Errorf("interpreter = %v %v %v %q", n.InterpreterUsed, n.InterpreterMode, n.InterpreterCategory, n.InterpreterLanguage)
	}
	if n.Corrected() || n.CorrectsID != nil {
		t.Errorf("fresh note has correction links: %+v", n)
	}
	if sub.PersonID != pid || sub.Name() != "Amal Hassan" {
		t.Errorf("subject = %+v", sub)
	}
	// The create is audited in the same transaction, with the content.
	ev := auditRows(t, f, id)
	if len(ev) != 1 || ev[0].Action != "create" {
		t.Fatalf("audit = %+v", ev)
	}
	var ch map[string]domain.Change
	if err := json.Unmarshal(ev[0].Changes, &ch); err != nil || ch["body"].New != in.Body || ch["interpreter_category"].New != "B" {
		t.Errorf("audit changes = %s (%v)", ev[0].Changes, err)
	}
	var req string
	f.db.Pool.QueryRow(ctx, `SELECT request_id FROM audit_events WHERE entity = 'case_note' AND entity_id = $1`, id).Scan(&req)
	if req != "req-note" {
		t.Errorf("request id %q", req)
	}
	// A note of another person is not found through this person.
	other := mustPerson(t, f, f.cwA)
	if _, _, err := f.db.GetNote(ctx, f.cwA.Scope(), other, id); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Errorf("note through another person: %v", err)
	}
	if _, err := f.db.CreateNote(ctx, f.cwA.Scope(), 999999, in); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Errorf("note on a missing person: %v", err)
	}
}

func TestNoteScopePerRole(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	pid := mustPerson(t, f, f.cwA)
	id := mustNote(t, f, f.cwA, pid, noteIn("Hemmelig notat", date("2026-03-02")))
	in := noteIn("Nytt", date("2026-03-03"))

	for _, tc := range []struct {
		user       *domain.User
		read       string // "" ok, or the error code
		write      string
		timeline   string
		notesShown bool
	}{
		{f.cwA, "", "", "", true},
		{f.cwA2, "", "", "", true},
		{f.leaderA, "", "", "", true},
		{f.admin, "", "", "", true}, // admin of unit B sees every unit
		{f.health, domain.EFORBIDDEN, domain.EFORBIDDEN, "", false},
		{f.hou, domain.EFORBIDDEN, domain.EFORBIDDEN, "", false},
		{f.cwB, domain.ENOTFOUND, domain.ENOTFOUND, domain.ENOTFOUND, false},
	} {
		t.Run(string(tc.user.Role)+"/"+tc.user.Email, func(t *testing.T) {
			s := tc.user.Scope()
			_, _, err := f.db.GetNote(ctx, s, pid, id)
			if domain.ErrorCode(err) != tc.read {
				t.Errorf("GetNote: %v, want %q", err, tc.read)
			}
			if _, err := f.db.NoteSubject(ctx, s, pid); domain.ErrorCode(err) != tc.read {
				t.Errorf("NoteSubject: %v, want %q", err, tc.read)
			}
			_, err = f.db.CreateNote(ctx, s, pid, in)
			if domain.ErrorCode(err) != tc.write {
				t.Errorf("CreateNote: %v, want %q", err, tc.write)
			}
			if _, err := f.db.CorrectNote(ctx, s, pid, id, in); tc.write != "" && domain.ErrorCode(err) != tc.write {
				t.Errorf("CorrectNote: %v, want %q", err, tc.write)
			}
			tl, err := f.db.PersonTimeline(ctx, s, pid, postgres.TimelineQuery{Limit: 50})
			if domain.ErrorCode(err) != tc.timeline {
				t.Fatalf("PersonTimeline: %v, want %q", err, tc.timeline)
			}
			if err != nil {
				return
			}
			shown := false
			for _, it := range tl.Items {
				if it.Note != nil {
					shown = true
				}
			}
			if shown != tc.notesShown || tl.NotesHidden == tc.notesShown {
				t.Errorf("notes shown %v, hidden flag %v; want shown %v", shown, tl.NotesHidden, tc.notesShown)
			}
		})
	}
	// Nobody but the author edits; the others get EFORBIDDEN (or not found
	// outside the unit), and nothing changes.
	for _, u := range []*domain.User{f.cwA2, f.leaderA, f.admin, f.health} {
		if _, err := f.db.UpdateNote(ctx, u.Scope(), pid, id, domain.NoteInput{Kind: "meeting", NoteDate: date("2026-03-02"), Body: "Endret", Version: 1}); domain.ErrorCode(err) != domain.EFORBIDDEN {
			t.Errorf("update by %s: %v, want forbidden", u.Email, err)
		}
	}
	if _, err := f.db.UpdateNote(ctx, f.cwB.Scope(), pid, id, domain.NoteInput{Kind: "meeting", NoteDate: date("2026-03-02"), Body: "Endret", Version: 1}); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Errorf("update from another unit: %v, want not found", err)
	}
	n, _, _ := f.db.GetNote(ctx, f.cwA.Scope(), pid, id)
	if n.Body != "Hemmelig notat" || n.Version != 1 {
		t.Errorf("note changed: %+v", n)
	}
}

func TestUpdateNoteLockingAndWindow(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	pid := mustPerson(t, f, f.cwA)
	id := mustNote(t, f, f.cwA, pid, noteIn("Første versjon", date("2026-03-02")))

	edit := noteIn("Andre versjon", date("2026-03-01"))
	edit.Kind, edit.Version = domain.NotePhone, 1
	n, err := f.db.UpdateNote(ctx, f.cwA.Scope(), pid, id, edit)
	if err != nil {
		t.Fatal(err)
	}
	if n.Version != 2 || n.Body != "Andre versjon" || n.Kind != domain.NotePhone || !n.NoteDate.Equal(date("2026-03-01")) {
		t.Errorf("after edit: %+v", n)
	}
	ev := auditRows(t, f, id)
	if len(ev) != 2 || ev[1].Action != "update" {
		t.Fatalf("audit = %+v", ev)
	}
	var ch map[string]domain.Change
	json.Unmarshal(ev[1].Changes, &ch)
	if ch["body"] != (domain.Change{Old: "Første versjon", New: "Andre versjon"}) || ch["kind"].New != "phone" || len(ch) != 3 {
		t.Errorf("update changes = %s", ev[1].Changes)
	}

	// The same edit sent again (a double submit) succeeds without a change.
	if n, err := f.db.UpdateNote(ctx, f.cwA.Scope(), pid, id, edit); err != nil || n.Version != 2 {
		t.Errorf("repeated edit: %v %+v", err, n)
	}
	// A different edit on the old version is a conflict with the stored note.
	stale := noteIn("Tredje versjon", date("2026-03-02"))
	stale.Version = 1
	_, err = f.db.UpdateNote(ctx, f.cwA.Scope(), pid, id, stale)
	var se *postgres.NoteStaleError
	if !errors.As(err, &se) || domain.ErrorCode(err) != domain.ECONFLICT || se.Current.Version != 2 || se.Current.Body != "Andre versjon" {
		t.Fatalf("stale edit: %v", err)
	}
	if len(auditRows(t, f, id)) != 2 {
		t.Error("a refused or empty edit was audited")
	}

	// 24 hours after it was written the note is locked, even for its author.
	real := f.db.Now
	f.db.Now = func() time.Time { return real().Add(24*time.Hour + time.Minute) }
	stale.Version = 2
	_, err = f.db.UpdateNote(ctx, f.cwA.Scope(), pid, id, stale)
	var le *postgres.NoteLockedError
	if !errors.As(err, &le) || domain.ErrorCode(err) != domain.EFORBIDDEN {
		t.Errorf("edit after 24 hours: %v", err)
	}
	f.db.Now = func() time.Time { return real().Add(23 * time.Hour) }
	if _, err := f.db.UpdateNote(ctx, f.cwA.Scope(), pid, id, stale); err != nil {
		t.Errorf("edit after 23 hours: %v", err)
	}
	f.db.Now = real
}

func TestNoteImmutableInDatabase(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	pid := mustPerson(t, f, f.cwA)
	var old int64
	err := f.db.Pool.QueryRow(ctx, `INSERT INTO case_notes (person_id, kind, note_date, body, author_id, created_at)
		VALUES ($1, 'meeting', '2026-01-05', 'Gammelt notat', $2, now() - interval '2 days') RETURNING id`, pid, f.cwA.ID).Scan(&old)
	if err != nil {
		t.Fatal(err)
	}
	for _, sql := range []string{
		`UPDATE case_notes SET body = 'Omskrevet' WHERE id = $1`,
		`UPDATE case_notes SET note_date = '2026-01-06' WHERE id = $1`,
		`UPDATE case_notes SET created_at = now() WHERE id = $1`,
	} {
		if _, err := f.db.Pool.Exec(ctx, sql, old); err == nil {
			t.Errorf("%s: allowed on a note older than 24 hours", sql)
		}
	}
	// Moving notes to another person (a merge) is allowed.
	other := mustPerson(t, f, f.cwA)
	if _, err := f.db.Pool.Exec(ctx, `UPDATE case_notes SET person_id = $2 WHERE id = $1`, old, other); err != nil {
		t.Errorf("moving a note: %v", err)
	}
	// The store refuses too, before the database does.
	_, err = f.db.UpdateNote(ctx, f.cwA.Scope(), other, old, domain.NoteInput{Kind: "meeting", NoteDate: date("2026-01-05"), Body: "x", Version: 1})
	var le *postgres.NoteLockedError
	if !errors.As(err, &le) {
		t.Errorf("store edit of an old note: %v", err)
	}
	// The table's checks hold without the application.
	for name, sql := range map[string]string{
		"child without emergency": `INSERT INTO case_notes (person_id, kind, note_date, body, author_id, interpreter_used, interpreter_mode, interpreter_is_child)
			VALUES ($1, 'meeting', '2026-01-05', 'x', $2, true, 'on_site', true)`,
		"interpreter on a message": `INSERT INTO case_notes (person_id, kind, note_date, body, author_id, interpreter_used)
			VALUES ($1, 'message', '2026-01-05', 'x', $2, false)`,
		"mode without interpreter": `INSERT INTO case_notes (person_id, kind, note_date, body, author_id, interpreter_used, interpreter_mode)
			VALUES ($1, 'meeting', '2026-01-05', 'x', $2, false, 'video')`,
		"empty body": `INSERT INTO case_notes (person_id, kind, note_date, body, author_id) VALUES ($1, 'meeting', '2026-01-05', '', $2)`,
		"too long":   `INSERT INTO case_notes (person_id, kind, note_date, body, author_id) VALUES ($1, 'meeting', '2026-01-05', repeat('x', 10001), $2)`,
		"bad kind":   `INSERT INTO case_notes (person_id, kind, note_date, body, author_id) VALUES ($1, 'letter', '2026-01-05', 'x', $2)`,
		"category F": `INSERT INTO case_notes (person_id, kind, note_date, body, author_id, interpreter_used, interpreter_category)
			VALUES ($1, 'meeting', '2026-01-05', 'x', $2, true, 'F')`,
	} {
		if _, err := f.db.Pool.Exec(ctx, sql, pid, f.cwA.ID); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestCorrectNote(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	pid := mustPerson(t, f, f.cwA)
	orig := mustNote(t, f, f.cwA, pid, noteIn("Feil dato og feil innhold", date("2026-02-10")))

	real := f.db.Now
	f.db.Now = func() time.Time { return real().Add(48 * time.Hour) }
	defer func() { f.db.Now = real }()

	// Another caseworker in the unit corrects it after the 24 hours.
	corr := noteIn("Riktig innhold", date("2026-02-11"))
	corr.Token = "00112233445566778899aabbccddeeff"
	cid, err := f.db.CorrectNote(ctx, f.cwA2.Scope(), pid, orig, corr)
	if err != nil {
		t.Fatal(err)
	}
	// The same form sent twice stores one correction.
	if again, err := f.db.CorrectNote(ctx, f.cwA2.Scope(), pid, orig, corr); err != nil || again != cid {
		t.Errorf("double submit: %d %v, want %d", again, err, cid)
	}
	o, _, _ := f.db.GetNote(ctx, f.cwA.Scope(), pid, orig)
	if o.Body != "Feil dato og feil innhold" || o.Version != 1 || !o.Corrected() || *o.CorrectedByID != cid || !o.CorrectedByDate.Equal(date("2026-02-11")) {
		t.Errorf("original after correction: %+v", o)
	}
	c, _, _ := f.db.GetNote(ctx, f.cwA.Scope(), pid, cid)
	if c.CorrectsID == nil || *c.CorrectsID != orig || !c.CorrectsDate.Equal(date("2026-02-10")) || c.AuthorID != f.cwA2.ID {
		t.Errorf("correction: %+v", c)
	}
	ev := auditRows(t, f, cid)
	if len(ev) != 1 || ev[0].Action != "create" || !strings.Contains(string(ev[0].Changes), fmt.Sprintf(`"corrects_id": {"new": "%d"`, orig)) &&
		!strings.Contains(string(ev[0].Changes), fmt.Sprintf(`"corrects_id":{"old":"","new":"%d"}`, orig)) {
		t.Errorf("correction audit = %+v %s", ev, ev[0].Changes)
	}
	// A note is corrected once: again is a conflict naming the correction.
	_, err = f.db.CorrectNote(ctx, f.cwA.Scope(), pid, orig, noteIn("Enda en", date("2026-02-11")))
	var ce *postgres.NoteCorrectedError
	if !errors.As(err, &ce) || ce.CorrectionID != cid || domain.ErrorCode(err) != domain.ECONFLICT {
		t.Errorf("second correction: %v", err)
	}
	// The correction itself can be corrected (a chain).
	if _, err := f.db.CorrectNote(ctx, f.cwA.Scope(), pid, cid, noteIn("Tredje", date("2026-02-11"))); err != nil {
		t.Errorf("correcting the correction: %v", err)
	}
	// A corrected note cannot be edited, even within the 24 hours.
	f.db.Now = real
	fresh := mustNote(t, f, f.cwA, pid, noteIn("Ny", date("2026-02-12")))
	if _, err := f.db.CorrectNote(ctx, f.cwA.Scope(), pid, fresh, noteIn("Ny, rettet", date("2026-02-12"))); err != nil {
		t.Fatal(err)
	}
	_, err = f.db.UpdateNote(ctx, f.cwA.Scope(), pid, fresh, domain.NoteInput{Kind: "meeting", NoteDate: date("2026-02-12"), Body: "Endret", Version: 1})
	if !errors.As(err, &ce) {
		t.Errorf("edit of a corrected note: %v", err)
	}
	// Correcting a note of a person outside the unit: not found.
	if _, err := f.db.CorrectNote(ctx, f.cwB.Scope(), pid, orig, corr); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Errorf("correction from another unit: %v", err)
	}
}

func TestCreateNoteDoubleSubmit(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	pid := mustPerson(t, f, f.cwA)
	in := noteIn("En gang", date("2026-03-02"))
	in.Token = "0123456789abcdef0123456789abcdef"
	a := mustNote(t, f, f.cwA, pid, in)
	b := mustNote(t, f, f.cwA, pid, in)
	if a != b {
		t.Errorf("double submit stored two notes: %d %d", a, b)
	}
	var n int
	f.db.Pool.QueryRow(ctx, `SELECT count(*) FROM case_notes WHERE person_id = $1`, pid).Scan(&n)
	if n != 1 || len(auditRows(t, f, a)) != 1 {
		t.Errorf("%d notes, %d audit rows", n, len(auditRows(t, f, a)))
	}
	// Someone else's token is refused, not answered with their note.
	if _, err := f.db.CreateNote(ctx, f.cwA2.Scope(), pid, in); domain.ErrorCode(err) != domain.EINVALID {
		t.Errorf("another user's token: %v", err)
	}
	// Without a token every submit is a new note.
	in.Token = ""
	if mustNote(t, f, f.cwA, pid, in) == mustNote(t, f, f.cwA, pid, in) {
		t.Error("notes without tokens were merged")
	}
}

// itemsString describes timeline items; unless all, only notes and changes
// of the person and health entities (the deadlines module adds its own).
func itemsString(items []domain.TimelineItem, all bool) string {
	var s []string
	for _, it := range items {
		switch {
		case it.Note != nil:
			s = append(s, "note:"+it.Note.Body)
		case it.Change != nil && (all || it.Change.Entity == "person" || strings.HasPrefix(it.Change.Entity, "health")):
			s = append(s, "change:"+it.Change.Action+"/"+it.Change.Entity)
		case it.Deadline != nil && all:
			s = append(s, "deadline:"+it.Deadline.Title)
		}
	}
	return strings.Join(s, " ")
}

func TestPersonTimeline(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	s := f.cwA.Scope()
	pid := mustPerson(t, f, f.cwA)
	p, err := f.db.GetPerson(ctx, s, pid) // a view: not on the timeline
	if err != nil {
		t.Fatal(err)
	}
	upd := input("Amal", "Hassan-Ali", f.cwA2)
	upd.NationalID = p.NationalID
	upd.Version = 1
	if _, err := f.db.UpdatePerson(ctx, s, pid, upd); err != nil {
		t.Fatal(err)
	}
	today := domain.Date(time.Now().In(oslo(t)))
	n1 := mustNote(t, f, f.cwA, pid, noteIn("Eldst", today.AddDate(0, 0, -30)))
	mustNote(t, f, f.cwA, pid, noteIn("Midt", today.AddDate(0, 0, -3)))
	n3 := mustNote(t, f, f.cwA, pid, noteIn("Nyest", today))
	edit := noteIn("Nyest, rettet", today)
	edit.Version = 1
	if _, err := f.db.UpdateNote(ctx, s, pid, n3, edit); err != nil { // a note's own events are not changes
		t.Fatal(err)
	}
	if _, err := f.db.CorrectNote(ctx, s, pid, n1, noteIn("Eldst, korrigert", today.AddDate(0, 0, -30))); err != nil {
		t.Fatal(err)
	}
	// Another person's note and a health entity's change.
	other := mustPerson(t, f, f.cwA)
	mustNote(t, f, f.cwA, other, noteIn("Annen person", today))
	if _, err := f.db.Pool.Exec(ctx, `INSERT INTO audit_events (user_id, user_role, action, entity, person_id, changes)
		VALUES ($1, 'health', 'update', 'health_check', $2, '{"status": {"old": "open", "new": "done"}}')`, f.health.ID, pid); err != nil {
		t.Fatal(err)
	}

	tl, err := f.db.PersonTimeline(ctx, s, pid, postgres.TimelineQuery{Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	got := itemsString(tl.Items, false)
	want := "note:Nyest, rettet change:update/person change:create/person note:Midt note:Eldst, korrigert note:Eldst"
	if got != want || tl.Next != nil {
		t.Errorf("timeline:\n got %s\nwant %s (next %v)", got, want, tl.Next)
	}
	if tl.Subject.Name() != "Amal Hassan-Ali" {
		t.Errorf("subject %+v", tl.Subject)
	}
	// The update shows its fields, with the caseworker's name for the id.
	var update *domain.AuditChange
	for _, it := range tl.Items {
		if it.Change != nil && it.Change.Action == "update" {
			update = it.Change
		}
	}
	if update == nil || len(update.Fields) != 2 || update.Fields[0] != (domain.FieldChange{Field: "family_name", Old: "Hassan", New: "Hassan-Ali"}) ||
		update.Fields[1] != (domain.FieldChange{Field: "caseworker_id", Old: "", New: f.cwA2.Name}) || update.UserName != f.cwA.Name {
		t.Errorf("update change = %+v", update)
	}
	// Correction links in both directions.
	for _, it := range tl.Items {
		if it.Note != nil && it.Note.Body == "Eldst" && (!it.Note.Corrected() || it.Note.CorrectedByDate == nil) {
			t.Errorf("original not marked corrected: %+v", it.Note)
		}
	}

	// The health role sees the health entity's change; nobody else does.
	th, err := f.db.PersonTimeline(ctx, f.health.Scope(), pid, postgres.TimelineQuery{Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	if got := itemsString(th.Items, false); got != "change:update/health_check change:update/person change:create/person" {
		t.Errorf("health timeline: %s", got)
	}
	tlead, _ := f.db.PersonTimeline(ctx, f.leaderA.Scope(), pid, postgres.TimelineQuery{Limit: 50})
	if strings.Contains(itemsString(tlead.Items, true), "health_check") {
		t.Error("a leader sees a health change")
	}

	// Paging by two walks the same sequence, without gaps or repeats.
	var pages []string
	var after *domain.TimelineKey
	for range 10 {
		page, err := f.db.PersonTimeline(ctx, s, pid, postgres.TimelineQuery{Before: after, Limit: 2})
		if err != nil {
			t.Fatal(err)
		}
		if s := itemsString(page.Items, true); s != "" {
			pages = append(pages, s)
		}
		if page.Next == nil {
			break
		}
		after = page.Next
	}
	if got, want := strings.Join(pages, " "), itemsString(tl.Items, true); got != want {
		t.Errorf("paged timeline:\n got %s\nwant %s", got, want)
	}

	// The deadlines module's open deadlines of the person are on the timeline.
	ds, err := f.db.PersonDeadlines(ctx, s, pid)
	if err != nil {
		t.Fatal(err)
	}
	visible, onTimeline := 0, 0
	for _, d := range ds {
		if domain.DeadlineOnTimeline(d, s.Role) {
			visible++
		}
	}
	for _, it := range tl.Items {
		if it.Deadline != nil {
			onTimeline++
		}
	}
	if visible != onTimeline {
		t.Errorf("%d deadlines on the timeline, want %d", onTimeline, visible)
	}

	// Only the full page audits the read.
	count := func() (n int) {
		f.db.Pool.QueryRow(ctx, `SELECT count(*) FROM audit_events WHERE person_id = $1 AND action = 'view' AND entity = 'timeline'`, pid).Scan(&n)
		return n
	}
	before := count()
	f.db.PersonTimeline(ctx, s, pid, postgres.TimelineQuery{Limit: 20})
	f.db.PersonTimeline(ctx, s, pid, postgres.TimelineQuery{Limit: 50, AuditView: true})
	if count() != before+1 {
		t.Errorf("view events %d → %d, want one more", before, count())
	}
}

func oslo(t *testing.T) *time.Location {
	loc, err := time.LoadLocation("Europe/Oslo")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestTimelineUsesIndexes(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	pid := mustPerson(t, f, f.cwA)
	mustNote(t, f, f.cwA, pid, noteIn("x", date("2026-01-01")))
	if _, err := f.db.Pool.Exec(ctx, `ANALYZE case_notes; ANALYZE audit_events`); err != nil {
		t.Fatal(err)
	}
	for name, sql := range map[string]string{
		"case_notes_person_date_idx": `SELECT id FROM case_notes n WHERE n.person_id = $1 AND (n.note_date, n.id) < ('2026-02-01'::date, 100::bigint)
			ORDER BY n.note_date DESC, n.id DESC LIMIT 51`,
		"audit_events_timeline_idx": `SELECT a.id FROM audit_events a WHERE a.person_id = $1 AND a.entity <> 'case_note'
			AND a.action IN ` + postgres.TimelineActionsSQL() + `
			ORDER BY ((a.at AT TIME ZONE 'Europe/Oslo')::date) DESC, a.id DESC LIMIT 51`,
	} {
		tx, err := f.db.Pool.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		tx.Exec(ctx, `SET LOCAL enable_seqscan = off`)
		var plan strings.Builder
		rows, err := tx.Query(ctx, `EXPLAIN `+sql, pid)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var line string
			rows.Scan(&line)
			plan.WriteString(line + "\n")
		}
		tx.Rollback(ctx)
		if !strings.Contains(plan.String(), name) || strings.Contains(plan.String(), "Sort") {
			t.Errorf("%s not used without a sort:\n%s", name, plan.String())
		}
	}
}
