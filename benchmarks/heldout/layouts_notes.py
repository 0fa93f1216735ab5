"""Held-out narrative and printout families: memo consult request, EHR referral-order printout, discharge
referral with a patient label sticker."""

from __future__ import annotations

from canvas import (
    Ctx,
    rec,
    rec_addr,
    rec_auth,
    rec_date,
    rec_member,
    rec_name,
    rec_phone,
    rec_prov_name,
    rec_sex,
    rec_urgency,
)
from pages_extra import demographics_page, lab_page
from people import case, icd_desc


def memo_consult(ctx: Ctx) -> None:
    """Interoffice memo: TO/FROM/DATE/RE header, then prose naming the patient, DOB and codes."""
    rng = ctx.rng
    c = case(rng)
    g = ctx.new_gold()
    sh = ctx.page("clinical_note", g)
    p, rf, to = c.patient, c.referring, c.referred
    x0, y = 72.0 + rng.uniform(-10, 10), 70.0 + rng.uniform(0, 30)
    sh.text(x0, y, rec(sh, "referring_provider.organization", rf.org), 13, bold=True)
    street, cityl = rec_addr(sh, "referring_provider.address", rf.addr)
    sh.text(x0, y + 14, f"{street}  -  {cityl}", 8.5)
    sh.text(
        x0,
        y + 25,
        "Tel "
        + rec_phone(sh, "referring_provider.phone", rf.phone)
        + "    Fax "
        + rec_phone(sh, "referring_provider.fax", rf.fax),
        8.5,
    )
    y += 60
    sh.text(x0, y, "MEMORANDUM", 16, bold=True)
    y += 26
    pname = rec_name(sh, "patient", p, "first_last")
    urg = rec_urgency(sh, c, {"routine": "", "urgent": "", "stat": ""})
    header = [
        (
            "TO:",
            rec_prov_name(sh, "referred_to", to, "dr")
            + ", "
            + rec(sh, "referred_to.specialty", to.specialty),
        ),
        ("FROM:", rec_prov_name(sh, "referring_provider", rf, "first_cred")),
        ("DATE:", rec_date(sh, "referral_date", c.referral_date)),
        ("RE:", f"Consult request - {pname}"),
    ]
    for label, value in header:
        sh.text(x0, y, label, 10.5, bold=True)
        sh.text(x0 + 60, y, value, 10.5)
        y += 16
    sh.line(x0, y - 6, 540, y - 6, 1.2)
    y += 8
    dob = rec_date(sh, "patient.date_of_birth", p.dob, dob=True)
    sex = {"F": "woman", "M": "man"}.get(p.sex)
    if sex:
        rec(sh, "patient.sex", p.sex)
    age = (c.referral_date - p.dob).days // 365
    who = f"a {age}-year-old {sex}" if sex else f"a {age}-year-old patient"
    sh.text(x0, y, f"Pt: {pname}", 10.5, bold=True)
    sh.text(x0 + 230, y, f"DOB {dob}", 10.5, bold=True)
    if rng.random() < 0.6:
        sh.text(x0 + 370, y, "Ins ID " + rec_member(sh, c.coverage), 9.5)
    y += 22
    pron = {"F": "She", "M": "He"}.get(p.sex, "They")
    dx_txt = "; ".join(f"{icd_desc(code).lower()} ({code})" for code in c.dx)
    for code in c.dx:
        g.dx(code, True)
    urgent = {
        "routine": "at your convenience",
        "urgent": "urgently, ideally within the week",
        "stat": "STAT - please call me today",
    }[c.urgency]
    _ = urg
    paras = [
        f"Dear Dr. {to.last}," if to.cred in ("MD", "DO") else f"Dear {to.first} {to.last},",
        f"I would be grateful if you could see {who} from my panel for {rec(sh, 'reason', c.reason)}. "
        f"Working diagnoses: {dx_txt}.",
        f"{pron} can be reached at {rec_phone(sh, 'patient.phone', p.phone)}. Please schedule {urgent}.",
    ]
    if c.meds:
        for m in c.meds:
            g.listed("medications", m)
        paras.append("Current medicines: " + "; ".join(c.meds) + ".")
    if c.allergies:
        for a in c.allergies:
            g.listed("allergies", a)
        paras.append("Allergies: " + ", ".join(c.allergies) + ".")
    paras.append("Records of the last two visits are attached. Thank you for your help with this patient.")
    for para in paras:
        y = sh.wrap(x0, y, 468, para, 10.5) + 8
    y += 20
    sh.text(x0, y, "Sincerely,", 10.5)
    sh.text(x0, y + 40, f"{rf.first} {rf.last}, {rf.cred}", 10.5)
    sh.text(x0, y + 54, "NPI " + rec(sh, "referring_provider.npi", rf.npi), 9)


def ehr_order(ctx: Ctx) -> None:
    """EHR 'Referral Order' printout: banner, order table with CPT codes, diagnosis table, signer block."""
    rng = ctx.rng
    c = case(rng)
    g = ctx.new_gold()
    p, cov, rf, to = c.patient, c.coverage, c.referring, c.referred
    sh = ctx.page("referral_form", g)
    x0, x1 = 30.0, 582.0
    sh.box(x0, 28, x1, 62, 0.5, fill=(0.88, 0.88, 0.88))
    sh.text(x0 + 6, 42, rec_name(sh, "patient", p, "last_first").upper(), 11, font="hebo")
    age = (c.referral_date - p.dob).days // 365
    sh.text(
        x0 + 6,
        56,
        f"DOB: {rec_date(sh, 'patient.date_of_birth', p.dob, dob=True)} ({age} y)   "
        f"Sex: {rec_sex(sh, p)}   MRN: {rec(sh, 'patient.mrn', p.mrn.upper())}",
        8.5,
        font="helv",
    )
    sh.right(x1 - 6, 42, f"Enc #{rng.randrange(10**7, 10**8)}", 8, font="helv")
    sh.right(x1 - 6, 56, "PCP: " + rec_prov_name(sh, "referring_provider", rf, "last_first"), 8, font="helv")
    y = 90.0
    sh.text(x0, y, "Referral Order", 16, font="hebo")
    sh.right(x1, y, "Ordered " + rec_date(sh, "referral_date", c.referral_date), 9, font="helv")
    y += 24
    heads = [("Order", 0), ("Code", 250), ("Priority", 320), ("Qty", 390), ("Status", 430)]
    sh.box(x0, y - 10, x1, y + 4, 0.4, fill=(0.93, 0.93, 0.93))
    for h, dx in heads:
        sh.text(x0 + 4 + dx, y, h, 8.5, font="hebo")
    y += 16
    prio = rec_urgency(sh, c, {"routine": "Routine", "urgent": "Urgent", "stat": "STAT"})
    orders = [(f"Ambulatory referral to {rec(sh, 'referred_to.specialty', to.specialty)}", "REF", prio)]
    for code in c.cpt:
        g.proc(code)
        orders.append(("Diagnostic service", code, prio))
    for name, code, pr in orders:
        for text, dx in ((name, 0), (code, 250), (pr, 320), ("1", 390), ("Signed", 430)):
            sh.text(x0 + 4 + dx, y, text, 9, font="helv")
        y += 14
    y += 14
    sh.text(x0, y, "Associated Diagnoses", 11, font="hebo")
    y += 16
    for code in c.dx:
        g.dx(code, True)
        sh.text(x0 + 4, y, code, 9, font="cour")
        sh.text(x0 + 80, y, icd_desc(code), 9, font="helv")
        y += 13
    y += 14
    sh.text(x0, y, "Referral Details", 11, font="hebo")
    y += 16
    details = [
        ("Refer to provider", rec_prov_name(sh, "referred_to", to, "last_first")),
        ("Refer to location", rec(sh, "referred_to.organization", to.org)),
        ("Provider NPI", rec(sh, "referred_to.npi", to.npi)),
        ("Reason", rec(sh, "reason", c.reason)),
        (
            "Coverage",
            rec(sh, "insurance.0.payer_name", cov.payer) + " / " + rec(sh, "insurance.0.plan_name", cov.plan),
        ),
        ("Subscriber ID", rec_member(sh, cov)),
    ]
    if c.auth:
        details.append(("Auth/Cert #", rec_auth(sh, c)))
    for label, value in details:
        sh.text(x0 + 4, y, label + ":", 9, font="hebo")
        sh.text(x0 + 120, y, value, 9, font="helv")
        y += 14
    y += 16
    sh.text(x0, y, "Ordering provider", 11, font="hebo")
    y += 15
    street, cityl = rec_addr(sh, "referring_provider.address", rf.addr)
    for line in (
        rec_prov_name(sh, "referring_provider", rf, "first_cred")
        + "  NPI "
        + rec(sh, "referring_provider.npi", rf.npi),
        rec(sh, "referring_provider.organization", rf.org),
        street,
        cityl,
        "P: "
        + rec_phone(sh, "referring_provider.phone", rf.phone)
        + "   F: "
        + rec_phone(sh, "referring_provider.fax", rf.fax),
    ):
        sh.text(x0 + 4, y, line, 9, font="helv")
        y += 12
    sh.text(
        x0,
        770,
        f"Printed {c.referral_date.isoformat()} 14:{rng.randrange(10, 59)} by front desk  -  Page 1",
        7,
        font="helv",
    )
    if rng.random() < 0.4:
        demographics_page(ctx, c, g)


def discharge_sticker(ctx: Ctx) -> None:
    """Hospital discharge follow-up referral; the patient is identified only by a printed label sticker."""
    rng = ctx.rng
    c = case(rng)
    g = ctx.new_gold()
    p, cov, rf, to = c.patient, c.coverage, c.referring, c.referred
    sh = ctx.page("referral_form", g)
    hosp = rng.choice(["St. Brigid Regional Medical Center", "Mercy Plains Hospital", "Valley Ridge General"])
    sh.text(40, 50, rec(sh, "referring_provider.organization", hosp).upper(), 12, bold=True)
    sh.text(40, 64, "Case Management  -  Post-Discharge Specialty Follow-up", 9)
    # label sticker, top right, small monospaced text like a thermal label
    lx, ly = 350 + rng.uniform(-10, 10), 34 + rng.uniform(0, 8)
    sh.box(lx, ly, lx + 200, ly + 64, 0.5)
    sh.text(lx + 6, ly + 12, rec_name(sh, "patient", p, "last_first").upper(), 9, font="cobo")
    sh.text(
        lx + 6,
        ly + 24,
        f"MRN {rec(sh, 'patient.mrn', p.mrn.upper())}   FIN {rng.randrange(10**8, 10**9)}",
        7.5,
        font="cour",
    )
    sh.text(
        lx + 6,
        ly + 35,
        f"DOB {rec_date(sh, 'patient.date_of_birth', p.dob, dob=True)}  {rec_sex(sh, p)}",
        7.5,
        font="cour",
    )
    sh.text(lx + 6, ly + 46, f"{cov.payer.upper()[:24]}", 7.5, font="cour")
    if len(cov.payer) <= 24:  # a longer name is cut on the label, so the gold cannot hold it
        rec(sh, "insurance.0.payer_name", cov.payer)
    sh.text(lx + 6, ly + 57, f"ATT: {rf.last.upper()}, {rf.first.upper()}", 7.5, font="cour")
    y = 130.0
    sh.text(40, y, "Follow-up appointment requested with:", 10, bold=True)
    y += 16
    sh.text(
        56,
        y,
        rec_prov_name(sh, "referred_to", to, rng.choice(["dr", "first_cred"]))
        + "  ("
        + rec(sh, "referred_to.specialty", to.specialty)
        + ")",
        10,
    )
    y += 14
    sh.text(
        56,
        y,
        rec(sh, "referred_to.organization", to.org)
        + "   Office "
        + rec_phone(sh, "referred_to.phone", to.phone),
        10,
    )
    y += 24
    rec(sh, "referring_provider.first_name", rf.first)
    rec(sh, "referring_provider.last_name", rf.last)
    when = rec_urgency(
        sh,
        c,
        {
            "routine": "within 2-4 weeks (routine)",
            "urgent": "within 3 days (urgent)",
            "stat": "same day (STAT)",
        },
    )
    sh.text(40, y, "Timeframe:", 10, bold=True)
    sh.text(120, y, when, 10)
    y += 16
    sh.text(40, y, "Referral date:", 10, bold=True)
    sh.text(140, y, rec_date(sh, "referral_date", c.referral_date), 10)
    y += 26
    sh.text(40, y, "Discharge diagnoses", 10, bold=True)
    y += 14
    for i, code in enumerate(c.dx, 1):
        g.dx(code, True)
        sh.text(56, y, f"{i}. {icd_desc(code)} - {code}", 9.5)
        y += 13
    y += 12
    sh.text(40, y, "Reason for follow-up", 10, bold=True)
    y = sh.wrap(56, y + 14, 500, rec(sh, "reason", c.reason.capitalize()), 10) + 10
    if c.meds:
        sh.text(40, y, "Discharge medications", 10, bold=True)
        y += 14
        for m in c.meds:
            g.listed("medications", m)
            sh.text(56, y, "- " + m, 9.5)
            y += 12
        y += 8
    if c.allergies:
        sh.text(40, y, "Allergies: " + ", ".join(c.allergies), 10)
        for a in c.allergies:
            g.listed("allergies", a)
        y += 20
    y += 20
    sh.text(40, y, "Attending:", 9, bold=True)
    sh.text(
        100,
        y,
        rec_prov_name(sh, "referring_provider", rf, "first_cred")
        + "   NPI "
        + rec(sh, "referring_provider.npi", rf.npi),
        9,
    )
    y += 14
    sh.text(40, y, "Attending office " + rec_phone(sh, "referring_provider.phone", rf.phone), 9)
    sh.text(40, 770, f"{hosp}  |  CM-FU-{rng.randrange(100, 999)}", 7)
    if rng.random() < 0.5:
        lab_page(ctx, c, g)
