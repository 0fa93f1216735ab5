"""Audit every read of the EHR: a wrapper that records one event per lookup or chart read.

Events carry resource ids only (the charts returned), never the search terms (a name or birth date is
PHI); the search is described by which keys it used.
"""

from __future__ import annotations

from referral_intake.audit import record
from referral_intake.ehr.protocol import EhrReader, PatientQuery, PatientRecord
from referral_intake.store.engine import Store


class AuditedReader:
    """An `EhrReader` that records `read` audit events in our database for each call to the wrapped one."""

    def __init__(self, reader: EhrReader, store: Store, actor: str, connector: str = "ehr") -> None:
        self.reader = reader
        self.store = store
        self.actor = actor
        self.connector = connector

    def find_candidates(self, query: PatientQuery, limit: int = 50) -> list[PatientRecord]:
        keys = ",".join(name for name in query.__slots__ if getattr(query, name))
        try:
            found = self.reader.find_candidates(query, limit)
        except Exception:
            self._record("search", None, f"{self.connector} search by {keys} failed", "failure")
            raise
        ids = ",".join(r.id for r in found)
        reason = f"{self.connector} search by {keys}: {len(found)} chart(s) {ids}"[:1000]
        self._record("search", None, reason, "success")
        return found

    def read_patient(self, patient_id: str) -> PatientRecord | None:
        try:
            chart = self.reader.read_patient(patient_id)
        except Exception:
            self._record("read", patient_id, f"{self.connector} chart read failed", "failure")
            raise
        self._record("read", patient_id, f"{self.connector} chart read", "success" if chart else "not_found")
        return chart

    def _record(self, what: str, resource_id: str | None, reason: str, outcome: str) -> None:
        with self.store.begin() as session:
            record(
                session,
                self.actor,
                "read",
                "ehr_patient",
                resource_id,
                outcome=outcome,
                reason=f"{what}: {reason}",
            )
