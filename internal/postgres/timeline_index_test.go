package postgres_test

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"ankomst/internal/domain"
	"ankomst/internal/postgres"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

var quotedRe = regexp.MustCompile(`'([^']*)'`)

// TestTimelineIndexCoversTimelineActions reads the predicate of the partial
// index audit_events_timeline_idx from the catalog and checks that it holds
// exactly the domain's timeline actions, as the store's query lists them. A
// timeline action added to the domain's table without a migration that
// rebuilds the index fails here (its query could no longer use the index).
func TestTimelineIndexCoversTimelineActions(t *testing.T) {
	db := newFixture(t).db
	var pred string
	if err := db.Pool.QueryRow(context.Background(), `
		SELECT pg_get_expr(i.indpred, i.indrelid) FROM pg_index i
		WHERE i.indexrelid = 'audit_events_timeline_idx'::regclass`).Scan(&pred); err != nil {
		t.Fatal(err)
	}
	// e.g. ((person_id IS NOT NULL) AND (entity <> 'case_note'::text) AND
	// (action = ANY (ARRAY['create'::text, …])))
	i := strings.Index(pred, "action = ANY (ARRAY[")
	if i < 0 {
		t.Fatalf("the index predicate has no action list: %s", pred)
	}
	list := pred[i : i+strings.Index(pred[i:], "]")]
	var indexed []string
	for _, m := range quotedRe.FindAllStringSubmatch(list, -1) {
		indexed = append(indexed, m[1])
	}
	want := domain.TimelineActions()
	slices.Sort(indexed)
	slices.Sort(want)
	if !slices.Equal(indexed, want) {
		t.Errorf("audit_events_timeline_idx holds the actions %v, the timeline shows %v: "+
			"a migration must rebuild the index with the domain's TimelineActions", indexed, want)
	}
	if !strings.Contains(pred, "entity <> '"+domain.EntityNote+"'") || !strings.Contains(pred, "person_id IS NOT NULL") {
		t.Errorf("index predicate %s", pred)
	}
	// The store's query lists the same actions.
	var listed []string
	for _, m := range quotedRe.FindAllStringSubmatch(postgres.TimelineActionsSQL(), -1) {
		listed = append(listed, m[1])
	}
	if !slices.Equal(listed, domain.TimelineActions()) {
		t.Errorf("the timeline query lists %v, the domain %v", listed, domain.TimelineActions())
	}
}

// queryRecorder records the SQL and arguments of every query of a pool.
type queryRecorder struct {
	mu      sync.Mutex
	queries []pgx.TraceQueryStartData
}

func (r *queryRecorder) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.queries = append(r.queries, d)
	return ctx
}

func (r *queryRecorder) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// The statements of a batch (the timeline reads in one) are recorded too.
func (r *queryRecorder) TraceBatchStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceBatchStartData) context.Context {
	return ctx
}

func (r *queryRecorder) TraceBatchQuery(_ context.Context, _ *pgx.Conn, d pgx.TraceBatchQueryData) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.queries = append(r.queries, pgx.TraceQueryStartData{SQL: d.SQL, Args: d.Args})
}

func (r *queryRecorder) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData) {}

// TestTimelineQueryUsesIndex runs the store's own timeline query (recorded
// as PersonTimeline sends it, first page and a later one) under EXPLAIN and
// checks that the planner uses the partial index, without a sort: the
// action list must be literals the planner can match to the index
// predicate, not a parameter.
// boundedByPerson is an index condition that starts with the person.
var boundedByPerson = regexp.MustCompile(`Index Cond: \(+person_id = `)

func TestTimelineQueryUsesIndex(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	pid := mustPerson(t, f, f.cwA)
	mustNote(t, f, f.cwA, pid, noteIn("x", date("2026-01-01")))

	rec := &queryRecorder{}
	cfg := f.db.Pool.Config()
	cfg.ConnConfig.Tracer = rec
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	traced := &postgres.DB{Pool: pool, SessionPool: f.db.SessionPool, Now: f.db.Now}
	first, err := traced.PersonTimeline(ctx, f.cwA.Scope(), pid, postgres.TimelineQuery{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	if first.Next == nil {
		t.Fatal("no second page")
	}
	if _, err := traced.PersonTimeline(ctx, f.cwA.Scope(), pid, postgres.TimelineQuery{Limit: 1, Before: first.Next}); err != nil {
		t.Fatal(err)
	}
	var explained int
	for _, q := range rec.queries {
		if !strings.Contains(q.SQL, "FROM audit_events a") || !strings.Contains(q.SQL, "a.action IN") {
			continue
		}
		explained++
		tx, err := f.db.Pool.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Exec(ctx, `SET LOCAL enable_seqscan = off`); err != nil {
			t.Fatal(err)
		}
		rows, err := tx.Query(ctx, `EXPLAIN `+q.SQL, q.Args...)
		if err != nil {
			t.Fatal(err)
		}
		var plan strings.Builder
		for rows.Next() {
			var line string
			if err := rows.Scan(&line); err != nil {
				t.Fatal(err)
			}
			plan.WriteString(line + "\n")
		}
		rows.Close()
		tx.Rollback(ctx)
		if !strings.Contains(plan.String(), "audit_events_timeline_idx") || strings.Contains(plan.String(), "Sort") {
			t.Errorf("the timeline query does not use audit_events_timeline_idx without a sort:\n%s\n%s", q.SQL, plan.String())
		}
		// Every scan of the index is bounded by the person (the merged
		// registrations' branch too): never a walk of the whole index.
		if scans, bounded := strings.Count(plan.String(), "using audit_events_timeline_idx"),
			len(boundedByPerson.FindAllString(plan.String(), -1)); scans != bounded {
			t.Errorf("%d scans of audit_events_timeline_idx, %d bounded by person_id:\n%s", scans, bounded, plan.String())
		}
	}
	if explained != 2 {
		t.Errorf("%d timeline queries recorded, want 2", explained)
	}
}
