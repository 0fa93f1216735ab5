"""Flatten an approved referral into plain named values that every connector writes from.

SQL mappings bind these names as parameters (`:last_name`, `:member_id`); the FHIR and HL7 builders read
the same dictionary, so all connectors agree on what a referral says.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date
from typing import Any

from referral_intake.contract import Address, Coverage, Field, Provider, Referral
from referral_intake.ehr.protocol import ExportRequest

COVERAGE_TYPES = ("primary", "secondary", "tertiary")


def value(f: Field | None) -> Any:
    """The normalized value of a field, or None (a blank string counts as absent)."""
    if f is None or f.value is None:
        return None
    if isinstance(f.value, str):
        stripped = f.value.strip()
        return stripped or None
    return f.value


def text(f: Field | None) -> str | None:
    v = value(f)
    return None if v is None else str(v)


def as_date(raw: Any) -> date | None:
    if raw is None:
        return None
    if isinstance(raw, date):
        return raw
    try:
        return date.fromisoformat(str(raw)[:10])
    except ValueError:
        return None


def digits(raw: Any) -> str | None:
    if raw is None:
        return None
    only = re.sub(r"\D", "", str(raw))
    return only or None


def dashed_phone(raw: Any) -> str | None:
    """`5125550143` -> `512-555-0143` (how many EHRs store a US number); other shapes unchanged."""
    d = digits(raw)
    if d and len(d) == 10:
        return f"{d[:3]}-{d[3:6]}-{d[6:]}"
    return d


def _address(prefix: str, a: Address | None) -> dict[str, Any]:
    return {
        f"{prefix}address_line1": text(a.line1) if a else None,
        f"{prefix}address_line2": text(a.line2) if a else None,
        f"{prefix}city": text(a.city) if a else None,
        f"{prefix}state": text(a.state) if a else None,
        f"{prefix}postal_code": text(a.postal_code) if a else None,
    }


def _provider(prefix: str, p: Provider | None) -> dict[str, Any]:
    out: dict[str, Any] = {
        f"{prefix}first_name": text(p.first_name) if p else None,
        f"{prefix}last_name": text(p.last_name) if p else None,
        f"{prefix}credentials": text(p.credentials) if p else None,
        f"{prefix}npi": text(p.npi) if p else None,
        f"{prefix}organization": text(p.organization) if p else None,
        f"{prefix}specialty": text(p.specialty) if p else None,
        f"{prefix}phone": digits(value(p.phone)) if p else None,
        f"{prefix}fax": digits(value(p.fax)) if p else None,
    }
    names = [out[f"{prefix}first_name"], out[f"{prefix}last_name"]]
    out[f"{prefix}name"] = " ".join(n for n in names if n) or None
    out.update(_address(prefix, p.address if p else None))
    return out


def referral_params(request: ExportRequest, idempotency_key: str) -> dict[str, Any]:
    """Every value a mapping may bind, keyed by stable names (the `:name` parameters of the mapping files)."""
    r: Referral = request.referral
    p = r.patient
    dob = as_date(value(p.date_of_birth))
    phone = digits(value(p.phone))
    diagnoses = [c for c in (text(d.code) for d in r.diagnoses) if c]
    procedures = [c for c in (text(x.code) for x in r.procedures) if c]
    params: dict[str, Any] = {
        "idempotency_key": idempotency_key,
        "case_id": request.case_id,
        "patient_id": request.patient_id,
        "first_name": text(p.first_name),
        "middle_name": text(p.middle_name),
        "last_name": text(p.last_name),
        "suffix": text(p.suffix),
        "date_of_birth": dob,
        "sex": text(p.sex) or "U",
        "phone": phone,
        "phone_dashed": dashed_phone(phone),
        "email": text(p.email),
        "mrn": text(p.mrn),
        "preferred_language": text(p.preferred_language),
        "referral_date": as_date(value(r.referral_date)),
        "urgency": text(r.urgency) or "routine",
        "reason": text(r.reason),
        "clinical_summary": text(r.clinical_summary),
        "authorization_number": text(r.authorization_number),
        "diagnosis_code": diagnoses[0] if diagnoses else None,
        "diagnosis_codes": ",".join(diagnoses) or None,
        "procedure_code": procedures[0] if procedures else None,
        "procedure_codes": ",".join(procedures) or None,
        "document_sha256": request.document.document.sha256,
        "document_filename": request.document.document.filename or f"referral-{request.case_id}.pdf",
        "document_media_type": request.original_media_type
        or request.document.document.media_type
        or "application/pdf",
        "document_bytes": request.original,
        "document_size": len(request.original) if request.original is not None else None,
    }
    names = [params["first_name"], params["middle_name"], params["last_name"]]
    params["full_name"] = " ".join(n for n in names if n) or None
    params.update(_address("", p.address))
    params.update(_provider("referring_", r.referring_provider))
    params.update(_provider("referred_to_", r.referred_to))
    return params


def coverage_params(c: Coverage, rank: int) -> dict[str, Any]:
    """Values of one coverage; `rank` 1 = primary."""
    return {
        "coverage_rank": rank,
        "coverage_type": COVERAGE_TYPES[rank - 1] if rank <= len(COVERAGE_TYPES) else f"other{rank}",
        "payer_name": text(c.payer_name),
        "payer_id": text(c.payer_id),
        "plan_name": text(c.plan_name),
        "member_id": text(c.member_id),
        "group_number": text(c.group_number),
        "subscriber_name": text(c.subscriber_name),
        "subscriber_relationship": text(c.subscriber_relationship) or "self",
        "subscriber_date_of_birth": as_date(value(c.subscriber_date_of_birth)),
    }


def short_key(idempotency_key: str, length: int = 16) -> str:
    """A fixed-length token derived from the key, for fields too short to hold it (HL7 MSH-10: 20)."""
    return hashlib.sha256(idempotency_key.encode()).hexdigest()[:length].upper()
