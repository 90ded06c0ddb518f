// Package domain holds Ankomst's types, validation and rules of law.
// It imports nothing of the project and does no I/O.
package domain

import (
	"errors"
	"fmt"
)

// Error codes. The server maps them to HTTP statuses.
const (
	ECONFLICT     = "conflict"     // unique violation or a lost optimistic-locking race
	EINTERNAL     = "internal"     // a bug or an outage; the message is never shown
	EINVALID      = "invalid"      // bad input
	ENOTFOUND     = "not_found"    // missing, or outside the user's scope
	EFORBIDDEN    = "forbidden"    // the role may not do this
	EUNAUTHORIZED = "unauthorized" // not logged in, or wrong credentials
)

// Error is an error with a machine code and a user-safe Norwegian message.
type Error struct {
	Code    string
	Message string
	// Fields maps a form field name to its message (for EINVALID).
	Fields map[string]string
}

func (e *Error) Error() string {
	return fmt.Sprintf("ankomst error: code=%s message=%s", e.Code, e.Message)
}

// Errorf returns an *Error with the code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL
// for any other non-nil error and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-safe message of err, or a generic one.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Code != EINTERNAL {
		return e.Message
	}
	return "Det oppstod en feil i systemet."
}
