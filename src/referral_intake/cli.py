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
from referral_intake.commands import evaluate

evaluate.register(app)  # noqa: E402, E702, I001
from referral_intake.commands import corpus

corpus.register(app)  # noqa: E402, E702, I001
from referral_intake.commands import eligibility

app.add_typer(eligibility.app, name="eligibility")  # noqa: E402, E702, I001
from referral_intake.commands import dedupe

dedupe.register(app)  # noqa: E402, E702, I001
from referral_intake.commands import users

app.add_typer(users.app, name="users")  # noqa: E402, E702, I001
from referral_intake.commands import ehr

app.add_typer(ehr.app, name="ehr")  # noqa: E402, E702, I001


def main() -> None:
    app()
