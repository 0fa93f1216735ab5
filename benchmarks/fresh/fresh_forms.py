"""Box-and-checkbox families: a state Medicaid prior-auth form, an orthopedic intake with a body diagram, a
sleep-study order and a behavioral-health referral with guardian sections."""

from __future__ import annotations

import simple_icd_10_cm as icd
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
from fresh_data import STATE_NAMES, THEMES
from fresh_fmt import fmt_phone

GRAY = (0.82, 0.82, 0.82)


def _box(
    c: Ctx, x0: float, y0: float, x1: float, y1: float, label: str, value: str, size: float = 9.5
) -> None:
    c.cv.rect(x0, y0, x1, y1, w=0.5)
    c.cv.text(x0 + 2.5, y0 + 7.5, label, 6.3)
    if value:
        c.cv.text(x0 + 4, y1 - 4.5, value, size, family="courier" if c.case.extra.get("typewriter") else None)


def _row(c: Ctx, y: float, cells: list[tuple[float, str, str]], h: float = 24, x: float = 43) -> float:
    for width, label, value in cells:
        _box(c, x, y, x + width, y + h, label, value)
        x += width
    return y + h


def _bar(c: Ctx, y: float, title: str) -> float:
    c.cv.rect(43, y, 569, y + 13, w=0.5, fill=GRAY)
    c.cv.text(47, y + 9.5, title, 8, bold=True)
    return y + 13


def _dx_code(c: Ctx, code: str, dotted: bool) -> str:
    c.gold.dx.append((code, None))
    return code if dotted else code.replace(".", "")


def medicaid_pa(c: Ctx) -> None:
    case, cv, g, st = c.case, c.cv, c.gold, c.style
    p, rf, rt = case.patient, case.referring, case.referred_to
    cov = case.insurance[0]
    case.extra["typewriter"] = "1" if c.chance(0.3) else ""
    state = STATE_NAMES[p.address.state]
    agency = c.pick(
        f"{state.upper()} MEDICAID PROGRAM",
        f"STATE OF {state.upper()} - DEPARTMENT OF HEALTH SERVICES",
        f"{state.upper()} HEALTH CARE AUTHORITY - MEDICAL ASSISTANCE",
    )
    cv.ctext(306, 40, agency, 10.5, bold=True)
    cv.ctext(
        306,
        54,
        c.pick(
            "PRIOR AUTHORIZATION REQUEST",
            "Request for Prior Authorization - Outpatient Services",
            "UNIVERSAL PRIOR AUTHORIZATION FORM",
        ),
        10,
        bold=True,
    )
    cv.ctext(
        306,
        66,
        f"Fax completed form to Utilization Management at {fmt_phone('800555' + str(c.rng.randint(100, 199)).zfill(4), 'one_dash')}. "
        "Incomplete forms will be returned.",
        7,
    )
    cv.text(
        43,
        80,
        f"Form {c.pick('PA-1', 'MA-97', 'HCA 13-835', 'UPA-2')} (rev. {c.rng.randint(1, 12):02d}/{c.rng.randint(2019, 2025)})",
        6.5,
    )
    dotted = c.chance(0.5)
    urgent = case.urgency != "routine"
    y = _bar(c, 86, "SECTION I - RECIPIENT INFORMATION")
    show_mid = p.middle is not None
    if show_mid:
        g.put("patient.middle_name", p.middle[0] if p.middle else None)
    g.put("patient.first_name", p.first)
    g.put("patient.last_name", p.last)
    y = _row(
        c,
        y,
        [
            (200, "1. Recipient last name", p.last.upper()),
            (180, "2. First name", p.first.upper()),
            (40, "3. MI", (p.middle or "")[:1]),
            (106, "4. Date of birth", dob_text(c)),
        ],
    )
    g.coverage(0, "member_id", cov.member_id.upper())
    g.coverage(0, "payer_name", cov.plan)
    y = _row(
        c,
        y,
        [
            (170, "5. Medicaid ID number", cov.member_id),
            (60, "6. Sex", sex_text(c, long=False)),
            (296, "7. Managed care plan / payer", cov.plan),
        ],
    )
    a = p.address
    g.address("patient.address", a)
    y = _row(
        c,
        y,
        [
            (250, "8. Street address", street(a)),
            (130, "9. City", a.city),
            (46, "10. State", a.state),
            (100, "11. ZIP code", a.zip5 + (f"-{a.zip4}" if a.zip4 else "")),
        ],
    )
    lang = p.language if c.chance(0.6) else ""
    g.put("patient.preferred_language", lang)
    y = _row(
        c,
        y,
        [
            (150, "12. Telephone", phone(c, "patient.phone", p.phone)),
            (120, "13. Primary language", lang),
            (256, "14. Other insurance (TPL)", c.pick("None", "None known", "N/A")),
        ],
    )
    y = _bar(c, y + 6, "SECTION II - REQUESTING (PRESCRIBING) PROVIDER")
    g.provider(
        "referring_provider",
        rf,
        cred=True,
        npi=True,
        org=True,
        specialty=True,
        phone=True,
        fax=True,
        address=True,
    )
    y = _row(
        c,
        y,
        [
            (260, "15. Requesting provider name", f"{rf.first} {rf.last}, {rf.cred}"),
            (130, "16. NPI", rf.npi),
            (136, "17. Taxonomy code", c.pick("207Q00000X", "207R00000X", "208D00000X", "363LF0000X")),
        ],
    )
    y = _row(
        c,
        y,
        [
            (260, "18. Group / practice name", rf.org),
            (130, "19. Phone", st.p(rf.phone)),
            (136, "20. Fax", st.p(rf.fax)),
        ],
    )
    y = _row(
        c,
        y,
        [
            (346, "21. Address", f"{street(rf.address)}, {city_line(rf.address)}"),
            (180, "22. Specialty", rf.specialty),
        ],
    )
    y = _bar(c, y + 6, "SECTION III - SERVICING PROVIDER / FACILITY")
    named = c.chance(0.7)
    if named:
        g.provider("referred_to", rt, cred=True)
    g.provider("referred_to", rt, name=False, npi=True, org=True, phone=True, fax=True, address=True)
    y = _row(
        c,
        y,
        [
            (260, "23. Servicing provider name", f"{rt.first} {rt.last}, {rt.cred}" if named else ""),
            (130, "24. NPI", rt.npi),
            (136, "25. Phone", st.p(rt.phone)),
        ],
    )
    y = _row(
        c,
        y,
        [
            (260, "26. Facility / group name", rt.org),
            (266, "27. Address", f"{street(rt.address, False)}, {city_line(rt.address)}"),
        ],
    )
    g.values.pop("referred_to.address.line2", None)  # printed without the suite
    y = _row(c, y, [(200, "28. Fax", st.p(rt.fax)), (326, "29. Specialty", rt.specialty)])
    g.put("referred_to.specialty", rt.specialty)
    y = _bar(c, y + 6, "SECTION IV - SERVICE REQUESTED")
    cv.rect(43, y, 306, y + 24, w=0.5)
    cv.text(45.5, y + 7.5, "30. Review type", 6.3)
    x = cv.checkbox(50, y + 19, not urgent, "Routine (standard)") + 14
    cv.checkbox(x, y + 19, urgent, "Urgent / expedited")
    g.put("urgency", "urgent" if urgent else "routine")
    g.put_date("referral_date", case.referral_date)
    _box(c, 306, y, 569, y + 24, "31. Date of request", st.d(case.referral_date))
    y += 24
    for i, (code, desc) in enumerate(case.dx):
        shown = _dx_code(c, code, dotted)
        with_desc = c.chance(0.8)
        g.dx[-1] = (code, desc if with_desc else None)
        y = _row(
            c,
            y,
            [
                (130, f"32{'abc'[i]}. ICD-10 diagnosis code", shown),
                (396, f"33{'abc'[i]}. Description", desc if with_desc else ""),
            ],
        )
    cv.rect(43, y, 569, y + 12, w=0.5, fill=(0.93, 0.93, 0.93))
    for x, h in (
        (46, "34. CPT/HCPCS"),
        (120, "Mod"),
        (160, "Description of service"),
        (420, "Units"),
        (470, "From date"),
    ):
        cv.text(x, y + 8.5, h, 6.8, bold=True)
    y += 12
    procs = case.procs or [THEMES[case.theme].procs[0]]
    for code, desc in procs:
        g.procs.append((code, desc))
        cv.rect(43, y, 569, y + 16, w=0.5)
        cv.text(47, y + 11.5, code, 9.5)
        cv.text(122, y + 11.5, c.pick("", "RT", "LT", "") if code.startswith("7") else "", 9)
        cv.text(162, y + 11.5, desc, 9)
        cv.text(424, y + 11.5, str(c.rng.randint(1, 12)), 9)
        cv.text(472, y + 11.5, st.d(case.referral_date, "mdy"), 9)
        y += 16
    g.put("reason", case.reason)
    cv.rect(43, y, 569, y + 26, w=0.5)
    cv.text(45.5, y + 7.5, "35. Reason for request", 6.3)
    cv.text(48, y + 20, case.reason, 9.3)
    y += 26
    cv.rect(43, y, 569, y + 82, w=0.5)
    cv.text(45.5, y + 7.5, "36. Clinical information supporting medical necessity (attach records)", 6.3)
    g.put("clinical_summary", case.summary)
    cv.wrap(48, y + 19, 512, case.summary, 9)
    y += 88
    cv.text(43, y + 22, "Prescriber signature:", 8)
    cv.signature(140, y + 20, c.rng.randint(0, 9999))
    cv.line(135, y + 24, 360, y + 24)
    cv.text(372, y + 22, f"Date: {st.d(case.referral_date)}", 8)
    y += 34
    cv.rect(43, y, 569, y + 40, w=1.2)
    cv.text(47, y + 10, "FOR AGENCY USE ONLY", 7, bold=True)
    decided = c.chance(0.45)
    if decided:
        g.ids("authorization_number", case.auth)
    cv.text(47, y + 28, "PA number:", 8)
    cv.text(100, y + 28, case.auth if decided else "", 10, bold=True)
    x = cv.checkbox(280, y + 28, decided, "Approved") + 10
    x = cv.checkbox(x, y + 28, False, "Denied") + 10
    cv.checkbox(x, y + 28, False, "Pended")
    c.kinds.append("referral_form")


def _leader(c: Ctx, x0: float, x1: float, y: float, label: str, value: str, size: float = 9) -> None:
    """Label on the left, value right-aligned at x1, dotted leader between."""
    end = c.cv.text(x0, y, label, size)
    vw = c.cv.width(value, size, bold=True)
    if value and x1 - vw - 4 > end + 4:
        c.cv.line(end + 3, y, x1 - vw - 4, y, w=0.5, dashes="[1 2] 0", color=(0.4, 0.4, 0.4))
    c.cv.rtext(x1, y, value, size, bold=True)


def _figure(c: Ctx, x: float, y: float, region: str, side: str) -> None:
    """A simple anterior-view outline with the affected area circled (drawings, no text)."""
    cv = c.cv
    page = cv.page
    cx = x + 60
    page.draw_circle((cx, y + 18), 12, color=(0, 0, 0), width=0.8)
    cv.rect(cx - 22, y + 32, cx + 22, y + 110, w=0.8)
    for dx in (-1, 1):
        cv.line(cx + dx * 22, y + 36, cx + dx * 40, y + 105, w=0.8)
        cv.line(cx + dx * 12, y + 110, cx + dx * 16, y + 200, w=0.8)
    # the patient's right is the viewer's left on an anterior view
    sx = -1 if side == "right" else 1
    spot = {
        "knee": (cx + sx * 14, y + 155),
        "shoulder": (cx + sx * 24, y + 38),
        "elbow": (cx + sx * 31, y + 72),
        "hand": (cx + sx * 40, y + 106),
        "hip": (cx + sx * 16, y + 112),
        "back": (cx, y + 90),
    }[region]
    page.draw_circle(spot, 9, color=(0.6, 0, 0), width=1.4)


def ortho_intake(c: Ctx) -> None:
    case, cv, g, st = c.case, c.cv, c.gold, c.style
    p, rf, rt = case.patient, case.referring, case.referred_to
    cov = case.insurance[0]
    cv.text(40, 46, rt.org, 15, bold=True)
    g.put("referred_to.organization", rt.org)
    cv.text(40, 60, f"{street(rt.address)}  -  {city_line(rt.address)}", 8)
    g.address("referred_to.address", rt.address)
    cv.text(
        40,
        71,
        f"Phone {phone(c, 'referred_to.phone', rt.phone)}    New-patient referrals fax {phone(c, 'referred_to.fax', rt.fax)}",
        8,
    )
    cv.rtext(
        572,
        46,
        c.pick("Orthopaedic Referral Intake", "ORTHOPEDIC REFERRAL", "New Patient Referral - Orthopedics"),
        12,
        bold=True,
    )
    cv.rtext(572, 60, "Please complete all fields", 7.5, italic=True)
    cv.line(40, 78, 572, 78, w=1.4)
    L0, L1, R0, R1 = 40.0, 292.0, 320.0, 572.0

    def head(x: float, y: float, title: str) -> float:
        cv.text(x, y, title, 9.5, bold=True)
        cv.line(x, y + 3, x + 252, y + 3, w=0.6)
        return y + 16

    y = head(L0, 96, "PATIENT")
    rows = [
        (c.pick("Name", "Patient name", "Patient"), patient_name(c)),
        (c.pick("DOB", "D.O.B.", "Birth date", "Date of Birth"), dob_text(c)),
        (c.pick("Sex", "Gender"), sex_text(c)),
    ]
    street_s, city_s = patient_address(c)
    rows += [
        ("Address", street_s),
        ("", city_s),
        (c.pick("Phone", "Cell", "Best phone"), phone(c, "patient.phone", p.phone)),
    ]
    if c.chance(0.6):
        g.ids("patient.mrn", p.mrn)
        rows.append((c.pick("Chart #", "MRN", "Pt ID"), p.mrn))
    if p.email and c.chance(0.5):
        g.put("patient.email", p.email)
        rows.append(("Email", p.email))
    for label, value in rows:
        _leader(c, L0, L1, y, label, value)
        y += 14
    y = head(L0, y + 8, "INSURANCE")
    g.coverage(0, "payer_name", cov.payer)
    g.coverage(0, "member_id", cov.member_id.upper())
    irows = [
        (c.pick("Carrier", "Insurance", "Primary ins."), cov.payer),
        (c.pick("Member ID", "ID #", "Policy #"), cov.member_id),
    ]
    if c.chance(0.6):
        g.coverage(0, "plan_name", cov.plan)
        irows.insert(1, ("Plan", cov.plan))
    if cov.group:
        g.coverage(0, "group_number", cov.group.upper())
        irows.append(("Group #", cov.group))
    if c.chance(0.5):
        g.coverage(0, "subscriber_name", cov.subscriber)
        g.coverage(0, "subscriber_relationship", cov.relationship)
        irows += [("Policy holder", cov.subscriber), ("Relation to patient", cov.relationship)]
    for label, value in irows:
        _leader(c, L0, L1, y, label, value)
        y += 14
    left_end = y
    y = head(R0, 96, "REFERRING PHYSICIAN")
    g.provider("referring_provider", rf, org=True, phone=True, fax=True)
    rrows = [
        ("Physician", provider_name(c, "referring_provider", rf)),
        ("Practice", rf.org),
        ("Phone", st.p(rf.phone)),
        ("Fax", st.p(rf.fax)),
    ]
    if c.chance(0.7):
        g.put("referring_provider.npi", rf.npi)
        rrows.insert(1, ("NPI", rf.npi))
    for label, value in rrows:
        _leader(c, R0, R1, y, label, value)
        y += 14
    y = head(R0, y + 8, "REFERRAL")
    part = case.extra.get("region") or "knee"
    side = case.extra["side"]
    g.put_date("referral_date", case.referral_date)
    urg_txt = {
        "routine": c.pick("Routine", "Routine (2-4 wks)"),
        "urgent": c.pick("Urgent", "Urgent - within 1 week"),
        "stat": "STAT",
    }[case.urgency]
    g.put("urgency", case.urgency)
    refrows = [
        (c.pick("Date referred", "Referral date"), st.d(case.referral_date)),
        ("Priority", urg_txt),
        ("Body part", f"{side.capitalize()} {part}"),
        ("Work related?", c.pick("No", "No", "Yes - WC claim pending")),
        (
            "Onset",
            st.d(case.referral_date.replace(day=1))
            if c.chance(0.5)
            else c.pick("gradual", "> 6 months", "unknown"),
        ),
    ]
    named = c.chance(0.6)
    if named:
        g.provider("referred_to", rt, cred=True)
        refrows.append(("Surgeon requested", f"Dr. {rt.first} {rt.last}, {rt.cred}"))
    else:
        refrows.append(("Surgeon requested", c.pick("First available", "Any")))
    for label, value in refrows:
        _leader(c, R0, R1, y, label, value)
        y += 14
    y = max(y, left_end) + 14
    cv.text(R0, y, "Imaging done:", 8.5)
    x = R0 + 62
    for name in ("X-ray", "MRI", "CT", "None"):
        x = cv.checkbox(x, y, c.chance(0.4) if name != "None" else False, name, size=8) + 8
    y += 16
    fig_y = y
    cv.rect(L0, fig_y, L0 + 130, fig_y + 225, w=0.4)
    _figure(c, L0 + 5, fig_y + 8, part, side)
    cv.text(
        L0 + 3,
        fig_y + 236,
        c.pick(
            "Fig. 1 - Anterior view; affected area circled",
            "Body diagram: mark area of complaint",
            "Diagram (front view) - circle painful region",
        ),
        7,
        italic=True,
    )
    x0 = L0 + 150
    ty = fig_y + 10
    cv.text(x0, ty, c.pick("Reason for referral:", "Chief complaint / reason:", "Reason:"), 9, bold=True)
    g.put("reason", case.reason)
    ty = cv.wrap(x0, ty + 13, R1 - x0, case.reason, 9.5)
    cv.text(x0, ty + 6, c.pick("Diagnosis (ICD-10):", "Dx:", "ICD-10-CM:"), 9, bold=True)
    ty += 19
    for code, desc in case.dx:
        g.dx.append((code, desc))
        cv.text(x0 + 6, ty, f"{code}", 9.5, bold=True)
        ty = cv.wrap(x0 + 60, ty, R1 - x0 - 60, desc, 9)
    if case.procs and c.chance(0.7):
        cv.text(x0, ty + 6, "Requested:", 9, bold=True)
        ty += 19
        for code, desc in case.procs:
            g.procs.append((code, desc))
            cv.text(x0 + 6, ty, f"{code}  {desc}", 9)
            ty += 13
    cv.text(x0, ty + 6, c.pick("Pertinent history:", "Clinical notes:", "History / exam:"), 9, bold=True)
    g.put("clinical_summary", case.summary)
    ty = cv.wrap(x0, ty + 19, R1 - x0, case.summary, 9)
    if case.allergies:
        for a in case.allergies:
            g.allergies.append(a)
        cv.text(x0, ty + 6, "Allergies: " + ", ".join(case.allergies), 9)
    cv.line(40, 745, 572, 745, w=0.5)
    cv.text(
        40,
        757,
        f"Referral taken by: {c.pick('front desk', 'M. R.', 'intake coordinator')}   Ins. verified: [ ]",
        7,
    )
    c.kinds.append("referral_form")


def sleep_order(c: Ctx) -> None:
    case, cv, g, st = c.case, c.cv, c.gold, c.style
    p, rf, rt = case.patient, case.referring, case.referred_to
    cov = case.insurance[0]
    cv.ctext(306, 44, rt.org.upper(), 14, bold=True)
    g.put("referred_to.organization", rt.org)
    g.address("referred_to.address", rt.address, line2=False)
    cv.ctext(306, 58, f"{rt.address.line1}, {city_line(rt.address)}", 8.5)
    cv.ctext(
        306,
        70,
        f"Scheduling {phone(c, 'referred_to.phone', rt.phone)}   |   Fax orders to {phone(c, 'referred_to.fax', rt.fax)}",
        8.5,
    )
    cv.rect(40, 80, 572, 100, w=0.8, fill=(0.15, 0.15, 0.15))
    cv.ctext(
        306,
        94,
        c.pick("SLEEP STUDY ORDER", "SLEEP STUDY REFERRAL / ORDER FORM", "POLYSOMNOGRAPHY ORDER"),
        12,
        bold=True,
        color=(1, 1, 1),
    )
    y = 122.0

    def blank(x: float, y: float, label: str, value: str, w: float) -> None:
        end = cv.text(x, y, label, 8.5)
        cv.line(end + 3, y + 2, x + w - 8, y + 2, w=0.5)
        cv.text(end + 6, y - 0.5, value, 10, family="courier" if case.extra.get("mono") else None)

    case.extra["mono"] = "1" if c.chance(0.4) else ""
    blank(40, y, "Patient name:", patient_name(c), 330)
    blank(370, y, c.pick("DOB:", "Date of birth:"), dob_text(c), 202)
    y += 20
    blank(40, y, "Sex:", sex_text(c), 100)
    blank(140, y, "Phone:", phone(c, "patient.phone", p.phone), 200)
    if c.chance(0.5):
        g.put("patient.preferred_language", p.language)
        blank(340, y, "Language:", p.language, 232)
    y += 20
    s1, s2 = patient_address(c)
    blank(40, y, "Address:", f"{s1}, {s2}", 532)
    y += 20
    g.coverage(0, "payer_name", cov.payer)
    g.coverage(0, "member_id", cov.member_id.upper())
    blank(40, y, c.pick("Insurance:", "Primary insurance:"), cov.payer, 230)
    blank(270, y, c.pick("Member ID:", "Policy #:", "ID:"), cov.member_id, 170)
    if cov.group:
        g.coverage(0, "group_number", cov.group.upper())
        blank(440, y, "Group:", cov.group, 132)
    y += 20
    if cov.relationship != "Self" or c.chance(0.3):
        g.coverage(0, "subscriber_name", cov.subscriber)
        g.coverage(0, "subscriber_date_of_birth", cov.subscriber_dob.isoformat())
        blank(40, y, "Subscriber:", cov.subscriber, 250)
        blank(290, y, "Subscriber DOB:", st.d(cov.subscriber_dob), 180)
        y += 20
    y += 6
    cv.rect(40, y, 572, y + 14, w=0.5, fill=GRAY)
    cv.text(44, y + 10, "STUDY REQUESTED (check one or more)", 8.5, bold=True)
    y += 28
    options = list(THEMES["sleep"].procs)
    chosen = {code for code, _ in case.procs} or {options[c.rng.randrange(len(options))][0]}
    for i, (code, desc) in enumerate(options):
        x = 44.0 if i % 2 == 0 else 310.0
        on = code in chosen
        if on:
            g.procs.append((code, desc))
        cv.checkbox(x, y, on, f"{desc} ({code})", size=8.5)
        if i % 2 == 1:
            y += 15
    y += 10
    cv.rect(40, y, 572, y + 14, w=0.5, fill=GRAY)
    cv.text(44, y + 10, "DIAGNOSIS (check all that apply)", 8.5, bold=True)
    y += 28
    pool = [code for code in THEMES["sleep"].dx]
    shown = list(dict.fromkeys([code for code, _ in case.dx] + c.rng.sample(pool, 6)))[:8]
    shown.sort()
    for i, code in enumerate(shown):
        x = 44.0 if i % 2 == 0 else 310.0
        on = code in {d for d, _ in case.dx}
        desc = str(icd.get_description(code))
        if on:
            g.dx.append((code, desc))
        label = f"{code}  {desc}"
        if cv.width(label, 8) > 250:
            label = label[: int(len(label) * 250 / cv.width(label, 8)) - 1]
        cv.checkbox(x, y, on, label, size=8)
        if i % 2 == 1:
            y += 15
    y += 18
    cv.text(40, y, "Epworth score:", 8.5)
    cv.text(104, y, f"{case.extra['ess']}/24", 9.5)
    cv.text(160, y, "BMI:", 8.5)
    cv.text(182, y, case.extra["bmi"], 9.5)
    cv.text(230, y, "Neck (in):", 8.5)
    cv.text(272, y, case.extra["neck"], 9.5)
    x = 320.0
    for item in ("Snoring", "Tired", "Observed apnea", "HTN"):
        x = cv.checkbox(x, y, c.chance(0.6), item, size=8) + 8
    y += 20
    cv.text(
        40,
        y,
        c.pick("Additional clinical information:", "Clinical notes / history:", "Comments:"),
        8.5,
        bold=True,
    )
    g.put("clinical_summary", case.summary)
    y = cv.wrap(40, y + 13, 530, case.summary, 9)
    y += 4
    cv.text(40, y, "Priority:", 8.5, bold=True)
    x = 84.0
    g.put("urgency", case.urgency)
    for u, label in (("routine", "Routine"), ("urgent", "Urgent"), ("stat", "STAT")):
        x = cv.checkbox(x, y, case.urgency == u, label) + 12
    if c.chance(0.5):
        g.put("reason", case.reason)
        cv.text(300, y, "Reason:", 8.5, bold=True)
        cv.wrap(336, y, 236, case.reason, 8.5)
        y += 10
    y += 20
    cv.rect(40, y, 572, y + 14, w=0.5, fill=GRAY)
    cv.text(44, y + 10, "ORDERING PROVIDER", 8.5, bold=True)
    y += 30
    blank(40, y, "Name:", provider_name(c, "referring_provider", rf), 300)
    g.put("referring_provider.npi", rf.npi)
    blank(340, y, "NPI:", rf.npi, 232)
    y += 20
    g.put("referring_provider.organization", rf.org)
    blank(40, y, "Practice:", rf.org, 300)
    blank(340, y, "Phone:", phone(c, "referring_provider.phone", rf.phone), 232)
    y += 20
    g.address("referring_provider.address", rf.address)
    blank(40, y, "Fax:", phone(c, "referring_provider.fax", rf.fax), 300)
    y += 20
    blank(40, y, "Address:", f"{street(rf.address)}, {city_line(rf.address)}", 532)
    y += 26
    cv.text(40, y, "Signature:", 8.5)
    cv.signature(95, y - 2, c.rng.randint(0, 9999))
    cv.line(88, y + 2, 330, y + 2)
    g.put_date("referral_date", case.referral_date)
    blank(340, y, "Date:", st.d(case.referral_date), 232)
    if c.chance(0.5):
        g.provider("referred_to", rt, cred=True)
        cv.text(
            40,
            y + 22,
            f"Interpreting physician: {rt.first} {rt.last}, {rt.cred} (Board Certified, Sleep Medicine)",
            8,
        )
    c.kinds.append("referral_form")


def bh_referral(c: Ctx) -> None:
    case, cv, g, st = c.case, c.cv, c.gold, c.style
    p, rf, rt, gd = case.patient, case.referring, case.referred_to, case.guardian
    cov = case.insurance[0]
    cv.text(44, 48, rf.org, 12, bold=True)
    g.put("referring_provider.organization", rf.org)
    cv.text(44, 60, f"{street(rf.address)} | {city_line(rf.address)} | {st.p(rf.phone)}", 8)
    cv.rtext(
        568,
        48,
        c.pick("Behavioral Health Referral", "Mental Health Referral Form", "Counseling Referral"),
        13,
        bold=True,
    )
    cv.rtext(568, 62, "CONFIDENTIAL - 42 CFR Part 2 / HIPAA protected", 7, italic=True)
    cv.line(44, 68, 568, 68, w=1.0)
    y = 84.0

    def sect(title: str) -> None:
        nonlocal y
        cv.rect(44, y, 568, y + 14, w=0, fill=(0.88, 0.88, 0.88), color=None)
        cv.text(48, y + 10, title, 9, bold=True)
        y += 26

    def pair(x: float, label: str, value: str, w: float = 250) -> None:
        cv.text(x, y, label, 8, bold=True)
        cv.text(x + cv.width(label, 8, bold=True) + 5, y, value, 9.5)

    sect("CLIENT INFORMATION")
    show_mid = p.middle is not None and c.chance(0.6)
    g.patient_name(p, show_mid, initial=False, suffix=bool(p.suffix))
    pair(48, "Client last name:", p.last + (f" {p.suffix}" if p.suffix else ""))
    pair(250, "First:", p.first)
    pair(420, "Middle:", (p.middle or "") if show_mid else "")
    y += 16
    pair(48, c.pick("DOB:", "Date of birth:", "Birthdate:"), dob_text(c))
    age = (case.referral_date - p.dob).days // 365
    pair(250, "Age:", str(age))
    if p.preferred_name:
        pair(420, "Preferred name:", p.preferred_name)
    y += 16
    g.put("patient.sex", p.sex)
    pair(
        48,
        c.pick("Gender:", "Sex assigned at birth:", "Sex:"),
        {"F": "Female", "M": "Male", "X": "Nonbinary", "U": "Unknown"}[p.sex],
    )
    pair(250, "Pronouns:", {"F": "she/her", "M": "he/him", "X": "they/them", "U": ""}[p.sex])
    g.put("patient.preferred_language", p.language)
    pair(420, "Language:", p.language)
    y += 16
    s1, s2 = patient_address(c)
    pair(48, "Address:", f"{s1}, {s2}")
    y += 16
    if gd is None:
        pair(48, c.pick("Client phone:", "Phone:"), phone(c, "patient.phone", p.phone))
        if p.email:
            g.put("patient.email", p.email)
            pair(250, "Email:", p.email)
        y += 16
    if c.chance(0.5):
        g.ids("patient.mrn", p.mrn)
        pair(48, "Client ID / MRN:", p.mrn)
        y += 16
    y += 4
    if gd is not None:
        sect("PARENT / LEGAL GUARDIAN")
        pair(48, "Name:", f"{gd.first} {gd.last}")
        pair(250, "Relationship:", gd.relationship)
        pair(420, "Cell:", st.p(gd.phone))
        y += 16
        pair(48, "Has legal custody:", c.pick("Yes", "Yes - joint"))
        pair(250, "Address:", c.pick("Same as client", "Same"))
        y += 20
    else:
        sect("EMERGENCY CONTACT")
        pair(
            48,
            "Name:",
            f"{c.rng.choice(('Rosa', 'Tom', 'Alicia', 'Deon'))} {c.rng.choice(('Marsh', 'Ibarra', 'Kline'))}",
        )
        pair(250, "Relationship:", c.pick("Sister", "Friend", "Spouse", "Son"))
        pair(420, "Phone:", st.p("605555" + str(c.rng.randint(100, 199)).zfill(4)))
        y += 20
    sect("INSURANCE")
    g.coverage(0, "payer_name", cov.payer)
    g.coverage(0, "member_id", cov.member_id.upper())
    pair(48, "Insurance:", cov.payer)
    pair(320, "Member ID:", cov.member_id)
    y += 16
    if cov.group:
        g.coverage(0, "group_number", cov.group.upper())
        pair(320, "Group:", cov.group)
    g.coverage(0, "subscriber_name", cov.subscriber)
    g.coverage(0, "subscriber_relationship", cov.relationship)
    pair(48, c.pick("Policy holder:", "Subscriber:"), cov.subscriber)
    y += 16
    pair(48, "Client's relationship to policy holder:", cov.relationship)
    y += 20
    sect("REFERRAL SOURCE")
    g.provider("referring_provider", rf, cred=True, npi=True, phone=True, fax=True)
    pair(48, "Referring clinician:", f"{rf.first} {rf.last}, {rf.cred}")
    pair(320, "NPI:", rf.npi)
    y += 16
    pair(48, "Phone:", st.p(rf.phone))
    pair(320, "Secure fax:", st.p(rf.fax))
    y += 16
    g.put_date("referral_date", case.referral_date)
    pair(48, "Date of referral:", st.d(case.referral_date))
    pair(320, "Referred to:", rt.org)
    g.put("referred_to.organization", rt.org)
    y += 16
    if c.chance(0.5):
        g.provider("referred_to", rt, cred=True, phone=True)
        pair(48, "Clinician (if known):", f"{rt.first} {rt.last}, {rt.cred}")
        pair(320, "Agency phone:", st.p(rt.phone))
        y += 16
    y += 4
    sect("REASON FOR REFERRAL / PRESENTING CONCERNS")
    g.put("reason", case.reason)
    y = cv.wrap(48, y, 515, case.reason, 9.5) + 2
    g.put("clinical_summary", case.summary)
    cv.text(48, y, "Background:", 8, bold=True)
    y = cv.wrap(100, y, 463, case.summary, 9) + 4
    cv.text(48, y, "Risk screen:", 8, bold=True)
    x = 110.0
    for label in ("Suicidal ideation", "Self-harm", "Harm to others", "Substance use"):
        x = cv.text(x, y, label + ":", 8) + 3
        x = cv.checkbox(x, y, False, "Y", size=8) + 3
        x = cv.checkbox(x, y, True, "N", size=8) + 10
    y += 18
    cv.text(48, y, "Provisional diagnosis (ICD-10-CM):", 8, bold=True)
    y += 13
    for code, desc in case.dx:
        g.dx.append((code, desc))
        cv.text(60, y, f"{code} - {desc}", 9)
        y += 12
    y += 4
    cv.text(48, y, "Services requested:", 8, bold=True)
    y += 13
    chosen = {code for code, _ in case.procs}
    for i, (code, desc) in enumerate(THEMES["bh"].procs):
        if code in chosen:
            g.procs.append((code, desc))
        cv.checkbox(60 if i % 2 == 0 else 320, y, code in chosen, f"{desc} ({code})", size=8)
        if i % 2 == 1:
            y += 13
    y += 17
    cv.text(48, y, "Level of need:", 8, bold=True)
    urg = "urgent" if case.urgency != "routine" else "routine"
    g.put("urgency", urg)
    x = cv.checkbox(120, y, urg == "routine", "Routine") + 12
    cv.checkbox(x, y, urg == "urgent", "Urgent (seen within 72 hours)")
    y += 16
    if case.meds:
        cv.text(48, y, "Current medications:", 8, bold=True)
        y += 12
        for m in case.meds:
            g.meds.append(m)
            cv.text(60, y, f"- {m}", 9)
            y += 11
    cv.text(
        48, min(y + 14, 770), "Client/guardian consent to release information on file:  [X] Yes   [ ] No", 8
    )
    c.kinds.append("referral_form")
