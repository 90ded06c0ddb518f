package postgres

// TimelineActionsSQL exposes the timeline's action list to the tests.
func TimelineActionsSQL() string { return timelineActionsSQL() }

// MergeMoves exposes the tables a merge moves to the tests.
func MergeMoves() []string { return mergeMoves() }
