DROP TABLE IF EXISTS user_recovery_codes;
DROP INDEX IF EXISTS users_oidc_key;
ALTER TABLE users
    DROP CONSTRAINT IF EXISTS users_oidc_check,
    DROP CONSTRAINT IF EXISTS users_totp_check,
    DROP COLUMN IF EXISTS oidc_subject,
    DROP COLUMN IF EXISTS oidc_issuer,
    DROP COLUMN IF EXISTS totp_last_step,
    DROP COLUMN IF EXISTS totp_enabled_at,
    DROP COLUMN IF EXISTS totp_secret;
ALTER TABLE units DROP COLUMN IF EXISTS require_2fa;
