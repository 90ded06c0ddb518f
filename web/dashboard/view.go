// Package dashboard renders the leaders' dashboard (GET /dashboard) and the
// lists behind its figures: server-rendered SVG bar charts, each with its
// title and description and the same numbers in a table beside it.
package dashboard

import (
	"strconv"

	"ankomst/internal/domain"
)

// View is the dashboard page.
type View struct {
	User        *domain.User
	Units       []domain.Option // admins: the unit select (empty for leaders)
	Unit        string          // the chosen unit's id ("" all)
	UnitName    string
	From, To    string // YYYY-MM
	PeriodText  string
	Today       string
	Notice      string // a filter that was corrected
	CSVURL      string
	SelfURL     string // the filter as a link to save
	Figures     []Figure
	Charts      []Chart
	Health      Chart
	HealthTotal string
}

// Figure is one headline number with the list behind it.
type Figure struct {
	Label, Value, Note, URL, TestID string
}

// Bar is one bar of a chart and one row of its table.
type Bar struct {
	Label   string
	Value   int    // what the bar's length shows
	Display string // the value as text
	Extra   []string
	URL     string // the list behind the row ("" none)
}

// Chart is a horizontal bar chart and its table.
type Chart struct {
	ID      string // unique in the page; its title and desc ids derive from it
	Title   string
	Desc    string
	Columns []string // the table's headers: label, value, extras
	Bars    []Bar
	Empty   string // said instead of the chart when there are no bars
}

const (
	chartWidth  = 640
	labelWidth  = 200
	barArea     = 360
	rowHeight   = 26
	barHeight   = 18
	chartMargin = 6
)

// MaxSVGBars is the most bars a chart draws (the largest first, as the
// bars come); the table holds every row.
const MaxSVGBars = 15

// svgBars are the bars drawn.
func (c Chart) svgBars() []Bar {
	if len(c.Bars) > MaxSVGBars {
		return c.Bars[:MaxSVGBars]
	}
	return c.Bars
}

// cut tells whether the chart draws fewer bars than the table has rows.
func (c Chart) cut() bool { return len(c.Bars) > MaxSVGBars }

// Height is the SVG's height.
func (c Chart) Height() int { return len(c.svgBars())*rowHeight + 2*chartMargin }

func (c Chart) viewBox() string {
	return "0 0 " + strconv.Itoa(chartWidth) + " " + strconv.Itoa(c.Height())
}

func (c Chart) max() int {
	m := 0
	for _, b := range c.Bars {
		m = max(m, b.Value)
	}
	return m
}

// barWidth is bar i's length in the SVG's units (at least 1 for a non-zero value).
func (c Chart) barWidth(i int) string {
	m := c.max()
	if m == 0 || c.Bars[i].Value <= 0 {
		return "0"
	}
	return strconv.Itoa(max(1, c.Bars[i].Value*barArea/m))
}

func (c Chart) barX(i int) string  { return strconv.Itoa(labelWidth) }
func (c Chart) rowY(i int) string  { return strconv.Itoa(chartMargin + i*rowHeight) }
func (c Chart) textY(i int) string { return strconv.Itoa(chartMargin + i*rowHeight + barHeight - 4) }
func (c Chart) barH() string       { return strconv.Itoa(barHeight) }
func (c Chart) labelX() string     { return strconv.Itoa(labelWidth - 8) }
func (c Chart) valueX(i int) string {
	w, _ := strconv.Atoi(c.barWidth(i))
	return strconv.Itoa(labelWidth + w + 6)
}
func (c Chart) titleID() string { return c.ID + "-title" }
func (c Chart) descID() string  { return c.ID + "-desc" }
func (c Chart) tableID() string { return c.ID + "-table" }

// short cuts a label for the chart (the table has it whole).
func short(s string) string {
	r := []rune(s)
	if len(r) > 26 {
		return string(r[:25]) + "…"
	}
	return s
}

// ListView is a list behind a figure.
type ListView struct {
	User     *domain.User
	Title    string
	Intro    string
	DayLabel string
	Detail   string // the number column's header ("" none)
	BackURL  string
	Rows     []ListRow
	More     bool
}

// ListRow is one person of a list.
type ListRow struct {
	URL, Name, Unit, Day, Detail string
}
