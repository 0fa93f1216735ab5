"""Fourth, independent referral-corpus generator ("fresh"): eight layout families modelled on what US clinics
fax (state Medicaid prior-auth form with numbered boxes, orthopedic intake with a body diagram and right-aligned
values, hospital discharge referral with a patient header band, behavioral-health referral with client and
guardian sections, physical-therapy order on a prescription pad, letter with the practice letterhead down the
left margin, e-referral export as a Field | Value table, sleep-study order with check boxes).

Written without reading the extractor or the other generators. Per document: NAME.pdf (born-digital) or a
faxed NAME.tif / NAME.pdf (1-bit image), NAME.gold.json (contract Extraction; only values printed on the page,
everything else null) and NAME.truth.json ({"family", "fax", ...}). Deterministic per seed.

Usage: python benchmarks/fresh/generate.py --out DIR [--n 45] [--seed 23] [--fax-ratio 0.3]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import pymupdf  # noqa: E402
from fresh_canvas import Canvas  # noqa: E402
from fresh_common import Ctx, fax_cover  # noqa: E402
from fresh_data import ORG_PREFIX, THEMES, make_case  # noqa: E402
from fresh_docs import discharge_ref, ereferral_table, letter_leftbar, pt_rx_pad  # noqa: E402
from fresh_fax import fax_pages, to_pdf, to_tiff  # noqa: E402
from fresh_fmt import Gold, Style  # noqa: E402
from fresh_forms import bh_referral, medicaid_pa, ortho_intake, sleep_order  # noqa: E402

TODAY = date(2026, 11, 20)


class Family:
    def __init__(
        self,
        render: Callable[[Ctx], None],
        themes: tuple[str, ...],
        ages: tuple[int, int],
        fonts: tuple[str, ...],
        size: tuple[float, float] = (612, 792),
        cover: float = 0.25,
    ) -> None:
        self.render, self.themes, self.ages, self.fonts, self.size, self.cover = (
            render,
            themes,
            ages,
            fonts,
            size,
            cover,
        )


FAMILIES: dict[str, Family] = {
    "medicaid_pa": Family(
        medicaid_pa, ("ortho", "sleep", "neuro", "pt", "gi"), (1, 64), ("helv", "dejavu_cond", "courier")
    ),
    "ortho_intake": Family(ortho_intake, ("ortho",), (16, 86), ("helv", "dejavu", "times")),
    "discharge_ref": Family(
        discharge_ref, ("cardio", "pulm"), (42, 95), ("helv", "dejavu_cond", "dejavu"), cover=0.4
    ),
    "bh_referral": Family(bh_referral, ("bh",), (6, 17), ("helv", "dejavu", "dejavu_serif")),
    "pt_rx_pad": Family(
        pt_rx_pad, ("pt",), (16, 90), ("helv", "times", "dejavu_serif"), size=(396, 612), cover=0.3
    ),
    "letter_leftbar": Family(
        letter_leftbar, ("gi", "neuro", "endo", "derm", "cardio"), (18, 88), ("times", "dejavu_serif", "helv")
    ),
    "ereferral_table": Family(ereferral_table, tuple(THEMES), (0, 90), ("helv", "dejavu", "dejavu_cond")),
    "sleep_order": Family(sleep_order, ("sleep",), (22, 82), ("helv", "dejavu", "times")),
}


def _render(name: str, fam: Family, rng: random.Random) -> tuple[bytes, Gold, list[str]]:
    theme = rng.choice(fam.themes)
    minor_bh = name == "bh_referral" and rng.random() < 0.55
    ages = fam.ages if name != "bh_referral" or minor_bh else (18, 70)
    case = make_case(rng, theme, TODAY, ages, guardian=minor_bh, medicaid=name == "medicaid_pa")
    if name == "discharge_ref":  # the referring side is a hospital, not a clinic
        case.referring.org = f"{rng.choice(ORG_PREFIX)} {rng.choice(('Regional Medical Center', 'General Hospital', 'Memorial Hospital', 'Medical Center'))}"
    doc = pymupdf.open()  # type: ignore[no-untyped-call]
    cv = Canvas(doc, rng.choice(fam.fonts), *fam.size)
    ctx = Ctx(rng, case, Style(rng), Gold(), cv)
    fam.render(ctx)
    if rng.random() < fam.cover:
        fax_cover(ctx, total_pages=len(ctx.kinds) + 1)
    doc.set_metadata(
        {"producer": "", "creator": "", "creationDate": "", "modDate": "", "title": "", "author": ""}
    )
    doc.subset_fonts()  # embedded TrueType fonts as a real PDF writer would: only the glyphs used
    return bytes(doc.tobytes(garbage=3, deflate=True, no_new_id=True)), ctx.gold, ctx.kinds  # type: ignore[no-untyped-call]


def generate(out: Path, n: int, seed: int, fax_ratio: float) -> list[Path]:
    from referral_intake.contract import Extraction  # the gold must be a valid contract document

    out.mkdir(parents=True, exist_ok=True)
    master = random.Random(f"fresh-corpus/{seed}")
    names = list(FAMILIES)
    order: list[str] = []
    while len(order) < n:
        block = names[:]
        master.shuffle(block)
        order.extend(block)
    order = order[:n]
    faxed = set(master.sample(range(n), round(n * fax_ratio))) if n else set()
    written = []
    for i, family in enumerate(order):
        rng = random.Random(f"fresh/{seed}/{i}")
        pdf, gold, kinds = _render(family, FAMILIES[family], rng)
        stem = f"f{seed}_{i:03d}_{family}"
        truth: dict[str, object] = {"family": family, "fax": i in faxed}
        if i in faxed:
            fine = rng.random() < 0.55
            rf = random.Random(f"fresh-fax/{seed}/{i}")
            header = f"{TODAY.strftime('%m/%d/%Y')} {rf.randint(7, 18):02d}:{rf.randint(0, 59):02d}  FROM: {rf.choice(('FAX', 'Fax', ''))} {rf.randint(200, 989)}5550{rf.randint(100, 199)}"
            pages = fax_pages(pdf, rf, header, fine)
            if rf.random() < 0.5:
                data, ext, media = to_tiff(pages, fine), "tif", "image/tiff"
            else:
                data, ext, media = to_pdf(pages), "pdf", "application/pdf"
            truth.update({"format": ext, "dpi": [200, 200 if fine else 100]})
        else:
            data, ext, media = pdf, "pdf", "application/pdf"
        path = out / f"{stem}.{ext}"
        path.write_bytes(data)
        raw = gold.to_dict(hashlib.sha256(data).hexdigest(), path.name, media, kinds)
        Extraction.model_validate(raw)
        (out / f"{stem}.gold.json").write_text(json.dumps(raw, indent=2) + "\n")
        (out / f"{stem}.truth.json").write_text(json.dumps(truth) + "\n")
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="fresh referral corpus generator")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--n", type=int, default=45)
    ap.add_argument("--seed", type=int, default=23)
    ap.add_argument("--fax-ratio", type=float, default=0.3)
    args = ap.parse_args(argv)
    written = generate(args.out, args.n, args.seed, args.fax_ratio)
    print(f"wrote {len(written)} documents to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
