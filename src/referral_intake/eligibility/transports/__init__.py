"""Eligibility transports behind `EligibilityClient`: CORE SOAP/MIME, clearinghouse JSON, offline."""

from __future__ import annotations

import threading

from referral_intake.eligibility.transports.base import EligibilityClient
from referral_intake.eligibility.transports.core import CoreClient
from referral_intake.eligibility.transports.jsonapi import JsonApiClient
from referral_intake.eligibility.transports.offline import OfflineClient
from referral_intake.eligibility.transports.resilience import BREAKERS, CircuitBreaker, ResilientClient
from referral_intake.errors import ConfigurationError
from referral_intake.settings import EligibilitySettings

__all__ = [
    "BREAKERS",
    "CircuitBreaker",
    "CoreClient",
    "EligibilityClient",
    "JsonApiClient",
    "OfflineClient",
    "ResilientClient",
    "make_client",
]

_clients: dict[str, EligibilityClient] = {}
_lock = threading.Lock()


def make_client(cfg: EligibilitySettings) -> EligibilityClient:
    """The configured transport wrapped in retries and breakers; reused per configuration (keeps connections)."""
    if cfg.client == "offline":
        return OfflineClient()
    if not cfg.endpoint:
        raise ConfigurationError(f"eligibility.client = {cfg.client} needs eligibility.endpoint (the URL)")
    secret = cfg.password.get_secret_value() if cfg.password else ""
    key = cfg.model_dump_json() + "\0" + secret  # the dump masks the password; two passwords, two clients
    with _lock:
        if key in _clients:
            return _clients[key]
        password = cfg.password.get_secret_value() if cfg.password else None
        inner: EligibilityClient
        if cfg.client == "core":
            inner = CoreClient(
                cfg.endpoint, cfg.sender_id, cfg.core_mode, cfg.username, password, cfg.receiver_id
            )
        else:
            inner = JsonApiClient(cfg.endpoint, cfg.sender_id, cfg.username, password)
        client = ResilientClient(
            inner, cfg.max_attempts, cfg.backoff_seconds, cfg.breaker_failures, cfg.breaker_reset_seconds
        )
        _clients[key] = client
        return client
