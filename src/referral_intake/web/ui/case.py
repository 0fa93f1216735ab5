"""The case review screen and its actions: fields, page images, claim, match, split, comments, decisions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from referral_intake.accounts.roles import Perm
from referral_intake.accounts.sessions import Principal
from referral_intake.errors import IntakeError, ReviewConflict
from referral_intake.review import actions, claims
from referral_intake.review.fields import InvalidValue
from referral_intake.store.tables import Case
from referral_intake.web.casedata import case_view, ctx, get_case, page_png
from referral_intake.web.deps import AppState, Db, State, client_addr, need
from referral_intake.web.ui.render import page

router = APIRouter()
Viewer = Annotated[Principal, Depends(need(Perm.CASE_VIEW))]
Editor = Annotated[Principal, Depends(need(Perm.CASE_EDIT))]
Rejecter = Annotated[Principal, Depends(need(Perm.CASE_REJECT))]
Approver = Annotated[Principal, Depends(need(Perm.CASE_APPROVE))]
Reassigner = Annotated[Principal, Depends(need(Perm.CASE_REASSIGN))]


def _show(
    request: Request,
    state: AppState,
    session: Session,
    case: Case,
    who: Principal,
    error: str | None = None,
    status: int = 200,
) -> Response:
    view = case_view(state, session, case, who, client_addr(request))
    return page(
        request,
        state,
        "case.html",
        who,
        status,
        v=view,
        c=case,
        error=error,
        threshold=state.settings.extraction.review_threshold,
    )


def _act(
    request: Request,
    state: AppState,
    session: Session,
    case_id: int,
    who: Principal,
    fn: Callable[[Case], object],
    then: str | None = None,
) -> Response:
    """Run one review action; on refusal roll it back and show the case with the reason."""
    case = get_case(session, case_id)
    try:
        fn(case)
    except (ReviewConflict, InvalidValue, IntakeError, ValueError) as exc:
        session.rollback()
        case = get_case(session, case_id)
        return _show(request, state, session, case, who, error=str(exc), status=409)
    return RedirectResponse(then or f"/cases/{case_id}", status_code=303)


@router.get("/cases/{case_id}")
def case_page(request: Request, state: State, session: Db, case_id: int, who: Viewer) -> Response:
    return _show(request, state, session, get_case(session, case_id), who)


@router.get("/cases/{case_id}/pages/{page_no}.png")
def case_page_image(
    request: Request, state: State, session: Db, case_id: int, page_no: int, who: Viewer
) -> Response:
    data = page_png(state, session, get_case(session, case_id), page_no, who, client_addr(request))
    return Response(data, media_type="image/png", headers={"Cache-Control": "private, no-store"})


@router.post("/cases/{case_id}/fields")
def set_field(
    request: Request,
    state: State,
    session: Db,
    case_id: int,
    who: Editor,
    path: Annotated[str, Form(max_length=200)],
    value: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    wants_json = "application/json" in request.headers.get("accept", "")
    case = get_case(session, case_id)
    try:
        normalized = actions.set_value(session, case, path, value, ctx(state, who, client_addr(request)))
    except (InvalidValue, ReviewConflict) as exc:
        session.rollback()
        if wants_json:
            return JSONResponse({"ok": False, "path": path, "error": str(exc)}, status_code=422)
        return _show(request, state, session, get_case(session, case_id), who, error=str(exc), status=422)
    if wants_json:
        left = actions.unresolved_flags(session, case, state.settings.extraction.review_threshold)
        return JSONResponse({"ok": True, "path": path, "value": normalized or "", "flagged_left": len(left)})
    return RedirectResponse(f"/cases/{case_id}", status_code=303)


@router.post("/cases/{case_id}/claim")
def claim(request: Request, state: State, session: Db, case_id: int, who: Editor) -> Response:
    minutes = state.settings.web.claim_timeout_minutes
    return _act(
        request,
        state,
        session,
        case_id,
        who,
        lambda c: claims.claim(session, c, who.name, minutes, client_addr=client_addr(request)),
    )


@router.post("/cases/{case_id}/release")
def release(request: Request, state: State, session: Db, case_id: int, who: Editor) -> Response:
    return _act(
        request,
        state,
        session,
        case_id,
        who,
        lambda c: claims.release(session, c, who.name, client_addr=client_addr(request)),
        then="/queue",
    )


@router.post("/cases/{case_id}/assign")
def assign(
    request: Request,
    state: State,
    session: Db,
    case_id: int,
    who: Reassigner,
    assignee: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    minutes = state.settings.web.claim_timeout_minutes

    def run(c: Case) -> None:
        if assignee.strip():
            claims.assign(session, c, assignee.strip(), who.name, minutes, client_addr=client_addr(request))
        else:
            claims.release(session, c, who.name, force=True, client_addr=client_addr(request))

    return _act(request, state, session, case_id, who, run)


@router.post("/cases/{case_id}/match")
def choose_match(
    request: Request,
    state: State,
    session: Db,
    case_id: int,
    who: Editor,
    patient_id: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    choice = patient_id.strip() or None
    return _act(
        request,
        state,
        session,
        case_id,
        who,
        lambda c: actions.choose_patient(session, c, choice, ctx(state, who, client_addr(request))),
    )


@router.post("/cases/{case_id}/approve")
def approve(request: Request, state: State, session: Db, case_id: int, who: Approver) -> Response:
    thr = state.settings.extraction.review_threshold
    return _act(
        request,
        state,
        session,
        case_id,
        who,
        lambda c: actions.approve(session, c, state.connectors(), ctx(state, who, client_addr(request)), thr),
    )


@router.post("/cases/{case_id}/reject")
def reject(
    request: Request,
    state: State,
    session: Db,
    case_id: int,
    who: Rejecter,
    reason: Annotated[str, Form(max_length=2000)] = "",
    return_to_sender: Annotated[str, Form()] = "",
) -> Response:
    rts = return_to_sender in ("1", "on", "true")
    return _act(
        request,
        state,
        session,
        case_id,
        who,
        lambda c: actions.reject(
            session, c, reason, ctx(state, who, client_addr(request)), return_to_sender=rts
        ),
    )


@router.post("/cases/{case_id}/split")
async def split(request: Request, state: State, session: Db, case_id: int, who: Editor) -> Response:
    form = await request.form()
    try:
        pages = [int(str(p)) for p in form.getlist("pages")]
    except ValueError:
        pages = []
    holder: dict[str, int] = {}

    def run(c: Case) -> None:
        holder["id"] = actions.split(session, c, pages, ctx(state, who, client_addr(request))).id

    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(_act, request, state, session, case_id, who, run)


@router.post("/cases/{case_id}/comments")
def comment(
    request: Request,
    state: State,
    session: Db,
    case_id: int,
    who: Editor,
    body: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    def run(c: Case) -> None:
        actions.add_comment(session, c, body, ctx(state, who, client_addr(request)))

    return _act(request, state, session, case_id, who, run, then=f"/cases/{case_id}#comments")
