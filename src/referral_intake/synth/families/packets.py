"""Multi-page packets built from the other families: cover + form, form + insurance card, the full packet
(cover, form, notes, labs, imaging), hospital face sheet + note, and packets holding several patients.
"""

from __future__ import annotations

import pymupdf

from referral_intake.contract import PageKind
from referral_intake.synth.families.forms import render_beside, render_boxed
from referral_intake.synth.families.forms2 import render_tables, render_two_column
from referral_intake.synth.families.prose import render_ehr_note, render_letter
from referral_intake.synth.families.sheets import (
    render_card_page,
    render_cover,
    render_face_sheet,
    render_imaging,
    render_labs,
)
from referral_intake.synth.gold import Printed

FORMS = (render_beside, render_boxed, render_two_column, render_tables, render_letter)


def _with_cover(doc: pymupdf.Document, prs: list[Printed], kinds: list[PageKind]) -> list[PageKind]:
    """Put a fax cover sheet in front of what is drawn, shifting every referral's page numbers by one.

    A cover belongs to its referral when the packet holds one patient, and to none when it holds several.
    """
    for pr in prs:
        pr.pages = {p + 1 for p in pr.pages}
    first = prs[0]
    cover = Printed(first.case, first.style, first.rng)  # records only what the cover itself prints
    render_cover(doc, cover, doc.page_count + 1, name_patient=len(prs) == 1)
    first.values.update(cover.values)
    if len(prs) == 1:
        first.pages.add(1)
    for pr in prs[1:]:  # same sender and recipient: what the cover says of them is true for every referral
        pr.values.update(
            {k: v for k, v in cover.values.items() if k.startswith(("referring_", "referred_to."))}
        )
    return ["cover_sheet", *kinds]


def render_cover_form(doc: pymupdf.Document, prs: list[Printed]) -> list[PageKind]:
    form = FORMS[prs[0].rng.randrange(len(FORMS))]
    return _with_cover(doc, prs, form(doc, prs))


def render_form_card(doc: pymupdf.Document, prs: list[Printed]) -> list[PageKind]:
    kinds = FORMS[prs[0].rng.randrange(4)](doc, prs)
    for pr in prs:
        if pr.case.coverages:
            render_card_page(doc, pr, kinds)
    return kinds


def render_full_packet(doc: pymupdf.Document, prs: list[Printed]) -> list[PageKind]:
    """Cover, referral form, office note, then labs and/or an imaging report, sometimes the card."""
    kinds: list[PageKind] = []
    for pr in prs:
        rng = pr.rng
        kinds += FORMS[rng.randrange(len(FORMS))](doc, [pr])
        kinds += render_ehr_note(doc, [pr])
        extras = rng.choice(("labs", "imaging", "both"))
        if extras in ("labs", "both"):
            render_labs(doc, pr, kinds)
        if extras in ("imaging", "both"):
            render_imaging(doc, pr, kinds)
        if pr.case.coverages and rng.random() < 0.4:
            render_card_page(doc, pr, kinds)
    return _with_cover(doc, prs, kinds) if prs[0].rng.random() < 0.8 else kinds


def render_hospital(doc: pymupdf.Document, prs: list[Printed]) -> list[PageKind]:
    """A discharge packet: the hospital face sheet, then the note whose orders hold the referral."""
    kinds: list[PageKind] = []
    for pr in prs:
        kinds += render_face_sheet(doc, [pr])
        kinds += render_ehr_note(doc, [pr])
    return kinds


def render_multi(doc: pymupdf.Document, prs: list[Printed]) -> list[PageKind]:
    """Several patients' referrals in one fax: each one a form, sometimes with a note or card."""
    kinds: list[PageKind] = []
    for pr in prs:
        rng = pr.rng
        kinds += FORMS[rng.randrange(len(FORMS))](doc, [pr])
        if rng.random() < 0.4:
            kinds += render_ehr_note(doc, [pr])
        elif pr.case.coverages and rng.random() < 0.3:
            render_card_page(doc, pr, kinds)
    return _with_cover(doc, prs, kinds) if prs[0].rng.random() < 0.7 else kinds
