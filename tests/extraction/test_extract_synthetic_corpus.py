"""End to end on generated born-digital documents: reading's text layer -> extract_document -> gold, per field."""

from __future__ import annotations

from pathlib import Path

import pytest

from referral_intake.contract import Extraction
from referral_intake.extraction.calibrate import examples
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
    from referral_intake.reading import read_document_inproc
    from referral_intake.settings import ReadingSettings

    rows: list[tuple[float, bool]] = []
    for path, gold in corpus:
        doc = read_document_inproc(path.read_bytes(), path.name, ReadingSettings())
        detail = extract_detailed(doc)
        ext = detail.extraction
        assert ext.document.sha256 == doc.sha256
        assert ext.document.page_count == len(doc.pages)
        assert all(r.pages for r in ext.referrals)
        labels = [ok for _, ok, _ in examples(detail, gold)]
        rows += [(ev.confidence, ok) for ev, ok in zip(detail.evidence, labels, strict=True)]
    assert len(rows) > 150
    accuracy = sum(ok for _, ok in rows) / len(rows)
    accepted = [ok for c, ok in rows if c >= 0.95]
    assert accuracy >= 0.93, accuracy
    assert len(accepted) >= 0.5 * len(rows)
    assert sum(accepted) / len(accepted) >= 0.99


def test_layout_extractor_implements_the_protocol() -> None:
    assert isinstance(LayoutExtractor(), Extractor)
    assert LayoutExtractor.name == "layout"
