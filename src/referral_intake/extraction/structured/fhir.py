"""FHIR R4 Bundle (ServiceRequest, Patient, Coverage, Practitioner[Role], Organization, Condition) -> referrals.

One `Referral` per ServiceRequest (or one for the Patient when the bundle has none). Values are read from
the JSON itself, with references resolved inside the bundle; validation only adds reviewer notes.
"""

from __future__ import annotations

import json
from typing import Any

from referral_intake.contract import Coded, Coverage, Field, Patient, Provider, Referral
from referral_intake.errors import UnreadableDocument
from referral_intake.extraction.structured import _common as c
from referral_intake.extraction.structured.fhir_validate import model_problems, schema_problems

MAX_BYTES = 20_000_000
NPI = "http://hl7.org/fhir/sid/us-npi"
ICD10CM = frozenset({"http://hl7.org/fhir/sid/icd-10-cm", "urn:oid:2.16.840.1.113883.6.90"})
CPT = frozenset(
    {
        "http://www.ama-assn.org/go/cpt",
        "urn:oid:2.16.840.1.113883.6.12",
        "https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets",
        "http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets",
        "urn:oid:2.16.840.1.113883.6.285",
    }
)
_GENDER = {"male": "M", "female": "F", "other": "X", "unknown": "U"}
_PRIORITY = {"routine": "R", "urgent": "UR", "asap": "A", "stat": "S"}

Res = dict[str, Any]


def parse_fhir(data: bytes) -> list[tuple[Referral, list[str]]]:
    """Parse a FHIR R4 Bundle (JSON); raise UnreadableDocument when it is not one."""
    if len(data) > MAX_BYTES:
        raise UnreadableDocument(f"FHIR bundle is larger than {MAX_BYTES} bytes", reason="too_large")
    try:
        bundle = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        line = getattr(exc, "lineno", None)
        raise UnreadableDocument(
            f"FHIR message is not valid UTF-8 JSON (near line {line}); ask the sender to resend it",
            reason="malformed",
        ) from None
    if not isinstance(bundle, dict) or bundle.get("resourceType") != "Bundle":
        raise UnreadableDocument(
            "FHIR message is not a Bundle resource; send a Bundle", reason="not_fhir_bundle"
        )
    b = _Bundle(bundle)
    notes = model_problems(bundle)
    for i, res in enumerate(b.resources):
        notes += schema_problems(res, f"bundle.entry.{i}.resource")
    requests = b.of_type("ServiceRequest")
    patients = b.of_type("Patient")
    if not patients:
        raise UnreadableDocument(
            "FHIR bundle holds no Patient resource: nothing to extract", reason="no_patient"
        )
    if not requests:
        return [(_referral(b, None, patients[0]), notes)]
    out = []
    for sr in requests:
        pat = b.resolve(sr.get("subject")) or patients[0]
        out.append((_referral(b, sr, pat), notes))
    return out


class _Bundle:
    """Resources of a bundle, resolvable by fullUrl, `Type/id` or a contained `#id`."""

    def __init__(self, bundle: Res) -> None:
        self.resources: list[Res] = []
        self._index: dict[str, Res] = {}
        for entry in bundle.get("entry") or []:
            res = entry.get("resource") if isinstance(entry, dict) else None
            if not isinstance(res, dict):
                continue
            self.resources.append(res)
            if entry.get("fullUrl"):
                self._index[str(entry["fullUrl"])] = res
            if res.get("id"):
                self._index[f"{res.get('resourceType')}/{res['id']}"] = res

    def of_type(self, rtype: str) -> list[Res]:
        return [r for r in self.resources if r.get("resourceType") == rtype]

    def resolve(self, ref: Any) -> Res | None:
        if not isinstance(ref, dict) or not isinstance(ref.get("reference"), str):
            return None
        target: str = ref["reference"]
        if target in self._index:
            return self._index[target]
        tail = "/".join(target.rstrip("/").split("/")[-2:])  # absolute URL -> Type/id
        return self._index.get(tail)

    def about(self, rtype: str, patient: Res, key: str) -> list[Res]:
        """Resources of a type whose `key` reference points at the patient."""
        return [r for r in self.of_type(rtype) if self.resolve(r.get(key)) is patient]


def _referral(b: _Bundle, sr: Res | None, pat: Res) -> Referral:
    sr = sr or {}
    ref = Referral(patient=_patient(pat))
    covs = [b.resolve(i) for i in sr.get("insurance") or []]
    chosen = [x for x in covs if x and x.get("resourceType") == "Coverage"] or sorted(
        b.about("Coverage", pat, "beneficiary"), key=lambda x: x.get("order", 99)
    )
    ref.insurance = [_coverage(b, cv, pat) for cv in chosen]
    ref.referring_provider = _provider(b, b.resolve(sr.get("requester")))
    performers = sr.get("performer") or []
    ref.referred_to = _provider(b, b.resolve(performers[0])) if performers else None
    ref.referral_date = c.hl7_date(sr.get("authoredOn"))
    ref.urgency = c.urgency(_PRIORITY.get(str(sr.get("priority")), sr.get("priority")), sr.get("priority"))
    reasons = [_cc_text(cc) for cc in sr.get("reasonCode") or []]
    conditions = [x for x in (b.resolve(r) for r in sr.get("reasonReference") or []) if x]
    reasons += [_cc_text(x.get("code")) for x in conditions]
    reason_texts = [r for r in reasons if r]
    ref.reason = c.exact("; ".join(reason_texts)) if reason_texts else None
    if not conditions and not sr.get("reasonCode"):
        conditions = [x for x in b.about("Condition", pat, "subject") if _active(x)]
    ref.diagnoses = _dedupe(
        [d for cc in sr.get("reasonCode") or [] if (d := _coded(cc, ICD10CM, c.icd10))]
        + [d for x in conditions if (d := _coded(x.get("code"), ICD10CM, c.icd10))]
    )
    ref.procedures = _dedupe([p for p in [_coded(sr.get("code"), CPT, c.cpt)] if p and p.code.value])
    ref.authorization_number = next(
        (c.ident(i.get("value")) for i in sr.get("identifier") or [] if _is_auth(i)), None
    )
    notes = [str(n["text"]) for n in sr.get("note") or [] if isinstance(n, dict) and n.get("text")]
    ref.clinical_summary = c.exact(" ".join(notes)) if notes else None
    meds = b.about("MedicationStatement", pat, "subject") + b.about("MedicationRequest", pat, "subject")
    ref.medications = [f for m in meds if (f := c.exact(_cc_text(m.get("medicationCodeableConcept"))))]
    allergies = b.about("AllergyIntolerance", pat, "patient")
    ref.allergies = [f for a in allergies if (f := c.exact(_cc_text(a.get("code"))))]
    c.fill_absent(ref)
    return ref


def _cc_text(cc: Any) -> str | None:
    if not isinstance(cc, dict):
        return None
    if cc.get("text"):
        return str(cc["text"])
    return next((str(x["display"]) for x in cc.get("coding") or [] if x.get("display")), None)


def _coded(cc: Any, systems: frozenset[str], norm: Any) -> Coded | None:
    if not isinstance(cc, dict):
        return None
    desc = _cc_text(cc)
    for coding in cc.get("coding") or []:
        if coding.get("system") in systems and coding.get("code"):
            return Coded(code=norm(coding["code"]), description=c.exact(coding.get("display") or desc))
    others = [f"{x.get('system')} {x.get('code')}" for x in cc.get("coding") or [] if x.get("code")]
    if systems is ICD10CM and (others or desc):  # stated, but in no ICD-10-CM code: the term still shows
        return Coded(
            code=Field(value=None, confidence=1.0, text=others[0] if others else None),
            description=c.exact(desc),
        )
    return None


def _dedupe(items: list[Coded]) -> list[Coded]:
    seen: set[str] = set()
    out = []
    for it in items:
        key = str(it.code.value or it.code.text or (it.description.value if it.description else ""))
        if key not in seen:
            seen.add(key)
            out.append(it)
    return out


def _active(cond: Res) -> bool:
    status = cond.get("clinicalStatus") or {}
    codes = {x.get("code") for x in status.get("coding") or []}
    return not codes or bool(codes & {"active", "recurrence", "relapse"})


def _is_auth(ident: Res) -> bool:
    t = ident.get("type") or {}
    words = [str(t.get("text") or ""), str(ident.get("system") or "")]
    words += [f"{x.get('code', '')} {x.get('display', '')}" for x in t.get("coding") or []]
    return any("auth" in w.lower() for w in words)


def _human_name(names: Any) -> dict[str, Field | None]:
    if not isinstance(names, list) or not names:
        return {}
    name = next((n for n in names if n.get("use") == "official"), None) or next(
        (n for n in names if n.get("use") in (None, "usual")), names[0]
    )
    given = [g for g in name.get("given") or [] if g]
    if not given and not name.get("family") and name.get("text"):
        return c.split_name_text(name["text"])
    return {
        "first_name": c.exact(given[0]) if given else None,
        "middle_name": c.exact(" ".join(given[1:])) if len(given) > 1 else None,
        "last_name": c.exact(name.get("family")),
        "suffix": c.exact(" ".join(name.get("suffix") or [])) if name.get("suffix") else None,
    }


def _address(addrs: Any, prefer: str = "home") -> dict[str, Any]:
    if not isinstance(addrs, list) or not addrs:
        return {}
    a = next((x for x in addrs if x.get("use") == prefer), addrs[0])
    addr = c.make_address(list(a.get("line") or []), a.get("city"), a.get("state"), a.get("postalCode"))
    return {"address": addr} if addr else {}


def _telecom(points: Any, phone_uses: tuple[str | None, ...]) -> dict[str, Field | None]:
    points = [p for p in points or [] if isinstance(p, dict) and p.get("value")]
    phones = sorted(
        (p for p in points if p.get("system") in ("phone", None)),
        key=lambda p: phone_uses.index(p.get("use")) if p.get("use") in phone_uses else len(phone_uses),
    )
    fax = next((p for p in points if p.get("system") == "fax"), None)
    mail = next((p for p in points if p.get("system") == "email"), None)
    return {
        "phone": c.phone(phones[0]["value"]) if phones else None,
        "fax": c.phone(fax["value"]) if fax else None,
        "email": c.exact(mail["value"]) if mail else None,
    }


def _patient(p: Res) -> Patient:
    tel = _telecom(p.get("telecom"), ("home", "mobile", None, "work"))
    mrn = next(
        (
            i.get("value")
            for i in p.get("identifier") or []
            if any(x.get("code") == "MR" for x in (i.get("type") or {}).get("coding") or [])
        ),
        None,
    )
    comms = p.get("communication") or []
    lang = next((x for x in comms if x.get("preferred")), comms[0] if comms else None)
    lang_code = next((x.get("code") for x in (lang or {}).get("language", {}).get("coding") or []), None)
    gender = p.get("gender")
    return Patient(
        **_human_name(p.get("name")),
        date_of_birth=c.hl7_date(p.get("birthDate")),
        sex=c.sex(_GENDER.get(gender, gender), gender) if isinstance(gender, str) else None,
        phone=tel["phone"],
        email=tel["email"],
        mrn=c.ident(mrn),
        preferred_language=c.exact(lang_code),
        **_address(p.get("address")),
    )


def _npi(res: Res | None) -> Field | None:
    value = next(
        (i.get("value") for i in (res or {}).get("identifier") or [] if i.get("system") == NPI), None
    )
    return c.npi(value)


def _provider(b: _Bundle, res: Res | None) -> Provider | None:
    """A Practitioner, PractitionerRole (practitioner + organization + specialty) or Organization."""
    if res is None:
        return None
    rtype = res.get("resourceType")
    role = res if rtype == "PractitionerRole" else None
    person = b.resolve(role.get("practitioner")) if role else (res if rtype == "Practitioner" else None)
    org = b.resolve(role.get("organization")) if role else (res if rtype == "Organization" else None)
    name = _human_name((person or {}).get("name"))
    quals = [_cc_text(q.get("code")) for q in (person or {}).get("qualification") or []]
    tel = _telecom(
        (role or {}).get("telecom") or (person or {}).get("telecom") or (org or {}).get("telecom"),
        ("work", None),
    )
    specialties = [_cc_text(s) for s in (role or {}).get("specialty") or []]
    return Provider(
        first_name=name.get("first_name"),
        last_name=name.get("last_name"),
        credentials=c.credentials(", ".join(q for q in quals if q)) if any(quals) else None,
        npi=_npi(person) or _npi(role) or (_npi(org) if person is None else None),
        organization=c.exact((org or {}).get("name")),
        specialty=c.exact(next((s for s in specialties if s), None)),
        phone=tel["phone"],
        fax=tel["fax"],
        **(_address((person or {}).get("address"), "work") or _address((org or {}).get("address"), "work")),
    )


def _coverage(b: _Bundle, cov: Res, pat: Res) -> Coverage:
    payor = next((x for x in (b.resolve(p) for p in cov.get("payor") or []) if x), None)
    classes = {(_cc_code(k.get("type"))): k for k in cov.get("class") or []}
    member = cov.get("subscriberId") or next(
        (
            i.get("value")
            for i in cov.get("identifier") or []
            if any(x.get("code") == "MB" for x in (i.get("type") or {}).get("coding") or [])
        ),
        None,
    )
    subscriber = b.resolve(cov.get("subscriber"))
    sub_name = _human_name((subscriber or {}).get("name"))
    full = " ".join(
        str(f.value) for k in ("first_name", "middle_name", "last_name") if (f := sub_name.get(k))
    )
    rel = _cc_code(cov.get("relationship"))
    plan = classes.get("plan") or {}
    return Coverage(
        payer_name=c.exact((payor or {}).get("name")),
        payer_id=c.exact(next((i.get("value") for i in (payor or {}).get("identifier") or []), None)),
        plan_name=c.exact(plan.get("name") or plan.get("value")),
        member_id=c.ident(member),
        group_number=c.ident((classes.get("group") or {}).get("value")),
        subscriber_name=c.exact(full or None),
        subscriber_relationship=c.relationship({"spouse": "SPS", "child": "CHILD"}.get(str(rel), rel), rel),
        subscriber_date_of_birth=c.hl7_date((subscriber or {}).get("birthDate")),
    )


def _cc_code(cc: Any) -> str | None:
    if not isinstance(cc, dict):
        return None
    return next((str(x["code"]) for x in cc.get("coding") or [] if x.get("code")), None)
