"""`referral-intake users`: add, reset, disable and list local accounts (thin: the work is in accounts/)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from referral_intake.commands.core import ConfigOpt, DataDirOpt, settings_from
from referral_intake.errors import AccountError

if TYPE_CHECKING:
    from referral_intake.store.engine import Store

app = typer.Typer(help="Local user accounts: add, reset, disable, list.", no_args_is_help=True)
RoleOpt = Annotated[str, typer.Option("--role", help="clerk, supervisor, admin or auditor.")]
StdinOpt = Annotated[bool, typer.Option("--password-stdin", help="Read the password from standard input.")]


def _password(from_stdin: bool, confirm: bool = True) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    value: str = typer.prompt("Password", hide_input=True, confirmation_prompt=confirm)
    return value


def _store(config: ConfigOpt, data_dir: DataDirOpt) -> Store:
    from referral_intake.store.engine import Store

    return Store.open(settings_from(config, data_dir))


@app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="The user name people sign in with.")],
    role: RoleOpt,
    password_stdin: StdinOpt = False,
    config: ConfigOpt = None,
    data_dir: DataDirOpt = None,
) -> None:
    """Add a user; prints the otpauth:// URI to enrol the authenticator app (shown once)."""
    from referral_intake.accounts.service import create_user

    password = _password(password_stdin)
    try:
        with _store(config, data_dir).begin() as session:
            uri = create_user(session, name, role, password, actor="cli")
    except AccountError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    typer.echo(uri)


@app.command("reset")
def reset(
    name: str,
    password_stdin: StdinOpt = False,
    keep_password: Annotated[bool, typer.Option("--keep-password", help="Only a new authenticator.")] = False,
    role: Annotated[str | None, typer.Option("--role", help="Change the role too.")] = None,
    config: ConfigOpt = None,
    data_dir: DataDirOpt = None,
) -> None:
    """New password and authenticator secret; unlocks and re-enables; signs the user out everywhere."""
    from referral_intake.accounts.service import reset_user

    password = None if keep_password else _password(password_stdin)
    try:
        with _store(config, data_dir).begin() as session:
            uri = reset_user(session, name, password, role=role, actor="cli")
    except AccountError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    typer.echo(uri or "")


@app.command("disable")
def disable(name: str, config: ConfigOpt = None, data_dir: DataDirOpt = None) -> None:
    """Disable a user and end their sessions (the account and its history stay)."""
    from referral_intake.accounts.service import disable_user

    try:
        with _store(config, data_dir).begin() as session:
            disable_user(session, name, actor="cli")
    except AccountError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    typer.echo(f"disabled {name}")


@app.command("list")
def list_(config: ConfigOpt = None, data_dir: DataDirOpt = None) -> None:
    """User names, roles and status."""
    from referral_intake.accounts.service import list_users

    with _store(config, data_dir).read() as session:
        for u in list_users(session):
            status = "disabled" if u.disabled else ("locked" if u.locked_until else "active")
            typer.echo(f"{u.username}\t{u.role}\t{status}")
