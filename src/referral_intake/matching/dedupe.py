"""Find duplicate charts in a set of patient records: scored pairs at/above a threshold, and clusters.

Clusters are connected components of the matched pairs (union-find); a cluster whose members are not all
pairwise matched is flagged `loose` in the report so a person looks at it before merging anything.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from referral_intake.ehr.protocol import EHR_CSV_COLUMNS
from referral_intake.matching.blocking import candidate_pairs
from referral_intake.matching.model import AttributeWeight, Scorer
from referral_intake.matching.normalize import Person, person_from_values

INPUT_COLUMNS = tuple(c for c in EHR_CSV_COLUMNS if c != "id")


@dataclass(frozen=True, slots=True)
class ScoredPair:
    a: int  # indexes into the people list
    b: int
    probability: float
    weight: float
    guards: tuple[str, ...]


def score_pairs(
    people: Sequence[Person], scorer: Scorer, threshold: float, pairs: Iterable[tuple[int, int]] | None = None
) -> list[ScoredPair]:
    """Every blocked pair whose probability is at or above `threshold`, best first."""
    out: list[ScoredPair] = []
    for i, j in candidate_pairs(people) if pairs is None else pairs:
        s = scorer.score(people[i], people[j])
        p = scorer.pair_probability(s)
        if p >= threshold:
            out.append(ScoredPair(i, j, p, s.weight, s.guards))
    out.sort(key=lambda sp: (-sp.probability, sp.a, sp.b))
    return out


def clusters(n: int, pairs: Iterable[ScoredPair]) -> list[list[int]]:
    """Connected components with two or more members, each sorted, largest first.

    A small union-find rather than networkx: a graph library for 20 lines is not worth the dependency.
    """
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for sp in pairs:
        ra, rb = find(sp.a), find(sp.b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(find(i), []).append(i)
    out = [g for g in groups.values() if len(g) > 1]
    out.sort(key=lambda g: (-len(g), g[0]))
    return out


def read_csv(path: Path) -> tuple[list[Person], list[dict[str, str]]]:
    """Records of a dedupe input CSV (an `id` column and any of INPUT_COLUMNS). Returns people and raw rows."""
    from referral_intake.errors import ConfigurationError

    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        if reader.fieldnames is None or "id" not in reader.fieldnames:
            raise ConfigurationError(
                f"{path.name}: the CSV needs an `id` column (and any of {', '.join(INPUT_COLUMNS)})"
            )
        rows = [dict(r) for r in reader]
    people = [person_from_values(r["id"], **{c: (r.get(c) or None) for c in INPUT_COLUMNS}) for r in rows]
    return people, rows


def write_pairs(path: Path, people: Sequence[Person], pairs: Sequence[ScoredPair]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id_a", "id_b", "probability"])
        for sp in pairs:
            w.writerow([people[sp.a].id, people[sp.b].id, f"{sp.probability:.6f}"])


def write_clusters(path: Path, people: Sequence[Person], groups: Sequence[Sequence[int]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["cluster_id", "id", "cluster_size"])
        for n, group in enumerate(groups, start=1):
            for i in group:
                w.writerow([n, people[i].id, len(group)])


@dataclass(frozen=True, slots=True)
class PairDetail:
    id_a: str
    id_b: str
    probability: float
    breakdown: list[AttributeWeight]
    guards: tuple[str, ...]


def pair_details(people: Sequence[Person], scorer: Scorer, pairs: Sequence[ScoredPair]) -> list[PairDetail]:
    out = []
    for sp in pairs:
        s = scorer.score(people[sp.a], people[sp.b])
        out.append(
            PairDetail(
                people[sp.a].id, people[sp.b].id, sp.probability, scorer.breakdown(people[sp.a], s), s.guards
            )
        )
    return out
