"""Sign-in (user name, password, TOTP code), sign-out, and the landing redirect by role."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from referral_intake.accounts.roles import Perm
from referral_intake.accounts.service import authenticate
from referral_intake.accounts.sessions import Principal, end_session, start_session
from referral_intake.audit import record
from referral_intake.web.deps import Db, MaybePrincipal, State, client_addr, need
from referral_intake.web.ui.render import home_for, page

router = APIRouter()
_PRE = "ri_login_csrf"  # double-submit token protecting the sign-in form itself (login CSRF)


@router.get("/")
def root(principal: MaybePrincipal) -> Response:
    return RedirectResponse(home_for(principal) if principal else "/login", status_code=303)


@router.get("/login")
def login_form(request: Request, state: State, principal: MaybePrincipal) -> Response:
    if principal is not None and not principal.via_token:
        return RedirectResponse(home_for(principal), status_code=303)
    token = secrets.token_urlsafe(24)
    resp = page(request, state, "login.html", None, login_token=token, problem=None)
    resp.set_cookie(_PRE, token, httponly=True, secure=state.secure(request), samesite="strict", max_age=1800)
    return resp


@router.post("/login")
def login(
    request: Request,
    state: State,
    session: Db,
    username: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
    code: Annotated[str, Form(max_length=20)] = "",
    login_token: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    addr = client_addr(request)
    expected = request.cookies.get(_PRE, "")
    fresh = secrets.token_urlsafe(24)
    if not expected or not secrets.compare_digest(expected, login_token):
        resp = page(
            request,
            state,
            "login.html",
            None,
            400,
            login_token=fresh,
            problem="The sign-in form expired; please try again.",
        )
    else:
        result = authenticate(session, username, password, code, state.settings.web, addr)
        if result.user is not None:
            cookie = start_session(session, result.user, state.settings.web, addr)
            who = Principal(result.user.username, result.user.role)
            out = RedirectResponse(home_for(who), status_code=303)
            out.set_cookie(
                state.cookie_name(request),
                cookie,
                httponly=True,
                secure=state.secure(request),
                samesite="strict",
                max_age=state.settings.web.absolute_session_hours * 3600,
                path="/",
            )
            out.delete_cookie(_PRE)
            return out
        resp = page(
            request,
            state,
            "login.html",
            None,
            429 if result.throttled else 401,
            login_token=fresh,
            problem=result.problem,
            username=username[:100],
        )
    resp.set_cookie(_PRE, fresh, httponly=True, secure=state.secure(request), samesite="strict", max_age=1800)
    return resp


@router.post("/logout")
def logout(
    request: Request, state: State, session: Db, who: Annotated[Principal, Depends(need(Perm.SELF))]
) -> Response:
    cookie = request.cookies.get(state.cookie_name(request))
    if cookie:
        end_session(session, cookie)
    record(session, who.name, "logout", "session", None, client_addr=client_addr(request))
    out = RedirectResponse("/login", status_code=303)
    out.delete_cookie(
        state.cookie_name(request), path="/", secure=state.secure(request), httponly=True, samesite="strict"
    )
    return out


@router.get("/account")
def account(request: Request, state: State, who: Annotated[Principal, Depends(need(Perm.SELF))]) -> Response:
    return page(request, state, "account.html", who)
