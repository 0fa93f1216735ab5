"""The layout extractor (positioned words -> contract `Extraction`) and `extract_document`, the pipeline's entry.

`extract_detailed` also returns, beside the contract (which has no slot for them), the per-field evidence and
the conflicting alternatives the review screen shows; `explain` renders them for `extract --explain`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import structlog
from rapidfuzz import fuzz

from referral_intake.contract import (
    Address,
    Coded,
    Coverage,
    DocumentInfo,
    Extraction,
    Field,
    PageInfo,
    Patient,
    Provider,
    Referral,
)
from referral_intake.extraction import confidence as conf
from referral_intake.extraction.candidates import Candidate
from referral_intake.extraction.harvest import harvest_labels
from referral_intake.extraction.layout import analyze
from referral_intake.extraction.narrative import harvest_narrative
from referral_intake.extraction.patterns import drop_unticked_options, harvest_patterns
from referral_intake.extraction.reconcile import Alternative, Choice, reconcile
from referral_intake.reading.model import Page, ReadDocument

log = structlog.get_logger(__name__)


@dataclass(slots=True)
class FieldEvidence:
    """Why a field got its value and confidence: the features, plain-language reasons, and rival values."""

    referral: int  # index into Extraction.referrals
    path: str  # contract path inside the referral (`patient.last_name`, `diagnoses.0.code`)
    confidence: float
    features: dict[str, float]
    reasons: list[str]
    alternatives: list[Alternative]

    def to_dict(self) -> dict[str, Any]:
        return {
            "referral": self.referral,
            "path": self.path,
            "confidence": self.confidence,
            "features": {k: v for k, v in self.features.items() if v},
            "reasons": self.reasons,
            "alternatives": [
                {"value": a.value, "score": round(a.score, 3), "pages": a.pages, "texts": a.texts}
                for a in self.alternatives
            ],
        }


@dataclass(slots=True)
class DetailedExtraction:
    extraction: Extraction
    evidence: list[FieldEvidence] = field(default_factory=list)

    def conflicts(self) -> list[FieldEvidence]:
        """Fields for which the document also states a different value (shown to the reviewer)."""
        return [e for e in self.evidence if e.alternatives]

    def flags(self, threshold: float) -> list[FieldEvidence]:
        """Fields below the review threshold."""
        return [e for e in self.evidence if e.confidence < threshold]

    def evidence_json(self) -> list[dict[str, Any]]:
        return [e.to_dict() for e in self.evidence]


class LayoutExtractor:
    """Reads fields from positioned words by labels, sections, prose and patterns; no templates."""

    name = "layout"

    def extract(self, doc: ReadDocument) -> Extraction:
        return self.extract_detailed(doc).extraction

    def extract_detailed(self, doc: ReadDocument) -> DetailedExtraction:
        page_cands: dict[int, list[Candidate]] = {}
        for page in doc.pages:
            layout = analyze(page)
            cands = harvest_labels(layout) + harvest_patterns(layout) + harvest_narrative(layout)
            cands = drop_unticked_options(cands, layout)
            if page.kind == "cover_sheet":
                # A fax cover's "Comments:" line asks to schedule or call back; it is no clinical summary.
                cands = [c for c in cands if c.path != "clinical_summary"]
            page_cands[page.number] = cands
        ocr_pages = {p.number for p in doc.pages if p.text_source == "ocr"}
        segments = [s.pages for s in doc.segments if s.pages] or [[p.number for p in doc.pages]]
        segments = refine_segments(segments, page_cands)
        referrals: list[Referral] = []
        evidence: list[FieldEvidence] = []
        errors = list(doc.errors)
        covers = {p.number for p in doc.pages if p.kind == "cover_sheet"}
        for ri, pages in enumerate(segments):
            cands = [c for pno in pages for c in page_cands.get(pno, [])]
            if len(segments) > 1 and not covers & set(pages):
                # A packet's fax cover names the sender and the recipient once for every referral in it.
                cands += [
                    c
                    for pno in sorted(covers)
                    for c in page_cands.get(pno, [])
                    if c.path.startswith(("referring_provider.", "referred_to."))
                ]
            choices = reconcile(cands)
            ref = Referral(pages=sorted(pages))
            for ch in choices:
                for item in (ch, ch.description):
                    if item is None:
                        continue
                    item.features = conf.features(item, item.best.page in ocr_pages)
                    item.confidence = conf.predict(item.features)
                    evidence.append(
                        FieldEvidence(
                            ri, item.path, item.confidence, item.features, conf.reasons(item), item.rivals
                        )
                    )
                _place(ref, ch)
            referrals.append(ref)
            for ch in choices:
                if ch.rivals and ch.conflict_share > 0.2:
                    pages_s = sorted({p for a in ch.rivals for p in a.pages} | {ch.best.page})
                    # No values here: errors may be logged, and values are PHI.
                    errors.append(
                        f"conflict: referral {ri + 1} {ch.path} has {len(ch.rivals) + 1} differing values "
                        f"(pages {', '.join(map(str, pages_s))})"
                    )
        extraction = Extraction(document=document_info(doc), referrals=referrals, errors=errors)
        return DetailedExtraction(extraction, evidence)


def _page_identity(cands: list[Candidate]) -> tuple[str | None, str | None]:
    """(last name, DOB) the page states most firmly for its patient; used only to compare pages."""
    best: dict[str, tuple[float, str]] = {}
    for c in cands:
        if c.path in ("patient.last_name", "patient.date_of_birth") and c.strength >= 0.6:
            s = c.strength * (1.0 if c.role_source in ("label", "section", "pattern", "default") else 0.5)
            if c.path not in best or s > best[c.path][0]:
                best[c.path] = (s, str(c.value).lower())
    last = best.get("patient.last_name")
    dob = best.get("patient.date_of_birth")
    return (last[1] if last else None, dob[1] if dob else None)


def same_surname(a: str, b: str) -> bool:
    """ "De La Cruz" and "LA CRUZ" (a banner that dropped a particle), or one OCR slip, are the same surname."""
    a, b = a.lower(), b.lower()
    return fuzz.ratio(a, b) >= 85 or (min(len(a), len(b)) >= 4 and (a.endswith(b) or b.endswith(a)))


def refine_segments(segments: list[list[int]], page_cands: dict[int, list[Candidate]]) -> list[list[int]]:
    """Split a segment where a page names a different patient (DOB, else last name) than the pages before.

    The packet splitter in reading decides first; this catches a page it left with the wrong patient, the
    costliest error a referral inbox makes (a page filed to the wrong chart).
    """
    # Pages the splitter left out belong with the segment that follows them (else the last one).
    covered = {p for seg in segments for p in seg}
    segments = [list(s) for s in segments]
    for pno in sorted(set(page_cands) - covered):
        nxt = next((s for s in segments if s and min(s) > pno), segments[-1] if segments else None)
        if nxt is None:
            segments.append([pno])
        else:
            nxt.append(pno)
            nxt.sort()
    out: list[list[int]] = []
    for seg in segments:
        cur: list[int] = []
        cur_last: str | None = None
        cur_dob: str | None = None
        for pno in seg:
            last, dob = _page_identity(page_cands.get(pno, []))
            same_last = last is not None and cur_last is not None and same_surname(last, cur_last)
            diff_last = last is not None and cur_last is not None and not same_last
            same_dob = dob is not None and dob == cur_dob
            diff_dob = dob is not None and cur_dob is not None and dob != cur_dob
            # One differing item with the other agreeing is a misread (a conflict to review), not a new patient.
            if cur and ((diff_last and not same_dob) or (diff_dob and not same_last)):
                out.append(cur)
                cur, cur_last, cur_dob = [], None, None
            cur.append(pno)
            cur_last = cur_last or last
            cur_dob = cur_dob or dob
        if cur:
            out.append(cur)
    return _merge_same_patient(out, page_cands)


def _merge_same_patient(pieces: list[list[int]], page_cands: dict[int, list[Candidate]]) -> list[list[int]]:
    """Join neighbouring pieces that name the same patient (same last name and DOB) into one referral."""
    # A piece naming no patient at all (a fax cover sheet) belongs to the referral it precedes.
    anchored: list[list[int]] = []
    pending: list[int] = []
    for piece in pieces:
        ids = [_page_identity(page_cands.get(p, [])) for p in piece]
        if not any(i[0] or i[1] for i in ids):
            pending.extend(piece)
            continue
        anchored.append(pending + piece)
        pending = []
    if pending:
        if anchored:
            anchored[-1].extend(pending)
        else:
            anchored.append(pending)
    merged: list[list[int]] = []
    prev: tuple[str | None, str | None] = (None, None)
    for piece in anchored:
        ids = [_page_identity(page_cands.get(p, [])) for p in piece]
        last = next((i[0] for i in ids if i[0]), None)
        dob = next((i[1] for i in ids if i[1]), None)
        same_dob = dob is not None and dob == prev[1]
        surname_ok = last is None or prev[0] is None or same_surname(last, prev[0])
        same_name = last is not None and prev[0] is not None and same_surname(last, prev[0])
        dob_unknown = dob is None or prev[1] is None
        if merged and ((same_dob and surname_ok) or (same_name and dob_unknown)):
            merged[-1].extend(piece)
            prev = (prev[0] or last, prev[1] or dob)
        else:
            merged.append(list(piece))
            prev = (last, dob)
    return merged


def document_info(doc: ReadDocument) -> DocumentInfo:
    return DocumentInfo(
        sha256=doc.sha256,
        filename=doc.filename,
        media_type=doc.media_type,
        page_count=len(doc.pages),
        pages=[_page_info(p) for p in doc.pages],
    )


def _page_info(p: Page) -> PageInfo:
    return PageInfo(page=p.number, kind=p.kind, text_source=p.text_source, ocr_confidence=p.ocr_confidence)


def _field(ch: Choice) -> Field:
    b = ch.best
    return Field(
        value=ch.value,
        confidence=ch.confidence,
        page=b.page,
        bbox=[round(v, 1) for v in b.bbox] if b.bbox else None,
        text=b.text,
    )


def _place(ref: Referral, ch: Choice) -> None:
    """Put a chosen value at its contract path, creating the containers on the way."""
    parts = ch.path.split(".")
    head = parts[0]
    if head in ("diagnoses", "procedures"):
        desc = _field(ch.description) if ch.description else None
        getattr(ref, head).append(Coded(code=_field(ch), description=desc))
        return
    if head in ("medications", "allergies"):
        getattr(ref, head).append(_field(ch))
        return
    if head == "patient":
        _set(ref.patient, parts[1:], _field(ch))
    elif head == "insurance":
        idx = int(parts[1])
        while len(ref.insurance) <= idx:
            ref.insurance.append(Coverage())
        _set(ref.insurance[idx], parts[2:], _field(ch))
    elif head in ("referring_provider", "referred_to"):
        if getattr(ref, head) is None:
            setattr(ref, head, Provider())
        _set(getattr(ref, head), parts[1:], _field(ch))
    else:
        setattr(ref, head, _field(ch))


def _set(obj: Patient | Provider | Coverage, parts: list[str], value: Field) -> None:
    if parts[0] == "address":
        if obj.address is None:  # type: ignore[union-attr]
            obj.address = Address()  # type: ignore[union-attr]
        setattr(obj.address, parts[1], value)  # type: ignore[union-attr]
    else:
        setattr(obj, parts[0], value)


def extract_detailed(doc: ReadDocument) -> DetailedExtraction:
    """Like `extract_document`, with per-field evidence and conflicts (structured inputs: evidence empty)."""
    if doc.structured_kind:
        return DetailedExtraction(_structured(doc))
    return LayoutExtractor().extract_detailed(doc)


def extract_document(doc: ReadDocument) -> Extraction:
    """The pipeline's entry: structured messages go to the structured extractor, everything else to layout."""
    return extract_detailed(doc).extraction


def _structured(doc: ReadDocument) -> Extraction:
    # Imported lazily: the structured package is optional at import time and heavier (lxml, hl7apy, fhir).
    from referral_intake.extraction.structured import StructuredExtractor

    result: Extraction = StructuredExtractor().extract(doc)
    return result


def explain(detail: DetailedExtraction) -> str:
    """Per field: value, confidence and the evidence behind it; conflicts listed with their alternatives."""
    lines: list[str] = []
    by_ref: dict[int, list[FieldEvidence]] = {}
    for e in detail.evidence:
        by_ref.setdefault(e.referral, []).append(e)
    for ri, ref in enumerate(detail.extraction.referrals):
        lines.append(f"referral {ri + 1} (pages {', '.join(map(str, ref.pages))})")
        for e in by_ref.get(ri, []):
            lines.append(f"  {e.path}: confidence {e.confidence:.3f}")
            lines.extend(f"    - {r}" for r in e.reasons)
            for a in e.alternatives:
                lines.append(f"    ! also {a.value!r} on page(s) {', '.join(map(str, a.pages))}")
    return "\n".join(lines)
