"""Claims: one reviewer at a time per case, released automatically after a timeout.

The claim is taken with one conditional UPDATE, so two reviewers racing for the same case on any backend
cannot both win.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, update
from sqlalchemy.orm import Session

from referral_intake.audit import record
from referral_intake.errors import ReviewConflict
from referral_intake.review.tables import ReviewAction
from referral_intake.store.base import utcnow
from referral_intake.store.tables import Case


def held_by_other(case: Case, actor: str, now: datetime | None = None) -> bool:
    now = now or utcnow()
    return (
        case.assignee is not None
        and case.assignee != actor
        and case.claimed_until is not None
        and case.claimed_until > now
    )


def claim(
    session: Session,
    case: Case,
    actor: str,
    minutes: int,
    *,
    force: bool = False,
    client_addr: str | None = None,
) -> None:
    """Take (or extend) the claim on `case`; ReviewConflict if another reviewer holds it (unless forced)."""
    now = utcnow()
    until = now + timedelta(minutes=minutes)
    stmt = update(Case).where(Case.id == case.id)
    if not force:
        stmt = stmt.where(
            or_(
                Case.assignee.is_(None),
                Case.assignee == actor,
                Case.claimed_until.is_(None),
                Case.claimed_until <= now,
            )
        )
    previous = case.assignee
    res = session.execute(
        stmt.values(assignee=actor, claimed_until=until).execution_options(synchronize_session=False)
    )
    if res.rowcount != 1:  # type: ignore[attr-defined]
        session.refresh(case)
        raise ReviewConflict(
            f"case {case.id} is being reviewed by {case.assignee}; ask a supervisor to reassign it"
        )
    session.refresh(case)
    if previous != actor:
        detail = {"from": previous} if previous and force else None
        session.add(ReviewAction(case_id=case.id, actor=actor, at=now, kind="claim", detail=detail))
        record(
            session,
            actor,
            "claim",
            "case",
            case.id,
            client_addr=client_addr,
            reason="forced" if force else None,
        )


def release(
    session: Session, case: Case, actor: str, *, force: bool = False, client_addr: str | None = None
) -> None:
    """Give the case back to the queue; only its holder may, unless forced (a supervisor reassigning)."""
    if held_by_other(case, actor) and not force:
        raise ReviewConflict(f"case {case.id} is claimed by {case.assignee}, not by you")
    if case.assignee is None:
        return
    session.add(
        ReviewAction(
            case_id=case.id, actor=actor, at=utcnow(), kind="release", detail={"from": case.assignee}
        )
    )
    case.assignee = None
    case.claimed_until = None
    record(session, actor, "release", "case", case.id, client_addr=client_addr)


def assign(
    session: Session, case: Case, assignee: str, actor: str, minutes: int, *, client_addr: str | None = None
) -> None:
    """A supervisor hands the case to someone (their claim starts now)."""
    now = utcnow()
    session.add(
        ReviewAction(
            case_id=case.id,
            actor=actor,
            at=now,
            kind="assign",
            detail={"from": case.assignee, "to": assignee},
        )
    )
    case.assignee = assignee
    case.claimed_until = now + timedelta(minutes=minutes)
    record(session, actor, "assign", "case", case.id, client_addr=client_addr, reason=f"to {assignee}")
