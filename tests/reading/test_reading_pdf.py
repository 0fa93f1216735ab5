"""PDF reading: text layer words, rotated pages, AcroForm values, text-layer quality, refusals."""

from __future__ import annotations

import pymupdf
import pytest
from reading_factories import (
    bomb_pdf,
    encrypted_pdf,
    form_pdf,
    scanned_pdf,
    ten_thousand_page_pdf,
    text_pdf,
    upright_rotated_pdf,
)

from referral_intake.errors import UnreadableDocument
from referral_intake.reading import read_document_inproc
from referral_intake.reading.model import Word
from referral_intake.reading.quality import garbage_ratio, plausible, text_layer_usable
from referral_intake.settings import ReadingSettings

S = ReadingSettings(sandbox=False)


def _find(words: list[Word], text: str) -> Word:
    return next(w for w in words if w.text == text)


def test_born_digital_pdf_words_match_pymupdf() -> None:
    data = text_pdf(pages=2)
    doc = read_document_inproc(data, "referral.pdf", S)
    assert doc.media_type == "application/pdf" and len(doc.pages) == 2
    page = doc.pages[0]
    assert page.text_source == "text_layer" and page.ocr_confidence is None
    bare = pymupdf.open(stream=data, filetype="pdf")[0].get_text("words")
    assert [w.text for w in page.words] == [w[4] for w in bare]
    dob = _find(page.words, "03/14/1962")
    assert dob.x0 > 72 and 80 < dob.y1 < 100 and dob.confidence == 1.0
    assert page.kind == "referral_form"
    assert [s.pages for s in doc.segments] == [[1, 2]]


def test_rotated_page_words_are_in_the_upright_frame() -> None:
    doc = read_document_inproc(upright_rotated_pdf(), None, S)
    page = doc.pages[0]
    assert (page.width, page.height) == (612, 792)
    first, second = _find(page.words, "REFERRAL"), _find(page.words, "FORM")
    assert first.x0 == pytest.approx(72, abs=1) and first.y1 == pytest.approx(75, abs=2)
    assert second.x0 > first.x1 and second.y0 == pytest.approx(first.y0, abs=0.5)  # reads left to right
    assert page.rotation == 0


def test_sideways_text_is_turned_upright() -> None:
    doc = read_document_inproc(text_pdf(rotate=90), None, S)
    page = doc.pages[0]
    assert page.rotation == 270 and (page.width, page.height) == (612, 792)
    first, second = _find(page.words, "REFERRAL"), _find(page.words, "FORM")
    assert second.x0 > first.x1 and abs(second.y0 - first.y0) < 0.5
    assert first.x0 == pytest.approx(72, abs=1)


def test_acroform_field_values_are_read() -> None:
    page = read_document_inproc(form_pdf(), "form.pdf", S).pages[0]
    assert page.form_fields == {"patient_name": "Maria Gonzalez", "urgent": "Yes"}
    texts = [w.text for w in page.words]
    assert "Maria" in texts and "Gonzalez" in texts
    check = _find(page.words, "[X]")
    assert check.x0 == pytest.approx(72) and check.y0 == pytest.approx(130)


def test_encrypted_pdf_is_refused() -> None:
    with pytest.raises(UnreadableDocument) as err:
        read_document_inproc(encrypted_pdf(), "x.pdf", S)
    assert err.value.reason == "encrypted"


def test_truncated_pdf_is_refused() -> None:
    data = text_pdf(pages=3)
    with pytest.raises(UnreadableDocument) as err:
        read_document_inproc(data[: len(data) // 2], "x.pdf", S)
    assert err.value.reason == "truncated"


def test_garbage_named_pdf_is_not_a_pdf() -> None:
    with pytest.raises(UnreadableDocument) as err:
        read_document_inproc(b"this is a word document\x00\x01" * 40, "referral.PDF", S)
    assert err.value.reason == "not_a_pdf"
    with pytest.raises(UnreadableDocument) as err:
        read_document_inproc(b"\x00\x01\x02 binary", "referral.docx", S)
    assert err.value.reason == "unsupported_type"


def test_page_limit_is_checked_before_parsing() -> None:
    with pytest.raises(UnreadableDocument) as err:
        read_document_inproc(ten_thousand_page_pdf(), "big.pdf", S)
    assert err.value.reason == "too_many_pages"


def test_decompression_bomb_stream_is_refused() -> None:
    settings = ReadingSettings(sandbox=False, max_stream_bytes=20_000_000)
    with pytest.raises(UnreadableDocument) as err:
        read_document_inproc(bomb_pdf(100_000_000), "bomb.pdf", settings)
    assert err.value.reason == "decompression_bomb"


def test_structured_inputs_are_passed_through() -> None:
    data = b'{"resourceType": "Bundle", "entry": []}'
    doc = read_document_inproc(data, "x.json", S)
    assert doc.structured == data and doc.structured_kind == "fhir" and doc.pages == []


@pytest.mark.parametrize(
    ("token", "ok"),
    [
        ("Patient", True),
        ("03/14/1962", True),
        ("(512)", True),
        ("McDonald", True),
        ("O'Brien", True),
        ("M17.11", True),
        ("NPI#", True),
        ("XQZ123456789", True),
        ("a@b.com", True),
        ("tHe", False),
        ("xqzrtp", False),
        ("\ufffd\ufffd", False),
        ("lIlI", False),
    ],
)
def test_plausible_words(token: str, ok: bool) -> None:
    assert plausible(token) is ok


def test_text_layer_quality_decisions() -> None:
    good = [
        Word(t, 0, 0, 1, 1)
        for t in ["Patient", "Name", "Maria", "Gonzalez", "DOB", "03/14/1962", "Reason", "knee", "pain"]
    ]
    junk = [
        Word(t, 0, 0, 1, 1)
        for t in ["tHe", "qXzv", "lIlI", "~~^^", "Nrnrnrn", "zkqwp", "0O0o", "xJk", "Ptnt"]
    ]
    assert garbage_ratio(good) == 0.0 and garbage_ratio(junk) > 0.5
    assert text_layer_usable(good, lambda: True)
    assert not text_layer_usable(junk, lambda: False)
    assert not text_layer_usable([Word("ab", 0, 0, 1, 1)], lambda: True)  # tiny layer over a scan
    assert text_layer_usable([], lambda: False)  # a blank page stays blank


def test_scanned_pdf_with_junk_text_layer_goes_to_ocr() -> None:
    data = scanned_pdf(angle=1.0, junk_layer=True)
    assert "qXzv" in pymupdf.open(stream=data, filetype="pdf")[0].get_text()  # the junk layer is there
    doc = read_document_inproc(data, "scan.pdf", S)
    page = doc.pages[0]
    assert page.text_source == "ocr" and page.ocr_confidence is not None and page.ocr_confidence > 0.8
    assert "qXzv" not in page.text
    dob = _find(page.words, "03/14/1962")
    assert 0.8 < dob.confidence <= 1.0
    # Within a few points of where the text layer had it, skew undone.
    assert dob.y1 == pytest.approx(95, abs=6)
    assert abs(page.skew) == pytest.approx(1.0, abs=0.3)
    assert page.kind == "referral_form"
