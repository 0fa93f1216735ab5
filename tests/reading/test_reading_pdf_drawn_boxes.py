"""Tick boxes drawn as vector squares become "☒"/"☐" words beside their labels; other drawings do not."""

from __future__ import annotations

import pymupdf

from referral_intake.reading import read_document_inproc
from referral_intake.reading.model import Word
from referral_intake.settings import ReadingSettings

S = ReadingSettings(sandbox=False)


def _box(page: pymupdf.Page, x: float, y: float, mark: str = "") -> None:
    r = pymupdf.Rect(x, y, x + 8, y + 8)
    page.draw_rect(r, color=(0, 0, 0), width=0.6)
    if mark == "x":
        page.draw_line((x + 1, y + 1), (x + 7, y + 7), color=(0, 0, 0))
        page.draw_line((x + 7, y + 1), (x + 1, y + 7), color=(0, 0, 0))
    elif mark == "fill":
        page.draw_rect(pymupdf.Rect(x + 2, y + 2, x + 6, y + 6), color=None, fill=(0, 0, 0))
    elif mark == "tick":
        page.draw_polyline([(x + 1, y + 4), (x + 3, y + 7), (x + 9, y - 2)], color=(0, 0, 0))


def _words(build: object) -> list[Word]:
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    build(page)  # type: ignore[operator]
    data = doc.tobytes()
    doc.close()
    return read_document_inproc(data, "boxes.pdf", S).pages[0].words


def _marks(words: list[Word]) -> list[tuple[str, str]]:
    """(box, label to its right) pairs, left to right."""
    boxes = sorted((w for w in words if w.text in "☒☐"), key=lambda w: w.x0)
    out = []
    for b in boxes:
        right = min(
            (w for w in words if w.text not in "☒☐" and w.x0 >= b.x1 and abs(w.y0 - b.y0) < 8),
            key=lambda w: w.x0,
        )
        out.append((b.text, right.text))
    return out


def test_drawn_x_marks_the_box_it_sits_in() -> None:
    def build(page: pymupdf.Page) -> None:
        page.insert_text((60, 108), "Priority:", fontsize=10)
        for x, label, mark in ((120, "Routine", ""), (190, "Urgent", "x"), (250, "STAT", "")):
            _box(page, x, 100, mark)
            page.insert_text((x + 11, 108), label, fontsize=10)

    assert _marks(_words(build)) == [("☐", "Routine"), ("☒", "Urgent"), ("☐", "STAT")]


def test_filled_square_and_drawn_tick_count_as_marked() -> None:
    def build(page: pymupdf.Page) -> None:
        for x, label, mark in ((120, "Routine", "fill"), (190, "Urgent", ""), (250, "STAT", "tick")):
            _box(page, x, 100, mark)
            page.insert_text((x + 11, 108), label, fontsize=10)

    assert _marks(_words(build)) == [("☒", "Routine"), ("☐", "Urgent"), ("☒", "STAT")]


def test_rules_table_cells_and_boxes_holding_text_add_no_words() -> None:
    def build(page: pymupdf.Page) -> None:
        page.draw_line((60, 90), (500, 90), color=(0, 0, 0))  # a rule
        page.draw_rect(pymupdf.Rect(60, 120, 300, 140), color=(0, 0, 0))  # a table cell
        page.draw_rect(pymupdf.Rect(60, 200, 70, 210), color=(0, 0, 0))  # a box with a typed X in it
        page.insert_text((62, 208), "X", fontsize=8)
        page.insert_text((74, 208), "Urgent", fontsize=10)

    words = _words(build)
    assert not [w for w in words if w.text in "☒☐"]
    assert [w.text for w in words] == ["X", "Urgent"]
