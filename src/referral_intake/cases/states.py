"""The case state machine: the only edges a case may travel, and the one function that moves it.

received -> read -> extracted -> matched -> verified -> needs_review | approved -> exported
any working state -> needs_review (a stage failed: the error is kept, a person looks)
needs_review -> approved | rejected | duplicate      approved -> exported | needs_review
any state -> quarantined (hostile input), failed (export gave up; shown on the case)
"""

from __future__ import annotations

import time
from enum import StrEnum
from typing import Any

from sqlalchemy.orm import Session

from referral_intake.audit import record
from referral_intake.errors import InvalidTransition
from referral_intake.store.base import utcnow
from referral_intake.store.tables import Case, CaseEvent


class State(StrEnum):
    RECEIVED = "received"
    READ = "read"
    EXTRACTED = "extracted"
    MATCHED = "matched"
    VERIFIED = "verified"
    NEEDS_REVIEW = "needs_review"
    APPROVED = "approved"
    EXPORTED = "exported"
    REJECTED = "rejected"
    DUPLICATE = "duplicate"
    FAILED = "failed"
    QUARANTINED = "quarantined"


WORKING = (State.RECEIVED, State.READ, State.EXTRACTED, State.MATCHED, State.VERIFIED)
TERMINAL = (State.EXPORTED, State.REJECTED, State.DUPLICATE)

EDGES: dict[State, frozenset[State]] = {
    State.RECEIVED: frozenset({State.READ}),
    State.READ: frozenset({State.EXTRACTED}),
    State.EXTRACTED: frozenset({State.MATCHED}),
    State.MATCHED: frozenset({State.VERIFIED}),
    State.VERIFIED: frozenset({State.NEEDS_REVIEW, State.APPROVED}),
    State.NEEDS_REVIEW: frozenset({State.APPROVED, State.REJECTED, State.DUPLICATE}),
    State.APPROVED: frozenset({State.EXPORTED, State.NEEDS_REVIEW, State.FAILED}),
    State.FAILED: frozenset({State.APPROVED, State.NEEDS_REVIEW}),
    State.EXPORTED: frozenset(),
    State.REJECTED: frozenset({State.NEEDS_REVIEW}),
    State.DUPLICATE: frozenset({State.NEEDS_REVIEW}),
    State.QUARANTINED: frozenset({State.NEEDS_REVIEW}),
}
for _s in WORKING:
    EDGES[_s] = EDGES[_s] | {State.NEEDS_REVIEW, State.QUARANTINED, State.DUPLICATE}


def can_move(src: str, dst: str) -> bool:
    return State(dst) in EDGES[State(src)]


def transition(
    session: Session,
    case: Case,
    to_state: State,
    *,
    actor: str = "system",
    stage: str | None = None,
    detail: dict[str, Any] | None = None,
    started: float | None = None,
    client_addr: str | None = None,
    reason: str | None = None,
) -> CaseEvent:
    """Move `case` to `to_state` in the caller's transaction: the event, the audit row, the new state.

    `started` is a `time.perf_counter()` value from when the stage began; its duration is recorded.
    """
    if not can_move(case.state, to_state):
        raise InvalidTransition(f"case {case.id}: no edge {case.state} -> {to_state}")
    duration = None if started is None else (time.perf_counter() - started) * 1000.0
    event = CaseEvent(
        case_id=case.id,
        from_state=case.state,
        to_state=str(to_state),
        stage=stage,
        actor=actor,
        at=utcnow(),
        duration_ms=duration,
        detail=detail,
    )
    case.state = str(to_state)
    case.state_changed_at = event.at
    case.version = (case.version or 0) + 1
    session.add(event)
    record(
        session,
        actor,
        "update",
        "case",
        case.id,
        client_addr=client_addr,
        reason=reason or f"state {event.from_state} -> {event.to_state}",
    )
    return event
