package server

import (
	"crypto/sha256"
	"encoding/base64"
	"net"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"

	"ankomst/internal/domain"
)

// sessionUser loads the session's user and keeps the session's row in
// user_sessions (postgres.SessionUser: one statement, as the plain user read
// was): the admin's list of a user's sessions and ending one of them rest on
// it. A session an admin ended answers as a user not found, so loadUser
// destroys it.
func (s *Server) sessionUser(r *http.Request, id int64) (*domain.User, error) {
	tok := s.Sessions.Token(r.Context())
	cutoff := s.DB.Now().Add(-s.Sessions.Lifetime - s.Sessions.IdleTimeout)
	return s.DB.SessionUser(r.Context(), id, storeTokenHash(tok), cleanHeader(r.UserAgent(), 512), clientAddr(r), cutoff)
}

// storeTokenHash is the key scs (HashTokenInStore) gives a session token in
// the sessions table: SHA-256, unpadded base64url.
func storeTokenHash(tok string) string {
	h := sha256.Sum256([]byte(tok))
	return base64.RawURLEncoding.EncodeToString(h[:])
}

// clientAddr is the client's address as the server sees it (no proxy
// headers are trusted).
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	return cleanHeader(host, 64)
}

// cleanHeader makes a header value safe to store and show: valid UTF-8, no
// control characters, at most max characters.
func cleanHeader(v string, max int) string {
	v = strings.ToValidUTF8(v, "")
	v = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == utf8.RuneError {
			return -1
		}
		return r
	}, v)
	if utf8.RuneCountInString(v) > max {
		v = string([]rune(v)[:max])
	}
	return strings.TrimSpace(v)
}
