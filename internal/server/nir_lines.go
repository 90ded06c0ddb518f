package server

import (
	"archive/zip"
	"bufio"
	"compress/flate"
	"io"
	"strconv"
	"time"
	"unicode"
	"unicode/utf8"

	"ankomst/internal/domain"
	"ankomst/internal/postgres"
)

// The NIR file's CSV lines, written straight into the response's buffer:
// 367 000 lines for 100 000 participants. A programme's 30 cells are
// encoded once (appendCSVField: encoding/csv's quoting for ';' and CRLF,
// text defused against formulas) and those bytes written before each of
// its element lines; numbers and dates are appended with strconv and a
// hand-rolled ISO date, not formatted into strings first. TestNIRFileGolden
// pins the bytes (they are those of csv.Writer over nirProgrammeTexts).

// nirLabels holds the code lists the file labels, read once per export
// (domain's accessors return fresh copies).
type nirLabels struct {
	decisions, goals, reasons, activities []domain.Option
}

func newNIRLabels() nirLabels {
	return nirLabels{domain.Decisions(), domain.EndGoals(), domain.EndReasons(), domain.EndActivities()}
}

// label is a code's label, "" for none.
func label(opts []domain.Option, v string) string {
	if v == "" {
		return ""
	}
	return domain.Label(opts, v)
}

// nirCSVLines writes the file's lines. A programme's columns are the same
// on each of its element lines: they are encoded once per programme and
// written before each element's cells.
type nirCSVLines struct {
	id     int64
	have   bool
	labels nirLabels
	prefix []byte // the programme's cells, encoded, each followed by ';'
	line   []byte // the element's cells and the CRLF
}

func (c *nirCSVLines) write(w *bufio.Writer, l *postgres.NIRLine) error {
	if !c.have || l.PersonID != c.id {
		if !c.have {
			c.labels = newNIRLabels()
		}
		c.id, c.have = l.PersonID, true
		c.prefix = c.appendProgramme(c.prefix[:0], l)
	}
	b := c.line[:0]
	if l.Element != 0 {
		b = strconv.AppendInt(b, int64(l.Element), 10)
		b = append(b, ';')
		b = appendCSVField(b, domain.ElementLabel(l.ElementKind))
		b = append(b, ';')
		b = appendCSVField(b, csvSafeCell(l.ElementText))
		b = append(b, ';')
		b = appendPlainHours(b, l.ElementMinutes)
		b = append(b, ';')
		b = appendISODate(b, l.ElementFrom)
		b = append(b, ';')
		b = appendISODate(b, l.ElementTo)
	} else {
		b = append(b, ";;;;;"...)
	}
	b = append(b, '\r', '\n')
	c.line = b
	if _, err := w.Write(c.prefix); err != nil {
		return err
	}
	_, err := w.Write(b)
	return err
}

// appendProgramme appends the programme's cells (every column before the
// element's), each followed by ';'; the same texts as nirProgrammeTexts,
// names and free text defused.
func (c *nirCSVLines) appendProgramme(b []byte, l *postgres.NIRLine) []byte {
	sep := func(b []byte) []byte { return append(b, ';') }
	b = sep(strconv.AppendInt(b, l.PersonID, 10))
	b = sep(appendCSVField(b, csvSafeCell(l.DUFNumber)))
	b = sep(appendCSVField(b, csvSafeCell(l.FamilyName)))
	b = sep(appendCSVField(b, csvSafeCell(l.GivenName)))
	b = sep(l.BirthDate.AppendFormat(b, "2006-01-02"))
	b = sep(appendCSVField(b, csvSafeCell(l.UnitName)))
	if l.PrevExportedAt == nil {
		b = append(b, "Ny;;"...)
	} else {
		b = append(b, "Endret;"...)
		b = sep(l.PrevExportedAt.In(domain.Oslo).AppendFormat(b, "2006-01-02 15:04"))
	}
	b = sep(appendCSVField(b, label(c.labels.decisions, l.Decision)))
	b = sep(appendISODate(b, l.DecisionDate))
	b = sep(appendCSVField(b, csvSafeCell(l.RefusalReason)))
	b = sep(appendISODate(b, l.StartDate))
	b = sep(appendISODate(b, l.PlannedEnd))
	b = sep(strconv.AppendInt(b, int64(l.Extension), 10))
	b = sep(appendCSVField(b, label(c.labels.goals, l.EndGoal)))
	b = sep(appendISODate(b, l.MappingOn))
	b = sep(appendISODate(b, l.GuidanceOn))
	b = sep(appendISODate(b, l.ContractOn))
	b = sep(appendCSVField(b, l.Leaves))
	b = sep(strconv.AppendInt(b, int64(l.LeaveDays), 10))
	b = sep(appendCSVField(b, l.Interruptions))
	for _, m := range l.AbsenceMinutes {
		b = sep(appendPlainHours(b, m))
	}
	b = sep(appendISODate(b, l.EndedOn))
	b = sep(appendCSVField(b, label(c.labels.reasons, l.EndReason)))
	return sep(appendCSVField(b, label(c.labels.activities, l.EndActivity)))
}

// appendCSVField appends one field as encoding/csv's Writer writes it with
// Comma ';' and UseCRLF: quoted when it holds ';', '"', CR or LF, starts
// with a space, or is `\.`; inside quotes '"' doubled, CR dropped, LF
// written as CRLF.
func appendCSVField(b []byte, s string) []byte {
	if !csvFieldNeedsQuotes(s) {
		return append(b, s...)
	}
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '"':
			b = append(b, '"', '"')
		case '\r':
		case '\n':
			b = append(b, '\r', '\n')
		default:
			b = append(b, c)
		}
	}
	return append(b, '"')
}

// csvFieldNeedsQuotes is encoding/csv's rule for Comma ';'.
func csvFieldNeedsQuotes(s string) bool {
	if s == "" {
		return false
	}
	if s == `\.` {
		return true
	}
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\n', '\r', '"', ';':
			return true
		}
	}
	if s[0] < utf8.RuneSelf {
		return s[0] == ' ' || s[0] == '\t' || s[0] == '\v' || s[0] == '\f' // CR and LF quoted above
	}
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsSpace(r)
}

// appendISODate appends d as YYYY-MM-DD (isoDate), nothing for none.
func appendISODate(b []byte, d *time.Time) []byte {
	if d == nil || d.IsZero() {
		return b
	}
	y, m, day := d.Date()
	if y < 0 || y > 9999 {
		return d.AppendFormat(b, "2006-01-02")
	}
	return append(b, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-',
		byte('0'+m/10), byte('0'+m%10), '-', byte('0'+day/10), byte('0'+day%10))
}

// appendPlainHours appends minutes as hours with a decimal comma (plainHours).
func appendPlainHours(b []byte, min int) []byte {
	if min%60 == 0 {
		return strconv.AppendInt(b, int64(min/60), 10)
	}
	n := len(b)
	b = strconv.AppendFloat(b, float64(min)/60, 'f', -1, 64)
	for i := n; i < len(b); i++ {
		if b[i] == '.' {
			b[i] = ','
			break
		}
	}
	return b
}

// nirXLSXRows builds the workbook's row of a line, reusing one slice: the
// same cells as the CSV's texts (not defused: a workbook's inline strings
// are never formulas), numbers as float64 (the values the texts parse to).
// A programme's cells are built once for its element lines.
type nirXLSXRows struct {
	id    int64
	have  bool
	texts []string
	cell  []any
	hours map[int]any // element scopes repeat: boxed once
}

func (x *nirXLSXRows) cells(l *postgres.NIRLine) []any {
	n := len(nirColumns) - nirElementColumns
	if x.cell == nil {
		x.cell = make([]any, len(nirColumns))
		x.hours = map[int]any{}
	}
	if !x.have || l.PersonID != x.id {
		x.id, x.have = l.PersonID, true
		x.texts = nirProgrammeTexts(l, x.texts[:0])
		for i, t := range x.texts {
			x.cell[i] = t
		}
		x.cell[0] = float64(l.PersonID)
		x.cell[13] = float64(l.Extension)
		x.cell[19] = float64(l.LeaveDays)
		for i, m := range l.AbsenceMinutes {
			x.cell[21+i] = float64(m) / 60
		}
	}
	if l.Element == 0 {
		for i := n; i < len(x.cell); i++ {
			x.cell[i] = ""
		}
		return x.cell
	}
	h, ok := x.hours[l.ElementMinutes]
	if !ok {
		h = float64(l.ElementMinutes) / 60
		if len(x.hours) < 4096 { // bounded: scopes repeat
			x.hours[l.ElementMinutes] = h
		}
	}
	x.cell[n], x.cell[n+1], x.cell[n+2] = float64(l.Element), domain.ElementLabel(l.ElementKind), l.ElementText
	x.cell[n+3], x.cell[n+4], x.cell[n+5] = h, isoDate(l.ElementFrom), isoDate(l.ElementTo)
	return x.cell
}

// newFastZipWriter is a zip writer that deflates at flate.BestSpeed: the
// NIR workbook's sheet is some 250 MB of XML for 100 000 participants, and
// the default level costs several seconds more for a somewhat smaller file.
// The parts and their bytes are the same.
func newFastZipWriter(w io.Writer) *zip.Writer {
	zw := zip.NewWriter(w)
	zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(out, flate.BestSpeed)
	})
	return zw
}
