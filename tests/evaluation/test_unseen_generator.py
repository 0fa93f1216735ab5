"""The third ("unseen") generator: one born-digital document per family, and every gold value is on the page."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pymupdf
import pytest
import simple_icd_10_cm as icd

from referral_intake.contract import Extraction

ROOT = Path(__file__).resolve().parents[2]
UNSEEN = ROOT / "benchmarks" / "unseen"
FAMILIES = 9
DATE_FIELDS = ("date_of_birth", "referral_date", "subscriber_date_of_birth")
DIGIT_FIELDS = ("phone", "fax", "npi")
ID_FIELDS = ("mrn", "member_id", "group_number", "authorization_number")
SEX_WORDS = {"F": {"female", "woman", "girl", "f"}, "M": {"male", "man", "boy", "m"}, "X": {"nonbinary", "x"}}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("unseen")
    # in-process (the generator is a script, loaded by path): saves a second interpreter start
    spec = importlib.util.spec_from_file_location("unseen_generate", UNSEEN / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.main(["--out", str(out), "--n", str(FAMILIES), "--seed", "3", "--fax-ratio", "0"]) == 0
    return out


def _date_forms(iso: str) -> set[str]:
    sys.path.insert(0, str(UNSEEN))
    from unseen_canvas import Style  # the generator's own renderings of a date

    d = date.fromisoformat(iso)
    st = Style("mdy", "paren", "bracket", "helv")
    return {st.d(d, s).casefold() for s in ("mdy", "mdy_short", "words", "dmon", "iso", "mon")}


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
        Extraction.model_validate(raw)  # the gold is a valid contract document
        pdf = gold_path.with_name(gold_path.name.replace(".gold.json", ".pdf"))
        doc = pymupdf.open(pdf)  # type: ignore[no-untyped-call]
        pages = " ".join(doc[i].get_text() for i in range(doc.page_count))  # type: ignore[no-untyped-call]
        text = " ".join(pages.split()).casefold()
        family = gold_path.name.split("_", 3)[-1].replace(".gold.json", "")
        leaves = [(p, v) for p, v in _leaves(raw["referrals"][0]) if v is not None]
        assert len(leaves) >= 20, family
        for path, value in leaves:
            if not _printed(path, value, raw, text):
                missing.append(f"{family}: {path}")
    assert missing == []


def _printed(path: str, value: Any, raw: dict[str, Any], text: str) -> bool:
    """Whether a gold value (normalized form) is shown on the page text, in any of the printed forms."""
    leaf = path.rsplit(".", 1)[-1]
    if leaf in DATE_FIELDS:
        return any(form in text for form in _date_forms(value))
    if leaf in DIGIT_FIELDS:
        ok = bool(re.fullmatch(r"\d{10}", value)) and value in re.sub(r"\D", "", text)
        return ok and (_npi_ok(value) if leaf == "npi" else value[3:8] == "55501")  # fictional 555-01xx
    if leaf in ID_FIELDS:
        return value == value.upper() and value.casefold() in re.sub(r"[\s-]", "", text)
    if leaf == "sex":
        return bool(set(re.findall(r"[a-z]+", text)) & SEX_WORDS[value])
    if path.startswith("diagnoses") and leaf == "code":
        return bool(icd.is_valid_item(value) and icd.is_leaf(value)) and value.casefold() in text
    if path.startswith("diagnoses") and leaf == "description":
        code = raw["referrals"][0]["diagnoses"][int(path.split(".")[1])]["code"]["value"]
        return bool(value == icd.get_description(code)) and value.casefold() in text
    return str(value).casefold() in text
