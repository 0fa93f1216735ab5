"""Drawing helpers over PyMuPDF pages and the per-document print styles (date, phone, name, checkbox forms)."""
# mypy: disable-error-code="no-untyped-call"

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from pathlib import Path

import pymupdf

W, H = 612.0, 792.0
_GLYPH_FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")  # has the ballot-box glyphs
HAS_GLYPHS = _GLYPH_FONT.exists()
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


@dataclass
class Style:
    date: str
    phone: str
    check: str
    fill: str  # font of filled-in values

    @classmethod
    def pick(cls, rng: random.Random) -> Style:
        checks = ["bracket", "drawn", *(["ballot", "tick"] if HAS_GLYPHS else [])]
        return cls(
            date=rng.choice(["mdy", "mdy_short", "words", "dmon", "iso", "mon"]),
            phone=rng.choice(["paren", "dots", "dash", "slash"]),
            check=rng.choice(checks),
            fill=rng.choice(["cour", "tiit", "helv"]),
        )

    def d(self, value: dt.date | None, style: str | None = None) -> str:
        if value is None:
            return ""
        s = style or self.date
        m = MONTHS[value.month - 1]
        return {
            "mdy": f"{value:%m/%d/%Y}",
            "mdy_short": f"{value.month}/{value.day}/{value.year}",
            "words": f"{m} {value.day}, {value.year}",
            "dmon": f"{value.day:02d}-{m[:3]}-{value.year}",
            "iso": value.isoformat(),
            "mon": f"{m[:3]} {value.day}, {value.year}",
        }[s]

    def p(self, digits: str | None, ext: str | None = None, style: str | None = None) -> str:
        if not digits:
            return ""
        a, b, c = digits[:3], digits[3:6], digits[6:]
        s = style or self.phone
        out = {
            "paren": f"({a}) {b}-{c}",
            "dots": f"{a}.{b}.{c}",
            "dash": f"{a}-{b}-{c}",
            "slash": f"{a}/{b}-{c}",
        }[s]
        return out + (f" x{ext}" if ext else "")


_FONTS: dict[str, pymupdf.Font] = {}


def font(name: str) -> pymupdf.Font:
    """Cached font objects: Base-14 names, or "dv" for the glyph font."""
    if name not in _FONTS:
        _FONTS[name] = pymupdf.Font(fontfile=str(_GLYPH_FONT)) if name == "dv" else pymupdf.Font(name)
    return _FONTS[name]


def text_len(s: str, size: float, font_name: str = "helv") -> float:
    return float(font(font_name).text_length(s, fontsize=size))


class Canvas:
    """A document being drawn: the current page, a cursor and small drawing primitives in PDF points."""

    def __init__(self, style: Style) -> None:
        self.doc = pymupdf.open()
        self.style = style
        self.kinds: list[str] = []
        self._writer: pymupdf.TextWriter | None = None
        self.page: pymupdf.Page = self.new_page("referral_form")
        self.y = 54.0

    def new_page(self, kind: str) -> pymupdf.Page:
        if self._writer is not None:
            self._writer.write_text(self.page)
        self.page = self.doc.new_page(width=W, height=H)
        # one TextWriter per page: far faster than insert_text per string, and text lands above the fills
        self._writer = pymupdf.TextWriter(self.page.rect)
        self.kinds.append(kind)
        self.y = 54.0
        return self.page

    def finish(self) -> pymupdf.Document:
        """Write the last page's text and hand back the document."""
        if self._writer is not None:
            self._writer.write_text(self.page)
            self._writer = None
        return self.doc

    def text(self, x: float, y: float, s: str, size: float = 9.0, font_name: str = "helv") -> float:
        """Draw `s` with its baseline at y; returns the x where it ends."""
        if s and self._writer is not None:
            self._writer.append((x, y), s, font=font(font_name), fontsize=size)
        return x + text_len(s, size, font_name)

    def right(self, x: float, y: float, s: str, size: float = 9.0, font: str = "helv") -> None:
        self.text(x - text_len(s, size, font), y, s, size, font)

    def center(self, y: float, s: str, size: float = 9.0, font: str = "helv") -> None:
        self.text((W - text_len(s, size, font)) / 2, y, s, size, font)

    def line(self, x0: float, y0: float, x1: float, y1: float, width: float = 0.6) -> None:
        self.page.draw_line((x0, y0), (x1, y1), width=width)

    def rect(
        self, x0: float, y0: float, x1: float, y1: float, fill: float | None = None, width: float = 0.6
    ) -> None:
        shade = None if fill is None else (fill, fill, fill)
        self.page.draw_rect(pymupdf.Rect(x0, y0, x1, y1), color=(0, 0, 0), fill=shade, width=width)

    def bar(self, y: float, title: str, x0: float = 48, x1: float = W - 48) -> float:
        """A shaded section bar with a bold title; returns the y below it."""
        self.rect(x0, y, x1, y + 13, fill=0.82, width=0.4)
        self.text(x0 + 4, y + 9.8, title, 8.5, "hebo")
        return y + 13

    def wrap(
        self,
        x: float,
        y: float,
        width: float,
        s: str,
        size: float = 9.5,
        font: str = "helv",
        lead: float = 1.32,
    ) -> float:
        """Draw `s` word-wrapped to `width` starting at baseline y, spilling onto a new page of the same kind
        when the bottom margin is reached; returns the baseline after the last line."""
        line = ""
        for word in s.split():
            trial = f"{line} {word}".strip()
            if line and text_len(trial, size, font) > width:
                self.text(x, y, line, size, font)
                y += size * lead
                line = word
                if y > H - 60:
                    self.new_page(self.kinds[-1])
                    y = self.y
            else:
                line = trial
        self.text(x, y, line, size, font)
        return y + size * lead

    def fit(self, value: str, width: float, size: float) -> float:
        """The largest font size up to `size` at which a filled-in value fits its box."""
        while size > 5.5 and text_len(value, size, self.style.fill) > width:
            size -= 0.5
        return size

    def check(self, x: float, y: float, ticked: bool, label: str, size: float = 8.5) -> float:
        """A checkbox with its label in this document's style; returns the x after the label."""
        st = self.style.check
        if st == "ballot":
            x = self.text(x, y, "\u2612" if ticked else "\u2610", size + 1, "dv") + 2
        elif st == "tick":
            x = self.text(x, y, "\u2714" if ticked else "\u2610", size + 1, "dv") + 2
        elif st == "bracket":
            x = self.text(x, y, "[X]" if ticked else "[  ]", size, "cour") + 2
        else:
            self.rect(x, y - size + 1, x + size, y + 1, width=0.5)
            if ticked:
                self.text(x + 1.5, y - 0.5, "X", size, "hebo")
            x += size + 3
        return self.text(x, y, label, size) + 10

    def grid(
        self, x: float, y: float, cols: list[tuple[str, float]], values: list[str], size: float = 9.0
    ) -> float:
        """A header row of labels over one row of values (widths in points); returns the y below it."""
        cx = x
        for (label, w), value in zip(cols, values, strict=True):
            self.rect(cx, y, cx + w, y + 11, fill=0.9, width=0.5)
            self.rect(cx, y + 11, cx + w, y + 28, width=0.5)
            self.text(cx + 2.5, y + 8.2, label, 6.5, "hebo")
            self.text(cx + 3, y + 23, value, self.fit(value, w - 5, size), self.style.fill)
            cx += w
        return y + 28

    def table(
        self,
        x: float,
        y: float,
        cols: list[tuple[str, float]],
        rows: list[list[str]],
        label_col: bool = False,
    ) -> float:
        """A ruled table: shaded header row of labels, then one row per entry (the first column printed as
        row labels when `label_col`); returns the y below it."""
        cx = x
        for label, w in cols:
            self.rect(cx, y, cx + w, y + 11, fill=0.9, width=0.5)
            self.text(cx + 2.5, y + 8.2, label, 6.5, "hebo")
            cx += w
        y += 11
        for row in rows:
            cx = x
            for i, ((_, w), value) in enumerate(zip(cols, row, strict=True)):
                self.rect(cx, y, cx + w, y + 17, width=0.5)
                if label_col and i == 0:
                    self.text(cx + 3, y + 11.5, value, 8, "hebo")
                else:
                    self.text(cx + 3, y + 12, value, self.fit(value, w - 5, 9), self.style.fill)
                cx += w
            y += 17
        return y

    def underline(self, x: float, y: float, w: float, value: str, label: str) -> None:
        """Paper-form field: the value written on a rule, the printed label under the rule."""
        self.text(x + 2, y, value, self.fit(value, w - 10, 10), self.style.fill)
        self.line(x, y + 3, x + w - 8, y + 3, 0.5)
        self.text(x, y + 11, label, 6.5)

    def cell(self, x: float, y: float, w: float, label: str, value: str, h: float = 26) -> None:
        """Boxed cell with a tiny label in its top-left corner (CMS-1500 style)."""
        self.rect(x, y, x + w, y + h, width=0.5)
        self.text(x + 2, y + 7, label, 5.8)
        self.text(x + 4, y + h - 6, value, self.fit(value, w - 6, 9.5), self.style.fill)

    def leader(self, x: float, y: float, label: str, value: str, vx: float, size: float = 9.0) -> float:
        """`label ......... value` with a dotted leader up to vx; returns the next baseline."""
        end = self.text(x, y, label, size)
        dots = max(2, int((vx - 6 - end) / text_len(".", size)))
        self.text(end + 2, y, "." * dots, size)
        return self.wrap(vx, y, W - 48 - vx, value, size, self.style.fill, 1.25) + size * 0.3
