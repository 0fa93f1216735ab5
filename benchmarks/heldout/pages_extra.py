"""Attachment pages that follow a referral: demographics face sheet, lab results, imaging report.

They repeat the patient's identity (same values as the form, so the gold only gains pages) and add numbers
that are not contract fields (lab values, accession numbers) as distractors.
"""

from __future__ import annotations

from canvas import (
    Ctx,
    Gold,
    rec,
    rec_addr,
    rec_date,
    rec_member,
    rec_name,
    rec_phone,
    rec_sex,
    rec_subscriber,
)
from people import Case

LABS = [
    ("Hemoglobin A1c", "%", (5.0, 11.5), "4.0-5.6"),
    ("Sodium", "mmol/L", (133, 146), "135-145"),
    ("Potassium", "mmol/L", (3.3, 5.4), "3.5-5.1"),
    ("Creatinine", "mg/dL", (0.6, 1.9), "0.6-1.3"),
    ("TSH", "mIU/L", (0.2, 7.5), "0.4-4.0"),
    ("WBC", "K/uL", (3.8, 13.1), "4.0-11.0"),
]


def demographics_page(ctx: Ctx, c: Case, g: Gold) -> None:
    """EHR 'Patient Demographics' face sheet: two columns of label/value pairs."""
    sh = ctx.page("demographics", g)
    p, cov = c.patient, c.coverage
    sh.text(40, 50, "Patient Demographics", 15, font="hebo")
    street, cityl = rec_addr(sh, "patient.address", p.addr)
    left = [
        ("Legal name", rec_name(sh, "patient", p, "last_first")),
        ("Date of birth", rec_date(sh, "patient.date_of_birth", p.dob, dob=True)),
        ("Legal sex", rec_sex(sh, p)),
        ("MRN", rec(sh, "patient.mrn", p.mrn.upper())),
        ("Address", street),
        ("", cityl),
        ("Home phone", rec_phone(sh, "patient.phone", p.phone)),
    ]
    if p.language:
        left.append(("Language", rec(sh, "patient.preferred_language", p.language)))
    if p.email:
        left.append(("Email", rec(sh, "patient.email", p.email)))
    right = [
        ("Payer", rec(sh, "insurance.0.payer_name", cov.payer)),
        ("Plan", rec(sh, "insurance.0.plan_name", cov.plan)),
        ("Member ID", rec_member(sh, cov)),
        ("Group", rec(sh, "insurance.0.group_number", cov.group)),
    ]
    sub = rec_subscriber(sh, cov)
    if sub:
        right += [("Guarantor", sub[0]), ("Relation", sub[1])]
    for col, rows in ((40.0, left), (330.0, right)):
        y = 90.0
        for label, value in rows:
            sh.text(col, y, label, 8.5, font="hebo")
            sh.text(col + 85, y, value, 9.5, font="helv")
            y += 16


def lab_page(ctx: Ctx, c: Case, g: Gold) -> None:
    """Lab result printout headed by the patient's name, DOB and MRN, with a result table."""
    rng = ctx.rng
    sh = ctx.page("lab_result", g)
    p = c.patient
    sh.text(40, 50, "LABORATORY RESULTS - FINAL", 13, font="cobo")
    sh.text(40, 70, f"Patient: {rec_name(sh, 'patient', p, 'last_first').upper()}", 9.5, font="cour")
    sh.text(320, 70, f"DOB: {rec_date(sh, 'patient.date_of_birth', p.dob, dob=True)}", 9.5, font="cour")
    sh.text(40, 84, f"MRN: {rec(sh, 'patient.mrn', p.mrn.upper())}", 9.5, font="cour")
    sh.text(320, 84, f"Accession: {rng.randrange(10**9, 10**10)}", 9.5, font="cour")
    y = 120.0
    for head, x in (("Test", 40), ("Result", 220), ("Units", 300), ("Reference", 380), ("Flag", 480)):
        sh.text(x, y, head, 9.5, font="cobo")
    sh.line(40, y + 4, 560, y + 4)
    y += 18
    for name, unit, (lo, hi), ref in rng.sample(LABS, 4):
        val = round(rng.uniform(lo, hi), 1)
        rlo, rhi = (float(v) for v in ref.split("-"))
        flag = "H" if val > rhi else "L" if val < rlo else ""
        for text, x in ((name, 40), (str(val), 220), (unit, 300), (ref, 380), (flag, 480)):
            sh.text(x, y, text, 9.5, font="cour")
        y += 15


def imaging_page(ctx: Ctx, c: Case, g: Gold) -> None:
    """Outside radiology report the referring office attached."""
    rng = ctx.rng
    sh = ctx.page("imaging_report", g)
    p = c.patient
    sh.text(50, 56, rng.choice(["Westfield Imaging Center", "Clearview Radiology"]), 13, bold=True)
    sh.text(50, 70, "DIAGNOSTIC IMAGING REPORT", 10)
    sh.text(50, 100, "Patient: " + rec_name(sh, "patient", p, "first_last"), 10)
    sh.text(330, 100, "DOB: " + rec_date(sh, "patient.date_of_birth", p.dob, dob=True), 10)
    exams = {"Cardiology": ["CT CHEST WITH CONTRAST", "XR CHEST 2 VIEWS"]}
    exam = rng.choice(exams.get(c.referred.specialty, ["MRI KNEE WITHOUT CONTRAST", "XR SHOULDER 3 VIEWS"]))
    sh.text(50, 116, f"Exam: {exam}", 10)
    sh.text(330, 116, f"Accession #{rng.randrange(10**6, 10**7)}", 10)
    y = sh.wrap(
        50,
        150,
        500,
        "FINDINGS: Study reviewed and compared with prior where available. Details in the "
        "full report on the imaging portal.",
        10,
    )
    sh.wrap(50, y + 10, 500, "IMPRESSION: Findings as above. Clinical correlation recommended.", 10)
