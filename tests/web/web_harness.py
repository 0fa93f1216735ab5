"""The web test harness: an app on a temporary SQLite store, users, signed-in clients, seeded cases."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pyotp
from fastapi.testclient import TestClient

from referral_intake.accounts.service import create_user
from referral_intake.review.samples import add_review_case
from referral_intake.settings import Settings, load_settings
from referral_intake.store.engine import Store
from referral_intake.vault import LocalKeyProvider, Vault
from referral_intake.web import create_app

ROLES = ("clerk", "supervisor", "admin", "auditor")
PASSWORD = "correct horse battery staple"


@dataclass
class Harness:
    settings: Settings
    store: Store
    vault: Vault
    app: object
    secrets: dict[str, str] = field(default_factory=dict)
    clients: dict[str, TestClient] = field(default_factory=dict)
    csrf: dict[str, str] = field(default_factory=dict)

    def new_client(self, https: bool = False) -> TestClient:
        return TestClient(self.app, base_url="https://testserver" if https else "http://testserver")  # type: ignore[arg-type]

    def add_user(self, name: str, role: str) -> str:
        with self.store.begin() as s:
            uri = create_user(s, name, role, PASSWORD)
        m = re.search(r"secret=([A-Z2-7]+)", uri)
        assert m is not None
        self.secrets[name] = m[1]
        return m[1]

    def login(self, client: TestClient, name: str) -> str:
        """Sign in through the form; returns the session's CSRF token (read from a page)."""
        page = client.get("/login")
        token = re.search(r'name="login_token" value="([^"]+)"', page.text)
        assert token is not None
        code = pyotp.TOTP(self.secrets[name]).now()
        r = client.post(
            "/login",
            data={"username": name, "password": PASSWORD, "code": code, "login_token": token[1]},
            follow_redirects=False,
        )
        assert r.status_code == 303, r.text
        home = client.get("/account")
        m = re.search(r'data-csrf="([^"]+)"', home.text)
        assert m is not None
        return m[1]

    def case(self, **kw: object) -> int:
        with self.store.begin() as s:
            return add_review_case(s, self.vault, **kw).id  # type: ignore[arg-type]


def make_harness(data_dir: Path, **web: object) -> Harness:
    settings = load_settings(data_dir=data_dir, web={"secure_cookies": False, **web})
    store = Store.open(settings)
    vault = Vault(data_dir / "vault", LocalKeyProvider(settings.effective_key_file))
    app = create_app(settings, store, connectors=lambda: ["embedded"], vault=vault)
    return Harness(settings, store, vault, app)
