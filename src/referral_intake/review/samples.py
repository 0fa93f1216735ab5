"""Synthetic review cases (made-up people only) for tests, benchmarks and the demo.

Builds a PDF whose words sit where the extraction's bounding boxes say, stores it through the vault, and
adds a case needing review with a low-confidence field, patient-match candidates and an eligibility result.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pymupdf
from sqlalchemy.orm import Session

from referral_intake.cases.states import State
from referral_intake.store.base import utcnow
from referral_intake.store.tables import Case, CaseEvent
from referral_intake.vault import Vault


@dataclass(frozen=True, slots=True)
class Person:
    first: str = "Avery"
    last: str = "Quinlan"
    dob: str = "1961-04-12"
    member_id: str = "ZXQ448812"
    npi: str = "1234567893"  # passes the NPI check digit


def _line(page: Any, x: float, y: float, text: str, boxes: dict[str, list[float]], key: str | None) -> None:
    page.insert_text((x, y), text, fontsize=11)
    if key is not None:
        width = pymupdf.get_text_length(text, fontsize=11)
        boxes[key] = [round(x, 1), round(y - 11, 1), round(x + width, 1), round(y + 3, 1)]


def build_pdf(p: Person, pages: int = 2, salt: str = "") -> tuple[bytes, dict[str, list[float]]]:
    """A referral fax: page 1 the form (fields at known boxes), further pages clinical notes."""
    doc = pymupdf.open()  # type: ignore[no-untyped-call]
    boxes: dict[str, list[float]] = {}
    page = doc.new_page(width=612, height=792)
    _line(page, 72, 72, "REFERRAL FORM - Lakeside Family Medicine (synthetic)", boxes, None)
    _line(page, 72, 120, f"Patient: {p.first} {p.last}", boxes, "name")
    _line(page, 72, 150, "DOB: " + p.dob, boxes, "patient.date_of_birth")
    _line(page, 72, 180, "Member ID: " + p.member_id, boxes, "insurance.0.member_id")
    _line(page, 72, 210, "Referring NPI: " + p.npi, boxes, "referring_provider.npi")
    _line(page, 72, 240, "Reason: knee pain, evaluate for osteoarthritis", boxes, "reason")
    _line(page, 72, 270, "Diagnosis: M17.11", boxes, "diagnoses.0.code")
    _line(page, 72, 760, f"ref {salt}", boxes, None)
    for n in range(2, pages + 1):
        pg = doc.new_page(width=612, height=792)
        _line(pg, 72, 72, f"Clinical note, page {n} (synthetic)", boxes, None)
        for i in range(20):
            _line(
                pg,
                72,
                110 + i * 24,
                f"Line {i + 1}: stable vitals, no acute distress, follow up in 2 weeks.",
                boxes,
                None,
            )
    data: bytes = doc.tobytes()  # type: ignore[no-untyped-call]
    doc.close()  # type: ignore[no-untyped-call]
    return data, boxes


def _f(value: Any, conf: float, box: list[float] | None = None, page: int = 1) -> dict[str, Any]:
    out: dict[str, Any] = {"value": value, "confidence": conf}
    if box is not None:
        out.update(page=page, bbox=box)
    return out


def extraction_for(
    p: Person, sha: str, boxes: dict[str, list[float]], pages: int, dob_conf: float
) -> dict[str, Any]:
    name_box = boxes.get("name")
    return {
        "document": {
            "sha256": sha,
            "media_type": "application/pdf",
            "page_count": pages,
            "pages": [
                {"page": n, "kind": "referral_form" if n == 1 else "clinical_note"}
                for n in range(1, pages + 1)
            ],
        },
        "referrals": [
            {
                "pages": list(range(1, pages + 1)),
                "patient": {
                    "first_name": _f(p.first, 0.99, name_box),
                    "last_name": _f(p.last, 0.99, name_box),
                    "date_of_birth": _f(p.dob, dob_conf, boxes.get("patient.date_of_birth")),
                    "sex": _f("F", 0.97),
                },
                "insurance": [
                    {
                        "payer_name": _f("Synthetic Health Plan", 0.98),
                        "member_id": _f(p.member_id, 0.99, boxes.get("insurance.0.member_id")),
                    }
                ],
                "referring_provider": {
                    "last_name": _f("Okafor", 0.98),
                    "npi": _f(p.npi, 0.99, boxes.get("referring_provider.npi")),
                },
                "urgency": _f("routine", 0.99),
                "reason": _f("knee pain, evaluate for osteoarthritis", 0.97, boxes.get("reason")),
                "diagnoses": [{"code": _f("M17.11", 0.99, boxes.get("diagnoses.0.code"))}],
            }
        ],
        "errors": [],
    }


def match_for(p: Person) -> dict[str, Any]:
    def cand(pid: str, prob: float, dob: str, dob_level: str, w: float) -> dict[str, Any]:
        return {
            "patient_id": pid,
            "probability": prob,
            "patient": {"first_name": p.first, "last_name": p.last, "date_of_birth": dob, "mrn": pid.upper()},
            "breakdown": [
                {"attribute": "last_name", "level": "exact", "weight": 6.1},
                {"attribute": "first_name", "level": "exact", "weight": 4.2},
                {"attribute": "date_of_birth", "level": dob_level, "weight": w},
            ],
        }

    return {
        "decision": "review",
        "reason": "two charts are close",
        "candidates": [
            cand("pt-1001", 0.81, p.dob, "exact", 7.5),
            cand("pt-2002", 0.17, "1961-12-04", "transposed", 1.1),
        ],
    }


def eligibility_sample() -> dict[str, Any]:
    """An active-coverage result in the eligibility stage's EligibilityResult JSON shape."""
    return {
        "status": "active",
        "reason": "coverage active on the date of service",
        "needs_review": False,
        "checked_at": utcnow().isoformat(timespec="seconds"),
        "transport": "offline",
        "payer": {"name": "Synthetic Health Plan", "payer_id": "SYN01"},
        "plan_name": "Synthetic PPO Gold",
        "benefits": [
            {
                "kind": "copay",
                "code": "B",
                "service_types": ["98"],
                "amount": 40.0,
                "period": "visit",
                "in_network": True,
            }
        ],
        "mismatches": [],
        "rejections": [],
    }


def add_review_case(
    session: Session,
    vault: Vault,
    *,
    person: Person | None = None,
    pages: int = 2,
    urgency: str = "routine",
    age: timedelta = timedelta(hours=2),
    dob_confidence: float = 0.62,
    sender: str = "5125550143",
    salt: str = "",
) -> Case:
    """One case in needs_review with its original in the vault, like the pipeline would leave it."""
    p = person or Person()
    data, boxes = build_pdf(p, pages, salt or f"{utcnow().timestamp()}")
    stored = vault.put(
        session, data, channel="fax", sender=sender, media_type="application/pdf", filename="referral.pdf"
    )
    created: datetime = utcnow() - age
    case = Case(
        document_id=stored.document.id,
        receipt_id=stored.receipt.id,
        state=State.NEEDS_REVIEW.value,
        state_changed_at=created,
        created_at=created,
        urgency=urgency,
        sender=sender,
        review_reasons=["low_confidence", "match_review"],
        attempts=0,
        version=0,
        extraction=extraction_for(p, stored.document.sha256, boxes, pages, dob_confidence),
        match=match_for(p),
        eligibility=eligibility_sample(),
    )
    session.add(case)
    session.flush()
    session.add(
        CaseEvent(
            case_id=case.id,
            from_state=State.VERIFIED.value,
            to_state=State.NEEDS_REVIEW.value,
            stage="route",
            actor="system",
            at=created,
            detail={"reason": "low confidence"},
        )
    )
    return case
