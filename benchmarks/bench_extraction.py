"""Extraction figures of issue 5 on a synthetic corpus of all families (born-digital and faxed).

Reproduce: .venv/bin/python benchmarks/bench_extraction.py [--n 300] [--seed 2026] [--fax-ratio 0.4]
Prints per group: field accuracy, auto-accept precision at 0.95, automation, split accuracy, latency,
and the median extraction time per page beyond reading (OCR excluded).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from referral_intake.evaluation.harness import load_corpus, run, summarize, summary_line
from referral_intake.evaluation.report import write_report
from referral_intake.extraction.extractor import extract_document
from referral_intake.reading import read_document_inproc
from referral_intake.settings import load_settings
from referral_intake.synth import generate_corpus


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--fax-ratio", type=float, default=0.4)
    ap.add_argument("--threshold", type=float, default=0.95)
    ap.add_argument("--report", type=Path, default=Path("var/bench/extraction-report.html"))
    args = ap.parse_args()
    settings = load_settings()
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp)
        generate_corpus(corpus, n=args.n, seed=args.seed, fax_ratio=args.fax_ratio)
        per_page_ms: list[float] = []

        def extract(path: Path):  # type: ignore[no-untyped-def]
            doc = read_document_inproc(path.read_bytes(), path.name, settings.reading)
            start = time.perf_counter()
            result = extract_document(doc)
            per_page_ms.append((time.perf_counter() - start) * 1000 / max(1, len(doc.pages)))
            return result

        results = run(load_corpus(corpus), extract)
        summary = summarize(results, args.threshold)
        args.report.parent.mkdir(parents=True, exist_ok=True)
        write_report(args.report, results, summary)
    for group in ("born_digital", "faxed", "overall"):
        g = summary[group]
        print(
            f"{group:>12}: docs={g['docs']} fields={g['fields']} autoaccept_precision={g['autoaccept_precision']} "
            f"automation={g['automation']} split={g['split_accuracy']} page_kinds={g['page_kind_accuracy']}"
        )
    print(f"extraction beyond reading: median {statistics.median(per_page_ms):.1f} ms/page")
    print(f"calibration ECE: {summary['calibration']['ece']}  report: {args.report}")
    print(summary_line(summary))
    print(f"reproduce: .venv/bin/python benchmarks/bench_extraction.py --n {args.n} --seed {args.seed} "
          f"--fax-ratio {args.fax_ratio}")


if __name__ == "__main__":
    main()
