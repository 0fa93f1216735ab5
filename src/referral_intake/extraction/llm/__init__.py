"""Optional LLM extractor (off by default; refuses to run unless a BAA covers the endpoint).

refiner = make_refiner(settings.extraction, audit=store)   # or audit=callable(reason)
extraction = refiner.refine(read_doc, layout_extraction, settings.extraction.review_threshold)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from referral_intake.extraction.llm.client import make_caller
from referral_intake.extraction.llm.refine import AuditFn, LlmRefiner, document_text
from referral_intake.settings import ExtractionSettings

if TYPE_CHECKING:
    from referral_intake.store.engine import Store

AUDIT_ACTOR = "llm-extractor"


def store_audit(store: Store) -> AuditFn:
    """Audit each LLM call as a `disclose` event on the document, in its own transaction."""

    def write(sha256: str, reason: str) -> None:
        from referral_intake.audit import record

        outcome = "failure" if "outcome=failed" in reason else "success"
        with store.begin() as session:
            record(session, AUDIT_ACTOR, "disclose", "document", sha256, outcome=outcome, reason=reason)

    return write


def callback_audit(fn: Callable[[str], None]) -> AuditFn:
    """Audit through a plain callback that receives one PHI-free line per event."""

    def write(sha256: str, reason: str) -> None:
        fn(f"{reason} document={sha256}")

    return write


def make_refiner(
    settings: ExtractionSettings,
    audit: Store | Callable[[str], None],
    *,
    cap: float = 0.9,
    timeout: float = 60.0,
) -> LlmRefiner:
    """An LlmRefiner for the configured endpoint. ConfigurationError when off or without a BAA.

    `cap` is held below `settings.review_threshold`, so an LLM value always meets a person before use.
    """
    caller = make_caller(settings, timeout=timeout)  # checks the provider and the BAA setting first
    sink = callback_audit(audit) if callable(audit) else store_audit(audit)
    return LlmRefiner(caller=caller, audit=sink, cap=min(cap, settings.review_threshold - 0.01))


__all__ = ["AUDIT_ACTOR", "LlmRefiner", "callback_audit", "document_text", "make_refiner", "store_audit"]
