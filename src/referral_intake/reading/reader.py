"""Reads one inbound file into a ReadDocument in this process: detect, load pages, classify, split.

`sandbox.py` runs this in a child process with limits; call it directly only for trusted inputs
(tests, evaluation).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from referral_intake.errors import UnreadableDocument
from referral_intake.reading import detect
from referral_intake.reading.classify import classify_pages
from referral_intake.reading.email import parse_message
from referral_intake.reading.images import raster_pages
from referral_intake.reading.model import Page, ReadDocument, Word
from referral_intake.reading.ocr import OcrEngine, get_engine, ocr_image, page_confidence
from referral_intake.reading.pdf import read_pdf
from referral_intake.reading.split import split_packet
from referral_intake.settings import ReadingSettings

_MIN_ATTACHMENT_PIXELS = 200 * 200  # smaller images in an e-mail are logos and signatures, not pages
_BODY_CHARS_PER_LINE = 95
_BODY_CHAR_W, _BODY_LINE_H = 6.0, 12.0  # a body page is laid out as 10 pt Courier


def read_document_inproc(data: bytes, filename: str | None, settings: ReadingSettings) -> ReadDocument:
    """Read `data` in this process. Raises UnreadableDocument with a specific `reason`."""
    media = detect.detect_media_type(data)
    doc = ReadDocument(sha256=hashlib.sha256(data).hexdigest(), media_type=media, filename=filename)
    if media in detect.STRUCTURED_KINDS:
        doc.structured, doc.structured_kind = data, detect.STRUCTURED_KINDS[media]
        return doc
    engine = _lazy_engine(settings)
    if media == detect.EMAIL:
        doc.pages, doc.body_text = _read_email(data, settings, engine, doc.errors, 0)
    else:
        _refuse_unknown(media, filename)
        doc.pages = _read_file(data, media, settings, engine, "")
    for i, page in enumerate(doc.pages):
        page.number = i + 1
    if len(doc.pages) > settings.max_pages:
        raise UnreadableDocument(
            f"document has {len(doc.pages)} pages, more than reading.max_pages ({settings.max_pages})",
            reason="too_many_pages",
        )
    classify_pages(doc.pages)
    doc.segments = split_packet(doc.pages)
    return doc


def _refuse_unknown(media: str, filename: str | None) -> None:
    if media != detect.UNKNOWN:
        return
    if filename and filename.lower().endswith(".pdf"):
        raise UnreadableDocument("file is named .pdf but its content is not a PDF", reason="not_a_pdf")
    raise UnreadableDocument(
        "file type not recognized: send PDF, TIFF, PNG, JPEG, e-mail (.eml), C-CDA, HL7 v2 or FHIR JSON",
        reason="unsupported_type",
    )


def _lazy_engine(settings: ReadingSettings) -> Callable[[], OcrEngine]:
    return lambda: get_engine(settings)


def _read_file(
    data: bytes, media: str, settings: ReadingSettings, engine: Callable[[], OcrEngine], source: str
) -> list[Page]:
    if media == detect.PDF:
        return read_pdf(data, settings, engine, source)
    if media in detect.IMAGE_TYPES:
        return read_image(data, settings, engine, source)
    return []


def read_image(
    data: bytes,
    settings: ReadingSettings,
    engine: Callable[[], OcrEngine],
    source: str = "",
    min_pixels: int = 0,
) -> list[Page]:
    pages: list[Page] = []
    for i, raster in enumerate(raster_pages(data, settings)):
        h, w = raster.image.shape
        if w * h < min_pixels:
            continue
        words, rotation, skew = ocr_image(engine(), raster.image, raster.dpi)
        k = 72.0 / raster.dpi
        pages.append(
            Page(
                i + 1,
                w * k,
                h * k,
                words,
                "ocr",
                page_confidence(words),
                rotation=rotation,
                source=f"{source} page {i + 1}".strip(),
                skew=skew,
            )
        )
    return pages


def _read_email(
    data: bytes, settings: ReadingSettings, engine: Callable[[], OcrEngine], errors: list[str], depth: int
) -> tuple[list[Page], str]:
    msg = parse_message(data, settings)
    pages: list[Page] = []
    body_page = body_to_page(msg.body)
    if body_page is not None:
        pages.append(body_page)
    for n, att in enumerate(msg.attachments, start=1):
        media = detect.detect_media_type(att.data)
        label = f"attachment {n}"
        if media == detect.PDF:
            pages.extend(read_pdf(att.data, settings, engine, label))
        elif media in detect.IMAGE_TYPES:
            pages.extend(read_image(att.data, settings, engine, label, _MIN_ATTACHMENT_PIXELS))
        elif media == detect.EMAIL and depth < 5:  # a forward attached as a file rather than message/rfc822
            inner, _ = _read_email(att.data, settings, engine, errors, depth + 1)
            pages.extend(inner)
        else:
            errors.append(f"attachment {n} skipped: {media} is not a page format")
        if len(pages) > settings.max_pages:
            break
    return pages, msg.body


def body_to_page(body: str) -> Page | None:
    """An e-mail body as a page of words (wrapped like a 10 pt Courier page) so extraction can point at it."""
    lines: list[str] = []
    for raw in body.splitlines():
        raw = raw.rstrip()
        while len(raw) > _BODY_CHARS_PER_LINE:
            cut = raw.rfind(" ", 0, _BODY_CHARS_PER_LINE)
            cut = cut if cut > 0 else _BODY_CHARS_PER_LINE
            lines.append(raw[:cut])
            raw = raw[cut:].lstrip()
        lines.append(raw)
    words: list[Word] = []
    for li, line in enumerate(lines):
        y0 = 36.0 + li * _BODY_LINE_H
        pos = 0
        for token in line.split(" "):
            if token:
                x0 = 36.0 + pos * _BODY_CHAR_W
                words.append(Word(token, x0, y0, x0 + len(token) * _BODY_CHAR_W, y0 + 10.0, 1.0, 0, li))
            pos += len(token) + 1
    if len(words) < 3:
        return None
    height = max(792.0, 72.0 + len(lines) * _BODY_LINE_H)
    return Page(1, 612.0, height, words, "text_layer", None, source="body")
