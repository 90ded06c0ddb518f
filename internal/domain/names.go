package domain

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// nameMaxRunes is the greatest length of a name, in characters (runes) after
// normalisation.
const nameMaxRunes = 100

// Messages of NormalizeName.
const (
	msgNameEmpty    = "Navn må fylles ut."
	msgNameTooLong  = "Navnet kan ha høyst 100 tegn."
	msgNameChars    = "Navnet kan bare inneholde bokstaver, mellomrom, bindestrek og apostrof."
	msgNameNoLetter = "Navnet må inneholde minst én bokstav."
	msgNameControl  = "Navnet" + msgTextForbidden
	msgNameVisible  = "Navnet" + msgTextInvisible
)

const (
	nameZWNJ             = '\u200C' // zero-width non-joiner, part of Persian (Dari, Farsi) spelling
	nameRightSingleQuote = '\u2019' // ’, the typographic apostrophe
)

// NormalizeName cleans a person's name as typed: CleanLine refuses control
// and bidi control characters and a name of invisible characters alone,
// trims it, turns every run of white space into a single space and puts it in
// Unicode NFC. A name is required and has at most nameMaxRunes characters. It
// may hold letters of any script (not the blank Hangul fillers), combining
// marks following a letter, spaces, hyphens, apostrophes (' and ’) and
// periods, and must hold at least one letter. A zero-width non-joiner
// (U+200C) is allowed between two letters, because Persian names are written
// with it. An error is an *Error with code EINVALID.
//
// NormalizeName is idempotent: a name it returns is returned unchanged.
func NormalizeName(s string) (string, error) {
	s, fault := CleanLine(s)
	switch {
	case fault == TextForbidden:
		return "", nidInvalid(msgNameControl)
	case fault == TextInvisible:
		return "", nidInvalid(msgNameVisible)
	case s == "":
		return "", nidInvalid(msgNameEmpty)
	}
	if utf8.RuneCountInString(s) > nameMaxRunes {
		return "", nidInvalid(msgNameTooLong)
	}
	hasLetter := false
	prev := ' ' // the rune before r; a space stands for the start
	for i, r := range s {
		switch {
		case invisibleLetters[r]:
			return "", nidInvalid(msgNameChars)
		case unicode.IsLetter(r):
			hasLetter = true
		case unicode.Is(unicode.M, r):
			// A combining mark belongs to the letter before it.
			if !unicode.IsLetter(prev) && !unicode.Is(unicode.M, prev) {
				return "", nidInvalid(msgNameChars)
			}
		case r == nameZWNJ:
			next, _ := utf8.DecodeRuneInString(s[i+utf8.RuneLen(r):])
			if !(unicode.IsLetter(prev) || unicode.Is(unicode.M, prev)) || !unicode.IsLetter(next) {
				return "", nidInvalid(msgNameChars)
			}
		case r == ' ', r == '-', r == '\'', r == nameRightSingleQuote, r == '.':
		default: // digits, symbols, <, >, control and format characters, U+FFFD
			return "", nidInvalid(msgNameChars)
		}
		prev = r
	}
	if !hasLetter {
		return "", nidInvalid(msgNameNoLetter)
	}
	return s, nil
}

// nameFoldMap spells letters that have no decomposition in plain Latin letters.
var nameFoldMap = map[rune]string{
	'ø': "o", 'æ': "ae", 'ß': "ss", 'đ': "d", 'ł': "l", 'ı': "i", 'œ': "oe",
	nameRightSingleQuote: "'", // O’Brien finds O'Brien
	nameZWNJ:             "",  // invisible; Persian names are typed both with and without
}

// FoldName returns the search key of a name: case-folded, without accents
// (é→e, å→a, ü→u), with ø→o, æ→ae, ß→ss, đ→d, ł→l, ı→i, œ→oe, ’→' and single
// spaces. Apply it to both the stored name and the query: a query matches
// where its key is a substring of the name's key. FoldName("Øyvind
// Åsmund-Sæther") is "oyvind asmund-saether".
//
// FoldName is idempotent: FoldName(FoldName(s)) == FoldName(s).
func FoldName(s string) string {
	s = norm.NFD.String(strings.ToValidUTF8(s, "\uFFFD"))
	// Drop the marks before folding, or U+0345 (a mark) would become ι.
	s = norm.NFD.String(strings.Map(nameFoldRune, s))
	var b strings.Builder
	b.Grow(len(s))
	space := true // at the start or after a space: skip white space
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case unicode.IsSpace(r):
			if !space {
				b.WriteByte(' ')
				space = true
			}
			continue
		}
		if m, ok := nameFoldMap[r]; ok {
			b.WriteString(m)
		} else {
			b.WriteRune(r)
		}
		space = false
	}
	return strings.TrimSuffix(b.String(), " ")
}

// nameFoldRune drops nonspacing marks and folds case: the lower case of the
// upper case, so that ς and σ, ſ and s, K (Kelvin) and k all become one.
// (golang.org/x/text/cases.Fold is not used: it is not idempotent on
// Cherokee.)
func nameFoldRune(r rune) rune {
	if unicode.Is(unicode.Mn, r) {
		return -1
	}
	return unicode.ToLower(unicode.ToUpper(r))
}

// EditDistance is the Levenshtein distance between a and b in runes.
func EditDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	if len(ra) < len(rb) {
		ra, rb = rb, ra
	}
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// MaxNameDistance is how many single-letter edits two folded full names may
// differ by and still be suspected to be the same person.
const MaxNameDistance = 2

// SimilarNames reports whether two names are alike enough that, with the same
// birth date, the two are likely one person registered twice. Names are
// compared folded (FoldName: no case, accents or ø/æ/å differences): the same
// family name, or full names at most MaxNameDistance edits apart, in either
// order of given and family name (names are often registered the other way
// round).
func SimilarNames(givenA, familyA, givenB, familyB string) bool {
	fa, fb := FoldName(familyA), FoldName(familyB)
	if fa != "" && fa == fb {
		return true
	}
	full := func(given, family string) string { return FoldName(given + " " + family) }
	a := full(givenA, familyA)
	if a == "" {
		return false
	}
	return EditDistance(a, full(givenB, familyB)) <= MaxNameDistance ||
		EditDistance(a, full(familyB, givenB)) <= MaxNameDistance
}
