"""Fixtures shared by the whole suite: settings in a temporary data dir and a migrated store.

`store` runs each test that uses it against SQLite and against PostgreSQL (a fresh database cloned from
a migrated template per test). PostgreSQL comes from REFERRAL_INTAKE_TEST_POSTGRES_URL, which .ci/run
sets; on a laptop without it the PostgreSQL half is skipped with that reason.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

from referral_intake.settings import Settings, load_settings
from referral_intake.store.engine import Store, make_engine, migrate

PG_URL = os.environ.get("REFERRAL_INTAKE_TEST_POSTGRES_URL")
_counter = itertools.count()
_TEMPLATE = f"ri_tpl_{os.getpid()}"


def _pg_admin() -> psycopg.Connection[tuple[object, ...]]:
    assert PG_URL is not None
    url = make_url(PG_URL).set(drivername="postgresql")
    return psycopg.connect(
        url.set(database="postgres").render_as_string(hide_password=False), autocommit=True
    )


def _pg_url(database: str) -> str:
    assert PG_URL is not None
    return make_url(PG_URL).set(database=database).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str]:
    if not PG_URL:
        pytest.skip("PostgreSQL not configured: set REFERRAL_INTAKE_TEST_POSTGRES_URL (.ci/run does)")
    with _pg_admin() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{_TEMPLATE}"')
        conn.execute(f'CREATE DATABASE "{_TEMPLATE}"')
    engine = make_engine(_pg_url(_TEMPLATE))
    migrate(engine)
    engine.dispose()
    yield _TEMPLATE
    with _pg_admin() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{_TEMPLATE}" WITH (FORCE)')


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    d = tmp_path / "var"
    d.mkdir()
    return d


@pytest.fixture(params=["sqlite", "postgres"])
def settings(request: pytest.FixtureRequest, data_dir: Path) -> Iterator[Settings]:
    """Settings for one test: a temporary data dir; the database is SQLite or a fresh PostgreSQL one."""
    if request.param == "sqlite":
        yield load_settings(data_dir=data_dir)
        return
    template = request.getfixturevalue("pg_template")
    name = f"ri_t_{os.getpid()}_{next(_counter)}"
    with _pg_admin() as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    try:
        yield load_settings(data_dir=data_dir, database_url=_pg_url(name))
    finally:
        with _pg_admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def sqlite_settings(data_dir: Path) -> Settings:
    """Settings on the embedded SQLite default only (for tests about the embedded mode itself)."""
    return load_settings(data_dir=data_dir)


@pytest.fixture
def store(settings: Settings) -> Iterator[Store]:
    s = Store.open(settings)
    yield s
    s.dispose()
