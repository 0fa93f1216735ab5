"""Estimate the model from the EHR itself: u from random pairs and value frequencies, m by EM.

Hand-written rather than Splink: the EM over comparison vectors is ~40 lines of numpy, while Splink would add
DuckDB and pandas to the runtime only for training, and its model would still need our own scorer for
per-referral lookups. Splink is run side by side in benchmarks/bench_matching.py as the reference.
EM keeps u fixed (as Splink does) and shrinks m toward expert priors, so a clean EHR with few duplicate
charts still yields a sane model.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

import numpy as np
import structlog

from referral_intake.matching.blocking import candidate_pairs
from referral_intake.matching.comparisons import COMPARISONS, compare
from referral_intake.matching.model import (
    TF_ATTRIBUTES,
    ComparisonParams,
    FsModel,
    LevelParams,
    guards_for,
)
from referral_intake.matching.normalize import Person

log = structlog.get_logger(__name__)

# Exact-agreement u is computed from value frequencies (precise even when it is 1e-5, which random
# sampling cannot see); the other levels' u come from the random sample.
_EXACT_KEYS: dict[str, Callable[[Person], str]] = {
    "first_name": lambda p: p.first.replace(" ", ""),
    "last_name": lambda p: p.last.replace(" ", ""),
    "date_of_birth": lambda p: p.dob.isoformat() if p.dob else "",
    "sex": lambda p: p.sex,
    "phone": lambda p: p.phone,
    "email": lambda p: p.email,
    "mrn": lambda p: p.mrn,
    "ssn": lambda p: p.ssn,
}
TF_TOP = 5000
MIN_U = 1e-7


def _vectors(people: Sequence[Person], pairs: Sequence[tuple[int, int]]) -> np.ndarray:
    out = np.empty((len(pairs), len(COMPARISONS)), dtype=np.int8)
    for row, (i, j) in enumerate(pairs):
        out[row] = compare(people[i], people[j])
    return out


def _exact_u(people: Sequence[Person], key: Callable[[Person], str]) -> float | None:
    counts = Counter(v for v in (key(p) for p in people) if v)
    n = sum(counts.values())
    if n < 2:
        return None
    return max(MIN_U, sum(c * (c - 1) for c in counts.values()) / (n * (n - 1)))


def estimate_u(people: Sequence[Person], n_pairs: int, rng: random.Random) -> list[list[float]]:
    n = len(people)
    pairs = []
    for _ in range(n_pairs):
        i, j = rng.randrange(n), rng.randrange(n)
        if i != j:
            pairs.append((i, j))
    vec = _vectors(people, pairs)
    out: list[list[float]] = []
    for c, comp in enumerate(COMPARISONS):
        k = len(comp.labels)
        raw = np.bincount(vec[:, c][vec[:, c] >= 0], minlength=k).astype(float)
        if raw.sum() == 0:
            out.append([])  # the attribute is absent from the training data: the model leaves it untrained
            continue
        counts = raw + 0.5  # Laplace smoothing
        u = counts / counts.sum()
        exact = _exact_u(people, _EXACT_KEYS[comp.name]) if comp.name in _EXACT_KEYS else None
        if exact is not None:
            rest = u[1:] / u[1:].sum()
            u = np.concatenate([[exact], rest * (1.0 - exact)])
        out.append([max(MIN_U, float(x)) for x in u])
    return out


def run_em(
    vec: np.ndarray,
    u: list[list[float]],
    iterations: int,
    prior_strength: float,
    exclude: frozenset[int] = frozenset(),
    start_lambda: float = 0.3,
) -> tuple[list[list[float]], float, float]:
    """EM for m and the share of matches among blocked pairs, with u fixed and m shrunk to the priors.

    Comparisons in `exclude` are the ones the pairs were blocked on: they agree by construction, so they
    are left out of the E-step and their m is not estimated here (Splink's training sessions do the same).
    Returns m, the match share and the expected number of matches among the pairs.
    """
    m = [list(c.prior_m) for c in COMPARISONS]
    lam = start_lambda
    post = np.zeros(len(vec))
    twin = np.array([bool(guards_for(list(row))) for row in vec]) if len(vec) else np.zeros(0, dtype=bool)
    for _ in range(iterations):
        log_lr = np.zeros(len(vec))
        for c in range(len(COMPARISONS)):
            if c in exclude or not u[c]:
                continue
            col = vec[:, c]
            w = np.log2(np.array(m[c]) / np.array(u[c]))
            for neutral in COMPARISONS[c].neutral:
                w[neutral] = 0.0
            log_lr += np.where(col >= 0, w[np.clip(col, 0, None)], 0.0)
        log_odds = np.clip(log_lr + np.log2(lam / (1 - lam)), -60, 60)
        log_odds = np.where(twin, np.minimum(log_odds, 0.0), log_odds)
        post = 1.0 / (1.0 + 2.0 ** (-log_odds))
        new_m = []
        for c, comp in enumerate(COMPARISONS):
            if c in exclude or not u[c]:
                new_m.append(m[c])
                continue
            col = vec[:, c]
            known = col >= 0
            sums = np.bincount(col[known], weights=post[known], minlength=len(comp.labels))
            mm = (sums + prior_strength * np.array(comp.prior_m)) / (sums.sum() + prior_strength)
            new_m.append([max(1e-6, float(x)) for x in mm])
        new_lam = float(np.clip(post.mean(), 1e-9, 0.999)) if len(vec) else lam
        delta = max(abs(a - b) for ca, cb in zip(m, new_m, strict=True) for a, b in zip(ca, cb, strict=True))
        m, lam = new_m, new_lam
        if delta < 1e-5:
            break
    return m, lam, float(post.sum())


_SESSIONS: tuple[tuple[frozenset[str], frozenset[str]], ...] = (
    # (blocking key kinds, comparisons they fix): names are learnt on DOB blocks, DOB on name blocks.
    (frozenset({"dob"}), frozenset({"date_of_birth"})),
    (frozenset({"names"}), frozenset({"first_name", "last_name"})),
)


def term_frequencies(people: Sequence[Person]) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    for name in TF_ATTRIBUTES:
        key = _EXACT_KEYS[name]
        counts = Counter(v for v in (key(p) for p in people) if v)
        n = sum(counts.values()) or 1
        out[name] = {v: round(c / n, 8) for v, c in counts.most_common(TF_TOP)}
    return out


def train(
    people: Sequence[Person],
    *,
    source: str,
    seed: int = 7,
    random_pairs: int = 60_000,
    max_blocked_pairs: int = 400_000,
    iterations: int = 40,
    prior_strength: float = 30.0,
) -> FsModel:
    """Train on one set of records (an EHR's charts, duplicates and all). No PHI is logged."""
    if len(people) < 50:
        from referral_intake.errors import ConfigurationError

        raise ConfigurationError("matching training needs at least 50 patient records")
    rng = random.Random(seed)
    u = estimate_u(people, random_pairs, rng)
    index = {c.name: i for i, c in enumerate(COMPARISONS)}
    estimates: list[list[list[float]]] = [[] for _ in COMPARISONS]
    dob_matches = 0.0
    for kinds, fixed in _SESSIONS:
        pairs = candidate_pairs(people, kinds=kinds)
        if len(pairs) > max_blocked_pairs:
            pairs = sorted(rng.sample(pairs, max_blocked_pairs))
        exclude = frozenset(index[name] for name in fixed)
        m_s, _lam, expected = run_em(_vectors(people, pairs), u, iterations, prior_strength, exclude)
        for c in range(len(COMPARISONS)):
            if c not in exclude:
                estimates[c].append(m_s[c])
        if kinds == _SESSIONS[0][0]:
            dob_matches = expected
    m = [
        [float(x) for x in np.mean(np.array(est), axis=0)] if est else list(COMPARISONS[c].prior_m)
        for c, est in enumerate(estimates)
    ]
    n = len(people)
    # Matches found on DOB blocks are the share of all matches whose DOB agrees (or is transposed).
    dob = index["date_of_birth"]
    expected_matches = dob_matches / max(0.5, m[dob][0] + m[dob][1])
    match_prior = float(min(0.5, max(1e-9, expected_matches / (n * (n - 1) / 2))))
    log.info("matching.trained", records=n, expected_duplicate_pairs=round(expected_matches))
    comparisons = []
    for c, comp in enumerate(COMPARISONS):
        trained = bool(u[c])
        u_c = u[c] if trained else [1.0 / len(comp.labels)] * len(comp.labels)
        comparisons.append(
            ComparisonParams(
                name=comp.name,
                levels=[
                    LevelParams(label=lb, m=mv, u=uv)
                    for lb, mv, uv in zip(comp.labels, m[c], u_c, strict=True)
                ],
                # an attribute the training data lacks carries no evidence until a retrain sees it
                neutral=sorted(comp.neutral) if trained else list(range(len(comp.labels))),
            )
        )
    now = datetime.now(UTC)
    return FsModel(
        version=f"fs-{now:%Y%m%d%H%M%S}",
        trained_on=source,
        trained_at=now.isoformat(timespec="seconds"),
        records=n,
        match_prior=match_prior,
        em_iterations=iterations,
        comparisons=comparisons,
        term_frequencies=term_frequencies(people),
    )
