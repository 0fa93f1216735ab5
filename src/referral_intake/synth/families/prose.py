"""Prose families: a referral letter on letterhead, and an EHR office-note printout with a patient band."""

from __future__ import annotations

import pymupdf

from referral_intake.contract import PageKind
from referral_intake.synth.families.common import Flow, clinic_header
from referral_intake.synth.formats import fmt_date
from referral_intake.synth.gold import Printed

URGENT_SENTENCES = {
    "urgent": (
        "This is an urgent referral; please see the patient within the next few days.",
        "Please schedule urgently.",
        "I would appreciate an urgent appointment.",
    ),
    "stat": ("STAT referral: please see the patient today if at all possible.",),
    "routine": ("This is a routine referral.", "Routine follow-up is appropriate."),
}


def _age(pr: Printed) -> int:
    dob, ref = pr.case.patient.dob, pr.case.referral_date
    return ref.year - dob.year - ((ref.month, ref.day) < (dob.month, dob.day))


def _noun(pr: Printed) -> tuple[str, str]:
    """The word the letter calls the patient; "woman"/"man" states the sex, so the gold records it."""
    sex = pr.case.patient.sex
    if sex in ("F", "M"):
        pr.put("patient.sex", sex)
    return {"F": ("woman", "her"), "M": ("man", "him")}.get(sex, ("patient", "them"))


def _meds_allergies(pr: Printed) -> tuple[str, str]:
    meds = [pr.text(f"medications.{i}", m) for i, m in enumerate(pr.case.medications)]
    alls = [pr.text(f"allergies.{i}", a) for i, a in enumerate(pr.case.allergies)]
    return ", ".join(meds) or "none", ", ".join(alls) or "NKDA"


def render_letter(doc: pymupdf.Document, prs: list[Printed]) -> list[PageKind]:
    kinds: list[PageKind] = []
    for pr in prs:
        rng, case = pr.rng, pr.case
        flow = Flow(doc, pr, kinds, "referral_form", font=rng.choice(("tiro", "tiro", "helv")))
        sh = flow.sheet
        flow.y = clinic_header(sh, pr, flow.y, rng.choice(("left", "center", "right"))) + 4
        sh.hline(flow.margin, flow.right, flow.y - 4, width=1.2)
        flow.y += flow.size * 1.5
        sh.text(flow.margin, flow.y, pr.date("referral_date", case.referral_date))
        flow.y += flow.size * 2.5
        to = case.referred_to
        if rng.random() < 0.85:
            lines = [pr.person_name("referred_to", to), pr.text("referred_to.organization", to.organization)]
            if rng.random() < 0.8:
                lines += pr.address("referred_to.address", to.addr, with_line2=False)
            for line in lines:
                sh.text(flow.margin, flow.y, line)
                flow.y += flow.size * 1.3
            flow.y += flow.size
            salutation = (
                f"Dear Dr. {to.last},"
                if "MD" in to.credentials or "DO" in to.credentials
                else f"Dear {to.first} {to.last},"
            )
        else:
            salutation = f"Dear {pr.text('referred_to.specialty', to.specialty)} colleague,"
        re_line = f"RE: {pr.patient_name()}    DOB: {pr.date('patient.date_of_birth', case.patient.dob)}"
        sh.text(flow.margin, flow.y, re_line, bold=True)
        flow.y += flow.size * 1.4
        if case.coverages and rng.random() < 0.6:
            c = case.coverages[0]
            ins = f"Insurance: {pr.text('insurance.0.payer_name', c.payer)}   ID: {pr.member_id(0)}"
            sh.text(flow.margin + (28 if rng.random() < 0.5 else 0), flow.y, ins)
            flow.y += flow.size * 1.4
        flow.y += flow.size
        sh.text(flow.margin, flow.y, salutation)
        flow.y += flow.size * 2
        noun, _obj = _noun(pr)
        first = case.patient.first
        body = (
            f"Thank you for seeing {first} {case.patient.last}, a {_age(pr)}-year-old {noun} whom I am "
            f"referring for {pr.text('reason', case.reason)}. {pr.text('clinical_summary', case.summary)}"
        )
        dxs = [pr.dx(i) for i in range(len(case.diagnoses))]
        body2 = "Relevant diagnoses: " + "; ".join(dxs) + "."
        meds, alls = _meds_allergies(pr)
        body3 = f"Current medications: {meds}. Allergies: {alls}."
        body4 = ""
        if case.urgency != "routine" or rng.random() < 0.4:
            pr.put("urgency", case.urgency)
            body4 = rng.choice(URGENT_SENTENCES[case.urgency]) + " "
        ref = case.referring
        body4 += (
            f"Please contact my office at {pr.phone('referring_provider.phone', ref.phone)} with any "
            f"questions, or fax your consult note to {pr.phone('referring_provider.fax', ref.fax)}."
        )
        for para in (body, body2, body3, body4):
            sh = flow.need(flow.size * 3)
            flow.y = (
                sh.wrap(flow.margin, flow.y, flow.right - flow.margin, para, leading=1.35) + flow.size * 0.7
            )
        sh = flow.need(flow.size * 7)
        flow.y += flow.size
        sh.text(
            flow.margin, flow.y, rng.choice(("Sincerely,", "Best regards,", "Thank you,", "Kind regards,"))
        )
        flow.y += flow.size * 3.5
        sh.text(flow.margin, flow.y, pr.person_name("referring_provider", ref))
        flow.y += flow.size * 1.3
        if rng.random() < 0.8:
            sh.text(flow.margin, flow.y, f"NPI: {pr.text('referring_provider.npi', ref.npi)}")
    return kinds


def render_ehr_note(doc: pymupdf.Document, prs: list[Printed]) -> list[PageKind]:
    """A printed EHR office note: grey patient band on every page, HPI, assessment/plan and orders."""
    kinds: list[PageKind] = []
    for pr in prs:
        _ehr_note(doc, pr, kinds)
    return kinds


def _ehr_note(doc: pymupdf.Document, pr: Printed, kinds: list[PageKind]) -> None:
    rng, case, p = pr.rng, pr.case, pr.case.patient
    font = rng.choice(("helv", "helv", "cour", "tiro"))
    flow = Flow(
        doc,
        pr,
        kinds,
        "clinical_note",
        font=font,
        size=rng.choice((8.5, 9.0, 9.5, 10.0)),
        margin=rng.uniform(30, 50),
    )
    mrn = pr.text("patient.mrn", p.mrn) if p.mrn else ""
    band = (
        f"{pr.patient_name('last_first').upper()}    DOB: {pr.date('patient.date_of_birth', p.dob)}"
        f" ({_age(pr)} yo {p.sex})" + (f"    MRN: {mrn}" if mrn else "")
    )
    pr.put("patient.sex", p.sex)
    start_pages = doc.page_count

    def draw_band() -> None:
        s = flow.sheet
        s.rect(
            flow.margin - 6,
            flow.margin - 14,
            flow.right + 6,
            flow.margin + flow.size + 2,
            width=0,
            fill=(0.85, 0.85, 0.85),
            color=None,
        )
        s.text(flow.margin, flow.margin, band, bold=True)
        flow.y = flow.margin + flow.size * 3.2

    draw_band()
    flow.on_page = draw_band
    ref = case.referring
    sh = flow.sheet
    sh.text(
        flow.margin,
        flow.y,
        f"{rng.choice(('Office Visit', 'Progress Note', 'Clinic Note'))}  "
        f"{pr.date('referral_date', case.referral_date)}",
        flow.size + 2,
        bold=True,
    )
    flow.y += flow.size * 1.6
    sh.text(
        flow.margin,
        flow.y,
        f"Provider: {pr.person_name('referring_provider', ref)}   "
        f"Location: {pr.text('referring_provider.organization', ref.organization)}",
    )
    flow.y += flow.size * 2

    def section(title: str, body: str) -> None:
        s = flow.need(flow.size * 3)
        s.text(flow.margin, flow.y, title, bold=True)
        flow.y += flow.size * 1.35
        for line in body.split("\n"):
            s = flow.need(flow.size * 1.4)
            flow.y = s.wrap(flow.margin + 10, flow.y, flow.right - flow.margin - 10, line, leading=1.3)
        flow.y += flow.size * 0.6

    section("CHIEF COMPLAINT", pr.text("reason", case.reason).capitalize())
    section("HISTORY OF PRESENT ILLNESS", pr.text("clinical_summary", case.summary))
    meds, alls = _meds_allergies(pr)
    section("CURRENT MEDICATIONS", meds.replace(", ", "\n"))
    section("ALLERGIES", alls)
    vit = (
        f"BP {rng.randint(104, 168)}/{rng.randint(60, 98)}  HR {rng.randint(54, 104)}  "
        f"Temp {rng.uniform(97.2, 99.4):.1f} F  Wt {rng.randint(98, 290)} lb"
    )
    section("VITALS", vit)
    ap = [
        f"{i + 1}. {case.diagnoses[i].description} ({pr.dx(i, with_desc=False)})"
        for i in range(len(case.diagnoses))
    ]
    for i in range(len(case.diagnoses)):
        pr.put(f"diagnoses.{i}.description", case.diagnoses[i].description)
    section("ASSESSMENT AND PLAN", "\n".join(ap))
    to = case.referred_to
    order = f"Ambulatory referral to {pr.text('referred_to.specialty', to.specialty)}"
    if rng.random() < 0.7:
        order += f"\nReferred to: {pr.person_name('referred_to', to)}, {pr.text('referred_to.organization', to.organization)}"
    pr.put("urgency", case.urgency)
    order += f"\nPriority: {case.urgency.capitalize()} | Reason: {case.reason}"
    section("ORDERS", order)
    s = flow.need(flow.size * 3)
    s.text(
        flow.margin,
        flow.y,
        f"Electronically signed by {pr.person_name('referring_provider', ref)} "
        f"on {fmt_date(case.referral_date, pr.style)}",
        italic=True,
    )
    if rng.random() < 0.6:
        flow.y += flow.size * 1.4
        s.text(flow.margin, flow.y, f"NPI {pr.text('referring_provider.npi', ref.npi)}")
    total = doc.page_count - start_pages
    for k in range(total):
        page = doc[start_pages + k]
        page.insert_text(
            (flow.margin, 792 - 20),
            f"Printed {fmt_date(case.referral_date, pr.style)}  Page {k + 1} of {total}",
            fontname="helv",
            fontsize=7,
        )
