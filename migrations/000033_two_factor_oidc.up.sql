-- Two-factor (TOTP) for local accounts and single sign-on (OpenID Connect).

-- A unit may require two-factor of every local account in it (admins and
-- leaders need it whatever the unit says: domain.CapRequire2FA).
ALTER TABLE units ADD COLUMN require_2fa boolean NOT NULL DEFAULT false;

ALTER TABLE users
    -- The TOTP secret (base32), set once the user confirmed a code; never shown again.
    ADD COLUMN totp_secret text,
    ADD COLUMN totp_enabled_at timestamptz,
    -- The last accepted time step: a code is only accepted for a later step (no replay).
    ADD COLUMN totp_last_step bigint,
    -- Single sign-on: the issuer and subject of the user's OpenID Connect identity.
    ADD COLUMN oidc_issuer text,
    ADD COLUMN oidc_subject text,
    ADD CONSTRAINT users_totp_check CHECK ((totp_secret IS NULL) = (totp_enabled_at IS NULL)),
    ADD CONSTRAINT users_oidc_check CHECK ((oidc_issuer IS NULL) = (oidc_subject IS NULL));
CREATE UNIQUE INDEX users_oidc_key ON users (oidc_issuer, oidc_subject) WHERE oidc_subject IS NOT NULL;

-- One-time recovery codes, stored as SHA-256 of the code (the codes are
-- random, 50 bits each); used_at marks a code spent.
CREATE TABLE user_recovery_codes (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id    bigint NOT NULL REFERENCES users (id),
    code_hash  bytea NOT NULL,
    used_at    timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (user_id, code_hash)
);
