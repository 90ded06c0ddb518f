package server_test

import (
	"context"
	"encoding/json"
	"html"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"ankomst/internal/domain"
)

var (
	changeItemRe = regexp.MustCompile(`(?s)<li id="change-(\d+)"[^>]*>(.*?)</article>`)
	changeLineRe = regexp.MustCompile(`(?s)<li>(.*?)</li>`)
	tagRe        = regexp.MustCompile(`<[^>]*>`)
	spaceRe      = regexp.MustCompile(`\s+`)
	rawKeyRe     = regexp.MustCompile(`\b[a-z]+_[a-z_]+\b`)
)

// pageText is HTML as the reader sees it: tags gone, entities decoded,
// white space collapsed.
func pageText(s string) string {
	return strings.TrimSpace(spaceRe.ReplaceAllString(html.UnescapeString(tagRe.ReplaceAllString(s, " ")), " "))
}

// TestTimelineShowsEveryAction writes every kind of audited change through
// the store — one of each timeline action of the domain's table, and a
// sample change of each entity — and checks that the timeline page shows
// each with its Norwegian title and its fields labelled, old → new, as the
// pages show values (names for user ids, labels for codes, dd.mm.yyyy for
// dates), and never a raw field key.
func TestTimelineShowsEveryAction(t *testing.T) {
	app := newTestApp(t)
	ctx := context.Background()
	cw := app.user("cw@x.no", domain.RoleCaseworker, "A")
	cw2 := app.user("cw2@x.no", domain.RoleCaseworker, "A")
	leader := app.user("leader@x.no", domain.RoleLeader, "A")
	admin := app.user("admin@x.no", domain.RoleAdmin, "A")
	// Test data only: two caseworkers told apart by name.
	if _, err := app.DB.Pool.Exec(ctx, `UPDATE users SET name = 'Test caseworker 2' WHERE id = $1`, cw2.ID); err != nil {
		t.Fatal(err)
	}
	cw2.Name = "Test caseworker 2"
	names := map[string]string{}
	for _, u := range []*domain.User{cw, cw2, leader, admin} {
		names[strconv.FormatInt(u.ID, 10)] = u.Name
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	today := domain.Date(time.Now().In(domain.Oslo))
	day := func(n int) time.Time { return today.AddDate(0, 0, n) }
	version := func(id int64) int {
		t.Helper()
		p, err := app.DB.GetPerson(ctx, cw.Scope(), id)
		must(err)
		return p.Version
	}
	person := func(given, family string, i int) domain.PersonInput {
		id := nid(i)
		return domain.PersonInput{GivenName: given, FamilyName: family, BirthDate: time.Date(1990, 4, 12, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i),
			Sex: "female", NationalID: &id, CountryOfOrigin: "AF", Languages: []string{"prs", "fa"}, InterpreterNeeded: true,
			InterpreterLanguage: "prs", ResidenceBasis: domain.BasisResettlement, ArrivalDate: ptrTime(day(-90)),
			SettlementDate: ptrTime(day(-80)), CaseworkerID: &cw.ID}
	}

	// The person: registered (create), edited (update).
	in := person("Amina", "Haidari", 1)
	p, err := app.DB.CreatePerson(ctx, cw.Scope(), in)
	must(err)
	in.FamilyName, in.Version = "Haidari-Noori", version(p)
	_, err = app.DB.UpdatePerson(ctx, cw.Scope(), p, in)
	must(err)
	// A task: created, edited, done; a deadline done.
	task, err := app.DB.CreateTask(ctx, cw.Scope(), p, domain.TaskInput{Title: "Søke bostøtte", Due: day(10), AssigneeID: cw.ID}, "")
	must(err)
	d, err := app.DB.UpdateTask(ctx, cw.Scope(), p, task, domain.TaskInput{Title: "Søke bostøtte", Due: day(20), AssigneeID: cw2.ID, Version: 1})
	must(err)
	_, err = app.DB.MarkTask(ctx, cw.Scope(), p, task, ptrTime(day(-1)), d.Version)
	must(err)
	dl, err := app.DB.GetDeadline(ctx, cw.Scope(), p, domain.KindProgrammeOffer)
	must(err)
	_, err = app.DB.MarkDeadline(ctx, cw.Scope(), p, domain.KindProgrammeOffer, ptrTime(day(-2)), dl.Version)
	must(err)
	// Reassigned by the leader; closed and reopened.
	_, err = app.DB.ReassignPersons(ctx, leader.Scope(), cw2.ID, map[int64]int{p: version(p)})
	must(err)
	_, err = app.DB.ClosePerson(ctx, cw.Scope(), p, domain.CloseInput{ClosedOn: day(-1), Reason: domain.CloseMoved, Version: version(p)})
	must(err)
	_, err = app.DB.ReopenPerson(ctx, cw.Scope(), p, version(p))
	must(err)
	// A household with the person as its head, a child by family
	// reunification (on the child's timeline), and the person moving out.
	hid, err := app.DB.CreateHousehold(ctx, cw.Scope(), domain.HouseholdInput{Name: "Familien Haidari"},
		&domain.MemberInput{PersonID: p, Relation: domain.RelationHead, JoinedOn: day(-80)})
	must(err)
	h, err := app.DB.GetHousehold(ctx, cw.Scope(), hid)
	must(err)
	child, err := app.DB.RegisterReunification(ctx, cw.Scope(), hid, domain.ReunificationInput{Person: person("Sara", "Haidari", 2),
		Relation: domain.RelationChild, JoinedOn: day(-5), Version: h.Version})
	must(err)
	h, err = app.DB.GetHousehold(ctx, cw.Scope(), hid)
	must(err)
	must(app.DB.RemoveHouseholdMember(ctx, cw.Scope(), hid, p, domain.LeaveInput{LeftOn: day(-1), Version: h.Version}))
	// A second registration of the person, merged into it by the admin.
	dupIn := person("Amina", "Haidary", 3)
	dupIn.CaseworkerID = nil
	dup, err := app.DB.CreatePerson(ctx, cw.Scope(), dupIn)
	must(err)
	_, err = app.DB.MergePersons(ctx, admin.Scope(), p, dup, domain.MergeInput{SurvivorID: p, MergedID: dup,
		SurvivorVersion: version(p), MergedVersion: version(dup), Take: []string{"family_name"}})
	must(err)

	// Every timeline action of the table was written above.
	type row struct {
		id             int64
		action, entity string
		changes        []byte
	}
	var rows []row
	got := map[string]bool{}
	q, err := app.DB.Pool.Query(ctx, `SELECT id, action, entity, changes FROM audit_events
		WHERE person_id = ANY($1) AND action = ANY($2) AND entity <> $3 ORDER BY id`,
		[]int64{p, child, dup}, domain.TimelineActions(), domain.EntityNote)
	must(err)
	for q.Next() {
		var r row
		must(q.Scan(&r.id, &r.action, &r.entity, &r.changes))
		rows = append(rows, r)
		got[r.action+"/"+r.entity] = true
		got[r.action] = true
	}
	must(q.Err())
	for _, a := range domain.TimelineActions() {
		if !got[a] {
			t.Errorf("no change of action %s was written: add it to this test", a)
		}
	}
	for _, ae := range []string{"create/person", "update/person", "create/task", "update/task", "update/deadline"} {
		if !got[ae] {
			t.Errorf("no %s change was written", ae)
		}
	}

	// Each shows on its person's timeline (the merged registration's,
	// except its own merge event, on the survivor's).
	c := app.client()
	c.login(leader.Email)
	pages := map[int64]map[string]string{}
	for _, id := range []int64{p, child} {
		r := c.get("/persons/" + strconv.FormatInt(id, 10) + "/timeline")
		if r.Status != http.StatusOK {
			t.Fatalf("timeline of %d: %d", id, r.Status)
		}
		items := map[string]string{}
		for _, m := range changeItemRe.FindAllStringSubmatch(r.Body, -1) {
			items[m[1]] = m[2]
		}
		pages[id] = items
		// No raw field key anywhere in the timeline's text.
		if i := strings.Index(r.Body, `data-testid="timeline"`); i >= 0 {
			if k := rawKeyRe.FindString(pageText(r.Body[i:])); k != "" {
				t.Errorf("timeline of %d shows the raw key %q", id, k)
			}
		}
	}
	for _, r := range rows {
		owner := p
		if r.action == domain.ActionReunification || (r.entity == domain.EntityPerson && r.action == domain.ActionCreate && bytesHas(r.changes, "Sara")) {
			owner = child
		}
		if r.action == domain.ActionMerge && bytesHas(r.changes, "merged_into") {
			continue // the merged registration's own merge event: on its own timeline only
		}
		item, ok := pages[owner][strconv.FormatInt(r.id, 10)]
		if !ok {
			t.Errorf("%s/%s (event %d) is not on the timeline of %d", r.action, r.entity, r.id, owner)
			continue
		}
		title := domain.ChangeTitle(r.action, r.entity)
		if strings.ContainsAny(title, ":_") {
			t.Errorf("%s/%s: no Norwegian title in the domain's tables: %q", r.action, r.entity, title)
		}
		if !strings.Contains(item, `-title">`+html.EscapeString(title)+`<`) && !strings.Contains(pageText(item), " "+title+" ") {
			t.Errorf("%s/%s: title %q not shown in %s", r.action, r.entity, title, pageText(item))
		}
		var ch domain.Changes
		if err := json.Unmarshal(r.changes, &ch); err != nil {
			t.Errorf("%s/%s: changes %s are not {field: {old, new}}: %v", r.action, r.entity, r.changes, err)
			continue
		}
		var lines []string
		for _, m := range changeLineRe.FindAllStringSubmatch(item, -1) {
			lines = append(lines, pageText(m[1]))
		}
		if len(lines) != len(ch) {
			t.Errorf("%s/%s: %d changes shown, want %d: %q", r.action, r.entity, len(lines), len(ch), lines)
		}
		for field, v := range ch {
			if !slices.Contains(domain.AuditFieldNames(), field) {
				t.Errorf("%s/%s: field %s has no label in the domain's table", r.action, r.entity, field)
			}
			show := func(s string) string {
				if domain.AuditFieldIsUser(field) && names[s] != "" {
					return names[s]
				}
				return domain.FormatChangeValue(field, s)
			}
			want := domain.AuditFieldLabel(field) + ": " + show(v.Old) + " → endret til " + show(v.New)
			if !slices.Contains(lines, want) {
				t.Errorf("%s/%s: %q not among %q", r.action, r.entity, want, lines)
			}
		}
	}
}

func bytesHas(b []byte, s string) bool { return strings.Contains(string(b), s) }

func ptrTime(t time.Time) *time.Time { return &t }
