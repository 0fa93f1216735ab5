"""Pydantic models of the extraction contract (shared/contract/referral.schema.json).

Every extracted scalar is a `Field`: its normalized value, a calibrated confidence and where it came
from. The same models read gold files, which may omit everything but `value`.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict
from pydantic import Field as PydField

PageKind = Literal[
    "cover_sheet",
    "referral_form",
    "clinical_note",
    "insurance_card",
    "demographics",
    "lab_result",
    "imaging_report",
    "other",
]
PAGE_KINDS: tuple[PageKind, ...] = (
    "cover_sheet",
    "referral_form",
    "clinical_note",
    "insurance_card",
    "demographics",
    "lab_result",
    "imaging_report",
    "other",
)
TextSource = Literal["text_layer", "ocr", "structured"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class Field(_Model):
    """One extracted value with its confidence and provenance (page 1-based, bbox in PDF points)."""

    value: Any = None
    confidence: float | None = PydField(default=None, ge=0.0, le=1.0)
    page: int | None = None
    bbox: list[float] | None = PydField(default=None, min_length=4, max_length=4)
    text: str | None = None

    @classmethod
    def absent(cls, confidence: float = 0.5) -> Field:
        return cls(value=None, confidence=confidence)

    @classmethod
    def exact(cls, value: Any, text: str | None = None) -> Field:
        """A value stated by a structured message: confidence 1.0."""
        return cls(value=value, confidence=1.0, text=text)


class Address(_Model):
    line1: Field | None = None
    line2: Field | None = None
    city: Field | None = None
    state: Field | None = None
    postal_code: Field | None = None


class Patient(_Model):
    first_name: Field | None = None
    middle_name: Field | None = None
    last_name: Field | None = None
    suffix: Field | None = None
    date_of_birth: Field | None = None
    sex: Field | None = None
    address: Address | None = None
    phone: Field | None = None
    email: Field | None = None
    mrn: Field | None = None
    preferred_language: Field | None = None


class Coverage(_Model):
    payer_name: Field | None = None
    payer_id: Field | None = None
    plan_name: Field | None = None
    member_id: Field | None = None
    group_number: Field | None = None
    subscriber_name: Field | None = None
    subscriber_relationship: Field | None = None
    subscriber_date_of_birth: Field | None = None


class Provider(_Model):
    first_name: Field | None = None
    last_name: Field | None = None
    credentials: Field | None = None
    npi: Field | None = None
    organization: Field | None = None
    specialty: Field | None = None
    phone: Field | None = None
    fax: Field | None = None
    address: Address | None = None


class Coded(_Model):
    code: Field
    description: Field | None = None


class Referral(_Model):
    pages: list[int] = PydField(default_factory=list)
    patient: Patient = PydField(default_factory=Patient)
    insurance: list[Coverage] = PydField(default_factory=list)
    referring_provider: Provider | None = None
    referred_to: Provider | None = None
    referral_date: Field | None = None
    urgency: Field | None = None
    reason: Field | None = None
    diagnoses: list[Coded] = PydField(default_factory=list)
    procedures: list[Coded] = PydField(default_factory=list)
    authorization_number: Field | None = None
    clinical_summary: Field | None = None
    medications: list[Field] = PydField(default_factory=list)
    allergies: list[Field] = PydField(default_factory=list)


class PageInfo(_Model):
    page: int = PydField(ge=1)
    kind: PageKind = "other"
    text_source: TextSource | None = None
    ocr_confidence: float | None = None


class DocumentInfo(_Model):
    sha256: str = PydField(pattern=r"^[0-9a-f]{64}$")
    filename: str | None = None
    media_type: str | None = None
    page_count: int = PydField(default=0, ge=0)
    pages: list[PageInfo] = PydField(default_factory=list)


class Extraction(_Model):
    """What `referral-intake extract FILE --json` prints for one inbound document."""

    document: DocumentInfo
    referrals: list[Referral] = PydField(default_factory=list)
    errors: list[str] = PydField(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data: keys never attempted are left out, but a field's `value` is always kept."""
        pruned: dict[str, Any] = _prune(self.model_dump(mode="json"))
        return pruned

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)


def _prune(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _prune(v) for k, v in node.items() if v is not None or k == "value"}
    if isinstance(node, list):
        return [_prune(v) for v in node]
    return node


CONFLICT_NOTE = "conflict: "


def is_failure(error: str) -> bool:
    """True for a real error; False for a note that the document states one field twice, differently.

    Extractors put such conflict notes (no values, only the field path) into `errors` so that every
    consumer sees them; the reviewer resolves them, but they do not mean the document failed.
    """
    return not error.startswith(CONFLICT_NOTE)


def iter_fields(referral: Referral) -> list[tuple[str, Field]]:
    """Flatten a referral into (dotted path, field) pairs, e.g. `patient.address.city`, `insurance.0.member_id`.

    Lists of coded values yield `diagnoses.0.code`; used by scoring, review flags and confidence tables.
    """
    out: list[tuple[str, Field]] = []

    def walk(prefix: str, obj: object) -> None:
        if isinstance(obj, Field):
            out.append((prefix, obj))
        elif isinstance(obj, BaseModel):
            for name in type(obj).model_fields:
                if name == "pages":
                    continue
                walk(f"{prefix}.{name}" if prefix else name, getattr(obj, name))
        elif isinstance(obj, list):
            for i, item in enumerate(obj):
                walk(f"{prefix}.{i}", item)

    walk("", referral)
    return out
