"""The product's default stage implementations, imported only when a pipeline is built."""

from __future__ import annotations

from typing import Any

from referral_intake.cases.deps import DuplicateFn, EligibilityFn, ExtractFn, MatchFn, ReadFn
from referral_intake.contract import Extraction, Referral
from referral_intake.reading.model import ReadDocument
from referral_intake.settings import Settings
from referral_intake.store.engine import Store


def reader(settings: Settings) -> ReadFn:
    from referral_intake.reading import read_document

    def read(data: bytes, filename: str | None) -> Any:
        return read_document(data, filename, settings.reading)

    return read


def extractor(settings: Settings, store: Store | None = None) -> ExtractFn:
    """The layout/structured extractor, refined by the optional LLM where it is unsure.

    The LLM path refuses to start without `extraction.llm_baa_in_place`, and audits every call in the
    store (opened here when the caller has none, as `referral-intake extract` does).
    """
    from referral_intake.extraction.extractor import extract_document

    if settings.extraction.llm_provider == "off":
        return extract_document
    from referral_intake.extraction.llm import make_refiner

    refiner = make_refiner(settings.extraction, audit=store or Store.open(settings))
    threshold = settings.extraction.review_threshold

    def extract(doc: ReadDocument) -> Extraction:
        return refiner.refine(doc, extract_document(doc), threshold)

    return extract


def matcher(settings: Settings, store: Store) -> MatchFn:
    """Match against the EHR's charts (the first readable connector, else the embedded EHR), audited."""
    from referral_intake.ehr.registry import build_reader
    from referral_intake.matching import match_referral

    ehr = build_reader(settings, store)

    def match(referral: Referral) -> dict[str, Any]:
        result: dict[str, Any] = match_referral(referral, ehr, settings.matching).model_dump(mode="json")
        return result

    return match


def eligibility(settings: Settings, store: Store) -> EligibilityFn:
    """Check coverage; the raw 270/271 exchange is stored (and its sending audited) by reference."""
    from referral_intake.eligibility.records import check_and_record

    def check(referral: Referral) -> dict[str, Any]:
        result: dict[str, Any] = check_and_record(referral, settings, store)
        return result

    return check


def connector_names(settings: Settings) -> list[str]:
    from referral_intake.ehr.registry import connector_names as names

    return names(settings)


def duplicate_finder(settings: Settings, store: Store) -> DuplicateFn:
    """The same patient and reason from the same window, among recent cases of other documents."""
    from datetime import timedelta

    from sqlalchemy import select

    from referral_intake.matching import RecentReferral, find_duplicate_referral
    from referral_intake.store.base import utcnow
    from referral_intake.store.tables import Case

    window = settings.matching.duplicate_window_days

    def find(referral: Referral, case_id: int, patient_id: str | None) -> dict[str, Any] | None:
        since = utcnow() - timedelta(days=window)
        with store.read() as session:
            me = session.get(Case, case_id)
            rows = session.execute(
                select(Case.id, Case.created_at, Case.extraction, Case.patient_ref)
                .where(Case.created_at >= since, Case.id != case_id, Case.extraction.is_not(None))
                .where(Case.state.not_in(["rejected", "duplicate"]))
                .where(Case.document_id != (me.document_id if me else -1))
                .order_by(Case.id.desc())
                .limit(2000)
            ).all()
        recent = []
        for cid, created, extraction, ref in rows:
            ext = Extraction.model_validate(extraction)
            if ext.referrals:
                recent.append(
                    RecentReferral.from_referral(ext.referrals[0], created, case_id=cid, patient_id=ref)
                )
        new = RecentReferral.from_referral(referral, utcnow(), case_id=case_id, patient_id=patient_id)
        hit = find_duplicate_referral(
            new, recent, window, min_reason_similarity=settings.matching.duplicate_reason_similarity
        )
        if hit is None:
            return None
        found: dict[str, Any] = hit.model_dump(mode="json")
        return found

    return find
