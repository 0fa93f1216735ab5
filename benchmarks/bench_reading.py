"""Reading benchmark: speed (born-digital, faxed OCR), worker memory, OCR quality, classification, split.

    .venv/bin/python benchmarks/bench_reading.py --n 60 --seed 5 --fax-ratio 0.5

Generates a synthetic corpus with `referral_intake.synth.generate_corpus` (or reuses `--corpus DIR`) and
prints each figure with how it was measured.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pymupdf

from referral_intake.contract import Extraction, iter_fields
from referral_intake.reading import read_document, read_document_inproc, sandbox
from referral_intake.reading.images import raster_pages
from referral_intake.reading.model import ReadDocument, Word
from referral_intake.reading.ocr import get_engine, ocr_image
from referral_intake.settings import ReadingSettings

SKIP_FIELDS = (
    "sex",
    "urgency",
    "subscriber_relationship",
    "clinical_summary",
    "reason",
    "description",
    "medications",
    "allergies",
    "credentials",
    "preferred_language",
)  # coded or free-text values


def load(corpus: Path) -> list[tuple[Path, Extraction, dict[str, Any]]]:
    out = []
    for gold_path in sorted(corpus.glob("*.gold.json")):
        stem = gold_path.name[: -len(".gold.json")]
        doc = next(p for p in corpus.glob(stem + ".*") if not p.name.endswith(".json"))
        gold = Extraction.model_validate_json(gold_path.read_text())
        truth = json.loads((corpus / f"{stem}.truth.json").read_text())
        out.append((doc, gold, truth))
    return out


def _alnum(s: str) -> str:
    return re.sub(r"[^0-9a-z]", "", s.lower())


def _date_variants(iso: str) -> list[str]:
    from referral_intake.synth.formats import DATE_FORMATS, fmt_date

    d = date.fromisoformat(iso)
    return [fmt_date(d, f).lower() for f in DATE_FORMATS]


def value_found(value: str, text: str, squashed: str) -> bool:
    """Verbatim (case-insensitive) in the OCR words; dates in any printed format; phone and ID digits with
    the printed separators removed (the gold stores them normalized)."""
    v = value.lower().strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", v):
        return any(x in text for x in _date_variants(v))
    if re.search(rf"(?<![0-9a-z]){re.escape(v)}(?![0-9a-z])", text):
        return True
    a = _alnum(v)
    return len(a) >= 5 and a in squashed


Line = tuple[str, float, float, float, float]  # text (lower case), x0, y0, x1, y1


def page_lines(rd: ReadDocument) -> list[list[Line]]:
    """Each OCR line's text (words joined by one space, lower case) and box, per page, in reading order."""
    out: list[list[Line]] = []
    for page in rd.pages:
        lines: dict[int, list[Word]] = {}
        for w in page.words:
            lines.setdefault(w.line, []).append(w)
        out.append(
            [
                (
                    " ".join(w.text for w in ws).lower(),
                    min(w.x0 for w in ws),
                    min(w.y0 for w in ws),
                    max(w.x1 for w in ws),
                    max(w.y1 for w in ws),
                )
                for ws in lines.values()
            ]
        )
    return out


def _wraps_onto(a: Line, b: Line) -> bool:
    """Whether line `b` can be where line `a` wraps: the next line or two down, starting left of a's end."""
    height = a[4] - a[2]
    return a[2] + 0.5 * height < b[2] < a[2] + 3.5 * height and b[1] < a[3]


def wrapped_found(value: str, pages: list[list[Line]]) -> bool:
    """A multi-word value wrapped onto the next line: its first words end one OCR line and the rest start a line
    just below it, each verbatim (case-insensitive, whole words).

    The joined page text cannot show this when the wrap sits in a column beside other text (the next line of
    the reading order belongs to the other column), although every word was read right.
    """
    tokens = value.lower().split()
    for lines in pages:
        for k in range(1, len(tokens)):
            head, tail = " ".join(tokens[:k]), " ".join(tokens[k:])
            ends = [a for a in lines if re.search(rf"(?<![0-9a-z]){re.escape(head)}$", a[0])]
            starts = [b for b in lines if re.match(rf"{re.escape(tail)}(?![0-9a-z])", b[0])]
            if any(_wraps_onto(a, b) for a in ends for b in starts):
                return True
    return False


def ocr_quality(docs: list[tuple[Path, Extraction, dict[str, Any]]], read: dict[Path, ReadDocument]) -> None:
    per_family: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    misses: dict[str, list[str]] = defaultdict(list)
    wrapped: list[str] = []
    for path, gold, truth in docs:
        if not truth.get("fax"):
            continue
        rd = read[path]
        text = " ".join(p.text for p in rd.pages).lower()
        squashed = _alnum(text)
        lines = page_lines(rd)
        for ref in gold.referrals:
            for name, field in iter_fields(ref):
                if field.value is None or any(s in name for s in SKIP_FIELDS):
                    continue
                value = str(field.value)
                ok = value_found(value, text, squashed)
                if not ok and wrapped_found(value, lines):
                    ok = True
                    wrapped.append(f"{path.name} {name}")
                per_family[truth["family"]][0] += ok
                per_family[truth["family"]][1] += 1
                if not ok:
                    misses[truth["family"]].append(f"{path.name} {name}")
    total = [sum(v[0] for v in per_family.values()), sum(v[1] for v in per_family.values())]
    print(
        f"\nOCR quality (gold values found in OCR words of faxed documents): "
        f"{100 * total[0] / max(1, total[1]):.1f}% of {total[1]}"
        + (f" ({len(wrapped)} of them wrapped onto the next line: {'; '.join(wrapped)})" if wrapped else "")
    )
    for fam, (ok, n) in sorted(per_family.items()):
        missed = misses[fam]
        shown = "; ".join(missed[:6]) + (f"; +{len(missed) - 6} more" if len(missed) > 6 else "")
        print(f"  {fam:24s} {100 * ok / n:5.1f}%  ({ok}/{n})" + (f"  missed: {shown}" if missed else ""))
    worst = min((100 * ok / n for ok, n in per_family.values()), default=0.0)
    print(f"  lowest family: {worst:.1f}% (target: every family >= 97%)")


def accuracy(docs: list[tuple[Path, Extraction, dict[str, Any]]], read: dict[Path, ReadDocument]) -> None:
    pages_ok = pages = counts_ok = exact_ok = 0
    bad: list[str] = []
    for path, gold, _truth in docs:
        rd = read[path]
        for g, p in zip(gold.document.pages, rd.pages, strict=False):
            pages += 1
            pages_ok += g.kind == p.kind
            if g.kind != p.kind:
                bad.append(f"{path.name} p{g.page} {g.kind}->{p.kind}")
        want = [r.pages for r in gold.referrals]
        got = [s.pages for s in rd.segments]
        counts_ok += len(want) == len(got)
        exact_ok += want == got
        if want != got:
            bad.append(f"{path.name} split {want}->{got}")
    print(f"\nPage classification: {100 * pages_ok / pages:.1f}% of {pages} pages")
    print(
        f"Packet referral count: {100 * counts_ok / len(docs):.1f}% of {len(docs)} documents "
        f"(page sets exact: {100 * exact_ok / len(docs):.1f}%)"
    )
    if bad:
        print("  errors: " + "; ".join(bad[:12]))


def born_digital_speed(
    docs: list[tuple[Path, Extraction, dict[str, Any]]],
    settings: ReadingSettings,
    read: dict[Path, ReadDocument],
) -> None:
    text_docs = [
        p
        for p, _g, t in docs
        if not t.get("fax") and all(x.text_source == "text_layer" for x in read[p].pages)
    ]
    datas = [p.read_bytes() for p in text_docs]
    n_pages = sum(len(read[p].pages) for p in text_docs)
    if n_pages == 0:
        print("\nBorn-digital: no born-digital pages in this corpus (all faxed): not measured")
        return
    best_ours = best_bare = float("inf")
    for _ in range(3):
        t = time.perf_counter()
        for d in datas:
            read_document_inproc(d, "x.pdf", settings)
        best_ours = min(best_ours, time.perf_counter() - t)
        t = time.perf_counter()
        for d in datas:
            with pymupdf.open(stream=d, filetype="pdf") as doc:
                for page in doc:
                    page.get_text("words")
        best_bare = min(best_bare, time.perf_counter() - t)
    ours, bare = 1000 * best_ours / n_pages, 1000 * best_bare / n_pages
    print(
        f"\nBorn-digital: {ours:.1f} ms/page (read_document_inproc: detect, words, forms, quality, classify, "
        f"split) vs bare PyMuPDF get_text('words') {bare:.1f} ms/page: ratio {ours / bare:.2f}x "
        f"({len(text_docs)} documents, {n_pages} pages, best of 3)"
    )


def fax_images(
    docs: list[tuple[Path, Extraction, dict[str, Any]]], settings: ReadingSettings, limit: int
) -> list[tuple[np.ndarray, float]]:
    images: list[tuple[np.ndarray, float]] = []
    for path, _g, truth in docs:
        if not truth.get("fax"):
            continue
        data = path.read_bytes()
        if path.suffix == ".pdf":
            with pymupdf.open(stream=data, filetype="pdf") as doc:
                for page in doc:
                    pix = page.get_pixmap(dpi=200, colorspace=pymupdf.csGRAY, alpha=False)
                    img = np.frombuffer(pix.samples, np.uint8).reshape(pix.height, pix.width).copy()
                    images.append((img, 200.0))
        else:
            images.extend((r.image, r.dpi) for r in raster_pages(data, settings))
        if len(images) >= limit:
            break
    return images[:limit]


def ocr_speed(images: list[tuple[np.ndarray, float]], settings: ReadingSettings) -> None:
    from rapidocr import RapidOCR

    engine = get_engine(settings)
    ocr_image(engine, images[0][0], images[0][1])  # warm-up
    ours = []
    for img, dpi in images:
        t = time.perf_counter()
        ocr_image(engine, img, dpi)
        ours.append(time.perf_counter() - t)
    default = RapidOCR(params={"Global.log_level": "warning"})
    default(images[0][0])
    bare = []
    for img, _dpi in images:
        t = time.perf_counter()
        default(img)
        bare.append(time.perf_counter() - t)
    mo, mb = statistics.median(ours), statistics.median(bare)
    print(
        f"\nFaxed page OCR (letter, 200 dpi, deskew + orientation + OCR, det side {settings.ocr_det_side}, "
        f"{settings.ocr_threads} thread(s)): median {mo:.2f} s/page vs bare default RapidOCR() {mb:.2f} s/page: "
        f"ratio {mo / mb:.2f}x ({len(images)} pages, warm)"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=60)
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--fax-ratio", type=float, default=0.5)
    ap.add_argument("--ocr-pages", type=int, default=20, help="faxed pages timed against bare RapidOCR")
    ap.add_argument("--corpus", type=Path, default=None, help="reuse a generated corpus directory")
    ap.add_argument("--threads", type=int, default=ReadingSettings().ocr_threads)
    ap.add_argument(
        "--timeout",
        type=float,
        default=ReadingSettings().timeout_seconds,
        help="per-document reading limit, seconds (raise it on a loaded machine)",
    )
    args = ap.parse_args()
    settings = ReadingSettings(ocr_threads=args.threads, timeout_seconds=args.timeout)
    corpus = args.corpus
    if corpus is None or not any(corpus.glob("*.gold.json")):
        from referral_intake.synth import generate_corpus

        corpus = corpus or Path(tempfile.mkdtemp(prefix="bench-reading-"))
        t = time.perf_counter()
        generate_corpus(corpus, args.n, args.seed, fax_ratio=args.fax_ratio)
        print(f"corpus: {args.n} documents in {corpus} ({time.perf_counter() - t:.0f} s)")
    docs = load(corpus)
    t = time.perf_counter()
    read = {p: read_document(p.read_bytes(), p.name, settings) for p, _g, _t in docs}
    n_pages = sum(len(r.pages) for r in read.values())
    print(
        f"read {len(docs)} documents, {n_pages} pages through the sandbox in {time.perf_counter() - t:.0f} s; "
        f"peak worker RSS {sandbox.worker_peak_rss_mb():.0f} MB (getrusage ru_maxrss of the child)"
    )
    sandbox.shutdown()
    accuracy(docs, read)
    ocr_quality(docs, read)
    born_digital_speed(docs, settings, read)
    images = fax_images(docs, settings, args.ocr_pages)
    if images:
        ocr_speed(images, settings)
    loadavg = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\nmachine: {os.cpu_count()} cores, load average {loadavg} (timings scale with other load)")
    cmd = " ".join(["benchmarks/bench_reading.py", *sys.argv[1:]])
    print(f"\nreproduce: .venv/bin/python {cmd}")


if __name__ == "__main__":
    main()
