// Package paths is the one place that builds the addresses of pages and
// records. Views and handlers call it instead of writing "/persons/" + id
// themselves, so a route changes in the router and here, nowhere else.
//
// Every function returns a path with internal ids only: no name or identity
// number ever goes into a URL. The routes are registered in
// internal/server (server.go and each module's *Routes function).
package paths

import (
	"net/url"
	"strconv"
	"time"

	"ankomst/internal/domain"
)

func id(n int64) string { return strconv.FormatInt(n, 10) }

// WithQuery is path with the query v, or path alone when v is empty.
func WithQuery(path string, v url.Values) string {
	if q := v.Encode(); q != "" {
		return path + "?" + q
	}
	return path
}

// Home is the start page (it redirects to the person list).
func Home() string { return "/" }

// Login is the login page (GET) and the login form's action (POST).
func Login() string { return "/login" }

// Logout is the logout form's action (POST).
func Logout() string { return "/logout" }

// Persons is the person list (GET) and where a new person is posted (POST).
func Persons() string { return "/persons" }

// PersonSearch is the person list's search form action (POST, so identity
// numbers stay out of URLs).
func PersonSearch() string { return "/persons/search" }

// PersonNew is the registration form.
func PersonNew() string { return "/persons/new" }

// Person is the person page (GET) and the edit form's action (POST).
func Person(personID int64) string { return "/persons/" + id(personID) }

// PersonEdit is the edit form.
func PersonEdit(personID int64) string { return Person(personID) + "/edit" }

// PersonDeadlines is the person page scrolled to its deadlines section
// ("Frister og oppgaver").
func PersonDeadlines(personID int64) string { return Person(personID) + "#frister" }

// PersonClose is the close-a-case page (GET) and its action (POST).
func PersonClose(personID int64) string { return Person(personID) + "/close" }

// PersonReopen is the reopen action (POST).
func PersonReopen(personID int64) string { return Person(personID) + "/reopen" }

// PersonAudit is the person's access log (innsyn: hvem har sett).
func PersonAudit(personID int64) string { return Person(personID) + "/audit" }

// PersonAuditCSV is the access log as CSV.
func PersonAuditCSV(personID int64) string { return Person(personID) + "/audit.csv" }

// PersonTimeline is the person's full timeline (its first page).
func PersonTimeline(personID int64) string { return Person(personID) + "/timeline" }

// PersonTimelineBefore is the timeline page that starts after the cursor:
// the items older than it.
func PersonTimelineBefore(personID int64, before domain.TimelineKey) string {
	return PersonTimeline(personID) + "?before=" + before.String()
}

// NoteNew is the form for a new case note.
func NoteNew(personID int64) string { return Person(personID) + "/notes/new" }

// Notes is where a new note is posted (POST).
func Notes(personID int64) string { return Person(personID) + "/notes" }

// Note is where an edited note is posted (POST).
func Note(personID, noteID int64) string { return Notes(personID) + "/" + id(noteID) }

// NoteEdit is the form that edits a note (within 24 hours).
func NoteEdit(personID, noteID int64) string { return Note(personID, noteID) + "/edit" }

// NoteCorrect is the form for a correction of a note (GET) and its action (POST).
func NoteCorrect(personID, noteID int64) string { return Note(personID, noteID) + "/correct" }

// NoteOnTimeline is the timeline page that starts with the note (dated
// noteDate), scrolled to it.
func NoteOnTimeline(personID, noteID int64, noteDate time.Time) string {
	k := domain.TimelineKey{Day: domain.Date(noteDate), Rank: domain.RankNote, ID: noteID + 1}
	return PersonTimelineBefore(personID, k) + NoteAnchor(noteID)
}

// NoteAnchor is the fragment of a note on a timeline page: "#note-12".
func NoteAnchor(noteID int64) string { return "#note-" + id(noteID) }

// TaskNew is the new task form (GET) and its action (POST).
func TaskNew(personID int64) string { return Person(personID) + "/tasks/new" }

// TaskEdit is the task edit form (GET) and its action (POST).
func TaskEdit(personID, taskID int64) string {
	return Person(personID) + "/tasks/" + id(taskID) + "/edit"
}

// TaskDone marks a task done or undoes it (POST).
func TaskDone(personID, taskID int64) string {
	return Person(personID) + "/tasks/" + id(taskID) + "/done"
}

// DeadlineDone is the page that marks a computed deadline of the kind done,
// or undoes it (GET), and its action (POST).
func DeadlineDone(personID int64, kind string) string {
	return Person(personID) + "/deadlines/" + url.PathEscape(kind) + "/done"
}

// Deadlines is the Frister page.
func Deadlines() string { return "/deadlines" }

// Households is the household list (GET) and where a new household is posted (POST).
func Households() string { return "/households" }

// HouseholdSearch is the household list's search form action (POST).
func HouseholdSearch() string { return "/households/search" }

// HouseholdNew is the new-household form.
func HouseholdNew() string { return "/households/new" }

// HouseholdNewFor is the new-household form with the person as its head.
func HouseholdNewFor(personID int64) string { return HouseholdNew() + "?person=" + id(personID) }

// Household is the household page (GET) and the rename form's action (POST).
func Household(householdID int64) string { return "/households/" + id(householdID) }

// HouseholdEdit is the rename form.
func HouseholdEdit(householdID int64) string { return Household(householdID) + "/edit" }

// HouseholdPickerSearch is the search of the household page's member picker (POST).
func HouseholdPickerSearch(householdID int64) string { return Household(householdID) + "/search" }

// HouseholdMembers is where a member is added (POST).
func HouseholdMembers(householdID int64) string { return Household(householdID) + "/members" }

// HouseholdMemberRemove is the confirmation page (GET) and action (POST)
// that removes the person from the household.
func HouseholdMemberRemove(householdID, personID int64) string {
	return HouseholdMembers(householdID) + "/" + id(personID) + "/remove"
}

// HouseholdReunification is the family reunification form (GET) and its action (POST).
func HouseholdReunification(householdID int64) string {
	return Household(householdID) + "/reunification"
}

// Caseload is the caseload page (saksfordeling).
func Caseload() string { return "/caseload" }

// CaseloadPreview is the reassignment preview (POST).
func CaseloadPreview() string { return "/caseload/preview" }

// CaseloadReassign applies a previewed reassignment (POST).
func CaseloadReassign() string { return "/caseload/reassign" }

// Merge is the first step of merging the person with another registration.
func Merge(personID int64) string { return Person(personID) + "/merge" }

// MergeSearch is the merge search form's action (POST).
func MergeSearch(personID int64) string { return Merge(personID) + "/search" }

// MergeWith is the preview of merging the person with other (GET) and the
// merge itself (POST).
func MergeWith(personID, otherID int64) string { return Merge(personID) + "/" + id(otherID) }

// PersonProgramme is a person's introduction programme page.
func PersonProgramme(personID int64) string { return Person(personID) + "/programme" }

// PersonProgrammePart is one of the programme page's forms (GET) and its
// action (POST): "ruleset", "decision", "plan", "contract", "pause", "end" ….
func PersonProgrammePart(personID int64, part string) string {
	return PersonProgramme(personID) + "/" + part
}

// PersonPlan is a person's weekly plan (its versions) and the new-version form.
func PersonPlan(personID int64) string { return PersonProgramme(personID) + "/plan" }

// PersonBenefit is a person's benefit month by month, with deductions.
func PersonBenefit(personID int64) string { return PersonProgramme(personID) + "/benefit" }

// Groups is the list of groups (GET) and where a new group is posted (POST).
func Groups() string { return "/groups" }

// GroupNew is the new-group form.
func GroupNew() string { return "/groups/new" }

// Group is a group's page (GET) and its edit action (POST).
func Group(groupID int64) string { return "/groups/" + id(groupID) }

// Attendance is the weekly attendance grid (for "mine deltakere").
func Attendance() string { return "/attendance" }

// AttendanceGroupWeek is the grid for a group and an ISO week ("2026-W49").
func AttendanceGroupWeek(groupID int64, week string) string {
	v := url.Values{}
	if groupID > 0 {
		v.Set("group", id(groupID))
	}
	if week != "" {
		v.Set("week", week)
	}
	return WithQuery(Attendance(), v)
}

// BenefitCalculator is the benefit calculator (stønadskalkulator).
func BenefitCalculator() string { return "/benefit/calculator" }

// Payroll is the payroll basis for a month and unit (utbetalingsgrunnlag).
func Payroll() string { return "/reports/payroll" }

// AdminRates is the administrators' page of dated rates and limits.
func AdminRates() string { return "/admin/rates" }

// Admin is the administration page: the administrator's tools.
func Admin() string { return "/admin" }

// PersonPlanNew is the form for a new version of a person's weekly plan
// (it posts to PersonPlan).
func PersonPlanNew(personID int64) string { return PersonPlan(personID) + "/new" }

// PersonPlanVersion is one stored version of a person's weekly plan.
func PersonPlanVersion(personID, versionID int64) string {
	return PersonPlan(personID) + "/" + id(versionID)
}

// Employers is the employer register (GET, with search) and where a new
// employer is posted (POST).
func Employers() string { return "/employers" }

// EmployerNew is the new-employer form (its organisation-number field is orgnr).
func EmployerNew() string { return "/employers/new" }

// Employer is an employer's page with its worksites and contacts.
func Employer(employerID int64) string { return "/employers/" + id(employerID) }

// Worksite is a worksite's page with its participants (in the user's scope).
func Worksite(worksiteID int64) string { return "/worksites/" + id(worksiteID) }

// PlacementsCapacity is the capacity page: free places now and in the next 8 weeks.
func PlacementsCapacity() string { return "/placements/capacity" }

// PersonPlacements is a person's placements (history, new placement).
func PersonPlacements(personID int64) string { return Person(personID) + "/placements" }

// Placement is one placement of a person (follow-ups, evaluation, status).
func Placement(personID, placementID int64) string {
	return PersonPlacements(personID) + "/" + id(placementID)
}

// Health is the health worklist (the health role) and the leaders' counts.
func Health() string { return "/health" }

// PersonHealth is a person's health checklist (the health role only).
func PersonHealth(personID int64) string { return Person(personID) + "/health" }

// PersonHealthAccess is a person's health access report (who read, when, why).
func PersonHealthAccess(personID int64) string { return PersonHealth(personID) + "/access" }

// PersonHealthAccessCSV is the health access report as CSV.
func PersonHealthAccessCSV(personID int64) string { return PersonHealth(personID) + "/access.csv" }

// PersonHealthPurpose receives the purpose of reading a person's checklist
// (kept in the session for the rest of it).
func PersonHealthPurpose(personID int64) string { return PersonHealth(personID) + "/purpose" }

// PersonHealthItem receives the edit form of one checklist item.
func PersonHealthItem(personID, itemID int64) string {
	return PersonHealth(personID) + "/items/" + id(itemID)
}

// Housing is the occupancy board (belegg).
func Housing() string { return "/housing" }

// HousingUnits is the list of housing units (GET) and where a new unit is posted (POST).
func HousingUnits() string { return "/housing/units" }

// HousingUnitNew is the new-unit form.
func HousingUnitNew() string { return "/housing/units/new" }

// HousingUnit is a unit's page with its leases.
func HousingUnit(unitID int64) string { return "/housing/units/" + id(unitID) }

// Landlords is the landlord register.
func Landlords() string { return "/landlords" }

// Landlord is a landlord's page with agreements and units.
func Landlord(landlordID int64) string { return "/landlords/" + id(landlordID) }

// HouseholdHousing is a household's home: the current lease and its history,
// guidance sessions and Husbanken applications.
func HouseholdHousing(householdID int64) string { return Household(householdID) + "/housing" }

// AdminUsers is the user list (GET) and where a new user is posted (POST).
func AdminUsers() string { return "/admin/users" }

// AdminUserNew is the new-user form.
func AdminUserNew() string { return "/admin/users/new" }

// AdminUser is a user's page (GET) and its actions (POST).
func AdminUser(userID int64) string { return "/admin/users/" + id(userID) }

// SetPassword is a one-time set-password link (public; the token is the
// credential and never goes into a log).
func SetPassword(token string) string { return "/set-password/" + url.PathEscape(token) }

// Setup is the first administrator's one-time setup link (public, only on
// a database without an admin).
func Setup(token string) string { return "/setup/" + url.PathEscape(token) }

// LoginCode is the login's second step: the two-factor code (GET form, POST check).
func LoginCode() string { return "/login/code" }

// Account2FA is the user's two-factor page: enrolment (GET, POST confirms a
// code) or, once enrolled, its status.
func Account2FA() string { return "/account/2fa" }

// Account2FADisable turns two-factor off (password and code), to re-enrol.
func Account2FADisable() string { return "/account/2fa/disable" }

// AdminTwoFactor is the administrators' page of the units' two-factor setting.
func AdminTwoFactor() string { return "/admin/2fa" }

// AdminUnitTwoFactor sets whether a unit requires two-factor (POST).
func AdminUnitTwoFactor(unitID int64) string { return AdminTwoFactor() + "/" + id(unitID) }

// OIDCLogin starts single sign-on with the municipality's identity provider.
func OIDCLogin() string { return "/auth/oidc/login" }

// OIDCCallback is where the identity provider sends the user back.
func OIDCCallback() string { return "/auth/oidc/callback" }

// Dashboard is the leaders' dashboard (oversikt); its filter is in the query.
func Dashboard() string { return "/dashboard" }

// DashboardCSV is the dashboard's numbers as CSV (same query as the page).
func DashboardCSV() string { return "/dashboard.csv" }

// DashboardList is a list of the persons behind a dashboard figure.
func DashboardList(list string) string { return "/dashboard/list/" + list }

// AdminRetention is the administrators' page of retention: the periods, the
// dry run and legal holds (issue 13).
func AdminRetention() string { return "/admin/retention" }

// AdminRetentionRule receives a kind's changed period (POST).
func AdminRetentionRule() string { return "/admin/retention/rules" }

// AdminRetentionApply carries out what the dry run lists (POST).
func AdminRetentionApply() string { return "/admin/retention/apply" }

// AdminLegalHold sets or clears a legal hold on a person (POST).
func AdminLegalHold() string { return "/admin/retention/legal-hold" }

// PersonAccessPackage is a person's access package (innsyn), printable.
func PersonAccessPackage(personID int64) string { return Person(personID) + "/access-package" }

// PersonAccessPackageJSON is the access package as a JSON file.
func PersonAccessPackageJSON(personID int64) string { return Person(personID) + "/access-package.json" }

// Reports is the exports page (rapporter): every export with its filters.
func Reports() string { return "/reports" }

// ReportNIR is the NIR programme file; ".csv" and ".xlsx" are the formats.
func ReportNIR() string { return "/reports/nir" }

// ReportNIRCheck is the NIR check report (what is missing or late); ".csv" beside it.
func ReportNIRCheck() string { return "/reports/nir/check" }

// ReportSettlementFile is the settlement report for a year (the ledger's
// export); ".csv" and ".xlsx" are the formats.
func ReportSettlementFile() string { return "/reports/settlement" }

// Settlement is the settlement ledger (bosetting) for a year (?year=).
func Settlement() string { return "/settlement" }

// SettlementTargets receives a new request or decision row (POST).
func SettlementTargets() string { return "/settlement/targets" }

// SettlementReport is the settlement report's export for a year: ext is
// "csv" or "xlsx" (?year=).
func SettlementReport(ext string) string { return "/reports/settlement." + ext }

// PersonSettle marks a person in the settlement pipeline settled (POST).
func PersonSettle(personID int64) string { return Person(personID) + "/settle" }
