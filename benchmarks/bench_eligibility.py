"""Eligibility figures: 270 build, 271 parse, round trip against the local CORE responder, payer timeout.

Reproduce: .venv/bin/python benchmarks/bench_eligibility.py
Targets (issue 10): build < 5 ms, parse < 5 ms, round trip < 50 ms, timeout bounded by the configured timeout.
"""

from __future__ import annotations

import logging
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import structlog

from referral_intake.eligibility.demo import demo_referral
from referral_intake.eligibility.inquiry import inquiry_from_referral
from referral_intake.eligibility.responder import Responder
from referral_intake.eligibility.service import check_eligibility
from referral_intake.eligibility.x12 import Envelope, build_270, parse_271
from referral_intake.eligibility.x12.build271 import build_271, read_270
from referral_intake.settings import load_settings


def _times(fn: Callable[[], object], n: int) -> tuple[float, float]:
    for _ in range(min(20, n)):
        fn()
    samples = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def main() -> None:
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    ref = demo_referral(relationship="child", subscriber_name="Pat Rivera", specialty="Physical Therapy")
    today = date.today()

    def build() -> str:
        inquiry = inquiry_from_referral(ref, "84980", "BCBS TX", "1234567893", None, today)
        return build_270(inquiry, Envelope("REFINTAKE", "84980", 123456)).text

    text_271 = build_271(read_270(build()), 1)
    rows = [("270 build (referral -> inquiry -> X12)", *_times(build, 2000), 5.0),
            ("271 parse (3 service types, dependent)", *_times(lambda: parse_271(text_271), 2000), 5.0)]  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp, Responder(slow_seconds=30) as responder:
        for mode in ("soap", "mime", "json"):
            endpoint = f"{responder.url}/json" if mode == "json" else f"{responder.url}/core"
            settings = load_settings(
                data_dir=Path(tmp),
                eligibility={"client": "json" if mode == "json" else "core", "endpoint": endpoint,
                             "core_mode": "mime" if mode == "mime" else "soap", "provider_npi": "1234567893"},
            )  # fmt: skip
            one = demo_referral(specialty="Cardiology")

            def trip(s=settings, r=one) -> None:  # type: ignore[no-untyped-def]
                assert check_eligibility(r, s).status == "active"

            rows.append((f"round trip check_eligibility, CORE {mode}" if mode != "json" else
                         "round trip check_eligibility, JSON API", *_times(trip, 200), 50.0))  # fmt: skip
        timeout = 2.0
        slow = load_settings(
            data_dir=Path(tmp),
            eligibility={"client": "core", "endpoint": f"{responder.url}/core", "timeout_seconds": timeout,
                         "provider_npi": "1234567893"},
        )  # fmt: skip
        t = time.perf_counter()
        result = check_eligibility(demo_referral(member_id="SLOW1"), slow)
        elapsed = time.perf_counter() - t
    print(f"{'measure':48} {'median ms':>10} {'p95 ms':>8} {'target':>8}")
    for name, med, p95, target in rows:
        print(f"{name:48} {med:10.3f} {p95:8.3f} {'<' + str(target):>8} {'ok' if med < target else 'MISSED'}")
    print(f"payer timeout (payer 30 s, timeout {timeout:.0f} s): {elapsed:.3f} s -> {result.reason!r} "
          f"{'ok' if elapsed < timeout + 0.25 else 'MISSED'}")  # fmt: skip
    print("reproduce: .venv/bin/python benchmarks/bench_eligibility.py")


if __name__ == "__main__":
    main()
