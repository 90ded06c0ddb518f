-- Lockout counts attempts atomically before the password is verified: one
-- UPDATE increments the counter of the account and returns it, so however many
-- guesses arrive at once, at most MaxLoginFailures are ever verified per
-- account and window. The window starts at the first attempt and lasts
-- LockoutWindow; a successful login resets it.
ALTER TABLE users
    ADD COLUMN login_attempts       integer NOT NULL DEFAULT 0,
    ADD COLUMN login_attempts_since timestamptz;

DROP TABLE login_failures;
