"""What a reviewer does to a case: edit or confirm a field, choose the patient, split, comment, decide.

Each action runs in the caller's transaction, requires (and extends) the actor's claim, and leaves a
ReviewAction row and an audit event. The extraction stays valid against the contract after every edit.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from referral_intake.audit import record
from referral_intake.cases import decisions
from referral_intake.cases.opening import open_case
from referral_intake.cases.states import State
from referral_intake.errors import ReviewConflict
from referral_intake.review import claims
from referral_intake.review.fields import (
    InvalidValue,
    field_views,
    get_field,
    known_path,
    label_for,
    normalize,
    referral_of,
    set_field,
    validate_extraction,
)
from referral_intake.review.tables import CaseComment, ReviewAction
from referral_intake.store.base import utcnow
from referral_intake.store.tables import Case, CaseEvent

EDITABLE = (State.NEEDS_REVIEW,)


@dataclass(frozen=True, slots=True)
class Ctx:
    """Who acts, from where, and for how long a claim lasts."""

    actor: str
    claim_minutes: int = 30
    client_addr: str | None = None


def _editable(session: Session, case: Case, ctx: Ctx) -> None:
    if case.state not in EDITABLE:
        raise ReviewConflict(f"case {case.id} is {case.state}; only cases needing review can be changed")
    claims.claim(session, case, ctx.actor, ctx.claim_minutes, client_addr=ctx.client_addr)


def confirmed_paths(session: Session, case_id: int) -> set[str]:
    rows = session.execute(
        select(ReviewAction.detail).where(
            ReviewAction.case_id == case_id, ReviewAction.kind.in_(("edit", "confirm"))
        )
    ).scalars()
    return {d["path"] for d in rows if d and "path" in d}


def set_value(session: Session, case: Case, path: str, raw: str, ctx: Ctx) -> str | None:
    """Confirm (same value) or correct a field. Returns the normalized value; InvalidValue says what to fix.

    A person's value is certain: confidence becomes 1.0, the page and box of the source are kept.
    """
    if not known_path(path):
        raise InvalidValue("Unknown field.")
    value = normalize(path, raw)
    _editable(session, case, ctx)
    extraction = copy.deepcopy(case.extraction) if case.extraction else None
    ref = referral_of(extraction)
    if extraction is None or ref is None:
        raise ReviewConflict(f"case {case.id} has no extracted referral to edit")
    old = get_field(ref, path) or {}
    kind = "confirm" if old.get("value") == value else "edit"
    new = {k: v for k, v in old.items() if k in ("page", "bbox", "text")}
    new.update(value=value, confidence=1.0)
    set_field(ref, path, new)
    try:
        validate_extraction(extraction)
    except Exception as exc:  # the contract refused the shape: report which field, never the value
        raise InvalidValue("This field cannot take that value.") from exc
    case.extraction = extraction
    case.version = (case.version or 0) + 1
    session.add(
        ReviewAction(
            case_id=case.id,
            actor=ctx.actor,
            at=utcnow(),
            kind=kind,
            detail={
                "path": path,
                "old": old.get("value"),
                "new": value,
                "old_confidence": old.get("confidence"),
            },
        )
    )
    record(
        session,
        ctx.actor,
        "update" if kind == "edit" else "confirm",
        "case_field",
        case.id,
        client_addr=ctx.client_addr,
        reason=f"{kind} {path}",
    )
    return value


def unresolved_flags(session: Session, case: Case, threshold: float) -> list[str]:
    views = field_views(
        case.extraction, case.review_reasons or [], confirmed_paths(session, case.id), threshold
    )
    return [v.label for v in views if v.flagged]


def candidate_id(candidate: dict[str, Any]) -> str | None:
    for key in ("patient_id", "id", "patient_ref", "chart_id"):
        if candidate.get(key) not in (None, ""):
            return str(candidate[key])
    patient = candidate.get("patient") or candidate.get("record")
    if isinstance(patient, dict) and patient.get("id") not in (None, ""):
        return str(patient["id"])
    return None


def choose_patient(session: Session, case: Case, patient_id: str | None, ctx: Ctx) -> None:
    """The reviewer's match: an existing chart (one of the candidates) or a new patient (None)."""
    _editable(session, case, ctx)
    match = copy.deepcopy(case.match) if isinstance(case.match, dict) else {}
    ids = [candidate_id(c) for c in match.get("candidates") or [] if isinstance(c, dict)]
    if patient_id is not None and patient_id not in ids:
        raise ReviewConflict(f"the chosen chart is not a candidate of case {case.id}; pick one listed")
    match.setdefault("machine_decision", match.get("decision"))
    match["decision"] = "link" if patient_id else "new"
    match["patient_id"] = patient_id
    match["review_choice"] = {"patient_id": patient_id, "by": ctx.actor, "at": utcnow().isoformat()}
    # Per-connector chart ids from matching would override patient_ref at export: the person decides now.
    match.pop("patient_ids", None)
    case.match = match
    case.patient_ref = patient_id
    case.version = (case.version or 0) + 1
    session.add(
        ReviewAction(
            case_id=case.id, actor=ctx.actor, at=utcnow(), kind="match", detail={"patient_id": patient_id}
        )
    )
    record(
        session,
        ctx.actor,
        "match",
        "case",
        case.id,
        client_addr=ctx.client_addr,
        reason="new patient" if patient_id is None else "linked to candidate",
    )


def match_pending(case: Case) -> bool:
    m = case.match if isinstance(case.match, dict) else None
    return m is not None and bool(m) and m.get("decision") not in ("link", "new")


def approve(session: Session, case: Case, connectors: list[str], ctx: Ctx, threshold: float) -> None:
    """Approve for export once nothing is left to check: no open flag, the patient chosen."""
    _editable(session, case, ctx)
    open_flags = unresolved_flags(session, case, threshold)
    if open_flags:
        raise ReviewConflict(
            f"{len(open_flags)} flagged field(s) still to confirm: " + ", ".join(open_flags[:5])
        )
    if match_pending(case):
        raise ReviewConflict("choose the patient (an existing chart or a new patient) before approving")
    decisions.approve(session, case, connectors, actor=ctx.actor, client_addr=ctx.client_addr)
    record(session, ctx.actor, "decide", "case", case.id, client_addr=ctx.client_addr, reason="approve")


def reject(session: Session, case: Case, reason: str, ctx: Ctx, *, return_to_sender: bool = False) -> None:
    _editable(session, case, ctx)
    reason = reason.strip()
    if not reason:
        raise ReviewConflict("a rejection needs a reason (it is sent back to the referring office)")
    full = f"return to sender: {reason}" if return_to_sender else reason
    decisions.reject(session, case, full[:2000], actor=ctx.actor, client_addr=ctx.client_addr)
    record(
        session,
        ctx.actor,
        "decide",
        "case",
        case.id,
        client_addr=ctx.client_addr,
        reason="return_to_sender" if return_to_sender else "reject",
    )


def all_pages(case: Case) -> list[int]:
    if case.pages:
        return list(case.pages)
    doc = (case.extraction or {}).get("document") or {}
    count = int(doc.get("page_count") or 0)
    return list(range(1, count + 1))


def split(session: Session, case: Case, pages: Sequence[int], ctx: Ctx) -> Case:
    """Move `pages` of this case's document to a new case (a second referral in the same packet).

    The new case starts at `received` limited to its pages, so the pipeline reads and extracts only those.
    """
    _editable(session, case, ctx)
    current = all_pages(case)
    moving = sorted(set(pages))
    if not moving or any(p not in current for p in moving):
        raise ReviewConflict("choose pages of this case to move")
    if len(moving) == len(current):
        raise ReviewConflict("at least one page must stay with this case")
    now = utcnow()
    child = open_case(
        session,
        document_id=case.document_id,
        receipt_id=case.receipt_id,
        state=State.RECEIVED,
        stage="split",
        actor=ctx.actor,
        detail={"split_from": case.id, "pages": moving},
        reason=f"split from case {case.id}",
        parent=case,
        client_addr=ctx.client_addr,
        pages=moving,
    )
    case.pages = [p for p in current if p not in moving]
    case.version = (case.version or 0) + 1
    session.add(
        ReviewAction(
            case_id=case.id,
            actor=ctx.actor,
            at=now,
            kind="split",
            detail={"pages": moving, "new_case": child.id},
        )
    )
    record(
        session,
        ctx.actor,
        "split",
        "case",
        case.id,
        client_addr=ctx.client_addr,
        reason=f"to case {child.id}",
    )
    return child


def add_comment(session: Session, case: Case, body: str, ctx: Ctx) -> CaseComment:
    body = body.strip()
    if not body:
        raise ReviewConflict("a comment cannot be empty")
    row = CaseComment(case_id=case.id, author=ctx.actor, at=utcnow(), body=body[:4000])
    session.add(row)
    session.flush()
    record(session, ctx.actor, "comment", "case", case.id, client_addr=ctx.client_addr)
    return row


@dataclass(frozen=True, slots=True)
class HistoryItem:
    at: str
    actor: str
    kind: str
    text: str


def history(session: Session, case_id: int) -> list[HistoryItem]:
    """State changes, review actions and comments of a case, oldest first."""
    items: list[tuple[Any, HistoryItem]] = []
    for ev in session.execute(select(CaseEvent).where(CaseEvent.case_id == case_id)).scalars():
        text = f"{ev.from_state or '—'} → {ev.to_state}" + (f" ({ev.stage})" if ev.stage else "")
        if ev.detail and ev.detail.get("reason"):
            text += f": {ev.detail['reason']}"
        items.append((ev.at, HistoryItem(ev.at.isoformat(timespec="seconds"), ev.actor, "state", text)))
    for ra in session.execute(select(ReviewAction).where(ReviewAction.case_id == case_id)).scalars():
        d = ra.detail or {}
        if ra.kind in ("edit", "confirm"):
            text = f"{ra.kind} {label_for(d.get('path', ''))}"
        elif ra.kind == "match":
            text = "new patient" if d.get("patient_id") is None else f"linked to patient {d['patient_id']}"
        elif ra.kind == "split":
            text = f"pages {d.get('pages')} moved to case {d.get('new_case')}"
        else:
            text = ra.kind + (f" (from {d['from']})" if d.get("from") else "")
        items.append((ra.at, HistoryItem(ra.at.isoformat(timespec="seconds"), ra.actor, ra.kind, text)))
    for c in session.execute(select(CaseComment).where(CaseComment.case_id == case_id)).scalars():
        items.append((c.at, HistoryItem(c.at.isoformat(timespec="seconds"), c.author, "comment", c.body)))
    items.sort(key=lambda t: t[0])
    return [h for _, h in items]
