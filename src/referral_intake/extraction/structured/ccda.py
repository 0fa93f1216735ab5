"""C-CDA (Referral Note, CCD and other R2.x documents) -> one contract `Referral`, values exact.

Header parties give the patient (recordTarget), the referring provider (author, else legalAuthenticator)
and the referred-to provider (informationRecipient); body sections give insurance, reason, diagnoses,
procedures, medications and allergies, found by template id (or LOINC section code when a sender omits it).
"""

from __future__ import annotations

from lxml import etree

from referral_intake.contract import Field, Patient, Provider, Referral
from referral_intake.extraction.structured import _common as c
from referral_intake.extraction.structured.cda_sections import (
    allergies,
    clinical_summary,
    diagnoses,
    insurance,
    medications,
    procedures,
    reason,
    referral_act,
)
from referral_intake.extraction.structured.cda_xml import (
    References,
    attr,
    many,
    one,
    parse_xml,
    text_of,
)

NPI_ROOT = "2.16.840.1.113883.4.6"
SSN_ROOT = "2.16.840.1.113883.4.1"
_CALL_ME = {"CL"}  # "call me" given names (Patty for Patricia) are not the legal first name


def parse_ccda(data: bytes) -> tuple[Referral, list[str]]:
    """Parse one C-CDA document; returns the referral and notes for the reviewer (no PHI in them)."""
    root = parse_xml(data)
    refs = References(root)
    notes: list[str] = []
    ref = Referral()
    ref.patient = patient(one(root, "h:recordTarget/h:patientRole"))
    ref.referring_provider = _referring(root)
    recipient = one(root, "h:informationRecipient/h:intendedRecipient")
    if recipient is not None:
        ref.referred_to = provider(recipient, "h:informationRecipient/h:name", "h:receivedOrganization")
    ref.insurance, ref.authorization_number = insurance(root)
    act = referral_act(root)
    ref.referral_date = _referral_date(root, act)
    ref.urgency = c.urgency(attr(act, "h:priorityCode", "code")) if act is not None else None
    ref.reason = reason(root)
    ref.diagnoses = diagnoses(root)
    ref.procedures = procedures(root)
    ref.medications = medications(root, refs)
    ref.allergies = allergies(root, refs)
    ref.clinical_summary = clinical_summary(root)
    if one(root, "h:component/h:nonXMLBody") is not None:
        media = attr(root, "h:component/h:nonXMLBody/h:text", "mediaType") or "unknown"
        notes.append(f"C-CDA body is an embedded {media} document; only the header was extracted")
    c.fill_absent(ref)
    return ref, notes


def _referral_date(root: etree._Element, act: etree._Element | None) -> Field | None:
    when = attr(act, "h:effectiveTime", "value") or attr(act, "h:effectiveTime/h:low", "value")
    if when:
        return c.hl7_date(when)
    doc_time = c.hl7_date(attr(root, "h:effectiveTime", "value"))
    if doc_time is not None and doc_time.value is not None:
        # The document's own date, not a stated referral date: likely but not certain.
        return Field(value=doc_time.value, confidence=0.9, text=doc_time.text)
    return doc_time


def _referring(root: etree._Element) -> Provider | None:
    """The first human author, else the legal authenticator; an NPI missing on one is taken from the other."""
    authors = [a for a in many(root, "h:author/h:assignedAuthor") if one(a, "h:assignedPerson") is not None]
    legal = one(root, "h:legalAuthenticator/h:assignedEntity")
    main = authors[0] if authors else legal
    if main is None:
        return None
    prov = provider(main, "h:assignedPerson/h:name", "h:representedOrganization")
    if (prov.npi is None or prov.npi.value is None) and legal is not None and main is not legal:
        other = provider(legal, "h:assignedPerson/h:name", "h:representedOrganization")
        same = other.last_name and prov.last_name and other.last_name.value == prov.last_name.value
        if same and other.npi is not None:
            prov.npi = other.npi
    return prov


def person_name(name: etree._Element | None) -> dict[str, Field | None]:
    """first/middle/last/suffix/credentials of a CDA PN; academic suffixes (qualifier AC) are credentials."""
    out: dict[str, Field | None] = {}
    if name is None:
        return out
    givens = [text_of(g) for g in many(name, "h:given") if g.get("qualifier") not in _CALL_ME]
    givens_clean = [g for g in givens if g]
    family = [text_of(f) for f in many(name, "h:family")]
    family_clean = [f for f in family if f]
    creds: list[str] = []
    suffixes: list[str] = []
    for s in many(name, "h:suffix"):
        val = text_of(s)
        if val:
            is_cred = s.get("qualifier") == "AC" or val.replace(".", "").upper() in _CREDENTIAL_WORDS
            (creds if is_cred else suffixes).append(val)
    if not givens_clean and not family_clean:
        return c.split_name_text(text_of(name))
    out["first_name"] = c.exact(givens_clean[0]) if givens_clean else None
    out["middle_name"] = c.exact(" ".join(givens_clean[1:])) if len(givens_clean) > 1 else None
    out["last_name"] = c.exact(" ".join(family_clean)) if family_clean else None
    out["suffix"] = c.exact(" ".join(suffixes)) if suffixes else None
    out["credentials"] = c.credentials(", ".join(creds)) if creds else None
    return out


_CREDENTIAL_WORDS = frozenset(
    [
        "MD",
        "DO",
        "RN",
        "NP",
        "PA",
        "PA-C",
        "FNP",
        "DNP",
        "PHD",
        "PSYD",
        "DPM",
        "DC",
        "OD",
        "DDS",
        "DMD",
        "APRN",
        "CNM",
        "LCSW",
    ]
)


def _pick_name(names: list[etree._Element]) -> etree._Element | None:
    for n in names:
        if n.get("use") in ("L", None):
            return n
    return names[0] if names else None


def _addr(el: etree._Element | None) -> dict[str, object]:
    if el is None or el.get("nullFlavor"):
        return {}
    addr = c.make_address(
        [t for t in (text_of(x) for x in many(el, "h:streetAddressLine")) if t],
        text_of(one(el, "h:city")),
        text_of(one(el, "h:state")),
        text_of(one(el, "h:postalCode")),
    )
    return {"address": addr} if addr else {}


def _telecoms(el: etree._Element, prefer: tuple[str | None, ...]) -> dict[str, Field | None]:
    phones, faxes, mails = [], [], []
    for t in many(el, "h:telecom"):
        value = (t.get("value") or "").strip()
        low = value.lower()
        if low.startswith("fax:"):
            faxes.append((t.get("use"), value))
        elif low.startswith("mailto:"):
            mails.append(value[7:].strip())
        elif low.startswith("tel:") or (value and value[0] in "+(0123456789"):
            phones.append((t.get("use"), value))
    phones.sort(key=lambda p: prefer.index(p[0]) if p[0] in prefer else len(prefer))
    return {
        "phone": c.phone(phones[0][1]) if phones else None,
        "fax": c.phone(faxes[0][1]) if faxes else None,
        "email": c.exact(mails[0]) if mails else None,
    }


def patient(role: etree._Element | None) -> Patient:
    if role is None:
        return Patient()
    pat = one(role, "h:patient")
    name = person_name(_pick_name(many(pat, "h:name")))
    tel = _telecoms(role, ("HP", "MC", None, "H", "WP"))
    mrn = next(
        (i.get("extension") for i in many(role, "h:id") if i.get("root") != SSN_ROOT and i.get("extension")),
        None,
    )
    langs = many(pat, "h:languageCommunication")
    preferred = [lc for lc in langs if attr(lc, "h:preferenceInd", "value") == "true"] or langs
    addrs = many(role, "h:addr")
    home = next((a for a in addrs if a.get("use") in ("HP", "H")), addrs[0] if addrs else None)
    return Patient(
        first_name=name.get("first_name"),
        middle_name=name.get("middle_name"),
        last_name=name.get("last_name"),
        suffix=name.get("suffix"),
        date_of_birth=c.hl7_date(attr(pat, "h:birthTime", "value")),
        sex=c.sex(attr(pat, "h:administrativeGenderCode", "code")),
        phone=tel["phone"],
        email=tel["email"],
        mrn=c.ident(mrn),
        preferred_language=c.exact(attr(preferred[0], "h:languageCode", "code")) if preferred else None,
        **_addr(home),
    )


def provider(entity: etree._Element, name_path: str, org_path: str) -> Provider:
    """A provider from an assignedAuthor / assignedEntity / intendedRecipient element."""
    name = person_name(one(entity, name_path))
    org = one(entity, org_path)
    npi = next((i.get("extension") for i in many(entity, "h:id") if i.get("root") == NPI_ROOT), None)
    tel = _telecoms(entity, ("WP", None, "DIR", "PUB"))
    org_tel = _telecoms(org, ("WP", None)) if org is not None else {}
    own_addr = _addr(one(entity, "h:addr"))
    return Provider(
        first_name=name.get("first_name"),
        last_name=name.get("last_name"),
        credentials=name.get("credentials"),
        npi=c.npi(npi),
        organization=c.exact(text_of(one(org, "h:name"))),
        specialty=c.exact(attr(entity, "h:code", "displayName")),
        phone=tel["phone"] or org_tel.get("phone"),
        fax=tel["fax"] or org_tel.get("fax"),
        **(own_addr or _addr(one(org, "h:addr"))),
    )
