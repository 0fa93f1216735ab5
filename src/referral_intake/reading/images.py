"""Raster pages: multi-page TIFF (CCITT G3/G4, LZW, ...), PNG and JPEG, decoded with Pillow.

Fax "normal" resolution (204x98 or 200x100 dpi) is stretched to square pixels using the TIFF resolution
tags, so OCR sees letters of the right shape and points map back onto the page.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

from referral_intake.errors import UnreadableDocument
from referral_intake.settings import ReadingSettings

_DEFAULT_DPI = 200.0  # images without resolution tags: fax and phone photos are near this
_MIN_DPI, _MAX_DPI = 50.0, 1200.0


@dataclass(frozen=True, slots=True)
class RasterPage:
    image: npt.NDArray[np.uint8]  # grayscale, square pixels
    dpi: float


def _resolution(img: Image.Image) -> tuple[float, float]:
    raw = img.info.get("dpi")
    try:
        xd, yd = (float(raw[0]), float(raw[1])) if raw else (0.0, 0.0)
    except (TypeError, ValueError, IndexError):
        xd, yd = 0.0, 0.0
    xd, yd = float(round(xd)), float(round(yd))  # PNG stores pixels per metre: 200 dpi reads as 199.9994
    if not _MIN_DPI <= xd <= _MAX_DPI:
        xd = 0.0
    if not _MIN_DPI <= yd <= _MAX_DPI:
        yd = 0.0
    if xd and not yd:
        yd = xd
    if yd and not xd:
        xd = yd
    return (xd or _DEFAULT_DPI), (yd or _DEFAULT_DPI)


def _frame_to_page(frame: Image.Image) -> RasterPage:
    xd, yd = _resolution(frame)
    frame = ImageOps.exif_transpose(frame) if frame.format in ("JPEG",) else frame
    gray = frame.convert("L")
    if abs(xd - yd) / xd > 0.05:
        # Fax normal mode: rows are twice as tall as columns are wide; resample to the finer of the two.
        target = max(xd, yd)
        w = round(gray.width * target / xd)
        h = round(gray.height * target / yd)
        gray = gray.resize((w, h), Image.Resampling.BILINEAR)
        xd = target
    return RasterPage(np.asarray(gray, dtype=np.uint8), xd)


def open_image(data: bytes, settings: ReadingSettings) -> Image.Image:
    Image.MAX_IMAGE_PIXELS = settings.max_pixels
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise UnreadableDocument(
            f"image larger than reading.max_pixels ({settings.max_pixels} pixels); raise the limit if genuine",
            reason="image_too_large",
        ) from None
    except UnidentifiedImageError:
        raise UnreadableDocument("image data is not a readable TIFF, PNG or JPEG", reason="corrupt") from None
    return img


def count_frames(img: Image.Image) -> int:
    return int(getattr(img, "n_frames", 1))


def raster_pages(data: bytes, settings: ReadingSettings) -> Iterator[RasterPage]:
    """Decode each frame; refuses too many pages or pixels before decoding any of them."""
    img = open_image(data, settings)
    try:
        n = count_frames(img)
    except (OSError, ValueError, EOFError, SyntaxError):
        raise UnreadableDocument(
            "image file is truncated or its page directory is damaged", "truncated"
        ) from None
    if n > settings.max_pages:
        raise UnreadableDocument(
            f"image has {n} pages, more than reading.max_pages ({settings.max_pages})",
            reason="too_many_pages",
        )
    for frame in ImageSequence.Iterator(img):
        check_pixels(frame.width, frame.height, settings)
        try:
            yield _frame_to_page(frame)
        except (OSError, ValueError, EOFError, SyntaxError) as exc:
            reason = "truncated" if "truncated" in str(exc).lower() else "corrupt"
            raise UnreadableDocument(f"image page could not be decoded ({reason})", reason=reason) from None


def check_pixels(width: int, height: int, settings: ReadingSettings) -> None:
    if width * height > settings.max_pixels:
        raise UnreadableDocument(
            f"image of {width}x{height} pixels is larger than reading.max_pixels ({settings.max_pixels}); "
            "raise the limit if genuine",
            reason="image_too_large",
        )
