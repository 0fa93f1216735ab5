"""The product's default stage implementations, imported only when a pipeline is built."""

from __future__ import annotations

from typing import Any

from referral_intake.cases.deps import EligibilityFn, ExtractFn, MatchFn, ReadFn
from referral_intake.contract import Referral
from referral_intake.settings import Settings
from referral_intake.store.engine import Store


def reader(settings: Settings) -> ReadFn:
    from referral_intake.reading import read_document

    def read(data: bytes, filename: str | None) -> Any:
        return read_document(data, filename, settings.reading)

    return read


def extractor(settings: Settings) -> ExtractFn:
    from referral_intake.extraction.extractor import extract_document

    return extract_document


def matcher(settings: Settings, store: Store) -> MatchFn:
    from referral_intake.matching import match_referral
    from referral_intake.matching.embedded_ehr import EmbeddedEhr

    ehr = EmbeddedEhr(store)

    def match(referral: Referral) -> dict[str, Any]:
        return match_referral(referral, ehr, settings.matching).model_dump(mode="json")

    return match


def eligibility(settings: Settings) -> EligibilityFn:
    from referral_intake.eligibility.service import check_eligibility

    def check(referral: Referral) -> dict[str, Any]:
        return check_eligibility(referral, settings).model_dump(mode="json")

    return check


def connector_names(settings: Settings) -> list[str]:
    names = [str(c.get("name") or c.get("kind")) for c in settings.ehr_connectors]
    return names or ["embedded"]
