"""`referral-intake ehr preview` and `ehr check`, through the real CLI app."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import structlog
from hl7apy.consts import VALIDATION_LEVEL
from hl7apy.parser import parse_message
from typer.testing import CliRunner

from referral_intake.cli import app
from referral_intake.ehr.protocol import ExportRequest

runner = CliRunner()


@pytest.fixture(autouse=True)
def _restore_structlog() -> Iterator[None]:
    """The CLI configures structlog to print to the runner's captured stderr, closed afterwards."""
    saved = structlog.get_config()
    yield
    structlog.configure(**saved)


def contract_file(tmp_path: Path, make_request: Callable[..., ExportRequest]) -> Path:
    path = tmp_path / "referral.json"
    path.write_text(make_request().document.to_json())
    return path


def test_preview_fhir_prints_a_transaction_bundle(
    tmp_path: Path, make_request: Callable[..., ExportRequest]
) -> None:
    pdf = tmp_path / "fax.pdf"
    pdf.write_bytes(make_request().original or b"")
    result = runner.invoke(
        app,
        [
            "ehr",
            "preview",
            str(contract_file(tmp_path, make_request)),
            "--format",
            "fhir",
            "--original",
            str(pdf),
        ],
    )
    assert result.exit_code == 0, result.output
    bundle = json.loads(result.stdout)
    assert bundle["resourceType"] == "Bundle" and bundle["type"] == "transaction"
    types = [e["resource"]["resourceType"] for e in bundle["entry"]]
    assert types == [
        "Patient",
        "Organization",
        "Coverage",
        "Practitioner",
        "DocumentReference",
        "ServiceRequest",
    ]
    assert all(e["request"]["ifNoneExist"] for e in bundle["entry"])


def test_preview_hl7_prints_messages_separated_by_blank_lines(
    tmp_path: Path, make_request: Callable[..., ExportRequest]
) -> None:
    result = runner.invoke(
        app, ["ehr", "preview", str(contract_file(tmp_path, make_request)), "--format", "hl7"]
    )
    assert result.exit_code == 0, result.output
    messages = result.stdout.strip().split("\n\n")
    assert [m.split("|")[8] for m in messages] == ["ADT^A04^ADT_A01", "REF^I12^REF_I12"]
    for m in messages:
        parse_message(m.replace("\n", "\r"), validation_level=VALIDATION_LEVEL.STRICT).validate()


def test_check_reports_each_connector(tmp_path: Path, mllp_listener: Any) -> None:
    mllp_listener.start()
    config = tmp_path / "settings.toml"
    config.write_text(
        f'[[ehr_connectors]]\nkind = "hl7v2"\nname = "engine"\nhost = "127.0.0.1"\nport = {mllp_listener.port}\n'
        '[[ehr_connectors]]\nkind = "hl7v2"\nname = "backup"\nhost = "127.0.0.1"\nport = 9\n'
        '[[ehr_connectors]]\nkind = "fax"\nname = "odd"\n'
    )
    result = runner.invoke(app, ["ehr", "check", "--config", str(config)])
    assert result.exit_code == 1
    lines = result.stdout.strip().splitlines()
    assert lines[0].startswith("engine: ok") and lines[1].startswith("backup: DOWN")
    assert "odd: ERROR" in lines[2] and "fhir, hl7v2, sql" in lines[2]
