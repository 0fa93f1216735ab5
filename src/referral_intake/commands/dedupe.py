"""`referral-intake dedupe` (duplicate charts), `match-train` (retrain the matching model), `ehr-load-csv`."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import typer

from referral_intake.commands.core import ConfigOpt, settings_from

TableOpt = Annotated[
    str | None,
    typer.Option(
        "--table",
        help="Read charts from the embedded EHR's ehr_patient table: `embedded` (this installation's database) "
        "or a SQLAlchemy URL of a database holding that table.",
    ),
]


def _ehr(table: str, config: Path | None, create: bool = False) -> Any:
    from sqlalchemy import inspect

    from referral_intake.errors import ConfigurationError
    from referral_intake.matching.embedded_ehr import EmbeddedEhr
    from referral_intake.store.engine import Store, make_engine, migrate

    if table == "embedded":
        return EmbeddedEhr(Store.open(settings_from(config)).engine)
    engine = make_engine(table)
    if create:
        migrate(engine)  # a database meant to hold the embedded EHR: give it the schema
    elif not inspect(engine).has_table("ehr_patient"):  # reading only: never change someone's database
        raise ConfigurationError(
            "--table URL: that database has no ehr_patient table (load one with ehr-load-csv)"
        )
    return EmbeddedEhr(engine)


def _audit_read(config: Path | None, action_reason: str, count: int) -> None:
    """Reading every chart is a read of PHI: one audit event in this installation's log."""
    from referral_intake.audit import record
    from referral_intake.store.engine import Store

    store = Store.open(settings_from(config))
    try:
        with store.begin() as session:
            record(session, "cli", "read", "ehr_patient", None, reason=f"{action_reason}: {count} charts")
    finally:
        store.dispose()


def _load(
    file: Path | None, table: str | None, config: Path | None
) -> tuple[list[Any], list[dict[str, Any]], str]:
    from referral_intake.matching.dedupe import read_csv
    from referral_intake.matching.normalize import person_from_record

    if (file is None) == (table is None):
        typer.echo("give either FILE.csv or --table", err=True)
        raise typer.Exit(2)
    if file is not None:
        people, rows = read_csv(file)
        return people, rows, file.name
    assert table is not None
    records = list(_ehr(table, config).iter_patients())
    rows = [
        {**asdict(r), "date_of_birth": r.date_of_birth.isoformat() if r.date_of_birth else ""}
        for r in records
    ]
    _audit_read(config, "dedupe/train", len(records))
    return (
        [person_from_record(r) for r in records],
        rows,
        "embedded EHR" if table == "embedded" else "EHR table",
    )


def dedupe(
    file: Annotated[
        Path | None, typer.Argument(exists=True, dir_okay=False, help="Patients CSV with an `id` column.")
    ] = None,
    out: Annotated[
        Path, typer.Option(help="Pairs CSV (id_a, id_b, probability); clusters.csv is written beside it.")
    ] = Path("pairs.csv"),
    report: Annotated[Path | None, typer.Option(help="Write an HTML report of the clusters here.")] = None,
    threshold: Annotated[
        float | None, typer.Option(help="Probability to call a pair a match (default: the link threshold).")
    ] = None,
    model: Annotated[
        Path | None, typer.Option(help="Matching model JSON (default: the configured/shipped one).")
    ] = None,
    train: Annotated[
        bool,
        typer.Option("--train", help="Estimate the model from these records first (EM on the data itself)."),
    ] = False,
    table: TableOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Find duplicate charts in FILE.csv (or an EHR table): scored pairs, clusters and an optional HTML report."""
    from referral_intake.matching.blocking import candidate_pairs
    from referral_intake.matching.dedupe import (
        clusters,
        pair_details,
        score_pairs,
        write_clusters,
        write_pairs,
    )
    from referral_intake.matching.match import resolve_model, scorer_for
    from referral_intake.matching.model import FsModel

    settings = settings_from(config)
    people, rows, source = _load(file, table, config)
    if train:
        from referral_intake.matching.train import train as train_model

        fs = train_model(people, source=source)
    else:
        fs = FsModel.load(model) if model else resolve_model(settings.matching)
    scorer = scorer_for(fs)
    t = settings.matching.link_threshold if threshold is None else threshold
    pairs = candidate_pairs(people)
    matched = score_pairs(people, scorer, t, pairs)
    groups = clusters(len(people), matched)
    write_pairs(out, people, matched)
    clusters_path = out.with_name("clusters.csv")
    write_clusters(clusters_path, people, groups)
    if report:
        from referral_intake.matching.report import write_report

        write_report(
            report,
            source=source,
            rows=rows,
            groups=groups,
            details=pair_details(people, scorer, matched),
            compared=len(pairs),
            threshold=t,
            model_version=fs.version,
            trained_on=fs.trained_on,
        )
    typer.echo(
        f"records={len(people)} compared={len(pairs)} pairs={len(matched)} clusters={len(groups)} "
        f"-> {out}, {clusters_path}" + (f", {report}" if report else "")
    )


def match_train(
    file: Annotated[
        Path | None, typer.Argument(exists=True, dir_okay=False, help="Patients CSV (EHR export).")
    ] = None,
    out: Annotated[Path, typer.Option(help="Where to write the model JSON.")] = Path("matching-model.json"),
    synthetic: Annotated[
        int | None, typer.Option(help="Train on a synthetic population of this size instead.")
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed of the synthetic population and of pair sampling.")] = 3,
    random_pairs: Annotated[int, typer.Option(help="Random pairs sampled to estimate u.")] = 60_000,
    table: TableOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Estimate the matching model (m/u by EM) from the EHR's own charts; point `matching.model_path` at it."""
    from referral_intake.matching.normalize import person_from_record
    from referral_intake.matching.train import train

    settings_from(config)  # configures logging
    if synthetic:
        from referral_intake.matching.synthpop import population

        records, _pairs = population(synthetic, seed=seed)
        people, source = (
            [person_from_record(r) for r in records],
            f"synthetic population n={synthetic} seed={seed}",
        )
    else:
        people, _rows, source = _load(file, table, config)
    model = train(people, source=source, seed=seed, random_pairs=random_pairs)
    model.save(out)
    typer.echo(f"trained on {len(people)} records ({source}); match prior {model.match_prior:.3g} -> {out}")


def ehr_load_csv(
    file: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, help="EHR CSV (id, mrn, first_name, ...).")
    ],
    table: TableOpt = "embedded",
    config: ConfigOpt = None,
) -> None:
    """Load charts from an EHR CSV into the embedded EHR (new ids inserted, known ids updated)."""
    settings_from(config)
    ehr = _ehr(table or "embedded", config, create=True)
    n = ehr.load_csv(file)
    typer.echo(f"loaded {n} charts")


def register(app: typer.Typer) -> None:
    app.command("dedupe")(dedupe)
    app.command("match-train")(match_train)
    app.command("ehr-load-csv")(ehr_load_csv)
