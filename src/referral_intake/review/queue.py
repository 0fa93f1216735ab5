"""The review queue: cases needing a person, STAT first then oldest, with filters, counts and SLA colour."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import String, case, cast, func, or_, select
from sqlalchemy.orm import Session

from referral_intake.cases.states import State
from referral_intake.review.fields import referral_of
from referral_intake.store.base import utcnow
from referral_intake.store.tables import Case

URGENCY_RANK = case((Case.urgency == "stat", 0), (Case.urgency == "urgent", 1), else_=2)


@dataclass(slots=True)
class QueueFilter:
    state: str | None = State.NEEDS_REVIEW.value  # None or "" = every state
    reason: str | None = None
    sender: str | None = None
    min_age_hours: float | None = None
    assignee: str | None = None  # a user name, "unassigned", or None for all
    limit: int = 100
    offset: int = 0


@dataclass(frozen=True, slots=True)
class QueueRow:
    id: int
    state: str
    urgency: str
    received_at: datetime
    age_hours: float
    sla: str  # ok | warn | late
    sender: str | None
    reasons: list[str]
    assignee: str | None
    patient: str  # display name (PHI: the page listing it is audited)


@dataclass(slots=True)
class QueuePage:
    rows: list[QueueRow]
    total: int
    by_state: dict[str, int] = field(default_factory=dict)
    by_urgency: dict[str, int] = field(default_factory=dict)


def _patient_name(extraction: dict[str, Any] | None) -> str:
    ref = referral_of(extraction)
    if not ref:
        return ""
    p = ref.get("patient") or {}
    parts = [str((p.get(k) or {}).get("value") or "") for k in ("last_name", "first_name")]
    return ", ".join(x for x in parts if x)


def sla_class(urgency: str, age_hours: float, sla_hours: dict[str, float]) -> str:
    limit = sla_hours.get(urgency) or sla_hours.get("routine") or 48.0
    if age_hours >= limit:
        return "late"
    return "warn" if age_hours >= limit / 2 else "ok"


def _where(f: QueueFilter, now: datetime) -> list[Any]:
    conds: list[Any] = []
    if f.state:
        conds.append(Case.state == f.state)
    if f.reason:
        # review_reasons is a JSON list; a text match on its serialized form works on every backend
        conds.append(cast(Case.review_reasons, String).like(f"%{f.reason}%"))
    if f.sender:
        conds.append(func.lower(Case.sender).like(f"%{f.sender.lower()}%"))
    if f.min_age_hours:
        conds.append(Case.created_at <= now - timedelta(hours=f.min_age_hours))
    if f.assignee == "unassigned":
        conds.append(or_(Case.assignee.is_(None), Case.claimed_until <= now))
    elif f.assignee:
        conds.append(Case.assignee == f.assignee)
    return conds


def load_queue(session: Session, f: QueueFilter, sla_hours: dict[str, float]) -> QueuePage:
    now = utcnow()
    conds = _where(f, now)
    cols = (
        Case.id,
        Case.state,
        Case.urgency,
        Case.created_at,
        Case.sender,
        Case.review_reasons,
        Case.assignee,
        Case.claimed_until,
        Case.extraction,
    )
    stmt = select(*cols).where(*conds).order_by(URGENCY_RANK, Case.created_at, Case.id)
    stmt = stmt.limit(max(1, min(f.limit, 500))).offset(max(0, f.offset))
    rows: list[QueueRow] = []
    for r in session.execute(stmt):
        urgency = r.urgency or "routine"
        age = (now - r.created_at).total_seconds() / 3600.0
        live_claim = r.assignee if (r.claimed_until is not None and r.claimed_until > now) else None
        rows.append(
            QueueRow(
                id=r.id,
                state=r.state,
                urgency=urgency,
                received_at=r.created_at,
                age_hours=age,
                sla=sla_class(urgency, age, sla_hours),
                sender=r.sender,
                reasons=list(r.review_reasons or []),
                assignee=live_claim,
                patient=_patient_name(r.extraction),
            )
        )
    total = session.execute(select(func.count()).select_from(Case).where(*conds)).scalar_one()
    by_state = dict(session.execute(select(Case.state, func.count()).group_by(Case.state)).all())
    by_urgency: dict[str, int] = {}
    for (
        urgency,
        n,
    ) in session.execute(  # NULL urgency counts as routine (merged here: GROUP BY stays portable)
        select(Case.urgency, func.count())
        .where(Case.state == State.NEEDS_REVIEW.value)
        .group_by(Case.urgency)
    ).all():
        key = urgency or "routine"
        by_urgency[key] = by_urgency.get(key, 0) + int(n)
    return QueuePage(rows, int(total), {k: int(v) for k, v in by_state.items()}, by_urgency)


def next_case_id(session: Session, after: int, actor: str) -> int | None:
    """The case a reviewer should open next: top of the queue, not this one, not claimed by someone else."""
    now = utcnow()
    free = or_(
        Case.assignee.is_(None),
        Case.assignee == actor,
        Case.claimed_until.is_(None),
        Case.claimed_until <= now,
    )
    stmt = (
        select(Case.id)
        .where(Case.state == State.NEEDS_REVIEW.value, Case.id != after, free)
        .order_by(URGENCY_RANK, Case.created_at, Case.id)
        .limit(1)
    )
    found: int | None = session.execute(stmt).scalar_one_or_none()
    return found
