package paths

import (
	"net/url"
	"testing"
	"time"
)

func TestPaths(t *testing.T) {
	day := time.Date(2025, 3, 4, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct{ got, want string }{
		{Home(), "/"},
		{Login(), "/login"},
		{Logout(), "/logout"},
		{Persons(), "/persons"},
		{PersonSearch(), "/persons/search"},
		{PersonNew(), "/persons/new"},
		{Person(7), "/persons/7"},
		{PersonEdit(7), "/persons/7/edit"},
		{PersonDeadlines(7), "/persons/7#frister"},
		{PersonClose(7), "/persons/7/close"},
		{PersonReopen(7), "/persons/7/reopen"},
		{PersonAudit(7), "/persons/7/audit"},
		{PersonAuditCSV(7), "/persons/7/audit.csv"},
		{PersonTimeline(7), "/persons/7/timeline"},
		{NoteNew(7), "/persons/7/notes/new"},
		{Notes(7), "/persons/7/notes"},
		{Note(7, 12), "/persons/7/notes/12"},
		{NoteEdit(7, 12), "/persons/7/notes/12/edit"},
		{NoteCorrect(7, 12), "/persons/7/notes/12/correct"},
		{NoteOnTimeline(7, 12, day), "/persons/7/timeline?before=20250304-1-13#note-12"},
		{NoteAnchor(12), "#note-12"},
		{TaskNew(7), "/persons/7/tasks/new"},
		{TaskEdit(7, 3), "/persons/7/tasks/3/edit"},
		{TaskDone(7, 3), "/persons/7/tasks/3/done"},
		{DeadlineDone(7, "tb_screening"), "/persons/7/deadlines/tb_screening/done"},
		{Deadlines(), "/deadlines"},
		{Households(), "/households"},
		{HouseholdSearch(), "/households/search"},
		{HouseholdNew(), "/households/new"},
		{HouseholdNewFor(7), "/households/new?person=7"},
		{Household(3), "/households/3"},
		{HouseholdEdit(3), "/households/3/edit"},
		{HouseholdPickerSearch(3), "/households/3/search"},
		{HouseholdMembers(3), "/households/3/members"},
		{HouseholdMemberRemove(3, 7), "/households/3/members/7/remove"},
		{HouseholdReunification(3), "/households/3/reunification"},
		{Caseload(), "/caseload"},
		{CaseloadPreview(), "/caseload/preview"},
		{CaseloadReassign(), "/caseload/reassign"},
		{Merge(7), "/persons/7/merge"},
		{MergeSearch(7), "/persons/7/merge/search"},
		{MergeWith(7, 8), "/persons/7/merge/8"},
		{WithQuery(Deadlines(), nil), "/deadlines"},
		{WithQuery(Deadlines(), url.Values{"view": {"mine"}, "after": {"5"}}), "/deadlines?after=5&view=mine"},
		{Settlement(), "/settlement"},
		{SettlementTargets(), "/settlement/targets"},
		{SettlementReport("csv"), "/reports/settlement.csv"},
		{SettlementReport("xlsx"), "/reports/settlement.xlsx"},
		{PersonSettle(7), "/persons/7/settle"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}
