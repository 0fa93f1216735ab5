"""PDF drawing helpers over PyMuPDF: text with base-14 fonts, wrapping, boxes, rules and checkboxes.

Coordinates are PDF points from the page's top-left; `y` is the text baseline.
"""

from __future__ import annotations

import random
import zlib

import pymupdf
from PIL import Image

PAGE_W, PAGE_H = 612.0, 792.0
FONTS: dict[str, tuple[str, str, str]] = {  # family -> (regular, bold, italic) base-14 names in PyMuPDF
    "helv": ("helv", "hebo", "heit"),
    "tiro": ("tiro", "tibo", "tiit"),
    "cour": ("cour", "cobo", "coit"),
}


class Sheet:
    """One page being drawn, with the document's font family and base size."""

    def __init__(self, page: pymupdf.Page, font: str = "helv", size: float = 10.0) -> None:
        self.page = page
        self.font = font
        self.size = size
        # A pre-printed form filled in by another program: values in their own font, a little off the line.
        self.value_font: str | None = None
        self.value_jitter = 0.0

    def value(self, x: float, y: float, s: str, size: float | None = None) -> float:
        """Draw a filled-in value (font and baseline may differ from the form's labels)."""
        dy = (zlib.crc32(s.encode()) % 7 - 3) / 3 * self.value_jitter  # stable per string, unlike hash()
        fs = size or self.size
        while fs > 6 and x + self.width(s, fs, font=self.value_font) > PAGE_W - 20:  # never off the page
            fs -= 0.5
        return self.text(x, y + dy, s, fs, font=self.value_font)

    def _fontname(self, bold: bool, italic: bool, font: str | None) -> str:
        reg, bo, it = FONTS[font or self.font]
        return bo if bold else it if italic else reg

    def width(self, s: str, size: float | None = None, bold: bool = False, font: str | None = None) -> float:
        return float(
            pymupdf.get_text_length(s, fontname=self._fontname(bold, False, font), fontsize=size or self.size)
        )

    def text(
        self,
        x: float,
        y: float,
        s: str,
        size: float | None = None,
        bold: bool = False,
        italic: bool = False,
        font: str | None = None,
        color: tuple[float, float, float] = (0, 0, 0),
        align: str = "left",
    ) -> float:
        """Draw one line; returns the x where it ends. `align` right/center anchor at x."""
        fs = size or self.size
        w = self.width(s, fs, bold, font)
        if align == "right":
            x -= w
        elif align == "center":
            x -= w / 2
        if s:
            self.page.insert_text(
                (x, y), s, fontname=self._fontname(bold, italic, font), fontsize=fs, color=color
            )
        return x + w

    # PyMuPDF's insert_textbox wraps too, but does not say where each line landed; flows need the next y.
    def wrap_lines(
        self, s: str, w: float, size: float | None = None, bold: bool = False, font: str | None = None
    ) -> list[str]:
        lines: list[str] = []
        for para in s.split("\n"):
            cur = ""
            for word in para.split():
                cand = f"{cur} {word}" if cur else word
                if cur and self.width(cand, size, bold, font) > w:
                    lines.append(cur)
                    cur = word
                else:
                    cur = cand
            lines.append(cur)
        return lines

    def wrap(
        self,
        x: float,
        y: float,
        w: float,
        s: str,
        size: float | None = None,
        leading: float = 1.3,
        bold: bool = False,
        italic: bool = False,
        font: str | None = None,
    ) -> float:
        """Draw wrapped text starting at baseline y; returns the baseline after the last line."""
        fs = size or self.size
        for line in self.wrap_lines(s, w, fs, bold, font):
            self.text(x, y, line, fs, bold, italic, font=font)
            y += fs * leading
        return y

    def rect(
        self,
        x0: float,
        y0: float,
        x1: float,
        y1: float,
        width: float = 0.7,
        fill: tuple[float, float, float] | None = None,
        color: tuple[float, float, float] | None = (0, 0, 0),
    ) -> None:
        self.page.draw_rect((x0, y0, x1, y1), color=color, fill=fill, width=width)

    def hline(self, x0: float, x1: float, y: float, width: float = 0.6) -> None:
        self.page.draw_line((x0, y), (x1, y), color=(0, 0, 0), width=width)

    def vline(self, x: float, y0: float, y1: float, width: float = 0.6) -> None:
        self.page.draw_line((x, y0), (x, y1), color=(0, 0, 0), width=width)

    def scribble(self, x: float, y: float, w: float, rng: random.Random) -> None:
        """A signature: a few joined Bezier loops, never text."""
        px, py = x, y
        for k in range(rng.randint(3, 6)):
            nx, ny = x + w * (k + 1) / 6, y + rng.uniform(-4, 4)
            c1 = (px + rng.uniform(0, 20), py - rng.uniform(6, 16))
            c2 = (nx - rng.uniform(0, 20), ny + rng.uniform(4, 14))
            self.page.draw_bezier(
                (px, py), c1, c2, (nx, ny), color=(0.05, 0.05, 0.3), width=rng.uniform(0.6, 1.2)
            )
            px, py = nx, ny

    def logo(self, x: float, y: float, r: float, initials: str) -> None:
        """A round practice logo with initials, drawn at centre (x, y)."""
        self.page.draw_circle((x, y), r, color=(0, 0, 0), fill=(0.3, 0.3, 0.3), width=0.8)
        self.text(x, y + r * 0.35, initials, r * 0.9, bold=True, color=(1, 1, 1), align="center")

    def checkbox(self, x: float, y: float, checked: bool, label: str, style: str = "box") -> float:
        """`[X] Urgent` as text, or a drawn square with an X; returns the end x."""
        if style == "text":
            return self.text(x, y, f"[{'X' if checked else ' '}] {label}") + 10
        s = self.size * 0.8
        self.rect(x, y - s, x + s, y, width=0.6)
        if checked:
            self.page.draw_line((x + 1, y - s + 1), (x + s - 1, y - 1), color=(0, 0, 0), width=1.0)
            self.page.draw_line((x + 1, y - 1), (x + s - 1, y - s + 1), color=(0, 0, 0), width=1.0)
        return self.text(x + s + 3, y, label) + 10


def new_sheet(
    doc: pymupdf.Document, rng: random.Random, font: str | None = None, size: float | None = None
) -> Sheet:
    page = doc.new_page(width=PAGE_W, height=PAGE_H)
    return Sheet(page, font or rng.choice(tuple(FONTS)), size or round(rng.uniform(8.5, 12.0) * 2) / 2)


# Typed doors into PyMuPDF, whose stubs leave these calls untyped (mypy --strict).
def new_pdf() -> pymupdf.Document:
    return pymupdf.open()  # type: ignore[no-untyped-call]


def pdf_bytes(doc: pymupdf.Document) -> bytes:
    """Serialize deterministically: no random /ID, no timestamps."""
    return bytes(doc.tobytes(garbage=3, deflate=True, no_new_id=True))  # type: ignore[no-untyped-call]


def close(doc: pymupdf.Document) -> None:
    doc.close()  # type: ignore[no-untyped-call]


def pages(doc: pymupdf.Document) -> list[pymupdf.Page]:
    return [doc[i] for i in range(doc.page_count)]


def gray_image(page: pymupdf.Page, xdpi: float, ydpi: float | None = None) -> Image.Image:
    """Rasterize a page to 8-bit grey at the given resolution."""
    m = pymupdf.Matrix(xdpi / 72, (ydpi or xdpi) / 72)  # type: ignore[no-untyped-call]
    pix = page.get_pixmap(matrix=m, colorspace=pymupdf.csGRAY, alpha=False)
    return Image.frombytes("L", (pix.width, pix.height), pix.samples)


def place_image(
    page: pymupdf.Page, box: tuple[float, float, float, float], data: bytes, keep_proportion: bool = True
) -> None:
    rect = pymupdf.Rect(*box)  # type: ignore[no-untyped-call]
    page.insert_image(rect, stream=data, keep_proportion=keep_proportion)  # type: ignore[no-untyped-call]
