"""The dedupe job's HTML report: each cluster's charts side by side and every matched pair's breakdown."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from referral_intake.matching.dedupe import PairDetail

TEMPLATES = Path(__file__).parent / "templates"
MAX_CLUSTERS = 500


def _member(row: Mapping[str, Any]) -> dict[str, Any]:
    parts = [row.get(k) for k in ("address_line1", "address_line2", "city", "state", "postal_code")]
    return {
        **{
            k: row.get(k) or ""
            for k in (
                "id",
                "first_name",
                "middle_name",
                "last_name",
                "date_of_birth",
                "sex",
                "phone",
                "email",
                "mrn",
            )
        },
        "address": ", ".join(str(p) for p in parts if p),
    }


def write_report(
    path: Path,
    *,
    source: str,
    rows: Sequence[Mapping[str, Any]],
    groups: Sequence[Sequence[int]],
    details: Sequence[PairDetail],
    compared: int,
    threshold: float,
    model_version: str,
    trained_on: str,
) -> None:
    by_pair: dict[frozenset[str], PairDetail] = {frozenset((d.id_a, d.id_b)): d for d in details}
    clusters = []
    for number, group in enumerate(groups[:MAX_CLUSTERS], start=1):
        ids = [str(rows[i]["id"]) for i in group]
        pairs = [
            by_pair[frozenset((a, b))]
            for x, a in enumerate(ids)
            for b in ids[x + 1 :]
            if frozenset((a, b)) in by_pair
        ]
        clusters.append(
            {
                "number": number,
                "members": [_member(rows[i]) for i in group],
                "pairs": pairs,
                "loose": len(pairs) < len(ids) * (len(ids) - 1) // 2,
            }
        )
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))
    html = env.get_template("dedupe_report.html").render(
        source=source,
        records=len(rows),
        compared=compared,
        threshold=threshold,
        pairs=len(details),
        clusters=clusters,
        model_version=model_version,
        trained_on=trained_on,
        generated=datetime.now(UTC).isoformat(timespec="seconds"),
        truncated=max(0, len(groups) - MAX_CLUSTERS),
    )
    path.write_text(html, encoding="utf-8")
