"""Core commands: extract, process, serve, demo, status, audit verify, config show."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from referral_intake.settings import Settings, load_settings

ConfigOpt = Annotated[
    Path | None, typer.Option("--config", help="TOML settings file.", envvar="REFERRAL_INTAKE_CONFIG")
]
DataDirOpt = Annotated[Path | None, typer.Option("--data-dir", help="Data directory (default ./var).")]

audit_app = typer.Typer(help="The audit log: verify its hash chain.", no_args_is_help=True)
config_app = typer.Typer(help="Effective settings.", no_args_is_help=True)


def settings_from(config: Path | None, data_dir: Path | None = None) -> Settings:
    from referral_intake.observability.logging import configure

    overrides: dict[str, Any] = {}
    if data_dir is not None:
        overrides["data_dir"] = data_dir
    settings = load_settings(config, **overrides)
    configure(settings.log_level)
    return settings


def extract(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    as_json: Annotated[bool, typer.Option("--json", help="Print the contract JSON.")] = True,
    explain: Annotated[bool, typer.Option("--explain", help="Per field: evidence and confidence.")] = False,
    config: ConfigOpt = None,
) -> None:
    """Read and extract one file; print the contract JSON (no database needed). Exit 3 if unreadable."""
    from referral_intake.services import extract_file

    settings = settings_from(config)
    result, explanation, ok = extract_file(file, settings, explain=explain)
    typer.echo(result.to_json())
    if explain and explanation:
        typer.echo(explanation, err=True)
    if not ok:
        raise typer.Exit(3)


def process(
    paths: Annotated[list[Path], typer.Argument(exists=True, help="Files or folders to take in.")],
    config: ConfigOpt = None,
    data_dir: DataDirOpt = None,
) -> None:
    """Run files or folders through the whole pipeline into the store."""
    from referral_intake.services import process_paths

    settings = settings_from(config, data_dir)
    summary = process_paths(settings, paths, progress=sys.stderr.isatty())
    typer.echo(json.dumps(summary, indent=2))


def serve(
    host: Annotated[str | None, typer.Option(help="Listen address.")] = None,
    port: Annotated[int | None, typer.Option(help="Listen port.")] = None,
    certfile: Annotated[
        Path | None, typer.Option(help="TLS certificate (PEM): serve HTTPS, TLS 1.2+.")
    ] = None,
    keyfile: Annotated[Path | None, typer.Option(help="TLS private key (PEM).")] = None,
    workers: Annotated[int | None, typer.Option(help="Pipeline worker threads.")] = None,
    config: ConfigOpt = None,
    data_dir: DataDirOpt = None,
) -> None:
    """Serve the review UI and API, and run the pipeline workers."""
    from referral_intake.services import serve as run_server

    settings = settings_from(config, data_dir)
    run_server(settings, host=host, port=port, certfile=certfile, keyfile=keyfile, workers=workers)


def demo(
    n: Annotated[int, typer.Option(help="How many sample referrals to generate.")] = 24,
    seed: Annotated[int, typer.Option(help="Seed of the sample generator.")] = 7,
    no_serve: Annotated[bool, typer.Option("--no-serve", help="Prepare the demo but do not serve.")] = False,
    config: ConfigOpt = None,
    data_dir: DataDirOpt = None,
) -> None:
    """Generate sample referrals, process them, create a demo login and serve the review UI."""
    from referral_intake.eligibility.demo import with_demo_responder
    from referral_intake.services import prepare_demo
    from referral_intake.services import serve as run_server

    # The demo checks eligibility against the local CORE responder (synthetic payers on loopback).
    responder, settings = with_demo_responder(settings_from(config, data_dir))
    try:
        typer.echo(prepare_demo(settings, n=n, seed=seed))
        if not no_serve:
            run_server(settings)
    finally:
        responder.stop()


def status(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    config: ConfigOpt = None,
    data_dir: DataDirOpt = None,
) -> None:
    """Counts of cases per state and the oldest waiting case."""
    from referral_intake.services import status_summary

    settings = settings_from(config, data_dir)
    summary = status_summary(settings)
    if as_json:
        typer.echo(json.dumps(summary))
        return
    for state, count in summary["counts"].items():
        typer.echo(f"{state:<14}{count:>8}")
    oldest = summary["oldest_waiting"]
    if oldest:
        typer.echo(
            f"oldest waiting: case {oldest['case_id']} ({oldest['state']}), {oldest['age_seconds']:.0f} s"
        )


@audit_app.command("verify")
def audit_verify(config: ConfigOpt = None, data_dir: DataDirOpt = None) -> None:
    """Walk the audit hash chain; report the first broken link (exit 1)."""
    from referral_intake.audit import verify
    from referral_intake.store.engine import Store

    store = Store.open(settings_from(config, data_dir))
    with store.read() as session:
        result = verify(session)
    if result.ok:
        typer.echo(f"audit chain intact: {result.checked} events verified")
        return
    typer.echo(
        f"audit chain BROKEN at audit_event id {result.broken_at}: {result.problem} "
        f"({result.checked} events verified before it)",
        err=True,
    )
    raise typer.Exit(1)


@config_app.command("show")
def config_show(config: ConfigOpt = None, data_dir: DataDirOpt = None) -> None:
    """Print the effective settings, secrets masked."""
    typer.echo(json.dumps(settings_from(config, data_dir).masked(), indent=2, default=str))


def register(app: typer.Typer) -> None:
    app.command()(extract)
    app.command()(process)
    app.command()(serve)
    app.command()(demo)
    app.command()(status)
    app.add_typer(audit_app, name="audit")
    app.add_typer(config_app, name="config")
