"""Generalization check: generate the held-out corpus (benchmarks/heldout, layouts and wording independent of
referral_intake.synth), run the extractor over it with the eval harness and print born-digital vs faxed
figures, the weakest fields and the per-family table.

Reproduce: .venv/bin/python benchmarks/bench_heldout.py [--n 80] [--seed 2026] [--fax-ratio 0.4]
           [--threshold 0.95] [--keep DIR] [--json-out FILE] [--families F ...] [--cache DIR]
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
GENERATE = HERE / "heldout" / "generate.py"


def _fmt(v: float | None) -> str:
    return "  n/a " if v is None else f"{v:6.4f}"


def _per_field(
    results: list[Any], threshold: float
) -> dict[str, list[tuple[int, float | None, float | None]]]:
    """Per-field (n, accuracy, auto-accept precision) overall, born-digital and faxed.

    Recomputed here from the items because set-scored paths such as `diagnoses.[m17.11]` hold a dot inside
    the brackets, which the harness's per-field key splits apart."""
    groups: dict[str, list[list[Any]]] = defaultdict(lambda: [[], [], []])
    for r in results:
        for i in r.items:
            key = re.sub(r"\.\[.*\]$", "", i.path)
            key = ".".join(p for p in key.split(".") if not p.isdigit())
            groups[key][0].append(i)
            groups[key][2 if r.fax else 1].append(i)

    def stats(items: list[Any]) -> tuple[int, float | None, float | None]:
        acc = [i for i in items if i.confidence is not None and i.confidence >= threshold]
        return (
            len(items),
            sum(i.correct for i in items) / len(items) if items else None,
            sum(i.correct for i in acc) / len(acc) if acc else None,
        )

    return {k: [stats(g) for g in v] for k, v in groups.items()}


def _cached_extract(cache: Path, settings: Any) -> Any:
    """Read (sandboxed, as in production) once per file content, then extract; reads are pickled to `cache`."""
    from referral_intake.cases.defaults import extractor, reader
    from referral_intake.extraction.calibrate import cached_read

    read, extract = reader(settings), extractor(settings)
    return lambda path: extract(cached_read(path.read_bytes(), path.name, cache, read))


def main(
    argv: list[str] | None = None,
    *,
    generator: Path = GENERATE,
    corpus_name: str = "held-out",
    script: str = "bench_heldout.py",
    defaults: tuple[int, int, float] = (80, 2026, 0.4),
) -> int:
    """Generate a corpus with `generator` (a script taking --out --n --seed --fax-ratio), run the extractor
    through the eval harness and print the figures; bench_unseen.py reuses it with the third generator."""
    ap = argparse.ArgumentParser(description=f"{corpus_name} corpus benchmark")
    ap.add_argument("--n", type=int, default=defaults[0])
    ap.add_argument("--seed", type=int, default=defaults[1])
    ap.add_argument("--fax-ratio", type=float, default=defaults[2])
    ap.add_argument("--threshold", type=float, default=0.95)
    ap.add_argument("--keep", type=Path, help="write the corpus here instead of a temporary folder")
    ap.add_argument("--json-out", type=Path, help="also write the harness summary as JSON")
    ap.add_argument(
        "--families", nargs="+", help="score only these layout families (e.g. the ones never debugged)"
    )
    ap.add_argument(
        "--cache",
        type=Path,
        help="keep read pages (OCR) here between runs, keyed by the file's SHA-256 (latency then excludes "
        "reading); the same cache `extraction.calibrate --cache` uses",
    )
    args = ap.parse_args(argv)

    from referral_intake.evaluation.harness import load_corpus, run, summarize, summary_line
    from referral_intake.services import extract_file
    from referral_intake.settings import load_settings

    with tempfile.TemporaryDirectory(prefix=f"{corpus_name}-") as tmp:
        corpus = args.keep or Path(tmp)
        t0 = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                str(generator),
                "--out",
                str(corpus),
                "--n",
                str(args.n),
                "--seed",
                str(args.seed),
                "--fax-ratio",
                str(args.fax_ratio),
            ],
            check=True,
        )
        gen_s = time.perf_counter() - t0
        settings = load_settings()
        t1 = time.perf_counter()
        extract = (
            _cached_extract(args.cache, settings) if args.cache else (lambda p: extract_file(p, settings)[0])
        )
        results = run(load_corpus(corpus), extract)
        if args.families:
            results = [r for r in results if r.family in args.families]
        eval_s = time.perf_counter() - t1
        summary: dict[str, Any] = summarize(results, args.threshold)

    print(
        f"{corpus_name} corpus: {args.n} docs, seed {args.seed}, fax ratio {args.fax_ratio}, "
        f"threshold {args.threshold}  (generate {gen_s:.0f}s, eval {eval_s:.0f}s)"
    )
    print(
        f"{'group':13} {'docs':>4} {'fields':>7} {'aa_prec':>7} {'aa_share':>8} {'autom':>7} {'split':>7} "
        f"{'pagekind':>8} {'p50_s':>6} fail"
    )
    for name in ("born_digital", "faxed", "overall"):
        g = summary[name]
        print(
            f"{name:13} {g['docs']:4d} {_fmt(g['fields'])} {_fmt(g['autoaccept_precision'])} "
            f"{_fmt(g['autoaccepted_share']):>8} {_fmt(g['automation'])} {_fmt(g['split_accuracy'])} "
            f"{_fmt(g['page_kind_accuracy']):>8} {g['latency_p50_s']:6.2f} {g['failures']}"
        )
    print("\nper family (fields / auto-accept precision / automation / split):")
    for fam, g in summary["per_family"].items():
        print(
            f"  {fam:20} docs={g['docs']:3d} fields={_fmt(g['fields'])} aa_prec={_fmt(g['autoaccept_precision'])} "
            f"autom={_fmt(g['automation'])} split={_fmt(g['split_accuracy'])}"
        )
    print("\nweakest fields (n >= 5), accuracy and auto-accept precision, born-digital | faxed:")
    table = _per_field(results, args.threshold)
    for k, (all_, bd, fx) in sorted(table.items(), key=lambda kv: kv[1][0][1] or 0.0)[:25]:
        if all_[0] >= 5:
            print(
                f"  {k:36} n={all_[0]:4d} acc={_fmt(all_[1])} aa_prec={_fmt(all_[2])}  | "
                f"bd acc={_fmt(bd[1])}  fax acc={_fmt(fx[1])}"
            )
    wrong_accepted = [
        (r.path.name, i.path)
        for r in results
        for i in r.items
        if not i.correct and i.confidence is not None and i.confidence >= args.threshold
    ]
    print(f"\nwrong but auto-accepted: {len(wrong_accepted)}")
    for name, path in wrong_accepted[:20]:
        print(f"  {name}  {path}")
    failures = [(r.path.name, r.failure) for r in results if r.failure]
    print(f"\nfailures: {len(failures)}")
    for name, why in failures[:20]:
        print(f"  {name}: {(why or '')[:160]}")
    if args.json_out:
        args.json_out.write_text(json.dumps(summary, indent=2))
    print("\n" + summary_line(summary))
    print(
        f"reproduce: .venv/bin/python benchmarks/{script} --n {args.n} --seed {args.seed} "
        f"--fax-ratio {args.fax_ratio} --threshold {args.threshold}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
