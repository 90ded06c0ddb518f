package demo

import (
	"context"
	"fmt"
	"time"

	"ankomst/internal/domain"
	"ankomst/internal/postgres"
)

// The settlement demo data (issue 12): IMDi's request and the council's
// decision for the last three years and this one (sized from the people
// settled each year; this year's decision revised once), and 24 people not
// yet settled: proposed, agreed with an expected arrival, declined with a
// reason. They borrow names, birth dates and units from settled persons
// (recombined) and carry DUF numbers 2098…, so a second run adds nothing;
// people other modules' demo steps mark agreed are left as they are.

var demoDeclineReasons = []string{"Ingen egnet bolig tilgjengelig i perioden.", "Kommunen mangler tilrettelagt bolig for rullestolbruker.",
	"Behov for spesialisthelsetjenester kommunen ikke kan gi.", "Vedtaket for året er oppfylt."}

// PipelineCount is how many demo people are in the pipeline (when at least
// PipelineCount+7 settled persons are stored to borrow from).
const PipelineCount = 24

func loadSettlement(ctx context.Context, db *postgres.DB, today time.Time) (string, error) {
	targets, err := db.DemoSettlementTargets(ctx, today.Year()-3, today.Year())
	if err != nil {
		return "", err
	}
	src, err := db.DemoPipelineSources(ctx, PipelineCount+7)
	if err != nil {
		return "", err
	}
	var people []postgres.DemoPipelinePerson
	for i := 0; i+7 < len(src) && len(people) < PipelineCount; i++ {
		p := src[i]
		p.FamilyName = src[i+7].FamilyName
		p.DUF = fmt.Sprintf("2098%08d", i+1)
		day := func(d int) *time.Time { t := today.AddDate(0, 0, d); return &t }
		switch {
		case i%12 == 11:
			p.Basis = domain.BasisUnaccompanied
			p.BirthDate = time.Date(today.Year()-16, p.BirthDate.Month(), min(p.BirthDate.Day(), 28), 0, 0, 0, 0, time.UTC)
		case i%5 == 0:
			p.Basis = domain.BasisCollective
		case p.Basis == domain.BasisUnaccompanied || p.Basis == domain.BasisFamily:
			p.Basis = domain.BasisResettlement
		}
		switch {
		case i < 10:
			p.Stage = domain.StageProposed
			p.ProposedOn = day(-3 * (i + 1))
		case i < 20:
			p.Stage = domain.StageAgreed
			p.ProposedOn = day(-30 - 2*i)
			p.AgreedOn = day(-10 - i)
			p.ExpectedArrival = day(7 * (i - 9))
		default:
			p.Stage = domain.StageDeclined
			p.ProposedOn = day(-60 - 5*i)
			p.DeclinedOn = day(-40 - 5*i)
			p.DeclineReason = demoDeclineReasons[i%len(demoDeclineReasons)]
		}
		p.Disability = i%9 == 4
		p.Accessible = i%9 == 4 || i%11 == 3
		people = append(people, p)
	}
	added, err := db.DemoPipeline(ctx, people)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("Settlement: %d target rows, %d people in the pipeline added.", targets, added), nil
}

// loadSettlementOnce runs the settlement step on a database loaded before
// it existed (no target rows yet, some persons); "" when there is nothing
// to do.
func loadSettlementOnce(ctx context.Context, db *postgres.DB, today time.Time) (string, error) {
	has, err := db.HasSettlementTargets(ctx)
	if err != nil || has {
		return "", err
	}
	if n, err := db.CountPersons(ctx); err != nil || n == 0 {
		return "", err
	}
	return loadSettlement(ctx, db, today)
}
