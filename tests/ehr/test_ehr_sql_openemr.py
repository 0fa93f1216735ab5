"""SQL connector with the shipped OpenEMR mapping on a real MariaDB: write once, read back, mapping errors."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pymysql
import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from referral_intake.audit import verify
from referral_intake.ehr.audited import AuditedReader
from referral_intake.ehr.protocol import EhrConnector, EhrReader, ExportRequest, PatientQuery
from referral_intake.ehr.sql import SqlConnector
from referral_intake.ehr.sql.mapping import PROFILES_DIR
from referral_intake.errors import EhrRejected, MappingError
from referral_intake.settings import Settings
from referral_intake.store.engine import Store
from referral_intake.store.tables import AuditEvent

pytestmark = pytest.mark.mariadb


def rows(url: str, sql: str) -> list[tuple[object, ...]]:
    u = make_url(url)
    conn = pymysql.connect(
        host=u.host, port=u.port or 3306, user=u.username, password="", database=u.database
    )
    try:
        with conn.cursor() as cur:
            cur.execute(sql)
            return list(cur.fetchall())
    finally:
        conn.close()


def test_referral_written_once_and_read_back(
    openemr_url: str, make_request: Callable[..., ExportRequest]
) -> None:
    conn = SqlConnector("openemr", openemr_url, "openemr")
    assert isinstance(conn, EhrConnector)
    first = conn.export(make_request(case_id=41), "case-41-openemr")
    again = conn.export(make_request(case_id=41), "case-41-openemr")
    assert first.duplicate is False and again.duplicate is True
    assert again.patient_id == first.patient_id and again.referral_id == first.referral_id

    assert rows(openemr_url, "SELECT fname, lname, DOB, sex, phone_home, pubpid FROM patient_data") == [
        (
            "Marigold",
            "Quillfeather",
            __import__("datetime").date(1961, 4, 9),
            "Female",
            "512-555-0143",
            first.patient_id,
        )
    ]
    assert rows(openemr_url, "SELECT type, provider, policy_number, pid FROM insurance_data") == [
        ("primary", "7", "XKQ900112233", int(first.patient_id))
    ]
    assert rows(openemr_url, "SELECT title, pid FROM transactions") == [("LBTref", int(first.patient_id))]
    fields = dict(rows(openemr_url, "SELECT field_id, field_value FROM lbt_data"))
    assert fields["refer_diag"] == "M17.11" and fields["refer_date"] == "2026-11-20"
    assert fields["refer_external"] == "Orrin Vale"

    chart = conn.read_patient(first.patient_id)
    assert chart is not None and chart.last_name == "Quillfeather" and chart.sex == "F"
    assert chart.phone == "5125550143"
    by_dob = conn.find_candidates(PatientQuery(date_of_birth=chart.date_of_birth))
    by_sound = conn.find_candidates(PatientQuery(last_name="Quilfeather"))  # one "l": same SOUNDEX
    by_phone = conn.find_candidates(PatientQuery(phone="5125550143"))
    assert (
        [r.id for r in by_dob] == [r.id for r in by_sound] == [r.id for r in by_phone] == [first.patient_id]
    )
    assert conn.find_candidates(PatientQuery(last_name="Zimmerman")) == []
    assert conn.health().ok
    conn.dispose()


def test_linked_chart_gets_referral_without_new_patient(
    openemr_url: str, make_request: Callable[..., ExportRequest]
) -> None:
    conn = SqlConnector("openemr", openemr_url, "openemr")
    first = conn.export(make_request(case_id=1), "case-1")
    second = conn.export(make_request(case_id=2, patient_id=first.patient_id), "case-2")
    assert second.patient_id == first.patient_id and second.referral_id != first.referral_id
    assert rows(openemr_url, "SELECT COUNT(*) FROM patient_data") == [(1,)]
    assert rows(openemr_url, "SELECT COUNT(*) FROM transactions") == [(2,)]
    conn.dispose()


def test_concurrent_retries_write_one_referral(
    openemr_url: str, make_request: Callable[..., ExportRequest]
) -> None:
    """Two workers racing on the same key: the second waits on the key's index, then reports a duplicate."""
    conn = SqlConnector("openemr", openemr_url, "openemr")
    results = []

    def run() -> None:
        results.append(conn.export(make_request(case_id=9), "case-9-openemr"))

    threads = [threading.Thread(target=run) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r.duplicate for r in results) == [False, True, True]
    assert rows(openemr_url, "SELECT COUNT(*) FROM patient_data") == [(1,)]
    assert rows(openemr_url, "SELECT COUNT(*) FROM transactions") == [(1,)]
    conn.dispose()


def test_mapping_error_names_table_and_column(openemr_url: str, tmp_path: Path) -> None:
    text = (PROFILES_DIR / "openemr.toml").read_text()
    bad_column = tmp_path / "bad_column.toml"
    bad_column.write_text(text.replace("{patient_data.phone_cell}", "{patient_data.phone_mobile}"))
    with pytest.raises(MappingError) as err:
        SqlConnector("openemr", openemr_url, str(bad_column))
    message = str(err.value)
    assert "'phone_mobile'" in message and "'patient_data'" in message and "read.lookup[phone]" in message

    bad_table = tmp_path / "bad_table.toml"
    bad_table.write_text(text.replace("{lbt_data}", "{lbt_fields}"))
    with pytest.raises(MappingError, match=r"table 'lbt_fields'.*does not exist"):
        SqlConnector("openemr", openemr_url, str(bad_table))


def test_reads_are_audited_without_phi(
    openemr_url: str, make_request: Callable[..., ExportRequest], sqlite_settings: Settings
) -> None:
    store = Store.open(sqlite_settings)
    conn = SqlConnector("openemr", openemr_url, "openemr")
    written = conn.export(make_request(case_id=8), "case-8-openemr")
    reader = AuditedReader(conn, store, actor="worker:match", connector="openemr")
    assert isinstance(reader, EhrReader)
    found = reader.find_candidates(PatientQuery(last_name="Quillfeather", date_of_birth=date(1961, 4, 9)))
    assert [r.id for r in found] == [written.patient_id]
    assert reader.read_patient(written.patient_id) is not None
    assert reader.read_patient("999999") is None
    with store.read() as s:
        events = s.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars().all()
        assert [(e.action, e.resource_type, e.resource_id, e.outcome) for e in events] == [
            ("read", "ehr_patient", None, "success"),
            ("read", "ehr_patient", written.patient_id, "success"),
            ("read", "ehr_patient", "999999", "not_found"),
        ]
        assert "last_name,date_of_birth" in (events[0].reason or "") and written.patient_id in (
            events[0].reason or ""
        )
        assert not any("Quillfeather" in (e.reason or "") or "1961" in (e.reason or "") for e in events)
        assert verify(s).ok
    conn.dispose()
    store.dispose()


def test_database_refusal_names_the_statement_not_the_values(
    openemr_url: str, make_request: Callable[..., ExportRequest]
) -> None:
    conn = SqlConnector("openemr", openemr_url, "openemr")
    surname = "Quillfeather" * 30  # longer than patient_data.lname VARCHAR(255): strict mode refuses it
    with pytest.raises(EhrRejected) as err:
        conn.export(make_request(case_id=20, last_name=surname), "case-20-openemr")
    assert "export.create_patient[1]" in str(err.value) and "22001" in str(err.value)  # data too long
    assert err.value.permanent  # resending the same data cannot succeed
    assert "Quillfeather" not in str(err.value) and "Quillfeather" not in str(err.value.__cause__)
    assert rows(openemr_url, "SELECT COUNT(*) FROM referral_intake_export") == [(0,)]  # all rolled back
    conn.dispose()


def test_reads_go_to_the_read_only_url(
    openemr_url: str, openemr_ddl: list[str], make_request: Callable[..., ExportRequest]
) -> None:
    """With `read_url`, lookups hit the replica (here: a second database that has not caught up yet)."""
    u = make_url(openemr_url)
    admin = pymysql.connect(host=u.host, port=u.port or 3306, user=u.username, password="")
    with admin.cursor() as cur:
        cur.execute("DROP DATABASE IF EXISTS ri_ehr_test_replica")
        cur.execute("CREATE DATABASE ri_ehr_test_replica")
        cur.execute("USE ri_ehr_test_replica")
        for ddl in openemr_ddl:
            cur.execute(ddl)
    admin.commit()
    replica = u.set(database="ri_ehr_test_replica").render_as_string(hide_password=False)
    conn = SqlConnector("openemr", openemr_url, "openemr", read_url=replica)
    written = conn.export(make_request(case_id=30), "case-30-openemr")
    assert rows(openemr_url, "SELECT COUNT(*) FROM patient_data") == [(1,)]
    assert conn.read_patient(written.patient_id) is None  # the replica does not have it yet
    assert conn.find_candidates(PatientQuery(last_name="Quillfeather")) == []
    assert conn.health().ok
    conn.dispose()
    with admin.cursor() as cur:
        cur.execute("DROP DATABASE ri_ehr_test_replica")
    admin.close()
