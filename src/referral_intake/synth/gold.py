"""Records which values a family printed, and turns that record into a contract `Extraction` (the gold).

The gold is the truth of what is ON the page: a value a family did not print is null in the gold.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from typing import Any

from referral_intake.contract import (
    Address,
    Coded,
    Coverage,
    DocumentInfo,
    Extraction,
    Field,
    PageInfo,
    PageKind,
    Patient,
    Provider,
    Referral,
    TextSource,
)
from referral_intake.synth.formats import (
    Style,
    fmt_city_line,
    fmt_date,
    fmt_member_id,
    fmt_name,
    fmt_phone,
    name_values,
)
from referral_intake.synth.people import Addr, Case, Person
from referral_intake.synth.people import Provider as Prov


@dataclass
class Printed:
    """Dotted paths (`patient.first_name`, `insurance.0.member_id`) -> normalized value printed."""

    case: Case
    style: Style
    rng: random.Random
    values: dict[str, Any] = field(default_factory=dict)
    pages: set[int] = field(default_factory=set)
    referral: bool = True  # False: drawn for a document that holds no referral (a junk fax)

    def put(self, path: str, value: Any) -> None:
        if value is not None and value != "":
            self.values[path] = value

    # Each helper returns the text to print and records the values that text carries.
    def patient_name(self, order: str | None = None) -> str:
        p = self.case.patient
        for k, v in name_values(p, self.style).items():
            self.put(f"patient.{k}", v)
        return fmt_name(p, self.style, order)

    def person_name(self, prefix: str, p: Person | Prov, creds: bool = True) -> str:
        """A provider's name ("Jane Roe, MD"), recorded under `prefix` (e.g. `referring_provider`)."""
        self.put(f"{prefix}.first_name", p.first)
        self.put(f"{prefix}.last_name", p.last)
        s = f"{p.first} {p.last}" if self.style.name_order == "first_last" else f"{p.last}, {p.first}"
        if creds and isinstance(p, Prov):
            form = self.rng.random()
            if form < 0.15 and p.credentials.startswith(("MD", "DO")):
                return f"Dr. {p.first} {p.last}"  # the title is no credential: none recorded
            self.put(f"{prefix}.credentials", p.credentials)
            s = f"{p.first} {p.last}{',' if form < 0.8 else ''} {p.credentials}"
        return s.upper() if self.style.upper_names else s

    def date(self, path: str, d: Any) -> str:
        self.put(path, d.isoformat())
        return fmt_date(d, self.style)

    def phone(self, path: str, number: str | None) -> str:
        if not number:
            return ""
        self.put(path, number)
        return fmt_phone(number, self.style)

    def text(self, path: str, value: str) -> str:
        self.put(path, value)
        return value

    def address(self, prefix: str, a: Addr | None, with_line2: bool = True) -> tuple[str, str]:
        """Returns (street line(s), 'City, ST ZIP')."""
        if a is None:
            return "", ""
        self.put(f"{prefix}.line1", a.line1)
        street = a.line1
        if with_line2 and a.line2:
            self.put(f"{prefix}.line2", a.line2)
            street += f", {a.line2}" if self.rng.random() < 0.7 else f" {a.line2}"
        self.put(f"{prefix}.city", a.city)
        self.put(f"{prefix}.state", a.state)
        self.put(f"{prefix}.postal_code", a.zip5)
        return street, fmt_city_line(a, self.style)

    def member_id(self, i: int) -> str:
        c = self.case.coverages[i]
        self.put(f"insurance.{i}.member_id", c.member_id)
        return fmt_member_id(c.member_id, self.rng)

    def dx(self, i: int, with_desc: bool = True) -> str:
        d = self.case.diagnoses[i]
        self.put(f"diagnoses.{i}.code", d.code)
        if with_desc:
            self.put(f"diagnoses.{i}.description", d.description)
            return f"{d.code} {self.rng.choice(('-', '', '–'.replace('–', '-')))} {d.description}".replace(
                "  ", " "
            )
        return d.code

    def proc(self, i: int) -> str:
        d = self.case.procedures[i]
        self.put(f"procedures.{i}.code", d.code)
        self.put(f"procedures.{i}.description", d.description)
        return f"{d.code} {d.description}"


PATIENT_KEYS = (
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
ADDRESS_KEYS = ("line1", "line2", "city", "state", "postal_code")
COVERAGE_KEYS = (
    "payer_name",
    "payer_id",
    "plan_name",
    "member_id",
    "group_number",
    "subscriber_name",
    "subscriber_relationship",
    "subscriber_date_of_birth",
)
PROVIDER_KEYS = ("first_name", "last_name", "credentials", "npi", "organization", "specialty", "phone", "fax")
SCALARS = ("referral_date", "urgency", "reason", "authorization_number", "clinical_summary")


def _f(values: dict[str, Any], path: str) -> Field:
    return Field(value=values.get(path))


def _addr(values: dict[str, Any], prefix: str) -> Address:
    return Address(**{k: _f(values, f"{prefix}.{k}") for k in ADDRESS_KEYS})


def _prov(values: dict[str, Any], prefix: str) -> Provider:
    kw: dict[str, Any] = {k: _f(values, f"{prefix}.{k}") for k in PROVIDER_KEYS}
    return Provider(**kw, address=_addr(values, f"{prefix}.address"))


def _indices(values: dict[str, Any], prefix: str) -> list[int]:
    return sorted({int(k.split(".")[1]) for k in values if k.startswith(prefix + ".")})


def referral_gold(pr: Printed) -> Referral:
    v = pr.values
    patient = Patient(**{k: _f(v, f"patient.{k}") for k in PATIENT_KEYS}, address=_addr(v, "patient.address"))
    insurance = [
        Coverage(**{k: _f(v, f"insurance.{i}.{k}") for k in COVERAGE_KEYS}) for i in _indices(v, "insurance")
    ]
    coded: dict[str, list[Coded]] = {}
    for name in ("diagnoses", "procedures"):
        coded[name] = [
            Coded(code=_f(v, f"{name}.{i}.code"), description=_f(v, f"{name}.{i}.description"))
            for i in _indices(v, name)
        ]
    return Referral(
        pages=sorted(pr.pages),
        patient=patient,
        insurance=insurance,
        referring_provider=_prov(v, "referring_provider"),
        referred_to=_prov(v, "referred_to"),
        diagnoses=coded["diagnoses"],
        procedures=coded["procedures"],
        medications=[Field(value=v[f"medications.{i}"]) for i in _indices(v, "medications")],
        allergies=[Field(value=v[f"allergies.{i}"]) for i in _indices(v, "allergies")],
        **{k: _f(v, k) for k in SCALARS},
    )


def extraction(
    sha256: str,
    filename: str,
    media_type: str,
    kinds: list[PageKind],
    printed: list[Printed],
    text_source: TextSource,
) -> Extraction:
    # a card photocopy is an image even inside a born-digital PDF: only OCR reads it
    pages = [
        PageInfo(page=i + 1, kind=k, text_source="ocr" if k == "insurance_card" else text_source)
        for i, k in enumerate(kinds)
    ]
    return Extraction(
        document=DocumentInfo(
            sha256=sha256, filename=filename, media_type=media_type, page_count=len(kinds), pages=pages
        ),
        referrals=[referral_gold(p) for p in printed],
    )


def gold_json(ext: Extraction) -> str:
    """JSON of the gold: like `Extraction.to_json` but keeps `"value": null` (a field known to be absent)."""

    def prune(obj: Any) -> Any:
        if isinstance(obj, dict):
            return {k: prune(v) for k, v in obj.items() if v is not None or k == "value"}
        if isinstance(obj, list):
            return [prune(v) for v in obj]
        return obj

    return json.dumps(prune(ext.model_dump(mode="json")), indent=2, ensure_ascii=False)
