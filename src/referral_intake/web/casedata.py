"""Case data shared by the UI and the API: loading, the review view model (audited), page images.

The match and eligibility panels read JSON written by other stages; every key is optional here so a
missing or renamed key shows less, never breaks the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import structlog
from fastapi import HTTPException
from sqlalchemy.orm import Session

from referral_intake.accounts.sessions import Principal
from referral_intake.audit import record
from referral_intake.errors import UnreadableDocument, VaultError
from referral_intake.review import actions, claims
from referral_intake.review.fields import FieldView, field_views
from referral_intake.review.queue import next_case_id
from referral_intake.store.tables import Case, Document
from referral_intake.web.deps import AppState

log = structlog.get_logger(__name__)


def get_case(session: Session, case_id: int) -> Case:
    case = session.get(Case, case_id)
    if case is None:
        raise HTTPException(404, f"no case {case_id}")
    return case


def _num(v: Any) -> float | None:
    try:
        return None if v is None else float(v)
    except (TypeError, ValueError):
        return None


def _breakdown(c: dict[str, Any]) -> list[dict[str, Any]]:
    raw = c.get("breakdown") or c.get("comparisons") or c.get("attributes") or c.get("features") or []
    out: list[dict[str, Any]] = []
    if isinstance(raw, dict):
        raw = [
            dict(v, attribute=k) if isinstance(v, dict) else {"attribute": k, "weight": v}
            for k, v in raw.items()
        ]
    for item in raw if isinstance(raw, list) else []:
        if not isinstance(item, dict):
            continue
        attr = item.get("attribute") or item.get("name") or item.get("field") or "?"
        level = (
            item.get("level") or item.get("label") or item.get("agreement") or item.get("comparison") or ""
        )
        weight = _num(
            item.get("weight", item.get("log_bayes_factor", item.get("bayes_factor", item.get("score"))))
        )
        out.append({"attribute": str(attr), "level": str(level), "weight": weight})
    return out


def _candidate_label(c: dict[str, Any]) -> str:
    p = c.get("patient") or c.get("record") or c
    if not isinstance(p, dict):
        return ""
    name = " ".join(str(p[k]) for k in ("first_name", "last_name") if p.get(k))
    bits = [name or str(p.get("name") or "")]
    if p.get("date_of_birth"):
        bits.append(f"born {p['date_of_birth']}")
    if p.get("mrn"):
        bits.append(f"MRN {p['mrn']}")
    return ", ".join(b for b in bits if b)


def match_view(match: dict[str, Any] | None) -> dict[str, Any] | None:
    if not isinstance(match, dict):
        return None
    cands = []
    for c in match.get("candidates") or []:
        if not isinstance(c, dict):
            continue
        cid = actions.candidate_id(c)
        if cid is None:
            continue
        prob = _num(c.get("probability", c.get("match_probability", c.get("score"))))
        cands.append(
            {
                "id": cid,
                "guards": [str(g).replace("_", " ") for g in c.get("guards") or []],
                "label": _candidate_label(c),
                "probability": prob,
                "breakdown": _breakdown(c),
                "percent": None if prob is None else round(prob * 100, 1),
            }
        )
    npp = _num(match.get("new_patient_probability"))
    choice = match.get("review_choice") if isinstance(match.get("review_choice"), dict) else None
    return {
        "decision": match.get("decision"),
        "machine_decision": match.get("machine_decision", match.get("decision")),
        "reason": match.get("reason")
        or ", ".join(str(r).replace("_", " ") for r in match.get("reasons") or []),
        "new_patient_percent": None if npp is None else round(npp * 100, 1),
        "chosen": match.get("patient_id") if match.get("decision") == "link" else None,
        "decided": match.get("decision") in ("link", "new"),
        "review_choice": choice,
        "candidates": cands,
    }


def eligibility_view(elig: dict[str, Any] | None) -> dict[str, Any] | None:
    """The eligibility stage's own panel rows when that stage is installed, else a plain reading."""
    try:
        from referral_intake.eligibility.panel import panel_view

        view: dict[str, Any] | None = panel_view(elig)
        return view
    except ImportError:
        pass  # the eligibility stage is not installed: the plain reading below
    except Exception:  # a stored result of an older shape: the plain reading below
        log.warning("eligibility panel could not read the stored result")
    if not isinstance(elig, dict):
        return None
    plan = elig.get("plan_name") or elig.get("plan")
    benefits = elig.get("benefits") or []
    rows = []
    for b in benefits if isinstance(benefits, list) else []:
        if isinstance(b, dict):
            rows.append(
                ", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in b.items() if v not in (None, "", []))
            )
        else:
            rows.append(str(b))
    if isinstance(plan, dict):
        plan = plan.get("name") or plan.get("description")
    payer = elig.get("payer")
    if isinstance(payer, dict):
        payer = payer.get("name") or payer.get("payer_id")
    return {
        "status": elig.get("status") or "unknown",
        "reason": elig.get("reason"),
        "plan": plan,
        "benefits": rows,
        "checked_at": elig.get("checked_at"),
        "payer": payer,
    }


@dataclass(slots=True)
class PageImage:
    number: int
    width: float
    height: float


@dataclass(slots=True)
class CaseView:
    case: Case
    fields: list[FieldView]
    flagged: int
    pages: list[PageImage]
    match: dict[str, Any] | None
    eligibility: dict[str, Any] | None
    history: list[actions.HistoryItem]
    mine: bool
    held_by_other: bool
    match_pending: bool
    next_case: int | None


def _page_sizes(state: AppState, session: Session, case: Case) -> list[PageImage]:
    doc = session.get(Document, case.document_id)
    if doc is None:
        return []
    try:
        sizes = state.renderer.sizes(doc.sha256, doc.media_type, lambda: state.vault.get(doc))
    except VaultError:
        return []
    wanted = [n for n in (case.pages or range(1, len(sizes) + 1)) if 1 <= n <= len(sizes)]
    state.renderer.prefetch(doc.sha256, doc.media_type, wanted, lambda: state.vault.get(doc))
    return [PageImage(n, *sizes[n - 1]) for n in wanted]


def case_view(state: AppState, session: Session, case: Case, who: Principal, addr: str | None) -> CaseView:
    """Everything the review screen shows; records the look at PHI in the audit log."""
    threshold = state.settings.extraction.review_threshold
    confirmed = actions.confirmed_paths(session, case.id)
    fields = field_views(case.extraction, list(case.review_reasons or []), confirmed, threshold)
    record(session, who.name, "read", "case", case.id, client_addr=addr)
    nxt = next_case_id(session, case.id, who.name)
    pages = _page_sizes(state, session, case)
    warm_pages(state, session, nxt)
    return CaseView(
        case=case,
        fields=fields,
        flagged=sum(1 for f in fields if f.flagged),
        pages=pages,
        match=match_view(case.match),
        eligibility=eligibility_view(case.eligibility),
        history=actions.history(session, case.id),
        mine=case.assignee == who.name and not claims.held_by_other(case, who.name),
        held_by_other=claims.held_by_other(case, who.name),
        match_pending=actions.match_pending(case),
        next_case=nxt,
    )


def page_png(
    state: AppState, session: Session, case: Case, page: int, who: Principal, addr: str | None
) -> bytes:
    if case.pages and page not in case.pages:
        raise HTTPException(404, f"page {page} is not part of case {case.id}")
    doc = session.get(Document, case.document_id)
    if doc is None:
        raise HTTPException(404, "the case has no stored original")
    try:
        data = state.renderer.png(doc.sha256, doc.media_type, page, lambda: state.vault.get(doc))
    except UnreadableDocument as exc:
        raise HTTPException(404, str(exc)) from exc
    except VaultError as exc:
        raise HTTPException(500, "the original cannot be read from the vault; see the server log") from exc
    record(session, who.name, "read", "page_image", case.id, client_addr=addr, reason=f"page {page}")
    return data


def ctx(state: AppState, who: Principal, addr: str | None) -> actions.Ctx:
    return actions.Ctx(who.name, state.settings.web.claim_timeout_minutes, addr)


def warm_pages(state: AppState, session: Session, case_id: int | None) -> None:
    """Render, in the background, the pages of the case a reviewer is likely to open next.

    The rows are read here, in the request's own session: the render thread never touches the database,
    so it can never wait on a lock held by a request that is itself waiting for a rendered page.
    """
    case = session.get(Case, case_id) if case_id is not None else None
    doc = session.get(Document, case.document_id) if case is not None else None
    if case is None or doc is None:
        return
    sha, media_type, wanted = doc.sha256, doc.media_type, list(case.pages or [])

    def load() -> bytes:
        return state.vault.get(doc)

    def run() -> None:
        try:
            count = len(state.renderer.sizes(sha, media_type, load))
            for n in wanted or range(1, count + 1):
                if 1 <= n <= count:
                    state.renderer.png(sha, media_type, n, load)
        except Exception:  # only a warm-up: the real request renders (and reports) on its own
            log.warning("page warm-up failed", case_id=case_id)

    state.renderer.submit_once(("warm", case_id), run)
