"""The embedded EHR of the demo and tests: an `EhrReader` over the `ehr_patient` table, plus chart writes.

A lookup is one SQL statement: a UNION ALL of small index lookups, one per blocking key (DOB and its
day/month transposition, phonetic surname + first name, phonetic surname + birth year, phonetic first name +
birth year, name prefix + birth year, phone, MRN, e-mail), ranked by how many keys each chart shares.
One typo therefore cannot hide a chart, and every branch is an index range scan even at a million rows.
"""

from __future__ import annotations

import csv
import hashlib
import time
import uuid
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import Date, Engine, Integer, Select, String, bindparam, func, insert, select, union_all

from referral_intake.contract import Referral
from referral_intake.ehr.protocol import EHR_CSV_COLUMNS as CSV_COLUMNS
from referral_intake.ehr.protocol import ExportRequest, ExportResult, Health, PatientQuery, PatientRecord
from referral_intake.errors import ConfigurationError
from referral_intake.matching.normalize import (
    blocking_keys,
    norm_id,
    norm_phone,
    parse_date,
    person_from_query,
    person_from_record,
    query_from_referral,
    swapped_dob,
)
from referral_intake.matching.tables import EhrPatient

BRANCH_LIMIT = 200  # rows one blocking key may contribute; a common name + year stays bounded
_DATA_COLUMNS = (*CSV_COLUMNS[1:], "ssn")
_COUNT_TTL_SECONDS = 3600.0


def row_values(record: PatientRecord) -> dict[str, Any]:
    """The table row of a chart: its demographics plus the derived blocking-key columns."""
    k = blocking_keys(person_from_record(record))
    values: dict[str, Any] = {c: getattr(record, c) for c in _DATA_COLUMNS}
    values["id"] = record.id
    values["sex"] = (record.sex or "").strip().upper()[:1] or None
    values["state"] = (record.state or "").strip().upper()[:2] or None
    values["phone"] = norm_phone(record.phone) or None
    values["mrn"] = norm_id(record.mrn) or None
    values.update(
        k_birth_year=k.birth_year,
        k_first_phon=k.first_phon or None,
        k_last_phon=k.last_phon or None,
        k_name=k.name_key or None,
        k_phone=k.phone or None,
        k_mrn=k.mrn or None,
        k_email=k.email or None,
    )
    return values


def _record(row: EhrPatient) -> PatientRecord:
    return PatientRecord(id=row.id, **{c: getattr(row, c) for c in _DATA_COLUMNS})


def record_from_csv_row(row: dict[str, str]) -> PatientRecord:
    def v(name: str) -> str | None:
        value = (row.get(name) or "").strip()
        return value or None

    return PatientRecord(
        id=v("id") or new_patient_id(),
        mrn=v("mrn"),
        first_name=v("first_name"),
        middle_name=v("middle_name"),
        last_name=v("last_name"),
        date_of_birth=parse_date(v("date_of_birth")),
        sex=v("sex"),
        address_line1=v("address_line1"),
        address_line2=v("address_line2"),
        city=v("city"),
        state=v("state"),
        postal_code=v("postal_code"),
        phone=v("phone"),
        email=v("email"),
        ssn=v("ssn"),
    )


def record_from_referral(referral: Referral, patient_id: str = "") -> PatientRecord:
    """A new chart from an approved referral's patient (what the embedded EHR's export writes)."""
    q = query_from_referral(referral)
    line2 = referral.patient.address.line2 if referral.patient.address else None
    return PatientRecord(
        id=patient_id,
        mrn=None,
        first_name=q.first_name,
        middle_name=q.middle_name,
        last_name=q.last_name,
        date_of_birth=q.date_of_birth,
        sex=q.sex,
        address_line1=q.address_line1,
        address_line2=str(line2.value) if line2 is not None and line2.value else None,
        city=q.city,
        state=q.state,
        postal_code=q.postal_code,
        phone=q.phone,
        email=q.email,
    )


def read_ehr_csv(path: Path) -> list[PatientRecord]:
    """Charts from the EHR CSV format (columns: CSV_COLUMNS; extra columns ignored)."""
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        if reader.fieldnames is None or "id" not in reader.fieldnames:
            raise ConfigurationError(f"{path.name}: an EHR CSV needs the columns {', '.join(CSV_COLUMNS)}")
        return [record_from_csv_row(r) for r in reader]


def new_patient_id() -> str:
    return "P" + uuid.uuid4().hex[:15].upper()


# The lookup's branches: name -> condition on bound parameters. A query uses the branches it has keys for.
_BRANCHES: dict[str, Any] = {}


def _branch_conditions() -> dict[str, Any]:
    if not _BRANCHES:
        c = EhrPatient.__table__.c
        _BRANCHES.update(
            dob=c.date_of_birth.in_([bindparam("dob", type_=Date()), bindparam("dob_swapped", type_=Date())]),
            names=(c.k_last_phon == bindparam("last_phon", type_=String()))
            & (c.k_first_phon == bindparam("first_phon", type_=String())),
            last_year=(c.k_last_phon == bindparam("last_phon", type_=String()))
            & (c.k_birth_year == bindparam("birth_year", type_=Integer())),
            first_year=(c.k_first_phon == bindparam("first_phon", type_=String()))
            & (c.k_birth_year == bindparam("birth_year", type_=Integer())),
            name_key=c.k_name == bindparam("name_key", type_=String()),
            phone=c.k_phone == bindparam("phone", type_=String()),
            mrn=c.k_mrn == bindparam("mrn", type_=String()),
            email=c.k_email == bindparam("email", type_=String()),
        )
    return _BRANCHES


def _branch_params(query: PatientQuery) -> tuple[tuple[str, ...], dict[str, Any]]:
    """Which branches a query can use, and their parameter values."""
    k = blocking_keys(person_from_query(query))
    shape: list[str] = []
    params: dict[str, Any] = {}
    if k.dob is not None:
        shape.append("dob")
        params.update(dob=k.dob, dob_swapped=swapped_dob(k.dob) or k.dob)
    if k.last_phon and k.first_phon:
        shape.append("names")
    if k.last_phon and k.birth_year:
        shape.append("last_year")
    if k.first_phon and k.birth_year:
        shape.append("first_year")
    params.update(last_phon=k.last_phon, first_phon=k.first_phon, birth_year=k.birth_year)
    for name, value in (("name_key", k.name_key), ("phone", k.phone), ("mrn", k.mrn), ("email", k.email)):
        if value:
            shape.append(name)
            params[name] = value
    return tuple(shape), params


@lru_cache(maxsize=256)
def _statement(shape: tuple[str, ...]) -> Select[Any]:
    """One statement per branch combination, built once: each lookup only binds values (no SQL building)."""
    t = EhrPatient.__table__
    conds = _branch_conditions()
    branches = [
        select(t.c.id.label("pid")).where(conds[name]).limit(BRANCH_LIMIT).subquery() for name in shape
    ]
    hits = union_all(*(select(b.c.pid) for b in branches)).subquery()
    ranked = (
        select(hits.c.pid, func.count().label("n"))
        .group_by(hits.c.pid)
        .order_by(func.count().desc(), hits.c.pid)
        .limit(bindparam("limit", type_=Integer()))
        .subquery()
    )
    return select(t).join(ranked, t.c.id == ranked.c.pid).order_by(ranked.c.n.desc(), t.c.id)


class EmbeddedEhr:
    """`EhrConnector` (read side, chart writes, the demo's export) over `ehr_patient` in the product's database."""

    name = "embedded"

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._count: tuple[float, int] | None = None

    # -- read side (EhrReader) -------------------------------------------------------------------------
    def find_candidates(self, query: PatientQuery, limit: int = 50) -> list[PatientRecord]:
        shape, params = _branch_params(query)
        if not shape:
            return []
        stmt = _statement(shape)
        with self.engine.connect() as conn:
            rows = conn.execute(stmt, {**params, "limit": limit}).mappings().all()
        return [PatientRecord(id=r["id"], **{c: r[c] for c in _DATA_COLUMNS}) for r in rows]

    def candidate_statement(self, query: PatientQuery, limit: int = 50) -> Select[Any] | None:
        """The one SELECT of a lookup with its values bound (None when the query has no usable key)."""
        shape, params = _branch_params(query)
        if not shape:
            return None
        return _statement(shape).params(**params, limit=limit)

    def read_patient(self, patient_id: str) -> PatientRecord | None:
        from sqlalchemy.orm import Session

        with Session(self.engine) as session:
            row = session.get(EhrPatient, patient_id)
            return None if row is None else _record(row)

    def patient_count(self) -> int:
        """Charts in the table (cached for an hour: it sets the prior of a lookup, not a precise figure)."""
        now = time.monotonic()
        if self._count is None or now - self._count[0] > _COUNT_TTL_SECONDS:
            with self.engine.connect() as conn:
                n = conn.execute(select(func.count()).select_from(EhrPatient.__table__)).scalar_one()
            self._count = (now, int(n))
        return self._count[1]

    def iter_patients(self, batch: int = 10_000) -> Iterator[PatientRecord]:
        """Every chart, in id order (for dedupe and training)."""
        from sqlalchemy.orm import Session

        with Session(self.engine) as session:
            for row in session.scalars(
                select(EhrPatient).order_by(EhrPatient.id).execution_options(yield_per=batch)
            ):
                yield _record(row)

    # -- write side ------------------------------------------------------------------------------------
    def save_patient(self, record: PatientRecord) -> str:
        """Create the chart (a new id when `record.id` is empty) or update it in place. Returns the id."""
        from sqlalchemy.orm import Session

        from referral_intake.store.base import utcnow

        if not record.id:
            from dataclasses import replace

            record = replace(record, id=new_patient_id())
        values = row_values(record)
        with Session(self.engine) as session, session.begin():
            row = session.get(EhrPatient, record.id)
            if row is None:
                session.add(EhrPatient(**values))
            else:
                for key, value in values.items():
                    setattr(row, key, value)
                row.updated_at = utcnow()
        self._count = None
        return record.id

    def bulk_load(self, records: Iterable[PatientRecord], batch: int = 5000) -> int:
        """Insert many new charts fast: COPY on PostgreSQL, batched INSERTs elsewhere."""
        from referral_intake.store.base import utcnow

        now = utcnow()
        n = 0
        if self.engine.dialect.name == "postgresql":
            columns = [*row_values(PatientRecord(id="x")).keys(), "created_at", "updated_at"]
            raw = self.engine.raw_connection()
            try:
                cur = raw.cursor()
                with cur.copy(f"COPY ehr_patient ({', '.join(columns)}) FROM STDIN") as copy:
                    for record in records:
                        values = row_values(record)
                        copy.write_row([*values.values(), now, now])
                        n += 1
                raw.commit()
            finally:
                raw.close()
        else:
            chunk: list[dict[str, Any]] = []
            with self.engine.begin() as conn:
                for record in records:
                    chunk.append({**row_values(record), "created_at": now, "updated_at": now})
                    if len(chunk) >= batch:
                        conn.execute(insert(EhrPatient), chunk)
                        n += len(chunk)
                        chunk = []
                if chunk:
                    conn.execute(insert(EhrPatient), chunk)
                    n += len(chunk)
        self._count = None
        return n

    # -- EhrWriter: the demo's export -----------------------------------------------------------------
    def export(self, request: ExportRequest, idempotency_key: str) -> ExportResult:
        """Create the chart of a new patient (id derived from the idempotency key, so a retried export finds
        the chart it already wrote) or confirm the linked chart. A linked chart is never overwritten: the
        EHR stays the source of truth for demographics."""
        if request.patient_id is not None:
            if self.read_patient(request.patient_id) is None:
                raise ConfigurationError(
                    "export names a chart the embedded EHR does not have; re-run matching"
                )
            return ExportResult(patient_id=request.patient_id, detail={"created": False})
        pid = "P" + hashlib.sha256(idempotency_key.encode()).hexdigest()[:15].upper()
        if self.read_patient(pid) is not None:
            return ExportResult(patient_id=pid, detail={"created": False}, duplicate=True)
        self.save_patient(record_from_referral(request.referral, pid))
        return ExportResult(patient_id=pid, detail={"created": True})

    def health(self) -> Health:
        try:
            self.patient_count()
        except Exception as exc:  # reported, not raised: health is a probe
            return Health(ok=False, detail=f"embedded EHR unavailable: {type(exc).__name__}")
        return Health(ok=True, detail="embedded EHR")

    def load_csv(self, path: Path) -> int:
        """Load an EHR CSV export (new charts only; existing ids are updated one by one)."""
        records = read_ehr_csv(path)
        from sqlalchemy.orm import Session

        ids = [r.id for r in records]
        existing: set[str] = set()
        with Session(self.engine) as session:
            for start in range(0, len(ids), 5000):  # bounded IN lists (SQLite caps bound parameters)
                chunk = ids[start : start + 5000]
                existing.update(session.scalars(select(EhrPatient.id).where(EhrPatient.id.in_(chunk))))
        fresh = [r for r in records if r.id not in existing]
        for r in records:
            if r.id in existing:
                self.save_patient(r)
        return self.bulk_load(fresh) + len(existing)
