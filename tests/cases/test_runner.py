"""The pipeline: stored first, every transition recorded, failures to review, crash-safe leases."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from pipeline_fakes import fake_deps
from sqlalchemy import func, select

from referral_intake.cases.intake import receive
from referral_intake.cases.runner import Worker
from referral_intake.cases.states import State
from referral_intake.settings import Settings
from referral_intake.store.engine import Store
from referral_intake.store.tables import AuditEvent, Case, CaseEvent, Document, Outbox

GOOD = b"PATIENT Alfa Testperson 1970-01-02 referral for knee pain"


def _events(store: Store, case_id: int) -> list[tuple[str | None, str]]:
    with store.read() as s:
        rows = s.execute(
            select(CaseEvent.from_state, CaseEvent.to_state)
            .where(CaseEvent.case_id == case_id)
            .order_by(CaseEvent.id)
        ).all()
    return [(a, b) for a, b in rows]


def test_document_is_stored_before_any_stage_runs(store: Store, settings: Settings) -> None:
    deps = fake_deps(settings, store)
    got = receive(store, deps.vault, GOOD, channel="folder", filename="r.txt")
    with store.read() as s:
        case = s.get(Case, got.case_id)
        doc = s.get(Document, got.document_id)
        assert case is not None and doc is not None
        assert case.state == State.RECEIVED and case.read_result is None
    assert deps.vault.get(doc) == GOOD


def test_case_walks_every_state_and_is_approved_with_outbox(store: Store, settings: Settings) -> None:
    deps = fake_deps(settings, store)
    got = receive(store, deps.vault, GOOD, channel="folder")
    Worker(deps).run_until_idle()
    with store.read() as s:
        case = s.get(Case, got.case_id)
        assert case is not None
        outbox = s.execute(select(Outbox).where(Outbox.case_id == got.case_id)).scalars().all()
        audits = s.execute(select(func.count()).select_from(AuditEvent)).scalar_one()
    # no insurance on this referral, so routing sends it to a person with that reason
    assert case.state == State.NEEDS_REVIEW
    assert "no insurance on the referral" in case.review_reasons
    assert _events(store, got.case_id) == [
        (None, "received"),
        ("received", "read"),
        ("read", "extracted"),
        ("extracted", "matched"),
        ("matched", "verified"),
        ("verified", "needs_review"),
    ]
    assert outbox == []
    assert audits >= 6


def test_same_bytes_twice_open_one_case(store: Store, settings: Settings) -> None:
    deps = fake_deps(settings, store)
    a = receive(store, deps.vault, GOOD, channel="folder")
    b = receive(store, deps.vault, GOOD, channel="imap")
    assert a.case_id == b.case_id and not b.is_new
    with store.read() as s:
        assert s.execute(select(func.count()).select_from(Case)).scalar_one() == 1


def test_packet_with_two_referrals_becomes_two_cases(store: Store, settings: Settings) -> None:
    deps = fake_deps(settings, store)
    packet = GOOD + b"\fPATIENT Bravo Exampleton 1981-03-04 chest pain"
    got = receive(store, deps.vault, packet, channel="folder")
    Worker(deps).run_until_idle()
    with store.read() as s:
        cases = s.execute(select(Case).order_by(Case.id)).scalars().all()
    assert [c.pages for c in cases] == [[1], [2]]
    assert cases[1].parent_case_id == got.case_id
    assert cases[1].extraction is not None
    assert cases[1].extraction["referrals"][0]["patient"]["first_name"]["value"] == "Bravo"
    assert all(c.state == State.NEEDS_REVIEW for c in cases)


def test_stage_exception_sends_case_to_review_with_error(store: Store, settings: Settings) -> None:
    deps = fake_deps(settings, store)
    got = receive(store, deps.vault, b"BOOM this document breaks the reader", channel="folder")
    Worker(deps).run_until_idle()
    with store.read() as s:
        case = s.get(Case, got.case_id)
    assert case is not None
    assert case.state == State.NEEDS_REVIEW
    assert case.error is not None and "RuntimeError" in case.error
    assert case.review_reasons == ["stage failed: read_stage"]


def test_killed_worker_case_is_finished_once_by_another(store: Store, settings: Settings) -> None:
    deps = fake_deps(settings, store)
    got = receive(store, deps.vault, GOOD, channel="folder")
    signal_file = settings.data_dir / "reading.signal"
    env = {**os.environ, "RI_TEST_READ_SIGNAL": str(signal_file)}
    child = subprocess.Popen(
        [
            sys.executable,
            str(Path(__file__).parent / "kill_child.py"),
            str(settings.data_dir),
            settings.effective_database_url,
        ],
        env=env,
    )
    try:
        deadline = time.monotonic() + 60
        while not signal_file.exists():
            assert child.poll() is None, "child worker exited before reaching the stage"
            assert time.monotonic() < deadline, "child worker never reached the stage"
            time.sleep(0.05)
        with store.read() as s:
            case = s.get(Case, got.case_id)
            assert case is not None and case.lease_owner == "doomed"
        os.kill(child.pid, signal.SIGKILL)
        child.wait(10)
    finally:
        if child.poll() is None:
            child.kill()
    survivor = Worker(deps, ident="survivor")
    assert not survivor.run_once(), "the dead worker's lease must hold until it expires"
    time.sleep(2.2)  # the child's lease was 2 s
    survivor.run_until_idle()
    events = _events(store, got.case_id)
    assert events.count(("received", "read")) == 1
    assert events[-1] == ("verified", "needs_review")
    with store.read() as s:
        case = s.get(Case, got.case_id)
        assert case is not None and case.lease_owner is None and case.attempts == 0
