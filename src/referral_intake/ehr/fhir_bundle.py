"""Build the FHIR R4 transaction Bundle for one referral, and validate every resource before it leaves.

Each created resource carries the identifier `urn:referral-intake:case|<key>[#part]` and is posted with
`ifNoneExist` on it, so a retried Bundle finds what the first one created instead of duplicating it.
Practitioners are matched on their NPI the same way. Profiles: US Core (meta.profile).
"""

from __future__ import annotations

import base64
import hashlib
import uuid
from typing import Any

from fhir.resources.R4B import get_fhir_model_class
from pydantic import ValidationError

from referral_intake.ehr.protocol import ExportRequest
from referral_intake.ehr.values import coverage_params, referral_params
from referral_intake.errors import EhrRejected

CASE_SYSTEM = "urn:referral-intake:case"
PAYER_SYSTEM = "urn:referral-intake:payer"
NPI_SYSTEM = "http://hl7.org/fhir/sid/us-npi"
ICD10_SYSTEM = "http://hl7.org/fhir/sid/icd-10-cm"
CPT_SYSTEM = "http://www.ama-assn.org/go/cpt"
US_CORE = "http://hl7.org/fhir/us/core/StructureDefinition/"
PROFILES = {
    "Patient": US_CORE + "us-core-patient",
    "Coverage": US_CORE + "us-core-coverage",
    "Practitioner": US_CORE + "us-core-practitioner",
    "Organization": US_CORE + "us-core-organization",
    "ServiceRequest": US_CORE + "us-core-servicerequest",
    "DocumentReference": US_CORE + "us-core-documentreference",
}
_GENDER = {"F": "female", "M": "male", "X": "other", "U": "unknown"}
_RELATIONSHIP = {"self", "spouse", "child", "parent", "common", "other", "injured"}
_PRIORITY = {"routine": "routine", "urgent": "urgent", "stat": "stat"}


def _uuid(key: str, part: str) -> str:
    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"{CASE_SYSTEM}:{key}#{part}"))


def _clean(obj: Any) -> Any:
    """Drop None, empty lists and empty objects: FHIR forbids empty elements."""
    if isinstance(obj, dict):
        out = {k: _clean(v) for k, v in obj.items()}
        return {k: v for k, v in out.items() if v not in (None, [], {}, "")}
    if isinstance(obj, list):
        items = [_clean(v) for v in obj]
        return [v for v in items if v not in (None, [], {}, "")]
    return obj


def _address(p: dict[str, Any], prefix: str = "") -> list[dict[str, Any]]:
    lines = [p.get(f"{prefix}address_line1"), p.get(f"{prefix}address_line2")]
    addr = {
        "line": [x for x in lines if x],
        "city": p.get(f"{prefix}city"),
        "state": p.get(f"{prefix}state"),
        "postalCode": p.get(f"{prefix}postal_code"),
    }
    return [addr] if any(addr.values()) else []


def _telecom(phone: str | None, email: str | None = None, fax: str | None = None) -> list[dict[str, Any]]:
    out = []
    if phone:
        out.append({"system": "phone", "value": phone, "use": "home"})
    if fax:
        out.append({"system": "fax", "value": fax, "use": "work"})
    if email:
        out.append({"system": "email", "value": email})
    return out


def _entry(key: str, part: str, resource: dict[str, Any], search: str) -> dict[str, Any]:
    rtype = resource["resourceType"]
    resource = _clean({**resource, "meta": {"profile": [PROFILES[rtype]]}})
    return {
        "fullUrl": _uuid(key, part),
        "resource": resource,
        "request": {"method": "POST", "url": rtype, "ifNoneExist": search},
    }


def _case_identifier(key: str, part: str | None = None) -> dict[str, str]:
    return {"system": CASE_SYSTEM, "value": key if part is None else f"{key}:{part}"}


def _practitioner(key: str, p: dict[str, Any], prefix: str, part: str) -> dict[str, Any] | None:
    if not (p.get(f"{prefix}last_name") or p.get(f"{prefix}npi")):
        return None
    npi = p.get(f"{prefix}npi")
    ident = {"system": NPI_SYSTEM, "value": npi} if npi else _case_identifier(key, part)
    resource = {
        "resourceType": "Practitioner",
        "identifier": [ident],
        "name": [
            {
                "family": p.get(f"{prefix}last_name") or "Unknown",
                "given": [p.get(f"{prefix}first_name")],
                "suffix": [p.get(f"{prefix}credentials")],
            }
        ],
        "telecom": _telecom(p.get(f"{prefix}phone"), fax=p.get(f"{prefix}fax")),
        "address": _address(p, prefix),
    }
    return _entry(key, part, resource, f"identifier={ident['system']}|{ident['value']}")


def build_bundle(request: ExportRequest, idempotency_key: str) -> dict[str, Any]:
    """The transaction Bundle (plain JSON data), not yet validated."""
    key = idempotency_key
    p = referral_params(request, key)
    entries: list[dict[str, Any]] = []
    if request.patient_id:
        patient_ref = f"Patient/{request.patient_id}"
    else:
        patient_entry = _entry(
            key,
            "patient",
            {
                "resourceType": "Patient",
                "identifier": [
                    _case_identifier(key),
                    {
                        "type": {
                            "coding": [
                                {"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "MR"}
                            ]
                        },
                        "system": "urn:referral-intake:mrn",
                        "value": p["mrn"],
                    }
                    if p["mrn"]
                    else None,
                ],
                "name": [
                    {
                        "family": p["last_name"],
                        "given": [p["first_name"], p["middle_name"]],
                        "suffix": [p["suffix"]],
                    }
                ],
                "gender": _GENDER.get(str(p["sex"]), "unknown"),
                "birthDate": p["date_of_birth"].isoformat() if p["date_of_birth"] else None,
                "address": _address(p),
                "telecom": _telecom(p["phone"], p["email"]),
                "communication": [{"language": {"text": p["preferred_language"]}}]
                if p["preferred_language"]
                else [],
            },
            f"identifier={CASE_SYSTEM}|{key}",
        )
        entries.append(patient_entry)
        patient_ref = patient_entry["fullUrl"]

    coverage_refs = []
    for rank, cov in enumerate(request.referral.insurance, start=1):
        c = coverage_params(cov, rank)
        payer_key = c["payer_id"] or c["payer_name"] or "unknown-payer"
        org = _entry(
            key,
            f"payer-{rank}",
            {
                "resourceType": "Organization",
                "identifier": [{"system": PAYER_SYSTEM, "value": payer_key}],
                "active": True,
                "name": c["payer_name"] or payer_key,
            },
            f"identifier={PAYER_SYSTEM}|{payer_key}",
        )
        relationship = (
            c["subscriber_relationship"] if c["subscriber_relationship"] in _RELATIONSHIP else "other"
        )
        coverage = _entry(
            key,
            f"coverage-{rank}",
            {
                "resourceType": "Coverage",
                "identifier": [
                    _case_identifier(key, f"coverage-{rank}"),
                    {
                        "type": {
                            "coding": [
                                {"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "MB"}
                            ]
                        },
                        "value": c["member_id"],
                    }
                    if c["member_id"]
                    else None,
                ],
                "status": "active",
                "subscriberId": c["member_id"],
                "beneficiary": {"reference": patient_ref},
                "relationship": {
                    "coding": [
                        {
                            "system": "http://terminology.hl7.org/CodeSystem/subscriber-relationship",
                            "code": relationship,
                        }
                    ]
                },
                "payor": [{"reference": org["fullUrl"]}],
                "order": rank,
                "class": [
                    _class("group", c["group_number"]),
                    _class("plan", c["plan_name"]),
                ],
            },
            f"identifier={CASE_SYSTEM}|{key}:coverage-{rank}",
        )
        entries += [org, coverage]
        coverage_refs.append({"reference": coverage["fullUrl"]})

    requester = _practitioner(key, p, "referring_", "referring")
    performer = _practitioner(key, p, "referred_to_", "referred-to")
    entries += [e for e in (requester, performer) if e]

    doc_ref = None
    if request.original is not None:
        doc_ref = _entry(
            key,
            "document",
            {
                "resourceType": "DocumentReference",
                "identifier": [_case_identifier(key, "document")],
                "status": "current",
                "type": {
                    "coding": [{"system": "http://loinc.org", "code": "57133-1", "display": "Referral note"}]
                },
                "category": [
                    {
                        "coding": [
                            {
                                "system": "http://hl7.org/fhir/us/core/CodeSystem/us-core-documentreference-category",
                                "code": "clinical-note",
                            }
                        ]
                    }
                ],
                "subject": {"reference": patient_ref},
                "author": [{"reference": requester["fullUrl"]}] if requester else [],
                "content": [
                    {
                        "attachment": {
                            "contentType": p["document_media_type"],
                            "data": base64.b64encode(request.original).decode("ascii"),
                            "size": len(request.original),
                            "hash": base64.b64encode(hashlib.sha1(request.original).digest()).decode("ascii"),
                            "title": p["document_filename"],
                        }
                    }
                ],
            },
            f"identifier={CASE_SYSTEM}|{key}:document",
        )
        entries.append(doc_ref)

    code = (
        {"coding": [{"system": CPT_SYSTEM, "code": p["procedure_code"]}], "text": p["reason"]}
        if p["procedure_code"]
        else {
            "coding": [
                {"system": "http://snomed.info/sct", "code": "3457005", "display": "Patient referral"}
            ],
            "text": p["reason"],
        }
    )
    service_request = _entry(
        key,
        "referral",
        {
            "resourceType": "ServiceRequest",
            "identifier": [_case_identifier(key, "referral")],
            "status": "active",
            "intent": "order",
            "category": [
                {
                    "coding": [
                        {"system": "http://snomed.info/sct", "code": "3457005", "display": "Patient referral"}
                    ]
                }
            ],
            "priority": _PRIORITY.get(str(p["urgency"]), "routine"),
            "code": code,
            "subject": {"reference": patient_ref},
            "authoredOn": p["referral_date"].isoformat() if p["referral_date"] else None,
            "requester": {"reference": requester["fullUrl"]} if requester else None,
            "performer": [{"reference": performer["fullUrl"]}] if performer else [],
            "reasonCode": [
                {"coding": [{"system": ICD10_SYSTEM, "code": c.strip()}]}
                for c in (p["diagnosis_codes"] or "").split(",")
                if c.strip()
            ],
            "insurance": coverage_refs,
            "supportingInfo": [{"reference": doc_ref["fullUrl"]}] if doc_ref else [],
            "note": [{"text": p["clinical_summary"]}] if p["clinical_summary"] else [],
        },
        f"identifier={CASE_SYSTEM}|{key}:referral",
    )
    entries.append(service_request)
    return {"resourceType": "Bundle", "type": "transaction", "entry": entries}


def _class(kind: str, value: Any) -> dict[str, Any] | None:
    if not value:
        return None
    return {
        "type": {
            "coding": [{"system": "http://terminology.hl7.org/CodeSystem/coverage-class", "code": kind}]
        },
        "value": str(value),
    }


def validate_bundle(bundle: dict[str, Any]) -> None:
    """Validate every entry's resource and the Bundle itself with fhir.resources (R4B models).

    fhir.resources 8 ships no R4 package; R4B's Patient, Coverage, Practitioner, Organization,
    ServiceRequest and DocumentReference are structurally the R4 ones (R4B changed medication and
    evidence resources), so they catch missing required elements and bad codes before anything is sent.
    """
    for i, entry in enumerate(bundle.get("entry", [])):
        resource = entry["resource"]
        rtype = resource["resourceType"]
        try:
            get_fhir_model_class(rtype).model_validate(resource)
        except ValidationError as exc:
            # Report the element paths only: the values may be PHI.
            where = sorted({".".join(str(x) for x in err["loc"]) for err in exc.errors()})
            raise EhrRejected(
                f"FHIR {rtype} (entry {i}) fails validation at {', '.join(where)[:300]}", permanent=True
            ) from None
    try:
        get_fhir_model_class("Bundle").model_validate(bundle)
    except ValidationError as exc:
        where = sorted({".".join(str(x) for x in err["loc"]) for err in exc.errors()})
        raise EhrRejected(
            f"FHIR Bundle fails validation at {', '.join(where)[:300]}", permanent=True
        ) from None
