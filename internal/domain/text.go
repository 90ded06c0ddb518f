package domain

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Free text typed into a form is cleaned here, in one place, before a
// field's own rules (required, length, the characters of a name) are applied.
// Every free-text field of every form goes through CleanLine or CleanText.
//
// Refused, not removed: text with a forbidden character is refused with the
// field's message, and the handler shows the form again with exactly what the
// user typed. Nothing is silently taken out of what the user wrote, and no
// forbidden character is ever stored. A forbidden character is
//   - a control character (Unicode Cc: C0, DEL and C1 such as U+0085 and
//     U+009B), except tab, LF and CR, which are white space;
//   - a bidi embedding, override or isolate (U+202A–U+202E, U+2066–U+2069),
//     which reorders how the text after it is shown ("Trojan Source");
//   - a byte sequence that is not UTF-8.
//
// Other format characters are allowed inside text (LRM and RLM, U+200E and
// U+200F, belong in mixed Arabic and Latin text; ZWNJ in Persian), but text
// that is not empty must hold at least one visible character: a value of
// nothing but zero-width spaces, joiners, word joiners or byte order marks
// is refused. The name rules (NormalizeName) are stricter still.

// TextFault is what is wrong with a piece of free text.
type TextFault int

const (
	TextOK        TextFault = iota
	TextForbidden           // a control or bidi control character, or not UTF-8
	TextInvisible           // not empty, but nothing in it is visible
)

// isBidiControl reports whether r is a bidi embedding, override or isolate
// (LRE, RLE, PDF, LRO, RLO; LRI, RLI, FSI, PDI). The marks LRM, RLM and ALM
// are not: they reorder nothing beyond themselves.
func isBidiControl(r rune) bool {
	return r >= '\u202A' && r <= '\u202E' || r >= '\u2066' && r <= '\u2069'
}

// forbiddenRune reports whether r may not appear in free text; tab, LF and
// CR are allowed (single-line text turns them into spaces).
func forbiddenRune(r rune) bool {
	return unicode.IsControl(r) && r != '\t' && r != '\n' && r != '\r' || isBidiControl(r)
}

// firstForbidden returns the byte offset in s of the first forbidden
// character or invalid UTF-8, or -1.
func firstForbidden(s string) int {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || forbiddenRune(r) {
			return i
		}
		i += size
	}
	return -1
}

// invisibleLetters are letters and symbols that show as blank space: the
// Hangul fillers and the blank Braille pattern.
var invisibleLetters = map[rune]bool{'\u115F': true, '\u1160': true, '\u3164': true, '\uFFA0': true, '\u2800': true}

// isVisible reports whether r shows as something: a letter, digit,
// punctuation or symbol. Spaces, marks on their own, format characters
// (U+200B, U+200C, U+200D, U+2060, U+FEFF, LRM, RLM, ...) and unassigned
// code points do not count.
func isVisible(r rune) bool {
	return unicode.In(r, unicode.L, unicode.N, unicode.P, unicode.S) && !invisibleLetters[r]
}

// CleanLine cleans one line of free text (a name, a title, a reason): it
// refuses forbidden characters, puts the text in Unicode NFC, turns every
// run of white space (tab, LF and CR included) into one space and trims it.
// The result is "" (with TextOK) for text of white space alone; text that is
// not empty but has nothing visible is TextInvisible. On a fault the result
// is "". CleanLine is idempotent.
func CleanLine(s string) (string, TextFault) {
	if firstForbidden(s) >= 0 {
		return "", TextForbidden
	}
	s = strings.Join(strings.Fields(norm.NFC.String(s)), " ")
	if s != "" && !strings.ContainsFunc(s, isVisible) {
		return "", TextInvisible
	}
	return s, TextOK
}

// CleanText cleans multi-line free text (a note's body): CRLF and lone CR
// become LF, tab and LF are kept, forbidden characters are refused; the text
// is put in Unicode NFC and white space at its start and end is trimmed
// (inside, lines keep their spaces and blank lines). On a fault the result is
// "". CleanText is idempotent.
func CleanText(s string) (string, TextFault) {
	s, fault, _ := cleanTextAt(s)
	return s, fault
}

// textLines turns CRLF and lone CR into LF.
func textLines(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}

// cleanTextAt is CleanText that also returns, for TextForbidden, the line
// (from 1) of the first forbidden character, counted as the form shows the
// text.
func cleanTextAt(s string) (string, TextFault, int) {
	s = textLines(s)
	if i := firstForbidden(s); i >= 0 {
		return "", TextForbidden, strings.Count(s[:i], "\n") + 1
	}
	s = strings.TrimSpace(norm.NFC.String(s))
	if s != "" && !strings.ContainsFunc(s, isVisible) {
		return "", TextInvisible, 0
	}
	return s, TextOK, 0
}

// Messages about free text follow the subject that names the field the way
// its other messages do ("Tittel", "Navnet", "Notatet").
const (
	msgTextForbidden = " inneholder kontrolltegn eller usynlige styretegn som ikke er tillatt. Skriv teksten inn på nytt."
	msgTextInvisible = " må inneholde synlige tegn."
)

// lineField cleans a single-line field; on a fault it returns "" and the
// field's message, naming it by subject.
func lineField(subject, s string) (string, string) {
	out, fault := CleanLine(s)
	switch fault {
	case TextForbidden:
		return "", subject + msgTextForbidden
	case TextInvisible:
		return "", subject + msgTextInvisible
	}
	return out, ""
}

// textField cleans a multi-line field; on a fault it returns "" and the
// field's message, which names the line of the first forbidden character so
// the user can find something that does not show.
func textField(subject, s string) (string, string) {
	out, fault, line := cleanTextAt(s)
	switch fault {
	case TextForbidden:
		return "", subject + " inneholder kontrolltegn eller usynlige styretegn som ikke er tillatt (første gang på linje " +
			strconv.Itoa(line) + "). Skriv den linjen inn på nytt."
	case TextInvisible:
		return "", subject + msgTextInvisible
	}
	return out, ""
}
