package domain

// Role is what a staff user may do.
type Role string

const (
	RoleCaseworker Role = "caseworker" // programrådgiver / saksbehandler
	RoleHealth     Role = "health"     // helsesøster
	RoleHousing    Role = "housing"    // boligkonsulent
	RoleLeader     Role = "leader"     // enhetsleder
	RoleAdmin      Role = "admin"      // systemansvarlig
)

// Roles lists every role in display order (a fresh slice).
func Roles() []Role {
	return []Role{RoleCaseworker, RoleHealth, RoleHousing, RoleLeader, RoleAdmin}
}

// Label is the role's Norwegian name.
func (r Role) Label() string {
	switch r {
	case RoleCaseworker:
		return "Programrådgiver"
	case RoleHealth:
		return "Helse"
	case RoleHousing:
		return "Bolig"
	case RoleLeader:
		return "Leder"
	case RoleAdmin:
		return "Systemansvarlig"
	}
	return string(r)
}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, x := range Roles() {
		if x == r {
			return true
		}
	}
	return false
}

// User is a staff member.
type User struct {
	ID           int64  `db:"id"`
	Email        string `db:"email"`
	Name         string `db:"name"`
	Role         Role   `db:"role"`
	UnitID       int64  `db:"unit_id"`
	UnitName     string `db:"unit_name"`
	Active       bool   `db:"active"`
	SessionEpoch int    `db:"session_epoch"`
	// TOTPEnabled: the user has enrolled two-factor (TOTP).
	TOTPEnabled bool `db:"totp_enabled"`
	// UnitRequires2FA: the user's unit requires two-factor of every local account.
	UnitRequires2FA bool `db:"unit_requires_2fa"`
}

// Needs2FA reports whether the user must use two-factor for a local login:
// the role requires it (CapRequire2FA) or the unit does.
func (u *User) Needs2FA() bool {
	return u.Role.Can(CapRequire2FA) || u.UnitRequires2FA
}

// Scope is who is asking: every store read of people is filtered by it in SQL.
type Scope struct {
	UserID int64
	UnitID int64
	Role   Role
	// RequestID ties audit rows to the request log.
	RequestID string
}

// Scope returns the access scope of u.
func (u *User) Scope() Scope { return Scope{UserID: u.ID, UnitID: u.UnitID, Role: u.Role} }

// Unit is an organisational unit of the refugee service.
type Unit struct {
	ID   int64  `db:"id"`
	Name string `db:"name"`
}

// Option is a value and its Norwegian label, for reference lists.
type Option struct {
	Value string
	Label string
}
