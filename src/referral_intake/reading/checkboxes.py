"""Tick boxes on OCR'd pages become "☒" (marked) / "☐" (empty) words, as drawn boxes do on text-layer pages.

OCR reads a printed tick box as noise ("1 }", "{]", "]") or drops it, so a faxed "[X] Routine [ ] Urgent"
loses which option was chosen. Two sources are combined:

- the page image: small hollow squares with four straight sides are found, and the ink inside them (an X,
  a tick, a filled square) decides marked or empty;
- the OCR text: bracket forms the recognizer did read ("{X]", "[}", "[ ]" in two pieces) are rewritten as
  the same glyphs.

An image box replaces any OCR box-like token over it and joins the OCR line of its label, so the extractor
sees "☒ Routine" on the line it already reads. Coordinates are those of the image given (the upright,
deskewed image OCR saw), in points, like the engine's words.

No maintained library finds form tick boxes in raster images (layout-parser/docTR detect text and tables,
not ticks); OpenCV supplies the morphology and contours, and the square tests below are ours.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

from referral_intake.reading.model import Word

Gray = npt.NDArray[np.uint8]

MARKED, EMPTY = "☒", "☐"

_MIN_SIDE, _MAX_SIDE = 5.5, 18.0  # points: a form's tick box, from a 7 pt glyph box to a large drawn one
_MAX_ASPECT = 1.3  # width / height (or its inverse) of a square box after fax resampling
_SIDE_COVER = 0.8  # share of each side's length that must be inked (fax print drops pixels)
_MARK_FILL = 0.10  # ink share inside the box (away from the outline) from which it counts as marked
_EMPTY_FILL = 0.04  # below this the box is plainly empty; between the two the decision is less sure
_MAX_BOXES = 200  # more "boxes" than this on a page is a grid or a pattern, not a form's options

# Tokens OCR makes of a printed box: opener + optional X / stroke + closer, in any bracket mix.
_OPEN, _CLOSE = "[{(", "]})"
_TEXT_MARKED = re.compile(r"^[\[{(|][xX×][\]})|]?$|^[\[{(|]?[xX×][\]})|]$")
_TEXT_EMPTY = re.compile(r"^(?:[\[{(]\s?[\]})]|[\[{][|Il1][\]}]?|[\[{]?[|Il1][\]}])$")
_GLUED_BOX = re.compile(
    r"^([\[{(][xX× ]?[\]})])([A-Za-z].+)$|^([A-Za-z]{2,}?)([\[{][xX× ]?[\]}]|[Il1|][\]}])$"
)
# What the recognizer writes for a box outline or a mark in it: brackets, strokes, X, look-alike digits.
_BOXISH = re.compile(r"^[\[\]{}()|!Il1iJjxX×口□☐☒✓✔vV/\\_.,:;'\"`~°*+-]{1,4}$")
_BOXISH_PREFIX = re.compile(r"^([\[\]{}()|!Il1]{1,3})([A-Z][A-Za-z]+\W?)$")


@dataclass(frozen=True, slots=True)
class Box:
    """A tick box in image pixels, with its inside ink share and the decision taken from it."""

    x0: int
    y0: int
    x1: int
    y1: int
    fill: float
    marked: bool
    confidence: float


def find_boxes(gray: Gray, dpi: float) -> list[Box]:
    """Hollow squares of tick-box size in a page image (dark ink on light paper), top to bottom.

    Straight strokes are kept by opening the ink image with a horizontal and a vertical line element half
    as long as the smallest box side: most letters fall apart, a box keeps its four sides. Candidate boxes
    are pairs of horizontal strokes of box length, one above the other at about that distance and with the
    same ends, so a tick running out of the box or a label touching it does not hide it. Each candidate is
    then checked (`_square_sides`): four straight, thin, nearly unbroken sides meeting at the corners,
    which letters never have all at once.
    """
    img = np.ascontiguousarray(gray)
    smin, smax = _MIN_SIDE * dpi / 72.0, _MAX_SIDE * dpi / 72.0
    ink: Gray = cv2.threshold(img, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)[1]  # type: ignore[assignment]
    k = max(3, int(0.5 * smin))
    bridge = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, np.ones((1, 3), np.uint8))  # 1-pixel fax dropouts
    horiz = cv2.morphologyEx(bridge, cv2.MORPH_OPEN, np.ones((1, k), np.uint8))
    vert: Gray = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((k, 1), np.uint8))  # type: ignore[assignment]
    contours, _ = cv2.findContours(horiz, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    rects = np.array([cv2.boundingRect(c) for c in contours], dtype=np.int64).reshape(-1, 4)
    rects = rects[(rects[:, 2] >= 0.9 * smin) & (rects[:, 2] <= 1.1 * smax)]
    if len(rects) > 20 * _MAX_BOXES:
        return []  # a page of hatching or noise
    x0, y0, x1, y1 = rects[:, 0], rects[:, 1], rects[:, 0] + rects[:, 2], rects[:, 1] + rects[:, 3]
    candidates: list[tuple[int, int, int, int]] = []
    for i in range(len(rects)):
        w = int(x1[i] - x0[i])
        if y1[i] - y0[i] >= w / _MAX_ASPECT:  # a solid square, or a heavy mark merged with the top side
            candidates.append((int(x0[i]), int(y0[i]), int(x1[i]), int(y1[i])))
        tol = max(2.0, 0.15 * w)
        below = np.nonzero(
            (np.abs(x0 - x0[i]) <= tol)
            & (np.abs(x1 - x1[i]) <= tol)
            & (y0 > y0[i])
            & (y1 - y0[i] >= w / _MAX_ASPECT)
            & (y1 - y0[i] <= w * _MAX_ASPECT)
        )[0]
        for j in below:
            found = _upright_sides(
                vert, int(min(x0[i], x0[j])), int(max(x1[i], x1[j])), int(y0[i]), int(y1[j])
            )
            if found is not None:
                candidates.append((found[0], int(y0[i]), found[1], int(y1[j])))
    lines: Gray = cv2.bitwise_or(horiz, vert)  # type: ignore[assignment]
    boxes: list[Box] = []
    for bx0, by0, bx1, by1 in sorted(candidates, key=lambda c: (c[3] - c[1]) * (c[2] - c[0])):
        cx, cy = (bx0 + bx1) / 2, (by0 + by1) / 2
        if any(b.x0 <= cx <= b.x1 and b.y0 <= cy <= b.y1 for b in boxes):
            continue  # a box already taken (its inner and outer edges pair up too)
        crop = ink[by0:by1, bx0:bx1] > 0
        solid = _square_sides(crop, lines[by0:by1, bx0:bx1] > 0)
        if solid is None or _sides_run_on(lines, bx0, by0, bx1, by1) or _serifs(ink, bx0, by0, bx1, by1):
            continue
        if not solid and _inner_stem(vert[by0:by1, bx0:bx1] > 0):
            continue
        m = max(2, round(0.25 * min(crop.shape)))
        inside = crop[m:-m, m:-m]
        fill = 1.0 if solid else float(np.count_nonzero(inside)) / max(1, inside.size)
        boxes.append(Box(bx0, by0, bx1, by1, fill, fill >= _MARK_FILL, _fill_confidence(fill)))
        if len(boxes) > _MAX_BOXES:
            return []
    # A solid square alone is as likely a bold glyph or a redaction; it counts as a filled box only beside
    # an outlined box of about its size (the other options of the same question).
    hollow = [b.x1 - b.x0 for b in boxes if b.fill < 1.0]
    boxes = [b for b in boxes if b.fill < 1.0 or any(0.75 <= (b.x1 - b.x0) / s <= 1.33 for s in hollow)]
    return sorted(boxes, key=lambda b: (b.y0, b.x0))


def _upright_sides(vert: Gray, xa: int, xb: int, y0: int, y1: int) -> tuple[int, int] | None:
    """The outer columns of the left and right sides of a box whose top and bottom bars reach from about
    `xa` to `xb` between rows y0 and y1: vertical strokes over nearly the whole height, near each end.

    The sides, not the bars, fix the box's width: a tick crossing the top lengthens that bar, and the
    flattened top and bottom of a bold O or 0 pair up like bars but have no such sides.
    """
    h = y1 - y0
    reach = max(2, round(0.35 * (xb - xa)))  # a tick can lengthen a bar by a third of the box
    t = max(1, round(0.15 * h))
    lo, hi = max(0, xa - reach), min(vert.shape[1], xb + reach)
    cover = (vert[y0 + t : y1 - t, lo:hi] > 0).mean(axis=0)
    if cover.size == 0:
        return None
    cols = lo + np.nonzero(cover >= _SIDE_COVER)[0]
    # The side stroke nearest each bar's end, inside it first (a letter may stand just outside the box).
    left, right = cols[cols <= xa + reach], cols[cols >= xb - reach]
    if left.size == 0 or right.size == 0:
        return None
    inside_l, inside_r = left[left >= xa - 1], right[right <= xb]
    x0 = int(inside_l[0] if inside_l.size else left[-1])
    x1 = int(inside_r[-1] if inside_r.size else right[0]) + 1
    if not (x1 - x0 <= _MAX_ASPECT * h and h <= _MAX_ASPECT * (x1 - x0)):
        return None
    return x0, x1


def _square_sides(crop: npt.NDArray[np.bool_], lines: npt.NDArray[np.bool_]) -> bool | None:
    """None unless the bounding box `crop` of ink holds a square outline; True when it is solidly filled.

    Checked on `lines` (the straight strokes in the same box): each corner is inked (letters are rounded
    there: O, D, B, P), and on each side nearly every row or column meets a stroke within a thin band from
    the edge, at an even depth (straight) and thin (hollow). H, N, U, E leave a side open.
    """
    h, w = crop.shape
    side = min(h, w)
    solid = float(crop.mean()) >= 0.85  # a filled square, if its sides are straight
    band = max(2, round(0.2 * side))
    corner = max(2, round(0.12 * side))
    # Each corner: both of its edges (the outer two rows and columns) are inked up to it.
    top, bottom, left, right = lines[:2], lines[-2:], lines[:, :2], lines[:, -2:]
    if not (
        top[:, :corner].any()
        and top[:, -corner:].any()
        and bottom[:, :corner].any()
        and bottom[:, -corner:].any()
        and left[:corner].any()
        and left[-corner:].any()
        and right[:corner].any()
        and right[-corner:].any()
    ):
        return None
    tol = max(1.5, 0.1 * side)
    thin = max(2.5, 0.18 * side)
    lo_r, hi_r = round(0.15 * h), h - round(0.15 * h)
    lo_c, hi_c = round(0.15 * w), w - round(0.15 * w)
    views = (
        lines[lo_r:hi_r, :],  # left side: rows, from the left
        lines[lo_r:hi_r, ::-1],  # right side
        lines[:, lo_c:hi_c].T,  # top: columns, from the top
        lines[::-1, lo_c:hi_c].T,  # bottom
    )
    thick = 0
    for v in views:
        if v.shape[0] == 0:
            return None
        first = np.where(v.any(axis=1), v.argmax(axis=1), v.shape[1])
        near = first < band
        if near.mean() < _SIDE_COVER:
            return None
        depth = first[near]
        ranked = np.sort(depth)  # a few dozen values: plain ranks, np.percentile costs more than the test
        n = len(ranked) - 1
        if float(ranked[round(0.9 * n)] - ranked[round(0.1 * n)]) > tol:
            return None  # a curve, not a straight side
        if float(ranked[n // 2]) > max(1.0, 0.06 * side):
            return None  # a stem set in from the ends of the bars: serifs (H, M, N, D, B in a serif face)
        # Stroke thickness: the run of ink from the edge inward, per row.
        cols = np.arange(v.shape[1])[None, :]
        end = np.where((cols >= depth[:, None]) & ~v[near], cols, v.shape[1]).min(axis=1)
        thick += float(np.sort(end - depth)[n // 2]) > thin
    # A bold letter is thick all round; a mark (a heavy X) merges with two sides at most.
    return solid if solid or thick <= 2 else None


def _inner_stem(vert: npt.NDArray[np.bool_]) -> bool:
    """Whether an upright stroke runs top to bottom inside the square, away from its sides: two letters
    side by side (the stem of D beside M's), never a tick or an X, which cross the box slantwise."""
    h, w = vert.shape
    t, band = max(1, round(0.15 * h)), max(2, round(0.25 * w))
    inner = vert[t : h - t, band : w - band]
    return inner.size > 0 and bool((inner.mean(axis=0) >= 0.9).any())


def _sides_run_on(lines: Gray, x0: int, y0: int, x1: int, y1: int) -> bool:
    """Whether a side's stroke goes on past a corner: a letter's stem or bar (the bowl of P, b, B, R), a
    table rule, never a tick box's outline, which ends where the next side begins."""
    side = min(x1 - x0, y1 - y0)
    t = max(2, round(0.2 * side))
    e = max(3, round(0.3 * side))
    h, w = lines.shape
    runs = []
    if y0 - e >= 0:
        runs += [lines[y0 - e : y0, x0 : x0 + t], lines[y0 - e : y0, x1 - t : x1]]  # left/right side, upward
    if y1 + e <= h:
        runs += [lines[y1 : y1 + e, x0 : x0 + t], lines[y1 : y1 + e, x1 - t : x1]]  # downward
    if x0 - e >= 0:
        runs += [lines[y0 : y0 + t, x0 - e : x0].T, lines[y1 - t : y1, x0 - e : x0].T]  # top/bottom, leftward
    if x1 + e <= w:
        runs += [lines[y0 : y0 + t, x1 : x1 + e].T, lines[y1 - t : y1, x1 : x1 + e].T]  # rightward
    return any(bool(r.any(axis=1).all()) for r in runs)


def _serifs(ink: Gray, x0: int, y0: int, x1: int, y1: int) -> bool:
    """Whether ink sticks out sideways at three or four of the square's corners: the serifs of H, M, N, U
    in a serif face, whose bars look like a box's. A box's top and bottom end at its corners (a tick
    leaving the box crosses one corner at most; a label touching it, the two on its side)."""
    side = min(x1 - x0, y1 - y0)
    t, e = max(2, round(0.15 * side)), max(2, round(0.12 * side))
    w = ink.shape[1]
    ends = 0
    for ya, yb in ((y0, y0 + t), (y1 - t, y1)):
        ends += x0 - e >= 0 and bool(ink[ya:yb, x0 - e : x0].any())
        ends += x1 + e <= w and bool(ink[ya:yb, x1 : x1 + e].any())
    return ends >= 3


def _fill_confidence(fill: float) -> float:
    """How sure the marked/empty decision is: high away from the band between the two fill thresholds."""
    if fill >= 2 * _MARK_FILL or fill <= _EMPTY_FILL:
        return 0.97
    if fill >= _MARK_FILL:
        return 0.7 + 0.27 * (fill - _MARK_FILL) / _MARK_FILL
    return 0.6 + 0.37 * (_MARK_FILL - fill) / (_MARK_FILL - _EMPTY_FILL)


def text_box_state(token: str) -> bool | None:
    """True / False when an OCR token is a printed box read with odd brackets ("{X]", "[}"), else None."""
    if token in ("[1]", "[l]", "[I]"):
        return None  # a footnote mark or a numbered item as often as a box
    if _TEXT_MARKED.match(token):
        return True
    if _TEXT_EMPTY.match(token):
        return False
    return None


def _with_text(w: Word, text: str, x0: float | None = None, x1: float | None = None) -> Word:
    return Word(
        text,
        w.x0 if x0 is None else x0,
        w.y0,
        w.x1 if x1 is None else x1,
        w.y1,
        w.confidence,
        w.block,
        w.line,
    )


def normalize_text_boxes(words: list[Word]) -> list[Word]:
    """Rewrite printed boxes that OCR read as bracket tokens into "☒"/"☐" words.

    Handles one token ("{X]", "[}", "[|"), two ("{" "]", "1" "}") and three ("[" "X" "}") pieces on one OCR
    line, and a box glued to its label ("{X]Urgent", "RoutineI]"). Lone brackets are left alone: without a
    box in the image there is no telling a lost tick from an empty box.
    """
    out: list[Word] = []
    i = 0
    while i < len(words):
        w = words[i]
        nxt = words[i + 1] if i + 1 < len(words) else None
        third = words[i + 2] if i + 2 < len(words) else None
        same = nxt is not None and (nxt.block, nxt.line) == (w.block, w.line)
        if (
            same
            and third is not None
            and nxt is not None
            and (third.block, third.line) == (w.block, w.line)
            and w.text in _OPEN
            and nxt.text in ("X", "x", "×")
            and third.text in _CLOSE
        ):
            out.append(Word(MARKED, w.x0, w.y0, third.x1, third.y1, nxt.confidence, w.block, w.line))
            i += 3
            continue
        if (
            same
            and nxt is not None
            and nxt.text in ("]", "}")
            and w.text in ("[", "{", "1", "l", "I", "|")
            and (w.text, nxt.text) != ("[", "]")  # "[" "]" is joined by the extractor already
        ) or (same and nxt is not None and (w.text, nxt.text) in (("(", ")"), ("{", ")"), ("(", "}"))):
            out.append(
                Word(EMPTY, w.x0, w.y0, nxt.x1, nxt.y1, min(w.confidence, nxt.confidence), w.block, w.line)
            )
            i += 2
            continue
        state = text_box_state(w.text)
        if state is not None and w.text not in ("[", "]", "(", ")", "|"):
            out.append(_with_text(w, MARKED if state else EMPTY))
            i += 1
            continue
        m = _GLUED_BOX.match(w.text)
        if m:
            box, rest = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))
            state = text_box_state(box) if box not in ("[]", "[ ]") else False
            if state is not None:
                cut = w.x0 + (w.x1 - w.x0) * len(m.group(1) or m.group(3)) / len(w.text)
                first, second = (MARKED if state else EMPTY, rest) if m.group(1) else (rest, EMPTY)
                out.append(_with_text(w, first, x1=cut))
                out.append(_with_text(w, second, x0=cut))
                i += 1
                continue
        out.append(w)
        i += 1
    return out


def _overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return min(a1, b1) - max(a0, b0)


def merge_boxes(words: list[Word], boxes: list[Box], dpi: float) -> list[Word]:
    """Put image boxes (pixels) among OCR words (points): each joins the OCR line of the nearest label on its
    row, and box-like OCR tokens over it ("1", "}", "[]", a misread X) are dropped."""
    if not boxes:
        return words
    s = 72.0 / dpi
    kept = list(words)
    placed: list[Word] = []
    next_line = 1 + max((w.line for w in words), default=0)
    for b in boxes:
        x0, y0, x1, y1 = b.x0 * s, b.y0 * s, b.x1 * s, b.y1 * s
        side, cy = x1 - x0, (y0 + y1) / 2
        on_row = [w for w in kept if w.y0 <= cy <= w.y1 or _overlap(w.y0, w.y1, y0, y1) >= 0.5 * (y1 - y0)]
        for w in on_row:
            ov = _overlap(w.x0, w.x1, x0 - 0.25 * side, x1 + 0.25 * side)
            if ov <= 0:
                continue
            if _BOXISH.match(w.text) and ov >= 0.4 * min(w.x1 - w.x0, side):
                kept.remove(w)  # the outline or the mark read as text
                continue
            if _overlap(w.x0, w.x1, x0, x1) <= 0:
                continue
            # A word box is the OCR line's box shared out by characters: when the line took in the box but
            # the text did not, the label's estimate starts over the box. Move its edge off the box.
            p = _BOXISH_PREFIX.match(w.text)
            text = p.group(2) if p and w.x0 < x1 else w.text  # "1Urgent": the outline glued to its label
            if (w.x0 + w.x1) / 2 >= (x0 + x1) / 2:
                new = _with_text(w, text, x0=x1 + 0.5, x1=max(w.x1, x1 + 1.0))
            else:
                new = _with_text(w, text, x1=x0 - 0.5, x0=min(w.x0, x0 - 1.0))
            kept[kept.index(w)] = new
        # The label's OCR line: the nearest line on this row, to the right first (labels follow boxes).
        best: tuple[float, Word] | None = None
        for w in kept:
            if not (w.y0 <= cy <= w.y1):
                continue
            gap = max(0.0, w.x0 - x1) if w.x1 > x0 else (x0 - w.x1) * 1.5
            if gap <= 4 * side and (best is None or gap < best[0]):
                best = (gap, w)
        block, line = (best[1].block, best[1].line) if best else (0, next_line)
        if best is None:
            next_line += 1
        placed.append(Word(MARKED if b.marked else EMPTY, x0, y0, x1, y1, b.confidence, block, line))
    return _in_reading_order(kept, placed)


def _in_reading_order(words: list[Word], added: list[Word]) -> list[Word]:
    """`words` keep their order; each added word goes into its line left to right, or, on a line of its
    own, before the first line that starts below it."""
    first: dict[tuple[int, int], int] = {}
    for i, w in enumerate(words):
        first.setdefault((w.block, w.line), i)
    out = list(words)
    for a in sorted(added, key=lambda w: (w.y0, w.x0)):
        key = (a.block, a.line)
        if key in first:
            pos = next(
                (i for i, w in enumerate(out) if (w.block, w.line) == key and w.x0 > a.x0),
                max(i for i, w in enumerate(out) if (w.block, w.line) == key) + 1,
            )
        else:
            pos = next((i for i, w in enumerate(out) if w.y0 > a.y1), len(out))
            first[key] = pos
        out.insert(pos, a)
    return out


def add_checkboxes(words: list[Word], image: Gray, dpi: float) -> list[Word]:
    """The OCR words of `image` with its tick boxes as "☒"/"☐" words (all in points of `image`)."""
    return merge_boxes(normalize_text_boxes(words), find_boxes(image, dpi), dpi)
