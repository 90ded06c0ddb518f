DROP TABLE IF EXISTS husbanken_applications;
DROP TABLE IF EXISTS housing_guidance;
DROP TABLE IF EXISTS lease_checklist_items;
DROP TABLE IF EXISTS leases;
DROP TABLE IF EXISTS housing_units;
DROP TABLE IF EXISTS landlord_agreements;
DROP TABLE IF EXISTS landlords;
