package demo

import (
	"context"
	"fmt"
	"time"

	"ankomst/internal/domain"
	"ankomst/internal/postgres"
)

// loadHealth is the demo step "health": every person's checklist (created
// set-wise by RefreshAllHealthItems when none exist yet: a fresh load made
// them in the deadlines step, a database loaded before health items existed
// gets them here), then realistic statuses (postgres.DemoHealthStatuses:
// most old items done with dates and places, some booked, some overdue,
// some declined or not relevant).
func loadHealth(ctx context.Context, db *postgres.DB, today time.Time) (string, error) {
	started := time.Now()
	n, err := db.CountHealthItems(ctx)
	if err != nil {
		return "", err
	}
	if n == 0 {
		if err := db.RefreshAllHealthItems(ctx); err != nil {
			return "", fmt.Errorf("checklists: %w", err)
		}
	}
	c, err := db.DemoHealthStatuses(ctx, domain.Date(today))
	if err != nil {
		return "", fmt.Errorf("statuses: %w", err)
	}
	total := c.Done + c.Declined + c.NotRelevant + c.Open
	return fmt.Sprintf("Health items: %d (%d done, %d booked, %d declined, %d not relevant, %d open of which %d overdue) in %s.",
		total, c.Done, c.Booked, c.Declined, c.NotRelevant, c.Open, c.Overdue, time.Since(started).Round(time.Millisecond)), nil
}
