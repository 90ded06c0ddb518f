-- Search terms shorter than three characters cannot use the trigram index;
-- they match the start of the family or given name through these instead.
CREATE INDEX persons_family_prefix_idx ON persons (family_key text_pattern_ops);
CREATE INDEX persons_given_prefix_idx ON persons (given_key text_pattern_ops);
