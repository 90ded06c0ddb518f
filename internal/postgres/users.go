package postgres

import (
	"context"
	"errors"
	"strings"
	"time"

	"ankomst/internal/domain"
	"ankomst/internal/password"

	"github.com/jackc/pgx/v5"
)

// Lockout policy: MaxLoginFailures failed logins within LockoutWindow lock
// the account for LockoutWindow.
const (
	MaxLoginFailures = 5
	LockoutWindow    = 15 * time.Minute
)

// ErrLoginFailed is the one answer to every failed login: wrong password,
// unknown e-mail, locked or deactivated account look the same to the user.
var ErrLoginFailed = &domain.Error{
	Code:    domain.EUNAUTHORIZED,
	Message: "Innloggingen mislyktes. Sjekk e-post og passord. Etter 5 mislykkede forsøk blir kontoen låst i 15 minutter.",
}

const userColumns = `u.id, u.email, u.name, u.role, u.unit_id, n.name AS unit_name, u.active, u.session_epoch,
	u.totp_enabled_at IS NOT NULL AS totp_enabled, n.require_2fa AS unit_requires_2fa`

// EnsureUnit returns the id of the unit with this name, creating it if needed.
func (db *DB) EnsureUnit(ctx context.Context, name string) (int64, error) {
	var id int64
	err := db.Pool.QueryRow(ctx, `
		WITH ins AS (
			INSERT INTO units (name) VALUES ($1) ON CONFLICT (name) DO NOTHING RETURNING id
		)
		SELECT id FROM ins UNION ALL SELECT id FROM units WHERE name = $1
		LIMIT 1`, name).Scan(&id)
	return id, err
}

// NewUser is what `ankomst user create` registers.
type NewUser struct {
	Email    string
	Name     string
	Role     domain.Role
	UnitName string
	Password string
}

// CreateUser registers a staff user, creating the unit if needed.
func (db *DB) CreateUser(ctx context.Context, nu NewUser) (int64, error) {
	nu.Email = strings.TrimSpace(nu.Email)
	if !strings.Contains(nu.Email, "@") {
		return 0, domain.Errorf(domain.EINVALID, "Ugyldig e-postadresse.")
	}
	if !nu.Role.Valid() {
		return 0, domain.Errorf(domain.EINVALID, "Ukjent rolle %q.", nu.Role)
	}
	if strings.TrimSpace(nu.Name) == "" {
		return 0, domain.Errorf(domain.EINVALID, "Navn må fylles ut.")
	}
	if msg := password.Validate(nu.Password); msg != "" {
		return 0, domain.Errorf(domain.EINVALID, "%s", msg)
	}
	hash, err := password.Hash(nu.Password)
	if err != nil {
		return 0, err
	}
	unitID, err := db.EnsureUnit(ctx, nu.UnitName)
	if err != nil {
		return 0, err
	}
	var id int64
	err = db.WithTx(ctx, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `
			INSERT INTO users (email, name, role, unit_id, password_hash)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`,
			nu.Email, strings.TrimSpace(nu.Name), string(nu.Role), unitID, hash).Scan(&id); err != nil {
			return err
		}
		return writeAudit(ctx, tx, domain.Scope{Role: "system"}, auditEvent{Action: ActionCreate, Entity: "user", EntityID: &id})
	})
	if err != nil {
		if domain.ErrorCode(mapError(err)) == domain.ECONFLICT {
			return 0, domain.Errorf(domain.ECONFLICT, "En bruker med denne e-postadressen finnes allerede.")
		}
		return 0, err
	}
	return id, nil
}

// Authenticate checks an e-mail and password, applying the lockout policy,
// and audits the attempt. Every failure returns ErrLoginFailed.
//
// The attempt is counted before the password is verified, in one UPDATE that
// increments the account's counter and returns it (concurrent attempts on one
// account serialise on the row), so a burst of parallel guesses gets at most
// MaxLoginFailures verifications per window: the rest are refused unverified.
func (db *DB) Authenticate(ctx context.Context, email, pw, requestID string) (*domain.User, error) {
	var (
		u        domain.User
		hash     string
		locked   *time.Time
		attempts int
	)
	now := db.Now()
	check := db.CheckPassword
	if check == nil {
		check = password.Check
	}
	err := db.Pool.QueryRow(ctx, `
		UPDATE users u SET
			login_attempts = CASE WHEN u.login_attempts_since > $2 THEN u.login_attempts + 1 ELSE 1 END,
			login_attempts_since = CASE WHEN u.login_attempts_since > $2 THEN u.login_attempts_since ELSE $3 END
		FROM units n
		WHERE n.id = u.unit_id AND lower(u.email) = lower($1)
		RETURNING `+userColumns+`, u.password_hash, u.locked_until, u.login_attempts`,
		strings.TrimSpace(email), now.Add(-LockoutWindow), now).
		Scan(&u.ID, &u.Email, &u.Name, &u.Role, &u.UnitID, &u.UnitName, &u.Active, &u.SessionEpoch, &u.TOTPEnabled, &u.UnitRequires2FA, &hash, &locked, &attempts)
	if errors.Is(err, pgx.ErrNoRows) {
		password.Check(pw, "") // same work as a real check
		return nil, ErrLoginFailed
	} else if err != nil {
		return nil, err
	}
	scope := domain.Scope{UserID: u.ID, UnitID: u.UnitID, Role: u.Role, RequestID: requestID}
	fail := func(reason string, lock bool) (*domain.User, error) {
		err := db.WithTx(ctx, func(tx pgx.Tx) error {
			if lock {
				if _, err := tx.Exec(ctx, `UPDATE users SET locked_until = $2 WHERE id = $1`, u.ID, now.Add(LockoutWindow)); err != nil {
					return err
				}
			}
			return writeAudit(ctx, tx, scope, auditEvent{Action: ActionLoginFailed, Entity: "user", EntityID: &u.ID,
				Details: &domain.AuditDetails{Reason: reason}})
		})
		if err != nil {
			return nil, err
		}
		return nil, ErrLoginFailed
	}
	switch {
	case !u.Active || (locked != nil && locked.After(now)):
		password.Check(pw, "") // same work, nothing verified
		return fail("locked_or_inactive", false)
	case attempts > MaxLoginFailures:
		// Over the limit (a parallel burst): refused without verifying.
		password.Check(pw, "")
		return fail("locked", locked == nil || !locked.After(now))
	case !check(pw, hash):
		if attempts >= MaxLoginFailures {
			return fail("locked", true)
		}
		return fail("wrong_password", false)
	}
	if u.TOTPEnabled {
		// The password was right; the attempt stays counted until the code
		// step succeeds (VerifySecondFactor), so a thief of the password gets
		// no more code guesses than MaxLoginFailures per window.
		err = db.WithTx(ctx, func(tx pgx.Tx) error {
			return writeAudit(ctx, tx, scope, auditEvent{Action: ActionLoginPassword, Entity: "user", EntityID: &u.ID})
		})
		if err != nil {
			return nil, err
		}
		return &u, nil
	}
	err = db.WithTx(ctx, func(tx pgx.Tx) error {
		// A success forgets the attempts up to and including itself (its
		// number was attempts), not those reserved after it: in a parallel
		// burst they stay counted, so the burst still gets at most
		// MaxLoginFailures verifications. Sequentially this is a full reset.
		if _, err := tx.Exec(ctx, `
			UPDATE users SET
				login_attempts = greatest(login_attempts - $2, 0),
				login_attempts_since = CASE WHEN login_attempts - $2 > 0 THEN login_attempts_since END,
				locked_until = CASE WHEN login_attempts - $2 > 0 THEN locked_until END
			WHERE id = $1`, u.ID, attempts); err != nil {
			return err
		}
		return writeAudit(ctx, tx, scope, auditEvent{Action: ActionLogin, Entity: "user", EntityID: &u.ID})
	})
	if err != nil {
		return nil, err
	}
	return &u, nil
}

// RecordLogout audits a logout.
func (db *DB) RecordLogout(ctx context.Context, s domain.Scope) error {
	return db.WithTx(ctx, func(tx pgx.Tx) error {
		return writeAudit(ctx, tx, s, auditEvent{Action: ActionLogout, Entity: "user", EntityID: &s.UserID})
	})
}

// UserByID returns an active user, for loading the session's user.
func (db *DB) UserByID(ctx context.Context, id int64) (*domain.User, error) {
	rows, err := db.Pool.Query(ctx, `
		SELECT `+userColumns+` FROM users u JOIN units n ON n.id = u.unit_id
		WHERE u.id = $1 AND u.active`, id)
	if err != nil {
		return nil, err
	}
	u, err := pgx.CollectExactlyOneRow(rows, pgx.RowToAddrOfStructByName[domain.User])
	return u, mapError(err)
}

// EndSessions invalidates every session of the user (by bumping the epoch
// the session middleware compares against).
func (db *DB) EndSessions(ctx context.Context, userID int64) error {
	_, err := db.Pool.Exec(ctx, `UPDATE users SET session_epoch = session_epoch + 1 WHERE id = $1`, userID)
	return err
}

// Caseworkers lists the users a person can be assigned to, within scope:
// caseworkers and leaders of the user's unit (every unit for admins).
func (db *DB) Caseworkers(ctx context.Context, s domain.Scope) ([]domain.User, error) {
	where, args := unitScope(s, "u.unit_id", 1)
	rows, err := db.Pool.Query(ctx, `
		SELECT `+userColumns+` FROM users u JOIN units n ON n.id = u.unit_id
		WHERE u.active AND u.role IN `+holdCaseloadRoles()+` AND `+where+`
		ORDER BY u.name, u.id`, args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByName[domain.User])
}

// CountUsers returns how many users exist (the demo loader checks it).
func (db *DB) CountUsers(ctx context.Context) (int, error) {
	var n int
	err := db.Pool.QueryRow(ctx, `SELECT count(*) FROM users`).Scan(&n)
	return n, err
}
