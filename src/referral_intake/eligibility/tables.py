"""Eligibility tables: admin overrides of the payer directory, and the raw 270/271 exchanges by hash."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from referral_intake.store.base import Base, JsonType, UtcDateTime, utcnow
from referral_intake.store.tables import BigId


class EligibilityPayer(Base):
    """A payer directory entry set by an admin; wins over the shipped payers.toml entry with the same id."""

    __tablename__ = "eligibility_payer"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    payer_id: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    aliases: Mapped[list[str]] = mapped_column(JsonType, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_by: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class EligibilityExchange(Base):
    """One 270 sent and the 271 received, addressed by the 271's SHA-256 (the result's `raw_271_ref`)."""

    __tablename__ = "eligibility_exchange"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    case_id: Mapped[int | None] = mapped_column(BigId, index=True)
    payer_id: Mapped[str | None] = mapped_column(String(80))
    control_number: Mapped[str | None] = mapped_column(String(9))
    request_270: Mapped[str | None] = mapped_column(Text)
    response_271: Mapped[str] = mapped_column(Text)
    meta: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
