"""The core tables: documents and receipts, cases and their transitions, outbox, audit.

Stage-specific tables live beside their stage (accounts/tables.py, matching/tables.py, ...) on the same
metadata; `all_tables()` imports them all so migrations and tests see the whole schema.
"""

from __future__ import annotations

import importlib
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from referral_intake.store.base import Base, JsonType, UtcDateTime, utcnow

# Modules that add tables to Base.metadata. A stage with tables adds its module here.
TABLE_MODULES = (
    "referral_intake.store.tables",
    "referral_intake.accounts.tables",
    "referral_intake.review.tables",
    "referral_intake.eligibility.tables",
    "referral_intake.matching.tables",
)

BigId = BigInteger().with_variant(Integer(), "sqlite")


class Document(Base):
    """One stored original, content-addressed: identical bytes are one row."""

    __tablename__ = "document"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    size: Mapped[int] = mapped_column(BigInteger)
    media_type: Mapped[str | None] = mapped_column(String(100))
    wrapped_key: Mapped[bytes] = mapped_column(LargeBinary)
    key_id: Mapped[str] = mapped_column(String(200))
    blob_name: Mapped[str] = mapped_column(
        String(120)
    )  # a fresh name per stored copy: racing writers never clash
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Receipt(Base):
    """Each time a document arrived: the same bytes twice are one document and two receipts."""

    __tablename__ = "receipt"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"), index=True)
    channel: Mapped[str] = mapped_column(String(40))
    sender: Mapped[str | None] = mapped_column(String(200))
    filename: Mapped[str | None] = mapped_column(String(500))
    received_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)
    meta: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict)


class Case(Base):
    """One referral travelling through the pipeline. `state` is the single source of truth."""

    __tablename__ = "case"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"), index=True)
    receipt_id: Mapped[int | None] = mapped_column(ForeignKey("receipt.id"))
    parent_case_id: Mapped[int | None] = mapped_column(ForeignKey("case.id"))
    pages: Mapped[list[int] | None] = mapped_column(JsonType)
    state: Mapped[str] = mapped_column(String(20), index=True)
    state_changed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)
    urgency: Mapped[str | None] = mapped_column(String(10))
    sender: Mapped[str | None] = mapped_column(String(200))
    review_reasons: Mapped[list[str]] = mapped_column(JsonType, default=list)
    error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_owner: Mapped[str | None] = mapped_column(String(100))
    lease_expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    assignee: Mapped[str | None] = mapped_column(String(100))
    claimed_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    read_result: Mapped[dict[str, Any] | None] = mapped_column(JsonType)
    extraction: Mapped[dict[str, Any] | None] = mapped_column(JsonType)
    match: Mapped[dict[str, Any] | None] = mapped_column(JsonType)
    eligibility: Mapped[dict[str, Any] | None] = mapped_column(JsonType)
    patient_ref: Mapped[str | None] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (Index("ix_case_state_lease", "state", "lease_expires_at"),)


class CaseEvent(Base):
    """One state transition of a case, with its duration and the stage's output."""

    __tablename__ = "case_event"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    from_state: Mapped[str | None] = mapped_column(String(20))
    to_state: Mapped[str] = mapped_column(String(20))
    stage: Mapped[str | None] = mapped_column(String(40))
    actor: Mapped[str] = mapped_column(String(100), default="system")
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    duration_ms: Mapped[float | None] = mapped_column()
    detail: Mapped[dict[str, Any] | None] = mapped_column(JsonType)


class Outbox(Base):
    """An export to an EHR connector, written in the same transaction as the approval."""

    __tablename__ = "outbox"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    connector: Mapped[str] = mapped_column(String(100))
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    state: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    result: Mapped[dict[str, Any] | None] = mapped_column(JsonType)
    lease_owner: Mapped[str | None] = mapped_column(String(100))
    lease_expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class AuditEvent(Base):
    """Append-only, hash-chained record of every touch of PHI. Triggers refuse UPDATE and DELETE."""

    __tablename__ = "audit_event"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(100), index=True)
    action: Mapped[str] = mapped_column(String(40), index=True)
    resource_type: Mapped[str] = mapped_column(String(40))
    resource_id: Mapped[str | None] = mapped_column(String(100))
    outcome: Mapped[str] = mapped_column(String(20))
    client_addr: Mapped[str | None] = mapped_column(String(100))
    reason: Mapped[str | None] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)  # a fork of the chain cannot commit
    hash: Mapped[str] = mapped_column(String(64), unique=True)


def all_tables() -> Any:
    """Import every table module and return the complete metadata."""
    for name in TABLE_MODULES:
        importlib.import_module(name)
    return Base.metadata
