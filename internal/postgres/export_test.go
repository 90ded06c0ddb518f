package postgres

import "fmt"

// TimelineActionsSQL exposes the timeline's action list to the tests.
func TimelineActionsSQL() string { return timelineActionsSQL() }

// MergeMoves exposes the tables a merge moves to the tests.
func MergeMoves() []string { return mergeMoves() }

// SettlementSQL exposes the ledger's counts and grant cohorts statements
// (with the scope condition filled in) to the benchmark's EXPLAIN.
func SettlementSQL(where string) (counts, cohorts string) {
	return fmt.Sprintf(settlementCountsSQL, where), fmt.Sprintf(grantCohortsSQL, where)
}
