"""Deliver due outbox rows to their EHR connectors: lease, export, then mark sent or schedule a retry.

At-least-once delivery here plus an idempotent receiver there gives exactly once: a worker killed after
the EHR committed but before the row was marked leaves the row leased; when the lease expires another
worker sends it again with the same idempotency key and the connector reports a duplicate, writing nothing.
"""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import structlog
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from referral_intake.audit import record
from referral_intake.cases.states import State, can_move, transition
from referral_intake.contract import Extraction
from referral_intake.ehr.protocol import EhrWriter, ExportRequest, ExportResult
from referral_intake.errors import EhrRejected, IntakeError
from referral_intake.settings import Settings
from referral_intake.store.engine import Store
from referral_intake.store.tables import Case, Document, Outbox
from referral_intake.vault import Vault

log = structlog.get_logger(__name__)

PENDING, SENT, FAILED = "pending", "sent", "failed"


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Backoff doubles from `backoff_seconds` up to `backoff_max_seconds`; `max_attempts` then fails."""

    max_attempts: int = 10
    backoff_seconds: float = 30.0
    backoff_max_seconds: float = 3600.0
    lease_seconds: float = 300.0

    @classmethod
    def from_settings(cls, settings: Settings) -> RetryPolicy:
        e = settings.ehr
        return cls(
            e.export_max_attempts,
            e.export_backoff_seconds,
            e.export_backoff_max_seconds,
            e.export_lease_seconds,
        )

    def delay(self, attempts: int) -> timedelta:
        return timedelta(
            seconds=min(self.backoff_seconds * 2 ** max(attempts - 1, 0), self.backoff_max_seconds)
        )


RequestBuilder = Callable[[Session, Case, Outbox, Vault], ExportRequest]


def default_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


def build_request(session: Session, case: Case, row: Outbox, vault: Vault) -> ExportRequest:
    """The export of one case: its (reviewed) extraction, the linked chart if any, and the original bytes.

    `case.match["patient_ids"][connector]` wins over `case.patient_ref` when matching ran against several
    EHRs (each has its own chart ids).
    """
    if case.extraction is None:
        raise EhrRejected(f"case {case.id} has no extraction to export", permanent=True)
    extraction = Extraction.model_validate(case.extraction)
    if not extraction.referrals:
        raise EhrRejected(f"case {case.id} has no referral to export", permanent=True)
    per_connector = (case.match or {}).get("patient_ids") or {}
    patient_id = per_connector.get(row.connector) or case.patient_ref
    document = session.get(Document, case.document_id)
    original = vault.get(document) if document is not None else None
    if document is not None:
        record(
            session,
            f"worker:{row.lease_owner}",
            "read",
            "document",
            document.id,
            reason=f"export {row.connector}",
        )
    return ExportRequest(
        case_id=case.id,
        referral=extraction.referrals[0],
        document=extraction,
        patient_id=str(patient_id) if patient_id else None,
        original=original,
        original_media_type=document.media_type if document is not None else None,
    )


def _lease(
    store: Store, names: list[str], worker: str, now: datetime, policy: RetryPolicy, limit: int
) -> list[int]:
    """Claim up to `limit` due rows by compare-and-set; rows another worker holds are skipped."""
    free = or_(Outbox.lease_owner.is_(None), Outbox.lease_expires_at < now)
    due = (Outbox.state == PENDING) & (Outbox.next_attempt_at <= now) & Outbox.connector.in_(names) & free
    with store.read() as session:
        ids = list(
            session.execute(
                select(Outbox.id).where(due).order_by(Outbox.next_attempt_at).limit(limit)
            ).scalars()
        )
    leased = []
    for row_id in ids:
        with store.begin() as session:
            res = session.execute(
                update(Outbox)
                .where((Outbox.id == row_id) & due)
                .values(
                    lease_owner=worker,
                    lease_expires_at=now + timedelta(seconds=policy.lease_seconds),
                    attempts=Outbox.attempts + 1,
                )
                .execution_options(synchronize_session=False)
            )
            if res.rowcount == 1:  # type: ignore[attr-defined]
                leased.append(row_id)
    return leased


def deliver_due(
    store: Store,
    connectors: Mapping[str, EhrWriter],
    vault: Vault,
    now: datetime | None = None,
    worker_id: str | None = None,
    policy: RetryPolicy | None = None,
    limit: int = 20,
    build: RequestBuilder = build_request,
) -> int:
    """Send every due export of the given connectors once; return how many were delivered now."""
    policy = policy or RetryPolicy()
    worker = worker_id or default_worker_id()
    now = now or datetime.now(UTC)
    sent = 0
    for row_id in _lease(store, list(connectors), worker, now, policy, limit):
        if _deliver_one(store, connectors, vault, row_id, worker, now, policy, build):
            sent += 1
    return sent


def _deliver_one(
    store: Store,
    connectors: Mapping[str, EhrWriter],
    vault: Vault,
    row_id: int,
    worker: str,
    now: datetime,
    policy: RetryPolicy,
    build: RequestBuilder,
) -> bool:
    error: Exception | None = None
    result: ExportResult | None = None
    request: ExportRequest | None = None
    with store.begin() as session:
        row = session.get(Outbox, row_id)
        assert row is not None
        case = session.get(Case, row.case_id)
        assert case is not None
        connector = connectors[row.connector]
        key, attempts, name, case_id = row.idempotency_key, row.attempts, row.connector, row.case_id
        try:
            request = build(session, case, row, vault)
        except Exception as exc:
            error = exc
    if request is not None:
        try:
            # Outside any transaction of ours: the EHR call may take long and must not hold our locks.
            result = connector.export(request, key)
        except Exception as exc:
            error = exc
    if result is not None:
        _mark_sent(store, row_id, case_id, name, worker, now, result)
        return True
    assert error is not None
    _mark_failed(store, row_id, case_id, name, worker, now, attempts, policy, error)
    return False


def _mark_sent(
    store: Store, row_id: int, case_id: int, name: str, worker: str, now: datetime, result: ExportResult
) -> None:
    actor = f"worker:{worker}"
    with store.begin() as session:
        row = session.get(Outbox, row_id)
        assert row is not None
        row.state, row.sent_at, row.last_error = SENT, now, None
        row.lease_owner, row.lease_expires_at = None, None
        row.result = {
            "patient_id": result.patient_id,
            "referral_id": result.referral_id,
            "duplicate": result.duplicate,
            "detail": _jsonable(result.detail),
        }
        record(
            session,
            actor,
            "export",
            "outbox",
            row_id,
            reason=f"case {case_id} to {name}"
            + (" (already there: nothing written)" if result.duplicate else ""),
        )
        session.flush()
        pending = session.execute(
            select(Outbox.id).where((Outbox.case_id == case_id) & (Outbox.state != SENT))
        ).first()
        case = session.get(Case, case_id)
        assert case is not None
        if pending is None and can_move(case.state, State.EXPORTED):
            rows = session.execute(select(Outbox).where(Outbox.case_id == case_id)).scalars().all()
            detail = {r.connector: (r.result or {}).get("referral_id") for r in rows}
            transition(
                session, case, State.EXPORTED, actor=actor, stage="export", detail={"referral_ids": detail}
            )
            case.error = None
            record(
                session, actor, "export", "case", case_id, reason=f"exported to {', '.join(sorted(detail))}"
            )
    log.info("ehr.export.sent", case_id=case_id, connector=name, duplicate=result.duplicate)


def _mark_failed(
    store: Store,
    row_id: int,
    case_id: int,
    name: str,
    worker: str,
    now: datetime,
    attempts: int,
    policy: RetryPolicy,
    error: Exception,
) -> None:
    # Our own errors carry PHI-free messages; anything else is reduced to its class name.
    message = str(error) if isinstance(error, IntakeError) else f"{type(error).__name__} (unexpected)"
    permanent = isinstance(error, EhrRejected) and error.permanent
    give_up = permanent or attempts >= policy.max_attempts
    actor = f"worker:{worker}"
    with store.begin() as session:
        row = session.get(Outbox, row_id)
        assert row is not None
        row.last_error = message[:2000]
        row.lease_owner, row.lease_expires_at = None, None
        if not give_up:
            row.next_attempt_at = now + policy.delay(attempts)
            log.warning("ehr.export.retry", case_id=case_id, connector=name, attempts=attempts, error=message)
            return
        row.state = FAILED
        record(session, actor, "export", "outbox", row_id, outcome="failure", reason=message[:500])
        case = session.get(Case, case_id)
        assert case is not None
        case.error = f"export to {name} failed after {attempts} attempt(s): {message}"[:2000]
        if can_move(case.state, State.FAILED):
            transition(session, case, State.FAILED, actor=actor, stage="export", detail={"connector": name})
    # The alert: an error-level event that log shipping and the metrics exporter turn into a page.
    log.error(
        "ehr.export.failed", alert=True, case_id=case_id, connector=name, attempts=attempts, error=message
    )


def retry_failed(session: Session, case: Case, actor: str) -> int:
    """Put a failed case's failed exports back in the queue (a person fixed the cause); returns how many."""
    rows = (
        session.execute(select(Outbox).where((Outbox.case_id == case.id) & (Outbox.state == FAILED)))
        .scalars()
        .all()
    )
    for row in rows:
        row.state, row.attempts, row.next_attempt_at, row.last_error = PENDING, 0, datetime.now(UTC), None
    if rows and can_move(case.state, State.APPROVED):
        transition(session, case, State.APPROVED, actor=actor, stage="export", reason="export retried")
    return len(rows)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


class Exporter:
    """The runner's `exporter()`: delivers due exports of the configured connectors with the settings'
    retry policy. Connectors are built lazily (registry.build_writers), so an EHR that is down when the
    service starts only delays its exports."""

    def __init__(self, settings: Settings, store: Store, vault: Vault, worker_id: str | None = None) -> None:
        from referral_intake.ehr.registry import build_writers

        self.store = store
        self.vault = vault
        self.worker_id = worker_id
        self.policy = RetryPolicy.from_settings(settings)
        self.writers = build_writers(settings, store)

    def __call__(self) -> int:
        return deliver_due(self.store, self.writers, self.vault, worker_id=self.worker_id, policy=self.policy)
