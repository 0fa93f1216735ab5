"""Turns rendered pages into what a fax machine delivers: 1-bit, 200x200 or 200x100 dpi, skewed, speckled,
with the sending machine's header line, as an image-only PDF or a Group 4 multi-page TIFF.

Augraphy (document degradation) was considered: it is slow per page and models scans more than fax; the few
effects a fax has are short to write with Pillow and NumPy.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pymupdf
from PIL import Image, ImageFilter

from referral_intake.synth.render import (
    FONTS,
    PAGE_H,
    PAGE_W,
    gray_image,
    new_pdf,
    pages,
    pdf_bytes,
    place_image,
)


@dataclass
class FaxResult:
    data: bytes
    media_type: str
    suffix: str
    resolution: str  # "200x200" | "200x100"
    upside_down: list[int]  # 1-based pages fed upside down (recorded only in the truth sidecar)


def _header_strip(text: str, width_px: int, dpi: float, font: str, size: float) -> Image.Image:
    """The machine-stamped header line, drawn upright regardless of how the page was fed."""
    strip = new_pdf()
    page = strip.new_page(width=PAGE_W, height=size + 6)
    page.insert_text((14, size + 2), text, fontname=font, fontsize=size)
    img = gray_image(page, dpi)
    return img.resize((width_px, img.height)) if img.width != width_px else img


def _binarize(img: Image.Image, rng: random.Random) -> Image.Image:
    """Threshold with sensor noise, then speckle, dropped scan lines and the odd dirty-glass streak."""
    arr = np.array(img, dtype=np.float32)
    noise = np.random.default_rng(rng.randint(0, 2**32 - 1))
    arr += noise.standard_normal(arr.shape, dtype=np.float32) * np.float32(rng.uniform(8, 25))
    black = arr < rng.uniform(135, 185)
    black ^= noise.random(arr.shape) < rng.uniform(0.0002, 0.0015)  # speckle and dropouts
    if rng.random() < 0.25:
        col = int(noise.integers(0, arr.shape[1] - 3))
        black[:, col : col + int(noise.integers(1, 3))] |= noise.random((arr.shape[0], 1)) < 0.8
    if rng.random() < 0.15:  # a line-noise burst: a few scan lines lost
        for row in noise.integers(60, arr.shape[0] - 1, size=rng.randint(1, 4)):
            black[int(row), :] = False
    return Image.fromarray(np.where(black, 0, 255).astype(np.uint8)).convert("1", dither=Image.Dither.NONE)


def header_text(
    rng: random.Random, when: datetime, sender_fax: str, sender_name: str, to_fax: str, page: int, total: int
) -> str:
    fx = rng.choice(("({a}) {b}-{c}", "{a}-{b}-{c}", "{a}{b}{c}")).format(
        a=sender_fax[:3], b=sender_fax[3:6], c=sender_fax[6:]
    )
    stamp = when.strftime(rng.choice(("%b-%d-%Y %H:%M", "%m/%d/%Y %I:%M %p", "%d %b %Y %H:%M"))).upper()
    pg = rng.choice(("P.{p:03d}/{t:03d}", "Page {p} of {t}", "PAGE {p}/{t}", "P. {p}")).format(
        p=page, t=total
    )
    name = sender_name.upper() if rng.random() < 0.5 else sender_name
    return rng.choice(
        (
            f"{stamp}  FROM: {fx}  {name}   TO: {to_fax}   {pg}",
            f"{stamp}   {name}   FAX {fx}   {pg}",
            f"FROM: {name} {fx}   {stamp}   {pg}",
        )
    )


def degrade(
    doc: pymupdf.Document,
    rng: random.Random,
    sender_fax: str,
    sender_name: str,
    to_fax: str,
    when: datetime,
    fine: bool | None = None,
    container: str | None = None,
    upside_down_rate: float = 0.02,
) -> FaxResult:
    """Fax every page of `doc`. `fine` (200x200 dpi) and `container` ("tiff" | "pdf") default to a coin toss."""
    coin_fine, coin_tiff = rng.random() < 0.5, rng.random() < 0.5
    fine = coin_fine if fine is None else fine
    tiff = coin_tiff if container is None else container == "tiff"
    ydpi = 200 if fine else 100
    total = doc.page_count
    upside: list[int] = []
    images: list[Image.Image] = []
    hdr_font = rng.choice([f[0] for f in FONTS.values()])
    hdr_size = rng.uniform(7.0, 9.0)
    hdr_seed = rng.random()  # one machine: the same header format on every page
    for i, page in enumerate(pages(doc)):
        img = gray_image(page, 200)
        if rng.random() < upside_down_rate:  # fed upside down; nothing but the image says so
            img = img.rotate(180)
            upside.append(i + 1)
        angle = rng.uniform(0.3, 1.5) * rng.choice((-1, 1))
        shift = (
            rng.randint(-30, 30),
            rng.randint(-20, 40),
        )  # paper fed off-centre: nothing sits at fixed pixels
        img = img.rotate(angle, resample=Image.Resampling.BILINEAR, fillcolor=255, translate=shift)
        toner = rng.random()
        if toner < 0.15:  # dark setting: strokes thicken and counters fill
            img = img.filter(ImageFilter.MinFilter(3))
        elif toner < 0.3:  # light setting: thin strokes break up
            lift = rng.randint(30, 60)
            img = img.point([min(255, v + lift) for v in range(256)])
        text = header_text(random.Random(hdr_seed), when, sender_fax, sender_name, to_fax, i + 1, total)
        strip = _header_strip(text, img.width, 200, hdr_font, hdr_size)
        img.paste(strip, (0, 4))
        if not fine:
            img = img.resize((img.width, img.height // 2), Image.Resampling.BOX)
        images.append(_binarize(img, rng))
    res = f"200x{ydpi}"
    if tiff:
        buf = io.BytesIO()
        images[0].save(
            buf, "TIFF", compression="group4", save_all=True, append_images=images[1:], dpi=(200, ydpi)
        )
        return FaxResult(buf.getvalue(), "image/tiff", ".tif", res, upside)
    out = new_pdf()
    for im in images:
        buf = io.BytesIO()
        im.save(buf, "PNG")
        page = out.new_page(width=PAGE_W, height=PAGE_H)
        place_image(page, (0, 0, PAGE_W, PAGE_H), buf.getvalue(), keep_proportion=False)  # 200x100: stretch
    return FaxResult(pdf_bytes(out), "application/pdf", ".pdf", res, upside)
