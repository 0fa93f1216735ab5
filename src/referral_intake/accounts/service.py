"""User accounts: create, reset, disable, and sign-in with throttling, lockout and TOTP."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import structlog
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from referral_intake.accounts import credentials
from referral_intake.accounts.roles import Role
from referral_intake.accounts.tables import LoginAttempt, User
from referral_intake.audit import record
from referral_intake.errors import AccountError
from referral_intake.settings import WebSettings
from referral_intake.store.base import utcnow

log = structlog.get_logger(__name__)


def _role(role: str) -> Role:
    try:
        return Role(role)
    except ValueError as exc:
        known = ", ".join(r.value for r in Role)
        raise AccountError(f"unknown role {role!r}; use one of: {known}") from exc


def _check_password(password: str) -> None:
    if len(password) < credentials.MIN_PASSWORD:
        raise AccountError(f"password too short: use at least {credentials.MIN_PASSWORD} characters")


def get_user(session: Session, username: str) -> User | None:
    return session.execute(select(User).where(User.username == username)).scalar_one_or_none()


def find_user(session: Session, username: str) -> User | None:
    """The user with this name, or None (the name the demo seeding uses)."""
    return get_user(session, username)


def create_user(session: Session, username: str, role: str, password: str, *, actor: str = "system") -> str:
    """Add a user with a fresh TOTP secret; returns the otpauth:// enrolment URI (show it once)."""
    username = username.strip()
    if not username or len(username) > 100 or any(c.isspace() for c in username):
        raise AccountError("user name must be 1-100 characters without spaces")
    r = _role(role)
    _check_password(password)
    if get_user(session, username) is not None:
        raise AccountError(f"user {username!r} exists already; use `users reset` to change it")
    secret = credentials.new_totp_secret()
    user = User(
        username=username,
        role=r.value,
        password_hash=credentials.hash_password(password),
        totp_secret=secret,
        disabled=False,
        failed_logins=0,
    )
    session.add(user)
    session.flush()
    record(session, actor, "admin", "user", username, reason=f"create role={r.value}")
    return credentials.otpauth_uri(secret, username)


def reset_user(
    session: Session,
    username: str,
    password: str | None = None,
    *,
    role: str | None = None,
    new_totp: bool = True,
    actor: str = "system",
) -> str | None:
    """Set a new password and/or TOTP secret (and unlock, re-enable); returns the new URI if any."""
    user = get_user(session, username)
    if user is None:
        raise AccountError(f"no user {username!r}; list users with `referral-intake users list`")
    if password is not None:
        _check_password(password)
        user.password_hash = credentials.hash_password(password)
    if role is not None:
        user.role = _role(role).value
    user.failed_logins = 0
    user.locked_until = None
    user.disabled = False
    uri = None
    if new_totp:
        user.totp_secret = credentials.new_totp_secret()
        user.totp_last_step = None
        uri = credentials.otpauth_uri(user.totp_secret, username)
    from referral_intake.accounts.sessions import revoke_user_sessions

    revoke_user_sessions(session, user.id)
    record(session, actor, "admin", "user", username, reason="reset")
    return uri


def disable_user(session: Session, username: str, *, actor: str = "system") -> None:
    user = get_user(session, username)
    if user is None:
        raise AccountError(f"no user {username!r}; list users with `referral-intake users list`")
    user.disabled = True
    from referral_intake.accounts.sessions import revoke_user_sessions

    revoke_user_sessions(session, user.id)
    record(session, actor, "admin", "user", username, reason="disable")


def list_users(session: Session) -> list[User]:
    return list(session.execute(select(User).order_by(User.username)).scalars())


@dataclass(frozen=True, slots=True)
class LoginResult:
    user: User | None
    problem: str | None = None  # shown to the person: never says which of the three inputs was wrong
    throttled: bool = False


_GENERIC = "Sign-in failed: check the user name, password and authentication code."


def authenticate(
    session: Session,
    username: str,
    password: str,
    code: str,
    cfg: WebSettings,
    client_addr: str | None,
) -> LoginResult:
    """Check all three factors, count failures, lock after too many; every outcome is audited."""
    now = utcnow()
    window = now - timedelta(minutes=cfg.lockout_minutes)
    recent_failures = session.execute(
        select(func.count())
        .select_from(LoginAttempt)
        .where(LoginAttempt.client_addr == client_addr, LoginAttempt.ok.is_(False), LoginAttempt.at >= window)
    ).scalar_one()
    name = username.strip()[:100]
    if recent_failures >= cfg.address_failures_limit:
        record(
            session,
            name or "-",
            "login_failed",
            "session",
            None,
            outcome="throttled",
            client_addr=client_addr,
        )
        return LoginResult(None, "Too many failed sign-ins from this address; wait and try again.", True)

    user = get_user(session, name) if name else None
    ok_password = credentials.verify_password(user.password_hash if user else None, password)
    problem: str | None = None
    outcome = "success"
    if user is None or not ok_password:
        problem, outcome = _GENERIC, "bad_credentials"
    elif user.disabled:
        problem, outcome = _GENERIC, "disabled"
    elif user.locked_until is not None and user.locked_until > now:
        problem, outcome = (
            "This account is locked after repeated failures; try later or ask an admin.",
            "locked",
        )
    elif cfg.require_mfa or user.totp_secret:
        step = (
            credentials.totp_step(user.totp_secret, code, user.totp_last_step) if user.totp_secret else None
        )
        if step is None:
            problem, outcome = _GENERIC, "bad_code"
        else:
            user.totp_last_step = step

    session.add(LoginAttempt(at=now, client_addr=client_addr, username=name, ok=problem is None))
    if problem is not None:
        if user is not None and outcome in ("bad_credentials", "bad_code"):
            user.failed_logins = (user.failed_logins or 0) + 1
            if user.failed_logins >= cfg.max_failed_logins:
                user.locked_until = now + timedelta(minutes=cfg.lockout_minutes)
                outcome = "locked_now"
        record(
            session, name or "-", "login_failed", "session", None, outcome=outcome, client_addr=client_addr
        )
        log.info("login failed", outcome=outcome)
        return LoginResult(None, problem)
    assert user is not None
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    if credentials.needs_rehash(user.password_hash):
        user.password_hash = credentials.hash_password(password)
    record(session, user.username, "login", "session", None, client_addr=client_addr)
    return LoginResult(user)
