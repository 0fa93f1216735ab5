"""/api/v1/cases: the queue, one case (audited), page images, and every review action."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, TypeVar

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from referral_intake.accounts.roles import Perm
from referral_intake.accounts.sessions import Principal
from referral_intake.audit import record
from referral_intake.errors import ReviewConflict
from referral_intake.review import actions, claims
from referral_intake.review.fields import InvalidValue
from referral_intake.review.queue import load_queue
from referral_intake.review.tables import CaseComment
from referral_intake.store.tables import Case
from referral_intake.web.api import models as m
from referral_intake.web.casedata import case_view, ctx, get_case, page_png
from referral_intake.web.deps import Db, State, client_addr, need
from referral_intake.web.ui.queue import Filter

router = APIRouter()
Queue = Annotated[Principal, Depends(need(Perm.QUEUE))]
Viewer = Annotated[Principal, Depends(need(Perm.CASE_VIEW))]
Editor = Annotated[Principal, Depends(need(Perm.CASE_EDIT))]
Rejecter = Annotated[Principal, Depends(need(Perm.CASE_REJECT))]
Approver = Annotated[Principal, Depends(need(Perm.CASE_APPROVE))]
Reassigner = Annotated[Principal, Depends(need(Perm.CASE_REASSIGN))]
T = TypeVar("T")


def _run(session: Session, case_id: int, fn: Callable[[Case], T]) -> tuple[Case, T]:
    case = get_case(session, case_id)
    try:
        return case, fn(case)
    except InvalidValue as exc:
        raise HTTPException(422, str(exc)) from exc
    except (ReviewConflict, ValueError) as exc:
        raise HTTPException(409, str(exc)) from exc


def _state(case: Case) -> m.StateOut:
    return m.StateOut(id=case.id, state=case.state, assignee=case.assignee)


@router.get("/cases", response_model=m.QueueOut)
def list_cases(request: Request, state: State, session: Db, f: Filter, who: Queue) -> m.QueueOut:
    if f.assignee == "me":
        f.assignee = who.name
    q = load_queue(session, f, state.settings.web.sla_hours)
    record(
        session,
        who.name,
        "read",
        "queue",
        None,
        client_addr=client_addr(request),
        reason=f"{len(q.rows)} rows",
    )
    return m.QueueOut(
        total=q.total,
        by_state=q.by_state,
        by_urgency=q.by_urgency,
        items=[m.QueueItem.model_validate(r, from_attributes=True) for r in q.rows],
    )


@router.get("/cases/{case_id}", response_model=m.CaseOut)
def read_case(request: Request, state: State, session: Db, case_id: int, who: Viewer) -> m.CaseOut:
    case = get_case(session, case_id)
    v = case_view(state, session, case, who, client_addr(request))
    return m.CaseOut(
        id=case.id,
        state=case.state,
        urgency=case.urgency,
        sender=case.sender,
        received_at=case.created_at,
        assignee=case.assignee,
        claimed_until=case.claimed_until,
        parent_case_id=case.parent_case_id,
        pages=[p.number for p in v.pages],
        review_reasons=list(case.review_reasons or []),
        patient_ref=case.patient_ref,
        fields=[
            m.FieldOut(
                flagged=f.flagged,
                **{
                    k: getattr(f, k)
                    for k in (
                        "path",
                        "label",
                        "value",
                        "confidence",
                        "page",
                        "bbox",
                        "low_confidence",
                        "disagree",
                        "invalid",
                        "confirmed",
                    )
                },
            )
            for f in v.fields
        ],
        match=v.match,
        eligibility=v.eligibility,
        history=[m.HistoryOut(at=h.at, actor=h.actor, kind=h.kind, text=h.text) for h in v.history],
        extraction=case.extraction,
    )


@router.get(
    "/cases/{case_id}/pages/{page_no}.png",
    response_class=Response,
    responses={200: {"content": {"image/png": {}}}},
)
def read_page(
    request: Request, state: State, session: Db, case_id: int, page_no: int, who: Viewer
) -> Response:
    data = page_png(state, session, get_case(session, case_id), page_no, who, client_addr(request))
    return Response(data, media_type="image/png", headers={"Cache-Control": "private, no-store"})


@router.post("/cases/{case_id}/fields", response_model=m.FieldResult)
def set_field(
    request: Request, state: State, session: Db, case_id: int, body: m.FieldIn, who: Editor
) -> m.FieldResult:
    c = ctx(state, who, client_addr(request))
    case, value = _run(session, case_id, lambda k: actions.set_value(session, k, body.path, body.value, c))
    left = actions.unresolved_flags(session, case, state.settings.extraction.review_threshold)
    return m.FieldResult(path=body.path, value=value or "", flagged_left=len(left))


@router.post("/cases/{case_id}/claim", response_model=m.StateOut)
def claim(request: Request, state: State, session: Db, case_id: int, who: Editor) -> m.StateOut:
    mins = state.settings.web.claim_timeout_minutes
    case, _ = _run(
        session, case_id, lambda k: claims.claim(session, k, who.name, mins, client_addr=client_addr(request))
    )
    return _state(case)


@router.post("/cases/{case_id}/release", response_model=m.StateOut)
def release(request: Request, session: Db, case_id: int, who: Editor) -> m.StateOut:
    case, _ = _run(
        session, case_id, lambda k: claims.release(session, k, who.name, client_addr=client_addr(request))
    )
    return _state(case)


@router.post("/cases/{case_id}/assign", response_model=m.StateOut)
def assign(
    request: Request, state: State, session: Db, case_id: int, body: m.AssignIn, who: Reassigner
) -> m.StateOut:
    mins, addr = state.settings.web.claim_timeout_minutes, client_addr(request)

    def run(k: Case) -> None:
        if body.assignee:
            claims.assign(session, k, body.assignee, who.name, mins, client_addr=addr)
        else:
            claims.release(session, k, who.name, force=True, client_addr=addr)

    case, _ = _run(session, case_id, run)
    return _state(case)


@router.post("/cases/{case_id}/match", response_model=m.StateOut)
def choose_match(
    request: Request, state: State, session: Db, case_id: int, body: m.MatchIn, who: Editor
) -> m.StateOut:
    c = ctx(state, who, client_addr(request))
    case, _ = _run(session, case_id, lambda k: actions.choose_patient(session, k, body.patient_id, c))
    return _state(case)


@router.post("/cases/{case_id}/approve", response_model=m.StateOut)
def approve(request: Request, state: State, session: Db, case_id: int, who: Approver) -> m.StateOut:
    c, thr = ctx(state, who, client_addr(request)), state.settings.extraction.review_threshold
    case, _ = _run(session, case_id, lambda k: actions.approve(session, k, state.connectors(), c, thr))
    return _state(case)


@router.post("/cases/{case_id}/reject", response_model=m.StateOut)
def reject(
    request: Request, state: State, session: Db, case_id: int, body: m.RejectIn, who: Rejecter
) -> m.StateOut:
    c = ctx(state, who, client_addr(request))
    case, _ = _run(
        session,
        case_id,
        lambda k: actions.reject(session, k, body.reason, c, return_to_sender=body.return_to_sender),
    )
    return _state(case)


@router.post("/cases/{case_id}/split", response_model=m.SplitOut)
def split(
    request: Request, state: State, session: Db, case_id: int, body: m.SplitIn, who: Editor
) -> m.SplitOut:
    c = ctx(state, who, client_addr(request))
    case, child = _run(session, case_id, lambda k: actions.split(session, k, body.pages, c))
    return m.SplitOut(id=case.id, new_case_id=child.id)


@router.get("/cases/{case_id}/comments", response_model=list[m.CommentOut])
def comments(request: Request, session: Db, case_id: int, who: Viewer) -> list[m.CommentOut]:
    get_case(session, case_id)
    rows = session.execute(
        select(CaseComment).where(CaseComment.case_id == case_id).order_by(CaseComment.id)
    ).scalars()
    record(session, who.name, "read", "case_comment", case_id, client_addr=client_addr(request))
    return [m.CommentOut(id=r.id, author=r.author, at=r.at, body=r.body) for r in rows]


@router.post("/cases/{case_id}/comments", response_model=m.CommentOut, status_code=201)
def add_comment(
    request: Request, state: State, session: Db, case_id: int, body: m.CommentIn, who: Editor
) -> m.CommentOut:
    c = ctx(state, who, client_addr(request))
    _, row = _run(session, case_id, lambda k: actions.add_comment(session, k, body.body, c))
    return m.CommentOut(id=row.id, author=row.author, at=row.at, body=row.body)
