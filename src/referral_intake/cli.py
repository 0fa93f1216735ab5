"""The `referral-intake` command line: parses arguments, calls services, prints. No logic lives here."""

from __future__ import annotations

import typer

from referral_intake.commands import core

app = typer.Typer(
    name="referral-intake",
    help="Turn inbound referrals into verified EHR records, with review only where the machine is unsure.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,  # locals can hold PHI
)
core.register(app)

# Stage command groups: each area registers its own commands below (one line each).


def main() -> None:
    app()
