"""Structured-message extraction speed: median wall time per message (after one warm-up parse).

Reproduce: .venv/bin/python benchmarks/bench_structured.py
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from referral_intake.extraction.structured import parse_structured

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "extraction" / "structured" / "data"
sys.path.insert(0, str(ROOT / "tests" / "extraction" / "structured"))
from test_hl7v2_parse import ADT_A04, REF_I12  # noqa: E402  (the synthetic test messages)


def bench(kind: str, data: bytes, rounds: int = 20) -> float:
    parse_structured(kind, data)  # warm-up: lazy imports, code sets, schema load
    times = []
    for _ in range(rounds):
        t = time.perf_counter()
        parse_structured(kind, data)
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def main() -> None:
    cases = [(f"ccda {p.name}", "ccda", p.read_bytes()) for p in sorted((DATA / "ccda").glob("*.xml"))]
    cases += [("hl7v2 REF^I12", "hl7v2", REF_I12.encode()), ("hl7v2 ADT^A04", "hl7v2", ADT_A04.encode())]
    cases += [("fhir referral_bundle.json", "fhir", (DATA / "referral_bundle.json").read_bytes())]
    print(f"{'message':45} {'bytes':>8} {'median ms':>10}")
    for name, kind, data in cases:
        print(f"{name:45} {len(data):8d} {bench(kind, data):10.1f}")
    print("reproduce: .venv/bin/python benchmarks/bench_structured.py")


if __name__ == "__main__":
    main()
