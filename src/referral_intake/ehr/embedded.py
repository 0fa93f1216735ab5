"""The `embedded` writer: with no EHR configured (demo, evaluation), approved patients become charts in
this installation's own `ehr_patient` table, which matching reads (matching/embedded_ehr.py).

Idempotent by construction: a new chart's id is derived from the idempotency key, so a resend finds the
chart the first send created and writes nothing.
"""

from __future__ import annotations

from sqlalchemy import Engine

from referral_intake.ehr.protocol import ExportRequest, ExportResult, Health, PatientRecord
from referral_intake.ehr.values import referral_params, short_key


class EmbeddedWriter:
    name = "embedded"

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def export(self, request: ExportRequest, idempotency_key: str) -> ExportResult:
        from referral_intake.matching.embedded_ehr import EmbeddedEhr

        referral_id = f"case-{request.case_id}"
        if request.patient_id:  # a linked chart is left as the practice keyed it
            return ExportResult(patient_id=request.patient_id, referral_id=referral_id)
        ehr = EmbeddedEhr(self.engine)
        patient_id = "P" + short_key(idempotency_key, 15)
        if ehr.read_patient(patient_id) is not None:
            return ExportResult(patient_id=patient_id, referral_id=referral_id, duplicate=True)
        p = referral_params(request, idempotency_key)
        ehr.save_patient(
            PatientRecord(
                id=patient_id,
                first_name=p["first_name"],
                middle_name=p["middle_name"],
                last_name=p["last_name"],
                date_of_birth=p["date_of_birth"],
                sex=p["sex"],
                address_line1=p["address_line1"],
                address_line2=p["address_line2"],
                city=p["city"],
                state=p["state"],
                postal_code=p["postal_code"],
                phone=p["phone"],
                email=p["email"],
                mrn=p["mrn"],
            )
        )
        return ExportResult(patient_id=patient_id, referral_id=referral_id)

    def health(self) -> Health:
        return Health(True, "embedded EHR (this installation's own database)")
