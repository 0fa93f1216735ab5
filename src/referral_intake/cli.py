"""The `referral-intake` command line: parses arguments, calls services, prints. No logic lives here.

Each area keeps its commands in `referral_intake/commands/<area>.py`; this module only mounts them.
"""

from __future__ import annotations

import typer

from referral_intake.commands import core, corpus, dedupe, ehr, eligibility, evaluate, users

app = typer.Typer(
    name="referral-intake",
    help="Turn inbound referrals into verified EHR records, with review only where the machine is unsure.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,  # locals can hold PHI
)
core.register(app)
corpus.register(app)
evaluate.register(app)
dedupe.register(app)
app.add_typer(eligibility.app, name="eligibility")
app.add_typer(users.app, name="users")
app.add_typer(ehr.app, name="ehr")


def main() -> None:
    app()
