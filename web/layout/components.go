package layout

import "github.com/a-h/templ"

// ErrorItem is one line of an ErrorSummary: a refused field and its message.
type ErrorItem struct {
	Field   string // the field's element id, which the summary links to
	Message string
}

// Fact is one labelled value of a fact list (Facts): the person page's
// facts, a stored version beside the user's, a deadline's details.
type Fact struct {
	Label  string
	Value  string
	TestID string // data-testid of the value, or ""
	// Content, when set, is shown instead of Value (a status tag).
	Content templ.Component
}

// SortColumn is a sortable column header whose sort travels in the URL.
type SortColumn struct {
	Label string
	// URL sorts by this column: in the other direction when the list is
	// sorted by it already.
	URL      string
	AriaSort string // ascending, descending or none
}

// PageLink is one link of a Pager; a link without URL is left out.
type PageLink struct {
	URL    string
	Label  string
	Rel    string // prev, next or ""
	TestID string
}

// PrevPage is the link to the previous page of a keyset-paginated list.
func PrevPage(url string) PageLink {
	return PageLink{URL: url, Label: "Forrige side", Rel: "prev", TestID: "prev-page"}
}

// NextPage is the link to the next page of a keyset-paginated list.
func NextPage(url string) PageLink {
	return PageLink{URL: url, Label: "Neste side", Rel: "next", TestID: "next-page"}
}

// FirstPage is the link back to a list's first page.
func FirstPage(url string) PageLink {
	return PageLink{URL: url, Label: "Første side", TestID: "first-page"}
}

// As is the link with another label ("Nyeste", "Eldre hendelser").
func (l PageLink) As(label string) PageLink {
	l.Label = label
	return l
}

func anyLink(links []PageLink) bool {
	for _, l := range links {
		if l.URL != "" {
			return true
		}
	}
	return false
}

// Tab is one link of a Tabs bar (Mine deltakere / Alle i enheten).
type Tab struct {
	Label   string
	URL     string
	TestID  string
	Current bool
}

// Button is a form's submit button.
type Button struct {
	Label  string
	TestID string
	// Variant is primary (the default), secondary or tertiary.
	Variant string
	// Danger colours the button red: it closes, removes or merges something.
	Danger bool
}

func (b Button) variant() string {
	if b.Variant == "" {
		return "primary"
	}
	return b.Variant
}

// Search is a search form that POSTs its query (q), so that an identity
// number never lands in a URL.
type Search struct {
	Action      string
	Label       string // the field's label
	Description string
	Q           string
	Button      Button // its Label is "Søk" when empty
	// ResetURL is the "Nullstill" link, shown while there is a query.
	ResetURL string
	// Results, when set, makes the search live (htmx, where the page loads
	// it): typing POSTs the form to Action after a pause, with the header
	// HX-Request, and the element with this id is swapped for the answer's.
	// Only the results change, so focus stays in the field; the button and
	// Enter still submit the form the ordinary way.
	Results string
}

// liveAttrs are the search field's htmx attributes, or none.
func (s Search) liveAttrs() templ.Attributes {
	if s.Results == "" {
		return nil
	}
	// No hx-sync: while a query is on its way htmx queues the latest one
	// (no aborts, which htmx reports as errors), so answers come in order.
	return templ.Attributes{
		"hx-post":       s.Action,
		"hx-trigger":    "input changed delay:300ms",
		"hx-target":     "#" + s.Results,
		"hx-swap":       "outerHTML",
		"aria-controls": s.Results,
	}
}

func (s Search) button() Button {
	if s.Button.Label == "" {
		s.Button.Label = "Søk"
	}
	return s.Button
}

// Filter is a GET form that narrows a list by one select.
type Filter struct {
	Action string
	TestID string // the form's data-testid, or ""
	Select SelectField
	Button Button // secondary when Variant is empty
}

func (f Filter) button() Button {
	if f.Button.Variant == "" {
		f.Button.Variant = "secondary"
	}
	return f.Button
}

// Choice is a checkbox or radio button with its label beside it.
type Choice struct {
	Type    string // checkbox (the default) or radio
	ID      string
	Name    string
	Value   string
	Checked bool
	// ErrorID is the id of the error message that describes the choice
	// while it is refused (aria-invalid), or "".
	ErrorID string
	TestID  string
}

func (c Choice) inputType() string {
	if c.Type == "" {
		return "checkbox"
	}
	return c.Type
}

// ErrorID is the id of a field's error message while it has one (msg), or
// "": what a refused choice's aria-describedby names.
func ErrorID(id, msg string) string {
	if msg == "" {
		return ""
	}
	return id + "-error"
}

// TableSpec is how a Table looks: its caption (for screen readers), test id
// and Designsystemet's zebra stripes and row hover.
type TableSpec struct {
	Caption string
	TestID  string
	Zebra   bool
	Hover   bool
	// ScrollLabel makes the wrapper a labelled, focusable scroll region, for
	// wide tables that scroll sideways on phones.
	ScrollLabel string
}
