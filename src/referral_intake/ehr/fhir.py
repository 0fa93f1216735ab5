"""FHIR R4 connector (httpx): one validated transaction Bundle per referral; Patient search for matching.

Exactly once: every resource in the Bundle is a conditional create (`ifNoneExist` on its
`urn:referral-intake:case|<key>` identifier), and the transaction is all-or-nothing on the server, so a
retry after a lost response resolves to the resources the first attempt created.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import structlog

from referral_intake.ehr.fhir_bundle import CASE_SYSTEM, build_bundle, validate_bundle
from referral_intake.ehr.oauth import OAuthConfig, TokenSource
from referral_intake.ehr.protocol import ExportRequest, ExportResult, Health, PatientQuery, PatientRecord
from referral_intake.ehr.values import digits
from referral_intake.errors import EhrRejected, EhrUnavailable

log = structlog.get_logger(__name__)
_FHIR_JSON = "application/fhir+json"
_SEX = {"female": "F", "male": "M", "other": "X", "unknown": "U"}


class FhirConnector:
    def __init__(
        self,
        name: str,
        base_url: str,
        auth: OAuthConfig | None = None,
        timeout_seconds: float = 30.0,
        verify: bool | str = True,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.name = name
        self.base_url = base_url.rstrip("/")
        self.client = httpx.Client(timeout=timeout_seconds, verify=verify, transport=transport)
        self.tokens = TokenSource(auth, self.client) if auth else None

    # -- HTTP ------------------------------------------------------------------------------------------

    def _request(self, method: str, path: str, body: bytes | None = None, **kw: Any) -> httpx.Response:
        url = f"{self.base_url}/{path.lstrip('/')}" if path else self.base_url
        for attempt in (1, 2):
            headers = {"Accept": _FHIR_JSON}
            if body is not None:
                headers["Content-Type"] = _FHIR_JSON
                kw["content"] = body
            if self.tokens:
                headers["Authorization"] = f"Bearer {self.tokens.token()}"
            try:
                resp = self.client.request(method, url, headers=headers, **kw)
            except httpx.TransportError as exc:
                raise EhrUnavailable(
                    f"FHIR server of connector {self.name!r} unreachable ({type(exc).__name__})"
                ) from exc
            if resp.status_code == 401 and self.tokens and attempt == 1:
                self.tokens.invalidate()  # revoked or expired early: one fresh token, then give up
                continue
            return resp
        return resp

    @staticmethod
    def _check(resp: httpx.Response, what: str) -> dict[str, Any]:
        if resp.status_code >= 500 or resp.status_code in (408, 429):
            raise EhrUnavailable(f"FHIR server answered HTTP {resp.status_code} to {what}; will retry")
        if resp.status_code >= 400:
            raise EhrRejected(f"FHIR server refused {what} (HTTP {resp.status_code}: {_issue_codes(resp)})")
        body: dict[str, Any] = resp.json()
        return body

    # -- write side ------------------------------------------------------------------------------------

    def export(self, request: ExportRequest, idempotency_key: str) -> ExportResult:
        bundle = build_bundle(request, idempotency_key)
        validate_bundle(bundle)
        resp = self._request("POST", "", body=json.dumps(bundle, separators=(",", ":")).encode())
        body = self._check(resp, "the transaction Bundle")
        ids: dict[str, str] = {}
        created = 0
        for sent, got in zip(bundle["entry"], body.get("entry", []), strict=False):
            response = got.get("response", {})
            location = str(response.get("location", ""))
            rtype = sent["resource"]["resourceType"]
            if str(response.get("status", "")).startswith("201"):
                created += 1
            if location:
                ids.setdefault(rtype, location.split("/_history")[0])
        patient_id = request.patient_id or ids.get("Patient", "").removeprefix("Patient/")
        referral = ids.get("ServiceRequest")
        log.info("ehr.fhir.exported", connector=self.name, case_id=request.case_id, created=created)
        return ExportResult(
            patient_id=patient_id,
            referral_id=referral.removeprefix("ServiceRequest/") if referral else None,
            detail={"resources": ids, "created": created},
            duplicate=created == 0,
        )

    def health(self) -> Health:
        try:
            resp = self.client.get(f"{self.base_url}/metadata", headers={"Accept": _FHIR_JSON})
        except httpx.TransportError as exc:
            return Health(False, f"unreachable ({type(exc).__name__})")
        if resp.status_code != 200:
            return Health(False, f"metadata answered HTTP {resp.status_code}")
        version = resp.json().get("fhirVersion", "?")
        return Health(True, f"FHIR {version} server reachable")

    # -- read side -------------------------------------------------------------------------------------

    def find_candidates(self, query: PatientQuery, limit: int = 50) -> list[PatientRecord]:
        searches: list[dict[str, str]] = []
        if query.mrn:
            searches.append({"identifier": query.mrn})
        if query.date_of_birth:
            searches.append({"birthdate": query.date_of_birth.isoformat()})
        if query.last_name:
            searches.append({"family": query.last_name[:3]})  # FHIR string search is "starts with"
        if query.phone:
            searches.append({"phone": query.phone})
        seen: dict[str, PatientRecord] = {}
        for params in searches:
            body = self._check(
                self._request("GET", "Patient", params={**params, "_count": str(limit)}), "a search"
            )
            for entry in body.get("entry", []):
                rec = patient_record(entry["resource"])
                seen.setdefault(rec.id, rec)
        return list(seen.values())[:limit]

    def read_patient(self, patient_id: str) -> PatientRecord | None:
        resp = self._request("GET", f"Patient/{patient_id}")
        if resp.status_code in (404, 410):
            return None
        return patient_record(self._check(resp, "a read"))

    def dispose(self) -> None:
        self.client.close()


def patient_record(res: dict[str, Any]) -> PatientRecord:
    name = (res.get("name") or [{}])[0]
    given = name.get("given") or []
    addr = (res.get("address") or [{}])[0]
    lines = addr.get("line") or []
    telecom = res.get("telecom") or []
    phone = next((t.get("value") for t in telecom if t.get("system") == "phone"), None)
    email = next((t.get("value") for t in telecom if t.get("system") == "email"), None)
    mrn = next(
        (
            i.get("value")
            for i in res.get("identifier") or []
            if any(c.get("code") == "MR" for c in (i.get("type") or {}).get("coding", []))
        ),
        None,
    )
    dob = res.get("birthDate")
    return PatientRecord(
        id=str(res["id"]),
        first_name=given[0] if given else None,
        middle_name=given[1] if len(given) > 1 else None,
        last_name=name.get("family"),
        date_of_birth=date.fromisoformat(dob) if dob and len(dob) == 10 else None,
        sex=_SEX.get(res.get("gender", "")),
        address_line1=lines[0] if lines else None,
        address_line2=lines[1] if len(lines) > 1 else None,
        city=addr.get("city"),
        state=addr.get("state"),
        postal_code=addr.get("postalCode"),
        phone=digits(phone),
        email=email,
        mrn=mrn,
        extra={
            "case_identifiers": [
                i["value"] for i in res.get("identifier") or [] if i.get("system") == CASE_SYSTEM
            ]
        },
    )


def _issue_codes(resp: httpx.Response) -> str:
    """The OperationOutcome issue codes only: diagnostics text may echo submitted values (PHI)."""
    try:
        issues = resp.json().get("issue", [])
    except ValueError:
        return "no OperationOutcome"
    return ", ".join(sorted({str(i.get("code")) for i in issues})) or "no issue codes"


def load_oauth(options: dict[str, Any]) -> OAuthConfig | None:
    """The `auth` table of a fhir connector's settings, if any."""
    auth = options.get("auth")
    if not auth:
        return None
    key_file = auth.get("private_key_file")
    return OAuthConfig(
        token_url=auth["token_url"],
        client_id=auth["client_id"],
        client_secret=auth.get("client_secret"),
        private_key=auth.get("private_key"),
        private_key_file=Path(key_file) if key_file else None,
        key_id=auth.get("key_id"),
        algorithm=auth.get("algorithm", "RS384"),
        scope=auth.get("scope", "system/*.rs system/*.cud"),
    )
