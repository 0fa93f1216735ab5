"""Turn a born-digital PDF into what a fax server delivers: 1-bit pages at 200x200 ("fine") or 200x100
("standard") dpi, a transmit header line, slight skew, noise and speckle; saved as a Group-4 multipage TIFF
or as an image-only PDF."""

from __future__ import annotations

import io
import random

import numpy as np
import pymupdf
from PIL import Image


def _degrade(img: Image.Image, rng: random.Random, fine: bool) -> Image.Image:
    angle = rng.uniform(-1.4, 1.4)
    img = img.rotate(angle, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=255)
    if not fine:  # standard resolution: half the vertical lines
        img = img.resize((img.width, img.height // 2), Image.Resampling.BOX)
    nprng = np.random.default_rng(rng.randrange(2**32))
    arr = np.asarray(img, dtype=np.float64)
    arr = arr + nprng.normal(0, rng.uniform(6, 18), arr.shape)
    threshold = rng.uniform(150, 200)
    bw = arr >= threshold  # True = white
    density = rng.uniform(0.0002, 0.0012)
    mask = nprng.random(bw.shape) < density
    bw[mask] = False
    # a few small clumps (toner dust), 2x2 to 3x3
    h, w = bw.shape
    for _ in range(rng.randint(5, 40)):
        y, x, s = rng.randrange(h - 3), rng.randrange(w - 3), rng.choice((2, 3))
        bw[y : y + s, x : x + s] = False
    # a faint vertical streak from a dirty scanner glass on some pages
    if rng.random() < 0.2:
        x = rng.randrange(w)
        bw[:, x] &= nprng.random(h) > 0.6
    return Image.fromarray((bw * 255).astype(np.uint8), mode="L").convert("1", dither=Image.Dither.NONE)


def fax_pages(
    pdf: bytes, rng: random.Random, header: str, fine: bool
) -> list[tuple[Image.Image, tuple[float, float]]]:
    """Rasterized, degraded pages with their size in points."""
    doc = pymupdf.open(stream=pdf, filetype="pdf")  # type: ignore[no-untyped-call]
    out = []
    n = doc.page_count
    for i in range(n):
        page = doc[i]
        page.insert_text((18, 11), f"{header}  P.{i + 1:03d}/{n:03d}", fontsize=7, fontname="cour")
        pix = page.get_pixmap(dpi=200, colorspace=pymupdf.csGRAY)
        img = Image.frombytes("L", (pix.width, pix.height), pix.samples)
        out.append((_degrade(img, rng, fine), (page.rect.width, page.rect.height)))
    return out


def to_tiff(pages: list[tuple[Image.Image, tuple[float, float]]], fine: bool) -> bytes:
    buf = io.BytesIO()
    first, *rest = [p for p, _ in pages]
    first.save(
        buf,
        format="TIFF",
        compression="group4",
        dpi=(200, 200 if fine else 100),
        save_all=True,
        append_images=rest,
    )
    return buf.getvalue()


def to_pdf(pages: list[tuple[Image.Image, tuple[float, float]]]) -> bytes:
    doc = pymupdf.open()  # type: ignore[no-untyped-call]
    for img, (w, h) in pages:
        buf = io.BytesIO()
        img.save(buf, format="PNG")
        page = doc.new_page(width=w, height=h)
        page.insert_image(page.rect, stream=buf.getvalue(), keep_proportion=False)  # type: ignore[no-untyped-call]
    doc.set_metadata({"producer": "fax server", "creator": "", "creationDate": "", "modDate": ""})
    return bytes(doc.tobytes(garbage=3, deflate=True, no_new_id=True))  # type: ignore[no-untyped-call]
