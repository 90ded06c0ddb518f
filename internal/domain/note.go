package domain

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Case note kinds (notattyper).
const (
	NoteMeeting   = "meeting"    // møte
	NotePhone     = "phone"      // telefon
	NoteHomeVisit = "home_visit" // hjemmebesøk
	NoteMessage   = "message"    // melding
	NoteOther     = "other"      // annet
)

// noteKinds lists the note kinds with their Norwegian names.
var noteKinds = []Option{
	{NoteMeeting, "Møte"}, {NotePhone, "Telefon"}, {NoteHomeVisit, "Hjemmebesøk"},
	{NoteMessage, "Melding"}, {NoteOther, "Annet"},
}

// KindTakesInterpreter reports whether interpreter use is recorded for a
// note of the kind: conversations (meeting, phone, home visit), not messages.
func KindTakesInterpreter(kind string) bool {
	return kind == NoteMeeting || kind == NotePhone || kind == NoteHomeVisit
}

// Interpreter modes (tolkemetode).
var interpreterModes = []Option{{"on_site", "Oppmøte"}, {"phone", "Telefon"}, {"video", "Video"}}

// interpreterCategories are the qualification categories of the national
// register of interpreters (Nasjonalt tolkeregister), A the highest.
var interpreterCategories = []Option{
	{"A", "A – statsautorisasjon og bachelorgrad"},
	{"B", "B – bachelorgrad, eller statsautorisasjon og grunnemne"},
	{"C", "C – statsautorisasjon"},
	{"D", "D – grunnemne i tolking i offentlig sektor"},
	{"E", "E – tospråktesten og kurs i tolkens ansvarsområde"},
}

// Limits of a note.
const (
	NoteBodyMax            = 10000
	NoInterpreterReasonMax = 500
	// NoteEditWindow is how long the author may edit a note; after that
	// the note is corrected by a new note that links to it.
	NoteEditWindow = 24 * time.Hour
)

// ChildInterpreterWarning is shown when a child is recorded as interpreter.
const ChildInterpreterWarning = "Barn (under 18 år) skal ikke brukes som tolk, jf. tolkeloven § 4. " +
	"Det er bare tillatt i en nødsituasjon, for eksempel for å unngå tap av liv eller alvorlig helseskade. " +
	"Bekreft at det var en nødsituasjon for å lagre notatet."

// NoteEditable reports whether a note written at createdAt may still be
// edited at now: within 24 hours of creation.
func NoteEditable(createdAt, now time.Time) bool {
	return now.Sub(createdAt) < NoteEditWindow
}

// ChildInterpreterNeedsConfirmation reports whether a note records a child as
// interpreter without confirming that it was an emergency (tolkeloven § 4).
func ChildInterpreterNeedsConfirmation(isChild, emergency bool) bool {
	return isChild && !emergency
}

// Note is a case note (saksnotat) as stored, with its author's name and its
// links to a corrected note and to its own correction.
type Note struct {
	ID                   int64      `db:"id"`
	PersonID             int64      `db:"person_id"`
	Kind                 string     `db:"kind"`
	NoteDate             time.Time  `db:"note_date"`
	Body                 string     `db:"body"`
	AuthorID             int64      `db:"author_id"`
	AuthorName           string     `db:"author_name"`
	CreatedAt            time.Time  `db:"created_at"`
	UpdatedAt            time.Time  `db:"updated_at"`
	Version              int        `db:"version"`
	CorrectsID           *int64     `db:"corrects_id"`
	CorrectsDate         *time.Time `db:"corrects_date"`        // note_date of the corrected note
	CorrectedByID        *int64     `db:"corrected_by_id"`      // the correction of this note
	CorrectedByDate      *time.Time `db:"corrected_by_date"`    // its note_date
	InterpreterUsed      *bool      `db:"interpreter_used"`     // nil: not recorded
	InterpreterMode      *string    `db:"interpreter_mode"`     // on_site, phone, video
	InterpreterCategory  *string    `db:"interpreter_category"` // A–E
	InterpreterLanguage  string     `db:"interpreter_language"`
	InterpreterIsChild   bool       `db:"interpreter_is_child"`
	InterpreterEmergency bool       `db:"interpreter_emergency"`
	NoInterpreterReason  string     `db:"no_interpreter_reason"`
}

// Corrected reports whether a correction note links to n.
func (n *Note) Corrected() bool { return n.CorrectedByID != nil }

// EditableBy reports whether the user may edit n at now: only its author,
// within 24 hours, and only while no correction links to it.
func (n *Note) EditableBy(userID int64, now time.Time) bool {
	return n.AuthorID == userID && !n.Corrected() && NoteEditable(n.CreatedAt, now)
}

// NoteSubject is the person a note is about, as the note pages need it.
type NoteSubject struct {
	PersonID            int64  `db:"id"`
	GivenName           string `db:"given_name"`
	FamilyName          string `db:"family_name"`
	InterpreterNeeded   bool   `db:"interpreter_needed"`
	InterpreterLanguage string `db:"interpreter_language"`
}

// Name is "given family".
func (s NoteSubject) Name() string { return s.GivenName + " " + s.FamilyName }

// NoteForm is a note as typed in the form: strings, so a refused form comes
// back as the user wrote it.
type NoteForm struct {
	Kind                 string
	NoteDate             string
	Body                 string
	InterpreterUsed      string // "yes", "no" or "" (not answered)
	InterpreterMode      string
	InterpreterCategory  string
	InterpreterLanguage  string
	InterpreterIsChild   bool
	InterpreterEmergency bool
	NoInterpreterReason  string
	Version              string // the version an edit is based on
	Token                string // the form's double-submit token
}

// NoteInput is a validated note, ready to store.
type NoteInput struct {
	Kind                 string
	NoteDate             time.Time
	Body                 string
	InterpreterUsed      *bool
	InterpreterMode      *string
	InterpreterCategory  *string
	InterpreterLanguage  string
	InterpreterIsChild   bool
	InterpreterEmergency bool
	NoInterpreterReason  string
	Version              int
	Token                string
}

// FormFromNote fills a form from a stored note (to edit or correct it).
func FormFromNote(n *Note) NoteForm {
	f := NoteForm{
		Kind: n.Kind, NoteDate: FormatISODate(&n.NoteDate), Body: n.Body,
		InterpreterLanguage: n.InterpreterLanguage, InterpreterIsChild: n.InterpreterIsChild,
		InterpreterEmergency: n.InterpreterEmergency, NoInterpreterReason: n.NoInterpreterReason,
		Version: strconv.Itoa(n.Version),
	}
	if n.InterpreterUsed != nil {
		f.InterpreterUsed = "no"
		if *n.InterpreterUsed {
			f.InterpreterUsed = "yes"
		}
	}
	if n.InterpreterMode != nil {
		f.InterpreterMode = *n.InterpreterMode
	}
	if n.InterpreterCategory != nil {
		f.InterpreterCategory = *n.InterpreterCategory
	}
	return f
}

// validToken reports whether t looks like a form token (16–64 hex digits).
func validToken(t string) bool {
	if len(t) < 16 || len(t) > 64 {
		return false
	}
	for _, c := range t {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// Validate checks the form and returns the typed note, or an *Error with one
// Norwegian message per field. today is the current date; interpreterNeeded
// is the person's recorded need for an interpreter, which makes the question
// of interpreter use and, without one, a reason required.
func (f NoteForm) Validate(today time.Time, interpreterNeeded bool) (NoteInput, error) {
	var in NoteInput
	fields := map[string]string{}
	bad := func(field, msg string) {
		if _, ok := fields[field]; !ok {
			fields[field] = msg
		}
	}
	today = Date(today)

	if !hasOption(noteKinds, f.Kind) {
		bad("kind", "Velg type kontakt.")
	}
	in.Kind = f.Kind

	if strings.TrimSpace(f.NoteDate) == "" {
		bad("note_date", "Dato må fylles ut.")
	} else if d, ok := ParseDate(f.NoteDate); !ok {
		bad("note_date", "Dato må være en gyldig dato (dd.mm.åååå).")
	} else if d.After(today) {
		bad("note_date", "Dato kan ikke være i fremtiden.")
	} else if d.Before(time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)) {
		bad("note_date", "Dato kan ikke være før 1990.")
	} else {
		in.NoteDate = d
	}

	// CleanText: \n line ends, trimmed, NFC; control and bidi control
	// characters refused with the line they are on (the form keeps the text).
	var msg string
	if in.Body, msg = textField("Notatet", f.Body); msg != "" {
		bad("body", msg)
	} else if in.Body == "" {
		bad("body", "Skriv notatet.")
	} else if n := len([]rune(in.Body)); n > NoteBodyMax {
		bad("body", fmt.Sprintf("Notatet kan ha høyst %d tegn (det har %d).", NoteBodyMax, n))
	}

	if KindTakesInterpreter(f.Kind) {
		f.validateInterpreter(&in, interpreterNeeded, bad)
	} else if f.InterpreterUsed == "yes" && hasOption(noteKinds, f.Kind) {
		bad("interpreter_used", "Tolk registreres bare for møte, telefon og hjemmebesøk.")
	}
	// Other kinds keep no interpreter details (a "no" is dropped with them).

	if s := strings.TrimSpace(f.Version); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v <= 0 {
			bad("version", "Ugyldig versjon. Last siden på nytt.")
		}
		in.Version = v
	}
	if validToken(f.Token) {
		in.Token = f.Token
	}

	if len(fields) > 0 {
		return in, &Error{Code: EINVALID, Message: "Skjemaet har feil. Rett opp feltene som er merket.", Fields: fields}
	}
	return in, nil
}

func (f NoteForm) validateInterpreter(in *NoteInput, interpreterNeeded bool, bad func(field, msg string)) {
	switch f.InterpreterUsed {
	case "":
		if interpreterNeeded {
			bad("interpreter_used", "Personen har behov for tolk. Oppgi om det ble brukt tolk.")
		}
	case "yes":
		yes := true
		in.InterpreterUsed = &yes
		if !hasOption(interpreterModes, f.InterpreterMode) {
			bad("interpreter_mode", "Velg hvordan tolken deltok.")
		} else {
			in.InterpreterMode = &f.InterpreterMode
		}
		if f.InterpreterLanguage != "" && !hasOption(languages, f.InterpreterLanguage) {
			bad("interpreter_language", "Ukjent språk.")
		}
		in.InterpreterLanguage = f.InterpreterLanguage
		in.InterpreterIsChild = f.InterpreterIsChild
		in.InterpreterEmergency = f.InterpreterIsChild && f.InterpreterEmergency
		if f.InterpreterCategory != "" {
			switch {
			case !hasOption(interpreterCategories, f.InterpreterCategory):
				bad("interpreter_category", "Ukjent kategori.")
			case f.InterpreterIsChild:
				bad("interpreter_category", "Et barn står ikke i tolkeregisteret. La kategorien stå tom.")
			default:
				in.InterpreterCategory = &f.InterpreterCategory
			}
		}
		if ChildInterpreterNeedsConfirmation(in.InterpreterIsChild, in.InterpreterEmergency) {
			bad("interpreter_emergency", "Barn skal ikke brukes som tolk. Bekreft at det var en nødsituasjon.")
		}
	case "no":
		no := false
		in.InterpreterUsed = &no
		var msg string
		if in.NoInterpreterReason, msg = lineField("Begrunnelsen", f.NoInterpreterReason); msg != "" {
			bad("no_interpreter_reason", msg)
		} else if interpreterNeeded && in.NoInterpreterReason == "" {
			bad("no_interpreter_reason", "Personen har behov for tolk. Skriv hvorfor det ikke ble brukt tolk.")
		}
		if n := len([]rune(in.NoInterpreterReason)); n > NoInterpreterReasonMax {
			bad("no_interpreter_reason", fmt.Sprintf("Begrunnelsen kan ha høyst %d tegn.", NoInterpreterReasonMax))
		}
	default:
		bad("interpreter_used", "Velg ja eller nei.")
	}
}

// SameContent reports whether in would store exactly what n holds (a repeated
// submit of an edit that already succeeded).
func (n *Note) SameContent(in NoteInput) bool {
	return n.Kind == in.Kind && n.NoteDate.Equal(in.NoteDate) && n.Body == in.Body &&
		eqPtr(n.InterpreterUsed, in.InterpreterUsed) && eqPtr(n.InterpreterMode, in.InterpreterMode) &&
		eqPtr(n.InterpreterCategory, in.InterpreterCategory) && n.InterpreterLanguage == in.InterpreterLanguage &&
		n.InterpreterIsChild == in.InterpreterIsChild && n.InterpreterEmergency == in.InterpreterEmergency &&
		n.NoInterpreterReason == in.NoInterpreterReason
}

func eqPtr[T comparable](a, b *T) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

// --- The person timeline (tidslinje) ---

// Timeline item ranks: within one day, deadlines come first, then notes,
// then changes.
const (
	RankDeadline = 0
	RankNote     = 1
	RankChange   = 2
)

// TimelineKey orders the timeline: newest day first, then rank, then the
// highest id first. It is also the keyset cursor of the next page.
type TimelineKey struct {
	Day  time.Time
	Rank int
	ID   int64
}

// Before reports whether k comes before o in the timeline (is shown above it).
func (k TimelineKey) Before(o TimelineKey) bool {
	if c := k.Day.Compare(o.Day); c != 0 {
		return c > 0
	}
	if k.Rank != o.Rank {
		return k.Rank < o.Rank
	}
	return k.ID > o.ID
}

// String encodes the key for a URL: "YYYYMMDD-rank-id" (no personal data).
func (k TimelineKey) String() string {
	return fmt.Sprintf("%s-%d-%d", k.Day.Format("20060102"), k.Rank, k.ID)
}

// ParseTimelineKey decodes a cursor made by String.
func ParseTimelineKey(s string) (TimelineKey, bool) {
	parts := strings.Split(s, "-")
	if len(parts) != 3 {
		return TimelineKey{}, false
	}
	d, err := time.Parse("20060102", parts[0])
	if err != nil {
		return TimelineKey{}, false
	}
	rank, err := strconv.Atoi(parts[1])
	if err != nil || rank < RankDeadline || rank > RankChange {
		return TimelineKey{}, false
	}
	id, err := strconv.ParseInt(parts[2], 10, 64)
	if err != nil || id < 0 {
		return TimelineKey{}, false
	}
	return TimelineKey{Day: d, Rank: rank, ID: id}, true
}

// FieldChange is one changed field of an audited change.
type FieldChange struct {
	Field string
	Old   string
	New   string
}

// AuditChange is a create or update event of the audit log, for the timeline.
type AuditChange struct {
	ID       int64
	Day      time.Time // the day in Norway
	At       time.Time
	UserName string
	Action   string // create or update
	Entity   string
	EntityID *int64
	Fields   []FieldChange
}

// TimelineItem is one entry of a person's timeline: exactly one of Note,
// Change and Deadline is set.
type TimelineItem struct {
	Key      TimelineKey
	Note     *Note
	Change   *AuditChange
	Deadline *Deadline
}

// DeadlineOnTimeline reports whether the timeline shows d to a user of role
// r: deadlines not yet done, and health items to the health role alone.
func DeadlineOnTimeline(d Deadline, r Role) bool {
	if d.Health && !r.Can(CapReadHealth) {
		return false
	}
	return d.Status != DeadlineDone
}

// MergeTimeline merges notes, changes and deadlines into the timeline order,
// keeps the items after the cursor (nil: from the start), and returns at most
// limit of them with the cursor of the next page (nil when there is none).
// Notes and changes must each hold the first limit+1 items after the cursor
// (or all there are); deadlines may be all of the person's.
func MergeTimeline(after *TimelineKey, limit int, notes []Note, changes []AuditChange, deadlines []Deadline, r Role) ([]TimelineItem, *TimelineKey) {
	var items []TimelineItem
	keep := func(it TimelineItem) {
		if after == nil || after.Before(it.Key) {
			items = append(items, it)
		}
	}
	for i := range notes {
		n := &notes[i]
		keep(TimelineItem{Key: TimelineKey{Day: Date(n.NoteDate), Rank: RankNote, ID: n.ID}, Note: n})
	}
	for i := range changes {
		c := &changes[i]
		keep(TimelineItem{Key: TimelineKey{Day: Date(c.Day), Rank: RankChange, ID: c.ID}, Change: c})
	}
	// Deadlines have no id: number them in a stable order (a later due date,
	// a higher number, so that within a day the order is the same as by due).
	var ds []Deadline
	for _, d := range deadlines {
		if DeadlineOnTimeline(d, r) {
			ds = append(ds, d)
		}
	}
	slices.SortStableFunc(ds, func(a, b Deadline) int {
		return cmp.Or(a.Due.Compare(b.Due), cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Title, b.Title))
	})
	for i := range ds {
		keep(TimelineItem{Key: TimelineKey{Day: Date(ds[i].Due), Rank: RankDeadline, ID: int64(i + 1)}, Deadline: &ds[i]})
	}
	slices.SortFunc(items, func(a, b TimelineItem) int {
		switch {
		case a.Key.Before(b.Key):
			return -1
		case b.Key.Before(a.Key):
			return 1
		}
		return 0
	})
	if limit <= 0 || len(items) <= limit {
		return items, nil
	}
	items = items[:limit]
	next := items[limit-1].Key
	return items, &next
}
