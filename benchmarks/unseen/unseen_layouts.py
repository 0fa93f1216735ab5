"""The nine page families of the unseen generator.

Each family draws a `Case` onto a `Canvas` and first blanks (sets to None / empty) every field its page does
not print, so that the gold written from the case holds only values the page shows.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import timedelta

from unseen_canvas import Canvas, Style, W
from unseen_data import (
    FIRST_F,
    FIRST_M,
    LAST,
    PEDS,
    PLACES,
    SPECIALTIES,
    Addr,
    Case,
    Coverage,
    Patient,
    Provider,
    addr,
    dx_desc,
    phone,
    rand_id,
    sub_person,
)

URG_WORDS = {"routine": "Routine", "urgent": "Urgent", "stat": "STAT"}


def mid(p: Patient) -> str:
    if not p.middle:
        return ""
    return p.middle + ("." if len(p.middle) == 1 else "")


def pname(p: Patient, form: str) -> str:
    """Patient name as printed: `LAST, First M.` / `Last, First M.` / `First M. Last`."""
    suf = f" {p.suffix}." if p.suffix == "Jr" else f" {p.suffix}" if p.suffix else ""
    if form == "first_last":
        return " ".join(x for x in (p.first, mid(p), p.last) if x) + suf
    last = p.last.upper() if form == "LAST" else p.last
    return f"{last}{suf}, {p.first} {mid(p)}".strip()


def prov(p: Provider, form: str = "first_last") -> str:
    if form == "last_first":
        return f"{p.last}, {p.first} {p.cred or ''}".strip()
    return f"{p.first} {p.last}" + (f", {p.cred}" if p.cred else "")


def city_line(a: Addr) -> str:
    return f"{a.city}, {a.state} {a.zip}"


def street(a: Addr) -> str:
    return a.line1 + (f", {a.line2}" if a.line2 else "") if a.line1 else ""


def sex_word(sex: str | None) -> str:
    return {"F": "Female", "M": "Male", "X": "Nonbinary"}.get(sex or "", "")


def no_ids(c: Case) -> None:
    """Blank the patient fields most layouts leave out."""
    c.patient.email = None


def urgency_row(cv: Canvas, x: float, y: float, c: Case, title: str = "Priority:") -> None:
    x = cv.text(x, y, title, 8.5, "hebo") + 8
    for key, word in (
        ("routine", "Routine"),
        ("urgent", "Urgent (within 1 week)"),
        ("stat", "STAT / same day"),
    ):
        x = cv.check(x, y, c.urgency == key, word)


def specialty_boxes(cv: Canvas, y: float, options: list[str], chosen: str | None, cols: int = 4) -> float:
    colw = (W - 96) / cols
    for i, name in enumerate(options):
        cv.check(48 + (i % cols) * colw, y + (i // cols) * 13, name == chosen, name, 8)
    return y + ((len(options) + cols - 1) // cols) * 13


# --- 1. paper form: labels printed under the filled line ---------------------------------------------
def underline_form(rng: random.Random, c: Case, st: Style) -> Canvas:
    no_ids(c)
    c.summary, c.meds, c.allergies, c.auth = None, [], [], None
    p, f, t, cov = c.patient, c.ref_from, c.ref_to, c.coverages[0]
    t.addr, f.specialty, cov.payer_id = None, None, None
    cv = Canvas(st)
    cv.center(52, f.org or "", 13, "hebo")
    cv.center(64, f"{street(f.addr)}  \u2022  {city_line(f.addr)}" if f.addr else "", 8.5)
    cv.center(75, f"Tel {st.p(f.phone, f.ext)}    Fax {st.p(f.fax)}", 8.5)
    cv.center(98, "SPECIALTY REFERRAL REQUEST", 12, "tibo")
    y = 128.0
    cv.underline(48, y, 150, p.last + (f" {p.suffix}" if p.suffix else ""), "Patient last name")
    cv.underline(198, y, 120, p.first, "First name")
    cv.underline(318, y, 70, p.middle or "", "Middle name / M.I.")
    cv.underline(388, y, 110, st.d(p.dob, "mdy"), "Date of birth (mm/dd/yyyy)")
    x = cv.text(500, y + 11, "Sex", 6.5) + 4
    x = 500.0
    for code in ("M", "F", "X"):
        x = cv.check(x, y, p.sex == code, code, 8) - 6
    y += 32
    a = p.addr or Addr(None, None, None, None, None)
    cv.underline(48, y, 200, a.line1 or "", "Street address")
    cv.underline(248, y, 70, a.line2 or "", "Apt / unit")
    cv.underline(318, y, 130, a.city or "", "City")
    cv.underline(448, y, 50, a.state or "", "State")
    cv.underline(498, y, 70, a.zip or "", "ZIP")
    y += 32
    cv.underline(48, y, 150, st.p(p.phone), "Home / cell phone")
    cv.underline(198, y, 140, p.mrn or "", "Chart / MRN #")
    cv.underline(338, y, 160, p.language or "", "Preferred language (if not English)")
    y = cv.bar(y + 22, "INSURANCE") + 20
    cv.underline(48, y, 170, cov.payer or "", "Insurance company")
    cv.underline(218, y, 150, cov.plan or "", "Plan / product")
    cv.underline(368, y, 120, cov.member_id or "", "Member / subscriber ID")
    cv.underline(488, y, 80, cov.group or "", "Group no.")
    y += 32
    cv.underline(48, y, 170, cov.sub_name or "", "Policyholder (insured) name")
    cv.underline(218, y, 100, st.d(cov.sub_dob, "mdy"), "Insured's date of birth")
    x = cv.text(330, y, "Patient is insured's:", 7.5) + 6
    for r in ("Self", "Spouse", "Child", "Other"):
        x = cv.check(x, y, cov.relationship == r, r, 8)
    y = cv.bar(y + 22, "REFERRED TO  (tick one specialty)") + 14
    y = specialty_boxes(cv, y, sorted(SPECIALTIES), t.specialty) + 20
    cv.underline(48, y, 180, prov(t), "Consultant (name, credentials)")
    cv.underline(228, y, 230, t.org or "", "Practice / facility")
    cv.underline(458, y, 110, t.npi or "", "Consultant NPI")
    y += 32
    cv.underline(48, y, 150, st.p(t.phone, t.ext), "Consultant phone")
    cv.underline(198, y, 150, st.p(t.fax), "Consultant fax")
    y = cv.bar(y + 22, "CLINICAL") + 16
    urgency_row(cv, 48, y, c)
    y += 24
    for i, code in enumerate(c.dx):
        cv.underline(48, y, 90, code, f"ICD-10 code {i + 1}")
        cv.underline(138, y, 430, dx_desc(code), "Description")
        y += 28
    for code, desc in c.px:
        cv.underline(48, y, 90, code, "CPT")
        cv.underline(138, y, 430, desc, "Requested service")
        y += 28
    cv.underline(48, y, 520, c.reason or "", "Reason for referral / question for the consultant")
    y += 34
    cv.underline(48, y, 300, prov(f), "Referring practitioner (print)")
    cv.underline(348, y, 110, f.npi or "", "NPI")
    cv.underline(458, y, 110, st.d(c.date, "mdy"), "Date")
    return cv


# --- 2. grid form: header row of labels over a data row --------------------------------------------
def grid_form(rng: random.Random, c: Case, st: Style) -> Canvas:
    no_ids(c)
    c.meds, c.allergies, c.patient.language = [], [], None
    p, f, t, cov = c.patient, c.ref_from, c.ref_to, c.coverages[0]
    f.specialty = None
    c.auth = rng.choice([None, f"PA{rand_id(rng, 8)}"])
    cv = Canvas(st)
    cv.text(48, 50, "OUTPATIENT REFERRAL / PRIOR AUTHORIZATION REQUEST", 12, "hebo")
    cv.text(48, 63, f"Return to: {cov.payer} Utilization Management   Fax {st.p(phone(rng, '800'))}", 8)
    cv.right(W - 48, 50, f"Request date: {st.d(c.date)}", 9)
    y = cv.bar(74, "1  MEMBER") + 4
    y = cv.grid(48, y, [("Last name", 120), ("First name", 100), ("MI", 36), ("Date of birth", 90), ("Sex", 50), ("Patient ID / MRN", 120)], [p.last + (f" {p.suffix}" if p.suffix else ""), p.first, p.middle or "", st.d(p.dob), sex_word(p.sex), p.mrn or ""]) + 3  # fmt: skip
    a = p.addr or Addr("", None, "", "", "")
    y = cv.grid(48, y, [("Street", 150), ("Apt", 50), ("City", 110), ("ST", 30), ("ZIP", 55), ("Phone", 121)], [a.line1 or "", a.line2 or "", a.city or "", a.state or "", a.zip or "", st.p(p.phone)]) + 3  # fmt: skip
    y = cv.grid(48, y, [("Health plan", 120), ("Product", 130), ("Payer ID", 60), ("Member #", 110), ("Group #", 96)], [cov.payer or "", cov.plan or "", cov.payer_id or "", cov.member_id or "", cov.group or ""]) + 3  # fmt: skip
    y = cv.grid(48, y, [("Subscriber", 180), ("Patient rel. to subscriber", 130), ("Subscriber DOB", 100)], [cov.sub_name or "", cov.relationship or "", st.d(cov.sub_dob)])  # fmt: skip
    y = cv.bar(y + 8, "2  REQUESTING PROVIDER") + 4
    y = cv.grid(48, y, [("Provider (last, first)", 150), ("Cred.", 50), ("NPI", 80), ("Phone", 120), ("Fax", 116)], [f"{f.last}, {f.first}", f.cred or "", f.npi or "", st.p(f.phone, f.ext), st.p(f.fax)]) + 3  # fmt: skip
    fa = f.addr or Addr("", None, "", "", "")
    y = cv.grid(48, y, [("Practice", 160), ("Street", 130), ("Suite", 60), ("City", 90), ("ST", 26), ("ZIP", 50)], [f.org or "", fa.line1 or "", fa.line2 or "", fa.city or "", fa.state or "", fa.zip or ""])  # fmt: skip
    y = cv.bar(y + 8, "3  SERVICING PROVIDER") + 4
    y = cv.grid(48, y, [("Provider (last, first)", 140), ("Cred.", 50), ("Specialty", 110), ("NPI", 80), ("Phone", 136)], [f"{t.last}, {t.first}", t.cred or "", t.specialty or "", t.npi or "", st.p(t.phone, t.ext)]) + 3  # fmt: skip
    ta = t.addr or Addr("", None, "", "", "")
    y = cv.grid(48, y, [("Facility", 170), ("Street", 130), ("Suite", 60), ("City", 90), ("ST", 26), ("ZIP", 40)], [t.org or "", ta.line1 or "", ta.line2 or "", ta.city or "", ta.state or "", ta.zip or ""])  # fmt: skip
    cv.text(48, y + 12, f"Servicing fax: {st.p(t.fax)}", 8.5)
    y = cv.bar(y + 20, "4  SERVICES") + 14
    urgency_row(cv, 48, y, c, "Review type:")
    y = cv.table(48, y + 8, [("ICD-10-CM", 80), ("Diagnosis description", 436)], [[d, dx_desc(d)] for d in c.dx])  # fmt: skip
    if c.px:
        y = cv.table(48, y + 6, [("CPT / HCPCS", 80), ("Service", 376), ("Units", 60)], [[a, b, "1"] for a, b in c.px])  # fmt: skip
    cv.text(48, y + 16, "Reason for request:", 8.5, "hebo")
    y = cv.wrap(140, y + 16, 420, c.reason or "", 9.5, st.fill)
    cv.text(48, y + 6, "Pertinent clinical information:", 8.5, "hebo")
    y = cv.wrap(48, y + 19, 516, c.summary or "", 9.5, st.fill)
    cv.text(48, y + 10, f"Authorization number (plan use): {c.auth or ''}", 8.5)
    return cv


# --- 3. pediatric: boxed cells with corner labels, parent/guardian as policyholder ----------------
def pediatric(rng: random.Random, c: Case, st: Style) -> Canvas:
    no_ids(c)
    c.auth, c.summary = None, None
    p, f, t, cov = c.patient, c.ref_from, c.ref_to, c.coverages[0]
    t.addr, t.npi, f.specialty, cov.payer_id = None, None, None, None
    c.meds = [m for m in c.meds if m.split()[0] in {"albuterol", "fluticasone", "polyethylene", "cetirizine"}]
    gname, gdob = sub_person(rng, p, "Child")
    cov.sub_name, cov.sub_dob, cov.relationship = gname, gdob, "Child"
    cv = Canvas(st)
    cv.text(48, 52, f.org or "", 14, "tibo")
    cv.text(48, 65, f"{street(f.addr)}, {city_line(f.addr)}" if f.addr else "", 8.5)
    cv.text(48, 76, f"Office {st.p(f.phone, f.ext)}   |   Fax {st.p(f.fax)}", 8.5)
    cv.right(W - 48, 52, "Pediatric Subspecialty Referral", 11, "hebo")
    cv.right(W - 48, 65, f"Date: {st.d(c.date)}", 9)
    a = p.addr or Addr("", None, "", "", "")
    y = 90.0
    cv.cell(48, y, 200, "CHILD'S NAME (first, middle, last)", pname(p, "first_last"))
    cv.cell(248, y, 110, "DATE OF BIRTH", st.d(p.dob))
    cv.cell(358, y, 80, "SEX", sex_word(p.sex))
    cv.cell(438, y, 126, "CHART NUMBER", p.mrn or "")
    y += 26
    cv.cell(48, y, 220, "HOME ADDRESS", street(a))
    cv.cell(268, y, 110, "CITY", a.city or "")
    cv.cell(378, y, 40, "STATE", a.state or "")
    cv.cell(418, y, 56, "ZIP", a.zip or "")
    cv.cell(474, y, 90, "HOME PHONE", st.p(p.phone))
    y += 26
    cv.cell(48, y, 200, "PARENT / LEGAL GUARDIAN", gname)
    cv.cell(248, y, 110, "RELATIONSHIP TO CHILD", rng.choice(["Mother", "Father", "Grandmother", "Guardian"]))
    cv.cell(358, y, 110, "GUARDIAN DATE OF BIRTH", st.d(gdob))
    cv.cell(468, y, 96, "FAMILY LANGUAGE", p.language or "")
    y += 26
    cv.cell(48, y, 150, "INSURANCE CARRIER", cov.payer or "")
    cv.cell(198, y, 140, "PLAN", cov.plan or "")
    cv.cell(338, y, 130, "CHILD'S MEMBER ID", cov.member_id or "")
    cv.cell(468, y, 96, "GROUP", cov.group or "")
    y += 26
    cv.cell(48, y, 200, "POLICYHOLDER", gname)
    cv.cell(248, y, 170, "PATIENT'S RELATIONSHIP TO POLICYHOLDER", "Child")
    cv.cell(418, y, 146, "SCHOOL / GRADE", f"{rng.choice(PLACES)} Elementary, gr. {rng.randint(1, 5)}")
    y = cv.bar(y + 36, "SUBSPECIALTY REQUESTED") + 14
    y = specialty_boxes(cv, y, sorted(PEDS), t.specialty, 3) + 8
    cv.cell(48, y, 190, "CONSULTANT", prov(t))
    cv.cell(238, y, 170, "PRACTICE", t.org or "")
    cv.cell(408, y, 80, "PHONE", st.p(t.phone))
    cv.cell(488, y, 76, "FAX", st.p(t.fax))
    y += 42
    urgency_row(cv, 48, y, c, "How soon?")
    y = cv.bar(y + 10, "DIAGNOSES") + 14
    for d in c.dx:
        cv.text(56, y, d, 9.5, "hebo")
        y = cv.wrap(120, y, 440, dx_desc(d), 9.5) + 2
    cv.text(48, y + 6, "Concern / question for specialist:", 8.5, "hebo")
    y = cv.wrap(48, y + 19, 516, c.reason or "", 10, st.fill)
    cv.text(
        48, y + 4, f"Growth: weight {rng.uniform(12, 40):.1f} kg ({rng.randint(5, 95)}th percentile)", 8.5
    )
    y += 18
    if c.meds:
        cv.text(48, y, "Current medicines:", 8.5, "hebo")
        for m in c.meds:
            cv.text(150, y, m, 9.5, st.fill)
            y += 12
    if c.allergies:
        cv.text(48, y + 4, "Allergies:  " + ",  ".join(c.allergies), 9)
        y += 16
    cv.text(48, y + 16, f"Referring clinician: {prov(f)}      NPI {f.npi}", 9)
    return cv


# --- 4. VA / TRICARE community-care authorization: right-aligned label column ----------------------
def community_care(rng: random.Random, c: Case, st: Style) -> Canvas:
    no_ids(c)
    c.meds, c.allergies, c.summary, c.patient.language, c.patient.mrn = [], [], None, None, None
    p, f, t = c.patient, c.ref_from, c.ref_to
    f.specialty = None
    va = rng.random() < 0.55
    f.org = f"{rng.choice(PLACES)} {'VA Health Care System' if va else 'Army Health Clinic'}"
    if va:
        member = f"{rand_id(rng, 10)}V{rand_id(rng, 6)}"
        c.coverages = [Coverage("VA Community Care Network", None, None, member, None, None, None, None)]
        c.auth = f"VA{rand_id(rng, 10)}"
    else:
        rel = "Child" if c.date and (c.date - p.dob).days < 22 * 365 else "Spouse"
        sname, sdob = sub_person(rng, p, rel)
        c.coverages = [
            Coverage("TRICARE East", None, "TRICARE Prime", rand_id(rng, 11), None, sname, rel, sdob)
        ]
        c.auth = f"{c.date:%Y%m%d}{rand_id(rng, 5)}" if c.date else None
    if c.urgency == "stat":
        c.urgency = "urgent"
    cov = c.coverages[0]
    cv = Canvas(st)
    head = (
        "VA COMMUNITY CARE  \u2014  REFERRAL / AUTHORIZATION"
        if va
        else "TRICARE  \u2014  SPECIALTY REFERRAL AUTHORIZATION"
    )
    cv.text(48, 52, head, 12.5, "hebo")
    cv.text(48, 66, f.org, 9)
    lx, vx = 200.0, 208.0
    y = 92.0

    def row(label: str, value: str) -> None:
        nonlocal y
        cv.right(lx, y, label, 8.5, "hebo")
        y = cv.wrap(vx, y, W - 48 - vx, value, 9.5, st.fill, 1.25) + 1.5

    def head_(title: str) -> None:
        nonlocal y
        y = cv.bar(y + 2, title) + 12

    row("Referral number" if va else "Authorization #", c.auth or "")
    row("Date issued", st.d(c.date))
    row("Valid", f"{st.d(c.date)} through {st.d(c.date + timedelta(days=180) if c.date else None)}")
    if va:
        row("Station", f"{rng.randint(501, 695)}")
        row("SEOC", f"{(t.specialty or '').upper()} EVAL AND TREAT 1.{rng.randint(1, 9)}.{rng.randint(0, 9)}")
    row("Payer", cov.payer or "")
    row("Category of care", (t.specialty or "").upper())
    row("Visits authorized", str(rng.choice([1, 3, 6, 8])))
    row("Priority", (c.urgency or "").upper())
    head_("VETERAN" if va else "BENEFICIARY")
    row("Name", pname(p, "LAST"))
    row("Date of birth", st.d(p.dob))
    row("Gender", sex_word(p.sex).upper())
    row("ICN" if va else "DoD benefits number", cov.member_id or "")
    row("Address", f"{street(p.addr)}, {city_line(p.addr)}" if p.addr else "")
    row("Phone", st.p(p.phone))
    if not va:
        row("Plan", cov.plan or "")
        row("Sponsor", cov.sub_name or "")
        row("Relationship to sponsor", cov.relationship or "")
        row("Sponsor date of birth", st.d(cov.sub_dob))
    head_("ORDERING PROVIDER")
    row("Name", prov(f, "last_first").upper())
    row("NPI", f.npi or "")
    row("Facility", f.org)
    row("Address", f"{street(f.addr)}, {city_line(f.addr)}" if f.addr else "")
    row("Phone / fax", f"{st.p(f.phone, f.ext)}  /  {st.p(f.fax)}")
    head_("COMMUNITY PROVIDER")
    row("Name", prov(t))
    row("Practice", t.org or "")
    row("NPI", t.npi or "")
    row("Address", f"{street(t.addr)}, {city_line(t.addr)}" if t.addr else "")
    row("Phone / fax", f"{st.p(t.phone, t.ext)}  /  {st.p(t.fax)}")
    head_("CLINICAL")
    row("Provisional diagnosis", "; ".join(f"{d} {dx_desc(d)}" for d in c.dx))
    if c.px:
        row("Services", "; ".join(f"CPT {a} {b}" for a, b in c.px))
    row("Reason for request", c.reason or "")
    cv.text(48, y + 14, f"Return records to the {'VA' if va else 'regional contractor'} "
            f"via secure fax {st.p(phone(rng, '866'))}.", 8)  # fmt: skip
    return cv


# --- 5. workers' comp / auto injury: dotted leaders and claim IDs that are not member IDs ----------
def injury_claim(rng: random.Random, c: Case, st: Style) -> Canvas:
    no_ids(c)
    c.meds, c.allergies, c.summary, c.urgency, c.patient.mrn, c.patient.language = (
        [],
        [],
        None,
        None,
        None,
        None,
    )
    p, f, t = c.patient, c.ref_from, c.ref_to
    f.specialty = None
    wc = rng.random() < 0.6
    carrier = rng.choice(
        ["Keystone Mutual Casualty", "Great Plains Employers Insurance", "Redwood State Compensation Fund"]
        if wc
        else ["Cascade Auto & Home Insurance", "Liberty Shield Auto Insurance"]
    )
    c.coverages = [Coverage(carrier, None, None, None, None, None, None, None)]
    c.auth = f"RFA-{rand_id(rng, 6)}-{rng.randint(1, 9)}"
    cv = Canvas(st)
    title = (
        "WORKERS' COMPENSATION \u2014 REFERRAL FOR TREATMENT"
        if wc
        else "AUTO INJURY (PIP) \u2014 TREATMENT REFERRAL"
    )
    cv.center(52, title, 12.5, "hebo")
    vx, y = 230.0, 80.0
    y = cv.bar(y, "1.  INJURED " + ("EMPLOYEE" if wc else "PERSON")) + 14
    y = cv.leader(56, y, "Name", pname(p, "first_last"), vx)
    y = cv.leader(56, y, "Date of birth", st.d(p.dob), vx)
    y = cv.leader(56, y, "Sex", sex_word(p.sex), vx)
    a = p.addr or Addr("", None, "", "", "")
    y = cv.leader(56, y, "Home address", f"{street(a)}, {city_line(a)}", vx)
    y = cv.leader(56, y, "Telephone", st.p(p.phone), vx)
    doi = c.date - timedelta(days=rng.randint(3, 40)) if c.date else None
    y = cv.leader(56, y, "Date of injury", st.d(doi), vx)
    y = cv.leader(
        56,
        y,
        "Body part(s)",
        rng.choice(["neck, upper back", "right shoulder", "lower back", "right knee"]),
        vx,
    )
    if wc:
        y = cv.bar(y, "2.  EMPLOYER") + 14
        ea, earea = addr(rng, suite=True)
        y = cv.leader(56, y, "Employer", f"{rng.choice(PLACES)} {rng.choice(['Logistics LLC', 'Foods Inc.', 'Builders Co.'])}", vx)  # fmt: skip
        y = cv.leader(56, y, "Employer address", f"{street(ea)}, {city_line(ea)}", vx)
        y = cv.leader(56, y, "Employer phone", st.p(phone(rng, earea)), vx)
        y = cv.leader(56, y, "Employee ID", f"EMP{rand_id(rng, 6)}", vx)
    y = cv.bar(y, ("3" if wc else "2") + ".  CLAIM") + 14
    y = cv.leader(56, y, "Insurance carrier", carrier, vx)
    y = cv.leader(56, y, "Claim number", f"{'WC' if wc else 'PIP'}{rand_id(rng, 2)}-{rand_id(rng, 6)}-{rand_id(rng, 2)}", vx)  # fmt: skip
    if not wc:
        y = cv.leader(56, y, "Policy number", f"AP-{rand_id(rng, 9)}", vx)
    adj = f"{rng.choice(FIRST_F + FIRST_M)} {rng.choice(LAST)}"
    y = cv.leader(56, y, "Adjuster", adj, vx)
    aarea = rng.choice(["800", "888", "877"])
    y = cv.leader(56, y, "Adjuster phone / fax", f"{st.p(phone(rng, aarea), str(rng.randint(3000, 3999)))}  /  {st.p(phone(rng, aarea))}", vx)  # fmt: skip
    y = cv.leader(56, y, "Treatment authorization #", c.auth, vx)
    y = cv.bar(y, ("4" if wc else "3") + ".  REFERRAL") + 14
    y = cv.leader(56, y, "Treating physician", prov(f), vx)
    y = cv.leader(56, y, "NPI", f.npi or "", vx)
    y = cv.leader(56, y, "Clinic", f.org or "", vx)
    y = cv.leader(56, y, "Clinic address", f"{street(f.addr)}, {city_line(f.addr)}" if f.addr else "", vx)
    y = cv.leader(56, y, "Clinic phone / fax", f"{st.p(f.phone, f.ext)}  /  {st.p(f.fax)}", vx)
    y = cv.leader(56, y, "Referred to", prov(t), vx)
    y = cv.leader(56, y, "Specialty", t.specialty or "", vx)
    y = cv.leader(56, y, "Practice", t.org or "", vx)
    y = cv.leader(56, y, "Practice address", f"{street(t.addr)}, {city_line(t.addr)}" if t.addr else "", vx)
    y = cv.leader(56, y, "Practice phone / fax", f"{st.p(t.phone, t.ext)}  /  {st.p(t.fax)}", vx)
    y = cv.leader(56, y, "NPI (consultant)", t.npi or "", vx)
    for d in c.dx:
        y = cv.leader(56, y, "Diagnosis (ICD-10)", f"{d}  {dx_desc(d)}", vx, 8.5)
    y = cv.leader(56, y, "Treatment requested", c.reason or "", vx)
    cv.text(56, y + 8, f"Date of referral: {st.d(c.date)}", 9)
    return cv


# --- 6. narrative consult letter: no labels at all -------------------------------------------------
def narrative_letter(rng: random.Random, c: Case, st: Style) -> Canvas:
    no_ids(c)
    c.px, c.auth, c.patient.mrn = [], None, None
    p, f, t, cov = c.patient, c.ref_from, c.ref_to, c.coverages[0]
    f.specialty, t.phone, t.fax, t.npi, p.addr = None, None, None, None, None
    cov.payer_id, cov.group, cov.sub_name, cov.relationship, cov.sub_dob = None, None, None, None, None
    if p.sex == "X":
        p.sex = None
    she, her = {"F": ("She", "her"), "M": ("He", "him")}.get(p.sex or "", ("They", "them"))
    poss = {"F": "Her", "M": "His"}.get(p.sex or "", "Their")
    title = {"F": "Ms.", "M": "Mr."}.get(p.sex or "", "Mx.")
    cv = Canvas(st)
    cv.center(54, f.org or "", 15, "tibo")
    cv.center(68, f"{street(f.addr)}  \u00b7  {city_line(f.addr)}" if f.addr else "", 9, "tiro")
    cv.center(80, f"T {st.p(f.phone, f.ext, 'dots')}  \u00b7  F {st.p(f.fax, None, 'dots')}", 9, "tiro")
    cv.line(48, 88, W - 48, 88, 0.8)
    y = 112.0
    cv.text(48, y, st.d(c.date, "words"), 10.5, "tiro")
    y += 26
    lines = [prov(t), t.org or ""]
    if t.addr:
        lines += [street(t.addr), city_line(t.addr)]
    for ln in lines:
        cv.text(48, y, ln, 10.5, "tiro")
        y += 13
    y += 10
    cv.text(48, y, f"RE:  {pname(p, 'first_last')}, born {st.d(p.dob, 'words')}", 10.5, "tibo")
    y += 24
    doc_ = t.cred and t.cred.startswith(("MD", "DO"))
    cv.text(48, y, f"Dear {'Dr. ' + (t.last or '') if doc_ else prov(t).split(',')[0]}:", 10.5, "tiro")
    y += 20
    paras = [
        f"Thank you for seeing {title} {p.last} in your {(t.specialty or '').lower()} practice. "
        f"I am referring {her} for {c.reason}.",
        c.summary or "",
        "Relevant diagnoses: " + "; ".join(f"{dx_desc(d).lower()} ({d})" for d in c.dx) + ".",
    ]
    if c.meds:
        paras.append(f"{poss} current medications are " + ", ".join(c.meds) + ".")
    if c.allergies:
        paras[-1] += f" {she} is allergic to " + " and ".join(c.allergies) + "."
    urg = {
        "routine": "This is a routine referral; the next available appointment is fine.",
        "urgent": f"I consider this urgent and would be grateful if {her} could be seen within a week.",
        "stat": f"This is a STAT request: please see {her} today or tomorrow if at all possible.",
    }
    paras.append(urg[c.urgency or "routine"])
    lang = f" {she} prefers {p.language}; please arrange an interpreter." if p.language else ""
    paras.append(
        f"{she} is covered by {cov.payer} ({cov.plan}), member ID {cov.member_id}, and can be reached at "
        f"{st.p(p.phone)}.{lang} Please send your recommendations to my office."
    )
    for para in paras:
        y = cv.wrap(48, y, W - 96, para, 10.5, "tiro") + 8
    y += 6
    for ln in ("Sincerely,", "", "", prov(f), f"NPI {f.npi}"):
        cv.text(48, y, ln, 10.5, "tiro")
        y += 13
    return cv


# --- 7. SOAP clinic note with the referral order at the end ----------------------------------------
def soap_note(rng: random.Random, c: Case, st: Style) -> Canvas:
    no_ids(c)
    c.auth, c.patient.language = None, None
    p, f, t, cov = c.patient, c.ref_from, c.ref_to, c.coverages[0]
    f.specialty, t.addr = None, None
    cov.payer_id, cov.group, cov.sub_name, cov.relationship, cov.sub_dob = None, None, None, None, None
    cv = Canvas(st)
    cv.kinds[0] = "clinical_note"
    cv.rect(40, 36, W - 40, 74, fill=0.88, width=0.3)
    age = (c.date - p.dob).days // 365 if c.date else 0
    cv.text(46, 50, pname(p, "LAST"), 11, "hebo")
    cv.text(
        46,
        63,
        f"DOB {st.d(p.dob, 'mdy')} ({age} y.o.)   {sex_word(p.sex)}   MRN {p.mrn}   Ph {st.p(p.phone)}",
        8.5,
    )
    cv.text(46, 71.5, f"Coverage: {cov.payer} \u2013 {cov.plan}   ID {cov.member_id}", 7.5)
    if p.addr:
        cv.right(W - 46, 50, street(p.addr), 8)
        cv.right(W - 46, 60, city_line(p.addr), 8)
    cv.text(48, 94, f"Office Visit \u2014 {f.org}", 11, "hebo")
    cv.text(48, 107, f"Date of service: {st.d(c.date, 'mdy')}     Provider: {prov(f)}", 9)
    y = 128.0
    sections: list[tuple[str, list[str]]] = [
        ("SUBJECTIVE", [f"CC: {c.reason}", f"HPI: {c.summary}"]),
        ("Current medications", [f"\u2022 {m}" for m in c.meds] or ["None reported"]),
    ]
    if c.allergies:
        sections.append(("Allergies", [f"\u2022 {a}" for a in c.allergies]))
    vit = f"BP {rng.randint(108, 162)}/{rng.randint(62, 98)}  HR {rng.randint(58, 104)}  T 98.{rng.randint(0, 9)} F  "
    vit += f"SpO2 {rng.randint(93, 100)}%  Wt {rng.randint(110, 260)} lb"
    sections += [
        ("OBJECTIVE", [vit, "General: alert, no acute distress. Exam otherwise as documented in flowsheet."]),
        ("ASSESSMENT", [f"{i}. {dx_desc(d)} ({d})" for i, d in enumerate(c.dx, 1)]),
    ]
    tail = [
        "- Continue current medications; labs today (CBC, CMP).",
        f"- Referral placed to {t.specialty}: {prov(t)}, {t.org}. Phone {st.p(t.phone, t.ext)}, fax {st.p(t.fax)}."
        f" NPI {t.npi}.",
        f"- Referral priority: {URG_WORDS[c.urgency]}." if c.urgency else "- Return in 3 months.",
    ]
    tail += [f"- Requested: {a} {b}" for a, b in c.px]
    sections.append(("PLAN", tail))
    for title, rows in sections:
        cv.text(48, y, title, 9.5, "hebo")
        y += 13
        for r in rows:
            y = cv.wrap(60, y, W - 112, r, 9.5, "helv") + 1
        y += 7
    if y > 720:
        cv.new_page("clinical_note")
        y = 60
    cv.text(48, y + 6, f"Electronically signed by {prov(f)} (NPI {f.npi}) on {st.d(c.date, 'mdy')} 4:52 PM", 8.5, "heit")  # fmt: skip
    foot = f"{f.org}  |  {street(f.addr)}, {city_line(f.addr)}  |  Ph {st.p(f.phone, f.ext)}  |  Fax {st.p(f.fax)}" if f.addr else ""  # fmt: skip
    cv.text(48, 770, foot, 7)
    return cv


# --- 8. two-up demographics (Patient | Guarantor, Primary | Secondary) + two-up provider order -----
def two_up(rng: random.Random, c: Case, st: Style) -> Canvas:
    c.summary, c.meds, c.allergies = None, [], []
    p, f, t = c.patient, c.ref_from, c.ref_to
    f.specialty = None
    spouse = rng.random() < 0.6
    gname, gdob = sub_person(rng, p, "Spouse") if spouse else (pname(p, "first_last"), p.dob)
    prim = c.coverages[0]
    if spouse:
        prim.sub_name, prim.sub_dob, prim.relationship = gname, gdob, "Spouse"
    else:
        prim.sub_name = gname
    al = "ACDEFGHJKMNPQRTUVWXY"
    mbi = f"{rng.randint(1, 9)}{rng.choice(al)}{rng.choice(al)}{rand_id(rng, 1)}-{rng.choice(al)}{rand_id(rng, 2)}"
    mbi += f"-{rng.choice(al)}{rng.choice(al)}{rand_id(rng, 2)}"
    sec = Coverage("Medicare", None, "Medicare Part B", mbi, None, pname(p, "first_last"), "Self", p.dob)
    c.coverages = [prim, sec] if rng.random() < 0.6 else [prim]
    c.auth = rng.choice([None, f"RF{rand_id(rng, 7)}"])
    cv = Canvas(st)
    cv.kinds[0] = "demographics"
    cv.text(48, 52, "PATIENT REGISTRATION \u2014 FACE SHEET", 12.5, "hebo")
    cv.right(W - 48, 52, f.org or "", 9, "heit")
    a = p.addr or Addr("", None, "", "", "")
    garea = p.phone[:3] if p.phone else "555"
    rows = [
        ("Name", pname(p, "LAST"), gname if spouse else "SAME AS PATIENT"),
        ("Street", street(a), street(a) if spouse else ""),
        ("City / State / ZIP", city_line(a), city_line(a) if spouse else ""),
        ("Phone", st.p(p.phone), st.p(phone(rng, garea)) + " (cell)" if spouse else ""),
        ("E-mail", p.email or "", ""),
        ("Date of birth", st.d(p.dob), st.d(gdob) if spouse else ""),
        ("Sex", sex_word(p.sex), ""),
        ("Preferred language", p.language or "", ""),
        ("SSN", f"XXX-XX-{rand_id(rng, 4)}", f"XXX-XX-{rand_id(rng, 4)}" if spouse else ""),
        ("Employer", rng.choice(["Retired", "Self-employed", f"{rng.choice(PLACES)} School District"]), ""),
        ("Relationship to patient", "", "Spouse" if spouse else "Self"),
        ("Account / MRN", p.mrn or "", ""),
    ]
    y = cv.table(
        48,
        70,
        [("", 130), ("PATIENT", 193), ("GUARANTOR / RESPONSIBLE PARTY", 193)],
        [list(r) for r in rows],
        True,
    )
    y += 16
    ins_rows: list[tuple[str, str, str]] = []
    c2 = c.coverages[1] if len(c.coverages) > 1 else Coverage(None, None, None, None, None, None, None, None)
    for label, attr in (("Carrier", "payer"), ("Payer ID", "payer_id"), ("Plan", "plan"), ("Member ID", "member_id"),
                        ("Group #", "group"), ("Insured / subscriber", "sub_name"),
                        ("Pt. relationship to insured", "relationship")):  # fmt: skip
        ins_rows.append((label, getattr(prim, attr) or "", getattr(c2, attr) or ""))
    ins_rows.insert(6, ("Insured DOB", st.d(prim.sub_dob), st.d(c2.sub_dob)))
    cv.table(
        48, y, [("INSURANCE", 130), ("PRIMARY", 193), ("SECONDARY", 193)], [list(r) for r in ins_rows], True
    )
    cv.new_page("referral_form")
    cv.text(48, 52, "REFERRAL ORDER", 12.5, "hebo")
    cv.right(W - 48, 52, f"Ordered {st.d(c.date)}", 9)
    cv.text(48, 66, f"Patient: {pname(p, 'LAST')}   DOB {st.d(p.dob)}", 9)
    fa, ta = f.addr or Addr("", None, "", "", ""), t.addr or Addr("", None, "", "", "")
    prow = [
        ("Name", f"{f.first} {f.last}", f"{t.first} {t.last}"),
        ("Credentials", f.cred or "", t.cred or ""),
        ("Specialty", "", t.specialty or ""),
        ("NPI", f.npi or "", t.npi or ""),
        ("Practice", f.org or "", t.org or ""),
        ("Address", street(fa), street(ta)),
        ("City / State / ZIP", city_line(fa), city_line(ta)),
        ("Phone", st.p(f.phone, f.ext), st.p(t.phone, t.ext)),
        ("Fax", st.p(f.fax), st.p(t.fax)),
    ]
    y = (
        cv.table(
            48, 78, [("", 110), ("ORDERING PROVIDER", 203), ("REFER TO", 203)], [list(r) for r in prow], True
        )
        + 16
    )
    urgency_row(cv, 48, y, c)
    y = cv.table(48, y + 10, [("Dx code", 80), ("Diagnosis", 436)], [[d, dx_desc(d)] for d in c.dx]) + 6
    if c.px:
        y = cv.table(48, y, [("CPT", 80), ("Order", 436)], [[a_, b_] for a_, b_ in c.px]) + 6
    y += 10
    cv.text(48, y, "Reason:", 9, "hebo")
    y = cv.wrap(100, y, 460, c.reason or "", 9.5, st.fill)
    if c.auth:
        cv.text(48, y + 8, f"Referral / authorization #: {c.auth}", 9)
    return cv


# --- 9. fax cover sheet + referral with a diagnosis table ------------------------------------------
def fax_cover(rng: random.Random, c: Case, st: Style) -> Canvas:
    c.patient.language = None
    p, f, t, cov = c.patient, c.ref_from, c.ref_to, c.coverages[0]
    f.specialty = None
    c.auth = None
    cv = Canvas(st)
    cv.kinds[0] = "cover_sheet"
    cv.text(48, 70, "FAX", 40, "hebo")
    cv.text(150, 58, f.org or "", 11, "hebo")
    cv.text(150, 71, f"{street(f.addr)}, {city_line(f.addr)}" if f.addr else "", 8.5)
    sender = f"{rng.choice(FIRST_F)} {rng.choice(LAST)}, Referral Coordinator"
    y = 110.0
    for left, right in (
        (("To", f"{t.org}  \u2014  Attn: New Patient Referrals"), ("Date", st.d(c.date))),
        (("Fax", st.p(t.fax)), ("Phone", st.p(t.phone, t.ext))),
        (("From", sender), ("Pages", "2 (including cover)")),
        (("Fax", st.p(f.fax)), ("Phone", st.p(f.phone, f.ext or str(rng.randint(200, 260))))),
    ):
        cv.text(48, y, left[0] + ":", 10, "hebo")
        cv.text(95, y, left[1], 10)
        cv.text(380, y, right[0] + ":", 10, "hebo")
        cv.text(425, y, right[1], 10)
        cv.line(48, y + 5, W - 48, y + 5, 0.3)
        y += 24
    x = 48.0
    for label, on in (
        ("Urgent", c.urgency in ("urgent", "stat")),
        ("For review", False),
        ("Please reply", True),
    ):
        x = cv.check(x, y + 8, on, label, 10)
    cv.text(48, y + 40, f"Re: new referral \u2014 {pname(p, 'Last')}", 11, "hebo")
    cv.wrap(48, y + 70, W - 96, "CONFIDENTIALITY NOTICE: This facsimile contains protected health information that is "
            "privileged and confidential. If you received it in error, notify the sender by telephone and destroy "
            "all copies. Redisclosure is prohibited by federal law (45 CFR Parts 160 and 164).", 8, "heit")  # fmt: skip
    cv.new_page("referral_form")
    cv.text(48, 52, "Referral for Specialty Consultation", 13, "tibo")
    cv.right(W - 48, 52, st.d(c.date), 9)
    a = p.addr or Addr("", None, "", "", "")
    lines = [
        f"Patient: {pname(p, 'LAST')}  |  DOB: {st.d(p.dob)}  |  Sex: {p.sex or ''}  |  MRN: {p.mrn}",
        f"Address: {street(a)}, {city_line(a)}  |  Phone: {st.p(p.phone)}  |  {p.email}",
        f"Insurance: {cov.payer}  |  {cov.plan}  |  ID {cov.member_id}  |  Group {cov.group or 'n/a'}  |  "
        f"Payer ID {cov.payer_id}",
        f"Subscriber: {cov.sub_name} ({cov.relationship})  |  Subscriber DOB: {st.d(cov.sub_dob)}",
        f"Referring: {prov(f)}  |  NPI {f.npi}  |  {f.org}",
        f"Referred to: {prov(t)}  |  {t.specialty}  |  NPI {t.npi}  |  {street(t.addr)}, {city_line(t.addr)}"
        if t.addr
        else "",
    ]
    if cov.group is None:
        lines[2] = lines[2].replace("  |  Group n/a", "")
    y = 76.0
    for ln in lines:
        y = cv.wrap(48, y, W - 96, ln, 9) + 3
    y = cv.table(48, y + 4, [("Ptr", 30), ("ICD-10-CM", 75), ("Description", 411)],
                 [["ABCD"[i], d, dx_desc(d)] for i, d in enumerate(c.dx)])  # fmt: skip
    if c.px:
        y = cv.table(48, y + 6, [("CPT", 60), ("Requested procedure", 406), ("Dx ptr", 50)],
                     [[a_, b_, "A"] for a_, b_ in c.px])  # fmt: skip
    urgency_row(cv, 48, y + 20, c, "Urgency:")
    cv.text(48, y + 40, "Reason for referral:", 9, "hebo")
    y = cv.wrap(150, y + 40, 410, c.reason or "", 9.5, st.fill)
    cv.text(48, y + 6, "History:", 9, "hebo")
    y = cv.wrap(150, y + 6, 410, c.summary or "", 9.5, st.fill)
    if c.meds:
        cv.text(48, y + 6, "Medications:", 9, "hebo")
        y = cv.wrap(150, y + 6, 410, "; ".join(c.meds), 9.5, st.fill)
    if c.allergies:
        cv.text(48, y + 6, "Allergies:", 9, "hebo")
        y = cv.wrap(150, y + 6, 410, "; ".join(c.allergies), 9.5, st.fill)
    return cv


FAMILIES: dict[str, Callable[[random.Random, Case, Style], Canvas]] = {
    "underline_form": underline_form,
    "grid_form": grid_form,
    "pediatric_guardian": pediatric,
    "community_care": community_care,
    "injury_claim": injury_claim,
    "narrative_letter": narrative_letter,
    "soap_note": soap_note,
    "two_up_demographics": two_up,
    "fax_cover_dx_table": fax_cover,
}
NEEDS = {"pediatric_guardian": "pediatric", "injury_claim": "injury"}
