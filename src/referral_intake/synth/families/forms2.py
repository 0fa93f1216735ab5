"""More form layouts: two columns side by side, ruled tables of demographics, and an e-referral portal
printout with dot leaders.
"""

from __future__ import annotations

import pymupdf

from referral_intake.contract import PageKind
from referral_intake.synth.families.common import Flow, Item, draw_item_value, urgency_index
from referral_intake.synth.families.forms import SECTIONS, _signature, _title, sections
from referral_intake.synth.formats import fmt_sex
from referral_intake.synth.gold import Printed
from referral_intake.synth.render import Sheet


def _column(
    sh: Sheet, x: float, y: float, w: float, title: str, items: list[Item], bold_labels: bool, box: str
) -> float:
    sh.text(x, y, title, bold=True)
    sh.hline(x, x + w, y + 3)
    y += sh.size * 1.8
    for it in items:
        lab_w = sh.width(it.label, bold=bold_labels)
        if it.label:
            sh.text(x, y, it.label, bold=bold_labels)
        vx = x + lab_w + 5
        if it.check is not None:
            y += sh.size * 1.3
            draw_item_value(sh, x + 8, y, it, box)
        elif sh.width(it.value, font=sh.value_font) > x + w - vx:
            y = sh.wrap(vx, y, x + w - vx, it.value, leading=1.25, font=sh.value_font) - sh.size * 1.25
        else:
            sh.value(vx, y, it.value)
        y += sh.size * 1.45
    return y + sh.size


def render_two_column(doc: pymupdf.Document, prs: list[Printed]) -> list[PageKind]:
    """Patient and insurance on the left, providers on the right, referral details across the bottom."""
    kinds: list[PageKind] = []
    for pr in prs:
        rng = pr.rng
        flow = Flow(doc, pr, kinds, "referral_form", size=rng.choice((8.5, 9.0, 9.5, 10.0)))
        _title(flow, pr)
        secs = dict(sections(pr))
        gap = rng.uniform(16, 36)
        w = (flow.right - flow.margin - gap) / 2
        bold = rng.random() < 0.5
        box = rng.choice(("box", "text"))
        sh = flow.sheet
        left: list[tuple[str, list[Item]]] = [(k, secs[k]) for k in ("patient", "insurance") if k in secs]
        right: list[tuple[str, list[Item]]] = [(k, secs[k]) for k in ("referring_provider", "referred_to")]
        if rng.random() < 0.3:
            left, right = right, left
        ys = []
        for col, x in ((left, flow.margin), (right, flow.margin + w + gap)):
            y = flow.y
            for key, items in col:
                y = _column(sh, x, y, w, rng.choice(SECTIONS[key]), items, bold, box)
            ys.append(y)
        flow.y = max(ys) + 6
        sh = flow.need(flow.size * 8)
        flow.y = _column(
            sh,
            flow.margin,
            flow.y,
            flow.right - flow.margin,
            rng.choice(SECTIONS["referral"]),
            secs["referral"],
            bold,
            box,
        )
        _signature(flow, pr)
    return kinds


def _table(flow: Flow, title: str, header: list[str], rows: list[list[str]]) -> None:
    sh = flow.need(flow.size * (4 + 2 * len(rows)))
    sh.text(flow.margin, flow.y, title, bold=True)
    flow.y += flow.size * 0.6
    width = flow.right - flow.margin
    weights = [
        max(sh.width(h, bold=True), *(sh.width(r[k]) for r in rows)) + 10 for k, h in enumerate(header)
    ]
    scale = width / sum(weights)
    xs = [flow.margin]
    for wt in weights:
        xs.append(xs[-1] + wt * scale)
    row_h = flow.size * 1.7
    for r, cells in enumerate([header, *rows]):
        top = flow.y
        if r == 0:
            sh.rect(flow.margin, top, flow.right, top + row_h, width=0.6, fill=(0.88, 0.88, 0.88))
        for k, cell in enumerate(cells):
            sh.rect(xs[k], top, xs[k + 1], top + row_h, width=0.6)
            size = sh.size
            while cell and sh.width(cell, size) > xs[k + 1] - xs[k] - 5 and size > 6:
                size -= 0.5
            sh.text(xs[k] + 3, top + row_h - flow.size * 0.5, cell, size, bold=r == 0)
        flow.y += row_h
    flow.y += flow.size * 1.8


def render_tables(doc: pymupdf.Document, prs: list[Printed]) -> list[PageKind]:
    """Demographics, insurance, providers and diagnoses as ruled tables with a header row."""
    kinds: list[PageKind] = []
    for pr in prs:
        rng, case, p, st = pr.rng, pr.case, pr.case.patient, pr.style
        flow = Flow(doc, pr, kinds, "referral_form", size=rng.choice((8.5, 9.0, 9.5)))
        _title(flow, pr)
        street, city = pr.address("patient.address", p.addr)
        head = [
            "Last Name",
            "First Name",
            "MI" if st.middle == "initial" else "Middle",
            st.labels["dob"],
            st.labels["sex"],
            st.labels["phone"],
        ]
        mid = (
            (p.middle if st.middle == "full" else p.middle[0] if st.middle == "initial" else "")
            if p.middle
            else ""
        )
        pr.put("patient.middle_name", mid)
        row = [
            pr.text("patient.last_name", p.last),
            pr.text("patient.first_name", p.first),
            mid,
            pr.date("patient.date_of_birth", p.dob),
            fmt_sex(pr.text("patient.sex", p.sex), rng),
            pr.phone("patient.phone", p.phone),
        ]
        _table(flow, rng.choice(SECTIONS["patient"]), head, [row])
        _table(flow, "Address", ["Street", "City/State/ZIP"], [[street, city]])
        ins = [
            [
                pr.text(f"insurance.{i}.payer_name", c.payer),
                pr.member_id(i),
                pr.text(f"insurance.{i}.group_number", (c.group or "").upper()),
                pr.text(f"insurance.{i}.subscriber_relationship", c.relationship),
            ]
            for i, c in enumerate(case.coverages)
        ]
        if ins:
            _table(
                flow,
                rng.choice(SECTIONS["insurance"]),
                [st.labels["payer"], st.labels["member_id"], st.labels["group"], "Relationship"],
                ins,
            )
        provs = []
        for role, key, prov in (
            ("Referring", "referring_provider", case.referring),
            ("Referred to", "referred_to", case.referred_to),
        ):
            provs.append(
                [
                    role,
                    pr.person_name(key, prov),
                    pr.text(f"{key}.npi", prov.npi),
                    pr.phone(f"{key}.phone", prov.phone),
                    pr.phone(f"{key}.fax", prov.fax),
                ]
            )
        _table(flow, "Providers", ["Role", "Name", "NPI", "Phone", "Fax"], provs)
        dx = [[case.diagnoses[i].code, case.diagnoses[i].description] for i in range(len(case.diagnoses))]
        for i in range(len(dx)):
            pr.dx(i)
        _table(flow, st.labels["dx"], ["ICD-10-CM", "Description"], dx)
        sh = flow.need(flow.size * 6)
        sh.text(flow.margin, flow.y, st.label("reason"), bold=True)
        flow.y = (
            sh.wrap(
                flow.margin + 10,
                flow.y + flow.size * 1.4,
                flow.right - flow.margin - 10,
                pr.text("reason", case.reason),
            )
            + flow.size * 0.5
        )
        sh.text(flow.margin, flow.y, st.label("date") + " " + pr.date("referral_date", case.referral_date))
        if rng.random() < 0.8:
            pr.put("urgency", case.urgency)
            draw_item_value(sh, flow.margin + 250, flow.y, Item("", "", check=urgency_index(pr)), "text")
        flow.y += flow.size * 2
        _signature(flow, pr)
    return kinds


def render_portal(doc: pymupdf.Document, prs: list[Printed]) -> list[PageKind]:
    """An e-referral portal printout: Courier, dot leaders, referral number, everything upper case."""
    kinds: list[PageKind] = []
    for pr in prs:
        rng = pr.rng
        flow = Flow(
            doc,
            pr,
            kinds,
            "referral_form",
            font="cour",
            size=rng.choice((8.5, 9.0, 9.5)),
            margin=rng.uniform(36, 54),
        )
        sh = flow.sheet
        sh.text(flow.margin, flow.y, f"ELECTRONIC REFERRAL  #R{rng.randint(10**6, 10**7)}", bold=True)
        sh.text(
            flow.right,
            flow.y,
            f"STATUS: {rng.choice(('SUBMITTED', 'PENDING REVIEW', 'SENT'))}",
            align="right",
        )
        flow.y += flow.size * 2.5
        lead = rng.choice((22, 24, 26))
        for key, items in sections(pr):
            sh = flow.need(flow.size * 4)
            sh.text(flow.margin, flow.y, "== " + SECTIONS[key][0] + " ==", bold=True)
            flow.y += flow.size * 1.6
            for it in items:
                sh = flow.need(flow.size * 1.5)
                label = it.label.rstrip(":").upper()
                text = (label + " " + "." * max(2, lead - len(label)) + ": ") if label else " " * (lead + 3)
                end = sh.text(flow.margin, flow.y, text)
                if it.check is not None:
                    value = ["ROUTINE", "URGENT", "STAT"][it.check]
                    sh.text(end, flow.y, value)
                else:
                    w = flow.right - end
                    flow.y = sh.wrap(end, flow.y, w, it.value, leading=1.3) - flow.size * 1.3
                flow.y += flow.size * 1.3
            flow.y += flow.size * 0.8
    return kinds
