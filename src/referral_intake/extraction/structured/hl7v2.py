"""HL7 v2 REF^I12 (patient referral) and ADT^A04 (registration) -> contract `Referral`s, values exact.

hl7apy parses each message tolerantly (senders bend the standard); a strict structure check only adds a
note for the reviewer. A file may hold several messages (one referral each).
"""

from __future__ import annotations

import re
from typing import Any

from referral_intake.contract import Coded, Coverage, Field, Patient, Provider, Referral
from referral_intake.errors import UnreadableDocument
from referral_intake.extraction.structured import _common as c

_ESCAPES = {"\\F\\": "|", "\\S\\": "^", "\\T\\": "&", "\\R\\": "~", "\\E\\": "\\", "\\.br\\": " "}
_ICD10_SYSTEMS = frozenset({"I10", "I10C", "ICD10", "ICD10CM", "ICD-10-CM", "2.16.840.1.113883.6.90"})
_CPT_SYSTEMS = frozenset({"C4", "C5", "CPT", "CPT4", "HCPCS", "HPC", "2.16.840.1.113883.6.12"})
# HL7 table 0063 (relationship) beyond the codes _common knows.
_REL_0063 = {"SEL": "SELF", "SPO": "SPS", "CHD": "CHILD", "DEP": "CHILD", "FCH": "CHILD", "SCH": "CHILD"}
# HL7 table 0007 (admission type) / 0217 (visit priority) -> urgency words.
# Table 0336 codes say what kind of referral it is (second opinion...), not why: not a clinical reason.
_REASON_CATEGORIES = frozenset({"S", "P", "O", "W"})
_ADMIT_URGENCY = {"E": "EM", "U": "UR", "R": "R", "C": "EL", "1": "EM", "2": "UR", "3": "EL"}


def parse_hl7v2(data: bytes) -> list[tuple[Referral, list[str]]]:
    """Parse every message in the bytes; raise UnreadableDocument when none is a readable HL7 v2 message."""
    try:
        decoded = data.decode("utf-8")
    except UnicodeDecodeError:  # many interfaces still send ISO-8859-1 (MSH-18 8859/1)
        decoded = data.decode("latin-1")
    text = decoded.lstrip("\ufeff\x0b").replace("\x1c", "")
    text = re.sub(r"\r\n|\n|\r", "\r", text).strip("\r \t")
    if not text.startswith("MSH|") or len(text) < 8:
        raise UnreadableDocument(
            "HL7 v2 message must start with an MSH segment using '|' as field separator; ask the sender to "
            "check the interface",
            reason="malformed",
        )
    chunks = [m for m in re.split(r"\r(?=MSH\|)", text) if m.strip()]
    return [_parse_one(chunk) for chunk in chunks]


def _parse_one(text: str) -> tuple[Referral, list[str]]:
    from hl7apy.consts import VALIDATION_LEVEL
    from hl7apy.parser import parse_message

    segments = [s for s in text.split("\r") if s.strip()]
    try:
        msg = parse_message(
            "\r".join(segments), find_groups=False, validation_level=VALIDATION_LEVEL.TOLERANT
        )
    except Exception as exc:  # any parser failure means unreadable; hl7apy raises many kinds
        # Exception class only: hl7apy messages can quote segment content (PHI).
        raise UnreadableDocument(
            f"HL7 v2 message could not be parsed ({type(exc).__name__}); check MSH-9/MSH-12 and segment syntax",
            reason="malformed",
        ) from None
    segs: dict[str, list[Any]] = {}
    for seg in msg.children:
        segs.setdefault(seg.name, []).append(seg)
    kind = _comps(_first(segs, "MSH", 9))
    event = f"{kind.get(1, '')}^{kind.get(2, '')}"
    notes = _strict_notes(segments, event)
    if "PID" not in segs:
        raise UnreadableDocument(
            "HL7 v2 message has no PID segment: no patient to extract", reason="malformed"
        )
    ref = Referral()
    ref.patient = _patient(segs["PID"][0])
    ref.insurance = _insurance(segs)
    providers = {_comps(_field(p, 1)).get(1, "").upper(): _prd(p) for p in segs.get("PRD", [])}
    pv1 = segs.get("PV1", [None])[0]
    ref.referring_provider = providers.get("RP") or _xcn(_field(pv1, 8)) or providers.get("PP")
    ref.referred_to = (
        providers.get("RT") or providers.get("CP") or _xcn(_field(pv1, 9)) or _xcn(_field(pv1, 7))
    )
    rf1 = segs.get("RF1", [None])[0]
    when = _value(_field(rf1, 7))
    if when:
        ref.referral_date = c.hl7_date(when)
    else:  # the message time, not a stated referral date: likely but not certain
        stamp = c.hl7_date(_value(_first(segs, "MSH", 7)))
        ref.referral_date = Field(value=stamp.value, confidence=0.9, text=stamp.text) if stamp else None
    ref.urgency = c.urgency(_comps(_field(rf1, 2)).get(1)) if rf1 is not None else _admit_urgency(segs)
    ref.reason = _reason(rf1, segs)
    ref.diagnoses = [d for d in (_dg1(s) for s in segs.get("DG1", [])) if d is not None]
    ref.procedures = [p for p in (_pr1(s) for s in segs.get("PR1", [])) if p is not None]
    aut = segs.get("AUT", [None])[0]
    ref.authorization_number = c.ident(_comps(_field(aut, 6)).get(1)) if aut is not None else None
    notes_text = [t for t in (_unescape(_value(_field(n, 3))) for n in segs.get("NTE", [])) if t]
    ref.clinical_summary = c.exact(" ".join(notes_text)) if notes_text else None
    allergens = [_comps(_field(a, 3)) for a in segs.get("AL1", [])]
    ref.allergies = [f for f in (c.exact(a.get(2) or a.get(1)) for a in allergens) if f]
    c.fill_absent(ref)
    return ref, notes


def _strict_notes(segments: list[str], event: str) -> list[str]:
    """A note when the message breaks its HL7 structure (missing required fields, segment order)."""
    from hl7apy.consts import VALIDATION_LEVEL
    from hl7apy.parser import parse_message

    try:
        msg = parse_message("\r".join(segments), find_groups=True, validation_level=VALIDATION_LEVEL.STRICT)
        msg.validate()
    except Exception as exc:  # strictness is advisory: any failure is only a note
        return [
            f"HL7 v2 {event} message does not validate strictly ({type(exc).__name__}); values read tolerantly"
        ]
    return []


def _first(segs: dict[str, list[Any]], name: str, n: int) -> Any:
    found = segs.get(name)
    return _field(found[0], n) if found else None


def _field(seg: Any, n: int, rep: int = 0) -> Any:
    """Field n (1-based) of a segment, repetition rep; None when absent."""
    if seg is None:
        return None
    reps = getattr(seg, f"{seg.name.lower()}_{n}", None)
    if reps is None or len(reps) <= rep:
        return None
    return reps[rep]


def _reps(seg: Any, n: int) -> list[Any]:
    if seg is None:
        return []
    return list(getattr(seg, f"{seg.name.lower()}_{n}", None) or [])


def _value(field: Any) -> str | None:
    if field is None:
        return None
    raw = field.to_er7()
    return raw or None


def _comps(field: Any) -> dict[int, str]:
    """Components of a field by position (1-based); first subcomponent only, escapes undone."""
    if field is None:
        return {}
    raw = field.to_er7()
    out: dict[int, str] = {}
    for i, comp in enumerate(raw.split("^"), start=1):
        val = _unescape(comp.split("&")[0])
        if val:
            out[i] = val
    return out


def _unescape(s: str | None) -> str | None:
    if not s:
        return None
    for esc, ch in _ESCAPES.items():
        s = s.replace(esc, ch)
    return c.text_or_none(s)


def _xad(field: Any) -> dict[str, Any]:
    a = _comps(field)
    if not a:
        return {}
    addr = c.make_address([a.get(1, ""), a.get(2, "")], a.get(3), a.get(4), a.get(5))
    return {"address": addr} if addr else {}


def _xtn(reps: list[Any]) -> dict[str, Field | None]:
    """Phone / fax / e-mail from XTN repetitions (equipment type FX = fax, Internet/NET = e-mail)."""
    out: dict[str, Field | None] = {"phone": None, "fax": None, "email": None}
    for rep in reps:
        t = _comps(rep)
        if t.get(4) or t.get(3, "").upper() in ("INTERNET", "X.400") or t.get(2, "").upper() == "NET":
            out["email"] = out["email"] or c.exact(t.get(4) or t.get(1))
            continue
        number = (t.get(6, "") + t.get(7, "")) or t.get(12) or t.get(1)
        if number and t.get(5) and t.get(5) != "1":
            number = f"+{t[5]}{number}"
        key = "fax" if t.get(3, "").upper() == "FX" else "phone"
        if out[key] is None:
            out[key] = c.phone(number)
    return out


def _patient(pid: Any) -> Patient:
    ids = [_comps(r) for r in _reps(pid, 3)]
    mrn = next((i.get(1) for i in ids if i.get(5, "").upper() == "MR"), ids[0].get(1) if ids else None)
    name = _comps(_field(pid, 5))
    tel = _xtn(_reps(pid, 13))
    lang = _comps(_field(pid, 15))
    return Patient(
        first_name=c.exact(name.get(2)),
        middle_name=c.exact(name.get(3)),
        last_name=c.exact(name.get(1)),
        suffix=c.exact(name.get(4)),
        date_of_birth=c.hl7_date(_value(_field(pid, 7))),
        sex=c.sex(_value(_field(pid, 8))),
        phone=tel["phone"],
        email=tel["email"],
        mrn=c.ident(mrn),
        preferred_language=c.exact(lang.get(1) or lang.get(2)),
        **_xad(_field(pid, 11)),
    )


def _provider(first: str | None, last: str | None, degree: str | None, npi: str | None) -> Provider:
    return Provider(
        first_name=c.exact(first), last_name=c.exact(last), credentials=c.credentials(degree), npi=c.npi(npi)
    )


def _xcn(field: Any) -> Provider | None:
    """An XCN doctor (PV1-7/8/9): id^family^given^middle^suffix^prefix^degree^...^id type (13)."""
    x = _comps(field)
    if not x.get(2) and not x.get(1):
        return None
    npi = x.get(1) if x.get(13, "NPI").upper() == "NPI" else None
    return _provider(x.get(3), x.get(2), x.get(7), npi)


def _prd(prd: Any) -> Provider:
    name = _comps(_field(prd, 2))
    ids = [_comps(r) for r in _reps(prd, 7)]
    npi = next((i.get(1) for i in ids if i.get(2, "").upper() == "NPI"), None)
    prov = _provider(name.get(2), name.get(1), name.get(6), npi)
    loc = _comps(_field(prd, 4))
    prov.organization = c.exact(loc.get(4) or loc.get(1))
    tel = _xtn(_reps(prd, 5))
    prov.phone, prov.fax = tel["phone"], tel["fax"]
    prov.address = _xad(_field(prd, 3)).get("address")
    return prov


def _insurance(segs: dict[str, list[Any]]) -> list[Coverage]:
    """IN1 (with the IN2 that follows it) in set-id order: primary first."""
    out: list[tuple[int, Coverage]] = []
    in2s = segs.get("IN2", [])
    for i, in1 in enumerate(segs.get("IN1", [])):
        in2 = in2s[i] if i < len(in2s) else None
        member = _value(_field(in1, 36)) or _comps(_field(in1, 49)).get(1) or _comps(_field(in2, 61)).get(1)
        insured = _comps(_field(in1, 16))
        sub_name = " ".join(p for p in (insured.get(2), insured.get(3), insured.get(1)) if p) or None
        rel = _comps(_field(in1, 17)).get(1)
        set_id = _value(_field(in1, 1)) or str(i + 1)
        plan = _comps(_field(in1, 2))
        cov = Coverage(
            payer_name=c.exact(_comps(_field(in1, 4)).get(1)),
            payer_id=c.exact(_comps(_field(in1, 3)).get(1)),
            plan_name=c.exact(plan.get(2) or _value(_field(in1, 9))),
            member_id=c.ident(member),
            group_number=c.ident(_value(_field(in1, 8))),
            subscriber_name=c.exact(sub_name),
            subscriber_relationship=c.relationship(_REL_0063.get((rel or "").upper(), rel), rel),
            subscriber_date_of_birth=c.hl7_date(_value(_field(in1, 18))),
        )
        out.append((int(set_id) if set_id.isdigit() else 99 + i, cov))
    return [cv for _, cv in sorted(out, key=lambda p: p[0])]


def _dg1(dg1: Any) -> Coded | None:
    code = _comps(_field(dg1, 3))
    desc = code.get(2) or _unescape(_value(_field(dg1, 4)))
    system = (code.get(3) or "").upper()
    if code.get(1) and (system in _ICD10_SYSTEMS or not system):
        field = c.icd10(code[1])
        assert field is not None
        return Coded(code=field, description=c.exact(desc))
    if code.get(1) or desc:  # another code system (ICD-9, SNOMED): no ICD-10-CM code to give
        text = f"{system} {code.get(1, '')}".strip() or None
        return Coded(code=Field(value=None, confidence=1.0, text=text), description=c.exact(desc))
    return None


def _pr1(pr1: Any) -> Coded | None:
    code = _comps(_field(pr1, 3))
    if not code.get(1) or (code.get(3) and code.get(3, "").upper() not in _CPT_SYSTEMS):
        return None
    field = c.cpt(code[1])
    assert field is not None
    return Coded(code=field, description=c.exact(code.get(2) or _value(_field(pr1, 4))))


def _reason(rf1: Any, segs: dict[str, list[Any]]) -> Field | None:
    """RF1-10's text when it is clinical; else the referral's first note; else the first diagnosis' description."""
    stated = _comps(_field(rf1, 10))
    if stated.get(2) and stated.get(1, "").upper() not in _REASON_CATEGORIES:
        return c.exact(stated[2])
    for nte in segs.get("NTE", []):
        if text := _unescape(_value(_field(nte, 3))):
            return Field(value=text, confidence=0.9, text=text)
    pv2 = segs.get("PV2", [None])[0]
    admit = _comps(_field(pv2, 3))
    if admit.get(2) or admit.get(1):
        return c.exact(admit.get(2) or admit.get(1))
    return None


def _admit_urgency(segs: dict[str, list[Any]]) -> Field | None:
    pv2 = segs.get("PV2", [None])[0]
    pv1 = segs.get("PV1", [None])[0]
    raw = _value(_field(pv2, 25)) or _value(_field(pv1, 4))
    if raw is None:
        return None
    return c.urgency(_ADMIT_URGENCY.get(raw.upper(), raw), raw)
