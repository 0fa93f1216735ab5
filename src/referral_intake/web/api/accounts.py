"""/api/v1/me, users and API tokens (admin only; every change is an audited admin action)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request

from referral_intake.accounts import service, sessions
from referral_intake.accounts.roles import PERMISSIONS, Perm, Role
from referral_intake.accounts.sessions import Principal
from referral_intake.audit import record
from referral_intake.errors import AccountError
from referral_intake.store.base import utcnow
from referral_intake.web.api import models as m
from referral_intake.web.deps import Db, client_addr, need

router = APIRouter()
Admin = Annotated[Principal, Depends(need(Perm.USERS))]
Anyone = Annotated[Principal, Depends(need(Perm.SELF))]


@router.get("/me", response_model=m.MeOut)
def me(who: Anyone) -> m.MeOut:
    return m.MeOut(
        name=who.name, role=who.role, permissions=sorted(p.value for p in PERMISSIONS[Role(who.role)])
    )


@router.get("/users", response_model=list[m.UserOut])
def list_users(request: Request, session: Db, who: Admin) -> list[m.UserOut]:
    record(session, who.name, "read", "user", None, client_addr=client_addr(request), reason="list")
    now = utcnow()
    return [
        m.UserOut(
            username=u.username,
            role=u.role,
            disabled=u.disabled,
            last_login_at=u.last_login_at,
            locked=u.locked_until is not None and u.locked_until > now,
        )
        for u in service.list_users(session)
    ]


@router.post("/users", response_model=m.EnrolmentOut, status_code=201)
def add_user(session: Db, body: m.UserIn, who: Admin) -> m.EnrolmentOut:
    try:
        uri = service.create_user(session, body.username, body.role, body.password, actor=who.name)
    except AccountError as exc:
        raise HTTPException(400, str(exc)) from exc
    return m.EnrolmentOut(username=body.username, otpauth_uri=uri)


@router.post("/users/{username}/reset", response_model=m.EnrolmentOut)
def reset_user(session: Db, username: str, body: m.ResetIn, who: Admin) -> m.EnrolmentOut:
    try:
        uri = service.reset_user(session, username, body.password, role=body.role, actor=who.name)
    except AccountError as exc:
        raise HTTPException(404 if "no user" in str(exc) else 400, str(exc)) from exc
    return m.EnrolmentOut(username=username, otpauth_uri=uri or "")


@router.post("/users/{username}/disable", status_code=204)
def disable_user(session: Db, username: str, who: Admin) -> None:
    try:
        service.disable_user(session, username, actor=who.name)
    except AccountError as exc:
        raise HTTPException(404, str(exc)) from exc


@router.get("/tokens", response_model=list[m.TokenOut])
def list_tokens(session: Db, who: Admin) -> list[m.TokenOut]:
    return [
        m.TokenOut(id=t.id, name=t.name, role=t.role, revoked=t.revoked, expires_at=t.expires_at)
        for t in sessions.list_tokens(session)
    ]


@router.post("/tokens", response_model=m.TokenOut, status_code=201)
def add_token(session: Db, body: m.TokenIn, who: Admin) -> m.TokenOut:
    try:
        row, secret = sessions.create_token(session, body.name, body.role, actor=who.name, days=body.days)
    except AccountError as exc:
        raise HTTPException(400, str(exc)) from exc
    return m.TokenOut(
        id=row.id, name=row.name, role=row.role, revoked=False, expires_at=row.expires_at, token=secret
    )


@router.post("/tokens/{token_id}/revoke", status_code=204)
def revoke_token(session: Db, token_id: int, who: Admin) -> None:
    try:
        sessions.revoke_token(session, token_id, actor=who.name)
    except AccountError as exc:
        raise HTTPException(404, str(exc)) from exc
