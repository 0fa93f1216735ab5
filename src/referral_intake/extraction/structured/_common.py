"""Small normalizers shared by the C-CDA, HL7 v2 and FHIR parsers (message values -> contract forms).

Kept private to the structured parsers: messages carry already-typed values (HL7 TS dates, coded sex), so
these are simpler and stricter than the page normalizers in `extraction/normalize.py`.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from typing import Any

from pydantic import BaseModel

from referral_intake.contract import Address, Coverage, Field, Patient, Provider, Referral

# A stated value that fails its own check (an NPI check digit, a 7-digit phone) is still what the message
# says, but it is probably wrong at the source: send it to a person instead of auto-accepting it.
SUSPECT = 0.5

_SEX = {
    "F": "F", "FEMALE": "F", "M": "M", "MALE": "M", "O": "X", "OTHER": "X", "X": "X", "N": "X",
    "NON-BINARY": "X", "A": "X", "U": "U", "UN": "U", "UNK": "U", "UNKNOWN": "U",
}  # fmt: skip

# HL7 v3 ActPriority, HL7 v2 table 0280 (RF1-2) and FHIR request-priority words -> contract urgency.
_URGENCY = {
    "S": "stat", "STAT": "stat", "EM": "stat", "E": "stat", "EMERGENCY": "stat", "ASAP": "urgent",
    "A": "urgent", "U": "urgent", "UR": "urgent", "URGENT": "urgent", "T": "urgent", "RR": "urgent", "CS": "urgent",
    "CR": "urgent", "R": "routine", "ROUTINE": "routine", "EL": "routine", "ELECTIVE": "routine",
    "PRN": "routine", "P": "routine", "UD": "routine",
}  # fmt: skip

_RELATIONSHIP = {
    "SELF": "self", "01": "spouse", "18": "self", "SPS": "spouse", "SPOUSE": "spouse", "HUSB": "spouse",
    "WIFE": "spouse", "DOMPART": "spouse", "CHILD": "child", "CHLD": "child", "19": "child", "SON": "child",
    "DAU": "child", "DAUC": "child", "SONC": "child", "STPCHLD": "child", "PARENT": "other", "G8": "other",
    "OTHER": "other", "OTH": "other",
}  # fmt: skip


def text_or_none(value: object) -> str | None:
    if value is None:
        return None
    s = re.sub(r"\s+", " ", str(value)).strip()
    return s or None


def exact(value: object, raw: str | None = None) -> Field | None:
    """A stated string value as an exact field; None when the message leaves it empty."""
    s = text_or_none(value)
    return None if s is None else Field.exact(s, text=raw if raw is not None else s)


def hl7_date(raw: str | None) -> Field | None:
    """HL7 TS / FHIR date (`19750501`, `201309210500-0800`, `1975-05-01`) -> YYYY-MM-DD.

    A date stated only to the year or month is not a full date: kept out of `value`, shown in `text`.
    """
    s = text_or_none(raw)
    if s is None:
        return None
    digits = re.sub(r"\D", "", s.split("T")[0] if "-" in s[:10] else s)[:8]
    if len(digits) < 8:
        return Field(value=None, confidence=1.0, text=s)
    try:
        d = date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return Field(value=None, confidence=SUSPECT, text=s)
    return Field.exact(d.isoformat(), text=s)


def _mapped(raw: str | None, source: str | None, table: dict[str, str], fallback: str | None) -> Field | None:
    """A coded value mapped to the contract's word; an unknown code keeps `fallback` at SUSPECT.

    `source`: the text as the message wrote it, when `raw` is already a mapped code.
    """
    s = text_or_none(raw)
    if s is None:
        return None
    word = table.get(s.upper())
    if word:
        return Field.exact(word, text=source or s)
    return Field(value=fallback, confidence=SUSPECT, text=source or s)


def sex(raw: str | None, source: str | None = None) -> Field | None:
    return _mapped(raw, source, _SEX, "U")


def urgency(raw: str | None, source: str | None = None) -> Field | None:
    return _mapped(raw, source, _URGENCY, None)


def relationship(raw: str | None, source: str | None = None) -> Field | None:
    return _mapped(raw, source, _RELATIONSHIP, "other")


def phone(raw: str | None) -> Field | None:
    """`tel:+1(555)555-2003` -> `5555552003`; other countries -> E.164 (phonenumbers)."""
    s = text_or_none(raw)
    if s is None:
        return None
    body = re.sub(r"^(tel|fax|mailto)\s*:\s*", "", s, flags=re.IGNORECASE).strip()
    digits = re.sub(r"\D", "", body)
    if body.startswith("+") and not body.startswith("+1"):
        import phonenumbers

        try:
            num = phonenumbers.parse(body, None)
        except phonenumbers.NumberParseException:
            return Field(value=None, confidence=SUSPECT, text=s)
        e164 = phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)
        ok = phonenumbers.is_possible_number(num)
        return Field.exact(e164, text=s) if ok else Field(value=e164, confidence=SUSPECT, text=s)
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) == 10 and digits[0] not in "01":
        return Field.exact(digits, text=s)
    return Field(value=digits or None, confidence=SUSPECT, text=s)


def npi(raw: str | None) -> Field | None:
    """An NPI as stated; a failing Luhn check digit (with the 80840 prefix) sends it to review."""
    s = text_or_none(raw)
    if s is None:
        return None
    digits = re.sub(r"\D", "", s)
    if len(digits) == 10 and npi_valid(digits):
        return Field.exact(digits, text=s)
    return Field(value=digits or None, confidence=SUSPECT, text=s)


def npi_valid(digits: str) -> bool:
    if not re.fullmatch(r"\d{10}", digits):
        return False
    total = 0
    for i, ch in enumerate(reversed("80840" + digits)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            d = d - 9 if d > 9 else d
        total += d
    return total % 10 == 0


def ident(raw: str | None) -> Field | None:
    """member_id / group_number / authorization_number / mrn: upper case, spaces and dashes removed."""
    s = text_or_none(raw)
    if s is None:
        return None
    return Field.exact(re.sub(r"[\s-]", "", s).upper(), text=s)


def state(raw: str | None) -> Field | None:
    s = text_or_none(raw)
    if s is None:
        return None
    return (
        Field.exact(s.upper(), text=s)
        if re.fullmatch(r"[A-Za-z]{2}", s)
        else Field(value=s, confidence=SUSPECT, text=s)
    )


def postal_code(raw: str | None) -> Field | None:
    s = text_or_none(raw)
    if s is None:
        return None
    m = re.fullmatch(r"(\d{5})(?:-?\d{4})?", s)
    return Field.exact(m.group(1), text=s) if m else Field(value=s, confidence=SUSPECT, text=s)


def credentials(raw: str | None) -> Field | None:
    """`M.D.` -> `MD`; several are joined with a comma (`MD, PHD`)."""
    s = text_or_none(raw)
    if s is None:
        return None
    parts = [p.replace(".", "").strip().upper() for p in re.split(r"[,;/]", s)]
    return Field.exact(", ".join(p for p in parts if p), text=s)


def icd10(raw: str | None) -> Field | None:
    """An ICD-10-CM code with its dot (`E119` -> `E11.9`), checked against the code set."""
    s = text_or_none(raw)
    if s is None:
        return None
    code = s.upper().replace(" ", "")
    if "." not in code and len(code) > 3:
        code = f"{code[:3]}.{code[3:]}"
    ok = code.replace(".", "") in icd10_codes()
    return Field.exact(code, text=s) if ok else Field(value=code, confidence=SUSPECT, text=s)


@lru_cache(maxsize=1)
def icd10_codes() -> frozenset[str]:
    """Every ICD-10-CM code (categories and leaves, no dots) from the list simple-icd-10-cm ships.

    Importing simple_icd_10_cm builds its whole tree from a 10 MB XML file (4-10 s here); its flat code
    list gives the same validity answer in milliseconds, so that file is read directly when present.
    """
    from importlib.util import find_spec
    from pathlib import Path

    # find_spec locates the package without running its __init__ (which builds the slow tree).
    spec = find_spec("simple_icd_10_cm")
    dirs = list(spec.submodule_search_locations or []) if spec else []
    lists = sorted((p for d in dirs for p in (Path(d) / "data").glob("code-list*.txt")), key=lambda p: p.name)
    if lists:
        text = lists[-1].read_text(encoding="utf-8")
        return frozenset(line.split(" ")[0].replace(".", "") for line in text.splitlines() if line.strip())
    import simple_icd_10_cm

    return frozenset(c.replace(".", "") for c in simple_icd_10_cm.get_all_codes(with_dots=False))


def cpt(raw: str | None) -> Field | None:
    s = text_or_none(raw)
    if s is None:
        return None
    code = s.upper()
    ok = re.fullmatch(r"\d{4}[0-9FTU]|[A-V]\d{4}", code) is not None
    return Field.exact(code, text=s) if ok else Field(value=code, confidence=SUSPECT, text=s)


def make_address(lines: list[str], city: str | None, st: str | None, zip_code: str | None) -> Address | None:
    clean = [x for x in (text_or_none(v) for v in lines) if x]
    addr = Address(
        line1=exact(clean[0]) if clean else None,
        line2=exact(", ".join(clean[1:])) if len(clean) > 1 else None,
        city=exact(city),
        state=state(st),
        postal_code=postal_code(zip_code),
    )
    return addr if any(getattr(addr, k) for k in type(addr).model_fields) else None


def split_name_text(raw: str | None) -> dict[str, Field | None]:
    """A name given only as text (`Dr. Ann M. Carter MD`): split with nameparser, so not exact (0.9)."""
    s = text_or_none(raw)
    if s is None:
        return {}
    from nameparser import HumanName

    hn = HumanName(s)

    def f(v: str) -> Field | None:
        return Field(value=v, confidence=0.9, text=s) if v else None

    return {
        "first_name": f(hn.first),
        "middle_name": f(hn.middle),
        "last_name": f(hn.last),
        "suffix": f(hn.suffix),
    }


def fill_absent(model: BaseModel) -> None:
    """Mark every scalar a structured parser looked for but the message lacks as surely absent.

    A structured message either states a value or it does not, so absence is certain (confidence 1.0).
    """
    for name in type(model).model_fields:
        current: Any = getattr(model, name)
        if current is None and name in _SCALARS.get(type(model), ()):
            setattr(model, name, Field(value=None, confidence=1.0))
        elif isinstance(current, BaseModel) and not isinstance(current, Field):
            fill_absent(current)
        elif isinstance(current, list):
            for item in current:
                if isinstance(item, BaseModel) and not isinstance(item, Field):
                    fill_absent(item)


_SCALARS: dict[type, tuple[str, ...]] = {
    Patient: ("first_name", "middle_name", "last_name", "suffix", "date_of_birth", "sex", "phone", "mrn"),
    Coverage: ("payer_name", "member_id", "group_number"),
    Provider: ("first_name", "last_name", "npi"),
    Referral: ("referral_date", "urgency", "reason", "authorization_number"),
}
