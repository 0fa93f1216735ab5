"""The parallel-run report as one self-contained HTML file (plots embedded as PNG data URIs)."""

from __future__ import annotations

import base64
import html
import io
import os
from pathlib import Path
from typing import Any

from referral_intake.evaluation.harness import DocResult


def _png(fig: Any) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


def _plots(results: list[DocResult], summary: dict[str, Any]) -> dict[str, str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out: dict[str, str] = {}
    bins = summary["calibration"]["bins"]
    fig, ax = plt.subplots(figsize=(4.5, 4.5))
    ax.plot([0, 1], [0, 1], linestyle="--", color="grey", label="perfect calibration")
    if bins:
        ax.plot([b["confidence"] for b in bins], [b["accuracy"] for b in bins], marker="o", label="observed")
    ax.set_xlabel("reported confidence")
    ax.set_ylabel("observed accuracy")
    ax.set_title(f"Calibration (ECE {summary['calibration']['ece']:.3f})")
    ax.set_xlim(0, 1.01)
    ax.set_ylim(0, 1.01)
    ax.legend(loc="upper left")
    out["calibration"] = _png(fig)
    plt.close(fig)

    per_field = summary["per_field"]
    if per_field:
        names = list(per_field)
        fig, ax = plt.subplots(figsize=(7, max(3, 0.22 * len(names))))
        ax.barh(names, [per_field[n]["accuracy"] or 0 for n in names], color="#3b6ea8")
        ax.set_xlim(0, 1)
        ax.set_xlabel("field accuracy")
        ax.invert_yaxis()
        out["fields"] = _png(fig)
        plt.close(fig)

    fig, ax = plt.subplots(figsize=(6, 3))
    ax.hist([r.seconds for r in results], bins=30, color="#6a8f3b")
    ax.set_xlabel("seconds per document")
    ax.set_ylabel("documents")
    out["latency"] = _png(fig)
    plt.close(fig)
    return out


def _table(rows: list[list[Any]], head: list[str]) -> str:
    th = "".join(f"<th scope='col'>{html.escape(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in r) + "</tr>" for r in rows)
    return f"<table><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"


_KEYS = [
    "docs",
    "fields",
    "autoaccept_precision",
    "automation",
    "split_accuracy",
    "page_kind_accuracy",
    "latency_p50_s",
    "latency_p95_s",
    "latency_max_s",
    "failures",
]


def write_report(path: Path, results: list[DocResult], summary: dict[str, Any]) -> None:
    plots = _plots(results, summary)
    groups = [(name, summary[name]) for name in ("overall", "born_digital", "faxed")]
    groups += [(f"family: {k}", v) for k, v in summary["per_family"].items()]
    main = _table([[n] + [g.get(k) for k in _KEYS] for n, g in groups], ["group", *_KEYS])
    fields = _table(
        [[k, v["n"], v["accuracy"], v["autoaccept_precision"]] for k, v in summary["per_field"].items()],
        ["field", "scored", "accuracy", "auto-accept precision"],
    )
    worst = sorted(results, key=lambda r: (r.failure is None, -r.wrong))[:25]
    worst_rows = []
    for r in worst:
        link = os.path.relpath(r.path, path.parent)
        wrong = ", ".join(i.path for i in r.items if not i.correct)[:300]
        worst_rows.append(
            f"<tr><td><a href='{html.escape(link)}'>{html.escape(r.path.name)}</a></td>"
            f"<td>{html.escape(r.family or '')}</td><td>{'fax' if r.fax else 'digital'}</td>"
            f"<td>{r.wrong}</td><td>{html.escape(r.failure or '')}</td><td>{html.escape(wrong)}</td></tr>"
        )
    imgs = "".join(
        f"<figure><img src='{src}' alt='{html.escape(name)} plot'><figcaption>{html.escape(name)}</figcaption></figure>"
        for name, src in plots.items()
    )
    doc = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>referral-intake evaluation</title>
<style>body{{font-family:system-ui,sans-serif;margin:2em;color:#222}}table{{border-collapse:collapse;margin:1em 0}}
td,th{{border:1px solid #ccc;padding:3px 8px;font-size:13px}}figure{{display:inline-block;margin:1em}}</style>
</head><body><main>
<h1>Automated versus reference results</h1>
<p>Review threshold {summary["threshold"]}: fields at or above it are auto-accepted. Automation = documents
whose every field was auto-accepted and right. Calibration ECE {summary["calibration"]["ece"]}.</p>
<h2>Figures</h2>{main}
<h2>Plots</h2>{imgs}
<h2>Per field</h2>{fields}
<h2>Worst documents</h2>
<table><thead><tr><th scope='col'>document</th><th scope='col'>family</th><th scope='col'>kind</th>
<th scope='col'>wrong fields</th><th scope='col'>failure</th><th scope='col'>which</th></tr></thead>
<tbody>{"".join(worst_rows)}</tbody></table>
</main></body></html>"""
    path.write_text(doc, encoding="utf-8")
