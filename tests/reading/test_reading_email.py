"""E-mail: body text plus every attachment, nested forwards included, limits enforced."""

from __future__ import annotations

import pytest
from reading_factories import eml_with, eml_with_attachments, text_pdf

from referral_intake.errors import UnreadableDocument
from referral_intake.reading import read_document_inproc
from referral_intake.reading.email import parse_message
from referral_intake.settings import ReadingSettings

S = ReadingSettings(sandbox=False)


def test_eml_with_two_attachments_and_a_nested_forward() -> None:
    doc = read_document_inproc(eml_with_attachments(), "msg.eml", S)
    assert doc.media_type == "message/rfc822"
    assert (
        doc.body_text is not None
        and "card attached" in doc.body_text
        and "Original referral" in doc.body_text
    )
    sources = [p.source for p in doc.pages]
    assert sources == ["body", "attachment 1 page 1", "attachment 2 page 1", "attachment 3 page 1"]
    assert [p.number for p in doc.pages] == [1, 2, 3, 4]
    assert doc.pages[1].kind == "referral_form" and doc.pages[1].text_source == "text_layer"
    assert "XQZ123456789" in doc.pages[2].text and doc.pages[2].text_source == "ocr"
    assert "Progress" in doc.pages[3].text  # the PDF inside the forwarded message
    assert doc.pages[0].words[0].text == "Please" and doc.pages[0].words[0].x0 == 36.0


def test_attachment_limits() -> None:
    msg = eml_with(text_pdf(), "a.pdf")
    with pytest.raises(UnreadableDocument) as err:
        parse_message(msg, ReadingSettings(max_attachment_bytes=1000))
    assert err.value.reason == "attachment_too_large"
    with pytest.raises(UnreadableDocument) as err:
        parse_message(eml_with_attachments(), ReadingSettings(max_attachments=1))
    assert err.value.reason == "too_many_attachments"


def test_non_page_attachments_are_noted_not_read() -> None:
    doc = read_document_inproc(eml_with(b"PK\x03\x04zipdata", "x.zip", "application", "zip"), None, S)
    assert [p.source for p in doc.pages] == [] or all(p.source == "body" for p in doc.pages)
    assert any("attachment 1 skipped" in e for e in doc.errors)
