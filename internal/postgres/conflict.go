package postgres

import "ankomst/internal/domain"

// ConflictError answers a change based on an old version of a record
// (optimistic locking: nothing is overwritten silently). Current is the
// stored record, for showing both versions beside the user's input; Message
// is the plain Norwegian explanation. It unwraps to an ECONFLICT domain error.
// One type for every module: StaleError, CaseStaleError, DeadlineStaleError,
// HouseholdStaleError and NoteStaleError are its instances by record type.
type ConflictError[T any] struct {
	Current T
	Message string
}

func (e *ConflictError[T]) Error() string { return "stale version" }
func (e *ConflictError[T]) Unwrap() error {
	return domain.Errorf(domain.ECONFLICT, "%s", e.Message)
}

// The conflict errors of the modules (aliases, so errors.As matches them).
type (
	StaleError          = ConflictError[*domain.Person]          // a person edited by someone else
	CaseStaleError      = ConflictError[*domain.Person]          // a case closed or reopened meanwhile
	DeadlineStaleError  = ConflictError[*domain.Deadline]        // a deadline or task
	HouseholdStaleError = ConflictError[*domain.HouseholdDetail] // a household
	NoteStaleError      = ConflictError[*domain.Note]            // a case note
)
