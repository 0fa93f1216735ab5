"""Confidence: evidence features of a chosen value -> a calibrated probability that the value is exactly right.

Three layers, fitted by `python -m referral_intake.extraction.calibrate` and shipped as `calibration.json`:

1. a logistic score over the evidence (label strength, role source, validator, OCR confidence, agreement
   across pages and methods, rival values, method) plus one offset per field slot and per slot on faxed
   pages, shrunk towards zero so a slot with few examples keeps the evidence-based score;
2. a monotone map from that score to a probability, fitted by isotonic regression on scores the model gave
   to layout families it was *not* fitted on (leave-one-family-out), so the probabilities describe how the
   evidence fares on unseen layouts rather than on the layouts it memorised; one map for fields read from a
   text layer, one for fields read by OCR. Per group, an acceptance cut on the score, chosen by validation on
   families not used for fitting, keeps auto-accepted fields right >= the target precision: fields under
   it stay just below the review threshold;
3. guards: ceilings for evidence the corpus cannot vouch for (a guessed role, a conflict, doubted OCR, a
   method/role combination or a slot seen on too few layout families).

scikit-learn was considered; the logistic fit (Newton), isotonic regression (pool-adjacent-violators) and the
interpolation need only numpy and a few lines each, and the package should not pull scikit-learn in for them.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np

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
        # Every character OCR reads is a chance to misread one: long values read from a scan are riskier.
        "ocr_chars": min(len(str(ch.value)), 30) / 30 if ocr_page else 0.0,
        "agree_pages": float(min(len(pages) - 1, 3)),
        "agree_n": float(min(len(ch.support) - 1, 4)),
        "agree_methods": float(min(ch.agree_methods - 1, 2)),
        "anchored": 1.0 if ch.anchored else 0.0,
        "conflict": ch.conflict_share,
        "n_rivals": float(min(len(ch.rivals), 3)),
        "rival_ratio": ch.rival_ratio,
        "best_score": score(b),
    }
    for m in METHODS:
        f[f"m_{m}"] = 1.0 if b.method == m else 0.0
    for r in ROLE_SOURCES:
        f[f"r_{r}"] = 1.0 if b.role_source == r else 0.0
    kind = field_kind(ch.path)
    for k in KINDS:
        f[f"k_{k}"] = 1.0 if kind == k else 0.0
    # Each field has its own base rate (a DOB is easier than a practice name): one indicator per field slot,
    # and one per slot on faxed pages (OCR hurts a practice name more than a checksummed NPI).
    slot = field_slot(ch.path)
    f[SLOT_PREFIX + slot] = 1.0
    if ocr_page:
        f[FAX_SLOT_PREFIX + slot] = 1.0
    return f


def field_slot(path: str) -> str:
    """`insurance.0.member_id` -> `insurance.member_id`; `diagnoses.2.code` -> `diagnoses.code`."""
    return ".".join(p for p in path.split(".") if not p.isdigit())


SLOT_PREFIX = "f_"
FAX_SLOT_PREFIX = "fx_"
FEATURE_NAMES: tuple[str, ...] = tuple(
    ["strength", "valid_strong", "valid_shape", "ocr_low", "ocr_page", "ocr_chars", "agree_pages", "agree_n",
     "agree_methods", "anchored", "conflict", "n_rivals", "rival_ratio", "best_score"]
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


def logit(f: dict[str, float], model: dict[str, Any] | None = None) -> float:
    """The raw evidence score (log-odds before the calibration map)."""
    w: dict[str, float] = (model or load_model())["weights"]
    z = w.get("bias", 0.0) + sum(w.get(k, 0.0) * v for k, v in f.items())
    if (model or load_model()).get("nested_validity"):  # `valid_shape` counts for any validated value
        z += w.get("valid_shape", 0.0) * f.get("valid_strong", 0.0)
    return z


def predict(f: dict[str, float], model: dict[str, Any] | None = None) -> float:
    m = model or load_model()
    z = logit(f, m)
    maps = m.get("map")
    if maps:  # monotone piecewise-linear score -> probability (isotonic fit on unseen-family scores)
        g = group_of(f)
        cmap = maps if "z" in maps else maps[g]
        p = float(np.interp(z, cmap["z"], cmap["p"]))
        # Below the group's acceptance cut the fields were not right often enough on unseen layouts to go
        # unreviewed: they stay just under the review threshold (calibration moves by at most that gap).
        cut = m.get("accept_from", {}).get(g, -math.inf)
        if cut is None or z < cut:
            p = min(p, float(m["below"]))
    else:
        p = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
    return round(min(p, ceiling(f, m), float(m.get("cap", 0.999))), 4)


GUARD_CEILING = 0.9  # under any review threshold worth having
WEAK_LABEL = 0.65  # label strength under which a label is vague about which field follows it
GROUPS = ("born", "fax")
IDENTITY_SLOTS = frozenset({"patient.first_name", "patient.last_name", "patient.date_of_birth"})


def group_of(f: dict[str, float]) -> str:
    """Fields read by OCR and from a text layer fail differently: each group has its own map and cut."""
    return "fax" if f.get("ocr_page", 0.0) > 0 else "born"


def _active(f: dict[str, float], prefix: str) -> str | None:
    return next((k[len(prefix) :] for k, v in f.items() if v and k.startswith(prefix)), None)


def slot_of(f: dict[str, float]) -> str | None:
    """The field slot a feature vector belongs to (its `f_` indicator)."""
    return _active(f, SLOT_PREFIX)


def evidence_type(f: dict[str, float]) -> str:
    """`method/role source` of the best reading, e.g. `table/label`; the unit the corpus must vouch for."""
    return f"{_active(f, 'm_')}/{_active(f, 'r_')}"


def ceiling(f: dict[str, float], m: dict[str, Any] | None = None) -> float:
    """Ceilings the data cannot lift: what the synthetic corpus never shows must not be trusted blindly.

    A guessed role, a conflicting value, or a word the OCR engine doubted keeps the field under the review
    threshold whatever the fitted weights say, because the held-out layouts may break the corpus's habits.
    So does evidence the fitting corpus showed on too few layout families to vouch for it (a reading method
    with its role source, or a field slot): one family's habit is not evidence about the next layout.
    """
    c = 1.0
    if f.get("r_guess", 0.0) > 0:
        c = min(c, GUARD_CEILING)
    if f.get("conflict", 0.0) > 0.2:
        c = min(c, 0.85)
    if f.get("ocr_low", 0.0) > 0.25:
        c = min(c, GUARD_CEILING)
    # Whose name and birth date these are is the costliest error (a page filed to the wrong chart): a value
    # whose role only a pattern inferred (a "DOE, JANE  DOB ..." band), read once, is not trusted alone.
    if slot_of(f) in IDENTITY_SLOTS and f.get("r_pattern") and not f.get("anchored") and not f.get("agree_n"):
        c = min(c, GUARD_CEILING)
    # A vague label ("To:", "Plan:") with nothing to check the value against, read once: on the held-out dev
    # families (another generator) such values were right 86% of the time against 100% for the rest.
    unchecked = not f.get("valid_strong") and not f.get("valid_shape")
    if f.get("strength", 1.0) < WEAK_LABEL and unchecked and not f.get("agree_n"):
        c = min(c, GUARD_CEILING)
    vouched = (m or load_model()).get("vouched")
    if vouched is not None and (
        evidence_type(f) not in vouched["evidence"] or slot_of(f) not in vouched["slots"]
    ):
        c = min(c, GUARD_CEILING)
    return c


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
