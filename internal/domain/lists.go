package domain

import "slices"

// The reference lists of the domain, each a fresh copy: the lists themselves
// are unexported, so no caller can change them for everyone.

// CloseReasons lists the reasons a case ends (avslutningsårsak).
func CloseReasons() []Option { return slices.Clone(closeReasons) }

// DeadlineRules lists the legal deadlines and their periods.
func DeadlineRules() []DeadlineRule { return slices.Clone(deadlineRules) }

// Relations lists the relations of a household member to the head.
func Relations() []Option { return slices.Clone(relations) }

// MergeFields lists the person fields a merge lets the administrator choose.
func MergeFields() []Option { return slices.Clone(mergeFields) }

// NoteKinds lists the kinds of case note.
func NoteKinds() []Option { return slices.Clone(noteKinds) }

// InterpreterModes lists how an interpreter took part.
func InterpreterModes() []Option { return slices.Clone(interpreterModes) }

// InterpreterCategories lists the interpreter register categories A–E.
func InterpreterCategories() []Option { return slices.Clone(interpreterCategories) }

// ResidenceBases lists the residence bases (oppholdsgrunnlag).
func ResidenceBases() []Option { return slices.Clone(residenceBases) }

// InterpreterGenders lists the interpreter gender preferences.
func InterpreterGenders() []Option { return slices.Clone(interpreterGenders) }

// Sexes lists the sexes (kjønn).
func Sexes() []Option { return slices.Clone(sexes) }

// Countries lists the countries of origin.
func Countries() []Option { return slices.Clone(countries) }

// Languages lists the languages.
func Languages() []Option { return slices.Clone(languages) }
