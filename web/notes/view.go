// Package notes holds the case note (saksnotat) pages and the person timeline.
package notes

import (
	"strconv"
	"strings"
	"time"

	"ankomst/internal/domain"
	"ankomst/web/layout"
	"ankomst/web/paths"
)

// FormView is the note form's model: a new note, an edit or a correction.
type FormView struct {
	User    *domain.User
	Title   string
	Intro   string // a line under the heading
	Action  string
	Submit  string
	Subject domain.NoteSubject
	Form    domain.NoteForm
	Errors  map[string]string
	Summary []layout.ErrorItem
	// Original is the note a correction corrects, shown above the form.
	Original *Item
	// Conflict is the stored version when an edit lost a race.
	Conflict *Item
	// Locked: the 24 hours ran out while the user edited; saving now makes a correction.
	Locked bool
	// CorrectionURL links to the correction a note already has.
	CorrectionURL string
	Flash         string
	CancelURL     string
}

// ChildWarning tells whether to show the tolkeloven warning with the
// emergency checkbox: when the form records a child as interpreter.
func (v FormView) ChildWarning() bool {
	return v.Form.InterpreterIsChild && v.Form.InterpreterUsed == "yes"
}

// InterpreterNeedText describes the person's interpreter need, or "".
func (v FormView) InterpreterNeedText() string {
	if !v.Subject.InterpreterNeeded {
		return ""
	}
	s := v.Subject.Name() + " har behov for tolk"
	if v.Subject.InterpreterLanguage != "" {
		s += " (" + strings.ToLower(domain.Label(domain.Languages(), v.Subject.InterpreterLanguage)) + ")"
	}
	return s + ". Oppgi om det ble brukt tolk, og hvorfor ikke hvis det ikke ble det."
}

// TimelineView is the full timeline page's model.
type TimelineView struct {
	User        *domain.User
	Subject     domain.NoteSubject
	PersonURL   string
	Items       []Item
	OlderURL    string // the next page, or ""
	NewestURL   string // back to the first page when paging, or ""
	NewNoteURL  string // "" when the role may not write notes
	NotesHidden bool
	Flash       string
}

// SectionView is the timeline's part of the person page.
type SectionView struct {
	Items       []Item
	FullURL     string
	NewNoteURL  string
	HasMore     bool
	NotesHidden bool
}

// ChangeLine is one changed field: label, old and new value, for display.
type ChangeLine struct {
	Label string
	Old   string
	New   string
}

// Item is one timeline entry, formatted for display.
type Item struct {
	Type      string // "note", "change" or "deadline"
	Anchor    string // the element id, e.g. "note-12"
	Date      string // dd.mm.yyyy
	ISODate   string
	Title     string
	TypeLabel string // Notat, Endring, Frist
	Meta      string // who and when
	// Paragraphs of the note's text, each a list of lines.
	Paragraphs [][]string
	// Truncated: only the start of the text is shown; MoreURL has it all.
	Truncated bool
	MoreURL   string
	// Interpreter describes interpreter use ("" when not recorded).
	Interpreter string
	// ChildInterpreter: a child interpreted (confirmed as an emergency).
	ChildInterpreter bool
	// CorrectedURL links to this note's correction ("Korrigert – se korrigering").
	CorrectedURL string
	// CorrectsText/CorrectsURL: this note corrects an earlier one.
	CorrectsText string
	CorrectsURL  string
	EditURL      string
	CorrectURL   string
	Changes      []ChangeLine
	StatusLabel  string // deadlines: Åpen, Forfalt
	StatusColor  string
}

// FormatTime shows a moment in Norwegian time: dd.mm.yyyy kl. hh:mm.
func FormatTime(t time.Time) string {
	return t.In(domain.Oslo).Format("02.01.2006") + " kl. " + t.In(domain.Oslo).Format("15:04")
}

// excerptRunes is how much of a note the person page shows.
const excerptRunes = 300

// Items formats timeline items for user u at now. With excerpt, long notes
// are cut short with a link to the whole note.
func Items(items []domain.TimelineItem, personID int64, u *domain.User, now time.Time, excerpt bool) []Item {
	out := make([]Item, 0, len(items))
	for _, it := range items {
		switch {
		case it.Note != nil:
			out = append(out, noteItem(it.Note, personID, u, now, excerpt))
		case it.Change != nil:
			out = append(out, changeItem(it.Change))
		case it.Deadline != nil:
			out = append(out, deadlineItem(it.Deadline, it.Key.ID))
		}
	}
	return out
}

// NoteItem formats one note (for the correction and conflict views).
func NoteItem(n *domain.Note, u *domain.User, now time.Time) *Item {
	it := noteItem(n, n.PersonID, u, now, false)
	it.EditURL, it.CorrectURL = "", ""
	return &it
}

func noteItem(n *domain.Note, personID int64, u *domain.User, now time.Time, excerpt bool) Item {
	id := strconv.FormatInt(n.ID, 10)
	it := Item{
		Type: "note", Anchor: "note-" + id, Date: domain.FormatDate(&n.NoteDate), ISODate: domain.FormatISODate(&n.NoteDate),
		Title: domain.Label(domain.NoteKinds(), n.Kind), TypeLabel: "Notat",
		Meta: "Skrevet av " + n.AuthorName + " " + FormatTime(n.CreatedAt),
	}
	if n.Version > 1 {
		it.Meta += " · endret " + FormatTime(n.UpdatedAt)
	}
	body := n.Body
	if excerpt {
		if r := []rune(body); len(r) > excerptRunes {
			cut := strings.LastIndexAny(string(r[:excerptRunes]), " \n")
			if cut < excerptRunes/2 {
				cut = len(string(r[:excerptRunes]))
			}
			body = strings.TrimSpace(string(r[:excerptRunes])[:cut]) + " …"
			it.Truncated = true
			it.MoreURL = paths.NoteOnTimeline(personID, n.ID, n.NoteDate)
		}
	}
	it.Paragraphs = paragraphs(body)
	it.Interpreter = interpreterText(n)
	it.ChildInterpreter = n.InterpreterUsed != nil && *n.InterpreterUsed && n.InterpreterIsChild
	if n.CorrectedByID != nil {
		d := n.NoteDate
		if n.CorrectedByDate != nil {
			d = *n.CorrectedByDate
		}
		it.CorrectedURL = paths.NoteOnTimeline(personID, *n.CorrectedByID, d)
	}
	if n.CorrectsID != nil {
		d := n.NoteDate
		if n.CorrectsDate != nil {
			d = *n.CorrectsDate
		}
		it.CorrectsText = "Korrigerer notat fra " + domain.FormatDate(&d)
		it.CorrectsURL = paths.NoteOnTimeline(personID, *n.CorrectsID, d)
	}
	if u != nil && u.Role.Can(domain.CapWriteNotes) {
		if n.EditableBy(u.ID, now) {
			it.EditURL = paths.NoteEdit(personID, n.ID)
		}
		if !n.Corrected() {
			it.CorrectURL = paths.NoteCorrect(personID, n.ID)
		}
	}
	return it
}

// paragraphs splits a note's text at blank lines, and each paragraph into lines.
func paragraphs(body string) [][]string {
	var out [][]string
	for _, p := range strings.Split(body, "\n\n") {
		p = strings.Trim(p, "\n")
		if strings.TrimSpace(p) == "" {
			continue
		}
		out = append(out, strings.Split(p, "\n"))
	}
	return out
}

func interpreterText(n *domain.Note) string {
	if n.InterpreterUsed == nil {
		return ""
	}
	if !*n.InterpreterUsed {
		if n.NoInterpreterReason != "" {
			return "Uten tolk. Begrunnelse: " + n.NoInterpreterReason
		}
		return "Uten tolk."
	}
	parts := []string{}
	if n.InterpreterMode != nil {
		parts = append(parts, strings.ToLower(domain.Label(domain.InterpreterModes(), *n.InterpreterMode)))
	}
	if n.InterpreterLanguage != "" {
		parts = append(parts, strings.ToLower(domain.Label(domain.Languages(), n.InterpreterLanguage)))
	}
	if n.InterpreterIsChild {
		parts = append(parts, "barn som tolk i en nødsituasjon")
	} else if n.InterpreterCategory != nil {
		parts = append(parts, "kategori "+*n.InterpreterCategory+" i Nasjonalt tolkeregister")
	} else {
		parts = append(parts, "ikke oppført i tolkeregisteret eller ukjent kategori")
	}
	return "Med tolk: " + strings.Join(parts, ", ") + "."
}

func changeItem(c *domain.AuditChange) Item {
	it := Item{
		Type: "change", Anchor: "change-" + strconv.FormatInt(c.ID, 10),
		Date: domain.FormatDate(&c.Day), ISODate: domain.FormatISODate(&c.Day),
		Title: domain.ChangeTitle(c.Action, c.Entity), TypeLabel: "Endring",
	}
	who := c.UserName
	if who == "" {
		who = "systemet"
	}
	it.Meta = "Av " + who + " " + FormatTime(c.At)
	for _, f := range c.Fields {
		it.Changes = append(it.Changes, ChangeLine{
			Label: domain.AuditFieldLabel(f.Field),
			Old:   domain.FormatChangeValue(f.Field, f.Old),
			New:   domain.FormatChangeValue(f.Field, f.New),
		})
	}
	return it
}

func deadlineItem(d *domain.Deadline, n int64) Item {
	it := Item{
		Type: "deadline", Anchor: "deadline-" + strconv.FormatInt(n, 10),
		Date: domain.FormatDate(&d.Due), ISODate: domain.FormatISODate(&d.Due),
		Title: d.Title, TypeLabel: "Frist", StatusLabel: "Åpen", StatusColor: "info",
	}
	if d.Assignee != nil && *d.Assignee != "" {
		it.Meta = "Ansvarlig: " + *d.Assignee
	}
	if d.Status == domain.DeadlineOverdue {
		it.StatusLabel, it.StatusColor = "Forfalt", "danger"
	}
	return it
}
