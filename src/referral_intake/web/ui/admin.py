"""Admin pages: users (create with QR enrolment, reset, disable) and API tokens (create, revoke)."""

from __future__ import annotations

import base64
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from referral_intake.accounts import credentials, service, sessions
from referral_intake.accounts.roles import Perm, Role
from referral_intake.accounts.sessions import Principal
from referral_intake.audit import record
from referral_intake.errors import AccountError
from referral_intake.web.deps import Db, State, client_addr, need
from referral_intake.web.ui.render import page

router = APIRouter()
Admin = Annotated[Principal, Depends(need(Perm.USERS))]


def qr_data_uri(uri: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(credentials.qr_svg(uri).encode()).decode()


def _users_page(
    request: Request, state: State, session: Db, who: Principal, status: int = 200, **extra: object
) -> Response:
    record(session, who.name, "read", "user", None, client_addr=client_addr(request), reason="list")
    return page(
        request,
        state,
        "admin_users.html",
        who,
        status,
        users=service.list_users(session),
        tokens=sessions.list_tokens(session),
        roles=[r.value for r in Role],
        **extra,
    )


@router.get("/admin/users")
def users(request: Request, state: State, session: Db, who: Admin) -> Response:
    return _users_page(request, state, session, who)


@router.post("/admin/users")
def add_user(
    request: Request,
    state: State,
    session: Db,
    who: Admin,
    username: Annotated[str, Form(max_length=100)],
    role: Annotated[str, Form(max_length=20)],
    password: Annotated[str, Form(max_length=1000)],
) -> Response:
    try:
        uri = service.create_user(session, username, role, password, actor=who.name)
    except AccountError as exc:
        session.rollback()
        return _users_page(request, state, session, who, 400, error=str(exc))
    return _users_page(
        request, state, session, who, enrol_user=username, enrol_uri=uri, enrol_qr=qr_data_uri(uri)
    )


@router.post("/admin/users/{username}/reset")
def reset_user(
    request: Request,
    state: State,
    session: Db,
    who: Admin,
    username: str,
    password: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    try:
        uri = service.reset_user(session, username, password or None, actor=who.name)
    except AccountError as exc:
        session.rollback()
        return _users_page(request, state, session, who, 400, error=str(exc))
    assert uri is not None
    return _users_page(
        request, state, session, who, enrol_user=username, enrol_uri=uri, enrol_qr=qr_data_uri(uri)
    )


@router.post("/admin/users/{username}/disable")
def disable_user(request: Request, state: State, session: Db, who: Admin, username: str) -> Response:
    try:
        service.disable_user(session, username, actor=who.name)
    except AccountError as exc:
        session.rollback()
        return _users_page(request, state, session, who, 400, error=str(exc))
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/admin/tokens")
def add_token(
    request: Request,
    state: State,
    session: Db,
    who: Admin,
    name: Annotated[str, Form(max_length=100)],
    role: Annotated[str, Form(max_length=20)],
) -> Response:
    try:
        _, secret = sessions.create_token(session, name, role, actor=who.name)
    except AccountError as exc:
        session.rollback()
        return _users_page(request, state, session, who, 400, error=str(exc))
    return _users_page(request, state, session, who, new_token=secret)


@router.post("/admin/tokens/{token_id}/revoke")
def revoke_token(request: Request, state: State, session: Db, who: Admin, token_id: int) -> Response:
    try:
        sessions.revoke_token(session, token_id, actor=who.name)
    except AccountError as exc:
        session.rollback()
        return _users_page(request, state, session, who, 404, error=str(exc))
    return RedirectResponse("/admin/users", status_code=303)
