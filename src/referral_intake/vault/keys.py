"""Key-encryption keys: a `KeyProvider` wraps and unwraps per-document data keys.

The default keeps a 256-bit key in a local file created on first run with 0600 permissions. A KMS
provider implements the same two methods and never lets the key leave the service.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from pathlib import Path
from typing import Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from referral_intake.errors import ConfigurationError, VaultError


class KeyProvider(Protocol):
    key_id: str

    def wrap(self, data_key: bytes) -> bytes: ...

    def unwrap(self, wrapped: bytes, key_id: str) -> bytes: ...


class LocalKeyProvider:
    """AES-256-GCM key wrapping with a key held in a local 0600 file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._key = self._load_or_create(path)
        # The id names the key without revealing it, so a rotated key file is detected, not misused.
        self.key_id = "local:" + hashlib.sha256(b"kek-id" + self._key).hexdigest()[:16]

    @staticmethod
    def _load_or_create(path: Path) -> bytes:
        if path.exists():
            mode = path.stat().st_mode & 0o777
            if mode & 0o077:
                raise ConfigurationError(
                    f"key file {path} is readable by others (mode {mode:o}); run: chmod 600 {path}"
                )
            key = path.read_bytes()
            if len(key) != 32:
                raise ConfigurationError(f"key file {path} does not hold a 256-bit key")
            return key
        path.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(path.parent, 0o700)
        key = secrets.token_bytes(32)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(key)
            fh.flush()
            os.fsync(fh.fileno())
        return key

    def wrap(self, data_key: bytes) -> bytes:
        nonce = secrets.token_bytes(12)
        return nonce + AESGCM(self._key).encrypt(nonce, data_key, self.key_id.encode())

    def unwrap(self, wrapped: bytes, key_id: str) -> bytes:
        if key_id != self.key_id:
            raise VaultError(f"document was wrapped by key {key_id}, but the configured key is {self.key_id}")
        try:
            return AESGCM(self._key).decrypt(wrapped[:12], wrapped[12:], key_id.encode())
        except InvalidTag as exc:
            raise VaultError("data key does not unwrap with the configured key-encryption key") from exc
