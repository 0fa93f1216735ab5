"""The embedded runner: worker threads that claim cases from the database under a lease.

Claiming sets a lease (owner + expiry) in its own short transaction; the stage runs outside any
transaction; its result is committed only if the lease is still ours and the case has not moved
(a compare-and-set on state and lease owner, under a row lock on PostgreSQL). A worker killed mid-stage leaves a lease that expires, and another
worker then runs the stage again from the stored inputs: the output is committed exactly once.
"""

from __future__ import annotations

import os
import socket
import threading
import time
import traceback
import uuid
from datetime import timedelta
from typing import Any

import structlog
from sqlalchemy import or_, select, update

from referral_intake.cases.decisions import approve
from referral_intake.cases.deps import Deps
from referral_intake.cases.opening import open_case
from referral_intake.cases.stages import STAGES, CaseInput, StageOutput, Step
from referral_intake.cases.states import State, transition
from referral_intake.store.base import utcnow
from referral_intake.store.tables import Case, Document, Receipt

log = structlog.get_logger(__name__)
MAX_ATTEMPTS = 3  # a stage that kills its worker this often sends the case to a person


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class Worker:
    def __init__(self, deps: Deps, ident: str | None = None) -> None:
        self.deps = deps
        self.id = ident or worker_id()

    # -- claiming --------------------------------------------------------------------------------
    def claim(self) -> CaseInput | None:
        store, lease = self.deps.store, self.deps.settings.lease_seconds
        now = utcnow()
        with store.begin() as session:
            stmt = (
                select(Case)
                .where(Case.state.in_([str(s) for s in STAGES]))
                .where(or_(Case.lease_expires_at.is_(None), Case.lease_expires_at < now))
                .order_by(Case.id)
                .limit(1)
            )
            if store.dialect == "postgresql":
                stmt = stmt.with_for_update(skip_locked=True)
            case = session.execute(stmt).scalar_one_or_none()
            if case is None:
                return None
            case.lease_owner = self.id
            case.lease_expires_at = now + timedelta(seconds=lease)
            case.attempts = (case.attempts or 0) + 1
            if case.attempts > MAX_ATTEMPTS:
                self._give_up(session, case)
                return None
            doc = session.get(Document, case.document_id)
            assert doc is not None
            receipt = session.get(Receipt, case.receipt_id) if case.receipt_id else None
            needs_original = case.state == State.RECEIVED
            return CaseInput(
                id=case.id,
                state=case.state,
                document_id=case.document_id,
                filename=receipt.filename if receipt else None,
                original=self.deps.vault.get(doc) if needs_original else None,
                read_result=case.read_result,
                extraction=case.extraction,
                match=case.match,
                eligibility=case.eligibility,
                pages=list(case.pages) if case.pages else None,
            )

    def _give_up(self, session: Any, case: Case) -> None:
        stage = case.state
        transition(
            session,
            case,
            State.NEEDS_REVIEW,
            stage=stage,
            detail={"error": f"stage {stage} did not finish after {MAX_ATTEMPTS} attempts"},
        )
        case.error = (
            f"stage {stage} did not finish after {MAX_ATTEMPTS} attempts (worker crashed or timed out)"
        )
        case.review_reasons = [f"stage failed: {stage}"]
        case.lease_owner = None
        case.lease_expires_at = None
        case.attempts = 0

    # -- running ---------------------------------------------------------------------------------
    def run_once(self) -> bool:
        """Claim and advance one case by one stage. Returns False when there was nothing to do."""
        item = self.claim()
        if item is None:
            return False
        stage = STAGES[State(item.state)]
        stop = threading.Event()
        beat = threading.Thread(target=self._heartbeat, args=(item.id, stop), daemon=True)
        beat.start()
        try:
            output = stage(item, self.deps)
        except Exception as exc:
            # Never drop a case: the error goes on the case and a person looks at it. The message
            # carries the exception type and text of our own code, which never holds PHI.
            output = StageOutput(
                steps=[Step(State.NEEDS_REVIEW, stage.__name__, 0.0, {"error": type(exc).__name__})],
                updates={
                    "error": f"{stage.__name__} failed: {type(exc).__name__}: {exc}",
                    "review_reasons": [f"stage failed: {stage.__name__}"],
                },
            )
            log.error(
                "stage_failed",
                case_id=item.id,
                stage=stage.__name__,
                error=type(exc).__name__,
                where=traceback.extract_tb(exc.__traceback__)[-1].name,
            )
        finally:
            stop.set()
            beat.join()
        self.commit(item, output)
        return True

    def _heartbeat(self, case_id: int, stop: threading.Event) -> None:
        lease = self.deps.settings.lease_seconds
        while not stop.wait(max(lease / 3, 0.2)):
            with self.deps.store.begin() as session:
                session.execute(
                    update(Case)
                    .where(Case.id == case_id, Case.lease_owner == self.id)
                    .values(lease_expires_at=utcnow() + timedelta(seconds=lease))
                )

    def commit(self, item: CaseInput, output: StageOutput) -> bool:
        """Write the stage's output if the case is still ours; returns False if another worker won."""
        with self.deps.store.begin() as session:
            case = session.get(Case, item.id, with_for_update=self.deps.store.dialect != "sqlite")
            if case is None or case.state != item.state or case.lease_owner != self.id:
                log.warning("lease_lost", case_id=item.id, worker=self.id)
                return False
            for key, value in output.updates.items():
                setattr(case, key, value)
            for step in output.steps:
                event = transition(session, case, step.to_state, stage=step.stage, detail=step.detail)
                event.duration_ms = step.duration_ms
            if output.approve:
                approve(
                    session, case, self.deps.connectors, actor="system", reason="auto-approved by routing"
                )
            for child in output.children:
                self._add_child(session, case, child)
            case.lease_owner = None
            case.lease_expires_at = None
            case.attempts = 0
        return True

    @staticmethod
    def _add_child(session: Any, parent: Case, values: dict[str, Any]) -> None:
        open_case(
            session,
            document_id=parent.document_id,
            receipt_id=parent.receipt_id,
            state=State.EXTRACTED,
            stage="split",
            actor="system",
            detail={"parent_case_id": parent.id, "pages": values.get("pages")},
            reason=f"split from case {parent.id}",
            parent=parent,
            **values,
        )

    def run_until_idle(self, max_steps: int | None = None) -> int:
        steps = 0
        while (max_steps is None or steps < max_steps) and self.run_once():
            steps += 1
        return steps


class WorkerPool:
    """N worker threads that poll for cases (and due exports) until stopped."""

    def __init__(self, deps: Deps, size: int, poll_seconds: float = 1.0, exporter: Any = None) -> None:
        self.deps = deps
        self.size = size
        self.poll = poll_seconds
        self.exporter = exporter  # callable() -> int: delivers due outbox rows
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        for i in range(self.size):
            t = threading.Thread(target=self._loop, name=f"worker-{i}", daemon=True)
            t.start()
            self._threads.append(t)

    def _loop(self) -> None:
        worker = Worker(self.deps)
        while not self._stop.is_set():
            try:
                busy = worker.run_once()
                if self.exporter is not None:
                    busy = bool(self.exporter()) or busy
            except Exception as exc:  # the loop survives a database hiccup; the case stays leased
                log.error("worker_loop_error", error=type(exc).__name__)
                busy = False
            if not busy:
                self._stop.wait(self.poll)

    def stop(self, timeout: float = 30.0) -> None:
        self._stop.set()
        deadline = time.monotonic() + timeout
        for t in self._threads:
            t.join(max(0.0, deadline - time.monotonic()))
