"""End to end on generated born-digital documents: reading's text layer -> extract_document -> gold, per field."""

from __future__ import annotations

from pathlib import Path

import pytest

from referral_intake.contract import Extraction
from referral_intake.extraction.extractor import LayoutExtractor, extract_detailed
from referral_intake.extraction.protocol import Extractor


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[Path, Extraction]]:
    from referral_intake.synth import generate_corpus

    out = tmp_path_factory.mktemp("corpus")
    paths = generate_corpus(out, 8, seed=101, fax_ratio=0.0)
    return [
        (p, Extraction.model_validate_json(p.with_name(p.stem + ".gold.json").read_text())) for p in paths
    ]


def test_accuracy_and_auto_accept_precision_on_generated_documents(
    corpus: list[tuple[Path, Extraction]],
) -> None:
    """Scored by the evaluation harness's comparison (not ours), on every field the gold or we hold."""
    from referral_intake.evaluation.compare import compare_document
    from referral_intake.reading import read_document_inproc
    from referral_intake.settings import ReadingSettings

    items = []
    for path, gold in corpus:
        doc = read_document_inproc(path.read_bytes(), path.name, ReadingSettings())
        ext = extract_detailed(doc).extraction
        assert ext.document.sha256 == doc.sha256
        assert ext.document.page_count == len(doc.pages)
        assert all(r.pages for r in ext.referrals)
        scored, extra = compare_document(gold, ext)
        items += scored + extra
    assert len(items) > 150
    accuracy = sum(i.correct for i in items) / len(items)
    accepted = [i.correct for i in items if i.confidence is not None and i.confidence >= 0.95]
    # Floors well under today's figures (0.86 accuracy, 0.99+ precision on this seed, which includes layouts
    # calibration never saw), so a regression fails and generator changes do not. The accepted share (0.17
    # today) is low by choice: the shipped cuts keep layouts of a never-seen generator at 0.998+ precision.
    assert accuracy >= 0.78, accuracy
    assert len(accepted) >= 0.10 * len(items)
    assert sum(accepted) / len(accepted) >= 0.98


def test_layout_extractor_implements_the_protocol() -> None:
    assert isinstance(LayoutExtractor(), Extractor)
    assert LayoutExtractor.name == "layout"
