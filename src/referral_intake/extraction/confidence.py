"""Confidence: evidence features of a chosen value -> a calibrated probability that the value is exactly right.

A logistic model over the features (label strength, role source, validator result, OCR confidence,
agreement across pages, conflicts, method, field kind), fitted by `python -m referral_intake.extraction.calibrate`
and shipped as `calibration.json`. scikit-learn was considered; a 30-weight logistic model needs only numpy,
and the package should not pull scikit-learn in for it.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from importlib import resources
from typing import Any

from referral_intake.extraction.reconcile import Choice, score

METHODS = ("inline", "right", "below", "table", "block", "prose", "band", "pattern", "checkbox", "card")
ROLE_SOURCES = ("label", "section", "default", "guess", "pattern", "letterhead")
KINDS = ("name", "date", "code", "id", "phone", "address", "text", "enum", "org")

_KIND_OF = {
    "first_name": "name", "last_name": "name", "middle_name": "name", "suffix": "name", "credentials": "enum",
    "subscriber_name": "name", "date_of_birth": "date", "referral_date": "date", "subscriber_date_of_birth": "date",
    "sex": "enum", "urgency": "enum", "state": "enum", "npi": "code", "code": "code", "member_id": "id",
    "group_number": "id", "mrn": "id", "authorization_number": "id", "payer_id": "id", "phone": "phone",
    "fax": "phone", "line1": "address", "line2": "address", "city": "address", "postal_code": "address",
    "reason": "text", "clinical_summary": "text", "description": "text", "organization": "org",
    "payer_name": "org", "plan_name": "org", "specialty": "org", "preferred_language": "enum", "email": "id",
    "subscriber_relationship": "enum",
}  # fmt: skip


def field_kind(path: str) -> str:
    leaf = path.rsplit(".", 1)[-1]
    if leaf.isdigit():  # medications.0 / allergies.0
        return "text"
    return _KIND_OF.get(leaf, "text")


def features(ch: Choice, ocr_page: bool) -> dict[str, float]:
    b = ch.best
    pages = {c.page for c in ch.support}
    f: dict[str, float] = {
        "strength": b.strength,
        "valid_strong": 1.0 if b.valid == "strong" else 0.0,
        "valid_shape": 1.0 if b.valid == "shape" else 0.0,
        "ocr_low": max(0.0, 1.0 - min(c.ocr for c in ch.support[:2])),
        "ocr_page": 1.0 if ocr_page else 0.0,
        "agree_pages": float(min(len(pages) - 1, 3)),
        "agree_n": float(min(len(ch.support) - 1, 4)),
        "conflict": ch.conflict_share,
        "n_rivals": float(min(len(ch.rivals), 3)),
        "best_score": score(b),
    }
    for m in METHODS:
        f[f"m_{m}"] = 1.0 if b.method == m else 0.0
    for r in ROLE_SOURCES:
        f[f"r_{r}"] = 1.0 if b.role_source == r else 0.0
    kind = field_kind(ch.path)
    for k in KINDS:
        f[f"k_{k}"] = 1.0 if kind == k else 0.0
    # Each field has its own base rate (a DOB is easier than a practice name): one indicator per field.
    f["f_" + field_slot(ch.path)] = 1.0
    return f


def field_slot(path: str) -> str:
    """`insurance.0.member_id` -> `insurance.member_id`; `diagnoses.2.code` -> `diagnoses.code`."""
    return ".".join(p for p in path.split(".") if not p.isdigit())


FEATURE_NAMES: tuple[str, ...] = tuple(
    ["strength", "valid_strong", "valid_shape", "ocr_low", "ocr_page", "agree_pages", "agree_n", "conflict",
     "n_rivals", "best_score"]
    + [f"m_{m}" for m in METHODS] + [f"r_{r}" for r in ROLE_SOURCES] + [f"k_{k}" for k in KINDS]
)  # fmt: skip


# Used when no fitted calibration ships: hand-set log-odds, deliberately timid.
_FALLBACK: dict[str, float] = {
    "bias": -1.0, "strength": 2.5, "valid_strong": 1.5, "valid_shape": 0.7, "ocr_low": -8.0, "ocr_page": -0.8,
    "agree_pages": 0.8, "agree_n": 0.3, "conflict": -5.0, "n_rivals": -0.5, "best_score": 1.0, "r_guess": -1.5,
    "m_pattern": -0.5, "m_block": -0.5, "k_text": -1.5,
}  # fmt: skip


@lru_cache(maxsize=1)
def load_model() -> dict[str, Any]:
    try:
        raw = resources.files("referral_intake.extraction").joinpath("calibration.json").read_text("utf-8")
    except (FileNotFoundError, OSError):
        return {"weights": _FALLBACK, "fitted": False, "cap": 0.97}
    data: dict[str, Any] = json.loads(raw)
    return data


def predict(f: dict[str, float], model: dict[str, Any] | None = None) -> float:
    m = model or load_model()
    w: dict[str, float] = m["weights"]
    z = w.get("bias", 0.0) + sum(w.get(k, 0.0) * v for k, v in f.items())
    p = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
    return _apply_guards(p, f, float(m.get("cap", 0.999)))


def _apply_guards(p: float, f: dict[str, float], cap: float) -> float:
    """Ceilings the data cannot lift: what the synthetic corpus never shows must not be trusted blindly.

    A guessed role, a conflicting value, or a word the OCR engine doubted keeps the field under the review
    threshold whatever the fitted weights say, because the held-out layouts may break the corpus's habits.
    """
    if f.get("r_guess", 0.0) > 0:
        p = min(p, 0.9)
    if f.get("conflict", 0.0) > 0.2:
        p = min(p, 0.85)
    if f.get("ocr_low", 0.0) > 0.25:
        p = min(p, 0.9)
    return round(min(p, cap), 4)


def reasons(ch: Choice) -> list[str]:
    """Plain-language evidence for --explain and the review screen."""
    b = ch.best
    out = [
        f"read by {b.method} (label strength {b.strength:.2f}, role from {b.role_source}) on page {b.page}"
    ]
    out.append(
        {
            "strong": "validated (checksum/code set/date rule)",
            "shape": "has the expected shape",
            "none": "no validator applies",
        }[b.valid]
    )
    if b.ocr < 1.0:
        out.append(f"OCR confidence of the words {b.ocr:.2f}")
    pages = sorted({c.page for c in ch.support})
    if len(ch.support) > 1:
        out.append(f"{len(ch.support)} readings agree (pages {', '.join(map(str, pages))})")
    if ch.rivals:
        out.append(f"{len(ch.rivals)} differing value(s) elsewhere (conflict share {ch.conflict_share:.2f})")
    return out
