package server_test

// The authorization matrix: every route of the real router × every kind of
// user, against ONE table (authzMatrix below).
//
// EVERY NEW ROUTE MUST GET A ROW. TestAuthorizationMatrix walks the router
// (chi.Walk) and fails, naming method and pattern, for a route without a row;
// a row whose route is gone fails too (stale table).
//
// How to classify a cell (what that user gets for that route, with the
// fixture's ids in the path and, for a POST, an EMPTY form):
//
//	login     anonymous sent to the login page (303 to /login?next=… or /login)
//	ok        passed authorization and reached the handler's work: 200, 303 to
//	          a page other than the login page, 400/422 (the empty form was
//	          refused), 409
//	forbidden 403: the role may not do this (wherever the record is)
//	notfound  404: the record is out of the user's scope (another unit), or
//	          hidden from the role by design (health deadlines for non-health
//	          roles)
//	public    outside the login: health checks, metrics, static files, the
//	          login and logout pages; any answer but 403, 404 or 5xx
//
// The identities: anon (no session), cw (caseworker of unit Øst, the person's
// caseworker and the note's author), cwOther (caseworker of unit Vest),
// health, housing and leader (all of Øst), admin (of Vest: admins see every
// unit). Path parameters: {id} is the person in /persons/… and the household
// in /households/…, {personID} the household member, {otherID} a second person
// of Øst (merge), {noteID}/{taskID} the person's note and task, {kind} a
// legal deadline (programme_offer unless the row says with: "kind=…"),
// {groupID} a group of Øst (its {personID} the person), {placementID} a
// placement of the person, {itemID} an item of the person's health
// checklist, * a static file.
//
// Write down what the app SHOULD answer. Where it answers something else
// today, keep the right answer in the table and add the cell, with what it
// answers now and why, to authzKnownFindings: the test then logs the cell
// instead of failing, and fails once the finding is fixed (remove the entry).

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"ankomst/internal/domain"

	"github.com/go-chi/chi/v5"
)

// authzClass is the expected kind of answer of one cell.
type authzClass uint8

const (
	azUnset     authzClass = iota // a cell the row forgot: fails
	azLogin                       // 303 to /login?next=… (GET) or /login (POST)
	azOK                          // 200, 303 elsewhere, 400, 409, 422
	azForbidden                   // 403
	azNotFound                    // 404
	azPublic                      // outside the login: anything but 403, 404, 5xx
)

func (c authzClass) String() string {
	return [...]string{"UNSET", "login", "ok", "forbidden", "notfound", "public"}[c]
}

// authzRow is one route's expected answer per identity. with optionally sets
// path parameters ("kind=tb_screening") for a second row of a route whose
// answer depends on the value.
type authzRow struct {
	with                                              string
	anon, cw, cwOther, health, housing, leader, admin authzClass
}

// authzIdentities are the identities in the order of authzRow's fields.
var authzIdentities = []string{"anon", "cw", "cwOther", "health", "housing", "leader", "admin"}

func (r authzRow) cell(identity string) authzClass {
	switch identity {
	case "anon":
		return r.anon
	case "cw":
		return r.cw
	case "cwOther":
		return r.cwOther
	case "health":
		return r.health
	case "housing":
		return r.housing
	case "leader":
		return r.leader
	case "admin":
		return r.admin
	}
	return azUnset
}

type authzRoute struct {
	method, pattern string
	want            authzRow
}

// label names a row: method, pattern and any parameter override.
func (r authzRoute) label() string {
	if r.want.with != "" {
		return r.method + " " + r.pattern + " [" + r.want.with + "]"
	}
	return r.method + " " + r.pattern
}

// authzMatrix is THE table: one row per route (and parameter variant).
func authzMatrix() []authzRoute {
	const (
		login     = azLogin
		ok        = azOK
		forbidden = azForbidden
		notfound  = azNotFound
		public    = azPublic
	)
	type row = authzRow
	everyone := func(c authzClass) row {
		return row{anon: c, cw: c, cwOther: c, health: c, housing: c, leader: c, admin: c}
	}
	return []authzRoute{
		// Outside the session.
		{"GET", "/healthz", everyone(public)},
		{"GET", "/livez", everyone(public)},
		{"GET", "/readyz", everyone(public)},
		{"GET", "/metrics", everyone(public)},
		{"GET", "/static/*", everyone(public)},
		// Login and logout (logout runs last per identity).
		{"GET", "/login", everyone(public)},
		{"POST", "/login", everyone(public)},
		{"POST", "/logout", everyone(public)},

		// Persons.
		{"GET", "/", row{anon: login, cw: ok, cwOther: ok, health: ok, housing: ok, leader: ok, admin: ok}},
		{"GET", "/persons", row{anon: login, cw: ok, cwOther: ok, health: ok, housing: ok, leader: ok, admin: ok}},
		{"POST", "/persons/search", row{anon: login, cw: ok, cwOther: ok, health: ok, housing: ok, leader: ok, admin: ok}},
		{"GET", "/persons/new", row{anon: login, cw: ok, cwOther: ok, health: forbidden, housing: forbidden, leader: ok, admin: ok}},
		{"POST", "/persons", row{anon: login, cw: ok, cwOther: ok, health: forbidden, housing: forbidden, leader: ok, admin: ok}},
		{"GET", "/persons/{id}", row{anon: login, cw: ok, cwOther: notfound, health: ok, housing: ok, leader: ok, admin: ok}},
		{"GET", "/persons/{id}/edit", row{anon: login, cw: ok, cwOther: notfound, health: forbidden, housing: forbidden, leader: ok, admin: ok}},
		{"POST", "/persons/{id}", row{anon: login, cw: ok, cwOther: notfound, health: forbidden, housing: forbidden, leader: ok, admin: ok}},

		// Households.
		{"GET", "/households", row{anon: login, cw: ok, cwOther: ok, health: ok, housing: ok, leader: ok, admin: ok}},
		{"POST", "/households/search", row{anon: login, cw: ok, cwOther: ok, health: ok, housing: ok, leader: ok, admin: ok}},
		{"GET", "/households/new", row{anon: login, cw: ok, cwOther: ok, health: forbidden, housing: forbidden, leader: ok, admin: ok}},
		{"POST", "/households", row{anon: login, cw: ok, cwOther: ok, health: forbidden, housing: forbidden, leader: ok, admin: ok}},
		{"GET", "/households/{id}", row{anon: login, cw: ok, cwOther: notfound, health: ok, housing: ok, leader: ok, admin: ok}},
		{"POST", "/households/{id}", row{anon: login, cw: ok, cwOther: notfound, health: forbidden, housing: forbidden, leader: ok, admin: ok}},
		{"GET", "/households/{id}/edit", row{anon: login, cw: ok, cwOther: notfound, health: forbidden, housing: forbidden, leader: ok, admin: ok}},
		// The member picker's search only redirects to the household page (no candidates for roles that cannot edit).
		{"POST", "/households/{id}/search", row{anon: login, cw: ok, cwOther: notfound, health: ok, housing: ok, leader: ok, admin: ok}},
		{"POST", "/households/{id}/members", row{anon: login, cw: ok, cwOther: notfound, health: forbidden, housing: forbidden, leader: ok, admin: ok}},
		{"GET", "/households/{id}/members/{personID}/remove", row{anon: login, cw: ok, cwOther: notfound, health: forbidden, housing: forbidden, leader: ok, admin: ok}},
		{"POST", "/households/{id}/members/{personID}/remove", row{anon: login, cw: ok, cwOther: notfound, health: forbidden, housing: forbidden, leader: ok, admin: ok}},
		{"GET", "/households/{id}/reunification", row{anon: login, cw: ok, cwOther: notfound, health: forbidden, housing: forbidden, leader: ok, admin: ok}},
		{"POST", "/households/{id}/reunification", row{anon: login, cw: ok, cwOther: notfound, health: forbidden, housing: forbidden, leader: ok, admin: ok}},
		// A household's home and leases (issue 11): housing, leaders and admins write; caseworkers read; health neither.
		{"GET", "/households/{id}/housing", row{anon: login, cw: ok, cwOther: notfound, health: forbidden, housing: ok, leader: ok, admin: ok}},
		{"POST", "/households/{id}/housing/leases", row{anon: login, cw: forbidden, cwOther: forbidden, health: forbidden, housing: ok, leader: ok, admin: ok}},
		{"POST", "/households/{id}/housing/leases/{leaseID}", row{anon: login, cw: forbidden, cwOther: forbidden, health: forbidden, housing: ok, leader: ok, admin: ok}},
		{"POST", "/households/{id}/housing/leases/{leaseID}/checklist", row{anon: login, cw: forbidden, cwOther: forbidden, health: forbidden, housing: ok, leader: ok, admin: ok}},
		// Housing guidance and Husbanken (issue 11, items 4 and 5): read as the home, written by housing, leaders and admins.
		// {appID} is the household's Husbanken application (an empty form is a 409: version 0).
		{"GET", "/households/{id}/housing/support", row{anon: login, cw: ok, cwOther: notfound, health: forbidden, housing: ok, leader: ok, admin: ok}},
		{"POST", "/households/{id}/housing/guidance", row{anon: login, cw: forbidden, cwOther: forbidden, health: forbidden, housing: ok, leader: ok, admin: ok}},
		{"POST", "/households/{id}/housing/husbanken", row{anon: login, cw: forbidden, cwOther: forbidden, health: forbidden, housing: ok, leader: ok, admin: ok}},
		{"POST", "/households/{id}/housing/husbanken/{appID}", row{anon: login, cw: forbidden, cwOther: forbidden, health: forbidden, housing: ok, leader: ok, admin: ok}},

		// Case notes and the timeline. Only the author edits a note (others correct it).
		{"GET", "/persons/{id}/notes/new", row{anon: login, cw: ok, cwOther: notfound, health: forbidden, housing: forbidden, leader: ok, admin: ok}},
		{"POST", "/persons/{id}/notes", row{anon: login, cw: ok, cwOther: notfound, health: forbidden, housing: forbidden, leader: ok, admin: ok}},
		{"GET", "/persons/{id}/notes/{noteID}/edit", row{anon: login, cw: ok, cwOther: notfound, health: forbidden, housing: forbidden, leader: forbidden, admin: forbidden}},
		{"POST", "/persons/{id}/notes/{noteID}", row{anon: login, cw: ok, cwOther: notfound, health: forbidden, housing: forbidden, leader: forbidden, admin: forbidden}},
		{"GET", "/persons/{id}/notes/{noteID}/correct", row{anon: login, cw: ok, cwOther: notfound, health: forbidden, housing: forbidden, leader: ok, admin: ok}},
		{"POST", "/persons/{id}/notes/{noteID}/correct", row{anon: login, cw: ok, cwOther: notfound, health: forbidden, housing: forbidden, leader: ok, admin: ok}},
		{"GET", "/persons/{id}/timeline", row{anon: login, cw: ok, cwOther: notfound, health: ok, housing: ok, leader: ok, admin: ok}},

		// Deadlines and tasks. Health deadlines exist for the health role only (404 for the others).
		{"GET", "/deadlines", row{anon: login, cw: ok, cwOther: ok, health: ok, housing: ok, leader: ok, admin: ok}},
		{"GET", "/persons/{id}/tasks/new", row{anon: login, cw: ok, cwOther: notfound, health: forbidden, housing: forbidden, leader: ok, admin: ok}},
		{"POST", "/persons/{id}/tasks/new", row{anon: login, cw: ok, cwOther: notfound, health: forbidden, housing: forbidden, leader: ok, admin: ok}},
		{"GET", "/persons/{id}/tasks/{taskID}/edit", row{anon: login, cw: ok, cwOther: notfound, health: forbidden, housing: forbidden, leader: ok, admin: ok}},
		{"POST", "/persons/{id}/tasks/{taskID}/edit", row{anon: login, cw: ok, cwOther: notfound, health: forbidden, housing: forbidden, leader: ok, admin: ok}},
		{"POST", "/persons/{id}/tasks/{taskID}/done", row{anon: login, cw: ok, cwOther: notfound, health: forbidden, housing: forbidden, leader: ok, admin: ok}},
		{"GET", "/persons/{id}/deadlines/{kind}/done", row{anon: login, cw: ok, cwOther: notfound, health: forbidden, housing: forbidden, leader: ok, admin: ok}},
		{"POST", "/persons/{id}/deadlines/{kind}/done", row{anon: login, cw: ok, cwOther: notfound, health: forbidden, housing: forbidden, leader: ok, admin: ok}},
		{"GET", "/persons/{id}/deadlines/{kind}/done", row{with: "kind=" + domain.KindTBScreening, anon: login, cw: notfound, cwOther: notfound, health: ok, housing: notfound, leader: notfound, admin: notfound}},
		{"POST", "/persons/{id}/deadlines/{kind}/done", row{with: "kind=" + domain.KindTBScreening, anon: login, cw: notfound, cwOther: notfound, health: ok, housing: notfound, leader: notfound, admin: notfound}},

		// Caseload: reassignment and the access log for leaders and admins; closing for those who edit persons.
		{"GET", "/caseload", row{anon: login, cw: forbidden, cwOther: forbidden, health: forbidden, housing: forbidden, leader: ok, admin: ok}},
		{"POST", "/caseload/preview", row{anon: login, cw: forbidden, cwOther: forbidden, health: forbidden, housing: forbidden, leader: ok, admin: ok}},
		{"POST", "/caseload/reassign", row{anon: login, cw: forbidden, cwOther: forbidden, health: forbidden, housing: forbidden, leader: ok, admin: ok}},
		{"GET", "/persons/{id}/close", row{anon: login, cw: ok, cwOther: notfound, health: forbidden, housing: forbidden, leader: ok, admin: ok}},
		{"POST", "/persons/{id}/close", row{anon: login, cw: ok, cwOther: notfound, health: forbidden, housing: forbidden, leader: ok, admin: ok}},
		{"POST", "/persons/{id}/reopen", row{anon: login, cw: ok, cwOther: notfound, health: forbidden, housing: forbidden, leader: ok, admin: ok}},
		{"GET", "/persons/{id}/audit", row{anon: login, cw: forbidden, cwOther: forbidden, health: forbidden, housing: forbidden, leader: ok, admin: ok}},
		{"GET", "/persons/{id}/audit.csv", row{anon: login, cw: forbidden, cwOther: forbidden, health: forbidden, housing: forbidden, leader: ok, admin: ok}},

		// Merge: admins only.
		{"GET", "/persons/{id}/merge", row{anon: login, cw: forbidden, cwOther: forbidden, health: forbidden, housing: forbidden, leader: forbidden, admin: ok}},
		{"POST", "/persons/{id}/merge/search", row{anon: login, cw: forbidden, cwOther: forbidden, health: forbidden, housing: forbidden, leader: forbidden, admin: ok}},
		{"GET", "/persons/{id}/merge/{otherID}", row{anon: login, cw: forbidden, cwOther: forbidden, health: forbidden, housing: forbidden, leader: forbidden, admin: ok}},
		{"POST", "/persons/{id}/merge/{otherID}", row{anon: login, cw: forbidden, cwOther: forbidden, health: forbidden, housing: forbidden, leader: forbidden, admin: ok}},

		// Benefit (issue 8): the calculator and a participant's month for the programme roles; rates for admins.
		{"GET", "/benefit/calculator", row{anon: login, cw: ok, cwOther: ok, health: forbidden, housing: forbidden, leader: ok, admin: ok}},
		{"GET", "/persons/{id}/programme/benefit", row{anon: login, cw: ok, cwOther: notfound, health: forbidden, housing: forbidden, leader: ok, admin: ok}},
		{"POST", "/persons/{id}/programme/benefit/deductions", row{anon: login, cw: ok, cwOther: notfound, health: forbidden, housing: forbidden, leader: ok, admin: ok}},
		{"GET", "/admin", row{anon: login, cw: forbidden, cwOther: forbidden, health: forbidden, housing: forbidden, leader: forbidden, admin: ok}},
		{"GET", "/admin/rates", row{anon: login, cw: forbidden, cwOther: forbidden, health: forbidden, housing: forbidden, leader: forbidden, admin: ok}},
		{"POST", "/admin/rates", row{anon: login, cw: forbidden, cwOther: forbidden, health: forbidden, housing: forbidden, leader: forbidden, admin: ok}},
		// Weekly plan (ukeplan); {versionID} is a plan version of the person.
		{"GET", "/persons/{id}/programme/plan", row{anon: login, cw: ok, cwOther: notfound, health: forbidden, housing: forbidden, leader: ok, admin: ok}},
		{"GET", "/persons/{id}/programme/plan/new", row{anon: login, cw: ok, cwOther: notfound, health: forbidden, housing: forbidden, leader: ok, admin: ok}},
		{"POST", "/persons/{id}/programme/plan", row{anon: login, cw: ok, cwOther: notfound, health: forbidden, housing: forbidden, leader: ok, admin: ok}},
		{"GET", "/persons/{id}/programme/plan/{versionID}", row{anon: login, cw: ok, cwOther: notfound, health: forbidden, housing: forbidden, leader: ok, admin: ok}},
		// The introduction programme (CapProgramme: caseworker, leader, admin).
		{"GET", "/persons/{id}/programme", row{anon: login, cw: ok, cwOther: notfound, health: forbidden, housing: forbidden, leader: ok, admin: ok}},
		{"GET", "/persons/{id}/programme/ruleset", row{anon: login, cw: ok, cwOther: notfound, health: forbidden, housing: forbidden, leader: ok, admin: ok}},
		{"POST", "/persons/{id}/programme/ruleset", row{anon: login, cw: ok, cwOther: notfound, health: forbidden, housing: forbidden, leader: ok, admin: ok}},
		{"GET", "/persons/{id}/programme/mapping", row{anon: login, cw: ok, cwOther: notfound, health: forbidden, housing: forbidden, leader: ok, admin: ok}},
		{"POST", "/persons/{id}/programme/mapping", row{anon: login, cw: ok, cwOther: notfound, health: forbidden, housing: forbidden, leader: ok, admin: ok}},
		{"GET", "/persons/{id}/programme/decision", row{anon: login, cw: ok, cwOther: notfound, health: forbidden, housing: forbidden, leader: ok, admin: ok}},
		{"POST", "/persons/{id}/programme/decision", row{anon: login, cw: ok, cwOther: notfound, health: forbidden, housing: forbidden, leader: ok, admin: ok}},
		{"GET", "/persons/{id}/programme/contract", row{anon: login, cw: ok, cwOther: notfound, health: forbidden, housing: forbidden, leader: ok, admin: ok}},
		{"POST", "/persons/{id}/programme/contract", row{anon: login, cw: ok, cwOther: notfound, health: forbidden, housing: forbidden, leader: ok, admin: ok}},
		{"GET", "/persons/{id}/programme/pause", row{anon: login, cw: ok, cwOther: notfound, health: forbidden, housing: forbidden, leader: ok, admin: ok}},
		{"POST", "/persons/{id}/programme/pause", row{anon: login, cw: ok, cwOther: notfound, health: forbidden, housing: forbidden, leader: ok, admin: ok}},
		{"GET", "/persons/{id}/programme/end", row{anon: login, cw: ok, cwOther: notfound, health: forbidden, housing: forbidden, leader: ok, admin: ok}},
		{"POST", "/persons/{id}/programme/end", row{anon: login, cw: ok, cwOther: notfound, health: forbidden, housing: forbidden, leader: ok, admin: ok}},
		{"GET", "/persons/{id}/programme/pauses/{pauseID}", row{anon: login, cw: ok, cwOther: notfound, health: forbidden, housing: forbidden, leader: ok, admin: ok}},
		{"POST", "/persons/{id}/programme/pauses/{pauseID}", row{anon: login, cw: ok, cwOther: notfound, health: forbidden, housing: forbidden, leader: ok, admin: ok}},
		// Groups and attendance (programme): caseworkers, leaders and admins; {groupID} is a group of Øst.
		{"GET", "/attendance", row{anon: login, cw: ok, cwOther: ok, health: forbidden, housing: forbidden, leader: ok, admin: ok}},
		{"POST", "/attendance", row{anon: login, cw: ok, cwOther: ok, health: forbidden, housing: forbidden, leader: ok, admin: ok}},
		{"GET", "/groups", row{anon: login, cw: ok, cwOther: ok, health: forbidden, housing: forbidden, leader: ok, admin: ok}},
		{"GET", "/groups/new", row{anon: login, cw: ok, cwOther: ok, health: forbidden, housing: forbidden, leader: ok, admin: ok}},
		{"POST", "/groups", row{anon: login, cw: ok, cwOther: ok, health: forbidden, housing: forbidden, leader: ok, admin: ok}},
		{"GET", "/groups/{groupID}", row{anon: login, cw: ok, cwOther: notfound, health: forbidden, housing: forbidden, leader: ok, admin: ok}},
		{"POST", "/groups/{groupID}", row{anon: login, cw: ok, cwOther: notfound, health: forbidden, housing: forbidden, leader: ok, admin: ok}},
		{"POST", "/groups/{groupID}/members", row{anon: login, cw: ok, cwOther: notfound, health: forbidden, housing: forbidden, leader: ok, admin: ok}},
		{"POST", "/groups/{groupID}/members/{personID}/remove", row{anon: login, cw: ok, cwOther: notfound, health: forbidden, housing: forbidden, leader: ok, admin: ok}},
		// Placements (issue 9): a person's work practice, CapProgramme; {placementID} is a placement of the person.
		{"GET", "/persons/{id}/placements", row{anon: login, cw: ok, cwOther: notfound, health: forbidden, housing: forbidden, leader: ok, admin: ok}},
		{"GET", "/persons/{id}/placements/new", row{anon: login, cw: ok, cwOther: notfound, health: forbidden, housing: forbidden, leader: ok, admin: ok}},
		{"POST", "/persons/{id}/placements", row{anon: login, cw: ok, cwOther: notfound, health: forbidden, housing: forbidden, leader: ok, admin: ok}},
		{"GET", "/persons/{id}/placements/{placementID}", row{anon: login, cw: ok, cwOther: notfound, health: forbidden, housing: forbidden, leader: ok, admin: ok}},
		{"POST", "/persons/{id}/placements/{placementID}", row{anon: login, cw: ok, cwOther: notfound, health: forbidden, housing: forbidden, leader: ok, admin: ok}},
		{"POST", "/persons/{id}/placements/{placementID}/followups", row{anon: login, cw: ok, cwOther: notfound, health: forbidden, housing: forbidden, leader: ok, admin: ok}},
		{"POST", "/persons/{id}/placements/{placementID}/evaluation", row{anon: login, cw: ok, cwOther: notfound, health: forbidden, housing: forbidden, leader: ok, admin: ok}},

		// Employers and worksites (issue 9): a register shared by every unit, so another unit's caseworker gets ok;
		// {id} is the fixture's employer under /employers/, its worksite under /worksites/, {contactID} its contact.
		{"GET", "/employers", row{anon: login, cw: ok, cwOther: ok, health: forbidden, housing: forbidden, leader: ok, admin: ok}},
		{"GET", "/employers/new", row{anon: login, cw: ok, cwOther: ok, health: forbidden, housing: forbidden, leader: ok, admin: ok}},
		{"POST", "/employers", row{anon: login, cw: ok, cwOther: ok, health: forbidden, housing: forbidden, leader: ok, admin: ok}},
		{"GET", "/employers/{id}", row{anon: login, cw: ok, cwOther: ok, health: forbidden, housing: forbidden, leader: ok, admin: ok}},
		{"POST", "/employers/{id}", row{anon: login, cw: ok, cwOther: ok, health: forbidden, housing: forbidden, leader: ok, admin: ok}},
		{"POST", "/employers/{id}/worksites", row{anon: login, cw: ok, cwOther: ok, health: forbidden, housing: forbidden, leader: ok, admin: ok}},
		{"POST", "/employers/{id}/contacts", row{anon: login, cw: ok, cwOther: ok, health: forbidden, housing: forbidden, leader: ok, admin: ok}},
		{"POST", "/employers/{id}/contacts/{contactID}", row{anon: login, cw: ok, cwOther: ok, health: forbidden, housing: forbidden, leader: ok, admin: ok}},
		{"GET", "/worksites/{id}", row{anon: login, cw: ok, cwOther: ok, health: forbidden, housing: forbidden, leader: ok, admin: ok}},
		{"POST", "/worksites/{id}", row{anon: login, cw: ok, cwOther: ok, health: forbidden, housing: forbidden, leader: ok, admin: ok}},

		// Payroll basis (issue 8): leaders (own unit) and admins (any unit) read and export; only leaders approve.
		{"GET", "/reports/payroll", row{anon: login, cw: forbidden, cwOther: forbidden, health: forbidden, housing: forbidden, leader: ok, admin: ok}},
		{"GET", "/reports/payroll.csv", row{anon: login, cw: forbidden, cwOther: forbidden, health: forbidden, housing: forbidden, leader: ok, admin: ok}},
		{"GET", "/reports/payroll.xlsx", row{anon: login, cw: forbidden, cwOther: forbidden, health: forbidden, housing: forbidden, leader: ok, admin: ok}},
		{"POST", "/reports/payroll/approve", row{anon: login, cw: forbidden, cwOther: forbidden, health: forbidden, housing: forbidden, leader: ok, admin: forbidden}},

		// Capacity (issue 9): the worksites' free places, no person data (every unit the same).
		{"GET", "/placements/capacity", row{anon: login, cw: ok, cwOther: ok, health: forbidden, housing: forbidden, leader: ok, admin: ok}},

		// Health worklist and access report (issue 10): /health is the health role's worklist and the
		// leaders' (and admins') counts; the access report is for leaders and admins (GDPR access requests).
		{"GET", "/health", row{anon: login, cw: forbidden, cwOther: forbidden, health: ok, housing: forbidden, leader: ok, admin: ok}},
		{"GET", "/persons/{id}/health/access", row{anon: login, cw: forbidden, cwOther: forbidden, health: forbidden, housing: forbidden, leader: ok, admin: ok}},
		{"GET", "/persons/{id}/health/access.csv", row{anon: login, cw: forbidden, cwOther: forbidden, health: forbidden, housing: forbidden, leader: ok, admin: ok}},

		// Health checklist (issue 10): the health role alone (of Øst, the person's unit; another unit's person is 404 for it:
		// TestHealthOtherUnit). {itemID} is an item of the person's checklist. Without a purpose in the session the page is the
		// purpose form and an item's POST goes back to it (303).
		{"GET", "/persons/{id}/health", row{anon: login, cw: forbidden, cwOther: forbidden, health: ok, housing: forbidden, leader: forbidden, admin: forbidden}},
		{"POST", "/persons/{id}/health/purpose", row{anon: login, cw: forbidden, cwOther: forbidden, health: ok, housing: forbidden, leader: forbidden, admin: forbidden}},
		{"POST", "/persons/{id}/health/items/{itemID}", row{anon: login, cw: forbidden, cwOther: forbidden, health: ok, housing: forbidden, leader: forbidden, admin: forbidden}},

		// Housing registers (issue 11): housing, leaders and admins, scoped to the unit (another unit's unit or landlord is 404:
		// TestHousingOtherUnit). {id} is the fixture's housing unit of Øst under /housing/units/, its landlord under /landlords/.
		{"GET", "/housing", row{anon: login, cw: forbidden, cwOther: forbidden, health: forbidden, housing: ok, leader: ok, admin: ok}},
		{"GET", "/housing/units", row{anon: login, cw: forbidden, cwOther: forbidden, health: forbidden, housing: ok, leader: ok, admin: ok}},
		{"GET", "/housing/units/new", row{anon: login, cw: forbidden, cwOther: forbidden, health: forbidden, housing: ok, leader: ok, admin: ok}},
		{"POST", "/housing/units", row{anon: login, cw: forbidden, cwOther: forbidden, health: forbidden, housing: ok, leader: ok, admin: ok}},
		{"GET", "/housing/units/{id}", row{anon: login, cw: forbidden, cwOther: forbidden, health: forbidden, housing: ok, leader: ok, admin: ok}},
		{"POST", "/housing/units/{id}", row{anon: login, cw: forbidden, cwOther: forbidden, health: forbidden, housing: ok, leader: ok, admin: ok}},
		{"GET", "/landlords", row{anon: login, cw: forbidden, cwOther: forbidden, health: forbidden, housing: ok, leader: ok, admin: ok}},
		{"POST", "/landlords", row{anon: login, cw: forbidden, cwOther: forbidden, health: forbidden, housing: ok, leader: ok, admin: ok}},
		{"GET", "/landlords/{id}", row{anon: login, cw: forbidden, cwOther: forbidden, health: forbidden, housing: ok, leader: ok, admin: ok}},
		{"POST", "/landlords/{id}", row{anon: login, cw: forbidden, cwOther: forbidden, health: forbidden, housing: ok, leader: ok, admin: ok}},
		{"POST", "/landlords/{id}/agreements", row{anon: login, cw: forbidden, cwOther: forbidden, health: forbidden, housing: ok, leader: ok, admin: ok}},
		// User administration (issue 13): {id} is the caseworker cw; the
		// empty POST is an unknown action (422). The link pages are public:
		// {token} is a live set-password link of cw (the empty form is
		// refused, 422); the setup pages do not exist once an admin does.
		{"GET", "/admin/users", row{anon: login, cw: forbidden, cwOther: forbidden, health: forbidden, housing: forbidden, leader: forbidden, admin: ok}},
		{"POST", "/admin/users", row{anon: login, cw: forbidden, cwOther: forbidden, health: forbidden, housing: forbidden, leader: forbidden, admin: ok}},
		{"GET", "/admin/users/new", row{anon: login, cw: forbidden, cwOther: forbidden, health: forbidden, housing: forbidden, leader: forbidden, admin: ok}},
		{"GET", "/admin/users/{id}", row{anon: login, cw: forbidden, cwOther: forbidden, health: forbidden, housing: forbidden, leader: forbidden, admin: ok}},
		{"POST", "/admin/users/{id}", row{anon: login, cw: forbidden, cwOther: forbidden, health: forbidden, housing: forbidden, leader: forbidden, admin: ok}},
		{"GET", "/set-password/{token}", everyone(public)},
		{"POST", "/set-password/{token}", everyone(public)},
		{"GET", "/setup/{token}", everyone(notfound)},
		{"POST", "/setup/{token}", everyone(notfound)},
		// Two-factor and single sign-on (issue 13). The code step and the
		// sign-on routes are outside the login (without a pending login or
		// a configured provider they send to /login); /account/2fa is every
		// user's own; the units' setting is for admins.
		{"GET", "/login/code", row{anon: login, cw: public, cwOther: public, health: public, housing: public, leader: public, admin: public}},
		{"POST", "/login/code", everyone(public)},
		{"GET", "/auth/oidc/login", everyone(login)},
		{"GET", "/auth/oidc/callback", everyone(login)},
		{"GET", "/account/2fa", row{anon: login, cw: ok, cwOther: ok, health: ok, housing: ok, leader: ok, admin: ok}},
		{"POST", "/account/2fa", row{anon: login, cw: ok, cwOther: ok, health: ok, housing: ok, leader: ok, admin: ok}},
		{"POST", "/account/2fa/disable", row{anon: login, cw: ok, cwOther: ok, health: ok, housing: ok, leader: ok, admin: ok}},
		{"GET", "/admin/2fa", row{anon: login, cw: forbidden, cwOther: forbidden, health: forbidden, housing: forbidden, leader: forbidden, admin: ok}},
		{"POST", "/admin/2fa/{unitID}", row{with: "unitID=1", anon: login, cw: forbidden, cwOther: forbidden, health: forbidden, housing: forbidden, leader: forbidden, admin: ok}},

		// The leaders' dashboard (issue 12): leaders (own unit) and admins (any unit or all); another unit's ?unit= is 404
		// (TestDashboardScope). {list} is a list behind a figure (no-end-reason unless the row says with: "list=…").
		{"GET", "/dashboard", row{anon: login, cw: forbidden, cwOther: forbidden, health: forbidden, housing: forbidden, leader: ok, admin: ok}},
		{"GET", "/dashboard.csv", row{anon: login, cw: forbidden, cwOther: forbidden, health: forbidden, housing: forbidden, leader: ok, admin: ok}},
		{"GET", "/dashboard/list/{list}", row{anon: login, cw: forbidden, cwOther: forbidden, health: forbidden, housing: forbidden, leader: ok, admin: ok}},
		{"GET", "/dashboard/list/{list}", row{with: "list=unknown", anon: login, cw: forbidden, cwOther: forbidden, health: forbidden, housing: forbidden, leader: notfound, admin: notfound}},

		// Retention and the access package (issue 13): administrators only (CapRetention, CapAccessPackage); they see every
		// unit. The empty form: a rule without a kind or a hold without a person is 422; apply runs (nothing is due: 303).
		{"GET", "/admin/retention", row{anon: login, cw: forbidden, cwOther: forbidden, health: forbidden, housing: forbidden, leader: forbidden, admin: ok}},
		{"POST", "/admin/retention/rules", row{anon: login, cw: forbidden, cwOther: forbidden, health: forbidden, housing: forbidden, leader: forbidden, admin: ok}},
		{"POST", "/admin/retention/apply", row{anon: login, cw: forbidden, cwOther: forbidden, health: forbidden, housing: forbidden, leader: forbidden, admin: ok}},
		{"POST", "/admin/retention/legal-hold", row{anon: login, cw: forbidden, cwOther: forbidden, health: forbidden, housing: forbidden, leader: forbidden, admin: ok}},
		{"GET", "/persons/{id}/access-package", row{anon: login, cw: forbidden, cwOther: forbidden, health: forbidden, housing: forbidden, leader: forbidden, admin: ok}},
		{"GET", "/persons/{id}/access-package.json", row{anon: login, cw: forbidden, cwOther: forbidden, health: forbidden, housing: forbidden, leader: forbidden, admin: ok}},
		// Exports page and the NIR file (issue 12 part 5): leaders (own unit) and admins (any unit or all);
		// another unit's id is 404 (TestNIRScope).
		{"GET", "/reports", row{anon: login, cw: forbidden, cwOther: forbidden, health: forbidden, housing: forbidden, leader: ok, admin: ok}},
		{"GET", "/reports/nir.csv", row{anon: login, cw: forbidden, cwOther: forbidden, health: forbidden, housing: forbidden, leader: ok, admin: ok}},
		{"GET", "/reports/nir.xlsx", row{anon: login, cw: forbidden, cwOther: forbidden, health: forbidden, housing: forbidden, leader: ok, admin: ok}},
		{"GET", "/reports/nir/check", row{anon: login, cw: forbidden, cwOther: forbidden, health: forbidden, housing: forbidden, leader: ok, admin: ok}},
		{"GET", "/reports/nir/check.csv", row{anon: login, cw: forbidden, cwOther: forbidden, health: forbidden, housing: forbidden, leader: ok, admin: ok}},

		// The settlement ledger (issue 12): leaders and admins (domain.CapLeaderViews); the counts are the unit's for a
		// leader, the municipality's for an admin. Marking a person settled is case work: another unit's person is 404.
		{"GET", "/settlement", row{anon: login, cw: forbidden, cwOther: forbidden, health: forbidden, housing: forbidden, leader: ok, admin: ok}},
		{"POST", "/settlement/targets", row{anon: login, cw: forbidden, cwOther: forbidden, health: forbidden, housing: forbidden, leader: ok, admin: ok}},
		{"GET", "/reports/settlement.csv", row{anon: login, cw: forbidden, cwOther: forbidden, health: forbidden, housing: forbidden, leader: ok, admin: ok}},
		{"GET", "/reports/settlement.xlsx", row{anon: login, cw: forbidden, cwOther: forbidden, health: forbidden, housing: forbidden, leader: ok, admin: ok}},
		{"GET", "/persons/{id}/settle", row{anon: login, cw: ok, cwOther: notfound, health: forbidden, housing: forbidden, leader: ok, admin: ok}},
		{"POST", "/persons/{id}/settle", row{anon: login, cw: ok, cwOther: notfound, health: forbidden, housing: forbidden, leader: ok, admin: ok}},
	}
}

// authzFinding is a cell where the app answers otherwise than the table says.
type authzFinding struct {
	got int    // the status the app answers today
	why string // what is wrong
}

// authzKnownFindings are cells (row label + " " + identity) that answer
// otherwise than authzMatrix today. Each is a bug to fix; the test logs them
// and fails when one answers as the table says (then delete the entry).
func authzKnownFindings() map[string]authzFinding {
	return map[string]authzFinding{}
}

// authzProblems compares the router's routes with the table: routes without
// a row, rows without a route, duplicate rows and incomplete rows.
func authzProblems(routes chi.Routes, table []authzRoute) []string {
	walked := map[string]bool{}
	err := chi.Walk(routes, func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		walked[method+" "+route] = true
		return nil
	})
	var problems []string
	if err != nil {
		problems = append(problems, "walking the router: "+err.Error())
	}
	inTable := map[string]bool{}
	seen := map[string]bool{}
	for _, rt := range table {
		key := rt.method + " " + rt.pattern
		inTable[key] = true
		if seen[rt.label()] {
			problems = append(problems, "duplicate row: "+rt.label())
		}
		seen[rt.label()] = true
		for _, id := range authzIdentities {
			if rt.want.cell(id) == azUnset {
				problems = append(problems, fmt.Sprintf("row %s has no answer for %s", rt.label(), id))
			}
		}
		if !walked[key] {
			problems = append(problems, "stale row, the router has no such route: "+rt.label())
		}
	}
	var missing []string
	for key := range walked {
		if !inTable[key] {
			missing = append(missing, "route without a row in the authorization matrix (add one, see the top of authz_matrix_test.go): "+key)
		}
	}
	sort.Strings(missing)
	return append(problems, missing...)
}

// authzFixture holds the ids the route patterns need.
type authzFixture struct {
	person, other, household, note, task int64
	planVersion                          int64  // a weekly plan version of person
	pause                                int64  // a leave of the person's programme
	group                                int64  // a group of Øst
	placement                            int64  // a placement of person (its worksite inserted by SQL)
	employer, worksite, contact          int64  // the register's employer, its worksite and contact (issue 9)
	healthItem                           int64  // an item of person's health checklist (issue 10)
	housingUnit, landlord                int64  // a housing unit and its landlord of Øst (issue 11, by SQL)
	lease                                int64  // a lease of the household (issue 11)
	husbankenApp                         int64  // a Husbanken application of the household (issue 11)
	staffUser                            int64  // the caseworker cw, for /admin/users/{id} (issue 13)
	passwordToken                        string // a live set-password link of cw (issue 13)
}

var (
	azPersonRe = regexp.MustCompile(`^/persons/(\d+)$`)
	azHouseRe  = regexp.MustCompile(`^/households/(\d+)$`)
	azNoteRe   = regexp.MustCompile(`#note-(\d+)$`)
	azGroupRe  = regexp.MustCompile(`^/groups/(\d+)$`)
	azEmpRe    = regexp.MustCompile(`^/employers/(\d+)$`)
)

// azCreated posts a form that must redirect to a location matching re and
// returns the id it captured.
func azCreated(t *testing.T, c *client, path string, form url.Values, re *regexp.Regexp) int64 {
	t.Helper()
	r := c.post(path, form)
	m := re.FindStringSubmatch(r.Location)
	if r.Status != http.StatusSeeOther || m == nil {
		t.Fatalf("fixture POST %s: status %d location %q\n%.2000s", path, r.Status, r.Location, r.Body)
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	return id
}

// newAuthzFixture registers, as the caseworker cw of Øst, two persons (the
// first assigned to cw), a household with the first, a note and a task.
func newAuthzFixture(t *testing.T, app *testApp, c *client, cw *domain.User) authzFixture {
	t.Helper()
	var fx authzFixture
	f := validPersonForm(domain.SyntheticNationalID(time.Date(1990, 4, 12, 0, 0, 0, 0, time.UTC), 501))
	f.Set("caseworker_id", strconv.FormatInt(cw.ID, 10))
	fx.person = azCreated(t, c, "/persons", f, azPersonRe)
	f = validPersonForm(domain.SyntheticNationalID(time.Date(1991, 5, 13, 0, 0, 0, 0, time.UTC), 502))
	f.Set("given_name", "Yasin")
	fx.other = azCreated(t, c, "/persons", f, azPersonRe)
	p := strconv.FormatInt(fx.person, 10)
	fx.household = azCreated(t, c, "/households", url.Values{"name": {"Familien Haidari"}, "person_id": {p}, "joined_on": {"2026-03-01"}}, azHouseRe)
	today := time.Now().In(domain.Oslo)
	fx.note = azCreated(t, c, "/persons/"+p+"/notes", url.Values{
		"kind": {"meeting"}, "note_date": {today.Format("2006-01-02")}, "body": {"Samtale om bosetting"},
		"interpreter_used": {"yes"}, "interpreter_mode": {"on_site"}, "interpreter_category": {"A"},
		"interpreter_language": {"prs"}, "token": {""},
	}, azNoteRe)
	r := c.post("/persons/"+p+"/tasks/new", url.Values{
		"title": {"Bestille tolk"}, "due_date": {today.AddDate(0, 0, 14).Format("2006-01-02")}, "assignee_id": {strconv.FormatInt(cw.ID, 10)},
	})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("fixture task: status %d\n%.2000s", r.Status, r.Body)
	}
	fx.group = azCreated(t, c, "/groups", url.Values{"name": {"Norsk A2"}, "weekdays": {"1", "3"}}, azGroupRe)
	ctx := context.Background()
	if err := app.DB.Pool.QueryRow(ctx, `SELECT id FROM tasks WHERE person_id = $1`, fx.person).Scan(&fx.task); err != nil {
		t.Fatal(err)
	}
	// The programme: a grant and a leave (for /programme/pauses/{pauseID}).
	day := today.Format("2006-01-02")
	for part, form := range map[string]url.Values{
		"decision": {"decision": {"granted"}, "decision_date": {day}, "start_date": {day}, "planned_end": {today.AddDate(1, 0, 0).Format("2006-01-02")}, "end_goal": {"work"}, "version": {"0"}},
	} {
		if r := c.post("/persons/"+p+"/programme/"+part, form); r.Status != http.StatusSeeOther {
			t.Fatalf("fixture programme %s: status %d\n%.2000s", part, r.Status, r.Body)
		}
	}
	if r := c.post("/persons/"+p+"/programme/pause", url.Values{"kind": {"leave"}, "reason": {"Fødsel"}, "from_date": {day}, "to_date": {day}}); r.Status != http.StatusSeeOther {
		t.Fatalf("fixture pause: status %d\n%.2000s", r.Status, r.Body)
	}
	if err := app.DB.Pool.QueryRow(ctx, `SELECT id FROM programme_pauses WHERE person_id = $1`, fx.person).Scan(&fx.pause); err != nil {
		t.Fatal(err)
	}
	var kinds []string
	if err := app.DB.Pool.QueryRow(ctx, `SELECT array_agg(kind ORDER BY kind) FROM deadlines WHERE person_id = $1`, fx.person).Scan(&kinds); err != nil {
		t.Fatal(err)
	}
	if err := app.DB.Pool.QueryRow(ctx, `INSERT INTO plan_versions (person_id, valid_from) VALUES ($1, '2026-01-05') RETURNING id`,
		fx.person).Scan(&fx.planVersion); err != nil {
		t.Fatal(err)
	}
	// The employer register: an employer with a worksite and a supervisor.
	fx.employer = azCreated(t, c, "/employers", url.Values{"name": {"Solsiden sykehjem"}, "orgnr": {"974760673"}, "sector": {"nursing_home"}}, azEmpRe)
	emp := "/employers/" + strconv.FormatInt(fx.employer, 10)
	if r := c.post(emp+"/worksites", url.Values{"name": {"Kjøkkenet"}, "places": {"2"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("fixture worksite: status %d\n%.2000s", r.Status, r.Body)
	}
	if r := c.post(emp+"/contacts", url.Values{"name": {"Kari Veileder"}, "supervisor": {"yes"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("fixture contact: status %d\n%.2000s", r.Status, r.Body)
	}
	if err := app.DB.Pool.QueryRow(ctx, `SELECT (SELECT id FROM worksites WHERE employer_id = $1), (SELECT id FROM employer_contacts WHERE employer_id = $1)`,
		fx.employer).Scan(&fx.worksite, &fx.contact); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{domain.KindProgrammeOffer, domain.KindTBScreening} {
		if !strings.Contains(" "+strings.Join(kinds, " ")+" ", " "+k+" ") {
			t.Fatalf("fixture: the person has no %s deadline (has %v)", k, kinds)
		}
	}
	// A placement of the person at a worksite of the register (by SQL).
	if err := app.DB.Pool.QueryRow(ctx, `WITH e AS (INSERT INTO employers (name, orgnr, name_key, sector) VALUES ('Kafé Nord AS', '987654325', 'kafe nord as', 'kitchen') RETURNING id),
			w AS (INSERT INTO worksites (employer_id, name, places) SELECT id, 'Kafé Nord', 3 FROM e RETURNING id)
		INSERT INTO placements (person_id, worksite_id, minutes_per_week, weekdays, start_date, planned_end, goal, status)
		SELECT $1, w.id, 600, '{1,2}', $2::date, $2::date + 60, 'language', 'active' FROM w RETURNING id`, fx.person, day).Scan(&fx.placement); err != nil {
		t.Fatal(err)
	}
	// The housing registers: a landlord and a housing unit of Øst (the caseworker's unit), by SQL.
	if err := app.DB.Pool.QueryRow(ctx, `INSERT INTO landlords (unit_id, kind, name, orgnr) VALUES ($1, 'organisation', 'Boligbygg AS', '974760673') RETURNING id`,
		cw.UnitID).Scan(&fx.landlord); err != nil {
		t.Fatal(err)
	}
	if err := app.DB.Pool.QueryRow(ctx, `INSERT INTO housing_units (unit_id, address, address_key, owner_type, landlord_id, rooms, bedrooms, rent_ore)
		VALUES ($1, 'Storgata 1', 'storgata 1', 'private', $2, 3, 2, 1250000) RETURNING id`, cw.UnitID, fx.landlord).Scan(&fx.housingUnit); err != nil {
		t.Fatal(err)
	}
	// The person's health checklist (created with the person's dates).
	if err := app.DB.Pool.QueryRow(ctx, `SELECT id FROM health_items WHERE person_id = $1 ORDER BY id LIMIT 1`, fx.person).Scan(&fx.healthItem); err != nil {
		t.Fatal(err)
	}
	// A lease of the household in a housing unit of Øst (by SQL; issue 11).
	if err := app.DB.Pool.QueryRow(ctx, `WITH u AS (INSERT INTO housing_units (unit_id, address, address_key, owner_type, rooms, bedrooms, rent_ore)
			SELECT unit_id, 'Storgata 1', 'storgata 1', 'municipal', 3, 2, 950000 FROM households WHERE id = $1 RETURNING id)
		INSERT INTO leases (housing_unit_id, household_id, start_date, rent_ore) SELECT u.id, $1, $2::date, 950000 FROM u RETURNING id`,
		fx.household, day).Scan(&fx.lease); err != nil {
		t.Fatal(err)
	}
	// A Husbanken application of the household (by SQL; issue 11).
	if err := app.DB.Pool.QueryRow(ctx, `INSERT INTO husbanken_applications (household_id, scheme, applied_on)
		VALUES ($1, 'housing_allowance', $2::date) RETURNING id`, fx.household, day).Scan(&fx.husbankenApp); err != nil {
		t.Fatal(err)
	}
	// User administration (issue 13): cw's page and a set-password link of cw.
	fx.staffUser = cw.ID
	tok, _, err := app.DB.CreatePasswordLink(ctx, domain.Scope{UserID: cw.ID, UnitID: cw.UnitID, Role: domain.RoleAdmin}, cw.ID)
	if err != nil {
		t.Fatal(err)
	}
	fx.passwordToken = tok
	return fx
}

var azParamRe = regexp.MustCompile(`\{([^}:]+)(:[^}]*)?\}`)

// path fills a route pattern with the fixture's ids.
func (fx authzFixture) path(rt authzRoute) (string, error) {
	params := map[string]string{
		"personID":    strconv.FormatInt(fx.person, 10),
		"otherID":     strconv.FormatInt(fx.other, 10),
		"noteID":      strconv.FormatInt(fx.note, 10),
		"taskID":      strconv.FormatInt(fx.task, 10),
		"kind":        domain.KindProgrammeOffer,
		"versionID":   strconv.FormatInt(fx.planVersion, 10),
		"pauseID":     strconv.FormatInt(fx.pause, 10),
		"groupID":     strconv.FormatInt(fx.group, 10),
		"placementID": strconv.FormatInt(fx.placement, 10),
		"contactID":   strconv.FormatInt(fx.contact, 10),
		"itemID":      strconv.FormatInt(fx.healthItem, 10),
		"leaseID":     strconv.FormatInt(fx.lease, 10),
		"appID":       strconv.FormatInt(fx.husbankenApp, 10),
		"token":       fx.passwordToken,
		"list":        "no-end-reason",
	}
	switch {
	case strings.HasPrefix(rt.pattern, "/persons/"):
		params["id"] = strconv.FormatInt(fx.person, 10)
	case strings.HasPrefix(rt.pattern, "/households/"):
		params["id"] = strconv.FormatInt(fx.household, 10)
	case strings.HasPrefix(rt.pattern, "/employers/"):
		params["id"] = strconv.FormatInt(fx.employer, 10)
	case strings.HasPrefix(rt.pattern, "/worksites/"):
		params["id"] = strconv.FormatInt(fx.worksite, 10)
	case strings.HasPrefix(rt.pattern, "/housing/units/"):
		params["id"] = strconv.FormatInt(fx.housingUnit, 10)
	case strings.HasPrefix(rt.pattern, "/landlords/"):
		params["id"] = strconv.FormatInt(fx.landlord, 10)
	case strings.HasPrefix(rt.pattern, "/admin/users/"):
		params["id"] = strconv.FormatInt(fx.staffUser, 10)
	}
	if rt.want.with != "" {
		for _, kv := range strings.Split(rt.want.with, ",") {
			k, v, _ := strings.Cut(kv, "=")
			params[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	var unknown []string
	p := azParamRe.ReplaceAllStringFunc(rt.pattern, func(m string) string {
		name := azParamRe.FindStringSubmatch(m)[1]
		v, ok := params[name]
		if !ok {
			unknown = append(unknown, name)
		}
		return v
	})
	if strings.HasSuffix(p, "/*") {
		if p != "/static/*" {
			return "", fmt.Errorf("no fixture for the wildcard of %s", rt.pattern)
		}
		p = "/static/css/app.css"
	}
	if len(unknown) > 0 {
		return "", fmt.Errorf("route %s has parameters %v without a fixture: add them to authzFixture.path", rt.label(), unknown)
	}
	return p, nil
}

// azClassify sorts a response into the table's classes; anything else is
// returned as its status.
func azClassify(r response) (authzClass, bool) {
	switch {
	case r.Status >= 300 && r.Status < 400 && (r.Location == "/login" || strings.HasPrefix(r.Location, "/login?next=")):
		return azLogin, true
	case r.Status == http.StatusForbidden:
		return azForbidden, true
	case r.Status == http.StatusNotFound:
		return azNotFound, true
	case r.Status == http.StatusOK, r.Status == http.StatusSeeOther, r.Status == http.StatusFound,
		r.Status == http.StatusBadRequest, r.Status == http.StatusConflict, r.Status == http.StatusUnprocessableEntity:
		return azOK, true
	}
	return azUnset, false
}

// azMatches reports whether a response is what the cell expects.
func azMatches(want authzClass, r response) bool {
	got, known := azClassify(r)
	if want == azPublic {
		// The login form answers a failed attempt with 401; a logged-in user
		// is sent on from /login, a logout to /login?logged_out=1.
		return r.Status == http.StatusUnauthorized || (known && got != azForbidden && got != azNotFound && got != azLogin)
	}
	return known && got == want
}

func azDescribe(r response) string {
	got, known := azClassify(r)
	s := strconv.Itoa(r.Status)
	if r.Location != "" {
		s += " → " + r.Location
	}
	if !known {
		return "status " + s
	}
	return got.String() + " (" + s + ")"
}

// azRequest sends one cell's request: a GET, or a same-origin request with
// an empty form.
func azRequest(c *client, method, path string) response {
	switch method {
	case http.MethodGet:
		return c.get(path)
	case http.MethodPost:
		return c.post(path, url.Values{})
	}
	req, _ := http.NewRequest(method, c.app.TS.URL+path, strings.NewReader(""))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return c.do(req)
}

// azEndsSession are the routes that end the session: they run last.
func azEndsSession(rt authzRoute) bool {
	return rt.method == http.MethodPost && rt.pattern == "/logout"
}

// azState fingerprints the tables that empty forms must not change.
func azState(t *testing.T, app *testApp) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, table := range []string{"persons", "households", "household_members", "case_notes", "deadlines", "tasks",
		"programme_groups", "programme_group_members", "attendance", "employers", "worksites", "employer_contacts"} {
		var n int
		var sum *string
		err := app.DB.Pool.QueryRow(context.Background(),
			`SELECT count(*), md5(string_agg(x::text, '|' ORDER BY x::text)) FROM `+table+` x`).Scan(&n, &sum)
		if err != nil {
			t.Fatal(err)
		}
		s := ""
		if sum != nil {
			s = *sum
		}
		out[table] = fmt.Sprintf("%d rows, %s", n, s)
	}
	return out
}

func TestAuthorizationMatrix(t *testing.T) {
	app := newTestApp(t)
	routes, isRoutes := app.Srv.Routes().(chi.Routes)
	if !isRoutes {
		t.Fatalf("Routes() returns %T, not a chi.Routes", app.Srv.Routes())
	}
	table := authzMatrix()
	findings := authzKnownFindings()

	t.Run("every route has a row", func(t *testing.T) {
		for _, p := range authzProblems(routes, table) {
			t.Error(p)
		}
		labels := map[string]bool{}
		for _, rt := range table {
			for _, id := range authzIdentities {
				labels[rt.label()+" "+id] = true
			}
		}
		for key := range findings {
			if !labels[key] {
				t.Errorf("authzKnownFindings has %q, which is no cell of the table", key)
			}
		}
	})

	t.Run("the checker reports unclassified and stale routes", func(t *testing.T) {
		mux, isMux := app.Srv.Routes().(*chi.Mux)
		if !isMux {
			t.Skipf("Routes() returns %T, not a *chi.Mux", app.Srv.Routes())
		}
		mux.Post("/persons/{id}/authz-dummy", func(http.ResponseWriter, *http.Request) {})
		got := authzProblems(mux, table)
		if len(got) != 1 || !strings.Contains(got[0], "POST /persons/{id}/authz-dummy") {
			t.Errorf("an extra route: got problems %q, want one naming POST /persons/{id}/authz-dummy", got)
		}
		stale := append(append([]authzRoute(nil), table...), authzRoute{"GET", "/authz-gone", authzRow{
			anon: azLogin, cw: azOK, cwOther: azOK, health: azOK, housing: azOK, leader: azOK, admin: azOK}})
		got = authzProblems(routes, stale)
		if len(got) != 1 || !strings.Contains(got[0], "stale row") || !strings.Contains(got[0], "GET /authz-gone") {
			t.Errorf("a row without a route: got problems %q, want one stale row GET /authz-gone", got)
		}
		incomplete := append(append([]authzRoute(nil), table[1:]...), authzRoute{table[0].method, table[0].pattern, authzRow{anon: azPublic}})
		got = authzProblems(routes, incomplete)
		if len(got) != 6 {
			t.Errorf("a row with six empty cells: got problems %q, want six", got)
		}
	})

	// Users: each identity logs in once, with its own client.
	cwUser := app.user("cw@ost.no", domain.RoleCaseworker, "Øst")
	users := map[string]*domain.User{
		"cw":      cwUser,
		"cwOther": app.user("cw@vest.no", domain.RoleCaseworker, "Vest"),
		"health":  app.user("helse@ost.no", domain.RoleHealth, "Øst"),
		"housing": app.user("bolig@ost.no", domain.RoleHousing, "Øst"),
		"leader":  app.user("leder@ost.no", domain.RoleLeader, "Øst"),
		"admin":   app.user("admin@vest.no", domain.RoleAdmin, "Vest"),
	}
	clients := map[string]*client{"anon": app.client()}
	for id, u := range users {
		clients[id] = app.client()
		clients[id].login(u.Email)
	}
	fx := newAuthzFixture(t, app, clients["cw"], cwUser)
	before := azState(t, app)

	// Routes that end the session run last, per identity.
	ordered := append([]authzRoute(nil), table...)
	sort.SliceStable(ordered, func(i, j int) bool { return !azEndsSession(ordered[i]) && azEndsSession(ordered[j]) })

	type observed struct{ label, identity, got string }
	var seen []observed
	for _, id := range authzIdentities {
		c := clients[id]
		for _, rt := range ordered {
			want := rt.want.cell(id)
			if want == azUnset {
				continue // reported by "every route has a row"
			}
			path, err := fx.path(rt)
			if err != nil {
				t.Error(err)
				continue
			}
			if azEndsSession(rt) && id != "anon" {
				// Still logged in up to here: nothing before ended the session.
				if r := c.get("/persons"); r.Status != http.StatusOK {
					t.Errorf("%s is no longer logged in before %s: GET /persons gave %s", id, rt.label(), azDescribe(r))
				}
			}
			r := azRequest(c, rt.method, path)
			seen = append(seen, observed{rt.label(), id, azDescribe(r)})
			cell := rt.label() + " " + id
			if f, known := findings[cell]; known {
				switch {
				case azMatches(want, r):
					t.Errorf("%s (%s) as %s now answers %s as the table says: delete it from authzKnownFindings", rt.label(), path, id, azDescribe(r))
				case r.Status == f.got:
					t.Logf("KNOWN FINDING %s as %s: got %s, want %s: %s", rt.label(), id, azDescribe(r), want, f.why)
				default:
					t.Errorf("%s (%s) as %s: got %s, want %s (known finding said %d)", rt.label(), path, id, azDescribe(r), want, f.got)
				}
				continue
			}
			if !azMatches(want, r) {
				t.Errorf("%s (%s) as %s: got %s, want %s", rt.label(), path, id, azDescribe(r), want)
			}
		}
	}

	after := azState(t, app)
	for table, b := range before {
		if after[table] != b {
			t.Errorf("the matrix's requests changed table %s: before %s, after %s", table, b, after[table])
		}
	}

	if testing.Verbose() {
		var b strings.Builder
		fmt.Fprintf(&b, "%d routes, %d cells\n", len(table), len(seen))
		for _, o := range seen {
			fmt.Fprintf(&b, "  %-60s %-8s %s\n", o.label, o.identity, o.got)
		}
		t.Log(b.String())
	}
}
