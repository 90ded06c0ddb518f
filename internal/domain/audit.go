package domain

import (
	"cmp"
	"slices"
	"strings"
	"time"
)

// The audit vocabulary: every action the audit log (audit_events) records,
// every entity it names and every field a change lists, with their Norwegian
// words. The access log (innsynslogg), its filter and CSV export, the
// timeline (tidslinje), the "Endret av andre" markers and the store's
// timeline query all read the tables below; nothing else lists actions.

// Audit actions (audit_events.action).
const (
	ActionCreate        = "create"
	ActionUpdate        = "update"
	ActionView          = "view"
	ActionClose         = "close"
	ActionReopen        = "reopen"
	ActionReassign      = "reassign"
	ActionViewAudit     = "view_audit"
	ActionExportAudit   = "export_audit"
	ActionDelete        = "delete"
	ActionMerge         = "merge"
	ActionAddMember     = "add_member"
	ActionRemoveMember  = "remove_member"
	ActionReunification = "reunification"
	ActionLogin         = "login"
	ActionLoginFailed   = "login_failed"
	ActionLogout        = "logout"
	ActionApprove       = "approve" // a payroll month approved (locked)
	ActionExport        = "export"  // a report exported (payroll basis …)
	// User administration (issue 13).
	ActionDeactivate   = "deactivate"    // a user deactivated (every session ended)
	ActionReactivate   = "reactivate"    // a user reactivated
	ActionEndSession   = "end_session"   // one or every session of a user ended by an admin
	ActionPasswordLink = "password_link" // a one-time set-password link made for a user
	// Two-factor and single sign-on (the user is the entity).
	ActionLoginPassword = "login_password" // password right, the code step follows
	ActionEnable2FA     = "enable_2fa"
	ActionDisable2FA    = "disable_2fa"
	// Retention and access (issue 13).
	ActionAnonymise     = "anonymise"      // a person anonymised, or part of their text cleared
	ActionAccessPackage = "access_package" // a person's access package produced (GDPR art. 15)
	ActionLegalHold     = "legal_hold"     // a legal hold set or cleared on a person
)

// Audited entities (audit_events.entity).
const (
	EntityPerson          = "person"
	EntityHousehold       = "household"
	EntityTask            = "task"
	EntityDeadline        = "deadline"
	EntityNote            = "case_note"
	EntityUser            = "user"
	EntityTimeline        = "timeline"         // a read of the full timeline page
	EntityHealthDeadlines = "health_deadlines" // a read of a person's health deadlines
	// The introduction programme.
	EntityProgramme        = "programme"         // rule set, decision, plan goals, contract, end
	EntityProgrammePause   = "programme_pause"   // leave or interruption
	EntityPlanVersion      = "plan_version"      // a weekly plan version with its elements
	EntityGroup            = "programme_group"   // a group (e.g. a Norwegian class)
	EntityGroupMember      = "group_member"      // a person joining or leaving a group
	EntityAttendance       = "attendance"        // a week of a person's attendance
	EntityBenefitDeduction = "benefit_deduction" // another benefit deducted from a month
	EntityPayroll          = "payroll"           // a unit's payroll month
	EntityRate             = "rate"              // a dated rate or limit
	// Work-practice placements.
	EntityEmployer            = "employer"             // an employer of the register
	EntityWorksite            = "worksite"             // a worksite of an employer
	EntityEmployerContact     = "employer_contact"     // a contact person or supervisor
	EntityPlacement           = "placement"            // a participant's placement
	EntityPlacementFollowup   = "placement_followup"   // a follow-up conversation
	EntityPlacementEvaluation = "placement_evaluation" // the end evaluation
	// Health follow-up (issue 10): named health… so other roles never see
	// them on the timeline.
	EntityHealthItems = "health_items" // a read of a person's health checklist
	EntityHealthItem  = "health_item"  // one checklist item changed
	// A health deadline (TB screening, health check) met or reopened: named
	// health… so the change stays off other roles' timelines.
	EntityHealthDeadline = "health_deadline"
	// Retention (issue 13).
	EntityRetentionRule = "retention_rule" // a kind of record's retention period
	// The NIR programme file (issue 12): an export (EntityID: nir_exports.id).
	EntityNIR = "nir_export"
	// The settlement ledger (issue 12).
	EntitySettlementTarget = "settlement_target" // IMDi's request or the council's decision for a year
	EntitySettlementReport = "settlement_report" // the ledger exported
	// The leaders' dashboard (issue 12): its numbers exported as CSV.
	EntityDashboardReport = "dashboard_report"
)

// auditAction is one row of the action table.
type auditAction struct {
	name  string
	label string // in the access log: what the user did ("Endret")
	// title on the timeline; when empty, the entity's label and verb
	// ("Oppgave opprettet") or the entity's own title.
	title string
	verb  string
	// timeline: the action changes something about a person and shows on
	// the timeline. The partial index audit_events_timeline_idx holds exactly
	// these actions: adding one needs a migration that rebuilds the index
	// (TestTimelineIndexCoversTimelineActions fails until then).
	timeline bool
	// filter: offered in the access log's filter (the action can be about a
	// person); listed in this order.
	filter bool
}

var auditActionTable = []auditAction{
	{name: ActionView, label: "Så personen", filter: true},
	{name: ActionCreate, label: "Registrerte", verb: "opprettet", timeline: true, filter: true},
	{name: ActionUpdate, label: "Endret", verb: "endret", timeline: true, filter: true},
	{name: ActionReassign, label: "Byttet programrådgiver", title: "Ny programrådgiver", timeline: true, filter: true},
	{name: ActionClose, label: "Avsluttet saken", title: "Saken ble avsluttet", timeline: true, filter: true},
	{name: ActionReopen, label: "Gjenåpnet saken", title: "Saken ble gjenåpnet", timeline: true, filter: true},
	{name: ActionAddMember, label: "La til i husstand", title: "Lagt til i husstand", timeline: true, filter: true},
	{name: ActionRemoveMember, label: "Fjernet fra husstand", title: "Fjernet fra husstand", timeline: true, filter: true},
	{name: ActionReunification, label: "Registrerte familiegjenforening", title: "Familiegjenforening registrert", timeline: true, filter: true},
	{name: ActionMerge, label: "Slo sammen", title: "Slått sammen med en annen registrering", timeline: true, filter: true},
	{name: ActionViewAudit, label: "Så innsynsloggen", filter: true},
	{name: ActionExportAudit, label: "Eksporterte innsynsloggen", filter: true},
	{name: ActionDelete, label: "Slettet"},
	{name: ActionLogin, label: "Logget inn"},
	{name: ActionLoginFailed, label: "Mislykket innlogging"},
	{name: ActionLogout, label: "Logget ut"},
	{name: ActionApprove, label: "Godkjente"},
	{name: ActionExport, label: "Eksporterte"},
	{name: ActionDeactivate, label: "Deaktiverte"},
	{name: ActionReactivate, label: "Aktiverte igjen"},
	{name: ActionEndSession, label: "Avsluttet økt"},
	{name: ActionPasswordLink, label: "Lagde lenke for å sette passord"},
	{name: ActionLoginPassword, label: "Passord godkjent (venter på kode)"},
	{name: ActionEnable2FA, label: "Slo på tofaktorinnlogging"},
	{name: ActionDisable2FA, label: "Slo av tofaktorinnlogging"},
	{name: ActionAnonymise, label: "Anonymiserte", filter: true},
	{name: ActionAccessPackage, label: "Laget innsynspakke", filter: true},
	{name: ActionLegalHold, label: "Endret rettslig hold", filter: true},
}

func findAuditAction(name string) (auditAction, bool) {
	i := slices.IndexFunc(auditActionTable, func(a auditAction) bool { return a.name == name })
	if i < 0 {
		return auditAction{}, false
	}
	return auditActionTable[i], true
}

// AuditActionNames lists every action of the table.
func AuditActionNames() []string {
	out := make([]string, len(auditActionTable))
	for i, a := range auditActionTable {
		out[i] = a.name
	}
	return out
}

// AuditEventLabel is what the user did, for the access log: the action's
// label, or the entity's own where it has one (joining a group is not
// joining a household).
func AuditEventLabel(action, entity string) string {
	if e, ok := findAuditEntity(entity); ok {
		switch {
		case action == ActionAddMember && e.addedLabel != "":
			return e.addedLabel
		case action == ActionRemoveMember && e.removedLabel != "":
			return e.removedLabel
		}
	}
	return AuditActionLabel(action)
}

// AuditActionLabel is an audit action in Norwegian; an action another module
// added without a label shows as itself.
func AuditActionLabel(action string) string {
	if a, ok := findAuditAction(action); ok {
		return a.label
	}
	return action
}

// AuditActions lists the actions offered in the access log's filter, with
// their labels (a fresh slice).
func AuditActions() []Option {
	var out []Option
	for _, a := range auditActionTable {
		if a.filter {
			out = append(out, Option{Value: a.name, Label: a.label})
		}
	}
	return out
}

// TimelineActions lists the actions shown on a person's timeline (a fresh
// slice), in table order.
func TimelineActions() []string {
	var out []string
	for _, a := range auditActionTable {
		if a.timeline {
			out = append(out, a.name)
		}
	}
	return out
}

// OnTimeline reports whether events of the action show on the timeline.
func OnTimeline(action string) bool {
	a, ok := findAuditAction(action)
	return ok && a.timeline
}

// auditEntity is one row of the entity table.
type auditEntity struct {
	name   string
	label  string
	create string // timeline title of its create event, when not "<label> opprettet"
	update string // timeline title of its update event, when not "<label> endret"
	// timeline titles of its add_member and remove_member events, when not
	// the household's (the action's own title), and their access-log labels
	added, removed           string
	addedLabel, removedLabel string
}

var auditEntityTable = []auditEntity{
	{name: EntityPerson, label: "Deltaker", create: "Deltakeren ble registrert", update: "Opplysninger endret"},
	{name: EntityHousehold, label: "Husstand"},
	{name: "household_member", label: "Husstandsmedlem"},
	{name: EntityTask, label: "Oppgave"},
	{name: EntityDeadline, label: "Frist"},
	{name: EntityNote, label: "Saksnotat"},
	{name: EntityUser, label: "Bruker"},
	{name: EntityTimeline, label: "Tidslinje"},
	{name: EntityHealthDeadlines, label: "Helsefrister"},
	{name: EntityProgramme, label: "Introduksjonsprogram"},
	{name: EntityProgrammePause, label: "Permisjon eller avbrudd"},
	{name: EntityPlanVersion, label: "Ukeplan", create: "Ny versjon av ukeplanen"},
	{name: EntityGroup, label: "Gruppe"},
	{name: EntityGroupMember, label: "Gruppemedlemskap", added: "Lagt til i gruppe", removed: "Fjernet fra gruppe",
		addedLabel: "La til i gruppe", removedLabel: "Fjernet fra gruppe"},
	{name: EntityAttendance, label: "Oppmøte", update: "Oppmøte registrert"},
	{name: EntityBenefitDeduction, label: "Trekk i stønaden"},
	{name: EntityPayroll, label: "Utbetalingsgrunnlag"},
	{name: EntityRate, label: "Sats"},
	{name: EntityEmployer, label: "Arbeidsgiver"},
	{name: EntityWorksite, label: "Arbeidssted"},
	{name: EntityEmployerContact, label: "Kontaktperson"},
	{name: EntityPlacement, label: "Praksisplass"},
	{name: EntityPlacementFollowup, label: "Oppfølgingssamtale", create: "Oppfølgingssamtale i praksis"},
	{name: EntityPlacementEvaluation, label: "Sluttevaluering av praksis"},
	{name: EntityHealthItems, label: "Helseoppfølging"},
	{name: EntityHealthItem, label: "Helsepunkt"},
	{name: EntityHealthDeadline, label: "Helsefrist"},
	{name: EntityNIR, label: "NIR-fil"},
	{name: "health_access", label: "Helseinnsynslogg"},
	{name: "housing_unit", label: "Bolig"},
	{name: "landlord", label: "Utleier"},
	{name: "landlord_agreement", label: "Avtale med utleier"},
	{name: "lease", label: "Leieforhold"},
	{name: "lease_checklist", label: "Sjekkliste for inn- og utflytting"},
	{name: "housing_guidance", label: "Boveiledning"},
	{name: "husbanken_application", label: "Søknad til Husbanken"},
	{name: EntityRetentionRule, label: "Slettefrist"},
	{name: EntitySettlementTarget, label: "Bosettingstall (anmodning eller vedtak)"},
	{name: EntitySettlementReport, label: "Bosettingsrapport"},
	{name: EntityDashboardReport, label: "Oversikt (tall)"},
}

func findAuditEntity(name string) (auditEntity, bool) {
	i := slices.IndexFunc(auditEntityTable, func(e auditEntity) bool { return e.name == name })
	if i < 0 {
		return auditEntity{}, false
	}
	return auditEntityTable[i], true
}

// EntityLabel is the Norwegian name of an audited entity.
func EntityLabel(entity string) string {
	if e, ok := findAuditEntity(entity); ok {
		return e.label
	}
	return AuditFieldLabel(entity)
}

// ChangeTitle describes an audited change of a person in a few Norwegian
// words, for the timeline.
func ChangeTitle(action, entity string) string {
	if e, found := findAuditEntity(entity); found {
		switch {
		case action == ActionAddMember && e.added != "":
			return e.added
		case action == ActionRemoveMember && e.removed != "":
			return e.removed
		}
	}
	a, ok := findAuditAction(action)
	if ok && a.title != "" {
		return a.title
	}
	if e, found := findAuditEntity(entity); found {
		switch {
		case action == ActionCreate && e.create != "":
			return e.create
		case action == ActionUpdate && e.update != "":
			return e.update
		}
	}
	if ok && a.verb != "" {
		return EntityLabel(entity) + " " + a.verb
	}
	return EntityLabel(entity) + ": " + strings.ReplaceAll(action, "_", " ")
}

// auditField is one row of the field table: a field an audited change (or
// an older row's details) names.
type auditField struct {
	name   string
	label  string
	values []Option // codes, shown by their labels
	list   bool     // a comma-separated list of codes
	user   bool     // a user's id, shown as the user's name
}

// caseStatuses are the labels of a person's status.
var caseStatuses = []Option{{StatusActive, "Aktiv"}, {StatusClosed, "Avsluttet"}, {StatusMerged, "Slått sammen"}}

// auditFieldTable lists fields in the order a change shows them: the
// person's as the person form does, then the other modules'. Fields not in
// the table follow by name.
var auditFieldTable = []auditField{
	// Persons.
	{name: "given_name", label: "Fornavn"},
	{name: "family_name", label: "Etternavn"},
	{name: "birth_date", label: "Fødselsdato"},
	{name: "sex", label: "Kjønn", values: sexes},
	{name: "national_id", label: "Fødselsnummer / D-nummer"},
	{name: "duf_number", label: "DUF-nummer"},
	{name: "country_of_origin", label: "Opprinnelsesland", values: countries},
	{name: "residence_basis", label: "Oppholdsgrunnlag", values: residenceBases},
	{name: "arrival_date", label: "Ankomstdato"},
	{name: "settlement_date", label: "Bosettingsdato"},
	{name: "languages", label: "Språk", values: languages, list: true},
	{name: "interpreter_needed", label: "Behov for tolk"},
	{name: "interpreter_language", label: "Tolkespråk", values: languages},
	{name: "interpreter_dialect", label: "Dialekt"},
	{name: "interpreter_gender", label: "Tolkens kjønn", values: interpreterGenders},
	{name: "caseworker_id", label: "Programrådgiver", user: true},
	{name: "unit_id", label: "Enhet"},
	{name: "status", label: "Status", values: caseStatuses},
	{name: "closed_on", label: "Avsluttet dato"},
	{name: "close_reason", label: "Avslutningsårsak", values: closeReasons},
	{name: "merged_into", label: "Slått sammen med"},
	// Households and their members.
	{name: "name", label: "Navn"},
	{name: "household_id", label: "Husstand"},
	{name: "relation", label: "Relasjon", values: relations},
	{name: "role", label: "Rolle i husstanden"},
	{name: "joined_on", label: "Flyttet inn"},
	{name: "left_on", label: "Flyttet ut"},
	{name: "reunification", label: "Familiegjenforening"},
	// Tasks and deadlines.
	{name: "title", label: "Tittel"},
	{name: "due_date", label: "Frist"},
	{name: "due", label: "Frist"},
	{name: "assignee_id", label: "Ansvarlig", user: true},
	{name: "done_on", label: "Utført"},
	{name: "note", label: "Merknad"},
	// Case notes.
	{name: "kind", label: "Type"},
	{name: "note_date", label: "Dato for kontakten"},
	{name: "body", label: "Tekst"},
	{name: "interpreter_used", label: "Tolk brukt"},
	{name: "interpreter_mode", label: "Hvordan tolken deltok", values: interpreterModes},
	{name: "interpreter_category", label: "Kategori i Nasjonalt tolkeregister"},
	{name: "interpreter_is_child", label: "Barn som tolk"},
	{name: "interpreter_emergency", label: "Nødsituasjon"},
	{name: "no_interpreter_reason", label: "Hvorfor det ikke ble brukt tolk"},
	{name: "corrects_id", label: "Korrigerer notat"},
	{name: "author_id", label: "Skrevet av", user: true},
	// Details that rows written before audit_events.details kept among
	// their changes (migration 000012).
	{name: "reason", label: "Årsak"},
	{name: "merged_person_id", label: "Sammenslått registrering"},
	{name: "moved", label: "Flyttet over"},
	{name: "household_plan", label: "Husstand ved sammenslåing"},
	// Issue 8, benefit: dated rates and other benefits deducted.
	{name: "effective_from", label: "Gjelder fra"},
	{name: "value", label: "Verdi"},
	{name: "month", label: "Måned"},
	{name: "amount", label: "Beløp"},
	{name: "description", label: "Beskrivelse"},
	// Weekly plan versions (issue 8, item 3).
	{name: "plan_valid_from", label: "Ukeplan gjelder fra"},
	{name: "plan_self_study", label: "Mye selvstudium"},
	{name: "plan_comment", label: "Kommentar til ukeplanen"},
	{name: "plan_elements", label: "Tiltak i ukeplanen"},
	{name: "plan_deviation", label: "Avvik fra fulltid"},
	// The introduction programme: the person's permit date, the
	// programme's parts and its pauses (kind as pause_kind; reason above).
	{name: "permit_date", label: "Vedtaksdato for oppholdstillatelse"},
	{name: "rule_set_override", label: "Overstyrt regelverk", values: ruleSets},
	{name: "rule_set_reason", label: "Begrunnelse for regelverk"},
	{name: "mapping_done_on", label: "Kompetansekartlegging utført"},
	{name: "mapping_by", label: "Kartlagt av"},
	{name: "guidance_done_on", label: "Karriereveiledning utført"},
	{name: "guidance_by", label: "Veiledet av"},
	{name: "decision", label: "Vedtak", values: decisions},
	{name: "refusal_reason", label: "Begrunnelse for avslag"},
	{name: "decision_date", label: "Vedtaksdato"},
	{name: "start_date", label: "Startdato"},
	{name: "planned_end", label: "Planlagt slutt"},
	{name: "extension_months", label: "Forlengelse (måneder)"},
	{name: "end_goal", label: "Sluttmål", values: endGoals},
	{name: "has_upper_secondary", label: "Fullført videregående"},
	{name: "norwegian_goal", label: "Norskmål"},
	{name: "lives_with_parents", label: "Bor med foreldre"},
	{name: "contract_signed_on", label: "Integreringskontrakt signert"},
	{name: "ended_on", label: "Programmet avsluttet"},
	{name: "end_reason", label: "Avslutningsårsak for programmet", values: endReasons},
	{name: "end_activity", label: "Hovedaktivitet ved avslutning", values: endActivities},
	{name: "pause_kind", label: "Permisjon eller avbrudd", values: pauseKinds},
	{name: "from_date", label: "Fra"},
	{name: "to_date", label: "Til"},
	// Groups and attendance (issue 8, items 4–5). An attendance row's
	// changes are keyed by the day ("tirsdag 01.12"), shown as is.
	{name: "group_name", label: "Gruppenavn"},
	{name: "group_contact", label: "Lærer eller kontaktperson"},
	{name: "group_weekdays", label: "Ukedager"},
	{name: "group_joined_on", label: "Med i gruppa fra"},
	{name: "group_left_on", label: "Sluttet i gruppa"},
	// Placements (issue 9, items 2, 3 and 5): a placement, its follow-up
	// conversations and its end evaluation.
	{name: "placement_worksite", label: "Arbeidssted"},
	{name: "placement_supervisor", label: "Veileder"},
	{name: "placement_hours", label: "Timer per uke i praksis"},
	{name: "placement_weekdays", label: "Ukedager i praksis"},
	{name: "placement_start", label: "Praksis fra"},
	{name: "placement_planned_end", label: "Praksis planlagt til"},
	{name: "placement_ended_on", label: "Praksis sluttet"},
	{name: "placement_goal", label: "Mål for praksis", values: placementGoals},
	{name: "placement_status", label: "Status for praksis", values: placementStatuses},
	{name: "placement_abort_reason", label: "Årsak til avbrudd"},
	{name: "followup_held_on", label: "Oppfølgingssamtale holdt"},
	{name: "followup_participants", label: "Deltakere i samtalen"},
	{name: "followup_interpreter", label: "Tolk brukt i samtalen"},
	{name: "followup_summary", label: "Referat"},
	{name: "evaluation_date", label: "Evaluert"},
	{name: "evaluation_attendance", label: "Oppmøte i praksis"},
	{name: "evaluation_language", label: "Bruk av norsk"},
	{name: "evaluation_tasks", label: "Oppgaver deltakeren mestrer"},
	{name: "evaluation_recommendation", label: "Anbefaling"},
	{name: "evaluation_got_job", label: "Fikk jobb"},
	// Placements: employers, their worksites and contact people (issue 9).
	{name: "employer_name", label: "Navn på arbeidsgiver"},
	{name: "employer_orgnr", label: "Organisasjonsnummer"},
	{name: "employer_address", label: "Adresse til arbeidsgiveren"},
	{name: "employer_sector", label: "Bransje", values: sectors},
	{name: "employer_notes", label: "Notater om arbeidsgiveren"},
	{name: "employer_active", label: "Aktiv arbeidsgiver"},
	{name: "worksite_name", label: "Navn på arbeidssted"},
	{name: "worksite_address", label: "Adresse til arbeidsstedet"},
	{name: "worksite_area", label: "Område"},
	{name: "worksite_places", label: "Praksisplasser"},
	{name: "worksite_languages", label: "Språk på arbeidsstedet", values: languages, list: true},
	{name: "worksite_notes", label: "Notater om samarbeidet"},
	{name: "worksite_active", label: "Aktivt arbeidssted"},
	{name: "contact_name", label: "Navn på kontaktperson"},
	{name: "contact_phone", label: "Telefon"},
	{name: "contact_email", label: "E-post"},
	{name: "contact_supervisor", label: "Veileder"},
	{name: "contact_worksite", label: "Kontaktpersonens arbeidssted"},
	{name: "contact_active", label: "Aktiv kontaktperson"},
	// Health follow-up (issue 10): an item's changes (the logistics note
	// only as "(endret)", never its text) and a read's purpose (details).
	{name: "health_kind", label: "Helsepunkt", values: healthKinds},
	{name: "health_status", label: "Status for helsepunktet", values: healthStatuses},
	{name: "health_not_relevant_reason", label: "Hvorfor ikke aktuelt"},
	{name: "health_booked_on", label: "Timedato"},
	{name: "health_done_on", label: "Helsepunkt utført"},
	{name: "health_place", label: "Sted", values: healthPlaces},
	{name: "health_interpreter_booked", label: "Tolk bestilt"},
	{name: "health_logistics_note", label: "Praktisk merknad"},
	{name: "purpose", label: "Formål", values: healthPurposes},
	{name: "purpose_text", label: "Beskrivelse av formålet"},
	// Housing registers (issue 11): units, landlords and agreements.
	{name: "housing_address", label: "Adresse til boligen"},
	{name: "housing_owner_type", label: "Eierform", values: ownerTypes},
	{name: "housing_landlord", label: "Utleier"},
	{name: "housing_rooms", label: "Rom"},
	{name: "housing_bedrooms", label: "Soverom"},
	{name: "housing_size_m2", label: "Størrelse (m²)"},
	{name: "housing_floor", label: "Etasje"},
	{name: "housing_lift", label: "Heis"},
	{name: "housing_accessible", label: "Tilrettelagt"},
	{name: "housing_furnished", label: "Møblert"},
	{name: "housing_rent", label: "Månedsleie"},
	{name: "housing_status", label: "Status for boligen", values: unitStatuses},
	{name: "housing_note", label: "Merknad om boligen"},
	{name: "landlord_kind", label: "Type utleier", values: landlordKinds},
	{name: "landlord_name", label: "Navn på utleier"},
	{name: "landlord_orgnr", label: "Utleiers organisasjonsnummer"},
	{name: "landlord_contact", label: "Kontaktperson hos utleier"},
	{name: "landlord_phone", label: "Utleiers telefon"},
	{name: "landlord_email", label: "Utleiers e-post"},
	{name: "agreement_from", label: "Avtalen gjelder fra"},
	{name: "agreement_to", label: "Avtalen gjelder til"},
	{name: "agreement_units", label: "Boliger i avtalen"},
	{name: "agreement_note", label: "Merknad om avtalen"},
	// Leases (issue 11, items 3 and 7): a lease and its checklist items
	// (the item changed, its done date and note).
	{name: "lease_address", label: "Bolig"},
	{name: "lease_start", label: "Innflytting"},
	{name: "lease_end", label: "Utflytting"},
	{name: "lease_rent", label: "Husleie per måned"},
	{name: "lease_security", label: "Sikkerhet", values: SecurityOptions()},
	{name: "lease_security_amount", label: "Depositum eller garanti"},
	{name: "lease_arrears", label: "Husleierestanse"},
	{name: "checklist_item", label: "Sjekklistepunkt"},
	{name: "checklist_done_on", label: "Utført"},
	{name: "checklist_note", label: "Merknad"},
	// Housing guidance and Husbanken (issue 11, items 4 and 5).
	{name: "guidance_held_on", label: "Dato for boveiledning"},
	{name: "guidance_topics", label: "Tema"},
	{name: "guidance_interpreter", label: "Tolk brukt"},
	{name: "guidance_note", label: "Notat fra boveiledning"},
	{name: "husbanken_scheme", label: "Ordning", values: HusbankenSchemes()},
	{name: "husbanken_applied_on", label: "Søknadsdato"},
	{name: "husbanken_decision", label: "Vedtak", values: HusbankenDecisions()},
	{name: "husbanken_decided_on", label: "Vedtaksdato"},
	{name: "husbanken_amount", label: "Beløp"},
	{name: "husbanken_next_review", label: "Neste revurdering"},
	{name: "husbanken_note", label: "Merknad om søknaden"},
	// User administration (issue 13): a user's details as the admin sets
	// them; a password only as "(skjult)".
	{name: "user_email", label: "E-postadresse"},
	{name: "user_name", label: "Brukerens navn"},
	{name: "user_role", label: "Brukerens rolle"},
	{name: "user_unit", label: "Brukerens enhet"},
	{name: "user_active", label: "Aktiv bruker"},
	{name: "password", label: "Passord"},
	// Retention (issue 13).
	{name: "legal_hold", label: "Rettslig hold"},
	{name: "legal_hold_reason", label: "Begrunnelse for rettslig hold"},
	{name: "retention_years", label: "Oppbevaringstid (år)"},
	{name: "retention_basis", label: "Begrunnelse for oppbevaringstiden"},
	{name: "retention_scope", label: "Hva som ble anonymisert"},
	// The settlement pipeline and ledger (issue 12).
	{name: "settlement_stage", label: "Bosettingsstatus", values: SettlementStages},
	{name: "proposed_on", label: "Foreslått dato"},
	{name: "agreed_on", label: "Avtalt dato"},
	{name: "expected_arrival", label: "Forventet ankomst"},
	{name: "declined_on", label: "Avslått dato"},
	{name: "decline_reason", label: "Begrunnelse for avslag"},
	{name: "grant_disability", label: "Tilskudd ved nedsatt funksjonsevne"},
	{name: "needs_accessible_home", label: "Trenger tilgjengelig bolig"},
	{name: "total", label: "Antall personer"},
	{name: "unaccompanied", label: "Herav enslige mindreårige"},
	{name: "decided_on", label: "Dato"},
	// Housing, issue 11's remainder: a landlord deactivated or active again.
	{name: "landlord_active", label: "Aktiv utleier"},
}

func findAuditField(name string) (int, bool) {
	i := slices.IndexFunc(auditFieldTable, func(f auditField) bool { return f.name == name })
	return i, i >= 0
}

// AuditFieldNames lists every field of the table, in display order.
func AuditFieldNames() []string {
	out := make([]string, len(auditFieldTable))
	for i, f := range auditFieldTable {
		out[i] = f.name
	}
	return out
}

// AuditFieldLabel is the Norwegian label of an audited field, for the
// timeline, the access log and the "Endret av andre" marker alike; a field
// another module added without a label shows as its name with spaces.
//
// A field named by an ISO date (a day of attendance) shows as the day
// ("Tirsdag 10.11.2026"); such fields sort by date.
func AuditFieldLabel(field string) string {
	if i, ok := findAuditField(field); ok {
		return auditFieldTable[i].label
	}
	if d, err := time.Parse("2006-01-02", field); err == nil {
		l := DayLabel(d) + "." + d.Format("2006")
		return strings.ToUpper(l[:1]) + l[1:]
	}
	s := strings.ReplaceAll(field, "_", " ")
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// AuditFieldIsUser reports whether the field's values are user ids, which
// the timeline shows as names.
func AuditFieldIsUser(field string) bool {
	i, ok := findAuditField(field)
	return ok && auditFieldTable[i].user
}

// AuditUserFields lists the fields whose values are user ids (a fresh slice).
func AuditUserFields() []string {
	var out []string
	for _, f := range auditFieldTable {
		if f.user {
			out = append(out, f.name)
		}
	}
	return out
}

// SortFieldChanges orders changed fields as the field table does (the
// person's as the person form does); others follow by name.
func SortFieldChanges(fs []FieldChange) {
	pos := func(f string) int {
		if i, ok := findAuditField(f); ok {
			return i
		}
		return len(auditFieldTable)
	}
	slices.SortStableFunc(fs, func(a, b FieldChange) int {
		return cmp.Or(cmp.Compare(pos(a.Field), pos(b.Field)), cmp.Compare(a.Field, b.Field))
	})
}

// FormatChangeValue shows an audited value the way the pages show it: labels
// for codes, dd.mm.yyyy for dates, Ja/Nei for booleans, "–" for nothing.
func FormatChangeValue(field, v string) string {
	if v == "" {
		return "–"
	}
	if i, ok := findAuditField(field); ok && auditFieldTable[i].values != nil {
		f := auditFieldTable[i]
		if !f.list {
			return Label(f.values, v)
		}
		var out []string
		for _, c := range strings.Split(v, ",") {
			out = append(out, Label(f.values, c))
		}
		return strings.Join(out, ", ")
	}
	switch v {
	case "true":
		return "Ja"
	case "false":
		return "Nei"
	}
	if len(v) == 10 && v[4] == '-' && v[7] == '-' {
		if d, err := time.Parse("2006-01-02", v); err == nil {
			return FormatDate(&d)
		}
	}
	return v
}

// HiddenValue stands for an identity number in an audit row: the change is
// recorded, the number is not.
const HiddenValue = "(skjult)"

// Change is one changed field of an audited write: its value before and
// after, as text ("" for none).
type Change struct {
	Old string `json:"old"`
	New string `json:"new"`
}

// Changes are the changed fields of an audited write, by field name. Every
// write stores this one shape, {"field": {"old": …, "new": …}}, in
// audit_events.changes; the timeline and the access log read it. Facts that
// are not changed fields go in AuditDetails.
type Changes map[string]Change

// Set records field as changed from old to new, unless they are equal.
func (c Changes) Set(field, old, new string) {
	if old != new {
		c[field] = Change{Old: old, New: new}
	}
}

// SetHidden records an identity number as changed without its value: old
// and new are HiddenValue where a number was, "" where none was.
func (c Changes) SetHidden(field string, old, new *string) {
	o, n := deref(old), deref(new)
	if o == n {
		return
	}
	hide := func(s string) string {
		if s == "" {
			return ""
		}
		return HiddenValue
	}
	c[field] = Change{Old: hide(o), New: hide(n)}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// AuditCount is how many records of a kind an event touched.
type AuditCount struct {
	What  string `json:"what"`
	Count int    `json:"count"`
}

// AuditDetails are facts about an audited event that are not changed
// fields: why a login failed, what an export was limited to, which deadline
// or what a merge moved. They are stored apart from the changes
// (audit_events.details), so no reader takes them for changed fields.
type AuditDetails struct {
	Reason         string       `json:"reason,omitempty"`           // login_failed: wrong_password, locked, locked_or_inactive
	ActionFilter   string       `json:"action_filter,omitempty"`    // export_audit: the only action exported
	DeadlineKind   string       `json:"deadline_kind,omitempty"`    // a deadline's kind
	Relation       string       `json:"relation,omitempty"`         // remove_member: the member's relation
	JoinedOn       string       `json:"joined_on,omitempty"`        // remove_member: when the member joined
	MergedPersonID int64        `json:"merged_person_id,omitempty"` // merge: the registration merged into the survivor
	Moved          []AuditCount `json:"moved,omitempty"`            // merge: the records moved to the survivor
	HouseholdPlan  string       `json:"household_plan,omitempty"`   // merge: what became of the households
	// Payroll basis (issue 8): the unit and month exported or approved, the
	// export's format and how many lines it held.
	UnitID int64  `json:"unit_id,omitempty"`
	Month  string `json:"month,omitempty"`  // YYYY-MM
	Format string `json:"format,omitempty"` // csv, xlsx
	Rows   int    `json:"rows,omitempty"`
	// Health follow-up (issue 10): why the health items were read (the
	// field "purpose": oppfølging, timebestilling, retting, annet; with
	// "purpose_text" for annet). Label with HealthPurpose.Label.
	Purpose     string `json:"purpose,omitempty"`
	PurposeText string `json:"purpose_text,omitempty"`
	// NIR file (issue 12): all, changed (only what changed since the last
	// export) or resend (an earlier export sent again).
	Selection string `json:"selection,omitempty"`
	// Settlement report (issue 12): the year exported.
	Year int `json:"year,omitempty"`
	// Dashboard export (issue 12): the months exported, "YYYY-MM – YYYY-MM".
	Period string `json:"period,omitempty"`
}

// IsZero reports whether there are no details.
func (d *AuditDetails) IsZero() bool {
	return d == nil || (d.Reason == "" && d.ActionFilter == "" && d.DeadlineKind == "" && d.Relation == "" &&
		d.JoinedOn == "" && d.MergedPersonID == 0 && len(d.Moved) == 0 && d.HouseholdPlan == "" &&
		d.UnitID == 0 && d.Month == "" && d.Format == "" && d.Rows == 0 && d.Purpose == "" && d.PurposeText == "" &&
		d.Selection == "" && d.Year == 0 && d.Period == "")
}
