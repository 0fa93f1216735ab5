"""Routing rules: which cases go straight to export and which a person must see, and why.

Pure functions over the stored stage outputs, so the rules are tested with plain data.
"""

from __future__ import annotations

from typing import Any

from referral_intake.contract import Extraction, is_failure, iter_fields

# Fields without which no referral can be filed; missing ones always go to a person.
REQUIRED = ("patient.first_name", "patient.last_name", "patient.date_of_birth")


def review_reasons(
    extraction: dict[str, Any] | None,
    match: dict[str, Any] | None,
    eligibility: dict[str, Any] | None,
    threshold: float,
) -> list[str]:
    reasons: list[str] = []
    if extraction is None:
        return ["no extraction"]
    ext = Extraction.model_validate(extraction)
    if any(is_failure(e) for e in ext.errors):
        reasons.append("extraction errors")
    conflicts = sorted({e.split()[3] for e in ext.errors if not is_failure(e) and len(e.split()) > 3})
    reasons.extend(f"conflicting values: {path}" for path in conflicts)
    if not ext.referrals:
        return [*reasons, "no referral found"]
    fields = dict(iter_fields(ext.referrals[0]))
    for name in REQUIRED:
        f = fields.get(name)
        if f is None or f.value in (None, ""):
            reasons.append(f"missing {name}")
    low = [p for p, f in fields.items() if f.confidence is not None and f.confidence < threshold]
    if low:
        reasons.append(f"low confidence: {len(low)} field(s)")
    decision = (match or {}).get("decision")
    if decision not in ("link", "new"):
        reasons.append("patient match needs review" if decision == "review" else "no patient match")
    if (match or {}).get("duplicate_of"):
        reasons.append("possible duplicate referral")
    status = (eligibility or {}).get("status")
    if not ext.referrals[0].insurance:
        reasons.append("no insurance on the referral")
    elif status == "inactive":
        reasons.append("eligibility: " + str((eligibility or {}).get("reason") or "coverage inactive"))
    elif status != "active":
        reasons.append(str((eligibility or {}).get("reason") or "eligibility unknown"))
    elif (eligibility or {}).get("mismatches") or (eligibility or {}).get("rejections"):
        reasons.append("eligibility: the payer's record differs from the referral")
    return reasons
