DROP INDEX IF EXISTS persons_given_prefix_idx;
DROP INDEX IF EXISTS persons_family_prefix_idx;
