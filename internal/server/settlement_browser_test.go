package server_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"ankomst/internal/domain"
	"ankomst/web/paths"
)

// TestBrowserSettlementLedger opens the ledger with people at every stage
// and a decision's history, records a refused and then a valid decision in
// the browser, and opens the person form's pipeline fields and the
// mark-settled form: axe-core clean at desktop and phone width.
func TestBrowserSettlementLedger(t *testing.T) {
	skipUnlessBrowser(t)
	app := newTestApp(t)
	leader := app.user("leder@kommune.no", domain.RoleLeader, "Øst")
	app.user("cw@kommune.no", domain.RoleCaseworker, "Øst")
	cw := app.client()
	cw.login("cw@kommune.no")
	year := time.Now().In(domain.Oslo).Year()
	for i, stage := range []string{"settled", "settled", "agreed", "proposed", "declined"} {
		f := validPersonForm(nid(i + 1))
		f.Set("given_name", "Person"+string(rune('A'+i)))
		if stage != "settled" {
			f.Del("settlement_date")
			f.Del("arrival_date")
			f.Set("settlement_stage", stage)
			f.Set("expected_arrival", time.Now().AddDate(0, 0, 30).Format("2006-01-02"))
			f.Set("decline_reason", "Ingen egnet bolig")
		} else {
			f.Set("settlement_date", time.Date(year, time.Month(1+i*4), 5, 0, 0, 0, 0, time.UTC).Format("2006-01-02"))
			f.Set("arrival_date", time.Date(year, 1, 2, 0, 0, 0, 0, time.UTC).Format("2006-01-02"))
		}
		createPerson(t, cw, f)
	}
	lc := app.client()
	lc.login(leader.Email)
	for _, form := range []url.Values{
		{"year": {strconv.Itoa(year)}, "kind": {"request"}, "total": {"25"}, "unaccompanied": {"5"}, "decided_on": {strconv.Itoa(year-1) + "-09-15"}},
		{"year": {strconv.Itoa(year)}, "kind": {"decision"}, "total": {"20"}, "unaccompanied": {"4"}, "decided_on": {strconv.Itoa(year-1) + "-12-12"}},
	} {
		if r := lc.post(paths.SettlementTargets(), form); r.Status != http.StatusSeeOther {
			t.Fatalf("target: %d", r.Status)
		}
	}

	b := newBrowser(t, app)
	b.login(leader.Email, testPassword)
	if st := b.open(paths.Settlement()); st != http.StatusOK {
		t.Fatalf("ledger: %d", st)
	}
	b.waitVisible(`[data-testid="table-bosatt"]`)
	if s := b.text(`[data-testid="remaining"]`); s != "18" {
		t.Errorf("remaining %q, want 18", s)
	}
	b.checkPage("settlement-ledger")

	// A decision with more unaccompanied than in all: refused, kept.
	b.setValue("#kind", "decision")
	b.typeInto("#total", "22")
	b.typeInto("#unaccompanied", "30")
	if st := b.submit(`[data-testid="add-target"]`); st != http.StatusUnprocessableEntity {
		t.Fatalf("bad decision: %d", st)
	}
	b.waitVisible(`[data-testid="error-summary"]`)
	if v := b.value("#unaccompanied"); v != "30" {
		t.Errorf("kept %q", v)
	}
	b.checkPage("settlement-ledger-error")
	b.setValue("#unaccompanied", "3")
	if st := b.submit(`[data-testid="add-target"]`); st != http.StatusOK {
		t.Fatalf("decision: %d", st)
	}
	b.waitVisible(`[data-testid="targets-table"]`)
	if s := b.text(`[data-testid="remaining"]`); s != "20" {
		t.Errorf("remaining after the new decision %q, want 20", s)
	}

	// The pipeline on the person form and the mark-settled form.
	cwb := newBrowser(t, app)
	cwb.login("cw@kommune.no", testPassword)
	cwb.open(paths.PersonNew())
	cwb.waitVisible(`[data-testid="pipeline-fields"]`)
	cwb.checkPage("person-new-pipeline")
	var agreed string
	if err := app.DB.Pool.QueryRow(t.Context(), `SELECT id::text FROM persons WHERE settlement_stage = 'agreed'`).Scan(&agreed); err != nil {
		t.Fatal(err)
	}
	cwb.open("/persons/" + agreed)
	cwb.waitVisible(`[data-testid="pipeline"]`)
	if s := cwb.text(`[data-testid="pipeline"]`); !strings.Contains(s, "Avtalt") {
		t.Errorf("pipeline %q", s)
	}
	cwb.checkPage("person-agreed")
	if st := cwb.submit(`[data-testid="settle-person"]`); st != http.StatusOK {
		t.Fatalf("settle form: %d", st)
	}
	cwb.waitVisible(`[data-testid="settle-form"]`)
	cwb.checkPage("person-settle")
}
