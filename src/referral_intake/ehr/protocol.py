"""The seam between referral-intake and a practice's EHR.

A connector has a read side (candidate patients for matching, a chart by id) and a write side (export
one approved referral, idempotently), plus a health check. Several may be active at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol, runtime_checkable

from referral_intake.contract import Extraction, Referral


@dataclass(frozen=True, slots=True)
class PatientRecord:
    """A chart as the EHR holds it (the fields matching compares). `id` is the EHR's own key."""

    id: str
    first_name: str | None = None
    middle_name: str | None = None
    last_name: str | None = None
    date_of_birth: date | None = None
    sex: str | None = None  # F, M, X, U
    address_line1: str | None = None
    address_line2: str | None = None
    city: str | None = None
    state: str | None = None
    postal_code: str | None = None
    phone: str | None = None  # 10 digits
    email: str | None = None
    mrn: str | None = None
    ssn: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


# The EHR patient CSV (synth's `--ehr-out`, `ehr-load-csv`, `dedupe`): a PatientRecord per row, `id` first.
EHR_CSV_COLUMNS = (
    "id",
    "mrn",
    "first_name",
    "middle_name",
    "last_name",
    "date_of_birth",
    "sex",
    "address_line1",
    "address_line2",
    "city",
    "state",
    "postal_code",
    "phone",
    "email",
)


@dataclass(frozen=True, slots=True)
class PatientQuery:
    """What a referral tells us about the patient: the blocking keys are derived from it."""

    first_name: str | None = None
    last_name: str | None = None
    date_of_birth: date | None = None
    sex: str | None = None
    phone: str | None = None
    mrn: str | None = None
    postal_code: str | None = None
    address_line1: str | None = None
    email: str | None = None
    middle_name: str | None = None
    city: str | None = None
    state: str | None = None


@dataclass(frozen=True, slots=True)
class ExportRequest:
    """One approved referral to write. `patient_id` is set when matching linked an existing chart."""

    case_id: int
    referral: Referral
    document: Extraction
    patient_id: str | None  # None = create a new chart
    original: bytes | None = None  # the original document (attached where the EHR supports it)
    original_media_type: str | None = None


@dataclass(frozen=True, slots=True)
class ExportResult:
    patient_id: str
    referral_id: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)
    duplicate: bool = False  # the idempotency key had been seen: nothing new was written


@dataclass(frozen=True, slots=True)
class Health:
    ok: bool
    detail: str


@runtime_checkable
class EhrReader(Protocol):
    def find_candidates(self, query: PatientQuery, limit: int = 50) -> list[PatientRecord]: ...

    def read_patient(self, patient_id: str) -> PatientRecord | None: ...


@runtime_checkable
class EhrWriter(Protocol):
    name: str

    def export(self, request: ExportRequest, idempotency_key: str) -> ExportResult: ...

    def health(self) -> Health: ...


@runtime_checkable
class EhrConnector(EhrReader, EhrWriter, Protocol):
    """A connector that both reads and writes (most do; an HL7 feed may only write)."""
