"""Writes a synthetic corpus: each document, its gold (`NAME.gold.json`) and truth sidecar (`NAME.truth.json`)."""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time
from pathlib import Path

import pymupdf
import structlog

from referral_intake.contract import PageKind, TextSource
from referral_intake.errors import ConfigurationError
from referral_intake.synth import ehr as ehr_mod
from referral_intake.synth.cases import build_case
from referral_intake.synth.families.extra import render_junk, render_payer_auth, render_rx_pad
from referral_intake.synth.families.forms import render_beside, render_boxed
from referral_intake.synth.families.forms2 import render_portal, render_tables, render_two_column
from referral_intake.synth.families.packets import (
    render_cover_form,
    render_form_card,
    render_full_packet,
    render_hospital,
    render_multi,
)
from referral_intake.synth.families.prose import render_ehr_note, render_letter
from referral_intake.synth.fax import degrade
from referral_intake.synth.formats import pick_style_consistent
from referral_intake.synth.gold import Printed, extraction, gold_json
from referral_intake.synth.render import close, new_pdf, pdf_bytes

log = structlog.get_logger(__name__)

Render = Callable[[pymupdf.Document, list[Printed]], list[PageKind]]


@dataclass(frozen=True)
class Family:
    render: Render
    referrals: tuple[int, ...] = (1,)  # how many patients one document holds (drawn from these)
    subscriber: bool = False  # force a subscriber who is not the patient


FAMILIES: dict[str, Family] = {
    "form_beside": Family(render_beside),
    "form_boxed": Family(render_boxed),
    "form_two_column": Family(render_two_column),
    "form_tables": Family(render_tables),
    "portal_printout": Family(render_portal),
    "letter": Family(render_letter),
    "ehr_note": Family(render_ehr_note),
    "cover_and_form": Family(render_cover_form),
    "form_and_card": Family(render_form_card),
    "full_packet": Family(render_full_packet),
    "hospital_face_sheet": Family(render_hospital),
    "multi_patient_packet": Family(render_multi, (2, 2, 3)),
    "subscriber_not_patient": Family(render_form_card, subscriber=True),
    "rx_pad": Family(render_rx_pad),
    "payer_authorization": Family(render_payer_auth),
}
# Families outside the default rotation, used only when named (`--family not_a_referral`): a junk fax holds
# no referral, which page splitters downstream must first learn to expect.
EXTRA_FAMILIES: dict[str, Family] = {
    "not_a_referral": Family(render_junk),
}
ALL_FAMILIES = {**FAMILIES, **EXTRA_FAMILIES}


def render_document(
    family: str, rng: random.Random, ehr: list[ehr_mod.EhrPatient]
) -> tuple[pymupdf.Document, list[PageKind], list[Printed]]:
    """Build the cases a family needs and draw them into a new born-digital PDF."""
    fam = ALL_FAMILIES[family]
    style = pick_style_consistent(rng)
    n_ref = rng.choice(fam.referrals)
    first = build_case(rng, ehr, force_subscriber=fam.subscriber)
    cases = [first]
    for _ in range(n_ref - 1):  # one clinic sends the whole packet to one specialist
        c = build_case(rng, ehr, specialty=first.referred_to.specialty)
        c.referring, c.referred_to = first.referring, first.referred_to
        cases.append(c)
    printed = [Printed(c, style, rng) for c in cases]
    doc = new_pdf()
    kinds = fam.render(doc, printed)
    return doc, kinds, printed


# Families in the order they were added. A seed's family sequence shuffles each generation on its own, so
# adding families later leaves the first documents of every existing seed's corpus on the same layouts.
GENERATIONS: tuple[tuple[str, ...], ...] = (tuple(FAMILIES)[:13], tuple(FAMILIES)[13:])


def rotation(seed: int, names: list[str]) -> list[str]:
    """The order in which document i takes family `order[i % len(order)]`."""
    order: list[str] = []
    for k, gen in enumerate(GENERATIONS):
        part = [name for name in names if name in gen]
        random.Random(f"{seed}:order" if k == 0 else f"{seed}:order:{k}").shuffle(part)
        order += part
    return order + [name for name in names if not any(name in gen for gen in GENERATIONS)]


def generate_corpus(
    out: Path,
    n: int,
    seed: int,
    fax_ratio: float = 0.3,
    ehr_out: Path | None = None,
    families: list[str] | None = None,
    ehr_size: int = 3000,
) -> list[Path]:
    """Write `n` documents under `out` with gold and truth beside each; returns the document paths.

    `families` limits the layouts (names from `FAMILIES`; each used in turn); `ehr_size` is the number of
    patients in the synthetic EHR that about half the referrals are drawn from.
    """
    unknown = sorted(set(families or ()) - set(ALL_FAMILIES))
    if unknown:
        raise ConfigurationError(f"unknown synth families {unknown}; choose from {sorted(ALL_FAMILIES)}")
    out.mkdir(parents=True, exist_ok=True)
    ehr = ehr_mod.population(seed, ehr_size)
    if ehr_out is not None:
        ehr_mod.write_csv(ehr, ehr_out)
    order = rotation(seed, families or list(FAMILIES))
    paths: list[Path] = []
    for i in range(n):
        rng = random.Random(f"{seed}:{i}")
        family = order[i % len(order)]
        doc, kinds, printed = render_document(family, rng, ehr)
        stem = f"doc_{i + 1:04d}"
        fax = rng.random() < fax_ratio
        truth: dict[str, object] = {
            "family": family,
            "fax": fax,
            "fax_resolution": None,
            "upside_down_pages": [],
        }
        if fax:
            ref = printed[0].case.referring
            when = datetime.combine(
                printed[0].case.referral_date, time(rng.randint(7, 18), rng.randint(0, 59))
            )
            for pr in printed:  # the sending machine prints the clinic's fax number and name on every page
                pr.put("referring_provider.fax", ref.fax)
                pr.put("referring_provider.organization", ref.organization)
            res = degrade(doc, rng, ref.fax, ref.organization, printed[0].case.referred_to.fax, when)
            data, media, suffix = res.data, res.media_type, res.suffix
            source: TextSource = "ocr"
            truth.update(fax_resolution=res.resolution, upside_down_pages=res.upside_down)
        else:
            data, media, suffix, source = pdf_bytes(doc), "application/pdf", ".pdf", "text_layer"
        close(doc)
        path = out / f"{stem}{suffix}"
        path.write_bytes(data)
        referrals = [pr for pr in printed if pr.referral]
        gold = extraction(hashlib.sha256(data).hexdigest(), path.name, media, kinds, referrals, source)
        (out / f"{stem}.gold.json").write_text(gold_json(gold) + "\n", encoding="utf-8")
        refs = [
            {
                "ehr_patient_id": pr.case.ehr_patient_id,
                "drift": pr.case.perturbations,
                "pages": sorted(pr.pages),
            }
            for pr in referrals
        ]
        truth.update(ehr_patient_id=refs[0]["ehr_patient_id"] if refs else None, referrals=refs)
        (out / f"{stem}.truth.json").write_text(json.dumps(truth, indent=2) + "\n", encoding="utf-8")
        paths.append(path)
    log.info("synth.corpus_written", documents=n, fax_ratio=fax_ratio)
    return paths


DOCUMENT_SUFFIXES = (".pdf", ".tif")


def corpus_documents(directory: Path) -> list[Path]:
    """The documents of a corpus directory (not its `.gold.json` / `.truth.json` sidecars), in name order."""
    return sorted(p for p in directory.iterdir() if p.suffix in DOCUMENT_SUFFIXES and p.is_file())
