"""A dotted ICD-10-CM code whose leading letter OCR read as a digit is put back only when the words after it
are that code's official description, and the repair is marked as such."""

from __future__ import annotations

from referral_intake.extraction.candidates import Source, diagnosis_codes
from referral_intake.reading.model import Word


def _source(text: str, confidence: float) -> Source:
    words = [Word(t, 10.0 * i, 0.0, 10.0 * i + 8, 10.0, confidence, 0, 0) for i, t in enumerate(text.split())]
    return Source(1, words, "pattern", 0.7, "pattern")


def _codes(text: str, confidence: float = 0.9) -> list[tuple[str, bool]]:
    found = diagnosis_codes(text, _source(text, confidence))
    return [(str(c.value), bool(c.extra.get("ocr_repaired"))) for c in found]


def test_leading_letter_read_as_digit_is_repaired_when_the_description_confirms_it() -> None:
    assert _codes("Dx: 148.91 Unspecified atrial fibrillation") == [("I48.91", True)]
    assert _codes("178.5 Hyperlipidemia, unspecified") == [("E78.5", True)]


def test_a_number_without_the_matching_description_is_left_alone() -> None:
    assert _codes("Weight 148.91 lbs, stable since last visit") == []
    assert _codes("178.5 Type 2 diabetes mellitus without complications") == []


def test_text_layer_words_are_never_repaired() -> None:
    assert _codes("148.91 Unspecified atrial fibrillation", confidence=1.0) == []


def test_a_correctly_read_code_is_not_marked_repaired() -> None:
    assert _codes("I48.91 Unspecified atrial fibrillation") == [("I48.91", False)]
