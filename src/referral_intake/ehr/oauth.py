"""OAuth2 client-credentials tokens for FHIR servers (SMART Backend Services), fetched once and cached.

Two client authentications: a signed JWT assertion (`private_key_jwt`, RS384 or ES384 as SMART asks)
or a shared client secret (HTTP Basic). PyJWT signs; the token is reused until shortly before it expires.
"""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import httpx
import jwt

from referral_intake.errors import ConfigurationError, EhrRejected, EhrUnavailable

_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
_EARLY_REFRESH = 30.0  # seconds before expiry that a cached token is replaced


@dataclass(frozen=True, slots=True)
class OAuthConfig:
    token_url: str
    client_id: str
    client_secret: str | None = None
    private_key: str | None = None  # PEM text
    private_key_file: Path | None = None
    key_id: str | None = None  # `kid` header: which key of the client's JWKS signed
    algorithm: str = "RS384"
    scope: str = "system/*.rs system/*.cud"

    def signing_key(self) -> str | None:
        if self.private_key:
            return self.private_key
        if self.private_key_file:
            return self.private_key_file.read_text()
        return None


class TokenSource:
    """Hands out a bearer token, fetching a new one only when the cached one is (nearly) expired."""

    def __init__(self, config: OAuthConfig, client: httpx.Client) -> None:
        if not (config.client_secret or config.private_key or config.private_key_file):
            raise ConfigurationError(
                "FHIR OAuth needs client_secret or private_key/private_key_file (SMART backend services)"
            )
        self.config = config
        self.client = client
        self._token: str | None = None
        self._expires_at = 0.0
        self._lock = threading.Lock()
        self.fetches = 0

    def token(self) -> str:
        with self._lock:
            if self._token is None or time.monotonic() >= self._expires_at - _EARLY_REFRESH:
                self._fetch()
            assert self._token is not None
            return self._token

    def invalidate(self) -> None:
        with self._lock:
            self._token = None

    def _fetch(self) -> None:
        cfg = self.config
        form = {"grant_type": "client_credentials", "scope": cfg.scope}
        auth: httpx.Auth | None = None
        key = cfg.signing_key()
        if key:
            now = int(time.time())
            claims = {
                "iss": cfg.client_id,
                "sub": cfg.client_id,
                "aud": cfg.token_url,
                "exp": now + 300,
                "iat": now,
                "jti": str(uuid.uuid4()),
            }
            headers = {"kid": cfg.key_id} if cfg.key_id else None
            form["client_assertion_type"] = _ASSERTION_TYPE
            form["client_assertion"] = jwt.encode(claims, key, algorithm=cfg.algorithm, headers=headers)
        else:
            assert cfg.client_secret is not None
            auth = httpx.BasicAuth(cfg.client_id, cfg.client_secret)
        try:
            resp = self.client.post(cfg.token_url, data=form, auth=auth or httpx.USE_CLIENT_DEFAULT)
        except httpx.TransportError as exc:
            raise EhrUnavailable(f"FHIR token endpoint unreachable ({type(exc).__name__})") from exc
        if resp.status_code >= 500:
            raise EhrUnavailable(f"FHIR token endpoint answered HTTP {resp.status_code}")
        if resp.status_code != 200:
            raise EhrRejected(
                f"FHIR token endpoint refused client {cfg.client_id!r} (HTTP {resp.status_code}); check the "
                "client id, key or secret registered with the EHR",
                permanent=True,
            )
        body = resp.json()
        self._token = str(body["access_token"])
        self._expires_at = time.monotonic() + float(body.get("expires_in", 300))
        self.fetches += 1
