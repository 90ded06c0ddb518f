// Package totp holds two-factor codes: TOTP (RFC 6238, 30-second steps, six
// digits, SHA-1 as authenticator apps expect) with pquerna/otp, and one-time
// recovery codes.
package totp

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"encoding/base64"
	"image/png"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// Issuer names the app in the authenticator.
const Issuer = "Ankomst"

// Period is the length of one time step.
const Period = 30

// Skew is how many steps before and after the current one are accepted
// (clock drift between the phone and the server).
const Skew = 1

// RecoveryCount is how many recovery codes an enrolment makes.
const RecoveryCount = 10

var opts = totp.ValidateOpts{Period: Period, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// Key is a fresh secret with its otpauth URL.
type Key struct {
	Secret string // base32, no padding
	URL    string
	key    *otp.Key
}

// Generate makes a new secret for the account (its e-mail).
func Generate(account string) (*Key, error) {
	k, err := totp.Generate(totp.GenerateOpts{Issuer: Issuer, AccountName: account, Period: Period, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		return nil, err
	}
	return &Key{Secret: k.Secret(), URL: k.URL(), key: k}, nil
}

// FromSecret rebuilds the key of a secret kept during enrolment.
func FromSecret(account, secret string) (*Key, error) {
	k, err := totp.Generate(totp.GenerateOpts{Issuer: Issuer, AccountName: account, Period: Period,
		Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1, Secret: mustDecode(secret)})
	if err != nil {
		return nil, err
	}
	return &Key{Secret: k.Secret(), URL: k.URL(), key: k}, nil
}

func mustDecode(secret string) []byte {
	b, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(strings.ToUpper(secret))
	if err != nil {
		return nil
	}
	return b
}

// QRDataURI is the key's otpauth URL as a QR code, a PNG data URI.
func (k *Key) QRDataURI() (string, error) {
	img, err := k.key.Image(240, 240)
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return "", err
	}
	return "data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes()), nil
}

// GroupedSecret is the secret in groups of four, for typing by hand.
func GroupedSecret(secret string) string {
	var b strings.Builder
	for i, r := range secret {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Normalize strips spaces and hyphens and lowers the case of a typed code.
func Normalize(code string) string {
	return strings.ToLower(strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '\t' {
			return -1
		}
		return r
	}, code))
}

// Step is the time step of t.
func Step(t time.Time) int64 { return t.Unix() / Period }

// Match returns the time step the six-digit code belongs to, within Skew
// steps of now and after lastStep (a code once accepted is never accepted
// again, nor one of an earlier step). ok is false when it matches none.
func Match(secret, code string, now time.Time, lastStep int64) (step int64, ok bool) {
	code = Normalize(code)
	if len(code) != 6 {
		return 0, false
	}
	cur := Step(now)
	for s := cur - Skew; s <= cur+Skew; s++ {
		if s <= lastStep {
			continue
		}
		want, err := totp.GenerateCodeCustom(secret, time.Unix(s*Period, 0), opts)
		if err != nil {
			return 0, false
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return s, true
		}
	}
	return 0, false
}

// Code is the code of the step at t (for tests and the demo).
func Code(secret string, t time.Time) (string, error) {
	return totp.GenerateCodeCustom(secret, t, opts)
}

var recoveryEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// RecoveryCodes makes RecoveryCount random codes, "xxxxx-xxxxx" (50 bits each).
func RecoveryCodes() []string {
	codes := make([]string, RecoveryCount)
	for i := range codes {
		b := make([]byte, 7)
		rand.Read(b) //nolint:errcheck // crypto/rand never fails
		s := recoveryEncoding.EncodeToString(b)[:10]
		codes[i] = s[:5] + "-" + s[5:]
	}
	return codes
}

// IsRecoveryCode reports whether a normalized code has a recovery code's shape.
func IsRecoveryCode(code string) bool {
	if len(code) != 10 {
		return false
	}
	_, err := recoveryEncoding.DecodeString(code[:8])
	return err == nil
}

// HashRecovery is what is stored of a recovery code (normalized first).
func HashRecovery(code string) []byte {
	h := sha256.Sum256([]byte(Normalize(code)))
	return h[:]
}
