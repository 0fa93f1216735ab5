"""OCR behind the `OcrEngine` protocol: RapidOCR (default, models inside the wheel) and optional Tesseract.

Engines are built once per process (module-level cache) because loading the ONNX models costs more than
reading a page. Words come back in PDF points of the image given, with the line's confidence.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
import structlog

from referral_intake.errors import ConfigurationError
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


def lines_to_words(lines: Lines, dpi: float) -> list[Word]:
    """OCR lines (pixel boxes) to words in points, in reading order: top to bottom, left to right."""
    scale = 72.0 / dpi
    lines = sorted(lines, key=lambda t: (round(t[1][1] / 8), t[1][0]))
    words: list[Word] = []
    for i, (text, (x0, y0, x1, y1), conf) in enumerate(lines):
        words.extend(split_line(text, (x0 * scale, y0 * scale, x1 * scale, y1 * scale), conf, 0, i))
    return words


class RapidOcrEngine:
    """RapidOCR 3 with the bundled PP-OCRv6 small models; the per-line angle classifier is off because it
    turns upright 1-bit fax lines into garbage (shared/notes/ocr-engines.md); orientation is per page."""

    name = "rapidocr"

    def __init__(self, det_side: int = 960, threads: int = 1, rec_batch: int = 2) -> None:
        from rapidocr import RapidOCR

        self._engine = RapidOCR(
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
        self._lock = threading.Lock()  # one ONNX session pair; calls from several threads take turns

    def _run(self, image: Image) -> Lines:
        with self._lock:
            out: Any = self._engine(image)
        if out.boxes is None or out.txts is None:
            return []
        lines = []
        for quad, text, score in zip(out.boxes, out.txts, out.scores, strict=False):
            q = np.asarray(quad, dtype=np.float64)
            box = (float(q[:, 0].min()), float(q[:, 1].min()), float(q[:, 0].max()), float(q[:, 1].max()))
            lines.append((str(text).strip(), box, float(score)))
        return lines

    def recognize(self, image: Image, dpi: float) -> list[Word]:
        return lines_to_words(self._run(image), dpi)


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


_ENGINES: dict[tuple[str, int, int, int], OcrEngine] = {}
_ENGINES_LOCK = threading.Lock()
_FACTORIES: dict[str, Callable[[ReadingSettings], OcrEngine]] = {
    "rapidocr": lambda s: RapidOcrEngine(s.ocr_det_side, s.ocr_threads, s.ocr_rec_batch),
    "tesseract": lambda s: TesseractEngine(s.ocr_threads),
}


def get_engine(settings: ReadingSettings) -> OcrEngine:
    """The process-wide engine for these settings, built on first use."""
    key = (settings.ocr_engine, settings.ocr_det_side, settings.ocr_threads, settings.ocr_rec_batch)
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
    k = dpi / 72.0
    width, height = image.shape[1] / k, image.shape[0] / k
    mapped = []
    for wd in words:
        x0, y0, x1, y1 = (v / k for v in map_box(inverse, wd.x0 * k, wd.y0 * k, wd.x1 * k, wd.y1 * k))
        if rotation == 180:  # coordinates live in the upright frame: the image turned half a circle
            x0, y0, x1, y1 = width - x1, height - y1, width - x0, height - y0
        mapped.append(Word(wd.text, x0, y0, x1, y1, wd.confidence, wd.block, wd.line))
    return mapped, rotation, prep.skew
