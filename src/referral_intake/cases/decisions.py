"""What people (or the router) decide about a case: approve (and queue the export), reject, duplicate.

Approval writes one outbox row per active EHR connector in the same transaction as the state change, so
an approved case always has its exports queued and a crash can never lose or double them.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from referral_intake.cases.states import State, transition
from referral_intake.store.tables import Case, Outbox


def idempotency_key(case_id: int, connector: str) -> str:
    return f"referral-intake:case:{case_id}:{connector}"


def approve(
    session: Session,
    case: Case,
    connectors: list[str],
    *,
    actor: str,
    client_addr: str | None = None,
    reason: str | None = None,
) -> None:
    """Approve a case and queue its exports. `connectors` are the names of the active EHR writers."""
    transition(
        session, case, State.APPROVED, actor=actor, stage="approve", client_addr=client_addr, reason=reason
    )
    case.assignee = None
    case.claimed_until = None
    for name in connectors:
        key = idempotency_key(case.id, name)
        if session.query(Outbox).filter_by(idempotency_key=key).first() is None:
            session.add(Outbox(case_id=case.id, connector=name, idempotency_key=key))


def reject(session: Session, case: Case, reason: str, *, actor: str, client_addr: str | None = None) -> None:
    """Reject or return to sender; the reason is required and recorded on the case's history."""
    if not reason.strip():
        raise ValueError("a rejection needs a reason")
    transition(
        session,
        case,
        State.REJECTED,
        actor=actor,
        stage="reject",
        detail={"reason": reason},
        client_addr=client_addr,
        reason="rejected",
    )
    case.assignee = None
    case.claimed_until = None


def mark_duplicate(
    session: Session, case: Case, of_case_id: int, *, actor: str, client_addr: str | None = None
) -> None:
    transition(
        session,
        case,
        State.DUPLICATE,
        actor=actor,
        stage="duplicate",
        detail={"duplicate_of": of_case_id},
        client_addr=client_addr,
    )
    case.assignee = None
    case.claimed_until = None
