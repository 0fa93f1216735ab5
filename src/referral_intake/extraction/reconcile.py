"""Reconciliation: candidates from all pages of one referral -> one chosen value per field, with the agreeing
support, the rival values (conflicts shown to the reviewer) and the evidence features that confidence scores.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from referral_intake.extraction.candidates import LIST_PATHS, Candidate

ROLE_FACTOR = {
    "label": 1.0,
    "section": 0.9,
    "pattern": 0.85,
    "letterhead": 0.8,
    "default": 0.8,
    "guess": 0.5,
    "none": 0.4,
}
VALID_FACTOR = {"strong": 1.0, "shape": 0.9, "none": 0.8}


def score(c: Candidate) -> float:
    return c.strength * ROLE_FACTOR.get(c.role_source, 0.5) * VALID_FACTOR.get(c.valid, 0.8) * c.ocr


@dataclass(slots=True)
class Alternative:
    """A value the document also gives for this field (a conflict when it differs from the chosen one)."""

    value: Any
    score: float
    pages: list[int]
    texts: list[str]


@dataclass(slots=True)
class Choice:
    path: str  # contract path of the emitted field, e.g. `patient.last_name`, `diagnoses.1.code`
    value: Any
    best: Candidate
    support: list[Candidate]  # candidates giving the chosen value (best included)
    rivals: list[Alternative]  # other values, strongest first
    features: dict[str, float] = field(default_factory=dict)
    confidence: float = 0.0
    description: Choice | None = None  # for coded lists

    @property
    def conflict_share(self) -> float:
        mine = sum(score(c) for c in self.support)
        other = sum(a.score for a in self.rivals)
        return other / (mine + other) if mine + other > 0 else 0.0

    @property
    def agree_methods(self) -> int:
        """How many distinct reading methods (label beside, table, pattern, prose ...) give the chosen value."""
        return len({c.method for c in self.support})

    @property
    def anchored(self) -> bool:
        """Some reading of the value sits beside a label or in a section that names its role unambiguously."""
        return any(c.role_source in ("label", "section") and c.strength >= 0.7 for c in self.support)

    @property
    def rival_ratio(self) -> float:
        """The strongest differing value's score against the chosen value's best reading (0 when none)."""
        if not self.rivals:
            return 0.0
        own = score(self.best)
        return min(1.0, self.rivals[0].score / own) if own > 0 else 1.0


def _dedupe(cands: list[Candidate]) -> list[Candidate]:
    """One candidate per (path, value, place): the label pass and a pattern may read the same words."""
    seen: dict[tuple[str, str, int, tuple[int, ...] | None], Candidate] = {}
    for c in cands:
        bb = tuple(int(v) for v in c.bbox) if c.bbox else None
        k = (c.path, c.key, c.page, bb)
        old = seen.get(k)
        if old is None or score(c) > score(old):
            seen[k] = c
    return list(seen.values())


def _group(cands: list[Candidate]) -> list[tuple[str, list[Candidate], float]]:
    groups: dict[str, list[Candidate]] = {}
    for c in cands:
        groups.setdefault(c.key, []).append(c)
    scored = []
    for k, g in groups.items():
        g.sort(key=score, reverse=True)
        # The best reading counts fully; repeats elsewhere add, with diminishing weight.
        total = score(g[0]) + 0.5 * sum(score(c) for c in g[1:])
        scored.append((k, g, total))
    scored.sort(key=lambda t: t[2], reverse=True)
    return scored


def _choice(path: str, cands: list[Candidate]) -> Choice | None:
    groups = _group(cands)
    if not groups:
        return None
    _, support, _ = groups[0]
    best = support[0]
    rivals = [
        Alternative(g[0].value, total, sorted({c.page for c in g}), [c.text for c in g[:3]])
        for _, g, total in groups[1:]
    ]
    return Choice(path, best.value, best, support, rivals)


def reconcile(cands: list[Candidate]) -> list[Choice]:
    """Choose per scalar path; coded lists become one choice per distinct code, in first-seen order."""
    cands = _dedupe(cands)
    by_path: dict[str, list[Candidate]] = {}
    for c in cands:
        by_path.setdefault(c.path, []).append(c)
    out: list[Choice] = []
    for path, group in by_path.items():
        if path in LIST_PATHS:
            continue
        ch = _choice(path, group)
        if ch is not None and ch.value is not None:
            out.append(ch)
    for lp in LIST_PATHS:
        items = by_path.get(lp, [])
        order: list[str] = []
        per: dict[str, list[Candidate]] = {}
        for c in sorted(
            items, key=lambda c: (c.page, c.bbox[1] if c.bbox else 0.0, c.bbox[0] if c.bbox else 0.0)
        ):
            if c.key not in per:
                order.append(c.key)
            per.setdefault(c.key, []).append(c)
        for i, k in enumerate(order):
            sup = sorted(per[k], key=score, reverse=True)
            sub = f"{lp}.{i}.code" if lp in ("diagnoses", "procedures") else f"{lp}.{i}"
            ch = Choice(sub, sup[0].value, sup[0], sup, [])
            if lp in ("diagnoses", "procedures"):
                descs = [c for c in sup if c.extra.get("description")]
                if descs:
                    d = descs[0]
                    dc = Candidate(
                        f"{lp}.{i}.description",
                        d.extra["description"],
                        d.text,
                        d.page,
                        d.bbox,
                        d.ocr,
                        d.method,
                        d.strength * 0.8,
                        d.role_source,
                        "none",
                    )
                    ch.description = Choice(dc.path, dc.value, dc, [dc], [])
            out.append(ch)
    return out
