package postgres

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"ankomst/internal/domain"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// EntityNote is the audit entity of case notes.
const EntityNote = domain.EntityNote

// NoteLockedError answers an edit more than 24 hours after the note was
// written: it can only be corrected by a new note.
type NoteLockedError struct{ Note *domain.Note }

func (e *NoteLockedError) Error() string { return "note locked" }
func (e *NoteLockedError) Unwrap() error {
	return domain.Errorf(domain.EFORBIDDEN, "Notatet er eldre enn 24 timer og kan ikke endres. Skriv en korrigering i stedet.")
}

// NoteCorrectedError answers an edit or a correction of a note that already
// has a correction.
type NoteCorrectedError struct{ CorrectionID int64 }

func (e *NoteCorrectedError) Error() string { return "note already corrected" }
func (e *NoteCorrectedError) Unwrap() error {
	return domain.Errorf(domain.ECONFLICT, "Notatet er allerede korrigert.")
}

const noteColumns = `n.id, n.person_id, n.kind, n.note_date, n.body, n.author_id, au.name AS author_name,
	n.created_at, n.updated_at, n.version, n.corrects_id, o.note_date AS corrects_date,
	c.id AS corrected_by_id, c.note_date AS corrected_by_date, n.interpreter_used, n.interpreter_mode,
	n.interpreter_category, n.interpreter_language, n.interpreter_is_child, n.interpreter_emergency,
	n.no_interpreter_reason`

// noteFrom joins a note to its person (for the scope), its author, the note
// it corrects and its own correction.
const noteFrom = `case_notes n
	JOIN persons p ON p.id = n.person_id
	JOIN users au ON au.id = n.author_id
	LEFT JOIN case_notes o ON o.id = n.corrects_id
	LEFT JOIN case_notes c ON c.corrects_id = n.id`

// NoteSubject returns the person a note is written about, if the user may
// read notes and see the person.
func (db *DB) NoteSubject(ctx context.Context, s domain.Scope, personID int64) (domain.NoteSubject, error) {
	if err := s.Role.Require(domain.CapReadNotes); err != nil {
		return domain.NoteSubject{}, err
	}
	return db.noteSubject(ctx, db.Pool, s, personID)
}

func (db *DB) noteSubject(ctx context.Context, q querier, s domain.Scope, personID int64) (domain.NoteSubject, error) {
	where, args := unitScope(s, "p.unit_id", 2)
	rows, err := q.Query(ctx, `SELECT p.id, p.given_name, p.family_name, p.interpreter_needed, p.interpreter_language
		FROM persons p WHERE p.id = $1 AND `+where, append([]any{personID}, args...)...)
	if err != nil {
		return domain.NoteSubject{}, err
	}
	sub, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[domain.NoteSubject])
	if errors.Is(err, pgx.ErrNoRows) {
		return sub, domain.Errorf(domain.ENOTFOUND, "Fant ikke personen.")
	}
	return sub, err
}

// noteRow is a note with its person, read in one scoped query.
type noteRow struct {
	domain.Note
	GivenName                 string `db:"given_name"`
	FamilyName                string `db:"family_name"`
	PersonInterpreterNeeded   bool   `db:"person_interpreter_needed"`
	PersonInterpreterLanguage string `db:"person_interpreter_language"`
}

func (db *DB) getNote(ctx context.Context, q querier, s domain.Scope, personID, noteID int64, lock bool) (*domain.Note, domain.NoteSubject, error) {
	where, args := unitScope(s, "p.unit_id", 3)
	sql := `SELECT ` + noteColumns + `, p.given_name, p.family_name,
			p.interpreter_needed AS person_interpreter_needed, p.interpreter_language AS person_interpreter_language
		FROM ` + noteFrom + `
		WHERE n.id = $1 AND n.person_id = $2 AND ` + where
	if lock {
		sql += ` FOR UPDATE OF n`
	}
	rows, err := q.Query(ctx, sql, append([]any{noteID, personID}, args...)...)
	if err != nil {
		return nil, domain.NoteSubject{}, err
	}
	r, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[noteRow])
	if err != nil {
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, domain.NoteSubject{}, domain.Errorf(domain.ENOTFOUND, "Fant ikke notatet.")
		}
		return nil, domain.NoteSubject{}, err
	}
	n := r.Note
	return &n, domain.NoteSubject{PersonID: personID, GivenName: r.GivenName, FamilyName: r.FamilyName,
		InterpreterNeeded: r.PersonInterpreterNeeded, InterpreterLanguage: r.PersonInterpreterLanguage}, nil
}

// GetNote returns a note of a person in scope, with the person. Only roles
// that may read notes get it.
func (db *DB) GetNote(ctx context.Context, s domain.Scope, personID, noteID int64) (*domain.Note, domain.NoteSubject, error) {
	if err := s.Role.Require(domain.CapReadNotes); err != nil {
		return nil, domain.NoteSubject{}, err
	}
	return db.getNote(ctx, db.Pool, s, personID, noteID, false)
}

// noteByToken returns the note this user already stored from the same form
// (a double submit), or 0.
func noteByToken(ctx context.Context, tx pgx.Tx, s domain.Scope, personID int64, token string) (int64, error) {
	if token == "" {
		return 0, nil
	}
	var id, author, person int64
	err := tx.QueryRow(ctx, `SELECT id, author_id, person_id FROM case_notes WHERE submit_token = $1`, token).Scan(&id, &author, &person)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	} else if err != nil {
		return 0, err
	}
	if author != s.UserID || person != personID {
		return 0, domain.Errorf(domain.EINVALID, "Skjemaet er allerede brukt. Last siden på nytt.")
	}
	return id, nil
}

func nullIfEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// insertNote stores a note (or a correction when corrects is set).
func insertNote(ctx context.Context, tx pgx.Tx, s domain.Scope, personID int64, in domain.NoteInput, corrects *int64) (int64, error) {
	var id int64
	err := tx.QueryRow(ctx, `
		INSERT INTO case_notes (person_id, kind, note_date, body, author_id, corrects_id,
			interpreter_used, interpreter_mode, interpreter_category, interpreter_language,
			interpreter_is_child, interpreter_emergency, no_interpreter_reason, submit_token)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
		RETURNING id`,
		personID, in.Kind, in.NoteDate, in.Body, s.UserID, corrects,
		in.InterpreterUsed, in.InterpreterMode, in.InterpreterCategory, in.InterpreterLanguage,
		in.InterpreterIsChild, in.InterpreterEmergency, in.NoInterpreterReason, nullIfEmpty(in.Token)).Scan(&id)
	return id, err
}

// noteContent lists a note's stored fields for the audit log.
func noteContent(n *domain.Note) map[string]string {
	m := map[string]string{
		"kind": n.Kind, "note_date": dateStr(&n.NoteDate), "body": n.Body,
		"interpreter_used": boolPtrStr(n.InterpreterUsed), "interpreter_mode": strPtr(n.InterpreterMode),
		"interpreter_category": strPtr(n.InterpreterCategory), "interpreter_language": n.InterpreterLanguage,
		"interpreter_is_child":  strconv.FormatBool(n.InterpreterIsChild),
		"interpreter_emergency": strconv.FormatBool(n.InterpreterEmergency),
		"no_interpreter_reason": n.NoInterpreterReason,
	}
	return m
}

func inputContent(in domain.NoteInput) map[string]string {
	return noteContent(&domain.Note{Kind: in.Kind, NoteDate: in.NoteDate, Body: in.Body,
		InterpreterUsed: in.InterpreterUsed, InterpreterMode: in.InterpreterMode,
		InterpreterCategory: in.InterpreterCategory, InterpreterLanguage: in.InterpreterLanguage,
		InterpreterIsChild: in.InterpreterIsChild, InterpreterEmergency: in.InterpreterEmergency,
		NoInterpreterReason: in.NoInterpreterReason})
}

func boolPtrStr(b *bool) string {
	if b == nil {
		return ""
	}
	return strconv.FormatBool(*b)
}

// noteChanges lists the fields that differ between the stored note and the input.
func noteChanges(cur *domain.Note, in domain.NoteInput) domain.Changes {
	old, nw := noteContent(cur), inputContent(in)
	ch := domain.Changes{}
	for k, v := range nw {
		ch.Set(k, old[k], v)
	}
	return ch
}

// createdChanges is a new note's content as an audit row's changes.
func createdChanges(in domain.NoteInput, corrects *int64) domain.Changes {
	ch := domain.Changes{}
	for k, v := range inputContent(in) {
		if v != "" && v != "false" {
			ch[k] = domain.Change{New: v}
		}
	}
	if corrects != nil {
		ch["corrects_id"] = domain.Change{New: strconv.FormatInt(*corrects, 10)}
	}
	return ch
}

// CreateNote stores a note about a person in scope and audits it. A repeated
// submit of the same form (same token) returns the note already stored.
func (db *DB) CreateNote(ctx context.Context, s domain.Scope, personID int64, in domain.NoteInput) (int64, error) {
	if err := s.Role.Require(domain.CapWriteNotes); err != nil {
		return 0, err
	}
	var id int64
	err := db.WithTx(ctx, func(tx pgx.Tx) error {
		if _, err := db.personUnit(ctx, tx, s, personID); err != nil {
			return err
		}
		var err error
		if id, err = noteByToken(ctx, tx, s, personID, in.Token); err != nil || id != 0 {
			return err
		}
		if id, err = insertNote(ctx, tx, s, personID, in, nil); err != nil {
			return err
		}
		return writeAudit(ctx, tx, s, auditEvent{Action: ActionCreate, Entity: EntityNote, EntityID: &id,
			PersonID: &personID, Changes: createdChanges(in, nil)})
	})
	if isUniqueViolation(err, "case_notes_submit_token_key") { // a double submit raced
		return db.noteIDByToken(ctx, s, personID, in.Token)
	}
	return id, err
}

func isUniqueViolation(err error, constraint string) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "23505" && pgErr.ConstraintName == constraint
}

func (db *DB) noteIDByToken(ctx context.Context, s domain.Scope, personID int64, token string) (int64, error) {
	var id int64
	err := db.WithTx(ctx, func(tx pgx.Tx) error {
		var err error
		id, err = noteByToken(ctx, tx, s, personID, token)
		if err == nil && id == 0 {
			err = domain.Errorf(domain.ECONFLICT, "Notatet ble lagret samtidig fra et annet skjema.")
		}
		return err
	})
	return id, err
}

// correctionOf returns the id of the correction of a note, or nil. It runs as
// its own statement, so it sees a correction committed while it waited for a
// lock.
func correctionOf(ctx context.Context, tx pgx.Tx, noteID int64) (*int64, error) {
	var id int64
	err := tx.QueryRow(ctx, `SELECT id FROM case_notes WHERE corrects_id = $1`, noteID).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	return &id, nil
}

// UpdateNote saves its author's edit of a note made on in.Version, within 24
// hours of writing it. Someone else's note is EFORBIDDEN; a note past 24 hours
// is a *NoteLockedError; a corrected note a *NoteCorrectedError; an edit on an
// old version a *NoteStaleError with the stored note. Nothing is overwritten.
func (db *DB) UpdateNote(ctx context.Context, s domain.Scope, personID, noteID int64, in domain.NoteInput) (*domain.Note, error) {
	if err := s.Role.Require(domain.CapWriteNotes); err != nil {
		return nil, err
	}
	var out *domain.Note
	err := db.WithTx(ctx, func(tx pgx.Tx) error {
		cur, _, err := db.getNote(ctx, tx, s, personID, noteID, true)
		if err != nil {
			return err
		}
		if cur.AuthorID != s.UserID {
			return domain.Errorf(domain.EFORBIDDEN, "Bare den som skrev notatet, kan endre det. Skriv en korrigering i stedet.")
		}
		if corr, err := correctionOf(ctx, tx, noteID); err != nil {
			return err
		} else if corr != nil {
			return &NoteCorrectedError{CorrectionID: *corr}
		}
		if !domain.NoteEditable(cur.CreatedAt, db.Now()) {
			return &NoteLockedError{Note: cur}
		}
		if cur.Version != in.Version {
			if cur.SameContent(in) { // the same edit submitted twice
				out = cur
				return nil
			}
			return &NoteStaleError{Current: cur, Message: "Notatet ble endret mens du redigerte. Se begge versjonene under."}
		}
		changes := noteChanges(cur, in)
		if len(changes) == 0 {
			out = cur
			return nil
		}
		_, err = tx.Exec(ctx, `
			UPDATE case_notes SET kind = $2, note_date = $3, body = $4, interpreter_used = $5,
				interpreter_mode = $6, interpreter_category = $7, interpreter_language = $8,
				interpreter_is_child = $9, interpreter_emergency = $10, no_interpreter_reason = $11,
				version = version + 1, updated_at = now()
			WHERE id = $1`,
			noteID, in.Kind, in.NoteDate, in.Body, in.InterpreterUsed, in.InterpreterMode,
			in.InterpreterCategory, in.InterpreterLanguage, in.InterpreterIsChild,
			in.InterpreterEmergency, in.NoInterpreterReason)
		if err != nil {
			return err
		}
		if err := writeAudit(ctx, tx, s, auditEvent{Action: ActionUpdate, Entity: EntityNote, EntityID: &noteID,
			PersonID: &personID, Changes: changes}); err != nil {
			return err
		}
		out, _, err = db.getNote(ctx, tx, s, personID, noteID, false)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// CorrectNote stores a correction note that links to the note it corrects
// (which stays as it was) and audits it. A note has at most one correction:
// correcting it again is a *NoteCorrectedError naming the correction.
func (db *DB) CorrectNote(ctx context.Context, s domain.Scope, personID, noteID int64, in domain.NoteInput) (int64, error) {
	if err := s.Role.Require(domain.CapWriteNotes); err != nil {
		return 0, err
	}
	var id int64
	err := db.WithTx(ctx, func(tx pgx.Tx) error {
		if _, _, err := db.getNote(ctx, tx, s, personID, noteID, true); err != nil {
			return err
		}
		var err error
		if id, err = noteByToken(ctx, tx, s, personID, in.Token); err != nil || id != 0 {
			return err
		}
		if corr, err := correctionOf(ctx, tx, noteID); err != nil {
			return err
		} else if corr != nil {
			return &NoteCorrectedError{CorrectionID: *corr}
		}
		if id, err = insertNote(ctx, tx, s, personID, in, &noteID); err != nil {
			return err
		}
		return writeAudit(ctx, tx, s, auditEvent{Action: ActionCreate, Entity: EntityNote, EntityID: &id,
			PersonID: &personID, Changes: createdChanges(in, &noteID)})
	})
	switch {
	case isUniqueViolation(err, "case_notes_corrects_key"):
		var corr int64
		if qerr := db.Pool.QueryRow(ctx, `SELECT id FROM case_notes WHERE corrects_id = $1`, noteID).Scan(&corr); qerr != nil {
			return 0, qerr
		}
		return 0, &NoteCorrectedError{CorrectionID: corr}
	case isUniqueViolation(err, "case_notes_submit_token_key"):
		return db.noteIDByToken(ctx, s, personID, in.Token)
	}
	return id, err
}

// TimelineQuery asks for one page of a person's timeline.
type TimelineQuery struct {
	// Before is the cursor of the "Vis eldre" link (?before=): the page holds
	// the items older than it (after it in the timeline's newest-first order);
	// nil from the newest.
	Before *domain.TimelineKey
	Limit  int
	// AuditView writes a view event for the read (the full timeline page;
	// the person page has audited its own read).
	AuditView bool
}

// Timeline is one page of a person's timeline.
type Timeline struct {
	Subject domain.NoteSubject
	Items   []domain.TimelineItem
	Next    *domain.TimelineKey // the cursor of the next (older) page, or nil
	// NotesHidden tells that the role may not read case notes, so none are shown.
	NotesHidden bool
}

// osloDay is the day in Norway of an audit event, as indexed by
// audit_events_timeline_idx (the expression must stay identical).
const osloDay = `((a.at AT TIME ZONE 'Europe/Oslo')::date)`

// timelineActionsSQL lists the audit actions shown on the timeline (those
// that change something about a person; domain.TimelineActions) as SQL
// literals, for "a.action IN (…)". Literals, not a parameter: the partial
// index audit_events_timeline_idx (migration 000004) has the same IN list as
// its predicate, and the planner can prove a query implies it only from
// constants, never from "= ANY($n)". TestTimelineIndexCoversTimelineActions
// checks that the index holds exactly these actions.
func timelineActionsSQL() string {
	var b strings.Builder
	b.WriteString("(")
	for i, a := range domain.TimelineActions() {
		if !validAuditAction(a) { // names are code constants; never quote anything else
			panic("audit action " + strconv.Quote(a) + " is not a plain name")
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("'" + a + "'")
	}
	b.WriteString(")")
	return b.String()
}

// PersonTimeline returns a page of a person's timeline, newest first: case
// notes (for roles that may read them), create and update events of the
// audit log (not reads, not the notes' own events; health entities only for
// the health role) and deadlines not yet done (health deadlines only for the
// health role).
func (db *DB) PersonTimeline(ctx context.Context, s domain.Scope, personID int64, q TimelineQuery) (*Timeline, error) {
	if q.Limit <= 0 || q.Limit > 200 {
		q.Limit = 50
	}
	// One batch, one round trip and one implicit transaction: the subject,
	// notes, changes and deadlines, then the audit rows of the read. Every
	// statement carries the scope.
	tl := &Timeline{NotesHidden: !s.Role.Can(domain.CapReadNotes)}
	var (
		b         pgx.Batch
		found     bool
		notes     []domain.Note
		changes   []changeRow
		deadlines []domain.Deadline
	)
	where, args := unitScope(s, "p.unit_id", 2)
	b.Queue(`SELECT p.id, p.given_name, p.family_name, p.interpreter_needed, p.interpreter_language
		FROM persons p WHERE p.id = $1 AND `+where, append([]any{personID}, args...)...).Query(func(rows pgx.Rows) error {
		sub, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[domain.NoteSubject])
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		tl.Subject, found = sub, err == nil
		return err
	})
	if !tl.NotesHidden {
		sql, args := timelineNotesSQL(s, personID, q)
		b.Queue(sql, args...).Query(func(rows pgx.Rows) error {
			var err error
			notes, err = pgx.CollectRows(rows, pgx.RowToStructByName[domain.Note])
			return err
		})
	}
	sql, args := timelineChangesSQL(s, personID, q)
	b.Queue(sql, args...).Query(func(rows pgx.Rows) error {
		var err error
		changes, err = pgx.CollectRows(rows, pgx.RowToStructByName[changeRow])
		return err
	})
	queueDeadlines(&b, s, personID, db.today(), func(ds []domain.Deadline) { deadlines = ds })
	if q.AuditView {
		queueViewAudit(&b, s, "timeline", personID)
	}
	queueHealthReadAudit(&b, s, personID)
	if err := db.Pool.SendBatch(ctx, &b).Close(); err != nil {
		return nil, err
	}
	if !found {
		return nil, domain.Errorf(domain.ENOTFOUND, "Fant ikke personen.")
	}
	tl.Items, tl.Next = domain.MergeTimeline(q.Before, q.Limit, notes, changeRows(changes, q.Limit), deadlines, s.Role)
	return tl, nil
}

// timelineNotesSQL is the query of a timeline page's case notes, newest
// first, one more than the page for the "older" link.
func timelineNotesSQL(s domain.Scope, personID int64, q TimelineQuery) (string, []any) {
	where, args := unitScope(s, "p.unit_id", 2)
	args = append([]any{personID}, args...)
	conds := []string{"n.person_id = $1", where}
	if a := q.Before; a != nil {
		args = append(args, a.Day)
		d := "$" + strconv.Itoa(len(args))
		switch {
		case a.Rank < domain.RankNote:
			conds = append(conds, "n.note_date <= "+d)
		case a.Rank == domain.RankNote:
			args = append(args, a.ID)
			conds = append(conds, "(n.note_date, n.id) < ("+d+", $"+strconv.Itoa(len(args))+")")
		default:
			conds = append(conds, "n.note_date < "+d)
		}
	}
	args = append(args, q.Limit+1)
	return `SELECT ` + noteColumns + ` FROM ` + noteFrom + `
		WHERE ` + strings.Join(conds, " AND ") + `
		ORDER BY n.note_date DESC, n.id DESC
		LIMIT $` + strconv.Itoa(len(args)), args
}

type changeRow struct {
	ID        int64             `db:"id"`
	Day       time.Time         `db:"day"`
	At        time.Time         `db:"at"`
	UserName  string            `db:"user_name"`
	Action    string            `db:"action"`
	Entity    string            `db:"entity"`
	EntityID  *int64            `db:"entity_id"`
	Changes   json.RawMessage   `db:"changes"`
	UserNames map[string]string `db:"user_names"`
}

// timelineChangesSQL is the query of a timeline page's audit changes, newest
// first: the person's own events from the partial index
// audit_events_timeline_idx (ordered, limited), then the events of
// registrations merged into the person (merge.go; rare, and frozen, so few),
// without their merge events. The names of users a change refers to
// (caseworker_id …) come along as user_names, so no second query is needed.
// The caller orders the union and trims it (changeRows).
func timelineChangesSQL(s domain.Scope, personID int64, q TimelineQuery) (string, []any) {
	where, args := unitScope(s, "p.unit_id", 2)
	args = append([]any{personID}, args...)
	conds := []string{where, "a.entity <> '" + EntityNote + "'", "a.action IN " + timelineActionsSQL()}
	if !s.Role.Can(domain.CapReadHealth) {
		conds = append(conds, "a.entity NOT LIKE 'health%'")
	}
	if a := q.Before; a != nil {
		args = append(args, a.Day)
		d := "$" + strconv.Itoa(len(args))
		if a.Rank < domain.RankChange {
			conds = append(conds, osloDay+" <= "+d)
		} else {
			args = append(args, a.ID)
			conds = append(conds, "("+osloDay+", a.id) < ("+d+"::date, $"+strconv.Itoa(len(args))+"::bigint)")
		}
	}
	args = append(args, q.Limit+1)
	users := userFieldsSQL()
	sel := `SELECT a.id, ` + osloDay + ` AS day, a.at, coalesce(u.name, '') AS user_name,
			a.action, a.entity, a.entity_id, ` + maskedChangesSQL("p.anonymised_at") + ` AS changes,
			(SELECT jsonb_object_agg(x.id::text, x.name) FROM users x WHERE x.id IN (
				SELECT (c.value->>k)::bigint FROM jsonb_each(CASE WHEN jsonb_typeof(a.changes) = 'object' THEN a.changes END) c,
					unnest(ARRAY['old', 'new']) k
				WHERE c.key IN ` + users + ` AND jsonb_typeof(c.value) = 'object' AND c.value->>k ~ '^[0-9]{1,18}$'
			)) AS user_names
		FROM audit_events a
		JOIN persons p ON p.id = a.person_id
		LEFT JOIN users u ON u.id = a.user_id
		WHERE `
	all := strings.Join(conds, " AND ")
	return `(` + sel + `a.person_id = $1 AND ` + all + `
		ORDER BY ` + osloDay + ` DESC, a.id DESC
		LIMIT $` + strconv.Itoa(len(args)) + `)
		UNION ALL
		(` + sel + `a.person_id = ANY (ARRAY(
			WITH RECURSIVE merged (id) AS (
				SELECT m.id FROM persons m WHERE m.merged_into = $1
				UNION
				SELECT m.id FROM persons m JOIN merged ON m.merged_into = merged.id)
			SELECT id FROM merged))
			AND a.action <> 'merge' AND ` + all + `)`, args
}

// userFieldsSQL lists the audited fields whose values are user ids
// (domain.AuditUserFields) as SQL literals.
func userFieldsSQL() string {
	fields := domain.AuditUserFields()
	for i, f := range fields {
		if !validAuditAction(f) { // plain names from code
			panic("audit field " + strconv.Quote(f) + " is not a plain name")
		}
		fields[i] = "'" + f + "'"
	}
	if len(fields) == 0 {
		return "(NULL)"
	}
	return "(" + strings.Join(fields, ", ") + ")"
}

// changeRows turns the rows of timelineChangesSQL into changes, newest first,
// at most limit+1, with user ids shown as names.
func changeRows(list []changeRow, limit int) []domain.AuditChange {
	slices.SortFunc(list, func(a, b changeRow) int {
		if c := b.Day.Compare(a.Day); c != 0 {
			return c
		}
		return cmp.Compare(b.ID, a.ID)
	})
	if len(list) > limit+1 {
		list = list[:limit+1]
	}
	out := make([]domain.AuditChange, len(list))
	for i, r := range list {
		out[i] = domain.AuditChange{ID: r.ID, Day: r.Day, At: r.At, UserName: r.UserName, Action: r.Action,
			Entity: r.Entity, EntityID: r.EntityID, Fields: decodeChanges(r.Changes)}
		for j, f := range out[i].Fields {
			if domain.AuditFieldIsUser(f.Field) {
				if n, ok := r.UserNames[f.Old]; ok {
					out[i].Fields[j].Old = n
				}
				if n, ok := r.UserNames[f.New]; ok {
					out[i].Fields[j].New = n
				}
			}
		}
	}
	return out
}

// decodeChanges reads an audit row's changes (domain.Changes: {"field":
// {"old": .., "new": ..}}) into fields in display order. Values of another
// shape give no field: rows written before migration 000012 kept details
// such as a deadline's kind or a merge's counts among their changes.
func decodeChanges(raw json.RawMessage) []domain.FieldChange {
	if len(raw) == 0 {
		return nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil
	}
	var out []domain.FieldChange
	for field, v := range m {
		var c struct {
			Old json.RawMessage `json:"old"`
			New json.RawMessage `json:"new"`
		}
		if err := json.Unmarshal(v, &c); err != nil || (c.Old == nil && c.New == nil) {
			continue
		}
		out = append(out, domain.FieldChange{Field: field, Old: jsonText(c.Old), New: jsonText(c.New)})
	}
	domain.SortFieldChanges(out)
	return out
}

// jsonText is a JSON value as text: strings unquoted, null as "".
func jsonText(v json.RawMessage) string {
	v = bytes.TrimSpace(v)
	if len(v) == 0 || string(v) == "null" {
		return ""
	}
	var s string
	if json.Unmarshal(v, &s) == nil {
		return s
	}
	var buf bytes.Buffer
	if json.Compact(&buf, v) == nil {
		return buf.String()
	}
	return string(v)
}
