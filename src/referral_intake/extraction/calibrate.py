"""Fit the confidence model on a labelled corpus and write `extraction/calibration.json` (shipped in the package).

    python -m referral_intake.extraction.calibrate --generate 300 --seed 7 --corpus /tmp/calib
    python -m referral_intake.extraction.calibrate --corpus DIR          # an existing corpus with NAME.gold.json

Every field the layout extractor emits becomes one example (features -> was the value exactly right); a
logistic model is fitted by Newton's method with an L2 penalty, then its intercept is lowered until the
fields it would auto-accept at the review threshold are right at least `--target` of the time (a margin
for layouts the corpus does not show).
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import structlog

from referral_intake.contract import Extraction, Field, Referral, iter_fields
from referral_intake.extraction.confidence import FEATURE_NAMES, predict
from referral_intake.extraction.extractor import DetailedExtraction, LayoutExtractor
from referral_intake.reading.model import ReadDocument

log = structlog.get_logger(__name__)

POSITIVE = frozenset({"strength", "valid_strong", "valid_shape", "agree_pages", "agree_n", "best_score"})
NEGATIVE = frozenset({"ocr_low", "ocr_page", "conflict", "n_rivals"})
DOC_SUFFIXES = (".pdf", ".tif", ".tiff", ".png", ".jpg", ".jpeg")
TEXT_PATHS = ("reason", "clinical_summary", "description")


def tokens(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", text.lower()))


def value_matches(path: str, got: Any, gold: Any) -> bool:
    """The contract's comparison: trimmed, case-insensitive; free text by token overlap (>= 0.8)."""
    if gold is None:
        return got is None
    if got is None:
        return False
    if path.endswith(TEXT_PATHS) or re.search(r"(medications|allergies)\.\d+$", path):
        a, b = tokens(str(got)), tokens(str(gold))
        return bool(a and b) and len(a & b) / max(len(a), len(b)) >= 0.8
    return str(got).strip().lower() == str(gold).strip().lower()


def align(ext: list[Referral], gold: list[Referral]) -> list[tuple[int, int]]:
    """Pair extracted and gold referrals by shared pages (packets), largest overlaps first; then by order."""
    scored = sorted(
        ((len(set(e.pages) & set(g.pages)), i, j) for i, e in enumerate(ext) for j, g in enumerate(gold)),
        reverse=True,
    )
    pairs: dict[int, int] = {}
    used: set[int] = set()
    for ov, i, j in scored:
        if ov > 0 and i not in pairs and j not in used:
            pairs[i] = j
            used.add(j)
    for i in range(len(ext)):
        if i not in pairs and i < len(gold) and i not in used:
            pairs[i] = i
            used.add(i)
    return sorted(pairs.items())


def gold_lookup(g: Referral) -> dict[str, Any]:
    """Gold values by path; coded lists by code set (`diagnoses` -> {codes}), as scoring compares them."""
    out: dict[str, Any] = {}
    for path, f in iter_fields(g):
        out[path] = f.value
    for lst in ("diagnoses", "procedures"):
        out[lst] = {str(c.code.value).upper() for c in getattr(g, lst) if c.code.value}
        out[lst + ".descriptions"] = {
            str(c.code.value).upper(): c.description.value if c.description else None for c in getattr(g, lst)
        }
    for lst in ("medications", "allergies"):
        out[lst] = [f.value for f in getattr(g, lst) if f.value]
    return out


def label_field(path: str, value: Any, gold: dict[str, Any]) -> bool:
    head = path.split(".")[0]
    if head in ("diagnoses", "procedures"):
        if path.endswith(".code"):
            return str(value).upper() in gold[head]
        return False  # descriptions are labelled by `examples` (they need the code)
    if head in ("medications", "allergies"):
        return any(value_matches(path, value, g) for g in gold[head])
    return value_matches(path, value, gold.get(path))


def examples(detail: DetailedExtraction, gold: Extraction) -> Iterable[tuple[dict[str, float], bool, str]]:
    pairs = dict(align(detail.extraction.referrals, gold.referrals))
    for ev in detail.evidence:
        gi = pairs.get(ev.referral)
        if gi is None:
            yield ev.features, False, ev.path
            continue
        g = gold_lookup(gold.referrals[gi])
        ref = detail.extraction.referrals[ev.referral]
        value = _value_at(ref, ev.path)
        if ev.path.endswith(".description"):
            code = _value_at(ref, ev.path.rsplit(".", 1)[0] + ".code")
            gd = g[ev.path.split(".")[0] + ".descriptions"].get(str(code).upper())
            yield ev.features, value_matches(ev.path, value, gd), ev.path
        else:
            yield ev.features, label_field(ev.path, value, g), ev.path


def _value_at(ref: Referral, path: str) -> Any:
    fields: dict[str, Field] = dict(iter_fields(ref))
    f = fields.get(path)
    return f.value if f else None


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 1.0, iters: int = 50) -> np.ndarray:
    """Newton-Raphson for L2-penalised logistic regression; column 0 of x is the intercept (not penalised)."""
    w = np.zeros(x.shape[1])
    pen = np.full(x.shape[1], l2)
    pen[0] = 0.0
    for _ in range(iters):
        p = 1.0 / (1.0 + np.exp(-np.clip(x @ w, -30, 30)))
        grad = x.T @ (p - y) + pen * w
        hess = (x.T * (p * (1 - p))) @ x + np.diag(pen + 1e-9)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.max(np.abs(step)) < 1e-7:
            break
    return w


def read_corpus(corpus: Path, cache: Path | None = None) -> Iterable[tuple[ReadDocument, Extraction]]:
    """Read every document that has a gold file; `cache` keeps the read pages (OCR is the slow part)."""
    import hashlib
    import pickle

    from referral_intake.reading import read_document_inproc
    from referral_intake.settings import ReadingSettings

    settings = ReadingSettings()
    for path in sorted(corpus.iterdir()):
        if path.suffix.lower() not in DOC_SUFFIXES:
            continue
        gold_path = path.with_name(path.stem + ".gold.json")
        if not gold_path.exists():
            continue
        data = path.read_bytes()
        hit = cache / (hashlib.sha256(data).hexdigest() + ".pkl") if cache else None
        if hit is not None and hit.exists():
            doc = pickle.loads(hit.read_bytes())  # our own cache file, written below by this command
        else:
            doc = read_document_inproc(data, path.name, settings)
            if hit is not None:
                hit.parent.mkdir(parents=True, exist_ok=True)
                hit.write_bytes(pickle.dumps(doc))
        yield doc, Extraction.model_validate_json(gold_path.read_text("utf-8"))


def calibrate(
    data: list[tuple[dict[str, float], bool, str]], threshold: float = 0.95, target: float = 0.999
) -> dict[str, Any]:
    names = list(FEATURE_NAMES) + sorted({k for f, _, _ in data for k in f} - set(FEATURE_NAMES))
    x = np.array([[1.0] + [f.get(n, 0.0) for n in names] for f, _, _ in data])
    y = np.array([1.0 if ok else 0.0 for _, ok, _ in data])
    # Evidence must act in its own direction (more agreement never lowers confidence): a weight fitted with
    # the wrong sign (collinear features) is fixed at zero and the rest refitted.
    keep = np.ones(x.shape[1], dtype=bool)
    for _ in range(len(names)):
        w = np.zeros(x.shape[1])
        w[keep] = fit_logistic(x[:, keep], y)
        wrong = [
            i
            for i, n in enumerate(names, start=1)
            if keep[i] and ((n in POSITIVE and w[i] < 0) or (n in NEGATIVE and w[i] > 0))
        ]
        if not wrong:
            break
        keep[wrong] = False
    model: dict[str, Any] = {
        "weights": {"bias": float(w[0]), **{n: float(v) for n, v in zip(names, w[1:], strict=True)}},
        "cap": 0.999,
        "fitted": True,
    }
    # Lower the intercept until auto-accepted fields meet the precision target on the corpus.
    shift = 0.0
    for _ in range(60):
        probs = np.array([predict(f, model) for f, _, _ in data])
        acc = probs >= threshold
        prec = float(y[acc].mean()) if acc.any() else 1.0
        if prec >= target:
            break
        shift += 0.1
        model["weights"]["bias"] -= 0.1
    probs = np.array([predict(f, model) for f, _, _ in data])
    model["meta"] = {
        "examples": len(data),
        "positives": int(y.sum()),
        "bias_shift": round(shift, 2),
        "threshold": threshold,
        "precision_at_threshold": float(y[probs >= threshold].mean()) if (probs >= threshold).any() else None,
        "share_at_threshold": float((probs >= threshold).mean()),
        "reliability": reliability(probs, y),
    }
    return model


def reliability(probs: np.ndarray, y: np.ndarray, bins: int = 10) -> list[dict[str, float]]:
    out = []
    edges = np.linspace(0, 1, bins + 1)
    for lo, hi in itertools.pairwise(edges):
        m = (probs >= lo) & ((probs < hi) if hi < 1 else (probs <= hi))
        if m.any():
            out.append(
                {
                    "lo": float(lo),
                    "hi": float(hi),
                    "n": int(m.sum()),
                    "mean_conf": float(probs[m].mean()),
                    "accuracy": float(y[m].mean()),
                }
            )
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument(
        "--corpus", type=Path, required=True, help="corpus directory (documents + NAME.gold.json)"
    )
    ap.add_argument(
        "--generate", type=int, default=0, help="first generate this many documents into --corpus"
    )
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--fax-ratio", type=float, default=0.3)
    ap.add_argument(
        "--target", type=float, default=0.999, help="precision of auto-accepted fields on the corpus"
    )
    ap.add_argument("--cache", type=Path, default=None, help="keep read pages here between runs")
    ap.add_argument("--out", type=Path, default=Path(__file__).with_name("calibration.json"))
    args = ap.parse_args(argv)
    if args.generate:
        from referral_intake.synth import generate_corpus

        generate_corpus(args.corpus, args.generate, seed=args.seed, fax_ratio=args.fax_ratio)
    extractor = LayoutExtractor()
    data: list[tuple[dict[str, float], bool, str]] = []
    for doc, gold in read_corpus(args.corpus, args.cache):
        data.extend(examples(extractor.extract_detailed(doc), gold))
    model = calibrate(data, target=args.target)
    model["meta"]["command"] = (
        f"python -m referral_intake.extraction.calibrate --corpus {args.corpus} --generate {args.generate} "
        f"--seed {args.seed} --fax-ratio {args.fax_ratio} --target {args.target}"
    )
    args.out.write_text(json.dumps(model, indent=1) + "\n", encoding="utf-8")
    meta = model["meta"]
    log.info(
        "extraction.calibrated",
        examples=meta["examples"],
        precision=meta["precision_at_threshold"],
        share=meta["share_at_threshold"],
        out=str(args.out),
    )


if __name__ == "__main__":
    main()
