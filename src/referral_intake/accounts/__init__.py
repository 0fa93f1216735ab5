"""Local users, roles and permissions, argon2id passwords, TOTP MFA, server-side sessions, API tokens."""
