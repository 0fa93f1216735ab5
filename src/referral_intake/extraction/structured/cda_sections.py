"""C-CDA body sections -> contract pieces: payers, referral act, reason, problems, plan, meds, allergies.

Template ids are C-CDA R2.1's (the un-versioned root matches every version); LOINC section codes are the
fallback for senders that leave templates out.
"""

from __future__ import annotations

from lxml import etree

from referral_intake.contract import Coded, Coverage, Field
from referral_intake.extraction.structured import _common as c
from referral_intake.extraction.structured.cda_xml import (
    NS,
    References,
    attr,
    has_template,
    many,
    one,
    sections,
    text_of,
)

ICD10CM = "2.16.840.1.113883.6.90"
SNOMED = "2.16.840.1.113883.6.96"
CPT = "2.16.840.1.113883.6.12"
HCPCS = frozenset({"2.16.840.1.113883.6.285", "2.16.840.1.113883.6.14", "2.16.840.1.113883.6.13"})

_T = "2.16.840.1.113883.10.20.22"
PAYERS = frozenset({f"{_T}.2.18"}), frozenset({"48768-6"})
REFERRAL = frozenset({"1.3.6.1.4.1.19376.1.5.3.1.3.1"}), frozenset({"42349-1"})
VISIT_REASON = (
    frozenset({f"{_T}.2.12", f"{_T}.2.13", "1.3.6.1.4.1.19376.1.5.3.1.1.13.2.1"}),
    frozenset({"29299-5", "46239-0", "10154-3"}),
)
PROBLEMS = frozenset({f"{_T}.2.5", f"{_T}.2.5.1"}), frozenset({"11450-4"})
PLAN = frozenset({f"{_T}.2.10"}), frozenset({"18776-5"})
MEDS = frozenset({f"{_T}.2.1", f"{_T}.2.1.1"}), frozenset({"10160-0"})
ALLERGIES = frozenset({f"{_T}.2.6", f"{_T}.2.6.1"}), frozenset({"48765-2"})
SUMMARY = (
    frozenset({"1.3.6.1.4.1.19376.1.5.3.1.3.4", f"{_T}.2.20", f"{_T}.2.8", f"{_T}.2.9"}),
    frozenset({"10164-2", "51848-0", "51847-2"}),
)
_INACTIVE = frozenset({"completed", "aborted", "cancelled", "nullified", "obsolete"})
_RESOLVED = frozenset({"413322009", "73425007", "277022003"})  # SNOMED problem status: resolved/inactive
_NO_KNOWN = frozenset({"716186003", "409137002", "428607008", "429625007", "428197003"})
_PLANNED_MOODS = frozenset({"INT", "RQO", "PRP", "PRMS", "ARQ", "APT"})


def _find(root: etree._Element, spec: tuple[frozenset[str], frozenset[str]]) -> list[etree._Element]:
    return [s for s in sections(root, *spec) if s.get("nullFlavor") is None]


def _person(el: etree._Element | None) -> str | None:
    name = one(el, "h:name")
    if name is None:
        return None
    parts = [text_of(g) for g in many(name, "h:given") if g.get("qualifier") != "CL"]
    parts += [text_of(f) for f in many(name, "h:family")]
    joined = " ".join(p for p in parts if p)
    return joined or text_of(name)


def insurance(root: etree._Element) -> tuple[list[Coverage], Field | None]:
    """Policy activities in sequence order (primary first), and the first authorization number stated."""
    policies: list[tuple[int, Coverage]] = []
    auth: Field | None = None
    for sec in _find(root, PAYERS):
        for rel in sec.iterfind(".//h:entryRelationship", NS):
            act = one(rel, "h:act")
            if act is None or not has_template(act, frozenset({f"{_T}.4.61"})):
                continue
            seq = attr(rel, "h:sequenceNumber", "value")
            policies.append((int(seq) if seq and seq.isdigit() else 99 + len(policies), _policy(act)))
        for a in sec.iterfind(".//h:act", NS):
            ext = attr(a, "h:id", "extension")
            if has_template(a, frozenset({"2.16.840.1.113883.10.20.1.19"})) and ext and auth is None:
                auth = c.ident(ext)
    policies.sort(key=lambda p: p[0])
    return [p for _, p in policies], auth


def _policy(act: etree._Element) -> Coverage:
    payer = next(
        (
            p
            for p in many(act, "h:performer")
            if has_template(p, frozenset({f"{_T}.4.87"}))
            or attr(p, "h:assignedEntity/h:code", "code") == "PAYOR"
        ),
        None,
    )
    entity = one(payer, "h:assignedEntity")
    cov = next((p for p in many(act, "h:participant") if p.get("typeCode") == "COV"), None)
    holder = next((p for p in many(act, "h:participant") if p.get("typeCode") == "HLD"), None)
    cov_role, hld_role = one(cov, "h:participantRole"), one(holder, "h:participantRole")
    rel_code = attr(cov_role, "h:code", "code")
    sub_name = _person(one(hld_role, "h:playingEntity"))
    sub_dob = attr(hld_role, "h:playingEntity/sdtc:birthTime", "value")
    if sub_name is None and rel_code == "SELF":  # the covered patient is the subscriber
        sub_name = _person(one(cov_role, "h:playingEntity"))
        sub_dob = sub_dob or attr(cov_role, "h:playingEntity/sdtc:birthTime", "value")
    plan = next(
        (text_of(one(a, "h:text")) for a in act.iterfind("h:entryRelationship/h:act[@moodCode='DEF']", NS)),
        None,
    )
    return Coverage(
        payer_name=c.exact(text_of(one(entity, "h:representedOrganization/h:name"))),
        payer_id=c.exact(attr(entity, "h:id", "extension")),
        plan_name=c.exact(plan),
        member_id=c.ident(attr(cov_role, "h:id", "extension")),
        group_number=c.ident(attr(act, "h:id", "extension")),
        subscriber_name=c.exact(sub_name),
        subscriber_relationship=c.relationship(rel_code),
        subscriber_date_of_birth=c.hl7_date(sub_dob),
    )


def referral_act(root: etree._Element) -> etree._Element | None:
    """The Patient Referral Act (moodCode INT) inside the Reason for Referral section, if any."""
    for sec in _find(root, REFERRAL):
        for act in sec.iterfind(".//h:act", NS):
            if has_template(act, frozenset({f"{_T}.4.140"})):
                return act
    return None


def reason(root: etree._Element) -> Field | None:
    for sec in _find(root, REFERRAL):
        if text := text_of(one(sec, "h:text")):
            return Field.exact(text, text=text)
    for sec in _find(root, VISIT_REASON):
        if text := text_of(one(sec, "h:text")):
            # A visit reason is usually, not always, why the patient is being sent on.
            return Field(value=text, confidence=0.7, text=text)
    return None


def clinical_summary(root: etree._Element) -> Field | None:
    texts = [t for t in (text_of(one(s, "h:text")) for s in _find(root, SUMMARY)) if t]
    return Field.exact(" ".join(texts)) if texts else None


def _codes(value: etree._Element) -> list[tuple[str | None, str | None, str | None]]:
    """(code, codeSystem, displayName) of a coded value and its translations."""
    items = [value, *many(value, "h:translation")]
    return [(i.get("code"), i.get("codeSystem"), i.get("displayName")) for i in items]


def _coded_diagnosis(value: etree._Element) -> Coded | None:
    codes = _codes(value)
    desc = next((d for _, _, d in codes if d), None)
    icd = next((code for code, system, _ in codes if system == ICD10CM and code), None)
    if icd:
        field = c.icd10(icd)
        assert field is not None
        return Coded(code=field, description=c.exact(desc))
    snomed = next((code for code, system, _ in codes if system == SNOMED and code), None)
    if snomed is None and desc is None:
        return None
    # Stated but not in ICD-10-CM: no code to give (SNOMED is no ICD-10 code); the reviewer sees the term.
    return Coded(
        code=Field(value=None, confidence=1.0, text=f"SNOMED CT {snomed}" if snomed else None),
        description=c.exact(desc),
    )


def _active(obs: etree._Element, concern: etree._Element | None) -> bool:
    if obs.get("negationInd") == "true":
        return False
    if attr(obs, "h:effectiveTime/h:high", "value"):
        return False
    if concern is not None and attr(concern, "h:statusCode", "code") in _INACTIVE:
        return False
    for st in obs.iterfind("h:entryRelationship/h:observation", NS):
        if has_template(st, frozenset({f"{_T}.4.6"})) and attr(st, "h:value", "code") in _RESOLVED:
            return False
    return True


def diagnoses(root: etree._Element) -> list[Coded]:
    """Active problems, plus ICD-10-CM codes stated in the referral reason; one entry per code."""
    out: list[Coded] = []
    seen: set[str] = set()

    def add(coded: Coded | None) -> None:
        if coded is None:
            return
        key = str(
            coded.code.value or coded.code.text or (coded.description.value if coded.description else "")
        )
        if key not in seen:
            seen.add(key)
            out.append(coded)

    for sec in _find(root, REFERRAL):
        for value in sec.iterfind(".//h:observation/h:value", NS):
            if any(system == ICD10CM for _, system, _ in _codes(value)):
                add(_coded_diagnosis(value))
    for sec in _find(root, PROBLEMS):
        for concern in sec.iterfind("h:entry/h:act", NS):
            for obs in concern.iterfind("h:entryRelationship/h:observation", NS):
                value = one(obs, "h:value")
                if (
                    has_template(obs, frozenset({f"{_T}.4.4"}))
                    and value is not None
                    and _active(obs, concern)
                ):
                    add(_coded_diagnosis(value))
    return out


def procedures(root: etree._Element) -> list[Coded]:
    """Requested/planned procedures coded in CPT or HCPCS (the plan and the referral sections)."""
    out: list[Coded] = []
    seen: set[str] = set()
    for sec in _find(root, PLAN) + _find(root, REFERRAL):
        for el in sec.iter(f"{{{NS['h']}}}procedure", f"{{{NS['h']}}}act", f"{{{NS['h']}}}observation"):
            code_el = one(el, "h:code")
            if el.get("moodCode") not in _PLANNED_MOODS or code_el is None:
                continue
            codes = _codes(code_el)
            hit = next(((k, d) for k, s, d in codes if k and (s == CPT or s in HCPCS)), None)
            if hit and hit[0] not in seen:
                seen.add(hit[0])
                field = c.cpt(hit[0])
                assert field is not None
                desc = hit[1] or next((d for _, _, d in codes if d), None)
                out.append(Coded(code=field, description=c.exact(desc)))
    return out


def _name_of(code_el: etree._Element | None, refs: References, fallback: etree._Element | None) -> str | None:
    return (
        refs.original_text(code_el)
        or attr(code_el, ".", "displayName")
        or text_of(one(fallback, "h:name"))
        or text_of(one(code_el, "h:originalText"))
    )


def medications(root: etree._Element, refs: References) -> list[Field]:
    out: list[Field] = []
    for sec in _find(root, MEDS):
        for sa in sec.iterfind("h:entry/h:substanceAdministration", NS):
            if sa.get("negationInd") == "true" or attr(sa, "h:statusCode", "code") in _INACTIVE:
                continue
            material = one(sa, "h:consumable/h:manufacturedProduct/h:manufacturedMaterial")
            name = _name_of(one(material, "h:code"), refs, material)
            if name:
                out.append(Field.exact(name))
    return out


def allergies(root: etree._Element, refs: References) -> list[Field]:
    out: list[Field] = []
    for sec in _find(root, ALLERGIES):
        for obs in sec.iterfind(".//h:observation", NS):
            if not has_template(obs, frozenset({f"{_T}.4.7"})) or obs.get("negationInd") == "true":
                continue
            if attr(obs, "h:value", "code") in _NO_KNOWN:
                continue
            entity = one(obs, "h:participant/h:participantRole/h:playingEntity")
            name = _name_of(one(entity, "h:code"), refs, entity)
            if name:
                out.append(Field.exact(name))
    return out
