"""`referral-intake synth` on the command line writes documents, gold, truth and the EHR CSV."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from referral_intake.cli import app
from referral_intake.synth import corpus_documents


def test_synth_command_writes_a_corpus(tmp_path: Path) -> None:
    out, ehr_csv = tmp_path / "corpus", tmp_path / "ehr.csv"
    result = CliRunner().invoke(
        app,
        [
            "synth",
            "--out",
            str(out),
            "--n",
            "2",
            "--seed",
            "4",
            "--fax-ratio",
            "0",
            "--ehr-out",
            str(ehr_csv),
        ],
    )
    assert result.exit_code == 0, result.output
    docs = corpus_documents(out)
    assert len(docs) == 2 and all(d.suffix == ".pdf" for d in docs)
    for d in docs:
        assert d.with_name(d.stem + ".gold.json").is_file() and d.with_name(d.stem + ".truth.json").is_file()
    assert len(ehr_csv.read_text().splitlines()) == 3001


def test_synth_command_limits_families_and_rejects_unknown_ones(tmp_path: Path) -> None:
    args = ["synth", "--out", str(tmp_path / "c"), "--n", "1", "--fax-ratio", "0", "--family", "rx_pad"]
    assert CliRunner().invoke(app, args).exit_code == 0
    truth = (tmp_path / "c" / "doc_0001.truth.json").read_text()
    assert '"family": "rx_pad"' in truth
    bad = CliRunner().invoke(app, [*args[:-1], "no_such_family"])
    assert bad.exit_code == 2 and "no_such_family" in bad.output
