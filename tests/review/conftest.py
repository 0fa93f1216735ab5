"""Review fixtures: a vault beside the store and one synthetic case needing review."""

from __future__ import annotations

import pytest

from referral_intake.review.samples import add_review_case
from referral_intake.settings import Settings
from referral_intake.store.engine import Store
from referral_intake.vault import LocalKeyProvider, Vault


@pytest.fixture
def vault(settings: Settings) -> Vault:
    return Vault(settings.data_dir / "vault", LocalKeyProvider(settings.effective_key_file))


@pytest.fixture
def case_id(store: Store, vault: Vault) -> int:
    with store.begin() as s:
        return add_review_case(s, vault).id
