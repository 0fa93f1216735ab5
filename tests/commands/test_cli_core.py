"""The stable CLI interfaces: extract (contract JSON, exit 3 when unreadable), process, status --json."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pymupdf
import pytest
from typer.testing import CliRunner

from referral_intake.cli import app
from referral_intake.synth import generate_corpus

SCHEMA = json.loads(
    (Path(__file__).resolve().parents[3] / "shared" / "contract" / "referral.schema.json").read_text()
    if (Path(__file__).resolve().parents[3] / "shared").exists()
    else (Path(__file__).resolve().parents[2] / "tests" / "data" / "referral.schema.json").read_text()
)


def _env(tmp_path: Path) -> dict[str, str]:
    return {"REFERRAL_INTAKE_DATA_DIR": str(tmp_path / "var")}


def _pdf(path: Path, lines: list[str]) -> Path:
    doc = pymupdf.open()
    page = doc.new_page()
    for i, line in enumerate(lines):
        page.insert_text((72, 72 + 16 * i), line, fontsize=11)
    doc.save(path)
    return path


@pytest.mark.parametrize(
    "lines",
    [
        ["REFERRAL", "Patient Name: Alfa Testperson", "DOB: 01/02/1970", "Reason: knee pain"],
        ["An unrelated page with no referral at all."],
        [],
    ],
)
def test_extract_any_pdf_prints_schema_valid_json(tmp_path: Path, lines: list[str]) -> None:
    pdf = _pdf(tmp_path / "in.pdf", lines)
    out = CliRunner().invoke(app, ["extract", str(pdf), "--json"], env=_env(tmp_path))
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    jsonschema.validate(data, SCHEMA)
    assert data["document"]["page_count"] == 1


def test_extract_unreadable_prints_errors_and_exits_3(tmp_path: Path) -> None:
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\nendobj\n" + b"\x00garbage" * 10)
    out = CliRunner().invoke(app, ["extract", str(bad), "--json"], env=_env(tmp_path))
    assert out.exit_code == 3, out.output
    data = json.loads(out.stdout)
    jsonschema.validate(data, SCHEMA)
    assert data["errors"] and data["referrals"] == []


def test_extract_generated_corpus_documents_validate(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    generate_corpus(corpus, n=4, seed=3, fax_ratio=0.0)
    for doc in sorted(p for p in corpus.iterdir() if p.suffix in (".pdf", ".tif", ".tiff", ".png", ".eml")):
        out = CliRunner().invoke(app, ["extract", str(doc), "--json"], env=_env(tmp_path))
        assert out.exit_code == 0, out.output
        jsonschema.validate(json.loads(out.stdout), SCHEMA)


def test_process_then_status_json(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    generate_corpus(corpus, n=3, seed=5, fax_ratio=0.0)
    env = _env(tmp_path)
    out = CliRunner().invoke(app, ["process", str(corpus)], env=env)
    assert out.exit_code == 0, out.output
    status = CliRunner().invoke(app, ["status", "--json"], env=env)
    assert status.exit_code == 0, status.output
    summary = json.loads(status.stdout)
    counts = summary["counts"]
    assert summary["total"] >= 3
    assert counts["received"] == counts["read"] == counts["extracted"] == 0  # nothing left half-way
    assert counts["needs_review"] + counts["exported"] + counts["approved"] >= 3
