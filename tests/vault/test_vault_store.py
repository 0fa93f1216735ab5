"""The vault: content-addressed, encrypted at rest, identical bytes stored once, tampering detected."""

from __future__ import annotations

import os
import stat

import pytest
from sqlalchemy import func, select

from referral_intake.cases.deps import open_vault
from referral_intake.errors import ConfigurationError, VaultError
from referral_intake.settings import Settings
from referral_intake.store.engine import Store
from referral_intake.store.tables import Document, Receipt
from referral_intake.vault import LocalKeyProvider

PLAINTEXT = b"%PDF-1.7\nREFERRAL for Testperson, Alfa  DOB 01/02/1970 -- synthetic\n" * 20


def test_same_bytes_are_one_document_and_two_receipts(store: Store, settings: Settings) -> None:
    vault = open_vault(settings)
    with store.begin() as s:
        first = vault.put(s, PLAINTEXT, channel="folder", filename="a.pdf")
    with store.begin() as s:
        second = vault.put(s, PLAINTEXT, channel="upload", filename="b.pdf")
    assert first.is_new and not second.is_new
    assert first.document.id == second.document.id
    with store.read() as s:
        assert s.execute(select(func.count()).select_from(Document)).scalar_one() == 1
        assert s.execute(select(func.count()).select_from(Receipt)).scalar_one() == 2
        doc = s.execute(select(Document)).scalar_one()
    assert vault.get(doc) == PLAINTEXT


def test_blob_on_disk_holds_no_plaintext(store: Store, settings: Settings) -> None:
    vault = open_vault(settings)
    with store.begin() as s:
        stored = vault.put(s, PLAINTEXT, channel="folder")
    blob = vault.path_for(stored.document.sha256, stored.document.blob_name).read_bytes()
    assert b"Testperson" not in blob and b"REFERRAL" not in blob
    assert len(blob) == len(PLAINTEXT) + 12 + 16  # nonce + GCM tag


def test_tampered_blob_is_refused(store: Store, settings: Settings) -> None:
    vault = open_vault(settings)
    with store.begin() as s:
        stored = vault.put(s, PLAINTEXT, channel="folder")
    path = vault.path_for(stored.document.sha256, stored.document.blob_name)
    raw = bytearray(path.read_bytes())
    raw[40] ^= 0x01
    path.write_bytes(bytes(raw))
    with pytest.raises(VaultError, match="tampered"):
        vault.get(stored.document)


def test_key_file_is_created_private(sqlite_settings: Settings) -> None:
    provider = LocalKeyProvider(sqlite_settings.effective_key_file)
    mode = stat.S_IMODE(os.stat(provider.path).st_mode)
    assert mode == 0o600
    os.chmod(provider.path, 0o644)
    with pytest.raises(ConfigurationError, match="chmod 600"):
        LocalKeyProvider(sqlite_settings.effective_key_file)


def test_another_key_cannot_open_the_vault(store: Store, settings: Settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    vault = open_vault(settings)
    with store.begin() as s:
        stored = vault.put(s, PLAINTEXT, channel="folder")
    other = LocalKeyProvider(tmp_path / "other.key")
    with pytest.raises(VaultError):
        other.unwrap(stored.document.wrapped_key, stored.document.key_id)
