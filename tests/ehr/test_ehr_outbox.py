"""Exactly-once export through the outbox, against real EHRs: killed worker, EHR down then back, give-up."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pymysql
import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url
from structlog.testing import capture_logs

from referral_intake.cases.decisions import approve
from referral_intake.contract import DocumentInfo, Extraction
from referral_intake.ehr.hl7v2 import Hl7Connector
from referral_intake.ehr.outbox import Exporter, RetryPolicy, build_request, deliver_due, retry_failed
from referral_intake.ehr.protocol import EhrWriter, ExportRequest
from referral_intake.ehr.registry import build_connector, build_writers, connector_names
from referral_intake.matching.embedded_ehr import EmbeddedEhr
from referral_intake.settings import Settings
from referral_intake.store.engine import Store
from referral_intake.store.tables import AuditEvent, Case, CaseEvent, Outbox
from referral_intake.vault import LocalKeyProvider, Vault

HERE = Path(__file__).parent


@pytest.fixture
def lite(sqlite_settings: Settings) -> Iterator[Store]:
    """SQLite only, for tests whose subject is the EHR side (the lease tests run on PostgreSQL too)."""
    s = Store.open(sqlite_settings)
    yield s
    s.dispose()


@pytest.fixture
def vault(data_dir: Path) -> Vault:
    return Vault(data_dir / "vault", LocalKeyProvider(data_dir / "keys" / "kek.key"))


@pytest.fixture
def approved_case(
    store: Store, vault: Vault, make_request: Callable[..., ExportRequest]
) -> Callable[[list[str]], tuple[int, datetime]]:
    """A case approved by the pipeline's own `approve` (which writes the outbox rows); returns (id, t0)
    where t0 is a moment just after the approval, the start of the test's controlled clock."""
    return lambda connectors: _approved_case(store, vault, make_request(), connectors)


@pytest.fixture
def approved_case_lite(
    lite: Store, vault: Vault, make_request: Callable[..., ExportRequest]
) -> Callable[[list[str]], tuple[int, datetime]]:
    return lambda connectors: _approved_case(lite, vault, make_request(), connectors)


def _approved_case(
    store: Store, vault: Vault, sample: ExportRequest, connectors: list[str]
) -> tuple[int, datetime]:
    referral = sample.referral
    assert sample.original is not None
    with store.begin() as s:
        stored = vault.put(
            s, sample.original, channel="test", filename="fax-0001.pdf", media_type="application/pdf"
        )
        extraction = Extraction(
            document=DocumentInfo(sha256=stored.document.sha256, media_type="application/pdf", page_count=2),
            referrals=[referral],
        )
        case = Case(
            document_id=stored.document.id, state="verified", extraction=extraction.model_dump(mode="json")
        )
        s.add(case)
        s.flush()
        approve(s, case, connectors, actor="reviewer:test")
        case_id = case.id
    return case_id, datetime.now(UTC) + timedelta(seconds=1)


def hl7(listener: Any, name: str = "engine") -> Hl7Connector:
    return Hl7Connector(
        name, listener.host, listener.port, timeout_seconds=2, retries=0, sleep=lambda _: None
    )


def openemr_count(url: str, table: str) -> int:
    u = make_url(url)
    conn = pymysql.connect(
        host=u.host, port=u.port or 3306, user=u.username, password="", database=u.database
    )
    with conn.cursor() as cur:
        cur.execute(f"SELECT COUNT(*) FROM {table}")
        (n,) = cur.fetchone()  # type: ignore[misc]
    conn.close()
    return int(n)


@pytest.mark.mariadb
def test_two_connectors_deliver_once_and_case_is_exported(
    store: Store, vault: Vault, openemr_url: str, mllp_listener: Any, approved_case: Any
) -> None:
    mllp_listener.start()
    connectors: dict[str, EhrWriter] = {
        "openemr": build_connector(
            {"kind": "sql", "name": "openemr", "url": openemr_url, "mapping": "openemr"}
        ),
        "engine": hl7(mllp_listener),
    }
    case_id, t0 = approved_case(list(connectors))
    assert deliver_due(store, connectors, vault, now=t0, worker_id="w1") == 2
    assert deliver_due(store, connectors, vault, now=t0 + timedelta(hours=1), worker_id="w1") == 0

    with store.read() as s:
        case = s.get(Case, case_id)
        assert case is not None and case.state == "exported" and case.error is None
        rows = s.execute(select(Outbox).where(Outbox.case_id == case_id)).scalars().all()
        assert {r.state for r in rows} == {"sent"} and all(r.attempts == 1 for r in rows)
        events = s.execute(select(CaseEvent).where(CaseEvent.case_id == case_id)).scalars().all()
        assert ("approved", "exported") in [(e.from_state, e.to_state) for e in events]
        exports = s.execute(select(AuditEvent).where(AuditEvent.action == "export")).scalars().all()
        assert sorted(e.resource_type for e in exports) == ["case", "outbox", "outbox"]
        assert not any("Quillfeather" in (e.reason or "") for e in s.execute(select(AuditEvent)).scalars())
    assert openemr_count(openemr_url, "patient_data") == 1
    assert len(mllp_listener.receiver.stored) == 2


@pytest.mark.mariadb
@pytest.mark.parametrize("kind", ["sql", "fhir"])
def test_killed_worker_redelivers_without_duplicate(
    kind: str,
    request: pytest.FixtureRequest,
    sqlite_settings: Settings,
    lite: Store,
    vault: Vault,
    data_dir: Path,
    approved_case_lite: Any,
) -> None:
    settings, store, approved_case = sqlite_settings, lite, approved_case_lite
    if kind == "sql":
        url = request.getfixturevalue("openemr_url")
        config = {"kind": "sql", "name": "ehr", "url": url, "mapping": "openemr"}
    else:
        server = request.getfixturevalue("fhir_server")
        config = {
            "kind": "fhir",
            "name": "ehr",
            "base_url": server.base_url,
            "auth": {
                "token_url": server.token_url,
                "client_id": server.client_id,
                "client_secret": server.client_secret,
            },
        }
    case_id, _ = approved_case(["ehr"])
    proc = subprocess.run(
        [
            sys.executable,
            str(HERE / "outbox_worker.py"),
            settings.effective_database_url,
            str(data_dir / "vault"),
            str(data_dir / "keys" / "kek.key"),
            json.dumps(config),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == -9, proc.stderr[-2000:]
    written = json.loads(proc.stdout.strip().splitlines()[-1])["patient_id"]
    with store.read() as s:
        row = s.execute(select(Outbox).where(Outbox.case_id == case_id)).scalar_one()
        assert row.state == "pending" and row.lease_owner == "doomed" and row.attempts == 1

    connector = build_connector(config)
    # Another worker, before the dead one's lease runs out: hands off.
    assert deliver_due(store, {"ehr": connector}, vault, worker_id="w2", now=datetime.now(UTC)) == 0
    later = datetime.now(UTC) + timedelta(seconds=61)
    assert deliver_due(store, {"ehr": connector}, vault, worker_id="w2", now=later) == 1
    with store.read() as s:
        row = s.execute(select(Outbox).where(Outbox.case_id == case_id)).scalar_one()
        assert row.state == "sent" and row.attempts == 2
        assert (
            row.result is not None and row.result["duplicate"] is True and row.result["patient_id"] == written
        )
        case = s.get(Case, case_id)
        assert case is not None and case.state == "exported"
    if kind == "sql":
        assert openemr_count(config["url"], "patient_data") == 1
        assert openemr_count(config["url"], "transactions") == 1
    else:
        for rtype in ("Patient", "ServiceRequest", "DocumentReference", "Coverage"):
            bundle = connector.client.get(  # type: ignore[attr-defined]
                f"{config['base_url']}/{rtype}",
                headers={"Authorization": f"Bearer {connector.tokens.token()}"},  # type: ignore[attr-defined]
            ).json()
            assert len(bundle.get("entry", [])) == 1, rtype


def test_ehr_down_for_a_minute_then_back(
    lite: Store, vault: Vault, mllp_listener: Any, approved_case_lite: Any
) -> None:
    store, approved_case = lite, approved_case_lite
    connectors: dict[str, EhrWriter] = {"engine": hl7(mllp_listener)}
    policy = RetryPolicy(backoff_seconds=30, max_attempts=10)
    case_id, t0 = approved_case(["engine"])

    assert deliver_due(store, connectors, vault, now=t0, policy=policy) == 0  # down: refused
    with store.read() as s:
        row = s.execute(select(Outbox).where(Outbox.case_id == case_id)).scalar_one()
        assert row.state == "pending" and row.attempts == 1 and row.lease_owner is None
        assert row.next_attempt_at == t0 + timedelta(seconds=30) and "no ACK" in (row.last_error or "")
    assert deliver_due(store, connectors, vault, now=t0 + timedelta(seconds=20), policy=policy) == 0
    with store.read() as s:
        assert (
            s.execute(select(Outbox.attempts).where(Outbox.case_id == case_id)).scalar_one() == 1
        )  # not due
    assert (
        deliver_due(store, connectors, vault, now=t0 + timedelta(seconds=31), policy=policy) == 0
    )  # still down

    mllp_listener.start()  # a minute later the EHR is back
    assert (
        deliver_due(store, connectors, vault, now=t0 + timedelta(seconds=61), policy=policy) == 0
    )  # backoff 60 s
    assert deliver_due(store, connectors, vault, now=t0 + timedelta(seconds=92), policy=policy) == 1
    with store.read() as s:
        case = s.get(Case, case_id)
        assert case is not None and case.state == "exported"
        row = s.execute(select(Outbox).where(Outbox.case_id == case_id)).scalar_one()
        assert row.state == "sent" and row.attempts == 3 and row.last_error is None
    assert len(mllp_listener.receiver.stored) == 2


def test_export_that_keeps_failing_alerts_and_shows_on_case(
    lite: Store, vault: Vault, mllp_listener: Any, approved_case_lite: Any
) -> None:
    store, approved_case = lite, approved_case_lite
    mllp_listener.start()
    mllp_listener.receiver.mode = "error"  # AE every time
    connectors: dict[str, EhrWriter] = {"engine": hl7(mllp_listener)}
    policy = RetryPolicy(backoff_seconds=1, max_attempts=3)
    case_id, t0 = approved_case(["engine"])
    with capture_logs() as logs:
        for minute in range(4):
            deliver_due(store, connectors, vault, now=t0 + timedelta(minutes=minute), policy=policy)
    alerts = [e for e in logs if e["event"] == "ehr.export.failed"]
    assert len(alerts) == 1 and alerts[0]["alert"] is True and alerts[0]["attempts"] == 3
    with store.read() as s:
        case = s.get(Case, case_id)
        assert case is not None and case.state == "failed"
        assert case.error is not None and "engine" in case.error and "AE" in case.error
        row = s.execute(select(Outbox).where(Outbox.case_id == case_id)).scalar_one()
        assert row.state == "failed" and row.attempts == 3
        failures = s.execute(select(AuditEvent).where(AuditEvent.outcome == "failure")).scalars().all()
        assert [(e.action, e.resource_type) for e in failures] == [("export", "outbox")]

    mllp_listener.receiver.mode = "accept"  # the interface engine is fixed; a person retries
    with store.begin() as s:
        case = s.get(Case, case_id)
        assert case is not None
        assert retry_failed(s, case, actor="admin:test") == 1
    assert deliver_due(store, connectors, vault, now=datetime.now(UTC), policy=policy) == 1
    with store.read() as s:
        case = s.get(Case, case_id)
        assert case is not None and case.state == "exported"


def test_rejection_fails_at_once(
    lite: Store, vault: Vault, mllp_listener: Any, approved_case_lite: Any
) -> None:
    store, approved_case = lite, approved_case_lite
    mllp_listener.start()
    mllp_listener.receiver.mode = "reject"  # AR: resending the same message cannot help
    case_id, t0 = approved_case(["engine"])
    assert deliver_due(store, {"engine": hl7(mllp_listener)}, vault, now=t0) == 0
    with store.read() as s:
        row = s.execute(select(Outbox).where(Outbox.case_id == case_id)).scalar_one()
        assert row.state == "failed" and row.attempts == 1


def test_leased_row_is_not_taken_by_a_second_worker(
    store: Store, vault: Vault, mllp_listener: Any, approved_case: Any
) -> None:
    """Compare-and-set lease: a worker that is still inside its lease keeps the row."""
    mllp_listener.start()
    case_id, t0 = approved_case(["engine"])
    from referral_intake.ehr.outbox import _lease

    assert _lease(store, ["engine"], "w1", t0, RetryPolicy(lease_seconds=300), 10) != []
    assert _lease(store, ["engine"], "w2", t0 + timedelta(seconds=10), RetryPolicy(), 10) == []
    assert deliver_due(store, {"engine": hl7(mllp_listener)}, vault, now=t0 + timedelta(seconds=60)) == 0
    assert deliver_due(store, {"engine": hl7(mllp_listener)}, vault, now=t0 + timedelta(seconds=301)) == 1
    with store.read() as s:
        assert s.execute(select(Outbox.attempts).where(Outbox.case_id == case_id)).scalar_one() == 2


def test_exporter_waits_for_a_connector_whose_ehr_is_down_at_start(
    lite: Store, vault: Vault, mllp_listener: Any, approved_case_lite: Any, sqlite_settings: Settings
) -> None:
    mllp_listener.start()
    settings = sqlite_settings.model_copy(
        update={
            "ehr_connectors": [
                {
                    "kind": "hl7v2",
                    "name": "engine",
                    "host": "127.0.0.1",
                    "port": mllp_listener.port,
                    "retries": 0,
                },
                {"kind": "sql", "name": "db", "url": "mysql://root@127.0.0.1:9/none", "mapping": "openemr"},
            ]
        }
    )
    case_id, _ = approved_case_lite(["engine", "db"])
    exporter = Exporter(settings, lite, vault)
    assert sorted(exporter.writers) == ["db", "engine"]
    assert exporter() == 1
    with lite.read() as s:
        rows = {r.connector: r for r in s.execute(select(Outbox).where(Outbox.case_id == case_id)).scalars()}
        assert rows["engine"].state == "sent"
        assert rows["db"].state == "pending" and "unreachable" in (rows["db"].last_error or "")
        case = s.get(Case, case_id)
        assert case is not None and case.state == "approved"  # exported only when every connector has it


def test_embedded_writer_when_no_ehr_is_configured(
    lite: Store, vault: Vault, approved_case_lite: Any, sqlite_settings: Settings
) -> None:
    """No connectors configured: approval queues `embedded`, and the chart lands in our own ehr_patient."""
    assert connector_names(sqlite_settings) == ["embedded"]
    writers = build_writers(sqlite_settings, lite)
    case_id, t0 = approved_case_lite(connector_names(sqlite_settings))
    request = build_request_for(lite, vault, case_id)
    first = writers["embedded"].export(request, "k-1")
    again = writers["embedded"].export(request, "k-1")
    assert not first.duplicate and again.duplicate and again.patient_id == first.patient_id
    ehr = EmbeddedEhr(lite.engine)
    chart = ehr.read_patient(first.patient_id)
    assert chart is not None and chart.last_name == "Quillfeather" and chart.phone == "5125550143"
    assert deliver_due(lite, writers, vault, now=t0) == 1
    with lite.read() as s:
        case = s.get(Case, case_id)
        assert case is not None and case.state == "exported"
    assert ehr.patient_count() == 2  # "k-1" above, and the outbox's own key


def build_request_for(store: Store, vault: Vault, case_id: int) -> ExportRequest:
    with store.begin() as s:
        case = s.get(Case, case_id)
        row = s.execute(select(Outbox).where(Outbox.case_id == case_id)).scalar_one()
        assert case is not None
        return build_request(s, case, row, vault)
