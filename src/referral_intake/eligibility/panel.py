"""The review UI's eligibility panel: a stored `case.eligibility` (EligibilityResult JSON) as display rows.

Pure and tolerant: any missing key shows less, never fails, so older stored results still render.
"""

from __future__ import annotations

from typing import Any

from referral_intake.eligibility.x12.codes import SERVICE_TYPES


def _money(v: Any) -> str:
    return f"${float(v):,.2f}" if isinstance(v, int | float) else ""


def benefit_text(b: dict[str, Any]) -> str:
    """One benefit line in words, e.g. "Copay $40.00 per visit, in network (cardiac)"."""
    kind = str(b.get("kind") or "benefit").replace("_", " ")
    if b.get("kind") == "coinsurance" and isinstance(b.get("percent"), int | float):
        amount = f"{float(b['percent']):g}%"
    else:
        amount = _money(b.get("amount"))
    period = b.get("period")
    per = f" per {period}" if period in ("visit", "day", "admission") else f" ({period})" if period else ""
    in_network = b.get("in_network")
    net = ", in network" if in_network is True else ", out of network" if in_network is False else ""
    stcs = [SERVICE_TYPES.get(str(s), str(s)) for s in b.get("service_types") or []]
    where = f" ({', '.join(stcs)})" if stcs else ""
    return f"{kind.capitalize()} {amount}{per}{net}{where}".replace("  ", " ").strip()


def _person(p: Any) -> str | None:
    if not isinstance(p, dict):
        return None
    name = ", ".join(x for x in (p.get("last_name"), p.get("first_name")) if x)
    born = f"born {p['date_of_birth']}" if p.get("date_of_birth") else ""
    member = f"member ID {p['member_id']}" if p.get("member_id") else ""
    return " · ".join(x for x in (name, born, member) if x) or None


def panel_view(elig: dict[str, Any] | None) -> dict[str, Any] | None:
    """Display-ready rows for the panel; None when the case was not checked."""
    if not isinstance(elig, dict):
        return None
    payer = elig.get("payer") if isinstance(elig.get("payer"), dict) else {}
    payer_text = None
    if payer:
        label = payer.get("name") or payer.get("written")
        payer_text = f"{label} ({payer['payer_id']})" if payer.get("payer_id") else label
        if payer.get("matched_by") in ("fuzzy",) and payer.get("written"):
            payer_text = f"{payer_text}, matched from \u201c{payer['written']}\u201d"
    start, end = elig.get("coverage_start"), elig.get("coverage_end")
    coverage = f"{start or '?'} to {end or 'open'}" if start or end else None
    benefits = [benefit_text(b) for b in elig.get("benefits") or [] if isinstance(b, dict)]
    return {
        "status": elig.get("status") or "unknown",
        "reason": elig.get("reason"),
        "needs_review": bool(elig.get("needs_review", elig.get("status") != "active")),
        "payer": payer_text,
        "plan": elig.get("plan_name"),
        "group": " · ".join(x for x in (elig.get("group_number"), elig.get("group_name")) if x) or None,
        "coverage": coverage,
        "benefits": benefits,
        "patient_as_payer_knows": _person(elig.get("patient_as_payer_knows")),
        "subscriber_as_payer_knows": _person(elig.get("subscriber_as_payer_knows")),
        "mismatches": [m.get("message") for m in elig.get("mismatches") or [] if isinstance(m, dict)],
        "rejections": [
            f"{r.get('reason')} (AAA {r.get('code')}){'; ' + r['follow_up'] if r.get('follow_up') else ''}"
            for r in elig.get("rejections") or []
            if isinstance(r, dict)
        ],
        "checked_at": elig.get("checked_at"),
        "raw_271_ref": elig.get("raw_271_ref"),
    }
