"""What every family renderer shares: the per-document context, name/address helpers and the fax cover."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from fresh_canvas import Canvas
from fresh_data import Address, Case, Provider
from fresh_fmt import SEX_WORDS, Gold, Style, middle_shown


@dataclass
class Ctx:
    rng: random.Random
    case: Case
    style: Style
    gold: Gold
    cv: Canvas
    kinds: list[str] = field(default_factory=list)

    def pick(self, *options: str) -> str:
        return self.rng.choice(options)

    def chance(self, p: float) -> bool:
        return self.rng.random() < p


def patient_name(c: Ctx, order: str | None = None, suffix_ok: bool = True) -> str:
    """The patient's full name in one of the common orders; records the name parts in the gold."""
    p = c.case.patient
    order = order or c.pick("first_last", "last_first", "last_first", "caps_last_first", "caps_first_last")
    show_mid = p.middle is not None and c.chance(0.75)
    mid = middle_shown(p.middle, c.style.initial, c.style.dot) if show_mid else ""
    suf = p.suffix if suffix_ok and p.suffix else ""
    if order.endswith("first_last"):
        s = " ".join(x for x in (p.first, mid, p.last, suf) if x)
    else:
        s = f"{p.last}{' ' + suf if suf else ''}, " + " ".join(x for x in (p.first, mid) if x)
    if order.startswith("caps"):
        s = s.upper()
    c.gold.patient_name(p, show_mid, c.style.initial, bool(suf))
    return s


def sex_text(c: Ctx, long: bool | None = None) -> str:
    sex = c.case.patient.sex
    c.gold.put("patient.sex", sex)
    words = SEX_WORDS[sex]
    return words[1] if (long if long is not None else c.chance(0.5)) else words[0]


def dob_text(c: Ctx) -> str:
    c.gold.put_date("patient.date_of_birth", c.case.patient.dob)
    return c.style.d(c.case.patient.dob)


def city_line(a: Address, zip4: bool = True) -> str:
    z = f"{a.zip5}-{a.zip4}" if zip4 and a.zip4 else a.zip5
    return f"{a.city}, {a.state} {z}"


def street(a: Address, line2: bool = True) -> str:
    return f"{a.line1}, {a.line2}" if line2 and a.line2 else a.line1


def patient_address(c: Ctx, line2: bool = True) -> tuple[str, str]:
    a = c.case.patient.address
    c.gold.address("patient.address", a, line2=line2)
    return street(a, line2), city_line(a)


def provider_name(
    c: Ctx, role: str, pr: Provider, cred: bool = True, dr: bool = False, last_first: bool = False
) -> str:
    c.gold.provider(role, pr, cred=cred)
    if last_first:
        s = f"{pr.last}, {pr.first}"
        return f"{s}, {pr.cred}" if cred else s
    s = f"{'Dr. ' if dr and not cred else ''}{pr.first} {pr.last}"
    return f"{s}, {pr.cred}" if cred else s


def phone(c: Ctx, path: str, number: str) -> str:
    c.gold.put(path, number)
    return c.style.p(number)


def fax_cover(c: Ctx, total_pages: int) -> None:
    """A typical fax cover page, put in front of the document; its numbers are the providers' own."""
    case = c.case
    cv = c.cv
    page = cv.doc.new_page(pno=0, width=612, height=792)
    saved, cv.page = cv.page, page
    rf, rt = case.referring, case.referred_to
    y = 70.0
    cv.text(50, y, rf.org, 13, bold=True)
    cv.text(50, y + 15, f"{rf.address.line1}  |  {city_line(rf.address, zip4=False)}", 8.5)
    c.gold.address("referring_provider.address", rf.address, line2=False)
    c.gold.put("referring_provider.organization", rf.org)
    cv.ctext(306, 150, c.pick("FAX", "FACSIMILE", "Fax Transmittal"), 30, bold=True)
    y = 200
    rows = [
        ("To:", c.pick(rt.org, f"{rt.org} - {c.pick('Referrals', 'New Patient Intake', 'Scheduling')}")),
        ("Fax:", phone(c, "referred_to.fax", rt.fax)),
        ("From:", provider_name(c, "referring_provider", rf, cred=True)),
        ("Phone:", phone(c, "referring_provider.phone", rf.phone)),
        ("Fax:", phone(c, "referring_provider.fax", rf.fax)),
        ("Date:", c.style.d(case.referral_date)),
        ("Pages:", f"{total_pages} (including cover)"),
        (
            "Re:",
            c.pick("Referral", "Patient referral - please schedule", "New referral", "Referral / records"),
        ),
    ]
    c.gold.put("referred_to.organization", rt.org)
    c.gold.put_date("referral_date", case.referral_date)
    for label, value in rows:
        cv.text(90, y, label, 11, bold=True)
        cv.text(170, y, value, 11)
        cv.line(168, y + 4, 520, y + 4, w=0.4)
        y += 28
    x = 90.0
    for opt in ("Urgent", "For Review", "Please Reply", "Please Comment"):
        x = cv.checkbox(x, y + 10, False, opt, size=9) + 18
    cv.wrap(
        70,
        640,
        470,
        (
            "CONFIDENTIALITY NOTICE: This facsimile contains protected health information that is privileged and "
            "confidential. If you are not the intended recipient, any review, disclosure, copying or distribution is "
            "prohibited. If you received this fax in error, please notify the sender by telephone and destroy all copies."
        ),
        size=7.5,
    )
    cv.page = saved
    c.kinds.insert(0, "cover_sheet")
