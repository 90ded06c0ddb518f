DELETE FROM rates WHERE kind = 'duration_young_age';
