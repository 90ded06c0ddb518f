-- The age under which a participant without upper-secondary education gets
-- the long programme duration (3 years + 1), kept as a dated rate like every
-- other limit (domain.RateDurationYoungAge).
INSERT INTO rates (kind, effective_from, value, note) VALUES
    ('duration_young_age', '2021-01-01', 25, 'Under 25 år uten videregående: inntil 3 år');
