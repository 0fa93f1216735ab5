"""Routing rules: what goes straight to export and what a person must see, with the reason."""

from __future__ import annotations

from typing import Any

from referral_intake.cases.routing import review_reasons
from referral_intake.contract import Coverage, DocumentInfo, Extraction, Field, Patient, Referral


def _ext(confidence: float = 0.99, insurance: bool = True, errors: list[str] | None = None) -> dict[str, Any]:
    f = lambda v: Field(value=v, confidence=confidence)  # noqa: E731
    referral = Referral(
        patient=Patient(first_name=f("Alfa"), last_name=f("Testperson"), date_of_birth=f("1970-01-02")),
        insurance=[Coverage(payer_name=f("Aetna"), member_id=f("W123456789"))] if insurance else [],
    )
    return Extraction(
        document=DocumentInfo(sha256="0" * 64), referrals=[referral], errors=errors or []
    ).to_dict()


LINK = {"decision": "link", "patient_id": "P1"}
ACTIVE = {"status": "active"}


def test_confident_linked_active_case_goes_straight_through() -> None:
    assert review_reasons(_ext(), LINK, ACTIVE, 0.95) == []


def test_each_doubt_is_named() -> None:
    assert review_reasons(_ext(confidence=0.5), LINK, ACTIVE, 0.95) == ["low confidence: 5 field(s)"]
    assert review_reasons(_ext(), {"decision": "review"}, ACTIVE, 0.95) == ["patient match needs review"]
    assert review_reasons(_ext(), {**LINK, "duplicate_of": 7}, ACTIVE, 0.95) == [
        "possible duplicate referral"
    ]
    inactive = {"status": "inactive", "reason": "coverage inactive since 2026-01-01"}
    assert review_reasons(_ext(), LINK, inactive, 0.95) == ["eligibility: coverage inactive since 2026-01-01"]
    timeout = {"status": "unknown", "reason": "eligibility unknown: payer timeout"}
    assert review_reasons(_ext(), LINK, timeout, 0.95) == ["eligibility unknown: payer timeout"]
    mismatch = {"status": "active", "mismatches": [{"field": "date_of_birth", "message": "differs"}]}
    assert review_reasons(_ext(), LINK, mismatch, 0.95) == [
        "eligibility: the payer's record differs from the referral"
    ]
    assert review_reasons(_ext(insurance=False), LINK, ACTIVE, 0.95) == ["no insurance on the referral"]
    assert review_reasons(_ext(errors=["x"]), LINK, ACTIVE, 0.95) == ["extraction errors"]


def test_missing_identity_always_goes_to_a_person() -> None:
    ext = _ext()
    del ext["referrals"][0]["patient"]["date_of_birth"]
    assert "missing patient.date_of_birth" in review_reasons(ext, LINK, ACTIVE, 0.95)
    assert review_reasons(None, LINK, ACTIVE, 0.95) == ["no extraction"]


def test_conflict_notes_name_the_field_and_are_not_errors() -> None:
    note = "conflict: referral 1 patient.last_name has 2 differing values (pages 1, 2)"
    assert review_reasons(_ext(errors=[note]), LINK, ACTIVE, 0.95) == [
        "conflicting values: patient.last_name"
    ]
