"""Rendering helper: every page gets the principal, its CSRF token and the idle-logoff time."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from referral_intake.accounts.roles import Perm, allows
from referral_intake.accounts.sessions import Principal
from referral_intake.web.deps import AppState


def page(
    request: Request,
    state: AppState,
    name: str,
    principal: Principal | None,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    perms = {p.value: allows(principal.role, p) for p in Perm} if principal else {}
    base = {
        "principal": principal,
        "csrf": principal.csrf_token if principal else "",
        "can": perms,
        "idle_seconds": state.settings.web.idle_timeout_minutes * 60,
    }
    base.update(context)
    return state.templates.TemplateResponse(request, name, base, status_code=status_code)


def home_for(principal: Principal) -> str:
    if allows(principal.role, Perm.QUEUE):
        return "/queue"
    if allows(principal.role, Perm.AUDIT):
        return "/audit"
    if allows(principal.role, Perm.USERS):
        return "/admin/users"
    return "/account"
