"""Printed forms of values (dates, phones, names) and the gold recorder.

The recorder is the one place that decides what a gold file holds: a renderer calls `put` for exactly the
values it prints, in the contract's normalized form, so a field that is not printed stays null.
"""

from __future__ import annotations

import random
from datetime import date
from typing import Any

from fresh_data import Address, Patient, Provider

DATE_STYLES = ("mdy", "mdy", "mdy", "mdy_nopad", "mdy_dash", "mon_d_y", "month_d_y", "d_mon_y", "iso")
PHONE_STYLES = ("paren", "paren", "dash", "dash", "dot", "space", "one_dash", "plus_paren")
_MON = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTH = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def fmt_date(d: date, style: str) -> str:
    if style == "mdy":
        return f"{d.month:02d}/{d.day:02d}/{d.year}"
    if style == "mdy_nopad":
        return f"{d.month}/{d.day}/{d.year}"
    if style == "mdy_dash":
        return f"{d.month:02d}-{d.day:02d}-{d.year}"
    if style == "mdy2":
        return f"{d.month:02d}/{d.day:02d}/{d.year % 100:02d}"
    if style == "mon_d_y":
        return f"{_MON[d.month - 1]} {d.day}, {d.year}"
    if style == "month_d_y":
        return f"{_MONTH[d.month - 1]} {d.day}, {d.year}"
    if style == "d_mon_y":
        return f"{d.day:02d}-{_MON[d.month - 1]}-{d.year}"
    if style == "iso":
        return d.isoformat()
    raise ValueError(style)


def fmt_phone(p: str, style: str) -> str:
    a, b, c = p[:3], p[3:6], p[6:]
    return {
        "paren": f"({a}) {b}-{c}",
        "dash": f"{a}-{b}-{c}",
        "dot": f"{a}.{b}.{c}",
        "space": f"{a} {b} {c}",
        "one_dash": f"1-{a}-{b}-{c}",
        "plus_paren": f"+1 ({a}) {b}-{c}",
    }[style]


def middle_shown(middle: str | None, initial: bool, dot: bool = True) -> str:
    if not middle:
        return ""
    if initial or len(middle) == 1:
        return middle[0] + ("." if dot else "")
    return middle


def middle_gold(middle: str | None, initial: bool) -> str | None:
    """A middle initial is scored without its period (names carry no punctuation but particles/hyphens)."""
    if not middle:
        return None
    return middle[0] if initial or len(middle) == 1 else middle


SEX_WORDS = {
    "F": ("F", "Female", "female"),
    "M": ("M", "Male", "male"),
    "X": ("X", "Nonbinary", "Non-binary"),
    "U": ("U", "Unknown", "Unknown"),
}


class Style:
    """Per-document choices of how values are printed."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.date = rng.choice(DATE_STYLES)
        self.phone = rng.choice(PHONE_STYLES)
        self.initial = rng.random() < 0.5
        self.dot = rng.random() < 0.6

    def d(self, value: date, style: str | None = None) -> str:
        return fmt_date(value, style or self.date)

    def p(self, value: str, style: str | None = None) -> str:
        return fmt_phone(value, style or self.phone)


class Gold:
    """Records the normalized values a document prints; builds the gold Extraction dict."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}
        self.coverages: list[dict[str, Any]] = []
        self.dx: list[tuple[str, str | None]] = []
        self.procs: list[tuple[str, str | None]] = []
        self.meds: list[str] = []
        self.allergies: list[str] = []

    def put(self, path: str, value: Any) -> None:
        if value is None or value == "":
            return
        self.values[path] = value

    def put_date(self, path: str, value: date) -> None:
        self.put(path, value.isoformat())

    def coverage(self, index: int, key: str, value: Any) -> None:
        while len(self.coverages) <= index:
            self.coverages.append({})
        if value not in (None, ""):
            self.coverages[index][key] = value

    def ids(self, path: str, raw: str) -> None:
        self.put(path, raw.upper().replace(" ", "").replace("-", ""))

    def address(self, prefix: str, a: Address, line2: bool = True, zip4: bool = False) -> None:
        self.put(f"{prefix}.line1", a.line1)
        if line2:
            self.put(f"{prefix}.line2", a.line2)
        self.put(f"{prefix}.city", a.city)
        self.put(f"{prefix}.state", a.state)
        self.put(f"{prefix}.postal_code", a.zip5)

    def patient_name(self, p: Patient, middle: bool, initial: bool, suffix: bool) -> None:
        self.put("patient.first_name", p.first)
        self.put("patient.last_name", p.last)
        if middle:
            self.put("patient.middle_name", middle_gold(p.middle, initial))
        if suffix:
            self.put("patient.suffix", p.suffix)

    def provider(
        self,
        role: str,
        pr: Provider,
        *,
        name: bool = True,
        cred: bool = False,
        npi: bool = False,
        org: bool = False,
        specialty: bool = False,
        phone: bool = False,
        fax: bool = False,
        address: bool = False,
    ) -> None:
        if name:
            self.put(f"{role}.first_name", pr.first)
            self.put(f"{role}.last_name", pr.last)
        if cred:
            self.put(f"{role}.credentials", pr.cred)
        if npi:
            self.put(f"{role}.npi", pr.npi)
        if org:
            self.put(f"{role}.organization", pr.org)
        if specialty:
            self.put(f"{role}.specialty", pr.specialty)
        if phone:
            self.put(f"{role}.phone", pr.phone)
        if fax:
            self.put(f"{role}.fax", pr.fax)
        if address:
            self.address(f"{role}.address", pr.address)

    def to_dict(self, sha256: str, filename: str, media_type: str, kinds: list[str]) -> dict[str, Any]:
        def field(path: str) -> dict[str, Any]:
            return {"value": self.values.get(path)}

        def address(prefix: str) -> dict[str, Any]:
            return {k: field(f"{prefix}.{k}") for k in ("line1", "line2", "city", "state", "postal_code")}

        patient: dict[str, Any] = {
            k: field(f"patient.{k}")
            for k in (
                "first_name",
                "middle_name",
                "last_name",
                "suffix",
                "date_of_birth",
                "sex",
                "phone",
                "email",
                "mrn",
                "preferred_language",
            )
        }
        patient["address"] = address("patient.address")

        def provider(role: str) -> dict[str, Any]:
            out = {
                k: field(f"{role}.{k}")
                for k in (
                    "first_name",
                    "last_name",
                    "credentials",
                    "npi",
                    "organization",
                    "specialty",
                    "phone",
                    "fax",
                )
            }
            out["address"] = address(f"{role}.address")
            return out

        coverage_keys = (
            "payer_name",
            "payer_id",
            "plan_name",
            "member_id",
            "group_number",
            "subscriber_name",
            "subscriber_relationship",
            "subscriber_date_of_birth",
        )
        referral: dict[str, Any] = {
            "pages": list(range(1, len(kinds) + 1)),
            "patient": patient,
            "insurance": [{k: {"value": c.get(k)} for k in coverage_keys} for c in self.coverages if c],
            "referring_provider": provider("referring_provider"),
            "referred_to": provider("referred_to"),
            "diagnoses": [{"code": {"value": c}, "description": {"value": d}} for c, d in _unique(self.dx)],
            "procedures": [
                {"code": {"value": c}, "description": {"value": d}} for c, d in _unique(self.procs)
            ],
            "medications": [{"value": m} for m in dict.fromkeys(self.meds)],
            "allergies": [{"value": a} for a in dict.fromkeys(self.allergies)],
        }
        for k in ("referral_date", "urgency", "reason", "authorization_number", "clinical_summary"):
            referral[k] = field(k)
        return {
            "document": {
                "sha256": sha256,
                "filename": filename,
                "media_type": media_type,
                "page_count": len(kinds),
                "pages": [{"page": i + 1, "kind": k} for i, k in enumerate(kinds)],
            },
            "referrals": [referral],
        }


def _unique(items: list[tuple[str, str | None]]) -> list[tuple[str, str | None]]:
    seen: dict[str, str | None] = {}
    for code, desc in items:
        seen.setdefault(code, desc)
    return list(seen.items())
