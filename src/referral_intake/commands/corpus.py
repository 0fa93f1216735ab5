"""`referral-intake synth`: write a synthetic referral corpus with gold beside each document."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def synth(
    out: Annotated[Path, typer.Option("--out", help="Directory to write documents and gold files into.")],
    n: Annotated[int, typer.Option("--n", min=1, help="Number of documents.")] = 40,
    seed: Annotated[int, typer.Option("--seed", help="Same seed, same corpus.")] = 1,
    fax_ratio: Annotated[
        float, typer.Option("--fax-ratio", min=0.0, max=1.0, help="Share delivered as faxes.")
    ] = 0.3,
    ehr_out: Annotated[
        Path | None, typer.Option("--ehr-out", help="Also write the synthetic EHR population CSV.")
    ] = None,
    family: Annotated[
        list[str] | None, typer.Option("--family", help="Only these layout families (repeatable).")
    ] = None,
) -> None:
    """Write N synthetic referral documents, each with NAME.gold.json (contract format) and NAME.truth.json."""
    from referral_intake.errors import ConfigurationError
    from referral_intake.synth import generate_corpus  # heavy imports only when the command runs

    try:
        paths = generate_corpus(out, n, seed, fax_ratio=fax_ratio, ehr_out=ehr_out, families=family or None)
    except ConfigurationError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    typer.echo(
        f"wrote {len(paths)} documents to {out}" + (f"; EHR population to {ehr_out}" if ehr_out else "")
    )


def register(app: typer.Typer) -> None:
    app.command("synth")(synth)
