"""Held-out referral corpus: N documents with NAME.gold.json (contract Extraction) and NAME.truth.json.

Usage: python benchmarks/heldout/generate.py --out DIR --n N --seed S --fax-ratio R
Independent of referral_intake.synth (own layouts, wording and formats) so that eval on it measures
generalization. Deterministic for a seed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from canvas import Ctx
from fax import fax_document
from layouts_forms import medicaid_numbered, odd_labels, specialty_grid
from layouts_notes import discharge_sticker, ehr_order, memo_consult
from layouts_packets import card_copy, handwritten, two_patient_packet

from referral_intake.contract import Extraction

FAMILIES: dict[str, Callable[[Ctx], None]] = {
    "specialty_grid": specialty_grid,
    "medicaid_numbered": medicaid_numbered,
    "odd_labels": odd_labels,
    "memo_consult": memo_consult,
    "ehr_order": ehr_order,
    "discharge_sticker": discharge_sticker,
    "handwritten": handwritten,
    "two_patient_packet": two_patient_packet,
    "card_copy": card_copy,
}


def make_document(seed: int, index: int, family: str, fax: bool) -> tuple[bytes, str, dict[str, Any]]:
    """One document: (file bytes, extension, gold as contract JSON)."""
    rng = random.Random(f"heldout-{seed}-{index}")
    ctx = Ctx(rng)
    FAMILIES[family](ctx)
    if fax:
        sender = (
            ctx.golds[0].data.get("referring_provider", {}).get("organization", {}).get("value", "CLINIC")
        )
        data, ext = fax_document(ctx.doc, rng, str(sender)[:28].upper(), as_tiff=rng.random() < 0.5)
    else:
        ctx.doc.set_metadata({"creator": "", "producer": "", "creationDate": "", "modDate": ""})
        data, ext = ctx.doc.tobytes(garbage=3, deflate=True, no_new_id=True), "pdf"  # type: ignore[no-untyped-call]
    gold = {
        "document": {
            "sha256": hashlib.sha256(data).hexdigest(),
            "page_count": len(ctx.kinds),
            "pages": [{"page": i + 1, "kind": k} for i, k in enumerate(ctx.kinds)],
        },
        "referrals": [g.referral() for g in ctx.golds],
    }
    Extraction.model_validate(gold)  # the contract models are the judge of shape
    return data, ext, gold


def plan(n: int, seed: int, fax_ratio: float) -> list[tuple[str, bool]]:
    """Families in round-robin (every family present once n >= 9), fax flags drawn from the seed."""
    rng = random.Random(f"heldout-plan-{seed}")
    names = list(FAMILIES)
    rng.shuffle(names)
    n_fax = round(n * fax_ratio)
    flags = [True] * n_fax + [False] * (n - n_fax)
    rng.shuffle(flags)
    return [(names[i % len(names)], flags[i]) for i in range(n)]


def generate(out: Path, n: int, seed: int, fax_ratio: float) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for i, (family, fax) in enumerate(plan(n, seed, fax_ratio)):
        data, ext, gold = make_document(seed, i, family, fax)
        name = f"ho_{seed}_{i:04d}_{family}"
        gold["document"]["filename"] = f"{name}.{ext}"
        gold["document"]["media_type"] = "image/tiff" if ext == "tif" else "application/pdf"
        path = out / f"{name}.{ext}"
        path.write_bytes(data)
        (out / f"{name}.gold.json").write_text(json.dumps(gold, indent=2) + "\n")
        (out / f"{name}.truth.json").write_text(json.dumps({"family": family, "fax": fax}) + "\n")
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--n", type=int, default=40)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--fax-ratio", type=float, default=0.4)
    args = ap.parse_args(argv)
    paths = generate(args.out, args.n, args.seed, args.fax_ratio)
    print(f"wrote {len(paths)} documents to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
