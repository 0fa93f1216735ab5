"""SQL connector with the shipped GNU Health mapping, on a database made by GNU Health's own installer.

The fixture installs `gnuhealth` (which pulls trytond 7 and its modules) from PyPI into a separate
virtualenv (its pins clash with ours), creates `ri_gnuhealth_test` with `trytond-admin --all -u health`,
and the test reads the written patient back through trytond's models in that virtualenv. Both are cached
(venv under ~/.cache, database kept): the first run takes ~3-4 minutes on 2 cores (pip ~2 min,
trytond-admin ~75 s), later runs seconds. Hence `slow`.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import uuid
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

from referral_intake.ehr.protocol import ExportRequest, PatientQuery
from referral_intake.ehr.sql import SqlConnector

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

PG_URL = os.environ.get("REFERRAL_INTAKE_TEST_POSTGRES_URL")
DB = "ri_gnuhealth_test"
GNUHEALTH = "gnuhealth==5.0.6"
CACHE = Path(os.environ.get("REFERRAL_INTAKE_TEST_CACHE", Path.home() / ".cache" / "referral-intake-tests"))
HERE = Path(__file__).parent


def _admin_conn() -> psycopg.Connection[tuple[object, ...]]:
    assert PG_URL
    admin = make_url(PG_URL).set(drivername="postgresql", database="postgres")
    return psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True)


def _health_activated() -> bool:
    assert PG_URL
    with _admin_conn() as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DB,)).fetchone():
            return False
    url = make_url(PG_URL).set(drivername="postgresql", database=DB).render_as_string(hide_password=False)
    with psycopg.connect(url) as conn:
        try:
            row = conn.execute("SELECT state FROM ir_module WHERE name = 'health'").fetchone()
        except psycopg.errors.UndefinedTable:
            return False
    return row is not None and row[0] == "activated"


@pytest.fixture(scope="session")
def gnuhealth() -> tuple[Path, Path, str]:
    """(venv python, trytond config, SQLAlchemy URL of the GNU Health database)."""
    if not PG_URL:
        pytest.skip("PostgreSQL not configured: set REFERRAL_INTAKE_TEST_POSTGRES_URL (.ci/run does)")
    venv = CACHE / "gnuhealth-venv"
    python = venv / "bin" / "python"
    if not (venv / "bin" / "trytond-admin").exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", GNUHEALTH], check=True, timeout=900)
    u = make_url(PG_URL)
    conf = CACHE / "trytond.conf"
    server = (
        make_url(PG_URL).set(drivername="postgresql", database=None).render_as_string(hide_password=False)
    )
    conf.write_text(f"[database]\nuri = {server}/\n")
    if not _health_activated():
        with _admin_conn() as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE {DB}")
        passfile = CACHE / "admin-pass.txt"
        passfile.write_text("synthetic-test-admin\n")
        env = {**os.environ, "TRYTONPASSFILE": str(passfile)}
        subprocess.run(
            [
                str(venv / "bin" / "trytond-admin"),
                "-c",
                str(conf),
                "-d",
                DB,
                "--all",
                "-u",
                "health",
                "--activate-dependencies",
                "--email",
                "admin@example.invalid",
            ],
            check=True,
            env=env,
            timeout=900,
            capture_output=True,
        )
    return python, conf, u.set(database=DB).render_as_string(hide_password=False)


def readback(gh: tuple[Path, Path, str], patient_id: str, appointment_id: str) -> dict[str, object]:
    python, conf, _ = gh
    out = subprocess.run(
        [str(python), str(HERE / "gnuhealth_readback.py"), str(conf), DB, patient_id, appointment_id],
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    result: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def test_gnuhealth_patient_written_once_seen_by_trytond(
    gnuhealth: tuple[Path, Path, str], make_request: Callable[..., ExportRequest]
) -> None:
    surname = "Quill" + uuid.uuid4().hex[:8]  # the database is reused between runs
    member = "GH" + uuid.uuid4().hex[:10].upper()
    conn = SqlConnector("gnuhealth", gnuhealth[2], "gnuhealth")
    key = f"case-{uuid.uuid4().hex}-gnuhealth"
    request = make_request(case_id=5, last_name=surname, member_id=member)
    first = conn.export(request, key)
    retry = conn.export(request, key)
    assert not first.duplicate and retry.duplicate and retry.patient_id == first.patient_id
    assert first.referral_id is not None

    seen = readback(gnuhealth, first.patient_id, first.referral_id)
    assert seen["name"] == "Marigold" and seen["lastname"] == surname
    assert seen["dob"] == "1961-04-09" and seen["gender"] == "f" and seen["is_patient"] is True
    assert seen["phones"] == ["512-555-0143"]
    assert seen["appointment_patient"] == int(first.patient_id)
    assert seen["appointment_state"] == "confirmed" and seen["appointment_urgency"] == "b"
    assert "M17.11" in str(seen["appointment_comments"])
    assert seen["insurance_numbers"] == [member] and seen["insurers"] == ["Acme Health Plan"]
    assert seen["appointment_insurance"] == member
    assert seen["attachments"] == [hashlib.sha256(request.original).hexdigest()]
    assert seen["patients_named"] == 1  # the retry made no second chart

    found = conn.find_candidates(PatientQuery(last_name=surname))  # a prefix block: earlier runs' Quill* too
    assert first.patient_id in [r.id for r in found]
    assert all((r.last_name or "").lower().startswith("qui") for r in found)
    chart = conn.read_patient(first.patient_id)
    assert chart is not None and chart.sex == "F" and chart.phone == "5125550143"
    conn.dispose()
