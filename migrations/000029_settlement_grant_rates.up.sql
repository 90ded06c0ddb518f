-- The integration grant (integreringstilskudd, issue 12) as dated rates
-- (domain.RateGrant…, rates.go): year 1 per person (adult, child,
-- unaccompanied minor), the once-only extras for the elderly (from an age,
-- itself a rate) and for a disability, and the rates of years 2–5. Values in
-- øre. The figures are EXAMPLES near IMDi's 2025 and 2026 levels, to be
-- checked against IMDi's published rates and corrected on /admin/rates (a
-- correction is a new row).
INSERT INTO rates (kind, effective_from, value, note) VALUES
    ('grant_y1_adult',         '2025-01-01', 26200000, 'Eksempelsats – kontroller mot IMDi'),
    ('grant_y1_child',         '2025-01-01', 21200000, 'Eksempelsats – kontroller mot IMDi'),
    ('grant_y1_unaccompanied', '2025-01-01', 21200000, 'Eksempelsats – kontroller mot IMDi'),
    ('grant_elderly_age',      '2025-01-01',       60, 'Eldretilskudd fra 60 år ved bosetting'),
    ('grant_elderly',          '2025-01-01', 19700000, 'Eksempelsats – kontroller mot IMDi'),
    ('grant_y2',               '2025-01-01', 25700000, 'Eksempelsats – kontroller mot IMDi'),
    ('grant_y3',               '2025-01-01', 18400000, 'Eksempelsats – kontroller mot IMDi'),
    ('grant_y4',               '2025-01-01',  9200000, 'Eksempelsats – kontroller mot IMDi'),
    ('grant_y5',               '2025-01-01',  7700000, 'Eksempelsats – kontroller mot IMDi'),
    ('grant_disability',       '2025-01-01', 21000000, 'Eksempelsats – kontroller mot IMDi'),
    ('grant_y1_adult',         '2026-01-01', 27000000, 'Eksempelsats – kontroller mot IMDi'),
    ('grant_y1_child',         '2026-01-01', 21800000, 'Eksempelsats – kontroller mot IMDi'),
    ('grant_y1_unaccompanied', '2026-01-01', 21800000, 'Eksempelsats – kontroller mot IMDi'),
    ('grant_elderly',          '2026-01-01', 20300000, 'Eksempelsats – kontroller mot IMDi'),
    ('grant_y2',               '2026-01-01', 26500000, 'Eksempelsats – kontroller mot IMDi'),
    ('grant_y3',               '2026-01-01', 19000000, 'Eksempelsats – kontroller mot IMDi'),
    ('grant_y4',               '2026-01-01',  9500000, 'Eksempelsats – kontroller mot IMDi'),
    ('grant_y5',               '2026-01-01',  7900000, 'Eksempelsats – kontroller mot IMDi'),
    ('grant_disability',       '2026-01-01', 21600000, 'Eksempelsats – kontroller mot IMDi');

-- The ledger counts the settled by settlement date across the municipality
-- or one unit, and the grant forecast groups five years of them by basis,
-- age when settled and the disability extra: a partial covering index, so
-- both read the index only (no heap visits for an all-units ledger).
CREATE INDEX persons_settled_on_idx ON persons (settlement_date, unit_id)
    INCLUDE (birth_date, residence_basis, grant_disability, status)
    WHERE settlement_stage = 'settled' AND settlement_date IS NOT NULL;

-- The pipeline across every unit (an admin's ledger): persons_pipeline_idx
-- (000027) leads with the unit.
CREATE INDEX persons_pipeline_all_idx ON persons (settlement_stage)
    WHERE settlement_stage <> 'settled';
