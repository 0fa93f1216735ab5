"""Tick boxes on scanned / faxed pages become "☒" / "☐" words beside their labels."""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np
import numpy.typing as npt
import pymupdf

from referral_intake.extraction.layout import build_lines
from referral_intake.reading.checkboxes import (
    EMPTY,
    MARKED,
    Box,
    add_checkboxes,
    find_boxes,
    merge_boxes,
    normalize_text_boxes,
    text_box_state,
)
from referral_intake.reading.model import Page, Word
from referral_intake.reading.ocr import ocr_image
from referral_intake.reading.preprocess import prepare, soften_bilevel

Image = npt.NDArray[np.uint8]
DPI = 200.0


def _box(page: pymupdf.Page, x: float, y: float, mark: str = "", side: float = 9.0) -> None:
    page.draw_rect(pymupdf.Rect(x, y, x + side, y + side), color=(0, 0, 0), width=0.8)
    if mark == "x":
        page.draw_line((x + 1.5, y + 1.5), (x + side - 1.5, y + side - 1.5), color=(0, 0, 0), width=1.0)
        page.draw_line((x + side - 1.5, y + 1.5), (x + 1.5, y + side - 1.5), color=(0, 0, 0), width=1.0)
    elif mark == "tick":  # a check mark that runs out of the box, as pens do
        page.draw_polyline(
            [(x + 1.5, y + 4.5), (x + 4, y + side - 1.5), (x + side + 3, y - 3)], color=(0, 0, 0), width=1.2
        )
    elif mark == "fill":
        page.draw_rect(pymupdf.Rect(x, y, x + side, y + side), color=None, fill=(0, 0, 0))


def _fax(build: Callable[[pymupdf.Page], None], skew: float = 1.0, turn: bool = False) -> Image:
    """The page rendered at 200 dpi, made 1-bit like a fax, turned by `skew` degrees (and upside down)."""
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    build(page)
    pix = page.get_pixmap(dpi=int(DPI), colorspace=pymupdf.csGRAY, alpha=False)
    gray = np.frombuffer(pix.samples, dtype=np.uint8).reshape(pix.height, pix.stride)[:, : pix.width]
    doc.close()
    bw = np.where(gray < 160, 0, 255).astype(np.uint8)
    if skew:
        h, w = bw.shape
        m = cv2.getRotationMatrix2D((w / 2, h / 2), skew, 1.0)
        bw = cv2.warpAffine(bw, m, (w, h), flags=cv2.INTER_NEAREST, borderValue=255)  # type: ignore[assignment]
    if turn:
        bw = np.ascontiguousarray(bw[::-1, ::-1])
    return bw


def _options_form(page: pymupdf.Page) -> None:
    """A form with tick-box rows of several kinds and fonts, and text around them."""
    page.insert_text((60, 70), "REFERRAL FORM", fontsize=16, fontname="hebo")
    page.insert_text((60, 100), "Patient Name: Jane Sample   DOB: 04/05/1970", fontsize=10, fontname="helv")
    page.insert_text((60, 140), "Priority:", fontsize=10, fontname="tiro")
    for x, label, mark in ((120, "Routine", ""), (200, "Urgent", "x"), (270, "STAT", "")):
        _box(page, x, 132, mark)
        page.insert_text((x + 12, 140), label, fontsize=10, fontname="tiro")
    page.insert_text((60, 180), "Sex:", fontsize=10, fontname="helv")
    for x, label, mark in ((120, "Male", ""), (180, "Female", "tick")):
        _box(page, x, 172, mark)
        page.insert_text((x + 12, 180), label, fontsize=10, fontname="helv")
    page.insert_text((60, 220), "Relationship:", fontsize=10, fontname="cour")
    for x, label, mark in ((160, "Self", "fill"), (220, "Spouse", ""), (290, "Child", "")):
        _box(page, x, 212, mark, side=8.0)
        page.insert_text((x + 11, 220), label, fontsize=10, fontname="cour")
    page.insert_text((60, 260), "Reason: evaluate and treat knee pain", fontsize=10, fontname="helv")


def _states(boxes: list[Box]) -> list[list[bool]]:
    """Marked flags row by row, left to right."""
    rows: list[list[Box]] = []
    for b in sorted(boxes, key=lambda b: (b.y0 + b.y1) / 2):
        if rows and abs((rows[-1][0].y0 + rows[-1][0].y1) / 2 - (b.y0 + b.y1) / 2) < 0.5 * (b.y1 - b.y0):
            rows[-1].append(b)
        else:
            rows.append([b])
    return [[b.marked for b in sorted(r, key=lambda b: b.x0)] for r in rows]


def test_ticked_and_empty_boxes_are_found_on_a_skewed_fax() -> None:
    prep = prepare(soften_bilevel(_fax(_options_form, skew=1.0)))
    boxes = find_boxes(prep.image, DPI)
    assert _states(boxes) == [[False, True, False], [False, True], [True, False, False]]
    side = 9.0 * DPI / 72.0
    assert all(0.8 * side <= b.x1 - b.x0 <= 1.3 * side for b in boxes[:5])


def test_letters_and_table_cells_are_not_boxes() -> None:
    """O, 0, D, Q, B, H, N, E, U, letter pairs (MD) and bold type in several fonts and sizes; brackets;
    a table's cells."""

    def build(page: pymupdf.Page) -> None:
        y = 60.0
        for font in ("helv", "hebo", "tiro", "tibo", "cour", "cobo"):
            for size in (8, 10, 12, 16, 22):
                page.insert_text(
                    (40, y),
                    "O0DQBPRHNMEU8#@ oenu [ ] [X] ( ) DOB NOTE MD PM NPI mcg Ordered",
                    fontsize=size,
                    fontname=font,
                )
                y += size * 1.5 + 2
        for r in range(3):  # a grid of 40 x 16 pt cells
            for c in range(5):
                page.draw_rect(pymupdf.Rect(40 + 40 * c, 700 + 16 * r, 80 + 40 * c, 716 + 16 * r), width=0.8)

    prep = prepare(soften_bilevel(_fax(build, skew=0.8)))
    assert find_boxes(prep.image, DPI) == []


def test_a_lone_solid_square_is_not_taken_for_a_ticked_box() -> None:
    def build(page: pymupdf.Page) -> None:
        page.draw_rect(pymupdf.Rect(100, 100, 109, 109), color=None, fill=(0, 0, 0))
        page.insert_text((112, 108), "Medications", fontsize=10)

    assert find_boxes(prepare(soften_bilevel(_fax(build, skew=0))).image, DPI) == []


def _w(text: str, x0: float, x1: float, line: int = 0, y0: float = 100.0) -> Word:
    return Word(text, x0, y0, x1, y0 + 10, 0.9, 0, line)


def test_bracket_forms_read_by_ocr_become_box_glyphs() -> None:
    assert [text_box_state(t) for t in ("{X]", "(x)", "[X", "[}", "{]", "[|", "()", "[1]", "(1)", "X")] == [
        True,
        True,
        True,
        False,
        False,
        False,
        False,
        None,
        None,
        None,
    ]
    words = [
        _w("1", 10, 14),
        _w("}", 16, 20),
        _w("Urgent", 24, 60),
        _w("[", 70, 74),
        _w("X", 75, 79),
        _w("}", 80, 84),
        _w("STAT", 88, 110),
        _w("{X]Routine", 120, 170),
        _w("RoutineI]", 180, 225),
        _w("(1)", 10, 20, line=1, y0=120),
        _w("Hypertension", 24, 80, line=1, y0=120),
    ]
    out = [w.text for w in normalize_text_boxes(words)]
    assert out == [
        EMPTY,
        "Urgent",
        MARKED,
        "STAT",
        MARKED,
        "Routine",
        "Routine",
        EMPTY,
        "(1)",
        "Hypertension",
    ]


def test_an_image_box_replaces_ocr_garbage_and_joins_its_label_line() -> None:
    k = DPI / 72.0
    # OCR line 0: "Priority: 1 } Urgent" where "1 }" is the outline of the box at x 60-69 pt.
    words = [
        _w("Priority:", 10, 50),
        _w("1", 59, 62),
        _w("}", 66, 69),
        _w("Urgent", 58, 100),  # the line box took in the box: the label's share starts over it
        _w("Reason:", 10, 50, line=1, y0=130),
    ]
    box = Box(round(60 * k), round(101 * k), round(69 * k), round(110 * k), 0.3, True, 0.97)
    out = merge_boxes(words, [box], DPI)
    assert [w.text for w in out] == ["Priority:", MARKED, "Urgent", "Reason:"]
    tick, label = out[1], out[2]
    assert (tick.block, tick.line) == (label.block, label.line)
    assert label.x0 > tick.x1


def _text_of_line_with(words: list[Word], token: str, width: float, height: float) -> str:
    page = Page(1, width, height, words, "ocr")
    return next(ln.text for ln in build_lines(page) if token in ln.text)


def test_ocr_of_a_skewed_upside_down_fax_keeps_boxes_beside_their_labels() -> None:
    class Labels:
        """Stands in for the OCR engine: the form's label lines at their printed places (upright frame)."""

        name = "fixed"

        def recognize(self, image: Image, dpi: float) -> list[Word]:
            return [
                Word("Priority:", 60, 131, 100, 142, 0.95, 0, 0),
                Word("Routine", 130, 131, 165, 142, 0.95, 0, 1),
                Word("1", 200, 131, 204, 142, 0.95, 0, 2),
                Word("Urgent", 210, 131, 240, 142, 0.95, 0, 2),
                Word("STAT", 282, 131, 305, 142, 0.95, 0, 3),
            ]

    lines = []
    for turn in (False, True):
        img = _fax(_options_form, skew=0.0, turn=turn)
        words, rotation, _ = ocr_image(Labels(), img, DPI)  # type: ignore[arg-type]
        assert rotation == (180 if turn else 0)
        text = _text_of_line_with(words, "Urgent", img.shape[1] * 72 / DPI, img.shape[0] * 72 / DPI)
        lines.append(" ".join(text.split()))
    assert lines == [f"Priority: {EMPTY} Routine {MARKED} Urgent {EMPTY} STAT"] * 2


def test_add_checkboxes_on_a_blank_image_changes_nothing() -> None:
    words = [_w("Referral", 10, 50)]
    assert add_checkboxes(words, np.full((400, 300), 255, np.uint8), DPI) == words
