"""Reliability of confidences: bins of predicted confidence against observed accuracy, and the ECE."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Bin:
    lo: float
    hi: float
    count: int
    mean_confidence: float
    accuracy: float


def reliability(
    confidences: Sequence[float], correct: Sequence[bool], edges: Sequence[float] | None = None
) -> list[Bin]:
    """Group (confidence, right?) pairs into bins; empty bins are left out."""
    edges = list(edges or (0.0, 0.5, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995, 1.0001))
    bins: list[Bin] = []
    for lo, hi in itertools.pairwise(edges):
        idx = [i for i, c in enumerate(confidences) if lo <= c < hi]
        if not idx:
            continue
        bins.append(
            Bin(
                lo=lo,
                hi=min(hi, 1.0),
                count=len(idx),
                mean_confidence=sum(confidences[i] for i in idx) / len(idx),
                accuracy=sum(1 for i in idx if correct[i]) / len(idx),
            )
        )
    return bins


def expected_calibration_error(bins: Sequence[Bin]) -> float:
    total = sum(b.count for b in bins)
    if total == 0:
        return 0.0
    return sum(b.count * abs(b.accuracy - b.mean_confidence) for b in bins) / total
