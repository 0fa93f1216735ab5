"""Own fax degradation: fax header line, 200 dpi (or 200x100) raster, skew, binarization, speckle; saved as an
image-only PDF or a multi-page Group 4 TIFF. Hand-written with PIL (augraphy was considered: a heavy dependency
for a benchmark, and its defaults would not be ours)."""

from __future__ import annotations

import io
import random

import pymupdf
from PIL import Image, ImageFilter

DPI = 200


def _header(page: pymupdf.Page, rng: random.Random, n: int, total: int, stamp: str, sender: str) -> None:
    page.insert_text(
        (18, 12), f"{stamp}  FROM: {sender}  TO: INTAKE  P.{n:03d}/{total:03d}", fontname="cour", fontsize=7
    )


def _degrade(img: Image.Image, rng: random.Random, fine: bool) -> Image.Image:
    img = img.convert("L")
    if not fine:  # standard resolution: 100 lines per inch vertically, stretched back
        w, h = img.size
        img = img.resize((w, h // 2), Image.Resampling.BILINEAR).resize((w, h), Image.Resampling.NEAREST)
    img = img.rotate(rng.uniform(-1.6, 1.6), resample=Image.Resampling.BILINEAR, expand=False, fillcolor=255)
    if rng.random() < 0.5:
        img = img.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 0.7)))
    cut = rng.randrange(150, 200)
    img = img.point(lambda v: 255 if v > cut else 0, mode="1").convert("L")
    px = img.load()
    assert px is not None
    w, h = img.size
    for _ in range(int(w * h * rng.uniform(0.0004, 0.0012))):  # speckle, both ways
        x, y = rng.randrange(w), rng.randrange(h)
        px[x, y] = 0 if px[x, y] else 255
    return img.convert("1")


def fax_document(doc: pymupdf.Document, rng: random.Random, sender: str, as_tiff: bool) -> tuple[bytes, str]:
    """Rasterize and degrade every page; returns (file bytes, file extension)."""
    total = doc.page_count
    stamp = f"NOV-{rng.randrange(1, 28):02d}-2026 {rng.randrange(7, 18):02d}:{rng.randrange(0, 60):02d}"
    fine = rng.random() < 0.6
    images = []
    for i in range(total):
        page = doc[i]
        _header(page, rng, i + 1, total, stamp, sender)
        pix = page.get_pixmap(dpi=DPI, colorspace=pymupdf.csGRAY)
        images.append(_degrade(Image.frombytes("L", (pix.width, pix.height), pix.samples), rng, fine))
    if as_tiff:
        buf = io.BytesIO()
        images[0].save(
            buf, format="TIFF", compression="group4", save_all=True, append_images=images[1:], dpi=(DPI, DPI)
        )
        return buf.getvalue(), "tif"
    out: pymupdf.Document = pymupdf.open()  # type: ignore[no-untyped-call]  # PyMuPDF ships partial hints
    for img in images:
        buf = io.BytesIO()
        img.save(buf, format="PNG")
        page = out.new_page(width=612, height=792)
        page.insert_image(page.rect, stream=buf.getvalue())  # type: ignore[no-untyped-call]
    out.set_metadata({"creator": "", "producer": "", "creationDate": "", "modDate": ""})
    # no fresh /ID and no dates, so a seed gives byte-identical files
    data: bytes = out.tobytes(garbage=3, deflate=True, no_new_id=True)  # type: ignore[no-untyped-call]
    return data, "pdf"
