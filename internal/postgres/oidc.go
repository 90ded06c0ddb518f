package postgres

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"ankomst/internal/domain"

	"github.com/jackc/pgx/v5"
)

// OIDCIdentity is a user as the identity provider vouches for them, with
// the role and unit their groups map to.
type OIDCIdentity struct {
	Issuer, Subject string
	Email, Name     string
	Role            domain.Role
	Unit            string
}

// ErrOIDCInactive refuses a deactivated user who signs on.
var ErrOIDCInactive = &domain.Error{Code: domain.EUNAUTHORIZED,
	Message: "Brukeren din i Ankomst er deaktivert. Kontakt systemansvarlig."}

// UpsertOIDCUser finds the user by issuer and subject, else by e-mail (a
// local account gets linked: its password stays usable), else creates one
// without a password; then brings name, e-mail, role and unit in line with
// the provider. A change of role or unit ends the user's other sessions.
// Everything, and the login, is audited in one transaction.
func (db *DB) UpsertOIDCUser(ctx context.Context, id OIDCIdentity, requestID string) (*domain.User, error) {
	id.Email, _ = domain.CleanLine(id.Email)
	id.Name, _ = domain.CleanLine(id.Name)
	if id.Name == "" {
		id.Name = id.Email
	}
	if !strings.Contains(id.Email, "@") || len(id.Email) > 254 || len(id.Name) > 200 || id.Subject == "" || !id.Role.Valid() {
		return nil, domain.Errorf(domain.EINVALID, "Kontoen fra kommunens innlogging mangler gyldig e-postadresse eller navn.")
	}
	var userID int64
	err := db.WithTx(ctx, func(tx pgx.Tx) error {
		var unitID int64
		if err := tx.QueryRow(ctx, `
			WITH ins AS (INSERT INTO units (name) VALUES ($1) ON CONFLICT (name) DO NOTHING RETURNING id)
			SELECT id FROM ins UNION ALL SELECT id FROM units WHERE name = $1 LIMIT 1`, id.Unit).Scan(&unitID); err != nil {
			return err
		}
		var (
			old       domain.User
			oldSub    *string
			found     bool
			byEmailID int64
		)
		row := tx.QueryRow(ctx, `
			SELECT id, email, name, role, unit_id, active, oidc_subject FROM users
			WHERE oidc_issuer = $1 AND oidc_subject = $2 FOR UPDATE`, id.Issuer, id.Subject)
		err := row.Scan(&old.ID, &old.Email, &old.Name, &old.Role, &old.UnitID, &old.Active, &oldSub)
		switch {
		case err == nil:
			found = true
		case errors.Is(err, pgx.ErrNoRows):
			err = tx.QueryRow(ctx, `
				SELECT id, email, name, role, unit_id, active, oidc_subject FROM users
				WHERE lower(email) = lower($1) FOR UPDATE`, id.Email).
				Scan(&old.ID, &old.Email, &old.Name, &old.Role, &old.UnitID, &old.Active, &oldSub)
			if err == nil {
				if oldSub != nil { // the e-mail belongs to another identity
					return domain.Errorf(domain.ECONFLICT, "E-postadressen er allerede knyttet til en annen konto. Kontakt systemansvarlig.")
				}
				found, byEmailID = true, old.ID
			} else if !errors.Is(err, pgx.ErrNoRows) {
				return err
			}
		default:
			return err
		}
		sys := domain.Scope{Role: "system", RequestID: requestID}
		if !found {
			if err := tx.QueryRow(ctx, `
				INSERT INTO users (email, name, role, unit_id, password_hash, oidc_issuer, oidc_subject)
				VALUES ($1, $2, $3, $4, '', $5, $6) RETURNING id`,
				id.Email, id.Name, string(id.Role), unitID, id.Issuer, id.Subject).Scan(&userID); err != nil {
				return err
			}
			if err := writeAudit(ctx, tx, sys, auditEvent{Action: ActionCreate, Entity: "user", EntityID: &userID,
				Details: &domain.AuditDetails{Reason: "oidc"}}); err != nil {
				return err
			}
		} else {
			userID = old.ID
			if !old.Active {
				return ErrOIDCInactive
			}
			ch := domain.Changes{}
			ch.Set("email", old.Email, id.Email)
			ch.Set("name", old.Name, id.Name)
			ch.Set("role", string(old.Role), string(id.Role))
			if old.UnitID != unitID {
				ch.Set("unit", strconv.FormatInt(old.UnitID, 10), strconv.FormatInt(unitID, 10))
			}
			if byEmailID != 0 {
				ch.Set("oidc_subject", "", id.Subject)
			}
			if len(ch) > 0 {
				privilege := old.Role != id.Role || old.UnitID != unitID
				if _, err := tx.Exec(ctx, `
					UPDATE users SET email = $2, name = $3, role = $4, unit_id = $5, oidc_issuer = $6, oidc_subject = $7,
						session_epoch = session_epoch + CASE WHEN $8 THEN 1 ELSE 0 END, updated_at = now()
					WHERE id = $1`, old.ID, id.Email, id.Name, string(id.Role), unitID, id.Issuer, id.Subject, privilege); err != nil {
					return mapError(err)
				}
				if err := writeAudit(ctx, tx, sys, auditEvent{Action: ActionUpdate, Entity: "user", EntityID: &userID, Changes: ch,
					Details: &domain.AuditDetails{Reason: "oidc"}}); err != nil {
					return err
				}
			}
		}
		scope := domain.Scope{UserID: userID, UnitID: unitID, Role: id.Role, RequestID: requestID}
		return writeAudit(ctx, tx, scope, auditEvent{Action: ActionLogin, Entity: "user", EntityID: &userID,
			Details: &domain.AuditDetails{Reason: "oidc"}})
	})
	if err != nil {
		if domain.ErrorCode(mapError(err)) == domain.ECONFLICT {
			return nil, domain.Errorf(domain.ECONFLICT, "E-postadressen er allerede knyttet til en annen konto. Kontakt systemansvarlig.")
		}
		return nil, err
	}
	return db.UserByID(ctx, userID)
}
