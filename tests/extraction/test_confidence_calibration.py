"""Confidence: monotone in its evidence, guarded where the corpus cannot vouch, fitted reproducibly."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np

from referral_intake.extraction.calibrate import (
    Example,
    calibrate,
    choose_cut,
    fit_logistic,
    isotonic_map,
    value_matches,
    vouched,
)
from referral_intake.extraction.confidence import FEATURE_NAMES, load_model, predict


def _base() -> dict[str, float]:
    f = dict.fromkeys(FEATURE_NAMES, 0.0)
    f.update(strength=0.8, valid_shape=1.0, best_score=0.7, m_inline=1.0, r_section=1.0, k_name=1.0)
    f.update({"anchored": 1.0, "f_referring_provider.last_name": 1.0})
    return f


def test_more_evidence_never_lowers_confidence() -> None:
    base = predict(_base())
    stronger = _base() | {"strength": 1.0, "best_score": 0.9}
    validated = _base() | {"valid_strong": 1.0, "valid_shape": 0.0}
    agreed = _base() | {"agree_pages": 1.0, "agree_n": 1.0}
    assert predict(stronger) >= base
    assert predict(agreed) >= base
    assert predict(validated) >= base


def test_doubt_lowers_confidence_and_guards_cap_it() -> None:
    base = predict(_base())
    assert predict(_base() | {"ocr_low": 0.4, "ocr_page": 1.0}) < base
    assert predict(_base() | {"ocr_low": 0.4, "ocr_page": 1.0}) <= 0.9
    assert predict(_base() | {"conflict": 0.5, "n_rivals": 1.0}) <= 0.85
    assert predict(_base() | {"r_guess": 1.0, "r_section": 0.0}) <= 0.9


def test_a_patient_name_no_label_vouches_for_stays_under_review() -> None:
    band = _base() | {"anchored": 0.0, "m_inline": 0.0, "m_band": 1.0, "r_section": 0.0, "r_pattern": 1.0}
    band |= {"f_referring_provider.last_name": 0.0, "f_patient.last_name": 1.0}
    assert predict(band) <= 0.9
    # a second reading may lift it
    assert predict(band | {"agree_n": 1.0, "agree_pages": 1.0}) >= predict(band)


def test_a_vague_label_with_nothing_to_check_needs_a_second_reading() -> None:
    vague = _base() | {"strength": 0.55, "valid_shape": 0.0, "best_score": 0.4}
    assert predict(vague) <= 0.9
    assert predict(vague | {"valid_shape": 1.0}) >= predict(vague)


def test_evidence_shown_on_one_family_only_is_not_vouched_for() -> None:
    data = [Example(_base(), True, "referring_provider.last_name", fam) for fam in "abc" for _ in range(30)]
    odd = _base() | {"m_inline": 0.0, "m_card": 1.0}
    data += [Example(odd, True, "referring_provider.last_name", "a") for _ in range(200)]
    v = vouched(data)
    assert "inline/section" in v["evidence"] and "card/section" not in v["evidence"]
    assert "referring_provider.last_name" in v["slots"]
    model = dict(load_model()) | {"vouched": v}
    assert predict(odd, model) <= 0.9


def test_isotonic_map_is_monotone_and_modest_about_small_blocks() -> None:
    rng = np.random.default_rng(1)
    z = rng.normal(size=4000) * 3
    y = (rng.random(4000) < 1 / (1 + np.exp(-z))).astype(float)
    m = isotonic_map(z, y)
    assert all(b >= a for a, b in zip(m["p"], m["p"][1:], strict=False))
    assert all(b > a for a, b in zip(m["z"], m["z"][1:], strict=False))
    assert m["p"][0] > 0.0 and m["p"][-1] < 1.0  # shrunk: no block claims certainty
    three_right = isotonic_map(np.array([0.0, 1.0, 2.0]), np.array([1.0, 1.0, 1.0]))
    assert three_right["p"][-1] <= 0.9


def test_the_cut_keeps_confident_mistakes_out_and_refuses_when_the_top_is_wrong() -> None:
    z = np.linspace(0, 10, 1000)
    y = np.ones(1000)
    y[[300, 310, 320, 330]] = 0.0  # mistakes among middling scores
    cmap = {"z": [0.0, 10.0], "p": [0.96, 0.999]}
    ceil = np.ones(1000)
    cut = choose_cut([(y, z, ceil)], cmap, 0.95, 0.998)
    assert cut is not None and z[300] < cut < z[400]  # the lowest cut that is precise enough
    assert y[z >= cut].mean() >= 0.998
    y[990:] = 0.0  # mistakes at the very top: no cut helps
    assert choose_cut([(y, z, ceil)], cmap, 0.95, 0.998) is None


def test_shipped_model_loads() -> None:
    model = load_model()
    assert "weights" in model and "bias" in model["weights"]


def test_logistic_fit_recovers_a_known_direction() -> None:
    rng = np.random.default_rng(3)
    x1 = rng.normal(size=2000)
    y = (rng.random(2000) < 1 / (1 + np.exp(-(0.5 + 2.0 * x1)))).astype(float)
    w = fit_logistic(np.column_stack([np.ones_like(x1), x1]), y, l2=0.01)
    assert abs(w[1] - 2.0) < 0.4 and abs(w[0] - 0.5) < 0.3


def test_calibration_orders_fields_and_meets_its_precision_target() -> None:
    rng = random.Random(5)
    data = []
    for _ in range(3000):
        f = _base()
        good = rng.random() < 0.5
        f["valid_strong"] = 1.0 if good or rng.random() < 0.05 else 0.0
        f["strength"] = rng.uniform(0.8, 1.0) if good else rng.uniform(0.4, 0.9)
        data.append((f, good or rng.random() < 0.1, "patient.last_name"))
    model = calibrate(data, threshold=0.95, target=0.99)
    probs = [predict(f, model) for f, _, _ in data]
    accepted = [ok for (_, ok, _), p in zip(data, probs, strict=True) if p >= 0.95]
    assert accepted and sum(accepted) / len(accepted) >= 0.99
    w = model["weights"]
    assert w["valid_strong"] >= 0 and w["strength"] >= 0 and w["ocr_low"] <= 0 and w["conflict"] <= 0
    rel = model["meta"]["reliability"]
    assert rel[-1]["accuracy"] >= rel[0]["accuracy"]  # higher confidence bins are more often right


def test_value_matching_follows_the_contract() -> None:
    assert value_matches("patient.last_name", "doe", "Doe")
    assert not value_matches("patient.last_name", "Doe", "Dow")
    assert value_matches("reason", "evaluation of knee pain", "Evaluation of knee pain.")
    assert not value_matches("reason", "knee", "evaluation of chronic right knee pain")
    assert value_matches("patient.middle_name", None, None)


def test_extra_corpora_keep_their_families_apart(tmp_path: Path) -> None:
    from referral_intake.extraction.calibrate import collect
    from referral_intake.synth import generate_corpus

    generate_corpus(tmp_path, 2, seed=3, fax_ratio=0.0)
    plain = collect(tmp_path)
    tagged = collect(tmp_path, tag="other_generator")
    assert plain and len(plain) == len(tagged)
    assert {ex.family for ex in tagged} == {f"other_generator:{ex.family}" for ex in plain}
    assert all(":" not in ex.family for ex in plain)
