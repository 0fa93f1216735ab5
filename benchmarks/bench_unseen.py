"""Generalization check on a third, independent generator (benchmarks/unseen: paper forms with labels under
the line, grids, checkbox lists, pediatric guardian forms, VA/TRICARE authorizations, injury claims, narrative
letters, SOAP notes, two-up face sheets, fax covers with diagnosis tables), written without reading the
extractor or the other two generators. Runs the extractor through the eval harness and prints born-digital vs
faxed figures, the per-family table and the weakest fields.

Reproduce: .venv/bin/python benchmarks/bench_unseen.py [--n 45] [--seed 11] [--fax-ratio 0.3]
           [--threshold 0.95] [--keep DIR] [--json-out FILE]
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

GENERATE = Path(__file__).resolve().parent / "unseen" / "generate.py"
GROUP_COLS = ("fields", "autoaccept_precision", "autoaccepted_share", "automation", "split_accuracy")


def _fmt(v: float | None) -> str:
    return "  n/a " if v is None else f"{v:6.4f}"


def _field_table(
    results: list[Any], threshold: float
) -> dict[str, tuple[int, float, float | None, float | None]]:
    """Per field: n, accuracy, auto-accept precision, faxed accuracy (set items such as `diagnoses.[m17.11]`
    are grouped under their list name here, since their key holds a dot)."""
    groups: dict[str, list[tuple[Any, bool]]] = defaultdict(list)
    for r in results:
        for i in r.items:
            key = ".".join(p for p in re.sub(r"\.\[.*\]$", "", i.path).split(".") if not p.isdigit())
            groups[key].append((i, r.fax))
    out = {}
    for key, pairs in groups.items():
        acc = [i for i, _ in pairs if i.confidence is not None and i.confidence >= threshold]
        fax = [i for i, f in pairs if f]
        out[key] = (
            len(pairs),
            sum(i.correct for i, _ in pairs) / len(pairs),
            sum(i.correct for i in acc) / len(acc) if acc else None,
            sum(i.correct for i in fax) / len(fax) if fax else None,
        )
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="unseen-layout corpus benchmark")
    ap.add_argument("--n", type=int, default=45)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--fax-ratio", type=float, default=0.3)
    ap.add_argument("--threshold", type=float, default=0.95)
    ap.add_argument("--keep", type=Path, help="write the corpus here instead of a temporary folder")
    ap.add_argument("--json-out", type=Path, help="also write the harness summary as JSON")
    args = ap.parse_args(argv)

    from referral_intake.evaluation.harness import load_corpus, run, summarize, summary_line
    from referral_intake.services import extract_file
    from referral_intake.settings import load_settings

    with tempfile.TemporaryDirectory(prefix="unseen-") as tmp:
        corpus = args.keep or Path(tmp)
        t0 = time.perf_counter()
        gen_args = ["--out", str(corpus), "--n", str(args.n), "--seed", str(args.seed)]
        subprocess.run(
            [sys.executable, str(GENERATE), *gen_args, "--fax-ratio", str(args.fax_ratio)], check=True
        )
        gen_s = time.perf_counter() - t0
        settings = load_settings()
        t1 = time.perf_counter()
        results = run(load_corpus(corpus), lambda p: extract_file(p, settings)[0])
        eval_s = time.perf_counter() - t1
        summary: dict[str, Any] = summarize(results, args.threshold)

    print(
        f"unseen corpus: {args.n} docs, seed {args.seed}, fax ratio {args.fax_ratio}, threshold {args.threshold}"
        f"  (generate {gen_s:.0f}s, eval {eval_s:.0f}s)"
    )
    print(
        f"{'group':13} {'docs':>4} {'fields':>7} {'aa_prec':>7} {'aa_share':>8} {'autom':>7} {'split':>7} fail"
    )
    for name in ("born_digital", "faxed", "overall"):
        g = summary[name]
        print(
            f"{name:13} {g['docs']:4d} " + " ".join(_fmt(g[k]) for k in GROUP_COLS) + f" {g['failures']:4d}"
        )
    print("\nper family (docs: fields / auto-accept precision / accepted share / automation / split):")
    for fam, g in summary["per_family"].items():
        print(f"  {fam:22} {g['docs']:3d}  " + " ".join(_fmt(g[k]) for k in GROUP_COLS))
    print("\nweakest fields (n >= 5): accuracy, auto-accept precision, faxed accuracy")
    table = _field_table(results, args.threshold)
    for key, (n, acc, aa, fax) in sorted(table.items(), key=lambda kv: kv[1][1])[:25]:
        if n >= 5:
            print(f"  {key:36} n={n:4d} acc={_fmt(acc)} aa_prec={_fmt(aa)} fax_acc={_fmt(fax)}")
    wrong = [
        (r.path.name, i.path)
        for r in results
        for i in r.items
        if not i.correct and i.confidence is not None and i.confidence >= args.threshold
    ]
    print(f"\nwrong but auto-accepted: {len(wrong)}")
    for name, path in wrong[:20]:
        print(f"  {name}  {path}")
    failures = [(r.path.name, r.failure) for r in results if r.failure]
    print(f"\nfailures: {len(failures)}")
    for name, why in failures[:20]:
        print(f"  {name}: {(why or '')[:160]}")
    if args.json_out:
        args.json_out.write_text(json.dumps(summary, indent=2))
    print("\n" + summary_line(summary))
    print(
        f"reproduce: .venv/bin/python benchmarks/bench_unseen.py --n {args.n} --seed {args.seed} "
        f"--fax-ratio {args.fax_ratio} --threshold {args.threshold}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
