// Package password hashes and checks staff passwords with argon2id.
package password

import (
	"github.com/alexedwards/argon2id"
)

// Params follow OWASP ASVS: argon2id, t=2, m=19 MiB, p=1.
var params = &argon2id.Params{Memory: 19 * 1024, Iterations: 2, Parallelism: 1, SaltLength: 16, KeyLength: 32}

// dummy is compared against when the user does not exist, so that a login
// with an unknown e-mail takes as long as one with a wrong password.
var dummy, _ = argon2id.CreateHash("ankomst-dummy-password", params)

// Hash returns the encoded argon2id hash of pw.
func Hash(pw string) (string, error) { return argon2id.CreateHash(pw, params) }

// Check reports whether pw matches the encoded hash. An empty hash is
// compared against a dummy and never matches.
func Check(pw, hash string) bool {
	if hash == "" {
		_, _ = argon2id.ComparePasswordAndHash(pw, dummy)
		return false
	}
	ok, err := argon2id.ComparePasswordAndHash(pw, hash)
	return err == nil && ok
}

// Validate returns a Norwegian message if pw is too weak, else "".
func Validate(pw string) string {
	n := len([]rune(pw))
	switch {
	case n < 12:
		return "Passordet må ha minst 12 tegn."
	case n > 256:
		return "Passordet kan ha høyst 256 tegn."
	}
	return ""
}
