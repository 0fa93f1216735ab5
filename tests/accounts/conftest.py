"""Accounts fixtures: a cheap argon2id cost so sign-in tests stay fast (the production cost is tested once)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from referral_intake.accounts import credentials


@pytest.fixture(autouse=True)
def cheap_argon2() -> Iterator[None]:
    credentials.set_hash_cost(1, 1024)
    yield
    credentials.set_hash_cost(3, 65536)
