DROP TABLE IF EXISTS placement_evaluations;
DROP TABLE IF EXISTS placement_followups;
DROP TABLE IF EXISTS placements;
DROP TABLE IF EXISTS employer_contacts;
DROP TABLE IF EXISTS worksites;
DROP TABLE IF EXISTS employers;
