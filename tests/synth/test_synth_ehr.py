"""The synthetic EHR population and how referral patients are drawn from it; identifiers are valid."""

from __future__ import annotations

import csv
import json
import random
from collections import Counter
from pathlib import Path

from referral_intake.synth import ehr, generate_corpus
from referral_intake.synth.catalog import SPECIALTIES, icd_description
from referral_intake.synth.people import NICKNAMES, npi, npi_valid


def test_population_has_unique_ids_and_twins() -> None:
    pop = ehr.population(7)
    assert len(pop) == 3000
    assert len({e.id for e in pop}) == len(pop) and len({e.mrn for e in pop}) > 2990
    homes = Counter((e.person.dob, e.person.last, e.person.addr.line1) for e in pop if e.person.addr)
    twins = [k for k, n in homes.items() if n >= 2]
    assert len(twins) >= 10
    for key in twins[:10]:
        firsts = {e.person.first for e in pop if (e.person.dob, e.person.last, e.person.addr.line1) == key}  # type: ignore[union-attr]
        assert len(firsts) >= 2


def test_drawn_patients_drift_realistically() -> None:
    pop = ehr.population(7, size=500)
    by_id = {e.id: e for e in pop}
    rng = random.Random(3)
    kinds: Counter[str] = Counter()
    for _ in range(400):
        p, pid, drift = ehr.draw(rng, pop)
        orig = by_id[pid].person
        kinds.update(drift)
        if not drift:
            assert (p.first, p.last, p.dob) == (orig.first, orig.last, orig.dob)
        if "nickname" in drift:
            assert p.first in NICKNAMES[orig.first]
        assert p.dob == orig.dob  # birth dates never drift
    assert {"typo", "moved", "married", "phone"} <= set(kinds)
    assert kinds["nickname"] > 0


def test_corpus_truth_points_into_the_ehr_csv(tmp_path: Path) -> None:
    csv_path = tmp_path / "ehr.csv"
    docs = generate_corpus(
        tmp_path / "c", 8, seed=2, fax_ratio=0.0, ehr_out=csv_path, families=["form_beside", "letter"]
    )
    with csv_path.open() as fh:
        rows = {r["id"]: r for r in csv.DictReader(fh)}
    assert list(next(iter(rows.values()))) == list(ehr.CSV_COLUMNS)
    ids = [json.loads(d.with_name(d.stem + ".truth.json").read_text())["ehr_patient_id"] for d in docs]
    assert any(i is None for i in ids) and any(i is not None for i in ids)
    for d, pid in zip(docs, ids, strict=True):
        if pid is None:
            continue
        gold = json.loads(d.with_name(d.stem + ".gold.json").read_text())
        assert gold["referrals"][0]["patient"]["date_of_birth"]["value"] == rows[pid]["date_of_birth"]


def test_npis_pass_luhn_and_icd_codes_are_billable() -> None:
    assert npi_valid("1234567893") and not npi_valid("1234567890")
    rng = random.Random(1)
    assert all(npi_valid(npi(rng)) for _ in range(200))
    codes = {c for codes, _, _ in SPECIALTIES.values() for c in codes}
    assert len(codes) >= 50
    assert all(icd_description(c) for c in codes)
