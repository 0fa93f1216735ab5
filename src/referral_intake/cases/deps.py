"""What the stages need from the rest of the product, as plain callables, built once per process.

`build_deps(settings, store)` wires the defaults (reading, the extractor, the matcher, eligibility, the
EHR connectors); tests and extensions pass their own callables instead.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from referral_intake.contract import Extraction, Referral
from referral_intake.reading.model import ReadDocument
from referral_intake.settings import Settings
from referral_intake.store.engine import Store
from referral_intake.vault import LocalKeyProvider, Vault

ReadFn = Callable[[bytes, str | None], ReadDocument]
ExtractFn = Callable[[ReadDocument], Extraction]
MatchFn = Callable[[Referral], dict[str, Any]]
EligibilityFn = Callable[[Referral], dict[str, Any]]
DuplicateFn = Callable[[Referral, int, str | None], dict[str, Any] | None]  # (referral, case id, patient id)


def no_duplicates(referral: Referral, case_id: int, patient_id: str | None) -> dict[str, Any] | None:
    return None


@dataclass
class Deps:
    settings: Settings
    store: Store
    vault: Vault
    read: ReadFn
    extract: ExtractFn
    match: MatchFn
    check_eligibility: EligibilityFn
    connectors: list[str] = field(default_factory=list)
    find_duplicate: DuplicateFn = no_duplicates


def open_vault(settings: Settings) -> Vault:
    if settings.key_provider != "local":
        from referral_intake.errors import ConfigurationError

        raise ConfigurationError(f"key provider {settings.key_provider!r} is not available in this build")
    return Vault(settings.data_dir / "vault", LocalKeyProvider(settings.effective_key_file))


def build_deps(settings: Settings, store: Store, **overrides: Any) -> Deps:
    """The product's default stage implementations, each replaceable by a keyword override."""
    from referral_intake.cases import defaults

    parts: dict[str, Any] = {
        "read": overrides.pop("read", None) or defaults.reader(settings),
        "extract": overrides.pop("extract", None) or defaults.extractor(settings, store),
        "match": overrides.pop("match", None) or defaults.matcher(settings, store),
        "check_eligibility": overrides.pop("check_eligibility", None)
        or defaults.eligibility(settings, store),
        "connectors": overrides.pop("connectors", None) or defaults.connector_names(settings),
        "find_duplicate": overrides.pop("find_duplicate", None) or defaults.duplicate_finder(settings, store),
    }
    vault = overrides.pop("vault", None) or open_vault(settings)
    return Deps(settings=settings, store=store, vault=vault, **parts)
