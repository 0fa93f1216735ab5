"""Duplicate referral detection: the same document again, or the same patient + same reason within a window.

A pure function over recent cases the pipeline passes in (it owns the query); nothing here touches a database.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Literal

from pydantic import BaseModel, Field
from rapidfuzz import fuzz

from referral_intake.contract import Referral
from referral_intake.matching.comparisons import nickname_equivalent
from referral_intake.matching.normalize import ascii_fold, norm_name, parse_date


class RecentReferral(BaseModel):
    """What duplicate detection needs to know about one referral (a recent case, or the new one)."""

    case_id: int | None = None
    received_at: datetime
    document_sha256: str | None = None
    patient_id: str | None = None  # the linked chart, when matching linked one
    first_name: str | None = None
    last_name: str | None = None
    date_of_birth: str | None = None
    reason: str | None = None
    diagnosis_codes: list[str] = Field(default_factory=list)

    @classmethod
    def from_referral(
        cls,
        referral: Referral,
        received_at: datetime,
        *,
        case_id: int | None = None,
        patient_id: str | None = None,
        document_sha256: str | None = None,
    ) -> RecentReferral:
        p = referral.patient

        def text(field: object) -> str | None:
            value = getattr(field, "value", None)
            return str(value) if value not in (None, "") else None

        dob = parse_date(text(p.date_of_birth))
        return cls(
            case_id=case_id,
            received_at=received_at,
            document_sha256=document_sha256,
            patient_id=patient_id,
            first_name=text(p.first_name),
            last_name=text(p.last_name),
            date_of_birth=dob.isoformat() if dob else None,
            reason=text(referral.reason),
            diagnosis_codes=sorted({str(d.code.value).upper() for d in referral.diagnoses if d.code.value}),
        )


class DuplicateReferral(BaseModel):
    duplicate_of: int | None  # the earlier case id
    kind: Literal["same_document", "same_patient_and_reason"]
    reason_similarity: float


def same_patient(a: RecentReferral, b: RecentReferral) -> bool:
    """Linked to the same chart, or the same DOB and surname with a compatible first name."""
    if a.patient_id and b.patient_id:
        return a.patient_id == b.patient_id
    if not (a.date_of_birth and a.date_of_birth == b.date_of_birth):
        return False
    la, lb = norm_name(a.last_name), norm_name(b.last_name)
    fa, fb = norm_name(a.first_name), norm_name(b.first_name)
    if not (la and fa and la == lb):
        return False
    return fa == fb or nickname_equivalent(fa.split(" ")[0], fb.split(" ")[0])


def reason_similarity(a: RecentReferral, b: RecentReferral) -> float:
    """Token-set similarity of the stated reasons (0-1); shared diagnosis codes count when a reason is missing."""
    if a.reason and b.reason:
        return fuzz.token_set_ratio(ascii_fold(a.reason), ascii_fold(b.reason)) / 100.0
    if a.diagnosis_codes and b.diagnosis_codes:
        sa, sb = set(a.diagnosis_codes), set(b.diagnosis_codes)
        return len(sa & sb) / len(sa | sb)
    return 0.0


def find_duplicate_referral(
    new: RecentReferral,
    recent: Iterable[RecentReferral],
    window_days: int,
    min_reason_similarity: float = 0.8,
) -> DuplicateReferral | None:
    """The earlier referral this one duplicates, if any (most similar reason wins; same bytes first)."""
    window = timedelta(days=window_days)
    best: DuplicateReferral | None = None
    for old in recent:
        if old.case_id is not None and old.case_id == new.case_id:
            continue
        if new.document_sha256 and old.document_sha256 == new.document_sha256:
            return DuplicateReferral(duplicate_of=old.case_id, kind="same_document", reason_similarity=1.0)
        if abs(new.received_at - old.received_at) > window or not same_patient(new, old):
            continue
        sim = reason_similarity(new, old)
        if sim >= min_reason_similarity and (best is None or sim > best.reason_similarity):
            best = DuplicateReferral(
                duplicate_of=old.case_id, kind="same_patient_and_reason", reason_similarity=sim
            )
    return best
