package domain

import (
	"strings"
	"testing"
)

func TestBrowserSummary(t *testing.T) {
	for ua, want := range map[string]string{
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36":             "Chrome 131 på Windows",
		"Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0":                                                      "Firefox 128 på Linux",
		"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15":       "Safari 17 på macOS",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0": "Edge 131 på Windows",
		"Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36":                "Chrome 131 på Android",
		"curl/8.5.0": "curl",
		"":           "Ukjent nettleser",
	} {
		if got := BrowserSummary(ua); got != want {
			t.Errorf("BrowserSummary(%q) = %q, want %q", ua, got, want)
		}
	}
}

func TestUserFormValidate(t *testing.T) {
	if _, err := (UserForm{Email: " kari@kommune.no ", Name: "Kari", Role: "leader", UnitID: "3"}).Validate(); err != nil {
		t.Fatal(err)
	}
	for _, f := range []UserForm{
		{Email: "", Name: "K", Role: "leader", UnitID: "1"},
		{Email: "kari@", Name: "K", Role: "leader", UnitID: "1"},
		{Email: "k@x.no", Name: "\u202eK", Role: "leader", UnitID: "1"},
		{Email: "k@x.no", Name: strings.Repeat("K", 201), Role: "leader", UnitID: "1"},
		{Email: "k@x.no", Name: "K", Role: "root", UnitID: "1"},
		{Email: "k@x.no", Name: "K", Role: "leader", UnitID: "-1"},
	} {
		if _, err := f.Validate(); ErrorCode(err) != EINVALID {
			t.Errorf("%+v: %v, want EINVALID", f, err)
		}
	}
	if _, err := (UserChangeForm{Role: "admin", UnitID: "1", Version: "x"}).Validate(); ErrorCode(err) != EINVALID {
		t.Error("a change without a version passes")
	}
}
