"""Faxed variants: Group 4 TIFF with the right resolution tags, and OCR still recovers the gold words."""

from __future__ import annotations

import io
import random
import re
from datetime import datetime
from typing import Any

import numpy as np
import pymupdf
import pytest
from PIL import Image

from referral_intake.synth import ehr
from referral_intake.synth.corpus import render_document
from referral_intake.synth.fax import degrade
from referral_intake.synth.gold import referral_gold

SKIP_SUFFIXES = (
    "date_of_birth",
    "referral_date",
    "phone",
    "fax",
    "sex",
    "urgency",
    "subscriber_date_of_birth",
)


def _fax(family: str, seed: int, fine: bool, container: str) -> tuple[Any, list[Any]]:
    doc, _kinds, printed = render_document(family, random.Random(seed), ehr.population(1, size=200))
    res = degrade(
        doc,
        random.Random(seed),
        "5125550101",
        "Test Clinic",
        "5125550102",
        datetime(2026, 11, 20, 9, 30),
        fine=fine,
        container=container,
        upside_down_rate=0.0,
    )
    return res, printed


def test_tiff_is_group4_with_resolution_tags() -> None:
    for fine in (True, False):
        res, _ = _fax("form_beside", 3, fine, "tiff")
        img = Image.open(io.BytesIO(res.data))
        assert img.mode == "1" and img.info["compression"] == "group4"
        ydpi = 200 if fine else 100
        assert tuple(round(v) for v in img.info["dpi"]) == (200, ydpi)
        assert res.resolution == f"200x{ydpi}"
        assert img.size[1] == pytest.approx(11 * ydpi, rel=0.02)


def test_fax_pdf_is_image_only() -> None:
    res, _printed = _fax("cover_and_form", 4, False, "pdf")
    doc = pymupdf.open(stream=res.data, filetype="pdf")
    assert doc.page_count == 2
    assert all(page.get_text().strip() == "" and page.get_images() for page in doc)


def _page_image(data: bytes, tiff: bool) -> np.ndarray:
    if tiff:
        img = Image.open(io.BytesIO(data))
        xdpi, ydpi = img.info["dpi"]
        img = img.convert("L")
        if round(ydpi) != round(xdpi):  # restore square pixels before OCR
            img = img.resize((img.width, int(img.height * xdpi / ydpi)))
    else:
        pix = pymupdf.open(stream=data, filetype="pdf")[0].get_pixmap(dpi=200, colorspace=pymupdf.csGRAY)
        img = Image.frombytes("L", (pix.width, pix.height), pix.samples)
    return np.asarray(img.convert("RGB"))


def _gold_tokens(printed: Any) -> set[str]:
    from referral_intake.contract import iter_fields

    tokens: set[str] = set()
    for path, field in iter_fields(referral_gold(printed)):
        if field.value is None or path.endswith(SKIP_SUFFIXES):
            continue
        tokens |= {t for t in re.findall(r"[a-z0-9]+", str(field.value).lower()) if len(t) > 1}
    return tokens


def test_ocr_of_faxed_pages_recovers_most_gold_words() -> None:
    from rapidocr import RapidOCR

    engine = RapidOCR(
        params={
            "Global.use_cls": False,
            "Det.limit_type": "max",
            "Det.limit_side_len": 960,
            "EngineConfig.onnxruntime.intra_op_num_threads": 1,
        }
    )
    for family, fine, container in (("form_boxed", False, "tiff"), ("letter", True, "pdf")):
        res, printed = _fax(family, 21, fine, container)
        out = engine(_page_image(res.data, container == "tiff"))
        text = re.sub(r"[^a-z0-9]", "", " ".join(out.txts or ()).lower())
        tokens = _gold_tokens(printed[0])
        assert len(tokens) > 20
        found = sum(t in text for t in tokens)
        print(family, fine, container, f"recall={found / len(tokens):.3f}", len(tokens))
        # "most": these pages carry realistic damage (toner, dropped lines), and 200x100 is coarse
        assert found / len(tokens) >= 0.75, (family, sorted(t for t in tokens if t not in text))


@pytest.fixture(scope="module")
def ocr_engine() -> Any:
    from rapidocr import RapidOCR

    return RapidOCR(
        params={
            "Global.use_cls": False,
            "Det.limit_type": "max",
            "Det.limit_side_len": 960,
            "EngineConfig.onnxruntime.intra_op_num_threads": 2,
        }
    )


@pytest.mark.parametrize(
    "family", sorted(__import__("referral_intake.synth", fromlist=["FAMILIES"]).FAMILIES)
)
def test_every_family_faxed_is_still_readable_by_ocr(family: str, ocr_engine: Any) -> None:
    """The faxed variant of each layout family: RapidOCR finds most gold words on its pages."""
    res, printed = _fax(family, 5, family.startswith(("letter", "note")), "pdf")
    doc = pymupdf.open(stream=res.data, filetype="pdf")
    text = ""
    for page in doc:
        pix = page.get_pixmap(dpi=200, colorspace=pymupdf.csGRAY)
        img = np.asarray(Image.frombytes("L", (pix.width, pix.height), pix.samples).convert("RGB"))
        text += " ".join(ocr_engine(img).txts or ())
    text = re.sub(r"[^a-z0-9]", "", text.lower())
    tokens = set().union(*(_gold_tokens(p) for p in printed))
    assert len(tokens) > 10
    recall = sum(t in text for t in tokens) / len(tokens)
    print(family, f"recall={recall:.3f}", len(tokens))
    assert recall >= 0.6, (family, sorted(t for t in tokens if t not in text))
