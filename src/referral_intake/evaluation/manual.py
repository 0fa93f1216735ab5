"""A practice's own hand-keyed entries (a CSV) as gold, for the parallel run before go-live.

One row per document: a `document` column with the file name, then one column per field named by its
dotted path (`patient.first_name`, `patient.date_of_birth`, `insurance.0.member_id`,
`referring_provider.npi`, `diagnoses` as codes separated by `;` ...). Empty cells mean "not on the
document".
"""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path
from typing import Any

from referral_intake.contract import DocumentInfo, Extraction, Referral

_LISTS = ("diagnoses", "procedures")
_PLAIN_LISTS = ("medications", "allergies")


def _set_path(tree: dict[str, Any], path: str, value: str) -> None:
    parts = path.split(".")
    node: Any = tree
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        nxt: Any = {} if last or not parts[i + 1].isdigit() else []
        if isinstance(node, list):
            idx = int(part)
            while len(node) <= idx:
                node.append({})
            if last:
                node[idx] = {"value": value}
            node = node[idx]
            continue
        if last:
            node[part] = {"value": value}
        else:
            node = node.setdefault(part, nxt)


def row_to_referral(row: dict[str, str]) -> Referral:
    tree: dict[str, Any] = {}
    for key, raw in row.items():
        value = (raw or "").strip()
        if key == "document" or not value:
            continue
        if key in _LISTS:
            tree[key] = [{"code": {"value": c.strip().upper()}} for c in value.split(";") if c.strip()]
        elif key in _PLAIN_LISTS:
            tree[key] = [{"value": v.strip()} for v in value.split(";") if v.strip()]
        else:
            _set_path(tree, key, value)
    return Referral.model_validate(tree)


def load_manual(csv_path: Path, corpus: Path) -> list[tuple[Path, Extraction]]:
    """(document, gold) pairs from the CSV; documents are looked up by name under `corpus`."""
    pairs: list[tuple[Path, Extraction]] = []
    with csv_path.open(newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    by_doc: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        if "document" not in row:
            raise ValueError(f"{csv_path}: the manual-entry CSV needs a 'document' column")
        by_doc.setdefault(row["document"], []).append(row)
    for name, doc_rows in by_doc.items():
        doc = corpus / name
        if not doc.exists():
            raise FileNotFoundError(f"{csv_path}: document {name!r} is not in {corpus}")
        info = DocumentInfo(sha256=hashlib.sha256(doc.read_bytes()).hexdigest(), filename=name)
        pairs.append((doc, Extraction(document=info, referrals=[row_to_referral(r) for r in doc_rows])))
    return pairs
