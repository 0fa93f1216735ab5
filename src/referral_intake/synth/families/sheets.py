"""Single pages that travel with referrals: fax cover sheet, hospital face sheet, lab results, imaging
report, and a photocopy of the insurance card (front and back, as a raster image).
"""

from __future__ import annotations

import io

import pymupdf
from PIL import Image, ImageFilter

from referral_intake.contract import PageKind
from referral_intake.synth import clinical
from referral_intake.synth.families.common import Flow
from referral_intake.synth.formats import fmt_date, fmt_phone
from referral_intake.synth.gold import Printed
from referral_intake.synth.render import PAGE_H, PAGE_W, Sheet, gray_image, new_pdf, place_image

CONFIDENTIAL = (
    "CONFIDENTIALITY NOTICE: The documents accompanying this facsimile contain confidential health "
    "information that is legally privileged. This information is intended only for the use of the "
    "recipient named above. If you have received this fax in error, please notify the sender "
    "immediately by telephone and destroy the documents."
)


def _patient_line(pr: Printed, with_mrn: bool = True) -> str:
    p = pr.case.patient
    s = f"Patient: {pr.patient_name()}   DOB: {pr.date('patient.date_of_birth', p.dob)}"
    if with_mrn and p.mrn:
        s += f"   MRN: {pr.text('patient.mrn', p.mrn)}"
    return s


def render_cover(doc: pymupdf.Document, pr: Printed, total_pages: int, name_patient: bool) -> None:
    """A fax cover sheet as the first page; `pr` receives the sender/recipient values it prints."""
    rng, case = pr.rng, pr.case
    page = doc.new_page(0, width=PAGE_W, height=PAGE_H)
    sh = Sheet(page, rng.choice(("helv", "tiro", "helv")), rng.choice((10.0, 11.0, 12.0)))
    m = rng.uniform(50, 80)
    y = m + 30
    centered = rng.random() < 0.5
    title = rng.choice(("FAX", "FAX COVER SHEET", "Facsimile Transmittal", "fax"))
    sh.text(
        PAGE_W / 2 if centered else m,
        y,
        title,
        rng.choice((22, 26, 30)),
        bold=True,
        align="center" if centered else "left",
    )
    y += 40
    sh.hline(m, PAGE_W - m, y, width=1.5)
    y += 30
    to, ref = case.referred_to, case.referring
    rows = [
        ("Date:", pr.date("referral_date", case.referral_date)),
        (
            "To:",
            pr.person_name("referred_to", to)
            if rng.random() < 0.6
            else pr.text("referred_to.organization", to.organization),
        ),
        ("Fax:", pr.phone("referred_to.fax", to.fax)),
        ("From:", pr.person_name("referring_provider", ref)),
        ("Organization:", pr.text("referring_provider.organization", ref.organization)),
        ("Phone:", pr.phone("referring_provider.phone", ref.phone)),
        ("Fax:", pr.phone("referring_provider.fax", ref.fax)),
        ("Pages:", f"{total_pages} (including cover)"),
    ]
    if name_patient and rng.random() < 0.6:
        rows.append(("Re:", f"Referral - {pr.patient_name()}"))
    else:
        rows.append(
            ("Re:", rng.choice(("Patient referral", "New referral", "Referral packet", "Consult request")))
        )
    for label, value in rows:
        sh.text(m, y, label, bold=True)
        sh.text(m + 110, y, value)
        y += sh.size * 2
    y += 10
    x = m
    checked = case.urgency == "urgent" and rng.random() < 0.8
    if checked:
        pr.put("urgency", "urgent")
    for i, label in enumerate(("Urgent", "For Review", "Please Comment", "Please Reply")):
        x = sh.checkbox(x, y, i == 0 and checked, label, rng.choice(("box", "text")))
    y += sh.size * 3
    sh.text(m, y, "Comments:", bold=True)
    y = sh.wrap(
        m,
        y + sh.size * 1.6,
        PAGE_W - 2 * m,
        rng.choice(
            (
                "Please see the attached referral and clinical notes. Call our office with any questions.",
                "Referral attached. Kindly schedule and fax back appointment confirmation.",
                "Attached: referral, demographics, insurance and recent notes.",
            )
        ),
    )
    sh.wrap(m, PAGE_H - m - 50, PAGE_W - 2 * m, CONFIDENTIAL, size=7.5, leading=1.25)


def render_face_sheet(doc: pymupdf.Document, prs: list[Printed]) -> list[PageKind]:
    """A hospital face sheet: demographics, guarantor, insurance and attending, in ruled blocks."""
    kinds: list[PageKind] = []
    for pr in prs:
        rng, case, p = pr.rng, pr.case, pr.case.patient
        flow = Flow(
            doc, pr, kinds, "demographics", font=rng.choice(("helv", "cour")), size=rng.choice((8.5, 9.0))
        )
        sh = flow.sheet
        hosp = (
            f"{rng.choice(('St. Agnes', 'Mercy', 'Good Shepherd', 'University', 'Memorial', 'Regional'))} "
            f"{rng.choice(('Hospital', 'Medical Center', 'Health System'))}"
        )
        sh.text(PAGE_W / 2, flow.y, hosp, 14, bold=True, align="center")
        sh.text(PAGE_W / 2, flow.y + 16, "PATIENT FACE SHEET", 11, bold=True, align="center")
        flow.y += 40
        adm = case.referral_date
        street, city = pr.address("patient.address", p.addr)
        blocks: list[tuple[str, list[tuple[str, str]]]] = [
            (
                "PATIENT",
                [
                    ("Name", pr.patient_name("last_first")),
                    ("MRN", pr.text("patient.mrn", p.mrn or "")),
                    ("Acct #", str(rng.randint(10**8, 10**9))),
                    ("DOB", pr.date("patient.date_of_birth", p.dob)),
                    ("Sex", pr.text("patient.sex", p.sex)),
                    ("Marital", rng.choice(("S", "M", "D", "W"))),
                    ("Address", street),
                    ("City/St/Zip", city),
                    ("Home Ph", pr.phone("patient.phone", p.phone)),
                    ("Language", pr.text("patient.preferred_language", p.language or "")),
                    ("Email", pr.text("patient.email", p.email or "")),
                ],
            ),
            (
                "ENCOUNTER",
                [
                    ("Admit", fmt_date(adm, pr.style)),
                    ("Type", rng.choice(("Inpatient", "Observation"))),
                    ("Attending", pr.person_name("referring_provider", case.referring)),
                    ("Attending NPI", pr.text("referring_provider.npi", case.referring.npi)),
                ],
            ),
        ]
        for i, c in enumerate(case.coverages):
            rows = [
                ("Payer", pr.text(f"insurance.{i}.payer_name", c.payer)),
                ("Plan", pr.text(f"insurance.{i}.plan_name", c.plan)),
                ("Policy #", pr.member_id(i)),
                ("Group #", pr.text(f"insurance.{i}.group_number", c.group or "")),
                ("Rel to Pt", pr.text(f"insurance.{i}.subscriber_relationship", c.relationship)),
            ]
            if c.subscriber is not None:
                nm = f"{c.subscriber.last}, {c.subscriber.first}"
                rows += [
                    ("Subscriber", pr.text(f"insurance.{i}.subscriber_name", nm)),
                    ("Sub DOB", pr.date(f"insurance.{i}.subscriber_date_of_birth", c.subscriber.dob)),
                ]
            blocks.append(("PRIMARY INSURANCE" if i == 0 else "SECONDARY INSURANCE", rows))
        em = rng.choice(("Spouse", "Daughter", "Son", "Friend", "Parent"))
        blocks.append(
            (
                "EMERGENCY CONTACT",
                [
                    ("Relation", em),
                    (
                        "Phone",
                        fmt_phone(
                            pr.case.referring.phone[:3] + "5550" + str(rng.randint(100, 199)), pr.style
                        ),
                    ),
                ],
            )
        )
        for title, rows in blocks:
            sh = flow.need(flow.size * 3 * (len(rows) // 2 + 2))
            sh.rect(
                flow.margin, flow.y - flow.size, flow.right, flow.y + 3, width=0.5, fill=(0.85, 0.85, 0.85)
            )
            sh.text(flow.margin + 4, flow.y, title, bold=True)
            flow.y += flow.size * 1.8
            half = (flow.right - flow.margin) / 2
            for k, (label, value) in enumerate(rows):
                x = flow.margin + 4 + (k % 2) * half
                sh.text(x, flow.y, f"{label}:", bold=True)
                sh.text(x + 80, flow.y, value)
                if k % 2 == 1 or k == len(rows) - 1:
                    flow.y += flow.size * 1.6
            flow.y += flow.size
    return kinds


def render_labs(doc: pymupdf.Document, pr: Printed, kinds: list[PageKind]) -> None:
    rng = pr.rng
    flow = Flow(doc, pr, kinds, "lab_result", font=rng.choice(("cour", "helv")), size=9.0)
    sh = flow.sheet
    sh.text(
        flow.margin,
        flow.y,
        rng.choice(("Quest-Lab Services", "Regional Reference Laboratory", "Clinical Laboratory Report")),
        13,
        bold=True,
    )
    flow.y += 22
    sh.text(flow.margin, flow.y, _patient_line(pr))
    flow.y += 14
    coll = pr.case.referral_date
    sh.text(
        flow.margin, flow.y, f"Collected: {fmt_date(coll, pr.style)}   Ordering: Dr. {pr.case.referring.last}"
    )
    flow.y += 24
    cols = (0, 150, 230, 270, 370)
    for x, h in zip(cols, ("TEST", "RESULT", "FLAG", "REFERENCE", "UNITS"), strict=True):
        sh.text(flow.margin + x, flow.y, h, bold=True)
    sh.hline(flow.margin, flow.right, flow.y + 4)
    flow.y += 16
    for row in clinical.lab_rows(rng):
        for x, v in zip(cols, row, strict=True):
            sh.text(flow.margin + x, flow.y, v, bold=bool(row[2]) and x == 150)
        flow.y += 14


def render_imaging(doc: pymupdf.Document, pr: Printed, kinds: list[PageKind]) -> None:
    rng = pr.rng
    flow = Flow(doc, pr, kinds, "imaging_report", font=rng.choice(("tiro", "helv")))
    sh = flow.sheet
    options = [im for im in clinical.IMAGING if pr.case.referred_to.specialty in im[3]] or clinical.IMAGING
    exam, findings, impression, _ = rng.choice(options)
    sh.text(PAGE_W / 2, flow.y, "RADIOLOGY REPORT", 14, bold=True, align="center")
    flow.y += 26
    sh.text(flow.margin, flow.y, _patient_line(pr, with_mrn=False))
    flow.y += flow.size * 1.5
    sh.text(flow.margin, flow.y, f"Exam: {exam}    Date: {fmt_date(pr.case.referral_date, pr.style)}")
    flow.y += flow.size * 2.5
    for title, body in (
        ("CLINICAL INDICATION", pr.case.reason),
        ("FINDINGS", findings),
        ("IMPRESSION", impression),
    ):
        sh.text(flow.margin, flow.y, title + ":", bold=True)
        flow.y = sh.wrap(flow.margin, flow.y + flow.size * 1.4, flow.right - flow.margin, body) + flow.size
    sh.text(
        flow.margin,
        flow.y + 20,
        f"Electronically signed by {rng.choice(('A. Moreno', 'K. Whitaker', 'S. Iyer'))}, MD (Radiology)",
        italic=True,
    )


def _card_image(pr: Printed, i: int, back: bool, dpi: int) -> Image.Image:
    rng, c, p = pr.rng, pr.case.coverages[i], pr.case.patient
    card = new_pdf()
    page = card.new_page(width=243, height=153)
    sh = Sheet(page, "helv", 7.5)
    sh.rect(2, 2, 241, 151, width=1.0)
    pre = f"insurance.{i}"
    if not back:
        sh.text(12, 24, pr.text(f"{pre}.payer_name", c.payer), 12, bold=True)
        sh.text(12, 36, pr.text(f"{pre}.plan_name", c.plan), 7.5)
        sub = c.subscriber
        y = 58
        if sub is not None:
            nm = f"{sub.first} {sub.last}".upper()
            sh.text(12, y, f"Subscriber: {pr.text(f'{pre}.subscriber_name', nm)}")
            y += 11
        sh.text(12, y, f"Member: {p.first} {p.last}".upper())
        pr.put("patient.first_name", p.first)
        pr.put("patient.last_name", p.last)
        sh.text(12, y + 13, f"Member ID: {pr.member_id(i)}", 8.5, bold=True)
        if c.group:
            sh.text(12, y + 26, f"Group: {pr.text(f'{pre}.group_number', c.group.upper())}")
        sh.text(150, 128, "RxBIN 610014  RxPCN 9999", 6.5)
        sh.text(
            12,
            140,
            f"PCP ${rng.choice((20, 25, 30, 40))}  SPEC ${rng.choice((40, 50, 60, 75))}  ER $250",
            6.5,
        )
    else:
        sh.text(12, 20, "Members: call Member Services at 1-800-555-01" + str(rng.randint(10, 99)), 6.5)
        sh.text(12, 32, "Providers: verify eligibility online or by phone.", 6.5)
        sh.text(12, 56, f"Payer ID: {pr.text(f'{pre}.payer_id', c.payer_id)}", 8.0, bold=True)
        sh.text(12, 72, "Submit claims to: PO Box " + str(rng.randint(1000, 99999)), 6.5)
        sh.text(
            12, 82, f"{rng.choice(('Lexington, KY 40512', 'Atlanta, GA 30348', 'Phoenix, AZ 85072'))}", 6.5
        )
        sh.text(12, 130, "This card does not guarantee coverage.", 6.0, italic=True)
    img = gray_image(page, dpi)
    return img.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 0.8))).rotate(
        rng.uniform(-2.5, 2.5), resample=Image.Resampling.BILINEAR, expand=True, fillcolor=255
    )


def render_card_page(doc: pymupdf.Document, pr: Printed, kinds: list[PageKind], i: int = 0) -> None:
    """A photocopied insurance card (front and back) on one page: an image without a text layer."""
    rng = pr.rng
    page = doc.new_page(width=PAGE_W, height=PAGE_H)
    kinds.append("insurance_card")
    pr.pages.add(doc.page_count)
    Sheet(page, "helv", 10).text(
        60, 60, rng.choice(("Copy of insurance card (front/back)", "INSURANCE CARD", "")), 10
    )
    x, y = rng.uniform(60, 200), rng.uniform(90, 140)
    for back in (False, True):
        img = _card_image(pr, i, back, rng.choice((150, 200)))
        buf = io.BytesIO()
        img.save(buf, "PNG")
        w, h = 243 * 1.25, 153 * 1.25
        place_image(page, (x, y, x + w, y + h), buf.getvalue())
        y += h + rng.uniform(30, 80)
