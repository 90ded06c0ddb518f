// Package migrations embeds the golang-migrate SQL files.
package migrations

import "embed"

// FS holds the NNNNNN_verb_noun.{up,down}.sql files.
//
//go:embed *.sql
var FS embed.FS
