"""Printed referral forms: labels beside values, and boxed grids with small labels above values."""

from __future__ import annotations

import pymupdf

from referral_intake.contract import PageKind
from referral_intake.synth.families.common import (
    Flow,
    Item,
    clinic_header,
    draw_item_value,
    insurance_items,
    patient_items,
    provider_items,
    referral_items,
)
from referral_intake.synth.gold import Printed

TITLES = (
    "REFERRAL FORM",
    "Outpatient Referral Request",
    "Specialty Referral",
    "PATIENT REFERRAL",
    "Consultation Request",
    "Referral / Consult Order",
    "Request for Specialty Consultation",
)
SECTIONS = {
    "patient": ("PATIENT INFORMATION", "Patient Demographics", "Patient", "PATIENT"),
    "insurance": ("INSURANCE INFORMATION", "Insurance", "Coverage", "INSURANCE"),
    "referring_provider": ("REFERRING PROVIDER", "Referring Physician", "From", "REFERRED BY"),
    "referred_to": ("REFERRED TO", "Specialist", "To", "CONSULTANT"),
    "referral": ("REFERRAL DETAILS", "Clinical Information", "Reason for Referral", "ORDER"),
}


def sections(pr: Printed) -> list[tuple[str, list[Item]]]:
    """The form's sections in a plausible, slightly varied order."""
    rng = pr.rng
    out = [("patient", patient_items(pr))]
    ins: list[Item] = []
    for i in range(len(pr.case.coverages)):
        if i == 0 or rng.random() < 0.6:
            ins += insurance_items(pr, i)
    provs = [
        ("referring_provider", provider_items(pr, "referring_provider")),
        ("referred_to", provider_items(pr, "referred_to")),
    ]
    if rng.random() < 0.3:
        provs.reverse()
    order = [("insurance", ins), *provs] if rng.random() < 0.6 else [*provs, ("insurance", ins)]
    out += [*order, ("referral", referral_items(pr))]
    if rng.random() < 0.3:  # referral details first, as some order-entry printouts do
        out.insert(0, out.pop())
    return [(key, items) for key, items in out if items]


def _title(flow: Flow, pr: Printed) -> None:
    rng, sh = pr.rng, flow.sheet
    if rng.random() < 0.6:
        flow.y = clinic_header(sh, pr, flow.y, rng.choice(("left", "center"))) + 6
    title = rng.choice(TITLES)
    centered = rng.random() < 0.6
    sh.text(
        306 if centered else flow.margin,
        flow.y + 6,
        title,
        flow.size + rng.choice((2, 3, 5)),
        bold=True,
        align="center" if centered else "left",
    )
    flow.y += flow.size + 20


def render_beside(doc: pymupdf.Document, prs: list[Printed]) -> list[PageKind]:
    """Labels at the left margin, values in a column to their right; wide values wrap."""
    kinds: list[PageKind] = []
    for pr in prs:
        flow = Flow(doc, pr, kinds, "referral_form")
        rng = pr.rng
        _title(flow, pr)
        band = rng.random() < 0.5
        for key, items in sections(pr):
            sh = flow.need(flow.size * 4)
            head = rng.choice(SECTIONS[key])
            if band:
                sh.rect(
                    flow.margin,
                    flow.y - flow.size - 2,
                    flow.right,
                    flow.y + 4,
                    width=0,
                    fill=(0.82, 0.82, 0.82),
                    color=None,
                )
            sh.text(flow.margin + 3, flow.y, head, bold=True)
            if not band:
                sh.hline(flow.margin, flow.right, flow.y + 3)
            flow.y += flow.size * 1.8
            lab_w = max(sh.width(it.label, bold=True) for it in items) + rng.uniform(8, 30)
            x_val = flow.margin + 6 + lab_w
            for it in items:
                sh = flow.need(flow.size * 1.5)
                sh.text(flow.margin + 6, flow.y, it.label, bold=rng.random() < 0.5)
                if it.wide and sh.width(it.value, font=sh.value_font) > flow.right - x_val:
                    flow.y = sh.wrap(
                        x_val, flow.y, flow.right - x_val, it.value, leading=1.25, font=sh.value_font
                    )
                else:
                    end = draw_item_value(sh, x_val, flow.y, it, rng.choice(("box", "text")))
                    if rng.random() < 0.3 and it.check is None:  # fill-in rule under the value
                        sh.hline(x_val - 2, max(end, x_val + 150), flow.y + 2, width=0.4)
                    flow.y += flow.size * rng.uniform(1.4, 1.7)
            flow.y += flow.size * 0.8
        _signature(flow, pr)
    return kinds


def _signature(flow: Flow, pr: Printed) -> None:
    sh = flow.need(flow.size * 4)
    flow.y += flow.size
    rng = pr.rng
    if rng.random() < 0.6:
        sh.scribble(flow.margin + 10, flow.y - 4, rng.uniform(90, 160), rng)
    sh.hline(flow.margin, flow.margin + 200, flow.y)
    sh.text(flow.margin, flow.y + flow.size + 2, "Provider Signature", flow.size - 1.5)
    sh.text(flow.margin + 260, flow.y + flow.size + 2, "Date", flow.size - 1.5)
    flow.y += flow.size * 3
    if rng.random() < 0.5:  # the form's own identity, bottom of the page
        form_no = f"Form {rng.choice(('REF', 'RF', 'MR'))}-{rng.randint(100, 999)} (Rev. {rng.randint(1, 12):02d}/20{rng.randint(15, 25)})"
        sh.text(flow.margin, 792 - 24, form_no, 6.5)


def render_boxed(doc: pymupdf.Document, prs: list[Printed]) -> list[PageKind]:
    """A grid of ruled boxes, each with a small label in its top-left corner and the value below it."""
    kinds: list[PageKind] = []
    for pr in prs:
        flow = Flow(doc, pr, kinds, "referral_form", font=pr.rng.choice(("helv", "helv", "cour", "tiro")))
        rng = pr.rng
        _title(flow, pr)
        lab_size = max(6.0, flow.size - rng.choice((2.5, 3.0, 3.5)))
        box_h = lab_size + flow.size + 9
        width = flow.right - flow.margin
        for key, items in sections(pr):
            sh = flow.need(box_h * 2 + 16)
            sh.rect(flow.margin, flow.y - flow.size, flow.right, flow.y + 4, width=0.8, fill=(0.1, 0.1, 0.1))
            sh.text(
                flow.margin + 4, flow.y + 1, rng.choice(SECTIONS[key]).upper(), bold=True, color=(1, 1, 1)
            )
            flow.y += 4
            cols = rng.choice((2, 3, 3, 4))
            row: list[Item] = []
            for it in [*items, Item("", "")]:
                cell_w = width / cols
                fits = it.label != "" or it.value != ""
                row_full = len(row) >= cols or (row and (it.wide or row[-1].wide))
                if row_full or not fits:
                    if row:
                        flow.y = _box_row(flow, row, flow.y, box_h, lab_size, width)
                    row = []
                if fits:
                    row.append(it)
                    if it.wide or sh.width(it.value, font=sh.value_font) > cell_w - 8:
                        it.wide = True
            flow.y += 10
        _signature(flow, pr)
    return kinds


def _box_row(flow: Flow, row: list[Item], y: float, box_h: float, lab_size: float, width: float) -> float:
    sh = flow.need(box_h + 4)
    y = flow.y
    weights = [3 if it.wide else 1 for it in row]
    x = flow.margin
    for it, wgt in zip(row, weights, strict=True):
        w = width * wgt / sum(weights)
        sh.rect(x, y, x + w, y + box_h, width=0.6)
        sh.text(x + 3, y + lab_size + 1.5, it.label.rstrip(":"), lab_size)
        value = it.value
        if it.check is None:
            while value and sh.width(value, font=sh.value_font) > w - 8 and sh.size > 6:  # shrink, never clip
                sh.size -= 0.5
            sh.value(x + 4, y + box_h - 5, value)
            sh.size = flow.size
        else:
            draw_item_value(sh, x + 4, y + box_h - 5, it, flow.pr.rng.choice(("box", "text")))
        x += w
    return y + box_h
