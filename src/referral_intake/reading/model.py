"""What reading produces and extraction consumes: pages of positioned words.

Coordinates are PDF points from the page's top left (72 per inch), whatever the source (an image page
of W pixels at D dpi is W * 72 / D points wide), so a bbox can be drawn on the rendered page directly.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Any, cast

from referral_intake.contract import PageKind, TextSource


@dataclass(frozen=True, slots=True)
class Word:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    confidence: float = 1.0  # OCR confidence in [0, 1]; 1.0 for a text layer
    block: int = 0
    line: int = 0

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return (self.x0, self.y0, self.x1, self.y1)


@dataclass(slots=True)
class Page:
    number: int  # 1-based, in document order
    width: float  # points
    height: float  # points
    words: list[Word] = field(default_factory=list)
    text_source: TextSource = "text_layer"
    ocr_confidence: float | None = None
    kind: PageKind = "other"
    form_fields: dict[str, str] = field(default_factory=dict)  # filled AcroForm fields: name -> value
    # Degrees (clockwise) the page as rendered (PDF /Rotate applied, or the image as stored) was turned to
    # read upright. Word coordinates are in that upright frame; width/height are the upright size.
    rotation: int = 0
    source: str = ""  # where the page came from inside the document, e.g. "attachment 2 page 1" or "body"
    skew: float = 0.0  # degrees of skew corrected before OCR (image pages only)

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)


@dataclass(slots=True)
class Segment:
    """One referral inside a packet: the 1-based page numbers that belong to it."""

    pages: list[int]
    reason: str = ""  # why this segment starts: "start", "cover_sheet", "page_marker", "patient_change"


@dataclass(slots=True)
class ReadDocument:
    sha256: str
    media_type: str
    filename: str | None = None
    pages: list[Page] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=list)
    body_text: str | None = None  # e-mail body, when the document is a message
    structured: bytes | None = None  # the raw message for C-CDA / HL7 v2 / FHIR inputs
    structured_kind: str | None = None  # "ccda" | "hl7v2" | "fhir"
    errors: list[str] = field(default_factory=list)


# JSON storage: words are stored as compact lists (a faxed packet holds thousands of them).
_WORD_KEYS = ("text", "x0", "y0", "x1", "y1", "confidence", "block", "line")


def _word_to_list(w: Word) -> list[Any]:
    return [
        w.text,
        round(w.x0, 2),
        round(w.y0, 2),
        round(w.x1, 2),
        round(w.y1, 2),
        round(w.confidence, 4),
        w.block,
        w.line,
    ]


def _page_to_dict(p: Page) -> dict[str, Any]:
    return {
        "number": p.number,
        "width": p.width,
        "height": p.height,
        "words": [_word_to_list(w) for w in p.words],
        "text_source": p.text_source,
        "ocr_confidence": p.ocr_confidence,
        "kind": p.kind,
        "form_fields": dict(p.form_fields),
        "rotation": p.rotation,
        "source": p.source,
        "skew": p.skew,
    }


def document_to_dict(doc: ReadDocument) -> dict[str, Any]:
    """Plain JSON-able data for a ReadDocument (`structured` bytes as base64)."""
    return {
        "sha256": doc.sha256,
        "media_type": doc.media_type,
        "filename": doc.filename,
        "pages": [_page_to_dict(p) for p in doc.pages],
        "segments": [{"pages": list(s.pages), "reason": s.reason} for s in doc.segments],
        "body_text": doc.body_text,
        "structured": base64.b64encode(doc.structured).decode("ascii")
        if doc.structured is not None
        else None,
        "structured_kind": doc.structured_kind,
        "errors": list(doc.errors),
    }


def _word_from(raw: Any) -> Word:
    if isinstance(raw, dict):
        return Word(**{k: raw[k] for k in _WORD_KEYS if k in raw})
    text, x0, y0, x1, y1, conf, block, line = raw
    return Word(str(text), float(x0), float(y0), float(x1), float(y1), float(conf), int(block), int(line))


def _segment_from(raw: Any) -> Segment:
    if isinstance(raw, dict):
        return Segment(pages=[int(p) for p in raw["pages"]], reason=str(raw.get("reason", "")))
    return Segment(pages=[int(p) for p in raw])  # an early form stored the page list alone


def document_from_dict(d: dict[str, Any]) -> ReadDocument:
    """The inverse of `document_to_dict`; missing optional keys take their defaults."""
    pages = [
        Page(
            number=int(p["number"]),
            width=float(p["width"]),
            height=float(p["height"]),
            words=[_word_from(w) for w in p.get("words", [])],
            text_source=cast(TextSource, p.get("text_source", "text_layer")),
            ocr_confidence=p.get("ocr_confidence"),
            kind=cast(PageKind, p.get("kind", "other")),
            form_fields=dict(p.get("form_fields", {})),
            rotation=int(p.get("rotation", 0)),
            source=str(p.get("source", "")),
            skew=float(p.get("skew", 0.0)),
        )
        for p in d.get("pages", [])
    ]
    structured = d.get("structured")
    return ReadDocument(
        sha256=d["sha256"],
        media_type=d["media_type"],
        filename=d.get("filename"),
        pages=pages,
        segments=[_segment_from(s) for s in d.get("segments", [])],
        body_text=d.get("body_text"),
        structured=base64.b64decode(structured) if structured is not None else None,
        structured_kind=d.get("structured_kind"),
        errors=list(d.get("errors", [])),
    )
