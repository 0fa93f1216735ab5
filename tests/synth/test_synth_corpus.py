"""The synthetic corpus: deterministic, every family renders, gold validates and is true to the page."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pymupdf
import pytest

from referral_intake.contract import Extraction
from referral_intake.synth import ALL_FAMILIES, FAMILIES, generate_corpus
from referral_intake.synth.formats import DATE_FORMATS, PHONE_FORMATS, fmt_date, fmt_phone

SCHEMA = json.loads(Path("/work/shared/contract/referral.schema.json").read_text())
CARD_PATHS = ("insurance.", "patient.first_name", "patient.last_name")


@pytest.fixture(scope="module")
def one_of_each(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    out = tmp_path_factory.mktemp("each")
    return generate_corpus(out, len(ALL_FAMILIES), seed=11, fax_ratio=0.0, families=list(ALL_FAMILIES))


def _gold(path: Path) -> dict[str, Any]:
    return json.loads(path.with_name(path.stem + ".gold.json").read_text())


def _truth(path: Path) -> dict[str, Any]:
    return json.loads(path.with_name(path.stem + ".truth.json").read_text())


def _values(obj: Any, prefix: str = "") -> list[tuple[str, Any]]:
    """(dotted path, value) of every non-null gold field."""
    out: list[tuple[str, Any]] = []
    if isinstance(obj, dict):
        if set(obj) == {"value"}:
            return [(prefix, obj["value"])] if obj["value"] is not None else []
        for k, v in obj.items():
            out += _values(v, f"{prefix}.{k}" if prefix else k)
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            out += _values(v, f"{prefix}.{i}")
    return out


def _printed(value: Any, path: str, text: str, digits: str, squashed: str) -> bool:
    """Is this normalized gold value on the page in some written form?"""
    s = str(value)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", s):
        from datetime import date

        d = date.fromisoformat(s)
        return any(fmt_date(d, f).lower() in text for f in DATE_FORMATS)
    if path.endswith(("phone", "fax")):
        return any(fmt_phone(s, f) in text for f in PHONE_FORMATS) or s in digits
    if path.endswith(("member_id", "group_number", "mrn", "authorization_number")):
        return s.lower() in squashed
    if path.endswith("urgency"):
        return s in text or {"routine": "routine", "urgent": "urgent", "stat": "stat"}[s] in text
    return " ".join(s.lower().split()) in text


def test_every_family_renders_and_gold_validates(one_of_each: list[Path]) -> None:
    families = {_truth(p)["family"] for p in one_of_each}
    assert families == set(ALL_FAMILIES) and len(FAMILIES) >= 12
    for path in one_of_each:
        gold = _gold(path)
        jsonschema.validate(gold, SCHEMA)
        ext = Extraction.model_validate(gold)
        assert ext.document.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
        doc = pymupdf.open(path)
        assert ext.document.page_count == doc.page_count == len(ext.document.pages)
        assert bool(ext.referrals) is (_truth(path)["family"] != "not_a_referral"), path.name
        for ref in ext.referrals:
            assert ref.pages and all(1 <= p <= doc.page_count for p in ref.pages)
            assert ref.patient.last_name and ref.patient.last_name.value
        pages = [p for r in ext.referrals for p in r.pages]
        assert len(pages) == len(set(pages)), "a page belongs to one referral at most"


def test_gold_values_are_printed_on_the_page(one_of_each: list[Path]) -> None:
    for path in one_of_each:
        gold = _gold(path)
        doc = pymupdf.open(path)
        kinds = {p["page"]: p["kind"] for p in gold["document"]["pages"]}
        for r, ref in enumerate(gold["referrals"]):
            # a referral's values are on its own pages (or on a cover sheet sent for the whole packet)
            pages = [p for p in kinds if p in ref["pages"] or kinds[p] == "cover_sheet"]
            has_card = any(kinds[p] == "insurance_card" for p in ref["pages"])
            raw = " ".join(doc[p - 1].get_text() for p in pages)
            text = " ".join(raw.lower().split())
            digits = re.sub(r"\D", "", raw)
            squashed = re.sub(r"[\s\-]", "", raw.lower())
            for fpath, value in _values(ref):
                if fpath.startswith("pages") or (has_card and fpath.startswith(CARD_PATHS)):
                    continue
                assert _printed(value, fpath, text, digits, squashed), (path.name, r, fpath, value)


def test_pages_render_to_non_trivial_png(one_of_each: list[Path], tmp_path: Path) -> None:
    import numpy as np
    from PIL import Image

    for path in one_of_each:
        page = pymupdf.open(path)[0]
        png = tmp_path / f"{path.stem}.png"
        page.get_pixmap(dpi=50).save(png)
        arr = np.asarray(Image.open(png).convert("L"))
        dark = float((arr < 128).mean())
        assert 0.002 < dark < 0.5, (path.name, dark)
        assert len(page.get_text().split()) > 15, path.name


def test_same_seed_same_corpus_other_seed_differs(tmp_path: Path) -> None:
    for ratio in (0.0, 1.0):  # born-digital and faxed bytes alike
        a = generate_corpus(tmp_path / f"a{ratio}", 1, seed=5, fax_ratio=ratio)
        b = generate_corpus(tmp_path / f"b{ratio}", 1, seed=5, fax_ratio=ratio)
        assert _truth(a[0])["fax"] is (ratio == 1.0)
        assert a[0].name == b[0].name and a[0].read_bytes() == b[0].read_bytes()
        assert _gold(a[0]) == _gold(b[0]) and _truth(a[0]) == _truth(b[0])
    c = generate_corpus(tmp_path / "c", 1, seed=6, fax_ratio=1.0)
    assert _gold(c[0])["document"]["sha256"] != _gold(a[0])["document"]["sha256"]


def test_multi_patient_packet_splits_into_referrals(one_of_each: list[Path]) -> None:
    path = next(p for p in one_of_each if _truth(p)["family"] == "multi_patient_packet")
    gold = Extraction.model_validate(_gold(path))
    assert len(gold.referrals) >= 2
    names = {(r.patient.last_name.value, r.patient.date_of_birth.value) for r in gold.referrals}  # type: ignore[union-attr]
    assert len(names) == len(gold.referrals)
    firsts = [min(r.pages) for r in gold.referrals]
    assert firsts == sorted(firsts), "referrals are listed in page order"


def test_subscriber_not_patient_has_subscriber(one_of_each: list[Path]) -> None:
    path = next(p for p in one_of_each if _truth(p)["family"] == "subscriber_not_patient")
    cov = Extraction.model_validate(_gold(path)).referrals[0].insurance[0]
    assert cov.subscriber_name and cov.subscriber_name.value
    assert cov.subscriber_relationship and cov.subscriber_relationship.value in ("Spouse", "Child")


def test_no_text_off_the_page_or_drawn_over_other_text(one_of_each: list[Path]) -> None:
    for path in one_of_each:
        for pno, page in enumerate(pymupdf.open(path)):
            words = page.get_text("words")
            for w in words:
                assert w[0] >= 0 and w[1] >= 0 and w[2] <= 612.5 and w[3] <= 792.5, (path.name, pno, w[4])
            for i, a in enumerate(words):
                for b in words[i + 1 :]:
                    ix, iy = min(a[2], b[2]) - max(a[0], b[0]), min(a[3], b[3]) - max(a[1], b[1])
                    small = min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]))
                    assert not (ix > 1 and iy > 2 and ix * iy > 0.3 * small), (path.name, pno, a[4], b[4])
