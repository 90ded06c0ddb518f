package domain

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

func TestAuditActionTable(t *testing.T) {
	names := AuditActionNames()
	for _, want := range []string{ActionCreate, ActionUpdate, ActionView, ActionClose, ActionReopen, ActionReassign,
		ActionViewAudit, ActionExportAudit, ActionDelete, ActionMerge, ActionLogin, ActionLoginFailed, ActionLogout,
		ActionAddMember, ActionRemoveMember, ActionReunification} {
		if !slices.Contains(names, want) {
			t.Errorf("action %s is not in the table", want)
		}
	}
	seen := map[string]bool{}
	for _, a := range names {
		if seen[a] {
			t.Errorf("action %s twice", a)
		}
		seen[a] = true
		if l := AuditActionLabel(a); l == a || l == "" || strings.Contains(l, "_") {
			t.Errorf("action %s has no Norwegian label: %q", a, l)
		}
	}
	want := []string{"create", "update", "reassign", "close", "reopen", "add_member", "remove_member", "reunification", "merge"}
	if got := TimelineActions(); !slices.Equal(got, want) {
		t.Errorf("TimelineActions() = %v, want %v", got, want)
	}
	filter := AuditActions()
	for _, a := range TimelineActions() {
		if !OnTimeline(a) {
			t.Errorf("OnTimeline(%s) = false", a)
		}
		// Everything the timeline shows can be looked up in the access log.
		if !slices.ContainsFunc(filter, func(o Option) bool { return o.Value == a }) {
			t.Errorf("timeline action %s is not offered in the access log's filter", a)
		}
		for _, e := range []string{EntityPerson, EntityHousehold, EntityTask, EntityDeadline} {
			if title := ChangeTitle(a, e); strings.ContainsAny(title, "_:") || title == "" {
				t.Errorf("ChangeTitle(%s, %s) = %q", a, e, title)
			}
		}
	}
	for _, a := range []string{ActionView, ActionViewAudit, ActionExportAudit, ActionLogin, ActionLoginFailed, ActionLogout, ActionDelete, "unknown"} {
		if OnTimeline(a) {
			t.Errorf("%s is on the timeline", a)
		}
	}
	for _, a := range []string{ActionLogin, ActionLoginFailed, ActionLogout, ActionDelete} {
		if slices.ContainsFunc(filter, func(o Option) bool { return o.Value == a }) {
			t.Errorf("%s (never about a person) is offered in the filter", a)
		}
	}
	// The lists are fresh slices: changing one changes nothing else.
	TimelineActions()[0] = "x"
	AuditActions()[0].Label = "x"
	if TimelineActions()[0] != ActionCreate || AuditActions()[0].Label != "Så personen" {
		t.Error("the table's lists are shared")
	}
}

func TestAuditEntityAndFieldLabels(t *testing.T) {
	for _, e := range []string{EntityPerson, EntityHousehold, EntityTask, EntityDeadline, EntityNote, EntityUser,
		EntityTimeline, EntityHealthDeadlines} {
		if l := EntityLabel(e); strings.Contains(l, "_") || strings.EqualFold(l, strings.ReplaceAll(e, "_", " ")) {
			t.Errorf("entity %s has no Norwegian label: %q", e, l)
		}
	}
	seen := map[string]bool{}
	for _, f := range AuditFieldNames() {
		if seen[f] {
			t.Errorf("field %s twice", f)
		}
		seen[f] = true
		if l := AuditFieldLabel(f); strings.Contains(l, "_") || (f != "status" && strings.EqualFold(l, strings.ReplaceAll(f, "_", " "))) {
			t.Errorf("field %s has no Norwegian label: %q", f, l)
		}
	}
	for _, tc := range []struct{ field, v, want string }{
		{"relation", "child", "Barn"},
		{"status", "merged", "Slått sammen"},
		{"interpreter_gender", "female", "Kvinnelig tolk"},
		{"due_date", "2026-04-01", "01.04.2026"},
		{"reunification", "true", "Ja"},
	} {
		if got := FormatChangeValue(tc.field, tc.v); got != tc.want {
			t.Errorf("FormatChangeValue(%s, %q) = %q, want %q", tc.field, tc.v, got, tc.want)
		}
	}
	// The table's order: the person form's first, then other modules', then
	// unknown fields by name.
	fs := []FieldChange{{Field: "zz"}, {Field: "done_on"}, {Field: "assignee_id"}, {Field: "title"}, {Field: "family_name"}}
	SortFieldChanges(fs)
	var got []string
	for _, f := range fs {
		got = append(got, f.Field)
	}
	if want := []string{"family_name", "title", "assignee_id", "done_on", "zz"}; !slices.Equal(got, want) {
		t.Errorf("order %v, want %v", got, want)
	}
}

func TestChanges(t *testing.T) {
	c := Changes{}
	c.Set("given_name", "Amina", "Amina")
	c.Set("family_name", "Haidari", "Noori")
	id, other := "01010112345", "02020212345"
	c.SetHidden("national_id", &id, &other)
	c.SetHidden("duf_number", nil, &id)
	c.SetHidden("unchanged", &id, &id)
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"duf_number":{"old":"","new":"(skjult)"},"family_name":{"old":"Haidari","new":"Noori"},"national_id":{"old":"(skjult)","new":"(skjult)"}}`
	if string(b) != want {
		t.Errorf("changes %s\nwant %s", b, want)
	}
	var d *AuditDetails
	if !d.IsZero() || !(&AuditDetails{}).IsZero() || (&AuditDetails{Reason: "locked"}).IsZero() || (&AuditDetails{Moved: []AuditCount{{"tasks", 0}}}).IsZero() {
		t.Error("AuditDetails.IsZero")
	}
}

func TestAuditLabels(t *testing.T) {
	for _, o := range AuditActions() {
		if AuditActionLabel(o.Value) != o.Label {
			t.Errorf("AuditActionLabel(%s) = %q, filter label %q", o.Value, AuditActionLabel(o.Value), o.Label)
		}
	}
	if AuditActionLabel("something_new") != "something_new" {
		t.Error("an unknown action should show as itself")
	}
	if AuditFieldLabel("settlement_date") != "Bosettingsdato" || AuditFieldLabel("new_field") != "New field" {
		t.Error("field labels")
	}
}

func TestAuditFieldLabelOfADay(t *testing.T) {
	if got := AuditFieldLabel("2026-11-10"); got != "Tirsdag 10.11.2026" {
		t.Errorf("AuditFieldLabel(2026-11-10) = %q", got)
	}
	fs := []FieldChange{{Field: "2026-11-13"}, {Field: "2026-11-09"}, {Field: "2026-11-10"}}
	SortFieldChanges(fs)
	if fs[0].Field != "2026-11-09" || fs[2].Field != "2026-11-13" {
		t.Errorf("days sort as %v, want by date", fs)
	}
}

func TestAuditEventLabel(t *testing.T) {
	for _, c := range []struct{ action, entity, want string }{
		{ActionAddMember, EntityGroupMember, "La til i gruppe"},
		{ActionRemoveMember, EntityGroupMember, "Fjernet fra gruppe"},
		{ActionAddMember, "household_member", "La til i husstand"},
		{ActionUpdate, EntityAttendance, "Endret"},
	} {
		if got := AuditEventLabel(c.action, c.entity); got != c.want {
			t.Errorf("AuditEventLabel(%s, %s) = %q, want %q", c.action, c.entity, got, c.want)
		}
	}
}

func TestHealthAccessEntityHasALabel(t *testing.T) {
	if got := EntityLabel("health_access"); got != "Helseinnsynslogg" {
		t.Errorf("EntityLabel(health_access) = %q", got)
	}
}
