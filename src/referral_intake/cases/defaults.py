"""The product's default stage implementations, imported only when a pipeline is built."""

from __future__ import annotations

from typing import Any

from referral_intake.cases.deps import EligibilityFn, ExtractFn, MatchFn, ReadFn
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
    from referral_intake.matching import match_referral
    from referral_intake.matching.embedded_ehr import EmbeddedEhr

    ehr = EmbeddedEhr(store)

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
    names = [str(c.get("name") or c.get("kind")) for c in settings.ehr_connectors]
    return names or ["embedded"]
