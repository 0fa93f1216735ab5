"""Content shared by the form families: which fields a form carries, as (label, value) items.

Choosing content here and layout in each family keeps the content realistic and the layouts different.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pymupdf

from referral_intake.contract import PageKind
from referral_intake.synth.formats import fmt_sex
from referral_intake.synth.gold import Printed
from referral_intake.synth.people import Provider
from referral_intake.synth.render import FONTS, PAGE_H, PAGE_W, Sheet

URGENCY_OPTIONS = (("Routine", "routine"), ("Urgent", "urgent"), ("STAT", "stat"))


@dataclass
class Item:
    label: str
    value: str
    check: int | None = None  # urgency checkbox row: index of the checked option
    wide: bool = False  # wants a full row (reason, diagnoses)


def patient_items(pr: Printed, keep: float = 0.85) -> list[Item]:
    st, p, rng = pr.style, pr.case.patient, pr.rng
    items: list[Item] = []
    if rng.random() < 0.3:  # split name boxes
        items.append(Item("Last Name" + st.colon, pr.text("patient.last_name", p.last)))
        items.append(Item("First Name" + st.colon, pr.text("patient.first_name", p.first)))
        if p.middle and rng.random() < 0.6:
            mi = p.middle[0] if rng.random() < 0.6 else p.middle
            items.append(
                Item(("MI" if len(mi) == 1 else "Middle Name") + st.colon, pr.text("patient.middle_name", mi))
            )
    else:
        items.append(Item(st.label("name"), pr.patient_name()))
    items.append(Item(st.label("dob"), pr.date("patient.date_of_birth", p.dob)))
    if rng.random() < keep:
        pr.put("patient.sex", p.sex)
        items.append(Item(st.label("sex"), fmt_sex(p.sex, rng)))
    if p.addr and rng.random() < keep + 0.05:
        street, city = pr.address("patient.address", p.addr)
        if rng.random() < 0.5:
            items.append(Item(st.label("address"), f"{street}, {city}", wide=True))
        else:
            items.append(Item(st.label("address"), street))
            items.append(Item("City/State/ZIP" + st.colon, city))
    if p.phone and rng.random() < keep:
        items.append(Item(st.label("phone"), pr.phone("patient.phone", p.phone)))
    if p.email and rng.random() < keep - 0.3:
        items.append(Item(st.label("email"), pr.text("patient.email", p.email)))
    if p.mrn and rng.random() < 0.5:
        items.append(Item(st.label("mrn"), pr.text("patient.mrn", p.mrn)))
    if p.language and rng.random() < 0.5:
        items.append(Item(st.label("language"), pr.text("patient.preferred_language", p.language)))
    return items


def insurance_items(pr: Printed, i: int, keep: float = 0.85) -> list[Item]:
    st, rng, c = pr.style, pr.rng, pr.case.coverages[i]
    pre = f"insurance.{i}"
    label = st.label("payer") if i == 0 else "Secondary Insurance" + st.colon
    items = [Item(label, pr.text(f"{pre}.payer_name", c.payer))]
    if rng.random() < keep - 0.2:
        items.append(Item(st.label("plan"), pr.text(f"{pre}.plan_name", c.plan)))
    items.append(Item(st.label("member_id"), pr.member_id(i)))
    if c.group and rng.random() < keep:
        items.append(Item(st.label("group"), pr.text(f"{pre}.group_number", c.group.upper())))
    if c.subscriber is not None:
        sub = c.subscriber
        name = f"{sub.first} {sub.last}" if st.name_order == "first_last" else f"{sub.last}, {sub.first}"
        items.append(Item(st.label("subscriber"), pr.text(f"{pre}.subscriber_name", name)))
        items.append(
            Item(st.label("relationship"), pr.text(f"{pre}.subscriber_relationship", c.relationship))
        )
        if rng.random() < 0.6:
            items.append(Item(st.label("sub_dob"), pr.date(f"{pre}.subscriber_date_of_birth", sub.dob)))
    elif rng.random() < 0.3:
        items.append(Item(st.label("relationship"), pr.text(f"{pre}.subscriber_relationship", "Self")))
    return items


def provider_items(pr: Printed, which: str, keep: float = 0.85) -> list[Item]:
    """`which` is `referring_provider` or `referred_to`."""
    st, rng = pr.style, pr.rng
    prov: Provider = pr.case.referring if which == "referring_provider" else pr.case.referred_to
    items: list[Item] = []
    name_label = st.label("ref_provider") if which == "referring_provider" else st.label("referred_to")
    if which == "referred_to" and rng.random() < 0.25:  # "to: any cardiologist" - no named doctor
        items.append(Item(st.label("specialty"), pr.text(f"{which}.specialty", prov.specialty)))
        return items
    items.append(Item(name_label, pr.person_name(which, prov)))
    if rng.random() < keep:
        items.append(Item(st.label("npi"), pr.text(f"{which}.npi", prov.npi)))
    if rng.random() < keep:
        items.append(Item(st.label("practice"), pr.text(f"{which}.organization", prov.organization)))
    if which == "referred_to" and rng.random() < 0.7:
        items.append(Item(st.label("specialty"), pr.text(f"{which}.specialty", prov.specialty)))
    if rng.random() < keep - 0.25:
        street, city = pr.address(f"{which}.address", prov.addr)
        label = rng.choice(("Address", "Office Address", "Location")) + st.colon
        items.append(Item(label, f"{street}, {city}", wide=True))
    if rng.random() < keep:
        items.append(Item(st.label("prov_phone"), pr.phone(f"{which}.phone", prov.phone)))
    if rng.random() < keep:
        items.append(Item(st.label("prov_fax"), pr.phone(f"{which}.fax", prov.fax)))
    return items


def urgency_index(pr: Printed) -> int:
    return [v for _, v in URGENCY_OPTIONS].index(pr.case.urgency)


def referral_items(pr: Printed, keep: float = 0.85) -> list[Item]:
    st, rng, case = pr.style, pr.rng, pr.case
    items = [Item(st.label("date"), pr.date("referral_date", case.referral_date))]
    if rng.random() < keep:
        pr.put("urgency", case.urgency)
        items.append(Item(st.label("urgency"), "", check=urgency_index(pr)))
    items.append(Item(st.label("reason"), pr.text("reason", case.reason), wide=True))
    with_desc = rng.random() < 0.8
    for i in range(len(case.diagnoses)):
        items.append(Item(st.label("dx") if i == 0 else "", pr.dx(i, with_desc), wide=True))
    if case.procedures and rng.random() < keep - 0.2:
        for i in range(len(case.procedures)):
            items.append(Item(st.label("procedures") if i == 0 else "", pr.proc(i), wide=True))
    if case.authorization and rng.random() < keep:
        items.append(Item(st.label("auth"), pr.text("authorization_number", case.authorization)))
    return items


def draw_item_value(sh: Sheet, x: float, y: float, item: Item, box_style: str = "box") -> float:
    """Draw an item's value (text, or the urgency checkbox row); returns the end x."""
    if item.check is None:
        return sh.value(x, y, item.value)
    for k, (label, _) in enumerate(URGENCY_OPTIONS):
        x = sh.checkbox(x, y, k == item.check, label, box_style)
    return x


def clinic_header(sh: Sheet, pr: Printed, y: float, align: str = "left") -> float:
    """Letterhead of the referring practice; returns the y below it."""
    prov, rng = pr.case.referring, pr.rng
    x = {"left": 54.0, "center": 306.0, "right": 558.0}[align]
    if align == "left" and rng.random() < 0.4:
        initials = "".join(w[0] for w in prov.organization.split()[:2]).upper()
        sh.logo(x + 14, y - 4, 14, initials)
        x += 36
    sh.text(
        x,
        y,
        pr.text("referring_provider.organization", prov.organization),
        sh.size + 5,
        bold=True,
        align=align,
    )
    y += sh.size + 5
    street, city = pr.address("referring_provider.address", prov.addr)
    line = f"{street}  |  {city}" if rng.random() < 0.5 else f"{street}, {city}"
    sh.text(x, y, line, sh.size - 1, align=align)
    y += sh.size + 1
    ph = pr.phone("referring_provider.phone", prov.phone)
    fx = pr.phone("referring_provider.fax", prov.fax)
    sh.text(
        x,
        y,
        f"Tel {ph}   Fax {fx}" if rng.random() < 0.5 else f"Phone: {ph}  Fax: {fx}",
        sh.size - 1,
        align=align,
    )
    return y + sh.size + 4


class Flow:
    """Top-to-bottom drawing that starts a new page when the current one is full."""

    def __init__(
        self,
        doc: pymupdf.Document,
        pr: Printed,
        kinds: list[PageKind],
        kind: PageKind,
        font: str | None = None,
        size: float | None = None,
        margin: float | None = None,
    ) -> None:
        self.doc, self.pr, self.kinds, self.kind = doc, pr, kinds, kind
        rng = pr.rng
        self.font = font or rng.choice(tuple(FONTS))
        self.size = size or round(rng.uniform(8.5, 11.5) * 2) / 2
        self.margin = margin or rng.uniform(40, 72)
        self.on_page: Callable[[], None] | None = None  # e.g. repeat a patient band on each page
        filled = rng.random() < 0.3
        self.value_font = rng.choice(tuple(FONTS)) if filled else None
        self.value_jitter = rng.uniform(0.5, 2.0) if filled else 0.0
        self.sheet = self.new_page()
        self.y = self.margin + self.size

    def new_page(self) -> Sheet:
        page = self.doc.new_page(width=PAGE_W, height=PAGE_H)
        self.kinds.append(self.kind)
        self.pr.pages.add(self.doc.page_count)
        self.y = self.margin + self.size
        sh = Sheet(page, self.font, self.size)
        sh.value_font, sh.value_jitter = self.value_font, self.value_jitter
        return sh

    def need(self, height: float) -> Sheet:
        if self.y + height > PAGE_H - self.margin:
            self.sheet = self.new_page()
            if self.on_page is not None:
                self.on_page()
        return self.sheet

    @property
    def right(self) -> float:
        return PAGE_W - self.margin
