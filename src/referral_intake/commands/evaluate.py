"""`referral-intake eval`: score the extractor against gold files or a practice's manual entries."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from referral_intake.commands.core import ConfigOpt, settings_from


def evaluate(
    corpus: Annotated[
        Path, typer.Argument(exists=True, file_okay=False, help="Documents with NAME.gold.json.")
    ],
    threshold: Annotated[float | None, typer.Option(help="Review threshold (default: the setting).")] = None,
    report: Annotated[Path | None, typer.Option(help="Write the HTML report here.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as one JSON object.")] = False,
    manual_csv: Annotated[
        Path | None,
        typer.Option(
            "--manual-csv",
            help="Staff's hand-keyed entries (a `document` column plus dotted field paths) used as the reference.",
        ),
    ] = None,
    config: ConfigOpt = None,
) -> None:
    """Run extraction over CORPUS and report field accuracy, auto-accept precision and automation."""
    from referral_intake.evaluation.harness import load_corpus, run, summarize, summary_line
    from referral_intake.evaluation.manual import load_manual
    from referral_intake.evaluation.report import write_report
    from referral_intake.services import extract_file

    settings = settings_from(config)
    t = threshold if threshold is not None else settings.extraction.review_threshold
    pairs = load_manual(manual_csv, corpus) if manual_csv else load_corpus(corpus)
    if not pairs:
        typer.echo(f"no documents with gold found in {corpus}", err=True)
        raise typer.Exit(2)
    results = run(pairs, lambda p: extract_file(p, settings)[0])
    summary = summarize(results, t)
    if report:
        write_report(report, results, summary)
    if as_json:
        typer.echo(json.dumps(summary))
    else:
        for name in ("born_digital", "faxed"):
            g = summary[name]
            typer.echo(
                f"{name}: docs={g['docs']} fields={g['fields']} autoaccept_precision={g['autoaccept_precision']} "
                f"automation={g['automation']} split={g['split_accuracy']} p50={g['latency_p50_s']}s"
            )
        typer.echo(summary_line(summary))


def register(app: typer.Typer) -> None:
    app.command("eval")(evaluate)
