DROP INDEX IF EXISTS persons_pipeline_all_idx;
DROP INDEX IF EXISTS persons_settled_on_idx;
DELETE FROM rates WHERE kind IN ('grant_y1_adult', 'grant_y1_child', 'grant_y1_unaccompanied', 'grant_elderly_age',
    'grant_elderly', 'grant_y2', 'grant_y3', 'grant_y4', 'grant_y5', 'grant_disability');
