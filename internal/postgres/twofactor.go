package postgres

import (
	"context"
	"errors"
	"strconv"
	"time"

	"ankomst/internal/domain"
	"ankomst/internal/password"
	"ankomst/internal/totp"

	"github.com/jackc/pgx/v5"
)

// ErrCodeFailed is the one answer to every failed code step: wrong code,
// replayed code, spent recovery code and a locked account look the same.
var ErrCodeFailed = &domain.Error{
	Code:    domain.EUNAUTHORIZED,
	Message: "Koden stemmer ikke. Bruk koden som vises i appen nå, eller en ubrukt gjenopprettingskode. Etter 5 mislykkede forsøk blir kontoen låst i 15 minutter.",
}

// ErrDisableFailed answers a wrong password or code when turning two-factor off.
var ErrDisableFailed = &domain.Error{
	Code:    domain.EUNAUTHORIZED,
	Message: "Passordet eller koden stemmer ikke. Etter 5 mislykkede forsøk blir kontoen låst i 15 minutter.",
}

// secondFactor is what a code check needs of the user's row, read in the
// same UPDATE that counts the attempt (see Authenticate: the attempt is
// counted before anything is verified).
type secondFactor struct {
	user     domain.User
	hash     string
	secret   *string
	lastStep *int64
	locked   *time.Time
	attempts int
}

func (db *DB) countAttempt(ctx context.Context, userID int64, now time.Time) (*secondFactor, error) {
	var f secondFactor
	u := &f.user
	err := db.Pool.QueryRow(ctx, `
		UPDATE users u SET
			login_attempts = CASE WHEN u.login_attempts_since > $2 THEN u.login_attempts + 1 ELSE 1 END,
			login_attempts_since = CASE WHEN u.login_attempts_since > $2 THEN u.login_attempts_since ELSE $3 END
		FROM units n
		WHERE n.id = u.unit_id AND u.id = $1
		RETURNING `+userColumns+`, u.password_hash, u.totp_secret, u.totp_last_step, u.locked_until, u.login_attempts`,
		userID, now.Add(-LockoutWindow), now).
		Scan(&u.ID, &u.Email, &u.Name, &u.Role, &u.UnitID, &u.UnitName, &u.Active, &u.SessionEpoch, &u.TOTPEnabled, &u.UnitRequires2FA,
			&f.hash, &f.secret, &f.lastStep, &f.locked, &f.attempts)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrCodeFailed
	}
	return &f, err
}

// refused is why a counted attempt may not be verified at all ("" when it may).
func (f *secondFactor) refused(now time.Time) string {
	switch {
	case !f.user.Active || (f.locked != nil && f.locked.After(now)):
		return "locked_or_inactive"
	case f.attempts > MaxLoginFailures:
		return "locked"
	}
	return ""
}

// failAttempt audits a failed attempt and locks the account once the
// attempts reach MaxLoginFailures.
func (db *DB) failAttempt(ctx context.Context, s domain.Scope, f *secondFactor, now time.Time, reason string) error {
	lock := f.attempts >= MaxLoginFailures && (f.locked == nil || !f.locked.After(now))
	return db.WithTx(ctx, func(tx pgx.Tx) error {
		if lock {
			if _, err := tx.Exec(ctx, `UPDATE users SET locked_until = $2 WHERE id = $1`, f.user.ID, now.Add(LockoutWindow)); err != nil {
				return err
			}
		}
		return writeAudit(ctx, tx, s, auditEvent{Action: ActionLoginFailed, Entity: "user", EntityID: &f.user.ID,
			Details: &domain.AuditDetails{Reason: reason}})
	})
}

// forgetAttempts is Authenticate's reset after a success: the attempts up to
// and including this one are forgotten.
func forgetAttempts(ctx context.Context, tx pgx.Tx, userID int64, attempts int) error {
	_, err := tx.Exec(ctx, `
		UPDATE users SET
			login_attempts = greatest(login_attempts - $2, 0),
			login_attempts_since = CASE WHEN login_attempts - $2 > 0 THEN login_attempts_since END,
			locked_until = CASE WHEN login_attempts - $2 > 0 THEN locked_until END
		WHERE id = $1`, userID, attempts)
	return err
}

// VerifySecondFactor is the login's code step for a user whose password was
// right: a TOTP code (accepted once: the step is stored and only later steps
// pass) or an unused recovery code (spent here). The attempt counts against
// the same lockout as passwords. Every failure returns ErrCodeFailed.
func (db *DB) VerifySecondFactor(ctx context.Context, userID int64, code, requestID string) (*domain.User, error) {
	now := db.Now()
	f, err := db.countAttempt(ctx, userID, now)
	if err != nil {
		return nil, err
	}
	s := domain.Scope{UserID: f.user.ID, UnitID: f.user.UnitID, Role: f.user.Role, RequestID: requestID}
	if why := f.refused(now); why != "" || f.secret == nil {
		if why == "" {
			why = "no_second_factor"
		}
		if err := db.failAttempt(ctx, s, f, now, why); err != nil {
			return nil, err
		}
		return nil, ErrCodeFailed
	}
	code = totp.Normalize(code)
	var ok bool
	err = db.WithTx(ctx, func(tx pgx.Tx) error {
		var last int64
		if f.lastStep != nil {
			last = *f.lastStep
		}
		if step, match := totp.Match(*f.secret, code, now, last); match {
			// Conditional on the step still being newer: two parallel
			// requests with one code cannot both pass.
			tag, err := tx.Exec(ctx, `UPDATE users SET totp_last_step = $2 WHERE id = $1 AND (totp_last_step IS NULL OR totp_last_step < $2)`, f.user.ID, step)
			if err != nil {
				return err
			}
			ok = tag.RowsAffected() == 1
		} else if totp.IsRecoveryCode(code) {
			tag, err := tx.Exec(ctx, `UPDATE user_recovery_codes SET used_at = $3 WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL`,
				f.user.ID, totp.HashRecovery(code), now)
			if err != nil {
				return err
			}
			ok = tag.RowsAffected() == 1
		}
		if !ok {
			return nil
		}
		if err := forgetAttempts(ctx, tx, f.user.ID, f.attempts); err != nil {
			return err
		}
		return writeAudit(ctx, tx, s, auditEvent{Action: ActionLogin, Entity: "user", EntityID: &f.user.ID})
	})
	if err != nil {
		return nil, err
	}
	if !ok {
		if err := db.failAttempt(ctx, s, f, now, "wrong_code"); err != nil {
			return nil, err
		}
		return nil, ErrCodeFailed
	}
	return &f.user, nil
}

// EnableTOTP ends an enrolment: the code must match the new secret. It
// stores the secret and the code's step (so the code cannot be used again
// to log in), replaces the recovery codes and returns them: the only time
// they are shown.
func (db *DB) EnableTOTP(ctx context.Context, s domain.Scope, secret, code string) ([]string, error) {
	now := db.Now()
	step, ok := totp.Match(secret, code, now, 0)
	if !ok {
		return nil, domain.Errorf(domain.EINVALID, "Koden stemmer ikke. Skriv inn den sekssifrede koden appen viser nå.")
	}
	codes := totp.RecoveryCodes()
	err := db.WithTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `
			UPDATE users SET totp_secret = $2, totp_enabled_at = $3, totp_last_step = $4, updated_at = $3
			WHERE id = $1 AND totp_secret IS NULL`, s.UserID, secret, now, step)
		if err != nil {
			return err
		}
		if tag.RowsAffected() != 1 {
			return domain.Errorf(domain.ECONFLICT, "Tofaktorinnlogging er allerede slått på.")
		}
		if _, err := tx.Exec(ctx, `DELETE FROM user_recovery_codes WHERE user_id = $1`, s.UserID); err != nil {
			return err
		}
		for _, c := range codes {
			if _, err := tx.Exec(ctx, `INSERT INTO user_recovery_codes (user_id, code_hash) VALUES ($1, $2)`, s.UserID, totp.HashRecovery(c)); err != nil {
				return err
			}
		}
		return writeAudit(ctx, tx, s, auditEvent{Action: ActionEnable2FA, Entity: "user", EntityID: &s.UserID})
	})
	if err != nil {
		return nil, err
	}
	return codes, nil
}

// DisableTOTP turns two-factor off (to re-enrol or, where not required, to
// stop using it) after the password and a current code (or a recovery
// code); the attempt counts against the login lockout.
func (db *DB) DisableTOTP(ctx context.Context, s domain.Scope, pw, code string) error {
	now := db.Now()
	f, err := db.countAttempt(ctx, s.UserID, now)
	if err != nil {
		return err
	}
	check := db.CheckPassword
	if check == nil {
		check = password.Check
	}
	if why := f.refused(now); why != "" || f.secret == nil {
		password.Check(pw, "")
		if why == "" {
			why = "no_second_factor"
		}
		if err := db.failAttempt(ctx, s, f, now, why); err != nil {
			return err
		}
		return ErrDisableFailed
	}
	pwOK := check(pw, f.hash)
	code = totp.Normalize(code)
	var ok bool
	err = db.WithTx(ctx, func(tx pgx.Tx) error {
		if !pwOK {
			return nil
		}
		var last int64
		if f.lastStep != nil {
			last = *f.lastStep
		}
		if step, match := totp.Match(*f.secret, code, now, last); match {
			tag, err := tx.Exec(ctx, `UPDATE users SET totp_last_step = $2 WHERE id = $1 AND (totp_last_step IS NULL OR totp_last_step < $2)`, f.user.ID, step)
			if err != nil {
				return err
			}
			ok = tag.RowsAffected() == 1
		} else if totp.IsRecoveryCode(code) {
			tag, err := tx.Exec(ctx, `UPDATE user_recovery_codes SET used_at = $3 WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL`,
				f.user.ID, totp.HashRecovery(code), now)
			if err != nil {
				return err
			}
			ok = tag.RowsAffected() == 1
		}
		if !ok {
			return nil
		}
		if err := forgetAttempts(ctx, tx, f.user.ID, f.attempts); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `
			UPDATE users SET totp_secret = NULL, totp_enabled_at = NULL, totp_last_step = NULL, updated_at = $2
			WHERE id = $1`, f.user.ID, now); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM user_recovery_codes WHERE user_id = $1`, f.user.ID); err != nil {
			return err
		}
		return writeAudit(ctx, tx, s, auditEvent{Action: ActionDisable2FA, Entity: "user", EntityID: &f.user.ID})
	})
	if err != nil {
		return err
	}
	if !ok {
		reason := "wrong_code"
		if !pwOK {
			reason = "wrong_password"
		}
		if err := db.failAttempt(ctx, s, f, now, reason); err != nil {
			return err
		}
		return ErrDisableFailed
	}
	return nil
}

// RecoveryCodesLeft counts the user's unused recovery codes.
func (db *DB) RecoveryCodesLeft(ctx context.Context, userID int64) (int, error) {
	var n int
	err := db.Pool.QueryRow(ctx, `SELECT count(*) FROM user_recovery_codes WHERE user_id = $1 AND used_at IS NULL`, userID).Scan(&n)
	return n, err
}

// UnitTwoFactor is a unit and whether it requires two-factor of everyone.
type UnitTwoFactor struct {
	ID         int64  `db:"id"`
	Name       string `db:"name"`
	Require2FA bool   `db:"require_2fa"`
}

// UnitsTwoFactor lists the units with their two-factor setting (admins).
func (db *DB) UnitsTwoFactor(ctx context.Context, s domain.Scope) ([]UnitTwoFactor, error) {
	if !s.Role.Can(domain.CapAdminister) {
		return nil, domain.Refused(domain.CapAdminister)
	}
	rows, err := db.Pool.Query(ctx, `SELECT id, name, require_2fa FROM units ORDER BY name, id`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByName[UnitTwoFactor])
}

// SetUnitRequire2FA sets whether a unit requires two-factor of every local account.
func (db *DB) SetUnitRequire2FA(ctx context.Context, s domain.Scope, unitID int64, require bool) error {
	if !s.Role.Can(domain.CapAdminister) {
		return domain.Refused(domain.CapAdminister)
	}
	return db.WithTx(ctx, func(tx pgx.Tx) error {
		var old bool
		if err := tx.QueryRow(ctx, `SELECT require_2fa FROM units WHERE id = $1 FOR UPDATE`, unitID).Scan(&old); err != nil {
			return mapError(err)
		}
		if old == require {
			return nil
		}
		if _, err := tx.Exec(ctx, `UPDATE units SET require_2fa = $2 WHERE id = $1`, unitID, require); err != nil {
			return err
		}
		return writeAudit(ctx, tx, s, auditEvent{Action: ActionUpdate, Entity: "unit", EntityID: &unitID,
			Changes: domain.Changes{"require_2fa": {Old: strconv.FormatBool(old), New: strconv.FormatBool(require)}}})
	})
}

// ResetTOTP removes a user's two-factor and recovery codes and ends the
// user's sessions (`ankomst user reset-2fa`, a lost phone), audited as the system.
func (db *DB) ResetTOTP(ctx context.Context, userID int64) error {
	return db.WithTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `
			UPDATE users SET totp_secret = NULL, totp_enabled_at = NULL, totp_last_step = NULL,
				session_epoch = session_epoch + 1, updated_at = now()
			WHERE id = $1`, userID)
		if err != nil {
			return err
		}
		if tag.RowsAffected() != 1 {
			return domain.Errorf(domain.ENOTFOUND, "Brukeren finnes ikke.")
		}
		if _, err := tx.Exec(ctx, `DELETE FROM user_recovery_codes WHERE user_id = $1`, userID); err != nil {
			return err
		}
		return writeAudit(ctx, tx, domain.Scope{Role: "system"}, auditEvent{Action: ActionDisable2FA, Entity: "user", EntityID: &userID})
	})
}
