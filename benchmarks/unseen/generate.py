"""Third, independent synthetic referral generator ("unseen" layouts) for the generalization benchmark.

Writes NAME.pdf (born-digital) or NAME.tif (faxed: 200 dpi, 1-bit, skewed, speckled, Group 4) with
NAME.gold.json (the contract `Extraction`, only values the page prints, in normalized form) and
NAME.truth.json ({"family", "fax"}) for `referral_intake.evaluation`. Deterministic for a given seed.

Usage: python benchmarks/unseen/generate.py --out DIR [--n 45] [--seed 11] [--fax-ratio 0.3]
"""
# mypy: disable-error-code="no-untyped-call"

from __future__ import annotations

import argparse
import hashlib
import io
import json
import random
import sys
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pymupdf
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent))
from unseen_canvas import Canvas, Style
from unseen_data import Addr, Case, Provider, dx_desc, make_case
from unseen_layouts import FAMILIES, NEEDS

TODAY = date(2026, 3, 9)


def _f(value: Any) -> dict[str, Any]:
    return {"value": value}


def _ident(value: str | None) -> str | None:
    return value.replace(" ", "").replace("-", "").upper() if value else None


def _addr(a: Addr | None) -> dict[str, Any]:
    a = a or Addr(None, None, None, None, None)
    return {
        "line1": _f(a.line1),
        "line2": _f(a.line2),
        "city": _f(a.city),
        "state": _f(a.state),
        "postal_code": _f(a.zip),
    }


def _provider(p: Provider) -> dict[str, Any]:
    return {
        "first_name": _f(p.first),
        "last_name": _f(p.last),
        "credentials": _f(p.cred),
        "npi": _f(p.npi),
        "organization": _f(p.org),
        "specialty": _f(p.specialty),
        "phone": _f(p.phone),
        "fax": _f(p.fax),
        "address": _addr(p.addr),
    }


def gold_referral(c: Case, pages: list[int]) -> dict[str, Any]:
    p = c.patient
    return {
        "pages": pages,
        "patient": {
            "first_name": _f(p.first),
            "middle_name": _f(p.middle),
            "last_name": _f(p.last),
            "suffix": _f(p.suffix),
            "date_of_birth": _f(p.dob.isoformat()),
            "sex": _f(p.sex),
            "address": _addr(p.addr),
            "phone": _f(p.phone),
            "email": _f(p.email),
            "mrn": _f(_ident(p.mrn)),
            "preferred_language": _f(p.language),
        },
        "insurance": [
            {
                "payer_name": _f(v.payer),
                "payer_id": _f(v.payer_id),
                "plan_name": _f(v.plan),
                "member_id": _f(_ident(v.member_id)),
                "group_number": _f(_ident(v.group)),
                "subscriber_name": _f(v.sub_name),
                "subscriber_relationship": _f(v.relationship),
                "subscriber_date_of_birth": _f(v.sub_dob.isoformat() if v.sub_dob else None),
            }
            for v in c.coverages
        ],
        "referring_provider": _provider(c.ref_from),
        "referred_to": _provider(c.ref_to),
        "referral_date": _f(c.date.isoformat() if c.date else None),
        "urgency": _f(c.urgency),
        "reason": _f(c.reason),
        "diagnoses": [{"code": _f(d), "description": _f(dx_desc(d))} for d in c.dx],
        "procedures": [{"code": _f(a), "description": _f(b)} for a, b in c.px],
        "authorization_number": _f(_ident(c.auth)),
        "clinical_summary": _f(c.summary),
        "medications": [_f(m) for m in c.meds],
        "allergies": [_f(a) for a in c.allergies],
    }


def fax_pages(doc: pymupdf.Document, rng: random.Random, header: str) -> list[Image.Image]:
    """Rasterize like a fax machine: transmission header, 200 dpi gray, small skew, noise, 1-bit."""
    out = []
    n = doc.page_count
    for i in range(n):
        page = doc[i]
        page.insert_text((24, 14), f"{header}   P.{i + 1}/{n}", fontsize=7.5, fontname="cour")
        pix = page.get_pixmap(dpi=200, colorspace=pymupdf.csGRAY)
        img = Image.frombytes("L", (pix.width, pix.height), pix.samples)
        img = img.rotate(rng.uniform(-1.2, 1.2), resample=Image.Resampling.BILINEAR, fillcolor=255)
        arr = np.asarray(img, dtype=np.int16)
        nrng = np.random.default_rng(rng.randrange(2**32))
        arr = arr + nrng.normal(0, 28, arr.shape).astype(np.int16)
        speck = nrng.random(arr.shape) < 0.0015
        arr[speck] = 0
        out.append(Image.fromarray(np.where(arr > 150, 255, 0).astype(np.uint8), "L").convert("1"))
    return out


def write_one(out: Path, i: int, seed: int, family: str, fax: bool) -> None:
    rng = random.Random(seed * 100_003 + i)
    case = make_case(
        rng, TODAY, pediatric=NEEDS.get(family) == "pediatric", injury=NEEDS.get(family) == "injury"
    )
    cv: Canvas = FAMILIES[family](rng, case, Style.pick(rng))
    name = f"un_{seed}_{i:04d}_{family}"
    if fax:
        f = case.ref_from
        stamp = f"{case.date or TODAY:%m/%d/%Y} {rng.randint(7, 17):02d}:{rng.randint(0, 59):02d}"
        org = (f.org or "")[:28].upper()
        head = f"{stamp}  FROM: {org}  FAX {f.fax[:3]}-{f.fax[3:6]}-{f.fax[6:]}" if f.fax else stamp
        imgs = fax_pages(cv.finish(), rng, head)
        buf = io.BytesIO()
        imgs[0].save(buf, "TIFF", compression="group4", dpi=(200, 200), save_all=True, append_images=imgs[1:])
        data, path, media = buf.getvalue(), out / f"{name}.tif", "image/tiff"
    else:
        doc = cv.finish()
        doc.subset_fonts()
        data, path, media = (
            doc.tobytes(garbage=3, deflate=True, no_new_id=True),
            out / f"{name}.pdf",
            "application/pdf",
        )
    path.write_bytes(data)
    pages = [
        {"page": n, "kind": k, "text_source": "ocr" if fax else "text_layer"}
        for n, k in enumerate(cv.kinds, 1)
    ]
    gold = {
        "document": {
            "sha256": hashlib.sha256(data).hexdigest(),
            "filename": path.name,
            "media_type": media,
            "page_count": len(pages),
            "pages": pages,
        },
        "referrals": [gold_referral(case, list(range(1, len(pages) + 1)))],
        "errors": [],
    }
    (out / f"{name}.gold.json").write_text(json.dumps(gold, indent=2, ensure_ascii=False))
    (out / f"{name}.truth.json").write_text(json.dumps({"family": family, "fax": fax}))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="unseen-layout referral corpus generator")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--n", type=int, default=45)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--fax-ratio", type=float, default=0.3)
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    fams = list(FAMILIES)
    pick = random.Random(args.seed)
    for i in range(args.n):  # families in turn, so any 9 consecutive documents cover all of them
        write_one(args.out, i, args.seed, fams[i % len(fams)], pick.random() < args.fax_ratio)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
