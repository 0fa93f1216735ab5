"""Field-by-field comparison of one extraction against its gold, in the contract's normalized forms.

Scored items are the fields where the gold or the prediction holds a value (null against null is not
counted, so a sparse document does not look perfect). Free text (`reason`, `clinical_summary`) is
right when the token-overlap F1 reaches FREE_TEXT_F1; diagnoses, procedures, medications and
allergies are scored as sets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from referral_intake.contract import Extraction, Field, Referral, iter_fields

FREE_TEXT = ("reason", "clinical_summary")
FREE_TEXT_F1 = 0.8
SET_LISTS = ("diagnoses", "procedures", "medications", "allergies")
_ID_FIELDS = ("member_id", "group_number", "authorization_number", "mrn")
_DIGIT_FIELDS = ("phone", "fax", "npi")
_TOKEN = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True, slots=True)
class Item:
    """One scored field: its path, both values, the predicted confidence and whether it is right."""

    path: str
    gold: Any
    predicted: Any
    confidence: float | None
    correct: bool

    @property
    def field(self) -> str:
        """The path with list indexes removed (`insurance.0.member_id` -> `insurance.member_id`)."""
        if ".[" in self.path:  # a set item: `diagnoses.[m17.11]` is scored under `diagnoses`
            return self.path.split(".[", 1)[0]
        return ".".join(p for p in self.path.split(".") if not p.isdigit())


def normalize(path: str, value: Any) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split()).casefold()
    if not text:
        return None
    leaf = path.rsplit(".", 1)[-1]
    if leaf in _ID_FIELDS:
        text = text.replace(" ", "").replace("-", "")
    elif leaf in _DIGIT_FIELDS:
        digits = re.sub(r"\D", "", text)
        text = digits[1:] if len(digits) == 11 and digits.startswith("1") else digits
    elif leaf == "postal_code":
        text = text[:5]
    return text


def token_f1(a: str, b: str) -> float:
    ta, tb = _TOKEN.findall(a.casefold()), _TOKEN.findall(b.casefold())
    if not ta or not tb:
        return 0.0
    common = 0
    pool = list(tb)
    for t in ta:
        if t in pool:
            pool.remove(t)
            common += 1
    if common == 0:
        return 0.0
    p, r = common / len(ta), common / len(tb)
    return 2 * p * r / (p + r)


def _same(path: str, gold: Any, pred: Any) -> bool:
    g, p = normalize(path, gold), normalize(path, pred)
    if g is None or p is None:
        return g is p
    if path.rsplit(".", 1)[-1] in FREE_TEXT:
        return token_f1(g, p) >= FREE_TEXT_F1
    return g == p


def _scalar_fields(referral: Referral) -> dict[str, Field]:
    return {p: f for p, f in iter_fields(referral) if p.split(".", 1)[0] not in SET_LISTS}


def _set_items(name: str, gold: Referral, pred: Referral) -> list[Item]:
    def values(r: Referral) -> dict[str, Field]:
        out: dict[str, Field] = {}
        for entry in getattr(r, name):
            f = entry.code if hasattr(entry, "code") else entry
            key = normalize(name, f.value)
            if key is not None:
                out[key] = f
        return out

    g, p = values(gold), values(pred)
    items = []
    for key in sorted(set(g) | set(p)):
        pf = p.get(key)
        items.append(
            Item(
                path=f"{name}.[{key}]",
                gold=g[key].value if key in g else None,
                predicted=pf.value if pf else None,
                confidence=pf.confidence if pf else None,
                correct=key in g and key in p,
            )
        )
    return items


def compare_referral(gold: Referral, pred: Referral | None) -> list[Item]:
    pred = pred or Referral()
    g, p = _scalar_fields(gold), _scalar_fields(pred)
    items: list[Item] = []
    for path in sorted(set(g) | set(p)):
        gv = g[path].value if path in g else None
        pf = p.get(path)
        pv = pf.value if pf else None
        if normalize(path, gv) is None and normalize(path, pv) is None:
            continue
        items.append(Item(path, gv, pv, pf.confidence if pf else None, _same(path, gv, pv)))
    for name in SET_LISTS:
        items.extend(_set_items(name, gold, pred))
    return items


def align(gold: list[Referral], pred: list[Referral]) -> list[tuple[Referral, Referral | None]]:
    """Pair each gold referral with the predicted one sharing most pages (else the same position)."""
    pairs: list[tuple[Referral, Referral | None]] = []
    used: set[int] = set()
    for i, g in enumerate(gold):
        best, best_overlap = None, 0.0
        for j, p in enumerate(pred):
            if j in used or not g.pages or not p.pages:
                continue
            overlap = len(set(g.pages) & set(p.pages)) / len(set(g.pages) | set(p.pages))
            if overlap > best_overlap:
                best, best_overlap = j, overlap
        if best is None and i < len(pred) and i not in used:
            best = i
        if best is not None:
            used.add(best)
        pairs.append((g, pred[best] if best is not None else None))
    return pairs


def compare_document(gold: Extraction, pred: Extraction) -> tuple[list[Item], list[Item]]:
    """All scored items of a document, plus the predicted referrals no gold referral claimed (all wrong)."""
    items: list[Item] = []
    pairs = align(gold.referrals, pred.referrals)
    for g, p in pairs:
        items.extend(compare_referral(g, p))
    claimed = {id(p) for _, p in pairs if p is not None}
    extra: list[Item] = []
    for p in pred.referrals:
        if id(p) not in claimed:
            extra.extend(compare_referral(Referral(), p))
    return items, extra


def split_ok(gold: Extraction, pred: Extraction) -> bool:
    if len(gold.referrals) != len(pred.referrals):
        return False
    if all(r.pages for r in gold.referrals) and all(r.pages for r in pred.referrals):
        return sorted(tuple(sorted(r.pages)) for r in gold.referrals) == sorted(
            tuple(sorted(r.pages)) for r in pred.referrals
        )
    return True


def page_kinds(gold: Extraction, pred: Extraction) -> tuple[int, int]:
    """(right, total) page classifications, over the pages whose kind the gold states."""
    predicted = {p.page: p.kind for p in pred.document.pages}
    right = total = 0
    for p in gold.document.pages:
        total += 1
        right += predicted.get(p.page) == p.kind
    return right, total
