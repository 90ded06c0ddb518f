-- User administration (issue 13, part 1).

-- Optimistic locking of a user's role and unit.
ALTER TABLE users ADD COLUMN version integer NOT NULL DEFAULT 0;

-- The scs sessions of a user: one row per session token (its hash, the key
-- of the sessions table), registered on the session's first request after
-- login and touched at most once a minute. Ending a session deletes its
-- sessions row and marks this one ended, so a request in flight that writes
-- the session back cannot bring it to life again.
CREATE TABLE user_sessions (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    token_hash   text NOT NULL UNIQUE,
    user_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    started_at   timestamptz NOT NULL,
    last_seen_at timestamptz NOT NULL,
    ended_at     timestamptz,
    user_agent   text NOT NULL DEFAULT '' CHECK (char_length(user_agent) <= 512),
    ip           text NOT NULL DEFAULT '' CHECK (char_length(ip) <= 64)
);
CREATE INDEX user_sessions_user_idx ON user_sessions (user_id, started_at);

-- One-time links: set a password (24 hours, for a user) and the first
-- administrator's setup (no user). Only a SHA-256 of the token is stored.
CREATE TABLE password_tokens (
    token_hash bytea PRIMARY KEY,
    purpose    text NOT NULL CHECK (purpose IN ('set_password', 'setup')),
    user_id    bigint REFERENCES users (id) ON DELETE CASCADE,
    created_by bigint REFERENCES users (id) ON DELETE SET NULL,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    used_at    timestamptz,
    CHECK ((purpose = 'setup') = (user_id IS NULL))
);
CREATE INDEX password_tokens_user_idx ON password_tokens (user_id) WHERE user_id IS NOT NULL;
