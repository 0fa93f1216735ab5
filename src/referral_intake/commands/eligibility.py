"""`referral-intake eligibility ...`: build a 270, parse a 271, check a referral, run the local responder."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from referral_intake.commands.core import ConfigOpt, DataDirOpt, settings_from

app = typer.Typer(help="Insurance eligibility: X12 270/271 and CAQH CORE connectivity.", no_args_is_help=True)
payers_app = typer.Typer(help="The payer directory (names as written -> payer IDs).", no_args_is_help=True)
app.add_typer(payers_app, name="payers")

FileArg = Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)]


def _fail(message: str, code: int = 3) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


def _first_referral(file: Path) -> Any:
    from pydantic import ValidationError

    from referral_intake.contract import Extraction

    try:
        extraction = Extraction.model_validate_json(file.read_bytes())
    except ValidationError as exc:
        raise _fail(
            f"{file.name} is not an extraction result (contract JSON): {exc.error_count()} errors"
        ) from exc
    if not extraction.referrals:
        raise _fail(f"{file.name} holds no referral")
    return extraction.referrals[0]


@app.command("x12-270")
def x12_270(
    file: FileArg,
    provider_npi: Annotated[str | None, typer.Option("--provider-npi", help="The practice's NPI.")] = None,
    compact: Annotated[bool, typer.Option("--compact", help="One line, as sent on the wire.")] = False,
    config: ConfigOpt = None,
    data_dir: DataDirOpt = None,
) -> None:
    """Print the 270 for the first coverage of the first referral in an extraction result. Exit 3 if impossible."""
    from referral_intake.eligibility.control import FileControlNumbers
    from referral_intake.eligibility.inquiry import inquiry_from_referral, value
    from referral_intake.eligibility.payers import directory_for
    from referral_intake.eligibility.x12 import Envelope, build_270
    from referral_intake.errors import X12Error

    settings = settings_from(config, data_dir)
    cfg = settings.eligibility
    referral = _first_referral(file)
    if not referral.insurance:
        raise _fail("the referral has no insurance coverage")
    cov = referral.insurance[0]
    match = directory_for(settings).resolve(value(cov.payer_name), value(cov.payer_id))
    payer_id = match.payer_id or value(cov.payer_id)
    if payer_id is None:
        raise _fail(f"payer {match.matched_by}: add it with `referral-intake eligibility payers set`")
    try:
        inquiry = inquiry_from_referral(
            referral, payer_id, match.name or value(cov.payer_name) or payer_id,
            provider_npi or cfg.provider_npi, cfg.provider_name, datetime.now(UTC).date(),
        )  # fmt: skip
        envelope = Envelope(
            sender_id=cfg.sender_id,
            receiver_id=cfg.receiver_id or payer_id,
            control_number=FileControlNumbers.for_data_dir(settings.data_dir).next(),
            trace_originator=cfg.trace_originator,
            usage_indicator=cfg.usage_indicator,
        )
        built = build_270(inquiry, envelope, newlines=not compact)
    except X12Error as exc:
        raise _fail(str(exc)) from exc
    typer.echo(built.text, nl=compact)


@app.command("parse-271")
def parse_271_cmd(file: FileArg) -> None:
    """Print a 271 as JSON: each subscriber/dependent, benefits with plain meanings, rejections. Exit 3 if not a 271."""
    from referral_intake.eligibility.x12 import parse_271
    from referral_intake.errors import X12Error

    try:
        resp = parse_271(file.read_text(errors="replace"))
    except X12Error as exc:
        raise _fail(str(exc)) from exc
    out = resp.model_dump(mode="json", exclude_none=True)
    out["rejections"] = [r.model_dump(mode="json", exclude_none=True) for r in resp.rejections]
    patient = resp.patient
    out["status"] = "rejected" if resp.rejections else (patient.status() if patient else "unknown")
    typer.echo(json.dumps(out, indent=2))


@app.command("check")
def check(file: FileArg, config: ConfigOpt = None, data_dir: DataDirOpt = None) -> None:
    """Check the first referral's coverage with the configured transport; print the result JSON."""
    from referral_intake.eligibility.service import check_eligibility

    settings = settings_from(config, data_dir)
    result = check_eligibility(_first_referral(file), settings)
    typer.echo(result.model_dump_json(indent=2))


@app.command("responder")
def responder(
    host: Annotated[str, typer.Option(help="Listen address (loopback by default).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Listen port.")] = 8099,
    slow_seconds: Annotated[float, typer.Option(help="Delay of SLOW... member IDs.")] = 30.0,
    username: Annotated[str | None, typer.Option(help="Require this CORE user name.")] = None,
    password: Annotated[
        str | None, typer.Option(help="...and this password.", envvar="RESPONDER_PASSWORD")
    ] = None,
) -> None:
    """Run the local CAQH CORE responder (SOAP and MIME at /core, JSON at /json) for tests and demos."""
    from referral_intake.eligibility.responder import Responder

    server = Responder(host, port, username=username, password=password, slow_seconds=slow_seconds)
    typer.echo(f"CORE responder on {server.url}/core (SOAP 1.2 + MIME), JSON on {server.url}/json", err=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        server.stop()


@payers_app.command("resolve")
def payers_resolve(name: str, config: ConfigOpt = None, data_dir: DataDirOpt = None) -> None:
    """Show which payer a name as written maps to (exit 1 when unknown or ambiguous)."""
    from referral_intake.eligibility.payers import directory_for

    match = directory_for(settings_from(config, data_dir)).resolve(name)
    typer.echo(json.dumps({"written": name, "payer_id": match.payer_id, "name": match.name,
                           "matched_by": match.matched_by, "score": round(match.score, 1)}))  # fmt: skip
    if not match.known:
        raise typer.Exit(1)


@payers_app.command("list")
def payers_list(config: ConfigOpt = None, data_dir: DataDirOpt = None) -> None:
    """Every payer in the effective directory (shipped file plus admin changes)."""
    from referral_intake.eligibility.payers import PayerDirectory
    from referral_intake.store.engine import Store

    store = Store.open(settings_from(config, data_dir))
    with store.read() as session:
        for e in sorted(PayerDirectory.load(session).entries, key=lambda e: e.name.lower()):
            typer.echo(f"{e.payer_id}\t{e.name}\t{e.source}\t{'; '.join(e.aliases)}")


@payers_app.command("set")
def payers_set(
    payer_id: str,
    name: str,
    alias: Annotated[
        list[str] | None, typer.Option("--alias", help="A name as referrals write it (repeat).")
    ] = None,
    actor: Annotated[str, typer.Option(help="Who makes the change (audit log).")] = "cli-admin",
    config: ConfigOpt = None,
    data_dir: DataDirOpt = None,
) -> None:
    """Add or change a payer (admin)."""
    from referral_intake.eligibility.payers import save_payer
    from referral_intake.store.engine import Store

    store = Store.open(settings_from(config, data_dir))
    with store.begin() as session:
        save_payer(session, payer_id, name, list(alias or []), actor)
    typer.echo(f"saved payer {payer_id}")


@payers_app.command("disable")
def payers_disable(
    payer_id: str,
    actor: Annotated[str, typer.Option(help="Who makes the change (audit log).")] = "cli-admin",
    config: ConfigOpt = None,
    data_dir: DataDirOpt = None,
) -> None:
    """Hide a payer from matching (referrals naming it are flagged unknown)."""
    from referral_intake.eligibility.payers import disable_payer
    from referral_intake.store.engine import Store

    store = Store.open(settings_from(config, data_dir))
    with store.begin() as session:
        disable_payer(session, payer_id, actor)
    typer.echo(f"disabled payer {payer_id}")
