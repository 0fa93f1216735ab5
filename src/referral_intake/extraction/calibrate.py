"""Fit the confidence model on a labelled corpus and write `extraction/calibration.json` (shipped in the package).

    # the shipped calibration: 300 synthetic documents (seed apart from the evaluation's 2026) plus two
    # independent generators' corpora, so leave-one-family-out runs over 30 families of three generators:
    python -m referral_intake.extraction.calibrate --corpus CALIB --generate 300 --seed 11 --fax-ratio 0.35 \
        --also cal_unseen --also cal_heldout --validate cal_fresh --cache CACHE --target 0.998
    # cal_unseen:  benchmarks/unseen/generate.py --out cal_unseen --n 90 --seed 101 --fax-ratio 0.35
    # cal_heldout: benchmarks/heldout/generate.py --out cal_heldout --n 120 --seed 101 --fax-ratio 0.4, keeping
    #              its odd_labels, card_copy, handwritten, two_patient_packet, memo_consult and ehr_order
    #              documents (discharge_sticker, medicaid_numbered and specialty_grid are kept for testing)
    # cal_fresh:   benchmarks/fresh/generate.py --out cal_fresh --n 60 --seed 77 --fax-ratio 0.3 (a fourth
    #              generator, never fitted on: its families only check where the cuts may go)
    python -m referral_intake.extraction.calibrate --corpus DIR   # an existing corpus with NAME.gold.json

(`--generate` is skipped when the corpus directory already holds documents; reading is cached by content,
so a re-fit after extractor changes costs one extraction pass, about a minute per 100 documents, plus the
fit, under a minute.) Every field the layout extractor emits becomes one example, labelled right or wrong by
the evaluation's own comparison (`evaluation.compare`). Then (see `confidence` for how they are used):

1. the evidence score: L2-penalised logistic regression (Newton), evidence weights kept in their direction,
   one offset per field slot and per slot on faxed pages, shrunk harder than the evidence weights;
2. leave-one-family-out: for each layout family of the corpus, the score is refitted without it and the
   family's fields scored; isotonic regression of right/wrong on these unseen-family scores gives one map
   for text-layer fields and one for OCR fields;
3. per group, the acceptance cut: the lowest score at which the fields auto-accepted at `--threshold` are
   right >= `--target` on the unseen-family scores, on the unseen-generator scores when `--also` adds
   corpora of other generators (each generator's fields scored by a model fitted on the others), and on
   any `--validate` corpora (families never used for fitting; never the test families). Fields under the cut stay just below the threshold;
4. `vouched`: the method/role combinations and slots seen on >= 3 families; others stay under review.

`meta` in the output records the command, per-group figures on unseen families and on the validation
corpora (precision and share at the threshold, ECE) and reliability tables (in-sample and unseen-family).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import itertools
import json
import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, NamedTuple, cast

import numpy as np
import structlog

from referral_intake.contract import Extraction, Field, Referral, iter_fields
from referral_intake.evaluation import compare
from referral_intake.extraction.confidence import (
    FAX_SLOT_PREFIX,
    FEATURE_NAMES,
    GROUPS,
    SLOT_PREFIX,
    ceiling,
    evidence_type,
    group_of,
    logit,
    predict,
    slot_of,
)
from referral_intake.extraction.extractor import DetailedExtraction, LayoutExtractor
from referral_intake.reading.model import ReadDocument

log = structlog.get_logger(__name__)

POSITIVE = frozenset(
    {
        "strength",
        "valid_strong",
        "valid_shape",
        "agree_pages",
        "agree_n",
        "agree_methods",
        "anchored",
        "best_score",
    }
)
NEGATIVE = frozenset({"ocr_low", "ocr_page", "ocr_chars", "conflict", "n_rivals", "rival_ratio"})
MIN_GROUP_EXAMPLES = 300  # fewer unseen-family scores than this: the group uses the pooled map
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


class Example(NamedTuple):
    """One emitted field: its evidence features, whether its value was right, and where it came from."""

    features: dict[str, float]
    ok: bool
    path: str
    family: str = ""  # layout family (from NAME.truth.json), the unit of leave-one-family-out validation
    fax: bool = False  # the document was read by OCR
    doc: str = ""


def examples(
    detail: DetailedExtraction, gold: Extraction, family: str = "", fax: bool = False, doc: str = ""
) -> Iterable[Example]:
    """Label every emitted field with the evaluation's own comparison (what the figures score as right)."""
    preds = detail.extraction.referrals
    gold_of = {id(p): g for g, p in compare.align(gold.referrals, preds) if p is not None}
    scored = [{i.path: i for i in compare.compare_referral(gold_of.get(id(p), Referral()), p)} for p in preds]
    for ev in detail.evidence:
        ref = preds[ev.referral]
        value = _value_at(ref, ev.path)
        head = ev.path.split(".")[0]
        if ev.path.endswith(".description"):  # not scored by the evaluation; labelled against the gold code
            gi = gold_of.get(id(ref))
            g = gold_lookup(gi) if gi is not None else None
            code = _value_at(ref, ev.path.rsplit(".", 1)[0] + ".code")
            gd = g[head + ".descriptions"].get(str(code).upper()) if g else None
            ok = g is not None and value_matches(ev.path, value, gd)
        elif head in compare.SET_LISTS:
            item = scored[ev.referral].get(f"{head}.[{compare.normalize(head, value)}]")
            ok = bool(item and item.correct)
        else:
            item = scored[ev.referral].get(ev.path)
            ok = bool(item and item.correct)
        yield Example(ev.features, ok, ev.path, family, fax, doc)


def collect(corpus: Path, cache: Path | None = None, tag: str = "") -> list[Example]:
    """Extract every document of a corpus and label its fields (reads come from `cache` when present).

    `tag` prefixes the family names, so that families of different generators never merge into one fold."""
    extractor = LayoutExtractor()
    out: list[Example] = []
    for doc, gold, name in read_corpus_named(corpus, cache):
        truth = corpus / (name + ".truth.json")
        family = str(json.loads(truth.read_text("utf-8")).get("family", "")) if truth.exists() else ""
        fax = any(p.text_source == "ocr" for p in doc.pages)
        family = f"{tag}:{family or corpus.name}" if tag else family or corpus.name
        out.extend(examples(extractor.extract_detailed(doc), gold, family, fax, name))
    return out


def _value_at(ref: Referral, path: str) -> Any:
    fields: dict[str, Field] = dict(iter_fields(ref))
    f = fields.get(path)
    return f.value if f else None


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float | np.ndarray = 1.0, iters: int = 50) -> np.ndarray:
    """Newton-Raphson for L2-penalised logistic regression; column 0 of x is the intercept (not penalised).

    `l2` may give one penalty per column (slot offsets are shrunk harder than evidence weights).
    """
    w = np.zeros(x.shape[1])
    pen = np.broadcast_to(np.asarray(l2, dtype=float), (x.shape[1],)).copy()
    pen[0] = 0.0
    for _ in range(iters):
        p = 1.0 / (1.0 + np.exp(-np.clip(x @ w, -30, 30)))
        grad = x.T @ (p - y) + pen * w
        hess = (x.T * (p * (1 - p))) @ x + np.diag(pen + 1e-9)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.max(np.abs(step)) < 1e-6:
            break
    return w


def read_corpus(corpus: Path, cache: Path | None = None) -> Iterable[tuple[ReadDocument, Extraction]]:
    """Read every document that has a gold file; `cache` keeps the read pages (OCR is the slow part)."""
    for doc, gold, _ in read_corpus_named(corpus, cache):
        yield doc, gold


def cached_read(
    data: bytes, name: str, cache: Path | None, read: Callable[[bytes, str], ReadDocument]
) -> ReadDocument:
    """`read(data, name)`, kept in `cache` (a pickle per content SHA-256) so OCR runs once per document."""
    import hashlib
    import pickle

    hit = cache / (hashlib.sha256(data).hexdigest() + ".pkl") if cache else None
    if hit is not None and hit.exists():
        doc: ReadDocument = pickle.loads(hit.read_bytes())  # our own cache file, written below
        return doc
    doc = read(data, name)
    if hit is not None:
        hit.parent.mkdir(parents=True, exist_ok=True)
        hit.write_bytes(pickle.dumps(doc))
    return doc


def read_corpus_named(
    corpus: Path, cache: Path | None = None
) -> Iterable[tuple[ReadDocument, Extraction, str]]:
    """Like `read_corpus`, with each document's stem (the name of its gold and truth files)."""
    from referral_intake.reading import read_document_inproc
    from referral_intake.settings import ReadingSettings

    settings = ReadingSettings()
    for path in sorted(corpus.iterdir()):
        if path.suffix.lower() not in DOC_SUFFIXES:
            continue
        gold_path = path.with_name(path.stem + ".gold.json")
        if not gold_path.exists():
            continue
        doc = cached_read(
            path.read_bytes(), path.name, cache, lambda d, n: read_document_inproc(d, n, settings)
        )
        yield doc, Extraction.model_validate_json(gold_path.read_text("utf-8")), path.stem


def _names(data: Sequence[Example]) -> list[str]:
    extra = {k for ex in data for k in ex.features} - set(FEATURE_NAMES)
    return list(FEATURE_NAMES) + sorted(extra)


def _design(data: Sequence[Example], names: list[str]) -> np.ndarray:
    col = {n: i for i, n in enumerate(names, start=1)}
    x = np.zeros((len(data), len(names) + 1))
    x[:, 0] = 1.0
    for r, ex in enumerate(data):
        for k, v in ex.features.items():
            if v and k in col:
                x[r, col[k]] = v
    # Nested validity: `valid_shape` is "at least the expected shape", `valid_strong` what a checksum adds, so
    # with both weights kept >= 0 a checksummed value never scores under a merely well-shaped one.
    x[:, col["valid_shape"]] += x[:, col["valid_strong"]]
    return x


def fit_weights(data: Sequence[Example], l2: float = 1.0, l2_slot: float = 3.0) -> dict[str, float]:
    """The evidence score: logistic weights, each evidence weight kept in its own direction.

    Slot offsets (`f_*`, `fx_*`) are shrunk harder: a slot with few examples keeps the evidence-based score
    and its kind's offset. A weight fitted with the wrong sign (collinear evidence) is fixed at zero and the
    rest refitted, so more agreement or a validator never lowers confidence.
    """
    names = _names(data)
    x = _design(data, names)
    y = np.array([1.0 if ex.ok else 0.0 for ex in data])
    pen = np.array([0.0] + [l2_slot if n.startswith((SLOT_PREFIX, FAX_SLOT_PREFIX)) else l2 for n in names])
    keep = np.ones(x.shape[1], dtype=bool)
    w = np.zeros(x.shape[1])
    for _ in range(len(names)):
        w = np.zeros(x.shape[1])
        w[keep] = fit_logistic(x[:, keep], y, pen[keep])
        wrong = [
            i
            for i, n in enumerate(names, start=1)
            if keep[i] and ((n in POSITIVE and w[i] < 0) or (n in NEGATIVE and w[i] > 0))
        ]
        if not wrong:
            break
        keep[wrong] = False
    out = {"bias": float(w[0])}
    out.update({n: round(float(v), 6) for n, v in zip(names, w[1:], strict=True)})
    return out


def vouched(data: Sequence[Example], min_families: int = 3, min_examples: int = 20) -> dict[str, list[str]]:
    """Evidence types (method/role source) and slots the corpus shows on enough layout families to trust."""
    fams: dict[tuple[str, str], set[str]] = defaultdict(set)
    count: dict[tuple[str, str], int] = defaultdict(int)
    for ex in data:
        for kv in (("evidence", evidence_type(ex.features)), ("slots", str(slot_of(ex.features)))):
            fams[kv].add(ex.family)
            count[kv] += 1
    nfam = len({ex.family for ex in data})
    need = min(min_families, max(1, nfam - 1))
    out: dict[str, list[str]] = {"evidence": [], "slots": []}
    for (what, key), f in sorted(fams.items()):
        if len(f) >= need and count[(what, key)] >= min_examples:
            out[what].append(key)
    return out


def isotonic_map(z: np.ndarray, y: np.ndarray, prior: float = 1.0) -> dict[str, list[float]]:
    """Monotone score -> probability by pool-adjacent-violators, as knots for `numpy.interp`.

    Each pooled block's rate is shrunk as (right + prior/2) / (n + prior), so a block of a few fields that
    were all right does not claim certainty. Written here because numpy has no isotonic regression and the
    algorithm is ten lines.
    """
    order = np.argsort(z, kind="stable")
    zs, ys = z[order], y[order]
    blocks: list[list[float]] = []  # [sum_y, n, sum_z]
    for zi, yi in zip(zs, ys, strict=True):
        blocks.append([float(yi), 1.0, float(zi)])
        while len(blocks) > 1 and blocks[-2][0] / blocks[-2][1] >= blocks[-1][0] / blocks[-1][1]:
            sy, n, sz = blocks.pop()
            blocks[-1][0] += sy
            blocks[-1][1] += n
            blocks[-1][2] += sz
    knots_z = [b[2] / b[1] for b in blocks]
    knots_p = [(b[0] + prior / 2) / (b[1] + prior) for b in blocks]
    knots_p = list(np.maximum.accumulate(knots_p))  # shrinkage may undo the order of small blocks
    keep = [i for i in range(len(knots_z)) if i == 0 or knots_z[i] > knots_z[i - 1] + 1e-9]
    return {"z": [round(knots_z[i], 5) for i in keep], "p": [round(float(knots_p[i]), 6) for i in keep]}


def _folds(data: Sequence[Example], k: int = 5) -> list[np.ndarray]:
    """Leave one layout family out; a corpus of one family falls back to k folds by document."""
    fams = sorted({ex.family for ex in data})
    if len(fams) >= 3:
        return [np.array([ex.family == f for ex in data]) for f in fams]
    docs = sorted({ex.doc for ex in data})
    fold_of = {d: i % k for i, d in enumerate(docs)}
    if len(docs) < k:  # no document names: by position
        return [np.arange(len(data)) % k == i for i in range(k)]
    return [np.array([fold_of[ex.doc] == i for ex in data]) for i in range(k)]


def _scores(data: Sequence[Example], model: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    """(raw score, guard ceiling) of every example under one model."""
    z = np.array([logit(ex.features, model) for ex in data])
    ceil = np.array([ceiling(ex.features, model) for ex in data])
    return z, ceil


def generator_of(family: str) -> str:
    """The corpus a family came from: `collect(..., tag=...)` prefixes "tag:"; the main corpus has none."""
    return family.split(":", 1)[0] if ":" in family else ""


def out_of_family(
    data: Sequence[Example], l2: float, l2_slot: float, by_generator: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """Scores and ceilings each example gets from a model fitted without its family (or fold); with
    `by_generator`, without every family of its generator (layouts written by another hand altogether)."""
    z = np.zeros(len(data))
    ceil = np.ones(len(data))
    if by_generator:
        gens = sorted({generator_of(ex.family) for ex in data})
        folds = [np.array([generator_of(ex.family) == g for ex in data]) for g in gens]
    else:
        folds = _folds(data)
    for held in folds:
        train = [ex for ex, h in zip(data, held, strict=True) if not h]
        test = [ex for ex, h in zip(data, held, strict=True) if h]
        if not train or not test:
            continue
        fold = {
            "weights": fit_weights(train, l2, l2_slot),
            "vouched": vouched(train),
            "nested_validity": True,
        }
        z[held], ceil[held] = _scores(test, fold)
    return z, ceil


def _probs(
    z: np.ndarray, ceil: np.ndarray, cmap: dict[str, list[float]], cut: float | None, below: float
) -> np.ndarray:
    p = np.interp(z, cmap["z"], cmap["p"])
    p = np.where(z >= (math.inf if cut is None else cut), p, np.minimum(p, below))
    out: np.ndarray = np.minimum(p, ceil)
    return out


def _precision(probs: np.ndarray, y: np.ndarray, threshold: float) -> float | None:
    acc = probs >= threshold
    return float(y[acc].mean()) if acc.any() else None


def _group_masks(data: Sequence[Example]) -> dict[str, np.ndarray]:
    g = np.array([group_of(ex.features) for ex in data])
    return {name: g == name for name in GROUPS}


def choose_cut(
    checks: list[tuple[np.ndarray, np.ndarray, np.ndarray]],
    cmap: dict[str, list[float]],
    threshold: float,
    target: float,
) -> float | None:
    """The lowest score cut at which auto-accepted fields are right >= `target` in every check (y, z, ceiling).

    None when no cut reaches it (confident mistakes at the very top of the score): nothing of the group is
    auto-accepted.
    """
    below = threshold - 0.001
    cands = np.unique(np.concatenate([z for _, z, _ in checks])) if checks else np.array([])
    # Only cuts where something would still be accepted matter; scan them from the lowest.
    for cut in cands:
        precs = [_precision(_probs(z, c, cmap, float(cut), below), y, threshold) for y, z, c in checks]
        if all(p is None or p >= target for p in precs):
            return round(float(cut), 5) if any(p is not None for p in precs) else None
    return None


def calibrate(
    data: Sequence[Example] | Sequence[tuple[dict[str, float], bool, str]],
    threshold: float = 0.95,
    target: float = 0.998,
    validation: Sequence[Example] = (),
    l2: float = 1.0,
    l2_slot: float = 3.0,
) -> dict[str, Any]:
    """Fit score, maps and guards on `data`; choose the acceptance cuts on unseen families (and `validation`).

    Per group (fields read from a text layer, fields read by OCR) the cut is the lowest score at which the
    fields auto-accepted at `threshold` are right >= `target` in every check: the group's fields scored by
    models fitted without their layout family, and the group's fields of the validation corpus (families
    never used for fitting).
    """
    train = [ex if isinstance(ex, Example) else Example(*ex) for ex in data]
    y = np.array([1.0 if ex.ok else 0.0 for ex in train])
    z_oof, ceil_oof = out_of_family(train, l2, l2_slot)
    # With corpora of several generators, fields are also scored by models that never saw their generator:
    # leave-one-family-out alone proved optimistic on a generator none of the fitting corpora came from.
    several = len({generator_of(ex.family) for ex in train}) > 1
    z_oog, ceil_oog = out_of_family(train, l2, l2_slot, by_generator=True) if several else (z_oof, ceil_oof)
    g_train = _group_masks(train)
    pooled = isotonic_map(z_oof, y)
    maps = {
        g: isotonic_map(z_oof[m], y[m]) if m.sum() >= MIN_GROUP_EXAMPLES else pooled
        for g, m in g_train.items()
    }
    below = round(threshold - 0.001, 4)
    model: dict[str, Any] = {
        "weights": fit_weights(train, l2, l2_slot),
        "map": maps,
        "accept_from": dict.fromkeys(GROUPS, None),
        "below": below,
        "vouched": vouched(train),
        "nested_validity": True,
        "cap": 0.999,
        "fitted": True,
    }
    val = list(validation)
    y_val = np.array([1.0 if ex.ok else 0.0 for ex in val])
    z_val, ceil_val = _scores(val, model)
    g_val = _group_masks(val)
    for g in GROUPS:
        checks = [(y[g_train[g]], z_oof[g_train[g]], ceil_oof[g_train[g]])]
        if several:
            checks.append((y[g_train[g]], z_oog[g_train[g]], ceil_oog[g_train[g]]))
        if g_val[g].any():
            checks.append((y_val[g_val[g]], z_val[g_val[g]], ceil_val[g_val[g]]))
        model["accept_from"][g] = choose_cut(checks, maps[g], threshold, target)
    p_in = np.array([predict(ex.features, model) for ex in train])
    p_oof = np.zeros(len(train))
    p_oog = np.zeros(len(train))
    p_val = np.zeros(len(val))
    for g in GROUPS:
        cut = model["accept_from"][g]
        m = g_train[g]
        p_oof[m] = _probs(z_oof[m], ceil_oof[m], maps[g], cut, below)
        p_oog[m] = _probs(z_oog[m], ceil_oog[m], maps[g], cut, below)
        if len(val):
            mv = g_val[g]
            p_val[mv] = _probs(z_val[mv], ceil_val[mv], maps[g], cut, below)
    report: dict[str, Any] = {}
    for name, yy, pp, groups in (
        ("unseen_family", y, p_oof, g_train),
        ("unseen_generator", y, p_oog if several else np.zeros(0), g_train if several else {}),
        ("validation", y_val, p_val, g_val),
    ):
        for g, m in groups.items():
            if m.any():
                report[f"{name}_{g}"] = {
                    "fields": int(m.sum()),
                    "precision_at_threshold": _precision(pp[m], yy[m], threshold),
                    "share_at_threshold": round(float((pp[m] >= threshold).mean()), 4),
                    "ece": ece(pp[m], yy[m]),
                }
    model["meta"] = {
        "examples": len(train),
        "positives": int(y.sum()),
        "families": sorted({ex.family for ex in train}),
        "validation_examples": len(val),
        "threshold": threshold,
        "target": target,
        "accept_from": model["accept_from"],
        # What the procedure vouches for: fields scored by models that never saw their layout family.
        "precision_at_threshold": _precision(p_oof, y, threshold),
        "share_at_threshold": round(float((p_oof >= threshold).mean()), 4),
        "in_sample_precision_at_threshold": _precision(p_in, y, threshold),
        "in_sample_share_at_threshold": round(float((p_in >= threshold).mean()), 4),
        "checks": report,
        "reliability": reliability(p_in, y),
        "reliability_unseen_family": reliability(p_oof, y),
    }
    return model


def ece(probs: np.ndarray, y: np.ndarray, bins: int = 10) -> float:
    """Expected calibration error over equal-width bins."""
    rel = reliability(probs, y, bins)
    n = sum(b["n"] for b in rel)
    return round(sum(b["n"] * abs(b["mean_conf"] - b["accuracy"]) for b in rel) / n, 4) if n else 0.0


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


def _one_blas_thread() -> contextlib.AbstractContextManager[object]:
    """These small dense fits run several times faster on one BLAS thread than on threads competing with
    other work; threadpoolctl sets that when it is installed (it is optional: the result is the same)."""
    try:
        mod = importlib.import_module("threadpoolctl")
    except ImportError:
        return contextlib.nullcontext()
    return cast("contextlib.AbstractContextManager[object]", mod.threadpool_limits(1))


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
        "--also",
        type=Path,
        action="append",
        default=[],
        help="another labelled corpus to fit on (e.g. another generator's); its families join the "
        "leave-one-family-out folds under its directory name (repeatable)",
    )
    ap.add_argument(
        "--validate",
        type=Path,
        action="append",
        default=[],
        help="corpus of layout families not used for fitting, to choose the acceptance cuts (repeatable)",
    )
    ap.add_argument(
        "--target",
        type=float,
        default=0.998,
        help="precision of auto-accepted fields on unseen families and on --validate corpora",
    )
    ap.add_argument("--threshold", type=float, default=0.95, help="the review threshold")
    ap.add_argument("--cache", type=Path, default=None, help="keep read pages here between runs")
    ap.add_argument("--out", type=Path, default=Path(__file__).with_name("calibration.json"))
    args = ap.parse_args(argv)
    if args.generate and not any(args.corpus.glob("*.gold.json")):
        from referral_intake.synth import generate_corpus

        generate_corpus(args.corpus, args.generate, seed=args.seed, fax_ratio=args.fax_ratio)
    data = collect(args.corpus, args.cache)
    data += [ex for extra in args.also for ex in collect(extra, args.cache, tag=extra.name)]
    validation = [ex for v in args.validate for ex in collect(v, args.cache)]
    with _one_blas_thread():
        model = calibrate(data, threshold=args.threshold, target=args.target, validation=validation)
    cmd = f"python -m referral_intake.extraction.calibrate --corpus {args.corpus}"
    if args.generate:
        cmd += f" --generate {args.generate} --seed {args.seed} --fax-ratio {args.fax_ratio}"
    cmd += "".join(f" --also {v}" for v in args.also)
    cmd += "".join(f" --validate {v}" for v in args.validate)
    cmd += f" --target {args.target} --threshold {args.threshold}"
    cmd += f" --cache {args.cache}" if args.cache else ""
    model["meta"]["command"] = cmd
    args.out.write_text(json.dumps(model, indent=1) + "\n", encoding="utf-8")
    meta = model["meta"]
    log.info(
        "extraction.calibrated",
        examples=meta["examples"],
        accept_from=meta["accept_from"],
        precision=meta["precision_at_threshold"],
        share=meta["share_at_threshold"],
        out=str(args.out),
    )
    for name, c in meta["checks"].items():
        log.info("extraction.calibration_check", group=name, **c)
    for g, cut in meta["accept_from"].items():
        if cut is None:
            log.warning("extraction.calibration_accepts_nothing", group=g, target=args.target)


if __name__ == "__main__":
    main()
