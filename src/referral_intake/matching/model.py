"""The Fellegi-Sunter model: m/u per comparison level, name frequencies, and pair scoring with a breakdown.

A model is plain JSON (`matching/model.json` ships in the package; `referral-intake match-train` writes a
new one from a practice's own EHR). Weights are log2(m/u) in bits; a missing value weighs 0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pydantic import BaseModel, Field

from referral_intake.errors import ConfigurationError
from referral_intake.matching.comparisons import COMPARISONS, compare
from referral_intake.matching.normalize import Person

DEFAULT_MODEL_PATH = Path(__file__).parent / "model.json"
TF_ATTRIBUTES = ("first_name", "last_name")  # exact agreement on a rare name is worth more than on "Smith"
TF_MAX_BONUS_BITS = 4.0  # how far a name's frequency may move its exact-match weight from the average
TWIN_CAP_LOG2_ODDS = 0.0  # possible twins are held at probability 0.5 at most: review, never auto-link


class LevelParams(BaseModel):
    label: str
    m: float = Field(gt=0.0, le=1.0)
    u: float = Field(gt=0.0, le=1.0)


class ComparisonParams(BaseModel):
    name: str
    levels: list[LevelParams]
    neutral: list[int] = Field(default_factory=list)


class FsModel(BaseModel):
    """A trained model. `match_prior` is the probability that two random records are the same person."""

    format: int = 1
    version: str
    trained_on: str
    trained_at: str
    records: int
    match_prior: float = Field(gt=0.0, lt=1.0)
    em_iterations: int = 0
    comparisons: list[ComparisonParams]
    term_frequencies: dict[str, dict[str, float]] = Field(default_factory=dict)

    def save(self, path: Path) -> None:
        path.write_text(self.model_dump_json(indent=1) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> FsModel:
        try:
            model = cls.model_validate_json(path.read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise ConfigurationError(
                f"matching model file not found: {path}; run `referral-intake match-train`"
            ) from exc
        names = [c.name for c in model.comparisons]
        if names != [c.name for c in COMPARISONS]:
            raise ConfigurationError(f"matching model {path} was trained for other comparisons; retrain it")
        return model


@cache
def _default_model() -> FsModel:
    return FsModel.load(DEFAULT_MODEL_PATH)


def default_model() -> FsModel:
    """The model shipped in the package (see README: trained by EM, reproducible with `match-train`)."""
    return _default_model()


@dataclass(frozen=True, slots=True)
class AttributeWeight:
    attribute: str
    level: str  # label, or "not compared" when a side lacks the value
    weight: float  # bits (log2 of the likelihood ratio)


@dataclass(frozen=True, slots=True)
class PairScore:
    levels: tuple[int, ...]
    weight: float  # sum of attribute weights (bits), before any prior
    guards: tuple[str, ...]

    def log2_odds(self, prior_log2_odds: float) -> float:
        total = prior_log2_odds + self.weight
        if "possible_twin" in self.guards:
            total = min(total, TWIN_CAP_LOG2_ODDS)
        return total


def probability(log2_odds: float) -> float:
    if log2_odds > 60:
        return 1.0
    if log2_odds < -60:
        return 0.0
    odds: float = 2.0**log2_odds
    return odds / (1.0 + odds)


def guards_for(levels: tuple[int, ...] | list[int]) -> tuple[str, ...]:
    """Rules the independence assumption gets wrong. Twins share DOB, surname, address and phone, so
    their summed weights look like one person; a clearly different first name (or sex) on the same DOB
    therefore caps the probability instead of subtracting a few bits."""
    first, dob, sex, mrn, ssn = levels[0], levels[3], levels[4], levels[8], levels[9]
    if mrn == 0 or ssn in (0, 1):  # a personal identifier agrees: twins never share one
        return ()
    # level 4 (initial / middle name) too: "J. Nelson" beside "Jane Nelson" on one DOB cannot be told apart
    if dob == 0 and (first in (3, 4, 6) or (sex == 1 and first not in (0, 1))):
        return ("possible_twin",)
    return ()


class Scorer:
    """A model compiled for fast scoring: weights as a table of floats per comparison level."""

    def __init__(self, model: FsModel) -> None:
        self.model = model
        self.weights: list[list[float]] = []
        self.labels: list[list[str]] = []
        for params in model.comparisons:
            row = [
                0.0 if i in params.neutral else math.log2(lv.m / lv.u) for i, lv in enumerate(params.levels)
            ]
            # A near match never counts more than an exact one (with few distinct names, "one typo" can have
            # a smaller u than "exact"; a reviewer would rightly distrust a breakdown saying otherwise).
            row = [row[0]] + [min(w, row[0]) for w in row[1:]]
            self.weights.append(row)
            self.labels.append([lv.label for lv in params.levels])
        self.prior_log2_odds = math.log2(model.match_prior / (1.0 - model.match_prior))
        self._tf_exact: dict[str, tuple[float, dict[str, float]]] = {}
        for params in model.comparisons:
            if params.name in TF_ATTRIBUTES and params.name in model.term_frequencies:
                self._tf_exact[params.name] = (params.levels[0].m, model.term_frequencies[params.name])

    def _tf_weight(self, name: str, value: str, default: float) -> float:
        m, table = self._tf_exact[name]
        freq = table.get(value.replace(" ", ""))
        if freq is None:
            # A name the training data never saw keeps the average weight: the table may come from another
            # population (the shipped model's synthetic one), so absence is no proof of rarity.
            return default
        adjusted = math.log2(m / max(freq, 1e-9))
        return max(default - TF_MAX_BONUS_BITS, min(default + TF_MAX_BONUS_BITS, adjusted))

    def score(self, a: Person, b: Person) -> PairScore:
        levels = compare(a, b)
        total = 0.0
        for i, level in enumerate(levels):
            if level >= 0:
                total += self._weight(i, level, a)
        return PairScore(tuple(levels), total, guards_for(levels))

    def _weight(self, i: int, level: int, a: Person) -> float:
        w = self.weights[i][level]
        if level == 0 and self._tf_exact:
            if i == 0 and "first_name" in self._tf_exact:
                return self._tf_weight("first_name", a.first, w)
            if i == 1 and "last_name" in self._tf_exact:
                return self._tf_weight("last_name", a.last, w)
        return w

    def breakdown(self, a: Person, score: PairScore) -> list[AttributeWeight]:
        """Per attribute: the level's label and its weight, in the model's comparison order."""
        out: list[AttributeWeight] = []
        for i, level in enumerate(score.levels):
            name = self.model.comparisons[i].name
            if level < 0:
                out.append(AttributeWeight(name, "not compared (missing on one side)", 0.0))
            else:
                out.append(AttributeWeight(name, self.labels[i][level], round(self._weight(i, level, a), 3)))
        return out

    def pair_probability(self, score: PairScore) -> float:
        """Probability that the two records are one person, with the dedupe prior (two random records)."""
        return probability(score.log2_odds(self.prior_log2_odds))
