"""Content-addressed blob store with AES-256-GCM envelope encryption.

Layout: `<root>/<aa>/<bb>/<sha256>-<random>.enc` holding nonce || ciphertext of the original bytes under a fresh
data key; the data key, wrapped by the `KeyProvider`, sits on the `document` row. The SHA-256 of the
plaintext is the address and the AEAD associated data, so a blob swapped for another fails to decrypt.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import select
from sqlalchemy.orm import Session

from referral_intake.errors import VaultError
from referral_intake.store.tables import Document, Receipt
from referral_intake.vault.keys import KeyProvider


@dataclass(frozen=True, slots=True)
class Stored:
    document: Document
    receipt: Receipt
    is_new: bool  # False when the same bytes were stored before (a second receipt)


class Vault:
    def __init__(self, root: Path, keys: KeyProvider) -> None:
        self.root = root
        self.keys = keys

    def path_for(self, sha256: str, blob_name: str) -> Path:
        return self.root / sha256[:2] / sha256[2:4] / blob_name

    def put(
        self,
        session: Session,
        data: bytes,
        *,
        channel: str,
        sender: str | None = None,
        filename: str | None = None,
        media_type: str | None = None,
        meta: dict[str, Any] | None = None,
    ) -> Stored:
        """Store the bytes (once) and record this arrival, inside the caller's transaction.

        The encrypted file is written and fsynced before the row is added, so a committed row always has
        its blob; a crash in between leaves at most an orphan blob, never a row without bytes.
        """
        sha = hashlib.sha256(data).hexdigest()
        doc = session.execute(select(Document).where(Document.sha256 == sha)).scalar_one_or_none()
        is_new = doc is None
        if doc is None:
            data_key = AESGCM.generate_key(bit_length=256)
            blob_name = f"{sha}-{secrets.token_hex(6)}.enc"
            self._write_blob(self.path_for(sha, blob_name), sha, data, data_key)
            doc = Document(
                blob_name=blob_name,
                sha256=sha,
                size=len(data),
                media_type=media_type,
                wrapped_key=self.keys.wrap(data_key),
                key_id=self.keys.key_id,
            )
            session.add(doc)
            session.flush()
        elif not self.path_for(sha, doc.blob_name).exists():
            raise VaultError(f"document {doc.id} is recorded but its blob is missing from the vault")
        receipt = Receipt(
            document_id=doc.id, channel=channel, sender=sender, filename=filename, meta=meta or {}
        )
        session.add(receipt)
        session.flush()
        return Stored(doc, receipt, is_new)

    def get(self, document: Document) -> bytes:
        path = self.path_for(document.sha256, document.blob_name)
        try:
            blob = path.read_bytes()
        except FileNotFoundError as exc:
            raise VaultError(f"blob of document {document.id} is missing from the vault") from exc
        data_key = self.keys.unwrap(document.wrapped_key, document.key_id)
        try:
            data = AESGCM(data_key).decrypt(blob[:12], blob[12:], document.sha256.encode())
        except InvalidTag as exc:
            raise VaultError(f"blob of document {document.id} fails authentication (tampered)") from exc
        if hashlib.sha256(data).hexdigest() != document.sha256:
            raise VaultError(f"blob of document {document.id} does not match its address")
        return data

    @staticmethod
    def _write_blob(path: Path, sha: str, data: bytes, data_key: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        nonce = secrets.token_bytes(12)
        blob = nonce + AESGCM(data_key).encrypt(nonce, data, sha.encode())
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(blob)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, 0o600)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
