"""OCR behind the `OcrEngine` protocol: RapidOCR (default, models inside the wheel) and optional Tesseract.

Engines are built once per process (module-level cache) because loading the ONNX models costs more than
reading a page. Words come back in PDF points of the image given, with the line's confidence.
"""

from __future__ import annotations

import math
import shutil
import threading
from collections.abc import Callable
from typing import Any, Protocol

import cv2
import numpy as np
import numpy.typing as npt
import structlog

from referral_intake.errors import ConfigurationError
from referral_intake.reading.checkboxes import add_checkboxes
from referral_intake.reading.model import Word
from referral_intake.reading.preprocess import map_box, prepare, soften_bilevel
from referral_intake.settings import ReadingSettings

log = structlog.get_logger(__name__)

Image = npt.NDArray[np.uint8]


class OcrEngine(Protocol):
    name: str

    def recognize(self, image: Image, dpi: float) -> list[Word]:
        """Words of an upright image (grayscale or RGB), boxes in PDF points from the top left."""
        ...


def split_line(
    text: str, box: tuple[float, float, float, float], confidence: float, block: int, line: int
) -> list[Word]:
    """Split an OCR line into words; each word gets a share of the line box proportional to its characters.

    Proportional is within a character or two on print, which is all the extractor needs to point at a value.
    """
    x0, y0, x1, y1 = box
    n = len(text)
    if n == 0:
        return []
    step = (x1 - x0) / n
    words: list[Word] = []
    pos = 0
    for token in text.split(" "):
        if token:
            words.append(
                Word(token, x0 + pos * step, y0, x0 + (pos + len(token)) * step, y1, confidence, block, line)
            )
        pos += len(token) + 1
    return words


Lines = list[tuple[str, tuple[float, float, float, float], float]]  # text, pixel box, confidence

_DET_STRIP_PIXELS = 250_000  # detector input pixels per strip: its activations take ~0.3 KB per pixel
_DET_OVERLAP = 64  # strip overlap in detector pixels: several text lines, so every line is whole in one
_REC_HEIGHT = 48  # the recognizer's input height
_REC_MAX_RATIO = 24.0  # wider line images are cut into pieces (48 x 1152 px at most)
_REC_BATCH_WIDTH = 1600  # lines x widest line per recognizer batch, in input pixels: bounds its memory
_WORD_GAP = 0.12  # a blank run at least this x the line height is a word space


def lines_to_words(lines: Lines, dpi: float) -> list[Word]:
    """OCR lines (pixel boxes) to words in points, in reading order: top to bottom, left to right."""
    scale = 72.0 / dpi
    lines = sorted(lines, key=lambda t: (round(t[1][1] / 8), t[1][0]))
    words: list[Word] = []
    for i, (text, (x0, y0, x1, y1), conf) in enumerate(lines):
        words.extend(split_line(text, (x0 * scale, y0 * scale, x1 * scale, y1 * scale), conf, 0, i))
    return words


class RapidOcrEngine:
    """RapidOCR 3 with the bundled PP-OCRv6 small models, driven step by step to bound memory and keep detail.

    RapidOCR's one-call pipeline is not used because (measured on letter pages at 200 dpi):
    - it shrinks pages to 2000 px before cropping lines, so the recognizer sees thinned fax strokes; here
      lines are cut from the full-resolution page;
    - the detector's activations grow with its input area (about 250 MB at a 960 px side); here the page is
      detected in horizontal strips at the same scale, each a fraction of that area;
    - recognizer memory grows with batch x line width (a full-width line is ~2,000 px at its 48 px input
      height); here wide lines are cut at a blank column into pieces and batches are capped in total width.
    The per-line angle classifier stays off: it turns upright 1-bit fax lines into garbage
    (shared/notes/ocr-engines.md); orientation is decided per page.
    """

    name = "rapidocr"

    def __init__(
        self, det_side: int = 960, threads: int = 1, rec_batch: int = 2, ascii_only: bool = True
    ) -> None:
        from rapidocr import RapidOCR

        engine: Any = RapidOCR(
            params={
                "Global.use_cls": False,
                "Global.log_level": "warning",
                "Det.limit_type": "max",
                "Det.limit_side_len": det_side,
                "Rec.rec_batch_num": rec_batch,
                "EngineConfig.onnxruntime.intra_op_num_threads": threads,
                "EngineConfig.onnxruntime.inter_op_num_threads": 1,
            }
        )
        # RapidOCR's own model loaders (configured from the params above); its one-call pipeline is bypassed.
        self._det: Any = engine._load_det_model()
        self._rec: Any = engine._load_rec_model()
        if ascii_only:
            chars = self._rec.postprocess_op.character  # index 0 is the CTC blank
            keep = np.array([i == 0 or (len(c) == 1 and " " <= c <= "~") for i, c in enumerate(chars)])
            self._rec.session = _KeepClasses(self._rec.session, keep)
        self._text_score = float(engine.cfg.Global.text_score)
        self._det_side = det_side
        self._rec_batch = max(1, rec_batch)
        self._lock = threading.Lock()  # one ONNX session pair; calls from several threads take turns

    def _detect(self, gray: Image) -> list[npt.NDArray[np.float32]]:
        """Text-line quadrilaterals in `gray` pixels, detected in overlapping strips at the detector's scale."""
        h, w = gray.shape
        scale = min(1.0, self._det_side / max(h, w))
        small = (
            cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else gray
        )
        small = cv2.cvtColor(small, cv2.COLOR_GRAY2BGR)
        sh, sw = small.shape[:2]
        n = max(1, math.ceil(sh * sw / _DET_STRIP_PIXELS))
        step = math.ceil((sh + (n - 1) * _DET_OVERLAP) / n)
        kept: list[tuple[float, int, npt.NDArray[np.float32]]] = []  # (distance to a cut edge, strip, quad)
        for i in range(n):
            y0 = 0 if i == 0 else i * (step - _DET_OVERLAP)
            y1 = sh if i == n - 1 else y0 + step
            strip = small[y0:y1]
            self._det.limit_side_len = max(strip.shape[:2])  # already at scale: only rounding to 32
            out = self._det(strip)
            for quad in [] if out.boxes is None else out.boxes:
                top, bottom = float(quad[:, 1].min()), float(quad[:, 1].max())
                room = min(top if i > 0 else sh, (y1 - y0) - bottom if i < n - 1 else sh)
                if room < 3:  # cut by the strip edge: the neighbouring strip holds it whole
                    continue
                q = np.asarray(quad, dtype=np.float32).copy()
                q[:, 1] += y0
                kept.append((room, i, q))
        # A line inside an overlap is found by both strips: keep the copy farthest from a cut edge. Boxes of
        # one strip are never compared: neighbouring lines' boxes may overlap there.
        kept.sort(key=lambda t: -t[0])
        quads: list[npt.NDArray[np.float32]] = []
        boxes: list[tuple[int, tuple[float, float, float, float]]] = []
        for _room, strip_no, q in kept:
            box = (float(q[:, 0].min()), float(q[:, 1].min()), float(q[:, 0].max()), float(q[:, 1].max()))
            if not any(k != strip_no and _same_line(box, other) for k, other in boxes):
                boxes.append((strip_no, box))
                quads.append(q / scale)
        return quads

    def _recognize(self, crops: list[Image]) -> list[tuple[str, float]]:
        """Text and score of each crop, in batches sorted by width and capped in total input width."""
        from rapidocr.ch_ppocr_rec import TextRecInput

        widths = [_REC_HEIGHT * c.shape[1] / max(1, c.shape[0]) for c in crops]
        order = sorted(range(len(crops)), key=lambda i: widths[i])
        out: list[tuple[str, float]] = [("", 0.0)] * len(crops)
        start = 0
        while start < len(order):
            end = start + 1  # widest so far is order[end - 1]: the list is sorted by width
            while (
                end < len(order)
                and end - start < self._rec_batch
                and (end - start + 1) * widths[order[end]] <= _REC_BATCH_WIDTH
            ):
                end += 1
            batch = [cv2.cvtColor(crops[i], cv2.COLOR_GRAY2BGR) for i in order[start:end]]
            self._rec.rec_batch_num = len(batch)
            res = self._rec(TextRecInput(img=batch))
            for i, text, score in zip(order[start:end], res.txts, res.scores, strict=True):
                out[i] = (str(text), float(score))
            start = end
        return out

    def _run(self, image: Image) -> Lines:
        from rapidocr.utils.process_img import get_rotate_crop_image

        gray: Image = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)  # type: ignore[assignment]
        with self._lock:
            quads = self._detect(gray)
            pieces: list[Image] = []
            owner: list[tuple[int, bool]] = []  # (line index, a word space precedes this piece)
            for li, quad in enumerate(quads):
                crop = np.ascontiguousarray(get_rotate_crop_image(gray, quad.astype(np.float32)))
                if crop.size == 0:
                    continue
                for piece, spaced in split_wide(crop, _REC_MAX_RATIO):
                    pieces.append(piece)
                    owner.append((li, spaced))
            results = self._recognize(pieces) if pieces else []
        texts: dict[int, list[str]] = {}
        scores: dict[int, list[tuple[float, int]]] = {}
        for (li, spaced), (text, score) in zip(owner, results, strict=True):
            text = text.strip()
            if not text or score < self._text_score:  # RapidOCR's own filter, per piece
                continue
            parts = texts.setdefault(li, [])
            parts.append((" " if spaced and parts else "") + text)
            scores.setdefault(li, []).append((score, len(text)))
        lines: Lines = []
        for li, parts in texts.items():
            q = quads[li]
            box = (float(q[:, 0].min()), float(q[:, 1].min()), float(q[:, 0].max()), float(q[:, 1].max()))
            weighted = scores[li]
            conf = sum(s * n for s, n in weighted) / max(1, sum(n for _, n in weighted))
            lines.append(("".join(parts).strip(), box, conf))
        return lines

    def recognize(self, image: Image, dpi: float) -> list[Word]:
        return lines_to_words(self._run(image), dpi)


def _same_line(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    """Whether two boxes are one text line found twice: they share most of the smaller one's height and area."""
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    if w <= 0 or h <= 0:
        return False
    smaller = min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]))
    return h >= 0.6 * min(a[3] - a[1], b[3] - b[1]) and w * h >= 0.5 * smaller


class _KeepClasses:
    """Wraps the recognizer's ONNX session and zeroes the scores of characters outside a set before CTC
    decoding, so each position reads as the likeliest allowed character.

    The recognizer knows ~18,700 characters (Chinese, accented Latin, symbols); on thin 1-bit fax print it
    reads specks as accents and strokes as look-alikes ("avé", "lincołn", "714€"). Documents in a known
    script decode better restricted to it; RapidOCR has no option for this, hence the wrapper.
    """

    def __init__(self, session: Any, keep: npt.NDArray[np.bool_]) -> None:
        self._session = session
        self._keep = keep.astype(np.float32)

    def __call__(self, batch: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        preds = np.asarray(self._session(batch), dtype=np.float32)
        preds *= self._keep  # (batch, time, classes) x (classes,)
        return preds


def split_wide(crop: Image, max_ratio: float) -> list[tuple[Image, bool]]:
    """Cut a text-line image wider than `max_ratio` x its height into pieces at blank columns.

    Returns (piece, True when a word space precedes it). Each cut goes at the widest run of the least-inked
    columns near an even division of the line, so it falls between words where there is a gap at all.
    """
    h, w = crop.shape[:2]
    if h == 0 or w <= max_ratio * h:
        return [(crop, False)]
    n = math.ceil(w / (max_ratio * h))
    _, ink = cv2.threshold(crop, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    profile = ink.sum(axis=0)
    pieces: list[tuple[Image, bool]] = []
    left, spaced = 0, False
    for k in range(1, n):
        target = k * w / n
        lo, hi = int(max(left + h, target - 0.3 * w / n)), int(min(w - h, target + 0.3 * w / n))
        if hi <= lo:
            continue
        window = profile[lo:hi]
        low = window <= window.min()
        # Longest run of least-inked columns in the window; ties go to the run nearest the target.
        best, best_len, run_start = (lo + hi) // 2, -1, -1
        for j, is_low in enumerate([*low.tolist(), False]):
            if is_low and run_start < 0:
                run_start = j
            elif not is_low and run_start >= 0:
                length, centre = j - run_start, lo + (run_start + j) // 2
                if length > best_len or (length == best_len and abs(centre - target) < abs(best - target)):
                    best, best_len = centre, length
                run_start = -1
        pieces.append((crop[:, left:best], spaced))
        spaced = bool(window.min() == 0 and best_len >= _WORD_GAP * h)
        left = best
    pieces.append((crop[:, left:], spaced))
    return pieces


class TesseractEngine:
    """Tesseract through `tesserocr` when installed, else the `tesseract` binary via `pytesseract`."""

    name = "tesseract"

    def __init__(self, threads: int = 1) -> None:
        self._api: Any = None
        self._pytesseract: Any = None
        try:
            import tesserocr

            self._api = tesserocr.PyTessBaseAPI(psm=tesserocr.PSM.AUTO)
        except ImportError:
            if shutil.which("tesseract") is None:
                raise ConfigurationError(
                    "reading.ocr_engine is 'tesseract' but neither the tesserocr package nor the tesseract "
                    "binary is installed; install tesseract-ocr (apt) and pytesseract, or use 'rapidocr'"
                ) from None
            try:
                import pytesseract
            except ImportError:
                raise ConfigurationError(
                    "reading.ocr_engine is 'tesseract': the tesseract binary exists but the pytesseract "
                    "package is missing; pip install pytesseract, or use 'rapidocr'"
                ) from None
            self._pytesseract = pytesseract
        self._lock = threading.Lock()

    def _run(self, image: Image) -> Lines:
        from PIL import Image as PilImage

        pil = PilImage.fromarray(image)
        out: Lines = []
        with self._lock:
            if self._api is not None:
                import tesserocr

                self._api.SetImage(pil)
                self._api.Recognize()
                it = self._api.GetIterator()
                level = tesserocr.RIL.WORD
                for r in tesserocr.iterate_level(it, level):
                    text, bb = r.GetUTF8Text(level), r.BoundingBox(level)
                    if text and bb:
                        out.append((text.strip(), tuple(map(float, bb)), r.Confidence(level) / 100.0))  # type: ignore[arg-type]
            else:
                d = self._pytesseract.image_to_data(pil, output_type=self._pytesseract.Output.DICT)
                for t, x, y, w, h, c in zip(
                    d["text"], d["left"], d["top"], d["width"], d["height"], d["conf"], strict=False
                ):
                    if str(t).strip() and float(c) >= 0:
                        out.append(
                            (
                                str(t).strip(),
                                (float(x), float(y), float(x + w), float(y + h)),
                                float(c) / 100.0,
                            )
                        )
        return out

    def recognize(self, image: Image, dpi: float) -> list[Word]:
        return lines_to_words(self._run(image), dpi)


_ENGINES: dict[tuple[str, int, int, int, bool], OcrEngine] = {}
_ENGINES_LOCK = threading.Lock()
_FACTORIES: dict[str, Callable[[ReadingSettings], OcrEngine]] = {
    "rapidocr": lambda s: RapidOcrEngine(s.ocr_det_side, s.ocr_threads, s.ocr_rec_batch, s.ocr_ascii_only),
    "tesseract": lambda s: TesseractEngine(s.ocr_threads),
}


def get_engine(settings: ReadingSettings) -> OcrEngine:
    """The process-wide engine for these settings, built on first use."""
    key = (
        settings.ocr_engine,
        settings.ocr_det_side,
        settings.ocr_threads,
        settings.ocr_rec_batch,
        settings.ocr_ascii_only,
    )
    with _ENGINES_LOCK:
        engine = _ENGINES.get(key)
        if engine is None:
            factory = _FACTORIES.get(settings.ocr_engine)
            if factory is None:
                raise ConfigurationError(
                    f"unknown reading.ocr_engine {settings.ocr_engine!r}; known: {', '.join(sorted(_FACTORIES))}"
                )
            engine = factory(settings)
            _ENGINES[key] = engine
            log.info("ocr_engine_loaded", engine=settings.ocr_engine, det_side=settings.ocr_det_side)
        return engine


def page_confidence(words: list[Word]) -> float | None:
    """Character-weighted mean confidence of a page's words (None for an empty page)."""
    total = sum(len(w.text) for w in words)
    if total == 0:
        return None
    return sum(w.confidence * len(w.text) for w in words) / total


_RETRY_BELOW = 0.80  # page confidence under which the upside-down guess is checked by OCR at 180 degrees


def ocr_image(engine: OcrEngine, image: Image, dpi: float) -> tuple[list[Word], int, float]:
    """Straighten and orient an image, OCR it, and map the words back onto the image as given.

    Returns (words in points of the upright frame: the input image turned clockwise by `rotation`,
    rotation 0/180, skew corrected in degrees). Skew is undone in the coordinates; rotation is not.
    """
    prep = prepare(soften_bilevel(image))
    words = engine.recognize(prep.image, dpi)
    rotation, inverse = prep.rotation, prep.inverse
    conf = page_confidence(words)
    if conf is not None and conf < _RETRY_BELOW:
        flipped = np.ascontiguousarray(prep.image[::-1, ::-1])
        other = engine.recognize(flipped, dpi)
        other_conf = page_confidence(other) or 0.0
        if other_conf > conf + 0.05 and len(other) >= len(words) * 0.8:
            h, w = prep.image.shape
            flip = np.array([[-1.0, 0.0, w - 1.0], [0.0, -1.0, h - 1.0]])
            words, rotation = other, (prep.rotation + 180) % 360
            inverse = np.vstack([prep.inverse, [0.0, 0.0, 1.0]]) @ np.vstack([flip, [0.0, 0.0, 1.0]])
            inverse = inverse[:2]
    # Tick boxes the recognizer misreads become "☒"/"☐" words, found on the image the words came from.
    words = add_checkboxes(words, prep.image if rotation == prep.rotation else prep.image[::-1, ::-1], dpi)
    k = dpi / 72.0
    width, height = image.shape[1] / k, image.shape[0] / k
    mapped = []
    for wd in words:
        x0, y0, x1, y1 = (v / k for v in map_box(inverse, wd.x0 * k, wd.y0 * k, wd.x1 * k, wd.y1 * k))
        if rotation == 180:  # coordinates live in the upright frame: the image turned half a circle
            x0, y0, x1, y1 = width - x1, height - y1, width - x0, height - y0
        mapped.append(Word(wd.text, x0, y0, x1, y1, wd.confidence, wd.block, wd.line))
    return mapped, rotation, prep.skew
