"""The harness itself: a gold-echoing extractor scores 1.0, an empty one near 0, a confident liar is caught."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from referral_intake.contract import Extraction, Field, Referral
from referral_intake.evaluation.compare import compare_referral, normalize, token_f1
from referral_intake.evaluation.harness import load_corpus, run, summarize, summary_line
from referral_intake.evaluation.manual import load_manual
from referral_intake.evaluation.report import write_report
from referral_intake.synth import generate_corpus


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("corpus")
    generate_corpus(out, n=10, seed=11, fax_ratio=0.0)
    return out


def _gold_of(path: Path) -> Extraction:
    return Extraction.model_validate_json(
        path.with_name(path.name.rsplit(".", 1)[0] + ".gold.json").read_text()
    )


def _echo(path: Path) -> Extraction:
    gold = _gold_of(path)
    data = json.loads(gold.model_dump_json())

    def conf(node: object) -> None:
        if isinstance(node, dict):
            if "value" in node and set(node) <= {"value", "confidence", "page", "bbox", "text"}:
                node["confidence"] = 0.99
            for v in node.values():
                conf(v)
        elif isinstance(node, list):
            for v in node:
                conf(v)

    conf(data)
    return Extraction.model_validate(data)


def _empty(path: Path) -> Extraction:
    return Extraction(document=_gold_of(path).document, referrals=[Referral()])


def _confident_liar(path: Path) -> Extraction:
    ext = _echo(path)
    for r in ext.referrals:
        if r.patient.last_name is not None and r.patient.last_name.value:
            r.patient.last_name = Field(value=r.patient.last_name.value + "x", confidence=0.999)
    return ext


def test_gold_echo_scores_one(corpus: Path) -> None:
    pairs = load_corpus(corpus)
    assert len(pairs) == 10
    s = summarize(run(pairs, _echo), 0.95)
    o = s["overall"]
    assert o["fields"] == 1.0 and o["autoaccept_precision"] == 1.0 and o["automation"] == 1.0
    assert o["split_accuracy"] == 1.0 and o["failures"] == 0
    assert summary_line(s).startswith("fields=1.0000 autoaccept_precision=1.0000 automation=1.0000 docs=10")


def test_empty_extractor_scores_near_zero(corpus: Path) -> None:
    s = summarize(run(load_corpus(corpus), _empty), 0.95)
    assert s["overall"]["fields"] < 0.05
    assert s["overall"]["automation"] == 0.0


def test_confident_wrong_values_lower_autoaccept_precision(corpus: Path) -> None:
    s = summarize(run(load_corpus(corpus), _confident_liar), 0.95)
    assert s["overall"]["autoaccept_precision"] < 1.0
    assert s["per_field"]["patient.last_name"]["accuracy"] == 0.0
    assert s["overall"]["automation"] == 0.0


def test_extractor_exception_counts_as_failure(corpus: Path) -> None:
    def broken(path: Path) -> Extraction:
        raise RuntimeError("boom")

    s = summarize(run(load_corpus(corpus)[:2], broken), 0.95)
    assert s["overall"]["failures"] == 2


def test_normalized_comparison_rules() -> None:
    assert normalize("patient.phone", "(512) 555-0143") == "5125550143"
    assert normalize("insurance.0.member_id", "abc-123 45") == "abc12345"
    assert normalize("patient.address.postal_code", "78701-1234") == "78701"
    assert token_f1("knee pain, left", "left knee pain") == 1.0
    gold = Referral.model_validate(
        {"patient": {"first_name": {"value": "Ana"}}, "reason": {"value": "left knee pain"}}
    )
    pred = Referral.model_validate(
        {
            "patient": {"first_name": {"value": " ANA "}, "last_name": {"value": "Extra"}},
            "reason": {"value": "Knee pain left"},
        }
    )
    items = {i.path: i for i in compare_referral(gold, pred)}
    assert items["patient.first_name"].correct
    assert items["reason"].correct
    assert not items["patient.last_name"].correct  # a value where the truth is null is wrong


def test_html_report_and_cli_json(corpus: Path, tmp_path: Path) -> None:
    results = run(load_corpus(corpus), _echo)
    report = tmp_path / "r.html"
    write_report(report, results, summarize(results, 0.95))
    text = report.read_text()
    assert "Calibration" in text and "data:image/png;base64," in text and "Worst documents" in text

    env = {"REFERRAL_INTAKE_DATA_DIR": str(tmp_path / "var")}
    out = CliRunner().invoke(
        __import__("referral_intake.cli", fromlist=["app"]).app,
        ["eval", str(corpus), "--threshold", "0.95", "--json", "--report", str(tmp_path / "cli.html")],
        env=env,
    )
    assert out.exit_code == 0, out.output
    figures = json.loads(out.stdout.strip().splitlines()[-1])
    assert {"overall", "born_digital", "faxed", "per_field", "calibration", "per_family"} <= set(figures)
    assert figures["overall"]["docs"] == 10
    assert (tmp_path / "cli.html").exists()


def test_manual_csv_becomes_the_reference(corpus: Path, tmp_path: Path) -> None:
    pairs = load_corpus(corpus)[:3]
    sheet = tmp_path / "manual.csv"
    with sheet.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(
            ["document", "patient.first_name", "patient.last_name", "patient.date_of_birth", "diagnoses"]
        )
        for doc, gold in pairs:
            p = gold.referrals[0].patient
            codes = ";".join(str(d.code.value) for d in gold.referrals[0].diagnoses)
            w.writerow(
                [
                    doc.name,
                    p.first_name.value if p.first_name else "",
                    p.last_name.value if p.last_name else "",
                    p.date_of_birth.value if p.date_of_birth else "",
                    codes,
                ]
            )
    manual = load_manual(sheet, corpus)
    assert len(manual) == 3
    s = summarize(run(manual, _echo), 0.95)
    # the staff keyed fewer fields than the extractor returns: the extra fields count as wrong, keyed ones right
    assert s["per_field"]["patient.first_name"]["accuracy"] == 1.0
    assert s["per_field"]["diagnoses"]["accuracy"] == 1.0


def test_set_items_are_grouped_under_their_list_name() -> None:
    from referral_intake.evaluation.compare import Item

    assert Item("diagnoses.[m17.11]", "M17.11", None, None, False).field == "diagnoses"
    assert Item("insurance.1.member_id", "A", "A", 0.99, True).field == "insurance.member_id"
