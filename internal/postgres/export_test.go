package postgres

// TimelineActionsSQL exposes the timeline's action list to the tests.
func TimelineActionsSQL() string { return timelineActionsSQL() }
