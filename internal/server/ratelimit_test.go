package server

import (
	"fmt"
	"net/http/httptest"
	"net/netip"
	"runtime"
	"testing"
	"time"
)

func TestLoginLimiterWindowReleaseAndBound(t *testing.T) {
	now := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	l := newLoginLimiter()
	l.now = func() time.Time { return now }
	for i := 0; i < LoginAttemptsPerAddress; i++ {
		if ok, _ := l.reserve("10.0.0.1"); !ok {
			t.Fatalf("attempt %d refused", i+1)
		}
		now = now.Add(time.Second)
	}
	ok, retry := l.reserve("10.0.0.1")
	if ok || retry <= 0 || retry > LoginAttemptWindow {
		t.Fatalf("attempt %d: ok=%v retry=%s", LoginAttemptsPerAddress+1, ok, retry)
	}
	if ok, _ := l.reserve("10.0.0.2"); !ok {
		t.Error("another address was refused")
	}
	// Sliding: once the first attempt leaves the window, one more passes.
	now = now.Add(retry)
	if ok, _ := l.reserve("10.0.0.1"); !ok {
		t.Error("refused after the oldest attempt left the window")
	}
	if ok, _ := l.reserve("10.0.0.1"); ok {
		t.Error("a second attempt passed with one slot freed")
	}
	// A success gives its attempt back.
	l2 := newLoginLimiter()
	for i := 0; i < 100; i++ {
		if ok, _ := l2.reserve("10.0.0.3"); !ok {
			t.Fatalf("successful attempt %d refused", i+1)
		}
		l2.release("10.0.0.3")
	}
	if l2.size() != 0 {
		t.Errorf("%d addresses held after only successes", l2.size())
	}
	// The table never holds more than the bound, whatever the number of addresses.
	l3 := newLoginLimiter()
	l3.maxKeys = 100
	for i := 0; i < 1000; i++ {
		l3.reserve(fmt.Sprintf("10.1.%d.%d", i/256, i%256))
	}
	if l3.size() > 100 {
		t.Errorf("%d addresses held, bound 100", l3.size())
	}
}

func TestClientAddr(t *testing.T) {
	proxies, err := ParseTrustedProxies("10.0.0.0/8, 192.168.1.1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ParseTrustedProxies("ikke-en-adresse"); err == nil {
		t.Error("a bad proxy setting was accepted")
	}
	for _, c := range []struct {
		name    string
		proxies []netip.Prefix
		remote  string
		xff     string
		want    string
	}{
		{"no proxy setting: X-Forwarded-For is ignored", nil, "203.0.113.9:5000", "198.51.100.1", "203.0.113.9"},
		{"trusted proxy: the client it names", proxies, "10.1.2.3:5000", "198.51.100.1", "198.51.100.1"},
		{"trusted proxy chain: the rightmost untrusted", proxies, "10.1.2.3:5000", "6.6.6.6, 198.51.100.1, 192.168.1.1", "198.51.100.1"},
		{"untrusted peer: its own address, the header is spoofable", proxies, "203.0.113.9:5000", "198.51.100.1", "203.0.113.9"},
		{"IPv6 counts by /64", nil, "[2001:db8:1:2:3:4:5:6]:443", "", "2001:db8:1:2::/64"},
		{"garbage in the header stops the walk", proxies, "10.1.2.3:5000", "x, y", "10.1.2.3"},
	} {
		s := &Server{Config: Config{TrustedProxies: c.proxies}}
		r := httptest.NewRequest("POST", "/login", nil)
		r.RemoteAddr = c.remote
		if c.xff != "" {
			r.Header.Set("X-Forwarded-For", c.xff)
		}
		if got := s.clientAddr(r); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}

// The limiter at its bound: LoginLimiterMaxAddresses addresses with
// LoginAttemptsPerAddress attempts each, measured on the heap.
func TestLoginLimiterMemory(t *testing.T) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	l := newLoginLimiter()
	for i := 0; i < LoginLimiterMaxAddresses+500; i++ {
		key := fmt.Sprintf("2001:db8:%x:%x::/64", i/65536, i%65536)
		for j := 0; j < LoginAttemptsPerAddress+2; j++ {
			l.reserve(key)
		}
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	mb := float64(after.HeapAlloc-before.HeapAlloc) / (1 << 20)
	t.Logf("%d addresses × %d attempts: %.1f MB on the heap", l.size(), LoginAttemptsPerAddress, mb)
	if l.size() > LoginLimiterMaxAddresses {
		t.Errorf("%d addresses held", l.size())
	}
	if mb > 8 {
		t.Errorf("%.1f MB, want under 8", mb)
	}
	runtime.KeepAlive(l)
}
