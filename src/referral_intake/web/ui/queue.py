"""The review queue page: filters, counts, SLA colours; htmx swaps just the table when a filter changes."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from referral_intake.accounts.roles import Perm
from referral_intake.accounts.sessions import Principal
from referral_intake.audit import record
from referral_intake.cases.states import State as CaseState
from referral_intake.review.queue import QueueFilter, load_queue
from referral_intake.web.casedata import warm_pages
from referral_intake.web.deps import Db, State, client_addr, need
from referral_intake.web.ui.render import page

router = APIRouter()


def queue_filter(
    state: Annotated[str | None, Query(max_length=20)] = CaseState.NEEDS_REVIEW.value,
    reason: Annotated[str | None, Query(max_length=100)] = None,
    sender: Annotated[str | None, Query(max_length=100)] = None,
    min_age_hours: Annotated[str | None, Query(max_length=10, pattern=r"^\d{0,5}(\.\d{1,2})?$")] = None,
    assignee: Annotated[str | None, Query(max_length=100)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> QueueFilter:
    # An empty form field arrives as "": it means "no filter", not an error.
    age = float(min_age_hours) if min_age_hours else None
    return QueueFilter(state or None, reason or None, sender or None, age, assignee or None, limit, offset)


Filter = Annotated[QueueFilter, Depends(queue_filter)]


@router.get("/queue")
def queue_page(
    request: Request,
    state: State,
    session: Db,
    f: Filter,
    who: Annotated[Principal, Depends(need(Perm.QUEUE))],
) -> Response:
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
    first_free = next((r.id for r in q.rows if r.assignee in (None, who.name)), None)
    warm_pages(
        state, session, first_free
    )  # the case this reviewer will most likely open: its pages render meanwhile
    partial = (
        request.headers.get("hx-request") == "true" and request.headers.get("hx-target") == "queue-table"
    )
    name = "_queue_table.html" if partial else "queue.html"
    return page(request, state, name, who, q=q, f=f, states=[s.value for s in CaseState])
