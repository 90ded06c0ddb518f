package domain

// Capability is something a role may do. Which roles hold which capability
// is the table below: the only place in the code where roles are compared.
// Handlers ask it before a store call, the store asks it again, views ask it
// to show or hide a button or menu entry, and SQL that needs roles (who can
// hold a caseload) gets them from RolesWith.
type Capability int

const (
	// CapReadCase: read persons, households, deadlines and the timeline in scope.
	CapReadCase Capability = iota
	// CapWriteCase: register and edit persons, households, tasks and deadlines; close and reopen cases.
	CapWriteCase
	// CapReadNotes: read case notes (saksnotater).
	CapReadNotes
	// CapWriteNotes: write and correct case notes.
	CapWriteNotes
	// CapReadHealth: see health items (TB screening, health check …); every read is audited.
	CapReadHealth
	// CapWriteHealth: mark health items done.
	CapWriteHealth
	// CapWriteHousing: register and change housing (units, landlords,
	// leases, guidance, Husbanken); caseworkers read a household's home.
	CapWriteHousing
	// CapLeaderViews: caseload overview, a person's access log, dashboards.
	CapLeaderViews
	// CapReassign: move persons between programme advisers.
	CapReassign
	// CapMerge: merge two registrations of one person.
	CapMerge
	// CapAdminister: users, settings, rates.
	CapAdminister
	// CapAllUnits: the scope spans every unit instead of the user's own.
	CapAllUnits
	// CapHoldCaseload: may be a person's programme adviser or a task's assignee.
	CapHoldCaseload
	// CapMineFirst: work starts from the user's own caseload: lists open on
	// "Mine deltakere", a new registration suggests the user as adviser.
	CapMineFirst
	// CapProgramme: read and write the introduction programme: decisions,
	// plans, groups, attendance, benefit deductions, the benefit calculator.
	CapProgramme
	// CapPayroll: read and export the payroll basis (utbetalingsgrunnlag).
	CapPayroll
	// CapApprovePayroll: approve (lock) a unit's payroll month.
	CapApprovePayroll
	// CapRequire2FA: a local account must use two-factor (TOTP) to log in.
	CapRequire2FA
	// CapRetention: retention rules, the anonymisation dry run and apply,
	// legal holds (issue 13).
	CapRetention
	// CapAccessPackage: produce a person's access package (innsyn, GDPR
	// art. 15): everything stored, health items and the audit log included,
	// so it is the administrators' (personvernombud/systemansvarlig) task.
	CapAccessPackage

	numCapabilities
)

type capabilityRule struct {
	name    string // for tests and logs
	refused string // the one message when a role lacks it
	roles   []Role
}

var capabilityRules = [numCapabilities]capabilityRule{
	CapReadCase:       {"read_case", "Rollen din har ikke tilgang til deltakere.", []Role{RoleCaseworker, RoleHealth, RoleHousing, RoleLeader, RoleAdmin}},
	CapWriteCase:      {"write_case", "Rollen din kan ikke endre deltakere, husstander, frister eller oppgaver.", []Role{RoleCaseworker, RoleLeader, RoleAdmin}},
	CapReadNotes:      {"read_notes", "Rollen din har ikke tilgang til saksnotater.", []Role{RoleCaseworker, RoleLeader, RoleAdmin}},
	CapWriteNotes:     {"write_notes", "Rollen din kan ikke skrive saksnotater.", []Role{RoleCaseworker, RoleLeader, RoleAdmin}},
	CapReadHealth:     {"read_health", "Bare helsepersonell har tilgang til helseoppfølgingen.", []Role{RoleHealth}},
	CapWriteHealth:    {"write_health", "Bare helsepersonell kan endre helseoppfølgingen.", []Role{RoleHealth}},
	CapWriteHousing:   {"write_housing", "Rollen din kan ikke endre boliger og leieforhold.", []Role{RoleHousing, RoleLeader, RoleAdmin}},
	CapLeaderViews:    {"leader_views", "Denne siden er for ledere.", []Role{RoleLeader, RoleAdmin}},
	CapReassign:       {"reassign", "Rollen din kan ikke fordele saker.", []Role{RoleLeader, RoleAdmin}},
	CapMerge:          {"merge", "Bare systemansvarlig kan slå sammen personer.", []Role{RoleAdmin}},
	CapAdminister:     {"administer", "Bare systemansvarlig har tilgang hit.", []Role{RoleAdmin}},
	CapAllUnits:       {"all_units", "Rollen din ser bare sin egen enhet.", []Role{RoleAdmin}},
	CapHoldCaseload:   {"hold_caseload", "Personen kan ikke ha en saksportefølje.", []Role{RoleCaseworker, RoleLeader}},
	CapMineFirst:      {"mine_first", "", []Role{RoleCaseworker}},
	CapProgramme:      {"programme", "Rollen din har ikke tilgang til introduksjonsprogrammet.", []Role{RoleCaseworker, RoleLeader, RoleAdmin}},
	CapPayroll:        {"payroll", "Utbetalingsgrunnlaget er for ledere.", []Role{RoleLeader, RoleAdmin}},
	CapApprovePayroll: {"approve_payroll", "Bare en leder kan godkjenne utbetalingsgrunnlaget.", []Role{RoleLeader}},
	CapRequire2FA:     {"require_2fa", "Rollen din må bruke tofaktorinnlogging.", []Role{RoleLeader, RoleAdmin}},
	CapRetention:      {"retention", "Bare systemansvarlig kan styre sletting og anonymisering.", []Role{RoleAdmin}},
	CapAccessPackage:  {"access_package", "Bare systemansvarlig kan lage en innsynspakke.", []Role{RoleAdmin}},
}

// Can reports whether the role holds the capability.
func (r Role) Can(c Capability) bool {
	if c < 0 || c >= numCapabilities {
		return false
	}
	for _, x := range capabilityRules[c].roles {
		if x == r {
			return true
		}
	}
	return false
}

// Refused is the error for a role without the capability: one message per
// capability, whichever page asked.
func Refused(c Capability) *Error {
	msg := "Rollen din har ikke tilgang til dette."
	if c >= 0 && c < numCapabilities && capabilityRules[c].refused != "" {
		msg = capabilityRules[c].refused
	}
	return &Error{Code: EFORBIDDEN, Message: msg}
}

// Require returns nil when the role holds the capability, else Refused(c).
func (r Role) Require(c Capability) error {
	if r.Can(c) {
		return nil
	}
	return Refused(c)
}

// RolesWith lists the roles holding the capability (a fresh slice), for SQL
// such as `u.role = ANY($n)`.
func RolesWith(c Capability) []string {
	if c < 0 || c >= numCapabilities {
		return nil
	}
	out := make([]string, len(capabilityRules[c].roles))
	for i, r := range capabilityRules[c].roles {
		out[i] = string(r)
	}
	return out
}

// String is the capability's name (read_case, write_case …).
func (c Capability) String() string {
	if c < 0 || c >= numCapabilities {
		return "unknown"
	}
	return capabilityRules[c].name
}

// Capabilities lists every capability, for tests and documentation.
func Capabilities() []Capability {
	out := make([]Capability, numCapabilities)
	for i := range out {
		out[i] = Capability(i)
	}
	return out
}
