"""Receive one inbound document: store the bytes first, then open a case, in one transaction.

The same bytes received twice are one document with two receipts and one case: a re-sent fax is
recognized as the same referral, never a second chart or a second case.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from referral_intake.audit import record
from referral_intake.cases.opening import open_case
from referral_intake.cases.states import State
from referral_intake.store.engine import Store
from referral_intake.store.tables import Case, CaseEvent
from referral_intake.vault import Vault


@dataclass(frozen=True, slots=True)
class Received:
    case_id: int
    document_id: int
    receipt_id: int
    is_new: bool  # False: the same bytes had arrived before; no new case was opened


def receive(
    store: Store,
    vault: Vault,
    data: bytes,
    *,
    channel: str,
    filename: str | None = None,
    sender: str | None = None,
    media_type: str | None = None,
    meta: dict[str, Any] | None = None,
    actor: str = "system",
) -> Received:
    with store.begin() as session:
        stored = vault.put(
            session, data, channel=channel, sender=sender, filename=filename, media_type=media_type, meta=meta
        )
        record(session, actor, "create", "document", stored.document.id, reason=f"received via {channel}")
        if not stored.is_new:
            first = session.execute(
                select(Case)
                .where(Case.document_id == stored.document.id, Case.parent_case_id.is_(None))
                .order_by(Case.id)
                .limit(1)
            ).scalar_one_or_none()
            if first is not None:
                session.add(
                    CaseEvent(
                        case_id=first.id,
                        from_state=first.state,
                        to_state=first.state,
                        stage="receive",
                        actor=actor,
                        detail={"receipt_id": stored.receipt.id, "note": "same document received again"},
                    )
                )
                return Received(first.id, stored.document.id, stored.receipt.id, False)
        case = open_case(
            session,
            document_id=stored.document.id,
            receipt_id=stored.receipt.id,
            state=State.RECEIVED,
            stage="receive",
            actor=actor,
            detail={"channel": channel, "receipt_id": stored.receipt.id, "size": len(data)},
            reason=f"case opened from document {stored.document.id}",
            sender=sender,
        )
        return Received(case.id, stored.document.id, stored.receipt.id, True)
