"""The held-out corpus generator (benchmarks/heldout): gold matches the contract schema, values are in the
contract's normalized forms and printed on the page, and a seed reproduces the corpus byte for byte."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pymupdf
import pytest
import simple_icd_10_cm as icd

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = Path("/work/shared/contract/referral.schema.json")
if not SCHEMA.exists():
    SCHEMA = ROOT / "tests" / "data" / "referral.schema.json"
GENERATE = ROOT / "benchmarks" / "heldout" / "generate.py"
N = 9  # one document of each family


def _generate(out: Path, seed: int, fax_ratio: float, n: int = N) -> None:
    subprocess.run(
        [
            sys.executable,
            str(GENERATE),
            "--out",
            str(out),
            "--n",
            str(n),
            "--seed",
            str(seed),
            "--fax-ratio",
            str(fax_ratio),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("heldout")
    _generate(out, seed=11, fax_ratio=0.0)
    return out


def _values(node: Any, path: str = "") -> list[tuple[str, Any]]:
    if isinstance(node, dict):
        if "value" in node:
            return [(path, node["value"])]
        return [v for k, sub in node.items() for v in _values(sub, f"{path}.{k}" if path else k)]
    if isinstance(node, list):
        return [v for i, sub in enumerate(node) for v in _values(sub, f"{path}.{i}")]
    return []


def _luhn_npi(npi: str) -> bool:
    digits = [int(c) for c in "80840" + npi]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 1:
            d = d * 2 - 9 if d * 2 > 9 else d * 2
        total += d
    return total % 10 == 0


def test_gold_validates_and_uses_normalized_forms(corpus: Path) -> None:
    schema = json.loads(SCHEMA.read_text())
    golds = sorted(corpus.glob("*.gold.json"))
    families = {json.loads(p.read_text())["family"] for p in corpus.glob("*.truth.json")}
    assert len(golds) == N and len(families) == N
    for gold_path in golds:
        gold = json.loads(gold_path.read_text())
        jsonschema.validate(gold, schema)
        doc = corpus / gold["document"]["filename"]
        assert (
            pymupdf.open(doc).page_count == gold["document"]["page_count"] == len(gold["document"]["pages"])
        )
        for ref in gold["referrals"]:
            assert ref["pages"] and ref["patient"]["last_name"]["value"]
            assert ref["diagnoses"], gold_path.name
            for path, value in _values(ref):
                leaf = path.rsplit(".", 1)[-1]
                if "date" in leaf and "name" not in leaf:
                    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", value), (path, value)
                elif leaf in ("phone", "fax"):
                    assert re.fullmatch(r"\d{3}55501\d\d", value), (path, value)
                elif leaf == "npi":
                    assert re.fullmatch(r"\d{10}", value) and _luhn_npi(value), value
                elif leaf == "state":
                    assert re.fullmatch(r"[A-Z]{2}", value)
                elif leaf == "postal_code":
                    assert re.fullmatch(r"\d{5}", value)
                elif leaf in ("member_id", "authorization_number"):
                    assert re.fullmatch(r"[A-Z0-9]+", value), value
                elif leaf == "urgency":
                    assert value in ("routine", "urgent", "stat")
                elif leaf == "sex":
                    assert value in ("F", "M", "X", "U")
            for dx in ref["diagnoses"]:
                code = dx["code"]["value"]
                assert icd.is_valid_item(code) and code == code.upper()
                assert "." in code or len(code) == 3


def test_every_gold_value_is_printed(corpus: Path) -> None:
    """Born-digital pages carry a text layer: each gold string (or its digits) must appear in it."""
    for gold_path in sorted(corpus.glob("*.gold.json")):
        gold = json.loads(gold_path.read_text())
        doc = pymupdf.open(corpus / gold["document"]["filename"])
        # a packet's cover sheet names the sender for every referral in it, so search the whole document
        text = " ".join(page.get_text() for page in doc)
        for ref in gold["referrals"]:
            flat = " ".join(text.split()).casefold()
            digits = re.sub(r"\D", "", text)
            for path, value in _values(ref):
                leaf = path.rsplit(".", 1)[-1]
                if leaf in ("phone", "fax", "npi"):
                    assert value in digits, (gold_path.name, path)
                elif leaf in ("member_id", "authorization_number", "group_number"):
                    assert value.casefold() in re.sub(r"[\s-]", "", flat), (gold_path.name, path)
                elif leaf in ("first_name", "last_name", "city", "line1", "code", "payer_name"):
                    assert str(value).casefold() in flat, (gold_path.name, path, value)


def test_seed_reproduces_corpus_byte_for_byte(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    _generate(a, seed=5, fax_ratio=0.5, n=4)
    _generate(b, seed=5, fax_ratio=0.5, n=4)
    names = sorted(p.name for p in a.iterdir())
    assert names == sorted(p.name for p in b.iterdir())
    assert any(n.endswith((".tif", ".pdf")) for n in names)
    for name in names:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    faxed = [json.loads(p.read_text()) for p in a.glob("*.truth.json")]
    assert sum(t["fax"] for t in faxed) == 2
