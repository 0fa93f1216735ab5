"""`referral-intake demo`: sample referrals, a synthetic EHR, a demo login, everything processed."""

from __future__ import annotations

import secrets
from pathlib import Path

from referral_intake.settings import Settings
from referral_intake.store.engine import Store

DEMO_USER = "demo"


def prepare(settings: Settings, n: int = 24, seed: int = 7) -> str:
    """Generate and process the demo corpus; returns the login instructions to print."""
    import pyotp

    from referral_intake.accounts.service import create_user, find_user
    from referral_intake.matching.embedded_ehr import EmbeddedEhr
    from referral_intake.services import process_paths
    from referral_intake.synth import generate_corpus

    store = Store.open(settings)
    inbox = settings.data_dir / "demo" / "inbox"
    ehr_csv = settings.data_dir / "demo" / "ehr_patients.csv"
    first_time = not inbox.exists()
    if first_time:
        inbox.mkdir(parents=True)
        _add_demo_payers(store)
        generate_corpus(inbox, n=n, seed=seed, fax_ratio=0.3, ehr_out=ehr_csv)
        EmbeddedEhr(store.engine).load_csv(ehr_csv)
        process_paths(settings, [inbox], progress=True)
    secret_file = settings.data_dir / "demo" / "login.txt"
    with store.begin() as session:
        if find_user(session, DEMO_USER) is None:
            password = secrets.token_urlsafe(12)
            uri = create_user(session, DEMO_USER, "supervisor", password)
            secret = pyotp.parse_uri(uri).secret
            _write_private(secret_file, f"{password}\n{secret}\n{uri}\n")
    password, secret, uri = secret_file.read_text().splitlines()[:3]
    return (
        f"Demo ready: {n} synthetic referrals processed from {inbox}.\n"
        f"Open http://{settings.web.host}:{settings.web.port}/ and log in:\n"
        f"  Username: {DEMO_USER}\n  Password: {password}\n"
        f"  Authentication code: add this key to an authenticator app: {secret}\n"
        f"    (or get the current code with: .venv/bin/python -c \"import pyotp; print(pyotp.TOTP('{secret}').now())\")\n"
        f"  Enrolment URI: {uri}\n"
        f"These synthetic credentials are also in {secret_file} (mode 0600)."
    )


def _write_private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600, exist_ok=True)
    path.write_text(text)


# The sample generator invents two regional plans; an admin adds such local payers to the directory the same
# way (`referral-intake eligibility payers set`), so the demo shows their eligibility answers too.
DEMO_PAYERS = (
    ("SX101", "Lakeshore Health Plan", ["Lakeshore Gold", "Lakeshore Silver"]),
    ("SX202", "Prairie Mutual Insurance", ["Prairie Mutual", "Prairie PPO 500"]),
)


def _add_demo_payers(store: Store) -> None:
    from referral_intake.eligibility.payers import save_payer

    with store.begin() as session:
        for payer_id, name, aliases in DEMO_PAYERS:
            save_payer(session, payer_id, name, aliases, actor="demo-setup")
