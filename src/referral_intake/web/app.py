"""The FastAPI app factory: security headers, error pages, static files, the UI and the /api/v1 routers."""

from __future__ import annotations

import importlib
import ipaddress
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import structlog
from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from referral_intake.settings import Settings
from referral_intake.store.engine import Store
from referral_intake.vault import LocalKeyProvider, Vault
from referral_intake.web.deps import TEMPLATES, AppState, LoginRequired, is_api
from referral_intake.web.pages import PageRenderer

log = structlog.get_logger(__name__)
STATIC = Path(__file__).parent / "static"

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


def default_connectors(settings: Settings) -> list[str]:
    """Names of the active EHR writers: from referral_intake.ehr.registry when present, else "embedded"."""
    try:
        registry: Any = importlib.import_module("referral_intake.ehr.registry")
    except ImportError:
        registry = None
    for fn_name in ("connector_names", "active_names", "names"):
        fn = getattr(registry, fn_name, None)
        if callable(fn):
            return [str(n) for n in fn(settings)]
    names = [
        str(c.get("name") or c.get("kind")) for c in settings.ehr_connectors if c.get("name") or c.get("kind")
    ]
    return names or ["embedded"]


def _default_vault(settings: Settings) -> Vault:
    return Vault(settings.data_dir / "vault", LocalKeyProvider(settings.effective_key_file))


def _secure_cookies(settings: Settings) -> bool:
    # HTTPS requests always get Secure cookies (AppState.secure); this decides for plain http only.
    if settings.web.secure_cookies is not None:
        return settings.web.secure_cookies
    if settings.web.tls_certfile:
        return True
    try:
        return not ipaddress.ip_address(settings.web.host).is_loopback
    except ValueError:
        return settings.web.host != "localhost"


def _headers(response: Response, request: Request) -> None:
    h = response.headers
    h.setdefault("Content-Security-Policy", CSP)
    h["X-Content-Type-Options"] = "nosniff"
    h["X-Frame-Options"] = "DENY"
    h["Referrer-Policy"] = "no-referrer"
    h["Cross-Origin-Opener-Policy"] = "same-origin"
    h["Cross-Origin-Resource-Policy"] = "same-origin"
    h["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()"
    if not request.url.path.startswith("/static/"):
        h.setdefault("Cache-Control", "no-store")  # PHI must not linger in shared or browser caches
    if request.url.scheme == "https":
        h["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"


def create_app(
    settings: Settings,
    store: Store | None = None,
    *,
    connectors: Callable[[], list[str]] | None = None,
    vault: Vault | None = None,
) -> FastAPI:
    """The whole web front of one installation. `connectors` names the EHR writers an approval queues."""
    from referral_intake.web.api import router as api_router
    from referral_intake.web.ui import router as ui_router

    store = store or Store.open(settings)
    app = FastAPI(
        title="referral-intake",
        version="1",
        description="Review queue, case decisions, accounts and audit of referral-intake.",
        docs_url=None,  # Swagger UI needs CDN scripts and inline script, which the CSP forbids
        redoc_url=None,
        openapi_url="/api/v1/openapi.json",
    )
    templates = Jinja2Templates(directory=str(TEMPLATES))
    templates.env.globals["static_version"] = "1"
    app.state.ri = AppState(
        settings=settings,
        store=store,
        vault_factory=(lambda: vault) if vault is not None else (lambda: _default_vault(settings)),
        connectors=connectors or (lambda: default_connectors(settings)),
        renderer=PageRenderer(settings.web.page_cache_mb * 1024 * 1024),
        templates=templates,
        secure_cookies=_secure_cookies(settings),
    )

    @app.middleware("http")
    async def security_headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        _headers(response, request)
        return response

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, exc: LoginRequired) -> Response:
        return RedirectResponse("/login", status_code=303)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        if is_api(request) or request.headers.get("accept", "").startswith("application/json"):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)
        return templates.TemplateResponse(
            request,
            "error.html",
            {"status": exc.status_code, "detail": exc.detail, "principal": None},
            status_code=exc.status_code,
        )

    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    app.include_router(ui_router)
    app.include_router(api_router, prefix="/api/v1")
    return app
