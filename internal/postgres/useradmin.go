package postgres

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
	"time"

	"ankomst/internal/domain"
	"ankomst/internal/password"

	"github.com/jackc/pgx/v5"
)

// User administration (issue 13, part 1): the admin's user list and user
// page, creating users without a password, role and unit changes, deactivation,
// the users' sessions, one-time set-password links and the first
// administrator's setup link. Every write has its audit row (entity user).

// PasswordLinkValidity is how long a set-password link (and the setup
// link) may be used.
const PasswordLinkValidity = 24 * time.Hour

// Token purposes (password_tokens.purpose).
const (
	tokenSetPassword = "set_password"
	tokenSetup       = "setup"
)

// AdminUser is a user as the administration pages show it.
type AdminUser struct {
	domain.User
	Version   int        `db:"version"`
	CreatedAt time.Time  `db:"created_at"`
	LastSeen  *time.Time `db:"last_seen"`
}

// UserSession is one live session of a user.
type UserSession struct {
	ID         int64     `db:"id"`
	StartedAt  time.Time `db:"started_at"`
	LastSeenAt time.Time `db:"last_seen_at"`
	UserAgent  string    `db:"user_agent"`
	IP         string    `db:"ip"`
}

// UserQuery is the user list's search, filters, sort and page.
type UserQuery struct {
	Q      string // part of the name or e-mail
	Role   string
	UnitID int64
	Active string // "yes", "no" or "" (both)
	Sort   string // name (default), email, role, unit, last_seen; "-" first for descending
	Page   int    // 1-based
	Limit  int
}

// UserPage is a page of the user list.
type UserPage struct {
	Rows    []AdminUser
	Total   int
	HasNext bool
	Units   []domain.Unit
}

// userSorts are the list's sort keys and their SQL.
var userSorts = map[string]string{
	"name":      "lower(u.name)",
	"email":     "lower(u.email)",
	"role":      "u.role",
	"unit":      "lower(n.name)",
	"last_seen": "last_seen",
}

const adminUserColumns = userColumns + `, u.version, u.created_at,
	(SELECT max(s.last_seen_at) FROM user_sessions s WHERE s.user_id = u.id) AS last_seen`

func requireAdmin(s domain.Scope) error { return s.Role.Require(domain.CapAdminister) }

// ListUsers is the admin's user list: one batch of the page, its count and
// the units (for the filter).
func (db *DB) ListUsers(ctx context.Context, s domain.Scope, q UserQuery) (UserPage, error) {
	if err := requireAdmin(s); err != nil {
		return UserPage{}, err
	}
	if q.Limit <= 0 {
		q.Limit = 50
	}
	q.Page = max(q.Page, 1)
	var conds []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if q.Q != "" {
		like := "%" + escapeLike(strings.ToLower(q.Q)) + "%"
		p := arg(like)
		conds = append(conds, "(lower(u.name) LIKE "+p+" OR lower(u.email) LIKE "+p+")")
	}
	if q.Role != "" {
		conds = append(conds, "u.role = "+arg(q.Role))
	}
	if q.UnitID != 0 {
		conds = append(conds, "u.unit_id = "+arg(q.UnitID))
	}
	switch q.Active {
	case "yes":
		conds = append(conds, "u.active")
	case "no":
		conds = append(conds, "NOT u.active")
	}
	where := "true"
	if len(conds) > 0 {
		where = strings.Join(conds, " AND ")
	}
	key, desc := strings.CutPrefix(q.Sort, "-")
	col, ok := userSorts[key]
	if !ok {
		col, desc = userSorts["name"], false
	}
	dir := " ASC NULLS FIRST"
	if desc {
		dir = " DESC NULLS LAST"
	}
	from := ` FROM users u JOIN units n ON n.id = u.unit_id WHERE ` + where
	var out UserPage
	b := &pgx.Batch{}
	b.Queue(`SELECT `+adminUserColumns+from+` ORDER BY `+col+dir+`, u.id LIMIT `+strconv.Itoa(q.Limit+1)+
		` OFFSET `+strconv.Itoa((q.Page-1)*q.Limit), args...).Query(func(rows pgx.Rows) error {
		var err error
		out.Rows, err = pgx.CollectRows(rows, pgx.RowToStructByName[AdminUser])
		return err
	})
	b.Queue(`SELECT count(*)`+from, args...).QueryRow(func(row pgx.Row) error { return row.Scan(&out.Total) })
	b.Queue(`SELECT id, name FROM units ORDER BY name, id`).Query(func(rows pgx.Rows) error {
		var err error
		out.Units, err = pgx.CollectRows(rows, pgx.RowToStructByName[domain.Unit])
		return err
	})
	if err := db.Pool.SendBatch(ctx, b).Close(); err != nil {
		return UserPage{}, err
	}
	if len(out.Rows) > q.Limit {
		out.Rows, out.HasNext = out.Rows[:q.Limit], true
	}
	return out, nil
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// AdminUnits lists every unit (the forms' choices).
func (db *DB) AdminUnits(ctx context.Context) ([]domain.Unit, error) {
	rows, err := db.Pool.Query(ctx, `SELECT id, name FROM units ORDER BY name, id`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByName[domain.Unit])
}

// UserDetail is the user page's batch: the user, its live sessions and the
// units.
type UserDetail struct {
	User     AdminUser
	Sessions []UserSession
	Units    []domain.Unit
}

// GetUserDetail reads the user page in one batch.
func (db *DB) GetUserDetail(ctx context.Context, s domain.Scope, id int64) (*UserDetail, error) {
	if err := requireAdmin(s); err != nil {
		return nil, err
	}
	var out UserDetail
	found := false
	b := &pgx.Batch{}
	b.Queue(`SELECT `+adminUserColumns+` FROM users u JOIN units n ON n.id = u.unit_id WHERE u.id = $1`, id).Query(func(rows pgx.Rows) error {
		u, err := pgx.CollectRows(rows, pgx.RowToStructByName[AdminUser])
		if err == nil && len(u) == 1 {
			out.User, found = u[0], true
		}
		return err
	})
	b.Queue(liveSessionsSQL, id).Query(func(rows pgx.Rows) error {
		var err error
		out.Sessions, err = pgx.CollectRows(rows, pgx.RowToStructByName[UserSession])
		return err
	})
	b.Queue(`SELECT id, name FROM units ORDER BY name, id`).Query(func(rows pgx.Rows) error {
		var err error
		out.Units, err = pgx.CollectRows(rows, pgx.RowToStructByName[domain.Unit])
		return err
	})
	if err := db.Pool.SendBatch(ctx, b).Close(); err != nil {
		return nil, err
	}
	if !found {
		return nil, domain.Errorf(domain.ENOTFOUND, "Fant ikke brukeren.")
	}
	return &out, nil
}

// liveSessionsSQL lists a user's sessions that are alive: not ended and
// with an unexpired row in the session store.
const liveSessionsSQL = `
	SELECT us.id, us.started_at, us.last_seen_at, us.user_agent, us.ip
	FROM user_sessions us JOIN sessions s ON s.token = us.token_hash AND s.expiry > now()
	WHERE us.user_id = $1 AND us.ended_at IS NULL
	ORDER BY us.last_seen_at DESC, us.id`

// UserSessions lists a user's live sessions.
func (db *DB) UserSessions(ctx context.Context, userID int64) ([]UserSession, error) {
	rows, err := db.Pool.Query(ctx, liveSessionsSQL, userID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByName[UserSession])
}

// DuplicateEmailMessage answers an e-mail address another user has.
const DuplicateEmailMessage = "Det finnes allerede en bruker med denne e-postadressen. Søk den opp i brukerlisten i stedet."

// CreateUserAdmin registers a user without a password (the admin hands over
// a set-password link), with its audit row.
func (db *DB) CreateUserAdmin(ctx context.Context, s domain.Scope, in domain.UserInput) (int64, error) {
	if err := requireAdmin(s); err != nil {
		return 0, err
	}
	var id int64
	err := db.WithTx(ctx, func(tx pgx.Tx) error {
		var unit string
		if err := tx.QueryRow(ctx, `SELECT name FROM units WHERE id = $1`, in.UnitID).Scan(&unit); errors.Is(err, pgx.ErrNoRows) {
			return &domain.Error{Code: domain.EINVALID, Message: "Skjemaet har feil.", Fields: map[string]string{"unit_id": "Velg en enhet."}}
		} else if err != nil {
			return err
		}
		err := tx.QueryRow(ctx, `
			INSERT INTO users (email, name, role, unit_id, password_hash) VALUES ($1, $2, $3, $4, '')
			ON CONFLICT ((lower(email))) DO NOTHING RETURNING id`, in.Email, in.Name, string(in.Role), in.UnitID).Scan(&id)
		if errors.Is(err, pgx.ErrNoRows) {
			return &domain.Error{Code: domain.EINVALID, Message: "Skjemaet har feil.", Fields: map[string]string{"email": DuplicateEmailMessage}}
		} else if err != nil {
			return err
		}
		ch := domain.Changes{}
		ch.Set("user_email", "", in.Email)
		ch.Set("user_name", "", in.Name)
		ch.Set("user_role", "", string(in.Role))
		ch.Set("user_unit", "", unit)
		return writeAudit(ctx, tx, s, auditEvent{Action: ActionCreate, Entity: domain.EntityUser, EntityID: &id, Changes: ch})
	})
	return id, err
}

// UserStaleError answers a change of a user made on an old version.
type UserStaleError = ConflictError[*AdminUser]

// lastAdminMessage refuses a change that would leave no active administrator.
const lastAdminMessage = "Det må være minst én aktiv systemansvarlig. Gi en annen bruker rollen systemansvarlig før du endrer denne."

// lockUser locks the user row and, when the change could remove an active
// admin, every active admin (in id order, so parallel changes serialise)
// and refuses a change that leaves none.
func lockUser(ctx context.Context, tx pgx.Tx, id int64) (*AdminUser, error) {
	rows, err := tx.Query(ctx, `SELECT `+adminUserColumns+` FROM users u JOIN units n ON n.id = u.unit_id WHERE u.id = $1 FOR NO KEY UPDATE OF u`, id)
	if err != nil {
		return nil, err
	}
	u, err := pgx.CollectExactlyOneRow(rows, pgx.RowToAddrOfStructByName[AdminUser])
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, domain.Errorf(domain.ENOTFOUND, "Fant ikke brukeren.")
	}
	return u, err
}

// otherActiveAdmins counts the other active users who administer (the
// permission table's CapAdminister), locking them.
func otherActiveAdmins(ctx context.Context, tx pgx.Tx, id int64) (int, error) {
	rows, err := tx.Query(ctx, `SELECT id FROM users WHERE role = ANY($2) AND active AND id <> $1 ORDER BY id FOR NO KEY UPDATE`,
		id, domain.RolesWith(domain.CapAdminister))
	if err != nil {
		return 0, err
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	return len(ids), err
}

// ChangeUser sets a user's role and unit (version-checked; 409 with the
// stored user on a stale version). An active admin is not demoted when no
// other active admin remains.
func (db *DB) ChangeUser(ctx context.Context, s domain.Scope, id int64, c domain.UserChange) error {
	if err := requireAdmin(s); err != nil {
		return err
	}
	return db.WithTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('ankomst.admins'))`); err != nil {
			return err
		}
		u, err := lockUser(ctx, tx, id)
		if err != nil {
			return err
		}
		if u.Version != c.Version {
			return &UserStaleError{Current: u, Message: "Brukeren er endret av noen andre mens du redigerte. Ingenting er lagret."}
		}
		var unit string
		if err := tx.QueryRow(ctx, `SELECT name FROM units WHERE id = $1`, c.UnitID).Scan(&unit); errors.Is(err, pgx.ErrNoRows) {
			return &domain.Error{Code: domain.EINVALID, Message: "Skjemaet har feil.", Fields: map[string]string{"unit_id": "Velg en enhet."}}
		} else if err != nil {
			return err
		}
		if u.Role.Can(domain.CapAdminister) && !c.Role.Can(domain.CapAdminister) && u.Active {
			n, err := otherActiveAdmins(ctx, tx, id)
			if err != nil {
				return err
			}
			if n == 0 {
				return &domain.Error{Code: domain.EINVALID, Message: lastAdminMessage, Fields: map[string]string{"role": lastAdminMessage}}
			}
		}
		ch := domain.Changes{}
		ch.Set("user_role", string(u.Role), string(c.Role))
		ch.Set("user_unit", u.UnitName, unit)
		if len(ch) == 0 {
			return nil
		}
		if _, err := tx.Exec(ctx, `UPDATE users SET role = $2, unit_id = $3, version = version + 1, updated_at = now() WHERE id = $1`,
			id, string(c.Role), c.UnitID); err != nil {
			return err
		}
		return writeAudit(ctx, tx, s, auditEvent{Action: ActionUpdate, Entity: domain.EntityUser, EntityID: &id, Changes: ch})
	})
}

// SetUserActive deactivates (every session ended at once, unused links
// expired) or reactivates a user, version-checked. The last active admin is
// not deactivated.
func (db *DB) SetUserActive(ctx context.Context, s domain.Scope, id int64, active bool, version int) error {
	if err := requireAdmin(s); err != nil {
		return err
	}
	return db.WithTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('ankomst.admins'))`); err != nil {
			return err
		}
		u, err := lockUser(ctx, tx, id)
		if err != nil {
			return err
		}
		if u.Version != version {
			return &UserStaleError{Current: u, Message: "Brukeren er endret av noen andre mens du så på siden. Ingenting er lagret."}
		}
		if u.Active == active {
			return nil
		}
		action := ActionReactivateUser
		if !active {
			action = ActionDeactivateUser
			if u.Role.Can(domain.CapAdminister) {
				n, err := otherActiveAdmins(ctx, tx, id)
				if err != nil {
					return err
				}
				if n == 0 {
					return domain.Errorf(domain.EINVALID, "%s", lastAdminMessage)
				}
			}
			if _, err := endSessions(ctx, tx, id, 0); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `UPDATE password_tokens SET expires_at = least(expires_at, now()) WHERE user_id = $1 AND used_at IS NULL`, id); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `
			UPDATE users SET active = $2, version = version + 1, updated_at = now(),
				session_epoch = session_epoch + CASE WHEN $2 THEN 0 ELSE 1 END,
				login_attempts = 0, login_attempts_since = NULL, locked_until = NULL
			WHERE id = $1`, id, active); err != nil {
			return err
		}
		ch := domain.Changes{}
		ch.Set("user_active", strconv.FormatBool(u.Active), strconv.FormatBool(active))
		return writeAudit(ctx, tx, s, auditEvent{Action: action, Entity: domain.EntityUser, EntityID: &id, Changes: ch})
	})
}

// Audit actions of user administration.
const (
	ActionDeactivateUser = domain.ActionDeactivate
	ActionReactivateUser = domain.ActionReactivate
	ActionEndSession     = domain.ActionEndSession
	ActionPasswordLink   = domain.ActionPasswordLink
)

// endSessions ends a user's session (sessionID) or all of them (0): their
// rows of the session store are deleted and they are marked ended. It
// returns how many live sessions ended.
func endSessions(ctx context.Context, tx pgx.Tx, userID, sessionID int64) (int, error) {
	var n int
	err := tx.QueryRow(ctx, `
		WITH ended AS (
			UPDATE user_sessions SET ended_at = now()
			WHERE user_id = $1 AND ended_at IS NULL AND ($2 = 0 OR id = $2)
			RETURNING token_hash
		), gone AS (
			DELETE FROM sessions WHERE token IN (SELECT token_hash FROM ended) RETURNING 1
		)
		SELECT count(*) FROM gone`, userID, sessionID).Scan(&n)
	return n, err
}

// EndUserSessions ends one session of a user (sessionID) or every one (0:
// the session epoch is bumped as well, so a session not yet registered ends
// too), with its audit row.
func (db *DB) EndUserSessions(ctx context.Context, s domain.Scope, userID, sessionID int64) (int, error) {
	if err := requireAdmin(s); err != nil {
		return 0, err
	}
	var n int
	err := db.WithTx(ctx, func(tx pgx.Tx) error {
		var ok bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM users WHERE id = $1)`, userID).Scan(&ok); err != nil {
			return err
		}
		if !ok {
			return domain.Errorf(domain.ENOTFOUND, "Fant ikke brukeren.")
		}
		if sessionID != 0 {
			var live bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM user_sessions WHERE id = $1 AND user_id = $2 AND ended_at IS NULL)`,
				sessionID, userID).Scan(&live); err != nil {
				return err
			}
			if !live {
				return domain.Errorf(domain.ENOTFOUND, "Økten finnes ikke eller er allerede avsluttet.")
			}
		} else if _, err := tx.Exec(ctx, `UPDATE users SET session_epoch = session_epoch + 1 WHERE id = $1`, userID); err != nil {
			return err
		}
		var err error
		if n, err = endSessions(ctx, tx, userID, sessionID); err != nil {
			return err
		}
		d := &domain.AuditDetails{Rows: n, Reason: "one"}
		if sessionID == 0 {
			d.Reason = "all"
		}
		return writeAudit(ctx, tx, s, auditEvent{Action: ActionEndSession, Entity: domain.EntityUser, EntityID: &userID, Details: d})
	})
	return n, err
}

// newToken is 32 random bytes, URL-safe, and its SHA-256.
func newToken() (string, []byte, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", nil, err
	}
	tok := base64.RawURLEncoding.EncodeToString(b)
	return tok, hashLinkToken(tok), nil
}

func hashLinkToken(tok string) []byte {
	h := sha256.Sum256([]byte(tok))
	return h[:]
}

// CreatePasswordLink makes a one-time set-password link for an active user
// (valid PasswordLinkValidity; earlier unused links of the user expire), with
// its audit row. Only the token's hash is stored: the caller shows it once.
func (db *DB) CreatePasswordLink(ctx context.Context, s domain.Scope, userID int64) (string, time.Time, error) {
	if err := requireAdmin(s); err != nil {
		return "", time.Time{}, err
	}
	tok, hash, err := newToken()
	if err != nil {
		return "", time.Time{}, err
	}
	now := db.Now()
	expires := now.Add(PasswordLinkValidity)
	err = db.WithTx(ctx, func(tx pgx.Tx) error {
		var active bool
		err := tx.QueryRow(ctx, `SELECT active FROM users WHERE id = $1 FOR NO KEY UPDATE`, userID).Scan(&active)
		if errors.Is(err, pgx.ErrNoRows) {
			return domain.Errorf(domain.ENOTFOUND, "Fant ikke brukeren.")
		} else if err != nil {
			return err
		}
		if !active {
			return domain.Errorf(domain.EINVALID, "Brukeren er deaktivert. Aktiver brukeren før du lager en lenke for å sette passord.")
		}
		if _, err := tx.Exec(ctx, `UPDATE password_tokens SET expires_at = least(expires_at, $2) WHERE user_id = $1 AND used_at IS NULL`, userID, now); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO password_tokens (token_hash, purpose, user_id, created_by, created_at, expires_at)
			VALUES ($1, 'set_password', $2, $3, $4, $5)`, hash, userID, s.UserID, now, expires); err != nil {
			return err
		}
		return writeAudit(ctx, tx, s, auditEvent{Action: ActionPasswordLink, Entity: domain.EntityUser, EntityID: &userID})
	})
	return tok, expires, err
}

// LinkState is what a one-time link's token is now.
type LinkState int

const (
	LinkValid   LinkState = iota
	LinkUnknown           // no such token (or of another purpose)
	LinkUsed
	LinkExpired
)

// PasswordLinkUser checks a set-password token: the user's name and e-mail
// when it is valid.
func (db *DB) PasswordLinkUser(ctx context.Context, tok string) (LinkState, *domain.User, error) {
	var (
		u       domain.User
		used    *time.Time
		expires time.Time
	)
	err := db.Pool.QueryRow(ctx, `
		SELECT u.id, u.email, u.name, u.role, u.active, t.used_at, t.expires_at
		FROM password_tokens t JOIN users u ON u.id = t.user_id
		WHERE t.token_hash = $1 AND t.purpose = 'set_password'`, hashLinkToken(tok)).
		Scan(&u.ID, &u.Email, &u.Name, &u.Role, &u.Active, &used, &expires)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return LinkUnknown, nil, nil
	case err != nil:
		return 0, nil, err
	case used != nil:
		return LinkUsed, nil, nil
	case !expires.After(db.Now()) || !u.Active:
		return LinkExpired, nil, nil
	}
	return LinkValid, &u, nil
}

// errLink is the answer to a token that cannot be used (any more).
type LinkError struct{ State LinkState }

func (e *LinkError) Error() string { return "link not usable" }

// SetPasswordWithLink spends a set-password token: the password is set, the
// token used, the lockout forgotten and every other session of the user
// ended, with an audit row — or *LinkError when the token is unknown, used
// or expired (parallel uses: one wins).
func (db *DB) SetPasswordWithLink(ctx context.Context, tok, pw, requestID string) error {
	if msg := password.Validate(pw); msg != "" {
		return domain.Errorf(domain.EINVALID, "%s", msg)
	}
	hash, err := password.Hash(pw)
	if err != nil {
		return err
	}
	now := db.Now()
	return db.WithTx(ctx, func(tx pgx.Tx) error {
		var (
			uid  int64
			role domain.Role
			had  bool
		)
		err := tx.QueryRow(ctx, `
			UPDATE password_tokens t SET used_at = $2
			FROM users u
			WHERE t.token_hash = $1 AND t.purpose = 'set_password' AND t.used_at IS NULL AND t.expires_at > $2
				AND u.id = t.user_id AND u.active
			RETURNING u.id, u.role, u.password_hash <> ''`, hashLinkToken(tok), now).Scan(&uid, &role, &had)
		if errors.Is(err, pgx.ErrNoRows) {
			state, _, err := db.PasswordLinkUser(ctx, tok)
			if err != nil {
				return err
			}
			if state == LinkValid { // a race lost between the two reads
				state = LinkUsed
			}
			return &LinkError{State: state}
		} else if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `
			UPDATE users SET password_hash = $2, login_attempts = 0, login_attempts_since = NULL, locked_until = NULL,
				session_epoch = session_epoch + 1, updated_at = now()
			WHERE id = $1`, uid, hash); err != nil {
			return err
		}
		if _, err := endSessions(ctx, tx, uid, 0); err != nil {
			return err
		}
		old := ""
		if had {
			old = domain.HiddenValue
		}
		ch := domain.Changes{"password": {Old: old, New: domain.HiddenValue}}
		return writeAudit(ctx, tx, domain.Scope{UserID: uid, Role: role, RequestID: requestID},
			auditEvent{Action: ActionUpdate, Entity: domain.EntityUser, EntityID: &uid, Changes: ch})
	})
}

// CreateSetupToken makes the first administrator's setup token when the
// database has no users at all (ok false otherwise). Each call on an empty
// database makes a new one; all are valid until an admin exists.
func (db *DB) CreateSetupToken(ctx context.Context) (string, bool, error) {
	tok, hash, err := newToken()
	if err != nil {
		return "", false, err
	}
	now := db.Now()
	tag, err := db.Pool.Exec(ctx, `
		INSERT INTO password_tokens (token_hash, purpose, created_at, expires_at)
		SELECT $1, 'setup', $2, $3 WHERE NOT EXISTS (SELECT 1 FROM users)`, hash, now, now.Add(PasswordLinkValidity))
	if err != nil {
		return "", false, err
	}
	if tag.RowsAffected() == 0 {
		return "", false, nil
	}
	return tok, true, nil
}

// SetupTokenValid reports whether a setup token may be used: unused,
// unexpired and no active admin exists yet.
func (db *DB) SetupTokenValid(ctx context.Context, tok string) (bool, error) {
	var ok bool
	err := db.Pool.QueryRow(ctx, `
		SELECT EXISTS (SELECT 1 FROM password_tokens WHERE token_hash = $1 AND purpose = 'setup' AND used_at IS NULL AND expires_at > $2)
			AND NOT EXISTS (SELECT 1 FROM users WHERE role = 'admin' AND active)`, hashLinkToken(tok), db.Now()).Scan(&ok)
	return ok, err
}

// SetupAdmin creates the first administrator with a setup token (the unit
// is created if needed): ENOTFOUND when the token is not valid or an admin
// exists already. Parallel setups serialise on an advisory lock.
func (db *DB) SetupAdmin(ctx context.Context, tok string, in domain.SetupInput, requestID string) (int64, error) {
	hash, err := password.Hash(in.Password)
	if err != nil {
		return 0, err
	}
	now := db.Now()
	var id int64
	err = db.WithTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('ankomst.admins'))`); err != nil {
			return err
		}
		var ok bool
		if err := tx.QueryRow(ctx, `
			WITH t AS (
				UPDATE password_tokens SET used_at = $2
				WHERE token_hash = $1 AND purpose = 'setup' AND used_at IS NULL AND expires_at > $2
					AND NOT EXISTS (SELECT 1 FROM users WHERE role = 'admin' AND active)
				RETURNING 1
			) SELECT EXISTS (SELECT 1 FROM t)`, hashLinkToken(tok), now).Scan(&ok); err != nil {
			return err
		}
		if !ok {
			return domain.Errorf(domain.ENOTFOUND, "Lenken er ikke gyldig.")
		}
		var unitID int64
		if err := tx.QueryRow(ctx, `
			WITH ins AS (INSERT INTO units (name) VALUES ($1) ON CONFLICT (name) DO NOTHING RETURNING id)
			SELECT id FROM ins UNION ALL SELECT id FROM units WHERE name = $1 LIMIT 1`, in.Unit).Scan(&unitID); err != nil {
			return err
		}
		err := tx.QueryRow(ctx, `
			INSERT INTO users (email, name, role, unit_id, password_hash) VALUES ($1, $2, 'admin', $3, $4)
			ON CONFLICT ((lower(email))) DO NOTHING RETURNING id`, in.Email, in.Name, unitID, hash).Scan(&id)
		if errors.Is(err, pgx.ErrNoRows) {
			return &domain.Error{Code: domain.EINVALID, Message: "Skjemaet har feil.", Fields: map[string]string{"email": DuplicateEmailMessage}}
		} else if err != nil {
			return err
		}
		ch := domain.Changes{}
		ch.Set("user_email", "", in.Email)
		ch.Set("user_name", "", in.Name)
		ch.Set("user_role", "", string(domain.RoleAdmin))
		ch.Set("user_unit", "", in.Unit)
		return writeAudit(ctx, tx, domain.Scope{UserID: id, UnitID: unitID, Role: domain.RoleAdmin, RequestID: requestID},
			auditEvent{Action: ActionCreate, Entity: domain.EntityUser, EntityID: &id, Changes: ch, Details: &domain.AuditDetails{Reason: "setup"}})
	})
	return id, err
}

// SessionUser loads the session's user for a request, in one statement
// that also keeps the session's row in user_sessions: registered on the
// session's first request (with its browser and address), last seen
// touched at most once a minute, and the user's rows older than cutoff (no
// session outlives its lifetime) purged when a new one is registered. It
// returns ENOTFOUND when the user is gone or inactive or the session was
// ended (by an admin).
func (db *DB) SessionUser(ctx context.Context, userID int64, tokenHash, userAgent, ip string, cutoff time.Time) (*domain.User, error) {
	now := db.Now()
	var (
		u    domain.User
		live bool
	)
	err := db.Pool.QueryRow(ctx, `
		WITH cur AS (
			SELECT user_id, ended_at FROM user_sessions WHERE token_hash = $2
		), ins AS (
			INSERT INTO user_sessions (token_hash, user_id, started_at, last_seen_at, user_agent, ip)
			SELECT $2, $1, $3, $3, $4, $5
			WHERE NOT EXISTS (SELECT 1 FROM cur) AND EXISTS (SELECT 1 FROM users WHERE id = $1 AND active)
			ON CONFLICT (token_hash) DO NOTHING
		), purge AS (
			DELETE FROM user_sessions
			WHERE user_id = $1 AND started_at < $6 AND NOT EXISTS (SELECT 1 FROM cur)
		), touch AS (
			UPDATE user_sessions SET last_seen_at = $3
			WHERE token_hash = $2 AND ended_at IS NULL AND last_seen_at < $3 - interval '1 minute'
		)
		SELECT `+userColumns+`, NOT EXISTS (SELECT 1 FROM cur WHERE ended_at IS NOT NULL OR user_id <> $1)
		FROM users u JOIN units n ON n.id = u.unit_id
		WHERE u.id = $1 AND u.active`, userID, tokenHash, now, userAgent, ip, cutoff).
		Scan(&u.ID, &u.Email, &u.Name, &u.Role, &u.UnitID, &u.UnitName, &u.Active, &u.SessionEpoch, &u.TOTPEnabled, &u.UnitRequires2FA, &live)
	if errors.Is(err, pgx.ErrNoRows) || (err == nil && !live) {
		return nil, domain.Errorf(domain.ENOTFOUND, "Fant ikke brukeren.")
	}
	if err != nil {
		return nil, err
	}
	return &u, nil
}
