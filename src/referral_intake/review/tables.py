"""Review tables: comments on a case, and every review action (claim, edit, confirm, match, split)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from referral_intake.store.base import Base, JsonType, UtcDateTime, utcnow
from referral_intake.store.tables import BigId


class CaseComment(Base):
    __tablename__ = "case_comment"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    author: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    body: Mapped[str] = mapped_column(Text)


class ReviewAction(Base):
    """One thing a reviewer did to a case that is not a state change (those are CaseEvent rows)."""

    __tablename__ = "review_action"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    actor: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    kind: Mapped[str] = mapped_column(String(20))  # claim | release | edit | confirm | match | split
    detail: Mapped[dict[str, Any] | None] = mapped_column(JsonType)
