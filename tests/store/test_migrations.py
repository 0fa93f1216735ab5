"""Migrations and the table models describe the same schema, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from referral_intake.store.engine import Store
from referral_intake.store.tables import all_tables


def test_migrations_match_models(store: Store) -> None:
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), all_tables())
    assert diff == []


def test_sqlite_runs_in_wal_mode(sqlite_settings) -> None:  # type: ignore[no-untyped-def]
    store = Store.open(sqlite_settings)
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    store.dispose()
