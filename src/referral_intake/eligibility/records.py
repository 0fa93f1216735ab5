"""Store what an eligibility check exchanged with the payer, inside the caller's (pipeline's) transaction."""

from __future__ import annotations

from typing import Any

import structlog
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from referral_intake.audit import record
from referral_intake.contract import Referral
from referral_intake.eligibility.service import EligibilityResult, check_eligibility
from referral_intake.eligibility.tables import EligibilityExchange
from referral_intake.settings import Settings
from referral_intake.store.engine import Store

log = structlog.get_logger(__name__)


def record_check(
    session: Session, result: EligibilityResult, case_id: int | None, actor: str = "system"
) -> EligibilityExchange | None:
    """Keep the raw 270/271 (addressed by `result.raw_271_ref`) and audit the disclosure to the payer.

    Returns the stored exchange, or None when nothing was sent (offline, unknown payer, ...). Idempotent: the
    same 271 twice is one row.
    """
    resource = str(case_id) if case_id is not None else None
    if result.raw_270 is not None:
        # The 270 carries PHI to a payer: a disclosure, audited whether or not an answer came back.
        record(session, actor, "export", "case", resource, outcome="success",
               reason=f"eligibility 270 sent to payer {result.payer.payer_id}: {result.status}")  # fmt: skip
    if result.raw_271 is None or result.raw_271_ref is None:
        return None
    sha = result.raw_271_ref.removeprefix("sha256:")
    row = session.execute(
        select(EligibilityExchange).where(EligibilityExchange.sha256 == sha)
    ).scalar_one_or_none()
    if row is None:
        row = EligibilityExchange(
            sha256=sha,
            case_id=case_id,
            payer_id=result.payer.payer_id,
            control_number=result.control_number,
            request_270=result.raw_270,
            response_271=result.raw_271,
            meta={"status": result.status, "transport": result.transport},
        )
        session.add(row)
        session.flush()
    record(session, actor, "create", "eligibility_exchange", str(row.id), reason="raw 271 stored")
    return row


def load_exchange(session: Session, raw_271_ref: str, actor: str) -> EligibilityExchange | None:
    """The stored exchange for a result's `raw_271_ref` (a PHI read: audited)."""
    sha = raw_271_ref.removeprefix("sha256:")
    row = session.execute(
        select(EligibilityExchange).where(EligibilityExchange.sha256 == sha)
    ).scalar_one_or_none()
    if row is not None:
        record(session, actor, "read", "eligibility_exchange", str(row.id))
    return row


def check_and_record(
    referral: Referral, settings: Settings, store: Store, case_id: int | None = None
) -> dict[str, Any]:
    """check_eligibility, then keep the raw exchange and audit it in one transaction; returns the case JSON.

    Storage trouble never fails the check: the result is returned without its stored exchange.
    """
    result = check_eligibility(referral, settings)
    try:
        with store.begin() as session:
            record_check(session, result, case_id)
    except SQLAlchemyError as exc:
        log.warning("eligibility exchange not stored", error=type(exc).__name__)
    out: dict[str, Any] = result.model_dump(mode="json")
    return out
