"""Turn a referral (extraction contract) into a 270 `Inquiry`: who is the subscriber, who the patient."""

from __future__ import annotations

import re
from datetime import date

from nameparser import HumanName

from referral_intake.contract import Coverage, Field, Referral
from referral_intake.eligibility.x12.build270 import Inquiry, Person, relationship_code
from referral_intake.eligibility.x12.codes import specialty_service_types
from referral_intake.errors import X12Error


def value(field: Field | None) -> str | None:
    if field is None or field.value is None:
        return None
    text = str(field.value).strip()
    return text or None


def as_date(field: Field | None) -> date | None:
    raw = value(field)
    try:
        return date.fromisoformat(raw[:10]) if raw else None
    except ValueError:
        return None


def _key(name: str | None) -> str:
    return re.sub(r"[^A-Z]", "", (name or "").upper())


def parse_name(text: str | None) -> Person:
    """A name as one string ("Doe, John A" or "John A. Doe Jr") split into its parts."""
    if not text:
        return Person()
    name = HumanName(text)
    return Person(
        last_name=name.last or None,
        first_name=name.first or None,
        middle_name=name.middle or None,
        suffix=name.suffix or None,
    )


def patient_is_subscriber(referral: Referral, coverage: Coverage) -> tuple[bool, str | None]:
    """(is the patient the subscriber?, INS02 relationship code when known).

    The stated relationship decides; without one, a subscriber name that differs from the patient's makes
    the patient a dependent (a card in a parent's name is the common case).
    """
    code = relationship_code(value(coverage.subscriber_relationship))
    if code is not None:
        return code == "18", code
    sub = parse_name(value(coverage.subscriber_name))
    if sub.last_name is None:
        return True, None
    p = referral.patient
    same = _key(sub.last_name) == _key(value(p.last_name)) and _key(sub.first_name) == _key(
        value(p.first_name)
    )
    return same, None


def inquiry_from_referral(
    referral: Referral,
    payer_id: str,
    payer_name: str,
    provider_npi: str | None,
    provider_name: str | None,
    service_date: date,
    coverage_index: int = 0,
) -> Inquiry:
    """The 270 inquiry for one coverage of a referral; X12Error when the referral lacks what a 270 needs."""
    if len(referral.insurance) <= coverage_index:
        raise X12Error("the referral has no insurance coverage to check")
    cov = referral.insurance[coverage_index]
    to = referral.referred_to
    npi = provider_npi or (value(to.npi) if to else None)
    if not npi:
        raise X12Error("no provider NPI for the 270: set eligibility.provider_npi (CLI: --provider-npi)")
    org = provider_name or (value(to.organization) if to else None)
    if not org and to is not None:
        org = " ".join(x for x in (value(to.first_name), value(to.last_name)) if x) or None
    p = referral.patient
    patient = Person(
        last_name=value(p.last_name),
        first_name=value(p.first_name),
        middle_name=value(p.middle_name),
        suffix=value(p.suffix),
        date_of_birth=as_date(p.date_of_birth),
        sex=value(p.sex),
    )
    member_id = value(cov.member_id)
    is_sub, rel = patient_is_subscriber(referral, cov)
    if is_sub:
        subscriber, dependent = patient.model_copy(update={"member_id": member_id}), None
    else:
        subscriber = parse_name(value(cov.subscriber_name)).model_copy(
            update={"member_id": member_id, "date_of_birth": as_date(cov.subscriber_date_of_birth)}
        )
        dependent = patient
    specialty = value(to.specialty) if to else None
    return Inquiry(
        payer_id=payer_id,
        payer_name=payer_name,
        provider_npi=npi,
        provider_name=org or "PRACTICE",
        subscriber=subscriber,
        dependent=dependent,
        relationship_code=rel,
        group_number=value(cov.group_number),
        service_types=["30", *specialty_service_types(specialty)],
        service_date=service_date,
    )
