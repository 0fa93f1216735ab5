"""Server-side web sessions (idle timeout, absolute lifetime, CSRF token) and role-scoped API tokens."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from referral_intake.accounts import credentials
from referral_intake.accounts.roles import Role
from referral_intake.accounts.tables import ApiToken, User, WebSession
from referral_intake.audit import record
from referral_intake.errors import AccountError
from referral_intake.settings import WebSettings
from referral_intake.store.base import utcnow

_TOUCH_EVERY = timedelta(seconds=20)  # fewer writes: idle time is measured to this precision


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is asking: a signed-in person (with a session) or an integration (with a token)."""

    name: str
    role: str
    session_id: str | None = None
    csrf_token: str | None = None
    via_token: bool = False


def start_session(session: Session, user: User, cfg: WebSettings, client_addr: str | None) -> str:
    """Create a session row; returns the cookie value (only its hash is stored)."""
    token = credentials.new_token()
    now = utcnow()
    session.add(
        WebSession(
            id=credentials.token_hash(token),
            user_id=user.id,
            csrf_token=secrets.token_urlsafe(32),
            created_at=now,
            last_seen_at=now,
            expires_at=now + timedelta(hours=cfg.absolute_session_hours),
            client_addr=client_addr,
            revoked=False,
        )
    )
    return token


def resolve_session(session: Session, cookie: str, cfg: WebSettings) -> Principal | None:
    """The principal behind a cookie, or None when unknown, revoked, idle too long or past its lifetime."""
    row = session.get(WebSession, credentials.token_hash(cookie))
    if row is None or row.revoked:
        return None
    now = utcnow()
    if row.expires_at <= now or row.last_seen_at + timedelta(minutes=cfg.idle_timeout_minutes) <= now:
        row.revoked = True
        return None
    user = session.get(User, row.user_id)
    if user is None or user.disabled:
        return None
    if now - row.last_seen_at >= _TOUCH_EVERY:
        row.last_seen_at = now
    return Principal(user.username, user.role, row.id, row.csrf_token)


def end_session(session: Session, cookie: str) -> None:
    row = session.get(WebSession, credentials.token_hash(cookie))
    if row is not None:
        row.revoked = True


def revoke_user_sessions(session: Session, user_id: int) -> None:
    session.execute(update(WebSession).where(WebSession.user_id == user_id).values(revoked=True))


def create_token(
    session: Session, name: str, role: str, *, actor: str, days: int | None = 365
) -> tuple[ApiToken, str]:
    """A new API token for an integration; returns the row and the secret (shown once)."""
    try:
        r = Role(role)
    except ValueError as exc:
        raise AccountError(f"unknown role {role!r}") from exc
    if not name.strip():
        raise AccountError("an API token needs a name saying which integration uses it")
    secret = "ri_" + credentials.new_token()
    row = ApiToken(
        name=name.strip()[:100],
        token_hash=credentials.token_hash(secret),
        role=r.value,
        created_by=actor,
        expires_at=None if days is None else utcnow() + timedelta(days=days),
        revoked=False,
    )
    session.add(row)
    session.flush()
    record(session, actor, "admin", "api_token", row.id, reason=f"create role={r.value}")
    return row, secret


def revoke_token(session: Session, token_id: int, *, actor: str) -> None:
    row = session.get(ApiToken, token_id)
    if row is None:
        raise AccountError(f"no API token {token_id}")
    row.revoked = True
    record(session, actor, "admin", "api_token", token_id, reason="revoke")


def list_tokens(session: Session) -> list[ApiToken]:
    return list(session.execute(select(ApiToken).order_by(ApiToken.id)).scalars())


def resolve_token(session: Session, secret: str) -> Principal | None:
    row = session.execute(
        select(ApiToken).where(ApiToken.token_hash == credentials.token_hash(secret))
    ).scalar_one_or_none()
    now = utcnow()
    if row is None or row.revoked or (row.expires_at is not None and row.expires_at <= now):
        return None
    row.last_used_at = now
    return Principal(f"token:{row.name}", row.role, via_token=True)
