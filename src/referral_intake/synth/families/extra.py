"""Two small real-world shapes: a prescription-pad referral ("Rx: PT eval and treat"), and a payer's
authorization approval letter naming the member, both providers and the authorization number.
"""

from __future__ import annotations

import pymupdf

from referral_intake.contract import PageKind
from referral_intake.synth.families.common import Flow
from referral_intake.synth.formats import fmt_date
from referral_intake.synth.gold import Printed
from referral_intake.synth.render import PAGE_W


def render_rx_pad(doc: pymupdf.Document, prs: list[Printed]) -> list[PageKind]:
    """A half-page prescription blank, photocopied onto a letter page."""
    kinds: list[PageKind] = []
    for pr in prs:
        rng, case, p, ref = pr.rng, pr.case, pr.case.patient, pr.case.referring
        flow = Flow(doc, pr, kinds, "referral_form", font=rng.choice(("helv", "tiro")), size=10.0)
        sh = flow.sheet
        x0, y0 = rng.uniform(40, 90), rng.uniform(40, 90)
        x1, y1 = x0 + rng.uniform(380, 460), y0 + rng.uniform(330, 390)
        sh.rect(x0, y0, x1, y1, width=1.0)
        mid = (x0 + x1) / 2
        y = y0 + 22
        sh.text(mid, y, pr.person_name("referring_provider", ref), 12, bold=True, align="center")
        y += 14
        sh.text(mid, y, pr.text("referring_provider.organization", ref.organization), 9, align="center")
        street, city = pr.address("referring_provider.address", ref.addr)
        sh.text(mid, y + 11, f"{street}, {city}", 8, align="center")
        sh.text(
            mid,
            y + 22,
            f"Tel {pr.phone('referring_provider.phone', ref.phone)}   NPI "
            f"{pr.text('referring_provider.npi', ref.npi)}",
            8,
            align="center",
        )
        y += 44
        sh.text(x0 + 12, y, "Name")
        sh.value(x0 + 50, y - 1, pr.patient_name())
        sh.hline(x0 + 46, x1 - 150, y + 2, 0.4)
        sh.text(x1 - 140, y, "DOB")
        sh.value(x1 - 112, y - 1, pr.date("patient.date_of_birth", p.dob))
        sh.hline(x1 - 115, x1 - 12, y + 2, 0.4)
        y += 22
        if p.addr and rng.random() < 0.6:
            street, city = pr.address("patient.address", p.addr)
            sh.text(x0 + 12, y, "Address")
            sh.value(x0 + 60, y - 1, f"{street}, {city}", 9)
            sh.hline(x0 + 56, x1 - 12, y + 2, 0.4)
            y += 22
        sh.text(x0 + 12, y + 18, "Rx", 26, bold=True, italic=True)
        y += 8
        to = case.referred_to
        body = (
            f"Referral to {pr.text('referred_to.specialty', to.specialty)}: {pr.text('reason', case.reason)}."
        )
        y = sh.wrap(x0 + 56, y, x1 - x0 - 70, body, 10.5) + 3
        dxs = ", ".join(f"{pr.dx(i, with_desc=False)}" for i in range(len(case.diagnoses)))
        y = sh.wrap(x0 + 56, y, x1 - x0 - 70, f"Dx: {dxs}", 10.5) + 3
        if rng.random() < 0.5:
            y = sh.wrap(
                x0 + 56,
                y,
                x1 - x0 - 70,
                rng.choice(("Eval and treat.", "2x/week x 6 weeks.", "Please see and advise.")),
                10.5,
            )
        if case.urgency != "routine":
            pr.put("urgency", case.urgency)
            sh.text(x0 + 12, y1 - 44, case.urgency.upper(), 14, bold=True, color=(0.6, 0, 0))
        sh.text(x0 + 12, y1 - 22, f"Date {pr.date('referral_date', case.referral_date)}")
        sh.scribble(x1 - 190, y1 - 26, 120, rng)
        sh.hline(x1 - 200, x1 - 14, y1 - 20, 0.5)
        sh.text(x1 - 200, y1 - 9, "Signature", 7)
    return kinds


PAYER_NAMES = ("Utilization Management", "Prior Authorization Department", "Medical Management")


def render_payer_auth(doc: pymupdf.Document, prs: list[Printed]) -> list[PageKind]:
    """A payer's approval of the referral: member, requesting and servicing providers, auth number."""
    kinds: list[PageKind] = []
    for pr in prs:
        rng, case, p = pr.rng, pr.case, pr.case.patient
        if not case.authorization:
            case.authorization = f"PA{rng.randint(10**7, 10**8)}"
        flow = Flow(doc, pr, kinds, "other", font=rng.choice(("helv", "tiro")))
        sh = flow.sheet
        c = case.coverages[0] if case.coverages else None
        head = pr.text("insurance.0.payer_name", c.payer) if c else "Health Plan"
        sh.text(flow.margin, flow.y + 6, head, flow.size + 8, bold=True)
        sh.text(flow.right, flow.y + 6, rng.choice(PAYER_NAMES), flow.size, align="right")
        flow.y += 40
        sh.text(flow.margin, flow.y, fmt_date(case.referral_date, pr.style))
        flow.y += flow.size * 2.5
        sh.text(flow.margin, flow.y, "NOTICE OF APPROVED REFERRAL / AUTHORIZATION", flow.size + 2, bold=True)
        flow.y += flow.size * 2.5
        rows = [("Member", pr.patient_name()), ("Date of Birth", pr.date("patient.date_of_birth", p.dob))]
        if c:
            rows.append(("Member ID", pr.member_id(0)))
            if c.group:
                rows.append(("Group", pr.text("insurance.0.group_number", c.group.upper())))
        rows += [
            ("Authorization #", pr.text("authorization_number", case.authorization)),
            ("Requesting Provider", pr.person_name("referring_provider", case.referring)),
            ("Requesting NPI", pr.text("referring_provider.npi", case.referring.npi)),
            ("Servicing Provider", pr.person_name("referred_to", case.referred_to)),
            ("Servicing NPI", pr.text("referred_to.npi", case.referred_to.npi)),
            ("Specialty", pr.text("referred_to.specialty", case.referred_to.specialty)),
            ("Diagnosis", pr.dx(0)),
            ("Visits Approved", str(rng.choice((1, 3, 6, 12)))),
        ]
        for label, value in rows:
            sh.text(flow.margin + 10, flow.y, label + ":", bold=True)
            sh.text(flow.margin + 150, flow.y, value)
            flow.y += flow.size * 1.6
        flow.y += flow.size
        flow.y = sh.wrap(
            flow.margin,
            flow.y,
            flow.right - flow.margin,
            (
                "This approval is not a guarantee of payment. Benefits are subject to the member's eligibility "
                "on the date of service and to the terms of the member's plan. Services must be rendered within "
                "the approved period."
            ),
            flow.size - 0.5,
        )
        sh.text(
            PAGE_W / 2, 792 - 40, "Questions? Call Provider Services at 1-800-555-0142.", 8, align="center"
        )
    return kinds


JUNK = (
    (
        "MEDICAL SUPPLY SPECIALS",
        "This month only for valued practices:",
        (
            "Nitrile exam gloves, box of 100 ... $6.95",
            "Disposable BP cuffs, adult ... $2.10",
            "Sharps containers, 2 gal ... $4.40",
            "Tongue depressors, 500 ct ... $8.25",
        ),
    ),
    (
        "COURIER SCHEDULE CHANGE",
        "Dear Provider, effective next Monday our specimen courier will change routes:",
        (
            "Morning pickup moves to 10:30 AM",
            "Afternoon pickup unchanged at 4:00 PM",
            "Holiday pickups by request only",
            "Call dispatch to add a stop",
        ),
    ),
    (
        "CONTINUING EDUCATION INVITATION",
        "You are invited to our evening update on primary care topics:",
        (
            "Hypertension guidelines review",
            "Diabetes technology in clinic",
            "Dinner provided",
            "RSVP by fax to the number above",
        ),
    ),
)


def render_junk(doc: pymupdf.Document, prs: list[Printed]) -> list[PageKind]:
    """A fax that is not a referral at all (vendor offers, notices): its gold holds no referral."""
    kinds: list[PageKind] = []
    pr = prs[0]
    pr.referral = False
    rng = pr.rng
    flow = Flow(doc, pr, kinds, "other", font=rng.choice(("helv", "tiro", "cour")))
    sh = flow.sheet
    title, intro, lines = rng.choice(JUNK)
    sh.text(PAGE_W / 2, flow.y + 20, title, flow.size + 10, bold=True, align="center")
    flow.y += 60
    flow.y = sh.wrap(flow.margin, flow.y, flow.right - flow.margin, intro) + flow.size
    for line in lines:
        sh.text(flow.margin + 20, flow.y, "- " + line)
        flow.y += flow.size * 1.8
    sh.text(flow.margin, 792 - 60, "To be removed from this fax list call 1-800-555-0177.", 8)
    return kinds
