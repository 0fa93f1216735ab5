"""The audit log: append-only at the database, hash-chained, and `audit verify` finds an edit."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from typer.testing import CliRunner

from referral_intake.audit import record, verify
from referral_intake.cli import app
from referral_intake.settings import Settings
from referral_intake.store.engine import Store


def _fill(store: Store, n: int = 5) -> None:
    for i in range(n):
        with store.begin() as s:
            record(s, "tester", "read", "case", i, client_addr="127.0.0.1", reason="test")


def test_update_and_delete_are_refused(store: Store) -> None:
    _fill(store, 2)
    for stmt in ("UPDATE audit_event SET actor = 'mallory'", "DELETE FROM audit_event"):
        with pytest.raises(DBAPIError, match="append-only"), store.begin() as s:
            s.execute(text(stmt))
    with store.read() as s:
        assert verify(s).ok


def _bypass_triggers_and_edit(store: Store, row_id: int) -> None:
    with store.engine.connect() as conn:
        if store.dialect == "sqlite":
            conn.exec_driver_sql("DROP TRIGGER audit_event_no_update")
        else:
            conn.exec_driver_sql("ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_update")
        conn.exec_driver_sql(f"UPDATE audit_event SET reason = 'edited' WHERE id = {row_id}")
        conn.commit()


def test_verify_detects_an_edited_row(store: Store, settings: Settings) -> None:
    _fill(store, 6)
    with store.read() as s:
        result = verify(s)
        assert result.ok and result.checked == 6
        ids = [r[0] for r in s.execute(text("SELECT id FROM audit_event ORDER BY id")).all()]
    _bypass_triggers_and_edit(store, ids[3])
    with store.read() as s:
        broken = verify(s)
    assert not broken.ok
    assert broken.broken_at == ids[3]
    assert broken.checked == 3
    env = {"REFERRAL_INTAKE_DATA_DIR": str(settings.data_dir)}
    if settings.database_url:
        env["REFERRAL_INTAKE_DATABASE_URL"] = settings.database_url
    out = CliRunner().invoke(app, ["audit", "verify"], env=env)
    assert out.exit_code == 1
    assert f"audit_event id {ids[3]}" in out.output


def test_cli_verify_ok(store: Store, settings: Settings) -> None:
    _fill(store, 3)
    env = {"REFERRAL_INTAKE_DATA_DIR": str(settings.data_dir)}
    if settings.database_url:
        env["REFERRAL_INTAKE_DATABASE_URL"] = settings.database_url
    out = CliRunner().invoke(app, ["audit", "verify"], env=env)
    assert out.exit_code == 0, out.output
    assert "3 events verified" in out.output
