"""Run an extractor over a corpus with gold files and compute the figures of the parallel-run report."""

from __future__ import annotations

import json
import math
import statistics
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import structlog

from referral_intake.contract import Extraction, is_failure
from referral_intake.evaluation.calibration import expected_calibration_error, reliability
from referral_intake.evaluation.compare import Item, compare_document, page_kinds, split_ok

ExtractFn = Callable[[Path], Extraction]
GOLD_SUFFIX = ".gold.json"
log = structlog.get_logger(__name__)


@dataclass
class DocResult:
    path: Path
    family: str | None
    fax: bool
    seconds: float
    items: list[Item] = field(default_factory=list)
    split_ok: bool = True
    pages_right: int = 0
    pages_total: int = 0
    failure: str | None = None

    def automated(self, threshold: float) -> bool:
        return self.failure is None and all(
            i.correct and i.confidence is not None and i.confidence >= threshold for i in self.items
        )

    @property
    def wrong(self) -> int:
        return sum(not i.correct for i in self.items)


def find_documents(corpus: Path) -> list[tuple[Path, Path]]:
    """(document, gold) pairs: every file with a NAME.gold.json beside it."""
    pairs = []
    for gold in sorted(corpus.rglob(f"*{GOLD_SUFFIX}")):
        stem = gold.name[: -len(GOLD_SUFFIX)]
        docs = [p for p in gold.parent.glob(stem + ".*") if not p.name.endswith((GOLD_SUFFIX, ".truth.json"))]
        if docs:
            pairs.append((sorted(docs)[0], gold))
    return pairs


def _truth(doc: Path) -> dict[str, Any]:
    stem = doc.name.rsplit(".", 1)[0]
    side = doc.with_name(stem + ".truth.json")
    return json.loads(side.read_text()) if side.exists() else {}


def evaluate_one(
    doc: Path, gold: Extraction, extract: ExtractFn, truth: dict[str, Any] | None = None
) -> DocResult:
    truth = truth if truth is not None else _truth(doc)
    start = time.perf_counter()
    try:
        pred = extract(doc)
        failure = "; ".join(e for e in pred.errors if is_failure(e)) or None
    except Exception as exc:  # a failing document is a figure, not a crash of the harness
        pred, failure = Extraction(document=gold.document), f"{type(exc).__name__}: {exc}"
        log.warning("eval_document_failed", error=type(exc).__name__)  # file names can hold PHI
    seconds = time.perf_counter() - start
    fax = truth.get("fax")
    if fax is None:
        fax = any(p.text_source == "ocr" for p in pred.document.pages)
    items, extra = compare_document(gold, pred)
    right, total = page_kinds(gold, pred)
    return DocResult(
        path=doc,
        family=truth.get("family"),
        fax=bool(fax),
        seconds=seconds,
        items=items + extra,
        split_ok=split_ok(gold, pred),
        pages_right=right,
        pages_total=total,
        failure=failure,
    )


def run(corpus: Iterable[tuple[Path, Extraction]], extract: ExtractFn) -> list[DocResult]:
    return [evaluate_one(doc, gold, extract) for doc, gold in corpus]


def load_corpus(corpus: Path) -> list[tuple[Path, Extraction]]:
    return [(d, Extraction.model_validate_json(g.read_text())) for d, g in find_documents(corpus)]


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, math.ceil(q * len(ordered)) - 1))
    return ordered[k]


def _ratio(num: int, den: int) -> float | None:
    return round(num / den, 4) if den else None


def figures(results: list[DocResult], threshold: float) -> dict[str, Any]:
    """The figures of one group of documents."""
    items = [i for r in results for i in r.items]
    accepted = [i for i in items if i.confidence is not None and i.confidence >= threshold]
    secs = [r.seconds for r in results]
    return {
        "docs": len(results),
        "fields": _ratio(sum(i.correct for i in items), len(items)),
        "fields_scored": len(items),
        "autoaccept_precision": _ratio(sum(i.correct for i in accepted), len(accepted)),
        "autoaccepted_share": _ratio(len(accepted), len(items)),
        "automation": _ratio(sum(r.automated(threshold) for r in results), len(results)),
        "split_accuracy": _ratio(sum(r.split_ok for r in results), len(results)),
        "page_kind_accuracy": _ratio(
            sum(r.pages_right for r in results), sum(r.pages_total for r in results)
        ),
        "latency_p50_s": round(statistics.median(secs), 4) if secs else 0.0,
        "latency_p95_s": round(_percentile(secs, 0.95), 4),
        "latency_max_s": round(max(secs), 4) if secs else 0.0,
        "failures": sum(r.failure is not None for r in results),
    }


def summarize(results: list[DocResult], threshold: float) -> dict[str, Any]:
    items = [i for r in results for i in r.items if i.confidence is not None]
    bins = reliability([i.confidence or 0.0 for i in items], [i.correct for i in items])
    per_field: dict[str, list[Item]] = defaultdict(list)
    for r in results:
        for i in r.items:
            per_field[i.field].append(i)
    families: dict[str, list[DocResult]] = defaultdict(list)
    for r in results:
        families[r.family or "unknown"].append(r)
    return {
        "threshold": threshold,
        "overall": figures(results, threshold),
        "born_digital": figures([r for r in results if not r.fax], threshold),
        "faxed": figures([r for r in results if r.fax], threshold),
        "per_family": {k: figures(v, threshold) for k, v in sorted(families.items())},
        "per_field": {
            k: {
                "n": len(v),
                "accuracy": _ratio(sum(i.correct for i in v), len(v)),
                "autoaccept_precision": _ratio(
                    sum(i.correct for i in v if (i.confidence or 0) >= threshold),
                    sum(1 for i in v if (i.confidence or 0) >= threshold),
                ),
            }
            for k, v in sorted(per_field.items())
        },
        "calibration": {
            "ece": round(expected_calibration_error(bins), 4),
            "bins": [
                {
                    "lo": b.lo,
                    "hi": b.hi,
                    "n": b.count,
                    "confidence": round(b.mean_confidence, 4),
                    "accuracy": round(b.accuracy, 4),
                }
                for b in bins
            ],
        },
    }


def summary_line(summary: dict[str, Any]) -> str:
    o = summary["overall"]

    def f(v: float | None) -> str:
        return "n/a" if v is None else f"{v:.4f}"

    return (
        f"fields={f(o['fields'])} autoaccept_precision={f(o['autoaccept_precision'])} "
        f"automation={f(o['automation'])} docs={o['docs']} failures={o['failures']}"
    )
