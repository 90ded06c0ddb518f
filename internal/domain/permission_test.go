package domain

import (
	"strings"
	"testing"
)

// The permission table, written out role by role: a change to who may do
// what must change this test too.
func TestPermissionTable(t *testing.T) {
	want := map[Role]string{
		RoleCaseworker: "read_case write_case read_notes write_notes hold_caseload mine_first programme",
		RoleHealth:     "read_case read_health write_health",
		RoleHousing:    "read_case write_housing",
		RoleLeader:     "read_case write_case read_notes write_notes write_housing leader_views reassign hold_caseload programme payroll approve_payroll require_2fa",
		RoleAdmin:      "read_case write_case read_notes write_notes write_housing leader_views reassign merge administer all_units programme payroll require_2fa retention access_package",
	}
	for _, r := range Roles() {
		var got []string
		for _, c := range Capabilities() {
			if r.Can(c) {
				got = append(got, c.String())
			}
		}
		if strings.Join(got, " ") != want[r] {
			t.Errorf("%s can %q, want %q", r, strings.Join(got, " "), want[r])
		}
	}
	if Role("intruder").Can(CapReadCase) || Role("").Can(CapReadCase) {
		t.Error("an unknown role holds a capability")
	}
	if RoleAdmin.Can(Capability(-1)) || RoleAdmin.Can(numCapabilities) {
		t.Error("an unknown capability is held")
	}
}

func TestRefusedMessages(t *testing.T) {
	seen := map[string]Capability{}
	for _, c := range Capabilities() {
		err := Refused(c)
		if err.Code != EFORBIDDEN || err.Message == "" {
			t.Errorf("%s: %+v", c, err)
		}
		if prev, dup := seen[err.Message]; dup && c != CapMineFirst {
			t.Errorf("%s and %s share the message %q", prev, c, err.Message)
		}
		seen[err.Message] = c
	}
	if err := RoleHealth.Require(CapWriteNotes); ErrorMessage(err) != "Rollen din kan ikke skrive saksnotater." {
		t.Errorf("Require: %v", err)
	}
	if err := RoleCaseworker.Require(CapWriteNotes); err != nil {
		t.Errorf("Require allowed: %v", err)
	}
	got := RolesWith(CapHoldCaseload)
	if strings.Join(got, ",") != "caseworker,leader" {
		t.Errorf("RolesWith(hold_caseload) = %v", got)
	}
	got[0] = "admin" // a fresh slice: the table is not changed through it
	if RolesWith(CapHoldCaseload)[0] != "caseworker" {
		t.Error("RolesWith returned the table's own slice")
	}
}
