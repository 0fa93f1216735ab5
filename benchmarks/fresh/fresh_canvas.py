"""A thin drawing layer over a PyMuPDF page: text (left/right/centred), rules, boxes, check boxes, wrapping."""

from __future__ import annotations

from pathlib import Path

import pymupdf

_DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
# family -> (regular, bold, italic): base-14 names or TrueType files
FAMILIES: dict[str, tuple[str, str, str]] = {
    "helv": ("helv", "hebo", "heit"),
    "times": ("tiro", "tibo", "tiit"),
    "courier": ("cour", "cobo", "coit"),
}
if (_DEJAVU / "DejaVuSans.ttf").exists():
    FAMILIES["dejavu"] = (
        str(_DEJAVU / "DejaVuSans.ttf"),
        str(_DEJAVU / "DejaVuSans-Bold.ttf"),
        str(_DEJAVU / "DejaVuSans-Oblique.ttf"),
    )
    FAMILIES["dejavu_cond"] = (
        str(_DEJAVU / "DejaVuSansCondensed.ttf"),
        str(_DEJAVU / "DejaVuSansCondensed-Bold.ttf"),
        str(_DEJAVU / "DejaVuSansCondensed-Oblique.ttf"),
    )
    FAMILIES["dejavu_serif"] = (
        str(_DEJAVU / "DejaVuSerif.ttf"),
        str(_DEJAVU / "DejaVuSerif-Bold.ttf"),
        str(_DEJAVU / "DejaVuSerif-Italic.ttf"),
    )

_FONT_CACHE: dict[str, pymupdf.Font] = {}


def _font(spec: str) -> pymupdf.Font:
    if spec not in _FONT_CACHE:
        _FONT_CACHE[spec] = (
            pymupdf.Font(fontfile=spec) if spec.endswith(".ttf") else pymupdf.Font(fontname=spec)  # type: ignore[no-untyped-call]
        )
    return _FONT_CACHE[spec]


class Canvas:
    def __init__(self, doc: pymupdf.Document, family: str, width: float = 612, height: float = 792) -> None:
        self.doc = doc
        self.family = family if family in FAMILIES else "helv"
        self.w, self.h = width, height
        self.page = doc.new_page(width=width, height=height)

    def new_page(self) -> None:
        self.page = self.doc.new_page(width=self.w, height=self.h)

    def _spec(self, bold: bool, italic: bool, family: str | None) -> str:
        reg, bo, it = FAMILIES[family or self.family]
        return bo if bold else it if italic else reg

    def width(
        self, s: str, size: float = 9, bold: bool = False, italic: bool = False, family: str | None = None
    ) -> float:
        return float(_font(self._spec(bold, italic, family)).text_length(s, fontsize=size))  # type: ignore[no-untyped-call]

    def text(
        self,
        x: float,
        y: float,
        s: str,
        size: float = 9,
        bold: bool = False,
        italic: bool = False,
        family: str | None = None,
        color: tuple[float, float, float] = (0, 0, 0),
    ) -> float:
        """Baseline at y; returns the x after the text."""
        if not s:
            return x
        spec = self._spec(bold, italic, family)
        if spec.endswith(".ttf"):
            name = "F" + Path(spec).stem.replace("-", "")
            self.page.insert_text((x, y), s, fontsize=size, fontname=name, fontfile=spec, color=color)
        else:
            self.page.insert_text((x, y), s, fontsize=size, fontname=spec, color=color)
        return x + self.width(s, size, bold, italic, family)

    def rtext(
        self,
        xr: float,
        y: float,
        s: str,
        size: float = 9,
        bold: bool = False,
        italic: bool = False,
        family: str | None = None,
    ) -> None:
        self.text(xr - self.width(s, size, bold, italic, family), y, s, size, bold, italic, family)

    def ctext(
        self,
        xc: float,
        y: float,
        s: str,
        size: float = 9,
        bold: bool = False,
        italic: bool = False,
        family: str | None = None,
        color: tuple[float, float, float] = (0, 0, 0),
    ) -> None:
        self.text(xc - self.width(s, size, bold, italic, family) / 2, y, s, size, bold, italic, family, color)

    def line(
        self,
        x0: float,
        y0: float,
        x1: float,
        y1: float,
        w: float = 0.6,
        dashes: str | None = None,
        color: tuple[float, float, float] = (0, 0, 0),
    ) -> None:
        self.page.draw_line((x0, y0), (x1, y1), color=color, width=w, dashes=dashes)

    def rect(
        self,
        x0: float,
        y0: float,
        x1: float,
        y1: float,
        w: float = 0.6,
        fill: tuple[float, float, float] | None = None,
        color: tuple[float, float, float] | None = (0, 0, 0),
    ) -> None:
        self.page.draw_rect(pymupdf.Rect(x0, y0, x1, y1), color=color, fill=fill, width=w)  # type: ignore[no-untyped-call]

    def checkbox(
        self,
        x: float,
        y: float,
        checked: bool,
        label: str,
        size: float = 8.5,
        box: float = 7.5,
        mark: str = "X",
    ) -> float:
        """A square at baseline y with an X typed inside when checked; returns x after the label."""
        self.rect(x, y - box + 1, x + box, y + 1, w=0.6)
        if checked:
            self.text(x + 1.2, y - 0.3, mark, size=box + 0.5, bold=True, family="helv")
        return self.text(x + box + 3, y, label, size=size)

    def wrap(
        self,
        x: float,
        y: float,
        width: float,
        s: str,
        size: float = 9,
        leading: float | None = None,
        bold: bool = False,
        italic: bool = False,
    ) -> float:
        """Greedy word wrap from baseline y; returns the baseline of the next line."""
        lead = leading or size * 1.3
        line = ""
        for word in s.split():
            trial = f"{line} {word}".strip()
            if line and self.width(trial, size, bold, italic) > width:
                self.text(x, y, line, size, bold, italic)
                y += lead
                line = word
            else:
                line = trial
        if line:
            self.text(x, y, line, size, bold, italic)
            y += lead
        return y

    def signature(self, x: float, y: float, seed: int) -> None:
        """A scribble of a few Bezier strokes above baseline y (no text)."""
        px, py = x, y
        for i in range(4):
            dx = 18 + (seed >> i) % 14
            up = -10 - (seed >> (i + 2)) % 8
            self.page.draw_bezier(
                (px, py),
                (px + dx / 3, py + up),
                (px + 2 * dx / 3, py - up / 2),
                (px + dx, py - 2),
                color=(0.05, 0.05, 0.3),
                width=0.9,
            )
            px, py = px + dx, py - 2
