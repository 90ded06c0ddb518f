package postgres_test

import (
	"context"
	"errors"
	"testing"

	"ankomst/internal/domain"
	"ankomst/internal/postgres"
)

// hlPerson registers a person of unit A from Eritrea (TB relevant) with the
// dates.
func hlPerson(t *testing.T, f *fixture, arrival, settlement string) int64 {
	t.Helper()
	in := input("Hl", "Person", f.cwA)
	in.CountryOfOrigin = "ER"
	in.ArrivalDate, in.SettlementDate = nil, nil
	if arrival != "" {
		in.ArrivalDate = ptr(date(arrival))
	}
	if settlement != "" {
		in.SettlementDate = ptr(date(settlement))
	}
	return clCreate(t, f, f.cwA, in)
}

var followUp = domain.HealthPurpose{Code: domain.PurposeFollowUp}

func hlRead(t *testing.T, f *fixture, id int64) *postgres.HealthChecklist {
	t.Helper()
	c, err := f.db.PersonHealth(context.Background(), f.health.Scope(), id, followUp)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func hlItem(t *testing.T, c *postgres.HealthChecklist, kind string) domain.HealthItem {
	t.Helper()
	for _, it := range c.Items {
		if it.Kind == kind {
			return it
		}
	}
	t.Fatalf("no %s item in %+v", kind, c.Items)
	return domain.HealthItem{}
}

func TestHealthChecklistCreatedAndRedated(t *testing.T) {
	f := dlFixture(t, "2026-03-01")
	ctx := context.Background()
	none := hlPerson(t, f, "", "")
	if c := hlRead(t, f, none); len(c.Items) != 0 {
		t.Fatalf("items without dates: %+v", c.Items)
	}
	id := hlPerson(t, f, "2026-02-20", "2026-02-25")
	c := hlRead(t, f, id)
	if len(c.Items) != 5 {
		t.Fatalf("%d items", len(c.Items))
	}
	if it := hlItem(t, c, domain.HealthTB); it.Due.Format("2006-01-02") != "2026-03-06" || it.Status != domain.HealthNotStarted {
		t.Errorf("tb %+v", it)
	}
	// The health check is done; then the arrival moves: open items follow,
	// the done one keeps its date, no status changes.
	hc := hlItem(t, c, domain.HealthCheck)
	if _, err := f.db.UpdateHealthItem(ctx, f.health.Scope(), id, hc.ID, domain.HealthItemInput{
		Status: domain.HealthDone, DoneOn: ptr(date("2026-02-28")), Version: hc.Version}); err != nil {
		t.Fatal(err)
	}
	p, err := f.db.GetPerson(ctx, f.cwA.Scope(), id)
	if err != nil {
		t.Fatal(err)
	}
	in := input("Hl", "Person", f.cwA)
	in.CountryOfOrigin, in.NationalID, in.Version = "ER", p.NationalID, p.Version
	in.ArrivalDate, in.SettlementDate = ptr(date("2026-02-10")), ptr(date("2026-02-25"))
	if _, err := f.db.UpdatePerson(ctx, f.cwA.Scope(), id, in); err != nil {
		t.Fatal(err)
	}
	c = hlRead(t, f, id)
	if it := hlItem(t, c, domain.HealthTB); it.Due.Format("2006-01-02") != "2026-02-24" || it.Status != domain.HealthNotStarted {
		t.Errorf("tb after arrival change %+v", it)
	}
	if it := hlItem(t, c, domain.HealthCheck); it.Due.Format("2006-01-02") != "2026-05-20" || it.Status != domain.HealthDone {
		t.Errorf("done item moved: %+v", it)
	}
	if it := hlItem(t, c, domain.HealthGP); it.Due.Format("2006-01-02") != "2026-05-10" {
		t.Errorf("gp %+v", it)
	}
	// A person not from a high-incidence country: TB not relevant, with a reason.
	sy := clCreate(t, f, f.cwA, input("Sy", "Person", f.cwA))
	if it := hlItem(t, hlRead(t, f, sy), domain.HealthTB); it.Status != domain.HealthNotRelevant || it.NotRelevantReason == "" {
		t.Errorf("tb for SY %+v", it)
	}
	// The bulk refresh agrees and changes nothing more.
	if _, err := f.db.Pool.Exec(ctx, `DELETE FROM health_items WHERE person_id = $1 AND kind = 'gp'`, id); err != nil {
		t.Fatal(err)
	}
	if err := f.db.RefreshAllHealthItems(ctx); err != nil {
		t.Fatal(err)
	}
	c2 := hlRead(t, f, id)
	if len(c2.Items) != 5 || hlItem(t, c2, domain.HealthGP).Due.Format("2006-01-02") != "2026-05-10" ||
		hlItem(t, c2, domain.HealthCheck).Version != hlItem(t, c, domain.HealthCheck).Version {
		t.Errorf("bulk refresh: %+v", c2.Items)
	}
}

func TestHealthReadScopeAndAudit(t *testing.T) {
	f := dlFixture(t, "2026-03-01")
	ctx := context.Background()
	id := hlPerson(t, f, "2026-02-20", "2026-02-25")
	for _, u := range []*domain.User{f.cwA, f.leaderA, f.hou, f.admin} {
		if _, err := f.db.PersonHealth(ctx, u.Scope(), id, followUp); domain.ErrorCode(err) != domain.EFORBIDDEN {
			t.Errorf("%s read: %v", u.Role, err)
		}
		if _, err := f.db.UpdateHealthItem(ctx, u.Scope(), id, 1, domain.HealthItemInput{Status: "done", Version: 1}); domain.ErrorCode(err) != domain.EFORBIDDEN {
			t.Errorf("%s update: %v", u.Role, err)
		}
	}
	other := clCreate(t, f, f.cwB, input("Other", "Unit", f.cwB))
	if _, err := f.db.PersonHealth(ctx, f.health.Scope(), other, followUp); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Errorf("other unit: %v", err)
	}
	var otherItem int64
	if err := f.db.Pool.QueryRow(ctx, `SELECT id FROM health_items WHERE person_id = $1 LIMIT 1`, other).Scan(&otherItem); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.UpdateHealthItem(ctx, f.health.Scope(), other, otherItem, domain.HealthItemInput{Status: "declined", Version: 1}); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Errorf("other unit update: %v", err)
	}
	// An item of another person of the unit through this person's path.
	if _, err := f.db.UpdateHealthItem(ctx, f.health.Scope(), id, otherItem, domain.HealthItemInput{Status: "declined", Version: 1}); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Errorf("item of another person: %v", err)
	}
	// The read writes its audit row with the purpose.
	s := f.health.Scope()
	s.RequestID = "req-health-1"
	if _, err := f.db.PersonHealth(ctx, s, id, domain.HealthPurpose{Code: domain.PurposeOther, Text: "Innsynsbegjæring"}); err != nil {
		t.Fatal(err)
	}
	if n := countAudit(t, f, `person_id = $1 AND action = 'view' AND entity = 'health_items' AND request_id = 'req-health-1'
		AND details->>'purpose' = 'other' AND details->>'purpose_text' = 'Innsynsbegjæring' AND user_id = $2`, id, f.health.ID); n != 1 {
		t.Errorf("%d audit rows of the read", n)
	}
	// No audit row, no read: an audit insert that fails (a user id that does
	// not exist) fails the read and leaves nothing behind.
	bad := f.health.Scope()
	bad.UserID, bad.RequestID = 987654321, "req-health-bad"
	if c, err := f.db.PersonHealth(ctx, bad, id, followUp); err == nil || c != nil {
		t.Errorf("read without its audit row: %v %v", c, err)
	}
	if n := countAudit(t, f, `request_id = 'req-health-bad'`); n != 0 {
		t.Errorf("%d rows of the failed read", n)
	}
}

func TestHealthItemUpdate(t *testing.T) {
	f := dlFixture(t, "2026-03-01")
	ctx := context.Background()
	s := f.health.Scope()
	id := hlPerson(t, f, "2026-02-20", "2026-02-25")
	tb := hlItem(t, hlRead(t, f, id), domain.HealthTB)
	booked := domain.HealthItemInput{Status: domain.HealthBooked, BookedOn: ptr(date("2026-03-04")), Place: "health_station",
		InterpreterBooked: true, LogisticsNote: "Tolk tigrinja bestilt, taxi 08:30", Version: tb.Version}
	it, err := f.db.UpdateHealthItem(ctx, s, id, tb.ID, booked)
	if err != nil {
		t.Fatal(err)
	}
	if it.Status != domain.HealthBooked || it.Version != tb.Version+1 || !it.InterpreterBooked || it.Place != "health_station" {
		t.Errorf("booked %+v", it)
	}
	// The same values again: nothing changes (a double submit).
	if again, err := f.db.UpdateHealthItem(ctx, s, id, tb.ID, booked); err != nil || again.Version != it.Version {
		t.Errorf("double submit: %+v %v", again, err)
	}
	// A stale version: 409 with the stored item.
	stale := booked
	stale.Status, stale.DoneOn = domain.HealthDone, ptr(date("2026-03-01"))
	var se *postgres.HealthItemStaleError
	if _, err := f.db.UpdateHealthItem(ctx, s, id, tb.ID, stale); !errors.As(err, &se) || se.Current.Version != it.Version ||
		domain.ErrorCode(err) != domain.ECONFLICT {
		t.Fatalf("stale: %v", err)
	}
	// Done: the TB deadline is met on the same day, in the same transaction.
	stale.Version = it.Version
	if it, err = f.db.UpdateHealthItem(ctx, s, id, tb.ID, stale); err != nil {
		t.Fatal(err)
	}
	d, err := f.db.GetDeadline(ctx, s, id, domain.KindTBScreening)
	if err != nil {
		t.Fatal(err)
	}
	if d.DoneOn == nil || d.DoneOn.Format("2006-01-02") != "2026-03-01" || d.Status != domain.DeadlineDone {
		t.Errorf("deadline %+v", d)
	}
	// The audit rows: the note as "(endret)" only, never its text.
	if n := countAudit(t, f, `person_id = $1 AND entity = 'health_item' AND action = 'update'
		AND changes->'health_logistics_note'->>'new' = '(endret)' AND changes::text NOT LIKE '%taxi%'`, id); n != 1 {
		t.Errorf("%d note audit rows", n)
	}
	if n := countAudit(t, f, `person_id = $1 AND entity = 'health_item' AND changes->'health_status'->>'new' = 'done'`, id); n != 1 {
		t.Errorf("%d done audit rows", n)
	}
	if n := countAudit(t, f, `person_id = $1 AND entity = 'health_deadline' AND details->>'deadline_kind' = 'tb_screening'`, id); n != 1 {
		t.Errorf("%d deadline audit rows", n)
	}
	// Back to booked: the deadline is open again.
	back := booked
	back.Version = it.Version
	if _, err := f.db.UpdateHealthItem(ctx, s, id, tb.ID, back); err != nil {
		t.Fatal(err)
	}
	if d, _ := f.db.GetDeadline(ctx, s, id, domain.KindTBScreening); d.DoneOn != nil {
		t.Errorf("deadline still met: %+v", d)
	}
	// Vaccines have no deadline: done is just the item.
	vac := hlItem(t, hlRead(t, f, id), domain.HealthVaccines)
	if _, err := f.db.UpdateHealthItem(ctx, s, id, vac.ID, domain.HealthItemInput{Status: domain.HealthDone, DoneOn: ptr(date("2026-02-28")), Version: vac.Version}); err != nil {
		t.Fatal(err)
	}
}

func TestHealthSummaryOnPersonPage(t *testing.T) {
	f := dlFixture(t, "2026-03-10")
	ctx := context.Background()
	id := hlPerson(t, f, "2026-02-20", "2026-02-25") // TB due 06.03: overdue
	summary := func(u *domain.User) string {
		pp := f.db.NewPersonPage(u.Scope(), id)
		st := pp.HealthSummary()
		if _, err := f.db.LoadPersonPage(ctx, pp); err != nil {
			t.Fatal(err)
		}
		return *st
	}
	if got := summary(f.cwA); got != domain.HealthSummaryLate {
		t.Errorf("summary %q", got)
	}
	tb := hlItem(t, hlRead(t, f, id), domain.HealthTB)
	if _, err := f.db.UpdateHealthItem(ctx, f.health.Scope(), id, tb.ID, domain.HealthItemInput{Status: domain.HealthDone, DoneOn: ptr(date("2026-03-05")), Version: tb.Version}); err != nil {
		t.Fatal(err)
	}
	if got := summary(f.leaderA); got != domain.HealthSummaryOngoing {
		t.Errorf("summary %q", got)
	}
	// Another unit's caseworker finds nothing (and reads nothing).
	pp := f.db.NewPersonPage(f.cwB.Scope(), id)
	st := pp.HealthSummary()
	if _, err := f.db.LoadPersonPage(ctx, pp); domain.ErrorCode(err) != domain.ENOTFOUND || *st != "" {
		t.Errorf("other unit: %q %v", *st, err)
	}
}
