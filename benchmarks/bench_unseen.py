"""Generalization check on a third, independent generator (benchmarks/unseen: paper forms with labels under
the line, grids, checkbox lists, pediatric guardian forms, VA/TRICARE authorizations, injury claims, narrative
letters, SOAP notes, two-up face sheets, fax covers with diagnosis tables), written without reading the
extractor or the other two generators. Runs the extractor through the eval harness (the same report as
bench_heldout.py) and prints born-digital vs faxed figures, the per-family table and the weakest fields.

Reproduce: .venv/bin/python benchmarks/bench_unseen.py [--n 45] [--seed 11] [--fax-ratio 0.3]
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
        generator=HERE / "unseen" / "generate.py",
        corpus_name="unseen",
        script="bench_unseen.py",
        defaults=(45, 11, 0.3),
    )


if __name__ == "__main__":
    raise SystemExit(main())
