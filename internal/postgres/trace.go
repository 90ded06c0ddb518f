package postgres

import (
	"context"
	"sync/atomic"

	"github.com/jackc/pgx/v5"
)

// QueryCount counts what one request asks of Postgres (design.md, "Speed by
// design": a page costs its round trips more than its SQL). Statements are
// SQL statements, a batch's included; round trips are the waits for the
// server: a query, a batch, a prepare, a COPY, and BEGIN and COMMIT each.
type QueryCount struct {
	statements, roundTrips atomic.Int64
}

// Statements is how many SQL statements ran.
func (c *QueryCount) Statements() int64 { return c.statements.Load() }

// RoundTrips is how many times the request waited for Postgres.
func (c *QueryCount) RoundTrips() int64 { return c.roundTrips.Load() }

type queryCountKey struct{}

// WithQueryCount returns a context whose queries, on either pool, are counted
// in the returned QueryCount.
func WithQueryCount(ctx context.Context) (context.Context, *QueryCount) {
	c := &QueryCount{}
	return context.WithValue(ctx, queryCountKey{}, c), c
}

func queryCountOf(ctx context.Context) *QueryCount {
	c, _ := ctx.Value(queryCountKey{}).(*QueryCount)
	return c
}

// countingTracer feeds the QueryCount of the query's context, if any.
type countingTracer struct{}

func (countingTracer) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	if c := queryCountOf(ctx); c != nil {
		c.statements.Add(1)
		c.roundTrips.Add(1)
	}
	return ctx
}

func (countingTracer) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

func (countingTracer) TraceBatchStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceBatchStartData) context.Context {
	if c := queryCountOf(ctx); c != nil {
		c.roundTrips.Add(1)
	}
	return ctx
}

func (countingTracer) TraceBatchQuery(ctx context.Context, _ *pgx.Conn, _ pgx.TraceBatchQueryData) {
	if c := queryCountOf(ctx); c != nil {
		c.statements.Add(1)
	}
}

func (countingTracer) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData) {}

func (countingTracer) TracePrepareStart(ctx context.Context, _ *pgx.Conn, _ pgx.TracePrepareStartData) context.Context {
	if c := queryCountOf(ctx); c != nil {
		c.roundTrips.Add(1)
	}
	return ctx
}

func (countingTracer) TracePrepareEnd(context.Context, *pgx.Conn, pgx.TracePrepareEndData) {}

func (countingTracer) TraceCopyFromStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceCopyFromStartData) context.Context {
	if c := queryCountOf(ctx); c != nil {
		c.statements.Add(1)
		c.roundTrips.Add(1)
	}
	return ctx
}

func (countingTracer) TraceCopyFromEnd(context.Context, *pgx.Conn, pgx.TraceCopyFromEndData) {}
