"""Opening a case: the one place a `Case` row is born, with its first event and audit record.

A case opens when a document arrives (intake), when extraction finds a second referral in a packet
(runner), or when a reviewer moves pages to a new referral (review); all three go through here.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from referral_intake.audit import record
from referral_intake.cases.states import State
from referral_intake.store.base import utcnow
from referral_intake.store.tables import Case, CaseEvent


def open_case(
    session: Session,
    *,
    document_id: int,
    receipt_id: int | None,
    state: State,
    stage: str,
    actor: str,
    detail: dict[str, Any],
    reason: str,
    parent: Case | None = None,
    client_addr: str | None = None,
    **columns: Any,
) -> Case:
    """Add a case in `state` (its first event goes from nothing to that state) and audit its creation.

    `parent` makes it a part of a packet: it inherits the packet's sender, urgency and arrival time
    unless `columns` say otherwise.
    """
    now = utcnow()
    inherited: dict[str, Any] = {}
    if parent is not None:
        inherited = {
            "parent_case_id": parent.id,
            "sender": parent.sender,
            "urgency": parent.urgency,
            "created_at": parent.created_at,  # keeps its place in the queue: the packet's arrival
        }
    case = Case(
        document_id=document_id,
        receipt_id=receipt_id,
        state=str(state),
        state_changed_at=now,
        review_reasons=[],
        attempts=0,
        version=0,
        **{**inherited, **columns},
    )
    session.add(case)
    session.flush()
    session.add(
        CaseEvent(
            case_id=case.id,
            from_state=None,
            to_state=str(state),
            stage=stage,
            actor=actor,
            at=now,
            detail=detail,
        )
    )
    record(session, actor, "create", "case", case.id, client_addr=client_addr, reason=reason)
    return case
