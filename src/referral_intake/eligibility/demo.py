"""Synthetic referrals for the eligibility demo, benchmarks and tests (invented people only).

Member IDs pick the local responder's scenario (see responder.py): INACTIVE..., AAA72..., SLOW..., ...
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from referral_intake.contract import Coverage, Field, Patient, Provider, Referral
from referral_intake.settings import Settings

if TYPE_CHECKING:
    from referral_intake.eligibility.responder import Responder

F = Field.exact


def demo_referral(
    member_id: str = "XYZ900100",
    payer: str = "BCBS TX",
    relationship: str | None = None,
    subscriber_name: str | None = None,
    subscriber_dob: str | None = None,
    specialty: str | None = "Cardiology",
    first: str = "Jamie",
    last: str = "Rivera",
    dob: str = "1984-07-09",
) -> Referral:
    """A synthetic referral (no real person) with one coverage."""
    cov = Coverage(
        payer_name=F(payer),
        member_id=F(member_id),
        group_number=F("GRP77"),
        subscriber_relationship=F(relationship) if relationship else None,
        subscriber_name=F(subscriber_name) if subscriber_name else None,
        subscriber_date_of_birth=F(subscriber_dob) if subscriber_dob else None,
    )
    return Referral(
        patient=Patient(first_name=F(first), last_name=F(last), date_of_birth=F(dob), sex=F("F")),
        insurance=[cov],
        referred_to=Provider(
            specialty=F(specialty) if specialty else None,
            npi=F("1234567893"),
            organization=F("Lakeside Heart"),
        ),
    )


def with_demo_responder(settings: Settings) -> tuple[Responder, Settings]:
    """Start the local CORE responder on a free loopback port; settings that check eligibility against it.

    For `referral-intake demo`: `responder, settings = with_demo_responder(settings)` before processing, and
    `responder.stop()` at the end. Settings that already name a real transport are returned unchanged.
    """
    from referral_intake.eligibility.responder import Responder

    responder = Responder(slow_seconds=30.0).start()
    if settings.eligibility.client != "offline":
        return responder, settings
    elig = settings.eligibility.model_copy(
        update={
            "client": "core",
            "endpoint": f"{responder.url}/core",
            "provider_npi": settings.eligibility.provider_npi or "1234567893",  # a check-digit-valid test NPI
            "provider_name": settings.eligibility.provider_name or "DEMO PRACTICE",
            "usage_indicator": "T",
        }
    )
    return responder, settings.model_copy(update={"eligibility": elig})
