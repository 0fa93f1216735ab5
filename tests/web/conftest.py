"""Web fixtures: one installation per test module with a signed-in client per role."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from web_harness import ROLES, Harness, make_harness

from referral_intake.accounts import credentials


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Harness]:
    """The app with one user per role (user name = role name), each signed in on its own client.

    Module-scoped: argon2id hashing makes sign-in deliberately slow; tests here share one installation.
    """
    credentials.set_hash_cost(1, 1024)  # cheap argon2id: the tests here are about the web, not the hash cost
    h = make_harness(tmp_path_factory.mktemp("web"))
    for role in ROLES:
        h.add_user(role, role)
        # TOTP codes are single-use per user: each user signs in once, with the current step.
        client = h.new_client()
        h.csrf[role] = h.login(client, role)
        h.clients[role] = client
    yield h
    h.store.dispose()
    credentials.set_hash_cost(3, 65536)
