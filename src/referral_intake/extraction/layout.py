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
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from referral_intake.extraction import normalize as nz
from referral_intake.extraction.lexicon import (
    MAX_LABEL_WORDS,
    PATIENT,
    REFERRED_TO,
    REFERRING,
    ROLE_KEYS,
    Label,
    fuzzy_label,
    label_table,
    looks_like_payer,
    norm_label,
    ocr_label,
    section_table,
    slash_label,
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
        if (
            best is not None
            and best.role in _PROVIDERS
            and any(
                s.role in _PROVIDERS
                and s.role != best.role
                and best.line < s.line <= line
                and abs(s.x0 - best.x0) < 8
                for s in self.sections
            )
        ):
            # "To: ..." then "From: ..." in one column: the sender's header ends the recipient's region across
            # its whole width, also right of the sender's narrower header ("Phone:" far right on its rows).
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


_PROVIDERS = (REFERRING, REFERRED_TO)
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
    re.compile(r"^(\[[^\]]?\]|\([xX ]?\)|[☐☒☑□■✔✓])(\w.*)$"),
    # A value glued after the colon ("Name:Jane", "......:Gerald"); not a time ("13:46") nor a URL.
    # Also a tick box glued after the colon ("Urgency:[X]", "Sex:☒F").
    re.compile(r"^([A-Za-z.#)\u2026]*[A-Za-z.#)\u2026]:)([A-Za-z(\d\[☐☒☑✔✓].*)$"),
    # A phone number glued to the e-mail address after it ("505/555-0138marisol.r66@example.com").
    re.compile(r"^(.*\d{4})([A-Za-z][\w.+\-]*@[\w\-]+(?:\.[\w\-]+)+)$"),
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


_CAMEL = re.compile(r"^([A-Za-z]*[a-z])([A-Z][A-Za-z'\-]+[,.;:]?)$")


@lru_cache(maxsize=1)
def _label_words() -> frozenset[str]:
    return frozenset(w for phrase in label_table() for w in phrase.split())


@lru_cache(maxsize=1)
def _label_ends() -> frozenset[str]:
    # Words a label ends with; not those that also open brand names written in camel case ("CareSource",
    # "HealthPartners", "PlanChoice").
    return frozenset(p.split()[-1] for p in label_table()) - {"care", "health", "plan"}


def _unglue_label_word(w: Word) -> list[Word]:
    """ "NameKeisha", "NameNGUYEN,", "sponsorSpouse": OCR lost the space between a label's last word and the
    capitalised value after it. Split where a word the labels use meets a capital, unless what follows is
    a label word too ("FirstName") or the value is one letter ("PhD")."""
    m = _CAMEL.match(w.text)
    if m is None:
        return [w]
    head, tail = m.group(1), m.group(2)
    core = tail.rstrip(",.;:")
    words = _label_words()
    if head.lower() not in _label_ends() or len(head) < 3 or len(core) < 2 or core.lower() in words:
        return [w]
    cut = w.x0 + (w.x1 - w.x0) * len(head) / len(w.text)
    return [
        Word(head, w.x0, w.y0, cut, w.y1, w.confidence, w.block, w.line),
        Word(tail, cut + 0.5, w.y0, w.x1, w.y1, w.confidence, w.block, w.line),
    ]


_DIGIT_GLUE = re.compile(r"^([A-Za-z]*[a-z])(\(?\d(?=(?:\D*\d){2})[^@]*)$")


def _unglue_label_digits(w: Word) -> list[Word]:
    """ "Phone225/555-0170", "birth16-Feb-1963": OCR lost the space between a label's last word and the
    digits of its value. Only after a word labels end with, so ids with letters ("Abc12345") stay whole."""
    m = _DIGIT_GLUE.match(w.text)
    if m is None or m.group(1).lower() not in _label_ends():
        return [w]
    head, tail = m.group(1), m.group(2)
    cut = w.x0 + (w.x1 - w.x0) * len(head) / len(w.text)
    return [
        Word(head, w.x0, w.y0, cut, w.y1, w.confidence, w.block, w.line),
        Word(tail, cut + 0.5, w.y0, w.x1, w.y1, w.confidence, w.block, w.line),
    ]


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
    if ocr:
        words = [u for w in words for u in _unglue_label_word(w) for u in _unglue_label_digits(u)]
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
        return lab if lab is not None else slash_label(text)

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
        if best is None and ocr:
            best = _fuzzy_span(toks, lo, i + 1)
        if best is None and ocr and _NPI_SLIP.fullmatch(tok):
            # "NPE:", "NPl:": the NPI's own label with its last letter misread; the Luhn check of the
            # number then decides whether the pairing stands.
            best = (i, table["npi"])
        if best is not None:
            end = i + 2 if i + 1 < len(toks) and toks[i + 1] == ":" else i + 1
            spans.append(LabelSpan(best[1], best[0], end, len(toks), True))
            floor = end
    if spans and spans[0].start > 0 and spans[0].start < 4 and not _looks_like_value(toks[: spans[0].start]):
        # "Rel to Pt:" must not read as the label "Pt:" with the value "Rel to": an unknown label.
        spans[0] = LabelSpan(UNKNOWN_LABEL, 0, spans[0].end, len(toks), True)
    elif spans and 0 < spans[0].start <= 6 and toks[spans[0].start - 1].lower() in _LINKING:
        # "Concern / question for specialist:": the last word names whom the question is for; the whole
        # phrase is one label the lexicon does not know, not "Specialist:" with a value before it.
        spans[0] = LabelSpan(UNKNOWN_LABEL, 0, spans[0].end, len(toks), True)
    if not spans:
        # A label opening the cell without a colon: the whole cell, or the longest prefix.
        for j in range(min(len(toks), MAX_LABEL_WORDS), 0, -1):
            if any(_BOX_TOKEN.fullmatch(t) for t in toks[:j]):
                continue  # "☐ M ☒ F ☐ X" is a row of choices (a value), not the label "M / F"
            lab = lookup(toks[:j]) if j == len(toks) or j >= 2 else table.get(norm_label(toks[0]))
            if lab is None and j == 1 and ocr and len(toks) > 1 and _DIGIT_VALUE.match(toks[1]):
                # "Tet 503.555.0113": a misread one-word label is trusted only for a field of digits that
                # follows it, whose own validator (phone, NPI checksum, date) then checks the pairing.
                fuzzy = lookup(toks[:1])
                lab = fuzzy if fuzzy is not None and fuzzy.key in _DIGIT_KEYS else None
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
                    # "Plan   TRICARE Prime": the same for a plan opening with an insurer's name.
                    or (
                        lab.key in ("payer", "plan")
                        and j < len(toks)
                        and looks_like_payer(" ".join(toks[j:]))
                    )
                )
            ):
                spans.insert(0, LabelSpan(lab, 0, j, len(toks), False))
                break
    if (
        not spans
        and ocr
        and 2 <= len(toks) <= MAX_LABEL_WORDS
        and (fz := _fuzzy_span(toks, 0, len(toks))) is not None
        and fz[0] == 0
    ):
        # "Pumary Language" as a column's caption: a whole cell OCR misread from a label of several words.
        spans.append(LabelSpan(fz[1], 0, len(toks), len(toks), False))
    if not spans and ocr:
        # "Dpte of Referal 10-21-2026": a misread label of several words before digits.
        for j in range(min(len(toks) - 1, MAX_LABEL_WORDS), 1, -1):
            if _DIGIT_VALUE.match(toks[j]) and (fz := _fuzzy_span(toks, 0, j)) is not None and fz[0] == 0:
                spans.append(LabelSpan(fz[1], 0, j, len(toks), False))
                break
    if spans:
        spans = _inner_digit_labels(spans, toks, lookup)
    if not spans and toks and _unknown_label_end(toks):
        # A label the lexicon does not know ("Marital:", "Pages:"): not a field, but not a value either.
        spans.append(LabelSpan(UNKNOWN_LABEL, 0, _unknown_label_end(toks), len(toks), True))
    for k in range(len(spans) - 1):
        spans[k].value_end = spans[k + 1].start
    return spans


# Fields whose values are digits: a label for one, between two runs of digits, starts a new field even
# without a colon ("Tel 503.555.0113 NPI 1222244125", "Office 775/555-0172 Fax 775/555-0162" when the gap
# between the fields is too narrow to split the line into cells, as often on a faxed page).
_DIGIT_KEYS = frozenset({"phone", "fax", "npi", "dob", "date", "zip", "mrn", "member_id", "group", "auth",
                         "payer_id", "subscriber_dob"})  # fmt: skip
_DIGIT_VALUE = re.compile(r"^[(+]?\d")
_NPI_SLIP = re.compile(r"NP[A-Za-z0-9|!][:;]?")


def _fuzzy_span(toks: list[str], lo: int, hi: int) -> tuple[int, Label] | None:
    """The longest run of words ending at `hi` that `fuzzy_label` reads as a label (OCR'd words only)."""
    for j in range(lo, hi - 1):
        lab = fuzzy_label(" ".join(toks[j:hi]).rstrip(":;"))
        if lab is not None:
            return j, lab
    return None


def _inner_digit_labels(
    spans: list[LabelSpan], toks: list[str], lookup: Callable[[list[str]], Label | None]
) -> list[LabelSpan]:
    out: list[LabelSpan] = []
    for k, sp in enumerate(spans):
        stop = spans[k + 1].start if k + 1 < len(spans) else len(toks)
        pos = sp.end
        out.append(sp)
        i = sp.end + 1
        while i < stop - 1:
            found = None
            if any(ch.isdigit() for ch in toks[i - 1]) and i > pos:
                for n in (2, 1):
                    if i + n < stop and _DIGIT_VALUE.match(toks[i + n]):
                        lab = lookup(toks[i : i + n])
                        if lab is not None and lab.key in _DIGIT_KEYS and lab.strength >= 0.8:
                            found = (n, lab)
                            break
            if found is None:
                i += 1
                continue
            n, lab = found
            out.append(LabelSpan(lab, i, i + n, stop, False))
            pos = i + n
            i = pos + 1
    return out


UNKNOWN_LABEL = Label("unknown", None, 0.0, 1)
# A drawn or typed checkbox, ticked or not: "☐", "☒", "[X]", "[ ]", "( )", "✔".
_BOX_TOKEN = re.compile(r"[☐☒☑□■✓✔✗✘]|\[[ xX✓✔]?\]|\([ xX]?\)")
_LINKING = frozenset({"for", "of", "with", "by", "from", "the", "your", "our", "my", "and", "or", "per"})
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
    # Forms number or letter their parts: "2  REQUESTING PROVIDER", "Section 3 - Consultant", "B) Referred to".
    text = _SECTION_NUMBER.sub("", text, count=1) or text
    role = section_table().get(norm_label(text))
    if role is None and cell.ocr:
        role = section_table().get(ocr_label(text))
    return role


_SECTION_NUMBER = re.compile(
    r"^\s*(?:(?:section|part|step)\s+(?:\d{1,2}|[A-H])\b\s*[.):\-\u2013\u2014]?|\d{1,2}\s*[.):\-\u2013\u2014]?"
    r"|[A-H]\s*[.):\u2013\u2014])\s+(?=[A-Za-z])",
    re.IGNORECASE,
)


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


def _caption(words: list[Word]) -> Label | None:
    text = " ".join(w.text for w in words)
    if text.endswith((":", ";")):
        return None
    return label_table().get(norm_label(text)) or label_table().get(ocr_label(text))


def _split_captions(line: Line) -> None:
    """Captions of a form's columns that OCR read as one cell because the gap between them shrank ("MI
    Birthdate", "Middle Birth Date"): split where the cell is exactly two captions of different fields, on
    a scanned line that holds other captions too (a caption row)."""
    if len(line.cells) < 2 or not line.cells[0].ocr:
        return
    if not any(_caption(c.words) is not None for c in line.cells):
        return
    cells: list[Cell] = []
    for cell in line.cells:
        words = cell.words
        pick: int | None = None
        if 2 <= len(words) <= MAX_LABEL_WORDS and _caption(words) is None:
            for k in range(1, len(words)):
                a, b = _caption(words[:k]), _caption(words[k:])
                if a is not None and b is not None and a.key != b.key and max(a.strength, b.strength) >= 0.8:
                    pick = k
                    break
        if pick is None:
            cells.append(cell)
        else:
            cells += [Cell(words[:pick], cell.line, ocr=True), Cell(words[pick:], cell.line, ocr=True)]
    line.cells = cells


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
        _split_captions(line)
        for cell in line.cells:
            cell.labels = find_labels(cell)
            if cell.labels and _state_before_zip(line, cell):
                cell.labels = []  # "Boise | ID | 83787": Idaho, not the label "ID" (nor "MI" Michigan)
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


def _state_before_zip(line: Line, cell: Cell) -> bool:
    """A lone state code ("ID", "MI", "IN", "OR") with a ZIP code in the next cell is a value, whatever
    label the same letters spell."""
    text = cell.text.strip(" ,.")
    if len(cell.words) != 1 or not re.fullmatch(r"[A-Z]{2}", text) or text not in _STATE_CODES:
        return False
    i = line.cells.index(cell)
    nxt = line.cells[i + 1].text.strip() if i + 1 < len(line.cells) else ""
    return re.fullmatch(r"\d{5}(?:-\d{4})?", nxt) is not None


_STATE_CODES = frozenset(nz.STATES.values())


def _own_label(cell: Cell, role: str) -> bool:
    """A bare label of this role's fields ("Secondary Insurance | Member ID"): the header's region spans it.

    On the patient's line a labelled identity fact with its value counts too ("Patient: DOE, Jane | DOB:
    4/4/1986 | Sex: F | MRN: E32"): the line is the patient's, and so are the lines under it."""
    labs = cell.labels
    if not labs or labs[0].start != 0 or is_section_header(cell):
        return False
    if labs[-1].end < len(cell.words) and not (
        role == PATIENT and all(sp.label.key in _PATIENT_IDENTITY for sp in labs)
    ):
        return False
    return all(
        sp.label.key in ROLE_KEYS.get(role, frozenset()) and sp.label.role in (None, role) for sp in labs
    )


_PATIENT_IDENTITY = frozenset({"dob", "sex", "mrn"})


_DATE_ONLY = re.compile(
    r"(?i)(date:?\s*)?[A-Za-z]{3,9}\.? \d{1,2},? \d{4}|\d{1,2}[/\-. ][A-Za-z0-9]{1,9}[/\-. ]\d{2,4}"
    r"|(date:?\s*)?\d{4}-\d{2}-\d{2}"  # a letter dated the ISO way ("2026-10-18")
)
_LETTERHEAD_KEYS = frozenset({"phone", "fax", "email", "address", "npi", "csz"})


_BANNER_NAME = re.compile(
    r"^[A-Z][A-Za-z'\-]+(?:[ \-][A-Z][A-Za-z'\-]+)?,\s?[A-Z][A-Za-z'\-]+(?:\s[A-Z][A-Za-z'.\-]*)?$"
)


def _banner_name(text: str) -> bool:
    """ "NGUYEN, Ignacio Thi": a person written last name first (not "Ann Lee, MD", a signer's name)."""
    name = nz.parse_name(text) if _BANNER_NAME.match(text) else None
    return name is not None and not name.credentials


_PHONE_VALUE = re.compile(r"^\(?\d{3}\)?[\s./\-]?\d{3}[\s.\-]\d{4}\b")


def _letterhead_label(cell: Cell, span: LabelSpan, first: bool) -> bool:
    """May a letterhead line carry this label? Contact labels yes ("Fax 225/555-0126"), "Office" before a
    number (a phone), and a title block's "Date:" printed right of the practice's lines."""
    key = span.label.key
    if key in _LETTERHEAD_KEYS:
        return True
    value = " ".join(w.text for w in cell.words[span.end : span.value_end])
    if key == "organization" and _PHONE_VALUE.match(value):
        return True
    return not first and key == "date"


def _letterhead(layout: PageLayout) -> None:
    """Lines at the top of a page before any header or person label: the sender's letterhead (weakly)."""
    end = -1
    for li, line in enumerate(layout.lines):
        if line.y0 > 0.3 * layout.page.height:
            break
        if any(is_section_header(c) for c in line.cells):
            break
        if any(not _letterhead_label(c, span, k == 0) for k, c in enumerate(line.cells) for span in c.labels):
            break
        if li > 1 and line.y0 - layout.lines[li - 1].y1 > 1.2 * layout.line_height:
            break  # a blank line closes the letterhead (the addressee block follows)
        if len(line.cells) == 1 and _DATE_ONLY.fullmatch(line.cells[0].text.strip()):
            break
        end = li
    nxt = layout.lines[end + 1] if 0 <= end < len(layout.lines) - 1 else None
    if (
        nxt is not None
        and nxt.y0 - layout.lines[end].y1 <= 1.2 * layout.line_height
        and any(sp.label.key in ("dob", "mrn", "sex") for c in nxt.cells for sp in c.labels)
        and any(_banner_name(c.text) for ln in layout.lines[: end + 1] for c in ln.cells)
    ):
        # "DOE, JANE   12 Oak St" over "DOB 3/4/1955  MRN 123": an EHR's patient banner, not a letterhead.
        end = -1
    if end >= 0:
        layout.letterhead_end = end
        layout.sections.append(Section(REFERRING, 0.0, -1e9, 1e9, 0, "letterhead"))


def right_value_of(line: Line, cell: Cell) -> bool:
    """Is the cell right of this one an unlabelled value (so "Referred To:  Dr. X" is a label with a value)?"""
    i = line.cells.index(cell)
    if i + 1 >= len(line.cells):
        return False
    nxt = line.cells[i + 1]
    # "To:   Oak Digestive Health - Attn: Referrals": a value that goes on to another label is still a value.
    return not nxt.labels or nxt.labels[0].start > 0


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
