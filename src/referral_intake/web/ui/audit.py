"""The auditor's page: the audit log with filters, and its CSV export (itself audited)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from referral_intake.accounts.roles import Perm
from referral_intake.accounts.sessions import Principal
from referral_intake.audit import record
from referral_intake.store.tables import AuditEvent
from referral_intake.web.deps import Db, State, client_addr, need
from referral_intake.web.ui.render import page

router = APIRouter()
COLUMNS = ("id", "at", "actor", "action", "resource_type", "resource_id", "outcome", "client_addr", "reason")


class AuditFilter:
    def __init__(
        self,
        actor: Annotated[str | None, Query(max_length=100)] = None,
        action: Annotated[str | None, Query(max_length=40)] = None,
        resource_type: Annotated[str | None, Query(max_length=40)] = None,
        resource_id: Annotated[str | None, Query(max_length=100)] = None,
        since: Annotated[date | None, Query()] = None,
        until: Annotated[date | None, Query()] = None,
        limit: Annotated[int, Query(ge=1, le=5000)] = 200,
    ) -> None:
        self.actor, self.action, self.resource_type, self.resource_id = (
            actor,
            action,
            resource_type,
            resource_id,
        )
        self.since, self.until, self.limit = since, until, limit

    def rows(self, session: Session, limit: int | None = None) -> list[AuditEvent]:
        stmt = select(AuditEvent)
        if self.actor:
            stmt = stmt.where(AuditEvent.actor == self.actor)
        if self.action:
            stmt = stmt.where(AuditEvent.action == self.action)
        if self.resource_type:
            stmt = stmt.where(AuditEvent.resource_type == self.resource_type)
        if self.resource_id:
            stmt = stmt.where(AuditEvent.resource_id == self.resource_id)
        if self.since:
            stmt = stmt.where(AuditEvent.at >= datetime.combine(self.since, time.min, tzinfo=UTC))
        if self.until:
            stmt = stmt.where(
                AuditEvent.at < datetime.combine(self.until + timedelta(days=1), time.min, tzinfo=UTC)
            )
        stmt = stmt.order_by(AuditEvent.id.desc()).limit(limit or self.limit)
        return list(session.execute(stmt).scalars())


Filter = Annotated[AuditFilter, Depends()]


def to_csv(rows: list[AuditEvent]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(COLUMNS)
    for r in rows:
        w.writerow(
            [
                r.id,
                r.at.isoformat(),
                r.actor,
                r.action,
                r.resource_type,
                r.resource_id,
                r.outcome,
                r.client_addr,
                r.reason,
            ]
        )
    return buf.getvalue()


@router.get("/audit")
def audit_page(
    request: Request,
    state: State,
    session: Db,
    f: Filter,
    who: Annotated[Principal, Depends(need(Perm.AUDIT))],
) -> Response:
    rows = f.rows(session)
    record(session, who.name, "read", "audit_log", None, client_addr=client_addr(request))
    return page(request, state, "audit.html", who, rows=rows, f=f)


def csv_response(request: Request, session: Session, f: AuditFilter, actor: str) -> Response:
    """The filtered log as a CSV download; the export itself is an audited event (UI and API alike)."""
    rows = f.rows(session, limit=min(f.limit * 100, 500_000))
    record(
        session,
        actor,
        "export",
        "audit_log",
        None,
        client_addr=client_addr(request),
        reason=f"{len(rows)} rows",
    )
    return Response(
        to_csv(rows),
        media_type="text/csv",
        headers={"Content-Disposition": 'attachment; filename="audit.csv"'},
    )


@router.get("/audit.csv")
def audit_csv(
    request: Request, session: Db, f: Filter, who: Annotated[Principal, Depends(need(Perm.AUDIT))]
) -> Response:
    return csv_response(request, session, f, who.name)
