"""Duplicate referral detection: same bytes, or same patient + same reason inside the window."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from referral_intake.contract import Coded, Field, Patient, Referral
from referral_intake.matching.duplicates import RecentReferral, find_duplicate_referral

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def ref(first: str, last: str, dob: str, reason: str, codes: tuple[str, ...] = ()) -> Referral:
    return Referral(
        patient=Patient(
            first_name=Field(value=first), last_name=Field(value=last), date_of_birth=Field(value=dob)
        ),
        reason=Field(value=reason),
        diagnoses=[Coded(code=Field(value=c)) for c in codes],
    )


def recent(case_id: int, r: Referral, days: float, **kw: object) -> RecentReferral:
    return RecentReferral.from_referral(r, T0 + timedelta(days=days), case_id=case_id, **kw)  # type: ignore[arg-type]


def test_same_patient_and_reworded_reason_within_window_is_a_duplicate() -> None:
    first = recent(1, ref("William", "Hartwell", "1961-03-04", "Evaluate new atrial fibrillation"), 0)
    other = recent(2, ref("Robert", "Hartwell", "1961-03-04", "evaluate new atrial fibrillation"), 1)
    again = recent(3, ref("Bill", "Hartwell", "1961-03-04", "new atrial fibrillation, please evaluate"), 3)
    verdict = find_duplicate_referral(again, [first, other], window_days=14)
    assert verdict is not None and verdict.duplicate_of == 1 and verdict.kind == "same_patient_and_reason"
    assert verdict.reason_similarity >= 0.8


def test_other_reason_or_outside_window_is_not_a_duplicate() -> None:
    first = recent(1, ref("William", "Hartwell", "1961-03-04", "Evaluate new atrial fibrillation"), 0)
    knee = recent(2, ref("William", "Hartwell", "1961-03-04", "knee pain failing conservative therapy"), 2)
    late = recent(3, ref("William", "Hartwell", "1961-03-04", "Evaluate new atrial fibrillation"), 30)
    assert find_duplicate_referral(knee, [first], window_days=14) is None
    assert find_duplicate_referral(late, [first], window_days=14) is None


def test_linked_chart_decides_identity_and_codes_stand_in_for_a_missing_reason() -> None:
    a = RecentReferral(case_id=1, received_at=T0, patient_id="P1", diagnosis_codes=["I48.91"])
    b = RecentReferral(
        case_id=2, received_at=T0 + timedelta(days=1), patient_id="P1", diagnosis_codes=["I48.91"]
    )
    c = RecentReferral(
        case_id=3, received_at=T0 + timedelta(days=1), patient_id="P2", diagnosis_codes=["I48.91"]
    )
    assert find_duplicate_referral(b, [a], window_days=14) is not None
    assert find_duplicate_referral(c, [a], window_days=14) is None


def test_same_bytes_are_a_duplicate_whatever_the_dates() -> None:
    sha = "ab" * 32
    a = recent(1, ref("Ada", "Byron", "1990-01-01", "x"), 0, document_sha256=sha)
    b = recent(2, ref("Ada", "Byron", "1990-01-01", "y"), 90, document_sha256=sha)
    verdict = find_duplicate_referral(b, [a], window_days=14)
    assert verdict is not None and verdict.kind == "same_document" and verdict.duplicate_of == 1
