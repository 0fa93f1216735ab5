"""Settings: environment, TOML file and masking of secrets in `config show`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from referral_intake.cli import app
from referral_intake.errors import ConfigurationError
from referral_intake.settings import load_settings


def test_environment_and_nested_groups(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("REFERRAL_INTAKE_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("REFERRAL_INTAKE_READING__OCR_DET_SIDE", "736")
    s = load_settings()
    assert s.data_dir == tmp_path
    assert s.reading.ocr_det_side == 736
    assert s.effective_database_url == f"sqlite:///{(tmp_path / 'referral-intake.db').resolve()}"


def test_toml_file_and_env_precedence(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    cfg = tmp_path / "ri.toml"
    cfg.write_text("workers = 5\n[extraction]\nreview_threshold = 0.9\n[web]\nport = 9001\n")
    monkeypatch.setenv("REFERRAL_INTAKE_WEB__PORT", "9100")
    s = load_settings(cfg)
    assert s.workers == 5 and s.extraction.review_threshold == 0.9
    assert s.web.port == 9100  # the environment wins over the file


def test_missing_config_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="not found"):
        load_settings(tmp_path / "nope.toml")


def test_config_show_masks_secrets(tmp_path: Path) -> None:
    env = {
        "REFERRAL_INTAKE_DATA_DIR": str(tmp_path),
        "REFERRAL_INTAKE_DATABASE_URL": "postgresql://ri:hunter2pw@db.example/ri",
        "REFERRAL_INTAKE_EXTRACTION__LLM_API_KEY": "sk-supersecret",
    }
    out = CliRunner().invoke(app, ["config", "show"], env=env)
    assert out.exit_code == 0, out.output
    assert "hunter2pw" not in out.output and "sk-supersecret" not in out.output
    shown = json.loads(out.output)
    assert shown["extraction"]["llm_api_key"] == "**********"
    assert shown["database_url"].startswith("postgresql://ri:***@")


def test_configuration_doc_is_generated_from_the_settings() -> None:
    from referral_intake.docs import render

    doc = Path(__file__).resolve().parents[1] / "docs" / "configuration.md"
    assert doc.read_text() == render(), "docs/configuration.md is stale: run `make docs`"
