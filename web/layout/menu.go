package layout

import "context"

// MenuItem is an entry of the main menu. The server builds the menu from its
// module list (internal/server/modules.go), keeping the entries the user's
// role may open, and puts it in the request context.
type MenuItem struct {
	Key   string // compared with Shell.Nav to mark the current page
	Label string
	Path  string
	// Also are further Shell.Nav values that mark this entry current (the
	// administration page's tools).
	Also []string
}

// Current reports whether the entry is the page's (nav: its Shell.Nav).
func (m MenuItem) Current(nav string) bool {
	if nav == "" {
		return false
	}
	if m.Key == nav {
		return true
	}
	for _, k := range m.Also {
		if k == nav {
			return true
		}
	}
	return false
}

type menuKey struct{}

// WithMenu returns a context carrying the user's menu.
func WithMenu(ctx context.Context, items []MenuItem) context.Context {
	return context.WithValue(ctx, menuKey{}, items)
}

// MenuFrom is the menu in the context (none on pages outside login).
func MenuFrom(ctx context.Context) []MenuItem {
	items, _ := ctx.Value(menuKey{}).([]MenuItem)
	return items
}
