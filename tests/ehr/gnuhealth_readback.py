"""Run inside the GNU Health virtualenv: read a patient back through trytond's own models, print JSON.

Usage: python gnuhealth_readback.py CONFIG DATABASE PATIENT_ID APPOINTMENT_ID
"""

import hashlib
import json
import sys

from trytond.config import config

config.update_etc(sys.argv[1])

from trytond.pool import Pool  # noqa: E402  (needs the configuration loaded first)
from trytond.transaction import Transaction  # noqa: E402

database, patient_id, appointment_id = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
Pool.start()
pool = Pool(database)
pool.init()
with Transaction().start(database, 0, readonly=True):
    Patient = pool.get("gnuhealth.patient")
    Appointment = pool.get("gnuhealth.appointment")
    Insurance = pool.get("gnuhealth.insurance")
    Attachment = pool.get("ir.attachment")
    patient = Patient(patient_id)
    party = patient.party
    appointment = Appointment(appointment_id)
    insurances = Insurance.search([("party", "=", party.id)])
    attachments = Attachment.search([("resource", "=", str(patient))])
    out = {
        "rec_name": patient.rec_name,
        "name": party.name,
        "lastname": party.lastname,
        "dob": party.dob.isoformat() if party.dob else None,
        "gender": party.gender,
        "is_patient": party.is_patient,
        "phones": [c.value for c in party.contact_mechanisms if c.type == "phone"],
        "appointment_patient": appointment.patient.id,
        "appointment_state": appointment.state,
        "appointment_urgency": appointment.urgency,
        "appointment_comments": appointment.comments,
        "insurance_numbers": [i.number for i in insurances],
        "insurers": [i.company.name for i in insurances],
        "appointment_insurance": appointment.insurance.number if appointment.insurance else None,
        "attachments": [hashlib.sha256(a.data).hexdigest() for a in attachments],
        "patients_named": len(Patient.search([("party.lastname", "=", party.lastname)])),
    }
print(json.dumps(out))
