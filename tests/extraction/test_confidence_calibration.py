"""Confidence: monotone in its evidence, guarded where the corpus cannot vouch, fitted reproducibly."""

from __future__ import annotations

import random

import numpy as np

from referral_intake.extraction.calibrate import calibrate, fit_logistic, value_matches
from referral_intake.extraction.confidence import FEATURE_NAMES, load_model, predict


def _base() -> dict[str, float]:
    f = dict.fromkeys(FEATURE_NAMES, 0.0)
    f.update(strength=0.8, valid_shape=1.0, best_score=0.7, m_inline=1.0, r_section=1.0, k_name=1.0)
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
