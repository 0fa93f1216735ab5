"""Held-out form families: specialty intake grid, state Medicaid numbered form, odd-label worksheet."""

from __future__ import annotations

import pymupdf
from canvas import (
    Ctx,
    Sheet,
    rec,
    rec_addr,
    rec_auth,
    rec_date,
    rec_member,
    rec_name,
    rec_phone,
    rec_prov_name,
    rec_sex,
    rec_subscriber,
    rec_urgency,
)
from pages_extra import imaging_page
from people import STATE_NAMES, case, icd_desc


def _cell(
    sh: Sheet, x0: float, y0: float, x1: float, h: float, label: str, value: str, size: float = 10
) -> None:
    """A grid box with its label small in the top-left corner and the value below it."""
    sh.box(x0, y0, x1, y0 + h, 0.6)
    sh.text(x0 + 2.5, y0 + 7.5, label, 6.5, bold=True)
    if value:
        sh.text(x0 + 4, y0 + h - 5, value, size)


def specialty_grid(ctx: Ctx) -> None:
    """Orthopedic or cardiology practice's own intake form, boxed grid, labels inside the boxes."""
    rng = ctx.rng
    c = case(rng, rng.choice(["Orthopedic Surgery", "Cardiology"]))
    g = ctx.new_gold()
    sh = ctx.page("referral_form", g)
    p, cov, rf, to = c.patient, c.coverage, c.referring, c.referred
    x0, x1, top = 36 + rng.uniform(-6, 6), 576 + rng.uniform(-6, 6), 40 + rng.uniform(0, 20)
    sh.text(x0, top, rec(sh, "referred_to.organization", to.org).upper(), 14, bold=True)
    sh.text(
        x0, top + 16, "New Patient Referral Intake  -  " + rec(sh, "referred_to.specialty", to.specialty), 11
    )
    sh.text(
        x0,
        top + 30,
        "Return completed form by fax to "
        + rec_phone(sh, "referred_to.fax", to.fax)
        + "   Scheduling line "
        + rec_phone(sh, "referred_to.phone", to.phone),
        8,
    )
    w, h = x1 - x0, 26.0
    y = top + 42
    sh.box(x0, y, x1, y + 14, 0.6, fill=(0.85, 0.85, 0.85))
    sh.text(x0 + 4, y + 10.5, "SECTION A  -  PATIENT", 8, bold=True)
    y += 14
    cols = [x0, x0 + w * 0.32, x0 + w * 0.58, x0 + w * 0.78, x1]
    _cell(sh, cols[0], y, cols[1], h, "PATIENT LAST NAME", rec(sh, "patient.last_name", p.last))
    _cell(sh, cols[1], y, cols[2], h, "FIRST NAME", rec(sh, "patient.first_name", p.first))
    _cell(sh, cols[2], y, cols[3], h, "MIDDLE", rec(sh, "patient.middle_name", p.middle) if p.middle else "")
    _cell(sh, cols[3], y, cols[4], h, "D.O.B.", rec_date(sh, "patient.date_of_birth", p.dob, dob=True))
    y += h
    _cell(sh, cols[0], y, cols[1], h, "SEX", rec_sex(sh, p))
    _cell(sh, cols[1], y, cols[2], h, "BEST CONTACT NUMBER", rec_phone(sh, "patient.phone", p.phone))
    _cell(
        sh,
        cols[2],
        y,
        cols[3],
        h,
        "LANGUAGE",
        rec(sh, "patient.preferred_language", p.language) if p.language else "",
    )
    _cell(
        sh,
        cols[3],
        y,
        cols[4],
        h,
        "CHART #",
        rec(sh, "patient.mrn", p.mrn.upper()) if rng.random() < 0.5 else "",
    )
    y += h
    street, _ = rec_addr(sh, "patient.address", p.addr)
    _cell(sh, cols[0], y, cols[2], h, "HOME ADDRESS", street)
    _cell(sh, cols[2], y, cols[3], h, "CITY", p.addr.city)
    _cell(sh, cols[3], y, cols[3] + w * 0.08, h, "ST", p.addr.state)
    zipv = f"{p.addr.postal_code}-{p.addr.zip4}" if p.addr.zip4 else p.addr.postal_code
    _cell(sh, cols[3] + w * 0.08, y, cols[4], h, "ZIP", zipv)
    y += h + 8
    sh.box(x0, y, x1, y + 14, 0.6, fill=(0.85, 0.85, 0.85))
    sh.text(x0 + 4, y + 10.5, "SECTION B  -  COVERAGE", 8, bold=True)
    y += 14
    _cell(sh, cols[0], y, cols[2], h, "CARRIER", rec(sh, "insurance.0.payer_name", cov.payer))
    _cell(sh, cols[2], y, cols[3], h, "SUBSCRIBER / MEMBER NO.", rec_member(sh, cov), 9)
    _cell(sh, cols[3], y, cols[4], h, "GROUP NO.", rec(sh, "insurance.0.group_number", cov.group))
    y += h
    sub = rec_subscriber(sh, cov)
    _cell(sh, cols[0], y, cols[2], h, "POLICY HOLDER IF NOT PATIENT", sub[0] if sub else "")
    _cell(sh, cols[2], y, cols[4], h, "HOLDER'S RELATION TO PATIENT", sub[1] if sub else "")
    y += h + 8
    sh.box(x0, y, x1, y + 14, 0.6, fill=(0.85, 0.85, 0.85))
    sh.text(x0 + 4, y + 10.5, "SECTION C  -  SENDING CLINICIAN", 8, bold=True)
    y += 14
    _cell(sh, cols[0], y, cols[2], h, "CLINICIAN", rec_prov_name(sh, "referring_provider", rf, "first_cred"))
    _cell(sh, cols[2], y, cols[4], h, "NPI", rec(sh, "referring_provider.npi", rf.npi))
    y += h
    _cell(sh, cols[0], y, cols[2], h, "PRACTICE", rec(sh, "referring_provider.organization", rf.org))
    _cell(sh, cols[2], y, cols[3], h, "OFFICE TEL", rec_phone(sh, "referring_provider.phone", rf.phone), 9)
    _cell(sh, cols[3], y, cols[4], h, "OFFICE FAX", rec_phone(sh, "referring_provider.fax", rf.fax), 9)
    y += h + 8
    sh.box(x0, y, x1, y + 14, 0.6, fill=(0.85, 0.85, 0.85))
    sh.text(x0 + 4, y + 10.5, "SECTION D  -  CLINICAL", 8, bold=True)
    y += 14
    if to.specialty == "Orthopedic Surgery":
        sh.text(x0 + 4, y + 12, "Affected side:", 8, bold=True)
        xx = x0 + 70
        for side in ("Left", "Right", "Bilateral"):
            xx = sh.check(xx, y + 12, side, rng.random() < 0.35) + 12
        sh.text(xx + 10, y + 12, "Imaging done:  X-ray / MRI (circle)", 8)
    else:
        sh.text(x0 + 4, y + 12, "Recent tests enclosed:", 8, bold=True)
        xx = x0 + 112
        for t in ("EKG", "Echo", "Holter", "Lipid panel"):
            xx = sh.check(xx, y + 12, t, rng.random() < 0.4) + 12
    y += 20
    sh.text(x0 + 4, y + 8, "DIAGNOSIS CODE(S) AND DESCRIPTION", 6.5, bold=True)
    y += 10
    for code in c.dx:
        g.dx(code, True)
        sh.text(x0 + 8, y + 10, f"{code}   {icd_desc(code)}", 9)
        y += 13
    y += 4
    sh.text(x0 + 4, y + 8, "REASON FOR REFERRAL / QUESTION FOR CONSULTANT", 6.5, bold=True)
    y = sh.wrap(x0 + 8, y + 20, w - 16, rec(sh, "reason", c.reason[0].upper() + c.reason[1:] + "."), 10)
    y += 4
    sh.text(x0 + 4, y + 8, "HOW SOON SHOULD WE SEE THE PATIENT?", 6.5, bold=True)
    xx = x0 + 8
    rec_urgency(sh, c, {"routine": "", "urgent": "", "stat": ""})
    for key, label in (
        ("routine", "Next available"),
        ("urgent", "Urgent (within 72 h)"),
        ("stat", "STAT - call us"),
    ):
        xx = sh.check(xx, y + 22, label, c.urgency == key, 9) + 18
    y += 40
    sh.line(x0, y + 20, x0 + 250, y + 20)
    sh.text(x0, y + 30, "Clinician signature", 7)
    sh.text(x0 + 300, y + 17, rec_date(sh, "referral_date", c.referral_date), 10)
    sh.line(x0 + 295, y + 20, x0 + 420, y + 20)
    sh.text(x0 + 300, y + 30, "Date signed", 7)
    sh.text(x0, 770, f"{to.org}  |  Form NP-{rng.randrange(10, 99)}  |  Page 1 of 1", 7)
    if rng.random() < 0.4:
        imaging_page(ctx, c, g)


def medicaid_numbered(ctx: Ctx) -> None:
    """State Medicaid-style specialty referral / prior-authorization request with numbered items."""
    rng = ctx.rng
    c = case(rng, medicaid=True)
    if c.urgency == "stat":
        c.urgency = "urgent"  # the form only knows standard and expedited review
    g = ctx.new_gold()
    sh = ctx.page("referral_form", g)
    p, cov, rf, to = c.patient, c.coverage, c.referring, c.referred
    state = STATE_NAMES[p.addr.state].upper()
    x0, x1, top = 40.0, 572.0, 46 + rng.uniform(0, 14)
    sh.text(x0, top, f"{state} MEDICAL ASSISTANCE PROGRAM", 12, bold=True)
    sh.text(x0, top + 15, "REQUEST FOR SPECIALTY REFERRAL AND PRIOR AUTHORIZATION", 10, bold=True)
    sh.right(x1, top, f"Form MA-RF {rng.randrange(10, 40)} (Rev. 03/25)", 7)
    sh.text(
        x0, top + 28, "Type or print clearly. Incomplete requests will be returned. Items 1-16 required.", 7
    )
    y, h, mid = top + 36, 30.0, (x0 + x1) / 2

    def item(n: int, label: str, value: str, xa: float, xb: float) -> None:
        sh.box(xa, y, xb, y + h, 0.5)
        sh.text(xa + 3, y + 8.5, f"{n}. {label}", 7)
        if value:
            sh.text(xa + 8, y + h - 7, value, 10, font="cour")

    item(
        1,
        "Recipient name (Last, First, Middle)",
        rec_name(sh, "patient", p, "last_first").upper(),
        x0,
        mid + 60,
    )
    item(2, "Recipient ID", rec_member(sh, cov), mid + 60, x1)
    y += h
    rec(sh, "insurance.0.payer_name", cov.payer)
    item(3, "Date of birth", rec_date(sh, "patient.date_of_birth", p.dob, dob=True), x0, x0 + 150)
    item(4, "Sex", rec_sex(sh, p), x0 + 150, x0 + 230)
    item(5, "Recipient telephone", rec_phone(sh, "patient.phone", p.phone), x0 + 230, mid + 60)
    item(6, "Program", cov.payer, mid + 60, x1)
    y += h
    street, cityl = rec_addr(sh, "patient.address", p.addr)
    item(7, "Recipient address", f"{street}, {cityl}", x0, x1)
    y += h
    item(8, "Requesting provider name", rec_prov_name(sh, "referring_provider", rf, "last_first"), x0, mid)
    item(9, "Requesting provider NPI", rec(sh, "referring_provider.npi", rf.npi), mid, x1)
    y += h
    item(10, "Requesting provider phone", rec_phone(sh, "referring_provider.phone", rf.phone), x0, mid)
    item(11, "Requesting provider fax", rec_phone(sh, "referring_provider.fax", rf.fax), mid, x1)
    y += h
    item(12, "Rendering (referred-to) provider", rec_prov_name(sh, "referred_to", to, "last_first"), x0, mid)
    item(13, "Rendering provider NPI", rec(sh, "referred_to.npi", to.npi), mid, x1)
    y += h
    item(14, "Rendering provider specialty", rec(sh, "referred_to.specialty", to.specialty), x0, mid)
    for code in c.dx:
        g.dx(code, False)
    item(15, "Diagnosis code(s) (ICD-10-CM)", "  ".join(c.dx), mid, x1)
    y += h
    for code in c.cpt:
        g.proc(code)
    item(16, "Procedure / service code(s) (CPT/HCPCS)", "  ".join(c.cpt), x0, mid)
    sh.box(mid, y, x1, y + h, 0.5)
    sh.text(mid + 3, y + 8.5, "17. Review type", 7)
    rec_urgency(sh, c, {"routine": "", "urgent": ""})
    xx = sh.check(mid + 10, y + h - 7, "Standard", c.urgency == "routine") + 14
    sh.check(xx, y + h - 7, "Expedited (urgent, 72 hours)", c.urgency == "urgent")
    y += h
    sh.box(x0, y, x1, y + 70, 0.5)
    sh.text(x0 + 3, y + 8.5, "18. Medical necessity / reason for referral", 7)
    sh.wrap(x0 + 8, y + 22, x1 - x0 - 16, rec(sh, "reason", c.reason.capitalize() + "."), 10, font="cour")
    y += 70
    item(19, "PA number (agency use only)", rec_auth(sh, c) if c.auth else "", x0, mid)
    item(20, "Date of request", rec_date(sh, "referral_date", c.referral_date), mid, x1)
    y += h + 16
    sh.wrap(
        x0,
        y,
        x1 - x0,
        "I certify that the services requested are medically necessary and that the information "
        "above is true and complete. Falsification may result in sanctions under the program rules.",
        7,
    )
    sh.line(x0, y + 50, x0 + 260, y + 50)
    sh.text(x0, y + 60, "Signature of requesting provider", 7)


def odd_labels(ctx: Ctx) -> None:
    """Worksheet with unusual label wording: labels in a left column, values flush right, labels under values."""
    rng = ctx.rng
    c = case(rng)
    g = ctx.new_gold()
    sh = ctx.page("referral_form", g)
    p, cov, rf, to = c.patient, c.coverage, c.referring, c.referred
    x0, x1 = 54.0, 558.0 + rng.uniform(-10, 0)
    y = 60 + rng.uniform(0, 20)
    sh.text(x0, y, "CLIENT REFERRAL WORKSHEET", 15, bold=True)
    sh.text(x0, y + 14, rec(sh, "referring_provider.organization", rf.org), 9)
    y += 40
    words = {"routine": "Routine", "urgent": rng.choice(["ASAP", "Urgent"]), "stat": "STAT"}
    street, cityl = rec_addr(sh, "patient.address", p.addr)
    rows: list[tuple[str, str]] = [
        ("Client", rec_name(sh, "patient", p, rng.choice(["first_last", "last_first"]))),
        ("Birth Date", rec_date(sh, "patient.date_of_birth", p.dob, dob=True)),
        ("Gender", rec_sex(sh, p)),
        ("Residence", street),
        ("", cityl),
        ("Contact #", rec_phone(sh, "patient.phone", p.phone)),
    ]
    if p.email:
        rows.append(("E-mail", rec(sh, "patient.email", p.email)))
    rows += [
        ("Health Plan", rec(sh, "insurance.0.payer_name", cov.payer)),
        ("Plan ID #", rec_member(sh, cov)),
        ("Grp", rec(sh, "insurance.0.group_number", cov.group)),
        ("Ordering Clinician", rec_prov_name(sh, "referring_provider", rf, rng.choice(["dr", "first_cred"]))),
        ("Clinician NPI", rec(sh, "referring_provider.npi", rf.npi)),
        ("Callback", rec_phone(sh, "referring_provider.phone", rf.phone)),
        ("Send To", rec(sh, "referred_to.organization", to.org)),
        ("Discipline", rec(sh, "referred_to.specialty", to.specialty)),
        ("Priority", rec_urgency(sh, c, words)),
    ]
    for code in c.dx:
        g.dx(code, False)
    rows.append(("Diagnosis (ICD-10)", ", ".join(c.dx)))
    if c.auth:
        rows.append(("Auth Ref", rec_auth(sh, c)))
    for label, value in rows:
        vw = pymupdf.get_text_length(value, fontname=sh.fonts[1], fontsize=10.5)
        if label:
            sh.text(x0, y, label, 10, bold=True)
            sh.line(x0 + 120, y + 1, min(x1 - 180, x1 - vw - 12), y + 1, 0.3)
        sh.right(x1, y, value, 10.5)
        y += 19
    y += 8
    sh.text(x0, y, "Why is the client being sent?", 10, bold=True)
    y = sh.wrap(x0, y + 15, x1 - x0, rec(sh, "reason", c.reason.capitalize() + "."), 10.5)
    y += 30
    # signature-line block: the values sit on the line, their labels are printed underneath
    sh.text(x0, y, rec_prov_name(sh, "referring_provider", rf, "first_cred"), 11, font="tiit")
    sh.text(x0 + 300, y, rec_date(sh, "referral_date", c.referral_date), 11)
    sh.line(x0, y + 4, x0 + 240, y + 4)
    sh.line(x0 + 295, y + 4, x0 + 440, y + 4)
    sh.text(x0, y + 14, "Ordering Clinician", 8)
    sh.text(x0 + 300, y + 14, "Date", 8)
    sh.text(x0, 760, "Keep a copy for the client's file.", 7)
