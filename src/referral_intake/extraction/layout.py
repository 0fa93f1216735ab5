"""Page geometry: positioned words -> lines -> cells, label spans inside cells, and section regions.

A *cell* is a run of words on one line with no wide gap; forms put labels and values in cells, and columns
of a two-column form are separate cells. No template knowledge lives here, only distances and the lexicon.
pdfplumber/docling were considered for line building, but they work on PDFs, while our input is already words
(from a text layer or OCR), so a small clustering pass is simpler and equally exact.
"""

from __future__ import annotations

import itertools
import re
import statistics
import unicodedata
from dataclasses import dataclass, field

from referral_intake.extraction.lexicon import (
    MAX_LABEL_WORDS,
    REFERRING,
    ROLE_KEYS,
    Label,
    label_table,
    looks_like_payer,
    norm_label,
    ocr_label,
    section_table,
)
from referral_intake.reading.model import Page, Word


@dataclass(slots=True)
class Cell:
    words: list[Word]
    line: int  # index of its line on the page
    labels: list[LabelSpan] = field(default_factory=list)
    ocr: bool = False  # words read from an image: labels may be misspelt (see `find_labels`)

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def x0(self) -> float:
        return self.words[0].x0

    @property
    def x1(self) -> float:
        return max(w.x1 for w in self.words)

    @property
    def y0(self) -> float:
        return min(w.y0 for w in self.words)

    @property
    def y1(self) -> float:
        return max(w.y1 for w in self.words)


@dataclass(slots=True)
class LabelSpan:
    """Words [start, end) of a cell form a label; its inline value runs from `end` to `value_end`."""

    label: Label
    start: int
    end: int
    value_end: int
    colon: bool


@dataclass(slots=True)
class Line:
    cells: list[Cell]
    y0: float
    y1: float

    @property
    def height(self) -> float:
        return max(1.0, self.y1 - self.y0)

    @property
    def text(self) -> str:
        return "   ".join(c.text for c in self.cells)


@dataclass(slots=True)
class Section:
    role: str
    y: float  # bottom of the header
    x0: float
    x1: float
    line: int
    source: str = "section"  # "letterhead": the sender's block above the first label or header


@dataclass(slots=True)
class PageLayout:
    page: Page
    lines: list[Line]
    sections: list[Section]
    line_height: float

    def section_at(self, line: int, x: float) -> Section | None:
        """The nearest section header above (or on) this line whose column holds x."""
        best: Section | None = None
        for s in self.sections:
            if s.line <= line and s.x0 - 4 <= x < s.x1 and (best is None or s.line >= best.line):
                best = s
        if best is not None and best.source == "letterhead" and line > self.letterhead_end:
            return None
        return best

    def role_at(self, line: int, x: float) -> str | None:
        s = self.section_at(line, x)
        return s.role if s else None

    letterhead_end: int = -1
    # The fax machine's stamp across the top ("10/24/2026 05:32 PM FROM: (503) 555-0135 WESTGATE FAMILY
    # MEDICINE TO: 2085550168 P.1"): kept out of `lines` (its "FROM:" and "TO:" are no form labels) and read
    # on its own by `patterns`.
    fax_header: list[Line] = field(default_factory=list)


_BARS = {"|", "¦", "│", "•", "·"}
_BOX_OPEN = {"[", "("}
_BOX_CLOSE = {"]", ")"}


def _merge_boxes(words: list[Word]) -> list[Word]:
    """Join "[", "X", "]" into one "[X]" token (text layers often split drawn checkboxes)."""
    out: list[Word] = []
    i = 0
    while i < len(words):
        w = words[i]
        if w.text in _BOX_OPEN and i + 1 < len(words):
            nxt = words[i + 1]
            if nxt.text in _BOX_CLOSE:
                out.append(
                    Word(
                        w.text + " " + nxt.text, w.x0, w.y0, nxt.x1, nxt.y1, min(w.confidence, nxt.confidence)
                    )
                )
                i += 2
                continue
            if i + 2 < len(words) and words[i + 2].text in _BOX_CLOSE and len(nxt.text) == 1:
                end = words[i + 2]
                out.append(Word(w.text + nxt.text + end.text, w.x0, w.y0, end.x1, end.y1, nxt.confidence))
                i += 3
                continue
        out.append(w)
        i += 1
    return out


# OCR drops spaces: "(217)555-0144Fax:", "CignaID:", "[]Urgent". Split where a label or a box is glued on.
_GLUED = (
    re.compile(r"^(.*?[\d)a-z.,])((?:[A-Z][a-z]+|ID|NPI|DOB|MRN|DX|CPT|ICD)#?:.*)$"),
    re.compile(r"^(\[[^\]]?\]|\([xX ]?\)|[☐☒☑□■])(\w.*)$"),
    # A value glued after the colon ("Name:Jane", "......:Gerald"); not a time ("13:46") nor a URL.
    re.compile(r"^([A-Za-z.#)\u2026]*[A-Za-z.#)\u2026]:)([A-Za-z(\d].*)$"),
)


def _plain(w: Word) -> Word:
    """OCR'd text without diacritics: on an English form "Gastroenteroļogy" or "Datę" is a fax speck."""
    if w.text.isascii():
        return w
    text = "".join(ch for ch in unicodedata.normalize("NFKD", w.text) if not unicodedata.combining(ch))
    return Word(text, w.x0, w.y0, w.x1, w.y1, w.confidence, w.block, w.line) if text.strip() else w


def _unglue(w: Word) -> list[Word]:
    for pat in _GLUED:
        m = pat.match(w.text)
        if m and m.group(1) and m.group(2):
            cut = w.x0 + (w.x1 - w.x0) * len(m.group(1)) / len(w.text)
            return [
                Word(m.group(1), w.x0, w.y0, cut, w.y1, w.confidence, w.block, w.line),
                *_unglue(Word(m.group(2), cut + 0.5, w.y0, w.x1, w.y1, w.confidence, w.block, w.line)),
            ]
    return [w]


@dataclass(slots=True)
class _Unit:
    """Words that stay together while lines are built: one OCR text line, or one text-layer word.

    `c` is the vertical centre with the page's skew taken out, `h` the height the text really has (an OCR
    box around a tilted line is taller than its letters by the tilt across its width).
    """

    words: list[Word]
    x0: float
    x1: float
    c: float
    h: float


def _units(words: list[Word], ocr: bool) -> list[_Unit]:
    groups: list[list[Word]] = []
    if ocr:
        # The OCR engine found each text line as one region: its words are one line whatever their boxes say
        # (split_line gives every word the whole line's height).
        by_line: dict[tuple[int, int], list[Word]] = {}
        for w in words:
            by_line.setdefault((w.block, w.line), []).append(w)
        groups = list(by_line.values())
    else:
        groups = [[w] for w in words]
    out: list[_Unit] = []
    for g in groups:
        g.sort(key=lambda w: w.x0)
        y0, y1 = min(w.y0 for w in g), max(w.y1 for w in g)
        out.append(_Unit(g, g[0].x0, max(w.x1 for w in g), (y0 + y1) / 2, max(1.0, y1 - y0)))
    return out


_MAX_SKEW = 0.07  # ~4 degrees: more than a fax machine's feeder lets a page turn


def page_skew(units: list[_Unit], width: float) -> float:
    """Slope (dy/dx) of the text lines of a scanned page, from neighbouring regions on one line; 0 if unclear.

    A faxed page is often turned a degree or two; over a form's width that moves a label's line by most of
    a line height, enough to pair labels with the values of the line below. Each region is paired with its
    nearest region to the right that overlaps it vertically and has a similar height; the median slope of
    those pairs is the page's. (OpenCV's or the reader's deskewing works on the image; here only the
    words' boxes are left, so the estimate is computed from them.)
    """
    slopes: list[float] = []
    for a in units:
        best: _Unit | None = None
        for b in units:
            if b.x0 <= a.x1 or b.x0 - a.x1 > 0.5 * width or not 0.6 < b.h / a.h < 1.6:
                continue
            ov = min(a.c + a.h / 2, b.c + b.h / 2) - max(a.c - a.h / 2, b.c - b.h / 2)
            if ov >= 0.5 * min(a.h, b.h) and (best is None or b.x0 < best.x0):
                best = b
        if best is not None:
            dx = (best.x0 + best.x1) / 2 - (a.x0 + a.x1) / 2
            slopes.append((best.c - a.c) / dx)
    if len(slopes) < 4:
        return 0.0
    s = statistics.median(slopes)
    return s if 0.004 <= abs(s) <= _MAX_SKEW else 0.0


def _conflicts(u: _Unit, row: list[_Unit]) -> bool:
    """Does `u` sit over or under a unit of this row (so it cannot be on the same printed line)?

    A small label printed above its value in a form box ("Home Phone" over "(480) 555-0176") is near
    enough vertically to look like one line; two pieces of one printed line never overlap horizontally.
    Overprinted duplicates (fake bold) share their centre and stay together.
    """
    for v in row:
        ov = min(u.x1, v.x1) - max(u.x0, v.x0)
        if ov > 0.3 * min(u.x1 - u.x0, v.x1 - v.x0) and abs(u.c - v.c) > 0.25 * min(u.h, v.h):
            return True
    return False


def build_lines(page: Page) -> list[Line]:
    """Cluster words into lines by vertical overlap, then split each line into cells at wide gaps."""
    ocr = page.text_source == "ocr"
    words = [u for w in page.words if w.text.strip() for u in _unglue(_plain(w) if ocr else w)]
    if not words:
        return []
    units = _units(words, ocr)
    slope = page_skew(units, page.width) if page.text_source == "ocr" else 0.0
    if slope:
        mid = page.width / 2
        for u in units:
            u.c -= slope * ((u.x0 + u.x1) / 2 - mid)
            u.h = max(0.5 * u.h, u.h - abs(slope) * (u.x1 - u.x0))
    units.sort(key=lambda u: (u.c, u.x0))
    rows: list[list[_Unit]] = []
    centres: list[float] = []
    heights: list[float] = []
    for u in units:
        pick = -1
        for k in range(len(rows) - 1, max(-1, len(rows) - 4), -1):
            near = abs(u.c - centres[k]) <= 0.45 * max(heights[k], u.h) and not _conflicts(u, rows[k])
            if near and (pick < 0 or abs(u.c - centres[k]) < abs(u.c - centres[pick])):
                pick = k
        if pick < 0:
            rows.append([u])
            centres.append(u.c)
            heights.append(u.h)
        else:
            rows[pick].append(u)
            centres[pick] += (u.c - centres[pick]) / len(rows[pick])
            heights[pick] = max(heights[pick], u.h)
    order = sorted(range(len(rows)), key=lambda k: centres[k])
    lines: list[Line] = []
    for k in order:
        units_k = sorted(rows[k], key=lambda u: u.x0)
        row = _merge_boxes([w for u in units_k for w in u.words])
        if page.text_source == "ocr":
            h = statistics.median(u.h for u in units_k)
        else:
            h = statistics.median(max(1.0, w.y1 - w.y0) for w in row)
        cells: list[list[Word]] = [[row[0]]]
        for prev, w in itertools.pairwise(row):
            gap = w.x0 - prev.x1
            if w.text in _BARS:
                continue  # "|" separates fields printed on one line; it never belongs to a value
            if gap > max(1.1 * h, 9.0) or prev.text in _BARS:
                cells.append([w])
            else:
                cells[-1].append(w)
        cells = [c for c in cells if not (len(c) == 1 and c[0].text in _BARS)]
        if not cells:
            continue
        idx = len(lines)
        lines.append(
            Line(
                [Cell(c, idx, ocr=page.text_source == "ocr") for c in cells],
                min(u.c - u.h / 2 for u in units_k),
                max(u.c + u.h / 2 for u in units_k),
            )
        )
    return lines


def _strip_colon(text: str) -> tuple[str, bool]:
    if text.endswith(":"):
        return text[:-1], True
    return text, False


def find_labels(cell: Cell) -> list[LabelSpan]:
    """Label spans in a cell: phrases ending in a colon anywhere, or a label opening the cell.

    In words read from an image (`cell.ocr`) a label may be misspelt by a letter or two and its colon read
    as a semicolon ("Birth Date;"); see `lexicon.ocr_label`.
    """
    table = label_table()
    ocr = cell.ocr

    def lookup(words: list[str]) -> Label | None:
        text = " ".join(words)
        lab = table.get(norm_label(text))
        if lab is None and ocr:
            lab = table.get(ocr_label(text))
        return lab

    toks = [w.text for w in cell.words]
    gaps = sorted(b.x0 - a.x1 for a, b in itertools.pairwise(cell.words))
    space = max(1.0, gaps[len(gaps) // 4]) if gaps else 3.0  # a typical space (lower quartile of gaps)
    spans: list[LabelSpan] = []
    floor = 0
    for i, tok in enumerate(toks):
        colon = tok.endswith(":") or (i + 1 < len(toks) and toks[i + 1] == ":")
        if ocr and not colon and tok.endswith(";") and len(tok) > 1:
            # OCR reads a colon as a semicolon; a value's ";" matters only if a label precedes it.
            colon = True
        if not colon or tok == ":":
            continue
        best: tuple[int, Label] | None = None
        # A label's words sit a single space apart; a wider gap before a word means a value ends there
        # ("Prairie Mutual Insurance   ID:" is the label "ID", not "Insurance ID").
        lo = max(floor, i - MAX_LABEL_WORDS + 1)
        for j in range(i, lo, -1):
            if cell.words[j].x0 - cell.words[j - 1].x1 > 1.8 * space + 1.0:
                lo = j
                break
        for j in range(lo, i + 1):
            lab = lookup(toks[j : i + 1])
            if lab is not None:
                best = (j, lab)
                break  # the longest phrase wins (j ascending)
        if best is not None:
            end = i + 2 if i + 1 < len(toks) and toks[i + 1] == ":" else i + 1
            spans.append(LabelSpan(best[1], best[0], end, len(toks), True))
            floor = end
    if spans and spans[0].start > 0 and spans[0].start < 4 and not _looks_like_value(toks[: spans[0].start]):
        # "Rel to Pt:" must not read as the label "Pt:" with the value "Rel to": an unknown label.
        spans[0] = LabelSpan(UNKNOWN_LABEL, 0, spans[0].end, len(toks), True)
    if not spans:
        # A label opening the cell without a colon: the whole cell, or the longest prefix.
        for j in range(min(len(toks), MAX_LABEL_WORDS), 0, -1):
            lab = lookup(toks[:j]) if j == len(toks) or j >= 2 else table.get(norm_label(toks[0]))
            # Without a colon, a label opens a value only when digits follow ("DOB 3/4/55", "NPI 123..."):
            # "State Medicaid" is a plan name, not the label "State".
            if (
                lab is not None
                and (
                    j == len(toks)
                    or lab.strength >= 0.8
                    or j >= 2
                    or any(ch.isdigit() for t in toks[j:] for ch in t)
                    # "Insurance   Lakeshore Health Plan": a general word, but what follows names an insurer.
                    or (lab.key == "payer" and j < len(toks) and looks_like_payer(" ".join(toks[j:])))
                )
            ):
                spans.insert(0, LabelSpan(lab, 0, j, len(toks), False))
                break
    if not spans and toks and _unknown_label_end(toks):
        # A label the lexicon does not know ("Marital:", "Pages:"): not a field, but not a value either.
        spans.append(LabelSpan(UNKNOWN_LABEL, 0, _unknown_label_end(toks), len(toks), True))
    for k in range(len(spans) - 1):
        spans[k].value_end = spans[k + 1].start
    return spans


UNKNOWN_LABEL = Label("unknown", None, 0.0, 1)
_UNKNOWN_HEAD = re.compile(r"[A-Za-z0-9][A-Za-z0-9.#/\-]{0,25}:")


def _unknown_label_end(toks: list[str]) -> int:
    """Words [0, n) of a cell that look like a label ending in a colon, within the first four words; 0 if none."""
    for i, t in enumerate(toks[:4]):
        if t == ":" and i > 0:
            return i + 1
        if t.endswith(":") and _UNKNOWN_HEAD.fullmatch(t) and re.search("[A-Za-z]", t):
            return i + 1
        if not re.fullmatch(r"[A-Za-z][A-Za-z.#/\-]*", t):
            return 0
    return 0


def _looks_like_value(toks: list[str]) -> bool:
    """Words before a label in a cell: a value (digits, a name with a comma...) or part of an unknown label."""
    text = " ".join(toks)
    return any(c.isdigit() for c in text) or "," in text or len(toks) >= 3


def is_section_header(cell: Cell) -> str | None:
    text, _ = _strip_colon(cell.text)
    role = section_table().get(norm_label(text))
    if role is None and cell.ocr:
        role = section_table().get(ocr_label(text))
    return role


_FAX_TIME = re.compile(r"\b\d{1,2}[:.]\d{2}(?:\s*[AP]M)?\b|\d{1,2}:\d{2}[AP]M", re.IGNORECASE)
_FAX_PAGE = re.compile(
    r"(?i)(?:\bP(?:AGE|ACE)?\s*[.:,]?\s*[0-9OoUI]{1,3}\s*(?:/|of)\s*[0-9OoUI]{1,3}|\bP\s*[.:,]\s*\d{1,3}\b)"
)
_FAX_WORDS = re.compile(r"(?i)(?:\bFROM\s*[:;]|TO\s*[:;]|\bFAX\b)")


def is_fax_header(line: Line, page_height: float) -> bool:
    """A fax machine's transmission line at the very top of a page: two of a time of day, a page counter and
    FROM / TO / FAX words (one may be garbled by the fax itself)."""
    if line.y0 > 0.04 * page_height:
        return False
    text = line.text
    hits = sum(p.search(text) is not None for p in (_FAX_TIME, _FAX_PAGE, _FAX_WORDS))
    return hits >= 2 and len(text.split()) >= 4


def analyze(page: Page) -> PageLayout:
    lines = build_lines(page)
    header = [ln for ln in lines[:2] if is_fax_header(ln, page.height)]
    if header:
        lines = [ln for ln in lines if not any(ln is h for h in header)]
        for i, ln in enumerate(lines):
            for c in ln.cells:
                c.line = i
    heights = [ln.height for ln in lines] or [10.0]
    lh = statistics.median(heights)
    sections: list[Section] = []
    for li, line in enumerate(lines):
        header_cells: list[tuple[Cell, str]] = []
        for cell in line.cells:
            cell.labels = find_labels(cell)
            role = is_section_header(cell)
            if role is None and cell.labels and cell.labels[0].start == 0:
                # "Referring Provider: Dr. X" names a person and opens that person's region too.
                lab = cell.labels[0].label
                if lab.role is not None and lab.key in ("name", "payer") and lab.strength >= 0.85:
                    role = lab.role
            if role is not None:
                header_cells.append((cell, role))
        for k, (cell, role) in enumerate(header_cells):
            x1 = header_cells[k + 1][0].x0 - 1 if k + 1 < len(header_cells) else page.width + 1
            # A header sharing its line with another column's content ends where that content starts
            # (its own value, right of a bare "Referred To:", excepted).
            right = sorted(
                c.x0 for c in line.cells if c.x0 > cell.x1 + 4 and c.x0 < x1 and not _own_label(c, role)
            )
            bare = not cell.labels or cell.labels[0].end >= len(cell.words)
            if bare and cell.labels and right_value_of(line, cell):
                right = right[1:]
            if right:
                x1 = right[0] - 1
            sections.append(Section(role, line.y1, cell.x0, x1, li))
    layout = PageLayout(page, lines, sections, lh, fax_header=header)
    _letterhead(layout)
    return layout


def _own_label(cell: Cell, role: str) -> bool:
    """A bare label of this role's fields ("Secondary Insurance | Member ID"): the header's region spans it."""
    labs = cell.labels
    if not labs or labs[0].start != 0 or labs[-1].end < len(cell.words) or is_section_header(cell):
        return False
    return all(
        sp.label.key in ROLE_KEYS.get(role, frozenset()) and sp.label.role in (None, role) for sp in labs
    )


_DATE_ONLY = re.compile(
    r"(?i)(date:?\s*)?[A-Za-z]{3,9}\.? \d{1,2},? \d{4}|\d{1,2}[/\-. ][A-Za-z0-9]{1,9}[/\-. ]\d{2,4}"
)
_LETTERHEAD_KEYS = frozenset({"phone", "fax", "email", "address", "npi", "csz"})


def _letterhead(layout: PageLayout) -> None:
    """Lines at the top of a page before any header or person label: the sender's letterhead (weakly)."""
    end = -1
    for li, line in enumerate(layout.lines):
        if line.y0 > 0.3 * layout.page.height:
            break
        if any(is_section_header(c) for c in line.cells):
            break
        if any(span.label.key not in _LETTERHEAD_KEYS for c in line.cells for span in c.labels):
            break
        if li > 1 and line.y0 - layout.lines[li - 1].y1 > 1.2 * layout.line_height:
            break  # a blank line closes the letterhead (the addressee block follows)
        if len(line.cells) == 1 and _DATE_ONLY.fullmatch(line.cells[0].text.strip()):
            break
        end = li
    if end >= 0:
        layout.letterhead_end = end
        layout.sections.append(Section(REFERRING, 0.0, -1e9, 1e9, 0, "letterhead"))


def right_value_of(line: Line, cell: Cell) -> bool:
    """Is the cell right of this one an unlabelled value (so "Referred To:  Dr. X" is a label with a value)?"""
    i = line.cells.index(cell)
    return i + 1 < len(line.cells) and not line.cells[i + 1].labels


def value_words(cell: Cell, span: LabelSpan) -> list[Word]:
    return cell.words[span.end : span.value_end]


def cell_is_label_only(cell: Cell) -> bool:
    return bool(cell.labels) and cell.labels[0].start == 0 and cell.labels[-1].end >= len(cell.words)


def starts_with_label(cell: Cell) -> bool:
    return bool(cell.labels) and cell.labels[0].start == 0


def cell_below(
    layout: PageLayout, li: int, x0: float, x1: float, max_lines: int = 2
) -> tuple[int, Cell] | None:
    """The first cell below line `li` overlapping [x0, x1] horizontally, within a couple of line heights."""
    lines = layout.lines
    base = lines[li]
    for lj in range(li + 1, min(len(lines), li + 1 + max_lines)):
        ln = lines[lj]
        if ln.y0 - base.y1 > 2.2 * layout.line_height:
            return None
        best: Cell | None = None
        best_ov = 0.0
        for c in ln.cells:
            ov = min(x1, c.x1) - max(x0, c.x0)
            if ov > best_ov:
                best, best_ov = c, ov
        if best is not None:
            return lj, best
    return None


def right_cell(line: Line, cell: Cell) -> Cell | None:
    i = line.cells.index(cell)
    return line.cells[i + 1] if i + 1 < len(line.cells) else None


WORD_RE = re.compile(r"\S+")
