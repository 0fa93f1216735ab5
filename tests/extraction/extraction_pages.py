"""Hand-made test pages: draw text at positions into a real PDF with PyMuPDF and read its words back, exactly as
the reading stage does for a text layer. These layouts are deliberately unlike the synthetic generator's."""

from __future__ import annotations

import hashlib

import pymupdf

from referral_intake.reading.model import Page, ReadDocument, Segment, Word

Item = tuple[float, float, str] | tuple[float, float, str, float]


def pdf_page_words(items: list[Item], width: float = 612, height: float = 792) -> tuple[list[Word], bytes]:
    doc = pymupdf.open()
    pg = doc.new_page(width=width, height=height)
    for it in items:
        x, y, text = it[0], it[1], it[2]
        size = it[3] if len(it) > 3 else 10.0  # type: ignore[misc]
        pg.insert_text((x, y), text, fontsize=size, fontname="helv")
    words = [Word(t, x0, y0, x1, y1, 1.0, b, ln) for (x0, y0, x1, y1, t, b, ln, _w) in pg.get_text("words")]
    data = doc.tobytes()
    doc.close()
    return words, data


def make_doc(
    *pages: list[Item],
    ocr_conf: float | None = None,
    segments: list[list[int]] | None = None,
    kinds: list[str] | None = None,
) -> ReadDocument:
    """A ReadDocument of the given pages; `ocr_conf` marks every word as OCR'd with that confidence."""
    out: list[Page] = []
    digest = hashlib.sha256()
    for i, items in enumerate(pages):
        words, data = pdf_page_words(items)
        digest.update(data)
        if ocr_conf is not None:
            words = [Word(w.text, w.x0, w.y0, w.x1, w.y1, ocr_conf) for w in words]
        page = Page(i + 1, 612, 792, words, "ocr" if ocr_conf is not None else "text_layer", ocr_conf)
        if kinds:
            page.kind = kinds[i]  # type: ignore[assignment]
        out.append(page)
    return ReadDocument(
        sha256=digest.hexdigest(),
        media_type="application/pdf",
        filename="test.pdf",
        pages=out,
        segments=[Segment(s) for s in segments or []],
    )


def value(extraction: object, path: str, referral: int = 0) -> object:
    """The value at a dotted contract path (`patient.last_name`, `insurance.0.member_id`), or None."""
    from referral_intake.contract import Extraction, iter_fields

    assert isinstance(extraction, Extraction)
    if referral >= len(extraction.referrals):
        return None
    fields = dict(iter_fields(extraction.referrals[referral]))
    f = fields.get(path)
    return f.value if f else None


def conf(extraction: object, path: str, referral: int = 0) -> float:
    from referral_intake.contract import Extraction, iter_fields

    assert isinstance(extraction, Extraction)
    f = dict(iter_fields(extraction.referrals[referral])).get(path)
    assert f is not None and f.confidence is not None, path
    return f.confidence


def codes(extraction: object, kind: str = "diagnoses", referral: int = 0) -> set[str]:
    from referral_intake.contract import Extraction

    assert isinstance(extraction, Extraction)
    return {str(c.code.value) for c in getattr(extraction.referrals[referral], kind)}
