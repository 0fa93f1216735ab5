"""The reviewable fields of a case: dotted paths into its one referral, validation, and review flags.

Validation mirrors the contract's normalized forms (shared/contract/README.md); a value that fails is
refused with a message the reviewer can act on (never echoing the value into logs).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from referral_intake.contract import Extraction, Referral, iter_fields

# Shown even when extraction left them out, so a reviewer can fill a gap; labels are what people read.
STANDARD_PATHS: dict[str, str] = {
    "patient.first_name": "Patient first name",
    "patient.last_name": "Patient last name",
    "patient.date_of_birth": "Date of birth",
    "patient.sex": "Sex",
    "patient.phone": "Patient phone",
    "patient.address.line1": "Address",
    "patient.address.city": "City",
    "patient.address.state": "State",
    "patient.address.postal_code": "ZIP code",
    "insurance.0.payer_name": "Payer",
    "insurance.0.member_id": "Member ID",
    "insurance.0.group_number": "Group number",
    "referring_provider.last_name": "Referring provider",
    "referring_provider.npi": "Referring NPI",
    "referring_provider.fax": "Referring fax",
    "referral_date": "Referral date",
    "urgency": "Urgency",
    "reason": "Reason for referral",
    "diagnoses.0.code": "Diagnosis (ICD-10)",
}

_ID_LIKE = ("member_id", "group_number", "authorization_number", "mrn", "payer_id")
_ICD10 = re.compile(r"^[A-TV-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$")
_CPT = re.compile(r"^[0-9A-Z]{5}$")


def label_for(path: str) -> str:
    if path in STANDARD_PATHS:
        return STANDARD_PATHS[path]
    words = [p for p in path.split(".") if not p.isdigit()]
    return " ".join(w.replace("_", " ") for w in words).capitalize()


def npi_valid(npi: str) -> bool:
    """NPI check digit: Luhn over the 9 leading digits prefixed with 80840 (CMS NPI standard)."""
    if not (len(npi) == 10 and npi.isdigit()):
        return False
    digits = [int(c) for c in "80840" + npi]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


class InvalidValue(ValueError):
    """A reviewer's value that does not fit the field; the message is shown next to the input."""


def _date(raw: str, *, birth: bool, today: date) -> str:
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", raw) or None
    if m:
        y, mo, d = int(m[1]), int(m[2]), int(m[3])
    else:
        m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", raw)
        if not m:
            raise InvalidValue("Enter a date as YYYY-MM-DD or MM/DD/YYYY.")
        mo, d, y = int(m[1]), int(m[2]), int(m[3])
    try:
        value = date(y, mo, d)
    except ValueError as exc:
        raise InvalidValue("This date does not exist (check the month and day).") from exc
    if birth and value > today:
        raise InvalidValue("A date of birth cannot be in the future.")
    if birth and today.year - value.year > 125:
        raise InvalidValue("A date of birth more than 125 years ago is not plausible.")
    if not birth and not (1990 <= value.year <= today.year + 1):
        raise InvalidValue("This date is outside the plausible range.")
    return value.isoformat()


def normalize(path: str, raw: str, *, today: date | None = None) -> str | None:
    """The contract's normalized form of a reviewer's input, or InvalidValue with what to fix."""
    today = today or date.today()
    value = raw.strip()
    if value == "":
        return None
    leaf = path.rsplit(".", 1)[-1]
    if leaf.endswith("date_of_birth") or leaf.endswith("date"):
        return _date(value, birth=leaf.endswith("date_of_birth"), today=today)
    if leaf == "npi":
        digits = re.sub(r"\D", "", value)
        if len(digits) != 10:
            raise InvalidValue("An NPI has exactly 10 digits.")
        if not npi_valid(digits):
            raise InvalidValue("This NPI fails its check digit; re-read it from the page.")
        return digits
    if leaf in ("phone", "fax"):
        digits = re.sub(r"\D", "", value)
        if len(digits) == 11 and digits.startswith("1"):
            digits = digits[1:]
        if len(digits) != 10:
            raise InvalidValue("Enter a 10-digit phone number.")
        return digits
    if leaf == "sex":
        v = value.upper()[:1]
        if v not in ("F", "M", "X", "U"):
            raise InvalidValue("Sex is F, M, X or U.")
        return v
    if leaf == "state":
        if not re.fullmatch(r"[A-Za-z]{2}", value):
            raise InvalidValue("Use the two-letter state code.")
        return value.upper()
    if leaf == "postal_code":
        m = re.fullmatch(r"(\d{5})(-?\d{4})?", value)
        if not m:
            raise InvalidValue("A ZIP code has 5 digits (ZIP+4 allowed).")
        return m[1]
    if leaf == "urgency":
        v = value.lower()
        if v not in ("routine", "urgent", "stat"):
            raise InvalidValue("Urgency is routine, urgent or stat.")
        return v
    if leaf in _ID_LIKE:
        return re.sub(r"[\s-]", "", value).upper()
    if leaf == "code" and path.startswith("diagnoses."):
        v = value.upper().replace(" ", "")
        if "." not in v and len(v) > 3:
            v = v[:3] + "." + v[3:]
        if not _ICD10.fullmatch(v):
            raise InvalidValue("Not an ICD-10-CM code (letter, two digits, optional dot and up to 4 more).")
        return v
    if leaf == "code" and path.startswith("procedures."):
        v = value.upper()
        if not _CPT.fullmatch(v):
            raise InvalidValue("A CPT/HCPCS code has 5 characters.")
        return v
    if len(value) > 2000:
        raise InvalidValue("Too long: at most 2000 characters.")
    return value


def referral_of(extraction: dict[str, Any] | None) -> dict[str, Any] | None:
    """The case's one referral as plain data (a case carries exactly one)."""
    if not extraction:
        return None
    refs = extraction.get("referrals") or []
    return refs[0] if refs and isinstance(refs[0], dict) else None


def get_field(referral: dict[str, Any], path: str) -> dict[str, Any] | None:
    node: Any = referral
    for part in path.split("."):
        if isinstance(node, list) and part.isdigit():
            node = node[int(part)] if int(part) < len(node) else None
        elif isinstance(node, dict):
            node = node.get(part)
        else:
            return None
        if node is None:
            return None
    return node if isinstance(node, dict) else None


def set_field(referral: dict[str, Any], path: str, field: dict[str, Any]) -> None:
    """Write a field object at `path`, creating the containers on the way (a list grows by one at most)."""
    parts = path.split(".")
    node: Any = referral
    for i, part in enumerate(parts[:-1]):
        nxt_is_index = parts[i + 1].isdigit()
        if isinstance(node, list):
            idx = int(part)
            if idx == len(node):
                node.append([] if nxt_is_index else {})
            node = node[idx]
        else:
            if node.get(part) is None:
                node[part] = [] if nxt_is_index else {}
            node = node[part]
    last = parts[-1]
    if isinstance(node, list):
        idx = int(last)
        if idx == len(node):
            node.append(field)
        else:
            node[idx] = field
    else:
        node[last] = field


def known_path(path: str) -> bool:
    """Is `path` a field of the contract? (so a crafted request cannot write arbitrary keys)"""
    if path in STANDARD_PATHS:
        return True
    probe: dict[str, Any] = {}
    try:
        set_field(probe, re.sub(r"\.\d+", ".0", path), {"value": None})
        Referral.model_validate(probe)
    except Exception:
        return False
    return bool(re.fullmatch(r"[a-z_]+(\.([a-z_]+|\d{1,2}))*", path))


@dataclass(slots=True)
class FieldView:
    path: str
    label: str
    value: str
    confidence: float | None
    page: int | None
    bbox: list[float] | None
    low_confidence: bool
    disagree: bool
    invalid: str | None
    confirmed: bool

    @property
    def flagged(self) -> bool:
        return not self.confirmed and (self.low_confidence or self.disagree or self.invalid is not None)


def field_views(
    extraction: dict[str, Any] | None,
    reasons: list[str],
    confirmed: set[str],
    threshold: float,
) -> list[FieldView]:
    """Every field to show, flagged ones first (then in document order), so focus lands on them first."""
    ref = referral_of(extraction)
    present: dict[str, dict[str, Any]] = {}
    if ref is not None:
        try:
            model = Referral.model_validate(ref)
            for path, fld in iter_fields(model):
                present[path] = fld.model_dump()
        except Exception:
            present = {p: d for p in STANDARD_PATHS if (d := get_field(ref, p)) is not None}
    paths = list(STANDARD_PATHS) + [p for p in present if p not in STANDARD_PATHS]
    reason_text = " ".join(reasons)
    out: list[FieldView] = []
    for path in paths:
        f: dict[str, Any] = present.get(path) or {}
        raw = f.get("value")
        value = "" if raw is None else str(raw)
        conf = f.get("confidence")
        invalid = None
        if value:
            try:
                normalize(path, value)
            except InvalidValue as exc:
                invalid = str(exc)
        bbox = f.get("bbox")
        out.append(
            FieldView(
                path=path,
                label=label_for(path),
                value=value,
                confidence=conf,
                page=f.get("page"),
                bbox=bbox if isinstance(bbox, list) and len(bbox) == 4 else None,
                low_confidence=bool(f) and conf is not None and conf < threshold,
                disagree=bool(re.search(rf"(^|[\s:,]){re.escape(path)}($|[\s,;])", reason_text)),
                invalid=invalid,
                confirmed=path in confirmed,
            )
        )
    order = {p: i for i, p in enumerate(paths)}
    out.sort(key=lambda v: (not v.flagged, order[v.path]))
    return out


def validate_extraction(extraction: dict[str, Any]) -> None:
    """Raise if an edited extraction no longer fits the contract (never store a broken one)."""
    Extraction.model_validate(extraction)
