package postgres_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"ankomst/internal/password"
	"ankomst/internal/postgres"
)

// burstLogin sends burst logins at once (the last with the right password
// when right) and returns how many passwords were verified and whether the
// right one logged in.
func burstLogin(t *testing.T, f *fixture, burst int, right bool) (verified int32, loggedIn bool) {
	t.Helper()
	ctx := context.Background()
	var n, in atomic.Int32
	f.db.CheckPassword = func(pw, hash string) bool {
		n.Add(1)
		time.Sleep(20 * time.Millisecond) // a slow hash widens the race window
		return password.Check(pw, hash)
	}
	defer func() { f.db.CheckPassword = nil }()
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range burst {
		wg.Add(1)
		go func() {
			defer wg.Done()
			pw := "feil-passord"
			if right && i == burst-1 {
				pw = "et-langt-passord"
			}
			<-start
			if u, err := f.db.Authenticate(ctx, "cw-a@x.no", pw, ""); err == nil && u != nil {
				in.Add(1)
			} else if err != postgres.ErrLoginFailed {
				t.Errorf("attempt %d: %v", i, err)
			}
		}()
	}
	close(start)
	wg.Wait()
	return n.Load(), in.Load() > 0
}

// A burst of parallel guesses must not get more verifications than the
// lockout allows: the attempt is counted before the password is checked.
// Before the fix all 20 passwords of a burst were verified.
func TestLockoutHoldsAgainstParallelGuesses(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	const burst = 20
	verified, _ := burstLogin(t, f, burst, false)
	t.Logf("burst of %d wrong passwords: %d verified", burst, verified)
	if verified > postgres.MaxLoginFailures {
		t.Errorf("%d passwords verified in a burst of %d guesses, want at most %d", verified, burst, postgres.MaxLoginFailures)
	}
	var audited int
	f.db.Pool.QueryRow(ctx, `SELECT count(*) FROM audit_events WHERE action = 'login_failed' AND entity_id = $1`, f.cwA.ID).Scan(&audited)
	if audited != burst {
		t.Errorf("%d attempts audited, want %d", audited, burst)
	}
	if _, err := f.db.Authenticate(ctx, "cw-a@x.no", "et-langt-passord", ""); err != postgres.ErrLoginFailed {
		t.Errorf("right password after the burst: %v, want refused (locked)", err)
	}
}

// With the right password in the burst: it logs in only if it is among the
// attempts the lockout lets through. Its success forgets the attempts up to
// itself, not those reserved after it, so a burst gets at most 5
// verifications before the success and at most 5 in the fresh window after.
func TestParallelGuessesWithTheRightPassword(t *testing.T) {
	f := newFixture(t)
	verified, loggedIn := burstLogin(t, f, 20, true)
	t.Logf("burst of 19 wrong and the right password: %d verified, logged in %v", verified, loggedIn)
	max := int32(postgres.MaxLoginFailures)
	if loggedIn {
		max *= 2
	}
	if verified > max {
		t.Errorf("%d passwords verified (logged in %v), want at most %d", verified, loggedIn, max)
	}
}

// Sequential attempts keep the old rule: the fifth failure locks, a success
// before that resets the count.
func TestLoginSuccessResetsAttempts(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	for range postgres.MaxLoginFailures - 1 {
		f.db.Authenticate(ctx, "cw-a@x.no", "feil", "")
	}
	if _, err := f.db.Authenticate(ctx, "cw-a@x.no", "et-langt-passord", ""); err != nil {
		t.Fatalf("right password after 4 failures: %v", err)
	}
	for range postgres.MaxLoginFailures - 1 {
		f.db.Authenticate(ctx, "cw-a@x.no", "feil", "")
	}
	if _, err := f.db.Authenticate(ctx, "cw-a@x.no", "et-langt-passord", ""); err != nil {
		t.Fatalf("4 failures after a success locked the account: %v", err)
	}
}
