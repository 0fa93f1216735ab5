"""/api/v1/audit: the audit log for auditors, as JSON or CSV (the export itself is audited)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from referral_intake.accounts.roles import Perm
from referral_intake.accounts.sessions import Principal
from referral_intake.audit import record
from referral_intake.web.api.models import AuditOut
from referral_intake.web.deps import Db, client_addr, need
from referral_intake.web.ui.audit import Filter, csv_response

router = APIRouter()
Auditor = Annotated[Principal, Depends(need(Perm.AUDIT))]


@router.get("/audit", response_model=list[AuditOut])
def audit_events(request: Request, session: Db, f: Filter, who: Auditor) -> list[AuditOut]:
    rows = f.rows(session)
    record(session, who.name, "read", "audit_log", None, client_addr=client_addr(request))
    return [AuditOut.model_validate(r, from_attributes=True) for r in rows]


@router.get("/audit.csv", response_class=Response, responses={200: {"content": {"text/csv": {}}}})
def audit_csv(request: Request, session: Db, f: Filter, who: Auditor) -> Response:
    return csv_response(request, session, f, who.name)
