"""Raster inputs: Group 4 fax TIFF at 200x100 dpi, LZW TIFF, PNG and JPEG."""

from __future__ import annotations

import pytest
from reading_factories import fax_tiff_g4, lzw_tiff, small_image

from referral_intake.errors import UnreadableDocument
from referral_intake.reading import read_document_inproc
from referral_intake.reading.images import raster_pages
from referral_intake.settings import ReadingSettings

S = ReadingSettings(sandbox=False)


def test_normal_resolution_fax_is_stretched_to_square_pixels() -> None:
    pages = list(raster_pages(fax_tiff_g4(pages=2, fine=False), S))
    assert len(pages) == 2
    h, w = pages[0].image.shape
    assert pages[0].dpi == 200
    assert w == 1700 and h == pytest.approx(2200, abs=2)  # letter at 200 dpi, rows doubled back
    assert w * 72 / pages[0].dpi == pytest.approx(612)


def test_fine_fax_and_lzw_tiff_decode_every_page() -> None:
    fine = list(raster_pages(fax_tiff_g4(pages=1, fine=True), S))
    assert fine[0].image.shape == (2200, 1700)
    lzw = list(raster_pages(lzw_tiff(pages=3), S))
    assert len(lzw) == 3 and lzw[0].dpi == 100 and lzw[2].image.shape == (1100, 850)
    assert lzw[0].image.min() == 0 and lzw[0].image.max() == 255  # real content, not a blank decode


def test_g4_tiff_is_read_with_ocr_in_points() -> None:
    doc = read_document_inproc(fax_tiff_g4(pages=1, fine=False), "fax.tif", S)
    page = doc.pages[0]
    assert doc.media_type == "image/tiff" and page.text_source == "ocr"
    assert page.width == pytest.approx(612) and page.height == pytest.approx(792, abs=1)
    dob = next(w for w in page.words if w.text == "03/14/1962")
    assert dob.y1 == pytest.approx(95, abs=6) and dob.x0 > 150
    assert page.kind == "referral_form"


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_png_and_jpeg_are_ocred(fmt: str) -> None:
    doc = read_document_inproc(small_image(fmt), f"card.{fmt.lower()}", S)
    page = doc.pages[0]
    assert page.width == pytest.approx(300, abs=0.5) and page.height == pytest.approx(60, abs=0.5)
    assert "XQZ123456789" in [w.text for w in page.words]


def test_image_pixel_limit_refuses_before_decoding() -> None:
    with pytest.raises(UnreadableDocument) as err:
        list(raster_pages(small_image("PNG"), ReadingSettings(max_pixels=10_000)))
    assert err.value.reason == "image_too_large"


def test_truncated_tiff_is_refused() -> None:
    data = fax_tiff_g4(pages=2)
    with pytest.raises(UnreadableDocument) as err:
        read_document_inproc(data[: len(data) // 3], "fax.tif", S)
    assert err.value.reason in ("truncated", "corrupt")
