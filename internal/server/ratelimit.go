package server

import (
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Login rate limit per client address (the account lockout in
// postgres.Authenticate is the limit per account): at most
// LoginAttemptsPerAddress failed attempts (password, code, turning
// two-factor off) from one address within LoginAttemptWindow, a sliding
// window. An attempt is counted before it is checked (so a parallel burst
// cannot get past the limit) and forgotten again when it succeeds, so a
// municipality's office behind one address is not locked out by its own
// successful logins. The table holds at most LoginLimiterMaxAddresses
// addresses (each at most LoginAttemptsPerAddress timestamps of 8 bytes:
// some 250 bytes an entry, about 2.5 MB in all); when it is full, expired
// entries are dropped first and then the stalest of a few sampled ones.
const (
	LoginAttemptsPerAddress  = 20
	LoginAttemptWindow       = 15 * time.Minute
	LoginLimiterMaxAddresses = 10_000
)

// loginLimiter is the sliding window per client address, in memory (one
// app instance; with several, each counts its own share).
type loginLimiter struct {
	mu      sync.Mutex
	max     int
	window  time.Duration
	maxKeys int
	hits    map[string][]int64 // unix nanoseconds, oldest first
	now     func() time.Time
	pruned  int64 // when evict last scanned the whole table
}

func newLoginLimiter() *loginLimiter {
	return &loginLimiter{max: LoginAttemptsPerAddress, window: LoginAttemptWindow, maxKeys: LoginLimiterMaxAddresses,
		hits: map[string][]int64{}, now: time.Now}
}

// reserve counts an attempt from key, or refuses it with the time until the
// oldest counted attempt leaves the window.
func (l *loginLimiter) reserve(key string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now().UnixNano()
	cut := now - int64(l.window)
	h := l.hits[key]
	i := 0
	for i < len(h) && h[i] <= cut {
		i++
	}
	h = h[i:]
	if len(h) >= l.max {
		l.hits[key] = h
		return false, time.Duration(h[0] - cut)
	}
	if _, ok := l.hits[key]; !ok && len(l.hits) >= l.maxKeys {
		l.evict(cut)
	}
	l.hits[key] = append(h, now)
	return true, 0
}

// release forgets key's latest attempt (it succeeded).
func (l *loginLimiter) release(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	h := l.hits[key]
	switch len(h) {
	case 0:
	case 1:
		delete(l.hits, key)
	default:
		l.hits[key] = h[:len(h)-1]
	}
}

// evict makes room for one key: entries without an attempt in the window
// go; if none did, the stalest of eight random entries.
// The whole-table scan runs at most once a second, so a flood of new
// addresses costs a sample of eight per attempt, not a scan.
func (l *loginLimiter) evict(cut int64) {
	if now := cut + int64(l.window); now-l.pruned > int64(time.Second) {
		l.pruned = now
		for k, h := range l.hits {
			if len(h) == 0 || h[len(h)-1] <= cut {
				delete(l.hits, k)
			}
		}
		if len(l.hits) < l.maxKeys {
			return
		}
	}
	var stalest string
	var at int64
	n := 0
	for k, h := range l.hits { // map order is random
		if n == 0 || h[len(h)-1] < at {
			stalest, at = k, h[len(h)-1]
		}
		if n++; n == 8 {
			break
		}
	}
	delete(l.hits, stalest)
}

// size is the number of addresses held (tests).
func (l *loginLimiter) size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.hits)
}

// clientAddr is the client's address for the rate limit: r.RemoteAddr, or,
// when the request comes from a trusted proxy (Config.TrustedProxies), the
// rightmost X-Forwarded-For address that is not a trusted proxy. An IPv6
// address counts by its /64 (one household or office gets one /64).
func (s *Server) clientAddr(r *http.Request) string {
	addr := remoteIP(r.RemoteAddr)
	if addr.IsValid() && s.trustedProxy(addr) {
		fwd := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
		for i := len(fwd) - 1; i >= 0; i-- {
			a, err := netip.ParseAddr(strings.TrimSpace(fwd[i]))
			if err != nil {
				break
			}
			addr = a.Unmap()
			if !s.trustedProxy(addr) {
				break
			}
		}
	}
	if !addr.IsValid() {
		return r.RemoteAddr
	}
	if addr.Is6() {
		p, _ := addr.Prefix(64)
		return p.String()
	}
	return addr.String()
}

func remoteIP(remote string) netip.Addr {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		host = remote
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}
	}
	return a.Unmap()
}

func (s *Server) trustedProxy(a netip.Addr) bool {
	for _, p := range s.Config.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// ParseTrustedProxies reads ANKOMST_TRUSTED_PROXIES: comma-separated
// addresses or CIDR prefixes.
func ParseTrustedProxies(v string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(v, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if !strings.Contains(f, "/") {
			a, err := netip.ParseAddr(f)
			if err != nil {
				return nil, err
			}
			out = append(out, netip.PrefixFrom(a, a.BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(f)
		if err != nil {
			return nil, err
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

// limitAttempt counts a login attempt from the client's address; when over
// the limit it answers 429 with Retry-After and returns false.
func (s *Server) limitAttempt(w http.ResponseWriter, r *http.Request) (string, bool) {
	key := s.clientAddr(r)
	ok, retry := s.limiter.reserve(key)
	if ok {
		return key, true
	}
	mins := int((retry + time.Minute - 1) / time.Minute)
	if mins < 1 {
		mins = 1
	}
	secs := int((retry + time.Second - 1) / time.Second)
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	s.Log.WarnContext(r.Context(), "login rate limited")
	word := "minutter"
	if mins == 1 {
		word = "minutt"
	}
	s.renderError(w, r, http.StatusTooManyRequests, "For mange forsøk",
		"For mange forsøk. Prøv igjen om "+strconv.Itoa(mins)+" "+word+".")
	return key, false
}
