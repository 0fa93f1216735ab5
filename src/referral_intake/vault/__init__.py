"""Encrypted, content-addressed store of every inbound original."""

from referral_intake.vault.keys import KeyProvider, LocalKeyProvider
from referral_intake.vault.store import Stored, Vault

__all__ = ["KeyProvider", "LocalKeyProvider", "Stored", "Vault"]
