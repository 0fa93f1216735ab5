"""EHR export figures: FHIR Bundle build+validate, HL7 build+validate, MLLP round trip, SQL export to MariaDB.

Reproduce: REFERRAL_INTAKE_TEST_MARIADB_URL=mysql://root@127.0.0.1:3306/test .venv/bin/python benchmarks/bench_ehr.py
(the SQL figure is skipped without the MariaDB URL; it uses its own database `ri_ehr_bench`).
"""

from __future__ import annotations

import logging
import os
import socket
import statistics
import threading
import time
from collections.abc import Callable

import pymysql
import structlog
from hl7apy.mllp import AbstractHandler, MLLPServer
from hl7apy.parser import parse_message
from sqlalchemy.engine import make_url

from referral_intake.contract import (
    Address,
    Coded,
    Coverage,
    DocumentInfo,
    Extraction,
    Field,
    Patient,
    Provider,
    Referral,
)
from referral_intake.ehr.fhir_bundle import build_bundle, validate_bundle
from referral_intake.ehr.hl7_messages import build_messages
from referral_intake.ehr.hl7v2 import Hl7Connector
from referral_intake.ehr.protocol import ExportRequest
from referral_intake.ehr.sql import SqlConnector

PDF = b"%PDF-1.4\n" + b"0" * 200_000 + b"\n%%EOF\n"  # a 200 kB original


def f(v: object) -> Field:
    return Field(value=v, confidence=0.99)


def request(i: int) -> ExportRequest:
    r = Referral(
        patient=Patient(
            first_name=f("Bench"),
            last_name=f(f"Patient{i}"),
            date_of_birth=f("1970-01-01"),
            sex=f("F"),
            phone=f("5125550143"),
            address=Address(line1=f("1 Main St"), city=f("Austin"), state=f("TX"), postal_code=f("78701")),
        ),
        insurance=[
            Coverage(payer_name=f("Acme Health Plan"), member_id=f(f"M{i:08d}"), group_number=f("G1"))
        ],
        referring_provider=Provider(first_name=f("Ada"), last_name=f("Vale"), npi=f("1234567893")),
        reason=f("Knee pain"),
        diagnoses=[Coded(code=f("M17.11"))],
        referral_date=f("2026-11-20"),
    )
    doc = Extraction(document=DocumentInfo(sha256="b" * 64), referrals=[r])
    return ExportRequest(i, r, doc, None, original=PDF, original_media_type="application/pdf")


def timed(fn: Callable[[int], object], n: int) -> tuple[float, float]:
    samples = []
    for i in range(n):
        start = time.perf_counter()
        fn(i)
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), sorted(samples)[int(0.95 * (n - 1))]


class _Ack(AbstractHandler):  # type: ignore[misc]
    def reply(self) -> str:
        control = parse_message(self.incoming_message, find_groups=False).msh.msh_10.value
        return f"\x0bMSH|^~\\&|EHR|EHR|RI|RI|20261125||ACK|A{control[:18]}|P|2.5.1\rMSA|AA|{control}\r\x1c\r"


def main() -> None:
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    med, p95 = timed(lambda i: validate_bundle(build_bundle(request(i), f"bench-{i}")), 50)
    print(
        f"FHIR transaction Bundle build + validate (200 kB PDF): median {med:.1f} ms, p95 {p95:.1f} ms (n=50)"
    )
    med, p95 = timed(lambda i: [m.validate() for m in build_messages(request(i), f"bench-{i}")], 50)
    print(f"HL7 A04 + I12 build + strict validate: median {med:.1f} ms, p95 {p95:.1f} ms (n=50)")

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = MLLPServer("127.0.0.1", port, {t: (_Ack,) for t in ("ADT^A04^ADT_A01", "REF^I12^REF_I12")})
    threading.Thread(target=server.serve_forever, daemon=True).start()
    hl7 = Hl7Connector("bench", "127.0.0.1", port)
    med, p95 = timed(lambda i: hl7.export(request(i), f"bench-{i}"), 50)
    server.shutdown()
    print(
        f"HL7 export over MLLP (2 messages, ACK each, loopback hl7apy server): median {med:.1f} ms, p95 {p95:.1f} ms"
    )

    url = os.environ.get("REFERRAL_INTAKE_TEST_MARIADB_URL")
    if not url:
        print("SQL export: skipped (set REFERRAL_INTAKE_TEST_MARIADB_URL)")
        return
    u = make_url(url)
    conn = pymysql.connect(host=u.host, port=u.port or 3306, user=u.username, password=u.password or "")
    with conn.cursor() as cur:
        cur.execute("DROP DATABASE IF EXISTS ri_ehr_bench")
        cur.execute("CREATE DATABASE ri_ehr_bench")
        cur.execute("USE ri_ehr_bench")
        import sys
        from pathlib import Path

        sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "ehr"))
        from conftest import OPENEMR_DDL  # the OpenEMR schema subset the tests use

        for ddl in OPENEMR_DDL:
            cur.execute(ddl)
        cur.execute("INSERT INTO insurance_companies (id, name) VALUES (7, 'Acme Health Plan')")
    conn.commit()
    sql = SqlConnector(
        "bench", u.set(database="ri_ehr_bench").render_as_string(hide_password=False), "openemr"
    )
    med, p95 = timed(lambda i: sql.export(request(i), f"bench-{i}"), 100)
    dup_med, _ = timed(lambda i: sql.export(request(i), f"bench-{i}"), 100)
    print(
        f"SQL export to MariaDB (OpenEMR mapping, new patient + coverage + referral): median {med:.1f} ms, p95 {p95:.1f} ms"
    )
    print(f"SQL export retry (idempotency key already there, nothing written): median {dup_med:.1f} ms")
    sql.dispose()
    with conn.cursor() as cur:
        cur.execute("DROP DATABASE ri_ehr_bench")
    conn.close()


if __name__ == "__main__":
    main()
