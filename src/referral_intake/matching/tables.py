"""The embedded EHR's patient table (the demo's EHR), with indexed blocking-key columns for fast lookups."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from referral_intake.store.base import Base, UtcDateTime, utcnow


class EhrPatient(Base):
    """One chart. The `k_*` columns are blocking keys derived from the demographics on every write."""

    __tablename__ = "ehr_patient"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    mrn: Mapped[str | None] = mapped_column(String(64))
    first_name: Mapped[str | None] = mapped_column(String(100))
    middle_name: Mapped[str | None] = mapped_column(String(100))
    last_name: Mapped[str | None] = mapped_column(String(100))
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    sex: Mapped[str | None] = mapped_column(String(1))
    address_line1: Mapped[str | None] = mapped_column(String(200))
    address_line2: Mapped[str | None] = mapped_column(String(200))
    city: Mapped[str | None] = mapped_column(String(100))
    state: Mapped[str | None] = mapped_column(String(2))
    postal_code: Mapped[str | None] = mapped_column(String(10))
    phone: Mapped[str | None] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(200))
    ssn: Mapped[str | None] = mapped_column(String(11))
    k_birth_year: Mapped[int | None] = mapped_column(Integer)
    k_first_phon: Mapped[str | None] = mapped_column(String(8))
    k_last_phon: Mapped[str | None] = mapped_column(String(8))
    k_name: Mapped[str | None] = mapped_column(String(20))
    k_phone: Mapped[str | None] = mapped_column(String(15))
    k_mrn: Mapped[str | None] = mapped_column(String(64))
    k_email: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    # Every index ends with `id` so a lookup branch is an index-only scan (no heap visit per row) in
    # PostgreSQL once autovacuum has marked the pages visible; the same definitions work on SQLite/MySQL.
    __table_args__ = (
        Index("ix_ehr_patient_dob", "date_of_birth", "id"),
        Index("ix_ehr_patient_names", "k_last_phon", "k_first_phon", "id"),
        Index("ix_ehr_patient_last_year", "k_last_phon", "k_birth_year", "id"),
        Index("ix_ehr_patient_first_year", "k_first_phon", "k_birth_year", "id"),
        Index("ix_ehr_patient_name_key", "k_name", "id"),
        Index("ix_ehr_patient_phone", "k_phone", "id"),
        Index("ix_ehr_patient_mrn", "k_mrn", "id"),
        Index("ix_ehr_patient_email", "k_email", "id"),
    )
