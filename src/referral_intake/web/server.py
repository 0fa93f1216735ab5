"""How `serve` runs the web app: uvicorn settings, HTTPS with TLS 1.2 or newer when given a certificate."""

from __future__ import annotations

import ssl
from typing import Any

import uvicorn

from referral_intake.errors import ConfigurationError
from referral_intake.settings import Settings


class _Config(uvicorn.Config):
    """uvicorn builds its own SSLContext and has no minimum-version option; raise the floor after it does."""

    def load(self) -> None:
        super().load()
        if self.ssl is not None:
            self.ssl.minimum_version = ssl.TLSVersion.TLSv1_2


def uvicorn_config(app: Any, settings: Settings, **overrides: Any) -> uvicorn.Config:
    """A uvicorn configuration for the app: HTTPS when `web.tls_certfile` is set, plain HTTP otherwise."""
    web = settings.web
    options: dict[str, Any] = {
        "host": web.host,
        "port": web.port,
        "proxy_headers": True,
        "forwarded_allow_ips": "127.0.0.1",
        "server_header": False,
        "log_config": None,  # the product's own structlog setup stays in charge
    }
    if web.tls_certfile is not None:
        if web.tls_keyfile is None:
            raise ConfigurationError("web.tls_certfile is set but web.tls_keyfile is not; set both for HTTPS")
        options.update(
            ssl_certfile=str(web.tls_certfile),
            ssl_keyfile=str(web.tls_keyfile),
            ssl_version=ssl.PROTOCOL_TLS_SERVER,
        )
    options.update(overrides)
    return _Config(app, **options)
