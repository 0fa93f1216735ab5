"""Synthetic corpus: generation speed (documents and pages per second, born-digital and faxed) and, with
`--ocr`, how many gold words RapidOCR recovers from the faxed version of one document per family.

Reproduce: .venv/bin/python benchmarks/bench_synth.py [N] [--ocr]
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pymupdf
from PIL import Image

from referral_intake.synth import FAMILIES, generate_corpus
from referral_intake.synth.catalog import icd_description

SKIP = ("date_of_birth", "referral_date", "phone", "fax", "sex", "urgency")


def _tokens(obj: Any, path: str = "") -> set[str]:
    if isinstance(obj, dict):
        if set(obj) == {"value"}:
            v = obj["value"]
            if v is None or path.endswith(SKIP):
                return set()
            return {t for t in re.findall(r"[a-z0-9]+", str(v).lower()) if len(t) > 1}
        return set().union(*(_tokens(v, f"{path}.{k}") for k, v in obj.items() if k != "pages"))
    if isinstance(obj, list):
        return set().union(*(_tokens(v, path) for v in obj)) if obj else set()
    return set()


def _images(path: Path) -> list[np.ndarray]:
    if path.suffix == ".tif":
        img = Image.open(path)
        out = []
        for k in range(getattr(img, "n_frames", 1)):
            img.seek(k)
            xdpi, ydpi = img.info["dpi"]
            g = img.convert("L")
            out.append(np.asarray(g.resize((g.width, int(g.height * xdpi / ydpi))).convert("RGB")))
        return out
    doc = pymupdf.open(path)
    pix = [p.get_pixmap(dpi=200, colorspace=pymupdf.csGRAY) for p in doc]
    return [np.asarray(Image.frombytes("L", (p.width, p.height), p.samples).convert("RGB")) for p in pix]


def ocr_recall(tmp: Path) -> None:
    from rapidocr import RapidOCR

    engine = RapidOCR(
        params={
            "Global.use_cls": False,
            "Det.limit_type": "max",
            "Det.limit_side_len": 960,
            "EngineConfig.onnxruntime.intra_op_num_threads": 2,
        }
    )
    docs = generate_corpus(tmp / "ocr", len(FAMILIES), seed=1, fax_ratio=1.0)
    total = found = pages = 0
    t0 = time.perf_counter()
    for d in docs:
        gold = json.loads(d.with_name(d.stem + ".gold.json").read_text())
        truth = json.loads(d.with_name(d.stem + ".truth.json").read_text())
        texts = []
        for img in _images(d):
            out = engine(img)
            texts.append(" ".join(out.txts or ()))
            pages += 1
        text = re.sub(r"[^a-z0-9]", "", " ".join(texts).lower())
        tokens = _tokens(gold["referrals"])
        hit = sum(t in text for t in tokens)
        total, found = total + len(tokens), found + hit
        print(
            f"  {truth['family']:<24} {truth['fax_resolution']} {d.suffix} recall={hit / max(1, len(tokens)):.3f}"
        )
    dt = time.perf_counter() - t0
    print(f"ocr_gold_word_recall={found / total:.3f} pages={pages} ocr_s_per_page={dt / pages:.2f}")


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    n = int(args[0]) if args else 40
    icd_description("I10")  # one-off ~3 s load of the ICD-10-CM tables, not per document
    with tempfile.TemporaryDirectory() as tmp:
        for ratio in (0.0, 1.0):
            out = Path(tmp) / f"r{ratio}"
            t0 = time.perf_counter()
            docs = generate_corpus(out, n, seed=1, fax_ratio=ratio)
            dt = time.perf_counter() - t0
            pages = sum(
                json.loads(d.with_name(d.stem + ".gold.json").read_text())["document"]["page_count"]
                for d in docs
            )
            size = sum(d.stat().st_size for d in docs) / len(docs) / 1024
            kinds = Counter(d.suffix for d in docs)
            print(
                f"fax_ratio={ratio:.1f} docs={n} pages={pages} seconds={dt:.1f} docs_per_s={n / dt:.2f} "
                f"pages_per_s={pages / dt:.2f} avg_kib={size:.0f} files={dict(kinds)}"
            )
        if "--ocr" in sys.argv:
            ocr_recall(Path(tmp))
    print(
        f"reproduce: .venv/bin/python benchmarks/bench_synth.py {n}{' --ocr' if '--ocr' in sys.argv else ''}"
    )


if __name__ == "__main__":
    main()
