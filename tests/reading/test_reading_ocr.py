"""OCR: line-to-word splitting, deskew and orientation, engine registry, Tesseract availability."""

from __future__ import annotations

import importlib.util
import shutil

import numpy as np
import pytest
from reading_factories import render_gray, text_pdf

from referral_intake.errors import ConfigurationError
from referral_intake.reading.ocr import (
    RapidOcrEngine,
    TesseractEngine,
    _KeepClasses,
    get_engine,
    lines_to_words,
    ocr_image,
    page_confidence,
    split_line,
    split_wide,
)
from referral_intake.reading.preprocess import estimate_skew, prepare, rotate, upside_down_score
from referral_intake.settings import ReadingSettings


@pytest.fixture(scope="module")
def page() -> np.ndarray:
    return np.asarray(render_gray(text_pdf()), dtype=np.uint8)


def test_split_line_shares_the_box_by_characters() -> None:
    words = split_line("DOB: 03/14/1962", (0.0, 10.0, 150.0, 20.0), 0.9, 0, 3)
    assert [w.text for w in words] == ["DOB:", "03/14/1962"]
    assert words[0].x0 == 0 and words[0].x1 == pytest.approx(40) and words[1].x0 == pytest.approx(50)
    assert words[1].x1 == pytest.approx(150) and all(w.confidence == 0.9 and w.line == 3 for w in words)


def test_lines_to_words_converts_pixels_to_points_in_reading_order() -> None:
    lines = [("second", (0.0, 400.0, 100.0, 440.0), 0.8), ("first", (0.0, 200.0, 100.0, 240.0), 0.9)]
    words = lines_to_words(lines, 200.0)
    assert [w.text for w in words] == ["first", "second"]
    assert words[0].y0 == pytest.approx(72.0) and words[0].x1 == pytest.approx(36.0)
    assert page_confidence(words) == pytest.approx((0.9 * 5 + 0.8 * 6) / 11)
    assert page_confidence([]) is None


@pytest.mark.parametrize("angle", [-1.4, -0.5, 0.8, 3.0])
def test_skew_estimate(page: np.ndarray, angle: float) -> None:
    turned, _ = rotate(page, angle)
    assert estimate_skew(turned) == pytest.approx(angle, abs=0.2)


def test_upside_down_pages_are_detected(page: np.ndarray) -> None:
    assert upside_down_score(page) < -0.15
    flipped = np.ascontiguousarray(page[::-1, ::-1])
    assert upside_down_score(flipped) > 0.15
    prep = prepare(rotate(flipped, 1.0)[0])
    assert prep.rotation == 180 and abs(prep.skew) == pytest.approx(1.0, abs=0.2)


def test_upside_down_skewed_page_reads_upright(page: np.ndarray) -> None:
    img = np.ascontiguousarray(rotate(page, -0.9)[0][::-1, ::-1])
    words, rotation, _skew = ocr_image(get_engine(ReadingSettings()), img, 200.0)
    assert rotation == 180
    texts = [w.text for w in words]
    assert "03/14/1962" in texts and "XQZ123456789" in texts
    dob = words[texts.index("03/14/1962")]
    # In the upright frame the date sits on the second line, ~95 pt from the top (skew undone).
    assert dob.y1 == pytest.approx(95, abs=8)


def test_engine_is_built_once_per_process() -> None:
    s = ReadingSettings()
    assert get_engine(s) is get_engine(s)
    assert isinstance(get_engine(s), RapidOcrEngine)


def test_unknown_engine_is_a_configuration_error() -> None:
    s = ReadingSettings.model_construct(**{**ReadingSettings().model_dump(), "ocr_engine": "abbyy"})
    with pytest.raises(ConfigurationError, match="known: rapidocr, tesseract"):
        get_engine(s)


def test_tesseract_engine_needs_tesseract() -> None:
    have = importlib.util.find_spec("tesserocr") is not None or (
        shutil.which("tesseract") is not None and importlib.util.find_spec("pytesseract") is not None
    )
    if have:  # a machine with Tesseract: the engine must read a line
        engine = TesseractEngine()
        img = np.asarray(render_gray(text_pdf()), dtype=np.uint8)
        assert "03/14/1962" in [w.text for w in engine.recognize(img, 200.0)]
    else:  # CI: no Tesseract installed, the choice is refused with a message naming the fix
        with pytest.raises(ConfigurationError, match="tesseract"):
            TesseractEngine()


def _line_image(words: list[int], gap: int, height: int = 40) -> np.ndarray:
    """A white line image with black 'words' (solid bars) of the given widths separated by `gap` blank columns."""
    width = sum(words) + gap * (len(words) + 1)
    img = np.full((height, width), 255, np.uint8)
    x = gap
    for w in words:
        img[10:30, x : x + w] = 0
        x += w + gap
    return img


def test_split_wide_keeps_short_lines_whole() -> None:
    img = _line_image([100, 120], 20)
    pieces = split_wide(img, 24.0)
    assert len(pieces) == 1 and pieces[0][0].shape == img.shape and pieces[0][1] is False


def test_split_wide_cuts_long_lines_between_words() -> None:
    img = _line_image([90] * 18, 12)  # 1,848 x 40 px: ratio 46, cut into two pieces
    pieces = split_wide(img, 24.0)
    assert len(pieces) == 2
    assert sum(p.shape[1] for p, _ in pieces) == img.shape[1]
    cut = pieces[0][0].shape[1]
    assert img[:, cut].min() == 255  # the cut falls in a blank column, not through a word
    assert pieces[1][1] is True  # the gap is a word space: the texts are joined with one
    assert all(p.shape[1] <= 24.0 * 40 * 1.3 for p, _ in pieces)


def test_split_wide_joins_without_space_when_cut_through_ink() -> None:
    img = np.zeros((30, 2000), np.uint8)  # solid ink: nowhere to cut between words
    img[:, ::7] = 255
    pieces = split_wide(img, 24.0)
    assert len(pieces) == 3 and not any(spaced for _p, spaced in pieces)


def test_rapidocr_reads_a_page_detected_in_strips() -> None:
    # A page whose detector input needs several strips; every line must be read once, none twice.
    lines = tuple(f"Line {i:02d} Patient MRN XQZ{i:04d}" for i in range(30))
    img = np.asarray(render_gray(text_pdf(lines)), dtype=np.uint8)
    words = get_engine(ReadingSettings()).recognize(img, 200.0)
    found = [w.text for w in words if w.text.startswith("XQZ")]
    assert sorted(found) == [f"XQZ{i:04d}" for i in range(30)]


def test_ascii_only_restricts_the_recognizer_alphabet() -> None:
    session = lambda batch: np.array([[[0.1, 0.2, 0.7], [0.6, 0.3, 0.1]]], np.float32)  # noqa: E731
    keep = np.array([True, True, False])
    preds = _KeepClasses(session, keep)(np.zeros((1, 3, 48, 32), np.float32))
    assert preds.argmax(axis=2).tolist() == [[1, 0]]
