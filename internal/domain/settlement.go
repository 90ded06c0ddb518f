package domain

// The settlement pipeline (bosettingsløpet, migration 000027): a person is
// proposed by IMDi, agreed with an expected arrival, or declined with a
// reason, before being settled. The settlement date stays the fact the
// ledger counts; the stage says where a person not yet settled stands.
const (
	StageProposed = "proposed" // foreslått av IMDi
	StageAgreed   = "agreed"   // avtalt, med forventet ankomst
	StageDeclined = "declined" // avslått, med begrunnelse
	StageSettled  = "settled"  // bosatt
)

// SettlementStages lists the stages in pipeline order.
var SettlementStages = []Option{
	{StageProposed, "Foreslått"},
	{StageAgreed, "Avtalt"},
	{StageDeclined, "Avslått"},
	{StageSettled, "Bosatt"},
}

// Kinds of settlement_targets rows: IMDi's request and the council's decision.
const (
	TargetRequest  = "request"  // anmodning fra IMDi
	TargetDecision = "decision" // kommunestyrets vedtak
)
