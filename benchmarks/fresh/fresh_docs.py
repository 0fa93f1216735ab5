"""Document-like families: a hospital discharge referral with a patient header band, a physical-therapy order
on a prescription pad, a letter with the practice letterhead down the left margin and an e-referral export
printed as a Field | Value table."""

from __future__ import annotations

from datetime import timedelta

from fresh_common import (
    Ctx,
    city_line,
    dob_text,
    patient_address,
    patient_name,
    phone,
    provider_name,
    sex_text,
    street,
)
from fresh_data import FIRST_F, FIRST_M, LAST, ORG_PREFIX
from fresh_fmt import fmt_phone

GRAY = (0.85, 0.85, 0.85)


def _band(c: Ctx, y: float, name: str, dob: str, sex: str, mrn: str, acct: str) -> float:
    cv = c.cv
    cv.rect(36, y, 576, y + 20, w=0.5, fill=GRAY)
    sep = c.pick(" | ", "  |  ", "   ")
    line = sep.join((f"Name: {name}", f"DOB: {dob}", f"Sex: {sex}", f"MRN: {mrn}", f"Acct#: {acct}"))
    size = 9.0
    while cv.width(line, size, bold=True) > 530 and size > 6.5:
        size -= 0.25
    cv.text(42, y + 14, line, size, bold=True)
    return y + 20


def discharge_ref(c: Ctx) -> None:
    case, cv, g, st = c.case, c.cv, c.gold, c.style
    p, rf, rt = case.patient, case.referring, case.referred_to
    hospital = rf.org
    cv.text(36, 44, hospital, 14, bold=True)
    g.put("referring_provider.organization", hospital)
    main_line = fmt_phone(rf.phone[:3] + "555" + str(c.rng.randint(100, 199)).zfill(4), st.phone)
    cv.text(36, 57, f"{street(rf.address)}, {city_line(rf.address)}   Main {main_line}", 8)
    g.address("referring_provider.address", rf.address)
    cv.rtext(
        576,
        44,
        c.pick("DISCHARGE REFERRAL", "Transition of Care Referral", "Post-Discharge Follow-Up Referral"),
        12,
        bold=True,
    )
    cv.rtext(
        576,
        57,
        f"Printed {st.d(case.referral_date + timedelta(days=c.rng.randint(0, 2)))} {c.rng.randint(1, 12)}:{c.rng.randint(0, 59):02d} {c.pick('AM', 'PM')}",
        7,
    )
    name = patient_name(c, order=c.pick("caps_last_first", "last_first"))
    dob = dob_text(c)
    sex = sex_text(c, long=False)
    g.ids("patient.mrn", p.mrn)
    acct = f"{c.rng.randint(10**8, 10**9 - 1)}"
    band = (name, dob, sex, p.mrn, acct)
    y = _band(c, 66, *band) + 16
    admit = case.referral_date - timedelta(days=c.rng.randint(2, 9))
    cv.text(
        36,
        y,
        f"Admit date: {st.d(admit)}     Discharge date: {st.d(case.referral_date)}     Unit: {c.rng.randint(2, 7)} {c.pick('West', 'North', 'Tower B')}",
        8.5,
    )
    g.put_date("referral_date", case.referral_date)
    y += 12
    cv.text(36, y, f"Date of referral: {st.d(case.referral_date)}", 8.5)
    y += 20

    def label_value(x: float, label: str, value: str, width: float = 250) -> None:
        cv.text(x, y, label, 8, bold=True)
        cv.text(x + 112, y, value, 9)

    cv.text(36, y, "REFERRING / ATTENDING PHYSICIAN", 9, bold=True)
    cv.text(320, y, "FOLLOW-UP REFERRAL TO", 9, bold=True)
    y += 14
    g.provider("referring_provider", rf, cred=True, npi=True, phone=True, fax=True)
    g.provider("referred_to", rt, cred=True, specialty=True, org=True, phone=True, fax=True, address=True)
    left = [
        ("Name", f"{rf.first} {rf.last}, {rf.cred}"),
        ("NPI", rf.npi),
        ("Hospitalist office", st.p(rf.phone)),
        ("Fax", st.p(rf.fax)),
    ]
    right = [
        ("Provider", f"{rt.first} {rt.last}, {rt.cred}"),
        ("Specialty", rt.specialty),
        ("Practice", rt.org),
        ("Address", street(rt.address)),
        ("", city_line(rt.address)),
        ("Phone", st.p(rt.phone)),
        ("Fax", st.p(rt.fax)),
    ]
    for i in range(max(len(left), len(right))):
        if i < len(left):
            cv.text(36, y, left[i][0], 8, bold=True)
            cv.text(120, y, left[i][1], 9)
        if i < len(right):
            cv.text(320, y, right[i][0], 8, bold=True)
            cv.text(380, y, right[i][1], 9)
        y += 12
    y += 6
    pcp_first, pcp_last = c.rng.choice(FIRST_F + FIRST_M), c.rng.choice(LAST)
    cv.text(36, y, "PCP of record:", 8, bold=True)
    cv.text(
        120,
        y,
        f"{pcp_first} {pcp_last}, {c.pick('MD', 'DO', 'NP')}  ({fmt_phone(rt.phone[:3] + '555' + str(c.rng.randint(100, 199)).zfill(4), st.phone)}) - copy sent",
        9,
    )
    y += 20
    g.put("urgency", case.urgency)
    when = {
        "routine": c.pick("Routine - within 2 to 4 weeks", "Routine"),
        "urgent": c.pick("Urgent - within 7 days", "Urgent"),
        "stat": "STAT - next business day",
    }[case.urgency]
    cv.text(36, y, "Priority:", 8, bold=True)
    cv.text(120, y, when, 9.5, bold=True)
    y += 16
    end = cv.text(36, y, "Reason for referral:", 8, bold=True)
    g.put("reason", case.reason)
    y = cv.wrap(max(120, end + 6), y, 450, case.reason, 9.5) + 6
    cv.text(36, y, c.pick("DISCHARGE DIAGNOSES", "Diagnoses this admission"), 9, bold=True)
    y += 13
    for i, (code, desc) in enumerate(case.dx):
        g.dx.append((code, desc))
        tag = "Principal" if i == 0 else "Secondary"
        cv.text(42, y, f"{tag}:", 8)
        cv.text(100, y, code, 9, bold=True)
        cv.text(150, y, desc, 9)
        y += 12
    y += 8
    cv.text(36, y, "INSURANCE", 9, bold=True)
    y += 13
    for i, cov in enumerate(case.insurance):
        g.coverage(i, "payer_name", cov.payer)
        g.coverage(i, "plan_name", cov.plan)
        g.coverage(i, "member_id", cov.member_id.upper())
        if cov.group:
            g.coverage(i, "group_number", cov.group.upper())
        grp = f"   Group {cov.group}" if cov.group else ""
        cv.text(
            42,
            y,
            f"{'Primary' if i == 0 else 'Secondary'}: {cov.payer} - {cov.plan}   ID {cov.member_id}{grp}",
            9,
        )
        y += 12
    y += 8
    cv.text(36, y, "PATIENT CONTACT", 9, bold=True)
    y += 13
    s1, s2 = patient_address(c)
    cv.text(42, y, f"{s1}, {s2}", 9)
    y += 12
    cv.text(42, y, f"{c.pick('Home', 'Mobile', 'Primary phone')}: {phone(c, 'patient.phone', p.phone)}", 9)
    if c.chance(0.6):
        g.put("patient.preferred_language", p.language)
        cv.text(
            260,
            y,
            f"Preferred language: {p.language}{'  (interpreter requested)' if p.language != 'English' else ''}",
            9,
        )
    y += 24
    cv.text(
        36,
        y,
        "Discharge disposition: " + c.pick("Home", "Home with home health", "Skilled nursing facility"),
        8.5,
    )
    cv.text(36, 770, "Page 1 of 2", 7)
    c.kinds.append("referral_form")
    cv.new_page()
    y = _band(c, 36, *band) + 24
    cv.text(36, y, "DISCHARGE MEDICATIONS", 10, bold=True)
    y += 14
    if case.meds:
        for m in case.meds:
            g.meds.append(m)
            cv.text(46, y, m, 9.5)
            cv.rtext(576, y, c.pick("Continue", "New", "Changed"), 8)
            y += 12
    else:
        cv.text(46, y, "No medications prescribed at discharge.", 9.5)
        y += 12
    y += 10
    cv.text(36, y, "ALLERGIES", 10, bold=True)
    y += 14
    if case.allergies:
        for a in case.allergies:
            g.allergies.append(a)
            cv.text(46, y, a, 9.5)
            y += 12
    else:
        cv.text(46, y, c.pick("No Known Allergies", "NKDA"), 9.5)
        y += 12
    y += 10
    cv.text(36, y, c.pick("HOSPITAL COURSE", "Brief hospital course"), 10, bold=True)
    g.put("clinical_summary", case.summary)
    y = cv.wrap(46, y + 14, 520, case.summary, 9.5) + 10
    cv.text(36, y, "PENDING AT DISCHARGE", 10, bold=True)
    cv.text(
        46, y + 14, c.pick("None.", "Blood cultures x2 (no growth to date).", "Final read of chest CT."), 9.5
    )
    y += 40
    cv.text(
        36,
        y,
        f"Electronically signed by {rf.first} {rf.last}, {rf.cred} on {st.d(case.referral_date)} at {c.rng.randint(10, 18)}:{c.rng.randint(0, 59):02d}",
        8.5,
        italic=True,
    )
    cv.text(36, 770, "Page 2 of 2", 7)
    c.kinds.append("clinical_note")


def pt_rx_pad(c: Ctx) -> None:
    case, cv, g, st = c.case, c.cv, c.gold, c.style
    p, rf, rt = case.patient, case.referring, case.referred_to
    W = cv.w
    cv.rect(14, 14, W - 14, cv.h - 14, w=0.4, color=(0.5, 0.5, 0.5))
    cv.ctext(W / 2, 40, rf.org.upper(), 11, bold=True)
    g.put("referring_provider.organization", rf.org)
    others = [
        f"{c.rng.choice(FIRST_F + FIRST_M)} {c.rng.choice(LAST)}, {c.pick('MD', 'DO', 'PA-C')}"
        for _ in range(c.rng.randint(0, 2))
    ]
    names = [f"{rf.first} {rf.last}, {rf.cred}", *others]
    c.rng.shuffle(names)
    cv.ctext(W / 2, 52, "   \u2022   ".join(names) if c.cv.family != "courier" else "  -  ".join(names), 7.5)
    g.address("referring_provider.address", rf.address)
    cv.ctext(W / 2, 63, f"{street(rf.address)}, {city_line(rf.address)}", 7.5)
    cv.ctext(
        W / 2,
        74,
        f"Tel {phone(c, 'referring_provider.phone', rf.phone)}   Fax {phone(c, 'referring_provider.fax', rf.fax)}",
        7.5,
    )
    cv.line(28, 82, W - 28, 82, w=0.8)
    y = 102.0
    hand = "courier" if c.chance(0.3) else None
    fill = {"family": hand}

    def line_field(x: float, y: float, label: str, value: str, x_end: float) -> None:
        end = cv.text(x, y, label, 8)
        cv.line(end + 2, y + 2, x_end, y + 2, w=0.4)
        cv.text(end + 5, y - 1, value, 10, italic=hand is None, family=fill["family"])

    line_field(28, y, "Name", patient_name(c, order=c.pick("first_last", "last_first")), W * 0.66)
    g.put_date("referral_date", case.referral_date)
    line_field(
        W * 0.66 + 4,
        y,
        "Date",
        st.d(case.referral_date, c.pick("mdy", "mdy_nopad", "mdy2") if st.date.startswith("mdy") else None),
        W - 28,
    )
    y += 22
    if c.chance(0.6):
        s1, s2 = patient_address(c)
        line_field(28, y, "Address", f"{s1}, {s2}", W - 28)
        y += 22
    line_field(28, y, c.pick("DOB", "D.O.B."), dob_text(c), W * 0.5)
    if c.chance(0.6):
        line_field(W * 0.5 + 4, y, "Phone", phone(c, "patient.phone", p.phone), W - 28)
    y += 40
    cv.text(30, y, "Rx", 30, bold=True, italic=True, family="times")
    y += 30
    x = 48
    lines = [c.pick("Physical Therapy", "PT", "Physical therapy referral") + " - " + case.reason]
    g.put("reason", case.reason)
    for code, desc in case.dx:
        g.dx.append((code, desc))
        lines.append(f"Dx: {code} {desc}")
    if case.procs and c.chance(0.6):
        for code, desc in case.procs:
            g.procs.append((code, desc))
            lines.append(f"{code} {desc}")
    lines.append(f"Freq: {c.rng.randint(1, 3)}x/week x {c.rng.randint(4, 12)} weeks")
    lines.append(
        "Modalities: "
        + ", ".join(c.rng.sample(["ther ex", "manual", "e-stim", "heat/ice", "dry needling", "HEP"], 3))
    )
    if c.chance(0.5):
        lines.append(c.pick("Precautions: none", "WBAT", "No overhead lifting x 6 wks", "Fall precautions"))
    for ln in lines:
        y = cv.wrap(x, y, W - x - 30, ln, 10.5, italic=hand is None) + 3
    if c.chance(0.5):
        g.put("referred_to.organization", rt.org)
        g.put("referred_to.phone", rt.phone)
        y += 8
        cv.text(x, y, f"To: {rt.org}  {st.p(rt.phone)}", 9.5, italic=hand is None)
        y += 14
    if c.chance(0.5) and case.insurance:
        cov = case.insurance[0]
        g.coverage(0, "payer_name", cov.payer)
        g.coverage(0, "member_id", cov.member_id.upper())
        y += 6
        cv.text(x, y, f"Ins: {cov.payer}  #{cov.member_id}", 9.5, italic=hand is None)
    sy = cv.h - 110
    cv.signature(W * 0.45, sy - 4, c.rng.randint(0, 9999))
    cv.line(W * 0.4, sy, W - 28, sy, w=0.5)
    g.provider("referring_provider", rf, cred=True, npi=True)
    cv.text(W * 0.4, sy + 11, f"{rf.first} {rf.last}, {rf.cred}", 8.5)
    cv.text(W * 0.4, sy + 22, f"NPI {rf.npi}", 8)
    dea = (
        "".join(c.rng.choice("ABFM") for _ in range(1))
        + rf.last[0].upper()
        + str(c.rng.randint(10**6, 10**7 - 1))
    )
    cv.text(W * 0.4, sy + 33, f"DEA {dea}    Lic. {c.pick('MD', 'DO')}{c.rng.randint(10000, 99999)}", 8)
    cv.text(28, sy + 11, "Dispense as written", 7)
    cv.text(28, sy + 22, "Refills: NR", 7)
    c.kinds.append("referral_form")


def letter_leftbar(c: Ctx) -> None:
    case, cv, g, st = c.case, c.cv, c.gold, c.style
    p, rf, rt = case.patient, case.referring, case.referred_to
    side_x, side_w, rule = 36.0, 128.0, 176.0
    cv.rect(side_x - 6, 30, rule - 6, 760, w=0, fill=(0.93, 0.94, 0.97), color=None)
    y = cv.wrap(side_x, 60.0, side_w, rf.org, 11.5, leading=14, bold=True)
    g.put("referring_provider.organization", rf.org)
    y += 8
    g.address("referring_provider.address", rf.address)
    for ln in (rf.address.line1, rf.address.line2 or "", city_line(rf.address)):
        if ln:
            cv.text(side_x, y, ln, 7.5)
            y += 10
    y += 4
    cv.text(side_x, y, f"Tel {phone(c, 'referring_provider.phone', rf.phone)}", 7.5)
    cv.text(side_x, y + 10, f"Fax {phone(c, 'referring_provider.fax', rf.fax)}", 7.5)
    y += 34
    cv.text(side_x, y, c.pick("PHYSICIANS", "Our Providers", "MEDICAL STAFF"), 7.5, bold=True)
    y += 12
    staff = [(rf.first, rf.last, rf.cred)] + [
        (c.rng.choice(FIRST_F + FIRST_M), c.rng.choice(LAST), c.pick("MD", "DO", "MD, FAAFP"))
        for _ in range(c.rng.randint(2, 5))
    ]
    c.rng.shuffle(staff)
    for f, last, cred in staff:
        cv.text(side_x, y, f"{f} {last}, {cred}", 7.2)
        y += 10
    y += 8
    cv.text(side_x, y, "NURSE PRACTITIONERS", 7.5, bold=True)
    y += 12
    for _ in range(c.rng.randint(1, 2)):
        cv.text(
            side_x, y, f"{c.rng.choice(FIRST_F)} {c.rng.choice(LAST)}, {c.pick('FNP-C', 'APRN', 'NP')}", 7.2
        )
        y += 10
    cv.line(rule, 40, rule, 750, w=0.8, color=(0.3, 0.3, 0.5))
    x0, width = 196.0, 376.0
    y = 70.0
    g.put_date("referral_date", case.referral_date)
    cv.text(x0, y, st.d(case.referral_date, c.pick("month_d_y", "mon_d_y", st.date)), 10, family="times")
    y += 28
    g.provider("referred_to", rt, cred=False, org=True, address=True)
    g.values.pop("referred_to.address.line2", None)
    inside = [f"{rt.first} {rt.last}, {rt.cred}", rt.org, rt.address.line1, city_line(rt.address)]
    g.put("referred_to.credentials", rt.cred)
    if c.chance(0.4):
        g.put("referred_to.specialty", rt.specialty)
        inside.insert(1, rt.specialty)
    for ln in inside:
        cv.text(x0, y, ln, 10, family="times")
        y += 12.5
    if c.chance(0.5):
        cv.text(x0, y, f"Via fax: {phone(c, 'referred_to.fax', rt.fax)}", 10, family="times")
        y += 12.5
    y += 12
    name = patient_name(c, order="first_last")
    re_lines = [f"RE: {name}", f"{c.pick('DOB', 'Date of birth', 'D.O.B.')}: {dob_text(c)}"]
    if c.chance(0.5):
        g.ids("patient.mrn", p.mrn)
        re_lines[1] += f"    {c.pick('MRN', 'Our chart #', 'Acct/MRN')}: {p.mrn}"
    if c.chance(0.6):
        cov = case.insurance[0]
        g.coverage(0, "payer_name", cov.payer)
        g.coverage(0, "member_id", cov.member_id.upper())
        re_lines.append(f"Insurance: {cov.payer}, ID {cov.member_id}")
    if c.chance(0.5):
        re_lines.append(f"Patient phone: {phone(c, 'patient.phone', p.phone)}")
    g.put("reason", case.reason)
    re_lines.append(f"Reason for referral: {case.reason}")
    for ln in re_lines:
        y = cv.wrap(x0, y, width, ln, 10, bold=True)
    if case.urgency != "routine" and c.chance(0.8):
        g.put("urgency", case.urgency)
        cv.text(
            x0,
            y,
            f"Priority: {case.urgency.upper()} - please schedule at the earliest opening",
            10,
            bold=True,
            family="times",
        )
        y += 13
    y += 12
    cv.text(x0, y, f"Dear Dr. {rt.last}:", 10.5, family="times")
    y += 18
    age = (case.referral_date - p.dob).days // 365
    pron = {"F": "woman", "M": "man"}.get(p.sex, "patient")
    opener = c.pick(
        f"Thank you for agreeing to see {p.first}, a {age}-year-old {pron} who has been under my care for {c.rng.randint(2, 14)} years.",
        f"I am writing to refer {p.first} {p.last} for your evaluation.",
        f"I would appreciate your assessment of {p.first}, whom I saw in clinic {c.pick('last week', 'recently', 'this month')}.",
    )
    y = cv.wrap(x0, y, width, opener, 10.5) + 6
    cv.text(x0, y, "Pertinent history:", 10.5, bold=True)
    g.put("clinical_summary", case.summary)
    y = cv.wrap(x0, y + 14, width, case.summary, 10.5) + 6
    cv.text(x0, y, "Diagnoses:", 10.5, bold=True)
    y += 14
    for code, desc in case.dx:
        g.dx.append((code, desc))
        y = cv.wrap(x0 + 10, y, width - 10, f"{desc} ({code})", 10.5)
    if case.meds:
        y += 4
        cv.text(x0, y, "Current medications:", 10.5, bold=True)
        y += 14
        for m in case.meds:
            g.meds.append(m)
            cv.text(x0 + 10, y, f"- {m}", 10.5)
            y += 13
    y += 4
    if case.allergies:
        g.allergies.extend(case.allergies)
        cv.text(x0, y, "Allergies: " + "; ".join(case.allergies), 10.5)
    else:
        cv.text(x0, y, "Allergies: " + c.pick("NKDA", "none known"), 10.5)
    y += 20
    y = (
        cv.wrap(
            x0,
            y,
            width,
            c.pick(
                "Records and recent labs are enclosed. Please send your consultation note to our office.",
                "Please call me with any questions. I look forward to your recommendations.",
                "Thank you for your help with this patient's care.",
            ),
            10.5,
        )
        + 10
    )
    cv.text(x0, y, "Sincerely,", 10.5)
    cv.signature(x0 + 4, y + 28, c.rng.randint(0, 9999))
    g.provider("referring_provider", rf, cred=True)
    cv.text(x0, y + 44, f"{rf.first} {rf.last}, {rf.cred}", 10.5)
    if c.chance(0.7):
        g.put("referring_provider.npi", rf.npi)
        cv.text(x0, y + 57, f"NPI {rf.npi}", 9)
    c.kinds.append("referral_form")


class _Table:
    """A two-column Field | Value grid that continues on a new page when full."""

    def __init__(self, c: Ctx, header: str) -> None:
        self.c, self.header = c, header
        self.x0, self.x1, self.x2 = 40.0, 200.0, 572.0
        self.y = 0.0

    def start(self, y: float) -> None:
        self.y = y
        self._head()

    def _head(self) -> None:
        cv = self.c.cv
        cv.rect(self.x0, self.y, self.x2, self.y + 14, w=0.5, fill=(0.75, 0.75, 0.75))
        cv.text(self.x0 + 4, self.y + 10, "Field", 8.5, bold=True)
        cv.text(self.x1 + 4, self.y + 10, "Value", 8.5, bold=True)
        self.y += 14

    def _room(self, h: float) -> None:
        if self.y + h > 752:
            self.c.cv.text(40, 772, f"Continued on next page - {self.header}", 7)
            self.c.cv.new_page()
            self.c.kinds.append("referral_form")
            self.y = 44
            self._head()

    def section(self, title: str) -> None:
        self._room(30)
        cv = self.c.cv
        cv.rect(self.x0, self.y, self.x2, self.y + 13, w=0.5, fill=(0.9, 0.9, 0.9))
        cv.text(self.x0 + 4, self.y + 9.5, title, 8, bold=True)
        self.y += 13

    def row(self, label: str, value: str) -> None:
        cv = self.c.cv
        words, lines, cur = value.split(), [], ""
        for w in words:
            t = f"{cur} {w}".strip()
            if cur and cv.width(t, 9) > self.x2 - self.x1 - 8:
                lines.append(cur)
                cur = w
            else:
                cur = t
        lines.append(cur)
        h = 4 + 11.5 * len(lines)
        self._room(h)
        cv.rect(self.x0, self.y, self.x1, self.y + h, w=0.4)
        cv.rect(self.x1, self.y, self.x2, self.y + h, w=0.4)
        cv.text(self.x0 + 4, self.y + 10.5, label, 8.5)
        for i, ln in enumerate(lines):
            cv.text(self.x1 + 4, self.y + 10.5 + 11.5 * i, ln, 9)
        self.y += h


def ereferral_table(c: Ctx) -> None:
    case, cv, g, st = c.case, c.cv, c.gold, c.style
    p, rf, rt = case.patient, case.referring, case.referred_to
    system = c.pick(
        "Outgoing Referral", "Referral Order Summary", "eReferral Export", "Referral Request (Outbound)"
    )
    cv.text(40, 40, system, 13, bold=True)
    ref_id = f"R{c.rng.randint(10**6, 10**7 - 1)}"
    cv.text(
        40,
        54,
        f"Referral ID: {ref_id}    Status: {c.pick('Sent', 'Pending review', 'Authorized', 'Open')}",
        8.5,
    )
    stamp = case.referral_date + timedelta(days=c.rng.randint(0, 3))
    cv.rtext(
        572, 40, f"Generated {stamp.isoformat()} {c.rng.randint(7, 18):02d}:{c.rng.randint(0, 59):02d}", 7.5
    )
    cv.rtext(
        572,
        52,
        f"by {c.pick('ref.coord', 'jsmith2', 'ma.front', 'scheduler')} @ {c.rng.choice(ORG_PREFIX)} Health",
        7.5,
    )
    t = _Table(c, system)
    c.kinds.append("referral_form")
    t.start(66)
    t.section("PATIENT")
    if c.chance(0.5):
        t.row(
            c.pick("Patient Name", "Legal Name", "Name (Last, First Middle)"),
            patient_name(c, order=c.pick("last_first", "caps_last_first")),
        )
    else:
        show_mid = p.middle is not None and c.chance(0.8)
        g.patient_name(p, show_mid, initial=False, suffix=bool(p.suffix))
        t.row("Last Name", p.last)
        t.row("First Name", p.first)
        if show_mid:
            t.row("Middle Name", p.middle or "")
        if p.suffix:
            t.row("Suffix", p.suffix)
    t.row(c.pick("Date of Birth", "Birth Date", "DOB"), dob_text(c))
    t.row(c.pick("Sex", "Legal Sex", "Sex Assigned at Birth", "Gender"), sex_text(c, long=True))
    g.ids("patient.mrn", p.mrn)
    t.row(c.pick("MRN", "Patient ID", "Medical Record Number"), p.mrn)
    a = p.address
    if c.chance(0.5):
        s1, s2 = patient_address(c)
        t.row("Address", f"{s1}, {s2}")
    else:
        g.address("patient.address", a)
        t.row("Street", a.line1)
        if a.line2:
            t.row("Street 2", a.line2)
        t.row("City", a.city)
        t.row("State", a.state)
        t.row("ZIP", a.zip5 + (f"-{a.zip4}" if a.zip4 else ""))
    t.row(
        c.pick("Home Phone", "Mobile Phone", "Preferred Phone", "Phone"), phone(c, "patient.phone", p.phone)
    )
    if p.email:
        g.put("patient.email", p.email)
        t.row("Email", p.email)
    g.put("patient.preferred_language", p.language)
    t.row(c.pick("Preferred Language", "Language"), p.language)
    for i, cov in enumerate(case.insurance):
        t.section(f"COVERAGE - {'PRIMARY' if i == 0 else 'SECONDARY'}")
        g.coverage(i, "payer_name", cov.payer)
        t.row("Payer", cov.payer)
        g.coverage(i, "plan_name", cov.plan)
        t.row(c.pick("Plan", "Benefit Plan"), cov.plan)
        if c.chance(0.4):
            g.coverage(i, "payer_id", cov.payer_id)
            t.row("Payer ID", cov.payer_id)
        g.coverage(i, "member_id", cov.member_id.upper())
        t.row(c.pick("Member ID", "Subscriber ID", "Member Number"), cov.member_id)
        if cov.group:
            g.coverage(i, "group_number", cov.group.upper())
            t.row(c.pick("Group Number", "Group #"), cov.group)
        g.coverage(i, "subscriber_name", cov.subscriber)
        t.row("Subscriber", cov.subscriber)
        g.coverage(i, "subscriber_relationship", cov.relationship)
        t.row(c.pick("Relationship to Subscriber", "Patient Rel. to Subscriber"), cov.relationship)
        if cov.relationship != "Self" or c.chance(0.5):
            g.coverage(i, "subscriber_date_of_birth", cov.subscriber_dob.isoformat())
            t.row("Subscriber DOB", st.d(cov.subscriber_dob))
    for role, title, pr in (
        ("referring_provider", "REFERRING PROVIDER", rf),
        ("referred_to", "REFERRED-TO PROVIDER", rt),
    ):
        t.section(title)
        named = role == "referring_provider" or c.chance(0.7)
        if named:
            t.row("Provider", provider_name(c, role, pr, last_first=c.chance(0.5)))
        else:
            t.row("Provider", c.pick("Any provider in department", "First available"))
        g.provider(
            role, pr, name=False, npi=named, org=True, specialty=True, phone=True, fax=True, address=True
        )
        if named:
            t.row("NPI", pr.npi)
        t.row(c.pick("Department", "Organization", "Location"), pr.org)
        t.row("Specialty", pr.specialty)
        t.row("Address", f"{street(pr.address)}, {city_line(pr.address)}")
        t.row("Phone", st.p(pr.phone))
        t.row("Fax", st.p(pr.fax))
    t.section("REFERRAL DETAILS")
    g.put_date("referral_date", case.referral_date)
    t.row(c.pick("Referral Date", "Order Date", "Date Entered"), st.d(case.referral_date))
    g.put("urgency", case.urgency)
    t.row("Priority", {"routine": "Routine", "urgent": "Urgent", "stat": "STAT"}[case.urgency])
    t.row("Referral Type", c.pick("Consult", "Consult and Treat", "Evaluate and Treat", "Second Opinion"))
    t.row("Visits Requested", str(c.rng.randint(1, 12)))
    if c.chance(0.5):
        g.ids("authorization_number", case.auth)
        t.row(c.pick("Authorization #", "Auth Number", "Prior Auth No."), case.auth)
    else:
        t.row("Authorization #", c.pick("Pending", "Not required", "N/A"))
    t.row("Expires", st.d(case.referral_date + timedelta(days=int(c.pick("90", "180", "365")))))
    g.put("reason", case.reason)
    t.row("Reason for Referral", case.reason)
    t.section("DIAGNOSES")
    for i, (code, desc) in enumerate(case.dx):
        g.dx.append((code, desc))
        t.row(f"Dx {i + 1}{' (primary)' if i == 0 else ''}", f"{code} - {desc}")
    if case.procs:
        t.section("ORDERS / PROCEDURES")
        for code, desc in case.procs:
            g.procs.append((code, desc))
            t.row(f"CPT {code}", desc)
    t.section("MEDICATIONS")
    if case.meds:
        for m in case.meds:
            g.meds.append(m)
            t.row("Medication", m)
    else:
        t.row("Medication", "No active medications on file")
    t.section("ALLERGIES")
    if case.allergies:
        for a2 in case.allergies:
            g.allergies.append(a2)
            t.row("Allergen", a2)
    else:
        t.row("Allergen", "No Known Allergies")
    t.section("CLINICAL NOTES")
    g.put("clinical_summary", case.summary)
    t.row("Notes", case.summary)
