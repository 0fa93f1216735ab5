"""Extraction figures on a generated corpus: field accuracy, auto-accept precision, automation (threshold 0.95)
per born-digital / faxed, and extraction time per page with reading (OCR) excluded.

    python benchmarks/bench_extraction.py --n 300 --seed 2026 --fax-ratio 0.3 [--cache DIR]

The default is the issue's 300-document corpus of all families (about 10 minutes, most of it OCR).

The corpus seed must differ from the calibration seed (7) so that the figures are out of sample.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from referral_intake.evaluation.compare import compare_document
from referral_intake.extraction.calibrate import read_corpus
from referral_intake.extraction.extractor import extract_detailed


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--fax-ratio", type=float, default=0.3)
    ap.add_argument("--threshold", type=float, default=0.95)
    ap.add_argument("--cache", type=Path, default=None, help="keep read pages (OCR) between runs")
    args = ap.parse_args()
    from referral_intake.synth import generate_corpus

    out = Path(tempfile.mkdtemp(prefix="bench_extraction_"))
    generate_corpus(out, args.n, seed=args.seed, fax_ratio=args.fax_ratio)
    groups: dict[str, dict[str, float]] = {}
    per_page: list[float] = []
    for doc, gold in read_corpus(out, args.cache):
        start = time.perf_counter()
        ext = extract_detailed(doc).extraction
        per_page.append((time.perf_counter() - start) / max(1, len(doc.pages)))
        items, extra = compare_document(gold, ext)
        items += extra
        g = groups.setdefault(
            "faxed" if any(p.text_source == "ocr" for p in doc.pages) else "born_digital",
            {"docs": 0, "items": 0, "correct": 0, "accepted": 0, "accepted_ok": 0, "automated": 0},
        )
        g["docs"] += 1
        g["items"] += len(items)
        g["correct"] += sum(i.correct for i in items)
        acc = [i for i in items if i.confidence is not None and i.confidence >= args.threshold]
        g["accepted"] += len(acc)
        g["accepted_ok"] += sum(i.correct for i in acc)
        g["automated"] += all(i.correct and i in acc for i in items)
    for name, g in sorted(groups.items()):
        print(
            f"{name}: docs={g['docs']:.0f} field_accuracy={g['correct'] / g['items']:.4f} "
            f"autoaccept_share={g['accepted'] / g['items']:.3f} "
            f"autoaccept_precision={g['accepted_ok'] / max(1, g['accepted']):.4f} "
            f"automation={g['automated'] / g['docs']:.3f}"
        )
    print(f"extraction median ms/page (OCR excluded): {1000 * statistics.median(per_page):.1f}")
    print(
        "reproduce: python benchmarks/bench_extraction.py "
        f"--n {args.n} --seed {args.seed} --fax-ratio {args.fax_ratio} --threshold {args.threshold}"
    )


if __name__ == "__main__":
    main()
