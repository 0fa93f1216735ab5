"""FHIR R4 Bundle parsing with a bundle written here (synthetic people), checked by two validators."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from referral_intake.contract import Field, Referral
from referral_intake.errors import UnreadableDocument
from referral_intake.extraction.structured.fhir import parse_fhir
from referral_intake.extraction.structured.fhir_validate import model_problems, schema_problems

BUNDLE_PATH = Path(__file__).parent / "data" / "referral_bundle.json"


def bundle() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(BUNDLE_PATH.read_text())
    return data


def v(field: Field | None) -> object:
    assert field is not None
    return field.value


@pytest.fixture(scope="module")
def parsed() -> tuple[Referral, list[str]]:
    out = parse_fhir(BUNDLE_PATH.read_bytes())
    assert len(out) == 1
    return out[0]


def test_bundle_is_valid_r4_by_both_validators(parsed: tuple[Referral, list[str]]) -> None:
    assert parsed[1] == []
    b = bundle()
    assert model_problems(b) == []
    assert all(schema_problems(e["resource"], "r") == [] for e in b["entry"])


def test_patient(parsed: tuple[Referral, list[str]]) -> None:
    p = parsed[0].patient
    # The official name wins over the nickname listed first.
    assert (v(p.first_name), v(p.middle_name), v(p.last_name), v(p.suffix)) == (
        "Rosalind",
        "Ivy",
        "Quillfeather",
        "III",
    )
    assert (v(p.date_of_birth), v(p.sex), v(p.mrn)) == ("1961-07-14", "F", "MRN207731")
    assert v(p.phone) == "5125550142"  # home preferred over work
    assert v(p.email) == "rq@example.org"
    assert v(p.preferred_language) == "es"
    assert p.address is not None and (v(p.address.line2), v(p.address.postal_code)) == ("Unit 3", "78664")
    assert p.sex is not None and p.sex.text == "female"


def test_providers(parsed: tuple[Referral, list[str]]) -> None:
    rp = parsed[0].referring_provider
    assert rp is not None  # a PractitionerRole: person + organization + specialty + role telecom
    assert (v(rp.first_name), v(rp.last_name), v(rp.credentials), v(rp.npi)) == (
        "Daniel",
        "Okonkwo",
        "MD",
        "1234567893",
    )
    assert (v(rp.organization), v(rp.specialty), v(rp.phone), v(rp.fax)) == (
        "Brushy Creek Family Medicine",
        "Family Medicine",
        "5125550102",
        "5125550103",
    )
    assert rp.address is not None and v(rp.address.line1) == "900 Hester Crossing"
    to = parsed[0].referred_to
    assert to is not None and (v(to.first_name), v(to.last_name), v(to.npi)) == (
        "Mira",
        "Haverbrook",
        "1245319599",
    )


def test_insurance_in_service_request_order(parsed: tuple[Referral, list[str]]) -> None:
    primary, secondary = parsed[0].insurance
    assert (v(primary.payer_name), v(primary.payer_id), v(primary.plan_name)) == (
        "Lone Star Health Plan",
        "60054",
        "Gold PPO",
    )
    assert (v(primary.member_id), v(primary.group_number)) == ("LSH884122A", "GRP7100")
    assert (v(primary.subscriber_name), v(primary.subscriber_relationship)) == (
        "Tobias Quillfeather",
        "spouse",
    )
    assert v(primary.subscriber_date_of_birth) == "1959-02-27"
    assert (v(secondary.payer_name), v(secondary.member_id), v(secondary.subscriber_relationship)) == (
        "Texas Medicaid",
        "TXM55210098",
        "self",
    )


def test_referral_fields(parsed: tuple[Referral, list[str]]) -> None:
    ref = parsed[0]
    assert (v(ref.referral_date), v(ref.urgency), v(ref.authorization_number)) == (
        "2026-11-18",
        "urgent",
        "PA20260419",
    )
    assert [d.code.value for d in ref.diagnoses] == ["E11.9", "M17.11"]
    assert all(d.code.confidence == 1.0 for d in ref.diagnoses)
    assert [p.code.value for p in ref.procedures] == ["99244"]
    assert v(ref.reason) == "Type 2 diabetes mellitus without complications; Right knee osteoarthritis"
    assert "physical therapy" in str(v(ref.clinical_summary))


def test_coverage_found_by_beneficiary_when_not_listed_and_absent_fields_marked() -> None:
    b = bundle()
    sr = b["entry"][-1]["resource"]
    del sr["insurance"], sr["priority"], sr["identifier"]
    ((ref, _),) = parse_fhir(json.dumps(b).encode())
    assert [v(c.payer_name) for c in ref.insurance] == ["Lone Star Health Plan", "Texas Medicaid"]  # by order
    assert ref.urgency is not None and ref.urgency.value is None and ref.urgency.confidence == 1.0
    assert ref.authorization_number is not None and ref.authorization_number.value is None


def test_bad_code_is_reported_by_path_without_the_value() -> None:
    b = bundle()
    bad = copy.deepcopy(b)
    bad["entry"][0]["resource"]["gender"] = "F"  # R4 wants "female"; the R4B model does not notice
    ((ref, notes),) = parse_fhir(json.dumps(bad).encode())
    assert notes == ["bundle.entry.0.resource.gender: breaks FHIR R4 schema rule 'enum'"]
    assert v(ref.patient.sex) == "F"  # still read: what the sender meant is clear
    bad["entry"][0]["resource"]["favoriteColor"] = "Quillfeather-blue"
    ((_, notes),) = parse_fhir(json.dumps(bad).encode())
    assert any("favoriteColor" in n and "extra_forbidden" in n for n in notes)
    assert not any("Quillfeather" in n.replace("favoriteColor", "") for n in notes)


def test_one_referral_per_service_request() -> None:
    b = bundle()
    second = copy.deepcopy(b["entry"][-1])
    second["fullUrl"] = "urn:uuid:0b6a3c1e-0000-4000-8000-0000000000ff"
    second["resource"]["id"] = "sr2"
    second["resource"]["priority"] = "stat"
    b["entry"].append(second)
    out = parse_fhir(json.dumps(b).encode())
    assert [v(r.urgency) for r, _ in out] == ["urgent", "stat"]


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (b"{not json", "malformed"),
        (b"[" * 200_000, "malformed"),  # nesting deep enough to exhaust the recursion limit
        (b'{"resourceType": "Patient", "id": "x"}', "not_fhir_bundle"),
        (b'{"resourceType": "Bundle", "type": "collection", "entry": []}', "no_patient"),
    ],
)
def test_unreadable_fhir(payload: bytes, reason: str) -> None:
    with pytest.raises(UnreadableDocument) as info:
        parse_fhir(payload)
    assert info.value.reason == reason
