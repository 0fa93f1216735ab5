"""Append to and verify the hash chain of `audit_event`.

Each row's hash is SHA-256 over the previous row's hash and the row's own canonical fields, so editing,
inserting or deleting any row breaks every later link. Appends are serialized (BEGIN IMMEDIATE on SQLite,
an advisory transaction lock on PostgreSQL, a locking read on MySQL) and `prev_hash` is unique, so the
chain can never fork.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from referral_intake.store.tables import AuditEvent

GENESIS = "0" * 64
_PG_LOCK_KEY = 7_351_902_114  # arbitrary constant: the audit chain's advisory lock


@dataclass(frozen=True, slots=True)
class AuditEntry:
    actor: str
    action: str  # create | read | update | export | login | login_failed | decide | admin | ...
    resource_type: str
    resource_id: str | None = None
    outcome: str = "success"
    client_addr: str | None = None
    reason: str | None = None


def _digest(prev_hash: str, at: datetime, e: AuditEntry) -> str:
    payload = json.dumps(
        [
            prev_hash,
            at.astimezone(UTC).isoformat(timespec="microseconds"),
            e.actor,
            e.action,
            e.resource_type,
            e.resource_id,
            e.outcome,
            e.client_addr,
            e.reason,
        ],
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def _lock_chain(session: Session) -> None:
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})


def _last_hash(session: Session) -> str:
    stmt = select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)
    if session.get_bind().dialect.name in ("mysql", "mariadb"):
        stmt = stmt.with_for_update()
    return session.execute(stmt).scalar_one_or_none() or GENESIS


def append(session: Session, entry: AuditEntry) -> AuditEvent:
    """Add one event to the chain inside the caller's transaction (committed with the change it records)."""
    _lock_chain(session)
    prev = _last_hash(session)
    at = datetime.now(UTC)
    row = AuditEvent(
        at=at,
        actor=entry.actor,
        action=entry.action,
        resource_type=entry.resource_type,
        resource_id=entry.resource_id,
        outcome=entry.outcome,
        client_addr=entry.client_addr,
        reason=entry.reason,
        prev_hash=prev,
        hash=_digest(prev, at, entry),
    )
    session.add(row)
    session.flush()
    return row


def record(
    session: Session,
    actor: str,
    action: str,
    resource_type: str,
    resource_id: str | int | None = None,
    *,
    outcome: str = "success",
    client_addr: str | None = None,
    reason: str | None = None,
) -> AuditEvent:
    """Shorthand for `append` with keyword arguments."""
    rid = None if resource_id is None else str(resource_id)
    return append(session, AuditEntry(actor, action, resource_type, rid, outcome, client_addr, reason))


@dataclass(frozen=True, slots=True)
class VerifyResult:
    ok: bool
    checked: int
    broken_at: int | None = None  # id of the first row whose link does not verify
    problem: str | None = None


def verify(session: Session, batch: int = 5000) -> VerifyResult:
    """Walk the whole chain in id order; report the first row whose link or content does not verify."""
    prev = GENESIS
    checked = 0
    last_id = 0
    while True:
        rows = (
            session.execute(
                select(AuditEvent).where(AuditEvent.id > last_id).order_by(AuditEvent.id).limit(batch)
            )
            .scalars()
            .all()
        )
        if not rows:
            return VerifyResult(ok=True, checked=checked)
        for row in rows:
            entry = AuditEntry(
                row.actor,
                row.action,
                row.resource_type,
                row.resource_id,
                row.outcome,
                row.client_addr,
                row.reason,
            )
            if row.prev_hash != prev:
                return VerifyResult(
                    False, checked, row.id, "prev_hash does not match the previous row's hash"
                )
            if _digest(prev, row.at, entry) != row.hash:
                return VerifyResult(False, checked, row.id, "row content does not match its hash (edited)")
            prev = row.hash
            checked += 1
            last_id = row.id
        session.expunge_all()
