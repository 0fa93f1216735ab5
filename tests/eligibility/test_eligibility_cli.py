"""`referral-intake eligibility x12-270 / parse-271 / check / payers` through the real Typer app."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import structlog
from typer.testing import CliRunner

from referral_intake.cli import app
from referral_intake.contract import DocumentInfo, Extraction
from referral_intake.eligibility.demo import demo_referral
from referral_intake.eligibility.responder import Responder

runner = CliRunner()


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    # The CLI configures structlog to print to the sys.stderr of the moment, which CliRunner closes afterwards.
    config = structlog.get_config()
    yield
    structlog.configure(**config)


def _extraction(tmp_path: Path, **kw: Any) -> Path:
    doc = Extraction(document=DocumentInfo(sha256="0" * 64), referrals=[demo_referral(**kw)])
    path = tmp_path / "extraction.json"
    path.write_text(doc.to_json())
    return path


def test_x12_270_prints_a_valid_270(tmp_path: Path, validate_x12: Any) -> None:
    file = _extraction(tmp_path, relationship="child", subscriber_name="Pat Rivera")
    args = [
        "eligibility",
        "x12-270",
        str(file),
        "--provider-npi",
        "1234567893",
        "--data-dir",
        str(tmp_path / "v"),
    ]
    first = runner.invoke(app, args)
    second = runner.invoke(app, [*args, "--compact"])
    assert first.exit_code == 0 and second.exit_code == 0, first.output
    assert first.stdout.count("\n") > 15 and second.stdout.count("\n") == 1
    assert "NM1*03*1*RIVERA*JAMIE~" in first.stdout and "EQ*30^BL~" in first.stdout
    ctl = [out.split("*")[13] for out in (first.stdout, second.stdout)]
    assert int(ctl[1]) == int(ctl[0]) + 1  # the counter under data_dir moved on
    verdicts = validate_x12([first.stdout, second.stdout])
    assert all(v["ok"] for v in verdicts), verdicts


def test_x12_270_without_npi_exits_3(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["eligibility", "x12-270", str(_extraction(tmp_path)), "--data-dir", str(tmp_path)]
    )
    # demo referrals carry the referred-to NPI; drop it to see the refusal
    assert result.exit_code == 0
    data = json.loads(_extraction(tmp_path).read_text())
    del data["referrals"][0]["referred_to"]["npi"]
    (tmp_path / "no-npi.json").write_text(json.dumps(data))
    result = runner.invoke(
        app, ["eligibility", "x12-270", str(tmp_path / "no-npi.json"), "--data-dir", str(tmp_path)]
    )
    assert result.exit_code == 3 and "NPI" in result.stderr


def test_parse_271_guide_example(tmp_path: Path, guide_files: dict[str, str]) -> None:
    path = tmp_path / "dep.271"
    path.write_text(
        guide_files["response-to-generic-request-by-physician-for-patient-(dependent)-eligibility"]
    )
    result = runner.invoke(app, ["eligibility", "parse-271", str(path)])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    dep = out["members"][1]
    assert (dep["role"], dep["first_name"], dep["date_of_birth"]) == ("dependent", "MARY", "1998-10-14")
    assert dep["benefits"][0]["code"] == "1" and dep["benefits"][0]["meaning"] == "active coverage"
    assert dep["benefits"][0]["plan_name"] == "GOLD 123 PLAN" and out["status"] == "active"
    assert dep["benefits"][0]["service_types"] == [{"code": "30", "name": "health benefit plan coverage"}]


def test_parse_271_rejection_exits_0(tmp_path: Path, guide_files: dict[str, str]) -> None:
    path = tmp_path / "err.271"
    path.write_text(guide_files["error-response-from-payer-to-clinic-not-eligible-for-inquiries-with-payer"])
    result = runner.invoke(app, ["eligibility", "parse-271", str(path)])
    assert result.exit_code == 0
    out = json.loads(result.stdout)
    assert out["status"] == "rejected"
    assert out["rejections"] == [{"level": "receiver", "code": "50", "follow_up_code": "N",
                                  "reason": "provider not eligible for inquiries with this payer",
                                  "follow_up": "resubmission not allowed"}]  # fmt: skip


@pytest.mark.parametrize("kind", ["270", "json", "truncated"])
def test_parse_271_refuses_other_files(tmp_path: Path, guide_files: dict[str, str], kind: str) -> None:
    text = {
        "270": guide_files["generic-request-by-clinic-for-patient-(subscriber)-eligibility"],
        "json": '{"not": "x12"}',
        "truncated": guide_files[
            "response-to-generic-request-by-clinic-for-patient-(subscriber)-eligibility"
        ][:400],
    }[kind]
    path = tmp_path / "file.x12"
    path.write_text(text)
    result = runner.invoke(app, ["eligibility", "parse-271", str(path)])
    assert result.exit_code == 3 and result.stderr.startswith("error:") and result.stdout == ""


def test_check_against_responder(
    tmp_path: Path, responder: Responder, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REFERRAL_INTAKE_ELIGIBILITY__CLIENT", "core")
    monkeypatch.setenv("REFERRAL_INTAKE_ELIGIBILITY__ENDPOINT", f"{responder.url}/core")
    result = runner.invoke(app, ["eligibility", "check", str(_extraction(tmp_path, member_id="AAA72Q")),
                                 "--data-dir", str(tmp_path / "v")])  # fmt: skip
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert (out["status"], out["reason"]) == ("unknown", "eligibility unknown: invalid member ID")
    assert out["rejections"][0]["code"] == "72"


def test_payers_resolve(tmp_path: Path) -> None:
    ok = runner.invoke(app, ["eligibility", "payers", "resolve", "BCBS TX", "--data-dir", str(tmp_path)])
    assert ok.exit_code == 0 and json.loads(ok.stdout)["payer_id"] == "84980"
    unknown = runner.invoke(
        app, ["eligibility", "payers", "resolve", "Acme Mutual", "--data-dir", str(tmp_path)]
    )
    assert unknown.exit_code == 1 and json.loads(unknown.stdout)["payer_id"] is None


def test_payers_admin_commands(tmp_path: Path) -> None:
    d = ["--data-dir", str(tmp_path / "v")]
    added = runner.invoke(
        app, ["eligibility", "payers", "set", "99999", "Lone Star Health Plan", "--alias", "LSHP", *d]
    )
    assert added.exit_code == 0, added.output
    assert runner.invoke(app, ["eligibility", "payers", "disable", "87726", *d]).exit_code == 0
    listing = runner.invoke(app, ["eligibility", "payers", "list", *d])
    assert listing.exit_code == 0
    lines = {line.split("\t")[0]: line for line in listing.stdout.splitlines()}
    assert "99999" in lines and "admin" in lines["99999"] and "87726" not in lines and "84980" in lines
