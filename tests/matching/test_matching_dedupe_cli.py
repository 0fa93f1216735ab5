"""`referral-intake dedupe` over a CSV and over the embedded EHR table; `match-train` and `ehr-load-csv`."""

from __future__ import annotations

import csv
from dataclasses import asdict
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from referral_intake.cli import app
from referral_intake.matching.embedded_ehr import CSV_COLUMNS
from referral_intake.matching.synthpop import population

runner = CliRunner()


@pytest.fixture
def ehr_csv(tmp_path: Path) -> tuple[Path, set[frozenset[str]], set[frozenset[str]]]:
    """400 charts with ~10% duplicate charts and a few twins; returns the CSV, true pairs and twin pairs."""
    records, pairs = population(400, seed=8, duplicate_rate=0.1, twin_rate=0.03)
    path = tmp_path / "patients.csv"
    with path.open("w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=CSV_COLUMNS, extrasaction="ignore")
        w.writeheader()
        for r in records:
            w.writerow({**asdict(r), "date_of_birth": r.date_of_birth.isoformat() if r.date_of_birth else ""})
    twins = {frozenset((r.id, "E" + r.id[1:])) for r in records if r.id.startswith("T")}
    return path, {frozenset(p) for p in pairs}, twins


def read_pairs(path: Path) -> tuple[list[str], set[frozenset[str]], list[float]]:
    with path.open() as fh:
        rows = list(csv.reader(fh))
    return rows[0], {frozenset(r[:2]) for r in rows[1:]}, [float(r[2]) for r in rows[1:]]


def test_dedupe_csv_writes_pairs_clusters_and_report(
    tmp_path: Path,
    ehr_csv: tuple[Path, set[frozenset[str]], set[frozenset[str]]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("REFERRAL_INTAKE_DATA_DIR", str(tmp_path / "var"))
    path, truth, twins = ehr_csv
    out, report = tmp_path / "pairs.csv", tmp_path / "report.html"
    res = runner.invoke(app, ["dedupe", str(path), "--out", str(out), "--report", str(report), "--train"])
    assert res.exit_code == 0, res.output
    header, found, probs = read_pairs(out)
    assert header == ["id_a", "id_b", "probability"]
    assert all(p >= 0.98 for p in probs)
    assert len(found & truth) / len(found) >= 0.95
    assert len(found & truth) / len(truth) >= 0.8
    assert twins and not (found & twins)
    with (tmp_path / "clusters.csv").open() as fh:
        clusters = list(csv.DictReader(fh))
    assert clusters and set(clusters[0]) == {"cluster_id", "id", "cluster_size"}
    html = report.read_text()
    assert "Cluster 1" in html and "bits" in html and "<script" not in html


def test_dedupe_over_the_embedded_ehr_table(
    tmp_path: Path,
    ehr_csv: tuple[Path, set[frozenset[str]], set[frozenset[str]]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("REFERRAL_INTAKE_DATA_DIR", str(tmp_path / "var"))
    path, truth, _twins = ehr_csv
    res = runner.invoke(app, ["ehr-load-csv", str(path)])
    assert res.exit_code == 0, res.output
    out = tmp_path / "table-pairs.csv"
    res = runner.invoke(app, ["dedupe", "--table", "embedded", "--out", str(out)])
    assert res.exit_code == 0, res.output
    _header, found, _probs = read_pairs(out)
    assert len(found & truth) / len(truth) >= 0.8
    # reading every chart is recorded in the audit log
    from referral_intake.settings import load_settings
    from referral_intake.store.engine import Store
    from referral_intake.store.tables import AuditEvent

    store = Store.open(load_settings())
    with store.read() as session:
        n = session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.resource_type == "ehr_patient")
        )
    store.dispose()
    assert n == 1


def test_match_train_writes_a_loadable_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REFERRAL_INTAKE_DATA_DIR", str(tmp_path / "var"))
    out = tmp_path / "model.json"
    res = runner.invoke(
        app, ["match-train", "--synthetic", "600", "--random-pairs", "8000", "--out", str(out)]
    )
    assert res.exit_code == 0, res.output
    from referral_intake.matching.model import FsModel

    model = FsModel.load(out)
    assert model.records > 600 and 0 < model.match_prior < 0.01


def test_dedupe_needs_an_id_column(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REFERRAL_INTAKE_DATA_DIR", str(tmp_path / "var"))
    bad = tmp_path / "bad.csv"
    bad.write_text("name,dob\nAda,1990-01-01\n")
    res = runner.invoke(app, ["dedupe", str(bad), "--out", str(tmp_path / "p.csv")])
    assert res.exit_code != 0


def test_dedupe_over_a_table_given_by_url(
    tmp_path: Path,
    ehr_csv: tuple[Path, set[frozenset[str]], set[frozenset[str]]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("REFERRAL_INTAKE_DATA_DIR", str(tmp_path / "var"))
    path, truth, _twins = ehr_csv
    url = f"sqlite:///{tmp_path / 'other-ehr.db'}"
    empty = f"sqlite:///{tmp_path / 'empty.db'}"
    out = tmp_path / "url-pairs.csv"
    assert (
        runner.invoke(app, ["dedupe", "--table", empty, "--out", str(out)]).exit_code != 0
    )  # no table: refused
    assert runner.invoke(app, ["ehr-load-csv", str(path), "--table", url]).exit_code == 0
    res = runner.invoke(app, ["dedupe", "--table", url, "--out", str(out)])
    assert res.exit_code == 0, res.output
    _header, found, _probs = read_pairs(out)
    assert len(found & truth) / len(truth) >= 0.8
