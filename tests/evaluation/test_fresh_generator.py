"""The fourth ("fresh") generator: one born-digital document per family, every gold value is printed on the
page in some common form, the gold is a valid contract document, and a seed reproduces the corpus."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pymupdf
import pytest
import simple_icd_10_cm as icd

from referral_intake.contract import Extraction

ROOT = Path(__file__).resolve().parents[2]
FRESH = ROOT / "benchmarks" / "fresh"
FAMILIES = 8
DATE_FIELDS = ("date_of_birth", "referral_date", "subscriber_date_of_birth")
DIGIT_FIELDS = ("phone", "fax", "npi")
ID_FIELDS = ("mrn", "member_id", "group_number", "authorization_number")
SEX_WORDS = {
    "F": {"female", "f"},
    "M": {"male", "m"},
    "X": {"nonbinary", "non-binary", "x"},
    "U": {"unknown", "u"},
}
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def _load() -> Any:
    spec = importlib.util.spec_from_file_location("fresh_generate", FRESH / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def generator() -> Any:
    return _load()  # in-process: saves an interpreter start per corpus


@pytest.fixture(scope="module")
def corpus(generator: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("fresh")
    assert generator.main(["--out", str(out), "--n", str(FAMILIES), "--seed", "7", "--fax-ratio", "0"]) == 0
    return out


def _date_forms(iso: str) -> set[str]:
    """Common US renderings of a date, written independently of the generator's own formatter."""
    d = date.fromisoformat(iso)
    mon = MONTHS[d.month - 1]
    full = d.strftime("%B").casefold()
    return {
        f"{d.month:02d}/{d.day:02d}/{d.year}",
        f"{d.month}/{d.day}/{d.year}",
        f"{d.month:02d}-{d.day:02d}-{d.year}",
        f"{d.month:02d}/{d.day:02d}/{d.year % 100:02d}",
        f"{mon} {d.day}, {d.year}",
        f"{full} {d.day}, {d.year}",
        f"{d.day:02d}-{mon}-{d.year}",
        d.isoformat(),
    }


def _leaves(node: Any, path: str = "") -> list[tuple[str, Any]]:
    if isinstance(node, dict):
        if "value" in node:
            return [(path, node["value"])]
        return [
            leaf for k, v in node.items() if k != "pages" for leaf in _leaves(v, f"{path}.{k}".strip("."))
        ]
    if isinstance(node, list):
        return [leaf for i, v in enumerate(node) for leaf in _leaves(v, f"{path}.{i}")]
    return []


def _npi_ok(npi: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed("80840" + npi)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def _printed(path: str, value: Any, raw: dict[str, Any], text: str) -> bool:
    leaf = path.rsplit(".", 1)[-1]
    if leaf in DATE_FIELDS:
        return any(form in text for form in _date_forms(value))
    if leaf in DIGIT_FIELDS:
        ok = bool(re.fullmatch(r"\d{10}", value)) and value in re.sub(r"\D", "", text)
        return ok and (_npi_ok(value) if leaf == "npi" else value[3:7] == "5550")  # fictional 555-01xx
    if leaf in ID_FIELDS:
        return value == value.upper() and value.casefold() in re.sub(r"[\s-]", "", text)
    if leaf == "sex":
        return bool(set(re.findall(r"[a-z-]+", text)) & SEX_WORDS[value])
    if path.startswith("diagnoses") and leaf == "code":
        shown = value.casefold() in text or value.replace(".", "").casefold() in text
        return bool(icd.is_valid_item(value) and icd.is_leaf(value)) and shown
    if path.startswith("diagnoses") and leaf == "description":
        code = raw["referrals"][0]["diagnoses"][int(path.split(".")[1])]["code"]["value"]
        return bool(value == icd.get_description(code)) and value.casefold() in text
    if leaf == "postal_code":
        return bool(re.fullmatch(r"\d{5}", value)) and value in text
    return " ".join(str(value).split()).casefold() in text


def test_one_document_per_family(corpus: Path) -> None:
    truths = [json.loads(p.read_text()) for p in sorted(corpus.glob("*.truth.json"))]
    assert len({t["family"] for t in truths}) == FAMILIES
    assert not any(t["fax"] for t in truths)


def test_every_gold_value_is_printed(corpus: Path) -> None:
    golds = sorted(corpus.glob("*.gold.json"))
    assert len(golds) == FAMILIES
    missing: list[str] = []
    for gold_path in golds:
        raw = json.loads(gold_path.read_text())
        gold = Extraction.model_validate(raw)
        pdf = gold_path.with_name(gold_path.name.replace(".gold.json", ".pdf"))
        assert gold.document.sha256 == hashlib.sha256(pdf.read_bytes()).hexdigest()
        doc = pymupdf.open(pdf)  # type: ignore[no-untyped-call]
        assert gold.document.page_count == doc.page_count == len(gold.referrals[0].pages)
        pages = " ".join(doc[i].get_text() for i in range(doc.page_count))  # type: ignore[no-untyped-call]
        text = " ".join(pages.split()).casefold()
        leaves = [(p, v) for p, v in _leaves(raw["referrals"][0]) if v is not None]
        assert len(leaves) >= 18, gold_path.name
        missing += [f"{gold_path.name}: {p}" for p, v in leaves if not _printed(p, v, raw, text)]
    assert missing == []


def test_faxed_documents_are_one_bit_images(generator: Any, tmp_path: Path) -> None:
    from PIL import Image

    generator.main(["--out", str(tmp_path), "--n", "4", "--seed", "3", "--fax-ratio", "1"])
    docs = [p for p in tmp_path.iterdir() if p.suffix in (".tif", ".pdf")]
    assert len(docs) == 4
    for p in docs:
        truth = json.loads(p.with_name(p.stem + ".truth.json").read_text())
        assert truth["fax"] is True
        if p.suffix == ".tif":
            with Image.open(p) as im:
                assert im.mode == "1"
                assert round(im.info["dpi"][1]) == truth["dpi"][1]
        else:
            doc = pymupdf.open(p)  # type: ignore[no-untyped-call]
            assert doc[0].get_text().strip() == ""  # type: ignore[no-untyped-call]  # image only, no text layer


def test_seed_reproduces_corpus(generator: Any, tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    for out in (a, b):
        generator.main(["--out", str(out), "--n", "3", "--seed", "11", "--fax-ratio", "0.34"])
    files = sorted(p.name for p in a.iterdir())
    assert files == sorted(p.name for p in b.iterdir())
    assert all((a / f).read_bytes() == (b / f).read_bytes() for f in files)
