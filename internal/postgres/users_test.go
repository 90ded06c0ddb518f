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

// A burst of parallel guesses must not get more verifications than the
// lockout allows: the attempt is counted before the password is checked.
// Before the fix all 20 passwords of the burst were verified, and the right
// one logged in whatever its place in the burst.
func TestLockoutHoldsAgainstParallelGuesses(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	var verified atomic.Int32
	f.db.CheckPassword = func(pw, hash string) bool {
		verified.Add(1)
		time.Sleep(20 * time.Millisecond) // a slow hash widens the race window
		return password.Check(pw, hash)
	}
	const burst = 20
	var (
		wg       sync.WaitGroup
		start    = make(chan struct{})
		loggedIn atomic.Int32
	)
	for i := range burst {
		wg.Add(1)
		go func() {
			defer wg.Done()
			pw := "feil-passord"
			if i == burst-1 {
				pw = "et-langt-passord"
			}
			<-start
			if u, err := f.db.Authenticate(ctx, "cw-a@x.no", pw, ""); err == nil && u != nil {
				loggedIn.Add(1)
			} else if err != postgres.ErrLoginFailed {
				t.Errorf("attempt %d: %v", i, err)
			}
		}()
	}
	close(start)
	wg.Wait()
	t.Logf("burst of %d (19 wrong, 1 right): %d passwords verified, %d logged in", burst, verified.Load(), loggedIn.Load())
	if n := verified.Load(); n > postgres.MaxLoginFailures {
		t.Errorf("%d passwords verified in a burst of %d, want at most %d", n, burst, postgres.MaxLoginFailures)
	}
	var audited int
	f.db.Pool.QueryRow(ctx, `SELECT count(*) FROM audit_events WHERE action IN ('login', 'login_failed') AND entity_id = $1`, f.cwA.ID).Scan(&audited)
	if audited != burst {
		t.Errorf("%d attempts audited, want %d", audited, burst)
	}
	// Unless the right password was among the first five verified, the
	// account is now locked: the right password is refused.
	if loggedIn.Load() == 0 {
		if _, err := f.db.Authenticate(ctx, "cw-a@x.no", "et-langt-passord", ""); err != postgres.ErrLoginFailed {
			t.Errorf("right password after the burst: %v, want refused (locked)", err)
		}
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
