"""Held-out packet families: hand-filled style form, two-patient fax packet, insurance card copy + note."""

from __future__ import annotations

from canvas import (
    Ctx,
    Gold,
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
from people import Case, case, fmt_phone, icd_desc


def _scrawl(sh: Sheet, x: float, y: float, s: str, size: float = 11) -> None:
    """Hand-printed look: oblique courier capitals, each word nudged off the baseline."""
    for word in s.upper().split(" "):
        x = sh.text(
            x, y + sh.rng.uniform(-1.2, 1.2), word + " ", size * sh.rng.uniform(0.95, 1.08), font="coit"
        )


def handwritten(ctx: Ctx) -> None:
    """Blank-line form filled in by hand (ALL CAPS, wobbly baseline)."""
    rng = ctx.rng
    c = case(rng)
    g = ctx.new_gold()
    sh = ctx.page("referral_form", g)
    p, cov, rf, to = c.patient, c.coverage, c.referring, c.referred
    x0 = 50.0
    sh.text(x0, 56, "REFERRAL SLIP", 18, font="tibo")
    sh.text(x0, 72, "Please print. One patient per slip.", 8, font="tiit")
    y = 110.0
    street, cityl = rec_addr(sh, "patient.address", p.addr)
    rows = [
        [
            ("Patient", rec_name(sh, "patient", p, "first_last"), 300),
            ("Birthdate", rec_date(sh, "patient.date_of_birth", p.dob, dob=True), 200),
        ],
        [("Address", street, 500)],
        [("City / State / Zip", cityl, 500)],
        [("Phone", rec_phone(sh, "patient.phone", p.phone), 250), ("M / F", rec_sex(sh, p), 100)],
        [("Insurance", rec(sh, "insurance.0.payer_name", cov.payer), 300), ("ID", rec_member(sh, cov), 200)],
        [
            ("Referred to", rec_prov_name(sh, "referred_to", to, "dr"), 300),
            ("Specialty", rec(sh, "referred_to.specialty", to.specialty), 200),
        ],
        [
            ("Referred by", rec_prov_name(sh, "referring_provider", rf, "dr"), 300),
            ("Office ph", rec_phone(sh, "referring_provider.phone", rf.phone), 200),
        ],
    ]
    for row in rows:
        x = x0
        for label, value, width in row:
            end = sh.text(x, y, label + ":", 9, font="tiro")
            sh.line(end + 3, y + 2, x + width - 8, y + 2, 0.4)
            _scrawl(sh, end + 8, y - 1, value)
            x += width
        y += 34
    for code in c.dx:
        g.dx(code, False)
    sh.text(x0, y, "Dx / ICD-10:", 9, font="tiro")
    sh.line(x0 + 60, y + 2, 550, y + 2, 0.4)
    _scrawl(sh, x0 + 66, y - 1, "  ".join(c.dx))
    y += 34
    sh.text(x0, y, "Reason:", 9, font="tiro")
    sh.line(x0 + 40, y + 2, 550, y + 2, 0.4)
    _scrawl(sh, x0 + 46, y - 1, rec(sh, "reason", c.reason), 10)
    y += 40
    sh.text(x0, y, "Circle one:", 9, font="tiro")
    rec_urgency(sh, c, {"routine": "", "urgent": "", "stat": ""})
    x = x0 + 70
    for key, label in (("routine", "ROUTINE"), ("urgent", "URGENT"), ("stat", "STAT")):
        end = sh.text(x, y, label, 10, font="tibo")
        if key == c.urgency:
            sh.page.draw_oval((x - 6, y - 13, end + 6, y + 5), color=(0, 0, 0), width=1.1)
        x = end + 40
    y += 40
    sh.text(x0, y, "Date:", 9, font="tiro")
    _scrawl(sh, x0 + 40, y - 1, rec_date(sh, "referral_date", c.referral_date))


def _short_form(sh: Sheet, c: Case, g: Gold, n: int) -> None:
    """Compact referral page used inside the packet; labels and values on one line."""
    p, cov, rf, to = c.patient, c.coverage, c.referring, c.referred
    rng = sh.rng
    y = 60.0
    sh.text(50, y, f"Referral {n} of 2", 14, bold=True)
    y += 30
    street, cityl = rec_addr(sh, "patient.address", p.addr)
    lines = [
        ("Patient name", rec_name(sh, "patient", p, rng.choice(["first_last", "last_first"]))),
        ("Date of birth", rec_date(sh, "patient.date_of_birth", p.dob, dob=True)),
        ("Sex", rec_sex(sh, p)),
        ("Home address", f"{street}, {cityl}"),
        ("Telephone", rec_phone(sh, "patient.phone", p.phone)),
        ("Insurer", rec(sh, "insurance.0.payer_name", cov.payer)),
        ("Insured ID", rec_member(sh, cov)),
        ("Group", rec(sh, "insurance.0.group_number", cov.group)),
        ("Referring", rec_prov_name(sh, "referring_provider", rf, "first_cred")),
        ("Referring NPI", rec(sh, "referring_provider.npi", rf.npi)),
        ("Consultant", rec_prov_name(sh, "referred_to", to, "dr")),
        ("Service", rec(sh, "referred_to.specialty", to.specialty)),
        ("Urgency", rec_urgency(sh, c, {"routine": "Routine", "urgent": "Urgent", "stat": "Stat"})),
        ("Date", rec_date(sh, "referral_date", c.referral_date)),
    ]
    sub = rec_subscriber(sh, cov)
    if sub:
        lines.insert(8, ("Insured party", f"{sub[0]} ({sub[1]})"))
    for label, value in lines:
        sh.text(50, y, label, 10, bold=True)
        sh.text(170, y, value, 10)
        y += 17
    y += 10
    sh.text(50, y, "Diagnoses", 10, bold=True)
    y += 15
    for code in c.dx:
        g.dx(code, True)
        sh.text(60, y, f"{code} - {icd_desc(code)}", 9.5)
        y += 13
    y += 10
    sh.text(50, y, "Clinical question", 10, bold=True)
    sh.wrap(60, y + 15, 480, rec(sh, "reason", c.reason.capitalize() + "."), 10)


def two_patient_packet(ctx: Ctx) -> None:
    """Fax packet from one clinic: cover listing 'Patients: 2', then each patient's referral (+ a note)."""
    rng = ctx.rng
    c1 = case(rng)
    c2 = case(rng, c1.referred.specialty)
    # one sender, one receiving practice, one fax date for both patients
    c2.referring, c2.referred, c2.referral_date = c1.referring, c1.referred, c1.referral_date
    g1, g2 = ctx.new_gold(), ctx.new_gold()
    rf = c1.referring
    cover = ctx.page("cover_sheet", g1)  # the cover travels with the first referral
    cover.text(50, 70, "FAX TRANSMITTAL", 20, bold=True)
    pages = 4 + (1 if c2.meds else 0)
    y = 120.0
    for label, value in (
        ("Date", c1.referral_date.strftime("%m/%d/%Y")),
        ("To", c1.referred.org),
        ("From", f"{rf.first} {rf.last}, {rf.cred}  -  {rf.org}"),
        ("Sender phone", fmt_phone(rng, rf.phone)),
        ("Sender fax", fmt_phone(rng, rf.fax)),
        ("Pages (incl. cover)", str(pages)),
        ("Patients", "2"),
    ):
        cover.text(50, y, label + ":", 11, bold=True)
        cover.text(200, y, value, 11)
        y += 20
    for g, c in ((g1, c1), (g2, c2)):
        rec_prov_name(Sheet_for(cover, g), "referring_provider", rf, "first_cred")
        rec(Sheet_for(cover, g), "referring_provider.organization", rf.org)
        rec(Sheet_for(cover, g), "referring_provider.phone", rf.phone)
        rec(Sheet_for(cover, g), "referring_provider.fax", rf.fax)
        rec(Sheet_for(cover, g), "referred_to.organization", c.referred.org)
    g2.pages.discard(1)
    cover.wrap(
        50,
        y + 30,
        500,
        "CONFIDENTIAL: this transmission contains protected health information for the "
        "named recipient only. If received in error, notify the sender by phone and destroy all pages.",
        8,
    )
    sh = ctx.page("referral_form", g1)
    _short_form(sh, c1, g1, 1)
    note = ctx.page("clinical_note", g1)
    note.text(50, 60, "Progress note (excerpt)", 12, bold=True)
    note.wrap(
        50,
        84,
        500,
        f"Seen in clinic {c1.referral_date.strftime('%m/%d/%Y')}. {c1.reason.capitalize()}. "
        "Exam and history as documented in the chart. Plan: specialist opinion requested; follow up "
        "here in 6 weeks.",
        10,
    )
    sh2 = ctx.page("referral_form", g2)
    _short_form(sh2, c2, g2, 2)
    if c2.meds:
        med = ctx.page("clinical_note", g2)
        med.text(50, 60, "Medication list", 12, bold=True)
        y = 84.0
        for m in c2.meds:
            g2.listed("medications", m)
            med.text(60, y, m, 10)
            y += 14


def Sheet_for(sh: Sheet, g: Gold) -> Sheet:
    """The same page, recording into another referral's gold."""
    other = Sheet.__new__(Sheet)
    other.page, other.rng, other.fonts, other.gold = sh.page, sh.rng, sh.fonts, g
    return other


def card_copy(ctx: Ctx) -> None:
    """Photocopy of an insurance card (front and back) followed by a short referral note."""
    rng = ctx.rng
    c = case(rng)
    g = ctx.new_gold()
    p, cov, rf, to = c.patient, c.coverage, c.referring, c.referred
    sh = ctx.page("insurance_card", g)
    sh.text(50, 50, "COPY OF INSURANCE CARD - FRONT AND BACK", 9, bold=True)
    for side, y0 in (("front", 80.0), ("back", 330.0)):
        x0 = 90 + rng.uniform(-15, 15)
        sh.page.draw_rect((x0, y0, x0 + 360, y0 + 220), color=(0, 0, 0), width=1.2, radius=0.06)
        if side == "front":
            sh.box(x0 + 1, y0 + 1, x0 + 359, y0 + 40, 0, fill=(0.75, 0.75, 0.75))
            sh.text(x0 + 14, y0 + 27, rec(sh, "insurance.0.payer_name", cov.payer), 14, font="hebo")
            sh.text(x0 + 14, y0 + 60, rec(sh, "insurance.0.plan_name", cov.plan), 10, font="helv")
            holder = cov.subscriber if cov.subscriber is not None else p
            if cov.subscriber is not None:
                rec(sh, "insurance.0.subscriber_name", f"{holder.first} {holder.last}")
            else:
                rec_name(sh, "patient", p, "first_last")
            rows = [
                ("Member", f"{holder.first} {holder.last}".upper()),
                ("Member ID", rec_member(sh, cov)),
                ("Group", rec(sh, "insurance.0.group_number", cov.group)),
                ("Payer ID", rec(sh, "insurance.0.payer_id", cov.payer_id)),
            ]
            yy = y0 + 90
            for label, value in rows:
                sh.text(x0 + 14, yy, label, 8, font="helv")
                sh.text(x0 + 100, yy, value, 10.5, font="hebo")
                yy += 20
            sh.text(
                x0 + 14,
                yy + 10,
                f"RxBIN {rng.randrange(100000, 999999)}   RxPCN {rng.choice(['ADV', 'RXA'])}",
                8,
                font="helv",
            )
            sh.text(x0 + 220, yy + 10, "PCP copay $25  SPC $50", 8, font="helv")
        else:
            sh.wrap(
                x0 + 14,
                y0 + 24,
                330,
                "Members: present this card at every visit. Pre-certification is "
                "required for inpatient stays and advanced imaging. Out-of-network services may cost more.",
                8,
                font="helv",
            )
            sh.text(
                x0 + 14,
                y0 + 100,
                "Member services  " + fmt_phone(rng, f"800555{rng.randrange(100, 200):04d}"),
                9,
                font="helv",
            )
            sh.text(
                x0 + 14,
                y0 + 116,
                "Provider line    " + fmt_phone(rng, f"888555{rng.randrange(100, 200):04d}"),
                9,
                font="helv",
            )
            sh.text(x0 + 14, y0 + 140, "Claims: PO Box 4410, Topeka KS 66601", 9, font="helv")
    note = ctx.page("referral_form", g)
    y = 70.0
    note.text(60, y, rec(note, "referring_provider.organization", rf.org), 13, bold=True)
    note.text(60, y + 14, "Fax " + rec_phone(note, "referring_provider.fax", rf.fax), 9)
    y += 50
    note.text(60, y, rec_date(note, "referral_date", c.referral_date), 10.5)
    y += 30
    who = rec_name(note, "patient", p, "first_last")
    dob = rec_date(note, "patient.date_of_birth", p.dob, dob=True)
    urg = rec_urgency(
        note,
        c,
        {
            "routine": "",
            "urgent": " This is urgent; please book within 72 hours.",
            "stat": " STAT: please call our office today.",
        },
    )
    for code in c.dx:
        g.dx(code, False)
    body = (
        f"Please see {who} (born {dob}) in your {rec(note, 'referred_to.specialty', to.specialty)} clinic for "
        f"{rec(note, 'reason', c.reason)}. ICD-10: {', '.join(c.dx)}.{urg} Card copy attached."
    )
    y = note.wrap(60, y, 480, body, 10.5) + 30
    if c.urgency == "routine":
        rec(note, "urgency", "routine", "")
        note.text(60, y - 15, "Priority: routine", 10.5)
    if c.auth:
        note.text(60, y, "Authorization: " + rec_auth(note, c), 10.5)
        y += 20
    note.text(60, y + 20, rec_prov_name(note, "referring_provider", rf, "first_cred"), 10.5)
    note.text(60, y + 34, "NPI " + rec(note, "referring_provider.npi", rf.npi), 9)
