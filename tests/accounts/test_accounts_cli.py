"""`referral-intake users add/reset/disable/list` through the real CLI app."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from referral_intake.cli import app


def test_users_commands(data_dir: Path) -> None:
    run = CliRunner().invoke
    d = ["--data-dir", str(data_dir)]
    added = run(
        app, ["users", "add", "ann", "--role", "clerk", "--password-stdin", *d], input="a long password 1\n"
    )
    assert added.exit_code == 0, added.output
    assert added.stdout.strip().startswith("otpauth://totp/referral-intake:ann?secret=")
    dup = run(
        app, ["users", "add", "ann", "--role", "clerk", "--password-stdin", *d], input="a long password 1\n"
    )
    assert dup.exit_code == 2 and "exists already" in dup.output
    bad = run(
        app, ["users", "add", "bob", "--role", "wizard", "--password-stdin", *d], input="a long password 1\n"
    )
    assert bad.exit_code == 2 and "unknown role" in bad.output
    reset = run(app, ["users", "reset", "ann", "--password-stdin", *d], input="another password 2\n")
    assert reset.exit_code == 0 and reset.stdout.startswith("otpauth://")
    assert reset.stdout.strip() != added.stdout.strip()  # a fresh authenticator secret
    assert run(app, ["users", "disable", "ann", *d]).exit_code == 0
    listed = run(app, ["users", "list", *d])
    assert listed.exit_code == 0 and "ann\tclerk\tdisabled" in listed.stdout
