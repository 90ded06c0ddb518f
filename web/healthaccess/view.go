// Package healthaccess holds a person's health access report: who read or
// changed the person's health items, when, in which role and with which
// purpose, newest first, for a GDPR access request (leaders and admins).
package healthaccess

import "ankomst/internal/domain"

// View is the report page's model.
type View struct {
	User       *domain.User
	PersonID   int64
	PersonName string
	CSVURL     string
	Rows       []Row
	NextURL    string
	FirstURL   string
}

// Row is one event.
type Row struct {
	At      string
	User    string
	Role    string
	What    string // Lest, Endret, Eksportert …
	Purpose string // the purpose given, or ""
	Ref     string
}
