CREATE TABLE login_failures (
    user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_failures_user_at_idx ON login_failures (user_id, at);

ALTER TABLE users
    DROP COLUMN login_attempts,
    DROP COLUMN login_attempts_since;
