package postgres

import (
	"errors"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
)

// Unavailable reports whether err means the database cannot be reached
// right now (stopped, restarting, the network between us cut), as opposed to
// a bug or bad data: the server answers 503 "try again in a moment" for
// these, never a 500. Nothing was acknowledged to the user in that case; a
// write may or may not have been committed, and the page says to check.
//
// Covered: a refused or timed-out connect (pgconn.ConnectError, which also
// wraps 57P03 "the database system is starting up"); a connection the server
// ended (57P01 admin shutdown, 57P02 crash shutdown, class 08 connection
// exceptions, 53300 too many connections); a socket that died (EOF, reset,
// broken pipe, any net.Error); and what pgconn marks safe to retry.
func Unavailable(err error) bool {
	if err == nil {
		return false
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch c := pgErr.Code; {
		case strings.HasPrefix(c, "08"), c == "57P01", c == "57P02", c == "57P03", c == "53300":
			return true
		}
		return false // e.g. a password refused, a constraint: not an outage
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	switch {
	case errors.As(err, &ce), errors.As(err, &ne),
		errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE),
		pgconn.SafeToRetry(err):
		return true
	}
	return false
}

// Concurrent reports whether err is a transaction PostgreSQL rolled back
// because of another one running at the same time: a deadlock (40P01, e.g.
// two attendance saves of groups sharing participants, locking the same
// rows in another order) or a serialization failure (40001). Nothing was
// stored; the server answers 409 "try again", not 500.
func Concurrent(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && (pgErr.Code == "40P01" || pgErr.Code == "40001")
}
