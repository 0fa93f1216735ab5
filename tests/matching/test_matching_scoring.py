"""Comparison levels, the Fellegi-Sunter scorer and EM training on a synthetic EHR with known duplicates."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from referral_intake.errors import ConfigurationError
from referral_intake.matching.blocking import candidate_pairs
from referral_intake.matching.comparisons import (
    dob_level,
    first_name_level,
    last_name_level,
    nickname_equivalent,
)
from referral_intake.matching.dedupe import score_pairs
from referral_intake.matching.model import FsModel, Scorer, default_model
from referral_intake.matching.normalize import person_from_record, person_from_values
from referral_intake.matching.synthpop import population
from referral_intake.matching.train import train


def p(**kw: object) -> object:
    return person_from_values("x", **kw)  # type: ignore[arg-type]


def test_nicknames_come_from_the_curated_list() -> None:
    assert nickname_equivalent("bill", "william")
    assert nickname_equivalent("peggy", "margaret")
    assert nickname_equivalent("liz", "elizabeth")
    assert not nickname_equivalent("bill", "mary")


def test_name_levels() -> None:
    a = person_from_values("a", first_name="William", last_name="Smith-Jones", middle_name="Henry")
    assert first_name_level(a, person_from_values("b", first_name="Bill")) == 1
    assert first_name_level(a, person_from_values("b", first_name="Wiliam")) == 2
    assert first_name_level(a, person_from_values("b", first_name="W")) == 4
    assert first_name_level(a, person_from_values("b", first_name="Henry")) == 4  # goes by the middle name
    assert first_name_level(a, person_from_values("b", first_name="Oscar")) == 6
    assert last_name_level(a, person_from_values("b", last_name="Jones")) == 3  # hyphenated / married
    assert last_name_level(a, person_from_values("b", last_name="smith jones")) == 0
    swapped = person_from_values("b", first_name="Smith-Jones", last_name="William")
    assert first_name_level(a, swapped) == 5 and last_name_level(a, swapped) == 4


def test_dob_levels() -> None:
    a = person_from_values("a", date_of_birth="1988-05-09")
    assert dob_level(a, person_from_values("b", date_of_birth=date(1988, 5, 9))) == 0
    assert dob_level(a, person_from_values("b", date_of_birth="1988-09-05")) == 1
    assert dob_level(a, person_from_values("b", date_of_birth="1988-05-08")) == 2
    assert dob_level(a, person_from_values("b", date_of_birth="1988-05-23")) == 3
    assert dob_level(a, person_from_values("b", date_of_birth="1950-01-01")) == 4
    assert dob_level(a, person_from_values("b")) is None


def test_twins_are_capped_below_any_link_threshold() -> None:
    scorer = Scorer(default_model())
    common = dict(
        last_name="Castellanos",
        date_of_birth="2001-07-19",
        sex="F",
        address_line1="55 Larkspur Rd",
        postal_code="45402",
        city="Dayton",
        state="OH",
        phone="9375550123",
    )
    emma = person_from_values("a", first_name="Emma", **common)  # type: ignore[arg-type]
    olivia = person_from_values("b", first_name="Olivia", **common)  # type: ignore[arg-type]
    s = scorer.score(emma, olivia)
    assert "possible_twin" in s.guards
    assert s.weight > 20  # the independent evidence alone would say "same person" ...
    assert scorer.pair_probability(s) <= 0.5  # ... the guard holds it at review


def test_model_file_round_trips_and_rejects_foreign_models(tmp_path: Path) -> None:
    model = default_model()
    path = tmp_path / "m.json"
    model.save(path)
    assert FsModel.load(path) == model
    bad = model.model_copy(update={"comparisons": model.comparisons[:-1]})
    bad.save(path)
    with pytest.raises(ConfigurationError):
        FsModel.load(path)


def test_em_learns_from_the_ehr_and_separates_duplicates() -> None:
    records, truth_pairs = population(1500, seed=5, duplicate_rate=0.1)
    people = [person_from_record(r) for r in records]
    model = train(people, source="test", random_pairs=40_000)
    by = {c.name: c for c in model.comparisons}
    first = by["first_name"].levels
    dob = by["date_of_birth"].levels
    assert first[0].m > 0.5 and first[-1].m < 0.3  # exact names dominate among true duplicates
    assert dob[0].m / dob[0].u > 1000  # agreeing DOB is strong evidence
    assert by["ssn"].neutral == [0, 1, 2]  # absent from the data: carries no evidence
    scorer = Scorer(model)
    ids = [x.id for x in people]
    found = {
        frozenset((ids[s.a], ids[s.b])) for s in score_pairs(people, scorer, 0.98, candidate_pairs(people))
    }
    truth = {frozenset(t) for t in truth_pairs}
    precision = len(found & truth) / len(found)
    recall = len(found & truth) / len(truth)
    assert precision >= 0.97 and recall >= 0.85, (precision, recall)
    twins = {frozenset((r.id, "E" + r.id[1:])) for r in records if r.id.startswith("T")}
    assert twins and not (found & twins)


def test_no_partial_level_outweighs_an_exact_match() -> None:
    scorer = Scorer(default_model())
    raw_typo_beats_exact = False
    for params, row in zip(scorer.model.comparisons, scorer.weights, strict=True):
        assert all(w <= row[0] for w in row[1:]), params.name
        lv = params.levels
        raw_typo_beats_exact |= len(lv) > 1 and lv[1].m / lv[1].u > lv[0].m / lv[0].u
    assert raw_typo_beats_exact  # the shipped model has such a level, so the clamp is doing real work
