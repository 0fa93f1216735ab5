"""Generalization check on a fourth, independent generator (benchmarks/fresh: state Medicaid prior-auth form
with numbered boxes, orthopedic intake with a body diagram and right-aligned values, hospital discharge
referral with a patient header band, behavioral-health referral with client/guardian sections, physical-therapy
order on a prescription pad, letter with the letterhead down the left margin, e-referral Field | Value export,
sleep-study order with check boxes), written without reading the extractor or the other generators. Runs the
extractor through the eval harness (the same report as bench_heldout.py).

Reproduce: .venv/bin/python benchmarks/bench_fresh.py [--n 45] [--seed 23] [--fax-ratio 0.3]
           [--threshold 0.95] [--keep DIR] [--json-out FILE]
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_heldout import main as run_benchmark  # noqa: E402  (benchmarks/ is not a package)


def main(argv: list[str] | None = None) -> int:
    return run_benchmark(
        argv,
        generator=HERE / "fresh" / "generate.py",
        corpus_name="fresh",
        script="bench_fresh.py",
        defaults=(45, 23, 0.3),
    )


if __name__ == "__main__":
    raise SystemExit(main())
