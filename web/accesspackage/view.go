// Package accesspackage holds the printable page of a person's access
// package (innsyn, GDPR art. 15): everything stored about the person,
// section by section, and the log of who saw and changed it.
package accesspackage

import (
	"ankomst/internal/domain"
)

// Cell is one value.
type Cell struct {
	Label string
	Value string
}

// Section is one kind of record: a single record as label/value rows, more
// as a table with a column per field.
type Section struct {
	ID      string
	Title   string
	Columns []string // the labels, for a table
	Rows    [][]string
	Single  []Cell // the one record, when there is one
}

// View is the page.
type View struct {
	User        *domain.User
	PersonName  string
	PersonURL   string
	JSONURL     string
	GeneratedAt string
	GeneratedBy string
	Count       int
	Sections    []Section
}
