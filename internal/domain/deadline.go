package domain

import "time"

// Deadline statuses.
const (
	DeadlineOpen    = "open"    // due in the future
	DeadlineOverdue = "overdue" // due date passed, not done
	DeadlineDone    = "done"
)

// Deadline is one computed legal deadline or one manual task of a person.
type Deadline struct {
	PersonID   int64
	PersonName string
	Kind       string // a computed rule's kind, or "task" for a manual task
	Title      string // Norwegian, for display
	Due        time.Time
	Status     string // DeadlineOpen, DeadlineOverdue or DeadlineDone
	DoneOn     *time.Time
	TaskID     *int64  // manual tasks only
	Assignee   *string // manual tasks only
	Health     bool    // a health item: shown to the health role alone, reads audited
}
