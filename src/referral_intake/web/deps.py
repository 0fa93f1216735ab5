"""Request plumbing: the app's shared state, one DB transaction per request, who is asking, CSRF, roles."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session

from referral_intake.accounts.roles import Perm, allows
from referral_intake.accounts.sessions import Principal, resolve_session, resolve_token
from referral_intake.settings import Settings
from referral_intake.store.engine import Store
from referral_intake.vault import Vault
from referral_intake.web.pages import PageRenderer

TEMPLATES = Path(__file__).parent / "ui" / "templates"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(slots=True)
class AppState:
    settings: Settings
    store: Store
    vault_factory: Callable[[], Vault]
    connectors: Callable[[], list[str]]
    renderer: PageRenderer
    templates: Jinja2Templates
    secure_cookies: bool  # from settings: explicit, or on unless serving plain http on loopback
    _vault: Vault | None = field(default=None)

    @property
    def vault(self) -> Vault:
        if self._vault is None:  # the key file is read on first use, not at import or startup
            self._vault = self.vault_factory()
        return self._vault

    def secure(self, request: Request) -> bool:
        """Secure cookies when configured so, and always when this request came over HTTPS."""
        return self.secure_cookies or request.url.scheme == "https"

    def cookie_name(self, request: Request) -> str:
        # The __Host- prefix pins the cookie to this host and path and demands Secure.
        return "__Host-ri_session" if self.secure(request) else "ri_session"


def app_state(request: Request) -> AppState:
    state: AppState = request.app.state.ri
    return state


State = Annotated[AppState, Depends(app_state)]


def db(state: State) -> Iterator[Session]:
    """One transaction per request: the change, its audit events and the session touch commit together.

    Not `store.begin()`: a refused action rolls back and the request goes on (to show why) in a new one.
    """
    session = state.store.sessions()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


Db = Annotated[Session, Depends(db, scope="function")]  # commit before the response leaves


def client_addr(request: Request) -> str | None:
    return request.client.host if request.client else None


class LoginRequired(Exception):
    """Raised for an anonymous browser request: the app answers with a redirect to the sign-in page."""


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def current_principal(request: Request, state: State, session: Db) -> Principal | None:
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        return resolve_token(session, auth[7:].strip())
    cookie = request.cookies.get(state.cookie_name(request))
    if not cookie:
        return None
    return resolve_session(session, cookie, state.settings.web)


MaybePrincipal = Annotated[Principal | None, Depends(current_principal)]


async def _csrf_ok(request: Request, principal: Principal) -> bool:
    if principal.via_token or request.method in SAFE_METHODS:
        return True  # bearer tokens are not sent by browsers on their own: no cross-site forgery
    sent = request.headers.get("x-csrf-token")
    if not sent and "form" in request.headers.get("content-type", ""):
        form = await request.form()  # cached by Starlette: the endpoint's Form() fields still work
        value = form.get("csrf_token")
        sent = value if isinstance(value, str) else None
    expected = principal.csrf_token or ""
    return bool(sent) and bool(expected) and secrets.compare_digest(sent or "", expected)


def need(perm: Perm) -> Callable[..., object]:
    """Dependency: a signed-in principal whose role grants `perm` (and a valid CSRF token on changes)."""

    async def dependency(request: Request, principal: MaybePrincipal) -> Principal:
        if principal is None:
            if is_api(request):
                raise HTTPException(
                    401, "sign in or send a bearer token", headers={"WWW-Authenticate": "Bearer"}
                )
            raise LoginRequired()
        if not allows(principal.role, perm):
            raise HTTPException(403, f"the {principal.role} role may not do this")
        if not await _csrf_ok(request, principal):
            raise HTTPException(403, "missing or wrong CSRF token; reload the page and try again")
        request.state.principal = principal
        return principal

    return dependency


def csrf_of(principal: Principal) -> str:
    return principal.csrf_token or ""
