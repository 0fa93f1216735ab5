"""Fixtures of the matching tests: a small synthetic EHR in SQLite, and a PostgreSQL database of our own."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from referral_intake.ehr.protocol import PatientRecord
from referral_intake.matching.embedded_ehr import EmbeddedEhr
from referral_intake.matching.synthpop import population
from referral_intake.store.engine import make_engine, migrate

PG_URL = os.environ.get("REFERRAL_INTAKE_TEST_POSTGRES_URL")


@pytest.fixture(autouse=True)
def _fresh_logging() -> Iterator[None]:
    """CLI tests configure structlog onto CliRunner's stderr, which closes after the call: reset after each."""
    yield
    import structlog

    structlog.reset_defaults()


PG_DB = "ri_matching_test"


@pytest.fixture(scope="session")
def ehr_population() -> list[PatientRecord]:
    """2,000 distinct synthetic charts (plus their twins; no duplicate charts)."""
    records, _pairs = population(2000, seed=21, duplicate_rate=0.0)
    return records


@pytest.fixture(scope="session")
def pg_engine() -> Iterator[Engine]:
    """Our own database `ri_matching_test` (created when missing), migrated, emptied of charts."""
    if not PG_URL:
        pytest.skip("PostgreSQL not configured: set REFERRAL_INTAKE_TEST_POSTGRES_URL (.ci/run does)")
    url = make_url(PG_URL)
    admin = url.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (PG_DB,)).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{PG_DB}"')
    engine = make_engine(url.set(database=PG_DB).render_as_string(hide_password=False))
    migrate(engine)
    with engine.begin() as conn:
        conn.execute(text("TRUNCATE ehr_patient"))
    yield engine
    engine.dispose()


def _chart(
    pid: str,
    first: str,
    last: str,
    dob: str,
    sex: str,
    line1: str | None,
    city: str | None,
    state: str | None,
    postal: str | None,
    phone: str | None,
    middle: str | None = None,
    email: str | None = None,
) -> PatientRecord:
    from datetime import date

    return PatientRecord(
        id=pid,
        mrn=f"MRN{pid[2:]}",
        first_name=first,
        middle_name=middle,
        last_name=last,
        date_of_birth=date.fromisoformat(dob),
        sex=sex,
        address_line1=line1,
        city=city,
        state=state,
        postal_code=postal,
        phone=phone,
        email=email,
    )


# Hand-made charts for the named cases (synthetic people; surnames outside the generator's pool).
SCENARIO_CHARTS = (
    _chart(
        "S-WILLIAM",
        "William",
        "Hartwell",
        "1961-03-04",
        "M",
        "12 Quarry Street",
        "Austin",
        "TX",
        "78701",
        "5125550111",
        middle="James",
    ),
    _chart(
        "S-TWIN-A",
        "Emma",
        "Castellanos",
        "2001-07-19",
        "F",
        "55 Larkspur Road",
        "Dayton",
        "OH",
        "45402",
        "9375550123",
    ),
    _chart(
        "S-TWIN-B",
        "Olivia",
        "Castellanos",
        "2001-07-19",
        "F",
        "55 Larkspur Road",
        "Dayton",
        "OH",
        "45402",
        "9375550123",
    ),
    _chart(
        "S-SOLO-TWIN",
        "Marcus",
        "Delacroix",
        "1999-01-23",
        "M",
        "8 Fenwick Court",
        "Boise",
        "ID",
        "83702",
        "2085550144",
    ),
    _chart(
        "S-MARRIED",
        "Jennifer",
        "Albrechtsen",
        "1975-11-02",
        "F",
        "420 Juniper Lane",
        "Omaha",
        "NE",
        "68102",
        "4025550188",
        email="jen.albrechtsen@example.org",
    ),
    _chart(
        "S-TRANSPOSED",
        "Rebecca",
        "Thornbury",
        "1988-05-09",
        "F",
        "77 Saddle Way",
        "Tucson",
        "AZ",
        "85701",
        "5205550166",
    ),
)


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def ehr(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    ehr_population: list[PatientRecord],
) -> EmbeddedEhr:
    """The embedded EHR with the population and the scenario charts, on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        path: Path = tmp_path_factory.mktemp("ehr") / "ehr.db"
        engine = make_engine(f"sqlite:///{path}")
        migrate(engine)
    else:
        engine = request.getfixturevalue("pg_engine")
    return load_charts(engine, ehr_population)


@pytest.fixture(scope="session")
def pg_ehr(pg_engine: Engine, ehr_population: list[PatientRecord]) -> EmbeddedEhr:
    return load_charts(pg_engine, ehr_population)


def load_charts(engine: Engine, population_: list[PatientRecord]) -> EmbeddedEhr:
    """The population and the scenario charts, loaded once per database."""
    store = EmbeddedEhr(engine)
    if store.patient_count() == 0:
        store.bulk_load([*population_, *SCENARIO_CHARTS])
        if engine.dialect.name == "postgresql":
            with engine.begin() as conn:
                conn.execute(text("ANALYZE ehr_patient"))
    return store
