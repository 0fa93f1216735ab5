"""`referral-intake ehr ...`: preview what an export would send, and check the configured connectors."""

from __future__ import annotations

import hashlib
import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from referral_intake.commands.core import ConfigOpt, settings_from

app = typer.Typer(help="EHR connectors: preview an export, check connections.", no_args_is_help=True)


class Format(StrEnum):
    fhir = "fhir"
    hl7 = "hl7"


@app.command()
def preview(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="Contract JSON.")],
    fmt: Annotated[
        Format, typer.Option("--format", help="fhir: transaction Bundle; hl7: v2.5.1 messages.")
    ] = Format.fhir,
    original: Annotated[
        Path | None,
        typer.Option("--original", exists=True, dir_okay=False, help="Attach this original (PDF)."),
    ] = None,
    patient_id: Annotated[
        str | None, typer.Option("--patient-id", help="Export to this existing chart.")
    ] = None,
) -> None:
    """Print what would be sent for an extraction result, without sending it.

    One referral: one Bundle (JSON) or its messages. Several: each printed in turn, separated by a blank
    line. HL7 segments print one per line (the wire uses carriage returns); messages are separated by a
    blank line.
    """
    from referral_intake.contract import Extraction
    from referral_intake.ehr.fhir_bundle import build_bundle, validate_bundle
    from referral_intake.ehr.hl7_messages import build_messages, to_er7
    from referral_intake.ehr.protocol import ExportRequest
    from referral_intake.errors import IntakeError

    extraction = Extraction.model_validate_json(file.read_text(encoding="utf-8"))
    data = original.read_bytes() if original else None
    media = "application/pdf" if original and original.suffix.lower() == ".pdf" else None
    blocks: list[str] = []
    for i, referral in enumerate(extraction.referrals, start=1):
        request = ExportRequest(0, referral, extraction, patient_id, original=data, original_media_type=media)
        key = f"preview:{hashlib.sha256(file.read_bytes()).hexdigest()[:16]}:{i}"
        if fmt is Format.fhir:
            bundle = build_bundle(request, key)
            try:
                validate_bundle(bundle)
            except IntakeError as exc:
                typer.echo(f"warning: {exc}", err=True)
            blocks.append(json.dumps(bundle, indent=2))
        else:
            blocks += [to_er7(m).replace("\r", "\n").rstrip("\n") for m in build_messages(request, key)]
    if not blocks:
        typer.echo("no referrals in this file", err=True)
        raise typer.Exit(1)
    typer.echo("\n\n".join(blocks))


@app.command()
def check(config: ConfigOpt = None) -> None:
    """Check every configured connector's connection and mapping; exit 1 if any is down or wrong."""
    from referral_intake.ehr.registry import build_connector
    from referral_intake.errors import IntakeError

    settings = settings_from(config)
    if not settings.ehr_connectors:
        typer.echo("no EHR connectors configured (settings: [[ehr_connectors]])")
        raise typer.Exit(1)
    ok = True
    for options in settings.ehr_connectors:
        name = str(options.get("name") or options.get("kind"))
        try:
            health = build_connector(options).health()  # a SQL mapping is validated while building
            line, good = f"{name}: {'ok' if health.ok else 'DOWN'} - {health.detail}", health.ok
        except IntakeError as exc:
            line, good = f"{name}: ERROR - {exc}", False
        ok = ok and good
        typer.echo(line)
    if not ok:
        raise typer.Exit(1)
