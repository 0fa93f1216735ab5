# PyMuPDF ships partial annotations (many methods untyped); the calls below are checked by tests instead.
# mypy: disable-error-code="no-untyped-call"
"""PDF pages to positioned words with PyMuPDF: text layer when usable, OCR of the rendered page when not.

Also reads filled AcroForm fields, puts words of rotated pages into the upright frame, and refuses
encrypted, truncated and bomb files before any page is parsed.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable

import numpy as np
import pymupdf

from referral_intake.errors import UnreadableDocument
from referral_intake.reading.model import Page, Word
from referral_intake.reading.ocr import OcrEngine, ocr_image, page_confidence, split_line
from referral_intake.reading.quality import text_layer_usable
from referral_intake.settings import ReadingSettings

pymupdf.TOOLS.mupdf_display_errors(False)  # MuPDF's own stderr chatter; failures surface as exceptions
pymupdf.TOOLS.mupdf_display_warnings(False)

_MAX_DEFLATE_RATIO = 1032  # deflate cannot expand more than this, so smaller raw streams need no check
_TOGGLES = (
    getattr(pymupdf, "PDF_WIDGET_TYPE_CHECKBOX", 2),
    getattr(pymupdf, "PDF_WIDGET_TYPE_RADIOBUTTON", 5),
)


def open_pdf(data: bytes, settings: ReadingSettings) -> pymupdf.Document:
    """Open and vet a PDF: encryption, truncation, page count, decompression bombs, giant images."""
    if b"%%EOF" not in data[-2048:]:
        raise UnreadableDocument(
            "PDF is truncated (no end-of-file marker); ask the sender to resend it", reason="truncated"
        )
    try:
        doc = pymupdf.open(stream=data, filetype="pdf")
    except (pymupdf.FileDataError, RuntimeError, ValueError):
        raise UnreadableDocument(
            "PDF structure is damaged and could not be repaired", reason="corrupt"
        ) from None
    if doc.needs_pass and not doc.authenticate(""):
        raise UnreadableDocument(
            "PDF is password-protected; ask the sender for an unprotected copy", reason="encrypted"
        )
    n = doc.page_count
    if n == 0:
        raise UnreadableDocument("PDF has no pages", reason="corrupt")
    if n > settings.max_pages:
        raise UnreadableDocument(
            f"PDF has {n} pages, more than reading.max_pages ({settings.max_pages})", reason="too_many_pages"
        )
    _vet_streams(doc, settings, len(data))
    return doc


def _int_key(doc: pymupdf.Document, xref: int, key: str) -> int:
    kind, value = doc.xref_get_key(xref, key)
    try:
        return int(float(value)) if kind in ("int", "float") else 0
    except ValueError:
        return 0


def _vet_streams(doc: pymupdf.Document, settings: ReadingSettings, size: int) -> None:
    """Refuse streams that inflate past reading.max_stream_bytes.

    Deflate expands at most ~1032:1, so a file smaller than limit/1032 holds no bomb, and in a larger one
    only streams whose raw length allows it are inflated, in chunks, and only up to the limit. (Image
    sizes are checked per page, from the page's image list, before anything is rendered.)
    """
    limit = settings.max_stream_bytes
    if size * _MAX_DEFLATE_RATIO <= limit:
        return
    for xref in range(1, doc.xref_length()):
        if not doc.xref_is_stream(xref):
            continue
        raw_len = _int_key(doc, xref, "Length")
        if raw_len * _MAX_DEFLATE_RATIO <= limit or "FlateDecode" not in doc.xref_get_key(xref, "Filter")[1]:
            continue
        if _inflated_size(doc.xref_stream_raw(xref), limit) > limit:
            raise UnreadableDocument(
                f"PDF holds a compressed stream that inflates past reading.max_stream_bytes ({limit} bytes): "
                "a decompression bomb or a damaged file",
                reason="decompression_bomb",
            )


def _check_images(page: pymupdf.Page, settings: ReadingSettings) -> bool:
    """True when the page shows images; refuses one larger than reading.max_pixels."""
    images = page.get_images(full=False)
    for img in images:
        w, h = int(img[2]), int(img[3])
        if w * h > settings.max_pixels:
            raise UnreadableDocument(
                f"PDF holds an image of {w}x{h} pixels, more than reading.max_pixels ({settings.max_pixels})",
                reason="image_too_large",
            )
    return bool(images)


def _inflated_size(raw: bytes, limit: int) -> int:
    inflater = zlib.decompressobj()
    total, chunk = 0, 1 << 20
    data = raw
    try:
        while data and total <= limit:
            total += len(inflater.decompress(data, chunk))
            data = inflater.unconsumed_tail
    except zlib.error:
        return total
    return total


def _upright_matrix(
    page: pymupdf.Page, raw: list[tuple[float, ...]]
) -> tuple[pymupdf.Matrix, int, float, float]:
    """Matrix from unrotated page space to the upright frame, the total rotation and the upright size.

    The page's /Rotate gives the display frame; text that still runs vertically or right-to-left there
    (a landscape page scanned sideways) is turned a further 90/180/270 degrees, judged from word order.
    """
    m = page.rotation_matrix
    rect = page.rect  # display frame
    ux = uy = 0.0  # summed reading direction of lines, in unrotated space (translation cancels out)
    first: dict[tuple[int, int], tuple[float, float]] = {}
    for w in raw:
        key = (int(w[5]), int(w[6]))
        cx, cy = (w[0] + w[2]) / 2, (w[1] + w[3]) / 2
        if key in first:
            fx, fy = first[key]
            ux, uy = ux + cx - fx, uy + cy - fy
        else:
            first[key] = (cx, cy)
    dx, dy = m.a * ux + m.c * uy, m.b * ux + m.d * uy
    extra = 0
    if abs(dy) > 2 * abs(dx):
        extra = 90 if dy < 0 else 270  # text running upward reads upright after turning 90 clockwise
    elif dx < 0 and abs(dx) > 2 * abs(dy):
        extra = 180
    if extra:
        m = m * pymupdf.Matrix(extra)
        turned = rect * pymupdf.Matrix(extra)
        m = m * pymupdf.Matrix(1, 0, 0, 1, -turned.x0, -turned.y0)
        rect = pymupdf.Rect(0, 0, turned.width, turned.height)
    return m, extra, rect.width, rect.height


def _text_layer_words(
    page: pymupdf.Page,
) -> tuple[list[Word], dict[str, str], pymupdf.Matrix, int, float, float]:
    raw = page.get_text("words")
    m, rotation, width, height = _upright_matrix(page, raw)
    fields: dict[str, str] = {}
    checkbox_rects: list[pymupdf.Rect] = []
    extra: list[Word] = []
    widgets = list(page.widgets())
    for wg in widgets:
        name, value = wg.field_name or "", wg.field_value
        rect = wg.rect * m
        if wg.field_type in _TOGGLES:
            checkbox_rects.append(rect)
            checked = value not in (None, False, "", "Off")
            if name:
                fields[name] = str(value) if checked else "Off"
            if checked:
                extra.append(Word("[X]", rect.x0, rect.y0, rect.x1, rect.y1, 1.0, -1, 0))
            continue
        if value in (None, "") or isinstance(value, bool):
            continue
        text = " ".join(str(value).split())
        if name:
            fields[name] = text
        covered = any(rect.contains(pymupdf.Point((w[0] + w[2]) / 2, (w[1] + w[3]) / 2) * m) for w in raw)
        if not covered:  # a field without an appearance stream: its value is not in the text layer
            extra.extend(split_line(text, (rect.x0, rect.y0, rect.x1, rect.y1), 1.0, -1, 0))
    words: list[Word] = []
    a, b, c, d, e, f = m.a, m.b, m.c, m.d, m.e, m.f
    plain = (a, b, c, d, e, f) == (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    for x0, y0, x1, y1, text, block, line, _ in raw:
        if not plain:  # plain float arithmetic: Rect * Matrix per word costs more than get_text itself
            xs = (a * x0 + c * y0 + e, a * x1 + c * y1 + e)
            ys = (b * x0 + d * y0 + f, b * x1 + d * y1 + f)
            x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
        if checkbox_rects:
            cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
            if any(cb.x0 <= cx <= cb.x1 and cb.y0 <= cy <= cb.y1 for cb in checkbox_rects):
                continue  # ZapfDingbats check marks ("3", "4", "l") are noise; the field value says it
        words.append(Word(str(text), x0, y0, x1, y1, 1.0, int(block), int(line)))
    extra += _drawn_boxes(page, m, words, checkbox_rects)
    return words + extra, fields, m, rotation, width, height


_BOX_MIN, _BOX_MAX = 4.0, 16.0  # points: a form's tick box, not a table cell or a rule
_MAX_PATHS = 3000  # pages drawn as thousands of paths (outlined text) hold no readable boxes


def _drawn_boxes(
    page: pymupdf.Page, m: pymupdf.Matrix, words: list[Word], taken: list[pymupdf.Rect]
) -> list[Word]:
    """Tick boxes drawn as vector squares become words "☒" (marked) or "☐" (empty) at the box.

    The text layer holds only the label beside a drawn box, so without this a ticked "Urgent" reads the
    same as an empty one. A box counts as marked when another small path (an X, a tick, a dot) lies
    inside it or the square itself is filled dark; a box with a text word inside is left to that word.
    """
    paths = page.get_drawings()
    if len(paths) > _MAX_PATHS:
        return []
    boxes: list[tuple[pymupdf.Rect, bool]] = []
    marks: list[pymupdf.Rect] = []
    for p in paths:
        r = pymupdf.Rect(p["rect"]) * m
        if r.width > _BOX_MAX * 1.5 or r.height > _BOX_MAX * 1.5:
            continue
        items = p.get("items") or []
        square = (
            len(items) == 1
            and items[0][0] in ("re", "qu")
            and _BOX_MIN <= r.width <= _BOX_MAX
            and 0.8 <= r.width / max(r.height, 0.1) <= 1.25
        )
        fill = p.get("fill")
        dark = fill is not None and sum(fill) / max(len(fill), 1) < 0.5
        if square and p.get("color") is not None:
            boxes.append((r, dark))
        else:
            marks.append(r)
    out: list[Word] = []
    for r, dark in boxes:
        if any(r.intersects(t) for t in taken) or any(
            r.contains(pymupdf.Point((w.x0 + w.x1) / 2, (w.y0 + w.y1) / 2)) for w in words
        ):
            continue
        inner = r + (-1, -1, 1, 1)  # noqa: RUF005  (Rect + 4-tuple grows the rect; not a concatenation)
        marked = dark or any(
            inner.contains(pymupdf.Point((k.x0 + k.x1) / 2, (k.y0 + k.y1) / 2))
            and k.width <= r.width * 1.5
            and k.height <= r.height * 1.5
            for k in marks
        )
        out.append(Word("☒" if marked else "☐", r.x0, r.y0, r.x1, r.y1, 1.0, -1, 0))
    return _dedupe(out)


def _dedupe(boxes: list[Word]) -> list[Word]:
    """One word per box position (a box stroked twice, or an outer and inner square): marked wins."""
    out: list[Word] = []
    for w in sorted(boxes, key=lambda b: b.text != "☒"):
        cx, cy = (w.x0 + w.x1) / 2, (w.y0 + w.y1) / 2
        if not any(o.x0 <= cx <= o.x1 and o.y0 <= cy <= o.y1 for o in out):
            out.append(w)
    return sorted(out, key=lambda b: (b.y0, b.x0))


def _render_gray(page: pymupdf.Page, dpi: float, max_pixels: int) -> tuple[np.ndarray, float]:
    w_in, h_in = page.rect.width / 72.0, page.rect.height / 72.0
    if w_in * h_in * dpi * dpi > max_pixels:
        dpi = (max_pixels / (w_in * h_in)) ** 0.5 * 0.99
    pix = page.get_pixmap(dpi=int(dpi), colorspace=pymupdf.csGRAY, alpha=False)
    img = np.frombuffer(pix.samples, dtype=np.uint8).reshape(pix.height, pix.stride)[:, : pix.width]
    return img, pix.width * 72.0 / page.rect.width


def read_pdf(
    data: bytes, settings: ReadingSettings, engine: Callable[[], OcrEngine], source: str = ""
) -> list[Page]:
    """Every page of a PDF as a Page of words; `engine` is called only if some page needs OCR."""
    doc = open_pdf(data, settings)
    pages: list[Page] = []
    try:
        for i in range(doc.page_count):
            page = doc[i]
            try:
                pages.append(_read_page(page, i + 1, settings, engine, source))
            except (RuntimeError, ValueError) as exc:
                if isinstance(exc, MemoryError):
                    raise
                raise UnreadableDocument(f"PDF page {i + 1} could not be parsed", reason="corrupt") from None
    finally:
        doc.close()
    return pages


def _read_page(
    page: pymupdf.Page, number: int, settings: ReadingSettings, engine: Callable[[], OcrEngine], source: str
) -> Page:
    has_images = _check_images(page, settings)
    words, fields, m, rotation, width, height = _text_layer_words(page)
    label = f"{source} page {number}".strip()
    usable = text_layer_usable(words, lambda: has_images or _has_drawings(page))
    # Mixed pages are merged only in the plain case; a sideways text layer and the render would not align.
    unread = has_images and usable and rotation == 0 and _unread_images(page, m, words, width * height)
    if usable and not unread:
        return Page(
            number,
            width,
            height,
            words,
            "text_layer",
            None,
            form_fields=fields,
            rotation=rotation,
            source=label,
        )
    img, dpi = _render_gray(page, settings.ocr_dpi, settings.max_pixels)
    ocr_words, turned, skew = ocr_image(engine(), img, dpi)
    if (
        usable and turned == 0
    ):  # a text page with pictures of text (a pasted insurance card): keep both, text layer first
        merged = words + [w for w in ocr_words if not _overlaps_any(w, words)]
        return Page(
            number,
            width,
            height,
            merged,
            "ocr",
            page_confidence(ocr_words),
            form_fields=fields,
            rotation=rotation,
            source=label,
        )
    w, h = page.rect.width, page.rect.height
    return Page(
        number,
        w,
        h,
        ocr_words,
        "ocr",
        page_confidence(ocr_words),
        form_fields=fields,
        rotation=turned,
        source=label,
        skew=skew,
    )


def _unread_images(page: pymupdf.Page, m: pymupdf.Matrix, words: list[Word], area: float) -> bool:
    """True when a sizeable image on the page has no text-layer words over it (it may hold text)."""
    for info in page.get_image_info():
        r = pymupdf.Rect(info["bbox"]) * m
        if r.width * r.height < 0.04 * area or min(r.width, r.height) < 40:
            continue  # logos, signatures, rules
        inside = len([w for w in words if r.contains(pymupdf.Point((w.x0 + w.x1) / 2, (w.y0 + w.y1) / 2))])
        if inside < 3:
            return True
    return False


def _overlaps_any(w: Word, words: list[Word]) -> bool:
    cx, cy = (w.x0 + w.x1) / 2, (w.y0 + w.y1) / 2
    return any(o.x0 <= cx <= o.x1 and o.y0 <= cy <= o.y1 for o in words)


def _has_drawings(page: pymupdf.Page) -> bool:
    """Many vector paths (text drawn as outlines) mean a near-empty text layer hides content."""
    return len(page.get_cdrawings()) > 40
