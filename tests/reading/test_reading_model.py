"""ReadDocument survives a JSON round trip."""

from __future__ import annotations

import json

from referral_intake.reading.model import (
    Page,
    ReadDocument,
    Segment,
    Word,
    document_from_dict,
    document_to_dict,
)


def test_document_round_trips_through_json() -> None:
    doc = ReadDocument(
        sha256="ab" * 32,
        media_type="application/pdf",
        filename="x.pdf",
        pages=[
            Page(
                1,
                612.0,
                792.0,
                [Word("DOB:", 72.0, 80.5, 96.25, 92.0, 0.93, 1, 2)],
                "ocr",
                0.93,
                kind="referral_form",
                form_fields={"urgent": "Yes"},
                rotation=180,
                source="attachment 1 page 1",
                skew=0.75,
            )
        ],
        segments=[Segment([1], "start")],
        body_text="hello",
        structured=b"\x00\x01MSH|",
        structured_kind="hl7v2",
        errors=["attachment 2 skipped"],
    )
    back = document_from_dict(json.loads(json.dumps(document_to_dict(doc))))
    assert back == doc


def test_from_dict_accepts_word_objects_and_defaults() -> None:
    d = {
        "sha256": "00",
        "media_type": "image/png",
        "pages": [
            {
                "number": 1,
                "width": 10,
                "height": 20,
                "words": [{"text": "a", "x0": 1, "y0": 2, "x1": 3, "y1": 4}],
            }
        ],
    }
    doc = document_from_dict(d)
    assert doc.pages[0].words[0] == Word("a", 1, 2, 3, 4)
    assert doc.pages[0].kind == "other" and doc.segments == [] and doc.structured is None
