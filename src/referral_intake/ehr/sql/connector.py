"""EHR connector for an EHR's own database, driven entirely by a declared mapping (ehr/sql/mapping.py).

Exactly once: the idempotency key is inserted into an EHR-side table *first*, in the same database
transaction as the patient, coverage, referral and document rows. A retry after a crash either finds the
committed key (nothing is written again) or finds nothing because the whole transaction rolled back.
A concurrent second writer blocks on the key's primary index and then sees the first one's row.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import jellyfish
import structlog
from sqlalchemy import BigInteger, Column, DateTime, Engine, MetaData, String, Table, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, OperationalError, ProgrammingError

from referral_intake.ehr.protocol import ExportRequest, ExportResult, Health, PatientQuery, PatientRecord
from referral_intake.ehr.sql import mapping as mapping_mod
from referral_intake.ehr.sql.mapping import Mapping, Statement
from referral_intake.ehr.values import coverage_params, dashed_phone, digits, referral_params
from referral_intake.errors import EhrRejected, EhrUnavailable
from referral_intake.store.engine import make_engine

log = structlog.get_logger(__name__)

_RECORD_FIELDS = set(PatientRecord.__slots__) - {"extra"}


def idempotency_table(name: str) -> Table:
    return Table(
        name,
        MetaData(),
        Column("idempotency_key", String(200), primary_key=True),
        Column("case_id", BigInteger, nullable=False),
        Column("patient_id", String(100)),
        Column("referral_id", String(100)),
        Column("created_at", DateTime, nullable=False),
    )


class SqlConnector:
    """Reads candidates and writes referrals through SQL statements named in a mapping file."""

    def __init__(
        self,
        name: str,
        url: str,
        mapping: str | Mapping,
        read_url: str | None = None,
        engine_options: dict[str, Any] | None = None,
    ) -> None:
        self.name = name
        # hide_parameters: SQLAlchemy's exception text would otherwise quote bound values (PHI).
        opts: dict[str, Any] = {"hide_parameters": True}
        if not url.startswith("sqlite"):
            opts.update(pool_size=2, max_overflow=2)
        opts.update(engine_options or {})
        self.engine: Engine = make_engine(url, **opts)
        self.read_engine: Engine = make_engine(read_url, **opts) if read_url else self.engine
        raw = mapping_mod.load(mapping) if isinstance(mapping, str) else mapping
        self.idem = idempotency_table(raw.idempotency_table)
        try:
            if raw.create_idempotency_table:
                self.idem.create(self.engine, checkfirst=True)
            extra = {self.idem.name: {c.name for c in self.idem.columns}}
            self.mapping = mapping_mod.validate(raw, self.engine, extra_tables=extra)
        except OperationalError as exc:
            raise EhrUnavailable(f"EHR database of connector {name!r} is unreachable ({_code(exc)})") from exc

    # -- read side -------------------------------------------------------------------------------------

    def find_candidates(self, query: PatientQuery, limit: int = 50) -> list[PatientRecord]:
        params = query_params(query)
        params["limit"] = limit
        seen: dict[str, PatientRecord] = {}
        with self._read() as conn:
            for lookup in self.mapping.lookups:
                st = lookup.statement
                if any(params.get(n) in (None, "") for n in st.needs):
                    continue
                for row in self._query(conn, st, params):
                    rec = self._record(row)
                    seen.setdefault(rec.id, rec)
                    if len(seen) >= limit:
                        return list(seen.values())
        return list(seen.values())

    def read_patient(self, patient_id: str) -> PatientRecord | None:
        if self.mapping.by_id is None:
            return None
        with self._read() as conn:
            rows = self._query(conn, self.mapping.by_id, {"patient_id": patient_id})
        return self._record(rows[0]) if rows else None

    def _read(self) -> Connection:
        try:
            return self.read_engine.connect()
        except OperationalError as exc:
            raise EhrUnavailable(
                f"EHR database of connector {self.name!r} is unreachable ({_code(exc)})"
            ) from exc

    def _query(self, conn: Connection, st: Statement, params: dict[str, Any]) -> list[dict[str, Any]]:
        try:
            return [dict(r) for r in conn.execute(text(st.rendered), params).mappings()]
        except OperationalError as exc:
            raise EhrUnavailable(
                f"EHR database of connector {self.name!r} failed at {st.where} ({_code(exc)})"
            ) from exc
        except DBAPIError as exc:
            # The driver's message can quote the values (PHI): keep only the error class and code.
            raise EhrRejected(
                f"EHR database of connector {self.name!r} refused {st.where} of mapping {self.mapping.name} "
                f"({_code(exc)})"
            ) from exc

    def _record(self, row: dict[str, Any]) -> PatientRecord:
        reverse = {k: {str(v): c for c, v in table.items()} for k, table in self.mapping.translate.items()}
        values: dict[str, Any] = {}
        extra: dict[str, Any] = {}
        for key, val in row.items():
            if key in reverse and val is not None:
                val = reverse[key].get(str(val), val)
            (values if key in _RECORD_FIELDS else extra)[key] = val
        values["id"] = str(values["id"])
        dob = values.get("date_of_birth")
        if isinstance(dob, datetime):
            values["date_of_birth"] = dob.date()
        elif isinstance(dob, str):
            values["date_of_birth"] = date.fromisoformat(dob[:10])
        if values.get("phone") is not None:
            values["phone"] = digits(values["phone"])
        for key, val in values.items():
            if isinstance(val, str) and key != "id":
                values[key] = val.strip() or None
        return PatientRecord(**values, extra=extra)

    # -- write side ------------------------------------------------------------------------------------

    def export(self, request: ExportRequest, idempotency_key: str) -> ExportResult:
        params = self._translate(referral_params(request, idempotency_key))
        now = datetime.now(UTC).replace(tzinfo=None)
        params["now"] = now
        params["today"] = now.date()
        for statements in self.mapping.export.values():
            for st in statements:
                if st.bind:
                    params.setdefault(st.bind, None)
        try:
            with self.engine.begin() as conn:
                try:
                    # Claim the key first: a concurrent writer of the same key waits here, then fails.
                    with conn.begin_nested():
                        conn.execute(
                            self.idem.insert().values(
                                idempotency_key=idempotency_key, case_id=request.case_id, created_at=now
                            )
                        )
                except IntegrityError:
                    return self._already_done(conn, idempotency_key)
                steps = "update_patient" if request.patient_id else "create_patient"
                self._run(conn, self.mapping.export[steps], params)
                if not params.get("patient_id"):
                    raise EhrRejected(
                        f"mapping {self.mapping.name}: export.{steps} did not bind patient_id", permanent=True
                    )
                for rank, cov in enumerate(request.referral.insurance, start=1):
                    cov_params = {**params, **self._translate(coverage_params(cov, rank))}
                    self._run(conn, self.mapping.export["coverage"], cov_params)
                    if rank == 1:  # ids bound by the primary coverage's statements (e.g. insurance_id)
                        for st in self.mapping.export["coverage"]:
                            if st.bind and params.get(st.bind) is None:
                                params[st.bind] = cov_params.get(st.bind)
                self._run(conn, self.mapping.export["referral"], params)
                if request.original is not None:
                    self._run(conn, self.mapping.export["document"], params)
                patient_id = str(params["patient_id"])
                referral_id = None if params.get("referral_id") is None else str(params["referral_id"])
                conn.execute(
                    self.idem.update()
                    .where(self.idem.c.idempotency_key == idempotency_key)
                    .values(patient_id=patient_id, referral_id=referral_id)
                )
        except OperationalError as exc:
            raise EhrUnavailable(f"EHR database of connector {self.name!r} failed ({_code(exc)})") from exc
        except DBAPIError as exc:
            # The driver's message can quote the values (PHI): keep only the error class and code.
            raise EhrRejected(
                f"EHR database of connector {self.name!r} refused the export ({_code(exc)})"
            ) from exc
        log.info("ehr.sql.exported", connector=self.name, case_id=request.case_id)
        return ExportResult(
            patient_id=patient_id, referral_id=referral_id, detail={"mapping": self.mapping.name}
        )

    def _already_done(self, conn: Connection, key: str) -> ExportResult:
        row = conn.execute(select(self.idem).where(self.idem.c.idempotency_key == key)).mappings().one()
        log.info("ehr.sql.duplicate_suppressed", connector=self.name, case_id=row["case_id"])
        return ExportResult(
            patient_id=str(row["patient_id"]),
            referral_id=row["referral_id"],
            detail={"mapping": self.mapping.name},
            duplicate=True,
        )

    def _run(self, conn: Connection, statements: list[Statement], params: dict[str, Any]) -> None:
        for st in statements:
            if any(params.get(n) in (None, "") for n in st.needs):
                continue
            try:
                result = conn.execute(text(st.rendered), params)
            except OperationalError as exc:
                raise EhrUnavailable(
                    f"EHR database of connector {self.name!r} failed at {st.where} ({_code(exc)})"
                ) from exc
            except DBAPIError as exc:
                # The driver's message can quote the values (PHI): keep only the error class and code.
                raise EhrRejected(
                    f"EHR database of connector {self.name!r} refused {st.where} of mapping "
                    f"{self.mapping.name} ({_code(exc)})",
                    # Bad data or a bad statement fails the same way every time; a lost race may not.
                    permanent=isinstance(exc, DataError | ProgrammingError),
                ) from exc
            if st.bind:
                if result.returns_rows:
                    first = result.first()
                    params[st.bind] = None if first is None else first[0]
                else:
                    params[st.bind] = result.lastrowid

    def _translate(self, params: dict[str, Any]) -> dict[str, Any]:
        for key, table in self.mapping.translate.items():
            if key in params and params[key] is not None:
                params[key] = table.get(str(params[key]), params[key])
        return params

    def health(self) -> Health:
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            if self.read_engine is not self.engine:
                with self.read_engine.connect() as conn:
                    conn.execute(text("SELECT 1"))
        except DBAPIError as exc:
            return Health(False, f"{self.engine.dialect.name} unreachable ({_code(exc)})")
        return Health(True, f"{self.engine.dialect.name} reachable; mapping {self.mapping.name}")

    def dispose(self) -> None:
        self.engine.dispose()
        if self.read_engine is not self.engine:
            self.read_engine.dispose()


def query_params(query: PatientQuery) -> dict[str, Any]:
    """The lookup parameters a mapping may use: the query's fields plus derived blocking keys."""
    params: dict[str, Any] = {name: getattr(query, name) for name in query.__slots__}
    last = (query.last_name or "").strip()
    first = (query.first_name or "").strip()
    params["last_name_prefix"] = (last[:3].lower() + "%") if len(last) >= 2 else None
    params["first_name_prefix"] = (first[:1].lower() + "%") if first else None
    params["last_name_soundex"] = jellyfish.soundex(last) if last else None
    params["phone"] = digits(query.phone)
    params["phone_dashed"] = dashed_phone(query.phone)
    params["mrn"] = (query.mrn or "").strip().upper() or None
    return params


def _code(exc: DBAPIError) -> str:
    orig = exc.orig
    code = getattr(orig, "sqlstate", None) or (orig.args[0] if orig is not None and orig.args else None)
    return f"{type(orig).__name__} {code}" if isinstance(code, str | int) else type(orig).__name__
