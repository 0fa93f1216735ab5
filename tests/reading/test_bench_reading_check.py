"""The OCR-quality check of benchmarks/bench_reading.py: fair to values wrapped onto the next line, still
verbatim whole words."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from referral_intake.reading.model import Page, ReadDocument, Word

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_reading.py"


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_reading_under_test", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _doc(lines: list[tuple[str, float, float]]) -> ReadDocument:
    """One OCR page; each line is (text, x0, y0), 10 pt high, 6 pt per character."""
    words: list[Word] = []
    for i, (text, x0, y0) in enumerate(lines):
        x = x0
        for token in text.split():
            words.append(Word(token, x, y0, x + 6 * len(token), y0 + 10, 0.95, 0, i))
            x += 6 * (len(token) + 1)
    page = Page(1, 612.0, 792.0, words, "ocr", 0.95)
    return ReadDocument(sha256="0" * 64, media_type="application/pdf", pages=[page])


# Two columns: the organization wraps inside the left column, so "Plan: ..." of the right column comes
# between its two halves in reading order.
TWO_COLUMNS = [
    ("Organization: Westgate Physical Therapy", 40, 100),
    ("Plan: Humana Choice PPO", 330, 100),
    ("Associates", 40, 114),
    ("ID #: ZH03326643", 330, 114),
]


def test_value_wrapped_in_a_column_is_found(bench: ModuleType) -> None:
    doc = _doc(TWO_COLUMNS)
    text = " ".join(p.text for p in doc.pages).lower()
    value = "Westgate Physical Therapy Associates"
    assert not bench.value_found(value, text, bench._alnum(text))  # the joined text interleaves the columns
    assert bench.wrapped_found(value, bench.page_lines(doc))


def test_wrap_still_needs_verbatim_whole_words(bench: ModuleType) -> None:
    lines = bench.page_lines(_doc(TWO_COLUMNS))
    assert not bench.wrapped_found("Westgate Physlcal Therapy Associates", lines)  # a misread word
    assert not bench.wrapped_found("Westgate Physical Therapy Associate", lines)  # not a whole word
    assert not bench.wrapped_found("Westgate Physical Therapy", lines)  # one line: that is value_found's job
    assert not bench.wrapped_found("Associates", lines)  # one word cannot wrap


def test_wrap_must_continue_just_below(bench: ModuleType) -> None:
    far = _doc([("Organization: Westgate Physical Therapy", 40, 100), ("Associates", 40, 300)])
    above = _doc([("Associates", 40, 86), ("Organization: Westgate Physical Therapy", 40, 100)])
    right = _doc([("Organization: Westgate Physical Therapy", 40, 100), ("Associates", 400, 114)])
    for doc in (far, above, right):
        assert not bench.wrapped_found("Westgate Physical Therapy Associates", bench.page_lines(doc))
