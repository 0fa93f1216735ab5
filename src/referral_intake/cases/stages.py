"""The stages: plain functions from a case's stored inputs to its next state and outputs.

A stage never touches the database; the runner commits what it returns in one transaction together
with the state change and the audit event, so nothing half-done survives a crash.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from referral_intake.cases.deps import Deps
from referral_intake.cases.routing import review_reasons
from referral_intake.cases.states import State
from referral_intake.contract import Extraction, Referral
from referral_intake.errors import UnreadableDocument
from referral_intake.reading.model import Segment, document_from_dict, document_to_dict

_eligibility_pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="eligibility")


@dataclass
class Step:
    to_state: State
    stage: str
    duration_ms: float
    detail: dict[str, Any] | None = None


@dataclass
class CaseInput:
    """What a stage may read of a case (a frozen copy taken when the case was claimed)."""

    id: int
    state: str
    document_id: int
    filename: str | None
    original: bytes | None
    read_result: dict[str, Any] | None
    extraction: dict[str, Any] | None
    match: dict[str, Any] | None
    eligibility: dict[str, Any] | None
    pages: list[int] | None = None  # a case split from a packet: only these pages are its own


@dataclass
class StageOutput:
    steps: list[Step]
    updates: dict[str, Any] = field(default_factory=dict)
    children: list[dict[str, Any]] = field(default_factory=list)  # new cases split from a packet
    approve: bool = False


def _ms(start: float) -> float:
    return (time.perf_counter() - start) * 1000.0


def read_stage(case: CaseInput, deps: Deps) -> StageOutput:
    start = time.perf_counter()
    assert case.original is not None
    try:
        doc = deps.read(case.original, case.filename)
    except UnreadableDocument as exc:
        return StageOutput(
            steps=[Step(State.NEEDS_REVIEW, "read", _ms(start), {"error": str(exc), "reason": exc.reason})],
            updates={
                "error": f"unreadable ({exc.reason}): {exc}",
                "review_reasons": [f"unreadable: {exc.reason}"],
            },
        )
    if case.pages:  # a person split this case off a packet: it is these pages, one referral
        own = set(case.pages)
        doc.pages = [p for p in doc.pages if p.number in own]
        doc.segments = [Segment(sorted(own))]
    detail = {"pages": len(doc.pages), "media_type": doc.media_type, "segments": len(doc.segments)}
    return StageOutput(
        steps=[Step(State.READ, "read", _ms(start), detail)], updates={"read_result": document_to_dict(doc)}
    )


def _one_referral(ext: Extraction, referral: Referral) -> dict[str, Any]:
    return ext.model_copy(update={"referrals": [referral]}).to_dict()


def extract_stage(case: CaseInput, deps: Deps) -> StageOutput:
    start = time.perf_counter()
    assert case.read_result is not None
    doc = document_from_dict(case.read_result)
    ext = deps.extract(doc)
    duration = _ms(start)
    if not ext.referrals:
        ext = ext.model_copy(update={"referrals": [Referral()]})
    first, rest = ext.referrals[0], ext.referrals[1:]
    urgency = first.urgency.value if first.urgency is not None else None
    children = [
        {
            "pages": r.pages,
            "extraction": _one_referral(ext, r),
            "urgency": r.urgency.value if r.urgency is not None else None,
        }
        for r in rest
    ]
    detail = {"referrals": len(ext.referrals), "errors": len(ext.errors)}
    return StageOutput(
        steps=[Step(State.EXTRACTED, "extract", duration, detail)],
        updates={"extraction": _one_referral(ext, first), "urgency": urgency, "pages": first.pages or None},
        children=children,
    )


def match_and_verify_stage(case: CaseInput, deps: Deps) -> StageOutput:
    """Matching and eligibility run side by side: a slow payer never holds up the match."""
    assert case.extraction is not None
    referral = Extraction.model_validate(case.extraction).referrals[0]
    start = time.perf_counter()
    future = _eligibility_pool.submit(_timed, deps.check_eligibility, referral)
    match = deps.match(referral)
    duplicate = deps.find_duplicate(referral, case.id, match.get("patient_id"))
    if duplicate is not None:  # a person confirms; the router never drops a referral on its own
        match = {**match, "duplicate_of": duplicate.get("duplicate_of"), "duplicate": duplicate}
    match_ms = _ms(start)
    try:
        eligibility, elig_ms = future.result(timeout=deps.settings.eligibility.timeout_seconds + 5)
    except Exception as exc:  # an eligibility outage never stops intake
        eligibility = {"status": "unknown", "reason": f"eligibility unknown: {type(exc).__name__}"}
        elig_ms = _ms(start)
    return StageOutput(
        steps=[
            Step(State.MATCHED, "match", match_ms, {"decision": match.get("decision")}),
            Step(State.VERIFIED, "eligibility", elig_ms, {"status": eligibility.get("status")}),
        ],
        updates={
            "match": match,
            "eligibility": eligibility,
            "patient_ref": match.get("patient_id") if match.get("decision") == "link" else None,
        },
    )


def _timed(fn: Any, arg: Any) -> tuple[dict[str, Any], float]:
    start = time.perf_counter()
    out: dict[str, Any] = fn(arg)
    return out, _ms(start)


def route_stage(case: CaseInput, deps: Deps) -> StageOutput:
    start = time.perf_counter()
    reasons = review_reasons(
        case.extraction, case.match, case.eligibility, deps.settings.extraction.review_threshold
    )
    if reasons:
        return StageOutput(
            steps=[Step(State.NEEDS_REVIEW, "route", _ms(start), {"reasons": reasons})],
            updates={"review_reasons": reasons},
        )
    return StageOutput(steps=[], approve=True, updates={"review_reasons": []})


STAGES = {
    State.RECEIVED: read_stage,
    State.READ: extract_stage,
    State.EXTRACTED: match_and_verify_stage,
    State.VERIFIED: route_stage,
}
