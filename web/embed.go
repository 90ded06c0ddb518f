// Package web holds the templ views and the static assets.
package web

import (
	"embed"
	"io/fs"
)

//go:embed all:static
var static embed.FS

// Static returns the static assets (own css/js and vendor/, filled from npm
// by scripts/npm-assets.sh at build time).
func Static() fs.FS {
	sub, err := fs.Sub(static, "static")
	if err != nil {
		panic(err)
	}
	return sub
}
