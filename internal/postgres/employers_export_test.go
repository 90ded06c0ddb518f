package postgres

// PlacesInUseSQL exposes the in-use predicate of a worksite's places to the tests.
func PlacesInUseSQL(alias, today string) string { return placesInUse(alias, today) }
